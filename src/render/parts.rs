//! Splits a note too large to render at once into parts of at most [`PART_BYTES`], cut between
//! blocks where it can be, so the browser renders only the parts around what it shows and a 30 MB
//! note is read to its last line without rendering all of it.

use std::ops::Range;

use crate::markdown;

/// The most bytes of a large note rendered as one part: small enough that rendering a part (and
/// with it scrolling into the next one) takes a fraction of a second.
pub const PART_BYTES: usize = 256 << 10;

/// How a part meets the part before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joint {
    /// It is the first part.
    Start,
    /// After a blank line, outside fenced code and comments: between two blocks.
    Block,
    /// At a line break that is not between blocks (no blank line was found near enough).
    Line,
    /// Inside a line too long to cut anywhere else.
    Char,
}

/// One part of a note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// Byte range in the note's text.
    pub bytes: Range<usize>,
    /// The 1-based line the part starts on (the line it continues, for a [`Joint::Char`] cut).
    pub first_line: usize,
    /// How it meets the part before it.
    pub joint: Joint,
    /// When the cut fell inside a fenced code block or a comment (one longer than a part): the
    /// text that opens it again, its fence line or `%%`, to put before the part's text when
    /// rendering so that the part goes on as code or stays hidden.
    pub reopen: Option<String>,
}

/// A note's text split into parts that cover it exactly once, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    list: Vec<Part>,
    /// How many lines the text has (a final line break does not start another one).
    pub lines: usize,
    /// The text's length in bytes.
    pub bytes: usize,
}

impl Parts {
    /// Splits `text` into parts of at most `limit` bytes (at least 4, so every part holds a
    /// character). Each cut is, in order of preference: at the start of a line that follows a blank
    /// line and is not indented, outside fenced code and comments; at any line start after a blank
    /// line outside them; at any line start outside them; at any line start; at a char boundary.
    /// Only the back half of each part's room is searched, so no part is smaller than half the
    /// limit except the last.
    pub fn split(text: &str, limit: usize) -> Parts {
        let limit = limit.max(4);
        let bytes = text.as_bytes();
        let opaque = markdown::unsplittable_ranges(text);
        let mut list = Vec::new();
        let mut start = 0;
        let mut line = 1;
        let mut joint = Joint::Start;
        let mut reopen = None;
        while text.len() - start > limit {
            let hi = floor_boundary(text, start + limit);
            let lo = start + limit / 2;
            let (cut, j) = best_cut(bytes, lo, hi, &opaque).unwrap_or((hi, Joint::Char));
            list.push(Part {
                bytes: start..cut,
                first_line: line,
                joint,
                reopen,
            });
            line += memchr::memchr_iter(b'\n', &bytes[start..cut]).count();
            start = cut;
            joint = j;
            reopen = reopener(text, &opaque, cut);
        }
        list.push(Part {
            bytes: start..text.len(),
            first_line: line,
            joint,
            reopen,
        });
        let breaks = memchr::memchr_iter(b'\n', &bytes[start..]).count();
        let lines = line + breaks - usize::from(text.ends_with('\n') && !text.is_empty());
        Parts {
            list,
            lines: lines.max(1),
            bytes: text.len(),
        }
    }

    /// The parts, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Part> {
        self.list.iter()
    }

    /// Part `i`.
    pub fn get(&self, i: usize) -> Option<&Part> {
        self.list.get(i)
    }

    /// How many parts there are (at least one).
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Always `false`: even an empty text has one (empty) part.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The part a 1-based line starts in (the first one, for a line cut inside).
    pub fn of_line(&self, line: usize) -> usize {
        self.list
            .partition_point(|p| p.first_line <= line)
            .saturating_sub(1)
            .min(self.list.len().saturating_sub(1))
    }

    /// The part a byte offset lies in.
    pub fn of_offset(&self, at: usize) -> usize {
        self.list
            .partition_point(|p| p.bytes.start <= at)
            .saturating_sub(1)
    }
}

