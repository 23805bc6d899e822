//! Button ballots (`--ranked`, `--pick K`): what a press on one of the
//! bot's buttons does to a voter's ballot, and who the voter is in a
//! secret ballot.

use serde::{Deserialize, Serialize};
use siphasher::sip128::{Hasher128, SipHasher24};

use super::{BallotKind, Person, Poll, TapRefusal, UserId, tap_pick, tap_ranked};

/// A press on one of a button ballot's buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Press {
    /// An option's button, by the option's index.
    Option(u8),
    /// **Clear**: the voter starts over (their ballot is withdrawn).
    Clear,
}

/// What a press does to the ballot `current` (empty: none yet).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PressVerdict {
    /// The ballot becomes this (empty: withdrawn).
    Ballot(Vec<u8>),
    /// Nothing changes, for this reason.
    Refused(TapRefusal),
    /// The poll does not take button presses (a native poll).
    NotAButtonBallot,
}

/// Judges a press on `poll`'s buttons against the voter's current ballot.
/// The caller checks that the poll is open.
pub fn judge_press(poll: &Poll, current: &[u8], press: Press) -> PressVerdict {
    let options = poll.option_count();
    let option = match press {
        Press::Clear if poll.features.ballot.is_button_ballot() => {
            return PressVerdict::Ballot(Vec::new());
        }
        Press::Clear => return PressVerdict::NotAButtonBallot,
        Press::Option(option) => option,
    };
    let verdict = match poll.features.ballot {
        BallotKind::Native => return PressVerdict::NotAButtonBallot,
        BallotKind::Ranked => tap_ranked(current, option, options),
        BallotKind::PickUpTo(limit) => tap_pick(current, option, options, limit),
    };
    match verdict {
        Ok(ballot) => PressVerdict::Ballot(ballot),
        Err(why) => PressVerdict::Refused(why),
    }
}

/// The random key of a secret ballot: while the poll is open, a voter is
/// known by a keyed hash of their user id under it (so they can change
/// their ballot); it is deleted when the poll closes, after which no
/// ballot can be linked to anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotSecret(pub [u8; 16]);

impl BallotSecret {
    /// The voter as a secret ballot keeps them: no name, and an id that is
    /// a keyed hash of their user id (positive, never a real user's id by
    /// more than chance).
    pub fn voter(&self, user: UserId) -> Person {
        let (k0, k1) = self.0.split_at(8);
        let key = |half: &[u8]| u64::from_le_bytes(half.try_into().expect("8 bytes"));
        let mut hasher = SipHasher24::new_with_keys(key(k0), key(k1));
        std::hash::Hasher::write(&mut hasher, &user.0.to_le_bytes());
        let hash = hasher.finish128();
        Person {
            id: UserId((hash.h1 >> 1) as i64),
            name: String::new(),
        }
    }
}

/// Whether voters of this poll are kept as keyed hashes, not as people.
pub fn keeps_secret_ballots(poll: &Poll) -> bool {
    poll.anonymous && poll.features.ballot.is_button_ballot()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_voter_is_the_same_under_one_key_and_unlinkable_under_another() {
        let key = BallotSecret([7; 16]);
        let ada = key.voter(UserId(42));
        assert_eq!(ada, key.voter(UserId(42)));
        assert_eq!(ada.name, "");
        assert!(ada.id.0 > 0);
        assert_ne!(ada.id, UserId(42));
        assert_ne!(ada.id, key.voter(UserId(43)).id);
        assert_ne!(ada.id, BallotSecret([8; 16]).voter(UserId(42)).id);
    }
}
