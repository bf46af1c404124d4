//! Reads one note's Markdown into what the graph needs: links with their source ranges, headings,
//! block ids and tags (OFM R1–R29, R22, R37–R40, R45, R50).
//!
//! pulldown-cmark does the CommonMark work; this module applies the Obsidian rules it leaves to the
//! application (R56): trimming, the `\|` escape, subpaths, comments, tags and the lone `<br/>` line.

use std::borrow::Cow;
use std::ops::Range;

mod scan;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};
use unicode_width::UnicodeWidthChar;

/// The pulldown-cmark options engram parses every note with.
///
/// GFM alerts are left off so that every callout, `[!NOTE]` included, arrives in the same textual form
/// (R44) and is recognised by one rule.
pub fn options() -> Options {
    Options::ENABLE_WIKILINKS
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
}

/// How a link was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkSyntax {
    /// `[[target]]`
    Wiki,
    /// `![[target]]`
    WikiEmbed,
    /// `[text](target.md)`
    Markdown,
    /// `![alt](image.png)`
    MarkdownEmbed,
    /// `key: "[[target]]"` in the frontmatter (R7).
    Property,
}

impl LinkSyntax {
    /// Whether this link embeds its target rather than pointing at it.
    pub fn is_embed(self) -> bool {
        matches!(self, LinkSyntax::WikiEmbed | LinkSyntax::MarkdownEmbed)
    }
}

/// The part of a link after `#`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Subpath {
    /// `#Heading` or a chain `#H1#H2` (R20, R21), one entry per level.
    Heading(Vec<String>),
    /// `#^block-id` (R23).
    Block(String),
}

/// One link as written in a note.
///
/// A vault holds hundreds of thousands of links, most with a display text, so the target and the
/// display share one allocation (`text`) instead of taking one each; read them with
/// [`Link::target`] and [`Link::display`].
#[derive(Clone, PartialEq)]
pub struct Link {
    /// How it was written.
    pub syntax: LinkSyntax,
    /// The target (the first `target_len` bytes), then the display text, if any.
    text: Box<str>,
    /// The heading chain or block after `#`, if any (boxed: most links have none, and a vault
    /// holds hundreds of thousands of links).
    pub subpath: Option<Box<Subpath>>,
    /// `true` when the target is a URL with a scheme (R18, R29): not a graph edge.
    pub external: bool,
    /// Byte range of the whole link in the note's file text.
    pub range: Range<usize>,
    /// 1-based line of the link's start in the file.
    pub line: u32,
    /// The link sits inside a `%%comment%%` (R6): kept in the graph, hidden when rendering.
    pub in_comment: bool,
    /// Where the target ends in `text` (notes over 64 MiB are not parsed, so it fits).
    target_len: u32,
    /// [`Link::target_hash`], made with the link, while its text is in the processor's cache.
    target_hash: u32,
    /// Whether `text` goes on with a display text: tells a display from none when it is empty.
    has_display: bool,
}

// `Link` is the element of every note's link list (722,000 links in a 50,000-note vault): keep it
// from growing back past the 56 bytes that one shared text allocation brought it down to (from 64).
const _: () = assert!(std::mem::size_of::<Link>() <= 56);

/// Shows `target` and `display` as the fields they were before they shared one allocation, so
/// that printed links (test failures, snapshots) read, and compare, as they always have.
impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("syntax", &self.syntax)
            .field("target", &self.target())
            .field("subpath", &self.subpath)
            .field("display", &self.display())
            .field("external", &self.external)
            .field("range", &self.range)
            .field("line", &self.line)
            .field("in_comment", &self.in_comment)
            .finish()
    }
}

/// The hash [`Link::target_hash`] holds: the high half of the target's FxHash.
fn target_hash(target: &str) -> u32 {
    (crate::fxhash::hash_bytes(target.as_bytes()) >> 32) as u32
}

/// How much of a link's line is kept on each side of it.
pub const CONTEXT_CHARS: usize = 48;

/// The link's line around it: up to [`CONTEXT_CHARS`] characters before it (leading blanks
/// trimmed) and after it (trailing blanks trimmed). Empty when `range` does not fit `text`, as
/// when the file changed since it was parsed.
///
/// Context is not kept with the links: a vault has hundreds of thousands of them, and only the
/// few on screen are ever shown, so it is read from the source note when needed.
pub fn context(text: &str, range: &Range<usize>) -> (String, String) {
    let (Some(head), Some(tail)) = (text.get(..range.start), text.get(range.end..)) else {
        return (String::new(), String::new());
    };
    if range.start > range.end {
        return (String::new(), String::new());
    }
    let line_start = head.rfind('\n').map_or(0, |i| i + 1);
    let before = head[line_start..].trim_start();
    let skip = before.chars().count().saturating_sub(CONTEXT_CHARS);
    let after = tail.split('\n').next().unwrap_or("").trim_end();
    (
        before.chars().skip(skip).collect(),
        after.chars().take(CONTEXT_CHARS).collect(),
    )
}

impl Link {
    /// A link, with `target` and `display` copied into one allocation.
    ///
    /// `target` is the path, trimmed, with a table's trailing `\` removed; empty for
    /// `[[#Heading]]`; percent-decoded for Markdown links (R14, R29). `display` is the text after
    /// `|` (or a Markdown link's text), trimmed.
    #[allow(clippy::too_many_arguments)] // one per field, as in the struct literal it stands for
    pub fn new(
        syntax: LinkSyntax,
        target: &str,
        subpath: Option<Subpath>,
        display: Option<&str>,
        external: bool,
        range: Range<usize>,
        line: u32,
        in_comment: bool,
    ) -> Link {
        // Sized exactly, so that boxing it keeps the one allocation rather than shrinking it.
        let mut text = String::with_capacity(target.len() + display.map_or(0, str::len));
        text.push_str(target);
        text.push_str(display.unwrap_or(""));
        Link {
            syntax,
            text: text.into_boxed_str(),
            subpath: subpath.map(Box::new),
            external,
            range,
            line,
            in_comment,
            // A target longer than 4 GiB (never from a note engram parses) keeps its first 4 GiB.
            target_len: u32::try_from(target.len()).unwrap_or(0),
            target_hash: target_hash(target),
            has_display: display.is_some(),
        }
    }

