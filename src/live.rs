//! Keeps a loaded vault up to date with its folder while the browser runs: what changed on disk
//! ([`Change`]), read and parsed off the UI thread ([`look`], [`Watcher`]), then applied to the
//! notes and the graph, in place for edited notes ([`apply_in_place`]) or by a rebuild for notes
//! added, removed or renamed ([`rebuild`]).
//!
//! No terminal types: the app decides where each step runs. Engram never writes to the vault; the
//! watcher only reads.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant, SystemTime};

use crate::commands::Loaded;
use crate::graph::{fold, resolve_link, Graph, LinkRef, Resolution, TagInfo, UnresolvedTarget};
use crate::vault::{self, Attachment, Diagnostic, Note, Scanned, Vault};

/// Quiet time that ends a burst of file events: the events of one save, or of a `git checkout`,
/// become one batch.
pub const QUIET: Duration = Duration::from_millis(100);
/// Longest a burst is collected before a batch is sent anyway, so a vault that never stops
/// changing is still followed.
pub const BURST_CAP: Duration = Duration::from_secs(1);

/// What is at one vault path now.
#[derive(Debug, Clone)]
pub enum Change {
    /// A file exists at this path: a note (parsed), an unreadable `.md` file, or an attachment.
    File(Scanned),
    /// Nothing is at this vault path any more: a note, an attachment or a whole folder went away
    /// (removed, or renamed to another path, which comes as a change of its own).
    Gone(String),
}

impl Change {
    /// The vault path the change is about.
    pub fn path(&self) -> &str {
        match self {
            Change::File(Scanned::Note(n, _)) => &n.path,
            Change::File(Scanned::Unreadable(d)) => &d.path,
            Change::File(Scanned::Attachment(a)) => &a.path,
            Change::Gone(p) => p,
        }
    }
}

/// Looks at the vault path `rel` on disk and says what is there now: a file, every file of a
/// folder, or [`Change::Gone`]. Hidden paths (`.git/…`, `.obsidian/…`) give nothing. Reads and
/// parses the notes it finds: call it off the UI thread for many paths.
pub fn look(root: &Path, rel: &str) -> Vec<Change> {
    if rel.is_empty() || vault::is_hidden(rel) {
        return Vec::new();
    }
    let Ok(meta) = std::fs::metadata(root.join(rel)) else {
        // Missing, or a symbolic link that points nowhere now.
        return vec![Change::Gone(rel.to_string())];
    };
    let mut out = Vec::new();
    if meta.is_dir() {
        // A folder that appears may replace one whose files are gone (a rename, a checkout):
        // forget what was under it, then add what is there now.
        out.push(Change::Gone(rel.to_string()));
    }
    out.extend(vault::read_path(root, rel).0.into_iter().map(Change::File));
    out
}

/// Most notes a batch may change for it to be applied in place, on the UI thread; a larger burst
/// (a `git checkout`) is rebuilt beside the UI instead, so the UI never stalls on it.
pub const IN_PLACE_MAX: usize = 64;

/// How a batch of changes can be applied to a loaded vault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The vault already holds exactly this (a change of an attachment's size, a folder that
    /// appeared empty).
    Nothing,
    /// Only existing notes changed (at most [`IN_PLACE_MAX`]), keeping their paths and aliases:
    /// [`apply_in_place`] updates the graph in well under a millisecond per note.
    InPlace,
    /// Notes or attachments were added, removed or renamed, or aliases changed: the name index
    /// and the note numbering change, so the graph is rebuilt ([`rebuild`], off the UI thread).
    Rebuild,
}

fn folded_aliases(n: &Note) -> Vec<String> {
    let mut a: Vec<String> = n.aliases.iter().map(|a| fold(a.trim())).collect();
    a.sort();
    a.dedup();
    a
}

