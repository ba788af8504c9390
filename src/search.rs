//! Full-text search over every message and conversation title (SQLite FTS5), used by
//! `interviewer search` and the TUI's live sidebar filter through `Service::search`.
//! The index queries are the store's (`store::search`); this module ranks, makes
//! snippets and names no SQL.
//!
//! Ranking. FTS5's own `ORDER BY rank` computes bm25 for *every* matching row and
//! scans each term's whole document list for its IDF: with a million messages a
//! common word costs over a second. So the query here is bounded: FTS5 returns the
//! most recent matching messages a page of [`CANDIDATES`] at a time (`ORDER BY rowid
//! DESC LIMIT`, which walks the index backwards and stops), each with its matches
//! marked by `highlight()`, until the pages cover `limit` conversations or
//! [`MAX_PAGES`] pages were read; BM25 is then computed in Rust over that candidate
//! set (term frequency from the marks, length normalisation, IDF within the
//! candidates). When a query matches fewer messages than that, the ranking covers
//! all of them; when it matches more, the best of the most recent ones win, which is
//! what a user looking for "what I said about X" wants. Conversations whose *title*
//! matches rank first.
//!
//! Archived conversations are included (the hit says `archived`): search is how a
//! user finds something they put away.
//!
//! Query syntax is FTS5's: words (all must match), `"a phrase"`, `prefix*`, `OR`,
//! `NOT`, parentheses. A query FTS5 cannot parse is retried with every word quoted
//! when that is unambiguous (`C++`, `node.js`, `don't`); otherwise it is a
//! [`SearchError::Syntax`] that tells the user to quote their words.

use std::collections::HashMap;

use crate::domain::Role;
use crate::sanitize::for_terminal_line;
/// The marks around each matched run in [`SearchHit::snippet`].
pub use crate::store::{MATCH_END, MATCH_START};
use crate::store::{MatchError, MessageMatch, SearchCancel, Store, StoreError};

/// The most distinct words a query may have. Each term is one more index walk per
/// candidate page; a thousand repeated terms took over a minute on 200k messages.
pub const MAX_TERMS: usize = 32;

/// How many matching messages one page of candidates holds (see the module docs).
pub const CANDIDATES: usize = 1000;
/// At most this many pages of candidates are read: the ranking looks at no more
/// than `CANDIDATES * MAX_PAGES` of the most recent matching messages.
pub const MAX_PAGES: usize = 4;

/// Words of context a snippet shows before the first match.
const SNIPPET_BEFORE: usize = 6;
/// Words a snippet shows in all.
const SNIPPET_WORDS: usize = 20;
/// A word longer than this (a pasted blob) is cut in a snippet.
const SNIPPET_MAX_WORD: usize = 40;

/// BM25 parameters (the usual defaults, as FTS5 uses).
const BM25_K1: f64 = 1.2;
const BM25_B: f64 = 0.75;

/// One conversation that matched, with its best matching message.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub conversation_id: i64,
    /// The conversation's title (raw: sanitise before printing).
    pub title: String,
    /// The best matching message; `None` when only the title matched.
    pub message_id: Option<i64>,
    /// Who wrote the matching message; `None` for a title match.
    pub role: Option<Role>,
    /// A short excerpt of the matching message (or the title), on one line, already
    /// sanitised for a terminal, with each matched run between [`MATCH_START`] and
    /// [`MATCH_END`]. Use [`snippet_segments`] to split it for highlighting.
    pub snippet: String,
    /// Relevance, higher is better (BM25 within the candidate set; title matches
    /// add a bonus that puts them first). Only meaningful for ordering one result.
    pub score: f64,
    /// When the matching message was written (the conversation's creation for a
    /// title match), Unix ms.
    pub created_at: i64,
    /// The conversation's last activity, Unix ms.
    pub updated_at: i64,
    pub archived: bool,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("nothing to search for: give at least one word")]
    Empty,
    #[error("search syntax: {detail}; put words in quotes to search them literally")]
    Syntax { detail: String },
    #[error(
        "the search has {count} different words; at most {max} are searched at once: use fewer words"
    )]
    TooManyTerms { count: usize, max: usize },
    /// Stopped because the query changed or the app is quitting.
    #[error("the search was cancelled")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SearchError {
    /// Whether the user's query was at fault (show the message, keep the input)
    /// rather than the database.
    pub fn is_syntax_error(&self) -> bool {
        matches!(
            self,
            SearchError::Syntax { .. } | SearchError::Empty | SearchError::TooManyTerms { .. }
        )
    }
}

