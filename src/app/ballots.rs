//! Button ballots (`--ranked`, `--pick K`): the bot's own message with one
//! button per option and **Clear**, what a press's data says, and what the
//! voter is told (a toast) after each press. No Telegram here: the edge
//! turns [`Button`]s into an inline keyboard and a toast into
//! `answerCallbackQuery`.

use crate::i18n::{self, Language};
use crate::poll::{
    BallotKind, Poll, PollOptions, PollQuestion, Press, RankedResults, Rankings, Tally, TapRefusal,
    shares_of_total, shares_of_voters,
};
use crate::store::PressOutcome;

use super::results::fit;

/// How long a toast may be (Telegram's limit for `answerCallbackQuery`).
pub const TOAST_LIMIT: usize = 200;
/// The least time between two edits of a ballot's turnout line.
pub const TURNOUT_EDIT_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// What every button's data starts with; its version, should it change.
const DATA_PREFIX: &str = "b1:";

/// A button under a ballot: its label and the data Telegram sends back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub label: String,
    pub data: String,
}

/// The data of a press's button (at most 7 bytes: Telegram allows 64).
pub fn press_data(press: Press) -> String {
    match press {
        Press::Option(index) => format!("{DATA_PREFIX}{index}"),
        Press::Clear => format!("{DATA_PREFIX}c"),
    }
}

/// What a button's data says; `None` for data the bot never sends.
pub fn read_press(data: &str) -> Option<Press> {
    let rest = data.strip_prefix(DATA_PREFIX)?;
    if rest == "c" {
        return Some(Press::Clear);
    }
    // Digits only: `+1` or ` 1` are not ours.
    if rest.is_empty() || rest.len() > 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    rest.parse().ok().map(Press::Option)
}

/// The buttons under a ballot: one row per option, numbered, then Clear.
pub fn buttons(language: Language, options: &PollOptions) -> Vec<Vec<Button>> {
    let mut rows: Vec<Vec<Button>> = options
        .iter()
        .enumerate()
        .map(|(i, option)| {
            vec![Button {
                label: format!("{}. {}", i + 1, option.as_str()),
                data: press_data(Press::Option(i as u8)),
            }]
        })
        .collect();
    rows.push(vec![Button {
        label: i18n::text(language, "ballot-clear"),
        data: press_data(Press::Clear),
    }]);
    rows
}

/// The text of a ballot's message while it is open: the question, its
/// description, the numbered options, how to vote, and how many ballots
/// are in (never how they are distributed).
pub fn ballot_text(
    language: Language,
    question: &PollQuestion,
    description: Option<&str>,
    options: &PollOptions,
    kind: BallotKind,
    ballots: u64,
) -> String {
    let mut text = question.as_str().to_owned();
    if let Some(description) = description {
        text.push_str("\n\n");
        text.push_str(description);
    }
    text.push('\n');
    for (i, option) in options.iter().enumerate() {
        text.push_str(&format!("\n{}. {}", i + 1, option.as_str()));
    }
    let how = match kind {
        BallotKind::PickUpTo(limit) => i18n::text_with(
            language,
            "ballot-how-pick",
            &[("limit", u32::from(limit).into())],
        ),
        _ => i18n::text(language, "ballot-how-ranked"),
    };
    let count = i18n::text_with(language, "ballot-count", &[("count", ballots.into())]);
    text.push_str(&format!("\n\n{how}\n{count}"));
    fit(&text, super::MESSAGE_LIMIT)
}

/// An open ballot's text for a stored poll.
pub fn open_ballot_text(language: Language, poll: &Poll, ballots: u64) -> String {
    let description = poll.features.description.as_ref().map(|d| d.as_str());
    ballot_text(
        language,
        &poll.question,
        description,
        &poll.options,
        poll.features.ballot,
        ballots,
    )
}

