//! `--remind 1d,1h`: reminders posted that long before a poll's deadline.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::deadline::parse_duration;

/// The most reminders one poll takes.
pub const MAX_REMINDERS: usize = 5;

/// A reminder, this long before the deadline; `sent` once it went out (or
/// may have: it is never posted twice).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub before_seconds: i64,
    #[serde(default)]
    pub sent: bool,
}

impl Reminder {
    /// When it is due, for a poll closing at `deadline`.
    pub fn due_at(self, deadline: DateTime<Utc>) -> DateTime<Utc> {
        deadline - Duration::seconds(self.before_seconds)
    }
}

/// Why a `--remind` list cannot be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReminderError {
    /// Not a duration (`90m`, `36h`, `1d`).
    Unreadable(String),
    /// It would fall at or before now.
    InThePast(String),
    /// More than [`MAX_REMINDERS`].
    TooMany(usize),
}

/// Reads `1d,1h` for a poll closing at `deadline`, posted at `now`: the
/// reminders, earliest first, each once.
pub fn parse_reminders(
    text: &str,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<Reminder>, ReminderError> {
    let mut reminders: Vec<Reminder> = Vec::new();
    for part in text.split(',').map(str::trim) {
        let before = parse_duration(part).ok_or_else(|| ReminderError::Unreadable(part.into()))?;
        let reminder = Reminder {
            before_seconds: before.num_seconds(),
            sent: false,
        };
        if reminder.due_at(deadline) <= now {
            return Err(ReminderError::InThePast(part.into()));
        }
        if !reminders.contains(&reminder) {
            reminders.push(reminder);
        }
    }
    if reminders.len() > MAX_REMINDERS {
        return Err(ReminderError::TooMany(reminders.len()));
    }
    // The earliest (the longest before the deadline) first.
    reminders.sort_by_key(|r| std::cmp::Reverse(r.before_seconds));
    Ok(reminders)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2024-03-14T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn reminders_are_read_earliest_first_each_once() {
        let deadline = now() + Duration::days(3);
        let reminders = parse_reminders("1h, 1d,1h", deadline, now()).unwrap();
        assert_eq!(
            reminders
                .iter()
                .map(|r| r.before_seconds)
                .collect::<Vec<_>>(),
            [86_400, 3_600]
        );
        assert_eq!(
            reminders[0].due_at(deadline),
            "2024-03-16T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
    }

    #[test]
    fn a_reminder_in_the_past_or_unreadable_is_named() {
        let deadline = now() + Duration::hours(12);
        assert_eq!(
            parse_reminders("1h,1d", deadline, now()),
            Err(ReminderError::InThePast("1d".into()))
        );
        assert_eq!(
            parse_reminders("12h", deadline, now()),
            Err(ReminderError::InThePast("12h".into())),
            "due right now is too late"
        );
        for bad in ["", "1w", "0h", "-1h", "h", "1.5h"] {
            assert_eq!(
                parse_reminders(bad, deadline, now()),
                Err(ReminderError::Unreadable(bad.into())),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_reminders("1m,2m,3m,4m,5m,6m", deadline, now()),
            Err(ReminderError::TooMany(6))
        );
    }
}
