//! Telegram's message limits, kept per chat so that a chat waiting for its
//! limit never holds up another: at most one message a second in a chat, 20
//! a minute in a group or channel, 30 a second overall; after a 429 the chat
//! waits what Telegram asked. Chats that wait for the overall budget are
//! served in the order they came to wait, so that chats which keep asking
//! (30 private chats of one sender, say) cannot starve the others.
//!
//! (teloxide's `Throttle` is not used: it freezes every chat after one chat's
//! 429, its queue holds 30 requests so one chat's backlog blocks the others,
//! and it allows 10 messages a minute in a supergroup, half of Telegram's 20.)

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::poll::ChatId;

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
/// A chat waiting for the overall budget is told to ask again within a
/// second; one that has not asked for this long has stopped waiting (its
/// lane is stopping) and no longer holds up the chats behind it.
const GONE_AFTER: Duration = Duration::from_secs(3);

#[derive(Debug, Default)]
struct ChatHistory {
    /// When messages were sent here in the last minute, oldest first.
    sent: VecDeque<Instant>,
    /// Telegram asked this chat to wait until then (a 429).
    frozen_until: Option<Instant>,
}

#[derive(Debug, Default)]
struct History {
    chats: HashMap<ChatId, ChatHistory>,
    overall: VecDeque<Instant>,
    /// Chats ready to send but for the overall budget, in the order they
    /// came to wait, with when each last asked.
    in_turn: VecDeque<(ChatId, Instant)>,
}

/// Hands out send slots under [`Limits`].
#[derive(Debug, Default)]
pub struct Pacer {
    limits: Limits,
    history: Mutex<History>,
}

