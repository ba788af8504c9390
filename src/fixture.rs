//! The benchmark fixture: a realistic database of N conversations × M messages
//! (hidden command `generate-fixture`; default 10,000 × 100 = 1,000,000 messages).
//! A development tool beside the service: it opens its own store on an empty data
//! directory and is used by nothing else at run time.
//!
//! The text is interview-like — interviewer questions and candidate answers built from
//! templates and word lists, with a skewed choice of words (common ones often, rare
//! ones rarely) and made-up project names, so full-text search sees a realistic
//! vocabulary. Lengths vary as in real sessions: short questions, answers from a line
//! to a few paragraphs, now and then a very long one. Conversations are spread over the
//! two years before now; about 8% are archived and a quarter have a feedback report.
//! The content is deterministic (a fixed seed); only the time stamps follow the clock.
//!
//! This module makes up the text; the rows go through the store's bulk loader
//! ([`Store::bulk_load`]: one transaction, prepared statements, no rollback journal
//! beyond what a new file needs and no fsync until the end; with [`FtsLoad::Rebuild`]
//! the full-text insert triggers are dropped during the load and the indexes rebuilt
//! once at the end). It names no SQL.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::domain::{InterviewSetup, InterviewType, Role, Status};
use crate::store::{BulkConversation, BulkLoader, BulkMessage, FtsLoad, Store, StoreError};
use crate::timefmt::now_ms;

/// Seed of the default fixture.
pub const DEFAULT_SEED: u64 = 0x1A7E_2B1E_F00D;

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct FixtureSpec {
    pub conversations: usize,
    pub messages: usize,
    pub seed: u64,
    pub fts: FtsLoad,
}

impl FixtureSpec {
    pub fn new(conversations: usize, messages: usize) -> FixtureSpec {
        FixtureSpec {
            conversations,
            messages,
            seed: DEFAULT_SEED,
            fts: FtsLoad::Rebuild,
        }
    }
}

/// What was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixtureSummary {
    pub conversations: usize,
    pub messages: usize,
    pub archived: usize,
    pub reports: usize,
    /// Bytes of message text.
    pub text_bytes: usize,
    /// Size of the database file afterwards.
    pub file_bytes: u64,
    pub elapsed: Duration,
}

/// Why a fixture could not be written.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(
        "{path} already holds {count} conversations; generate-fixture writes only into an empty data directory (pass --data-dir)"
    )]
    NotEmpty {
        path: std::path::PathBuf,
        count: i64,
    },
}

/// The database file a fixture is written to in `data_dir`.
pub fn database_path(data_dir: &Path) -> std::path::PathBuf {
    data_dir.join(crate::store::DB_FILE)
}

