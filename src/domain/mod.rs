//! The bottom layer: plain data every other layer speaks in. Conversations and
//! messages, the interview setup, the personas registry, the feedback report's
//! shape and validation, the practice loop's drill feedback and spaced-repetition
//! schedule (`drill`), and the API key as a value that never shows whole.
//!
//! It owns no I/O and imports nothing of ours, so anything may depend on it and it
//! on nothing: the CLI parser, the config, the agent, the store and the widgets all
//! name these types without reaching into each other.

pub mod conversation;
pub mod drill;
pub mod key;
pub mod persona;
pub mod report;

pub use conversation::*;
