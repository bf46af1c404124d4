//! The real terminal and the system around it: entering and restoring the screen (mouse capture
//! included, on every exit path, on panic and on SIGTERM/SIGHUP), suspending on Ctrl-z, handing the
//! terminal to the user's editor on `e`, the event loop (which also takes the file watcher's
//! changes), and the system opener.
//!
//! Everything here touches the outside world, so the rest of the app stays testable on a
//! `TestBackend` without it.

use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::{cursor, execute};
use ratatui::DefaultTerminal;
use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGTSTP};

use super::{Action, App, Opener, Request};

/// How often the loop looks for a termination signal while no key arrives.
const SIGNAL_POLL: Duration = Duration::from_millis(100);
/// How often the loop takes a running search's results, or looks for the graph being built or a
/// finished rebuild, while no key arrives.
const SEARCH_POLL: Duration = Duration::from_millis(30);
/// How often the loop looks for the graph while the load runs. The loading thread cannot wake the
/// loop, and the graph arriving is what a user waits for at start: at [`SEARCH_POLL`] it reached
/// the screen 15 ms late on average. Each look costs microseconds.
const LOAD_POLL: Duration = Duration::from_millis(4);
/// How often the loop takes the file watcher's changes while no key arrives: they come at most
/// every [`crate::live::QUIET`] anyway.
const WATCH_POLL: Duration = Duration::from_millis(50);

/// The terminal in browser state: raw mode, alternate screen, mouse capture. Dropping it puts the
/// terminal back, so an early `?` return restores it too.
struct Session {
    terminal: DefaultTerminal,
}

impl Session {
    fn enter() -> io::Result<Session> {
        // ratatui's hook restores raw mode and the screen; ours first turns mouse capture off and
        // shows the cursor, so a panic never leaves the shell receiving mouse reports.
        let terminal = ratatui::try_init()?;
        let restore_screen = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Cursor visibility outlives the alternate screen, so it is shown here too.
            let _ = execute!(io::stdout(), DisableMouseCapture, cursor::Show);
            restore_screen(info);
        }));
        let session = Session { terminal };
        execute!(io::stdout(), EnableMouseCapture)?;
        Ok(session)
    }

    /// Puts the terminal back as the shell had it, keeping the session for [`Session::resume`].
    fn leave(&mut self) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        let _ = self.terminal.show_cursor();
        // Leaving the alternate screen comes last, so the shell gets its screen back as it was.
        ratatui::restore();
        let _ = io::stdout().flush();
    }

    /// Takes the terminal again after [`Session::leave`]. A new `Terminal` starts with empty
    /// buffers, so the next frame is drawn whole (`Terminal::clear` would ask the terminal for the
    /// cursor position, which a terminal just handed back from the shell may not answer in time).
    fn resume(&mut self) -> io::Result<()> {
        crossterm::terminal::enable_raw_mode()?;
        execute!(
            io::stdout(),
            crossterm::terminal::EnterAlternateScreen,
            crossterm::terminal::Clear(crossterm::terminal::ClearType::All),
            EnableMouseCapture
        )?;
        self.terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(io::stdout()))?;
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The panic hook has already restored the terminal and printed the message below the
            // shell's screen; leaving the alternate screen again would move the cursor over it.
            return;
        }
        self.leave();
    }
}

/// Flags raised by SIGTERM, SIGHUP and SIGINT, so the loop can restore the terminal and leave.
fn termination_flag() -> io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [SIGTERM, SIGHUP, SIGINT] {
        signal_hook::flag::register(sig, Arc::clone(&flag))?;
    }
    Ok(flag)
}