/// Writes the fixture into `data_dir` (whose database must have no conversations).
pub fn generate(data_dir: &Path, spec: &FixtureSpec) -> Result<FixtureSummary, FixtureError> {
    let started = Instant::now();
    let store = Store::open_in(data_dir)?;
    let count = store.count_conversations(false)? + store.count_conversations(true)?;
    if count > 0 {
        return Err(FixtureError::NotEmpty {
            path: store.path().to_path_buf(),
            count,
        });
    }
    let mut summary = store.bulk_load(spec.fts, |loader| load(loader, spec))?;
    drop(store);
    summary.file_bytes = std::fs::metadata(database_path(data_dir))
        .map(|m| m.len())
        .unwrap_or(0);
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn load(loader: &mut BulkLoader<'_>, spec: &FixtureSpec) -> Result<FixtureSummary, StoreError> {
    let mut summary = FixtureSummary {
        conversations: spec.conversations,
        messages: 0,
        archived: 0,
        reports: 0,
        text_bytes: 0,
        file_bytes: 0,
        elapsed: Duration::ZERO,
    };
    {
        let mut rng = Rng::new(spec.seed);
        let now = now_ms();
        let two_years = 730 * 24 * 3600 * 1000_i64;
        let mut content = String::with_capacity(16 * 1024);
        for c in 0..spec.conversations {
            let id = c as i64 + 1;
            let setup = interview_setup(&mut rng);
            let title = conversation_title(&mut rng, &setup);
            let start = now - two_years + rng.below(two_years as u64 - 86_400_000) as i64;
            let archived = rng.chance(8);
            let mut t = start;
            let mut context_tokens = 0_i64;
            // Messages first, so the conversation row can carry the last time stamp;
            // ids are assigned here to keep the foreign key valid.
            loader.conversation(&BulkConversation {
                id,
                uid: &uuid::Uuid::from_u64_pair(rng.next(), rng.next()).to_string(),
                title: &title,
                persona: "career-interviewer",
                created_at: start,
                setup: &setup,
                archived,
            })?;
            for m in 0..spec.messages {
                content.clear();
                let user = m % 2 == 0;
                let last = m + 1 == spec.messages;
                if user {
                    t += 20_000 + rng.below(280_000) as i64;
                    if m == 0 {
                        opening(&mut rng, &setup, &mut content);
                    } else {
                        answer(&mut rng, &mut content);
                    }
                } else {
                    t += 2_000 + rng.below(15_000) as i64;
                    question(&mut rng, &setup, m == 1, &mut content);
                }
                // The newest reply of a few conversations was cut off or failed.
                let (status, error) = if !user && last && rng.chance(2) {
                    (
                        Status::Interrupted,
                        Some("the connection dropped in the middle of the reply"),
                    )
                } else if !user && last && rng.chance(1) {
                    content.clear();
                    (
                        Status::Error,
                        Some("the server had a problem (503); try again in a moment"),
                    )
                } else {
                    (Status::Complete, None)
                };
                let tokens = (content.len() / 4) as i64;
                let (prompt, completion, model) = if user {
                    (None, None, None)
                } else {
                    (
                        Some(context_tokens + 350),
                        Some(tokens),
                        Some("gpt-4o-mini"),
                    )
                };
                context_tokens += tokens;
                loader.message(&BulkMessage {
                    conversation_id: id,
                    role: if user { Role::User } else { Role::Assistant },
                    content: &content,
                    status,
                    created_at: t,
                    error,
                    prompt_tokens: prompt,
                    completion_tokens: completion,
                    model,
                    reasoning: None,
                })?;
                summary.messages += 1;
                summary.text_bytes += content.len();
            }
            loader.set_updated_at(id, t)?;
            if spec.messages >= 4 && rng.chance(25) {
                let (kind, model) = if rng.chance(20) {
                    ("heuristic", None)
                } else {
                    ("model", Some("gpt-4o-mini"))
                };
                loader.report(id, kind, model, &report(&mut rng).to_string(), t + 30_000)?;
                summary.reports += 1;
            }
            summary.archived += usize::from(archived);
        }
    }

    Ok(summary)
}

/// SplitMix64: small, fast and good enough for made-up text; no dependency.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// True `percent`% of the time.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// Uniform pick.
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }

    /// Skewed pick: the first items come up far more often (roughly Zipf-like), as
    /// common words do in real text.
    fn skewed<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        let i = (u * u * u * items.len() as f64) as usize;
        items[i.min(items.len() - 1)]
    }
}

