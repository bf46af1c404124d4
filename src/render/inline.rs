//! Obsidian inline syntax pulldown-cmark leaves in text (R56.7): `==highlights==` (R46), `#tags`
//! (R37) and inline footnotes `^[...]` (R48). Each pass rewrites the pieces of one inline block
//! before it is wrapped; code spans, math and link text are left alone.

use ratatui::style::Style;

use super::wrap::{Piece, PieceKind};
use crate::markdown;
use crate::theme;

fn is_prose(p: &Piece) -> bool {
    p.kind == PieceKind::Text && p.link.is_none()
}

/// Replaces each `^[note]` with a footnote reference; `register` stores the note's pieces and
/// returns its number.
pub(crate) fn inline_footnotes(
    pieces: Vec<Piece>,
    register: &mut dyn FnMut(Vec<Piece>) -> usize,
) -> Vec<Piece> {
    if !pieces.iter().any(|p| is_prose(p) && p.text.contains("^[")) {
        return pieces;
    }
    let mut out = Vec::with_capacity(pieces.len());
    let mut queue: std::collections::VecDeque<Piece> = pieces.into();
    while let Some(p) = queue.pop_front() {
        let Some(k) = p.text.find("^[").filter(|_| is_prose(&p)) else {
            out.push(p);
            continue;
        };
        // Find the closing bracket, counting nested ones in prose only.
        let mut depth = 1usize;
        let mut end: Option<(usize, usize)> = None; // (index in queue + 1 for p itself, byte)
        let scan = |text: &str, from: usize, depth: &mut usize| -> Option<usize> {
            for (i, c) in text[from..].char_indices() {
                match c {
                    '[' => *depth += 1,
                    ']' => {
                        *depth -= 1;
                        if *depth == 0 {
                            return Some(from + i);
                        }
                    }
                    _ => {}
                }
            }
            None
        };
        if let Some(m) = scan(&p.text, k + 2, &mut depth) {
            end = Some((0, m));
        } else {
            for (qi, q) in queue.iter().enumerate() {
                if q.is_break() && q.kind == PieceKind::Break {
                    break;
                }
                if is_prose(q) {
                    if let Some(m) = scan(&q.text, 0, &mut depth) {
                        end = Some((qi + 1, m));
                        break;
                    }
                }
            }
        }
        let Some((j, m)) = end else {
            out.push(p);
            continue;
        };
        let mut content = Vec::new();
        let before = Piece {
            text: p.text[..k].to_string(),
            ..p.clone()
        };
        let rest = if j == 0 {
            content.push(Piece {
                text: p.text[k + 2..m].to_string(),
                ..p.clone()
            });
            Piece {
                text: p.text[m + 1..].to_string(),
                ..p.clone()
            }
        } else {
            content.push(Piece {
                text: p.text[k + 2..].to_string(),
                ..p.clone()
            });
            for _ in 1..j {
                if let Some(q) = queue.pop_front() {
                    content.push(q);
                }
            }
            let Some(last) = queue.pop_front() else {
                out.push(p);
                continue;
            };
            content.push(Piece {
                text: last.text[..m].to_string(),
                ..last.clone()
            });
            Piece {
                text: last.text[m + 1..].to_string(),
                ..last
            }
        };
        content.retain(|c| c.is_break() || !c.text.is_empty());
        let n = register(content);
        if !before.text.is_empty() {
            out.push(before);
        }
        out.push(Piece::literal(format!("[{n}]"), theme::FOOTNOTE, p.src));
        if !rest.text.is_empty() {
            queue.push_front(rest);
        }
    }
    out
}

