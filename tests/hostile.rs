//! A hostile vault (issue 7): every kind of bad input the loader can meet, next to ordinary notes.
//! Each bad file gets a diagnostic naming it and its problem; every ordinary note still loads; no
//! command changes a byte of the vault.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use engram::app::{App, Options};
use engram::commands::Loaded;
use engram::vault::{DiagnosticKind, Vault};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const ORDINARY: &[(&str, &str)] = &[
    ("ok/one.md", "# One\n[[two]] and [[crlf]]\n"),
    ("ok/two.md", "---\ntitle: Two\n---\nback to [[one]]\n"),
    ("ok/three.md", "plain #tag\n"),
];

fn write(root: &Path, rel: impl AsRef<Path>, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    fs::write(p, bytes).expect("write");
}

/// Builds the hostile vault; returns its folder. `huge` adds the 30 MB note, which costs seconds
/// to parse in a debug build, so only the tests that need it make it.
fn hostile(huge: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = dir.path();
    for (p, t) in ORDINARY {
        write(r, p, t);
    }
    write(
        r,
        "yaml/unclosed_flow.md",
        "---\ntitle: [unclosed\n---\nbody [[one]]\n",
    );
    write(r, "yaml/not_a_mapping.md", "---\n- a\n- b\n---\nbody\n");
    write(
        r,
        "yaml/wrong_types.md",
        "---\ntitle: [a, b]\naliases: {x: 1}\ntags: 5\n---\nbody\n",
    );
    let bomb = "---\na: &a [x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n\
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n\
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n\
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\nbody\n";
    write(r, "yaml/billion_laughs.md", bomb);
    write(
        r,
        "yaml/never_closed.md",
        "---\ntitle: x\nno closing fence [[one]]\n",
    );
    write(r, "bytes/latin1.md", b"caf\xe9 [[one]]\n");
    write(r, "bytes/binary.md", b"\x89PNG\r\n\x1a\n\0\0\0IHDR");
    write(r, "bytes/empty.md", b"");
    write(
        r,
        "crlf.md",
        "---\r\ntitle: Crlf\r\n---\r\n# Head\r\n[[one]]\r\n",
    );
    if huge {
        let mut big = String::with_capacity(31 << 20);
        while big.len() < 30 << 20 {
            big.push_str("A line of a very large note with a [[one]] link in it.\n");
        }
        write(r, "size/thirty_mb.md", big);
    }
    write(r, "size/long_line.md", "x".repeat(1 << 20) + " [[one]]\n");
    write(
        r,
        "nest/lists.md",
        "- a\n".to_string()
            + &(1..3000)
                .map(|i| format!("{}- x\n", "  ".repeat(i)))
                .collect::<String>(),
    );
    write(r, "nest/quotes.md", ">".repeat(5000) + " deep [[one]]\n");
    write(r, "links/ten_thousand.md", "[[one]] ".repeat(10_000));
    write(r, "names/new\nline.md", "name with a newline [[one]]\n");
    write(r, "names/\u{202e}evil\u{2066}bidi.md", "bidi name\n");
    write(r, "names/\x1b[31mred.md", "escape in the name\n");
    let deep: PathBuf = (0..60).map(|i| format!("d{i}")).collect();
    write(r, deep.join("deep.md"), "sixty folders down [[one]]\n");
    // Reading /proc/self/mem at offset 0 fails with an I/O error even for root: an unreadable note.
    symlink("/proc/self/mem", r.join("unreadable.md")).expect("symlink");
    symlink(r.join("nowhere.md"), r.join("dangling.md")).expect("symlink");
    symlink(r, r.join("loop")).expect("symlink");
    fs::create_dir_all(r.join(".obsidian")).expect("mkdir");
    write(r, ".obsidian/hidden.md", "[[never loaded]]");
    dir
}

fn kinds(v: &Vault, path: &str) -> Vec<DiagnosticKind> {
    v.diagnostics
        .iter()
        .filter(|d| d.path == path)
        .map(|d| d.kind)
        .collect()
}

