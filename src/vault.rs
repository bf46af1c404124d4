//! Walks a vault folder, reads its notes on all cores and keeps what could not be read as diagnostics.
//!
//! A vault is read-only to engram: this module opens files for reading and nothing else.

pub mod frontmatter;

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::cache::{self, Cache, CacheReport, CacheStatus, Stamp};
use crate::markdown::{self, Parsed};
use crate::textpack;

/// A note bigger than this is not read; it is reported instead (hostile or accidental input).
pub const MAX_NOTE_BYTES: u64 = 64 << 20;

/// Why a vault could not be opened at all. Problems with single files are [`Diagnostic`]s instead.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The vault folder does not exist.
    #[error("vault folder {0} does not exist")]
    Missing(PathBuf),
    /// The vault path is a file, not a folder.
    #[error("{0} is not a folder")]
    NotADirectory(PathBuf),
    /// The vault folder could not be read.
    #[error("cannot read vault folder {path}: {source}")]
    Unreadable {
        /// The folder.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
}

/// What kind of problem a diagnostic reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// The frontmatter is not valid YAML, or not a mapping.
    InvalidFrontmatter,
    /// A `---` block opened on the first line and never closed.
    UnclosedFrontmatter,
    /// The file is not valid UTF-8; it was read with replacement characters.
    InvalidUtf8,
    /// The file holds NUL bytes: a binary file with a `.md` name.
    Binary,
    /// The file is larger than [`MAX_NOTE_BYTES`].
    TooLarge,
    /// The file or folder could not be read.
    Unreadable,
    /// A symbolic link that points nowhere, or into a loop.
    BadSymlink,
}

/// A problem with one file; the rest of the vault still loads.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Vault-relative path of the file.
    pub path: String,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// A one-line explanation.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// One Markdown note.
#[derive(Debug, Clone)]
pub struct Note {
    /// Vault-relative path with `/` separators, extension included: `folder/Note.md`.
    pub path: String,
    /// The title shown for the note: `title:` frontmatter, else the first `# H1`, else the file name.
    pub title: String,
    /// Aliases from the frontmatter (R33).
    pub aliases: Vec<String>,
    /// Tags from the frontmatter and the body, without `#`, first-seen casing, no duplicates.
    pub tags: Vec<String>,
    /// Frontmatter properties in file order, values as display text.
    pub properties: Vec<(String, String)>,
    /// Where the file is on disk (empty for in-memory vaults). The text itself is not kept in memory:
    /// [`Vault::read_text`] reads it again when a note is shown, and a search takes it from the
    /// text pack or the file ([`Vault::texts`]), so a vault takes far less memory than its files.
    pub file: PathBuf,
    /// The content is not shown: the file is binary or too large (see the vault's diagnostics).
    pub skipped: bool,
    /// Where the Markdown body starts in the file's text (after the frontmatter).
    pub body_start: usize,
    /// Links, headings and block ids. The inline tags it found are in [`Note::tags`]; their
    /// occurrences (`parsed.tags`) are not kept.
    pub parsed: Parsed,
    /// File size in bytes.
    pub size: u64,
    /// Last modification time, when the system gives one.
    pub modified: Option<SystemTime>,
}

impl Note {
    /// The file name without folder and without `.md`.
    pub fn stem(&self) -> &str {
        stem(&self.path)
    }

    /// The folder part of the path (`""` at the vault root).
    pub fn folder(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(f, _)| f)
    }
}

/// The file name of a vault path without folder and without a `.md` extension.
pub fn stem(path: &str) -> &str {
    let name = path.rsplit_once('/').map_or(path, |(_, n)| n);
    strip_md(name)
}

/// `name` without a trailing `.md` (any case).
pub fn strip_md(name: &str) -> &str {
    if name.len() > 3
        && name.is_char_boundary(name.len() - 3)
        && name[name.len() - 3..].eq_ignore_ascii_case(".md")
    {
        &name[..name.len() - 3]
    } else {
        name
    }
}

/// A file in the vault that is not a note: images, PDFs, anything that links and embeds may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Vault-relative path with `/` separators.
    pub path: String,
    /// File size in bytes.
    pub size: u64,
}

/// A loaded vault: notes sorted by path, attachments, and the problems found.
#[derive(Debug, Clone, Default)]
pub struct Vault {
    /// The folder the vault was loaded from.
    pub root: PathBuf,
    /// Notes, sorted by path.
    pub notes: Vec<Note>,
    /// Non-Markdown files, sorted by path.
    pub attachments: Vec<Attachment>,
    /// Problems with single files, sorted by path.
    pub diagnostics: Vec<Diagnostic>,
    /// How long loading took.
    pub load_time: Duration,
    /// What the index cache did during the load.
    pub cache: CacheReport,
    /// Texts of an in-memory vault ([`Vault::from_files`]), by note index.
    memory: Vec<String>,
    /// Where the vault's text pack is (set when loaded with the cache), and its index once read.
    pub(crate) pack: textpack::Slot,
}

/// How to load a vault.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// Use the index cache: take unchanged notes from it and write it back when anything changed.
    pub cache: bool,
    /// The cache folder; `None` means the user's ([`cache::default_dir`]).
    pub cache_dir: Option<PathBuf>,
}

impl LoadOptions {
    /// Loading with the index cache in the user's cache folder, as the `engram` binary does.
    pub fn cached() -> Self {
        LoadOptions {
            cache: true,
            cache_dir: None,
        }
    }
}

/// Why a note's text could not be read again.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
pub struct ReadError {
    /// The note's vault path.
    pub path: String,
    /// What the system said.
    pub source: std::io::Error,
}

/// A file found by the walk. Its size and time are read later, on all cores, from the open file.
#[derive(Debug, Clone)]
struct Found {
    abs: PathBuf,
    rel: String,
    note: bool,
}

/// The files one walk of a vault folder found, and what could not be walked: kept by
/// [`Vault::scan_keeping_walk`] so that the load that follows it does not walk again.
#[derive(Debug)]
pub struct Walk {
    found: Vec<Found>,
    diagnostics: Vec<Diagnostic>,
}

/// A note as loaded, with the diagnostics of its file.
type LoadedNote = (Note, Vec<Diagnostic>);

/// What loading one file gave.
enum Item {
    Note(Box<LoadedNote>, bool),
    Unreadable(Diagnostic),
    Attachment(Attachment),
}

fn is_markdown(name: &str) -> bool {
    name.rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("md"))
}

/// Fails unless `root` is a folder that can be listed.
fn check_root(root: &Path) -> Result<(), VaultError> {
    let meta = fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => VaultError::Missing(root.to_path_buf()),
        _ => VaultError::Unreadable {
            path: root.to_path_buf(),
            source: e,
        },
    })?;
    if !meta.is_dir() {
        return Err(VaultError::NotADirectory(root.to_path_buf()));
    }
    fs::read_dir(root).map_err(|e| VaultError::Unreadable {
        path: root.to_path_buf(),
        source: e,
    })?;
    Ok(())
}

