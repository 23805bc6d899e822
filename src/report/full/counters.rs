//! What the full report counts besides the sections: new voters over
//! time ([`Timeline`], in [`BucketUnit`]s) and the cross-tab with another
//! poll ([`Profile`], shown as [`Cell`]s).

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::{HOURLY_BELOW, SMALL_CELL};
use crate::poll::{Poll, Share, shares_of_total, shares_of_voters};

/// The size of a timeline's buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketUnit {
    Hour,
    Day,
}

impl BucketUnit {
    /// Hours for polls shorter than [`HOURLY_BELOW`], else days.
    pub fn for_window(start: DateTime<Utc>, end: DateTime<Utc>) -> Self {
        if end - start < HOURLY_BELOW {
            Self::Hour
        } else {
            Self::Day
        }
    }

    pub fn duration(self) -> Duration {
        match self {
            Self::Hour => Duration::hours(1),
            Self::Day => Duration::days(1),
        }
    }
}

/// New voters per hour or day (UTC), each counted once, at their first
/// vote, under the option(s) they hold now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub unit: BucketUnit,
    /// The start of the first bucket (the poll's start, rounded down).
    pub start: DateTime<Utc>,
    /// Per bucket, per option: new voters.
    pub buckets: Vec<Vec<u64>>,
}

impl Timeline {
    /// Empty buckets covering `start` to `end`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>, options: usize) -> Self {
        let unit = BucketUnit::for_window(start, end);
        let step = unit.duration();
        let first = start.duration_trunc(step).unwrap_or(start);
        let end = end.max(start);
        let count = ((end - first).num_seconds() / step.num_seconds()) as usize + 1;
        Self {
            unit,
            start: first,
            buckets: vec![vec![0; options]; count],
        }
    }

    /// Counts one voter who first voted `at` and holds `options` now. A
    /// time outside the window goes to its first or last bucket.
    pub fn add(&mut self, at: DateTime<Utc>, options: &[u8]) {
        let step = self.unit.duration().num_seconds();
        let offset = (at - self.start).num_seconds().max(0) / step;
        let last = self.buckets.len() - 1;
        let bucket = &mut self.buckets[(offset as usize).min(last)];
        for &o in options {
            if let Some(count) = bucket.get_mut(usize::from(o)) {
                *count += 1;
            }
        }
    }

    /// The bucket `at` falls in, if it falls in the window.
    pub fn bucket_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let step = self.unit.duration().num_seconds();
        let offset = (at - self.start).num_seconds();
        let index = usize::try_from(offset / step)
            .ok()
            .filter(|_| offset >= 0)?;
        (index < self.buckets.len()).then_some(index)
    }

    /// When bucket `i` starts.
    pub fn bucket_start(&self, i: usize) -> DateTime<Utc> {
        self.start + self.unit.duration() * i as i32
    }

    /// New voters in each bucket.
    pub fn totals(&self) -> Vec<u64> {
        self.buckets.iter().map(|b| b.iter().sum()).collect()
    }
}

/// This poll's options (rows) by another poll's answers (columns), among
/// the voters who answered both.
#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// The other poll.
    pub by: Poll,
    /// Per row, per column: voters.
    pub counts: Vec<Vec<u64>>,
    /// Per row: voters who answered both polls (a row's total when each
    /// voter has one answer in the other poll).
    pub row_voters: Vec<u64>,
    /// Voters who answered both polls.
    pub voters: u64,
}

/// One cell of the cross-tab as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Fewer than [`SMALL_CELL`] voters: shown as `<5`, without a share.
    Small,
    /// The count and its share of the row.
    Shown { count: u64, share: Share },
}

impl Profile {
    pub fn new(options: usize, by: Poll) -> Self {
        let columns = by.option_count();
        Self {
            by,
            counts: vec![vec![0; columns]; options],
            row_voters: vec![0; options],
            voters: 0,
        }
    }

    /// Counts one voter who answered `row_options` here and `column_options`
    /// in the other poll.
    pub fn add(&mut self, row_options: &[u8], column_options: &[u8]) {
        if row_options.is_empty() || column_options.is_empty() {
            return;
        }
        self.voters += 1;
        for &r in row_options {
            let Some(row) = self.counts.get_mut(usize::from(r)) else {
                continue;
            };
            self.row_voters[usize::from(r)] += 1;
            for &c in column_options {
                if let Some(cell) = row.get_mut(usize::from(c)) {
                    *cell += 1;
                }
            }
        }
    }

