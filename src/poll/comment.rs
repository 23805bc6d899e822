//! Comments under a poll and the approvals they collect.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Person, PollId};

/// A message that replies to a poll, or to one of its comments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comment {
    pub poll: PollId,
    pub message_id: i32,
    /// The author, when Telegram names one (channels and anonymous admins
    /// post as a chat).
    pub author: Option<Person>,
    /// The message this one answers: the poll's or another comment's.
    pub reply_to: i32,
    pub text: String,
    pub posted_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    /// Distinct users who approved it by reaction or `+1` reply.
    pub approvals_by_users: u32,
    /// Approvals Telegram reported only as counts (anonymous reactions).
    pub approvals_counted: u32,
}

impl Comment {
    /// Approvals as shown: where Telegram reports only counts, those counts
    /// already include the users we know of, so the larger figure is right.
    pub fn approvals(&self) -> u32 {
        self.approvals_by_users.max(self.approvals_counted)
    }
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

    #[test]
    fn approving_reactions() {
        assert!(is_approving_reaction("❤"));
        assert!(is_approving_reaction("❤\u{fe0f}"));
        assert!(is_approving_reaction("💯"));
        assert!(!is_approving_reaction("👎"));
        assert!(!is_approving_reaction("🤡"));
    }
}
