//! Reads one note's Markdown into what the graph needs: links with their source ranges, headings,
//! block ids and tags (OFM R1–R29, R22, R37–R40, R45, R50).
//!
//! pulldown-cmark does the CommonMark work; this module applies the Obsidian rules it leaves to the
//! application (R56): trimming, the `\|` escape, subpaths, comments, tags and the lone `<br/>` line.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, TextMergeWithOffset};
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
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// How it was written.
    pub syntax: LinkSyntax,
    /// The target path, trimmed, with a table's trailing `\` removed; empty for `[[#Heading]]`.
    /// For Markdown links it is percent-decoded (R14, R29).
    pub target: String,
    /// The heading chain or block after `#`, if any.
    pub subpath: Option<Subpath>,
    /// The display text after `|` (or a Markdown link's text), trimmed; `None` when absent or when
    /// it draws nothing: empty, or only zero-width characters (R24: show the target instead).
    pub display: Option<String>,
    /// `true` when the target is a URL with a scheme (R18, R29): not a graph edge.
    pub external: bool,
    /// Byte range of the whole link in the note's file text.
    pub range: Range<usize>,
    /// 1-based line of the link's start in the file.
    pub line: usize,
    /// The link sits inside a `%%comment%%` (R6): kept in the graph, hidden when rendering.
    pub in_comment: bool,
    /// Up to [`CONTEXT_CHARS`] characters of the link's line before it, for showing backlinks in
    /// context without reading the note again.
    pub before: String,
    /// Up to [`CONTEXT_CHARS`] characters of the link's line after it.
    pub after: String,
}

/// How much of a link's line is kept on each side of it.
pub const CONTEXT_CHARS: usize = 80;

/// Fills `before` and `after` of each link from the file's text.
pub fn fill_context(links: &mut [Link], text: &str) {
    for link in links {
        let start = link.range.start.min(text.len());
        let end = link.range.end.clamp(start, text.len());
        let (Some(head), Some(tail)) = (text.get(..start), text.get(end..)) else {
            continue;
        };
        let line_start = head.rfind('\n').map_or(0, |i| i + 1);
        let before = head[line_start..].trim_start();
        let skip = before.chars().count().saturating_sub(CONTEXT_CHARS);
        link.before = before.chars().skip(skip).collect();
        let after = tail.split('\n').next().unwrap_or("").trim_end();
        link.after = after.chars().take(CONTEXT_CHARS).collect();
    }
}

