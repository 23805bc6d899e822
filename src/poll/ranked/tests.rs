//! Hand-worked counts for each rule; `naive` checks the counts against a
//! straightforward count of individual ballots.

mod naive;

use super::*;

const A: u8 = 0;
const B: u8 = 1;
const C: u8 = 2;
const D: u8 = 3;
const E: u8 = 4;
const F: u8 = 5;

/// `option_count` options and, per group, that many ballots of a ranking.
fn rankings(option_count: usize, groups: &[(u64, &[u8])]) -> Rankings {
    let mut rankings = Rankings::new(option_count);
    for &(ballots, ranking) in groups {
        rankings.add_ballots(ranking, ballots);
    }
    rankings
}

fn round(counts: &[Option<u64>], exhausted: u64, eliminated: Option<u8>) -> Round {
    Round {
        counts: counts.to_vec(),
        exhausted,
        eliminated,
    }
}

#[test]
fn valid_rankings_are_non_empty_in_range_and_without_repeats() {
    assert!(is_valid_ranking(&[A], 1));
    assert!(is_valid_ranking(&[C, A, B], 3));
    assert!(is_valid_ranking(&[255, 0, 64, 128], 256));
    assert!(!is_valid_ranking(&[], 3));
    assert!(!is_valid_ranking(&[A, D], 3));
    assert!(!is_valid_ranking(&[A, B, A], 3));
    assert!(!is_valid_ranking(&[200, 200], 256));
}

#[test]
fn rankings_add_remove_and_count_ballots() {
    let mut rankings = Rankings::new(3);
    assert_eq!(rankings.ballots(), 0);
    rankings.add(&[A, B]);
    rankings.add(&[A, B]);
    rankings.add(&[C]);
    rankings.add(&[]);
    rankings.add(&[A, A]);
    rankings.add(&[D]);
    assert_eq!(rankings.ballots(), 3);
    assert_eq!(rankings.counts.get([A, B].as_slice()), Some(&2));
    rankings.remove(&[A, B]);
    assert_eq!(rankings.counts.get([A, B].as_slice()), Some(&1));
    rankings.remove(&[A, B]);
    rankings.remove(&[B]);
    assert_eq!(rankings.counts.len(), 1, "the entry at 0 is dropped");
    assert_eq!(rankings.ballots(), 1);
}

#[test]
fn runoff_a_majority_of_first_preferences_wins_round_one() {
    let runoff = instant_runoff(&rankings(3, &[(2, &[A]), (1, &[B, A])]));
    assert_eq!(
        runoff.rounds,
        [round(&[Some(2), Some(1), Some(0)], 0, None)]
    );
    assert_eq!(runoff.winner, Some(A));
}

#[test]
fn runoff_the_fewest_goes_and_its_ballots_move_on() {
    let runoff = instant_runoff(&rankings(3, &[(4, &[A]), (3, &[B, A]), (2, &[C, B])]));
    assert_eq!(
        runoff.rounds,
        [
            round(&[Some(4), Some(3), Some(2)], 0, Some(C)),
            round(&[Some(4), Some(5), None], 0, None),
        ]
    );
    assert_eq!(runoff.winner, Some(B));
}

#[test]
fn runoff_majority_is_of_the_ballots_counted_that_round() {
    // Round 2: A has 4 of 9 ballots but 4 of the 7 still counted.
    let runoff = instant_runoff(&rankings(3, &[(4, &[A]), (3, &[B]), (2, &[C])]));
    assert_eq!(
        runoff.rounds,
        [
            round(&[Some(4), Some(3), Some(2)], 0, Some(C)),
            round(&[Some(4), Some(3), None], 2, None),
        ]
    );
    assert_eq!(runoff.rounds[1].counted(), 7);
    assert_eq!(runoff.winner, Some(A));
}

