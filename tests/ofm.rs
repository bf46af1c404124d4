//! The rules of `../shared/OFM.md`, one test (or more) per rule, named after the rule it checks.
//! Vaults are built in memory so the suite needs nothing outside the checkout.

use engram::graph::{Anchor, Graph, LinkRef, Resolution};
use engram::markdown::{Link, LinkSyntax, Subpath};
use engram::vault::Vault;

fn vault(files: &[(&str, &str)]) -> (Vault, Graph) {
    let v = Vault::from_files(files.iter().copied());
    let g = Graph::build(&v);
    (v, g)
}

fn note(v: &Vault, path: &str) -> usize {
    v.note_by_path(path)
        .unwrap_or_else(|| panic!("no note {path}"))
}

fn links(v: &Vault, path: &str) -> Vec<Link> {
    v.notes[note(v, path)].parsed.links.clone()
}

/// Where link `i` of `path` goes: the target note's path (with #anchor text), or a status word.
fn goes(v: &Vault, g: &Graph, path: &str, i: usize) -> String {
    let n = note(v, path);
    match g.resolution(LinkRef { note: n, link: i }) {
        Resolution::Note {
            note,
            via_alias,
            anchor,
        } => {
            let t = &v.notes[note];
            let mut s = t.path.clone();
            match anchor {
                Anchor::Heading(h) => s += &format!("#{}", t.parsed.headings[h as usize].text),
                Anchor::Block(b) => s += &format!("#^{}", t.parsed.block_ids[b as usize].id),
                Anchor::Missing => s += "#<missing>",
                Anchor::None => {}
            }
            if via_alias {
                s += " (alias)";
            }
            s
        }
        Resolution::Attachment(a) => v.attachments[a].path.clone(),
        Resolution::Unresolved => "unresolved".into(),
        Resolution::External => "external".into(),
    }
}

/// Resolves `[[target]]` written in `from` against the given files.
fn resolve(files: &[(&str, &str)], from: &str, target: &str) -> String {
    let body = format!("[[{target}]]");
    let mut all: Vec<(&str, &str)> = files.to_vec();
    all.push((from, &body));
    let (v, g) = vault(&all);
    goes(&v, &g, from, 0)
}

#[test]
fn r1_basic_forms_and_md_equivalence() {
    let (v, g) = vault(&[
        (
            "src.md",
            "[[Three laws]] [[Three laws.md]] [[Three laws#Law]] [[Three laws#Law|shown]]",
        ),
        ("Three laws.md", "# Law\n"),
    ]);
    let l = links(&v, "src.md");
    assert_eq!(l.len(), 4);
    assert_eq!(goes(&v, &g, "src.md", 0), "Three laws.md");
    assert_eq!(goes(&v, &g, "src.md", 1), "Three laws.md");
    assert_eq!(goes(&v, &g, "src.md", 2), "Three laws.md#Law");
    assert_eq!(l[3].display(), Some("shown"));
    assert_eq!(
        l[3].subpath.as_deref(),
        Some(&Subpath::Heading(vec!["Law".into()]))
    );
}

#[test]
fn r2_split_at_first_hash_and_first_pipe() {
    let (v, _) = vault(&[("a.md", "[[note#H1#H2|shown]] [[a|b|c]] [[#Heading]]")]);
    let l = links(&v, "a.md");
    assert_eq!(l[0].target(), "note");
    assert_eq!(
        l[0].subpath.as_deref(),
        Some(&Subpath::Heading(vec!["H1".into(), "H2".into()]))
    );
    assert_eq!(l[0].display(), Some("shown"));
    assert_eq!(l[1].target(), "a");
    assert_eq!(l[1].display(), Some("b|c"));
    assert_eq!(l[2].target(), "");
}

#[test]
fn r3_whitespace_trimmed_around_path_subpath_and_display() {
    let (v, g) = vault(&[
        (
            "a.md",
            "[[ foo]] [[foo ]] [[    foo    |foo]] [[ foo#^abc ]] [[tools | through memory ]]",
        ),
        ("foo.md", "text ^abc\n"),
        ("tools.md", ""),
    ]);
    for i in 0..4 {
        assert!(goes(&v, &g, "a.md", i).starts_with("foo.md"), "link {i}");
    }
    assert_eq!(goes(&v, &g, "a.md", 3), "foo.md#^abc");
    let l = links(&v, "a.md");
    assert_eq!(l[4].target(), "tools");
    assert_eq!(l[4].display(), Some("through memory"));
}

