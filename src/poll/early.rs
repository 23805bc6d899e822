//! Early records: votes, copies, counts and replies that arrive while the
//! bot still waits for Telegram to confirm the poll they belong to.

use chrono::{DateTime, TimeDelta, Utc};

/// How long early records wait for their poll: a poll the bot posts is
/// stored within seconds, so one that has not come in a day never will.
pub const EARLY_KEPT_FOR: TimeDelta = TimeDelta::days(1);

/// Whether an early record kept since `at` (unknown: `None`) is to be
/// purged at `now`.
pub fn early_record_is_stale(at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    at.is_none_or(|at| now - at > EARLY_KEPT_FOR)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_records_wait_a_day_for_their_poll() {
        let now: DateTime<Utc> = "2026-12-03T12:00:00Z".parse().unwrap();
        assert!(!early_record_is_stale(
            Some(now - TimeDelta::hours(23)),
            now
        ));
        assert!(!early_record_is_stale(Some(now - EARLY_KEPT_FOR), now));
        assert!(early_record_is_stale(
            Some(now - EARLY_KEPT_FOR - TimeDelta::seconds(1)),
            now
        ));
        // A record whose time cannot be read is not kept forever.
        assert!(early_record_is_stale(None, now));
    }
}
