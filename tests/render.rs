//! Renderer tests: one snapshot (text and styles) per construct of OFM R20–R56, the seed note at three
//! widths, corpus notes, and a check of every note of the corpora (`ENGRAM_CORPORA`).

use std::fmt::Write as _;
use std::path::Path;

use ratatui::buffer::CellWidth;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use rayon::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use engram::graph::{Graph, LinkRef};
use engram::render::{self, RenderOptions, Rendered};
use engram::theme;
use engram::vault::Vault;

/// A vault built in memory from `(path, text)` pairs.
fn vault(files: &[(&str, &str)]) -> (Vault, Graph) {
    let v = Vault::from_files(files.iter().copied());
    let g = Graph::build(&v);
    (v, g)
}

/// The theme's styles by name, so snapshots say `LINK` rather than a colour.
const NAMED: &[(&str, Style)] = &[
    ("TEXT", theme::TEXT),
    ("DIM", theme::DIM),
    ("LINK", theme::LINK),
    ("LINK_UNRESOLVED", theme::LINK_UNRESOLVED),
    ("LINK_ALIAS", theme::LINK_ALIAS),
    ("LINK_EXTERNAL", theme::LINK_EXTERNAL),
    ("H1", theme::H1),
    ("H2", theme::H2),
    ("H3", theme::H3),
    ("H4", theme::H4),
    ("H5", theme::H5),
    ("H6", theme::H6),
    ("HEADING_MARK", theme::HEADING_MARK),
    ("EMPHASIS", theme::EMPHASIS),
    ("STRONG", theme::STRONG),
    ("STRIKETHROUGH", theme::STRIKETHROUGH),
    ("UNDERLINE", theme::UNDERLINE),
    ("HIGHLIGHT", theme::HIGHLIGHT),
    ("CODE_INLINE", theme::CODE_INLINE),
    ("CODE_BLOCK", theme::CODE_BLOCK),
    ("CODE_FRAME", theme::CODE_FRAME),
    ("CODE_LABEL", theme::CODE_LABEL),
    ("MATH", theme::MATH),
    ("QUOTE_BAR", theme::QUOTE_BAR),
    ("LIST_MARKER", theme::LIST_MARKER),
    ("TASK_OPEN", theme::TASK_OPEN),
    ("TASK_DONE", theme::TASK_DONE),
    ("TASK_DONE_TEXT", theme::TASK_DONE_TEXT),
    ("TASK_CUSTOM", theme::TASK_CUSTOM),
    ("TABLE_BORDER", theme::TABLE_BORDER),
    ("TABLE_HEADER", theme::TABLE_HEADER),
    ("RULE", theme::RULE),
    ("FOOTNOTE", theme::FOOTNOTE),
    ("TAG", theme::TAG),
    ("HTML_LINK", theme::HTML_LINK),
    ("TIMESTAMP", theme::TIMESTAMP),
    ("HTML_BLOCK", theme::HTML_BLOCK),
    ("EMBED_FRAME", theme::EMBED_FRAME),
    ("MEDIA", theme::MEDIA),
    ("PROPS_TITLE", theme::PROPS_TITLE),
    ("PROPS_KEY", theme::PROPS_KEY),
    ("PROPS_VALUE", theme::PROPS_VALUE),
    ("PROPS_FRAME", theme::PROPS_FRAME),
    ("CALLOUT_NOTE", theme::CALLOUT_NOTE),
    ("CALLOUT_ABSTRACT", theme::CALLOUT_ABSTRACT),
    ("CALLOUT_INFO", theme::CALLOUT_INFO),
    ("CALLOUT_TODO", theme::CALLOUT_TODO),
    ("CALLOUT_TIP", theme::CALLOUT_TIP),
    ("CALLOUT_SUCCESS", theme::CALLOUT_SUCCESS),
    ("CALLOUT_QUESTION", theme::CALLOUT_QUESTION),
    ("CALLOUT_WARNING", theme::CALLOUT_WARNING),
    ("CALLOUT_FAILURE", theme::CALLOUT_FAILURE),
    ("CALLOUT_DANGER", theme::CALLOUT_DANGER),
    ("CALLOUT_BUG", theme::CALLOUT_BUG),
    ("CALLOUT_EXAMPLE", theme::CALLOUT_EXAMPLE),
    ("CALLOUT_QUOTE", theme::CALLOUT_QUOTE),
];

/// A style's name: a theme constant, or constants combined with `+` (`H2+LINK`), or its parts.
fn style_name(s: Style) -> String {
    if let Some((n, _)) = NAMED.iter().find(|(_, st)| *st == s) {
        return (*n).to_string();
    }
    // A colour with a modifier laid over it (`HIGHLIGHT+STRONG`), then any two constants.
    const OVERLAYS: &[(&str, Style)] = &[
        ("STRONG", theme::STRONG),
        ("EMPHASIS", theme::EMPHASIS),
        ("STRIKETHROUGH", theme::STRIKETHROUGH),
        ("UNDERLINE", theme::UNDERLINE),
    ];
    for pairs in [OVERLAYS, NAMED] {
        for (a, sa) in NAMED {
            for (b, sb) in pairs {
                if a != b && sa.patch(*sb) == s && *sa != theme::TEXT && *sb != theme::TEXT {
                    return format!("{a}+{b}");
                }
            }
        }
    }
    let mut out = String::new();
    if let Some(fg) = s.fg {
        let _ = write!(out, "fg:{fg}");
    }
    if let Some(bg) = s.bg {
        let _ = write!(out, " bg:{bg}");
    }
    for (m, name) in [
        (Modifier::BOLD, "bold"),
        (Modifier::ITALIC, "italic"),
        (Modifier::UNDERLINED, "underlined"),
        (Modifier::CROSSED_OUT, "crossed"),
    ] {
        if s.add_modifier.contains(m) {
            let _ = write!(out, " {name}");
        }
    }
    out.trim().to_string()
}

