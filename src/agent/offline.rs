//! Offline practice: the built-in question bank plays the interviewer, with no key
//! and no network.
//!
//! The engine keeps no state of its own: every turn it re-reads the conversation's
//! history, recognises its own earlier turns (bank questions by their text, its
//! fixed phrases for follow-ups, the wrap-up and the close) and decides the next
//! step. Question choice is seeded from the setup and the candidate's first
//! message, so the same conversation always gets the same questions.

use super::bank::{self, BankQuestion, Seniority};
use super::heuristics::{self, AnswerSignals};
use super::{ChatRequest, ChatTurn};
use crate::store::{InterviewSetup, InterviewType, Role};

/// Main questions when the setup does not say.
pub const DEFAULT_QUESTIONS: u32 = 5;

/// Marks the turn that invites the candidate's own questions.
const INVITE_MARK: &str = "That was my last question.";
/// Marks the closing turn.
const CLOSE_MARK: &str = "That's the end of the interview.";
/// Marks every turn after the close.
const FINISHED_MARK: &str = "This practice interview has finished.";
/// Marks a hint.
const HINT_MARK: &str = "Hint: a strong answer here";

/// Follow-ups the engine asks when an answer shows a weakness; recognised in the
/// history by their exact text.
const FOLLOW_UP_EXAMPLE: &str = "Could you make that concrete? Pick one specific time it happened and walk me through what you did, step by step.";
const FOLLOW_UP_DEEPER: &str = "Could you go a level deeper? Walk me through how you would actually do it, step by step, and what you would check along the way.";
const FOLLOW_UP_OWNERSHIP: &str =
    "You said \"we\" a lot there. What did you personally do, as opposed to the team?";
const FOLLOW_UP_RESULT: &str =
    "What changed afterwards because of it? Can you put a number on the result?";
const FOLLOW_UP_REASONING: &str =
    "Why that approach over the alternatives? What would make you choose differently?";
const FOLLOW_UP_FOCUS: &str = "That covered a lot of ground. If you had thirty seconds, what is the one point you would want me to remember?";

const GENERIC_FOLLOW_UPS: &[&str] = &[
    FOLLOW_UP_EXAMPLE,
    FOLLOW_UP_DEEPER,
    FOLLOW_UP_OWNERSHIP,
    FOLLOW_UP_RESULT,
    FOLLOW_UP_REASONING,
    FOLLOW_UP_FOCUS,
];

/// Where to get the feedback report; said at the close.
const REPORT_HOW: &str = "For your feedback report, press the report key in the interface, or run `interviewer report ID` with this conversation's ID from `interviewer list`.";

/// What the candidate asked the engine to do instead of answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Skip,
    Hint,
    End,
}

/// Recognises `/skip`, `skip`, `/hint`, `hint`, `/end` and close variants.
pub fn command(message: &str) -> Option<Command> {
    let m = message
        .trim()
        .trim_end_matches(['.', '!', '?'])
        .trim()
        .to_lowercase();
    match m.as_str() {
        "/skip" | "skip" | "/next" | "skip please" | "skip this one" | "pass" => {
            Some(Command::Skip)
        }
        "/hint" | "hint" | "hint please" | "a hint" | "can i have a hint" | "give me a hint" => {
            Some(Command::Hint)
        }
        "/end"
        | "/finish"
        | "/done"
        | "end the interview"
        | "finish the interview"
        | "let's finish"
        | "lets finish" => Some(Command::End),
        _ => None,
    }
}

