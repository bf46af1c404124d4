//! Runs a parsed query against one note: case folding, literal search with `memchr::memmem`, the
//! boolean evaluation over lines, blocks and sections, and the snippets of the lines that matched.

use std::cell::OnceCell;
use std::ops::Range;

use memchr::memmem::Finder;

use super::query::{Expr, Field, Query, Scope, TaskState};
use super::Hit;
use crate::vault::Note;

/// Snippets longer than this many characters are cut around the first match.
pub const SNIPPET_CHARS: usize = 160;
/// Characters kept before the first match when a snippet is cut.
const SNIPPET_LEAD: usize = 40;

/// A query compiled for matching: literal finders built once and shared by every worker thread.
#[derive(Debug)]
pub struct Matcher {
    node: Node,
    /// One finder per content term, over the folded needle when the term ignores case.
    finders: Vec<Needle>,
    /// Content terms that must occur somewhere for the query to hold, longest first: the cheapest
    /// test that rejects a note.
    required: Vec<usize>,
    /// Whether any content term ignores case, so the note text must be folded.
    folds: bool,
}

#[derive(Debug)]
struct Needle {
    finder: Finder<'static>,
    case_sensitive: bool,
}

/// The expression with its metadata needles folded once.
#[derive(Debug)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    Content(usize),
    Meta {
        field: Field,
        needle: String,
        case_sensitive: bool,
    },
    Scope(Scope, Box<Node>),
}

fn compile(e: &Expr) -> Node {
    match e {
        Expr::And(v) => Node::And(v.iter().map(compile).collect()),
        Expr::Or(v) => Node::Or(v.iter().map(compile).collect()),
        Expr::Not(e) => Node::Not(Box::new(compile(e))),
        Expr::Scope(s, e) => Node::Scope(*s, Box::new(compile(e))),
        Expr::Term(t) if t.field == Field::Content => Node::Content(t.id),
        Expr::Term(t) => Node::Meta {
            field: t.field,
            needle: if t.case_sensitive {
                t.text.clone()
            } else {
                fold_str(&t.text)
            },
            case_sensitive: t.case_sensitive,
        },
    }
}

/// Content terms that every match needs.
fn required(n: &Node) -> Vec<usize> {
    match n {
        Node::Content(id) => vec![*id],
        Node::And(v) => {
            let mut out: Vec<usize> = v.iter().flat_map(required).collect();
            out.sort_unstable();
            out.dedup();
            out
        }
        Node::Or(v) => {
            let mut sets = v.iter().map(required);
            let first = sets.next().unwrap_or_default();
            sets.fold(first, |acc, s| {
                acc.into_iter().filter(|x| s.contains(x)).collect()
            })
        }
        Node::Scope(_, inner) => required(inner),
        Node::Not(_) | Node::Meta { .. } => Vec::new(),
    }
}

/// Lowercases text one character at a time, as [`fold_into`] folds note text.
pub fn fold_str(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// A character whose lowercase form has a different UTF-8 length than itself (`İ`, `K` Kelvin):
/// where folded offsets stop being the original ones.
#[derive(Debug, Clone, Copy)]
struct Shift {
    folded: (usize, usize),
    original: (usize, usize),
}

/// Note text lowercased for case-insensitive matching, with the way back to original offsets.
#[derive(Debug, Default)]
pub struct Folded {
    /// The folded bytes (valid UTF-8).
    pub bytes: Vec<u8>,
    shifts: Vec<Shift>,
}

impl Folded {
    /// The original offset of folded offset `f`. An offset inside a character that folded to
    /// several maps to that character's start, or its end when `end` is set.
    fn original(&self, f: usize, end: bool) -> usize {
        let k = self.shifts.partition_point(|s| s.folded.0 <= f);
        let Some(s) = k.checked_sub(1).map(|k| self.shifts[k]) else {
            return f;
        };
        if f < s.folded.1 {
            if end && f > s.folded.0 {
                s.original.1
            } else {
                s.original.0
            }
        } else {
            s.original.1 + (f - s.folded.1)
        }
    }
}

/// Index of the first non-ASCII byte at or after `from`, or the length.
fn next_non_ascii(b: &[u8], from: usize) -> usize {
    let mut i = from;
    // OR-ing a fixed-size chunk has no early exit, so it vectorises; most text is ASCII.
    while let Some(chunk) = b.get(i..i + 64) {
        if chunk.iter().fold(0u8, |a, &x| a | x) & 0x80 != 0 {
            break;
        }
        i += 64;
    }
    while i < b.len() && b[i] < 0x80 {
        i += 1;
    }
    i
}

/// Folds `text` into `out`: ASCII runs with a vectorised lowercase, other characters with Unicode's
/// lowercase mapping (the same per-character mapping as [`fold_str`]).
pub fn fold_into(text: &str, out: &mut Folded) {
    out.bytes.clear();
    out.shifts.clear();
    out.bytes.reserve(text.len());
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let j = next_non_ascii(b, i);
        let start = out.bytes.len();
        out.bytes.extend_from_slice(&b[i..j]);
        out.bytes[start..].make_ascii_lowercase();
        // `j` follows whole ASCII characters, so it is a character boundary.
        let Some(c) = text.get(j..).and_then(|r| r.chars().next()) else {
            break;
        };
        let len = c.len_utf8();
        let f = out.bytes.len();
        let mut buf = [0u8; 4];
        for l in c.to_lowercase() {
            out.bytes
                .extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
        }
        if out.bytes.len() - f != len {
            out.shifts.push(Shift {
                folded: (f, out.bytes.len()),
                original: (j, j + len),
            });
        }
        i = j + len;
    }
}

