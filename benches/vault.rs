//! The vault benchmark (issue 6): how fast engram loads a vault, measured against the physical limit of
//! walking it, reading every file and running pulldown-cmark over it on all cores.
//!
//! Run with `cargo bench --bench vault`. Environment:
//! - `ENGRAM_BENCH_SIZES=1000,10000,50000`: generated vault sizes (the default is these three);
//! - `ENGRAM_BENCH_RUNS=5`: runs of each measurement; the table shows the median;
//! - `ENGRAM_CORPORA=DIR`: every folder in DIR is benchmarked too (default `../shared/corpora` when present);
//! - `ENGRAM_BENCH_VAULTS=DIR`: keep generated vaults in DIR and reuse them (default: a temporary folder,
//!   removed at the end).
//!
//! The page cache is warm in every measurement: each vault is read once before anything is timed.
//! "No cache" below means engram's index cache, not the page cache.
//!
//! A measurement adds named cells to its vault's [`Column`]; the table has one row per name, in the
//! order first seen, so a new figure is one more `col.add(...)` call.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use portable_pty::{native_pty_system, CommandBuilder, PtySize};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use rayon::prelude::*;

use engram::app::{Action, App, Options};
use engram::commands::Loaded;
use engram::markdown;
use engram::vault::{LoadOptions, Vault};

mod common;
use common::machine;

/// One vault's figures: (row name, cell text), in order.
struct Column {
    vault: String,
    cells: Vec<(String, String)>,
}

impl Column {
    fn add(&mut self, row: &str, cell: impl Into<String>) {
        self.cells.push((row.to_string(), cell.into()));
    }
}

/// Wall and CPU time of one run.
#[derive(Debug, Clone, Copy)]
struct Timing {
    wall: Duration,
    cpu: Duration,
}

/// The median of several runs, with the spread.
#[derive(Debug, Clone, Copy)]
struct Summary {
    wall: Duration,
    cpu: Duration,
    min: Duration,
    max: Duration,
}

fn summarize(mut runs: Vec<Timing>) -> Summary {
    runs.sort_by_key(|t| t.wall);
    let mid = runs[runs.len() / 2];
    let mut cpus: Vec<Duration> = runs.iter().map(|t| t.cpu).collect();
    cpus.sort();
    Summary {
        wall: mid.wall,
        cpu: cpus[cpus.len() / 2],
        min: runs[0].wall,
        max: runs[runs.len() - 1].wall,
    }
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1e3;
    if v >= 100.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn cell(s: &Summary) -> String {
    format!("{} ms ({}–{})", ms(s.wall), ms(s.min), ms(s.max))
}

fn ratio(a: Duration, b: Duration) -> String {
    if b < Duration::from_millis(1) {
        return "n/a".into();
    }
    format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64())
}

/// Ratios as their median and (min–max).
fn spread(mut v: Vec<f64>) -> String {
    v.sort_by(f64::total_cmp);
    match (v.first(), v.get(v.len() / 2), v.last()) {
        (Some(lo), Some(mid), Some(hi)) => format!("{mid:.2}× ({lo:.2}–{hi:.2})"),
        _ => "n/a".into(),
    }
}

/// CPU time this process's threads have run so far, in nanoseconds: the sum of the first field of
/// `/proc/self/task/*/schedstat`. rayon's threads live as long as the process, so none is lost.
fn process_cpu() -> Duration {
    let ns: u64 = fs::read_dir("/proc/self/task")
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|t| fs::read_to_string(t.path().join("schedstat")).ok())
                .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
                .sum()
        })
        .unwrap_or(0);
    Duration::from_nanos(ns)
}

fn time<T>(f: impl FnOnce() -> T) -> (Timing, T) {
    let cpu = process_cpu();
    let started = Instant::now();
    let out = f();
    let wall = started.elapsed();
    let t = Timing {
        wall,
        cpu: process_cpu().saturating_sub(cpu),
    };
    (t, out)
}

fn repeat<T>(runs: usize, mut f: impl FnMut() -> T) -> (Summary, T) {
    let mut timings = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let (t, out) = time(&mut f);
        timings.push(t);
        last = Some(out);
    }
    (summarize(timings), last.expect("at least one run"))
}

fn is_hidden(e: &walkdir::DirEntry) -> bool {
    e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.')
}

fn is_note(e: &walkdir::DirEntry) -> bool {
    e.file_type().is_file()
        && e.path()
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("md"))
}

