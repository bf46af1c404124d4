//! A vault that changes under the running browser: notes changed, added, renamed and deleted on
//! disk, fed to the app as the watcher feeds them (deterministically, through
//! [`App::apply_changes`]), and once through the real watcher. The graph and the screen follow,
//! and the user's place is kept.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use engram::app::{Action, App, MessageKind, Options, Rebuilds, Request};
use engram::commands::Loaded;
use engram::graph::Resolution;
use engram::live::{self, Watcher};
use engram::vault::Vault;

mod common;

/// A vault in a temporary folder and the app browsing it on a test terminal.
struct Live {
    dir: tempfile::TempDir,
    app: App,
    term: Terminal<TestBackend>,
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("a parent")).expect("mkdir");
    fs::write(p, text).expect("write");
}

impl Live {
    fn new(files: &[(&str, &str)], open: Option<&str>) -> Live {
        let dir = tempfile::tempdir().expect("temp dir");
        for (p, t) in files {
            write(dir.path(), p, t);
        }
        let loaded = Loaded::new(Vault::load(dir.path()).expect("loads"));
        let open = open.map(|p| loaded.vault.note_by_path(p).expect("note exists"));
        let app = App::new(
            loaded,
            Options {
                open,
                size: (100, 30),
                ..Options::default()
            },
        );
        let term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        Live { dir, app, term }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file and tells the app, as the watcher would.
    fn write(&mut self, rel: &str, text: &str) -> &mut Self {
        write(self.dir.path(), rel, text);
        self.sync(&[rel])
    }

    fn remove(&mut self, rel: &str) -> &mut Self {
        fs::remove_file(self.root().join(rel)).expect("remove");
        self.sync(&[rel])
    }

    fn rename(&mut self, from: &str, to: &str) -> &mut Self {
        let to_abs = self.root().join(to);
        fs::create_dir_all(to_abs.parent().expect("a parent")).expect("mkdir");
        fs::rename(self.root().join(from), to_abs).expect("rename");
        self.sync(&[from, to])
    }

    fn sync(&mut self, rels: &[&str]) -> &mut Self {
        let paths: Vec<PathBuf> = rels.iter().map(|r| self.root().join(r)).collect();
        let changes = live::changes_at(self.root(), paths);
        self.app.apply_changes(changes);
        self
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app
            .handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    fn screen(&mut self) -> String {
        let app = &self.app;
        common::dump(
            &self
                .term
                .draw(|f| app.draw(f))
                .expect("draw")
                .buffer
                .clone(),
        )
    }

    fn note(&self, path: &str) -> usize {
        self.app
            .loaded()
            .vault
            .note_by_path(path)
            .unwrap_or_else(|| panic!("{path} is a note"))
    }

    fn open_path(&self) -> Option<String> {
        let v = self.app.view()?;
        self.app
            .loaded()
            .vault
            .notes
            .get(v.note)
            .map(|n| n.path.clone())
    }

    fn backlink_titles(&self) -> Vec<String> {
        self.app
            .backlinks()
            .rows
            .iter()
            .map(|r| r.title.clone())
            .collect()
    }

    fn selected_in_list(&self) -> String {
        let l = self.app.list();
        self.app.loaded().vault.notes[l.order[l.selected]]
            .path
            .clone()
    }
}

#[test]
fn a_link_written_into_a_note_shows_in_the_backlinks_and_goes_when_removed() {
    let mut ui = Live::new(
        &[("a.md", "# A\ntext\n"), ("b.md", "# B\nplain\n")],
        Some("a.md"),
    );
    assert!(ui.backlink_titles().is_empty());
    ui.write("b.md", "# B\nsee [[a]] here\n");
    assert_eq!(ui.backlink_titles(), vec!["B"]);
    let a = ui.note("a.md");
    assert_eq!(ui.app.loaded().graph.backlinks[a].len(), 1);
    assert!(ui.screen().contains("1 backlink"), "{}", ui.screen());
    ui.write("b.md", "# B\nplain again\n");
    assert!(ui.backlink_titles().is_empty());
    assert!(ui.app.loaded().graph.backlinks[a].is_empty());
    assert!(ui.screen().contains("0 backlinks"));
    assert_eq!(ui.open_path().as_deref(), Some("a.md"));
}

#[test]
fn creating_the_note_an_unresolved_link_names_resolves_it_and_it_can_be_followed() {
    let mut ui = Live::new(&[("a.md", "# A\nsee [[Later note]]\n")], Some("a.md"));
    assert!(ui.app.loaded().graph.unresolved.contains_key("later note"));
    ui.key(KeyCode::Tab);
    assert!(ui.app.message().unwrap().text.contains("no such note"));
    ui.write("ideas/Later note.md", "# Later\nback to [[a]]\n");
    let g = &ui.app.loaded().graph;
    assert!(g.unresolved.is_empty(), "{:?}", g.unresolved);
    let a = ui.note("a.md");
    assert!(matches!(
        g.resolutions[a][0],
        Resolution::Note { note, .. } if note == ui.note("ideas/Later note.md")
    ));
    // The place is kept by path: a.md is still open; its backlinks now show the new note.
    assert_eq!(ui.open_path().as_deref(), Some("a.md"));
    assert_eq!(ui.backlink_titles(), vec!["Later"]);
    // Loose ends no longer list the target.
    ui.key(KeyCode::Char('u'));
    assert!(ui.screen().contains("0 targets"), "{}", ui.screen());
    ui.key(KeyCode::Esc);
    ui.key(KeyCode::Tab).key(KeyCode::Enter);
    assert_eq!(ui.open_path().as_deref(), Some("ideas/Later note.md"));
    // Deleting it makes the link unresolved again.
    ui.key(KeyCode::Backspace);
    ui.remove("ideas/Later note.md");
    assert!(ui.app.loaded().graph.unresolved.contains_key("later note"));
    assert_eq!(ui.open_path().as_deref(), Some("a.md"));
}

fn long_note(title: &str, link: &str) -> String {
    let mut s = format!("# {title}\n\n");
    for i in 0..80 {
        s.push_str(&format!("Line {i} of {title}.\n\n"));
    }
    s.push_str(&format!("[[{link}]]\n"));
    s
}

#[test]
fn renames_and_additions_keep_the_place_selection_scroll_and_history() {
    let files = [
        ("a.md", long_note("Alpha", "b")),
        ("b.md", long_note("Beta", "a")),
        ("c.md", "# Gamma\n[[a]]\n".to_string()),
    ];
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
    let mut ui = Live::new(&files, Some("a.md"));
    // a → b by its link at the end, then scroll b down.
    ui.key(KeyCode::Char('G'))
        .key(KeyCode::Tab)
        .key(KeyCode::Enter);
    assert_eq!(ui.open_path().as_deref(), Some("b.md"));
    for _ in 0..20 {
        ui.key(KeyCode::Char('j'));
    }
    let top = ui.app.view().unwrap().top;
    assert!(top >= 20);
    let history = ui.app.history_len();
    assert_eq!(history, (1, 0));

    // A note added before b in path order shifts every index after it.
    ui.write("0-first.md", "# First\n[[b]]\n");
    assert_eq!(ui.open_path().as_deref(), Some("b.md"));
    assert_eq!(ui.app.view().unwrap().top, top);
    assert_eq!(ui.app.history_len(), history);
    assert_eq!(ui.selected_in_list(), "b.md");
    assert!(ui.backlink_titles().contains(&"First".to_string()));

    // Renaming another note: same place; its links now point at the new name.
    ui.rename("c.md", "sub/gamma renamed.md");
    assert_eq!(ui.open_path().as_deref(), Some("b.md"));
    assert_eq!(ui.app.view().unwrap().top, top);
    let a = ui.note("a.md");
    let from: Vec<String> = ui.app.loaded().graph.backlinks[a]
        .iter()
        .map(|l| ui.app.loaded().vault.notes[l.note].path.clone())
        .collect();
    assert_eq!(from, vec!["b.md", "sub/gamma renamed.md"]);

    // Back still goes to a, forward to b.
    ui.key(KeyCode::Backspace);
    assert_eq!(ui.open_path().as_deref(), Some("a.md"));
    ui.app.update(Action::Forward);
    assert_eq!(ui.open_path().as_deref(), Some("b.md"));
    assert_eq!(ui.app.view().unwrap().top, top);
}

#[test]
fn a_note_deleted_while_open_is_marked_and_navigation_goes_on() {
    let mut ui = Live::new(
        &[
            ("a.md", "# A\n[[b]]\n"),
            ("b.md", "# B\nbody of b\n[[a]]\n"),
        ],
        Some("a.md"),
    );
    ui.key(KeyCode::Tab).key(KeyCode::Enter);
    assert_eq!(ui.open_path().as_deref(), Some("b.md"));
    ui.remove("b.md");
    let screen = ui.screen();
    assert!(screen.contains("B (deleted)"), "{screen}");
    assert!(
        screen.contains("body of b"),
        "the last rendering stays: {screen}"
    );
    assert!(ui.app.loaded().graph.unresolved.contains_key("b"));
    // Keys that need the note answer without panicking.
    for k in ['e', 'o', 'n', 'f', 'b', 'x'] {
        ui.key(KeyCode::Char(k));
        ui.key(KeyCode::Esc);
        ui.screen();
    }
    ui.key(KeyCode::Tab).key(KeyCode::Enter);
    ui.key(KeyCode::Backspace);
    assert_eq!(ui.open_path().as_deref(), Some("a.md"));
    ui.app.update(Action::Forward);
    assert!(ui.screen().contains("B (deleted)"));
    // Another change leaves the ghost alone; the note coming back brings it back to life.
    ui.write("c.md", "# C\n");
    assert!(ui.screen().contains("B (deleted)"));
    ui.write("b.md", "# B\nback again\n");
    assert_eq!(ui.open_path().as_deref(), Some("b.md"));
    let screen = ui.screen();
    assert!(
        screen.contains("back again") && !screen.contains("(deleted)"),
        "{screen}"
    );
}

#[test]
fn tags_follow_edits_and_the_tag_filter_stays() {
    let mut ui = Live::new(
        &[("a.md", "# A\n#one\n"), ("b.md", "# B\n#one #two\n")],
        None,
    );
    let tags = |ui: &Live| -> Vec<(String, Vec<usize>)> {
        ui.app
            .loaded()
            .graph
            .tags
            .iter()
            .map(|(k, t)| (k.clone(), t.notes.clone()))
            .collect()
    };
    assert_eq!(
        tags(&ui),
        vec![("one".into(), vec![0, 1]), ("two".into(), vec![1])]
    );
    // Filter the list to #two.
    ui.key(KeyCode::Char('t'))
        .key(KeyCode::Char('j'))
        .key(KeyCode::Enter);
    assert_eq!(ui.app.list().filter.as_deref(), Some("two"));
    assert_eq!(ui.app.list().order, vec![1]);
    ui.write("a.md", "# A\n#two #Three\n");
    assert_eq!(
        tags(&ui),
        vec![
            ("one".into(), vec![1]),
            ("three".into(), vec![0]),
            ("two".into(), vec![0, 1])
        ]
    );
    assert_eq!(ui.app.list().filter.as_deref(), Some("two"));
    assert_eq!(ui.app.list().order, vec![0, 1]);
    ui.key(KeyCode::Char('t'));
    assert!(ui.screen().contains("Three"));
}

#[test]
fn a_title_change_relabels_the_list_and_the_switcher_finds_it() {
    let mut ui = Live::new(&[("a.md", "# Apple\n"), ("b.md", "# Banana\n")], None);
    ui.write("a.md", "# Zucchini\n");
    assert!(ui.screen().contains("Zucchini"));
    ui.key(KeyCode::Char('/'));
    for c in "zucc".chars() {
        ui.key(KeyCode::Char(c));
    }
    ui.key(KeyCode::Enter);
    assert_eq!(ui.open_path().as_deref(), Some("a.md"));
}

#[test]
fn e_asks_for_the_editor_at_the_first_line_in_view_and_the_return_rereads_the_note() {
    let text = long_note("Alpha", "b");
    let mut ui = Live::new(&[("a.md", text.as_str()), ("b.md", "# B\n")], Some("a.md"));
    for _ in 0..10 {
        ui.key(KeyCode::Char('j'));
    }
    ui.key(KeyCode::Char('e'));
    let Some(Request::Edit { file, path, line }) = ui.app.take_request() else {
        panic!("e asks for the editor");
    };
    assert_eq!(path, "a.md");
    assert_eq!(file, ui.root().join("a.md"));
    assert!(line > 5, "line {line}");
    // The "editor" appends a link, then engram comes back.
    let mut changed = text.clone();
    changed.push_str("\n[[c]]\n");
    write(ui.root(), "a.md", &changed);
    ui.app.finish_edit("a.md", Ok(()));
    let a = ui.note("a.md");
    let links = &ui.app.loaded().vault.notes[a].parsed.links;
    assert_eq!(links.last().map(|l| l.target()), Some("c"));
    assert!(ui.app.loaded().graph.unresolved.contains_key("c"));
    assert_eq!(ui.app.view().unwrap().top, 10, "the scroll is kept");
    // A failing editor is reported; the browser goes on.
    ui.app
        .finish_edit("a.md", Err("vi exited with status 1".into()));
    let m = ui.app.message().unwrap();
    assert_eq!(m.kind, MessageKind::Warning);
    assert!(m.text.contains("vi exited with status 1"));
    ui.key(KeyCode::Char('j'));
    assert!(!ui.app.should_quit());
}

#[test]
fn diagnostics_follow_a_note_that_turns_binary_and_back() {
    let mut ui = Live::new(&[("a.md", "# A\n")], None);
    ui.write("a.md", "bin\0ary");
    let d = &ui.app.loaded().vault.diagnostics;
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].path, "a.md");
    ui.write("a.md", "# A again\n");
    assert!(ui.app.loaded().vault.diagnostics.is_empty());
    // Hidden folders and the files in them are not the vault's.
    ui.write(".obsidian/workspace.md", "[[a]]");
    assert_eq!(ui.app.loaded().vault.notes.len(), 1);
}