    /// The target path, trimmed, with a table's trailing `\` removed; empty for `[[#Heading]]`.
    /// For Markdown links it is percent-decoded (R14, R29).
    pub fn target(&self) -> &str {
        &self.text[..self.target_len as usize]
    }

    /// A hash of [`Link::target`], for looking the target up without reading its text first: the
    /// graph's lookups wait on memory, and the hash lets the table's read start at once.
    pub fn target_hash(&self) -> u32 {
        self.target_hash
    }

    /// The display text after `|` (or a Markdown link's text), trimmed; `None` when absent or when
    /// it draws nothing: empty, or only zero-width characters (R24: show the target instead).
    pub fn display(&self) -> Option<&str> {
        self.has_display
            .then(|| &self.text[self.target_len as usize..])
    }

    /// The linktext as the user wrote it, without display text: `target#subpath`.
    pub fn linktext(&self) -> String {
        match self.subpath.as_deref() {
            None => self.target().to_string(),
            Some(Subpath::Heading(h)) => format!("{}#{}", self.target(), h.join("#")),
            Some(Subpath::Block(b)) => format!("{}#^{}", self.target(), b),
        }
    }

    /// The link in the syntax it was written in, without display text: `[[a#b]]`, `![[a]]`, `[](a)`.
    pub fn written(&self) -> String {
        let t = self.linktext();
        match self.syntax {
            LinkSyntax::Wiki | LinkSyntax::Property => format!("[[{t}]]"),
            LinkSyntax::WikiEmbed => format!("![[{t}]]"),
            LinkSyntax::Markdown => format!("[]({t})"),
            LinkSyntax::MarkdownEmbed => format!("![]({t})"),
        }
    }

    /// The text a reader sees for the link (R24): the display text, or `target > Heading`.
    pub fn shown_text(&self) -> String {
        if let Some(d) = self.display() {
            return d.to_string();
        }
        let mut parts: Vec<String> = Vec::new();
        if !self.target().is_empty() {
            parts.push(self.target().to_string());
        }
        match self.subpath.as_deref() {
            Some(Subpath::Heading(h)) => parts.extend(h.iter().cloned()),
            Some(Subpath::Block(b)) => parts.push(format!("^{b}")),
            None => {}
        }
        parts.join(" > ")
    }
}

/// A heading in a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The heading's plain text, as written (R20: stored raw).
    pub text: String,
    /// Byte range of the heading line in the file.
    pub range: Range<usize>,
    /// 1-based line.
    pub line: usize,
}

/// A `^block-id` marker (R22).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockId {
    /// The id without `^`.
    pub id: String,
    /// 1-based line the marker is on.
    pub line: usize,
    /// Byte range of `^id` in the file.
    pub range: Range<usize>,
}

/// An inline `#tag` (R37–R40).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineTag {
    /// The tag without `#`, as written.
    pub name: String,
    /// 1-based line.
    pub line: usize,
}

/// Everything the graph needs from one note's Markdown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Parsed {
    /// Links in source order.
    pub links: Vec<Link>,
    /// Headings in source order.
    pub headings: Vec<Heading>,
    /// Block ids in source order.
    pub block_ids: Vec<BlockId>,
    /// Inline tags in source order.
    pub tags: Vec<InlineTag>,
}

/// Byte offsets of line starts, for turning offsets into 1-based line numbers.
#[derive(Debug, Clone)]
pub struct LineIndex(Vec<usize>);

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        // Notes' lines run to a few hundred bytes; a guess saves most regrowth.
        let mut starts = Vec::with_capacity(text.len() / 64 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex(starts)
    }

    /// The 1-based line holding byte `offset`.
    pub fn line(&self, offset: usize) -> usize {
        match self.0.binary_search(&offset) {
            Ok(i) => i + 1,
            Err(i) => i,
        }
    }

    /// Byte offset where 1-based `line` starts (clamped to the last line).
    pub fn start(&self, line: usize) -> usize {
        self.0[line.saturating_sub(1).min(self.0.len() - 1)]
    }
}

/// Byte ranges of the fenced code blocks of `text`, line-based and lenient: enough to keep comment
/// and `<br/>` handling away from code.
fn fenced_code_lines(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<(usize, char, usize)> = None; // (start, fence char, fence length)
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start_matches([' ', '>']);
        let fence = trimmed
            .chars()
            .next()
            .filter(|c| *c == '`' || *c == '~')
            .map(|c| (c, trimmed.chars().take_while(|x| *x == c).count()));
        match (open, fence) {
            (None, Some((c, n))) if n >= 3 => open = Some((pos, c, n)),
            (Some((start, c, n)), Some((c2, n2)))
                if c == c2 && n2 >= n && trimmed[n2..].trim().is_empty() =>
            {
                out.push(start..pos + line.len());
                open = None;
            }
            _ => {}
        }
        pos += line.len();
    }
    if let Some((start, _, _)) = open {
        out.push(start..text.len());
    }
    out
}

/// The range of `ranges` (sorted, disjoint) that holds `at`.
fn range_at(ranges: &[Range<usize>], at: usize) -> Option<&Range<usize>> {
    let i = ranges.partition_point(|r| r.end <= at);
    ranges.get(i).filter(|r| r.start <= at)
}

fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    range_at(ranges, at).is_some()
}

/// Byte ranges of `%%comments%%` in `text`, outside fenced code and inline code spans (R45).
/// An unclosed `%%` runs to the end of the note, as in Obsidian.
pub fn comment_ranges(text: &str) -> Vec<Range<usize>> {
    comment_ranges_in(text, &fenced_code_lines(text))
}

/// Byte ranges of `text` a cut between blocks must not fall inside: fenced code blocks and
/// `%%comments%%` (which may span blank lines, and hold code), merged into sorted disjoint ranges.
pub fn unsplittable_ranges(text: &str) -> Vec<Range<usize>> {
    let code = fenced_code_lines(text);
    let comments = comment_ranges_in(text, &code);
    let mut all = code;
    all.extend(comments);
    all.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(all.len());
    for r in all {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// [`comment_ranges`] with the fenced code ranges already found. It jumps from one byte that can
/// change its state to the next (`%`, a backtick, a newline inside a code span, the start of a fence)
/// instead of looking at every byte.
fn comment_ranges_in(text: &str, code: &[Range<usize>]) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let len = bytes.len();
    let mut out = Vec::new();
    let mut i = 0;
    let mut open: Option<usize> = None;
    let mut in_span: Option<usize> = None; // backtick run length of an open code span
    let mut next_code = 0; // the first fenced block that ends after `i`
    while i < len {
        if open.is_none() {
            while code.get(next_code).is_some_and(|r| r.end <= i) {
                next_code += 1;
            }
            if let Some(r) = code.get(next_code).filter(|r| r.start <= i) {
                i = r.end;
                in_span = None;
                continue;
            }
        }
        let b = bytes[i];
        if b == b'`' && open.is_none() {
            let n = bytes[i..].iter().take_while(|x| **x == b'`').count();
            in_span = match in_span {
                None => Some(n),
                Some(m) if m == n => None,
                keep => keep,
            };
            i += n;
            continue;
        }
        if b == b'\n' && in_span.is_some() && bytes.get(i + 1) == Some(&b'\n') {
            in_span = None; // a code span cannot cross a blank line
        }
        if in_span.is_none() && b == b'%' && bytes.get(i + 1) == Some(&b'%') {
            match open {
                None => open = Some(i),
                Some(start) => {
                    out.push(start..i + 2);
                    open = None;
                }
            }
            i += 2;
            continue;
        }
        // Every byte up to the next one that matters only moves `i` on by one.
        let from = i + 1;
        let until = match open {
            None => code.get(next_code).map_or(len, |r| r.start.max(from)),
            Some(_) => len,
        };
        let hay = &bytes[from.min(until)..until];
        let next = match (open, in_span) {
            (Some(_), _) => memchr::memchr(b'%', hay),
            (None, Some(_)) => memchr::memchr2(b'`', b'\n', hay),
            (None, None) => memchr::memchr2(b'`', b'%', hay),
        };
        i = next.map_or(until, |k| from + k);
    }
    if let Some(start) = open {
        out.push(start..text.len());
    }
    out
}

/// Makes the text pulldown-cmark parses: lines holding nothing but `<br>` tags become blank (decision 9,
/// R50), so they do not open an HTML block that would swallow the headings and links after them.
/// With `hide_comments`, `%%comments%%` are blanked too (R45). Byte offsets are unchanged.
pub fn prepare(text: &str, hide_comments: bool) -> String {
    let code = fenced_code_lines(text);
    let comments = if hide_comments {
        comment_ranges_in(text, &code)
    } else {
        Vec::new()
    };
    prepare_in(text, &code, &comments).into_owned()
}

/// [`prepare`] with the fenced code and the comments to blank already found; borrows `text` when
/// nothing needs blanking, as in most notes.
fn prepare_in<'a>(text: &'a str, code: &[Range<usize>], comments: &[Range<usize>]) -> Cow<'a, str> {
    let mut bytes: Option<Vec<u8>> = None;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if is_lone_br_line(line) && !in_ranges(code, pos) {
            let end = pos + line.trim_end_matches(['\n', '\r']).len();
            blank(
                bytes.get_or_insert_with(|| text.as_bytes().to_vec()),
                pos..end,
            );
        }
        pos += line.len();
    }
    for r in comments {
        blank(
            bytes.get_or_insert_with(|| text.as_bytes().to_vec()),
            r.clone(),
        );
    }
    match bytes {
        None => Cow::Borrowed(text),
        // Only ASCII bytes were replaced by spaces, and only whole UTF-8 sequences inside ranges that
        // begin and end on ASCII, so the text is still valid UTF-8.
        Some(b) => Cow::Owned(
            String::from_utf8(b)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        ),
    }
}

/// Replaces every byte of a range with a space, keeping newlines so line numbers stay true.
fn blank(bytes: &mut [u8], range: Range<usize>) {
    for b in &mut bytes[range] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

fn is_lone_br_line(line: &str) -> bool {
    let start = line.trim_start();
    if !start.starts_with('<') {
        return false; // most lines, answered without trimming the end
    }
    let mut rest = start.trim_end();
    while !rest.is_empty() {
        if !rest.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("<br")) {
            return false;
        }
        let Some(close) = rest.find('>') else {
            return false;
        };
        let inner = rest[3..close].trim().trim_end_matches('/').trim();
        if !inner.is_empty() {
            return false;
        }
        rest = rest[close + 1..].trim_start();
    }
    true
}

