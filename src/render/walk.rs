//! Walks the pulldown-cmark events of one note (or one section of it, for an embed) and draws its
//! blocks: paragraphs and headings through the wrapper, containers through [`Out`]'s prefix stack,
//! tables, code, embeds and the footnote section.
//!
//! The walk is a loop over a flat event list, never a recursion per nesting level, so notes nested
//! thousands of levels deep cannot overflow the stack. Only note embeds recurse, and they stop at
//! [`MAX_EMBED_DEPTH`].

use std::collections::HashMap;
use std::ops::Range;

use pulldown_cmark::{
    Alignment, CodeBlockKind, Event, LinkType, Parser, Tag, TagEnd, TextMergeWithOffset,
};
use ratatui::style::Style;

use super::callout::{self, CalloutHead};
use super::highlight::highlight;
use super::wrap::{self, sanitize, Piece, PieceKind, Seg};
use super::{
    embed_label, file_name, inline, media_kind, table, Media, Renderer, Section, MAX_EMBEDS,
    MAX_EMBED_DEPTH,
};
use crate::graph::{Anchor, LinkRef, Resolution};
use crate::markdown::{self, LineIndex, Link};
use crate::theme;
use crate::vault::Note;

/// An event with its byte range in the parsed body.
type Ev<'a> = (Event<'a>, Range<usize>);

/// List bullets by nesting level.
const BULLETS: [&str; 4] = ["•", "◦", "▪", "▫"];

/// Renders `note` (or a section of it) into `r` at the current position.
pub(super) fn document(r: &mut Renderer<'_>, note: usize, section: Section, depth: usize) {
    let vault = r.vault;
    let n = &vault.notes[note];
    let text = r.texts.get(note);
    // One part of a large note: `text` starts at `origin` in the file, on line `first_line`.
    let (origin, first_line) = r.texts.origin(note);
    let prepared = markdown::prepare(text, true);
    let local = n.body_start.saturating_sub(origin).min(prepared.len());
    let body = prepared.get(local..).unwrap_or("");
    let base = origin + local;
    let events: Vec<Ev<'_>> =
        TextMergeWithOffset::new(Parser::new_ext(body, markdown::options()).into_offset_iter())
            .collect();
    let mut doc = Doc {
        note,
        n,
        base,
        depth,
        main: depth == 0 && note == r.main,
        local,
        first_line,
        lines: LineIndex::new(text),
        notes: Footnotes::scan(&events),
    };
    let Some((from, to)) = select(&events, section, n, base) else {
        let cw = r.out.content_width();
        r.out.emit(wrap::truncate(
            vec![Seg::plain("(section not found)", theme::DIM)],
            cw,
        ));
        return;
    };
    let mut w = Walker::new(&events, r.opts.strict_line_breaks);
    w.run(r, &mut doc, from, to);
    w.flush(r, &mut doc);
    footnote_section(r, &mut doc, &events);
}

/// The note being walked.
struct Doc<'v> {
    note: usize,
    n: &'v Note,
    /// Where the parsed body starts in the note's file text (link and heading ranges count from there).
    base: usize,
    /// Embed depth: 0 for the rendered note.
    depth: usize,
    /// Whether this is the rendered note itself (its heading and block rows are recorded).
    main: bool,
    /// Where the parsed body starts in the text walked (`base` less the part's origin).
    local: usize,
    /// The file line the text walked starts on (1 unless it is one part of a large note).
    first_line: usize,
    lines: LineIndex,
    notes: Footnotes,
}

impl Doc<'_> {
    /// The 1-based line of a body offset.
    fn line(&self, rel: usize) -> usize {
        self.lines.line(rel + self.local) + self.first_line - 1
    }

    /// The link of the note that starts at a body offset (R55: ranges match `parsed.links`).
    fn link_at(&self, rel: usize) -> Option<usize> {
        let at = rel + self.base;
        let links = &self.n.parsed.links;
        let i = links.partition_point(|l| l.range.start < at);
        links
            .get(i)
            .filter(|l| l.range.start == at && l.syntax != markdown::LinkSyntax::Property)
            .map(|_| i)
    }

    /// The heading of the note that starts at a body offset.
    fn heading_at(&self, rel: usize) -> Option<usize> {
        let at = rel + self.base;
        let hs = &self.n.parsed.headings;
        let i = hs.partition_point(|h| h.range.start < at);
        hs.get(i).filter(|h| h.range.start == at).map(|_| i)
    }

    /// The block ids whose marker lies inside a body range.
    fn block_ids_in(&self, range: &Range<usize>) -> Range<usize> {
        let (s, e) = (range.start + self.base, range.end + self.base);
        let ids = &self.n.parsed.block_ids;
        let lo = ids.partition_point(|b| b.range.start < s);
        let hi = ids.partition_point(|b| b.range.start < e);
        lo..hi.max(lo)
    }
}

/// A footnote's content.
enum FootBody {
    /// A `[^label]: ...` definition, by lowercased label.
    Label(String),
    /// An inline `^[...]` footnote's pieces.
    Inline(Vec<Piece>),
    /// Already drawn.
    Done,
}

/// The footnotes of one note, numbered in order of first reference (R48).
#[derive(Default)]
struct Footnotes {
    /// Lowercased label → event indices of its definition's start and end.
    defs: HashMap<String, (usize, usize)>,
    numbers: HashMap<String, usize>,
    order: Vec<FootBody>,
}

