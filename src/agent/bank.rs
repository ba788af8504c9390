//! The built-in question bank (`assets/questions/*.toml`): questions per interview
//! type and role, each with follow-ups and notes on what a good answer contains.
//! Offline practice is driven by it, and the heuristic report quotes its notes.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

use super::probe::Probe;
use crate::domain::{InterviewSetup, InterviewType};

/// The TOML files, shipped inside the binary.
const SOURCES: &[(&str, &str)] = &[
    (
        "behavioral.toml",
        include_str!("../../assets/questions/behavioral.toml"),
    ),
    (
        "technical.toml",
        include_str!("../../assets/questions/technical.toml"),
    ),
    (
        "system_design.toml",
        include_str!("../../assets/questions/system_design.toml"),
    ),
    ("hr.toml", include_str!("../../assets/questions/hr.toml")),
    (
        "general.toml",
        include_str!("../../assets/questions/general.toml"),
    ),
];

/// Who a question suits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Seniority {
    Any,
    Junior,
    Mid,
    Senior,
}

/// One question of the bank.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BankQuestion {
    pub id: String,
    #[serde(rename = "type")]
    pub interview_type: InterviewType,
    /// Role families the question suits (`any`, `software`, `data`, `product`,
    /// `design`, `management`, `sales`).
    pub roles: Vec<String>,
    pub tags: Vec<String>,
    pub seniority: Seniority,
    pub question: String,
    pub follow_ups: Vec<FollowUp>,
    /// What a strong answer contains (shown as a hint and in the heuristic report).
    pub good_answer: String,
    /// The notes as 4 to 8 points, each with the words that show it in an answer.
    pub checklist: Vec<CheckPoint>,
    /// System design: what to assume when the candidate asks (scale, scope,
    /// quality, data), so asking clarifying questions gets real answers.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
    /// Behavioural: what the question asks about (a disagreement, a failure…) and
    /// the words that show a story is about it. A story showing none of them,
    /// however well told, answers another question.
    #[serde(default)]
    pub core: Option<Core>,
    /// Technical and system design: well-known wrong claims about the subject,
    /// each with the words that state it.
    #[serde(default)]
    pub red_flags: Vec<RedFlag>,
}

/// What a behavioural question asks about.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Core {
    /// A noun phrase that follows "it asks about", e.g. "a disagreement with a
    /// colleague".
    pub about: String,
    /// Words or stems that show the story is about it (matched as checklist cues
    /// are: a word in the answer starting with a cue's last word matches; a `*`
    /// standing alone matches any one word).
    pub cues: Vec<String>,
    /// The question is about another person (a colleague, a stakeholder, a
    /// customer): a story that speaks of someone as "he" or "she" is about them
    /// too, whatever other words it uses.
    #[serde(default)]
    pub people: bool,
}

/// A claim an expert would call wrong without needing any context.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedFlag {
    /// The wrong claim, as the report names it: "Indexes make writes faster".
    pub claim: String,
    /// The correction, one sentence: "Every index must be updated on each write,
    /// so indexes make writes slower."
    pub correction: String,
    /// Phrases that state the claim (several words each, matched as cues; a
    /// phrase just after a negation such as "not" or "never" does not count).
    pub cues: Vec<String>,
}

/// A follow-up question and what it probes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    pub probe: Probe,
    pub ask: String,
}

/// One point of what a good answer contains.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckPoint {
    pub point: String,
    /// The part of a good answer it is, when it is one the detectors know.
    #[serde(default)]
    pub probe: Option<Probe>,
    /// Words or stems that show the point (a word in the answer starting with a cue
    /// matches it).
    pub cues: Vec<String>,
}

/// What to assume about one side of a design problem.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumption {
    /// `scale`, `scope`, `quality` or `data`.
    pub topic: String,
    pub answer: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BankFile {
    question: Vec<BankQuestion>,
}

/// The shipped bank could not be read: a build defect, caught by the unit tests.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the built-in question bank {file} is malformed: {reason}")]
pub struct BankError {
    pub file: &'static str,
    pub reason: String,
}

/// Every question, in file order. Parsed once; a malformed file (impossible in a
/// tested build) leaves that file out and logs why rather than taking the program down.
pub fn all() -> &'static [BankQuestion] {
    static BANK: OnceLock<Vec<BankQuestion>> = OnceLock::new();
    BANK.get_or_init(|| {
        let mut questions = Vec::new();
        for &(file, text) in SOURCES {
            match parse(file, text) {
                Ok(mut q) => questions.append(&mut q),
                Err(e) => tracing::error!("{e}"),
            }
        }
        questions
    })
}

fn parse(file: &'static str, text: &str) -> Result<Vec<BankQuestion>, BankError> {
    toml::from_str::<BankFile>(text)
        .map(|f| f.question)
        .map_err(|e| BankError {
            file,
            reason: e.to_string(),
        })
}

/// The question with this id.
pub fn by_id(id: &str) -> Option<&'static BankQuestion> {
    all().iter().find(|q| q.id == id)
}

/// The bank question whose text appears in `text` (an interviewer turn), if any:
/// the first in file order when several do.
pub fn find_in(text: &str) -> Option<&'static BankQuestion> {
    find_id_in(text).and_then(by_id)
}

/// The id of the bank question whose text appears in `text`, as [`find_in`], without
/// parsing the bank: the questions a new interview avoids are looked for in every
/// recent interviewer turn, and parsing the 300 KB of TOML took longer than all the
/// rest of starting a conversation.
pub fn find_id_in(text: &str) -> Option<&'static str> {
    let index = index();
    index.first_in(text.as_bytes()).map(|i| index.ids[i])
}

/// How many bytes of a question's end the index keys on: no more than the shortest
/// question (28), enough that few questions share a key.
const TAIL: usize = 16;

