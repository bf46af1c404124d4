//! `engram-gen`: writes a deterministic test vault in the style of the corpora (see `engram::gen`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;

/// Write a test vault of N linked notes into DIR (which must be empty or absent).
///
/// The same N and seed always write the same files: notes in the style of real vaults, with
/// frontmatter, every link form, callouts, tables, code, HTML timestamps, nested folders and a few
/// large notes.
#[derive(Debug, Parser)]
#[command(name = "engram-gen", version, about, long_about)]
struct Args {
    /// The folder to write the vault into.
    dir: PathBuf,
    /// How many notes to write.
    #[arg(long, short = 'n', value_name = "N")]
    notes: usize,
    /// The seed: another seed gives another vault of the same shape.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let started = Instant::now();
    match engram::gen::generate(&args.dir, args.notes, args.seed) {
        Ok(s) => {
            println!(
                "wrote {} notes ({} large), {} attachments in {} folders: {:.1} MB of Markdown, {} links, in {:.1} s",
                s.notes,
                s.large_notes,
                s.attachments,
                s.folders,
                s.bytes as f64 / 1e6,
                s.links,
                started.elapsed().as_secs_f64()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("engram-gen: {}: {e}", args.dir.display());
            ExitCode::from(2)
        }
    }
}
