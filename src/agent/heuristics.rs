//! Offline answer analysis: measurable signals of one answer (length, STAR cues,
//! quantified impact, "I" versus "we", filler and hedge words, reasoning cues).
//! They pick the offline interviewer's follow-ups and feed the heuristic report;
//! they are signals, not judgements of content, and are always labelled so.

use crate::domain::InterviewType;

/// Fewer words than this is too short to carry substance.
pub const TOO_SHORT_WORDS: usize = 40;
/// HR answers are judged on brevity: a direct answer this long can be complete
/// ("One month's notice, so I could start on 3 June; no holidays booked.").
pub const TOO_SHORT_WORDS_HR: usize = 12;
/// An HR answer longer than this is no longer brief.
pub const BRIEF_MAX_WORDS_HR: usize = 220;

/// Whether an HR answer is direct and brief.
pub fn brief_hr(words: usize) -> bool {
    (TOO_SHORT_WORDS_HR..=BRIEF_MAX_WORDS_HR).contains(&words)
}

/// Behavioural, HR and general answers longer than this tend to ramble.
pub const RAMBLING_WORDS: usize = 350;
/// Technical and design answers legitimately run longer.
pub const RAMBLING_WORDS_TECHNICAL: usize = 600;

/// Which parts of a STAR story the answer has cues for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
pub struct StarCoverage {
    pub situation: bool,
    pub task: bool,
    pub action: bool,
    pub result: bool,
}

impl StarCoverage {
    pub fn count(self) -> usize {
        [self.situation, self.task, self.action, self.result]
            .into_iter()
            .filter(|b| *b)
            .count()
    }

    /// The names of the parts with no cue, e.g. `["task", "result"]`.
    pub fn missing(self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        for (present, name) in [
            (self.situation, "situation"),
            (self.task, "task"),
            (self.action, "action"),
            (self.result, "result"),
        ] {
            if !present {
                missing.push(name);
            }
        }
        missing
    }
}

/// The measurable signals of one answer.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AnswerSignals {
    pub words: usize,
    pub too_short: bool,
    pub rambling: bool,
    pub star: StarCoverage,
    /// Quantities found (numbers, percentages, money, multipliers), in order.
    pub quantities: Vec<String>,
    /// First-person singular words (I, me, my…).
    pub i_count: usize,
    /// First-person plural words (we, us, our…).
    pub we_count: usize,
    /// Filler and hedge words found, with counts, most frequent first.
    pub fillers: Vec<(String, usize)>,
    /// Cues of reasoning: because, trade-off, instead of, assuming…
    pub reasoning_cues: usize,
    /// Cues of an ordered walk-through: first, then, next, finally…
    pub sequence_cues: usize,
    /// Words that say nothing specific: intensifiers, universal quantifiers and
    /// placeholders ("very", "always", "everything", "stuff").
    pub vague_words: usize,
}

impl AnswerSignals {
    pub fn quantified(&self) -> bool {
        !self.quantities.is_empty()
    }

    /// Share of "I" among "I" and "we" words; `None` when neither is used.
    pub fn ownership(&self) -> Option<f64> {
        let total = self.i_count + self.we_count;
        (total > 0).then(|| self.i_count as f64 / total as f64)
    }

    /// "We" dominates a story where the interviewer needs to hear "I".
    pub fn we_heavy(&self) -> bool {
        self.we_count >= 3 && self.ownership().is_some_and(|r| r < 0.4)
    }

    pub fn filler_count(&self) -> usize {
        self.fillers.iter().map(|(_, n)| n).sum()
    }

    /// Fillers per hundred words.
    pub fn filler_rate(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.filler_count() as f64 * 100.0 / self.words as f64
        }
    }

    /// Whether the answer gives reasons for its choices.
    pub fn reasons(&self) -> bool {
        self.reasoning_cues > 0
    }

    /// Vague words per hundred words.
    pub fn vague_rate(&self) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            self.vague_words as f64 * 100.0 / self.words as f64
        }
    }
}

