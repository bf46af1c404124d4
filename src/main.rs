//! The `engram` binary: parse the command line, load the vault (all fallible work), then run a
//! headless command or the browser.

use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{mpsc, Arc};
use std::time::{Instant, SystemTime};

use clap::Parser;

use engram::app::{self, App, Startup};
use engram::cli::{BrowseArgs, Cli, Command, ShowArgs};
use engram::commands::{self, Loaded, EXIT_ERROR, EXIT_OK};
use engram::live::{Baseline, Watcher};
use engram::render::{self, RenderOptions};
use engram::textpack;
use engram::vault::{LoadOptions, Vault, Walk};

/// The load makes a few million small allocations on all cores. glibc's allocator grows each
/// thread's heap a page at a time, one `mprotect` call each (13,800 at 50,000 notes); jemalloc
/// takes memory from the system in large pieces and answers from per-thread caches.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            if e.kind() == io::ErrorKind::BrokenPipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("engram: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run(cli: Cli) -> io::Result<u8> {
    let dir = cli.vault_dir();
    let started = Instant::now();
    let options = LoadOptions {
        cache: !cli.no_cache,
        cache_dir: None,
    };
    let Some(command) = &cli.command else {
        return browse(&dir, options, &cli.browse);
    };
    let vault = match Vault::load_with(&dir, &options) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("engram: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    let loaded = Loaded::new(vault);
    let load_ms = started.elapsed().as_millis() as u64;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let code = match command {
        Command::List(a) => commands::list(&loaded, a.json, &mut out)?,
        Command::Links(a) => commands::links(&loaded, &a.note, a.json, &mut out)?,
        Command::Backlinks(a) => commands::backlinks(&loaded, &a.note, a.json, &mut out)?,
        Command::Check(a) => commands::check(&loaded, a.json, &mut out)?,
        Command::Stats(a) => commands::stats(&loaded, load_ms, a.json, &mut out)?,
        Command::Grep(a) => commands::grep(
            &loaded,
            &a.query_text(),
            a.wants_json(),
            io::stdout().is_terminal(),
            &mut out,
        )?,
        Command::Tags(a) => commands::tags(&loaded, a.json, &mut out)?,
        Command::Orphans(a) => commands::orphans(&loaded, a.json, &mut out)?,
        Command::Unresolved(a) => commands::unresolved(&loaded, a.json, &mut out)?,
        Command::Show(a) => show(&loaded, a, &mut out)?,
    };
    out.flush()?;
    // The process ends here: freeing a large vault's millions of small allocations one by one would
    // only delay the exit (by a quarter of the load time at 50,000 notes); the system takes the
    // memory back at once.
    std::mem::forget(loaded);
    Ok(code)
}

