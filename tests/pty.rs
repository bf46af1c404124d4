//! End-to-end tests: the built `engram` binary runs in a pseudo-terminal, keys are typed into it, and
//! a terminal-screen parser (vt100) reads what it drew. The screen is polled with a timeout rather
//! than read after fixed sleeps, so a slow, loaded machine only makes the tests slower.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

const SEED: &str = "ai_and_computational_models_in_neuroscience.md";
const TIMEOUT: Duration = Duration::from_secs(10);

/// The binary running in a pseudo-terminal, with everything it wrote kept and parsed.
struct Session {
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    _master: Box<dyn MasterPty + Send>,
    output: Arc<Mutex<Vec<u8>>>,
    parser: Arc<Mutex<vt100::Parser>>,
    reader: Option<JoinHandle<()>>,
}

impl Session {
    fn start(args: &[&str], cols: u16, rows: u16) -> Session {
        Session::start_program(
            Path::new(env!("CARGO_BIN_EXE_engram")),
            args,
            cols,
            rows,
            &[],
        )
    }

    fn start_program(
        program: &Path,
        args: &[&str],
        cols: u16,
        rows: u16,
        env: &[(&str, &str)],
    ) -> Session {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.cwd(Path::new(env!("CARGO_MANIFEST_DIR")));
        cmd.env("TERM", "xterm-256color");
        // The index cache goes to a scratch folder, never the user's own.
        cmd.env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("engram-test-cache"),
        );
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn engram");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("pty reader");
        let writer = pair.master.take_writer().expect("pty writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let (out, par) = (Arc::clone(&output), Arc::clone(&parser));
        // Drain the pty all the time, or the child blocks writing to it.
        let reader = thread::spawn(move || {
            let mut buf = [0u8; 8192];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        out.lock()
                            .expect("output lock")
                            .extend_from_slice(&buf[..n]);
                        par.lock().expect("parser lock").process(&buf[..n]);
                    }
                }
            }
        });
        Session {
            child,
            writer,
            _master: pair.master,
            output,
            parser,
            reader: Some(reader),
        }
    }

    fn send(&mut self, bytes: &str) {
        self.writer.write_all(bytes.as_bytes()).expect("type");
        self.writer.flush().expect("flush");
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("parser lock").screen().contents()
    }

    /// Waits until the screen satisfies `pred`; on timeout fails showing the screen.
    fn wait_for(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            thread::sleep(Duration::from_millis(20));
        }
    }

    /// The last row: the status bar.
    fn status_has(&self, text: &str) -> String {
        self.wait_for(&format!("status bar showing {text:?}"), |s| {
            s.lines()
                .rfind(|l| !l.trim().is_empty())
                .is_some_and(|l| l.contains(text))
        })
    }

    /// Waits for the child to exit and the pty to drain; returns the exit success.
    fn finish(&mut self) -> bool {
        self.finish_status().success()
    }

    /// Waits for the child to exit and the pty to drain; returns how it exited.
    fn finish_status(&mut self) -> portable_pty::ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("engram did not exit; the screen was:\n{}", self.screen());
            }
            thread::sleep(Duration::from_millis(20));
        };
        if let Some(r) = self.reader.take() {
            // The reader ends when the pty reports the child's side closed.
            let deadline = Instant::now() + TIMEOUT;
            while !r.is_finished() && Instant::now() < deadline {
                thread::sleep(Duration::from_millis(20));
            }
        }
        status
    }

    fn output(&self) -> String {
        String::from_utf8_lossy(&self.output.lock().expect("output")).into_owned()
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
    }
}

#[test]
fn switcher_follow_back_and_quit_restores_the_terminal() {
    let mut s = Session::start(&["notes"], 100, 30);
    s.wait_for("the note list", |s| {
        s.contains("Notes 24 · title") && s.contains("Welcome to engram")
    });
    assert!(s.parser.lock().expect("lock").screen().alternate_screen());

    // Open the seed note through the quick switcher.
    s.send("/");
    s.wait_for("the switcher", |s| s.contains("Quick switcher"));
    s.send("ai comp neuro");
    s.wait_for("the match", |s| {
        s.contains("> ai comp neuro") && s.contains("1 of 24")
    });
    s.send("\r");
    let screen = s.status_has(SEED);
    assert!(!screen.contains("Quick switcher"), "the switcher closed");
    assert!(screen.contains("┌ AI and computational models in neuroscience"));

    // Tab selects the first link; Enter follows it.
    s.send("\t");
    s.status_has("→ hubermanlab.md");
    s.send("\r");
    let screen = s.status_has("hubermanlab.md ·");
    assert!(screen.contains("┌ hubermanlab"), "{screen}");

    // Backspace goes back to the seed note, its link still selected.
    s.send("\x7f");
    let screen = s.status_has(SEED);
    assert!(screen.contains("┌ AI and computational models in neuroscience"));

    s.send("q");
    assert!(s.finish(), "engram exits successfully");

    let out = s.output();
    let session = &out[out
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen")..];
    assert!(
        out.ends_with("\x1b[?1049l"),
        "leaving the alternate screen is the last thing written: {:?}",
        &out[out.len().saturating_sub(80)..]
    );
    assert!(session.contains("\x1b[?1000h"), "mouse capture was on");
    let tail = &session[session.rfind("\x1b[?1000h").expect("mouse on")..];
    assert!(tail.contains("\x1b[?1000l"), "mouse capture off");
    assert!(tail.contains("\x1b[?1006l"), "SGR mouse reports off");
    assert!(tail.contains("\x1b[?25h"), "cursor shown");
    let parser = s.parser.lock().expect("lock");
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "back on the main screen");
    assert!(!screen.hide_cursor(), "cursor visible");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "no mouse reporting left on"
    );
}