#[test]
fn every_bad_file_gets_a_diagnostic_and_the_rest_loads() {
    let dir = hostile(true);
    let started = Instant::now();
    let v = Vault::load(dir.path()).expect("load");
    let elapsed = started.elapsed();
    let l = Loaded::new(v);
    let v = &l.vault;

    for (p, _) in ORDINARY {
        assert!(v.note_by_path(p).is_some(), "{p} loads");
    }
    use DiagnosticKind::*;
    assert_eq!(kinds(v, "yaml/unclosed_flow.md"), [InvalidFrontmatter]);
    assert_eq!(kinds(v, "yaml/not_a_mapping.md"), [InvalidFrontmatter]);
    assert_eq!(kinds(v, "yaml/billion_laughs.md"), [InvalidFrontmatter]);
    assert_eq!(kinds(v, "yaml/never_closed.md"), [UnclosedFrontmatter]);
    assert_eq!(kinds(v, "bytes/latin1.md"), [InvalidUtf8]);
    assert_eq!(kinds(v, "bytes/binary.md"), [Binary]);
    assert_eq!(kinds(v, "unreadable.md"), [Unreadable]);
    assert_eq!(kinds(v, "dangling.md"), [BadSymlink]);
    assert_eq!(kinds(v, "loop"), [BadSymlink]);
    let msg = |p: &str| {
        v.diagnostics
            .iter()
            .find(|d| d.path == p)
            .map(|d| d.message.clone())
            .unwrap_or_default()
    };
    assert!(msg("loop").contains("loops back"), "{}", msg("loop"));
    assert!(
        msg("bytes/binary.md").contains("NUL"),
        "{}",
        msg("bytes/binary.md")
    );
    assert!(msg("yaml/billion_laughs.md").contains("repetition limit"));

    // Wrong types are tolerated, not fatal: the title falls back, the alias map is ignored.
    assert!(kinds(v, "yaml/wrong_types.md").is_empty());
    let wrong = &v.notes[v.note_by_path("yaml/wrong_types.md").expect("loads")];
    assert_eq!(wrong.title, "wrong_types");
    assert_eq!(wrong.tags, ["5"]);

    // Bodies of notes with bad frontmatter still load, and their links count.
    let one = v.note_by_path("ok/one.md").expect("one");
    let from: Vec<&str> = l.graph.backlinks[one]
        .iter()
        .map(|r| v.notes[r.note].path.as_str())
        .collect();
    for p in [
        "yaml/unclosed_flow.md",
        "yaml/never_closed.md",
        "bytes/latin1.md",
        "crlf.md",
        "size/thirty_mb.md",
        "size/long_line.md",
        "nest/quotes.md",
        "links/ten_thousand.md",
        "names/new\nline.md",
    ] {
        assert!(from.contains(&p), "{p} links to one: {from:?}");
    }
    assert!(from.iter().any(|p| p.ends_with("d59/deep.md")));
    assert_eq!(
        from.iter()
            .filter(|p| **p == "links/ten_thousand.md")
            .count(),
        10_000
    );

    // Invalid UTF-8 is read with a replacement character.
    let latin = v.note_by_path("bytes/latin1.md").expect("latin1");
    assert!(v
        .read_text(latin)
        .expect("text")
        .starts_with("caf\u{fffd} "));
    // CRLF: frontmatter, heading and link all found.
    let crlf = &v.notes[v.note_by_path("crlf.md").expect("crlf")];
    assert_eq!(crlf.title, "Crlf");
    assert_eq!(crlf.parsed.headings[0].text, "Head");
    // Empty, binary and odd names are notes too; hidden folders are not walked.
    for p in [
        "bytes/empty.md",
        "bytes/binary.md",
        "names/\u{202e}evil\u{2066}bidi.md",
        "names/\x1b[31mred.md",
    ] {
        assert!(v.note_by_path(p).is_some(), "{p:?}");
    }
    assert!(v.notes.iter().all(|n| !n.path.starts_with(".obsidian")));
    eprintln!("loaded the hostile vault in {elapsed:?}");
}

/// Every file under `dir` (not following symlinks) with its bytes and modification time.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).expect("read_dir") {
            let p = e.expect("entry").path();
            let meta = fs::symlink_metadata(&p).expect("meta");
            if meta.is_dir() {
                stack.push(p);
            } else if meta.is_file() {
                out.push((
                    p.clone(),
                    fs::read(&p).expect("read"),
                    meta.modified().expect("mtime"),
                ));
            } else {
                out.push((
                    p.clone(),
                    fs::read_link(&p)
                        .map(|t| t.into_os_string().into_encoded_bytes())
                        .unwrap_or_default(),
                    meta.modified().expect("mtime"),
                ));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn commands_on_the_hostile_vault_never_panic_never_write_and_never_emit_escapes() {
    let dir = hostile(false);
    let before = fingerprint(dir.path());
    let vault = dir.path().to_str().expect("utf-8 temp path");
    for args in [
        vec!["list"],
        vec!["list", "--json"],
        vec!["check"],
        vec!["check", "--json"],
        vec!["stats", "--json"],
        vec!["links", "ok/one.md"],
        vec!["backlinks", "one"],
        vec!["backlinks", "one", "--json"],
        vec!["grep", "one"],
        vec!["tags", "--json"],
        vec!["orphans"],
        vec!["unresolved"],
        vec!["show", "ok/one.md"],
        vec!["show", "nest/lists.md", "--width", "7"],
        vec!["show", "nest/quotes.md"],
        vec!["show", "bytes/latin1.md"],
        vec!["show", "bytes/binary.md"],
        vec!["show", "size/long_line.md", "--width", "1"],
        vec!["show", "links/ten_thousand.md"],
        vec!["show", "yaml/billion_laughs.md"],
    ] {
        let mut a = args.clone();
        a.extend(["--vault", vault]);
        let o = Command::new(env!("CARGO_BIN_EXE_engram"))
            .env(
                "XDG_CACHE_HOME",
                std::env::temp_dir().join("engram-test-cache"),
            )
            .args(&a)
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{args:?}: {:?} {err}",
            o.status
        );
        assert!(!o.stdout.contains(&0x1b), "{args:?} printed an escape byte");
    }
    assert!(before == fingerprint(dir.path()), "the vault changed");
}

