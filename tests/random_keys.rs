//! Random keys (issue 7, "Unbreakable"): the whole [`App`] is driven by thousands of random key
//! presses, mouse events and resizes (down to 0x0) on the sample notes, on a hostile vault and on
//! the corpora, drawing a frame on a `TestBackend` after every event. No panic is the assertion,
//! with cheap invariants after each step: every selection inside its list, the open note and link
//! inside the vault and the page, no control character on screen, the status bar drawn.
//!
//! Deterministic: the seed is printed, and `ENGRAM_KEYS_SEED=<seed>` replays a run. `ENGRAM_KEYS`
//! sets the number of events per vault (default [`DEFAULT_KEYS`]). The corpora come from
//! `ENGRAM_CORPORA` and are skipped, with a note, when it is unset.

use std::collections::{BTreeSet, VecDeque};
use std::fs;
use std::os::unix::fs::symlink;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{mpsc, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers, MouseButton, MouseEvent,
    MouseEventKind,
};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use engram::app::keymap::{self, BINDINGS};
use engram::app::{Action, App, Mode, Options, Prepared, Request, Startup};
use engram::commands::Loaded;
use engram::vault::Vault;

/// Events per vault when `ENGRAM_KEYS` is not set: the four vaults take well under a minute in a
/// debug build on a busy two-core machine.
const DEFAULT_KEYS: usize = 5000;

// ---------------------------------------------------------------------------------------------
// A small deterministic generator (SplitMix64): no dependency, the same stream everywhere.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn seed() -> u64 {
    match std::env::var("ENGRAM_KEYS_SEED") {
        Ok(s) => {
            let s = s.trim();
            s.strip_prefix("0x")
                .map_or_else(|| s.parse(), |h| u64::from_str_radix(h, 16))
                .unwrap_or_else(|e| panic!("ENGRAM_KEYS_SEED={s:?} is not a number: {e}"))
        }
        Err(_) => SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64),
    }
}

