//! Tables fitted to the width: columns keep their natural width when the table fits, and share the
//! width otherwise (narrow columns keep theirs, wide ones wrap). A table too wide for even one cell
//! per column is shown as one `header: value` block per row.

use pulldown_cmark::Alignment;

use super::wrap::{max_width, wrap, Piece, Seg};
use crate::theme;

/// The separator between columns.
const SEP: &str = " │ ";
const SEP_WIDTH: usize = 3;

/// Lays out a table. `rows[0..header_rows]` are header rows. Returns the lines to draw.
pub(crate) fn layout(
    rows: &[Vec<Vec<Piece>>],
    header_rows: usize,
    aligns: &[Alignment],
    width: usize,
) -> Vec<Vec<Seg>> {
    let cols = rows
        .iter()
        .map(Vec::len)
        .max()
        .unwrap_or(0)
        .max(aligns.len());
    if cols == 0 {
        return Vec::new();
    }
    let sep_total = SEP_WIDTH * (cols - 1);
    if width < sep_total + cols * 3 && cols > 1 {
        return stacked(rows, header_rows, width);
    }
    let avail = width - sep_total;
    let natural: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| max_width(&wrap(cell, usize::MAX / 2)))
                .max()
                .unwrap_or(0)
                .max(1)
        })
        .collect();
    let widths = fit(&natural, avail);
    let mut out = Vec::new();
    for (ri, row) in rows.iter().enumerate() {
        let cells: Vec<Vec<Vec<Seg>>> = (0..cols)
            .map(|c| {
                row.get(c)
                    .map_or_else(Vec::new, |cell| wrap(cell, widths[c]))
            })
            .collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for line in 0..height {
            let mut segs = Vec::new();
            for c in 0..cols {
                if c > 0 {
                    segs.push(Seg::plain(SEP, theme::TABLE_BORDER));
                }
                let content = cells[c].get(line).cloned().unwrap_or_default();
                let used: usize = content.iter().map(|s| s.width).sum();
                let pad = widths[c].saturating_sub(used);
                let last = c + 1 == cols;
                let (left, right) = match aligns.get(c) {
                    Some(Alignment::Right) => (pad, 0),
                    Some(Alignment::Center) => (pad / 2, pad - pad / 2),
                    _ => (0, if last { 0 } else { pad }),
                };
                if left > 0 {
                    segs.push(Seg::plain(" ".repeat(left), theme::TEXT));
                }
                segs.extend(content);
                if right > 0 {
                    segs.push(Seg::plain(" ".repeat(right), theme::TEXT));
                }
            }
            out.push(segs);
        }
        if ri + 1 == header_rows {
            let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
            out.push(vec![Seg::plain(rule.join("─┼─"), theme::TABLE_BORDER)]);
        }
    }
    out
}

/// Column widths: natural widths when they fit; otherwise columns narrower than an equal share
/// keep theirs and the others share what is left.
fn fit(natural: &[usize], avail: usize) -> Vec<usize> {
    let total: usize = natural.iter().sum();
    if total <= avail {
        return natural.to_vec();
    }
    let mut widths = vec![0; natural.len()];
    let mut open: Vec<usize> = (0..natural.len()).collect();
    let mut left = avail;
    loop {
        let share = left / open.len().max(1);
        let (small, big): (Vec<usize>, Vec<usize>) =
            open.iter().partition(|&&c| natural[c] <= share);
        if small.is_empty() {
            break;
        }
        for c in small {
            widths[c] = natural[c];
            left -= natural[c];
        }
        open = big;
        if open.is_empty() {
            break;
        }
    }
    if !open.is_empty() {
        let share = left / open.len();
        let mut extra = left % open.len();
        for c in open {
            widths[c] = share + usize::from(extra > 0);
            extra = extra.saturating_sub(1);
        }
    }
    for w in &mut widths {
        *w = (*w).max(1);
    }
    widths
}

/// A table too wide for the screen: each row as `header: value` lines, rows separated by a rule.
fn stacked(rows: &[Vec<Vec<Piece>>], header_rows: usize, width: usize) -> Vec<Vec<Seg>> {
    let header = rows.first().filter(|_| header_rows > 0);
    let mut out = Vec::new();
    for (ri, row) in rows.iter().enumerate().skip(header_rows.min(1)) {
        if ri > header_rows.min(1) {
            out.push(vec![Seg::plain(
                "─".repeat(width.min(8)),
                theme::TABLE_BORDER,
            )]);
        }
        for (c, cell) in row.iter().enumerate() {
            let mut pieces = Vec::new();
            if let Some(h) = header.and_then(|h| h.get(c)) {
                pieces.extend(h.iter().filter(|p| !p.is_break()).cloned());
                pieces.push(Piece::literal(": ", theme::TABLE_BORDER, 0));
            }
            pieces.extend(cell.iter().cloned());
            out.extend(wrap(&pieces, width));
        }
    }
    if rows.len() <= header_rows.min(1) {
        for row in rows {
            for cell in row {
                out.extend(wrap(cell, width));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_narrow_columns_first() {
        assert_eq!(fit(&[3, 50, 4], 40), vec![3, 33, 4]);
        assert_eq!(fit(&[3, 5], 40), vec![3, 5]);
        assert_eq!(fit(&[30, 30], 21), vec![11, 10]);
    }
}
