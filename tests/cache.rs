//! The index cache: a second start gives the same vault as the first, only changed notes are parsed
//! again, a cache that cannot be trusted is rebuilt, the vault is never written, and `--no-cache`
//! writes nothing at all.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime};

use engram::cache::{CacheProblem, CacheStatus};
use engram::vault::{LoadOptions, Vault};

mod common;
use common::{age, cached, files, root, set_mtime};

/// A generated vault plus the files the loader reports on, with every file dated an hour ago: the
/// cache does not trust entries for files changed just before it was written.
fn vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("vault");
    engram::gen::generate(&root, 120, 7).expect("generate");
    fs::write(root.join("binary.md"), b"bin\0ary").expect("write");
    fs::write(root.join("latin1.md"), b"caf\xe9 [[hubermanlab]]\n").expect("write");
    fs::write(root.join("unclosed.md"), "---\ntitle: x\n[[a]]\n").expect("write");
    fs::write(root.join("bad yaml.md"), "---\n: : [\n---\n# H\n").expect("write");
    age(&root, Duration::from_secs(3600));
    dir
}

/// Everything a load produced, as text, so two loads compare field by field.
fn snapshot(v: &Vault) -> String {
    format!("{:#?}\n{:#?}\n{:#?}", v.notes, v.attachments, v.diagnostics)
}

fn cache_file(dir: &tempfile::TempDir) -> PathBuf {
    let files = files(&dir.path().join("cache"));
    assert_eq!(files.len(), 1, "one cache file: {files:?}");
    files[0].clone()
}

#[test]
fn a_second_load_equals_the_first_and_reads_no_note() {
    let dir = vault();
    let plain = Vault::load(&root(&dir)).expect("load");
    assert_eq!(plain.cache.status, CacheStatus::Off);
    assert!(!dir.path().join("cache").exists());

    let first = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(first.cache.status, CacheStatus::Missing);
    assert!(first.cache.written);
    assert_eq!(first.cache.parsed, plain.notes.len());
    assert_eq!(snapshot(&first), snapshot(&plain));

    let second = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(second.cache.status, CacheStatus::Used);
    assert_eq!(second.cache.reused, plain.notes.len());
    assert_eq!(second.cache.parsed, 0);
    assert!(!second.cache.written, "nothing changed, nothing written");
    assert_eq!(snapshot(&second), snapshot(&plain));
    assert!(second.diagnostics.len() >= 4, "{:?}", second.diagnostics);
}

#[test]
fn the_note_list_can_be_read_from_the_cache_alone() {
    let dir = vault();
    assert_eq!(Vault::peek_cached(&root(&dir), &cached(&dir)), None);
    let v = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    let listed = Vault::peek_cached(&root(&dir), &cached(&dir)).expect("a cache");
    let expected: Vec<(String, String)> = v
        .notes
        .iter()
        .map(|n| (n.path.clone(), n.title.clone()))
        .collect();
    assert_eq!(listed, expected);
    assert_eq!(
        Vault::peek_cached(&root(&dir), &LoadOptions::default()),
        None
    );
}

/// The note list is read from the index at the start of the cache file, which has a checksum of
/// its own: a list longer than the first part read is read in more parts; damage to the index
/// gives no list, while damage to the note records after it leaves the list (the load then
/// rejects the file and parses the vault again).
#[test]
fn the_note_list_comes_from_the_checked_index_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("vault");
    fs::create_dir_all(&root).expect("mkdir");
    // 3,000 notes with long titles: an index of about 600 KB, more than the first part read.
    for i in 0..3000 {
        let title = format!("Note {i:04} {}", "with a rather long title ".repeat(6));
        fs::write(
            root.join(format!("n{i:04}.md")),
            format!("---\ntitle: {title}\n---\n[[n{:04}]]\n", (i + 1) % 3000),
        )
        .expect("write");
    }
    age(&root, Duration::from_secs(3600));
    let v = Vault::load_with(&root, &cached(&dir)).expect("load");
    let expected: Vec<(String, String)> = v
        .notes
        .iter()
        .map(|n| (n.path.clone(), n.title.clone()))
        .collect();
    assert_eq!(
        Vault::peek_cached(&root, &cached(&dir)),
        Some(expected.clone())
    );

    let file = cache_file(&dir);
    let good = fs::read(&file).expect("read");
    assert!(good.len() > 600_000);
    let flip = |at: usize| {
        let mut bytes = good.clone();
        bytes[at] ^= 0x20;
        fs::write(&file, bytes).expect("write");
    };
    // A byte of a title, far into the index.
    let title = "Note 2999 ";
    let at = good
        .windows(title.len())
        .position(|w| w == title.as_bytes())
        .expect("the last title is in the index");
    flip(at + 5);
    assert_eq!(
        Vault::peek_cached(&root, &cached(&dir)),
        None,
        "index damaged"
    );
    // The last byte before the final checksum belongs to a note record, not the index.
    flip(good.len() - 5);
    assert_eq!(
        Vault::peek_cached(&root, &cached(&dir)),
        Some(expected),
        "the index is intact"
    );
    let again = Vault::load_with(&root, &cached(&dir)).expect("load");
    assert_eq!(
        again.cache.status,
        CacheStatus::Rejected(CacheProblem::Corrupt)
    );
    // Cut inside the index.
    fs::write(&file, &good[..at]).expect("write");
    assert_eq!(Vault::peek_cached(&root, &cached(&dir)), None, "truncated");
}

