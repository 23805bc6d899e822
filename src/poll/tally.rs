//! Counting votes and turning counts into shares.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::VoteFacts;

/// A poll's counts: per option, and how many voters took part.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Tally {
    /// Votes per option, in poll order.
    pub counts: Vec<u64>,
    /// People with a current (non-empty) answer.
    pub voters: u64,
    /// Comments under the poll.
    pub comments: u64,
    /// Voters who changed their answer at least once (see
    /// [`follow_vote`](super::follow_vote)). Zero in tallies stored before
    /// it was kept.
    #[serde(default)]
    pub changers: u64,
    /// Votes withdrawn.
    #[serde(default)]
    pub withdrawals: u64,
    /// Distinct users who approve at least one of the poll's comments.
    #[serde(default)]
    pub approvers: u64,
    /// The earliest answer that counted (a vote, a change or a withdrawal).
    #[serde(default)]
    pub first_vote_at: Option<DateTime<Utc>>,
    /// The latest answer that counted.
    #[serde(default)]
    pub last_vote_at: Option<DateTime<Utc>>,
}

impl Tally {
    pub fn new(option_count: usize) -> Self {
        Self {
            counts: vec![0; option_count],
            voters: 0,
            comments: 0,
            changers: 0,
            withdrawals: 0,
            approvers: 0,
            first_vote_at: None,
            last_vote_at: None,
        }
    }

    /// Adds what one answer, given `at`, did to the counters of changes and
    /// withdrawals and to the first and last answer times. A withdrawal with
    /// no vote standing did nothing and is not counted.
    pub fn count_facts(&mut self, facts: VoteFacts, at: DateTime<Utc>) {
        self.changers += u64::from(facts.new_changer);
        self.withdrawals += u64::from(facts.withdrawal);
        if facts.counted {
            self.first_vote_at = Some(self.first_vote_at.map_or(at, |f| f.min(at)));
            self.last_vote_at = Some(self.last_vote_at.map_or(at, |l| l.max(at)));
        }
    }

    /// Moves the count of distinct approvers by `delta` (see
    /// [`approvers_delta`](super::approvers_delta)).
    pub fn count_approvers(&mut self, delta: i64) {
        self.approvers = self.approvers.saturating_add_signed(delta);
    }

    /// Moves one voter from their previous answer to the new one, each
    /// given as the options it counts for (see
    /// [`Poll::counted_part`](super::Poll::counted_part)); either side may
    /// be absent or empty (a first vote, a withdrawal, only deleted
    /// options). Options added since the tally was made get counts.
    pub fn replace(&mut self, previous: Option<&[u8]>, current: Option<&[u8]>) {
        if let Some(previous) = previous.filter(|p| !p.is_empty()) {
            self.voters -= 1;
            for &o in previous {
                self.counts[usize::from(o)] -= 1;
            }
        }
        if let Some(current) = current.filter(|c| !c.is_empty()) {
            self.voters += 1;
            for &o in current {
                let o = usize::from(o);
                if o >= self.counts.len() {
                    self.counts.resize(o + 1, 0);
                }
                self.counts[o] += 1;
            }
        }
    }

    /// Indexes of the options with the most votes; empty when nobody voted.
    pub fn leading(&self) -> Vec<usize> {
        let max = self.counts.iter().copied().max().unwrap_or(0);
        if max == 0 {
            return Vec::new();
        }
        (0..self.counts.len())
            .filter(|&i| self.counts[i] == max)
            .collect()
    }
}

/// A share in tenths of a percent: `Share(420)` is 42.0%.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Share(pub u32);

impl Share {
    /// The share in percent without its sign, `42.0`: the ends of a range
    /// that carries one sign (`39.6–44.4%`).
    pub fn number(self) -> String {
        format!("{}.{}", self.0 / 10, self.0 % 10)
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}%", self.number())
    }
}

/// Shares of all votes that add up to exactly 100.0% (largest remainder:
/// every share is rounded down, then the tenths left over go to the largest
/// remainders, ties to the earlier option). All zero when there are no votes.
pub fn shares_of_total(counts: &[u64]) -> Vec<Share> {
    let total: u128 = counts.iter().map(|&c| u128::from(c)).sum();
    if total == 0 {
        return vec![Share(0); counts.len()];
    }
    let mut shares: Vec<u32> = Vec::with_capacity(counts.len());
    let mut remainders: Vec<(u128, usize)> = Vec::with_capacity(counts.len());
    for (i, &c) in counts.iter().enumerate() {
        let scaled = u128::from(c) * 1000;
        shares.push((scaled / total) as u32);
        remainders.push((scaled % total, i));
    }
    let left = 1000 - shares.iter().sum::<u32>();
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders.iter().take(left as usize) {
        shares[i] += 1;
    }
    shares.into_iter().map(Share).collect()
}