/// `query` with repeated words dropped (a repeated term of an implicit AND adds
/// nothing but cost), and refused past [`MAX_TERMS`] words. Queries with
/// operators or parentheses keep every word (repeating one may change what they
/// mean) but are bounded the same way.
pub fn bound_terms(query: &str) -> Result<String, SearchError> {
    let words: Vec<&str> = query.split_whitespace().collect();
    let has_operators = query.contains(['(', ')'])
        || words
            .iter()
            .any(|w| matches!(*w, "AND" | "OR" | "NOT") || w.starts_with("NEAR"));
    // Inside a quoted phrase a repeated word is part of the phrase.
    let in_phrases =
        query.matches('"').count() > 0 && words.iter().any(|w| w.matches('"').count() == 1);
    let kept: Vec<&str> = if has_operators || in_phrases {
        words
    } else {
        let mut seen = std::collections::HashSet::new();
        words
            .into_iter()
            .filter(|w| seen.insert(w.to_lowercase()))
            .collect()
    };
    if kept.len() > MAX_TERMS {
        return Err(SearchError::TooManyTerms {
            count: kept.len(),
            max: MAX_TERMS,
        });
    }
    Ok(kept.join(" "))
}

/// Splits a snippet into `(text, matched)` runs, for drawing the matches highlighted.
pub fn snippet_segments(snippet: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    let mut matched = false;
    let mut start = 0;
    for (i, c) in snippet.char_indices() {
        if c == MATCH_START || c == MATCH_END {
            if i > start {
                out.push((&snippet[start..i], matched));
            }
            matched = c == MATCH_START;
            start = i + c.len_utf8();
        }
    }
    if start < snippet.len() {
        out.push((&snippet[start..], matched));
    }
    out
}

/// The snippet with its matches wrapped in `open` and `close` (e.g. `[`/`]`, or ANSI).
pub fn mark_snippet(snippet: &str, open: &str, close: &str) -> String {
    let mut out = String::with_capacity(snippet.len() + 8);
    for (text, matched) in snippet_segments(snippet) {
        if matched {
            out.push_str(open);
            out.push_str(text);
            out.push_str(close);
        } else {
            out.push_str(text);
        }
    }
    out
}

/// The query for a search box filtering as the user types: plain words become
/// quoted terms with the last one a prefix once it has [`MIN_PREFIX_CHARS`]
/// letters (`kube` finds `kubernetes` before the word is finished; punctuation is
/// literal). Input that already uses FTS syntax
/// (quotes, `*`, parentheses, `AND`/`OR`/`NOT`, `NEAR`) is passed through as is.
pub fn as_you_type(input: &str) -> String {
    let words: Vec<&str> = input.split_whitespace().collect();
    let uses_syntax = input.contains(['"', '*', '(', ')'])
        || words
            .iter()
            .any(|w| matches!(*w, "AND" | "OR" | "NOT") || w.starts_with("NEAR"));
    if uses_syntax || words.is_empty() {
        return input.to_string();
    }
    let mut out = words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ");
    // A one- or two-letter prefix expands to thousands of terms and costs seconds on
    // a big history; until the third letter the word must match whole.
    if words
        .last()
        .is_some_and(|w| w.chars().count() >= MIN_PREFIX_CHARS)
    {
        out.push('*');
    }
    out
}

/// Shortest unfinished word [`as_you_type`] searches as a prefix.
pub const MIN_PREFIX_CHARS: usize = 3;

/// Finds the conversations matching `query`, best first, one hit per conversation,
/// at most `limit`.
pub(crate) fn search(
    store: &Store,
    query: &str,
    limit: usize,
) -> Result<Vec<SearchHit>, SearchError> {
    search_cancellable(store, query, limit, None)
}