/// Runs the browser on the real terminal until the user quits or a termination signal arrives.
/// The terminal is restored however this returns.
pub fn run(app: &mut App) -> io::Result<()> {
    let stop = termination_flag()?;
    let mut session = Session::enter()?;
    let size = session.terminal.size()?;
    app.handle_event(Event::Resize(size.width, size.height));
    loop {
        session.terminal.draw(|frame| app.draw(frame))?;
        app.frame_drawn();
        // Wait for an event, looking up now and then for a signal that asks us to stop, and for
        // work from other threads (a running search's results, the graph being built), which is
        // drawn as it comes.
        let mut woken = false;
        loop {
            let searching = app.searching();
            let loading = app.loading();
            let busy = app.busy();
            let wait = if loading {
                LOAD_POLL
            } else if busy || app.rebuilding() {
                SEARCH_POLL
            } else if app.watching() {
                WATCH_POLL
            } else {
                SIGNAL_POLL
            };
            if event::poll(wait)? {
                break;
            }
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            let generation = app.generation();
            app.update(Action::Live);
            if busy {
                app.update(Action::Pump);
            }
            // A search's results are drawn as they come; while the graph is built, nothing changes
            // on screen until it arrives, so the loop does not redraw meanwhile.
            let arrived = loading && !app.loading();
            if searching || arrived || app.generation() != generation || app.has_request() {
                woken = true;
                break;
            }
        }
        if woken {
            continue;
        }
        app.handle_event(event::read()?);
        // Apply every event already waiting before drawing again, so fast typing or a burst of
        // wheel events never queues up frames.
        while !app.should_quit() && !app.has_request() && event::poll(Duration::ZERO)? {
            app.handle_event(event::read()?);
        }
        if app.should_quit() || stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        if app.busy() {
            app.update(Action::Pump);
        }
        // Keys held down never let the poll above time out: take the vault's changes here too.
        app.update(Action::Live);
        if let Some(request) = app.take_request() {
            match request {
                Request::Suspend => {
                    session.leave();
                    // Stop as the shell expects; execution continues here after `fg`.
                    signal_hook::low_level::raise(SIGTSTP)?;
                    session.resume()?;
                }
                Request::Edit { file, path, line } => {
                    session.leave();
                    let outcome = run_editor(&file, line);
                    session.resume()?;
                    // The terminal may have been resized while the editor had it.
                    let size = session.terminal.size()?;
                    app.handle_event(Event::Resize(size.width, size.height));
                    app.finish_edit(&path, outcome);
                }
            }
        }
    }
}

/// The user's editor: `$VISUAL`, else `$EDITOR`, else `vi`, as git picks it.
pub fn editor() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Runs the user's editor on `file` and waits for it, with `+LINE` for the editors that accept it.
/// The editor may carry arguments (`code -w`), so on Unix it runs through the shell as git runs
/// it: `sh -c '$EDITOR "$@"' sh +LINE FILE`. Says why when it cannot start or exits with an error.
pub fn run_editor(file: &Path, line: usize) -> Result<(), String> {
    let editor = editor();
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    if super::accepts_plus_line(&editor) {
        args.push(format!("+{line}").into());
    }
    args.push(file.as_os_str().to_owned());
    let mut cmd = if cfg!(windows) {
        let mut words = editor.split_whitespace();
        let mut c = Command::new(words.next().unwrap_or("notepad"));
        c.args(words);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(format!("{editor} \"$@\"")).arg("sh");
        c
    };
    let status = cmd
        .args(&args)
        .status()
        .map_err(|e| format!("cannot run {editor}: {e}"))?;
    match status.code() {
        Some(0) => Ok(()),
        Some(127) => Err(format!("cannot run {editor}: command not found")),
        Some(code) => Err(format!("{editor} exited with status {code}")),
        None => Err(format!("{editor} was stopped by a signal")),
    }
}

/// Opens URLs and files with the desktop's opener (`xdg-open`, `open`, or `start`), without
/// waiting for it and without letting it write over the screen.
pub fn system_opener() -> Opener {
    Box::new(|target: &str| {
        let (program, args): (&str, &[&str]) = if cfg!(target_os = "macos") {
            ("open", &[])
        } else if cfg!(windows) {
            ("cmd", &["/C", "start", ""])
        } else {
            ("xdg-open", &[])
        };
        let mut child = Command::new(program)
            .args(args)
            .arg(target)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot run {program}: {e}"))?;
        // Reap the opener when it exits so it never lingers as a zombie.
        std::thread::spawn(move || child.wait());
        Ok(())
    })
}
