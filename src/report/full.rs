//! The full report: one section per option, the timeline, the methodology
//! and the participant profile, counted in one streaming pass over the
//! records the caller supplies and rendered as `report.html` with its
//! charts.
//!
//! [`FullReportData::count`] reads each ballot, voter history and comment
//! once as they stream and keeps only counters and a few comments per
//! option, so a poll of a million votes needs no more memory than one of a
//! thousand. [`write_full_report`] renders it; the bot's `/report` and
//! `pollbot report` load the data with `app::load::full_report_data`.

use std::collections::HashMap;
use std::io::Write;

use chrono::{DateTime, Duration, DurationRound, Utc};

use super::{PollReport, ReadError, Records, breakdown, chart, html};
use crate::i18n::Language;
use crate::poll::{Comment, Poll, PollId, PollNumber, Share, shares_of_total, shares_of_voters};

/// How many comments each option's section quotes.
pub const COMMENTS_PER_OPTION: usize = 3;

/// Cross-tab cells with fewer voters than this are shown as `<5`.
pub const SMALL_CELL: u64 = 5;

/// Polls shorter than this get an hourly timeline; longer ones a daily one.
pub const HOURLY_BELOW: Duration = Duration::days(3);

/// What the bot sends besides `report.html`: the timeline chart with a
/// short headline as its caption, and the profile chart when asked for.
#[derive(Debug, Clone)]
pub struct FullReport {
    /// One or two sentences: the leader and its share, the option whose
    /// voters wrote the most comments, totals of comments and approvals.
    pub headline: String,
    /// `timeline.png`.
    pub timeline_png: Vec<u8>,
    /// `profile.png`, with `--by`.
    pub profile_png: Option<Vec<u8>>,
}

/// Why the full report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum FullReportError {
    /// The report's own poll does not exist.
    #[error("there is no poll {} in chat {}", .0.number, .0.chat)]
    PollNotFound(PollId),
    /// `--by` names a poll the chat does not have.
    #[error("there is no poll {0} in this chat to cross with")]
    ProfileNotFound(PollNumber),
    /// `--by` names an anonymous poll: no voters are known.
    #[error("poll {0} is anonymous: its voters are not known, so it cannot be crossed")]
    ProfileAnonymous(PollNumber),
    /// The report's own poll is anonymous and `--by` was given.
    #[error("this poll is anonymous: its voters are not known, so it cannot be crossed")]
    CannotCrossAnonymous,
    /// Reading the poll's records failed.
    #[error(transparent)]
    Read(ReadError),
    /// A chart could not be drawn.
    #[error("cannot draw a chart: {0}")]
    Chart(#[from] chart::ChartError),
    /// Writing the HTML failed.
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
}

impl FullReportError {
    /// A failed read of the caller's records.
    pub fn read(error: impl Into<ReadError>) -> Self {
        Self::Read(error.into())
    }
}

/// Writes `report.html` of `data` to `html` in `language`, and returns the
/// charts and headline that go with it.
pub fn write_full_report(
    data: &FullReportData,
    language: Language,
    mut html: impl Write,
) -> Result<FullReport, FullReportError> {
    let results_png = chart::render_png(&data.report.chart_input(language))?;
    let timeline_png = breakdown::render_timeline_png(&html::timeline_input(data, language))?;
    let profile_png = match &data.profile {
        Some(profile) => Some(breakdown::render_profile_png(&html::profile_input(
            data, profile, language,
        ))?),
        None => None,
    };
    // A campaign of many chats may have a legend too tall to draw: its
    // section keeps its tables without the chart.
    let campaign_png = data.campaign.as_ref().and_then(|campaign| {
        super::campaign_chart::render_stacked_png(&campaign.chart_input(language)).ok()
    });
    let charts = html::Charts {
        results: &results_png,
        timeline: &timeline_png,
        profile: profile_png.as_deref(),
        campaign: campaign_png.as_deref(),
    };
    html::write_page(data, &charts, language, &mut html)?;
    html.flush()?;
    Ok(FullReport {
        headline: html::headline(data, language),
        timeline_png,
        profile_png,
    })
}

