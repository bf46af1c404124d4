//! Large notes in the browser. A note over [`render::RENDER_LIMIT`] is split into [`Parts`], and
//! its page holds only the parts around the view: the part on screen and its neighbours, more when
//! they draw too few rows. Scrolling near the edge of what is held renders the next part, drops the
//! far one and moves `top` by the rows that went, so the rows on screen stay the same and the whole
//! note reads as one, from `g` to `G`.

use std::ops::Range;
use std::sync::Arc;

use crate::render::{self, Joint, Parts, RenderOptions, Rendered};

use super::{line_of_row, App, At, Page, PAGE_CACHE_LIMIT};

/// Most parts one page holds, however few rows they draw.
const MAX_HELD: usize = 12;

/// The parts of a large note a page holds.
#[derive(Debug, Clone)]
pub struct Held {
    /// How the note is split.
    pub parts: Arc<Parts>,
    /// The first part held.
    pub first: usize,
    /// The rows each held part drew, in order. The blank row between two blocks a cut separated
    /// belongs to neither.
    pub rows: Vec<Range<usize>>,
}

impl Held {
    /// One past the last part held.
    pub fn end(&self) -> usize {
        self.first + self.rows.len()
    }

    /// The part drawn at `row` (the last one held, past the end).
    pub fn part_at(&self, row: usize) -> usize {
        self.first
            + self
                .rows
                .partition_point(|r| r.start <= row)
                .saturating_sub(1)
    }

    /// The rows part `part` drew, if it is held.
    pub fn rows_of(&self, part: usize) -> Option<Range<usize>> {
        self.rows.get(part.checked_sub(self.first)?).cloned()
    }

    /// Whether part `part` is held.
    fn holds(&self, part: usize) -> bool {
        (self.first..self.end()).contains(&part)
    }
}

/// Where to show a large note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Spot {
    /// `row` rows below the first row of part `part`.
    Row(usize, usize),
    /// The first row of a 1-based source line.
    Line(usize),
    /// The last rows.
    End,
}

impl App {
    /// The parts of `note` when it is too large to render whole: taken from a page of it, else split
    /// now (which reads the note once).
    pub(super) fn parts_of(&self, note: usize) -> Option<Arc<Parts>> {
        let held = self
            .pages
            .iter()
            .filter(|((n, _), _)| *n == note)
            .find_map(|(_, p)| p.held.as_ref());
        match held {
            Some(h) => Some(Arc::clone(&h.parts)),
            None => render::split_note(&self.loaded.vault, note).map(Arc::new),
        }
    }

    /// Renders the page of a large note around part `center` at `width`: the parts next to it, and
    /// further ones while those draw fewer rows than the pane shows. Parts the current page already
    /// holds are reused, not rendered again.
    fn build_held(&self, note: usize, width: u16, parts: &Arc<Parts>, center: usize) -> Page {
        let h = self.note_height().max(1);
        let n = parts.len();
        let center = center.min(n - 1);
        let old = self
            .pages
            .get(&(note, width))
            .and_then(|p| p.held.as_ref().map(|held| (p, held)));
        let opts = RenderOptions::new(width);
        let vault = &self.loaded.vault;
        let graph = &self.loaded.graph;
        let mut text: Option<String> = None;
        let mut fetch = |i: usize| -> Rendered {
            if let Some((page, held)) = old {
                if let Some(rows) = held.rows_of(i) {
                    return page.rendered.slice(rows);
                }
            }
            let text = text.get_or_insert_with(|| vault.read_text(note).unwrap_or_default());
            match parts.get(i) {
                Some(part) => render::render_part(vault, graph, note, text, part, &opts),
                None => Rendered::default(),
            }
        };
        let mut first = center.saturating_sub(1);
        let mut end = (center + 2).min(n);
        let mut got: Vec<Rendered> = (first..end).map(&mut fetch).collect();
        let rows = |got: &[Rendered]| got.iter().map(|r| r.lines.len()).sum::<usize>();
        // Enough rows after the part on screen for a page down, and before it for a page up.
        while end < n && end - first < MAX_HELD && rows(&got[center + 1 - first..]) < 2 * h {
            got.push(fetch(end));
            end += 1;
        }
        while first > 0 && end - first < MAX_HELD && rows(&got[..center - first]) < h {
            first -= 1;
            got.insert(0, fetch(first));
        }
        assemble(note, vault, parts, first, got)
    }

    /// Makes the page of `note` at `width` the one around `spot`; returns the row `spot` is at.
    pub(super) fn hold(
        &mut self,
        note: usize,
        width: u16,
        parts: &Arc<Parts>,
        spot: Spot,
    ) -> usize {
        let part = match spot {
            Spot::Row(part, _) => part,
            Spot::Line(line) => parts.of_line(line),
            Spot::End => parts.len() - 1,
        };
        let current = self
            .pages
            .get(&(note, width))
            .and_then(|p| p.held.as_ref())
            .is_some_and(|h| h.holds(part) && Arc::ptr_eq(&h.parts, parts));
        if !current {
            let page = self.build_held(note, width, parts, part);
            // One large note's page is kept at a time: memory stays bounded by a few parts.
            self.pages
                .retain(|(n, w), p| p.held.is_none() || (*n, *w) == (note, width));
            if self.pages.len() >= PAGE_CACHE_LIMIT {
                self.pages.clear();
            }
            self.pages.insert((note, width), page);
        }
        let Some(page) = self.pages.get(&(note, width)) else {
            return 0;
        };
        let held = page.held.as_ref();
        match spot {
            Spot::Row(part, row) => held
                .and_then(|h| h.rows_of(part))
                .map_or(0, |r| r.start + row),
            Spot::Line(line) => page.rendered.row_of_line(line),
            Spot::End => page.rendered.lines.len(),
        }
    }