#[test]
fn runoff_a_tie_for_fewest_is_broken_two_rounds_back() {
    // Round 3: C and D tie at 5; round 2 they tie at 4; round 1 C had 3 and
    // D 4, so C goes (though D is listed later).
    let groups: &[(u64, &[u8])] = &[
        (20, &[A]),
        (19, &[B]),
        (3, &[C, B]),
        (4, &[D]),
        (1, &[E, C, B]),
        (1, &[E, D]),
        (1, &[F, C, B]),
    ];
    let runoff = instant_runoff(&rankings(6, groups));
    let s = Some;
    assert_eq!(
        runoff.rounds,
        [
            round(&[s(20), s(19), s(3), s(4), s(2), s(1)], 0, Some(F)),
            round(&[s(20), s(19), s(4), s(4), s(2), None], 0, Some(E)),
            round(&[s(20), s(19), s(5), s(5), None, None], 0, Some(C)),
            round(&[s(20), s(24), None, s(5), None, None], 0, Some(D)),
            round(&[s(20), s(24), None, None, None, None], 5, None),
        ]
    );
    assert_eq!(runoff.winner, Some(B));
}

#[test]
fn runoff_a_tie_in_every_round_sends_the_later_listed_option() {
    let groups: &[(u64, &[u8])] = &[(1, &[A]), (1, &[B]), (2, &[C]), (2, &[D])];
    let runoff = instant_runoff(&rankings(4, groups));
    let s = Some;
    assert_eq!(
        runoff.rounds,
        [
            round(&[s(1), s(1), s(2), s(2)], 0, Some(B)),
            round(&[s(1), None, s(2), s(2)], 1, Some(A)),
            round(&[None, None, s(2), s(2)], 2, Some(D)),
            round(&[None, None, s(2), None], 4, None),
        ]
    );
    assert_eq!(runoff.winner, Some(C));
}

#[test]
fn runoff_options_nobody_ranks_go_first_one_per_round() {
    let groups: &[(u64, &[u8])] = &[(2, &[A]), (2, &[B, A]), (1, &[C, B])];
    let runoff = instant_runoff(&rankings(5, groups));
    let s = Some;
    assert_eq!(
        runoff.rounds,
        [
            round(&[s(2), s(2), s(1), s(0), s(0)], 0, Some(E)),
            round(&[s(2), s(2), s(1), s(0), None], 0, Some(D)),
            round(&[s(2), s(2), s(1), None, None], 0, Some(C)),
            round(&[s(2), s(3), None, None, None], 0, None),
        ]
    );
    assert_eq!(runoff.winner, Some(B));
}

#[test]
fn runoff_the_last_option_left_wins() {
    let runoff = instant_runoff(&rankings(1, &[(3, &[A])]));
    assert_eq!(runoff.rounds, [round(&[Some(3)], 0, None)]);
    assert_eq!(runoff.winner, Some(A));

    // Ballots that rank one option each: the others exhaust.
    let runoff = instant_runoff(&rankings(3, &[(2, &[A]), (2, &[B]), (1, &[C])]));
    assert_eq!(
        runoff.rounds,
        [
            round(&[Some(2), Some(2), Some(1)], 0, Some(C)),
            round(&[Some(2), Some(2), None], 1, Some(B)),
            round(&[Some(2), None, None], 3, None),
        ]
    );
    assert_eq!(runoff.winner, Some(A));
}

#[test]
fn runoff_without_ballots_has_one_round_of_zeros_and_no_winner() {
    let runoff = instant_runoff(&Rankings::new(3));
    assert_eq!(runoff.rounds, [round(&[Some(0); 3], 0, None)]);
    assert_eq!(runoff.winner, None);
    let runoff = instant_runoff(&Rankings::new(1));
    assert_eq!(runoff.rounds, [round(&[Some(0)], 0, None)]);
    assert_eq!(runoff.winner, None);
}

#[test]
fn borda_scores_n_minus_rank_and_zero_unranked() {
    let groups: &[(u64, &[u8])] = &[(2, &[A, B, C]), (1, &[B]), (1, &[C, A])];
    assert_eq!(borda(&rankings(3, groups)), [5, 4, 2]);
    assert_eq!(borda(&rankings(4, &[(1, &[D, A])])), [2, 0, 0, 3]);
    assert_eq!(borda(&Rankings::new(2)), [0, 0]);
}

