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

use chrono::{DateTime, Duration, Utc};

mod counters;

pub use counters::{BucketUnit, Cell, Profile, Timeline};

use super::{PollReport, ReadError, Records, breakdown, chart, html};
use crate::i18n::Language;
use crate::poll::{
    BallotKind, Comment, Poll, PollId, PollNumber, RankedResults, Share, ShareInterval, UserId,
    wilson_share_interval,
};

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
    // Many options over many rounds may be too tall to draw: the rounds
    // section keeps its table without the chart.
    let rounds_png = data
        .ranked
        .as_ref()
        .and_then(|ranked| super::ranked::rounds_png(&data.report, ranked, language).ok());
    let charts = html::Charts {
        results: &results_png,
        timeline: &timeline_png,
        profile: profile_png.as_deref(),
        campaign: campaign_png.as_deref(),
        rounds: rounds_png.as_deref(),
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
    /// A ranked poll's runoff, Borda scores and head-to-head counts (see
    /// [`FullReportData::with_ranked`]): the rounds, Borda and
    /// head-to-head sections. `None` for any other poll.
    pub ranked: Option<RankedResults>,
}

/// One option's section.
#[derive(Debug, Clone, PartialEq)]
pub struct OptionSection {
    /// The option's index in the poll.
    pub index: usize,
    pub count: u64,
    pub share: Share,
    /// The share's 95% Wilson interval, of the share's own denominator
    /// (all votes, or voters when several answers are allowed); `None`
    /// when nobody voted.
    pub interval: Option<ShareInterval>,
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
        // Comment authors first, so that the pass over the ballots can note
        // what they chose: looking each one up among a million ballots would
        // go to disk every time.
        let mut author_options: HashMap<UserId, Vec<u8>> = HashMap::new();
        for comment in records.comments(id) {
            if let Some(author) = comment.map_err(FullReportError::read)?.author {
                author_options.insert(author.id, Vec::new());
            }
        }
        let voting = Voting::count(&report, by, &mut author_options, records)?;

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
            first_vote: voting.first_vote,
            last_vote: voting.last_vote,
            timeline: voting.timeline,
            profile: voting.profile,
            campaign,
            ranked: None,
        })
    }

    /// The report with a ranked poll's results, counted by the caller
    /// (`RankedResults::count` over the poll's rankings).
    pub fn with_ranked(self, ranked: RankedResults) -> Self {
        Self {
            ranked: Some(ranked),
            ..self
        }
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

/// What the pass over the ballots counts.
struct Voting {
    timeline: Timeline,
    profile: Option<Profile>,
    first_vote: Option<DateTime<Utc>>,
    last_vote: Option<DateTime<Utc>>,
}

impl Voting {
    /// One pass over the poll's ballots (and, crossed with `by`, the other
    /// poll's), noting what each of `author_options`' authors holds.
    fn count(
        report: &PollReport,
        by: Option<Poll>,
        author_options: &mut HashMap<UserId, Vec<u8>>,
        records: &impl Records,
    ) -> Result<Self, FullReportError> {
        let poll = &report.poll;
        let options = poll.option_count();
        let mut timeline = Timeline::new(poll.created_at, report_end(poll), options);
        let mut profile = by.map(|by| Profile::new(options, by));
        // Kept by the store since it counts them; an older database's tally
        // lacks them, and its ballots give what is known.
        let mut first_vote = report.tally.first_vote_at;
        let mut last_vote = report.tally.last_vote_at;

        // This poll's ballots and the other poll's both come in user id
        // order: one merged pass over the two.
        let mut others = profile
            .as_ref()
            .map(|p| records.ballots(p.by.id).peekable());
        for ballot in records.ballots(poll.id) {
            let ballot = ballot.map_err(FullReportError::read)?;
            let user = ballot.voter.id;
            let first = ballot.first_voted_at.unwrap_or(ballot.voted_at);
            first_vote = Some(first_vote.map_or(first, |f| f.min(first)));
            last_vote = Some(last_vote.map_or(ballot.voted_at, |l| l.max(ballot.voted_at)));
            let counted = poll.counted_part(&ballot);
            timeline.add(first, &counted);
            if let Some(options) = author_options.get_mut(&user) {
                options.clone_from(&counted);
                // A ranked ballot lists the voter's first preference first:
                // their comments belong to that option's section alone.
                if poll.features.ballot == BallotKind::Ranked {
                    options.truncate(1);
                }
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
        Ok(Voting {
            timeline,
            profile,
            first_vote,
            last_vote,
        })
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
    let rows = report.rows();
    // The interval's n is the share's: all votes for a poll of one answer
    // (a ranked ballot's first preference is its one vote), voters for one
    // of several.
    let trials = if report.poll.multiple {
        report.tally.voters
    } else {
        rows.iter().map(|row| row.count).sum()
    };
    let mut sections: Vec<OptionSection> = rows
        .into_iter()
        .map(|row| OptionSection {
            index: usize::from(row.index),
            count: row.count,
            share: row.share,
            interval: wilson_share_interval(row.count, trials),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::{ChatId, MessageId};

    fn comment(message_id: i32, approvals: u32) -> Comment {
        Comment {
            poll: PollId {
                chat: ChatId(-1),
                number: PollNumber(2),
            },
            chat: ChatId(-1),
            message_id: MessageId(message_id),
            author: None,
            sender: None,
            replied_option: None,
            reply_to: MessageId(1),
            text: format!("comment {message_id}"),
            posted_at: "2024-03-14T10:00:00Z".parse().unwrap(),
            edited_at: None,
            approvals_by_users: approvals,
            approvals_counted: 0,
        }
    }

    /// Ballots and comments in memory, for any poll.
    struct Memory {
        ballots: Vec<crate::poll::Ballot>,
        comments: Vec<Comment>,
    }

    impl Records for Memory {
        type Error = std::io::Error;

        fn ballots(
            &self,
            _: PollId,
        ) -> impl Iterator<Item = Result<crate::poll::Ballot, Self::Error>> + '_ {
            self.ballots.iter().cloned().map(Ok)
        }

        fn comments(&self, _: PollId) -> impl Iterator<Item = Result<Comment, Self::Error>> + '_ {
            self.comments.iter().cloned().map(Ok)
        }

        fn ballot(
            &self,
            _: PollId,
            user: UserId,
        ) -> Result<Option<crate::poll::Ballot>, Self::Error> {
            Ok(self.ballots.iter().find(|b| b.voter.id == user).cloned())
        }
    }

    #[test]
    fn a_ranked_poll_s_comments_go_to_their_author_s_first_preference_only() {
        use crate::poll::{Ballot, Person};
        use crate::report::ranked::tests::{OPTIONS, report};
        let person = |id: i64| Person {
            id: UserId(id),
            name: format!("voter {id}"),
        };
        let ballot = |id: i64, options: &[u8]| Ballot {
            voter: person(id),
            options: options.to_vec(),
            voted_at: "2024-03-15T10:00:00Z".parse().unwrap(),
            first_voted_at: None,
        };
        let by = |id: i64, message_id: i32| Comment {
            author: Some(person(id)),
            ..comment(message_id, 0)
        };
        let records = Memory {
            ballots: vec![ballot(1, &[2, 0, 1]), ballot(2, &[0])],
            comments: vec![by(1, 10), by(2, 11)],
        };
        let ids = |data: &FullReportData, index: usize| -> Vec<i32> {
            let section = data.sections.iter().find(|s| s.index == index).unwrap();
            section.top.iter().map(|c| c.message_id.0).collect()
        };
        let ranked = FullReportData::count(report(&OPTIONS), None, None, None, &records).unwrap();
        assert_eq!(ids(&ranked, 2), [10]);
        assert_eq!(ids(&ranked, 0), [11]);
        assert!(ids(&ranked, 1).is_empty());
        // A native poll of several answers: each option the author holds.
        let mut native = report(&OPTIONS);
        native.poll.features.ballot = BallotKind::Native;
        native.poll.multiple = true;
        let native = FullReportData::count(native, None, None, None, &records).unwrap();
        assert_eq!(ids(&native, 0), [10, 11]);
        assert_eq!(ids(&native, 1), [10]);
        assert_eq!(ids(&native, 2), [10]);
    }

    #[test]
    fn each_option_keeps_its_own_voters_three_most_approved_comments() {
        let ballot = |o: &[u8]| o.to_vec();
        let mut sections: Vec<OptionSection> = (0..3)
            .map(|index| OptionSection {
                index,
                count: 0,
                share: Share(0),
                interval: None,
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
        let ids = |s: &OptionSection| s.top.iter().map(|c| c.message_id.0).collect::<Vec<_>>();
        // Option 0: 11 (9), 14 (4), 10 (3, earlier than 13); never 12.
        assert_eq!(ids(&sections[0]), [11, 14, 10]);
        assert_eq!(sections[0].comments, 5);
        assert_eq!(ids(&sections[1]), [12]);
        assert_eq!(sections[1].comments, 1);
        assert_eq!(ids(&sections[2]), [14]);
        assert_eq!(sections[2].comments, 1);
    }
}
