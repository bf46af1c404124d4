//! The browser's first frame does not wait for the graph (issue 6): it starts on the note list from
//! [`Vault::scan`], answers keys, and takes in the whole graph when the load thread delivers it,
//! keeping the user's place.

use std::path::Path;
use std::sync::mpsc;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use engram::app::{Action, App, Focus, Options, Prepared, Startup};
use engram::commands::Loaded;
use engram::vault::{LoadOptions, Vault};

mod common;

const SEED: &str = "ai_and_computational_models_in_neuroscience.md";

struct Ui {
    app: App,
    term: Terminal<TestBackend>,
}

impl Ui {
    /// The browser on `notes/`'s listing, with the whole load to be sent on the returned channel.
    fn listing(dir: &Path) -> (Ui, mpsc::Sender<Startup>) {
        let listing = Vault::scan(dir, &LoadOptions::default()).expect("scan");
        let mut app = App::new(Loaded::listing(listing), Options::default());
        let (tx, rx) = mpsc::channel();
        app.load_in_background(rx);
        let term = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        (Ui { app, term }, tx)
    }

    fn key(&mut self, code: KeyCode) -> &mut Self {
        self.app
            .handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        self
    }

    /// Draws a frame, and tells the app it is drawn, as the terminal's event loop does.
    fn screen(&mut self) -> String {
        let app = &self.app;
        let screen = common::dump(
            &self
                .term
                .draw(|f| app.draw(f))
                .expect("draw")
                .buffer
                .clone(),
        );
        self.app.frame_drawn();
        screen
    }

    fn open_path(&self) -> Option<&str> {
        let v = self.app.view()?;
        // A note that vanished while in the history is not one of the vault's notes.
        Some(self.app.loaded().vault.notes.get(v.note)?.path.as_str())
    }
}

fn full(dir: &Path) -> Loaded {
    Loaded::new(Vault::load(dir).expect("load"))
}

#[test]
fn the_list_answers_keys_before_the_graph_and_keeps_the_place_after() {
    let dir = Path::new("notes");
    let (mut ui, tx) = Ui::listing(dir);
    let notes = ui.app.loaded().vault.notes.len();
    assert!(ui.app.loading() && ui.app.busy());
    let screen = ui.screen();
    assert!(screen.contains(&format!(" Notes {notes} ")), "{screen}");
    assert!(
        screen.contains("reading links, tags and titles"),
        "the status bar says the graph is coming: {screen}"
    );
    // Titles are file names until the notes are read.
    let first = &ui.app.loaded().vault.notes[ui.app.list().order[0]];
    assert_eq!(first.title, engram::vault::stem(&first.path));
    let shown: String = first.title.chars().take(20).collect();
    assert!(screen.contains(&shown), "{screen}");

    // Open the seed through the switcher, scroll it, and go on to the list: all before the graph.
    ui.key(KeyCode::Char('/'));
    for c in "ai_and_comp".chars() {
        ui.key(KeyCode::Char(c));
    }
    ui.key(KeyCode::Enter);
    assert_eq!(ui.open_path(), Some(SEED));
    ui.key(KeyCode::Char('j')).key(KeyCode::Char('j'));
    let top = ui.app.view().expect("open").top;
    assert_eq!(top, 2);
    assert!(ui.app.backlinks().rows.is_empty(), "no backlinks known yet");
    ui.key(KeyCode::Char('h'));
    assert_eq!(ui.app.focus(), Focus::List);

    // Nothing arrives: nothing changes.
    ui.app.update(Action::Pump);
    assert!(ui.app.loading());

    let loaded = full(dir);
    let seed = loaded.vault.note_by_path(SEED).expect("seed");
    let backlinks = loaded.graph.backlinks[seed].len();
    assert!(backlinks > 0);
    let title = loaded.vault.notes[seed].title.clone();
    tx.send(Startup::Loaded(Ok(Box::new(Prepared::new(loaded)))))
        .expect("send");
    ui.app.update(Action::Pump);
    assert!(!ui.app.loading());
    assert!(ui.app.busy(), "the watcher may follow the graph");
    drop(tx);
    ui.app.update(Action::Pump);
    assert!(!ui.app.busy(), "the loading thread is done");
    assert_eq!(ui.open_path(), Some(SEED), "the open note stays open");
    assert_eq!(ui.app.view().expect("open").top, top, "at the same scroll");
    assert_eq!(ui.app.focus(), Focus::List, "with the same focus");
    assert_eq!(
        ui.app.backlinks().rows.len(),
        backlinks,
        "now with backlinks"
    );
    let list = ui.app.list();
    assert_eq!(
        ui.app.loaded().vault.notes[list.order[list.selected]].path,
        SEED,
        "the list still selects it"
    );
    let screen = ui.screen();
    assert!(screen.contains(&title), "titles from the notes: {screen}");
    assert!(
        screen.contains(&format!("{backlinks} backlink")),
        "{screen}"
    );
    assert!(!screen.contains("reading links"));
}

