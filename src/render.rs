//! Renders a parsed note into styled terminal lines for a given width, and records where every link
//! landed (row and columns) so the browser can select and follow links.
//!
//! Pure: no I/O. Callers cache the result per (note, width). The note is rendered as Obsidian's
//! reading view shows it (OFM R20–R56): pulldown-cmark parses the prepared body, the walker in
//! `walk` turns its events into blocks of inline pieces, `wrap` fits them to the width, and
//! `walk::Out` stacks the prefixes of quotes, callouts, lists and embeds in front of every row.

mod ansi;
mod callout;
mod highlight;
mod inline;
mod parts;
mod table;
mod walk;
mod wrap;

use std::collections::HashMap;
use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};

pub use ansi::{to_ansi, to_plain};
pub use parts::{Joint, Part, Parts, PART_BYTES};
pub use wrap::sanitize;

use crate::graph::{Graph, LinkRef, Resolution};
use crate::markdown::{Link, LinkSyntax, Subpath};
use crate::theme;
use crate::vault::Vault;
use wrap::{str_width, Piece, Seg};

/// Containers deeper than this add no more indentation (pathological nesting stays readable).
const MAX_NESTING: usize = 8;
/// Drawn after the prefixes of a row nested deeper than [`MAX_NESTING`].
const NESTING_MARK: &str = "⋯ ";
/// Note embeds inside note embeds stop at this depth (R26).
const MAX_EMBED_DEPTH: usize = 4;
/// At most this many notes are transcluded into one rendering, however they nest.
const MAX_EMBEDS: usize = 64;

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
    /// Every drawn link segment, in reading order (by row, then column); a link wrapped over two
    /// rows has two anchors.
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
        // Lines ascend: a binary search, as a large note's part asks for each of its headings.
        let i = self.line_rows.partition_point(|(l, _)| *l < line);
        self.line_rows
            .get(i)
            .map_or(self.lines.len().saturating_sub(1), |(_, r)| *r)
    }

    /// Rows `rows` on their own (clamped to the rendering), with the anchors and source lines
    /// drawn on them; heading and block rows are left empty.
    pub fn slice(&self, rows: Range<usize>) -> Rendered {
        let end = rows.end.min(self.lines.len());
        let start = rows.start.min(end);
        let lo = self.anchors.partition_point(|a| a.row < start);
        let hi = self.anchors.partition_point(|a| a.row < end);
        let anchors = self.anchors[lo..hi]
            .iter()
            .map(|a| LinkAnchor {
                row: a.row - start,
                ..a.clone()
            })
            .collect();
        let line_rows = self
            .line_rows
            .iter()
            .filter(|(_, r)| (start..end).contains(r))
            .map(|&(l, r)| (l, r - start))
            .collect();
        Rendered {
            lines: self.lines[start..end].to_vec(),
            anchors,
            heading_rows: Vec::new(),
            block_rows: Vec::new(),
            line_rows,
        }
    }

    /// Draws `other` below these rows: its anchors and source lines move down with it. Heading and
    /// block rows are left to the caller.
    pub fn append(&mut self, other: Rendered) {
        let shift = self.lines.len();
        self.lines.extend(other.lines);
        self.anchors
            .extend(other.anchors.into_iter().map(|a| LinkAnchor {
                row: a.row + shift,
                ..a
            }));
        for (l, r) in other.line_rows {
            // A line cut between two parts keeps its first row.
            if self.line_rows.last().is_none_or(|&(last, _)| last < l) {
                self.line_rows.push((l, r + shift));
            }
        }
    }

    /// The anchors drawn on `row`.
    pub fn anchors_on(&self, row: usize) -> &[LinkAnchor] {
        let lo = self.anchors.partition_point(|a| a.row < row);
        let hi = self.anchors.partition_point(|a| a.row <= row);
        &self.anchors[lo..hi]
    }

    /// The anchor drawn at a cell, if any (for a mouse click).
    pub fn anchor_at(&self, row: usize, col: u16) -> Option<&LinkAnchor> {
        self.anchors_on(row).iter().find(|a| a.cols.contains(&col))
    }
}

