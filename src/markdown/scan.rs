//! The fast path of [`super::parse`]: a hand-written scanner for the common subset of Markdown that
//! finds exactly what the pulldown-cmark path finds, in about half its time (1.4× faster than
//! pulldown-cmark's events alone: `cargo bench --bench parse`), and gives up (`None`) on anything it
//! does not handle exactly, so the caller falls back to pulldown-cmark.
//!
//! Exactness comes from being conservative: block structure is followed only for paragraphs, ATX
//! headings, top-level fenced code, block quotes, list items, thematic breaks and top-level pipe
//! tables; inline, only code spans, escapes, inline HTML tags, URL autolinks, wikilinks and simple
//! `[text](dest)` links are read. Everything whose events could differ (HTML blocks, indented code,
//! setext headings, reference definitions, footnotes, math, emphasis or entities inside text that is
//! kept, constructs spanning lines) makes the scanner bail.

use std::ops::Range;

use super::{
    finish_link, finish_link_known, tag_after_hash, DestBytes, Heading, InlineTag, LineIndex, Link,
    LinkSyntax, Parsed,
};

/// Block containers a line can sit in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// `>`
    Quote,
    /// A list item whose content starts at this column (bytes from the line start; tabs bail).
    Item(usize),
}

/// Tag names that start an HTML block of kinds 1 and 6 (CommonMark 4.6), which can interrupt a
/// paragraph; pulldown-cmark's own list plus the kind-1 names.
const BLOCK_TAGS: &[&str] = &[
    "address",
    "article",
    "aside",
    "base",
    "basefont",
    "blockquote",
    "body",
    "caption",
    "center",
    "col",
    "colgroup",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "frame",
    "frameset",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "head",
    "header",
    "hr",
    "html",
    "iframe",
    "legend",
    "li",
    "link",
    "main",
    "menu",
    "menuitem",
    "nav",
    "noframes",
    "ol",
    "optgroup",
    "option",
    "p",
    "param",
    "search",
    "section",
    "summary",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "title",
    "tr",
    "track",
    "ul",
    "pre",
    "script",
    "style",
    "textarea",
];

/// What a line's first character (after containers and indentation) starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// Text that continues or starts a paragraph.
    Text,
    /// `#` heading of this level; content begins at the given offset.
    Heading(u8, usize),
    /// A code fence of this character and length.
    Fence(u8, usize),
    /// `***`, `---`, `___`.
    Break,
    /// A line that is a setext underline if it follows a paragraph.
    Setext,
    /// `<!--`: an HTML block (CommonMark 4.6, kind 2) up to the line holding `-->`.
    Comment,
}

/// A block whose lines are not Markdown, open inside containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    /// Fenced code: the fence's character and length.
    Fence(u8, usize),
    /// Indented code.
    Indented,
    /// An HTML comment block.
    Comment,
}

/// A `[` or `![` waiting for its `]`.
#[derive(Debug, Clone, Copy)]
struct Opener {
    /// Offset of `[` (or of `!` for an image).
    pos: usize,
    image: bool,
    disabled: bool,
    /// [`Scanner::link_epoch`] when it was pushed: a `[` pushed before a link was made is dead.
    epoch: usize,
    /// The `![` left on pulldown-cmark's link stack by a `![[embed]]`: still live there, so a later
    /// `](dest)` would wrap the embed in an image; the scanner bails on that.
    poisoned: bool,
    /// The segment (line) it is on.
    seg: usize,
    /// Length of the content sink when it was pushed (its `[` or `![` follows).
    sink_len: usize,
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    lines: &'a LineIndex,
    comments: &'a [Range<usize>],
    out: Parsed,
    /// Segments (content of each line) of the open paragraph.
    para: Vec<Range<usize>>,
    openers: Vec<Opener>,
    /// Links made so far in this block (see [`Scanner::disable_links`]).
    link_epoch: usize,
    /// Cells of the table row being read (kept to save an allocation per row).
    cells: Vec<Range<usize>>,
    /// Whether the body holds a `$` at all: most do not, and then no block needs counting them.
    dollars: bool,
}

/// The scanner's lists, kept by each thread from one note to the next. A note's lists grew from
/// empty (its links three or four times, each time moved to a larger allocation) and were shrunk
/// to their length at the end, once more; now each is moved once into a list of its length.
#[derive(Default)]
struct Scratch {
    links: Vec<Link>,
    headings: Vec<Heading>,
    tags: Vec<InlineTag>,
    para: Vec<Range<usize>>,
    openers: Vec<Opener>,
    cells: Vec<Range<usize>>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// The items of `v` in a list of exactly their number, leaving `v` empty with its room.
fn exact<T>(v: &mut Vec<T>) -> Vec<T> {
    let mut out = Vec::with_capacity(v.len());
    out.append(v);
    out
}

/// The fast path: `Some` exactly when the note holds only constructs the scanner reads exactly;
/// then it equals what pulldown-cmark gives (block ids are left to the caller).
pub(super) fn scan_fast_in(
    text: &str,
    body_start: usize,
    lines: &LineIndex,
    br_lines: &[Range<usize>],
    comments: &[Range<usize>],
) -> Option<Parsed> {
    let bytes = text.as_bytes();
    if body_start > text.len() || (body_start > 0 && bytes[body_start - 1] != b'\n') {
        return None;
    }
    let body = &bytes[body_start..];
    // Reference definitions and footnotes change what brackets mean; CR and NUL change lines and text.
    if memchr::memchr2(b'\r', b'\0', body).is_some()
        || memchr::memmem::find(body, b"[^").is_some()
        || memchr::memmem::find_iter(body, b"]:").any(|k| may_define(bytes, body_start + k))
    {
        return None;
    }
    let scratch = SCRATCH.with(|c| std::mem::take(&mut *c.borrow_mut()));
    let mut s = Scanner {
        text,
        bytes,
        lines,
        comments,
        out: Parsed {
            links: scratch.links,
            headings: scratch.headings,
            tags: scratch.tags,
            block_ids: Vec::new(),
        },
        para: scratch.para,
        openers: scratch.openers,
        dollars: memchr::memchr(b'$', body).is_some(),
        cells: scratch.cells,
        link_epoch: 0,
    };
    let done = s.blocks(body_start, br_lines);
    let Scanner {
        mut out,
        mut para,
        mut openers,
        mut cells,
        ..
    } = s;
    let parsed = done.map(|()| Parsed {
        links: exact(&mut out.links),
        headings: exact(&mut out.headings),
        tags: exact(&mut out.tags),
        block_ids: Vec::new(),
    });
    out.links.clear();
    out.headings.clear();
    out.tags.clear();
    para.clear();
    openers.clear();
    cells.clear();
    SCRATCH.with(|c| {
        *c.borrow_mut() = Scratch {
            links: out.links,
            headings: out.headings,
            tags: out.tags,
            para,
            openers,
            cells,
        }
    });
    parsed
}

/// Whether the `]:` at `at` may end the label of a link reference definition: its line holds no
/// `[` before it (the label may have begun on an earlier line), or its last `[` is escaped or has
/// nothing before it but indentation and container markers.
fn may_define(bytes: &[u8], at: usize) -> bool {
    let line_start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |k| k + 1);
    let Some(open) = memchr::memrchr(b'[', &bytes[line_start..at]).map(|k| line_start + k) else {
        return true;
    };
    open == 0
        || bytes[open - 1] == b'\\'
        || bytes[line_start..open].iter().all(|b| {
            matches!(
                b,
                b' ' | b'\t' | b'>' | b'-' | b'*' | b'+' | b'.' | b')' | b'0'..=b'9'
            )
        })
}

