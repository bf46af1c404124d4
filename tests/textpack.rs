//! The text pack (issue 5): every note's bytes come back exactly from the pack; a note whose file
//! changed, was added, or was modified too close to the pack's writing is read from its file; a pack
//! that is damaged or not this vault's is ignored and searches stay correct; nothing is ever written
//! into the vault, `--no-cache` writes no pack, and `engram grep` prints the same with and without one.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

use engram::fulltext::{search, search_all, Cancel, Query, SearchReport};
use engram::textpack::{self, Refresh};
use engram::vault::{LoadOptions, Vault};

mod common;
use common::{age, cached, files, root, set_mtime};

// ---------------------------------------------------------------------------------------------
// Helpers

/// A generated vault plus odd files, every file dated an hour ago (the pack does not trust texts of
/// files modified just before it was written).
fn vault() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("vault");
    engram::gen::generate(&root, 120, 11).expect("generate");
    fs::write(root.join("binary.md"), b"bin\0ary zebra").expect("write");
    fs::write(
        root.join("latin1.md"),
        b"caf\xe9 zebra [[hubermanlab]]\ncaf\xc3\xa9 au lait\n",
    )
    .expect("write");
    fs::write(root.join("empty.md"), b"").expect("write");
    fs::write(
        root.join("zebra.md"),
        "# Zebra\nA zebra crossing.\nNo stripes here.\n",
    )
    .expect("write");
    age(&root, Duration::from_secs(3600));
    dir
}

fn load(dir: &tempfile::TempDir) -> Vault {
    Vault::load_with(&root(dir), &cached(dir)).expect("load")
}

