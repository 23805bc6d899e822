//! Everything sled: opening the database, reading records, and applying
//! changes atomically and durably.
//!
//! Writes go through [`Store::write`], which gathers a closure's changes in
//! memory and applies them as one atomic sled batch. One writer at a time
//! holds the write lock, so read-modify-write sequences (a ballot and the
//! tally it moves) never interleave. [`Store::flush`] makes everything
//! written so far durable; the Telegram edge flushes once per batch of
//! updates, before acknowledging them.

mod campaign;
mod changes;
mod chat_move;
mod keys;
mod migrations;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub use campaign::CampaignVote;
pub use changes::{Changes, Chosen, CommentOutcome, Reply, VoteOutcome};
pub use chat_move::ChatMove;

use crate::poll::{Ballot, ChatId, Comment, Poll, PollId, PollNumber, Tally};

/// Tries to open a locked database (50 ms apart) before saying it is in use.
const LOCK_TRIES: u32 = 20;

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
    #[error("cannot open the database {}: {source}", .path.display())]
    Open { path: PathBuf, source: sled::Error },
    /// sled failed while reading or writing.
    #[error("database error: {0}")]
    Sled(#[from] sled::Error),
    /// A stored record does not decode: the database was written by
    /// something else or is damaged.
    #[error("a stored record does not decode: {0}")]
    Corrupt(#[from] serde_json::Error),
}

impl StoreError {
    /// Whether the disk failed (rather than a record being damaged): no
    /// fault of what was being written, so worth trying again.
    pub fn is_disk_failure(&self) -> bool {
        matches!(self, StoreError::Sled(sled::Error::Io(_)))
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Per-chat settings and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatRecord {
    /// The number of the chat's most recent poll (0 before the first).
    pub last_poll: u32,
    /// The language chosen with `/lang`, if any.
    pub language: Option<String>,
    /// False once the bot was removed from the chat.
    pub active: bool,
    /// The chat's title, when Telegram told us (absent in older databases).
    #[serde(default)]
    pub title: Option<String>,
}

impl Default for ChatRecord {
    fn default() -> Self {
        Self {
            last_poll: 0,
            language: None,
            active: true,
            title: None,
        }
    }
}

/// The last Telegram update recorded, when, and by which bot, from which
/// Bot API server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastUpdate {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The bot whose update it was (the number before `:` in its token).
    /// Update ids are the bot's own: another bot's mean nothing. `None`
    /// in databases written before it was kept: taken as this bot's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<i64>,
    /// The Bot API server it came from (see [`UpdateSource`]): another
    /// server numbers updates its own way. `None` in databases written
    /// before it was kept: taken as this server's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<u64>,
}

/// Where updates come from: the bot, by its id, and the Bot API server it
/// polls, by a hash of its address (the stored record need not spell it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpdateSource {
    pub bot: Option<i64>,
    pub api: Option<u64>,
}

impl UpdateSource {
    pub fn new(token: &str, api_url: &str) -> Self {
        // FNV-1a: stable across Rust versions, unlike the std hasher.
        let api = api_url
            .trim_end_matches('/')
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
            });
        UpdateSource {
            bot: bot_id_of_token(token),
            api: Some(api),
        }
    }

    /// The record of update `id`, recorded now.
    pub fn last_update(self, id: i64) -> LastUpdate {
        LastUpdate {
            id,
            at: chrono::Utc::now(),
            bot: self.bot,
            api: self.api,
        }
    }
}

impl LastUpdate {
    /// Whether this was recorded from `source` (or by a version that did
    /// not note the bot or the server, which was then the only one).
    pub fn is_from(&self, source: UpdateSource) -> bool {
        fn same<T: PartialEq>(stored: Option<T>, now: Option<T>) -> bool {
            match (stored, now) {
                (Some(stored), Some(now)) => stored == now,
                _ => true,
            }
        }
        same(self.bot, source.bot) && same(self.api, source.api)
    }
}

