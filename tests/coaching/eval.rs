//! The coaching evaluation: runs a labelled set in `tests/coaching/` through
//! the public offline engine (`agent::offline::next_turn`) and the heuristic
//! report (`agent::report::heuristic_report`), and measures how well they agree
//! with the labels. Three sets: the tuning set (`answers.toml`, `turns.toml`),
//! which the scorer was tuned on, and two held-out sets (`heldout.toml` and
//! `heldout_turns.toml`, written 2026-11-29; `heldout2.toml` and
//! `heldout2_turns.toml`, `heldout3.toml` and `heldout3_turns.toml`,
//! `heldout4.toml` and `heldout4_turns.toml`, `heldout5.toml` and
//! `heldout5_turns.toml`, `heldout6.toml` and `heldout6_turns.toml`,
//! `heldout7.toml` and `heldout7_turns.toml`, all written 2026-11-30), each
//! written blind and never tuned
//! on. Shared by `tests/coaching.rs` (which asserts the targets on the tuning set
//! and only the held-out sets' integrity) and `examples/coaching_eval.rs` (which
//! prints the figures of all three for COACHING.md).

use std::collections::BTreeMap;

use interviewer::agent::ChatRequest;
use interviewer::agent::bank::{self, BankQuestion};
use interviewer::agent::offline;
use interviewer::agent::probe::Probe;
use interviewer::agent::report::heuristic_report;
use interviewer::domain::{ChatTurn, InterviewSetup, InterviewType, Role};
use serde::Deserialize;

/// Which labelled set to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Set {
    /// `answers.toml` and `turns.toml`: the scorer was tuned on its misses here.
    Tuning,
    /// `heldout.toml` and `heldout_turns.toml`: written blind, never tuned on.
    Heldout,
    /// `heldout2.toml` and `heldout2_turns.toml`: a second held-out set, written
    /// blind on 2026-11-30 after the scorer had been tuned, never tuned on.
    Heldout2,
    /// `heldout3.toml` and `heldout3_turns.toml`: a third held-out set, written
    /// blind on 2026-11-30 while the scorer's third pass was built, never tuned on.
    Heldout3,
    /// `heldout4.toml` and `heldout4_turns.toml`: a fourth held-out set, written
    /// blind on 2026-11-30 after held-out set 3 had been read, never tuned on.
    Heldout4,
    /// `heldout5.toml` and `heldout5_turns.toml`: a fifth held-out set, written
    /// blind on 2026-11-30 after held-out set 4 had been read, never tuned on.
    Heldout5,
    /// `heldout6.toml` and `heldout6_turns.toml`: a sixth held-out set (general
    /// career, behavioural and technical questions only), written blind on
    /// 2026-11-30 after held-out set 5 had been read, never tuned on.
    Heldout6,
    /// `heldout7.toml` and `heldout7_turns.toml`: a seventh held-out set, new
    /// answers on 29 bank questions sampled across the five types (28 of them in
    /// earlier sets, as a user's questions are), written blind on 2026-11-30
    /// after the fitted scorer with its meaning part, never tuned on.
    Heldout7,
}

impl Set {
    /// The answers file's name and text, then the turns file's.
    fn files(self) -> [(&'static str, &'static str); 2] {
        match self {
            Set::Tuning => [
                ("answers.toml", include_str!("answers.toml")),
                ("turns.toml", include_str!("turns.toml")),
            ],
            Set::Heldout => [
                ("heldout.toml", include_str!("heldout.toml")),
                ("heldout_turns.toml", include_str!("heldout_turns.toml")),
            ],
            Set::Heldout2 => [
                ("heldout2.toml", include_str!("heldout2.toml")),
                ("heldout2_turns.toml", include_str!("heldout2_turns.toml")),
            ],
            Set::Heldout3 => [
                ("heldout3.toml", include_str!("heldout3.toml")),
                ("heldout3_turns.toml", include_str!("heldout3_turns.toml")),
            ],
            Set::Heldout4 => [
                ("heldout4.toml", include_str!("heldout4.toml")),
                ("heldout4_turns.toml", include_str!("heldout4_turns.toml")),
            ],
            Set::Heldout5 => [
                ("heldout5.toml", include_str!("heldout5.toml")),
                ("heldout5_turns.toml", include_str!("heldout5_turns.toml")),
            ],
            Set::Heldout6 => [
                ("heldout6.toml", include_str!("heldout6.toml")),
                ("heldout6_turns.toml", include_str!("heldout6_turns.toml")),
            ],
            Set::Heldout7 => [
                ("heldout7.toml", include_str!("heldout7.toml")),
                ("heldout7_turns.toml", include_str!("heldout7_turns.toml")),
            ],
        }
    }
}