fn q(s: &str) -> Query {
    Query::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// Every hit of a query as `path:line: snippet [spans]`, so two searches compare exactly.
fn listing(v: &Vault, query: &str) -> Vec<String> {
    search_all(v, &q(query))
        .iter()
        .map(|h| {
            format!(
                "{}:{}: {} {:?}",
                v.notes[h.note].path, h.line, h.snippet, h.spans
            )
        })
        .collect()
}

/// The one note whose content is skipped (binary): a search counts it as read, with no text.
const SKIPPED: usize = 1;

fn report(v: &Vault, query: &str) -> SearchReport {
    search(v, &q(query), &Cancel::new(), |_| {})
}

fn pack_file(dir: &tempfile::TempDir) -> PathBuf {
    let v = load(dir);
    v.pack_file().expect("a pack place").to_path_buf()
}

fn written(r: Refresh) -> (usize, usize) {
    match r {
        Refresh::Written { notes, reused, .. } => (notes, reused),
        other => panic!("expected a written pack, got {other:?}"),
    }
}

const QUERIES: &[&str] = &[
    "zebra",
    "dopamine",
    "Dopamine reward",
    "\"the reward\"",
    "line:(sleep light)",
    "section:(brain focus)",
    "café",
    "-dopamine",
    "tag:topic",
    "nothing-matches-this",
];

// ---------------------------------------------------------------------------------------------
// Round trip

#[test]
fn a_pack_round_trips_every_notes_bytes_and_a_second_refresh_writes_nothing() {
    let dir = vault();
    let v = load(&dir);
    assert!(
        !v.pack_file().expect("place").exists(),
        "loading writes no pack"
    );
    let texts = v.texts();
    assert!(!texts.has_pack());
    drop(texts);

    let (notes, reused) = written(textpack::refresh(&v).expect("refresh"));
    // Every note but the binary one, whose content is never searched.
    assert_eq!(notes, v.notes.len() - 1);
    assert_eq!(reused, 0);
    assert!(v.pack_file().expect("place").exists());

    let texts = v.texts();
    assert!(texts.has_pack());
    let mut buf = Vec::new();
    let mut from_pack = 0;
    for (i, n) in v.notes.iter().enumerate() {
        let t = texts.get(i, &mut buf).expect("text");
        if n.skipped {
            assert!(t.bytes.is_empty() && !t.from_pack, "{}", n.path);
            continue;
        }
        assert!(t.from_pack, "{} comes from the pack", n.path);
        assert_eq!(
            t.bytes,
            fs::read(&n.file).expect("read").as_slice(),
            "{}",
            n.path
        );
        from_pack += 1;
    }
    assert_eq!(from_pack, v.notes.len() - 1);
    // Texts loaded by chunks, as a search loads them, are the same bytes; a note outside the
    // loaded chunk is still read from the pack.
    let mut texts = texts;
    let half = v.notes.len() / 2;
    for chunk in [0..half, half..v.notes.len()] {
        texts.load(chunk.clone());
        for i in chunk.filter(|&i| !v.notes[i].skipped) {
            let t = texts.get(i, &mut buf).expect("text");
            assert!(t.from_pack);
            assert_eq!(
                t.bytes,
                fs::read(&v.notes[i].file).expect("read").as_slice()
            );
        }
    }
    let first = (0..half).find(|&i| !v.notes[i].skipped).expect("a note");
    let t = texts.get(first, &mut buf).expect("text");
    assert!(t.from_pack, "outside the loaded chunk");
    assert_eq!(
        t.bytes,
        fs::read(&v.notes[first].file).expect("read").as_slice()
    );
    drop(texts);

    assert_eq!(textpack::refresh(&v).expect("refresh"), Refresh::Fresh);
    // A vault loaded afresh finds the same pack and searches from it alone.
    let v2 = load(&dir);
    assert_eq!(textpack::refresh(&v2).expect("refresh"), Refresh::Fresh);
    let r = report(&v2, "zebra");
    assert_eq!(r.from_pack, r.notes_read - SKIPPED);
    assert!(r.notes_read > 100);
    assert!(r.errors.is_empty());
}

#[test]
fn searches_give_the_same_hits_with_and_without_the_pack() {
    let dir = vault();
    let plain = Vault::load(&root(&dir)).expect("load");
    let v = load(&dir);
    written(textpack::refresh(&v).expect("refresh"));
    for query in QUERIES {
        assert_eq!(listing(&v, query), listing(&plain, query), "{query}");
    }
    assert!(!listing(&v, "zebra").is_empty());
    assert!(listing(&v, "café")
        .iter()
        .any(|l| l.starts_with("latin1.md")));
}

// ---------------------------------------------------------------------------------------------
// What is not taken from the pack

#[test]
fn a_changed_note_is_read_from_its_file_not_the_pack() {
    let dir = vault();
    let v = load(&dir);
    written(textpack::refresh(&v).expect("refresh"));
    let zebra = root(&dir).join("zebra.md");
    let old = fs::read_to_string(&zebra).expect("read");

    // Same size, other bytes, another time.
    let same_size = old.replace("stripes", "STRIPEZ");
    assert_eq!(same_size.len(), old.len());
    fs::write(&zebra, &same_size).expect("write");
    set_mtime(&zebra, SystemTime::now() - Duration::from_secs(1800));
    // Another size, the time the pack recorded.
    let latin = root(&dir).join("latin1.md");
    let pack_time = fs::metadata(&latin)
        .and_then(|m| m.modified())
        .expect("mtime");
    fs::write(&latin, b"caf\xe9 zebra STRIPEZ too\n").expect("write");
    set_mtime(&latin, pack_time);

    let v = load(&dir);
    let r = report(&v, "stripez");
    assert_eq!(
        r.matched_notes, 2,
        "both changed notes are searched as they are now"
    );
    assert_eq!(r.from_pack, r.notes_read - SKIPPED - 2);
    assert_eq!(
        listing(&v, "stripez"),
        listing(&Vault::load(&root(&dir)).expect("load"), "stripez")
    );
    assert!(listing(&v, "\"no stripes\"").is_empty());

    // The refresh rewrites the pack, reading only the two changed notes and copying the others
    // (releasing the old pack's pages as it goes) byte for byte.
    let (_, reused) = written(textpack::refresh(&v).expect("refresh"));
    assert_eq!(reused, v.notes.len() - 1 - 2);
    let texts = v.texts();
    let mut buf = Vec::new();
    for (i, n) in v.notes.iter().enumerate().filter(|(_, n)| !n.skipped) {
        let t = texts.get(i, &mut buf).expect("text");
        assert!(t.from_pack, "{}", n.path);
        assert_eq!(
            t.bytes,
            fs::read(&n.file).expect("read").as_slice(),
            "{}",
            n.path
        );
    }
    drop(texts);
    let r = report(&v, "stripez");
    assert_eq!((r.matched_notes, r.from_pack), (2, r.notes_read - SKIPPED));
}

/// A browser's file watcher re-parses a changed note and updates its size and time: the pack's
/// stale text is then no longer used, without anything else being told.
#[test]
fn a_note_whose_loaded_time_moved_is_read_from_its_file() {
    let dir = vault();
    let mut v = load(&dir);
    written(textpack::refresh(&v).expect("refresh"));
    let i = v.note_by_path("zebra.md").expect("zebra");
    fs::write(&v.notes[i].file, "# Zebra\nokapi now\n").expect("write");
    let mut buf = Vec::new();
    let stale = v.texts().get(i, &mut buf).map(|t| t.from_pack);
    assert!(
        stale.expect("text"),
        "unchanged stamps still trust the pack"
    );
    let meta = fs::metadata(&v.notes[i].file).expect("stat");
    v.notes[i].size = meta.len();
    v.notes[i].modified = meta.modified().ok();
    let texts = v.texts();
    let t = texts.get(i, &mut buf).expect("text");
    assert!(!t.from_pack);
    assert_eq!(t.bytes, b"# Zebra\nokapi now\n");
    drop(texts);
    assert_eq!(report(&v, "okapi").matched_notes, 1);
}

#[test]
fn a_note_added_after_the_pack_was_written_is_searched_too() {
    let dir = vault();
    written(textpack::refresh(&load(&dir)).expect("refresh"));
    fs::write(root(&dir).join("new.md"), "an okapi and a zebra\n").expect("write");
    set_mtime(
        &root(&dir).join("new.md"),
        SystemTime::now() - Duration::from_secs(600),
    );
    let v = load(&dir);
    let hits = listing(&v, "okapi");
    assert_eq!(hits.len(), 1);
    assert!(hits[0].starts_with("new.md:1:"));
    let r = report(&v, "zebra");
    assert_eq!(r.from_pack, r.notes_read - SKIPPED - 1);
    let (_, reused) = written(textpack::refresh(&v).expect("refresh"));
    assert_eq!(
        reused,
        v.notes.len() - 2,
        "all but the new and binary notes"
    );
}

#[test]
fn a_note_modified_just_before_the_pack_was_written_is_read_from_its_file() {
    let dir = vault();
    let zebra = root(&dir).join("zebra.md");
    // A little ahead of now, so that even a machine that stalls for seconds writes the pack
    // within the racy window of this time.
    set_mtime(&zebra, SystemTime::now() + Duration::from_secs(1));
    let v = load(&dir);
    written(textpack::refresh(&v).expect("refresh"));
    let i = v.note_by_path("zebra.md").expect("zebra");
    let mut buf = Vec::new();
    let texts = v.texts();
    assert!(!texts.get(i, &mut buf).expect("text").from_pack);
    drop(texts);
    let r = report(&v, "zebra");
    assert_eq!(r.from_pack, r.notes_read - SKIPPED - 1);
}

#[test]
fn the_background_refresh_writes_the_pack_and_waits_out_the_racy_window() {
    let dir = vault();
    set_mtime(&root(&dir).join("zebra.md"), SystemTime::now());
    let v = load(&dir);
    let started = std::time::Instant::now();
    let handle = textpack::refresh_in_background(&v).expect("a thread");
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "returns at once"
    );
    written(handle.join().expect("thread").expect("refresh"));
    let r = report(&v, "zebra");
    assert_eq!(
        r.from_pack,
        r.notes_read - SKIPPED,
        "the racy note waited for, then packed"
    );
}