fn line_text(l: &Line<'_>) -> String {
    l.spans.iter().map(|s| s.content.as_ref()).collect()
}

/// Each row as its text, then its styled spans by cell range, then the anchors on it.
fn dump(r: &Rendered) -> String {
    let mut out = String::new();
    for (row, line) in r.lines.iter().enumerate() {
        let _ = write!(out, "{row:>3} {:?}", line_text(line));
        let mut col = 0;
        for span in &line.spans {
            let w: usize = span
                .content
                .graphemes(true)
                .map(|g| usize::from(g.cell_width()))
                .sum();
            if span.style != Style::new() && !span.content.trim().is_empty() {
                let _ = write!(out, " [{col}..{} {}]", col + w, style_name(span.style));
            }
            col += w;
        }
        for a in r.anchors.iter().filter(|a| a.row == row) {
            let _ = write!(
                out,
                " <{}..{} {}:{}>",
                a.cols.start, a.cols.end, a.link.note, a.link.link
            );
        }
        out.push('\n');
    }
    if r.heading_rows.iter().chain(&r.block_rows).next().is_some() {
        let _ = writeln!(
            out,
            "headings at {:?}, blocks at {:?}",
            r.heading_rows, r.block_rows
        );
    }
    out
}

/// Renders the note at `path` of a small vault at `width`.
fn render_in(files: &[(&str, &str)], path: &str, width: u16) -> (Rendered, Vault, Graph) {
    let (v, g) = vault(files);
    let i = v.note_by_path(path).expect("note in vault");
    let r = render::render(&v, &g, i, &RenderOptions::new(width));
    let problems = check_rendering(&v, &r, width, path);
    assert!(problems.is_empty(), "{problems:?}");
    (r, v, g)
}

/// Snapshot of one note rendered alone at `width`.
fn snap(text: &str, width: u16) -> String {
    let (r, _, _) = render_in(&[("note.md", text)], "note.md", width);
    dump(&r)
}

/// A row's text and where each of its cells starts in it (`None` for the second cell of a wide
/// grapheme); zero-width graphemes belong to the cell before them.
struct Cells {
    text: String,
    starts: Vec<Option<usize>>,
}

impl Cells {
    fn of(line: &Line<'_>) -> Cells {
        let mut text = String::new();
        let mut starts = Vec::new();
        for span in &line.spans {
            let base = text.len();
            if span.content.is_ascii() {
                starts.extend((0..span.content.len()).map(|i| Some(base + i)));
            } else {
                for (i, g) in span.content.grapheme_indices(true) {
                    let w = usize::from(g.cell_width());
                    if w > 0 {
                        starts.push(Some(base + i));
                        starts.extend(std::iter::repeat_n(None, w - 1));
                    }
                }
            }
            text.push_str(&span.content);
        }
        Cells { text, starts }
    }

    /// The text drawn in cells `s..e`.
    fn slice(&self, s: usize, e: usize) -> &str {
        let a = self.starts[s].unwrap_or(0);
        let b = self.starts[e..]
            .iter()
            .flatten()
            .next()
            .copied()
            .unwrap_or(self.text.len());
        &self.text[a..b]
    }
}

fn is_code(s: Style) -> bool {
    s.bg.is_some() && (s.bg == theme::CODE_BLOCK.bg || s.bg == theme::CODE_INLINE.bg)
}