impl Link {
    /// The linktext as the user wrote it, without display text: `target#subpath`.
    pub fn linktext(&self) -> String {
        match &self.subpath {
            None => self.target.clone(),
            Some(Subpath::Heading(h)) => format!("{}#{}", self.target, h.join("#")),
            Some(Subpath::Block(b)) => format!("{}#^{}", self.target, b),
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
        if let Some(d) = &self.display {
            return d.clone();
        }
        let mut parts: Vec<String> = Vec::new();
        if !self.target.is_empty() {
            parts.push(self.target.clone());
        }
        match &self.subpath {
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
        let mut starts = vec![0];
        starts.extend(memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
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

fn memchr_iter(needle: u8, hay: &[u8]) -> impl Iterator<Item = usize> + '_ {
    hay.iter()
        .enumerate()
        .filter(move |(_, b)| **b == needle)
        .map(|(i, _)| i)
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

/// Whether `at` lies in one of `ranges`, which are sorted and disjoint (as [`fenced_code_lines`]
/// makes them): a binary search, so scanning a large note stays linear.
fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let k = ranges.partition_point(|r| r.end <= at);
    ranges.get(k).is_some_and(|r| r.contains(&at))
}

/// Byte ranges of `%%comments%%` in `text`, outside fenced code and inline code spans (R45).
/// An unclosed `%%` runs to the end of the note, as in Obsidian.
pub fn comment_ranges(text: &str) -> Vec<Range<usize>> {
    let code = fenced_code_lines(text);
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut open: Option<usize> = None;
    let mut in_span: Option<usize> = None; // backtick run length of an open code span
    while i < bytes.len() {
        if open.is_none() {
            let k = code.partition_point(|r| r.end <= i);
            if let Some(r) = code.get(k).filter(|r| r.contains(&i)) {
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
        i += 1;
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
    let mut bytes = text.as_bytes().to_vec();
    let code = fenced_code_lines(text);
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if !in_ranges(&code, pos) && is_lone_br_line(line) {
            blank(
                &mut bytes,
                pos..pos + line.trim_end_matches(['\n', '\r']).len(),
            );
        }
        pos += line.len();
    }
    if hide_comments {
        for r in comment_ranges(text) {
            blank(&mut bytes, r);
        }
    }
    // Only ASCII bytes were replaced by spaces, and only whole UTF-8 sequences inside ranges that
    // begin and end on ASCII, so the text is still valid UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
    let mut rest = line.trim();
    if rest.is_empty() {
        return false;
    }
    while !rest.is_empty() {
        let lower = rest.get(..3).map(str::to_ascii_lowercase);
        if lower.as_deref() != Some("<br") {
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
    let t = target.trim();
    let Some(colon) = t.find(':') else {
        return false;
    };
    let scheme = &t[..colon];
    let valid_scheme = scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'));
    valid_scheme
        && (t[colon..].starts_with("://") || matches!(scheme, "mailto" | "tel" | "obsidian"))
}

/// Splits linktext at the first `#` into path and subpath (R2, R23); trims each part (R3).
pub fn split_linktext(text: &str) -> (String, Option<Subpath>) {
    let Some(hash) = text.find('#') else {
        return (text.trim().to_string(), None);
    };
    let path = text[..hash].trim().to_string();
    let sub = text[hash + 1..].trim();
    if let Some(block) = sub.strip_prefix('^') {
        let block = block.trim();
        return (
            path,
            (!block.is_empty()).then(|| Subpath::Block(block.to_string())),
        );
    }
    let parts: Vec<String> = sub
        .split('#')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    (path, (!parts.is_empty()).then_some(Subpath::Heading(parts)))
}

/// Parses a note. `text` is the whole file; `body_start` is where the Markdown body begins (after the
/// frontmatter). Ranges and lines refer to the whole file.
pub fn parse(text: &str, body_start: usize) -> Parsed {
    let lines = LineIndex::new(text);
    let comments = comment_ranges(text);
    let prepared = prepare(text, false);
    let body = &prepared[body_start..];
    let mut out = Parsed::default();

    // Link under construction: (syntax, raw dest, has display part, start offset, display text).
    let mut open_link: Option<(LinkSyntax, String, bool, usize, String)> = None;
    let mut heading: Option<(u8, usize, String)> = None;
    let mut code_depth = 0usize;
    let parser = TextMergeWithOffset::new(Parser::new_ext(body, options()).into_offset_iter());
    for (event, range) in parser {
        let range = range.start + body_start..range.end + body_start;
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
                        finish_link(syntax, &dest, piped, display, start..end, &lines, &comments)
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
                if code_depth == 0 {
                    if let Some(raw) = text.get(range.clone()) {
                        find_tags(raw, range.start, text, &lines, &mut out.tags);
                    }
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
    out.block_ids = find_block_ids(text, body_start, &lines);
    fill_context(&mut out.links, text);
    out
}

fn start_link(
    link_type: LinkType,
    dest: CowStr<'_>,
    image: bool,
    start: usize,
) -> (LinkSyntax, String, bool, usize, String) {
    let (syntax, piped) = match (link_type, image) {
        (LinkType::WikiLink { has_pothole }, false) => (LinkSyntax::Wiki, has_pothole),
        (LinkType::WikiLink { has_pothole }, true) => (LinkSyntax::WikiEmbed, has_pothole),
        (_, false) => (LinkSyntax::Markdown, true),
        (_, true) => (LinkSyntax::MarkdownEmbed, true),
    };
    (syntax, dest.into_string(), piped, start, String::new())
}

fn finish_link(
    syntax: LinkSyntax,
    dest: &str,
    piped: bool,
    display: String,
    range: Range<usize>,
    lines: &LineIndex,
    comments: &[Range<usize>],
) -> Option<Link> {
    let wiki = matches!(syntax, LinkSyntax::Wiki | LinkSyntax::WikiEmbed);
    if wiki && dest.contains('\n') {
        return None; // R4: a line ending is not allowed inside a wikilink.
    }
    // R24: a display that draws nothing (empty, or only zero-width characters such as U+FE0F)
    // shows the target instead.
    let display = piped.then(|| display.trim().to_string()).filter(|d| {
        d.chars()
            .any(|c| !c.is_control() && UnicodeWidthChar::width(c).unwrap_or(0) > 0)
    });
    let external = is_external(dest);
    let (target, subpath) = if external {
        (dest.trim().to_string(), None)
    } else if wiki {
        // R25: `[[a\|b]]` in a table reaches us as target `a\`.
        let raw = dest.strip_suffix('\\').unwrap_or(dest);
        split_linktext(raw)
    } else {
        if dest.trim().is_empty() {
            return None;
        }
        let decoded = percent_encoding::percent_decode_str(dest.trim()).decode_utf8_lossy();
        split_linktext(&decoded)
    };
    if wiki && target.is_empty() && subpath.is_none() {
        return None; // R5: empty targets are not links.
    }
    Some(Link {
        syntax,
        target,
        subpath,
        display,
        external,
        line: lines.line(range.start),
        in_comment: comments.iter().any(|c| c.contains(&range.start)),
        before: String::new(),
        after: String::new(),
        range,
    })
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
    let mut prev: Option<char> = None;
    // A text event that starts mid-line follows other inline content; look at the source byte before
    // it so `a**b**#c` does not count, while a tag at the start of a line does.
    if offset > 0 {
        prev = file[..offset].chars().next_back();
    }
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let boundary = prev.is_none_or(|p| p.is_whitespace());
        if c == '#' && boundary {
            let rest = &text[i + 1..];
            let len: usize = rest
                .chars()
                .take_while(|c| is_tag_char(*c))
                .map(char::len_utf8)
                .sum();
            let name = rest[..len].trim_end_matches('/');
            if !name.is_empty() && !name.chars().all(|c| c.is_ascii_digit() || c == '/') {
                out.push(InlineTag {
                    name: name.to_string(),
                    line: lines.line(offset.min(file.len())),
                });
            }
            // Skip the tag's characters.
            for _ in 0..rest[..len].chars().count() {
                iter.next();
            }
            prev = rest[..len].chars().next_back().or(Some('#'));
            continue;
        }
        prev = Some(c);
    }
}

/// Finds `^block-id` markers (R22): at the end of a line after a space (or right after `]]`), or alone
/// on a line; letters, digits and `-`. Lines in fenced code are skipped.
fn find_block_ids(text: &str, body_start: usize, lines: &LineIndex) -> Vec<BlockId> {
    let code = fenced_code_lines(text);
    let mut out = Vec::new();
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        if start < body_start || in_ranges(&code, start) {
            continue;
        }
        let content = line.trim_end();
        let Some(caret) = content.rfind('^') else {
            continue;
        };
        let id = &content[caret + 1..];
        if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            continue;
        }
        let before = &content[..caret];
        let ok = before.trim().is_empty()
            || before.ends_with(' ')
            || before.ends_with('\t')
            || before.ends_with("]]");
        if ok {
            out.push(BlockId {
                id: id.to_string(),
                line: lines.line(start),
                range: start + caret..start + content.len(),
            });
        }
    }
    out
}

/// Normalises a heading for link matching (R20): NFC, every non-alphanumeric character to a space,
/// whitespace collapsed, trimmed, lowercased.
pub fn normalize_heading(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mapped: String = s
        .nfc()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    mapped
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
