//! The distinct rankings laid end to end in one buffer, read once from
//! [`Rankings`]: the counts then walk contiguous memory instead of a tree of
//! separately allocated keys, and [`RankedResults::count`] reads the tree
//! only once for all of them.
//!
//! [`RankedResults::count`]: super::RankedResults::count

use super::Rankings;

/// The valid rankings of a [`Rankings`] and their ballots, numbered from 0.
pub(super) struct Flat {
    pub(super) option_count: usize,
    /// Every ranking's options, one ranking after another.
    options: Vec<u8>,
    /// Where each ranking starts in `options`, and at the end its length.
    starts: Vec<usize>,
    /// Per ranking, the ballots that hold it.
    ballots: Vec<u64>,
}

impl Flat {
    pub(super) fn new(rankings: &Rankings) -> Self {
        let mut options = Vec::new();
        let mut starts = vec![0];
        let mut ballots = Vec::new();
        for (ranking, count) in rankings.entries() {
            options.extend_from_slice(ranking);
            starts.push(options.len());
            ballots.push(count);
        }
        Self {
            option_count: rankings.option_count,
            options,
            starts,
            ballots,
        }
    }

    /// How many distinct rankings.
    pub(super) fn len(&self) -> usize {
        self.ballots.len()
    }

    /// Ranking `id` and the ballots that hold it.
    pub(super) fn get(&self, id: usize) -> (&[u8], u64) {
        let ranking = &self.options[self.starts[id]..self.starts[id + 1]];
        (ranking, self.ballots[id])
    }

    /// Every ranking and the ballots that hold it.
    pub(super) fn iter(&self) -> impl Iterator<Item = (&[u8], u64)> {
        (0..self.len()).map(|id| self.get(id))
    }

    /// All ballots.
    pub(super) fn ballots(&self) -> u64 {
        self.ballots.iter().sum()
    }
}
