//! What a poll remembers about its voters beyond their current answers: when
//! each first voted, who changed their mind, how many votes were withdrawn,
//! and how many distinct people approve its comments.
//!
//! These are the rules; the store only persists what they decide. Each
//! function is called once per delivered event (the store skips re-delivered
//! updates by id and applies a batch atomically), so the counters are exact.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Ballot;

/// One voter's history in one poll. It outlives a withdrawn ballot, so a
/// voter who withdraws and votes again keeps their first vote time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoterHistory {
    /// When this voter first gave a (non-empty) answer.
    #[serde(with = "chrono::serde::ts_seconds")]
    pub first_voted_at: DateTime<Utc>,
    /// Whether they ever replaced an answer with a different one.
    pub changed: bool,
    /// Their latest non-empty answer (option indexes), kept through a
    /// withdrawal so that voting differently afterwards is a change.
    pub last: Vec<u8>,
}

/// What one answer did to the poll's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct VoteFacts {
    /// The voter changed their answer for the first time: one more changer.
    pub new_changer: bool,
    /// The answer withdrew a current vote.
    pub withdrawal: bool,
    /// The answer did something: a vote, or a withdrawal of a standing one
    /// (its time counts as an answer's).
    pub counted: bool,
}

/// Follows one answer: `previous` is the voter's current ballot (if any),
/// `current` the answer that replaces it (empty: a withdrawal). Returns the
/// voter's history to keep and what the answer adds to the poll's counters.
///
/// - A first non-empty answer starts the history at its time.
/// - A non-empty answer that differs from the current non-empty one is a
///   change; a voter who changes twice is still one changer. Sending the
///   same answer again is not a change.
/// - An empty answer while a vote stands is a withdrawal; an empty answer
///   with nothing standing (already withdrawn) changes nothing.
/// - Voting again after a withdrawal is not a first vote; it is a change
///   when the answer differs from the one withdrawn.
/// - A voter without a history of their own gets one from their current
///   ballot: its first vote time (or, in a ballot from before those were
///   kept, its time). The store keeps no history for a voter who never
///   changed and still votes: their ballot tells it all.
pub fn follow_vote(
    history: Option<VoterHistory>,
    previous: Option<&Ballot>,
    current: &Ballot,
) -> (Option<VoterHistory>, VoteFacts) {
    let previous = previous.filter(|b| !b.is_withdrawal());
    let history = history.or_else(|| {
        previous.map(|b| VoterHistory {
            first_voted_at: b.first_voted_at.unwrap_or(b.voted_at),
            changed: false,
            last: b.options.clone(),
        })
    });
    let mut facts = VoteFacts {
        counted: true,
        ..VoteFacts::default()
    };
    if current.is_withdrawal() {
        facts.withdrawal = previous.is_some();
        facts.counted = facts.withdrawal;
        return (history, facts);
    }
    let Some(mut history) = history else {
        let first = VoterHistory {
            first_voted_at: current.voted_at,
            changed: false,
            last: current.options.clone(),
        };
        return (Some(first), facts);
    };
    if history.last != current.options {
        if !history.changed {
            history.changed = true;
            facts.new_changer = true;
        }
        history.last = current.options.clone();
    }
    (Some(history), facts)
}

