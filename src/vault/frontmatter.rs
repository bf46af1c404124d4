//! Splits the `---` YAML block off the top of a note and reads its properties (OFM R30–R36).
//!
//! This is the only module that names `serde_yaml`: the crate is no longer maintained, so keeping it
//! behind one small interface lets it be swapped without touching the rest of engram.

use serde_yaml::Value;

/// The frontmatter found at the top of a note.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Frontmatter {
    /// `title:` when it is a non-empty string (OFM R36: display only, never used to resolve links).
    pub title: Option<String>,
    /// `aliases:` (or the deprecated `alias:`), normalised to a list with empty entries dropped (R33).
    pub aliases: Vec<String>,
    /// `tags:` (or `tag:`), from a list, a single string or a comma-separated string; `#` stripped (R34).
    pub tags: Vec<String>,
    /// Every property in file order, the value rendered as one line of text for display.
    pub properties: Vec<(String, String)>,
    /// `[[wikilinks]]` written in property values (R7), with the key they were found under.
    pub links: Vec<(String, String)>,
}

/// Where the frontmatter block sits in the note's text, and the problem with it if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Byte offset where the Markdown body starts (0 when there is no frontmatter).
    pub body_start: usize,
    /// The YAML text between the fences, if a block was found.
    pub yaml: Option<(usize, usize)>,
    /// A frontmatter block was opened but never closed.
    pub unclosed: bool,
}

/// Finds a frontmatter block: `---` on the very first line, closed by a line of `---` or `...` (R30).
pub fn split(text: &str) -> Split {
    let none = Split {
        body_start: 0,
        yaml: None,
        unclosed: false,
    };
    let first_end = match text.find('\n') {
        Some(i) => i,
        None => return none,
    };
    if text[..first_end].trim_end_matches('\r').trim_end() != "---" {
        return none;
    }
    let yaml_start = first_end + 1;
    let mut pos = yaml_start;
    while pos <= text.len() {
        let line_end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..line_end].trim_end_matches('\r').trim_end();
        if line == "---" || line == "..." {
            let body_start = (line_end + 1).min(text.len());
            return Split {
                body_start,
                yaml: Some((yaml_start, pos)),
                unclosed: false,
            };
        }
        if line_end >= text.len() {
            break;
        }
        pos = line_end + 1;
    }
    Split {
        unclosed: true,
        ..none
    }
}

/// Why a frontmatter block could not be read.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError(pub String);

/// Largest YAML block engram parses; anything bigger is almost certainly not properties.
const MAX_YAML_BYTES: usize = 1 << 20;

/// Parses the YAML between the fences. An empty block is valid and has no properties.
pub fn parse(yaml: &str) -> Result<Frontmatter, YamlError> {
    if yaml.len() > MAX_YAML_BYTES {
        return Err(YamlError(format!(
            "frontmatter is {} bytes, more than the {} engram reads",
            yaml.len(),
            MAX_YAML_BYTES
        )));
    }
    if yaml.trim().is_empty() {
        return Ok(Frontmatter::default());
    }
    if let Some(pairs) = simple_pairs(yaml) {
        return Ok(from_simple(&pairs));
    }
    let value: Value =
        serde_yaml::from_str(yaml).map_err(|e| YamlError(one_line(&e.to_string())))?;
    let map = match value {
        Value::Mapping(m) => m,
        Value::Null => return Ok(Frontmatter::default()),
        other => {
            return Err(YamlError(format!(
                "frontmatter is a {}, not a set of `key: value` properties",
                kind(&other)
            )))
        }
    };
    Ok(from_mapping(&map))
}

/// The properties of a mapping the YAML parser read.
fn from_mapping(map: &serde_yaml::Mapping) -> Frontmatter {
    let mut fm = Frontmatter::default();
    for (k, v) in map {
        let key = match k {
            Value::String(s) => s.clone(),
            other => scalar_text(other).unwrap_or_else(|| "?".into()),
        };
        match key.to_ascii_lowercase().as_str() {
            "title" => {
                if let Some(t) = scalar_text(v) {
                    let t = t.trim();
                    if !t.is_empty() {
                        fm.title = Some(t.to_string());
                    }
                }
            }
            "aliases" | "alias" => fm.aliases.extend(string_list(v, false)),
            "tags" | "tag" => fm.tags.extend(
                string_list(v, true)
                    .into_iter()
                    .map(|t| t.trim_start_matches('#').to_string())
                    .filter(|t| !t.is_empty()),
            ),
            _ => {}
        }
        collect_links(&key, v, &mut fm.links);
        fm.properties.push((key, display(v)));
    }
    fm
}

