//! Full-text search (issue 5): every operator of Obsidian's search syntax, case, phrases and
//! exclusion, OR and parentheses, streaming and cancellation, against small vaults built in memory
//! and in temporary folders; the `grep`, `tags`, `orphans` and `unresolved` commands through the real
//! binary; and figures on `ENGRAM_CORPORA` checked against numbers computed with grep and Python.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use engram::commands::Loaded;
use engram::fulltext::{search, search_all, search_text, Cancel, Hit, Query};
use engram::vault::Vault;
use serde_json::Value;

// ---------------------------------------------------------------------------------------------
// Helpers

fn vault(files: &[(&str, &str)]) -> Vault {
    Vault::from_files(files.iter().copied())
}

fn q(s: &str) -> Query {
    Query::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// `path:line` of every hit.
fn places(v: &Vault, query: &str) -> Vec<String> {
    search_all(v, &q(query))
        .iter()
        .map(|h| format!("{}:{}", v.notes[h.note].path, h.line))
        .collect()
}

/// Paths of the matching notes, each once.
fn notes(v: &Vault, query: &str) -> Vec<String> {
    let mut out: Vec<String> = search_all(v, &q(query))
        .iter()
        .map(|h| v.notes[h.note].path.clone())
        .collect();
    out.dedup();
    out
}

/// The highlighted parts of a hit's snippet.
fn marked(h: &Hit) -> Vec<String> {
    let chars: Vec<char> = h.snippet.chars().collect();
    h.ranges
        .iter()
        .map(|r| chars[r.clone()].iter().collect())
        .collect()
}

fn temp_vault(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap_or(Path::new("."))).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
    dir
}

fn engram(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_engram"))
        .env(
            "XDG_CACHE_HOME",
            std::env::temp_dir().join("engram-test-cache"),
        )
        .arg("--vault")
        .arg(dir)
        .args(args)
        .output()
        .expect("run engram")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let o = engram(dir, args);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", stdout(&o)))
}

/// A small vault with a bit of everything.
fn kitchen() -> Vault {
    vault(&[
        (
            "recipes/bread.md",
            "---\ntags: [food/baking]\n---\n# Bread\nMix flour and water.\nAdd salt.\n\n## Baking\nBake the flour mix hot.\n- [ ] buy flour\n- [x] buy salt\n",
        ),
        (
            "recipes/cake.md",
            "# Cake\nMix sugar and eggs.\nflour goes in later.\n#food/dessert #sweet\n",
        ),
        (
            "journal/2024-01-05.md",
            "Meeting about work.\n\nMeetup was personal.\n#journal\n",
        ),
        (
            "journal/2024-01-06.md",
            "A meeting. Then work.\nStar Wars night: they said \"hello\" twice.\n",
        ),
        ("notes/Star wars.md", "star  wars with two spaces\nstarwars\n"),
    ])
}

// ---------------------------------------------------------------------------------------------
// Words, phrases, case, exclusion

#[test]
fn words_are_anded_over_the_whole_note_and_hits_are_their_lines() {
    let v = kitchen();
    // `mix` and `salt` are on different lines of bread: the note matches, both lines are hits.
    assert_eq!(
        places(&v, "mix salt"),
        vec![
            "recipes/bread.md:5",
            "recipes/bread.md:6",
            "recipes/bread.md:9",
            "recipes/bread.md:11"
        ]
    );
    // cake has `mix` but no `salt`.
    assert!(notes(&v, "mix salt").iter().all(|p| p != "recipes/cake.md"));
}

#[test]
fn words_match_inside_words() {
    let v = kitchen();
    assert_eq!(
        notes(&v, "meet"),
        vec!["journal/2024-01-05.md", "journal/2024-01-06.md"]
    );
}

#[test]
fn case_is_ignored_without_a_capital() {
    let v = kitchen();
    assert_eq!(
        places(&v, "meeting"),
        vec!["journal/2024-01-05.md:1", "journal/2024-01-06.md:1"]
    );
    let hits = search_all(&v, &q("meeting"));
    assert_eq!(marked(&hits[0]), vec!["Meeting"]);
}