#[test]
fn changed_added_and_deleted_notes_are_seen() {
    let dir = vault();
    Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    let notes = Vault::load(&root(&dir)).expect("load").notes;
    let changed = &notes[3];
    let mut text = fs::read_to_string(&changed.file).expect("read");
    text.push_str("\nA new line with [[a brand new link]] and #newtag.\n");
    fs::write(&changed.file, text).expect("write");
    set_mtime(&changed.file, SystemTime::now() - Duration::from_secs(1800));
    fs::remove_file(&notes[5].file).expect("remove");
    fs::write(root(&dir).join("new note.md"), "# New\n[[hubermanlab]]\n").expect("write");
    set_mtime(
        &root(&dir).join("new note.md"),
        SystemTime::now() - Duration::from_secs(1800),
    );

    let again = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(again.cache.status, CacheStatus::Used);
    assert_eq!(again.cache.parsed, 2, "the changed note and the new one");
    assert_eq!(again.cache.reused, notes.len() - 2);
    assert!(again.cache.written);
    assert_eq!(
        snapshot(&again),
        snapshot(&Vault::load(&root(&dir)).expect("load"))
    );
    let i = again.note_by_path(&changed.path).expect("still there");
    assert!(again.notes[i]
        .parsed
        .links
        .iter()
        .any(|l| l.target() == "a brand new link"));
    assert!(again.notes[i].tags.iter().any(|t| t == "newtag"));

    // The rewritten cache is used in full next time.
    let third = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(third.cache.parsed, 0);
    assert_eq!(snapshot(&third), snapshot(&again));
}

#[test]
fn a_note_changed_just_before_the_cache_was_written_is_parsed_again() {
    let dir = vault();
    let note = Vault::load(&root(&dir)).expect("load").notes[0]
        .file
        .clone();
    set_mtime(&note, SystemTime::now());
    Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    let again = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(
        again.cache.parsed, 1,
        "its time is too close to the scan to trust"
    );
}

/// Damages the cache file in some way, then checks the next load rejects it, parses everything, gives
/// the same vault, and writes a good cache again.
fn rejects(damage: impl Fn(&Path, &tempfile::TempDir), problem: CacheProblem) {
    let dir = vault();
    let good = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    damage(&cache_file(&dir), &dir);
    let v = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(v.cache.status, CacheStatus::Rejected(problem));
    assert_eq!(v.cache.reused, 0);
    assert_eq!(v.cache.parsed, good.notes.len());
    assert!(v.cache.written, "rebuilt");
    assert_eq!(snapshot(&v), snapshot(&good));
    let after = Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    assert_eq!(after.cache.status, CacheStatus::Used);
    assert_eq!(after.cache.parsed, 0);
}

#[test]
fn a_truncated_cache_is_rebuilt() {
    rejects(
        |f, _| {
            let b = fs::read(f).expect("read");
            fs::write(f, &b[..b.len() / 2]).expect("write");
        },
        CacheProblem::Corrupt,
    );
}

#[test]
fn a_cache_of_random_bytes_is_rebuilt() {
    rejects(
        |f, _| {
            let mut rng = engram::gen::Rng::new(99);
            let junk: Vec<u8> = (0..5000).map(|_| rng.next_u64() as u8).collect();
            fs::write(f, junk).expect("write");
        },
        CacheProblem::Corrupt,
    );
}

#[test]
fn a_cache_with_one_flipped_byte_is_rebuilt() {
    rejects(
        |f, _| {
            let mut b = fs::read(f).expect("read");
            let mid = b.len() / 2;
            b[mid] ^= 0x20;
            fs::write(f, b).expect("write");
        },
        CacheProblem::Corrupt,
    );
}

#[test]
fn a_cache_of_another_format_version_is_rebuilt() {
    rejects(
        |f, _| {
            let mut b = fs::read(f).expect("read");
            b[8] = b[8].wrapping_add(1); // the format version follows the 8-byte magic
            fs::write(f, b).expect("write");
        },
        CacheProblem::Version,
    );
}

