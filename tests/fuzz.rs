//! Property tests (issue 7, "Unbreakable"): arbitrary bytes, and arbitrary Markdown built from the
//! constructs of `../shared/OFM.md`, go through loading, parsing, resolving and rendering at random
//! widths, and through the headless commands, with no panic.
//!
//! Every rendering keeps the renderer's promises: no row wider than the width, no control
//! characters, every link anchor on a row that exists and inside its drawn cells.
//!
//! The number of cases per property comes from `ENGRAM_FUZZ_CASES` (default [`DEFAULT_CASES`],
//! sized so this file runs in well under a minute in a debug build on a busy two-core machine); a
//! longer run is `ENGRAM_FUZZ_CASES=5000 cargo test --release --test fuzz` (see the README).

use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::FileFailurePersistence;
use ratatui::buffer::CellWidth;
use ratatui::text::Line;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use engram::commands::{self, Loaded};
use engram::render::{self, RenderOptions, Rendered};
use engram::vault::Vault;

/// Cases per property when `ENGRAM_FUZZ_CASES` is not set.
const DEFAULT_CASES: u32 = 128;

fn config() -> ProptestConfig {
    let cases = std::env::var("ENGRAM_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        // Shrinking a vault is slow: bound it. A failing case's seed is saved for replaying.
        max_shrink_iters: 256,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/proptest-regressions/fuzz.txt",
        ))),
        ..ProptestConfig::default()
    }
}

// ---------------------------------------------------------------------------------------------
// The checks every vault goes through.

fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// The renderer's promises for one rendering at `width`.
fn check_rendering(r: &Rendered, width: u16, what: &str) {
    let width = usize::from(width);
    let mut widths = Vec::with_capacity(r.lines.len());
    for (row, line) in r.lines.iter().enumerate() {
        // What the buffer draws (grapheme by grapheme), and what unicode-width says of the text.
        let cells: usize = line
            .spans
            .iter()
            .flat_map(|s| s.content.graphemes(true))
            .map(|g| usize::from(g.cell_width()))
            .sum();
        let unicode: usize = line.spans.iter().map(|s| s.content.width()).sum();
        assert!(
            cells <= width && unicode <= width && line.width() <= width,
            "{what} at width {width}: row {row} is {cells} cells: {:?}",
            line_text(line)
        );
        for span in &line.spans {
            assert!(
                !span.content.chars().any(char::is_control),
                "{what} at width {width}: control character on row {row}: {:?}",
                span.content
            );
        }
        widths.push(cells);
    }
    let mut last = (0, 0);
    for a in &r.anchors {
        assert!(
            a.row < r.lines.len(),
            "{what} at width {width}: anchor {a:?} below the last row {}",
            r.lines.len()
        );
        assert!(
            a.cols.start < a.cols.end && usize::from(a.cols.end) <= widths[a.row],
            "{what} at width {width}: anchor {a:?} outside its row of {} cells: {:?}",
            widths[a.row],
            line_text(&r.lines[a.row])
        );
        assert!(
            (a.row, a.cols.start) >= last,
            "{what}: anchors out of reading order"
        );
        last = (a.row, a.cols.start);
    }
    for (kind, rows) in [("heading", &r.heading_rows), ("block", &r.block_rows)] {
        for &row in rows {
            assert!(
                row < r.lines.len().max(1),
                "{what} at width {width}: {kind} row {row} past the end ({} rows)",
                r.lines.len()
            );
        }
    }
    assert!(
        r.line_rows
            .windows(2)
            .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1),
        "{what}: line_rows not ascending: {:?}",
        r.line_rows
    );
}

/// Loads the folder, builds the graph and renders every note at each width.
fn load_and_render(root: &Path, widths: &[u16], strict: bool) -> Loaded {
    let vault = Vault::load(root).expect("a tempdir loads");
    let loaded = Loaded::new(vault);
    let (v, g) = (&loaded.vault, &loaded.graph);
    assert_eq!(g.resolutions.len(), v.notes.len());
    for (i, n) in v.notes.iter().enumerate() {
        assert_eq!(g.resolutions[i].len(), n.parsed.links.len());
        for &w in widths {
            let mut opts = RenderOptions::new(w);
            opts.strict_line_breaks = strict;
            opts.show_properties = !strict;
            let r = render::render(v, g, i, &opts);
            check_rendering(&r, w, &format!("{:?}", n.path));
        }
    }
    loaded
}