/// The invariants every rendering keeps: rows fit the width, no control characters, no raw link or
/// callout syntax outside code, and anchors cover exactly the link text drawn there.
fn check_rendering(v: &Vault, r: &Rendered, width: u16, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let rows: Vec<Cells> = r.lines.iter().map(Cells::of).collect();
    for (row, line) in r.lines.iter().enumerate() {
        let cells = &rows[row].starts;
        assert!(
            cells.len() <= usize::from(width) && line.width() <= usize::from(width),
            "{what} at width {width}: row {row} is {} cells: {:?}",
            cells.len(),
            line_text(line)
        );
        let mut prose = String::new();
        for span in &line.spans {
            assert!(
                !span.content.chars().any(char::is_control),
                "{what}: control character on row {row}: {:?}",
                span.content
            );
            if is_code(span.style) {
                prose.push('\u{1}');
            } else {
                prose.push_str(&span.content);
            }
        }
        let lower = prose.to_lowercase();
        for bad in ["[[", "]]", "<a ", "[!info]"] {
            if lower.contains(bad) {
                problems.push(format!(
                    "{what} at width {width}: {bad:?} on row {row}: {prose:?}"
                ));
            }
        }
    }
    // Anchors: the cells hold the link's text; all segments of a link spell its shown text.
    let mut by_link: std::collections::BTreeMap<LinkRef, String> = Default::default();
    for a in &r.anchors {
        let cells = &rows[a.row].starts;
        let (s, e) = (usize::from(a.cols.start), usize::from(a.cols.end));
        assert!(
            e <= cells.len() && s < e,
            "{what}: anchor {a:?} outside its row"
        );
        assert!(
            cells[s].is_some(),
            "{what}: anchor {a:?} starts inside a wide character"
        );
        let text = rows[a.row].slice(s, e);
        assert_eq!(
            text,
            text.trim(),
            "{what}: anchor {a:?} has spaces at its edges"
        );
        by_link.entry(a.link).or_default().push_str(text);
    }
    for (lref, drawn) in by_link {
        let link = &v.notes[lref.note].parsed.links[lref.link];
        let expected = if link.syntax.is_embed() {
            render::embed_label(link)
        } else {
            link.shown_text()
        };
        let squash = |s: &str| -> String { render::sanitize(s).split_whitespace().collect() };
        let (drawn, expected) = (squash(&drawn), squash(&expected));
        let times = if expected.is_empty() {
            0
        } else {
            drawn.len() / expected.len()
        };
        assert!(
            times >= 1 && drawn == expected.repeat(times),
            "{what} at width {width}: link {lref:?} drawn as {drawn:?}, expected {expected:?}"
        );
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Corpora

#[test]
fn corpora_render_everywhere_without_leaking_syntax() {
    let Ok(root) = std::env::var("ENGRAM_CORPORA") else {
        eprintln!("ENGRAM_CORPORA is not set: skipping the corpus check (e.g. ENGRAM_CORPORA=../shared/corpora)");
        return;
    };
    let mut problems = Vec::new();
    let mut notes = 0;
    for corpus in ["hubermanlab", "obsidian-tasks-docs"] {
        let v = Vault::load(&Path::new(&root).join(corpus)).expect("corpus loads");
        let g = Graph::build(&v);
        notes += v.notes.len();
        let found: Vec<String> = (0..v.notes.len())
            .into_par_iter()
            .flat_map_iter(|i| {
                let n = &v.notes[i];
                let mut found = Vec::new();
                for width in [40u16, 80, 120] {
                    let r = render::render(&v, &g, i, &RenderOptions::new(width));
                    found.extend(check_rendering(&v, &r, width, &n.path));
                }
                found
            })
            .collect();
        problems.extend(found);
    }
    assert!(notes > 1200, "both corpora loaded ({notes} notes)");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ---------------------------------------------------------------------------------------------
// One snapshot per construct, named after the OFM rule it checks.

#[test]
fn r20_heading_levels_are_distinct() {
    let text = "# One\n\ntext\n\n## Two [[elsewhere]]\n\n### Three\n\n#### Four\n\n##### Five\n\n###### Six\n\nA long heading follows.\n\n## A heading long enough to wrap over two rows at this width\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r52_paragraph_emphasis_strong_strikethrough_and_escapes() {
    let text = "Plain *emphasis*, _also_, **strong**, ***both***, ~~struck~~ and **bold with *nested* emphasis**.\n\nEscapes stay literal: \\*not emphasis\\*, \\# not a heading, \\[[not a link]], 1\\. not a list.\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r46_highlight() {
    let text = "Some ==highlighted text== and ==**bold** inside== but not a == b or `==code==` or x === y.\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r5_inline_code_keeps_its_text() {
    let text = "Run `cargo test`, and `[[not a link]]` stays code, as does `<a href>`.\n";
    insta::assert_snapshot!(snap(text, 40));
}

const LINKS_OTHER: &str =
    "---\naliases: [Nick]\n---\n# Other\n\n## Part two\n\nA block of text. ^blk\n";

#[test]
fn r24_links_by_resolution_and_display_text() {
    let text = "# Links\n\nResolved [[other]], piped [[other|shown text]], spaced [[ other | spaced ]], empty display [[other | ]].\nHeading [[other#Part two]], block [[other#^blk]] and self [[#Links]].\nAlias [[Nick]] resolves only through an alias; [[nowhere]] does not resolve.\nExternal [a site](https://example.com), [[https://example.org]] and <https://example.net>.\nMarkdown [other note](other.md) and [**bold** display](other.md).\n";
    let (r, _, _) = render_in(
        &[("note.md", text), ("other.md", LINKS_OTHER)],
        "note.md",
        60,
    );
    insta::assert_snapshot!(dump(&r));
}

#[test]
fn r24_a_link_wrapped_over_rows_has_an_anchor_per_row() {
    let text = "Before [[other|a display text long enough to wrap over rows]] after.\n";
    let (r, _, _) = render_in(
        &[("note.md", text), ("other.md", LINKS_OTHER)],
        "note.md",
        20,
    );
    insta::assert_snapshot!(dump(&r));
    let rows: Vec<usize> = r.anchors.iter().map(|a| a.row).collect();
    assert!(rows.len() >= 3, "{rows:?}");
}

#[test]
fn r42_block_quotes_nested_with_hanging_indent() {
    let text = "> A quote that is long enough to wrap onto a second row.\n>\n> > A nested quote with a [[link]].\n>\n> - a list inside\n> - the quote\n\nAfter.\n";
    insta::assert_snapshot!(snap(text, 30));
}

#[test]
fn r41_callout_title_and_fold() {
    let text = "> [!tip] A custom **title** with [[link]]\n> Body text.\n\n> [!faq]- Are callouts foldable?\n> Yes!\n\n> [!warning]+ Open by default\n> Shown.\n\n> [!info]\n> Default title.\n\n> [!todo] Title-only callout\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r43_callout_types_aliases_and_unknown_types() {
    let mut text = String::new();
    for t in [
        "note",
        "abstract",
        "summary",
        "tldr",
        "info",
        "todo",
        "tip",
        "hint",
        "important",
        "success",
        "check",
        "done",
        "question",
        "help",
        "faq",
        "warning",
        "caution",
        "attention",
        "failure",
        "fail",
        "missing",
        "danger",
        "error",
        "bug",
        "example",
        "quote",
        "cite",
        "NOTE",
        "custom-type",
    ] {
        text.push_str(&format!("> [!{t}]\n> {t} body\n\n"));
    }
    insta::assert_snapshot!(snap(&text, 30));
}

#[test]
fn r42_callouts_nest() {
    let text = "> [!question] Can callouts be nested?\n> > [!todo] Yes!, they can.\n> > > [!example] You can even use multiple layers of nesting.\n> > > With a body.\n";
    insta::assert_snapshot!(snap(text, 50));
}

#[test]
fn r49_lists_ordered_unordered_nested() {
    let text = "- one\n- two wraps over the end of the row here\n  - nested\n    - deeper\n      - deepest\n- three\n\n1. first\n2. second\n   1. inner\n7. numbered by the first item\n\n3) starts at three\n4) four\n\n- loose one\n\n- loose two\n";
    insta::assert_snapshot!(snap(text, 30));
}

#[test]
fn r49_task_lists_with_custom_markers() {
    let text = "- [ ] open task\n- [x] done task that wraps over the row\n- [X] also done\n- [?] a question\n- [-] cancelled\n- [!] important\n  - [ ] nested open\n\n1. [ ] numbered task\n";
    insta::assert_snapshot!(snap(text, 30));
}

#[test]
fn r25_tables_aligned_with_escaped_pipes() {
    let text = "| Left | Centre | Right |\n|:-----|:------:|------:|\n| a | b | c |\n| [[other\\|Alias]] | `code` | 12.5 |\n| longer cell | x | 1 |\n";
    let (r, _, _) = render_in(
        &[("note.md", text), ("other.md", LINKS_OTHER)],
        "note.md",
        60,
    );
    insta::assert_snapshot!(dump(&r));
}

#[test]
fn r25_tables_fit_the_width_and_wrap_cells() {
    let text = "| Name | Description |\n|---|---|\n| short | A description long enough that the column has to wrap at this width |\n| b | multi<br>line |\n";
    insta::assert_snapshot!(snap(text, 40));
    // Too narrow for the columns: each row as `header: value` lines.
    let narrow =
        "| A | B | C | D | E | F |\n|---|---|---|---|---|---|\n| 1 | 2 | 3 | 4 | 5 | 6 |\n";
    insta::assert_snapshot!("r25_tables_too_narrow_are_stacked", snap(narrow, 12));
}

#[test]
fn r53_fenced_code_highlighted_with_language_label() {
    let text = "```rust\nfn main() {\n\tlet x = \"a long string that will need to wrap\";\n}\n```\n\n```mermaid\ngraph TD\n  A --> B\n```\n\n```\nno language [[not a link]]\n```\n\n    indented code\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn rule_between_paragraphs() {
    insta::assert_snapshot!(snap("Above\n\n---\n\nBelow\n\n***\n", 20));
}

#[test]
fn r48_footnotes_references_and_section() {
    let text = "Text with a note[^1] and a named one[^named], again[^1], and inline^[An inline note with [[other]].].\n\n[^1]: The first note.\n[^named]: The named note,\n    with a second line.\n";
    let (r, _, _) = render_in(
        &[("note.md", text), ("other.md", LINKS_OTHER)],
        "note.md",
        40,
    );
    insta::assert_snapshot!(dump(&r));
}

#[test]
fn r47_math_shown_as_tex() {
    let text = "Inline $e^{i\\pi} + 1 = 0$ and it costs $5 and $10.\n\n$$\n\\int_0^1 x^2 \\, dx = \\frac{1}{3}\n$$\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r27_images_and_media_embeds_as_placeholders() {
    let text = "![[Engelbart.jpg|100x145]]\n![[Engelbart.jpg#outline|100]]\n![[Excerpt (1968).ogg]]\n![[clip.mp4]]\n![[Document.pdf#page=3]]\n![[board.canvas]]\n![[missing.png]]\n![Engelbart|250](https://example.com/img/Engelbart.jpg)\n\nText around ![[Engelbart.jpg]] an image.\n";
    let (mut v, _) = vault(&[("note.md", text)]);
    for a in [
        "Engelbart.jpg",
        "Excerpt (1968).ogg",
        "clip.mp4",
        "Document.pdf",
        "board.canvas",
    ] {
        v.attachments.push(engram::vault::Attachment {
            path: a.into(),
            size: 10,
        });
    }
    v.attachments.sort_by(|a, b| a.path.cmp(&b.path));
    let g = Graph::build(&v);
    let r = render::render(&v, &g, 0, &RenderOptions::new(40));
    assert!(check_rendering(&v, &r, 40, "media").is_empty());
    insta::assert_snapshot!(dump(&r));
}

#[test]
fn r45_comments_are_hidden() {
    let text = "Visible %%hidden inline%% text.\n\n%%\nA block comment\n\nwith [[hidden link]] and a blank line.\n%%\n\nAfter `%%code stays%%`.\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r22_block_ids_are_hidden_and_located() {
    let text = "A paragraph with an id. ^para-1\n\n- a list\n- of two\n\n^list-id\n\n> a quote\n\n^quote\n\n![[pic.png]]^image-id\n";
    let (r, _, _) = render_in(&[("note.md", text)], "note.md", 40);
    insta::assert_snapshot!(dump(&r));
    assert_eq!(r.block_rows, vec![0, 2, 5, 7]);
}

#[test]
fn r50_inline_html() {
    let text = "From: [[hubermanlab]] <br/> next line\nA claim <a class=\"yt-timestamp\" data-t=\"00:01:02\">[00:01:02]</a> and [<a class=\"yt-timestamp\" data-t=\"00:06:15\">[00:06:15]</a>].\nA <a href=\"https://x.org\">plain anchor</a>, <b>bold</b>, <span class=\"x\">span</span>, <kbd>Ctrl</kbd> and <!-- a comment -->.\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn r50_html_blocks_are_dim() {
    let text = "<div class=\"note\">\nInside a <b>div</b><br>second line\n</div>\n\nAfter.\n";
    insta::assert_snapshot!(snap(text, 40));
}

#[test]
fn d9_a_lone_br_line_does_not_swallow_headings_and_links() {
    let text = "Intro\n<br/>\n<br/>\n# Heading [[x]]\n\nText with [[y]].\n";
    let (r, v, _) = render_in(&[("note.md", text)], "note.md", 40);
    insta::assert_snapshot!(dump(&r));
    assert_eq!(r.anchors.len(), 2);
    assert_eq!(v.notes[0].parsed.headings.len(), 1);
}

const EMBEDDED: &str = "---\ntitle: Embedded\n---\nIntro of the embedded note with [[other]].\n\n## Part\n\nPart text.\n\n### Sub\n\nSub text.\n\n## Next\n\nNot in the section.\n\n- item one\n- item with id ^item-id\n\nA paragraph with an id. ^para-id\n";

#[test]
fn r26_note_embeds_are_framed_sections() {
    let text = "Whole:\n\n![[embedded]]\n\nSection:\n\n![[embedded#Part]]\n\nList item:\n\n![[embedded#^item-id]]\n\nParagraph:\n\n![[embedded#^para-id]]\n\nMissing ![[embedded#Nope]] section and ![[ghost]] note.\n";
    let (r, _, _) = render_in(
        &[
            ("note.md", text),
            ("embedded.md", EMBEDDED),
            ("other.md", LINKS_OTHER),
        ],
        "note.md",
        50,
    );
    insta::assert_snapshot!(dump(&r));
}

#[test]
fn r26_embed_cycles_are_cut_and_depth_limited() {
    let a = "A embeds B:\n\n![[b]]\n";
    let b = "B embeds A:\n\n![[a]]\n";
    let (r, _, _) = render_in(&[("a.md", a), ("b.md", b)], "a.md", 40);
    insta::assert_snapshot!(dump(&r));
    // A chain longer than the depth limit stops.
    let files: Vec<(String, String)> = (0..8)
        .map(|i| (format!("n{i}.md"), format!("Note {i}\n\n![[n{}]]\n", i + 1)))
        .collect();
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let (r, _, _) = render_in(&refs, "n0.md", 60);
    insta::assert_snapshot!("r26_embed_depth_limit", dump(&r));
}

#[test]
fn r36_properties_block() {
    let text = "---\ntitle: A Title\naliases: [First, Second]\ntags: [one, two/three]\nrating: 5\nsource: \"[[other]]\"\ndescription: A description long enough to wrap under its key in the block.\n---\nBody.\n";
    let (r, _, _) = render_in(
        &[("note.md", text), ("other.md", LINKS_OTHER)],
        "note.md",
        40,
    );
    insta::assert_snapshot!(dump(&r));
    let (v, g) = vault(&[("note.md", text)]);
    let hidden = render::render(
        &v,
        &g,
        0,
        &RenderOptions {
            show_properties: false,
            ..RenderOptions::new(40)
        },
    );
    assert_eq!(line_text(&hidden.lines[0]), "Body.");
}

#[test]
fn r51_soft_breaks_per_decision_8() {
    let text = "One line\nnext line\nthird line  \nhard break\n";
    insta::assert_snapshot!(snap(text, 40));
    let (v, g) = vault(&[("note.md", text)]);
    let strict = render::render(
        &v,
        &g,
        0,
        &RenderOptions {
            strict_line_breaks: true,
            ..RenderOptions::new(40)
        },
    );
    insta::assert_snapshot!("r51_soft_breaks_strict", dump(&strict));
}

#[test]
fn r37_tags_are_styled() {
    insta::assert_snapshot!(snap(
        "Tagged #tag and #nested/tag, not #123 or a#b or `#code`.\n",
        40
    ));
}

#[test]
fn wrap_by_display_width_with_hanging_indents() {
    let text = "漢字とかなの文章は単語の区切りがなくても折り返されます。\n\nEmoji 👩‍🔬 and 🎉 take two cells, e\u{301} combining marks none.\n\n- a list item whose text wraps with a hanging indent under the bullet\n\n> quoted text that wraps keeps the bar on every row\n";
    insta::assert_snapshot!(snap(text, 20));
}

#[test]
fn control_characters_and_escape_sequences_never_reach_the_terminal() {
    let text = "---\ntitle: \"T\\e[31mred\"\nkey: \"v\\u0007\"\n---\nBell\u{7} and \u{1b}[2J clear \u{1b}]0;title\u{7} and\ttab \u{9b}31m csi.\n\n```\ncode\u{1b}[31m\tx\n```\n\n![[evil\u{1b}[5m.png]]\n";
    let out = snap(text, 40);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}') && !out.contains('\u{9b}'));
    insta::assert_snapshot!(out);
}

#[test]
fn width_one_and_pathological_nesting_never_panic() {
    let deep_quote = format!("{}deep\n", "> ".repeat(5000));
    let deep_list = format!("{}deep\n", "- ".repeat(5000));
    let indented: String = (0..200)
        .map(|i| format!("{}- level {i}\n", "  ".repeat(i)))
        .collect();
    let mixed = "# H\n\n> [!info] T\n> - [ ] t\n>   | a | b |\n>   |---|---|\n>   | 1 | 2 |\n\n```rust\nfn x() {}\n```\n\n漢字 👩‍🔬 ![[x.png|10x10]] [^1]\n\n[^1]: n\n";
    for text in [
        deep_quote.as_str(),
        deep_list.as_str(),
        indented.as_str(),
        mixed,
    ] {
        let (v, g) = vault(&[("note.md", text)]);
        for width in [1u16, 2, 3, 5, 12, 40] {
            let r = render::render(&v, &g, 0, &RenderOptions::new(width));
            assert!(check_rendering(&v, &r, width, "pathological").is_empty());
            assert!(!r.lines.is_empty());
        }
    }
}

#[test]
fn heading_and_line_rows_point_into_the_rendering() {
    let text = "---\ntitle: T\n---\n# One\n\npara[^1]\n\n[^1]: a note in the middle\n\n## Two\n\n- a\n- b\n";
    let (r, _, _) = render_in(&[("note.md", text)], "note.md", 40);
    for (i, row) in r.heading_rows.iter().enumerate() {
        let want = ["One", "Two"][i];
        assert_eq!(line_text(&r.lines[*row]), want);
    }
    assert_eq!(line_text(&r.lines[r.row_of_line(6)]), "para[1]");
    assert_eq!(line_text(&r.lines[r.row_of_line(12)]), "• a");
    assert_eq!(line_text(&r.lines[r.row_of_line(8)]), "Two");
    assert!(r
        .line_rows
        .windows(2)
        .all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].1));
}

