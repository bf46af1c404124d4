//! The index cache: what parsing found in each note (title, links, headings, block ids, tags), kept
//! in the user's cache folder so that the next start of the same vault re-parses only changed notes.
//!
//! One file per vault, `$XDG_CACHE_HOME/engram/<hash of the vault's canonical path>.bin` (else
//! `~/.cache/engram/`), in a compact binary format of this module's own:
//!
//! ```text
//! magic "ENGRAMIX" | format version u32 | engram version | vault path | scan start (secs, nanos)
//! | note count | index: per note (path, size, mtime, body offset and length, title)
//! | CRC-32 of all before | bodies | CRC-32 of all before
//! ```
//!
//! The index's own checksum lets the browser's first frame read the note list and titles from the
//! first part of the file alone ([`peek`]).
//!
//! Integers are LEB128 varints, strings a varint length and UTF-8 bytes. A note's entry is used only
//! when its file still has the size and modification time recorded, and was not modified so close to
//! the scan that wrote the cache that a later change could share its timestamp (git's "racily clean"
//! rule). A file that is truncated, fails its checksum, has another format or engram version, or
//! belongs to another vault is never trusted: the vault is parsed again and the file rewritten.
//! The cache is written to a temporary file in the cache folder and renamed into place; nothing is
//! ever written into the vault. The file is not flushed to disk: one torn by a crash fails its checksum.

use std::fs;
use std::io::{self, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use crate::markdown::{BlockId, Heading, InlineTag, Link, LinkSyntax, Parsed, Subpath};
use crate::vault::{Diagnostic, DiagnosticKind, Note};

const MAGIC: &[u8; 8] = b"ENGRAMIX";

/// Bumped whenever the encoding or what parsing produces changes.
pub const FORMAT_VERSION: u32 = 4;

/// A file changed within this long before the scan that wrote the cache may have changed again
/// without its modification time moving (coarse file system clocks); its entry is not trusted.
pub(crate) const RACY: Duration = Duration::from_secs(2);

/// Why an existing cache file was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheProblem {
    /// Truncated, bad checksum, or bytes that do not decode.
    Corrupt,
    /// Written by another format or engram version.
    Version,
    /// Written for another vault.
    OtherVault,
    /// The file exists but could not be read.
    Unreadable(String),
}

/// What happened to the index cache during a load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum CacheStatus {
    /// The cache was not used (`--no-cache`, [`crate::vault::Vault::load`], or no cache folder).
    #[default]
    Off,
    /// There was no cache file yet.
    Missing,
    /// The cache file was valid and used.
    Used,
    /// The cache file was rejected and the vault parsed from scratch.
    Rejected(CacheProblem),
}

/// What the cache did for one load.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CacheReport {
    /// Whether and how the cache was used.
    pub status: CacheStatus,
    /// The cache file.
    pub file: Option<PathBuf>,
    /// Notes taken from the cache without reading their files.
    pub reused: usize,
    /// Notes read and parsed.
    pub parsed: usize,
    /// The cache file was (re)written.
    pub written: bool,
    /// Why writing the cache failed, if it did; the load itself still succeeded.
    pub write_error: Option<String>,
}

/// The folder engram keeps caches in: `$XDG_CACHE_HOME/engram`, else `$HOME/.cache/engram`.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
    Some(base.join("engram"))
}

/// The cache file of the vault at `canonical_root` inside the cache folder `dir`.
pub fn file_for(dir: &Path, canonical_root: &Path) -> PathBuf {
    let key = canonical_root.to_string_lossy();
    dir.join(format!("{:016x}.bin", fnv1a(key.as_bytes())))
}

/// FNV-1a: a stable hash for file names (std's hasher is seeded per process).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A file's identity as the cache records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stamp {
    pub size: u64,
    pub modified: Option<SystemTime>,
}

pub(crate) fn split_time(t: Option<SystemTime>) -> (u64, u32) {
    // Times before 1970 are recorded as absent, which makes their notes always re-parsed.
    match t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
        Some(d) => (d.as_secs() + 1, d.subsec_nanos()),
        None => (0, 0),
    }
}

