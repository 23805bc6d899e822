//! The demo's random source: a small deterministic generator, so every
//! demo run is the same, and the draws made with it.

use super::data::{DAY_WEIGHTS, HOUR_WEIGHTS, WINDOW_MINUTES};

/// A xorshift generator from a fixed seed.
pub(super) struct Random(pub(super) u64);

impl Random {
    pub(super) fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number in `0..n`.
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// Picks an index with probability proportional to its weight.
    pub(super) fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut pick = self.next() % total;
        for (i, &w) in weights.iter().enumerate() {
            if pick < w {
                return i;
            }
            pick -= w;
        }
        weights.len() - 1
    }

    /// When a demo voter votes, in minutes after the poll's start: at least
    /// an hour after it opens (so an earlier, changed vote still falls
    /// inside) and an hour before it closes.
    pub(super) fn vote_minute(&mut self) -> i64 {
        loop {
            let day = self.weighted(&DAY_WEIGHTS) as i64;
            let hour = self.weighted(&HOUR_WEIGHTS) as i64;
            let minute = day * 24 * 60 + hour * 60 + self.below(60) as i64 - 9 * 60;
            if (60..WINDOW_MINUTES - 60).contains(&minute) {
                return minute;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_draws_the_same() {
        let (mut a, mut b) = (Random(7), Random(7));
        for _ in 0..100 {
            assert_eq!(a.vote_minute(), b.vote_minute());
        }
    }

    #[test]
    fn votes_fall_inside_the_window() {
        let mut random = Random(0x5eed);
        for _ in 0..1000 {
            assert!((60..WINDOW_MINUTES - 60).contains(&random.vote_minute()));
        }
    }
}