/// Whether what follows a closing fence's run lets it close: only spaces (pulldown-cmark does not
/// close on a tab there, the spec does; a tab bails).
fn closes(after: &[u8]) -> Option<bool> {
    if after.contains(&b'\t') && is_blank(after) {
        return None;
    }
    Some(after.iter().all(|b| *b == b' '))
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| *b == b' ' || *b == b'\t')
}

/// Spaces at the start of `line`; `None` when a tab is among the indentation (tabs bail).
fn indent(line: &[u8]) -> Option<usize> {
    let n = line.iter().take_while(|b| **b == b' ').count();
    (line.get(n) != Some(&b'\t')).then_some(n)
}

/// A list marker at the start of `rest`: (marker length, ordered start number if ordered).
fn list_marker(rest: &[u8]) -> Option<(usize, Option<u64>)> {
    match rest.first()? {
        b'-' | b'+' | b'*' => Some((1, None)),
        b'0'..=b'9' => {
            let n = rest.iter().take_while(|b| b.is_ascii_digit()).count();
            if n > 9 || !matches!(rest.get(n), Some(b'.' | b')')) {
                return None;
            }
            let num = std::str::from_utf8(&rest[..n]).ok()?.parse().ok()?;
            Some((n + 1, Some(num)))
        }
        _ => None,
    }
}

/// Whether `rest` (indentation stripped) begins with a list marker that starts an item.
fn starts_item(rest: &[u8]) -> bool {
    list_marker(rest).is_some_and(|(m, _)| matches!(rest.get(m), None | Some(b' ' | b'\t')))
}

/// Whether `rest` (indentation stripped) is a thematic break of `*`, `-` or `_`.
fn is_break(rest: &[u8]) -> bool {
    let Some(&c) = rest.first() else { return false };
    if !matches!(c, b'*' | b'-' | b'_') {
        return false;
    }
    let mut n = 0;
    for &b in rest {
        if b == c {
            n += 1;
        } else if b != b' ' && b != b'\t' {
            return false;
        }
    }
    n >= 3
}

/// Whether the line looks like a table delimiter row (only `|`, `-`, `:` and blanks, with a `-`
/// and a `|` or `:`): such a line anywhere but where a recognised table expects it bails.
fn is_delim_like(rest: &[u8]) -> bool {
    let mut dash = false;
    let mut bar = false;
    for &b in rest {
        match b {
            b'-' => dash = true,
            b'|' | b':' => bar = true,
            b' ' | b'\t' => {}
            _ => return false,
        }
    }
    dash && bar
}

/// What `rest` (indentation stripped, not blank) starts, or `None` when it may start a block the
/// scanner does not handle.
fn classify(rest: &[u8], para_open: bool) -> Option<Start> {
    let c = rest[0];
    match c {
        b'#' => {
            let n = rest.iter().take_while(|b| **b == b'#').count();
            if n <= 6 {
                match rest.get(n) {
                    None | Some(b'\n') => return Some(Start::Heading(n as u8, n)),
                    Some(b' ') => return Some(Start::Heading(n as u8, n)),
                    Some(b'\t') => return None,
                    _ => {}
                }
            }
            Some(Start::Text)
        }
        b'`' | b'~' => {
            let n = rest.iter().take_while(|b| **b == c).count();
            if n < 3 {
                return Some(Start::Text);
            }
            if c == b'`' && memchr::memchr(b'`', &rest[n..]).is_some() {
                return None; // not a fence: a code span; rare enough to leave to pulldown-cmark
            }
            Some(Start::Fence(c, n))
        }
        b'<' => {
            let after = &rest[1..];
            let after = after.strip_prefix(b"/").unwrap_or(after);
            match after.first() {
                Some(b'!') if rest.starts_with(b"<!--") => Some(Start::Comment),
                Some(b'!' | b'?') => None,
                Some(a) if a.is_ascii_alphabetic() => {
                    let n = after
                        .iter()
                        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
                        .count();
                    let name = &after[..n];
                    if BLOCK_TAGS
                        .iter()
                        .any(|t| t.as_bytes().eq_ignore_ascii_case(name))
                    {
                        return None;
                    }
                    if para_open {
                        return Some(Start::Text); // kind 7 cannot interrupt a paragraph
                    }
                    // Kind 7: a whole tag and nothing after it.
                    match html_tag(rest, 0) {
                        Ok(end) if is_blank(&rest[end..]) => None,
                        Err(true) => None,
                        _ => Some(Start::Text),
                    }
                }
                _ => Some(Start::Text),
            }
        }
        b'=' => {
            if para_open && rest.iter().all(|b| matches!(b, b'=' | b' ' | b'\t')) {
                return Some(Start::Setext);
            }
            Some(Start::Text)
        }
        b'*' | b'-' | b'_' => {
            if c == b'-' && para_open && rest.iter().all(|b| matches!(b, b'-' | b' ' | b'\t')) {
                return Some(Start::Setext);
            }
            if is_break(rest) {
                return Some(Start::Break);
            }
            Some(Start::Text)
        }
        _ => Some(Start::Text),
    }
}

/// How the timestamps that fill podcast notes open (`<a class="yt-timestamp" data-t="00:57:14">`,
/// twenty a note in the generated vaults and in hubermanlab).
const TIMESTAMP_TAG: &[u8] = b"<a class=\"yt-timestamp\" data-t=\"";

/// How a podcast timestamp closes, after its bracketed time.
const TIMESTAMP_CLOSE: &[u8] = b"</a>";

/// After a timestamp's opening tag (`s[tag..open]`), the end of `[00:57:14]</a>`, when that is
/// what follows: a time in brackets (digits and colons) and the closing tag, on this line. The
/// brackets are text (nothing inside can be a link, and `]` followed by `<` ends none; notes with
/// reference definitions never reach the scanner), and the closing tag is HTML, which the kept
/// text leaves out: the scanner takes all of it in one step instead of four stops.
fn timestamp_rest(s: &[u8], tag: usize, open: usize) -> Option<usize> {
    if !s[tag..open].starts_with(TIMESTAMP_TAG) || s.get(open) != Some(&b'[') {
        return None;
    }
    let time = s[open + 1..]
        .iter()
        .take_while(|b| b.is_ascii_digit() || **b == b':')
        .count();
    let close = open + 1 + time;
    (time > 0 && s.get(close) == Some(&b']') && s[close + 1..].starts_with(TIMESTAMP_CLOSE))
        .then_some(close + 1 + TIMESTAMP_CLOSE.len())
}

/// End (exclusive, relative to `s`) of the HTML open or closing tag starting at `s[at]` (`<`), on
/// this line only (CommonMark 6.6). `Err(true)` when the line ends first, so the tag might go on
/// over the next line; `Err(false)` when it is certainly no tag.
///
/// A timestamp's opening tag is recognised whole: read a byte at a time, it cost ≈ 3% of the
/// load's instructions on the generated vaults (cachegrind, 10,000 notes). Anything else, and a timestamp tag that does
/// not close right after its value, is read by [`html_tag_read`].
fn html_tag(s: &[u8], at: usize) -> Result<usize, bool> {
    if let Some(rest) = s.get(at..).and_then(|r| r.strip_prefix(TIMESTAMP_TAG)) {
        if let Some(q) = memchr::memchr(b'"', rest) {
            if rest.get(q + 1) == Some(&b'>') {
                return Ok(at + TIMESTAMP_TAG.len() + q + 2);
            }
        }
    }
    html_tag_read(s, at)
}