/// Vault-relative path with `/` separators; file names that are not valid Unicode are shown lossily.
fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // A path the walk made by joining names onto the root is already in this form: copy it.
    if let Some(s) = rel.to_str() {
        if !s.starts_with('/') && !s.starts_with("./") && !s.contains("//") && !s.contains("/./") {
            return s.to_string();
        }
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

impl Vault {
    /// Loads every note under `root`. Hidden files and folders (`.obsidian`, `.git`, `.trash`, …) are
    /// skipped, symlinks are followed except into a loop, and notes are read and parsed on all cores.
    /// The index cache is not used: see [`Vault::load_with`].
    pub fn load(root: &Path) -> Result<Vault, VaultError> {
        Vault::load_with(root, &LoadOptions::default())
    }

    /// Loads every note under `root` as [`Vault::load`] does; with `options.cache`, notes whose file
    /// has not changed since the last load are taken from the index cache instead of being read
    /// and parsed, and the cache is written back (into the cache folder only) when anything changed.
    /// A cache that cannot be used is reported in [`Vault::cache`], never an error.
    pub fn load_with(root: &Path, options: &LoadOptions) -> Result<Vault, VaultError> {
        Vault::load_walked(root, options, None)
    }

    /// [`Vault::load_with`], taking the files from `walk` (a walk of `root` made moments ago, by
    /// [`Vault::scan_keeping_walk`]) instead of walking the folder again; walks when it is `None`.
    pub fn load_walked(
        root: &Path,
        options: &LoadOptions,
        walk: Option<Walk>,
    ) -> Result<Vault, VaultError> {
        // On one of rayon's threads, as `Graph::build`: what it allocates comes from the arenas
        // the rest of the load and the graph use.
        rayon::scope(|_| Vault::load_walked_here(root, options, walk))
    }

    fn load_walked_here(
        root: &Path,
        options: &LoadOptions,
        walk: Option<Walk>,
    ) -> Result<Vault, VaultError> {
        let started = Instant::now();
        let scan_start = SystemTime::now();
        check_root(root)?;

        let mut report = CacheReport::default();
        let place = options.cache.then(|| cache_place(root, options)).flatten();
        // Reading the cache and walking the folder do not depend on each other. The walk is
        // finished before any note is read: reading notes as the walk found them (rayon's
        // `par_bridge`) kept the threads waiting on the walker and on each other, and took longer.
        let (cached, (found, mut diagnostics)) = rayon::join(
            || match &place {
                Some((canonical, file)) => Cache::read(file, canonical),
                None => Ok(None),
            },
            || match walk {
                Some(w) => (w.found, w.diagnostics),
                None => self::walk(root),
            },
        );
        let cache_ref = cached.as_ref().ok().and_then(Option::as_ref);
        // One task per run: left to split the runs by halves, rayon gave the last stretch of
        // the load to one thread while the other waited (at 50,000 notes, ≈ 60 ms with one core
        // idle; the load's cores were busy 92% of its time, now 96%).
        let items: Vec<Item> = by_folder(found)
            .into_par_iter()
            .with_max_len(1)
            .flat_map_iter(|run| {
                let folder = Folder::of(&run);
                run.into_iter()
                    .map(move |f| load_file(f, cache_ref, folder.as_ref()))
            })
            .collect();
        report.status = match (&place, &cached) {
            (None, _) => CacheStatus::Off,
            (Some(_), Ok(None)) => CacheStatus::Missing,
            (Some(_), Ok(Some(_))) => CacheStatus::Used,
            (Some(_), Err(p)) => CacheStatus::Rejected(p.clone()),
        };
        let cached = cached.unwrap_or(None);
        let cache_len = cached.as_ref().map_or(0, Cache::len);
        drop(cached);
        // Boxed until sorted: sorting moves eight bytes a note rather than the whole note.
        let mut notes: Vec<Box<LoadedNote>> = Vec::with_capacity(items.len());
        let mut attachments = Vec::new();
        for item in items {
            match item {
                Item::Note(n, reused) => {
                    if reused {
                        report.reused += 1;
                    } else {
                        report.parsed += 1;
                    }
                    notes.push(n);
                }
                Item::Unreadable(d) => diagnostics.push(d),
                Item::Attachment(a) => attachments.push(a),
            }
        }
        let notes = sorted_by_path(notes);
        attachments.sort_by(|a, b| a.path.cmp(&b.path));

        if let Some((canonical, file)) = &place {
            report.file = Some(file.clone());
            let changed = report.parsed > 0 || report.reused != cache_len;
            if changed || !matches!(report.status, CacheStatus::Used) {
                let entries: Vec<(&Note, &[Diagnostic])> =
                    notes.iter().map(|n| (&n.0, n.1.as_slice())).collect();
                match cache::write(file, canonical, scan_start, &entries) {
                    Ok(()) => report.written = true,
                    Err(e) => report.write_error = Some(e.to_string()),
                }
            }
        }

        // Each box is freed as its note moves out, on all cores: the notes are never held twice.
        let (vault_notes, note_diagnostics): (Vec<Note>, Vec<Vec<Diagnostic>>) =
            notes.into_par_iter().map(|loaded| *loaded).unzip();
        diagnostics.extend(note_diagnostics.into_iter().flatten());
        let diagnostics = sorted_diagnostics(diagnostics);
        let pack = place
            .map(|(canonical, file)| textpack::Slot::new(canonical, &file))
            .unwrap_or_default();
        Ok(Vault {
            root: root.to_path_buf(),
            notes: vault_notes,
            attachments,
            diagnostics,
            load_time: started.elapsed(),
            cache: report,
            memory: Vec::new(),
            pack,
        })
    }

    /// The notes (vault path, title) listed by the index cache of the vault at `root`, read from the
    /// cache file alone: fast, possibly stale, for drawing a first frame while
    /// [`Vault::load_with`] runs. `None` when caching is off or there is no usable cache.
    pub fn peek_cached(root: &Path, options: &LoadOptions) -> Option<Vec<(String, String)>> {
        if !options.cache {
            return None;
        }
        let (canonical, file) = cache_place(root, options)?;
        cache::peek(&file, &canonical)
    }

    /// The notes and attachments of the vault at `root` without reading any note: what the browser
    /// draws its first frame from while [`Vault::load_with`] runs. Titles come from the index cache
    /// when `options.cache` and a usable cache exist (possibly stale: a newer load replaces this),
    /// else from file names, found by the same walk as a load. Notes have no links, tags or
    /// headings. Errors as [`Vault::load_with`].
    pub fn scan(root: &Path, options: &LoadOptions) -> Result<Vault, VaultError> {
        Vault::scan_keeping_walk(root, options).map(|(v, _)| v)
    }

    /// [`Vault::scan`], also giving the walk it made (when it walked rather than read the index
    /// cache's list), for [`Vault::load_walked`] to use instead of walking again.
    pub fn scan_keeping_walk(
        root: &Path,
        options: &LoadOptions,
    ) -> Result<(Vault, Option<Walk>), VaultError> {
        let started = Instant::now();
        check_root(root)?;
        if let Some(listed) = Vault::peek_cached(root, options) {
            let notes = listed
                .into_par_iter()
                .map(|(path, title)| Note {
                    file: root.join(&path),
                    path,
                    title,
                    aliases: Vec::new(),
                    tags: Vec::new(),
                    properties: Vec::new(),
                    skipped: false,
                    body_start: 0,
                    parsed: Parsed::default(),
                    size: 0,
                    modified: None,
                })
                .collect();
            let vault = Vault {
                root: root.to_path_buf(),
                notes,
                load_time: started.elapsed(),
                ..Vault::default()
            };
            return Ok((vault, None));
        }
        let (mut found, diagnostics) = walk(root);
        // The files in path order once, on all cores, and the listing made from them in that
        // order: sorting the notes themselves moved 280 bytes a note on one core. Paths are
        // unique, so an unstable sort gives the one order. The load takes them in this order too.
        found.par_sort_unstable_by(|a, b| a.rel.cmp(&b.rel));
        // Made from a list of the notes alone, so that they are written straight into place: a
        // filtered parallel collect gathers them in pieces and copies them (14 MB at 50,000
        // notes) once more.
        let note_files: Vec<&Found> = found.iter().filter(|f| f.note).collect();
        let notes: Vec<Note> = note_files
            .par_iter()
            .map(|&f| Note {
                skipped: false,
                ..empty_note(f.clone(), 0, None)
            })
            .collect();
        let attachments: Vec<Attachment> = found
            .iter()
            .filter(|f| !f.note)
            .map(|f| Attachment {
                path: f.rel.clone(),
                size: 0,
            })
            .collect();
        let vault = Vault {
            root: root.to_path_buf(),
            notes,
            attachments,
            diagnostics: sorted_diagnostics(diagnostics.clone()),
            load_time: started.elapsed(),
            ..Vault::default()
        };
        Ok((vault, Some(Walk { found, diagnostics })))
    }

    /// Builds a vault from in-memory files (vault path, contents): `.md` paths become notes, others
    /// attachments. For tests and tools that have no folder on disk.
    pub fn from_files<P: Into<String>, T: Into<String>>(
        files: impl IntoIterator<Item = (P, T)>,
    ) -> Vault {
        let mut vault = Vault::default();
        let mut texts = Vec::new();
        for (path, text) in files {
            let (path, text): (String, String) = (path.into(), text.into());
            if is_markdown(&path) {
                let size = text.len() as u64;
                let note = build_note(
                    path,
                    PathBuf::new(),
                    &text,
                    size,
                    None,
                    &mut vault.diagnostics,
                );
                texts.push((note, text));
            } else {
                vault.attachments.push(Attachment {
                    path,
                    size: text.len() as u64,
                });
            }
        }
        texts.sort_by(|a, b| a.0.path.cmp(&b.0.path));
        (vault.notes, vault.memory) = texts.into_iter().unzip();
        vault.attachments.sort_by(|a, b| a.path.cmp(&b.path));
        vault
    }

    /// Reads a note's text again, as it was parsed: invalid UTF-8 replaced, and empty for a note whose
    /// content is skipped (binary or too large).
    pub fn read_text(&self, note: usize) -> Result<String, ReadError> {
        let n = &self.notes[note];
        if n.skipped {
            return Ok(String::new());
        }
        if let Some(t) = self.memory.get(note) {
            return Ok(t.clone());
        }
        let bytes = fs::read(&n.file).map_err(|source| ReadError {
            path: n.path.clone(),
            source,
        })?;
        if bytes.contains(&0) {
            return Ok(String::new());
        }
        Ok(match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }

    /// The notes' texts for reading many of them in a row, as a search does: from the vault's text
    /// pack ([`crate::textpack`]) where it holds a note unchanged, read a chunk of notes at a time
    /// ([`Texts::load`]), else from the note's file. Costs an `open` and `fstat` of the pack when
    /// there is one (its index is read once, and again only when the pack was rewritten).
    pub fn texts(&self) -> Texts<'_> {
        let pack = if self.memory.is_empty() {
            self.pack.open()
        } else {
            None
        };
        Texts { vault: self, pack }
    }

    /// The vault's text pack file, when it is loaded with the cache (whether or not the file exists).
    pub fn pack_file(&self) -> Option<&Path> {
        self.pack.file()
    }

    /// Reads a note's bytes from its file into `buf`, replacing its contents, by the rules of
    /// [`Vault::read_text`] (empty for skipped and binary notes) except that the bytes are not
    /// checked as UTF-8. The buffer is reused, and a file whose size is known from loading is read
    /// with one `read` call instead of `fs::read`'s several, which matters where system calls are
    /// slow. The text pack is not looked at: for many notes, [`Vault::texts`] is faster.
    pub fn read_into(&self, note: usize, buf: &mut Vec<u8>) -> Result<(), ReadError> {
        buf.clear();
        let n = &self.notes[note];
        if n.skipped {
            return Ok(());
        }
        if let Some(t) = self.memory.get(note) {
            buf.extend_from_slice(t.as_bytes());
            return Ok(());
        }
        let err = |source| ReadError {
            path: n.path.clone(),
            source,
        };
        let mut file = fs::File::open(&n.file).map_err(err)?;
        let expected = usize::try_from(n.size).unwrap_or(0);
        let read = read_file_into(&mut file, expected, buf).map_err(err)?;
        buf.truncate(read);
        if memchr::memchr(0, buf).is_some() {
            buf.clear();
        }
        Ok(())
    }

    /// The note at a vault-relative path, compared exactly.
    pub fn note_by_path(&self, path: &str) -> Option<usize> {
        self.notes
            .binary_search_by(|n| n.path.as_str().cmp(path))
            .ok()
    }
}

/// One file as it is on disk now, read as a load reads it: for keeping a loaded vault up to date
/// with files that changed after the load ([`crate::live`]).
#[derive(Debug, Clone)]
pub enum Scanned {
    /// A note, with the diagnostics of its file.
    Note(Box<Note>, Vec<Diagnostic>),
    /// A `.md` file that could not be read: not a note, only a diagnostic.
    Unreadable(Diagnostic),
    /// A file that is not a note.
    Attachment(Attachment),
}

/// Whether a vault path lies in a hidden file or folder (`.obsidian/…`, `.git/…`, `.note.md`),
/// which the load skips.
pub fn is_hidden(rel: &str) -> bool {
    rel.split('/').any(|c| c.starts_with('.'))
}

/// Reads what is at the vault path `rel` now, as [`Vault::load`] would: a file gives one item, a
/// folder every file under it (hidden ones skipped), and a path where nothing is gives nothing.
/// Hidden paths give nothing. Also returns the diagnostics of what could not be walked.
pub fn read_path(root: &Path, rel: &str) -> (Vec<Scanned>, Vec<Diagnostic>) {
    if rel.is_empty() || is_hidden(rel) {
        return (Vec::new(), Vec::new());
    }
    let abs = root.join(rel);
    let (found, diags) = match fs::metadata(&abs) {
        Ok(m) if m.is_dir() => walk_from(root, &abs),
        Ok(_) => (
            vec![Found {
                note: is_markdown(rel),
                rel: rel.to_string(),
                abs,
            }],
            Vec::new(),
        ),
        Err(_) => return (Vec::new(), Vec::new()),
    };
    let items = found
        .into_iter()
        .map(|f| match load_file(f, None, None) {
            Item::Note(n, _) => {
                let (note, diags) = *n;
                Scanned::Note(Box::new(note), diags)
            }
            Item::Unreadable(d) => Scanned::Unreadable(d),
            Item::Attachment(a) => Scanned::Attachment(a),
        })
        .collect();
    (items, diags)
}

impl Vault {
    /// This vault with other notes, attachments and diagnostics, each sorted by path (for a vault
    /// kept up to date with its folder). The texts of an in-memory vault are not carried over.
    pub fn with_files(
        &self,
        notes: Vec<Note>,
        attachments: Vec<Attachment>,
        diagnostics: Vec<Diagnostic>,
    ) -> Vault {
        Vault {
            root: self.root.clone(),
            notes,
            attachments,
            diagnostics,
            load_time: self.load_time,
            cache: self.cache.clone(),
            memory: Vec::new(),
            // The pack's entries are checked against each note's size and time, so a note that
            // changed is read from its file.
            pack: self.pack.clone(),
        }
    }
}

/// The notes' texts for one search, from [`Vault::texts`]: from the text pack where it holds a note
/// unchanged (borrowed from the loaded chunk, or read into a buffer of the caller's), else read from
/// the note's file into that buffer.
#[derive(Debug)]
pub struct Texts<'v> {
    vault: &'v Vault,
    pack: Option<textpack::Opened>,
}

