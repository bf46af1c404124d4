//! Rendered lines as text for stdout: with ANSI SGR colours for a terminal, or plain.
//!
//! The lines already hold no control characters (the renderer sanitises note text), so the only
//! escape sequences in the output are the ones written here.

use std::fmt::Write;

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;

/// The lines as plain text, one per row, trailing spaces removed, each ending with a newline.
pub fn to_plain(lines: &[Line<'_>]) -> String {
    let mut out = String::new();
    for line in lines {
        let start = out.len();
        for span in &line.spans {
            out.push_str(&span.content);
        }
        let trimmed = out[start..].trim_end().len();
        out.truncate(start + trimmed);
        out.push('\n');
    }
    out
}

/// The lines with SGR escape sequences for their styles, one per row, each ending with a newline
/// and with every attribute reset at the end of the row.
pub fn to_ansi(lines: &[Line<'_>]) -> String {
    let mut out = String::new();
    for line in lines {
        let mut current = Style::new();
        for span in &line.spans {
            let style = line.style.patch(span.style);
            if style != current {
                out.push_str("\x1b[0");
                sgr(&mut out, style);
                out.push('m');
                current = style;
            }
            out.push_str(&span.content);
        }
        if current != Style::new() {
            out.push_str("\x1b[0m");
        }
        out.push('\n');
    }
    out
}

/// Appends `;n` parameters for a style (after a reset).
fn sgr(out: &mut String, style: Style) {
    let mods = style.add_modifier;
    for (m, code) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if mods.contains(m) {
            let _ = write!(out, ";{code}");
        }
    }
    if let Some(fg) = style.fg {
        color(out, fg, false);
    }
    if let Some(bg) = style.bg {
        color(out, bg, true);
    }
}

fn color(out: &mut String, c: Color, bg: bool) {
    let base = if bg { 40 } else { 30 };
    let bright = if bg { 100 } else { 90 };
    let _ = match c {
        Color::Reset => write!(out, ";{}", base + 9),
        Color::Black => write!(out, ";{base}"),
        Color::Red => write!(out, ";{}", base + 1),
        Color::Green => write!(out, ";{}", base + 2),
        Color::Yellow => write!(out, ";{}", base + 3),
        Color::Blue => write!(out, ";{}", base + 4),
        Color::Magenta => write!(out, ";{}", base + 5),
        Color::Cyan => write!(out, ";{}", base + 6),
        Color::Gray => write!(out, ";{}", base + 7),
        Color::DarkGray => write!(out, ";{bright}"),
        Color::LightRed => write!(out, ";{}", bright + 1),
        Color::LightGreen => write!(out, ";{}", bright + 2),
        Color::LightYellow => write!(out, ";{}", bright + 3),
        Color::LightBlue => write!(out, ";{}", bright + 4),
        Color::LightMagenta => write!(out, ";{}", bright + 5),
        Color::LightCyan => write!(out, ";{}", bright + 6),
        Color::White => write!(out, ";{}", bright + 7),
        Color::Indexed(i) => write!(out, ";{};5;{i}", base + 8),
        Color::Rgb(r, g, b) => write!(out, ";{};2;{r};{g};{b}", base + 8),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::text::Span;

    #[test]
    fn plain_and_ansi() {
        let lines = vec![
            Line::from(vec![
                Span::raw("a "),
                Span::styled(
                    "b",
                    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
                ),
                Span::raw("  "),
            ]),
            Line::from(""),
        ];
        assert_eq!(to_plain(&lines), "a b\n\n");
        assert_eq!(to_ansi(&lines), "a \x1b[0;1;31mb\x1b[0m  \n\n");
    }
}
