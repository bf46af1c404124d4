//! Whole-app tests of finding things: full-text search (streamed, cancelled by the next keystroke),
//! `n`/`N` between matches in a note, the tags view and its list filter, the loose-ends view, and the
//! quick switcher's preference for recently opened notes. Same harness as `tests/app.rs`: keys go
//! into the real [`App`], it draws on a `TestBackend`, and the tests read the screen.

use std::path::Path;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::Terminal;

use engram::app::{App, Focus, LooseKind, Mode, Options, Searching};
use engram::commands::Loaded;
use engram::theme;
use engram::vault::Vault;

mod common;
use common::dump;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
}

impl Ui {
    fn sample(width: u16, height: u16) -> Ui {
        Ui::with(load(Path::new("notes")), width, height, Searching::Inline)
    }

    fn with(loaded: Loaded, width: u16, height: u16, searching: Searching) -> Ui {
        let app = App::new(
            loaded,
            Options {
                size: (width, height),
                searching,
                ..Options::default()
            },
        );
        let term = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        Ui { app, term }
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.mod_key(code, KeyModifiers::NONE)
    }

    fn mod_key(&mut self, code: KeyCode, mods: KeyModifiers) -> &mut Self {
        self.app.handle_event(Event::Key(KeyEvent::new(code, mods)));
        self
    }

    fn typed(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn buffer(&mut self) -> Buffer {
        let app = &self.app;
        self.term
            .draw(|f| app.draw(f))
            .expect("draw")
            .buffer
            .clone()
    }

    fn screen(&mut self) -> String {
        dump(&self.buffer())
    }

    fn status(&mut self) -> String {
        let h = self.term.backend().buffer().area.height;
        self.screen()
            .lines()
            .nth(usize::from(h - 1))
            .unwrap_or("")
            .to_string()
    }

    fn note_path(&self) -> Option<&str> {
        let v = self.app.view()?;
        Some(self.app.loaded().vault.notes[v.note].path.as_str())
    }

    fn find(&self) -> &engram::app::Find {
        match self.app.mode() {
            Mode::Find(f) => f,
            other => panic!("the search popup is not open: {other:?}"),
        }
    }

    fn snap(&mut self, name: &str) {
        let a = self.term.backend().buffer().area;
        // A temporary vault's folder changes from run to run.
        let root = self.app.loaded().vault.root.display().to_string();
        let screen = self.screen().replace(&root, "VAULT");
        insta::assert_snapshot!(format!("{name}_{}x{}", a.width, a.height), screen);
    }
}

fn load(dir: &Path) -> Loaded {
    Loaded::new(Vault::load(dir).expect("the vault loads"))
}

/// The text of the cells drawn in `style`, row by row, runs joined with `|`.
fn styled_text(buf: &Buffer, style: ratatui::style::Style) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut prev = false;
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            let on = c.fg == style.fg.unwrap_or_default() && c.bg == style.bg.unwrap_or_default();
            if on {
                if !prev && !out.is_empty() {
                    out.push('|');
                }
                out.push_str(c.symbol());
            }
            prev = on;
        }
    }
    out
}

/// Whether a match or the current match's line is marked anywhere on screen. (A match inside a
/// link's target is not drawn, but its line still is.)
fn marked(buf: &Buffer) -> bool {
    buf.content()
        .iter()
        .any(|c| Some(c.bg) == theme::FOUND.bg || Some(c.bg) == theme::FOUND_LINE.bg)
}