/// Groups, supergroups and channels have negative ids; private chats positive.
fn is_group(chat: ChatId) -> bool {
    chat.0 < 0
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
    pub fn try_reserve(&self, chat: ChatId, now: Instant) -> Result<(), Duration> {
        let mut history = self.history.lock().unwrap_or_else(|e| e.into_inner());
        let History {
            chats,
            overall,
            in_turn,
        } = &mut *history;
        let since = |at: Instant| now.saturating_duration_since(at);
        while overall.front().is_some_and(|at| since(*at) >= SECOND) {
            overall.pop_front();
        }
        in_turn.retain(|(_, asked)| since(*asked) < GONE_AFTER);
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
        if !wait.is_zero() {
            // Not ready for its own reasons (a 429): it gives up its turn
            // rather than hold up the chats behind it.
            in_turn.retain(|(waiting, _)| *waiting != chat);
            return Err(wait);
        }
        // The free slots go to the chats that waited for them, in turn; a
        // chat not waiting yet comes after them.
        let free = self.limits.overall_per_second.saturating_sub(overall.len());
        let turn = match in_turn.iter().position(|(waiting, _)| *waiting == chat) {
            Some(turn) => {
                in_turn[turn].1 = now;
                turn
            }
            None => in_turn.len(),
        };
        if turn >= free {
            if turn == in_turn.len() {
                in_turn.push_back((chat, now));
            }
            // Its slot frees when the (turn - free + 1)-th oldest message
            // is a second old; ask again within a second in any case.
            let wait = overall
                .get(turn - free)
                .map_or(SECOND, |at| SECOND.saturating_sub(since(*at)));
            return Err(wait);
        }
        if turn < in_turn.len() {
            in_turn.remove(turn);
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
    pub async fn reserve(&self, chat: ChatId) {
        while let Err(wait) = self.try_reserve(chat, Instant::now()) {
            tokio::time::sleep(wait).await;
        }
    }

    /// Telegram answered 429 for `chat`: nothing goes there before `until`.
    pub fn freeze(&self, chat: ChatId, until: Instant) {
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

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn one_message_a_second_in_a_chat() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        assert_eq!(pacer.try_reserve(ChatId(5), t0), Ok(()));
        assert_eq!(
            pacer.try_reserve(ChatId(5), t0 + secs(0.25)),
            Err(secs(0.75))
        );
        assert_eq!(pacer.try_reserve(ChatId(5), t0 + secs(1.0)), Ok(()));
        // Another chat is not held up.
        assert_eq!(pacer.try_reserve(ChatId(6), t0 + secs(0.25)), Ok(()));
    }

    #[test]
    fn twenty_a_minute_in_a_group_but_not_in_a_private_chat() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        for i in 0..20 {
            assert_eq!(
                pacer.try_reserve(ChatId(-100), t0 + secs(i as f64)),
                Ok(()),
                "{i}"
            );
            assert_eq!(
                pacer.try_reserve(ChatId(100), t0 + secs(i as f64)),
                Ok(()),
                "{i}"
            );
        }
        // The 21st waits until the first is a minute old.
        assert_eq!(
            pacer.try_reserve(ChatId(-100), t0 + secs(20.0)),
            Err(secs(40.0))
        );
        assert_eq!(pacer.try_reserve(ChatId(100), t0 + secs(20.0)), Ok(()));
        assert_eq!(pacer.try_reserve(ChatId(-100), t0 + secs(60.0)), Ok(()));
    }

    #[test]
    fn thirty_a_second_overall() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        for chat in 0..30 {
            assert_eq!(pacer.try_reserve(ChatId(chat), t0), Ok(()));
        }
        assert_eq!(
            pacer.try_reserve(ChatId(30), t0 + secs(0.5)),
            Err(secs(0.5))
        );
        assert_eq!(pacer.try_reserve(ChatId(30), t0 + secs(1.0)), Ok(()));
    }

    #[test]
    fn a_429_freezes_only_its_chat() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        pacer.freeze(ChatId(-1), t0 + secs(7.0));
        assert_eq!(pacer.try_reserve(ChatId(-1), t0), Err(secs(7.0)));
        assert_eq!(pacer.try_reserve(ChatId(-2), t0), Ok(()));
        assert_eq!(pacer.try_reserve(ChatId(-1), t0 + secs(7.0)), Ok(()));
    }

    #[test]
    fn the_overall_budget_goes_in_turn_to_the_chats_that_waited_for_it() {
        let pacer = Pacer::default();
        let t0 = Instant::now();
        // 30 private chats take the second's budget, 10 ms apart.
        for i in 0..30 {
            assert_eq!(
                pacer.try_reserve(ChatId(i + 1), t0 + ms(10 * i as u64)),
                Ok(())
            );
        }
        // A group waits for the first slot that frees...
        assert_eq!(pacer.try_reserve(ChatId(-5), t0 + ms(500)), Err(ms(500)));
        // ...and the first private chat, ready again when that slot frees,
        // waits behind it for the next one.
        assert_eq!(pacer.try_reserve(ChatId(1), t0 + ms(1000)), Err(ms(10)));
        assert_eq!(pacer.try_reserve(ChatId(-5), t0 + ms(1000)), Ok(()));
        // A chat that comes later waits behind the one already waiting.
        assert_eq!(pacer.try_reserve(ChatId(2), t0 + ms(1010)), Err(ms(10)));
        assert_eq!(pacer.try_reserve(ChatId(1), t0 + ms(1010)), Ok(()));
        assert_eq!(pacer.try_reserve(ChatId(2), t0 + ms(1020)), Ok(()));
    }

    #[test]
    fn a_chat_that_stopped_waiting_gives_up_its_turn() {
        let pacer = Pacer::new(Limits {
            overall_per_second: 1,
            ..Limits::default()
        });
        let t0 = Instant::now();
        assert_eq!(pacer.try_reserve(ChatId(1), t0), Ok(()));
        assert_eq!(pacer.try_reserve(ChatId(2), t0 + ms(500)), Err(ms(500)));
        assert_eq!(pacer.try_reserve(ChatId(3), t0 + ms(600)), Err(secs(1.0)));
        // Chat 2 never asks again: its turn holds chat 3 up for a while,
        // then passes to it.
        assert_eq!(pacer.try_reserve(ChatId(3), t0 + ms(3000)), Err(secs(1.0)));
        assert_eq!(pacer.try_reserve(ChatId(3), t0 + ms(3500)), Ok(()));
    }

    #[test]
    fn a_frozen_chat_gives_up_its_turn() {
        let pacer = Pacer::new(Limits {
            overall_per_second: 1,
            ..Limits::default()
        });
        let t0 = Instant::now();
        assert_eq!(pacer.try_reserve(ChatId(1), t0), Ok(()));
        assert_eq!(pacer.try_reserve(ChatId(-2), t0 + ms(500)), Err(ms(500)));
        pacer.freeze(ChatId(-2), t0 + secs(10.0));
        assert_eq!(pacer.try_reserve(ChatId(-2), t0 + ms(600)), Err(ms(9400)));
        assert_eq!(pacer.try_reserve(ChatId(3), t0 + ms(1000)), Ok(()));
    }
}
