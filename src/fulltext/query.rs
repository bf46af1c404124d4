//! The search language: Obsidian's search syntax (help vault `en/Plugins/Search.md`) parsed into a
//! boolean expression over terms, with smart case resolved once at parse time.
//!
//! Grammar, loosest binding first:
//!
//! ```text
//! query    := or_expr
//! or_expr  := and_expr ("OR" and_expr)*        `meeting work OR meetup personal`
//! and_expr := unary+                           words side by side are ANDed
//! unary    := "-" unary | primary              `-word`, `-"a phrase"`, `-tag:x`, `-(a b)`
//! primary  := "(" or_expr ")" | "\"phrase\"" | word | name ":" value
//! value    := "\"phrase\"" | "(" or_expr ")" | word
//! ```

use std::fmt;

/// Why a query could not be parsed. The messages are shown as they are to the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// Nothing to search for.
    #[error("empty query")]
    Empty,
    /// A `"` without its closing `"`.
    #[error("unclosed quote")]
    UnclosedQuote,
    /// An operator name that Obsidian's search does not define, or that engram does not support.
    #[error("unknown operator \"{0}:\" (put it in quotes to search for the text)")]
    UnknownOperator(String),
    /// `file:` followed by nothing.
    #[error("{0}: needs a value")]
    MissingValue(String),
    /// An opening parenthesis without its `)`; the operator that opened it, if any.
    #[error("{}( needs a closing )", .0.as_deref().map(|o| format!("{o}:")).unwrap_or_default())]
    UnclosedParen(Option<String>),
    /// A `)` with no `(` before it.
    #[error("unexpected ) without an opening (")]
    UnexpectedParen,
    /// `()` or `line:()`.
    #[error("empty parentheses")]
    EmptyGroup,
    /// `OR` at the start or end of a group, or twice in a row.
    #[error("OR needs a term on each side")]
    DanglingOr,
    /// A `-` with nothing after it.
    #[error("\"-\" needs a term after it")]
    DanglingNot,
    /// `""`, or `tag:#`: a term with no text.
    #[error("empty term")]
    EmptyTerm,
    /// `/regex/`: Obsidian's regular expressions are not supported.
    #[error("regular expressions (/.../) are not supported; quote the text to search for it")]
    Regex,
}

/// What a term is matched against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The note's text, frontmatter included (bare words, `content:`).
    Content,
    /// The file name with its extension (`file:`).
    File,
    /// The vault path with its extension (`path:`).
    Path,
    /// The note's tags, frontmatter and inline (`tag:`): the tag itself or any tag nested under it (R38).
    Tag,
}

/// Which part of a note all the terms of a scoped group must share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One line (`line:(...)`).
    Line,
    /// One block: a run of non-blank lines (`block:(...)`).
    Block,
    /// The text from one heading to the next heading of any level (`section:(...)`); the text
    /// before the first heading, frontmatter included, is a section too.
    Section,
    /// One task line, `- [ ] ...` or `1. [x] ...` (`task:`, `task-todo:`, `task-done:`).
    Task(TaskState),
}

/// Which tasks a task scope accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskState {
    /// Any task (`task:`).
    Any,
    /// Tasks whose checkbox is `[ ]` (`task-todo:`).
    Todo,
    /// Tasks whose checkbox holds anything else, such as `[x]` (`task-done:`).
    Done,
}

/// One literal to look for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    /// What it is matched against.
    pub field: Field,
    /// The text as written, without quotes (and without `#` for tags).
    pub text: String,
    /// Matched with exact case (smart case, or `match-case:`). Tags never are.
    pub case_sensitive: bool,
    /// For [`Field::Content`] terms: index into [`Query::content_terms`].
    pub id: usize,
}

/// A parsed query: a boolean expression over terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// Every part holds.
    And(Vec<Expr>),
    /// At least one part holds.
    Or(Vec<Expr>),
    /// The part does not hold.
    Not(Box<Expr>),
    /// A literal occurs.
    Term(Term),
    /// The inner expression holds within one line, block, section or task.
    Scope(Scope, Box<Expr>),
}

