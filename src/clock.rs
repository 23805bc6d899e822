//! What time it is, for everything the bot decides by the calendar: a
//! poll's deadline and Telegram's `close_date`, when a poll closed, a
//! `/newpoll --until` read against now, how old a command is, the time of
//! a vote. The bot is handed one [`Clock`] when it starts
//! (`telegram::run_observed`) and reads no other.
//!
//! In production it is the system clock. A test hands the bot a manual
//! one, which stands still until the test moves it: a deadline then
//! passes when the test says so, not after seconds of real waiting.
//! Delays that are not about the calendar (retries, backoff, pacing, a
//! lane's idle time) are measured with tokio's timers, as before.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::watch;

/// The system clock, or a manual one that a test sets. Cloning gives
/// another handle to the same clock.
#[derive(Debug, Clone, Default)]
pub struct Clock(Source);

#[derive(Debug, Clone, Default)]
enum Source {
    #[default]
    System,
    /// The time, and a signal to whoever waits for a later one.
    Manual(Arc<watch::Sender<DateTime<Utc>>>),
}

impl Clock {
    /// The system clock: what the bot runs on.
    pub fn system() -> Self {
        Self(Source::System)
    }

    /// A clock that shows `start` until [`Self::set`] or
    /// [`Self::advance`] moves it.
    pub fn manual(start: DateTime<Utc>) -> Self {
        Self(Source::Manual(Arc::new(watch::Sender::new(start))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            Source::System => Utc::now(),
            Source::Manual(time) => *time.borrow(),
        }
    }

    /// Returns once the clock shows `at` or later. On the system clock
    /// that is a tokio sleep; on a manual one, the moment a test moves the
    /// clock there.
    pub async fn sleep_until(&self, at: DateTime<Utc>) {
        match &self.0 {
            Source::System => {
                let wait = (at - Utc::now()).to_std().unwrap_or_default();
                tokio::time::sleep(wait).await;
            }
            Source::Manual(time) => {
                let mut shown = time.subscribe();
                // The sender lives as long as this handle: it cannot close.
                let _ = shown.wait_for(|now| *now >= at).await;
            }
        }
    }

    /// Moves a manual clock to `at` (even backwards), waking whoever waits
    /// for that time.
    ///
    /// # Panics
    /// On the system clock, which nobody sets.
    pub fn set(&self, at: DateTime<Utc>) {
        match &self.0 {
            Source::System => panic!("the system clock cannot be set"),
            Source::Manual(time) => {
                time.send_replace(at);
            }
        }
    }

    /// Moves a manual clock forward by `by`.
    ///
    /// # Panics
    /// On the system clock, which nobody sets.
    pub fn advance(&self, by: TimeDelta) {
        self.set(self.now() + by);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn start() -> DateTime<Utc> {
        "2024-03-14T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_manual_clock_stands_still_until_moved() {
        let clock = Clock::manual(start());
        assert_eq!(clock.now(), start());
        clock.advance(TimeDelta::minutes(90));
        assert_eq!(clock.now(), start() + TimeDelta::minutes(90));
        clock.clone().set(start());
        assert_eq!(clock.now(), start(), "clones share one clock");
    }

    #[tokio::test]
    async fn a_sleeper_wakes_when_the_manual_clock_reaches_its_time() {
        let clock = Clock::manual(start());
        let at = start() + TimeDelta::hours(1);
        let sleeper = tokio::spawn({
            let clock = clock.clone();
            async move { clock.sleep_until(at).await }
        });
        clock.advance(TimeDelta::minutes(59));
        tokio::task::yield_now().await;
        assert!(!sleeper.is_finished(), "not yet at its time");
        clock.advance(TimeDelta::minutes(1));
        tokio::time::timeout(Duration::from_secs(10), sleeper)
            .await
            .expect("woken at its time")
            .unwrap();
        // A time already passed returns at once.
        clock.sleep_until(start()).await;
    }

    #[tokio::test]
    async fn the_system_clock_sleeps_in_real_time() {
        let clock = Clock::system();
        let before = std::time::Instant::now();
        clock
            .sleep_until(clock.now() + TimeDelta::milliseconds(30))
            .await;
        assert!(before.elapsed() >= Duration::from_millis(20));
        clock.sleep_until(clock.now() - TimeDelta::hours(1)).await;
    }
}