/// One note's text from [`Texts::get`].
#[derive(Debug, Clone, Copy)]
pub struct Text<'a> {
    /// The note's bytes, by the rules of [`Vault::read_into`]: empty for skipped and binary notes,
    /// not checked as UTF-8.
    pub bytes: &'a [u8],
    /// The bytes came from the text pack, not from the note's file.
    pub from_pack: bool,
}

impl Texts<'_> {
    /// Whether a text pack is open (it may still not hold every note).
    pub fn has_pack(&self) -> bool {
        self.pack.is_some()
    }

    /// Reads the pack's texts of `notes` in one call, replacing the chunk read before: a search
    /// loads each chunk of notes it will read before searching it, so it holds one chunk of texts at
    /// a time. When the notes are sparse (their texts less than half of the bytes between the first
    /// and the last), nothing is loaded and each text is read on its own; texts outside the loaded
    /// chunk are always still served, each with a read of its own.
    pub fn load(&mut self, notes: impl IntoIterator<Item = usize>) {
        if let Some(pack) = self.pack.as_mut() {
            pack.load(self.vault, notes);
        }
    }

    /// The text of note `note`: from the pack when its entry has the note's size and modification
    /// time (and was not written racily), else read from the file into `buf`.
    pub fn get<'a>(&'a self, note: usize, buf: &'a mut Vec<u8>) -> Result<Text<'a>, ReadError> {
        let n = &self.vault.notes[note];
        let found = self
            .pack
            .as_ref()
            .filter(|_| !n.skipped)
            .and_then(|p| Some((p, p.locate(note, n)?)));
        if let Some((pack, r)) = found {
            if let Some(bytes) = pack.loaded(&r) {
                return Ok(Text {
                    bytes,
                    from_pack: true,
                });
            }
            if pack.read(&r, buf).is_ok() {
                return Ok(Text {
                    bytes: buf.as_slice(),
                    from_pack: true,
                });
            }
        }
        self.vault.read_into(note, buf)?;
        Ok(Text {
            bytes: buf.as_slice(),
            from_pack: false,
        })
    }
}