/// Runs one headless command into a buffer; JSON output must parse, text output must hold no
/// escape byte.
fn run(
    what: &str,
    json: bool,
    f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<u8>,
) -> u8 {
    let mut out: Vec<u8> = Vec::new();
    let code = f(&mut out).unwrap_or_else(|e| panic!("{what}: writing to a Vec failed: {e}"));
    if json && code != commands::EXIT_ERROR {
        if let Err(e) = serde_json::from_slice::<serde_json::Value>(&out) {
            panic!(
                "{what} --json does not parse: {e}\n{}",
                String::from_utf8_lossy(&out)
            );
        }
    }
    assert!(
        !out.contains(&0x1b),
        "{what} printed an escape byte: {}",
        String::from_utf8_lossy(&out)
    );
    code
}

/// Every headless command, text and JSON, on every note name and on `extra` names.
fn run_commands(l: &Loaded, extra: &[String], queries: &[String]) {
    let mut names: Vec<String> = l.vault.notes.iter().map(|n| n.path.clone()).collect();
    names.extend(l.vault.notes.iter().map(|n| n.stem().to_string()));
    names.extend(extra.iter().cloned());
    for json in [false, true] {
        run("list", json, |o| commands::list(l, json, o));
        run("check", json, |o| commands::check(l, json, o));
        run("stats", json, |o| commands::stats(l, 0, json, o));
        run("tags", json, |o| commands::tags(l, json, o));
        run("orphans", json, |o| commands::orphans(l, json, o));
        run("unresolved", json, |o| commands::unresolved(l, json, o));
        for name in &names {
            run("links", json, |o| commands::links(l, name, json, o));
            run("backlinks", json, |o| commands::backlinks(l, name, json, o));
        }
        for q in queries {
            run("grep", json, |o| commands::grep(l, q, json, false, o));
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (a) Arbitrary bytes.

/// Pieces that hostile files are made of; arbitrary bytes fill the gaps between them.
const BYTE_FRAGMENTS: &[&[u8]] = &[
    b"\0",
    b"\r",
    b"\r\n",
    b"\n",
    b"\n\n",
    b"\t",
    b"\x1b[31m",
    b"\x1b]0;title\x07",
    b"\x7f",
    b"\x08",
    b"\xff\xfe",
    b"\xc3",
    b"\xe2\x82",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"---\n",
    b"---\r\n",
    b"...\n",
    b"[[",
    b"]]",
    b"![[",
    b"|",
    b"\\|",
    b"#",
    b"#^",
    b"^id",
    b"%%",
    b"$$",
    b"$",
    b"```",
    b"~~~",
    b"`",
    b"> ",
    b"> [!note]- ",
    b"- ",
    b"- [ ] ",
    b"- [?] ",
    b"1. ",
    b"  ",
    b"    ",
    b"| a | b |\n|---|---|\n",
    b"<br/>",
    b"<a href=\"x\">",
    b"</a>",
    b"<div>",
    b"[^1]",
    b"[^1]: ",
    b"^[",
    b"==",
    b"**",
    b"_",
    b"~~",
    b"\\",
    b"\xe6\x97\xa5\xe6\x9c\xac",     // 日本
    b"\xf0\x9f\x91\xa9\xe2\x80\x8d", // 👩 + ZWJ
    b"e\xcc\x81",                    // e + combining acute
    b"\xe2\x80\xae",                 // RIGHT-TO-LEFT OVERRIDE
    b"\xe2\x81\xa8",                 // FIRST STRONG ISOLATE
    b"\xef\xbb\xbf",                 // BOM
    b"\xe2\x80\x8b",                 // ZERO WIDTH SPACE
    b"\xef\xbf\xbd",                 // REPLACEMENT CHARACTER
];

fn byte_piece() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => select(BYTE_FRAGMENTS).prop_map(<[u8]>::to_vec),
        3 => proptest::collection::vec(any::<u8>(), 0..24),
        1 => "[a-zA-Z ]{1,12}".prop_map(String::into_bytes),
        // Deep nesting: quotes, lists and both, as the hostile vault has them but smaller.
        1 => (1usize..300).prop_map(|n| {
            let mut v = ">".repeat(n).into_bytes();
            v.extend_from_slice(b" deep [[a]]\n");
            v
        }),
        1 => (1usize..120).prop_map(|n| {
            (0..n)
                .flat_map(|i| format!("{}- x\n", "  ".repeat(i)).into_bytes())
                .collect()
        }),
        1 => (1usize..60).prop_map(|n| {
            (0..n)
                .flat_map(|i| format!("{}> - [[a]]\n", "  ".repeat(i % 8)).into_bytes())
                .collect()
        }),
        1 => (1usize..4000).prop_map(|n| "w".repeat(n).into_bytes()),
    ]
}

fn byte_file() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(byte_piece(), 0..24).prop_map(|v| v.concat())
}

