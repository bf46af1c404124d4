//! The command line: the browser and the headless commands.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// engram: browse a vault of linked Markdown notes in the terminal.
///
/// With no command, opens the browser on VAULT (or --vault, or the current folder): in it, `?`
/// lists every key, `/` finds a note, `F` searches the text of every note, `e` edits the note in
/// $VISUAL or $EDITOR and `q` quits. The browser follows changes to the vault as they happen
/// (--no-watch turns that off). The
/// commands print what engram knows about the vault, for scripts and for checking a vault's links.
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

    /// Neither read nor write the index cache and the text pack (kept in $XDG_CACHE_HOME/engram, else
    /// ~/.cache/engram): parse every note, and read every note's file when searching.
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

    /// Do not follow changes on disk. By default the browser watches the vault and shows notes
    /// added, changed, renamed and removed (by `e`, another editor, a sync or a `git pull`) as
    /// they happen.
    #[arg(long)]
    pub no_watch: bool,
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
    /// Search the notes' text with Obsidian's search syntax; prints `path:line: snippet` per
    /// matching line. Exits 0 when something matched, 1 when nothing did, 2 on a bad query.
    Grep(GrepArgs),
    /// List every tag (frontmatter and inline) as a tree, with the number of notes carrying each
    /// tag or a tag nested under it.
    Tags(JsonArg),
    /// List the notes with no links in or out (URLs and links to themselves do not count).
    Orphans(JsonArg),
    /// List the link targets that name no note or file, most used first, with the `path:line` of
    /// every use.
    Unresolved(JsonArg),
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

/// Arguments of `grep`.
#[derive(Debug, Clone, Args)]
#[command(after_long_help = GREP_SYNTAX)]
pub struct GrepArgs {
    /// The query; several arguments are joined with spaces. Quote it in the shell to keep
    /// `"phrases"` and parentheses: engram grep 'line:(dopamine "reward pathway") -tag:draft'
    #[arg(required = true, allow_hyphen_values = true, value_name = "QUERY")]
    pub query: Vec<String>,
    /// Print JSON instead of text: an array with one object per matching line.
    #[arg(long)]
    pub json: bool,
}

impl GrepArgs {
    /// The query as one string. Once a query argument starts with `-`, clap takes every later
    /// argument as query text, so a `--json` among them is the flag, not text.
    pub fn query_text(&self) -> String {
        let words: Vec<&str> = self
            .query
            .iter()
            .map(String::as_str)
            .filter(|a| *a != "--json")
            .collect();
        words.join(" ")
    }

    /// Whether `--json` was given, before or after the query.
    pub fn wants_json(&self) -> bool {
        self.json || self.query.iter().any(|a| a == "--json")
    }
}

/// The query syntax, shown by `engram grep --help`.
const GREP_SYNTAX: &str = "\
Query syntax (Obsidian's search):
  foo bar            notes holding both words (anywhere, frontmatter included); lines with either
  \"star wars\"        an exact phrase (\\\" for a quote inside)
  foo OR bar         either; AND binds tighter: a b OR c d = (a b) OR (c d)
  foo (bar OR baz)   parentheses group
  foo -bar           exclude a word, a \"phrase\", an operator (-tag:x) or a group -(a b)
  file:2024          file name (with extension) contains the text
  path:\"daily/2024\"  vault path contains the text
  tag:inbox          tag #inbox or any #inbox/... (case-insensitive, # optional)
  content:foo        the note's text (same as a bare word)
  line:(foo bar)     both on one line
  block:(foo bar)    both in one block (run of non-blank lines)
  section:(foo bar)  both between the same two headings
  task:call, task-todo:call, task-done:call   on a task line (- [ ] / - [x])
  match-case:Foo, ignore-case:FOO   force the case for one term or group
Case: ignored unless the query holds an uppercase letter (smart case).";

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
