//! The headless commands, run as a user runs them: the real binary on the sample vault `notes/` and
//! on small vaults made in temporary folders.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn engram(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engram"))
        .args(args)
        // The index cache goes to a scratch folder, not the user's.
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("engram-cli-test-cache"),
        )
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run engram")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(args: &[&str]) -> Value {
    let o = engram(args);
    assert!(
        o.status.code().is_some_and(|c| c <= 1),
        "{args:?}: {}",
        stderr(&o)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&o)))
}

const SEED: &str = "ai_and_computational_models_in_neuroscience.md";

fn temp_vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap_or(Path::new("."))).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

#[test]
fn help_lists_every_command() {
    let o = engram(&["--help"]);
    assert!(o.status.success());
    let out = stdout(&o);
    for cmd in [
        "list",
        "links",
        "backlinks",
        "check",
        "stats",
        "show",
        "--vault",
        "--open",
    ] {
        assert!(out.contains(cmd), "--help lacks {cmd}:\n{out}");
    }
}

#[test]
fn list_json_names_every_note_by_path() {
    let v = json(&["list", "--json", "--vault", "notes"]);
    let notes = v.as_array().expect("array");
    assert_eq!(notes.len(), 24);
    let seed = notes
        .iter()
        .find(|n| n["path"] == SEED)
        .expect("seed listed");
    assert_eq!(seed["title"], "AI and computational models in neuroscience");
    let welcome = notes
        .iter()
        .find(|n| n["path"] == "welcome.md")
        .expect("welcome");
    assert_eq!(
        welcome["aliases"],
        serde_json::json!(["start here", "home"])
    );
    let tagged = notes
        .iter()
        .find(|n| n["path"] == "features/tags_and_properties.md")
        .expect("tags note");
    let tags: Vec<&str> = tagged["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(tags.contains(&"obsidian/markdown"), "{tags:?}");
}

#[test]
fn vault_option_goes_before_or_after_the_command() {
    let before = engram(&["--vault", "notes", "list"]);
    let after = engram(&["list", "--vault", "notes"]);
    assert!(before.status.success() && after.status.success());
    assert_eq!(stdout(&before), stdout(&after));
    assert!(stdout(&before).lines().count() == 24);
}

#[test]
fn links_of_the_seed_note_with_lines_and_resolution() {
    let v = json(&["links", SEED, "--json", "--vault", "notes"]);
    let links = v.as_array().unwrap();
    assert_eq!(links.len(), 10);
    assert_eq!(links[0]["target"], "hubermanlab");
    assert_eq!(links[0]["line"], 6);
    assert_eq!(links[0]["status"], "resolved");
    assert_eq!(links[0]["resolved"], "hubermanlab.md");
    assert_eq!(links[4]["display"], "through memory improvement techniques");
    assert_eq!(
        links.iter().filter(|l| l["status"] == "resolved").count(),
        9
    );
    assert_eq!(links[9]["status"], "external");
    assert!(links.iter().all(|l| l["path"] == SEED));
}

#[test]
fn note_can_be_named_by_path_or_link_target() {
    let a = stdout(&engram(&[
        "links",
        "--vault",
        "notes",
        "engram/overview.md",
    ]));
    let b = stdout(&engram(&["links", "--vault", "notes", "engram/overview"]));
    let c = stdout(&engram(&[
        "links",
        "--vault",
        "notes",
        "[[engram/overview]]",
    ]));
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_eq!(a, c);
}

#[test]
fn backlinks_with_source_line_and_context() {
    let v = json(&["backlinks", "hubermanlab", "--json", "--vault", "notes"]);
    let items = v.as_array().unwrap();
    let seed = items
        .iter()
        .find(|b| b["path"] == SEED)
        .expect("the seed links to hubermanlab");
    assert_eq!(seed["line"], 6);
    assert_eq!(seed["context"], "From: [[hubermanlab]] <br/>");
    let text = stdout(&engram(&["backlinks", "hubermanlab", "--vault", "notes"]));
    assert!(
        text.contains(&format!("{SEED}:6  From: [[hubermanlab]] <br/>")),
        "{text}"
    );
}

#[test]
fn check_reports_the_deliberate_unresolved_link_and_exits_1() {
    let o = engram(&["check", "--vault", "notes"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("features/unresolved_links.md:11  [[a_note_that_does_not_exist_yet]]"),
        "{out}"
    );
    let v = json(&["check", "--json", "--vault", "notes"]);
    assert_eq!(v["unresolved"].as_array().unwrap().len(), 1);
    assert_eq!(v["unresolved"][0]["path"], "features/unresolved_links.md");
    assert_eq!(v["broken_subpaths"].as_array().unwrap().len(), 0);
    assert_eq!(v["problems"], 1);
}

#[test]
fn check_exits_0_on_a_clean_vault() {
    let dir = temp_vault(&[
        ("a.md", "[[b]]"),
        ("sub/b.md", "[[a#Top]]\n"),
        ("x.md", "# Top\n"),
    ]);
    let o = engram(&["check", "--vault", dir.path().to_str().unwrap()]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "[[a#Top]] has no such heading: {}",
        stdout(&o)
    );
    let dir = temp_vault(&[("a.md", "# Top\n[[b]]"), ("sub/b.md", "[[a#Top]]\n")]);
    let o = engram(&["check", "--vault", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert!(stdout(&o).contains("no problems in 2 notes"));
}

#[test]
fn check_reports_broken_subpaths_alias_links_and_bad_files() {
    let dir = temp_vault(&[
        ("a.md", "[[b#Nowhere]] [[Bee]]"),
        ("b.md", "---\naliases: [Bee]\n---\n"),
        ("bad.md", "---\ntitle: [unclosed\n---\nbody [[a]]\n"),
    ]);
    let v = json(&["check", "--json", "--vault", dir.path().to_str().unwrap()]);
    assert_eq!(v["broken_subpaths"][0]["target"], "b#Nowhere");
    assert_eq!(v["alias_resolved"][0]["resolved"], "b.md");
    assert_eq!(v["alias_resolved"][0]["status"], "alias");
    assert_eq!(v["diagnostics"][0]["path"], "bad.md");
    assert_eq!(v["diagnostics"][0]["kind"], "invalid_frontmatter");
    // The bad note's body still loads and its link counts.
    let b = json(&[
        "backlinks",
        "a",
        "--json",
        "--vault",
        dir.path().to_str().unwrap(),
    ]);
    assert_eq!(b[0]["path"], "bad.md");
    // `stats` counts each kind of link once.
    let dir = temp_vault(&[
        (
            "a.md",
            "[[b#Nowhere]] [[Bee]] [[ghost]] [x](https://example.org) ![[pic.png]]",
        ),
        ("b.md", "---\naliases: [Bee]\n---\n[[a]] [[ghost]]"),
        ("pic.png", ""),
    ]);
    let s = json(&["stats", "--json", "--vault", dir.path().to_str().unwrap()]);
    let count = |key: &str| s[key].as_u64().unwrap_or_else(|| panic!("{key}: {s}"));
    assert_eq!(
        [
            "links",
            "resolved",
            "external",
            "unresolved_links",
            "unresolved_targets",
            "broken_subpaths",
            "alias_resolved",
        ]
        .map(count),
        [7, 4, 1, 2, 1, 1, 1]
    );
}

#[test]
fn stats_json_has_the_documented_keys() {
    let v = json(&["stats", "--json", "--vault", "notes"]);
    for key in [
        "notes",
        "attachments",
        "links",
        "resolved",
        "unresolved_links",
        "unresolved_targets",
        "broken_subpaths",
        "alias_resolved",
        "tags",
        "diagnostics",
        "load_ms",
    ] {
        assert!(v.get(key).is_some(), "stats --json lacks {key}: {v}");
    }
    assert_eq!(v["notes"], 24);
    assert_eq!(v["attachments"], 1);
    assert_eq!(v["unresolved_links"], 1);
    assert_eq!(v["unresolved_targets"], 1);
    assert_eq!(v["diagnostics"], 0);
    let text = stdout(&engram(&["stats", "--vault", "notes"]));
    assert!(text.contains("load time"), "{text}");
}

#[test]
fn missing_vault_or_note_is_exit_2_with_one_line() {
    let missing: PathBuf = std::env::temp_dir().join("engram-no-such-vault-xyz");
    let o = engram(&["stats", "--vault", missing.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("does not exist") && err.contains("engram-no-such-vault-xyz"),
        "{err}"
    );

    let o = engram(&["list", "--vault", "Cargo.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("not a folder"));

    let o = engram(&["links", "no_such_note", "--vault", "notes"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no note named \"no_such_note\""),
        "{}",
        stderr(&o)
    );

    let o = engram(&["frobnicate", "--vault", "notes"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn commands_never_write_to_the_vault() {
    let dir = temp_vault(&[("a.md", "[[b]] #tag"), ("b.md", "---\ntitle: B\n---\n")]);
    let before = snapshot(dir.path());
    for args in [
        &["list"][..],
        &["links", "a"],
        &["backlinks", "b"],
        &["check"],
        &["stats"],
    ] {
        let mut a = args.to_vec();
        a.extend(["--json", "--vault", dir.path().to_str().unwrap()]);
        engram(&a);
    }
    assert_eq!(before, snapshot(dir.path()));
}

/// Every file's path, bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut out = Vec::new();
    for e in walk(dir) {
        let meta = std::fs::metadata(&e).unwrap();
        out.push((
            e.clone(),
            std::fs::read(&e).unwrap(),
            meta.modified().unwrap(),
        ));
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Issue 7: `engram show` prints a note too large to render at once whole, part after part, with
/// every paragraph once and in order, as the browser scrolls through it.
#[test]
fn show_prints_a_large_note_whole() {
    let n = 120_000;
    let text: String = (1..=n).map(|i| format!("Para {i:06} here.\n\n")).collect();
    assert!(text.len() > 2 << 20);
    let dir = temp_vault(&[("big.md", &text)]);
    let vault = dir.path().to_str().expect("utf-8 path");
    let o = engram(&["show", "big", "--plain", "--vault", vault]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let expected: String = (1..=n)
        .map(|i| format!("Para {i:06} here."))
        .collect::<Vec<_>>()
        .join("\n\n");
    assert_eq!(out.trim_end(), expected);
}