/// A file name: mostly plain, sometimes with control characters, invalid UTF-8 or odd Unicode.
fn byte_name() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => select(&["a", "A", "b", "note", "Note", "x y", "日本"][..]).prop_map(|s| s.as_bytes().to_vec()),
        1 => proptest::collection::vec(any::<u8>().prop_filter("no / or NUL", |b| *b != b'/' && *b != 0), 1..16),
    ]
}

fn byte_vault() -> impl Strategy<Value = Vec<(bool, Vec<u8>, Vec<u8>)>> {
    proptest::collection::vec((any::<bool>(), byte_name(), byte_file()), 1..5)
}

fn widths() -> impl Strategy<Value = Vec<u16>> {
    proptest::collection::vec(
        prop_oneof![1u16..=300, 1u16..=12, select(&[1u16, 2, 3, 20, 40, 80][..])],
        1..4,
    )
}

fn write_bytes_vault(root: &Path, files: &[(bool, Vec<u8>, Vec<u8>)]) {
    for (in_folder, name, bytes) in files {
        let mut file = name.clone();
        file.extend_from_slice(b".md");
        let dir = if *in_folder {
            root.join("sub")
        } else {
            root.to_path_buf()
        };
        fs::create_dir_all(&dir).expect("mkdir");
        let path = dir.join(std::ffi::OsStr::from_bytes(&file));
        // A name the file system refuses (too long, say) is not what this test is about.
        let _ = fs::write(path, bytes);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_load_resolve_and_render(
        files in byte_vault(),
        widths in widths(),
        strict in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        write_bytes_vault(dir.path(), &files);
        let l = load_and_render(dir.path(), &widths, strict);
        // A few commands on these too: the names are the hostile part.
        for json in [false, true] {
            run("list", json, |o| commands::list(&l, json, o));
            run("check", json, |o| commands::check(&l, json, o));
            for n in l.vault.notes.iter().take(2) {
                run("backlinks", json, |o| commands::backlinks(&l, &n.path, json, o));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Markdown composed from the constructs of OFM.md.

/// Note paths: names that collide by case (R10), by normalisation (R12, NFC `Café` and NFD
/// `Café`) and by folder (R9), plus odd characters.
const NOTE_PATHS: &[&str] = &[
    "A.md",
    "a.md",
    "B.md",
    "sub/A.md",
    "sub/deeper/A.md",
    "x/b.md",
    "Caf\u{e9}.md",
    "Cafe\u{301}.md",
    "\u{65e5}\u{672c}.md",
    "Note.1.md",
    "We!rd (name) [x].md",
    "\u{2068}iso\u{2069}/iso.md",
    "hub/hub.md",
];

/// Link targets: the notes above in several spellings, missing notes and attachments.
const TARGETS: &[&str] = &[
    "A",
    "a",
    "A.md",
    "b",
    "B.MD",
    "sub/A",
    "deeper/A",
    "x/b",
    "Caf\u{e9}",
    "Cafe\u{301}",
    "CAF\u{c9}",
    "\u{65e5}\u{672c}",
    "Note.1",
    "We!rd (name) [x]",
    "\u{2068}iso\u{2069}",
    "hub",
    "../A",
    "./A",
    "/A",
    "missing",
    "Missing note",
    "img.png",
    "doc.pdf",
    "img.png\\",
    "https://example.org/x",
    "Nick",
    "",
    " A ",
];

const HEADINGS: &[&str] = &[
    "H1",
    "H2",
    "Part two",
    "Sub part",
    "wifi 2.4 vs 5.0",
    "See [[A]]",
    "\u{65e5}\u{672c}",
    "",
];

const BLOCK_IDS: &[&str] = &["blk", "quote-of-the-day", "37066d", "x"];

const WORDS: &[&str] = &[
    "word",
    "Obsidian",
    "a longer run of plain words that will need wrapping at narrow widths",
    "\u{65e5}\u{672c}\u{8a9e}\u{306e}\u{6587}\u{7ae0}",
    "\u{1f469}\u{200d}\u{1f469}\u{200d}\u{1f467}",
    "\u{1f600}",
    "e\u{301}\u{302}\u{303}",
    "\u{202e}reversed\u{202c}",
    "\u{2068}isolate\u{2069}",
    "\u{200b}zero\u{200b}width",
    "tab\there",
    "\u{fe0f}",
    "\u{ff21}\u{ff22}",
    "x",
    "1984",
    "&amp;",
    "\\*not\\*",
    "$5 and $10",
    "a#b",
    "https://x.com/#anchor",
];

const CALLOUT_TYPES: &[&str] = &[
    "note",
    "NOTE",
    "info",
    "tip",
    "faq",
    "warning",
    "danger",
    "bug",
    "quote",
    "custom-question-type",
    "x",
];

const LANGS: &[&str] = &[
    "",
    "rust",
    "python",
    "mermaid",
    "md",
    "unknown-lang",
    "rust ignore",
    "{.js}",
];

fn target() -> impl Strategy<Value = String> {
    select(TARGETS).prop_map(str::to_string)
}

fn subpath() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => Just(String::new()),
        2 => select(HEADINGS).prop_map(|h| format!("#{h}")),
        1 => (select(HEADINGS), select(HEADINGS)).prop_map(|(a, b)| format!("#{a}#{b}")),
        1 => select(BLOCK_IDS).prop_map(|b| format!("#^{b}")),
        1 => Just("#page=3".to_string()),
    ]
}

fn display() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just(String::new()),
        1 => Just("|".to_string()),
        1 => Just(" | ".to_string()),
        2 => select(WORDS).prop_map(|w| format!("|{w}")),
        1 => Just("|**bold** *it*".to_string()),
        1 => Just("|100x200".to_string()),
        1 => Just("|b|c".to_string()),
        1 => Just("\\|escaped".to_string()),
        1 => Just("|[[Inner]]".to_string()),
    ]
}

/// Every form of link and embed (R1–R29, R55).
fn link() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (target(), subpath(), display()).prop_map(|(t, s, d)| format!("[[{t}{s}{d}]]")),
        3 => (target(), subpath(), display()).prop_map(|(t, s, d)| format!("![[{t}{s}{d}]]")),
        1 => subpath().prop_map(|s| format!("[[{s}]]")),
        1 => (target(), subpath()).prop_map(|(t, s)| format!("[x]({}{s})", t.replace(' ', "%20"))),
        1 => target().prop_map(|t| format!("[y](<{t}.md>)")),
        1 => target().prop_map(|t| format!("![alt|100]({t})")),
        1 => select(&[
            "[[unclosed",
            "[[]]",
            "[[|]]",
            "[[|x]]",
            "\\[[escaped]]",
            "`[[code]]`",
            "[[Sq]uare]]",
            "[[Nested [[Inner]] x]]",
            "[[WikiLink|[[Fish]]]]",
            "[[a\nb]]",
            "[also [[A]]](url)",
            "<https://example.net>",
            "[site](https://example.com)",
            "[mail](mailto:x@y.z)",
            "[[first&#33;second]]",
        ][..]).prop_map(str::to_string),
    ]
}

