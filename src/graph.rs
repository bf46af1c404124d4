//! Resolves every link of a vault the way Obsidian does (OFM R8–R23 and the project's decisions) and
//! holds the graph: outgoing links, backlinks, unresolved targets and tags.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

use crate::fxhash::{self, FxHasher};
use crate::markdown::{heading_matches, normalize_heading, Heading, Link, Subpath};
use crate::vault::{lowercase, strip_md, Note, Vault};

/// A file a link can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileRef {
    /// Index into [`Vault::notes`].
    Note(usize),
    /// Index into [`Vault::attachments`].
    Attachment(usize),
}

/// Where inside the target note a link's `#subpath` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    /// The link has no subpath.
    None,
    /// Index into the target note's headings (`u32`: a vault holds hundreds of thousands of these).
    Heading(u32),
    /// Index into the target note's block ids.
    Block(u32),
    /// The subpath names a heading or block the note does not have: a broken subpath (decision 6).
    Missing,
}

/// How one link resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// To a note (or to the linking note itself, for `[[#Heading]]`).
    Note {
        /// Index into [`Vault::notes`].
        note: usize,
        /// Resolved only through the alias fallback (decision 2).
        via_alias: bool,
        /// Where in the note.
        anchor: Anchor,
    },
    /// To a non-Markdown file.
    Attachment(usize),
    /// To nothing in the vault (R19).
    Unresolved,
    /// A URL (decision 4): not a graph edge.
    External,
}

impl Resolution {
    /// The note this link opens, if any.
    pub fn note(&self) -> Option<usize> {
        match self {
            Resolution::Note { note, .. } => Some(*note),
            _ => None,
        }
    }

    /// A short word for how the link resolved, used by the commands and their JSON.
    pub fn status(&self) -> &'static str {
        match self {
            Resolution::Note {
                via_alias: true, ..
            } => "alias",
            Resolution::Note {
                anchor: Anchor::Missing,
                ..
            } => "broken_subpath",
            Resolution::Note { .. } | Resolution::Attachment(_) => "resolved",
            Resolution::Unresolved => "unresolved",
            Resolution::External => "external",
        }
    }
}

/// A link identified by the note it is written in and its index in that note's links.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LinkRef {
    /// The note the link is written in.
    pub note: usize,
    /// Index into that note's `parsed.links`.
    pub link: usize,
}

/// A link target that names no file, with every place that uses it (R19).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedTarget {
    /// The target as first written (without `#subpath`).
    pub target: String,
    /// Every link that names it.
    pub uses: Vec<LinkRef>,
}

/// Unresolved targets keyed by their NFC-lowercased text ([`fold`]), in no order: the views sort
/// them their own way, and a sorted map cost a fifth of the build at 50,000 notes. Kept in shards
/// by the key's hash, so that the build fills them on all cores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    shards: Vec<FxMap<String, UnresolvedTarget>>,
}

impl Default for Unresolved {
    fn default() -> Unresolved {
        Unresolved {
            shards: vec![FxMap::default(); Unresolved::SHARDS],
        }
    }
}

impl Unresolved {
    const SHARDS: usize = 16;

    fn shard_of(key: &str) -> usize {
        (hash_str(key) % Unresolved::SHARDS as u64) as usize
    }

    /// The target with this folded key.
    pub fn get(&self, key: &str) -> Option<&UnresolvedTarget> {
        self.shards[Unresolved::shard_of(key)].get(key)
    }

    /// The target with this folded key, to change.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut UnresolvedTarget> {
        self.shards[Unresolved::shard_of(key)].get_mut(key)
    }

    /// Whether a target has this folded key.
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// Takes out the target with this folded key.
    pub fn remove(&mut self, key: &str) -> Option<UnresolvedTarget> {
        self.shards[Unresolved::shard_of(key)].remove(key)
    }

    /// The place of the target with this folded key, to fill or change.
    pub fn entry(
        &mut self,
        key: String,
    ) -> std::collections::hash_map::Entry<'_, String, UnresolvedTarget> {
        self.shards[Unresolved::shard_of(&key)].entry(key)
    }

    /// How many targets there are.
    pub fn len(&self) -> usize {
        self.shards.iter().map(FxMap::len).sum()
    }

    /// Whether every link resolves.
    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(FxMap::is_empty)
    }

    /// Every target, in no order.
    pub fn values(&self) -> impl Iterator<Item = &UnresolvedTarget> {
        self.shards.iter().flat_map(FxMap::values)
    }

    /// Every folded key and its target, in no order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &UnresolvedTarget)> {
        self.shards.iter().flatten()
    }
}

impl std::ops::Index<&str> for Unresolved {
    type Output = UnresolvedTarget;

    fn index(&self, key: &str) -> &UnresolvedTarget {
        self.get(key)
            .unwrap_or_else(|| panic!("no unresolved target {key:?}"))
    }
}

/// A tag and the notes that carry it (R37, R38).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    /// The tag as first seen, without `#`.
    pub name: String,
    /// Notes carrying the tag, by index, ascending.
    pub notes: Vec<usize>,
}

