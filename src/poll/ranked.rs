//! Counting ranked ballots: instant runoff, Borda and head to head.
//!
//! A ranked ballot is a list of option indexes in order of preference (the
//! first is the voter's first choice); it may rank some or all options and
//! never names one twice. The rules are SPEC.md's, word for word:
//!
//! - *Instant runoff.* Each round counts every ballot for its highest-ranked
//!   option still in the count; a ballot with none left is exhausted and not
//!   counted. An option with more than half of the counted ballots, or the
//!   last one left, wins. Otherwise the option with the fewest votes is
//!   eliminated; a tie for fewest is broken by the previous round's counts
//!   (fewer goes), going back round by round, and if still tied the option
//!   listed later in the poll goes.
//! - *Borda.* With n options, an option ranked r-th (from 1) on a ballot
//!   scores n − r; unranked 0.
//! - *Head to head.* A beats B when more ballots rank A above B (a ranked
//!   option is above every unranked one). The Condorcet winner beats every
//!   other option; there may be none.
//!
//! Ballots come as distinct rankings with how many ballots hold each
//! ([`Rankings`]), so a million ballots that rank in a few thousand ways are
//! counted in a few thousand steps.

mod flat;
mod pairwise;
mod runoff;
mod tap;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use flat::Flat;
pub use pairwise::{borda, head_to_head};
pub use runoff::instant_runoff;
pub use tap::{TapRefusal, tap_pick, tap_ranked};

/// The most options a ranked or pick-K poll may have.
pub const MAX_RANKED_OPTIONS: usize = 20;

/// Every distinct ranking cast and how many ballots hold it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rankings {
    pub option_count: usize,
    /// Ranking (option indexes, first preference first) → ballots.
    pub counts: BTreeMap<Vec<u8>, u64>,
}

/// One round of an instant runoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// Ballots counted for each option this round, in poll order; `None`
    /// for an option eliminated in an earlier round.
    pub counts: Vec<Option<u64>>,
    /// Ballots with no option left in the count.
    pub exhausted: u64,
    /// The option eliminated at the end of this round (`None` in the last
    /// round, which has a winner, or when there were no ballots).
    pub eliminated: Option<u8>,
}

impl Round {
    /// Ballots counted this round (not exhausted).
    pub fn counted(&self) -> u64 {
        self.counts.iter().flatten().sum()
    }
}

/// The whole instant runoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Runoff {
    pub rounds: Vec<Round>,
    /// `None` when no ballot ranks anything.
    pub winner: Option<u8>,
}

/// Each pair's head-to-head counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeadToHead {
    /// `above[a][b]`: ballots that rank option `a` above option `b`.
    pub above: Vec<Vec<u64>>,
}

/// Everything a ranked poll's results show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RankedResults {
    pub ballots: u64,
    pub runoff: Runoff,
    /// Borda score per option, in poll order.
    pub borda: Vec<u64>,
    pub head_to_head: HeadToHead,
    pub condorcet_winner: Option<u8>,
}

/// Whether `ranking` is a ballot the counts accept: it ranks at least one
/// option, every index is below `option_count`, and no option comes twice.
pub fn is_valid_ranking(ranking: &[u8], option_count: usize) -> bool {
    let mut seen = [0u64; 4];
    !ranking.is_empty()
        && ranking.iter().all(|&option| {
            let (word, bit) = (usize::from(option / 64), 1u64 << (option % 64));
            let fresh = usize::from(option) < option_count && seen[word] & bit == 0;
            seen[word] |= bit;
            fresh
        })
}

impl Rankings {
    /// No ballots yet, for a poll of `option_count` options.
    pub fn new(option_count: usize) -> Self {
        Self {
            option_count,
            counts: BTreeMap::new(),
        }
    }

    /// Counts one more ballot holding `ranking`. A ranking that is not
    /// valid ([`is_valid_ranking`]) is ignored: an empty ballot is a
    /// withdrawal, not a vote.
    pub fn add(&mut self, ranking: &[u8]) {
        self.add_ballots(ranking, 1);
    }

    /// Counts `ballots` more ballots holding `ranking` (ignored, like
    /// [`Rankings::add`], when the ranking is not valid or `ballots` is 0).
    pub fn add_ballots(&mut self, ranking: &[u8], ballots: u64) {
        if ballots == 0 || !is_valid_ranking(ranking, self.option_count) {
            return;
        }
        match self.counts.get_mut(ranking) {
            Some(count) => *count += ballots,
            None => {
                self.counts.insert(ranking.to_vec(), ballots);
            }
        }
    }

    /// Takes back one ballot holding `ranking` (a voter who changed or
    /// cleared it); the entry goes when no ballot holds it any more. A
    /// ranking nobody holds is left alone.
    pub fn remove(&mut self, ranking: &[u8]) {
        if let Some(count) = self.counts.get_mut(ranking) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                self.counts.remove(ranking);
            }
        }
    }

    /// How many ballots are counted.
    pub fn ballots(&self) -> u64 {
        self.entries().map(|(_, ballots)| ballots).sum()
    }

    /// The distinct rankings the counts use, with their ballots: entries
    /// that are not valid rankings (only possible by filling `counts` by
    /// hand) or hold no ballot are left out of every count.
    fn entries(&self) -> impl Iterator<Item = (&[u8], u64)> {
        self.counts
            .iter()
            .filter(|(ranking, ballots)| {
                **ballots > 0 && is_valid_ranking(ranking, self.option_count)
            })
            .map(|(ranking, ballots)| (ranking.as_slice(), *ballots))
    }
}

impl RankedResults {
    /// Counts `rankings` every way the results show.
    pub fn count(rankings: &Rankings) -> Self {
        let flat = Flat::new(rankings);
        let head_to_head = pairwise::head_to_head_of(&flat);
        Self {
            ballots: flat.ballots(),
            runoff: runoff::instant_runoff_of(&flat),
            borda: pairwise::borda_of(&flat),
            condorcet_winner: head_to_head.condorcet_winner(),
            head_to_head,
        }
    }
}
