//! Whole-app tests: keys and mouse events go into the real [`App`], it draws on a `TestBackend`,
//! and the tests read the screen.
//!
//! Every feature is checked twice: by explicit assertions on behaviour (which note is open, where it
//! is scrolled, what the status bar says), which hold whatever the note renderer draws, and by
//! snapshots of named scenarios at 80x24 and 120x40, which show the whole screen and change when
//! the renderer does (review them with `cargo insta review`).

use std::cell::RefCell;
use std::path::Path;
use std::rc::Rc;

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use ratatui::Terminal;
use unicode_width::UnicodeWidthStr;

use engram::app::{App, Focus, MessageKind, Mode, Options};
use engram::commands::Loaded;
use engram::graph::Resolution;
use engram::search::Field;
use engram::vault::Vault;

mod common;
use common::dump;

const SEED: &str = "ai_and_computational_models_in_neuroscience.md";
const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn load() -> Loaded {
    Loaded::new(Vault::load(Path::new("notes")).expect("the sample vault loads"))
}

/// The app on a test terminal.
struct Ui {
    app: App,
    term: Terminal<TestBackend>,
    opened: Rc<RefCell<Vec<String>>>,
}

impl Ui {
    fn new(width: u16, height: u16) -> Ui {
        Ui::with(width, height, None)
    }

    fn open(width: u16, height: u16, path: &str) -> Ui {
        Ui::with(width, height, Some(path))
    }

    fn with(width: u16, height: u16, path: Option<&str>) -> Ui {
        Ui::over(load(), width, height, path)
    }

    fn over(loaded: Loaded, width: u16, height: u16, path: Option<&str>) -> Ui {
        let open = path.map(|p| loaded.vault.note_by_path(p).expect("note exists"));
        let opened = Rc::new(RefCell::new(Vec::new()));
        let log = Rc::clone(&opened);
        let app = App::new(
            loaded,
            Options {
                open,
                opener: Box::new(move |t: &str| {
                    log.borrow_mut().push(t.to_string());
                    Ok(())
                }),
                size: (width, height),
                ..Options::default()
            },
        );
        let term = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        Ui { app, term, opened }
    }

    fn event(&mut self, e: Event) -> &mut Self {
        self.app.handle_event(e);
        self
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    fn mod_key(&mut self, code: KeyCode, mods: KeyModifiers) -> &mut Self {
        self.event(Event::Key(KeyEvent::new(code, mods)))
    }

    fn ctrl(&mut self, c: char) -> &mut Self {
        self.mod_key(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn alt(&mut self, code: KeyCode) -> &mut Self {
        self.mod_key(code, KeyModifiers::ALT)
    }

    fn typed(&mut self, text: &str) -> &mut Self {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
        self
    }

    fn mouse(&mut self, kind: MouseEventKind, column: u16, row: u16) -> &mut Self {
        self.event(Event::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }))
    }

    fn resize(&mut self, width: u16, height: u16) -> &mut Self {
        self.term.backend_mut().resize(width, height);
        self.event(Event::Resize(width, height))
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

    fn row(&mut self, y: u16) -> String {
        self.screen()
            .lines()
            .nth(usize::from(y))
            .unwrap_or("")
            .to_string()
    }

    fn status(&mut self) -> String {
        let h = self.term.backend().buffer().area.height;
        self.row(h - 1)
    }

    fn note_path(&self) -> Option<&str> {
        let v = self.app.view()?;
        Some(self.app.loaded().vault.notes[v.note].path.as_str())
    }

    /// Presses Tab until the selected link satisfies `pred`; panics after every link was tried.
    fn tab_until(&mut self, pred: impl Fn(&Loaded, Resolution, &str) -> bool) -> &mut Self {
        let n = self.app.page().map_or(0, |p| p.stops.len());
        for _ in 0..=n {
            self.key(KeyCode::Tab);
            if let Some(l) = self.app.selected_link() {
                let loaded = self.app.loaded();
                let link = &loaded.vault.notes[l.note].parsed.links[l.link];
                if pred(loaded, loaded.graph.resolution(l), link.target()) {
                    return self;
                }
            }
        }
        panic!("no link matched");
    }

    fn snap(&mut self, name: &str) {
        let (w, h) = {
            let a = self.term.backend().buffer().area;
            (a.width, a.height)
        };
        let screen = self.screen();
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), screen);
    }
}

/// Where `text` first appears on screen, as (column, row) of its first cell.
fn find(buf: &Buffer, text: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(i) = row.find(text) {
            let col = row[..i].width() as u16;
            return Some((col, y));
        }
    }
    None
}

fn note_index(ui: &Ui, path: &str) -> usize {
    ui.app
        .loaded()
        .vault
        .note_by_path(path)
        .expect("note exists")
}

// ---- starting ------------------------------------------------------------------------------------

#[test]
fn starts_on_the_list_with_every_note_by_title() {
    for (w, h) in SIZES {
        let mut ui = Ui::new(w, h);
        let screen = ui.screen();
        assert_eq!(ui.app.focus(), Focus::List);
        assert!(ui.app.view().is_none());
        assert!(screen.contains("Notes 24 · title"));
        assert!(screen.contains("About engram"), "titles, not file names");
        assert!(screen.contains("Enter opens the note selected in the list"));
        assert!(ui.status().contains("24 notes"));
        ui.snap("start");
    }
}

#[test]
fn open_flag_starts_at_the_note() {
    let mut ui = Ui::open(80, 24, SEED);
    assert_eq!(ui.note_path(), Some(SEED));
    assert_eq!(ui.app.focus(), Focus::Note);
    assert_eq!(
        ui.app.history_len(),
        (0, 0),
        "the first note is not history"
    );
    assert!(ui
        .screen()
        .contains("AI and computational models in neuroscience"));
}

// ---- the list ------------------------------------------------------------------------------------