/// Everything the full report shows, computed.
#[derive(Debug, Clone)]
pub struct FullReportData {
    /// The poll, its tally and its overall top comments.
    pub report: PollReport,
    /// The chat's title, when known.
    pub chat_title: Option<String>,
    /// One section per option, most votes first (ties in poll order).
    pub sections: Vec<OptionSection>,
    /// Comments under the poll.
    pub comments: u64,
    /// Approvals of all its comments.
    pub approvals: u64,
    /// The earliest answer (of voters who withdrew too).
    pub first_vote: Option<DateTime<Utc>>,
    /// The latest answer, a withdrawal included.
    pub last_vote: Option<DateTime<Utc>>,
    /// New voters over time, by the option they hold now.
    pub timeline: Timeline,
    /// The cross-tab with another poll, with `--by`.
    pub profile: Option<Profile>,
    /// The poll's campaign, when it runs in several chats: the per-chat
    /// section.
    pub campaign: Option<super::CampaignReport>,
}

/// One option's section.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSection {
    /// The option's index in the poll.
    pub index: usize,
    pub count: u64,
    pub share: Share,
    /// Comments written by voters who hold this option now.
    pub comments: u64,
    /// Their most-approved comments, most approvals first (ties to the
    /// earlier message), at most [`COMMENTS_PER_OPTION`].
    pub top: Vec<Comment>,
}

impl FullReportData {
    /// Counts the full report of `report`'s poll from its ballots and
    /// comments in `records`, crossed with poll `by` (whose ballots come from
    /// `records` too) if given. `chat_title` and `campaign` are shown as
    /// they are.
    pub fn count(
        report: PollReport,
        chat_title: Option<String>,
        by: Option<Poll>,
        campaign: Option<super::CampaignReport>,
        records: &impl Records,
    ) -> Result<Self, FullReportError> {
        let id = report.poll.id;
        let poll = &report.poll;
        let options = poll.option_count();
        let end = report_end(poll);
        let mut timeline = Timeline::new(poll.created_at, end, options);
        let mut profile = by.map(|by| Profile::new(options, by));
        // Kept by the store since it counts them; an older database's tally
        // lacks them, and its ballots give what is known.
        let mut first_vote = report.tally.first_vote_at;
        let mut last_vote = report.tally.last_vote_at;

        // Comment authors first, so that the pass over the ballots can note
        // what they chose: looking each one up among a million ballots would
        // go to disk every time.
        let mut author_options: HashMap<i64, Vec<u8>> = HashMap::new();
        for comment in records.comments(id) {
            if let Some(author) = comment.map_err(FullReportError::read)?.author {
                author_options.insert(author.id, Vec::new());
            }
        }

        // This poll's ballots and the other poll's both come in user id
        // order: one merged pass over the two.
        let mut others = profile
            .as_ref()
            .map(|p| records.ballots(p.by.id).peekable());
        for ballot in records.ballots(id) {
            let ballot = ballot.map_err(FullReportError::read)?;
            let user = ballot.voter.id;
            let first = ballot.first_voted_at.unwrap_or(ballot.voted_at);
            first_vote = Some(first_vote.map_or(first, |f| f.min(first)));
            last_vote = Some(last_vote.map_or(ballot.voted_at, |l| l.max(ballot.voted_at)));
            let counted = poll.counted_part(&ballot);
            timeline.add(first, &counted);
            if let Some(options) = author_options.get_mut(&user) {
                options.clone_from(&counted);
            }
            if let (Some(profile), Some(others)) = (profile.as_mut(), others.as_mut()) {
                while let Some(other) =
                    others.next_if(|b| b.as_ref().map_or(true, |b| b.voter.id <= user))
                {
                    let other = other.map_err(FullReportError::read)?;
                    if other.voter.id == user {
                        let columns = profile.by.counted_part(&other);
                        profile.add(&counted, &columns);
                    }
                }
            }
        }

        let mut sections = sections(&report);
        let mut comments = 0;
        let mut approvals = 0;
        for comment in records.comments(id) {
            let comment = comment.map_err(FullReportError::read)?;
            comments += 1;
            approvals += u64::from(comment.approvals());
            let Some(author) = &comment.author else {
                continue;
            };
            // Authors who withdrew (or never voted) hold no option.
            if let Some(options) = author_options.get(&author.id) {
                add_comment(&mut sections, options, &comment);
            }
        }
        Ok(Self {
            report,
            chat_title,
            sections,
            comments,
            approvals,
            first_vote,
            last_vote,
            timeline,
            profile,
            campaign,
        })
    }