/// The interviewer's next turn for this conversation, with no network.
pub fn next_turn(request: &ChatRequest) -> String {
    let setup = &request.setup;
    let plan = plan(setup, &seed(request));
    let position = replay(&request.history);
    let last = request
        .history
        .last()
        .filter(|t| t.role == Role::User)
        .map(|t| t.content.as_str())
        .unwrap_or("");
    let cmd = command(last);
    let total = plan.len();

    match position.phase {
        Phase::Closed => {
            format!("{FINISHED_MARK} {REPORT_HOW} Start a new conversation for another round.")
        }
        Phase::CandidateQuestions => close(last),
        Phase::NotStarted => match plan.first() {
            None => format!("I have no questions in my bank for this setup. {REPORT_HOW}"),
            Some(first) if position.foreign_turns => format!(
                "Let's continue with questions from the offline question bank (no live model is answering now). Question 1 of {total}: {}",
                first.question
            ),
            Some(first) => greeting(setup, total, first),
        },
        Phase::Questions => {
            let Some(current) = position.asked.last().copied() else {
                return greeting_or_empty(setup, &plan);
            };
            match cmd {
                Some(Command::Hint) => hint(current),
                Some(Command::End) => invite("Of course, let's stop the questions there."),
                Some(Command::Skip) => {
                    next_or_invite(&plan, &position, "No problem, let's move on.")
                }
                None if position.follow_ups == 0 => {
                    let answer = answers_since_question(&request.history, current);
                    let signals = heuristics::analyse(&answer, current.interview_type);
                    follow_up(current, &signals, &seed(request))
                }
                None => {
                    let acks = [
                        "Thank you.",
                        "Thanks, that's helpful.",
                        "Understood, thank you.",
                        "Okay, thanks.",
                    ];
                    let ack = acks[position.asked.len() % acks.len()];
                    next_or_invite(&plan, &position, ack)
                }
            }
        }
    }
}

fn greeting_or_empty(setup: &InterviewSetup, plan: &[&'static BankQuestion]) -> String {
    match plan.first() {
        Some(first) => greeting(setup, plan.len(), first),
        None => format!("I have no questions in my bank for this setup. {REPORT_HOW}"),
    }
}

fn greeting(setup: &InterviewSetup, total: usize, first: &BankQuestion) -> String {
    let role = setup
        .role
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let level = setup
        .seniority
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    let target = match (role, level) {
        (Some(r), Some(l)) => format!(" for the {r} role ({l})"),
        (Some(r), None) => format!(" for the {r} role"),
        (None, Some(l)) => format!(" at {l} level"),
        (None, None) => String::new(),
    };
    let kind = match setup.interview_type {
        InterviewType::Behavioral => "behavioural",
        InterviewType::Technical => "technical",
        InterviewType::SystemDesign => "system design",
        InterviewType::Hr => "HR screening",
        InterviewType::General => "career conversation",
    };
    let plural = if total == 1 { "question" } else { "questions" };
    format!(
        "Hello, and welcome to your practice interview{target}. This is offline practice: \
         the questions come from interviewer's built-in question bank, not a live model, so \
         my follow-ups are picked by simple checks on your answers rather than by understanding them.\n\n\
         The plan: {total} {kind} {plural}, one at a time, with a follow-up where it helps, then \
         time for your questions. No scores during the interview; you get a feedback report at the end. \
         Type /hint to hear what a good answer covers, or /skip to move on.\n\n\
         Question 1 of {total}: {}",
        first.question
    )
}

fn hint(current: &BankQuestion) -> String {
    format!(
        "{HINT_MARK} covers this: {}\n\nTake your time, and answer when you are ready.",
        current.good_answer
    )
}

fn invite(prefix: &str) -> String {
    format!(
        "{prefix} {INVITE_MARK} Do you have any questions for me about the role, the team or the way we work?"
    )
}

fn next_or_invite(plan: &[&'static BankQuestion], position: &Position, ack: &str) -> String {
    let asked = |q: &BankQuestion| position.asked.iter().any(|a| a.id == q.id);
    let done = position
        .asked
        .iter()
        .filter(|a| plan.iter().any(|p| p.id == a.id))
        .count();
    match plan.iter().find(|q| !asked(q)) {
        Some(next) if done < plan.len() => {
            format!(
                "{ack} Question {} of {}: {}",
                done + 1,
                plan.len(),
                next.question
            )
        }
        _ => invite(ack),
    }
}

fn close(last_message: &str) -> String {
    let answer = if last_message.contains('?') {
        "That's a good question to bring to the real interview; offline, I can't answer for a real company, so note it down. "
    } else {
        ""
    };
    format!(
        "{answer}{CLOSE_MARK} Thank you for your time. {REPORT_HOW} Offline, the report is heuristic: it measures the length, structure, numbers and filler words of each answer and shows what a good answer to each question contains."
    )
}

/// The follow-up for an answer: the engine's own when the answer shows a weakness
/// the signals can see, otherwise one of the question's follow-ups from the bank.
fn follow_up(current: &BankQuestion, signals: &AnswerSignals, seed: &str) -> String {
    if let Some(generic) = weakness_follow_up(current.interview_type, signals) {
        return generic.to_string();
    }
    let i =
        (hash(&format!("{seed}/{}", current.id)) % current.follow_ups.len().max(1) as u64) as usize;
    current
        .follow_ups
        .get(i)
        .cloned()
        .unwrap_or_else(|| FOLLOW_UP_EXAMPLE.to_string())
}

/// The follow-up a weakness calls for, most serious first.
pub fn weakness_follow_up(kind: InterviewType, s: &AnswerSignals) -> Option<&'static str> {
    let technical = matches!(kind, InterviewType::Technical | InterviewType::SystemDesign);
    if s.too_short {
        return Some(if technical {
            FOLLOW_UP_DEEPER
        } else {
            FOLLOW_UP_EXAMPLE
        });
    }
    if s.we_heavy() && kind != InterviewType::SystemDesign {
        return Some(FOLLOW_UP_OWNERSHIP);
    }
    match kind {
        InterviewType::Behavioral if !s.quantified() => return Some(FOLLOW_UP_RESULT),
        InterviewType::General if !s.quantified() && !s.star.result => {
            return Some(FOLLOW_UP_RESULT);
        }
        InterviewType::Technical | InterviewType::SystemDesign if !s.reasons() => {
            return Some(FOLLOW_UP_REASONING);
        }
        _ => {}
    }
    s.rambling.then_some(FOLLOW_UP_FOCUS)
}

// ----- recovering the position from the history -----------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    NotStarted,
    Questions,
    CandidateQuestions,
    Closed,
}

