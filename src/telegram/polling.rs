//! Long polling with durable acknowledgement.
//!
//! Telegram considers an update delivered once a later `getUpdates` asks
//! for an offset past it. So each batch is recorded and flushed to disk
//! before the next `getUpdates` is sent: votes, comments and approvals are
//! applied to the store, commands are queued in it, and the id of the last
//! update is stored in the same atomic batch. One flush per batch of up to
//! 100 updates. After a crash, the stored last id skips anything Telegram
//! sends again.

use std::time::Duration;

use chrono::Utc;
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Update};
use tokio::sync::{Notify, watch};
use tracing::{debug, error, info, warn};

use super::inbound::{self, Inbound};
use super::lanes::Activity;
use crate::ingest;
use crate::store::{self, LastUpdate, Store};

/// Seconds Telegram may hold a `getUpdates` open when there is nothing new.
pub const LONG_POLL_SECONDS: u32 = 10;
/// Telegram's quiet period after which update ids start anew.
const QUIET_WEEK: chrono::TimeDelta = chrono::TimeDelta::days(6);
/// The most updates Telegram sends at once.
pub const BATCH: u8 = 100;

/// The updates the bot asks for.
pub fn allowed_updates() -> Vec<AllowedUpdate> {
    vec![
        AllowedUpdate::Message,
        AllowedUpdate::EditedMessage,
        AllowedUpdate::ChannelPost,
        AllowedUpdate::Poll,
        AllowedUpdate::PollAnswer,
        AllowedUpdate::MessageReaction,
        AllowedUpdate::MessageReactionCount,
        AllowedUpdate::MyChatMember,
    ]
}

/// Waits longer after each failure, up to a limit, and starts over after a
/// success.
pub struct Backoff {
    next: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self::new()
    }
}

impl Backoff {
    const FIRST: Duration = Duration::from_millis(200);
    const LONGEST: Duration = Duration::from_secs(10);

    pub fn new() -> Self {
        Self { next: Self::FIRST }
    }

    pub fn reset(&mut self) {
        self.next = Self::FIRST;
    }

    /// The wait before the next try.
    pub fn next_wait(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(Self::LONGEST);
        wait
    }
}

/// Fetches, records and acknowledges updates until `shutdown` turns true.
/// Wakes the command worker whenever a batch queued commands.
pub async fn run(
    bot: &Bot,
    store: &Store,
    commands: &Notify,
    mut shutdown: watch::Receiver<bool>,
    activity: &Activity,
) -> store::Result<()> {
    let mut last = store.last_update()?;
    let mut backoff = Backoff::new();
    while !*shutdown.borrow() {
        // After a week without updates Telegram numbers them anew, from a
        // random id that may be lower than ours: the old one means nothing.
        if last.is_some_and(|l| Utc::now() - l.at > QUIET_WEEK) {
            info!("no updates for a week: starting from whatever Telegram sends");
            last = None;
        }
        let last_id = last.map(|l| l.id);
        let mut request = bot
            .get_updates()
            .timeout(LONG_POLL_SECONDS)
            .limit(BATCH)
            .allowed_updates(allowed_updates());
        if let Some(last_id) = last_id {
            request = request.offset((last_id + 1) as i32);
        }
        let result = tokio::select! {
            result = request.send() => result,
            // Nothing fetched yet: nothing to lose by leaving now.
            _ = shutdown.changed() => break,
        };
        let updates = match result {
            Ok(updates) => {
                backoff.reset();
                updates
            }
            Err(error) => {
                let wait = match &error {
                    teloxide::RequestError::RetryAfter(after) => after.duration(),
                    _ => backoff.next_wait(),
                };
                warn!(%error, ?wait, "getUpdates failed; trying again");
                sleep_unless_shutdown(wait, &mut shutdown).await;
                continue;
            }
        };
        if updates.is_empty() {
            continue;
        }
        // A failed write leaves the batch unacknowledged: try it again (the
        // store is unchanged, batches are atomic) until it is durable.
        activity.begin();
        loop {
            // sled blocks: keep the runtime's other tasks moving meanwhile.
            match tokio::task::block_in_place(|| record(store, &updates, last_id)) {
                Ok(recorded) => {
                    last = recorded.last;
                    if recorded.commands > 0 {
                        activity.request_dispatch();
                        commands.notify_one();
                    }
                    activity.end();
                    break;
                }
                Err(error) => {
                    if *shutdown.borrow() {
                        // Unacknowledged: Telegram sends the batch again.
                        activity.end();
                        return Err(error);
                    }
                    let wait = backoff.next_wait();
                    error!(%error, ?wait, "cannot record a batch of updates; trying again");
                    sleep_unless_shutdown(wait, &mut shutdown).await;
                }
            }
        }
    }
    Ok(())
}

async fn sleep_unless_shutdown(wait: Duration, shutdown: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = shutdown.changed() => {}
    }
}

/// What a recorded batch held.
pub struct Recorded {
    /// The newest update now stored.
    pub last: Option<LastUpdate>,
    /// Commands queued for the worker.
    pub commands: usize,
}

/// Applies a batch of updates in one atomic write and flushes it. Updates
/// at or below `last` were recorded before and are skipped.
pub fn record(store: &Store, updates: &[Update], last: Option<i64>) -> store::Result<Recorded> {
    let recorded = store.write(|changes| {
        let mut newest = last;
        let mut commands = 0;
        for update in updates {
            let id = i64::from(update.id.0);
            if last.is_some_and(|last| id <= last) {
                debug!(update = id, "already recorded; skipped");
                continue;
            }
            match inbound::read(update) {
                Some(Inbound::Event(event)) => {
                    let applied = ingest::apply(changes, &event)?;
                    debug!(update = id, ?applied, "applied");
                }
                Some(Inbound::Command(command)) => {
                    if changes.queue_command(id, serde_json::to_vec(&command)?)? {
                        commands += 1;
                    }
                }
                None => debug!(update = id, "not handled; skipped"),
            }
            newest = Some(newest.map_or(id, |n: i64| n.max(id)));
        }
        let newest = newest.map(|id| LastUpdate { id, at: Utc::now() });
        if let Some(newest) = newest {
            changes.set_last_update(newest)?;
        }
        Ok(Recorded {
            last: newest,
            commands,
        })
    })?;
    store.flush()?;
    Ok(recorded)
}
