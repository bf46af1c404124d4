//! The popups' keys: quick switcher, outline, link hints and help.

use crate::search::{prefer_recent, Field, Hit, Matcher, Session};
use crate::ui;

use super::{step, Action, App, At, Mode, SWITCHER_LIMIT};

impl App {
    pub(super) fn refresh_switcher(&mut self) {
        let Mode::Switcher(s) = &mut self.mode else {
            return;
        };
        let recent = &self.recent;
        let recency = |note: usize| recent.get(&note).copied().unwrap_or(0);
        s.hits = if s.query.trim().is_empty() {
            s.session = Session::new();
            // Notes opened in this session first, the latest on top, then the list.
            let mut order = self.list.order.clone();
            order.sort_by_key(|&n| std::cmp::Reverse(recency(n)));
            order
                .into_iter()
                .take(SWITCHER_LIMIT)
                .map(|note| Hit {
                    note,
                    score: 0,
                    field: Field::Title,
                    indices: Vec::new(),
                })
                .collect()
        } else {
            let vault = &self.loaded.vault;
            let matcher = self.matcher.get_or_insert_with(|| Matcher::new(vault));
            let mut hits = matcher.find_in(&mut s.session, &s.query, SWITCHER_LIMIT);
            prefer_recent(&mut hits, recency);
            hits
        };
        s.selected = 0;
    }

    pub(super) fn on_switcher(&mut self, action: Action) {
        let page = usize::from(ui::switcher::list_height(self.area));
        let Mode::Switcher(s) = &mut self.mode else {
            return;
        };
        match action {
            Action::Input(c) => {
                s.query.push(c);
                self.refresh_switcher();
            }
            Action::DeleteChar => {
                s.query.pop();
                self.refresh_switcher();
            }
            Action::ClearInput => {
                s.query.clear();
                self.refresh_switcher();
            }
            Action::Up | Action::Down | Action::PageUp | Action::PageDown => {
                s.selected = step(s.selected, action, s.hits.len(), page);
            }
            Action::Activate => match s.hits.get(s.selected).map(|h| h.note) {
                Some(note) => {
                    self.mode = Mode::Browse;
                    self.open(note, At::Top, None);
                }
                None => self.info("No note matches"),
            },
            Action::Cancel => self.mode = Mode::Browse,
            _ => {}
        }
    }

    pub(super) fn on_outline(&mut self, action: Action) {
        let Some(v) = self.view else {
            self.mode = Mode::Browse;
            return;
        };
        let n = self.loaded.vault.notes[v.note].parsed.headings.len();
        let Mode::Outline(o) = &mut self.mode else {
            return;
        };
        match action {
            Action::Up | Action::Down | Action::Top | Action::Bottom => {
                o.selected = step(o.selected, action, n, 1);
            }
            Action::Activate => {
                let h = o.selected;
                self.mode = Mode::Browse;
                self.open(v.note, At::Heading(h), None);
            }
            Action::Cancel => self.mode = Mode::Browse,
            _ => {}
        }
    }

    pub(super) fn on_hints(&mut self, action: Action) {
        let Mode::Hints(hints) = &mut self.mode else {
            return;
        };
        match action {
            Action::HintKey(c) => {
                hints.typed.push(c.to_ascii_lowercase());
                let typed = hints.typed.clone();
                if let Some(&(_, stop)) = hints.labels.iter().find(|(l, _)| *l == typed) {
                    self.mode = Mode::Browse;
                    self.follow(stop);
                } else if !hints.labels.iter().any(|(l, _)| l.starts_with(&typed)) {
                    self.mode = Mode::Browse;
                    self.info(format!("No link labelled {typed}"));
                }
            }
            Action::DeleteChar => {
                hints.typed.pop();
            }
            Action::Cancel => self.mode = Mode::Browse,
            Action::Resize { .. } => {
                // The note is rendered anew for the new width, with other stops on other rows:
                // the old labels would name links that moved or left the screen. Label afresh.
                self.mode = Mode::Browse;
                self.refresh();
                self.show_hints();
            }
            _ => {}
        }
    }

    pub(super) fn on_help(&mut self, action: Action) {
        let page = ui::help::body_height(self.area).max(1);
        let Mode::Help(help) = &mut self.mode else {
            return;
        };
        match action {
            Action::Up => help.scroll = help.scroll.saturating_sub(1),
            Action::Down => help.scroll += 1,
            Action::PageUp => help.scroll = help.scroll.saturating_sub(page),
            Action::PageDown => help.scroll += page,
            Action::Top => help.scroll = 0,
            Action::Bottom => help.scroll = usize::MAX / 2,
            Action::Cancel => self.mode = Mode::Browse,
            _ => {}
        }
    }
}