/// The list is drawn before the graph is built; the graph then arrives by itself, with no key
/// pressed, and replaces the file names with the notes' titles (issue 6).
#[test]
fn the_graph_fills_in_behind_the_first_frame() {
    let mut s = Session::start(&["--no-cache", "notes"], 100, 30);
    s.wait_for("the note list", |s| s.contains("Notes 24 · title"));
    let screen = s.status_has("24 notes · ? for help");
    assert!(screen.contains("Welcome to engram"), "titles: {screen}");
    s.send("q");
    assert!(s.finish());
}

#[test]
fn full_text_results_stream_in_from_the_background_and_open_at_the_line() {
    let mut s = Session::start(&["notes"], 100, 30);
    s.wait_for("the note list", |s| s.contains("Notes 24 · title"));
    s.send("F");
    s.wait_for("the search popup", |s| s.contains("Search every note"));
    // Typed in one burst: each key cancels the search before it; only the last one's results show,
    // and they arrive with no further key pressed (the loop wakes to take them).
    s.send("dopamine");
    s.wait_for("the results", |s| {
        s.contains("> dopamine") && s.contains("19 lines in 8 notes")
    });
    s.send("\r");
    let screen = s.status_has("ai_and_computational_models_in_neuroscience.md ·");
    assert!(!screen.contains("Search every note"), "the popup closed");
    s.send("n");
    s.status_has("Match 2 of 2: line 13");
    s.send("q");
    assert!(s.finish(), "engram exits successfully");
}

#[test]
fn open_flag_starts_at_the_note_and_ctrl_c_quits() {
    let mut s = Session::start(&["notes", "--open", "welcome"], 80, 24);
    let screen = s.status_has("welcome.md ·");
    assert!(screen.contains("┌ Welcome to engram"));
    s.send("\x03");
    assert!(s.finish());
    assert!(!s.parser.lock().expect("lock").screen().alternate_screen());
}

#[test]
fn a_20x5_terminal_works_and_quits() {
    let mut s = Session::start(&["--vault", "notes"], 20, 5);
    // The list is sorted by title once the notes are read: before that, by file name.
    s.wait_for("the list by title", |s| s.contains("About engram"));
    s.send("j\r");
    s.wait_for("the note", |s| s.contains("AI and"));
    s.send("q");
    assert!(s.finish());
}

#[test]
fn open_flag_naming_no_note_exits_2_before_touching_the_terminal() {
    let out = Command::new(env!("CARGO_BIN_EXE_engram"))
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("engram-test-cache"),
        )
        .args(["notes", "--open", "no_such_note"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("run engram");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing drawn");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no note named \"no_such_note\""), "{err}");
}

#[test]
fn without_a_terminal_the_browser_refuses_clearly() {
    let out = Command::new(env!("CARGO_BIN_EXE_engram"))
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("engram-test-cache"),
        )
        .arg("notes")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .output()
        .expect("run engram");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "no escape codes written to a pipe");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal"), "{err}");
}

/// Set in the environment of the child that [`a_panic_restores_the_terminal_too`] starts.
const PROBE_ENV: &str = "ENGRAM_PANIC_PROBE";

/// Not a test of its own: the child process of [`a_panic_restores_the_terminal_too`]. This test
/// binary re-runs itself in the pty with only this test selected, and here runs the browser with a
/// system opener that panics, so pressing `x` on a web link panics inside the event loop.
#[test]
#[ignore = "run by a_panic_restores_the_terminal_too in a pty"]
fn panic_probe_child() {
    if std::env::var_os(PROBE_ENV).is_none() {
        return;
    }
    use engram::app::{self, App, Options};
    let loaded = engram::commands::Loaded::new(
        engram::vault::Vault::load(Path::new("notes")).expect("the sample vault loads"),
    );
    let open = loaded.graph.find_note(&loaded.vault, "features/links");
    let mut app = App::new(
        loaded,
        Options {
            open,
            opener: Box::new(|url: &str| panic!("the opener exploded on {url}")),
            ..Options::default()
        },
    );
    app::terminal::run(&mut app).expect("the terminal works");
}