pub(crate) fn join_time(secs: u64, nanos: u32) -> Option<SystemTime> {
    (secs > 0).then(|| UNIX_EPOCH + Duration::new(secs - 1, nanos))
}

/// One note's entry in the index.
#[derive(Debug, Clone)]
struct Entry {
    path: String,
    stamp: Stamp,
    body: Range<usize>,
}

/// A cache file read and checked, its note bodies decoded on demand.
#[derive(Debug)]
pub(crate) struct Cache {
    bytes: Vec<u8>,
    scan_start: Option<SystemTime>,
    /// Sorted by path.
    entries: Vec<Entry>,
}

impl Cache {
    /// Reads and checks the cache file of the vault at `canonical_root`. `Ok(None)`: no file.
    pub(crate) fn read(file: &Path, canonical_root: &Path) -> Result<Option<Cache>, CacheProblem> {
        let bytes = match fs::read(file) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(CacheProblem::Unreadable(e.to_string())),
        };
        Cache::decode(bytes, canonical_root).map(Some)
    }

    fn decode(bytes: Vec<u8>, canonical_root: &Path) -> Result<Cache, CacheProblem> {
        if bytes.len() < MAGIC.len() + 4 + 4 {
            return Err(CacheProblem::Corrupt);
        }
        let (sum_at, sum) = bytes.split_at(bytes.len() - 4);
        let index = decode_index(sum_at, canonical_root, false)?;
        if crc32fast::hash(sum_at).to_le_bytes() != sum
            || index.entries.iter().any(|e| e.body.end > sum_at.len())
        {
            return Err(CacheProblem::Corrupt);
        }
        let Index {
            scan_start,
            entries,
            ..
        } = index;
        Ok(Cache {
            bytes,
            scan_start,
            entries,
        })
    }

    /// The note at vault path `rel` with its diagnostics, when the cache holds it for a file that
    /// still has `stamp`. `abs` becomes the note's file. `Err` when the entry does not decode.
    pub(crate) fn lookup(
        &self,
        rel: &str,
        stamp: Stamp,
        abs: &Path,
    ) -> Result<Option<(Note, Vec<Diagnostic>)>, CacheProblem> {
        let Ok(i) = self.entries.binary_search_by(|e| e.path.as_str().cmp(rel)) else {
            return Ok(None);
        };
        let e = &self.entries[i];
        let (Some(modified), Some(scan)) = (stamp.modified, self.scan_start) else {
            return Ok(None);
        };
        let racy = modified.checked_add(RACY).is_none_or(|m| m >= scan);
        if e.stamp != stamp || racy {
            return Ok(None);
        }
        let mut r = Reader::new(&self.bytes[..e.body.end], e.body.start);
        decode_note(&mut r, &e.path, abs, stamp).map(Some)
    }

    /// How many notes the cache holds.
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The header and index of a cache file: everything before the note bodies.
struct Index {
    scan_start: Option<SystemTime>,
    /// Sorted by path, with their bodies' places in the whole file.
    entries: Vec<Entry>,
    /// The notes' titles, by entry, when asked for.
    titles: Vec<String>,
}

