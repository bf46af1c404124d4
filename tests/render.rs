//! Renderer tests: one snapshot (text and styles) per construct of OFM R20–R56, the seed note at three
//! widths, corpus notes, and a check of every note of the corpora (`ENGRAM_CORPORA`).

use std::fmt::Write as _;
use std::path::Path;

use ratatui::buffer::CellWidth;
use rayon::prelude::*;
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use unicode_segmentation::UnicodeSegmentation;

use engram::graph::{Graph, LinkRef};
use engram::render::{self, RenderOptions, Rendered};
use engram::theme;
use engram::vault::{build_note, Vault};

/// A vault built in memory from `(path, text)` pairs.
fn vault(files: &[(&str, &str)]) -> (Vault, Graph) {
    let mut diags = Vec::new();
    let mut notes: Vec<_> = files
        .iter()
        .map(|(p, t)| build_note(p.to_string(), t.to_string(), t.len() as u64, None, &mut diags))
        .collect();
    notes.sort_by(|a, b| a.path.cmp(&b.path));
    let v = Vault {
        notes,
        ..Vault::default()
    };
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
    // Two constants laid over each other.
    for (a, sa) in NAMED {
        for (b, sb) in NAMED {
            if a != b && sa.patch(*sb) == s && *sa != theme::TEXT && *sb != theme::TEXT {
                return format!("{a}+{b}");
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
            let w: usize = span.content.graphemes(true).map(|g| usize::from(g.cell_width())).sum();
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
        let _ = writeln!(out, "headings at {:?}, blocks at {:?}", r.heading_rows, r.block_rows);
    }
    out
}

/// Renders the note at `path` of a small vault at `width`.
fn render_in(files: &[(&str, &str)], path: &str, width: u16) -> (Rendered, Vault, Graph) {
    let (v, g) = vault(files);
    let i = v.note_by_path(path).expect("note in vault");
    let r = render::render(&v, &g, i, &RenderOptions::new(width));
    check_rendering(&v, &r, width, &path.to_string());
    (r, v, g)
}

/// Snapshot of one note rendered alone at `width`.
fn snap(text: &str, width: u16) -> String {
    let (r, _, _) = render_in(&[("note.md", text)], "note.md", width);
    dump(&r)
}

/// Cells of a line: each cell holds the grapheme starting there, or `None` for the second cell of
/// a wide grapheme.
fn cells(line: &Line<'_>) -> Vec<Option<String>> {
    let mut out = Vec::new();
    for span in &line.spans {
        if span.content.is_ascii() {
            out.extend(span.content.chars().map(|c| Some(c.to_string())));
            continue;
        }
        for g in span.content.graphemes(true) {
            let w = usize::from(g.cell_width());
            if w == 0 {
                if let Some(Some(last)) = out.last_mut() {
                    let last: &mut String = last;
                    last.push_str(g);
                }
                continue;
            }
            out.push(Some(g.to_string()));
            for _ in 1..w {
                out.push(None);
            }
        }
    }
    out
}

fn is_code(s: Style) -> bool {
    s.bg.is_some() && (s.bg == theme::CODE_BLOCK.bg || s.bg == theme::CODE_INLINE.bg)
}

/// The invariants every rendering keeps: rows fit the width, no control characters, no raw link or
/// callout syntax outside code, and anchors cover exactly the link text drawn there.
fn check_rendering(v: &Vault, r: &Rendered, width: u16, what: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for (row, line) in r.lines.iter().enumerate() {
        let cells = cells(line);
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
                problems.push(format!("{what} at width {width}: {bad:?} on row {row}: {prose:?}"));
            }
        }
    }
    // Anchors: the cells hold the link's text; all segments of a link spell its shown text.
    let mut by_link: std::collections::BTreeMap<LinkRef, String> = Default::default();
    for a in &r.anchors {
        let cells = cells(&r.lines[a.row]);
        let (s, e) = (usize::from(a.cols.start), usize::from(a.cols.end));
        assert!(e <= cells.len() && s < e, "{what}: anchor {a:?} outside its row");
        assert!(cells[s].is_some(), "{what}: anchor {a:?} starts inside a wide character");
        let text: String = cells[s..e].iter().flatten().map(String::as_str).collect();
        assert_eq!(text, text.trim(), "{what}: anchor {a:?} has spaces at its edges");
        by_link.entry(a.link).or_default().push_str(&text);
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
        let times = if expected.is_empty() { 0 } else { drawn.len() / expected.len() };
        assert!(
            times >= 1 && drawn == expected.repeat(times),
            "{what} at width {width}: link {lref:?} drawn as {drawn:?}, expected {expected:?}"
        );
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// Corpora

/// Literal `[[`/`]]` that the corpora hold as text (not links, outside code) and Obsidian shows as
/// written: (note path, sequence).
const LITERAL_IN_CORPUS: &[(&str, &str)] = &[];

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
                    found.extend(check_rendering(&v, &r, width, &n.path).into_iter().filter(|p| {
                        !LITERAL_IN_CORPUS
                            .iter()
                            .any(|(path, seq)| n.path == *path && p.contains(&format!("{seq:?}")))
                    }));
                }
                found
            })
            .collect();
        problems.extend(found);
    }
    assert!(notes > 1200, "both corpora loaded ({notes} notes)");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