/// The vault's canonical path and its cache file, unless there is no cache folder or it lies inside
/// the vault (which engram never writes to).
fn cache_place(root: &Path, options: &LoadOptions) -> Option<(PathBuf, PathBuf)> {
    let canonical = fs::canonicalize(root).ok()?;
    let dir = options.cache_dir.clone().or_else(cache::default_dir)?;
    let dir_abs = if dir.is_absolute() {
        dir.clone()
    } else {
        std::env::current_dir().ok()?.join(&dir)
    };
    // The cache folder may not exist yet: compare its nearest existing ancestor.
    let existing = dir_abs
        .ancestors()
        .find_map(|a| fs::canonicalize(a).ok())
        .unwrap_or(dir_abs);
    if existing.starts_with(&canonical) {
        return None;
    }
    Some((canonical.clone(), cache::file_for(&dir, &canonical)))
}

/// Walks the folder: Markdown files and attachments, and the diagnostics of what could not be
/// walked. Nothing is opened or stat-ed here but folders and symbolic links: notes are read on all
/// cores in [`load_file`].
fn walk(root: &Path) -> (Vec<Found>, Vec<Diagnostic>) {
    walk_from(root, root)
}

/// Which folder a path names, whatever path leads to it: its device and inode numbers.
#[cfg(unix)]
type FolderId = (u64, u64);

/// Which folder a path names, whatever path leads to it: its canonical path.
#[cfg(not(unix))]
type FolderId = PathBuf;

/// The folder at `path`, symbolic links followed. Nothing is kept open: a walk has a task waiting
/// for each folder it has seen and not yet listed, thousands at once in a large vault.
fn folder_id(path: &Path) -> std::io::Result<FolderId> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let m = fs::metadata(path)?;
        Ok((m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        fs::canonicalize(path)
    }
}

/// A folder being walked and the folders it is inside, for finding symbolic links that loop.
struct Ancestor {
    id: FolderId,
    path: PathBuf,
    /// Its vault path (empty for the vault itself): a file's is this, `/` and the file's name.
    rel: String,
    parent: Option<Arc<Ancestor>>,
}

impl Ancestor {
    /// The path of this folder or of a folder it is inside that is the folder `id`.
    fn find(&self, id: &FolderId) -> Option<&Path> {
        let mut at = Some(self);
        while let Some(a) = at {
            if a.id == *id {
                return Some(&a.path);
            }
            at = a.parent.as_deref();
        }
        None
    }
}

/// What the walk found and could not walk, filled by its tasks.
type Walked = Mutex<(Vec<Found>, Vec<Diagnostic>)>;

/// Walks the folder `start` inside the vault at `root`, as [`walk`] walks the whole vault: every
/// file below it, hidden files and folders (a name starting with `.`) left out, symbolic links
/// followed except into a folder they are inside. In no order: every caller sorts what it found.
///
/// Each folder is listed by a task of its own, on all cores: at 50,000 notes in 1,935 folders,
/// listing them one after another was most of the browser's way to its first frame. The tasks
/// are queued, not nested, so that no depth of folders can overflow a thread's stack.
fn walk_from(root: &Path, start: &Path) -> (Vec<Found>, Vec<Diagnostic>) {
    let walked: Walked = Mutex::new((Vec::new(), Vec::new()));
    match folder_id(start) {
        Ok(id) => {
            let top = Arc::new(Ancestor {
                id,
                path: start.to_path_buf(),
                rel: if start == root {
                    String::new()
                } else {
                    relative(root, start)
                },
                parent: None,
            });
            rayon::scope(|scope| walk_folder(scope, root, top, &walked));
        }
        Err(e) => lock(&walked).1.push(unwalkable(root, start, &e)),
    }
    walked.into_inner().unwrap_or_else(PoisonError::into_inner)
}