#[derive(Debug)]
struct Position {
    phase: Phase,
    /// Main questions asked so far, in order.
    asked: Vec<&'static BankQuestion>,
    /// Follow-ups asked since the current main question.
    follow_ups: usize,
    /// Interviewer turns the engine did not write (the conversation began online).
    foreign_turns: bool,
}

fn replay(history: &[ChatTurn]) -> Position {
    let mut p = Position {
        phase: Phase::NotStarted,
        asked: Vec::new(),
        follow_ups: 0,
        foreign_turns: false,
    };
    for turn in history.iter().filter(|t| t.role == Role::Assistant) {
        let text = turn.content.as_str();
        if text.contains(CLOSE_MARK) || text.contains(FINISHED_MARK) {
            p.phase = Phase::Closed;
        } else if text.contains(INVITE_MARK) {
            p.phase = Phase::CandidateQuestions;
        } else if text.contains(HINT_MARK) {
            // A hint changes nothing.
        } else if let Some(q) = bank::find_in(text) {
            if !p.asked.iter().any(|a| a.id == q.id) {
                p.asked.push(q);
                p.follow_ups = 0;
            }
            p.phase = Phase::Questions;
        } else if is_follow_up(p.asked.last().copied(), text) {
            p.follow_ups += 1;
        } else {
            p.foreign_turns = true;
        }
    }
    p
}

fn is_follow_up(current: Option<&BankQuestion>, text: &str) -> bool {
    GENERIC_FOLLOW_UPS.iter().any(|f| text.contains(f))
        || current.is_some_and(|q| q.follow_ups.iter().any(|f| text.contains(f.as_str())))
}

/// The candidate's answers to `question` so far (commands left out), joined.
fn answers_since_question(history: &[ChatTurn], question: &BankQuestion) -> String {
    let start = history
        .iter()
        .rposition(|t| t.role == Role::Assistant && t.content.contains(question.question.as_str()))
        .map_or(0, |i| i + 1);
    history[start..]
        .iter()
        .filter(|t| t.role == Role::User && command(&t.content).is_none())
        .map(|t| t.content.as_str())
        .collect::<Vec<_>>()
        .join("\n\n")
}

