//! The full-screen terminal interface.

pub mod render;
pub mod widgets;