/// [`search`], stopped with [`SearchError::Cancelled`] soon after `cancel` is set.
pub(crate) fn search_cancellable(
    store: &Store,
    query: &str,
    limit: usize,
    cancel: Option<&SearchCancel>,
) -> Result<Vec<SearchHit>, SearchError> {
    if query.trim().is_empty() {
        return Err(SearchError::Empty);
    }
    if limit == 0 {
        return Ok(Vec::new());
    }
    let bounded = bound_terms(query)?;
    let query = bounded.as_str();
    match run(store, query, limit, cancel) {
        Err(MatchError::Syntax(detail)) => match literal_query(query) {
            Some(literal) => run(store, &literal, limit, cancel).map_err(|e| match e {
                // The quoted form is always valid FTS5; report the user's own error.
                MatchError::Syntax(_) => SearchError::Syntax { detail },
                MatchError::Cancelled => SearchError::Cancelled,
                MatchError::Store(e) => SearchError::Store(e),
            }),
            None => Err(SearchError::Syntax { detail }),
        },
        Err(MatchError::Cancelled) => Err(SearchError::Cancelled),
        Err(MatchError::Store(e)) => Err(SearchError::Store(e)),
        Ok(hits) => Ok(hits),
    }
}

/// Every word quoted, so FTS5 reads punctuation as separators — only for queries
/// that are plainly words (no quotes of their own, every word has a letter or digit),
/// so that a stray `*`, `-` or `:` is still reported rather than silently dropped.
fn literal_query(query: &str) -> Option<String> {
    if query.contains('"') {
        return None;
    }
    let words: Vec<&str> = query.split_whitespace().collect();
    if words.is_empty() || !words.iter().all(|w| w.chars().any(char::is_alphanumeric)) {
        return None;
    }
    // An operator means the user meant FTS syntax; say what is wrong with it.
    if words
        .iter()
        .any(|w| matches!(*w, "AND" | "OR" | "NOT") || w.starts_with("NEAR("))
    {
        return None;
    }
    Some(
        words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" "),
    )
}

fn run(
    store: &Store,
    query: &str,
    limit: usize,
    cancel: Option<&SearchCancel>,
) -> Result<Vec<SearchHit>, MatchError> {
    let mut candidates = Vec::new();
    let mut conversations = std::collections::HashSet::new();
    let mut before = i64::MAX;
    let cancelled = || cancel.is_some_and(|c| c.load(std::sync::atomic::Ordering::Relaxed));
    for _ in 0..MAX_PAGES {
        if cancelled() {
            return Err(MatchError::Cancelled);
        }
        let page = store.match_messages(query, before, CANDIDATES, cancel)?;
        let full = page.len() == CANDIDATES;
        for c in &page {
            conversations.insert(c.conversation_id);
            before = before.min(c.message_id);
        }
        candidates.extend(page);
        if !full || conversations.len() >= limit {
            break;
        }
    }
    // The message query already accepted the syntax; a column filter such as
    // `content:word` only exists there, so the title index may refuse it.
    let titles = match store.match_titles(query, limit, cancel) {
        Err(MatchError::Syntax(_)) => Vec::new(),
        other => other?,
    };
    let mut scored = bm25(&candidates);

    // One entry per conversation: its best message.
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut best: HashMap<i64, (usize, f64)> = HashMap::new();
    let mut order: Vec<i64> = Vec::new();
    for &(index, score) in &scored {
        let conversation = candidates[index].conversation_id;
        if let std::collections::hash_map::Entry::Vacant(slot) = best.entry(conversation) {
            slot.insert((index, score));
            order.push(conversation);
        }
    }
    let top_message_score = scored.first().map_or(1.0, |s| s.1.max(1.0));

    struct Entry {
        conversation_id: i64,
        message: Option<usize>,
        title_marked: Option<String>,
        score: f64,
    }
    let mut entries: Vec<Entry> = order
        .iter()
        .map(|&conversation_id| {
            let (index, score) = best[&conversation_id];
            Entry {
                conversation_id,
                message: Some(index),
                title_marked: None,
                score,
            }
        })
        .collect();
    // A title match is a strong signal: it lifts the conversation above every
    // message-only match, and titles are ordered among themselves by bm25.
    for (rank, (conversation_id, marked)) in titles.into_iter().enumerate() {
        let bonus = top_message_score * 2.0 + 1.0 / (1.0 + rank as f64);
        match entries
            .iter_mut()
            .find(|e| e.conversation_id == conversation_id)
        {
            // The matching message makes the better snippet; the title shows anyway.
            Some(entry) => entry.score += bonus,
            None => entries.push(Entry {
                conversation_id,
                message: None,
                title_marked: Some(marked),
                score: bonus,
            }),
        }
    }
    entries.sort_by(|a, b| b.score.total_cmp(&a.score));
    entries.truncate(limit);

    let mut hits = Vec::with_capacity(entries.len());
    for entry in entries {
        let Some(conversation) = store
            .conversation(entry.conversation_id)
            .map_err(MatchError::Store)?
        else {
            continue; // deleted between the two queries
        };
        let hit = match entry.message {
            Some(index) => {
                let c = &candidates[index];
                SearchHit {
                    conversation_id: conversation.id,
                    title: conversation.title,
                    message_id: Some(c.message_id),
                    role: Role::parse(&c.role),
                    snippet: snippet(&c.marked),
                    score: entry.score,
                    created_at: c.created_at,
                    updated_at: conversation.updated_at,
                    archived: conversation.archived,
                }
            }
            None => SearchHit {
                conversation_id: conversation.id,
                message_id: None,
                role: None,
                snippet: snippet(entry.title_marked.as_deref().unwrap_or(&conversation.title)),
                title: conversation.title,
                score: entry.score,
                created_at: conversation.created_at,
                updated_at: conversation.updated_at,
                archived: conversation.archived,
            },
        };
        hits.push(hit);
    }
    Ok(hits)
}

