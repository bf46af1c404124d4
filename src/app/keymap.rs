//! The one key table: (context, key) → action.
//!
//! [`action`] is a pure function of the context and the key event; the help overlay is drawn from
//! [`BINDINGS`], so a key that works is a key that is listed.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::Action;

/// Where a key is pressed: the browser itself or one of its popups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere: checked before the context's own keys.
    Any,
    /// The panes: note list, note and backlinks.
    Browse,
    /// The quick switcher popup: printable keys type into the query.
    Switcher,
    /// The outline popup.
    Outline,
    /// Link hints are shown: letters type a label.
    Hints,
    /// The help overlay.
    Help,
    /// The full-text search popup: printable keys type into the query.
    Find,
    /// The tags view.
    Tags,
    /// The loose-ends view.
    Loose,
}

impl Context {
    /// The heading this context's keys are listed under in the help.
    pub fn title(self) -> &'static str {
        match self {
            Context::Any => "Everywhere",
            Context::Browse => "Browsing",
            Context::Switcher => "Quick switcher",
            Context::Outline => "Outline",
            Context::Hints => "Link hints",
            Context::Help => "This help",
            Context::Find => "Full-text search",
            Context::Tags => "Tags",
            Context::Loose => "Loose ends",
        }
    }
}

/// A key with its modifiers, as written in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    /// The key.
    pub code: KeyCode,
    /// Ctrl and Alt; Shift is folded into the character (`G`, `?`) and into `BackTab`.
    pub mods: KeyModifiers,
}

const fn ch(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::NONE,
    }
}

const fn code(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        mods: KeyModifiers::CONTROL,
    }
}

const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::ALT,
    }
}

/// One row of the key table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// Where the keys work.
    pub context: Context,
    /// The keys, first the one the help shows first.
    pub keys: &'static [Key],
    /// What they do.
    pub action: Action,
    /// What the help says they do.
    pub help: &'static str,
}

const fn bind(
    context: Context,
    keys: &'static [Key],
    action: Action,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        action,
        help,
    }
}

use Context::{Any, Browse, Find, Help, Hints, Loose, Outline, Switcher, Tags};