impl Footnotes {
    fn scan(events: &[Ev<'_>]) -> Self {
        let mut f = Footnotes::default();
        for (i, (ev, _)) in events.iter().enumerate() {
            if let Event::Start(Tag::FootnoteDefinition(label)) = ev {
                f.defs
                    .entry(label.to_lowercase())
                    .or_insert((i, matching_end(events, i)));
            }
        }
        f
    }

    fn reference(&mut self, label: &str) -> usize {
        let key = label.to_lowercase();
        if let Some(n) = self.numbers.get(&key) {
            return *n;
        }
        self.order.push(FootBody::Label(key.clone()));
        self.numbers.insert(key, self.order.len());
        self.order.len()
    }

    fn add_inline(&mut self, pieces: Vec<Piece>) -> usize {
        self.order.push(FootBody::Inline(pieces));
        self.order.len()
    }
}

/// The index of the `End` event matching the `Start` at `i`.
fn matching_end(events: &[Ev<'_>], i: usize) -> usize {
    let mut depth = 0usize;
    for (k, (ev, _)) in events.iter().enumerate().skip(i) {
        match ev {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
        if depth == 0 {
            return k;
        }
    }
    events.len().saturating_sub(1)
}

/// The event range an embed shows (R26): the whole body, a heading's section (up to the next heading
/// of the same or a higher level) or the block carrying a block id. `None` when it is not there.
fn select(events: &[Ev<'_>], section: Section, n: &Note, base: usize) -> Option<(usize, usize)> {
    match section {
        Section::Whole => Some((0, events.len())),
        Section::Missing => None,
        Section::Heading(h) => {
            let hd = n.parsed.headings.get(h)?;
            let rel = hd.range.start.checked_sub(base)?;
            let mut depth = 0usize;
            let mut start = None;
            for (k, (ev, range)) in events.iter().enumerate() {
                if let (Event::Start(Tag::Heading { level, .. }), 0) = (ev, depth) {
                    match start {
                        Some(s) if (*level as u8) <= hd.level => return Some((s, k)),
                        None if range.start == rel => start = Some(k),
                        _ => {}
                    }
                }
                match ev {
                    Event::Start(_) => depth += 1,
                    Event::End(_) => depth = depth.saturating_sub(1),
                    _ => {}
                }
            }
            start.map(|s| (s, events.len()))
        }
        Section::Block(b) => {
            let id = n.parsed.block_ids.get(b)?;
            let rel = id.range.start.checked_sub(base)?;
            let mut blocks: Vec<(usize, usize)> = Vec::new();
            let mut k = 0;
            while k < events.len() {
                let e = match events[k].0 {
                    Event::Start(_) => matching_end(events, k),
                    _ => k,
                };
                blocks.push((k, e));
                k = e + 1;
            }
            let pos = blocks.iter().position(|(s, e)| {
                let start = events[*s].1.start;
                let end = events[*e].1.end.max(events[*s].1.end);
                start <= rel && rel < end
            })?;
            let (s, e) = blocks[pos];
            if matches!(events[s].0, Event::Start(Tag::Paragraph)) && pos > 0 {
                let text: String = events[s..e]
                    .iter()
                    .filter_map(|(ev, _)| match ev {
                        Event::Text(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                if text.trim() == format!("^{}", id.id) {
                    let (ps, pe) = blocks[pos - 1];
                    return Some((ps, pe + 1));
                }
            }
            if matches!(events[s].0, Event::Start(Tag::List(_))) {
                let item = (s..e).rev().find(|&k| {
                    matches!(events[k].0, Event::Start(Tag::Item)) && events[k].1.contains(&rel)
                });
                if let Some(k) = item {
                    return Some((k, matching_end(events, k) + 1));
                }
            }
            Some((s, e + 1))
        }
    }
}

/// Draws the footnote section at the end of a note: each referenced footnote, numbered (R48).
fn footnote_section(r: &mut Renderer<'_>, doc: &mut Doc<'_>, events: &[Ev<'_>]) {
    if doc.notes.order.is_empty() {
        return;
    }
    r.out.gap = true;
    // The section sits after the body: its rows would break `line_rows`' ascending order.
    let record = std::mem::replace(&mut r.out.record_src, false);
    let cw = r.out.content_width();
    r.out
        .emit(vec![Seg::plain("─".repeat(cw.min(24)), theme::RULE)]);
    let mut k = 0;
    while k < doc.notes.order.len() {
        let marker = format!("{}. ", k + 1);
        let w = marker.len();
        r.out.push_container(
            vec![(marker, theme::FOOTNOTE)],
            vec![(" ".repeat(w), theme::TEXT)],
        );
        let before = r.out.lines.len();
        let body = std::mem::replace(&mut doc.notes.order[k], FootBody::Done);
        let mut walker = Walker::new(events, r.opts.strict_line_breaks);
        match body {
            FootBody::Label(label) => match doc.notes.defs.get(&label).copied() {
                Some((a, b)) => walker.run(r, doc, a + 1, b),
                None => walker.pieces.push(Piece::literal(
                    format!("^{}", sanitize(&label)),
                    theme::DIM,
                    0,
                )),
            },
            FootBody::Inline(pieces) => walker.pieces = pieces,
            FootBody::Done => {}
        }
        walker.flush(r, doc);
        if r.out.lines.len() == before {
            r.out.emit(Vec::new());
        }
        r.out.pop_container();
        r.out.gap = false;
        k += 1;
    }
    r.out.gap = true;
    r.out.record_src = record;
}

/// The block the walker is inside.
enum Block {
    List { next: Option<u64>, loose: bool },
    Item { loose: bool, done: bool },
    Other,
}

/// A table being collected.
struct TableState {
    aligns: Vec<Alignment>,
    rows: Vec<Vec<Vec<Piece>>>,
    row: Vec<Vec<Piece>>,
    header_rows: usize,
    in_head: bool,
}

/// A code block being collected.
struct CodeState {
    lang: Option<String>,
    text: String,
    /// Line of the opening fence (or of the first line of an indented block).
    fence: usize,
    /// Line of the first code line.
    first: usize,
}

/// An open link: the link, where its pieces start, its style and line.
#[derive(Clone, Copy)]
struct OpenLink {
    link: LinkRef,
    start: usize,
    style: Style,
    src: usize,
}

/// The walker's state between events.
struct Walker<'a> {
    events: &'a [Ev<'a>],
    strict: bool,
    /// Inline content of the block being read.
    pieces: Vec<Piece>,
    /// Style stack (emphasis, links, done tasks); the top is the current style.
    styles: Vec<Style>,
    /// Open inline HTML elements and their styles.
    html: Vec<(String, Style)>,
    /// Open links; `None` for a link the link parser did not keep (its text is shown plain).
    links: Vec<Option<OpenLink>>,
    blocks: Vec<Block>,
    /// How many lists are open (for the bullet of each level).
    list_depth: usize,
    /// Rows where the open blocks start.
    starts: Vec<usize>,
    /// Start row of the block that ended last (a block id on its own line belongs to it, R22).
    prev_block_row: Option<usize>,
    /// Block ids hidden from the block being read.
    pending_ids: Vec<usize>,
    /// A callout whose title is being read.
    callout: Option<CalloutHead>,
    /// (event index, bytes): syntax to drop from the start of a text event (callout or task marker).
    strip: Option<(usize, usize)>,
    table: Option<TableState>,
    code: Option<CodeState>,
    html_block: Option<(String, usize)>,
    heading: Option<(u8, Option<usize>)>,
}

impl<'a> Walker<'a> {
    fn new(events: &'a [Ev<'a>], strict: bool) -> Self {
        Walker {
            events,
            strict,
            pieces: Vec::new(),
            styles: vec![theme::TEXT],
            html: Vec::new(),
            links: Vec::new(),
            blocks: Vec::new(),
            list_depth: 0,
            starts: Vec::new(),
            prev_block_row: None,
            pending_ids: Vec::new(),
            callout: None,
            strip: None,
            table: None,
            code: None,
            html_block: None,
            heading: None,
        }
    }

    /// The style for new text.
    fn style(&self) -> Style {
        let mut s = self.styles.last().copied().unwrap_or(theme::TEXT);
        for (_, h) in &self.html {
            s = s.patch(*h);
        }
        s
    }

    fn push_style(&mut self, over: Style) {
        let top = self.styles.last().copied().unwrap_or(theme::TEXT);
        self.styles.push(top.patch(over));
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    /// The link new text belongs to.
    fn link(&self) -> Option<LinkRef> {
        self.links.iter().rev().find_map(|l| l.map(|o| o.link))
    }

    fn push(&mut self, p: Piece) {
        if p.text.is_empty() && !p.is_break() {
            return;
        }
        self.pieces.push(p);
    }

    fn push_break(&mut self, kind: PieceKind) {
        match (self.pieces.last_mut(), kind) {
            (None, _) => {}
            (Some(last), PieceKind::Break) if last.kind == PieceKind::AutoBreak => {
                last.kind = PieceKind::Break;
            }
            (Some(last), PieceKind::AutoBreak) if last.is_break() => {}
            _ => self.pieces.push(Piece::brk(kind)),
        }
    }

    fn open_block(&mut self, r: &Renderer<'_>) {
        self.starts.push(r.out.next_row());
    }

    fn close_block(&mut self) {
        if let Some(s) = self.starts.pop() {
            self.prev_block_row = Some(s);
        }
    }

    fn run(&mut self, r: &mut Renderer<'_>, doc: &mut Doc<'_>, from: usize, to: usize) {
        let events = self.events;
        let mut i = from;
        while i < to.min(events.len()) {
            let (ev, range) = &events[i];
            match ev {
                Event::Start(tag) => i = self.start(r, doc, i, tag, range),
                Event::End(tag) => self.end(r, doc, *tag),
                Event::Text(t) => self.text(doc, i, t, range),
                Event::Code(t) => {
                    let style = self.style().patch(theme::CODE_INLINE);
                    self.push(Piece {
                        text: sanitize(t),
                        style,
                        link: self.link(),
                        src: doc.line(range.start),
                        kind: PieceKind::Literal,
                    });
                }
                Event::InlineMath(t) => {
                    let style = self.style().patch(theme::MATH);
                    self.push(Piece {
                        text: sanitize(t),
                        style,
                        link: self.link(),
                        src: doc.line(range.start),
                        kind: PieceKind::Literal,
                    });
                }
                Event::DisplayMath(t) => {
                    let style = self.style().patch(theme::MATH);
                    let src = doc.line(range.start);
                    self.push_break(PieceKind::AutoBreak);
                    let mut first = true;
                    for line in t.lines().map(str::trim).filter(|l| !l.is_empty()) {
                        if !first {
                            self.push_break(PieceKind::Break);
                        }
                        first = false;
                        self.push(Piece::literal(sanitize(line), style, src));
                    }
                    self.push_break(PieceKind::AutoBreak);
                }
                Event::Html(t) => match &mut self.html_block {
                    Some((raw, _)) => raw.push_str(t),
                    None => self.inline_html(t),
                },
                Event::InlineHtml(t) => self.inline_html(t),
                Event::FootnoteReference(label) => {
                    let n = doc.notes.reference(label);
                    let style = self.style().patch(theme::FOOTNOTE);
                    self.push(Piece::literal(
                        format!("[{n}]"),
                        style,
                        doc.line(range.start),
                    ));
                }
                Event::SoftBreak | Event::HardBreak => {
                    if self.callout.is_some() {
                        self.callout_title(r, doc);
                    } else if self.strict && matches!(ev, Event::SoftBreak) {
                        let p = Piece::text(" ", self.style(), self.link(), 0);
                        self.push(p);
                    } else {
                        self.push_break(PieceKind::Break);
                    }
                }
                Event::Rule => {
                    self.flush(r, doc);
                    let cw = r.out.content_width();
                    let mut seg = Seg::plain("─".repeat(cw), theme::RULE);
                    seg.src = doc.line(range.start);
                    let row = r.out.emit(vec![seg]);
                    self.prev_block_row = Some(row);
                    r.out.gap = true;
                }
                Event::TaskListMarker(_) => {}
            }
            i += 1;
        }
    }

    /// Handles a `Start` event; returns the index of the last event it consumed.
    fn start(
        &mut self,
        r: &mut Renderer<'_>,
        doc: &mut Doc<'_>,
        i: usize,
        tag: &Tag<'_>,
        range: &Range<usize>,
    ) -> usize {
        match tag {
            Tag::Paragraph => self.open_block(r),
            Tag::Heading { level, .. } => {
                self.flush(r, doc);
                self.open_block(r);
                let idx = if doc.main {
                    doc.heading_at(range.start)
                } else {
                    None
                };
                self.heading = Some((*level as u8, idx));
            }
            Tag::BlockQuote(_) => {
                self.flush(r, doc);
                self.open_block(r);
                self.quote(r, i);
            }
            Tag::CodeBlock(kind) => {
                self.flush(r, doc);
                self.open_block(r);
                let line = doc.line(range.start);
                let (lang, first) = match kind {
                    CodeBlockKind::Fenced(info) => {
                        (info.split_whitespace().next().map(str::to_string), line + 1)
                    }
                    CodeBlockKind::Indented => (None, line),
                };
                self.code = Some(CodeState {
                    lang,
                    text: String::new(),
                    fence: line,
                    first,
                });
            }
            Tag::HtmlBlock => {
                self.flush(r, doc);
                self.open_block(r);
                self.html_block = Some((String::new(), doc.line(range.start)));
            }
            Tag::List(start) => {
                self.flush(r, doc);
                self.open_block(r);
                let loose = self.list_is_loose(i);
                self.list_depth += 1;
                self.blocks.push(Block::List {
                    next: *start,
                    loose,
                });
            }
            Tag::Item => {
                self.flush(r, doc);
                self.open_block(r);
                self.item(r, i);
            }
            Tag::Table(aligns) => {
                self.flush(r, doc);
                self.open_block(r);
                self.table = Some(TableState {
                    aligns: aligns.clone(),
                    rows: Vec::new(),
                    row: Vec::new(),
                    header_rows: 0,
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                    t.row.clear();
                }
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.row.clear();
                }
            }
            Tag::TableCell => self.pieces.clear(),
            Tag::Emphasis => self.push_style(theme::EMPHASIS),
            Tag::Strong => self.push_style(theme::STRONG),
            Tag::Strikethrough => self.push_style(theme::STRIKETHROUGH),
            Tag::Superscript | Tag::Subscript => self.push_style(Style::new()),
            Tag::Link { link_type, .. } => return self.link_start(r, doc, i, *link_type, range),
            Tag::Image { dest_url, .. } => {
                let end = matching_end(self.events, i);
                self.image(r, doc, range, dest_url);
                return end;
            }
            Tag::FootnoteDefinition(_) | Tag::MetadataBlock(_) => {
                // Definitions are drawn in the footnote section; metadata is the properties block.
                return matching_end(self.events, i);
            }
            Tag::DefinitionList | Tag::DefinitionListTitle | Tag::DefinitionListDefinition => {
                self.flush(r, doc);
                self.open_block(r);
            }
        }
        i
    }

    fn end(&mut self, r: &mut Renderer<'_>, doc: &mut Doc<'_>, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => {
                if self.callout.is_some() {
                    self.callout_title(r, doc);
                } else {
                    self.flush(r, doc);
                    r.out.gap = true;
                }
                self.close_block();
            }
            TagEnd::Heading(_) => {
                self.emit_heading(r, doc);
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::BlockQuote(_) => {
                if self.callout.is_some() {
                    self.callout_title(r, doc);
                }
                self.flush(r, doc);
                r.out.pop_container();
                self.blocks.pop();
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    emit_code(r, code);
                }
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::HtmlBlock => {
                if let Some((raw, src)) = self.html_block.take() {
                    let pieces = html_block_pieces(&raw, src);
                    let lines = wrap::wrap(&pieces, r.out.content_width());
                    self.emit_lines(r, lines);
                }
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::List(_) => {
                self.flush(r, doc);
                self.blocks.pop();
                self.list_depth = self.list_depth.saturating_sub(1);
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::Item => {
                self.flush(r, doc);
                r.out.pop_container();
                if let Some(Block::Item { loose, done }) = self.blocks.pop() {
                    if done {
                        self.pop_style();
                    }
                    r.out.gap = loose;
                }
                self.close_block();
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    let lines =
                        table::layout(&t.rows, t.header_rows, &t.aligns, r.out.content_width());
                    self.emit_lines(r, lines);
                }
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                    t.header_rows = t.rows.len();
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::TableCell => {
                let pieces = std::mem::take(&mut self.pieces);
                self.html.clear();
                let mut cell = passes(doc, pieces);
                if let Some(t) = &mut self.table {
                    if t.in_head {
                        for p in &mut cell {
                            p.style = p.style.patch(theme::TABLE_HEADER);
                        }
                    }
                    t.row.push(cell);
                }
            }
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript => self.pop_style(),
            TagEnd::Link => self.link_end(doc),
            TagEnd::DefinitionListTitle | TagEnd::DefinitionListDefinition => {
                self.flush(r, doc);
                r.out.gap = true;
                self.close_block();
            }
            TagEnd::DefinitionList => self.close_block(),
            TagEnd::Image | TagEnd::FootnoteDefinition | TagEnd::MetadataBlock(_) => {}
        }
    }

    /// A text event: code block text, or prose with hidden syntax removed (callout and task
    /// markers, block ids: R22, R44, R49).
    fn text(&mut self, doc: &mut Doc<'_>, i: usize, t: &str, range: &Range<usize>) {
        if let Some(code) = &mut self.code {
            code.text.push_str(t);
            return;
        }
        let mut s: &str = t;
        let src = doc.line(range.start);
        match self.strip {
            Some((at, n)) if at == i => {
                s = s.get(n..).unwrap_or("");
                self.strip = None;
            }
            _ => {
                let block_start = i > 0
                    && matches!(
                        self.events[i - 1].0,
                        Event::Start(Tag::Paragraph | Tag::Heading { .. })
                    );
                if let Some(head) = callout::parse_head(s).filter(|_| block_start) {
                    // A `[!type]` marker outside a quote (`### [!info] Title`) shows its intent:
                    // the callout's icon, not raw syntax.
                    let style = self.style().patch(head.kind.style());
                    self.push(Piece::literal(format!("{} ", head.kind.icon()), style, src));
                    s = &s[head.skip..];
                }
            }
        }
        for k in doc.block_ids_in(range) {
            let marker = format!("^{}", doc.n.parsed.block_ids[k].id);
            let trimmed = s.trim_end();
            if let Some(before) = trimmed.strip_suffix(marker.as_str()) {
                s = before.trim_end();
                if doc.main {
                    self.pending_ids.push(k);
                }
            }
        }
        let in_timestamp = self
            .html
            .iter()
            .any(|(n, st)| n == "a" && *st == theme::TIMESTAMP);
        if in_timestamp && self.link().is_none() {
            // R50: a video timestamp `<a class="yt-timestamp">[00:01:02]</a>` shows compactly, so
            // `[<a ...>[00:01:02]</a>]` does not read as `[[00:01:02]]`. Inside a link's display
            // text it stays as written: that text is the link's name (R24).
            let t = s.trim();
            if let Some(inner) = t.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
                s = inner;
            }
        }
        if s.is_empty() {
            return;
        }
        let p = Piece::text(sanitize(s), self.style(), self.link(), src);
        self.push(p);
    }

    /// Inline HTML (R50): `<br>` breaks the line, `<a>` and a few formatting elements style their
    /// text, every other tag is dropped.
    fn inline_html(&mut self, t: &str) {
        let t = t.trim();
        if t.starts_with("<!") || t.starts_with("<?") {
            return;
        }
        let Some(rest) = t.strip_prefix('<') else {
            return;
        };
        let closing = rest.starts_with('/');
        let name: String = rest
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if name == "br" {
            self.push_break(PieceKind::Break);
            return;
        }
        let style = match name.as_str() {
            "a" if t.contains("yt-timestamp") => theme::TIMESTAMP,
            "a" => theme::HTML_LINK,
            "b" | "strong" => theme::STRONG,
            "i" | "em" | "cite" => theme::EMPHASIS,
            "u" | "ins" => theme::UNDERLINE,
            "s" | "del" | "strike" => theme::STRIKETHROUGH,
            "mark" => theme::HIGHLIGHT,
            "code" | "kbd" | "samp" => theme::CODE_INLINE,
            _ => return,
        };
        if closing {
            if let Some(pos) = self.html.iter().rposition(|(n, _)| *n == name) {
                self.html.remove(pos);
            }
        } else if !t.ends_with("/>") {
            self.html.push((name, style));
        }
    }

    /// Whether the list starting at `i` is loose: its first item holds paragraphs.
    fn list_is_loose(&self, i: usize) -> bool {
        matches!(
            (self.events.get(i + 1), self.events.get(i + 2)),
            (
                Some((Event::Start(Tag::Item), _)),
                Some((Event::Start(Tag::Paragraph), _))
            )
        )
    }

    /// A block quote, or a callout when its first line is `[!type]` (R41–R44).
    fn quote(&mut self, r: &mut Renderer<'_>, i: usize) {
        if let (Some((Event::Start(Tag::Paragraph), _)), Some((Event::Text(t), _))) =
            (self.events.get(i + 1), self.events.get(i + 2))
        {
            if let Some(head) = callout::parse_head(t) {
                let style = head.kind.style();
                r.out
                    .push_container(vec![("┃ ".into(), style)], vec![("┃ ".into(), style)]);
                self.strip = Some((i + 2, head.skip));
                self.callout = Some(head);
                self.blocks.push(Block::Other);
                return;
            }
        }
        r.out.push_container(
            vec![("│ ".into(), theme::QUOTE_BAR)],
            vec![("│ ".into(), theme::QUOTE_BAR)],
        );
        self.blocks.push(Block::Other);
    }

    /// Draws a callout's title row: icon, title (or the default title) and fold marker.
    fn callout_title(&mut self, r: &mut Renderer<'_>, doc: &mut Doc<'_>) {
        let Some(head) = self.callout.take() else {
            return;
        };
        let pieces = passes(doc, std::mem::take(&mut self.pieces));
        self.html.clear();
        let style = head.kind.style().patch(theme::CALLOUT_TITLE);
        let src = pieces.iter().map(|p| p.src).find(|s| *s > 0).unwrap_or(0);
        let mut all = vec![Piece::literal(format!("{} ", head.kind.icon()), style, src)];
        if pieces
            .iter()
            .any(|p| !p.is_break() && !p.text.trim().is_empty())
        {
            all.extend(pieces.into_iter().map(|mut p| {
                p.style = style.patch(p.style);
                p
            }));
        } else {
            all.push(Piece::text(head.default_title(), style, None, src));
        }
        match head.fold {
            Some('+') => all.push(Piece::literal(" ▾", theme::DIM, 0)),
            Some('-') => all.push(Piece::literal(" ▸", theme::DIM, 0)),
            _ => {}
        }
        let lines = wrap::wrap(&all, r.out.content_width());
        self.emit_lines(r, lines);
    }

    /// A list item: its marker (bullet, number, task box) becomes the container's first prefix.
    fn item(&mut self, r: &mut Renderer<'_>, i: usize) {
        let depth = self.list_depth.max(1);
        let (ordered, loose) = match self.blocks.last_mut() {
            Some(Block::List { next, loose }) => {
                let n = *next;
                if let Some(v) = next {
                    *v += 1;
                }
                (n, *loose)
            }
            _ => (None, false),
        };
        let mut j = i + 1;
        if matches!(self.events.get(j), Some((Event::Start(Tag::Paragraph), _))) {
            j += 1;
        }
        let task = match self.events.get(j) {
            Some((Event::TaskListMarker(done), _)) => Some(if *done { 'x' } else { ' ' }),
            Some((Event::Text(t), _)) => custom_task(t).map(|(c, skip)| {
                self.strip = Some((j, skip));
                c
            }),
            _ => None,
        };
        let mut first: Vec<(String, Style)> = Vec::new();
        if let Some(n) = ordered {
            first.push((format!("{n}. "), theme::LIST_MARKER));
        } else if task.is_none() {
            let bullet = BULLETS[(depth - 1) % BULLETS.len()];
            first.push((format!("{bullet} "), theme::LIST_MARKER));
        }
        match task {
            Some(' ') => first.push(("☐ ".into(), theme::TASK_OPEN)),
            Some('x' | 'X') => first.push(("☑ ".into(), theme::TASK_DONE)),
            Some(c) => {
                let c = if c.is_control() { '?' } else { c };
                first.push((sanitize(&format!("[{c}] ")), theme::TASK_CUSTOM));
            }
            None => {}
        }
        let w: usize = first.iter().map(|(t, _)| wrap::str_width(t)).sum();
        r.out
            .push_container(first, vec![(" ".repeat(w), theme::TEXT)]);
        let done = matches!(task, Some('x' | 'X'));
        if done {
            self.push_style(theme::TASK_DONE_TEXT);
        }
        self.blocks.push(Block::Item { loose, done });
    }

    fn link_start(
        &mut self,
        r: &mut Renderer<'_>,
        doc: &mut Doc<'_>,
        i: usize,
        link_type: LinkType,
        range: &Range<usize>,
    ) -> usize {
        let src = doc.line(range.start);
        let Some(j) = doc.link_at(range.start) else {
            // Not a link by Obsidian's rules (R4, R5): its text is shown plain.
            self.styles.push(self.style());
            self.links.push(None);
            return i;
        };
        let link = &doc.n.parsed.links[j];
        let lref = LinkRef {
            note: doc.note,
            link: j,
        };
        let style = self.style().patch(r.link_style(lref));
        let plain_wiki = matches!(link_type, LinkType::WikiLink { has_pothole: false });
        if link.display().is_none() || plain_wiki {
            // R24, R56.4: the target (`note > Heading`) when there is no display text.
            self.push(Piece::text(
                sanitize(&link.shown_text()),
                style,
                Some(lref),
                src,
            ));
            return matching_end(self.events, i);
        }
        self.styles.push(style);
        self.links.push(Some(OpenLink {
            link: lref,
            start: self.pieces.len(),
            style,
            src,
        }));
        i
    }

    fn link_end(&mut self, doc: &Doc<'_>) {
        self.pop_style();
        let Some(Some(open)) = self.links.pop() else {
            return;
        };
        // R3: the display text is trimmed.
        let from = open.start.min(self.pieces.len());
        let tail = &mut self.pieces[from..];
        if let Some(first) = tail.iter_mut().find(|p| !p.is_break()) {
            first.text = first.text.trim_start().to_string();
        }
        if let Some(last) = tail.iter_mut().rev().find(|p| !p.is_break()) {
            last.text = last.text.trim_end().to_string();
        }
        // Visible means cells drawn: a display of zero-width characters (a lone U+FE0F) is empty.
        let visible = tail
            .iter()
            .any(|p| !p.is_break() && wrap::str_width(p.text.trim()) > 0);
        if !visible {
            self.pieces.truncate(open.start);
            let text = sanitize(&doc.n.parsed.links[open.link.link].shown_text());
            self.pieces
                .push(Piece::text(text, open.style, Some(open.link), open.src));
        } else {
            let start = open.start;
            let mut k = start;
            while k < self.pieces.len() {
                let p = &self.pieces[k];
                let edge_break = p.is_break() && (k == start || k + 1 == self.pieces.len());
                let empty = !p.is_break() && p.text.is_empty();
                if edge_break || empty {
                    self.pieces.remove(k);
                } else {
                    k += 1;
                }
            }
        }
    }

    /// An embed (R26–R28): a note is transcluded, anything else becomes a one-line placeholder.
    fn image(&mut self, r: &mut Renderer<'_>, doc: &mut Doc<'_>, range: &Range<usize>, dest: &str) {
        let src = doc.line(range.start);
        let Some(j) = doc.link_at(range.start) else {
            let name = sanitize(&file_name(dest));
            self.placeholder(
                media_kind(dest),
                name,
                None,
                theme::LINK_UNRESOLVED,
                None,
                src,
            );
            return;
        };
        let link = &doc.n.parsed.links[j];
        let lref = LinkRef {
            note: doc.note,
            link: j,
        };
        match r.resolution(lref) {
            Resolution::Note { note, anchor, .. } => {
                self.transclude(r, doc, lref, link, note, anchor, src);
            }
            _ => {
                let size = link
                    .display()
                    .and_then(|d| d.rsplit('|').next())
                    .map(str::trim)
                    .filter(|d| is_size(d))
                    .map(|d| d.replace('x', "×"));
                let style = self.style().patch(r.link_style(lref));
                let label = sanitize(&embed_label(link));
                self.placeholder(
                    media_kind(link.target()),
                    label,
                    Some(lref),
                    style,
                    size,
                    src,
                );
            }
        }
    }

    /// `📷 name (size)` on a line of its own.
    fn placeholder(
        &mut self,
        kind: Option<Media>,
        label: String,
        link: Option<LinkRef>,
        style: Style,
        size: Option<String>,
        src: usize,
    ) {
        let icon = match kind {
            Some(Media::Image) => "📷",
            Some(Media::Audio) => "🎵",
            Some(Media::Video) => "🎬",
            Some(Media::Pdf) => "📑",
            Some(Media::Other) => "📎",
            None => "📄",
        };
        self.push_break(PieceKind::AutoBreak);
        self.push(Piece::literal(format!("{icon} "), theme::MEDIA, src));
        self.push(Piece {
            text: label,
            style,
            link,
            src,
            kind: PieceKind::Literal,
        });
        if let Some(size) = size {
            self.push(Piece::literal(format!(" ({size})"), theme::MEDIA, src));
        }
        self.push_break(PieceKind::AutoBreak);
    }

    /// A note embed: the note (or its section) drawn inside a frame, with cycles and depth cut.
    #[allow(clippy::too_many_arguments)]
    fn transclude(
        &mut self,
        r: &mut Renderer<'_>,
        doc: &mut Doc<'_>,
        lref: LinkRef,
        link: &Link,
        target: usize,
        anchor: Anchor,
        src: usize,
    ) {
        self.flush(r, doc);
        let section = match anchor {
            Anchor::None => Section::Whole,
            Anchor::Heading(h) => Section::Heading(h as usize),
            Anchor::Block(b) => Section::Block(b as usize),
            Anchor::Missing => Section::Missing,
        };
        let style = self.style().patch(r.link_style(lref));
        let label = Piece {
            text: sanitize(&embed_label(link)),
            style,
            link: Some(lref),
            src,
            kind: PieceKind::Literal,
        };
        let reason = if r.is_cycle(target, section) {
            Some("shown above: cycle cut")
        } else if doc.depth + 1 > MAX_EMBED_DEPTH {
            Some("embeds nested too deep")
        } else if r.embeds >= MAX_EMBEDS {
            Some("too many embeds")
        } else {
            None
        };
        let cw = r.out.content_width();
        if let Some(reason) = reason {
            let pieces = vec![
                Piece::literal("↻ ", theme::EMBED_FRAME, src),
                label,
                Piece::literal(format!(" ({reason})"), theme::DIM, src),
            ];
            self.emit_lines(r, wrap::wrap(&pieces, cw));
            return;
        }
        r.embeds += 1;
        let head = vec![Piece::literal("┌─ ", theme::EMBED_FRAME, src), label];
        let mut lines = wrap::wrap(&head, cw);
        if let Some(last) = lines.last_mut() {
            let used: usize = last.iter().map(|s| s.width).sum();
            if used + 2 <= cw {
                last.push(Seg::plain(
                    format!(" {}", "─".repeat(cw - used - 1)),
                    theme::EMBED_FRAME,
                ));
            }
        }
        self.emit_lines(r, lines);
        r.out.push_container(
            vec![("│ ".into(), theme::EMBED_FRAME)],
            vec![("│ ".into(), theme::EMBED_FRAME)],
        );
        let before = r.out.lines.len();
        r.document(target, section, doc.depth + 1);
        if r.out.lines.len() == before {
            r.out.emit(vec![Seg::plain("(empty)", theme::DIM)]);
        }
        r.out.pop_container();
        r.out.gap = false;
        let cw = r.out.content_width();
        r.out.emit(vec![Seg::plain(
            format!("└{}", "─".repeat(cw.saturating_sub(1))),
            theme::EMBED_FRAME,
        )]);
    }

    /// Draws the inline content read so far as rows (a paragraph, a tight list item's text).
    fn flush(&mut self, r: &mut Renderer<'_>, doc: &mut Doc<'_>) {
        let pieces = std::mem::take(&mut self.pieces);
        self.html.clear();
        let visible = pieces
            .iter()
            .any(|p| !p.is_break() && !p.text.trim().is_empty());
        if !visible {
            // A block id alone on its line names the block before it (R22).
            let row = self.prev_block_row.unwrap_or_else(|| r.out.next_row());
            for k in std::mem::take(&mut self.pending_ids) {
                r.block_rows[k] = Some(row);
            }
            return;
        }
        let pieces = passes(doc, pieces);
        let lines = wrap::wrap(&pieces, r.out.content_width());
        self.emit_lines(r, lines);
    }

    /// Draws rows and gives hidden block ids the first of them.
    fn emit_lines(&mut self, r: &mut Renderer<'_>, lines: Vec<Vec<Seg>>) -> Option<usize> {
        let first = r.out.emit_lines(lines);
        let row = first.unwrap_or_else(|| r.out.next_row());
        for k in std::mem::take(&mut self.pending_ids) {
            r.block_rows[k] = Some(row);
        }
        first
    }

    /// Draws a heading: level 1 and 2 underlined, deeper levels behind their `#`s.
    fn emit_heading(&mut self, r: &mut Renderer<'_>, doc: &mut Doc<'_>) {
        let Some((level, idx)) = self.heading.take() else {
            return;
        };
        let pieces = passes(doc, std::mem::take(&mut self.pieces));
        self.html.clear();
        let style = match level {
            1 => theme::H1,
            2 => theme::H2,
            3 => theme::H3,
            4 => theme::H4,
            5 => theme::H5,
            _ => theme::H6,
        };
        let src = pieces.iter().map(|p| p.src).find(|s| *s > 0).unwrap_or(0);
        let mut all = Vec::new();
        if level >= 3 {
            all.push(Piece::literal(
                format!("{} ", "#".repeat(usize::from(level))),
                theme::HEADING_MARK,
                src,
            ));
        }
        let visible = pieces
            .iter()
            .any(|p| !p.is_break() && !p.text.trim().is_empty());
        all.extend(pieces.into_iter().map(|mut p| {
            p.style = style.patch(p.style);
            p
        }));
        let cw = r.out.content_width();
        let lines = if visible {
            wrap::wrap(&all, cw)
        } else {
            Vec::new()
        };
        let w = wrap::max_width(&lines);
        let row = self.emit_lines(r, lines);
        if level <= 2 && w > 0 {
            let rule = if level == 1 { "━" } else { "─" };
            r.out.emit(vec![Seg::plain(
                rule.repeat(w.min(cw)),
                theme::HEADING_MARK,
            )]);
        }
        if let Some(i) = idx {
            r.heading_rows[i] = Some(row.unwrap_or_else(|| r.out.next_row()));
        }
    }
}

/// The Obsidian inline passes over a block's pieces (R46, R48, R37).
fn passes(doc: &mut Doc<'_>, pieces: Vec<Piece>) -> Vec<Piece> {
    let notes = &mut doc.notes;
    let pieces = inline::inline_footnotes(pieces, &mut |c| notes.add_inline(c));
    let pieces = inline::highlights(pieces);
    let pieces = inline::stray_syntax(pieces);
    inline::tags(pieces)
}

/// `- [?] text`: a custom task status (R49); returns the status and the bytes of the marker.
fn custom_task(t: &str) -> Option<(char, usize)> {
    let mut chars = t.char_indices();
    if chars.next()?.1 != '[' {
        return None;
    }
    let (_, c) = chars.next()?;
    let (k, close) = chars.next()?;
    if close != ']' || c == '[' || c == ']' {
        return None;
    }
    let after = &t[k + 1..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    Some((c, t.len() - after.trim_start().len()))
}

/// `100` or `100x145`: an embed size (R27, R56.6).
fn is_size(s: &str) -> bool {
    let mut parts = s.split('x');
    let ok =
        |p: Option<&str>| p.is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let first = parts.next();
    match (parts.next(), parts.next()) {
        (None, _) => ok(first),
        (Some(h), None) => ok(first) && ok(Some(h)),
        _ => false,
    }
}

/// An HTML block (R50) as dim text: tags dropped, `<br>` and line ends kept as breaks, comments and
/// tag-only lines gone.
fn html_block_pieces(raw: &str, src: usize) -> Vec<Piece> {
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(lt) = rest.find('<') {
        text.push_str(&rest[..lt]);
        let after = &rest[lt..];
        if let Some(body) = after.strip_prefix("<!--") {
            rest = body.find("-->").map_or("", |e| &body[e + 3..]);
            continue;
        }
        let is_tag = after[1..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/' || c == '!' || c == '?');
        match after.find('>').filter(|_| is_tag) {
            Some(gt) => {
                let name: String = after[1..gt]
                    .trim_start_matches('/')
                    .chars()
                    .take_while(char::is_ascii_alphanumeric)
                    .collect();
                if name.eq_ignore_ascii_case("br") {
                    text.push('\n');
                }
                rest = &after[gt + 1..];
            }
            None => {
                text.push('<');
                rest = &after[1..];
            }
        }
    }
    text.push_str(rest);
    let mut pieces = Vec::new();
    for (k, line) in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        if k > 0 {
            pieces.push(Piece::brk(PieceKind::Break));
        }
        pieces.push(Piece::literal(sanitize(line), theme::HTML_BLOCK, src + k));
    }
    pieces
}

/// Draws a code block: a frame with the language label, syntax-coloured lines, long lines wrapped.
fn emit_code(r: &mut Renderer<'_>, code: CodeState) {
    let cw = r.out.content_width();
    let mut top = vec![Seg::plain("╭─", theme::CODE_FRAME)];
    if let Some(lang) = &code.lang {
        top.push(Seg::plain(" ", theme::CODE_FRAME));
        top.push(Seg::plain(sanitize(lang), theme::CODE_LABEL));
    }
    top[0].src = code.fence;
    r.out.emit(wrap::truncate(top, cw));
    let gutter = cw >= 3;
    let inner = if gutter { cw - 2 } else { cw };
    let text = code.text.strip_suffix('\n').unwrap_or(&code.text);
    for (li, tokens) in highlight(code.lang.as_deref(), text)
        .into_iter()
        .enumerate()
    {
        for (ri, row) in wrap::hard_wrap(&tokens, inner).into_iter().enumerate() {
            let mut segs = Vec::with_capacity(row.len() + 2);
            if gutter {
                segs.push(Seg::plain("│ ", theme::CODE_FRAME));
            }
            let used: usize = row.iter().map(|s| s.width).sum();
            segs.extend(row);
            if used < inner {
                segs.push(Seg::plain(" ".repeat(inner - used), theme::CODE_BLOCK));
            }
            if ri == 0 {
                if let Some(first) = segs.first_mut() {
                    first.src = code.first + li;
                }
            }
            r.out.emit(segs);
        }
    }
    r.out.emit(wrap::truncate(
        vec![Seg::plain("╰─", theme::CODE_FRAME)],
        cw,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r49_custom_task_markers() {
        assert_eq!(custom_task("[?] maybe"), Some(('?', 4)));
        assert_eq!(custom_task("[-]"), Some(('-', 3)));
        assert_eq!(custom_task("[ab] no"), None);
        assert_eq!(custom_task("[x]y"), None);
    }

    #[test]
    fn r27_sizes() {
        assert!(is_size("100"));
        assert!(is_size("100x145"));
        assert!(!is_size("x100"));
        assert!(!is_size("alt text"));
    }

    #[test]
    fn r50_html_block_text() {
        let p = html_block_pieces("<div>\nhello <b>x</b><br>y\n<!-- c -->\n</div>\n", 1);
        let texts: Vec<&str> = p.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, ["hello x", "", "y"]);
    }
}
