//! The mouse: the wheel scrolls the pane under the pointer, a click opens or follows what is under
//! it.

use ratatui::layout::Position;

use super::{App, Focus, WHEEL_STEP};
use crate::ui;

impl App {
    pub(super) fn wheel(&mut self, column: u16, row: u16, down: bool) {
        let at = Position::new(column, row);
        let a = self.areas(self.focus);
        let shift = |x: usize| {
            if down {
                x + WHEEL_STEP
            } else {
                x.saturating_sub(WHEEL_STEP)
            }
        };
        if a.note.contains(at) {
            if let Some(v) = self.view.as_mut() {
                v.top = shift(v.top);
            }
            self.refresh();
            self.drop_hidden_selection();
        } else if a.list.contains(at) {
            let h = self.list_height().max(1);
            let l = &mut self.list;
            l.offset = shift(l.offset).min(l.order.len().saturating_sub(h));
            l.selected = l.selected.clamp(l.offset, l.offset + h - 1);
        } else if a.backlinks.contains(at) {
            let h = self.backlinks_height().max(1);
            let b = &mut self.backlinks;
            b.offset = shift(b.offset).min(b.rows.len().saturating_sub(h));
            b.selected = b.selected.clamp(b.offset, b.offset + h - 1);
        }
    }

    pub(super) fn click(&mut self, column: u16, row: u16) {
        let at = Position::new(column, row);
        let a = self.areas(self.focus);
        let list = ui::inner(a.list);
        let text = ui::note_text_area(a.note);
        let bl = ui::inner(a.backlinks);
        if list.contains(at) {
            self.focus = Focus::List;
            let i = self.list.offset + usize::from(row - list.y);
            if i < self.list.order.len() {
                self.list.selected = i;
                self.open_selected_in_list();
            }
        } else if text.contains(at) {
            self.focus = Focus::Note;
            let hit = self.view.zip(self.page()).and_then(|(v, page)| {
                let r = v.top + usize::from(row - text.y);
                let c = column - text.x;
                let anchor = page
                    .rendered
                    .anchors
                    .iter()
                    .position(|a| a.row == r && a.cols.contains(&c))?;
                page.stop_of_anchor(anchor)
            });
            if let Some(stop) = hit {
                self.follow(stop);
            }
        } else if bl.contains(at) {
            self.focus = Focus::Backlinks;
            let i = self.backlinks.offset + usize::from(row - bl.y);
            if i < self.backlinks.rows.len() {
                self.backlinks.selected = i;
                self.open_backlink();
            }
        } else if a.note.contains(at) {
            self.focus = Focus::Note;
        } else if a.list.contains(at) {
            self.focus = Focus::List;
        } else if a.backlinks.contains(at) {
            self.focus = Focus::Backlinks;
        }
    }
}
