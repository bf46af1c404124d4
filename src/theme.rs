//! Every style engram draws with. Nothing else in the crate names a colour.
//!
//! Styles meant to be laid over the surrounding text (emphasis, a link inside a bold run) set only
//! what they change, so `Style::patch` combines them.

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
/// Text the last full-text search matched, in the note pane.
pub const FOUND: Style = Style::new()
    .fg(Color::Black)
    .bg(Color::LightYellow)
    .add_modifier(Modifier::BOLD);
/// The line of the match `n`/`N` (or the search results) went to.
pub const FOUND_LINE: Style = Style::new().bg(Color::Indexed(237));
/// Why a full-text query does not parse.
pub const QUERY_ERROR: Style = Style::new().fg(Color::Red);
/// The tag the note list is filtered to, in its title.
pub const FILTER: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
/// A section heading in the loose-ends view.
pub const VIEW_SECTION: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
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
/// Heading level 1.
pub const H1: Style = Style::new()
    .fg(Color::LightMagenta)
    .add_modifier(Modifier::BOLD);
/// Heading level 2.
pub const H2: Style = Style::new()
    .fg(Color::LightBlue)
    .add_modifier(Modifier::BOLD);
/// Heading level 3.
pub const H3: Style = Style::new()
    .fg(Color::LightCyan)
    .add_modifier(Modifier::BOLD);
/// Heading level 4.
pub const H4: Style = Style::new()
    .fg(Color::LightGreen)
    .add_modifier(Modifier::BOLD);
/// Heading level 5.
pub const H5: Style = Style::new()
    .fg(Color::LightYellow)
    .add_modifier(Modifier::BOLD);
/// Heading level 6.
pub const H6: Style = Style::new()
    .fg(Color::Gray)
    .add_modifier(Modifier::BOLD.union(Modifier::ITALIC));
/// The rule drawn under level 1 and 2 headings, and the `###` of deeper ones.
pub const HEADING_MARK: Style = Style::new().fg(Color::Indexed(243));

/// `*emphasis*`, laid over the text.
pub const EMPHASIS: Style = Style::new().add_modifier(Modifier::ITALIC);
/// `**strong**`, laid over the text.
pub const STRONG: Style = Style::new().add_modifier(Modifier::BOLD);
/// `~~strikethrough~~`, laid over the text.
pub const STRIKETHROUGH: Style = Style::new().add_modifier(Modifier::CROSSED_OUT);
/// `<u>underline</u>` in inline HTML, laid over the text.
pub const UNDERLINE: Style = Style::new().add_modifier(Modifier::UNDERLINED);
/// `==highlight==` (R46).
pub const HIGHLIGHT: Style = Style::new().fg(Color::Black).bg(Color::Yellow);
/// `` `inline code` ``.
pub const CODE_INLINE: Style = Style::new().fg(Color::LightRed).bg(Color::Indexed(236));
/// Code block text that has no syntax colour: the block's background.
pub const CODE_BLOCK: Style = Style::new().fg(Color::Gray).bg(Color::Indexed(235));
/// The frame around a code block.
pub const CODE_FRAME: Style = Style::new().fg(Color::Indexed(239));
/// The language label of a code block.
pub const CODE_LABEL: Style = Style::new().fg(Color::Gray).add_modifier(Modifier::ITALIC);
/// The syntect theme code blocks are coloured with (from syntect's default themes).
pub const CODE_THEME: &str = "base16-ocean.dark";

/// A syntax-coloured token of a code block, from the colour and font style syntect gives it.
pub fn code_token(rgb: (u8, u8, u8), bold: bool, italic: bool, underline: bool) -> Style {
    let mut s = CODE_BLOCK.fg(Color::Rgb(rgb.0, rgb.1, rgb.2));
    if bold {
        s = s.add_modifier(Modifier::BOLD);
    }
    if italic {
        s = s.add_modifier(Modifier::ITALIC);
    }
    if underline {
        s = s.add_modifier(Modifier::UNDERLINED);
    }
    s
}

/// `$math$` and `$$math$$`, shown as TeX source (R47).
pub const MATH: Style = Style::new()
    .fg(Color::LightGreen)
    .add_modifier(Modifier::ITALIC);
/// The bar in front of a block quote.
pub const QUOTE_BAR: Style = Style::new().fg(Color::Gray);
/// A list bullet or number.
pub const LIST_MARKER: Style = Style::new().fg(Color::Yellow);
/// An open task box `- [ ]` (R49).
pub const TASK_OPEN: Style = Style::new().fg(Color::Indexed(214));
/// A done task box `- [x]`.
pub const TASK_DONE: Style = Style::new().fg(Color::Green);
/// The text of a done task, laid over it.
pub const TASK_DONE_TEXT: Style = Style::new()
    .fg(Color::DarkGray)
    .add_modifier(Modifier::CROSSED_OUT);