#[test]
fn a_panic_restores_the_terminal_too() {
    let me = std::env::current_exe().expect("this test binary");
    let args = [
        "panic_probe_child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ];
    let mut s = Session::start_program(
        &me,
        &args,
        100,
        30,
        &[(PROBE_ENV, "1"), ("RUST_BACKTRACE", "0")],
    );
    s.status_has("features/links.md ·");
    // Select the web link, then ask the (exploding) system opener to open it.
    for _ in 0..40 {
        s.send("\t");
        thread::sleep(Duration::from_millis(30));
        if s.screen().contains("→ https://example.org (web link") {
            break;
        }
    }
    s.status_has("→ https://example.org (web link");
    s.send("x");
    let status = s.finish_status();
    assert!(!status.success(), "the probe panicked");
    let out = s.output();
    assert!(
        out.contains("the opener exploded"),
        "the panic message is shown"
    );
    let after_mouse_on = &out[out.rfind("\x1b[?1000h").expect("mouse capture was on")..];
    assert!(after_mouse_on.contains("\x1b[?1000l"), "mouse capture off");
    assert!(after_mouse_on.contains("\x1b[?25h"), "cursor shown");
    assert!(
        after_mouse_on.contains("\x1b[?1049l"),
        "alternate screen left"
    );
    let parser = s.parser.lock().expect("lock");
    let screen = parser.screen();
    assert!(!screen.alternate_screen());
    assert!(!screen.hide_cursor());
    assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    assert!(
        screen.contents().contains("the opener exploded"),
        "printed on the main screen"
    );
}

/// Sends a signal to the child with kill(1), so the test needs no unsafe code.
fn signal(s: &Session, name: &str) {
    let pid = s.child.process_id().expect("child pid");
    let ok = Command::new("kill")
        .args([&format!("-{name}"), &pid.to_string()])
        .status()
        .expect("run kill")
        .success();
    assert!(ok, "kill -{name} {pid}");
}

/// The terminal is back as the shell had it: main screen, cursor shown, no mouse reporting.
fn assert_restored(s: &Session) {
    let out = s.output();
    assert!(
        out.ends_with("\x1b[?1049l"),
        "leaving the alternate screen is the last thing written: {:?}",
        &out[out.len().saturating_sub(80)..]
    );
    let parser = s.parser.lock().expect("lock");
    let screen = parser.screen();
    assert!(!screen.alternate_screen(), "back on the main screen");
    assert!(!screen.hide_cursor(), "cursor visible");
    assert_eq!(screen.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    for sig in ["TERM", "HUP"] {
        let mut s = Session::start(&["notes"], 80, 24);
        s.wait_for("the note list", |s| s.contains("Notes 24"));
        signal(&s, sig);
        s.finish_status();
        assert_restored(&s);
    }
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_resumes() {
    // A job-control shell in the pty, as a user has: engram runs in its own process group, so
    // Ctrl-z really stops it and `fg` brings it back.
    let bash = Path::new("/bin/bash");
    if !bash.exists() {
        eprintln!("no /bin/bash; skipping");
        return;
    }
    let mut s = Session::start_program(
        bash,
        &["--norc", "--noprofile", "-i"],
        100,
        30,
        &[("PS1", "shell$ ")],
    );
    s.wait_for("the prompt", |s| s.contains("shell$"));
    s.send(&format!("{} notes\r", env!("CARGO_BIN_EXE_engram")));
    s.wait_for("the note list", |s| s.contains("Welcome to engram"));
    s.send("\x1a");
    let screen = s.wait_for("the shell after Ctrl-z", |s| s.contains("Stopped"));
    assert!(!screen.contains("Welcome to engram"), "{screen}");
    {
        let parser = s.parser.lock().expect("lock");
        assert!(
            !parser.screen().alternate_screen(),
            "the shell has its screen"
        );
        assert_eq!(
            parser.screen().mouse_protocol_mode(),
            vt100::MouseProtocolMode::None
        );
    }
    s.send("fg\r");
    s.wait_for("the browser again", |s| s.contains("Welcome to engram"));
    s.send("j\r");
    s.wait_for("it still answers keys", |s| {
        s.contains("AI and computational")
    });
    s.send("q");
    s.wait_for("the prompt after quitting", |s| {
        s.lines().filter(|l| l.contains("shell$")).count() >= 2
    });
    assert!(!s.parser.lock().expect("lock").screen().alternate_screen());
    s.send("exit\r");
    s.finish_status();
}

/// A vault with a short note and the note it will link to, in a temporary folder.
fn edit_vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.md"), "# Alpha\n\nsome text of alpha\n").expect("write");
    std::fs::write(dir.path().join("Other.md"), "# Other\n\nthe other note\n").expect("write");
    dir
}

#[test]
fn e_runs_the_editor_and_the_link_it_added_is_shown_and_followable() {
    let dir = edit_vault();
    // The scripted editor is called `vi`, so engram passes it +LINE; it records its arguments and
    // appends a link to the file given last.
    let bin = dir.path().join(".bin");
    std::fs::create_dir(&bin).expect("mkdir");
    let script = bin.join("vi");
    let log = dir.path().join(".args");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\nfor last; do :; done\nprintf '\\n[[Other]]\\n' >> \"$last\"\n",
            log.display()
        ),
    )
    .expect("write the editor");
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let vault = dir.path().to_string_lossy().into_owned();
    let editor = script.to_string_lossy().into_owned();
    let mut s = Session::start_program(
        Path::new(env!("CARGO_BIN_EXE_engram")),
        &[&vault, "--open", "a.md"],
        100,
        30,
        &[("EDITOR", &editor), ("VISUAL", "")],
    );
    s.wait_for("the note", |s| s.contains("some text of alpha"));
    s.send("e");
    s.status_has("Edited a.md");
    let screen = s.wait_for("the new link", |s| s.contains("Other"));
    assert!(screen.contains("some text of alpha"), "{screen}");
    let args = std::fs::read_to_string(&log).expect("the editor ran");
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args.len(), 2, "{args:?}");
    assert_eq!(args[0], "+1");
    assert!(args[1].ends_with("a.md"), "{args:?}");
    // The new link is a link: Tab selects it, Enter follows it.
    s.send("\t");
    s.status_has("Other.md");
    s.send("\r");
    s.wait_for("the linked note", |s| s.contains("the other note"));
    s.send("q");
    assert!(s.finish());
    // engram itself wrote nothing into the vault: only the editor did.
    let text = std::fs::read_to_string(dir.path().join("a.md")).expect("read");
    assert_eq!(text, "# Alpha\n\nsome text of alpha\n\n[[Other]]\n");
}

