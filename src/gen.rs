//! Writes deterministic test vaults in the style of the corpora, for benchmarks and tests.
//!
//! [`generate`] makes `n` notes that look like the two vaults in `../shared/corpora`: AI-written podcast
//! notes (`title`/`videoId` frontmatter, `From: [[hub]] <br/>`, `[[snake_case | display]]` links,
//! `> [!info]` callouts, `<a class="yt-timestamp">` HTML) and human documentation (Title Case names
//! with spaces, heading and block links, `[[a\|b]]` in tables, Markdown links, fenced code, aliases).
//! Every link form engram reads appears, about a fifth of wikilink targets name no note (as in
//! hubermanlab), notes sit in folders up to three levels deep, and about one note in a hundred is large
//! (100 KB to 1 MB). The same `(n, seed)` always writes the same bytes, on any machine.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;

/// What [`generate`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenSummary {
    /// Markdown notes.
    pub notes: usize,
    /// Notes of 100 KB or more.
    pub large_notes: usize,
    /// Non-Markdown files (images, PDFs) that embeds and links point at.
    pub attachments: usize,
    /// Folders holding notes, the vault root not counted.
    pub folders: usize,
    /// Bytes of the Markdown notes.
    pub bytes: u64,
    /// Bytes of every file written, attachments and the hidden `.obsidian/` folder included.
    pub total_bytes: u64,
    /// Links written (wikilinks, embeds, Markdown and property links, external ones included).
    pub links: usize,
}

/// A small, fast, seedable random number generator (xorshift64*): deterministic across platforms,
/// which is all a test vault needs. Not for anything that must be unpredictable.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator whose sequence depends only on `seed`.
    pub fn new(seed: u64) -> Rng {
        // splitmix64 spreads nearby seeds apart; xorshift must not start at zero.
        let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Rng((z ^ (z >> 31)) | 1)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number in `0..n` (`n` > 0 and below 2³²).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// A float in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// `true` with probability `percent` / 100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of a non-empty slice, copied.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// One element of a non-empty slice.
    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "brain",
    "sleep",
    "dopamine",
    "focus",
    "memory",
    "learning",
    "stress",
    "light",
    "exercise",
    "nutrition",
    "hormones",
    "serotonin",
    "motivation",
    "habits",
    "cortisol",
    "circadian",
    "rhythm",
    "neuroplasticity",
    "attention",
    "vision",
    "breathing",
    "heart",
    "muscle",
    "recovery",
    "fasting",
    "metabolism",
    "insulin",
    "glucose",
    "immune",
    "system",
    "gut",
    "microbiome",
    "inflammation",
    "pain",
    "temperature",
    "cold",
    "heat",
    "exposure",
    "caffeine",
    "alcohol",
    "nicotine",
    "cannabis",
    "psychedelics",
    "therapy",
    "trauma",
    "anxiety",
    "depression",
    "mood",
    "emotion",
    "fear",
    "reward",
    "pleasure",
    "addiction",
    "willpower",
    "creativity",
    "language",
    "music",
    "movement",
    "balance",
    "posture",
    "aging",
    "longevity",
    "genes",
    "testosterone",
    "estrogen",
    "fertility",
    "pregnancy",
    "children",
    "parenting",
    "relationships",
    "social",
    "connection",
    "loneliness",
    "meditation",
    "hypnosis",
    "dreams",
    "naps",
    "morning",
    "evening",
    "sunlight",
    "blue",
    "screens",
    "protein",
    "fats",
    "supplements",
    "vitamins",
    "magnesium",
    "zinc",
    "omega",
    "creatine",
    "tools",
    "protocols",
    "science",
    "research",
    "studies",
    "evidence",
    "mechanisms",
    "pathways",
    "neurons",
    "synapses",
    "receptors",
    "cortex",
    "amygdala",
    "hippocampus",
    "thalamus",
    "cerebellum",
    "hypothalamus",
    "spinal",
    "nerve",
    "vagus",
    "skin",
    "eyes",
    "ears",
    "smell",
    "taste",
    "touch",
    "performance",
    "strength",
    "endurance",
    "flexibility",
    "training",
    "workout",
    "running",
    "cycling",
    "swimming",
    "yoga",
    "walking",
    "cognition",
    "intelligence",
    "decision",
    "behavior",
    "personality",
    "identity",
    "purpose",
    "gratitude",
    "kindness",
    "curiosity",
    "discipline",
    "queries",
    "filters",
    "sorting",
    "grouping",
    "layout",
    "dates",
    "recurrence",
    "priority",
    "status",
    "statuses",
    "scripting",
    "settings",
    "plugins",
    "editing",
    "formats",
    "dataview",
    "templates",
    "callouts",
    "tables",
    "links",
    "backlinks",
    "headings",
    "blocks",
    "embeds",
];