#[test]
fn the_real_watcher_follows_notes_added_changed_and_removed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    write(&root, "a.md", "# A\n");
    let loaded = Loaded::new(Vault::load(&root).expect("loads"));
    let watcher = Watcher::start(&root).expect("the watcher starts");
    let mut app = App::new(
        loaded,
        Options {
            open: Some(0),
            watcher: Some(watcher),
            rebuilds: Rebuilds::Background,
            ..Options::default()
        },
    );
    assert!(app.watching());
    let wait_until = |app: &mut App, what: &str, ok: &dyn Fn(&App) -> bool| {
        let start = Instant::now();
        while !ok(app) {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "timed out waiting: {what}"
            );
            std::thread::sleep(Duration::from_millis(20));
            app.update(Action::Live);
        }
    };
    let backlinks = |app: &App| app.backlinks().rows.len();
    write(&root, "new.md", "# New\n[[a]]\n");
    wait_until(&mut app, "a new note's link", &|app| backlinks(app) == 1);
    write(&root, "new.md", "# New\n[[a]] and [[a]]\n");
    wait_until(&mut app, "a changed note", &|app| backlinks(app) == 2);
    fs::remove_file(root.join("new.md")).expect("remove");
    wait_until(&mut app, "a removed note", &|app| {
        backlinks(app) == 0 && app.loaded().vault.notes.len() == 1
    });
    // A burst of files is coalesced, and the open note stays open.
    for i in 0..200 {
        write(&root, &format!("burst/n{i}.md"), "[[a]]\n");
    }
    wait_until(&mut app, "a burst", &|app| backlinks(app) == 200);
    let v = app.view().expect("a note is open");
    assert_eq!(app.loaded().vault.notes[v.note].path, "a.md");
    // Reading notes (as showing and searching them does) is not a change: nothing comes back.
    std::thread::sleep(Duration::from_millis(300));
    app.update(Action::Live);
    let generation = app.generation();
    for i in 0..app.loaded().vault.notes.len() {
        app.loaded().vault.read_text(i).expect("readable");
    }
    std::thread::sleep(Duration::from_millis(600));
    app.update(Action::Live);
    assert_eq!(
        app.generation(),
        generation,
        "reading notes was taken for a change"
    );
}

