//! A ranked poll's results: the caption text and the chart of the instant
//! runoff's rounds. The counting is `poll::ranked`'s; this module only says
//! and draws what [`RankedResults`] holds, in the chat's language.
//!
//! Options are shown in the order of how far they got: the winner, the
//! others of the last round by their votes in it, then the eliminated ones,
//! the last eliminated first.

mod chart;

pub use chart::rounds_png;

use super::summary::{comments_text, quorum_text, state_text, turnout_text};
use super::{PollReport, Summary, option_texts};
use crate::i18n::{self, Arg, Language, format_count};
use crate::poll::{Poll, RankedResults, Share, shares_of_total};

/// How far an option got in the instant runoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fate {
    /// It won.
    Winner,
    /// In the count to the last round, without winning.
    Final,
    /// Eliminated at the end of this round (counted from 1).
    Eliminated(usize),
    /// Never in a round (there were no ballots).
    Uncounted,
}

/// An option's place in the runoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Standing {
    /// The option's stable index.
    pub(crate) index: u8,
    pub(crate) fate: Fate,
    /// Its votes in the last round (0 unless [`Fate::Winner`] or
    /// [`Fate::Final`]).
    pub(crate) last: u64,
    /// Its share of the last round's counted ballots.
    pub(crate) share: Share,
}

/// Every option of `ranked`, in the order of how far it got.
pub(crate) fn standings(ranked: &RankedResults) -> Vec<Standing> {
    let options = ranked.borda.len();
    let last_counts: Vec<u64> = match ranked.runoff.rounds.last() {
        Some(round) => (0..options)
            .map(|i| round.counts.get(i).copied().flatten().unwrap_or(0))
            .collect(),
        None => vec![0; options],
    };
    let shares = shares_of_total(&last_counts);
    let mut standings: Vec<Standing> = (0..options)
        .map(|i| Standing {
            index: i as u8,
            fate: fate(ranked, i),
            last: last_counts[i],
            share: shares[i],
        })
        .collect();
    let order = |s: &Standing| match s.fate {
        Fate::Winner => (0, 0, std::cmp::Reverse(0)),
        Fate::Final => (1, 0, std::cmp::Reverse(s.last)),
        Fate::Eliminated(round) => (2, usize::MAX - round, std::cmp::Reverse(0)),
        Fate::Uncounted => (3, 0, std::cmp::Reverse(0)),
    };
    // Stable: ties stay in poll order.
    standings.sort_by_key(order);
    standings
}

fn fate(ranked: &RankedResults, index: usize) -> Fate {
    let runoff = &ranked.runoff;
    if runoff.winner.map(usize::from) == Some(index) {
        return Fate::Winner;
    }
    let eliminated = runoff
        .rounds
        .iter()
        .position(|r| r.eliminated.map(usize::from) == Some(index));
    if let Some(round) = eliminated {
        return Fate::Eliminated(round + 1);
    }
    match runoff.rounds.last() {
        Some(last) if matches!(last.counts.get(index), Some(Some(_))) => Fate::Final,
        _ => Fate::Uncounted,
    }
}

/// The text of option `index`, marked if it was deleted.
pub(crate) fn option_name(poll: &Poll, index: u8) -> String {
    option_texts(poll, &[index]).pop().unwrap_or_default()
}

/// `1,000 ballots`, in the language.
pub(crate) fn ballots_text(language: Language, ballots: u64) -> String {
    count_text(language, "ranked-ballots", ballots)
}

/// The message `key` with a count passed as `count` and `count_text`.
fn count_text(language: Language, key: &str, count: u64) -> String {
    i18n::text_with(
        language,
        key,
        &[
            ("count", count.into()),
            ("count_text", format_count(count).into()),
        ],
    )
}

/// A ranked poll's summary, for `/results`: the text of [`ranked_text`]
/// where the native summary has its tally, and the poll's top comments.
/// The caller fits it into a caption as it does the native summary
/// (`app::results`): the whole, else the ranked text, else the question
/// with the rest in a message of its own.
pub fn ranked_summary(report: &PollReport, ranked: &RankedResults, language: Language) -> Summary {
    Summary {
        tally: ranked_text(report, ranked, language),
        comments: comments_text(&report.top_comments, language),
    }
}