/// Inline pieces: words, links, tags, emphasis, code, math, footnotes, comments and HTML.
fn inline() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => select(WORDS).prop_map(str::to_string),
        5 => link(),
        1 => select(&["#tag", "#a/b/c", "#1984", "#y1984", "#\u{65e5}\u{672c}", "#tag.", "#TAG", "#ffffff"][..]).prop_map(str::to_string),
        1 => select(WORDS).prop_map(|w| format!("*{w}*")),
        1 => select(WORDS).prop_map(|w| format!("**{w}**")),
        1 => select(WORDS).prop_map(|w| format!("~~{w}~~")),
        1 => select(WORDS).prop_map(|w| format!("=={w}==")),
        1 => select(WORDS).prop_map(|w| format!("`{w}`")),
        1 => select(&["$x^2$", "$\\frac{a|b}{[c]}$", "$$inline display$$"][..]).prop_map(str::to_string),
        1 => select(&["[^1]", "[^note]", "^[inline footnote [[A]]]"][..]).prop_map(str::to_string),
        1 => link().prop_map(|l| format!("%%comment {l}%%")),
        1 => select(&[
            "<br>",
            "<br/>",
            "<a class=\"yt-timestamp\" data-t=\"00:01:02\">[00:01:02]</a>",
            "<a href=\"https://e.com\">site</a>",
            "<span style=\"color:red\">red</span>",
            "<b>",
            "&lt;",
        ][..]).prop_map(str::to_string),
        1 => select(BLOCK_IDS).prop_map(|b| format!("^{b}")),
        1 => Just("  \n".to_string()),
    ]
}

