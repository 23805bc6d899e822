//! Polls: created, closed, their messages, options added or deleted.

use chrono::{DateTime, Utc};

use super::{Changes, EarlyPollMessage, pending_work_keys};
use crate::poll::{
    Ballot, ChatId, MemberCount, MessageId, OptionLearnt, Poll, PollId, PollNumber, PollState,
    SeenOption, Tally, Turnout, TurnoutStage,
};
use crate::store::{MessageRole, Result, keys};

impl Changes<'_> {
    /// Keeps the chat's member count read at `stage` of poll `id`.
    pub fn record_member_count(
        &mut self,
        id: PollId,
        stage: TurnoutStage,
        count: MemberCount,
    ) -> Result<()> {
        let mut turnout: Turnout = self.get(&keys::turnout(id))?.unwrap_or_default();
        turnout.record(stage, count);
        self.put(keys::turnout(id), &turnout)
    }

    /// Stores a new poll under the chat's next number. `build` gets the id
    /// the poll will have.
    pub fn create_poll(
        &mut self,
        chat: ChatId,
        build: impl FnOnce(PollId) -> Poll,
    ) -> Result<Poll> {
        let number = self.reserve_poll_number(chat)?;
        self.create_numbered_poll(build(PollId { chat, number }))
    }

    /// Takes the chat's next poll number for a poll posted later.
    pub fn reserve_poll_number(&mut self, chat: ChatId) -> Result<PollNumber> {
        let mut record = self.chat(chat)?;
        record.last_poll += 1;
        self.put(keys::chat(chat), &record)?;
        Ok(PollNumber(record.last_poll))
    }

    /// Stores a poll under the number it was given (by
    /// [`Changes::reserve_poll_number`]).
    pub fn create_numbered_poll(&mut self, poll: Poll) -> Result<Poll> {
        let (id, chat) = (poll.id, poll.id.chat);
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

    /// Keeps a poll to post at `at` (Unix seconds) under its reserved id;
    /// `record` is the caller's (see `app::schedule`).
    pub fn put_scheduled(&mut self, id: PollId, at: i64, record: Vec<u8>) {
        self.put_raw(keys::scheduled(at, id), record);
    }

    /// Drops a scheduled poll, and the journal of its posting.
    pub fn remove_scheduled(&mut self, id: PollId, at: i64) {
        self.remove(keys::scheduled(at, id));
        self.remove(keys::scheduled_journal(id));
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
        message_id: MessageId,
        telegram_poll_id: &str,
        origin: ChatId,
        at: DateTime<Utc>,
    ) -> Result<Option<PollId>> {
        let Some(poll) = self.poll_by_telegram_id(telegram_poll_id)? else {
            let key = keys::early_poll_message(telegram_poll_id, chat, message_id);
            self.put(key, &EarlyPollMessage { origin, at })?;
            return Ok(None);
        };
        if !poll.takes_copy_from(origin) {
            return Ok(None);
        }
        self.put(keys::message(chat, message_id), &MessageRole::Poll(poll.id))?;
        Ok(Some(poll.id))
    }

    /// Notes that reminder `index` of poll `id` went out (or may have):
    /// its index entry, and its journal, go; it is never posted again.
    pub fn mark_reminder_sent(&mut self, id: PollId, index: u8) -> Result<()> {
        let Some(mut poll) = self.poll(id)? else {
            return Ok(());
        };
        if let Some(reminder) = poll.features.reminders.get_mut(usize::from(index)) {
            reminder.sent = true;
            self.save_poll(&poll)?;
        }
        Ok(())
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
            // A secret ballot's key goes at close: after it, no ballot can
            // be linked to anyone.
            self.remove(keys::ballot_secret(id));
        }
        Ok(Some(poll))
    }

    /// The poll that message `poll_message` of `chat` carries, if it is one
    /// of ours and (when Telegram names it) the poll `telegram_poll_id`.
    pub fn poll_named_in(
        &mut self,
        chat: ChatId,
        poll_message: MessageId,
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
        poll_message: MessageId,
        telegram_poll_id: Option<&str>,
        seen: &SeenOption,
    ) -> Result<Option<(PollId, OptionLearnt)>> {
        let Some(mut poll) = self.poll_named_in(chat, poll_message, telegram_poll_id)? else {
            return Ok(None);
        };
        if !poll.takes_added_options() {
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
        poll_message: MessageId,
        telegram_poll_id: Option<&str>,
        seen: &SeenOption,
    ) -> Result<Option<PollId>> {
        let Some(mut poll) = self.poll_named_in(chat, poll_message, telegram_poll_id)? else {
            return Ok(None);
        };
        if !poll.takes_added_options() {
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
    pub(super) fn recount(&mut self, poll: &Poll) -> Result<()> {
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

    /// Builds the deadline and announcement indexes from the polls, once, for
    /// a database written before they existed.
    pub fn build_indexes_once(&mut self) -> Result<bool> {
        if self.get_raw(&keys::indexes_built())?.is_some() {
            return Ok(false);
        }
        let mut polls = Vec::new();
        for entry in self.tree.scan_prefix(&keys::all_polls()) {
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
}
