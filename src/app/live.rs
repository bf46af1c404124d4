//! A vault that changes under the browser: the watcher's batches, rebuilds run beside the UI, the
//! one entry point that swaps in a whole new [`Loaded`] keeping the user's place by path
//! ([`App::replace_loaded`]), notes that vanished while shown, and `e` (edit in `$EDITOR`).

use std::collections::HashMap;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::Duration;

use ratatui::text::Line;

use crate::commands::{sanitize, Loaded};
use crate::graph::Graph;
use crate::live::{self, Applied, Batch, Change, Plan, Watcher};
use crate::render::Rendered;
use crate::search::Matcher;
use crate::vault::Vault;

use super::{labels_and_rank, line_of_row, reveal, App, Mode, Page, Request, View};

/// Note ids at and above this name notes that vanished while in the view or the history
/// ([`Ghost`]); real note indices are far below it.
const GHOST_BASE: usize = usize::MAX / 2;

/// Where rebuilds of the graph run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rebuilds {
    /// On the calling thread, before [`App::apply_changes`] returns (for tests).
    #[default]
    Inline,
    /// On a thread of their own; the event loop swaps the result in ([`super::Action::Live`]).
    Background,
}

/// A note that vanished while shown or in the history: its last rendering, kept so the view and
/// Back/Forward still work. Its links are no longer followable.
#[derive(Debug, Clone)]
pub(crate) struct Ghost {
    /// Its vault path when it existed.
    pub path: String,
    /// Its title.
    pub title: String,
    /// What it looked like, without link stops.
    pub page: Page,
}

/// The live-vault state of the app.
#[derive(Default)]
pub(crate) struct LiveState {
    pub(super) watcher: Option<Watcher>,
    rebuilds: Rebuilds,
    /// A rebuild running beside the UI.
    rebuilding: Option<Receiver<Prepared>>,
    /// Changes that arrived while a rebuild ran, applied after it is swapped in.
    pending: Vec<Change>,
    pub(crate) ghosts: HashMap<usize, Ghost>,
    next_ghost: usize,
    /// Counts the changes applied, so the event loop knows when to draw.
    generation: u64,
}

/// Whether an editor command (`$VISUAL` / `$EDITOR`, maybe with arguments) is one known to open a
/// file at a line given as `+LINE`; others are given the file alone.
pub fn accepts_plus_line(editor: &str) -> bool {
    let program = editor.split_whitespace().next().unwrap_or("");
    let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
    matches!(
        name,
        "vi" | "vim"
            | "nvim"
            | "gvim"
            | "mvim"
            | "nvi"
            | "elvis"
            | "vis"
            | "ex"
            | "view"
            | "nano"
            | "pico"
            | "emacs"
            | "emacsclient"
            | "micro"
            | "kak"
            | "ne"
            | "joe"
            | "jed"
            | "mg"
    )
}

/// A vault and graph made ready to browse: with the switcher's matcher, the note list's labels and
/// its title order, which take a while on a large vault and so are built where the vault was (a
/// rebuild's thread, a loader's), not on the UI thread. See [`App::swap_in`].
pub struct Prepared {
    /// The vault and graph, shared so that the thread that made them may still read them after
    /// handing them over (as the loader does, for the watcher and the text pack). The browser
    /// changes a vault in place only when it holds it alone.
    pub loaded: Arc<Loaded>,
    /// `None` from [`Prepared::without_matcher`].
    pub(crate) matcher: Option<Matcher>,
    pub(crate) labels: Vec<(String, Option<String>)>,
    pub(crate) title_rank: Vec<u32>,
}

impl Prepared {
    /// Builds what the browser indexes from a loaded vault.
    pub fn new(loaded: Loaded) -> Prepared {
        Prepared {
            matcher: Some(Matcher::new(&loaded.vault)),
            ..Prepared::without_matcher(loaded)
        }
    }

    /// [`Prepared::new`] without the switcher's matcher, which the app then builds beside the UI
    /// once this is swapped in (or at once, if the switcher is opened first): the graph reaches
    /// the screen sooner.
    pub fn without_matcher(loaded: Loaded) -> Prepared {
        let (labels, title_rank) = labels_and_rank(&loaded.vault.notes);
        Prepared {
            loaded: Arc::new(loaded),
            matcher: None,
            labels,
            title_rank,
        }
    }

