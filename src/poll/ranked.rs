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

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