#[test]
fn r4_single_bracket_allowed_newline_not() {
    let (v, _) = vault(&[("a.md", "[[Sq]uare]] and [[Multi\nLine]]")]);
    let l = links(&v, "a.md");
    assert_eq!(l.len(), 1);
    assert_eq!(l[0].target(), "Sq]uare");
}

#[test]
fn r5_not_links_code_unclosed_empty_escaped() {
    let text = "`[[in code]]`\n\n```\n[[in fence]]\n```\n\n    [[indented code]]\n\n\
                [[unclosed link\n\n[[]] [[|]] [[|Symbol]] \\[[not a link]]\n";
    let (v, _) = vault(&[("a.md", text)]);
    assert_eq!(links(&v, "a.md"), Vec::<Link>::new());
}

#[test]
fn r6_links_in_comments_stay_in_the_graph() {
    let (v, g) = vault(&[
        ("a.md", "%%[[Hidden]]%%\n\n%%\nblock\n\n[[Hidden2]]\n%%\n"),
        ("Hidden.md", ""),
    ]);
    let l = links(&v, "a.md");
    assert_eq!(l.len(), 2);
    assert!(l.iter().all(|l| l.in_comment));
    assert_eq!(goes(&v, &g, "a.md", 0), "Hidden.md");
    assert_eq!(goes(&v, &g, "a.md", 1), "unresolved");
    assert!(g.unresolved.contains_key("hidden2"));
}

#[test]
fn r7_links_in_frontmatter_properties() {
    let (v, g) = vault(&[
        (
            "a.md",
            "---\nlink: \"[[Episode IV]]\"\nlinks:\n  - \"[[Other|o]]\"\n---\nbody\n",
        ),
        ("Episode IV.md", ""),
    ]);
    let l = links(&v, "a.md");
    assert_eq!(l.len(), 2);
    assert!(l.iter().all(|l| l.syntax == LinkSyntax::Property));
    assert_eq!(l[0].line, 2);
    assert_eq!(goes(&v, &g, "a.md", 0), "Episode IV.md");
    assert_eq!(goes(&v, &g, "a.md", 1), "unresolved");
    assert_eq!(g.backlinks[note(&v, "Episode IV.md")].len(), 1);
}

#[test]
fn r8_folder_qualified_targets_are_vault_root_relative() {
    let files = [
        ("Projects/Three laws.md", ""),
        ("Other/Projects/Three laws.md", ""),
    ];
    assert_eq!(
        resolve(&files, "x/src.md", "Projects/Three laws"),
        "Projects/Three laws.md"
    );
}

#[test]
fn r9_exact_vault_path_wins() {
    let files = [("Note.md", ""), ("a/b/Note.md", "")];
    assert_eq!(resolve(&files, "a/b/src.md", "Note"), "Note.md");
    let files = [("b/Note.md", ""), ("a/b/Note.md", "")];
    assert_eq!(resolve(&files, "a/b/src.md", "b/Note"), "b/Note.md");
}

#[test]
fn r9_own_folder_then_shortest_path() {
    let files = [("zzzz/Note.md", ""), ("b/Note.md", ""), ("a/b/Note.md", "")];
    // Own folder wins; ancestor folders count for nothing.
    assert_eq!(resolve(&files, "zzzz/src.md", "Note"), "zzzz/Note.md");
    assert_eq!(resolve(&files, "zzzz/deep/src.md", "Note"), "b/Note.md");
    // Shortest path string, not fewest components: a/b/Note.md (11) beats zzzz/Note.md (12).
    let files = [("zzzz/Note.md", ""), ("a/b/Note.md", "")];
    assert_eq!(resolve(&files, "src.md", "Note"), "a/b/Note.md");
}

