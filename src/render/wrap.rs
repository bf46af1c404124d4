//! Grapheme- and width-aware word wrapping that keeps track of which link every cell belongs to.
//!
//! Widths are terminal cells as ratatui's buffer counts them (`CellWidth` per grapheme): CJK and
//! emoji take two cells, combining marks none. Text is sanitised before it is measured, so control
//! characters and terminal escape sequences from a note never reach the terminal.

use std::borrow::Cow;

use ratatui::buffer::CellWidth;
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;

use crate::graph::LinkRef;

/// What a piece of inline content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PieceKind {
    /// Prose: Obsidian-specific syntax (`==highlight==`, `#tag`, `^[note]`) is looked for in it.
    Text,
    /// Shown as it is: code spans, math, placeholders, markers.
    Literal,
    /// A line break.
    Break,
    /// A line break put around a block-like inline (an image placeholder); merges with a real break
    /// next to it so no empty row appears.
    AutoBreak,
}

/// A run of inline content with one style, before wrapping.
#[derive(Debug, Clone)]
pub(crate) struct Piece {
    /// Already sanitised text (no control characters, no newlines).
    pub text: String,
    /// The style the text is drawn in.
    pub style: Style,
    /// The link this text belongs to.
    pub link: Option<LinkRef>,
    /// The 1-based source line the text comes from, 0 when unknown.
    pub src: usize,
    /// What the piece is.
    pub kind: PieceKind,
}

impl Piece {
    /// A prose piece.
    pub fn text(text: impl Into<String>, style: Style, link: Option<LinkRef>, src: usize) -> Self {
        Piece {
            text: text.into(),
            style,
            link,
            src,
            kind: PieceKind::Text,
        }
    }

    /// A piece shown as it is.
    pub fn literal(text: impl Into<String>, style: Style, src: usize) -> Self {
        Piece {
            text: text.into(),
            style,
            link: None,
            src,
            kind: PieceKind::Literal,
        }
    }

    /// A line break.
    pub fn brk(kind: PieceKind) -> Self {
        Piece {
            text: String::new(),
            style: Style::new(),
            link: None,
            src: 0,
            kind,
        }
    }

    /// Whether the piece is a line break.
    pub fn is_break(&self) -> bool {
        matches!(self.kind, PieceKind::Break | PieceKind::AutoBreak)
    }
}

/// A run of text on one wrapped line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seg {
    /// The text.
    pub text: String,
    /// Its style.
    pub style: Style,
    /// The link it belongs to.
    pub link: Option<LinkRef>,
    /// Its width in cells.
    pub width: usize,
    /// The source line it comes from, 0 when unknown.
    pub src: usize,
}

impl Seg {
    /// A segment of text without a link.
    pub fn plain(text: impl Into<String>, style: Style) -> Self {
        let text = text.into();
        Seg {
            width: str_width(&text),
            text,
            style,
            link: None,
            src: 0,
        }
    }
}

/// The width of one grapheme in cells, as ratatui's buffer draws it.
pub(crate) fn grapheme_width(g: &str) -> usize {
    if g.len() == 1 {
        // `CellWidth` counts every single byte as one cell; ASCII control characters never get here.
        return usize::from(!g.as_bytes()[0].is_ascii_control());
    }
    usize::from(g.cell_width())
}

/// The width of a sanitised string in cells.
pub(crate) fn str_width(s: &str) -> usize {
    if s.is_ascii() {
        return s.len();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// `text` to append to `before`, without its leading zero-width graphemes when they would join
/// the end of `before` into graphemes of another width: text measured in pieces (syntax tokens,
/// inline pieces) is drawn as one string, and `*` then a lone U+FE0F would become the two-cell
/// emoji `*️` in a row counted as one cell. Apart, the buffer draws such graphemes as nothing.
pub(crate) fn unjoined<'a>(before: &str, text: &'a str) -> &'a str {
    if text.as_bytes().first().is_none_or(u8::is_ascii) {
        return text;
    }
    let Some(tail) = before.graphemes(true).next_back() else {
        return text;
    };
    // `zero`: where the first grapheme that draws cells starts; `lead`: where it ends.
    let (zero, lead) = text
        .grapheme_indices(true)
        .find(|(_, g)| grapheme_width(g) > 0)
        .map_or((text.len(), text.len()), |(i, g)| (i, i + g.len()));
    if zero == 0 {
        return text;
    }
    let head = &text[..lead];
    if str_width(&format!("{tail}{head}")) == grapheme_width(tail) + str_width(head) {
        text
    } else {
        &text[zero..]
    }
}