/// Whether a target is a URL with a scheme (`https://`, `mailto:`, `obsidian://`): R18, R29.
pub fn is_external(target: &str) -> bool {
    // The scheme is read from the start and the search stops at its first byte that cannot be
    // in one: most targets are turned down within a word, without looking for a `:` to their end.
    let t = trim(target);
    let b = t.as_bytes();
    let end = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-')))
        .unwrap_or(b.len());
    if end < 2 || b[end..].first() != Some(&b':') || !b[0].is_ascii_alphabetic() {
        return false;
    }
    let scheme = &t[..end];
    t[end..].starts_with("://") || matches!(scheme, "mailto" | "tel" | "obsidian")
}

/// `s` without leading and trailing whitespace ([`str::trim`]), answered at once when it starts and
/// ends with a printable ASCII byte, as link texts do: no ASCII byte above the space is whitespace.
pub(crate) fn trim(s: &str) -> &str {
    // Spaces around it, as in `[[target | shown]]`, are taken off a byte at a time first.
    let b = s.as_bytes();
    let start = b.iter().position(|&c| c != b' ').unwrap_or(b.len());
    let end = b.iter().rposition(|&c| c != b' ').map_or(start, |i| i + 1);
    let printable = |c: u8| c > b' ' && c.is_ascii();
    if start == end || (printable(b[start]) && printable(b[end - 1])) {
        &s[start..end]
    } else {
        s.trim()
    }
}