/// Every question's id and text, in file order, indexed by how each text ends.
///
/// A question is in a turn only where the turn has the question's last byte (every
/// question ends in `?` or `.`), so a search visits those bytes (`memchr`, a few
/// hundred in a long turn), looks up the [`TAIL`] bytes ending there, and compares
/// the whole text of the few questions with that tail. For the ten recent turns a new
/// interview reads (200 KB with 5,000-token replies) this is about 0.1 ms where
/// an Aho-Corasick automaton of the 164 texts took 1.5 ms, half of it to build.
struct Index {
    ids: Vec<&'static str>,
    texts: Vec<&'static [u8]>,
    /// The distinct last bytes of the texts.
    ends: Vec<u8>,
    /// The last [`TAIL`] bytes of a text → the questions ending so, in file order.
    by_tail: HashMap<&'static [u8], Vec<usize>>,
    /// The texts shorter than [`TAIL`] (none in the shipped bank), compared at
    /// every end.
    short: Vec<usize>,
}

impl Index {
    fn new(pairs: Vec<(&'static str, &'static str)>) -> Index {
        let (ids, texts): (Vec<&str>, Vec<&[u8]>) = pairs
            .into_iter()
            .filter(|(_, q)| !q.is_empty())
            .map(|(id, q)| (id, q.as_bytes()))
            .unzip();
        let mut ends: Vec<u8> = texts.iter().filter_map(|t| t.last().copied()).collect();
        ends.sort_unstable();
        ends.dedup();
        let mut by_tail: HashMap<&[u8], Vec<usize>> = HashMap::new();
        let mut short = Vec::new();
        for (i, t) in texts.iter().enumerate() {
            match t.len().checked_sub(TAIL) {
                Some(from) => by_tail.entry(&t[from..]).or_default().push(i),
                None => short.push(i),
            }
        }
        Index {
            ids,
            texts,
            ends,
            by_tail,
            short,
        }
    }

    /// The lowest index of a text found in `hay`.
    fn first_in(&self, hay: &[u8]) -> Option<usize> {
        let mut first: Option<usize> = None;
        let mut at = |end: usize| {
            // `before` ends with a byte some text ends with.
            let before = &hay[..=end];
            let keyed = before
                .len()
                .checked_sub(TAIL)
                .and_then(|from| self.by_tail.get(&before[from..]));
            for &i in self.short.iter().chain(keyed.into_iter().flatten()) {
                if first.is_none_or(|f| i < f) && before.ends_with(self.texts[i]) {
                    first = Some(i);
                }
            }
        };
        match self.ends[..] {
            [] => {}
            [a] => memchr::memchr_iter(a, hay).for_each(&mut at),
            [a, b] => memchr::memchr2_iter(a, b, hay).for_each(&mut at),
            [a, b, c] => memchr::memchr3_iter(a, b, c, hay).for_each(&mut at),
            _ => hay
                .iter()
                .enumerate()
                .filter(|(_, b)| self.ends.binary_search(b).is_ok())
                .for_each(|(end, _)| at(end)),
        }
        first
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        Index::new(
            SOURCES
                .iter()
                .flat_map(|&(_, text)| ids_and_questions(text))
                .collect(),
        )
    })
}

/// The `id` and `question` of each `[[question]]` of a bank file, in order, read
/// from their own lines (`id = "…"`, `question = "…"`, plain strings) rather than
/// by parsing the file; a unit test checks that this gives what the parser does.
fn ids_and_questions(file: &'static str) -> Vec<(&'static str, &'static str)> {
    let value = |line: &'static str, key: &str| {
        line.strip_prefix(key)?
            .trim_start()
            .strip_prefix('=')?
            .trim()
            .strip_prefix('"')?
            .strip_suffix('"')
            .filter(|v| !v.contains(['"', '\\']))
    };
    let mut pairs = Vec::new();
    let mut id = None;
    for line in file.lines() {
        if line.starts_with("[[question]]") {
            id = None;
        } else if let Some(v) = value(line, "id") {
            id = Some(v);
        } else if let (Some(v), Some(i)) = (value(line, "question"), id) {
            pairs.push((i, v));
        }
    }
    pairs
}

/// Role families named by a free-text role such as "Senior backend engineer" or
/// "Engineering manager, payments".
pub fn role_families(role: &str) -> Vec<&'static str> {
    let role = role.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| contains_word(&role, w));
    let mut families = Vec::new();
    if has(&[
        "engineer",
        "engineering",
        "developer",
        "programmer",
        "software",
        "backend",
        "back-end",
        "frontend",
        "front-end",
        "fullstack",
        "full-stack",
        "sre",
        "devops",
        "mobile",
        "ios",
        "android",
        "platform",
        "architect",
        "swe",
    ]) {
        families.push("software");
    }
    if has(&[
        "data",
        "analyst",
        "analytics",
        "scientist",
        "ml",
        "machine learning",
        "bi",
        "statistician",
    ]) {
        families.push("data");
    }
    if has(&["product", "pm"]) {
        families.push("product");
    }
    if has(&["design", "designer", "ux", "ui", "researcher"]) {
        families.push("design");
    }
    let manages_people = has(&["head", "director", "vp", "lead", "cto"])
        || (contains_word(&role, "manager")
            && !has(&["product manager", "account manager", "project manager"]));
    if manages_people {
        families.push("management");
    }
    if has(&[
        "sales",
        "account",
        "business development",
        "bdr",
        "sdr",
        "customer",
        "success",
        "support",
        "commercial",
    ]) {
        families.push("sales");
    }
    families
}

/// The bank's seniority band for a free-text level ("junior", "Staff", "L5"…).
pub fn seniority_band(level: &str) -> Option<Seniority> {
    let level = level.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| contains_word(&level, w));
    if has(&[
        "junior",
        "graduate",
        "grad",
        "intern",
        "entry",
        "entry-level",
        "trainee",
        "apprentice",
        "associate",
    ]) {
        Some(Seniority::Junior)
    } else if has(&[
        "senior",
        "staff",
        "principal",
        "lead",
        "head",
        "director",
        "vp",
        "manager",
        "architect",
        "distinguished",
    ]) {
        Some(Seniority::Senior)
    } else if has(&["mid", "mid-level", "intermediate", "experienced", "ii"]) {
        Some(Seniority::Mid)
    } else {
        None
    }
}

