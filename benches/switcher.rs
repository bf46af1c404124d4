//! Times the quick switcher's matcher on a generated 20,000-note vault, one query per keystroke, the
//! way the browser calls it. Run with `cargo bench --bench switcher` (a release build).

use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use engram::app::{App, Options};
use engram::commands::Loaded;
use engram::search::{Matcher, Session};
use engram::vault::Vault;

/// Words the generated titles, aliases and folders are made of.
const WORDS: &[&str] = &[
    "neuroscience",
    "dopamine",
    "memory",
    "learning",
    "habits",
    "sleep",
    "focus",
    "attention",
    "motivation",
    "stress",
    "exercise",
    "nutrition",
    "vision",
    "hormones",
    "plasticity",
    "reward",
    "anxiety",
    "creativity",
    "meditation",
    "breathing",
    "cold",
    "heat",
    "light",
    "circadian",
    "protocol",
    "tools",
    "science",
    "brain",
    "body",
    "performance",
    "recovery",
    "mindset",
    "journal",
    "project",
    "meeting",
    "recipe",
    "travel",
    "reading",
    "book",
    "idea",
];

/// A deterministic pseudo-random word picker (no dependency needed).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.next() % WORDS.len()]
    }
}

/// A vault of `n` notes in 50 folders, with titles of 3 to 7 words and an alias on every third.
pub fn generate(n: usize) -> Vault {
    let mut rng = Rng(42);
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let words: Vec<&str> = (0..3 + rng.next() % 5).map(|_| rng.word()).collect();
        let folder = format!("{}_{}", rng.word(), i % 50);
        let path = format!("{folder}/{}_{i}.md", words.join("_"));
        let mut text = format!("---\ntitle: {} {i}\n", words.join(" "));
        if i % 3 == 0 {
            text.push_str(&format!("aliases: [{} {}]\n", rng.word(), rng.word()));
        }
        text.push_str("---\nBody.\n");
        files.push((path, text));
    }
    Vault::from_files(files)
}

/// How many matches the browser asks for per keystroke (`app::SWITCHER_LIMIT`).
const LIMIT: usize = 100;
/// Each keystroke is timed this many times and the fastest run kept, so a busy machine (CI, or
/// another build on the same cores) does not inflate the figure.
const RUNS: usize = 7;

/// The fastest of `RUNS` runs of one keystroke, each from the same session state.
fn time_keystroke(matcher: &Matcher, session: &Session, query: &str) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut hits = 0;
    for _ in 0..RUNS {
        let mut s = session.clone();
        let t = Instant::now();
        hits = matcher.find_in(&mut s, query, LIMIT).len();
        best = best.min(t.elapsed());
    }
    (best, hits)
}

fn main() {
    let vault = generate(20_000);
    let started = Instant::now();
    let matcher = Matcher::new(&vault);
    println!("index of 20000 notes built in {:?}", started.elapsed());
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let mut count = 0;
    for query in [
        "neuro plast",
        "dopamine rew",
        "sleep",
        "mtvn",
        "zzz",
        "brain body 1234",
    ] {
        let mut session = Session::new();
        let mut typed = String::new();
        let mut line = Vec::new();
        for c in query.chars() {
            typed.push(c);
            let (d, hits) = time_keystroke(&matcher, &session, &typed);
            matcher.find_in(&mut session, &typed, LIMIT);
            worst = worst.max(d);
            total += d;
            count += 1;
            line.push(format!("{:.1}ms/{hits}", d.as_secs_f64() * 1e3));
        }
        println!("{query:>16}: {}", line.join(" "));
    }
    println!(
        "matcher per keystroke (limit {LIMIT}, best of {RUNS}): mean {:.2}ms, worst {:.2}ms",
        total.as_secs_f64() * 1e3 / count as f64,
        worst.as_secs_f64() * 1e3
    );
    whole_app(vault);
}

/// The whole browser: a key typed into the open switcher, then a 120x40 frame drawn, as the event
/// loop does for every keystroke.
fn whole_app(vault: Vault) {
    let started = Instant::now();
    let mut app = App::new(
        Loaded::new(vault),
        Options {
            size: (120, 40),
            ..Options::default()
        },
    );
    println!("browser on 20000 notes ready in {:?}", started.elapsed());
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("test terminal");
    let press = |app: &mut App, code: KeyCode| {
        app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    };
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let mut count = 0;
    let mut drawing = Duration::ZERO;
    for query in ["neuro plast", "dopamine rew", "brain body 1234"] {
        press(&mut app, KeyCode::Char('/'));
        for c in query.chars() {
            let t = Instant::now();
            press(&mut app, KeyCode::Char(c));
            let u = t.elapsed();
            term.draw(|f| app.draw(f)).expect("draw");
            let d = t.elapsed();
            drawing += d - u;
            worst = worst.max(d);
            total += d;
            count += 1;
        }
        press(&mut app, KeyCode::Esc);
    }
    println!(
        "keystroke + frame: mean {:.2}ms (of which drawing {:.2}ms), worst {:.2}ms (single runs)",
        total.as_secs_f64() * 1e3 / count as f64,
        drawing.as_secs_f64() * 1e3 / count as f64,
        worst.as_secs_f64() * 1e3
    );
}
