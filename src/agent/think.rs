//! A reasoning model's `<think>…</think>` block at the start of a reply (DeepSeek
//! R1, QwQ and others served by Ollama or llama.cpp put their thinking there, in the
//! content itself), told apart from the answer while the reply streams: the
//! thinking is not the interviewer's words, so it is stored apart from the reply
//! (`messages.reasoning`), hidden unless asked for, and never sent back in the
//! history.
//!
//! Pure: text in, answer and reasoning out. A tag split across chunks is held back
//! until it is whole.

const OPEN: &str = "<think>";
const CLOSE: &str = "</think>";

/// What one piece of streamed content holds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Split {
    /// Text of the answer, to show and store.
    pub answer: String,
    /// Text of the thinking, kept apart.
    pub reasoning: String,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Nothing but white space yet: the reply may open with `<think>`.
    #[default]
    Start,
    /// Inside the block.
    Thinking,
    /// Just after `</think>`: the white space before the answer is dropped.
    AfterThink,
    /// The answer: passed through.
    Answer,
}

/// Splits a streamed reply's content into the answer and a leading think block.
#[derive(Debug, Default, Clone)]
pub struct ThinkSplitter {
    state: State,
    /// Text held back: leading white space, or what may be part of a tag.
    pending: String,
}

impl ThinkSplitter {
    /// Whether content now passes through untouched (the answer has begun and
    /// nothing is held back), so [`ThinkSplitter::push`] can be skipped.
    pub fn passes_through(&self) -> bool {
        self.state == State::Answer && self.pending.is_empty()
    }

    /// Takes the next piece of content.
    pub fn push(&mut self, text: &str) -> Split {
        let mut out = Split::default();
        self.pending.push_str(text);
        loop {
            match self.state {
                State::Start => {
                    let trimmed = self.pending.trim_start();
                    if let Some(rest) = trimmed.strip_prefix(OPEN) {
                        self.pending = rest.to_string();
                        self.state = State::Thinking;
                        continue;
                    }
                    if trimmed.is_empty() || OPEN.starts_with(trimmed) {
                        return out;
                    }
                    self.state = State::Answer;
                    out.answer.push_str(&std::mem::take(&mut self.pending));
                    return out;
                }
                State::Thinking => {
                    if let Some(at) = self.pending.find(CLOSE) {
                        out.reasoning.push_str(&self.pending[..at]);
                        self.pending = self.pending[at + CLOSE.len()..].to_string();
                        self.state = State::AfterThink;
                        continue;
                    }
                    // Keep what may be the start of `</think>` (ASCII: a char boundary).
                    let keep = (1..CLOSE.len())
                        .rev()
                        .find(|&k| self.pending.ends_with(&CLOSE[..k]))
                        .unwrap_or(0);
                    let cut = self.pending.len() - keep;
                    out.reasoning.push_str(&self.pending[..cut]);
                    self.pending.drain(..cut);
                    return out;
                }
                State::AfterThink => {
                    let trimmed = self.pending.trim_start();
                    if !trimmed.is_empty() {
                        out.answer.push_str(trimmed);
                        self.state = State::Answer;
                    }
                    self.pending.clear();
                    return out;
                }
                State::Answer => {
                    out.answer.push_str(&std::mem::take(&mut self.pending));
                    return out;
                }
            }
        }
    }

    /// The reply ended: what was held back (a lone `<thi`, an unclosed block).
    pub fn finish(&mut self) -> Split {
        let pending = std::mem::take(&mut self.pending);
        match self.state {
            State::Start | State::Answer => Split {
                answer: pending,
                reasoning: String::new(),
            },
            State::Thinking => Split {
                answer: String::new(),
                reasoning: pending,
            },
            State::AfterThink => Split::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole of `pieces`, streamed: (answer, reasoning).
    fn split(pieces: &[&str]) -> (String, String) {
        let mut s = ThinkSplitter::default();
        let mut answer = String::new();
        let mut reasoning = String::new();
        for p in pieces {
            let out = s.push(p);
            answer.push_str(&out.answer);
            reasoning.push_str(&out.reasoning);
        }
        let out = s.finish();
        answer.push_str(&out.answer);
        reasoning.push_str(&out.reasoning);
        (answer, reasoning)
    }

    #[test]
    fn a_leading_think_block_is_kept_apart_however_it_is_cut() {
        let text = "<think>\nThe candidate wants a backend role.\n</think>\n\nHello! Which role?";
        let want = (
            "Hello! Which role?".to_string(),
            "\nThe candidate wants a backend role.\n".to_string(),
        );
        assert_eq!(split(&[text]), want);
        // Every way of cutting it in two, and one character at a time.
        for at in 1..text.len() {
            assert_eq!(split(&[&text[..at], &text[at..]]), want, "cut at {at}");
        }
        let chars: Vec<String> = text.chars().map(String::from).collect();
        let pieces: Vec<&str> = chars.iter().map(String::as_str).collect();
        assert_eq!(split(&pieces), want);
    }

    #[test]
    fn replies_without_a_leading_block_pass_through_untouched() {
        for text in [
            "Hello! Which role?",
            "  Indented answer",
            "Use <think> tags? Not here.",
            "<thin crust> pizza",
            "<",
            "",
        ] {
            assert_eq!(
                split(&[text]),
                (text.to_string(), String::new()),
                "{text:?}"
            );
        }
        // A block later in the answer is the answer's (a candidate may quote one).
        let later = "Answer first. <think>not hidden</think>";
        assert_eq!(split(&[later]), (later.to_string(), String::new()));
    }

    #[test]
    fn an_unclosed_block_is_all_reasoning_and_an_empty_answer_stays_empty() {
        assert_eq!(
            split(&["<think>still thinking</thi"]),
            (String::new(), "still thinking</thi".to_string())
        );
        assert_eq!(
            split(&["<think>done</think>  \n"]),
            (String::new(), "done".to_string())
        );
    }
}
