//! Instant runoff over distinct rankings: each ranking keeps a cursor to its
//! current choice and sits in that option's pile, so eliminating an option
//! moves only the rankings in its pile, and each ranking's cursor only ever
//! moves forward. The whole runoff is linear in the total length of the
//! distinct rankings, plus a small cost per round for the options.

use super::{Flat, Rankings, Round, Runoff};

/// Counts `rankings` by instant runoff, round by round (the rules are the
/// module's).
///
/// Every option starts in the count, including options nobody ranks (they
/// have 0 votes and so go first, one per round). Exactly one option is
/// eliminated per round. With no ballots there is one round of zeros and no
/// winner.
pub fn instant_runoff(rankings: &Rankings) -> Runoff {
    instant_runoff_of(&Flat::new(rankings))
}

pub(super) fn instant_runoff_of(rankings: &Flat) -> Runoff {
    let mut count = Count::new(rankings);
    let mut rounds = Vec::new();
    loop {
        rounds.push(count.round());
        let round = rounds.last().expect("a round was just pushed");
        let counted = round.counted();
        if counted == 0 {
            return Runoff {
                rounds,
                winner: None,
            };
        }
        if let Some(winner) = count.winner(counted) {
            return Runoff {
                rounds,
                winner: Some(winner),
            };
        }
        let loser = fewest(&rounds);
        rounds
            .last_mut()
            .expect("a round was just pushed")
            .eliminated = Some(loser);
        count.eliminate(loser);
    }
}

/// The option to eliminate after the last of `rounds`: the fewest votes in
/// it; a tie broken by each earlier round in turn (fewer goes); still tied,
/// the option listed later.
fn fewest(rounds: &[Round]) -> u8 {
    let last = rounds.last().expect("at least one round");
    let mut tied: Vec<usize> = (0..last.counts.len())
        .filter(|&option| last.counts[option].is_some())
        .collect();
    for round in rounds.iter().rev() {
        let votes = |option: usize| round.counts[option].unwrap_or(0);
        let least = tied.iter().map(|&option| votes(option)).min();
        tied.retain(|&option| Some(votes(option)) == least);
        if tied.len() <= 1 {
            break;
        }
    }
    let option = *tied.last().expect("an option is still in the count");
    u8::try_from(option).expect("options are indexed by u8")
}

/// The running state of a runoff.
struct Count<'a> {
    /// The distinct rankings and their ballots.
    rankings: &'a Flat,
    /// Per ranking, the position of its current choice.
    cursor: Vec<usize>,
    /// Per option, the rankings whose current choice it is.
    piles: Vec<Vec<usize>>,
    /// Per option, the ballots whose current choice it is.
    votes: Vec<u64>,
    /// Per option, whether it is still in the count.
    active: Vec<bool>,
    /// Ballots with no option left in the count.
    exhausted: u64,
}

impl<'a> Count<'a> {
    /// The first round: every ballot counted for its first choice.
    fn new(rankings: &'a Flat) -> Self {
        let option_count = rankings.option_count;
        let mut piles = vec![Vec::new(); option_count];
        let mut votes = vec![0; option_count];
        for (id, (ranking, ballots)) in rankings.iter().enumerate() {
            let first = usize::from(ranking[0]);
            votes[first] += ballots;
            piles[first].push(id);
        }
        Self {
            rankings,
            cursor: vec![0; rankings.len()],
            piles,
            votes,
            active: vec![true; option_count],
            exhausted: 0,
        }
    }

    /// This round's counts, before anyone is eliminated.
    fn round(&self) -> Round {
        Round {
            counts: (self.votes.iter().zip(&self.active))
                .map(|(&votes, &active)| active.then_some(votes))
                .collect(),
            exhausted: self.exhausted,
            eliminated: None,
        }
    }

    /// The winner of this round, if any: the last option left, or the one
    /// with more than half of the `counted` ballots.
    fn winner(&self, counted: u64) -> Option<u8> {
        let mut left = (0..self.active.len()).filter(|&option| self.active[option]);
        let winner = match (left.next(), left.next()) {
            (Some(last), None) => Some(last),
            _ => (0..self.votes.len())
                .find(|&option| self.active[option] && self.votes[option] > counted / 2),
        };
        winner.map(|option| u8::try_from(option).expect("options are indexed by u8"))
    }

    /// Takes `loser` out of the count and moves each of its rankings on to
    /// its next choice still in the count (or to the exhausted ballots).
    fn eliminate(&mut self, loser: u8) {
        let loser = usize::from(loser);
        self.active[loser] = false;
        self.votes[loser] = 0;
        for id in std::mem::take(&mut self.piles[loser]) {
            let (ranking, ballots) = self.rankings.get(id);
            let next = (self.cursor[id] + 1..ranking.len())
                .find(|&at| self.active[usize::from(ranking[at])]);
            match next {
                Some(at) => {
                    let option = usize::from(ranking[at]);
                    self.cursor[id] = at;
                    self.votes[option] += ballots;
                    self.piles[option].push(id);
                }
                None => self.exhausted += ballots,
            }
        }
    }
}
