//! The full-text search popup: the query (or why it does not parse), and the results as they
//! stream in: note title, line and a snippet with the matches highlighted.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Find};
use crate::commands::sanitize;
use crate::theme;

/// The full-text search popup, drawn from its state.
pub struct FindPopup<'a> {
    /// The browser.
    pub app: &'a App,
    /// The popup's state.
    pub state: &'a Find,
}

/// Longest title shown before a result's line number; longer ones are cut.
const TITLE_CELLS: usize = 28;

impl Widget for &FindPopup<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        // The same place and size as the quick switcher, so the two feel alike.
        let popup = super::switcher::area(screen.intersection(buf.area));
        if popup.is_empty() {
            return;
        }
        let (app, f) = (self.app, self.state);
        Clear.render(popup, buf);
        let notes: std::collections::BTreeSet<usize> = f.hits.iter().map(|h| h.note).collect();
        let mut count = if f.error.is_some() || f.query.trim().is_empty() {
            " Enter opens · Esc closes".to_string()
        } else if f.found > f.hits.len() {
            format!(" first {} of {} lines", f.hits.len(), f.found)
        } else {
            format!(" {} lines in {} notes", f.found, notes.len())
        };
        if !f.done {
            count.push_str(" · searching…");
        }
        count.push(' ');
        let block = super::popup_block(" Search every note ")
            .title_bottom(Line::from(count).right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let input = Line::from(vec![
            Span::styled("> ", theme::SECONDARY),
            Span::styled(f.query.as_str(), theme::INPUT),
            Span::styled(" ", theme::INPUT_CURSOR),
        ]);
        super::put_line(buf, inner, 0, &input);
        let second = match &f.error {
            Some(e) => Line::from(Span::styled(sanitize(e), theme::QUERY_ERROR)),
            None => Line::from(Span::styled(
                "─".repeat(usize::from(inner.width)),
                theme::BORDER,
            )),
        };
        super::put_line(buf, inner, 1, &second);
        let list = Rect {
            y: inner.y + 2.min(inner.height),
            height: inner.height.saturating_sub(2),
            ..inner
        };
        let h = usize::from(list.height);
        if f.hits.is_empty() {
            let msg = if f.query.trim().is_empty() {
                " Type words to find; \"a phrase\", OR, -not, tag:x, file:y, line:(a b)"
            } else if f.error.is_some() {
                ""
            } else if f.done {
                " No line matches"
            } else {
                " Searching…"
            };
            super::put_line(
                buf,
                list,
                0,
                &Line::from(Span::styled(msg, theme::SECONDARY)),
            );
            return;
        }
        let offset = (f.selected + 1).saturating_sub(h);
        let title_w = f
            .hits
            .iter()
            .skip(offset)
            .take(h)
            .map(|hit| app.list.labels[hit.note].0.width())
            .max()
            .unwrap_or(0)
            .min(TITLE_CELLS);
        for (row, (i, hit)) in f.hits.iter().enumerate().skip(offset).take(h).enumerate() {
            let row = row as u16;
            if i == f.selected {
                super::style_row(buf, list, row, theme::SELECTED);
            }
            let title = super::fit(&app.list.labels[hit.note].0, title_w);
            let pad = title_w.saturating_sub(title.width());
            let mut spans = vec![
                Span::raw(" "),
                Span::styled(title, theme::BACKLINK_SOURCE),
                Span::raw(" ".repeat(pad)),
                Span::styled(format!(" {:>4}  ", hit.line), theme::SECONDARY),
            ];
            let indices: Vec<usize> = hit.ranges.iter().flat_map(|r| r.clone()).collect();
            spans.extend(super::highlighted(
                &hit.snippet,
                &indices,
                theme::TEXT,
                theme::MATCH,
            ));
            super::put_line(buf, list, row, &Line::from(spans));
        }
    }
}
