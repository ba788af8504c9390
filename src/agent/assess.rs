//! One answer judged against what a good answer to its question contains: the
//! question's checklist (from the bank, or the interview type's general one),
//! which points the answer covers and with which words, a 1–5 score, and the one
//! next step that would improve it most.
//!
//! Each interview type is judged on its own terms: behavioural answers on the
//! STAR parts, ownership and a measurable result; technical ones on reasoning,
//! correctness checks and trade-offs; system design on requirements, sizing,
//! trade-offs and failure modes; HR answers on being specific, honest and brief.

use super::bank::{BankQuestion, CheckPoint};
use super::embed;
use super::heuristics::{self, AnswerSignals};
use super::probe::{self, Coverage, Probe, Text};
use super::turns::{self, TurnKind};
use crate::domain::InterviewType;

/// One checklist point and whether the answer covers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PointCheck {
    pub point: String,
    pub probe: Option<Probe>,
    /// The candidate's words that cover the point; `None` when it is missing.
    pub quote: Option<String>,
}

impl PointCheck {
    pub fn covered(&self) -> bool {
        self.quote.is_some()
    }
}

/// A wrong claim found in an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrongClaim {
    pub claim: String,
    pub correction: String,
    /// The candidate's words that state it.
    pub quote: String,
}

/// The measured parts an answer's score is made of, each from 0 to 1, before
/// its ceiling (a non-answer, a thin, off-topic or confidently wrong answer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScoreParts {
    /// Share of the question's checklist points the answer covers.
    pub share: f64,
    /// Room for a full answer of its type ([`heuristics::depth`]).
    pub depth: f64,
    /// General words per hundred ("very", "always", "everything"), over 10.
    pub vague: f64,
    /// Figures (a scale, a result, a duration), up to three.
    pub figures: f64,
    /// Filler words per hundred, over 10.
    pub fillers: f64,
    /// A behavioural or career story told as "we" with no "I".
    pub we_heavy: bool,
    /// Stock phrases ("team player", "passionate"), up to two.
    pub cliches: f64,
    /// Red flags (contempt, blame, evasion, promises, ultimatums), up to three.
    pub red_flags: f64,
    /// How much the answer reads like the strong answers of the labelled sets
    /// rather than the weak ones ([`embed::meaning`]), already in label ranks.
    pub meaning: f64,
}

impl ScoreParts {
    /// The weights of each part, fitted by least squares (ridge 1) to the label
    /// ranks (weak 0, adequate 1, strong 2) of the 673 answers of the tuning set
    /// and held-out sets 2 to 6, with `scripts/coaching-fit`, together with the
    /// direction of `meaning` (whose weight is therefore 1). Leaving each of
    /// those sets out of the fit in turn, weights fitted on the other five rank
    /// it at 0.67 to 0.89, mean 0.785 (0.754 without `meaning`; COACHING.md).
    pub const BIAS: f64 = 0.663;
    pub const SHARE: f64 = 1.200;
    pub const DEPTH: f64 = 0.425;
    pub const VAGUE: f64 = -0.658;
    pub const FIGURES: f64 = 0.186;
    pub const FILLERS: f64 = -0.270;
    pub const WE_HEAVY: f64 = -0.276;
    pub const CLICHES: f64 = -0.009;
    pub const RED_FLAGS: f64 = -0.537;

    /// The score before its ceiling, on the 1–5 scale (the weighted sum is a label
    /// rank from 0 to 2).
    pub fn score(&self) -> f64 {
        let rank = Self::BIAS
            + Self::SHARE * self.share
            + Self::DEPTH * self.depth
            + Self::VAGUE * self.vague
            + Self::FIGURES * self.figures
            + Self::FILLERS * self.fillers
            + Self::WE_HEAVY * f64::from(u8::from(self.we_heavy))
            + Self::CLICHES * self.cliches
            + Self::RED_FLAGS * self.red_flags
            + self.meaning;
        1.0 + 2.0 * rank
    }
}