/// Decides how `changes` can be applied to `loaded` (see [`Plan`]).
pub fn plan(loaded: &Loaded, changes: &[Change]) -> Plan {
    let v = &loaded.vault;
    if changes.len() > IN_PLACE_MAX {
        return Plan::Rebuild;
    }
    let mut plan = Plan::Nothing;
    let mut seen = HashSet::new();
    for c in changes {
        if !seen.insert(c.path()) {
            // The same path twice in one batch: keep the order simple.
            return Plan::Rebuild;
        }
        match c {
            Change::File(Scanned::Note(n, _)) => match v.note_by_path(&n.path) {
                Some(i) if folded_aliases(&v.notes[i]) == folded_aliases(n) => plan = Plan::InPlace,
                _ => return Plan::Rebuild,
            },
            Change::File(Scanned::Unreadable(d)) => {
                if v.note_by_path(&d.path).is_some() {
                    return Plan::Rebuild;
                }
                if !v.diagnostics.contains(d) {
                    plan = Plan::InPlace;
                }
            }
            Change::File(Scanned::Attachment(a)) => {
                if attachment_by_path(v, &a.path).is_none() {
                    return Plan::Rebuild;
                }
            }
            Change::Gone(p) => {
                if holds(v, p) {
                    return Plan::Rebuild;
                }
                if v.diagnostics.iter().any(|d| under(&d.path, p)) {
                    plan = Plan::InPlace;
                }
            }
        }
    }
    plan
}

fn attachment_by_path(v: &Vault, path: &str) -> Option<usize> {
    v.attachments
        .binary_search_by(|a| a.path.as_str().cmp(path))
        .ok()
}

/// Whether `path` is `dir` or lies under it.
fn under(path: &str, dir: &str) -> bool {
    path == dir
        || (path.len() > dir.len() && path.starts_with(dir) && path.as_bytes()[dir.len()] == b'/')
}

/// The index range of sorted `items` that lie under the folder `dir` (`dir/…`): contiguous, as
/// every path with that prefix sorts together.
fn range_under<T>(items: &[T], dir: &str, path: impl Fn(&T) -> &str) -> std::ops::Range<usize> {
    let prefix = format!("{dir}/");
    let start = items.partition_point(|x| path(x) < prefix.as_str());
    let mut end = start;
    while end < items.len() && path(&items[end]).starts_with(&prefix) {
        end += 1;
    }
    start..end
}

/// Whether the vault holds a note or attachment at `path` or under the folder `path`.
fn holds(v: &Vault, path: &str) -> bool {
    v.note_by_path(path).is_some()
        || attachment_by_path(v, path).is_some()
        || !range_under(&v.notes, path, |n| n.path.as_str()).is_empty()
        || !range_under(&v.attachments, path, |a| a.path.as_str()).is_empty()
}

/// What [`apply_in_place`] changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// The notes replaced, by index (indices do not change in place).
    pub notes: Vec<usize>,
    /// Replaced notes with a new title, each with its old title (the note list and the switcher
    /// show titles).
    pub retitled: Vec<(usize, String)>,
}

/// Applies changes that [`plan`] found [`Plan::InPlace`] (or [`Plan::Nothing`]) to the notes,
/// diagnostics and graph: each changed note is replaced, its links resolved again, its old
/// backlinks, unresolved uses and tags taken out and the new ones put in; when its headings or
/// block ids changed, the anchors of the links pointing at it are resolved again. The result is
/// the graph [`Graph::build`] would give. Changes of another plan are not applied.
pub fn apply_in_place(loaded: &mut Loaded, changes: Vec<Change>) -> Applied {
    let mut applied = Applied::default();
    for c in changes {
        match c {
            Change::File(Scanned::Note(note, diags)) => {
                let Some(i) = loaded.vault.note_by_path(&note.path) else {
                    continue;
                };
                if folded_aliases(&loaded.vault.notes[i]) != folded_aliases(&note) {
                    continue;
                }
                set_diagnostics(&mut loaded.vault, &note.path.clone(), diags);
                if loaded.vault.notes[i].title != note.title {
                    applied
                        .retitled
                        .push((i, loaded.vault.notes[i].title.clone()));
                }
                replace_note(loaded, i, *note);
                applied.notes.push(i);
            }
            Change::File(Scanned::Unreadable(d)) => {
                if loaded.vault.note_by_path(&d.path).is_none() {
                    let path = d.path.clone();
                    set_diagnostics(&mut loaded.vault, &path, vec![d]);
                }
            }
            Change::File(Scanned::Attachment(a)) => {
                if let Some(i) = attachment_by_path(&loaded.vault, &a.path) {
                    loaded.vault.attachments[i].size = a.size;
                }
            }
            Change::Gone(p) => {
                if !holds(&loaded.vault, &p) {
                    loaded.vault.diagnostics.retain(|d| !under(&d.path, &p));
                }
            }
        }
    }
    applied
}

