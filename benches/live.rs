//! Times keeping a generated 20,000-note vault up to date while the browser runs: one note touched
//! (the in-place graph update, on the UI thread), one note added (a rebuild beside the UI, then the
//! swap), and a burst of 2,000 changed files. Run with `cargo bench --bench live` (a release build).
//! `ENGRAM_BENCH_NOTES` changes the vault size, `ENGRAM_BENCH_RUNS` the runs of the touch.

use std::fs;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use engram::app::{App, Options, Prepared};
use engram::commands::Loaded;
use engram::live::{self, Change, Plan};
use engram::vault::Vault;

mod common;
use common::machine;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Median and 95th percentile.
fn stats(mut d: Vec<Duration>) -> (Duration, Duration) {
    d.sort();
    let p = |q: f64| d[((d.len() as f64 - 1.0) * q).round() as usize];
    (p(0.5), p(0.95))
}

fn show(what: &str, d: Vec<Duration>) {
    let n = d.len();
    let (med, p95) = stats(d);
    println!(
        "{what:<58} median {:>9.3} ms   p95 {:>9.3} ms   ({n} runs)",
        med.as_secs_f64() * 1e3,
        p95.as_secs_f64() * 1e3
    );
}

fn app_on(loaded: Loaded) -> App {
    App::new(
        loaded,
        Options {
            size: (120, 40),
            ..Options::default()
        },
    )
}

fn main() {
    let n = env_usize("ENGRAM_BENCH_NOTES", 20_000);
    let runs = env_usize("ENGRAM_BENCH_RUNS", 200);
    let scratch = tempfile::tempdir().expect("temporary folder");
    let root: PathBuf = scratch.path().join("vault");
    engram::gen::generate(&root, n, 7).expect("generate");
    let loaded = Loaded::new(Vault::load(&root).expect("load"));
    println!("engram live-vault benchmark: {n} notes, {}", machine());

    // One note touched: a link to another note added and taken out again, run after run.
    let victim = loaded.vault.notes.len() / 2;
    let path = loaded.vault.notes[victim].path.clone();
    let target = loaded.vault.notes[victim / 3].path.clone();
    let original = fs::read_to_string(root.join(&path)).expect("read");
    let linked = format!("{original}\n[[{}]]\n", engram::vault::strip_md(&target));
    let mut look = Vec::new();
    let mut apply = Vec::new();
    let mut app_apply = Vec::new();
    let mut app_open = Vec::new();
    let mut loaded = loaded;
    for run in 0..runs {
        let text = if run % 2 == 0 { &linked } else { &original };
        fs::write(root.join(&path), text).expect("write");
        let t = Instant::now();
        let changes = live::look(&root, &path);
        look.push(t.elapsed());
        assert_eq!(live::plan(&loaded, &changes), Plan::InPlace);
        let t = Instant::now();
        live::apply_in_place(&mut loaded, changes);
        apply.push(t.elapsed());
    }
    let backlinks =
        loaded.graph.backlinks[loaded.vault.note_by_path(&target).expect("target")].len();
    let mut app = app_on(loaded);
    for run in 0..runs {
        let text = if run % 2 == 0 { &linked } else { &original };
        fs::write(root.join(&path), text).expect("write");
        let changes = live::look(&root, &path);
        let t = Instant::now();
        app.apply_changes(changes);
        app_apply.push(t.elapsed());
    }
    // With the touched note open: the app also renders it again.
    let mut app = {
        let loaded = Loaded::new(Vault::load(&root).expect("load"));
        let open = loaded.vault.note_by_path(&path);
        App::new(
            loaded,
            Options {
                open,
                size: (120, 40),
                ..Options::default()
            },
        )
    };
    for run in 0..runs.min(50) {
        let text = if run % 2 == 0 { &linked } else { &original };
        fs::write(root.join(&path), text).expect("write");
        let changes = live::look(&root, &path);
        let t = Instant::now();
        app.apply_changes(changes);
        app_open.push(t.elapsed());
    }
    // A title change: the list and the switcher are indexed again.
    let retitled = format!("---\ntitle: Retitled\n---\n{original}");
    let mut app_title = Vec::new();
    for run in 0..runs.min(20) {
        let text = if run % 2 == 0 { &retitled } else { &original };
        fs::write(root.join(&path), text).expect("write");
        let changes = live::look(&root, &path);
        let t = Instant::now();
        app.apply_changes(changes);
        app_title.push(t.elapsed());
    }
    fs::write(root.join(&path), &original).expect("write");
    println!("touch one note ({path}, {backlinks} backlinks on its link target):");
    show("  read + parse the file (watcher thread)", look);
    show("  graph update in place (live::apply_in_place)", apply);
    show("  App::apply_changes, no note open", app_apply);
    show(
        "  App::apply_changes, the note open (re-rendered)",
        app_open,
    );
    show(
        "  App::apply_changes, its title changed (list, switcher)",
        app_title,
    );

    // Structural: one note added (and removed again, alternately).
    let loaded = Loaded::new(Vault::load(&root).expect("load"));
    let mut app = app_on(Loaded::new(Vault::load(&root).expect("load")));
    let mut rebuild = Vec::new();
    let mut prepare = Vec::new();
    let mut swap = Vec::new();
    let mut current = loaded;
    for run in 0..10 {
        let rel = "added note.md";
        if run % 2 == 0 {
            fs::write(
                root.join(rel),
                format!("# Added\n[[{}]]\n", engram::vault::strip_md(&target)),
            )
            .expect("write");
        } else {
            fs::remove_file(root.join(rel)).expect("remove");
        }
        let changes = live::look(&root, rel);
        assert_eq!(live::plan(&current, &changes), Plan::Rebuild);
        let t = Instant::now();
        let new = live::rebuild(&current, changes.clone());
        rebuild.push(t.elapsed());
        current = new;
        let new_for_app = live::rebuild(app.loaded(), changes);
        let t = Instant::now();
        let prepared = Prepared::new(new_for_app);
        prepare.push(t.elapsed());
        let t = Instant::now();
        app.swap_in(prepared);
        swap.push(t.elapsed());
    }
    println!("add or remove one note:");
    show("  rebuild vault + graph (beside the UI)", rebuild);
    show(
        "  Prepared::new: matcher, list labels (beside the UI)",
        prepare,
    );
    show("  App::swap_in (UI thread: keep the place by path)", swap);

    // A burst: 2,000 notes rewritten at once (a `git checkout`).
    let burst: Vec<String> = current
        .vault
        .notes
        .iter()
        .step_by((current.vault.notes.len() / 2000).max(1))
        .take(2000)
        .map(|n| n.path.clone())
        .collect();
    let mut parse = Vec::new();
    let mut rebuild = Vec::new();
    for run in 0..3 {
        for p in &burst {
            let abs = root.join(p);
            let mut t = fs::read_to_string(&abs).expect("read");
            t.push_str(if run % 2 == 0 { "\nmore\n" } else { "\n" });
            fs::write(&abs, t).expect("write");
        }
        let abs: Vec<PathBuf> = burst.iter().map(|p| root.join(p)).collect();
        let t = Instant::now();
        let changes: Vec<Change> = live::changes_at(&root, abs);
        parse.push(t.elapsed());
        assert_eq!(live::plan(&current, &changes), Plan::Rebuild);
        let t = Instant::now();
        current = live::rebuild(&current, changes);
        rebuild.push(t.elapsed());
    }
    println!("burst of {} changed notes:", burst.len());
    show("  read + parse them all (watcher thread, all cores)", parse);
    show("  rebuild vault + graph (beside the UI)", rebuild);
}
