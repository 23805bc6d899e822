//! `--every 1w`: the same poll posted again each period, each run its own
//! number; and the trend of a series, run by run.

use chrono::{DateTime, Days, Months, Utc};
use serde::{Deserialize, Serialize};

use super::{Share, Tally, shares_of_total, shares_of_voters};

/// How often a series runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Days(u32),
    Weeks(u32),
    Months(u32),
}

impl Period {
    /// Reads `1d`, `2w`, `1mo` (a whole number from 1, then the unit).
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim().to_ascii_lowercase();
        let (digits, unit) = match text.strip_suffix("mo") {
            Some(digits) => (digits, "mo"),
            None => text.split_at(text.len().saturating_sub(1)),
        };
        let count: u32 = digits.parse().ok().filter(|&n| n > 0 && n <= 1000)?;
        match unit {
            "d" => Some(Period::Days(count)),
            "w" => Some(Period::Weeks(count)),
            "mo" => Some(Period::Months(count)),
            _ => None,
        }
    }

    /// One period after `at` (a month later on the same day of the month,
    /// or its last day).
    pub fn after(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let later = match self {
            Period::Days(n) => at.checked_add_days(Days::new(u64::from(n))),
            Period::Weeks(n) => at.checked_add_days(Days::new(7 * u64::from(n))),
            Period::Months(n) => at.checked_add_months(Months::new(n)),
        };
        later.unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// A poll of a series: how often it runs, and the number of its first run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Series {
    pub every: Period,
    /// The first run's number (`None` until it is posted).
    pub first: Option<u32>,
}

/// One run of a series as its trend shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub number: u32,
    pub posted_at: DateTime<Utc>,
    pub voters: u64,
    /// Each option's share, in poll order.
    pub shares: Vec<Share>,
}

impl Run {
    /// A run from its tally: shares of all votes, or of voters when
    /// voters may choose several options.
    pub fn new(number: u32, posted_at: DateTime<Utc>, tally: &Tally, multiple: bool) -> Run {
        let shares = match multiple {
            true => shares_of_voters(&tally.counts, tally.voters),
            false => shares_of_total(&tally.counts),
        };
        Run {
            number,
            posted_at,
            voters: tally.voters,
            shares,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn periods_are_days_weeks_or_months() {
        assert_eq!(Period::parse("1d"), Some(Period::Days(1)));
        assert_eq!(Period::parse("2W"), Some(Period::Weeks(2)));
        assert_eq!(Period::parse("1mo"), Some(Period::Months(1)));
        for bad in ["", "d", "0d", "1h", "1m", "1y", "-1w", "1.5w", "mo"] {
            assert_eq!(Period::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_month_later_keeps_the_day_or_takes_the_last() {
        let start = at("2026-01-31T09:00:00Z");
        assert_eq!(Period::Months(1).after(start), at("2026-02-28T09:00:00Z"));
        assert_eq!(Period::Weeks(1).after(start), at("2026-02-07T09:00:00Z"));
        assert_eq!(Period::Days(1).after(start), at("2026-02-01T09:00:00Z"));
    }
}