/// Renderings kept per (note, options): a note is rendered once per width, not once per frame.
///
/// The cache does not watch the vault: call [`RenderCache::clear`] when notes or the graph change.
#[derive(Debug, Default)]
pub struct RenderCache {
    entries: HashMap<(usize, RenderOptions), Rendered>,
}

impl RenderCache {
    /// The rendering of `note` with `opts`, rendered now if it is not cached yet.
    ///
    /// Rendering reads the note's file (and those it embeds) once, through [`Texts::gather`].
    pub fn get(
        &mut self,
        vault: &Vault,
        graph: &Graph,
        note: usize,
        opts: &RenderOptions,
    ) -> &Rendered {
        self.entries
            .entry((note, *opts))
            .or_insert_with(|| render(vault, graph, note, opts))
    }

    /// Forgets every rendering (after the vault was reloaded).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    /// Forgets the renderings of one note, at every width.
    pub fn forget(&mut self, note: usize) {
        self.entries.retain(|(n, _), _| *n != note);
    }
}

/// The texts a rendering needs: the note's own and those of the notes it embeds, read from disk
/// beforehand so that rendering itself does no I/O.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    map: HashMap<usize, String>,
    /// Notes whose text was cut at [`RENDER_LIMIT`], with their full length in bytes.
    cut: HashMap<usize, usize>,
    /// When one part of a large note is rendered: the note, where its text starts in the file
    /// (bytes) and the 1-based line it starts on. Its text in `map` is the part's only.
    part: Option<(usize, usize, usize)>,
}

/// The largest note rendered whole. A larger note (a hostile or generated one) is split into
/// [`Parts`] of at most [`PART_BYTES`]; the browser renders the parts around what it shows, so
/// opening or scrolling it never freezes, and [`render`] shows its first part and says how much is
/// left. Embedded notes are cut at this size.
pub const RENDER_LIMIT: usize = 1 << 20;

/// Cuts `text` at the last line break before `limit`; returns the full length if it did.
fn cut_to_limit(text: &mut String, limit: usize) -> Option<usize> {
    if text.len() <= limit {
        return None;
    }
    let full = text.len();
    let mut at = limit;
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let at = text[..at].rfind('\n').map_or(at, |i| i + 1);
    text.truncate(at);
    Some(full)
}

impl Texts {
    /// Reads the text of `note` and of every note it embeds, to the embed depth limit. A note that
    /// cannot be read is rendered as empty.
    pub fn gather(vault: &Vault, graph: &Graph, note: usize) -> Texts {
        let mut text = vault.read_text(note).unwrap_or_default();
        let mut texts = Texts::default();
        if let Some(full) = cut_to_limit(&mut text, RENDER_LIMIT) {
            texts.cut.insert(note, full);
        }
        texts.map.insert(note, text);
        texts.gather_embeds(vault, graph, note, 0..usize::MAX);
        texts
    }

    /// The texts to render part `part` of `note`, whose whole text is `text` (already read): the
    /// part's own text and the notes embedded in it.
    pub fn gather_part(
        vault: &Vault,
        graph: &Graph,
        note: usize,
        text: &str,
        part: &Part,
    ) -> Texts {
        let mut texts = Texts::default();
        let start = floor_boundary(text, part.bytes.start);
        let end = floor_boundary(text, part.bytes.end).max(start);
        // A part cut inside a long code block or comment opens it again: the text put before the
        // part stands for bytes of the same block, where no link or heading can be.
        let reopen = part
            .reopen
            .as_deref()
            .filter(|r| r.len() <= start)
            .unwrap_or("");
        let lines_before = reopen.matches('\n').count();
        texts
            .map
            .insert(note, format!("{reopen}{}", &text[start..end]));
        texts.part = Some((
            note,
            start - reopen.len(),
            part.first_line.saturating_sub(lines_before).max(1),
        ));
        texts.gather_embeds(vault, graph, note, start..end);
        texts
    }

