//! Presses on a button ballot's buttons (`--ranked`, `--pick K`): the
//! voter's ballot, the tally and a ranked poll's rankings change together.

use chrono::{DateTime, Utc};

use super::{Changes, MessageRole};
use crate::poll::{
    Ballot, BallotKind, BallotSecret, ChatId, MessageId, Person, PollId, Press, PressVerdict,
    TapRefusal, judge_press, keeps_secret_ballots,
};
use crate::store::{Result, keys};

/// What became of a press.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PressOutcome {
    /// The voter's ballot is now this (empty: cleared), first preference
    /// first in a ranked poll.
    Recorded { poll: PollId, ballot: Vec<u8> },
    /// The press changes nothing, for this reason.
    Refused { poll: PollId, why: TapRefusal },
    /// The poll is closed: its results are final.
    Closed(PollId),
    /// Not a button of an open ballot of ours: an unknown message, a
    /// native poll, or data the bot never sent (forged or garbled).
    NotABallot,
}

impl Changes<'_> {
    /// Records a press on the buttons under message `message_id` of
    /// `chat` by `voter`; `press` is `None` when its data names no button
    /// the bot sends.
    pub fn record_press(
        &mut self,
        chat: ChatId,
        message_id: MessageId,
        voter: Person,
        press: Option<Press>,
        at: DateTime<Utc>,
    ) -> Result<PressOutcome> {
        let Some(MessageRole::Poll(id)) = self.message_role(chat, message_id)? else {
            return Ok(PressOutcome::NotABallot);
        };
        let Some(poll) = self.poll(id)? else {
            return Ok(PressOutcome::NotABallot);
        };
        // Only the poll's own message carries its buttons.
        let (Some(press), true) = (press, poll.message_id == message_id) else {
            return Ok(PressOutcome::NotABallot);
        };
        if !poll.features.ballot.is_button_ballot() {
            return Ok(PressOutcome::NotABallot);
        }
        if !poll.is_open() {
            return Ok(PressOutcome::Closed(id));
        }
        let voter = if keeps_secret_ballots(&poll) {
            // Without its key (gone only at close) nobody can vote.
            let secret: Option<BallotSecret> = self.get(&keys::ballot_secret(id))?;
            let Some(secret) = secret else {
                return Ok(PressOutcome::NotABallot);
            };
            secret.voter(voter.id)
        } else {
            voter
        };
        let ballot_key = keys::ballot(id, voter.id);
        let previous: Option<Ballot> = self.get(&ballot_key)?;
        let current = previous.as_ref().map_or(&[][..], |b| &b.options[..]);
        let options = match judge_press(&poll, current, press) {
            PressVerdict::Ballot(options) => options,
            PressVerdict::Refused(why) => return Ok(PressOutcome::Refused { poll: id, why }),
            PressVerdict::NotAButtonBallot => return Ok(PressOutcome::NotABallot),
        };
        if previous.is_none() && options.is_empty() {
            // Clear with nothing to clear.
            return Ok(PressOutcome::Recorded {
                poll: id,
                ballot: options,
            });
        }
        let ballot = Ballot {
            voter,
            options: options.clone(),
            voted_at: at,
            first_voted_at: None,
        };
        if poll.features.ballot == BallotKind::Ranked {
            let changed = self.rankings.entry(id).or_default();
            if let Some(previous) = &previous {
                *changed.entry(previous.options.clone()).or_default() -= 1;
            }
            if !options.is_empty() {
                *changed.entry(options.clone()).or_default() += 1;
            }
        }
        self.store_ballot(&poll, previous, ballot, at)?;
        Ok(PressOutcome::Recorded {
            poll: id,
            ballot: options,
        })
    }

    /// Keeps the key a secret ballot's voters are hashed under (made
    /// with the poll; see [`keeps_secret_ballots`]).
    pub fn set_ballot_secret(&mut self, poll: PollId, secret: BallotSecret) -> Result<()> {
        self.put(keys::ballot_secret(poll), &secret)
    }

    /// Applies the batch's changes to ranked polls' rankings: each
    /// distinct ranking is a key of its own holding its ballots, so a
    /// press rewrites two small keys however many rankings a poll has.
    pub(super) fn write_rankings(&mut self) -> Result<super::RankingChanges> {
        let all = std::mem::take(&mut self.rankings);
        for (&id, changed) in &all {
            for (ranking, &change) in changed {
                if change == 0 {
                    continue;
                }
                let key = keys::one_ranking(id, ranking);
                let held = self.get_raw(&key)?.map_or(0, |bytes| decode_count(&bytes));
                match held.checked_add_signed(change) {
                    Some(0) | None => self.remove(key),
                    Some(count) => self.put_raw(key, count.to_be_bytes().to_vec()),
                }
            }
        }
        Ok(all)
    }
}

/// A stored ranking's ballots (see [`Changes::write_rankings`]).
pub(crate) fn decode_count(bytes: &[u8]) -> u64 {
    bytes.try_into().map_or(0, u64::from_be_bytes)
}
