//! A set of changes gathered in memory and applied as one atomic batch.
//! Its methods are in one file per kind of record: polls, votes,
//! comments and approvals, early records, commands and chats.

mod commands;
mod comments;
mod early;
mod polls;
mod presses;
mod recorded_updates;
mod votes;

pub use presses::PressOutcome;
pub(crate) use presses::decode_count;

use std::cell::RefCell;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::engine::{Batch, Engine};
use super::{ChatRecord, MessageRole, Result, keys};
use crate::poll::{ChatId, Comment, MessageId, Person, Poll, PollId, Tally, UserId};

/// What became of a vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoteOutcome {
    /// The voter's ballot is now the given answer (or withdrawn).
    Recorded(PollId),
    /// The vote refers to a poll not stored (yet): it is kept and counted
    /// when the poll is stored.
    Early,
    /// The poll is anonymous: Telegram sends only counts for those.
    NotAccepted(PollId),
    /// The poll is closed: its results are final, the vote is not counted.
    AfterClose(PollId),
    /// Option ids that the poll does not have.
    Invalid(PollId),
}

/// A vote kept until its poll is stored.
#[derive(Serialize, Deserialize)]
struct EarlyVote {
    voter: Person,
    option_ids: Vec<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    option_persistent_ids: Vec<String>,
    at: DateTime<Utc>,
}

/// The options a voter chose, as Telegram names them: by position in the
/// poll as the voter saw it, and by persistent id (Bot API 9.6 and later),
/// which stays the same when options are added or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen<'a> {
    pub positions: &'a [u32],
    pub persistent_ids: &'a [String],
}

impl<'a> Chosen<'a> {
    /// Options named by position only (older Bot APIs, the demo).
    pub fn positions(positions: &'a [u32]) -> Self {
        Chosen {
            positions,
            persistent_ids: &[],
        }
    }
}

/// The latest counts reported for a poll before it was stored.
#[derive(Serialize, Deserialize)]
struct EarlyCounts {
    counts: Vec<u64>,
    voters: u64,
    closed: bool,
    at: DateTime<Utc>,
}

/// A copy of a poll kept until its poll is stored.
#[derive(Serialize, Deserialize)]
struct EarlyPollMessage {
    /// The chat the copy was forwarded from.
    origin: ChatId,
    at: DateTime<Utc>,
}

/// A reply to a message, which may be a comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub chat: ChatId,
    pub message_id: MessageId,
    /// The message it answers.
    pub reply_to: MessageId,
    /// The author shown, and the user Telegram names as its sender (see
    /// [`Comment::sender`]).
    pub author: Option<Person>,
    pub sender: Option<UserId>,
    pub text: String,
    pub at: DateTime<Utc>,
    /// The persistent id of the poll option it replies to, if any.
    pub replied_option: Option<String>,
}

/// A reply kept until its poll is stored, with the approvals it got
/// meanwhile; they are counted as any other when it becomes a comment.
#[derive(Serialize, Deserialize)]
struct EarlyReply {
    reply: Reply,
    /// Users who approve it (a reaction, a `+1` reply).
    approvers: Vec<UserId>,
    /// Approvals Telegram reported only as a count.
    counted: u32,
}

/// What became of a reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentOutcome {
    /// Stored as a comment of this poll.
    Recorded(PollId),
    /// Already stored (a re-delivered update).
    AlreadyKnown(PollId),
    /// The poll is closed: its results are final, the reply is not kept.
    AfterClose(PollId),
    /// It replies to a poll not stored (yet), or to such a reply: it is
    /// kept and becomes a comment when the poll is stored.
    Early,
    /// Not a reply to a poll or to one of its comments.
    NotAComment,
}

/// Per ranked poll, how many more (or fewer) ballots hold each ranking.
pub(crate) type RankingChanges = HashMap<PollId, HashMap<Vec<u8>, i64>>;

/// Changes to the store, read through: a read sees earlier writes of the
/// same batch.
pub struct Changes<'a> {
    tree: &'a dyn Engine,
    pending: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Values read from the engine in this batch (the writer lock is held:
    /// nothing else changes them). A batch of votes asks for its poll's
    /// key once per vote; on PostgreSQL each read is a round trip.
    read: RefCell<HashMap<Vec<u8>, Option<Vec<u8>>>>,
    /// Polls read or written in this batch, decoded once (a batch of votes
    /// mostly concerns one poll).
    polls: HashMap<PollId, Poll>,
    /// Tallies changed in this batch; encoded once, when it is applied.
    tallies: HashMap<PollId, Tally>,
    /// How many more (or fewer) ballots hold each ranking of a ranked
    /// poll after this batch; written once too.
    rankings: RankingChanges,
}

impl<'a> Changes<'a> {
    pub(super) fn new(tree: &'a dyn Engine) -> Self {
        Self {
            tree,
            pending: HashMap::new(),
            read: RefCell::default(),
            polls: HashMap::new(),
            tallies: HashMap::new(),
            rankings: HashMap::new(),
        }
    }

