//! Borda scores and head-to-head counts.

use super::{Flat, HeadToHead, Rankings};

/// Each option's Borda score, in poll order: with n options, an option
/// ranked r-th (from 1) on a ballot scores n − r; an unranked option 0.
pub fn borda(rankings: &Rankings) -> Vec<u64> {
    borda_of(&Flat::new(rankings))
}

pub(super) fn borda_of(rankings: &Flat) -> Vec<u64> {
    let n = rankings.option_count;
    let mut scores = vec![0; n];
    for (ranking, ballots) in rankings.iter() {
        for (at, &option) in ranking.iter().enumerate() {
            // A valid ranking is no longer than n, so n − r ≥ 0.
            scores[usize::from(option)] += ballots * (n - 1 - at) as u64;
        }
    }
    scores
}

/// How many ballots rank each option above each other one; a ranked option
/// is above every unranked one, and two unranked options are not compared.
pub fn head_to_head(rankings: &Rankings) -> HeadToHead {
    head_to_head_of(&Flat::new(rankings))
}

pub(super) fn head_to_head_of(rankings: &Flat) -> HeadToHead {
    let n = rankings.option_count;
    // ranked[a]: ballots that rank a at all; before[b * n + a]: ballots
    // that rank b before a. Then a is above b on ranked[a] − before[b][a]
    // ballots: those that rank a, less those that rank b before it.
    let mut ranked = vec![0u64; n];
    let mut before = vec![0u64; n * n];
    for (ranking, ballots) in rankings.iter() {
        for (at, &first) in ranking.iter().enumerate() {
            let first = usize::from(first);
            ranked[first] += ballots;
            for &later in &ranking[at + 1..] {
                before[first * n + usize::from(later)] += ballots;
            }
        }
    }
    let above = (0..n)
        .map(|a| {
            (0..n)
                .map(|b| {
                    if a == b {
                        0
                    } else {
                        ranked[a] - before[b * n + a]
                    }
                })
                .collect()
        })
        .collect();
    HeadToHead { above }
}

impl HeadToHead {
    /// Whether option `a` beats option `b`: more ballots rank `a` above `b`
    /// than `b` above `a`. False for an option out of range.
    pub fn beats(&self, a: u8, b: u8) -> bool {
        let count = |x: u8, y: u8| {
            self.above
                .get(usize::from(x))
                .and_then(|row| row.get(usize::from(y)))
                .copied()
        };
        matches!((count(a, b), count(b, a)), (Some(ab), Some(ba)) if ab > ba)
    }

    /// The option that beats every other option, if there is one (at most
    /// one can). A poll of a single option has it as Condorcet winner.
    pub fn condorcet_winner(&self) -> Option<u8> {
        let n = u8::try_from(self.above.len()).expect("options are indexed by u8");
        (0..n).find(|&a| (0..n).all(|b| a == b || self.beats(a, b)))
    }
}
