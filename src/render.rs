//! Renders a parsed note into styled terminal lines for a given width, and records where every link
//! landed (row and columns) so the browser can select and follow links.
//!
//! Pure: no I/O. Callers cache the result per (note, width).

use std::ops::Range;

use ratatui::text::{Line, Span};

use crate::graph::{Graph, LinkRef, Resolution};
use crate::theme;
use crate::vault::Vault;

/// How to render.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RenderOptions {
    /// Width in terminal cells.
    pub width: u16,
    /// Show the frontmatter as a properties block above the body.
    pub show_properties: bool,
    /// Strict CommonMark line breaks: a single newline inside a paragraph is a space (R51, decision 8).
    pub strict_line_breaks: bool,
}

impl RenderOptions {
    /// Obsidian's reading view at `width` cells.
    pub fn new(width: u16) -> Self {
        RenderOptions {
            width,
            show_properties: true,
            strict_line_breaks: false,
        }
    }
}

/// Where a link was drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkAnchor {
    /// Row in [`Rendered::lines`].
    pub row: usize,
    /// Columns (terminal cells) the link text occupies on that row.
    pub cols: Range<u16>,
    /// The link: the note it is written in (the rendered note, or an embedded one) and its index.
    pub link: LinkRef,
}

/// A rendered note.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// The lines to draw, each at most `width` cells wide.
    pub lines: Vec<Line<'static>>,
    /// Every drawn link segment, in reading order; a link wrapped over two rows has two anchors.
    pub anchors: Vec<LinkAnchor>,
    /// For each heading of the note (by index), the row it starts on.
    pub heading_rows: Vec<usize>,
    /// For each block id of the note (by index), the row of its block.
    pub block_rows: Vec<usize>,
    /// For each 1-based source line that produced output, the first row it landed on, ascending.
    pub line_rows: Vec<(usize, usize)>,
}

impl Rendered {
    /// The first row at or after a 1-based source line (for opening a note at a line).
    pub fn row_of_line(&self, line: usize) -> usize {
        self.line_rows
            .iter()
            .find(|(l, _)| *l >= line)
            .map_or(self.lines.len().saturating_sub(1), |(_, r)| *r)
    }
}

/// Renders note `note` of `vault`.
pub fn render(vault: &Vault, graph: &Graph, note: usize, opts: &RenderOptions) -> Rendered {
    // Placeholder renderer: one row per source line, links as anchors on their line.
    let n = &vault.notes[note];
    let mut out = Rendered::default();
    let text = vault.read_text(note).unwrap_or_default();
    let body_first_line = text[..n.body_start].matches('\n').count() + 1;
    for (i, line) in text[n.body_start..].lines().enumerate() {
        let lno = body_first_line + i;
        out.line_rows.push((lno, out.lines.len()));
        let clean: String = line.chars().filter(|c| !c.is_control()).collect();
        out.lines.push(Line::from(Span::styled(clean, theme::TEXT)));
        for (j, l) in n.parsed.links.iter().enumerate() {
            if l.line == lno {
                let _ = graph.resolutions[note][j] == Resolution::External;
                out.anchors.push(LinkAnchor {
                    row: out.lines.len() - 1,
                    cols: 0..opts.width.min(1),
                    link: LinkRef { note, link: j },
                });
            }
        }
    }
    out.heading_rows = n
        .parsed
        .headings
        .iter()
        .map(|h| out.row_of_line(h.line))
        .collect();
    out.block_rows = n
        .parsed
        .block_ids
        .iter()
        .map(|b| out.row_of_line(b.line))
        .collect();
    out
}