const ROLES: &[&str] = &[
    "backend engineer",
    "frontend developer",
    "data scientist",
    "product manager",
    "site reliability engineer",
    "engineering manager",
    "UX designer",
    "data engineer",
    "mobile developer",
    "security engineer",
    "QA engineer",
    "machine learning engineer",
    "solutions architect",
    "DevOps engineer",
    "full-stack developer",
    "business analyst",
    "technical writer",
    "customer success manager",
    "sales engineer",
    "marketing analyst",
];
const SENIORITY: &[&str] = &[
    "junior",
    "mid-level",
    "senior",
    "staff",
    "lead",
    "principal",
];
const TECH: &[&str] = &[
    "Python",
    "PostgreSQL",
    "Kubernetes",
    "React",
    "Rust",
    "Go",
    "Java",
    "TypeScript",
    "AWS",
    "Kafka",
    "Redis",
    "Terraform",
    "GraphQL",
    "Docker",
    "Spark",
    "Airflow",
    "Elasticsearch",
    "gRPC",
    "Swift",
    "Kotlin",
    "Snowflake",
    "dbt",
    "Figma",
    "Tableau",
    "Datadog",
    "Prometheus",
    "Grafana",
    "Jenkins",
    "GitHub Actions",
    "Django",
    "Rails",
    "Flask",
    "Node.js",
    "Vue",
    "Angular",
    "MongoDB",
    "Cassandra",
    "BigQuery",
    "Pandas",
    "PyTorch",
    "TensorFlow",
    "scikit-learn",
    "Looker",
    "Salesforce",
    "Jira",
    "OpenTelemetry",
    "Envoy",
    "Istio",
    "Ansible",
    "Nginx",
    "RabbitMQ",
    "SQLite",
    "ClickHouse",
    "Flink",
];
const TOPICS: &[&str] = &[
    "a production outage",
    "a missed deadline",
    "a disagreement with your manager",
    "a conflict within the team",
    "a project that failed",
    "a difficult stakeholder",
    "a decision made with incomplete data",
    "mentoring a new colleague",
    "a large migration",
    "a performance problem",
    "a security incident",
    "changing priorities",
    "a cross-team dependency",
    "technical debt",
    "a launch under pressure",
    "giving hard feedback",
    "receiving critical feedback",
    "a customer escalation",
    "learning a new technology quickly",
    "scope creep",
    "an ambiguous requirement",
    "a hiring decision",
    "a budget cut",
    "an on-call rotation",
    "a flaky test suite",
    "a data quality issue",
];
const SYSTEMS: &[&str] = &[
    "a URL shortener",
    "a news feed",
    "a chat service",
    "a rate limiter",
    "a payment system",
    "a search autocomplete",
    "a notification service",
    "a ride-sharing dispatcher",
    "a video upload pipeline",
    "a metrics platform",
    "a distributed cache",
    "a job scheduler",
    "an inventory system",
    "a collaborative document editor",
    "a recommendation service",
    "a web crawler",
];
const QUESTION_OPENERS: &[&str] = &[
    "Thanks, that's helpful.",
    "Okay, understood.",
    "Got it.",
    "That makes sense.",
    "Interesting.",
    "Thank you for the detail.",
    "Right.",
    "Let's move on.",
    "Good, let's go a bit deeper.",
    "I see.",
];
const FOLLOW_UPS: &[&str] = &[
    "What exactly was your part in that, as opposed to the team's?",
    "Why did you choose that approach over the alternatives you had?",
    "What went wrong, and what would you do differently next time?",
    "How did you measure whether it worked?",
    "What was the result, in numbers if you have them?",
    "Who disagreed with you, and how did you handle it?",
    "What trade-offs did you make, and what did they cost you?",
    "How did you keep stakeholders informed while this was going on?",
    "If you had twice the time, what would you have changed?",
    "What did you learn from it that you still use today?",
];
const SITUATIONS: &[&str] = &[
    "At my previous company we ran a platform used by about {n} customers",
    "In my last role I was on a team of {n} engineers responsible for {tech} services",
    "About two years ago our {tech} cluster started failing during peak traffic",
    "When I joined, the team was shipping once a month and releases often broke",
    "We had a contract with a large retailer that depended on {project}",
    "During my internship I was given ownership of {project}",
    "Last year our biggest customer threatened to leave because of slow reports",
    "Our on-call load had grown to {n} pages a week and people were burning out",
    "The company had just decided to move everything from {tech} to {tech2}",
    "I was leading {project}, which had already slipped twice",
];
const TASKS: &[&str] = &[
    "My job was to find the root cause and get us back to a stable state",
    "I was asked to deliver the migration without downtime",
    "The goal was to cut the response time in half before the launch",
    "I had to convince two other teams to change their plans",
    "I needed to get the project back on schedule within {n} weeks",
    "My task was to design the new pipeline and hand it over to operations",
    "I was responsible for the rollout plan and for communicating it",
    "We had to reduce our cloud costs by {pct} percent",
];
const ACTIONS: &[&str] = &[
    "I started by reading the incident history and talking to the people on call",
    "I wrote a short design document and asked for review from the senior engineers",
    "I set up dashboards in {tech} so we could see the problem as it happened",
    "I broke the work into small milestones that we could ship every week",
    "I paired with a colleague who knew {tech} much better than I did",
    "I proposed a feature flag so that we could roll back in minutes",
    "I organised a meeting with the product manager to agree on what to cut",
    "I profiled the hot path and found that most of the time went into serialisation",
    "I added integration tests around the parts that kept breaking",
    "I moved the heavy queries to a read replica and added an index",
    "I negotiated a later date for the less important features",
    "I documented the runbook so that anyone on the team could handle it",
    "I asked for feedback early instead of waiting for the final review",
    "I automated the deployment with {tech} so releases stopped depending on one person",
    "I interviewed five users to understand what they actually needed",
    "I replaced the polling loop with an event stream from {tech}",
    "I set clear owners for each open question and followed up twice a week",
    "I escalated to my manager once it was clear we needed more people",
];
const RESULTS: &[&str] = &[
    "As a result the error rate dropped by {pct} percent within a month",
    "We shipped {n} days before the deadline and the launch went smoothly",
    "Latency went from {n} milliseconds to under a hundred",
    "The customer renewed their contract for another two years",
    "We cut the monthly bill by about {pct} percent",
    "On-call pages went down to a handful a week",
    "The new process is still used by the team today",
    "It did not fully work: we fixed the symptoms but the root cause came back later",
    "Two other teams adopted the same approach afterwards",
    "Deployment time went from an hour to about {n} minutes",
];
const REFLECTIONS: &[&str] = &[
    "Looking back, I would involve the stakeholders much earlier.",
    "What I learned is to write things down before starting to build.",
    "If I did it again I would push back on the deadline sooner.",
    "It taught me to measure before optimising.",
    "I think the main lesson was about communication rather than technology.",
    "I would also spend more time on testing the rollback path.",
];
const FILLERS: &[&str] = &[
    "Um, let me think.",
    "Good question.",
    "Okay, so.",
    "Let me think about that for a second.",
    "Sure.",
];
const SYLLABLES: &[&str] = &[
    "kes", "trel", "nor", "va", "lum", "en", "ori", "on", "zep", "hyr", "cal", "dra", "mir", "tas",
    "quo", "rin", "bel", "fax", "gan", "tor", "ul", "vex", "sol", "ara",
];
const STRENGTHS: &[&str] = &[
    "clear structure in most answers",
    "good use of numbers to show impact",
    "honest about what went wrong",
    "strong ownership of decisions",
    "concise answers",
    "relevant examples for the role",
];
const IMPROVEMENTS: &[&str] = &[
    "state the result explicitly",
    "say what you did rather than what the team did",
    "shorten the context before the action",
    "explain the trade-offs you considered",
    "quantify the impact",
    "avoid filler words",
];