/// How a user's number of approvals in one poll moving from `before` to
/// `after` changes the poll's count of distinct approvers: +1 for their first
/// approval, -1 when they withdraw their last one, else 0.
pub fn approvers_delta(before: u32, after: u32) -> i64 {
    match (before, after) {
        (0, a) if a > 0 => 1,
        (b, 0) if b > 0 => -1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::Person;
    use crate::poll::UserId;

    fn at(minute: i64) -> DateTime<Utc> {
        "2024-03-14T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::minutes(minute)
    }

    fn ballot(options: &[u32], minute: i64) -> Ballot {
        let voter = Person {
            id: UserId(1),
            name: "V".into(),
        };
        Ballot::new(voter, options, 4, true, at(minute)).unwrap()
    }

    /// Runs a voter's answers through the rules, keeping the ballot as the
    /// store does (a withdrawal forgets it); returns the final history and the
    /// counters summed.
    fn run(answers: &[(&[u32], i64)]) -> (Option<VoterHistory>, u32, u32) {
        let (mut history, mut current): (Option<VoterHistory>, Option<Ballot>) = (None, None);
        let (mut changers, mut withdrawals) = (0, 0);
        for &(options, minute) in answers {
            let b = ballot(options, minute);
            let (h, facts) = follow_vote(history, current.as_ref(), &b);
            history = h;
            changers += u32::from(facts.new_changer);
            withdrawals += u32::from(facts.withdrawal);
            current = (!b.is_withdrawal()).then_some(b);
        }
        (history, changers, withdrawals)
    }

    #[test]
    fn a_first_vote_starts_the_history_and_is_no_change() {
        let (history, changers, withdrawals) = run(&[(&[2], 5)]);
        assert_eq!(
            history,
            Some(VoterHistory {
                first_voted_at: at(5),
                changed: false,
                last: vec![2],
            })
        );
        assert_eq!((changers, withdrawals), (0, 0));
    }

    #[test]
    fn a_voter_who_changes_twice_is_one_changer() {
        let (history, changers, withdrawals) = run(&[(&[0], 1), (&[1], 2), (&[2], 3)]);
        assert_eq!(changers, 1);
        assert_eq!(withdrawals, 0);
        let history = history.unwrap();
        assert!(history.changed);
        assert_eq!(history.first_voted_at, at(1));
    }

    #[test]
    fn the_same_answer_again_is_not_a_change() {
        let (history, changers, _) = run(&[(&[1], 1), (&[1], 9)]);
        assert_eq!(changers, 0);
        assert!(!history.unwrap().changed);
        // Several answers: the same set in another order is the same answer.
        let (_, changers, _) = run(&[(&[1, 3], 1), (&[3, 1], 2)]);
        assert_eq!(changers, 0);
        let (_, changers, _) = run(&[(&[1, 3], 1), (&[1], 2)]);
        assert_eq!(changers, 1);
    }

    #[test]
    fn withdrawals_count_only_when_a_vote_stands() {
        // Withdraw, withdraw again (nothing standing), vote, withdraw.
        let (history, changers, withdrawals) =
            run(&[(&[0], 1), (&[], 2), (&[], 3), (&[0], 4), (&[], 5)]);
        assert_eq!(withdrawals, 2);
        assert_eq!(changers, 0);
        // The history survives the withdrawals with the first time.
        assert_eq!(history.unwrap().first_voted_at, at(1));
        // A withdrawal from someone who never voted is nothing.
        let (history, changers, withdrawals) = run(&[(&[], 1)]);
        assert_eq!((history, changers, withdrawals), (None, 0, 0));
        let (_, facts) = follow_vote(None, None, &ballot(&[], 1));
        assert_eq!(facts, VoteFacts::default());
        assert!(!facts.counted);
        let (_, facts) = follow_vote(None, Some(&ballot(&[1], 1)), &ballot(&[], 2));
        assert!(facts.counted && facts.withdrawal);
    }

    #[test]
    fn voting_differently_after_a_withdrawal_is_a_change() {
        let (history, changers, withdrawals) = run(&[(&[0], 1), (&[], 2), (&[3], 3)]);
        assert_eq!((changers, withdrawals), (1, 1));
        let history = history.unwrap();
        assert_eq!(history.first_voted_at, at(1));
        assert_eq!(history.last, vec![3]);
        // The same answer again after a withdrawal is no change.
        let (_, changers, withdrawals) = run(&[(&[0], 1), (&[], 2), (&[0], 3)]);
        assert_eq!((changers, withdrawals), (0, 1));
    }

    #[test]
    fn a_voter_from_an_older_database_gets_a_history_from_their_ballot() {
        let standing = ballot(&[1], 7);
        let (history, facts) = follow_vote(None, Some(&standing), &ballot(&[2], 20));
        let history = history.unwrap();
        assert_eq!(history.first_voted_at, at(7));
        assert!(history.changed && facts.new_changer);
        let (history, facts) = follow_vote(None, Some(&standing), &ballot(&[], 20));
        assert_eq!(history.unwrap().first_voted_at, at(7));
        assert!(facts.withdrawal && !facts.new_changer);
    }

    #[test]
    fn approvers_move_only_at_the_first_and_the_last_approval() {
        assert_eq!(approvers_delta(0, 1), 1);
        assert_eq!(approvers_delta(1, 2), 0);
        assert_eq!(approvers_delta(2, 1), 0);
        assert_eq!(approvers_delta(1, 0), -1);
        assert_eq!(approvers_delta(0, 0), 0);
    }
}
