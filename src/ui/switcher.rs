//! The quick switcher popup: the query, and the matching notes best first with the matched
//! characters highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use crate::app::{App, Switcher};
use crate::search::Field;
use crate::theme;

/// The quick switcher, drawn from its state.
pub struct SwitcherPopup<'a> {
    /// The browser.
    pub app: &'a App,
    /// The switcher's state.
    pub state: &'a Switcher,
}

/// Where the popup goes on a screen of `area`.
pub fn area(screen: Rect) -> Rect {
    let w = screen.width.saturating_sub(4).min(90);
    let h = screen.height.saturating_sub(2).min(22);
    super::centered(screen, w, h)
}

/// How many matches the popup shows at once.
pub fn list_height(screen: Rect) -> u16 {
    super::inner(area(screen)).height.saturating_sub(2)
}

impl Widget for &SwitcherPopup<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let popup = area(screen.intersection(buf.area));
        if popup.is_empty() {
            return;
        }
        let (app, s) = (self.app, self.state);
        Clear.render(popup, buf);
        let count = format!(" {} of {} ", s.hits.len(), app.loaded.vault.notes.len());
        let block =
            super::popup_block(" Quick switcher ").title_bottom(Line::from(count).right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let input = Line::from(vec![
            Span::styled("> ", theme::SECONDARY),
            Span::styled(s.query.as_str(), theme::INPUT),
            Span::styled(" ", theme::INPUT_CURSOR),
        ]);
        super::put_line(buf, inner, 0, &input);
        let rule = "─".repeat(usize::from(inner.width));
        super::put_line(
            buf,
            inner,
            1,
            &Line::from(Span::styled(rule, theme::BORDER)),
        );
        let list = Rect {
            y: inner.y + 2.min(inner.height),
            height: inner.height.saturating_sub(2),
            ..inner
        };
        let h = usize::from(list.height);
        if s.hits.is_empty() {
            let msg = Span::styled(" No note matches", theme::SECONDARY);
            super::put_line(buf, list, 0, &Line::from(msg));
            return;
        }
        let offset = (s.selected + 1).saturating_sub(h);
        let notes = &app.loaded.vault.notes;
        for (row, (i, hit)) in s.hits.iter().enumerate().skip(offset).take(h).enumerate() {
            let row = row as u16;
            if i == s.selected {
                super::style_row(buf, list, row, theme::SELECTED);
            }
            let n = &notes[hit.note];
            let none: &[usize] = &[];
            let on = |f: Field| {
                if hit.field == f {
                    hit.indices.as_slice()
                } else {
                    none
                }
            };
            let mut spans = vec![Span::raw(" ")];
            spans.extend(super::highlighted(
                &n.title,
                on(Field::Title),
                theme::TEXT,
                theme::MATCH,
            ));
            spans.push(Span::raw("  "));
            if let Field::Alias(a) = hit.field {
                spans.push(Span::styled("alias: ", theme::SECONDARY));
                let alias = n.aliases.get(a).map_or("", String::as_str);
                spans.extend(super::highlighted(
                    alias,
                    &hit.indices,
                    theme::SECONDARY,
                    theme::MATCH,
                ));
                spans.push(Span::raw("  "));
            }
            spans.extend(super::highlighted(
                &n.path,
                on(Field::Path),
                theme::SECONDARY,
                theme::MATCH,
            ));
            super::put_line(buf, list, row, &Line::from(spans));
        }
    }
}
