//! The command line: the browser and the headless commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// engram: browse a vault of linked Markdown notes in the terminal.
///
/// With no command, opens the browser on VAULT (or --vault, or the current folder). The commands
/// print what engram knows about the vault, for scripts and for checking a vault's links.
#[derive(Debug, Parser)]
#[command(
    name = "engram",
    version,
    about,
    long_about,
    subcommand_precedence_over_arg = true
)]
pub struct Cli {
    /// The vault folder to browse.
    #[arg(value_name = "VAULT")]
    pub vault_pos: Option<PathBuf>,

    /// The vault folder [default: the current folder].
    #[arg(long, global = true, value_name = "DIR")]
    pub vault: Option<PathBuf>,

    /// Neither read nor write the index cache (kept in $XDG_CACHE_HOME/engram, else ~/.cache/engram):
    /// parse every note.
    #[arg(long, global = true)]
    pub no_cache: bool,

    /// Browser options.
    #[command(flatten)]
    pub browse: BrowseArgs,

    /// A headless command; without one, the browser opens.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Options of the browser.
#[derive(Debug, Clone, Default, Args)]
pub struct BrowseArgs {
    /// Open this note first: a vault path or a link target as written in [[...]].
    #[arg(long, value_name = "NOTE")]
    pub open: Option<String>,
}

/// The headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every note: path, title, aliases and tags.
    List(JsonArg),
    /// Show the links written in a note, with their lines and how each resolved.
    Links(NoteArgs),
    /// Show the notes that link to a note, with the line of each link.
    Backlinks(NoteArgs),
    /// Report unresolved links, broken heading/block links, alias-resolved links and unreadable
    /// files. Exits 1 when it finds a problem, 0 when the vault is clean.
    Check(JsonArg),
    /// Count notes, attachments, links, unresolved links, tags and problems, and time the load.
    Stats(JsonArg),
    /// Print a note rendered as the browser shows it.
    Show(ShowArgs),
}

/// `--json`.
#[derive(Debug, Clone, Args)]
pub struct JsonArg {
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// A note and `--json`.
#[derive(Debug, Clone, Args)]
pub struct NoteArgs {
    /// A vault path (`folder/Note.md`) or a link target as written in [[...]].
    pub note: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `show`.
#[derive(Debug, Clone, Args)]
pub struct ShowArgs {
    /// A vault path (`folder/Note.md`) or a link target as written in [[...]].
    pub note: String,
    /// Width in columns [default: the terminal's width, or 80 when not a terminal].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1000))]
    pub width: Option<u16>,
    /// Plain text without colours (the default when stdout is not a terminal).
    #[arg(long)]
    pub plain: bool,
}

impl Cli {
    /// The vault folder: `--vault`, else the positional VAULT, else the current folder.
    pub fn vault_dir(&self) -> PathBuf {
        self.vault
            .clone()
            .or_else(|| self.vault_pos.clone())
            .unwrap_or_else(|| PathBuf::from("."))
    }
}
