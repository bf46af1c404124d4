//! Full-text search over a vault in Obsidian's search syntax: the query language ([`Query`]), and a
//! parallel, cancellable search that streams the matching lines ([`Hit`]s) in path order.
//!
//! Note texts are not kept in the process's heap: each search takes every candidate note's text from
//! the vault's text pack, a file in the cache folder read a chunk of notes at a time
//! ([`Vault::texts`], [`crate::textpack`]), or reads it from its file when the pack does not hold it unchanged, so
//! memory stays far below the vault's size. A note is rejected as early and
//! as cheaply as possible: first by its path and tags when the query constrains them (no read at all),
//! then by a `memchr::memmem` scan for the longest literal the query needs (on ASCII-lowercased
//! bytes when case is ignored; other characters fold through Unicode's lowercase mapping), and only
//! then are lines, blocks or sections looked at.
//!
//! # What matches
//!
//! A note matches when the boolean query holds for the note as a whole: `foo bar` needs both words
//! somewhere in the file (frontmatter included, as in Obsidian), `line:(foo bar)` needs one line with
//! both. Words match anywhere inside words (`work` finds `working`), as in Obsidian. Bare words match
//! the note's text only, not its file name: use `file:` or `path:` for names.
//!
//! The hits of a matching note are the lines holding an occurrence of a content term that helped it
//! match (not those of excluded terms, nor of `OR` branches that failed, nor outside the line or
//! section that satisfied a `line:`/`section:` group). A note that matches with no such occurrence
//! (`tag:x`, `file:y`, `-word` alone) yields one hit on line 1 whose snippet is the note's title.

mod matcher;
mod query;

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

pub use matcher::{fold_into, fold_str, snippet, Folded, Matcher, SNIPPET_CHARS};
pub use query::{Expr, Field, Query, QueryError, Scope, TaskState, Term};

use crate::vault::{Note, ReadError, Texts, Vault};

/// One matching line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into [`Vault::notes`].
    pub note: usize,
    /// 1-based line in the note's file (frontmatter counted).
    pub line: usize,
    /// The line trimmed, control characters dropped, tabs as spaces, and cut to about
    /// [`SNIPPET_CHARS`] characters around the first match (`…` marks a cut).
    pub snippet: String,
    /// Character ranges of the matches within `snippet`, ascending, not overlapping.
    pub ranges: Vec<Range<usize>>,
    /// Byte ranges of the matches in the note's file text, for marking them in the note view.
    pub spans: Vec<Range<usize>>,
}

/// A flag that abandons a running search: clone it into the search, call [`Cancel::cancel`] when
/// the user types again. Checked before each note.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    /// A flag that is not set.
    pub fn new() -> Self {
        Cancel::default()
    }

    /// Asks every search holding this flag to stop.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Cancel::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// What a search did.
#[derive(Debug, Default)]
pub struct SearchReport {
    /// Notes looked at (by metadata or by reading).
    pub notes: usize,
    /// Notes whose text was read.
    pub notes_read: usize,
    /// Bytes of text read.
    pub bytes_read: u64,
    /// Of the notes read, those whose text came from the text pack rather than from their file.
    pub from_pack: usize,
    /// Notes with at least one hit.
    pub matched_notes: usize,
    /// Hits given to the sink.
    pub hits: usize,
    /// The search stopped early because it was cancelled.
    pub cancelled: bool,
    /// Notes that could not be read again (deleted or changed since the vault was loaded).
    pub errors: Vec<ReadError>,
}

/// The first chunk of notes searched before results are handed over; chunks then double up to
/// [`MAX_CHUNK`], so the first results come quickly and later ones with little overhead.
const FIRST_CHUNK: usize = 32;
const MAX_CHUNK: usize = 1024;

enum NoteResult {
    Skipped,
    Meta(Vec<Hit>),
    Read(Vec<Hit>, usize, bool),
    Failed(ReadError),
}

/// Scratch space of one worker thread, reused from note to note.
#[derive(Default)]
struct Scratch {
    bytes: Vec<u8>,
    fold: Folded,
}

/// Whether searching `note` reads its text: not when its path or tags settle it.
fn needs_text(m: &Matcher, note: &Note) -> bool {
    match m.by_metadata(note) {
        Some(false) => false,
        Some(true) => m.reads_content(),
        None => true,
    }
}