fn key_count() -> usize {
    std::env::var("ENGRAM_KEYS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_KEYS)
}

// ---------------------------------------------------------------------------------------------
// Random events.

const CHARS: &[char] = &[
    'a', 'b', 'e', 'i', 'm', 'n', 'r', 's', 't', 'z', 'A', 'Z', '0', '1', '9', ' ', '-', '_', '#',
    '/', '.', ':', '"', '(', ')', '[', ']', '|', '^', '\\', 'é', 'ß', '日', '本', '😀', '\u{301}',
    '\u{200b}', '\u{202e}', '\u{1b}', '\u{7f}', '\0', '\t',
];

const SPECIAL: &[KeyCode] = &[
    KeyCode::Esc,
    KeyCode::Enter,
    KeyCode::Tab,
    KeyCode::BackTab,
    KeyCode::Backspace,
    KeyCode::Delete,
    KeyCode::Insert,
    KeyCode::Up,
    KeyCode::Down,
    KeyCode::Left,
    KeyCode::Right,
    KeyCode::Home,
    KeyCode::End,
    KeyCode::PageUp,
    KeyCode::PageDown,
    KeyCode::F(1),
    KeyCode::F(12),
    KeyCode::Null,
];

fn random_key(rng: &mut Rng) -> KeyEvent {
    let (code, mods) = match rng.below(10) {
        // Every key of the key table (Ctrl-z is filtered out by the caller).
        0..=4 => {
            let b = rng.pick(BINDINGS);
            let k = rng.pick(b.keys);
            (k.code, k.mods)
        }
        5..=6 => (KeyCode::Char(*rng.pick(CHARS)), KeyModifiers::NONE),
        7 => (*rng.pick(SPECIAL), KeyModifiers::NONE),
        8 => (
            *rng.pick(&[KeyCode::Left, KeyCode::Right, KeyCode::Up, KeyCode::Down]),
            KeyModifiers::ALT,
        ),
        _ => {
            let c = (b'a' + rng.below(26) as u8) as char;
            let mods = *rng.pick(&[
                KeyModifiers::CONTROL,
                KeyModifiers::CONTROL | KeyModifiers::SHIFT,
                KeyModifiers::ALT,
                KeyModifiers::SHIFT,
                KeyModifiers::CONTROL | KeyModifiers::ALT,
            ]);
            let c = if mods.contains(KeyModifiers::SHIFT) {
                c.to_ascii_uppercase()
            } else {
                c
            };
            (KeyCode::Char(c), mods)
        }
    };
    let kind = match rng.below(20) {
        0 => KeyEventKind::Release,
        1 => KeyEventKind::Repeat,
        _ => KeyEventKind::Press,
    };
    KeyEvent {
        code,
        modifiers: mods,
        kind,
        state: KeyEventState::NONE,
    }
}

fn random_size(rng: &mut Rng) -> (u16, u16) {
    match rng.below(10) {
        0..=2 => (rng.below(6) as u16, rng.below(6) as u16),
        3..=5 => (1 + rng.below(200) as u16, 1 + rng.below(60) as u16),
        _ => *rng.pick(&[
            (80, 24),
            (120, 40),
            (200, 60),
            (1, 1),
            (2, 2),
            (0, 0),
            (0, 24),
            (80, 0),
            (59, 13),
            (60, 14),
            (20, 5),
            (24, 3),
            (30, 2),
            (25, 4),
        ]),
    }
}

fn random_mouse(rng: &mut Rng, (w, h): (u16, u16)) -> MouseEvent {
    let kind = match rng.below(10) {
        0..=3 => MouseEventKind::Down(MouseButton::Left),
        4..=5 => MouseEventKind::ScrollDown,
        6..=7 => MouseEventKind::ScrollUp,
        _ => *rng.pick(&[
            MouseEventKind::Down(MouseButton::Right),
            MouseEventKind::Up(MouseButton::Left),
            MouseEventKind::Drag(MouseButton::Left),
            MouseEventKind::Moved,
            MouseEventKind::ScrollLeft,
            MouseEventKind::ScrollRight,
        ]),
    };
    // Mostly on screen; now and then just off it, as a report racing a resize can be.
    let column = rng.below(usize::from(w) + 3) as u16;
    let row = rng.below(usize::from(h) + 3) as u16;
    MouseEvent {
        kind,
        column,
        row,
        modifiers: *rng.pick(&[
            KeyModifiers::NONE,
            KeyModifiers::NONE,
            KeyModifiers::CONTROL,
        ]),
    }
}

// ---------------------------------------------------------------------------------------------
// The driver.

/// What a run did, for the figures it prints.
#[derive(Default)]
struct Tally {
    events: usize,
    keys: usize,
    mice: usize,
    resizes: usize,
    reopened: usize,
    opened: BTreeSet<usize>,
    /// Events handled in each mode: browse, switcher, outline, hints, help.
    modes: [usize; 8],
    /// The longest back history reached.
    history: usize,
    /// The parts of large notes the top of the view was in.
    parts: BTreeSet<usize>,
    /// Restarts on a listing, the graph delivered later.
    listings: usize,
}

struct Driver<'a> {
    loaded: &'a Loaded,
    app: App,
    term: Terminal<TestBackend>,
    size: (u16, u16),
    rng: Rng,
    tally: Tally,
    recent: VecDeque<String>,
    /// While the app runs on a listing: where its graph comes from, and after how many more
    /// events it is delivered.
    pending: Option<(mpsc::Sender<Startup>, usize)>,
}

fn copy(l: &Loaded) -> Loaded {
    Loaded {
        vault: l.vault.clone(),
        graph: l.graph.clone(),
    }
}

fn new_app(loaded: &Loaded, size: (u16, u16), open: Option<usize>) -> App {
    App::new(
        copy(loaded),
        Options {
            open,
            // `x` opens links externally: never spawn anything from a test.
            opener: Box::new(|_| Ok(())),
            size,
            ..Options::default()
        },
    )
}

