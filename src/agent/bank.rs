//! The built-in question bank (`assets/questions/*.toml`): questions per interview
//! type and role, each with follow-ups and notes on what a good answer contains.
//! Offline practice is driven by it, and the heuristic report quotes its notes.

use std::sync::OnceLock;

use serde::Deserialize;

use super::probe::Probe;
use crate::domain::InterviewType;

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

/// The bank question whose text appears in `text` (an interviewer turn), if any.
pub fn find_in(text: &str) -> Option<&'static BankQuestion> {
    all().iter().find(|q| text.contains(q.question.as_str()))
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

/// Whether `word` (or phrase) occurs in `text` at word boundaries.
fn contains_word(text: &str, word: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
    text.match_indices(word).any(|(at, _)| {
        boundary(text[..at].chars().next_back()) && boundary(text[at + word.len()..].chars().next())
    })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_file_parses() {
        for &(file, text) in SOURCES {
            let questions = parse(file, text).unwrap_or_else(|e| panic!("{e}"));
            assert!(!questions.is_empty(), "{file} is empty");
        }
    }

    #[test]
    fn the_bank_is_big_complete_and_well_formed() {
        let bank = all();
        assert!(bank.len() >= 150, "only {} questions", bank.len());
        let mut ids = HashSet::new();
        let mut texts = HashSet::new();
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
            for p in &q.checklist {
                assert!(!p.point.trim().is_empty(), "{}: empty point", q.id);
                assert!(
                    p.probe.is_some() || !p.cues.is_empty(),
                    "{}: point {:?} has neither a probe nor cues",
                    q.id,
                    p.point
                );
            }
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
        for t in InterviewType::ALL {
            let n = bank.iter().filter(|q| q.interview_type == t).count();
            assert!(n >= 15, "{} has only {n} questions", t.as_str());
        }
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