/// The resolved link graph of a vault.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// For each note, how each of its links resolved (parallel to `note.parsed.links`).
    pub resolutions: Vec<Vec<Resolution>>,
    /// For each note, the links from other notes (and from itself by name) that point at it.
    /// `[[#Heading]]` links within a note are not backlinks (decision 7).
    pub backlinks: Vec<Vec<LinkRef>>,
    /// Unresolved targets keyed by their NFC-lowercased text.
    pub unresolved: Unresolved,
    /// Tags keyed by their lowercased name.
    pub tags: BTreeMap<String, TagInfo>,
    /// The name index used to resolve links.
    pub resolver: Resolver,
}

/// Case-folds a path or name for comparison (R10, R12): NFC, then lowercase.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // NFC leaves ASCII alone, and lowercasing it needs no tables.
        return s.to_ascii_lowercase();
    }
    nfc_cow(s).to_lowercase()
}

/// [`fold`], borrowed when `s` is folded already (ASCII with no capital), as most link targets
/// are: snake_case names, lowercase words.
fn fold_cow(s: &str) -> Cow<'_, str> {
    // Every byte looked at, with no early exit, so that the compiler checks many at a time.
    let b = s.bytes().fold(0u8, |acc, b| {
        acc | (b & 0x80) | u8::from(b.is_ascii_uppercase())
    });
    if b == 0 {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(fold(s))
    }
}

/// `s` in NFC, borrowed when it already is (ASCII always is; the quick check answers most others).
fn nfc_cow(s: &str) -> Cow<'_, str> {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

fn nfc(s: &str) -> String {
    nfc_cow(s).into_owned()
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

fn folder(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(f, _)| f)
}

/// Every `/`-suffix of a path: `a/b/c` → `a/b/c`, `b/c`, `c`.
fn suffixes(path: &str) -> impl Iterator<Item = &str> {
    // A byte search: `str::match_indices` sets up a searcher for every path indexed.
    std::iter::once(path)
        .chain(memchr::memchr_iter(b'/', path.as_bytes()).map(move |i| &path[i + 1..]))
}

fn hash_str(s: &str) -> u64 {
    fxhash::hash_bytes(s.as_bytes())
}

/// Whether `name` is one of the `/`-suffixes of `path` ([`suffixes`]).
fn has_suffix(path: &str, name: &str) -> bool {
    path == name
        || (path.len() > name.len()
            && path.ends_with(name)
            && path.as_bytes()[path.len() - name.len() - 1] == b'/')
}

/// Path suffixes → files, keyed by the suffix's hash so that no suffix is stored as a string: the
/// candidates of a lookup are checked against their own folded path, so a hash collision can never
/// resolve a link to the wrong file.
///
/// One array of `(hash, file)` entries in buckets by the hash's top bits, about two entries a
/// bucket, ordered by hash and then by file inside each: a counting sort places them, with no
/// comparison sort and no hash map, and a lookup reads the bucket's start and its few entries.
#[derive(Debug, Clone, Default)]
struct NameIndex {
    /// Where each bucket's entries start in `entries`, and where the last one ends.
    starts: Vec<u32>,
    /// How far a hash is shifted right to leave its bucket: 64 less the bucket bits.
    shift: u32,
    /// Every suffix's hash and file id, by bucket, then by hash, then by file.
    entries: Vec<(u64, u32)>,
}

impl NameIndex {
    /// Indexes the `(hash, file)` pairs of `parts`, which come in file order.
    fn build(parts: &[&[(u64, u32)]]) -> NameIndex {
        let n: usize = parts.iter().map(|p| p.len()).sum();
        let bits = (n / 2).next_power_of_two().trailing_zeros().max(1);
        let shift = 64 - bits;
        let buckets = 1usize << bits;
        let bucket = |hash: u64| (hash >> shift) as usize;
        let mut starts = vec![0u32; buckets + 1];
        for &(hash, _) in parts.iter().copied().flatten() {
            starts[bucket(hash) + 1] += 1;
        }
        for b in 0..buckets {
            starts[b + 1] += starts[b];
        }
        // Placed in file order, so each bucket starts out in file order.
        let mut next = starts[..buckets].to_vec();
        let mut entries = vec![(0u64, 0u32); n];
        for &pair in parts.iter().copied().flatten() {
            let at = &mut next[bucket(pair.0)];
            entries[*at as usize] = pair;
            *at += 1;
        }
        // Then each bucket by hash, keeping file order within a hash: an insertion sort is stable,
        // and quick on two entries. (A file's suffixes differ in length, so a file holds one hash
        // twice only by a collision; its id then comes twice, and every rule of `best` picks it.)
        for b in 0..buckets {
            let bucket = &mut entries[starts[b] as usize..starts[b + 1] as usize];
            for i in 1..bucket.len() {
                let mut j = i;
                while j > 0 && bucket[j - 1].0 > bucket[j].0 {
                    bucket.swap(j - 1, j);
                    j -= 1;
                }
            }
        }
        NameIndex {
            starts,
            shift,
            entries,
        }
    }

