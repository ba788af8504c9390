//! The offline coach against the labelled evaluation set in `tests/coaching/`
//! (issue 13): scores agree with an interviewer's labels, follow-ups never ask
//! for what an answer already covers, and turns that are not answers get the
//! reply a good interviewer gives, never thanks and never a score. Those targets
//! are asserted on the tuning set. The two held-out sets are only checked for what
//! must hold whatever the scorer (they parse, name bank questions, are big enough,
//! run through the coach); their figures are reported by `scripts/coaching-eval`,
//! never asserted, so that nobody tunes the scorer to them.

#[path = "coaching/eval.rs"]
mod eval;

use std::collections::{BTreeMap, BTreeSet, HashSet};

use eval::Set;
use interviewer::agent::bank;
use interviewer::agent::probe::Probe;
use interviewer::domain::InterviewType;

#[test]
fn the_set_is_big_enough() {
    let f = eval::run(Set::Tuning);
    assert!(f.answers.len() >= 60, "{} answers", f.answers.len());
    assert!(f.questions >= 15, "{} questions", f.questions);
    assert!(f.turns.len() >= 20, "{} turns", f.turns.len());
}

#[test]
fn every_strong_answer_scores_above_every_weak_one() {
    let f = eval::run(Set::Tuning);
    assert!(
        f.order_failures.is_empty(),
        "{}",
        f.order_failures.join("\n")
    );
}

#[test]
fn scores_rank_like_the_labels() {
    let f = eval::run(Set::Tuning);
    assert!(f.spearman >= 0.8, "Spearman {:.3}", f.spearman);
}

#[test]
fn no_follow_up_asks_for_what_the_answer_covers() {
    let f = eval::run(Set::Tuning);
    assert!(f.follow_ups_checked > 0, "no follow-ups were asked at all");
    assert!(f.covered_asked.is_empty(), "{}", f.covered_asked.join("\n"));
}

