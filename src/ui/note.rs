//! The note pane: the rendered note, the selected link and the link hint labels.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::{App, Focus, Mode};
use crate::commands::sanitize;
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
        let note = &app.loaded.vault.notes[v.note];
        let title = format!(" {} ", sanitize(&note.title));
        let block = super::pane_block(title, focused);
        block.render(area, buf);
        let text = super::note_text_area(area);
        for row in 0..text.height {
            if let Some(line) = page.rendered.lines.get(v.top + usize::from(row)) {
                super::put_line(buf, text, row, line);
            }
        }
        let rows = v.top..v.top + usize::from(text.height);
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
