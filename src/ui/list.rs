//! The note list pane: every note by title, with its folder when titles repeat.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::{App, Focus};
use crate::commands::sanitize;
use crate::theme;

/// The note list, drawn from the app's state.
pub struct ListPane<'a> {
    /// The browser.
    pub app: &'a App,
}

impl Widget for &ListPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let app = self.app;
        let l = &app.list;
        let focused = app.focus == Focus::List;
        // The filter goes before the sort order, which matters less when the title is cut.
        let mut title = Line::from(format!(" Notes {} · ", l.order.len()));
        if let Some(tag) = &l.filter {
            title.push_span(Span::styled(format!("#{}", sanitize(tag)), theme::FILTER));
            title.push_span(Span::raw(" · "));
        }
        title.push_span(Span::raw(format!("{} ", l.sort.name())));
        let block = super::pane_block(title, focused);
        let inner = block.inner(area);
        block.render(area, buf);
        let current = app.view.map(|v| v.note);
        let rows = l
            .order
            .iter()
            .enumerate()
            .skip(l.offset)
            .take(usize::from(inner.height));
        for (row, (i, &note)) in rows.enumerate() {
            let row = row as u16;
            if i == l.selected {
                let style = if focused {
                    theme::SELECTED
                } else {
                    theme::SELECTED_UNFOCUSED
                };
                super::style_row(buf, inner, row, style);
            }
            let (title, folder) = &l.labels[note];
            let is_current = current == Some(note);
            let mut spans = vec![
                Span::styled(if is_current { "•" } else { " " }, theme::CURRENT_NOTE),
                Span::styled(
                    title.as_str(),
                    if is_current {
                        theme::CURRENT_NOTE
                    } else {
                        theme::TEXT
                    },
                ),
            ];
            if let Some(f) = folder {
                spans.push(Span::styled(format!("  {f}"), theme::SECONDARY));
            }
            super::put_line(buf, inner, row, &Line::from(spans));
        }
    }
}
