//! Early records: votes, copies, counts and replies that come before their poll is stored.

use chrono::{DateTime, Utc};

use super::{
    Changes, Chosen, CommentOutcome, EarlyCounts, EarlyPollMessage, EarlyReply, EarlyVote, Reply,
};
use crate::poll::{Approval, ChatId, MessageId, early_record_is_stale};
use crate::store::{Purged, Result, keys};

impl Changes<'_> {
    /// Votes, counts, forwarded copies of the poll and replies to it can
    /// reach the bot before it has stored the poll it just posted; they
    /// wait under the poll's Telegram id and are taken into account now.
    pub(super) fn count_early_votes(&mut self, telegram_id: &str) -> Result<()> {
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
            .scan_prefix(&keys::early_poll_messages(telegram_id))
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

    /// Replies can reach the bot before it has stored the poll it just
    /// posted, like votes: a reply to a message carrying a poll not stored
    /// (`replied_poll`), or to such an early reply, waits under the poll's
    /// Telegram id. Anything else is not a comment.
    pub(super) fn keep_early_reply(
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
    pub(super) fn early_reply_poll(
        &self,
        chat: ChatId,
        message_id: MessageId,
    ) -> Result<Option<String>> {
        let value = self.get_raw(&keys::early_reply_poll(chat, message_id))?;
        Ok(value.map(|bytes| String::from_utf8_lossy(&bytes).into_owned()))
    }

    /// Whether message `message_id` of `chat` is a reply kept until its
    /// poll is stored.
    pub fn is_early_reply(&self, chat: ChatId, message_id: MessageId) -> Result<bool> {
        Ok(self.early_reply_poll(chat, message_id)?.is_some())
    }

    /// Changes the early reply `message_id` of `chat`, if it is one;
    /// `false` if it is not.
    pub(super) fn update_early_reply(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
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
    pub(super) fn attach_early_replies(&mut self, telegram_id: &str) -> Result<()> {
        let mut early = Vec::new();
        for entry in self.tree.scan_prefix(&keys::early_replies(telegram_id)) {
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
                self.set_approval(chat, message_id, user, Approval::Given)?;
            }
            if counted > 0 {
                self.set_counted_approvals(chat, message_id, counted)?;
            }
        }
        Ok(())
    }

    /// See [`Store::purge_stale_early`](super::Store::purge_stale_early).
    pub(in crate::store) fn purge_stale_early(&mut self, now: DateTime<Utc>) -> Result<Purged> {
        let mut purged = Purged::default();
        let mut doomed = Vec::new();
        for entry in self.tree.scan_prefix(&[keys::EARLY_VOTE]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyVote>(&value)
                .ok()
                .map(|v| v.at);
            if early_record_is_stale(at, now) {
                doomed.push(key.to_vec());
                purged.votes += 1;
            }
        }
        for entry in self.tree.scan_prefix(&[keys::EARLY_POLL_MESSAGE]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyPollMessage>(&value)
                .ok()
                .map(|c| c.at);
            if early_record_is_stale(at, now) {
                doomed.push(key.to_vec());
                purged.copies += 1;
            }
        }
        for entry in self.tree.scan_prefix(&[keys::EARLY_COUNTS]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyCounts>(&value)
                .ok()
                .map(|c| c.at);
            if early_record_is_stale(at, now) {
                doomed.push(key.to_vec());
                purged.counts += 1;
            }
        }
        for entry in self.tree.scan_prefix(&[keys::EARLY_REPLY]) {
            let (key, value) = entry?;
            let at = serde_json::from_slice::<EarlyReply>(&value)
                .ok()
                .map(|r| r.reply.at);
            if early_record_is_stale(at, now) {
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
}