/// Per-note matching state: the text, every occurrence of every content term, and the units
/// (lines, blocks, sections, tasks) computed when a scope first needs them.
struct NoteMatch<'a> {
    note: &'a Note,
    text: &'a str,
    /// Original byte ranges of each content term's occurrences, ascending.
    occ: Vec<Vec<Range<usize>>>,
    lines: OnceCell<Vec<Range<usize>>>,
    blocks: OnceCell<Vec<Range<usize>>>,
    sections: OnceCell<Vec<Range<usize>>>,
    tasks: [OnceCell<Vec<Range<usize>>>; 3],
}

impl Matcher {
    /// Compiles a query.
    pub fn new(query: &Query) -> Matcher {
        let node = compile(&query.expr);
        let finders: Vec<Needle> = query
            .content_terms
            .iter()
            .map(|(text, cs)| {
                let needle = if *cs { text.clone() } else { fold_str(text) };
                Needle {
                    finder: Finder::new(needle.as_bytes()).into_owned(),
                    case_sensitive: *cs,
                }
            })
            .collect();
        let mut req = required(&node);
        req.sort_by_key(|&id| std::cmp::Reverse(finders[id].finder.needle().len()));
        Matcher {
            folds: finders.iter().any(|f| !f.case_sensitive),
            node,
            finders,
            required: req,
        }
    }

    /// Whether the note can match, from its path and tags alone: `Some(false)` means no need to
    /// read it, `Some(true)` that it matches whatever its text, `None` that the text decides.
    pub fn by_metadata(&self, note: &Note) -> Option<bool> {
        meta_eval(&self.node, note)
    }

    /// Whether the query has content terms, so the note's text must be read.
    pub fn reads_content(&self) -> bool {
        !self.finders.is_empty()
    }

    /// The hits of one note whose text is `text`, using `fold` as scratch space.
    pub fn hits(&self, index: usize, note: &Note, text: &str, fold: &mut Folded) -> Vec<Hit> {
        match self.by_metadata(note) {
            Some(false) => return Vec::new(),
            Some(true) if !self.reads_content() => return vec![title_hit(index, note)],
            _ => {}
        }
        if self.folds {
            fold_into(text, fold);
        }
        let mut occ: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.finders.len()];
        let mut done = vec![false; self.finders.len()];
        for &id in &self.required {
            occ[id] = self.find(id, text, fold);
            done[id] = true;
            if occ[id].is_empty() {
                return Vec::new();
            }
        }
        for id in 0..self.finders.len() {
            if !done[id] {
                occ[id] = self.find(id, text, fold);
            }
        }
        let m = NoteMatch {
            note,
            text,
            occ,
            lines: OnceCell::new(),
            blocks: OnceCell::new(),
            sections: OnceCell::new(),
            tasks: Default::default(),
        };
        let all = 0..text.len();
        if !m.eval(&self.node, &all) {
            return Vec::new();
        }
        let mut ranges = Vec::new();
        m.collect(&self.node, &all, &mut ranges);
        if ranges.is_empty() {
            return vec![title_hit(index, note)];
        }
        line_hits(index, text, ranges)
    }

    fn find(&self, id: usize, text: &str, fold: &Folded) -> Vec<Range<usize>> {
        let n = &self.finders[id];
        let len = n.finder.needle().len();
        if n.case_sensitive {
            n.finder
                .find_iter(text.as_bytes())
                .map(|s| s..s + len)
                .collect()
        } else {
            n.finder
                .find_iter(&fold.bytes)
                .map(|s| fold.original(s, false)..fold.original(s + len, true))
                .collect()
        }
    }
}