/// Bidirectional formatting characters: invisible, and able to reorder what a terminal shows, so
/// they are shown as a replacement character instead (OFM R12 asks for them to be visible).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Makes note text safe for a terminal: terminal escape sequences are dropped whole, other control
/// characters are dropped, tabs and newlines become spaces and bidi controls become `�`.
pub fn sanitize(s: &str) -> String {
    sanitize_cow(s).into_owned()
}

/// [`sanitize`], borrowing when nothing changes.
pub(crate) fn sanitize_cow(s: &str) -> Cow<'_, str> {
    sanitize_with(s, false)
}

/// [`sanitize_cow`], optionally keeping tabs for the caller to expand.
pub(crate) fn sanitize_with(s: &str, keep_tabs: bool) -> Cow<'_, str> {
    let clean = |c: char| (!c.is_control() || (keep_tabs && c == '\t')) && !is_bidi_control(c);
    if s.chars().all(clean) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\u{1b}' => skip_escape(&mut chars),
            '\u{9b}' => skip_csi(&mut chars),
            '\t' if keep_tabs => out.push('\t'),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c if is_bidi_control(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Skips the rest of an escape sequence after ESC: CSI (`ESC [`), OSC/DCS/APC/PM/SOS strings
/// (ended by BEL or ESC `\`), or a single following character.
fn skip_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    match chars.peek() {
        Some('[') => {
            chars.next();
            skip_csi(chars);
        }
        Some(']' | 'P' | '_' | '^' | 'X') => {
            chars.next();
            while let Some(c) = chars.next() {
                if c == '\u{7}' || c == '\u{9c}' {
                    break;
                }
                if c == '\u{1b}' {
                    if chars.peek() == Some(&'\\') {
                        chars.next();
                    }
                    break;
                }
            }
        }
        Some(c) if !c.is_control() => {
            chars.next();
        }
        _ => {}
    }
}

/// Skips a CSI sequence's parameters and its final byte.
fn skip_csi(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while let Some(&c) = chars.peek() {
        if ('\u{20}'..='\u{3f}').contains(&c) {
            chars.next();
        } else {
            if ('\u{40}'..='\u{7e}').contains(&c) {
                chars.next();
            }
            break;
        }
    }
}

/// Whether a grapheme is a place a line may break (collapsible white space). No-break spaces are not.
fn is_space(g: &str) -> bool {
    g.chars()
        .all(|c| c.is_whitespace() && !matches!(c, '\u{A0}' | '\u{2007}' | '\u{202F}'))
}

/// Fills lines greedily, word by word.
struct Filler {
    width: usize,
    lines: Vec<Vec<Seg>>,
    cur: Vec<Seg>,
    cur_w: usize,
    /// The space before the word being built: its style and link.
    space: Option<(Style, Option<LinkRef>, usize)>,
    word: Vec<Seg>,
    word_w: usize,
}

fn push_seg(
    segs: &mut Vec<Seg>,
    text: &str,
    width: usize,
    style: Style,
    link: Option<LinkRef>,
    src: usize,
) {
    if let Some(last) = segs.last_mut() {
        if last.style == style && last.link == link && (last.src == src || src == 0) {
            last.text.push_str(unjoined(&last.text, text));
            last.width += width;
            return;
        }
    }
    segs.push(Seg {
        text: text.to_string(),
        style,
        link,
        width,
        src,
    });
}

impl Filler {
    fn new(width: usize) -> Self {
        Filler {
            width: width.max(1),
            lines: Vec::new(),
            cur: Vec::new(),
            cur_w: 0,
            space: None,
            word: Vec::new(),
            word_w: 0,
        }
    }

    fn newline(&mut self) {
        self.lines.push(std::mem::take(&mut self.cur));
        self.cur_w = 0;
    }