/// Every key engram answers to, in the order the help lists them.
#[rustfmt::skip]
pub const BINDINGS: &[Binding] = &[
    bind(Any, &[ctrl('c')], Action::Quit, "quit"),
    bind(Any, &[ctrl('z')], Action::Suspend, "suspend to the shell; fg resumes"),
    // Browsing.
    bind(Browse, &[ch('j'), code(KeyCode::Down)], Action::Down, "next note or backlink; scroll the note down"),
    bind(Browse, &[ch('k'), code(KeyCode::Up)], Action::Up, "previous note or backlink; scroll the note up"),
    bind(Browse, &[ch('g'), code(KeyCode::Home)], Action::Top, "first note or backlink; top of the note"),
    bind(Browse, &[ch('G'), code(KeyCode::End)], Action::Bottom, "last note or backlink; end of the note"),
    bind(Browse, &[code(KeyCode::PageDown)], Action::PageDown, "a page down"),
    bind(Browse, &[code(KeyCode::PageUp)], Action::PageUp, "a page up"),
    bind(Browse, &[ctrl('d')], Action::HalfPageDown, "half a page down"),
    bind(Browse, &[ctrl('u')], Action::HalfPageUp, "half a page up"),
    bind(Browse, &[ch('h'), code(KeyCode::Left)], Action::FocusLeft, "focus the pane to the left (note list)"),
    bind(Browse, &[ch('l'), code(KeyCode::Right)], Action::FocusRight, "focus the pane to the right (note, then backlinks)"),
    bind(Browse, &[code(KeyCode::Enter)], Action::Activate, "open the selected note, backlink or link"),
    bind(Browse, &[code(KeyCode::Tab)], Action::NextLink, "select the next link in the note"),
    bind(Browse, &[code(KeyCode::BackTab)], Action::PrevLink, "select the previous link in the note"),
    bind(Browse, &[ch('f')], Action::ShowHints, "label the visible links; type a label to follow"),
    bind(Browse, &[ch('x')], Action::OpenExternal, "open the selected web link or file externally"),
    bind(Browse, &[ch('e')], Action::Edit, "edit the note in $VISUAL or $EDITOR"),
    bind(Browse, &[code(KeyCode::Backspace), alt(KeyCode::Left)], Action::Back, "back"),
    bind(Browse, &[alt(KeyCode::Right)], Action::Forward, "forward"),
    bind(Browse, &[ch('/'), ctrl('p')], Action::OpenSwitcher, "quick switcher: find a note by title, alias or path"),
    bind(Browse, &[ch('F'), ctrl('f')], Action::OpenFind, "full-text search: find lines in every note"),
    bind(Browse, &[ch('n')], Action::NextMatch, "next match of the last search in the note"),
    bind(Browse, &[ch('N')], Action::PrevMatch, "previous match of the last search in the note"),
    bind(Browse, &[ch('t'), ch('#')], Action::OpenTags, "tags: choose one to filter the note list"),
    bind(Browse, &[ch('u')], Action::OpenLoose, "loose ends: unresolved links, orphans, problems"),
    bind(Browse, &[ch('b')], Action::ToggleBacklinks, "focus the backlinks; again to return to the note"),
    bind(Browse, &[ch('o')], Action::OpenOutline, "outline: the headings of the note"),
    bind(Browse, &[ch('s')], Action::CycleSort, "sort the list by title, path or modified time"),
    bind(Browse, &[ch('?')], Action::ToggleHelp, "this help"),
    bind(Browse, &[code(KeyCode::Esc)], Action::Cancel, "clear the link selection, search marks, tag filter"),
    bind(Browse, &[ch('q')], Action::Quit, "quit"),
    // Quick switcher.
    bind(Switcher, &[code(KeyCode::Down), ctrl('n')], Action::Down, "next match"),
    bind(Switcher, &[code(KeyCode::Up), ctrl('p')], Action::Up, "previous match"),
    bind(Switcher, &[code(KeyCode::PageDown)], Action::PageDown, "a page of matches down"),
    bind(Switcher, &[code(KeyCode::PageUp)], Action::PageUp, "a page of matches up"),
    bind(Switcher, &[code(KeyCode::Enter)], Action::Activate, "open the chosen note"),
    bind(Switcher, &[code(KeyCode::Backspace)], Action::DeleteChar, "delete the last character"),
    bind(Switcher, &[ctrl('u')], Action::ClearInput, "clear the query"),
    bind(Switcher, &[code(KeyCode::Esc)], Action::Cancel, "close without opening"),
    // Full-text search.
    bind(Find, &[code(KeyCode::Down), ctrl('n')], Action::Down, "next result"),
    bind(Find, &[code(KeyCode::Up), ctrl('p')], Action::Up, "previous result"),
    bind(Find, &[code(KeyCode::PageDown)], Action::PageDown, "a page of results down"),
    bind(Find, &[code(KeyCode::PageUp)], Action::PageUp, "a page of results up"),
    bind(Find, &[code(KeyCode::Enter)], Action::Activate, "open the note at the result's line, matches marked"),
    bind(Find, &[code(KeyCode::Backspace)], Action::DeleteChar, "delete the last character"),
    bind(Find, &[ctrl('u')], Action::ClearInput, "clear the query"),
    bind(Find, &[code(KeyCode::Esc)], Action::Cancel, "close; n and N still find the query in notes"),
    // Tags.
    bind(Tags, &[ch('j'), code(KeyCode::Down)], Action::Down, "next tag"),
    bind(Tags, &[ch('k'), code(KeyCode::Up)], Action::Up, "previous tag"),
    bind(Tags, &[ch('g'), code(KeyCode::Home)], Action::Top, "first tag"),
    bind(Tags, &[ch('G'), code(KeyCode::End)], Action::Bottom, "last tag"),
    bind(Tags, &[code(KeyCode::PageDown)], Action::PageDown, "a page of tags down"),
    bind(Tags, &[code(KeyCode::PageUp)], Action::PageUp, "a page of tags up"),
    bind(Tags, &[code(KeyCode::Enter)], Action::Activate, "filter the note list to it; again to show all"),
    bind(Tags, &[code(KeyCode::Esc), ch('t'), ch('q')], Action::Cancel, "close"),
    // Loose ends.
    bind(Loose, &[ch('j'), code(KeyCode::Down)], Action::Down, "next row"),
    bind(Loose, &[ch('k'), code(KeyCode::Up)], Action::Up, "previous row"),
    bind(Loose, &[ch('g'), code(KeyCode::Home)], Action::Top, "first row"),
    bind(Loose, &[ch('G'), code(KeyCode::End)], Action::Bottom, "last row"),
    bind(Loose, &[code(KeyCode::PageDown)], Action::PageDown, "a page down"),
    bind(Loose, &[code(KeyCode::PageUp)], Action::PageUp, "a page up"),
    bind(Loose, &[code(KeyCode::Enter)], Action::Activate, "open the note at the link, or the note itself"),
    bind(Loose, &[code(KeyCode::Esc), ch('u'), ch('q')], Action::Cancel, "close"),
    // Outline.
    bind(Outline, &[ch('j'), code(KeyCode::Down)], Action::Down, "next heading"),
    bind(Outline, &[ch('k'), code(KeyCode::Up)], Action::Up, "previous heading"),
    bind(Outline, &[ch('g'), code(KeyCode::Home)], Action::Top, "first heading"),
    bind(Outline, &[ch('G'), code(KeyCode::End)], Action::Bottom, "last heading"),
    bind(Outline, &[code(KeyCode::Enter)], Action::Activate, "scroll the note to the heading"),
    bind(Outline, &[code(KeyCode::Esc), ch('o'), ch('q')], Action::Cancel, "close"),
    // Link hints.
    bind(Hints, &[code(KeyCode::Backspace)], Action::DeleteChar, "delete the last typed letter"),
    bind(Hints, &[code(KeyCode::Esc)], Action::Cancel, "hide the labels"),
    // Help.
    bind(Help, &[ch('j'), code(KeyCode::Down)], Action::Down, "scroll down"),
    bind(Help, &[ch('k'), code(KeyCode::Up)], Action::Up, "scroll up"),
    bind(Help, &[code(KeyCode::PageDown), ctrl('d')], Action::PageDown, "a page down"),
    bind(Help, &[code(KeyCode::PageUp), ctrl('u')], Action::PageUp, "a page up"),
    bind(Help, &[ch('g'), code(KeyCode::Home)], Action::Top, "top"),
    bind(Help, &[ch('G'), code(KeyCode::End)], Action::Bottom, "end"),
    bind(Help, &[code(KeyCode::Esc), ch('?'), ch('q')], Action::Cancel, "close"),
];