/// Replaces the diagnostics of the file at `path`, keeping them sorted as a load does.
fn set_diagnostics(v: &mut Vault, path: &str, diags: Vec<Diagnostic>) {
    v.diagnostics.retain(|d| d.path != path);
    let at = v.diagnostics.partition_point(|d| d.path.as_str() < path);
    let mut diags = diags;
    diags.sort_by_key(|d| d.kind);
    v.diagnostics.splice(at..at, diags);
}

/// The lowercased key a tag is counted under.
fn tag_key(t: &str) -> String {
    t.to_lowercase()
}

/// Whether a link is counted as a backlink of the note it resolves to (as [`Graph::build`] does).
fn is_backlink(note: &Note, link: usize, r: &Resolution) -> Option<usize> {
    match r {
        Resolution::Note { note: t, .. } if !note.parsed.links[link].target().is_empty() => {
            Some(*t)
        }
        _ => None,
    }
}

fn insert_sorted<T: Ord + Copy>(v: &mut Vec<T>, x: T) {
    if let Err(at) = v.binary_search(&x) {
        v.insert(at, x);
    }
}

fn remove_sorted<T: Ord + Copy>(v: &mut Vec<T>, x: T) {
    if let Ok(at) = v.binary_search(&x) {
        v.remove(at);
    }
}

