//! Long polling with durable acknowledgement.
//!
//! Telegram considers an update delivered once a later `getUpdates` asks
//! for an offset past it. So each batch is recorded and flushed to disk
//! before the next `getUpdates` is sent: votes, comments and approvals are
//! applied to the store, commands are queued in it, and the id of the last
//! update is stored in the same atomic batch. One flush per batch of up to
//! 100 updates. After a crash, the stored last id skips anything Telegram
//! sends again.
//!
//! [`record`] is also what the webhook server ([`super::webhook`]) records
//! each posted update with, telling a redelivery by the update's own id
//! ([`Seen::Remembered`]) instead of the last one.

use std::time::Duration;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::types::{AllowedUpdate, Update};
use tokio::sync::{Notify, watch};
use tracing::{debug, error, info, warn};

use super::Recording;
use super::inbound::{self, CommandMessage, Inbound};
use super::lanes::Activity;
use super::payloads::{FetchedUpdate, GetUpdatesRaw, UpdateExtras};
use super::presses::PressAnswer;
use crate::ingest;
use crate::metrics::Metrics;
use crate::store::{self, Changes, ChatMove, LastUpdate, Purged, Store, UpdateSource};

/// Seconds Telegram may hold a `getUpdates` open when there is nothing new.
pub const LONG_POLL_SECONDS: u32 = 10;
/// Telegram's quiet period after which update ids start anew.
const QUIET_WEEK: chrono::TimeDelta = chrono::TimeDelta::days(6);
/// The most updates Telegram sends at once.
pub const BATCH: u8 = 100;
/// Tries of a whole batch before its updates are recorded one by one and
/// any that still fails is set aside.
pub(super) const BATCH_TRIES: u32 = 3;
/// How often early votes, copies, counts and replies that never found
/// their poll are looked for (and once at start).
pub(super) const PURGE_EVERY: Duration = Duration::from_secs(60 * 60);

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
        AllowedUpdate::CallbackQuery,
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
/// Wakes the dispatcher (which hands queued commands to the chats' lanes)
/// whenever a batch queued commands.
pub async fn run(
    recording: Recording<'_>,
    commands: &Notify,
    mut shutdown: watch::Receiver<bool>,
) -> store::Result<()> {
    let Recording {
        bot,
        store,
        clock,
        presses,
        activity,
        metrics,
        ..
    } = recording;
    // Update ids are per bot and per Bot API server: after a new token or
    // server the old last id would make the server drop the new updates.
    let me = UpdateSource::new(bot.token(), bot.api_url().as_str());
    // Telegram refuses getUpdates while a webhook is set: one left from a
    // run in webhook mode goes (its undelivered updates stay, to fetch).
    let mut webhook_deleted = tokio::select! {
        deleted = delete_webhook(bot) => deleted,
        _ = shutdown.changed() => return Ok(()),
    };
    let mut last = stored_last_update(store, me)?;
    tokio::task::block_in_place(|| purge_stale_early(store, clock.now()));
    let mut purged_at = tokio::time::Instant::now();
    let mut backoff = Backoff::new();
    while !*shutdown.borrow() {
        if purged_at.elapsed() >= PURGE_EVERY {
            tokio::task::block_in_place(|| purge_stale_early(store, clock.now()));
            purged_at = tokio::time::Instant::now();
        }
        // After a week without updates Telegram numbers them anew, from a
        // random id that may be lower than ours: the old one means nothing.
        if last.is_some_and(|l| clock.now() - l.at > QUIET_WEEK) {
            info!("no updates for a week: starting from whatever Telegram sends");
            last = None;
        }
        let after = last.map(|l| l.id);
        let fetched = fetch(bot, after, &mut backoff, &mut shutdown, metrics);
        let updates = match fetched.await {
            Fetch::Updates(updates) => updates,
            Fetch::Failed => continue,
            // Deleted once at start, and only tried again if that failed:
            // a webhook set since is another instance's (or an operator's)
            // to remove, not this one's.
            Fetch::WebhookSet if !webhook_deleted => {
                webhook_deleted = delete_webhook(bot).await;
                continue;
            }
            Fetch::WebhookSet => {
                error!(
                    "getUpdates refused: a webhook is set; run every instance with the same POLLBOT_WEBHOOK_URL (or none)"
                );
                continue;
            }
            Fetch::ShutDown => break,
        };
        if updates.is_empty() {
            continue;
        }
        metrics.updates_received(updates.len());
        let batch = Batch {
            updates: &updates,
            seen: Seen::Through(after),
            source: me,
            // Votes carry no date from Telegram: theirs is this moment, kept
            // through every try (see `inbound::read`).
            fetched_at: clock.now(),
        };
        activity.begin();
        let mut recorded = record_with_retries(store, &batch, &mut backoff, &mut shutdown).await;
        if let Ok(recorded) = &mut recorded {
            metrics.updates_recorded(recorded.updates);
            acknowledge(store, recorded, &mut last, commands, activity);
            // Presses are answered once recorded, off this loop: a toast
            // waits for no chat's lane and no next batch.
            // The answerer ends this activity once they are answered.
            if !recorded.presses.is_empty() {
                activity.begin();
                if presses.send(std::mem::take(&mut recorded.presses)).is_err() {
                    activity.end();
                }
            }
        }
        activity.end();
        // An error here means shutting down with the batch unacknowledged:
        // Telegram sends it again.
        recorded?;
    }
    Ok(())
}

