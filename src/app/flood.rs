//! Keeping one chat's bursts in check: a member who floods the bot with
//! commands gets a few replies, then silence; identical requests waiting in
//! line are answered once.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::poll::{PollId, UserId};
use crate::report::ExportFormat;

/// Replies a non-moderator gets within [`FLOOD_WINDOW`].
pub const FLOOD_REPLIES: usize = 5;
/// The window of the flood rule.
pub const FLOOD_WINDOW: Duration = Duration::from_secs(10 * 60);
/// Members tracked before the oldest quiet ones are forgotten.
const TRACKED_MEMBERS: usize = 1024;

/// Who sent a command, as far as the flood rule cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sender {
    /// The command came from a private chat with the bot.
    pub kind: super::ChatKind,
    /// The sender moderates the chat the command came from (in a private
    /// chat, its user does).
    pub moderates_here: bool,
    /// The sender is one of the bot's configured moderators
    /// (`POLLBOT_MODERATORS`).
    pub configured_moderator: bool,
}

/// Whether the flood rule ([`FLOOD_REPLIES`] in [`FLOOD_WINDOW`]) holds for
/// `sender`. Everyone moderates their own private chat, so there only the
/// configured moderators are exempt: otherwise anyone with many accounts
/// could spend the bot's whole message budget from private chats.
pub fn flood_limited(sender: Sender) -> bool {
    if sender.configured_moderator {
        return false;
    }
    sender.kind.is_private() || !sender.moderates_here
}

/// How many replies each non-moderator got lately, in one chat.
#[derive(Debug, Default)]
pub struct FloodGuard {
    replies: HashMap<UserId, VecDeque<Instant>>,
}

impl FloodGuard {
    /// Whether `user` may get one more reply at `now`; if so, it is counted.
    pub fn allow(&mut self, user: UserId, now: Instant) -> bool {
        if self.replies.len() >= TRACKED_MEMBERS {
            self.forget_quiet(now);
        }
        let replies = self.replies.entry(user).or_default();
        while replies
            .front()
            .is_some_and(|at| now.duration_since(*at) >= FLOOD_WINDOW)
        {
            replies.pop_front();
        }
        if replies.len() >= FLOOD_REPLIES {
            return false;
        }
        replies.push_back(now);
        true
    }

    fn forget_quiet(&mut self, now: Instant) {
        self.replies.retain(|_, replies| {
            replies
                .back()
                .is_some_and(|at| now.duration_since(*at) < FLOOD_WINDOW)
        });
    }
}

/// Requests whose answer would be the same: one waiting behind an identical
/// one is answered with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CoalesceKey {
    Results(PollId),
    Export(PollId, ExportFormat),
    Polls,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_replies_in_ten_minutes_then_silence_then_again() {
        let start = Instant::now();
        let mut guard = FloodGuard::default();
        for i in 0..5 {
            assert!(
                guard.allow(UserId(7), start + Duration::from_secs(i)),
                "reply {i}"
            );
        }
        assert!(!guard.allow(UserId(7), start + Duration::from_secs(10)));
        assert!(!guard.allow(UserId(7), start + Duration::from_secs(599)));
        // Another member is not affected.
        assert!(guard.allow(UserId(8), start + Duration::from_secs(10)));
        // Ten minutes after the first reply, one more is allowed.
        assert!(guard.allow(UserId(7), start + Duration::from_secs(600)));
        assert!(!guard.allow(UserId(7), start + Duration::from_secs(600)));
    }

    #[test]
    fn refused_commands_do_not_extend_the_silence() {
        let start = Instant::now();
        let mut guard = FloodGuard::default();
        for _ in 0..5 {
            assert!(guard.allow(UserId(1), start));
        }
        for s in 1..600 {
            assert!(!guard.allow(UserId(1), start + Duration::from_secs(s)));
        }
        assert!(guard.allow(UserId(1), start + FLOOD_WINDOW));
    }

    #[test]
    fn private_chats_are_flood_limited_unless_the_sender_is_a_configured_moderator() {
        let sender = |private, moderates_here, configured_moderator| Sender {
            kind: if private {
                crate::app::ChatKind::Private
            } else {
                crate::app::ChatKind::Group
            },
            moderates_here,
            configured_moderator,
        };
        // In a private chat the user moderates, yet the rule holds.
        assert!(flood_limited(sender(true, true, false)));
        assert!(!flood_limited(sender(true, true, true)));
        // In a group, moderators are exempt and members are not.
        assert!(!flood_limited(sender(false, true, false)));
        assert!(!flood_limited(sender(false, true, true)));
        assert!(flood_limited(sender(false, false, false)));
    }

    #[test]
    fn many_members_stay_bounded() {
        let start = Instant::now();
        let mut guard = FloodGuard::default();
        for user in 0..5000 {
            guard.allow(UserId(user), start + Duration::from_secs(user as u64));
        }
        assert!(guard.replies.len() <= TRACKED_MEMBERS + 1);
    }
}
