//! A set of changes gathered in memory and applied as one atomic batch.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{ChatRecord, Journal, JournalKey, LastUpdate, MessageRole, Purged, Result, keys};
use crate::poll::{
    Ballot, ChatId, Comment, OptionLearnt, Person, Poll, PollId, PollNumber, PollState, SeenOption,
    Tally, VoterHistory, approvers_delta, follow_vote, takes_comments,
};

/// How long votes, copies, counts and replies wait for a poll that is not
/// stored: a poll the bot posts is stored within seconds.
const EARLY_KEPT_FOR: chrono::TimeDelta = chrono::TimeDelta::days(1);

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
    pub message_id: i32,
    /// The message it answers.
    pub reply_to: i32,
    /// The author shown, and the user Telegram names as its sender (see
    /// [`Comment::sender`]).
    pub author: Option<Person>,
    pub sender: Option<i64>,
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
    approvers: Vec<i64>,
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

/// Changes to the store, read through: a read sees earlier writes of the
/// same batch.
pub struct Changes<'a> {
    tree: &'a sled::Tree,
    pending: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// Polls read or written in this batch, decoded once (a batch of votes
    /// mostly concerns one poll).
    polls: HashMap<PollId, Poll>,
    /// Tallies changed in this batch; encoded once, when it is applied.
    tallies: HashMap<PollId, Tally>,
}

impl<'a> Changes<'a> {
    pub(super) fn new(tree: &'a sled::Tree) -> Self {
        Self {
            tree,
            pending: HashMap::new(),
            polls: HashMap::new(),
            tallies: HashMap::new(),
        }
    }

    pub(super) fn into_batch(mut self) -> Result<sled::Batch> {
        for (id, tally) in std::mem::take(&mut self.tallies) {
            self.put(keys::tally(id), &tally)?;
        }
        let mut batch = sled::Batch::default();
        for (key, value) in self.pending {
            match value {
                Some(value) => batch.insert(key, value),
                None => batch.remove(key),
            }
        }
        Ok(batch)
    }