/// Words that name an interview type in a candidate's own message, most specific
/// first ("system design" before "design"), and whether they name it only when
/// followed by "interview" or alike ("a tech lead" is a role, "a tech interview"
/// a type).
const TYPE_WORDS: &[(&str, InterviewType, bool)] = &[
    ("system design", InterviewType::SystemDesign, false),
    ("systems design", InterviewType::SystemDesign, false),
    ("system-design", InterviewType::SystemDesign, false),
    ("behavioural", InterviewType::Behavioral, false),
    ("behavioral", InterviewType::Behavioral, false),
    ("competency-based", InterviewType::Behavioral, false),
    ("competency based", InterviewType::Behavioral, false),
    ("technical", InterviewType::Technical, false),
    ("coding", InterviewType::Technical, true),
    ("tech", InterviewType::Technical, true),
    ("hr", InterviewType::Hr, true),
    ("recruiter", InterviewType::Hr, true),
    ("phone screen", InterviewType::Hr, false),
    ("screening", InterviewType::Hr, true),
];

/// Words after a type that make it the interview wanted ("a technical
/// interview", "behavioural questions") rather than a passing mention.
const TYPE_NOUNS: &[&str] = &[
    "interview",
    "interviews",
    "questions",
    "round",
    "screen",
    "practice",
];

/// Where a role phrase ends ("a senior backend engineer role at Acme").
const ROLE_ENDS: &[&str] = &[
    "role",
    "roles",
    "position",
    "job",
    "interview",
    "interviews",
    "opening",
    "at",
    "with",
    "in",
    "on",
    "and",
    "but",
    "next",
    "tomorrow",
    "this",
    "soon",
    "please",
    "so",
];

/// Level words that may open a role phrase ("senior backend engineer").
const LEVEL_WORDS: &[&str] = &[
    "junior",
    "graduate",
    "entry-level",
    "intern",
    "mid-level",
    "senior",
    "staff",
    "principal",
    "lead",
];

/// What a first message says about the interview wanted, for a conversation
/// started without a setup ("Hi, I'm preparing for a behavioural interview for a
/// senior backend engineer role"): the interview type it names, the role it names
/// (when the role words of [`role_families`] know it) and that role's level word.
/// `None` when it names neither a type nor a known role.
pub fn setup_from_message(message: &str) -> Option<InterviewSetup> {
    let lower = message.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect();
    // The type: one followed by "interview" (or alike) wins over a passing mention;
    // among equals, the first.
    let mut kind: Option<(bool, InterviewType)> = None;
    for at in 0..words.len() {
        for (phrase, t, needs_noun) in TYPE_WORDS {
            let parts: Vec<&str> = phrase.split(' ').collect();
            if words.len() >= at + parts.len() && words[at..at + parts.len()] == parts[..] {
                let strong = words
                    .get(at + parts.len())
                    .is_some_and(|next| TYPE_NOUNS.contains(next));
                if *needs_noun && !strong {
                    break;
                }
                if kind.is_none_or(|(s, _)| strong && !s) {
                    kind = Some((strong, *t));
                }
                break;
            }
        }
    }
    let kind = kind.map(|(_, t)| t);
    // The role: the words after "for a", "as a" (or "an", "the") up to where a role
    // phrase ends, without type words, when they name a known role.
    let mut role: Option<String> = None;
    for at in 0..words.len().saturating_sub(2) {
        if !matches!(words[at], "for" | "as") || !matches!(words[at + 1], "a" | "an" | "the") {
            continue;
        }
        let phrase: Vec<&str> = words[at + 2..]
            .iter()
            .take_while(|w| !ROLE_ENDS.contains(w))
            .take(6)
            .copied()
            .filter(|w| {
                !TYPE_WORDS.iter().any(|(p, _, noun)| !noun && p == w) && !TYPE_NOUNS.contains(w)
            })
            .collect();
        let phrase = phrase.join(" ");
        if !phrase.is_empty() && !role_families(&phrase).is_empty() {
            role = Some(phrase);
            break;
        }
    }
    let seniority = role.as_deref().and_then(|r| {
        r.split(' ')
            .find(|w| LEVEL_WORDS.contains(w))
            .map(str::to_string)
    });
    if kind.is_none() && role.is_none() {
        return None;
    }
    Some(InterviewSetup {
        role,
        seniority,
        interview_type: kind.unwrap_or_default(),
        ..InterviewSetup::default()
    })
}

/// Whether `word` (or phrase) occurs in `text` at word boundaries.
fn contains_word(text: &str, word: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(word).any(|(at, _)| {
        boundary(text[..at].chars().next_back()) && boundary(text[at + word.len()..].chars().next())
    })
}

/// Words that show nothing about a point whatever the question: almost any answer
/// contains them. A cue is a prefix, so it may not be the start of one of these.
#[cfg(test)]
const GENERIC_CUES: &[&str] = &[
    "user",
    "users",
    "problem",
    "data",
    "system",
    "team",
    "work",
    "time",
    "thing",
    "people",
    "person",
    "good",
    "great",
    "make",
    "use",
    "way",
    "process",
    "issue",
    "project",
    "company",
    "question",
    "answer",
    "example",
    "stuff",
    "something",
    "really",
    "important",
    "approach",
    "solution",
    "handle",
    "help",
    "part",
    "level",
    "need",
    "get",
    "have",
    "know",
    "think",
    "want",
    "better",
    "right",
    "new",
    "different",
];

