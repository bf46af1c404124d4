//! The text pack: every note's raw bytes laid end to end in one file in the user's cache folder, so
//! that a full-text query opens no note file (issue 5): a search reads the texts of each chunk of
//! notes with one positioned read into one buffer, instead of opening, reading and closing
//! thousands of files, and the process holds a chunk of texts at a time, never the vault's
//! (issue 6). No memory map: that would need `unsafe`, which the house style forbids.
//!
//! One file per vault, beside the index cache: `<cache folder>/<hash of the vault's canonical
//! path>.texts`. Layout (integers in the index are LEB128 varints, strings a varint length and UTF-8):
//!
//! ```text
//! header   magic "ENGRAMTX" | format version u32 | engram version | canonical vault path
//! texts    the notes' bytes, end to end, in path order
//! index    scan start (secs, nanos) | count | per note (path, size, mtime secs, mtime nanos, offset, length)
//! trailer  index offset u64 | index length u64 | file length u64 | CRC-32 of header and index u32 | magic
//! ```
//!
//! The index follows the texts so that the pack is written in one pass, one note at a time, without
//! holding the texts in memory or knowing their final sizes beforehand; the fixed-size trailer says
//! where it is. The CRC covers the header and the index, not the texts: checking 150 MB on every
//! search would cost as much as the search. A text is trusted, as the index cache trusts a record,
//! only when the note as loaded has the size and modification time its entry records and that time is
//! not within [`crate::cache`]'s racy window of the scan that wrote the pack; anything else is read
//! from its file. A pack that is truncated, fails its checksum, has another format or engram version,
//! or belongs to another vault is ignored.
//!
//! The pack is written only by [`refresh`] / [`refresh_in_background`] (the browser calls the
//! latter once the vault is loaded), to a temporary file in the cache folder renamed into place, and
//! only where the index cache may be written: never with `--no-cache`, never into the vault.

use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use rayon::prelude::*;

use crate::cache::{self, CacheProblem, Reader, Stamp, RACY};
use crate::vault::{Note, Vault, MAX_NOTE_BYTES};

const MAGIC: &[u8; 8] = b"ENGRAMTX";

/// Bumped whenever the layout changes.
pub const FORMAT_VERSION: u32 = 1;

/// Index offset, index length, file length, CRC-32, magic.
const TRAILER: usize = 8 + 8 + 8 + 4 + MAGIC.len();

/// Why the text pack could not be written. A pack that cannot be read is never an error: the texts
/// are read from their files instead.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// Writing the pack (or its temporary file) failed.
    #[error("cannot write text pack {path}: {source}")]
    Write {
        /// The pack file.
        path: PathBuf,
        /// What the system said.
        source: io::Error,
    },
}

/// What [`refresh`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refresh {
    /// The vault has no pack place: loaded without the cache (`--no-cache`), no cache folder, or a
    /// cache folder inside the vault.
    Off,
    /// The pack already held every note unchanged; nothing was written.
    Fresh,
    /// The pack was (re)written.
    Written {
        /// Notes in the new pack.
        notes: usize,
        /// Of these, notes copied from the previous pack rather than read from their files.
        reused: usize,
        /// Bytes of text in the new pack.
        bytes: u64,
    },
}

/// Where a vault's pack lives.
#[derive(Debug, Clone)]
struct Place {
    canonical: PathBuf,
    file: PathBuf,
}

/// A file's identity: a pack's index is parsed again only when the file behind its name changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileId {
    dev: u64,
    ino: u64,
    len: u64,
    modified: Option<SystemTime>,
}

impl FileId {
    fn of(meta: &fs::Metadata) -> FileId {
        #[cfg(unix)]
        let (dev, ino) = {
            use std::os::unix::fs::MetadataExt;
            (meta.dev(), meta.ino())
        };
        #[cfg(not(unix))]
        let (dev, ino) = (0, 0);
        FileId {
            dev,
            ino,
            len: meta.len(),
            modified: meta.modified().ok(),
        }
    }
}