fn inlines(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec((inline(), select(&[" ", " ", "", "\n"][..])), 1..max).prop_map(|v| {
        v.into_iter()
            .map(|(s, sep)| format!("{s}{sep}"))
            .collect::<String>()
    })
}

fn list_block() -> impl Strategy<Value = String> {
    let marker = select(&[
        "- ", "* ", "+ ", "1. ", "2) ", "- [ ] ", "- [x] ", "- [X] ", "- [?] ", "- [-] ", "- [>] ",
        "1. [ ] ",
    ]);
    proptest::collection::vec((0usize..7, marker, inlines(5), any::<bool>()), 1..10).prop_map(
        |items| {
            let mut s = String::new();
            for (depth, marker, text, blank) in items {
                s.push_str(&"  ".repeat(depth));
                s.push_str(marker);
                s.push_str(text.trim_end_matches('\n'));
                s.push('\n');
                if blank {
                    s.push('\n');
                }
            }
            s
        },
    )
}

fn callout_block() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        (
            1usize..5,
            select(CALLOUT_TYPES),
            select(&["", "+", "-"][..]),
            select(&["", " Title", " Title with [[A]]", " \u{65e5}\u{672c}"][..]),
            inlines(5),
            any::<bool>(),
        ),
        1..4,
    )
    .prop_map(|parts| {
        let mut s = String::new();
        for (depth, kind, fold, title, body, plain_quote) in parts {
            let prefix = "> ".repeat(depth);
            if plain_quote {
                s.push_str(&format!("{prefix}quoted\n"));
            } else {
                s.push_str(&format!("{prefix}[!{kind}]{fold}{title}\n"));
            }
            for line in body.lines() {
                s.push_str(&format!("{prefix}{line}\n"));
            }
        }
        s
    })
}

fn table_block() -> impl Strategy<Value = String> {
    let cell = prop_oneof![
        3 => inlines(3).prop_map(|s| s.replace('\n', " ")),
        2 => (target(), select(WORDS)).prop_map(|(t, w)| format!("[[{t}\\|{w}]]")),
        1 => target().prop_map(|t| format!("![[{t}\\|200]]")),
        1 => Just("[[a|b]]".to_string()),
        1 => Just(String::new()),
    ];
    (
        1usize..6,
        proptest::collection::vec(proptest::collection::vec(cell, 0..7), 1..5),
        select(&["---", ":--", ":-:", "--:", "-"][..]),
    )
        .prop_map(|(cols, rows, sep)| {
            let mut s = String::new();
            for (i, row) in rows.iter().enumerate() {
                s.push('|');
                for c in row {
                    s.push_str(&format!(" {c} |"));
                }
                s.push('\n');
                if i == 0 {
                    s.push('|');
                    for _ in 0..cols {
                        s.push_str(&format!(" {sep} |"));
                    }
                    s.push('\n');
                }
            }
            s
        })
}

fn code_block() -> impl Strategy<Value = String> {
    (
        select(&["```", "~~~", "````"][..]),
        select(LANGS),
        proptest::collection::vec(
            prop_oneof![
                select(WORDS).prop_map(str::to_string),
                link(),
                Just("fn main() { println!(\"{}\", 1); }".to_string()),
                Just("\tindented\twith\ttabs".to_string()),
                Just("%%not a comment%%".to_string()),
            ],
            0..6,
        ),
        any::<bool>(),
    )
        .prop_map(|(fence, lang, lines, closed)| {
            let mut s = format!("{fence}{lang}\n");
            for l in lines {
                s.push_str(&l);
                s.push('\n');
            }
            if closed {
                s.push_str(fence);
                s.push('\n');
            }
            s
        })
}