/// The walk's results, whatever another task's panic left in them: a walk that panicked is lost
/// with its thread's load anyway.
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Lists the folder `here` into `walked`, and queues a task for each of its subfolders.
fn walk_folder<'s>(
    scope: &rayon::Scope<'s>,
    root: &'s Path,
    here: Arc<Ancestor>,
    walked: &'s Walked,
) {
    let entries = match fs::read_dir(&here.path) {
        Ok(entries) => entries,
        Err(e) => {
            lock(walked).1.push(unwalkable(root, &here.path, &e));
            return;
        }
    };
    let mut found = Vec::new();
    let mut diagnostics = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                diagnostics.push(unwalkable(root, &here.path, &e));
                continue;
            }
        };
        let path = entry.path();
        let name = match path.file_name() {
            Some(name) => name.to_string_lossy(),
            None => continue,
        };
        if name.starts_with('.') {
            continue;
        }
        // The entry's type comes with the listing; only a symbolic link is followed to learn it.
        let kind = match entry.file_type() {
            Ok(t) if t.is_symlink() => fs::metadata(&path).map(|m| m.file_type()),
            other => other,
        };
        let kind = match kind {
            Ok(kind) => kind,
            Err(e) => {
                diagnostics.push(unwalkable(root, &path, &e));
                continue;
            }
        };
        // The vault path from the folder's and the name: what `relative` finds by taking the
        // root off the whole path, for a fraction of the work.
        let rel = || {
            let mut rel = String::with_capacity(here.rel.len() + 1 + name.len());
            if !here.rel.is_empty() {
                rel.push_str(&here.rel);
                rel.push('/');
            }
            rel.push_str(&name);
            rel
        };
        if kind.is_file() {
            found.push(Found {
                rel: rel(),
                note: is_markdown(&name),
                abs: path,
            });
        } else if kind.is_dir() {
            match folder_id(&path) {
                Ok(id) => match here.find(&id) {
                    Some(ancestor) => diagnostics.push(Diagnostic {
                        path: relative(root, &path),
                        kind: DiagnosticKind::BadSymlink,
                        message: format!(
                            "symbolic link loops back to {}; not followed",
                            relative(root, ancestor)
                        ),
                    }),
                    None => {
                        let inside = Arc::new(Ancestor {
                            id,
                            rel: rel(),
                            path,
                            parent: Some(Arc::clone(&here)),
                        });
                        scope.spawn(move |scope| walk_folder(scope, root, inside, walked));
                    }
                },
                Err(e) => diagnostics.push(unwalkable(root, &path, &e)),
            }
        }
    }
    let mut w = lock(walked);
    w.0.append(&mut found);
    w.1.append(&mut diagnostics);
}

/// The diagnostic of a path the walk could not follow or list: a symbolic link to nothing, or
/// anything the system would not let it read.
fn unwalkable(root: &Path, path: &Path, e: &std::io::Error) -> Diagnostic {
    let (kind, message) = if e.kind() == std::io::ErrorKind::NotFound {
        (
            DiagnosticKind::BadSymlink,
            "symbolic link points to nothing".to_string(),
        )
    } else {
        (DiagnosticKind::Unreadable, format!("cannot read: {e}"))
    };
    Diagnostic {
        path: relative(root, path),
        kind,
        message,
    }
}

/// Loaded notes in path order. The paths are gathered first and their order sorted on all cores:
/// a comparison then reads two paths, not two boxes and then their paths. Paths are unique, so an
/// unstable sort gives the one order.
#[allow(clippy::vec_box)] // Boxed on purpose: sorting moves eight bytes a note, not the note.
fn sorted_by_path(notes: Vec<Box<LoadedNote>>) -> Vec<Box<LoadedNote>> {
    let mut order: Vec<(&str, u32)> = notes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.0.path.as_str(), i as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| a.0.cmp(b.0));
    let order: Vec<u32> = order.into_iter().map(|(_, i)| i).collect();
    let mut slots: Vec<Option<Box<LoadedNote>>> = notes.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|i| slots[i as usize].take())
        .collect()
}

/// Diagnostics in the one order a vault shows them: by path, then by kind.
fn sorted_diagnostics(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by(|a, b| a.path.cmp(&b.path).then(a.kind.cmp(&b.kind)));
    diagnostics
}

/// Most files found by the walk, in runs of at most this many that share a folder: a run is read on
/// one thread, each file opened by its name within the folder, opened once for the run.
const FOLDER_RUN: usize = 64;

/// The walk's files in runs of [`FOLDER_RUN`] or fewer that share a folder, in the walk's order.
/// The walk lists each folder's files together, and a listing sorted by path keeps most together.
fn by_folder(found: Vec<Found>) -> Vec<Vec<Found>> {
    let mut runs: Vec<Vec<Found>> = Vec::new();
    for f in found {
        match runs.last_mut() {
            Some(run)
                if run.len() < FOLDER_RUN
                    && run[0].abs.parent().map(Path::as_os_str)
                        == f.abs.parent().map(Path::as_os_str) =>
            {
                run.push(f)
            }
            _ => runs.push(vec![f]),
        }
    }
    runs
}

/// The folder of a run of files ([`by_folder`]), opened when its first note is read: on Unix each
/// note is then opened by its name in it (`openat`). Opening `/a/b/c/note.md` by its whole path
/// looks up every folder on the way; at 50,000 notes those lookups were ≈ 2% of the load's CPU
/// time. Elsewhere every note is opened by its path.
#[cfg_attr(not(unix), allow(dead_code))] // read by the Unix `openat` alone
struct Folder {
    path: PathBuf,
    open: std::cell::OnceCell<Option<fs::File>>,
}

impl Folder {
    /// The folder of `run`'s files, not opened yet.
    fn of(run: &[Found]) -> Option<Folder> {
        let parent = run.first()?.abs.parent()?;
        Some(Folder {
            path: parent.to_path_buf(),
            open: std::cell::OnceCell::new(),
        })
    }

    /// Opens the file `found` names, which is in this folder: by its path when the folder cannot
    /// be opened or the name cannot be opened in it, so that a failure says what any open says.
    fn open_file(&self, found: &Found) -> std::io::Result<fs::File> {
        #[cfg(unix)]
        {
            use rustix::fs::{openat, Mode, OFlags};
            let folder = self.open.get_or_init(|| fs::File::open(&self.path).ok());
            if let (Some(folder), Some(name)) = (folder, found.abs.file_name()) {
                let flags = OFlags::RDONLY | OFlags::CLOEXEC;
                if let Ok(fd) = openat(folder, name, flags, Mode::empty()) {
                    return Ok(fs::File::from(fd));
                }
            }
        }
        fs::File::open(&found.abs)
    }
}

/// Loads one file found by the walk: an attachment's size, or a note from the cache or its file
/// (opened in `folder` when it is given).
fn load_file(f: Found, cache: Option<&Cache>, folder: Option<&Folder>) -> Item {
    if !f.note {
        let size = fs::metadata(&f.abs).map_or(0, |m| m.len());
        return Item::Attachment(Attachment { path: f.rel, size });
    }
    if let Some(c) = cache {
        if let Ok(meta) = fs::metadata(&f.abs) {
            let stamp = Stamp {
                size: meta.len(),
                modified: meta.modified().ok(),
            };
            if let Ok(Some(hit)) = c.lookup(&f.rel, stamp, &f.abs) {
                return Item::Note(Box::new(hit), true);
            }
        }
    }
    match read_note(f, folder) {
        Ok(loaded) => Item::Note(Box::new(loaded), false),
        Err(d) => Item::Unreadable(d),
    }
}

