//! Fuzzy matching of note titles, aliases and paths: the quick switcher and the "closest names" offered
//! for an unresolved link.
//!
//! This is the only module that names `fuzzy-matcher`: the crate is no longer maintained, so it stays
//! behind this small interface ([`Matcher::find`], [`Matcher::find_in`], [`Matcher::closest`]) and
//! can be swapped alone.
//!
//! A query is one or more space-separated terms; a text matches when every term's characters appear
//! in it in order. Answering a keystroke on a large vault works in two stages:
//! 1. every candidate (or, when the query extends the previous one, only the candidates that matched
//!    it, remembered in a [`Session`]) gets a cheap linear score with no allocation, in the style of
//!    fzf's first algorithm, over strings lowercased once when the index was built; a bounded heap
//!    keeps the best notes;
//! 2. fuzzy-matcher's Skim scorer ranks that shortlist and gives the matched positions.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use fuzzy_matcher::skim::SkimMatcherV2;
use fuzzy_matcher::FuzzyMatcher;
use rayon::prelude::*;

use crate::vault::{Note, Vault};

/// Which text of a note a query matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The note's title.
    Title,
    /// One of its aliases, by index into `Note::aliases`.
    Alias(usize),
    /// Its vault path.
    Path,
}

impl Field {
    /// Prefer titles over aliases over paths when scores tie.
    fn rank(self) -> u8 {
        match self {
            Field::Title => 2,
            Field::Alias(_) => 1,
            Field::Path => 0,
        }
    }
}

/// One note that matched a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index into `Vault::notes`.
    pub note: usize,
    /// Higher is better.
    pub score: i64,
    /// The text that matched best.
    pub field: Field,
    /// Char indices (not bytes) of the matched characters in that text, ascending.
    pub indices: Vec<usize>,
}

/// One string a query is matched against.
#[derive(Debug, Clone)]
struct Candidate {
    note: u32,
    field: Field,
    /// The text lowercased char by char, so char indices match the original.
    lower: String,
    /// Length in chars, a tie-break: shorter texts first.
    chars: u32,
}

/// Adds note `i`'s title, aliases and path as candidates.
fn push_candidates(cands: &mut Vec<Candidate>, i: usize, n: &Note) {
    let mut push = |field: Field, text: &str| {
        if text.is_empty() {
            return;
        }
        cands.push(Candidate {
            note: i as u32,
            field,
            lower: lower_1to1(text),
            chars: text.chars().count() as u32,
        });
    };
    push(Field::Title, &n.title);
    for (a, alias) in n.aliases.iter().enumerate() {
        push(Field::Alias(a), alias);
    }
    push(Field::Path, &n.path);
}

/// Lowercases char by char, keeping one char per char so match indices stay valid for the original.
fn lower_1to1(s: &str) -> String {
    s.chars()
        .map(|c| {
            let mut l = c.to_lowercase();
            match (l.next(), l.next()) {
                (Some(one), None) => one,
                _ => c,
            }
        })
        .collect()
}

/// What a compact fuzzy match of a whole unresolved name is worth in [`Matcher::closest`], above any
/// count of shared words.
const COMPACT_MATCH: i64 = 1_000_000;
/// How many notes, per result asked for, the cheap first stage hands to the Skim scorer.
const SHORTLIST_FACTOR: usize = 3;
/// The smallest shortlist, so a small `limit` still ranks enough notes with the Skim scorer.
const SHORTLIST_MIN: usize = 300;

// The cheap scorer's weights, after fzf's: a match, a gap, and the bonus for a match that starts a
// word, continues a run, or starts the text.
const SCORE_MATCH: i64 = 16;
const GAP_START: i64 = -3;
const GAP_EXTEND: i64 = -1;
const BONUS_BOUNDARY: i64 = 8;
const BONUS_CONSECUTIVE: i64 = 4;
const BONUS_FIRST_CHAR: i64 = 2;