// ---------------------------------------------------------------------------------------------
// Packs that cannot be trusted

/// Damages the pack, then checks that it is not used and that searches stay right.
fn ignored(damage: impl Fn(&Path)) {
    let dir = vault();
    let file = pack_file(&dir);
    written(textpack::refresh(&load(&dir)).expect("refresh"));
    damage(&file);
    let v = load(&dir);
    assert!(!v.texts().has_pack(), "a damaged pack is not used");
    let plain = Vault::load(&root(&dir)).expect("load");
    for query in QUERIES {
        assert_eq!(listing(&v, query), listing(&plain, query), "{query}");
    }
    let r = report(&v, "zebra");
    assert_eq!(r.from_pack, 0);
    assert!(r.errors.is_empty());
    // The next refresh replaces it with a good one.
    let (_, reused) = written(textpack::refresh(&v).expect("refresh"));
    assert_eq!(reused, 0);
    assert!(v.texts().has_pack());
}

#[test]
fn a_truncated_pack_is_ignored() {
    for keep in [0usize, 7, 20, 1000] {
        ignored(|f| {
            let b = fs::read(f).expect("read");
            fs::write(f, &b[..keep.min(b.len())]).expect("write");
        });
    }
    // Cut just before the trailer's end, and with a byte too many.
    ignored(|f| {
        let b = fs::read(f).expect("read");
        fs::write(f, &b[..b.len() - 1]).expect("write");
    });
    ignored(|f| {
        let mut b = fs::read(f).expect("read");
        b.push(0);
        fs::write(f, &b).expect("write");
    });
}

