//! Prints the coaching evaluation's figures as markdown (for COACHING.md, written
//! by `scripts/coaching-eval`): the set's size, rank agreement with the labels,
//! strong-above-weak per question, follow-ups and non-answer turns.
//! `--set tuning` (the default), `--set heldout`, `--set heldout2` … `--set heldout7` picks the
//! set; `--gap` prints instead the comparison of all the sets; `--details` also lists
//! every answer's score and reply; `--explain ID` how one answer was judged;
//! `--features` the parts of every answer's score, for `scripts/coaching-fit`;
//! `--manifest-dir` prints the checkout it was
//! built from.

#[path = "../tests/coaching/eval.rs"]
mod eval;

use eval::{Figures, Set};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--manifest-dir") {
        // Lets scripts/coaching-eval check which checkout this binary was built from.
        println!("{}", env!("CARGO_MANIFEST_DIR"));
        return;
    }
    if args.iter().any(|a| a == "--features") {
        features();
        return;
    }
    if let Some(prefix) = args
        .iter()
        .position(|a| a == "--explain")
        .and_then(|i| args.get(i + 1))
    {
        explain(prefix);
        return;
    }
    let details = args.iter().any(|a| a == "--details");
    let set = match args
        .iter()
        .position(|a| a == "--set")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
    {
        None | Some("tuning") => Set::Tuning,
        Some("heldout") => Set::Heldout,
        Some("heldout2") => Set::Heldout2,
        Some("heldout3") => Set::Heldout3,
        Some("heldout4") => Set::Heldout4,
        Some("heldout5") => Set::Heldout5,
        Some("heldout6") => Set::Heldout6,
        Some("heldout7") => Set::Heldout7,
        Some(other) => {
            eprintln!(
                "Unknown set {other:?}: use --set tuning or --set heldout, heldout2 … heldout7."
            );
            std::process::exit(2);
        }
    };
    if args.iter().any(|a| a == "--gap") {
        gap(
            &eval::run(Set::Tuning),
            &[
                ("held-out set", &eval::run(Set::Heldout)),
                ("held-out set 2", &eval::run(Set::Heldout2)),
                ("held-out set 3", &eval::run(Set::Heldout3)),
                ("held-out set 4", &eval::run(Set::Heldout4)),
                ("held-out set 5", &eval::run(Set::Heldout5)),
                ("held-out set 6", &eval::run(Set::Heldout6)),
                ("held-out set 7", &eval::run(Set::Heldout7)),
            ],
        );
        return;
    }
    let f = eval::run(set);
    table(&f);
    if details {
        println!();
        for a in &f.answers {
            println!(
                "{:<44} {:<8} {}  follow-up: {}  ({})",
                a.id,
                a.label,
                a.score,
                a.follow_up.map_or("-", |p| p.name()),
                a.note
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

/// Prints how the coach judged every answer whose id starts with `prefix`, in
/// the sets the scorer has been developed on (the tuning set, held-out sets 2
/// to 6; never the first held-out set, which stays unread): the checklist points with the
/// words that covered them, the probes found, the score and the next step.
fn explain(prefix: &str) {
    use interviewer::agent::{assess, bank};
    for set in [
        Set::Tuning,
        Set::Heldout2,
        Set::Heldout3,
        Set::Heldout4,
        Set::Heldout5,
        Set::Heldout6,
    ] {
        let (answers, _) = eval::load(set).unwrap_or_else(|e| panic!("{e}"));
        for a in answers.iter().filter(|a| a.id.starts_with(prefix)) {
            let q = bank::by_id(&a.question).expect("a bank question");
            let j = assess::assess(Some(q), q.interview_type, &q.question, &a.text, &[]);
            println!("== {} ({}) score {}: {}", a.id, a.label, j.score, a.note);
            println!("{}", a.text.trim());
            for p in &j.points {
                println!("  [{}] {}", p.quote.as_deref().unwrap_or(" "), p.point);
            }
            let probes: Vec<String> = j
                .coverage
                .probes()
                .map(|p| format!("{}={:?}", p.name(), j.coverage.quote(p).unwrap_or("")))
                .collect();
            println!("  probes: {}", probes.join(", "));
            println!(
                "  words {} quantities {:?} off_topic {} asks_about {:?} wrong {}",
                j.signals.words,
                j.signals.quantities,
                j.off_topic,
                j.asks_about,
                j.wrong.len()
            );
            println!("  next: {}\n", j.next_step);
        }
    }
}

/// Prints, as tab-separated lines, the parts of every answer's score in the
/// tuning set and held-out sets 2 to 6 (never the first held-out set), with its
/// set, label, ceiling and the answer's vector (`embed::embed`): what
/// `scripts/coaching-fit` fits the weights of `assess::ScoreParts` and the
/// direction of `embed::meaning` to.
fn features() {
    use interviewer::agent::{assess, bank, embed};
    println!(
        "set\tid\ttype\tlabel\tceiling\tscore\tshare\tdepth\tvague\tfigures\tfillers\twe_heavy\tcliches\tred_flags\t{}",
        (0..embed::DIMS)
            .map(|i| format!("e{i}"))
            .collect::<Vec<_>>()
            .join("\t")
    );
    for (name, set) in [
        ("tuning", Set::Tuning),
        ("heldout2", Set::Heldout2),
        ("heldout3", Set::Heldout3),
        ("heldout4", Set::Heldout4),
        ("heldout5", Set::Heldout5),
        ("heldout6", Set::Heldout6),
    ] {
        let (answers, _) = eval::load(set).unwrap_or_else(|e| panic!("{e}"));
        for a in &answers {
            let q = bank::by_id(&a.question).expect("a bank question");
            let j = assess::assess(Some(q), q.interview_type, &q.question, &a.text, &[]);
            let p = j.parts;
            println!(
                "{name}\t{}\t{}\t{}\t{}\t{}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{:.4}\t{}\t{:.4}\t{:.4}\t{}",
                a.id,
                q.interview_type.as_str(),
                a.label,
                j.ceiling,
                j.score,
                p.share,
                p.depth,
                p.vague,
                p.figures,
                p.fillers,
                u8::from(p.we_heavy),
                p.cliches,
                p.red_flags,
                embed::embed(&a.text)
                    .iter()
                    .map(|v| format!("{v:.5}"))
                    .collect::<Vec<_>>()
                    .join("\t")
            );
        }
    }
}

fn count(f: &Figures, label: &str) -> usize {
    f.answers.iter().filter(|a| a.label == label).count()
}

fn mean(f: &Figures, label: &str) -> f64 {
    let s: Vec<f64> = f
        .answers
        .iter()
        .filter(|a| a.label == label)
        .map(|a| f64::from(a.score))
        .collect();
    s.iter().sum::<f64>() / s.len().max(1) as f64
}

fn right_turns(f: &Figures) -> usize {
    f.turns.iter().filter(|t| t.right_kind).count()
}

fn table(f: &Figures) {
    // The targets are asserted on the tuning set only; on the held-out sets they
    // are shown for comparison and never asserted.
    let target = match f.set {
        Set::Tuning => "target",
        Set::Heldout
        | Set::Heldout2
        | Set::Heldout3
        | Set::Heldout4
        | Set::Heldout5
        | Set::Heldout6
        | Set::Heldout7 => "tuning-set target (not asserted here)",
    };
    let ordered = f.questions - f.order_failures.len();
    let praised = f.turns.iter().filter(|t| t.praised).count();
    let scored = f.turns.iter().filter(|t| t.scored_as_answer).count();
    println!("| figure | value | {target} |");
    println!("|---|---|---|");
    println!(
        "| answers (strong / adequate / weak) | {} ({} / {} / {}) over {} questions | ≥ 60 over ≥ 15 |",
        f.answers.len(),
        count(f, "strong"),
        count(f, "adequate"),
        count(f, "weak"),
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
    let by_type: Vec<String> = f
        .by_type
        .iter()
        .map(|(t, n, r)| format!("{} {r:.2} ({n})", t.as_str()))
        .collect();
    println!(
        "| Spearman by interview type (answers) | {} | |",
        by_type.join(", ")
    );
    println!(
        "| mean score: strong / adequate / weak | {:.2} / {:.2} / {:.2} | strong > adequate > weak |",
        mean(f, "strong"),
        mean(f, "adequate"),
        mean(f, "weak")
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
        "| turns given the right kind of reply | {} of {} | all |",
        right_turns(f),
        f.turns.len()
    );
    println!("| turns thanked or praised | {praised} | 0 |");
    println!("| turns scored as answers | {scored} | 0 |");
    let wrong_turns = f
        .turns
        .iter()
        .filter(|t| !t.right_kind || t.praised || t.scored_as_answer);
    let misses: Vec<String> = f
        .order_failures
        .iter()
        .cloned()
        .chain(f.covered_asked.iter().cloned())
        .chain(wrong_turns.map(|t| format!("{} ({}): {}", t.id, t.kind, t.reply)))
        .collect();
    if !misses.is_empty() {
        println!();
        for miss in misses {
            println!("- {miss}");
        }
    }
}

/// The held-out sets' figures beside the tuning set's, and the answers the coach
/// misjudges most on each held-out set (a strong answer scored 1 or 2, a weak one
/// scored 4 or 5).
fn gap(tuning: &Figures, heldout: &[(&str, &Figures)]) {
    let mut columns: Vec<(&str, &Figures)> = vec![("tuning set", tuning)];
    columns.extend_from_slice(heldout);
    let row = |name: &str, cell: &dyn Fn(&Figures) -> String| {
        let cells: Vec<String> = columns.iter().map(|(_, f)| cell(f)).collect();
        println!("| {name} | {} |", cells.join(" | "));
    };
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    println!("| figure | {} |", names.join(" | "));
    println!("|---|{}", "---|".repeat(columns.len()));
    row("Spearman rank agreement", &|f| format!("{:.3}", f.spearman));
    row("Spearman, 95% bootstrap interval over answers", &|f| {
        let (lo, hi) = interval(f);
        format!("{lo:.2} to {hi:.2}")
    });
    for label in ["strong", "adequate", "weak"] {
        row(&format!("mean score of {label} answers"), &|f| {
            format!("{:.2}", mean(f, label))
        });
    }
    row("questions with every strong above every weak", &|f| {
        format!(
            "{} of {}",
            f.questions - f.order_failures.len(),
            f.questions
        )
    });
    row("follow-ups asking for a covered probe", &|f| {
        format!("{} of {}", f.covered_asked.len(), f.follow_ups_checked)
    });
    row("turns given the right kind of reply", &|f| {
        format!("{} of {}", right_turns(f), f.turns.len())
    });
    second_rater(heldout);
    // The first held-out set's answers stay unread: no list of its misses.
    for (name, f) in heldout.iter().filter(|(_, f)| f.set != Set::Heldout) {
        let far: Vec<String> = f
            .answers
            .iter()
            .filter(|a| {
                (a.label == "strong" && a.score <= 2) || (a.label == "weak" && a.score >= 4)
            })
            .map(|a| format!("`{}` ({})", a.id, a.score))
            .collect();
        println!();
        if far.is_empty() {
            println!("No answer of the {name} is two or more bands from its label.");
        } else {
            println!(
                "Answers of the {name} scored furthest from their label (strong scored 1 or 2, weak scored 4 or 5): {}.",
                far.join(", ")
            );
        }
    }
}

/// How far a second interviewer, labelling held-out set 5 blind, agrees with its
/// labels, beside how far the coach agrees with each: the ceiling a scorer can
/// be expected to reach.
fn second_rater(heldout: &[(&str, &Figures)]) {
    #[derive(serde::Deserialize)]
    struct Labels {
        label: Vec<Label>,
    }
    #[derive(serde::Deserialize)]
    struct Label {
        id: String,
        label: String,
    }
    let Some((_, f)) = heldout.iter().find(|(_, f)| f.set == Set::Heldout5) else {
        return;
    };
    let second: Labels =
        toml::from_str(include_str!("../tests/coaching/heldout5_second_rater.toml"))
            .unwrap_or_else(|e| panic!("heldout5_second_rater.toml: {e}"));
    let rank = |l: &str| match l {
        "strong" => 2.0,
        "adequate" => 1.0,
        _ => 0.0,
    };
    let (mut first, mut other, mut coach) = (Vec::new(), Vec::new(), Vec::new());
    for a in &f.answers {
        let l = second
            .label
            .iter()
            .find(|l| l.id == a.id)
            .unwrap_or_else(|| panic!("{}: no second label", a.id));
        first.push(rank(&a.label));
        other.push(rank(&l.label));
        coach.push(f64::from(a.score));
    }
    let same = first.iter().zip(&other).filter(|(a, b)| a == b).count();
    println!();
    println!(
        "A second interviewer labelled held-out set 5 blind ({} answers): Spearman {:.3} with the first labels ({same} of {} the same label); the coach's scores agree {:.3} with the first labels and {:.3} with the second.",
        first.len(),
        eval::spearman(&first, &other),
        first.len(),
        eval::spearman(&coach, &first),
        eval::spearman(&coach, &other)
    );
}

/// A 95% percentile bootstrap interval for the Spearman correlation, resampling
/// answers with replacement (2,000 resamples, a fixed seed so the figures are
/// reproducible). It shows how much the figure could move with another set of
/// the same size.
fn interval(f: &Figures) -> (f64, f64) {
    let label = |l: &str| match l {
        "strong" => 2.0,
        "adequate" => 1.0,
        _ => 0.0,
    };
    let pairs: Vec<(f64, f64)> = f
        .answers
        .iter()
        .map(|a| (f64::from(a.score), label(&a.label)))
        .collect();
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let n = pairs.len();
    let mut rs: Vec<f64> = (0..2000)
        .map(|_| {
            let (x, y): (Vec<f64>, Vec<f64>) =
                (0..n).map(|_| pairs[(next() % n as u64) as usize]).unzip();
            eval::spearman(&x, &y)
        })
        .collect();
    rs.sort_by(f64::total_cmp);
    (rs[rs.len() * 25 / 1000], rs[rs.len() * 975 / 1000 - 1])
}
