//! Browsing: moving in the panes, selecting and following links, opening notes, history, backlinks,
//! link hints, the system opener and the list's sort order.

use crate::commands::sanitize;
use crate::graph::{Anchor, LinkRef, Resolution};
use crate::markdown::{Link, LinkSyntax, Subpath};

use super::paging::Spot;
use super::{
    hint_labels, reveal, step, Action, App, At, BacklinkList, BacklinkRow, Focus, Help, Hints,
    MessageKind, Mode, Outline, Page, Sort, Switcher, View, CLOSEST, HISTORY_LIMIT,
};

impl App {
    pub(super) fn browse(&mut self, action: Action) {
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown
            | Action::HalfPageUp
            | Action::HalfPageDown => self.move_in(self.focus, action),
            Action::FocusLeft => {
                self.focus = match self.focus {
                    Focus::List | Focus::Note => Focus::List,
                    Focus::Backlinks => Focus::Note,
                }
            }
            Action::FocusRight => {
                self.focus = match self.focus {
                    Focus::List => Focus::Note,
                    Focus::Note | Focus::Backlinks => Focus::Backlinks,
                }
            }
            Action::Activate => match self.focus {
                Focus::List => self.open_selected_in_list(),
                Focus::Note => match self.view.and_then(|v| v.link) {
                    Some(stop) => self.follow(stop),
                    None => self.info("No link selected: Tab selects the next one"),
                },
                Focus::Backlinks => self.open_backlink(),
            },
            Action::NextLink => self.step_link(true),
            Action::PrevLink => self.step_link(false),
            Action::ShowHints => self.show_hints(),
            Action::OpenExternal => self.open_external(),
            Action::Back => self.go_back(),
            Action::Forward => self.go_forward(),
            Action::OpenSwitcher => {
                self.mode = Mode::Switcher(Switcher::default());
                self.refresh_switcher();
            }
            Action::ToggleBacklinks => {
                self.focus = if self.focus == Focus::Backlinks {
                    Focus::Note
                } else {
                    Focus::Backlinks
                }
            }
            Action::OpenOutline => self.open_outline(),
            Action::OpenFind => self.open_find(),
            Action::NextMatch => self.step_match(true),
            Action::PrevMatch => self.step_match(false),
            Action::OpenTags => self.open_tags(),
            Action::OpenLoose => self.open_loose(),
            Action::Edit => self.edit(),
            Action::CycleSort => {
                self.list.sort = self.list.sort.next();
                self.sort_list();
                self.info(format!("Notes sorted by {}", self.list.sort.name()));
            }
            Action::ToggleHelp => self.mode = Mode::Help(Help::default()),
            Action::Cancel => {
                // One thing at a time: the link selection, the search marks, then the tag filter.
                if let Some(v) = self.view.as_mut().filter(|v| v.link.is_some()) {
                    v.link = None;
                } else if self.marks.is_some() {
                    self.marks = None;
                } else if self.list.filter.is_some() {
                    self.set_filter(None);
                }
            }
            Action::Scroll { column, row, down } => self.wheel(column, row, down),
            Action::Click { column, row } => self.click(column, row),
            _ => {}
        }
    }

    pub(super) fn move_in(&mut self, focus: Focus, action: Action) {
        match focus {
            Focus::List => {
                let h = self.list_height();
                let l = &mut self.list;
                l.selected = step(l.selected, action, l.order.len(), h);
                l.offset = reveal(l.offset, l.selected, h);
            }
            Focus::Backlinks => {
                let h = self.backlinks_height();
                let b = &mut self.backlinks;
                b.selected = step(b.selected, action, b.rows.len(), h);
                b.offset = reveal(b.offset, b.selected, h);
            }
            Focus::Note => {
                let h = self.note_height();
                let held = self.page().is_some_and(|p| p.held.is_some());
                if held && matches!(action, Action::Top | Action::Bottom) {
                    // The first or last part of a large note, wherever the page is now.
                    let spot = if action == Action::Top {
                        Spot::Row(0, 0)
                    } else {
                        Spot::End
                    };
                    self.go_to_spot(spot);
                    self.refresh();
                    self.drop_hidden_selection();
                    return;
                }
                let Some(v) = self.view.as_mut() else { return };
                let page = h.max(1);
                v.top = match action {
                    Action::Up => v.top.saturating_sub(1),
                    Action::Down => v.top + 1,
                    Action::Top => 0,
                    Action::Bottom => usize::MAX / 2,
                    Action::PageUp => v.top.saturating_sub(page),
                    Action::PageDown => v.top + page,
                    Action::HalfPageUp => v.top.saturating_sub(page.div_ceil(2)),
                    Action::HalfPageDown => v.top + page.div_ceil(2),
                    _ => v.top,
                };
                self.refresh();
                self.drop_hidden_selection();
            }
        }
    }

    /// A selected link scrolled out of sight is no longer selected, so Enter never follows a link
    /// the reader cannot see.
    pub(super) fn drop_hidden_selection(&mut self) {
        let h = self.note_height();
        let Some(v) = self.view else { return };
        let Some(stop) = v.link else { return };
        let visible = self
            .page()
            .is_some_and(|p| p.stop_visible(stop, &(v.top..v.top + h)));
        if !visible {
            if let Some(v) = self.view.as_mut() {
                v.link = None;
            }
        }
    }

    pub(super) fn step_link(&mut self, forward: bool) {
        let h = self.note_height();
        if self.view.is_none() {
            self.info("No note open: Enter opens the selected note");
            return;
        }
        self.focus = Focus::Note;
        let (Some(v), Some(page)) = (self.view, self.page()) else {
            return;
        };
        let n = page.stops.len();
        if n == 0 {
            self.info("No links in this note");
            return;
        }
        let rows = v.top..v.top + h.max(1);
        let next = match v.link {
            Some(cur) if page.stop_visible(cur, &rows) => {
                if forward {
                    (cur + 1) % n
                } else {
                    (cur + n - 1) % n
                }
            }
            _ if forward => page
                .stops
                .iter()
                .position(|s| s.row >= rows.start)
                .unwrap_or(0),
            _ => page
                .stops
                .iter()
                .rposition(|s| s.row < rows.end)
                .unwrap_or(n - 1),
        };
        let row = page.stops[next].row;
        let link = page.stops[next].link;
        if let Some(v) = self.view.as_mut() {
            v.link = Some(next);
            v.top = reveal(v.top, row, h);
        }
        let (text, kind) = self.describe(link);
        self.say(text, kind);
    }

    /// A one-line description of where a link goes, for the status bar.
    pub(super) fn describe(&self, link: LinkRef) -> (String, MessageKind) {
        let vault = &self.loaded.vault;
        let l = &vault.notes[link.note].parsed.links[link.link];
        match self.loaded.graph.resolution(link) {
            Resolution::Note {
                note,
                via_alias,
                anchor,
            } => {
                let mut s = format!("→ {}", vault.notes[note].path);
                match l.subpath.as_deref() {
                    Some(Subpath::Heading(h)) => s.push_str(&format!("#{}", h.join("#"))),
                    Some(Subpath::Block(b)) => s.push_str(&format!("#^{b}")),
                    None => {}
                }
                if via_alias {
                    s.push_str(" (by alias)");
                }
                if anchor == Anchor::Missing {
                    s.push_str(" (no such heading or block)");
                    return (sanitize(&s), MessageKind::Warning);
                }
                (sanitize(&s), MessageKind::Info)
            }
            Resolution::Attachment(a) => (
                sanitize(&format!(
                    "→ {} (attachment; x opens it)",
                    vault.attachments[a].path
                )),
                MessageKind::Info,
            ),
            Resolution::Unresolved => (
                sanitize(&format!("→ {} (no such note)", l.target())),
                MessageKind::Warning,
            ),
            Resolution::External => (
                sanitize(&format!("→ {} (web link; x opens it)", l.target())),
                MessageKind::Info,
            ),
        }
    }

    /// Follows link stop `stop` of the current note.
    pub(super) fn follow(&mut self, stop: usize) {
        let Some(link) = self.page().and_then(|p| p.stops.get(stop)).map(|s| s.link) else {
            return;
        };
        if let Some(v) = self.view.as_mut() {
            v.link = Some(stop);
        }
        let l = &self.loaded.vault.notes[link.note].parsed.links[link.link];
        match self.loaded.graph.resolution(link) {
            Resolution::Note { note, anchor, .. } => {
                let at = match anchor {
                    Anchor::Heading(h) => At::Heading(h as usize),
                    Anchor::Block(b) => At::Block(b as usize),
                    Anchor::None | Anchor::Missing => At::Top,
                };
                let missing = (anchor == Anchor::Missing).then(|| l.linktext());
                self.open(note, at, None);
                if let Some(text) = missing {
                    self.warn(format!("No heading or block {text}: opened at the top"));
                }
            }
            Resolution::Unresolved => {
                let target = l.target().to_string();
                let vault = &self.loaded.vault;
                let matcher = self
                    .matcher
                    .get_or_insert_with(|| crate::search::Matcher::new(vault));
                let near: Vec<String> = matcher
                    .closest(&target, CLOSEST)
                    .into_iter()
                    .map(|n| self.loaded.vault.notes[n].title.clone())
                    .collect();
                let mut text = format!("No note named \"{target}\"");
                if !near.is_empty() {
                    text.push_str(&format!(". Closest: {}", near.join(", ")));
                }
                self.warn(text);
            }
            Resolution::External => {
                let text = format!("Web link {}: press x to open it", l.target());
                self.info(text);
            }
            Resolution::Attachment(a) => {
                let text = format!(
                    "Attachment {}: press x to open it",
                    self.loaded.vault.attachments[a].path
                );
                self.info(text);
            }
        }
    }

    /// Opens a note, pushing the current view onto the history.
    pub(super) fn open(&mut self, note: usize, at: At, select: Option<LinkRef>) {
        if let Some(cur) = self.view.take() {
            self.back.push(cur);
            if self.back.len() > HISTORY_LIMIT {
                self.back.remove(0);
            }
        }
        self.forward.clear();
        let width = self.note_text().width.max(1);
        let mut view = View {
            note,
            top: 0,
            width,
            link: None,
            part: 0,
        };
        // A large note is rendered where it opens, not from its first part.
        if let Some(parts) = self.parts_of(note) {
            let spot = self.spot_of(note, at);
            view.top = self.hold(note, width, &parts, spot);
            view.part = self.pages.get(&(note, width)).map_or(0, Page::first_part);
        }
        self.show(view);
        let Some(page) = self.page() else { return };
        let r = &page.rendered;
        let mut top = match at {
            _ if page.held.is_some() => view.top,
            At::Top => 0,
            At::Heading(h) => r.heading_rows.get(h).copied().unwrap_or(0),
            At::Block(b) => r.block_rows.get(b).copied().unwrap_or(0),
            At::Line(line) => r.row_of_line(line),
        };
        let link = select.and_then(|l| page.stop_of_link(l, top));
        if let Some(s) = link {
            top = page.stops[s].row;
        }
        if let Some(v) = self.view.as_mut() {
            v.top = top;
            v.link = link;
        }
        self.refresh();
    }

    /// Makes `view` the current view: backlinks, list selection and the rendered page follow.
    pub(super) fn show(&mut self, view: View) {
        self.view = Some(view);
        let tick = self.recent.values().max().map_or(1, |t| t + 1);
        self.recent.insert(view.note, tick);
        self.focus = Focus::Note;
        self.load_backlinks(view.note);
        if let Some(pos) = self.list.order.iter().position(|&n| n == view.note) {
            self.list.selected = pos;
            self.list.offset = reveal(self.list.offset, pos, self.list_height());
        }
        self.refresh();
    }

    pub(super) fn load_backlinks(&mut self, note: usize) {
        if self.is_ghost(note) {
            self.backlinks = BacklinkList::default();
            return;
        }
        // Only the link is known here; the rest is filled in as rows come into view, since a hub
        // note can have tens of thousands of backlinks.
        let rows = self.loaded.graph.backlinks[note]
            .iter()
            .map(|&link| BacklinkRow {
                link,
                title: String::new(),
                before: String::new(),
                shown: String::new(),
                after: String::new(),
                has_context: false,
            })
            .collect();
        self.backlinks = BacklinkList {
            rows,
            selected: 0,
            offset: 0,
        };
    }

    /// Fills in the backlink rows in view (and one screen below, for scrolling): the source's
    /// title, the link as shown and its line around it, read from the source note, each note once.
    /// A note that cannot be read leaves its rows without context.
    pub(super) fn read_backlink_context(&mut self, height: usize) {
        let b = &mut self.backlinks;
        let end = (b.offset + 2 * height.max(1)).min(b.rows.len());
        let vault = &self.loaded.vault;
        let mut text: Option<(usize, String)> = None;
        for row in &mut b.rows[b.offset.min(end)..end] {
            if row.has_context {
                continue;
            }
            let note = row.link.note;
            if text.as_ref().is_none_or(|(n, _)| *n != note) {
                text = Some((note, vault.read_text(note).unwrap_or_default()));
            }
            let Some((_, t)) = &text else { continue };
            let src = &vault.notes[note];
            let link = &src.parsed.links[row.link.link];
            row.title = sanitize(&src.title);
            row.shown = sanitize(&shown_link(link));
            (row.before, row.after) = link_context(t, link);
            row.has_context = true;
        }
    }

    pub(super) fn go_back(&mut self) {
        let Some(prev) = self.back.pop() else {
            self.info("Nothing to go back to");
            return;
        };
        if let Some(cur) = self.view.take() {
            self.forward.push(cur);
        }
        self.show(prev);
    }

    pub(super) fn go_forward(&mut self) {
        let Some(next) = self.forward.pop() else {
            self.info("Nothing to go forward to");
            return;
        };
        if let Some(cur) = self.view.take() {
            self.back.push(cur);
        }
        self.show(next);
    }

    pub(super) fn open_selected_in_list(&mut self) {
        if let Some(&note) = self.list.order.get(self.list.selected) {
            self.open(note, At::Top, None);
        }
    }

    pub(super) fn open_backlink(&mut self) {
        let Some(row) = self.backlinks.rows.get(self.backlinks.selected) else {
            self.info("No note links here");
            return;
        };
        let link = row.link;
        let line = self.loaded.vault.notes[link.note].parsed.links[link.link].line as usize;
        self.open(link.note, At::Line(line), Some(link));
    }

    pub(super) fn show_hints(&mut self) {
        let Some(page) = self.page() else {
            self.info("No note open");
            return;
        };
        // Exactly the links a label can be drawn on: on a visible row and column of the text (a
        // pane too narrow for any text shows none).
        let text = self.note_text();
        let visible: Vec<usize> = (0..page.stops.len())
            .filter(|&s| self.stop_cell(s, text).is_some())
            .collect();
        if visible.is_empty() {
            self.info("No links on screen");
            return;
        }
        self.focus = Focus::Note;
        let labels = hint_labels(visible.len())
            .into_iter()
            .zip(visible)
            .collect();
        self.mode = Mode::Hints(Hints {
            typed: String::new(),
            labels,
        });
    }

    pub(super) fn open_external(&mut self) {
        let Some(link) = self.selected_link() else {
            self.info("Select a web link or attachment first (Tab), then press x");
            return;
        };
        let l = &self.loaded.vault.notes[link.note].parsed.links[link.link];
        let target = match self.loaded.graph.resolution(link) {
            Resolution::External => l.target().to_string(),
            Resolution::Attachment(a) => self
                .loaded
                .vault
                .root
                .join(&self.loaded.vault.attachments[a].path)
                .to_string_lossy()
                .into_owned(),
            _ => {
                self.info("x opens web links and attachments; Enter follows links to notes");
                return;
            }
        };
        match (self.opener)(&target) {
            Ok(()) => self.info(format!("Opened {target}")),
            Err(e) => self.warn(format!("Could not open {target}: {e}")),
        }
    }

    pub(super) fn open_outline(&mut self) {
        let Some(v) = self.view else {
            self.info("No note open");
            return;
        };
        if self.is_ghost(v.note) || self.loaded.vault.notes[v.note].parsed.headings.is_empty() {
            self.info("This note has no headings");
            return;
        }
        let headings = &self.loaded.vault.notes[v.note].parsed.headings;
        let selected = self
            .page()
            .map(|p| match p.held {
                // A large note's page holds a few parts: the heading is found by source line.
                Some(_) => {
                    let line = super::line_of_row(&p.rendered, v.top).unwrap_or(1);
                    headings.iter().rposition(|h| h.line <= line).unwrap_or(0)
                }
                None => p
                    .rendered
                    .heading_rows
                    .iter()
                    .rposition(|&r| r <= v.top)
                    .unwrap_or(0),
            })
            .unwrap_or(0);
        self.mode = Mode::Outline(Outline { selected });
    }

    pub(super) fn sort_list(&mut self) {
        let notes = &self.loaded.vault.notes;
        let keep = self.list.order.get(self.list.selected).copied();
        let mut order: Vec<usize> = match &self.list.filter {
            Some(tag) => crate::tags::notes_with_tag(&self.loaded.graph, tag),
            None => (0..notes.len()).collect(),
        };
        match self.list.sort {
            Sort::Title => order.sort_unstable_by_key(|&i| self.title_rank[i]),
            Sort::Path => {}
            Sort::Modified => order.sort_by_key(|&i| (std::cmp::Reverse(notes[i].modified), i)),
        }
        self.list.order = order;
        if let Some(pos) = keep.and_then(|k| self.list.order.iter().position(|&n| n == k)) {
            self.list.selected = pos;
            self.list.offset = reveal(0, pos, self.list_height());
        } else {
            self.list.selected = 0;
            self.list.offset = 0;
        }
    }
}

/// Chars of a line kept before a link in the backlinks, so the link itself stays in sight.
const CONTEXT_BEFORE: usize = 30;

/// A link as a reader sees it in the backlinks.
fn shown_link(link: &Link) -> String {
    if link.syntax == LinkSyntax::Property {
        link.linktext()
    } else {
        link.shown_text()
    }
}

/// A link's line of context around it, read from its note's text: the text before it (its end,
/// when long) and after it, without HTML tags or control characters.
fn link_context(text: &str, link: &Link) -> (String, String) {
    let (before, after) = crate::markdown::context(text, &link.range);
    let before = strip_tags(&before);
    let n = before.chars().count();
    let before = if n > CONTEXT_BEFORE {
        let cut: String = before.chars().skip(n - CONTEXT_BEFORE).collect();
        format!("…{cut}")
    } else {
        before
    };
    let after = strip_tags(&after);
    (sanitize(&before), sanitize(after.trim_end()))
}

/// Drops HTML tags (`<br/>`, `<a class=...>`, `</a>`) from a line of context, as the rendered note
/// does not show them either.
fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, after.find('>')) {
            (true, Some(close)) => {
                out.push_str(&rest[..open]);
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