/// [`html_tag`], read a byte at a time.
fn html_tag_read(s: &[u8], at: usize) -> Result<usize, bool> {
    let get = |i: usize| s.get(i).copied().ok_or(true);
    let mut i = at + 1;
    let closing = get(i)? == b'/';
    if closing {
        i += 1;
    }
    if !get(i)?.is_ascii_alphabetic() {
        return Err(false);
    }
    while s
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'-')
    {
        i += 1;
    }
    if closing {
        while s.get(i) == Some(&b' ') {
            i += 1;
        }
        return if get(i)? == b'>' {
            Ok(i + 1)
        } else {
            Err(false)
        };
    }
    loop {
        let ws = s[i.min(s.len())..]
            .iter()
            .take_while(|b| **b == b' ')
            .count();
        i += ws;
        match get(i)? {
            b'>' => return Ok(i + 1),
            b'/' => {
                return if get(i + 1)? == b'>' {
                    Ok(i + 2)
                } else {
                    Err(false)
                }
            }
            b if ws > 0 && (b.is_ascii_alphabetic() || b == b'_' || b == b':') => {
                while s.get(i).is_some_and(|b| {
                    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-')
                }) {
                    i += 1;
                }
                let save = i;
                let ws2 = s[i.min(s.len())..]
                    .iter()
                    .take_while(|b| **b == b' ')
                    .count();
                if get(i + ws2)? == b'=' {
                    i += ws2 + 1;
                    i += s[i.min(s.len())..]
                        .iter()
                        .take_while(|b| **b == b' ')
                        .count();
                    match get(i)? {
                        q @ (b'"' | b'\'') => {
                            let close = memchr::memchr(q, &s[i + 1..]).ok_or(true)?;
                            i += close + 2;
                        }
                        _ => {
                            let n = s[i..]
                                .iter()
                                .take_while(|b| {
                                    !matches!(b, b' ' | b'"' | b'\'' | b'=' | b'<' | b'>' | b'`')
                                        && !b.is_ascii_control()
                                })
                                .count();
                            if n == 0 {
                                return Err(false);
                            }
                            i += n;
                        }
                    }
                } else {
                    i = save;
                }
            }
            _ => return Err(false),
        }
    }
}

/// A lookup table of the bytes in `s`.
const fn byte_set(s: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
}

/// Bytes the inline scanner stops at.
const SPECIAL: [bool; 256] = byte_set(b"`[]!<#\\&*_~$");

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that is at least `n` (`n` below 0x80; bytes of `w` with their
/// high bit set answer yes and are masked out by the caller).
fn at_least(w: u64, n: u8) -> u64 {
    // (b | 0x80) - n never borrows from the next byte, so each byte is compared on its own.
    ((w | HI) - LO * u64::from(n)) & HI
}

/// The first byte in `bytes[i..end]` that may matter in a paragraph (`!"#$`, `<`, `[\]^_` and a
/// backtick), or `end`: eight bytes at a time, as most of a note is plain prose. The
/// candidates that do not matter outside kept text (`"`, `^`, `_`, a lone `$`) are read as text.
fn next_candidate(bytes: &[u8], mut i: usize, end: usize) -> usize {
    while i + 8 <= end {
        let mut word = [0u8; 8];
        word.copy_from_slice(&bytes[i..i + 8]);
        let w = u64::from_le_bytes(word);
        let ascii = !w & HI;
        let hit = ((at_least(w, 0x21) & !at_least(w, 0x25))
            | (at_least(w, 0x3C) & !at_least(w, 0x3D))
            | (at_least(w, 0x5B) & !at_least(w, 0x61)))
            & ascii;
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    bytes[i..end]
        .iter()
        .position(|b| matches!(b, b'!'..=b'$' | b'<' | b'['..=b'`'))
        .map_or(end, |k| i + k)
}

/// Bytes a wikilink's body is checked for.
const WIKI_SPECIAL: [bool; 256] = byte_set(b"|#`<[]$\\*~&!_:");

/// Whether a link's or heading's kept text may hold `region` as written: no byte whose meaning
/// pulldown-cmark could change (emphasis, entities, escapes, nested constructs).
fn plain_content(region: &[u8]) -> bool {
    for (k, &b) in region.iter().enumerate() {
        match b {
            b'`' | b'<' | b'[' | b']' | b'\\' | b'*' | b'~' | b'&' | b'$' | b'!' | b'\n' => {
                return false
            }
            b'_' if !intraword(region, k) => return false,
            _ => {}
        }
    }
    true
}

/// Whether heading content may have its text read by the scanner: no byte outside a construct whose
/// meaning could change the text (emphasis, strikethrough, entities, escapes).
fn plain_content_outside_constructs(region: &[u8]) -> bool {
    region.iter().enumerate().all(|(k, &b)| match b {
        b'*' | b'~' | b'&' | b'\\' => false,
        b'_' => intraword(region, k),
        _ => true,
    })
}

/// Whether a link's text holds nothing but plain text, emphasis, strikethrough, entities and
/// escapes: pulldown-cmark, reading the link alone, then gives its text exactly.
fn styled_content(region: &[u8]) -> bool {
    !region
        .iter()
        .any(|b| matches!(b, b'`' | b'<' | b'[' | b']' | b'!' | b'$' | b'\n' | b'|'))
}

/// [`styled_content`], a `[` allowed.
fn styled_content_or_bracket(region: &[u8]) -> bool {
    !region
        .iter()
        .any(|b| matches!(b, b'`' | b'<' | b']' | b'!' | b'$' | b'\n' | b'|'))
}

/// The text pulldown-cmark gives a heading (`link` false) or the first link or image (`link`
/// true) of `src` read alone: Text, Code and Math events, and a space per line break in a link.
fn pulldown_text(src: &str, link: bool) -> Option<String> {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut out = String::new();
    let mut seen = false;
    let mut inside = false;
    for event in Parser::new_ext(src, super::options()) {
        match event {
            Event::Start(Tag::Heading { .. }) if !link => {
                seen = true;
                inside = true;
            }
            Event::End(TagEnd::Heading(_)) if !link => inside = false,
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) if link => {
                if seen {
                    return None;
                }
                seen = true;
                inside = true;
            }
            Event::End(TagEnd::Link | TagEnd::Image) if link => inside = false,
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t)
                if inside =>
            {
                out.push_str(&t);
            }
            Event::SoftBreak | Event::HardBreak if inside && link => out.push(' '),
            _ => {}
        }
    }
    seen.then_some(out)
}

/// Whether the byte at `k` sits between two ASCII letters or digits.
fn intraword(s: &[u8], k: usize) -> bool {
    k > 0
        && s[k - 1].is_ascii_alphanumeric()
        && s.get(k + 1).is_some_and(|b| b.is_ascii_alphanumeric())
}

impl<'a> Scanner<'a> {
    /// The `[[` (or `![[`) of a wikilink just read, as pulldown-cmark leaves it on its link stack:
    /// dead for a link; for an embed, still live (see [`Opener::poisoned`]).
    fn push_wikilink_opener(&mut self, start: usize, image: bool, seg: usize) {
        self.openers.push(Opener {
            pos: start,
            image,
            disabled: !image,
            poisoned: image,
            epoch: self.link_epoch,
            seg,
            sink_len: 0,
        });
    }