/// The one hit of a note that matches without a content occurrence to show: line 1, the title.
fn title_hit(index: usize, note: &Note) -> Hit {
    Hit {
        note: index,
        line: 1,
        snippet: snippet(&note.title, &[]).0,
        ranges: Vec::new(),
        spans: Vec::new(),
    }
}

fn meta_match(field: Field, needle: &str, case_sensitive: bool, note: &Note) -> bool {
    let hay = match field {
        Field::Tag => {
            return note.tags.iter().any(|t| {
                let t = fold_str(t);
                t == needle
                    || (t.len() > needle.len()
                        && t.starts_with(needle)
                        && t.as_bytes()[needle.len()] == b'/')
            })
        }
        Field::File => note.path.rsplit_once('/').map_or(&*note.path, |(_, n)| n),
        // Content terms are compiled to `Node::Content` and never get here.
        Field::Path | Field::Content => &note.path,
    };
    if case_sensitive {
        hay.contains(needle)
    } else {
        fold_str(hay).contains(needle)
    }
}

fn meta_eval(n: &Node, note: &Note) -> Option<bool> {
    match n {
        Node::Content(_) => None,
        Node::Meta {
            field,
            needle,
            case_sensitive,
        } => Some(meta_match(*field, needle, *case_sensitive, note)),
        Node::And(v) => {
            let mut all = Some(true);
            for x in v {
                match meta_eval(x, note) {
                    Some(false) => return Some(false),
                    None => all = None,
                    Some(true) => {}
                }
            }
            all
        }
        Node::Or(v) => {
            let mut all = Some(false);
            for x in v {
                match meta_eval(x, note) {
                    Some(true) => return Some(true),
                    None => all = None,
                    Some(false) => {}
                }
            }
            all
        }
        Node::Not(x) => meta_eval(x, note).map(|b| !b),
        // A scope needs a unit (a task line may not exist), so only a false inside is final.
        Node::Scope(_, x) => match meta_eval(x, note) {
            Some(false) => Some(false),
            _ => None,
        },
    }
}

impl NoteMatch<'_> {
    fn occurs(&self, id: usize, r: &Range<usize>) -> bool {
        let occ = &self.occ[id];
        let i = occ.partition_point(|o| o.start < r.start);
        occ[i..]
            .iter()
            .take_while(|o| o.start < r.end)
            .any(|o| o.end <= r.end)
    }

    fn eval(&self, n: &Node, r: &Range<usize>) -> bool {
        match n {
            Node::And(v) => v.iter().all(|x| self.eval(x, r)),
            Node::Or(v) => v.iter().any(|x| self.eval(x, r)),
            Node::Not(x) => !self.eval(x, r),
            Node::Content(id) => self.occurs(*id, r),
            Node::Meta {
                field,
                needle,
                case_sensitive,
            } => meta_match(*field, needle, *case_sensitive, self.note),
            Node::Scope(s, x) => self.units_in(*s, r).any(|u| self.eval(x, &u)),
        }
    }

    /// Pushes the occurrences that make `n` hold in `r` (which it does).
    fn collect(&self, n: &Node, r: &Range<usize>, out: &mut Vec<Range<usize>>) {
        match n {
            Node::And(v) => v.iter().for_each(|x| self.collect(x, r, out)),
            Node::Or(v) => {
                for x in v {
                    if self.eval(x, r) {
                        self.collect(x, r, out);
                    }
                }
            }
            Node::Not(_) | Node::Meta { .. } => {}
            Node::Content(id) => {
                let occ = &self.occ[*id];
                let i = occ.partition_point(|o| o.start < r.start);
                out.extend(
                    occ[i..]
                        .iter()
                        .take_while(|o| o.start < r.end)
                        .filter(|o| o.end <= r.end)
                        .cloned(),
                );
            }
            Node::Scope(s, x) => {
                for u in self.units_in(*s, r) {
                    if self.eval(x, &u) {
                        self.collect(x, &u, out);
                    }
                }
            }
        }
    }

    /// The units of a scope that overlap `r`, clipped to it.
    fn units_in(&self, s: Scope, r: &Range<usize>) -> impl Iterator<Item = Range<usize>> + '_ {
        let units = self.units(s);
        let i = units.partition_point(|u| u.end < r.start);
        let r = r.clone();
        units[i..]
            .iter()
            .take_while(move |u| u.start < r.end)
            .map(move |u| u.start.max(r.start)..u.end.min(r.end))
    }

    fn units(&self, s: Scope) -> &[Range<usize>] {
        match s {
            Scope::Line => self.lines(),
            Scope::Block => self
                .blocks
                .get_or_init(|| blocks(self.text, self.lines(), self.note)),
            Scope::Section => self.sections.get_or_init(|| sections(self.text, self.note)),
            Scope::Task(state) => {
                let k = match state {
                    TaskState::Any => 0,
                    TaskState::Todo => 1,
                    TaskState::Done => 2,
                };
                self.tasks[k].get_or_init(|| {
                    self.lines()
                        .iter()
                        .filter(|l| {
                            task_state(&self.text[(*l).clone()]).is_some_and(|done| match state {
                                TaskState::Any => true,
                                TaskState::Todo => !done,
                                TaskState::Done => done,
                            })
                        })
                        .cloned()
                        .collect()
                })
            }
        }
    }

    fn lines(&self) -> &[Range<usize>] {
        self.lines.get_or_init(|| lines(self.text))
    }
}

