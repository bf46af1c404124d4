//! The vault's loose ends: orphan notes, link targets that name nothing, and files with problems,
//! each pointing at the place to open.

use crate::graph::{Graph, LinkRef, Resolution, UnresolvedTarget};
use crate::vault::{Diagnostic, Vault};

/// Notes with no link in or out, ascending.
///
/// A link out is any link written in the note except URLs (decision 4) and links to the note itself
/// (`[[#Heading]]` R17, or its own name); unresolved links and links to attachments count, as
/// Obsidian's graph draws them. A link in is a link from another note that resolves to this one.
pub fn orphans(vault: &Vault, graph: &Graph) -> Vec<usize> {
    (0..vault.notes.len())
        .filter(|&i| {
            let links_out = graph.resolutions[i].iter().any(|r| match r {
                Resolution::External => false,
                Resolution::Note { note, .. } => *note != i,
                Resolution::Attachment(_) | Resolution::Unresolved => true,
            });
            let links_in = graph.backlinks[i].iter().any(|r| r.note != i);
            !links_out && !links_in
        })
        .collect()
}

/// Unresolved link targets with every use, most used first, then by target: the list the
/// unresolved view shows.
pub fn unresolved(graph: &Graph) -> Vec<&UnresolvedTarget> {
    let mut v: Vec<&UnresolvedTarget> = graph.unresolved.values().collect();
    v.sort_by(|a, b| {
        b.uses
            .len()
            .cmp(&a.uses.len())
            .then_with(|| a.target.to_lowercase().cmp(&b.target.to_lowercase()))
    });
    v
}

/// Where a link is written: the note and the 1-based line, for opening it.
pub fn link_place(vault: &Vault, r: LinkRef) -> (usize, usize) {
    (
        r.note,
        vault.notes[r.note].parsed.links[r.link].line as usize,
    )
}

/// Diagnostics with the note each one is about, when that file is a loaded note (an unreadable file
/// or a bad symlink has none).
pub fn diagnostics(vault: &Vault) -> Vec<(Option<usize>, &Diagnostic)> {
    vault
        .diagnostics
        .iter()
        .map(|d| (vault.note_by_path(&d.path), d))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orphans_have_no_links_to_or_from_other_notes() {
        let v = Vault::from_files([
            ("a.md", "[[b]]"),
            ("b.md", "nothing"),
            (
                "alone.md",
                "# H\n[[#H]] [[alone]] [x](https://x.org) [[https://y.org]]",
            ),
            ("ghost.md", "[[missing]]"),
            ("pic.md", "![[p.png]]"),
            ("p.png", ""),
        ]);
        let g = Graph::build(&v);
        let names: Vec<&str> = orphans(&v, &g)
            .into_iter()
            .map(|i| v.notes[i].path.as_str())
            .collect();
        assert_eq!(names, vec!["alone.md"]);
    }

    #[test]
    fn unresolved_targets_sorted_by_use() {
        let v = Vault::from_files([("a.md", "[[x]] [[y]]\n[[Y]]"), ("b.md", "[[y]]")]);
        let g = Graph::build(&v);
        let u = unresolved(&g);
        assert_eq!(u.len(), 2);
        assert_eq!((u[0].target.as_str(), u[0].uses.len()), ("y", 3));
        assert_eq!(link_place(&v, u[0].uses[1]), (0, 2));
        assert_eq!(u[1].target, "x");
    }

    #[test]
    fn diagnostics_point_at_their_note() {
        let v = Vault::from_files([("bad.md", "---\ntitle: [unclosed\n---\nx"), ("ok.md", "x")]);
        let d = diagnostics(&v);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].0, Some(0));
    }
}