/// The cheap score of `text` for one term, `None` when the term's chars do not appear in order. Finds
/// the first place the whole term matches, shrinks it from the right to the shortest window, and
/// scores that window. Linear, and allocates nothing.
fn quick_score(text: &str, term: &[char]) -> Option<i64> {
    if term.is_empty() {
        return None;
    }
    let mut qi = 0;
    let mut end = None;
    for (b, c) in text.char_indices() {
        if c == term[qi] {
            qi += 1;
            if qi == term.len() {
                end = Some(b + c.len_utf8());
                break;
            }
        }
    }
    let end = end?;
    let mut qi = term.len();
    let mut start = 0;
    for (b, c) in text[..end].char_indices().rev() {
        if c == term[qi - 1] {
            qi -= 1;
            if qi == 0 {
                start = b;
                break;
            }
        }
    }
    let mut prev = text[..start].chars().next_back();
    let (mut score, mut qi, mut in_gap, mut run, mut run_bonus) = (0, 0, false, 0, 0);
    for c in text[start..end].chars() {
        if qi < term.len() && c == term[qi] {
            let mut bonus = match prev {
                None => BONUS_BOUNDARY * BONUS_FIRST_CHAR,
                Some(p) if !p.is_alphanumeric() => BONUS_BOUNDARY,
                _ => 0,
            };
            if run > 0 {
                bonus = bonus.max(run_bonus).max(BONUS_CONSECUTIVE);
            } else {
                run_bonus = bonus;
            }
            if qi == 0 {
                bonus *= BONUS_FIRST_CHAR;
            }
            score += SCORE_MATCH + bonus;
            run += 1;
            qi += 1;
            in_gap = false;
        } else {
            score += if in_gap { GAP_EXTEND } else { GAP_START };
            in_gap = true;
            run = 0;
        }
        prev = Some(c);
    }
    Some(score)
}

/// The cheap score of `text` for every term, summed; `None` unless every term matches.
fn quick_terms(text: &str, terms: &[Vec<char>]) -> Option<i64> {
    terms.iter().map(|t| quick_score(text, t)).sum()
}

/// Orders hits of equal score by how recently their note was opened, the latest first, keeping
/// the matcher's order otherwise. `recency` is larger for a more recently opened note, 0 for one
/// never opened.
pub fn prefer_recent(hits: &mut [Hit], recency: impl Fn(usize) -> u64) {
    hits.sort_by_key(|h| (Reverse(h.score), Reverse(recency(h.note))));
}

/// The notes of a vault, indexed for fuzzy matching.
pub struct Matcher {
    skim: SkimMatcherV2,
    /// Every title, alias and path, grouped by note in ascending note order.
    cands: Vec<Candidate>,
    /// For each note, its candidates in `cands`.
    by_note: Vec<std::ops::Range<u32>>,
}

impl std::fmt::Debug for Matcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Matcher")
            .field("candidates", &self.cands.len())
            .finish()
    }
}

/// What queries remember to answer the next one faster: for each query typed so far that is a
/// prefix of the last (the keys of one word being typed), the candidates it matched. A longer query
/// starts from the last pool; after Backspace, from the pool of the query it returns to.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// (lowercased query, candidates (indices) that matched it), each query extending the one
    /// before it.
    pools: Vec<(String, Vec<u32>)>,
}

impl Session {
    /// A session with nothing remembered.
    pub fn new() -> Self {
        Session::default()
    }
}

/// A scored note waiting in the top-k heap, ordered so the heap's top is the worst kept note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Ranked {
    score: i64,
    field_rank: u8,
    chars: u32,
    note: u32,
    cand: u32,
}

impl Ord for Ranked {
    /// Greater means better: higher score, then title before alias before path, then the shorter
    /// text, then the earlier note.
    fn cmp(&self, o: &Self) -> Ordering {
        self.score
            .cmp(&o.score)
            .then(self.field_rank.cmp(&o.field_rank))
            .then(o.chars.cmp(&self.chars))
            .then(o.note.cmp(&self.note))
            .then(o.cand.cmp(&self.cand))
    }
}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Keeps `r` if it is among the best `limit` seen so far.
fn keep(heap: &mut BinaryHeap<Reverse<Ranked>>, r: Ranked, limit: usize) {
    if heap.len() < limit {
        heap.push(Reverse(r));
    } else if heap.peek().is_some_and(|Reverse(worst)| r > *worst) {
        heap.pop();
        heap.push(Reverse(r));
    }
}