/// A closed ballot's text: the question and the final result, without
/// buttons. A ranked poll shows its instant runoff's last round (shares of
/// the ballots counted in it) and its winner; a pick-K poll each option's
/// picks (shares of voters).
pub fn closed_ballot_text(
    language: Language,
    poll: &Poll,
    tally: &Tally,
    rankings: Option<&Rankings>,
) -> String {
    let t = |key: &str, args: &[(&'static str, i18n::Arg)]| i18n::text_with(language, key, args);
    let name = |o: usize| poll.option_text(o as u8).unwrap_or("?").to_owned();
    let mut text = format!(
        "{}

{}
",
        poll.question.as_str(),
        t("ballot-closed", &[])
    );
    let mut ballots = tally.voters;
    match rankings.filter(|_| poll.features.ballot == BallotKind::Ranked) {
        Some(rankings) => {
            let results = RankedResults::count(rankings);
            ballots = results.ballots;
            if let Some(last) = results.runoff.rounds.last() {
                let counts: Vec<u64> = last.counts.iter().map(|c| c.unwrap_or(0)).collect();
                let shares = shares_of_total(&counts);
                for (o, count) in last.counts.iter().enumerate() {
                    if let Some(count) = count {
                        text.push_str(&format!(
                            "
{} — {count} ({})",
                            name(o),
                            shares[o]
                        ));
                    }
                }
            }
            let rounds = results.runoff.rounds.len();
            let winner = match results.runoff.winner {
                Some(winner) => t(
                    "ballot-winner",
                    &[
                        ("option", name(usize::from(winner)).into()),
                        ("rounds", rounds.into()),
                    ],
                ),
                None => t("ballot-no-winner", &[]),
            };
            text.push_str(&format!(
                "

{winner}"
            ));
        }
        None => {
            let shares = shares_of_voters(&tally.counts, tally.voters);
            for (o, count) in tally.counts.iter().enumerate() {
                text.push_str(&format!(
                    "
{} — {count} ({})",
                    name(o),
                    shares[o]
                ));
            }
        }
    }
    let count = t("ballot-count", &[("count", ballots.into())]);
    text.push_str(&format!(
        "
{count}"
    ));
    fit(&text, super::MESSAGE_LIMIT)
}

/// What a voter is told after a press on `poll`'s buttons (`poll` is
/// `None` when the press named no poll of ours).
pub fn toast(language: Language, poll: Option<&Poll>, outcome: &PressOutcome) -> String {
    let t = |key: &str, args: &[(&'static str, i18n::Arg)]| i18n::text_with(language, key, args);
    let text = match (outcome, poll) {
        (PressOutcome::Recorded { ballot, .. }, _) if ballot.is_empty() => t("toast-cleared", &[]),
        (PressOutcome::Recorded { ballot, .. }, Some(poll)) => {
            let named = |o: &u8| poll.option_text(*o).unwrap_or("?").to_owned();
            match poll.features.ballot {
                BallotKind::PickUpTo(limit) => {
                    let picks: Vec<String> = ballot.iter().map(named).collect();
                    t(
                        "toast-picks",
                        &[
                            ("picks", picks.join(", ").into()),
                            ("count", ballot.len().into()),
                            ("limit", u32::from(limit).into()),
                        ],
                    )
                }
                _ => {
                    let ranking: Vec<String> = ballot
                        .iter()
                        .enumerate()
                        .map(|(i, o)| format!("{}. {}", i + 1, named(o)))
                        .collect();
                    t("toast-ranking", &[("ranking", ranking.join("  ").into())])
                }
            }
        }
        (PressOutcome::Refused { why, .. }, _) => match why {
            TapRefusal::AlreadyRanked => t("toast-already-ranked", &[]),
            TapRefusal::LimitReached { limit } => {
                t("toast-limit", &[("limit", u32::from(*limit).into())])
            }
            TapRefusal::UnknownOption => t("toast-unknown", &[]),
        },
        (PressOutcome::Closed(_), _) => t("toast-closed", &[]),
        (PressOutcome::Recorded { .. } | PressOutcome::NotABallot, _) => t("toast-unknown", &[]),
    };
    fit(&text, TOAST_LIMIT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn press_data_reads_back_and_anything_else_is_not_a_press() {
        for press in [Press::Option(0), Press::Option(19), Press::Clear] {
            assert_eq!(read_press(&press_data(press)), Some(press));
            assert!(press_data(press).len() <= 64);
        }
        for forged in [
            "", "b1:", "b1:x", "b1:+1", "b1: 1", "b1:999", "b2:1", "vote:0", "b1:1:2",
        ] {
            assert_eq!(read_press(forged), None, "{forged:?}");
        }
    }

    #[test]
    fn a_ballot_lists_its_options_and_counts_ballots_never_shares() {
        let question = PollQuestion::parse("Lunch?").unwrap();
        let options = PollOptions::parse(&["Soup", "Salad", "Pie"]).unwrap();
        let text = ballot_text(
            Language::English,
            &question,
            None,
            &options,
            BallotKind::Ranked,
            3,
        );
        assert_eq!(
            text,
            "Lunch?\n\n1. Soup\n2. Salad\n3. Pie\n\n\
             Rank the options: tap them in order of preference. Clear starts over.\n\
             3 ballots"
        );
        let rows = buttons(Language::English, &options);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[1][0].label, "2. Salad");
        assert_eq!(rows[3][0].label, "Clear");
        assert_eq!(rows[3][0].data, "b1:c");
    }
}