/// The last update stored, unless it came from another bot or another Bot
/// API server.
fn stored_last_update(store: &Store, me: UpdateSource) -> store::Result<Option<LastUpdate>> {
    let last = tokio::task::block_in_place(|| store.last_update())?;
    if let Some(stored) = last.filter(|l| !l.is_from(me)) {
        info!(
            stored_bot = stored.bot.map(|b| b.0),
            bot = me.bot.map(|b| b.0),
            "the stored last update is another bot's or another server's: starting from whatever it sends"
        );
        return Ok(None);
    }
    Ok(last)
}

/// What one `getUpdates` gave.
enum Fetch {
    Updates(Vec<FetchedUpdate>),
    /// It failed, and the wait before the next try is over.
    Failed,
    /// Telegram refused it because a webhook is set (the wait is over).
    WebhookSet,
    /// Shutdown came first.
    ShutDown,
}

/// Asks for the updates after `after`; after a failure, waits as Telegram
/// or `backoff` says (shorter if shutdown comes).
async fn fetch(
    bot: &Bot,
    after: Option<i64>,
    backoff: &mut Backoff,
    shutdown: &mut watch::Receiver<bool>,
    metrics: &Metrics,
) -> Fetch {
    // Our own getUpdates: raw values, so that fields newer than
    // teloxide (a reply to a poll option) are read too.
    let request = GetUpdatesRaw {
        offset: after.map(|id| (id + 1) as i32),
        limit: BATCH,
        timeout: LONG_POLL_SECONDS,
        allowed_updates: allowed_updates(),
    };
    let result = tokio::select! {
        result = request.send(bot) => result,
        // Nothing fetched yet: nothing to lose by leaving now.
        _ = shutdown.changed() => return Fetch::ShutDown,
    };
    match result {
        Ok(updates) => {
            backoff.reset();
            Fetch::Updates(updates)
        }
        Err(error) => {
            let wait = match &error {
                teloxide::RequestError::RetryAfter(after) => {
                    metrics.rate_limited();
                    after.duration()
                }
                _ => backoff.next_wait(),
            };
            warn!(%error, ?wait, "getUpdates failed; trying again");
            sleep_unless_shutdown(wait, shutdown).await;
            if is_webhook_conflict(&error) {
                return Fetch::WebhookSet;
            }
            Fetch::Failed
        }
    }
}

/// Deletes a webhook left from before, keeping its pending updates;
/// whether that was done. A failure is only logged (getUpdates then says
/// whether a webhook is in the way).
async fn delete_webhook(bot: &Bot) -> bool {
    match bot.delete_webhook().drop_pending_updates(false).await {
        Ok(_) => {
            debug!("no webhook: long polling");
            true
        }
        Err(error) => {
            warn!(%error, "cannot delete a webhook left from before");
            false
        }
    }
}

