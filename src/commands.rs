//! The headless commands: what engram knows about a vault, printed as text or JSON.
//!
//! Each command writes to the writer it is given and returns the process exit code, so tests run
//! them in-process as well as through the binary.

use std::io::{self, Write};

use rayon::prelude::*;
use serde_json::{json, Value};

use crate::fulltext::{self, Cancel, Hit, Query};
use crate::graph::{Anchor, FileRef, Graph, LinkRef, Resolution};
use crate::markdown::{LineIndex, Link};
use crate::theme;
use crate::vault::Vault;
use crate::{loose, tags};

/// Exit code: the command ran and found nothing wrong.
pub const EXIT_OK: u8 = 0;
/// Exit code: `check` found a problem.
pub const EXIT_PROBLEMS: u8 = 1;
/// Exit code: `grep` found nothing.
pub const EXIT_NO_MATCH: u8 = 1;
/// Exit code: a usage or I/O error.
pub const EXIT_ERROR: u8 = 2;

/// A loaded vault and its graph.
pub struct Loaded {
    /// The notes.
    pub vault: Vault,
    /// Their links.
    pub graph: Graph,
}

impl Loaded {
    /// Builds the graph of a loaded vault.
    pub fn new(vault: Vault) -> Self {
        let graph = Graph::build(&vault);
        Loaded { vault, graph }
    }

    /// A vault from [`Vault::scan`] with an empty graph ([`Graph::empty`]): the note list, for the
    /// browser's first frame, before the notes are parsed.
    pub fn listing(vault: Vault) -> Self {
        let graph = Graph::empty(vault.notes.len());
        Loaded { vault, graph }
    }

    fn find(&self, name: &str) -> Result<usize, String> {
        self.graph
            .find_note(&self.vault, name)
            .ok_or_else(|| format!("no note named {name:?} in {}", self.vault.root.display()))
    }

    /// The vault path a resolution points at, with `#anchor` when it names a heading or block.
    fn target_path(&self, r: &Resolution) -> Option<String> {
        match r {
            Resolution::Note { note, anchor, .. } => {
                let n = &self.vault.notes[*note];
                Some(match anchor {
                    Anchor::Heading(h) => {
                        format!("{}#{}", n.path, n.parsed.headings[*h as usize].text)
                    }
                    Anchor::Block(b) => {
                        format!("{}#^{}", n.path, n.parsed.block_ids[*b as usize].id)
                    }
                    _ => n.path.clone(),
                })
            }
            Resolution::Attachment(a) => Some(self.vault.attachments[*a].path.clone()),
            _ => None,
        }
    }

    fn link(&self, r: LinkRef) -> &Link {
        &self.vault.notes[r.note].parsed.links[r.link]
    }

    fn link_json(&self, r: LinkRef) -> Value {
        let link = self.link(r);
        let res = self.graph.resolution(r);
        json!({
            "path": self.vault.notes[r.note].path,
            "line": link.line,
            "syntax": link.syntax,
            "target": link.linktext(),
            "display": link.display(),
            "embed": link.syntax.is_embed(),
            "status": res.status(),
            "resolved": self.target_path(&res),
        })
    }
}

/// Reads source lines for showing links in context, reading each note once however many of its
/// links are shown (backlinks come grouped by source note).
struct LineReader<'a> {
    vault: &'a Vault,
    current: Option<(usize, String, LineIndex)>,
}

impl<'a> LineReader<'a> {
    fn new(vault: &'a Vault) -> Self {
        LineReader {
            vault,
            current: None,
        }
    }

    /// The link's source line, trimmed, control characters dropped.
    fn line(&mut self, r: LinkRef) -> String {
        if self.current.as_ref().is_none_or(|(n, _, _)| *n != r.note) {
            let text = self.vault.read_text(r.note).unwrap_or_default();
            let index = LineIndex::new(&text);
            self.current = Some((r.note, text, index));
        }
        let Some((_, text, index)) = &self.current else {
            return String::new();
        };
        let line = self.vault.notes[r.note].parsed.links[r.link].line as usize;
        let start = index.start(line).min(text.len());
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        sanitize(text[start..end].trim())
    }
}

