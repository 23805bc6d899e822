//! Bot API calls and fields newer than teloxide knows (it speaks 9.1; polls
//! gained hidden results, final votes, member-added options, shuffling and
//! descriptions later). Each is a small payload of our own, sent through
//! teloxide's own client with [`JsonRequest`], so errors, 429s and the
//! network are handled exactly as for its built-in calls. Responses are
//! read into our own small structs that name only what the bot uses:
//! unknown fields are ignored, never an error.

use serde::{Deserialize, Serialize};
use teloxide::Bot;
use teloxide::RequestError;
use teloxide::requests::{JsonRequest, Payload};
use teloxide::types::InputPollOption;

use crate::app::command::NewPoll;

/// `sendPoll` with every parameter the bot uses, Bot API 10.1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendPoll {
    pub chat_id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_thread_id: Option<i32>,
    pub question: String,
    pub options: Vec<InputPollOption>,
    pub is_anonymous: bool,
    pub allows_multiple_answers: bool,
    /// `false` for `--final`; left out otherwise (Telegram's default, true).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allows_revoting: Option<bool>,
    #[serde(skip_serializing_if = "is_false")]
    pub hide_results_until_closes: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub allow_adding_options: bool,
    #[serde(skip_serializing_if = "is_false")]
    pub shuffle_options: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Unix time; only for deadlines Telegram accepts (5 s to 30 days ahead).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_date: Option<i64>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl SendPoll {
    /// The call for `new_poll` in `chat`; `channel`: polls there are always
    /// anonymous. `close_date` comes from [`crate::app::polls::close_date`].
    pub fn new(
        chat: i64,
        thread: Option<i32>,
        channel: bool,
        new_poll: &NewPoll,
        close_date: Option<i64>,
    ) -> Self {
        let features = &new_poll.features;
        SendPoll {
            chat_id: chat,
            message_thread_id: thread,
            question: new_poll.question.as_str().to_owned(),
            options: new_poll
                .options
                .iter()
                .map(|o| InputPollOption::new(o.as_str()))
                .collect(),
            is_anonymous: new_poll.anonymous || channel,
            allows_multiple_answers: new_poll.multiple,
            allows_revoting: features.final_votes.then_some(false),
            hide_results_until_closes: features.hidden,
            allow_adding_options: features.open,
            shuffle_options: features.shuffle,
            description: features.description.as_ref().map(|d| d.as_str().to_owned()),
            close_date,
        }
    }

    pub async fn send(self, bot: &Bot) -> Result<SentMessage, RequestError> {
        JsonRequest::new(bot.clone(), self).await
    }
}

impl Payload for SendPoll {
    type Output = SentMessage;
    const NAME: &'static str = "sendPoll";
}

/// The parts of a sent message the bot reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SentMessage {
    pub message_id: i32,
    #[serde(default)]
    pub poll: Option<SentPollInfo>,
}

/// The parts of a sent poll the bot reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SentPollInfo {
    pub id: String,
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::app::command::{self, Command, Parsed};

    fn new_poll(text: &str) -> NewPoll {
        match command::parse(text, None, Utc::now()) {
            Parsed::Command(Command::NewPoll(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    fn params(text: &str, channel: bool, close_date: Option<i64>) -> serde_json::Value {
        serde_json::to_value(SendPoll::new(
            -5,
            None,
            channel,
            &new_poll(text),
            close_date,
        ))
        .unwrap()
    }

    #[test]
    fn each_flag_is_exactly_its_parameter() {
        let plain = params("/newpoll Q? | A | B", false, None);
        assert_eq!(
            plain,
            serde_json::json!({
                "chat_id": -5, "question": "Q?",
                "options": [{"text": "A"}, {"text": "B"}],
                "is_anonymous": false, "allows_multiple_answers": false,
            })
        );
        let with = |text: &str, key: &str, value: serde_json::Value| {
            let mut expected = plain.clone();
            expected[key] = value;
            assert_eq!(params(text, false, None), expected, "{text}");
        };
        with(
            "/newpoll --hidden Q? | A | B",
            "hide_results_until_closes",
            true.into(),
        );
        with(
            "/newpoll --final Q? | A | B",
            "allows_revoting",
            false.into(),
        );
        with(
            "/newpoll --open Q? | A | B",
            "allow_adding_options",
            true.into(),
        );
        with(
            "/newpoll --shuffle Q? | A | B",
            "shuffle_options",
            true.into(),
        );
        with(
            "/newpoll Q?\n> Why we ask\nA\nB",
            "description",
            "Why we ask".into(),
        );
        with(
            "/newpoll --anonymous Q? | A | B",
            "is_anonymous",
            true.into(),
        );
        let mut expected = plain.clone();
        expected["close_date"] = 1_700_000_000.into();
        assert_eq!(
            params("/newpoll Q? | A | B", false, Some(1_700_000_000)),
            expected
        );
        // Channels: always anonymous.
        assert_eq!(
            params("/newpoll --hidden Q? | A | B", true, None)["is_anonymous"],
            true
        );
    }

    #[test]
    fn responses_with_unknown_fields_parse() {
        let sent: SentMessage = serde_json::from_value(serde_json::json!({
            "message_id": 12,
            "date": 1, "chat": {"id": -5, "type": "supergroup"},
            "some_field_from_bot_api_12": {"x": [1, 2]},
            "poll": {"id": "p7", "question": "Q?", "description": "D",
                "options": [{"persistent_id": "0", "text": "A", "voter_count": 0}],
                "allows_revoting": false, "hide_results_until_closes": true,
                "brand_new": null},
        }))
        .unwrap();
        assert_eq!(
            sent,
            SentMessage {
                message_id: 12,
                poll: Some(SentPollInfo { id: "p7".into() })
            }
        );
        let no_poll: SentMessage =
            serde_json::from_value(serde_json::json!({"message_id": 3})).unwrap();
        assert_eq!(no_poll.poll, None);
    }
}