#[test]
fn browsing_every_hostile_note_changes_nothing() {
    let dir = hostile(false);
    let before = fingerprint(dir.path());
    let loaded = Loaded::new(Vault::load(dir.path()).expect("load"));
    let notes = loaded.vault.notes.len();
    let mut app = App::new(
        loaded,
        Options {
            opener: Box::new(|_| Err("no opener in tests".into())),
            size: (100, 30),
            ..Options::default()
        },
    );
    let mut term = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let mut press = |app: &mut App, code: KeyCode| {
        app.handle_event(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        term.draw(|f| app.draw(f)).expect("draw");
    };
    // Open every note from the list, follow its first links, go back, and visit every view.
    for i in 0..notes {
        press(&mut app, KeyCode::Char('h'));
        press(&mut app, KeyCode::Char('g'));
        for _ in 0..i {
            press(&mut app, KeyCode::Char('j'));
        }
        for code in [
            KeyCode::Enter,
            KeyCode::Tab,
            KeyCode::Enter,
            KeyCode::Backspace,
            KeyCode::Char('G'),
            KeyCode::Char('f'),
            KeyCode::Esc,
            KeyCode::Char('o'),
            KeyCode::Esc,
            KeyCode::Char('x'),
        ] {
            press(&mut app, code);
        }
    }
    for code in [
        KeyCode::Char('F'),
        KeyCode::Char('o'),
        KeyCode::Char('n'),
        KeyCode::Char('e'),
        KeyCode::Enter,
        KeyCode::Char('n'),
        KeyCode::Char('t'),
        KeyCode::Enter,
        KeyCode::Esc,
        KeyCode::Char('u'),
        KeyCode::Enter,
        KeyCode::Char('/'),
        KeyCode::Char('a'),
        KeyCode::Enter,
    ] {
        press(&mut app, code);
    }
    assert!(
        before == fingerprint(dir.path()),
        "browsing changed the vault"
    );
}

/// The first frame's listing (`Vault::scan`) is in path order, notes, attachments and the walk's
/// diagnostics alike, whatever order the folder lists its entries in: the walk does not sort
/// (every caller does), so a dozen names written out of order must still come back sorted, and
/// the same as a full load gives.
#[test]
fn the_first_frames_listing_is_in_path_order_whatever_the_folder_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = dir.path();
    let names = ["m", "c", "x", "a", "q", "f", "z", "b", "k", "e", "t", "h"];
    for n in names {
        write(r, format!("{n}/note {n}.md"), format!("# {n}\n"));
        write(r, format!("{n}.md"), "text\n");
        write(r, format!("files/{n}.png"), "png");
        symlink(
            r.join(format!("nowhere-{n}")),
            r.join(format!("dangling-{n}.md")),
        )
        .expect("symlink");
    }
    let scan = Vault::scan(r, &Default::default()).expect("scan");
    let load = Vault::load(r).expect("load");
    let notes = |v: &Vault| v.notes.iter().map(|n| n.path.clone()).collect::<Vec<_>>();
    let files = |v: &Vault| {
        v.attachments
            .iter()
            .map(|a| a.path.clone())
            .collect::<Vec<_>>()
    };
    let problems = |v: &Vault| {
        v.diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.kind))
            .collect::<Vec<_>>()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(notes(&scan).len(), 2 * names.len());
    assert_eq!(notes(&scan), sorted(notes(&scan)));
    assert_eq!(files(&scan), sorted(files(&scan)));
    assert_eq!(problems(&scan).len(), names.len());
    assert!(problems(&scan).windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(notes(&scan), notes(&load));
    assert_eq!(files(&scan), files(&load));
    assert_eq!(problems(&scan), problems(&load));
}
