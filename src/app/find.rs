//! Full-text search in the browser: the popup's state, the search itself (on a thread of its own,
//! streaming hits over a channel, or inline for tests), and the marks `n`/`N` move between.
//!
//! Every keystroke starts a new *generation*: the previous search's [`Cancel`] is set and any hit
//! still on its way from it is dropped when it arrives, because it carries the old generation.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::time::Duration;

use crate::fulltext::{self, Cancel, Hit, Query};
use crate::ui;

use super::paging::Spot;
use super::{reveal, step, Action, App, At, Mode};

/// Most results the popup keeps; the count goes on.
pub const FIND_LIMIT: usize = 1000;

/// Where full-text searches run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Searching {
    /// On the calling thread, finished before the keystroke returns: deterministic, for tests.
    #[default]
    Inline,
    /// On a thread of their own; results stream in as the event loop pumps them.
    Background,
}

/// The full-text search popup's state.
#[derive(Debug, Clone, Default)]
pub struct Find {
    /// What has been typed.
    pub query: String,
    /// Why the query does not parse, if it does not.
    pub error: Option<String>,
    /// The first `FIND_LIMIT` hits, in (path, line) order.
    pub hits: Vec<Hit>,
    /// How many hits were found, kept or not.
    pub found: usize,
    /// Whether the search has finished.
    pub done: bool,
    /// Index into `hits`.
    pub selected: usize,
}

/// The matches of the last search inside one note, marked in the note pane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marks {
    /// The note.
    pub note: usize,
    /// The query they match.
    pub query: String,
    /// 1-based source lines holding a match, ascending.
    pub lines: Vec<usize>,
    /// The matched texts, lowercased, to highlight on those lines.
    pub words: Vec<String>,
    /// Index into `lines` of the match `n`/`N` last went to.
    pub current: Option<usize>,
}

enum Msg {
    Hit(Hit),
    Done,
}

/// The search machinery: the channel hits arrive on and the generation they must carry.
pub(super) struct Search {
    pub(super) searching: Searching,
    generation: u64,
    cancel: Cancel,
    tx: Sender<(u64, Msg)>,
    rx: Receiver<(u64, Msg)>,
    running: bool,
    /// The last query that parsed, for `n`/`N`.
    last: Option<(String, Query)>,
}

impl Search {
    pub(super) fn new(searching: Searching) -> Search {
        let (tx, rx) = channel();
        Search {
            searching,
            generation: 0,
            cancel: Cancel::new(),
            tx,
            rx,
            running: false,
            last: None,
        }
    }

    /// Abandons the running search: its thread stops, and what it already sent is ignored.
    fn stop(&mut self) {
        self.cancel.cancel();
        self.generation += 1;
        self.running = false;
    }
}

impl Drop for Search {
    fn drop(&mut self) {
        self.cancel.cancel();
    }
}

/// The matched texts of hits, lowercased and without repeats.
fn matched_words(hits: &[Hit]) -> Vec<String> {
    let mut words: Vec<String> = hits
        .iter()
        .flat_map(|h| {
            h.ranges.iter().map(|r| {
                h.snippet
                    .chars()
                    .skip(r.start)
                    .take(r.end - r.start)
                    .collect::<String>()
                    .to_lowercase()
            })
        })
        .filter(|w| !w.trim().is_empty())
        .collect();
    words.sort();
    words.dedup();
    words
}

impl App {
    /// Whether a background search is still sending results (the event loop then wakes often to
    /// take them).
    pub fn searching(&self) -> bool {
        self.search.running
    }

