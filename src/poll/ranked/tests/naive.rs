//! The counts against a straightforward count of individual ballots: each
//! round rescans every ballot, Borda and head to head look up positions.

use std::cmp::Reverse;
use std::time::Instant;

use super::super::*;
use super::{A, B, C, D};

/// First preferences per option.
fn plurality(ballots: &[Vec<u8>], n: usize) -> Vec<u64> {
    let mut firsts = vec![0; n];
    for ballot in ballots {
        firsts[usize::from(ballot[0])] += 1;
    }
    firsts
}

fn naive_borda(ballots: &[Vec<u8>], n: usize) -> Vec<u64> {
    (0..n)
        .map(|option| {
            let scores = ballots.iter().map(|ballot| {
                let rank = ballot.iter().position(|&o| usize::from(o) == option);
                rank.map_or(0, |at| (n - (at + 1)) as u64)
            });
            scores.sum()
        })
        .collect()
}

/// Ballots that rank `a` above `b` (ranked above unranked).
fn above(ballots: &[Vec<u8>], a: usize, b: usize) -> u64 {
    let rank = |ballot: &Vec<u8>, x: usize| ballot.iter().position(|&o| usize::from(o) == x);
    let above = |ballot: &&Vec<u8>| match (rank(ballot, a), rank(ballot, b)) {
        (Some(ra), Some(rb)) => ra < rb,
        (Some(_), None) => true,
        _ => false,
    };
    ballots.iter().filter(above).count() as u64
}

fn naive_head_to_head(ballots: &[Vec<u8>], n: usize) -> Vec<Vec<u64>> {
    let pair = |a, b| if a == b { 0 } else { above(ballots, a, b) };
    (0..n)
        .map(|a| (0..n).map(|b| pair(a, b)).collect())
        .collect()
}

fn naive_condorcet(ballots: &[Vec<u8>], n: usize) -> Option<u8> {
    let beats = |a, b| above(ballots, a, b) > above(ballots, b, a);
    (0..n)
        .find(|&a| (0..n).all(|b| a == b || beats(a, b)))
        .map(|a| a as u8)
}

/// The runoff, rescanning every ballot each round; the loser is the least
/// of (this round's votes, the previous round's, …, round 1's, listed
/// later first).
fn naive_runoff(ballots: &[Vec<u8>], n: usize) -> (Vec<Round>, Option<u8>) {
    let mut active = vec![true; n];
    let mut history: Vec<Vec<u64>> = Vec::new();
    let mut rounds = Vec::new();
    loop {
        let mut votes = vec![0u64; n];
        let mut exhausted = 0;
        for ballot in ballots {
            match ballot.iter().find(|&&o| active[usize::from(o)]) {
                Some(&o) => votes[usize::from(o)] += 1,
                None => exhausted += 1,
            }
        }
        let counted: u64 = votes.iter().sum();
        let left: Vec<usize> = (0..n).filter(|&o| active[o]).collect();
        let counts = (0..n).map(|o| active[o].then_some(votes[o])).collect();
        rounds.push(Round {
            counts,
            exhausted,
            eliminated: None,
        });
        history.push(votes.clone());
        if counted == 0 {
            return (rounds, None);
        }
        let majority = left.iter().find(|&&o| 2 * votes[o] > counted);
        if left.len() == 1 || majority.is_some() {
            let winner = if left.len() == 1 {
                left[0]
            } else {
                *majority.unwrap()
            };
            return (rounds, Some(winner as u8));
        }
        let key = |o: &&usize| {
            let o = **o;
            let past: Vec<u64> = history.iter().rev().map(|votes| votes[o]).collect();
            (past, Reverse(o))
        };
        let loser = *left.iter().min_by_key(key).unwrap();
        rounds.last_mut().unwrap().eliminated = Some(loser as u8);
        active[loser] = false;
    }
}

/// The library's counts equal the naive ones.
fn assert_counts_match(ballots: &[Vec<u8>], rankings: &Rankings) {
    let n = rankings.option_count;
    let runoff = instant_runoff(rankings);
    let (rounds, winner) = naive_runoff(ballots, n);
    assert_eq!(runoff.rounds, rounds, "ballots {ballots:?}");
    assert_eq!(runoff.winner, winner, "ballots {ballots:?}");
    assert_eq!(borda(rankings), naive_borda(ballots, n));
    let pairs = head_to_head(rankings);
    assert_eq!(pairs.above, naive_head_to_head(ballots, n));
    assert_eq!(pairs.condorcet_winner(), naive_condorcet(ballots, n));
    assert_eq!(rankings.ballots(), ballots.len() as u64);
}