    /// Walks the lines of the body, following containers and leaf blocks.
    fn blocks(&mut self, body_start: usize, br_lines: &[Range<usize>]) -> Option<()> {
        let text = self.text;
        let bytes = self.bytes;
        let mut containers: Vec<Container> = Vec::new();
        let mut fence: Option<(u8, usize)> = None; // a fence open at the top level
                                                   // Code or an HTML comment open inside containers (or indented code anywhere): it goes on
                                                   // while the line matches this many containers.
        let mut raw: Option<(Raw, usize)> = None;
        let mut table: Option<usize> = None; // cells of the open table's header
        let mut next_br = br_lines.partition_point(|r| r.start < body_start);
        let mut pos = body_start;
        // Line ends come from the line index already built, not from a second search.
        let starts = &self.lines.0;
        let line_end = |start: usize| -> usize {
            let i = starts.partition_point(|s| *s <= start);
            starts.get(i).map_or(text.len(), |s| s - 1)
        };
        let mut li = starts.partition_point(|s| *s <= pos);
        while pos < text.len() {
            let nl = starts.get(li).map_or(text.len(), |s| s - 1);
            li += 1;
            let line = &bytes[pos..nl];
            let this = pos;
            pos = nl + 1;

            if let Some((c, n)) = fence {
                let ind = line.iter().take_while(|b| **b == b' ').count();
                if ind <= 3 {
                    let run = line[ind..].iter().take_while(|b| **b == c).count();
                    if run >= n && closes(&line[ind + run..])? {
                        fence = None;
                    }
                }
                continue;
            }
            // A line of prose at the top level (led by an ASCII letter, no container, table or raw
            // block open) is paragraph text, whatever the paragraph's state: nothing below reads
            // it otherwise, and most of a note's lines are such.
            if containers.is_empty()
                && raw.is_none()
                && table.is_none()
                && line.first().is_some_and(u8::is_ascii_alphabetic)
            {
                self.para.push(this..nl);
                continue;
            }
            let mut blank = is_blank(line);
            if br_lines.get(next_br).is_some_and(|r| r.start == this) {
                next_br += 1;
                blank = true; // blanked before parsing (see `prepare`)
            }

            if let Some(cells) = table {
                if blank {
                    table = None;
                } else if line.first() == Some(&b'|') {
                    self.table_row(this, nl, Some(cells))?;
                    continue;
                } else {
                    return None;
                }
            }

            if blank {
                // A blank line continues the list items it is in, not the quotes.
                self.flush()?;
                let keep = containers
                    .iter()
                    .take_while(|c| matches!(c, Container::Item(_)))
                    .count();
                containers.truncate(keep);
                if raw.is_some_and(|(_, depth)| depth > keep) {
                    raw = None;
                }
                continue;
            }

            // Match the open containers.
            let mut p = this;
            let mut matched = 0;
            for c in &containers {
                match *c {
                    Container::Quote => {
                        let ind = indent(&bytes[p..nl])?;
                        if ind <= 3 && bytes.get(p + ind) == Some(&b'>') && p + ind < nl {
                            p += ind + 1;
                            match bytes.get(p) {
                                Some(b' ') if p < nl => p += 1,
                                Some(b'\t') if p < nl => return None,
                                _ => {}
                            }
                        } else {
                            break;
                        }
                    }
                    Container::Item(col) => {
                        // Only the item's own indentation is looked at: counting every leading
                        // space for every level would make deep nesting cubic.
                        let want = (this + col).min(nl).max(p);
                        match bytes[p..want].iter().position(|b| *b != b' ') {
                            None if this + col <= nl => p = p.max(this + col),
                            Some(k) if bytes[p + k] == b'\t' => return None,
                            _ if is_blank(&bytes[p..nl]) => {}
                            _ => break,
                        }
                    }
                }
                matched += 1;
            }
            if let Some((kind, depth)) = raw {
                if matched >= depth {
                    let r = &bytes[p..nl];
                    let ind = r.iter().take_while(|b| **b == b' ').count();
                    match kind {
                        Raw::Fence(c, n) => {
                            if ind <= 3 {
                                let run = r[ind..].iter().take_while(|b| **b == c).count();
                                if run >= n && closes(&r[ind + run..])? {
                                    raw = None;
                                }
                            }
                            continue;
                        }
                        Raw::Comment => {
                            if memchr::memmem::find(r, b"-->").is_some() {
                                raw = None;
                            }
                            continue;
                        }
                        Raw::Indented => {
                            if ind >= 4 || is_blank(r) {
                                continue;
                            }
                            raw = None;
                        }
                    }
                } else {
                    raw = None;
                }
            }
            let rest = &bytes[p..nl];
            if is_blank(rest) {
                self.flush()?;
                // A blank line closes the quotes it does not continue.
                containers.truncate(matched);
                continue;
            }
            if matched < containers.len() {
                let ind = indent(rest)?;
                let lazy_start = if ind >= 4 {
                    Start::Text
                } else {
                    classify(&rest[ind..], true)?
                };
                if (lazy_start == Start::Setext || is_delim_like(rest)) && !self.para.is_empty() {
                    return None; // underline, table row or lazy text: pulldown-cmark decides
                }
                let lazy = !self.para.is_empty()
                    && (ind >= 4
                        || (lazy_start == Start::Text
                            && rest[ind] != b'>'
                            && !starts_item(&rest[ind..])
                            && !is_delim_like(rest)));
                if lazy {
                    if rest[ind..].starts_with(b"|") {
                        return None;
                    }
                    self.para.push(p + ind..nl);
                    continue;
                }
                self.flush()?;
                containers.truncate(matched);
            }

            // Open new containers.
            loop {
                if containers.len() > 32 {
                    return None; // no note nests this deep but a hostile one; pulldown-cmark decides
                }
                let ind = indent(&bytes[p..nl])?;
                if ind >= 4 {
                    break;
                }
                let q = p + ind;
                let r = &bytes[q..nl];
                if r.first() == Some(&b'>') {
                    self.flush()?;
                    containers.push(Container::Quote);
                    p = q + 1;
                    match bytes.get(p) {
                        Some(b' ') if p < nl => p += 1,
                        Some(b'\t') if p < nl => return None,
                        _ => {}
                    }
                    continue;
                }
                if is_break(r) {
                    break;
                }
                if let Some((m, num)) = list_marker(r) {
                    let after = &r[m..];
                    if after.first() == Some(&b'\t') {
                        return None;
                    }
                    if after.is_empty() || is_blank(after) {
                        return None; // an empty item: its rules are subtle
                    }
                    if after[0] != b' ' {
                        break;
                    }
                    let sp = after.iter().take_while(|b| **b == b' ').count();
                    if sp > 4 || after.get(sp) == Some(&b'\t') {
                        return None;
                    }
                    if !self.para.is_empty() && num.is_some_and(|n| n != 1) {
                        return None;
                    }
                    // A task marker followed by `(` could be read either way.
                    let c = &after[sp..];
                    // So could a task marker with nothing after it: pulldown-cmark may take the
                    // item as empty.
                    if c.len() >= 3
                        && c[0] == b'['
                        && matches!(c[1], b' ' | b'x' | b'X')
                        && c[2] == b']'
                        && (c.get(3) == Some(&b'(') || is_blank(&c[3..]))
                    {
                        return None;
                    }
                    self.flush()?;
                    let col = (q - this) + m + sp;
                    containers.push(Container::Item(col));
                    p = this + col;
                    continue;
                }
                break;
            }

            // The leaf.
            let rest = &bytes[p..nl];
            if is_blank(rest) {
                self.flush()?;
                continue;
            }
            let ind = indent(rest)?;
            if ind >= 4 {
                if self.para.is_empty() {
                    raw = Some((Raw::Indented, containers.len()));
                    continue;
                }
                self.para.push(p + ind..nl);
                continue;
            }
            let q = p + ind;
            let r = &bytes[q..nl];
            let para_open = !self.para.is_empty();
            if is_delim_like(r) && (para_open || !containers.is_empty()) {
                return None;
            }
            match classify(r, para_open)? {
                Start::Setext => {
                    // A one-line paragraph over `===` or `---` is a heading (CommonMark 4.3);
                    // longer ones and odd underlines are left to pulldown-cmark.
                    let run = r.iter().take_while(|b| **b == r[0]).count();
                    if self.para.len() != 1 || !is_blank(&r[run..]) {
                        return None;
                    }
                    let seg = self.para[0].clone();
                    self.para.clear();
                    let level = if r[0] == b'=' { 1 } else { 2 };
                    let range_end = if nl < text.len() { nl + 1 } else { nl };
                    self.setext(level, seg, range_end)?;
                }
                Start::Break => self.flush()?,
                Start::Fence(c, n) => {
                    self.flush()?;
                    if containers.is_empty() {
                        fence = Some((c, n));
                    } else {
                        raw = Some((Raw::Fence(c, n), containers.len()));
                    }
                }
                Start::Comment => {
                    self.flush()?;
                    if memchr::memmem::find(r, b"-->").is_none() {
                        raw = Some((Raw::Comment, containers.len()));
                    }
                }
                Start::Heading(level, skip) => {
                    self.flush()?;
                    self.heading(level, q, q + skip, nl)?;
                }
                Start::Text => {
                    if !para_open && containers.is_empty() && r[0] == b'|' {
                        // A table needs its delimiter row next.
                        let next_end = if pos < text.len() {
                            line_end(pos)
                        } else {
                            text.len()
                        };
                        let next = bytes.get(pos..next_end).unwrap_or(&[]);
                        if is_delim_like(next) {
                            if next.first() != Some(&b'|') {
                                return None;
                            }
                            let cells = self.table_row(q, nl, None)?;
                            if count_cells(next) != cells {
                                return None;
                            }
                            table = Some(cells);
                            pos = next_end + 1;
                            li += 1;
                            continue;
                        }
                    }
                    self.para.push(q..nl);
                }
            }
        }
        self.flush()
    }