#[test]
fn a_capital_makes_the_query_case_sensitive() {
    let v = kitchen();
    assert_eq!(places(&v, "Meeting"), vec!["journal/2024-01-05.md:1"]);
    // Smart case covers every term: `work` must now match exactly too, which it does.
    assert_eq!(places(&v, "Meeting work"), vec!["journal/2024-01-05.md:1"]);
    assert!(places(&v, "Meeting Work").is_empty());
}

#[test]
fn case_folding_beyond_ascii() {
    let v = vault(&[
        ("a.md", "ÉCOLE normale\n"),
        ("b.md", "über straße\n"),
        ("c.md", "4 \u{212A}elvin\n"),
    ]);
    assert_eq!(places(&v, "école"), vec!["a.md:1"]);
    assert!(places(&v, "École").is_empty(), "É makes it case-sensitive");
    assert_eq!(places(&v, "ÉCOLE"), vec!["a.md:1"]);
    assert_eq!(places(&v, "ÜBER"), Vec::<String>::new());
    assert_eq!(places(&v, "ignore-case:ÜBER"), vec!["b.md:1"]);
    // The Kelvin sign lowercases to an ASCII `k` and changes length: the highlight still lands on it.
    let hits = search_all(&v, &q("kelvin"));
    assert_eq!(hits.len(), 1);
    assert_eq!(marked(&hits[0]), vec!["\u{212A}elvin"]);
}

