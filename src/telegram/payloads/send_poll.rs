//! `sendPoll` with the poll parameters newer than teloxide, and the parts
//! of its answer the bot reads.

use serde::{Deserialize, Serialize};
use teloxide::Bot;
use teloxide::RequestError;
use teloxide::requests::{JsonRequest, Payload};
use teloxide::types::InputPollOption;

use crate::app::command::NewPoll;
use crate::poll::{ChatId, MessageId};

/// `sendPoll` with every parameter the bot uses, Bot API 10.1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendPoll {
    pub chat_id: ChatId,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_thread_id: Option<MessageId>,
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
    /// Unix time; only for deadlines Telegram accepts (10 s to 30 days ahead,
    /// within its 5 s to 2,628,000 s).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub close_date: Option<i64>,
    /// `--members-only` (channels only).
    #[serde(skip_serializing_if = "is_false")]
    pub members_only: bool,
    /// `--countries` (channels only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub country_codes: Vec<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

impl SendPoll {
    /// The call for `new_poll` in `chat`; `channel`: polls there are always
    /// anonymous. `close_date` comes from [`crate::app::polls::close_date`].
    pub fn new(
        chat: ChatId,
        thread: Option<MessageId>,
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
            members_only: features.members_only,
            country_codes: features.countries.clone(),
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
    pub message_id: MessageId,
    #[serde(default)]
    pub poll: Option<SentPollInfo>,
}

/// The parts of a sent poll the bot reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SentPollInfo {
    pub id: String,
    #[serde(default)]
    pub options: Vec<SentPollOption>,
}

impl SentPollInfo {
    /// The options' persistent ids, in order; empty unless Telegram gave
    /// one for every option (Bot API 9.6 and later do).
    pub fn persistent_ids(&self) -> Vec<String> {
        self.options
            .iter()
            .map(|o| o.persistent_id.clone())
            .collect::<Option<Vec<String>>>()
            .unwrap_or_default()
    }
}

/// The part of a poll option the bot reads.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SentPollOption {
    #[serde(default)]
    pub persistent_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::app::command::{self, Command, Parsed};

    fn new_poll(text: &str) -> NewPoll {
        match command::parse(text, None, Utc::now()) {
            Parsed::Command(Command::NewPoll(p)) => *p,
            other => panic!("{other:?}"),
        }
    }

    fn params(text: &str, channel: bool, close_date: Option<i64>) -> serde_json::Value {
        serde_json::to_value(SendPoll::new(
            ChatId(-5),
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
                message_id: MessageId(12),
                poll: Some(SentPollInfo {
                    id: "p7".into(),
                    options: vec![SentPollOption {
                        persistent_id: Some("0".into())
                    }]
                })
            }
        );
        let options: SentMessage = serde_json::from_value(serde_json::json!({
            "message_id": 1, "poll": {"id": "p", "options": [
                {"persistent_id": "a1", "text": "A"}, {"persistent_id": "b2", "text": "B"}]}
        }))
        .unwrap();
        assert_eq!(options.poll.unwrap().persistent_ids(), ["a1", "b2"]);
        // Bot API 9.5 and older: no persistent ids, none at all.
        let old: SentMessage = serde_json::from_value(serde_json::json!({
            "message_id": 1, "poll": {"id": "p", "options": [
                {"persistent_id": "a1", "text": "A"}, {"text": "B"}]}
        }))
        .unwrap();
        assert!(old.poll.unwrap().persistent_ids().is_empty());
        let no_poll: SentMessage =
            serde_json::from_value(serde_json::json!({"message_id": 3})).unwrap();
        assert_eq!(no_poll.poll, None);
    }
}