/// The graph resolves each target once and reuses the answer for the same target written
/// elsewhere, except where the answer depends on the linking note: R9's own folder and R13's
/// relative paths. One vault, one target, written in every folder, each answer its own.
#[test]
fn r9_r13_one_target_written_in_many_folders_resolves_from_each() {
    let (v, g) = vault(&[
        ("a/Note.md", ""),
        ("b/Note.md", ""),
        ("a/sib.md", ""),
        ("b/sib.md", ""),
        ("a/src.md", "[[Note]] [[./sib]] [[Note#^x]]"),
        ("b/src.md", "[[Note]] [[./sib]] [[Note#^x]]"),
        ("c/src.md", "[[Note]] [[./sib]] [[Note#^x]]"),
        ("d/src.md", "[[Note]] [[./sib]]"),
    ]);
    for (from, own) in [("a/src.md", "a"), ("b/src.md", "b")] {
        assert_eq!(goes(&v, &g, from, 0), format!("{own}/Note.md"), "{from}");
        assert_eq!(goes(&v, &g, from, 1), format!("{own}/sib.md"), "{from}");
        assert_eq!(goes(&v, &g, from, 2), format!("{own}/Note.md#<missing>"));
    }
    // No own folder: the equal-length tie goes to the lexicographically first path.
    assert_eq!(goes(&v, &g, "c/src.md", 0), "a/Note.md");
    assert_eq!(goes(&v, &g, "d/src.md", 0), "a/Note.md");
    assert_eq!(goes(&v, &g, "c/src.md", 1), "unresolved");
    assert_eq!(goes(&v, &g, "d/src.md", 1), "unresolved");
    // Unresolved targets are keyed by what was written.
    assert_eq!(g.unresolved["./sib"].uses.len(), 2);
}

#[test]
fn r9_suffix_match_when_no_exact_path() {
    assert_eq!(
        resolve(&[("a/b/Note.md", "")], "src.md", "b/Note"),
        "a/b/Note.md"
    );
    // A suffix must start at a folder boundary.
    assert_eq!(
        resolve(&[("ab/Note.md", "")], "src.md", "b/Note"),
        "unresolved"
    );
}

#[test]
fn r9_equal_length_ties_break_lexicographically() {
    let files = [("y/Note.md", ""), ("x/Note.md", ""), ("w/Note.md", "")];
    for _ in 0..3 {
        assert_eq!(resolve(&files, "src.md", "Note"), "w/Note.md");
    }
}

#[test]
fn r10_case_insensitive_with_exact_case_preferred() {
    assert_eq!(resolve(&[("Log.md", "")], "src.md", "log"), "Log.md");
    assert_eq!(resolve(&[("Log.md", "")], "src.md", "LOG"), "Log.md");
    assert_eq!(resolve(&[("Ext.md", "")], "src.md", "Ext.MD"), "Ext.md");
    assert_eq!(
        resolve(&[("NESTED/NoteA.md", "")], "src.md", "nested/notea"),
        "NESTED/NoteA.md"
    );
    // Two files that differ only by case (possible on Linux): the exact-case one wins, either way.
    let files = [("note.md", ""), ("Note.md", "")];
    assert_eq!(resolve(&files, "src.md", "Note"), "Note.md");
    assert_eq!(resolve(&files, "src.md", "note"), "note.md");
}

#[test]
fn r11_md_optional_other_extensions_required() {
    let files = [("Note.1.md", ""), ("Figure 1.png", ""), ("Figure 2.md", "")];
    assert_eq!(resolve(&files, "src.md", "Note.1"), "Note.1.md");
    assert_eq!(resolve(&files, "src.md", "Note.1.md"), "Note.1.md");
    assert_eq!(resolve(&files, "src.md", "Figure 1.png"), "Figure 1.png");
    assert_eq!(resolve(&files, "src.md", "Figure 1"), "unresolved");
}

#[test]
fn r12_nfc_and_nfd_names_match() {
    // File created with an NFD name (e + combining acute), linked in NFC.
    let nfd = "Cafe\u{301}.md";
    assert_eq!(resolve(&[(nfd, "")], "src.md", "Caf\u{e9}"), nfd);
    assert_eq!(
        resolve(&[("Note\u{e4}.md", "")], "src.md", "Note\u{61}\u{308}"),
        "Note\u{e4}.md"
    );
    // Bidi isolates are part of the name and must match byte for byte after NFC.
    let bidi = "\u{2068}cleoabram\u{2069}.md";
    assert_eq!(
        resolve(&[(bidi, "")], "src.md", "\u{2068}cleoabram\u{2069}"),
        bidi
    );
    assert_eq!(resolve(&[(bidi, "")], "src.md", "cleoabram"), "unresolved");
}

#[test]
fn r13_relative_paths_exact_lookup_only() {
    let files = [("y.md", ""), ("Missing.md", ""), ("a/sib.md", "")];
    assert_eq!(resolve(&files, "a/x.md", "../y"), "y.md");
    assert_eq!(resolve(&files, "a/x.md", "./sib"), "a/sib.md");
    // No basename fallback for explicit relative targets.
    assert_eq!(resolve(&files, "a/x.md", "./Missing"), "unresolved");
    // A leading `/` means the vault root.
    assert_eq!(resolve(&files, "a/x.md", "/y"), "y.md");
}

