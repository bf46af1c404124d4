//! Callouts (OFM R41–R44): recognising `[!type]` on the first line of a block quote, and each type's
//! colour, icon and default title.

use ratatui::style::Style;

use crate::theme;

/// The 13 callout types of R43; every alias maps to one of them, and unknown types to `Note`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CalloutKind {
    Note,
    Abstract,
    Info,
    Todo,
    Tip,
    Success,
    Question,
    Warning,
    Failure,
    Danger,
    Bug,
    Example,
    Quote,
}

impl CalloutKind {
    /// The type a `[!type]` identifier names, case-insensitively (R41, R43).
    pub fn from_type(t: &str) -> CalloutKind {
        match t.to_ascii_lowercase().as_str() {
            "abstract" | "summary" | "tldr" => CalloutKind::Abstract,
            "info" => CalloutKind::Info,
            "todo" => CalloutKind::Todo,
            "tip" | "hint" | "important" => CalloutKind::Tip,
            "success" | "check" | "done" => CalloutKind::Success,
            "question" | "help" | "faq" => CalloutKind::Question,
            "warning" | "caution" | "attention" => CalloutKind::Warning,
            "failure" | "fail" | "missing" => CalloutKind::Failure,
            "danger" | "error" => CalloutKind::Danger,
            "bug" => CalloutKind::Bug,
            "example" => CalloutKind::Example,
            "quote" | "cite" => CalloutKind::Quote,
            _ => CalloutKind::Note,
        }
    }

    /// The colour of the bar and the title.
    pub fn style(self) -> Style {
        match self {
            CalloutKind::Note => theme::CALLOUT_NOTE,
            CalloutKind::Abstract => theme::CALLOUT_ABSTRACT,
            CalloutKind::Info => theme::CALLOUT_INFO,
            CalloutKind::Todo => theme::CALLOUT_TODO,
            CalloutKind::Tip => theme::CALLOUT_TIP,
            CalloutKind::Success => theme::CALLOUT_SUCCESS,
            CalloutKind::Question => theme::CALLOUT_QUESTION,
            CalloutKind::Warning => theme::CALLOUT_WARNING,
            CalloutKind::Failure => theme::CALLOUT_FAILURE,
            CalloutKind::Danger => theme::CALLOUT_DANGER,
            CalloutKind::Bug => theme::CALLOUT_BUG,
            CalloutKind::Example => theme::CALLOUT_EXAMPLE,
            CalloutKind::Quote => theme::CALLOUT_QUOTE,
        }
    }

    /// A one-cell symbol standing in for Obsidian's icon (two cells for the bug).
    pub fn icon(self) -> &'static str {
        match self {
            CalloutKind::Note => "✎",
            CalloutKind::Abstract => "≡",
            CalloutKind::Info => "ℹ",
            CalloutKind::Todo => "☑",
            CalloutKind::Tip => "✦",
            CalloutKind::Success => "✔",
            CalloutKind::Question => "?",
            CalloutKind::Warning => "⚠",
            CalloutKind::Failure => "✘",
            CalloutKind::Danger => "ϟ",
            CalloutKind::Bug => "🐞",
            CalloutKind::Example => "▤",
            CalloutKind::Quote => "❝",
        }
    }
}

/// The first line of a callout: `[!type]`, the fold marker and where the title starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CalloutHead {
    /// The type, with aliases and unknown types mapped.
    pub kind: CalloutKind,
    /// The identifier as written, for the default title.
    pub raw: String,
    /// `Some('+')` (foldable, open) or `Some('-')` (folded), R41.
    pub fold: Option<char>,
    /// Bytes of the text to drop before the title (the marker and the spaces after it).
    pub skip: usize,
}

impl CalloutHead {
    /// The default title: the identifier in title case (R41).
    pub fn default_title(&self) -> String {
        let mut chars = self.raw.chars();
        match chars.next() {
            Some(first) => first
                .to_uppercase()
                .chain(chars.flat_map(char::to_lowercase))
                .collect(),
            None => String::new(),
        }
    }
}

/// Recognises `[!type]`, `[!type]+` or `[!type]-` at the start of the first text of a block quote
/// (R44: `^\[!([A-Za-z0-9_-]+)\]([+-]?)\s*`).
pub(crate) fn parse_head(text: &str) -> Option<CalloutHead> {
    let rest = text.strip_prefix("[!")?;
    let close = rest.find(']')?;
    let raw = &rest[..close];
    if raw.is_empty()
        || !raw
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let after = &rest[close + 1..];
    let fold = after.chars().next().filter(|c| *c == '+' || *c == '-');
    let after_fold = &after[fold.map_or(0, char::len_utf8)..];
    let title = after_fold.trim_start();
    Some(CalloutHead {
        kind: CalloutKind::from_type(raw),
        raw: raw.to_string(),
        fold,
        skip: text.len() - title.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r43_aliases_and_unknown_types() {
        assert_eq!(CalloutKind::from_type("FAQ"), CalloutKind::Question);
        assert_eq!(CalloutKind::from_type("important"), CalloutKind::Tip);
        assert_eq!(CalloutKind::from_type("caution"), CalloutKind::Warning);
        assert_eq!(
            CalloutKind::from_type("custom-question-type"),
            CalloutKind::Note
        );
    }

    #[test]
    fn r41_head_with_fold_and_title() {
        let h = parse_head("[!faq]- Are callouts foldable?").unwrap();
        assert_eq!(h.kind, CalloutKind::Question);
        assert_eq!(h.fold, Some('-'));
        assert_eq!(
            &"[!faq]- Are callouts foldable?"[h.skip..],
            "Are callouts foldable?"
        );
        assert_eq!(h.default_title(), "Faq");
        assert!(parse_head("[!not a type]").is_none());
        assert!(parse_head("[!]").is_none());
    }
}
