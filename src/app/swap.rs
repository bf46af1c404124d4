//! Taking in a newer [`Loaded`] while the user browses: the browser starts on the note list alone
//! ([`Loaded::listing`]) and the whole graph arrives later from a thread.
//!
//! Notes are matched by path, so the user keeps their place: the selected note in the list, the
//! open note with its scroll, the back and forward history, and the recency the switcher ranks by.
//! Views built from the old graph (tags, loose ends, link hints, the outline) are closed, since
//! what they list may have changed; the switcher and a full-text search run their query again.

use std::collections::HashMap;
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;

use crate::commands::Loaded;
use crate::search::Matcher;

use super::{list_labels, App, Mode, View};

/// What a background load sends when it ends: the whole vault and graph made [`Ready`], or why it
/// failed.
pub type LoadResult = Result<Ready, String>;

/// A vault and graph prepared for the browser, on any thread: with the quick switcher's index and
/// the list's labels built, so that taking it in costs the browser's thread little.
pub struct Ready {
    loaded: Loaded,
    matcher: Matcher,
    labels: Vec<(String, Option<String>)>,
}

impl Ready {
    /// Does the work of taking in `loaded` that does not need the browser.
    pub fn new(loaded: Loaded) -> Ready {
        Ready {
            matcher: Matcher::new(&loaded.vault),
            labels: list_labels(&loaded),
            loaded,
        }
    }
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
    /// made with (typically [`Loaded::listing`]: the note list alone). Keys keep working; each
    /// [`super::Action::Pump`] looks for the delivery and takes it in with [`App::replace_loaded`].
    pub fn load_in_background(&mut self, rx: Receiver<LoadResult>) {
        self.loading = Some(rx);
    }

    /// Takes in the background load's result if it has arrived.
    pub(super) fn pump_loading(&mut self) {
        let Some(rx) = &self.loading else { return };
        match rx.try_recv() {
            Err(TryRecvError::Empty) => {}
            Ok(Ok(ready)) => self.replace_ready(ready),
            Ok(Err(why)) => {
                self.loading = None;
                self.warn(format!("Cannot load the vault: {why}"));
            }
            Err(TryRecvError::Disconnected) => {
                self.loading = None;
                self.warn("Loading the vault stopped before it finished");
            }
        }
    }

    /// Replaces the vault and graph being browsed by `loaded`, keeping the user's place by note
    /// path. Notes that no longer exist drop out of the history; if the open note is gone, the
    /// view closes. Ends [`App::loading`].
    pub fn replace_loaded(&mut self, loaded: Loaded) {
        self.replace_ready(Ready::new(loaded));
    }

    /// [`App::replace_loaded`] with the preparation done beforehand, maybe on another thread.
    pub fn replace_ready(&mut self, ready: Ready) {
        let Ready {
            loaded,
            matcher,
            labels,
        } = ready;
        let same = self.loaded.vault.notes.len() == loaded.vault.notes.len()
            && self
                .loaded
                .vault
                .notes
                .iter()
                .zip(&loaded.vault.notes)
                .all(|(a, b)| a.path == b.path);
        let map: Box<dyn Fn(usize) -> Option<usize>> = if same {
            Box::new(Some)
        } else {
            let by_path: HashMap<&str, usize> = loaded
                .vault
                .notes
                .iter()
                .enumerate()
                .map(|(i, n)| (n.path.as_str(), i))
                .collect();
            let old: Vec<Option<usize>> = self
                .loaded
                .vault
                .notes
                .iter()
                .map(|n| by_path.get(n.path.as_str()).copied())
                .collect();
            Box::new(move |i| old.get(i).copied().flatten())
        };

        let selected = self
            .list
            .order
            .get(self.list.selected)
            .and_then(|&n| map(n));
        let remap_view = |v: &View| map(v.note).map(|note| View { note, ..*v });
        let view = self.view.as_ref().and_then(remap_view);
        self.back = self.back.iter().filter_map(remap_view).collect();
        self.forward = self.forward.iter().filter_map(remap_view).collect();
        self.recent = self
            .recent
            .iter()
            .filter_map(|(&n, &t)| map(n).map(|n| (n, t)))
            .collect();
        if !same {
            self.marks = None;
        }
        self.pages.clear();

        self.matcher = Some(matcher);
        self.list.labels = labels;
        self.loaded = Arc::new(loaded);
        self.loading = None;

        // The list: sorted again (titles change when the frontmatter is read), the same note
        // selected.
        self.list.order = selected.into_iter().collect();
        self.list.selected = 0;
        self.sort_list();

        match &self.mode {
            Mode::Browse | Mode::Help(_) => {}
            Mode::Switcher(_) => self.refresh_switcher(),
            Mode::Find(_) if same => {}
            Mode::Find(_) => self.start_search(),
            Mode::Outline(_) | Mode::Hints(_) | Mode::Tags(_) | Mode::Loose(_) => {
                self.mode = Mode::Browse;
            }
        }
        self.view = view;
        match view {
            Some(v) => self.load_backlinks(v.note),
            None => self.backlinks = Default::default(),
        }
        self.refresh();
    }
}
