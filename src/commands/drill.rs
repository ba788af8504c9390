//! `drill`: one question, the user's answer (typed on a terminal or piped on
//! stdin), immediate feedback on it, then try again with the before and after side
//! by side. Weak spots that are due come first. The service stores the drill and
//! keeps the schedule; this module reads answers and prints.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::agent::drill as coach;
use crate::agent::{AgentError, Backend};
use crate::cli::DrillArgs;
use crate::config::Settings;
use crate::domain::drill::{DrillFeedback, INTERVALS_DAYS, ReviewItem, ReviewKind};
use crate::sanitize::{for_terminal, for_terminal_line};
use crate::service::backend::{self, Keys};
use crate::service::drill::{DrillError, DrillSession};
use crate::timefmt::{date_time, rfc3339};

/// Most attempts at one drill (the first and four tries again).
const MAX_ATTEMPTS: usize = 5;

/// The line that ends an answer.
const END_MARK: &str = ".";

/// `interviewer drill [--type T] [--competency C] [--json]`.
pub fn run(settings: Settings, args: &DrillArgs) -> Result<ExitCode> {
    let service = super::open(settings)?;
    let plan = service.plan_drill(
        args.interview_type.map(Into::into),
        args.competency.as_deref(),
    )?;
    let backend = drill_backend(&service.settings)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    // With --json, stdout carries only the JSON: everything else goes to stderr.
    let mut say: Box<dyn Write> = if args.json {
        Box::new(std::io::stderr())
    } else {
        Box::new(std::io::stdout())
    };
    let now = service.now_ms();
    write!(
        say,
        "{}",
        header(&plan.review, plan.due, plan.next_due, now)
    )?;
    let q = &plan.question;
    let mut what = q.kind.label().to_string();
    if let Some(c) = &q.competency {
        what.push_str(&format!(", working on {c}"));
    }
    writeln!(
        say,
        "Drill ({what})\n\n  {}\n",
        for_terminal_line(&q.question)
    )?;
    writeln!(
        say,
        "Your answer (end it with a line holding only '{END_MARK}', or Ctrl+D):"
    )?;
    say.flush()?;

    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut session = DrillSession::new(plan);
    while session.attempts.len() < MAX_ATTEMPTS {
        let answer = read_answer(&mut input)?;
        if answer.trim().is_empty() {
            if session.attempts.is_empty() {
                bail!(
                    "no answer was given: type your answer, then a line holding only '{END_MARK}' (or pipe it on stdin)"
                );
            }
            break;
        }
        let judged = runtime.block_on(service.drill_attempt(&mut session, &answer, &backend));
        let feedback = match judged {
            Ok(f) => f,
            Err(DrillError::Agent(e)) => bail!(
                "{e} (your answer is kept in conversation {}; run again, or pass --offline for heuristic feedback)",
                session.conversation_id.unwrap_or_default()
            ),
            Err(e) => return Err(e.into()),
        };
        let n = session.attempts.len();
        writeln!(say, "\nFeedback on attempt {n}\n")?;
        write!(
            say,
            "{}",
            indent(&for_terminal(&coach::render_feedback(&feedback)))
        )?;
        if let (Some(first), true) = (session.attempts.first(), n > 1) {
            writeln!(say)?;
            write!(
                say,
                "{}",
                for_terminal(&coach::render_compare(first, &feedback))
            )?;
        }
        if n == 1 {
            writeln!(
                say,
                "\n{}",
                schedule_line(session.schedule.as_ref(), &feedback)
            )?;
        }
        if n < MAX_ATTEMPTS {
            writeln!(
                say,
                "\nTry again: type a better answer (end with a line holding only '{END_MARK}'), or just '{END_MARK}' or Ctrl+D to finish."
            )?;
        }
        say.flush()?;
    }
    let id = session.conversation_id.unwrap_or_default();
    if args.json {
        let value = to_json(&session, id);
        let text = crate::sanitize::json_pretty(&value)?;
        return super::emit(format!("{text}\n").as_bytes());
    }
    writeln!(
        say,
        "\nKept as conversation {id} (`interviewer show {id}`); `interviewer stats` shows your progress."
    )?;
    say.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The backend that judges: the model when a key is set, the heuristics with
/// `--offline` or no key (said on stderr).
fn drill_backend(settings: &Settings) -> Result<Backend> {
    let backend = match backend::backend(settings, &Keys::platform()) {
        Ok(b) => b,
        Err(AgentError::NoKey) => {
            eprintln!(
                "no API key, so the feedback comes from the heuristic scorer; set OPENAI_API_KEY \
                 or run `interviewer key set` for a model's feedback"
            );
            Backend::Offline
        }
        Err(e) => bail!("{e}"),
    };
    Ok(backend)
}

/// Why this question: the weak spot it reviews, or that none is due.
fn header(review: &Option<ReviewItem>, due: usize, next_due: Option<i64>, now: i64) -> String {
    match review {
        Some(item) => {
            let what = match item.kind {
                ReviewKind::Question => "a question you answered poorly".to_string(),
                ReviewKind::Competency => format!("your {} (scored low)", item.subject),
            };
            let more = if due > 1 {
                format!("; {} more due after this one", due - 1)
            } else {
                String::new()
            };
            format!(
                "Weak spot due since {}: {what}{more}.\n",
                date_time(item.due_at.min(now))
            )
        }
        None => match next_due {
            Some(at) => format!(
                "No weak spot is due now (the next is due {}).\n",
                date_time(at)
            ),
            None => String::new(),
        },
    }
}

/// What the first attempt did to the schedule.
fn schedule_line(item: Option<&ReviewItem>, feedback: &DrillFeedback) -> String {
    match item {
        Some(i) if i.done => {
            "Schedule: well answered at every step, so this weak spot is retired.".to_string()
        }
        Some(i) => format!(
            "Schedule: this comes back on {} (wait {} of {}: {}); a good answer (4 or 5) then moves it on, a poor one starts it again.",
            date_time(i.due_at),
            usize::from(i.step) + 1,
            INTERVALS_DAYS.len(),
            match INTERVALS_DAYS[usize::from(i.step).min(INTERVALS_DAYS.len() - 1)] {
                1 => "1 day".to_string(),
                n => format!("{n} days"),
            }
        ),
        None => format!(
            "Schedule: at {}/5 this is not a weak spot, so nothing is scheduled.",
            feedback.review_score()
        ),
    }
}

/// Reads one answer: lines up to one holding only the end mark, or the end of
/// input.
fn read_answer(input: &mut impl BufRead) -> Result<String> {
    let mut answer = String::new();
    let mut line = String::new();
    loop {
        line.clear();
        if input
            .read_line(&mut line)
            .context("cannot read the answer from stdin")?
            == 0
        {
            break;
        }
        if line.trim() == END_MARK {
            break;
        }
        answer.push_str(&line);
    }
    Ok(answer.trim_end().to_string())
}

fn indent(text: &str) -> String {
    text.lines().map(|l| format!("  {l}\n")).collect()
}

/// The drill as `--json` prints it.
fn to_json(session: &DrillSession, conversation_id: i64) -> serde_json::Value {
    let before_after = match (session.attempts.first(), session.attempts.last()) {
        (Some(before), Some(after)) if session.attempts.len() > 1 => json!({
            "before": {"score": before.score, "covered": before.covered, "missing": before.missing},
            "after": {"score": after.score, "covered": after.covered, "missing": after.missing},
            "score_change": i16::from(after.score) - i16::from(before.score),
        }),
        _ => serde_json::Value::Null,
    };
    let schedule = session.schedule.as_ref().map(|i| {
        json!({
            "id": i.id,
            "kind": i.kind.as_str(),
            "subject": i.subject,
            "step": i.step,
            "due_at": rfc3339(i.due_at),
            "done": i.done,
        })
    });
    json!({
        "conversation_id": conversation_id,
        "question": session.plan.question,
        "review": session.plan.review.as_ref().map(|i| json!({
            "id": i.id,
            "kind": i.kind.as_str(),
            "subject": i.subject,
            "step": i.step,
            "due_at": rfc3339(i.due_at),
        })),
        "attempts": session.attempts,
        "before_after": before_after,
        "schedule": schedule,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_end_at_a_dot_line_or_the_end_of_input() {
        let mut input = std::io::Cursor::new("First line\n\nsecond paragraph\n.\nRetry\n .\n");
        assert_eq!(
            read_answer(&mut input).expect("read"),
            "First line\n\nsecond paragraph"
        );
        assert_eq!(read_answer(&mut input).expect("read"), "Retry");
        assert_eq!(read_answer(&mut input).expect("read"), "");
        let mut unterminated = std::io::Cursor::new("no end mark");
        assert_eq!(read_answer(&mut unterminated).expect("read"), "no end mark");
    }
}