fn diag(path: &str, kind: DiagnosticKind, message: impl Into<String>) -> Diagnostic {
    Diagnostic {
        path: path.to_string(),
        kind,
        message: message.into(),
    }
}

/// Reads and parses one note. The note is kept (so links to it resolve) unless it cannot be read,
/// which gives the diagnostic that says so. Its size and time come from the open file, so the
/// walk never has to stat it. The walk's paths move into the note.
fn read_note(found: Found, folder: Option<&Folder>) -> Result<LoadedNote, Diagnostic> {
    let too_large = |found: Found, size: u64, modified: Option<SystemTime>| {
        let d = diag(
            &found.rel,
            DiagnosticKind::TooLarge,
            format!(
                "note is {} MiB, more than the {} MiB engram reads; skipped",
                size >> 20,
                MAX_NOTE_BYTES >> 20
            ),
        );
        Ok((empty_note(found, size, modified), vec![d]))
    };
    let unreadable = |found: &Found, e: std::io::Error| {
        diag(
            &found.rel,
            DiagnosticKind::Unreadable,
            format!("cannot read: {e}"),
        )
    };
    let opened = match folder {
        Some(folder) => folder.open_file(&found),
        None => fs::File::open(&found.abs),
    };
    let mut file = match opened {
        Ok(f) => f,
        Err(e) => {
            // A file too large to read is reported as such even when it cannot be opened.
            if let Ok(m) = fs::metadata(&found.abs) {
                if m.len() > MAX_NOTE_BYTES {
                    return too_large(found, m.len(), m.modified().ok());
                }
            }
            return Err(unreadable(&found, e));
        }
    };
    let meta = file.metadata().ok();
    let size = meta.as_ref().map_or(0, |m| m.len());
    let modified = meta.as_ref().and_then(|m| m.modified().ok());
    if size > MAX_NOTE_BYTES {
        return too_large(found, size, modified);
    }
    // Each thread reads into one buffer it keeps: a fresh buffer per note would leave the heap
    // riddled with freed text between the notes' long-lived parts, and the process larger.
    READ_BUFFER.with(move |cell| {
        let mut buffer = cell.borrow_mut();
        let read = match read_file_into(&mut file, size as usize, &mut buffer) {
            Ok(n) => n,
            Err(e) => return Err(unreadable(&found, e)),
        };
        drop(file);
        let bytes = &buffer[..read];
        let mut diags = Vec::new();
        if memchr::memchr(0, bytes).is_some() {
            diags.push(diag(
                &found.rel,
                DiagnosticKind::Binary,
                "holds NUL bytes: a binary file with a .md name; its content is not shown",
            ));
            return Ok((empty_note(found, size, modified), diags));
        }
        // Checked with the processor's vector instructions (simdutf8): several times faster than
        // the standard library's check, which is asked again only where the first bad byte is.
        let text: std::borrow::Cow<str> = match simdutf8::basic::from_utf8(bytes) {
            Ok(t) => t.into(),
            Err(_) => {
                let at = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), str::len);
                diags.push(diag(
                    &found.rel,
                    DiagnosticKind::InvalidUtf8,
                    format!("not valid UTF-8 (first bad byte at offset {at}); shown with replacement characters"),
                ));
                String::from_utf8_lossy(bytes).into_owned().into()
            }
        };
        let note = build_note(found.rel, found.abs, &text, size, modified, &mut diags);
        drop(text);
        if buffer.capacity() > READ_BUFFER_KEEP {
            *buffer = Vec::new();
        }
        Ok((note, diags))
    })
}