    /// The files with a suffix equal to `key`, in file order; `matches(id)` says whether one truly
    /// has it. Borrowed when a single file has the suffix's hash, as almost every suffix has.
    fn get(&self, key: &str, matches: impl Fn(u32) -> bool) -> Option<Cow<'_, [u32]>> {
        self.get_hash(hash_str(key), matches)
    }

    /// [`NameIndex::get`] for a suffix with this hash.
    fn get_hash(&self, hash: u64, matches: impl Fn(u32) -> bool) -> Option<Cow<'_, [u32]>> {
        if self.entries.is_empty() {
            return None;
        }
        let b = (hash >> self.shift) as usize;
        let bucket = &self.entries[self.starts[b] as usize..self.starts[b + 1] as usize];
        let first = bucket.iter().position(|e| e.0 == hash)?;
        let group = &bucket[first..];
        let group = &group[..group.iter().take_while(|e| e.0 == hash).count()];
        let ids: Cow<[u32]> = match group {
            [(_, id)] if matches(*id) => Cow::Borrowed(std::slice::from_ref(id)),
            _ => Cow::Owned(
                group
                    .iter()
                    .map(|e| e.1)
                    .filter(|&id| matches(id))
                    .collect(),
            ),
        };
        (!ids.is_empty()).then_some(ids)
    }
}

/// The index that turns link text into files.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    /// Every file's paths, by file id.
    files: FileTable,
    /// Folded path suffixes with the extension → files.
    by_name: NameIndex,
    /// Folded path suffixes of notes without `.md` → files.
    by_stem: NameIndex,
    /// Folded aliases → notes.
    aliases: FxMap<String, Vec<usize>>,
}

/// Each file's vault path and folded path, by file id, kept end to end in two arenas: one small
/// record per file, so that a lookup touches few cache lines, and no string per file.
#[derive(Debug, Clone, Default)]
struct FileTable {
    /// Each file's folded path ([`fold`]) as a range of `arena`, and the file.
    entries: Vec<(u32, u32, FileRef)>,
    /// Every folded path, end to end.
    arena: String,
    /// Each file's vault path in NFC, as a range of `names`.
    name_ranges: Vec<(u32, u32)>,
    /// Every NFC vault path, end to end.
    names: String,
    /// The length of each file's folded folder: the part of its folded path before the last `/`
    /// (folding never moves a `/`).
    folder_lens: Vec<u32>,
    /// Some file name has no `.`, so a name without one may match a path with its extension.
    dotless_names: bool,
}

impl FileTable {
    /// An empty table with room for `files` files whose paths take `bytes` bytes.
    fn with_capacity(files: usize, bytes: usize) -> FileTable {
        FileTable {
            entries: Vec::with_capacity(files),
            arena: String::with_capacity(bytes),
            name_ranges: Vec::with_capacity(files),
            names: String::with_capacity(bytes),
            folder_lens: Vec::with_capacity(files),
            dotless_names: false,
        }
    }

    /// Adds a file whose vault path in NFC is `nfc`, and returns its folded path.
    fn push(&mut self, nfc: &str, file: FileRef) -> &str {
        let start = self.names.len() as u32;
        self.names.push_str(nfc);
        self.name_ranges.push((start, nfc.len() as u32));
        // Folding is NFC then lowercase: the NFC path is lowercased straight into the arena.
        let start = self.arena.len();
        if nfc.is_ascii() {
            // Copied whole, then lowercased in place: a `char` at a time cost ten times as much.
            self.arena.push_str(nfc);
            self.arena[start..].make_ascii_lowercase();
        } else {
            self.arena.push_str(&nfc.to_lowercase());
        }
        let folded = &self.arena[start..];
        self.entries.push((start as u32, folded.len() as u32, file));
        self.folder_lens.push(folder(folded).len() as u32);
        let name = folded.rsplit('/').next().unwrap_or(folded);
        self.dotless_names |= !name.contains('.');
        folded
    }

    /// Adds every file of `other` after this table's.
    fn append(&mut self, other: &FileTable) {
        let (arena, names) = (self.arena.len() as u32, self.names.len() as u32);
        self.entries.extend(
            other
                .entries
                .iter()
                .map(|&(start, len, file)| (start + arena, len, file)),
        );
        self.name_ranges.extend(
            other
                .name_ranges
                .iter()
                .map(|&(start, len)| (start + names, len)),
        );
        self.arena.push_str(&other.arena);
        self.names.push_str(&other.names);
        self.folder_lens.extend_from_slice(&other.folder_lens);
        self.dotless_names |= other.dotless_names;
    }

    /// File `id`'s folded path.
    fn folded(&self, id: u32) -> &str {
        let (start, len, _) = self.entries[id as usize];
        &self.arena[start as usize..(start + len) as usize]
    }

    /// File `id`'s vault path, NFC.
    fn path_of(&self, id: u32) -> &str {
        let (start, len) = self.name_ranges[id as usize];
        &self.names[start as usize..(start + len) as usize]
    }

    /// File `id`'s folder, folded.
    fn folded_folder(&self, id: u32) -> &str {
        &self.folded(id)[..self.folder_lens[id as usize] as usize]
    }

    /// The file with id `id`.
    fn file(&self, id: u32) -> FileRef {
        self.entries[id as usize].2
    }
}

/// Files indexed at a time by one task of [`Resolver::new`].
const RESOLVER_CHUNK: usize = 2048;

