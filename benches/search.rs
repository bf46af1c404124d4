//! Query latency of full-text search (issue 5), against the physical floor: one `memmem` scan over
//! the vault's bytes already in memory.
//!
//! Run with `cargo bench --bench search`. It generates (once, then reuses) a deterministic vault of
//! 20,000 corpus-like notes of about 7.5 KB (about 150 MB) under Cargo's target tmp folder, and also
//! measures `$ENGRAM_CORPORA/hubermanlab` when that is set. Every figure is the best of several
//! runs with warm file caches (the fastest run is the least disturbed on a shared machine). Set `ENGRAM_BENCH_NOTES` for another vault size.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use engram::fulltext::{search, search_all, Cancel, Folded, Matcher, Query};
use engram::textpack::{self, Refresh};
use engram::vault::{LoadOptions, Vault};
use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use rayon::prelude::*;

/// Vocabulary for the generated notes: common words weighted towards the front (a rough Zipf
/// curve), plus the neuroscience terms the queries look for.
const WORDS: &[&str] = &[
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "on",
    "by",
    "this",
    "be",
    "are",
    "from",
    "or",
    "an",
    "which",
    "can",
    "their",
    "these",
    "has",
    "more",
    "also",
    "such",
    "when",
    "how",
    "brain",
    "sleep",
    "light",
    "during",
    "body",
    "levels",
    "effects",
    "health",
    "may",
    "study",
    "increase",
    "time",
    "research",
    "people",
    "system",
    "important",
    "role",
    "response",
    "activity",
    "learning",
    "memory",
    "exercise",
    "stress",
    "focus",
    "hormone",
    "neurons",
    "signal",
    "morning",
    "evening",
    "protocol",
    "behavior",
    "motivation",
    "attention",
    "circadian",
    "rhythm",
    "nervous",
    "receptor",
    "pathway",
    "reward",
    "pleasure",
    "habit",
    "training",
    "muscle",
    "heart",
    "breathing",
    "temperature",
    "cold",
    "heat",
    "exposure",
    "caffeine",
    "alcohol",
    "nutrition",
    "fasting",
    "glucose",
    "insulin",
    "inflammation",
    "immune",
    "gut",
    "microbiome",
    "vision",
    "hearing",
    "pain",
    "anxiety",
    "mood",
    "depression",
    "therapy",
    "supplement",
    "dose",
    "effect",
    "cortisol",
    "melatonin",
    "testosterone",
    "estrogen",
    "adrenaline",
    "acetylcholine",
    "serotonin",
    "dopamine",
    "norepinephrine",
    "neuroplasticity",
    "hypothalamus",
    "amygdala",
    "prefrontal",
    "cortex",
    "synapse",
    "mitochondria",
    "metabolism",
    "longevity",
    "performance",
    "recovery",
];

/// Small deterministic PRNG (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A word, with the front of the list far more likely.
    fn word(&mut self) -> &'static str {
        let a = self.below(WORDS.len());
        let b = self.below(WORDS.len());
        let c = self.below(WORDS.len());
        WORDS[a.min(b).min(c)]
    }
}

fn note_text(rng: &mut Rng, i: usize, target: usize) -> String {
    let mut s = String::with_capacity(target + 512);
    let title: Vec<&str> = (0..4).map(|_| rng.word()).collect();
    s.push_str(&format!(
        "---\ntitle: {}\nvideoId: v{:08x}\n---\nFrom: [[hubermanlab]] <br/>\n\n",
        title.join(" "),
        rng.next() as u32
    ));
    let mut section = 0;
    while s.len() < target {
        if section == 0 || rng.below(4) == 0 {
            section += 1;
            let level = if section == 1 { "##" } else { "###" };
            let h: Vec<&str> = (0..3).map(|_| rng.word()).collect();
            s.push_str(&format!("{level} {}\n\n", capitalize(&h.join(" "))));
        }
        let sentences = 2 + rng.below(4);
        for _ in 0..sentences {
            let n = 8 + rng.below(14);
            let mut words: Vec<String> = (0..n).map(|_| rng.word().to_string()).collect();
            words[0] = capitalize(&words[0]);
            if rng.below(6) == 0 {
                let k = rng.below(n);
                words[k] = format!("[[{}_{} | {}]]", rng.word(), rng.word(), rng.word());
            }
            if rng.below(40) == 0 {
                words.push("#topic/neuro".into());
            }
            if rng.below(30) == 0 {
                words.push("the reward pathway".into());
            }
            s.push_str(&words.join(" "));
            s.push_str(". ");
        }
        s.push_str(&format!(
            "[{:02}:{:02}:{:02}]\n\n",
            i % 3,
            rng.below(60),
            rng.below(60)
        ));
    }
    s
}

