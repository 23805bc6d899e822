//! The records: opening the database, reading records, and applying
//! changes atomically and durably, on either engine (`engine/`: sled in a
//! folder, or PostgreSQL).
//!
//! Writes go through [`Store::write`], which gathers a closure's changes in
//! memory and applies them as one atomic batch. One writer at a time
//! holds the write lock, so read-modify-write sequences (a ballot and the
//! tally it moves) never interleave. [`Store::flush`] makes everything
//! written so far durable; the Telegram edge flushes once per batch of
//! updates, before acknowledging them.

mod campaign;
mod changes;
mod chat_move;
mod copy;
mod engine;
mod keys;
mod migrations;
mod records;
#[doc(hidden)]
pub mod scratch;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;

pub use campaign::CampaignVote;
pub use changes::{Changes, Chosen, CommentOutcome, PressOutcome, Reply, VoteOutcome};
pub use chat_move::ChatMove;
pub use copy::{Copied, CopyError, copy_database};
use engine::{Engine, PostgresEngine, SledEngine};
pub use engine::{Location, LocationError};
pub use records::{
    ChatRecord, Journal, JournalKey, LastUpdate, MessageRole, Purged, UpdateSource, bot_id_of_token,
};

use crate::poll::{Ballot, ChatId, Comment, MessageId, Poll, PollId, PollNumber, Tally, UserId};

/// sled's page cache; bounded so the bot's memory stays small.
const CACHE_BYTES: u64 = 8 * 1024 * 1024;

/// What goes wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (usually a running bot) holds the database.
    #[error("the database {} is in use by another process (is the bot still running?)", .path.display())]
    Locked { path: PathBuf },
    /// The database cannot be opened or created there (permissions, not a
    /// directory, disk full, ...).
    #[error("cannot open the database {}: {reason}", .path.display())]
    Open { path: PathBuf, reason: String },
    /// sled failed while reading or writing.
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    /// A stored record does not decode: the database was written by
    /// something else or is damaged.
    #[error("a stored record does not decode: {0}")]
    Corrupt(#[from] serde_json::Error),
    /// PostgreSQL refused a query or could not be reached (`unavailable`:
    /// worth trying again later).
    #[error("PostgreSQL: {message}")]
    Postgres { message: String, unavailable: bool },
    /// The database was written by a newer pollbot.
    #[error(
        "the database was written by a newer pollbot (version {found}; this one knows up to {known}): run the newer pollbot"
    )]
    Newer { found: u32, known: u32 },
    /// The operating system gave no random bytes (for a secret ballot's
    /// key).
    #[error("no random bytes from the operating system: {0}")]
    Random(std::io::Error),
}

