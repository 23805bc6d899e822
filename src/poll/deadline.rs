//! When a poll closes by itself: `--until WHEN`.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

use super::Zone;

/// A moment in the future at which a poll closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Deadline(DateTime<Utc>);

/// Why a `WHEN` is not a deadline.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Not one of the four accepted forms.
    #[error("{0:?} is not a date, time or duration")]
    Unreadable(String),
    /// A moment that has already passed.
    #[error("{0} is in the past")]
    InThePast(DateTime<Utc>, Zone),
    /// A wall-clock time the chat's zone skips (the clocks go forward).
    #[error("{0:?} does not exist in {1}")]
    SkippedTime(String, &'static str),
}

impl Deadline {
    /// Reads `YYYY-MM-DD` (end of that day, UTC), `YYYY-MM-DD HH:MM` (UTC),
    /// `HH:MM` (the next time the clock shows it), RFC 3339, or a duration
    /// from `now` (`90m`, `36h`, `14d`).
    pub fn parse(when: &str, now: DateTime<Utc>) -> Result<Self, DeadlineError> {
        Self::parse_in(when, now, Zone::UTC)
    }

    /// [`Deadline::parse`] with `YYYY-MM-DD` and `YYYY-MM-DD HH:MM` read
    /// on `zone`'s wall clock (a repeated hour: the earlier).
    pub fn parse_in(when: &str, now: DateTime<Utc>, zone: Zone) -> Result<Self, DeadlineError> {
        let when = when.trim();
        let at = match parse_moment(when, now, zone) {
            Moment::At(at) => at,
            Moment::Skipped => return Err(DeadlineError::SkippedTime(when.into(), zone.name())),
            Moment::Unreadable => return Err(DeadlineError::Unreadable(when.into())),
        };
        if at <= now {
            return Err(DeadlineError::InThePast(at, zone));
        }
        Ok(Self(at))
    }

    pub fn at(self) -> DateTime<Utc> {
        self.0
    }

    /// A deadline at `at`, which the caller knows to be ahead (a series'
    /// next run).
    pub fn at_time(at: DateTime<Utc>) -> Self {
        Self(at)
    }
}

/// What a `WHEN` names.
enum Moment {
    At(DateTime<Utc>),
    /// A wall-clock time the zone skips.
    Skipped,
    Unreadable,
}

fn parse_moment(when: &str, now: DateTime<Utc>, zone: Zone) -> Moment {
    if let Some(duration) = parse_duration(when) {
        return now
            .checked_add_signed(duration)
            .map_or(Moment::Unreadable, Moment::At);
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(when) {
        return Moment::At(at.with_timezone(&Utc));
    }
    if let Ok(time) = NaiveTime::parse_from_str(when, "%H:%M") {
        return next_at_time(time, now, zone);
    }
    let local = NaiveDateTime::parse_from_str(when, "%Y-%m-%d %H:%M")
        .ok()
        .or_else(|| {
            let day = NaiveDate::parse_from_str(when, "%Y-%m-%d").ok()?;
            Some(day.and_time(NaiveTime::from_hms_opt(23, 59, 59)?))
        });
    match local {
        Some(local) => zone.moment(local).map_or(Moment::Skipped, Moment::At),
        None => Moment::Unreadable,
    }
}

/// `18:00`: the next time the zone's wall clock shows it (today, or
/// tomorrow once it has passed).
fn next_at_time(time: NaiveTime, now: DateTime<Utc>, zone: Zone) -> Moment {
    let today = zone.wall_clock(now).0.date();
    for day in [Some(today), today.succ_opt()].into_iter().flatten() {
        match zone.moment(day.and_time(time)) {
            Some(at) if at > now => return Moment::At(at),
            Some(_) => continue,
            None => return Moment::Skipped,
        }
    }
    Moment::Unreadable
}

pub(crate) fn parse_duration(text: &str) -> Option<Duration> {
    let unit = text.chars().last()?;
    let amount: i64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    if amount <= 0 {
        return None;
    }
    match unit {
        'm' => Duration::try_minutes(amount),
        'h' => Duration::try_hours(amount),
        'd' => Duration::try_days(amount),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2024-03-14T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_time_of_day_is_the_next_one_on_the_zones_clock() {
        let moscow = Zone::parse("Europe/Moscow").unwrap();
        // 10:00 UTC is 13:00 in Moscow.
        let at = |when: &str, zone| Deadline::parse_in(when, now(), zone).map(Deadline::at);
        assert_eq!(
            at("18:00", moscow),
            Ok("2024-03-14T15:00:00Z".parse().unwrap())
        );
        assert_eq!(
            at("09:00", moscow),
            Ok("2024-03-15T06:00:00Z".parse().unwrap())
        );
        assert_eq!(
            at("10:00", Zone::UTC),
            Ok("2024-03-15T10:00:00Z".parse().unwrap())
        );
        assert_eq!(
            at("10:01", Zone::UTC),
            Ok("2024-03-14T10:01:00Z".parse().unwrap())
        );
    }

    #[test]
    fn all_four_forms() {
        let at = |s: &str| Deadline::parse(s, now()).unwrap().at().to_rfc3339();
        assert_eq!(at("2024-03-20"), "2024-03-20T23:59:59+00:00");
        assert_eq!(at("2024-03-20 18:30"), "2024-03-20T18:30:00+00:00");
        assert_eq!(at("2024-03-20T18:30:00+02:00"), "2024-03-20T16:30:00+00:00");
        assert_eq!(at("90m"), "2024-03-14T11:30:00+00:00");
        assert_eq!(at("36h"), "2024-03-15T22:00:00+00:00");
        assert_eq!(at("14d"), "2024-03-28T10:00:00+00:00");
    }

    #[test]
    fn past_and_nonsense_are_refused() {
        assert!(matches!(
            Deadline::parse("2024-03-13", now()),
            Err(DeadlineError::InThePast(..))
        ));
        for bad in [
            "tomorrow",
            "0h",
            "-5d",
            "14",
            "d",
            "2024-13-01",
            "99999999999999999999d",
            "５d",
        ] {
            assert!(
                matches!(
                    Deadline::parse(bad, now()),
                    Err(DeadlineError::Unreadable(_))
                ),
                "{bad}"
            );
        }
    }
}