    /// The batch to apply, and how it changes ranked polls' rankings
    /// (how many more or fewer ballots hold each ranking).
    pub(super) fn into_batch(mut self) -> Result<(Batch, RankingChanges)> {
        for (id, tally) in std::mem::take(&mut self.tallies) {
            self.put(keys::tally(id), &tally)?;
        }
        let rankings = self.write_rankings()?;
        let mut batch = Batch::default();
        for (key, value) in self.pending {
            match value {
                Some(value) => batch.insert(key, value),
                None => batch.remove(key),
            }
        }
        Ok((batch, rankings))
    }

    pub(super) fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(value) = self.pending.get(key) {
            return Ok(value.clone());
        }
        if let Some(value) = self.read.borrow().get(key) {
            return Ok(value.clone());
        }
        let value = self.tree.get(key)?;
        self.read.borrow_mut().insert(key.to_vec(), value.clone());
        Ok(value)
    }

    pub(super) fn get<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>> {
        match self.get_raw(key)? {
            Some(bytes) => Ok(Some(serde_json::from_slice(&bytes)?)),
            None => Ok(None),
        }
    }

    pub(super) fn put<T: Serialize>(&mut self, key: Vec<u8>, value: &T) -> Result<()> {
        self.pending.insert(key, Some(serde_json::to_vec(value)?));
        Ok(())
    }

    pub(super) fn put_raw(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.pending.insert(key, Some(value));
    }

    pub(super) fn remove(&mut self, key: Vec<u8>) {
        self.pending.insert(key, None);
    }

    fn chat(&self, chat: ChatId) -> Result<ChatRecord> {
        Ok(self.get(&keys::chat(chat))?.unwrap_or_default())
    }

    /// What the message is: a poll, a comment, or nothing of ours.
    pub fn message_role(&self, chat: ChatId, message_id: MessageId) -> Result<Option<MessageRole>> {
        self.get(&keys::message(chat, message_id))
    }

    fn poll_of_message(&self, chat: ChatId, message_id: MessageId) -> Result<Option<PollId>> {
        Ok(self.message_role(chat, message_id)?.map(|role| match role {
            MessageRole::Poll(id) | MessageRole::Comment(id) => id,
        }))
    }

    /// The comment that message `message_id` of `chat` is, if it is one.
    fn comment_at(&self, chat: ChatId, message_id: MessageId) -> Result<Option<Comment>> {
        let Some(poll) = self.comment_poll(chat, message_id)? else {
            return Ok(None);
        };
        self.get(&keys::comment(poll, chat, message_id))
    }

    fn comment_poll(&self, chat: ChatId, message_id: MessageId) -> Result<Option<PollId>> {
        match self.message_role(chat, message_id)? {
            Some(MessageRole::Comment(id)) => Ok(Some(id)),
            _ => Ok(None),
        }
    }

    pub(super) fn poll_by_telegram_id(&mut self, telegram_id: &str) -> Result<Option<Poll>> {
        match self.get_raw(&keys::telegram_poll(telegram_id))? {
            Some(id) => self.poll(keys::poll_id_from_value(&id)),
            None => Ok(None),
        }
    }

    pub(super) fn poll(&mut self, id: PollId) -> Result<Option<Poll>> {
        if let Some(poll) = self.polls.get(&id) {
            return Ok(Some(poll.clone()));
        }
        let poll: Option<Poll> = self.get(&keys::poll(id))?;
        if let Some(poll) = &poll {
            self.polls.insert(id, poll.clone());
        }
        Ok(poll)
    }

    /// Saves a poll and keeps the indexes of what the bot must do by itself
    /// in step: the deadline of an open poll, the final results of a closed
    /// one not yet posted.
    fn save_poll(&mut self, poll: &Poll) -> Result<()> {
        let before = match self.poll(poll.id)? {
            Some(before) => pending_work_keys(&before),
            None => Vec::new(),
        };
        let after = pending_work_keys(poll);
        for key in before.iter().filter(|key| !after.contains(key)) {
            self.remove(key.clone());
        }
        // An entry kept as it is keeps its value (an announcement's journal).
        for key in after.into_iter().filter(|key| !before.contains(key)) {
            self.put_raw(key, Vec::new());
        }
        self.polls.insert(poll.id, poll.clone());
        self.put(keys::poll(poll.id), poll)
    }

    /// The poll's tally, to change; written when the batch is applied.
    pub(super) fn tally(&mut self, poll: &Poll) -> Result<&mut Tally> {
        if !self.tallies.contains_key(&poll.id) {
            let tally = self
                .get(&keys::tally(poll.id))?
                .unwrap_or_else(|| Tally::new(poll.option_count()));
            self.tallies.insert(poll.id, tally);
        }
        Ok(self.tallies.get_mut(&poll.id).expect("just inserted"))
    }
}

/// The index entries a poll in this state needs.
fn pending_work_keys(poll: &Poll) -> Vec<Vec<u8>> {
    match (poll.is_open(), poll.deadline) {
        (true, Some(deadline)) => {
            let mut keys = vec![keys::deadline(deadline.timestamp(), poll.id)];
            // Reminders not sent yet; closed early, a poll sends none.
            for (index, reminder) in poll.features.reminders.iter().enumerate() {
                if !reminder.sent {
                    let at = reminder.due_at(deadline).timestamp();
                    keys.push(keys::reminder(at, poll.id, index as u8));
                }
            }
            keys
        }
        (true, None) => Vec::new(),
        (false, _) if !poll.results_announced => vec![keys::to_announce(poll.id)],
        (false, _) => Vec::new(),
    }
}