/// Whether getUpdates was refused because a webhook is set.
fn is_webhook_conflict(error: &teloxide::RequestError) -> bool {
    use teloxide::ApiError;
    match error {
        teloxide::RequestError::Api(ApiError::CantGetUpdates) => true,
        teloxide::RequestError::Api(ApiError::Unknown(text)) => text.contains("webhook is active"),
        _ => false,
    }
}

/// How a recording tells the updates recorded before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Long polling: updates come in order, and those at or below this
    /// id were recorded; the newest becomes the stored last update.
    Through(Option<i64>),
    /// Webhook: updates come in any order; each recorded update's id is
    /// remembered with its effects (the stored last update is polling's
    /// and stays as it is).
    Remembered,
}

/// A fetched batch, to record.
struct Batch<'a> {
    updates: &'a [FetchedUpdate],
    /// What was recorded before it.
    seen: Seen,
    source: UpdateSource,
    fetched_at: DateTime<Utc>,
}

/// Records a batch, trying again until it is recorded or shutdown comes.
///
/// A failed write leaves the batch unacknowledged: try it again (the store
/// is unchanged, batches are atomic). A batch that keeps failing is then
/// recorded update by update, and an update that fails by itself is set
/// aside so that it cannot stop the others.
async fn record_with_retries(
    store: &Store,
    batch: &Batch<'_>,
    backoff: &mut Backoff,
    shutdown: &mut watch::Receiver<bool>,
) -> store::Result<Recorded> {
    let Batch {
        updates,
        source,
        fetched_at,
        ..
    } = *batch;
    let mut recorded_through = match batch.seen {
        Seen::Through(after) => after,
        Seen::Remembered => None,
    };
    let mut tries = 0;
    loop {
        tries += 1;
        // sled blocks: keep the runtime's other tasks moving meanwhile.
        let result = tokio::task::block_in_place(|| {
            if tries <= BATCH_TRIES {
                record_as(
                    store,
                    updates,
                    Seen::Through(recorded_through),
                    source,
                    fetched_at,
                )
            } else {
                record_one_by_one(store, updates, &mut recorded_through, source, fetched_at)
            }
        });
        let error = match result {
            Ok(recorded) => return Ok(recorded),
            Err(error) => error,
        };
        if *shutdown.borrow() {
            return Err(error);
        }
        let wait = backoff.next_wait();
        error!(%error, ?wait, tries, "cannot record a batch of updates; trying again");
        sleep_unless_shutdown(wait, shutdown).await;
    }
}

/// After a batch is recorded: its last id is the offset of the next
/// `getUpdates` (which acknowledges it), chats that moved are moved, and
/// the dispatcher wakes if commands were queued.
pub(super) fn acknowledge(
    store: &Store,
    recorded: &Recorded,
    last: &mut Option<LastUpdate>,
    commands: &Notify,
    activity: &Activity,
) {
    if recorded.last.is_some() {
        *last = recorded.last;
    }
    tokio::task::block_in_place(|| complete_chat_moves(store));
    if recorded.commands > 0 {
        activity.request_dispatch();
        commands.notify_one();
    }
}

async fn sleep_unless_shutdown(wait: Duration, shutdown: &mut watch::Receiver<bool>) {
    tokio::select! {
        _ = tokio::time::sleep(wait) => {}
        _ = shutdown.changed() => {}
    }
}

/// An update to record: teloxide's [`Update`] alone, or as fetched with
/// the fields teloxide does not know.
pub trait Fetched {
    fn update(&self) -> &Update;
    fn extras(&self) -> Option<&UpdateExtras>;
}

impl Fetched for Update {
    fn update(&self) -> &Update {
        self
    }
    fn extras(&self) -> Option<&UpdateExtras> {
        None
    }
}

impl Fetched for FetchedUpdate {
    fn update(&self) -> &Update {
        &self.update
    }
    fn extras(&self) -> Option<&UpdateExtras> {
        Some(&self.extras)
    }
}

/// What a recorded batch held.
pub struct Recorded {
    /// The newest update now stored.
    pub last: Option<LastUpdate>,
    /// Commands queued for the dispatcher to hand to the chats' lanes.
    pub commands: usize,
    /// The commands queued, by update id (the webhook server hands them to
    /// the lanes itself: they come in any order).
    pub queued: Vec<(i64, CommandMessage)>,
    /// Button presses recorded, to answer.
    pub presses: Vec<PressAnswer>,
    /// Updates recorded now (not before).
    pub updates: usize,
}