// ----- the text ----------------------------------------------------------------------

fn interview_setup(rng: &mut Rng) -> InterviewSetup {
    let interview_type = InterviewType::ALL[rng.below(InterviewType::ALL.len() as u64) as usize];
    InterviewSetup {
        role: Some(rng.skewed(ROLES).to_string()),
        seniority: Some(rng.pick(SENIORITY).to_string()),
        interview_type,
        questions: Some(5 + rng.below(6) as u32),
        job_description: None,
        cv: None,
        retry_weak: false,
    }
}

fn conversation_title(rng: &mut Rng, setup: &InterviewSetup) -> String {
    let role = setup.role.as_deref().unwrap_or("general");
    let seniority = setup.seniority.as_deref().unwrap_or("");
    let kind = match setup.interview_type {
        InterviewType::Behavioral => "behavioral",
        InterviewType::Technical => "technical",
        InterviewType::SystemDesign => "system design",
        InterviewType::Hr => "HR",
        InterviewType::General => "general",
    };
    if rng.chance(15) {
        format!("{} onsite prep", project_name(rng))
    } else {
        format!("{seniority} {role}, {kind} interview")
    }
}

/// A made-up project name: rare tokens, as real answers are full of them.
fn project_name(rng: &mut Rng) -> String {
    let mut name = String::new();
    for _ in 0..2 + rng.below(2) {
        name.push_str(rng.pick(SYLLABLES));
    }
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => name,
    }
}