/// Words that carry no meaning of their own inside a cue phrase.
#[cfg(test)]
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "of", "to", "in", "on", "for", "by", "with", "and", "or", "at", "from", "as",
    "is", "it", "its", "i", "we", "my", "our", "be", "per", "each", "every", "what", "how", "if",
    "that", "this", "their", "they", "you", "your", "me", "them", "than", "into", "not", "no",
    "so", "up", "out", "was", "were", "are", "do", "did",
];

/// Words that frame a question ("tell me about a time when…") rather than say its
/// subject.
#[cfg(test)]
const FRAMING_WORDS: &[&str] = &[
    "over", "when", "would", "which", "about", "does", "some", "then", "there", "where", "after",
    "before", "other", "one", "two", "three", "ten", "time", "tell", "describe", "could", "should",
    "why", "who", "while", "many", "most", "more", "very", "have", "make", "made", "walk",
    "through", "step", "steps",
];

/// What reads badly or scores wrongly in a question's checklist: 4 to 8 points,
/// each one point (no `;`), acronyms as written, at least two cues, none of them a
/// word of the question itself or a generic word.
#[cfg(test)]
fn checklist_problems(q: &BankQuestion) -> Vec<String> {
    let mut problems = Vec::new();
    if !(4..=8).contains(&q.checklist.len()) {
        problems.push(format!(
            "{} checklist points, not 4 to 8 points",
            q.checklist.len()
        ));
    }
    let words = |text: &str| -> Vec<String> {
        text.to_lowercase()
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .map(|w| w.trim_matches('\'').to_string())
            .filter(|w| !w.is_empty())
            .collect()
    };
    // The question's own words, less the ones that only frame it.
    let asked: Vec<String> = words(&q.question)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()) && !FRAMING_WORDS.contains(&w.as_str()))
        .collect();
    // A cue word shows the question's own subject when it is a question word, a
    // stem of one, or shares its stem ("caching" for "cache").
    let of_question = |w: &str| {
        asked.iter().any(|a| {
            let common = a.chars().zip(w.chars()).take_while(|(x, y)| x == y).count();
            a == w
                || (w.len() >= 3 && a.starts_with(w))
                || (a.len() >= 4 && w.starts_with(a.as_str()) && w.len() <= a.len() + 3)
                || (common >= 4 && a.len() <= common + 3 && w.len() <= common + 3)
        })
    };
    // The last word of a cue is matched as a prefix, the others whole.
    let generic = |w: &str, last: bool| {
        GENERIC_CUES
            .iter()
            .any(|g| *g == w || (last && g.starts_with(w)))
    };
    for p in &q.checklist {
        let point = p.point.trim();
        if point.is_empty() {
            problems.push("an empty point".into());
        }
        if point.contains(';') {
            problems.push(format!("{point:?} contains ';': split it into points"));
        }
        let chars: Vec<char> = point.chars().collect();
        for i in 0..chars.len().saturating_sub(2) {
            let boundary = i == 0 || !chars[i - 1].is_alphanumeric();
            if boundary
                && chars[i].is_ascii_lowercase()
                && chars[i + 1].is_ascii_uppercase()
                && chars[i + 2].is_ascii_uppercase()
            {
                problems.push(format!("{point:?} has a lower-cased acronym"));
            }
        }
        if p.cues.len() < 2 {
            problems.push(format!("{point:?} has only {} cue(s)", p.cues.len()));
        }
        for cue in &p.cues {
            if let Some(p) = cue_spelling(cue) {
                problems.push(p);
                continue;
            }
            let all = words(cue);
            let meaningful: Vec<(&String, bool)> = all
                .iter()
                .enumerate()
                .filter(|(_, w)| !STOP_WORDS.contains(&w.as_str()))
                .map(|(i, w)| (w, i + 1 == all.len()))
                .collect();
            if meaningful.iter().all(|(w, last)| generic(w, *last)) {
                problems.push(format!("cue {cue:?} is too generic"));
            } else if meaningful
                .iter()
                .all(|(w, last)| of_question(w) || generic(w, *last))
            {
                problems.push(format!("cue {cue:?} is a word of the question"));
            }
        }
    }
    problems
}

/// What is wrong with a cue's spelling: not lower case, a `*`, or characters an
/// answer's words never contain.
#[cfg(test)]
fn cue_spelling(cue: &str) -> Option<String> {
    cue_spelling_with(cue, false)
}

/// As [`cue_spelling`]; with `wildcards`, a `*` standing alone for any one word
/// inside the phrase ("in * days") is allowed.
#[cfg(test)]
fn cue_spelling_with(cue: &str, wildcards: bool) -> Option<String> {
    let words: Vec<&str> = cue.split_whitespace().collect();
    let wild_ok = wildcards
        && words.len() > 1
        && words.last() != Some(&"*")
        && words.iter().all(|w| *w == "*" || !w.contains('*'));
    let cue_plain = if wild_ok {
        cue.replace('*', "")
    } else {
        cue.to_string()
    };
    let cue = cue_plain.as_str();
    if cue.trim().is_empty() || cue.contains('*') || cue.to_lowercase() != *cue {
        return Some(format!("cue {cue:?}: lower case, no '*'"));
    }
    // An answer's words are letters, digits and ' - % $ (see `probe::Text`).
    if cue
        .chars()
        .any(|c| !(c.is_alphanumeric() || " '-%$".contains(c)))
    {
        return Some(format!("cue {cue:?} can never match an answer's words"));
    }
    None
}