/// A value [`simple_pairs`] reads: the text of a string (borrowed from the block), `true` or
/// `false`, or a list of strings.
#[derive(Debug, Clone, PartialEq)]
enum Simple<'a> {
    Str(&'a str),
    Bool(bool),
    List(Vec<&'a str>),
}

impl<'a> Simple<'a> {
    /// What [`scalar_text`] gives for the same value.
    fn scalar(&self) -> Option<&'a str> {
        match self {
            Simple::Str(s) => Some(s),
            Simple::Bool(true) => Some("true"),
            Simple::Bool(false) => Some("false"),
            Simple::List(_) => None,
        }
    }

    /// What [`string_list`] gives for the same value.
    fn strings(&self, split_commas: bool) -> Vec<&'a str> {
        let items = match self {
            Simple::List(items) => items.clone(),
            other => other.scalar().into_iter().collect(),
        };
        let mut out = Vec::new();
        for item in items {
            if split_commas {
                out.extend(item.split(',').map(str::trim));
            } else {
                out.push(item.trim());
            }
        }
        out.retain(|s| !s.is_empty());
        out
    }
}

/// [`from_mapping`] for the pairs [`simple_pairs`] read, without building YAML values: the same
/// properties, for a fraction of the work.
fn from_simple(pairs: &[(&str, Simple)]) -> Frontmatter {
    let mut fm = Frontmatter::default();
    for (key, v) in pairs {
        let is = |name: &str| key.eq_ignore_ascii_case(name);
        if is("title") {
            if let Some(t) = v.scalar().map(str::trim).filter(|t| !t.is_empty()) {
                fm.title = Some(t.to_string());
            }
        } else if is("aliases") || is("alias") {
            fm.aliases
                .extend(v.strings(false).into_iter().map(str::to_string));
        } else if is("tags") || is("tag") {
            fm.tags.extend(
                v.strings(true)
                    .into_iter()
                    .map(|t| t.trim_start_matches('#'))
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            );
        }
        let shown = match v {
            Simple::List(items) => {
                for item in items {
                    links_in(key, item, &mut fm.links);
                }
                items.join(", ")
            }
            other => {
                let text = other.scalar().unwrap_or_default();
                links_in(key, text, &mut fm.links);
                text.to_string()
            }
        };
        fm.properties.push((key.to_string(), shown));
    }
    fm
}