#[test]
fn head_to_head_a_cycle_has_no_condorcet_winner() {
    let groups: &[(u64, &[u8])] = &[(1, &[A, B, C]), (1, &[B, C, A]), (1, &[C, A, B])];
    let pairs = head_to_head(&rankings(3, groups));
    assert_eq!(pairs.above, [[0, 2, 1], [1, 0, 2], [2, 1, 0]]);
    assert!(pairs.beats(A, B) && pairs.beats(B, C) && pairs.beats(C, A));
    assert!(!pairs.beats(B, A) && !pairs.beats(A, A) && !pairs.beats(A, 9));
    assert_eq!(pairs.condorcet_winner(), None);
}

#[test]
fn head_to_head_the_condorcet_winner_beats_every_other() {
    // B is the first choice of 1 ballot in 5 but beats A and C 3–2.
    let groups: &[(u64, &[u8])] = &[(2, &[A, B, C]), (2, &[C, B, A]), (1, &[B, A])];
    let pairs = head_to_head(&rankings(3, groups));
    assert_eq!(pairs.above, [[0, 2, 3], [3, 0, 3], [2, 2, 0]]);
    assert_eq!(pairs.condorcet_winner(), Some(B));
}

#[test]
fn head_to_head_ranked_is_above_unranked_and_unranked_pairs_are_not_compared() {
    let pairs = head_to_head(&rankings(4, &[(3, &[C]), (1, &[B, A])]));
    assert_eq!(
        pairs.above,
        [[0, 0, 1, 1], [1, 0, 1, 1], [3, 3, 0, 3], [0, 0, 0, 0]]
    );
    assert_eq!(pairs.condorcet_winner(), Some(C));
    // A tie is no win.
    let pairs = head_to_head(&rankings(2, &[(1, &[A]), (1, &[B])]));
    assert_eq!(pairs.condorcet_winner(), None);
}

#[test]
fn ranked_results_count_every_way() {
    let rankings = rankings(3, &[(4, &[A]), (3, &[B, A]), (2, &[C, B])]);
    let results = RankedResults::count(&rankings);
    assert_eq!(results.ballots, 9);
    assert_eq!(results.runoff, instant_runoff(&rankings));
    assert_eq!(results.borda, [11, 8, 4]);
    assert_eq!(results.head_to_head, head_to_head(&rankings));
    assert_eq!(results.condorcet_winner, Some(B));
}

#[test]
fn tap_ranked_appends_the_next_preference() {
    assert_eq!(tap_ranked(&[], C, 3), Ok(vec![C]));
    assert_eq!(tap_ranked(&[C], A, 3), Ok(vec![C, A]));
    assert_eq!(tap_ranked(&[C, A], A, 3), Err(TapRefusal::AlreadyRanked));
    assert_eq!(tap_ranked(&[C, A], D, 3), Err(TapRefusal::UnknownOption));
}

#[test]
fn tap_pick_toggles_up_to_the_limit() {
    assert_eq!(tap_pick(&[], C, 4, 2), Ok(vec![C]));
    assert_eq!(tap_pick(&[C], A, 4, 2), Ok(vec![A, C]));
    let full = [A, C];
    assert_eq!(
        tap_pick(&full, B, 4, 2),
        Err(TapRefusal::LimitReached { limit: 2 })
    );
    assert_eq!(
        tap_pick(&full, C, 4, 2),
        Ok(vec![A]),
        "untapping at the limit"
    );
    assert_eq!(tap_pick(&[A], A, 4, 2), Ok(vec![]));
    assert_eq!(tap_pick(&full, E, 4, 2), Err(TapRefusal::UnknownOption));
    assert_eq!(tap_pick(&[D, A], B, 4, 3), Ok(vec![A, B, D]));
}