#[test]
fn list_moves_with_vim_keys_and_arrows_and_enter_opens() {
    let mut ui = Ui::new(80, 24);
    ui.key(KeyCode::Char('j')).key(KeyCode::Down);
    assert_eq!(ui.app.list().selected, 2);
    ui.key(KeyCode::Char('k'));
    assert_eq!(ui.app.list().selected, 1);
    ui.key(KeyCode::Char('G'));
    assert_eq!(ui.app.list().selected, 23);
    ui.key(KeyCode::Home);
    assert_eq!(ui.app.list().selected, 0);
    ui.key(KeyCode::End).key(KeyCode::Char('g'));
    assert_eq!(ui.app.list().selected, 0);
    ui.key(KeyCode::PageDown);
    assert!(ui.app.list().selected > 10);
    ui.key(KeyCode::PageUp);
    assert_eq!(ui.app.list().selected, 0);
    ui.ctrl('d');
    let half = ui.app.list().selected;
    assert!(half > 5);
    ui.ctrl('u');
    assert_eq!(ui.app.list().selected, 0);

    // The second title is the seed note ("AI and ..." after "About engram").
    ui.key(KeyCode::Down).key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some(SEED));
    assert_eq!(
        ui.app.focus(),
        Focus::Note,
        "opening moves focus to the note"
    );
    let status = ui.status();
    assert!(status.contains(SEED), "status shows the path: {status}");
    assert!(status.contains("links"));
    assert!(status.contains("1/"), "status shows the position: {status}");
}

#[test]
fn list_scrolls_to_keep_the_selection_visible() {
    let mut ui = Ui::new(80, 12);
    ui.key(KeyCode::End);
    let screen = ui.screen();
    assert!(screen.contains("Welcome to engram"));
    assert!(!screen.contains("About engram"));
}

#[test]
fn s_cycles_the_sort_order_keeping_the_selection() {
    let mut ui = Ui::new(80, 24);
    ui.key(KeyCode::Down);
    let selected = ui.app.list().order[ui.app.list().selected];
    ui.key(KeyCode::Char('s'));
    assert!(ui.screen().contains("Notes 24 · path"));
    assert!(ui.status().contains("sorted by path"));
    let order = &ui.app.list().order;
    let paths: Vec<&str> = order
        .iter()
        .map(|&i| ui.app.loaded().vault.notes[i].path.as_str())
        .collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    assert_eq!(order[ui.app.list().selected], selected);

    ui.key(KeyCode::Char('s'));
    assert!(ui.screen().contains("Notes 24 · modified"));
    let notes = &ui.app.loaded().vault.notes;
    let times: Vec<_> = ui
        .app
        .list()
        .order
        .iter()
        .map(|&i| notes[i].modified)
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    ui.key(KeyCode::Char('s'));
    assert!(ui.screen().contains("Notes 24 · title"));
}

#[test]
fn repeated_titles_show_their_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    for (path, text) in [
        ("a/Notes.md", "# Ideas\n"),
        ("b/Notes.md", "# Ideas\n"),
        ("c.md", "# Other\n"),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    let loaded = Loaded::new(Vault::load(dir.path()).expect("loads"));
    let app = App::new(loaded, Options::default());
    let mut term = Terminal::new(TestBackend::new(80, 10)).expect("terminal");
    let screen = dump(&term.draw(|f| app.draw(f)).expect("draw").buffer.clone());
    assert!(screen.contains("Ideas  a/"), "{screen}");
    assert!(screen.contains("Ideas  b/"));
    assert!(screen.contains(" Other "), "unique titles have no folder");
}

// ---- focus ---------------------------------------------------------------------------------------

#[test]
fn h_l_and_arrows_move_focus_between_panes() {
    let mut ui = Ui::open(80, 24, SEED);
    assert_eq!(ui.app.focus(), Focus::Note);
    ui.key(KeyCode::Char('h'));
    assert_eq!(ui.app.focus(), Focus::List);
    ui.key(KeyCode::Left);
    assert_eq!(ui.app.focus(), Focus::List);
    ui.key(KeyCode::Char('l'));
    assert_eq!(ui.app.focus(), Focus::Note);
    ui.key(KeyCode::Right);
    assert_eq!(ui.app.focus(), Focus::Backlinks);
    ui.key(KeyCode::Left);
    assert_eq!(ui.app.focus(), Focus::Note);
    ui.key(KeyCode::Char('b'));
    assert_eq!(ui.app.focus(), Focus::Backlinks);
    ui.key(KeyCode::Char('b'));
    assert_eq!(ui.app.focus(), Focus::Note);
}

// ---- the note pane -------------------------------------------------------------------------------

#[test]
fn note_scrolls_with_every_scroll_key() {
    let mut ui = Ui::open(80, 24, SEED);
    let top = |ui: &Ui| ui.app.view().map(|v| v.top).unwrap_or(usize::MAX);
    ui.key(KeyCode::Char('j')).key(KeyCode::Down);
    assert_eq!(top(&ui), 2);
    ui.key(KeyCode::Char('k')).key(KeyCode::Up);
    assert_eq!(top(&ui), 0);
    ui.key(KeyCode::Char('G'));
    let bottom = top(&ui);
    assert!(bottom > 0);
    assert!(ui.status().contains("Bot"));
    ui.key(KeyCode::Char('g'));
    assert_eq!(top(&ui), 0);
    assert!(ui.status().contains("Top"));
    ui.key(KeyCode::End);
    assert_eq!(top(&ui), bottom);
    ui.key(KeyCode::Home).key(KeyCode::PageDown);
    let page = top(&ui);
    assert!(page > 2);
    ui.key(KeyCode::PageUp);
    assert_eq!(top(&ui), 0);
    ui.ctrl('d');
    assert!(top(&ui) > 0 && top(&ui) <= page.div_ceil(2) + 1);
    ui.ctrl('u');
    assert_eq!(top(&ui), 0);
}

// ---- large notes ---------------------------------------------------------------------------------

/// Paragraphs in the large note: about 4.6 MB, so 18 parts.
const PARAS: usize = 150_000;

/// The paragraph of the large note that links to `link.md`.
const BACKLINK_PARA: usize = 100_003;

/// Paragraph `i` of the large note (1-based): one row at 80 columns, on source line `2i - 1`.
fn para(i: usize) -> String {
    format!("Para {i:06} of the large note.")
}