    /// Places the word being built on the current line, or on a new one.
    fn end_word(&mut self) {
        if self.word.is_empty() {
            return;
        }
        let space = self.space.take().filter(|_| !self.cur.is_empty());
        let space_w = usize::from(space.is_some());
        let word = std::mem::take(&mut self.word);
        let word_w = std::mem::take(&mut self.word_w);
        if self.cur_w + space_w + word_w <= self.width {
            if let Some((style, link, src)) = space {
                push_seg(&mut self.cur, " ", 1, style, link, src);
                self.cur_w += 1;
            }
            for s in word {
                push_seg(&mut self.cur, &s.text, s.width, s.style, s.link, s.src);
            }
            self.cur_w += word_w;
            return;
        }
        if !self.cur.is_empty() {
            self.newline();
        }
        if word_w <= self.width {
            for s in word {
                push_seg(&mut self.cur, &s.text, s.width, s.style, s.link, s.src);
            }
            self.cur_w = word_w;
            return;
        }
        // A word longer than the line: break it between graphemes.
        for s in word {
            for g in s.text.graphemes(true) {
                let mut gw = grapheme_width(g);
                let mut g = g;
                if gw > self.width {
                    g = "?"; // a wide character on a one-cell line
                    gw = 1;
                }
                if self.cur_w + gw > self.width && !self.cur.is_empty() {
                    self.newline();
                }
                push_seg(&mut self.cur, g, gw, s.style, s.link, s.src);
                self.cur_w += gw;
            }
        }
    }

    fn add_grapheme(&mut self, g: &str, w: usize, p: &Piece) {
        if w >= 2 {
            // Wide characters (CJK) may break on either side, as browsers do.
            self.end_word();
            push_seg(&mut self.word, g, w, p.style, p.link, p.src);
            self.word_w += w;
            self.end_word();
            return;
        }
        push_seg(&mut self.word, g, w, p.style, p.link, p.src);
        self.word_w += w;
    }

    fn add(&mut self, p: &Piece) {
        if p.is_break() {
            self.end_word();
            self.space = None;
            if !(self.lines.is_empty() && self.cur.is_empty()) {
                self.newline();
            }
            return;
        }
        // Sanitised text holds no ASCII white space but ' ', so words split there; only words with
        // non-ASCII characters need grapheme segmentation (it dominates the cost otherwise).
        for (k, word) in p.text.split(' ').enumerate() {
            if k > 0 {
                self.space_at(p);
            }
            if word.is_ascii() {
                if !word.is_empty() {
                    push_seg(&mut self.word, word, word.len(), p.style, p.link, p.src);
                    self.word_w += word.len();
                }
                continue;
            }
            for g in word.graphemes(true) {
                if is_space(g) {
                    self.space_at(p);
                } else {
                    self.add_grapheme(g, grapheme_width(g), p);
                }
            }
        }
    }

    fn space_at(&mut self, p: &Piece) {
        self.end_word();
        if !self.cur.is_empty() && self.space.is_none() {
            self.space = Some((p.style, p.link, p.src));
        }
    }

    fn finish(mut self) -> Vec<Vec<Seg>> {
        self.end_word();
        if !self.cur.is_empty() {
            self.newline();
        }
        while self.lines.last().is_some_and(Vec::is_empty) {
            self.lines.pop();
        }
        self.lines
    }
}

/// Wraps inline pieces into lines of at most `width` cells. White space collapses to one space,
/// lines break at spaces (or anywhere in a word longer than a line), and no line starts or ends
/// with a space.
pub(crate) fn wrap(pieces: &[Piece], width: usize) -> Vec<Vec<Seg>> {
    let mut f = Filler::new(width);
    for p in pieces {
        f.add(p);
    }
    f.finish()
}

/// The width of the widest line of `lines`.
pub(crate) fn max_width(lines: &[Vec<Seg>]) -> usize {
    lines
        .iter()
        .map(|l| l.iter().map(|s| s.width).sum::<usize>())
        .max()
        .unwrap_or(0)
}