#[test]
fn phrases_match_exactly() {
    let v = kitchen();
    assert_eq!(places(&v, "\"star wars\""), vec!["journal/2024-01-06.md:2"]);
    assert_eq!(places(&v, "\"star  wars\""), vec!["notes/Star wars.md:1"]);
    assert_eq!(
        places(&v, r#""they said \"hello\"""#),
        vec!["journal/2024-01-06.md:2"]
    );
    // Words of a phrase in another order do not match it.
    assert!(places(&v, "\"wars star\"").is_empty());
}

#[test]
fn minus_excludes_words_phrases_operators_and_groups() {
    let v = kitchen();
    assert_eq!(notes(&v, "flour -salt"), vec!["recipes/cake.md"]);
    assert_eq!(
        notes(&v, "meeting -\"a meeting\""),
        vec!["journal/2024-01-05.md"]
    );
    assert_eq!(notes(&v, "flour -tag:food/baking"), vec!["recipes/cake.md"]);
    // Search.md: `meeting -(work meetup)` excludes notes with both.
    assert_eq!(
        notes(&v, "meeting -(work meetup)"),
        vec!["journal/2024-01-06.md"]
    );
    // Excluded terms are not highlighted and do not make hits.
    let hits = search_all(&v, &q("flour -salt"));
    assert!(hits.iter().all(|h| marked(h) == vec!["flour"]));
}

#[test]
fn a_lone_exclusion_lists_the_other_notes_by_title() {
    let v = kitchen();
    let hits = search_all(&v, &q("-flour"));
    let got: Vec<(String, usize, String)> = hits
        .iter()
        .map(|h| (v.notes[h.note].path.clone(), h.line, h.snippet.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("journal/2024-01-05.md".into(), 1, "2024-01-05".into()),
            ("journal/2024-01-06.md".into(), 1, "2024-01-06".into()),
            ("notes/Star wars.md".into(), 1, "Star wars".into()),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// OR and parentheses

#[test]
fn or_and_parentheses_follow_the_search_help() {
    let v = kitchen();
    // `meeting work OR meetup personal`: work meetings, or personal meetups.
    assert_eq!(
        notes(&v, "meeting work OR meetup personal"),
        vec!["journal/2024-01-05.md", "journal/2024-01-06.md"]
    );
    assert_eq!(
        notes(&v, "sugar OR salt"),
        vec!["recipes/bread.md", "recipes/cake.md"]
    );
    // `meeting (work OR meetup) personal`.
    assert_eq!(
        notes(&v, "meeting (work OR meetup) personal"),
        vec!["journal/2024-01-05.md"]
    );
    // Only the OR branches that hold make hits.
    assert_eq!(
        places(&v, "(sugar eggs) OR salt"),
        vec![
            "recipes/bread.md:6",
            "recipes/bread.md:11",
            "recipes/cake.md:2"
        ]
    );
    assert_eq!(
        places(&v, "(sugar zzz) OR flour water"),
        vec![
            "recipes/bread.md:5",
            "recipes/bread.md:9",
            "recipes/bread.md:10",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Operators

#[test]
fn file_matches_the_file_name_with_extension() {
    let v = kitchen();
    assert_eq!(notes(&v, "file:bread"), vec!["recipes/bread.md"]);
    assert_eq!(notes(&v, "file:.md").len(), 5);
    // The folder is not part of the file name.
    assert!(notes(&v, "file:recipes").is_empty());
    assert_eq!(notes(&v, "file:\"star wars\""), vec!["notes/Star wars.md"]);
    assert!(
        notes(&v, "file:\"Star Wars\"").is_empty(),
        "smart case applies to file:"
    );
}

#[test]
fn path_matches_the_vault_path() {
    let v = kitchen();
    assert_eq!(
        notes(&v, "path:recipes/"),
        vec!["recipes/bread.md", "recipes/cake.md"]
    );
    assert_eq!(
        notes(&v, "path:\"journal/2024-01\" work"),
        vec!["journal/2024-01-05.md", "journal/2024-01-06.md"]
    );
    assert_eq!(
        notes(&v, "path:(cake OR wars)"),
        vec!["notes/Star wars.md", "recipes/cake.md"]
    );
}

#[test]
fn a_match_on_names_or_tags_alone_is_one_hit_on_line_1_with_the_title() {
    let v = kitchen();
    let hits = search_all(&v, &q("file:bread"));
    assert_eq!(hits.len(), 1);
    assert_eq!((hits[0].line, hits[0].snippet.as_str()), (1, "Bread"));
    assert!(hits[0].ranges.is_empty() && hits[0].spans.is_empty());
    // With content terms the lines are the hits.
    assert_eq!(
        places(&v, "file:bread salt"),
        vec!["recipes/bread.md:6", "recipes/bread.md:11"]
    );
}

#[test]
fn tag_matches_nested_tags_case_insensitively_with_optional_hash() {
    let v = kitchen();
    // R38: `tag:food` finds `#food/baking` (frontmatter) and `#food/dessert` (inline).
    assert_eq!(
        notes(&v, "tag:food"),
        vec!["recipes/bread.md", "recipes/cake.md"]
    );
    assert_eq!(notes(&v, "tag:#food/baking"), vec!["recipes/bread.md"]);
    assert_eq!(notes(&v, "tag:FOOD/Dessert"), vec!["recipes/cake.md"]);
    // A prefix of a segment is not a parent tag.
    assert!(notes(&v, "tag:foo").is_empty());
    assert!(notes(&v, "tag:baking").is_empty());
    assert_eq!(
        notes(&v, "tag:journal OR tag:sweet"),
        vec!["journal/2024-01-05.md", "recipes/cake.md"]
    );
}

#[test]
fn tag_ignores_code_while_a_bare_word_does_not() {
    let v = vault(&[
        ("a.md", "```\n#work in code\n```\n"),
        ("b.md", "real #work\n"),
    ]);
    assert_eq!(notes(&v, "tag:work"), vec!["b.md"]);
    assert_eq!(notes(&v, "#work"), vec!["a.md", "b.md"]);
}

#[test]
fn content_is_the_text_as_a_bare_word_is() {
    let v = kitchen();
    assert_eq!(places(&v, "content:salt"), places(&v, "salt"));
    assert_eq!(
        places(&v, "content:\"buy salt\""),
        vec!["recipes/bread.md:11"]
    );
}

#[test]
fn line_needs_every_term_on_one_line() {
    let v = kitchen();
    // Search.md's `line:(mix flour)`: bread line 5 and line 9; cake has them on two lines.
    assert_eq!(
        places(&v, "line:(mix flour)"),
        vec!["recipes/bread.md:5", "recipes/bread.md:9"]
    );
    assert_eq!(
        places(&v, "line:(flour -mix)"),
        vec!["recipes/bread.md:10", "recipes/cake.md:3"]
    );
    assert_eq!(
        places(&v, "line:flour -line:(mix flour)"),
        vec!["recipes/cake.md:3"]
    );
    assert_eq!(
        places(&v, "line:(sugar OR salt) eggs"),
        vec!["recipes/cake.md:2",]
    );
    let hits = search_all(&v, &q("line:(mix flour)"));
    assert_eq!(marked(&hits[0]), vec!["Mix", "flour"]);
}

#[test]
fn section_needs_every_term_between_the_same_headings() {
    let v = kitchen();
    // Bread: `# Bread` section has water and salt; `## Baking` has hot and flour.
    assert_eq!(
        places(&v, "section:(water salt)"),
        vec!["recipes/bread.md:5", "recipes/bread.md:6"]
    );
    assert!(places(&v, "section:(water hot)").is_empty());
    assert_eq!(
        places(&v, "section:(hot flour)"),
        vec!["recipes/bread.md:9", "recipes/bread.md:10"]
    );
    // The text before the first heading, frontmatter included, is a section.
    let v2 = vault(&[("x.md", "---\nk: alpha\n---\nbeta\n# H\nalpha gamma\n")]);
    assert_eq!(
        places(&v2, "section:(alpha beta)"),
        vec!["x.md:2", "x.md:4"]
    );
    assert_eq!(places(&v2, "section:(alpha gamma)"), vec!["x.md:6"]);
}

#[test]
fn block_needs_every_term_in_one_paragraph() {
    let v = kitchen();
    assert_eq!(places(&v, "block:(meeting meetup)"), Vec::<String>::new());
    // Bread's lines 5-6 are one paragraph; 9-11 (a line and a list) another.
    assert_eq!(
        places(&v, "block:(flour salt)"),
        vec![
            "recipes/bread.md:5",
            "recipes/bread.md:6",
            "recipes/bread.md:9",
            "recipes/bread.md:10",
            "recipes/bread.md:11"
        ]
    );
    assert_eq!(places(&v, "block:(water hot)"), Vec::<String>::new());
}

#[test]
fn task_operators_look_at_task_lines() {
    let v = kitchen();
    assert_eq!(
        places(&v, "task:buy"),
        vec!["recipes/bread.md:10", "recipes/bread.md:11"]
    );
    assert_eq!(places(&v, "task-todo:buy"), vec!["recipes/bread.md:10"]);
    assert_eq!(places(&v, "task-done:buy"), vec!["recipes/bread.md:11"]);
    assert!(places(&v, "task:mix").is_empty());
}

#[test]
fn match_case_and_ignore_case_override_smart_case() {
    let v = kitchen();
    assert_eq!(places(&v, "match-case:Bake"), vec!["recipes/bread.md:9"]);
    assert!(places(&v, "match-case:bake").is_empty());
    assert_eq!(places(&v, "ignore-case:BAKE"), vec!["recipes/bread.md:9"]);
}

#[test]
fn frontmatter_is_searched() {
    let v = vault(&[("a.md", "---\nauthor: Ada Lovelace\n---\nbody\n")]);
    assert_eq!(places(&v, "lovelace"), vec!["a.md:2"]);
}

#[test]
fn snippets_and_spans() {
    let text = "\t  Ünïcödé  then the NEEDLE here  \n";
    let v = vault(&[("a.md", text)]);
    let hits = search_all(&v, &q("needle"));
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].snippet, "Ünïcödé  then the NEEDLE here");
    assert_eq!(marked(&hits[0]), vec!["NEEDLE"]);
    assert_eq!(&text[hits[0].spans[0].clone()], "NEEDLE");
}

#[test]
fn bad_queries_are_errors() {
    for (query, msg) in [
        ("\"open", "unclosed quote"),
        ("foo:bar", "unknown operator \"foo:\""),
        ("line:(a b", "line:( needs a closing )"),
        ("section:(a", "section:( needs a closing )"),
        ("a OR", "OR needs a term on each side"),
    ] {
        let e = Query::parse(query).expect_err(query).to_string();
        assert!(e.starts_with(msg), "{query}: {e}");
    }
}

// ---------------------------------------------------------------------------------------------
// Streaming, cancellation, reading from disk

fn many(n: usize) -> Vault {
    let files: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("n{i:05}.md"),
                format!("line one\nword {i}\nend word\n"),
            )
        })
        .collect();
    Vault::from_files(files)
}

#[test]
fn hits_stream_in_path_and_line_order() {
    let v = many(3000);
    let mut seen = Vec::new();
    let report = search(&v, &q("word"), &Cancel::new(), |h| {
        seen.push((h.note, h.line))
    });
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted);
    assert_eq!(seen.len(), 6000);
    assert_eq!(
        (report.hits, report.matched_notes, report.cancelled),
        (6000, 3000, false)
    );
}

#[test]
fn a_cancelled_search_stops() {
    let v = many(5000);
    let cancel = Cancel::new();
    cancel.cancel();
    let mut n = 0;
    let r = search(&v, &q("word"), &cancel, |_| n += 1);
    assert_eq!(n, 0);
    assert!(r.cancelled);

    // Cancelling from the sink, as a new keystroke does, stops well before the end.
    let cancel = Cancel::new();
    let mut n = 0;
    let r = search(&v, &q("word"), &cancel, |_| {
        n += 1;
        cancel.cancel();
    });
    assert!(r.cancelled);
    // The rest of the first note's hits (two lines) and nothing after.
    assert_eq!(n, 2, "hits handed over after cancelling");
}

#[test]
fn search_text_finds_matches_in_one_open_note() {
    let v = kitchen();
    let i = v.note_by_path("recipes/bread.md").expect("bread");
    let text = v.read_text(i).expect("text");
    let hits = search_text(&q("flour"), i, &v.notes[i], &text);
    let lines: Vec<usize> = hits.iter().map(|h| h.line).collect();
    assert_eq!(lines, vec![5, 9, 10]);
    for h in &hits {
        for s in &h.spans {
            assert_eq!(&text[s.clone()], "flour");
        }
    }
}

#[test]
fn notes_are_read_from_disk_and_missing_ones_reported() {
    let dir = temp_vault(&[("a.md", "alpha\n"), ("b.md", "alpha beta\n")]);
    let v = Vault::load(dir.path()).expect("load");
    std::fs::remove_file(dir.path().join("a.md")).expect("rm");
    let mut hits = Vec::new();
    let r = search(&v, &q("alpha"), &Cancel::new(), |h| hits.push(h));
    assert_eq!(hits.len(), 1);
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].path, "a.md");
    assert_eq!(r.bytes_read, 11);
}