/// Drops control characters so a note's bytes never act as terminal commands.
pub fn sanitize(s: &str) -> String {
    // Most text holds no control character (C0, DEL, or C1, which UTF-8 writes as 0xC2 0x80–0x9F):
    // copied whole rather than a character at a time.
    let bytes = s.as_bytes();
    let clean = if s.is_ascii() {
        // Every byte looked at, with no early exit, so that the compiler tests many at a time.
        !bytes
            .iter()
            .fold(false, |bad, &b| bad | (b < 0x20) | (b == 0x7f))
    } else {
        !bytes.iter().enumerate().any(|(i, &b)| {
            b < 0x20 || b == 0x7f || (b == 0xc2 && bytes.get(i + 1).is_some_and(|n| *n < 0xa0))
        })
    };
    if clean {
        return s.to_string();
    }
    s.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|c| !c.is_control())
        .collect()
}

fn write_json(out: &mut dyn Write, v: &Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    writeln!(out)
}

/// `engram list`.
pub fn list(l: &Loaded, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    if json {
        let notes: Vec<Value> = l
            .vault
            .notes
            .iter()
            .map(
                |n| json!({"path": n.path, "title": n.title, "aliases": n.aliases, "tags": n.tags}),
            )
            .collect();
        write_json(out, &Value::Array(notes))?;
    } else {
        for n in &l.vault.notes {
            write!(out, "{}\t{}", sanitize(&n.path), sanitize(&n.title))?;
            if !n.aliases.is_empty() {
                write!(out, "\taliases: {}", sanitize(&n.aliases.join(", ")))?;
            }
            if !n.tags.is_empty() {
                let tags: Vec<String> = n.tags.iter().map(|t| format!("#{t}")).collect();
                write!(out, "\t{}", sanitize(&tags.join(" ")))?;
            }
            writeln!(out)?;
        }
    }
    Ok(EXIT_OK)
}

/// `engram links NOTE`.
pub fn links(l: &Loaded, name: &str, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let note = match l.find(name) {
        Ok(n) => n,
        Err(e) => return usage(e),
    };
    let refs: Vec<LinkRef> = (0..l.vault.notes[note].parsed.links.len())
        .map(|link| LinkRef { note, link })
        .collect();
    if json {
        write_json(
            out,
            &Value::Array(refs.iter().map(|r| l.link_json(*r)).collect()),
        )?;
        return Ok(EXIT_OK);
    }
    for r in refs {
        let link = l.link(r);
        let res = l.graph.resolution(r);
        let to = l.target_path(&res).unwrap_or_else(|| match res {
            Resolution::External => link.target().to_string(),
            _ => "(no such note)".into(),
        });
        writeln!(
            out,
            "{:>5}  {}  {}  -> {}",
            link.line,
            sanitize(&link.written()),
            res.status(),
            sanitize(&to)
        )?;
    }
    Ok(EXIT_OK)
}

/// `engram backlinks NOTE`.
pub fn backlinks(l: &Loaded, name: &str, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let note = match l.find(name) {
        Ok(n) => n,
        Err(e) => return usage(e),
    };
    let refs = &l.graph.backlinks[note];
    let mut lines = LineReader::new(&l.vault);
    if json {
        let items: Vec<Value> = refs
            .iter()
            .map(|r| {
                let mut v = l.link_json(*r);
                v["context"] = Value::String(lines.line(*r));
                v
            })
            .collect();
        write_json(out, &Value::Array(items))?;
        return Ok(EXIT_OK);
    }
    for r in refs {
        writeln!(
            out,
            "{}:{}  {}",
            sanitize(&l.vault.notes[r.note].path),
            l.link(*r).line,
            lines.line(*r)
        )?;
    }
    Ok(EXIT_OK)
}

/// Figures about a vault, as `stats` prints them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Notes.
    pub notes: usize,
    /// Non-Markdown files.
    pub attachments: usize,
    /// Every link, embed and property link, external ones included.
    pub links: usize,
    /// Links that reached a note or file.
    pub resolved: usize,
    /// Links to URLs.
    pub external: usize,
    /// Links that reached nothing.
    pub unresolved_links: usize,
    /// Distinct unresolved targets (case-insensitive, without subpath).
    pub unresolved_targets: usize,
    /// Links whose note exists but whose heading or block does not.
    pub broken_subpaths: usize,
    /// Links resolved only through an alias.
    pub alias_resolved: usize,
    /// Distinct tags.
    pub tags: usize,
    /// Files with problems.
    pub diagnostics: usize,
    /// Milliseconds to load the vault and build the graph.
    pub load_ms: u64,
}