/// The question, the ballots and the poll's state; then the winner and
/// the number of rounds, the last round's counts and shares of the counted
/// ballots, the exhausted ballots, the Borda scores and the Condorcet
/// winner (or that there is none). Without ballots, that there is no
/// winner.
pub fn ranked_text(report: &PollReport, ranked: &RankedResults, language: Language) -> String {
    let poll = &report.poll;
    let mut lines = vec![format!("{} {}", poll.id.number, poll.question.as_str())];
    let mut status = vec![match report.turnout.share(ranked.ballots) {
        Some(_) => turnout_text(report, language, ranked.ballots),
        None => ballots_text(language, ranked.ballots),
    }];
    if poll.anonymous {
        status.push(i18n::text(language, "state-anonymous"));
    }
    status.push(state_text(poll, language, report.zone));
    lines.push(status.join(" · "));
    lines.extend(quorum_text(report, language, ranked.ballots));
    let (Some(winner), Some(last)) = (ranked.runoff.winner, ranked.runoff.rounds.last()) else {
        lines.push(i18n::text(language, "ranked-no-winner"));
        return lines.join("\n");
    };
    let rounds = ranked.runoff.rounds.len();
    lines.push(i18n::text_with(
        language,
        "ranked-winner",
        &[
            ("option", option_name(poll, winner).into()),
            ("rounds", rounds.into()),
        ],
    ));
    let counted = last.counted();
    lines.push(i18n::text_with(
        language,
        "ranked-last-round",
        &[
            ("round", rounds.into()),
            ("count", counted.into()),
            ("count_text", format_count(counted).into()),
        ],
    ));
    let standings = standings(ranked);
    for standing in standings
        .iter()
        .filter(|s| matches!(s.fate, Fate::Winner | Fate::Final))
    {
        lines.push(i18n::text_with(
            language,
            "tally-option",
            &[
                ("option", option_name(poll, standing.index).into()),
                ("count", format_count(standing.last).into()),
                ("share", standing.share.to_string().into()),
            ],
        ));
    }
    lines.push(count_text(language, "ranked-exhausted", last.exhausted));
    lines.push(borda_text(poll, ranked, language));
    lines.push(condorcet_text(poll, ranked, language));
    lines.join("\n")
}

/// `Borda scores: Energy 5 · Trade 4 · Food 0`, highest first (ties in
/// poll order).
fn borda_text(poll: &Poll, ranked: &RankedResults, language: Language) -> String {
    let scores: Vec<String> = borda_order(ranked)
        .into_iter()
        .map(|(index, score)| {
            i18n::text_with(
                language,
                "ranked-borda-score",
                &[
                    ("option", option_name(poll, index).into()),
                    ("score", format_count(score).into()),
                ],
            )
        })
        .collect();
    i18n::text_with(
        language,
        "ranked-borda",
        &[("scores", scores.join(" · ").into())],
    )
}

/// The options and their Borda scores, highest first (ties in poll order).
pub(crate) fn borda_order(ranked: &RankedResults) -> Vec<(u8, u64)> {
    let mut scores: Vec<(u8, u64)> = ranked
        .borda
        .iter()
        .enumerate()
        .map(|(i, &score)| (i as u8, score))
        .collect();
    scores.sort_by_key(|&(_, score)| std::cmp::Reverse(score));
    scores
}

/// The Condorcet winner, or that there is none.
pub(crate) fn condorcet_text(poll: &Poll, ranked: &RankedResults, language: Language) -> String {
    match ranked.condorcet_winner {
        Some(index) => {
            let args: [(&'static str, Arg); 1] = [("option", option_name(poll, index).into())];
            i18n::text_with(language, "ranked-condorcet", &args)
        }
        None => i18n::text(language, "ranked-condorcet-none"),
    }
}

#[cfg(test)]
pub(crate) mod tests;