/// Keys that are not single table rows, listed in the help after the table: typed text and the mouse.
pub const EXTRA_HELP: &[(Context, &str, &str)] = &[
    (Switcher, "text", "type to narrow the matches (fuzzy)"),
    (
        Find,
        "text",
        "type a query (words, \"phrases\", OR, -not, tag:…)",
    ),
    (Hints, "a-z", "type a link's label to follow it"),
    (Any, "wheel", "scroll the pane under the pointer"),
    (
        Any,
        "click",
        "open a note in the list or a backlink; follow a link",
    ),
];

/// Folds Shift into characters and `BackTab`, where terminals disagree about reporting it.
fn normalize(key: KeyEvent) -> Key {
    let mut mods =
        key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
    if matches!(key.code, KeyCode::Char(_) | KeyCode::BackTab) {
        mods.remove(KeyModifiers::SHIFT);
    }
    let code = match key.code {
        // Ctrl with a letter arrives lowercase on most terminals; accept both.
        KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
            KeyCode::Char(c.to_ascii_lowercase())
        }
        c => c,
    };
    Key { code, mods }
}

/// The action a key press means in `context`, if any.
pub fn action(context: Context, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let k = normalize(key);
    let lookup = |ctx: Context| {
        BINDINGS
            .iter()
            .find(|b| b.context == ctx && b.keys.contains(&k))
            .map(|b| b.action)
    };
    if let Some(a) = lookup(Any).or_else(|| lookup(context)) {
        return Some(a);
    }
    match (context, k.code) {
        (Switcher | Find, KeyCode::Char(c)) if k.mods.is_empty() => Some(Action::Input(c)),
        (Hints, KeyCode::Char(c)) if k.mods.is_empty() => Some(Action::HintKey(c)),
        _ => None,
    }
}