/// A vault on disk with a large note (a heading before its last paragraph) and a note linking to
/// that heading.
fn large_vault() -> (tempfile::TempDir, Loaded) {
    let mut text = String::with_capacity(PARAS * 32);
    for i in 1..=PARAS {
        if i == PARAS {
            text.push_str("## Far heading\n\n");
        }
        text.push_str(&para(i));
        if i % 70_000 == 7 {
            text.push_str(" zebra");
        }
        if i == BACKLINK_PARA {
            text.push_str(" See [[link]].");
        }
        text.push_str("\n\n");
    }
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("large.md"), &text).expect("write");
    std::fs::write(dir.path().join("link.md"), "To [[large#Far heading]].\n").expect("write");
    let loaded = Loaded::new(Vault::load(dir.path()).expect("vault loads"));
    (dir, loaded)
}

/// The paragraph numbers on screen, top to bottom.
fn paras_on_screen(ui: &mut Ui) -> Vec<usize> {
    ui.screen()
        .lines()
        .filter_map(|l| {
            let at = l.find("Para ")?;
            l[at + 5..].get(..6)?.parse().ok()
        })
        .collect()
}

/// Issue 7: a note of several MB opens at once and `G` shows its true last line, `g` its first,
/// while the page holds only a few parts of it.
#[test]
fn a_large_note_reads_from_its_first_to_its_last_line() {
    let (_dir, loaded) = large_vault();
    let mut ui = Ui::over(loaded, 80, 24, Some("large.md"));
    assert_eq!(paras_on_screen(&mut ui).first(), Some(&1));
    assert!(ui.status().contains("part 1/"), "{}", ui.status());
    ui.key(KeyCode::Char('G'));
    let shown = paras_on_screen(&mut ui);
    assert_eq!(shown.last(), Some(&PARAS), "{}", ui.screen());
    assert!(ui.screen().contains("Far heading"));
    assert!(ui.status().contains("Bot"), "{}", ui.status());
    // Only the parts around the view are rendered: far fewer rows than the note has.
    let held = ui.app.page().map_or(0, |p| p.rendered.lines.len());
    assert!(held > 0 && held < PARAS / 2, "{held} rows held");
    ui.key(KeyCode::Char('g'));
    assert_eq!(paras_on_screen(&mut ui).first(), Some(&1));
    assert!(ui.status().contains("Top"), "{}", ui.status());
}

/// Issue 7: paging down and up across the cut between two parts shows every paragraph once, in
/// order, as if the note were rendered whole.
#[test]
fn paging_across_parts_shows_contiguous_lines() {
    let (_dir, loaded) = large_vault();
    let text = loaded.vault.read_text(0).expect("read");
    let parts = engram::render::Parts::split(&text, engram::render::PART_BYTES);
    assert!(parts.len() > 4, "{} parts", parts.len());
    let cut_para = parts.get(1).expect("a second part").first_line.div_ceil(2);
    let mut ui = Ui::over(loaded, 80, 24, Some("large.md"));
    // Near the end of the first part: by the line the search popup opens at.
    let start = cut_para - 40;
    ui.key(KeyCode::Char('F'))
        .typed(&format!("\"{}\"", para(start)))
        .key(KeyCode::Enter);
    let mut seen = paras_on_screen(&mut ui);
    assert!(seen.contains(&start), "{}", ui.screen());
    for _ in 0..12 {
        ui.key(KeyCode::PageDown);
        let shown = paras_on_screen(&mut ui);
        let last = *seen.last().expect("paragraphs shown");
        assert_eq!(shown.first(), Some(&(last + 1)), "{}", ui.screen());
        assert!(shown.windows(2).all(|w| w[1] == w[0] + 1), "{shown:?}");
        seen = shown;
    }
    assert!(*seen.last().expect("shown") > cut_para + 40);
    assert!(ui.status().contains("part 2/"), "{}", ui.status());
    for _ in 0..12 {
        ui.key(KeyCode::PageUp);
        let shown = paras_on_screen(&mut ui);
        let first = *seen.first().expect("paragraphs shown");
        assert_eq!(shown.last(), Some(&(first - 1)), "{}", ui.screen());
        seen = shown;
    }
    assert!(seen.contains(&start), "{seen:?}");
    // Line by line, by half pages and by the wheel over the cut too: no gap, no repeat.
    let mut seen = paras_on_screen(&mut ui);
    for step in 0..60 {
        match step % 3 {
            0 => ui.key(KeyCode::Char('j')).key(KeyCode::Char('j')),
            1 => ui.ctrl('d'),
            _ => ui.mouse(MouseEventKind::ScrollDown, 40, 10),
        };
        let shown = paras_on_screen(&mut ui);
        assert!(shown.windows(2).all(|w| w[1] == w[0] + 1), "{shown:?}");
        assert!(
            shown[0] > seen[0] && shown[0] <= seen[seen.len() - 1] + 1,
            "{seen:?} then {shown:?}"
        );
        seen = shown;
    }
    assert!(seen[0] > cut_para, "{seen:?}");
    // A new width keeps the paragraph at the top.
    ui.resize(100, 30);
    assert_eq!(paras_on_screen(&mut ui)[0], seen[0]);
}

/// Issue 7: a backlink from far into a large note opens it at the linking line, the link selected.
#[test]
fn a_backlink_opens_a_large_note_at_the_link() {
    let (_dir, loaded) = large_vault();
    let mut ui = Ui::over(loaded, 80, 24, Some("link.md"));
    ui.key(KeyCode::Char('b'));
    assert_eq!(ui.app.focus(), Focus::Backlinks);
    ui.key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("large.md"));
    assert!(
        paras_on_screen(&mut ui).contains(&BACKLINK_PARA),
        "{}",
        ui.screen()
    );
    let link = ui.app.selected_link().expect("the link is selected");
    let l = &ui.app.loaded().vault.notes[link.note].parsed.links[link.link];
    assert_eq!(l.target(), "link");
    assert!(ui
        .app
        .link_cell(ui.app.view().and_then(|v| v.link).expect("stop"))
        .is_some());
    // Enter follows it back, and Back returns to the same place in the large note.
    ui.key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("link.md"));
    ui.key(KeyCode::Backspace);
    assert!(
        paras_on_screen(&mut ui).contains(&BACKLINK_PARA),
        "{}",
        ui.screen()
    );
}

