//! The note pane: the rendered note, the selected link and the link hint labels.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthChar;

use crate::app::{App, Focus, Marks, Mode};
use crate::render::Rendered;
use crate::theme;

/// The note pane, drawn from the app's state.
pub struct NotePane<'a> {
    /// The browser.
    pub app: &'a App,
}

impl Widget for &NotePane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let app = self.app;
        let focused = app.focus == Focus::Note;
        let (Some(v), Some(page)) = (app.view, app.page()) else {
            super::pane_block(" engram ", focused).render(area, buf);
            placeholder(app, super::note_text_area(area), buf);
            return;
        };
        let title = format!(" {} ", app.view_title(v.note));
        let block = super::pane_block(title, focused);
        block.render(area, buf);
        let text = super::note_text_area(area);
        for row in 0..text.height {
            if let Some(line) = page.rendered.lines.get(v.top + usize::from(row)) {
                super::put_line(buf, text, row, line);
            }
        }
        let rows = v.top..v.top + usize::from(text.height);
        if let Some(m) = app.marks.as_ref().filter(|m| m.note == v.note) {
            mark_matches(&page.rendered, m, v.top, text, buf);
        }
        if let Some(stop) = v.link.and_then(|s| page.stops.get(s)) {
            for a in &page.rendered.anchors[stop.anchors.clone()] {
                if rows.contains(&a.row) {
                    let x = text.x.saturating_add(a.cols.start);
                    let w = a.cols.end.saturating_sub(a.cols.start);
                    let cells = Rect::new(x, text.y + (a.row - v.top) as u16, w, 1);
                    buf.set_style(cells.intersection(text), theme::LINK_SELECTED);
                }
            }
        }
        if let Mode::Hints(h) = &app.mode {
            for (label, stop) in &h.labels {
                let Some(rest) = label.strip_prefix(h.typed.as_str()) else {
                    continue;
                };
                if let Some(at) = app.stop_cell(*stop, text) {
                    let line = Line::from(Span::styled(rest.to_string(), theme::HINT));
                    let cell = Rect::new(at.x, at.y, text.right().saturating_sub(at.x), 1);
                    super::put_line(buf, cell, 0, &line);
                }
            }
        }
    }
}

/// The source line row `row` belongs to.
fn line_of_row(r: &Rendered, row: usize) -> Option<usize> {
    let i = r.line_rows.partition_point(|&(_, first)| first <= row);
    i.checked_sub(1).map(|i| r.line_rows[i].0)
}

/// Marks the rows of matching lines: the current match's line gets a background, and the matched
/// texts are highlighted wherever they show on those rows.
fn mark_matches(r: &Rendered, m: &Marks, top: usize, text: Rect, buf: &mut Buffer) {
    let current = m.current.and_then(|c| m.lines.get(c)).copied();
    let words: Vec<Vec<char>> = m.words.iter().map(|w| w.chars().collect()).collect();
    for row in 0..text.height {
        let at = top + usize::from(row);
        let Some(line) = line_of_row(r, at) else {
            continue;
        };
        if m.lines.binary_search(&line).is_err() {
            continue;
        }
        if Some(line) == current {
            super::style_row(buf, text, row, theme::FOUND_LINE);
        }
        let Some(drawn) = r.lines.get(at) else {
            continue;
        };
        // Each drawn char, lowercased one to one, with the column it starts at.
        let mut chars: Vec<(char, u16)> = Vec::new();
        let mut col: u16 = 0;
        for span in &drawn.spans {
            for c in span.content.chars() {
                let lower = c.to_lowercase().next().unwrap_or(c);
                chars.push((lower, col));
                col = col.saturating_add(c.width().unwrap_or(0) as u16);
            }
        }
        chars.push((' ', col));
        for w in &words {
            if w.is_empty() || w.len() >= chars.len() {
                continue;
            }
            for start in 0..chars.len() - w.len() {
                if chars[start..start + w.len()]
                    .iter()
                    .map(|(c, _)| *c)
                    .eq(w.iter().copied())
                {
                    let (from, to) = (chars[start].1, chars[start + w.len()].1);
                    let cells = Rect::new(text.x.saturating_add(from), text.y + row, to - from, 1);
                    buf.set_style(cells.intersection(text), theme::FOUND);
                }
            }
        }
    }
}

/// What the pane shows before a note is opened.
fn placeholder(app: &App, area: Rect, buf: &mut Buffer) {
    let n = app.loaded.vault.notes.len();
    let lines = [
        Line::from(Span::styled(
            format!("{n} notes in {}", app.loaded.vault.root.display()),
            theme::PANE_TITLE,
        )),
        Line::default(),
        Line::from("Enter opens the note selected in the list."),
        Line::from("/ or Ctrl-p finds a note by title, alias or path."),
        Line::from("? lists every key; q quits."),
    ];
    for (row, line) in lines.iter().enumerate() {
        super::put_line(buf, area, row as u16, line);
    }
}