/// A vault in a temporary folder.
fn temp_vault(files: &[(&str, &str)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in files {
        let p = dir.path().join(path);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(p, text).expect("write");
    }
    let loaded = load(dir.path());
    (dir, loaded)
}

// ---- full-text search ----------------------------------------------------------------------------

#[test]
fn typing_a_query_lists_highlighted_results_and_enter_opens_at_the_line() {
    for (w, h) in SIZES {
        let mut ui = Ui::sample(w, h);
        ui.key(KeyCode::Char('F'));
        assert!(matches!(ui.app.mode(), Mode::Find(_)));
        ui.snap("find_empty");
        ui.typed("dopamine");
        let f = ui.find();
        assert!(f.done);
        assert_eq!(f.found, 19, "as many lines as `engram grep dopamine`");
        assert_eq!(f.hits.len(), 19);
        let screen = ui.screen();
        assert!(screen.contains("19 lines in"), "{screen}");
        let matched = styled_text(&ui.buffer(), theme::MATCH);
        assert!(
            matched.to_lowercase().split('|').any(|m| m == "dopamine"),
            "{matched}"
        );
        ui.snap("find_results");
        // Choose the fourth result and open it.
        ui.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Down);
        let hit = ui.find().hits[3].clone();
        ui.key(KeyCode::Enter);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        assert_eq!(ui.app.view().map(|v| v.note), Some(hit.note));
        let page = ui.app.page().expect("rendered");
        let row = page.rendered.row_of_line(hit.line);
        let top = ui.app.view().expect("open").top;
        let max_top = page.rendered.lines.len().saturating_sub(1);
        assert!(
            top == row || top == max_top.min(row),
            "top {top}, row {row}"
        );
        let buf = ui.buffer();
        let found = styled_text(&buf, theme::FOUND);
        assert!(
            found.to_lowercase().split('|').any(|m| m == "dopamine"),
            "the match is marked in the note: {found}"
        );
        ui.snap("find_opened");
    }
}

#[test]
fn ctrl_f_also_opens_the_search_and_esc_closes_it() {
    let mut ui = Ui::sample(80, 24);
    ui.mod_key(KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert!(matches!(ui.app.mode(), Mode::Find(_)));
    ui.key(KeyCode::Esc);
    assert!(matches!(ui.app.mode(), Mode::Browse));
    assert!(ui.app.view().is_none());
}

#[test]
fn a_new_keystroke_replaces_the_results() {
    let mut ui = Ui::sample(80, 24);
    ui.key(KeyCode::Char('F')).typed("dopamine");
    assert_eq!(ui.find().found, 19);
    ui.typed("zz");
    assert_eq!(ui.find().found, 0);
    assert!(ui.screen().contains("No line matches"));
    ui.key(KeyCode::Backspace).key(KeyCode::Backspace);
    assert_eq!(ui.find().found, 19);
    ui.mod_key(KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert_eq!(ui.find().found, 0);
    assert!(ui.find().query.is_empty());
}

#[test]
fn background_searches_stream_and_only_the_last_query_counts() {
    let mut ui = Ui::with(load(Path::new("notes")), 80, 24, Searching::Background);
    ui.key(KeyCode::Char('F'));
    // Every keystroke starts a search and cancels the one before; what arrives from the cancelled
    // ones (`d`, `do`, … match far more lines) must never reach the list.
    ui.typed("dopamine");
    ui.app.wait_for_search();
    assert!(!ui.app.searching());
    let f = ui.find();
    assert!(f.done);
    assert_eq!(f.found, 19);
    assert!(f
        .hits
        .iter()
        .all(|h| h.snippet.to_lowercase().contains("dopamine")
            || ui.app.loaded().vault.notes[h.note]
                .title
                .to_lowercase()
                .contains("dopamine")));
    let mut lines: Vec<(usize, usize)> = f.hits.iter().map(|h| (h.note, h.line)).collect();
    lines.dedup();
    assert_eq!(lines.len(), 19, "no hit arrives twice");
    // A query typed while one runs replaces it.
    ui.typed("zz");
    ui.app.wait_for_search();
    assert_eq!(ui.find().found, 0);
}

#[test]
fn a_query_that_does_not_parse_says_why() {
    for (w, h) in SIZES {
        let mut ui = Ui::sample(w, h);
        ui.key(KeyCode::Char('F')).typed("(dopamine");
        let f = ui.find();
        assert_eq!(f.error.as_deref(), Some("( needs a closing )"));
        assert!(f.hits.is_empty());
        let screen = ui.screen();
        assert!(screen.contains("( needs a closing )"), "{screen}");
        ui.snap("find_error");
        ui.typed(")");
        assert!(ui.find().error.is_none());
        assert_eq!(ui.find().found, 19);
    }
}

#[test]
fn n_and_shift_n_move_between_matches_in_the_note() {
    let mut ui = Ui::sample(80, 24);
    ui.key(KeyCode::Char('n'));
    assert!(ui.status().contains("No note open"), "{}", ui.status());
    ui.key(KeyCode::Enter).key(KeyCode::Char('n'));
    assert!(ui.status().contains("No search yet"), "{}", ui.status());
    ui.key(KeyCode::Char('F')).typed("dopamine");
    let first = ui.find().hits[0].clone();
    let in_note: Vec<usize> = ui
        .find()
        .hits
        .iter()
        .filter(|h| h.note == first.note)
        .map(|h| h.line)
        .collect();
    assert!(in_note.len() >= 2, "the first note has several matches");
    ui.key(KeyCode::Enter);
    let row_of = |ui: &Ui, line: usize| ui.app.page().expect("page").rendered.row_of_line(line);
    let visible = |ui: &Ui, line: usize| {
        let top = ui.app.view().expect("open").top;
        let h = 24;
        (top..top + h).contains(&row_of(ui, line))
    };
    ui.key(KeyCode::Char('n'));
    let status = ui.status();
    assert!(
        status.contains(&format!("Match 2 of {}", in_note.len())),
        "{status}"
    );
    assert!(status.contains(&format!("line {}", in_note[1])), "{status}");
    assert!(visible(&ui, in_note[1]));
    ui.key(KeyCode::Char('N'));
    assert!(ui.status().contains("Match 1 of"), "{}", ui.status());
    ui.key(KeyCode::Char('N'));
    assert!(
        ui.status().contains(&format!("Match {} of", in_note.len())),
        "N wraps to the last match: {}",
        ui.status()
    );
    // Esc drops the marks; n brings them back.
    assert!(marked(&ui.buffer()));
    ui.key(KeyCode::Esc);
    assert!(!marked(&ui.buffer()));
    ui.key(KeyCode::Char('n'));
    assert!(marked(&ui.buffer()));
}

#[test]
fn n_finds_the_last_query_in_any_note() {
    let (_dir, loaded) = temp_vault(&[
        ("a.md", "one apple\n\ntwo\n\nthree apple\n"),
        ("b.md", "no fruit here\n"),
    ]);
    let mut ui = Ui::with(loaded, 80, 24, Searching::Inline);
    ui.key(KeyCode::Char('F')).typed("apple").key(KeyCode::Esc);
    // Open b.md from the list: no match there.
    ui.key(KeyCode::Down).key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("b.md"));
    ui.key(KeyCode::Char('n'));
    assert!(
        ui.status().contains("No match for apple"),
        "{}",
        ui.status()
    );
    ui.key(KeyCode::Char('h'))
        .key(KeyCode::Up)
        .key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("a.md"));
    ui.key(KeyCode::Char('n'));
    assert!(
        ui.status().contains("Match 1 of 2: line 1"),
        "{}",
        ui.status()
    );
    ui.key(KeyCode::Char('n'));
    assert!(
        ui.status().contains("Match 2 of 2: line 5"),
        "{}",
        ui.status()
    );
}

