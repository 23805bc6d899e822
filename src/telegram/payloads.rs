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
use teloxide::types::{AllowedUpdate, InputPollOption, Update};

use crate::app::command::NewPoll;
use crate::poll::{Person, SeenOption};
use chrono::{DateTime, Utc};

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
    /// Unix time; only for deadlines Telegram accepts (10 s to 30 days ahead,
    /// within its 5 s to 2,628,000 s).
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

/// `getUpdates`, answered as raw JSON values: each is read both by
/// teloxide (as its `Update`) and by [`UpdateExtras`] for the fields
/// teloxide drops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetUpdatesRaw {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i32>,
    pub limit: u8,
    pub timeout: u32,
    pub allowed_updates: Vec<AllowedUpdate>,
}

impl Payload for GetUpdatesRaw {
    type Output = Vec<serde_json::Value>;
    const NAME: &'static str = "getUpdates";

    fn timeout_hint(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(self.timeout.into()))
    }
}

impl GetUpdatesRaw {
    /// Fetches updates; each value becomes teloxide's [`Update`] plus its
    /// [`UpdateExtras`]. A value teloxide cannot read at all (it reads
    /// unknown kinds as `UpdateKind::Error`, so only one without an id) is
    /// logged and left out.
    pub async fn send(self, bot: &Bot) -> Result<Vec<FetchedUpdate>, RequestError> {
        let values = JsonRequest::new(bot.clone(), self).await?;
        Ok(values.into_iter().filter_map(FetchedUpdate::read).collect())
    }
}

/// An update as fetched: teloxide's reading of it, and ours of the fields
/// it does not know.
#[derive(Debug, Clone)]
pub struct FetchedUpdate {
    pub update: Update,
    pub extras: UpdateExtras,
}

impl FetchedUpdate {
    pub fn read(value: serde_json::Value) -> Option<Self> {
        let extras = UpdateExtras::deserialize(&value).unwrap_or_default();
        // teloxide reads its `Update` from text only (from a `Value` every
        // message becomes `UpdateKind::Error`), so it gets the text back.
        let text = value.to_string();
        match serde_json::from_str::<Update>(&text) {
            Ok(update) => Some(FetchedUpdate { update, extras }),
            Err(error) => {
                tracing::error!(%error, "an update teloxide cannot read at all: skipped");
                None
            }
        }
    }
}

/// Fields of an update newer than teloxide's Bot API; every one optional,
/// anything else ignored. Each part is read on its own: a field of an
/// unexpected type loses that field, never the update or the other fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct UpdateExtras {
    #[serde(deserialize_with = "lenient")]
    message: Option<MessageExtras>,
    #[serde(deserialize_with = "lenient")]
    edited_message: Option<MessageExtras>,
    #[serde(deserialize_with = "lenient")]
    channel_post: Option<MessageExtras>,
    #[serde(deserialize_with = "lenient")]
    edited_channel_post: Option<MessageExtras>,
    #[serde(deserialize_with = "lenient")]
    poll_answer: Option<PollAnswerExtras>,
    #[serde(deserialize_with = "lenient")]
    poll: Option<PollExtras>,
}

