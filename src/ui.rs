//! Draws the browser: [`App`] renders itself by reference into a buffer, one file per pane.
//!
//! Nothing here changes state or does I/O: notes are already rendered and cached by the app, and
//! the layout below is a pure function the app also uses to map mouse clicks and page sizes.

pub mod backlinks;
pub mod find;
pub mod help;
pub mod list;
pub mod note;
pub mod outline;
pub mod status;
pub mod switcher;
pub mod views;

use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Widget};
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Focus, Mode};
use crate::theme;

/// Below this width only the focused pane is shown.
const WIDE: u16 = 60;
/// Below this height the backlinks share no space with the note; `b` swaps them in.
const TALL: u16 = 14;

/// Where each pane goes; a pane that does not fit is an empty rectangle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Areas {
    /// The note list, border included.
    pub list: Rect,
    /// The note, border included.
    pub note: Rect,
    /// The backlinks, border included.
    pub backlinks: Rect,
    /// The status bar, one row.
    pub status: Rect,
}

/// Lays out the screen: list on the left, note over backlinks on the right, status bar at the
/// bottom. Narrow screens show the focused pane alone; short ones drop the backlinks unless they
/// have the focus.
pub fn layout(area: Rect, focus: Focus, backlinks: usize) -> Areas {
    let mut a = Areas::default();
    if area.is_empty() {
        return a;
    }
    if area.height < 2 {
        a.status = area;
        return a;
    }
    let main = Rect {
        height: area.height - 1,
        ..area
    };
    a.status = Rect {
        y: area.bottom() - 1,
        height: 1,
        ..area
    };
    let right = if main.width >= WIDE {
        let lw = (main.width * 3 / 10).clamp(20, 36);
        a.list = Rect { width: lw, ..main };
        Rect {
            x: main.x + lw,
            width: main.width - lw,
            ..main
        }
    } else if focus == Focus::List {
        a.list = main;
        return a;
    } else {
        main
    };
    if right.height >= TALL {
        let wanted = u16::try_from(backlinks.saturating_add(2)).unwrap_or(u16::MAX);
        let bh = wanted.clamp(3, right.height / 3);
        a.note = Rect {
            height: right.height - bh,
            ..right
        };
        a.backlinks = Rect {
            y: right.bottom() - bh,
            height: bh,
            ..right
        };
    } else if focus == Focus::Backlinks {
        a.backlinks = right;
    } else {
        a.note = right;
    }
    a
}

/// The inside of a bordered pane.
pub fn inner(r: Rect) -> Rect {
    r.inner(Margin::new(1, 1))
}

/// Where note text goes inside the note pane: the inside of its border, with a column of margin on
/// each side when there is room.
pub fn note_text_area(outer: Rect) -> Rect {
    let i = inner(outer);
    if i.width >= 24 {
        i.inner(Margin::new(1, 0))
    } else {
        i
    }
}

/// A rectangle of at most `width` x `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A pane's border and title, highlighted when it has the focus.
pub fn pane_block<'a>(title: impl Into<Line<'a>>, focused: bool) -> Block<'a> {
    Block::bordered()
        .border_style(if focused {
            theme::BORDER_FOCUSED
        } else {
            theme::BORDER
        })
        .title(title.into().style(theme::PANE_TITLE))
}

/// A popup's border and title.
pub fn popup_block<'a>(title: impl Into<Line<'a>>) -> Block<'a> {
    Block::bordered()
        .border_style(theme::POPUP_BORDER)
        .title(title.into().style(theme::PANE_TITLE))
}

/// Writes `line` on row `row` of `area`, clipped to it.
pub fn put_line(buf: &mut Buffer, area: Rect, row: u16, line: &Line<'_>) {
    let area = area.intersection(buf.area);
    if row < area.height && area.width > 0 {
        buf.set_line(area.x, area.y + row, line, area.width);
    }
}

/// Styles row `row` of `area`.
pub fn style_row(buf: &mut Buffer, area: Rect, row: u16, style: ratatui::style::Style) {
    if row < area.height {
        buf.set_style(
            Rect {
                y: area.y + row,
                height: 1,
                ..area
            },
            style,
        );
    }
}