    /// Reads one table row from `start` (at its `|`) to `end`; checks its cell count against
    /// `header` and returns it.
    fn table_row(&mut self, start: usize, end: usize, header: Option<usize>) -> Option<usize> {
        let row = &self.bytes[start..end];
        if memchr::memchr_iter(b'\\', row).any(|k| row.get(k + 1..k + 3) == Some(b"\\|"))
            || (self.dollars && row.iter().filter(|b| **b == b'$').count() >= 2)
        {
            return None;
        }
        let mut cells = std::mem::take(&mut self.cells);
        cells.clear();
        let mut from = start + 1;
        let trimmed_end = start + row.iter().rposition(|b| *b != b' ' && *b != b'\t')? + 1;
        let mut i = from;
        while i < trimmed_end {
            if self.bytes[i] == b'|' && self.bytes[i - 1] != b'\\' {
                cells.push(from..i);
                from = i + 1;
            }
            i += 1;
        }
        if from < trimmed_end || self.bytes[trimmed_end - 1] != b'|' || trimmed_end == start + 1 {
            cells.push(from..trimmed_end);
        }
        let n = cells.len();
        let mut ok = header.is_none_or(|h| h == n);
        for c in &cells {
            if !ok {
                break;
            }
            let ind = self.bytes[c.clone()]
                .iter()
                .take_while(|b| **b == b' ')
                .count();
            ok = self
                .inline(std::slice::from_ref(&(c.start + ind..c.end)), true, None)
                .is_some();
        }
        self.cells = cells;
        ok.then_some(n)
    }

    fn heading(&mut self, level: u8, start: usize, content: usize, nl: usize) -> Option<()> {
        let bytes = self.bytes;
        if bytes[content..nl].contains(&b'\t') {
            return None; // pulldown-cmark and the spec differ on tabs around a closing `#`
        }
        let mut end = nl;
        while end > content && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        let mut h = end;
        while h > content && bytes[h - 1] == b'#' {
            h -= 1;
        }
        if h < end && (h == content || matches!(bytes[h - 1], b' ' | b'\t')) {
            end = h;
            while end > content && matches!(bytes[end - 1], b' ' | b'\t') {
                end -= 1;
            }
        }
        let mut c = content;
        while c < end && matches!(bytes[c], b' ' | b'\t') {
            c += 1;
        }
        let range_end = if nl < self.text.len() { nl + 1 } else { nl };
        let text = if plain_content_outside_constructs(&bytes[c..end]) {
            let mut sink = String::new();
            self.inline(std::slice::from_ref(&(c..end)), false, Some(&mut sink))?;
            sink
        } else {
            // Emphasis, entities or escapes: pulldown-cmark reads the heading's line alone, which
            // gives the same inline events as in the note (no reference definitions bear on it).
            self.inline(std::slice::from_ref(&(c..end)), false, None)?;
            pulldown_text(&self.text[start..range_end], false)?
        };
        self.out.headings.push(super::Heading {
            level,
            text: text.trim().to_string(),
            range: start..range_end,
            line: self.lines.line(start),
        });
        Some(())
    }

    fn setext(&mut self, level: u8, seg: Range<usize>, range_end: usize) -> Option<()> {
        let bytes = self.bytes;
        let mut end = seg.end;
        while end > seg.start && matches!(bytes[end - 1], b' ' | b'\t') {
            end -= 1;
        }
        let text = if plain_content_outside_constructs(&bytes[seg.start..end]) {
            let mut sink = String::new();
            self.inline(
                std::slice::from_ref(&(seg.start..end)),
                false,
                Some(&mut sink),
            )?;
            sink
        } else {
            self.inline(std::slice::from_ref(&(seg.start..end)), false, None)?;
            pulldown_text(&self.text[seg.start..range_end], false)?
        };
        self.out.headings.push(super::Heading {
            level,
            text: text.trim().to_string(),
            range: seg.start..range_end,
            line: self.lines.line(seg.start),
        });
        Some(())
    }

    /// What pulldown-cmark does once a link is made: no link may hold it, so every `[` still
    /// waiting is dead; a `![` is not (an image may hold a link).
    /// In O(1): a line of ten thousand links would make marking each waiting `[` quadratic.
    fn disable_links(&mut self) {
        self.link_epoch += 1;
    }

    /// Reads the open paragraph, if any.
    fn flush(&mut self) -> Option<()> {
        if self.para.is_empty() {
            return Some(());
        }
        let segs = std::mem::take(&mut self.para);
        let r = self.inline(&segs, false, None);
        self.para = segs;
        self.para.clear();
        r
    }