const CONNECTORS: &[&str] = &[
    "the", "of", "and", "in", "for", "with", "on", "to", "a", "its", "how", "why", "between",
];

const VERBS: &[&str] = &[
    "affects",
    "regulates",
    "improves",
    "reduces",
    "modulates",
    "supports",
    "shapes",
    "drives",
    "explains",
    "predicts",
    "influences",
    "balances",
    "controls",
    "protects",
    "restores",
];

const ADJECTIVES: &[&str] = &[
    "daily",
    "deep",
    "chronic",
    "acute",
    "optimal",
    "practical",
    "early",
    "late",
    "natural",
    "simple",
    "complex",
    "rapid",
    "slow",
    "robust",
    "subtle",
    "key",
    "core",
    "central",
    "peripheral",
];

/// Words that make some names and text non-ASCII, so Unicode folding is exercised.
const UNICODE_WORDS: &[&str] = &[
    "Café",
    "Über",
    "naïve",
    "Müller",
    "São Paulo",
    "Ångström",
    "Øresund",
    "Zürich",
    "façade",
    "résumé",
];

const HUBS: &[&str] = &["hubermanlab", "lexfridman", "tim_ferriss", "peter_attia_md"];

const CALLOUTS: &[&str] = &[
    "info",
    "NOTE",
    "tip",
    "warning",
    "example",
    "quote",
    "important",
];

const LANGS: &[&str] = &[
    "rust",
    "python",
    "javascript",
    "text",
    "markdown",
    "yaml",
    "bash",
];

/// How a note is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// hubermanlab: snake_case names, `title`/`videoId`, `[[t | d]]`, timestamps.
    Podcast,
    /// obsidian-tasks-docs: Title Case names, heading links, tables, code.
    Docs,
}

/// Everything other notes need to know about a note before it is written.
#[derive(Debug, Clone)]
struct Plan {
    /// Vault path with `.md`.
    path: String,
    /// File name without `.md`.
    stem: String,
    title: String,
    style: Style,
    headings: Vec<String>,
    blocks: Vec<String>,
    aliases: Vec<String>,
    target_bytes: usize,
}

/// Writes a vault of `n_notes` notes into `dir` (created if needed; it must be empty or absent, so a
/// real vault is never written into). The same `n_notes` and `seed` always give the same files.
pub fn generate(dir: &Path, n_notes: usize, seed: u64) -> io::Result<GenSummary> {
    if dir.exists() && fs::read_dir(dir)?.next().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!(
                "{} is not empty; engram-gen only writes into a new folder",
                dir.display()
            ),
        ));
    }
    fs::create_dir_all(dir)?;
    let mut rng = Rng::new(seed);
    let folders = make_folders(&mut rng, n_notes);
    let plans = make_plans(&mut rng, n_notes, &folders);
    let attachments = make_attachments(&mut rng, n_notes, &folders);

    let mut summary = GenSummary {
        notes: plans.len(),
        folders: folders.len(),
        attachments: attachments.len(),
        ..GenSummary::default()
    };
    for f in &folders {
        fs::create_dir_all(dir.join(f))?;
    }
    fs::create_dir_all(dir.join(".obsidian"))?;
    let app = "{\n  \"alwaysUpdateLinks\": true,\n  \"newLinkFormat\": \"shortest\"\n}\n";
    fs::write(dir.join(".obsidian/app.json"), app)?;
    summary.total_bytes += app.len() as u64;

    let world = World {
        plans: &plans,
        attachments: &attachments,
        seed,
    };
    let written: Vec<(u64, usize)> = (0..plans.len())
        .into_par_iter()
        .map(|i| {
            let (text, links) = world.note(i);
            fs::write(dir.join(&plans[i].path), &text)?;
            Ok((text.len() as u64, links))
        })
        .collect::<io::Result<_>>()?;
    for (bytes, links) in written {
        summary.bytes += bytes;
        summary.links += links;
        summary.large_notes += usize::from(bytes >= 100_000);
    }
    summary.total_bytes += summary.bytes;
    for (i, a) in attachments.iter().enumerate() {
        let bytes = attachment_bytes(a, seed ^ i as u64);
        let file = dir.join(a);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(file, &bytes)?;
        summary.total_bytes += bytes.len() as u64;
    }
    Ok(summary)
}