impl<'a> Driver<'a> {
    fn new(loaded: &'a Loaded, seed: u64) -> Self {
        let mut rng = Rng(seed);
        let size = random_size(&mut rng);
        let app = new_app(loaded, size, None);
        let term = Terminal::new(TestBackend::new(size.0, size.1)).expect("test terminal");
        let mut d = Driver {
            loaded,
            app,
            term,
            size,
            rng,
            tally: Tally::default(),
            recent: VecDeque::new(),
            pending: None,
        };
        if d.rng.chance(50) {
            d.start_from_listing();
        }
        d
    }

    /// One random event, applied and drawn, then the invariants.
    fn step(&mut self) {
        let event = self.next_event();
        if self.recent.len() == 24 {
            self.recent.pop_front();
        }
        self.recent.push_back(format!("{event:?}"));
        if let Event::Resize(w, h) = event {
            self.term.backend_mut().resize(w, h);
            self.size = (w, h);
        }
        self.app.handle_event(event);
        // `e` asks for the editor: here it returns at once having changed nothing, and the app
        // reads the note again.
        if let Some(Request::Edit { path, .. }) = self.app.take_request() {
            self.app.finish_edit(&path, Ok(()));
        }
        assert!(
            !self.app.has_request(),
            "no key that is sent asks to suspend"
        );
        if self.app.should_quit() {
            // Quitting is allowed; start again, as a user would, at the same size.
            self.tally.reopened += 1;
            let open = (!self.loaded.vault.notes.is_empty() && self.rng.chance(50))
                .then(|| self.rng.below(self.loaded.vault.notes.len()));
            self.app = new_app(self.loaded, self.size, open);
            self.pending = None;
            if open.is_none() && self.rng.chance(50) {
                self.start_from_listing();
            }
        }
        if let Some((tx, left)) = self.pending.take() {
            if left == 0 {
                // The graph arrives between two events, as the event loop pumps it.
                tx.send(Startup::Loaded(Ok(Box::new(Prepared::new(copy(
                    self.loaded,
                ))))))
                .expect("send");
                self.app.update(Action::Pump);
                assert!(!self.app.loading(), "the graph was taken in");
            } else {
                self.pending = Some((tx, left - 1));
            }
        }
        self.draw_and_check();
    }

    /// Starts again the way the browser starts: on the folder's listing, the graph to come after
    /// a random number of events.
    fn start_from_listing(&mut self) {
        let Ok(listing) = Vault::scan(&self.loaded.vault.root, &Default::default()) else {
            return;
        };
        self.tally.listings += 1;
        let mut app = App::new(
            Loaded::listing(listing),
            Options {
                opener: Box::new(|_| Ok(())),
                size: self.size,
                ..Options::default()
            },
        );
        let (tx, rx) = mpsc::channel();
        app.load_in_background(rx);
        self.app = app;
        self.pending = Some((tx, self.rng.below(200)));
    }

    fn next_event(&mut self) -> Event {
        self.tally.events += 1;
        match self.rng.below(100) {
            0..=74 => loop {
                let key = random_key(&mut self.rng);
                let action = keymap::action(self.app.context(), key);
                // Ctrl-z would stop the process in a real terminal: never sent. Most quits are
                // dropped so that a run goes deep rather than starting over.
                if action == Some(Action::Suspend)
                    || action == Some(Action::Quit) && !self.rng.chance(10)
                {
                    continue;
                }
                self.tally.keys += 1;
                break Event::Key(key);
            },
            75..=89 => {
                self.tally.mice += 1;
                Event::Mouse(random_mouse(&mut self.rng, self.size))
            }
            90..=97 => {
                self.tally.resizes += 1;
                let (w, h) = random_size(&mut self.rng);
                Event::Resize(w, h)
            }
            _ => self
                .rng
                .pick(&[
                    Event::FocusGained,
                    Event::FocusLost,
                    Event::Paste("pasted [[text]]\u{1b}[31m".into()),
                ])
                .clone(),
        }
    }

