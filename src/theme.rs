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

// The browser's chrome: panes, lists, popups and the status bar.

/// A pane's border when it does not have the focus.
pub const BORDER: Style = Style::new().fg(Color::DarkGray);
/// The focused pane's border.
pub const BORDER_FOCUSED: Style = Style::new().fg(Color::Cyan);
/// A pane's or popup's title.
pub const PANE_TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
/// The selected row of the focused list.
pub const SELECTED: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
/// The selected row of a list that does not have the focus.
pub const SELECTED_UNFOCUSED: Style = Style::new().add_modifier(Modifier::REVERSED);
/// The note that is open, in the note list.
pub const CURRENT_NOTE: Style = Style::new().add_modifier(Modifier::BOLD);
/// A folder shown to tell apart notes with the same title, and other secondary text in lists.
pub const SECONDARY: Style = Style::new().fg(Color::DarkGray);
/// The title of a note that links here, in the backlinks.
pub const BACKLINK_SOURCE: Style = Style::new().fg(Color::Cyan);
/// Characters the quick switcher's query matched.
pub const MATCH: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
/// The switcher's input line.
pub const INPUT: Style = Style::new().add_modifier(Modifier::BOLD);
/// The cursor drawn at the end of the switcher's input.
pub const INPUT_CURSOR: Style = Style::new().add_modifier(Modifier::REVERSED);
/// A popup's border.
pub const POPUP_BORDER: Style = Style::new().fg(Color::Yellow);
/// A link hint label.
pub const HINT: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);
/// The status bar.
pub const STATUS: Style = Style::new().fg(Color::White).bg(Color::DarkGray);
/// A status message reporting news.
pub const STATUS_INFO: Style = Style::new().fg(Color::White).bg(Color::Blue);
/// A status message reporting that something did not work.
pub const STATUS_WARNING: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::Yellow)
    .add_modifier(Modifier::BOLD);
/// A key in the help.
pub const HELP_KEY: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
/// A section heading in the help.
pub const HELP_SECTION: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
/// A heading in the outline, by level.
pub const OUTLINE_HEADING: Style = Style::new();