// ---------------------------------------------------------------------------------------------
// The binary

fn cli_vault() -> tempfile::TempDir {
    temp_vault(&[
        (
            "a.md",
            "# Alpha\nThe quick fox.\n\tA second Fox line\n#animal/fox\n[[b]] [[nowhere]]\n",
        ),
        (
            "b.md",
            "# Bee\nno animals here\n#animal\n[[nowhere|again]]\n",
        ),
        (
            "lonely.md",
            "# Lonely\nnobody links here. [[#Lonely]] https://x.org\n",
        ),
        ("sub/c.md", "#Animal/bird/owl\n[[Missing Note]]\n"),
    ])
}

#[test]
fn grep_prints_path_line_snippet_and_exits_0() {
    let dir = cli_vault();
    let o = engram(dir.path(), &["grep", "fox"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "a.md:2: The quick fox.\na.md:3: A second Fox line\na.md:4: #animal/fox\n"
    );
    // Not a terminal: no colour codes.
    assert!(!stdout(&o).contains('\u{1b}'));
}

#[test]
fn grep_joins_arguments_and_accepts_leading_hyphens() {
    let dir = cli_vault();
    // a.md, the only note with `fox`, also has `quick`.
    let o = engram(dir.path(), &["grep", "fox", "-quick"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let o = engram(dir.path(), &["grep", "-quick", "links", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v[0]["path"], "lonely.md");
    assert_eq!(v[0]["line"], 2);
}

#[test]
fn grep_exits_1_on_no_match_and_2_on_a_bad_query() {
    let dir = cli_vault();
    let o = engram(dir.path(), &["grep", "zebra"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    let o = engram(dir.path(), &["grep", "line:(fox"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("line:( needs a closing )"),
        "{}",
        stderr(&o)
    );
    let o = engram(dir.path(), &["grep", "nope:x"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown operator \"nope:\""),
        "{}",
        stderr(&o)
    );
    // An empty result is still a JSON array.
    let o = engram(dir.path(), &["grep", "--json", "zebra"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "[]\n");
}

#[test]
fn grep_json_has_one_object_per_matching_line() {
    let dir = cli_vault();
    let v = json(dir.path(), &["grep", "--json", "Fox OR owl"]);
    let items = v.as_array().expect("array");
    let got: Vec<(String, u64, String, String)> = items
        .iter()
        .map(|h| {
            (
                h["path"].as_str().unwrap_or("").to_string(),
                h["line"].as_u64().unwrap_or(0),
                h["title"].as_str().unwrap_or("").to_string(),
                h["snippet"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("a.md".into(), 3, "Alpha".into(), "A second Fox line".into()),
            ("sub/c.md".into(), 1, "c".into(), "#Animal/bird/owl".into()),
        ]
    );
    assert_eq!(items[0]["ranges"], serde_json::json!([[9, 12]]));
}

#[test]
fn tags_prints_the_tree_with_counts() {
    let dir = cli_vault();
    let o = engram(dir.path(), &["tags"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "#animal  3\n  #Animal/bird  1\n    #Animal/bird/owl  1\n  #animal/fox  1\n"
    );
    let v = json(dir.path(), &["tags", "--json"]);
    assert_eq!(v[0]["tag"], "animal");
    assert_eq!(v[0]["notes"], 3);
    assert_eq!(v[0]["own"], 1);
    assert_eq!(v[0]["children"][0]["name"], "bird");
    assert_eq!(v[0]["children"][0]["children"][0]["tag"], "Animal/bird/owl");
}

#[test]
fn orphans_lists_notes_without_links_in_or_out() {
    let dir = cli_vault();
    let o = engram(dir.path(), &["orphans"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stdout(&o), "lonely.md\tLonely\n");
    let v = json(dir.path(), &["orphans", "--json"]);
    assert_eq!(
        v,
        serde_json::json!([{"path": "lonely.md", "title": "Lonely"}])
    );
}

#[test]
fn unresolved_lists_targets_with_their_uses() {
    let dir = cli_vault();
    let o = engram(dir.path(), &["unresolved"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "nowhere\t2\n  a.md:5\n  b.md:4\nMissing Note\t1\n  sub/c.md:2\n"
    );
    let v = json(dir.path(), &["unresolved", "--json"]);
    assert_eq!(
        v[0],
        serde_json::json!({"target": "nowhere", "count": 2,
            "uses": [{"path": "a.md", "line": 5}, {"path": "b.md", "line": 4}]})
    );
}

// ---------------------------------------------------------------------------------------------
// The corpora

fn corpus(name: &str) -> Option<(PathBuf, Loaded)> {
    let Some(root) = std::env::var_os("ENGRAM_CORPORA") else {
        eprintln!("ENGRAM_CORPORA is not set; skipping the {name} corpus test");
        return None;
    };
    let dir = PathBuf::from(root).join(name);
    let vault = Vault::load(&dir).unwrap_or_else(|e| panic!("cannot load {}: {e}", dir.display()));
    Some((dir, Loaded::new(vault)))
}

/// (matching lines, matching notes) of a query.
fn figures(v: &Vault, query: &str) -> (usize, usize) {
    let hits = search_all(v, &q(query));
    let mut notes: Vec<usize> = hits.iter().map(|h| h.note).collect();
    notes.dedup();
    (hits.len(), notes.len())
}

/// The figures were computed independently in `hubermanlab/` (all notes at the top level, pure
/// ASCII words, 47,357 lines in 1,117 notes):
/// - word and phrase queries with GNU grep: notes `grep -ril WORD . | wc -l`, lines
///   `cat *.md | grep -ic WORD` (`-c`/`-l` without `-i` for the case-sensitive `Dopamine`);
/// - `line:(dopamine reward)`: lines `cat *.md | grep -i dopamine | grep -ic reward`, notes by
///   running the same pipe per file;
/// - `file:sleep`: `ls | grep -c sleep`;
/// - the rest with Python over the lowercased texts: set algebra for `-` and `OR` (for example
///   notes with `dopamine` minus notes with `serotonin`), and for `section:` a split of each note at
///   ATX heading lines (`^ {0,3}#{1,6}\s`) outside ``` fences.
#[test]
fn hubermanlab_search_figures() {
    let Some((_, l)) = corpus("hubermanlab") else {
        return;
    };
    let v = &l.vault;
    assert_eq!(v.notes.len(), 1117);
    assert_eq!(figures(v, "dopamine"), (854, 261));
    assert_eq!(figures(v, "Dopamine"), (256, 87));
    assert_eq!(figures(v, "\"reward pathway\""), (21, 17));
    assert_eq!(figures(v, "line:(dopamine reward)"), (169, 93));
    assert_eq!(figures(v, "dopamine -serotonin"), (560, 177));
    assert_eq!(figures(v, "melatonin OR cortisol").1, 89);
    assert_eq!(figures(v, "dopamine (melatonin OR cortisol)").1, 26);
    assert_eq!(figures(v, "section:(dopamine serotonin)"), (168, 79));
    assert_eq!(figures(v, "file:sleep"), (51, 51));
    assert_eq!(figures(v, "file:sleep melatonin").1, 10);
    // `videoId:` is in the frontmatter of 1,116 notes (`grep -l videoId *.md | wc -l`).
    assert_eq!(figures(v, "match-case:videoId"), (1116, 1116));
    // No note carries a tag (`engram tags` is empty; `grep -c '#[a-z]'` finds only headings and
    // link subpaths), so `tag:` finds nothing.
    assert_eq!(figures(v, "tag:dopamine"), (0, 0));
}

/// `tag:` figures computed with `grep -rlE '(^|\s)#feature(/|\s|$)' --include='*.md' . | wc -l`
/// (8) and the same for `#plugin` (3) in `obsidian-tasks-docs/`, checked by eye to be outside
/// code; `path:Queries` with `find . -name '*.md' -path '*Queries*' | wc -l` (18).
#[test]
fn obsidian_tasks_docs_search_figures() {
    let Some((dir, l)) = corpus("obsidian-tasks-docs") else {
        return;
    };
    let v = &l.vault;
    assert_eq!(figures(v, "tag:feature").1, 8);
    assert_eq!(figures(v, "tag:#plugin").1, 3);
    assert_eq!(figures(v, "path:Queries").1, 18);
    let tree = engram::tags::tag_tree(&l.graph);
    let feature = tree.iter().find(|n| n.tag == "feature").expect("#feature");
    assert_eq!(feature.notes, 8);
    // The binary agrees with the library.
    let o = engram(&dir, &["grep", "tag:feature"]);
    assert_eq!(stdout(&o).lines().count(), 8);
}
