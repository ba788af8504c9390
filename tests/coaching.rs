//! The offline coach against the labelled evaluation set in `tests/coaching/`
//! (issue 13): scores agree with an interviewer's labels, follow-ups never ask
//! for what an answer already covers, and turns that are not answers get the
//! reply a good interviewer gives, never thanks and never a score.

#[path = "coaching/eval.rs"]
mod eval;

#[test]
fn the_set_is_big_enough() {
    let f = eval::run();
    assert!(f.answers.len() >= 60, "{} answers", f.answers.len());
    assert!(f.questions >= 15, "{} questions", f.questions);
    assert!(f.turns.len() >= 20, "{} turns", f.turns.len());
}

#[test]
fn every_strong_answer_scores_above_every_weak_one() {
    let f = eval::run();
    assert!(
        f.order_failures.is_empty(),
        "{}",
        f.order_failures.join("\n")
    );
}

#[test]
fn scores_rank_like_the_labels() {
    let f = eval::run();
    assert!(f.spearman >= 0.8, "Spearman {:.3}", f.spearman);
}

#[test]
fn no_follow_up_asks_for_what_the_answer_covers() {
    let f = eval::run();
    assert!(f.follow_ups_checked > 0, "no follow-ups were asked at all");
    assert!(f.covered_asked.is_empty(), "{}", f.covered_asked.join("\n"));
}

#[test]
fn turns_that_are_not_answers_get_the_right_reply() {
    let f = eval::run();
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