#[test]
fn replace_loaded_swaps_a_first_quick_vault_for_the_full_one_keeping_the_place() {
    // As a start-up could: the browser starts on what is quick to get, then takes the full vault.
    let mut ui = Live::new(&[("b.md", "# B\n[[a]]\n"), ("c.md", "# C\n")], None);
    ui.key(KeyCode::Char('j'));
    assert_eq!(ui.selected_in_list(), "c.md");
    ui.key(KeyCode::Enter);
    write(ui.root(), "a.md", "# A\n[[c]]\n");
    let full = Loaded::new(Vault::load(ui.root()).expect("loads"));
    ui.app.replace_loaded(full);
    assert_eq!(ui.open_path().as_deref(), Some("c.md"));
    assert_eq!(ui.selected_in_list(), "c.md");
    assert_eq!(ui.backlink_titles(), vec!["A"]);
    assert!(ui.screen().contains("A"));
    // From an empty vault too.
    let mut empty = App::new(Loaded::new(Vault::default()), Options::default());
    empty.replace_loaded(Loaded::new(Vault::load(ui.root()).expect("loads")));
    assert_eq!(empty.list().order.len(), 3);
    empty.update(Action::Activate);
    assert!(empty.view().is_some());
}

#[test]
fn retitled_notes_are_labelled_and_ordered_as_a_fresh_start_would() {
    let mut ui = Live::new(
        &[
            ("x/one.md", "# Same\n"),
            ("y/two.md", "# Other\n"),
            ("z/three.md", "# Same\n"),
            ("four.md", "# Beta\n"),
        ],
        None,
    );
    let fresh = |ui: &Live| {
        let app = App::new(
            Loaded::new(Vault::load(ui.root()).expect("loads")),
            Options::default(),
        );
        (app.list().labels.clone(), app.list().order.clone())
    };
    for (path, text) in [
        ("y/two.md", "# same\n"),
        ("x/one.md", "# Alpha\n"),
        ("z/three.md", "---\ntitle: Zeta\n---\n"),
        ("y/two.md", "# Beta\n"),
    ] {
        ui.write(path, text);
        let (labels, order) = fresh(&ui);
        assert_eq!(ui.app.list().labels, labels, "after {path}");
        assert_eq!(ui.app.list().order, order, "after {path}");
    }
}