/// An answer judged.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    pub kind: InterviewType,
    pub signals: AnswerSignals,
    pub coverage: Coverage,
    pub points: Vec<PointCheck>,
    /// 1 to 5.
    pub score: u8,
    /// What the score is made of, before its ceiling.
    pub parts: ScoreParts,
    /// The highest score the answer can get whatever its parts: 1 for a
    /// non-answer, 2 for a thin, off-topic or confidently wrong one, else 5 (a
    /// short answer is weighed by the `depth` part, not capped).
    pub ceiling: u8,
    /// The quoted words that earned the score, best first.
    pub evidence: Vec<String>,
    /// The answer shares almost nothing with the question's subject, or (a
    /// behavioural story) never gets to what the question asks about.
    pub off_topic: bool,
    /// A behavioural story that never gets to what its question asks about: what
    /// the question asks about ("a disagreement with a colleague").
    pub asks_about: Option<String>,
    /// Well-known wrong claims the answer makes.
    pub wrong: Vec<WrongClaim>,
    /// The one change that would improve this answer most.
    pub next_step: String,
}

impl Assessment {
    pub fn covered(&self) -> Vec<String> {
        self.points
            .iter()
            .filter(|p| p.covered())
            .map(|p| p.point.clone())
            .collect()
    }

    pub fn missing(&self) -> Vec<String> {
        self.points
            .iter()
            .filter(|p| !p.covered())
            .map(|p| p.point.clone())
            .collect()
    }
}

/// The general checklist of an interview type, for questions not from the bank.
fn generic_checklist(kind: InterviewType) -> Vec<CheckPoint> {
    let points: &[(&str, Probe)] = match kind {
        InterviewType::Behavioral => &[
            (
                "The situation: when, where, what was at stake",
                Probe::Situation,
            ),
            ("Your own part, told in the first person", Probe::OwnRole),
            ("What you did, step by step", Probe::Action),
            ("A concrete result of what you did", Probe::Result),
            ("A number on the result", Probe::Numbers),
            ("What you learned from it", Probe::Lesson),
        ],
        InterviewType::Technical => &[
            ("Reasoning said aloud: why each step", Probe::Reasoning),
            (
                "Alternatives weighed and the trade-off named",
                Probe::Tradeoffs,
            ),
            (
                "How you would check it is correct (tests, edge cases)",
                Probe::Correctness,
            ),
            ("A concrete example from your own work", Probe::Example),
        ],
        InterviewType::SystemDesign => &[
            (
                "Clarified requirements and stated assumptions",
                Probe::Requirements,
            ),
            (
                "A sizing of the problem: users, requests per second, storage",
                Probe::Scale,
            ),
            (
                "A high-level design: the main components and the flow",
                Probe::Action,
            ),
            ("Choices justified against an alternative", Probe::Tradeoffs),
            (
                "Failure modes and how the design survives them",
                Probe::FailureModes,
            ),
        ],
        InterviewType::Hr => &[
            (
                "Specific to this role and company, not generic",
                Probe::Example,
            ),
            ("The reasons behind your answer", Probe::Reasoning),
            ("A concrete example from your experience", Probe::Example),
            ("Said briefly and plainly", Probe::Reasoning),
        ],
        InterviewType::General => &[
            ("A concrete example from your own work", Probe::Example),
            ("Why: the reasons behind your choices", Probe::Reasoning),
            ("A concrete result", Probe::Result),
            ("What you learned from it", Probe::Lesson),
        ],
    };
    points
        .iter()
        .map(|(point, probe)| CheckPoint {
            point: (*point).to_string(),
            probe: Some(*probe),
            cues: Vec::new(),
        })
        .collect()
}

/// Stock phrases that say nothing about this candidate.
const CLICHES: &[&str] = &[
    "perfectionist",
    "i work too hard",
    "work too hard",
    "team player",
    "passionate",
    "hard worker",
    "hard-working",
    "hardworking",
    "go-getter",
    "synergy",
    "rockstar",
    "ninja",
    "people person",
    "think outside the box",
    "outside the box",
    "give 110",
    "great company",
    "amazing company",
    "great culture",
    "i love the culture",
    "dream job",
    "any company",
    "innovative company",
    "leader in your industry",
    "industry leader",
    "heard great things",
    "great opportunity",
    "grow and develop",
    "develop my skills",
    "new challenges",
    "exciting opportunity",
];