    fn tag_at(&mut self, j: usize, end: usize) -> Option<()> {
        let text = self.text;
        let prev = text[..j].chars().next_back();
        if !prev.is_none_or(|p| p.is_whitespace()) {
            return Some(());
        }
        if let Some(name) = tag_after_hash(&text[j + 1..end]) {
            let nb = name.as_bytes();
            for (k, b) in nb.iter().enumerate() {
                if *b == b'_' {
                    let before = if k == 0 { b'#' } else { nb[k - 1] };
                    let after = text.as_bytes().get(j + 1 + k + 1).copied().unwrap_or(b' ');
                    if !before.is_ascii_alphanumeric() || !after.is_ascii_alphanumeric() {
                        return None;
                    }
                }
            }
            self.out.tags.push(InlineTag {
                name: name.to_string(),
                line: self.lines.line(j),
            });
        }
        Some(())
    }

    /// Tags among the plain text `region` (no construct inside).
    fn tags_in(&mut self, region: Range<usize>) -> Option<()> {
        for k in memchr::memchr_iter(b'#', &self.bytes[region.clone()]) {
            self.tag_at(region.start + k, region.end)?;
        }
        Some(())
    }

    fn push_link(
        &mut self,
        syntax: LinkSyntax,
        dest: &str,
        piped: bool,
        display: &str,
        range: Range<usize>,
    ) {
        if let Some(link) = finish_link(
            syntax,
            dest,
            piped,
            display,
            range,
            self.lines,
            self.comments,
        ) {
            self.out.links.push(link);
        }
    }

    /// Reads the inline content of one block: `segs` are its lines (or one table cell). `sink`
    /// collects the text pulldown-cmark's Text and Code events would carry (for headings).
    fn inline(
        &mut self,
        segs: &[Range<usize>],
        table: bool,
        mut sink: Option<&mut String>,
    ) -> Option<()> {
        let text = self.text;
        let bytes = self.bytes;
        if self.dollars {
            let dollars: usize = segs
                .iter()
                .map(|s| memchr::memchr_iter(b'$', &bytes[s.clone()]).count())
                .sum();
            if dollars >= 2 {
                return None;
            }
        }
        self.openers.clear();
        for (si, seg) in segs.iter().enumerate() {
            let end = seg.end;
            let mut i = seg.start;
            while i < end {
                let j = if sink.is_some() {
                    bytes[i..end]
                        .iter()
                        .position(|b| SPECIAL[*b as usize])
                        .map_or(end, |k| i + k)
                } else {
                    next_candidate(bytes, i, end)
                };
                if let Some(s) = sink.as_deref_mut() {
                    s.push_str(&text[i..j]);
                }
                if j >= end {
                    break;
                }
                let b = bytes[j];
                let next = bytes.get(j + 1).copied().filter(|_| j + 1 < end);
                i = j + 1;
                match b {
                    b'#' => {
                        self.tag_at(j, end)?;
                        if let Some(s) = sink.as_deref_mut() {
                            s.push('#');
                        }
                    }
                    b'\\' => match next {
                        Some(b'`') => return None,
                        Some(n) if n.is_ascii_punctuation() => {
                            if let Some(s) = sink.as_deref_mut() {
                                s.push(char::from(n));
                            }
                            i = j + 2;
                        }
                        _ => {
                            if let Some(s) = sink.as_deref_mut() {
                                s.push('\\');
                            }
                        }
                    },
                    b'`' => {
                        let n = bytes[j..end].iter().take_while(|b| **b == b'`').count();
                        let from = j + n;
                        match find_run(&bytes[from..end], n) {
                            Some(k) => {
                                let close = from + k;
                                if let Some(s) = sink.as_deref_mut() {
                                    let inner = &text[from..close];
                                    let inner = if inner.len() >= 2
                                        && inner.starts_with(' ')
                                        && inner.ends_with(' ')
                                        && !inner.bytes().all(|b| b == b' ')
                                    {
                                        &inner[1..inner.len() - 1]
                                    } else {
                                        inner
                                    };
                                    s.push_str(inner);
                                }
                                i = close + n;
                            }
                            None => {
                                if segs[si + 1..]
                                    .iter()
                                    .any(|s| find_run(&bytes[s.clone()], n).is_some())
                                {
                                    return None; // a code span across lines
                                }
                                if let Some(s) = sink.as_deref_mut() {
                                    s.push_str(&text[j..from]);
                                }
                                i = from;
                            }
                        }
                    }
                    b'<' => {
                        if next == Some(b'\\') {
                            if let Some(s) = sink.as_deref_mut() {
                                s.push('<');
                            }
                            continue;
                        }
                        if let Some(k) = autolink(&bytes[j..end]) {
                            let url = &text[j + 1..j + k - 1];
                            if let Some(s) = sink.as_deref_mut() {
                                s.push_str(url);
                            }
                            self.push_link(LinkSyntax::Markdown, url, true, url, j..j + k);
                            i = j + k;
                            continue;
                        }
                        match next {
                            None => {
                                // `<` ending a line cannot start a tag: a name must follow it.
                                if let Some(s) = sink.as_deref_mut() {
                                    s.push('<');
                                }
                                continue;
                            }
                            Some(b'!' | b'?') => return None,
                            _ => {}
                        }
                        match html_tag(&bytes[..end], j) {
                            Ok(k) => {
                                // A podcast timestamp's time and closing tag, taken at once.
                                if let Some(after) = timestamp_rest(&bytes[..end], j, k) {
                                    if let Some(s) = sink.as_deref_mut() {
                                        s.push_str(&text[k..after - TIMESTAMP_CLOSE.len()]);
                                    }
                                    i = after;
                                    continue;
                                }
                                i = k;
                                continue;
                            }
                            Err(true) => return None,
                            // `<a@b.c>` is an email autolink (never also a tag): left to
                            // pulldown-cmark.
                            Err(false)
                                if memchr::memchr(b'>', &bytes[j..end])
                                    .is_some_and(|k| bytes[j..j + k].contains(&b'@')) =>
                            {
                                return None
                            }
                            Err(false) => {
                                if let Some(s) = sink.as_deref_mut() {
                                    s.push('<');
                                }
                            }
                        }
                    }
                    b'!' | b'[' => {
                        let (image, open_len) = if b == b'!' {
                            if next != Some(b'[') {
                                if let Some(s) = sink.as_deref_mut() {
                                    s.push('!');
                                }
                                continue;
                            }
                            (true, 2)
                        } else {
                            (false, 1)
                        };
                        let body = j + open_len;
                        if bytes.get(body) == Some(&b'[') && body < end {
                            if bytes.get(body + 1) == Some(&b'[') {
                                return None;
                            }
                            if let Some(k) =
                                self.wikilink(si, segs, j, image, body + 1, &mut sink)?
                            {
                                i = k;
                                continue;
                            }
                        }
                        let len = sink.as_deref().map_or(0, String::len);
                        if let Some(s) = sink.as_deref_mut() {
                            s.push_str(if image { "![" } else { "[" });
                        }
                        self.openers.push(Opener {
                            pos: j,
                            image,
                            disabled: false,
                            poisoned: false,
                            epoch: self.link_epoch,
                            seg: si,
                            sink_len: len,
                        });
                        i = body;
                    }
                    b']' => {
                        let Some(op) = self.openers.pop() else {
                            if let Some(s) = sink.as_deref_mut() {
                                s.push(']');
                            }
                            continue;
                        };
                        if op.poisoned && next == Some(b'(') {
                            return None;
                        }
                        let dead = op.disabled || (!op.image && op.epoch < self.link_epoch);
                        if dead || next != Some(b'(') {
                            if let Some(s) = sink.as_deref_mut() {
                                s.push(']');
                            }
                            continue;
                        }
                        // An inline link: only the simple form `(dest)` is read.
                        let d0 = j + 2;
                        if bytes.get(d0) == Some(&b'<') && d0 < end {
                            // `[t](<dest>)`: hubermanlab writes `[00:01:02](<a class=…>…</a>)`,
                            // which is no link (text follows the `>`), then inline HTML.
                            if table {
                                return None;
                            }
                            let mut k = d0 + 1;
                            let closed = loop {
                                match bytes.get(k).filter(|_| k < end) {
                                    None | Some(b'<') => break false,
                                    Some(b'>') => break true,
                                    Some(b'\\') => return None,
                                    _ => k += 1,
                                }
                            };
                            let after = bytes.get(k + 1).copied().filter(|_| k + 1 < end);
                            if closed && after == Some(b')') {
                                // `[t](<dest>)`: a link.
                                if op.seg != si || dead {
                                    return None;
                                }
                                let open_len = if op.image { 2 } else { 1 };
                                let region = op.pos + open_len..j;
                                let dest = &text[d0 + 1..k];
                                if !plain_content(&bytes[region.clone()])
                                    || sink.is_some()
                                    || dest.contains('&')
                                {
                                    return None;
                                }
                                let syntax = if op.image {
                                    LinkSyntax::MarkdownEmbed
                                } else {
                                    LinkSyntax::Markdown
                                };
                                self.push_link(syntax, dest, true, &text[region], op.pos..k + 2);
                                if !op.image {
                                    self.disable_links();
                                }
                                i = k + 2;
                                continue;
                            }
                            // After `<dest>` only blanks, a title or `)` may follow.
                            if closed
                                && matches!(after, None | Some(b' ' | b'\t' | b'"' | b'\'' | b'('))
                            {
                                return None;
                            }
                            if let Some(s) = sink.as_deref_mut() {
                                s.push(']');
                            }
                            continue;
                        }
                        let mut k = d0;
                        loop {
                            if k >= end {
                                return None;
                            }
                            match bytes[k] {
                                b')' => break,
                                b' ' | b'(' | b'<' | b'\\' | b'&' | b'"' | b'\'' | b'\t' => {
                                    return None
                                }
                                c if c.is_ascii_control() => return None,
                                _ => k += 1,
                            }
                        }
                        if op.seg != si {
                            return None;
                        }
                        let open_len = if op.image { 2 } else { 1 };
                        let region = op.pos + open_len..j;
                        let display = if plain_content(&bytes[region.clone()]) {
                            std::borrow::Cow::Borrowed(&text[region])
                        } else if sink.is_none() && styled_content(&bytes[region]) {
                            std::borrow::Cow::Owned(pulldown_text(&text[op.pos..k + 1], true)?)
                        } else {
                            return None;
                        };
                        if let Some(s) = sink.as_deref_mut() {
                            s.replace_range(op.sink_len..op.sink_len + open_len, "");
                        }
                        let syntax = if op.image {
                            LinkSyntax::MarkdownEmbed
                        } else {
                            LinkSyntax::Markdown
                        };
                        self.push_link(syntax, &text[d0..k], true, &display, op.pos..k + 1);
                        if !op.image {
                            self.disable_links();
                        }
                        i = k + 1;
                    }
                    b'&' => {
                        if let Some(s) = sink.as_deref_mut() {
                            if next.is_some_and(|n| n == b'#' || n.is_ascii_alphanumeric()) {
                                return None;
                            }
                            s.push('&');
                        }
                    }
                    b'*' | b'~' => {
                        if sink.is_some() {
                            return None;
                        }
                    }
                    b'_' => {
                        if let Some(s) = sink.as_deref_mut() {
                            if !intraword(&bytes[..end], j) {
                                return None;
                            }
                            s.push('_');
                        }
                    }
                    _ => {
                        // `$` alone in its block, or a byte `next_candidate` stops at that means
                        // nothing here (`"`, `^`): literal.
                        if let Some(s) = sink.as_deref_mut() {
                            s.push(char::from(b));
                        }
                    }
                }
            }
        }
        Some(())
    }