/// A task with a custom status such as `- [?]` (R49).
pub const TASK_CUSTOM: Style = Style::new()
    .fg(Color::Indexed(213))
    .add_modifier(Modifier::BOLD);
/// Table borders and the rule under the header.
pub const TABLE_BORDER: Style = Style::new().fg(Color::Indexed(242));
/// Table header cells, laid over their text.
pub const TABLE_HEADER: Style = Style::new().add_modifier(Modifier::BOLD);
/// A horizontal rule.
pub const RULE: Style = Style::new().fg(Color::Indexed(240));
/// A footnote reference `[1]` and the number in front of its note (R48).
pub const FOOTNOTE: Style = Style::new().fg(Color::LightBlue);
/// An inline `#tag` (R37).
pub const TAG: Style = Style::new().fg(Color::Indexed(176));
/// The text of an inline `<a ...>` element.
pub const HTML_LINK: Style = Style::new().fg(Color::Blue);
/// The text of a `<a class="yt-timestamp">` element: a video timestamp.
pub const TIMESTAMP: Style = Style::new().fg(Color::Indexed(109));
/// The text of an HTML block (R50).
pub const HTML_BLOCK: Style = Style::new().fg(Color::Indexed(244));
/// The frame around a transcluded note (R26).
pub const EMBED_FRAME: Style = Style::new().fg(Color::Indexed(97));
/// The icon and details of an image or media placeholder (R27).
pub const MEDIA: Style = Style::new().fg(Color::Indexed(246));

/// The title row of the properties block.
pub const PROPS_TITLE: Style = Style::new().fg(Color::White).add_modifier(Modifier::BOLD);
/// A property name.
pub const PROPS_KEY: Style = Style::new().fg(Color::Indexed(245));
/// A property value.
pub const PROPS_VALUE: Style = Style::new().fg(Color::Indexed(252));
/// The frame of the properties block.
pub const PROPS_FRAME: Style = Style::new().fg(Color::Indexed(238));

/// Callout `note` (and unknown types), R43.
pub const CALLOUT_NOTE: Style = Style::new().fg(Color::Indexed(33));
/// Callout `abstract`, `summary`, `tldr`.
pub const CALLOUT_ABSTRACT: Style = Style::new().fg(Color::Indexed(45));
/// Callout `info`.
pub const CALLOUT_INFO: Style = Style::new().fg(Color::Indexed(75));
/// Callout `todo`.
pub const CALLOUT_TODO: Style = Style::new().fg(Color::Indexed(69));
/// Callout `tip`, `hint`, `important`.
pub const CALLOUT_TIP: Style = Style::new().fg(Color::Indexed(43));
/// Callout `success`, `check`, `done`.
pub const CALLOUT_SUCCESS: Style = Style::new().fg(Color::Indexed(41));
/// Callout `question`, `help`, `faq`.
pub const CALLOUT_QUESTION: Style = Style::new().fg(Color::Indexed(220));
/// Callout `warning`, `caution`, `attention`.
pub const CALLOUT_WARNING: Style = Style::new().fg(Color::Indexed(208));
/// Callout `failure`, `fail`, `missing`.
pub const CALLOUT_FAILURE: Style = Style::new().fg(Color::Indexed(203));
/// Callout `danger`, `error`.
pub const CALLOUT_DANGER: Style = Style::new().fg(Color::Indexed(160));
/// Callout `bug`.
pub const CALLOUT_BUG: Style = Style::new().fg(Color::Indexed(168));
/// Callout `example`.
pub const CALLOUT_EXAMPLE: Style = Style::new().fg(Color::Indexed(141));
/// Callout `quote`, `cite`.
pub const CALLOUT_QUOTE: Style = Style::new().fg(Color::Indexed(247));
/// A callout's title row, laid over its colour.
pub const CALLOUT_TITLE: Style = Style::new().add_modifier(Modifier::BOLD);
/// ANSI start of a search match in `engram grep` output on a terminal (bold red, as grep).
pub const ANSI_MATCH: &str = "\x1b[1;31m";
/// ANSI start of a path in `engram grep` output on a terminal.
pub const ANSI_PATH: &str = "\x1b[35m";
/// ANSI start of a line number in `engram grep` output on a terminal.
pub const ANSI_LINE: &str = "\x1b[32m";
/// ANSI reset after [`ANSI_MATCH`], [`ANSI_PATH`] or [`ANSI_LINE`].
pub const ANSI_RESET: &str = "\x1b[0m";