/// Reads the header and index at the start of `bytes` (the file without its final checksum, or only
/// a first part of it) and checks them: magic, format and engram version, the vault, the index's own
/// checksum, entries sorted by path, bodies inside `bytes` (when it is the whole file: a prefix
/// checks only the index). Keeps the titles when `titles`.
fn decode_index(bytes: &[u8], canonical_root: &Path, titles: bool) -> Result<Index, CacheProblem> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..MAGIC.len()] != MAGIC {
        return Err(CacheProblem::Corrupt);
    }
    let mut r = Reader::new(bytes, MAGIC.len());
    let format = r.u32_le()?;
    let version = r.str()?;
    if format != FORMAT_VERSION || version != env!("CARGO_PKG_VERSION") {
        return Err(CacheProblem::Version);
    }
    let root = r.str()?;
    let secs = r.varint()?;
    let nanos = r.varint()? as u32;
    let scan_start = join_time(secs, nanos);
    let count = r.varint()? as usize;
    let mut entries = Vec::with_capacity(count.min(bytes.len()));
    let mut kept = Vec::with_capacity(if titles { count.min(bytes.len()) } else { 0 });
    for _ in 0..count {
        let path = r.str()?.to_string();
        let size = r.varint()?;
        let secs = r.varint()?;
        let nanos = r.varint()? as u32;
        let start = r.varint()? as usize;
        let len = r.varint()? as usize;
        let title = r.str()?;
        if titles {
            kept.push(title.to_string());
        }
        entries.push(Entry {
            path,
            stamp: Stamp {
                size,
                modified: join_time(secs, nanos),
            },
            body: start..start.checked_add(len).ok_or(CacheProblem::Corrupt)?,
        });
    }
    let index_end = r.pos;
    if crc32fast::hash(&bytes[..index_end]).to_le_bytes() != r.u32_le()?.to_le_bytes() {
        return Err(CacheProblem::Corrupt);
    }
    // Checked after the checksum: a cache of another vault is not corrupt.
    if root != canonical_root.to_string_lossy() {
        return Err(CacheProblem::OtherVault);
    }
    let bodies = r.pos;
    for e in &mut entries {
        e.body = e.body.start + bodies..e.body.end + bodies;
    }
    if !entries.windows(2).all(|w| w[0].path < w[1].path) {
        return Err(CacheProblem::Corrupt);
    }
    Ok(Index {
        scan_start,
        entries,
        titles: kept,
    })
}

/// The notes (vault path, title) that the index cache of the vault at `canonical_root` lists, read
/// from the cache file alone, without walking or validating anything but the index: what a browser
/// can draw within milliseconds of starting, before [`crate::vault::Vault::load_with`] has checked
/// which notes changed. Only the header and index are read (the titles are in the index), a first
/// part of the file at a time. `None` when there is no usable cache file.
pub fn peek(file: &Path, canonical_root: &Path) -> Option<Vec<(String, String)>> {
    use std::io::Read;
    let mut f = fs::File::open(file).ok()?;
    let len = usize::try_from(f.metadata().ok()?.len()).ok()?;
    let mut bytes = Vec::new();
    let mut want = len.min(1 << 18);
    loop {
        let have = bytes.len();
        bytes.resize(want, 0);
        f.read_exact(&mut bytes[have..]).ok()?;
        match decode_index(&bytes, canonical_root, true) {
            Ok(index) => {
                return Some(
                    index
                        .entries
                        .into_iter()
                        .map(|e| e.path)
                        .zip(index.titles)
                        .collect(),
                )
            }
            // The index goes on past what was read: read more.
            Err(CacheProblem::Corrupt) if want < len => want = len.min(want * 4),
            Err(_) => return None,
        }
    }
}