/// Splits linktext at the first `#` into path and subpath (R2, R23); trims each part (R3).
///
/// The path is borrowed, so that a link copies it once, into its one text allocation.
pub fn split_linktext(text: &str) -> (&str, Option<Subpath>) {
    let Some(hash) = text.bytes().position(|b| b == b'#') else {
        return (trim(text), None);
    };
    let path = trim(&text[..hash]);
    let sub = trim(&text[hash + 1..]);
    if let Some(block) = sub.strip_prefix('^') {
        let block = trim(block);
        return (
            path,
            (!block.is_empty()).then(|| Subpath::Block(block.to_string())),
        );
    }
    let parts: Vec<String> = sub
        .split('#')
        .map(|s| trim(s).to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (path, (!parts.is_empty()).then_some(Subpath::Heading(parts)))
}

/// What one pass over a note's lines finds: fenced code, lone `<br>` lines, block ids.
struct LineScan {
    /// Fenced code blocks, as [`fenced_code_lines`] finds them.
    code: Vec<Range<usize>>,
    /// Lone `<br>` lines outside code, without their line ending, to blank (see [`prepare`]).
    br_lines: Vec<Range<usize>>,
    /// Block ids (R22): at the end of a line after a space (or right after `]]`), or alone on a line;
    /// letters, digits and `-`; not in fenced code.
    block_ids: Vec<BlockId>,
}

/// [`fenced_code_lines`], the lone-`<br>` part of [`prepare`] and block ids in one pass:
/// a line is in code exactly when a fence is open before it or opens on it.
fn scan_lines(text: &str, body_start: usize, lines: &LineIndex) -> LineScan {
    scan_lines_with(text, body_start, lines, true)
}

/// [`scan_lines`], with or without (`quick` false, for tests: every line read in full) its quick
/// path for ordinary lines.
fn scan_lines_with(text: &str, body_start: usize, lines: &LineIndex, quick: bool) -> LineScan {
    let mut scan = LineScan {
        code: Vec::new(),
        br_lines: Vec::new(),
        block_ids: Vec::new(),
    };
    let mut open: Option<(usize, char, usize)> = None; // (start, fence char, fence length)
                                                       // The lines of `text.split_inclusive('\n')`, taken from the line index already built.
    let starts = &lines.0;
    let ends = starts
        .iter()
        .skip(1)
        .copied()
        .chain(std::iter::once(text.len()));
    for (i, (&pos, end)) in starts.iter().zip(ends).enumerate() {
        if pos == end {
            continue; // the empty line after a final newline
        }
        let line = &text[pos..end];
        let line_no = i + 1;
        // Most lines start with a letter, a digit or a list or heading marker: no fence, no lone
        // `<br>`, and a block id only if the line ends with a letter, a digit or `-`.
        let b0 = line.as_bytes()[0];
        if quick
            && b0 < 0x80
            && !matches!(
                b0,
                b' ' | b'>' | b'`' | b'~' | b'<' | b'\t' | b'\r' | 0x0b | 0x0c
            )
        {
            if open.is_none() && pos >= body_start && may_end_in_block_id(line) {
                if let Some(b) = block_id(line, pos, line_no) {
                    scan.block_ids.push(b);
                }
            }
            continue;
        }
        let was_open = open.is_some();
        let skip = line
            .bytes()
            .take_while(|b| matches!(b, b' ' | b'>'))
            .count();
        let trimmed = &line[skip..];
        let first = trimmed.as_bytes().first().copied();
        if matches!(first, Some(b'`' | b'~')) {
            let c = char::from(first.unwrap_or(b'`'));
            let n = trimmed.bytes().take_while(|x| *x == c as u8).count();
            match open {
                None if n >= 3 => open = Some((pos, c, n)),
                Some((start, oc, on)) if c == oc && n >= on && trimmed[n..].trim().is_empty() => {
                    scan.code.push(start..pos + line.len());
                    open = None;
                }
                _ => {}
            }
        }
        let in_code = was_open || open.is_some();
        if !in_code {
            if is_lone_br_line(line) {
                scan.br_lines
                    .push(pos..pos + line.trim_end_matches(['\n', '\r']).len());
            }
            if pos >= body_start && (!quick || may_end_in_block_id(line)) {
                if let Some(b) = block_id(line, pos, line_no) {
                    scan.block_ids.push(b);
                }
            }
        }
    }
    if let Some((start, _, _)) = open {
        scan.code.push(start..text.len());
    }
    scan
}

/// Whether a line may end in a block id: before its ASCII whitespace, a run of letters, digits and
/// `-` with a `^` before it, or a byte of a wider character (which [`block_id`] then looks at, as
/// trimming may take it). Most lines end in a word with no `^`, and are turned down here.
fn may_end_in_block_id(line: &str) -> bool {
    let b = line.as_bytes();
    let mut end = b.len();
    while end > 0 && matches!(b[end - 1], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        end -= 1;
    }
    if end > 0 && b[end - 1] >= 0x80 {
        return true;
    }
    let mut k = end;
    while k > 0 && (b[k - 1].is_ascii_alphanumeric() || b[k - 1] == b'-') {
        k -= 1;
    }
    k < end && k > 0 && b[k - 1] == b'^'
}

/// The `^block-id` at the end of one line (R22), if it has one.
fn block_id(line: &str, start: usize, line_no: usize) -> Option<BlockId> {
    let content = line.trim_end();
    // The id is the run of id characters at the end, and a `^` must come right before it: walking
    // back over that run alone, not searching the whole line for its last `^`, finds the same one
    // (an id holds no `^`).
    let bytes = content.as_bytes();
    let id_len = bytes
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-')
        .count();
    let caret = bytes.len().checked_sub(id_len + 1)?;
    if id_len == 0 || bytes[caret] != b'^' {
        return None;
    }
    let id = &content[caret + 1..];
    let before = &content[..caret];
    let ok = before.trim().is_empty()
        || before.ends_with(' ')
        || before.ends_with('\t')
        || before.ends_with("]]");
    ok.then(|| BlockId {
        id: id.to_string(),
        line: line_no,
        range: start + caret..start + content.len(),
    })
}

/// Parses a note. `text` is the whole file; `body_start` is where the Markdown body begins (after the
/// frontmatter). Ranges and lines refer to the whole file.
///
/// Most notes are read by a hand-written scanner that finds exactly what pulldown-cmark would, several
/// times faster; notes holding a construct it does not read exactly go through pulldown-cmark.
pub fn parse(text: &str, body_start: usize) -> Parsed {
    let lines = LineIndex::new(text);
    let scan = scan_lines(text, body_start, &lines);
    let comments = comment_ranges_in(text, &scan.code);
    if let Some(mut parsed) =
        scan::scan_fast_in(text, body_start, &lines, &scan.br_lines, &comments)
    {
        parsed.block_ids = scan.block_ids;
        return parsed;
    }
    parse_pulldown_in(text, body_start, &lines, scan, &comments)
}

/// The fast path of [`parse`] alone: `None` when the note holds a construct the scanner does not read
/// exactly; otherwise equal to [`parse_with_pulldown`]. For tests and benchmarks.
#[doc(hidden)]
pub fn scan_fast(text: &str, body_start: usize) -> Option<Parsed> {
    let lines = LineIndex::new(text);
    let scan = scan_lines(text, body_start, &lines);
    let comments = comment_ranges_in(text, &scan.code);
    let mut parsed = scan::scan_fast_in(text, body_start, &lines, &scan.br_lines, &comments)?;
    parsed.block_ids = scan.block_ids;
    Some(parsed)
}

/// [`parse`] through pulldown-cmark only, the reference the fast path must equal. For tests and
/// benchmarks.
#[doc(hidden)]
pub fn parse_with_pulldown(text: &str, body_start: usize) -> Parsed {
    let lines = LineIndex::new(text);
    let scan = scan_lines(text, body_start, &lines);
    let comments = comment_ranges_in(text, &scan.code);
    parse_pulldown_in(text, body_start, &lines, scan, &comments)
}

/// The pulldown-cmark reading of a note, with its lines, line scan and comments already found.
fn parse_pulldown_in(
    text: &str,
    body_start: usize,
    lines: &LineIndex,
    scan: LineScan,
    comments: &[Range<usize>],
) -> Parsed {
    let prepared: Cow<str> = if scan.br_lines.is_empty() {
        Cow::Borrowed(text)
    } else {
        let mut bytes = text.as_bytes().to_vec();
        for r in &scan.br_lines {
            blank(&mut bytes, r.clone());
        }
        Cow::Owned(
            String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        )
    };
    let body = &prepared[body_start..];
    let mut out = Parsed::default();
    // Consecutive text events are taken as one, as pulldown-cmark's `TextMergeWithOffset` would
    // merge them, without building the merged string: (source range, pieces, all pieces empty).
    let mut pending: Option<(Range<usize>, usize, bool)> = None;
    let flush = |pending: &mut Option<(Range<usize>, usize, bool)>,
                 code_depth: usize,
                 tags: &mut Vec<InlineTag>| {
        if let Some((range, pieces, empty)) = pending.take() {
            // A merge of several empty texts is dropped; a single empty text is kept.
            if code_depth == 0 && (pieces == 1 || !empty) {
                if let Some(raw) = text.get(range.clone()) {
                    find_tags(raw, range.start, text, lines, tags);
                }
            }
        }
    };

    // Link under construction: (syntax, raw dest, has display part, start offset, display text).
    let mut open_link: Option<(LinkSyntax, CowStr, bool, usize, String)> = None;
    let mut heading: Option<(u8, usize, String)> = None;
    let mut code_depth = 0usize;
    let parser = Parser::new_ext(body, options()).into_offset_iter();
    for (event, range) in parser {
        let range = range.start + body_start..range.end + body_start;
        if !matches!(event, Event::Text(_)) {
            flush(&mut pending, code_depth, &mut out.tags);
        }
        match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                ..
            }) => open_link = Some(start_link(link_type, dest_url, false, range.start)),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => open_link = Some(start_link(link_type, dest_url, true, range.start)),
            Event::End(TagEnd::Link) | Event::End(TagEnd::Image) => {
                if let Some((syntax, dest, piped, start, display)) = open_link.take() {
                    let end = range.end.max(start);
                    if let Some(link) =
                        finish_link(syntax, &dest, piped, &display, start..end, lines, comments)
                    {
                        out.links.push(link);
                    }
                }
            }
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, range.start, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, start, text)) = heading.take() {
                    out.headings.push(Heading {
                        level,
                        text: text.trim().to_string(),
                        range: start..range.end,
                        line: lines.line(start),
                    });
                }
            }
            Event::Start(Tag::CodeBlock(_)) => code_depth += 1,
            Event::End(TagEnd::CodeBlock) => code_depth = code_depth.saturating_sub(1),
            Event::Text(t) => {
                if let Some(l) = open_link.as_mut() {
                    l.4.push_str(&t);
                }
                if let Some(h) = heading.as_mut() {
                    h.2.push_str(&t);
                }
                match pending.as_mut() {
                    Some((r, pieces, empty)) => {
                        r.end = range.end;
                        *pieces += 1;
                        *empty &= t.is_empty();
                    }
                    None => pending = Some((range, 1, t.is_empty())),
                }
            }
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                if let Some(l) = open_link.as_mut() {
                    l.4.push_str(&t);
                }
                if let Some(h) = heading.as_mut() {
                    h.2.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(l) = open_link.as_mut() {
                    l.4.push(' ');
                }
            }
            _ => {}
        }
    }
    flush(&mut pending, code_depth, &mut out.tags);
    out.block_ids = scan.block_ids;
    // A vault holds millions of these; growth slack would be a quarter of their memory.
    out.links.shrink_to_fit();
    out.headings.shrink_to_fit();
    out.tags.shrink_to_fit();
    out
}