/// Cuts `segs` to at most `width` cells.
pub(crate) fn truncate(segs: Vec<Seg>, width: usize) -> Vec<Seg> {
    let mut out = Vec::new();
    let mut used = 0;
    for s in segs {
        if used + s.width <= width {
            used += s.width;
            out.push(s);
            continue;
        }
        let mut text = String::new();
        let mut w = 0;
        for g in s.text.graphemes(true) {
            let gw = grapheme_width(g);
            if used + w + gw > width {
                break;
            }
            text.push_str(g);
            w += gw;
        }
        if w > 0 {
            out.push(Seg {
                text,
                width: w,
                ..s
            });
        }
        break;
    }
    out
}

/// Splits a line of code into rows of at most `width` cells, expanding tabs to stops of four cells.
pub(crate) fn hard_wrap(tokens: &[(Style, String)], width: usize) -> Vec<Vec<Seg>> {
    let width = width.max(1);
    let mut rows: Vec<Vec<Seg>> = vec![Vec::new()];
    let mut row_w = 0;
    let mut place = |g: &str, gw: usize, style: Style| {
        let (g, gw) = if gw > width { ("?", 1) } else { (g, gw) };
        if row_w + gw > width && row_w > 0 {
            rows.push(Vec::new());
            row_w = 0;
        }
        if let Some(row) = rows.last_mut() {
            push_seg(row, g, gw, style, None, 0);
        }
        row_w += gw;
    };
    let mut col = 0; // column in the source line, for tab stops
    for (style, text) in tokens {
        let text = sanitize_with(text, true);
        for g in text.graphemes(true) {
            if g == "\t" {
                let n = 4 - col % 4;
                for _ in 0..n {
                    place(" ", 1, *style);
                }
                col += n;
                continue;
            }
            let w = grapheme_width(g);
            col += w;
            place(g, w, *style);
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Vec<Seg>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.iter().map(|s| s.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_collapses_them() {
        let p = [Piece::text("one  two\tthree four", Style::new(), None, 1)];
        let p: Vec<Piece> = p
            .into_iter()
            .map(|mut p| {
                p.text = sanitize(&p.text);
                p
            })
            .collect();
        assert_eq!(texts(&wrap(&p, 9)), ["one two", "three", "four"]);
    }

    #[test]
    fn breaks_long_words_and_wide_characters() {
        let p = [Piece::text("abcdefgh 漢字かな", Style::new(), None, 1)];
        assert_eq!(
            texts(&wrap(&p, 3)),
            ["abc", "def", "gh", "漢", "字", "か", "な"]
        );
        assert_eq!(texts(&wrap(&p, 1))[8], "?");
    }

    #[test]
    fn sanitize_drops_escape_sequences() {
        assert_eq!(sanitize("a\u{1b}[31mred\u{1b}[0m b\u{7}"), "ared b");
        assert_eq!(sanitize("x\u{1b}]0;title\u{7}y"), "xy");
        assert_eq!(sanitize("\u{2068}c\u{2069}"), "\u{FFFD}c\u{FFFD}");
    }

    #[test]
    fn combining_marks_take_no_cell() {
        assert_eq!(str_width("e\u{301}"), 1);
        assert_eq!(str_width("漢"), 2);
    }

    #[test]
    fn pieces_measured_apart_do_not_join_into_wider_graphemes() {
        // A lone U+FE0F after `*` would draw the two-cell emoji `*️`: it is dropped.
        assert_eq!(unjoined("**", "\u{fe0f}**"), "**");
        // A combining mark joins its base without changing the width: it stays.
        assert_eq!(unjoined("e", "\u{301}x"), "\u{301}x");
        // A zero-width joiner would fuse two emoji into one: it is dropped.
        assert_eq!(unjoined("\u{1f469}", "\u{200d}\u{1f469}"), "\u{1f469}");
        assert_eq!(unjoined("", "\u{fe0f}"), "\u{fe0f}");
        // Syntax tokens of one code line: the row is as wide as it was counted.
        let style = Style::new();
        let rows = hard_wrap(&[(style, "*".into()), (style, "\u{fe0f}*".into())], 1);
        for row in &rows {
            let text: String = row.iter().map(|s| s.text.as_str()).collect();
            assert!(str_width(&text) <= 1, "{text:?}");
        }
    }
}