    /// Reads the notes embedded by the links of `note` that start in `within`, and theirs, to the
    /// embed depth limit.
    fn gather_embeds(&mut self, vault: &Vault, graph: &Graph, note: usize, within: Range<usize>) {
        let embeds = |n: usize, within: &Range<usize>| -> Vec<usize> {
            vault.notes[n]
                .parsed
                .links
                .iter()
                .zip(&graph.resolutions[n])
                .filter(|(l, _)| l.syntax.is_embed() && within.contains(&l.range.start))
                .filter_map(|(_, res)| res.note())
                .collect()
        };
        let mut level = embeds(note, &within);
        for _ in 1..=MAX_EMBED_DEPTH {
            let mut next = Vec::new();
            for n in level {
                if self.map.contains_key(&n) || self.map.len() > MAX_EMBEDS {
                    continue;
                }
                let mut text = vault.read_text(n).unwrap_or_default();
                if let Some(full) = cut_to_limit(&mut text, RENDER_LIMIT) {
                    self.cut.insert(n, full);
                }
                self.map.insert(n, text);
                next.extend(embeds(n, &(0..usize::MAX)));
            }
            level = next;
        }
    }

    /// Texts given directly, by note index (for tests and tools that already hold them).
    pub fn from_map(mut map: HashMap<usize, String>) -> Texts {
        let mut cut = HashMap::new();
        for (n, text) in &mut map {
            if let Some(full) = cut_to_limit(text, RENDER_LIMIT) {
                cut.insert(*n, full);
            }
        }
        Texts {
            map,
            cut,
            part: None,
        }
    }

    /// The text of a note, or `""` if it was not gathered.
    pub fn get(&self, note: usize) -> &str {
        self.map.get(&note).map_or("", String::as_str)
    }

    /// Where the text [`Texts::get`] gives for `note` starts in its file: the byte offset and the
    /// 1-based line. `(0, 1)` unless one part of the note is being rendered.
    fn origin(&self, note: usize) -> (usize, usize) {
        match self.part {
            Some((n, offset, line)) if n == note => (offset, line),
            _ => (0, 1),
        }
    }
}

/// The largest char boundary of `text` at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Renders note `note` of `vault`, reading its text (and its embeds') first. A note larger than
/// [`RENDER_LIMIT`] is rendered up to its first MiB, with a line saying how much more there is: the
/// browser and `engram show` go through [`Parts`] instead.
pub fn render(vault: &Vault, graph: &Graph, note: usize, opts: &RenderOptions) -> Rendered {
    let texts = Texts::gather(vault, graph, note);
    render_texts(vault, graph, &texts, note, opts)
}

/// The parts of `note` when it is too large to render whole (more than [`RENDER_LIMIT`] bytes),
/// else `None`. Reads the note's text (once, and drops it).
pub fn split_note(vault: &Vault, note: usize) -> Option<Parts> {
    let n = vault.notes.get(note)?;
    if n.size <= RENDER_LIMIT as u64 {
        return None;
    }
    let text = vault.read_text(note).ok()?;
    (text.len() > RENDER_LIMIT).then(|| Parts::split(&text, PART_BYTES))
}

/// Renders parts `which` of a large note split into `parts`, reading its text once. A part the file
/// no longer holds (it changed on disk) renders as empty.
pub fn render_parts(
    vault: &Vault,
    graph: &Graph,
    note: usize,
    parts: &Parts,
    which: Range<usize>,
    opts: &RenderOptions,
) -> Vec<Rendered> {
    let text = vault.read_text(note).unwrap_or_default();
    which
        .filter_map(|i| parts.get(i))
        .map(|p| render_part(vault, graph, note, &text, p, opts))
        .collect()
}

/// Renders one part of a large note from its whole text: pure, no I/O besides the embeds.
pub fn render_part(
    vault: &Vault,
    graph: &Graph,
    note: usize,
    text: &str,
    part: &Part,
    opts: &RenderOptions,
) -> Rendered {
    let texts = Texts::gather_part(vault, graph, note, text, part);
    render_texts(vault, graph, &texts, note, opts)
}

