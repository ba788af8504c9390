//! Time stamps: stored as Unix milliseconds, shown as RFC 3339 UTC or relative dates.
//! A leaf: imports nothing of ours.

use time::{OffsetDateTime, format_description::well_known::Rfc3339};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    let now = OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

fn to_datetime(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(ms as i128 * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// RFC 3339 UTC with second precision, e.g. `2026-11-25T05:37:45Z`.
pub fn rfc3339(ms: i64) -> String {
    let dt = to_datetime(ms)
        .replace_millisecond(0)
        .unwrap_or(to_datetime(ms));
    dt.format(&Rfc3339)
        .unwrap_or_else(|_| String::from("1970-01-01T00:00:00Z"))
}

/// Parses RFC 3339 back to milliseconds (used by import).
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let dt = OffsetDateTime::parse(s, &Rfc3339).ok()?;
    Some((dt.unix_timestamp_nanos() / 1_000_000) as i64)
}

/// `HH:MM` in UTC, for message time stamps in the pane.
pub fn clock(ms: i64) -> String {
    let dt = to_datetime(ms);
    format!("{:02}:{:02}", dt.hour(), dt.minute())
}

/// `YYYY-MM-DD HH:MM` in UTC.
pub fn date_time(ms: i64) -> String {
    let dt = to_datetime(ms);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        dt.year(),
        u8::from(dt.month()),
        dt.day(),
        dt.hour(),
        dt.minute()
    )
}

/// Short relative age like `now`, `5m`, `3h`, `2d`, or a date for old items.
pub fn relative(ms: i64, now: i64) -> String {
    let secs = (now - ms).max(0) / 1000;
    match secs {
        0..=59 => "now".into(),
        60..=3_599 => format!("{}m", secs / 60),
        3_600..=86_399 => format!("{}h", secs / 3600),
        86_400..=604_799 => format!("{}d", secs / 86_400),
        _ => {
            let dt = to_datetime(ms);
            format!(
                "{:04}-{:02}-{:02}",
                dt.year(),
                u8::from(dt.month()),
                dt.day()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_round_trips_to_the_second() {
        let ms = 1_764_049_065_123;
        let s = rfc3339(ms);
        assert_eq!(s, "2025-11-25T05:37:45Z");
        assert_eq!(parse_rfc3339(&s), Some(1_764_049_065_000));
    }

    #[test]
    fn relative_ages() {
        let now = 1_000_000_000_000;
        assert_eq!(relative(now, now), "now");
        assert_eq!(relative(now - 120_000, now), "2m");
        assert_eq!(relative(now - 7_200_000, now), "2h");
        assert_eq!(relative(now - 2 * 86_400_000, now), "2d");
        assert_eq!(relative(now - 30 * 86_400_000, now), "2001-08-10");
    }
}