/// Shares of voters for polls with several answers: each option's count over
/// the number of voters, rounded half up; they may add up to more than 100%.
pub fn shares_of_voters(counts: &[u64], voters: u64) -> Vec<Share> {
    counts
        .iter()
        .map(|&c| {
            if voters == 0 {
                return Share(0);
            }
            let tenths = (u128::from(c) * 2000 + u128::from(voters)) / (2 * u128::from(voters));
            Share(tenths as u32)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::UserId;
    use crate::poll::{Ballot, Person};
    use chrono::Utc;

    fn shares(counts: &[u64]) -> Vec<String> {
        shares_of_total(counts)
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    #[test]
    fn published_poll_shares_add_up() {
        // Rounding each share on its own gives 42.0 + 29.5 + 19.0 + 9.6 =
        // 100.1%; the largest remainders (.88, .82, .74 against .57) decide.
        assert_eq!(
            shares(&[672, 472, 304, 153]),
            ["42.0%", "29.5%", "19.0%", "9.5%"]
        );
    }

    #[test]
    fn thirds_add_up_to_exactly_one_hundred() {
        assert_eq!(shares(&[1, 1, 1]), ["33.4%", "33.3%", "33.3%"]);
        assert_eq!(shares(&[1, 2]), ["33.3%", "66.7%"]);
        assert_eq!(shares(&[2, 1]), ["66.7%", "33.3%"]);
        assert_eq!(shares(&[0, 0, 0]), ["0.0%", "0.0%", "0.0%"]);
        assert_eq!(shares(&[1, 0]), ["100.0%", "0.0%"]);
        for counts in [[1u64, 1, 1, 1, 1, 1, 1], [7, 13, 29, 1, 1, 1, 3]] {
            let total: u32 = shares_of_total(&counts).iter().map(|s| s.0).sum();
            assert_eq!(total, 1000);
        }
    }

    #[test]
    fn multiple_answer_shares_are_of_voters() {
        let s: Vec<String> = shares_of_voters(&[3, 2, 1], 3)
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(s, ["100.0%", "66.7%", "33.3%"]);
        assert_eq!(shares_of_voters(&[0, 0], 0), [Share(0), Share(0)]);
    }

    #[test]
    fn answer_times_and_facts_add_up() {
        let at = |m: i64| {
            "2024-03-14T09:00:00Z"
                .parse::<chrono::DateTime<Utc>>()
                .unwrap()
                + chrono::Duration::minutes(m)
        };
        let mut t = Tally::new(2);
        let vote = VoteFacts {
            counted: true,
            ..VoteFacts::default()
        };
        t.count_facts(vote, at(5));
        t.count_facts(
            VoteFacts {
                new_changer: true,
                ..vote
            },
            at(2),
        );
        t.count_facts(
            VoteFacts {
                withdrawal: true,
                ..vote
            },
            at(9),
        );
        // A withdrawal of nothing: no time, no count.
        t.count_facts(VoteFacts::default(), at(50));
        assert_eq!((t.changers, t.withdrawals), (1, 1));
        assert_eq!(
            (t.first_vote_at, t.last_vote_at),
            (Some(at(2)), Some(at(9)))
        );
        t.count_approvers(1);
        t.count_approvers(1);
        t.count_approvers(-1);
        assert_eq!(t.approvers, 1);
    }

    #[test]
    fn replacing_ballots_moves_counts() {
        let voter = Person {
            id: UserId(7),
            name: "V".into(),
        };
        let b = |o: &[u32]| Ballot::new(voter.clone(), o, 4, true, Utc::now()).unwrap();
        let part = |b: &Ballot| b.options.clone();
        let mut t = Tally::new(3);
        t.replace(None, Some(&part(&b(&[0]))));
        t.replace(Some(&part(&b(&[0]))), Some(&part(&b(&[1, 2]))));
        assert_eq!((t.counts.clone(), t.voters), (vec![0, 1, 1], 1));
        t.replace(Some(&part(&b(&[1, 2]))), Some(&part(&b(&[]))));
        assert_eq!((t.counts.clone(), t.voters), (vec![0, 0, 0], 0));
        assert!(t.leading().is_empty());
        t.replace(None, Some(&part(&b(&[2]))));
        assert_eq!(t.leading(), vec![2]);
        // An option added after the tally was made.
        t.replace(None, Some(&part(&b(&[3]))));
        assert_eq!((t.counts.clone(), t.voters), (vec![0, 0, 1, 1], 2));
    }
}