/// Markdown files and their bytes, and every file read once so the page cache holds the vault.
fn warm(dir: &Path) -> (usize, u64) {
    let files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| !is_hidden(e))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    let notes: Vec<u64> = files
        .par_iter()
        .map(|p| {
            let n = fs::read(p).map_or(0, |b| b.len() as u64);
            if p.extension().is_some_and(|x| x.eq_ignore_ascii_case("md")) {
                n
            } else {
                u64::MAX
            }
        })
        .filter(|&n| n != u64::MAX)
        .collect();
    (notes.len(), notes.iter().sum())
}

/// The physical limit: walk the vault, read every note and run pulldown-cmark over it, consuming every
/// event, on all cores. The walk feeds the readers as it goes (rayon's `par_bridge`), so walking and
/// parsing overlap as well as they can.
fn limit(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| !is_hidden(e))
        .filter_map(Result::ok)
        .filter(is_note)
        .par_bridge()
        .map(|e| {
            let Ok(text) = fs::read_to_string(e.path()) else {
                return 0;
            };
            let mut events = 0u64;
            for ev in pulldown_cmark::Parser::new_ext(&text, markdown::options()) {
                std::hint::black_box(&ev);
                events += 1;
            }
            events
        })
        .sum()
}

/// What `engram stats` does: load every note and build the whole graph.
fn load(dir: &Path, opts: &LoadOptions) -> Loaded {
    let vault = Vault::load_with(dir, opts).expect("load vault");
    Loaded::new(vault)
}

/// One run of the engram binary: wall time, and from GNU time (when installed) peak RSS and CPU time.
struct ProcessRun {
    wall: Duration,
    rss_kb: Option<u64>,
    cpu: Option<Duration>,
}

fn gnu_time() -> Option<PathBuf> {
    let p = PathBuf::from("/usr/bin/time");
    p.exists().then_some(p)
}

fn run_engram(
    engram: &Path,
    args: &[&str],
    cache_home: &Path,
    with_time: bool,
    report: &Path,
) -> ProcessRun {
    let mut cmd = match (with_time, gnu_time()) {
        (true, Some(t)) => {
            let mut c = Command::new(t);
            c.arg("-f")
                .arg("%M %U %S")
                .arg("-o")
                .arg(report)
                .arg(engram);
            c
        }
        _ => Command::new(engram),
    };
    cmd.args(args)
        .env("XDG_CACHE_HOME", cache_home)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let started = Instant::now();
    let status = cmd.status().expect("run engram");
    let wall = started.elapsed();
    assert!(status.success(), "engram {args:?} failed: {status}");
    let mut run = ProcessRun {
        wall,
        rss_kb: None,
        cpu: None,
    };
    if with_time {
        let text = fs::read_to_string(report).unwrap_or_default();
        let f: Vec<&str> = text
            .lines()
            .last()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if let [rss, user, sys] = f[..] {
            run.rss_kb = rss.parse().ok();
            let secs = user.parse::<f64>().unwrap_or(0.0) + sys.parse::<f64>().unwrap_or(0.0);
            run.cpu = Some(Duration::from_secs_f64(secs));
        }
    }
    run
}

/// What [`measure_process`] found: wall time, and from GNU time peak RSS (KiB) and CPU use.
struct ProcessFigures {
    wall: Summary,
    rss_kb: Option<u64>,
    cpu: Option<Duration>,
    /// CPU time over wall time, in cores busy (2.0 = both cores of a 2-core machine).
    cores_busy: Option<f64>,
}

fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> Option<T> {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    v.get(v.len() / 2).copied()
}