#[test]
fn a_stale_listing_is_replaced_by_path_and_vanished_notes_are_marked() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    for name in ["a", "b", "c"] {
        std::fs::write(dir.join(format!("{name}.md")), format!("# {name}\n[[c]]\n"))
            .expect("write");
    }
    let (mut ui, tx) = Ui::listing(dir);
    // Open a, then b, then c: history a, b.
    for _ in 0..3 {
        ui.key(KeyCode::Enter)
            .key(KeyCode::Char('h'))
            .key(KeyCode::Char('j'));
    }
    assert_eq!(ui.open_path(), Some("c.md"));
    assert_eq!(ui.app.history_len(), (2, 0));

    // Meanwhile `a.md` was deleted and `0.md` added, shifting every index.
    std::fs::remove_file(dir.join("a.md")).expect("remove");
    std::fs::write(dir.join("0.md"), "# zero\n[[b]]\n").expect("write");
    tx.send(Startup::Loaded(Ok(Box::new(Prepared::new(full(dir))))))
        .expect("send");
    ui.app.update(Action::Pump);

    assert_eq!(ui.open_path(), Some("c.md"));
    assert_eq!(ui.app.backlinks().rows.len(), 2, "b and c link to c");
    assert_eq!(ui.app.loaded().vault.notes.len(), 3);
    ui.key(KeyCode::Backspace);
    assert_eq!(ui.open_path(), Some("b.md"), "back goes to b");
    // a is still in the history, marked as deleted rather than lost or crashed on.
    assert_eq!(ui.app.history_len(), (1, 1));
    ui.key(KeyCode::Backspace);
    let screen = ui.screen();
    assert!(screen.contains("(deleted)"), "{screen}");
    assert_eq!(ui.open_path(), None, "no note of the vault is open");
}

#[test]
fn a_failed_load_keeps_the_list_and_says_why() {
    let (mut ui, tx) = Ui::listing(Path::new("notes"));
    tx.send(Startup::Loaded(Err("the disk went away".into())))
        .expect("send");
    ui.app.update(Action::Pump);
    assert!(!ui.app.loading());
    let screen = ui.screen();
    assert!(
        screen.contains("Cannot load the vault: the disk went away"),
        "{screen}"
    );

    // A watcher that cannot start is said once; loading goes on.
    let (mut ui, tx) = Ui::listing(Path::new("notes"));
    tx.send(Startup::Watcher(Err("no inotify here".into())))
        .expect("send");
    ui.app.update(Action::Pump);
    assert!(ui.app.loading() && !ui.app.watching());
    assert!(ui
        .screen()
        .contains("Not following changes to the vault: no inotify here"));

    let (mut ui, tx) = Ui::listing(Path::new("notes"));
    drop(tx);
    ui.app.update(Action::Pump);
    assert!(!ui.app.loading());
    assert!(ui.screen().contains("Loading the vault stopped"));
}

/// A change the watcher reports while the first load runs waits for it, and is applied after it:
/// the load may have read the file before the change.
#[test]
fn changes_during_the_first_load_are_applied_after_it() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::write(dir.join("a.md"), "# a\n").expect("write");
    std::fs::write(dir.join("b.md"), "# b\n").expect("write");
    let (mut ui, tx) = Ui::listing(dir);
    // The load reads the vault as it was...
    let before = full(dir);
    // ...then a.md gains a link, which the watcher reports before the load is delivered.
    std::fs::write(dir.join("a.md"), "# a\n[[b]]\n").expect("write");
    ui.app.apply_changes(engram::live::look(dir, "a.md"));
    assert!(ui.app.loading(), "still on the listing");
    tx.send(Startup::Loaded(Ok(Box::new(Prepared::new(before)))))
        .expect("send");
    ui.app.update(Action::Pump);
    let loaded = ui.app.loaded();
    let b = loaded.vault.note_by_path("b.md").expect("b");
    assert_eq!(loaded.graph.backlinks[b].len(), 1, "the change was applied");
}