/// Writes the cache file for `notes` (sorted by path), atomically: a temporary file in the same
/// folder, renamed over the old one.
pub(crate) fn write(
    file: &Path,
    canonical_root: &Path,
    scan_start: SystemTime,
    notes: &[(&Note, &[Diagnostic])],
) -> io::Result<()> {
    let dir = file
        .parent()
        .ok_or_else(|| io::Error::other("cache file has no folder"))?;
    fs::create_dir_all(dir)?;
    // Bodies are encoded on all cores, in chunks, then laid end to end.
    let chunks: Vec<(Vec<u8>, Vec<usize>)> = notes
        .par_chunks(256)
        .map(|chunk| {
            let mut w = Vec::new();
            let mut ends = Vec::with_capacity(chunk.len());
            for (note, diags) in chunk {
                encode_note(&mut w, note, diags);
                ends.push(w.len());
            }
            (w, ends)
        })
        .collect();
    // The header and index go in one buffer; the bodies are written from their chunks, so the
    // whole cache is never held twice.
    let mut out = Vec::with_capacity(64 + notes.len() * 48);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    put_str(&mut out, env!("CARGO_PKG_VERSION"));
    put_str(&mut out, &canonical_root.to_string_lossy());
    let (secs, nanos) = split_time(Some(scan_start));
    put_varint(&mut out, secs);
    put_varint(&mut out, u64::from(nanos));
    put_varint(&mut out, notes.len() as u64);
    let mut offset = 0usize;
    let mut i = 0;
    for (chunk, ends) in &chunks {
        let mut start = 0;
        for &end in ends {
            let (note, _) = notes[i];
            let (secs, nanos) = split_time(note.modified);
            put_str(&mut out, &note.path);
            put_varint(&mut out, note.size);
            put_varint(&mut out, secs);
            put_varint(&mut out, u64::from(nanos));
            put_varint(&mut out, (offset + start) as u64);
            put_varint(&mut out, (end - start) as u64);
            put_str(&mut out, &note.title);
            start = end;
            i += 1;
        }
        offset += chunk.len();
    }
    // The index has a checksum of its own, so the note list can be read without the bodies.
    let index_sum = crc32fast::hash(&out).to_le_bytes();
    out.extend_from_slice(&index_sum);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&out);
    for (chunk, _) in &chunks {
        crc.update(chunk);
    }
    let sum = crc.finalize().to_le_bytes();

    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        file.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        std::process::id()
    ));
    let result = (|| {
        let mut f = io::BufWriter::with_capacity(1 << 20, fs::File::create(&tmp)?);
        f.write_all(&out)?;
        for (chunk, _) in &chunks {
            f.write_all(chunk)?;
        }
        f.write_all(&sum)?;
        // No fsync: a file torn by a crash fails its checksum and is rebuilt, so the cache need not
        // pay for a disk flush on every start.
        f.into_inner().map_err(|e| e.into_error())?;
        fs::rename(&tmp, file)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

// ---- encoding -------------------------------------------------------------------------------

pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub(crate) fn put_str(out: &mut Vec<u8>, s: &str) {
    put_varint(out, s.len() as u64);
    out.extend_from_slice(s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

fn put_range(out: &mut Vec<u8>, r: &Range<usize>) {
    put_varint(out, r.start as u64);
    put_varint(out, r.end.saturating_sub(r.start) as u64);
}

fn put_strs<'a>(out: &mut Vec<u8>, items: impl ExactSizeIterator<Item = &'a str>) {
    put_varint(out, items.len() as u64);
    for s in items {
        put_str(out, s);
    }
}

fn syntax_code(s: LinkSyntax) -> u8 {
    match s {
        LinkSyntax::Wiki => 0,
        LinkSyntax::WikiEmbed => 1,
        LinkSyntax::Markdown => 2,
        LinkSyntax::MarkdownEmbed => 3,
        LinkSyntax::Property => 4,
    }
}

fn kind_code(k: DiagnosticKind) -> u8 {
    match k {
        DiagnosticKind::InvalidFrontmatter => 0,
        DiagnosticKind::UnclosedFrontmatter => 1,
        DiagnosticKind::InvalidUtf8 => 2,
        DiagnosticKind::Binary => 3,
        DiagnosticKind::TooLarge => 4,
        DiagnosticKind::Unreadable => 5,
        DiagnosticKind::BadSymlink => 6,
    }
}

/// Everything in a [`Note`] but its path, file and stamp (kept in the index), then its diagnostics.
fn encode_note(w: &mut Vec<u8>, n: &Note, diags: &[Diagnostic]) {
    put_str(w, &n.title);
    put_strs(w, n.aliases.iter().map(String::as_str));
    put_strs(w, n.tags.iter().map(String::as_str));
    put_varint(w, n.properties.len() as u64);
    for (k, v) in &n.properties {
        put_str(w, k);
        put_str(w, v);
    }
    w.push(u8::from(n.skipped));
    put_varint(w, n.body_start as u64);
    let p = &n.parsed;
    put_varint(w, p.links.len() as u64);
    for l in &p.links {
        w.push(syntax_code(l.syntax) | (u8::from(l.external) << 3) | (u8::from(l.in_comment) << 4));
        put_str(w, l.target());
        match l.subpath.as_deref() {
            None => w.push(0),
            Some(Subpath::Heading(parts)) => {
                w.push(1);
                put_strs(w, parts.iter().map(String::as_str));
            }
            Some(Subpath::Block(b)) => {
                w.push(2);
                put_str(w, b);
            }
        }
        put_opt_str(w, l.display());
        put_range(w, &l.range);
        put_varint(w, l.line as u64);
    }
    put_varint(w, p.headings.len() as u64);
    for h in &p.headings {
        w.push(h.level);
        put_str(w, &h.text);
        put_range(w, &h.range);
        put_varint(w, h.line as u64);
    }
    put_varint(w, p.block_ids.len() as u64);
    for b in &p.block_ids {
        put_str(w, &b.id);
        put_range(w, &b.range);
        put_varint(w, b.line as u64);
    }
    put_varint(w, p.tags.len() as u64);
    for t in &p.tags {
        put_str(w, &t.name);
        put_varint(w, t.line as u64);
    }
    put_varint(w, diags.len() as u64);
    for d in diags {
        w.push(kind_code(d.kind));
        put_str(w, &d.message);
    }
}

// ---- decoding -------------------------------------------------------------------------------

/// Reads the encoding back; every read is bounds-checked, so corrupt bytes are an error, not a panic.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    pub(crate) pos: usize,
    end: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], pos: usize) -> Self {
        Reader {
            bytes,
            pos,
            end: bytes.len(),
        }
    }

    fn u8(&mut self) -> Result<u8, CacheProblem> {
        let b = *self.bytes.get(self.pos).ok_or(CacheProblem::Corrupt)?;
        self.pos += 1;
        Ok(b)
    }

    pub(crate) fn u32_le(&mut self) -> Result<u32, CacheProblem> {
        let b = self
            .bytes
            .get(self.pos..self.pos + 4)
            .ok_or(CacheProblem::Corrupt)?;
        self.pos += 4;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    pub(crate) fn varint(&mut self) -> Result<u64, CacheProblem> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
        }
        Err(CacheProblem::Corrupt)
    }

    pub(crate) fn usize(&mut self) -> Result<usize, CacheProblem> {
        usize::try_from(self.varint()?).map_err(|_| CacheProblem::Corrupt)
    }

    /// A count of items that each take at least one byte: larger than what is left is corrupt.
    fn count(&mut self) -> Result<usize, CacheProblem> {
        let n = self.usize()?;
        if n > self.end - self.pos {
            return Err(CacheProblem::Corrupt);
        }
        Ok(n)
    }

    pub(crate) fn str(&mut self) -> Result<&'a str, CacheProblem> {
        let len = self.usize()?;
        let end = self.pos.checked_add(len).ok_or(CacheProblem::Corrupt)?;
        let b = self.bytes.get(self.pos..end).ok_or(CacheProblem::Corrupt)?;
        self.pos = end;
        std::str::from_utf8(b).map_err(|_| CacheProblem::Corrupt)
    }

    fn string(&mut self) -> Result<String, CacheProblem> {
        self.str().map(str::to_string)
    }

    fn opt_str(&mut self) -> Result<Option<&'a str>, CacheProblem> {
        match self.u8()? {
            0 => Ok(None),
            1 => self.str().map(Some),
            _ => Err(CacheProblem::Corrupt),
        }
    }

    fn range(&mut self) -> Result<Range<usize>, CacheProblem> {
        let start = self.usize()?;
        let len = self.usize()?;
        Ok(start..start.checked_add(len).ok_or(CacheProblem::Corrupt)?)
    }

    fn strings(&mut self) -> Result<Vec<String>, CacheProblem> {
        let n = self.count()?;
        (0..n).map(|_| self.string()).collect()
    }
}

