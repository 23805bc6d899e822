//! What a poll's results look like: the summary text, the chart, and the
//! export files. Rendering only: no Telegram, and no I/O but the writers
//! the caller passes in.

mod breakdown;
mod campaign;
pub mod campaign_chart;
mod campaign_export;
pub mod chart;
mod export;
mod full;
mod html;
mod summary;

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
pub use summary::{Summary, quote, voters_text};

use crate::i18n::{self, Language};
use crate::poll::{Comment, Poll, PollId, Share, Tally, shares_of_total, shares_of_voters};
use crate::store::{self, Store};

/// How many comments a summary quotes.
pub const TOP_COMMENTS: usize = 5;

/// A comment in the ranking, with the option its author voted for.
#[derive(Debug, Clone)]
pub struct RankedComment {
    pub comment: Comment,
    /// The author's current answer, as option texts (empty when unknown).
    pub author_options: Vec<String>,
}

/// Everything a report shows about one poll, read from the store without
/// touching its ballots (beyond the authors of the top comments).
#[derive(Debug, Clone)]
pub struct PollReport {
    pub poll: Poll,
    pub tally: Tally,
    pub top_comments: Vec<RankedComment>,
}

impl PollReport {
    /// Reads the report of poll `id`, or `None` if there is no such poll.
    pub fn load(store: &Store, id: PollId) -> store::Result<Option<Self>> {
        let Some(poll) = store.poll(id)? else {
            return Ok(None);
        };
        let tally = store
            .tally(id)?
            .unwrap_or_else(|| Tally::new(poll.options.len()));
        let mut top_comments = Vec::new();
        for comment in store.top_comments(id, TOP_COMMENTS)? {
            let author_options = match &comment.author {
                Some(author) => store
                    .ballot(id, author.id)?
                    .map(|b| option_texts(&poll, &b.options))
                    .unwrap_or_default(),
                None => Vec::new(),
            };
            top_comments.push(RankedComment {
                comment,
                author_options,
            });
        }
        Ok(Some(Self {
            poll,
            tally,
            top_comments,
        }))
    }

    /// Each option's share: of all votes (adding up to 100.0%) for a
    /// one-answer poll, of voters for a poll with several answers.
    pub fn shares(&self) -> Vec<Share> {
        if self.poll.multiple {
            shares_of_voters(&self.tally.counts, self.tally.voters)
        } else {
            shares_of_total(&self.tally.counts)
        }
    }

    /// The chart's contents, in `language`.
    pub fn chart_input(&self, language: Language) -> chart::ChartInput {
        let shares = self.shares();
        let bars = self
            .poll
            .options
            .iter()
            .zip(&self.tally.counts)
            .zip(&shares)
            .map(|((option, &count), share)| chart::ChartBar {
                label: option.as_str().to_owned(),
                count,
                count_text: i18n::format_count(count),
                share_text: share.to_string(),
            })
            .collect();
        chart::ChartInput {
            title: format!("{} {}", self.poll.id.number, self.poll.question.as_str()),
            bars,
            leading: self.tally.leading(),
            footer: format!(
                "{} · {}",
                summary::voters_text(language, self.tally.voters),
                self.period_text(language)
            ),
        }
    }

    /// When the poll ran: `14 Mar 2024 – 28 Mar 2024`, or since when.
    pub(crate) fn period_text(&self, language: Language) -> String {
        let start = i18n::format_date(language, self.poll.created_at);
        let end = self.poll.closed_at.or(self.poll.deadline);
        match end {
            Some(end) => i18n::text_with(
                language,
                "period",
                &[
                    ("start", start.into()),
                    ("end", i18n::format_date(language, end).into()),
                ],
            ),
            None => i18n::text_with(language, "period-open", &[("start", start.into())]),
        }
    }
}

/// The texts of the options with these indexes.
pub fn option_texts(poll: &Poll, indexes: &[u8]) -> Vec<String> {
    indexes
        .iter()
        .filter_map(|&i| poll.options.get(usize::from(i)))
        .map(|o| o.as_str().to_owned())
        .collect()
}