// ---------------------------------------------------------------------------------------------
// The seed note and corpus notes (copies in tests/data).

const SEED: &str = include_str!("data/seed.md");

/// Notes of the real vault the seed links to (empty stand-ins, so links resolve as they do there).
const SEED_TARGETS: &[&str] = &[
    "hubermanlab",
    "dopamine_system_and_its_role_in_reward_and_addiction",
    "integrating_scientific_thinking_in_everyday_life",
    "learning_and_motivation_through_algorithms",
    "practical_tools_for_enhancing_cognitive_performance",
    "relationship_between_adventure_responsibility_and_personal_development",
    "role_of_executive_function_and_working_memory",
    "role_of_prefrontal_cortex_in_stress_and_trauma_therapy",
    "role_of_story_narratives_in_gratitude_practice",
    "the_learning_process_and_personal_growth",
    "the_role_of_neuroplasticity_and_dopamine_in_habits",
    "therapeutic_potential_of_psychedelics_for_trauma_and_brain_injury",
    "tools_for_improving_memory",
    "understanding_human_behavior_through_psychology_and_neuroscience",
];

fn hubermanlab_note(path: &str, text: &str, width: u16) -> String {
    let stubs: Vec<(String, &str)> = SEED_TARGETS
        .iter()
        .map(|t| (format!("{t}.md"), ""))
        .collect();
    let mut files: Vec<(&str, &str)> = stubs.iter().map(|(p, t)| (p.as_str(), *t)).collect();
    files.push((path, text));
    let (r, _, _) = render_in(&files, path, width);
    dump(&r)
}