/// `text` cut to at most `width` cells, ending in `…` when it was cut.
pub fn fit(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        used += w;
        out.push(c);
    }
    if width > 0 {
        out.push('…');
    }
    out
}

/// `text` as spans, the chars at `indices` (char indices, ascending) in `hl` and the rest in `base`.
/// Control characters are dropped without shifting the highlight.
pub fn highlighted(
    text: &str,
    indices: &[usize],
    base: ratatui::style::Style,
    hl: ratatui::style::Style,
) -> Vec<Span<'static>> {
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut run_hl = false;
    let mut next = indices.iter().peekable();
    for (i, c) in text.chars().enumerate() {
        let is_hl = next.peek().is_some_and(|&&n| n == i);
        if is_hl {
            next.next();
        }
        if c.is_control() {
            continue;
        }
        if is_hl != run_hl && !run.is_empty() {
            let style = if run_hl { hl } else { base };
            spans.push(Span::styled(std::mem::take(&mut run), style));
        }
        run_hl = is_hl;
        run.push(c);
    }
    if !run.is_empty() {
        spans.push(Span::styled(run, if run_hl { hl } else { base }));
    }
    spans
}

impl Widget for &App {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        let a = layout(area, self.focus, self.backlinks.rows.len());
        (&list::ListPane { app: self }).render(a.list, buf);
        (&note::NotePane { app: self }).render(a.note, buf);
        (&backlinks::BacklinksPane { app: self }).render(a.backlinks, buf);
        (&status::StatusBar { app: self }).render(a.status, buf);
        match &self.mode {
            Mode::Switcher(s) => (&switcher::SwitcherPopup {
                app: self,
                state: s,
            })
                .render(area, buf),
            Mode::Outline(o) => (&outline::OutlinePopup {
                app: self,
                state: o,
            })
                .render(area, buf),
            Mode::Help(h) => (&help::HelpPopup { state: h }).render(area, buf),
            Mode::Find(f) => (&find::FindPopup {
                app: self,
                state: f,
            })
                .render(area, buf),
            Mode::Tags(t) => (&views::TagsPopup { state: t }).render(area, buf),
            Mode::Loose(l) => (&views::LoosePopup { state: l }).render(area, buf),
            Mode::Browse | Mode::Hints(_) => {}
        }
    }
}

impl App {
    /// Draws the whole browser into a frame.
    pub fn draw(&self, frame: &mut Frame<'_>) {
        frame.render_widget(self, frame.area());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_never_overflows_the_screen() {
        for w in 0..130 {
            for h in 0..45 {
                for focus in [Focus::List, Focus::Note, Focus::Backlinks] {
                    let area = Rect::new(0, 0, w, h);
                    let a = layout(area, focus, 7);
                    for r in [a.list, a.note, a.backlinks, a.status] {
                        assert!(r.is_empty() || area.contains(r.as_position()), "{w}x{h}");
                        assert!(r.right() <= area.right() && r.bottom() <= area.bottom());
                    }
                }
            }
        }
    }

    #[test]
    fn wide_screens_show_every_pane() {
        let a = layout(Rect::new(0, 0, 80, 24), Focus::Note, 3);
        assert_eq!(a.list.width, 24);
        assert_eq!(a.status, Rect::new(0, 23, 80, 1));
        assert_eq!(a.backlinks.height, 5);
        assert_eq!(a.note.height + a.backlinks.height, 23);
    }

    #[test]
    fn narrow_screens_show_the_focused_pane() {
        let a = layout(Rect::new(0, 0, 20, 5), Focus::List, 3);
        assert_eq!(a.list, Rect::new(0, 0, 20, 4));
        assert!(a.note.is_empty());
        let a = layout(Rect::new(0, 0, 20, 5), Focus::Note, 3);
        assert_eq!(a.note, Rect::new(0, 0, 20, 4));
    }

    #[test]
    fn fit_cuts_by_cells_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 6), "abcdef");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn highlights_follow_char_indices_and_skip_control_chars() {
        let spans = highlighted("a\tbc", &[2], theme::TEXT, theme::MATCH);
        let text: Vec<(&str, bool)> = spans
            .iter()
            .map(|s| (s.content.as_ref(), s.style == theme::MATCH))
            .collect();
        assert_eq!(text, vec![("a", false), ("b", true), ("c", false)]);
    }
}