    fn draw_and_check(&mut self) {
        let app = &self.app;
        let frame = self.term.draw(|f| app.draw(f)).expect("draw");
        let buf = frame.buffer;
        let (w, h) = (buf.area.width, buf.area.height);
        assert_eq!((w, h), self.size, "the frame fills the terminal");
        for cell in &buf.content {
            assert!(
                !cell.symbol().chars().any(char::is_control),
                "a control character reached the screen: {:?}",
                cell.symbol()
            );
        }
        if matches!(app.mode(), Mode::Browse | Mode::Hints(_)) && w >= 2 && h >= 1 {
            let bottom: String = (0..w)
                .map(|x| buf[(x, h - 1)].symbol().to_string())
                .collect();
            assert!(
                !bottom.trim().is_empty(),
                "the status bar is drawn at {w}x{h}"
            );
        }
        self.check_state();
    }

    fn check_state(&mut self) {
        let app = &self.app;
        self.tally.modes[match app.mode() {
            Mode::Browse => 0,
            Mode::Switcher(_) => 1,
            Mode::Outline(_) => 2,
            Mode::Hints(_) => 3,
            Mode::Help(_) => 4,
            Mode::Find(_) => 5,
            Mode::Tags(_) => 6,
            Mode::Loose(_) => 7,
        }] += 1;
        self.tally.history = self.tally.history.max(app.history_len().0);
        let notes = &app.loaded().vault.notes;
        let list = app.list();
        // A tag filter shows only some notes.
        assert!(list.order.len() <= notes.len());
        assert!(list.order.iter().all(|&n| n < notes.len()));
        assert!(
            list.selected < list.order.len().max(1),
            "list row {} of {}",
            list.selected,
            list.order.len()
        );
        assert!(list.offset < list.order.len().max(1));
        let back = app.backlinks();
        assert!(back.selected < back.rows.len().max(1));
        assert!(back.offset < back.rows.len().max(1));
        if let Some(v) = app.view() {
            assert!(
                v.note < notes.len(),
                "view of note {} of {}",
                v.note,
                notes.len()
            );
            self.tally.opened.insert(v.note);
            let page = app.page().expect("an open note is rendered");
            let lines = page.rendered.lines.len();
            // `top` may equal the row count only when the note pane has no height at all.
            assert!(v.top <= lines, "top {} of {lines} rows", v.top);
            if let Some(s) = v.link {
                assert!(
                    s < page.stops.len(),
                    "link stop {s} of {}",
                    page.stops.len()
                );
                if let Some(p) = app.link_cell(s) {
                    assert!(p.x < self.size.0 && p.y < self.size.1, "link cell {p:?}");
                }
            }
            for a in &page.rendered.anchors {
                assert!(a.row < lines && a.cols.start < a.cols.end);
            }
            // A large note's page holds consecutive parts, and `top` counts from its first one.
            if let Some(held) = &page.held {
                assert_eq!(
                    v.part, held.first,
                    "the view counts rows from the page's first part"
                );
                assert!(held.end() <= held.parts.len());
                assert!(held.rows.windows(2).all(|w| w[0].end <= w[1].start));
                assert!(held.rows.last().is_some_and(|r| r.end <= lines));
                self.tally.parts.insert(held.part_at(v.top));
            }
        }
        match app.mode() {
            Mode::Switcher(s) => assert!(s.selected < s.hits.len().max(1)),
            Mode::Outline(o) => {
                let n = app
                    .view()
                    .map_or(0, |v| notes[v.note].parsed.headings.len());
                assert!(o.selected < n.max(1), "outline row {} of {n}", o.selected);
            }
            Mode::Hints(hints) => {
                // Every label names a link on screen, where the label is drawn.
                for (label, stop) in &hints.labels {
                    assert!(
                        app.link_cell(*stop).is_some(),
                        "hint {label} names stop {stop}, which is not on screen"
                    );
                }
            }
            Mode::Find(f) => assert!(f.selected < f.hits.len().max(1)),
            Mode::Tags(t) => assert!(t.selected < t.rows.len().max(1)),
            Mode::Loose(l) => assert!(l.selected < l.rows.len().max(1)),
            Mode::Browse | Mode::Help(_) => {}
        }
    }
}