/// What one task of [`Resolver::new`] makes of a chunk of files: their table, and the hashes of
/// their path suffixes for the two name indexes.
#[derive(Default)]
struct ResolverPart {
    files: FileTable,
    name_pairs: Vec<(u64, u32)>,
    stem_pairs: Vec<(u64, u32)>,
}

impl ResolverPart {
    /// Indexes `files`, the first of which has id `first`.
    fn of(files: &[(&str, FileRef)], first: usize) -> ResolverPart {
        let bytes = files.iter().map(|(path, _)| path.len()).sum();
        let mut p = ResolverPart {
            files: FileTable::with_capacity(files.len(), bytes),
            ..ResolverPart::default()
        };
        for (k, &(path, file)) in files.iter().enumerate() {
            let id = (first + k) as u32;
            let folded = p.files.push(&nfc_cow(path), file);
            p.name_pairs
                .extend(suffixes(folded).map(|s| (hash_str(s), id)));
            if let FileRef::Note(_) = file {
                p.stem_pairs
                    .extend(suffixes(strip_md(folded)).map(|s| (hash_str(s), id)));
            }
        }
        p
    }
}

impl Resolver {
    /// Indexes every note and attachment of a vault.
    pub fn new(vault: &Vault) -> Resolver {
        let files: Vec<(&str, FileRef)> = vault
            .notes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.path.as_str(), FileRef::Note(i)))
            .chain(
                vault
                    .attachments
                    .iter()
                    .enumerate()
                    .map(|(i, a)| (a.path.as_str(), FileRef::Attachment(i))),
            )
            .collect();
        // Folding is the costly part, and each path's is independent: chunks of files on all
        // cores, each with its own arenas, joined after.
        let parts: Vec<ResolverPart> = files
            .par_chunks(RESOLVER_CHUNK)
            .enumerate()
            .map(|(c, chunk)| ResolverPart::of(chunk, c * RESOLVER_CHUNK))
            .collect();
        let name_pairs: Vec<&[(u64, u32)]> = parts.iter().map(|p| &p.name_pairs[..]).collect();
        let stem_pairs: Vec<&[(u64, u32)]> = parts.iter().map(|p| &p.stem_pairs[..]).collect();
        // The two name tables, and the parts' records joined one part at a time: the three side
        // by side.
        let ((by_name, by_stem), mut r) = rayon::join(
            || {
                rayon::join(
                    || NameIndex::build(&name_pairs),
                    || NameIndex::build(&stem_pairs),
                )
            },
            || {
                let bytes = parts.iter().map(|p| p.files.arena.len()).sum();
                let mut r = Resolver {
                    files: FileTable::with_capacity(files.len(), bytes),
                    ..Resolver::default()
                };
                for p in &parts {
                    r.files.append(&p.files);
                }
                for (i, note) in vault.notes.iter().enumerate() {
                    for alias in &note.aliases {
                        let list = r.aliases.entry(fold(alias.trim())).or_default();
                        if !list.contains(&i) {
                            list.push(i);
                        }
                    }
                }
                r
            },
        );
        r.by_name = by_name;
        r.by_stem = by_stem;
        r
    }

    /// Finds the file a link path names, from the note at `source` (R8–R14). Returns the file and
    /// whether only the alias fallback found it.
    pub fn resolve_path(&self, target: &str, source: &str) -> Option<(FileRef, bool)> {
        self.resolve_path_from(target, source, &mut false)
    }

    /// [`Resolver::resolve_path`], setting `from_source` when the answer depended on where the
    /// linking note is (R13's relative paths, R9's own-folder rule): any other answer holds for
    /// the same target written anywhere in the vault.
    fn resolve_path_from(
        &self,
        target: &str,
        source: &str,
        from_source: &mut bool,
    ) -> Option<(FileRef, bool)> {
        let mut folded = None;
        if let Some(f) = self.resolve_strict(target, source, from_source, &mut folded) {
            return Some((f, false));
        }
        if target.contains('%') {
            let decoded = percent_encoding::percent_decode_str(target).decode_utf8_lossy();
            if decoded != target {
                if let Some(f) = self.resolve_strict(&decoded, source, from_source, &mut None) {
                    return Some((f, false));
                }
            }
        }
        if target.contains('/') || self.aliases.is_empty() {
            return None;
        }
        // The target folded once: `resolve_strict` hands back its key when it folded the target
        // whole.
        let key = folded.unwrap_or_else(|| fold(target));
        match self.aliases.get(&key).map(Vec::as_slice) {
            Some([one]) => Some((FileRef::Note(*one), true)),
            _ => None,
        }
    }

    /// [`Resolver::resolve_path_from`] without the alias fallback. When nothing is found and the
    /// target needed no trimming, `folded` is given the folded target, which that fallback needs.
    fn resolve_strict(
        &self,
        target: &str,
        source: &str,
        from_source: &mut bool,
        folded: &mut Option<String>,
    ) -> Option<FileRef> {
        let whole = target.len();
        let target = target.trim();
        if target.is_empty() {
            return None;
        }
        // R13: explicit relative paths get exact lookup only.
        if target.starts_with("./") || target.starts_with("../") {
            *from_source = true;
            let joined = join_relative(folder(source), target)?;
            return self.exact(&joined);
        }
        if let Some(abs) = target.strip_prefix('/') {
            return self.exact(abs);
        }
        let key = fold(target);
        // Every file name has a `.`: a name without one can only be a note's stem.
        let last = key.rsplit('/').next().unwrap_or(&key);
        let skip_names = !self.files.dotless_names && !last.contains('.');
        for (index, md) in [(&self.by_name, false), (&self.by_stem, true)] {
            if !md && skip_names {
                continue;
            }
            if let Some(ids) = index.get(&key, |id| self.suffix_matches(id, &key, md)) {
                return Some(self.best(&ids, &key, &nfc_cow(target), source, from_source));
            }
        }
        if target.len() == whole {
            *folded = Some(key);
        }
        None
    }

    /// Whether file `id`'s folded path (without `.md` when `md`) has `key` as a `/`-suffix.
    fn suffix_matches(&self, id: u32, key: &str, md: bool) -> bool {
        let p = self.files.folded(id);
        has_suffix(if md { strip_md(p) } else { p }, key)
    }

    /// A file whose whole vault path is `path` (with `.md` optional), exact case preferred.
    fn exact(&self, path: &str) -> Option<FileRef> {
        let key = fold(path);
        let want = nfc(path);
        for (index, md) in [(&self.by_name, false), (&self.by_stem, true)] {
            let Some(ids) = index.get(&key, |id| self.suffix_matches(id, &key, md)) else {
                continue;
            };
            let whole: Vec<u32> = ids
                .iter()
                .copied()
                .filter(|&id| {
                    let p = self.files.folded(id);
                    (if md { strip_md(p) } else { p }) == key
                })
                .collect();
            if !whole.is_empty() {
                return Some(self.pick_case(&whole, &want));
            }
        }
        None
    }

    /// Applies R9's order to candidates that all end with the target: exact vault path, then the
    /// source's own folder, then the shortest path, then lexicographic order.
    fn best(
        &self,
        ids: &[u32],
        key: &str,
        want: &str,
        source: &str,
        from_source: &mut bool,
    ) -> FileRef {
        let path_of = |id: u32| self.files.path_of(id);
        let is_whole = |id: u32| {
            let p = self.files.folded(id);
            p == key || strip_md(p) == key
        };
        if let [id] = ids {
            // One candidate: every rule below picks it.
            return self.files.file(*id);
        }
        let whole: Vec<u32> = ids.iter().copied().filter(|&id| is_whole(id)).collect();
        if !whole.is_empty() {
            return self.pick_case(&whole, want);
        }
        *from_source = true;
        let own = fold(folder(source));
        let mine: Vec<u32> = ids
            .iter()
            .copied()
            .filter(|&id| self.files.folded_folder(id) == own)
            .collect();
        if !mine.is_empty() {
            return self.pick_case(&mine, want);
        }
        let shortest = ids
            .iter()
            .map(|&id| path_of(id).chars().count())
            .min()
            .unwrap_or(0);
        let short: Vec<u32> = ids
            .iter()
            .copied()
            .filter(|&id| path_of(id).chars().count() == shortest)
            .collect();
        self.pick_case(&short, want)
    }

    /// Among equally good candidates, prefer one whose path ends with the target in its exact case
    /// (R10), then the lexicographically smallest path (R9 step 4).
    fn pick_case(&self, ids: &[u32], want: &str) -> FileRef {
        let keep_md = want.to_lowercase().ends_with(".md");
        let ends = |id: u32| {
            let p = self.files.path_of(id);
            let p = if keep_md { p } else { strip_md(p) };
            p == want
                || (p.len() > want.len()
                    && p.ends_with(want)
                    && p.as_bytes()[p.len() - want.len() - 1] == b'/')
        };
        let exact: Vec<u32> = ids.iter().copied().filter(|&id| ends(id)).collect();
        let pool = if exact.is_empty() { ids } else { &exact };
        let id = pool
            .iter()
            .copied()
            .min_by(|&a, &b| self.files.path_of(a).cmp(self.files.path_of(b)))
            .unwrap_or(ids[0]);
        self.files.file(id)
    }
}