fn start_link(
    link_type: LinkType,
    dest: CowStr<'_>,
    image: bool,
    start: usize,
) -> (LinkSyntax, CowStr<'_>, bool, usize, String) {
    let (syntax, piped) = match (link_type, image) {
        (LinkType::WikiLink { has_pothole }, false) => (LinkSyntax::Wiki, has_pothole),
        (LinkType::WikiLink { has_pothole }, true) => (LinkSyntax::WikiEmbed, has_pothole),
        (_, false) => (LinkSyntax::Markdown, true),
        (_, true) => (LinkSyntax::MarkdownEmbed, true),
    };
    (syntax, dest, piped, start, String::new())
}

fn finish_link(
    syntax: LinkSyntax,
    dest: &str,
    piped: bool,
    display: &str,
    range: Range<usize>,
    lines: &LineIndex,
    comments: &[Range<usize>],
) -> Option<Link> {
    let wiki = matches!(syntax, LinkSyntax::Wiki | LinkSyntax::WikiEmbed);
    // Byte loops, not `str::find`: link texts are short, and a searcher's setup costs more there.
    if wiki && dest.bytes().any(|b| b == b'\n') {
        return None; // R4: a line ending is not allowed inside a wikilink.
    }
    let known = DestBytes::of(dest);
    finish_link_known(syntax, dest, known, piped, display, range, lines, comments)
}

/// What a link's destination holds that decides how it is read: a `:` (without one it is no URL,
/// R18) and a `#` (without one it has no subpath, R2). The scanner learns both in the pass that
/// finds a wikilink's end.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DestBytes {
    pub colon: bool,
    pub hash: bool,
}

impl DestBytes {
    fn of(dest: &str) -> DestBytes {
        let mut known = DestBytes {
            colon: false,
            hash: false,
        };
        for b in dest.bytes() {
            known.colon |= b == b':';
            known.hash |= b == b'#';
        }
        known
    }
}

/// [`finish_link`] for a destination already read: no line ending in a wikilink's, and `known`
/// says what else it holds.
#[allow(clippy::too_many_arguments)]
fn finish_link_known(
    syntax: LinkSyntax,
    dest: &str,
    known: DestBytes,
    piped: bool,
    display: &str,
    range: Range<usize>,
    lines: &LineIndex,
    comments: &[Range<usize>],
) -> Option<Link> {
    let wiki = matches!(syntax, LinkSyntax::Wiki | LinkSyntax::WikiEmbed);
    // R24: a display that draws nothing (empty, or only zero-width characters such as U+FE0F)
    // shows the target instead.
    let display = piped.then(|| trim(display)).filter(|d| {
        d.chars()
            .any(|c| !c.is_control() && UnicodeWidthChar::width(c).unwrap_or(0) > 0)
    });
    let external = known.colon && is_external(dest);
    // Target and display are borrowed until `Link::new` copies both into the link's one
    // allocation (a vault has hundreds of thousands of links).
    let decoded;
    let (target, subpath) = if external {
        (trim(dest), None)
    } else if wiki {
        // R25: `[[a\|b]]` in a table reaches us as target `a\`.
        let raw = dest.strip_suffix('\\').unwrap_or(dest);
        if known.hash {
            split_linktext(raw)
        } else {
            (trim(raw), None)
        }
    } else {
        if dest.trim().is_empty() {
            return None;
        }
        decoded = percent_encoding::percent_decode_str(dest.trim()).decode_utf8_lossy();
        split_linktext(&decoded)
    };
    if wiki && target.is_empty() && subpath.is_none() {
        return None; // R5: empty targets are not links.
    }
    // Files over 64 MiB are not parsed, so a line number always fits.
    let line = lines.line(range.start) as u32;
    let in_comment = comments.iter().any(|c| c.contains(&range.start));
    Some(Link::new(
        syntax, target, subpath, display, external, range, line, in_comment,
    ))
}

/// Whether `c` may appear in a tag (R37): letters, digits, `_`, `-`, `/`, and other Unicode symbols
/// such as emoji; never whitespace or ASCII punctuation.
pub fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '_' | '-' | '/')
        || (!c.is_ascii() && !c.is_whitespace() && !is_unicode_punctuation(c))
}