/// What is wrong with a question's `core` and `red_flags`: a core only on a
/// behavioural question, saying what it asks about, with at least 8 cues, no
/// single generic word (the cues may be the question's own words: a story about
/// a disagreement says so); red flags only on technical and design questions,
/// each a claim, its correction and cues of at least two meaningful words (one
/// word cannot state a claim).
#[cfg(test)]
fn core_and_flag_problems(q: &BankQuestion) -> Vec<String> {
    let mut problems = Vec::new();
    match (&q.core, q.interview_type) {
        (Some(_), t) if t != InterviewType::Behavioral => {
            problems.push("a core on a question that is not behavioural".into());
        }
        (Some(core), _) => {
            if core.about.trim().is_empty() || core.about.ends_with('.') {
                problems.push(format!("core about {:?}: a noun phrase", core.about));
            }
            if core.cues.len() < 8 {
                problems.push(format!("core has only {} cues, not 8", core.cues.len()));
            }
            for cue in &core.cues {
                if let Some(p) = cue_spelling_with(cue, true) {
                    problems.push(p);
                    continue;
                }
                // A phrase ("on time", "did not work") says more than its words;
                // a single generic word shows nothing.
                if !cue.contains(' ') && GENERIC_CUES.iter().any(|g| g.starts_with(cue.as_str())) {
                    problems.push(format!("core cue {cue:?} is too generic"));
                }
            }
        }
        (None, _) => {}
    }
    if !q.red_flags.is_empty()
        && !matches!(
            q.interview_type,
            InterviewType::Technical | InterviewType::SystemDesign
        )
    {
        problems.push("red flags on a question that is not technical or design".into());
    }
    for f in &q.red_flags {
        if f.claim.trim().is_empty() || f.claim.ends_with('.') {
            problems.push(format!(
                "red flag claim {:?}: a claim, no full stop",
                f.claim
            ));
        }
        if !f.correction.trim().ends_with('.') {
            problems.push(format!(
                "red flag correction {:?}: a sentence",
                f.correction
            ));
        }
        if f.cues.is_empty() {
            problems.push(format!("red flag {:?} has no cues", f.claim));
        }
        for cue in &f.cues {
            if let Some(p) = cue_spelling_with(cue, true) {
                problems.push(p);
                continue;
            }
            let meaningful = cue
                .split_whitespace()
                .filter(|w| *w != "*" && !STOP_WORDS.contains(w))
                .count();
            if meaningful < 2 {
                problems.push(format!(
                    "red flag cue {cue:?}: one word cannot state a claim"
                ));
            }
        }
    }
    problems
}

/// Words in a follow-up that settle what it asks for, with the probes it may then
/// carry. Only wordings with one reading: "why that" asks for reasoning, "how did
/// you check" for correctness, "differently" for the lesson. Most follow-ups
/// (design mechanics, "what happened next") have no such words and are left to
/// the author.
#[cfg(test)]
const PROBE_WORDINGS: &[(Cue, &[Probe], &str)] = &[
    (
        Cue::Start(&["why "]),
        &[Probe::Reasoning, Probe::Tradeoffs],
        "asks why",
    ),
    (
        Cue::Anywhere(&[
            "why that",
            "why there",
            "why us",
            "what made you choose",
            "how did you decide",
            "how do you decide",
            "how would you decide",
            "would you choose",
        ]),
        &[Probe::Reasoning, Probe::Tradeoffs],
        "asks how the choice was made",
    ),
    (
        Cue::Anywhere(&["assumption"]),
        &[Probe::Reasoning, Probe::Lesson],
        "asks for the assumptions",
    ),
    (
        Cue::Start(&[
            "how would you check",
            "how did you check",
            "how do you check",
            "what would you check",
            "what checks",
            "how would you test",
            "how do you test",
            "how would you verify",
            "how would you validate",
        ]),
        &[Probe::Correctness],
        "asks how it is checked",
    ),
    (
        Cue::Anywhere(&["differently", "hindsight"]),
        &[Probe::Lesson],
        "asks what hindsight taught",
    ),
    (
        Cue::Anywhere(&[
            " is down",
            " goes down",
            " dies ",
            " fails",
            " times out",
            "outage",
            "single point of failure",
        ]),
        &[Probe::FailureModes],
        "asks what happens when a part fails",
    ),
    (
        Cue::Anywhere(&[
            "personally",
            "you specifically",
            "yours alone",
            "your specific contribution",
        ]),
        &[Probe::OwnRole],
        "asks for the candidate's own part",
    ),
    (
        Cue::Anywhere(&[
            "who did you tell",
            "who did you talk to",
            "who did you go to",
            "how did they react",
            "who would you want to meet",
        ]),
        &[Probe::Stakeholders],
        "asks about the other people",
    ),
    (
        Cue::Start(&[
            "give me an example",
            "give me a recent example",
            "tell me about a time",
        ]),
        &[Probe::Example],
        "asks for an example",
    ),
    (
        Cue::Anywhere(&["in numbers", "what did it cost", "how many "]),
        &[Probe::Numbers],
        "asks for a number",
    ),
    (
        Cue::Anywhere(&[
            "become a weakness",
            "be better",
            "acceptable",
            "make things slower",
            "does it get wrong",
            "is that a mistake",
        ]),
        &[Probe::Tradeoffs],
        "asks for the downside or the alternative",
    ),
];

/// Where a wording must be for it to settle what a follow-up asks.
#[cfg(test)]
enum Cue {
    /// At the start of the follow-up.
    Start(&'static [&'static str]),
    /// Anywhere in it.
    Anywhere(&'static [&'static str]),
}