#[test]
fn turns_that_are_not_answers_get_the_right_reply() {
    let f = eval::run(Set::Tuning);
    let wrong: Vec<String> = f
        .turns
        .iter()
        .filter(|t| !t.right_kind || t.praised || t.scored_as_answer)
        .map(|t| {
            format!(
                "{} ({}): right kind {}, praised {}, scored {}: {}",
                t.id, t.kind, t.right_kind, t.praised, t.scored_as_answer, t.reply
            )
        })
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn spearman_is_right_on_known_cases() {
    assert!((eval::spearman(&[1.0, 2.0, 3.0], &[0.0, 1.0, 2.0]) - 1.0).abs() < 1e-9);
    assert!((eval::spearman(&[3.0, 2.0, 1.0], &[0.0, 1.0, 2.0]) + 1.0).abs() < 1e-9);
    // Ties take their average rank.
    let r = eval::spearman(&[1.0, 1.0, 2.0, 3.0], &[0.0, 0.0, 1.0, 2.0]);
    assert!((r - 1.0).abs() < 1e-9, "{r}");
}

/// What a held-out set must be, whatever the scorer: ids unique and unused by
/// the other sets, every answer and turn on a bank question, labels, probes and
/// kinds from the README's vocabulary, a note and a text on every answer, and
/// clarifying turns only on system-design questions. Returns, per bank question,
/// the labels its answers carry, the interview types present and the turn count.
fn well_formed(
    set: Set,
    others: &[Set],
) -> (
    BTreeMap<String, BTreeSet<String>>,
    BTreeSet<&'static str>,
    usize,
) {
    let (answers, turns) = eval::load(set).unwrap_or_else(|e| panic!("{e}"));
    let mut other_ids = HashSet::new();
    for other in others {
        let (a, t) = eval::load(*other).unwrap_or_else(|e| panic!("{e}"));
        other_ids.extend(a.into_iter().map(|a| a.id));
        other_ids.extend(t.into_iter().map(|t| t.id));
    }
    let mut ids = HashSet::new();
    let mut labels: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut types = BTreeSet::new();
    for a in &answers {
        assert!(ids.insert(a.id.as_str()), "{}: id used twice", a.id);
        assert!(
            !other_ids.contains(&a.id),
            "{}: id also in another set",
            a.id
        );
        let q = bank::by_id(&a.question)
            .unwrap_or_else(|| panic!("{}: {:?} is not a bank question", a.id, a.question));
        types.insert(q.interview_type.as_str());
        assert!(
            ["strong", "adequate", "weak"].contains(&a.label.as_str()),
            "{}: label {:?}",
            a.id,
            a.label
        );
        labels
            .entry(q.id.clone())
            .or_default()
            .insert(a.label.clone());
        for c in &a.covers {
            assert!(Probe::from_name(c).is_some(), "{}: unknown probe {c}", a.id);
        }
        assert!(!a.note.trim().is_empty(), "{}: no note saying why", a.id);
        assert!(!a.text.trim().is_empty(), "{}: no text", a.id);
    }
    for t in &turns {
        assert!(ids.insert(t.id.as_str()), "{}: id used twice", t.id);
        assert!(
            !other_ids.contains(&t.id),
            "{}: id also in another set",
            t.id
        );
        let q = bank::by_id(&t.question)
            .unwrap_or_else(|| panic!("{}: {:?} is not a bank question", t.id, t.question));
        assert!(
            [
                "non_answer",
                "repeat",
                "feedback_request",
                "injection",
                "clarifying"
            ]
            .contains(&t.kind.as_str()),
            "{}: kind {:?}",
            t.id,
            t.kind
        );
        if t.kind == "clarifying" {
            assert_eq!(q.interview_type, InterviewType::SystemDesign, "{}", t.id);
        }
    }
    assert!(!answers.is_empty(), "no answers");
    (labels, types, turns.len())
}

#[test]
fn the_held_out_set_is_well_formed_and_big_enough() {
    let (answers, _) = eval::load(Set::Heldout).unwrap_or_else(|e| panic!("{e}"));
    let (labels, types, turns) = well_formed(Set::Heldout, &[Set::Tuning]);
    assert!(answers.len() >= 60, "{} held-out answers", answers.len());
    assert!(labels.len() >= 15, "{} held-out questions", labels.len());
    assert!(turns >= 20, "{turns} held-out turns");
    for t in ["behavioral", "technical", "system-design", "hr"] {
        assert!(types.contains(t), "no held-out answer of type {t}");
    }
}

#[test]
fn the_held_out_set_2_is_well_formed_and_big_enough() {
    let (answers, _) = eval::load(Set::Heldout2).unwrap_or_else(|e| panic!("{e}"));
    let (labels, types, turns) = well_formed(Set::Heldout2, &[Set::Tuning, Set::Heldout]);
    assert!(
        answers.len() >= 72,
        "{} answers in held-out set 2",
        answers.len()
    );
    assert!(
        labels.len() >= 18,
        "{} questions in held-out set 2",
        labels.len()
    );
    assert!(turns >= 24, "{turns} turns in held-out set 2");
    for (q, l) in &labels {
        for label in ["strong", "adequate", "weak"] {
            assert!(
                l.contains(label),
                "{q}: no {label} answer in held-out set 2"
            );
        }
    }
    // Each of the four interview types is well represented: at least three
    // questions and twelve answers.
    for t in ["behavioral", "technical", "system-design", "hr"] {
        assert!(types.contains(t), "no answer of type {t} in held-out set 2");
        let of_type = |id: &str| bank::by_id(id).is_some_and(|q| q.interview_type.as_str() == t);
        let questions = labels.keys().filter(|q| of_type(q)).count();
        let count = answers.iter().filter(|a| of_type(&a.question)).count();
        assert!(
            questions >= 3,
            "{questions} {t} questions in held-out set 2"
        );
        assert!(count >= 12, "{count} {t} answers in held-out set 2");
    }
    // At least half its questions are new to the tuning set.
    let (tuning, _) = eval::load(Set::Tuning).unwrap_or_else(|e| panic!("{e}"));
    let tuned: HashSet<&str> = tuning.iter().map(|a| a.question.as_str()).collect();
    let new = labels
        .keys()
        .filter(|q| !tuned.contains(q.as_str()))
        .count();
    assert!(
        2 * new >= labels.len(),
        "only {new} of {} questions in held-out set 2 are not in the tuning set",
        labels.len()
    );
}

/// Held-out sets 3 to 6 were written on questions in no earlier set. Each is
/// well formed, big enough, has a strong, an adequate and a weak answer per
/// question, and answers of each of `types`.
fn new_questions_set(set: Set, earlier: &[Set], min: (usize, usize, usize), types_wanted: &[&str]) {
    let name = format!("{set:?}");
    let (answers, _) = eval::load(set).unwrap_or_else(|e| panic!("{e}"));
    let (labels, types, turns) = well_formed(set, earlier);
    let (min_answers, min_questions, min_turns) = min;
    assert!(
        answers.len() >= min_answers,
        "{} answers in {name}",
        answers.len()
    );
    assert!(
        labels.len() >= min_questions,
        "{} questions in {name}",
        labels.len()
    );
    assert!(turns >= min_turns, "{turns} turns in {name}");
    for (q, l) in &labels {
        for label in ["strong", "adequate", "weak"] {
            assert!(l.contains(label), "{q}: no {label} answer in {name}");
        }
    }
    for t in types_wanted {
        assert!(types.contains(t), "no answer of type {t} in {name}");
    }
    // None of its questions is in an earlier set: it measures questions the
    // coach was never tuned on.
    let mut seen: HashSet<String> = HashSet::new();
    for other in earlier {
        let (other, _) = eval::load(*other).unwrap_or_else(|e| panic!("{e}"));
        seen.extend(other.into_iter().map(|a| a.question));
    }
    for q in labels.keys() {
        assert!(!seen.contains(q), "{q} is in {name} and an earlier set");
    }
}

const ALL_TYPES: [&str; 4] = ["behavioral", "technical", "system-design", "hr"];

#[test]
fn held_out_sets_3_to_6_are_well_formed_big_enough_and_on_new_questions() {
    use Set::*;
    new_questions_set(
        Heldout3,
        &[Tuning, Heldout, Heldout2],
        (90, 22, 30),
        &ALL_TYPES,
    );
    new_questions_set(
        Heldout4,
        &[Tuning, Heldout, Heldout2, Heldout3],
        (100, 25, 30),
        &ALL_TYPES,
    );
    new_questions_set(
        Heldout5,
        &[Tuning, Heldout, Heldout2, Heldout3, Heldout4],
        (100, 22, 30),
        &ALL_TYPES,
    );
    // The last questions in no other set: general career, behavioural, technical.
    new_questions_set(
        Heldout6,
        &[Tuning, Heldout, Heldout2, Heldout3, Heldout4, Heldout5],
        (100, 25, 25),
        &["behavioral", "technical", "general"],
    );
}

#[test]
fn the_held_out_set_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout);
}