/// Applies a batch of updates in one atomic write and flushes it. Updates
/// at or below `last` were recorded before and are skipped. `source` (the
/// bot and its server) is stored with the last update id. `fetched_at` is
/// when the batch was fetched: the time of its votes and of the stored
/// last update, the same on every try (see [`inbound::read`]).
pub fn record<U: Fetched>(
    store: &Store,
    updates: &[U],
    last: Option<i64>,
    source: UpdateSource,
    fetched_at: DateTime<Utc>,
) -> store::Result<Recorded> {
    record_as(store, updates, Seen::Through(last), source, fetched_at)
}

/// [`record`], telling the updates recorded before as `seen` says. In
/// either way an update remembered by id (a webhook recorded it) is
/// skipped: after a switch from webhook to long polling, Telegram sends
/// again what a webhook recorded but could not answer.
pub fn record_as<U: Fetched>(
    store: &Store,
    updates: &[U],
    seen: Seen,
    source: UpdateSource,
    fetched_at: DateTime<Utc>,
) -> store::Result<Recorded> {
    let recorded = store.write(|changes| {
        let last = match seen {
            // An earlier try of this very batch whose commit landed though
            // its answer was lost (PostgreSQL's connection dropped at
            // COMMIT) left its last id, with this batch's time: nothing of
            // it again.
            Seen::Through(last) => match changes.last_update()? {
                Some(stored) if stored.at == fetched_at && stored.is_from(source) => {
                    Some(last.map_or(stored.id, |last| last.max(stored.id)))
                }
                _ => last,
            },
            Seen::Remembered => None,
        };
        let ids = updates.iter().map(|u| i64::from(u.update().id.0));
        let remembered = match (ids.clone().min(), ids.max()) {
            (Some(first), Some(last)) => changes.recorded_between(first, last)?,
            _ => Vec::new(),
        };
        let mut recorded = Recorded {
            last: None,
            commands: 0,
            queued: Vec::new(),
            presses: Vec::new(),
            updates: 0,
        };
        let mut newest = last;
        for update in updates {
            let id = i64::from(update.update().id.0);
            if last.is_some_and(|last| id <= last) {
                debug!(update = id, "already recorded; skipped");
                continue;
            }
            // Recorded before, but still to acknowledge by the offset.
            newest = Some(newest.map_or(id, |n: i64| n.max(id)));
            if remembered.contains(&id) {
                debug!(update = id, "already recorded; skipped");
                continue;
            }
            record_update(changes, update, id, fetched_at, &mut recorded)?;
            recorded.updates += 1;
            if seen == Seen::Remembered {
                changes.remember_recorded(id, fetched_at);
            }
        }
        if let Seen::Through(_) = seen {
            recorded.last = newest.map(|id| source.last_update(id, fetched_at));
            if let Some(newest) = recorded.last {
                changes.set_last_update(newest)?;
            }
        }
        Ok(recorded)
    })?;
    store.flush()?;
    Ok(recorded)
}

/// Applies one update; adds a command it queued, or a button press it
/// recorded, to `recorded`.
fn record_update<U: Fetched>(
    changes: &mut Changes,
    update: &U,
    id: i64,
    fetched_at: DateTime<Utc>,
    recorded: &mut Recorded,
) -> store::Result<()> {
    let no_extras = UpdateExtras::default();
    let extras = update.extras().unwrap_or(&no_extras);
    match inbound::read_with(update.update(), extras, fetched_at) {
        Some(Inbound::Event(event)) => {
            let applied = ingest::apply_following_campaigns(changes, &event)?;
            debug!(update = id, ?applied, "applied");
        }
        Some(Inbound::Press { event, query }) => {
            if let ingest::Applied::Press(outcome) = ingest::apply(changes, &event)? {
                debug!(update = id, ?outcome, "button press");
                recorded.presses.push(PressAnswer { query, outcome });
            }
        }
        Some(Inbound::Command(command)) => {
            if changes.queue_command(id, serde_json::to_vec(&command)?)? {
                recorded.commands += 1;
                recorded.queued.push((id, command));
            }
        }
        None => debug!(update = id, "not handled; skipped"),
    }
    Ok(())
}