    /// [`Prepared::without_matcher`] of a vault just loaded: its graph is built while the list's
    /// labels and title order are made, which need only the notes and fill the cores the graph's
    /// one-core stretches leave (≈ 40 ms at 50,000 notes off the graph reaching the screen).
    pub fn without_matcher_of(vault: Vault) -> Prepared {
        let (graph, (labels, title_rank)) =
            rayon::join(|| Graph::build(&vault), || labels_and_rank(&vault.notes));
        Prepared {
            loaded: Arc::new(Loaded { vault, graph }),
            matcher: None,
            labels,
            title_rank,
        }
    }
}

/// For each note of `old`, its index in `new` (by path), by one walk over both sorted lists.
fn remap_by_path(old: &Loaded, new: &Loaded) -> Vec<Option<usize>> {
    let (a, b) = (&old.vault.notes, &new.vault.notes);
    let mut out = vec![None; a.len()];
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].path.cmp(&b[j].path) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out[i] = Some(j);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

impl LiveState {
    pub(crate) fn new(watcher: Option<Watcher>, rebuilds: Rebuilds) -> LiveState {
        LiveState {
            watcher,
            rebuilds,
            ..LiveState::default()
        }
    }
}

impl App {
    /// Swaps in a whole new vault and graph, keeping the user's place **by path**: the selected
    /// note of the list, the open note with its scroll and selected link, Back/Forward history,
    /// recently opened notes, search marks and the tag filter. A note that no longer exists stays
    /// where it was shown, marked "(deleted)" with its last rendering, and navigation goes on.
    /// Open popups are refreshed against the new graph.
    ///
    /// This is the one entry point for a changed vault: the watcher's structural changes come
    /// through it, and so can a first frame drawn from a quick file list before the real graph is
    /// built (start the app on the quick [`Loaded`], then call this with the full one). It builds
    /// the switcher's and the list's indexes on the calling thread; [`App::swap_in`] takes them
    /// ready-made.
    pub fn replace_loaded(&mut self, loaded: Loaded) {
        self.swap_in(Prepared::new(loaded));
    }

    /// [`App::replace_loaded`] with the indexes built beforehand, on any thread
    /// ([`Prepared::new`]): what is left for the UI thread is linear and quick.
    pub fn swap_in(&mut self, prepared: Prepared) {
        let Prepared {
            loaded: new,
            matcher,
            labels,
            title_rank,
        } = prepared;
        let old = std::mem::replace(&mut self.loaded, Arc::clone(&new));
        let table = remap_by_path(&old, &new);
        let remap = |i: usize| -> Option<usize> { table.get(i).copied().flatten() };
        // Views and history, by path; a vanished note becomes a ghost, a ghost whose path is back
        // is itself again.
        let mut ghosted: HashMap<usize, usize> = HashMap::new();
        let mut views: Vec<View> = Vec::new();
        views.extend(self.view);
        views.extend(self.back.iter().copied());
        views.extend(self.forward.iter().copied());
        let mut mapped = Vec::with_capacity(views.len());
        for v in views {
            let note = if v.note >= GHOST_BASE {
                let back = self
                    .live
                    .ghosts
                    .get(&v.note)
                    .and_then(|g| new.vault.note_by_path(&g.path));
                back.unwrap_or(v.note)
            } else if let Some(n) = remap(v.note) {
                n
            } else if let Some(&g) = ghosted.get(&v.note) {
                g
            } else {
                let g = self.make_ghost(&old, v);
                ghosted.insert(v.note, g);
                g
            };
            let same = note == v.note || (note < GHOST_BASE && v.note < GHOST_BASE);
            mapped.push(View {
                note,
                // The links of a note that came and went are not the ones the stop counted.
                link: if same && note < GHOST_BASE {
                    v.link
                } else {
                    None
                },
                ..v
            });
        }
        let mut it = mapped.into_iter();
        if self.view.is_some() {
            self.view = it.next();
        }
        let nb = self.back.len();
        self.back = it.by_ref().take(nb).collect();
        self.forward = it.collect();
        let in_use: std::collections::HashSet<usize> = self
            .view
            .iter()
            .chain(&self.back)
            .chain(&self.forward)
            .map(|v| v.note)
            .collect();
        self.live.ghosts.retain(|g, _| in_use.contains(g));

        self.recent = self
            .recent
            .iter()
            .filter_map(|(&n, &t)| Some((remap(n)?, t)))
            .collect();
        self.marks = self.marks.take().and_then(|mut m| {
            m.note = remap(m.note)?;
            Some(m)
        });

        // The list: same order and filter, the same note selected (or the one now in its place).
        let selected_pos = self.list.selected;
        let kept = self.list.order.get(selected_pos).and_then(|&i| remap(i));
        self.list.order = self.list.order.iter().filter_map(|&n| remap(n)).collect();
        self.list.selected = kept
            .and_then(|k| self.list.order.iter().position(|&n| n == k))
            .unwrap_or(usize::MAX);
        self.list.labels = labels;
        self.matcher = matcher;
        if self.matcher.is_none() {
            self.build_matcher_beside();
        }
        self.title_rank = title_rank;
        let offset = self.list.offset;
        self.sort_list();
        if kept.is_none() {
            self.list.selected = selected_pos.min(self.list.order.len().saturating_sub(1));
        }
        self.list.offset = reveal(offset, self.list.selected, self.list_height());

        self.pages.clear();
        self.reload_backlinks();
        self.refresh_popups(true);
        self.live.generation += 1;
        self.refresh();
        // Freeing a large vault's many small allocations takes a while: not on the UI thread, and
        // once the new graph is on the screen.
        let gate = self.frame_gate();
        self.swapped = true;
        std::thread::spawn(move || {
            gate.wait();
            drop(old);
        });
    }