/// BM25 of every candidate, computed over the candidate set: term frequencies are
/// the marked runs (grouped by their lower-cased text, so each query term or phrase
/// counts apart), document length is the word count.
fn bm25(candidates: &[MessageMatch]) -> Vec<(usize, f64)> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let per_doc: Vec<(HashMap<String, u32>, usize)> = candidates
        .iter()
        .map(|c| {
            (
                term_counts(&c.marked),
                c.marked.split_whitespace().count().max(1),
            )
        })
        .collect();
    let n = per_doc.len() as f64;
    let avg_len = per_doc.iter().map(|(_, len)| *len as f64).sum::<f64>() / n;
    let mut doc_freq: HashMap<&str, u32> = HashMap::new();
    for (terms, _) in &per_doc {
        for term in terms.keys() {
            *doc_freq.entry(term.as_str()).or_default() += 1;
        }
    }
    per_doc
        .iter()
        .enumerate()
        .map(|(index, (terms, len))| {
            let norm = BM25_K1 * (1.0 - BM25_B + BM25_B * *len as f64 / avg_len);
            let score = terms
                .iter()
                .map(|(term, &tf)| {
                    let df = f64::from(doc_freq[term.as_str()]);
                    let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                    let tf = f64::from(tf);
                    idf * tf * (BM25_K1 + 1.0) / (tf + norm)
                })
                .sum::<f64>();
            (index, score)
        })
        .collect()
}

/// How often each marked run occurs in a highlighted text.
fn term_counts(marked: &str) -> HashMap<String, u32> {
    let mut counts = HashMap::new();
    for (text, matched) in snippet_segments(marked) {
        if matched {
            *counts.entry(text.to_lowercase()).or_default() += 1;
        }
    }
    counts
}