/// Drives the app on `loaded` for `ENGRAM_KEYS` events from `seed`; on a panic, prints how to
/// replay it and the last events before it.
fn drive(name: &str, loaded: &Loaded) {
    let keys = key_count();
    let started = Instant::now();
    let base = base_seed();
    let mut d = Driver::new(loaded, vault_seed(base, name));
    for i in 0..keys {
        if let Err(e) = panic::catch_unwind(AssertUnwindSafe(|| d.step())) {
            eprintln!(
                "random keys on {name} failed at event {i} \
                 (replay: ENGRAM_KEYS_SEED={base} ENGRAM_KEYS={keys}); the last events:"
            );
            for e in &d.recent {
                eprintln!("  {e}");
            }
            panic::resume_unwind(e);
        }
    }
    let t = &d.tally;
    eprintln!(
        "random keys on {name}: {} events ({} keys, {} mouse, {} resizes, {} restarts, {} on a \
         listing), {} of {} \
         notes opened, history up to {}, {} parts of large notes seen, steps per mode (browse, switcher, outline, hints, help, find, tags, loose) \
         {:?}, in {:.1?}",
        t.events,
        t.keys,
        t.mice,
        t.resizes,
        t.reopened,
        t.listings,
        t.opened.len(),
        loaded.vault.notes.len(),
        t.history,
        t.parts.len(),
        t.modes,
        started.elapsed()
    );
}

/// The seed of this run, printed once.
fn base_seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| {
        let s = seed();
        eprintln!("random keys: seed {s} (replay with ENGRAM_KEYS_SEED={s})");
        s
    })
}

/// The seed for one vault: each vault gets its own stream, so a vault replays on its own.
fn vault_seed(base: u64, name: &str) -> u64 {
    name.bytes()
        .fold(base, |h, b| h.rotate_left(5) ^ u64::from(b))
}

fn load(dir: &Path) -> Loaded {
    Loaded::new(Vault::load(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())))
}

// ---------------------------------------------------------------------------------------------
// The vaults.

#[test]
fn random_keys_on_the_sample_notes() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("notes");
    drive("notes/", &load(&dir));
}

fn write(root: &Path, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(&p, bytes).expect("write");
}