    /// Waits until the running search has finished and takes all its results: for tests of the
    /// background search. Gives up after ten seconds.
    pub fn wait_for_search(&mut self) {
        for _ in 0..2000 {
            if !self.search.running {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
            self.update(Action::Pump);
        }
    }

    /// Takes the hits that arrived for the current search, dropping those of older generations.
    pub(super) fn pump(&mut self) {
        let current = self.search.generation;
        let Mode::Find(f) = &mut self.mode else {
            // The popup is closed: nothing waits for the results.
            while self.search.rx.try_recv().is_ok() {}
            return;
        };
        while let Ok((generation, msg)) = self.search.rx.try_recv() {
            if generation != current {
                continue;
            }
            match msg {
                Msg::Hit(hit) => {
                    f.found += 1;
                    if f.hits.len() < FIND_LIMIT {
                        f.hits.push(hit);
                    }
                }
                Msg::Done => {
                    f.done = true;
                    self.search.running = false;
                }
            }
        }
    }

    pub(super) fn open_find(&mut self) {
        let query = self
            .search
            .last
            .as_ref()
            .map(|(q, _)| q.clone())
            .unwrap_or_default();
        self.mode = Mode::Find(Find {
            query,
            ..Find::default()
        });
        self.start_search();
    }

    /// Cancels the running search and starts one for the popup's query.
    pub(super) fn start_search(&mut self) {
        self.search.stop();
        let Mode::Find(f) = &mut self.mode else {
            return;
        };
        f.hits.clear();
        f.found = 0;
        f.selected = 0;
        f.error = None;
        f.done = true;
        if f.query.trim().is_empty() {
            return;
        }
        let query = match Query::parse(&f.query) {
            Ok(q) => q,
            Err(e) => {
                f.error = Some(e.to_string());
                return;
            }
        };
        f.done = false;
        self.search.last = Some((f.query.clone(), query.clone()));
        self.search.cancel = Cancel::new();
        self.search.running = true;
        let generation = self.search.generation;
        let tx = self.search.tx.clone();
        let cancel = self.search.cancel.clone();
        let loaded = Arc::clone(&self.loaded);
        let run = move || {
            fulltext::search(&loaded.vault, &query, &cancel, |hit| {
                // The receiver outlives every search; a send fails only when the app is gone.
                let _ = tx.send((generation, Msg::Hit(hit)));
            });
            let _ = tx.send((generation, Msg::Done));
        };
        match self.search.searching {
            Searching::Inline => {
                run();
                self.pump();
            }
            Searching::Background => {
                std::thread::spawn(run);
            }
        }
    }

    pub(super) fn on_find(&mut self, action: Action) {
        let page = usize::from(ui::switcher::list_height(self.area));
        let Mode::Find(f) = &mut self.mode else {
            return;
        };
        match action {
            Action::Input(c) => {
                f.query.push(c);
                self.start_search();
            }
            Action::DeleteChar => {
                f.query.pop();
                self.start_search();
            }
            Action::ClearInput => {
                f.query.clear();
                self.start_search();
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                f.selected = step(f.selected, action, f.hits.len(), page);
            }
            Action::Activate => match f.hits.get(f.selected).cloned() {
                Some(hit) => {
                    self.search.stop();
                    self.mode = Mode::Browse;
                    self.open(hit.note, At::Line(hit.line), None);
                    self.mark_note(hit.note, Some(&hit));
                }
                None => self.info("No result to open"),
            },
            Action::Cancel => {
                self.search.stop();
                self.mode = Mode::Browse;
            }
            _ => {}
        }
    }

    /// Marks the last query's matches in `note`; `at` is the hit the note was opened at.
    fn mark_note(&mut self, note: usize, at: Option<&Hit>) {
        let Some((source, query)) = self.search.last.clone() else {
            return;
        };
        let hits = match self.loaded.vault.read_text(note) {
            Ok(text) => fulltext::search_text(&query, note, &self.loaded.vault.notes[note], &text),
            Err(e) => {
                self.warn(format!("Could not read the note again: {e}"));
                at.into_iter().cloned().collect()
            }
        };
        let mut lines: Vec<usize> = hits.iter().map(|h| h.line).collect();
        lines.dedup();
        let current = at.and_then(|h| lines.iter().position(|&l| l == h.line));
        self.marks = Some(Marks {
            note,
            query: source,
            lines,
            words: matched_words(&hits),
            current,
        });
    }

    /// `n`/`N`: scrolls to the next or previous line of the open note matching the last search.
    pub(super) fn step_match(&mut self, forward: bool) {
        let Some(v) = self.view else {
            self.info("No note open");
            return;
        };
        if self.is_ghost(v.note) {
            self.info("This note was deleted");
            return;
        }
        let Some(source) = self.search.last.as_ref().map(|(s, _)| s.clone()) else {
            self.info("No search yet: F searches every note");
            return;
        };
        let fresh = self
            .marks
            .as_ref()
            .is_some_and(|m| m.note == v.note && m.query == source);
        if !fresh {
            self.mark_note(v.note, None);
        }
        let h = self.note_height().max(1);
        let Some(page) = self.page() else { return };
        let r = &page.rendered;
        let Some(marks) = self.marks.as_ref() else {
            return;
        };
        let n = marks.lines.len();
        if n == 0 {
            self.info(format!("No match for {source} in this note"));
            return;
        }
        let next = match marks.current {
            Some(c) if forward => (c + 1) % n,
            Some(c) => (c + n - 1) % n,
            // A large note's page holds only some of its lines: compare lines, not rows.
            None if page.held.is_some() => {
                let line = |row| super::line_of_row(r, row).unwrap_or(1);
                if forward {
                    let top = line(v.top);
                    marks.lines.iter().position(|&l| l >= top).unwrap_or(0)
                } else {
                    let bottom = line(v.top + h - 1);
                    marks
                        .lines
                        .iter()
                        .rposition(|&l| l <= bottom)
                        .unwrap_or(n - 1)
                }
            }
            None => {
                let rows = marks.lines.iter().map(|&l| r.row_of_line(l));
                if forward {
                    rows.clone().position(|row| row >= v.top).unwrap_or(0)
                } else {
                    rows.clone()
                        .rposition(|row| row < v.top + h)
                        .unwrap_or(n - 1)
                }
            }
        };
        let line = marks.lines[next];
        let row = match page.held {
            Some(_) => {
                // The parts around the match are rendered; the view stays put when it shows it.
                let keep = self.view;
                let row = self.go_to_spot(Spot::Line(line)).unwrap_or(0);
                if let (Some(old), Some(v)) = (keep, self.view.as_mut()) {
                    v.top = if old.part == v.part {
                        old.top
                    } else {
                        row.saturating_sub(h / 3)
                    };
                }
                row
            }
            None => r.row_of_line(line),
        };
        if let Some(m) = self.marks.as_mut() {
            m.current = Some(next);
        }
        if let Some(v) = self.view.as_mut() {
            let shown = reveal(v.top, row, h);
            // A match scrolled into view lands a third of the way down, with context above it.
            if shown != v.top {
                v.top = row.saturating_sub(h / 3);
            }
        }
        self.info(format!("Match {} of {n}: line {line}", next + 1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Options;
    use crate::commands::Loaded;
    use crate::vault::Vault;

    fn app() -> App {
        let v = Vault::from_files([("a.md", "alpha beta\ngamma"), ("b.md", "beta")]);
        App::new(Loaded::new(v), Options::default())
    }

    #[test]
    fn hits_of_an_older_generation_are_dropped() {
        let mut app = app();
        app.update(Action::OpenFind);
        for c in "beta".chars() {
            app.update(Action::Input(c));
        }
        let old = app.search.generation - 1;
        let stale = Hit {
            note: 1,
            line: 9,
            snippet: "stale".into(),
            ranges: Vec::new(),
            spans: Vec::new(),
        };
        app.search
            .tx
            .send((old, Msg::Hit(stale)))
            .expect("channel open");
        app.update(Action::Pump);
        let Mode::Find(f) = app.mode() else {
            panic!("find is open")
        };
        assert_eq!(f.found, 2);
        assert!(f.hits.iter().all(|h| h.line != 9));
        assert!(f.done);
    }

    #[test]
    fn matched_words_are_lowercased_once() {
        let h = |s: &str, r: std::ops::Range<usize>| Hit {
            note: 0,
            line: 1,
            snippet: s.into(),
            ranges: vec![r],
            spans: Vec::new(),
        };
        assert_eq!(
            matched_words(&[h("Alpha x", 0..5), h("an alpha", 3..8)]),
            vec!["alpha"]
        );
    }
}
