//! The fields of an update newer than teloxide's Bot API, read leniently:
//! replies to a poll option, options by persistent id, who added an
//! option, and the service messages about options added or deleted.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::poll::{ChatId, MessageId, Person, SeenOption, UserId};

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
    id: ChatId,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    username: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
struct UserExtras {
    id: UserId,
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
            id: self.id.as_person(),
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
    message_id: MessageId,
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
    pub chat: ChatId,
    pub poll_message: MessageId,
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
    use super::*;
    use crate::telegram::payloads::FetchedUpdate;

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
                chat: ChatId(-100),
                poll_message: MessageId(4),
                telegram_poll_id: Some("p1".into()),
                option: SeenOption {
                    persistent_id: "nd".into(),
                    text: Some("Noodles".into()),
                    added_by: Some(Person {
                        id: UserId(7),
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
        assert_eq!(options[1].added_by.as_ref().map(|p| p.id), Some(UserId(7)));
        assert_eq!(options[1].added_at, None);
    }
}
