//! Presses on a button ballot's buttons (`--ranked`, `--pick K`): the
//! voter's ballot, the tally and a ranked poll's rankings change together.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Changes, MessageRole};
use crate::poll::{
    Ballot, BallotKind, BallotSecret, ChatId, MessageId, Person, Poll, PollId, Press, PressVerdict,
    Rankings, TapRefusal, judge_press, keeps_secret_ballots,
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

/// A ranked poll's rankings as stored: `Rankings` has a map keyed by
/// rankings, which JSON cannot key by, so it is kept as pairs.
#[derive(Serialize, Deserialize)]
struct StoredRankings {
    options: usize,
    rankings: Vec<(Vec<u8>, u64)>,
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
            let rankings = self.rankings(&poll)?;
            if let Some(previous) = &previous {
                rankings.remove(&previous.options);
            }
            if !options.is_empty() {
                rankings.add(&options);
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

    /// A ranked poll's rankings, to change; written when the batch is
    /// applied.
    pub(super) fn rankings(&mut self, poll: &Poll) -> Result<&mut Rankings> {
        if !self.rankings.contains_key(&poll.id) {
            let rankings = read_rankings(self.get(&keys::rankings(poll.id))?, poll);
            self.rankings.insert(poll.id, rankings);
        }
        Ok(self.rankings.get_mut(&poll.id).expect("just inserted"))
    }

    pub(super) fn write_rankings(&mut self) -> Result<()> {
        for (id, rankings) in std::mem::take(&mut self.rankings) {
            let stored = StoredRankings {
                options: rankings.option_count,
                rankings: rankings.counts.into_iter().collect(),
            };
            self.put(keys::rankings(id), &stored)?;
        }
        Ok(())
    }
}

fn read_rankings(stored: Option<StoredRankings>, poll: &Poll) -> Rankings {
    match stored {
        Some(stored) => {
            let mut rankings = Rankings::new(stored.options);
            rankings.counts = stored.rankings.into_iter().collect();
            rankings
        }
        None => Rankings::new(poll.option_count()),
    }
}

/// A stored ranked poll's rankings (see [`Changes::record_press`]).
pub(crate) fn decode_rankings(bytes: &[u8], poll: &Poll) -> Result<Rankings> {
    let stored: StoredRankings = serde_json::from_slice(bytes)?;
    Ok(read_rankings(Some(stored), poll))
}