/// A search query in Obsidian's syntax. See the module documentation for the grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The expression.
    pub expr: Expr,
    /// The content terms, indexed by [`Term::id`]: text and whether case matters.
    pub content_terms: Vec<(String, bool)>,
    /// The query as typed.
    pub source: String,
}

impl fmt::Display for Query {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    Phrase(String),
    /// `name:` directly followed by its value.
    Op(String),
    Open,
    Close,
    Minus,
    Or,
}

/// How a term's case is decided before smart case is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CaseMode {
    Smart,
    Sensitive,
    Insensitive,
}

/// Parser context that an operator hands down to its value.
#[derive(Debug, Clone, Copy)]
struct Ctx {
    field: Field,
    case: CaseMode,
}

fn tokenize(s: &str) -> Result<Vec<Tok>, QueryError> {
    let chars: Vec<char> = s.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            toks.push(Tok::Open);
            i += 1;
        } else if c == ')' {
            toks.push(Tok::Close);
            i += 1;
        } else if c == '"' {
            let (phrase, next) = phrase(&chars, i + 1)?;
            toks.push(Tok::Phrase(phrase));
            i = next;
        } else if c == '-' {
            // Only reached where a term starts: a `-` inside a word (`e-mail`) is read with the word.
            toks.push(Tok::Minus);
            i += 1;
        } else {
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], '(' | ')' | '"')
            {
                // `name:` ends the word so its value can be a phrase or a group.
                if chars[i] == ':' && is_operator_name(&chars[start..i]) {
                    let rest: String = chars[i + 1..].iter().take(2).collect();
                    if !rest.starts_with("//") {
                        break;
                    }
                }
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if i < chars.len() && chars[i] == ':' {
                i += 1;
                if chars.get(i).is_none_or(|c| c.is_whitespace() || *c == ')') {
                    return Err(QueryError::MissingValue(word.to_ascii_lowercase()));
                }
                toks.push(Tok::Op(word));
            } else if word == "OR" {
                toks.push(Tok::Or);
            } else {
                if word.len() > 2 && word.starts_with('/') && word.ends_with('/') {
                    return Err(QueryError::Regex);
                }
                toks.push(Tok::Word(word));
            }
        }
    }
    Ok(toks)
}

fn is_operator_name(name: &[char]) -> bool {
    !name.is_empty()
        && name[0].is_ascii_alphabetic()
        && name.iter().all(|c| c.is_ascii_alphabetic() || *c == '-')
}

