//! `/results` and the final results of a closed poll: the chart with the
//! summary as its caption, split the way Telegram's limits require.

use super::load;
use crate::i18n::Language;
use crate::poll::{BallotKind, PollId, RankedResults};
use crate::report::{self, PollReport, Scope, Summary};
use crate::store::Store;

/// Telegram's limit on a photo caption.
pub const CAPTION_LIMIT: usize = 1024;
/// Telegram's limit on a message.
pub const MESSAGE_LIMIT: usize = 4096;

/// A poll's results as the chat receives them.
#[derive(Debug, Clone)]
pub struct ResultsMessage {
    /// The chart; `None` when it cannot be drawn (a campaign's legend too
    /// tall, say): then the summary goes as text.
    pub png: Option<Vec<u8>>,
    /// The photo's caption.
    pub caption: String,
    /// A message that follows the photo when the summary is longer than a
    /// caption allows.
    pub follow_up: Option<String>,
    /// The whole summary, for a chat where the bot may not send photos.
    pub full: String,
    pub file_name: String,
}

/// Why results could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Chart(#[from] report::chart::ChartError),
    /// The poll is not in the store.
    #[error("poll {0} is not in the store")]
    NoPoll(PollId),
}

/// The chart with the summary as its caption; when the summary is too long
/// for a caption, the tally goes with the photo and the comments follow in a
/// message of their own. `scope`: whether a campaign's other chats are shown
/// (see [`super::visibility`]).
pub fn results_message(
    store: &Store,
    id: PollId,
    scope: Scope,
    language: Language,
) -> Result<ResultsMessage, ResultsError> {
    // A poll run in several chats: the combined results, as this chat sees
    // them.
    let campaign = match scope {
        Scope::Campaign => load::campaign_report(store, id)?,
        Scope::OwnChat => None,
    };
    let (summary, png) = match campaign {
        Some(campaign) => (
            campaign.summary(language),
            report::campaign_chart::render_stacked_png(&campaign.chart_input(language)),
        ),
        None => {
            let report = load::poll_report(store, id)?.ok_or(ResultsError::NoPoll(id))?;
            own_chat_results(store, &report, language)?
        }
    };
    let png = match png {
        Ok(png) => Some(png),
        Err(error) => {
            tracing::warn!(%error, poll = %id, "no chart: the results go as text");
            None
        }
    };
    let full = summary.full();
    let fits = |text: &str| text.encode_utf16().count() <= CAPTION_LIMIT;
    let (caption, follow_up) = if fits(&full) {
        (full.clone(), None)
    } else if fits(&summary.tally) {
        (summary.tally.clone(), summary.comments.clone())
    } else {
        // Even the tally is too long (long options): the photo gets the
        // question, and the whole summary follows as a message.
        let title = full.lines().next().unwrap_or_default();
        (fit(title, CAPTION_LIMIT), Some(full.clone()))
    };
    Ok(ResultsMessage {
        png,
        caption,
        follow_up: follow_up.map(|text| fit(&text, MESSAGE_LIMIT)),
        full: fit(&full, MESSAGE_LIMIT),
        file_name: format!("poll-{}.png", id.number.0),
    })
}

/// One chat's poll as its results show it: the summary and the chart. A
/// ranked poll shows its instant runoff's rounds, Borda scores and head to
/// head, counted from its rankings; any other poll its tally.
pub fn own_chat_results(
    store: &Store,
    report: &PollReport,
    language: Language,
) -> Result<(Summary, Result<Vec<u8>, report::chart::ChartError>), ResultsError> {
    Ok(if report.poll.features.ballot == BallotKind::Ranked {
        let ranked = RankedResults::count(&*store.rankings(&report.poll)?);
        (
            report::ranked_summary(report, &ranked, language),
            report::rounds_png(report, &ranked, language),
        )
    } else {
        (
            Summary::new(report, language),
            report::chart::render_png(&report.chart_input(language)),
        )
    })
}

/// Cuts a message to Telegram's limit (in UTF-16 units, as Telegram counts).
pub fn fit(text: &str, limit: usize) -> String {
    if text.encode_utf16().count() <= limit {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        if units + c.len_utf16() + 1 > limit {
            break;
        }
        units += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_counts_utf16_and_never_splits_a_character() {
        assert_eq!(fit("abc", 3), "abc");
        assert_eq!(fit("abcd", 3), "ab…");
        let emoji = "👍".repeat(10);
        let cut = fit(&emoji, 5);
        assert_eq!(cut, "👍👍…");
        assert!(cut.encode_utf16().count() <= 5);
    }
}