/// Joins a `./` or `../` target onto a folder. `..` at the vault root stays at the root, as URL
/// resolution does: the vault is the whole world a link can name.
fn join_relative(base: &str, target: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|s| !s.is_empty()).collect();
    for comp in target.split('/') {
        match comp {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            c => parts.push(c),
        }
    }
    Some(parts.join("/"))
}

/// Finds a heading chain in a note's headings (R20, R21): each part is looked for inside the section
/// of the one before; if the chain fails, the last part alone is looked for anywhere.
pub fn find_heading(headings: &[Heading], chain: &[String]) -> Option<usize> {
    let wanted: Vec<String> = chain.iter().map(|c| normalize_heading(c)).collect();
    let is = |i: usize, w: &str| heading_matches(&headings[i].text, w);
    let mut lo = 0;
    let mut hi = headings.len();
    let mut found = None;
    for w in &wanted {
        match (lo..hi).find(|&i| is(i, w)) {
            Some(i) => {
                found = Some(i);
                lo = i + 1;
                hi = (i + 1..headings.len())
                    .find(|&j| headings[j].level <= headings[i].level)
                    .unwrap_or(headings.len());
            }
            None => {
                found = None;
                break;
            }
        }
    }
    found.or_else(|| {
        let last = wanted.last()?;
        (0..headings.len()).find(|&i| is(i, last))
    })
}