    /// Keeps the last rendering of a vanished note for view `v`, and returns its ghost id.
    fn make_ghost(&mut self, old: &Loaded, v: View) -> usize {
        let note = &old.vault.notes[v.note];
        let page = self
            .pages
            .get(&(v.note, v.width))
            .or_else(|| {
                self.pages
                    .iter()
                    .find(|((n, _), _)| *n == v.note)
                    .map(|(_, p)| p)
            })
            .map(|p| Rendered {
                anchors: Vec::new(),
                ..p.rendered.clone()
            })
            .unwrap_or_else(|| Rendered {
                lines: vec![Line::from("This note was deleted.")],
                line_rows: vec![(1, 0)],
                ..Rendered::default()
            });
        let id = GHOST_BASE + self.live.next_ghost;
        self.live.next_ghost += 1;
        self.live.ghosts.insert(
            id,
            Ghost {
                path: note.path.clone(),
                title: note.title.clone(),
                page: Page::new(page),
            },
        );
        id
    }

    /// Whether `note` (a view's note) vanished from the vault.
    pub(crate) fn is_ghost(&self, note: usize) -> bool {
        note >= GHOST_BASE
    }

    /// The title a view's note is shown under: "(deleted)" after a note that vanished.
    pub fn view_title(&self, note: usize) -> String {
        match self.live.ghosts.get(&note) {
            Some(g) => format!("{} (deleted)", sanitize(&g.title)),
            None => self
                .loaded
                .vault
                .notes
                .get(note)
                .map_or_else(String::new, |n| sanitize(&n.title)),
        }
    }

    /// The vault path of a view's note, also for one that vanished.
    pub fn view_path(&self, note: usize) -> String {
        match self.live.ghosts.get(&note) {
            Some(g) => format!("{} (deleted)", sanitize(&g.path)),
            None => self
                .loaded
                .vault
                .notes
                .get(note)
                .map_or_else(String::new, |n| sanitize(&n.path)),
        }
    }

    /// The page of a ghost note.
    pub(crate) fn ghost_page(&self, note: usize) -> Option<&Page> {
        self.live.ghosts.get(&note).map(|g| &g.page)
    }