impl StoreError {
    /// Whether the disk or the database server failed (rather than a
    /// record being damaged): no fault of what was being written, so worth
    /// trying again.
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StoreError::Sled(sled::Error::Io(_))
                | StoreError::Postgres {
                    unavailable: true,
                    ..
                }
        )
    }

    pub(crate) fn postgres(message: String, unavailable: bool) -> Self {
        StoreError::Postgres {
            message,
            unavailable,
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// The bot's database.
pub struct Store {
    db: Box<dyn Engine>,
    writer: Mutex<()>,
    /// Ranked polls' rankings once read, kept up to date as batches
    /// commit: a poll with as many distinct rankings as ballots would
    /// otherwise read every one of them from sled for each `/results`.
    rankings: Mutex<RankingsCache>,
}

/// See [`Store::rankings`].
#[derive(Default)]
struct RankingsCache {
    kept: HashMap<PollId, Arc<crate::poll::Rankings>>,
    /// How many batches changed each poll's rankings: a read that raced a
    /// batch is not kept.
    generation: HashMap<PollId, u64>,
}

/// Due reminders as (poll, due time in Unix seconds, index), and when the
/// next one is due.
pub type DueReminders = (Vec<(PollId, i64, u8)>, Option<DateTime<Utc>>);

/// Due scheduled polls as (reserved id, due time in Unix seconds), and
/// when the next one is due.
pub type DueScheduled = (Vec<(PollId, i64)>, Option<DateTime<Utc>>);

impl Store {
    /// Opens (or creates) the sled database at `path`, for the bot.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with_cache(path, CACHE_BYTES)
    }

    /// Opens (or creates) the database at `location`, for the bot.
    pub fn open_at(location: &Location) -> Result<Self> {
        match location {
            Location::Folder(path) => Self::open(path),
            Location::Postgres(url) => Self::ready(Box::new(PostgresEngine::open(url)?)),
        }
    }

    /// Opens the sled database with a page cache of `cache_bytes`: exports
    /// and reports read each record once and need little cache.
    pub fn open_with_cache(path: &Path, cache_bytes: u64) -> Result<Self> {
        Self::ready(Box::new(SledEngine::open(path, cache_bytes)?))
    }

    /// A database that disappears when dropped (the demo).
    pub fn temporary() -> Result<Self> {
        let store = Self::from_engine(Box::new(SledEngine::temporary(CACHE_BYTES)?));
        store.migrate()?;
        Ok(store)
    }

    /// Brings an opened database to today's layout and carries out a chat
    /// move noted before a stop.
    fn ready(engine: Box<dyn Engine>) -> Result<Self> {
        let store = Self::from_engine(engine);
        store.migrate()?;
        store.complete_chat_moves()?;
        Ok(store)
    }

    fn from_engine(db: Box<dyn Engine>) -> Self {
        Self {
            db,
            writer: Mutex::new(()),
            rankings: Mutex::default(),
        }
    }

    /// See [`engine::Engine::lease`].
    pub fn lease(&self, name: &str, holder: &str, seconds: u32) -> Result<bool> {
        self.db.lease(name, holder, seconds)
    }

    /// See [`engine::Engine::release`].
    pub fn release(&self, name: &str, holder: &str) -> Result<()> {
        self.db.release(name, holder)
    }

    /// Whether other instances may share the database.
    pub fn is_shared(&self) -> bool {
        self.db.is_shared()
    }

    /// Whether the database answers (`/healthz`).
    pub fn ping(&self) -> Result<()> {
        self.db.ping()
    }

    /// Applies the changes `change` makes, all or none, and returns its
    /// result. Not yet durable: see [`Store::flush`].
    pub fn write<R>(&self, change: impl FnOnce(&mut Changes) -> Result<R>) -> Result<R> {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let lock = self.db.lock_writers()?;
        let mut changes = Changes::new(self.db.as_ref());
        let result = change(&mut changes)?;
        let (batch, rankings_changed) = changes.into_batch()?;
        let committing = std::time::Instant::now();
        lock.commit(batch)?;
        crate::metrics::observe_store_commit(committing.elapsed());
        if !rankings_changed.is_empty() {
            let mut cache = self.rankings.lock().unwrap_or_else(|e| e.into_inner());
            for (poll, changed) in rankings_changed {
                *cache.generation.entry(poll).or_default() += 1;
                if let Some(kept) = cache.kept.get_mut(&poll) {
                    let kept = Arc::make_mut(kept);
                    for (ranking, change) in changed {
                        match change {
                            0 => {}
                            1.. => kept.add_ballots(&ranking, change.unsigned_abs()),
                            _ => (0..change.unsigned_abs()).for_each(|_| kept.remove(&ranking)),
                        }
                    }
                }
            }
        }
        Ok(result)
    }

    /// Makes every write so far durable (one fsync).
    pub fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>> {
        match self.db.get(key)? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    fn scan<T: DeserializeOwned>(&self, prefix: Vec<u8>) -> impl Iterator<Item = Result<T>> + '_ {
        self.db.scan_prefix(&prefix).map(|entry| {
            let (_, value) = entry?;
            Ok(serde_json::from_slice(&value)?)
        })
    }

    pub fn poll(&self, id: PollId) -> Result<Option<Poll>> {
        self.get(&keys::poll(id))
    }

    /// A chat's polls, in number order.
    pub fn polls_of_chat(&self, chat: ChatId) -> Result<Vec<Poll>> {
        self.scan(keys::polls_of_chat(chat)).collect()
    }

    /// The chat's most recent poll.
    pub fn latest_poll(&self, chat: ChatId) -> Result<Option<Poll>> {
        let record = self.chat(chat)?;
        if record.last_poll == 0 {
            return Ok(None);
        }
        self.poll(PollId {
            chat,
            number: PollNumber(record.last_poll),
        })
    }

    /// Open polls whose deadline is at or before `now`, and the next
    /// deadline after it; read from the deadline index, not from the polls.
    pub fn due_polls(&self, now: DateTime<Utc>) -> Result<(Vec<PollId>, Option<DateTime<Utc>>)> {
        let mut due = Vec::new();
        for entry in self.db.scan_prefix(&keys::all_deadlines()) {
            let (key, _) = entry?;
            if key.len() == keys::indexes_built().len() {
                continue;
            }
            let (at, id) = keys::deadline_entry(&key);
            if at > now.timestamp() {
                return Ok((due, DateTime::from_timestamp(at, 0)));
            }
            due.push(id);
        }
        Ok((due, None))
    }

    /// Reminders due at or before `now` (poll, due time, index), and when
    /// the next one after it is due.
    pub fn due_reminders(&self, now: DateTime<Utc>) -> Result<DueReminders> {
        let mut due = Vec::new();
        for entry in self.db.scan_prefix(&keys::all_reminders()) {
            let (key, _) = entry?;
            let (at, id, index) = keys::reminder_entry(&key);
            if at > now.timestamp() {
                return Ok((due, DateTime::from_timestamp(at, 0)));
            }
            due.push((id, at, index));
        }
        Ok((due, None))
    }

    /// Scheduled polls due at or before `now` (reserved id, due time), and
    /// when the next one after it is due.
    pub fn due_scheduled(&self, now: DateTime<Utc>) -> Result<DueScheduled> {
        let mut due = Vec::new();
        for entry in self.db.scan_prefix(&keys::all_scheduled()) {
            let (key, _) = entry?;
            let (at, id) = keys::scheduled_entry(&key);
            if at > now.timestamp() {
                return Ok((due, DateTime::from_timestamp(at, 0)));
            }
            due.push((id, at));
        }
        Ok((due, None))
    }

    /// Every scheduled poll of `chat`: (reserved id, due time, record), in
    /// time order.
    pub fn scheduled_of_chat(&self, chat: ChatId) -> Result<Vec<(PollId, i64, Vec<u8>)>> {
        let mut found = Vec::new();
        for entry in self.db.scan_prefix(&keys::all_scheduled()) {
            let (key, value) = entry?;
            let (at, id) = keys::scheduled_entry(&key);
            if id.chat == chat {
                found.push((id, at, value));
            }
        }
        Ok(found)
    }

    /// Closed polls whose final results were not posted yet.
    pub fn polls_to_announce(&self) -> Result<Vec<PollId>> {
        self.db
            .scan_prefix(&keys::all_to_announce())
            .map(|entry| Ok(keys::poll_of_to_announce(&entry?.0)))
            .collect()
    }

    /// What an answer has sent so far.
    pub fn journal(&self, key: JournalKey) -> Result<Journal> {
        let bytes = match key {
            JournalKey::Command(update_id) => self.db.get(&keys::journal(update_id))?,
            JournalKey::Announce(poll) => self.db.get(&keys::to_announce(poll))?,
            JournalKey::Remind(poll, at, index) => self.db.get(&keys::reminder(at, poll, index))?,
            JournalKey::Scheduled(poll) => self.db.get(&keys::scheduled_journal(poll))?,
        };
        match bytes {
            Some(bytes) if !bytes.is_empty() => Ok(serde_json::from_slice(&bytes)?),
            _ => Ok(Journal::default()),
        }
    }

    /// Commands stored but not yet answered whose update id is above
    /// `after`, oldest first, as (update id, record).
    pub fn queued_commands_after(&self, after: Option<i64>) -> Result<Vec<(i64, Vec<u8>)>> {
        let start = match after {
            Some(id) if id < i64::MAX => keys::queued_command(id + 1),
            Some(_) => return Ok(Vec::new()),
            None => keys::queued_commands(),
        };
        self.db
            .scan_from(&start)
            .take_while(|entry| {
                entry
                    .as_ref()
                    .map_or(true, |(key, _)| key.starts_with(&keys::queued_commands()))
            })
            .map(|entry| {
                let (key, value) = entry?;
                Ok((keys::update_of_queued_command(&key), value))
            })
            .collect()
    }

    pub fn tally(&self, id: PollId) -> Result<Option<Tally>> {
        self.get(&keys::tally(id))
    }

    /// Whether a secret ballot's key is still kept (until the poll closes).
    /// A poll's member counts (none read yet: empty).
    pub fn turnout(&self, id: PollId) -> Result<crate::poll::Turnout> {
        Ok(self.get(&keys::turnout(id))?.unwrap_or_default())
    }

    pub fn has_ballot_secret(&self, id: PollId) -> Result<bool> {
        self.db.contains_key(&keys::ballot_secret(id))
    }

    /// A ranked poll's distinct rankings and how many ballots hold each.
    /// Kept once read, except where other instances write too (their
    /// batches would not change the kept copy).
    pub fn rankings(&self, poll: &Poll) -> Result<Arc<crate::poll::Rankings>> {
        let generation = {
            let cache = self.rankings.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(kept) = cache.kept.get(&poll.id) {
                return Ok(Arc::clone(kept));
            }
            cache.generation.get(&poll.id).copied().unwrap_or(0)
        };
        // Read without holding any lock: ingest goes on meanwhile.
        let prefix = keys::rankings(poll.id);
        let mut rankings = crate::poll::Rankings::new(poll.option_count());
        // Keys come in ranking order, which builds the map in one pass.
        let mut held = Vec::new();
        for entry in self.db.scan_prefix(&prefix) {
            let (key, count) = entry?;
            let ranking = &key[prefix.len()..];
            let count = changes::decode_count(&count);
            if count > 0 && crate::poll::is_valid_ranking(ranking, rankings.option_count) {
                held.push((ranking.to_vec(), count));
            }
        }
        rankings.counts = held.into_iter().collect();
        let rankings = Arc::new(rankings);
        let mut cache = self.rankings.lock().unwrap_or_else(|e| e.into_inner());
        // Kept only if no batch changed them while they were read.
        if !self.db.is_shared()
            && cache.generation.get(&poll.id).copied().unwrap_or(0) == generation
        {
            cache.kept.insert(poll.id, Arc::clone(&rankings));
        }
        Ok(rankings)
    }

    pub fn ballot(&self, id: PollId, user: UserId) -> Result<Option<Ballot>> {
        self.get(&keys::ballot(id, user))
    }

    /// The ballots of `users` (in their order), read at once.
    pub fn ballots_of(&self, id: PollId, users: &[UserId]) -> Result<Vec<Option<Ballot>>> {
        let keys: Vec<Vec<u8>> = users.iter().map(|&user| keys::ballot(id, user)).collect();
        self.db
            .get_many(&keys)?
            .into_iter()
            .map(|value| match value {
                Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
                None => Ok(None),
            })
            .collect()
    }

    /// A poll's ballots in user id order, read lazily.
    pub fn ballots(&self, id: PollId) -> impl Iterator<Item = Result<Ballot>> + '_ {
        self.scan(keys::ballots_of_poll(id))
    }

    /// A poll's comments in message order, read lazily.
    pub fn comments(&self, id: PollId) -> impl Iterator<Item = Result<Comment>> + '_ {
        self.scan(keys::comments_of_poll(id))
    }

    /// A comment posted in the poll's own chat.
    pub fn comment(&self, id: PollId, message_id: MessageId) -> Result<Option<Comment>> {
        self.comment_in(id, id.chat, message_id)
    }

    /// A comment posted in `chat` (the poll's, or its channel's discussion
    /// group).
    pub fn comment_in(
        &self,
        id: PollId,
        chat: ChatId,
        message_id: MessageId,
    ) -> Result<Option<Comment>> {
        self.get(&keys::comment(id, chat, message_id))
    }

    /// The `limit` most-approved comments, ties to the earlier; reads only
    /// the head of the poll's ranking, however many votes and comments it has.
    pub fn top_comments(&self, id: PollId, limit: usize) -> Result<Vec<Comment>> {
        let mut top = Vec::with_capacity(limit);
        for entry in self.db.scan_prefix(&keys::ranking_of_poll(id)).take(limit) {
            let (key, _) = entry?;
            let (chat, message_id) = keys::chat_and_message_of_ranking(&key);
            if let Some(comment) = self.comment_in(id, chat, message_id)? {
                top.push(comment);
            }
        }
        Ok(top)
    }

    pub fn chat(&self, chat: ChatId) -> Result<ChatRecord> {
        Ok(self.get(&keys::chat(chat))?.unwrap_or_default())
    }

    pub fn message_role(&self, chat: ChatId, message_id: MessageId) -> Result<Option<MessageRole>> {
        self.get(&keys::message(chat, message_id))
    }

    pub fn poll_by_telegram_id(&self, telegram_id: &str) -> Result<Option<PollId>> {
        Ok(self
            .db
            .get(&keys::telegram_poll(telegram_id))?
            .map(|v| keys::poll_id_from_value(&v)))
    }

    /// The last Telegram update whose effects are stored.
    pub fn last_update(&self) -> Result<Option<LastUpdate>> {
        self.get(&keys::last_update())
    }

    /// The id of the last Telegram update whose effects are stored.
    pub fn last_update_id(&self) -> Result<Option<i64>> {
        Ok(self.last_update()?.map(|last| last.id))
    }

    /// Updates that could not be recorded and were set aside, oldest
    /// first, as (update id, the update as JSON, as teloxide writes it
    /// back: the same content, not always the same shape as Telegram's).
    pub fn set_aside_updates(&self) -> Result<Vec<(i64, Vec<u8>)>> {
        self.db
            .scan_prefix(&keys::all_set_aside())
            .map(|entry| {
                let (key, value) = entry?;
                Ok((keys::update_of_set_aside(&key), value))
            })
            .collect()
    }

    /// Forgets early votes, poll copies, counts and replies kept more than a day
    /// for a poll that was never stored (the bot failed to post it, or
    /// they were never ours), and early records that do not decode.
    pub fn purge_stale_early(&self, now: chrono::DateTime<chrono::Utc>) -> Result<Purged> {
        let purged = self.write(|changes| changes.purge_stale_early(now))?;
        if purged != Purged::default() {
            self.flush()?;
        }
        Ok(purged)
    }

    /// Commands stored but not yet answered, oldest first, as
    /// (update id, record).
    pub fn queued_commands(&self) -> Result<Vec<(i64, Vec<u8>)>> {
        self.db
            .scan_prefix(&keys::queued_commands())
            .map(|entry| {
                let (key, value) = entry?;
                Ok((keys::update_of_queued_command(&key), value))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
