//! Which instance does the work. Several instances on one PostgreSQL all
//! record updates, but one at a time answers commands, closes polls, posts
//! reminders, announcements and scheduled polls: the one holding the
//! [`WORK`] lease. So every chat's answers come from one instance, in order
//! and paced as one (Telegram's limits are per bot, not per instance), and
//! nothing is posted twice. When the holder dies, its lease runs out and
//! another instance takes the work over within [`TAKEOVER`].
//!
//! Alone on sled, an instance always holds it.

use std::time::Duration;

/// The lease's name.
pub const WORK: &str = "work";
/// How long a lease lasts unless renewed.
pub const LEASE_SECONDS: u32 = 6;
/// How often the holder renews it, and a waiting instance tries to take it.
pub const RENEW_EVERY: Duration = Duration::from_secs(1);
/// The longest the work waits after its holder dies: the lease running
/// out, then the next try of another instance.
pub const TAKEOVER: Duration = Duration::from_secs(LEASE_SECONDS as u64 + 1);

/// What an instance knows of its lease after a try to take or renew it.
/// `held` below is whether it held (or, paused, last held) the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// It holds the work.
    Holds,
    /// Another instance holds it.
    Waits,
    /// It held the work, but the database has not answered for so long
    /// that the lease may have run out: it takes no new work until the
    /// database answers again (a restart of PostgreSQL, say).
    Paused,
    /// Another instance took the work: this one must stop at once.
    Lost,
}

/// The outcome of a try to renew or take the lease, `renewed` telling
/// whether it succeeded (`None`: the database did not answer), seen by an
/// instance that `held` the work, whose last renewal was `since_renewal`
/// ago.
pub fn standing(held: bool, renewed: Option<bool>, since_renewal: Duration) -> Standing {
    match (held, renewed) {
        (_, Some(true)) => Standing::Holds,
        (false, _) => Standing::Waits,
        // Another holder: the lease ran out and was taken.
        (true, Some(false)) => Standing::Lost,
        // No answer: the lease may still be ours, for a while. A margin of
        // one renewal before it runs out, as clocks differ.
        (true, None) if since_renewal + RENEW_EVERY < Duration::from_secs(LEASE_SECONDS.into()) => {
            Standing::Holds
        }
        (true, None) => Standing::Paused,
    }
}

/// A name for this instance that no other has: host, process, start time.
pub fn holder_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".into());
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{host}:{}:{started}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_instance_holds_the_work_while_it_renews_and_stops_before_another_can_take_it() {
        let second = Duration::from_secs(1);
        assert_eq!(standing(false, Some(true), second), Standing::Holds);
        assert_eq!(standing(false, Some(false), second), Standing::Waits);
        assert_eq!(standing(false, None, second), Standing::Waits);
        assert_eq!(standing(true, Some(true), 10 * second), Standing::Holds);
        assert_eq!(standing(true, Some(false), second), Standing::Lost);
        // The database is away: held for a while, given up a renewal
        // before the lease could run out.
        assert_eq!(standing(true, None, 4 * second), Standing::Holds);
        assert_eq!(standing(true, None, 5 * second), Standing::Paused);
        // Back: the lease was still this instance's (or free), or not.
        assert_eq!(standing(true, Some(true), 9 * second), Standing::Holds);
        assert_eq!(standing(true, Some(false), 9 * second), Standing::Lost);
        assert!(
            TAKEOVER <= Duration::from_secs(10),
            "the issue's 10 seconds"
        );
    }

    #[test]
    fn each_instance_has_a_name_of_its_own() {
        assert_ne!(holder_name(), holder_name());
    }
}