/// Counts the figures of a vault.
pub fn stats_of(l: &Loaded, load_ms: u64) -> Stats {
    let mut s = Stats {
        notes: l.vault.notes.len(),
        attachments: l.vault.attachments.len(),
        unresolved_targets: l.graph.unresolved.len(),
        tags: l.graph.tags.len(),
        diagnostics: l.vault.diagnostics.len(),
        load_ms,
        ..Stats::default()
    };
    // Counted on all cores: 722,000 links at 50,000 notes took a few milliseconds on one.
    let counts = l
        .graph
        .resolutions
        .par_iter()
        .map(|res| {
            let mut c = [0usize; 6];
            for r in res {
                let k = match r {
                    Resolution::Note {
                        via_alias, anchor, ..
                    } => {
                        c[4] += usize::from(*via_alias);
                        c[5] += usize::from(*anchor == Anchor::Missing);
                        0
                    }
                    Resolution::Attachment(_) => 0,
                    Resolution::Unresolved => 1,
                    Resolution::External => 2,
                };
                c[k] += 1;
                c[3] += 1;
            }
            c
        })
        .reduce(|| [0; 6], |a, b| std::array::from_fn(|i| a[i] + b[i]));
    let [resolved, unresolved_links, external, links, alias_resolved, broken_subpaths] = counts;
    s.links = links;
    s.resolved = resolved;
    s.unresolved_links = unresolved_links;
    s.external = external;
    s.alias_resolved = alias_resolved;
    s.broken_subpaths = broken_subpaths;
    s
}

/// `engram stats`.
pub fn stats(l: &Loaded, load_ms: u64, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let s = stats_of(l, load_ms);
    if json {
        write_json(out, &serde_json::to_value(&s).map_err(io::Error::other)?)?;
        return Ok(EXIT_OK);
    }
    let rows = [
        ("notes", s.notes.to_string()),
        ("attachments", s.attachments.to_string()),
        ("links", s.links.to_string()),
        ("resolved", s.resolved.to_string()),
        ("external", s.external.to_string()),
        ("unresolved links", s.unresolved_links.to_string()),
        ("unresolved targets", s.unresolved_targets.to_string()),
        ("broken subpaths", s.broken_subpaths.to_string()),
        ("alias-resolved", s.alias_resolved.to_string()),
        ("tags", s.tags.to_string()),
        ("diagnostics", s.diagnostics.to_string()),
        ("load time", format!("{} ms", s.load_ms)),
    ];
    for (k, v) in rows {
        writeln!(out, "{k:<20}{v}")?;
    }
    Ok(EXIT_OK)
}

/// `engram check`.
pub fn check(l: &Loaded, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let mut unresolved = Vec::new();
    let mut broken = Vec::new();
    let mut alias = Vec::new();
    for (note, res) in l.graph.resolutions.iter().enumerate() {
        for (link, r) in res.iter().enumerate() {
            let lr = LinkRef { note, link };
            match r {
                Resolution::Unresolved => unresolved.push(lr),
                Resolution::Note {
                    anchor: Anchor::Missing,
                    ..
                } => broken.push(lr),
                _ => {}
            }
            if let Resolution::Note {
                via_alias: true, ..
            } = r
            {
                alias.push(lr);
            }
        }
    }
    let problems = unresolved.len() + broken.len() + alias.len() + l.vault.diagnostics.len();
    if json {
        let v = json!({
            "unresolved": unresolved.iter().map(|r| l.link_json(*r)).collect::<Vec<_>>(),
            "broken_subpaths": broken.iter().map(|r| l.link_json(*r)).collect::<Vec<_>>(),
            "alias_resolved": alias.iter().map(|r| l.link_json(*r)).collect::<Vec<_>>(),
            "diagnostics": l.vault.diagnostics,
            "problems": problems,
        });
        write_json(out, &v)?;
    } else {
        let section = |title: &str, refs: &[LinkRef], out: &mut dyn Write| -> io::Result<()> {
            if refs.is_empty() {
                return Ok(());
            }
            writeln!(out, "{title} ({}):", refs.len())?;
            for r in refs {
                let link = l.link(*r);
                let res = l.graph.resolution(*r);
                let to = l
                    .target_path(&res)
                    .map(|p| format!(" -> {}", sanitize(&p)))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "  {}:{}  {}{}",
                    sanitize(&l.vault.notes[r.note].path),
                    link.line,
                    sanitize(&link.written()),
                    to
                )?;
            }
            Ok(())
        };
        section("unresolved links", &unresolved, out)?;
        section("broken heading or block links", &broken, out)?;
        section("links resolved only by alias", &alias, out)?;
        if !l.vault.diagnostics.is_empty() {
            writeln!(
                out,
                "unreadable or invalid files ({}):",
                l.vault.diagnostics.len()
            )?;
            for d in &l.vault.diagnostics {
                writeln!(out, "  {}", sanitize(&d.to_string()))?;
            }
        }
        if problems == 0 {
            writeln!(out, "no problems in {} notes", l.vault.notes.len())?;
        } else {
            writeln!(
                out,
                "{} problems: {} unresolved links to {} targets, {} broken subpaths, {} alias-resolved, {} file diagnostics",
                problems,
                unresolved.len(),
                l.graph.unresolved.len(),
                broken.len(),
                alias.len(),
                l.vault.diagnostics.len()
            )?;
        }
    }
    Ok(if problems == 0 {
        EXIT_OK
    } else {
        EXIT_PROBLEMS
    })
}