#[derive(Debug, Deserialize)]
struct AnswerFile {
    answer: Vec<Answer>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Answer {
    pub id: String,
    pub question: String,
    pub label: String,
    #[serde(default)]
    pub covers: Vec<String>,
    pub note: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
struct TurnFile {
    turn: Vec<Turn>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Turn {
    pub id: String,
    pub question: String,
    pub kind: String,
    pub text: String,
}

/// One answer as the coach saw it.
#[derive(Debug, Clone)]
pub struct Scored {
    pub id: String,
    pub question: String,
    pub interview_type: InterviewType,
    pub label: String,
    /// The labeller's reason for the label.
    pub note: String,
    pub score: u8,
    /// The engine's reply to the answer.
    pub reply: String,
    /// What the reply probes, when it is a follow-up.
    pub follow_up: Option<Probe>,
    /// The probes the answer covers by its label.
    pub covers: Vec<Probe>,
}

/// One non-answer turn as the engine handled it.
#[derive(Debug, Clone)]
pub struct Handled {
    pub id: String,
    pub kind: String,
    pub reply: String,
    /// The reply is the kind a good interviewer gives for this turn.
    pub right_kind: bool,
    /// The reply thanks or praises.
    pub praised: bool,
    /// The report counted the turn as an answer.
    pub scored_as_answer: bool,
}

/// Everything measured.
#[derive(Debug, Clone)]
pub struct Figures {
    pub set: Set,
    pub answers: Vec<Scored>,
    pub turns: Vec<Handled>,
    pub questions: usize,
    pub spearman: f64,
    /// Spearman within each interview type present: the type, its answer count
    /// and the correlation.
    pub by_type: Vec<(InterviewType, usize, f64)>,
    /// Questions where some strong answer does not score above every weak one.
    pub order_failures: Vec<String>,
    /// Answers whose follow-up asks for a probe the label says they cover.
    pub covered_asked: Vec<String>,
    pub follow_ups_checked: usize,
}

fn question(id: &str) -> &'static BankQuestion {
    bank::by_id(id).unwrap_or_else(|| panic!("the set refers to {id:?}, which is not in the bank"))
}

fn turn(role: Role, content: &str) -> ChatTurn {
    ChatTurn {
        role,
        content: content.into(),
    }
}

/// The conversation up to the candidate's turn: a greeting asking `q`, then `text`.
fn conversation(q: &BankQuestion, text: &str) -> (InterviewSetup, Vec<ChatTurn>) {
    let setup = InterviewSetup {
        interview_type: q.interview_type,
        questions: Some(2),
        ..Default::default()
    };
    let history = vec![
        turn(Role::User, "Hello"),
        turn(
            Role::Assistant,
            &format!("Welcome. Question 1 of 2: {}", q.question),
        ),
        turn(Role::User, text),
    ];
    (setup, history)
}

fn next_turn(setup: &InterviewSetup, history: &[ChatTurn]) -> String {
    offline::next_turn(&ChatRequest {
        model: "offline".into(),
        system_prompt: String::new(),
        history: history.to_vec(),
        setup: setup.clone(),
        choice: Default::default(),
    })
}

/// Words of thanks or praise a non-answer must never get.
const PRAISE: &[&str] = &[
    "thank",
    "great",
    "good answer",
    "helpful",
    "excellent",
    "well done",
    "nice",
    "good question",
    "perfect",
    "impressive",
];

/// The set's answers and turns as written, parsed but not run.
pub fn load(set: Set) -> Result<(Vec<Answer>, Vec<Turn>), String> {
    let [(answers_name, answers), (turns_name, turns)] = set.files();
    let answers = toml::from_str::<AnswerFile>(answers)
        .map_err(|e| format!("tests/coaching/{answers_name}: {e}"))?
        .answer;
    let turns = toml::from_str::<TurnFile>(turns)
        .map_err(|e| format!("tests/coaching/{turns_name}: {e}"))?
        .turn;
    Ok((answers, turns))
}

/// The label as a rank: weak 0, adequate 1, strong 2.
fn label_rank(id: &str, label: &str) -> f64 {
    match label {
        "strong" => 2.0,
        "adequate" => 1.0,
        "weak" => 0.0,
        other => panic!("{id}: unknown label {other}"),
    }
}

pub fn run(set: Set) -> Figures {
    let (answers, turns) = load(set).unwrap_or_else(|e| panic!("{e}"));

    let mut scored = Vec::new();
    for a in &answers {
        let q = question(&a.question);
        let (setup, history) = conversation(q, &a.text);
        let report = heuristic_report(&setup, &history);
        let score = report
            .questions
            .first()
            .and_then(|f| f.score)
            .unwrap_or_else(|| panic!("{}: the report has no score", a.id));
        let reply = next_turn(&setup, &history);
        let follow_up = offline::follow_up_probe(q, &reply);
        let covers = a
            .covers
            .iter()
            .map(|c| Probe::from_name(c).unwrap_or_else(|| panic!("{}: unknown probe {c}", a.id)))
            .collect();
        scored.push(Scored {
            id: a.id.clone(),
            question: a.question.clone(),
            interview_type: q.interview_type,
            label: a.label.clone(),
            note: a.note.clone(),
            score,
            reply,
            follow_up,
            covers,
        });
    }

    let mut handled = Vec::new();
    for t in &turns {
        let q = question(&t.question);
        let (setup, history) = conversation(q, &t.text);
        let reply = next_turn(&setup, &history);
        let right_kind = match t.kind.as_str() {
            "non_answer" => reply.starts_with(offline::NUDGE_MARK),
            "repeat" => reply.starts_with(offline::REPEAT_MARK) && reply.contains(&q.question),
            "feedback_request" => {
                reply.starts_with(offline::FEEDBACK_MARK) && reply.contains(&q.question)
            }
            "injection" => reply.starts_with(offline::ROLE_MARK) && reply.contains(&q.question),
            "clarifying" => {
                reply.contains(offline::ASSUME_MARK)
                    && q.assumptions.iter().any(|a| reply.contains(&a.answer))
            }
            other => panic!("{}: unknown turn kind {other}", t.id),
        };
        // The question repeated in the reply is not praise ("What is your
        // greatest strength?" contains "great").
        let lower = reply.replace(&q.question, "").to_lowercase();
        let praised = PRAISE.iter().any(|p| lower.contains(p));
        let outline = offline::outline(&history);
        let scored_as_answer = outline.iter().any(|i| !i.answers.is_empty());
        handled.push(Handled {
            id: t.id.clone(),
            kind: t.kind.clone(),
            reply,
            right_kind,
            praised,
            scored_as_answer,
        });
    }

    let mut by_question: BTreeMap<&str, Vec<&Scored>> = BTreeMap::new();
    for s in &scored {
        by_question.entry(s.question.as_str()).or_default().push(s);
    }
    let mut order_failures = Vec::new();
    for (q, items) in &by_question {
        let strong = items
            .iter()
            .filter(|s| s.label == "strong")
            .map(|s| s.score);
        let weak = items.iter().filter(|s| s.label == "weak").map(|s| s.score);
        if let (Some(lo), Some(hi)) = (strong.clone().min(), weak.clone().max())
            && lo <= hi
        {
            order_failures.push(format!(
                "{q}: strong {:?} vs weak {:?}",
                strong.collect::<Vec<_>>(),
                weak.collect::<Vec<_>>()
            ));
        }
    }
    let agreement = |items: &[&Scored]| {
        let labels: Vec<f64> = items.iter().map(|s| label_rank(&s.id, &s.label)).collect();
        let scores: Vec<f64> = items.iter().map(|s| f64::from(s.score)).collect();
        spearman(&scores, &labels)
    };
    let spearman = agreement(&scored.iter().collect::<Vec<_>>());
    let by_type = InterviewType::ALL
        .iter()
        .filter_map(|t| {
            let items: Vec<&Scored> = scored.iter().filter(|s| s.interview_type == *t).collect();
            (!items.is_empty()).then(|| (*t, items.len(), agreement(&items)))
        })
        .collect();
    let covered_asked = scored
        .iter()
        .filter(|s| s.follow_up.is_some_and(|p| s.covers.contains(&p)))
        .map(|s| {
            format!(
                "{}: asked {} ({})",
                s.id,
                s.follow_up.map_or("", Probe::name),
                s.reply
            )
        })
        .collect();
    Figures {
        set,
        by_type,
        questions: by_question.len(),
        follow_ups_checked: scored.iter().filter(|s| s.follow_up.is_some()).count(),
        answers: scored,
        turns: handled,
        spearman,
        order_failures,
        covered_asked,
    }
}

/// Ranks with ties given their average rank.
fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|a, b| values[*a].total_cmp(&values[*b]));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            ranks[*k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// Spearman's rank correlation (Pearson's correlation of the tie-averaged ranks).
pub fn spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    if vx == 0.0 || vy == 0.0 {
        0.0
    } else {
        cov / (vx * vy).sqrt()
    }
}