impl Matcher {
    /// Indexes the titles, aliases and paths of every note.
    pub fn new(vault: &Vault) -> Matcher {
        // Lowercasing is most of the work: done on all cores, in note order.
        let per_note: Vec<Vec<Candidate>> = vault
            .notes
            .par_iter()
            .enumerate()
            .map(|(i, n)| {
                let mut out = Vec::with_capacity(2 + n.aliases.len());
                push_candidates(&mut out, i, n);
                out
            })
            .collect();
        let mut cands = Vec::with_capacity(per_note.iter().map(Vec::len).sum());
        let mut by_note = Vec::with_capacity(vault.notes.len());
        for c in per_note {
            let first = cands.len() as u32;
            cands.extend(c);
            by_note.push(first..cands.len() as u32);
        }
        Matcher {
            skim: SkimMatcherV2::default().ignore_case(),
            cands,
            by_note,
        }
    }

    /// Indexes note `i` again after its title or aliases changed (its path and index did not).
    /// Sessions of earlier queries no longer apply: start the next query with a new one.
    pub fn update_note(&mut self, i: usize, note: &Note) {
        let Some(old) = self.by_note.get(i).cloned() else {
            return;
        };
        let mut fresh = Vec::new();
        push_candidates(&mut fresh, i, note);
        let added = fresh.len() as i64 - (old.end - old.start) as i64;
        self.cands
            .splice(old.start as usize..old.end as usize, fresh);
        self.by_note[i] = old.start..(old.end as i64 + added) as u32;
        for r in &mut self.by_note[i + 1..] {
            *r = (r.start as i64 + added) as u32..(r.end as i64 + added) as u32;
        }
    }

    /// The best `limit` notes for `query`, best first, each with its best-matching field. An empty
    /// query matches nothing.
    pub fn find(&self, query: &str, limit: usize) -> Vec<Hit> {
        self.find_in(&mut Session::new(), query, limit)
    }

    /// Like [`Matcher::find`], reusing what `session` remembers from the previous query when the new
    /// one extends it, and remembering this one for the next.
    pub fn find_in(&self, session: &mut Session, query: &str, limit: usize) -> Vec<Hit> {
        let q = lower_1to1(query);
        let terms: Vec<Vec<char>> = q.split_whitespace().map(|t| t.chars().collect()).collect();
        if terms.is_empty() || limit == 0 {
            *session = Session::new();
            return Vec::new();
        }
        // A candidate that matches the new query matched every prefix of it, so a query that extends
        // the previous one only needs the previous matches.
        // Forget the pools of queries the new one does not extend (Backspace, an edit); start from
        // the pool of the longest query it does.
        while session
            .pools
            .last()
            .is_some_and(|(p, _)| p.trim().is_empty() || !q.starts_with(p.as_str()))
        {
            session.pools.pop();
        }
        let all: Vec<u32>;
        let ids: &[u32] = match session.pools.last() {
            Some((_, pool)) => pool,
            None => {
                all = (0..self.cands.len() as u32).collect();
                &all
            }
        };
        // The quick filter is most of the work on a large vault: on all cores.
        let quick: Vec<Option<i64>> = ids
            .par_iter()
            .with_min_len(4096)
            .map(|&id| quick_terms(&self.cands[id as usize].lower, &terms))
            .collect();
        let shortlist = limit.saturating_mul(SHORTLIST_FACTOR).max(SHORTLIST_MIN);
        let mut pool: Vec<u32> = Vec::with_capacity(ids.len());
        let mut heap: BinaryHeap<Reverse<Ranked>> = BinaryHeap::new();
        let mut best: Option<Ranked> = None;
        for (&id, score) in ids.iter().zip(quick) {
            let c = &self.cands[id as usize];
            let Some(score) = score else {
                continue;
            };
            pool.push(id);
            let r = Ranked {
                score,
                field_rank: c.field.rank(),
                chars: c.chars,
                note: c.note,
                cand: id,
            };
            match best {
                Some(b) if b.note == r.note => {
                    if r > b {
                        best = Some(r);
                    }
                }
                _ => {
                    if let Some(b) = best.replace(r) {
                        keep(&mut heap, b, shortlist);
                    }
                }
            }
        }
        if let Some(b) = best {
            keep(&mut heap, b, shortlist);
        }
        if session.pools.last().is_some_and(|(p, _)| *p == q) {
            session.pools.pop();
        }
        session.pools.push((q.clone(), pool));

        // Stage two: the Skim scorer over every matching field of each shortlisted note; match
        // positions only for the notes that are kept.
        let term_strs: Vec<String> = terms.iter().map(|t| t.iter().collect()).collect();
        let mut ranked: Vec<Ranked> = heap
            .into_iter()
            .filter_map(|Reverse(r)| {
                self.by_note[r.note as usize]
                    .clone()
                    .filter_map(|id| {
                        let c = &self.cands[id as usize];
                        let score = term_strs
                            .iter()
                            .map(|t| self.skim.fuzzy_match(&c.lower, t))
                            .sum::<Option<i64>>()?;
                        Some(Ranked {
                            score,
                            field_rank: c.field.rank(),
                            chars: c.chars,
                            note: c.note,
                            cand: id,
                        })
                    })
                    .max()
            })
            .collect();
        ranked.sort_by_key(|r| Reverse(*r));
        ranked.truncate(limit);
        ranked
            .into_iter()
            .map(|r| {
                let c = &self.cands[r.cand as usize];
                Hit {
                    note: r.note as usize,
                    score: r.score,
                    field: c.field,
                    indices: self.positions(&c.lower, &term_strs),
                }
            })
            .collect()
    }

