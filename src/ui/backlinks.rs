//! The backlinks pane: every note that links to the open one, with the line the link is on.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use crate::app::{App, Focus};
use crate::theme;

/// The backlinks pane, drawn from the app's state.
pub struct BacklinksPane<'a> {
    /// The browser.
    pub app: &'a App,
}

impl Widget for &BacklinksPane<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let app = self.app;
        let b = &app.backlinks;
        let focused = app.focus == Focus::Backlinks;
        let block = super::pane_block(format!(" Backlinks {} ", b.rows.len()), focused);
        let inner = block.inner(area);
        block.render(area, buf);
        if app.view.is_none() {
            return;
        }
        if b.rows.is_empty() {
            let line = Line::from(Span::styled(" No notes link here", theme::SECONDARY));
            super::put_line(buf, inner, 0, &line);
            return;
        }
        // Long titles would push the linking line out of sight.
        let title_w = usize::from(inner.width / 3).max(12);
        let rows = b
            .rows
            .iter()
            .enumerate()
            .skip(b.offset)
            .take(usize::from(inner.height));
        for (row, (i, r)) in rows.enumerate() {
            let row = row as u16;
            if i == b.selected {
                let style = if focused {
                    theme::SELECTED
                } else {
                    theme::SELECTED_UNFOCUSED
                };
                super::style_row(buf, inner, row, style);
            }
            let title = super::fit(&r.title, title_w);
            let line = Line::from(vec![
                Span::raw(" "),
                Span::styled(title, theme::BACKLINK_SOURCE),
                Span::styled(": ", theme::SECONDARY),
                Span::styled(r.before.as_str(), theme::TEXT),
                Span::styled(r.shown.as_str(), theme::LINK),
                Span::styled(r.after.as_str(), theme::TEXT),
            ]);
            super::put_line(buf, inner, row, &line);
        }
    }
}