/// Words an interviewer hears as a red flag whatever the question: contempt for
/// others, evasion, promises nobody can keep, plans to break an agreement.
const RED_FLAGS: &[&str] = &[
    "terrible",
    "nightmare",
    "lazy",
    "i hate",
    "awful",
    "incompetent",
    "toxic",
    "idiot",
    "useless",
    "micromanag",
    "takes credit",
    "had enough",
    "can't stand",
    "stupid",
    "their fault",
    "not my fault",
    "wasn't my fault",
    "blame them",
    "rather not get into",
    "rather not say",
    "it's complicated",
    "leave it at that",
    "figure that out later",
    "have to check my",
    "off the top of my head",
    "whatever it takes",
    "any time",
    "anytime",
    "always available",
    "evenings and weekends",
    "thrive on",
    "i love working hard",
    "eighty-hour",
    "80-hour",
    "24/7",
    "just stop going",
    "can't really do anything",
    "they can't do anything",
    "whatever you want",
    "whatever you need",
    "whenever you need",
    "whenever, really",
    "any salary",
    "anything is fine",
    "i'll take anything",
    "desperate",
    "ridiculous",
    "frankly",
    "proven right",
    "i was right",
    "that's how it goes",
    "should have been caught",
    "wasn't really my",
    "wasn't really a single",
    "not really my",
    "not my job",
    "any load",
    "infinitely",
    "web scale",
    "never fails",
    "can't fail",
    // Bitterness and blame: a grievance told instead of an answer.
    "political",
    "passed me over",
    "passed over for",
    "didn't value",
    "doesn't value",
    "never valued",
    "did my hours",
    "stopped going above",
    "meant nothing",
    "favouritism",
    "favoritism",
    "nobody listened",
    "no one listened",
    "nobody listens",
    "wasn't fair",
    "so unfair",
    // Leverage and ultimatums at a screen: a competing offer used as a threat
    // rather than disclosed as a fact.
    "beat that",
    "beat it",
    "beat their",
    "match that",
    "match their offer",
    "best offer",
    "highest bidder",
    "move quickly",
    "move fast or",
    "if you want me",
    "i'm worth more",
    "worth more than",
    "consider anything below",
    "accept anything below",
    "take it or leave it",
    "non-negotiable",
];

/// Judges `answer` (all the candidate said to one question, follow-ups included)
/// against the question's checklist. `clarifying` are the clarifying questions
/// the candidate asked first (they show the requirements were explored).
pub fn assess(
    bank: Option<&BankQuestion>,
    kind: InterviewType,
    question: &str,
    answer: &str,
    clarifying: &[String],
) -> Assessment {
    let signals = heuristics::analyse(answer, kind);
    let mut coverage = probe::detect_with(answer, &signals);
    if let Some(first) = clarifying.first() {
        coverage.add(Probe::Requirements, first.trim().to_string());
    }
    let text = Text::new(answer);
    let checklist = bank.map_or_else(|| generic_checklist(kind), |q| q.checklist.clone());
    let points: Vec<PointCheck> = checklist
        .iter()
        .map(|p| PointCheck {
            point: p.point.clone(),
            probe: p.probe,
            quote: point_quote(p, &coverage, &text),
        })
        .collect();

    // A story that never gets to what its question asks about answers another
    // question, however well it is told (too short an answer is judged short).
    let asks_about = bank
        .and_then(|q| q.core.as_ref())
        .filter(|core| {
            let about_someone = core.people
                && ["he", "she", "him", "her", "his"]
                    .iter()
                    .any(|p| text.find(p).is_some());
            text.word_count() >= 25
                && !about_someone
                && !core
                    .cues
                    .iter()
                    .any(|c| text.find(&format!("{c}*")).is_some())
        })
        .map(|core| core.about.clone());
    let off_topic = asks_about.is_some() || off_topic(bank, question, &checklist, &text);
    let wrong: Vec<WrongClaim> = bank
        .map(|q| q.red_flags.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|f| {
            f.cues
                .iter()
                .find_map(|c| text.find_affirmed(&format!("{c}*")))
                .map(|quote| WrongClaim {
                    claim: f.claim.clone(),
                    correction: f.correction.clone(),
                    quote,
                })
        })
        .collect();
    let lower = answer.to_lowercase();
    let words = signals.words;
    let parts = ScoreParts {
        share: points.iter().filter(|p| p.covered()).count() as f64 / points.len().max(1) as f64,
        depth: heuristics::depth(words, kind),
        vague: signals.vague_rate().min(12.0) / 10.0,
        figures: signals.quantities.len().min(3) as f64 / 3.0,
        fillers: signals.filler_rate().min(10.0) / 10.0,
        we_heavy: matches!(kind, InterviewType::Behavioral | InterviewType::General)
            && signals.we_heavy(),
        cliches: CLICHES.iter().filter(|c| lower.contains(*c)).count().min(2) as f64 / 2.0,
        red_flags: RED_FLAGS
            .iter()
            .filter(|f| lower.contains(*f))
            .count()
            .min(3) as f64
            / 3.0,
        meaning: embed::meaning(answer),
    };
    let non_answer = turns::classify(answer, kind) == TurnKind::NonAnswer;
    let thin = match kind {
        InterviewType::Hr => heuristics::TOO_SHORT_WORDS_HR,
        _ => heuristics::TOO_SHORT_WORDS,
    };
    let ceiling = if non_answer || words < 10 {
        1
    } else if words < thin || off_topic || !wrong.is_empty() {
        // Off the question, or confidently wrong: weak whatever the polish.
        2
    } else {
        5
    };
    let score = (parts.score().round().clamp(1.0, 5.0) as u8).min(ceiling);

    let mut evidence: Vec<String> = Vec::new();
    for p in &points {
        if let Some(q) = &p.quote
            && !q.is_empty()
            && !evidence.contains(q)
        {
            evidence.push(q.clone());
        }
    }
    evidence.truncate(3);
    let next_step = match (&asks_about, wrong.first()) {
        (_, Some(w)) => format!(
            "Check your facts: you said \"{}\", but {}",
            w.quote,
            lower_first(&w.correction)
        ),
        (Some(about), None) => format!(
            "Answer the question that was asked: it asks about {about}. Choose a story that is about that, and say so in your first sentence."
        ),
        (None, None) => next_step(kind, answer, &points, &coverage, &signals, off_topic, score),
    };
    Assessment {
        kind,
        signals,
        coverage,
        points,
        score,
        parts,
        ceiling,
        evidence,
        off_topic,
        asks_about,
        wrong,
        next_step,
    }
}