fn syntax_of(code: u8) -> Result<LinkSyntax, CacheProblem> {
    Ok(match code {
        0 => LinkSyntax::Wiki,
        1 => LinkSyntax::WikiEmbed,
        2 => LinkSyntax::Markdown,
        3 => LinkSyntax::MarkdownEmbed,
        4 => LinkSyntax::Property,
        _ => return Err(CacheProblem::Corrupt),
    })
}

fn kind_of(code: u8) -> Result<DiagnosticKind, CacheProblem> {
    Ok(match code {
        0 => DiagnosticKind::InvalidFrontmatter,
        1 => DiagnosticKind::UnclosedFrontmatter,
        2 => DiagnosticKind::InvalidUtf8,
        3 => DiagnosticKind::Binary,
        4 => DiagnosticKind::TooLarge,
        5 => DiagnosticKind::Unreadable,
        6 => DiagnosticKind::BadSymlink,
        _ => return Err(CacheProblem::Corrupt),
    })
}

fn decode_note(
    r: &mut Reader<'_>,
    path: &str,
    abs: &Path,
    stamp: Stamp,
) -> Result<(Note, Vec<Diagnostic>), CacheProblem> {
    let title = r.string()?;
    let aliases = r.strings()?;
    let tags = r.strings()?;
    let n = r.count()?;
    let properties = (0..n)
        .map(|_| Ok((r.string()?, r.string()?)))
        .collect::<Result<_, CacheProblem>>()?;
    let skipped = r.u8()? != 0;
    let body_start = r.usize()?;
    let n = r.count()?;
    let mut links = Vec::with_capacity(n);
    for _ in 0..n {
        let flags = r.u8()?;
        let syntax = syntax_of(flags & 0b111)?;
        // Borrowed from the cache bytes: `Link::new` copies target and display into one allocation.
        let target = r.str()?;
        let subpath = match r.u8()? {
            0 => None,
            1 => Some(Subpath::Heading(r.strings()?)),
            2 => Some(Subpath::Block(r.string()?)),
            _ => return Err(CacheProblem::Corrupt),
        };
        let display = r.opt_str()?;
        let range = r.range()?;
        let line = u32::try_from(r.usize()?).map_err(|_| CacheProblem::Corrupt)?;
        links.push(Link::new(
            syntax,
            target,
            subpath,
            display,
            flags & 0b1000 != 0,
            range,
            line,
            flags & 0b1_0000 != 0,
        ));
    }
    let n = r.count()?;
    let mut headings = Vec::with_capacity(n);
    for _ in 0..n {
        headings.push(Heading {
            level: r.u8()?,
            text: r.string()?,
            range: r.range()?,
            line: r.usize()?,
        });
    }
    let n = r.count()?;
    let mut block_ids = Vec::with_capacity(n);
    for _ in 0..n {
        block_ids.push(BlockId {
            id: r.string()?,
            range: r.range()?,
            line: r.usize()?,
        });
    }
    let n = r.count()?;
    let mut inline = Vec::with_capacity(n);
    for _ in 0..n {
        inline.push(InlineTag {
            name: r.string()?,
            line: r.usize()?,
        });
    }
    let n = r.count()?;
    let mut diags = Vec::with_capacity(n);
    for _ in 0..n {
        let kind = kind_of(r.u8()?)?;
        diags.push(Diagnostic {
            path: path.to_string(),
            kind,
            message: r.string()?,
        });
    }
    if r.pos != r.end {
        return Err(CacheProblem::Corrupt);
    }
    let note = Note {
        path: path.to_string(),
        title,
        aliases,
        tags,
        properties,
        file: abs.to_path_buf(),
        skipped,
        body_start,
        parsed: Parsed {
            links,
            headings,
            block_ids,
            tags: inline,
        },
        size: stamp.size,
        modified: stamp.modified,
    };
    Ok((note, diags))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        for v in [0, 1, 127, 128, 300, u32::MAX as u64, u64::MAX] {
            let mut out = Vec::new();
            put_varint(&mut out, v);
            let mut r = Reader::new(&out, 0);
            assert_eq!(r.varint(), Ok(v));
            assert_eq!(r.pos, out.len());
        }
        let mut r = Reader::new(&[0xff; 11], 0);
        assert_eq!(r.varint(), Err(CacheProblem::Corrupt));
    }

    #[test]
    fn times_round_trip_and_the_epoch_is_kept() {
        let t = UNIX_EPOCH + Duration::new(1_700_000_000, 123_456_789);
        let (s, n) = split_time(Some(t));
        assert_eq!(join_time(s, n), Some(t));
        let (s, n) = split_time(Some(UNIX_EPOCH));
        assert_eq!(join_time(s, n), Some(UNIX_EPOCH));
        assert_eq!(join_time(0, 0), None);
    }
}