/// The bot's user id: the number before `:` in its token.
pub fn bot_id_of_token(token: &str) -> Option<i64> {
    token.split_once(':')?.0.parse().ok()
}

/// Early records purged by [`Store::purge_stale_early`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub votes: usize,
    pub copies: usize,
    pub counts: usize,
    pub replies: usize,
}

/// How far the answer to a command got, so that a retry or a restart never
/// sends a step twice. Steps are numbered in the order the answer sends them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journal {
    /// Steps below this one were sent.
    pub done: u32,
    /// A step that was being sent when the bot last wrote this: if the bot
    /// stopped then, nobody knows whether Telegram got it.
    pub in_flight: Option<u32>,
    /// The poll the command posted, once it is stored.
    #[serde(default)]
    pub poll: Option<PollId>,
    /// How often the answer failed on our side (a chart, the store): an
    /// announcement that keeps failing is given up, not tried forever.
    #[serde(default)]
    pub failures: u32,
}

/// Whose answer a [`Journal`] follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JournalKey {
    /// The answer to the command of this update.
    Command(i64),
    /// The final results of this closed poll.
    Announce(PollId),
}

/// What a message in a chat is to us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MessageRole {
    /// The message that carries a poll.
    Poll(PollId),
    /// A comment under a poll.
    Comment(PollId),
}

/// The bot's database.
pub struct Store {
    db: sled::Db,
    writer: Mutex<()>,
}