/// Replaces note `i` (same path, same aliases) and brings the graph up to date.
fn replace_note(loaded: &mut Loaded, i: usize, note: Note) {
    let Loaded { vault, graph } = loaded;
    // Take out what the old note put in.
    let old = &vault.notes[i];
    let old_res = std::mem::take(&mut graph.resolutions[i]);
    // Unresolved targets and tags whose first use may have changed: their spelling is the first
    // use's, as in a full build.
    let mut targets: Vec<String> = Vec::new();
    for (j, r) in old_res.iter().enumerate() {
        let lr = LinkRef { note: i, link: j };
        if let Some(t) = is_backlink(old, j, r) {
            remove_sorted(&mut graph.backlinks[t], lr);
        }
        if *r == Resolution::Unresolved {
            let key = fold(old.parsed.links[j].target());
            if let Some(u) = graph.unresolved.get_mut(&key) {
                remove_sorted(&mut u.uses, lr);
                if u.uses.is_empty() {
                    graph.unresolved.remove(&key);
                } else {
                    targets.push(key);
                }
            }
        }
    }
    let old_tags: Vec<String> = old.tags.iter().map(|t| tag_key(t)).collect();
    let anchors_changed = {
        let hs = |n: &Note| -> Vec<(u8, String)> {
            n.parsed
                .headings
                .iter()
                .map(|h| (h.level, h.text.clone()))
                .collect()
        };
        let bs =
            |n: &Note| -> Vec<String> { n.parsed.block_ids.iter().map(|b| b.id.clone()).collect() };
        hs(old) != hs(&note) || bs(old) != bs(&note)
    };
    vault.notes[i] = note;
    for key in &old_tags {
        if let Some(info) = graph.tags.get_mut(key) {
            remove_sorted(&mut info.notes, i);
            if info.notes.is_empty() {
                graph.tags.remove(key);
            }
        }
    }

    // Links from other notes into this one keep their target; only their anchors can move.
    if anchors_changed {
        let incoming = graph.backlinks[i].clone();
        for lr in incoming {
            let link = &vault.notes[lr.note].parsed.links[lr.link];
            graph.resolutions[lr.note][lr.link] =
                resolve_link(vault, &graph.resolver, lr.note, link);
        }
    }

    // Put in what the new note holds.
    let n = &vault.notes[i];
    let res: Vec<Resolution> = n
        .parsed
        .links
        .iter()
        .map(|l| resolve_link(vault, &graph.resolver, i, l))
        .collect();
    for (j, r) in res.iter().enumerate() {
        let lr = LinkRef { note: i, link: j };
        if let Some(t) = is_backlink(n, j, r) {
            insert_sorted(&mut graph.backlinks[t], lr);
        }
        if *r == Resolution::Unresolved {
            let target = n.parsed.links[j].target();
            let u = graph
                .unresolved
                .entry(fold(target))
                .or_insert_with(|| UnresolvedTarget {
                    target: target.to_string(),
                    uses: Vec::new(),
                });
            insert_sorted(&mut u.uses, lr);
            targets.push(fold(target));
        }
    }
    graph.resolutions[i] = res;
    for t in &n.tags {
        let info = graph.tags.entry(tag_key(t)).or_insert_with(|| TagInfo {
            name: t.clone(),
            notes: Vec::new(),
        });
        insert_sorted(&mut info.notes, i);
    }
    for key in targets {
        if let Some(u) = graph.unresolved.get_mut(&key) {
            let first = u.uses[0];
            u.target = vault.notes[first.note].parsed.links[first.link]
                .target()
                .to_string();
        }
    }
    for key in old_tags
        .iter()
        .chain(&n.tags.iter().map(|t| tag_key(t)).collect::<Vec<_>>())
    {
        if let Some(info) = graph.tags.get_mut(key) {
            info.name = first_spelling(vault, info, key);
        }
    }
}

/// A tag's name as its first note spells it.
fn first_spelling(vault: &Vault, info: &TagInfo, key: &str) -> String {
    info.notes
        .first()
        .and_then(|&n| vault.notes[n].tags.iter().find(|t| tag_key(t) == key))
        .cloned()
        .unwrap_or_else(|| info.name.clone())
}