    /// After the view moved: when it came near the edge of the parts its page holds, renders the
    /// parts around it instead, keeping the same rows on screen.
    pub(super) fn follow_parts(&mut self) {
        let h = self.note_height().max(1);
        for _ in 0..4 {
            let Some(v) = self.view else { return };
            let Some(page) = self.pages.get(&(v.note, v.width)) else {
                return;
            };
            let Some(held) = page.held.as_ref() else {
                return;
            };
            let total = page.rendered.lines.len();
            let room_before = held.first == 0 || v.top >= h;
            let room_after = held.end() == held.parts.len() || total >= v.top + 2 * h;
            if room_before && room_after {
                return;
            }
            let part = held.part_at(v.top);
            let start = held.rows_of(part).map_or(0, |r| r.start);
            let (first, end) = (held.first, held.end());
            let parts = Arc::clone(&held.parts);
            let page = self.build_held(v.note, v.width, &parts, part);
            let same = page
                .held
                .as_ref()
                .is_some_and(|h| (h.first, h.end()) == (first, end));
            if same {
                return;
            }
            let top = page
                .held
                .as_ref()
                .and_then(|h| h.rows_of(part))
                .map_or(0, |r| r.start + v.top.saturating_sub(start));
            let first = page.held.as_ref().map_or(0, |h| h.first);
            self.pages.insert((v.note, v.width), page);
            if let Some(v) = self.view.as_mut() {
                v.top = top;
                v.part = first;
            }
        }
    }

    /// Builds the page of the current view, a large note, at `width`; the view's `part` and `top`
    /// say where it is (`top` rows below the first row of part `part`, at the view's width).
    pub(super) fn ensure_held(&mut self, parts: &Arc<Parts>, width: u16) {
        let Some(mut v) = self.view else { return };
        let spot = if v.width == width {
            Spot::Row(v.part, v.top)
        } else {
            // Another width: carried over by the source line at the top.
            let line = self
                .pages
                .get(&(v.note, v.width))
                .filter(|p| p.first_part() == v.part)
                .and_then(|p| line_of_row(&p.rendered, v.top));
            match line {
                Some(line) => Spot::Line(line),
                None => Spot::Row(v.part, 0),
            }
        };
        v.top = self.hold(v.note, width, parts, spot);
        v.width = width;
        v.part = self.pages.get(&(v.note, width)).map_or(0, Page::first_part);
        self.view = Some(v);
    }

    /// Where opening a large note at `at` goes.
    pub(super) fn spot_of(&self, note: usize, at: At) -> Spot {
        let parsed = &self.loaded.vault.notes[note].parsed;
        match at {
            At::Top => Spot::Row(0, 0),
            At::Line(line) => Spot::Line(line),
            At::Heading(h) => parsed
                .headings
                .get(h)
                .map_or(Spot::Row(0, 0), |h| Spot::Line(h.line)),
            At::Block(b) => parsed
                .block_ids
                .get(b)
                .map_or(Spot::Row(0, 0), |b| Spot::Line(b.line)),
        }
    }

    /// Moves the view of a large note to `spot`, rendering the parts there; returns its row.
    pub(super) fn go_to_spot(&mut self, spot: Spot) -> Option<usize> {
        let v = self.view?;
        let parts = self.page()?.held.as_ref().map(|h| Arc::clone(&h.parts))?;
        let row = self.hold(v.note, v.width, &parts, spot);
        let first = self
            .pages
            .get(&(v.note, v.width))
            .map_or(0, Page::first_part);
        if let Some(v) = self.view.as_mut() {
            v.part = first;
            v.top = row;
        }
        Some(row)
    }
}

/// One page from consecutive parts' renderings: a blank row between parts cut between blocks, as
/// the note would have drawn it whole; heading and block rows found by their source lines.
fn assemble(
    note: usize,
    vault: &crate::vault::Vault,
    parts: &Arc<Parts>,
    first: usize,
    got: Vec<Rendered>,
) -> Page {
    let mut out = Rendered::default();
    let mut rows = Vec::with_capacity(got.len());
    for (i, r) in got.into_iter().enumerate() {
        let joint = parts.get(first + i).map_or(Joint::Start, |p| p.joint);
        if i > 0 && joint == Joint::Block && !out.lines.is_empty() && !r.lines.is_empty() {
            out.lines.push(Default::default());
        }
        let start = out.lines.len();
        out.append(r);
        rows.push(start..out.lines.len());
    }
    let parsed = &vault.notes[note].parsed;
    out.heading_rows = parsed
        .headings
        .iter()
        .map(|h| out.row_of_line(h.line))
        .collect();
    out.block_rows = parsed
        .block_ids
        .iter()
        .map(|b| out.row_of_line(b.line))
        .collect();
    let mut page = Page::new(out);
    page.held = Some(Held {
        parts: Arc::clone(parts),
        first,
        rows,
    });
    page
}