    /// Applies what changed on disk: edited notes in place (well under a millisecond each), added,
    /// removed and renamed notes by a rebuild of the graph, inline or beside the UI as
    /// [`Rebuilds`] says; either way the user's place is kept. Changes that arrive while a rebuild
    /// runs are applied after it.
    pub fn apply_changes(&mut self, changes: Vec<Change>) {
        if self.live.rebuilding.is_some() || self.loading() {
            self.live.pending.extend(changes);
            return;
        }
        match live::plan(&self.loaded, &changes) {
            Plan::Nothing => {}
            Plan::InPlace => match Arc::get_mut(&mut self.loaded) {
                Some(loaded) => {
                    let applied = live::apply_in_place(loaded, changes);
                    self.after_in_place(&applied);
                }
                // A background search still reads the vault: leave it alone, build a new one.
                None => self.start_rebuild(changes),
            },
            Plan::Rebuild => self.start_rebuild(changes),
        }
    }

    fn start_rebuild(&mut self, changes: Vec<Change>) {
        match self.live.rebuilds {
            Rebuilds::Inline => {
                let new = live::rebuild(&self.loaded, changes);
                self.replace_loaded(new);
            }
            Rebuilds::Background => {
                let old = Arc::clone(&self.loaded);
                let (tx, rx) = mpsc::channel();
                std::thread::spawn(move || {
                    let new = live::rebuild(&old, changes);
                    drop(old);
                    let _ = tx.send(Prepared::new(new));
                });
                self.live.rebuilding = Some(rx);
            }
        }
    }

    /// Brings the view, list, backlinks and popups up to date after notes changed in place.
    fn after_in_place(&mut self, applied: &Applied) {
        self.live.generation += 1;
        self.pages.clear();
        if let Some(v) = self.view.as_mut() {
            if applied.notes.contains(&v.note) {
                // The note's links moved; the scroll position stays.
                v.link = None;
            }
        }
        if self
            .marks
            .as_ref()
            .is_some_and(|m| applied.notes.contains(&m.note))
        {
            self.marks = None;
        }
        for (i, old_title) in &applied.retitled {
            self.retitle(*i, old_title);
        }
        let titles = !applied.retitled.is_empty();
        if titles || self.list.filter.is_some() || self.list.sort == super::Sort::Modified {
            let offset = self.list.offset;
            self.sort_list();
            self.list.offset = reveal(offset, self.list.selected, self.list_height());
        }
        self.reload_backlinks();
        self.refresh_popups(titles);
        self.refresh();
    }

    /// Brings the switcher, the list labels and the title order up to date after note `i`'s title
    /// changed in place, touching only what the change moves.
    fn retitle(&mut self, i: usize, old_title: &str) {
        let notes = &self.loaded.vault.notes;
        if let Some(m) = &mut self.matcher {
            m.update_note(i, &notes[i]);
        }
        // Labels: the notes that shared the old title or share the new one may gain or lose
        // their folder.
        let keys = [old_title.to_lowercase(), notes[i].title.to_lowercase()];
        let same = |t: &str, k: &str| {
            if t.is_ascii() && k.is_ascii() {
                t.eq_ignore_ascii_case(k)
            } else {
                t.to_lowercase() == k
            }
        };
        for key in &keys {
            let sharing: Vec<usize> = (0..notes.len())
                .filter(|&n| same(&notes[n].title, key))
                .collect();
            let repeated = sharing.len() > 1;
            for n in sharing {
                let note = &notes[n];
                let folder = repeated.then(|| {
                    if note.folder().is_empty() {
                        "/".to_string()
                    } else {
                        sanitize(note.folder()) + "/"
                    }
                });
                self.list.labels[n] = (sanitize(&note.title), folder);
            }
        }
        // Title order: take the note out and put it back where its new title sorts.
        let mut order = vec![0usize; notes.len()];
        for (n, &r) in self.title_rank.iter().enumerate() {
            order[r as usize] = n;
        }
        order.retain(|&n| n != i);
        let key = (notes[i].title.to_lowercase(), i);
        let at = order.partition_point(|&n| (notes[n].title.to_lowercase(), n) < key);
        order.insert(at, i);
        for (r, &n) in order.iter().enumerate() {
            self.title_rank[n] = r as u32;
        }
    }

