//! Probes: the things a follow-up asks for (a result, the candidate's own role, the
//! reasoning, the trade-offs…) and the detectors that tell whether an answer
//! already covers each, with the words that show it.
//!
//! The offline interviewer never asks for a probe the answer covers, and the
//! heuristic report quotes the words that covered each point. Detectors lean
//! towards "covered": asking for something already said is the worse mistake.

use serde::{Deserialize, Serialize};

use super::heuristics::{self, AnswerSignals};
use crate::domain::InterviewType;

/// What a follow-up probes, or what part of a good answer a checklist point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Probe {
    Situation,
    OwnRole,
    Action,
    Result,
    Numbers,
    Reasoning,
    Tradeoffs,
    Stakeholders,
    Lesson,
    Example,
    Scale,
    FailureModes,
    Correctness,
    Requirements,
}

impl Probe {
    pub const ALL: [Probe; 14] = [
        Probe::Situation,
        Probe::OwnRole,
        Probe::Action,
        Probe::Result,
        Probe::Numbers,
        Probe::Reasoning,
        Probe::Tradeoffs,
        Probe::Stakeholders,
        Probe::Lesson,
        Probe::Example,
        Probe::Scale,
        Probe::FailureModes,
        Probe::Correctness,
        Probe::Requirements,
    ];

    /// The name used in the bank and the evaluation set, e.g. `own_role`.
    pub fn name(self) -> &'static str {
        match self {
            Probe::Situation => "situation",
            Probe::OwnRole => "own_role",
            Probe::Action => "action",
            Probe::Result => "result",
            Probe::Numbers => "numbers",
            Probe::Reasoning => "reasoning",
            Probe::Tradeoffs => "tradeoffs",
            Probe::Stakeholders => "stakeholders",
            Probe::Lesson => "lesson",
            Probe::Example => "example",
            Probe::Scale => "scale",
            Probe::FailureModes => "failure_modes",
            Probe::Correctness => "correctness",
            Probe::Requirements => "requirements",
        }
    }

    pub fn from_name(name: &str) -> Option<Probe> {
        Probe::ALL.into_iter().find(|p| p.name() == name.trim())
    }

    /// The probes that matter most for an interview type, most important first:
    /// the order in which missing ones are followed up.
    pub fn priorities(kind: InterviewType) -> &'static [Probe] {
        match kind {
            InterviewType::Behavioral => &[
                Probe::OwnRole,
                Probe::Result,
                Probe::Numbers,
                Probe::Action,
                Probe::Situation,
                Probe::Lesson,
                Probe::Stakeholders,
                Probe::Reasoning,
            ],
            InterviewType::Technical => &[
                Probe::Reasoning,
                Probe::Tradeoffs,
                Probe::Correctness,
                Probe::Example,
                Probe::FailureModes,
                Probe::Scale,
            ],
            InterviewType::SystemDesign => &[
                Probe::Requirements,
                Probe::Scale,
                Probe::Action,
                Probe::Tradeoffs,
                Probe::FailureModes,
                Probe::Correctness,
            ],
            InterviewType::Hr => &[Probe::Example, Probe::Reasoning],
            InterviewType::General => &[
                Probe::Example,
                Probe::Result,
                Probe::Reasoning,
                Probe::Lesson,
            ],
        }
    }
}

/// One answer prepared for matching: lower-case words with their place in the
/// original text, so a match can be quoted as the candidate wrote it.
pub struct Text<'a> {
    original: &'a str,
    words: Vec<(String, usize, usize)>,
}