/// A hostile vault like `tests/hostile.rs`'s, made to load fast: a 1.6 MB note instead of a 30 MB one, a 64 KB line
/// instead of a megabyte, but the deep nesting, binary and invalid UTF-8, bad YAML, control
/// characters in names and titles, a symlink loop, and notes that stress the panes (hundreds of
/// links, headings and backlinks, embed cycles, wide characters).
fn hostile() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = dir.path();
    write(r, "ok/one.md", "# One\n[[two]] and [[crlf]] and ![[two]]\n");
    write(
        r,
        "ok/two.md",
        "---\ntitle: Two\n---\nback to [[one]] ![[one]]\n",
    );
    write(r, "ok/three.md", "plain #tag\n");
    write(
        r,
        "yaml/unclosed.md",
        "---\ntitle: [unclosed\n---\nbody [[one]]\n",
    );
    write(r, "yaml/not_a_mapping.md", "---\n- a\n- b\n---\nbody\n");
    write(
        r,
        "yaml/wrong_types.md",
        "---\ntitle: [a, b]\naliases: {x: 1}\ntags: 5\n---\nbody\n",
    );
    write(
        r,
        "yaml/never_closed.md",
        "---\ntitle: x\nno closing [[one]]\n",
    );
    write(
        r,
        "yaml/escape_title.md",
        "---\ntitle: \"\\e[31mred\\u0007 \\u202etitle\"\naliases: [\"\\e[2J\"]\n---\n# \u{1b}[1mHead\n",
    );
    write(r, "yaml/empty_title.md", "---\ntitle: \"\"\n---\n");
    write(r, "bytes/latin1.md", b"caf\xe9 [[one]]\n");
    write(r, "bytes/binary.md", b"\x89PNG\r\n\x1a\n\0\0\0IHDR");
    write(r, "bytes/empty.md", b"");
    write(
        r,
        "bytes/controls.md",
        b"a\x1b[2Jb\x07c\x08d\x1b]0;t\x07 \r\r\n\x0c [[one]]\n",
    );
    write(
        r,
        "crlf.md",
        "---\r\ntitle: Crlf\r\n---\r\n# Head\r\n[[one]]\r\n",
    );
    write(r, "size/long_line.md", "x".repeat(64 << 10) + " [[one]]\n");
    // Over the render limit: rendered in parts that random scrolling crosses (issue 7).
    let mut large = String::from("---\ntitle: Large\n---\n");
    let mut i = 0;
    while large.len() < (1 << 20) + (600 << 10) {
        large.push_str(&format!(
            "## Part heading {i}\n\nText [[one]] and [[large#Part heading {}]].\n\n\
             ```\ncode {i}\n\n```\n\n%% hidden\n\n%%\n{}\n\n",
            i / 2,
            "a line without a blank after it\n".repeat(i % 40)
        ));
        i += 1;
    }
    write(r, "size/large.md", large);
    write(
        r,
        "size/long_words.md",
        "日本語".repeat(5000) + "\n\n" + &"😀".repeat(3000) + " [[one]]\n",
    );
    write(
        r,
        "nest/lists.md",
        "- a\n".to_string()
            + &(1..1000)
                .map(|i| format!("{}- x [[one]]\n", "  ".repeat(i)))
                .collect::<String>(),
    );
    write(r, "nest/quotes.md", ">".repeat(5000) + " deep [[one]]\n");
    write(
        r,
        "nest/callouts.md",
        (1..40)
            .map(|i| format!("{}[!note]- Fold {i} [[one]]\n", "> ".repeat(i)))
            .collect::<String>(),
    );
    write(
        r,
        "links/thousands.md",
        "[[one]] [[two]] [[nowhere]] ".repeat(700),
    );
    write(
        r,
        "links/headings.md",
        (0..300)
            .map(|i| {
                format!(
                    "{} Heading {i} [[one#Heading {i}]]\n\ntext\n\n",
                    "#".repeat(1 + i % 6)
                )
            })
            .collect::<String>(),
    );
    write(
        r,
        "links/every_form.md",
        "[[one|shown]] [[one#One]] [[#Heading]] [[#^blk]] ![[img.png|100x200]] ![[doc.pdf#page=3]] \
         [[https://example.org]] [x](https://e.com) [y](ok/two.md) [[../one]] [[a\\|b]] \
         ![[links/every_form]] [[\u{200b}]] [[one|\u{fe0f}]]\n\n\
         | a | [[one\\|b]] |\n|---|---|\n| ![[one]] | `[[code]]` |\n\n\
         ```rust\nfn main() {}\n```\n\n$$\nx\n$$\n\n- [?] task [[two]]\n\ntext ^blk\n",
    );
    write(r, "img.png", b"\x89PNG");
    write(r, "doc.pdf", b"%PDF");
    write(r, "names/new\nline.md", "name with a newline [[one]]\n");
    write(r, "names/\u{202e}evil\u{2066}bidi.md", "bidi name\n");
    write(r, "names/\x1b[31mred.md", "escape in the name\n");
    write(r, "names/\x07bell\x08.md", "[[\x1b[31mred]]\n");
    write(
        r,
        "names/日本語のとても長い名前のノート.md",
        "wide [[one]]\n",
    );
    write(r, "names/one.md", "same title as ok/one: # One\n# One\n");
    let deep: PathBuf = (0..40).map(|i| format!("d{i}")).collect();
    write(r, deep.join("deep.md"), "forty folders down [[one]]\n");
    symlink("/proc/self/mem", r.join("unreadable.md")).expect("symlink");
    symlink(r.join("nowhere.md"), r.join("dangling.md")).expect("symlink");
    symlink(r, r.join("loop")).expect("symlink");
    // Fixed modification times, so that sorting by time is the same on every run of a seed.
    let mut files: Vec<PathBuf> = walk(r);
    files.sort();
    for (i, f) in files.iter().enumerate() {
        if let Ok(file) = fs::File::options().write(true).open(f) {
            let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000 + i as u64 * 60);
            let _ = file.set_modified(t);
        }
    }
    dir
}

