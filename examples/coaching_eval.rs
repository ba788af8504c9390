//! Prints the coaching evaluation's figures as markdown (for COACHING.md, written
//! by `scripts/coaching-eval`): the set's size, rank agreement with the labels,
//! strong-above-weak per question, follow-ups and non-answer turns.
//! Add `--details` to list every answer's score and reply.

#[path = "../tests/coaching/eval.rs"]
mod eval;

fn main() {
    let details = std::env::args().any(|a| a == "--details");
    let f = eval::run();
    let count = |label: &str| f.answers.iter().filter(|a| a.label == label).count();
    let mean = |label: &str| {
        let s: Vec<f64> = f
            .answers
            .iter()
            .filter(|a| a.label == label)
            .map(|a| f64::from(a.score))
            .collect();
        s.iter().sum::<f64>() / s.len().max(1) as f64
    };
    let ordered = f.questions - f.order_failures.len();
    let right = f.turns.iter().filter(|t| t.right_kind).count();
    let praised = f.turns.iter().filter(|t| t.praised).count();
    let scored = f.turns.iter().filter(|t| t.scored_as_answer).count();
    println!("| figure | value | target |");
    println!("|---|---|---|");
    println!(
        "| answers (strong / adequate / weak) | {} ({} / {} / {}) over {} questions | ≥ 60 over ≥ 15 |",
        f.answers.len(),
        count("strong"),
        count("adequate"),
        count("weak"),
        f.questions
    );
    println!(
        "| non-answer, meta and injection turns | {} | ≥ 20 |",
        f.turns.len()
    );
    println!(
        "| Spearman rank agreement, scores vs labels | {:.3} | ≥ 0.8 |",
        f.spearman
    );
    println!(
        "| mean score: strong / adequate / weak | {:.2} / {:.2} / {:.2} | strong > adequate > weak |",
        mean("strong"),
        mean("adequate"),
        mean("weak")
    );
    println!(
        "| questions where every strong answer outscores every weak one | {ordered} of {} | all |",
        f.questions
    );
    println!(
        "| follow-ups asking for a probe the answer covers | {} of {} follow-ups | 0 |",
        f.covered_asked.len(),
        f.follow_ups_checked
    );
    println!(
        "| answers with no follow-up (judged complete or moved on) | {} of {} | |",
        f.answers.len() - f.follow_ups_checked,
        f.answers.len()
    );
    println!(
        "| turns given the right kind of reply | {right} of {} | all |",
        f.turns.len()
    );
    println!("| turns thanked or praised | {praised} | 0 |");
    println!("| turns scored as answers | {scored} | 0 |");
    for failure in f.order_failures.iter().chain(&f.covered_asked) {
        println!("\n- {failure}");
    }
    if details {
        println!();
        for a in &f.answers {
            println!(
                "{:<40} {:<8} {}  follow-up: {}",
                a.id,
                a.label,
                a.score,
                a.follow_up.map_or("-", |p| p.name())
            );
        }
        for t in &f.turns {
            println!(
                "{:<40} {:<16} right {} praised {} scored {}  {}",
                t.id, t.kind, t.right_kind, t.praised, t.scored_as_answer, t.reply
            );
        }
    }
}