/// One note's text in the pack.
#[derive(Debug)]
struct Entry {
    path: Box<str>,
    stamp: Stamp,
    /// Byte range in the file.
    range: Range<usize>,
}

/// A pack's header and index, checked; the texts are read by each search, a chunk at a time.
#[derive(Debug)]
struct Index {
    id: FileId,
    scan_start: Option<SystemTime>,
    /// Sorted by path.
    entries: Vec<Entry>,
}

impl Index {
    /// Checks the pack open as `file` (`id.len` bytes) and reads its index: the header, the
    /// trailer and the index are read, not the texts.
    fn parse(file: &File, id: FileId, canonical_root: &Path) -> Result<Index, CacheProblem> {
        let len = usize::try_from(id.len).map_err(|_| CacheProblem::Corrupt)?;
        if len < MAGIC.len() + 4 + TRAILER {
            return Err(CacheProblem::Corrupt);
        }
        let read = |at: usize, n: usize| {
            let mut b = vec![0u8; n];
            read_at(file, &mut b, at as u64).map_err(|_| CacheProblem::Corrupt)?;
            Ok::<_, CacheProblem>(b)
        };
        // The header is short: a version and a path.
        let head = read(0, (len - TRAILER).min(HEADER_MAX))?;
        if &head[..MAGIC.len()] != MAGIC {
            return Err(CacheProblem::Corrupt);
        }
        let mut r = Reader::new(&head, MAGIC.len());
        let format = r.u32_le()?;
        let version = r.str()?;
        if format != FORMAT_VERSION || version != env!("CARGO_PKG_VERSION") {
            return Err(CacheProblem::Version);
        }
        let vault = r.str()?.to_string();
        let texts_start = r.pos;
        let t = read(len - TRAILER, TRAILER)?;
        let word = |at: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&t[at..at + 8]);
            usize::try_from(u64::from_le_bytes(b)).map_err(|_| CacheProblem::Corrupt)
        };
        let (index_at, index_len, file_len) = (word(0)?, word(8)?, word(16)?);
        let sum = [t[24], t[25], t[26], t[27]];
        if &t[28..] != MAGIC
            || file_len != len
            || index_at < texts_start
            || index_at.checked_add(index_len) != Some(len - TRAILER)
        {
            return Err(CacheProblem::Corrupt);
        }
        let index = read(index_at, index_len)?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head[..texts_start]);
        crc.update(&index);
        if crc.finalize().to_le_bytes() != sum {
            return Err(CacheProblem::Corrupt);
        }
        if vault != canonical_root.to_string_lossy() {
            return Err(CacheProblem::OtherVault);
        }
        let mut r = Reader::new(&index, 0);
        let secs = r.varint()?;
        let nanos = u32::try_from(r.varint()?).map_err(|_| CacheProblem::Corrupt)?;
        let scan_start = cache::join_time(secs, nanos);
        let count = r.usize()?;
        let mut entries = Vec::with_capacity(count.min(index_len));
        let texts_len = index_at - texts_start;
        for _ in 0..count {
            let path = r.str()?.into();
            let size = r.varint()?;
            let secs = r.varint()?;
            let nanos = u32::try_from(r.varint()?).map_err(|_| CacheProblem::Corrupt)?;
            let offset = r.usize()?;
            let text_len = r.usize()?;
            let end = offset.checked_add(text_len).ok_or(CacheProblem::Corrupt)?;
            if end > texts_len {
                return Err(CacheProblem::Corrupt);
            }
            entries.push(Entry {
                path,
                stamp: Stamp {
                    size,
                    modified: cache::join_time(secs, nanos),
                },
                range: texts_start + offset..texts_start + end,
            });
        }
        if r.pos != index_len || !entries.windows(2).all(|w| w[0].path < w[1].path) {
            return Err(CacheProblem::Corrupt);
        }
        Ok(Index {
            id,
            scan_start,
            entries,
        })
    }

    /// The entry for `note` when it holds the note's text as loaded: same path, size and
    /// modification time, and that time safely before the scan that wrote the pack. `hint` is the
    /// note's index in the vault: the pack lists the same notes in the same order unless the vault
    /// changed, so the entry is usually found without a search.
    fn lookup(&self, hint: usize, path: &str, stamp: Stamp) -> Option<&Entry> {
        let e = match self.entries.get(hint) {
            Some(e) if *e.path == *path => e,
            _ => {
                let i = self
                    .entries
                    .binary_search_by(|e| (*e.path).cmp(path))
                    .ok()?;
                &self.entries[i]
            }
        };
        (e.stamp == stamp && trusted(stamp.modified, self.scan_start)).then_some(e)
    }
}