/// The vault with `changes` applied, and its graph built anew: for changes that add, remove or
/// rename notes (any [`Plan`] works). Unchanged notes are copied, so this runs beside the UI,
/// which keeps browsing `loaded` until it swaps the result in.
pub fn rebuild(loaded: &Loaded, changes: Vec<Change>) -> Loaded {
    let v = &loaded.vault;
    enum Entry {
        Note(Box<Note>),
        Attachment(Attachment),
    }
    let mut files: BTreeMap<String, Option<Entry>> = BTreeMap::new();
    let mut diags: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    // Changed and removed paths first, then everything else the vault held.
    let mut gone_dirs: Vec<String> = Vec::new();
    for c in changes {
        match c {
            Change::File(Scanned::Note(n, d)) => {
                diags.insert(n.path.clone(), d);
                files.insert(n.path.clone(), Some(Entry::Note(n)));
            }
            Change::File(Scanned::Unreadable(d)) => {
                files.insert(d.path.clone(), None);
                diags.insert(d.path.clone(), vec![d]);
            }
            Change::File(Scanned::Attachment(a)) => {
                diags.insert(a.path.clone(), Vec::new());
                files.insert(a.path.clone(), Some(Entry::Attachment(a)));
            }
            Change::Gone(p) => {
                // What was under a removed folder goes, unless the batch adds it back.
                let keys: Vec<String> = files
                    .range(p.clone()..)
                    .take_while(|(k, _)| k.starts_with(p.as_str()))
                    .filter(|(k, _)| under(k, &p))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in keys {
                    files.insert(k.clone(), None);
                    diags.insert(k, Vec::new());
                }
                files.insert(p.clone(), None);
                diags.insert(p.clone(), Vec::new());
                gone_dirs.push(p);
            }
        }
    }
    let gone = |path: &str| gone_dirs.iter().any(|d| under(path, d));
    let mut notes: Vec<Note> = Vec::with_capacity(v.notes.len() + files.len());
    let mut attachments: Vec<Attachment> = Vec::with_capacity(v.attachments.len());
    for n in &v.notes {
        if !files.contains_key(&n.path) && !gone(&n.path) {
            notes.push(n.clone());
        }
    }
    for a in &v.attachments {
        if !files.contains_key(&a.path) && !gone(&a.path) {
            attachments.push(a.clone());
        }
    }
    for e in files.into_values().flatten() {
        match e {
            Entry::Note(n) => notes.push(*n),
            Entry::Attachment(a) => attachments.push(a),
        }
    }
    notes.sort_by(|a, b| a.path.cmp(&b.path));
    attachments.sort_by(|a, b| a.path.cmp(&b.path));
    let mut diagnostics: Vec<Diagnostic> = v
        .diagnostics
        .iter()
        .filter(|d| !diags.contains_key(&d.path) && !gone(&d.path))
        .cloned()
        .collect();
    diagnostics.extend(diags.into_values().flatten());
    diagnostics.sort_by(|a, b| a.path.cmp(&b.path).then(a.kind.cmp(&b.kind)));
    let vault = v.with_files(notes, attachments, diagnostics);
    let graph = Graph::build(&vault);
    Loaded { vault, graph }
}

/// What the watcher sends: one coalesced burst of changes.
pub enum Batch {
    /// What is now at every path the burst touched, read and parsed.
    Changes(Vec<Change>),
    /// The watcher lost events (its queue overflowed): the whole vault, loaded again.
    Reload(Box<Loaded>),
    /// Loading the vault again failed (the folder went away); the text says why.
    Failed(String),
    /// The watcher reported an error (a folder it could not watch, say): changes may be missed.
    Warning(String),
}

/// Watches a vault folder on a background thread: file events are collected until [`QUIET`]
/// passes without one (or [`BURST_CAP`] since the first), each distinct path is looked at
/// ([`look`]) and the batch is sent. Dropping it stops the watching.
pub struct Watcher {
    rx: Receiver<Batch>,
    _watcher: notify::RecommendedWatcher,
}

impl std::fmt::Debug for Watcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watcher").finish_non_exhaustive()
    }
}

/// Why watching could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch {path}: {source}")]
pub struct WatchError {
    /// The vault folder.
    pub path: PathBuf,
    /// What the watcher said.
    pub source: notify::Error,
}

/// A raw event for the coalescing thread.
enum Raw {
    Paths(Vec<PathBuf>),
    Rescan,
    Error(String),
}

/// What a load saw of the vault folder: every path it found, with each note's size and time, and
/// when it started. A watcher started after the load ([`Watcher::start_after`]) compares the folder
/// with it to catch what changed while the vault was read.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    /// When the load began: a note whose time is at or after it may have changed again after it
    /// was read, within the time stamp's resolution, and is looked at again.
    started: Option<SystemTime>,
    /// Vault paths of the notes, sorted, with the size and time they were read with.
    notes: Vec<(String, u64, Option<SystemTime>)>,
    /// Vault paths of everything else the load found (attachments, unreadable notes), sorted.
    others: Vec<String>,
}

impl Baseline {
    /// What `vault`, whose load began at `started`, holds.
    pub fn of(vault: &Vault, started: SystemTime) -> Baseline {
        let mut notes: Vec<(String, u64, Option<SystemTime>)> = vault
            .notes
            .iter()
            .map(|n| (n.path.clone(), n.size, n.modified))
            .collect();
        notes.sort_by(|a, b| a.0.cmp(&b.0));
        let mut others: Vec<String> = vault
            .attachments
            .iter()
            .map(|a| a.path.clone())
            .chain(vault.diagnostics.iter().map(|d| d.path.clone()))
            .collect();
        others.sort();
        others.dedup();
        Baseline {
            started: Some(started),
            notes,
            others,
        }
    }
}