/// Measures the engram binary: `runs` timed runs, then `runs` runs under GNU time for memory and CPU.
/// `before` runs ahead of each run (to empty the index cache, say).
fn measure_process(
    engram: &Path,
    args: &[&str],
    cache_home: &Path,
    runs: usize,
    before: &dyn Fn(),
) -> ProcessFigures {
    let report = cache_home.join("time.txt");
    let mut timings = Vec::new();
    for _ in 0..runs {
        before();
        let r = run_engram(engram, args, cache_home, false, &report);
        timings.push(Timing {
            wall: r.wall,
            cpu: Duration::ZERO,
        });
    }
    let mut rss = Vec::new();
    let mut cpu = Vec::new();
    let mut busy = Vec::new();
    for _ in 0..runs {
        before();
        let r = run_engram(engram, args, cache_home, true, &report);
        rss.extend(r.rss_kb);
        if let Some(c) = r.cpu {
            cpu.push(c);
            busy.push(c.as_secs_f64() / r.wall.as_secs_f64());
        }
    }
    ProcessFigures {
        wall: summarize(timings),
        rss_kb: median(rss),
        cpu: median(cpu),
        cores_busy: median(busy),
    }
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn bench_vault(name: &str, dir: &Path, engram: &Path, runs: usize, scratch: &Path) -> Column {
    let mut col = Column {
        vault: name.to_string(),
        cells: Vec::new(),
    };
    eprintln!("== {name}: warming the page cache");
    let (notes, bytes) = warm(dir);
    col.add("notes", notes.to_string());
    col.add("Markdown bytes", mb(bytes));

    eprintln!("== {name}: limit");
    let lim = summarize((0..runs).map(|_| limit_in_fresh_process(dir)).collect());
    col.add(
        "limit: walk + read + pulldown-cmark, all cores, a process of its own",
        cell(&lim),
    );
    col.add("limit: CPU time", format!("{} ms", ms(lim.cpu)));
    let (lim_here, _) = repeat(runs, || limit(dir));
    col.add(
        "limit in this process (beside the in-process load)",
        cell(&lim_here),
    );

    eprintln!("== {name}: load");
    let no_cache = LoadOptions::default();
    let (ld, loaded) = repeat(runs, || load(dir, &no_cache));
    assert_eq!(loaded.vault.notes.len(), notes);
    drop(loaded);
    col.add("load: Vault::load + Graph::build, no cache", cell(&ld));
    col.add("load / limit", ratio(ld.wall, lim_here.wall));
    col.add("load / limit, CPU time", ratio(ld.cpu, lim_here.cpu));

    let cache_dir = scratch.join(format!("cache-{name}"));
    let cached = LoadOptions {
        cache: true,
        cache_dir: Some(cache_dir.clone()),
    };
    drop(load(dir, &cached));
    let (warm_load, _) = repeat(runs, || load(dir, &cached));
    col.add("load, warm index cache", cell(&warm_load));
    col.add(
        "load, warm index cache / limit",
        ratio(warm_load.wall, lim_here.wall),
    );
    let (peek, listed) = repeat(runs, || Vault::peek_cached(dir, &cached));
    assert_eq!(listed.map(|l| l.len()), Some(notes));
    col.add(
        "note list from the index cache alone (`Vault::peek_cached`)",
        cell(&peek),
    );
    let cache_bytes: u64 = fs::read_dir(&cache_dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    col.add("index cache file", mb(cache_bytes));

    eprintln!("== {name}: engram stats");
    let vault_arg = dir.to_string_lossy().into_owned();
    let home = scratch.join(format!("xdg-{name}"));
    fs::create_dir_all(&home).expect("cache home");
    let nothing = || {};
    let st = measure_process(
        engram,
        &["stats", "--no-cache", "--vault", &vault_arg],
        &home,
        runs,
        &nothing,
    );
    col.add("`engram stats --no-cache` (process)", cell(&st.wall));
    col.add("stats / limit", ratio(st.wall.wall, lim.wall));
    match (st.cpu, st.cores_busy, st.rss_kb) {
        (Some(cpu), Some(busy), Some(rss)) => {
            col.add(
                "stats: CPU time (cores busy)",
                format!("{} ms ({busy:.2})", ms(cpu)),
            );
            // GNU time counts in 10 ms steps: too coarse for the smallest vaults.
            col.add(
                "stats / limit, CPU time",
                if lim.cpu >= Duration::from_millis(100) {
                    ratio(cpu, lim.cpu)
                } else {
                    "n/a".into()
                },
            );
            col.add("stats: peak RSS", mb(rss * 1024));
            col.add(
                "stats: peak RSS / Markdown bytes",
                format!("{:.2}", (rss * 1024) as f64 / bytes as f64),
            );
        }
        _ => col.add("stats: peak RSS", "n/a (install GNU time)"),
    }

    let engram_cache = home.join("engram");
    let empty_cache = || {
        let _ = fs::remove_dir_all(&engram_cache);
    };
    let first = measure_process(
        engram,
        &["stats", "--vault", &vault_arg],
        &home,
        runs,
        &empty_cache,
    );
    col.add(
        "`engram stats`, first start (writes the cache)",
        cell(&first.wall),
    );
    let second = measure_process(
        engram,
        &["stats", "--vault", &vault_arg],
        &home,
        runs,
        &nothing,
    );
    col.add("`engram stats`, warm cache", cell(&second.wall));
    col.add(
        "warm cache stats / limit",
        ratio(second.wall.wall, lim.wall),
    );
    if let Some(rss) = second.rss_kb {
        col.add("warm cache stats: peak RSS", mb(rss * 1024));
    }

    eprintln!("== {name}: browser start in a pty");
    let (cold_frame, cold_graph) = measure_startup(
        engram,
        &["--no-cache", "--vault", &vault_arg],
        &home,
        notes,
        runs,
    );
    col.add("first frame (pty), no index cache", cell(&cold_frame));
    col.add("first frame / limit", ratio(cold_frame.wall, lim.wall));
    col.add(
        "graph ready on screen (pty), no index cache",
        cell(&cold_graph),
    );
    col.add("graph ready / limit", ratio(cold_graph.wall, lim.wall));
    let (warm_frame, warm_graph) =
        measure_startup(engram, &["--vault", &vault_arg], &home, notes, runs);
    col.add("first frame (pty), warm index cache", cell(&warm_frame));
    col.add(
        "graph ready on screen (pty), warm index cache",
        cell(&warm_graph),
    );

    // The limit drifts with the machine from minute to minute, more than the changes being
    // measured: each timed run below sits between two limit runs, and is divided by their mean.
    eprintln!("== {name}: stats and graph ready, each run between two limit runs");
    let report = home.join("time.txt");
    let limit_now = || limit_in_fresh_process(dir).wall.as_secs_f64();
    let mut limits = vec![limit_now()];
    let (mut stats_runs, mut graph_runs) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let args = ["stats", "--no-cache", "--vault", &vault_arg];
        stats_runs.push(run_engram(engram, &args, &home, false, &report).wall);
        limits.push(limit_now());
        let args = ["--no-cache", "--vault", &vault_arg];
        graph_runs.push(startup_in_fresh_process(engram, &args, &home, notes).graph);
        limits.push(limit_now());
    }
    let beside = |runs: &[Duration], first: usize| -> Vec<f64> {
        runs.iter()
            .enumerate()
            .map(|(k, d)| {
                let around = (limits[2 * k + first] + limits[2 * k + first + 1]) / 2.0;
                d.as_secs_f64() / around
            })
            .collect()
    };
    col.add(
        "stats / limit, each run between two limit runs",
        spread(beside(&stats_runs, 0)),
    );
    col.add(
        "graph ready / limit, each start between two limit runs",
        spread(beside(&graph_runs, 1)),
    );

    eprintln!("== {name}: keystrokes and links");
    let mut browser = Browser::new(load(dir, &no_cache));
    let keys = switcher_keys(&mut browser);
    col.add(
        "quick switcher: key + frame, median / p95 / worst",
        percentiles(keys),
    );
    let opens = open_link(&mut browser, dir);
    let followed = opens.len();
    col.add(
        "open a link to a note < 100 KB + frame, median / p95 / worst (links)",
        if opens.is_empty() {
            "n/a".into()
        } else {
            format!("{} ({followed})", percentiles(opens))
        },
    );
    col
}

/// The screen size the interactive measurements use.
const SCREEN: (u16, u16) = (120, 40);

/// When the browser first drew the note list, and when the whole graph was ready.
struct Startup {
    first_frame: Duration,
    graph: Duration,
}

/// Starts the browser in a pseudo-terminal and times, from spawning the process, the first screen
/// that shows the note list (its title, `Notes N`) and the first that shows the graph complete
/// (the status bar's `N notes · ? for help`, which waits for the graph); then quits with `q`.
fn startup_in_pty(engram: &Path, args: &[&str], cache_home: &Path, notes: usize) -> Startup {
    let (cols, rows) = SCREEN;
    let pair = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(engram);
    cmd.args(args);
    cmd.env("TERM", "xterm-256color");
    cmd.env("XDG_CACHE_HOME", cache_home);
    let started = Instant::now();
    let mut child = pair.slave.spawn_command(cmd).expect("spawn engram");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let mut writer = pair.master.take_writer().expect("pty writer");
    let list_mark = format!(" Notes {notes} ");
    let graph_mark = format!("{notes} notes · ? for help");
    let (tx, rx) = mpsc::channel();
    // The screen is parsed as the bytes come, so each mark is timed at the read that completed it.
    let drain = std::thread::spawn(move || {
        let mut parser = vt100::Parser::new(rows, cols, 0);
        let mut buf = vec![0u8; 1 << 16];
        let (mut list, mut graph) = (None, None);
        loop {
            match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    parser.process(&buf[..n]);
                    if list.is_none() || graph.is_none() {
                        let screen = parser.screen().contents();
                        if list.is_none() && screen.contains(&list_mark) {
                            list = Some(started.elapsed());
                        }
                        if graph.is_none() && screen.contains(&graph_mark) {
                            graph = Some(started.elapsed());
                        }
                        if list.is_some() && graph.is_some() {
                            let _ = tx.send((list, graph));
                        }
                    }
                }
            }
        }
    });
    let marks = rx.recv_timeout(Duration::from_secs(300));
    let _ = writer.write_all(b"q");
    let _ = writer.flush();
    let _ = child.wait();
    drop(writer);
    drop(pair.master);
    let _ = drain.join();
    let (Some(list), Some(graph)) = marks.expect("the browser drew the list and the graph") else {
        unreachable!("sent only when both are set")
    };
    Startup {
        first_frame: list,
        graph,
    }
}

