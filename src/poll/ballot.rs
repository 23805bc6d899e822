//! Ballots: who chose what.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::UserId;

/// Someone who votes, comments or approves, as far as we know them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    /// A name to show: first and last name, or the username.
    pub name: String,
}

/// A voter's current answer to a poll. An empty `options` list means the
/// voter withdrew; the store then forgets the ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ballot {
    pub voter: Person,
    /// Indexes into the poll's options, ascending and distinct.
    pub options: Vec<u8>,
    /// Kept as Unix seconds: a million ballots read back for an export
    /// parse integers, not dates.
    #[serde(with = "chrono::serde::ts_seconds")]
    pub voted_at: DateTime<Utc>,
    /// When the voter first answered this poll (before any change or
    /// withdrawal), as their [`VoterHistory`](super::VoterHistory) says; a
    /// copy here so that the report's timeline reads ballots only. `None`
    /// in ballots stored before it was kept.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "chrono::serde::ts_seconds_option"
    )]
    pub first_voted_at: Option<DateTime<Utc>>,
}

impl Ballot {
    /// Builds a ballot from the option indexes Telegram reported. Returns
    /// `None` when an index does not exist in a poll of `option_count`
    /// options, or when a one-answer poll got several: such an answer cannot
    /// be a real vote and must not touch the tally.
    pub fn new(
        voter: Person,
        option_ids: &[u32],
        option_count: usize,
        multiple: bool,
        voted_at: DateTime<Utc>,
    ) -> Option<Self> {
        let mut options = Vec::with_capacity(option_ids.len());
        for &id in option_ids {
            let index = usize::try_from(id).ok().filter(|i| *i < option_count)?;
            options.push(index as u8);
        }
        options.sort_unstable();
        options.dedup();
        if !multiple && options.len() > 1 {
            return None;
        }
        Some(Self {
            voter,
            options,
            voted_at,
            first_voted_at: None,
        })
    }

    pub fn is_withdrawal(&self) -> bool {
        self.options.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Person {
        Person {
            id: UserId(1),
            name: "Alice".into(),
        }
    }

    #[test]
    fn out_of_range_and_overfull_answers_are_not_ballots() {
        let now = Utc::now();
        assert!(Ballot::new(alice(), &[4], 4, false, now).is_none());
        assert!(Ballot::new(alice(), &[0, 1], 4, false, now).is_none());
        let b = Ballot::new(alice(), &[3, 1, 3], 4, true, now).unwrap();
        assert_eq!(b.options, vec![1, 3]);
        assert!(
            Ballot::new(alice(), &[], 4, false, now)
                .unwrap()
                .is_withdrawal()
        );
    }
}