#[test]
fn seed_note_at_width_40() {
    insta::assert_snapshot!(hubermanlab_note(
        "ai_and_computational_models_in_neuroscience.md",
        SEED,
        40
    ));
}

#[test]
fn seed_note_at_width_80() {
    insta::assert_snapshot!(hubermanlab_note(
        "ai_and_computational_models_in_neuroscience.md",
        SEED,
        80
    ));
}

#[test]
fn seed_note_at_width_120() {
    insta::assert_snapshot!(hubermanlab_note(
        "ai_and_computational_models_in_neuroscience.md",
        SEED,
        120
    ));
}

#[test]
fn corpus_note_with_callout_and_timestamps() {
    let text =
        include_str!("data/hubermanlab/role_of_storytelling_and_philosophy_in_decision_making.md");
    insta::assert_snapshot!(hubermanlab_note(
        "role_of_storytelling_and_philosophy_in_decision_making.md",
        text,
        80
    ));
}

#[test]
fn corpus_note_with_callouts_tables_and_code() {
    let text = include_str!("data/obsidian-tasks-docs/Presets.md");
    let files = [
        ("Queries/Presets.md", text),
        ("Queries/Placeholders.md", ""),
        ("Queries/Combining Filters.md", ""),
        ("Queries/Comments.md", ""),
    ];
    let (r, _, _) = render_in(&files, "Queries/Presets.md", 80);
    insta::assert_snapshot!(dump(&r));
}

