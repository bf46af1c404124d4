//! The help overlay: every key, drawn from the one key table so it can never fall behind it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::keymap::{key_name, Context, BINDINGS, EXTRA_HELP};
use crate::app::Help;
use crate::theme;

/// The help overlay, drawn from its state.
pub struct HelpPopup<'a> {
    /// The overlay's state.
    pub state: &'a Help,
}

/// The order the help lists contexts in.
const SECTIONS: [Context; 9] = [
    Context::Browse,
    Context::Switcher,
    Context::Find,
    Context::Tags,
    Context::Loose,
    Context::Outline,
    Context::Hints,
    Context::Help,
    Context::Any,
];

/// Every `(context, keys, what they do)` row of the help, table rows first, then typing and mouse.
pub fn rows() -> Vec<(Context, String, &'static str)> {
    let mut out = Vec::new();
    for ctx in SECTIONS {
        for b in BINDINGS.iter().filter(|b| b.context == ctx) {
            let keys: Vec<String> = b.keys.iter().map(key_name).collect();
            out.push((ctx, keys.join(" "), b.help));
        }
        for (c, keys, what) in EXTRA_HELP {
            if *c == ctx {
                out.push((ctx, keys.to_string(), *what));
            }
        }
    }
    out
}

/// The help text, one line per key row, with a heading per context.
pub fn lines() -> Vec<Line<'static>> {
    let rows = rows();
    let key_w = rows.iter().map(|(_, k, _)| k.width()).max().unwrap_or(0);
    let mut out = Vec::new();
    let mut last = None;
    for (ctx, keys, what) in rows {
        if last != Some(ctx) {
            if last.is_some() {
                out.push(Line::default());
            }
            out.push(Line::from(Span::styled(ctx.title(), theme::HELP_SECTION)));
            last = Some(ctx);
        }
        let pad = " ".repeat(key_w.saturating_sub(keys.width()));
        out.push(Line::from(vec![
            Span::raw("  "),
            Span::styled(keys, theme::HELP_KEY),
            Span::raw(format!("{pad}  ")),
            Span::raw(what),
        ]));
    }
    out
}

/// How many lines the help has.
pub fn line_count() -> usize {
    lines().len()
}

/// Where the overlay goes on a screen of `area`.
pub fn area(screen: Rect) -> Rect {
    let w = screen.width.saturating_sub(4).min(96);
    let h = screen.height.saturating_sub(2);
    super::centered(screen, w, h)
}

/// How many help lines fit at once.
pub fn body_height(screen: Rect) -> usize {
    usize::from(super::inner(area(screen)).height)
}

impl Widget for &HelpPopup<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let popup = area(screen.intersection(buf.area));
        if popup.is_empty() {
            return;
        }
        Clear.render(popup, buf);
        let block = super::popup_block(" Keys ")
            .title_bottom(Line::from(" j/k scroll · Esc closes ").right_aligned());
        let inner = block.inner(popup);
        block.render(popup, buf);
        let text = inner.inner(ratatui::layout::Margin::new(1, 0));
        for (row, line) in lines()
            .iter()
            .skip(self.state.scroll)
            .take(usize::from(text.height))
            .enumerate()
        {
            super::put_line(buf, text, row as u16, line);
        }
    }
}