// ----- the transcript, question by question ---------------------------------------

/// One interviewer question and the candidate's answers to it (follow-ups included).
#[derive(Debug, Clone, PartialEq)]
pub struct AskedQuestion {
    /// The question as asked.
    pub question: String,
    /// The bank entry when the question came from the bank.
    pub bank: Option<&'static BankQuestion>,
    pub answers: Vec<String>,
    pub skipped: bool,
}

impl AskedQuestion {
    pub fn answer_text(&self) -> String {
        self.answers.join("\n\n")
    }
}

/// Splits a conversation into questions and the answers given to them: a bank
/// question and its follow-ups form one item; in a conversation with a model each
/// interviewer turn that asks something opens an item. Questions never answered
/// are left out.
pub fn outline(history: &[ChatTurn]) -> Vec<AskedQuestion> {
    let mut items: Vec<AskedQuestion> = Vec::new();
    let mut open = false;
    for turn in history {
        match turn.role {
            Role::System => {}
            Role::Assistant => {
                let text = turn.content.as_str();
                if text.contains(CLOSE_MARK)
                    || text.contains(FINISHED_MARK)
                    || text.contains(INVITE_MARK)
                    || invites_candidate_questions(text)
                {
                    open = false;
                } else if text.contains(HINT_MARK) {
                } else if let Some(q) = bank::find_in(text) {
                    if !items.iter().any(|i| i.bank.is_some_and(|b| b.id == q.id)) {
                        items.push(AskedQuestion {
                            question: q.question.clone(),
                            bank: Some(q),
                            answers: Vec::new(),
                            skipped: false,
                        });
                    }
                    open = true;
                } else if open
                    && is_follow_up(items.last().and_then(|i| i.bank), text)
                    && items.last().is_some_and(|i| i.bank.is_some())
                {
                } else if let Some(question) = question_in(text) {
                    items.push(AskedQuestion {
                        question,
                        bank: None,
                        answers: Vec::new(),
                        skipped: false,
                    });
                    open = true;
                }
            }
            Role::User => {
                if !open {
                    continue;
                }
                let Some(item) = items.last_mut() else {
                    continue;
                };
                match command(&turn.content) {
                    Some(Command::Skip) => {
                        item.skipped = true;
                        open = false;
                    }
                    Some(_) => {}
                    None => item.answers.push(turn.content.clone()),
                }
            }
        }
    }
    items.retain(|i| !i.answers.is_empty() || i.skipped);
    items
}

/// Whether a model's turn hands over to the candidate's own questions, whose
/// replies are not answers to assess. Only the turn's own question counts, and only
/// when it asks now: an agenda that promises "time for any questions for me at the
/// end" before asking the first question is not the close.
fn invites_candidate_questions(text: &str) -> bool {
    let Some(asked) = question_in(text) else {
        return false;
    };
    let lower = asked.to_lowercase();
    let invites = [
        "questions for me",
        "questions for us",
        "questions do you have",
        "questions you have for",
        "anything you'd like to ask",
        "anything you would like to ask",
        "anything you want to ask",
        "anything you'd like to know",
        "anything you would like to know",
    ]
    .iter()
    .any(|p| lower.contains(p));
    let later = [
        "at the end",
        "end of the interview",
        "later",
        "afterwards",
        "when we finish",
        "once we",
    ]
    .iter()
    .any(|p| lower.contains(p));
    invites && !later
}

/// The question a model's turn asks: its last sentence ending in `?`, together with
/// questions right before it ("What is a product you admire? Why?"); for a turn
/// with no question mark ("Tell me about a project."), its last sentence.
fn question_in(text: &str) -> Option<String> {
    let text = text.trim();
    let end = match text.rfind('?') {
        Some(end) => end,
        None => text.len().checked_sub(1)?,
    };
    let stops: &[char] = if text.contains('?') {
        &['.', '!', '\n', ':']
    } else {
        &['.', '!', '?', '\n', ':']
    };
    let mut start = text[..end].rfind(stops).map_or(0, |i| i + 1);
    // A turn ending "…on the team." keeps its final sentence, not an empty tail.
    if text[start..=end].trim().len() < 2 {
        start = text[..start.saturating_sub(1)]
            .rfind(stops)
            .map_or(0, |i| i + 1);
    }
    let q = text
        .get(start..=end)?
        .trim()
        .trim_start_matches(['*', '-', ' ']);
    let q = q.trim_end_matches('*').trim();
    (!q.is_empty()).then(|| q.to_string())
}

