//! The offline coach against the labelled evaluation set in `tests/coaching/`
//! (issue 13): scores agree with an interviewer's labels, follow-ups never ask
//! for what an answer already covers, and turns that are not answers get the
//! reply a good interviewer gives, never thanks and never a score. Those targets
//! are asserted on the tuning set. The held-out set is only checked for what must
//! hold whatever the scorer (it parses, names bank questions, is big enough, runs
//! through the coach); its figures are reported by `scripts/coaching-eval`, never
//! asserted, so that nobody tunes the scorer to them.

#[path = "coaching/eval.rs"]
mod eval;

use std::collections::{BTreeSet, HashSet};

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

#[test]
fn the_held_out_set_is_well_formed_and_big_enough() {
    let (answers, turns) = eval::load(Set::Heldout).unwrap_or_else(|e| panic!("{e}"));
    let (tuning_answers, tuning_turns) = eval::load(Set::Tuning).unwrap_or_else(|e| panic!("{e}"));
    let tuning_ids: HashSet<&str> = tuning_answers
        .iter()
        .map(|a| a.id.as_str())
        .chain(tuning_turns.iter().map(|t| t.id.as_str()))
        .collect();
    let mut ids = HashSet::new();
    let mut questions = BTreeSet::new();
    let mut types = BTreeSet::new();
    for a in &answers {
        assert!(ids.insert(a.id.as_str()), "{}: id used twice", a.id);
        assert!(
            !tuning_ids.contains(a.id.as_str()),
            "{}: id also in the tuning set",
            a.id
        );
        let q = bank::by_id(&a.question)
            .unwrap_or_else(|| panic!("{}: {:?} is not a bank question", a.id, a.question));
        questions.insert(q.id.as_str());
        types.insert(q.interview_type.as_str());
        assert!(
            ["strong", "adequate", "weak"].contains(&a.label.as_str()),
            "{}: label {:?}",
            a.id,
            a.label
        );
        for c in &a.covers {
            assert!(Probe::from_name(c).is_some(), "{}: unknown probe {c}", a.id);
        }
        assert!(!a.note.trim().is_empty(), "{}: no note saying why", a.id);
        assert!(!a.text.trim().is_empty(), "{}: no text", a.id);
    }
    for t in &turns {
        assert!(ids.insert(t.id.as_str()), "{}: id used twice", t.id);
        assert!(
            !tuning_ids.contains(t.id.as_str()),
            "{}: id also in the tuning set",
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
    assert!(answers.len() >= 60, "{} held-out answers", answers.len());
    assert!(
        questions.len() >= 15,
        "{} held-out questions",
        questions.len()
    );
    assert!(turns.len() >= 20, "{} held-out turns", turns.len());
    for t in ["behavioral", "technical", "system-design", "hr"] {
        assert!(types.contains(t), "no held-out answer of type {t}");
    }
}

#[test]
fn the_held_out_set_runs_through_the_coach() {
    // No threshold on purpose: only that every answer gets a 1 to 5 score and
    // every answer and turn a reply (`run` panics on a missing score).
    let f = eval::run(Set::Heldout);
    assert_eq!(f.set, Set::Heldout);
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