/// Regular files under `dir`, not following symlinks.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir").flatten() {
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(e.path());
            } else if t.is_file() {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn random_keys_on_a_hostile_vault() {
    let dir = hostile();
    let loaded = load(dir.path());
    assert!(
        loaded.vault.notes.len() >= 25,
        "the hostile vault loads: {} notes",
        loaded.vault.notes.len()
    );
    drive("the hostile vault", &loaded);
}

#[test]
fn random_keys_on_the_corpora() {
    let Some(root) = std::env::var_os("ENGRAM_CORPORA") else {
        eprintln!(
            "ENGRAM_CORPORA is not set; skipping random keys on the corpora \
             (e.g. ENGRAM_CORPORA=../shared/corpora)"
        );
        return;
    };
    for name in ["obsidian-tasks-docs", "hubermanlab"] {
        let dir = Path::new(&root).join(name);
        if !dir.is_dir() {
            eprintln!("{} is missing; skipping it", dir.display());
            continue;
        }
        drive(name, &load(&dir));
    }
}

#[test]
fn an_empty_vault_takes_random_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    drive("an empty vault", &load(dir.path()));
}

// ---------------------------------------------------------------------------------------------
// What the random keys found, kept as plain tests.

#[test]
fn link_hints_are_relabelled_when_the_terminal_is_resized() {
    // Found by random keys on notes/: labels given at one width named link stops of that
    // rendering; after a resize the note is rendered anew, and a label could name a stop that no
    // longer existed, or a link that had moved off the screen.
    let loaded = load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("notes"));
    let note = loaded
        .vault
        .note_by_path("ai_and_computational_models_in_neuroscience.md")
        .expect("the seed note");
    let mut app = new_app(&loaded, (120, 40), Some(note));
    let press = |app: &mut App, c: char| {
        app.handle_event(Event::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    };
    press(&mut app, 'l');
    press(&mut app, 'f');
    let Mode::Hints(before) = app.mode() else {
        panic!("f shows link hints");
    };
    assert!(!before.labels.is_empty());
    for (w, h) in [(200, 60), (61, 14), (100, 30), (150, 50)] {
        app.handle_event(Event::Resize(w, h));
        let Mode::Hints(hints) = app.mode() else {
            panic!("still labelling links at {w}x{h}");
        };
        for (label, stop) in &hints.labels {
            assert!(
                app.link_cell(*stop).is_some(),
                "at {w}x{h} label {label} names stop {stop}, which is not on screen"
            );
        }
    }
}

#[test]
fn no_link_hints_where_the_note_pane_has_no_room_for_text() {
    // Found by random keys on the hostile vault: at 2x5 the note pane's text area is zero columns
    // wide, yet `f` labelled the links of the visible rows, with nowhere to draw the labels.
    let loaded = load(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("notes"));
    let note = loaded
        .vault
        .note_by_path("ai_and_computational_models_in_neuroscience.md")
        .expect("the seed note");
    let mut app = new_app(&loaded, (80, 24), Some(note));
    for e in [
        Event::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::NONE)),
        Event::Resize(2, 5),
        // Tab selects a link and scrolls it onto the two visible rows.
        Event::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)),
        Event::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::NONE)),
    ] {
        app.handle_event(e);
    }
    assert!(matches!(app.mode(), Mode::Browse), "{:?}", app.mode());
    assert_eq!(
        app.message().map(|m| m.text.as_str()),
        Some("No links on screen")
    );
}