#[test]
fn a_pack_with_a_flipped_bit_in_its_header_index_or_trailer_is_ignored() {
    let dir = vault();
    let file = pack_file(&dir);
    written(textpack::refresh(&load(&dir)).expect("refresh"));
    let len = fs::metadata(&file).expect("stat").len() as usize;
    let texts_total = written_bytes(&dir);
    // Positions in the header (after the magic), the index and the trailer.
    let header_end = len - texts_total - index_len(&file);
    for at in [
        9,
        header_end - 1,
        len - 100,
        len - 40,
        len - 20,
        len - 9,
        len - 1,
    ] {
        ignored(|f| {
            let mut b = fs::read(f).expect("read");
            let at = at.min(b.len() - 1);
            b[at] ^= 0x10;
            fs::write(f, &b).expect("write");
        });
    }
}

/// Bytes of text in the pack of `dir`'s vault: its notes' sizes, the binary note aside.
fn written_bytes(dir: &tempfile::TempDir) -> usize {
    let v = load(dir);
    v.notes
        .iter()
        .filter(|n| !n.skipped)
        .map(|n| n.size as usize)
        .sum()
}

/// The index length the trailer records, plus the trailer (36 bytes).
fn index_len(file: &Path) -> usize {
    let b = fs::read(file).expect("read");
    let t = &b[b.len() - 36..];
    let mut w = [0u8; 8];
    w.copy_from_slice(&t[8..16]);
    u64::from_le_bytes(w) as usize + 36
}

#[test]
fn a_pack_of_random_bytes_is_ignored() {
    ignored(|f| {
        let len = fs::metadata(f).expect("stat").len() as usize;
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        fs::write(f, bytes).expect("write");
    });
}

#[test]
fn a_pack_of_another_format_or_engram_version_is_ignored() {
    ignored(|f| {
        let mut b = fs::read(f).expect("read");
        b[8] = b[8].wrapping_add(1);
        fs::write(f, &b).expect("write");
    });
    ignored(|f| {
        let b = fs::read(f).expect("read");
        // The engram version follows the magic and the format version: a length byte, then text.
        let n = b[12] as usize;
        let mut other = b[..13].to_vec();
        other.extend(std::iter::repeat_n(b'9', n));
        other.extend_from_slice(&b[13 + n..]);
        fs::write(f, &other).expect("write");
    });
}

#[test]
fn another_vaults_pack_is_ignored() {
    let other = vault();
    fs::write(root(&other).join("zebra.md"), "# Zebra\nokapi okapi\n").expect("write");
    age(&root(&other), Duration::from_secs(3600));
    written(textpack::refresh(&load(&other)).expect("refresh"));
    let other_pack = pack_file(&other);
    ignored(|f| {
        fs::copy(&other_pack, f).expect("copy");
    });
}

// ---------------------------------------------------------------------------------------------
// Where it is written, and when not

