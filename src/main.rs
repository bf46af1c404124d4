//! The `engram` binary: parse the command line, load the vault (all fallible work), then run a
//! headless command or the browser.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

use engram::app::{self, App};
use engram::cli::{BrowseArgs, Cli, Command, ShowArgs};
use engram::commands::{self, Loaded, EXIT_ERROR, EXIT_OK};
use engram::render::{self, RenderOptions};
use engram::vault::{LoadOptions, Vault};

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
    let vault = match Vault::load_with(&dir, &options) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("engram: {e}");
            return Ok(EXIT_ERROR);
        }
    };
    let loaded = Loaded::new(vault);
    let load_ms = started.elapsed().as_millis() as u64;
    let Some(command) = &cli.command else {
        return browse(loaded, &cli.browse);
    };
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

/// Starts the browser: checks `--open` and the terminal first, so that a mistake is a one-line
/// message on a normal screen rather than a garbled full-screen one.
fn browse(loaded: Loaded, args: &BrowseArgs) -> io::Result<u8> {
    let open = match &args.open {
        Some(name) => match loaded.graph.find_note(&loaded.vault, name) {
            Some(note) => Some(note),
            None => {
                eprintln!(
                    "engram: no note named {name:?} in {}",
                    loaded.vault.root.display()
                );
                return Ok(EXIT_ERROR);
            }
        },
        None => None,
    };
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        eprintln!(
            "engram: the browser needs a terminal on stdin and stdout; \
             for scripts use a command such as `engram list` (see `engram --help`)"
        );
        return Ok(EXIT_ERROR);
    }
    // Searches read the notes' texts from the pack once it is written; keys are never kept waiting.
    let _ = engram::textpack::refresh_in_background(&loaded.vault);
    let mut app = App::new(
        loaded,
        app::Options {
            open,
            opener: app::terminal::system_opener(),
            searching: app::Searching::Background,
            ..app::Options::default()
        },
    );
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
    let rendered = render::render(
        &loaded.vault,
        &loaded.graph,
        note,
        &RenderOptions::new(width),
    );
    let text = if tty && !a.plain {
        render::to_ansi(&rendered.lines)
    } else {
        render::to_plain(&rendered.lines)
    };
    out.write_all(text.as_bytes())?;
    Ok(EXIT_OK)
}
