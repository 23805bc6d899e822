//! Votes and the counts Telegram reports.

use chrono::{DateTime, Utc};

use super::{Changes, Chosen, EarlyCounts, EarlyVote, VoteOutcome};
use crate::poll::{
    Ballot, Person, Poll, PollId, SeenOption, VoteVerdict, VoterHistory, follow_vote, judge_vote,
};
use crate::store::{Result, keys};

impl Changes<'_> {
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
        let indexes = match judge_vote(&mut poll, chosen.positions, chosen.persistent_ids) {
            VoteVerdict::Count { indexes, learnt } => {
                if learnt {
                    self.save_poll(&poll)?;
                }
                indexes
            }
            VoteVerdict::Anonymous => return Ok(VoteOutcome::NotAccepted(id)),
            VoteVerdict::AfterClose => return Ok(VoteOutcome::AfterClose(id)),
            VoteVerdict::Invalid => return Ok(VoteOutcome::Invalid(id)),
        };
        let user = voter.id;
        let Some(ballot) = Ballot::new(voter, &indexes, poll.option_count(), poll.multiple, at)
        else {
            return Ok(VoteOutcome::Invalid(id));
        };
        let previous: Option<Ballot> = self.get(&keys::ballot(id, user))?;
        self.store_ballot(&poll, previous, ballot, at)?;
        Ok(VoteOutcome::Recorded(id))
    }

    /// Stores a voter's new ballot over `previous` (their stored one, if
    /// any): the ballot, their history and the tally change together; an
    /// empty ballot withdraws.
    pub(super) fn store_ballot(
        &mut self,
        poll: &Poll,
        previous: Option<Ballot>,
        mut ballot: Ballot,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let (id, user) = (poll.id, ballot.voter.id);
        let ballot_key = keys::ballot(id, user);
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
        let tally = self.tally(poll)?;
        tally.replace(before.as_deref(), Some(&after));
        tally.count_facts(facts, at);
        if ballot.is_withdrawal() {
            self.remove(ballot_key);
        } else {
            self.put(ballot_key, &ballot)?;
        }
        Ok(())
    }

    /// Learns options Telegram shows in a poll update: those added after
    /// the poll was posted, and the texts and authors of options learnt
    /// unnamed from votes. An option missing from the update is not taken
    /// as deleted: only Telegram's message that it was deleted says so.
    pub(super) fn learn_options(&mut self, poll: &mut Poll, options: &[SeenOption]) -> Result<()> {
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
}