#[test]
fn the_vault_is_never_written_and_no_cache_means_no_pack() {
    let dir = vault();
    let snapshot = || -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
        files(&root(&dir))
            .into_iter()
            .map(|f| {
                let m = fs::metadata(&f).and_then(|m| m.modified()).expect("mtime");
                (f.clone(), fs::read(&f).expect("read"), m)
            })
            .collect()
    };
    let before = snapshot();

    // Without the cache: no pack place, nothing written anywhere.
    let plain = Vault::load(&root(&dir)).expect("load");
    assert!(plain.pack_file().is_none());
    assert_eq!(textpack::refresh(&plain).expect("refresh"), Refresh::Off);
    assert!(textpack::refresh_in_background(&plain).is_none());
    let off = Vault::load_with(
        &root(&dir),
        &LoadOptions {
            cache: false,
            cache_dir: Some(dir.path().join("cache")),
        },
    )
    .expect("load");
    assert_eq!(textpack::refresh(&off).expect("refresh"), Refresh::Off);
    assert!(!dir.path().join("cache").exists());

    // A cache folder inside the vault is refused.
    let inside = Vault::load_with(
        &root(&dir),
        &LoadOptions {
            cache: true,
            cache_dir: Some(root(&dir).join(".cache-here")),
        },
    )
    .expect("load");
    assert_eq!(textpack::refresh(&inside).expect("refresh"), Refresh::Off);

    // With the cache: the pack goes beside the index cache, and only there.
    let v = load(&dir);
    written(textpack::refresh(&v).expect("refresh"));
    let cache_files = files(&dir.path().join("cache"));
    assert_eq!(cache_files.len(), 2, "{cache_files:?}");
    assert_eq!(
        cache_files[0].with_extension("texts"),
        cache_files[1],
        "the pack is named as the index cache is"
    );
    assert!(
        snapshot() == before,
        "the vault's files, bytes and times are unchanged"
    );
}

#[test]
fn temporary_packs_of_ended_processes_are_swept() {
    let dir = vault();
    let file = pack_file(&dir);
    fs::create_dir_all(file.parent().expect("folder")).expect("mkdir");
    let name = file
        .file_name()
        .expect("name")
        .to_string_lossy()
        .into_owned();
    let dead = file.with_file_name(format!(".{name}.4000000000.tmp"));
    fs::write(&dead, b"half a pack").expect("write");
    written(textpack::refresh(&load(&dir)).expect("refresh"));
    assert!(!dead.exists(), "a dead process's temporary file is removed");
    let left: Vec<PathBuf> = files(file.parent().expect("folder"))
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ---------------------------------------------------------------------------------------------
// The binary

fn engram(vault: &Path, cache_home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engram"))
        .env("XDG_CACHE_HOME", cache_home)
        .arg("--vault")
        .arg(vault)
        .args(args)
        .output()
        .expect("run engram")
}

fn packs(cache_home: &Path) -> Vec<PathBuf> {
    files(cache_home)
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "texts"))
        .collect()
}