fn winner(scores: &[u64]) -> u8 {
    let best = scores.iter().max().unwrap();
    let winners: Vec<usize> = (0..scores.len()).filter(|&o| scores[o] == *best).collect();
    assert_eq!(winners.len(), 1, "one clear winner in {scores:?}");
    winners[0] as u8
}

#[test]
fn an_election_whose_runoff_winner_is_neither_the_plurality_nor_the_borda_winner() {
    let groups: &[(usize, &[u8])] = &[
        (120, &[A, C, B]),
        (95, &[B, C, A]),
        (85, &[C, B, A]),
        (20, &[D, B]),
        (10, &[D]),
        (5, &[B]),
    ];
    let ballots: Vec<Vec<u8>> = groups
        .iter()
        .flat_map(|&(count, ranking)| std::iter::repeat_n(ranking.to_vec(), count))
        .collect();
    assert_eq!(ballots.len(), 335);
    let mut rankings = Rankings::new(4);
    for ballot in &ballots {
        rankings.add(ballot);
    }

    let firsts = plurality(&ballots, 4);
    assert_eq!(firsts, [120, 100, 85, 30]);
    assert_eq!(winner(&firsts), A);
    let scores = naive_borda(&ballots, 4);
    assert_eq!(scores, [540, 630, 685, 90]);
    assert_eq!(winner(&scores), C);
    let (rounds, runoff_winner) = naive_runoff(&ballots, 4);
    let s = Some;
    assert_eq!(
        rounds,
        [
            super::round(&[s(120), s(100), s(85), s(30)], 0, Some(D)),
            super::round(&[s(120), s(120), s(85), None], 10, Some(C)),
            super::round(&[s(120), s(205), None, None], 10, None),
        ]
    );
    assert_eq!(runoff_winner, Some(B));

    assert_counts_match(&ballots, &rankings);
    let results = RankedResults::count(&rankings);
    assert_eq!(results.runoff.winner, Some(B));
    assert_eq!(results.borda, scores);
    assert_eq!(results.condorcet_winner, Some(C));
}

/// A linear congruential generator: the same elections on every run.
struct Lcg(u64);

impl Lcg {
    /// A number in `0..bound`.
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % bound as u64) as usize
    }

    /// A random ranking of `len` of `n` options.
    fn ranking(&mut self, n: usize, len: usize) -> Vec<u8> {
        let mut options: Vec<u8> = (0..n as u8).collect();
        for at in 0..len {
            let pick = at + self.below(n - at);
            options.swap(at, pick);
        }
        options.truncate(len);
        options
    }
}

#[test]
fn random_elections_count_as_the_naive_count() {
    let mut random = Lcg(17);
    for _ in 0..400 {
        let n = 1 + random.below(6);
        // Few distinct rankings make ties, and so tie-breaks, common.
        let pool: Vec<Vec<u8>> = (0..1 + random.below(8))
            .map(|_| {
                let len = 1 + random.below(n);
                random.ranking(n, len)
            })
            .collect();
        let mut ballots: Vec<Vec<u8>> = (0..random.below(40))
            .map(|_| pool[random.below(pool.len())].clone())
            .collect();
        let mut rankings = Rankings::new(n);
        for ballot in &ballots {
            rankings.add(ballot);
        }
        // Some voters take their ballots back.
        for _ in 0..random.below(1 + ballots.len() / 3) {
            let gone = ballots.swap_remove(random.below(ballots.len()));
            rankings.remove(&gone);
        }
        assert_counts_match(&ballots, &rankings);
    }
}

/// Not a check: how long a million ballots take to count, in release
/// (`cargo test --release --lib poll::ranked::tests::naive::timing --
/// --ignored --nocapture`).
#[test]
#[ignore]
fn timing_a_million_ballots_of_ten_options() {
    let mut random = Lcg(10);
    let pool: Vec<Vec<u8>> = (0..3000)
        .map(|_| {
            let len = 1 + random.below(10);
            random.ranking(10, len)
        })
        .collect();
    let mut few = Rankings::new(10);
    for _ in 0..1_000_000 {
        few.add(&pool[random.below(pool.len())]);
    }
    let mut many = Rankings::new(10);
    for _ in 0..1_000_000 {
        many.add(&random.ranking(10, 10));
    }
    for (name, rankings) in [("few", &few), ("many", &many)] {
        let distinct = rankings.counts.len();
        let start = Instant::now();
        let runoff = instant_runoff(rankings);
        let runoff_took = start.elapsed();
        let start = Instant::now();
        let results = RankedResults::count(rankings);
        let all_took = start.elapsed();
        eprintln!(
            "{name}: {} ballots, {distinct} distinct: instant_runoff {runoff_took:?} \
             ({} rounds), RankedResults::count {all_took:?}",
            rankings.ballots(),
            runoff.rounds.len(),
        );
        assert_eq!(results.runoff, runoff);
    }
}