/// Blocks (R41–R53): paragraphs, headings, lists and tasks, callouts, tables, code, math,
/// footnotes, comments, HTML, rules and block ids.
fn block() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => inlines(10),
        3 => (1usize..8, select(HEADINGS), inlines(3)).prop_map(|(level, h, rest)| format!(
            "{} {h} {}\n",
            "#".repeat(level),
            rest.replace('\n', " ")
        )),
        3 => list_block(),
        3 => callout_block(),
        2 => table_block(),
        2 => code_block(),
        1 => select(&["$$\nx = \\frac{1}{2}\n$$\n", "$$\nunclosed math [[A]]\n", "$$ a | b $$\n"][..]).prop_map(str::to_string),
        1 => inlines(4).prop_map(|s| format!("[^1]: {s}\n  continued [[A]]\n")),
        1 => inlines(4).prop_map(|s| format!("%%\n{s}\n\n[[Hidden]]\n%%\n")),
        1 => select(&[
            "<div>\n[[A]] inside html\n</div>\n",
            "<br/>\n<br/>\n# Heading [[B]]\n",
            "<details><summary>s</summary>\n\nbody [[A]]\n</details>\n",
            "<!-- comment [[A]] -->\n",
        ][..]).prop_map(str::to_string),
        1 => select(&["---\n", "***\n", "___\n", "- - -\n"][..]).prop_map(str::to_string),
        1 => select(BLOCK_IDS).prop_map(|b| format!("^{b}\n")),
        1 => inlines(4).prop_map(|s| format!("    indented code {s}\n")),
    ]
}

/// Frontmatter (R30–R36): valid, invalid, unclosed, or none.
fn frontmatter() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(String::new()),
        2 => (select(WORDS), target(), target()).prop_map(|(title, a, b)| format!(
            "---\ntitle: \"{}\"\naliases: [Nick, \"{a}\"]\ntags:\n  - recipe\n  - \"#cooking\"\nlink: \"[[{a}]]\"\nlinks:\n  - \"[[{b}#H1]]\"\ncssclasses: [x]\n---\n",
            title.replace(['"', '\\'], "")
        )),
        1 => select(&[
            "---\ntitle: [unclosed\n---\n",
            "---\n- a\n- b\n---\n",
            "---\ntitle: [a, b]\naliases: {x: 1}\ntags: 5\n---\n",
            "---\ntags: #foo\naliases: SC\n---\n",
            "---\ntags: book, business\naliases:\n- \n---\n",
            "---\n{ \"tags\": [\"journal\"], \"title\": \"J\" }\n---\n",
            "---\ntitle: x\nnever closed [[A]]\n",
            "---\r\ntitle: Crlf\r\n---\r\n",
            "---\n---\n",
            "---\na: &a [x,x,x]\nb: [*a,*a,*a]\n---\n",
            "---\ndate: 2020-08-21T10:30:00\nn: 1.5e3\nb: true\nnested: {a: {b: c}}\n---\n",
        ][..]).prop_map(str::to_string),
    ]
}

fn note_text() -> impl Strategy<Value = String> {
    (
        frontmatter(),
        proptest::collection::vec((block(), select(&["\n", "\n\n", "\r\n", ""][..])), 0..14),
    )
        .prop_map(|(fm, blocks)| {
            let mut s = fm;
            for (b, sep) in blocks {
                s.push_str(&b);
                s.push_str(sep);
            }
            s
        })
}

/// Several notes with colliding names, plus attachments the links name and an embed cycle
/// `cycle/A` → `cycle/B` → `cycle/A` (whose names collide with `A.md` and `sub/A.md` by folder).
fn ofm_vault() -> impl Strategy<Value = Vec<(String, String)>> {
    proptest::collection::vec((select(NOTE_PATHS), note_text()), 1..7).prop_map(|v| {
        let mut files = vec![
            (
                "cycle/A.md".to_string(),
                "# H1\n\n![[cycle/B]]\n\n## H2\n\n![[cycle/A#H1]] ^blk\n".to_string(),
            ),
            (
                "cycle/B.md".to_string(),
                "![[cycle/A]] and ![[cycle/A#^blk]] and ![[B]]\n".to_string(),
            ),
        ];
        files.extend(v.into_iter().map(|(p, t)| (p.to_string(), t)));
        files
    })
}