/// What opens again the fenced code block or comment a cut at `at` falls inside, if it does: the
/// fence line (with its line break), or `%%`.
fn reopener(text: &str, opaque: &[Range<usize>], at: usize) -> Option<String> {
    let i = opaque.partition_point(|r| r.start < at);
    let r = opaque[..i].last().filter(|r| r.end > at)?;
    let open = &text[r.start..];
    if open.starts_with("%%") {
        return Some("%%".to_string());
    }
    let line = open.split_inclusive('\n').next().unwrap_or("");
    Some(line.to_string()).filter(|l| l.contains("``") || l.contains("~~"))
}

/// The largest char boundary at or before `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Whether `at` lies strictly inside one of `ranges` (sorted and disjoint).
fn inside(ranges: &[Range<usize>], at: usize) -> bool {
    let i = ranges.partition_point(|r| r.start < at);
    ranges[..i].last().is_some_and(|r| r.end > at)
}

/// The best line start in `lo..=hi` to cut at, with how good it is (see [`Parts::split`]).
fn best_cut(bytes: &[u8], lo: usize, hi: usize, opaque: &[Range<usize>]) -> Option<(usize, Joint)> {
    // Best candidate per level, the latest in the text: 0 = block start, 1 = after a blank line,
    // 2 = line start outside code, 3 = any line start.
    let mut best: [Option<usize>; 4] = [None; 4];
    let from = lo.saturating_sub(1);
    let mut prev_nl = memchr::memrchr(b'\n', &bytes[..from]);
    for i in memchr::memchr_iter(b'\n', &bytes[from..hi]).map(|i| i + from) {
        let p = i + 1;
        let line_before = &bytes[prev_nl.map_or(0, |k| k + 1)..i];
        prev_nl = Some(i);
        if p <= lo || p > hi || p >= bytes.len() {
            continue;
        }
        best[3] = Some(p);
        if inside(opaque, p) {
            continue;
        }
        best[2] = Some(p);
        if !line_before.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        best[1] = Some(p);
        if !bytes[p].is_ascii_whitespace() {
            best[0] = Some(p);
        }
    }
    let joints = [Joint::Block, Joint::Block, Joint::Line, Joint::Line];
    best.iter().zip(joints).find_map(|(b, j)| b.map(|p| (p, j)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_text_is_one_part() {
        let p = Parts::split("a\nb\n", 100);
        assert_eq!(p.len(), 1);
        assert_eq!(p.get(0).map(|p| p.bytes.clone()), Some(0..4));
        assert_eq!(p.lines, 2);
        assert_eq!(Parts::split("", 100).len(), 1);
    }

    #[test]
    fn cuts_prefer_block_starts_and_count_lines() {
        let text = "para one\n\n  indented\n\nnext block\nmore\n";
        let p = Parts::split(text, 30);
        assert_eq!(p.len(), 2);
        let second = p.get(1).expect("two parts");
        assert_eq!(&text[second.bytes.clone()], "next block\nmore\n");
        assert_eq!(second.first_line, 5);
        assert_eq!(second.joint, Joint::Block);
        assert_eq!(p.of_line(4), 0);
        assert_eq!(p.of_line(5), 1);
        assert_eq!(p.of_line(99), 1);
        assert_eq!(p.lines, 6);
    }

    #[test]
    fn a_cut_inside_long_code_or_comments_reopens_it() {
        let code = format!("```rust\n{}```\n", "let x = 1;\n".repeat(40));
        let p = Parts::split(&code, 100);
        assert!(p.len() > 2);
        assert!(p
            .iter()
            .skip(1)
            .all(|p| p.reopen.as_deref() == Some("```rust\n")));
        assert_eq!(p.get(0).and_then(|p| p.reopen.clone()), None);
        let comment = format!("%% {}%%\n\nafter\n", "hidden words\n".repeat(40));
        let p = Parts::split(&comment, 100);
        assert_eq!(
            p.get(1).and_then(|p| p.reopen.clone()).as_deref(),
            Some("%%")
        );
        let plain = "words\n".repeat(100);
        assert!(Parts::split(&plain, 100).iter().all(|p| p.reopen.is_none()));
    }

    #[test]
    fn inside_finds_enclosing_ranges() {
        let r = [0..10, 12..50, 60..70];
        assert!(inside(&r, 20));
        assert!(!inside(&r, 55));
        assert!(!inside(&r, 60));
        assert!(inside(&r, 61));
    }
}