/// The mapping of a block made only of `key: value` lines whose keys and values are plain words,
/// such as `title: Sleep and focus` or `publish: true`, or lists of plain words (`tags: [a, b]`, or
/// `aliases:` then `  - Sleep debt` lines), read without the YAML parser (most notes' frontmatter is
/// of this kind, and serde_yaml costs more than the rest of the note). `None` for anything else,
/// which the YAML parser then reads: the rules below admit only lines that YAML reads as a string
/// key and a string value (or exactly `true`/`false`) or a list of strings, so the mapping is the
/// same.
fn simple_pairs(yaml: &str) -> Option<Vec<(&str, Simple<'_>)>> {
    const SPECIAL: &[&str] = &[
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~",
    ];
    // A word led by a digit or `_` (`videoId: 9RoIFOiLupf`, `_oOEKKiwdDE`) is a string to YAML
    // when it holds a letter that no number, `.inf` or `.nan` can hold; `12`, `1e3`, `0x1F` and
    // dates are left to the YAML parser.
    let not_a_number = |s: &str| {
        s.bytes()
            .any(|b| b.is_ascii_alphabetic() && !b"abcdefinoxABCDEFINOX".contains(&b))
    };
    let plain = |s: &str| {
        (s.starts_with(|c: char| c.is_ascii_alphabetic())
            || (s.starts_with(|c: char| c.is_ascii_digit() || c == '_') && not_a_number(s)))
            && plain_chars(s)
    };
    let special = |s: &str| SPECIAL.iter().any(|w| s.eq_ignore_ascii_case(w));
    // A list item: a plain word that YAML reads as a string.
    let item = |s| (plain(s) && !special(s)).then_some(s);
    let mut map: Vec<(&str, Simple)> = Vec::new();
    let mut lines = yaml.split('\n').filter(|l| !l.is_empty()).peekable();
    while let Some(line) = lines.next() {
        let (key, rest) = line.split_once(':')?;
        let key_ok = key.starts_with(|c: char| c.is_ascii_alphabetic())
            && key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
            && !special(key);
        if !key_ok {
            return None;
        }
        let value = if rest.bytes().all(|b| b == b' ') {
            // `key:` then `  - item` lines, all indented alike: a block list. (`key:` alone is
            // null, left to the YAML parser.)
            let first = lines.peek()?;
            let indent = first.len() - first.trim_start_matches(' ').len();
            let mut items = Vec::new();
            while let Some(l) = lines.peek() {
                let Some(rest) = l.get(indent..).and_then(|r| r.strip_prefix("- ")) else {
                    break;
                };
                if !l[..indent].bytes().all(|b| b == b' ') {
                    break;
                }
                items.push(item(rest.trim_matches(' '))?);
                lines.next();
            }
            if items.is_empty() {
                return None;
            }
            Simple::List(items)
        } else {
            let value = rest.strip_prefix(' ')?.trim_matches(' ');
            if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
                // `[a, b]`: a flow list of plain words.
                if inner.bytes().all(|b| b == b' ') {
                    Simple::List(Vec::new())
                } else {
                    Simple::List(
                        inner
                            .split(',')
                            .map(|i| item(i.trim_matches(' ')))
                            .collect::<Option<Vec<&str>>>()?,
                    )
                }
            } else if let Some(inner) = quoted(value) {
                Simple::Str(inner)
            } else if value.is_empty() || !plain(value) {
                return None;
            } else {
                match value {
                    "true" => Simple::Bool(true),
                    "false" => Simple::Bool(false),
                    v if special(v) => return None,
                    v => Simple::Str(v),
                }
            }
        };
        if map.iter().any(|(k, _)| *k == key) {
            return None; // a duplicate key is an error the YAML parser reports
        }
        map.push((key, value));
    }
    Some(map)
}

/// [`simple_pairs`] as the YAML values they stand for, to check them against the YAML parser.
#[cfg(test)]
fn simple_mapping(yaml: &str) -> Option<serde_yaml::Mapping> {
    let value = |v: &Simple| match v {
        Simple::Str(s) => Value::String(s.to_string()),
        Simple::Bool(b) => Value::Bool(*b),
        Simple::List(items) => {
            Value::Sequence(items.iter().map(|s| Value::String(s.to_string())).collect())
        }
    };
    let pairs = simple_pairs(yaml)?;
    // The properties read from the pairs are those read from the YAML parser's mapping.
    let mapping: serde_yaml::Mapping = pairs
        .iter()
        .map(|(k, v)| (Value::String(k.to_string()), value(v)))
        .collect();
    assert_eq!(from_simple(&pairs), from_mapping(&mapping), "{yaml:?}");
    Some(mapping)
}

/// ASCII bytes that keep a word from being plain YAML: control characters and indicators.
const NOT_PLAIN: [bool; 128] = {
    let mut t = [false; 128];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[0x7f] = true;
    let indicators = b"#:{}[],&*!|>'\"%@`";
    let mut i = 0;
    while i < indicators.len() {
        t[indicators[i] as usize] = true;
        i += 1;
    }
    t
};

/// Whether `s` holds no control character, YAML indicator, line or paragraph separator, byte-order
/// mark or `U+FFFE`/`U+FFFF`: read a byte at a time (a table for ASCII), not a `char` at a time.
fn plain_chars(s: &str) -> bool {
    let b = s.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c < 0x80 {
            if NOT_PLAIN[usize::from(c)] {
                return false;
            }
            continue;
        }
        // The wider characters that are out, by their UTF-8 bytes: C1 controls (U+0080–U+009F),
        // U+2028, U+2029, U+FEFF, U+FFFE and U+FFFF. Their lead bytes are never continuation
        // bytes, so looking at every byte finds each character once.
        let bad = match (c, b.get(i + 1), b.get(i + 2)) {
            (0xc2, Some(&n), _) => n < 0xa0,
            (0xe2, Some(0x80), Some(0xa8 | 0xa9)) => true,
            (0xef, Some(0xbb), Some(0xbf)) => true,
            (0xef, Some(0xbf), Some(0xbe | 0xbf)) => true,
            _ => false,
        };
        if bad {
            return false;
        }
    }
    true
}

