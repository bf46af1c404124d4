//! Syntax highlighting of fenced code blocks with syntect. The syntax and theme sets load once per
//! process; a language syntect does not know is shown unhighlighted.

use std::sync::OnceLock;

use ratatui::style::Style;
use syntect::easy::HighlightLines;
use syntect::highlighting::{FontStyle, Theme, ThemeSet};
use syntect::parsing::{SyntaxReference, SyntaxSet};

use crate::theme;

/// Code blocks larger than this are shown without colour: highlighting is the slowest part of
/// rendering, and a block this size is data rather than code to read.
const MAX_HIGHLIGHT_BYTES: usize = 256 * 1024;

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn code_theme() -> Option<&'static Theme> {
    static THEMES: OnceLock<ThemeSet> = OnceLock::new();
    THEMES
        .get_or_init(ThemeSet::load_defaults)
        .themes
        .get(theme::CODE_THEME)
}

/// The syntax for a fence's language, through the names people write that syntect lacks.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let lang = lang.trim().to_ascii_lowercase();
    let token = match lang.as_str() {
        "" | "text" | "txt" | "plain" | "plaintext" => return None,
        "ts" | "typescript" | "tsx" | "jsx" | "dataviewjs" | "json5" => "js",
        "shell" | "zsh" | "console" | "shell-session" => "bash",
        "yml" => "yaml",
        "py" => "python",
        "rs" => "rust",
        "c++" => "cpp",
        "md" | "markdown" => "md",
        other => other,
    };
    syntaxes().find_syntax_by_token(token)
}

/// Splits code into lines of styled tokens, coloured by language when syntect knows it. Lines have
/// no line terminators; text is not yet sanitised.
pub(crate) fn highlight(lang: Option<&str>, code: &str) -> Vec<Vec<(Style, String)>> {
    let plain = || {
        code.split('\n')
            .map(|l| vec![(theme::CODE_BLOCK, l.trim_end_matches('\r').to_string())])
            .collect()
    };
    let (Some(syntax), Some(th)) = (lang.and_then(syntax_for), code_theme()) else {
        return plain();
    };
    if code.len() > MAX_HIGHLIGHT_BYTES {
        return plain();
    }
    let set = syntaxes();
    let mut h = HighlightLines::new(syntax, th);
    let mut out = Vec::new();
    for line in code.split_inclusive('\n') {
        let Ok(tokens) = h.highlight_line(line, set) else {
            return plain();
        };
        let mut row = Vec::with_capacity(tokens.len());
        for (st, text) in tokens {
            let text = text.trim_end_matches(['\n', '\r']);
            if text.is_empty() {
                continue;
            }
            let fg = st.foreground;
            let style = theme::code_token(
                (fg.r, fg.g, fg.b),
                st.font_style.contains(FontStyle::BOLD),
                st.font_style.contains(FontStyle::ITALIC),
                st.font_style.contains(FontStyle::UNDERLINE),
            );
            row.push((style, text.to_string()));
        }
        out.push(row);
    }
    if code.is_empty() || code.ends_with('\n') {
        out.push(Vec::new());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_known_languages_and_keeps_lines() {
        let lines = highlight(Some("rust"), "fn main() {\n    let x = 1;\n}");
        assert_eq!(lines.len(), 3);
        assert!(lines[0].len() > 1, "rust is tokenised: {:?}", lines[0]);
        let plain = highlight(Some("no-such-language"), "a\nb");
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[0], vec![(theme::CODE_BLOCK, "a".to_string())]);
    }
}
