//! Turnout: whose member count a poll's results show, and keeping it.

use crate::poll::{Audience, ChatId, MemberCount, PollId, Turnout, TurnoutStage};
use crate::store::{self, Store};

use super::ChatKind;

/// Whom to count when a poll is posted in a chat of `kind`: a group's
/// members, a channel's subscribers, nobody in a private chat.
pub fn audience_at_posting(kind: ChatKind) -> Option<Audience> {
    match kind {
        ChatKind::Private => None,
        ChatKind::Group => Some(Audience::Members),
        ChatKind::Channel => Some(Audience::Subscribers),
    }
}

/// Whom to count when poll `id` of `chat` closes: whom it counted when
/// posted; when that count is missing, a group's or channel's members
/// (Telegram numbers them below zero), and nobody in a private chat.
/// `None` too once the count at close is kept.
pub fn audience_at_close(chat: ChatId, turnout: &Turnout) -> Option<Audience> {
    if turnout.closed.is_some() {
        return None;
    }
    match turnout.posted {
        Some(posted) => Some(posted.audience),
        None if chat.0 < 0 => Some(Audience::Members),
        None => None,
    }
}

/// Keeps the member count read at `stage` of poll `id`.
pub fn record_member_count(
    store: &Store,
    id: PollId,
    stage: TurnoutStage,
    count: MemberCount,
) -> store::Result<()> {
    store.write(|changes| changes.record_member_count(id, stage, count))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    #[test]
    fn groups_count_members_channels_subscribers_private_chats_nobody() {
        assert_eq!(
            audience_at_posting(ChatKind::Group),
            Some(Audience::Members)
        );
        assert_eq!(
            audience_at_posting(ChatKind::Channel),
            Some(Audience::Subscribers)
        );
        assert_eq!(audience_at_posting(ChatKind::Private), None);
    }

    #[test]
    fn at_close_a_chat_is_counted_once_as_it_was_when_posted() {
        let count = MemberCount {
            count: 10,
            audience: Audience::Subscribers,
            read_at: DateTime::<Utc>::UNIX_EPOCH,
        };
        let channel = ChatId(-1_001);
        let mut turnout = Turnout::default();
        assert_eq!(
            audience_at_close(channel, &turnout),
            Some(Audience::Members)
        );
        assert_eq!(audience_at_close(ChatId(42), &turnout), None);
        turnout.record(TurnoutStage::Posted, count);
        assert_eq!(
            audience_at_close(channel, &turnout),
            Some(Audience::Subscribers)
        );
        turnout.record(TurnoutStage::Closed, count);
        assert_eq!(audience_at_close(channel, &turnout), None);
    }
}