/// The browser starts the watcher after the load (so it is not sent an event for every file the
/// load opens), and the watcher first reports what changed while the vault was read: notes changed,
/// added and removed, attachments added and removed, and notes whose time is not safely before the
/// load began. Notes left alone are not read again.
#[test]
fn a_watcher_started_after_the_load_catches_up_with_what_changed_while_it_ran() {
    use engram::live::{Baseline, Batch, Change, Watcher};
    use std::collections::BTreeSet;
    use std::time::{Duration, SystemTime};

    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = common::root(&tmp);
    for (rel, text) in [
        ("a.md", "# a\n"),
        ("b.md", "# b\n"),
        ("c.md", "# c\n[[b]]\n"),
        ("sub/e.md", "# e\n"),
        ("sub/f.md", "# f\n"),
        ("pic.png", "png"),
    ] {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    common::age(&dir, Duration::from_secs(3600));
    let started = SystemTime::now();
    // A note written during the load, before it was read, has a time after the start: it may
    // change again within its time stamp's resolution, so it is looked at again.
    common::set_mtime(&dir.join("sub/f.md"), started + Duration::from_secs(5));
    let loaded = Loaded::new(Vault::load(&dir).expect("load"));
    let b = loaded.vault.note_by_path("b.md").expect("b");
    assert_eq!(loaded.graph.backlinks[b].len(), 1);
    let baseline = Baseline::of(&loaded.vault, started);

    // While the load ran (after it read each file):
    std::fs::write(dir.join("a.md"), "# a\n[[b]]\n").expect("change a");
    std::fs::remove_file(dir.join("c.md")).expect("remove c");
    std::fs::write(dir.join("d.md"), "# d\n[[b]] [[b]]\n").expect("add d");
    std::fs::remove_file(dir.join("pic.png")).expect("remove pic");
    std::fs::write(dir.join("new.png"), "png").expect("add new.png");

    let watcher = Watcher::start_after(&dir, Some(&baseline)).expect("watch");
    let Some(Batch::Changes(changes)) = watcher.try_recv() else {
        panic!("the catch-up batch comes first, before start_after returns");
    };
    let paths: BTreeSet<&str> = changes.iter().map(Change::path).collect();
    let want: BTreeSet<&str> = ["a.md", "c.md", "d.md", "new.png", "pic.png", "sub/f.md"]
        .into_iter()
        .collect();
    assert_eq!(paths, want, "b.md and sub/e.md did not change");

    // The browser applies the batch as it applies any of the watcher's.
    let mut app = App::new(
        loaded,
        Options {
            watcher: Some(watcher),
            ..Options::default()
        },
    );
    app.apply_changes(changes);
    let l = app.loaded();
    let paths: Vec<&str> = l.vault.notes.iter().map(|n| n.path.as_str()).collect();
    assert_eq!(paths, ["a.md", "b.md", "d.md", "sub/e.md", "sub/f.md"]);
    let attachments: Vec<&str> = l
        .vault
        .attachments
        .iter()
        .map(|a| a.path.as_str())
        .collect();
    assert_eq!(attachments, ["new.png"]);
    let b = l.vault.note_by_path("b.md").expect("b");
    assert_eq!(l.graph.backlinks[b].len(), 3, "a's link and d's two links");
}

/// The browser's first frame walks the folder; the load that follows takes that walk instead of
/// walking again, and gives what a load of its own gives. A listing read from the index cache
/// made no walk, and the load then walks.
#[test]
fn the_load_takes_the_listings_walk_and_gives_the_same_vault() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = common::root(&tmp);
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(dir.join("a.md"), "# a\n[[b]] ![[pic.png]]\n").expect("write");
    std::fs::write(dir.join("sub/b.md"), "---\ntags: [x]\n---\n[[a]]\n").expect("write");
    std::fs::write(dir.join("pic.png"), "png").expect("write");
    std::fs::write(dir.join("bad.md"), [0xffu8, 0xfe, b'\n']).expect("write");

    let (listing, walk) = Vault::scan_keeping_walk(&dir, &LoadOptions::default()).expect("scan");
    assert_eq!(listing.notes.len(), 3);
    let walk = walk.expect("a listing without the index cache walks");
    let walked =
        Loaded::new(Vault::load_walked(&dir, &LoadOptions::default(), Some(walk)).expect("load"));
    let own = Loaded::new(Vault::load(&dir).expect("load"));
    let paths =
        |l: &Loaded| -> Vec<String> { l.vault.notes.iter().map(|n| n.path.clone()).collect() };
    assert_eq!(paths(&walked), paths(&own));
    assert_eq!(walked.vault.attachments.len(), 1);
    assert_eq!(walked.vault.diagnostics, own.vault.diagnostics);
    assert_eq!(walked.graph.resolutions, own.graph.resolutions);
    assert_eq!(walked.graph.backlinks, own.graph.backlinks);
    assert_eq!(walked.graph.tags.len(), 1);

    // With a warm index cache, the listing comes from it and no walk is kept.
    let opts = common::cached(&tmp);
    common::age(&dir, std::time::Duration::from_secs(3600));
    Vault::load_with(&dir, &opts).expect("writes the cache");
    let (listing, walk) = Vault::scan_keeping_walk(&dir, &opts).expect("scan");
    assert_eq!(listing.notes.len(), 3);
    assert!(walk.is_none(), "the listing came from the index cache");
}