/// Cleans up syntax left in prose by malformed links and HTML, which real vaults contain (an
/// unclosed `[[target | text]`, a stray `]]`, an escaped `\<a ...>` tag, an `<a>` tag inside a
/// broken Markdown link): bracket pairs show as single brackets and leftover `<a ...>` start tags
/// are dropped, so raw link and HTML syntax never reaches the screen. Well-formed links, code and
/// math never get here: they are links, code spans or literal pieces.
pub(crate) fn stray_syntax(pieces: Vec<Piece>) -> Vec<Piece> {
    let suspicious = |p: &Piece| {
        is_prose(p) && (p.text.contains('[') || p.text.contains(']') || p.text.contains('<'))
    };
    if !pieces.iter().any(suspicious) {
        return pieces;
    }
    let mut out = Vec::with_capacity(pieces.len());
    let mut last: Option<char> = None;
    for mut p in pieces {
        if !is_prose(&p) {
            last = if p.is_break() {
                None
            } else {
                p.text.chars().next_back().or(last)
            };
            out.push(p);
            continue;
        }
        let mut text = String::with_capacity(p.text.len());
        let mut rest = p.text.as_str();
        while let Some(c) = rest.chars().next() {
            if c == '<' && is_a_tag(rest) {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                rest = &rest[end..];
                continue;
            }
            rest = &rest[c.len_utf8()..];
            if (c == '[' || c == ']') && last == Some(c) {
                continue;
            }
            text.push(c);
            last = Some(c);
        }
        p.text = text;
        if !p.text.is_empty() {
            out.push(p);
        }
    }
    out
}

/// Whether `s` starts with an `<a` start tag (`<a>` or `<a` followed by white space).
fn is_a_tag(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2
        && b[0] == b'<'
        && (b[1] == b'a' || b[1] == b'A')
        && b.get(2)
            .is_none_or(|c| *c == b'>' || c.is_ascii_whitespace())
}

/// A `==` marker: piece index and byte offset.
type Marker = (usize, usize);

/// Styles text between `==` pairs as highlighted and drops the markers (R46). A marker opens only
/// before a non-space and closes only after one; runs of three or more `=` are not markers.
pub(crate) fn highlights(pieces: Vec<Piece>) -> Vec<Piece> {
    if !pieces.iter().any(|p| is_prose(p) && p.text.contains("==")) {
        return pieces;
    }
    let char_before = |pi: usize, at: usize| -> Option<char> {
        pieces[pi].text[..at].chars().next_back().or_else(|| {
            pieces[..pi]
                .iter()
                .rev()
                .find(|p| !p.text.is_empty() || p.is_break())
                .and_then(|p| p.text.chars().next_back())
        })
    };
    let char_after = |pi: usize, at: usize| -> Option<char> {
        pieces[pi].text[at..].chars().next().or_else(|| {
            pieces[pi + 1..]
                .iter()
                .find(|p| !p.text.is_empty() || p.is_break())
                .and_then(|p| p.text.chars().next())
        })
    };
    let mut markers: Vec<Marker> = Vec::new();
    for (pi, p) in pieces.iter().enumerate() {
        if !is_prose(p) {
            continue;
        }
        let b = p.text.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'=' {
                let run = b[i..].iter().take_while(|x| **x == b'=').count();
                if run == 2 {
                    markers.push((pi, i));
                }
                i += run;
            } else {
                i += 1;
            }
        }
    }
    let mut accepted: Vec<Marker> = Vec::new();
    let mut open: Option<Marker> = None;
    for m in markers {
        let before = char_before(m.0, m.1);
        let after = char_after(m.0, m.1 + 2);
        let can_open = after.is_some_and(|c| !c.is_whitespace());
        let can_close = before.is_some_and(|c| !c.is_whitespace());
        match open {
            Some(o) if can_close => {
                accepted.push(o);
                accepted.push(m);
                open = None;
            }
            Some(_) => {}
            None if can_open => open = Some(m),
            None => {}
        }
    }
    if accepted.is_empty() {
        return pieces;
    }
    let mut out = Vec::with_capacity(pieces.len() + accepted.len());
    let mut on = false;
    let mut next = 0;
    for (pi, p) in pieces.into_iter().enumerate() {
        let style = |on: bool, s: Style| if on { s.patch(theme::HIGHLIGHT) } else { s };
        let mut start = 0;
        while next < accepted.len() && accepted[next].0 == pi {
            let at = accepted[next].1;
            if at > start {
                out.push(Piece {
                    text: p.text[start..at].to_string(),
                    style: style(on, p.style),
                    ..p.clone()
                });
            }
            on = !on;
            start = at + 2;
            next += 1;
        }
        if start == 0 {
            out.push(Piece {
                style: style(on, p.style),
                ..p
            });
        } else if start < p.text.len() {
            out.push(Piece {
                text: p.text[start..].to_string(),
                style: style(on, p.style),
                ..p
            });
        }
    }
    out
}