    /// A wikilink whose body starts at `body` (after `[[`); `start` is its `[` or `!`. `Some(end)`
    /// when it was read, `None` inside when the scanner must bail, `Some(None)` when there is no
    /// wikilink here (its brackets are then plain openers).
    fn wikilink(
        &mut self,
        si: usize,
        segs: &[Range<usize>],
        start: usize,
        image: bool,
        body: usize,
        sink: &mut Option<&mut String>,
    ) -> Option<Option<usize>> {
        let bytes = self.bytes;
        let end = segs[si].end;
        let close = find_close(bytes, body, end);
        let Some(close) = close else {
            if segs[si + 1..]
                .iter()
                .any(|s| find_close(bytes, s.start, s.end).is_some())
            {
                return None;
            }
            return Some(None);
        };
        let region = &bytes[body..close];
        if region.is_empty() {
            return None;
        }
        // One pass finds the pipe and whether anything needs a closer look; most wikilinks are
        // `[[target]]` or `[[snake_case | words]]`.
        let mut pipe = None;
        let mut odd = false;
        let mut hash = false;
        // What the target holds, for `finish_link_known`.
        let mut known = DestBytes {
            colon: false,
            hash: false,
        };
        for (k, &b) in region.iter().enumerate() {
            if !WIKI_SPECIAL[usize::from(b)] {
                continue; // one table lookup for the letters that make up nearly all of a link
            }
            match b {
                b'|' if pipe.is_none() => pipe = Some(body + k),
                b'#' => {
                    hash = true;
                    known.hash |= pipe.is_none();
                }
                b':' => known.colon |= pipe.is_none(),
                b'`' | b'<' | b'[' | b']' | b'$' | b'\\' => odd = true,
                b'|' | b'*' | b'~' | b'&' | b'!' | b'_' if pipe.is_some() => odd = true,
                _ => {}
            }
        }
        if !odd {
            let text = self.text;
            let syntax = if image {
                LinkSyntax::WikiEmbed
            } else {
                LinkSyntax::Wiki
            };
            let target_end = pipe.unwrap_or(close);
            if body == target_end {
                return None; // empty wikitext: pulldown-cmark makes no link
            }
            let dest = &text[body..target_end];
            let shown = pipe.map_or(body, |p| p + 1);
            if hash {
                self.tags_in(shown..close)?;
            }
            let display = &text[shown..close];
            if let Some(s) = sink.as_deref_mut() {
                s.push_str(display);
            }
            // A line holds the whole link: no line ending in the target.
            debug_assert!(!dest.contains('\n'), "{dest:?}");
            if let Some(link) = finish_link_known(
                syntax,
                dest,
                known,
                pipe.is_some(),
                display,
                start..close + 2,
                self.lines,
                self.comments,
            ) {
                self.out.links.push(link);
            }
            self.disable_links();
            self.push_wikilink_opener(start, image, si);
            return Some(Some(close + 2));
        }
        // The target is taken raw; only what could end or split the link early matters there.
        let target_end = pipe.unwrap_or(close);
        // Code spans are read before the `]]` is, so one may sit in the target
        // (`[[Note#How to use `x`]]`) as long as it closes before the `]]`.
        let mut k = body;
        while let Some(a) = memchr::memchr(b'`', &bytes[k..close]).map(|x| k + x) {
            let n = bytes[a..close].iter().take_while(|b| **b == b'`').count();
            match find_run(&bytes[a + n..close], n) {
                Some(c) => k = a + n + c + n,
                None => {
                    if find_run(&bytes[close..end], n).is_some()
                        || segs[si + 1..]
                            .iter()
                            .any(|s| find_run(&bytes[s.clone()], n).is_some())
                    {
                        return None;
                    }
                    k = a + n;
                }
            }
        }
        for (k, &b) in bytes[body..target_end].iter().enumerate() {
            match b {
                b'`' if pipe.is_none() => {}
                b'`' | b'<' | b'[' | b']' | b'$' => return None,
                // `[[a\|b]]`: the escaped pipe is the one pulldown-cmark splits at.
                b'\\' if body + k + 1 != target_end || pipe.is_none() => return None,
                _ => {}
            }
        }
        if body == target_end {
            return None; // empty wikitext: pulldown-cmark makes no link
        }
        let text = self.text;
        let syntax = if image {
            LinkSyntax::WikiEmbed
        } else {
            LinkSyntax::Wiki
        };
        let dest = &text[body..target_end];
        match pipe {
            Some(p) => {
                let disp = &bytes[p + 1..close];
                if disp.contains(&b'|') {
                    return None;
                }
                // `[[a | [00:32:06]]]` (hubermanlab): one `[` in the display is text, and leaves
                // both outer brackets on pulldown-cmark's stack.
                let brackets = memchr::memchr_iter(b'[', disp).count();
                if brackets > 1 || (brackets == 1 && (sink.is_some() || disp.contains(&b'!'))) {
                    return None;
                }
                let display = if brackets == 0 && plain_content(disp) {
                    std::borrow::Cow::Borrowed(&text[p + 1..close])
                } else if sink.is_none() && styled_content_or_bracket(disp) {
                    std::borrow::Cow::Owned(pulldown_text(&text[start..close + 2], true)?)
                } else {
                    return None;
                };
                self.tags_in(p + 1..close)?;
                if let Some(s) = sink.as_deref_mut() {
                    s.push_str(&display);
                }
                self.push_link(syntax, dest, true, &display, start..close + 2);
                if brackets == 1 {
                    self.disable_links();
                    self.push_wikilink_opener(start, image, si);
                    self.openers.push(Opener {
                        pos: start + usize::from(image) + 1,
                        image: false,
                        disabled: true,
                        poisoned: false,
                        epoch: self.link_epoch,
                        seg: si,
                        sink_len: 0,
                    });
                    return Some(Some(close + 2));
                }
            }
            None => {
                self.tags_in(body..close)?;
                if let Some(s) = sink.as_deref_mut() {
                    s.push_str(dest);
                }
                self.push_link(syntax, dest, false, "", start..close + 2);
            }
        }
        self.disable_links();
        // pulldown-cmark pops only the inner `[` for the closing `]]`; the outer one stays on its
        // stack, disabled for a link and live for an embed.
        self.push_wikilink_opener(start, image, si);
        Some(Some(close + 2))
    }
}