fn is_unicode_punctuation(c: char) -> bool {
    matches!(
        c,
        '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{00A0}'..='\u{00BF}'
    )
}

/// Finds `#tags` in the source of one merged text event (R37–R40); the source keeps escapes, so
/// `\#not-a-tag` stays out. `offset` is where that source starts in the file.
fn find_tags(text: &str, offset: usize, file: &str, lines: &LineIndex, out: &mut Vec<InlineTag>) {
    // Every `#` is looked at, and only those: a tag's own characters never include `#`, so skipping
    // over one never skips a `#`, and the character before a `#` is always the one just before it.
    for i in memchr::memchr_iter(b'#', text.as_bytes()) {
        let prev = if i > 0 {
            text[..i].chars().next_back()
        } else if offset > 0 {
            // A text event that starts mid-line follows other inline content; look at the source
            // byte before it so `a**b**#c` does not count, while a tag at the start of a line does.
            file[..offset].chars().next_back()
        } else {
            None
        };
        if !prev.is_none_or(|p| p.is_whitespace()) {
            continue;
        }
        if let Some(name) = tag_after_hash(&text[i + 1..]) {
            out.push(InlineTag {
                name: name.to_string(),
                line: lines.line(offset.min(file.len())),
            });
        }
    }
}

/// The tag whose name starts `rest`, the text right after a `#` (R37, R39): letters, digits, `_`,
/// `-`, `/` and other symbols, not all digits; `None` when no tag starts there.
pub fn tag_after_hash(rest: &str) -> Option<&str> {
    let len: usize = rest
        .chars()
        .take_while(|c| is_tag_char(*c))
        .map(char::len_utf8)
        .sum();
    let name = rest[..len].trim_end_matches('/');
    let numeric = name.chars().all(|c| c.is_ascii_digit() || c == '/');
    (!name.is_empty() && !numeric).then_some(name)
}