/// What a swap leaves to other threads (the loader's watcher baseline and text pack plan, the
/// switcher's matcher, freeing the list it replaced) waits until the graph is on the screen.
#[test]
fn the_work_a_swap_leaves_waits_for_the_frame_that_shows_the_graph() {
    let dir = Path::new("notes");
    let (mut ui, tx) = Ui::listing(dir);
    let gate = ui.app.frame_gate();
    ui.screen();
    assert!(
        !gate.is_open(),
        "a frame before the graph leaves the gate shut"
    );
    tx.send(Startup::Loaded(Ok(Box::new(Prepared::without_matcher(
        full(dir),
    )))))
    .expect("send");
    ui.app.update(Action::Pump);
    assert!(!ui.app.loading(), "the graph is in");
    assert!(!gate.is_open(), "swapped in, not drawn yet");
    ui.screen();
    assert!(gate.is_open(), "the frame showing the graph opens the gate");
    assert!(
        !ui.app.frame_gate().is_open(),
        "the next swap waits on a gate of its own"
    );
}

/// The graph reaches the screen without the switcher's matcher, which the app builds beside the UI
/// and takes in when it comes; until then the event loop keeps pumping.
#[test]
fn the_switchers_matcher_is_built_beside_the_ui_after_the_graph() {
    use engram::app::Searching;
    use std::time::{Duration, Instant};

    let dir = Path::new("notes");
    let listing = Vault::scan(dir, &LoadOptions::default()).expect("scan");
    let mut app = App::new(
        Loaded::listing(listing),
        Options {
            searching: Searching::Background,
            ..Options::default()
        },
    );
    let (tx, rx) = mpsc::channel();
    app.load_in_background(rx);
    tx.send(Startup::Loaded(Ok(Box::new(Prepared::without_matcher(
        full(dir),
    )))))
    .expect("send");
    drop(tx);
    app.update(Action::Pump);
    assert!(!app.loading(), "the graph is in");
    assert!(
        !app.matcher_ready(),
        "the matcher is not built on the way to the graph"
    );
    let start = Instant::now();
    while app.busy() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the matcher never came"
        );
        std::thread::sleep(Duration::from_millis(5));
        app.update(Action::Pump);
    }
    assert!(
        app.matcher_ready(),
        "the matcher built beside the UI was taken in"
    );
    let mut ui = Ui {
        app,
        term: Terminal::new(TestBackend::new(120, 40)).expect("terminal"),
    };
    ui.key(KeyCode::Char('/'));
    for c in "computational".chars() {
        ui.key(KeyCode::Char(c));
    }
    let screen = ui.screen();
    assert!(
        screen.contains("AI and computational models"),
        "the switcher finds the seed note:\n{screen}"
    );
}