/// Set in a copy of this program that times one browser start and prints it ([`pty_child`]).
const PTY_CHILD: &str = "ENGRAM_BENCH_PTY_CHILD";

/// Set in the copy of this program started by [`limit_in_fresh_process`].
const LIMIT_CHILD: &str = "ENGRAM_BENCH_LIMIT_CHILD";

/// The limit timed as `engram stats` is: a process of its own (a fresh copy of this program), from
/// its start to its exit; its CPU time as the copy reports it.
///
/// Run inside this benchmark once it had measured the loads and the browser, the limit took up to
/// a tenth longer than in a process of its own (at 50,000 notes, in the same half hour: 0.72–0.79 s
/// against 0.68–0.71 s), which made the goals' ratios look better than they were (`engram stats`
/// each run between two limit runs: 1.21–1.27× against 1.37×). The goals divide a process's time by
/// the limit's, so the limit is now timed the same way.
fn limit_in_fresh_process(dir: &Path) -> Timing {
    let started = Instant::now();
    let out = Command::new(std::env::current_exe().expect("this program's path"))
        .env(LIMIT_CHILD, "1")
        .arg(dir)
        .stderr(Stdio::inherit())
        .output()
        .expect("start a copy of the benchmark");
    let wall = started.elapsed();
    assert!(out.status.success(), "the copy running the limit failed");
    let text = String::from_utf8_lossy(&out.stdout);
    let cpu = text.trim().parse().expect("CPU time in nanoseconds");
    Timing {
        wall,
        cpu: Duration::from_nanos(cpu),
    }
}