/// Resolves a link's subpath inside a note.
fn anchor(note: &Note, subpath: Option<&Subpath>) -> Anchor {
    match subpath {
        None => Anchor::None,
        Some(Subpath::Heading(chain)) => find_heading(&note.parsed.headings, chain)
            .map_or(Anchor::Missing, |h| Anchor::Heading(h as u32)),
        Some(Subpath::Block(id)) => note
            .parsed
            .block_ids
            .iter()
            .position(|b| b.id.eq_ignore_ascii_case(id))
            .map_or(Anchor::Missing, |b| Anchor::Block(b as u32)),
    }
}

impl Graph {
    /// The graph of `notes` notes before anything is known of their links: no backlinks, tags or
    /// unresolved targets, and a name index that resolves nothing. What the browser shows while the
    /// real graph is built.
    pub fn empty(notes: usize) -> Graph {
        Graph {
            resolutions: vec![Vec::new(); notes],
            backlinks: vec![Vec::new(); notes],
            ..Graph::default()
        }
    }

    /// Resolves every link of the vault and builds backlinks, unresolved targets and tags.
    pub fn build(vault: &Vault) -> Graph {
        // On one of rayon's threads, whose memory the other steps (on those threads too) reuse:
        // the allocator keeps an arena per thread, and the memo's tables, made on the caller's
        // thread, were left unused once freed.
        rayon::scope(|_| Graph::build_here(vault))
    }

    fn build_here(vault: &Vault) -> Graph {
        // The tags need nothing of the links: they are gathered while the name index is built.
        let (resolver, tags) = rayon::join(|| Resolver::new(vault), || tags_of(vault));
        let memo = Memo::new(vault.notes.iter().map(|n| n.parsed.links.len()).sum());
        let backlink_counts: Vec<AtomicU32> =
            (0..vault.notes.len()).map(|_| AtomicU32::new(0)).collect();
        // Each note's resolutions, and the folded keys of its unresolved links (borrowed from the
        // link when its target is folded already): the folding is done here, on all cores, rather
        // than in the merge below.
        type Keys<'v> = Vec<Vec<(Cow<'v, str>, &'v str, u32, u8)>>;
        let (resolutions, keys): (Vec<Vec<Resolution>>, Keys) = vault
            .notes
            .par_iter()
            .enumerate()
            .map(|(i, note)| {
                let res: Vec<Resolution> = note
                    .parsed
                    .links
                    .iter()
                    .map(|l| {
                        resolve_link_with(vault, i, l, |_, from| memo.resolve(&resolver, l, from))
                    })
                    .collect();
                // Each note's backlinks counted here, on all cores, so that the tail lists them
                // in one pass.
                for (j, r) in res.iter().enumerate() {
                    if let Some(t) = backlink_target(vault, i, j, r) {
                        backlink_counts[t].fetch_add(1, Ordering::Relaxed);
                    }
                }
                let keys = note
                    .parsed
                    .links
                    .iter()
                    .zip(&res)
                    .enumerate()
                    .filter(|(_, (_, r))| **r == Resolution::Unresolved)
                    .map(|(j, (l, _))| {
                        let key = fold_cow(l.target());
                        let shard = Unresolved::shard_of(&key) as u8;
                        (key, l.target(), j as u32, shard)
                    })
                    .collect();
                (res, keys)
            })
            .unzip();
        // Its tables are free for the ones built next.
        drop(memo);

        // Backlinks, unresolved targets and tags do not depend on each other: build them side by side.
        let backlinks_of = || {
            // Counted with the resolutions, so that each list is allocated once.
            let mut backlinks: Vec<Vec<LinkRef>> = backlink_counts
                .iter()
                .map(|c| Vec::with_capacity(c.load(Ordering::Relaxed) as usize))
                .collect();
            each_backlink(vault, &resolutions, |t, l| backlinks[t].push(l));
            backlinks
        };
        let unresolved_of = || {
            // Each shard's uses in link order, then each shard's map on its own core. A target's
            // text is its first use's spelling.
            let mut counts = [0usize; Unresolved::SHARDS];
            for &(_, _, _, shard) in keys.iter().flatten() {
                counts[usize::from(shard)] += 1;
            }
            let mut parts: Vec<Vec<(Cow<str>, &str, LinkRef)>> =
                counts.iter().map(|&c| Vec::with_capacity(c)).collect();
            for (note, ks) in keys.into_iter().enumerate() {
                for (key, target, link, shard) in ks {
                    let link = link as usize;
                    parts[usize::from(shard)].push((key, target, LinkRef { note, link }));
                }
            }
            let shards = parts
                .into_par_iter()
                .map(|part| {
                    let mut map: FxMap<String, UnresolvedTarget> = FxMap::default();
                    // Room for three targets in four uses: most are named once (in the generated
                    // vaults, 109,000 targets for 148,000 uses); a table for every use was twice
                    // the size, half empty.
                    map.reserve(part.len() - part.len() / 4);
                    for (key, target, use_) in part {
                        if let Some(known) = map.get_mut(key.as_ref()) {
                            known.uses.push(use_);
                            continue;
                        }
                        map.insert(
                            key.into_owned(),
                            UnresolvedTarget {
                                target: target.to_string(),
                                // Most targets are named once: no room for four.
                                uses: vec![use_],
                            },
                        );
                    }
                    map
                })
                .collect();
            Unresolved { shards }
        };
        let (backlinks, unresolved) = rayon::join(backlinks_of, unresolved_of);
        Graph {
            resolutions,
            backlinks,
            unresolved,
            tags,
            resolver,
        }
    }