/// Whether a file modified at `modified` can be trusted unchanged by a pack written by a scan that
/// started at `scan_start`: the index cache's racy rule.
fn trusted(modified: Option<SystemTime>, scan_start: Option<SystemTime>) -> bool {
    match (modified, scan_start) {
        (Some(m), Some(scan)) => m.checked_add(RACY).is_some_and(|m| m < scan),
        _ => false,
    }
}

/// A pack opened for one search: its checked index, the open file, and the texts of the chunk of
/// notes the search is on, read in one call ([`Opened::load`]).
#[derive(Debug)]
pub(crate) struct Opened {
    index: Arc<Index>,
    file: File,
    /// The texts of the bytes `at` of the file.
    chunk: Vec<u8>,
    at: Range<usize>,
}

impl Opened {
    /// Where in the file the text of note `hint` (its index in the vault) is, when the pack holds
    /// it unchanged.
    pub(crate) fn locate(&self, hint: usize, note: &Note) -> Option<Range<usize>> {
        let stamp = Stamp {
            size: note.size,
            modified: note.modified,
        };
        self.range(hint, &note.path, stamp)
    }

    /// Where in the file the text of a note with `path` and `stamp` is, when the pack holds it.
    fn range(&self, hint: usize, path: &str, stamp: Stamp) -> Option<Range<usize>> {
        self.index
            .lookup(hint, path, stamp)
            .map(|e| e.range.clone())
    }

    /// The bytes `r` of the file when the loaded chunk holds them.
    pub(crate) fn loaded(&self, r: &Range<usize>) -> Option<&[u8]> {
        (self.at.start <= r.start && r.end <= self.at.end)
            .then(|| &self.chunk[r.start - self.at.start..r.end - self.at.start])
    }

    /// Reads the bytes `r` of the file into `buf` (a note outside the loaded chunk).
    pub(crate) fn read(&self, r: &Range<usize>, buf: &mut Vec<u8>) -> io::Result<()> {
        buf.clear();
        buf.resize(r.len(), 0);
        read_at(&self.file, buf, r.start as u64)
    }

    /// Reads the texts of `notes` (by index in the vault) that the pack holds into the chunk
    /// buffer, in one call from the first one's start to the last one's end, replacing the last
    /// chunk; unless they are sparse (under half of those bytes), when the chunk is only emptied.
    /// On an error nothing is loaded, and each text is then read on its own.
    pub(crate) fn load(&mut self, vault: &Vault, notes: impl IntoIterator<Item = usize>) {
        let mut span: Option<Range<usize>> = None;
        let mut bytes = 0;
        for i in notes {
            if let Some(r) = self.locate(i, &vault.notes[i]) {
                bytes += r.len();
                span = Some(match span {
                    Some(s) => s.start.min(r.start)..s.end.max(r.end),
                    None => r,
                });
            }
        }
        self.chunk.clear();
        self.at = 0..0;
        let Some(span) = span.filter(|s| bytes * 2 >= s.len()) else {
            return;
        };
        self.chunk.resize(span.len(), 0);
        // Copying from the page cache is the cost of the call: split over all cores.
        let file = &self.file;
        let read = self
            .chunk
            .par_chunks_mut(LOAD_PIECE)
            .enumerate()
            .try_for_each(|(k, piece)| read_at(file, piece, (span.start + k * LOAD_PIECE) as u64));
        if read.is_ok() {
            self.at = span;
        } else {
            self.chunk.clear();
        }
    }
}