/// In the copy started by [`limit_in_fresh_process`]: runs the limit once and prints the CPU time
/// this process used, in nanoseconds.
fn limit_child() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: ENGRAM_BENCH_LIMIT_CHILD=1 vault DIR");
    std::hint::black_box(limit(Path::new(&dir)));
    println!("{}", process_cpu().as_nanos());
}

/// One browser start, timed by a fresh copy of this program rather than by this process.
///
/// Starting a process in a pseudo-terminal forks the process that starts it (portable-pty sets up
/// the terminal between fork and exec), and a fork takes longer the more memory the parent has
/// mapped: 2 ms from a small process, 22 ms from one holding 600 MB, measured here. By the time it
/// starts the browser this benchmark holds the vaults it loaded in-process, so it would time its
/// own fork. The copy it starts (without a fork: std spawns with `posix_spawn`) is small.
fn startup_in_fresh_process(
    engram: &Path,
    args: &[&str],
    cache_home: &Path,
    notes: usize,
) -> Startup {
    let out = Command::new(std::env::current_exe().expect("this program's path"))
        .env(PTY_CHILD, "1")
        .arg(engram)
        .arg(cache_home)
        .arg(notes.to_string())
        .args(args)
        .stderr(Stdio::inherit())
        .output()
        .expect("start a copy of the benchmark");
    let text = String::from_utf8_lossy(&out.stdout);
    let nanos: Vec<u64> = text
        .split_whitespace()
        .map(|w| w.parse().expect("a time in nanoseconds"))
        .collect();
    let [list, graph] = nanos[..] else {
        panic!("the copy timing a browser start printed {text:?}");
    };
    Startup {
        first_frame: Duration::from_nanos(list),
        graph: Duration::from_nanos(graph),
    }
}