/// The words that cover a checklist point: the detector's for its probe, else
/// the first of its own cues found. The bank's cues are curated to be specific to
/// the point (never a word of the question or a generic one; `bank`'s tests check
/// it), so any one of them in the answer shows the point.
fn point_quote(p: &CheckPoint, coverage: &Coverage, text: &Text<'_>) -> Option<String> {
    if let Some(probe) = p.probe
        && let Some(q) = coverage.quote(probe)
    {
        return Some(q.to_string());
    }
    if p.cues.is_empty() {
        return None;
    }
    p.cues.iter().find_map(|c| {
        let cue = format!("{}*", c.to_lowercase());
        text.find_kept(&cue).and(text.find_affirmed(&cue))
    })
}

/// Whether the answer misses the question's subject: it uses almost none of the
/// question's subject words and shows at most one checklist point by its cues.
fn off_topic(
    bank: Option<&BankQuestion>,
    question: &str,
    checklist: &[CheckPoint],
    text: &Text<'_>,
) -> bool {
    // Stories can be told about anything; technical and design questions have a
    // subject an answer can miss.
    let Some(q) = bank else {
        return false;
    };
    if !matches!(
        q.interview_type,
        InterviewType::Technical | InterviewType::SystemDesign
    ) {
        return false;
    }
    if text.word_count() < 25 || checklist.iter().all(|p| p.cues.is_empty()) {
        return false;
    }
    // The question's subject words, as stems ("limiter" is found as "limit").
    let mut asked: Vec<String> = question
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 5 && !QUESTION_WORDS.contains(w))
        .map(|w| w.chars().take(5).collect())
        .collect();
    asked.sort();
    asked.dedup();
    let said = asked
        .iter()
        .filter(|w| text.find(&format!("{w}*")).is_some())
        .count();
    // The cues are specific to their point, so one found shows the point.
    let shown = checklist
        .iter()
        .filter(|p| {
            p.cues
                .iter()
                .any(|c| text.find(&format!("{}*", c.to_lowercase())).is_some())
        })
        .count();
    said <= 1 && shown <= 1
}