    /// The char indices every term matched in `text`, merged.
    fn positions(&self, text: &str, terms: &[String]) -> Vec<usize> {
        let mut indices: Vec<usize> = terms
            .iter()
            .filter_map(|t| self.skim.fuzzy_indices(text, t))
            .flat_map(|(_, idx)| idx)
            .collect();
        indices.sort_unstable();
        indices.dedup();
        indices
    }

    /// Up to `n` notes whose names come closest to `name`, for a link that names no note. First the
    /// notes that match the whole name fuzzily and compactly (a scattered match of a long name is
    /// noise), then the notes that share the most of its words (three letters or more, longer words
    /// counting more), as substrings of a title, alias or path.
    pub fn closest(&self, name: &str, n: usize) -> Vec<usize> {
        let mut scores: Vec<(i64, usize)> = Vec::new();
        for h in self.find(name, n) {
            let span = match (h.indices.first(), h.indices.last()) {
                (Some(a), Some(b)) => b - a + 1,
                _ => continue,
            };
            if h.indices.len() * 2 >= span {
                scores.push((COMPACT_MATCH + h.score, h.note));
            }
        }
        let words: Vec<String> = lower_1to1(name)
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 3)
            .map(str::to_string)
            .collect();
        if !words.is_empty() {
            for (note, range) in self.by_note.iter().enumerate() {
                let shared: usize = words
                    .iter()
                    .filter(|w| {
                        range
                            .clone()
                            .any(|id| self.cands[id as usize].lower.contains(w.as_str()))
                    })
                    .map(|w| w.chars().count())
                    .sum();
                if shared == 0 {
                    continue;
                }
                let shared = i64::try_from(shared).unwrap_or(i64::MAX);
                match scores.iter_mut().find(|(_, x)| *x == note) {
                    Some(s) => s.0 += shared,
                    None => scores.push((shared, note)),
                }
            }
        }
        scores.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scores.into_iter().take(n).map(|(_, note)| note).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(notes: &[(&str, &str)]) -> Vault {
        Vault::from_files(notes.iter().copied())
    }

    #[test]
    fn updating_one_note_matches_what_a_new_index_finds() {
        let before = vault(&[
            ("a.md", "# Apple"),
            ("b.md", "---\naliases: [bee, buzz]\n---\n# Banana"),
            ("c.md", "# Cherry"),
        ]);
        let after = vault(&[
            ("a.md", "# Apple"),
            ("b.md", "# Blueberry"),
            ("c.md", "---\naliases: [cerise]\n---\n# Cherry"),
        ]);
        let mut m = Matcher::new(&before);
        m.update_note(1, &after.notes[1]);
        m.update_note(2, &after.notes[2]);
        let fresh = Matcher::new(&after);
        for q in ["b", "bee", "blue", "cer", "c", "apple", "md"] {
            assert_eq!(m.find(q, 10), fresh.find(q, 10), "{q}");
        }
    }

    #[test]
    fn equal_scores_prefer_the_recently_opened_note() {
        let m = Matcher::new(&vault(&[("alpha one.md", ""), ("alpha two.md", "")]));
        let mut hits = m.find("alpha", 10);
        assert_eq!(hits[0].score, hits[1].score);
        assert_eq!(hits[0].note, 0);
        prefer_recent(&mut hits, |n| if n == 1 { 5 } else { 0 });
        assert_eq!(hits[0].note, 1);
        let mut better = m.find("one", 10);
        prefer_recent(&mut better, |n| if n == 1 { 5 } else { 0 });
        assert_eq!(better[0].note, 0, "a better score wins over recency");
    }