/// In the copy started by [`startup_in_fresh_process`]: times one browser start and prints the
/// first frame and the graph being ready, in nanoseconds.
fn pty_child() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [engram, cache_home, notes, rest @ ..] = &args[..] else {
        panic!("usage: ENGRAM_BENCH_PTY_CHILD=1 vault ENGRAM CACHE_HOME NOTES ARGS...");
    };
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let notes = notes.parse().expect("a note count");
    let s = startup_in_pty(Path::new(engram), &rest, Path::new(cache_home), notes);
    println!("{} {}", s.first_frame.as_nanos(), s.graph.as_nanos());
}

/// `runs` browser starts; medians and spread of the first frame and the graph being ready.
fn measure_startup(
    engram: &Path,
    args: &[&str],
    cache_home: &Path,
    notes: usize,
    runs: usize,
) -> (Summary, Summary) {
    let starts: Vec<Startup> = (0..runs)
        .map(|_| startup_in_fresh_process(engram, args, cache_home, notes))
        .collect();
    let timing = |d: Duration| Timing {
        wall: d,
        cpu: Duration::ZERO,
    };
    (
        summarize(starts.iter().map(|s| timing(s.first_frame)).collect()),
        summarize(starts.iter().map(|s| timing(s.graph)).collect()),
    )
}

/// Latencies in a sorted list: median, 95th percentile and worst.
fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    format!(
        "{} / {} / {} ms",
        ms(at(0.5)),
        ms(at(0.95)),
        ms(v[v.len() - 1])
    )
}

