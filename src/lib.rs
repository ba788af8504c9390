//! `interviewer`: practise job interviews with an AI interviewer in the terminal, and
//! review past interviews offline. The binary (`main.rs`) is a thin shell over this
//! library so that integration tests and benchmarks can reach the same code.
//!
//! Layers point down: the faces (`tui`, `commands`) call the `service`, which uses
//! the `agent`, the `store` and `secrets`; everything speaks `domain` types. Only
//! the store speaks SQL, only the service persists, only secrets reads the key. The
//! map of the code and its invariants: `docs/architecture.md`.

pub mod agent;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod config;
pub mod crash;
pub mod domain;
pub mod export;
pub mod fixture;
pub mod fsutil;
pub mod import;
pub mod logging;
pub mod progress;
pub mod redact;
pub mod sanitize;
pub mod search;
pub mod secrets;
pub mod service;
pub mod signals;
pub mod store;
pub mod stream_lock;
pub mod timefmt;
pub mod tui;