/// Records a batch that failed as a whole, one update per write. An update
/// whose own write fails is set aside: kept under its id as teloxide writes it back (see
/// [`Store::set_aside_updates`]), logged, and passed over. A failure of
/// the disk itself is no update's fault: it ends the attempt, to be tried
/// again. `recorded_through` follows the progress, so a later try skips
/// what this one recorded.
fn record_one_by_one<U: Fetched>(
    store: &Store,
    updates: &[U],
    recorded_through: &mut Option<i64>,
    source: UpdateSource,
    fetched_at: DateTime<Utc>,
) -> store::Result<Recorded> {
    let mut recorded = Recorded {
        last: None,
        commands: 0,
        queued: Vec::new(),
        presses: Vec::new(),
        updates: 0,
    };
    for update in updates {
        let id = i64::from(update.update().id.0);
        if recorded_through.is_some_and(|last| id <= last) {
            continue;
        }
        let last = source.last_update(id, fetched_at);
        let one = store.write(|changes| {
            let mut one = Recorded {
                last: None,
                commands: 0,
                queued: Vec::new(),
                presses: Vec::new(),
                updates: 1,
            };
            record_update(changes, update, id, fetched_at, &mut one)?;
            changes.set_last_update(last)?;
            Ok(one)
        });
        match one {
            Ok(one) => {
                recorded.commands += one.commands;
                recorded.queued.extend(one.queued);
                recorded.presses.extend(one.presses);
                recorded.updates += 1;
            }
            Err(error) if error.is_unavailable() => return Err(error),
            Err(error) => {
                error!(
                    update = id,
                    %error,
                    "cannot record this update: set aside (kept in the store), recording the others"
                );
                store.write(|changes| {
                    changes.set_aside(id, raw_update(update));
                    changes.set_last_update(last)
                })?;
            }
        }
        *recorded_through = Some(id);
        recorded.last = Some(last);
    }
    store.flush()?;
    Ok(recorded)
}

/// Sets aside a webhook update that keeps failing by itself (see
/// [`record_one_by_one`]), remembering its id as recorded: Telegram would
/// otherwise post it again and again.
pub fn set_aside_delivered<U: Fetched>(
    store: &Store,
    update: &U,
    at: DateTime<Utc>,
) -> store::Result<()> {
    let id = i64::from(update.update().id.0);
    store.write(|changes| {
        changes.set_aside(id, raw_update(update));
        changes.remember_recorded(id, at);
        Ok(())
    })?;
    store.flush()
}

/// An update as teloxide writes it back, to keep when it is set aside.
fn raw_update<U: Fetched>(update: &U) -> Vec<u8> {
    serde_json::to_vec(update.update())
        .unwrap_or_else(|_| format!("{:?}", update.update()).into_bytes())
}

/// Moves the records of a group that became a supergroup to its new id
/// (noted in the batch just recorded); what fails is tried again after the
/// next batch, or at the next start.
pub(crate) fn complete_chat_moves(store: &Store) {
    match store.complete_chat_moves() {
        Ok(moves) => {
            for done in moves {
                match done {
                    ChatMove::Moved { from, to } => {
                        info!(
                            from = from.0,
                            to = to.0,
                            "a group became a supergroup: its polls moved"
                        )
                    }
                    ChatMove::Refused { from, to } => error!(
                        from = from.0,
                        to = to.0,
                        "a group became a supergroup that has polls already: its polls stay"
                    ),
                }
            }
        }
        Err(error) => error!(%error, "cannot move a chat's polls to its new id"),
    }
}

/// Forgets early records that never found their poll by `now`; a failure
/// is only logged (they are tried again at the next purge).
pub(super) fn purge_stale_early(store: &Store, now: DateTime<Utc>) {
    match store.purge_stale_early(now) {
        Ok(purged) if purged != Purged::default() => {
            info!(
                ?purged,
                "forgot early votes, copies, counts or replies of polls never stored"
            )
        }
        Ok(_) => {}
        Err(error) => warn!(%error, "cannot purge early votes, copies, counts and replies"),
    }
}