    pub(super) fn get_raw(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        if let Some(value) = self.pending.get(key) {
            return Ok(value.clone());
        }
        Ok(self.tree.get(key)?.map(|v| v.to_vec()))
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

    /// Stores a new poll under the chat's next number. `build` gets the id
    /// the poll will have.
    pub fn create_poll(
        &mut self,
        chat: ChatId,
        build: impl FnOnce(PollId) -> Poll,
    ) -> Result<Poll> {
        let mut record = self.chat(chat)?;
        record.last_poll += 1;
        let id = PollId {
            chat,
            number: PollNumber(record.last_poll),
        };
        let poll = build(id);
        self.put(keys::chat(chat), &record)?;
        self.save_poll(&poll)?;
        self.tallies.insert(id, Tally::new(poll.option_count()));
        self.put_raw(
            keys::telegram_poll(&poll.telegram_id),
            keys::poll_id_value(id),
        );
        self.put(keys::message(chat, poll.message_id), &MessageRole::Poll(id))?;
        self.count_early_votes(&poll.telegram_id)?;
        Ok(poll)
    }

    /// Votes, counts, forwarded copies of the poll and replies to it can
    /// reach the bot before it has stored the poll it just posted; they
    /// wait under the poll's Telegram id and are taken into account now.
    fn count_early_votes(&mut self, telegram_id: &str) -> Result<()> {
        let prefix = keys::early_votes(telegram_id);
        let mut early = Vec::new();
        for entry in self.tree.scan_prefix(&prefix) {
            let (key, value) = entry?;
            early.push((key.to_vec(), serde_json::from_slice::<EarlyVote>(&value)?));
        }
        for (key, vote) in early {
            self.remove(key);
            let chosen = Chosen {
                positions: &vote.option_ids,
                persistent_ids: &vote.option_persistent_ids,
            };
            self.record_vote(telegram_id, vote.voter, chosen, vote.at)?;
        }
        let counts_key = keys::early_counts(telegram_id);
        if let Some(early) = self.get::<EarlyCounts>(&counts_key)? {
            self.remove(counts_key);
            let EarlyCounts {
                counts,
                voters,
                closed,
                at,
            } = early;
            self.record_poll_counts(telegram_id, &counts, voters, closed, at)?;
        }
        let mut copies = Vec::new();
        for entry in self
            .tree
            .scan_prefix(keys::early_poll_messages(telegram_id))
        {
            let (key, value) = entry?;
            // A copy kept before origins were recorded cannot be checked:
            // it is dropped.
            let early = serde_json::from_slice::<EarlyPollMessage>(&value).ok();
            copies.push((key.to_vec(), early));
        }
        for (key, early) in copies {
            let (chat, message_id) = keys::chat_and_message_of_early_poll_message(&key);
            self.remove(key);
            if let Some(EarlyPollMessage { origin, at }) = early {
                self.add_poll_message(chat, message_id, telegram_id, origin, at)?;
            }
        }
        // After the copies: a reply may answer one.
        self.attach_early_replies(telegram_id)
    }

    /// Notes that a closed poll's final results were posted.
    pub fn mark_results_announced(&mut self, id: PollId) -> Result<()> {
        if let Some(mut poll) = self.poll(id)? {
            poll.results_announced = true;
            self.save_poll(&poll)?;
        }
        Ok(())
    }

    /// Notes another message that carries one of our polls (a forwarded
    /// copy), so that replies to it count as comments.
    /// Only a copy that comes from the poll's own chat (`origin`: the
    /// channel Telegram forwarded it from) is taken; `None` otherwise.
    pub fn add_poll_message(
        &mut self,
        chat: ChatId,
        message_id: i32,
        telegram_poll_id: &str,
        origin: ChatId,
        at: DateTime<Utc>,
    ) -> Result<Option<PollId>> {
        let Some(poll) = self.poll_by_telegram_id(telegram_poll_id)? else {
            let key = keys::early_poll_message(telegram_poll_id, chat, message_id);
            self.put(key, &EarlyPollMessage { origin, at })?;
            return Ok(None);
        };
        if poll.id.chat != origin {
            return Ok(None);
        }
        self.put(keys::message(chat, message_id), &MessageRole::Poll(poll.id))?;
        Ok(Some(poll.id))
    }

    /// Marks a poll closed; returns it, or `None` if it does not exist.
    pub fn close_poll(&mut self, id: PollId, at: DateTime<Utc>) -> Result<Option<Poll>> {
        let Some(mut poll) = self.poll(id)? else {
            return Ok(None);
        };
        if poll.is_open() {
            poll.state = PollState::Closed;
            poll.closed_at = Some(at);
            self.save_poll(&poll)?;
        }
        Ok(Some(poll))
    }

    /// Records a voter's latest answer to a public poll; an empty answer
    /// withdraws the vote. The ballot and the tally change together.
    /// Options are read by persistent id when the poll and the answer have
    /// them (in an `--open` poll, an option the bot has not heard of yet is
    /// learnt, unnamed); by position otherwise.
    pub fn record_vote(
        &mut self,
        telegram_poll_id: &str,
        voter: Person,
        chosen: Chosen,
        at: DateTime<Utc>,
    ) -> Result<VoteOutcome> {
        let Some(mut poll) = self.poll_by_telegram_id(telegram_poll_id)? else {
            let key = keys::early_vote(telegram_poll_id, voter.id);
            let early = EarlyVote {
                voter,
                option_ids: chosen.positions.to_vec(),
                option_persistent_ids: chosen.persistent_ids.to_vec(),
                at,
            };
            self.put(key, &early)?;
            return Ok(VoteOutcome::Early);
        };
        let id = poll.id;
        if poll.anonymous {
            return Ok(VoteOutcome::NotAccepted(id));
        }
        // A closed poll's results are final: a vote that arrives after the
        // close (cast just before it, delivered after) changes nothing.
        if !poll.is_open() {
            return Ok(VoteOutcome::AfterClose(id));
        }
        let by_persistent_id =
            poll.has_persistent_ids() && chosen.persistent_ids.len() == chosen.positions.len();
        let indexes: Vec<u32> = if by_persistent_id {
            let mut indexes = Vec::with_capacity(chosen.persistent_ids.len());
            let mut learnt = false;
            for persistent_id in chosen.persistent_ids {
                if let Some(index) = poll.option_index(persistent_id) {
                    indexes.push(u32::from(index));
                    continue;
                }
                // Only an `--open` poll gets options after it was posted.
                if !poll.features.open {
                    return Ok(VoteOutcome::Invalid(id));
                }
                let seen = SeenOption {
                    persistent_id: persistent_id.clone(),
                    text: None,
                    added_by: None,
                    added_at: None,
                };
                let Some(index) = poll.learn_option(&seen).index() else {
                    return Ok(VoteOutcome::Invalid(id));
                };
                learnt = true;
                indexes.push(u32::from(index));
            }
            if learnt {
                self.save_poll(&poll)?;
            }
            indexes
        } else {
            chosen.positions.to_vec()
        };
        let user = voter.id;
        let Some(mut ballot) = Ballot::new(voter, &indexes, poll.option_count(), poll.multiple, at)
        else {
            return Ok(VoteOutcome::Invalid(id));
        };
        let ballot_key = keys::ballot(id, user);
        let previous: Option<Ballot> = self.get(&ballot_key)?;
        let history_key = keys::voter_history(id, user);
        let stored: Option<VoterHistory> = self.get(&history_key)?;
        let kept = stored.is_some();
        let (history, facts) = follow_vote(stored, previous.as_ref(), &ballot);
        if let Some(history) = history {
            ballot.first_voted_at = Some(history.first_voted_at);
            // A voter who never changed and still votes has nothing the
            // ballot does not tell (see `follow_vote`): a history of their
            // own is kept only once they change or withdraw, which keeps a
            // million one-time voters' database half the size.
            if kept || history.changed || ballot.is_withdrawal() {
                self.put(history_key, &history)?;
            }
        }
        let before = previous.as_ref().map(|b| poll.counted_part(b));
        let after = poll.counted_part(&ballot);
        let tally = self.tally(&poll)?;
        tally.replace(before.as_deref(), Some(&after));
        tally.count_facts(facts, at);
        if ballot.is_withdrawal() {
            self.remove(ballot_key);
        } else {
            self.put(ballot_key, &ballot)?;
        }
        Ok(VoteOutcome::Recorded(id))
    }

    /// Learns options Telegram shows in a poll update: those added after
    /// the poll was posted, and the texts and authors of options learnt
    /// unnamed from votes. An option missing from the update is not taken
    /// as deleted: only Telegram's message that it was deleted says so.
    fn learn_options(&mut self, poll: &mut Poll, options: &[SeenOption]) -> Result<()> {
        if !poll.has_persistent_ids() {
            return Ok(());
        }
        let mut changed = false;
        for seen in options {
            let known = poll.option_index(&seen.persistent_id).is_some();
            if known || seen.added_at.is_some() || seen.added_by.is_some() {
                changed |= poll.learn_option(seen).changed();
            }
        }
        if changed {
            self.save_poll(poll)?;
        }
        Ok(())
    }

    /// The poll that message `poll_message` of `chat` carries, if it is one
    /// of ours and (when Telegram names it) the poll `telegram_poll_id`.
    pub fn poll_named_in(
        &mut self,
        chat: ChatId,
        poll_message: i32,
        telegram_poll_id: Option<&str>,
    ) -> Result<Option<Poll>> {
        let Some(MessageRole::Poll(id)) = self.message_role(chat, poll_message)? else {
            return Ok(None);
        };
        let poll = self.poll(id)?;
        Ok(poll.filter(|p| telegram_poll_id.is_none_or(|t| t == p.telegram_id)))
    }

    /// A member added an option to an open public poll.
    pub fn add_option(
        &mut self,
        chat: ChatId,
        poll_message: i32,
        telegram_poll_id: Option<&str>,
        seen: &SeenOption,
    ) -> Result<Option<(PollId, OptionLearnt)>> {
        let Some(mut poll) = self.poll_named_in(chat, poll_message, telegram_poll_id)? else {
            return Ok(None);
        };
        if !poll.has_persistent_ids() || poll.anonymous {
            return Ok(None);
        }
        let learnt = poll.learn_option(seen);
        if learnt.changed() {
            self.save_poll(&poll)?;
        }
        Ok(Some((poll.id, learnt)))
    }

    /// An option was deleted from a poll: it leaves the tally, its ballots
    /// stay (and no other vote moves). `None` if the message is not about
    /// one of our polls.
    pub fn delete_option(
        &mut self,
        chat: ChatId,
        poll_message: i32,
        telegram_poll_id: Option<&str>,
        seen: &SeenOption,
    ) -> Result<Option<PollId>> {
        let Some(mut poll) = self.poll_named_in(chat, poll_message, telegram_poll_id)? else {
            return Ok(None);
        };
        if !poll.has_persistent_ids() || poll.anonymous {
            return Ok(None);
        }
        let Some(index) = poll.learn_option(seen).index() else {
            return Ok(Some(poll.id));
        };
        if poll.delete_option(index) {
            self.save_poll(&poll)?;
            // Once closed, the tally is final.
            if poll.is_open() {
                self.recount(&poll)?;
            }
        }
        Ok(Some(poll.id))
    }

    /// Counts a poll's votes afresh from its ballots, this batch's
    /// included.
    fn recount(&mut self, poll: &Poll) -> Result<()> {
        let prefix = keys::ballots_of_poll(poll.id);
        let mut ballots: std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>> = self
            .tree
            .scan_prefix(&prefix)
            .map(|entry| entry.map(|(k, v)| (k.to_vec(), Some(v.to_vec()))))
            .collect::<std::result::Result<_, _>>()?;
        for (key, value) in &self.pending {
            if key.starts_with(&prefix) {
                ballots.insert(key.clone(), value.clone());
            }
        }
        let mut counts = vec![0u64; poll.option_count()];
        let mut voters = 0;
        for value in ballots.into_values().flatten() {
            let ballot: Ballot = serde_json::from_slice(&value)?;
            let part = poll.counted_part(&ballot);
            voters += u64::from(!part.is_empty());
            for o in part {
                counts[usize::from(o)] += 1;
            }
        }
        let tally = self.tally(poll)?;
        tally.counts = counts;
        tally.voters = voters;
        Ok(())
    }

    /// Takes the counts Telegram reports for a poll: the only figures there
    /// are for an anonymous poll. Also notes a poll Telegram closed.
    pub fn record_poll_counts(
        &mut self,
        telegram_poll_id: &str,
        counts: &[u64],
        voters: u64,
        closed: bool,
        at: DateTime<Utc>,
    ) -> Result<Option<PollId>> {
        self.record_poll_update(telegram_poll_id, counts, &[], voters, closed, at)
    }

    /// [`Changes::record_poll_counts`], learning the options the update
    /// shows (see [`Changes::learn_options`]).
    pub fn record_poll_update(
        &mut self,
        telegram_poll_id: &str,
        counts: &[u64],
        options: &[SeenOption],
        voters: u64,
        closed: bool,
        at: DateTime<Utc>,
    ) -> Result<Option<PollId>> {
        let Some(mut poll) = self.poll_by_telegram_id(telegram_poll_id)? else {
            let early = EarlyCounts {
                counts: counts.to_vec(),
                voters,
                closed,
                at,
            };
            self.put(keys::early_counts(telegram_poll_id), &early)?;
            return Ok(None);
        };
        let id = poll.id;
        if !poll.anonymous && poll.is_open() {
            self.learn_options(&mut poll, options)?;
        }
        // Counts that arrive once the poll is closed change nothing: the
        // final counts are taken when Telegram confirms the close.
        if poll.anonymous && poll.is_open() && counts.len() == poll.options.len() {
            let tally = self.tally(&poll)?;
            tally.counts = counts.to_vec();
            tally.voters = voters;
        }
        if closed {
            self.close_poll(id, at)?;
        }
        Ok(Some(id))
    }

    /// Stores a reply as a comment if it answers a poll or one of its
    /// comments. `replied_poll` is the Telegram id of the poll the replied
    /// message carries, if it carries one: a reply to a poll not stored
    /// yet is kept until it is, with the approvals it gets meanwhile.
    pub fn record_comment(
        &mut self,
        reply: Reply,
        replied_poll: Option<&str>,
    ) -> Result<CommentOutcome> {
        let Some(poll) = self.poll_of_message(reply.chat, reply.reply_to)? else {
            return self.keep_early_reply(reply, replied_poll);
        };
        let Reply {
            chat,
            message_id,
            reply_to,
            author,
            sender,
            text,
            at,
            replied_option,
        } = reply;
        if let Some(MessageRole::Comment(known)) = self.get(&keys::message(chat, message_id))? {
            return Ok(CommentOutcome::AlreadyKnown(known));
        }
        if !self.takes_comments(poll)? {
            return Ok(CommentOutcome::AfterClose(poll));
        }
        let comment = Comment {
            poll,
            chat,
            message_id,
            author,
            sender,
            reply_to,
            text,
            posted_at: at,
            edited_at: None,
            approvals_by_users: 0,
            approvals_counted: 0,
            replied_option: None,
        };
        self.put(keys::comment(poll, chat, message_id), &comment)?;
        self.put(keys::message(chat, message_id), &MessageRole::Comment(poll))?;
        self.put_raw(keys::ranking(poll, 0, chat, message_id), Vec::new());
        if let Some(poll) = self.poll(poll)? {
            self.tally(&poll)?.comments += 1;
        }
        if let Some(option) = replied_option {
            self.set_replied_option(poll, chat, message_id, &option)?;
        }
        Ok(CommentOutcome::Recorded(poll))
    }

    /// Replies can reach the bot before it has stored the poll it just
    /// posted, like votes: a reply to a message carrying a poll not stored
    /// (`replied_poll`), or to such an early reply, waits under the poll's
    /// Telegram id. Anything else is not a comment.
    fn keep_early_reply(
        &mut self,
        reply: Reply,
        replied_poll: Option<&str>,
    ) -> Result<CommentOutcome> {
        let telegram_id = match replied_poll {
            Some(telegram_id) => Some(telegram_id.to_owned()),
            None => self.early_reply_poll(reply.chat, reply.reply_to)?,
        };
        let Some(telegram_id) = telegram_id else {
            return Ok(CommentOutcome::NotAComment);
        };
        // A stored poll whose message this is not (a copy that is not
        // ours) takes no comments.
        if self.poll_by_telegram_id(&telegram_id)?.is_some() {
            return Ok(CommentOutcome::NotAComment);
        }
        let key = keys::early_reply(&telegram_id, reply.chat, reply.message_id);
        // A re-delivered reply keeps the approvals it has.
        if self.get_raw(&key)?.is_none() {
            self.put_raw(
                keys::early_reply_poll(reply.chat, reply.message_id),
                telegram_id.into_bytes(),
            );
            let early = EarlyReply {
                reply,
                approvers: Vec::new(),
                counted: 0,
            };
            self.put(key, &early)?;
        }
        Ok(CommentOutcome::Early)
    }

    /// The Telegram id of the poll that message `message_id` of `chat`, an
    /// early reply, waits for.
    fn early_reply_poll(&self, chat: ChatId, message_id: i32) -> Result<Option<String>> {
        let value = self.get_raw(&keys::early_reply_poll(chat, message_id))?;
        Ok(value.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Whether message `message_id` of `chat` is a reply kept until its
    /// poll is stored.
    pub fn is_early_reply(&self, chat: ChatId, message_id: i32) -> Result<bool> {
        Ok(self.early_reply_poll(chat, message_id)?.is_some())
    }

    /// Changes the early reply `message_id` of `chat`, if it is one;
    /// `false` if it is not.
    fn update_early_reply(
        &mut self,
        chat: ChatId,
        message_id: i32,
        change: impl FnOnce(&mut EarlyReply),
    ) -> Result<bool> {
        let Some(telegram_id) = self.early_reply_poll(chat, message_id)? else {
            return Ok(false);
        };
        let key = keys::early_reply(&telegram_id, chat, message_id);
        let Some(mut early) = self.get::<EarlyReply>(&key)? else {
            return Ok(false);
        };
        change(&mut early);
        self.put(key, &early)?;
        Ok(true)
    }

    /// Makes the replies kept for the poll `telegram_id`, just stored,
    /// comments, with the approvals they got meanwhile; in message order,
    /// so that a reply to an early reply finds it a comment already.
    fn attach_early_replies(&mut self, telegram_id: &str) -> Result<()> {
        let mut early = Vec::new();
        for entry in self.tree.scan_prefix(keys::early_replies(telegram_id)) {
            let (key, value) = entry?;
            early.push((
                key.to_vec(),
                serde_json::from_slice::<EarlyReply>(&value).ok(),
            ));
        }
        for (key, reply) in early {
            let (chat, message_id) = keys::chat_and_message_of_early_reply(&key);
            self.remove(key);
            self.remove(keys::early_reply_poll(chat, message_id));
            // A record that does not decode is dropped.
            let Some(EarlyReply {
                reply,
                approvers,
                counted,
            }) = reply
            else {
                continue;
            };
            if !matches!(
                self.record_comment(reply, None)?,
                CommentOutcome::Recorded(_)
            ) {
                continue;
            }
            for user in approvers {
                self.set_approval(chat, message_id, user, true)?;
            }
            if counted > 0 {
                self.set_counted_approvals(chat, message_id, counted)?;
            }
        }
        Ok(())
    }

    /// Notes the poll option a new comment replies to, by the option's
    /// persistent id; `false` if the poll does not know that id (an option
    /// added later, a poll stored before persistent ids) or the message is
    /// not a comment.
    pub fn set_replied_option(
        &mut self,
        poll: PollId,
        chat: ChatId,
        message_id: i32,
        persistent_id: &str,
    ) -> Result<bool> {
        let Some(poll) = self.poll(poll)? else {
            return Ok(false);
        };
        let Some(index) = poll.option_index(persistent_id) else {
            return Ok(false);
        };
        self.update_comment(chat, message_id, |comment| {
            comment.replied_option = Some(index)
        })
    }

    /// Replaces a comment's text after an edit; `false` if the message is
    /// not a comment.
    pub fn edit_comment(
        &mut self,
        chat: ChatId,
        message_id: i32,
        text: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        self.update_comment(chat, message_id, |comment| {
            comment.text = text.to_owned();
            comment.edited_at = Some(at);
        })
    }

    /// Adds or withdraws one user's approval of a comment; approving twice
    /// counts once, and nobody approves their own comment. `false` if the
    /// message is not a comment, the approval is the author's own, or the
    /// comment's poll is closed.
    pub fn set_approval(
        &mut self,
        chat: ChatId,
        message_id: i32,
        user: i64,
        approves: bool,
    ) -> Result<bool> {
        if self.comment_of_closed_poll(chat, message_id)? {
            return Ok(false);
        }
        // Whose approval counts is decided when the reply becomes a
        // comment (see `attach_early_replies`).
        let kept = self.update_early_reply(chat, message_id, |early| {
            early.approvers.retain(|&u| u != user);
            if approves {
                early.approvers.push(user);
            }
        })?;
        if kept {
            return Ok(true);
        }
        if approves
            && self
                .comment_at(chat, message_id)?
                .is_some_and(|comment| !comment.may_be_approved_by(user))
        {
            return Ok(false);
        }
        let key = keys::approval(chat, message_id, user);
        let approved = self.get_raw(&key)?.is_some();
        if approved == approves {
            return Ok(self.comment_poll(chat, message_id)?.is_some());
        }
        let changed = self.update_comment(chat, message_id, |comment| {
            if approves {
                comment.approvals_by_users += 1;
            } else {
                comment.approvals_by_users -= 1;
            }
        })?;
        if changed {
            if approves {
                self.put_raw(key, Vec::new());
            } else {
                self.remove(key);
            }
            if let Some(poll) = self.comment_poll(chat, message_id)? {
                self.count_approver(poll, user, approves)?;
            }
        }
        Ok(changed)
    }

    /// Keeps how many of a poll's comments `user` approves, and the poll's
    /// count of distinct approvers with it.
    fn count_approver(&mut self, id: PollId, user: i64, approves: bool) -> Result<()> {
        let key = keys::approver(id, user);
        let before: u32 = self.get(&key)?.unwrap_or(0);
        let after = if approves {
            before + 1
        } else {
            before.saturating_sub(1)
        };
        if after == 0 {
            self.remove(key);
        } else {
            self.put(key, &after)?;
        }
        if let Some(poll) = self.poll(id)? {
            self.tally(&poll)?
                .count_approvers(approvers_delta(before, after));
        }
        Ok(())
    }

    /// Sets the approvals Telegram reported only as a count; `false` if the
    /// message is not a comment, or the comment's poll is closed.
    pub fn set_counted_approvals(
        &mut self,
        chat: ChatId,
        message_id: i32,
        count: u32,
    ) -> Result<bool> {
        if self.comment_of_closed_poll(chat, message_id)? {
            return Ok(false);
        }
        if self.update_early_reply(chat, message_id, |early| early.counted = count)? {
            return Ok(true);
        }
        self.update_comment(chat, message_id, |comment| {
            comment.approvals_counted = count
        })
    }

    /// Whether `poll` takes new comments and approvals (see
    /// [`takes_comments`]).
    fn takes_comments(&mut self, poll: PollId) -> Result<bool> {
        Ok(self.poll(poll)?.is_none_or(|p| takes_comments(p.state)))
    }

    /// Whether message `message_id` of `chat` is a comment of a poll that
    /// takes no more approvals (a closed one).
    fn comment_of_closed_poll(&mut self, chat: ChatId, message_id: i32) -> Result<bool> {
        match self.comment_poll(chat, message_id)? {
            Some(poll) => Ok(!self.takes_comments(poll)?),
            None => Ok(false),
        }
    }

    /// Applies `change` to a comment and keeps its ranking entry in step.
    fn update_comment(
        &mut self,
        chat: ChatId,
        message_id: i32,
        change: impl FnOnce(&mut Comment),
    ) -> Result<bool> {
        let Some(mut comment) = self.comment_at(chat, message_id)? else {
            return Ok(false);
        };
        let poll = comment.poll;
        let before = comment.approvals();
        change(&mut comment);
        let after = comment.approvals();
        if before != after {
            self.remove(keys::ranking(poll, before, chat, message_id));
            self.put_raw(keys::ranking(poll, after, chat, message_id), Vec::new());
        }
        self.put(keys::comment(poll, chat, message_id), &comment)?;
        Ok(true)
    }

    pub fn set_chat_language(&mut self, chat: ChatId, language: &str) -> Result<()> {
        let mut record = self.chat(chat)?;
        record.language = Some(language.to_owned());
        self.put(keys::chat(chat), &record)
    }

    /// Remembers the chat's title, as Telegram last reported it; the full
    /// report shows it.
    pub fn set_chat_title(&mut self, chat: ChatId, title: &str) -> Result<()> {
        let mut record = self.chat(chat)?;
        if record.title.as_deref() != Some(title) {
            record.title = Some(title.to_owned());
            self.put(keys::chat(chat), &record)?;
        }
        Ok(())
    }

    /// Notes whether the bot is still a member of the chat.
    pub fn set_chat_active(&mut self, chat: ChatId, active: bool) -> Result<()> {
        let mut record = self.chat(chat)?;
        if record.active != active {
            record.active = active;
            self.put(keys::chat(chat), &record)?;
        }
        Ok(())
    }

    /// Remembers the last Telegram update whose effects this batch holds.
    pub fn set_last_update(&mut self, last: LastUpdate) -> Result<()> {
        self.put(keys::last_update(), &last)
    }

    /// Keeps an update that cannot be recorded, as JSON, for the
    /// operator to look at.
    pub fn set_aside(&mut self, update_id: i64, raw: Vec<u8>) {
        self.put_raw(keys::set_aside(update_id), raw);
    }

    /// See [`Store::purge_stale_early`](super::Store::purge_stale_early).
    pub(super) fn purge_stale_early(&mut self, now: DateTime<Utc>) -> Result<Purged> {
        let stale = |at: DateTime<Utc>| now - at > EARLY_KEPT_FOR;
        let mut purged = Purged::default();
        let mut doomed = Vec::new();
        for entry in self.tree.scan_prefix([keys::EARLY_VOTE]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyVote>(&value)
                .ok()
                .map(|v| v.at);
            if at.is_none_or(stale) {
                doomed.push(key.to_vec());
                purged.votes += 1;
            }
        }
        for entry in self.tree.scan_prefix([keys::EARLY_POLL_MESSAGE]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyPollMessage>(&value)
                .ok()
                .map(|c| c.at);
            if at.is_none_or(stale) {
                doomed.push(key.to_vec());
                purged.copies += 1;
            }
        }
        for entry in self.tree.scan_prefix([keys::EARLY_COUNTS]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyCounts>(&value)
                .ok()
                .map(|c| c.at);
            if at.is_none_or(stale) {
                doomed.push(key.to_vec());
                purged.counts += 1;
            }
        }
        for entry in self.tree.scan_prefix([keys::EARLY_REPLY]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyReply>(&value)
                .ok()
                .map(|r| r.reply.at);
            if at.is_none_or(stale) {
                let (chat, message_id) = keys::chat_and_message_of_early_reply(&key);
                doomed.push(keys::early_reply_poll(chat, message_id));
                doomed.push(key.to_vec());
                purged.replies += 1;
            }
        }
        for key in doomed {
            self.remove(key);
        }
        Ok(purged)
    }

    /// Keeps a command until it has been answered; a command answered
    /// already (its update recorded again after a failed flush) is not queued
    /// twice. `false` when it was not queued.
    pub fn queue_command(&mut self, update_id: i64, record: Vec<u8>) -> Result<bool> {
        if self.get_raw(&keys::answered(update_id))?.is_some() {
            return Ok(false);
        }
        self.put_raw(keys::queued_command(update_id), record);
        Ok(true)
    }

    /// Notes what an answer has sent so far. An announcement's journal lives
    /// in its poll's to-announce entry, so it goes when the entry does.
    pub fn set_journal(&mut self, key: JournalKey, journal: &Journal) -> Result<()> {
        match key {
            JournalKey::Command(update_id) => self.put(keys::journal(update_id), journal),
            JournalKey::Announce(poll) => {
                let entry = keys::to_announce(poll);
                if self.get_raw(&entry)?.is_some() {
                    self.put(entry, journal)?;
                }
                Ok(())
            }
        }
    }

    /// A command is answered: it leaves the queue, and its update id is
    /// remembered (until [`Changes::forget_answered_before`]).
    pub fn finish_command(&mut self, update_id: i64, at: DateTime<Utc>) {
        self.remove(keys::queued_command(update_id));
        self.remove(keys::journal(update_id));
        self.put_raw(
            keys::answered(update_id),
            at.timestamp().to_be_bytes().to_vec(),
        );
    }

    /// Forgets answered commands older than `before`: Telegram does not send
    /// an update again after that long.
    pub fn forget_answered_before(&mut self, before: DateTime<Utc>) -> Result<usize> {
        let mut old = Vec::new();
        for entry in self.tree.scan_prefix(keys::all_answered()) {
            let (key, value) = entry?;
            let at = value
                .as_ref()
                .try_into()
                .map(i64::from_be_bytes)
                .unwrap_or(i64::MIN);
            if at < before.timestamp() {
                old.push(key.to_vec());
            }
        }
        let forgotten = old.len();
        for key in old {
            self.remove(key);
        }
        Ok(forgotten)
    }

    /// What the message is: a poll, a comment, or nothing of ours.
    pub fn message_role(&self, chat: ChatId, message_id: i32) -> Result<Option<MessageRole>> {
        self.get(&keys::message(chat, message_id))
    }

    fn poll_of_message(&self, chat: ChatId, message_id: i32) -> Result<Option<PollId>> {
        Ok(self.message_role(chat, message_id)?.map(|role| match role {
            MessageRole::Poll(id) | MessageRole::Comment(id) => id,
        }))
    }

    /// The comment that message `message_id` of `chat` is, if it is one.
    fn comment_at(&self, chat: ChatId, message_id: i32) -> Result<Option<Comment>> {
        let Some(poll) = self.comment_poll(chat, message_id)? else {
            return Ok(None);
        };
        self.get(&keys::comment(poll, chat, message_id))
    }

    fn comment_poll(&self, chat: ChatId, message_id: i32) -> Result<Option<PollId>> {
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

    /// Builds the deadline and announcement indexes from the polls, once, for
    /// a database written before they existed.
    pub fn build_indexes_once(&mut self) -> Result<bool> {
        if self.get_raw(&keys::indexes_built())?.is_some() {
            return Ok(false);
        }
        let mut polls = Vec::new();
        for entry in self.tree.scan_prefix(keys::all_polls()) {
            let (_, value) = entry?;
            polls.push(serde_json::from_slice::<Poll>(&value)?);
        }
        for poll in polls {
            for key in pending_work_keys(&poll) {
                self.put_raw(key, Vec::new());
            }
        }
        self.put_raw(keys::indexes_built(), Vec::new());
        Ok(true)
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
        (true, Some(deadline)) => vec![keys::deadline(deadline.timestamp(), poll.id)],
        (true, None) => Vec::new(),
        (false, _) if !poll.results_announced => vec![keys::to_announce(poll.id)],
        (false, _) => Vec::new(),
    }
}