fn capitalize(w: &str) -> String {
    let mut c = w.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Generates the vault once; a marker file records that it is complete.
fn generated_vault(notes: usize) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("engram-bench-{notes}-v1"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    let _ = std::fs::remove_dir_all(&dir);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for i in 0..notes {
        let folder = dir.join(format!("f{:02}", i % 40));
        if i < 40 {
            std::fs::create_dir_all(&folder).expect("mkdir");
        }
        let target = 5_000 + rng.below(5_000);
        let text = note_text(&mut rng, i, target);
        std::fs::write(folder.join(format!("note_{i:05}.md")), text).expect("write");
    }
    std::fs::write(&done, "").expect("marker");
    dir
}

/// The best run: on a machine shared with other work, the fastest run is the one least disturbed.
fn best(v: Vec<Duration>) -> Duration {
    v.into_iter().min().unwrap_or_default()
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        times.push(t.elapsed());
        last = Some(r);
    }
    (best(times), last.expect("at least one run"))
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

const QUERIES: &[&str] = &[
    "dopamine",
    "dopamine reward",
    "\"reward pathway\"",
    "Dopamine",
    "tag:topic/neuro",
    "line:(dopamine reward)",
    "section:(melatonin cortisol)",
    "zyzzyva",
];

/// A line of `/proc/self/status` in MB (`VmRSS`, `VmHWM`; Linux only, else 0).
fn status_mb(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The process's resident memory now, in MB.
fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

/// The peak resident memory while `f` runs, in MB: the kernel's high-water mark, reset first.
fn peak_rss_mb<T>(f: impl FnOnce() -> T) -> f64 {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    std::hint::black_box(f());
    status_mb("VmHWM:")
}

fn bench_vault(name: &str, dir: &Path) {
    let (load, vault) = time(1, || Vault::load(dir).expect("load"));
    // The same vault with a text pack, in a cache folder of the benchmark's own.
    let cache_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("engram-bench-cache");
    let options = LoadOptions {
        cache: true,
        cache_dir: Some(cache_dir),
    };
    let packed = Vault::load_with(dir, &options).expect("load with the cache");
    // A note modified within two seconds of writing the pack is not trusted from it (the index
    // cache's racy rule): a vault generated just now waits that long, as the browser's refresh does.
    let newest = packed.notes.iter().filter_map(|n| n.modified).max();
    if let Some(age) = newest.and_then(|m| m.elapsed().ok()) {
        std::thread::sleep(Duration::from_millis(2100).saturating_sub(age));
    }
    let (pack_write, refreshed) = time(1, || textpack::refresh(&packed).expect("write the pack"));
    let pack_file = packed.pack_file().expect("pack place").to_path_buf();
    let pack_mb = std::fs::metadata(&pack_file).map_or(0, |m| m.len()) as f64 / 1e6;
    let paths: Vec<PathBuf> = vault.notes.iter().map(|n| n.file.clone()).collect();
    let (read, texts) = time(3, || {
        paths
            .iter()
            .map(|p| std::fs::read(p).expect("read"))
            .collect::<Vec<Vec<u8>>>()
    });
    let bytes: usize = texts.iter().map(Vec::len).sum();
    // What any search that reads the files again pays before looking at a byte.
    let (reread, _) = time(7, || {
        (0..vault.notes.len())
            .into_par_iter()
            .map_init(Vec::new, |buf, i| {
                vault.read_into(i, buf).expect("read");
                buf.len()
            })
            .sum::<usize>()
    });
    // The floor: one memmem pass over bytes already in memory (one core).
    let finder = memchr::memmem::Finder::new("dopamine");
    let (scan, found) = time(11, || {
        texts
            .iter()
            .map(|t| finder.find_iter(t).count())
            .sum::<usize>()
    });
    println!();
    println!(
        "## {name}: {} notes, {:.1} MB, {} cores",
        vault.notes.len(),
        bytes as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| step | ms | × memmem scan |");
    println!("|---|---:|---:|");
    let ratio = |d: Duration| format!("{:.1}", d.as_secs_f64() / scan.as_secs_f64());
    println!(
        "| load vault (parse, once) | {} | {} |",
        ms(load),
        ratio(load)
    );
    println!(
        "| read all files into memory (1 core) | {} | {} |",
        ms(read),
        ratio(read)
    );
    println!(
        "| read every file again with `Vault::read_into` (all cores) | {} | {} |",
        ms(reread),
        ratio(reread)
    );
    println!(
        "| **baseline**: memmem `dopamine` over in-memory bytes (1 core, {found} found) | {} | 1.0 |",
        ms(scan)
    );
    let written = match refreshed {
        Refresh::Written { .. } => "written",
        Refresh::Fresh => "already fresh",
        Refresh::Off => "off",
    };
    println!(
        "| write the text pack ({written}, {pack_mb:.1} MB, 1 core) | {} | {} |",
        ms(pack_write),
        ratio(pack_write)
    );
    let rss_before = rss_mb();
    println!();
    let dopamine = Query::parse("dopamine").expect("query");
    let peak_files = peak_rss_mb(|| search_all(&vault, &dopamine).len());
    let peak_pack = peak_rss_mb(|| search_all(&packed, &dopamine).len());
    let rss_end = rss_mb();
    println!(
        "RSS: {rss_before:.0} MB before a search. Peak during a `dopamine` search: \
         {peak_files:.0} MB reading files, {peak_pack:.0} MB from the pack (a chunk of texts at a \
         time); {rss_end:.0} MB after."
    );
    println!();
    // The matcher alone, on texts already in memory: what a search costs beyond reading files.
    let strings: Vec<String> = texts
        .into_iter()
        .map(|t| String::from_utf8(t).expect("utf-8"))
        .collect();
    println!(
        "| query | `search_all` ms (reads every file again) | × baseline | × re-read | with the text pack, ms | × baseline | matcher on in-memory texts, ms | × baseline | hits | notes |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for qs in QUERIES {
        let q = Query::parse(qs).expect("query");
        let (d, hits) = time(7, || search_all(&vault, &q));
        let (dp, packed_hits) = time(7, || search_all(&packed, &q));
        assert_eq!(packed_hits, hits, "{qs}: the same hits from the pack");
        let r = search(&packed, &q, &Cancel::new(), |_| {});
        assert_eq!(r.from_pack, r.notes_read, "{qs}: every text from the pack");
        let m = Matcher::new(&q);
        let (dm, _) = time(7, || {
            strings
                .par_iter()
                .enumerate()
                .map_init(Folded::default, |f, (i, t)| {
                    m.hits(i, &vault.notes[i], t, f).len()
                })
                .sum::<usize>()
        });
        let mut notes: Vec<usize> = hits.iter().map(|h| h.note).collect();
        notes.dedup();
        println!(
            "| `{}` | {} | {} | {:.1} | {} | {} | {} | {} | {} | {} |",
            qs.replace('|', "\\|"),
            ms(d),
            ratio(d),
            d.as_secs_f64() / reread.as_secs_f64(),
            ms(dp),
            ratio(dp),
            ms(dm),
            ratio(dm),
            hits.len(),
            notes.len()
        );
    }

    // The quick switcher's per-keystroke work: fuzzy-score every title with the matcher the
    // switcher uses, then sort by score. A proxy until the switcher itself lands.
    let titles: Vec<&str> = vault.notes.iter().map(|n| n.title.as_str()).collect();
    let matcher = SkimMatcherV2::default();
    println!();
    println!(
        "Quick switcher keystroke: fuzzy-score and sort {} titles.",
        titles.len()
    );
    println!();
    let mut worst = Duration::ZERO;
    let mut worst_par = Duration::ZERO;
    let score = |typed: &str, par: bool| {
        let f = |(i, t): (usize, &&str)| matcher.fuzzy_match(t, typed).map(|s| (s, i));
        let mut scored: Vec<(i64, usize)> = if par {
            titles.par_iter().enumerate().filter_map(f).collect()
        } else {
            titles.iter().enumerate().filter_map(f).collect()
        };
        scored.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored.len()
    };
    println!("| typed | candidates | ms, 1 core | ms, all cores |");
    println!("|---|---:|---:|---:|");
    for typed in [
        "d",
        "do",
        "dop",
        "dopa",
        "dopam",
        "dopamine",
        "dopamine rew",
    ] {
        let (d, n) = time(5, || score(typed, false));
        let (dp, _) = time(5, || score(typed, true));
        worst = worst.max(d);
        worst_par = worst_par.max(dp);
        println!("| `{typed}` | {n} | {} | {} |", ms(d), ms(dp));
    }
    println!("| worst | | {} | {} |", ms(worst), ms(worst_par));
}

fn main() {
    // `cargo bench` passes `--bench`; no other arguments are used.
    let notes = std::env::var("ENGRAM_BENCH_NOTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20_000);
    let t = Instant::now();
    let dir = generated_vault(notes);
    eprintln!(
        "generated vault ready in {} ms: {}",
        ms(t.elapsed()),
        dir.display()
    );
    if let Some(root) = std::env::var_os("ENGRAM_CORPORA") {
        bench_vault("hubermanlab", &PathBuf::from(root).join("hubermanlab"));
    }
    bench_vault(&format!("generated ({notes} notes)"), &dir);
}
