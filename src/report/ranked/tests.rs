//! The caption and the rounds chart of a hand-built election.

use super::chart::{layout, render, rounds_input};
use super::*;
use crate::poll::{
    HeadToHead, PollFeatures, PollId, PollNumber, PollOptions, PollQuestion, PollState, Round,
    Runoff, Tally,
};

fn at(text: &str) -> chrono::DateTime<chrono::Utc> {
    text.parse().unwrap()
}

/// A closed ranked poll of these options.
pub(crate) fn report(options: &[&str]) -> PollReport {
    let poll = Poll {
        id: PollId {
            chat: crate::poll::ChatId(-1),
            number: PollNumber(7),
        },
        question: PollQuestion::parse("Which area first?").unwrap(),
        options: PollOptions::parse(options).unwrap(),
        multiple: false,
        anonymous: false,
        created_at: at("2024-03-14T09:00:00Z"),
        deadline: None,
        state: PollState::Closed,
        closed_at: Some(at("2024-03-28T18:00:00Z")),
        results_announced: true,
        message_id: crate::poll::MessageId(1),
        telegram_id: "t".into(),
        thread: None,
        features: PollFeatures {
            ballot: crate::poll::BallotKind::Ranked,
            ..PollFeatures::default()
        },
    };
    PollReport {
        tally: Tally::new(options.len()),
        poll,
        top_comments: Vec::new(),
        turnout: Default::default(),
        zone: Default::default(),
    }
}

pub(crate) const OPTIONS: [&str; 4] = ["Energy", "Trade", "Military", "Food"];

/// 100 ballots over three rounds: Food goes in round 1, Military in round
/// 2, and Energy wins round 3 with 52 of 90 counted ballots.
pub(crate) fn election() -> RankedResults {
    let round = |counts: [Option<u64>; 4], exhausted, eliminated| Round {
        counts: counts.to_vec(),
        exhausted,
        eliminated,
    };
    RankedResults {
        ballots: 100,
        runoff: Runoff {
            rounds: vec![
                round([Some(40), Some(30), Some(20), Some(10)], 0, Some(3)),
                round([Some(42), Some(33), Some(22), None], 3, Some(2)),
                round([Some(52), Some(38), None, None], 10, None),
            ],
            winner: Some(0),
        },
        borda: vec![250, 230, 120, 60],
        head_to_head: HeadToHead {
            above: vec![
                vec![0, 55, 70, 80],
                vec![45, 0, 62, 75],
                vec![30, 38, 0, 58],
                vec![20, 25, 42, 0],
            ],
        },
        condorcet_winner: Some(0),
    }
}

/// No ballot at all: no rounds, no winner.
fn no_ballots() -> RankedResults {
    RankedResults {
        ballots: 0,
        runoff: Runoff {
            rounds: Vec::new(),
            winner: None,
        },
        borda: vec![0; 4],
        head_to_head: HeadToHead {
            above: vec![vec![0; 4]; 4],
        },
        condorcet_winner: None,
    }
}

#[test]
fn the_caption_names_the_winner_the_last_round_borda_and_condorcet() {
    let text = ranked_text(&report(&OPTIONS), &election(), Language::English);
    assert_eq!(
        text,
        "#7 Which area first?\n\
         100 ballots · closed 28 Mar 2024 18:00 UTC\n\
         Winner: Energy, after 3 rounds of instant runoff\n\
         Round 3, 90 ballots counted:\n\
         Energy — 52 (57.8%)\n\
         Trade — 38 (42.2%)\n\
         Exhausted ballots (none of their options left in the count): 10\n\
         Borda scores: Energy 250 · Trade 230 · Military 120 · Food 60\n\
         Condorcet winner: Energy (beats every other option head to head)"
    );
}

#[test]
fn the_caption_in_chinese() {
    let text = ranked_text(&report(&OPTIONS), &election(), Language::Chinese);
    assert_eq!(
        text,
        "#7 Which area first?\n\
         100 张选票 · 已于 2024年3月28日 18:00 UTC 结束\n\
         获胜者：Energy（即时决选，共 3 轮）\n\
         第 3 轮，计入 90 张选票：\n\
         Energy — 52 (57.8%)\n\
         Trade — 38 (42.2%)\n\
         已用尽的选票（其中的选项都已不在计票中）：10 张\n\
         波达计分：Energy 250 · Trade 230 · Military 120 · Food 60\n\
         孔多塞胜者：Energy（在两两对决中胜过其他所有选项）"
    );
}

#[test]
fn without_a_condorcet_winner_the_caption_says_there_is_none() {
    let mut ranked = election();
    ranked.condorcet_winner = None;
    let text = ranked_text(&report(&OPTIONS), &ranked, Language::English);
    assert_eq!(
        text.lines().last(),
        Some("No Condorcet winner: no option beats every other head to head")
    );
    let text = ranked_text(&report(&OPTIONS), &ranked, Language::Chinese);
    assert_eq!(
        text.lines().last(),
        Some("没有孔多塞胜者：没有一个选项在两两对决中胜过其他所有选项")
    );
}

#[test]
fn without_ballots_the_caption_says_there_is_no_winner() {
    let text = ranked_text(&report(&OPTIONS), &no_ballots(), Language::English);
    assert_eq!(
        text,
        "#7 Which area first?\n\
         0 ballots · closed 28 Mar 2024 18:00 UTC\n\
         No ballots yet, so there is no winner."
    );
    let summary = ranked_summary(&report(&OPTIONS), &no_ballots(), Language::English);
    assert_eq!(summary.full(), text);
}