/// `"text"` with no `"` or `\\` inside, or `'text'` with no `'`: the text YAML reads, whatever it
/// holds (`related: "[[Note]]"`), but for control characters and line separators.
fn quoted(s: &str) -> Option<&str> {
    let inner = s
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|i| !i.contains(['"', '\\']))
        .or_else(|| {
            s.strip_prefix('\'')
                .and_then(|v| v.strip_suffix('\''))
                .filter(|i| !i.contains('\''))
        })?;
    let odd =
        |c: char| c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}'..='\u{ffff}');
    (!inner.chars().any(odd)).then_some(inner)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Sequence(_) => "list",
        Value::Mapping(_) => "mapping",
        Value::Tagged(_) => "tagged value",
    }
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_text(&t.value),
        _ => None,
    }
}

/// A list property as strings: a sequence, or a scalar (split on commas when `split_commas`).
fn string_list(v: &Value, split_commas: bool) -> Vec<String> {
    let items: Vec<String> = match v {
        Value::Sequence(seq) => seq.iter().filter_map(scalar_text).collect(),
        other => scalar_text(other).into_iter().collect(),
    };
    items
        .into_iter()
        .flat_map(|s| {
            if split_commas {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .collect::<Vec<_>>()
            } else {
                vec![s.trim().to_string()]
            }
        })
        .filter(|s| !s.is_empty())
        .collect()
}

/// One line of text for a property value, as a properties panel shows it.
fn display(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Sequence(seq) => seq.iter().map(display).collect::<Vec<_>>().join(", "),
        Value::Mapping(m) => m
            .iter()
            .map(|(k, v)| format!("{}: {}", display(k), display(v)))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Tagged(t) => display(&t.value),
        other => scalar_text(other).unwrap_or_default(),
    }
}

fn collect_links(key: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::String(s) => links_in(key, s, out),
        Value::Sequence(seq) => seq.iter().for_each(|x| collect_links(key, x, out)),
        Value::Tagged(t) => collect_links(key, &t.value, out),
        _ => {}
    }
}

