//! The real terminal and the system around it: entering and restoring the screen (mouse capture
//! included, on every exit path and on panic), the event loop, and the system opener.
//!
//! Everything here touches the outside world, so the rest of the app stays testable on a
//! `TestBackend` without it.

use std::io::{self, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use crossterm::{cursor, execute};
use ratatui::DefaultTerminal;

use super::{App, Opener};

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
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The panic hook has already restored the terminal and printed the message below the
            // shell's screen; leaving the alternate screen again would move the cursor over it.
            return;
        }
        let _ = execute!(io::stdout(), DisableMouseCapture);
        let _ = self.terminal.show_cursor();
        // Leaving the alternate screen comes last, so the shell gets its screen back as it was.
        ratatui::restore();
        let _ = io::stdout().flush();
    }
}

/// Runs the browser on the real terminal until the user quits. The terminal is restored however
/// this returns.
pub fn run(app: &mut App) -> io::Result<()> {
    let mut session = Session::enter()?;
    let size = session.terminal.size()?;
    app.handle_event(Event::Resize(size.width, size.height));
    loop {
        session.terminal.draw(|frame| app.draw(frame))?;
        app.handle_event(event::read()?);
        // Apply every event already waiting before drawing again, so fast typing or a burst of
        // wheel events never queues up frames.
        while !app.should_quit() && event::poll(Duration::ZERO)? {
            app.handle_event(event::read()?);
        }
        if app.should_quit() {
            return Ok(());
        }
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