    /// How a link resolved.
    pub fn resolution(&self, link: LinkRef) -> Resolution {
        self.resolutions[link.note][link.link]
    }

    /// Finds the note a user names on the command line: a vault path (with or without `.md`), or a
    /// link target written as in `[[...]]` and resolved from the vault root.
    pub fn find_note(&self, vault: &Vault, name: &str) -> Option<usize> {
        let name = name.trim().trim_start_matches("[[").trim_end_matches("]]");
        let name = name.split('|').next().unwrap_or(name);
        let (path, _) = crate::markdown::split_linktext(name);
        if let Some(i) = vault.note_by_path(path) {
            return Some(i);
        }
        match self.resolver.resolve_path(path, "") {
            Some((FileRef::Note(i), _)) => Some(i),
            _ => None,
        }
    }
}

/// Every tag of the vault and the notes that carry it (R37, R38).
fn tags_of(vault: &Vault) -> BTreeMap<String, TagInfo> {
    let mut tags: FxMap<String, TagInfo> = FxMap::default();
    for (i, note) in vault.notes.iter().enumerate() {
        for t in &note.tags {
            // Most tags are written in lowercase already: look them up without a copy.
            let key = lowercase(t);
            let info = match tags.get_mut(key.as_ref()) {
                Some(info) => info,
                None => tags.entry(key.into_owned()).or_insert_with(|| TagInfo {
                    name: t.clone(),
                    notes: Vec::new(),
                }),
            };
            if info.notes.last() != Some(&i) {
                info.notes.push(i);
            }
        }
    }
    tags.into_iter().collect::<BTreeMap<String, TagInfo>>()
}

/// Resolves one link written in note `source`.
pub fn resolve_link(vault: &Vault, resolver: &Resolver, source: usize, link: &Link) -> Resolution {
    resolve_link_with(vault, source, link, |target, from| {
        resolver.resolve_path(target, from)
    })
}

/// What [`Resolver::resolve_path`] answers: the file, and whether only the alias fallback found it.
type Answer = Option<(FileRef, bool)>;

/// Answers of [`Resolver::resolve_path`] that hold wherever the target is written, shared by the
/// threads of [`Graph::build`]. A vault's links name far fewer targets than there are links (at
/// 50,000 generated notes, 178,000 targets for 722,000 links), so each is looked up once.
struct Memo<'v> {
    /// By the top bits of the target's hash, so that threads seldom wait on each other.
    shards: Vec<Mutex<FxMap<MemoKey<'v>, Answer>>>,
}

/// A link target as the memo keeps it: with the hash its link was made with
/// ([`Link::target_hash`]), so that finding its place in the table does not wait for its text.
#[derive(Clone, Copy)]
struct MemoKey<'v> {
    hash: u32,
    text: &'v str,
}

impl PartialEq for MemoKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash && self.text == other.text
    }
}

impl Eq for MemoKey<'_> {}

impl Hash for MemoKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(u64::from(self.hash));
    }
}

impl<'v> Memo<'v> {
    const SHARD_BITS: u32 = 6;

    /// A memo for about `links` links. Sized up front for a target per four links (the
    /// generated vaults' ratio), so that the tables seldom grow while the threads share them.
    fn new(links: usize) -> Memo<'v> {
        let each = (links / 4) >> Self::SHARD_BITS;
        Memo {
            shards: (0..1 << Self::SHARD_BITS)
                .map(|_| Mutex::new(FxMap::with_capacity_and_hasher(each, Default::default())))
                .collect(),
        }
    }

    /// [`Resolver::resolve_path`] for `link`'s target written in the note at vault path `source`.
    fn resolve(&self, resolver: &Resolver, link: &'v Link, source: &str) -> Answer {
        let key = MemoKey {
            hash: link.target_hash(),
            text: link.target(),
        };
        let shard = &self.shards[(key.hash >> (32 - Self::SHARD_BITS)) as usize];
        let lock = || shard.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(known) = lock().get(&key) {
            return *known;
        }
        let mut from_source = false;
        let found = resolver.resolve_path_from(key.text, source, &mut from_source);
        if !from_source {
            lock().insert(key, found);
        }
        found
    }
}

/// Calls `f(target, link)` for every backlink ([`backlink_target`]).
fn each_backlink(
    vault: &Vault,
    resolutions: &[Vec<Resolution>],
    mut f: impl FnMut(usize, LinkRef),
) {
    for (i, res) in resolutions.iter().enumerate() {
        for (j, r) in res.iter().enumerate() {
            if let Some(t) = backlink_target(vault, i, j, r) {
                f(t, LinkRef { note: i, link: j });
            }
        }
    }
}