/// Byte ranges of the lines of `text`, without their line endings.
fn lines(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', b) {
        out.push(start..trim_cr(b, start, nl));
        start = nl + 1;
    }
    out.push(start..trim_cr(b, start, b.len()));
    out
}

fn trim_cr(b: &[u8], start: usize, end: usize) -> usize {
    if end > start && b[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

/// Blocks: runs of non-blank lines; a heading line is a block of its own.
fn blocks(text: &str, lines: &[Range<usize>], note: &Note) -> Vec<Range<usize>> {
    let heading_lines: Vec<usize> = note.parsed.headings.iter().map(|h| h.line).collect();
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut open: Option<Range<usize>> = None;
    for (i, l) in lines.iter().enumerate() {
        let blank = text[l.clone()].trim().is_empty();
        let heading = heading_lines.binary_search(&(i + 1)).is_ok();
        if blank || heading {
            out.extend(open.take());
            if heading {
                out.push(l.clone());
            }
        } else {
            open = Some(open.map_or(l.clone(), |o| o.start..l.end));
        }
    }
    out.extend(open);
    out
}

/// Sections: from each heading line to the next; the text before the first heading is one too.
fn sections(text: &str, note: &Note) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut starts: Vec<usize> = note
        .parsed
        .headings
        .iter()
        .map(|h| {
            let at = h.range.start.min(b.len());
            memchr::memrchr(b'\n', &b[..at]).map_or(0, |i| i + 1)
        })
        .collect();
    starts.insert(0, 0);
    starts.dedup();
    let mut out: Vec<Range<usize>> = starts.windows(2).map(|w| w[0]..w[1]).collect();
    if let Some(&last) = starts.last() {
        out.push(last..b.len());
    }
    out
}

/// Whether a line is a task, and if so whether it is done: `- [ ] x`, `* [x] x`, `1. [/] x`,
/// also inside a blockquote or callout.
fn task_state(line: &str) -> Option<bool> {
    let t = line.trim_start_matches([' ', '\t', '>']);
    let rest = if let Some(r) = t.strip_prefix(['-', '*', '+']) {
        r
    } else {
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        t[digits..].strip_prefix(['.', ')'])?
    };
    let rest = rest.strip_prefix([' ', '\t'])?.trim_start();
    let mut chars = rest.chars();
    if chars.next() != Some('[') {
        return None;
    }
    let state = chars.next()?;
    if chars.next() != Some(']') {
        return None;
    }
    match chars.next() {
        None | Some(' ') | Some('\t') => Some(state != ' '),
        _ => None,
    }
}

/// Groups match ranges by line and makes one hit per line.
fn line_hits(index: usize, text: &str, mut ranges: Vec<Range<usize>>) -> Vec<Hit> {
    ranges.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    ranges.dedup();
    let b = text.as_bytes();
    let mut hits: Vec<Hit> = Vec::new();
    let mut line_no = 1;
    let mut counted = 0; // newlines before `counted` are in `line_no`
    let mut i = 0;
    while i < ranges.len() {
        let at = ranges[i].start.min(b.len());
        line_no += memchr::memchr_iter(b'\n', &b[counted..at]).count();
        counted = at;
        let ls = memchr::memrchr(b'\n', &b[..at]).map_or(0, |p| p + 1);
        let le = trim_cr(
            b,
            ls,
            memchr::memchr(b'\n', &b[at..]).map_or(b.len(), |p| at + p),
        );
        let mut spans = Vec::new();
        // The first range is on this line by construction; the rest while they start before its end.
        while i < ranges.len() && (spans.is_empty() || ranges[i].start < le) {
            let r = &ranges[i];
            spans.push(r.start..r.end.min(le));
            i += 1;
        }
        let local: Vec<Range<usize>> = spans.iter().map(|s| s.start - ls..s.end - ls).collect();
        let (snippet, ranges_in) = snippet(&text[ls..le], &local);
        hits.push(Hit {
            note: index,
            line: line_no,
            snippet,
            ranges: ranges_in,
            spans,
        });
    }
    hits
}

/// The line as shown in results: tabs as spaces, control characters dropped, trimmed, and cut to
/// [`SNIPPET_CHARS`] around the first match; with the matches as character ranges in it. `matches`
/// are byte ranges in `line`.
pub fn snippet(line: &str, matches: &[Range<usize>]) -> (String, Vec<Range<usize>>) {
    // Work on a window that holds the snippet, so a hit on a long line (a paragraph written as
    // one line) costs about the same as one on a short line: up to SNIPPET_CHARS characters after
    // the first match, and SNIPPET_LEAD before it, or more when the line ends too soon after it.
    let mut first = matches
        .iter()
        .map(|m| m.start)
        .min()
        .unwrap_or(0)
        .min(line.len());
    while !line.is_char_boundary(first) {
        first -= 1;
    }
    let mut after = 0;
    let mut b = line.len();
    for (i, _) in line[first..].char_indices() {
        if after == SNIPPET_CHARS + 1 {
            b = first + i;
            break;
        }
        after += 1;
    }
    let before = if after > SNIPPET_CHARS - SNIPPET_LEAD {
        SNIPPET_LEAD + 1
    } else {
        SNIPPET_CHARS + 1
    };
    let a = line[..first]
        .char_indices()
        .rev()
        .nth(before - 1)
        .map_or(0, |(i, _)| i);
    let local: Vec<Range<usize>> = matches
        .iter()
        .map(|m| m.start.clamp(a, b) - a..m.end.clamp(a, b) - a)
        .collect();
    window_snippet(&line[a..b], &local, a > 0, b < line.len())
}

/// [`snippet`] on a window of a line; `cut_left`/`cut_right` say whether the line goes on.
fn window_snippet(
    line: &str,
    matches: &[Range<usize>],
    cut_left: bool,
    cut_right: bool,
) -> (String, Vec<Range<usize>>) {
    // Each kept character with the byte offset it came from.
    let mut chars: Vec<(usize, char)> = line
        .char_indices()
        .map(|(i, c)| (i, if c == '\t' { ' ' } else { c }))
        .filter(|(_, c)| !c.is_control())
        .collect();
    let lead = if cut_left {
        0
    } else {
        chars.iter().take_while(|(_, c)| c.is_whitespace()).count()
    };
    let trail = if cut_right {
        0
    } else {
        chars[lead..]
            .iter()
            .rev()
            .take_while(|(_, c)| c.is_whitespace())
            .count()
    };
    chars.truncate(chars.len() - trail);
    chars.drain(..lead);
    let to_char = |byte: usize| chars.partition_point(|(i, _)| *i < byte);
    let mut ranges: Vec<Range<usize>> = matches
        .iter()
        .map(|m| to_char(m.start)..to_char(m.end))
        .filter(|r| !r.is_empty())
        .collect();
    // Merge overlapping ranges so a highlighter never nests.
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    let n = chars.len();
    let (from, to) = if n <= SNIPPET_CHARS {
        (0, n)
    } else {
        let first = merged.first().map_or(0, |r| r.start);
        let to = (first.saturating_sub(SNIPPET_LEAD) + SNIPPET_CHARS).min(n);
        (to.saturating_sub(SNIPPET_CHARS), to)
    };
    let mut out = String::new();
    let shift = if from > 0 || cut_left {
        out.push('…');
        1
    } else {
        0
    };
    out.extend(chars[from..to].iter().map(|(_, c)| c));
    if to < n || cut_right {
        out.push('…');
    }
    let ranges = merged
        .into_iter()
        .filter(|r| r.end > from && r.start < to)
        .map(|r| r.start.max(from) - from + shift..r.end.min(to) - from + shift)
        .collect();
    (out, ranges)
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one match range per line is the common case
mod tests {
    use super::*;

    #[test]
    fn folding_matches_str_to_lowercase_offsets() {
        let mut f = Folded::default();
        fold_into("Hello ÉCOLE wORLD", &mut f);
        assert_eq!(
            std::str::from_utf8(&f.bytes).ok(),
            Some("hello école world")
        );
        assert!(f.shifts.is_empty());
        // Kelvin sign (3 bytes) folds to `k` (1 byte); `İ` (2 bytes) to `i̇` (3 bytes).
        let text = "a\u{212A}b İx";
        fold_into(text, &mut f);
        let folded = String::from_utf8(f.bytes.clone()).expect("utf8");
        assert_eq!(folded, "akb i\u{307}x");
        let kb = folded.find("kb").expect("kb");
        assert_eq!(f.original(kb, false), 1);
        assert_eq!(
            &text[f.original(kb, false)..f.original(kb + 2, true)],
            "\u{212A}b"
        );
        let x = folded.find('x').expect("x");
        assert_eq!(&text[f.original(x, false)..f.original(x + 1, true)], "x");
        let i = folded.find('i').expect("i");
        assert_eq!(&text[f.original(i, false)..f.original(i + 1, true)], "İ");
    }

    #[test]
    fn long_ascii_runs_fold() {
        let text = format!("{}Ä{}", "AbC".repeat(50), "XyZ".repeat(40));
        let mut f = Folded::default();
        fold_into(&text, &mut f);
        assert_eq!(String::from_utf8(f.bytes).ok(), Some(text.to_lowercase()));
    }

    #[test]
    fn snippets_trim_strip_and_cut() {
        let (s, r) = snippet("\t  hello\u{7}  world  ", &[11..16]);
        assert_eq!(s, "hello  world");
        assert_eq!(r, vec![7..12]);
        let long = format!("{}needle{}", "a".repeat(300), "b".repeat(300));
        let (s, r) = snippet(&long, &[300..306]);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 2);
        assert!(s.starts_with('…') && s.ends_with('…'));
        let chars: Vec<char> = s.chars().collect();
        let m: String = chars[r[0].clone()].iter().collect();
        assert_eq!(m, "needle");
        assert_eq!(r[0].start, SNIPPET_LEAD + 1);
    }

    #[test]
    fn snippet_near_the_end_keeps_the_full_width() {
        let long = format!("{}end", "x".repeat(400));
        let (s, r) = snippet(&long, &[400..403]);
        assert!(s.starts_with('…') && !s.ends_with('…'));
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 1);
        let chars: Vec<char> = s.chars().collect();
        assert_eq!(chars[r[0].clone()].iter().collect::<String>(), "end");
    }

    #[test]
    fn snippets_of_very_long_lines_only_look_near_the_match() {
        let long = format!("{}é needle ü{}", "a".repeat(5000), "b".repeat(5000));
        let at = long.find("needle").expect("needle");
        let (s, r) = snippet(&long, &[at..at + 6]);
        assert_eq!(s.chars().count(), SNIPPET_CHARS + 2);
        let chars: Vec<char> = s.chars().collect();
        assert_eq!(chars[r[0].clone()].iter().collect::<String>(), "needle");
        assert_eq!(r[0].start, SNIPPET_LEAD + 1);
        // A match near the start of a long line: no cut on the left.
        let (s, r) = snippet(&long[4990..], &[0..3]);
        assert!(!s.starts_with('…') && s.ends_with('…'));
        assert_eq!(r, vec![0..3]);
    }

    #[test]
    fn overlapping_matches_merge() {
        let (_, r) = snippet("abcdef", &[0..3, 2..5]);
        assert_eq!(r, vec![0..5]);
    }

    #[test]
    fn tasks() {
        assert_eq!(task_state("- [ ] call mum"), Some(false));
        assert_eq!(task_state("  * [x] done"), Some(true));
        assert_eq!(task_state("1. [/] half"), Some(true));
        assert_eq!(task_state("> - [ ] quoted"), Some(false));
        assert_eq!(task_state("- [ ]"), Some(false));
        assert_eq!(task_state("- [link](x)"), None);
        assert_eq!(task_state("[ ] no bullet"), None);
        assert_eq!(task_state("-[ ] no space"), None);
    }

    #[test]
    fn lines_drop_crlf() {
        assert_eq!(lines("a\r\nbc\n"), vec![0..1, 3..5, 6..6]);
    }
}