fn word(rng: &mut Rng) -> &'static str {
    rng.pick(WORDS)
}

fn title_case(word: &str) -> String {
    let mut c = word.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Folders up to three levels deep, about one for every 40 notes.
fn make_folders(rng: &mut Rng, n: usize) -> Vec<String> {
    let want = (n / 40).clamp(8, 2000);
    let mut folders: Vec<String> = [
        "Neuroscience",
        "Health",
        "Projects",
        "Reference",
        "journal",
        "People",
        "topics",
        "Getting Started",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let mut seen: HashSet<String> = folders.iter().map(|f| f.to_lowercase()).collect();
    let top = folders.len();
    while folders.len() < want {
        let second = folders.len() < top + (want - top) / 3;
        let parent = if second {
            folders[rng.below(top)].clone()
        } else {
            folders[top + rng.below(folders.len() - top)].clone()
        };
        let name = match rng.below(4) {
            0 => format!("{}", 2015 + rng.below(11)),
            1 => title_case(rng.pick(WORDS)),
            2 => format!("{} and {}", title_case(rng.pick(WORDS)), rng.pick(WORDS)),
            _ => rng.pick(WORDS).to_string(),
        };
        let path = format!("{parent}/{name}");
        if path.matches('/').count() <= 2 && seen.insert(path.to_lowercase()) {
            folders.push(path);
        }
    }
    folders
}

fn podcast_name(rng: &mut Rng) -> String {
    let mut parts: Vec<&str> = Vec::new();
    let n = rng.range(2, 4);
    for k in 0..n {
        if k > 0 && rng.chance(60) {
            parts.push(rng.pick(CONNECTORS));
        }
        parts.push(rng.pick(WORDS));
    }
    parts.join("_")
}

fn docs_name(rng: &mut Rng) -> String {
    let n = rng.range(1, 3);
    let mut parts: Vec<String> = (0..n).map(|_| title_case(rng.pick(WORDS))).collect();
    if rng.chance(4) {
        parts.push(rng.pick(UNICODE_WORDS).to_string());
    }
    parts.join(" ")
}

fn sentence_title(name: &str) -> String {
    title_case(&name.replace('_', " "))
}

fn heading_text(rng: &mut Rng, style: Style) -> String {
    match (style, rng.below(4)) {
        (Style::Podcast, 0) => format!(
            "The Role of {} in {}",
            title_case(rng.pick(WORDS)),
            title_case(rng.pick(WORDS))
        ),
        (Style::Podcast, 1) => format!(
            "{} and {}",
            title_case(rng.pick(WORDS)),
            title_case(rng.pick(WORDS))
        ),
        (Style::Podcast, _) => format!(
            "{} {}",
            title_case(rng.pick(ADJECTIVES)),
            title_case(rng.pick(WORDS))
        ),
        (Style::Docs, 0) => format!("How to use `{}`", rng.pick(WORDS)),
        (Style::Docs, 1) => format!(
            "{} {}: {}",
            title_case(rng.pick(WORDS)),
            rng.pick(WORDS),
            rng.pick(ADJECTIVES)
        ),
        (Style::Docs, _) => title_case(rng.pick(WORDS)),
    }
}

/// Regular notes come out at about 4.5 KB (hubermanlab's median is 4.4 KB); one in a hundred is
/// large, most of those near 100 KB and a few near 1 MB.
fn target_size(rng: &mut Rng) -> usize {
    if rng.chance(1) {
        let u = rng.unit();
        (100_000.0 * 10f64.powf(u * u * u)) as usize
    } else {
        let u = rng.unit();
        1_800 + (3_000.0 * u * u) as usize + rng.below(800)
    }
}

fn make_plans(rng: &mut Rng, n: usize, folders: &[String]) -> Vec<Plan> {
    let mut stems: HashSet<String> = HashSet::new();
    let mut paths: HashSet<String> = HashSet::new();
    let mut plans: Vec<Plan> = Vec::with_capacity(n);
    for i in 0..n {
        let style = if rng.chance(70) {
            Style::Podcast
        } else {
            Style::Docs
        };
        let folder = if rng.chance(5) {
            ""
        } else {
            folders[rng.below(folders.len())].as_str()
        };
        let at = |stem: &str| {
            if folder.is_empty() {
                format!("{stem}.md")
            } else {
                format!("{folder}/{stem}.md")
            }
        };
        // A few notes share a name with a note in another folder, as real vaults do.
        let dup = (i > 10 && rng.chance(1))
            .then(|| plans[rng.below(plans.len())].stem.clone())
            .filter(|s| !paths.contains(&at(s).to_lowercase()));
        let stem = match dup {
            Some(s) => s,
            None => {
                let mut s = match style {
                    Style::Podcast => podcast_name(rng),
                    Style::Docs => docs_name(rng),
                };
                while !stems.insert(s.to_lowercase()) {
                    let extra = match style {
                        Style::Podcast => format!("_{}", rng.pick(WORDS)),
                        Style::Docs => format!(" {}", title_case(rng.pick(WORDS))),
                    };
                    s.push_str(&extra);
                }
                s
            }
        };
        let path = at(&stem);
        paths.insert(path.to_lowercase());
        let title = match style {
            Style::Podcast => sentence_title(&stem),
            Style::Docs => stem.clone(),
        };
        let target_bytes = target_size(rng);
        let sections = (target_bytes / 800).clamp(2, 40);
        let headings: Vec<String> = (0..sections).map(|_| heading_text(rng, style)).collect();
        let blocks: Vec<String> = (0..rng.below(4))
            .map(|_| format!("{:06x}", rng.next_u64() & 0xff_ffff))
            .collect();
        let aliases: Vec<String> = if rng.chance(10) {
            vec![format!(
                "{} {}",
                title_case(rng.pick(ADJECTIVES)),
                rng.pick(WORDS)
            )]
        } else {
            Vec::new()
        };
        plans.push(Plan {
            path,
            stem,
            title,
            style,
            headings,
            blocks,
            aliases,
            target_bytes,
        });
    }
    plans
}

fn make_attachments(rng: &mut Rng, n: usize, folders: &[String]) -> Vec<String> {
    let count = (n / 25).max(4);
    (0..count)
        .map(|i| {
            let folder = if rng.chance(50) {
                "assets".to_string()
            } else {
                format!("{}/attachments", folders[rng.below(folders.len())])
            };
            let ext = if rng.chance(85) { "png" } else { "pdf" };
            format!("{folder}/{}_{i}.{ext}", rng.pick(WORDS))
        })
        .collect()
}

/// A few hundred bytes that start like the file type they claim to be.
fn attachment_bytes(path: &str, seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let mut out: Vec<u8> = if path.ends_with(".png") {
        b"\x89PNG\r\n\x1a\n".to_vec()
    } else {
        b"%PDF-1.4\n".to_vec()
    };
    let len = rng.range(200, 2_000);
    out.extend((0..len).map(|_| rng.next_u64() as u8));
    out
}

/// What writing one note needs: every note's plan, the attachments, the seed.
struct World<'a> {
    plans: &'a [Plan],
    attachments: &'a [String],
    seed: u64,
}

/// One note being written: its text and the number of links in it.
struct Writer<'a> {
    world: &'a World<'a>,
    me: usize,
    rng: Rng,
    out: String,
    links: usize,
    blocks_left: Vec<String>,
}

