//! The browser's first frame does not wait for the graph: it starts on the note list alone
//! ([`Loaded::listing`](crate::commands::Loaded::listing)) while a thread loads the vault and
//! builds the graph, which arrives over a channel and is swapped in with [`App::swap_in`], keeping
//! the user's place by path. Changes the watcher reports meanwhile wait, and are applied after it.

use std::sync::mpsc::{Receiver, TryRecvError};

use crate::live::Watcher;

use super::{App, Prepared};

/// What the loading thread sends.
pub enum Startup {
    /// The file watcher, started (on that thread, where it costs the first frame nothing) before
    /// the vault is read, so no change is missed; or why it could not start.
    Watcher(Result<Watcher, String>),
    /// The whole vault and graph made ready to browse ([`Prepared::new`], on the loading
    /// thread), or why loading failed. The last message.
    Loaded(Result<Box<Prepared>, String>),
}

impl App {
    /// Whether the graph is still being built: the browser shows the note list and opens notes,
    /// but links, backlinks and tags are not known yet.
    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }

    /// Whether work is arriving from a thread (a search's results, the graph): the event loop then
    /// wakes often and sends [`super::Action::Pump`] to take it.
    pub fn busy(&self) -> bool {
        self.searching() || self.loading()
    }

    /// Browses the vault and graph that `rx` will deliver, meanwhile showing the one the app was
    /// made with (typically [`Loaded::listing`](crate::commands::Loaded::listing): the note list
    /// alone). Keys keep working; each [`super::Action::Pump`] looks for the delivery.
    pub fn load_in_background(&mut self, rx: Receiver<Startup>) {
        self.loading = Some(rx);
    }

    /// Takes in what the loading thread has sent so far.
    pub(super) fn pump_loading(&mut self) {
        while let Some(rx) = &self.loading {
            match rx.try_recv() {
                Err(TryRecvError::Empty) => return,
                Ok(Startup::Watcher(Ok(w))) => self.live.watcher = Some(w),
                Ok(Startup::Watcher(Err(e))) => {
                    self.warn(format!("Not following changes to the vault: {e}"));
                }
                Ok(Startup::Loaded(Ok(prepared))) => {
                    self.loading = None;
                    self.swap_in(*prepared);
                    self.apply_pending_changes();
                }
                Ok(Startup::Loaded(Err(why))) => {
                    self.loading = None;
                    self.warn(format!("Cannot load the vault: {why}"));
                }
                Err(TryRecvError::Disconnected) => {
                    self.loading = None;
                    self.warn("Loading the vault stopped before it finished");
                }
            }
        }
    }
}