// ---- tags ------------------------------------------------------------------------------------------

#[test]
fn tags_view_filters_the_note_list_and_clears() {
    for (w, h) in SIZES {
        let mut ui = Ui::sample(w, h);
        let all = ui.app.list().order.len();
        ui.key(KeyCode::Char('t'));
        let Mode::Tags(t) = ui.app.mode() else {
            panic!("tags view is open")
        };
        let rows: Vec<(usize, String, usize)> = t
            .rows
            .iter()
            .map(|r| (r.depth, r.tag.clone(), r.notes))
            .collect();
        assert!(rows.contains(&(0, "engram".into(), 2)), "{rows:?}");
        assert!(rows.contains(&(1, "engram/tour".into(), 2)), "{rows:?}");
        let screen = ui.screen();
        assert!(screen.contains("#engram  2"), "{screen}");
        assert!(
            screen.contains("  #tour  2"),
            "nested under its parent: {screen}"
        );
        ui.snap("tags");
        let at = rows.iter().position(|r| r.1 == "engram").expect("engram");
        for _ in 0..at {
            ui.key(KeyCode::Char('j'));
        }
        ui.key(KeyCode::Enter);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        assert_eq!(ui.app.list().filter.as_deref(), Some("engram"));
        assert_eq!(ui.app.list().order.len(), 2);
        assert_eq!(ui.app.focus(), Focus::List);
        let screen = ui.screen();
        assert!(screen.contains("Notes 2 · #engram"), "{screen}");
        ui.snap("tags_filtered");
        // Choosing the same tag again clears the filter.
        ui.key(KeyCode::Char('t'));
        if let Mode::Tags(t) = ui.app.mode() {
            assert_eq!(t.selected, at, "the view starts on the filter's tag");
        }
        ui.key(KeyCode::Enter);
        assert_eq!(ui.app.list().filter, None);
        assert_eq!(ui.app.list().order.len(), all);
        // Esc in the panes clears it too.
        ui.key(KeyCode::Char('t')).key(KeyCode::Enter);
        assert!(ui.app.list().filter.is_some());
        ui.key(KeyCode::Esc);
        assert_eq!(ui.app.list().filter, None);
        assert_eq!(ui.app.list().order.len(), all);
        // Esc in the view closes it without filtering.
        ui.key(KeyCode::Char('t')).key(KeyCode::Esc);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        assert_eq!(ui.app.list().filter, None);
    }
}