/// The `[[links]]` of one string value, found under `key`.
fn links_in(key: &str, s: &str, out: &mut Vec<(String, String)>) {
    // Most values hold no `[` at all: a byte search says so before a string searcher is set up.
    if memchr::memchr(b'[', s.as_bytes()).is_none() {
        return;
    }
    let mut rest = s;
    while let Some(open) = rest.find("[[") {
        let after = &rest[open + 2..];
        let Some(close) = after.find("]]") else { break };
        let inner = &after[..close];
        if !inner.trim().is_empty() && !inner.contains('\n') {
            out.push((key.to_string(), inner.to_string()));
        }
        rest = &after[close + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_simple_reader_agrees_with_yaml_or_declines() {
        let blocks = [
            "title: AI and computational models in neuroscience\nvideoId: etbfLTHD_VU\n",
            "publish: true\n",
            "publish: True\n",
            "a: null\nb: Null\n",
            "title: Café — naïve résumé\n",
            "title: yes\n",
            "title: 12\n",
            "videoId: -abc\n",
            "title: a: b\n",
            "title: a #comment\n",
            "title:  spaced  out  \n",
            "title: x\ntitle: y\n",
            "tags: [a, b]\n",
            "aliases:\n  - one\n",
            "tags: [thalamus, heart]\naliases:\n  - Sleep Debt\n  - Naps\nrelated: x\n",
            "aliases:\n- zero indent\n- two\ntitle: t\n",
            "tags: []\n",
            "tags: [ a ,b c ]\n",
            "tags: [a, b,]\n",
            "tags: [a, [b]]\n",
            "tags: [a, true]\n",
            "tags: [a, 12]\n",
            "tags: [a, 'b']\n",
            "tags: [a, b] # c\n",
            "aliases:\n  - one\n   - two\n",
            "aliases:\n  - one\n  -two\n",
            "aliases:\n  - one\n    more\n",
            "aliases:\n  - one\n - two\n",
            "aliases:\n  - null\n",
            "aliases:\n  -\n",
            "aliases:\n",
            "aliases:\ntitle: t\n",
            "aliases:\n  - a: b\n",
            "aliases:\n  - [a]\n",
            "key:value\n",
            "nan: inf\n",
            "title: x\r\n",
            "\nfirst: one\n\nsecond: two words\n",
            "my key: v\n",
            "related: \"[[x]]\"\n",
            "videoId: 9RoIFOiLupf\nother: _oOEKKiwdDE\n",
            "num: 12\n",
            "num: 1e3\n",
            "num: 0x1F\n",
            "num: 0o17\n",
            "num: 1_000\n",
            "num: 2024-01-05\n",
            "num: .inf\n",
            "num: 12abc\n",
            "num: 12th\n",
            "num: _12\n",
            "q: 'it''s'\n",
            "q: \"a\\\"b\"\n",
            "q: \"a\\tb\"\n",
            "q: \"\"\n",
            "q: ''\n",
            "q: \"x\" # c\n",
            "q: \"a: b # c [[d]]\"\n",
            "q: '[[d|e]], f'\n",
            "q: \"\n",
        ];
        let mut fast = 0;
        for yaml in blocks {
            if let Some(map) = simple_mapping(yaml) {
                fast += 1;
                let slow: Value = serde_yaml::from_str(yaml).expect("valid YAML");
                assert_eq!(Value::Mapping(map), slow, "{yaml:?}");
            }
        }
        assert_eq!(fast, 19, "the simple blocks take the fast path");
    }

    /// Random blocks glued from lines the fast reader takes and lines it must not misread: every
    /// block it reads, it reads as the YAML parser does.
    #[test]
    fn the_simple_reader_agrees_with_yaml_on_random_blocks() {
        let lines = [
            "title: Sleep",
            "title: a b",
            "tags: [x, y z]",
            "tags: []",
            "tags: [x,]",
            "tags: [x, 1]",
            "aliases:",
            "  - one",
            "  - two words",
            "- zero",
            "   - three",
            "    - four",
            "  -five",
            "  - null",
            "  - a: b",
            "  - [a]",
            "  more",
            "publish: true",
            "k: v # c",
            "k: 'q'",
            "k: 'q r: [[s]]'",
            "k: 'it''s'",
            "k: \"[[a]] b\"",
            "k: \"a\\\"b\"",
            "k: \"\"",
            "videoId: 9RoIF-x_y",
            "num: 12e3",
            "num: 0x1Fg",
            "num: _",
            "  - 9lives",
            "tags: [3d, 12]",
            "",
            "other-key: z",
            "Title: Upper Case",
            "title: \"  padded  \"",
            "tag: \"#x, #y,,\"",
            "TAGS: [b, c]",
            "ALIASES: 'a, b'",
            "alias: true",
            "title: false",
        ];
        let mut rng = crate::gen::Rng::new(7);
        let (mut fast, mut lists) = (0, 0);
        for _ in 0..20_000 {
            let n = rng.range(1, 6);
            let mut yaml = String::new();
            for _ in 0..n {
                yaml.push_str(rng.pick(&lines));
                yaml.push('\n');
            }
            // An empty block never reaches the reader (`parse` answers it first).
            let Some(map) = simple_mapping(&yaml).filter(|_| !yaml.trim().is_empty()) else {
                continue;
            };
            fast += 1;
            lists += usize::from(map.values().any(|v| matches!(v, Value::Sequence(_))));
            let slow: Result<Value, _> = serde_yaml::from_str(&yaml);
            assert_eq!(
                Ok(Value::Mapping(map)),
                slow.map_err(|e| e.to_string()),
                "{yaml:?}"
            );
        }
        assert!(
            fast > 1_000 && lists > 300,
            "{fast} read, {lists} with lists"
        );
    }

    proptest::proptest! {
        /// `plain_chars` turns down exactly the characters the rule names, a `char` at a time.
        #[test]
        fn plain_chars_is_the_character_rule(
            s in "[a-z #:{}\\[\\],&*!|>'\"%@`\\x00-\\x1f\\x7f\\u{80}-\\u{a0}é\\u{2027}-\\u{202a}\\u{feff}\\u{fffd}-\\u{ffff}\\u{10000}]{0,6}",
        ) {
            let by_char = !s.chars().any(|c| {
                c.is_control()
                    || matches!(
                        c,
                        '#' | ':' | '{' | '}' | '[' | ']' | ',' | '&' | '*' | '!' | '|' | '>' | '\''
                            | '"' | '%' | '@' | '`' | '\u{2028}' | '\u{2029}' | '\u{feff}'
                            | '\u{fffe}' | '\u{ffff}'
                    )
            });
            proptest::prop_assert_eq!(plain_chars(&s), by_char, "{:?}", s);
        }
    }

    #[test]
    fn split_finds_block_and_body() {
        let text = "---\ntitle: A\n---\nbody\n";
        let s = split(text);
        assert_eq!(&text[s.yaml.unwrap().0..s.yaml.unwrap().1], "title: A\n");
        assert_eq!(&text[s.body_start..], "body\n");
    }

    #[test]
    fn split_crlf_and_dots_closer() {
        let text = "---\r\ntitle: A\r\n...\r\nbody";
        let s = split(text);
        assert_eq!(&text[s.body_start..], "body");
    }

    #[test]
    fn split_unclosed_is_reported_and_body_is_whole_text() {
        let s = split("---\ntitle: A\nno end");
        assert!(s.unclosed);
        assert_eq!(s.body_start, 0);
    }

    #[test]
    fn no_frontmatter_unless_first_line() {
        assert_eq!(split("\n---\na: 1\n---\n").yaml, None);
        assert_eq!(split("text").yaml, None);
    }

    #[test]
    fn r33_aliases_list_scalar_and_empty_items() {
        assert_eq!(parse("aliases: [a, b]").unwrap().aliases, ["a", "b"]);
        assert_eq!(parse("aliases: SC").unwrap().aliases, ["SC"]);
        assert_eq!(parse("aliases:\n- \n- x\n").unwrap().aliases, ["x"]);
        assert_eq!(parse("alias: old").unwrap().aliases, ["old"]);
    }

    #[test]
    fn r34_tags_forms() {
        assert_eq!(
            parse("tags:\n  - recipe\n  - cooking").unwrap().tags,
            ["recipe", "cooking"]
        );
        assert_eq!(
            parse("tags: book, business").unwrap().tags,
            ["book", "business"]
        );
        assert_eq!(parse("tags: \"#foo\"").unwrap().tags, ["foo"]);
        // `tags: #foo` is a YAML comment: no tag at all.
        assert!(parse("tags: #foo").unwrap().tags.is_empty());
        assert_eq!(parse("tag: single").unwrap().tags, ["single"]);
    }

    #[test]
    fn r36_title_and_properties_in_file_order() {
        let fm = parse("title: T\nvideoId: abc\nzeta: [1, 2]\nalpha: true").unwrap();
        assert_eq!(fm.title.as_deref(), Some("T"));
        let keys: Vec<_> = fm.properties.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["title", "videoId", "zeta", "alpha"]);
        assert_eq!(fm.properties[2].1, "1, 2");
    }

    #[test]
    fn r7_links_in_properties() {
        let fm = parse("link: \"[[Episode IV]]\"\nlinks:\n  - \"[[A]]\"\n  - \"[[B|b]]\"").unwrap();
        let targets: Vec<_> = fm.links.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(targets, ["Episode IV", "A", "B|b"]);
    }

    #[test]
    fn invalid_yaml_is_an_error_not_a_panic() {
        assert!(parse("title: [unclosed").is_err());
        assert!(parse("- just\n- a list").is_err());
        assert!(parse(": : :\n\t- ").is_err());
    }

    #[test]
    fn exponential_aliases_do_not_hang() {
        let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n\
                    b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n\
                    c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n\
                    d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n\
                    e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n\
                    f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n\
                    g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n\
                    h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n";
        // serde_yaml refuses to expand aliases past its repetition limit: an error, quickly.
        let err = parse(bomb).unwrap_err();
        assert!(err.0.contains("repetition limit"), "{}", err.0);
    }
}