fn usage(message: String) -> io::Result<u8> {
    eprintln!("engram: {message}");
    Ok(EXIT_ERROR)
}

/// The file a resolution points at, for callers that only need its path.
pub fn file_path(vault: &Vault, f: FileRef) -> &str {
    match f {
        FileRef::Note(i) => &vault.notes[i].path,
        FileRef::Attachment(i) => &vault.attachments[i].path,
    }
}

/// Writes a snippet with its match ranges wrapped in ANSI highlight codes.
fn highlighted(snippet: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(snippet.len() + ranges.len() * 12);
    let mut r = ranges.iter().peekable();
    for (i, c) in snippet.chars().enumerate() {
        if r.peek().is_some_and(|x| x.start == i) {
            out.push_str(theme::ANSI_MATCH);
        }
        out.push(c);
        if r.peek().is_some_and(|x| x.end == i + 1) {
            out.push_str(theme::ANSI_RESET);
            r.next();
        }
    }
    out
}

fn hit_json(l: &Loaded, h: &Hit) -> Value {
    let n = &l.vault.notes[h.note];
    json!({
        "path": n.path,
        "line": h.line,
        "title": n.title,
        "snippet": h.snippet,
        "ranges": h.ranges.iter().map(|r| [r.start, r.end]).collect::<Vec<_>>(),
    })
}