fn opening(rng: &mut Rng, setup: &InterviewSetup, out: &mut String) {
    let role = setup.role.as_deref().unwrap_or("software engineer");
    let seniority = setup.seniority.as_deref().unwrap_or("");
    out.push_str(match rng.below(3) {
        0 => "Hi! I'd like to practise for a ",
        1 => "Hello, I have an interview next week for a ",
        _ => "I'm preparing for a ",
    });
    out.push_str(seniority);
    out.push(' ');
    out.push_str(role);
    out.push_str(" position. ");
    if rng.chance(50) {
        out.push_str("I have worked mostly with ");
        out.push_str(rng.skewed(TECH));
        out.push_str(" and ");
        out.push_str(rng.skewed(TECH));
        out.push_str(". ");
    }
    out.push_str("Can we start?");
}

fn question(rng: &mut Rng, setup: &InterviewSetup, first: bool, out: &mut String) {
    if first {
        out.push_str("Great, let's begin. I'll ask one question at a time. ");
    } else {
        out.push_str(rng.pick(QUESTION_OPENERS));
        out.push(' ');
    }
    if !first && rng.chance(40) {
        out.push_str(rng.pick(FOLLOW_UPS));
        return;
    }
    match setup.interview_type {
        InterviewType::SystemDesign => {
            out.push_str("How would you design ");
            out.push_str(rng.pick(SYSTEMS));
            out.push_str("? Start with the requirements, then walk me through the main components and how they scale.");
        }
        InterviewType::Technical => {
            out.push_str("Can you explain how you would use ");
            out.push_str(rng.skewed(TECH));
            out.push_str(" to solve ");
            out.push_str(rng.pick(TOPICS));
            out.push_str(", and what could go wrong?");
        }
        InterviewType::Hr => out.push_str(match rng.below(4) {
            0 => "Why are you interested in this role, and why now?",
            1 => "What are your salary expectations, and how did you arrive at them?",
            2 => "Where do you see yourself in three years?",
            _ => "What kind of team culture helps you do your best work?",
        }),
        InterviewType::Behavioral | InterviewType::General => {
            out.push_str("Tell me about a time you dealt with ");
            out.push_str(rng.pick(TOPICS));
            out.push_str(". What was the situation, what did you do, and how did it end?");
        }
    }
}

fn answer(rng: &mut Rng, out: &mut String) {
    if rng.chance(15) {
        out.push_str(rng.pick(FILLERS));
        out.push(' ');
    }
    // Mostly a few sentences, sometimes a short line, now and then a monologue.
    let actions = match rng.below(100) {
        0..=9 => 0,
        10..=97 => 1 + rng.below(6),
        _ => 20 + rng.below(40),
    };
    let template = rng.skewed(SITUATIONS);
    sentence(rng, template, out);
    if actions == 0 {
        return;
    }
    let template = rng.skewed(TASKS);
    sentence(rng, template, out);
    for _ in 0..actions {
        let template = rng.skewed(ACTIONS);
        sentence(rng, template, out);
    }
    let template = rng.skewed(RESULTS);
    sentence(rng, template, out);
    if rng.chance(50) {
        out.push(' ');
        out.push_str(rng.pick(REFLECTIONS));
    }
}

