//! Our chat, user and message ids (`poll::ChatId`, `UserId`, `MessageId`)
//! and teloxide's, converted here and nowhere else: `poll/` may not know
//! teloxide, and teloxide numbers users as `u64` where we keep `i64`.

use teloxide::types as tg;

use crate::poll::{ChatId, MessageId, UserId};

impl From<tg::ChatId> for ChatId {
    fn from(id: tg::ChatId) -> Self {
        ChatId(id.0)
    }
}

impl From<ChatId> for tg::ChatId {
    fn from(id: ChatId) -> Self {
        tg::ChatId(id.0)
    }
}

/// So that a Bot API call takes our chat id as it takes teloxide's.
impl From<ChatId> for tg::Recipient {
    fn from(id: ChatId) -> Self {
        tg::Recipient::Id(id.into())
    }
}

impl From<tg::UserId> for UserId {
    fn from(id: tg::UserId) -> Self {
        UserId(id.0 as i64)
    }
}

impl From<UserId> for tg::UserId {
    fn from(id: UserId) -> Self {
        tg::UserId(id.0 as u64)
    }
}

impl From<tg::MessageId> for MessageId {
    fn from(id: tg::MessageId) -> Self {
        MessageId(id.0)
    }
}

impl From<MessageId> for tg::MessageId {
    fn from(id: MessageId) -> Self {
        tg::MessageId(id.0)
    }
}

/// A forum topic, which Telegram numbers by the message that started it.
impl From<tg::ThreadId> for MessageId {
    fn from(id: tg::ThreadId) -> Self {
        id.0.into()
    }
}

impl From<MessageId> for tg::ThreadId {
    fn from(id: MessageId) -> Self {
        tg::ThreadId(id.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cross_the_edge_unchanged() {
        assert_eq!(ChatId::from(tg::ChatId::from(ChatId(-100))), ChatId(-100));
        assert_eq!(UserId::from(tg::UserId::from(UserId(42))), UserId(42));
        assert_eq!(tg::UserId::from(UserId(42)), tg::UserId(42));
        assert_eq!(MessageId::from(tg::MessageId(7)), MessageId(7));
        assert_eq!(
            tg::ThreadId::from(MessageId(7)),
            tg::ThreadId(tg::MessageId(7))
        );
        assert!(matches!(
            tg::Recipient::from(ChatId(-5)),
            tg::Recipient::Id(tg::ChatId(-5))
        ));
    }
}