/// The vault paths (absolute) where the folder differs from `baseline`: notes and attachments that
/// appeared or went away, and notes whose size or time changed or whose time is not safely before
/// the load began. One walk and one `stat` per note, on all cores.
pub fn since(root: &Path, baseline: &Baseline) -> Vec<PathBuf> {
    use rayon::prelude::*;
    let Ok(now) = Vault::scan(root, &vault::LoadOptions::default()) else {
        // The folder went away: every note is gone.
        return baseline
            .notes
            .iter()
            .map(|n| root.join(&n.0))
            .chain(baseline.others.iter().map(|p| root.join(p)))
            .collect();
    };
    let mut changed: Vec<PathBuf> = now
        .notes
        .par_iter()
        .filter_map(|n| {
            let Ok(i) = baseline
                .notes
                .binary_search_by(|b| b.0.as_str().cmp(&n.path))
            else {
                // A note the load did not see, unless it was an unreadable one it reported.
                return baseline
                    .others
                    .binary_search(&n.path)
                    .is_err()
                    .then(|| n.file.clone());
            };
            let (_, size, modified) = &baseline.notes[i];
            let meta = std::fs::metadata(&n.file).ok();
            let same = meta.as_ref().is_some_and(|m| {
                m.len() == *size
                    && m.modified().ok() == *modified
                    && matches!((modified, baseline.started), (Some(t), Some(s)) if *t < s)
            });
            (!same).then(|| n.file.clone())
        })
        .collect();
    let here: HashSet<&str> = now
        .notes
        .iter()
        .map(|n| n.path.as_str())
        .chain(now.attachments.iter().map(|a| a.path.as_str()))
        .collect();
    changed.extend(
        baseline
            .notes
            .iter()
            .map(|n| n.0.as_str())
            .chain(baseline.others.iter().map(String::as_str))
            .filter(|p| !here.contains(p))
            .map(|p| root.join(p)),
    );
    changed.extend(
        now.attachments
            .iter()
            .filter(|a| baseline.others.binary_search(&a.path).is_err())
            .map(|a| root.join(&a.path)),
    );
    changed
}

impl Watcher {
    /// Starts watching `root` recursively.
    pub fn start(root: &Path) -> Result<Watcher, WatchError> {
        Watcher::start_after(root, None)
    }

    /// Starts watching `root` recursively after a load that saw `baseline`: once the watch is in
    /// place, what changed since the load began ([`since`]) is sent as the first batch, so nothing
    /// is missed, although the watcher started after the files were read. Starting it after the
    /// load keeps it from receiving an event for every file the load opens (the inotify backend
    /// reports every open), which cost a fifth of the load at 50,000 notes.
    pub fn start_after(root: &Path, baseline: Option<&Baseline>) -> Result<Watcher, WatchError> {
        use notify::Watcher as _;
        let err = |source| WatchError {
            path: root.to_path_buf(),
            source,
        };
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let (raw_tx, raw_rx) = mpsc::channel::<Raw>();
        let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
            use notify::event::{AccessKind, AccessMode, EventKind};
            let msg = match res {
                Ok(e) if e.need_rescan() => Raw::Rescan,
                // Opening and reading change nothing, and engram reads notes itself (to show
                // and search them): taking those as changes would read them again, forever.
                Ok(e) if matches!(e.kind, EventKind::Access(k) if k != AccessKind::Close(AccessMode::Write)) => {
                    return
                }
                Ok(e) => Raw::Paths(e.paths),
                Err(e) => Raw::Error(e.to_string()),
            };
            let _ = raw_tx.send(msg);
        })
        .map_err(err)?;
        watcher
            .watch(&root, notify::RecursiveMode::Recursive)
            .map_err(err)?;
        let (tx, rx) = mpsc::channel();
        if let Some(b) = baseline {
            let changed = since(&root, b);
            if !changed.is_empty() {
                let _ = tx.send(Batch::Changes(changes_at(&root, changed)));
            }
        }
        std::thread::Builder::new()
            .name("engram-watch".into())
            .spawn(move || coalesce(&root, &raw_rx, &tx))
            .map_err(|e| err(notify::Error::io(e)))?;
        Ok(Watcher {
            rx,
            _watcher: watcher,
        })
    }

    /// The batches that arrived since the last call, without waiting.
    pub fn try_recv(&self) -> Option<Batch> {
        self.rx.try_recv().ok()
    }
}

