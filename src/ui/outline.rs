//! The outline popup: the open note's headings, indented by level.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use crate::app::{App, Outline};
use crate::commands::sanitize;
use crate::theme;

/// The outline, drawn from its state.
pub struct OutlinePopup<'a> {
    /// The browser.
    pub app: &'a App,
    /// The outline's state.
    pub state: &'a Outline,
}

impl Widget for &OutlinePopup<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let screen = screen.intersection(buf.area);
        let Some(v) = self.app.view else { return };
        let headings = &self.app.loaded.vault.notes[v.note].parsed.headings;
        let want_h = u16::try_from(headings.len() + 2).unwrap_or(u16::MAX);
        let popup = super::centered(
            screen,
            screen.width.saturating_sub(4).min(70),
            want_h.min(screen.height.saturating_sub(2)),
        );
        if popup.is_empty() {
            return;
        }
        Clear.render(popup, buf);
        let block = super::popup_block(" Outline ")
            .title_bottom(Line::from(" Enter jumps · Esc closes ").right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let h = usize::from(inner.height);
        let sel = self.state.selected;
        let offset = (sel + 1).saturating_sub(h);
        for (row, (i, hd)) in headings.iter().enumerate().skip(offset).take(h).enumerate() {
            let row = row as u16;
            if i == sel {
                super::style_row(buf, inner, row, theme::SELECTED);
            }
            let indent = "  ".repeat(usize::from(hd.level.saturating_sub(1)));
            let line = Line::from(vec![
                Span::raw(format!(" {indent}")),
                Span::styled(sanitize(&hd.text), theme::OUTLINE_HEADING),
            ]);
            super::put_line(buf, inner, row, &line);
        }
    }
}