impl Store {
    /// Opens (or creates) the database at `path`, for the bot.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_with_cache(path, CACHE_BYTES)
    }

    /// Opens the database with a page cache of `cache_bytes`: exports and
    /// reports read each record once and need little cache.
    pub fn open_with_cache(path: &Path, cache_bytes: u64) -> Result<Self> {
        create_private_dir(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            source: source.into(),
        })?;
        let config = sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .mode(sled::Mode::HighThroughput);
        // A database dropped a moment ago in this process (a restart in
        // the tests) keeps its file lock until sled's flusher thread ends.
        let mut tries = 0;
        loop {
            match config.open().map_err(|source| open_error(path, source)) {
                Ok(db) => {
                    let store = Self::from_db(db);
                    store.migrate()?;
                    // A move noted before a stop is carried out now.
                    store.complete_chat_moves()?;
                    return Ok(store);
                }
                Err(StoreError::Locked { .. }) if tries < LOCK_TRIES => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// A database that disappears when dropped (the demo).
    pub fn temporary() -> Result<Self> {
        let db = sled::Config::new()
            .temporary(true)
            .cache_capacity(CACHE_BYTES)
            .open()?;
        let store = Self::from_db(db);
        store.migrate()?;
        Ok(store)
    }

    fn from_db(db: sled::Db) -> Self {
        Self {
            db,
            writer: Mutex::new(()),
        }
    }

    /// Applies the changes `change` makes, all or none, and returns its
    /// result. Not yet durable: see [`Store::flush`].
    pub fn write<R>(&self, change: impl FnOnce(&mut Changes) -> Result<R>) -> Result<R> {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let mut changes = Changes::new(&self.db);
        let result = change(&mut changes)?;
        self.db.apply_batch(changes.into_batch()?)?;
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
        self.db.scan_prefix(prefix).map(|entry| {
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
        for entry in self.db.scan_prefix(keys::all_deadlines()) {
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

    /// Closed polls whose final results were not posted yet.
    pub fn polls_to_announce(&self) -> Result<Vec<PollId>> {
        self.db
            .scan_prefix(keys::all_to_announce())
            .map(|entry| Ok(keys::poll_of_to_announce(&entry?.0)))
            .collect()
    }

    /// What an answer has sent so far.
    pub fn journal(&self, key: JournalKey) -> Result<Journal> {
        let bytes = match key {
            JournalKey::Command(update_id) => self.db.get(keys::journal(update_id))?,
            JournalKey::Announce(poll) => self.db.get(keys::to_announce(poll))?,
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
            .range(start..)
            .take_while(|entry| {
                entry
                    .as_ref()
                    .map_or(true, |(key, _)| key.starts_with(&keys::queued_commands()))
            })
            .map(|entry| {
                let (key, value) = entry?;
                Ok((keys::update_of_queued_command(&key), value.to_vec()))
            })
            .collect()
    }

    pub fn tally(&self, id: PollId) -> Result<Option<Tally>> {
        self.get(&keys::tally(id))
    }

    pub fn ballot(&self, id: PollId, user: i64) -> Result<Option<Ballot>> {
        self.get(&keys::ballot(id, user))
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
    pub fn comment(&self, id: PollId, message_id: i32) -> Result<Option<Comment>> {
        self.comment_in(id, id.chat, message_id)
    }

    /// A comment posted in `chat` (the poll's, or its channel's discussion
    /// group).
    pub fn comment_in(&self, id: PollId, chat: ChatId, message_id: i32) -> Result<Option<Comment>> {
        self.get(&keys::comment(id, chat, message_id))
    }

    /// The `limit` most-approved comments, ties to the earlier; reads only
    /// the head of the poll's ranking, however many votes and comments it has.
    pub fn top_comments(&self, id: PollId, limit: usize) -> Result<Vec<Comment>> {
        let mut top = Vec::with_capacity(limit);
        for entry in self.db.scan_prefix(keys::ranking_of_poll(id)).take(limit) {
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

    pub fn message_role(&self, chat: ChatId, message_id: i32) -> Result<Option<MessageRole>> {
        self.get(&keys::message(chat, message_id))
    }

    pub fn poll_by_telegram_id(&self, telegram_id: &str) -> Result<Option<PollId>> {
        Ok(self
            .db
            .get(keys::telegram_poll(telegram_id))?
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
            .scan_prefix(keys::all_set_aside())
            .map(|entry| {
                let (key, value) = entry?;
                Ok((keys::update_of_set_aside(&key), value.to_vec()))
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
            .scan_prefix(keys::queued_commands())
            .map(|entry| {
                let (key, value) = entry?;
                Ok((keys::update_of_queued_command(&key), value.to_vec()))
            })
            .collect()
    }
}

/// Creates the database directory, if missing, readable by its owner only:
/// it holds voters' names and ids. An existing directory is left as the
/// operator set it up.
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

fn open_error(path: &Path, source: sled::Error) -> StoreError {
    let locked = match &source {
        sled::Error::Io(io) => {
            io.kind() == std::io::ErrorKind::WouldBlock || io.to_string().contains("lock")
        }
        _ => false,
    };
    if locked {
        StoreError::Locked {
            path: path.to_path_buf(),
        }
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::poll::{Person, PollOptions, PollQuestion, PollState};
    use chrono::{DateTime, TimeDelta, Utc};

    fn at(hours: i64) -> DateTime<Utc> {
        "2026-12-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap() + TimeDelta::hours(hours)
    }

    fn new_poll(store: &Store, chat: ChatId, telegram_id: &str) -> Poll {
        store
            .write(|changes| {
                changes.create_poll(chat, |id| Poll {
                    id,
                    question: PollQuestion::parse("Q?").unwrap(),
                    options: PollOptions::parse(&["A", "B"]).unwrap(),
                    multiple: false,
                    anonymous: false,
                    created_at: at(0),
                    deadline: None,
                    state: PollState::Open,
                    closed_at: None,
                    results_announced: false,
                    message_id: 50,
                    telegram_id: telegram_id.into(),
                    thread: None,
                    features: Default::default(),
                })
            })
            .unwrap()
    }

    #[test]
    fn a_voter_gets_a_history_of_their_own_only_once_they_change_or_withdraw() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let poll = new_poll(&store, -100, "p");
        let voter = |id| Person {
            id,
            name: format!("User {id}"),
        };
        let histories = |store: &Store| -> Vec<i64> {
            (1..=4)
                .filter(|&user| {
                    let key = keys::voter_history(poll.id, user);
                    store.db.get(key).unwrap().is_some()
                })
                .collect()
        };
        let vote = |user: i64, options: &[u32], hour: i64| {
            store
                .write(|changes| {
                    changes.record_vote("p", voter(user), Chosen::positions(options), at(hour))
                })
                .unwrap();
        };
        // 1 votes once; 2 votes the same twice; 3 changes; 4 withdraws.
        vote(1, &[0], 1);
        vote(2, &[1], 1);
        vote(2, &[1], 2);
        vote(3, &[0], 1);
        vote(3, &[0], 3);
        vote(3, &[1], 4);
        vote(4, &[0], 1);
        vote(4, &[], 2);
        assert_eq!(histories(&store), [3, 4]);
        let tally = store.tally(poll.id).unwrap().unwrap();
        assert_eq!((tally.changers, tally.withdrawals), (1, 1));
        // The first vote time survives the repeat and the change.
        let first = |user| store.ballot(poll.id, user).unwrap().unwrap().first_voted_at;
        assert_eq!((first(2), first(3)), (Some(at(1)), Some(at(1))));
        // 4 comes back with another answer: a change, from the history kept.
        vote(4, &[1], 5);
        assert_eq!(first(4), Some(at(1)));
        let tally = store.tally(poll.id).unwrap().unwrap();
        assert_eq!((tally.changers, tally.voters), (2, 4));
    }

    #[test]
    fn early_records_of_a_poll_never_stored_are_purged_after_a_day() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let voter = |id| Person {
            id,
            name: format!("User {id}"),
        };
        let reply = |message_id, hour| changes::Reply {
            chat: -100,
            message_id,
            reply_to: 50,
            author: Some(voter(9)),
            sender: Some(9),
            text: "Right away".into(),
            at: at(hour),
            replied_option: None,
        };
        store
            .write(|changes| {
                // Never stored: kept at hour 0.
                changes.record_vote("lost", voter(1), Chosen::positions(&[0]), at(0))?;
                changes.record_vote("lost", voter(2), Chosen::positions(&[1]), at(0))?;
                changes.add_poll_message(-200, 70, "lost", -100, at(0))?;
                changes.record_poll_counts("lost", &[3, 4], 7, false, at(0))?;
                changes.record_comment(reply(80, 0), Some("lost"))?;
                // Still waiting: kept at hour 20.
                changes.record_vote("late", voter(3), Chosen::positions(&[1]), at(20))?;
                changes.add_poll_message(-200, 71, "late", -100, at(20))?;
                changes.record_poll_counts("late", &[0, 1], 1, false, at(20))?;
                changes.record_comment(reply(81, 20), Some("late"))?;
                Ok(())
            })
            .unwrap();
        // A day has not passed for any.
        assert_eq!(store.purge_stale_early(at(24)).unwrap(), Purged::default());
        assert_eq!(
            store.purge_stale_early(at(25)).unwrap(),
            Purged {
                votes: 2,
                copies: 1,
                counts: 1,
                replies: 1
            }
        );
        assert_eq!(store.purge_stale_early(at(25)).unwrap(), Purged::default());
        // The ones still waiting are applied when their poll is stored.
        let poll = new_poll(&store, -100, "late");
        let tally = store.tally(poll.id).unwrap().unwrap();
        assert_eq!(tally.voters, 1);
        assert_eq!(tally.counts, [0, 1]);
        assert_eq!(
            store.message_role(-200, 71).unwrap(),
            Some(MessageRole::Poll(poll.id))
        );
        assert_eq!(tally.comments, 1);
        assert_eq!(
            store.comment(poll.id, 81).unwrap().unwrap().text,
            "Right away"
        );
        // The purged ones are gone for good.
        let lost = new_poll(&store, -100, "lost");
        assert_eq!(store.tally(lost.id).unwrap().unwrap().voters, 0);
        assert_eq!(store.message_role(-200, 70).unwrap(), None);
        assert_eq!(store.comment(lost.id, 80).unwrap(), None);
        assert_eq!(store.db.scan_prefix([keys::EARLY_VOTE]).count(), 0);
        assert_eq!(store.db.scan_prefix([keys::EARLY_POLL_MESSAGE]).count(), 0);
        assert_eq!(store.db.scan_prefix([keys::EARLY_COUNTS]).count(), 0);
        assert_eq!(store.db.scan_prefix([keys::EARLY_REPLY]).count(), 0);
        assert_eq!(store.db.scan_prefix([keys::EARLY_REPLY_POLL]).count(), 0);
        // Damaged or old early records (no time) go at the first purge.
        store
            .db
            .insert(keys::early_vote("x", 9), b"{broken".to_vec())
            .unwrap();
        store
            .db
            .insert(keys::early_poll_message("x", -7, 1), Vec::new())
            .unwrap();
        store
            .db
            .insert(keys::early_reply("x", -7, 2), b"{broken".to_vec())
            .unwrap();
        assert_eq!(
            store.purge_stale_early(at(26)).unwrap(),
            Purged {
                votes: 1,
                copies: 1,
                counts: 0,
                replies: 1
            }
        );
    }

    #[test]
    fn comments_stored_under_the_first_layout_are_moved_once_at_open() {
        let dir = tempfile::tempdir().unwrap();
        let poll;
        {
            let store = Store::open(dir.path()).unwrap();
            poll = new_poll(&store, -100, "tg");
            // Layout 1: comments keyed by poll and message only, one in the
            // poll's chat and one in a discussion group, as version 1 wrote
            // them (no `chat` field), and no layout marker.
            let comment = |message_id: i32, text: &str, approvals: u32| {
                serde_json::json!({
                    "poll": poll.id, "message_id": message_id,
                    "author": {"id": 5, "name": "U"}, "reply_to": 50, "text": text,
                    "posted_at": "2026-12-01T00:00:00Z", "edited_at": null,
                    "approvals_by_users": approvals, "approvals_counted": 0
                })
            };
            let db = &store.db;
            db.remove(keys::layout()).unwrap();
            for (chat, message_id, text, approvals) in [
                (-100, 60, "In the group", 1),
                (-200, 61, "In the discussion", 3),
            ] {
                db.insert(
                    keys::v1::comment(poll.id, message_id),
                    serde_json::to_vec(&comment(message_id, text, approvals)).unwrap(),
                )
                .unwrap();
                db.insert(
                    keys::v1::ranking(poll.id, approvals, message_id),
                    Vec::new(),
                )
                .unwrap();
                db.insert(
                    keys::message(chat, message_id),
                    serde_json::to_vec(&MessageRole::Comment(poll.id)).unwrap(),
                )
                .unwrap();
            }
            db.flush().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let top: Vec<(ChatId, i32, String, u32)> = store
            .top_comments(poll.id, 5)
            .unwrap()
            .into_iter()
            .map(|c| (c.chat, c.message_id, c.text.clone(), c.approvals()))
            .collect();
        assert_eq!(
            top,
            [
                (-200, 61, "In the discussion".to_owned(), 3),
                (-100, 60, "In the group".to_owned(), 1)
            ]
        );
        assert_eq!(store.comments(poll.id).count(), 2);
        assert_eq!(
            store.comment(poll.id, 60).unwrap().unwrap().text,
            "In the group"
        );
        // Approvals keep working on the moved comments.
        store
            .write(|changes| changes.set_approval(-200, 61, 77, true))
            .unwrap();
        assert_eq!(
            store
                .comment_in(poll.id, -200, 61)
                .unwrap()
                .unwrap()
                .approvals(),
            4
        );
        assert_eq!(store.db.get(keys::v1::comment(poll.id, 60)).unwrap(), None);
        assert_eq!(
            store.db.scan_prefix(keys::ranking_of_poll(poll.id)).count(),
            2,
            "old ranking keys are gone"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_new_database_directory_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("data").join("pollbot");
        let store = Store::open(&path).unwrap();
        drop(store);
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
    }
}