#[test]
fn a_vault_without_tags_says_so() {
    let (_dir, loaded) = temp_vault(&[("a.md", "plain")]);
    let mut ui = Ui::with(loaded, 80, 24, Searching::Inline);
    ui.key(KeyCode::Char('t'));
    assert!(matches!(ui.app.mode(), Mode::Browse));
    assert!(ui.status().contains("No tags"), "{}", ui.status());
}

// ---- loose ends ------------------------------------------------------------------------------------

fn loose_vault() -> (tempfile::TempDir, Loaded) {
    temp_vault(&[
        (
            "hub.md",
            "# Hub\n[[spoke]]\n\nSee [[ghost]] and\n[[ghost]] again.\n",
        ),
        ("spoke.md", "back to [[hub]]\n"),
        ("other.md", "[[phantom]]\n"),
        ("alone.md", "# Alone\nnobody links here\n"),
        (
            "broken.md",
            "---\ntitle: [unclosed\n---\nlinks to [[hub]]\n",
        ),
    ])
}

#[test]
fn loose_ends_list_unresolved_orphans_and_problems_and_open_them() {
    for (w, h) in SIZES {
        let (_dir, loaded) = loose_vault();
        let mut ui = Ui::with(loaded, w, h, Searching::Inline);
        ui.key(KeyCode::Char('u'));
        let Mode::Loose(l) = ui.app.mode() else {
            panic!("loose ends are open")
        };
        let rows: Vec<(LooseKind, String)> =
            l.rows.iter().map(|r| (r.kind, r.text.clone())).collect();
        let kinds: Vec<LooseKind> = rows.iter().map(|r| r.0).collect();
        assert_eq!(
            kinds,
            vec![
                LooseKind::Section,
                LooseKind::Target,
                LooseKind::Use,
                LooseKind::Use,
                LooseKind::Target,
                LooseKind::Use,
                LooseKind::Section,
                LooseKind::Orphan,
                LooseKind::Section,
                LooseKind::Problem,
            ],
            "{rows:?}"
        );
        assert_eq!(rows[1].1, "ghost", "most used first");
        assert_eq!(rows[7].1, "Alone");
        assert_eq!(rows[9].1, "broken.md");
        assert_eq!(
            l.selected, 1,
            "starts on the first row that opens something"
        );
        ui.snap("loose");
        // The second use of [[ghost]] is on line 5 of hub.md, with that link selected.
        ui.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Enter);
        assert_eq!(ui.note_path(), Some("hub.md"));
        let link = ui.app.selected_link().expect("the link is selected");
        let l = &ui.app.loaded().vault.notes[link.note].parsed.links[link.link];
        assert_eq!((l.target(), l.line), ("ghost", 5));
        // The orphan.
        ui.key(KeyCode::Char('u'));
        for _ in 0..6 {
            ui.key(KeyCode::Char('j'));
        }
        ui.key(KeyCode::Enter);
        assert_eq!(ui.note_path(), Some("alone.md"));
        // The note with a problem; the message is on screen.
        ui.key(KeyCode::Char('u')).key(KeyCode::Char('G'));
        assert!(ui.screen().contains("broken.md"));
        ui.key(KeyCode::Enter);
        assert_eq!(ui.note_path(), Some("broken.md"));
        // A section heading opens nothing.
        ui.key(KeyCode::Char('u'))
            .key(KeyCode::Char('g'))
            .key(KeyCode::Enter);
        assert!(matches!(ui.app.mode(), Mode::Loose(_)));
        ui.key(KeyCode::Char('q'));
        assert!(matches!(ui.app.mode(), Mode::Browse));
    }
}