/// Issue 7: `n` and `N` go from match to match of a large note, across its parts.
#[test]
fn n_moves_between_matches_in_far_parts_of_a_large_note() {
    let (_dir, loaded) = large_vault();
    let mut ui = Ui::over(loaded, 80, 24, None);
    ui.key(KeyCode::Char('F'))
        .typed("zebra")
        .key(KeyCode::Enter);
    assert!(paras_on_screen(&mut ui).contains(&7), "{}", ui.screen());
    for (key, want) in [
        ('n', 70_007),
        ('n', 140_007),
        ('n', 7),
        ('N', 140_007),
        ('N', 70_007),
    ] {
        let key = KeyCode::Char(key);
        ui.key(key);
        let shown = paras_on_screen(&mut ui);
        assert!(shown.contains(&want), "{key:?} to {want}: {shown:?}");
        // The match lands with context above it, not on the top row.
        assert!(shown[0] < want, "{shown:?}");
    }
}

/// Issue 7: a search result, a heading link or the history lands far into a large note on the
/// right line.
#[test]
fn a_large_note_opens_at_a_far_line() {
    let (_dir, loaded) = large_vault();
    let mut ui = Ui::over(loaded, 80, 24, None);
    let far = PARAS * 3 / 4;
    ui.key(KeyCode::Char('F'))
        .typed(&format!("\"{}\"", para(far)))
        .key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("large.md"));
    assert!(paras_on_screen(&mut ui).contains(&far), "{}", ui.screen());
    let status = ui.status();
    assert!(
        status.contains(&format!("line {}/", 2 * far - 1)),
        "{status}"
    );
    // A heading link into the last part.
    let link = ui.app.loaded().vault.note_by_path("link.md").expect("note");
    ui.key(KeyCode::Char('/')).typed("link").key(KeyCode::Enter);
    assert_eq!(ui.app.view().map(|v| v.note), Some(link));
    ui.key(KeyCode::Tab).key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("large.md"));
    assert!(ui.screen().contains("Far heading"), "{}", ui.screen());
    // Back to the link, back again to the search result.
    ui.key(KeyCode::Backspace).key(KeyCode::Backspace);
    assert!(paras_on_screen(&mut ui).contains(&far), "{}", ui.screen());
    ui.alt(KeyCode::Right).alt(KeyCode::Right);
    assert!(ui.screen().contains("Far heading"), "{}", ui.screen());
}

#[test]
fn tab_selects_links_and_enter_follows() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, SEED);
        ui.snap("seed_open");
        ui.key(KeyCode::Tab);
        let first = ui.app.selected_link().expect("a link is selected");
        assert_eq!(first.link, 0);
        assert!(ui.status().contains("→ hubermanlab.md"), "{}", ui.status());
        let at = ui.app.link_cell(0).expect("the selected link is on screen");
        let buf = ui.buffer();
        assert_eq!(
            buf[(at.x, at.y)].bg,
            Color::Cyan,
            "selected link is highlighted"
        );
        ui.snap("link_selected");

        ui.key(KeyCode::Tab);
        assert_eq!(ui.app.selected_link().map(|l| l.link), Some(1));
        ui.mod_key(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(ui.app.selected_link().map(|l| l.link), Some(0));

        ui.key(KeyCode::Enter);
        assert_eq!(ui.note_path(), Some("hubermanlab.md"));
        assert_eq!(ui.app.focus(), Focus::Note);
        assert!(ui.screen().contains(" hubermanlab "), "note pane title");
        assert!(ui.status().contains("hubermanlab.md"));
        ui.snap("followed");
    }
}

#[test]
fn tab_wraps_and_scrolls_the_selected_link_into_view() {
    let mut ui = Ui::open(80, 12, "welcome.md");
    let stops = ui.app.page().expect("rendered").stops.len();
    assert!(stops > 5);
    for _ in 0..stops {
        ui.key(KeyCode::Tab);
        let v = *ui.app.view().expect("open");
        let stop = v.link.expect("selected");
        assert!(ui.app.link_cell(stop).is_some(), "link {stop} is on screen");
    }
    ui.key(KeyCode::Tab);
    assert_eq!(ui.app.view().and_then(|v| v.link), Some(0), "wraps");
}

#[test]
fn enter_without_a_selected_link_says_how_to_select_one() {
    let mut ui = Ui::open(80, 24, SEED);
    ui.key(KeyCode::Enter);
    assert!(ui.status().contains("Tab selects"));
    ui.key(KeyCode::Tab).key(KeyCode::Esc);
    assert_eq!(ui.app.selected_link(), None, "Esc clears the selection");
}

#[test]
fn heading_links_open_scrolled_to_the_heading() {
    let mut ui = Ui::open(80, 24, "features/links.md");
    ui.tab_until(|l, r, t| {
        t == "formatting"
            && matches!(r, Resolution::Note { anchor: engram::graph::Anchor::Heading(h), note, .. }
                if l.vault.notes[note].parsed.headings[h as usize].text == "Tables")
    });
    ui.key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("features/formatting.md"));
    let v = *ui.app.view().expect("open");
    let note = &ui.app.loaded().vault.notes[v.note];
    let h = note
        .parsed
        .headings
        .iter()
        .position(|h| h.text == "Tables")
        .expect("heading");
    let row = ui.app.page().expect("rendered").rendered.heading_rows[h];
    assert!(
        v.top <= row && row < v.top + 20,
        "heading row {row} shown from {}",
        v.top
    );
    assert!(v.top > 0);
}

#[test]
fn same_note_heading_links_scroll_within_the_note_and_back_returns() {
    let mut ui = Ui::open(80, 24, "features/links.md");
    ui.tab_until(|_, _, t| t.is_empty());
    let before = *ui.app.view().expect("open");
    ui.key(KeyCode::Enter);
    let after = *ui.app.view().expect("open");
    assert_eq!(after.note, before.note, "decision 7: stays in the note");
    assert_ne!(after.top, before.top);
    ui.key(KeyCode::Backspace);
    assert_eq!(*ui.app.view().expect("open"), before);
}