/// Renders note `note` from texts already read: pure, no I/O.
pub fn render_texts(
    vault: &Vault,
    graph: &Graph,
    texts: &Texts,
    note: usize,
    opts: &RenderOptions,
) -> Rendered {
    let mut r = Renderer {
        vault,
        texts,
        graph,
        opts: *opts,
        out: Out::new(usize::from(opts.width.max(1))),
        main: note,
        heading_rows: vec![None; vault.notes[note].parsed.headings.len()],
        block_rows: vec![None; vault.notes[note].parsed.block_ids.len()],
        embed_stack: Vec::new(),
        embeds: 0,
    };
    // The properties belong above the body: with the first part of a large note only.
    if opts.show_properties && texts.origin(note).0 == 0 {
        r.properties(note);
    }
    r.document(note, Section::Whole, 0);
    if let Some(full) = texts.cut.get(&note) {
        let shown = texts.get(note).len();
        let cw = r.out.content_width();
        r.out.emit(Vec::new());
        r.out.emit(wrap::truncate(
            vec![Seg::plain(
                format!(
                    "… {} KB more not shown: this note is {} KB, engram renders its first {} KB",
                    (full - shown) >> 10,
                    full >> 10,
                    shown >> 10
                ),
                theme::DIM,
            )],
            cw,
        ));
    }
    r.finish()
}

/// The label a note or media embed is shown with (R26, R27): `note > Heading` for a note, the file
/// name for an image or other file. This is the text its anchor covers.
pub fn embed_label(link: &Link) -> String {
    if is_media(link.target()) || link.syntax == LinkSyntax::MarkdownEmbed && link.external {
        return file_name(link.target());
    }
    let mut parts: Vec<String> = Vec::new();
    if !link.target().is_empty() {
        parts.push(link.target().to_string());
    }
    match link.subpath.as_deref() {
        Some(Subpath::Heading(h)) => parts.extend(h.iter().cloned()),
        Some(Subpath::Block(b)) => parts.push(format!("^{b}")),
        None => {}
    }
    parts.join(" > ")
}

/// The last path segment of a target or URL, without query or fragment.
fn file_name(target: &str) -> String {
    let t = target.split(['?', '#']).next().unwrap_or(target);
    let t = t.trim_end_matches('/');
    let name = t.rsplit('/').next().unwrap_or(t);
    if name.is_empty() {
        target.to_string()
    } else {
        name.to_string()
    }
}

/// What kind of file a target names, by extension (R11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Media {
    Image,
    Audio,
    Video,
    Pdf,
    Other,
}

fn media_kind(target: &str) -> Option<Media> {
    let name = file_name(target);
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match ext.as_str() {
        "avif" | "bmp" | "gif" | "jpeg" | "jpg" | "png" | "svg" | "webp" => Media::Image,
        "flac" | "m4a" | "mp3" | "ogg" | "wav" | "3gp" => Media::Audio,
        "mkv" | "mov" | "mp4" | "ogv" | "webm" => Media::Video,
        "pdf" => Media::Pdf,
        "canvas" | "base" => Media::Other,
        "md" => return None,
        _ => Media::Other,
    })
}

fn is_media(target: &str) -> bool {
    media_kind(target).is_some()
}

/// The part of a note an embed shows (R26).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// The whole body.
    Whole,
    /// A heading and everything up to the next heading of the same or a higher level.
    Heading(usize),
    /// The block carrying a block id.
    Block(usize),
    /// The subpath names nothing in the note.
    Missing,
}

/// One prefix part of a container: text and style.
type Mark = (String, Style);

/// A block that puts a prefix in front of each of its rows: a quote bar, a list marker, an embed
/// frame.
#[derive(Debug)]
struct Container {
    /// The prefix of the first row.
    first: Vec<Mark>,
    /// The prefix of the other rows (same width as `first`).
    rest: Vec<Mark>,
    /// Whether the first row has been drawn.
    started: bool,
    /// The row the container started at.
    start_row: usize,
}

/// The rows being built, with the container stack and link anchors.
#[derive(Debug)]
struct Out {
    width: usize,
    lines: Vec<Line<'static>>,
    anchors: Vec<LinkAnchor>,
    stack: Vec<Container>,
    /// A blank row is owed before the next block.
    gap: bool,
    /// (source line, row) pairs of the rendered note itself.
    src_rows: Vec<(usize, usize)>,
    /// Whether rows being drawn come from the rendered note (not an embed).
    record_src: bool,
}

impl Out {
    fn new(width: usize) -> Self {
        Out {
            width,
            lines: Vec::new(),
            anchors: Vec::new(),
            stack: Vec::new(),
            gap: false,
            src_rows: Vec::new(),
            record_src: true,
        }
    }

    /// The widest prefix allowed: at least half the width stays for content.
    fn max_prefix(&self) -> usize {
        self.width - (self.width / 2).max(1)
    }

