//! The status bar: the open note's path, its link and backlink counts, the scroll position (the
//! source line and part in a note rendered in parts), and transient messages.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;
use unicode_width::UnicodeWidthStr;

use crate::app::{App, MessageKind};
use crate::theme;

/// The status bar, drawn from the app's state.
pub struct StatusBar<'a> {
    /// The browser.
    pub app: &'a App,
}

/// Where the note is scrolled: `row/total` and `Top`, `Bot`, `All` or a percentage.
fn position(app: &App) -> Option<String> {
    let (v, page) = (app.view?, app.page()?);
    let total = page.rendered.lines.len();
    let h = app.note_height();
    if let Some(held) = &page.held {
        // A large note: the source line at the top of the total, and the part it is in.
        let lines = held.parts.lines;
        let line = crate::app::line_of_row(&page.rendered, v.top).unwrap_or(1);
        let last = held.end() == held.parts.len() && v.top + h >= total;
        let pct = if held.first == 0 && v.top == 0 {
            "Top".to_string()
        } else if last {
            "Bot".to_string()
        } else {
            format!("{}%", line * 100 / lines.max(1))
        };
        return Some(format!(
            "line {line}/{lines} · part {}/{} {pct}",
            held.part_at(v.top) + 1,
            held.parts.len()
        ));
    }
    let max_top = total.saturating_sub(h);
    let pct = if total <= h {
        "All".to_string()
    } else if v.top == 0 {
        "Top".to_string()
    } else if v.top >= max_top {
        "Bot".to_string()
    } else {
        format!("{}%", v.top * 100 / max_top)
    };
    Some(format!("{}/{} {}", (v.top + 1).min(total), total, pct))
}

impl Widget for &StatusBar<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let app = self.app;
        buf.set_style(area, theme::STATUS);
        let (left, style) = match &app.message {
            Some(m) => (
                m.text.clone(),
                match m.kind {
                    MessageKind::Info => theme::STATUS_INFO,
                    MessageKind::Warning => theme::STATUS_WARNING,
                },
            ),
            None if app.loading() => (
                format!(
                    "{} notes · reading links, tags and titles…",
                    app.loaded.vault.notes.len()
                ),
                theme::STATUS,
            ),
            None => match (app.view, app.page()) {
                (Some(v), Some(page)) => {
                    let links = page.stops.len();
                    let back = app.backlinks.rows.len();
                    (
                        format!(
                            "{} · {} link{} · {} backlink{}",
                            app.view_path(v.note),
                            links,
                            if links == 1 { "" } else { "s" },
                            back,
                            if back == 1 { "" } else { "s" },
                        ),
                        theme::STATUS,
                    )
                }
                _ => (
                    format!("{} notes · ? for help", app.loaded.vault.notes.len()),
                    theme::STATUS,
                ),
            },
        };
        let right = position(app).unwrap_or_default();
        let right_w = u16::try_from(right.width()).unwrap_or(u16::MAX);
        // The position needs its own room plus a readable stretch of the left text.
        // A message takes the whole bar while it lasts.
        let show_right =
            app.message.is_none() && !right.is_empty() && area.width >= right_w.saturating_add(24);
        let left_w = if show_right {
            area.width - right_w - 2
        } else {
            area.width
        };
        let left_area = Rect {
            width: left_w,
            ..area
        };
        if app.message.is_some() {
            buf.set_style(left_area, style);
        }
        let left = super::fit(&format!(" {left}"), usize::from(left_w));
        super::put_line(buf, left_area, 0, &Line::from(Span::styled(left, style)));
        if show_right {
            let right_area = Rect {
                x: area.right() - right_w - 1,
                width: right_w,
                ..area
            };
            super::put_line(buf, right_area, 0, &Line::from(right));
        }
    }
}