#[test]
fn r14_r29_markdown_links_are_decoded_and_resolved_vault_wide() {
    let (v, g) = vault(&[
        (
            "root.md",
            "[y](My%20Note.md) [w](Sub/My Note.md) [z](<My Note.md#Part>) [e](https://x.org/a.md)",
        ),
        ("Sub/My Note.md", "## Part\n"),
    ]);
    let l = links(&v, "root.md");
    // `[w](Sub/My Note.md)` with a literal space is not a link (CommonMark).
    assert_eq!(l.len(), 3);
    assert_eq!(l[0].syntax, LinkSyntax::Markdown);
    assert_eq!(goes(&v, &g, "root.md", 0), "Sub/My Note.md");
    assert_eq!(goes(&v, &g, "root.md", 1), "Sub/My Note.md#Part");
    assert_eq!(goes(&v, &g, "root.md", 2), "external");
}

#[test]
fn r15_decision2_alias_fallback_is_marked() {
    let (v, g) = vault(&[
        ("src.md", "[[AI]] [[Artificial Intelligence|AI]] [[shared]]"),
        ("Artificial Intelligence.md", "---\naliases: [AI]\n---\n"),
        ("one.md", "---\naliases: shared\n---\n"),
        ("two.md", "---\naliases: [shared]\n---\n"),
    ]);
    assert_eq!(
        goes(&v, &g, "src.md", 0),
        "Artificial Intelligence.md (alias)"
    );
    assert_eq!(goes(&v, &g, "src.md", 1), "Artificial Intelligence.md");
    // An alias on two notes is not unique: the link stays unresolved.
    assert_eq!(goes(&v, &g, "src.md", 2), "unresolved");
    assert_eq!(
        g.resolution(LinkRef {
            note: note(&v, "src.md"),
            link: 0
        })
        .status(),
        "alias"
    );
}

#[test]
fn r16_folder_note_by_basename() {
    let files = [("hubermanlab/hubermanlab.md", ""), ("hubermanlab/x.md", "")];
    assert_eq!(
        resolve(&files, "other/src.md", "hubermanlab"),
        "hubermanlab/hubermanlab.md"
    );
}

#[test]
fn r17_decision7_same_note_links_are_not_backlinks() {
    let (v, g) = vault(&[("a.md", "## H\ntext ^id\n\n[[#H]] [[#^id]] [[#Nope]] [[a]]")]);
    assert_eq!(goes(&v, &g, "a.md", 0), "a.md#H");
    assert_eq!(goes(&v, &g, "a.md", 1), "a.md#^id");
    assert_eq!(goes(&v, &g, "a.md", 2), "a.md#<missing>");
    // Only the link that names the note counts as a backlink.
    assert_eq!(g.backlinks[0], vec![LinkRef { note: 0, link: 3 }]);
}

#[test]
fn r18_decision4_schemed_wikilink_is_external() {
    let (v, g) = vault(&[("a.md", "[[https://example.org/]] [[obsidian://open?x]]")]);
    assert_eq!(goes(&v, &g, "a.md", 0), "external");
    assert_eq!(goes(&v, &g, "a.md", 1), "external");
    assert!(g.unresolved.is_empty());
}

#[test]
fn r19_unresolved_targets_are_first_class() {
    let (v, g) = vault(&[
        ("a.md", "[[Ghost]] and [[ghost#Part]]\n[[folder/Ghost]]"),
        ("b.md", "[[GHOST]]"),
    ]);
    let ghost = &g.unresolved["ghost"];
    assert_eq!(ghost.target, "Ghost");
    assert_eq!(ghost.uses.len(), 3);
    // Ghosts with different folder paths are different targets.
    assert!(g.unresolved.contains_key("folder/ghost"));
    assert_eq!(g.unresolved.len(), 2);
    assert_eq!(v.notes[ghost.uses[2].note].path, "b.md");
}