    fn prefix_width(&self) -> usize {
        let w: usize = self.stack[..self.stack.len().min(MAX_NESTING)]
            .iter()
            .map(|c| c.rest.iter().map(|(t, _)| str_width(t)).sum::<usize>())
            .sum();
        let mark = if self.stack.len() > MAX_NESTING {
            str_width(NESTING_MARK)
        } else {
            0
        };
        (w + mark).min(self.max_prefix())
    }

    /// The cells left for content after the prefixes.
    fn content_width(&self) -> usize {
        (self.width - self.prefix_width()).max(1)
    }

    fn has_content(&self) -> bool {
        match self.stack.last() {
            Some(c) => self.lines.len() > c.start_row,
            None => !self.lines.is_empty(),
        }
    }

    /// The row the next block will start on.
    fn next_row(&self) -> usize {
        self.lines.len() + usize::from(self.gap && self.has_content())
    }

    /// Draws the blank row owed between blocks, if any.
    fn flush_gap(&mut self) {
        if std::mem::take(&mut self.gap) && self.has_content() {
            let prefix = self.prefix(true);
            let mut spans: Vec<Span<'static>> = prefix;
            while let Some(last) = spans.last_mut() {
                let trimmed = last.content.trim_end().to_string();
                if trimmed.is_empty() {
                    spans.pop();
                } else {
                    last.content = trimmed.into();
                    break;
                }
            }
            self.lines.push(Line::from(spans));
        }
    }

    /// The prefix spans for the next row; `blank` rows do not use up first-row markers.
    fn prefix(&mut self, blank: bool) -> Vec<Span<'static>> {
        let cap = self.max_prefix();
        let mut col = 0;
        let mut spans = Vec::new();
        let depth = self.stack.len().min(MAX_NESTING);
        for c in &mut self.stack[..depth] {
            let parts = if c.started || blank {
                &c.rest
            } else {
                &c.first
            };
            for (text, style) in parts {
                let w = str_width(text);
                if col + w <= cap {
                    spans.push(Span::styled(text.clone(), *style));
                    col += w;
                } else if col < cap {
                    let cut = wrap::truncate(vec![Seg::plain(text.clone(), *style)], cap - col);
                    for s in cut {
                        col += s.width;
                        spans.push(Span::styled(s.text, s.style));
                    }
                }
            }
            if !blank {
                c.started = true;
            }
        }
        if !blank {
            for c in &mut self.stack[depth..] {
                c.started = true;
            }
        }
        // Deeper containers add no indentation; a mark says the nesting goes on.
        if self.stack.len() > depth && col + str_width(NESTING_MARK) <= cap {
            spans.push(Span::styled(NESTING_MARK, theme::DIM));
        }
        spans
    }

    fn push_container(&mut self, first: Vec<Mark>, rest: Vec<Mark>) {
        self.flush_gap();
        self.stack.push(Container {
            first,
            rest,
            started: false,
            start_row: self.lines.len(),
        });
    }

    fn pop_container(&mut self) {
        self.stack.pop();
    }

    /// Draws one row of content (already fitted to [`Out::content_width`]) behind the prefixes.
    fn emit(&mut self, segs: Vec<Seg>) -> usize {
        self.flush_gap();
        let row = self.lines.len();
        let mut spans = self.prefix(false);
        let mut col: usize = spans.iter().map(|s| str_width(&s.content)).sum();
        let segs = wrap::truncate(segs, self.width.saturating_sub(col));
        let mut text = String::new();
        let mut style: Option<Style> = None;
        let mut last_src = 0;
        for s in segs {
            if self.record_src && s.src > 0 && s.src != last_src {
                self.src_rows.push((s.src, row));
                last_src = s.src;
            }
            // A zero-width segment draws nothing, so there is nothing to click or highlight.
            if let Some(link) = s.link.filter(|_| s.width > 0) {
                let start = col as u16;
                let end = (col + s.width) as u16;
                match self.anchors.last_mut() {
                    Some(a) if a.row == row && a.link == link && a.cols.end == start => {
                        a.cols.end = end;
                    }
                    _ => self.anchors.push(LinkAnchor {
                        row,
                        cols: start..end,
                        link,
                    }),
                }
            }
            col += s.width;
            if style != Some(s.style) {
                if let Some(st) = style {
                    spans.push(Span::styled(std::mem::take(&mut text), st));
                }
                style = Some(s.style);
            }
            text.push_str(wrap::unjoined(&text, &s.text));
        }
        if let Some(st) = style {
            if !text.is_empty() {
                spans.push(Span::styled(text, st));
            }
        }
        self.lines.push(Line::from(spans));
        row
    }

    /// Draws rows; returns the first one's index.
    fn emit_lines(&mut self, lines: Vec<Vec<Seg>>) -> Option<usize> {
        let mut first = None;
        for l in lines {
            let row = self.emit(l);
            first.get_or_insert(row);
        }
        first
    }
}