/// Why `f`'s probe does not match what its words ask for, if they settle it.
#[cfg(test)]
fn probe_mismatches(f: &FollowUp) -> Vec<String> {
    let ask = f.ask.to_lowercase();
    PROBE_WORDINGS
        .iter()
        .filter(|(cue, _, _)| match cue {
            Cue::Start(words) => words.iter().any(|w| ask.starts_with(w)),
            Cue::Anywhere(words) => words.iter().any(|w| ask.contains(w)),
        })
        .filter(|(_, allowed, _)| !allowed.contains(&f.probe))
        .map(|(_, allowed, what)| {
            let names: Vec<&str> = allowed.iter().map(|p| p.name()).collect();
            format!(
                "{:?} {what}, so it probes {}, not {}",
                f.ask,
                names.join(" or "),
                f.probe.name()
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    #[test]
    fn a_first_message_names_the_interview_type_role_and_level() {
        let s = setup_from_message(
            "Hi, I am preparing for a behavioural interview for a senior backend engineer role.",
        )
        .expect("a setup");
        assert_eq!(s.interview_type, InterviewType::Behavioral);
        assert_eq!(s.role.as_deref(), Some("senior backend engineer"));
        assert_eq!(s.seniority.as_deref(), Some("senior"));

        let s = setup_from_message(
            "Can we do a system design round? I'm interviewing as a staff engineer at Stripe.",
        )
        .expect("a setup");
        assert_eq!(s.interview_type, InterviewType::SystemDesign);
        assert_eq!(s.role.as_deref(), Some("staff engineer"));

        let s = setup_from_message("I have an HR screen on Monday").expect("a setup");
        assert_eq!(s.interview_type, InterviewType::Hr);
        assert_eq!(s.role, None);

        let s = setup_from_message("Preparing for a product manager position").expect("a setup");
        assert_eq!(s.interview_type, InterviewType::General);
        assert_eq!(s.role.as_deref(), Some("product manager"));
        assert_eq!(s.seniority, None);
    }

    #[test]
    fn a_type_followed_by_interview_wins_over_a_passing_mention() {
        let s = setup_from_message(
            "I'm strong on technical stuff but want to practise a behavioural interview.",
        )
        .expect("a setup");
        assert_eq!(s.interview_type, InterviewType::Behavioral);
        // "tech" and "HR" name a type only before "interview" or alike.
        let s = setup_from_message("I'm going for a tech lead job").expect("a role");
        assert_eq!(s.interview_type, InterviewType::General);
        assert_eq!(s.role.as_deref(), Some("tech lead"));
        assert_eq!(s.seniority.as_deref(), Some("lead"));
        assert_eq!(setup_from_message("HR told me to prepare"), None);
    }

    #[test]
    fn a_message_naming_nothing_gives_no_setup() {
        for m in [
            "hello",
            "Hi!",
            "Let's start",
            "I'm preparing for the interview",
            "for a while now",
        ] {
            assert_eq!(setup_from_message(m), None, "{m}");
        }
    }

    use super::*;

    #[test]
    fn every_file_parses() {
        for &(file, text) in SOURCES {
            let questions = parse(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(!questions.is_empty(), "{file} is empty");
        }
    }

    /// The index `find_id_in` searches is read from the files' lines, not parsed:
    /// it must hold exactly what the parser reads, in the same order.
    #[test]
    fn the_index_holds_every_question_as_parsed() {
        let parsed: Vec<(&str, &str)> = all()
            .iter()
            .map(|q| (q.id.as_str(), q.question.as_str()))
            .collect();
        let read: Vec<(&str, &str)> = SOURCES
            .iter()
            .flat_map(|&(_, text)| ids_and_questions(text))
            .collect();
        assert_eq!(read, parsed);
    }

    /// What `find_id_in` must answer: the first question, in file order, whose
    /// text is in the turn.
    fn first_contained<'a>(pairs: &[(&'a str, &str)], turn: &str) -> Option<&'a str> {
        pairs
            .iter()
            .find(|(_, q)| !q.is_empty() && turn.contains(q))
            .map(|&(id, _)| id)
    }

    #[test]
    fn every_question_is_found_wherever_it_stands_in_a_turn() {
        let pairs: Vec<(&str, &str)> = SOURCES
            .iter()
            .flat_map(|&(_, text)| ids_and_questions(text))
            .collect();
        let n = pairs.len();
        // The byte offset nearest below `i` that starts a character.
        let boundary = |q: &str, i: usize| (0..=i).rev().find(|&b| q.is_char_boundary(b));
        for (j, &(id, q)) in pairs.iter().enumerate() {
            let half = boundary(q, q.len() / 2).unwrap_or(0);
            let most = boundary(q, q.len() - 1).unwrap_or(0);
            let end = boundary(q, q.len() - 20).unwrap_or(0);
            let other = pairs[(j * 7 + 3) % n].1;
            let turns = [
                q.to_string(),
                format!("Thanks, that helps. {q}"),
                format!("{q} Take your time."),
                format!("Good. {other}\n\n{q}? And {}", &q[..half]),
                // Most of the question, then its end again: not the question.
                format!("{}{}", &q[..most], &q[end..]),
            ];
            for turn in &turns {
                assert_eq!(
                    find_id_in(turn),
                    first_contained(&pairs, turn),
                    "{id} in {turn:?}"
                );
            }
            assert_eq!(find_id_in(&turns[1]), Some(id));
        }
    }

    /// The index's other paths, on made-up texts: one shorter than the tail it
    /// keys on, texts sharing a tail, and more than three distinct last bytes.
    #[test]
    fn the_index_finds_short_texts_shared_tails_and_any_last_byte() {
        let pairs = vec![
            ("long", "Describe the last outage you handled?"),
            ("twin", "Tell me about the last outage you handled?"),
            ("short", "Why?"),
            ("bang", "Go on, walk me through the whole design!"),
            ("semi", "Explain the trade-offs of caching here;"),
            ("colon", "Now the follow-up question for you:"),
        ];
        let index = Index::new(pairs.clone());
        let find = |turn: &str| index.first_in(turn.as_bytes()).map(|i| index.ids[i]);
        for turn in [
            "Tell me about the last outage you handled?",
            "Describe the last outage you handled? Why?",
            "Why? Go on, walk me through the whole design!",
            "Go on, walk me through the whole design! Explain the trade-offs of caching here;",
            "Now the follow-up question for you: nothing else",
            "Why",
            "the last outage you handled?",
            "",
        ] {
            assert_eq!(find(turn), first_contained(&pairs, turn), "{turn:?}");
        }
        let two_ends = Index::new(pairs[..3].to_vec());
        assert_eq!(two_ends.ends, vec![b'?']);
        assert_eq!(
            two_ends.first_in(b"So: Why? Describe the last outage you handled?"),
            Some(0)
        );
    }

    #[test]
    fn a_question_is_found_in_a_turn_and_the_first_in_file_order_wins() {
        let bank = all();
        let (a, b) = (&bank[3], &bank[40]);
        let turn = format!("Thanks. {} And then: {}", b.question, a.question);
        assert_eq!(find_id_in(&turn), Some(a.id.as_str()));
        assert_eq!(find_in(&turn).map(|q| q.id.as_str()), Some(a.id.as_str()));
        assert_eq!(find_id_in(&b.question), Some(b.id.as_str()));
        assert_eq!(
            find_id_in("Tell me about yourself, in your own words."),
            None
        );
        // A question cut short is not that question.
        let cut = &a.question[..a.question.len() - 2];
        assert_ne!(find_id_in(cut), Some(a.id.as_str()));
    }

    #[test]
    fn the_bank_is_big_complete_and_well_formed() {
        let bank = all();
        assert!(bank.len() >= 150, "only {} questions", bank.len());
        let mut ids = HashSet::new();
        let mut texts = HashSet::new();
        let mut lint = Vec::new();
        for q in bank {
            assert!(ids.insert(q.id.as_str()), "duplicate id {}", q.id);
            assert!(
                texts.insert(q.question.as_str()),
                "duplicate question {}",
                q.id
            );
            assert!(!q.id.trim().is_empty());
            assert!(!q.question.trim().is_empty(), "{}: no question", q.id);
            assert!(q.question.ends_with(['?', '.']), "{}: punctuation", q.id);
            assert!(!q.good_answer.trim().is_empty(), "{}: no notes", q.id);
            assert!(!q.roles.is_empty(), "{}: no roles", q.id);
            assert!(!q.tags.is_empty(), "{}: no tags", q.id);
            assert!(
                (2..=3).contains(&q.follow_ups.len()),
                "{}: {} follow-ups",
                q.id,
                q.follow_ups.len()
            );
            for f in &q.follow_ups {
                assert!(!f.ask.trim().is_empty(), "{}: empty follow-up", q.id);
            }
            assert!(
                (4..=8).contains(&q.checklist.len()),
                "{}: {} checklist points",
                q.id,
                q.checklist.len()
            );
            lint.extend(
                checklist_problems(q)
                    .into_iter()
                    .chain(core_and_flag_problems(q))
                    .map(|p| format!("{}: {p}", q.id)),
            );
            if q.interview_type == InterviewType::SystemDesign {
                let topics: Vec<&str> = q.assumptions.iter().map(|a| a.topic.as_str()).collect();
                assert_eq!(topics, ["scale", "scope", "quality", "data"], "{}", q.id);
            }
            for r in q.roles.iter().chain(&q.tags) {
                assert!(!r.trim().is_empty(), "{}: empty role or tag", q.id);
            }
            for r in &q.roles {
                assert!(
                    [
                        "any",
                        "software",
                        "data",
                        "product",
                        "design",
                        "management",
                        "sales"
                    ]
                    .contains(&r.as_str()),
                    "{}: unknown role {r}",
                    q.id
                );
            }
        }
        assert!(lint.is_empty(), "{lint:#?}");
        // Questions about a kind of event (a conflict, a failure, a mistake…) say
        // what it is; broad ones ("a time you learned fast") need not.
        for q in bank
            .iter()
            .filter(|q| q.interview_type == InterviewType::Behavioral)
        {
            let specific = ["conflict", "failure", "mistake", "influence", "ambiguity"]
                .iter()
                .any(|t| q.tags.iter().any(|g| g == t));
            assert!(!specific || q.core.is_some(), "{}: no core", q.id);
        }
        let cores = bank.iter().filter(|q| q.core.is_some()).count();
        assert!(
            cores >= 20,
            "only {cores} questions say what they ask about"
        );
        for t in InterviewType::ALL {
            let n = bank.iter().filter(|q| q.interview_type == t).count();
            assert!(n >= 15, "{} has only {n} questions", t.as_str());
        }
    }

    #[test]
    fn the_checklist_lint_catches_what_reads_badly() {
        let mut q = by_id("sd-payments").expect("bank question").clone();
        q.checklist = vec![
            CheckPoint {
                point: "Audit logs; pCI scope minimised by tokenisation".into(),
                probe: None,
                cues: vec!["audit".into(), "tokeni".into()],
            },
            CheckPoint {
                point: "A payment state machine persisted before calling the provider".into(),
                probe: None,
                cues: vec![
                    "payment".into(),
                    "state machine".into(),
                    "provider".into(),
                    "user".into(),
                    "the team".into(),
                ],
            },
            CheckPoint {
                point: "Reconciliation".into(),
                probe: None,
                cues: vec!["reconcil".into()],
            },
            CheckPoint {
                point: "Rate limits shared in Redis".into(),
                probe: None,
                cues: vec!["pub/sub".into(), "redis".into()],
            },
        ];
        let problems = checklist_problems(&q).join("\n");
        for expected in [
            "contains ';'",
            "lower-cased acronym",
            "\"payment\" is a word of the question",
            "\"provider\" is a word of the question",
            "\"user\" is too generic",
            "\"the team\" is too generic",
            "only 1 cue",
            "\"pub/sub\" can never match",
        ] {
            assert!(problems.contains(expected), "{expected} not in\n{problems}");
        }
        assert!(!problems.contains("\"state machine\""), "{problems}");
        assert!(!problems.contains("\"audit\""), "{problems}");
        assert!(!problems.contains("checklist points"), "{problems}");
        q.checklist.truncate(3);
        let problems = checklist_problems(&q).join("\n");
        assert!(
            problems.contains("3 checklist points, not 4 to 8"),
            "{problems}"
        );
    }

    #[test]
    fn the_core_and_red_flag_lint_catches_what_would_misjudge() {
        let mut q = by_id("beh-failure").expect("bank question").clone();
        q.core = Some(Core {
            about: "A failure.".into(),
            cues: vec!["team".into(), "went wrong".into(), "Slipped".into()],
            people: false,
        });
        q.red_flags = vec![RedFlag {
            claim: "Failing is fine".into(),
            correction: "no".into(),
            cues: vec!["fine".into()],
        }];
        let problems = core_and_flag_problems(&q).join("\n");
        for expected in [
            "core about \"A failure.\": a noun phrase",
            "core has only 3 cues",
            "core cue \"team\" is too generic",
            "cue \"Slipped\": lower case",
            "red flags on a question that is not technical",
            "red flag correction \"no\": a sentence",
            "red flag cue \"fine\": one word cannot state a claim",
        ] {
            assert!(problems.contains(expected), "{expected} not in\n{problems}");
        }
        assert!(!problems.contains("went wrong"), "{problems}");
        q.core = None;
        q.red_flags.clear();
        assert_eq!(core_and_flag_problems(&q), Vec::<String>::new());
        let mut t = by_id("tech-sw-sql-index").expect("bank question").clone();
        assert_eq!(core_and_flag_problems(&t), Vec::<String>::new());
        t.core = q.core.clone().or(Some(Core {
            about: "indexes".into(),
            cues: vec!["index".into(); 8],
            people: false,
        }));
        assert_eq!(
            core_and_flag_problems(&t),
            ["a core on a question that is not behavioural"]
        );
    }

    #[test]
    fn every_follow_up_probes_what_it_asks() {
        let wrong: Vec<String> = all()
            .iter()
            .flat_map(|q| {
                q.follow_ups
                    .iter()
                    .flat_map(probe_mismatches)
                    .map(move |m| format!("{}: {m}", q.id))
            })
            .collect();
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn the_probe_lint_catches_what_the_words_contradict() {
        let f = |probe, ask: &str| FollowUp {
            probe,
            ask: ask.into(),
        };
        // Tags the bank once carried.
        for wrong in [
            f(
                Probe::Result,
                "What assumptions did you make, and how did you check them?",
            ),
            f(
                Probe::Reasoning,
                "When can that strength become a weakness?",
            ),
            f(Probe::Numbers, "Why is accuracy a poor metric here?"),
            f(
                Probe::Correctness,
                "How do you decide which duplicate to keep?",
            ),
            f(
                Probe::Result,
                "How did you check that the change had worked?",
            ),
            f(Probe::Tradeoffs, "What happens if the provider times out?"),
            f(Probe::Action, "With hindsight, was it right?"),
            f(
                Probe::Reasoning,
                "What was your specific contribution to that project?",
            ),
            f(
                Probe::Stakeholders,
                "Tell me about a time one of those words was really tested.",
            ),
        ] {
            assert!(!probe_mismatches(&wrong).is_empty(), "{wrong:?} passed");
        }
        for right in [
            f(
                Probe::Reasoning,
                "What assumptions did you make, and how did you check them?",
            ),
            f(
                Probe::Tradeoffs,
                "When can that strength become a weakness?",
            ),
            f(
                Probe::Tradeoffs,
                "Which algorithm would you choose, and what does it get wrong?",
            ),
            f(
                Probe::Correctness,
                "How would you check that a query actually uses the index?",
            ),
            f(
                Probe::Lesson,
                "What would you do differently if it came up again?",
            ),
            // Only the wording's place settles it: a closing "and why" asks about
            // the people, and "how do you now test" about what changed since.
            f(Probe::Stakeholders, "Who resisted the change, and why?"),
            f(Probe::Lesson, "How do you now test your own assumptions?"),
            // Nothing in the words settles a design mechanic.
            f(
                Probe::Action,
                "How does a message reach a recipient who is online right now?",
            ),
        ] {
            assert_eq!(probe_mismatches(&right), Vec::<String>::new(), "{right:?}");
        }
        let message = probe_mismatches(&f(Probe::Result, "Why that one?")).join("\n");
        assert!(
            message.contains("probes reasoning or tradeoffs, not result"),
            "{message}"
        );
    }

    #[test]
    fn no_question_text_contains_another() {
        // The offline engine recognises asked questions by their text.
        let bank = all();
        for a in bank {
            for b in bank {
                if a.id != b.id {
                    assert!(
                        !a.question.contains(&b.question),
                        "{} contains {}",
                        a.id,
                        b.id
                    );
                }
            }
        }
    }

    #[test]
    fn no_question_text_hides_in_follow_ups_or_notes() {
        // Otherwise a follow-up or a hint would read as a new main question.
        let bank = all();
        for a in bank {
            for b in bank {
                for text in b.follow_ups.iter().map(|f| &f.ask).chain([&b.good_answer]) {
                    assert!(!text.contains(&a.question), "{} hides in {}", a.id, b.id);
                }
            }
        }
    }

    #[test]
    fn roles_map_to_families() {
        assert_eq!(role_families("Senior Backend Engineer"), ["software"]);
        assert_eq!(role_families("Product Manager"), ["product"]);
        assert_eq!(
            role_families("Engineering Manager"),
            ["software", "management"]
        );
        assert_eq!(role_families("Data analyst"), ["data"]);
        assert_eq!(role_families("UX designer"), ["design"]);
        assert_eq!(role_families("Account executive"), ["sales"]);
        assert!(role_families("Chef").is_empty());
        // "ui" must not match inside other words.
        assert!(!role_families("Building surveyor").contains(&"design"));
    }

    #[test]
    fn levels_map_to_bands() {
        assert_eq!(seniority_band("Junior"), Some(Seniority::Junior));
        assert_eq!(seniority_band("staff engineer"), Some(Seniority::Senior));
        assert_eq!(seniority_band("mid-level"), Some(Seniority::Mid));
        assert_eq!(seniority_band("5 years"), None);
    }
}
