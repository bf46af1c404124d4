//! The vault-wide views: the tags tree with counts, and the loose ends (unresolved link targets
//! with their uses, orphan notes, notes with problems).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Widget};

use crate::app::{Loose, LooseKind, Tags};
use crate::theme;

/// The tags view, drawn from its state.
pub struct TagsPopup<'a> {
    /// The view's state.
    pub state: &'a Tags,
}

/// The loose-ends view, drawn from its state.
pub struct LoosePopup<'a> {
    /// The view's state.
    pub state: &'a Loose,
}

/// Where the views go on a screen of `area`.
pub fn area(screen: Rect) -> Rect {
    let w = screen.width.saturating_sub(4).min(90);
    let h = screen.height.saturating_sub(2).min(30);
    super::centered(screen, w, h)
}

/// How many rows the views show at once.
pub fn list_height(screen: Rect) -> u16 {
    super::inner(area(screen)).height
}

/// Draws the frame of a view and returns where its rows go, if there is room.
fn frame(screen: Rect, buf: &mut Buffer, title: &str, bottom: String) -> Option<Rect> {
    let popup = area(screen.intersection(buf.area));
    if popup.is_empty() {
        return None;
    }
    Clear.render(popup, buf);
    let block =
        super::popup_block(title.to_string()).title_bottom(Line::from(bottom).right_aligned());
    let inner = block.inner(popup);
    block.render(popup, buf);
    Some(inner)
}

impl Widget for &TagsPopup<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let t = self.state;
        let bottom = format!(" {} tags · Enter filters the list ", t.rows.len());
        let Some(inner) = frame(screen, buf, " Tags ", bottom) else {
            return;
        };
        let h = usize::from(inner.height);
        let offset = (t.selected + 1).saturating_sub(h);
        for (row, (i, r)) in t.rows.iter().enumerate().skip(offset).take(h).enumerate() {
            let row = row as u16;
            if i == t.selected {
                super::style_row(buf, inner, row, theme::SELECTED);
            }
            let indent = "  ".repeat(r.depth);
            let line = Line::from(vec![
                Span::raw(format!(" {indent}")),
                Span::styled(format!("#{}", r.name), theme::TAG),
                Span::styled(format!("  {}", r.notes), theme::SECONDARY),
            ]);
            super::put_line(buf, inner, row, &line);
        }
    }
}

impl Widget for &LoosePopup<'_> {
    fn render(self, screen: Rect, buf: &mut Buffer) {
        let l = self.state;
        let bottom = " Enter opens · Esc closes ".to_string();
        let Some(inner) = frame(screen, buf, " Loose ends ", bottom) else {
            return;
        };
        let h = usize::from(inner.height);
        let offset = (l.selected + 1).saturating_sub(h);
        for (row, (i, r)) in l.rows.iter().enumerate().skip(offset).take(h).enumerate() {
            let row = row as u16;
            if i == l.selected {
                super::style_row(buf, inner, row, theme::SELECTED);
            }
            let spans = match r.kind {
                LooseKind::Section => vec![
                    Span::styled(format!(" {}", r.text), theme::VIEW_SECTION),
                    Span::styled(format!("  {}", r.detail), theme::SECONDARY),
                ],
                LooseKind::Empty => vec![Span::styled(format!("   {}", r.text), theme::SECONDARY)],
                LooseKind::Target => vec![
                    Span::raw("   "),
                    Span::styled(format!("[[{}]]", r.text), theme::LINK_UNRESOLVED),
                    Span::styled(format!("  {}", r.detail), theme::SECONDARY),
                ],
                LooseKind::Use => vec![
                    Span::styled("     in ", theme::SECONDARY),
                    Span::styled(r.text.clone(), theme::BACKLINK_SOURCE),
                    Span::styled(format!(", {}", r.detail), theme::SECONDARY),
                ],
                LooseKind::Orphan => vec![
                    Span::raw("   "),
                    Span::styled(r.text.clone(), theme::TEXT),
                    Span::styled(format!("  {}", r.detail), theme::SECONDARY),
                ],
                LooseKind::Problem => vec![
                    Span::raw("   "),
                    Span::styled(r.text.clone(), theme::TEXT),
                    Span::styled(format!("  {}", r.detail), theme::QUERY_ERROR),
                ],
            };
            super::put_line(buf, inner, row, &Line::from(spans));
        }
    }
}