fn key(c: KeyCode) -> Event {
    Event::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// The browser in-process on a test terminal: one key, then one frame, timed together.
struct Browser {
    app: App,
    term: Terminal<TestBackend>,
}

impl Browser {
    fn new(loaded: Loaded) -> Browser {
        let app = App::new(
            loaded,
            Options {
                size: SCREEN,
                ..Options::default()
            },
        );
        let term = Terminal::new(TestBackend::new(SCREEN.0, SCREEN.1)).expect("test terminal");
        let mut b = Browser { app, term };
        b.frame();
        b
    }

    fn frame(&mut self) {
        let app = &self.app;
        self.term.draw(|f| app.draw(f)).expect("draw");
    }

    /// Applies `event` and draws the frame it leads to; returns the time both took.
    fn timed(&mut self, event: Event) -> Duration {
        let started = Instant::now();
        self.app.handle_event(event);
        self.frame();
        started.elapsed()
    }
}

/// Quick switcher keystrokes: queries made of the first letters of note titles across the vault,
/// typed one key at a time and erased again, each key timed with the frame it draws.
fn switcher_keys(b: &mut Browser) -> Vec<Duration> {
    let notes = &b.app.loaded().vault.notes;
    let step = (notes.len() / 20).max(1);
    let queries: Vec<String> = notes
        .iter()
        .step_by(step)
        .take(20)
        .map(|n| {
            n.title
                .chars()
                .filter(|c| c.is_alphanumeric())
                .take(8)
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for q in queries {
        b.timed(key(KeyCode::Char('/')));
        for c in q.chars() {
            out.push(b.timed(key(KeyCode::Char(c))));
        }
        for _ in q.chars() {
            out.push(b.timed(key(KeyCode::Backspace)));
        }
        b.timed(key(KeyCode::Esc));
    }
    out
}

/// Following links: notes spread across the vault are opened, then `Tab` selects their first link
/// to a note of under 100 KB that has not been drawn yet and `Enter` follows it; the `Enter` and the
/// frame that shows the new note are timed together.
fn open_link(b: &mut Browser, dir: &Path) -> Vec<Duration> {
    let sizes: Vec<u64> = b
        .app
        .loaded()
        .vault
        .notes
        .iter()
        .map(|note| fs::metadata(dir.join(&note.path)).map_or(u64::MAX, |m| m.len()))
        .collect();
    let small = |i: usize| sizes[i] < 100_000;
    let plan = {
        let loaded = b.app.loaded();
        let n = loaded.vault.notes.len();
        let mut seen = std::collections::HashSet::new();
        let mut plan = Vec::new();
        for source in (0..n).step_by((n / 200).max(1)).filter(|&s| small(s)) {
            let links = &loaded.vault.notes[source].parsed.links;
            let shown = links.iter().enumerate().filter(|(_, l)| !l.in_comment);
            for (stop, (j, _)) in shown.enumerate() {
                let r = loaded.graph.resolution(engram::graph::LinkRef {
                    note: source,
                    link: j,
                });
                if let Some(t) = r.note() {
                    if t != source && small(t) && seen.insert(t) {
                        plan.push((source, stop));
                        break;
                    }
                }
            }
            if plan.len() == 50 {
                break;
            }
        }
        plan
    };
    let mut out = Vec::new();
    for (source, stop) in plan {
        b.app.open_note(source);
        b.frame();
        b.app.update(Action::Top);
        // Tab walks the link stops in order; stop `stop` is the chosen link (stops skip links
        // that render no anchor, so the one selected is checked before following it).
        for _ in 0..=stop {
            b.app.update(Action::NextLink);
        }
        let Some(link) = b.app.selected_link() else {
            continue;
        };
        let Some(target) = b.app.loaded().graph.resolution(link).note() else {
            continue;
        };
        if target == source || !small(target) {
            continue;
        }
        out.push(b.timed(key(KeyCode::Enter)));
        assert_eq!(
            b.app.view().map(|v| v.note),
            Some(target),
            "the link was followed"
        );
    }
    out
}

fn print_table(cols: &[Column]) {
    let mut rows: Vec<String> = Vec::new();
    for c in cols {
        for (r, _) in &c.cells {
            if !rows.contains(r) {
                rows.push(r.clone());
            }
        }
    }
    let mut header = "| |".to_string();
    let mut rule = "|---|".to_string();
    for c in cols {
        header.push_str(&format!(" {} |", c.vault));
        rule.push_str("---|");
    }
    println!("{header}\n{rule}");
    for r in rows {
        let mut line = format!("| {r} |");
        for c in cols {
            let v = c
                .cells
                .iter()
                .find(|(n, _)| *n == r)
                .map_or("", |(_, v)| v.as_str());
            line.push_str(&format!(" {v} |"));
        }
        println!("{line}");
    }
}

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => v
            .split(',')
            .filter_map(|s| s.trim().replace('_', "").parse().ok())
            .collect(),
        _ => default.to_vec(),
    }
}

fn main() {
    if std::env::var_os(PTY_CHILD).is_some() {
        return pty_child();
    }
    if std::env::var_os(LIMIT_CHILD).is_some() {
        return limit_child();
    }
    // `cargo bench` passes `--bench`; a filter argument is not used.
    let sizes = env_list("ENGRAM_BENCH_SIZES", &[1_000, 10_000, 50_000]);
    let runs = env_list("ENGRAM_BENCH_RUNS", &[5])
        .first()
        .copied()
        .unwrap_or(5)
        .max(1);
    let engram = PathBuf::from(env!("CARGO_BIN_EXE_engram"));
    let scratch = tempfile::tempdir().expect("temporary folder");

    let started_load = load_average();
    let mut cols = Vec::new();
    for &n in &sizes {
        let (dir, kept) = common::generated_dir(n, scratch.path());
        if let Some(s) = common::ensure_generated(&dir, n) {
            eprintln!(
                "   {} notes, {} large, {} attachments, {} folders, {}",
                s.notes,
                s.large_notes,
                s.attachments,
                s.folders,
                mb(s.bytes)
            );
        }
        cols.push(bench_vault(
            &format!("generated {n}"),
            &dir,
            &engram,
            runs,
            scratch.path(),
        ));
        if !kept {
            let _ = fs::remove_dir_all(&dir);
        }
    }
    for d in common::corpora() {
        cols.push(bench_vault(
            &common::name(&d),
            &d,
            &engram,
            runs,
            scratch.path(),
        ));
    }

    println!();
    println!("Machine: {}", machine());
    println!(
        "Load average (1, 5, 15 min) at start: {started_load}; at end: {}",
        load_average()
    );
    println!(
        "Page cache warm (each vault read once before timing); medians of {runs} runs (min–max). \
         In-process CPU time from /proc/self/task/*/schedstat; the binary's CPU time and peak RSS from \
         GNU time (10 ms steps). \"Cores busy\" is CPU time over wall time."
    );
    println!();
    print_table(&cols);
}
