//! Pure rendering: text in, styled ratatui lines out. No terminal, no I/O.

pub mod wrap;
