//! The Markdown benchmark (issue 6): how fast `markdown::parse` reads a vault's notes against
//! pulldown-cmark alone, and how much of that the fast scanner takes.
//!
//! Run with `cargo bench --bench parse`. Environment:
//! - `ENGRAM_BENCH_SIZES=10000`: generated vault sizes (seed 1);
//! - `ENGRAM_BENCH_VAULTS=DIR`: keep generated vaults in DIR as `gen-N-seed1` and reuse them
//!   (default: a temporary folder);
//! - `ENGRAM_CORPORA=DIR`: every folder in DIR is measured too (default `../shared/corpora` when
//!   present);
//! - `ENGRAM_BENCH_RUNS=5`: runs of each measurement; the fastest is shown (the least disturbed on a
//!   shared machine).
//!
//! Texts are read into memory first: only parsing is timed.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pulldown_cmark::Parser;
use rayon::prelude::*;

use engram::markdown::{self, options, parse, parse_with_pulldown, scan_fast};
use engram::vault::frontmatter;

mod common;
use common::machine;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The fastest of `runs` runs of `f`.
fn best(runs: usize, mut f: impl FnMut() -> usize) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut out = 0;
    for _ in 0..runs {
        let t = Instant::now();
        out = std::hint::black_box(f());
        best = best.min(t.elapsed());
    }
    (best, out)
}

/// pulldown-cmark alone over a note's body, every event consumed.
fn pulldown_events(text: &str, body_start: usize) -> usize {
    Parser::new_ext(&text[body_start..], options())
        .into_offset_iter()
        .count()
}

fn count(p: &markdown::Parsed) -> usize {
    p.links.len() + p.headings.len() + p.tags.len() + p.block_ids.len()
}

fn read_vault(root: &Path) -> Vec<(String, usize)> {
    let mut paths: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| fs::read_to_string(p).ok())
        .map(|t| {
            let body = frontmatter::split(&t).body_start;
            (t, body)
        })
        .collect()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn bench(name: &str, texts: &[(String, usize)], runs: usize) {
    let bytes: usize = texts.iter().map(|(t, _)| t.len()).sum();
    let fast_ok: Vec<bool> = texts
        .iter()
        .map(|(t, b)| scan_fast(t, *b).is_some())
        .collect();
    let bailed = fast_ok.iter().filter(|ok| !**ok).count();
    let read: Vec<&(String, usize)> = texts
        .iter()
        .zip(&fast_ok)
        .filter(|(_, ok)| **ok)
        .map(|(t, _)| t)
        .collect();
    println!(
        "\n== {name}: {} notes, {:.1} MB; the scanner bails on {bailed} ({:.2}%)",
        texts.len(),
        bytes as f64 / 1e6,
        100.0 * bailed as f64 / texts.len().max(1) as f64
    );
    let one =
        |f: &dyn Fn(&str, usize) -> usize| best(runs, || texts.iter().map(|(t, b)| f(t, *b)).sum());
    let all = |f: &(dyn Fn(&str, usize) -> usize + Sync)| {
        best(runs, || texts.par_iter().map(|(t, b)| f(t, *b)).sum())
    };
    let (pd, _) = one(&pulldown_events);
    let (pwp, _) = one(&|t, b| count(&parse_with_pulldown(t, b)));
    let (p, _) = one(&|t, b| count(&parse(t, b)));
    let (pd_read, _) = best(runs, || {
        read.iter().map(|(t, b)| pulldown_events(t, *b)).sum()
    });
    let (fast_read, _) = best(runs, || {
        read.iter()
            .map(|(t, b)| scan_fast(t, *b).map_or(0, |p| count(&p)))
            .sum()
    });
    let (pd_all, _) = all(&pulldown_events);
    let (p_all, _) = all(&|t, b| count(&parse(t, b)));
    let (pwp_all, _) = all(&|t, b| count(&parse_with_pulldown(t, b)));
    println!("one thread:");
    println!(
        "  pulldown-cmark alone (events consumed) {:>9.1} ms",
        ms(pd)
    );
    println!(
        "  parse_with_pulldown                    {:>9.1} ms   {:.2}x pulldown alone",
        ms(pwp),
        ms(pwp) / ms(pd)
    );
    println!(
        "  parse (scanner, then fallback)         {:>9.1} ms   {:.2}x pulldown alone, {:.2}x faster than parse_with_pulldown",
        ms(p),
        ms(p) / ms(pd),
        ms(pwp) / ms(p)
    );
    println!(
        "  notes the scanner reads: pulldown alone {:.1} ms, scan_fast {:.1} ms: {:.2}x faster",
        ms(pd_read),
        ms(fast_read),
        ms(pd_read) / ms(fast_read)
    );
    println!("all cores:");
    println!(
        "  pulldown-cmark alone                   {:>9.1} ms",
        ms(pd_all)
    );
    println!(
        "  parse_with_pulldown                    {:>9.1} ms",
        ms(pwp_all)
    );
    println!(
        "  parse                                  {:>9.1} ms   {:.2}x pulldown alone",
        ms(p_all),
        ms(p_all) / ms(pd_all)
    );
}

fn main() {
    let runs = env_usize("ENGRAM_BENCH_RUNS", 5).max(1);
    let sizes: Vec<usize> = std::env::var("ENGRAM_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000]);
    println!("machine: {}; best of {runs} runs", machine());
    let scratch = tempfile::tempdir().expect("temporary folder");
    for &n in &sizes {
        let (dir, _) = common::generated_dir(n, scratch.path());
        common::ensure_generated(&dir, n);
        bench(&format!("generated {n}"), &read_vault(&dir), runs);
    }
    for d in common::corpora() {
        bench(&common::name(&d), &read_vault(&d), runs);
    }
}
