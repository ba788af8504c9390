//! The full-screen terminal interface: a conversation sidebar, the message pane, the
//! input box and a status line.
//!
//! Data flows one way: terminal events and results of work become [`app::Event`]s;
//! [`app::App::update`] changes the state and returns [`app::Effect`]s (pure, no
//! I/O); [`runtime`] performs them over the service (conversations, sends, reports,
//! search, export, the key), or itself for the clipboard and the editor, and feeds
//! the results back. Nothing here touches the store or the secrets module. [`view`] draws the state. [`render`] and [`widgets`] hold the
//! pure drawing pieces: markdown, wrapping, the layout cache, forms and overlays.

pub mod app;
pub mod keys;
pub mod render;
pub mod runtime;
pub mod sidebar;
pub mod terminal;
pub mod transcript;
pub mod view;
pub mod widgets;

pub use runtime::run;
