//! The small records the store keeps beside polls, ballots and comments:
//! a chat's settings, the last update, an answer's journal, what a message
//! is to us, and what a purge removed.

use serde::{Deserialize, Serialize};

use crate::i18n::Language;
use crate::poll::{PollId, UserId};

/// Per-chat settings and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRecord {
    /// The number of the chat's most recent poll (0 before the first).
    pub last_poll: u32,
    /// The language chosen with `/lang`, if any (stored as its code; a
    /// code this version does not speak reads as none).
    #[serde(default, with = "language_code")]
    pub language: Option<Language>,
    /// False once the bot was removed from the chat.
    pub active: bool,
    /// The chat's title, when Telegram told us (absent in older databases).
    #[serde(default)]
    pub title: Option<String>,
    /// The IANA zone chosen with `/timezone` (none: UTC; a name this
    /// version does not know reads as UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
}

impl ChatRecord {
    /// How the chat reads and shows times.
    pub fn zone(&self) -> crate::poll::Zone {
        self.timezone
            .as_deref()
            .and_then(crate::poll::Zone::parse)
            .unwrap_or_default()
    }
}

impl Default for ChatRecord {
    fn default() -> Self {
        Self {
            last_poll: 0,
            language: None,
            active: true,
            title: None,
            timezone: None,
        }
    }
}

/// A chat's language as its code (`en`, `zh`, `ru`), as databases have
/// always kept it.
mod language_code {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::i18n::Language;

    pub fn serialize<S: Serializer>(
        language: &Option<Language>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        language.map(Language::code).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Language>, D::Error> {
        let code = Option::<String>::deserialize(deserializer)?;
        Ok(code.as_deref().and_then(Language::from_code))
    }
}

/// The last Telegram update recorded, when, and by which bot, from which
/// Bot API server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastUpdate {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The bot whose update it was (the number before `:` in its token).
    /// Update ids are the bot's own: another bot's mean nothing. `None`
    /// in databases written before it was kept: taken as this bot's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<UserId>,
    /// The Bot API server it came from (see [`UpdateSource`]): another
    /// server numbers updates its own way. `None` in databases written
    /// before it was kept: taken as this server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<u64>,
}

/// Where updates come from: the bot, by its id, and the Bot API server it
/// polls, by a hash of its address (the stored record need not spell it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateSource {
    pub bot: Option<UserId>,
    pub api: Option<u64>,
}

impl UpdateSource {
    pub fn new(token: &str, api_url: &str) -> Self {
        // FNV-1a: stable across Rust versions, unlike the std hasher.
        let api = api_url
            .trim_end_matches('/')
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
            });
        UpdateSource {
            bot: bot_id_of_token(token),
            api: Some(api),
        }
    }

    /// The record of update `id`, recorded `at`.
    pub fn last_update(self, id: i64, at: chrono::DateTime<chrono::Utc>) -> LastUpdate {
        LastUpdate {
            id,
            at,
            bot: self.bot,
            api: self.api,
        }
    }
}

impl LastUpdate {
    /// Whether this was recorded from `source` (or by a version that did
    /// not note the bot or the server, which was then the only one).
    pub fn is_from(&self, source: UpdateSource) -> bool {
        fn same<T: PartialEq>(stored: Option<T>, now: Option<T>) -> bool {
            match (stored, now) {
                (Some(stored), Some(now)) => stored == now,
                _ => true,
            }
        }
        same(self.bot, source.bot) && same(self.api, source.api)
    }
}

/// The bot's user id: the number before `:` in its token.
pub fn bot_id_of_token(token: &str) -> Option<UserId> {
    token.split_once(':')?.0.parse().ok()
}

/// Early records purged by [`Store::purge_stale_early`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub votes: usize,
    pub copies: usize,
    pub counts: usize,
    pub replies: usize,
}

/// How far the answer to a command got, so that a retry or a restart never
/// sends a step twice. Steps are numbered in the order the answer sends them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Steps below this one were sent.
    pub done: u32,
    /// A step that was being sent when the bot last wrote this: if the bot
    /// stopped then, nobody knows whether Telegram got it.
    pub in_flight: Option<u32>,
    /// The poll the command posted, once it is stored.
    #[serde(default)]
    pub poll: Option<PollId>,
    /// How often the answer failed on our side (a chart, the store): an
    /// announcement that keeps failing is given up, not tried forever.
    #[serde(default)]
    pub failures: u32,
}

/// Whose answer a [`Journal`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalKey {
    /// The answer to the command of this update.
    Command(i64),
    /// The final results of this closed poll.
    Announce(PollId),
    /// A reminder of an open poll: the poll, when it is due (Unix
    /// seconds) and which of its reminders.
    Remind(PollId, i64, u8),
    /// Posting a scheduled poll, under its reserved id.
    Scheduled(PollId),
}

/// What a message in a chat is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageRole {
    /// The message that carries a poll.
    Poll(PollId),
    /// A comment under a poll.
    Comment(PollId),
}