/// Reads what is left of `file` into the start of `buf`, expecting `expected` bytes, into room
/// for one byte more, and says how many bytes it read: they are `buf[..n]`. `Read::read_to_end`
/// on a `File` first asks the file for its size and position (`statx`, `lseek`), which the caller
/// has just read, and reads again after the last byte to see nothing come: three system calls a
/// note more than the one read that, asked for a byte more than the file was measured at, brings
/// exactly that many. Any other count reads on until a read brings nothing, as `read_to_end` does.
///
/// `buf` keeps its length, which only grows: what lies past the bytes read is left from earlier
/// reads. A buffer emptied and zeroed for each note cost a write of every byte of the vault
/// before the read wrote it again.
fn read_file_into(
    file: &mut impl Read,
    expected: usize,
    buf: &mut Vec<u8>,
) -> std::io::Result<usize> {
    let room = expected.saturating_add(1);
    if buf.len() < room {
        buf.resize(room, 0);
    }
    let mut filled = 0;
    loop {
        if filled == room {
            // The file grew since it was measured: the rest as `read_to_end` reads it.
            buf.truncate(filled);
            file.read_to_end(buf)?;
            return Ok(buf.len());
        }
        match file.read(&mut buf[filled..room]) {
            Ok(0) => break,
            Ok(n) => {
                filled += n;
                if filled == expected {
                    // Short of the room by the one byte: the file ends where it was measured.
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// Largest read buffer a thread keeps between notes; a larger note's buffer is given back.
const READ_BUFFER_KEEP: usize = 4 << 20;

thread_local! {
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A note whose content is not read: it exists for links, with its file name as title.
fn empty_note(found: Found, size: u64, modified: Option<SystemTime>) -> Note {
    Note {
        title: stem(&found.rel).to_string(),
        path: found.rel,
        aliases: Vec::new(),
        tags: Vec::new(),
        properties: Vec::new(),
        file: found.abs,
        skipped: true,
        body_start: 0,
        parsed: Parsed::default(),
        size,
        modified,
    }
}

/// Builds a note from its text: frontmatter, Markdown, title and tags. Problems go to `diags`.
pub fn build_note(
    path: String,
    file: PathBuf,
    text: &str,
    size: u64,
    modified: Option<SystemTime>,
    diags: &mut Vec<Diagnostic>,
) -> Note {
    let split = frontmatter::split(text);
    if split.unclosed {
        diags.push(diag(
            &path,
            DiagnosticKind::UnclosedFrontmatter,
            "frontmatter opened with `---` on line 1 is never closed; read as body text",
        ));
    }
    let fm = match split.yaml {
        Some((a, b)) => match frontmatter::parse(&text[a..b]) {
            Ok(fm) => fm,
            Err(e) => {
                diags.push(diag(
                    &path,
                    DiagnosticKind::InvalidFrontmatter,
                    format!("invalid frontmatter: {}", e.0),
                ));
                frontmatter::Frontmatter::default()
            }
        },
        None => frontmatter::Frontmatter::default(),
    };
    let mut parsed = markdown::parse(text, split.body_start);
    if let Some((yaml_start, _)) = split.yaml {
        add_property_links(&mut parsed, &fm, text, yaml_start);
    }
    let title = fm
        .title
        .clone()
        .or_else(|| {
            parsed
                .headings
                .iter()
                .find(|h| h.level == 1 && !h.text.is_empty())
                .map(|h| h.text.clone())
        })
        .unwrap_or_else(|| stem(&path).to_string());
    // Each tag once, compared without case, in the order written. Most tags are lowercase ASCII
    // and are compared without a copy, and most notes have a few, compared in turn.
    let written = || fm.tags.iter().chain(parsed.tags.iter().map(|t| &t.name));
    let count = fm.tags.len() + parsed.tags.len();
    let mut tags: Vec<String> = Vec::new();
    if count <= 32 {
        let mut seen = Vec::with_capacity(count);
        for t in written() {
            let key = lowercase(t);
            if !seen.contains(&key) {
                seen.push(key);
                tags.push(t.clone());
            }
        }
    } else {
        let mut seen = HashSet::with_capacity(count);
        for t in written() {
            if seen.insert(lowercase(t)) {
                tags.push(t.clone());
            }
        }
    }
    // Each occurrence of an inline tag is now in `tags` once; nothing reads the occurrences
    // again, and a vault holds hundreds of thousands of them (11 MB at 50,000 notes).
    parsed.tags = Vec::new();
    Note {
        path,
        title,
        aliases: fm.aliases,
        tags,
        properties: fm.properties,
        body_start: split.body_start,
        parsed,
        file,
        skipped: false,
        size,
        modified,
    }
}

/// Text lowercased for comparison without case (tags, R37; the list's titles), borrowed when it is
/// lowercase already, as most tags and file names are.
pub fn lowercase(t: &str) -> std::borrow::Cow<'_, str> {
    if !t.is_ascii() {
        t.to_lowercase().into()
    } else if t.bytes().any(|b| b.is_ascii_uppercase()) {
        t.to_ascii_lowercase().into()
    } else {
        t.into()
    }
}

/// Adds the `[[links]]` of frontmatter properties (R7), placed on the line of their key.
fn add_property_links(
    parsed: &mut Parsed,
    fm: &frontmatter::Frontmatter,
    text: &str,
    yaml_start: usize,
) {
    if fm.links.is_empty() {
        // Nothing to add; the links are still put in source order, as when there are some.
        parsed.links.sort_by_key(|l| l.range.start);
        return;
    }
    let lines = markdown::LineIndex::new(text);
    for (key, inner) in &fm.links {
        let (target_part, display) = match inner.split_once('|') {
            Some((t, d)) => (t, Some(d.trim()).filter(|d| !d.is_empty())),
            None => (inner.as_str(), None),
        };
        let (target, subpath) = markdown::split_linktext(target_part);
        let needle = format!("[[{inner}]]");
        let start = text[yaml_start..]
            .find(&needle)
            .map(|i| yaml_start + i)
            .or_else(|| {
                text[yaml_start..]
                    .find(key.as_str())
                    .map(|i| yaml_start + i)
            })
            .unwrap_or(yaml_start);
        parsed.links.push(markdown::Link::new(
            markdown::LinkSyntax::Property,
            target,
            subpath,
            display,
            markdown::is_external(target),
            start..start + needle.len(),
            lines.line(start) as u32,
            false,
        ));
    }
    parsed.links.sort_by_key(|l| l.range.start);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files (vault path, is a note) and diagnostics (vault path, kind) a walk gave, sorted.
    type Listing = (Vec<(String, bool)>, Vec<(String, DiagnosticKind)>);

    /// The walk as walkdir makes it (symbolic links followed, loops reported, hidden names left
    /// out), one folder after another: what the walk on all cores must find.
    fn walked_by_walkdir(root: &Path) -> Listing {
        let mut found = Vec::new();
        let mut diagnostics = Vec::new();
        let walk = walkdir::WalkDir::new(root)
            .follow_links(true)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walk {
            match entry {
                Ok(e) if e.file_type().is_file() => found.push((
                    relative(root, e.path()),
                    is_markdown(&e.file_name().to_string_lossy()),
                )),
                Ok(_) => {}
                Err(e) => {
                    let kind = if e.loop_ancestor().is_some()
                        || e.io_error()
                            .is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound)
                    {
                        DiagnosticKind::BadSymlink
                    } else {
                        DiagnosticKind::Unreadable
                    };
                    diagnostics.push((relative(root, e.path().unwrap_or(root)), kind));
                }
            }
        }
        found.sort();
        diagnostics.sort();
        (found, diagnostics)
    }

    #[cfg(unix)]
    #[test]
    fn the_walk_on_all_cores_finds_what_a_walk_of_one_folder_at_a_time_finds() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let r = dir.path();
        let write = |rel: &str| {
            let path = r.join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(path, "# note\n").unwrap();
        };
        for i in 0..40 {
            write(&format!("wide/f{i}/n{i}.md"));
            write(&format!("wide/f{i}/img{i}.png"));
        }
        // Deeper than any thread's stack would allow a task per level nested in the one above.
        let deep: String = (0..300).map(|i| format!("d{i}/")).collect();
        write(&format!("{deep}bottom.md"));
        write("a/b/c/leaf.md");
        write(".hidden/secret.md");
        write("a/.also-hidden.md");
        symlink(r, r.join("a/b/to-root")).unwrap(); // loops back to the vault
        symlink(r.join("a"), r.join("a/b/c/to-a")).unwrap(); // loops back to a folder above
        symlink(r.join("wide/f1"), r.join("a/sibling")).unwrap(); // followed: its notes twice
        symlink(r.join("a/b/c/leaf.md"), r.join("linked.md")).unwrap();
        symlink(r.join("nowhere"), r.join("a/dangling.md")).unwrap();

        let (found, diagnostics) = walk(r);
        let mut got: Vec<(String, bool)> = found.iter().map(|f| (f.rel.clone(), f.note)).collect();
        got.sort();
        let mut got_diagnostics: Vec<(String, DiagnosticKind)> = diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.kind))
            .collect();
        got_diagnostics.sort();
        let (want, want_diagnostics) = walked_by_walkdir(r);
        assert_eq!(got, want);
        assert_eq!(got_diagnostics, want_diagnostics);
        // The fixture holds what it means to: each case is there.
        assert!(got.contains(&("a/sibling/n1.md".to_string(), true)));
        assert!(got.contains(&(format!("{deep}bottom.md"), true)));
        assert!(got.contains(&("linked.md".to_string(), true)));
        assert!(!got.iter().any(|(p, _)| p.contains("hidden")));
        assert_eq!(
            got_diagnostics,
            [
                ("a/b/c/to-a".to_string(), DiagnosticKind::BadSymlink),
                ("a/b/to-root".to_string(), DiagnosticKind::BadSymlink),
                ("a/dangling.md".to_string(), DiagnosticKind::BadSymlink),
            ]
        );
        let message = |p: &str| &diagnostics.iter().find(|d| d.path == p).unwrap().message;
        assert_eq!(
            message("a/b/c/to-a"),
            "symbolic link loops back to a; not followed"
        );
        assert_eq!(message("a/dangling.md"), "symbolic link points to nothing");
    }

    /// What `relative` gave before it copied walk paths directly: each component, joined by `/`.
    fn by_components(root: &Path, path: &Path) -> String {
        let rel = path.strip_prefix(root).unwrap_or(path);
        rel.components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/")
    }

    #[test]
    fn a_note_that_is_not_utf8_says_where_its_first_bad_byte_is_and_still_loads() {
        let dir = tempfile::tempdir().unwrap();
        // Long enough for the vector check to see the bad byte past its first block.
        let mut bytes = "# Latin-1\n\n".repeat(20).into_bytes();
        let at = bytes.len();
        bytes.extend_from_slice(b"caf\xe9 [[other]]\n");
        fs::write(dir.path().join("latin1.md"), &bytes).unwrap();
        fs::write(dir.path().join("fine.md"), "caf\u{e9} [[latin1]]\n").unwrap();
        let v = Vault::load(dir.path()).unwrap();
        let d: Vec<&Diagnostic> = v.diagnostics.iter().collect();
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].kind, DiagnosticKind::InvalidUtf8);
        assert_eq!(d[0].path, "latin1.md");
        let offset = at + 3;
        assert!(
            d[0].message
                .contains(&format!("first bad byte at offset {offset}")),
            "{}",
            d[0].message
        );
        let latin1 = &v.notes[v.note_by_path("latin1.md").unwrap()];
        assert_eq!(latin1.parsed.links[0].target(), "other");
        let fine = &v.notes[v.note_by_path("fine.md").unwrap()];
        assert!(v.diagnostics.iter().all(|d| d.path != fine.path));
    }

    #[test]
    fn a_notes_tags_are_kept_once_each_whatever_their_case_few_or_many() {
        let tags_of = |text: &str| {
            build_note("n.md".into(), "n.md".into(), text, 0, None, &mut Vec::new()).tags
        };
        // R37: tags are case-insensitive; the first spelling is kept, in the order written.
        assert_eq!(
            tags_of("---\ntags: [Alpha, beta]\n---\n#alpha #Beta #gamma #Ünï #üNÏ\n"),
            ["Alpha", "beta", "gamma", "Ünï"]
        );
        // Past a few dozen, the same through a set.
        let many: String = (0..40).map(|i| format!("#Tag{i} #tag{i} ")).collect();
        let want: Vec<String> = (0..40).map(|i| format!("Tag{i}")).collect();
        assert_eq!(tags_of(&format!("{many}\n")), want);
    }

    #[test]
    fn a_file_is_read_whole_whatever_size_was_expected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n.md");
        let text = "# A note\n\nwith [[links]] and some text.\n".repeat(300);
        fs::write(&path, &text).unwrap();
        let mut buf = b"left over from the note before".to_vec();
        // Exact, smaller (the file grew since it was measured), larger (it shrank), nothing; the
        // buffer keeps what earlier reads left past the end.
        for expected in [text.len(), 0, 10, text.len() - 1, text.len() * 3, 5] {
            let mut file = fs::File::open(&path).unwrap();
            let n = read_file_into(&mut file, expected, &mut buf).unwrap();
            assert_eq!(&buf[..n], text.as_bytes(), "expected {expected}");
        }
        fs::write(&path, "short").unwrap();
        let n = read_file_into(&mut fs::File::open(&path).unwrap(), 5, &mut buf).unwrap();
        assert_eq!(&buf[..n], b"short", "a shorter file after a longer one");
        fs::write(&path, "").unwrap();
        let n = read_file_into(&mut fs::File::open(&path).unwrap(), 0, &mut buf).unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn files_are_read_in_runs_that_share_a_folder_in_the_order_found() {
        let found: Vec<Found> = ["a/1.md", "a/2.md", "b/1.md", "a/3.md"]
            .into_iter()
            .map(String::from)
            .chain((0..150).map(|i| format!("c/{i}.md")))
            .map(|rel| Found {
                abs: Path::new("/v").join(&rel),
                note: true,
                rel,
            })
            .collect();
        let runs: Vec<Vec<String>> = by_folder(found)
            .into_iter()
            .map(|run| run.into_iter().map(|f| f.rel).collect())
            .collect();
        let lens: Vec<usize> = runs.iter().map(Vec::len).collect();
        assert_eq!(
            lens,
            [2, 1, 1, FOLDER_RUN, FOLDER_RUN, 150 - 2 * FOLDER_RUN]
        );
        assert_eq!(
            runs[..3],
            [vec!["a/1.md", "a/2.md"], vec!["b/1.md"], vec!["a/3.md"]]
        );
        let c: Vec<String> = runs[3..].concat();
        assert_eq!(c, (0..150).map(|i| format!("c/{i}.md")).collect::<Vec<_>>());
    }

    #[test]
    fn a_note_is_read_whether_or_not_its_folder_can_be_opened() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("sub")).unwrap();
        fs::write(dir.path().join("sub/n.md"), "# Found\n\n[[x]]\n").unwrap();
        let found = || Found {
            abs: dir.path().join("sub/n.md"),
            rel: "sub/n.md".to_string(),
            note: true,
        };
        let opened = Folder::of(&[found()]);
        assert!(opened.is_some(), "a run of files has a folder");
        // A folder whose path names nothing: the note is opened by its own path.
        let gone = Folder {
            path: dir.path().join("no such folder"),
            open: std::cell::OnceCell::new(),
        };
        for folder in [opened.as_ref(), Some(&gone), None] {
            let (note, diags) = read_note(found(), folder).unwrap();
            assert_eq!((note.title.as_str(), note.parsed.links.len()), ("Found", 1));
            assert!(diags.is_empty());
        }
    }

    /// A file's bytes handed out `chunk` at a time, counting the reads asked of it.
    struct Counted<'a> {
        bytes: &'a [u8],
        chunk: usize,
        reads: usize,
    }

    impl Read for Counted<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.reads += 1;
            let n = buf.len().min(self.chunk).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            Ok(n)
        }
    }

    #[test]
    fn a_file_of_the_size_it_was_measured_at_is_read_in_one_call() {
        let text = b"# A note\n\nwith [[links]].\n".repeat(100);
        let mut buf = Vec::new();
        let mut file = Counted {
            bytes: &text,
            chunk: usize::MAX,
            reads: 0,
        };
        let n = read_file_into(&mut file, text.len(), &mut buf).unwrap();
        assert!(buf[..n] == text, "the note read whole");
        assert_eq!(file.reads, 1, "one read, none after the last byte");
        // Reads that bring less than asked (a network file system may) go on to the end.
        for expected in [text.len(), text.len() - 1, text.len() + 7] {
            let mut file = Counted {
                bytes: &text,
                chunk: 100,
                reads: 0,
            };
            let n = read_file_into(&mut file, expected, &mut buf).unwrap();
            assert!(buf[..n] == text, "read whole, expecting {expected} bytes");
        }
    }

    #[test]
    fn a_vault_path_is_the_same_whatever_form_the_root_is_given_in() {
        let cases = [
            ("v", "v/a.md", "a.md"),
            ("v", "v/sub/deeper/a b.md", "sub/deeper/a b.md"),
            ("v/", "v/a.md", "a.md"),
            ("./v", "./v/sub/a.md", "sub/a.md"),
            ("v//", "v//sub/a.md", "sub/a.md"),
            ("/tmp/v/.", "/tmp/v/./sub/a.md", "sub/a.md"),
            ("v", "v/sub//a.md", "sub/a.md"),
            ("v", "v/sub/./a.md", "sub/a.md"),
        ];
        for (root, path, want) in cases {
            let (root, path) = (Path::new(root), Path::new(path));
            assert_eq!(relative(root, path), want, "{root:?} {path:?}");
            assert_eq!(relative(root, path), by_components(root, path));
        }
    }
}
