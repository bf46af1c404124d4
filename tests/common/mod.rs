//! Helpers shared by the test files: a vault's files and their times, the index cache's place in a
//! test's folder, and the screen of a `TestBackend` as text. Each test file uses some of them.
#![allow(dead_code)]

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use engram::vault::LoadOptions;
use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

/// Every file under `root`, sorted.
pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    out.sort();
    out
}

/// Dates every file under `root` back by `by`: the caches do not trust a file changed just before
/// they were written.
pub fn age(root: &Path, by: Duration) {
    let when = SystemTime::now() - by;
    for f in files(root) {
        set_mtime(&f, when);
    }
}

/// Sets a file's modification time.
pub fn set_mtime(file: &Path, when: SystemTime) {
    fs::File::options()
        .append(true)
        .open(file)
        .and_then(|f| f.set_modified(when))
        .expect("set mtime");
}

/// The vault inside a test's temporary folder.
pub fn root(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("vault")
}

/// Loading with the index cache (and text pack) in the test's temporary folder.
pub fn cached(dir: &tempfile::TempDir) -> LoadOptions {
    LoadOptions {
        cache: true,
        cache_dir: Some(dir.path().join("cache")),
    }
}

/// The screen as text, one line per row, wide characters taking their two cells.
pub fn dump(buf: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = sym.width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