/// Appends a template with its slots filled, as one sentence.
fn sentence(rng: &mut Rng, template: &str, out: &mut String) {
    if !out.is_empty() && !out.ends_with(' ') {
        out.push(' ');
    }
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        match &rest[open + 1..open + close] {
            "n" => push_number(out, 2 + rng.below(500)),
            "pct" => push_number(out, 5 + rng.below(70)),
            "tech" | "tech2" => out.push_str(rng.skewed(TECH)),
            "project" => {
                out.push_str("Project ");
                let name = project_name(rng);
                out.push_str(&name);
            }
            other => out.push_str(other),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out.push('.');
}

/// A feedback report in the shape `agent::report` stores, so `stats` and the report
/// views read fixture reports like real ones.
fn report(rng: &mut Rng) -> serde_json::Value {
    use crate::domain::report::{
        COMPETENCIES, CompetencyScore, QuestionFeedback, Readiness, Report,
    };
    let competencies: Vec<CompetencyScore> = COMPETENCIES
        .iter()
        .map(|name| CompetencyScore {
            name: (*name).to_string(),
            score: 1 + rng.below(5) as u8,
            evidence: rng.pick(STRENGTHS).to_string(),
        })
        .collect();
    let overall: u32 = competencies.iter().map(|c| u32::from(c.score)).sum();
    let readiness = match overall {
        0..=12 => Readiness::NotYet,
        13..=19 => Readiness::Almost,
        _ => Readiness::Ready,
    };
    let report = Report {
        overall_summary: format!("Overall score {overall} out of 25."),
        readiness,
        competencies,
        questions: vec![QuestionFeedback {
            question: "Tell me about a project you are proud of.".to_string(),
            answer_summary: rng.pick(STRENGTHS).to_string(),
            strengths: vec![rng.pick(STRENGTHS).to_string()],
            improvements: vec![rng.pick(IMPROVEMENTS).to_string()],
            better_answer: rng.pick(IMPROVEMENTS).to_string(),
            ..Default::default()
        }],
        top_improvements: vec![
            rng.pick(IMPROVEMENTS).to_string(),
            rng.pick(IMPROVEMENTS).to_string(),
        ],
        study_plan: vec![rng.pick(IMPROVEMENTS).to_string()],
    };
    serde_json::to_value(&report).unwrap_or_default()
}

fn push_number(out: &mut String, n: u64) {
    use std::fmt::Write;
    let _ = write!(out, "{n}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic() {
        let (mut ra, mut rb) = (Rng::new(1), Rng::new(1));
        let (mut sa, mut sb) = (String::new(), String::new());
        for _ in 0..50 {
            sa.clear();
            sb.clear();
            answer(&mut ra, &mut sa);
            answer(&mut rb, &mut sb);
            assert_eq!(sa, sb);
        }
    }

    #[test]
    fn answers_vary_in_length_and_fill_every_slot() {
        let mut rng = Rng::new(11);
        let mut lengths = Vec::new();
        let mut out = String::new();
        for _ in 0..2000 {
            out.clear();
            answer(&mut rng, &mut out);
            assert!(!out.contains('{') && !out.contains('}'), "{out}");
            lengths.push(out.len());
        }
        lengths.sort_unstable();
        let median = lengths[lengths.len() / 2];
        assert!(lengths[0] < 150, "some short answers: {}", lengths[0]);
        assert!((200..1500).contains(&median), "median {median}");
        assert!(lengths[lengths.len() - 1] > 2000, "some long ones");
    }

    #[test]
    fn skewed_picks_favour_the_first_items_but_reach_the_last() {
        let mut rng = Rng::new(5);
        let mut counts = [0usize; 10];
        let items: Vec<String> = (0..10).map(|i| i.to_string()).collect();
        let refs: Vec<&str> = items.iter().map(String::as_str).collect();
        for _ in 0..10_000 {
            let i: usize = rng.skewed(&refs).parse().expect("digit");
            counts[i] += 1;
        }
        assert!(counts[0] > 3 * counts[5], "{counts:?}");
        assert!(counts[9] > 0, "{counts:?}");
    }
}