/// `engram grep QUERY`: every matching line, streamed in path order as the search finds it.
///
/// Text: `path:line: snippet`, with the path, line and matches coloured when `color` is set (stdout
/// is a terminal). JSON: an array with one object per line on a line of its own: `path`, `line`,
/// `title`, `snippet` and `ranges` (character ranges of the matches in the snippet). Exits 0 when
/// something matched, 1 when nothing did, 2 on a bad query.
pub fn grep(
    l: &Loaded,
    query: &str,
    json: bool,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<u8> {
    let q = match Query::parse(query) {
        Ok(q) => q,
        Err(e) => return usage(format!("bad query {query:?}: {e}")),
    };
    let cancel = Cancel::new();
    let mut failed: Option<io::Error> = None;
    let mut first = true;
    if json {
        write!(out, "[")?;
    }
    let report = fulltext::search(&l.vault, &q, &cancel, |h| {
        if failed.is_some() {
            return;
        }
        let r = if json {
            let sep = if first { "\n  " } else { ",\n  " };
            write!(out, "{sep}{}", hit_json(l, &h))
        } else {
            let path = sanitize(&l.vault.notes[h.note].path);
            if color {
                writeln!(
                    out,
                    "{}{path}{}:{}{}{}: {}",
                    theme::ANSI_PATH,
                    theme::ANSI_RESET,
                    theme::ANSI_LINE,
                    h.line,
                    theme::ANSI_RESET,
                    highlighted(&h.snippet, &h.ranges)
                )
            } else {
                writeln!(out, "{path}:{}: {}", h.line, h.snippet)
            }
        };
        first = false;
        if let Err(e) = r {
            failed = Some(e);
            cancel.cancel();
        }
    });
    if let Some(e) = failed {
        return Err(e);
    }
    if json {
        writeln!(out, "{}]", if first { "" } else { "\n" })?;
    }
    for e in &report.errors {
        eprintln!("engram: {e}");
    }
    Ok(if report.hits > 0 {
        EXIT_OK
    } else {
        EXIT_NO_MATCH
    })
}

/// `engram tags`: the tag tree, one tag a line, indented by depth, with the number of notes that
/// carry the tag or a tag nested under it. JSON: the tree as nested objects with `name` (last
/// segment), `tag` (full name), `notes`, `own` (notes carrying exactly this tag) and `children`.
pub fn tags(l: &Loaded, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let tree = tags::tag_tree(&l.graph);
    if json {
        write_json(out, &serde_json::to_value(&tree).map_err(io::Error::other)?)?;
        return Ok(EXIT_OK);
    }
    for (depth, n) in tags::flatten(&tree) {
        writeln!(
            out,
            "{:indent$}#{}  {}",
            "",
            sanitize(&n.tag),
            n.notes,
            indent = depth * 2
        )?;
    }
    Ok(EXIT_OK)
}

/// `engram orphans`: `path<TAB>title` for each note with no links in or out. JSON: an array of
/// `{path, title}`.
pub fn orphans(l: &Loaded, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let notes = loose::orphans(&l.vault, &l.graph);
    if json {
        let items: Vec<Value> = notes
            .iter()
            .map(|&i| json!({"path": l.vault.notes[i].path, "title": l.vault.notes[i].title}))
            .collect();
        write_json(out, &Value::Array(items))?;
        return Ok(EXIT_OK);
    }
    for i in notes {
        let n = &l.vault.notes[i];
        writeln!(out, "{}\t{}", sanitize(&n.path), sanitize(&n.title))?;
    }
    Ok(EXIT_OK)
}

/// `engram unresolved`: each target that names nothing, most used first, as `target<TAB>count`,
/// then `  path:line` for every use. JSON: an array of `{target, count, uses: [{path, line}]}`.
pub fn unresolved(l: &Loaded, json: bool, out: &mut dyn Write) -> io::Result<u8> {
    let targets = loose::unresolved(&l.graph);
    let place = |r: LinkRef| {
        let (note, line) = loose::link_place(&l.vault, r);
        (&l.vault.notes[note].path, line)
    };
    if json {
        let items: Vec<Value> = targets
            .iter()
            .map(|t| {
                let uses: Vec<Value> = t
                    .uses
                    .iter()
                    .map(|&r| {
                        let (path, line) = place(r);
                        json!({"path": path, "line": line})
                    })
                    .collect();
                json!({"target": t.target, "count": t.uses.len(), "uses": uses})
            })
            .collect();
        write_json(out, &Value::Array(items))?;
        return Ok(EXIT_OK);
    }
    for t in targets {
        writeln!(out, "{}\t{}", sanitize(&t.target), t.uses.len())?;
        for &r in &t.uses {
            let (path, line) = place(r);
            writeln!(out, "  {}:{}", sanitize(path), line)?;
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlighting_wraps_each_match() {
        let m = theme::ANSI_MATCH;
        let r = theme::ANSI_RESET;
        assert_eq!(
            highlighted("née fox", &[0..3, 4..7]),
            format!("{m}née{r} {m}fox{r}")
        );
        assert_eq!(highlighted("abc", &[]), "abc");
    }

    #[test]
    fn sanitize_drops_every_control_character_and_keeps_the_rest() {
        let slow = |s: &str| -> String {
            s.chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .filter(|c| !c.is_control())
                .collect()
        };
        // Every character from U+0000 to U+00FF, and a few wider ones, each beside text.
        let wide = ['\u{100}', '\u{2028}', '\u{FEFF}', 'é', '字', '🙂'];
        for c in (0..=0xffu32).filter_map(char::from_u32).chain(wide) {
            let s = format!("a{c}b");
            assert_eq!(sanitize(&s), slow(&s), "U+{:04X}", c as u32);
        }
        assert_eq!(sanitize("\u{1b}[31mred\u{85}\u{9f}\tx"), "[31mred x");
        assert_eq!(sanitize("Sleep and focus"), "Sleep and focus");
    }
}