    fn sample() -> Vault {
        vault(&[
            (
                "welcome.md",
                "---\ntitle: Welcome to engram\naliases: [home]\n---\n",
            ),
            (
                "features/links.md",
                "---\ntitle: Links and how to write them\n---\n",
            ),
            (
                "tools_for_improving_memory.md",
                "# Tools for improving memory\n",
            ),
            ("İstanbul notes.md", "# İstanbul trip\n"),
        ])
    }

    #[test]
    fn finds_titles_best_first_with_char_indices() {
        let v = sample();
        let m = Matcher::new(&v);
        let hits = m.find("welc", 10);
        assert_eq!(hits[0].note, v.note_by_path("welcome.md").unwrap());
        assert_eq!(hits[0].field, Field::Title);
        assert_eq!(hits[0].indices, vec![0, 1, 2, 3]);
    }

    #[test]
    fn matches_aliases_and_paths() {
        let v = sample();
        let m = Matcher::new(&v);
        let hits = m.find("home", 10);
        assert_eq!(hits[0].field, Field::Alias(0));
        let hits = m.find("features/", 10);
        assert_eq!(hits[0].field, Field::Path);
    }

    #[test]
    fn indices_are_chars_even_when_lowercasing_changes_length() {
        let v = sample();
        let m = Matcher::new(&v);
        let hits = m.find("trip", 10);
        let note = &v.notes[hits[0].note];
        let title: Vec<char> = note.title.chars().collect();
        let got: String = hits[0].indices.iter().map(|&i| title[i]).collect();
        assert_eq!(got, "trip");
    }

    #[test]
    fn one_hit_per_note_and_limit_respected() {
        let v = sample();
        let m = Matcher::new(&v);
        let hits = m.find("e", 2);
        assert_eq!(hits.len(), 2);
        assert_ne!(hits[0].note, hits[1].note);
        assert!(hits[0].score >= hits[1].score);
    }

    #[test]
    fn session_narrowing_gives_the_same_answers() {
        let v = sample();
        let m = Matcher::new(&v);
        let mut s = Session::new();
        for q in [
            "t", "to", "too", "tool", "tools", "tool", "too", "to", "tm", "tme", "t", "", "l",
            "li", "li ", "li t", "li ", "l",
        ] {
            assert_eq!(m.find_in(&mut s, q, 10), m.find(q, 10), "query {q}");
        }
    }

    #[test]
    fn space_separated_terms_must_all_match_in_any_order() {
        let v = sample();
        let m = Matcher::new(&v);
        let hits = m.find("memory tools", 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].field, Field::Title);
        let title: Vec<char> = v.notes[hits[0].note].title.chars().collect();
        let got: String = hits[0].indices.iter().map(|&i| title[i]).collect();
        assert_eq!(got, "Toolsmemory");
        assert!(m.find("memory zebra", 10).is_empty());
    }

    #[test]
    fn cheap_score_prefers_word_starts_and_runs() {
        let q: Vec<char> = "mem".chars().collect();
        let start = quick_score("memory tools", &q).unwrap();
        let word = quick_score("tools memory", &q).unwrap();
        let inside = quick_score("toolsmemory", &q).unwrap();
        let scattered = quick_score("xmxexm", &q).unwrap();
        assert!(start > word && word > inside && inside > scattered);
        assert_eq!(quick_score("me", &q), None);
    }

    #[test]
    fn empty_query_finds_nothing() {
        let v = sample();
        assert!(Matcher::new(&v).find("  ", 10).is_empty());
    }

    #[test]
    fn closest_offers_notes_sharing_words() {
        let v = sample();
        let m = Matcher::new(&v);
        let near = m.closest("memory_tools_list", 3);
        assert_eq!(
            near.first().copied(),
            v.note_by_path("tools_for_improving_memory.md")
        );
        let typo = m.closest("tools_for_improving_memmory", 3);
        assert_eq!(
            typo,
            vec![v.note_by_path("tools_for_improving_memory.md").unwrap()]
        );
        let part = m.closest("welcom", 3);
        assert_eq!(part.first().copied(), v.note_by_path("welcome.md"));
        assert!(m.closest("zzzz qqqq", 3).is_empty());
        assert!(near.len() <= 3);
    }
}