const QUESTION_WORDS: &[&str] = &[
    "about",
    "after",
    "again",
    "could",
    "describe",
    "would",
    "which",
    "where",
    "their",
    "there",
    "these",
    "those",
    "while",
    "something",
    "someone",
    "yourself",
    "explain",
    "design",
    "think",
    "happened",
    "handle",
    "approach",
    "thing",
    "things",
    "other",
    "people",
    "first",
    "really",
];

/// The one change that would improve the answer most.
fn next_step(
    kind: InterviewType,
    answer: &str,
    points: &[PointCheck],
    coverage: &Coverage,
    signals: &AnswerSignals,
    off_topic: bool,
    score: u8,
) -> String {
    if off_topic {
        return "Answer the question that was asked: name its subject in your first sentence and stay on it.".into();
    }
    if signals.too_short && kind != InterviewType::Hr {
        return match kind {
            InterviewType::Behavioral | InterviewType::General => {
                "Tell one specific story: where you were, what you did, and what changed because of it.".into()
            }
            _ => "Think aloud: say what you would do first, why, and how you would check it.".into(),
        };
    }
    // Made of general words: the specifics matter more than any missing point.
    if signals.vague_rate() >= 5.0 && score <= 3 {
        let quoted: Vec<String> = heuristics::vague_words_in(answer)
            .iter()
            .take(3)
            .map(|(w, _)| format!("\"{w}\""))
            .collect();
        return format!(
            "Swap the general words ({}) for specifics: one real example, who was involved, what you did and what changed.",
            quoted.join(", ")
        );
    }
    for probe in Probe::priorities(kind) {
        if !coverage.covers(*probe)
            && points
                .iter()
                .any(|p| p.probe == Some(*probe) && !p.covered())
        {
            return probe_step(*probe).to_string();
        }
    }
    if let Some(p) = points.iter().find(|p| !p.covered()) {
        return format!("Add the missing point: {}.", lower_first(&p.point));
    }
    for probe in Probe::priorities(kind) {
        if !coverage.covers(*probe) {
            return probe_step(*probe).to_string();
        }
    }
    if kind == InterviewType::Hr && signals.words > heuristics::BRIEF_MAX_WORDS_HR {
        return "Keep it brief: two or three sentences, then stop and let the interviewer ask."
            .into();
    }
    if signals.filler_rate() > 3.0 {
        return "Cut the filler words: pause instead, and state each point plainly.".into();
    }
    if score >= 4 {
        "Keep this answer: rehearse it aloud once more and time it to under two minutes.".into()
    } else {
        "Go one level deeper: the specific detail of what you did and why.".into()
    }
}

/// `text` with its first letter in lower case, to follow a colon, unless the first
/// word is an acronym or "I" ("PCI scope…", "A/B tests…", "SDKs…", "O(n) space…").
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    let Some(first) = chars.next() else {
        return String::new();
    };
    let first_word = text.split_whitespace().next().unwrap_or_default();
    let plain_word = chars
        .clone()
        .next()
        .is_some_and(|c| c.is_lowercase() || c.is_whitespace())
        && first_word != "I";
    if plain_word {
        first.to_lowercase().chain(chars).collect()
    } else {
        text.to_string()
    }
}

