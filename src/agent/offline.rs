//! Offline practice: the built-in question bank plays the interviewer.
//!
//! PLACEHOLDER until the question bank lands: replies with a fixed question.

use super::ChatRequest;

/// The interviewer's next turn for this conversation, with no network.
pub fn next_turn(_request: &ChatRequest) -> String {
    "Tell me about a project you are proud of. What was your part in it?".to_string()
}