#[test]
fn unresolved_links_say_so_and_offer_close_names() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, "features/unresolved_links.md");
        ui.tab_until(|_, r, _| r == Resolution::Unresolved);
        ui.key(KeyCode::Enter);
        assert_eq!(
            ui.note_path(),
            Some("features/unresolved_links.md"),
            "stays"
        );
        let m = ui.app.message().expect("a message");
        assert_eq!(m.kind, MessageKind::Warning);
        assert!(m
            .text
            .starts_with("No note named \"a_note_that_does_not_exist_yet\""));
        assert!(m.text.contains("Closest: "), "{}", m.text);
        assert!(ui.status().contains("No note named"));
        ui.snap("unresolved");
        ui.key(KeyCode::Char('j'));
        assert!(ui.app.message().is_none(), "messages are transient");
    }
}

#[test]
fn external_links_are_shown_and_opened_only_with_x() {
    let mut ui = Ui::open(80, 24, "features/links.md");
    ui.tab_until(|_, r, t| r == Resolution::External && t.starts_with("https://example.org"));
    ui.key(KeyCode::Enter);
    assert_eq!(ui.note_path(), Some("features/links.md"));
    assert!(ui.status().contains("https://example.org"));
    assert!(ui.opened.borrow().is_empty(), "Enter never opens a browser");
    ui.key(KeyCode::Char('x'));
    assert_eq!(ui.opened.borrow().len(), 1);
    assert!(ui.opened.borrow()[0].starts_with("https://example.org"));
    assert!(ui.status().contains("Opened"));
}

#[test]
fn x_on_a_note_link_does_not_open_anything() {
    let mut ui = Ui::open(80, 24, SEED);
    ui.key(KeyCode::Char('x'));
    assert!(ui.status().contains("Select a web link"));
    ui.key(KeyCode::Tab).key(KeyCode::Char('x'));
    assert!(ui.opened.borrow().is_empty());
    assert!(ui.status().contains("Enter follows"));
}

// ---- history -------------------------------------------------------------------------------------

#[test]
fn back_and_forward_restore_scroll_and_selected_link() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, SEED);
        ui.key(KeyCode::Char('j')).key(KeyCode::Char('j'));
        ui.tab_until(|l, r, _| {
            r.note()
                .is_some_and(|n| l.vault.notes[n].path == "tools_for_improving_memory.md")
        });
        let before = *ui.app.view().expect("open");
        assert!(before.top > 0 && before.link.is_some());
        ui.key(KeyCode::Enter);
        assert_eq!(ui.note_path(), Some("tools_for_improving_memory.md"));
        ui.key(KeyCode::Char('j'));
        let there = *ui.app.view().expect("open");

        ui.key(KeyCode::Backspace);
        assert_eq!(
            *ui.app.view().expect("open"),
            before,
            "back restores it all"
        );
        assert_eq!(ui.app.focus(), Focus::Note);
        ui.snap("back");

        ui.alt(KeyCode::Right);
        assert_eq!(*ui.app.view().expect("open"), there, "forward too");
        ui.alt(KeyCode::Left);
        assert_eq!(*ui.app.view().expect("open"), before, "Alt-← is back");
        ui.key(KeyCode::Backspace);
        assert!(ui.status().contains("Nothing to go back to"));
        ui.alt(KeyCode::Right).alt(KeyCode::Right);
        assert!(ui.status().contains("Nothing to go forward to"));
    }
}

#[test]
fn opening_a_new_note_clears_forward_history() {
    let mut ui = Ui::open(80, 24, SEED);
    ui.key(KeyCode::Tab)
        .key(KeyCode::Enter)
        .key(KeyCode::Backspace);
    assert_eq!(ui.app.history_len(), (0, 1));
    ui.key(KeyCode::Tab).key(KeyCode::Tab).key(KeyCode::Enter);
    assert_eq!(ui.app.history_len(), (1, 0));
}

// ---- backlinks -----------------------------------------------------------------------------------

#[test]
fn backlinks_list_every_linking_note_and_open_it_at_the_link() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, SEED);
        let seed = note_index(&ui, SEED);
        let expected = ui.app.loaded().graph.backlinks[seed].len();
        assert_eq!(ui.app.backlinks().rows.len(), expected);
        assert!(ui.screen().contains(&format!("Backlinks {expected}")));
        assert!(
            ui.screen().contains("hubermanlab: "),
            "source title and context"
        );
        ui.key(KeyCode::Char('b'));
        assert_eq!(ui.app.focus(), Focus::Backlinks);
        ui.key(KeyCode::Char('j'));
        ui.snap("backlinks");

        let row = ui.app.backlinks().rows[1].clone();
        ui.key(KeyCode::Enter);
        let v = *ui.app.view().expect("open");
        assert_eq!(v.note, row.link.note);
        assert_eq!(ui.app.focus(), Focus::Note);
        assert_eq!(
            ui.app.selected_link(),
            Some(row.link),
            "the linking link is selected"
        );
        let stop = v.link.expect("selected");
        assert!(ui.app.link_cell(stop).is_some(), "and on screen");
        let page = ui.app.page().expect("rendered");
        let row_of_link = page.stops[stop].row;
        assert!(
            v.top == row_of_link || v.top + usize::from(h) >= page.rendered.lines.len(),
            "opened at the linking line unless the note ends first"
        );
    }
}

#[test]
fn a_note_nobody_links_to_says_so() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("alone.md"), "# Alone\n").expect("write");
    let loaded = Loaded::new(Vault::load(dir.path()).expect("loads"));
    let mut app = App::new(
        loaded,
        Options {
            open: Some(0),
            ..Options::default()
        },
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let screen = dump(&term.draw(|f| app.draw(f)).expect("draw").buffer.clone());
    assert!(screen.contains("No notes link here"));
    app.update(engram::app::Action::ToggleBacklinks);
    app.update(engram::app::Action::Activate);
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("No note links here")
    );
}

