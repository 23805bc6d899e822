//! Comments under a poll and the approvals they collect.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{ChatId, MessageId, Person, PollId, PollState, UserId};

/// What a user does to a comment: approve it, or take the approval back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approval {
    Given,
    Withdrawn,
}

impl Approval {
    /// `Given` when the user approves now.
    pub fn from_approving(approving: bool) -> Self {
        if approving {
            Self::Given
        } else {
            Self::Withdrawn
        }
    }
}

/// A message that replies to a poll, or to one of its comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub poll: PollId,
    /// The chat it was posted in: the poll's own, or the discussion group
    /// of the poll's channel.
    #[serde(default)]
    pub chat: ChatId,
    pub message_id: MessageId,
    /// The author, when Telegram names one (channels and anonymous admins
    /// post as a chat).
    pub author: Option<Person>,
    /// The user Telegram gave as its sender (`from`), also when it was
    /// posted as a chat; for a chat that is usually one of Telegram's
    /// placeholders (see [`TELEGRAM_PLACEHOLDERS`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender: Option<UserId>,
    /// The message this one answers: the poll's or another comment's.
    pub reply_to: MessageId,
    pub text: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Distinct users who approved it by reaction or `+1` reply.
    pub approvals_by_users: u32,
    /// Approvals Telegram reported only as counts (anonymous reactions).
    pub approvals_counted: u32,
    /// The option (by index) it replies to, when it replies to one
    /// (`reply_to_poll_option_id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_option: Option<u8>,
}

impl Comment {
    /// Approvals as shown: where Telegram reports only counts, those counts
    /// already include the users we know of, so the larger figure is right.
    pub fn approvals(&self) -> u32 {
        self.approvals_by_users.max(self.approvals_counted)
    }

    /// Whether `approver` (see [`approver`]) may approve this comment:
    /// anyone but its own author, whichever identity the author posted or
    /// approves as. Telegram's placeholder senders stand for many people
    /// and never make a comment someone's own.
    pub fn may_be_approved_by(&self, approver: UserId) -> bool {
        let authored = self.author.as_ref().is_some_and(|a| a.id == approver);
        let sent = self
            .sender
            .is_some_and(|s| s == approver && !is_placeholder(s));
        !(authored || sent)
    }
}

/// Whether a poll in `state` takes new comments, and approvals given or
/// withdrawn: only while it is open. A closed poll's results were
/// announced as final, and its top comments, `/results` and `/report`
/// stay what they were then; a reply or a reaction that comes later (even
/// one sent just before the close) is not recorded against it, the way a
/// late vote is not counted.
pub fn takes_comments(state: PollState) -> bool {
    state == PollState::Open
}

/// Senders Telegram puts in `from` when a message is sent on behalf of a
/// chat: @Channel_Bot (as a channel), @GroupAnonymousBot (an anonymous
/// admin), and Telegram itself (service and automatic messages).
pub const TELEGRAM_PLACEHOLDERS: [UserId; 3] =
    [UserId(136_817_688), UserId(1_087_968_824), UserId(777_000)];

fn is_placeholder(user: UserId) -> bool {
    TELEGRAM_PLACEHOLDERS.contains(&user)
}

/// Who approves a comment with a `+1` reply: the user Telegram names as
/// the reply's sender, whichever channel identity they send it as, so that
/// one person is one approval. Replies sent as a chat carry Telegram's
/// placeholder there: together they count as one approver, since nothing
/// tells the people behind them apart. Without a sender (a post in a
/// channel itself), the author.
pub fn approver(sender: Option<UserId>, author: Option<&Person>) -> Option<UserId> {
    sender.or(author.map(|a| a.id))
}

/// Reactions that count as approval.
pub const APPROVING_EMOJI: [&str; 5] = ["👍", "❤", "🔥", "👏", "💯"];

/// Whether a reaction emoji approves a comment. Telegram sends the heart
/// with or without the emoji variation selector.
pub fn is_approving_reaction(emoji: &str) -> bool {
    let emoji = emoji.trim_end_matches('\u{fe0f}');
    APPROVING_EMOJI.contains(&emoji)
}

