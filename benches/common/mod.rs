//! Helpers shared by the benchmarks: the machine they run on, the generated vaults they keep
//! (`ENGRAM_BENCH_VAULTS`) and the corpora they read (`ENGRAM_CORPORA`). Each bench uses some of them.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};

use engram::gen::{self, GenSummary};

/// The machine, for the line every bench prints: cores, CPU model, memory, system.
pub fn machine() -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown CPU".to_string(), |(_, m)| m.trim().to_string());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kb: u64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    format!(
        "{cores} cores ({model}), {:.1} GiB memory, {} {}",
        mem_kb as f64 / 1024.0 / 1024.0,
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// Where the generated vault of `n` notes lives: kept under `ENGRAM_BENCH_VAULTS` between runs
/// (`gen-N-seed1`), else in `scratch`. Whether it is kept.
pub fn generated_dir(n: usize, scratch: &Path) -> (PathBuf, bool) {
    match std::env::var_os("ENGRAM_BENCH_VAULTS").map(PathBuf::from) {
        Some(k) => (k.join(format!("gen-{n}-seed1")), true),
        None => (scratch.join(format!("gen-{n}")), false),
    }
}

/// Generates the vault of `n` notes into `dir` (seed 1) unless a finished one is there (a
/// `.done` marker beside it); the summary when it generated one.
pub fn ensure_generated(dir: &Path, n: usize) -> Option<GenSummary> {
    let done = dir.with_extension("done");
    if done.exists() {
        return None;
    }
    let _ = fs::remove_dir_all(dir);
    eprintln!("== generating {n} notes into {}", dir.display());
    let s = gen::generate(dir, n, 1).expect("generate vault");
    fs::write(&done, format!("{s:?}\n")).expect("marker");
    Some(s)
}

/// The vault folders of the corpora: each sub-folder of `ENGRAM_CORPORA`, else of
/// `../shared/corpora` when it is there; sorted.
pub fn corpora() -> Vec<PathBuf> {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let Some(c) = std::env::var_os("ENGRAM_CORPORA")
        .map(PathBuf::from)
        .or_else(|| Some(manifest.join("../shared/corpora")).filter(|p| p.is_dir()))
    else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = fs::read_dir(&c)
        .map(|r| r.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    dirs.retain(|d| d.is_dir());
    dirs.sort();
    dirs
}

/// A folder's name, for a table's column.
pub fn name(dir: &Path) -> String {
    dir.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}