/// Normalises a heading for link matching (R20): NFC, every non-alphanumeric character to a space,
/// whitespace collapsed, trimmed, lowercased.
pub fn normalize_heading(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if s.is_ascii() {
        // The same steps, without the allocations: NFC leaves ASCII alone.
        let mut out = String::with_capacity(s.len());
        for word in s
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        }
        return out;
    }
    let composed: Cow<str> = match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.nfc().collect()),
    };
    let mapped: String = composed
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    mapped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether `text` normalises ([`normalize_heading`]) to `normalized`, an already normalised
/// heading. For ASCII text, as headings almost always are, nothing is built: the words are
/// compared as they are found, and the first difference ends the comparison. Resolving a
/// `[[note#Heading]]` link looks at every heading of the note it names.
pub fn heading_matches(text: &str, normalized: &str) -> bool {
    let (t, w) = (text.as_bytes(), normalized.as_bytes());
    // Compared a byte at a time while both sides are ASCII, so that most headings are turned down
    // at their first letter. Anything else is normalised in full: a non-ASCII byte of `text` may
    // compose with the letter before it (`e` + U+0301 is `é`), and one of `normalized` may be
    // what such a letter composes to.
    let (mut i, mut j) = (0, 0);
    loop {
        while i < t.len() && t[i].is_ascii() && !t[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i == t.len() {
            return j == w.len();
        }
        if !t[i].is_ascii() {
            break;
        }
        if j > 0 {
            match w.get(j) {
                Some(b' ') => j += 1,
                Some(c) if !c.is_ascii() => break,
                _ => return false,
            }
        }
        while i < t.len() && t[i].is_ascii_alphanumeric() {
            match w.get(j) {
                Some(&c) if c == t[i].to_ascii_lowercase() => {}
                Some(c) if !c.is_ascii() => return normalize_heading(text) == normalized,
                _ => return false,
            }
            i += 1;
            j += 1;
        }
        if i < t.len() && !t[i].is_ascii() {
            break;
        }
    }
    normalize_heading(text) == normalized
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heading_matches_exactly_what_it_normalises_to() {
        let cases = [
            ("Getting Started", "getting started", true),
            ("  getting---STARTED!! ", "getting started", true),
            ("Getting Started", "getting", false),
            ("Getting", "getting started", false),
            ("Getting Startedx", "getting started", false),
            ("Getting  Started", "gettingstarted", false),
            ("", "", true),
            ("!!", "", true),
            ("Café au lait", "café au lait", true),
            ("Cafe\u{301} au lait", "café au lait", true),
            ("Cafe au lait", "café au lait", false),
            ("Cafe\u{301} au lait", "cafe au lait", false),
            ("\u{212a}elvin", "kelvin", true),
            ("I\u{307}dea", "i\u{307}dea", true),
            ("Idea", "i\u{307}dea", false),
        ];
        for (text, normalized, expected) in cases {
            assert_eq!(
                heading_matches(text, normalized),
                expected,
                "{text:?} ~ {normalized:?}"
            );
            assert_eq!(normalize_heading(text) == normalized, expected, "{text:?}");
        }
    }

    proptest::proptest! {
        /// The line scan's quick path for ordinary lines finds the same fences, lone `<br>` lines
        /// and block ids (R22) as reading every line in full, on notes glued from lines that
        /// start or end each construct, in and out of code, with and without frontmatter.
        #[test]
        fn the_line_scan_quick_path_finds_what_reading_every_line_finds(
            picks in proptest::collection::vec(0usize..28, 0..40),
            body_start_line in 0usize..4,
        ) {
            const LINES: [&str; 28] = [
                "text ^abc-1", "text ^abc", "^solo", "[[a]]^x", "- item ^id", "word", "",
                "```", "````", "~~~", "> ```", "  ~~~ ", "```js", "<br>", " <br/>", "<BR> <br >",
                "\u{a0}<br>", "\u{a0}^nb", "text ^id\u{a0}", "text ^id\u{2003}", "\t^tab",
                "# h ^hid", "é ^é", "x ^a\r", "1. ^num", "|a|b| ^t", "text^nospace", "x ^-",
            ];
            let text: String = picks.iter().map(|&k| format!("{}\n", LINES[k])).collect();
            let body_start = text
                .match_indices('\n')
                .nth(body_start_line)
                .map_or(0, |(i, _)| i + 1);
            let lines = LineIndex::new(&text);
            let quick = scan_lines(&text, body_start, &lines);
            let full = scan_lines_with(&text, body_start, &lines, false);
            proptest::prop_assert_eq!(&quick.code, &full.code, "{:?}", text);
            proptest::prop_assert_eq!(&quick.br_lines, &full.br_lines, "{:?}", text);
            proptest::prop_assert_eq!(&quick.block_ids, &full.block_ids, "{:?}", text);
        }

        /// `is_external` reads a scheme as the rule states it (R18): the text before the first
        /// `:`, two or more letters, digits, `+`, `.` or `-`, led by a letter, and `://` after
        /// it or one of the schemes that go without.
        #[test]
        fn is_external_reads_the_scheme_before_the_first_colon(
            t in "[ \t]?(https?|mailto|tel|obsidian|ftp|a|a1|x-y|1ab|é)?[:/ a-zA-Z0-9+.é_#-]{0,10}[ \n]?",
        ) {
            let stated = |target: &str| {
                let t = target.trim();
                let Some(colon) = t.find(':') else {
                    return false;
                };
                let scheme = &t[..colon];
                scheme.len() >= 2
                    && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                    && scheme
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
                    && (t[colon..].starts_with("://") || matches!(scheme, "mailto" | "tel" | "obsidian"))
            };
            proptest::prop_assert_eq!(is_external(&t), stated(&t), "{:?}", t);
        }

        /// The quick `trim` is `str::trim`.
        #[test]
        fn trim_is_str_trim(s in "[ \t\n\u{b}\u{c}\r\u{85}\u{a0}\u{2003}\u{3000}a-z.é~!]{0,8}") {
            proptest::prop_assert_eq!(trim(&s), s.trim());
        }

        /// `heading_matches` is `normalize_heading` compared, for any pair of headings (R20).
        #[test]
        fn heading_matches_agrees_with_normalize_heading(
            text in "[a-zA-Z0-9 #_.é=-]{0,24}|[aeiIKkx \u{301}\u{307}\u{338}\u{212a}\u{130}=é]{0,8}",
            other in "[a-zA-Z0-9 #_.é=-]{0,24}|[aeiIKkx \u{301}\u{307}\u{338}\u{212a}\u{130}=é]{0,8}",
        ) {
            for wanted in [normalize_heading(&other), normalize_heading(&text)] {
                proptest::prop_assert_eq!(
                    heading_matches(&text, &wanted),
                    normalize_heading(&text) == wanted
                );
            }
        }
    }

    #[test]
    fn context_is_the_links_line_cut_to_its_limits() {
        let long = "x".repeat(100);
        let text = format!("first\n  {long} see [[a]] then {long}\nlast\n");
        let start = text.find("[[a]]").unwrap();
        let (before, after) = context(&text, &(start..start + 5));
        assert_eq!(before.chars().count(), CONTEXT_CHARS);
        assert!(before.ends_with("x see "));
        assert_eq!(after.chars().count(), CONTEXT_CHARS);
        assert!(after.starts_with(" then x"));
        let short = "- [[a]]\n";
        assert_eq!(context(short, &(2..7)), ("- ".into(), String::new()));
    }

    #[test]
    fn context_of_a_range_the_text_no_longer_has_is_empty() {
        let empty = (String::new(), String::new());
        assert_eq!(context("short", &(3..40)), empty);
        #[allow(clippy::reversed_empty_ranges)]
        let reversed = 4..2;
        assert_eq!(context("short", &reversed), empty);
        assert_eq!(context("é", &(1..2)), empty, "not a char boundary");
    }

    #[test]
    fn a_links_target_and_display_come_apart_from_their_one_text() {
        let link = |target, display| {
            Link::new(
                LinkSyntax::Wiki,
                target,
                None,
                display,
                false,
                0..9,
                1,
                false,
            )
        };
        let shown = link("née", Some("shown"));
        assert_eq!((shown.target(), shown.display()), ("née", Some("shown")));
        assert_eq!(
            (link("", Some("x")).target(), link("a", None).target()),
            ("", "a")
        );
        // Only the display marker tells these apart: their texts are both "a".
        assert_eq!(link("a", Some("")).display(), Some(""));
        assert_eq!(link("a", None).display(), None);
        assert_ne!(link("a", Some("")), link("a", None));
        assert_ne!(link("ab", None), link("a", Some("b")));
        // The hash the graph's memo finds a target by is the target's alone.
        let hash = |l: Link| l.target_hash();
        assert_eq!(hash(link("a", Some("b"))), hash(link("a", None)));
        assert_eq!(hash(shown), target_hash("née"));
        assert_ne!(hash(link("ab", None)), hash(link("a", Some("b"))));
    }

    #[test]
    fn a_link_prints_its_target_and_display_as_fields() {
        let link = Link::new(
            LinkSyntax::Markdown,
            "a b",
            Some(Subpath::Block("id".into())),
            Some("text"),
            false,
            3..20,
            2,
            true,
        );
        assert_eq!(
            format!("{link:?}"),
            "Link { syntax: Markdown, target: \"a b\", subpath: Some(Block(\"id\")), \
             display: Some(\"text\"), external: false, range: 3..20, line: 2, in_comment: true }"
        );
    }
}