#[test]
fn options_stand_in_the_order_of_how_far_they_got() {
    let order: Vec<(u8, Fate)> = standings(&election())
        .into_iter()
        .map(|s| (s.index, s.fate))
        .collect();
    assert_eq!(
        order,
        [
            (0, Fate::Winner),
            (1, Fate::Final),
            (2, Fate::Eliminated(2)),
            (3, Fate::Eliminated(1)),
        ]
    );
}

#[test]
fn the_chart_has_a_line_per_round_each_option_was_counted_in() {
    let input = rounds_input(&report(&OPTIONS), &election(), Language::English);
    let layout = layout(&input).unwrap();
    let lines: Vec<Vec<&str>> = layout
        .blocks
        .iter()
        .map(|b| b.rounds.iter().map(|r| r.value.text.as_str()).collect())
        .collect();
    assert_eq!(
        lines,
        [
            vec!["40", "42", "52 · 57.8% · winner"],
            vec!["30", "33", "38 · 42.2%"],
            vec!["20", "22 · eliminated in round 2"],
            vec!["10 · eliminated in round 1"],
        ]
    );
    let names: Vec<&str> = layout.blocks[0]
        .rounds
        .iter()
        .map(|r| r.name.text.as_str())
        .collect();
    assert_eq!(names, ["Round 1", "Round 2", "Round 3"]);
    // One scale: the winner's last bar is the longest, and no bar or count
    // runs past the right margin.
    let length = |r: &super::chart::RoundLine| r.bar.map_or(0, |b| b.2 - b.0);
    let longest = layout.blocks[0].rounds[2].bar.unwrap();
    for block in &layout.blocks {
        for round in &block.rounds {
            assert!(length(round) <= longest.2 - longest.0);
            let w = crate::report::draw::text_width(&round.value.text, 22.0).unwrap();
            assert!(round.value.x + w <= crate::report::draw::WIDTH as i32 - 56);
        }
    }
}

#[test]
fn the_chart_without_ballots_renders() {
    let input = rounds_input(&report(&OPTIONS), &no_ballots(), Language::English);
    assert!(input.options.iter().all(|o| o.counts.is_empty()));
    let png = render(&input).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

/// Ten options eliminated one a round: ten rounds.
fn long_election(n: usize) -> RankedResults {
    let mut rounds = Vec::new();
    let mut counts: Vec<Option<u64>> = (0..n).map(|i| Some(100 - 7 * i as u64)).collect();
    for r in 0..n - 1 {
        let out = n - 1 - r;
        rounds.push(Round {
            counts: counts.clone(),
            exhausted: 3 * r as u64,
            eliminated: (r + 2 < n).then_some(out as u8),
        });
        let gone = counts[out].take().unwrap_or(0);
        counts[0] = counts[0].map(|c| c + gone / 2);
        counts[1] = counts[1].map(|c| c + gone / 3);
    }
    let ballots = (0..n).map(|i| 100 - 7 * i as u64).sum();
    RankedResults {
        ballots,
        runoff: Runoff {
            rounds,
            winner: Some(0),
        },
        borda: (0..n).map(|i| (n - i) as u64 * 40).collect(),
        head_to_head: HeadToHead {
            above: vec![vec![1; n]; n],
        },
        condorcet_winner: None,
    }
}

#[test]
fn twenty_options_over_twenty_rounds_fit_in_a_chart() {
    use super::chart::RoundsOption;
    let label = "Сотрудничество в области энергетики и торговли 能源贸易合作";
    let options = (0..20)
        .map(|i| RoundsOption {
            label: format!("{i} {label}"),
            counts: (0..20 - i.max(1))
                .map(|r| (r, 1_000 + 10 * r as u64))
                .collect(),
            note: Some(match i {
                0 => "51.2% · winner".to_owned(),
                1 => "48.8%".to_owned(),
                _ => format!("eliminated in round {}", 20 - i),
            }),
            fate: match i {
                0 => Fate::Winner,
                1 => Fate::Final,
                _ => Fate::Eliminated(20 - i),
            },
        })
        .collect();
    let input = super::chart::RoundsInput {
        title: "#7 Which area first?".to_owned(),
        round_names: (1..=19).map(|r| format!("Round {r}")).collect(),
        options,
        empty_note: None,
        footer: "20,000 ballots · 19 rounds".to_owned(),
    };
    let layout = layout(&input).unwrap();
    assert!(layout.height <= crate::report::draw::MAX_HEIGHT);
    assert!(render(&input).unwrap().starts_with(b"\x89PNG"));
}

/// Renders the charts to /tmp to look at: `cargo test --lib
/// report::ranked -- --ignored`.
#[test]
#[ignore]
fn write_rounds_charts_to_tmp() {
    let zh: Vec<String> = (0..10)
        .map(|i| format!("选项{i}：两国应在能源、贸易与粮食安全领域深化长期合作"))
        .collect();
    let en: Vec<String> = (0..10)
        .map(|i| format!("Option {i}: deepen cooperation in energy, trade and food security"))
        .collect();
    for (language, name, options) in [
        (Language::English, "en", &en),
        (Language::Chinese, "zh", &zh),
    ] {
        let three: Vec<&str> = options.iter().take(4).map(String::as_str).collect();
        let png = rounds_png(&report(&three), &election(), language).unwrap();
        std::fs::write(format!("/tmp/rr-rounds-3-{name}.png"), png).unwrap();
        let ten: Vec<&str> = options.iter().map(String::as_str).collect();
        let png = rounds_png(&report(&ten), &long_election(10), language).unwrap();
        std::fs::write(format!("/tmp/rr-rounds-10-{name}.png"), png).unwrap();
    }
}