#[test]
fn r20_heading_links_match_leniently_first_heading_wins() {
    let (v, g) = vault(&[
        (
            "src.md",
            "[[n#How large can each remote vault be]] [[n#hasTag]] [[n#wifi 2 4 vs 5 0]] [[n#Dup]] [[n#absent]]",
        ),
        ("n.md", "### How large can each remote vault be?\n### `hasTag()`\n# wifi 2.4 vs 5.0\n## Dup\nfirst\n## Dup\n"),
    ]);
    assert_eq!(
        goes(&v, &g, "src.md", 0),
        "n.md#How large can each remote vault be?"
    );
    assert_eq!(goes(&v, &g, "src.md", 1), "n.md#hasTag()");
    assert_eq!(goes(&v, &g, "src.md", 2), "n.md#wifi 2.4 vs 5.0");
    let n = note(&v, "n.md");
    assert_eq!(
        g.resolution(LinkRef {
            note: note(&v, "src.md"),
            link: 3
        }),
        Resolution::Note {
            note: n,
            via_alias: false,
            anchor: Anchor::Heading(3)
        }
    );
    // Decision 6: the note exists, the heading does not: a broken subpath that still opens the note.
    assert_eq!(goes(&v, &g, "src.md", 4), "n.md#<missing>");
}

#[test]
fn r21_heading_chains_resolve_within_sections() {
    let text = "# A\n## Report\none\n# B\n## Report\ntwo\n";
    let (v, g) = vault(&[
        (
            "src.md",
            "[[n#B#Report]] [[n#A#Report]] [[n#B#Nope#Report]]",
        ),
        ("n.md", text),
    ]);
    let n = note(&v, "n.md");
    let src = note(&v, "src.md");
    let heading = |i| match g.resolution(LinkRef { note: src, link: i }) {
        Resolution::Note {
            anchor: Anchor::Heading(h),
            ..
        } => v.notes[n].parsed.headings[h as usize].line,
        other => panic!("{other:?}"),
    };
    assert_eq!(heading(0), 5);
    assert_eq!(heading(1), 2);
    // A failed chain falls back to its last part alone.
    assert_eq!(heading(2), 2);
}

#[test]
fn r22_block_ids_placements() {
    let text = "A paragraph. ^37066d\n\n> quote\n\n^quote-of-the-day\n\n- Gemmy\n  ^37006f\n\n\
                ![[img.png]]^version-history-image\n\n`code ^notid`x\n\n```\nfenced ^nope\n```\n";
    let (v, _) = vault(&[("a.md", text)]);
    let ids: Vec<_> = v.notes[0]
        .parsed
        .block_ids
        .iter()
        .map(|b| b.id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "37066d",
            "quote-of-the-day",
            "37006f",
            "version-history-image"
        ]
    );
}

#[test]
fn r23_block_links() {
    let (v, g) = vault(&[
        ("src.md", "[[2023-01-01#^37066d]] [[2023-01-01#^missing]]"),
        ("2023-01-01.md", "text ^37066d\n"),
    ]);
    assert_eq!(goes(&v, &g, "src.md", 0), "2023-01-01.md#^37066d");
    assert_eq!(goes(&v, &g, "src.md", 1), "2023-01-01.md#<missing>");
}

#[test]
fn r24_display_text_and_empty_display() {
    let (v, _) = vault(&[(
        "a.md",
        "[[Example|Custom name]] [[Example#Details]] [[supplementation | ]] [[a|]] [[foo|**bold** b]]",
    )]);
    let l = links(&v, "a.md");
    assert_eq!(l[0].shown_text(), "Custom name");
    assert_eq!(l[1].shown_text(), "Example > Details");
    // Empty display: show the target.
    assert_eq!(l[2].display(), None);
    assert_eq!(l[2].shown_text(), "supplementation");
    assert_eq!(l[3].shown_text(), "a");
    assert_eq!(l[4].display(), Some("bold b"));
}

#[test]
fn r25_escaped_pipe_in_tables() {
    let text = "First | Second\n-- | --\n[[Basic formatting\\|Markdown syntax]] | ![[Engelbart.jpg\\|200]]\n";
    let (v, g) = vault(&[
        ("a.md", text),
        ("Basic formatting.md", ""),
        ("Engelbart.jpg", ""),
    ]);
    let l = links(&v, "a.md");
    assert_eq!(l.len(), 2);
    assert_eq!(l[0].target(), "Basic formatting");
    assert_eq!(l[0].display(), Some("Markdown syntax"));
    assert_eq!(goes(&v, &g, "a.md", 0), "Basic formatting.md");
    assert_eq!(l[1].target(), "Engelbart.jpg");
    assert_eq!(goes(&v, &g, "a.md", 1), "Engelbart.jpg");
}