    /// Loads the backlinks of the open note again, keeping the selected row.
    fn reload_backlinks(&mut self) {
        let (selected, offset) = (self.backlinks.selected, self.backlinks.offset);
        match self.view {
            Some(v) if !self.is_ghost(v.note) => self.load_backlinks(v.note),
            _ => self.backlinks = super::BacklinkList::default(),
        }
        self.backlinks.selected = selected;
        self.backlinks.offset = offset;
    }

    /// Popups that show vault data are computed again; those tied to the old rendering close.
    fn refresh_popups(&mut self, names_changed: bool) {
        match &self.mode {
            Mode::Switcher(_) if names_changed => {
                // The matcher changed: what the session remembers no longer applies.
                if let Mode::Switcher(s) = &mut self.mode {
                    s.session = crate::search::Session::new();
                }
                self.refresh_switcher();
            }
            Mode::Find(_) if names_changed => self.start_search(),
            Mode::Loose(l) => {
                let selected = l.selected;
                self.open_loose();
                if let Mode::Loose(l) = &mut self.mode {
                    l.selected = selected.min(l.rows.len().saturating_sub(1));
                }
            }
            Mode::Tags(t) => {
                let selected = t.selected;
                self.mode = Mode::Browse;
                self.open_tags();
                if let Mode::Tags(t) = &mut self.mode {
                    t.selected = selected.min(t.rows.len().saturating_sub(1));
                }
            }
            Mode::Hints(_) => self.mode = Mode::Browse,
            Mode::Outline(o) => {
                let n = self
                    .view
                    .and_then(|v| self.loaded.vault.notes.get(v.note))
                    .filter(|_| self.view.is_some_and(|v| !self.is_ghost(v.note)))
                    .map_or(0, |n| n.parsed.headings.len());
                if n == 0 {
                    self.mode = Mode::Browse;
                } else {
                    let selected = o.selected.min(n - 1);
                    self.mode = Mode::Outline(super::Outline { selected });
                }
            }
            _ => {}
        }
    }

    /// Applies the changes that waited for a rebuild or the first load.
    pub(super) fn apply_pending_changes(&mut self) {
        let pending = std::mem::take(&mut self.live.pending);
        if !pending.is_empty() {
            self.apply_changes(pending);
        }
    }

    /// Takes what the watcher sent and a finished rebuild, and applies them.
    pub(super) fn pump_live(&mut self) {
        if let Some(rx) = &self.live.rebuilding {
            match rx.try_recv() {
                Ok(new) => {
                    self.live.rebuilding = None;
                    self.swap_in(new);
                    self.apply_pending_changes();
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.live.rebuilding = None;
                    self.warn("Could not bring the vault up to date; restart engram to reload it");
                }
            }
        }
        let mut batches = Vec::new();
        if let Some(w) = &self.live.watcher {
            while let Some(b) = w.try_recv() {
                batches.push(b);
            }
        }
        for b in batches {
            match b {
                Batch::Changes(c) => self.apply_changes(c),
                Batch::Reload(loaded) => {
                    // A whole new load supersedes whatever was on its way; its indexes are built
                    // beside the UI like a rebuild's.
                    self.live.pending.clear();
                    match self.live.rebuilds {
                        Rebuilds::Inline => {
                            self.live.rebuilding = None;
                            self.replace_loaded(*loaded);
                        }
                        Rebuilds::Background => {
                            let (tx, rx) = mpsc::channel();
                            std::thread::spawn(move || {
                                let _ = tx.send(Prepared::new(*loaded));
                            });
                            self.live.rebuilding = Some(rx);
                        }
                    }
                }
                Batch::Failed(e) => self.warn(format!("Could not load the vault again: {e}")),
                Batch::Warning(e) => self.warn(format!("Some changes may be missed: {e}")),
            }
        }
    }

    /// Shows a warning in the status bar until the next key (for problems found before the
    /// browser started, such as a watcher that could not start).
    pub fn show_warning(&mut self, text: impl Into<String>) {
        self.warn(text);
    }

    /// Whether the vault is watched for changes.
    pub fn watching(&self) -> bool {
        self.live.watcher.is_some()
    }