#[test]
fn engram_grep_prints_the_same_with_and_without_a_pack_and_never_writes_one() {
    let dir = vault();
    let home = dir.path().join("xdg");
    fs::create_dir_all(&home).expect("mkdir");
    let queries = ["zebra", "dopamine reward", "line:(sleep light)", "café"];
    let run = |args: &[&str]| {
        let o = engram(&root(&dir), &home, args);
        assert!(
            o.status.code().is_some_and(|c| c <= 1),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        o.stdout
    };
    let before: Vec<Vec<u8>> = queries.iter().map(|q| run(&["grep", q])).collect();
    let before_json: Vec<Vec<u8>> = queries
        .iter()
        .map(|q| run(&["grep", "--json", q]))
        .collect();
    assert!(packs(&home).is_empty(), "grep and stats write no pack");
    run(&["stats"]);
    assert!(packs(&home).is_empty());

    // The pack the browser would write, in the binary's cache folder.
    let v = Vault::load_with(
        &root(&dir),
        &LoadOptions {
            cache: true,
            cache_dir: Some(home.join("engram")),
        },
    )
    .expect("load");
    written(textpack::refresh(&v).expect("refresh"));
    assert_eq!(packs(&home).len(), 1);
    let pack_time = fs::metadata(&packs(&home)[0])
        .and_then(|m| m.modified())
        .expect("mtime");

    for (i, query) in queries.iter().enumerate() {
        assert_eq!(run(&["grep", query]), before[i], "{query}");
        assert_eq!(run(&["grep", "--json", query]), before_json[i], "{query}");
        assert_eq!(
            run(&["grep", "--no-cache", query]),
            before[i],
            "{query} without the cache"
        );
    }
    assert!(!before[0].is_empty());
    assert_eq!(
        fs::metadata(&packs(&home)[0])
            .and_then(|m| m.modified())
            .expect("mtime"),
        pack_time,
        "grep reads the pack and leaves it as it is"
    );

    // `--no-cache` in a fresh cache home writes nothing at all.
    let bare = dir.path().join("bare");
    fs::create_dir_all(&bare).expect("mkdir");
    let o = engram(&root(&dir), &bare, &["grep", "--no-cache", "zebra"]);
    assert_eq!(o.stdout, before[0]);
    assert!(files(&bare).is_empty());
}

/// The figures of `tests/grep.rs` (computed with GNU grep and Python) hold when every text comes
/// from the pack.
#[test]
fn hubermanlab_figures_hold_when_searching_from_the_pack() {
    let Some(corpora) = std::env::var_os("ENGRAM_CORPORA") else {
        eprintln!("ENGRAM_CORPORA is not set; skipping the hubermanlab pack test");
        return;
    };
    let cache = tempfile::tempdir().expect("tempdir");
    let options = LoadOptions {
        cache: true,
        cache_dir: Some(cache.path().to_path_buf()),
    };
    let dir = PathBuf::from(corpora).join("hubermanlab");
    let v = Vault::load_with(&dir, &options).expect("load");
    let written_now = textpack::refresh(&v).expect("refresh");
    assert!(matches!(written_now, Refresh::Written { notes: 1117, .. }));
    let figures = |query: &str| {
        let r = report(&v, query);
        assert_eq!(
            r.from_pack, r.notes_read,
            "{query}: every text from the pack"
        );
        (r.hits, r.matched_notes)
    };
    assert_eq!(figures("dopamine"), (854, 261));
    assert_eq!(figures("Dopamine"), (256, 87));
    assert_eq!(figures("\"reward pathway\""), (21, 17));
    assert_eq!(figures("line:(dopamine reward)"), (169, 93));
    assert_eq!(figures("dopamine -serotonin"), (560, 177));
    assert_eq!(figures("section:(dopamine serotonin)"), (168, 79));
    assert_eq!(figures("match-case:videoId"), (1116, 1116));
}

/// The browser writes the pack on a background thread once the vault is loaded: the file appears
/// while the browser runs, keys still work, and searches then read every text from it.
#[test]
fn the_browser_writes_the_pack_in_the_background() {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    use std::io::{Read, Write};
    use std::time::Instant;

    let dir = vault();
    let home = dir.path().join("xdg");
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_engram"));
    cmd.arg("--vault");
    cmd.arg(root(&dir));
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_CACHE_HOME", &home);
    let mut child = pair.slave.spawn_command(cmd).expect("spawn engram");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let mut writer = pair.master.take_writer().expect("pty writer");
    // Drain the pty, or the browser blocks drawing.
    let drain = std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while matches!(reader.read(&mut buf), Ok(n) if n > 0) {}
    });

    let deadline = Instant::now() + Duration::from_secs(20);
    let pack = loop {
        if let Some(p) = packs(&home).into_iter().next() {
            break p;
        }
        assert!(Instant::now() < deadline, "no pack written within 20 s");
        std::thread::sleep(Duration::from_millis(50));
    };
    writer.write_all(b"q").expect("type");
    writer.flush().expect("flush");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("engram did not quit");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    drop(pair.master);
    let _ = drain.join();

    assert!(pack.starts_with(home.join("engram")));
    let v = Vault::load_with(
        &root(&dir),
        &LoadOptions {
            cache: true,
            cache_dir: Some(home.join("engram")),
        },
    )
    .expect("load");
    assert_eq!(textpack::refresh(&v).expect("refresh"), Refresh::Fresh);
    let r = report(&v, "zebra");
    assert_eq!(r.from_pack, r.notes_read - SKIPPED);
    let temps: Vec<PathBuf> = files(&home)
        .into_iter()
        .filter(|f| f.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}
