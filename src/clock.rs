//! The time the service goes by for the practice schedule: the system clock, or a
//! fixed time for tests. `INTERVIEWER_NOW=<unix seconds>` is a test hook (see
//! docs/testing.md) that pins the clock, so the 1/3/7-day schedule can be proven
//! end to end without waiting. A leaf: imports nothing of ours but `timefmt`.

use std::sync::atomic::{AtomicI64, Ordering};

/// Environment variable that pins the clock (Unix seconds). A test hook.
pub const NOW_ENV: &str = "INTERVIEWER_NOW";

/// A source of the current time in Unix milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now_ms(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        crate::timefmt::now_ms()
    }
}

/// A clock that says what it is told (tests).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    pub fn new(ms: i64) -> FixedClock {
        FixedClock(AtomicI64::new(ms))
    }

    pub fn set(&self, ms: i64) {
        self.0.store(ms, Ordering::SeqCst);
    }

    pub fn advance(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for FixedClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now_ms(&self) -> i64 {
        (**self).now_ms()
    }
}

/// The clock the program runs with: pinned by `INTERVIEWER_NOW` when it holds
/// Unix seconds, the system clock otherwise (an unreadable value is logged and
/// ignored).
pub fn from_env() -> std::sync::Arc<dyn Clock> {
    match std::env::var(NOW_ENV) {
        Ok(v) => match parse_seconds(&v) {
            Some(ms) => std::sync::Arc::new(FixedClock::new(ms)),
            None => {
                tracing::warn!(value = %v, "{NOW_ENV} is not Unix seconds; using the system clock");
                std::sync::Arc::new(SystemClock)
            }
        },
        Err(_) => std::sync::Arc::new(SystemClock),
    }
}

/// Unix seconds as milliseconds.
fn parse_seconds(v: &str) -> Option<i64> {
    v.trim().parse::<i64>().ok()?.checked_mul(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(1_000);
        assert_eq!(c.now_ms(), 1_000);
        c.advance(500);
        assert_eq!(c.now_ms(), 1_500);
        c.set(7);
        assert_eq!(c.now_ms(), 7);
    }

    #[test]
    fn the_hook_reads_unix_seconds() {
        assert_eq!(parse_seconds(" 1800000000 "), Some(1_800_000_000_000));
        assert_eq!(parse_seconds("tomorrow"), None);
        assert_eq!(parse_seconds(&i64::MAX.to_string()), None);
    }
}