/// What to add when `probe` is missing, as an instruction.
pub fn probe_step(probe: Probe) -> &'static str {
    match probe {
        Probe::Situation => {
            "Open with one sentence of context: when, where, and what was at stake."
        }
        Probe::OwnRole => {
            "Say what you personally did: \"I\" for your own actions, \"we\" only for the team's."
        }
        Probe::Action => "Walk through the actions you took, step by step.",
        Probe::Result => "End with the result: what changed because of what you did.",
        Probe::Numbers => {
            "Put a number on the result: before and after, time or money saved, people affected."
        }
        Probe::Reasoning => "Say why: the reason behind each choice.",
        Probe::Tradeoffs => "Name the alternative you rejected and what your choice costs.",
        Probe::Stakeholders => "Say who else was involved and how you brought them along.",
        Probe::Lesson => "Close with what you learned and where you have applied it since.",
        Probe::Example => "Back it with one concrete example from your own experience.",
        Probe::Scale => "Size the problem: users, requests per second, data volume.",
        Probe::FailureModes => "Say what can fail and how the design copes when it does.",
        Probe::Correctness => "Say how you would check it works: the tests and edge cases.",
        Probe::Requirements => "Start by clarifying the requirements and stating your assumptions.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::bank;

    #[test]
    fn a_strong_story_outscores_a_thin_one() {
        let q = bank::by_id("beh-failure").expect("bank question");
        let strong = "Last March I was the release owner for our mobile app at Acme. My task was \
            to ship before a partner launch. I underestimated the app store review time, so the \
            release slipped by two weeks, and that was my mistake. I told the partner the same \
            day, rebuilt the plan with a review buffer, and shipped a web fallback so their \
            launch still went ahead. As a result the partner stayed, and the next three releases \
            shipped on time. I learned to plan for the review queue, and I now add a buffer to \
            every release plan.";
        let thin = "We missed a deadline once but it was fine in the end.";
        let a = assess(Some(q), q.interview_type, &q.question, strong, &[]);
        let b = assess(Some(q), q.interview_type, &q.question, thin, &[]);
        assert!(a.score >= 4, "{a:#?}");
        assert!(b.score <= 2, "{b:#?}");
        assert!(!a.evidence.is_empty());
        assert!(a.missing().len() < b.missing().len());
    }

    #[test]
    fn a_point_after_a_colon_keeps_its_acronyms() {
        assert_eq!(lower_first("A key-value store"), "a key-value store");
        assert_eq!(lower_first("Caches hot links"), "caches hot links");
        assert_eq!(
            lower_first("PCI scope kept small by tokenising card details"),
            "PCI scope kept small by tokenising card details"
        );
        assert_eq!(
            lower_first("SDKs evaluate locally"),
            "SDKs evaluate locally"
        );
        assert_eq!(
            lower_first("A/B tests on business metrics"),
            "A/B tests on business metrics"
        );
        assert_eq!(lower_first("O(n) extra space"), "O(n) extra space");
        assert_eq!(lower_first("I owned it"), "I owned it");
        assert_eq!(lower_first(""), "");
    }

    #[test]
    fn a_missing_acronym_point_reads_as_written() {
        let q = bank::by_id("sd-payments").expect("bank question");
        let answer = "Correctness comes first: we must never charge twice. I'd store each \
            charge with an idempotency key, persist a pending state before calling out, and \
            query the status on a timeout. I'd keep a double-entry ledger, audit every change \
            and reconcile daily against the settlement report.";
        let a = assess(Some(q), q.interview_type, &q.question, answer, &[]);
        assert_eq!(a.missing().len(), 1, "{a:#?}");
        assert_eq!(
            a.next_step,
            "Add the missing point: PCI scope kept small by tokenising card details."
        );
    }

    #[test]
    fn a_polished_story_about_something_else_is_capped() {
        let q = bank::by_id("beh-team-conflict-manager").expect("bank question");
        // STAR-shaped, first person, numbers and a lesson: but no conflict.
        let story = "Last year at a retail company I owned the checkout service. Page loads \
            had crept up to three seconds, so I profiled the service, found an unindexed \
            query and rewrote it with a covering index. I shipped it behind a flag and load \
            times fell to 800 milliseconds, and conversion rose by 4 percent. I learned to \
            measure before optimising.";
        let a = assess(Some(q), q.interview_type, &q.question, story, &[]);
        assert!(a.off_topic, "{a:#?}");
        assert!(a.score <= 2, "{a:#?}");
        assert_eq!(
            a.asks_about.as_deref(),
            Some("two people on your team in conflict")
        );
        assert!(
            a.next_step.contains("it asks about two people"),
            "{}",
            a.next_step
        );
        // The same shape about the question's subject, in plain words, is not.
        let on = "Last year two engineers on my team fell out over code reviews: one \
            rejected most of the other's changes. I met each of them separately to hear \
            their side, then sat them down together and we agreed review rules: two days \
            at most, comments on substance only. Within a month review times halved and \
            they paired on the next feature. I learned to act on friction early.";
        let b = assess(Some(q), q.interview_type, &q.question, on, &[]);
        assert!(!b.off_topic, "{b:#?}");
        assert!(b.score > a.score, "{b:#?}");
    }

    #[test]
    fn a_confidently_wrong_claim_is_capped_and_corrected() {
        let q = bank::by_id("tech-sw-sql-index").expect("bank question");
        let wrong = "An index is a B-tree over the column, so the database can find the \
            matching rows in O(log n) instead of scanning the table, because it walks the \
            tree. Indexes also make writes faster, since the database knows where each row \
            goes, so I would index every column that any query filters on and check the plan \
            with EXPLAIN to confirm the index is used.";
        let a = assess(Some(q), q.interview_type, &q.question, wrong, &[]);
        assert!(a.score <= 2, "{a:#?}");
        assert_eq!(a.wrong.len(), 2, "{a:#?}");
        assert!(
            a.next_step
                .starts_with("Check your facts: you said \"also make writes faster"),
            "{}",
            a.next_step
        );
        // Saying the claim is wrong is right.
        let right = "An index is a B-tree over the column, so the database finds the \
            matching rows in O(log n) instead of scanning the table. Indexes do not make \
            writes faster: every insert and update must change each index too, and they \
            take space, so I'd index what frequent queries filter or join on, check the \
            plan with EXPLAIN, and drop indexes nothing uses.";
        let b = assess(Some(q), q.interview_type, &q.question, right, &[]);
        assert!(b.wrong.is_empty(), "{b:#?}");
    }

    #[test]
    fn general_words_and_grievances_cost_points_that_specifics_do_not() {
        let q = bank::by_id("hr-work-style").expect("bank question");
        let specific = "Hybrid. I'm in the office on Tuesdays and Thursdays for planning and \
            pairing, and at home the rest for focused work; a shared written plan and a \
            fifteen-minute check-in keep everyone in step, and I'm happy to match the team's days.";
        let general = "Honestly I'm really flexible, I can work anywhere and with anyone. I always \
            give my best, whatever the setup, and I really love all kinds of teams. Everything \
            works for me as long as everyone is motivated and we all do great work.";
        let a = assess(Some(q), q.interview_type, &q.question, specific, &[]);
        let b = assess(Some(q), q.interview_type, &q.question, general, &[]);
        assert!(a.score > b.score, "{a:#?}\n{b:#?}");
        assert!(b.signals.vague_rate() > 10.0, "{:?}", b.signals);

        let q = bank::by_id("hr-why-leaving").expect("bank question");
        let bitter = "My manager passed me over for promotion; it was completely political and \
            favouritism, so I stopped going above and beyond and did my hours until I could leave. \
            They never valued real work there.";
        let c = assess(Some(q), q.interview_type, &q.question, bitter, &[]);
        assert!(c.score <= 2, "{c:#?}");
        // The next step quotes the general words to swap for specifics.
        assert!(
            b.next_step
                .starts_with("Swap the general words (\"really\"")
                && b.next_step.contains("\"everything\"")
                || b.next_step.contains("\"all\""),
            "{}",
            b.next_step
        );
    }

    #[test]
    fn a_short_honest_hr_answer_beats_long_generic_enthusiasm() {
        let q = bank::by_id("hr-notice-period").expect("bank question");
        let short = "One month's notice, so I could start on 3 June; I have no holidays booked.";
        let a = assess(Some(q), q.interview_type, &q.question, short, &[]);
        assert!(a.score >= 3, "{a:#?}");
        let q = bank::by_id("hr-why-role").expect("bank question");
        let generic = "I'm really passionate about your mission and I think this is a great \
            opportunity. You're an innovative company with a great culture, and I'm looking \
            for new challenges where I can grow and develop my skills. I'm a hard worker and \
            a team player, and I'd bring a lot of energy and enthusiasm to the team, so I \
            really believe this role is the perfect next step for me and my career.";
        let b = assess(Some(q), q.interview_type, &q.question, generic, &[]);
        assert!(b.score <= 2, "{b:#?}");
    }

    #[test]
    fn an_off_topic_answer_scores_low() {
        let q = bank::by_id("tech-sw-slow-endpoint").expect("bank question");
        let answer = "Consistent hashing places nodes and keys on a ring, so when a node joins \
            or leaves only the keys next to it move. I would use virtual nodes to even out the \
            distribution, because without them some nodes get far more keys than others, and \
            replicate each key to the next two nodes on the ring for availability.";
        let a = assess(Some(q), q.interview_type, &q.question, answer, &[]);
        assert!(a.off_topic, "{a:#?}");
        assert!(a.score <= 2, "{a:#?}");
    }
}