// ----- choosing the questions ----------------------------------------------------

/// What seeds the question choice: the setup and the candidate's first message.
fn seed(request: &ChatRequest) -> String {
    let s = &request.setup;
    let first = request
        .history
        .iter()
        .find(|t| t.role == Role::User)
        .map_or("", |t| t.content.as_str());
    format!(
        "{}|{}|{}|{:?}|{}|{}",
        s.interview_type.as_str(),
        s.role.as_deref().unwrap_or(""),
        s.seniority.as_deref().unwrap_or(""),
        s.questions,
        s.job_description.as_deref().map_or(0, str::len),
        first
    )
}

/// FNV-1a: a stable hash (unlike `DefaultHasher`, the same across builds).
fn hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The main questions for this setup, in the order they will be asked: questions
/// of the interview type, those for the candidate's role family and level first,
/// ties broken by the seed.
pub fn plan_for(setup: &InterviewSetup, seed_text: &str) -> Vec<&'static BankQuestion> {
    plan(setup, seed_text)
}

fn plan(setup: &InterviewSetup, seed: &str) -> Vec<&'static BankQuestion> {
    let wanted = setup.questions.unwrap_or(DEFAULT_QUESTIONS).clamp(1, 30) as usize;
    let families = setup
        .role
        .as_deref()
        .map(bank::role_families)
        .unwrap_or_default();
    let band = setup.seniority.as_deref().and_then(bank::seniority_band);
    let context = format!(
        "{} {}",
        setup.role.as_deref().unwrap_or(""),
        setup.job_description.as_deref().unwrap_or("")
    )
    .to_lowercase();

    let mut scored: Vec<(i32, u64, &'static BankQuestion)> = bank::all()
        .iter()
        .filter(|q| q.interview_type == setup.interview_type)
        .map(|q| {
            let any = q.roles.iter().any(|r| r == "any");
            let fits = q.roles.iter().any(|r| families.contains(&r.as_str()));
            let role_score = match (families.is_empty(), fits, any) {
                (true, _, true) => 2,
                (true, _, false) => -3,
                (false, true, _) => 3,
                (false, false, true) => 1,
                (false, false, false) => -5,
            };
            let level_score = match (band, q.seniority) {
                (_, Seniority::Any) => 1,
                (Some(b), s) if b == s => 2,
                (None, Seniority::Mid) => 1,
                (None, _) => 0,
                (Some(_), _) => -2,
            };
            let tag_score = q
                .tags
                .iter()
                .filter(|t| t.len() > 3 && context.contains(&t.replace('-', " ")))
                .count()
                .min(2) as i32;
            let tie = hash(&format!("{seed}/{}", q.id));
            (role_score + level_score + tag_score, tie, q)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<&'static BankQuestion> =
        scored.into_iter().take(wanted).map(|(_, _, q)| q).collect();
    // A general conversation opens with the candidate's story when the bank has one.
    if setup.interview_type == InterviewType::General
        && let Some(opener) = bank::by_id("gen-tell-me-about-yourself")
    {
        chosen.retain(|q| q.id != opener.id);
        chosen.insert(0, opener);
        chosen.truncate(wanted);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup(kind: InterviewType, role: &str, level: &str, n: u32) -> InterviewSetup {
        InterviewSetup {
            role: Some(role.into()),
            seniority: Some(level.into()),
            interview_type: kind,
            questions: Some(n),
            job_description: None,
            cv: None,
        }
    }

    /// A conversation driven through the engine: each user message gets its turn.
    struct Session {
        request: ChatRequest,
    }

    impl Session {
        fn new(setup: InterviewSetup) -> Session {
            Session {
                request: ChatRequest {
                    model: "offline".into(),
                    system_prompt: String::new(),
                    history: Vec::new(),
                    setup,
                },
            }
        }

        fn say(&mut self, text: &str) -> String {
            self.request.history.push(ChatTurn {
                role: Role::User,
                content: text.into(),
            });
            let reply = next_turn(&self.request);
            self.request.history.push(ChatTurn {
                role: Role::Assistant,
                content: reply.clone(),
            });
            reply
        }
    }

    const GOOD: &str = "At my last company I led the migration of our billing service. My goal \
        was to cut invoice errors before the annual renewal cycle. I analysed a month of failed \
        invoices, found that 70% came from one currency-rounding bug, and I wrote a fix with \
        property tests, then I rolled it out behind a flag. As a result, invoice errors dropped \
        from 2% to 0.1% and support tickets about billing fell by 40 tickets a week. I learned \
        to look at the data before guessing.";

    #[test]
    fn an_interview_runs_from_greeting_to_close() {
        let mut s = Session::new(setup(
            InterviewType::Behavioral,
            "Backend engineer",
            "senior",
            2,
        ));
        let plan = plan(
            &s.request.setup,
            &seed(&{
                let mut r = s.request.clone();
                r.history.push(ChatTurn {
                    role: Role::User,
                    content: "Hello".into(),
                });
                r
            }),
        );
        assert_eq!(plan.len(), 2);

        let hello = s.say("Hello");
        assert!(hello.contains("offline practice"), "{hello}");
        assert!(hello.contains("2 behavioural questions"), "{hello}");
        assert!(hello.contains("Backend engineer"), "{hello}");
        assert!(hello.contains(&plan[0].question), "{hello}");

        // A short, collective answer gets the concrete-example follow-up.
        let follow = s.say("We fixed it together as a team.");
        assert_eq!(follow, FOLLOW_UP_EXAMPLE);

        let next = s.say(GOOD);
        assert!(next.contains("Question 2 of 2"), "{next}");
        assert!(next.contains(&plan[1].question), "{next}");

        // A strong answer gets one of the bank's own follow-ups.
        let bank_follow = s.say(GOOD);
        assert!(plan[1].follow_ups.contains(&bank_follow), "{bank_follow}");

        let invite = s.say(GOOD);
        assert!(invite.contains(INVITE_MARK), "{invite}");
        assert!(invite.contains("questions for me"), "{invite}");

        let close = s.say("What does a typical week look like for the team?");
        assert!(close.contains(CLOSE_MARK), "{close}");
        assert!(close.contains("interviewer report"), "{close}");

        let after = s.say("Thanks!");
        assert!(after.contains(FINISHED_MARK), "{after}");
    }

    #[test]
    fn the_same_conversation_gets_the_same_turns() {
        let run = || {
            let mut s = Session::new(setup(InterviewType::Technical, "Data analyst", "junior", 3));
            (s.say("Hi there"), s.say("I would check the logs."))
        };
        assert_eq!(run(), run());
    }

    #[test]
    fn skip_moves_to_the_next_question_without_a_follow_up() {
        let mut s = Session::new(setup(InterviewType::Hr, "Designer", "mid", 2));
        s.say("Hello");
        let next = s.say("/skip");
        assert!(next.starts_with("No problem, let's move on."), "{next}");
        assert!(next.contains("Question 2 of 2"), "{next}");
        let invite = s.say("skip");
        assert!(invite.contains(INVITE_MARK), "{invite}");
    }

    #[test]
    fn hint_gives_the_notes_and_keeps_the_question() {
        let mut s = Session::new(setup(
            InterviewType::SystemDesign,
            "Backend engineer",
            "",
            2,
        ));
        let hello = s.say("Hello");
        let q = bank::find_in(&hello).expect("a bank question");
        let hint = s.say("/hint");
        assert!(hint.contains(HINT_MARK), "{hint}");
        assert!(hint.contains(&q.good_answer), "{hint}");
        // The answer after a hint still gets its follow-up, not the next question.
        let follow = s.say("I'd use a cache.");
        assert_eq!(follow, FOLLOW_UP_DEEPER);
    }

    #[test]
    fn end_jumps_to_the_candidates_questions() {
        let mut s = Session::new(setup(InterviewType::General, "", "", 5));
        let hello = s.say("Hello");
        assert!(hello.contains("Tell me about yourself"), "{hello}");
        let invite = s.say("/end");
        assert!(invite.contains(INVITE_MARK), "{invite}");
        let close = s.say("No, thank you.");
        assert!(close.starts_with(CLOSE_MARK), "{close}");
    }

    #[test]
    fn weaknesses_pick_their_follow_ups() {
        let we = "So we had this project where we needed to migrate our database. We looked at a \
            few options and we decided to go with Postgres. We planned it over a couple of sprints \
            and we did the migration on a weekend. Our team was really happy with how it went and \
            we had no major issues at all.";
        let s = heuristics::analyse(we, InterviewType::Behavioral);
        assert_eq!(
            weakness_follow_up(InterviewType::Behavioral, &s),
            Some(FOLLOW_UP_OWNERSHIP)
        );
        let no_number = "At my last job I was asked to speed up our reporting. I talked to the \
            analysts, found the slowest queries, and I rewrote them with better indexes and a \
            nightly summary table. The reports got a lot faster and people were happier with \
            them, and I learned a lot about query planning along the way.";
        let s = heuristics::analyse(no_number, InterviewType::Behavioral);
        assert_eq!(
            weakness_follow_up(InterviewType::Behavioral, &s),
            Some(FOLLOW_UP_RESULT)
        );
        let no_reason = "I would put a load balancer in front of several application servers, \
            store the data in a relational database with a read replica, put a cache in front of \
            the database for hot keys, and serve static files from a CDN. Then I would add \
            monitoring and alerts on latency and errors.";
        let s = heuristics::analyse(no_reason, InterviewType::SystemDesign);
        assert_eq!(
            weakness_follow_up(InterviewType::SystemDesign, &s),
            Some(FOLLOW_UP_REASONING)
        );
        let s = heuristics::analyse(GOOD, InterviewType::Behavioral);
        assert_eq!(weakness_follow_up(InterviewType::Behavioral, &s), None);
    }

    #[test]
    fn the_plan_fits_the_role_and_level() {
        let s = setup(
            InterviewType::Behavioral,
            "Engineering manager",
            "senior",
            5,
        );
        let plan = plan(&s, "x");
        assert_eq!(plan.len(), 5);
        assert!(
            plan.iter()
                .all(|q| q.interview_type == InterviewType::Behavioral)
        );
        assert!(
            plan.iter()
                .any(|q| q.roles.iter().any(|r| r == "management")),
            "{:?}",
            plan.iter().map(|q| &q.id).collect::<Vec<_>>()
        );
        assert!(plan.iter().all(|q| q.seniority != Seniority::Junior));
        assert!(plan.iter().all(|q| !q.roles.iter().all(|r| r == "sales")));

        let data = setup(InterviewType::Technical, "Data scientist", "", 4);
        let plan = plan_for(&data, "y");
        assert!(plan.iter().all(|q| q.roles.iter().any(|r| r == "data")));
        // Different seeds vary the choice among equally good questions.
        let other = plan_for(&data, "z");
        assert_eq!(other.len(), 4);
    }

    #[test]
    fn a_conversation_begun_online_continues_from_the_bank() {
        let mut s = Session::new(setup(InterviewType::Behavioral, "", "", 2));
        s.request.history.push(ChatTurn {
            role: Role::User,
            content: "Hi".into(),
        });
        s.request.history.push(ChatTurn {
            role: Role::Assistant,
            content: "Welcome! Tell me about your last role?".into(),
        });
        let reply = s.say("I was a support engineer.");
        assert!(reply.contains("offline question bank"), "{reply}");
        assert!(reply.contains("Question 1 of 2"), "{reply}");
    }

    #[test]
    fn the_outline_pairs_questions_with_answers() {
        let mut s = Session::new(setup(InterviewType::Behavioral, "", "", 2));
        s.say("Hello");
        s.say("/hint");
        s.say("Short answer.");
        s.say("A longer answer with more detail.");
        s.say("/skip");
        s.say("No questions.");
        let items = outline(&s.request.history);
        assert_eq!(items.len(), 2, "{items:#?}");
        assert_eq!(
            items[0].answers,
            ["Short answer.", "A longer answer with more detail."]
        );
        assert!(items[0].bank.is_some());
        assert!(items[1].skipped && items[1].answers.is_empty());
    }

    #[test]
    fn model_turns_are_outlined_by_their_questions() {
        let turns = [
            (Role::User, "Hi, I'm preparing for a PM interview."),
            (
                Role::Assistant,
                "Great. Let's start. **Why do you want this role?**",
            ),
            (Role::User, "Because I love products."),
            (
                Role::Assistant,
                "Thanks. What is a product you admire? Why?",
            ),
            (Role::User, "Notion, for its flexibility."),
            (
                Role::Assistant,
                "Thanks. Now tell me about a launch you led.",
            ),
            (Role::User, "The mobile app in 2024."),
            (
                Role::Assistant,
                "Thank you. Do you have any questions for me?",
            ),
            (Role::User, "What is the team like?"),
        ];
        let history: Vec<ChatTurn> = turns
            .iter()
            .map(|(role, content)| ChatTurn {
                role: *role,
                content: (*content).into(),
            })
            .collect();
        let items = outline(&history);
        assert_eq!(items.len(), 3, "{items:#?}");
        assert_eq!(items[2].question, "Now tell me about a launch you led.");
        assert_eq!(items[0].question, "Why do you want this role?");
        assert_eq!(items[1].question, "What is a product you admire? Why?");
        assert_eq!(items[1].answers, ["Notion, for its flexibility."]);
    }

    fn history_of(turns: &[(Role, &str)]) -> Vec<ChatTurn> {
        turns
            .iter()
            .map(|(role, content)| ChatTurn {
                role: *role,
                content: (*content).into(),
            })
            .collect()
    }

    #[test]
    fn an_agenda_promising_questions_at_the_end_is_not_the_close() {
        let history = history_of(&[
            (Role::User, "Hello, I'm ready."),
            (
                Role::Assistant,
                "Welcome! We'll go through four questions, and I'll leave time for any \
                 questions for me at the end. To start: tell me about a time you missed a deadline.",
            ),
            (Role::User, "In 2023 I shipped a release two weeks late."),
            (Role::Assistant, "Thanks. What changed afterwards?"),
            (
                Role::User,
                "I rebuilt the plan; the next three releases were on time.",
            ),
            (
                Role::Assistant,
                "Thank you, that was my last question. What questions do you have for me?",
            ),
            (Role::User, "What is the team like?"),
        ]);
        let items = outline(&history);
        assert_eq!(items.len(), 2, "{items:#?}");
        assert_eq!(
            items[0].answers,
            ["In 2023 I shipped a release two weeks late."]
        );
        assert!(
            items
                .iter()
                .all(|i| i.answers.iter().all(|a| !a.contains("team like")))
        );

        for (turn, invites) in [
            ("Do you have any questions for me?", true),
            (
                "That was all from me. Is there anything you'd like to ask?",
                true,
            ),
            ("Before we finish, do you have any questions for us?", true),
            (
                "There will be time for questions for me at the end. Why this role?",
                false,
            ),
            (
                "Hi! I'll leave time for any questions for me at the end of the interview.",
                false,
            ),
            (
                "Which questions would you ask the stakeholders first?",
                false,
            ),
        ] {
            assert_eq!(invites_candidate_questions(turn), invites, "{turn}");
        }
    }

    #[test]
    fn commands_are_recognised_loosely_but_not_inside_answers() {
        assert_eq!(command(" /Skip "), Some(Command::Skip));
        assert_eq!(command("hint?"), Some(Command::Hint));
        assert_eq!(command("/end"), Some(Command::End));
        assert_eq!(command("I would skip the cache"), None);
    }
}