/// Whether a reply is only an approval (`+1`, `👍`, `agree`, `同意`) rather
/// than a comment of its own.
pub fn is_approval_reply(text: &str) -> bool {
    let text = text.trim().trim_end_matches(['!', '！', '.', '。']);
    let lower = text.to_lowercase();
    matches!(lower.as_str(), "+1" | "agree" | "同意") || text.trim_end_matches('\u{fe0f}') == "👍"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approval_replies_are_recognised_and_comments_are_not() {
        for text in [
            "+1",
            " 👍 ",
            "Agree",
            "agree!",
            "同意",
            "同意！",
            "👍\u{fe0f}",
        ] {
            assert!(is_approval_reply(text), "{text:?}");
        }
        for text in ["+10", "I agree", "agreed, but", "👍👍 good", "", "同意吗"] {
            assert!(!is_approval_reply(text), "{text:?}");
        }
    }

    fn comment_by(author: UserId, sender: Option<UserId>) -> Comment {
        Comment {
            poll: PollId {
                chat: ChatId(-100),
                number: super::super::PollNumber(1),
            },
            chat: ChatId(-100),
            message_id: MessageId(10),
            author: Some(Person {
                id: author,
                name: "Author".into(),
            }),
            sender,
            reply_to: MessageId(1),
            text: "A comment".into(),
            posted_at: DateTime::<Utc>::UNIX_EPOCH,
            edited_at: None,
            approvals_by_users: 0,
            approvals_counted: 0,
            replied_option: None,
        }
    }

    const USER: UserId = UserId(42);
    const OTHER: UserId = UserId(43);
    const CHANNEL: UserId = UserId(-1001111111111);
    const CHANNEL_BOT: UserId = UserId(136_817_688);

    #[test]
    fn nobody_approves_their_own_comment() {
        let own = comment_by(USER, Some(USER));
        assert!(!own.may_be_approved_by(USER));
        assert!(own.may_be_approved_by(OTHER));
        assert!(own.may_be_approved_by(CHANNEL_BOT));
        // Posted as a channel by a user Telegram names: neither the
        // channel nor the user approves it.
        let as_channel = comment_by(CHANNEL, Some(USER));
        assert!(!as_channel.may_be_approved_by(USER));
        assert!(!as_channel.may_be_approved_by(CHANNEL));
        assert!(as_channel.may_be_approved_by(OTHER));
        // Posted as a channel, sender unknown (Telegram's placeholder):
        // other channel identities may approve it.
        let anonymous = comment_by(CHANNEL, Some(CHANNEL_BOT));
        assert!(anonymous.may_be_approved_by(CHANNEL_BOT));
        assert!(!anonymous.may_be_approved_by(CHANNEL));
        // A comment stored before senders were kept.
        let old = comment_by(USER, None);
        assert!(!old.may_be_approved_by(USER));
        assert!(old.may_be_approved_by(OTHER));
    }

    #[test]
    fn the_approver_is_the_sender_whatever_identity_they_use() {
        let channel = |id| Person {
            id,
            name: "A channel".into(),
        };
        assert_eq!(approver(Some(USER), Some(&channel(CHANNEL))), Some(USER));
        assert_eq!(
            approver(Some(USER), Some(&channel(UserId(CHANNEL.0 - 1)))),
            Some(USER)
        );
        assert_eq!(
            approver(Some(CHANNEL_BOT), Some(&channel(CHANNEL))),
            approver(Some(CHANNEL_BOT), Some(&channel(UserId(CHANNEL.0 - 1))))
        );
        assert_eq!(approver(None, Some(&channel(CHANNEL))), Some(CHANNEL));
        assert_eq!(approver(None, None), None);
    }

    #[test]
    fn comments_and_approvals_count_only_while_the_poll_is_open() {
        assert!(takes_comments(PollState::Open));
        assert!(!takes_comments(PollState::Closed));
    }

    #[test]
    fn approving_reactions() {
        assert!(is_approving_reaction("❤"));
        assert!(is_approving_reaction("❤\u{fe0f}"));
        assert!(is_approving_reaction("💯"));
        assert!(!is_approving_reaction("👎"));
        assert!(!is_approving_reaction("🤡"));
    }
}