/// Words that say nothing specific about the candidate's own experience:
/// intensifiers, universal quantifiers, placeholders and stock enthusiasm. A
/// few in an answer are normal; an answer made of them is generic.
const VAGUE_WORDS: &[&str] = &[
    "anything",
    "everything",
    "whatever",
    "anywhere",
    "always",
    "very",
    "passionate",
    "best",
    "love",
    "great",
    "amazing",
    "really",
    "stuff",
    "things",
    "lots",
    "etc",
    "generally",
    "usually",
    "somehow",
    "basically",
    "anyone",
    "everyone",
    "all",
];

/// The general words an answer uses with how often, most used first (ties in
/// list order): what the report quotes when an answer is made of them.
pub fn vague_words_in(answer: &str) -> Vec<(&'static str, usize)> {
    let lower = answer.to_lowercase().replace(['’', '‘'], "'");
    let tokens = tokens(&lower);
    let mut found: Vec<(&'static str, usize)> = VAGUE_WORDS
        .iter()
        .map(|w| (*w, tokens.iter().filter(|t| t.as_str() == *w).count()))
        .filter(|(_, n)| *n > 0)
        .collect();
    found.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    found
}

/// How far an answer's length goes towards the depth a full answer of its type
/// needs, from 0 (too short to hold one concrete example) to 1 (room for the
/// whole story or walk-through). Length is not quality, but an interviewer
/// cannot hear a situation, actions, a result and a lesson in thirty words;
/// rambling past the limit is judged apart.
pub fn depth(words: usize, kind: InterviewType) -> f64 {
    let (shallow, full) = match kind {
        InterviewType::Hr => (30.0, 100.0),
        InterviewType::SystemDesign => (100.0, 240.0),
        InterviewType::Behavioral | InterviewType::Technical | InterviewType::General => {
            (80.0, 200.0)
        }
    };
    ((words as f64 - shallow) / (full - shallow)).clamp(0.0, 1.0)
}

/// First-person words that claim ownership. "me" is left out: it is what happens
/// to the speaker ("they gave me"), not what the speaker did.
const I_WORDS: &[&str] = &["i", "i'm", "i've", "i'd", "i'll", "my", "mine", "myself"];
/// First-person phrases that hedge rather than own: "I guess", "I think"…; each
/// takes its "I" back out of the count.
const I_HEDGES: &[&str] = &[
    "i guess",
    "i think",
    "i mean",
    "i suppose",
    "i don't know",
    "i dont know",
    "i'm not sure",
    "i am not sure",
    "i don't remember",
    "i can't remember",
    "i believe",
];
const WE_WORDS: &[&str] = &["we", "we're", "we've", "we'd", "we'll", "us", "our", "ours"];

const SITUATION_CUES: &[&str] = &[
    "situation",
    "context",
    "background",
    "at the time",
    "at my previous",
    "at my last",
    "in my previous",
    "in my last",
    "in my current",
    "at my current",
    "when i was",
    "while i was",
    "i was working",
    "we were working",
    "we had a",
    "there was a",
    "last year",
    "a few years ago",
    "years ago",
    "months ago",
    "the company",
    "the project",
    "our team",
    "my team",
    "the team was",
    "the client",
    "the customer",
    "i was the",
    "i was a",
    "i was an",
    "i was on",
    "i was one",
    "i joined",
    "at the start",
    "a while ago",
    "recently",
    "last week",
    "last month",
    "last quarter",
    "last sprint",
    "last summer",
    "last spring",
    "last autumn",
    "last fall",
    "last winter",
    "earlier this year",
    "this year",
];

const TASK_CUES: &[&str] = &[
    "task",
    "i owned",
    "i own",
    "owned the",
    "my responsibility",
    "i was tasked",
    "i was in charge",
    "my brief",
    "i had been asked",
    "i was brought in",
    "i set out to",
    "i wanted to",
    "we wanted to",
    "my target",
    "the target",
    "my job",
    "my task",
    "the task",
    "my goal",
    "the goal",
    "our goal",
    "my job was",
    "my role was",
    "i was asked",
    "i was responsible",
    "responsible for",
    "i needed to",
    "we needed to",
    "i had to",
    "we had to",
    "needed to",
    "the challenge",
    "the problem was",
    "the aim",
    "objective",
    "deadline",
    "in charge of",
    "so that we could",
];

/// Verbs that carry a story's action when "I" is their subject; regular past tenses
/// ("I analysed") are recognised by their ending. Shared with `probe` (what an
/// answer already covers), so the two agree on what counts as an action.
pub(super) const IRREGULAR_ACTIONS: &[&str] = &[
    "built",
    "wrote",
    "led",
    "ran",
    "made",
    "took",
    "set",
    "spoke",
    "met",
    "went",
    "brought",
    "chose",
    "drove",
    "gave",
    "sent",
    "found",
    "began",
    "told",
    "taught",
    "got",
    "held",
    "kept",
    "put",
    "sold",
    "shipped",
    "sat",
    "rewrote",
    "drew",
    "did",
    "fought",
    "cut",
    "split",
    "undertook",
    "overcame",
    "sought",
    "paid",
    "read",
    "dug",
    "rebuilt",
    "spent",
];

const RESULT_CUES: &[&str] = &[
    "result",
    "as a result",
    "outcome",
    "in the end",
    "eventually",
    "afterwards",
    "which meant",
    "which led to",
    "led to",
    "reduced",
    "increased",
    "improved",
    "saved",
    "grew",
    "doubled",
    "halved",
    "launched",
    "delivered",
    "shipped",
    "succeeded",
    "achieved",
    "feedback was",
    "ended up",
    "went from",
    "dropped",
    "fell",
    "rose",
    "cut",
    "on time",
    "won",
    "signed",
    "renewed",
    "kept",
    "stuck",
    "landed",
    "finished",
    "resolved",
    "fixed",
    "recovered",
    "so now",
    "now we",
    "since then",
];

/// From INTERVIEWING.md; "like" counts only as a filler between commas (below).
const FILLERS: &[&str] = &[
    "um",
    "uh",
    "erm",
    "you know",
    "basically",
    "actually",
    "sort of",
    "kind of",
    "i guess",
    "maybe",
    "literally",
    "i mean",
];

const REASONING_CUES: &[&str] = &[
    "because",
    "since",
    "so that",
    "therefore",
    "trade-off",
    "tradeoff",
    "trade off",
    "instead of",
    "rather than",
    "alternative",
    "alternatively",
    "downside",
    "the cost",
    "it depends",
    "depends on",
    "assume",
    "assuming",
    "assumption",
    "edge case",
    "on the other hand",
    "versus",
    "vs",
    "pros",
    "cons",
    "bottleneck",
];

const SEQUENCE_CUES: &[&str] = &[
    "first",
    "firstly",
    "second",
    "secondly",
    "then",
    "next",
    "after that",
    "finally",
    "step",
    "to start",
    "start by",
];

const NUMBER_WORDS: &[&str] = &[
    "percent",
    "half",
    "double",
    "doubled",
    "twice",
    "triple",
    "tripled",
    "halved",
    "tenfold",
    "dozen",
    "hundred",
    "hundreds",
    "thousand",
    "thousands",
    "million",
    "millions",
    "billion",
];

/// Reads the signals of one answer to a question of the given interview type.
pub fn analyse(answer: &str, kind: InterviewType) -> AnswerSignals {
    let lower = answer.to_lowercase().replace(['’', '‘'], "'");
    let tokens = tokens(&lower);
    let words = tokens.len();
    let count_in = |set: &[&str]| tokens.iter().filter(|t| set.contains(&t.as_str())).count();
    let we_count = count_in(WE_WORDS);

    // Phrases are matched on the token sequence joined by single spaces, so
    // punctuation and line breaks do not hide them.
    let joined = format!(" {} ", tokens.join(" "));
    let phrase = |p: &str| joined.contains(&format!(" {p} "));
    let phrase_count = |p: &str| joined.matches(&format!(" {p} ")).count();
    let hedged: usize = I_HEDGES.iter().map(|h| phrase_count(h)).sum();
    let i_count = count_in(I_WORDS).saturating_sub(hedged);

    let action = acts(&tokens) || phrase("i decided") || phrase("i would");
    let quantities = quantities(answer);
    let star = StarCoverage {
        situation: SITUATION_CUES.iter().any(|c| phrase(c)) || time_or_place(answer).is_some(),
        task: TASK_CUES.iter().any(|c| phrase(c)),
        action,
        result: RESULT_CUES.iter().any(|c| phrase(c)),
    };

    let mut fillers: Vec<(String, usize)> = FILLERS
        .iter()
        .map(|f| (f.to_string(), phrase_count(f)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let like_fillers = like_fillers(&lower);
    if like_fillers > 0 {
        fillers.push(("like".to_string(), like_fillers));
    }
    fillers.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));

    let reasoning_cues = REASONING_CUES.iter().map(|c| phrase_count(c)).sum();
    let sequence_cues = SEQUENCE_CUES.iter().map(|c| phrase_count(c)).sum();
    let limit = match kind {
        InterviewType::Technical | InterviewType::SystemDesign => RAMBLING_WORDS_TECHNICAL,
        _ => RAMBLING_WORDS,
    };
    AnswerSignals {
        words,
        too_short: words
            < match kind {
                InterviewType::Hr => TOO_SHORT_WORDS_HR,
                _ => TOO_SHORT_WORDS,
            },
        rambling: words > limit,
        star,
        quantities,
        i_count,
        we_count,
        fillers,
        reasoning_cues,
        sequence_cues,
        vague_words: count_in(VAGUE_WORDS),
    }
}

/// Month names, lower case (also read by `assess` for dated answers).
pub(super) const MONTHS: &[&str] = &[
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// A phrase that places a story in time or at an organisation: "last March",
/// "in 2023", "in June", "at Acme". Returns the phrase as written.
pub fn time_or_place(answer: &str) -> Option<String> {
    let words: Vec<&str> = answer.split_whitespace().collect();
    let bare = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    for pair in words.windows(2) {
        let (a, b) = (bare(pair[0]).to_lowercase(), bare(pair[1]));
        let b_lower = b.to_lowercase();
        let found = match a.as_str() {
            "last" | "early" | "late" => {
                MONTHS.contains(&b_lower.as_str())
                    || ["year", "quarter", "spring", "summer", "autumn", "winter"]
                        .contains(&b_lower.as_str())
            }
            // "this year", "this spring": the present period, still a time.
            "this" => [
                "year", "quarter", "spring", "summer", "autumn", "winter", "month",
            ]
            .contains(&b_lower.as_str()),
            "in" | "during" | "since" => {
                // "in 2023", "in March" (capitalised: "in may" is usually the verb).
                (b.len() == 4 && matches!(b.parse::<u32>(), Ok(1970..=2099)))
                    || (MONTHS.contains(&b_lower.as_str()) && b.starts_with(char::is_uppercase))
                    || b_lower == "q1"
                    || b_lower == "q2"
                    || b_lower == "q3"
                    || b_lower == "q4"
            }
            // "at Acme", "at Google": a capitalised name that is not "I".
            "at" | "with" => {
                pair[0] == a
                    && b.starts_with(char::is_uppercase)
                    && b != "I"
                    && b.len() > 1
                    && !pair[0].ends_with(['.', ','])
            }
            _ => false,
        };
        if found {
            return Some(format!("{} {}", bare(pair[0]), b));
        }
    }
    None
}

/// "like" as a filler: set off by a comma on either side ("I was, like, stuck"),
/// which the verb ("I'd like to") and the preposition ("looks like a") are not.
fn like_fillers(lower: &str) -> usize {
    let is_word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    lower
        .match_indices("like")
        .filter(|(at, w)| {
            let before = lower[..*at].trim_end_matches(' ');
            let after = &lower[at + w.len()..];
            !is_word(lower[..*at].chars().next_back())
                && !is_word(after.chars().next())
                && (before.ends_with(',') || after.starts_with(','))
        })
        .count()
}

/// Whether the words tell something the speaker did: "I rolled back", "we
/// shipped" (a past action after "I" or "we"; "needed" is not one).
pub(super) fn acts(tokens: &[String]) -> bool {
    tokens.windows(2).any(|w| {
        (w[0] == "i" || w[0] == "we")
            && (IRREGULAR_ACTIONS.contains(&w[1].as_str())
                || (w[1].len() > 4 && w[1].ends_with("ed") && w[1] != "needed"))
    })
}

/// The words of a lower-cased text, keeping inner apostrophes and hyphens ("i'm",
/// "trade-off").
pub(super) fn tokens(lower: &str) -> Vec<String> {
    lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
        .map(|t| t.trim_matches(|c| c == '\'' || c == '-'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// The quantities an answer states: numbers with their unit when one follows
/// ("30%", "$2m", "3 weeks"), and number words ("doubled", "half"). Bare years
/// (1900–2099) are dates, not impact, and are left out.
fn quantities(answer: &str) -> Vec<String> {
    let mut found = Vec::new();
    let raw: Vec<&str> = answer.split_whitespace().collect();
    for (i, word) in raw.iter().enumerate() {
        let clean = word.trim_matches(|c: char| {
            !(c.is_alphanumeric() || matches!(c, '%' | '$' | '€' | '£' | '.' | ','))
        });
        let clean = clean.trim_end_matches(['.', ',']);
        if clean.chars().any(|c| c.is_ascii_digit()) {
            if is_identifier(clean) {
                continue;
            }
            let digits: String = clean.chars().filter(char::is_ascii_digit).collect();
            let is_year = clean.len() == 4
                && digits.len() == 4
                && matches!(digits.parse::<u32>(), Ok(1900..=2099));
            if is_year {
                continue;
            }
            let mut quantity = clean.to_string();
            if let Some(next) = raw.get(i + 1) {
                let unit = next
                    .trim_matches(|c: char| !c.is_alphanumeric() && c != '%')
                    .to_lowercase();
                if is_unit(&unit) {
                    quantity.push(' ');
                    quantity.push_str(&unit);
                }
            }
            found.push(quantity);
        } else {
            let lower = clean.to_lowercase();
            let lower = lower.trim_matches(|c: char| !c.is_alphanumeric());
            if NUMBER_WORDS.contains(&lower) {
                found.push(lower.to_string());
            } else if let Some(n) = SPELLED.iter().position(|w| *w == lower) {
                // "two crunch weeks", "four times a year": a spelled-out count
                // followed by what it counts. "one" alone is too common to count.
                let counted = raw.get(i + 1).is_some_and(|next| {
                    let next = next
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase();
                    !next.is_empty()
                        && !["of", "or", "and", "to", "who", "that"].contains(&next.as_str())
                });
                let unit_of_time = raw.get(i + 1).is_some_and(|next| {
                    let next = next
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase();
                    ["day", "week", "month", "year", "hour", "quarter"].contains(&next.as_str())
                });
                if counted && (n > 0 || unit_of_time) {
                    let unit = raw[i + 1]
                        .trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase();
                    found.push(format!("{lower} {unit}"));
                }
            }
        }
    }
    found
}

/// Spelled-out numbers, "one" first (never counted alone).
const SPELLED: &[&str] = &[
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
    "ninety",
];

/// Names with digits in them are labels, not measurements: p99, Q3, v2, SEV1,
/// N+1, EC2, S3, 2FA, 5xx, IPv6.
fn is_identifier(word: &str) -> bool {
    let w = word.trim_start_matches(['$', '€', '£']);
    if w.len() != word.len() {
        return false;
    }
    let starts_with_letter = w.starts_with(|c: char| c.is_ascii_alphabetic());
    if starts_with_letter {
        return true;
    }
    // Digits then letters: a quantity only with a unit suffix (10x, 3k, 2m, 200ms, 4h).
    let tail: String = w
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ',')
        .to_lowercase();
    if tail.is_empty() || tail == "%" || tail.contains('%') {
        return false;
    }
    if tail.contains('+') && !tail.starts_with('+') {
        return true;
    }
    !matches!(
        tail.as_str(),
        "x" | "k"
            | "m"
            | "b"
            | "bn"
            | "ms"
            | "s"
            | "h"
            | "hrs"
            | "min"
            | "mins"
            | "d"
            | "gb"
            | "tb"
            | "mb"
            | "kb"
            | "pb"
            | "+"
            | "qps"
            | "rps"
    )
}

fn is_unit(word: &str) -> bool {
    const UNITS: &[&str] = &[
        "%",
        "percent",
        "ms",
        "milliseconds",
        "seconds",
        "minutes",
        "hours",
        "days",
        "weeks",
        "months",
        "years",
        "users",
        "customers",
        "people",
        "engineers",
        "requests",
        "times",
        "x",
        "k",
        "m",
        "million",
        "thousand",
        "hundred",
        "dollars",
        "euros",
        "pounds",
        "tickets",
        "incidents",
        "deals",
        "accounts",
        "points",
    ];
    UNITS.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRONG_STAR: &str = "At my previous company I was the only backend engineer on the \
        checkout team, and our payment page was timing out for about 4% of customers during sales. \
        My goal was to get that under 0.5% before Black Friday, six weeks away. I profiled the \
        service, found that we called the fraud provider twice per order, and I rewrote the flow \
        so the second call was cached. I also added an alert on p95 latency. As a result, \
        timeouts dropped to 0.3% and we processed $1.2m more in orders that weekend than the year \
        before. I learned to measure before I optimise.";

    const WE_HEAVY: &str = "So we had this project where we needed to migrate our database. We \
        looked at a few options and we decided to go with Postgres. We planned it over a couple of \
        sprints and we did the migration on a weekend. Our team was really happy with how it went \
        and we had no major issues, which was great for us.";

    const SHORT: &str = "I usually just talk to them and we sort it out.";

    const HEDGY: &str = "Um, I guess I would, like, basically look at the logs first, you know, \
        and maybe check the database. Actually I'm not sure, it's kind of hard to say, sort of \
        depends on the system, I mean, um, yeah.";

    #[test]
    fn a_strong_star_story_has_every_signal() {
        let s = analyse(STRONG_STAR, InterviewType::Behavioral);
        assert!(!s.too_short && !s.rambling, "{} words", s.words);
        assert_eq!(s.star.count(), 4, "{:?}", s.star);
        assert!(s.quantified());
        assert!(s.quantities.iter().any(|q| q == "4%"), "{:?}", s.quantities);
        assert!(
            s.quantities.iter().any(|q| q == "$1.2m"),
            "{:?}",
            s.quantities
        );
        assert!(
            s.quantities.iter().any(|q| q == "0.3%"),
            "{:?}",
            s.quantities
        );
        assert!(!s.we_heavy());
        assert!(s.ownership().is_some_and(|r| r > 0.6));
        assert_eq!(s.filler_count(), 0);
    }

    #[test]
    fn a_collective_story_is_we_heavy_and_unquantified() {
        let s = analyse(WE_HEAVY, InterviewType::Behavioral);
        assert!(s.we_heavy(), "I {} we {}", s.i_count, s.we_count);
        assert_eq!(s.i_count, 0);
        assert!(!s.quantified(), "{:?}", s.quantities);
        assert!(!s.star.result || s.star.count() < 4);
    }

    #[test]
    fn a_one_liner_is_too_short() {
        let s = analyse(SHORT, InterviewType::Behavioral);
        assert!(s.too_short);
        assert_eq!(s.words, 11);
        assert!(!s.star.task && !s.star.result);
    }

    #[test]
    fn fillers_and_hedges_are_counted() {
        let s = analyse(HEDGY, InterviewType::Technical);
        let count = |w: &str| {
            s.fillers
                .iter()
                .find(|(f, _)| f == w)
                .map_or(0, |(_, n)| *n)
        };
        assert_eq!(count("um"), 2);
        assert_eq!(count("i guess"), 1);
        assert_eq!(count("like"), 1);
        assert_eq!(count("basically"), 1);
        assert_eq!(count("you know"), 1);
        assert_eq!(count("kind of"), 1);
        assert_eq!(count("sort of"), 1);
        assert!(s.filler_rate() > 10.0);
        // "depends on" is a reasoning cue even in a weak answer.
        assert!(s.reasons());
    }

    #[test]
    fn like_as_a_verb_is_not_a_filler() {
        let s = analyse(
            "I would like to lead a team, and it looks like a good fit.",
            InterviewType::Hr,
        );
        assert_eq!(s.filler_count(), 0, "{:?}", s.fillers);
    }

    #[test]
    fn years_are_not_impact_but_durations_are() {
        let q = quantities("In 2019 I joined, and within 3 weeks we cut costs by half.");
        assert_eq!(q, ["3 weeks", "half"]);
    }

    #[test]
    fn rambling_depends_on_the_interview_type() {
        let long = "I then reviewed the design because it mattered. ".repeat(50);
        assert!(analyse(&long, InterviewType::Behavioral).rambling);
        assert!(!analyse(&long, InterviewType::SystemDesign).rambling);
    }

    #[test]
    fn curly_apostrophes_count_as_first_person() {
        let s = analyse(
            "I’m the one who’d fix it; I’ve done it before.",
            InterviewType::General,
        );
        assert_eq!(s.i_count, 2);
    }
}