fn queries() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(
        prop_oneof![
            select(WORDS).prop_map(str::to_string),
            select(
                &[
                    "tag:#tag",
                    "path:sub",
                    "file:A",
                    "\"a longer\"",
                    "word OR x",
                    "-word x",
                    "line:(word x)",
                    "task-todo:x",
                    "(",
                    "\"",
                    "/regex/",
                    "section:(H1 word)",
                    "match-case:Word",
                    "[title:x]",
                ][..]
            )
            .prop_map(str::to_string),
            "\\PC{0,12}",
        ],
        0..3,
    )
}

fn write_text_vault(root: &Path, files: &[(String, String)]) {
    for (path, text) in files {
        let p = root.join(path);
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        // Later notes with the same path replace earlier ones, as a second save would.
        fs::write(p, text).expect("write");
    }
    fs::write(root.join("img.png"), b"\x89PNG\r\n").expect("write");
    fs::write(root.join("doc.pdf"), b"%PDF-1.4").expect("write");
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn ofm_markdown_loads_resolves_renders_and_reports(
        files in ofm_vault(),
        widths in widths(),
        strict in any::<bool>(),
        queries in queries(),
    ) {
        let dir = tempfile::tempdir().expect("tempdir");
        write_text_vault(dir.path(), &files);
        let l = load_and_render(dir.path(), &widths, strict);
        let extra: Vec<String> = TARGETS.iter().take(6).map(|t| t.to_string()).collect();
        run_commands(&l, &extra, &queries);

        // The same texts built in memory (last write of a path wins, as on disk) render too.
        let latest: std::collections::BTreeMap<&String, &String> =
            files.iter().map(|(p, t)| (p, t)).collect();
        let mem = Vault::from_files(latest.into_iter().map(|(p, t)| (p.clone(), t.clone())));
        let g = engram::graph::Graph::build(&mem);
        for i in 0..mem.notes.len() {
            let r = render::render(&mem, &g, i, &RenderOptions::new(widths[0]));
            check_rendering(&r, widths[0], &mem.notes[i].path);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// What the properties found, kept as plain tests.

/// Renders `text` as note `n.md` (next to a note `A.md`) at `width` and checks the promises.
fn render_one(text: &str, width: u16) -> Rendered {
    let v = Vault::from_files([("n.md", text), ("A.md", "# A\n")]);
    let g = engram::graph::Graph::build(&v);
    let n = v.note_by_path("n.md").expect("n.md");
    let r = render::render(&v, &g, n, &RenderOptions::new(width));
    check_rendering(&r, width, "n.md");
    r
}

#[test]
fn a_display_of_zero_width_characters_shows_the_target() {
    // Found by the OFM property: the display text was a lone U+FE0F, so the link drew no cells and
    // its anchor was empty (37..37). R24: an empty display shows the target instead.
    for text in [
        "| [[A\\|\u{fe0f}]] |\n| --- |\n",
        "[[A|\u{200b}]] and [[A|\u{fe0f}]]\n",
    ] {
        let r = render_one(text, 80);
        assert_eq!(
            r.anchors.len(),
            text.matches("[[").count(),
            "{text:?}: {:?}",
            r.anchors
        );
    }
}

#[test]
fn a_link_that_draws_no_cells_gets_no_anchor() {
    // A target of zero-width characters has nothing to show; it must not leave an empty anchor.
    let r = render_one("[[\u{200b}]] then [[A]]\n", 40);
    assert!(
        r.anchors.iter().all(|a| a.cols.start < a.cols.end),
        "{:?}",
        r.anchors
    );
}

#[test]
fn an_empty_heading_at_the_end_keeps_its_row_inside_the_rendering() {
    // Found by the bytes property: `#` alone on the last line drew nothing and was given the row
    // after the end (6 of 5 rows).
    let r = render_one("> deep [[a]]\n#", 1);
    assert!(r.heading_rows.iter().all(|&row| row < r.lines.len()));
}

#[test]
fn a_code_line_split_into_tokens_never_joins_into_a_wider_row() {
    // Found by the OFM property: in a code block the highlighter split `**\u{fe0f}**` into tokens
    // measured apart; drawn as one string, `*` and U+FE0F made the two-cell emoji `*️` on a row
    // of width 1.
    render_one("```rust ignore\n\n> [!note]\n> **\u{fe0f}** \n\n", 1);
    render_one(
        "```rust\nlet s = \"*\u{fe0f}1\u{fe0f}#\u{fe0f}\";\n```\n",
        2,
    );
}