/// The watcher thread: turns raw events into batches until the watcher is dropped.
fn coalesce(root: &Path, raw: &Receiver<Raw>, tx: &Sender<Batch>) {
    loop {
        // Wait for the first event of a burst.
        let Ok(first) = raw.recv() else { return };
        let started = Instant::now();
        let mut paths: Vec<PathBuf> = Vec::new();
        let mut rescan = false;
        let mut error: Option<String> = None;
        // Errors do not stop the watch (they are reported once a burst); an overflowed queue
        // arrives as a rescan.
        let take =
            |m: Raw, paths: &mut Vec<PathBuf>, rescan: &mut bool, error: &mut Option<String>| {
                match m {
                    Raw::Paths(p) => paths.extend(p),
                    Raw::Rescan => *rescan = true,
                    Raw::Error(e) => {
                        error.get_or_insert(e);
                    }
                }
            };
        take(first, &mut paths, &mut rescan, &mut error);
        loop {
            let left = BURST_CAP.saturating_sub(started.elapsed());
            if left.is_zero() {
                break;
            }
            match raw.recv_timeout(QUIET.min(left)) {
                Ok(m) => take(m, &mut paths, &mut rescan, &mut error),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let batch = if rescan {
            match Vault::load(root) {
                Ok(v) => Batch::Reload(Box::new(Loaded::new(v))),
                Err(e) => Batch::Failed(e.to_string()),
            }
        } else {
            Batch::Changes(changes_at(root, paths))
        };
        if tx.send(batch).is_err() {
            return;
        }
        if let Some(e) = error {
            if tx.send(Batch::Warning(e)).is_err() {
                return;
            }
        }
    }
}

/// Looks at each distinct vault path among `paths` (absolute), in parallel.
pub fn changes_at(root: &Path, paths: Vec<PathBuf>) -> Vec<Change> {
    use rayon::prelude::*;
    let mut rels: Vec<String> = paths
        .iter()
        .filter_map(|p| p.strip_prefix(root).ok())
        .map(|p| {
            p.components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/")
        })
        .filter(|r| !r.is_empty() && !vault::is_hidden(r))
        .collect();
    rels.sort();
    rels.dedup();
    let looked: Vec<Vec<Change>> = rels.par_iter().map(|r| look(root, r)).collect();
    // A folder's changes include its files; drop repeats of paths reported on their own.
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::new();
    for c in looked.into_iter().flatten() {
        let is_gone = matches!(c, Change::Gone(_));
        if is_gone || seen.insert(c.path().to_string()) {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    /// The parts of a graph that say what links where (the name index is built from the notes).
    fn shape(g: &Graph) -> impl PartialEq + std::fmt::Debug + '_ {
        (&g.resolutions, &g.backlinks, &g.unresolved, &g.tags)
    }

    fn write(root: &Path, rel: &str, text: &str) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    #[test]
    fn edits_in_place_give_the_graph_a_full_build_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "a.md",
            "# A\n[[b]] [[b#Two]] [[nowhere]] #Tag\n## One\n",
        );
        write(root, "b.md", "# B\n## Two\npara ^blk\n[[a#One]] #tag/x\n");
        write(root, "c.md", "[[b#^blk]] [[a]] [[Nowhere]] #Tag\n");
        write(root, "d/e.md", "[[#Own]]\n# Own\n");
        let mut loaded = Loaded::new(Vault::load(root).unwrap());
        let edits = [
            ("b.md", "# B\n## Renamed\npara ^other\n[[c]] [[zzz]]\n"),
            ("a.md", "# A\n[[b#Renamed]] #tag #new\n## One\n"),
            ("c.md", "nothing now\n"),
            ("d/e.md", "[[#Own]] [[#Gone]]\n# Own\n[[a]]\n"),
            ("b.md", "# B\n## Two\npara ^blk\n#TAG\n"),
        ];
        for (path, text) in edits {
            write(root, path, text);
            let changes = look(root, path);
            assert_eq!(plan(&loaded, &changes), Plan::InPlace, "{path}");
            apply_in_place(&mut loaded, changes);
            let fresh = Loaded::new(Vault::load(root).unwrap());
            assert_eq!(shape(&loaded.graph), shape(&fresh.graph), "after {path}");
            assert_eq!(loaded.vault.diagnostics, fresh.vault.diagnostics);
        }
    }

    #[test]
    fn adds_removes_and_renames_rebuild_to_what_a_load_gives() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", "[[b]] [[new]]\n");
        write(root, "b.md", "---\naliases: [bee]\n---\n[[a]]\n");
        write(root, "f/g.md", "[[a]]\n");
        write(root, "img.png", "x");
        let mut loaded = Loaded::new(Vault::load(root).unwrap());
        type Step<'a> = (Box<dyn Fn(&Path)>, Vec<&'a str>);
        let steps: Vec<Step> = vec![
            (
                Box::new(|r| write(r, "new.md", "hi [[bee]]\n")),
                vec!["new.md"],
            ),
            (
                Box::new(|r| fs::remove_file(r.join("b.md")).unwrap()),
                vec!["b.md"],
            ),
            (
                Box::new(|r| fs::rename(r.join("f"), r.join("h")).unwrap()),
                vec!["f", "h"],
            ),
            (Box::new(|r| write(r, "bad.md", "a\0b")), vec!["bad.md"]),
            (
                Box::new(|r| write(r, "a.md", "---\naliases: [x]\n---\n")),
                vec!["a.md"],
            ),
            (
                Box::new(|r| fs::remove_file(r.join("img.png")).unwrap()),
                vec!["img.png"],
            ),
            (
                Box::new(|r| write(r, ".hidden/x.md", "[[a]]")),
                vec![".hidden/x.md"],
            ),
        ];
        for (i, (step, paths)) in steps.iter().enumerate() {
            step(root);
            let changes = changes_at(root, paths.iter().map(|p| root.join(p)).collect());
            loaded = rebuild(&loaded, changes);
            let fresh = Loaded::new(Vault::load(root).unwrap());
            let paths = |l: &Loaded| -> Vec<String> {
                l.vault.notes.iter().map(|n| n.path.clone()).collect()
            };
            assert_eq!(paths(&loaded), paths(&fresh), "step {i}");
            assert_eq!(
                loaded.vault.attachments, fresh.vault.attachments,
                "step {i}"
            );
            assert_eq!(
                loaded.vault.diagnostics, fresh.vault.diagnostics,
                "step {i}"
            );
            assert_eq!(shape(&loaded.graph), shape(&fresh.graph), "step {i}");
        }
    }

    #[test]
    fn hidden_paths_and_unchanged_attachments_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a.md", "x");
        write(root, "p.png", "x");
        let loaded = Loaded::new(Vault::load(root).unwrap());
        assert!(look(root, ".git/index").is_empty());
        assert_eq!(plan(&loaded, &look(root, "p.png")), Plan::Nothing);
        assert_eq!(plan(&loaded, &look(root, "missing.md")), Plan::Nothing);
        assert_eq!(plan(&loaded, &look(root, "a.md")), Plan::InPlace);
    }
}