#[test]
fn r26_r27_r28_embeds() {
    let (v, g) = vault(&[
        ("a.md", "![[Internal links]] ![[Internal links#Heading]] ![[Engelbart.jpg|100x145]] ![[Doc.pdf#page=3]]"),
        ("Internal links.md", "## Heading\n"),
        ("Engelbart.jpg", ""),
        ("Doc.pdf", ""),
    ]);
    let l = links(&v, "a.md");
    assert!(l.iter().all(|l| l.syntax == LinkSyntax::WikiEmbed));
    assert_eq!(goes(&v, &g, "a.md", 0), "Internal links.md");
    assert_eq!(goes(&v, &g, "a.md", 1), "Internal links.md#Heading");
    assert_eq!(goes(&v, &g, "a.md", 2), "Engelbart.jpg");
    assert_eq!(l[2].display(), Some("100x145"));
    // Fragments on media are not anchors: the file still resolves.
    assert_eq!(goes(&v, &g, "a.md", 3), "Doc.pdf");
}

#[test]
fn links_carry_byte_ranges_and_lines() {
    let text = "---\ntitle: T\n---\nline one\nsee [[b | B]] and ![[c]]\n";
    let (v, _) = vault(&[("a.md", text)]);
    let l = links(&v, "a.md");
    assert_eq!(&text[l[0].range.clone()], "[[b | B]]");
    assert_eq!(&text[l[1].range.clone()], "![[c]]");
    assert_eq!((l[0].line, l[1].line), (5, 5));
}

#[test]
fn decision9_lone_br_line_does_not_swallow_headings_and_links() {
    let (v, _) = vault(&[(
        "a.md",
        "From: [[hub]] <br/>\n<br/>\n<br/>\n# Heading [[x]]\n[[y]]\n",
    )]);
    let n = &v.notes[0];
    let targets: Vec<_> = n.parsed.links.iter().map(|l| l.target()).collect();
    assert_eq!(targets, ["hub", "x", "y"]);
    assert_eq!(n.parsed.headings.len(), 1);
    assert_eq!(n.title, "Heading x");
}

#[test]
fn r36_decision3_title_is_shown_but_links_resolve_by_filename() {
    let files = [("ai_models.md", "---\ntitle: AI models\n---\n")];
    assert_eq!(resolve(&files, "src.md", "ai_models"), "ai_models.md");
    assert_eq!(resolve(&files, "src.md", "AI models"), "unresolved");
    let (v, _) = vault(&files);
    assert_eq!(v.notes[0].title, "AI models");
    // Without `title`, the first H1, then the file name.
    let (v, _) = vault(&[("x.md", "## two\n# One\n"), ("y.md", "text")]);
    assert_eq!(v.notes[0].title, "One");
    assert_eq!(v.notes[1].title, "y");
}

/// Every inline tag occurrence the parser finds, in order (a loaded note keeps them only as its
/// de-duplicated `tags`).
fn tags(text: &str) -> Vec<String> {
    engram::markdown::parse(text, 0)
        .tags
        .iter()
        .map(|t| t.name.clone())
        .collect()
}

#[test]
fn r37_tag_characters() {
    assert_eq!(
        tags("#tag #y1984 #a-b_c #日本語 #tag. #end!"),
        ["tag", "y1984", "a-b_c", "日本語", "tag", "end"]
    );
    assert_eq!(tags("#ffffff #9b11"), ["ffffff", "9b11"]);
}

#[test]
fn r38_nested_tags_and_graph_counts() {
    assert_eq!(tags("#inbox/to-read"), ["inbox/to-read"]);
    let (_, g) = vault(&[
        ("a.md", "#Tag and #tag"),
        ("b.md", "---\ntags: [TAG, other]\n---\n"),
    ]);
    // Case-insensitive, first-seen casing, counted per note.
    assert_eq!(g.tags["tag"].name, "Tag");
    assert_eq!(g.tags["tag"].notes, vec![0, 1]);
    assert_eq!(g.tags["other"].notes, vec![1]);
}

#[test]
fn r39_r40_what_is_not_a_tag() {
    let text =
        "# Heading\n\na#b https://x.com/#anchor [[note#Heading]] `#code` \\#escaped #1984 #123\n\n\
                ```\n#fenced\n```\n";
    assert_eq!(tags(text), Vec::<String>::new());
    // Frontmatter text values do not make tags.
    let (v, _) = vault(&[("a.md", "---\ncolor: \"#ffffff\"\n---\nbody\n")]);
    assert!(v.notes[0].tags.is_empty());
}