/// The first `]]` in `bytes[from..end]` (a memchr for `]`: building a substring searcher for each
/// wikilink would cost more than the search).
fn find_close(bytes: &[u8], mut from: usize, end: usize) -> Option<usize> {
    while let Some(k) = memchr::memchr(b']', &bytes[from..end]) {
        let at = from + k;
        if at + 1 < end && bytes[at + 1] == b']' {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// Cells of a table row (`|` at both ends optional, `\|` not a separator).
fn count_cells(row: &[u8]) -> usize {
    let mut end = row.len();
    while end > 0 && matches!(row[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    let row = &row[..end];
    let inner = row.strip_prefix(b"|").unwrap_or(row);
    let inner = match inner.strip_suffix(b"|") {
        Some(s) if !s.ends_with(b"\\") => s,
        _ => inner,
    };
    let mut n = 1;
    for k in 0..inner.len() {
        if inner[k] == b'|' && (k == 0 || inner[k - 1] != b'\\') {
            n += 1;
        }
    }
    n
}

/// Offset in `s` of the first backtick run of exactly `n`.
fn find_run(s: &[u8], n: usize) -> Option<usize> {
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'`', &s[i..]) {
        let at = i + k;
        let run = s[at..].iter().take_while(|b| **b == b'`').count();
        if run == n {
            return Some(at);
        }
        i = at + run;
    }
    None
}

/// Length of the URL autolink `<scheme:...>` at the start of `s`, if it is one.
fn autolink(s: &[u8]) -> Option<usize> {
    let mut i = 1;
    if !s.get(i)?.is_ascii_alphabetic() {
        return None;
    }
    while s
        .get(i)
        .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'.' | b'-'))
    {
        i += 1;
    }
    if !(3..=33).contains(&i) || s.get(i) != Some(&b':') {
        return None;
    }
    loop {
        i += 1;
        match *s.get(i)? {
            b'>' => return Some(i + 1),
            b'<' | b' ' | b'\\' => return None,
            b if b.is_ascii_control() => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_timestamp_tag_ends_where_reading_it_a_byte_at_a_time_ends() {
        let cases = [
            "<a class=\"yt-timestamp\" data-t=\"00:57:14\">[00:57:14]</a>",
            "x <a class=\"yt-timestamp\" data-t=\"01:02:03\">",
            "<a class=\"yt-timestamp\" data-t=\"\">",
            "<a class=\"yt-timestamp\" data-t=\"00:57:14\" >",
            "<a class=\"yt-timestamp\" data-t=\"00:57:14\"/>",
            "<a class=\"yt-timestamp\" data-t=\"00:57:14\" href=\"x\">",
            "<a class=\"yt-timestamp\" data-t=\"00:57:14\"x>",
            "<a class=\"yt-timestamp\" data-t=\"00:57:14",
            "<a class=\"yt-timestamp\" data-t=\"00:57:14\"",
            "<a class=\"yt-timestamp\" data-t=\"a'b<c>\">",
            "<a class=\"yt-timestamp\" data-t=",
            "<a class=\"yt-timestamp\" data-t='00:57:14'>",
            "<a class=\"yt-timestamp\">",
            "<a class='yt-timestamp' data-t=\"00:57:14\">",
        ];
        for case in cases {
            let s = case.as_bytes();
            let at = memchr::memchr(b'<', s).unwrap();
            assert_eq!(html_tag(s, at), html_tag_read(s, at), "{case}");
        }
        // The quick path is taken (and agrees) where it applies.
        let s = cases[0].as_bytes();
        assert_eq!(html_tag(s, 0), Ok(cases[0].find('[').unwrap()));
    }

    #[test]
    fn the_word_at_a_time_search_stops_at_exactly_the_bytes_it_names() {
        let wanted = |b: u8| matches!(b, b'!'..=b'$' | b'<' | b'['..=b'`');
        // Every byte value at every place in a word, in the word loop and in the tail after it.
        for b in 0..=255u8 {
            for at in 0..19 {
                let mut bytes = vec![b'a'; 19];
                bytes[at] = b;
                let found = next_candidate(&bytes, 0, bytes.len());
                let want = if wanted(b) { at } else { bytes.len() };
                assert_eq!(found, want, "byte {b:#04x} at {at}");
            }
        }
        // A byte with its high bit set (UTF-8) beside a wanted one does not hide it.
        let text = "é[[x]]".as_bytes();
        assert_eq!(next_candidate(text, 0, text.len()), 2);
    }
}
