//! The browser's first frame does not wait for the graph: it starts on the note list alone
//! ([`Loaded::listing`](crate::commands::Loaded::listing)) while a thread loads the vault and
//! builds the graph, which arrives over a channel and is swapped in with [`App::swap_in`], keeping
//! the user's place by path. Changes the watcher reports meanwhile wait, and are applied after it.

use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use crate::live::Watcher;
use crate::search::Matcher;

use super::{App, Prepared};

/// What the loading thread sends.
pub enum Startup {
    /// The file watcher, or why it could not start. It may come before or after the graph: a
    /// watcher started after the load reports first what changed while the vault was read
    /// ([`Watcher::start_after`]); changes it reports before the graph arrives wait for it.
    Watcher(Result<Watcher, String>),
    /// The whole vault and graph made ready to browse ([`Prepared::new`], on the loading
    /// thread), or why loading failed.
    Loaded(Result<Box<Prepared>, String>),
}

/// Opened once a frame is drawn after a vault is swapped in ([`App::frame_drawn`]). The work a
/// swap leaves to other threads (building the switcher's matcher, freeing the vault it replaced,
/// and the loading thread's watcher baseline and text pack plan) waits for it, so that it does not
/// take the cores while the new graph is drawn; or for [`FrameGate::LONGEST`], for an app that is
/// not drawn (driven by tests without a terminal).
#[derive(Clone, Default)]
pub struct FrameGate(Arc<(Mutex<bool>, Condvar)>);

impl FrameGate {
    /// Longest wait for the frame.
    pub const LONGEST: Duration = Duration::from_millis(100);

    /// Waits until the gate is opened, or [`FrameGate::LONGEST`].
    pub fn wait(&self) {
        let (open, changed) = &*self.0;
        let guard = open.lock().unwrap_or_else(PoisonError::into_inner);
        drop(changed.wait_timeout_while(guard, Self::LONGEST, |open| !*open));
    }

    /// Whether the gate is open.
    pub fn is_open(&self) -> bool {
        *self.0 .0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn open(&self) {
        let (open, changed) = &*self.0;
        *open.lock().unwrap_or_else(PoisonError::into_inner) = true;
        changed.notify_all();
    }
}

impl App {
    /// The gate the next swap's background work waits on: opened by the first frame drawn after
    /// that swap. The loading thread takes it before it sends the graph.
    pub fn frame_gate(&mut self) -> FrameGate {
        self.frame_gate
            .get_or_insert_with(FrameGate::default)
            .clone()
    }

    /// Says a frame is on the screen: opens the gate of a swap made before it, if any.
    pub fn frame_drawn(&mut self) {
        if std::mem::take(&mut self.swapped) {
            if let Some(gate) = self.frame_gate.take() {
                gate.open();
            }
        }
    }

    /// Whether the graph is still being built: the browser shows the note list and opens notes,
    /// but links, backlinks and tags are not known yet.
    pub fn loading(&self) -> bool {
        self.startup.as_ref().is_some_and(|s| !s.loaded)
    }

    /// Whether work is arriving from a thread (a search's results, the graph, the watcher that
    /// follows it): the event loop then wakes often and sends [`super::Action::Pump`] to take it.
    pub fn busy(&self) -> bool {
        self.searching() || self.startup.is_some() || self.matcher_coming.is_some()
    }

    /// Whether the switcher's matcher for the vault now browsed is built.
    pub fn matcher_ready(&self) -> bool {
        self.matcher.is_some()
    }

    /// Builds the switcher's matcher for the vault now browsed on a thread, when searches run
    /// beside the UI ([`super::Searching::Background`]); otherwise it is built when first used.
    pub(super) fn build_matcher_beside(&mut self) {
        self.matcher_coming = None;
        if self.search.searching != super::Searching::Background {
            return;
        }
        let loaded = Arc::clone(&self.loaded);
        let (tx, rx) = mpsc::channel();
        let gate = self.frame_gate();
        std::thread::spawn(move || {
            gate.wait();
            let matcher = Matcher::new(&loaded.vault);
            // The app may have moved on to another vault, or quit: then nobody listens.
            let _ = tx.send((loaded, matcher));
        });
        self.matcher_coming = Some(rx);
    }

    /// Takes the matcher built beside the UI, if it is for the vault still browsed and none was
    /// built meanwhile.
    fn take_matcher(&mut self) {
        let Some(rx) = &self.matcher_coming else {
            return;
        };
        match rx.try_recv() {
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => self.matcher_coming = None,
            Ok((loaded, matcher)) => {
                self.matcher_coming = None;
                if Arc::ptr_eq(&loaded, &self.loaded) && self.matcher.is_none() {
                    self.matcher = Some(matcher);
                }
            }
        }
    }

    /// Browses the vault and graph that `rx` will deliver, meanwhile showing the one the app was
    /// made with (typically [`Loaded::listing`](crate::commands::Loaded::listing): the note list
    /// alone). Keys keep working; each [`super::Action::Pump`] looks for the delivery.
    pub fn load_in_background(&mut self, rx: Receiver<Startup>) {
        self.startup = Some(Starting { rx, loaded: false });
    }

    /// Takes in what the loading thread has sent so far, until it is done sending.
    pub(super) fn pump_loading(&mut self) {
        self.take_matcher();
        while let Some(s) = &mut self.startup {
            match s.rx.try_recv() {
                Err(TryRecvError::Empty) => return,
                Ok(Startup::Watcher(Ok(w))) => self.live.watcher = Some(w),
                Ok(Startup::Watcher(Err(e))) => {
                    self.warn(format!("Not following changes to the vault: {e}"));
                }
                Ok(Startup::Loaded(Ok(prepared))) => {
                    s.loaded = true;
                    self.swap_in(*prepared);
                    self.apply_pending_changes();
                }
                Ok(Startup::Loaded(Err(why))) => {
                    s.loaded = true;
                    self.warn(format!("Cannot load the vault: {why}"));
                }
                Err(TryRecvError::Disconnected) => {
                    let loaded = s.loaded;
                    self.startup = None;
                    if !loaded {
                        self.warn("Loading the vault stopped before it finished");
                    }
                }
            }
        }
    }
}

/// The channel from the loading thread, and whether the graph has come through it yet.
pub(super) struct Starting {
    rx: Receiver<Startup>,
    loaded: bool,
}