/// Starts the browser. A mistake (a missing vault, an unknown `--open` note, no terminal) is a
/// one-line message on a normal screen rather than a garbled full-screen one.
///
/// The first frame does not wait for the graph: the note list is drawn from a scan of the folder
/// (or the index cache's list), while a thread loads and parses the vault (reusing that walk) and
/// builds the graph, which the browser takes in when it arrives. The file watcher starts after the
/// load, and first reports what changed while the vault was read, so no change is missed
/// ([`Watcher::start_after`]). `--open` resolves its note against the whole graph (it may name an
/// alias), so it loads first. Only the browser watches.
fn browse(dir: &Path, options: LoadOptions, args: &BrowseArgs) -> io::Result<u8> {
    let watch = !args.no_watch;
    let load_options = options.clone();
    let load =
        move |dir: &Path, walk: Option<Walk>| match Vault::load_walked(dir, &load_options, walk) {
            Ok(v) => Ok(Loaded::new(v)),
            Err(e) => Err(e.to_string()),
        };
    let start_watcher = |dir: &Path, baseline: Option<&Baseline>| {
        Watcher::start_after(dir, baseline).map_err(|e| e.to_string())
    };
    // Changes from here on are caught by the watcher, which starts after the load.
    let started = SystemTime::now();
    let (start, open, watcher, walk) = match &args.open {
        Some(name) => {
            let loaded = match load(dir, None) {
                Ok(l) => l,
                Err(e) => {
                    eprintln!("engram: {e}");
                    return Ok(EXIT_ERROR);
                }
            };
            let Some(note) = loaded.graph.find_note(&loaded.vault, name) else {
                eprintln!(
                    "engram: no note named {name:?} in {}",
                    loaded.vault.root.display()
                );
                return Ok(EXIT_ERROR);
            };
            let watcher =
                watch.then(|| start_watcher(dir, Some(&Baseline::of(&loaded.vault, started))));
            // Searches read the notes' texts from the pack once it is written (not with
            // `--no-cache`); keys are never kept waiting.
            let _ = textpack::refresh_in_background(&loaded.vault);
            (loaded, Some(note), watcher, None)
        }
        None => {
            // The load on the thread below uses this walk rather than walking again.
            let (listing, walk) = match Vault::scan_keeping_walk(dir, &options) {
                Ok(v) => v,
                Err(e) => {
                    eprintln!("engram: {e}");
                    return Ok(EXIT_ERROR);
                }
            };
            (Loaded::listing(listing), None, None, walk)
        }
    };
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        eprintln!(
            "engram: the browser needs a terminal on stdin and stdout; \
             for scripts use a command such as `engram list` (see `engram --help`)"
        );
        return Ok(EXIT_ERROR);
    }
    let (watcher, watch_error) = match watcher {
        Some(Ok(w)) => (Some(w), None),
        Some(Err(e)) => (None, Some(e)),
        None => (None, None),
    };
    let listing = open.is_none();
    let mut app = App::new(
        start,
        app::Options {
            open,
            opener: app::terminal::system_opener(),
            searching: app::Searching::Background,
            watcher,
            rebuilds: app::Rebuilds::Background,
            ..app::Options::default()
        },
    );
    if listing {
        let (tx, rx) = mpsc::channel();
        let dir = dir.to_path_buf();
        let drawn = app.frame_gate();
        std::thread::spawn(move || {
            let ready = Vault::load_walked(&dir, &options, walk)
                .map(|v| Box::new(app::Prepared::without_matcher_of(v)))
                .map_err(|e| e.to_string());
            let shared = ready.as_ref().ok().map(|p| Arc::clone(&p.loaded));
            // The browser may have quit already; then nobody listens.
            let _ = tx.send(Startup::Loaded(ready));
            // What the watcher and the text pack need is taken from the vault once the graph is on
            // the screen (it takes tens of milliseconds at 50,000 notes). Neither competes with
            // the graph, or with drawing it, for the cores. The watcher then catches up with what
            // changed while the vault was read; searches read the pack once it is there.
            drawn.wait();
            let (pack, baseline) = match &shared {
                Some(l) => (
                    textpack::PlannedRefresh::of(&l.vault),
                    watch.then(|| Baseline::of(&l.vault, started)),
                ),
                None => (None, None),
            };
            // Let go of the vault before the watcher starts: the browser applies the changes it
            // reports in place only to a vault no other thread holds.
            drop(shared);
            if let Some(baseline) = baseline {
                let _ = tx.send(Startup::Watcher(start_watcher(&dir, Some(&baseline))));
            }
            if let Some(pack) = pack {
                let _ = pack.run();
            }
        });
        app.load_in_background(rx);
    }
    if let Some(e) = watch_error {
        app.show_warning(format!("Not following changes to the vault: {e}"));
    }
    app::terminal::run(&mut app)?;
    Ok(commands::EXIT_OK)
}

/// `engram show NOTE`: the note rendered as the browser shows it, with colours on a terminal.
fn show(loaded: &Loaded, a: &ShowArgs, out: &mut impl Write) -> io::Result<u8> {
    let Some(note) = loaded.graph.find_note(&loaded.vault, &a.note) else {
        eprintln!(
            "engram: no note named {:?} in {}",
            a.note,
            loaded.vault.root.display()
        );
        return Ok(EXIT_ERROR);
    };
    let tty = io::stdout().is_terminal();
    let width = a.width.unwrap_or_else(|| {
        if tty {
            crossterm::terminal::size().map_or(80, |(w, _)| w.max(1))
        } else {
            80
        }
    });
    let opts = RenderOptions::new(width);
    let print = |out: &mut dyn Write, rendered: &render::Rendered| {
        let text = if tty && !a.plain {
            render::to_ansi(&rendered.lines)
        } else {
            render::to_plain(&rendered.lines)
        };
        out.write_all(text.as_bytes())
    };
    let (vault, graph) = (&loaded.vault, &loaded.graph);
    match render::split_note(vault, note) {
        // A large note is printed whole, one part at a time, as the browser scrolls through it:
        // memory holds the text and one part's rendering, never the whole rendering.
        Some(parts) => {
            let text = vault.read_text(note).unwrap_or_default();
            let mut drawn = false;
            for part in parts.iter() {
                let rendered = render::render_part(vault, graph, note, &text, part, &opts);
                if drawn && part.joint == render::Joint::Block && !rendered.lines.is_empty() {
                    out.write_all(b"\n")?;
                }
                drawn |= !rendered.lines.is_empty();
                print(out, &rendered)?;
            }
        }
        None => print(out, &render::render(vault, graph, note, &opts))?,
    }
    Ok(EXIT_OK)
}