#[test]
fn a_failing_editor_is_reported_and_the_browser_goes_on() {
    let dir = edit_vault();
    let vault = dir.path().to_string_lossy().into_owned();
    let mut s = Session::start_program(
        Path::new(env!("CARGO_BIN_EXE_engram")),
        &[&vault, "--open", "a.md", "--no-watch"],
        100,
        30,
        &[("EDITOR", "false"), ("VISUAL", "")],
    );
    s.wait_for("the note", |s| s.contains("some text of alpha"));
    s.send("e");
    s.status_has("Editor failed: false exited with status 1");
    s.send("h");
    s.wait_for("the browser still answers keys", |s| {
        s.contains("some text of alpha")
    });
    s.send("q");
    assert!(s.finish());
}

#[test]
fn the_browser_shows_a_note_created_on_disk_unless_told_not_to_watch() {
    for watch in [true, false] {
        let dir = edit_vault();
        let vault = dir.path().to_string_lossy().into_owned();
        let mut args = vec![vault.as_str()];
        if !watch {
            args.push("--no-watch");
        }
        let mut s = Session::start(&args, 100, 30);
        s.wait_for("the list", |s| s.contains("Alpha") && s.contains("Other"));
        std::fs::write(dir.path().join("fresh.md"), "# Freshly written\n[[a]]\n").expect("write");
        if watch {
            s.wait_for("the new note in the list", |s| {
                s.contains("Freshly written")
            });
        } else {
            thread::sleep(Duration::from_millis(700));
            assert!(!s.screen().contains("Freshly written"), "{}", s.screen());
        }
        s.send("q");
        assert!(s.finish());
    }
}

/// The vault loaded behind the first frame is handed to the browser, and the watcher that starts
/// after it applies an edit to a note already there (its new title reaches the list).
#[test]
fn a_note_edited_after_the_load_shows_its_new_title() {
    let dir = edit_vault();
    let vault = dir.path().to_string_lossy().into_owned();
    let mut s = Session::start(&[&vault], 100, 30);
    // "Alpha" is the note's H1: the list shows it only once the load has been taken in.
    s.wait_for("the loaded titles", |s| {
        s.contains("Alpha") && s.contains("Other")
    });
    std::fs::write(
        dir.path().join("a.md"),
        "# Alpha renamed\n\nsome text of alpha\n",
    )
    .expect("write");
    s.wait_for("the new title in the list", |s| s.contains("Alpha renamed"));
    s.send("q");
    assert!(s.finish());
}