/// The context of a backlink is read from its note when its row comes into view, so a hub with
/// thousands of backlinks opens without reading thousands of files.
#[test]
fn backlink_context_is_read_for_the_rows_in_view() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("hub.md"), "# Hub\n").expect("write");
    for i in 0..300 {
        let text = format!("# Source {i:03}\n\nsaid {i:03} before [[hub]] and after {i:03}\n");
        std::fs::write(dir.path().join(format!("s{i:03}.md")), text).expect("write");
    }
    let loaded = Loaded::new(Vault::load(dir.path()).expect("loads"));
    let hub = loaded.vault.note_by_path("hub.md").expect("hub");
    let mut app = App::new(
        loaded,
        Options {
            open: Some(hub),
            ..Options::default()
        },
    );
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let screen = dump(&term.draw(|f| app.draw(f)).expect("draw").buffer.clone());
    let rows = &app.backlinks().rows;
    assert_eq!(rows.len(), 300);
    assert!(rows[0].has_context && rows[0].before == "said 000 before ");
    assert_eq!(rows[0].after, " and after 000");
    assert!(
        screen.contains("said 000 before hub and after 000"),
        "{screen}"
    );
    assert!(
        !rows[299].has_context && rows[299].after.is_empty(),
        "rows far out of view are not read yet"
    );
    app.update(engram::app::Action::ToggleBacklinks);
    app.update(engram::app::Action::Bottom);
    let screen = dump(&term.draw(|f| app.draw(f)).expect("draw").buffer.clone());
    assert!(app.backlinks().rows[299].has_context);
    assert!(
        screen.contains("said 299 before hub and after 299"),
        "{screen}"
    );
}

// ---- outline -------------------------------------------------------------------------------------

#[test]
fn outline_lists_headings_and_jumps_to_one() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, SEED);
        ui.key(KeyCode::Char('o'));
        assert!(matches!(ui.app.mode(), Mode::Outline(_)));
        let screen = ui.screen();
        assert!(screen.contains("Outline"));
        assert!(screen.contains("Understanding the Brain through Computational Models"));
        assert!(screen.contains("Conclusion"));
        ui.key(KeyCode::Char('j')).key(KeyCode::Down);
        ui.snap("outline");
        ui.key(KeyCode::Enter);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        let v = *ui.app.view().expect("open");
        let row = ui.app.page().expect("rendered").rendered.heading_rows[2];
        assert!(
            v.top <= row && row < v.top + usize::from(h),
            "heading shown"
        );
        assert!(v.top > 0);
        ui.key(KeyCode::Backspace);
        assert_eq!(ui.app.view().map(|v| v.top), Some(0), "the jump is history");
    }
}

#[test]
fn outline_closes_with_esc_and_says_when_there_are_no_headings() {
    let mut ui = Ui::open(80, 24, SEED);
    ui.key(KeyCode::Char('o')).key(KeyCode::Esc);
    assert!(matches!(ui.app.mode(), Mode::Browse));
    let mut ui = Ui::open(80, 24, "hubermanlab.md");
    ui.key(KeyCode::Char('o'));
    assert!(
        matches!(ui.app.mode(), Mode::Outline(_)),
        "hub has ### headings"
    );
    let mut ui = Ui::new(80, 24);
    ui.key(KeyCode::Char('o'));
    assert!(ui.status().contains("No note open"));
}

// ---- quick switcher ------------------------------------------------------------------------------

#[test]
fn switcher_fuzzy_matches_titles_with_highlights_and_opens() {
    for (w, h) in SIZES {
        let mut ui = Ui::new(w, h);
        ui.key(KeyCode::Char('/'));
        assert!(matches!(ui.app.mode(), Mode::Switcher(_)));
        assert!(
            ui.screen().contains("24 of 24"),
            "empty query lists every note"
        );
        ui.typed("ai comp neuro");
        let Mode::Switcher(s) = ui.app.mode() else {
            panic!("switcher closed")
        };
        let best = s.hits[0].clone();
        assert_eq!(ui.app.loaded().vault.notes[best.note].path, SEED);
        assert_eq!(best.field, Field::Title, "titles win ties with paths");
        let buf = ui.buffer();
        let title = "AI and computational models in neuroscience";
        let (x, y) = find(&buf, title).expect("best match shown");
        let title_chars: Vec<char> = title.chars().collect();
        for (i, _) in title_chars.iter().enumerate() {
            let cell = &buf[(x + i as u16, y)];
            let matched = best.indices.contains(&i);
            assert_eq!(cell.fg == Color::Yellow, matched, "char {i} highlight");
        }
        assert!(!best.indices.is_empty());
        ui.snap("switcher");
        ui.key(KeyCode::Enter);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        assert_eq!(ui.note_path(), Some(SEED));
        assert_eq!(ui.app.focus(), Focus::Note);
    }
}

#[test]
fn switcher_matches_aliases_and_paths_best_first() {
    let mut ui = Ui::new(80, 24);
    ui.ctrl('p').typed("start here");
    let Mode::Switcher(s) = ui.app.mode() else {
        panic!("switcher closed")
    };
    assert_eq!(
        ui.app.loaded().vault.notes[s.hits[0].note].path,
        "welcome.md"
    );
    assert!(ui.screen().contains("alias: start here"));
    ui.ctrl('u').typed("resolution/");
    let Mode::Switcher(s) = ui.app.mode() else {
        panic!("switcher closed")
    };
    assert!(s.hits.len() >= 2);
    for hit in &s.hits[..2] {
        assert!(ui.app.loaded().vault.notes[hit.note]
            .path
            .starts_with("features/resolution/"));
    }
    let scores: Vec<i64> = s.hits.iter().map(|h| h.score).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first");
}

