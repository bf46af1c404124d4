//! The vault's tags as a tree (R38: `#a/b/c` nests under `a` and `a/b`), with note counts, for
//! `engram tags` and the tags view.

use std::collections::{BTreeMap, BTreeSet};

use crate::graph::Graph;

/// One tag in the tree.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TagNode {
    /// The last segment as first written: `c` for `#a/b/c`.
    pub name: String,
    /// The full tag without `#`, as first written: `a/b/c`. A parent that no note carries by itself
    /// is spelled as its first child spells it.
    pub tag: String,
    /// Notes carrying this tag or any tag nested under it; this is what `tag:a/b` finds.
    pub notes: usize,
    /// Notes carrying exactly this tag (0 for a parent that exists only through its children).
    pub own: usize,
    /// Nested tags, by name, case-insensitively.
    pub children: Vec<TagNode>,
}

#[derive(Default)]
struct Building {
    tag: String,
    own: usize,
    notes: BTreeSet<usize>,
    children: BTreeMap<String, Building>,
}

impl Building {
    fn finish(self, key: &str) -> TagNode {
        let name = self.tag.rsplit('/').next().unwrap_or(key).to_string();
        TagNode {
            name,
            tag: self.tag,
            notes: self.notes.len(),
            own: self.own,
            children: self
                .children
                .into_iter()
                .map(|(k, b)| b.finish(&k))
                .collect(),
        }
    }
}

/// Builds the tag tree of a vault from [`Graph::tags`]: roots and children sorted by lowercase name;
/// each node counts the distinct notes of its subtree.
pub fn tag_tree(graph: &Graph) -> Vec<TagNode> {
    let mut root: BTreeMap<String, Building> = BTreeMap::new();
    for (key, info) in &graph.tags {
        // Keys are the lowercased names, so both split into the same segments.
        let segments: Vec<&str> = key.split('/').filter(|s| !s.is_empty()).collect();
        let written: Vec<&str> = info.name.split('/').filter(|s| !s.is_empty()).collect();
        let spelled = |depth: usize| {
            let src = if written.len() == segments.len() {
                &written
            } else {
                &segments
            };
            src[..=depth].join("/")
        };
        let mut level = &mut root;
        for (depth, seg) in segments.iter().enumerate() {
            let node = level.entry(seg.to_string()).or_default();
            let own = depth + 1 == segments.len();
            // Keys sort parents first, so a parent carried by a note is spelled as that note wrote it.
            if node.tag.is_empty() || own {
                node.tag = spelled(depth);
            }
            node.notes.extend(info.notes.iter().copied());
            if own {
                node.own += info.notes.len();
            }
            level = &mut node.children;
        }
    }
    root.into_iter().map(|(k, b)| b.finish(&k)).collect()
}

/// Notes carrying `tag` or a tag nested under it (R38), case-insensitive, ascending: what choosing a
/// tag in the tags view filters the note list to.
pub fn notes_with_tag(graph: &Graph, tag: &str) -> Vec<usize> {
    let want = tag
        .trim_start_matches('#')
        .trim_end_matches('/')
        .to_lowercase();
    let nested = format!("{want}/");
    let mut out: BTreeSet<usize> = BTreeSet::new();
    for (key, info) in graph.tags.range(want.clone()..) {
        if *key != want && !key.starts_with(&nested) {
            if key.as_str() > nested.as_str() {
                break;
            }
            continue;
        }
        out.extend(info.notes.iter().copied());
    }
    out.into_iter().collect()
}

/// The tree flattened depth-first, with each node's depth: the rows of a tree view.
pub fn flatten(tree: &[TagNode]) -> Vec<(usize, &TagNode)> {
    fn walk<'a>(nodes: &'a [TagNode], depth: usize, out: &mut Vec<(usize, &'a TagNode)>) {
        for n in nodes {
            out.push((depth, n));
            walk(&n.children, depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(tree, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vault::Vault;

    fn graph(files: &[(&str, &str)]) -> Graph {
        Graph::build(&Vault::from_files(files.iter().copied()))
    }

    #[test]
    fn nested_tags_count_their_subtree() {
        let g = graph(&[
            ("a.md", "#Inbox #inbox/today"),
            ("b.md", "#inbox/today/urgent #other"),
            ("c.md", "---\ntags: [Project/Alpha]\n---\n"),
            ("d.md", "#inbox"),
        ]);
        let tree = tag_tree(&g);
        let names: Vec<&str> = tree.iter().map(|n| n.tag.as_str()).collect();
        assert_eq!(names, vec!["Inbox", "other", "Project"]);
        let inbox = &tree[0];
        assert_eq!((inbox.notes, inbox.own), (3, 2));
        let today = &inbox.children[0];
        assert_eq!(
            (today.name.as_str(), today.tag.as_str()),
            ("today", "inbox/today")
        );
        assert_eq!((today.notes, today.own), (2, 1));
        assert_eq!(today.children[0].tag, "inbox/today/urgent");
        assert_eq!((today.children[0].notes, today.children[0].own), (1, 1));
        // `Project` exists only through `Project/Alpha`.
        let project = &tree[2];
        assert_eq!((project.notes, project.own), (1, 0));
        assert_eq!(project.children[0].tag, "Project/Alpha");
        let rows: Vec<(usize, &str)> = flatten(&tree)
            .iter()
            .map(|(d, n)| (*d, n.name.as_str()))
            .collect();
        assert_eq!(
            rows,
            vec![
                (0, "Inbox"),
                (1, "today"),
                (2, "urgent"),
                (0, "other"),
                (0, "Project"),
                (1, "Alpha")
            ]
        );
    }

    #[test]
    fn notes_with_a_tag_include_nested_ones() {
        let g = graph(&[
            ("a.md", "#inbox"),
            ("b.md", "#inbox/today"),
            ("c.md", "#inboxes"),
            ("d.md", "#in"),
        ]);
        assert_eq!(notes_with_tag(&g, "#Inbox"), vec![0, 1]);
        assert_eq!(notes_with_tag(&g, "inbox/today"), vec![1]);
        assert_eq!(notes_with_tag(&g, "in"), vec![3]);
        assert!(notes_with_tag(&g, "nothing").is_empty());
    }
}