/// The state of one rendering.
struct Renderer<'v> {
    vault: &'v Vault,
    texts: &'v Texts,
    graph: &'v Graph,
    opts: RenderOptions,
    out: Out,
    /// The note being rendered.
    main: usize,
    heading_rows: Vec<Option<usize>>,
    block_rows: Vec<Option<usize>>,
    /// The notes (and sections) being transcluded, outermost first: cycles are cut against it.
    embed_stack: Vec<(usize, Section)>,
    /// How many notes have been transcluded so far.
    embeds: usize,
}

impl Renderer<'_> {
    /// The style of a link, by how it resolved.
    fn link_style(&self, link: LinkRef) -> Style {
        match self
            .graph
            .resolutions
            .get(link.note)
            .and_then(|r| r.get(link.link))
        {
            Some(Resolution::Note {
                via_alias: true, ..
            }) => theme::LINK_ALIAS,
            Some(Resolution::Note { .. } | Resolution::Attachment(_)) => theme::LINK,
            Some(Resolution::External) => theme::LINK_EXTERNAL,
            Some(Resolution::Unresolved) | None => theme::LINK_UNRESOLVED,
        }
    }

    fn resolution(&self, link: LinkRef) -> Resolution {
        self.graph
            .resolutions
            .get(link.note)
            .and_then(|r| r.get(link.link))
            .copied()
            .unwrap_or(Resolution::Unresolved)
    }

    /// The frontmatter as a compact block: title, then each property (R30–R36).
    fn properties(&mut self, note: usize) {
        let n = &self.vault.notes[note];
        if n.properties.is_empty() {
            return;
        }
        let cw = self.out.content_width();
        let title = vec![Piece::text(sanitize(&n.title), theme::PROPS_TITLE, None, 0)];
        self.out.emit_lines(wrap::wrap(&title, cw));
        let shown: Vec<&(String, String)> = n
            .properties
            .iter()
            .filter(|(k, _)| !k.eq_ignore_ascii_case("title"))
            .collect();
        let key_w = shown
            .iter()
            .map(|(k, _)| str_width(&sanitize(k)))
            .max()
            .unwrap_or(0)
            .min(16);
        let mut used = vec![false; n.parsed.links.len()];
        for (key, value) in shown {
            let pieces = self.property_value(note, key, value, &mut used);
            let key = sanitize(key);
            let inline = cw >= key_w + 2 + 10;
            let value_w = if inline {
                cw - key_w - 2
            } else {
                cw.saturating_sub(2).max(1)
            };
            let lines = wrap::wrap(&pieces, value_w);
            let key_seg = wrap::truncate(
                vec![Seg::plain(key, theme::PROPS_KEY)],
                key_w.max(1).min(cw),
            );
            let key_used: usize = key_seg.iter().map(|s| s.width).sum();
            if inline {
                let mut first = key_seg;
                first.push(Seg::plain(
                    " ".repeat(key_w - key_used.min(key_w) + 2),
                    theme::TEXT,
                ));
                let mut lines = lines.into_iter();
                first.extend(lines.next().unwrap_or_default());
                self.out.emit(first);
                for l in lines {
                    let mut row = vec![Seg::plain(" ".repeat(key_w + 2), theme::TEXT)];
                    row.extend(l);
                    self.out.emit(row);
                }
            } else {
                self.out.emit(key_seg);
                for l in lines {
                    let mut row = vec![Seg::plain("  ", theme::TEXT)];
                    row.extend(l);
                    self.out.emit(row);
                }
            }
        }
        self.out
            .emit(vec![Seg::plain("─".repeat(cw), theme::PROPS_FRAME)]);
        self.out.gap = true;
    }

    /// A property value as pieces: tags as `#tag`, `[[links]]` as links (R7).
    fn property_value(&self, note: usize, key: &str, value: &str, used: &mut [bool]) -> Vec<Piece> {
        let n = &self.vault.notes[note];
        let key_l = key.to_ascii_lowercase();
        if key_l == "tags" || key_l == "tag" {
            let mut out = Vec::new();
            for (i, t) in value
                .split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .enumerate()
            {
                if i > 0 {
                    out.push(Piece::literal(" ", theme::PROPS_VALUE, 0));
                }
                let t = t.trim_start_matches('#');
                out.push(Piece::literal(format!("#{}", sanitize(t)), theme::TAG, 0));
            }
            return out;
        }
        let mut out = Vec::new();
        let mut rest = value;
        while let Some(open) = rest.find("[[") {
            let Some(close) = rest[open..].find("]]").map(|c| open + c) else {
                break;
            };
            if open > 0 {
                out.push(Piece::text(
                    sanitize(&rest[..open]),
                    theme::PROPS_VALUE,
                    None,
                    0,
                ));
            }
            let whole = &rest[open..close + 2];
            let inner = &rest[open + 2..close];
            let found = n.parsed.links.iter().enumerate().position(|(j, l)| {
                !used[j]
                    && l.syntax == LinkSyntax::Property
                    && self.texts.get(note).get(l.range.clone()) == Some(whole)
            });
            match found {
                Some(j) => {
                    used[j] = true;
                    let lref = LinkRef { note, link: j };
                    let text = sanitize(&n.parsed.links[j].shown_text());
                    out.push(Piece::text(text, self.link_style(lref), Some(lref), 0));
                }
                None => {
                    let shown = inner.rsplit('|').next().unwrap_or(inner).trim();
                    out.push(Piece::text(sanitize(shown), theme::PROPS_VALUE, None, 0));
                }
            }
            rest = &rest[close + 2..];
        }
        if !rest.is_empty() {
            out.push(Piece::text(sanitize(rest), theme::PROPS_VALUE, None, 0));
        }
        out
    }

    /// Renders a note's body, or a section of it, at the current position.
    fn document(&mut self, note: usize, section: Section, depth: usize) {
        self.embed_stack.push((note, section));
        let saved = self.out.record_src;
        self.out.record_src = depth == 0;
        walk::document(self, note, section, depth);
        self.out.record_src = saved;
        self.embed_stack.pop();
    }

    /// Whether an embed would repeat a note (section) that is already being shown.
    fn is_cycle(&self, note: usize, section: Section) -> bool {
        self.embed_stack
            .iter()
            .any(|(n, s)| *n == note && *s == section)
    }

    fn finish(mut self) -> Rendered {
        let mut src = std::mem::take(&mut self.out.src_rows);
        src.sort_unstable();
        let mut line_rows: Vec<(usize, usize)> = Vec::with_capacity(src.len());
        for (line, row) in src {
            match line_rows.last() {
                Some((l, _)) if *l == line => {}
                Some((_, r)) if *r > row => {}
                _ => line_rows.push((line, row)),
            }
        }
        let mut out = Rendered {
            lines: self.out.lines,
            anchors: self.out.anchors,
            heading_rows: Vec::new(),
            block_rows: Vec::new(),
            line_rows,
        };
        out.anchors
            .sort_by_key(|a| (a.row, a.cols.start, a.cols.end));
        let n = &self.vault.notes[self.main];
        // A heading or block that drew nothing at the very end (an empty `#`) was given the row
        // the next block would have had; keep every row inside the rendering.
        let last = out.lines.len().saturating_sub(1);
        out.heading_rows = self
            .heading_rows
            .iter()
            .zip(&n.parsed.headings)
            .map(|(r, h)| r.unwrap_or_else(|| out.row_of_line(h.line)).min(last))
            .collect();
        out.block_rows = self
            .block_rows
            .iter()
            .zip(&n.parsed.block_ids)
            .map(|(r, b)| r.unwrap_or_else(|| out.row_of_line(b.line)).min(last))
            .collect();
        out
    }
}
