//! What a poll's results look like: the summary text, the chart, and the
//! export files. Rendering only: no Telegram and no store. The caller
//! passes in the data (the poll, its tally, and for the big parts streams of
//! ballots and comments through [`Records`]) and the writers.

mod breakdown;
mod campaign;
pub mod campaign_chart;
mod campaign_export;
pub mod chart;
mod draw;
mod export;
mod full;
mod html;
mod ranked;
mod records;
mod summary;
pub mod trend;

pub use breakdown::{
    ProfileBar, ProfileGroup, ProfileInput, TimelineInput, render_profile_png, render_timeline_png,
};
pub use campaign::{CampaignComment, CampaignReport, ChatPart};
pub use campaign_export::{campaign_comments_csv, campaign_json, campaign_votes_csv};
pub use export::{ExportError, ExportFile, ExportFormat, comments_csv, json, votes_csv};
pub use full::{
    BucketUnit, COMMENTS_PER_OPTION, Cell, FullReport, FullReportData, FullReportError,
    OptionSection, Profile, SMALL_CELL, Timeline, write_full_report,
};
pub use html::escape_html;
pub use ranked::{ranked_summary, ranked_text, rounds_png};
pub use records::{ReadError, Records};
pub use summary::{Summary, quote, turnout_text, voters_text};

use chrono::{DateTime, Utc};

use crate::i18n::{self, Language};
use crate::poll::{AddedOption, Comment, Poll, Share, Tally, shares_of_total, shares_of_voters};

/// How much of a poll run in several chats an answer covers (the caller
/// decides: see `app::visibility`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The whole campaign: combined tally and each chat's part.
    Campaign,
    /// The poll's own chat alone, as if it ran nowhere else.
    OwnChat,
}

/// How many comments a summary quotes.
pub const TOP_COMMENTS: usize = 5;

/// A comment in the ranking, with the option its author voted for.
#[derive(Debug, Clone)]
pub struct RankedComment {
    pub comment: Comment,
    /// The author's current answer, as option texts (empty when unknown).
    pub author_options: Vec<String>,
}

/// Everything a report shows about one poll that is small: no ballots
/// (beyond what the authors of the top comments voted for). See
/// `app::load::poll_report`.
#[derive(Debug, Clone)]
pub struct PollReport {
    pub poll: Poll,
    pub tally: Tally,
    pub top_comments: Vec<RankedComment>,
    /// The chat's member counts, when Telegram gave them.
    pub turnout: crate::poll::Turnout,
    /// The chat's time zone, which dates are shown in.
    pub zone: crate::poll::Zone,
}

impl PollReport {
    /// The tally as reports show it: one row per option that is not
    /// deleted, in poll order (added options after the posted ones), with
    /// its share: of all votes (adding up to 100.0%) for a one-answer poll,
    /// of voters for a poll with several answers.
    pub fn rows(&self) -> Vec<TallyRow> {
        let shown: Vec<_> = self.poll.shown_options().collect();
        let counts: Vec<u64> = shown
            .iter()
            .map(|o| {
                let index = usize::from(o.index);
                self.tally.counts.get(index).copied().unwrap_or(0)
            })
            .collect();
        let shares = if self.poll.multiple {
            shares_of_voters(&counts, self.tally.voters)
        } else {
            shares_of_total(&counts)
        };
        shown
            .into_iter()
            .zip(counts)
            .zip(shares)
            .map(|((option, count), share)| TallyRow {
                index: option.index,
                text: option.text.to_owned(),
                count,
                share,
                added: option.added.cloned(),
            })
            .collect()
    }

    /// The chart's contents, in `language`.
    pub fn chart_input(&self, language: Language) -> chart::ChartInput {
        let rows = self.rows();
        let bars = rows
            .iter()
            .map(|row| chart::ChartBar {
                label: row.text.clone(),
                count: row.count,
                count_text: i18n::format_count(row.count),
                share_text: row.share.to_string(),
            })
            .collect();
        chart::ChartInput {
            title: format!("{} {}", self.poll.id.number, self.poll.question.as_str()),
            bars,
            leading: leading_rows(&rows),
            footer: format!(
                "{} · {}",
                summary::voters_text(language, self.tally.voters),
                self.period_text(language)
            ),
        }
    }

    /// When the poll ran: `14 Mar 2024 – 28 Mar 2024`, or since when.
    pub(crate) fn period_text(&self, language: Language) -> String {
        let poll = &self.poll;
        period_text(
            language,
            self.zone,
            poll.created_at,
            poll.closed_at.or(poll.deadline),
        )
    }
}

/// A poll's period from `start` to `end`, or since `start` while it has no
/// end.
fn period_text(
    language: Language,
    zone: crate::poll::Zone,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
) -> String {
    let start = i18n::format_date_in(language, start, zone);
    match end {
        Some(end) => i18n::text_with(
            language,
            "period",
            &[
                ("start", start.into()),
                ("end", i18n::format_date_in(language, end, zone).into()),
            ],
        ),
        None => i18n::text_with(language, "period-open", &[("start", start.into())]),
    }
}

/// One option's line in the tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TallyRow {
    /// The option's stable index, as ballots hold it.
    pub index: u8,
    pub text: String,
    pub count: u64,
    pub share: Share,
    /// Who added it and when, for an option a member added.
    pub added: Option<AddedOption>,
}

/// The positions (in `rows`) of the rows with the most votes; empty when
/// nobody voted.
pub fn leading_rows(rows: &[TallyRow]) -> Vec<usize> {
    let max = rows.iter().map(|r| r.count).max().unwrap_or(0);
    if max == 0 {
        return Vec::new();
    }
    (0..rows.len()).filter(|&i| rows[i].count == max).collect()
}

/// The texts of the options with these stable indexes; a deleted option is
/// marked so.
pub fn option_texts(poll: &Poll, indexes: &[u8]) -> Vec<String> {
    indexes
        .iter()
        .filter_map(|&i| poll.option(i))
        .map(|o| {
            if o.deleted {
                format!("{} (deleted)", o.text)
            } else {
                o.text.to_owned()
            }
        })
        .collect()
}
