//! Telegram's numbers for chats, users and messages, each its own type so
//! that one is never passed where another is meant (like teloxide-core's
//! `ChatId`, `UserId` and `MessageId`, which `poll/` may not import; the
//! edge converts between the two). Each is stored and shown as the bare
//! number: `#[serde(transparent)]` keeps every record's bytes as they were.

use serde::{Deserialize, Serialize};

/// A chat as Telegram numbers it (negative for groups and channels).
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChatId(pub i64);

/// A user (or bot) as Telegram numbers them; also a chat that acts as a
/// person (a channel that votes or comments, an anonymous admin's group),
/// by the chat's own negative number, see [`ChatId::as_person`]: Telegram
/// numbers users and chats apart, so the two never meet.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

/// A message within its chat, as Telegram numbers it.
#[derive(Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MessageId(pub i32);

macro_rules! bare_number {
    ($($id:ty => $inner:ty),*) => {$(
        impl std::fmt::Display for $id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        /// The bare number, as before these were types: log lines that
        /// print a record with `{:?}` read the same.
        impl std::fmt::Debug for $id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $id {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse::<$inner>().map(Self)
            }
        }
    )*};
}

impl UserId {
    /// The user's private chat with the bot, which Telegram numbers as
    /// the user.
    pub fn private_chat(self) -> ChatId {
        ChatId(self.0)
    }
}

impl ChatId {
    /// The chat as the one who votes, comments or approves, when it acts
    /// as a person.
    pub fn as_person(self) -> UserId {
        UserId(self.0)
    }
}

bare_number!(ChatId => i64, UserId => i64, MessageId => i32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stored_and_shown_as_bare_numbers() {
        assert_eq!(serde_json::to_string(&ChatId(-100)).unwrap(), "-100");
        assert_eq!(serde_json::to_string(&UserId(42)).unwrap(), "42");
        assert_eq!(serde_json::to_string(&MessageId(7)).unwrap(), "7");
        assert_eq!(
            serde_json::from_str::<ChatId>("-100").unwrap(),
            ChatId(-100)
        );
        assert_eq!(ChatId(-1001234567890).to_string(), "-1001234567890");
        assert_eq!(format!("{:>5}", MessageId(7)), "    7");
        assert_eq!(format!("{:?}", Some(UserId(3))), "Some(3)");
        assert_eq!("-5".parse::<ChatId>(), Ok(ChatId(-5)));
    }
}