    /// Whether a rebuild of the graph is running beside the UI.
    pub fn rebuilding(&self) -> bool {
        self.live.rebuilding.is_some()
    }

    /// Counts the changes applied so far: it moves whenever the vault shown changed.
    pub fn generation(&self) -> u64 {
        self.live.generation
    }

    /// Waits until a running rebuild is swapped in, taking the watcher's batches meanwhile: for
    /// tests. Gives up after ten seconds.
    pub fn wait_for_rebuild(&mut self) {
        for _ in 0..2000 {
            self.update(super::Action::Live);
            if self.live.rebuilding.is_none() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// `e`: asks the terminal to run the editor on the open note (else the list's selected one),
    /// at the first source line in view.
    pub(super) fn edit(&mut self) {
        let (note, line) = match self.view {
            Some(v) if self.is_ghost(v.note) => {
                self.warn("This note was deleted; there is nothing to edit");
                return;
            }
            Some(v) => {
                let line = self
                    .page()
                    .and_then(|p| line_of_row(&p.rendered, v.top))
                    .unwrap_or(1);
                (v.note, line)
            }
            None => match self.list.order.get(self.list.selected) {
                Some(&n) => (n, 1),
                None => {
                    self.info("No note to edit");
                    return;
                }
            },
        };
        let n = &self.loaded.vault.notes[note];
        let file = if n.file.as_os_str().is_empty() {
            self.loaded.vault.root.join(&n.path)
        } else {
            n.file.clone()
        };
        self.request = Some(Request::Edit {
            file,
            path: n.path.clone(),
            line,
        });
    }

    /// Called by the terminal when the editor started by [`Request::Edit`] has returned: reads the
    /// note at `path` again and applies it (the watcher may be off), and shows the editor's
    /// failure, if any.
    pub fn finish_edit(&mut self, path: &str, outcome: Result<(), String>) {
        let changes = live::look(&self.loaded.vault.root, path);
        self.apply_changes(changes);
        match outcome {
            Ok(()) => self.info(format!("Edited {path}")),
            Err(e) => self.warn(format!("Editor failed: {e}")),
        }
        self.refresh();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plus_line_goes_to_the_editors_that_take_it() {
        for e in ["vi", "/usr/bin/nvim", "emacsclient -t", "nano", "kak"] {
            assert!(accepts_plus_line(e), "{e}");
        }
        for e in ["code -w", "hx", "subl --wait", "false", ""] {
            assert!(!accepts_plus_line(e), "{e}");
        }
    }

    /// The browser's load builds the graph beside the list's labels and order; what it hands over
    /// is what building them one after the other gives.
    #[test]
    fn a_vault_prepared_side_by_side_is_the_vault_prepared_in_turn() {
        let files = [
            ("b/Same.md", "# Same\n[[a/Same]] [[Ghost]] #tag"),
            ("a/Same.md", "---\ntitle: Same\n---\n[[b/Same#Same]]"),
            ("zeta.md", "# alpha\n[[Missing#x]]"),
            ("Alpha.md", "[[zeta]] ![[pic.png]]"),
            ("pic.png", ""),
        ];
        let apart = Prepared::without_matcher(Loaded::new(Vault::from_files(files)));
        let together = Prepared::without_matcher_of(Vault::from_files(files));
        assert_eq!(together.labels, apart.labels);
        assert_eq!(together.title_rank, apart.title_rank);
        let (a, t) = (&apart.loaded.graph, &together.loaded.graph);
        assert_eq!(t.resolutions, a.resolutions);
        assert_eq!(t.backlinks, a.backlinks);
        assert_eq!(t.unresolved, a.unresolved);
        assert_eq!(t.tags, a.tags);
        // Titles shared (case aside) are told apart by folder.
        let vault = &together.loaded.vault;
        let label = |path: &str| together.labels[vault.note_by_path(path).expect(path)].clone();
        assert_eq!(label("a/Same.md"), ("Same".into(), Some("a/".into())));
        assert_eq!(label("Alpha.md"), ("Alpha".into(), Some("/".into())));
        assert_eq!(t.unresolved.len(), 2, "{:?}", t.unresolved);
        assert!(together.matcher.is_none());
    }
}