fn search_note(
    vault: &Vault,
    texts: &Texts<'_>,
    i: usize,
    m: &Matcher,
    s: &mut Scratch,
    cancel: &Cancel,
) -> NoteResult {
    if cancel.is_cancelled() {
        return NoteResult::Skipped;
    }
    let note = &vault.notes[i];
    if !needs_text(m, note) {
        return NoteResult::Meta(match m.by_metadata(note) {
            Some(true) => m.hits(i, note, "", &mut s.fold),
            _ => Vec::new(),
        });
    }
    let got = match texts.get(i, &mut s.bytes) {
        Ok(t) => t,
        Err(e) => return NoteResult::Failed(e),
    };
    // Invalid UTF-8 is read as `Vault::read_text` reads it, with replacement characters; the
    // strict check first, as it is several times faster than the lossy one on valid text.
    let text = match std::str::from_utf8(got.bytes) {
        Ok(t) => std::borrow::Cow::Borrowed(t),
        Err(_) => String::from_utf8_lossy(got.bytes),
    };
    NoteResult::Read(
        m.hits(i, note, &text, &mut s.fold),
        got.bytes.len(),
        got.from_pack,
    )
}

/// Searches every note on all cores and hands each hit to `sink` on the calling thread, in path
/// order, line by line, as chunks of notes finish. Stops early when `cancel` is set.
///
/// A browser runs it on a thread of its own and cancels it when the query changes:
///
/// ```
/// use std::sync::{mpsc, Arc};
/// use engram::fulltext::{search, Cancel, Query};
/// use engram::vault::Vault;
///
/// let vault = Arc::new(Vault::from_files([("a.md", "hello world\nhello again")]));
/// let (tx, rx) = mpsc::channel();
/// let cancel = Cancel::new(); // keep a clone; `cancel.cancel()` on the next keystroke
/// let (v, c) = (Arc::clone(&vault), cancel.clone());
/// let query = Query::parse("hello").expect("valid query");
/// let worker = std::thread::spawn(move || {
///     search(&v, &query, &c, |hit| {
///         let _ = tx.send(hit); // the receiver may be gone: the search was abandoned
///     })
/// });
/// let lines: Vec<usize> = rx.iter().map(|hit| hit.line).collect();
/// assert_eq!(lines, [1, 2]);
/// assert!(!worker.join().expect("search thread").cancelled);
/// ```
pub fn search(
    vault: &Vault,
    query: &Query,
    cancel: &Cancel,
    mut sink: impl FnMut(Hit),
) -> SearchReport {
    let m = Matcher::new(query);
    // The texts of each chunk of notes are read from the pack in one call before it is searched,
    // so the search holds a chunk of texts at a time, not the vault's (issue 6).
    let mut texts = vault.texts();
    let mut report = SearchReport::default();
    let mut start = 0;
    let mut chunk = FIRST_CHUNK;
    while start < vault.notes.len() {
        if cancel.is_cancelled() {
            report.cancelled = true;
            break;
        }
        let end = (start + chunk).min(vault.notes.len());
        texts.load((start..end).filter(|&i| needs_text(&m, &vault.notes[i])));
        let results: Vec<NoteResult> = (start..end)
            .into_par_iter()
            .map_init(Scratch::default, |s, i| {
                search_note(vault, &texts, i, &m, s, cancel)
            })
            .collect();
        for r in results {
            // A cancelled search hands over nothing more, even from notes already searched.
            if cancel.is_cancelled() {
                report.cancelled = true;
                break;
            }
            let hits = match r {
                NoteResult::Skipped => {
                    report.cancelled = true;
                    continue;
                }
                NoteResult::Meta(h) => h,
                NoteResult::Read(h, bytes, from_pack) => {
                    report.notes_read += 1;
                    report.bytes_read += bytes as u64;
                    report.from_pack += usize::from(from_pack);
                    h
                }
                NoteResult::Failed(e) => {
                    report.errors.push(e);
                    Vec::new()
                }
            };
            report.notes += 1;
            report.matched_notes += usize::from(!hits.is_empty());
            report.hits += hits.len();
            hits.into_iter().for_each(&mut sink);
        }
        start = end;
        chunk = (chunk * 2).min(MAX_CHUNK);
    }
    report
}

/// Searches the whole vault and returns every hit, sorted by (path, line).
pub fn search_all(vault: &Vault, query: &Query) -> Vec<Hit> {
    let mut hits = Vec::new();
    search(vault, query, &Cancel::new(), |h| hits.push(h));
    hits.sort_by(|a, b| {
        vault.notes[a.note]
            .path
            .cmp(&vault.notes[b.note].path)
            .then(a.line.cmp(&b.line))
    });
    hits
}

/// The hits of one note whose text the caller already has: for searching inside the open note
/// (`n`/`N`). `index` is the note's index, copied into the hits.
pub fn search_text(query: &Query, index: usize, note: &Note, text: &str) -> Vec<Hit> {
    Matcher::new(query).hits(index, note, text, &mut Folded::default())
}