/// The note that link `j` of note `i`, resolved to `r`, is a backlink of: every link resolved to a
/// note, but `[[#Heading]]` within its own note (decision 7). Only a link resolved to its own note
/// needs its text read.
fn backlink_target(vault: &Vault, i: usize, j: usize, r: &Resolution) -> Option<usize> {
    match *r {
        Resolution::Note { note: t, .. }
            if t != i || !vault.notes[i].parsed.links[j].target().is_empty() =>
        {
            Some(t)
        }
        _ => None,
    }
}

/// Resolves one link written in note `source`, finding the file a target names with `path`.
fn resolve_link_with<'v>(
    vault: &'v Vault,
    source: usize,
    link: &'v Link,
    path: impl FnOnce(&'v str, &'v str) -> Option<(FileRef, bool)>,
) -> Resolution {
    if link.external {
        return Resolution::External;
    }
    let from = &vault.notes[source];
    if link.target().is_empty() {
        // R17: `[[#Heading]]` and `[[#^id]]` point into the note itself.
        return Resolution::Note {
            note: source,
            via_alias: false,
            anchor: anchor(from, link.subpath.as_deref()),
        };
    }
    match path(link.target(), &from.path) {
        Some((FileRef::Note(n), via_alias)) => Resolution::Note {
            note: n,
            via_alias,
            anchor: anchor(&vault.notes[n], link.subpath.as_deref()),
        },
        Some((FileRef::Attachment(a), _)) => Resolution::Attachment(a),
        None => Resolution::Unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_index_finds_each_hashs_files_in_file_order() {
        // Hashes that share a bucket (the same top bits, other low bits), hashes shared by files
        // in different parts, and files with several hashes, against a plain map.
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let pool: Vec<u64> = (0..40)
            .flat_map(|_| {
                let h = next();
                [h, h ^ 1, h ^ 0xff00]
            })
            .collect();
        let mut parts: Vec<Vec<(u64, u32)>> = vec![Vec::new(); 3];
        let mut want: BTreeMap<u64, Vec<u32>> = BTreeMap::new();
        for id in 0..200u32 {
            let part = &mut parts[(id / 70) as usize];
            for _ in 0..1 + next() % 3 {
                let hash = pool[(next() % pool.len() as u64) as usize];
                if want.get(&hash).and_then(|ids| ids.last()) != Some(&id) {
                    part.push((hash, id));
                    want.entry(hash).or_default().push(id);
                }
            }
        }
        let slices: Vec<&[(u64, u32)]> = parts.iter().map(|p| &p[..]).collect();
        let index = NameIndex::build(&slices);
        for &hash in &pool {
            let found = index.get_hash(hash, |_| true).map(Cow::into_owned);
            assert_eq!(found, want.get(&hash).cloned(), "{hash:x}");
            let odd = index.get_hash(hash, |id| id % 2 == 1).map(Cow::into_owned);
            let want_odd = want
                .get(&hash)
                .map(|ids| {
                    ids.iter()
                        .copied()
                        .filter(|id| id % 2 == 1)
                        .collect::<Vec<_>>()
                })
                .filter(|ids| !ids.is_empty());
            assert_eq!(odd, want_odd, "{hash:x}");
        }
        assert_eq!(index.get_hash(pool[0] ^ 2, |_| true), None);
        assert_eq!(NameIndex::build(&[]).get_hash(pool[0], |_| true), None);
    }

    #[test]
    fn the_index_keeps_each_files_path_and_folded_folder_as_folding_them_alone_gives() {
        // More files than one indexing task takes, so that parts are joined; names that NFC
        // changes, that lowercase to other lengths, and a final sigma before a `/`.
        let mut files: Vec<(String, String)> = (0..RESOLVER_CHUNK + 7)
            .map(|i| (format!("Folder {}/Note {i}.md", i % 13), String::new()))
            .collect();
        for path in [
            "Cafe\u{301}/Ünïcode Note.md",
            "ΟΔΟΣ/Σημείωση.md",
            "İstanbul/KELVIN \u{212a}.md",
            "top.md",
            "a/b/c/d.md",
            "pictures/Photo.PNG",
        ] {
            files.push((path.to_string(), String::new()));
        }
        let vault = Vault::from_files(files);
        let r = Resolver::new(&vault);
        let all = vault
            .notes
            .iter()
            .map(|n| n.path.as_str())
            .chain(vault.attachments.iter().map(|a| a.path.as_str()));
        let mut count = 0;
        for (id, path) in all.enumerate() {
            let id = id as u32;
            assert_eq!(r.files.path_of(id), nfc(path));
            assert_eq!(r.files.folded(id), fold(path));
            assert_eq!(
                r.files.folded_folder(id),
                fold(folder(&nfc(path))),
                "{path}"
            );
            count += 1;
        }
        assert_eq!(count, RESOLVER_CHUNK + 13);
        // And the files are found by name across the joined parts.
        let last = format!("Note {}", RESOLVER_CHUNK + 6);
        assert_eq!(
            r.resolve_path(&last, "").map(|(f, _)| f),
            vault
                .note_by_path(&format!("Folder {}/{last}.md", (RESOLVER_CHUNK + 6) % 13))
                .map(FileRef::Note)
        );
        assert!(r.resolve_path("σημείωση", "").is_some());
    }
}
