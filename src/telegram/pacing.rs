//! Telegram's message limits, kept per chat so that a chat waiting for its
//! limit never holds up another: at most one message a second in a chat, 20
//! a minute in a group or channel, 30 a second overall; after a 429 the chat
//! waits what Telegram asked.
//!
//! (teloxide's `Throttle` is not used: it freezes every chat after one chat's
//! 429, its queue holds 30 requests so one chat's backlog blocks the others,
//! and it allows 10 messages a minute in a supergroup, half of Telegram's 20.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Telegram's documented limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The least time between two messages in one chat.
    pub chat_gap: Duration,
    /// Messages a minute in a group, supergroup or channel.
    pub group_per_minute: usize,
    /// Messages a second across all chats.
    pub overall_per_second: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            chat_gap: Duration::from_secs(1),
            group_per_minute: 20,
            overall_per_second: 30,
        }
    }
}

const MINUTE: Duration = Duration::from_secs(60);
const SECOND: Duration = Duration::from_secs(1);

#[derive(Debug, Default)]
struct ChatHistory {
    /// When messages were sent here in the last minute, oldest first.
    sent: VecDeque<Instant>,
    /// Telegram asked this chat to wait until then (a 429).
    frozen_until: Option<Instant>,
}

#[derive(Debug, Default)]
struct History {
    chats: HashMap<i64, ChatHistory>,
    overall: VecDeque<Instant>,
}

/// Hands out send slots under [`Limits`].
#[derive(Debug, Default)]
pub struct Pacer {
    limits: Limits,
    history: Mutex<History>,
}

/// Groups, supergroups and channels have negative ids; private chats positive.
fn is_group(chat: i64) -> bool {
    chat < 0
}

impl Pacer {
    pub fn new(limits: Limits) -> Self {
        Self {
            limits,
            history: Mutex::default(),
        }
    }

    /// Takes a slot for a message to `chat` at `now`, or says how long to
    /// wait before asking again.
    pub fn try_reserve(&self, chat: i64, now: Instant) -> Result<(), Duration> {
        let mut history = self.history.lock().unwrap_or_else(|e| e.into_inner());
        let History { chats, overall } = &mut *history;
        let since = |at: Instant| now.saturating_duration_since(at);
        while overall.front().is_some_and(|at| since(*at) >= SECOND) {
            overall.pop_front();
        }
        let entry = chats.entry(chat).or_default();
        while entry.sent.front().is_some_and(|at| since(*at) >= MINUTE) {
            entry.sent.pop_front();
        }
        let mut wait = Duration::ZERO;
        if let Some(until) = entry.frozen_until {
            wait = wait.max(until.saturating_duration_since(now));
        }
        if let Some(last) = entry.sent.back() {
            wait = wait.max(self.limits.chat_gap.saturating_sub(since(*last)));
        }
        if is_group(chat) && entry.sent.len() >= self.limits.group_per_minute {
            let oldest = entry.sent[entry.sent.len() - self.limits.group_per_minute];
            wait = wait.max(MINUTE.saturating_sub(since(oldest)));
        }
        if overall.len() >= self.limits.overall_per_second {
            let oldest = overall[overall.len() - self.limits.overall_per_second];
            wait = wait.max(SECOND.saturating_sub(since(oldest)));
        }
        if !wait.is_zero() {
            return Err(wait);
        }
        entry.sent.push_back(now);
        entry.frozen_until = None;
        overall.push_back(now);
        // Forget chats that have been quiet for a minute.
        if chats.len() > 1024 {
            chats.retain(|_, c| {
                c.sent.back().is_some_and(|at| since(*at) < MINUTE)
                    || c.frozen_until.is_some_and(|until| until > now)
            });
        }
        Ok(())
    }

    /// Waits for a slot for a message to `chat`.
    pub async fn reserve(&self, chat: i64) {
        while let Err(wait) = self.try_reserve(chat, Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Telegram answered 429 for `chat`: nothing goes there before `until`.
    pub fn freeze(&self, chat: i64, until: Instant) {
        let mut history = self.history.lock().unwrap_or_else(|e| e.into_inner());
        let entry = history.chats.entry(chat).or_default();
        entry.frozen_until = Some(entry.frozen_until.map_or(until, |u| u.max(until)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn one_message_a_second_in_a_chat() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        assert_eq!(pacer.try_reserve(5, t0), Ok(()));
        assert_eq!(pacer.try_reserve(5, t0 + secs(0.25)), Err(secs(0.75)));
        assert_eq!(pacer.try_reserve(5, t0 + secs(1.0)), Ok(()));
        // Another chat is not held up.
        assert_eq!(pacer.try_reserve(6, t0 + secs(0.25)), Ok(()));
    }

    #[test]
    fn twenty_a_minute_in_a_group_but_not_in_a_private_chat() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        for i in 0..20 {
            assert_eq!(pacer.try_reserve(-100, t0 + secs(i as f64)), Ok(()), "{i}");
            assert_eq!(pacer.try_reserve(100, t0 + secs(i as f64)), Ok(()), "{i}");
        }
        // The 21st waits until the first is a minute old.
        assert_eq!(pacer.try_reserve(-100, t0 + secs(20.0)), Err(secs(40.0)));
        assert_eq!(pacer.try_reserve(100, t0 + secs(20.0)), Ok(()));
        assert_eq!(pacer.try_reserve(-100, t0 + secs(60.0)), Ok(()));
    }

    #[test]
    fn thirty_a_second_overall() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        for chat in 0..30 {
            assert_eq!(pacer.try_reserve(chat, t0), Ok(()));
        }
        assert_eq!(pacer.try_reserve(30, t0 + secs(0.5)), Err(secs(0.5)));
        assert_eq!(pacer.try_reserve(30, t0 + secs(1.0)), Ok(()));
    }

    #[test]
    fn a_429_freezes_only_its_chat() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        pacer.freeze(-1, t0 + secs(7.0));
        assert_eq!(pacer.try_reserve(-1, t0), Err(secs(7.0)));
        assert_eq!(pacer.try_reserve(-2, t0), Ok(()));
        assert_eq!(pacer.try_reserve(-1, t0 + secs(7.0)), Ok(()));
    }
}