/// Reads a part of an update, or `None` if it is not what we expect.
fn lenient<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    Ok(T::deserialize(value).ok())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
struct MessageExtras {
    /// The persistent id of the poll option a message replies to.
    #[serde(deserialize_with = "lenient")]
    reply_to_poll_option_id: Option<String>,
    #[serde(deserialize_with = "lenient")]
    chat: Option<ChatExtras>,
    #[serde(deserialize_with = "lenient")]
    from: Option<UserExtras>,
    #[serde(deserialize_with = "lenient")]
    sender_chat: Option<ChatExtras>,
    #[serde(deserialize_with = "lenient")]
    date: Option<i64>,
    #[serde(deserialize_with = "lenient")]
    poll_option_added: Option<OptionChangeExtras>,
    #[serde(deserialize_with = "lenient")]
    poll_option_deleted: Option<OptionChangeExtras>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct ChatExtras {
    id: i64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct UserExtras {
    id: i64,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

impl UserExtras {
    fn person(&self) -> Person {
        let name = match &self.last_name {
            Some(last) => format!("{} {last}", self.first_name),
            None => self.first_name.clone(),
        };
        let name = match (name.trim().is_empty(), &self.username) {
            (true, Some(username)) => username.clone(),
            _ => name,
        };
        Person { id: self.id, name }
    }
}

impl ChatExtras {
    fn person(&self) -> Person {
        Person {
            id: self.id,
            name: self
                .title
                .clone()
                .or_else(|| self.username.clone())
                .unwrap_or_default(),
        }
    }
}

/// `poll_option_added` / `poll_option_deleted`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct OptionChangeExtras {
    #[serde(default, deserialize_with = "lenient")]
    poll_message: Option<PollMessageExtras>,
    option_persistent_id: String,
    #[serde(default)]
    option_text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct PollMessageExtras {
    message_id: i32,
    #[serde(default, deserialize_with = "lenient")]
    chat: Option<ChatExtras>,
    #[serde(default, deserialize_with = "lenient")]
    poll: Option<PollIdExtras>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct PollIdExtras {
    id: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
struct PollAnswerExtras {
    #[serde(deserialize_with = "lenient")]
    option_persistent_ids: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
struct PollExtras {
    #[serde(deserialize_with = "lenient")]
    options: Option<Vec<PollOptionExtras>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct PollOptionExtras {
    persistent_id: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default, deserialize_with = "lenient")]
    added_by_user: Option<UserExtras>,
    #[serde(default, deserialize_with = "lenient")]
    added_by_chat: Option<ChatExtras>,
    #[serde(default, deserialize_with = "lenient")]
    addition_date: Option<i64>,
}

/// A service message about a poll option: which poll (by the message that
/// carries it, and its Telegram id when given) and which option.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionChange {
    pub added: bool,
    pub chat: i64,
    pub poll_message: i32,
    pub telegram_poll_id: Option<String>,
    pub option: SeenOption,
}

fn unix_time(seconds: Option<i64>) -> Option<DateTime<Utc>> {
    seconds.and_then(|s| DateTime::from_timestamp(s, 0))
}

impl UpdateExtras {
    fn messages(&self) -> impl Iterator<Item = &MessageExtras> {
        [
            &self.message,
            &self.edited_message,
            &self.channel_post,
            &self.edited_channel_post,
        ]
        .into_iter()
        .flatten()
    }

    /// The poll option the update's message replies to, by persistent id.
    pub fn reply_to_poll_option_id(&self) -> Option<&str> {
        self.messages()
            .find_map(|m| m.reply_to_poll_option_id.as_deref())
    }

    /// The options a `poll_answer` chose, by persistent id; empty when
    /// Telegram did not give them.
    pub fn option_persistent_ids(&self) -> Vec<String> {
        self.poll_answer
            .as_ref()
            .and_then(|a| a.option_persistent_ids.clone())
            .unwrap_or_default()
    }

    /// The options a `poll` update shows, with who added which and when.
    pub fn poll_options(&self) -> Vec<SeenOption> {
        let Some(options) = self.poll.as_ref().and_then(|p| p.options.as_ref()) else {
            return Vec::new();
        };
        options
            .iter()
            .map(|o| SeenOption {
                persistent_id: o.persistent_id.clone(),
                text: o.text.clone(),
                added_by: o
                    .added_by_user
                    .as_ref()
                    .map(UserExtras::person)
                    .or_else(|| o.added_by_chat.as_ref().map(ChatExtras::person)),
                added_at: unix_time(o.addition_date),
            })
            .collect()
    }

    /// The option added to or deleted from a poll, if the update is the
    /// service message that says so. The one who sent it added the option.
    pub fn option_change(&self) -> Option<OptionChange> {
        let message = self.messages().next()?;
        let (added, change) = match (&message.poll_option_added, &message.poll_option_deleted) {
            (Some(change), _) => (true, change),
            (None, Some(change)) => (false, change),
            (None, None) => return None,
        };
        let chat = message.chat.as_ref()?.id;
        let poll_message = change.poll_message.as_ref()?;
        // The poll's message is in the same chat as the service message.
        if poll_message.chat.as_ref().is_some_and(|c| c.id != chat) {
            return None;
        }
        let added_by = match (&message.sender_chat, &message.from) {
            (Some(chat), _) => Some(chat.person()),
            (None, Some(user)) => Some(user.person()),
            (None, None) => None,
        };
        Some(OptionChange {
            added,
            chat,
            poll_message: poll_message.message_id,
            telegram_poll_id: poll_message.poll.as_ref().map(|p| p.id.clone()),
            option: SeenOption {
                persistent_id: change.option_persistent_id.clone(),
                text: change.option_text.clone(),
                added_by: added.then_some(added_by).flatten(),
                added_at: added.then(|| unix_time(message.date)).flatten(),
            },
        })
    }
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

    #[test]
    fn a_reply_to_an_option_is_read_beside_teloxides_update() {
        let value = serde_json::json!({"update_id": 9, "message": {
            "message_id": 5, "date": 1_700_000_000,
            "chat": {"id": -100, "type": "supergroup", "title": "G"},
            "from": {"id": 7, "is_bot": false, "first_name": "Bo"},
            "text": "Soup, obviously",
            "reply_to_message": {"message_id": 4, "date": 1_700_000_000,
                "chat": {"id": -100, "type": "supergroup", "title": "G"},
                "poll": {"id": "p", "question": "Q?", "options": [], "total_voter_count": 0,
                    "is_closed": false, "is_anonymous": true, "type": "regular",
                    "allows_multiple_answers": false, "allows_revoting": true,
                    "members_only": false}},
            "reply_to_poll_option_id": "0",
            "a_field_from_the_future": {"nested": true}}});
        let fetched = FetchedUpdate::read(value).unwrap();
        assert_eq!(fetched.update.id.0, 9);
        let teloxide::types::UpdateKind::Message(message) = &fetched.update.kind else {
            panic!("{:?}", fetched.update.kind);
        };
        assert_eq!(message.text(), Some("Soup, obviously"));
        assert_eq!(message.reply_to_message().map(|m| m.id.0), Some(4));
        assert_eq!(fetched.extras.reply_to_poll_option_id(), Some("0"));
        let plain = FetchedUpdate::read(serde_json::json!({"update_id": 10,
            "channel_post": {"message_id": 1, "date": 1, "chat": {"id": -5, "type": "channel"},
                "text": "hi"}}))
        .unwrap();
        assert_eq!(plain.extras.reply_to_poll_option_id(), None);
        // Fields of unexpected types in the extras are no reason to lose
        // the update.
        let odd = FetchedUpdate::read(serde_json::json!({"update_id": 11,
            "message": {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private",
                "first_name": "A"}, "text": "x", "reply_to_poll_option_id": 42}}))
        .unwrap();
        assert_eq!(odd.update.id.0, 11);
        assert_eq!(odd.extras.reply_to_poll_option_id(), None);
        assert!(FetchedUpdate::read(serde_json::json!({"no_id": 1})).is_none());
    }

    #[test]
    fn option_service_messages_and_persistent_ids_are_read_beside_teloxide() {
        let chat = serde_json::json!({"id": -100, "type": "supergroup", "title": "G"});
        let added = FetchedUpdate::read(serde_json::json!({"update_id": 20, "message": {
            "message_id": 9, "date": 1_773_568_800, "chat": chat,
            "from": {"id": 7, "is_bot": false, "first_name": "Nina", "last_name": "K"},
            "poll_option_added": {
                "poll_message": {"message_id": 4, "date": 1, "chat": chat,
                    "poll": {"id": "p1"}},
                "option_persistent_id": "nd", "option_text": "Noodles",
                "option_text_entities": []}}}))
        .expect("an update, whatever teloxide makes of its message");
        assert_eq!(
            added.extras.option_change(),
            Some(OptionChange {
                added: true,
                chat: -100,
                poll_message: 4,
                telegram_poll_id: Some("p1".into()),
                option: SeenOption {
                    persistent_id: "nd".into(),
                    text: Some("Noodles".into()),
                    added_by: Some(Person {
                        id: 7,
                        name: "Nina K".into()
                    }),
                    added_at: DateTime::from_timestamp(1_773_568_800, 0),
                },
            })
        );
        // A deletion names no author; a poll message from another chat is
        // not about this chat's poll.
        let deleted = FetchedUpdate::read(serde_json::json!({"update_id": 21, "message": {
            "message_id": 10, "date": 1, "chat": chat,
            "poll_option_deleted": {"poll_message": {"message_id": 4, "date": 1, "chat": chat},
                "option_persistent_id": "0", "option_text": "Soup"}}}))
        .unwrap();
        let change = deleted.extras.option_change().unwrap();
        assert_eq!((change.added, change.option.added_by), (false, None));
        let elsewhere = FetchedUpdate::read(serde_json::json!({"update_id": 22, "message": {
            "message_id": 11, "date": 1, "chat": chat,
            "poll_option_deleted": {"poll_message": {"message_id": 4, "date": 1,
                "chat": {"id": -5, "type": "group", "title": "H"}},
                "option_persistent_id": "0", "option_text": "Soup"}}}))
        .unwrap();
        assert_eq!(elsewhere.extras.option_change(), None);
        // Persistent ids of an answer and the options of a poll update; a
        // field of the wrong type loses only itself.
        let answer = FetchedUpdate::read(serde_json::json!({"update_id": 23, "poll_answer": {
            "poll_id": "p1", "user": {"id": 7, "is_bot": false, "first_name": "N"},
            "option_ids": [2], "option_persistent_ids": ["nd"]}}))
        .unwrap();
        assert_eq!(answer.extras.option_persistent_ids(), ["nd"]);
        let poll = FetchedUpdate::read(serde_json::json!({"update_id": 24, "poll": {
            "id": "p1", "question": "Q?", "total_voter_count": 1, "is_closed": false,
            "is_anonymous": false, "type": "regular", "allows_multiple_answers": false,
            "allows_revoting": true, "members_only": false,
            "options": [
                {"persistent_id": "0", "text": "Soup", "voter_count": 0},
                {"persistent_id": "nd", "text": "Noodles", "voter_count": 1,
                    "added_by_user": {"id": 7, "is_bot": false, "first_name": "Nina"},
                    "addition_date": "not a number"}]}}))
        .unwrap();
        let options = poll.extras.poll_options();
        assert_eq!(options.len(), 2);
        assert_eq!(options[1].added_by.as_ref().map(|p| p.id), Some(7));
        assert_eq!(options[1].added_at, None);
    }
}