    /// The cells of row `row` as shown: shares of the row (adding up to
    /// 100.0% when the other poll takes one answer), small cells hidden.
    pub fn row(&self, row: usize) -> Vec<Cell> {
        let counts = &self.counts[row];
        let shares = if self.by.multiple {
            shares_of_voters(counts, self.row_voters[row])
        } else {
            shares_of_total(counts)
        };
        counts
            .iter()
            .zip(shares)
            .map(|(&count, share)| {
                if count < SMALL_CELL {
                    Cell::Small
                } else {
                    Cell::Shown { count, share }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{ChatId, MessageId};
    use crate::poll::{PollId, PollNumber, PollOptions, PollQuestion, PollState};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn poll(options: &[&str], multiple: bool) -> Poll {
        Poll {
            id: PollId {
                chat: ChatId(-1),
                number: PollNumber(2),
            },
            question: PollQuestion::parse("Age?").unwrap(),
            options: PollOptions::parse(options).unwrap(),
            multiple,
            anonymous: false,
            created_at: at("2024-03-14T09:00:00Z"),
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: MessageId(1),
            telegram_id: "t".into(),
            thread: None,
            features: Default::default(),
        }
    }

    #[test]
    fn polls_shorter_than_three_days_get_hours() {
        let start = at("2024-03-14T09:30:00Z");
        let hourly = Timeline::new(start, at("2024-03-17T09:29:59Z"), 2);
        assert_eq!(hourly.unit, BucketUnit::Hour);
        assert_eq!(hourly.start, at("2024-03-14T09:00:00Z"));
        // 09:00 on the 14th to 09:00 on the 17th: 73 hours.
        assert_eq!(hourly.buckets.len(), 73);
        let daily = Timeline::new(start, at("2024-03-17T09:30:00Z"), 2);
        assert_eq!(daily.unit, BucketUnit::Day);
        assert_eq!(daily.start, at("2024-03-14T00:00:00Z"));
        assert_eq!(daily.buckets.len(), 4);
    }

    #[test]
    fn a_moment_marks_its_bucket_only_inside_the_window() {
        let t = Timeline::new(at("2024-03-14T09:00:00Z"), at("2024-03-28T18:00:00Z"), 3);
        // The demo's reminders, a week and a day before the close.
        assert_eq!(t.bucket_of(at("2024-03-21T18:00:00Z")), Some(7));
        assert_eq!(t.bucket_of(at("2024-03-27T18:00:00Z")), Some(13));
        assert_eq!(t.bucket_of(at("2024-03-14T00:00:00Z")), Some(0));
        assert_eq!(t.bucket_of(at("2024-03-13T23:59:59Z")), None);
        assert_eq!(t.bucket_of(at("2024-03-29T00:00:00Z")), None);
    }

    #[test]
    fn voters_land_in_their_bucket_under_the_option_they_hold() {
        let mut t = Timeline::new(at("2024-03-14T09:00:00Z"), at("2024-03-28T18:00:00Z"), 3);
        assert_eq!(t.buckets.len(), 15);
        t.add(at("2024-03-14T23:59:59Z"), &[0]);
        t.add(at("2024-03-15T00:00:00Z"), &[2]);
        t.add(at("2024-03-15T12:00:00Z"), &[2]);
        t.add(at("2024-03-28T17:00:00Z"), &[1]);
        // Outside the window: clamped to the ends.
        t.add(at("2024-03-01T00:00:00Z"), &[1]);
        t.add(at("2024-04-30T00:00:00Z"), &[0]);
        assert_eq!(t.buckets[0], [1, 1, 0]);
        assert_eq!(t.buckets[1], [0, 0, 2]);
        assert_eq!(t.buckets[14], [1, 1, 0]);
        assert_eq!(t.totals().iter().sum::<u64>(), 6);
        assert_eq!(t.bucket_start(1), at("2024-03-15T00:00:00Z"));
        // Several answers count under each option they hold.
        t.add(at("2024-03-16T00:00:00Z"), &[0, 2]);
        assert_eq!(t.buckets[2], [1, 0, 1]);
    }

    #[test]
    fn an_hourly_timeline_counts_by_hour() {
        let mut t = Timeline::new(at("2024-03-14T09:10:00Z"), at("2024-03-14T12:00:00Z"), 2);
        assert_eq!((t.unit, t.buckets.len()), (BucketUnit::Hour, 4));
        t.add(at("2024-03-14T09:59:00Z"), &[1]);
        t.add(at("2024-03-14T10:00:00Z"), &[1]);
        t.add(at("2024-03-14T11:30:00Z"), &[0]);
        assert_eq!(t.buckets, [vec![0, 1], vec![0, 1], vec![1, 0], vec![0, 0]]);
    }

    #[test]
    fn cross_tab_cells_under_five_are_hidden() {
        let mut p = Profile::new(2, poll(&["18-29", "30-44", "45+"], false));
        for _ in 0..5 {
            p.add(&[0], &[0]);
        }
        for _ in 0..4 {
            p.add(&[0], &[1]);
        }
        for _ in 0..11 {
            p.add(&[0], &[2]);
        }
        p.add(&[1], &[2]);
        // Not counted: no answer on one side.
        p.add(&[], &[2]);
        p.add(&[1], &[]);
        assert_eq!(p.voters, 21);
        assert_eq!(p.counts, [vec![5, 4, 11], vec![0, 0, 1]]);
        assert_eq!(
            p.row(0),
            [
                Cell::Shown {
                    count: 5,
                    share: Share(250)
                },
                Cell::Small,
                Cell::Shown {
                    count: 11,
                    share: Share(550)
                },
            ]
        );
        assert_eq!(p.row(1), [Cell::Small, Cell::Small, Cell::Small]);
    }

    #[test]
    fn several_answers_in_the_other_poll_give_shares_of_row_voters() {
        let mut p = Profile::new(1, poll(&["Tea", "Coffee"], true));
        for _ in 0..10 {
            p.add(&[0], &[0, 1]);
        }
        for _ in 0..10 {
            p.add(&[0], &[1]);
        }
        assert_eq!(p.row_voters, [20]);
        assert_eq!(
            p.row(0),
            [
                Cell::Shown {
                    count: 10,
                    share: Share(500)
                },
                Cell::Shown {
                    count: 20,
                    share: Share(1000)
                }
            ]
        );
    }
}