impl World<'_> {
    /// The text of note `i` and the number of links written in it.
    fn note(&self, i: usize) -> (String, usize) {
        let plan = &self.plans[i];
        let mut w = Writer {
            world: self,
            me: i,
            rng: Rng::new(self.seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            out: String::with_capacity(plan.target_bytes + 1024),
            links: 0,
            blocks_left: plan.blocks.iter().rev().cloned().collect(),
        };
        w.frontmatter();
        match plan.style {
            Style::Podcast => w.podcast(),
            Style::Docs => w.docs(),
        }
        while let Some(b) = w.blocks_left.pop() {
            let s = w.sentence();
            let _ = write!(w.out, "\n{s} ^{b}\n");
        }
        (w.out, w.links)
    }
}

impl Writer<'_> {
    fn plan(&self) -> &Plan {
        &self.world.plans[self.me]
    }

    /// A note index, skewed so that some notes are linked far more often than others.
    fn other(&mut self) -> usize {
        let u = self.rng.unit();
        let n = self.world.plans.len();
        ((u * u * u) * n as f64) as usize % n
    }

    fn sentence(&mut self) -> String {
        let mut s = title_case(self.rng.pick(ADJECTIVES));
        let len = self.rng.range(6, 16);
        for k in 0..len {
            s.push(' ');
            match k % 5 {
                2 => s.push_str(self.rng.pick(VERBS)),
                4 => s.push_str(self.rng.pick(CONNECTORS)),
                _ => s.push_str(word(&mut self.rng)),
            }
        }
        if self.rng.chance(3) {
            s.push(' ');
            s.push_str(self.rng.pick(UNICODE_WORDS));
        }
        if self.rng.chance(5) {
            let _ = write!(s, " #{}", word(&mut self.rng));
        }
        if self.rng.chance(2) {
            let _ = write!(s, " #{}/{}", word(&mut self.rng), word(&mut self.rng));
        }
        s.push('.');
        s
    }

    /// A name for a note that does not exist (about a fifth of wikilinks, as in hubermanlab).
    fn missing_target(&mut self) -> String {
        let mut s = podcast_name(&mut self.rng);
        s.push_str("_missing");
        s
    }

    /// A wikilink (or embed, or Markdown link) in one of the forms engram reads.
    fn link(&mut self) -> String {
        self.links += 1;
        let style = self.plan().style;
        if self.rng.chance(20) {
            let t = self.missing_target();
            return format!("[[{t} | {} {}]]", word(&mut self.rng), word(&mut self.rng));
        }
        let j = self.other();
        let p = &self.world.plans[j];
        let roll = self.rng.below(100);
        match (style, roll) {
            (_, 0..=4) => format!("[[{}#{}]]", p.stem, self.rng.pick_ref(&p.headings)),
            (_, 5..=6) if !p.blocks.is_empty() => {
                format!("[[{}#^{}]]", p.stem, self.rng.pick_ref(&p.blocks))
            }
            (_, 7) => format!("![[{}]]", p.stem),
            (_, 8) => format!("![[{}#{}]]", p.stem, self.rng.pick_ref(&p.headings)),
            (_, 9) => {
                let a = self.rng.pick_ref(self.world.attachments);
                let name = a.rsplit('/').next().unwrap_or(a);
                format!("![[{name}]]")
            }
            (_, 10) => {
                let h = self.plan().headings[0].clone();
                format!("[[#{h}]]")
            }
            (_, 11..=13) => format!("[[{}|{}]]", p.path.trim_end_matches(".md"), p.title),
            (_, 14..=16) => format!(
                "[{}]({})",
                p.title,
                p.path.replace(' ', "%20").replace('`', "%60")
            ),
            (_, 17) => format!(
                "[{}](https://example.org/{})",
                word(&mut self.rng),
                word(&mut self.rng)
            ),
            (Style::Podcast, _) => format!(
                "[[{} | {} {}]]",
                p.stem,
                word(&mut self.rng),
                word(&mut self.rng)
            ),
            (Style::Docs, 18..=59) => format!("[[{}]]", p.stem),
            (Style::Docs, _) => format!("[[{}|{}]]", p.stem, word(&mut self.rng)),
        }
    }

    fn paragraph(&mut self, links: usize, timestamps: bool) {
        let sentences = self.rng.range(2, 5);
        let mut link_at: Vec<usize> = (0..links).map(|_| self.rng.below(sentences)).collect();
        link_at.sort_unstable();
        for k in 0..sentences {
            if k > 0 {
                self.out.push(' ');
            }
            let s = self.sentence();
            self.out.push_str(&s);
            for _ in link_at.iter().filter(|&&at| at == k) {
                let l = self.link();
                self.out.push(' ');
                self.out.push_str(&l);
            }
            if timestamps && self.rng.chance(25) {
                let t = self.timestamp();
                self.out.push(' ');
                self.out.push_str(&t);
            }
        }
        if let Some(b) = self.blocks_left.pop() {
            let _ = write!(self.out, " ^{b}");
        }
        self.out.push_str("\n\n");
    }

    fn timestamp(&mut self) -> String {
        let secs = self.rng.below(3 * 3600);
        let t = format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
        format!("<a class=\"yt-timestamp\" data-t=\"{t}\">[{t}]</a>")
    }

    fn frontmatter(&mut self) {
        let plan = self.plan().clone();
        self.out.push_str("---\n");
        match plan.style {
            Style::Podcast => {
                let _ = writeln!(self.out, "title: {}", plan.title);
                let id: String = (0..11)
                    .map(|_| {
                        self.rng.pick(
                            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
                        ) as char
                    })
                    .collect();
                let _ = writeln!(self.out, "videoId: {id}");
            }
            Style::Docs => self.out.push_str("publish: true\n"),
        }
        if self.rng.chance(30) {
            let _ = writeln!(
                self.out,
                "tags: [{}, {}]",
                word(&mut self.rng),
                word(&mut self.rng)
            );
        }
        if !plan.aliases.is_empty() {
            self.out.push_str("aliases:\n");
            for a in &plan.aliases {
                let _ = writeln!(self.out, "  - {a}");
            }
        }
        if plan.style == Style::Docs && self.rng.chance(10) {
            let j = self.other();
            let _ = writeln!(self.out, "related: \"[[{}]]\"", self.world.plans[j].stem);
            self.links += 1;
        }
        self.out.push_str("---\n\n");
    }

    fn podcast(&mut self) {
        let hub = self.rng.pick(HUBS);
        let _ = writeln!(self.out, "From: [[{hub}]] <br/> ");
        self.links += 1;
        self.paragraph(1, false);
        let headings = self.plan().headings.clone();
        let large = self.plan().target_bytes >= 100_000;
        let per_section = if large {
            usize::MAX
        } else {
            self.plan().target_bytes / headings.len()
        };
        for (k, h) in headings.iter().enumerate() {
            let _ = write!(self.out, "## {h}\n\n");
            let until = if large && k + 1 == headings.len() {
                self.plan().target_bytes
            } else {
                self.out.len() + per_section.min(1_200)
            };
            loop {
                match self.rng.below(10) {
                    0 => self.callout(),
                    1 => self.list(),
                    2 if k % 3 == 0 => self.timestamps(),
                    _ => {
                        let links =
                            usize::from(self.rng.chance(55)) + usize::from(self.rng.chance(10));
                        self.paragraph(links, true);
                    }
                }
                if self.out.len() >= until {
                    break;
                }
            }
        }
    }

    fn docs(&mut self) {
        let _ = write!(self.out, "# {}\n\n", self.world.plans[self.me].title);
        self.paragraph(1, false);
        let headings = self.plan().headings.clone();
        let large = self.plan().target_bytes >= 100_000;
        let per_section = self.plan().target_bytes / headings.len();
        for (k, h) in headings.iter().enumerate() {
            let level = if k % 3 == 2 { 3 } else { 2 };
            let _ = write!(self.out, "{} {h}\n\n", "#".repeat(level));
            let until = if large && k + 1 == headings.len() {
                self.plan().target_bytes
            } else {
                self.out.len() + per_section.min(1_200)
            };
            loop {
                match self.rng.below(8) {
                    0 => self.table(),
                    1 => self.code(),
                    2 => self.callout(),
                    3 => self.list(),
                    4 if self.rng.chance(20) => self.comment(),
                    _ => {
                        let links =
                            usize::from(self.rng.chance(55)) + usize::from(self.rng.chance(10));
                        self.paragraph(links, false);
                    }
                }
                if self.out.len() >= until {
                    break;
                }
            }
        }
    }

    fn callout(&mut self) {
        let kind = self.rng.pick(CALLOUTS);
        let _ = writeln!(self.out, "> [!{kind}] {}", title_case(word(&mut self.rng)));
        for _ in 0..self.rng.range(1, 3) {
            let s = self.sentence();
            let _ = writeln!(self.out, "> {s}");
        }
        if self.rng.chance(50) {
            let l = self.link();
            let _ = writeln!(self.out, "> See {l}");
        }
        self.out.push('\n');
    }

    fn list(&mut self) {
        for _ in 0..self.rng.range(2, 5) {
            let task = match self.rng.below(4) {
                0 => "[ ] ",
                1 => "[x] ",
                _ => "",
            };
            let s = self.sentence();
            let _ = write!(self.out, "- {task}{s}");
            if self.rng.chance(40) {
                let l = self.link();
                let _ = write!(self.out, " {l}");
            }
            self.out.push('\n');
            if self.rng.chance(20) {
                let _ = writeln!(self.out, "    - {}", word(&mut self.rng));
            }
        }
        self.out.push('\n');
    }

    fn timestamps(&mut self) {
        for _ in 0..self.rng.range(2, 4) {
            let t = self.timestamp();
            let s = self.sentence();
            let _ = writeln!(self.out, "- {t} {s}");
        }
        self.out.push('\n');
    }

    fn table(&mut self) {
        self.out
            .push_str("| Name | Where | Notes |\n| --- | --- | --- |\n");
        for _ in 0..self.rng.range(2, 5) {
            let j = self.other();
            let p = &self.world.plans[j];
            self.links += 1;
            let _ = writeln!(
                self.out,
                "| `{}` | [[{}\\|{}]] | {} {} |",
                self.rng.pick(WORDS),
                p.stem,
                p.title,
                self.rng.pick(ADJECTIVES),
                self.rng.pick(WORDS)
            );
        }
        self.out.push('\n');
    }

    fn code(&mut self) {
        let lang = self.rng.pick(LANGS);
        let _ = writeln!(self.out, "```{lang}");
        for _ in 0..self.rng.range(2, 8) {
            let _ = writeln!(
                self.out,
                "{} = {}([[{}]]) # {}",
                word(&mut self.rng),
                word(&mut self.rng),
                word(&mut self.rng),
                word(&mut self.rng)
            );
        }
        self.out.push_str("```\n\n");
    }

    fn comment(&mut self) {
        let l = self.link();
        let s = self.sentence();
        let _ = write!(self.out, "%% {s} {l} %%\n\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_deterministic_and_spread() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..4).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..4).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        let mut r = Rng::new(0);
        let mut seen = [0usize; 10];
        for _ in 0..10_000 {
            seen[r.below(10)] += 1;
        }
        assert!(seen.iter().all(|&n| (800..1200).contains(&n)), "{seen:?}");
    }

    #[test]
    fn same_seed_same_vault_and_never_into_a_full_folder() {
        let a = tempfile::tempdir().expect("tempdir");
        let b = tempfile::tempdir().expect("tempdir");
        let sa = generate(a.path(), 60, 3).expect("generate");
        let sb = generate(b.path(), 60, 3).expect("generate");
        assert_eq!(sa, sb);
        assert_eq!(sa.notes, 60);
        let read = |d: &Path| {
            let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(d)
                .into_iter()
                .filter_map(Result::ok)
                .filter(|e| e.file_type().is_file())
                .map(|e| {
                    let rel = e
                        .path()
                        .strip_prefix(d)
                        .expect("prefix")
                        .display()
                        .to_string();
                    (rel, fs::read(e.path()).expect("read"))
                })
                .collect();
            files.sort();
            files
        };
        assert_eq!(read(a.path()), read(b.path()));
        assert!(generate(a.path(), 10, 3).is_err());
    }
}