#[test]
fn switcher_arrows_choose_backspace_edits_and_esc_cancels() {
    let mut ui = Ui::open(80, 24, "welcome.md");
    ui.key(KeyCode::Char('/')).typed("links");
    let first = match ui.app.mode() {
        Mode::Switcher(s) => s.hits.iter().map(|h| h.note).collect::<Vec<_>>(),
        _ => panic!("switcher closed"),
    };
    assert!(first.len() >= 2);
    ui.key(KeyCode::Down).key(KeyCode::Down).key(KeyCode::Up);
    match ui.app.mode() {
        Mode::Switcher(s) => assert_eq!(s.selected, 1),
        _ => panic!("switcher closed"),
    }
    ui.typed("qq");
    assert!(
        ui.screen().contains("No note matches"),
        "q types, it does not quit"
    );
    assert!(!ui.app.should_quit());
    ui.key(KeyCode::Backspace).key(KeyCode::Backspace);
    match ui.app.mode() {
        Mode::Switcher(s) => assert_eq!(s.query, "links"),
        _ => panic!("switcher closed"),
    }
    ui.key(KeyCode::Esc);
    assert!(matches!(ui.app.mode(), Mode::Browse));
    assert_eq!(ui.note_path(), Some("welcome.md"), "Esc opens nothing");
    ui.key(KeyCode::Char('/'))
        .typed("links")
        .key(KeyCode::Down)
        .key(KeyCode::Enter);
    assert_eq!(ui.app.view().map(|v| v.note), Some(first[1]));
}

// ---- link hints ----------------------------------------------------------------------------------

#[test]
fn f_labels_visible_links_and_a_label_follows_its_link() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, "hubermanlab.md");
        // Scroll past the introduction to the lists of links.
        for _ in 0..8 {
            ui.key(KeyCode::Char('j'));
        }
        ui.key(KeyCode::Char('f'));
        let Mode::Hints(hints) = ui.app.mode().clone() else {
            panic!("hints not shown")
        };
        assert!(hints.labels.len() >= 2);
        let buf = ui.buffer();
        for (label, stop) in &hints.labels {
            let at = ui.app.link_cell(*stop).expect("labelled links are visible");
            assert_eq!(buf[(at.x, at.y)].symbol(), &label[..1], "label at the link");
            assert_eq!(buf[(at.x, at.y)].bg, Color::Yellow);
        }
        ui.snap("hints");
        let (label, stop) = hints.labels[1].clone();
        let target = ui.app.page().expect("rendered").stops[stop].link;
        let want = ui.app.loaded().graph.resolution(target).note();
        ui.typed(&label);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        assert_eq!(ui.app.view().map(|v| v.note), want);
    }
}

#[test]
fn hints_cancel_with_esc_or_an_unknown_label() {
    let mut ui = Ui::open(80, 24, "hubermanlab.md");
    ui.key(KeyCode::Char('f'));
    assert!(matches!(ui.app.mode(), Mode::Hints(_)));
    ui.key(KeyCode::Esc);
    assert!(matches!(ui.app.mode(), Mode::Browse));
    ui.key(KeyCode::Char('f')).key(KeyCode::Char('m'));
    assert!(matches!(ui.app.mode(), Mode::Browse));
    assert!(ui.status().contains("No link labelled m"));
    assert_eq!(ui.note_path(), Some("hubermanlab.md"));
}

// ---- help ----------------------------------------------------------------------------------------

#[test]
fn question_mark_shows_every_key() {
    for (w, h) in SIZES {
        let mut ui = Ui::open(w, h, SEED);
        ui.key(KeyCode::Char('?'));
        assert!(matches!(ui.app.mode(), Mode::Help(_)));
        ui.snap("help");
        // Every row of the key table is in the help, scrolling through it.
        let mut seen = String::new();
        for _ in 0..20 {
            seen.push_str(&ui.screen());
            ui.key(KeyCode::PageDown);
        }
        for (_, keys, what) in engram::ui::help::rows() {
            assert!(seen.contains(&keys), "help lists {keys}");
            assert!(seen.contains(what), "help explains {keys}");
        }
        for key in [
            "Shift-Tab",
            "Alt-←",
            "Alt-→",
            "Ctrl-p",
            "PgDn",
            "h ←",
            "l →",
        ] {
            assert!(seen.contains(key), "{key}");
        }
        ui.key(KeyCode::Esc);
        assert!(matches!(ui.app.mode(), Mode::Browse));
        ui.key(KeyCode::Char('?')).key(KeyCode::Char('?'));
        assert!(matches!(ui.app.mode(), Mode::Browse), "? toggles");
    }
}

// ---- quitting ------------------------------------------------------------------------------------

#[test]
fn q_and_ctrl_c_quit() {
    let mut ui = Ui::new(80, 24);
    ui.key(KeyCode::Char('q'));
    assert!(ui.app.should_quit());
    let mut ui = Ui::new(80, 24);
    ui.key(KeyCode::Char('/')).ctrl('c');
    assert!(ui.app.should_quit(), "Ctrl-c quits even from a popup");
}

// ---- mouse ---------------------------------------------------------------------------------------

#[test]
fn clicking_a_note_in_the_list_opens_it() {
    let mut ui = Ui::new(80, 24);
    let buf = ui.buffer();
    let (x, y) = find(&buf, "Keyboard shortcuts").expect("listed");
    ui.mouse(MouseEventKind::Down(MouseButton::Left), x, y);
    assert_eq!(ui.note_path(), Some("engram/Keyboard Shortcuts.md"));
    assert_eq!(ui.app.focus(), Focus::Note);
}

#[test]
fn clicking_a_link_follows_it() {
    let mut ui = Ui::open(80, 24, SEED);
    let at = ui.app.link_cell(0).expect("first link on screen");
    ui.mouse(MouseEventKind::Down(MouseButton::Left), at.x, at.y);
    assert_eq!(ui.note_path(), Some("hubermanlab.md"));
    ui.key(KeyCode::Backspace);
    assert_eq!(
        ui.app.view().and_then(|v| v.link),
        Some(0),
        "the click selected it"
    );
}

#[test]
fn clicking_a_backlink_opens_it() {
    let mut ui = Ui::open(80, 24, SEED);
    let buf = ui.buffer();
    let (x, y) = find(&buf, "hubermanlab: ").expect("backlink shown");
    ui.mouse(MouseEventKind::Down(MouseButton::Left), x, y);
    assert_eq!(ui.note_path(), Some("hubermanlab.md"));
}

