//! The vault-wide views: tags (choosing one filters the note list) and loose ends (unresolved link
//! targets with their uses, orphan notes, notes with problems), each row opening its place.

use crate::commands::sanitize;
use crate::graph::LinkRef;
use crate::{loose, tags, ui};

use super::{step, Action, App, At, Focus, Mode};

/// One row of the tags view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    /// Nesting depth: 0 for `a`, 1 for `a/b`.
    pub depth: usize,
    /// The last segment.
    pub name: String,
    /// The full tag without `#`.
    pub tag: String,
    /// Notes carrying the tag or one nested under it.
    pub notes: usize,
}

/// The tags view's state.
#[derive(Debug, Clone, Default)]
pub struct Tags {
    /// Every tag, depth-first.
    pub rows: Vec<TagRow>,
    /// Index into `rows`.
    pub selected: usize,
}

/// What a loose-ends row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LooseKind {
    /// A section heading.
    Section,
    /// "Nothing here" under a section heading.
    Empty,
    /// A link target that names no note.
    Target,
    /// One link to an unresolved target.
    Use,
    /// A note with no links in or out.
    Orphan,
    /// A file with a problem.
    Problem,
}

/// One row of the loose-ends view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LooseRow {
    /// What it is.
    pub kind: LooseKind,
    /// The main text: a heading, a target, a note title, a path.
    pub text: String,
    /// Secondary text: a count, a line, a message.
    pub detail: String,
    /// The note and 1-based line Enter opens, and the link to select there.
    pub place: Option<(usize, usize, Option<LinkRef>)>,
}

/// The loose-ends view's state.
#[derive(Debug, Clone, Default)]
pub struct Loose {
    /// The rows, sections in order.
    pub rows: Vec<LooseRow>,
    /// Index into `rows`.
    pub selected: usize,
}

fn row(
    kind: LooseKind,
    text: String,
    detail: String,
    place: Option<(usize, usize, Option<LinkRef>)>,
) -> LooseRow {
    LooseRow {
        kind,
        text,
        detail,
        place,
    }
}

impl App {
    pub(super) fn open_tags(&mut self) {
        let tree = tags::tag_tree(&self.loaded.graph);
        let rows: Vec<TagRow> = tags::flatten(&tree)
            .into_iter()
            .map(|(depth, n)| TagRow {
                depth,
                name: sanitize(&n.name),
                tag: n.tag.clone(),
                notes: n.notes,
            })
            .collect();
        if rows.is_empty() {
            self.info("No tags in this vault");
            return;
        }
        let selected = self
            .list
            .filter
            .as_ref()
            .and_then(|f| rows.iter().position(|r| r.tag.eq_ignore_ascii_case(f)))
            .unwrap_or(0);
        self.mode = Mode::Tags(Tags { rows, selected });
    }

    pub(super) fn on_tags(&mut self, action: Action) {
        let page = usize::from(ui::views::list_height(self.area));
        let Mode::Tags(t) = &mut self.mode else {
            return;
        };
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => t.selected = step(t.selected, action, t.rows.len(), page),
            Action::Activate => {
                let Some(tag) = t.rows.get(t.selected).map(|r| r.tag.clone()) else {
                    return;
                };
                self.mode = Mode::Browse;
                let same = self
                    .list
                    .filter
                    .as_ref()
                    .is_some_and(|f| f.to_lowercase() == tag.to_lowercase());
                if same {
                    self.set_filter(None);
                } else {
                    self.set_filter(Some(tag));
                }
            }
            Action::Cancel => self.mode = Mode::Browse,
            _ => {}
        }
    }

    /// Filters the note list to a tag, or shows every note again.
    pub(super) fn set_filter(&mut self, tag: Option<String>) {
        self.list.filter = tag;
        self.sort_list();
        self.focus = Focus::List;
        match &self.list.filter {
            Some(t) => {
                let text = format!(
                    "{} notes tagged #{t}; Esc shows every note",
                    self.list.order.len()
                );
                self.info(text);
            }
            None => self.info("Every note is listed again"),
        }
    }

    pub(super) fn open_loose(&mut self) {
        let vault = &self.loaded.vault;
        let graph = &self.loaded.graph;
        let mut rows = Vec::new();
        let targets = loose::unresolved(graph);
        let uses: usize = targets.iter().map(|t| t.uses.len()).sum();
        rows.push(row(
            LooseKind::Section,
            "Unresolved links".into(),
            format!("{} targets, {uses} links", targets.len()),
            None,
        ));
        for t in &targets {
            let first = t.uses.first().map(|&u| {
                let (note, line) = loose::link_place(vault, u);
                (note, line, Some(u))
            });
            let n = t.uses.len();
            rows.push(row(
                LooseKind::Target,
                sanitize(&t.target),
                format!("{n} link{}", if n == 1 { "" } else { "s" }),
                first,
            ));
            for &u in &t.uses {
                let (note, line) = loose::link_place(vault, u);
                rows.push(row(
                    LooseKind::Use,
                    sanitize(&vault.notes[note].title),
                    format!("line {line}"),
                    Some((note, line, Some(u))),
                ));
            }
        }
        let orphans = loose::orphans(vault, graph);
        rows.push(row(
            LooseKind::Section,
            "Orphan notes".into(),
            format!("{} with no links in or out", orphans.len()),
            None,
        ));
        for &o in &orphans {
            rows.push(row(
                LooseKind::Orphan,
                sanitize(&vault.notes[o].title),
                sanitize(&vault.notes[o].path),
                Some((o, 1, None)),
            ));
        }
        let problems = loose::diagnostics(vault);
        rows.push(row(
            LooseKind::Section,
            "Notes with problems".into(),
            format!("{}", problems.len()),
            None,
        ));
        for (note, d) in &problems {
            rows.push(row(
                LooseKind::Problem,
                sanitize(&d.path),
                sanitize(&d.message),
                note.map(|n| (n, 1, None)),
            ));
        }
        // An empty section says so, rather than leaving two headings side by side.
        let mut out: Vec<LooseRow> = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            out.push(r.clone());
            let next_is_section = rows.get(i + 1).is_none_or(|n| n.kind == LooseKind::Section);
            if r.kind == LooseKind::Section && next_is_section {
                out.push(row(LooseKind::Empty, "none".into(), String::new(), None));
            }
        }
        // Start on the first row that opens something.
        let selected = out.iter().position(|r| r.place.is_some()).unwrap_or(0);
        self.mode = Mode::Loose(Loose {
            rows: out,
            selected,
        });
    }

    pub(super) fn on_loose(&mut self, action: Action) {
        let page = usize::from(ui::views::list_height(self.area));
        let Mode::Loose(l) = &mut self.mode else {
            return;
        };
        match action {
            Action::Up
            | Action::Down
            | Action::Top
            | Action::Bottom
            | Action::PageUp
            | Action::PageDown => l.selected = step(l.selected, action, l.rows.len(), page),
            Action::Activate => match l.rows.get(l.selected).and_then(|r| r.place) {
                Some((note, line, link)) => {
                    self.mode = Mode::Browse;
                    let at = if line > 1 { At::Line(line) } else { At::Top };
                    self.open(note, at, link);
                }
                None => self.info("Nothing to open here: choose a note or link below"),
            },
            Action::Cancel => self.mode = Mode::Browse,
            _ => {}
        }
    }
}