    /// The option the most votes, if anyone voted (the first in poll order
    /// on a tie, as the sections are ordered).
    pub fn leader(&self) -> Option<&OptionSection> {
        self.sections.first().filter(|s| s.count > 0)
    }

    /// The option whose voters wrote the most comments, if any did (ties to
    /// the option with more votes).
    pub fn most_discussed(&self) -> Option<&OptionSection> {
        let most = self.sections.iter().map(|s| s.comments).max()?;
        self.sections
            .iter()
            .find(|s| s.comments == most)
            .filter(|s| s.comments > 0)
    }
}

/// When the report's window ends: the close, else the deadline if it has
/// passed, else now.
fn report_end(poll: &Poll) -> DateTime<Utc> {
    let now = Utc::now();
    poll.closed_at
        .or(poll.deadline.filter(|d| *d < now))
        .unwrap_or(now)
        .max(poll.created_at)
}

/// Empty sections in the order of votes.
fn sections(report: &PollReport) -> Vec<OptionSection> {
    let mut sections: Vec<OptionSection> = report
        .rows()
        .into_iter()
        .map(|row| OptionSection {
            index: usize::from(row.index),
            count: row.count,
            share: row.share,
            comments: 0,
            top: Vec::new(),
        })
        .collect();
    sections.sort_by(|a, b| b.count.cmp(&a.count).then(a.index.cmp(&b.index)));
    sections
}

/// Counts a comment for each option its author holds now (`author_options`,
/// option indexes), and keeps it if it is among that option's most
/// approved.
pub fn add_comment(sections: &mut [OptionSection], author_options: &[u8], comment: &Comment) {
    for section in sections
        .iter_mut()
        .filter(|s| author_options.contains(&(s.index as u8)))
    {
        section.comments += 1;
        let rank = |c: &Comment| (std::cmp::Reverse(c.approvals()), c.message_id);
        let place = section.top.partition_point(|c| rank(c) < rank(comment));
        if place < COMMENTS_PER_OPTION {
            section.top.insert(place, comment.clone());
            section.top.truncate(COMMENTS_PER_OPTION);
        }
    }
}

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
    use crate::poll::{PollOptions, PollQuestion, PollState};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn poll(options: &[&str], multiple: bool) -> Poll {
        Poll {
            id: PollId {
                chat: -1,
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
            message_id: 1,
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

    fn comment(message_id: i32, approvals: u32) -> Comment {
        Comment {
            poll: poll(&["a", "b"], false).id,
            chat: -1,
            message_id,
            author: None,
            sender: None,
            replied_option: None,
            reply_to: 1,
            text: format!("comment {message_id}"),
            posted_at: at("2024-03-14T10:00:00Z"),
            edited_at: None,
            approvals_by_users: approvals,
            approvals_counted: 0,
        }
    }

    #[test]
    fn each_option_keeps_its_own_voters_three_most_approved_comments() {
        let ballot = |o: &[u8]| o.to_vec();
        let mut sections: Vec<OptionSection> = (0..3)
            .map(|index| OptionSection {
                index,
                count: 0,
                share: Share(0),
                comments: 0,
                top: Vec::new(),
            })
            .collect();
        add_comment(&mut sections, &ballot(&[0]), &comment(10, 3));
        add_comment(&mut sections, &ballot(&[0]), &comment(11, 9));
        add_comment(&mut sections, &ballot(&[1]), &comment(12, 50));
        add_comment(&mut sections, &ballot(&[0]), &comment(13, 3));
        add_comment(&mut sections, &ballot(&[0, 2]), &comment(14, 4));
        add_comment(&mut sections, &ballot(&[0]), &comment(9, 1));
        let ids = |s: &OptionSection| s.top.iter().map(|c| c.message_id).collect::<Vec<_>>();
        // Option 0: 11 (9), 14 (4), 10 (3, earlier than 13); never 12.
        assert_eq!(ids(&sections[0]), [11, 14, 10]);
        assert_eq!(sections[0].comments, 5);
        assert_eq!(ids(&sections[1]), [12]);
        assert_eq!(sections[1].comments, 1);
        assert_eq!(ids(&sections[2]), [14]);
        assert_eq!(sections[2].comments, 1);
    }
}
