//! `/results` and the final results of a closed poll: the chart with the
//! summary as its caption, split the way Telegram's limits require.

use crate::i18n::Language;
use crate::poll::{Poll, PollId};
use crate::report::{self, PollReport, Summary};
use crate::store::Store;

/// Telegram's limit on a photo caption.
pub const CAPTION_LIMIT: usize = 1024;
/// Telegram's limit on a message.
pub const MESSAGE_LIMIT: usize = 4096;

/// A poll's results as the chat receives them.
#[derive(Debug, Clone)]
pub struct ResultsMessage {
    pub png: Vec<u8>,
    /// The photo's caption.
    pub caption: String,
    /// A message that follows the photo when the summary is longer than a
    /// caption allows.
    pub follow_up: Option<String>,
    /// The whole summary, for a chat where the bot may not send photos.
    pub full: String,
    pub file_name: String,
}

/// Who may receive what a command asks about a poll: its results, its
/// export, its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The chat the command came from.
    Chat,
    /// A `--hidden` poll before it closes: only the moderator who asked, in
    /// their private chat with the bot (whose id is their user id).
    Moderator(i64),
    /// A `--hidden` poll asked about by an anonymous administrator or a
    /// channel: there is nobody to tell privately.
    Nobody,
}

/// Where what a moderator asked about `poll` goes. `private`: the command
/// came in a private chat with the bot; `from` and `sender_chat` as in the
/// command's message.
pub fn audience(
    poll: &Poll,
    private: bool,
    from: Option<i64>,
    sender_chat: Option<i64>,
) -> Audience {
    if private || !poll.results_hidden() {
        return Audience::Chat;
    }
    match (sender_chat, from) {
        // Posted as a chat: `from` is Telegram's placeholder bot, if any.
        (Some(_), _) | (None, None) => Audience::Nobody,
        (None, Some(user)) => Audience::Moderator(user),
    }
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
/// message of their own.
pub fn results_message(
    store: &Store,
    id: PollId,
    language: Language,
) -> Result<ResultsMessage, ResultsError> {
    // A poll run in several chats: the combined results, as this chat sees
    // them.
    let (summary, png) = match report::CampaignReport::load(store, id)? {
        Some(campaign) => (
            campaign.summary(language),
            report::campaign_chart::render_stacked_png(&campaign.chart_input(language))?,
        ),
        None => {
            let report = PollReport::load(store, id)?.ok_or(ResultsError::NoPoll(id))?;
            (
                Summary::new(&report, language),
                report::chart::render_png(&report.chart_input(language))?,
            )
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
    fn hidden_polls_go_to_the_moderator_alone_until_they_close() {
        use crate::poll::{PollFeatures, PollNumber, PollOptions, PollQuestion, PollState};
        let mut poll = Poll {
            id: PollId {
                chat: -100,
                number: PollNumber(1),
            },
            question: PollQuestion::parse("Q?").unwrap(),
            options: PollOptions::parse(&["A", "B"]).unwrap(),
            multiple: false,
            anonymous: false,
            created_at: chrono::Utc::now(),
            deadline: None,
            state: PollState::Open,
            closed_at: None,
            results_announced: false,
            message_id: 5,
            telegram_id: "p".into(),
            thread: None,
            features: PollFeatures::default(),
        };
        // Not hidden: the chat.
        assert_eq!(audience(&poll, false, Some(7), None), Audience::Chat);
        poll.features.hidden = true;
        assert_eq!(
            audience(&poll, false, Some(7), None),
            Audience::Moderator(7)
        );
        // An anonymous administrator (Telegram's placeholder in `from`).
        assert_eq!(
            audience(&poll, false, Some(1087968824), Some(-100)),
            Audience::Nobody
        );
        // A channel post.
        assert_eq!(audience(&poll, false, None, Some(-100)), Audience::Nobody);
        // Already a private chat with the moderator.
        assert_eq!(audience(&poll, true, Some(7), None), Audience::Chat);
        // Closed: everyone sees the results.
        poll.state = PollState::Closed;
        assert_eq!(audience(&poll, false, Some(7), None), Audience::Chat);
        assert_eq!(audience(&poll, false, None, Some(-100)), Audience::Chat);
    }

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
