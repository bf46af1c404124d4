//! Every style engram draws with. Nothing else in the crate names a colour.

use ratatui::style::{Color, Modifier, Style};

/// Plain body text.
pub const TEXT: Style = Style::new();
/// Text that matters less: rules, labels, placeholders.
pub const DIM: Style = Style::new().fg(Color::DarkGray);
/// A link to a note or file that exists.
pub const LINK: Style = Style::new()
    .fg(Color::Cyan)
    .add_modifier(Modifier::UNDERLINED);
/// A link to a note that does not exist (R19).
pub const LINK_UNRESOLVED: Style = Style::new()
    .fg(Color::Red)
    .add_modifier(Modifier::UNDERLINED);
/// A link resolved only through an alias (decision 2).
pub const LINK_ALIAS: Style = Style::new()
    .fg(Color::Magenta)
    .add_modifier(Modifier::UNDERLINED);
/// A link to a URL outside the vault.
pub const LINK_EXTERNAL: Style = Style::new()
    .fg(Color::Blue)
    .add_modifier(Modifier::UNDERLINED);
/// The link selected with Tab in the note pane.
pub const LINK_SELECTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);

/// ANSI start of a search match in `engram grep` output on a terminal (bold red, as grep).
pub const ANSI_MATCH: &str = "\x1b[1;31m";
/// ANSI start of a path in `engram grep` output on a terminal.
pub const ANSI_PATH: &str = "\x1b[35m";
/// ANSI start of a line number in `engram grep` output on a terminal.
pub const ANSI_LINE: &str = "\x1b[32m";
/// ANSI reset after [`ANSI_MATCH`], [`ANSI_PATH`] or [`ANSI_LINE`].
pub const ANSI_RESET: &str = "\x1b[0m";