#[test]
fn the_wheel_scrolls_the_pane_under_the_pointer() {
    let mut ui = Ui::open(80, 24, SEED);
    ui.mouse(MouseEventKind::ScrollDown, 50, 5);
    assert_eq!(ui.app.view().map(|v| v.top), Some(3));
    ui.mouse(MouseEventKind::ScrollUp, 50, 5);
    assert_eq!(ui.app.view().map(|v| v.top), Some(0));
    ui.mouse(MouseEventKind::ScrollDown, 5, 5);
    assert_eq!(ui.app.list().offset, 3, "the list scrolls, not the note");
    assert_eq!(ui.app.view().map(|v| v.top), Some(0));
    assert!(!ui.screen().contains("│ About engram"));
}

// ---- sizes ---------------------------------------------------------------------------------------

#[test]
fn resizing_reflows_at_once_and_keeps_the_place() {
    let mut ui = Ui::open(80, 24, SEED);
    ui.key(KeyCode::Char('j'))
        .key(KeyCode::Char('j'))
        .key(KeyCode::Char('j'));
    let line_before = {
        let p = ui.app.page().expect("rendered");
        let top = ui.app.view().expect("open").top;
        p.rendered
            .line_rows
            .iter()
            .rev()
            .find(|(_, r)| *r <= top)
            .map(|(l, _)| *l)
    };
    ui.resize(120, 40);
    let v = *ui.app.view().expect("open");
    assert_eq!(v.width, 120 - 36 - 4, "rendered for the new width");
    let p = ui.app.page().expect("rendered at the new width");
    let line_after = p
        .rendered
        .line_rows
        .iter()
        .rev()
        .find(|(_, r)| *r <= v.top)
        .map(|(l, _)| *l);
    assert_eq!(line_before, line_after, "same source line at the top");
    assert!(ui
        .screen()
        .contains("AI and computational models in neuroscience"));
}

#[test]
fn a_20x5_terminal_shows_what_fits() {
    let mut ui = Ui::new(20, 5);
    let screen = ui.screen();
    assert!(screen.contains("Notes"), "{screen}");
    ui.snap("tiny_list");
    ui.key(KeyCode::Down).key(KeyCode::Enter);
    let screen = ui.screen();
    assert_eq!(ui.note_path(), Some(SEED));
    assert!(screen.contains("AI and"), "{screen}");
    ui.snap("tiny_note");
    ui.key(KeyCode::Tab)
        .key(KeyCode::Enter)
        .key(KeyCode::Char('?'));
    ui.screen();
    ui.key(KeyCode::Esc).key(KeyCode::Char('/')).typed("we");
    ui.screen();
}

#[test]
fn no_size_and_no_popup_ever_panics() {
    let mut ui = Ui::open(80, 24, "welcome.md");
    ui.key(KeyCode::Tab);
    let popups: [&[KeyCode]; 6] = [
        &[],
        &[KeyCode::Char('/'), KeyCode::Char('w')],
        &[KeyCode::Char('o')],
        &[KeyCode::Char('?')],
        &[KeyCode::Char('f')],
        &[KeyCode::Char('b')],
    ];
    for keys in popups {
        for &k in keys {
            ui.key(k);
        }
        for w in [0, 1, 2, 3, 5, 8, 13, 20, 21, 40, 59, 60, 61, 100] {
            for h in [0, 1, 2, 3, 4, 5, 8, 13, 14, 15, 30] {
                ui.resize(w, h);
                ui.screen();
                ui.key(KeyCode::Down).key(KeyCode::Tab);
                ui.mouse(MouseEventKind::ScrollDown, w / 2, h / 2);
                ui.mouse(MouseEventKind::Down(MouseButton::Left), w / 2, h / 2);
                ui.screen();
            }
        }
        ui.resize(80, 24);
        ui.key(KeyCode::Esc).key(KeyCode::Esc);
    }
    ui.resize(1, 1);
    assert_eq!(ui.screen().lines().count(), 1);
}

/// Prints the screens shown in README.md. Regenerate them after a change to the look:
/// `cargo test --test app readme_screens -- --ignored --nocapture`.
#[test]
#[ignore = "prints the README's screen captures"]
fn readme_screens() {
    let mut ui = Ui::open(100, 30, SEED);
    ui.key(KeyCode::Tab).key(KeyCode::Tab);
    println!("{}", ui.screen());
    ui.key(KeyCode::Esc).key(KeyCode::Char('/')).typed("neuro");
    println!("{}", ui.screen());
}

/// A help row as the README's key tables write it: `| `j` `↓` | what it does |`.
fn readme_row(keys: &str, what: &str) -> String {
    let keys: Vec<String> = keys.split(' ').map(|k| format!("`{k}`")).collect();
    format!("| {} | {} |", keys.join(" "), what)
}

/// The README (or the browser fragment of it) documents every key the help lists.
#[test]
fn readme_lists_every_key() {
    let docs: String = ["README.md"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    for (ctx, keys, what) in engram::ui::help::rows() {
        let row = readme_row(&keys, what);
        assert!(
            docs.contains(&row),
            "README misses {:?}: {row}",
            ctx.title()
        );
    }
}

/// Prints the README's key tables from the key table.
#[test]
#[ignore = "prints the README's key tables"]
fn readme_key_tables() {
    let mut last = None;
    for (ctx, keys, what) in engram::ui::help::rows() {
        if last != Some(ctx) {
            println!(
                "\n### {}\n\n| Keys | What they do |\n| --- | --- |",
                ctx.title()
            );
            last = Some(ctx);
        }
        println!("{}", readme_row(&keys, what));
    }
}

#[test]
fn an_empty_vault_browses_without_panicking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let loaded = Loaded::new(Vault::load(dir.path()).expect("loads"));
    let mut app = App::new(loaded, Options::default());
    let mut term = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    for code in [
        KeyCode::Down,
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::Char('f'),
        KeyCode::Char('o'),
        KeyCode::Char('s'),
        KeyCode::Char('b'),
        KeyCode::Enter,
        KeyCode::Backspace,
        KeyCode::Char('/'),
        KeyCode::Char('x'),
        KeyCode::Enter,
        KeyCode::Esc,
    ] {
        app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        term.draw(|f| app.draw(f)).expect("draw");
    }
    let screen = dump(&term.draw(|f| app.draw(f)).expect("draw").buffer.clone());
    assert!(screen.contains("Notes 0"));
    assert!(app.view().is_none());
}