/// A chunk is read in pieces of this size, on all cores.
const LOAD_PIECE: usize = 1 << 20;

/// The longest pack header read (magic, version, vault path).
const HEADER_MAX: usize = 64 << 10;

/// Fills `buf` from `file` at `offset` (a positioned read: no seek, so threads can share the file).
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
    }
    #[cfg(windows)]
    {
        let (mut done, mut offset) = (0, offset);
        while done < buf.len() {
            match std::os::windows::fs::FileExt::seek_read(file, &mut buf[done..], offset)? {
                0 => return Err(io::ErrorKind::UnexpectedEof.into()),
                n => {
                    done += n;
                    offset += n as u64;
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Parsed {
    /// The index of the last pack opened, reused while the file is the same.
    index: Option<Arc<Index>>,
    /// A file found unusable, not parsed again until it changes.
    rejected: Option<FileId>,
}

/// A vault's handle on its text pack: where it is and the index last read from it. Cloning shares
/// the parsed index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slot {
    place: Option<Place>,
    parsed: Arc<Mutex<Parsed>>,
}

impl Slot {
    /// The slot of a vault whose index cache is `cache_file` (the pack goes beside it).
    pub(crate) fn new(canonical: PathBuf, cache_file: &Path) -> Slot {
        Slot {
            place: Some(Place {
                canonical,
                file: cache_file.with_extension("texts"),
            }),
            parsed: Arc::default(),
        }
    }

    /// The pack file, when the vault has a place for one.
    pub(crate) fn file(&self) -> Option<&Path> {
        self.place.as_ref().map(|p| p.file.as_path())
    }

    /// Opens the pack as it is now, or `None` when there is none or it cannot be trusted. Costs an
    /// `open` and an `fstat` when the file is the one last seen; its index is read and checked
    /// again only when the file changed (a newer pack was renamed into place).
    pub(crate) fn open(&self) -> Option<Opened> {
        let place = self.place.as_ref()?;
        let file = File::open(&place.file).ok()?;
        let id = FileId::of(&file.metadata().ok()?);
        let mut parsed = self
            .parsed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if parsed.rejected == Some(id) {
            return None;
        }
        let index = match parsed.index.as_ref().filter(|i| i.id == id) {
            Some(index) => Arc::clone(index),
            None => match Index::parse(&file, id, &place.canonical) {
                Ok(index) => {
                    let index = Arc::new(index);
                    parsed.index = Some(Arc::clone(&index));
                    parsed.rejected = None;
                    index
                }
                Err(_) => {
                    parsed.index = None;
                    parsed.rejected = Some(id);
                    return None;
                }
            },
        };
        Some(Opened {
            index,
            file,
            chunk: Vec::new(),
            at: 0..0,
        })
    }
}

/// A note to put in the pack.
#[derive(Debug, Clone)]
struct Want {
    path: String,
    file: PathBuf,
    stamp: Stamp,
}

/// The notes whose text a pack should hold: all but those whose content is skipped, in path order.
fn wanted(vault: &Vault) -> Vec<Want> {
    vault
        .notes
        .iter()
        .filter(|n| !n.skipped && !n.file.as_os_str().is_empty())
        .map(|n| Want {
            path: n.path.clone(),
            file: n.file.clone(),
            stamp: Stamp {
                size: n.size,
                modified: n.modified,
            },
        })
        .collect()
}

/// Writes the vault's text pack if it is missing or does not hold every note unchanged; reads every
/// note that the current pack does not hold. Synchronous: the browser uses
/// [`refresh_in_background`]. Does nothing for a vault loaded without the cache.
pub fn refresh(vault: &Vault) -> Result<Refresh, PackError> {
    refresh_notes(&vault.pack, wanted(vault))
}

/// A [`refresh`] planned for later: the notes' paths and times copied from the vault, so that the
/// vault itself can go (to the browser) before the pack is written.
#[derive(Debug)]
pub struct PlannedRefresh {
    slot: Slot,
    notes: Vec<Want>,
}

impl PlannedRefresh {
    /// Plans a refresh of `vault`'s pack; `None` when the vault has no place for one (`--no-cache`).
    pub fn of(vault: &Vault) -> Option<PlannedRefresh> {
        vault.pack.place.as_ref()?;
        Some(PlannedRefresh {
            slot: vault.pack.clone(),
            notes: wanted(vault),
        })
    }

    /// Writes the pack if it is missing or stale. A note modified within the racy window would not
    /// be trusted from the pack just written: waiting (at most that long) first lets the pack hold
    /// it too.
    pub fn run(self) -> Result<Refresh, PackError> {
        let newest = self.notes.iter().filter_map(|n| n.stamp.modified).max();
        if let Some(wait) = newest
            .and_then(|m| m.checked_add(RACY))
            .and_then(|m| m.duration_since(SystemTime::now()).ok())
        {
            std::thread::sleep(wait.min(RACY) + Duration::from_millis(10));
        }
        refresh_notes(&self.slot, self.notes)
    }
}

/// Starts [`refresh`] on a thread of its own and returns at once (after copying the notes' paths
/// and times), so that searches soon read the pack. `None` when the vault has no place for a pack
/// (`--no-cache`) or no thread could be started.
pub fn refresh_in_background(vault: &Vault) -> Option<JoinHandle<Result<Refresh, PackError>>> {
    let planned = PlannedRefresh::of(vault)?;
    std::thread::Builder::new()
        .name("engram-textpack".into())
        .spawn(move || planned.run())
        .ok()
}

fn refresh_notes(slot: &Slot, notes: Vec<Want>) -> Result<Refresh, PackError> {
    let Some(place) = &slot.place else {
        return Ok(Refresh::Off);
    };
    let old = slot.open();
    let fresh = old.as_ref().is_some_and(|o| {
        o.index.entries.len() == notes.len()
            && notes
                .iter()
                .enumerate()
                .all(|(i, n)| o.range(i, &n.path, n.stamp).is_some())
    });
    if fresh {
        return Ok(Refresh::Fresh);
    }
    let err = |source| PackError::Write {
        path: place.file.clone(),
        source,
    };
    let dir = place
        .file
        .parent()
        .ok_or_else(|| err(io::Error::other("pack file has no folder")))?;
    fs::create_dir_all(dir).map_err(err)?;
    let name = place
        .file
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    sweep_temps(dir, &name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = write(&tmp, &place.canonical, &notes, old.as_ref());
    match result {
        Ok(refresh) => {
            fs::rename(&tmp, &place.file).map_err(|e| {
                let _ = fs::remove_file(&tmp);
                err(e)
            })?;
            Ok(refresh)
        }
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(err(e))
        }
    }
}

/// Writes a complete pack to `tmp`, one note at a time: from the old pack when it holds the note
/// unchanged, else from the note's file.
fn write(
    tmp: &Path,
    canonical: &Path,
    notes: &[Want],
    old: Option<&Opened>,
) -> io::Result<Refresh> {
    // Taken before any file is read: an entry whose file was modified within the racy window of
    // this moment is not trusted by readers.
    let scan_start = SystemTime::now();
    let mut header = Vec::with_capacity(128);
    header.extend_from_slice(MAGIC);
    header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    cache::put_str(&mut header, env!("CARGO_PKG_VERSION"));
    cache::put_str(&mut header, &canonical.to_string_lossy());
    let mut out = io::BufWriter::with_capacity(1 << 20, File::create(tmp)?);
    out.write_all(&header)?;

    let mut index = Vec::with_capacity(notes.len() * 48);
    let (secs, nanos) = cache::split_time(Some(scan_start));
    cache::put_varint(&mut index, secs);
    cache::put_varint(&mut index, u64::from(nanos));
    let mut entries: Vec<u8> = Vec::with_capacity(notes.len() * 48);
    let mut count = 0usize;
    let mut reused = 0usize;
    let mut offset = 0u64;
    let mut buf = Vec::new();
    for (i, n) in notes.iter().enumerate() {
        // From the old pack when it holds the note unchanged (and can be read), else its file.
        let copied = old
            .and_then(|o| Some((o.range(i, &n.path, n.stamp)?, o)))
            .is_some_and(|(r, o)| o.read(&r, &mut buf).is_ok());
        let stamp = if copied {
            reused += 1;
            n.stamp
        } else {
            match read_note(&n.file, &mut buf) {
                Some(stamp) => stamp,
                None => continue,
            }
        };
        out.write_all(&buf)?;
        let len = buf.len();
        let (secs, nanos) = cache::split_time(stamp.modified);
        cache::put_str(&mut entries, &n.path);
        cache::put_varint(&mut entries, stamp.size);
        cache::put_varint(&mut entries, secs);
        cache::put_varint(&mut entries, u64::from(nanos));
        cache::put_varint(&mut entries, offset);
        cache::put_varint(&mut entries, len as u64);
        offset += len as u64;
        count += 1;
    }
    cache::put_varint(&mut index, count as u64);
    index.extend_from_slice(&entries);
    drop(entries);

    let index_at = header.len() as u64 + offset;
    let file_len = index_at + index.len() as u64 + TRAILER as u64;
    let mut crc = crc32fast::Hasher::new();
    crc.update(&header);
    crc.update(&index);
    out.write_all(&index)?;
    out.write_all(&index_at.to_le_bytes())?;
    out.write_all(&(index.len() as u64).to_le_bytes())?;
    out.write_all(&file_len.to_le_bytes())?;
    out.write_all(&crc.finalize().to_le_bytes())?;
    out.write_all(MAGIC)?;
    // No fsync, as for the index cache: a pack torn by a crash fails its length or checksum check.
    out.into_inner().map_err(|e| e.into_error())?;
    Ok(Refresh::Written {
        notes: count,
        reused,
        bytes: offset,
    })
}

/// Reads a note's file into `buf` and returns the size and time of what was read; `None` when it
/// cannot be read, is too large, holds NUL bytes (binary: never searched), or changed while read.
fn read_note(file: &Path, buf: &mut Vec<u8>) -> Option<Stamp> {
    let mut f = File::open(file).ok()?;
    let meta = f.metadata().ok()?;
    if meta.len() > MAX_NOTE_BYTES {
        return None;
    }
    buf.clear();
    buf.reserve(usize::try_from(meta.len()).ok()?.saturating_add(1));
    f.read_to_end(buf).ok()?;
    let after = f.metadata().ok()?;
    let stamp = Stamp {
        size: meta.len(),
        modified: meta.modified().ok(),
    };
    let unchanged = buf.len() as u64 == stamp.size
        && after.len() == stamp.size
        && after.modified().ok() == stamp.modified;
    (unchanged && memchr::memchr(0, buf).is_none()).then_some(stamp)
}

/// Removes temporary packs left by engram processes that ended while writing one (the browser
/// does not wait for its pack on quitting). On Linux a temporary file is left alone while the
/// process named in it runs; elsewhere, while it is younger than an hour.
fn sweep_temps(dir: &Path, name: &str) {
    let Ok(list) = fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for e in list.flatten() {
        let file_name = e.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(pid) = file_name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let proc = Path::new("/proc");
        let gone = if proc.join("self").exists() {
            pid != std::process::id().to_string() && !proc.join(pid).exists()
        } else {
            e.metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age > Duration::from_secs(3600))
        };
        if gone {
            let _ = fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_inside_the_racy_window_is_not_trusted() {
        let scan = SystemTime::now();
        assert!(trusted(Some(scan - Duration::from_secs(60)), Some(scan)));
        assert!(!trusted(Some(scan - Duration::from_secs(1)), Some(scan)));
        assert!(!trusted(Some(scan + Duration::from_secs(60)), Some(scan)));
        assert!(!trusted(None, Some(scan)));
        assert!(!trusted(Some(scan - Duration::from_secs(60)), None));
    }
}