#[test]
fn the_held_out_set_2_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout2);
}

#[test]
fn the_held_out_set_3_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout3);
}

#[test]
fn the_held_out_set_4_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout4);
}

#[test]
fn the_held_out_set_5_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout5);
}

#[test]
fn the_held_out_set_6_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout6);
}

#[test]
fn the_held_out_set_7_runs_through_the_coach() {
    runs_through_the_coach(Set::Heldout7);
}

/// Held-out set 7 is new answers on questions earlier sets hold (the case a user
/// meets): well formed, big enough, all five types, a strong, an adequate and a
/// weak answer per question, and all but one or two questions in an earlier set
/// (28 of its 29; sd-ride-hailing is new).
#[test]
fn held_out_set_7_is_well_formed_and_on_questions_seen_before() {
    use Set::*;
    let earlier = [
        Tuning, Heldout, Heldout2, Heldout3, Heldout4, Heldout5, Heldout6,
    ];
    let (answers, _) = eval::load(Heldout7).unwrap_or_else(|e| panic!("{e}"));
    let (labels, types, turns) = well_formed(Heldout7, &earlier);
    assert!(answers.len() >= 100, "{} answers", answers.len());
    assert!(labels.len() >= 25, "{} questions", labels.len());
    assert!(turns >= 25, "{turns} turns");
    for t in ["behavioral", "technical", "system-design", "hr", "general"] {
        assert!(types.contains(t), "no answer of type {t}");
    }
    for (q, l) in &labels {
        for label in ["strong", "adequate", "weak"] {
            assert!(l.contains(label), "{q}: no {label} answer");
        }
    }
    let mut seen: HashSet<String> = HashSet::new();
    for other in earlier {
        let (other, _) = eval::load(other).unwrap_or_else(|e| panic!("{e}"));
        seen.extend(other.into_iter().map(|a| a.question));
    }
    let new: Vec<&String> = labels.keys().filter(|q| !seen.contains(*q)).collect();
    assert!(new.len() <= 2, "{new:?} are in no earlier set");
}

fn runs_through_the_coach(set: Set) {
    // No threshold on purpose: only that every answer gets a 1 to 5 score and
    // every answer and turn a reply (`run` panics on a missing score).
    let f = eval::run(set);
    assert_eq!(f.set, set);
    let typed: usize = f.by_type.iter().map(|(_, n, _)| n).sum();
    assert_eq!(
        typed,
        f.answers.len(),
        "every answer counted under its type"
    );
    for a in &f.answers {
        assert!((1..=5).contains(&a.score), "{}: score {}", a.id, a.score);
        assert!(!a.reply.trim().is_empty(), "{}: no reply", a.id);
        assert!(
            !a.note.trim().is_empty(),
            "{}: the label's note is lost",
            a.id
        );
    }
    for t in &f.turns {
        assert!(!t.reply.trim().is_empty(), "{}: no reply", t.id);
    }
}