// ---------------------------------------------------------------------------------------------
// `engram show`

fn show(vault: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_engram"))
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("engram-test-cache"),
        )
        .arg("show")
        .args(args)
        .arg("--vault")
        .arg(vault)
        .output()
        .expect("engram runs")
}

#[test]
fn engram_show_prints_plain_text_when_piped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("seed.md"), SEED).unwrap();
    std::fs::write(dir.path().join("hubermanlab.md"), "hub").unwrap();
    let out = show(dir.path(), &["seed", "--width", "50"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no escapes when piped");
    assert!(text.lines().all(|l| l.chars().count() <= 50));
    assert!(text.contains("From: hubermanlab"));
    assert!(!text.contains("[["));
    let plain = show(dir.path(), &["seed.md", "--plain"]);
    assert!(plain.status.success());
    let plain = String::from_utf8(plain.stdout).unwrap();
    assert!(
        plain.lines().any(|l| l.chars().count() > 50),
        "80 columns when piped"
    );

    let missing = show(dir.path(), &["nope"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).starts_with("engram: no note named \"nope\""));
}

#[test]
fn ansi_output_carries_the_styles() {
    let (r, _, _) = render_in(
        &[("note.md", "# Title\n\n[[missing]] and **bold**\n")],
        "note.md",
        30,
    );
    let ansi = render::to_ansi(&r.lines);
    assert!(ansi.contains("\u{1b}[0;1;95mTitle\u{1b}[0m"), "{ansi:?}");
    assert!(ansi.contains("\u{1b}[0;4;31mmissing"), "{ansi:?}");
    assert_eq!(
        render::to_plain(&r.lines),
        "Title\n━━━━━\n\nmissing and bold\n"
    );
}

#[test]
fn anchors_are_found_by_row_and_cell() {
    let (r, _, _) = render_in(&[("note.md", "See [[a]] and [[b]].\n")], "note.md", 40);
    assert_eq!(r.anchors_on(0).len(), 2);
    assert_eq!(r.anchor_at(0, 4).map(|a| a.link.link), Some(0));
    assert_eq!(r.anchor_at(0, 3), None);
    assert_eq!(r.anchor_at(0, 10).map(|a| a.link.link), Some(1));
    assert!(r.anchors_on(1).is_empty());
}

#[test]
fn the_cache_renders_once_per_width() {
    let (v, g) = vault(&[("note.md", "Some text that wraps at a narrow width.\n")]);
    let mut cache = render::RenderCache::default();
    let narrow = cache.get(&v, &g, 0, &RenderOptions::new(10)).lines.len();
    let wide = cache.get(&v, &g, 0, &RenderOptions::new(80)).lines.len();
    assert!(narrow > wide);
    let again = cache.get(&v, &g, 0, &RenderOptions::new(10)) as *const Rendered;
    assert_eq!(
        again,
        cache.get(&v, &g, 0, &RenderOptions::new(10)) as *const Rendered
    );
    cache.forget(0);
    cache.clear();
}

/// Issue 7: a very large note is rendered in parts that together show all of it, each bounded, so
/// the browser renders only the parts around what it shows. `render::render`, which renders a note
/// at once, still stops after its first MiB and says so.
#[test]
fn a_huge_note_renders_its_first_part_and_says_so() {
    let para = "A line of a very large note with a [[b]] link in it.\n\n";
    let big = para.repeat((3 << 20) / para.len());
    let (v, g) = vault(&[("a.md", big.as_str()), ("b.md", "")]);
    let r = render::render(&v, &g, 0, &RenderOptions::new(80));
    let text = render::to_plain(&r.lines);
    let last = text.lines().last().expect("rows");
    assert!(
        last.starts_with("… ") && last.contains("KB more not shown"),
        "{last}"
    );
    assert!(r.lines.len() < 2 * (render::RENDER_LIMIT / para.len()) + 10);

    let parts = render::split_note(&v, 0).expect("a note over the limit is split");
    assert!(parts.len() >= 12, "{} parts", parts.len());
    let all = render::render_parts(&v, &g, 0, &parts, 0..parts.len(), &RenderOptions::new(80));
    assert_eq!(all.len(), parts.len());
    let per_part = render::PART_BYTES / para.len();
    for r in &all {
        // One row per paragraph, a blank row between: bounded by the part's size.
        assert!(r.lines.len() <= 2 * per_part, "{} rows", r.lines.len());
        let text = render::to_plain(&r.lines);
        assert!(!text.contains("more not shown"), "{text}");
    }
    // Every paragraph and every link of the note, once: the last one too.
    let shown: usize = all
        .iter()
        .map(|r| render::to_plain(&r.lines).matches("A line of").count())
        .sum();
    assert_eq!(shown, big.len() / para.len());
    let anchors: usize = all.iter().map(|r| r.anchors.len()).sum();
    assert_eq!(anchors, v.notes[0].parsed.links.len());
    // Each part maps its rows to the note's own line numbers.
    let lines = big.lines().count();
    let last = all.last().and_then(|r| r.line_rows.last()).map(|(l, _)| *l);
    assert_eq!(last, Some(lines - 1));
    assert_eq!(
        all[1].line_rows.first().map(|(l, _)| *l),
        parts.get(1).map(|p| p.first_line)
    );
}

/// Issue 7: a large note's parts cover its text exactly once, in order, cut at line starts between
/// blocks and never inside fenced code or a comment while a blank line outside them is near.
#[test]
fn parts_cover_the_note_once_and_cut_between_blocks() {
    let mut text = String::from("---\ntitle: Big\n---\n");
    let mut i = 0;
    while text.len() < 3 << 20 {
        text.push_str(&format!("## Section {i}\n\nSome text for section {i}.\n\n"));
        // Long fenced blocks and comments with blank lines inside, which a cut must not split.
        text.push_str("```rust\nfn f() {}\n\n\nfn g() {}\n```\n\n");
        text.push_str("%% a comment\n\nover blank lines %%\n\n");
        text.push_str(&"- item\n  continued\n\n".repeat(i % 7));
        i += 1;
    }
    let limit = 64 << 10;
    let parts = render::Parts::split(&text, limit);
    assert!(parts.len() > 40);
    let mut joined = String::new();
    let mut lines = 0;
    for (k, p) in parts.iter().enumerate() {
        assert_eq!(
            p.bytes.start,
            joined.len(),
            "part {k} starts where the last ended"
        );
        assert!(p.bytes.len() <= limit);
        assert!(k + 1 == parts.len() || p.bytes.len() >= limit / 2);
        assert_eq!(p.first_line, lines + 1, "part {k}");
        let piece = &text[p.bytes.clone()];
        if k > 0 {
            assert!(
                text[..p.bytes.start].ends_with("\n\n"),
                "part {k} after a blank line"
            );
            assert_eq!(p.joint, render::Joint::Block);
            assert!(!piece.starts_with(' '), "part {k} starts a block");
        }
        // Outside code and comments: no part holds a fence or `%%` left open.
        assert_eq!(piece.matches("```").count() % 2, 0, "part {k}");
        assert_eq!(piece.matches("%%").count() % 2, 0, "part {k}");
        lines += piece.matches('\n').count();
        joined.push_str(piece);
    }
    assert_eq!(joined, text);
    assert_eq!(parts.lines, text.lines().count());
    assert_eq!(parts.of_line(parts.lines), parts.len() - 1);
    assert_eq!(parts.of_line(1), 0);
}

/// Issue 7: without blank lines a cut falls at a line break, and in a single 30 MB line at a char
/// boundary; every part still renders, bounded.
#[test]
fn parts_of_notes_without_blank_lines_or_line_breaks() {
    let lines = "line of text ä\n".repeat((2 << 20) / 15);
    let parts = render::Parts::split(&lines, render::PART_BYTES);
    assert!(parts.len() > 4);
    for p in parts.iter().skip(1) {
        assert_eq!(p.joint, render::Joint::Line);
        assert!(lines[..p.bytes.start].ends_with('\n'));
    }
    let one = "wörd ".repeat((30 << 20) / 6 + 1) + "end";
    assert!(one.len() > 30 << 20);
    let (v, g) = vault(&[("one.md", one.as_str())]);
    let parts = render::split_note(&v, 0).expect("split");
    let total: usize = parts.iter().map(|p| p.bytes.len()).sum();
    assert_eq!(total, one.len());
    assert!(parts
        .iter()
        .skip(1)
        .all(|p| p.joint == render::Joint::Char && p.first_line == 1));
    let n = parts.len();
    let opts = RenderOptions::new(80);
    for r in render::render_parts(&v, &g, 0, &parts, 0..2, &opts)
        .into_iter()
        .chain(render::render_parts(&v, &g, 0, &parts, n - 1..n, &opts))
    {
        assert!(!r.lines.is_empty());
        assert!(
            r.lines.len() <= render::PART_BYTES / 40,
            "{} rows",
            r.lines.len()
        );
        assert!(r.lines.iter().all(|l| l.width() <= 80));
    }
}

/// Issue 7: a fenced code block or a comment longer than a part is cut inside, and the next part
/// opens it again: code stays code and a comment stays hidden in every part.
#[test]
fn code_and_comments_longer_than_a_part_go_on_in_the_next() {
    let code = format!(
        "Before.\n\n```rust\n{}```\n\nAfter the code.\n",
        "let x = 1;\n".repeat((200 << 10) / 11)
    );
    let comment = format!(
        "Before.\n\n%% {}%%\n\nAfter the comment.\n",
        "hidden words\n".repeat((200 << 10) / 13)
    );
    let (v, g) = vault(&[("code.md", code.as_str()), ("comment.md", comment.as_str())]);
    let opts = RenderOptions::new(60);
    let limit = 32 << 10;
    let code_parts = render::Parts::split(&code, limit);
    assert!(code_parts.len() > 4);
    let rendered = render::render_parts(&v, &g, 0, &code_parts, 0..code_parts.len(), &opts);
    for (i, r) in rendered.iter().enumerate() {
        for line in &r.lines {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            if text.contains("let x") {
                assert!(
                    line.spans
                        .iter()
                        .any(|s| s.style.bg == theme::CODE_BLOCK.bg),
                    "part {i}: {text:?} is drawn as code"
                );
            }
            assert!(!text.contains("```"), "part {i}: {text:?}");
        }
    }
    let last = render::to_plain(&rendered[rendered.len() - 1].lines);
    assert!(last.contains("After the code."), "{last}");
    // The rows of each part are numbered with the note's own lines.
    let second = code_parts.get(1).expect("part");
    assert!(rendered[1]
        .line_rows
        .iter()
        .any(|(l, _)| *l == second.first_line));

    let parts = render::Parts::split(&comment, limit);
    assert!(parts.len() > 4);
    let rendered = render::render_parts(&v, &g, 1, &parts, 0..parts.len(), &opts);
    let all: String = rendered
        .iter()
        .map(|r| render::to_plain(&r.lines))
        .collect();
    assert!(!all.contains("hidden"), "a comment stays hidden");
    assert!(
        all.contains("Before.") && all.contains("After the comment."),
        "{all}"
    );
}

/// A page of a large note is put together from slices of renderings: slicing a rendering and
/// appending the slices gives it back, links and source lines included.
#[test]
fn slices_of_a_rendering_append_to_the_whole() {
    let text: String = (0..40)
        .map(|i| format!("Para {i} with [[link {i}]] and words that wrap around the width.\n\n"))
        .collect();
    let (v, g) = vault(&[("a.md", text.as_str())]);
    let r = render::render(&v, &g, 0, &RenderOptions::new(30));
    assert!(r.lines.len() > 60);
    for cut in [0, 1, 17, r.lines.len() / 2, r.lines.len()] {
        let mut whole = r.slice(0..cut);
        let rest = r.slice(cut..r.lines.len());
        assert_eq!(whole.lines.len() + rest.lines.len(), r.lines.len());
        whole.append(rest);
        assert_eq!(whole.lines, r.lines, "cut at {cut}");
        assert_eq!(whole.anchors, r.anchors, "cut at {cut}");
        assert_eq!(whole.line_rows, r.line_rows, "cut at {cut}");
    }
    assert!(r.slice(5..1_000_000).lines.len() == r.lines.len() - 5);
}

/// Issue 7: nesting deeper than the renderer indents is capped and marked, not silently flattened.
#[test]
fn pathological_nesting_is_capped_and_marked() {
    let deep = format!("{} deep quote\n", "> ".repeat(40));
    let (v, g) = vault(&[("deep.md", deep.as_str()), ("flat.md", "> > > shallow\n")]);
    let text = |n| render::to_plain(&render::render(&v, &g, n, &RenderOptions::new(60)).lines);
    let deep = text(0);
    assert!(deep.contains("⋯ deep quote"), "{deep}");
    assert!(deep.lines().all(|l| l.chars().count() <= 60));
    assert!(!text(1).contains('⋯'));
}