impl<'a> Text<'a> {
    pub fn new(original: &'a str) -> Text<'a> {
        let mut words = Vec::new();
        let mut start = None;
        let is_word = |c: char| c.is_alphanumeric() || matches!(c, '\'' | '’' | '-' | '%' | '$');
        for (i, c) in original.char_indices() {
            match (is_word(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    words.push(word_at(original, s, i));
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            words.push(word_at(original, s, original.len()));
        }
        words.retain(|(w, _, _)| !w.is_empty());
        Text { original, words }
    }

    pub fn word_count(&self) -> usize {
        self.words.len()
    }

    /// Where `cue` occurs: (first word, one past the last), in order. Words are
    /// matched whole, or as a prefix when the cue's word ends with `*`.
    fn matches<'s>(&'s self, cue: &'s str) -> impl Iterator<Item = (usize, usize)> + 's {
        let parts: Vec<&str> = cue.split_whitespace().collect();
        let n = parts.len();
        let last = if n == 0 {
            0
        } else {
            (self.words.len() + 1).saturating_sub(n)
        };
        (0..last)
            .filter(move |&i| {
                parts.iter().enumerate().all(|(k, p)| {
                    let word = &self.words[i + k].0;
                    match p.strip_suffix('*') {
                        Some(prefix) => word.starts_with(prefix),
                        None => word == p,
                    }
                })
            })
            .map(move |i| (i, i + n))
    }

    /// Finds `cue`: words separated by spaces, each matched whole, or as a prefix
    /// when it ends with `*` ("reduc*" matches "reduced"). Returns the matched
    /// words as written, with a little context either side.
    pub fn find(&self, cue: &str) -> Option<String> {
        self.matches(cue).next().map(|(i, end)| self.quote(i, end))
    }

    /// Finds `cue` (as [`Text::find`]) where it is stated, not denied: a match
    /// with a negation in the four words before it ("not", "never", "isn't", "a
    /// myth that"…) or a dismissal just after it ("… is a myth", "… is false")
    /// does not count.
    pub fn find_affirmed(&self, cue: &str) -> Option<String> {
        let denies = |w: &str| DENIALS.contains(&w) || w.ends_with("n't");
        self.matches(cue)
            .find(|&(i, end)| {
                let before = &self.words[i.saturating_sub(4)..i];
                let after = &self.words[end..(end + 3).min(self.words.len())];
                !before.iter().any(|(w, _, _)| denies(w))
                    && !after
                        .iter()
                        .any(|(w, _, _)| DISMISSALS.contains(&w.as_str()))
            })
            .map(|(i, end)| self.quote(i, end))
    }

    /// Finds `cue` (as [`Text::find`]) where it is not dismissed: "you don't need
    /// staging or rollbacks", "no need for tests", "skip the tests", "feature
    /// flags are overkill" show the candidate rejecting the practice, not
    /// covering it. Plain negations are left alone, since good answers often
    /// make their point with one ("never charge twice", "no data loss").
    pub fn find_kept(&self, cue: &str) -> Option<String> {
        let negated = |w: &str| matches!(w, "no" | "not" | "never") || w.ends_with("n't");
        self.matches(cue)
            .find(|&(i, end)| {
                let before: Vec<&str> = self.words[i.saturating_sub(4)..i]
                    .iter()
                    .map(|(w, _, _)| w.as_str())
                    .collect();
                let after: Vec<&str> = self.words[end..(end + 3).min(self.words.len())]
                    .iter()
                    .map(|(w, _, _)| w.as_str())
                    .collect();
                let need_denied = before
                    .windows(2)
                    .any(|w| negated(w[0]) && matches!(w[1], "need" | "needed" | "bother"));
                let skipped = before
                    .iter()
                    .any(|w| matches!(*w, "skip" | "skipping" | "skipped" | "ditch" | "drop"));
                let waved_off = after
                    .iter()
                    .any(|w| matches!(*w, "overkill" | "unnecessary" | "pointless" | "optional"));
                !(need_denied || skipped || waved_off)
            })
            .map(|(i, end)| self.quote(i, end))
    }

    /// The first of `cues` found, quoted.
    pub fn find_any(&self, cues: &[&str]) -> Option<String> {
        cues.iter().find_map(|c| self.find(c))
    }

    /// Words `from..to` quoted with one word of context either side, within
    /// their sentence ("I owned the", not "deploy. I owned the").
    fn quote(&self, from: usize, to: usize) -> String {
        // A full stop (or alike) then a space between two words; "3.5" is one.
        let ends_sentence =
            |gap: &str| gap.contains(['.', '!', '?', ';']) && gap.contains(char::is_whitespace);
        let a = match from.checked_sub(1) {
            Some(a) if !ends_sentence(&self.original[self.words[a].2..self.words[from].1]) => a,
            _ => from,
        };
        let b = match self.words.get(to) {
            Some(next) if !ends_sentence(&self.original[self.words[to - 1].2..next.1]) => to + 1,
            _ => to,
        };
        let start = self.words[a].1;
        let end = self.words[b - 1].2;
        self.original[start..end]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn original(&self) -> &str {
        self.original
    }
}

/// Words that deny what follows them.
const DENIALS: &[&str] = &[
    "not",
    "never",
    "no",
    "nor",
    "myth",
    "misconception",
    "wrongly",
    "mistakenly",
    "falsely",
    "contrary",
    "believe",
    "believes",
    "assume",
    "assumes",
    "claim",
    "claims",
    "think",
    "thinks",
    "naive",
    "naively",
    "unlike",
];

/// Words that dismiss what was just said ("… is a myth").
const DISMISSALS: &[&str] = &[
    "myth",
    "misconception",
    "false",
    "wrong",
    "untrue",
    "incorrect",
];

fn word_at(original: &str, start: usize, end: usize) -> (String, usize, usize) {
    let raw = &original[start..end];
    let trimmed = raw.trim_matches(|c| matches!(c, '\'' | '’' | '-'));
    let offset = raw.find(trimmed).unwrap_or(0);
    (
        trimmed.to_lowercase().replace('’', "'"),
        start + offset,
        start + offset + trimmed.len(),
    )
}

/// Which probes an answer covers, each with the words that show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    found: Vec<(Probe, String)>,
}

impl Coverage {
    pub fn covers(&self, probe: Probe) -> bool {
        self.found.iter().any(|(p, _)| *p == probe)
    }

    /// The words that showed `probe`.
    pub fn quote(&self, probe: Probe) -> Option<&str> {
        self.found
            .iter()
            .find(|(p, _)| *p == probe)
            .map(|(_, q)| q.as_str())
    }

    pub fn probes(&self) -> impl Iterator<Item = Probe> + '_ {
        self.found.iter().map(|(p, _)| *p)
    }

    /// Marks `probe` covered (e.g. requirements, by clarifying questions asked).
    pub fn add(&mut self, probe: Probe, quote: String) {
        if !self.covers(probe) {
            self.found.push((probe, quote));
        }
    }
}

const SITUATION: &[&str] = &[
    "at the time",
    "at my previous",
    "at my last",
    "at my current",
    "at my first",
    "in my previous",
    "in my last",
    "in my current",
    "in my first",
    "when i was",
    "while i was",
    "i was working",
    "i was the",
    "i was a",
    "i was an",
    "i was on",
    "i joined",
    "years ago",
    "months ago",
    "weeks ago",
    "a while ago",
    "our team",
    "my team",
    "the company",
    "the project",
    "we had a",
    "there was a",
    "context",
    "background",
    "situation",
    "last year",
    "recently",
];

const OWN_ROLE: &[&str] = &[
    "i owned",
    "i own",
    "i was responsible",
    "i'm responsible",
    "i am responsible",
    "my role",
    "my job",
    "my part",
    "my responsibility",
    "i led",
    "i lead",
    "i personally",
    "i myself",
    "myself",
    "i was asked",
    "i was tasked",
    "i was in charge",
    "i took",
    "i decided",
    "i drove",
    "i made the call",
    "my decision",
    "my call",
    "my fault",
    "my mistake",
    "i messed up",
    "i got it wrong",
    "i was wrong",
    "on me",
    "it was on me",
    "i was the one",
    "it fell to me",
    "i volunteered",
    "i stepped in",
    "i took over",
    "i took on",
    "i took ownership",
    "owner of",
    "i was the lead",
    "i was the owner",
    "i was the * lead",
    "i was the * owner",
    "i was the * manager",
    "as the lead",
    "as the owner",
    "as the * lead",
    "as the * owner",
    "as the * manager",
    "as tech lead",
    "as team lead",
    "my task",
    "my goal",
];

const RESULT: &[&str] = &[
    "as a result",
    "result*",
    "outcome*",
    "in the end",
    "ended up",
    "end up",
    "went from",
    "dropped",
    "fell",
    "rose",
    "reduc*",
    "increas*",
    "improv*",
    "saved",
    "saving*",
    "cut",
    "grew",
    "doubl*",
    "halv*",
    "tripl*",
    "launched",
    "shipped",
    "delivered",
    "on time",
    "succeed*",
    "success*",
    "achiev*",
    "afterwards",
    "after that",
    "which meant",
    "led to",
    "stuck",
    "won",
    "signed",
    "renewed",
    "landed",
    "recovered",
    "resolved",
    "fixed",
    "finished",
    "stopped",
    "no longer",
    "never happened again",
    "hasn't happened",
    "has not happened",
    "zero",
    "so now",
    "now we",
    "now the",
    "since then",
    "promoted",
    "adopted",
    "went live",
    "got better",
    "was better",
    "worked",
    "paid off",
    "faster",
    "quicker",
    "happier",
    "easier",
    "fewer",
    "down to",
    "down from",
    "up from",
    "by half",
    "in half",
    "twice as",
    "times faster",
    "times fewer",
    "back to normal",
    "now takes",
    "now runs",
    "now run",
    "brought * down",
    "brought * * down",
    "brought * * * down",
    "got * down",
    "got * * down",
    "cut * by",
    "the effect",
    "hit the",
    "met the",
    "made the deadline",
    "beat",
    "exceeded",
    "rolled out",
    "released",
    "passed",
    "approved",
];

const REASONING: &[&str] = &[
    "because",
    "as long as",
    "provided that",
    "with notice",
    "depending on",
    "on condition",
    "since",
    "so that",
    "the reason",
    "reason*",
    "which is why",
    "that's why",
    "that is why",
    "why",
    "given that",
    "therefore",
    "in order to",
    "so i",
    "so we",
    "so the",
    "assum*",
    "depends",
    "it depends",
    "my thinking",
    "i chose",
    "i picked",
    "i prefer",
    "i'd prefer",
    "i'd choose",
    "i would choose",
    "i'd pick",
    "i would pick",
    "i'd start",
    "i would start",
    "first i'd",
    "which means",
    "that means",
    "otherwise",
    "hypothes*",
    "to rule out",
    "to find out",
    "to see whether",
    "to see if",
    "to check",
    "the idea was",
    "the goal was",
    "the point was",
    "the aim was",
    "the thinking was",
    "to avoid",
    "to keep",
    "to make sure",
    "that way",
    "this way",
    "which lets",
    "which is when",
    "which is where",
    "that's where",
    "that's when",
    "so people",
    "so they",
    "so you",
    "so it",
    "so nobody",
    "so no one",
    "so i'm not",
    "so i don't",
    "so we don't",
    "what changed my mind",
    "more out of",
    "what matters",
    "matters more",
    "the risk is",
    "what helps",
];

const TRADEOFFS: &[&str] = &[
    "trade-off*",
    "tradeoff*",
    "trade off*",
    "instead of",
    "rather than",
    "alternative*",
    "downside*",
    "drawback*",
    "the cost",
    "at the cost",
    "costs more",
    "versus",
    "vs",
    "on the other hand",
    "pros",
    "cons",
    "the catch",
    "cheaper",
    "simpler",
    "compared",
    "compare",
    "considered",
    "weigh*",
    "option*",
    "either",
    "whereas",
    "but it",
    "but that",
    "but the",
    "at the expense",
    "gave up",
    "give up",
    "sacrific*",
    "the price",
    "overkill",
    "worth it",
    "not worth",
    "eventual consistency",
    "consistency over",
    "availability over",
    "latency over",
    "i'd rather",
    "would rather",
    "prefer",
    "accepting",
    "extra cost",
    "cost*",
    "the price of",
    "at the price",
    "in exchange",
    "the risk is",
    "the risk being",
    "the cost of",
    "more complex",
    "adds complexity",
    "added complexity",
    "extra complexity",
    "more expensive",
    "less flexible",
    "harder to",
    "slower but",
    "faster but",
    "but slower",
    "but harder",
    "but more",
    "but less",
    "upside*",
    "the benefit",
    "benefits",
];

const STAKEHOLDERS: &[&str] = &[
    "stakeholder*",
    "manager*",
    "customer*",
    "client*",
    "director*",
    "vp",
    "cto",
    "ceo",
    "cfo",
    "founder*",
    "leadership",
    "head of",
    "product manager",
    "pm",
    "designer*",
    "support team",
    "support",
    "sales",
    "legal",
    "finance",
    "partner*",
    "users",
    "user",
    "team lead",
    "colleague*",
    "teammate*",
    "peer*",
    "engineers",
    "the team",
    "the other team",
    "my boss",
    "boss",
    "told",
    "tell",
    "inform*",
    "explain*",
    "updat*",
    "aligned",
    "agreed",
    "1:1",
    "one-on-one",
    "meeting*",
    "incident commander",
    "commander",
    "communicat*",
    "on-call",
    "responder*",
    "status page",
    "buyer*",
    "champion",
    "recruiter",
    "hiring manager",
    "interviewer*",
];

const LESSON: &[&str] = &[
    "learn*",
    "lesson*",
    "taught me",
    "since then",
    "now i",
    "today i",
    "these days",
    "next time",
    "differently",
    "in hindsight",
    "hindsight",
    "looking back",
    "ever since",
    "i still",
    "would have",
    "should have",
    "i'd have",
    "takeaway*",
    "i realised",
    "i realized",
    "realis*",
    "realiz*",
    "i now",
    "i always",
    "from then on",
    "going forward",
    "i changed how",
    "i've changed",
    "do it again",
    "did it again",
    "do it over",
    "i try to",
    "i make sure",
    "i now make sure",
    "i've started",
    "took away",
    "stuck with me",
    "habit*",
    "rule of thumb",
    "i'd * earlier",
    "i'd * * earlier",
    "i would * earlier",
    "i'd * sooner",
    "i'd * * sooner",
    "i would * sooner",
    "showed me",
    "do the same",
    "i've adopted",
    "adopted",
    "stayed with me",
    "i borrowed",
    "i copied",
    "made me realise",
    "made me realize",
];

const EXAMPLE: &[&str] = &[
    "for example",
    "for instance",
    "e.g",
    "such as",
    "one time",
    "i remember",
    "in my last",
    "in my current",
    "in my previous",
    "at my last",
    "at my current",
    "at my previous",
    "when i was",
    "i once",
    "once i",
    "last year",
    "last month",
    "last week",
    "last quarter",
    "recently",
    "years ago",
    "months ago",
    "i built",
    "i led",
    "i worked",
    "i've worked",
    "i have worked",
    "i did",
    "i ran",
    "i shipped",
    "i wrote",
    "i used",
    "i've used",
    "we used",
    "in practice",
    "on my team",
    "at work",
    "in production",
    "i spent",
    "i've spent",
    "i have spent",
    "my current",
    "my last",
    "my previous",
    "my internship",
    "my first role",
    "weeks later",
    "months later",
    "days later",
    "at my first",
    "in my first",
    "my first job",
    "the time i",
    "the day i",
    "there was a time",
    "when i made",
    "when i had",
    "when i got",
    "when i joined",
    "when i started",
];

const SCALE: &[&str] = &[
    "per second",
    "a second",
    "per day",
    "a day",
    "per month",
    "a month",
    "qps",
    "rps",
    "tps",
    "requests",
    "users",
    "daily",
    "dau",
    "mau",
    "million*",
    "billion*",
    "thousand*",
    "hundreds",
    "tb",
    "gb",
    "pb",
    "terabyte*",
    "petabyte*",
    "peak*",
    "throughput",
    "traffic",
    "load",
    "estimat*",
    "back-of-the-envelope",
    "back of the envelope",
    "shard*",
    "partition*",
    "horizontal*",
    "replica*",
    "scale",
    "scal*",
    "growth",
    "grow*",
    "capacity",
    "volume",
    "bandwidth",
    "storage",
    "large",
    "huge",
    "hot key*",
    "hot spot*",
    "hotspot*",
    "bottleneck*",
    "read-heavy",
    "write-heavy",
    "reads",
    "writes",
];

const FAILURE_MODES: &[&str] = &[
    "fail*",
    "outage*",
    "down",
    "crash*",
    "retry",
    "retries",
    "retried",
    "retrying",
    "timeout*",
    "time out",
    "times out",
    "fallback*",
    "fall back",
    "falls back",
    "degrad*",
    "redundan*",
    "backup*",
    "circuit breaker*",
    "idempoten*",
    "single point",
    "data loss",
    "dead letter",
    "dead-letter",
    "lose",
    "lost",
    "loses",
    "losing",
    "recover*",
    "rollback*",
    "roll back",
    "what if",
    "goes wrong",
    "go wrong",
    "went wrong",
    "disaster",
    "replicat*",
    "failover",
    "dies",
    "died",
    "unavailable",
    "partition*",
    "split brain",
    "split-brain",
    "poison",
    "thundering herd",
    "stampede",
    "overload*",
    "back-pressure",
    "backpressure",
    "rate limit*",
    "error*",
    "alert*",
    "page",
    "paged",
    "incident*",
    "risk*",
    "bug*",
    "broke",
    "broken",
    "breaks",
];

const CORRECTNESS: &[&str] = &[
    "test*",
    "edge case*",
    "corner case*",
    "verif*",
    "validat*",
    "invariant*",
    "assert*",
    "correct*",
    "complexity",
    "o(n",
    "o(1",
    "o(log",
    "o(n log n",
    "big-o",
    "big o",
    "benchmark*",
    "check*",
    "proof",
    "prove",
    "race*",
    "null*",
    "empty",
    "boundary",
    "boundaries",
    "reproduc*",
    "measur*",
    "profil*",
    "explain analyze",
    "explain",
    "monitor*",
    "metric*",
    "exactly once",
    "exactly-once",
    "at least once",
    "at-least-once",
    "consisten*",
    "lock*",
    "transaction*",
    "atomic*",
    "compare-and-set",
    "cas",
    "deterministic",
    "duplicate*",
    "dedup*",
    "sanity",
    "confirm*",
    "baseline",
    "regression*",
    "canary",
    "staging",
    "review*",
    "a/b",
    "significan*",
    "confidence interval*",
    "p-value*",
    "holdout",
    "cross-validation",
    "cross validation",
    "unique constraint",
    "constraint*",
    "overflow",
    "off-by-one",
];

const REQUIREMENTS: &[&str] = &[
    "requirement*",
    "ask whether",
    "ask if",
    "i'd ask",
    "i would ask",
    "first ask",
    "want to know",
    "first question",
    "i'd want to understand",
    "how big",
    "how large",
    "how often",
    "functional",
    "non-functional",
    "clarif*",
    "assum*",
    "scope",
    "use case*",
    "should support",
    "must support",
    "need to support",
    "needs to support",
    "sla",
    "slo*",
    "latency",
    "read-heavy",
    "write-heavy",
    "read heavy",
    "write heavy",
    "how many",
    "do we need",
    "constraint*",
    "budget",
    "mvp",
    "first version",
    "out of scope",
    "in scope",
    "the goal",
    "goals",
    "must",
    "need to",
    "needs to",
    "has to",
    "what kind",
    "who are",
    "are we",
    "do we",
    "does it",
    "is it",
    "we need",
    "availability",
    "durab*",
    "consisten*",
    "real-time",
    "real time",
];

/// The probes `answer` covers. `signals` are the answer's measured signals (for
/// numbers, actions and ownership).
pub fn detect(answer: &str, kind: InterviewType) -> Coverage {
    let signals = heuristics::analyse(answer, kind);
    detect_with(answer, &signals)
}

pub fn detect_with(answer: &str, s: &AnswerSignals) -> Coverage {
    let text = Text::new(answer);
    let mut c = Coverage::default();
    let mut add = |probe: Probe, quote: Option<String>| {
        if let Some(q) = quote {
            c.add(probe, q);
        }
    };
    add(
        Probe::Situation,
        heuristics::time_or_place(answer).or_else(|| text.find_any(SITUATION)),
    );
    let owns = text.find_any(OWN_ROLE).or_else(|| {
        // Told in the first person throughout: "I" clearly outweighs "we".
        (s.i_count >= 3 && s.ownership().is_some_and(|r| r >= 0.5))
            .then(|| text.find("i").unwrap_or_default())
    });
    add(Probe::OwnRole, owns);
    add(Probe::Action, action_quote(&text));
    add(Probe::Result, text.find_any(RESULT));
    add(Probe::Numbers, s.quantities.first().map(|q| q.to_string()));
    add(Probe::Reasoning, text.find_any(REASONING));
    add(Probe::Tradeoffs, text.find_any(TRADEOFFS));
    add(Probe::Stakeholders, text.find_any(STAKEHOLDERS));
    add(Probe::Lesson, text.find_any(LESSON));
    add(
        Probe::Example,
        text.find_any(EXAMPLE)
            .or_else(|| heuristics::time_or_place(answer))
            .or_else(|| in_the_middle_of(&text)),
    );
    add(Probe::Scale, text.find_any(SCALE));
    add(Probe::FailureModes, text.find_any(FAILURE_MODES));
    add(Probe::Correctness, text.find_any(CORRECTNESS));
    let asks = answer.contains('?').then(|| {
        let q = answer
            .split_inclusive(['.', '!', '\n'])
            .find(|p| p.contains('?'));
        q.unwrap_or(answer).trim().to_string()
    });
    add(Probe::Requirements, text.find_any(REQUIREMENTS).or(asks));
    c
}

/// A story told from inside it: "I was building", "we were migrating" (the past
/// progressive sets a scene the answer then tells).
fn in_the_middle_of(text: &Text<'_>) -> Option<String> {
    text.words
        .windows(3)
        .position(|w| {
            matches!(
                (w[0].0.as_str(), w[1].0.as_str()),
                ("i", "was") | ("we", "were")
            ) && w[2].0.len() > 5
                && w[2].0.ends_with("ing")
        })
        .map(|i| text.quote(i, i + 3))
}

/// An action told with a subject: "I profiled", "I'd add", "we rolled back", or a
/// walk-through ("first", "then", "step").
fn action_quote(text: &Text<'_>) -> Option<String> {
    let words = &text.words;
    for i in 0..words.len().saturating_sub(1) {
        let subject = words[i].0.as_str();
        if !matches!(
            subject,
            "i" | "we" | "i'd" | "we'd" | "i'll" | "we'll" | "i've" | "we've"
        ) {
            continue;
        }
        let mut verb = words[i + 1].0.as_str();
        let mut end = i + 2;
        // "I would add", "I then rewrote", "I also added", "I have moved".
        if matches!(
            verb,
            "would"
                | "will"
                | "then"
                | "also"
                | "first"
                | "have"
                | "had"
                | "just"
                | "quickly"
                | "immediately"
                | "personally"
        ) && let Some(next) = words.get(i + 2)
        {
            verb = next.0.as_str();
            end = i + 3;
        }
        let modal = matches!(subject, "i'd" | "we'd" | "i'll" | "we'll")
            || matches!(words[i + 1].0.as_str(), "would" | "will");
        let past = (verb.len() > 4 && verb.ends_with("ed") && !NOT_ACTIONS.contains(&verb))
            || heuristics::IRREGULAR_ACTIONS.contains(&verb);
        let planned = modal && verb.len() > 2 && !NOT_ACTIONS.contains(&verb);
        if past || planned {
            return Some(text.quote(i, end));
        }
    }
    text.find_any(&[
        "first",
        "step*",
        "start by",
        "then i",
        "then we",
        "my approach",
    ])
}

const NOT_ACTIONS: &[&str] = &[
    "needed", "wanted", "supposed", "seemed", "guessed", "liked", "loved", "hoped", "tried", "be",
    "not", "say", "think", "guess", "like", "love", "probably", "maybe",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_keeps_to_its_sentence() {
        let t = Text::new(
            "It broke after a deploy. I owned the response; I rolled it back in 3.5 min.",
        );
        assert_eq!(t.find("i owned").as_deref(), Some("I owned the"));
        assert_eq!(t.find("rolled").as_deref(), Some("I rolled it"));
        assert_eq!(t.find("5 min").as_deref(), Some("3.5 min"));
        assert_eq!(t.find("deploy").as_deref(), Some("a deploy"));
    }

    fn covers(answer: &str, kind: InterviewType) -> Vec<&'static str> {
        let c = detect(answer, kind);
        let mut names: Vec<&str> = c.probes().map(Probe::name).collect();
        names.sort();
        names
    }

    #[test]
    fn an_example_told_from_inside_or_dated_this_year_is_an_example() {
        let g = InterviewType::General;
        for answer in [
            "I was migrating our billing jobs when the vendor changed its API, and I learned to read changelogs.",
            "The best week I had this year was the one I spent pairing on the search rewrite.",
            "My internship taught me to write things down: two weeks later nobody remembered the decision.",
        ] {
            assert!(covers(answer, g).contains(&"example"), "{answer}");
        }
        // A habit in the present is not an instance.
        assert!(
            !covers(
                "I usually plan my week on Mondays and review it on Fridays.",
                g
            )
            .contains(&"example")
        );
    }

    #[test]
    fn names_round_trip() {
        for p in Probe::ALL {
            assert_eq!(Probe::from_name(p.name()), Some(p));
        }
        assert_eq!(Probe::from_name("outcome"), None);
    }

    #[test]
    fn the_issue_examples_are_covered() {
        let c = detect(
            "I moved the reports to a read replica, and primary CPU fell from 85% to 40%, saving roughly $120k a year.",
            InterviewType::Behavioral,
        );
        assert!(c.covers(Probe::Result), "{c:?}");
        assert!(c.covers(Probe::Numbers), "{c:?}");
        let c = detect(
            "The incident commander coordinates, a communicator updates the status page and support, and responders fix.",
            InterviewType::Technical,
        );
        assert!(c.covers(Probe::Stakeholders), "{c:?}");
        let c = detect(
            "Last March I was the on-call lead for our payments API at Acme.",
            InterviewType::Behavioral,
        );
        assert!(c.covers(Probe::Situation), "{c:?}");
        assert_eq!(c.quote(Probe::Situation), Some("Last March"));
    }

    #[test]
    fn a_bare_answer_covers_little() {
        let names = covers("Not really.", InterviewType::Behavioral);
        assert!(names.is_empty(), "{names:?}");
    }

    /// Each family of wordings that shows a probe, in sentences of its own (not
    /// taken from the evaluation set).
    fn assert_covers(probe: Probe, kind: InterviewType, sentences: &[&str]) {
        for s in sentences {
            let c = detect(s, kind);
            assert!(c.covers(probe), "{} not covered by {s:?}", probe.name());
        }
    }

    #[test]
    fn results_spelled_out_are_covered() {
        assert_covers(
            Probe::Result,
            InterviewType::Behavioral,
            &[
                "The build went down to nine minutes.",
                "Support tickets were cut by half within a month.",
                "Checkout is twice as fast for new customers.",
                "We brought the error rate down over the quarter.",
                "Onboarding now takes an afternoon instead of a week.",
                "The regulator approved the filing on the first try.",
            ],
        );
    }

    #[test]
    fn roles_named_by_title_are_covered() {
        assert_covers(
            Probe::OwnRole,
            InterviewType::Behavioral,
            &[
                "I was the release lead that quarter.",
                "As the incident owner, the rollback call was mine to make.",
                "As tech lead for the migration, the plan came from me.",
                "It fell to me to tell the customer.",
                "I stepped in when the contractor left.",
            ],
        );
    }

    #[test]
    fn trade_offs_said_with_but_or_a_cost_are_covered() {
        assert_covers(
            Probe::Tradeoffs,
            InterviewType::Technical,
            &[
                "A queue decouples them, at the cost of a few seconds of delay.",
                "Polling is simple but slower to notice changes.",
                "Sharding spreads the load but adds complexity to every query.",
                "It is cheaper to run, in exchange for weaker ordering.",
                "The risk is that a stale read reaches the user.",
            ],
        );
    }

    #[test]
    fn lessons_said_as_next_time_are_covered() {
        assert_covers(
            Probe::Lesson,
            InterviewType::Behavioral,
            &[
                "Next time I'd involve support before the launch.",
                "If I did it again, I'd write the runbook first.",
                "I'd raise it earlier, before the plan is fixed.",
                "These days I make sure every migration has a dry run.",
                "Writing the risks down first has become a habit.",
            ],
        );
    }

    #[test]
    fn reasons_said_as_goals_are_covered() {
        assert_covers(
            Probe::Reasoning,
            InterviewType::Technical,
            &[
                "I'd put it behind a flag to avoid a big-bang release.",
                "The idea was to keep the old path as a fallback.",
                "I'd add a retry with a key; that way a timeout cannot double the charge.",
            ],
        );
    }

    #[test]
    fn a_dismissed_practice_is_not_kept() {
        for dismissed in [
            "You don't need staging or rollbacks if people are careful.",
            "There's no need for rollbacks here.",
            "I'd skip the rollbacks to save time.",
            "Rollbacks are overkill for a team this size.",
        ] {
            assert_eq!(
                Text::new(dismissed).find_kept("rollback*"),
                None,
                "{dismissed}"
            );
        }
        for kept in [
            "A rollback is one click, and we rehearse it.",
            "We never lose a rollback window: every deploy keeps the last build.",
        ] {
            assert!(Text::new(kept).find_kept("rollback*").is_some(), "{kept}");
        }
    }

    #[test]
    fn a_denied_claim_is_not_affirmed() {
        let cue = "make* writes faster";
        for denied in [
            "Indexes do not make writes faster; every write updates them.",
            "People think indexes make writes faster, but they slow them down.",
            "That indexes make writes faster is a myth.",
            "Indexes never make writes faster.",
        ] {
            assert_eq!(Text::new(denied).find_affirmed(cue), None, "{denied}");
        }
        let said = Text::new("An index makes writes faster and reads faster too.");
        assert_eq!(
            said.find_affirmed(cue).as_deref(),
            Some("index makes writes faster and")
        );
    }

    #[test]
    fn quotes_keep_the_candidates_words() {
        let t = Text::new("Latency dropped from 2 s to 200 ms, because we cached it.");
        assert_eq!(t.find("dropped").as_deref(), Some("Latency dropped from"));
        assert_eq!(t.find("reduc*"), None);
        assert_eq!(t.find("we cach*").as_deref(), Some("because we cached it"));
    }
}