#[test]
fn another_vaults_cache_is_not_trusted() {
    rejects(
        |f, dir| {
            let other = dir.path().join("other");
            engram::gen::generate(&other, 30, 8).expect("generate");
            age(&other, Duration::from_secs(3600));
            let opts = LoadOptions {
                cache: true,
                cache_dir: Some(dir.path().join("other-cache")),
            };
            Vault::load_with(&other, &opts).expect("load");
            let theirs = files(&dir.path().join("other-cache"));
            fs::copy(&theirs[0], f).expect("copy");
        },
        CacheProblem::OtherVault,
    );
}

#[test]
fn the_vault_is_never_written() {
    let dir = vault();
    let before: Vec<(PathBuf, Vec<u8>, SystemTime)> = files(&root(&dir))
        .into_iter()
        .map(|f| {
            let m = fs::metadata(&f).and_then(|m| m.modified()).expect("mtime");
            (f.clone(), fs::read(&f).expect("read"), m)
        })
        .collect();
    for _ in 0..2 {
        Vault::load_with(&root(&dir), &cached(&dir)).expect("load");
    }
    // A cache folder inside the vault is refused rather than written.
    let inside = LoadOptions {
        cache: true,
        cache_dir: Some(root(&dir).join("cache-here")),
    };
    let v = Vault::load_with(&root(&dir), &inside).expect("load");
    assert_eq!(v.cache.status, CacheStatus::Off);
    let after: Vec<(PathBuf, Vec<u8>, SystemTime)> = files(&root(&dir))
        .into_iter()
        .map(|f| {
            let m = fs::metadata(&f).and_then(|m| m.modified()).expect("mtime");
            (f.clone(), fs::read(&f).expect("read"), m)
        })
        .collect();
    assert!(
        before == after,
        "the vault's files, bytes and times are unchanged"
    );
}

fn engram(args: &[&str], cache_home: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_engram"))
        .args(args)
        .env("XDG_CACHE_HOME", cache_home)
        .output()
        .expect("run engram")
}

#[test]
fn the_binary_caches_in_xdg_cache_home_unless_told_not_to() {
    let dir = vault();
    let home = dir.path().join("xdg");
    fs::create_dir_all(&home).expect("mkdir");
    let vault_arg = root(&dir).to_string_lossy().into_owned();

    let o = engram(&["stats", "--no-cache", "--vault", &vault_arg], &home);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(files(&home).is_empty(), "--no-cache writes nothing");
    let no_cache = String::from_utf8_lossy(&o.stdout).into_owned();

    let o = engram(&["stats", "--vault", &vault_arg], &home);
    assert!(o.status.success());
    let written = files(&home);
    assert_eq!(written.len(), 1, "{written:?}");
    assert!(written[0].starts_with(home.join("engram")));
    assert!(written[0].extension().is_some_and(|e| e == "bin"));

    // A warm start prints the same figures (the load time aside).
    let o = engram(&["stats", "--vault", &vault_arg, "--json"], &home);
    let warm: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let o = engram(
        &["stats", "--no-cache", "--json", "--vault", &vault_arg],
        &home,
    );
    let cold: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    for key in [
        "notes",
        "links",
        "resolved",
        "unresolved_links",
        "tags",
        "diagnostics",
    ] {
        assert_eq!(warm[key], cold[key], "{key}");
    }
    assert!(no_cache.contains("notes"));
}

/// `Vault::scan` lists what a load would, without parsing: the browser's first frame.
#[test]
fn scan_lists_the_notes_of_a_load_without_parsing_them() {
    let dir = vault();
    let full = Vault::load(&root(&dir)).expect("load");
    let paths = |v: &Vault| v.notes.iter().map(|n| n.path.clone()).collect::<Vec<_>>();

    // No cache: titles are file names, attachments are known, nothing is parsed.
    let walked = Vault::scan(&root(&dir), &LoadOptions::default()).expect("scan");
    assert_eq!(paths(&walked), paths(&full));
    assert_eq!(walked.attachments.len(), full.attachments.len());
    for n in &walked.notes {
        assert_eq!(n.title, engram::vault::stem(&n.path));
        assert!(n.parsed.links.is_empty() && n.tags.is_empty() && !n.skipped);
    }

    // With a cache: the titles the last load found.
    Vault::load_with(&root(&dir), &cached(&dir)).expect("load and write the cache");
    let listed = Vault::scan(&root(&dir), &cached(&dir)).expect("scan");
    assert_eq!(paths(&listed), paths(&full));
    let titles = |v: &Vault| v.notes.iter().map(|n| n.title.clone()).collect::<Vec<_>>();
    assert_eq!(titles(&listed), titles(&full));
    assert!(listed.notes.iter().all(|n| n.parsed.links.is_empty()));

    let missing = Vault::scan(&dir.path().join("nowhere"), &LoadOptions::default());
    assert!(matches!(
        missing,
        Err(engram::vault::VaultError::Missing(_))
    ));
}