#[test]
fn empty_loose_end_sections_say_none() {
    let (_dir, loaded) = temp_vault(&[("a.md", "[[b]]"), ("b.md", "[[a]]")]);
    let mut ui = Ui::with(loaded, 80, 24, Searching::Inline);
    ui.key(KeyCode::Char('u'));
    let screen = ui.screen();
    assert_eq!(screen.matches("   none").count(), 3, "{screen}");
    ui.key(KeyCode::Enter);
    assert!(ui.status().contains("Nothing to open"), "{}", ui.status());
}

// ---- quick switcher recency ------------------------------------------------------------------------

#[test]
fn switcher_ties_go_to_the_note_opened_most_recently() {
    let (_dir, loaded) = temp_vault(&[
        ("alpha one.md", "x"),
        ("alpha two.md", "y"),
        ("beta.md", "z"),
    ]);
    let mut ui = Ui::with(loaded, 80, 24, Searching::Inline);
    let first_hit = |ui: &mut Ui, query: &str| -> String {
        ui.key(KeyCode::Char('/')).typed(query);
        let Mode::Switcher(s) = ui.app.mode() else {
            panic!("switcher is open")
        };
        let note = s.hits[0].note;
        let title = ui.app.loaded().vault.notes[note].title.clone();
        ui.key(KeyCode::Esc);
        title
    };
    assert_eq!(
        first_hit(&mut ui, "alpha"),
        "alpha one",
        "equal scores: note order"
    );
    // Open "alpha two", then "beta": "alpha two" is the latest of the tied pair.
    ui.key(KeyCode::Char('/'))
        .typed("alpha two")
        .key(KeyCode::Enter);
    ui.key(KeyCode::Char('/')).typed("beta").key(KeyCode::Enter);
    assert_eq!(first_hit(&mut ui, "alpha"), "alpha two");
    // Then "alpha one" is opened later still.
    ui.key(KeyCode::Char('/'))
        .typed("alpha one")
        .key(KeyCode::Enter);
    assert_eq!(first_hit(&mut ui, "alpha"), "alpha one");
    // With nothing typed, the latest opened notes come first.
    ui.key(KeyCode::Char('/'));
    let Mode::Switcher(s) = ui.app.mode() else {
        panic!("switcher is open")
    };
    let titles: Vec<&str> = s
        .hits
        .iter()
        .map(|h| ui.app.loaded().vault.notes[h.note].title.as_str())
        .collect();
    assert_eq!(titles, vec!["alpha one", "beta", "alpha two"]);
}

// ---- robustness ------------------------------------------------------------------------------------

#[test]
fn no_size_and_no_new_view_ever_panics() {
    let mut ui = Ui::sample(80, 24);
    ui.key(KeyCode::Enter);
    let views: [&[KeyCode]; 4] = [
        &[KeyCode::Char('F'), KeyCode::Char('d'), KeyCode::Char('o')],
        &[KeyCode::Char('F'), KeyCode::Char('(')],
        &[KeyCode::Char('t')],
        &[KeyCode::Char('u')],
    ];
    for keys in views {
        for &k in keys {
            ui.key(k);
        }
        for w in [0, 1, 2, 3, 5, 8, 13, 20, 40, 60, 100] {
            for h in [0, 1, 2, 3, 4, 5, 8, 14, 30] {
                ui.term.backend_mut().resize(w, h);
                ui.app.handle_event(Event::Resize(w, h));
                ui.screen();
                ui.key(KeyCode::Down).key(KeyCode::PageDown);
                ui.screen();
            }
        }
        ui.term.backend_mut().resize(80, 24);
        ui.app.handle_event(Event::Resize(80, 24));
        ui.key(KeyCode::Esc);
    }
    ui.key(KeyCode::Char('n')).key(KeyCode::Char('N'));
    ui.screen();
}

#[test]
fn an_empty_vault_finds_nothing_without_panicking() {
    let (_dir, loaded) = temp_vault(&[]);
    let mut ui = Ui::with(loaded, 80, 24, Searching::Inline);
    for code in [
        KeyCode::Char('F'),
        KeyCode::Char('x'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('n'),
        KeyCode::Char('N'),
        KeyCode::Char('t'),
        KeyCode::Enter,
        KeyCode::Char('u'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Esc,
    ] {
        ui.key(code);
        ui.screen();
    }
    assert!(ui.app.view().is_none());
}