/// How the help writes a key: `j`, `↓`, `Ctrl-d`, `Alt-←`, `Shift-Tab`.
pub fn key_name(key: &Key) -> String {
    let base = match key.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Down => "↓".into(),
        KeyCode::Up => "↑".into(),
        KeyCode::Left => "←".into(),
        KeyCode::Right => "→".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Esc => "Esc".into(),
        other => format!("{other:?}"),
    };
    let mut name = String::new();
    if key.mods.contains(KeyModifiers::CONTROL) {
        name.push_str("Ctrl-");
    }
    if key.mods.contains(KeyModifiers::ALT) {
        name.push_str("Alt-");
    }
    name.push_str(&base);
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn vim_keys_and_arrows_both_move() {
        for code in [KeyCode::Char('j'), KeyCode::Down] {
            assert_eq!(
                action(Browse, press(code, KeyModifiers::NONE)),
                Some(Action::Down)
            );
        }
    }

    #[test]
    fn shift_is_folded_into_characters() {
        assert_eq!(
            action(Browse, press(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            action(Browse, press(KeyCode::Char('?'), KeyModifiers::SHIFT)),
            Some(Action::ToggleHelp)
        );
        assert_eq!(
            action(Browse, press(KeyCode::BackTab, KeyModifiers::SHIFT)),
            Some(Action::PrevLink)
        );
    }

    #[test]
    fn alt_arrows_are_history_and_plain_arrows_focus() {
        assert_eq!(
            action(Browse, press(KeyCode::Left, KeyModifiers::ALT)),
            Some(Action::Back)
        );
        assert_eq!(
            action(Browse, press(KeyCode::Left, KeyModifiers::NONE)),
            Some(Action::FocusLeft)
        );
        assert_eq!(
            action(Browse, press(KeyCode::Right, KeyModifiers::ALT)),
            Some(Action::Forward)
        );
    }

    #[test]
    fn ctrl_c_quits_everywhere_and_q_types_in_the_switcher() {
        for ctx in [Browse, Switcher, Outline, Hints, Help, Find, Tags, Loose] {
            assert_eq!(
                action(ctx, press(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                Some(Action::Quit)
            );
        }
        assert_eq!(
            action(Switcher, press(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Input('q'))
        );
        assert_eq!(
            action(Hints, press(KeyCode::Char('a'), KeyModifiers::NONE)),
            Some(Action::HintKey('a'))
        );
    }

    #[test]
    fn releases_are_ignored() {
        let mut k = press(KeyCode::Char('j'), KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        assert_eq!(action(Browse, k), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for b in &BINDINGS[i + 1..] {
                let clash = a.keys.iter().any(|k| b.keys.contains(k))
                    && (a.context == b.context || a.context == Any || b.context == Any);
                assert!(!clash, "{:?} and {:?} share a key", a.help, b.help);
            }
        }
    }

    #[test]
    fn key_names_read_like_the_readme() {
        assert_eq!(key_name(&ctrl('d')), "Ctrl-d");
        assert_eq!(key_name(&alt(KeyCode::Left)), "Alt-←");
        assert_eq!(key_name(&code(KeyCode::BackTab)), "Shift-Tab");
    }
}