/// A one-line excerpt around the first match, sanitised, markers kept balanced.
fn snippet(marked: &str) -> String {
    let words: Vec<&str> = marked.split_whitespace().collect();
    let first = words
        .iter()
        .position(|w| w.contains(MATCH_START))
        .unwrap_or(0);
    let start = first.saturating_sub(SNIPPET_BEFORE);
    let end = (start + SNIPPET_WORDS).min(words.len());
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    let mut open = false;
    for (i, word) in words[start..end].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut chars = 0;
        for c in word.chars() {
            match c {
                MATCH_START => open = true,
                MATCH_END => open = false,
                _ => {
                    chars += 1;
                    if chars > SNIPPET_MAX_WORD {
                        if chars == SNIPPET_MAX_WORD + 1 {
                            out.push('…');
                        }
                        continue;
                    }
                }
            }
            out.push(c);
        }
    }
    if open {
        out.push(MATCH_END);
    }
    if end < words.len() {
        out.push('…');
    }
    // Sanitise the text between the markers, never the markers themselves.
    let mut clean = String::with_capacity(out.len());
    for (text, matched) in snippet_segments(&out) {
        if matched {
            clean.push(MATCH_START);
        }
        clean.push_str(&for_terminal_line(text));
        if matched {
            clean.push(MATCH_END);
        }
    }
    clean
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_split_on_the_markers() {
        let s = "a \u{1}b\u{2} c \u{1}d\u{2}";
        assert_eq!(
            snippet_segments(s),
            vec![("a ", false), ("b", true), (" c ", false), ("d", true)]
        );
        assert_eq!(mark_snippet(s, "[", "]"), "a [b] c [d]");
    }

    #[test]
    fn snippets_centre_on_the_first_match_and_stay_balanced() {
        let words: Vec<String> = (0..50).map(|i| format!("w{i}")).collect();
        let mut text = words.join(" ");
        text = text.replace("w30", "\u{1}w30 w31");
        text = text.replace("w45", "w45\u{2}");
        let s = snippet(&text);
        assert!(s.starts_with("…w24 "), "{s}");
        assert!(s.ends_with('…'), "{s}");
        assert_eq!(s.matches(MATCH_START).count(), s.matches(MATCH_END).count());
    }

    #[test]
    fn snippets_are_sanitised_but_keep_their_markers() {
        let s = snippet("evil \u{1}\u{1b}[2Jterm\u{2}\nnext");
        assert_eq!(s, "evil \u{1}␛[2Jterm\u{2} next");
    }

    #[test]
    fn repeated_words_are_dropped_and_too_many_refused() {
        assert_eq!(
            bound_terms(&"rust ".repeat(1000)).expect("one term"),
            "rust"
        );
        assert_eq!(bound_terms("Rust rust go").expect("two"), "Rust go");
        assert_eq!(bound_terms("\"a b\" a").expect("phrase kept"), "\"a b\" a");
        assert_eq!(bound_terms("a OR a").expect("operators kept"), "a OR a");
        let many: String = (0..2000).map(|i| format!("w{i} ")).collect();
        assert!(matches!(
            bound_terms(&many),
            Err(SearchError::TooManyTerms {
                count: 2000,
                max: MAX_TERMS
            })
        ));
    }

    #[test]
    fn a_cancelled_search_stops() {
        let (_dir, store) = temp_store();
        conversation(&store, "Rust", &["rust and more rust"]);
        let cancel: SearchCancel = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        assert!(matches!(
            search_cancellable(&store, "rust", 10, Some(&cancel)),
            Err(SearchError::Cancelled)
        ));
        cancel.store(false, std::sync::atomic::Ordering::Relaxed);
        assert_eq!(
            search_cancellable(&store, "rust", 10, Some(&cancel))
                .expect("search")
                .len(),
            1
        );
    }

    #[test]
    fn literal_fallback_only_for_plain_words() {
        assert_eq!(
            literal_query("C++ node.js").as_deref(),
            Some("\"C++\" \"node.js\"")
        );
        assert_eq!(literal_query("don't"), Some("\"don't\"".into()));
        assert_eq!(literal_query("\"unbalanced"), None);
        assert_eq!(literal_query("*"), None);
        assert_eq!(literal_query("rust -"), None);
        assert_eq!(literal_query("rust AND"), None);
    }

    #[test]
    fn typing_queries_end_in_a_prefix() {
        assert_eq!(as_you_type("led kube"), "\"led\" \"kube\"*");
        assert_eq!(as_you_type("node.js"), "\"node.js\"*");
        assert_eq!(as_you_type("a OR b"), "a OR b");
        assert_eq!(as_you_type("\"exact"), "\"exact");
        assert_eq!(as_you_type("  "), "  ");
        assert_eq!(as_you_type("we i"), "\"we\" \"i\"");
    }

    #[test]
    fn as_you_type_queries_find_unfinished_words() {
        let (_dir, store) = temp_store();
        let (id, _) = conversation(&store, "A", &["we migrated to kubernetes in 2023"]);
        let hits = search(&store, &as_you_type("migrated kuber"), 10).expect("search");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].conversation_id, id);
        assert!(search(&store, &as_you_type("C++ is"), 10).is_ok());
    }

    #[test]
    fn more_occurrences_score_higher() {
        let c = |id, marked: &str| MessageMatch {
            message_id: id,
            conversation_id: id,
            role: "user".into(),
            created_at: 0,
            marked: marked.into(),
        };
        let cands = vec![
            c(1, "one \u{1}rust\u{2} here and other words"),
            c(2, "\u{1}rust\u{2} \u{1}rust\u{2} \u{1}rust\u{2} and other"),
            c(3, "nothing marked at all in this one"),
        ];
        let mut scores = bm25(&cands);
        scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        assert_eq!(scores[0].0, 1);
        assert_eq!(scores[1].0, 0);
    }

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open_in(&dir.path().join("data")).expect("open");
        (dir, store)
    }

    fn conversation(store: &Store, title: &str, messages: &[&str]) -> (i64, Vec<i64>) {
        let id = store
            .create_conversation(&crate::domain::NewConversation {
                title: title.into(),
                persona: "career-interviewer".into(),
                setup: None,
                model: None,
            })
            .expect("create");
        let ids = messages
            .iter()
            .map(|m| {
                store
                    .insert_message(id, Role::User, m, crate::domain::Status::Complete)
                    .expect("insert")
            })
            .collect();
        (id, ids)
    }

    #[test]
    fn ranks_by_term_frequency_and_marks_the_match() {
        let (_dir, store) = temp_store();
        let (once, _) = conversation(&store, "First", &["I deployed kubernetes at work once"]);
        let (thrice, msgs) = conversation(
            &store,
            "Second",
            &["kubernetes kubernetes and more kubernetes here"],
        );
        conversation(&store, "Third", &["nothing relevant"]);
        let hits = search(&store, "kubernetes", 10).expect("search");
        assert_eq!(
            hits.iter().map(|h| h.conversation_id).collect::<Vec<_>>(),
            vec![thrice, once]
        );
        assert_eq!(hits[0].message_id, Some(msgs[0]));
        assert_eq!(hits[0].role, Some(Role::User));
        assert!(
            hits[0].snippet.contains("\u{1}kubernetes\u{2}"),
            "{:?}",
            hits[0].snippet
        );
    }

    #[test]
    fn one_hit_per_conversation_and_titles_first() {
        let (_dir, store) = temp_store();
        let (busy, _) = conversation(&store, "Busy", &["rust rust", "rust again", "more rust"]);
        let (titled, _) = conversation(&store, "Rust interview", &["nothing here"]);
        let hits = search(&store, "rust", 10).expect("search");
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].conversation_id, titled);
        assert_eq!(hits[0].message_id, None);
        assert_eq!(hits[0].snippet, "\u{1}Rust\u{2} interview");
        assert_eq!(hits[1].conversation_id, busy);
    }

    #[test]
    fn phrases_prefixes_and_operators() {
        let (_dir, store) = temp_store();
        let (a, _) = conversation(&store, "A", &["the system design round went well"]);
        let (b, _) = conversation(&store, "B", &["design of the system was poor"]);
        let ids = |q: &str| {
            let mut v: Vec<i64> = search(&store, q, 10)
                .expect("search")
                .iter()
                .map(|h| h.conversation_id)
                .collect();
            v.sort();
            v
        };
        assert_eq!(ids("\"system design\""), vec![a]);
        assert_eq!(ids("sys*"), vec![a, b]);
        assert_eq!(ids("round OR poor"), vec![a, b]);
        assert_eq!(ids("design NOT poor"), vec![a]);
        assert_eq!(ids("content:round"), vec![a]);
    }

    #[test]
    fn syntax_errors_are_clear_and_plain_punctuation_works() {
        let (_dir, store) = temp_store();
        let (cpp, _) = conversation(&store, "A", &["I write C++ and node.js; don't ask"]);
        for bad in ["\"unbalanced", "*", "rust -", ":"] {
            let err = search(&store, bad, 10).expect_err(bad);
            assert!(err.is_syntax_error(), "{bad}: {err}");
            let text = err.to_string();
            assert!(text.starts_with("search syntax: "), "{text}");
            assert!(text.contains("put words in quotes"), "{text}");
        }
        assert!(
            search(&store, "  ", 10)
                .expect_err("empty")
                .is_syntax_error()
        );
        for ok in ["C++", "node.js", "don't"] {
            let hits = search(&store, ok, 10).expect(ok);
            assert_eq!(hits.len(), 1, "{ok}");
            assert_eq!(hits[0].conversation_id, cpp);
        }
    }

    #[test]
    fn edits_and_deletes_reach_the_index() {
        let (_dir, store) = temp_store();
        let (_, msgs) = conversation(&store, "A", &["my answer mentions terraform"]);
        assert_eq!(search(&store, "terraform", 10).expect("search").len(), 1);
        store
            .update_message(
                msgs[0],
                "now it says ansible",
                crate::domain::Status::Complete,
            )
            .expect("update");
        assert!(search(&store, "terraform", 10).expect("search").is_empty());
        assert_eq!(search(&store, "ansible", 10).expect("search").len(), 1);
        store.delete_message(msgs[0]).expect("delete");
        assert!(search(&store, "ansible", 10).expect("search").is_empty());
    }
}