/// Reads a phrase after its opening quote; `\"` and `\\` are escapes. Returns the text and the index
/// after the closing quote.
fn phrase(chars: &[char], mut i: usize) -> Result<(String, usize), QueryError> {
    let mut out = String::new();
    while i < chars.len() {
        match chars[i] {
            '"' => return Ok((out, i + 1)),
            '\\' if matches!(chars.get(i + 1), Some('"') | Some('\\')) => {
                out.push(chars[i + 1]);
                i += 2;
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    Err(QueryError::UnclosedQuote)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Terms whose case waits for smart case: (content id or none, text) collected while parsing.
    pending: Vec<PendingCase>,
    content: Vec<(String, bool)>,
}

/// Where a term's case decision lands once smart case is known.
struct PendingCase {
    mode: CaseMode,
    text: String,
    /// Counts towards smart case: content, file and path terms.
    votes: bool,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or_expr(&mut self, ctx: Ctx) -> Result<Expr, QueryError> {
        let mut parts = vec![self.and_expr(ctx)?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and_expr(ctx)?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and_expr(&mut self, ctx: Ctx) -> Result<Expr, QueryError> {
        let mut parts = Vec::new();
        while let Some(t) = self.peek() {
            match t {
                Tok::Close => break,
                Tok::Or => return Err(QueryError::DanglingOr),
                _ => parts.push(self.unary(ctx)?),
            }
            if self.peek() == Some(&Tok::Or) {
                break;
            }
        }
        match parts.len() {
            0 if self.pos > 0 && self.toks.get(self.pos - 1) == Some(&Tok::Or) => {
                Err(QueryError::DanglingOr)
            }
            0 => Err(QueryError::EmptyGroup),
            1 => Ok(parts.remove(0)),
            _ => Ok(Expr::And(parts)),
        }
    }

    fn unary(&mut self, ctx: Ctx) -> Result<Expr, QueryError> {
        if self.peek() == Some(&Tok::Minus) {
            self.pos += 1;
            return match self.peek() {
                None | Some(Tok::Close) | Some(Tok::Or) => Err(QueryError::DanglingNot),
                _ => Ok(Expr::Not(Box::new(self.unary(ctx)?))),
            };
        }
        self.primary(ctx)
    }

    fn group(&mut self, ctx: Ctx, op: Option<&str>) -> Result<Expr, QueryError> {
        if self.peek() == Some(&Tok::Close) {
            return Err(QueryError::EmptyGroup);
        }
        if self.peek().is_none() {
            return Err(QueryError::UnclosedParen(op.map(str::to_string)));
        }
        let e = self.or_expr(ctx)?;
        match self.next() {
            Some(Tok::Close) => Ok(e),
            _ => Err(QueryError::UnclosedParen(op.map(str::to_string))),
        }
    }

    fn primary(&mut self, ctx: Ctx) -> Result<Expr, QueryError> {
        match self.next() {
            Some(Tok::Open) => self.group(ctx, None),
            Some(Tok::Phrase(p)) | Some(Tok::Word(p)) => self.term(ctx, p),
            Some(Tok::Op(name)) => self.operator(ctx, name),
            Some(Tok::Close) => Err(QueryError::UnexpectedParen),
            Some(Tok::Or) => Err(QueryError::DanglingOr),
            Some(Tok::Minus) => Err(QueryError::DanglingNot),
            None => Err(QueryError::Empty),
        }
    }

    fn operator(&mut self, ctx: Ctx, name: String) -> Result<Expr, QueryError> {
        let lower = name.to_ascii_lowercase();
        let (inner, scope) = match lower.as_str() {
            "file" => (
                Ctx {
                    field: Field::File,
                    ..ctx
                },
                None,
            ),
            "path" => (
                Ctx {
                    field: Field::Path,
                    ..ctx
                },
                None,
            ),
            "content" => (
                Ctx {
                    field: Field::Content,
                    ..ctx
                },
                None,
            ),
            "tag" => (
                Ctx {
                    field: Field::Tag,
                    ..ctx
                },
                None,
            ),
            "match-case" => (
                Ctx {
                    case: CaseMode::Sensitive,
                    ..ctx
                },
                None,
            ),
            "ignore-case" => (
                Ctx {
                    case: CaseMode::Insensitive,
                    ..ctx
                },
                None,
            ),
            "line" => (ctx, Some(Scope::Line)),
            "block" => (ctx, Some(Scope::Block)),
            "section" => (ctx, Some(Scope::Section)),
            "task" => (ctx, Some(Scope::Task(TaskState::Any))),
            "task-todo" => (ctx, Some(Scope::Task(TaskState::Todo))),
            "task-done" => (ctx, Some(Scope::Task(TaskState::Done))),
            _ => return Err(QueryError::UnknownOperator(name)),
        };
        let value = match self.peek() {
            Some(Tok::Open) => {
                self.pos += 1;
                self.group(inner, Some(&lower))?
            }
            Some(Tok::Phrase(_)) | Some(Tok::Word(_)) | Some(Tok::Op(_)) => self.primary(inner)?,
            // `file:-x` and `tag:OR` are not negations or keywords here: they are the value.
            Some(Tok::Minus) => {
                self.pos += 1;
                match self.peek() {
                    Some(Tok::Word(w)) => {
                        let w = format!("-{w}");
                        self.pos += 1;
                        self.term(inner, w)?
                    }
                    _ => self.term(inner, "-".into())?,
                }
            }
            Some(Tok::Or) => {
                self.pos += 1;
                self.term(inner, "OR".into())?
            }
            _ => return Err(QueryError::MissingValue(lower)),
        };
        Ok(match scope {
            Some(s) => Expr::Scope(s, Box::new(value)),
            None => value,
        })
    }

    fn term(&mut self, ctx: Ctx, text: String) -> Result<Expr, QueryError> {
        let text = if ctx.field == Field::Tag {
            let t = text.trim_start_matches('#');
            t.trim_end_matches('/').to_string()
        } else {
            text
        };
        if text.is_empty() {
            return Err(QueryError::EmptyTerm);
        }
        let id = if ctx.field == Field::Content {
            self.content.push((text.clone(), false));
            self.content.len() - 1
        } else {
            usize::MAX
        };
        self.pending.push(PendingCase {
            mode: if ctx.field == Field::Tag {
                CaseMode::Insensitive
            } else {
                ctx.case
            },
            text: text.clone(),
            votes: ctx.field != Field::Tag && ctx.case == CaseMode::Smart,
        });
        Ok(Expr::Term(Term {
            field: ctx.field,
            text,
            case_sensitive: false,
            id,
        }))
    }
}

/// Sets each term's case once the whole query is known: terms in smart case are case-sensitive when
/// any smart-case term of the query (content, `file:`, `path:`) holds an uppercase letter.
fn resolve_case(expr: &mut Expr, modes: &mut std::slice::Iter<'_, PendingCase>, smart: bool) {
    match expr {
        Expr::And(v) | Expr::Or(v) => v.iter_mut().for_each(|e| resolve_case(e, modes, smart)),
        Expr::Not(e) | Expr::Scope(_, e) => resolve_case(e, modes, smart),
        Expr::Term(t) => {
            if let Some(p) = modes.next() {
                t.case_sensitive = match p.mode {
                    CaseMode::Smart => smart,
                    CaseMode::Sensitive => true,
                    CaseMode::Insensitive => false,
                };
            }
        }
    }
}

fn content_cases(expr: &Expr, out: &mut [(String, bool)]) {
    match expr {
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|e| content_cases(e, out)),
        Expr::Not(e) | Expr::Scope(_, e) => content_cases(e, out),
        Expr::Term(t) => {
            if let Some(slot) = out.get_mut(t.id) {
                slot.1 = t.case_sensitive;
            }
        }
    }
}

impl Query {
    /// Parses a query in Obsidian's search syntax.
    ///
    /// Words are ANDed; `OR` (upper case) between terms; parentheses group; `-` excludes a term or a
    /// group; `"quoted phrases"` match literally (`\"` for a quote inside). Operators: `file:`,
    /// `path:`, `content:`, `tag:`, `line:`, `block:`, `section:`, `task:`, `task-todo:`,
    /// `task-done:`, `match-case:` and `ignore-case:`; each takes a word, a phrase or a `(group)`.
    /// Matching is case-insensitive unless a term (outside `tag:`, `match-case:` and
    /// `ignore-case:`) holds an uppercase letter.
    pub fn parse(source: &str) -> Result<Query, QueryError> {
        let toks = tokenize(source)?;
        if toks.is_empty() {
            return Err(QueryError::Empty);
        }
        let mut p = Parser {
            toks,
            pos: 0,
            pending: Vec::new(),
            content: Vec::new(),
        };
        let ctx = Ctx {
            field: Field::Content,
            case: CaseMode::Smart,
        };
        let mut expr = p.or_expr(ctx)?;
        match p.peek() {
            None => {}
            Some(Tok::Close) => return Err(QueryError::UnexpectedParen),
            Some(_) => return Err(QueryError::DanglingOr),
        }
        let smart = p
            .pending
            .iter()
            .any(|c| c.votes && c.text.chars().any(char::is_uppercase));
        resolve_case(&mut expr, &mut p.pending.iter(), smart);
        let mut content = p.content;
        content_cases(&expr, &mut content);
        Ok(Query {
            expr,
            content_terms: content,
            source: source.to_string(),
        })
    }

    /// Whether the query looks at note text at all; a query of only `file:`, `path:` and `tag:`
    /// terms is answered from the vault's index without reading files.
    pub fn reads_content(&self) -> bool {
        !self.content_terms.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, id: usize, cs: bool) -> Expr {
        Expr::Term(Term {
            field: Field::Content,
            text: text.into(),
            case_sensitive: cs,
            id,
        })
    }

    fn meta(field: Field, text: &str, cs: bool) -> Expr {
        Expr::Term(Term {
            field,
            text: text.into(),
            case_sensitive: cs,
            id: usize::MAX,
        })
    }

    fn parse(s: &str) -> Expr {
        Query::parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).expr
    }

    fn err(s: &str) -> String {
        Query::parse(s).expect_err(s).to_string()
    }

    #[test]
    fn words_are_anded() {
        assert_eq!(
            parse("meeting work"),
            Expr::And(vec![word("meeting", 0, false), word("work", 1, false)])
        );
        assert_eq!(parse("  one  "), word("one", 0, false));
    }

    #[test]
    fn or_binds_looser_than_and() {
        // Search.md: `meeting work OR meetup personal` finds work meetings and personal meetups.
        assert_eq!(
            parse("meeting work OR meetup personal"),
            Expr::Or(vec![
                Expr::And(vec![word("meeting", 0, false), word("work", 1, false)]),
                Expr::And(vec![word("meetup", 2, false), word("personal", 3, false)]),
            ])
        );
    }

    #[test]
    fn parentheses_group() {
        assert_eq!(
            parse("meeting (work OR meetup) personal"),
            Expr::And(vec![
                word("meeting", 0, false),
                Expr::Or(vec![word("work", 1, false), word("meetup", 2, false)]),
                word("personal", 3, false),
            ])
        );
    }

    #[test]
    fn lowercase_or_is_a_word() {
        assert_eq!(
            parse("this or that"),
            Expr::And(vec![
                word("this", 0, false),
                word("or", 1, false),
                word("that", 2, false)
            ])
        );
    }

    #[test]
    fn minus_excludes_words_phrases_operators_and_groups() {
        assert_eq!(
            parse("meeting -work"),
            Expr::And(vec![
                word("meeting", 0, false),
                Expr::Not(Box::new(word("work", 1, false)))
            ])
        );
        assert_eq!(
            parse("-\"a b\""),
            Expr::Not(Box::new(word("a b", 0, false)))
        );
        assert_eq!(
            parse("-tag:x"),
            Expr::Not(Box::new(meta(Field::Tag, "x", false)))
        );
        assert_eq!(
            parse("m -(work meetup)"),
            Expr::And(vec![
                word("m", 0, false),
                Expr::Not(Box::new(Expr::And(vec![
                    word("work", 1, false),
                    word("meetup", 2, false)
                ])))
            ])
        );
    }

    #[test]
    fn a_hyphen_inside_a_word_is_text() {
        assert_eq!(parse("e-mail"), word("e-mail", 0, false));
        assert_eq!(parse("a-"), word("a-", 0, false));
    }

    #[test]
    fn phrases_keep_spaces_and_escaped_quotes() {
        assert_eq!(parse("\"star wars\""), word("star wars", 0, false));
        assert_eq!(
            parse(r#""they said \"hello\" to""#),
            word("they said \"hello\" to", 0, false)
        );
        assert_eq!(parse(r#""a\\b""#), word("a\\b", 0, false));
    }

    #[test]
    fn smart_case() {
        assert_eq!(
            parse("Dopamine reward"),
            Expr::And(vec![word("Dopamine", 0, true), word("reward", 1, true)])
        );
        assert_eq!(parse("dopamine"), word("dopamine", 0, false));
        // `OR` and operator names are not query text.
        assert_eq!(
            parse("a OR b"),
            Expr::Or(vec![word("a", 0, false), word("b", 1, false)])
        );
        // Tags are always case-insensitive and do not turn case on.
        assert_eq!(
            parse("tag:Inbox foo"),
            Expr::And(vec![
                meta(Field::Tag, "Inbox", false),
                word("foo", 0, false)
            ])
        );
        // An uppercase file name does.
        assert_eq!(
            parse("file:Foo bar"),
            Expr::And(vec![meta(Field::File, "Foo", true), word("bar", 0, true)])
        );
        // Non-ASCII capitals count.
        assert_eq!(parse("Émile"), word("Émile", 0, true));
    }

    #[test]
    fn match_case_and_ignore_case() {
        assert_eq!(
            parse("match-case:HappyCat dog"),
            Expr::And(vec![word("HappyCat", 0, true), word("dog", 1, false)])
        );
        assert_eq!(
            parse("ignore-case:IKEA dog"),
            Expr::And(vec![word("IKEA", 0, false), word("dog", 1, false)])
        );
        assert_eq!(
            parse("match-case:(a OR b)"),
            Expr::Or(vec![word("a", 0, true), word("b", 1, true)])
        );
    }

    #[test]
    fn field_operators() {
        assert_eq!(parse("file:.jpg"), meta(Field::File, ".jpg", false));
        assert_eq!(
            parse("path:\"Daily notes/2022-07\""),
            meta(Field::Path, "Daily notes/2022-07", true)
        );
        assert_eq!(parse("content:\"happy cat\""), word("happy cat", 0, false));
        assert_eq!(parse("tag:#work"), meta(Field::Tag, "work", false));
        assert_eq!(parse("tag:work/"), meta(Field::Tag, "work", false));
        assert_eq!(
            parse("path:(a OR b)"),
            Expr::Or(vec![
                meta(Field::Path, "a", false),
                meta(Field::Path, "b", false)
            ])
        );
        assert_eq!(parse("FILE:x"), meta(Field::File, "x", false));
    }

    #[test]
    fn scope_operators() {
        assert_eq!(
            parse("line:(mix flour)"),
            Expr::Scope(
                Scope::Line,
                Box::new(Expr::And(vec![
                    word("mix", 0, false),
                    word("flour", 1, false)
                ]))
            )
        );
        assert_eq!(
            parse("section:dog"),
            Expr::Scope(Scope::Section, Box::new(word("dog", 0, false)))
        );
        assert_eq!(
            parse("task-todo:call"),
            Expr::Scope(
                Scope::Task(TaskState::Todo),
                Box::new(word("call", 0, false))
            )
        );
        assert_eq!(
            parse("block:(dog -cat)"),
            Expr::Scope(
                Scope::Block,
                Box::new(Expr::And(vec![
                    word("dog", 0, false),
                    Expr::Not(Box::new(word("cat", 1, false)))
                ]))
            )
        );
    }

    #[test]
    fn urls_and_times_are_words() {
        assert_eq!(parse("https://x.org/a"), word("https://x.org/a", 0, false));
        assert_eq!(parse("10:30"), word("10:30", 0, false));
        assert_eq!(
            parse("file:https://x"),
            meta(Field::File, "https://x", false)
        );
    }

    #[test]
    fn operator_values_that_look_like_syntax() {
        assert_eq!(parse("file:-draft"), meta(Field::File, "-draft", false));
        assert_eq!(parse("file:OR"), meta(Field::File, "OR", true));
    }

    #[test]
    fn content_terms_are_indexed() {
        let q = Query::parse("a tag:x \"b c\" -D").expect("parse");
        assert_eq!(
            q.content_terms,
            vec![
                ("a".to_string(), true),
                ("b c".to_string(), true),
                ("D".to_string(), true)
            ]
        );
        assert!(!Query::parse("tag:x path:y").expect("parse").reads_content());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert_eq!(err(""), "empty query");
        assert_eq!(err("   "), "empty query");
        assert_eq!(err("\"star wars"), "unclosed quote");
        assert_eq!(
            err("foo:bar"),
            "unknown operator \"foo:\" (put it in quotes to search for the text)"
        );
        assert_eq!(err("line:(a b"), "line:( needs a closing )");
        assert_eq!(err("section:(a"), "section:( needs a closing )");
        assert_eq!(err("(a b"), "( needs a closing )");
        assert_eq!(err("line:("), "line:( needs a closing )");
        assert_eq!(err("a)"), "unexpected ) without an opening (");
        assert_eq!(err("()"), "empty parentheses");
        assert_eq!(err("line:()"), "empty parentheses");
        assert_eq!(err("OR a"), "OR needs a term on each side");
        assert_eq!(err("a OR"), "OR needs a term on each side");
        assert_eq!(err("a OR OR b"), "OR needs a term on each side");
        assert_eq!(err("a -"), "\"-\" needs a term after it");
        assert_eq!(err("file:"), "file: needs a value");
        assert_eq!(err("tag: x"), "tag: needs a value");
        assert!(err("/\\d+/").starts_with("regular expressions"));
        assert_eq!(err("a \"\""), "empty term");
        assert_eq!(err("tag:#"), "empty term");
    }
}