/// A small deterministic generator, so a failure replays.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

#[test]
fn random_changes_between_random_keys_keep_the_graph_equal_to_a_fresh_load() {
    for seed in [
        0x5eed_1234_abcd_0001,
        0x0123_4567_89ab_cdef,
        0xfeed_f00d_dead_beef,
    ] {
        random_changes(seed);
    }
}

fn random_changes(seed: u64) {
    let names = ["a", "b", "c", "d/e", "d/f", "g h", "a2"];
    let mut rng = Rng(seed);
    let (mut in_place, mut rebuilt) = (0, 0);
    let text = |rng: &mut Rng| {
        let mut t = String::new();
        if rng.below(3) == 0 {
            t.push_str(&format!("---\naliases: [al{}]\n---\n", rng.below(3)));
        }
        t.push_str(&format!("# Title {}\n\n", rng.below(4)));
        for _ in 0..rng.below(5) {
            let target = names[rng.below(names.len())];
            let target = target.rsplit('/').next().unwrap_or(target);
            match rng.below(5) {
                0 => t.push_str(&format!("[[{target}#Head {}]]\n", rng.below(2))),
                1 => t.push_str(&format!("#tag{} text\n", rng.below(3))),
                2 => t.push_str(&format!("## Head {}\n", rng.below(2))),
                3 => t.push_str(&format!("[[al{}]]\n", rng.below(3))),
                _ => t.push_str(&format!("see [[{target}]] here\n")),
            }
        }
        t
    };
    let initial: Vec<(String, String)> = names[..4]
        .iter()
        .map(|n| (format!("{n}.md"), text(&mut rng)))
        .collect();
    let files: Vec<(&str, &str)> = initial
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut ui = Live::new(&files, Some("a.md"));
    let keys = [
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Enter,
        KeyCode::Tab,
        KeyCode::Backspace,
        KeyCode::Char('b'),
        KeyCode::Char('h'),
        KeyCode::Char('l'),
        KeyCode::Char('u'),
        KeyCode::Char('t'),
        KeyCode::Char('o'),
        KeyCode::Char('s'),
        KeyCode::Esc,
    ];
    for step in 0..150 {
        for _ in 0..rng.below(4) {
            ui.key(keys[rng.below(keys.len())]);
        }
        let name = format!("{}.md", names[rng.below(names.len())]);
        let exists = ui.root().join(&name).exists();
        let before = ui.app.loaded() as *const Loaded;
        match rng.below(4) {
            0 | 1 => {
                let t = text(&mut rng);
                ui.write(&name, &t);
            }
            2 if exists => {
                ui.remove(&name);
            }
            _ if exists => {
                let to = format!("{}.md", names[rng.below(names.len())]);
                if !ui.root().join(&to).exists() {
                    ui.rename(&name, &to);
                }
            }
            _ => {}
        }
        if std::ptr::eq(before, ui.app.loaded()) {
            in_place += 1;
        } else {
            rebuilt += 1;
        }
        let fresh = Loaded::new(Vault::load(ui.root()).expect("loads"));
        let got = ui.app.loaded();
        let paths =
            |l: &Loaded| -> Vec<String> { l.vault.notes.iter().map(|n| n.path.clone()).collect() };
        assert_eq!(paths(got), paths(&fresh), "step {step}");
        assert_eq!(
            got.graph.resolutions, fresh.graph.resolutions,
            "step {step}"
        );
        assert_eq!(got.graph.backlinks, fresh.graph.backlinks, "step {step}");
        assert_eq!(got.graph.unresolved, fresh.graph.unresolved, "step {step}");
        assert_eq!(got.graph.tags, fresh.graph.tags, "step {step}");
        ui.screen();
        // The open note, if it exists, is the one at its path.
        if let Some(v) = ui.app.view() {
            if let Some(n) = ui.app.loaded().vault.notes.get(v.note) {
                assert!(ui.root().join(&n.path).exists(), "step {step}");
            }
        }
    }
    // Both ways of applying a change were exercised.
    assert!(
        in_place > 20 && rebuilt > 20,
        "{in_place} in place, {rebuilt} rebuilt"
    );
}