/// Styles inline `#tags` (R37, R39): `#` at the start of the text or after white space, followed by
/// tag characters that are not all digits.
pub(crate) fn tags(pieces: Vec<Piece>) -> Vec<Piece> {
    if !pieces.iter().any(|p| is_prose(p) && p.text.contains('#')) {
        return pieces;
    }
    let mut out = Vec::with_capacity(pieces.len());
    let mut prev: Option<char> = None;
    for p in pieces {
        if !is_prose(&p) || !p.text.contains('#') {
            prev = if p.is_break() {
                None
            } else {
                p.text.chars().next_back().or(prev)
            };
            out.push(p);
            continue;
        }
        let text = p.text.clone();
        let mut start = 0; // start of the text not yet pushed
        let mut last = prev;
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            if c == '#' && last.is_none_or(char::is_whitespace) {
                if let Some(name) = markdown::tag_after_hash(&text[i + 1..]) {
                    let end = i + 1 + name.len();
                    if i > start {
                        out.push(Piece {
                            text: text[start..i].to_string(),
                            ..p.clone()
                        });
                    }
                    out.push(Piece {
                        text: text[i..end].to_string(),
                        style: p.style.patch(theme::TAG),
                        ..p.clone()
                    });
                    start = end;
                    while iter.peek().is_some_and(|(j, _)| *j < end) {
                        iter.next();
                    }
                    last = text[..end].chars().next_back();
                    continue;
                }
            }
            last = Some(c);
        }
        if start < text.len() {
            out.push(Piece {
                text: text[start..].to_string(),
                ..p
            });
        }
        prev = last;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Piece {
        Piece::text(s, Style::new(), None, 1)
    }

    fn show(pieces: &[Piece]) -> Vec<(String, bool)> {
        pieces
            .iter()
            .map(|p| (p.text.clone(), p.style != Style::new()))
            .collect()
    }

    #[test]
    fn r4_stray_link_and_html_syntax() {
        let out = stray_syntax(vec![t("a [[broken | (x)]. y]] z (<a class=\"t\">[1]) <b")]);
        assert_eq!(show(&out)[0].0, "a [broken | (x)]. y] z ([1]) <b");
    }

    #[test]
    fn r46_highlight_pairs() {
        let out = highlights(vec![t("a ==b c== d === e")]);
        assert_eq!(
            show(&out),
            [
                ("a ".into(), false),
                ("b c".into(), true),
                (" d === e".into(), false)
            ]
        );
        let unchanged = highlights(vec![t("x == y")]);
        assert_eq!(show(&unchanged), [("x == y".into(), false)]);
    }

    #[test]
    fn r37_tags() {
        let out = tags(vec![t("see #tag/sub, not a#b or #123.")]);
        assert_eq!(
            show(&out),
            [
                ("see ".into(), false),
                ("#tag/sub".into(), true),
                (", not a#b or #123.".into(), false)
            ]
        );
    }

    #[test]
    fn r48_inline_footnote() {
        let mut notes = Vec::new();
        let out = inline_footnotes(vec![t("a ^[note [x] here] b")], &mut |c| {
            notes.push(c);
            notes.len()
        });
        assert_eq!(
            show(&out).into_iter().map(|x| x.0).collect::<Vec<_>>(),
            ["a ", "[1]", " b"]
        );
        assert_eq!(notes[0][0].text, "note [x] here");
    }
}
