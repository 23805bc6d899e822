//! Figures 12 and 13: button ballots (`--ranked`, `--pick K`).
//!
//! 12. Taps per second through the release binary: each tap is a
//!     `callback_query` update, recorded before it is acknowledged and
//!     answered with a toast (`answerCallbackQuery`); the run ends when the
//!     last tap is both acknowledged and answered.
//! 13. `/results` of a ranked poll with 10 options and a million ballots
//!     (the ballots written through the store as presses, as the bot
//!     records them): the rankings read, the instant runoff, Borda and
//!     head to head counted, the caption written and the rounds chart drawn.

use std::time::{Duration, Instant};

use pollbot::app::results_message;
use pollbot::i18n::Language;
use pollbot::ingest::Event;
use pollbot::poll::{
    BallotKind, ChatId, MessageId, Person, PollId, PollNumber, PollOptions, PollQuestion, Press,
    RankedResults, UserId,
};
use pollbot::report::Scope;
use pollbot::store::Store;

use super::fake_telegram::FakeTelegram;
use super::{
    FIRST_VOTER, MODERATOR, Scale, Table, at, bot_sent_command, create_poll_edited, feed, median,
    ms, progress, spread_with, stop_bot, thousands, updates, write_events,
};

/// Ten options, as the figure asks.
const RANKED_OPTIONS: [&str; 10] = [
    "Energy",
    "Trade",
    "Education",
    "Health",
    "Science",
    "Culture",
    "Tourism",
    "Sport",
    "Media",
    "Agriculture",
];
/// Taps each voter of figure 12 makes: a ranking of three.
const TAPS_PER_VOTER: usize = 3;

// ---------------------------------------------------------------------------
// Figure 12: taps through the bot

/// One run: posts a ranked ballot in the moderator's private chat, then
/// `taps` taps by `taps / 3` voters. Taps per second.
async fn taps_through_bot(taps: usize) -> f64 {
    let (fake, dir, mut child) = bot_sent_command(&format!(
        "/newpoll --ranked Which areas matter most? | {}",
        RANKED_OPTIONS.join(" | ")
    ))
    .await;
    let ballot_message = wait_for_ballot(&fake, dir.path()).await;
    // The poll is stored once sendMessage has answered; its number is
    // confirmed right after.
    fake.wait_for_calls("sendMessage", 2, Duration::from_secs(30))
        .await;
    let tap = |i: usize| {
        let voter = i / TAPS_PER_VOTER;
        let option = (voter + 3 * (i % TAPS_PER_VOTER)) % RANKED_OPTIONS.len();
        let person = updates::person(FIRST_VOTER + voter as i64, &format!("Voter {voter}"));
        updates::callback_query(
            &format!("tap-{i}"),
            &person,
            MODERATOR,
            ballot_message,
            &format!("b1:{option}"),
        )
    };
    let (elapsed, _) = feed(&fake, taps, tap, taps).await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.answered_callbacks() < taps {
        assert!(
            Instant::now() < deadline,
            "only {} of {taps} taps answered",
            fake.answered_callbacks()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let answered = elapsed.max(Duration::from_millis(1));
    let status = stop_bot(&mut child).await;
    assert!(status.success(), "the bot exited with {status}");
    fake.shutdown();
    let store = Store::open(&dir.path().join("db")).unwrap();
    let id = PollId {
        chat: ChatId(MODERATOR),
        number: PollNumber(1),
    };
    let poll = store.poll(id).unwrap().expect("the ballot is stored");
    let voters = (taps / TAPS_PER_VOTER) as u64;
    assert_eq!(store.tally(id).unwrap().map_or(0, |t| t.voters), voters);
    let rankings = store.rankings(&poll).unwrap();
    assert_eq!(rankings.counts.values().sum::<u64>(), voters);
    assert!(rankings.counts.keys().all(|r| r.len() == TAPS_PER_VOTER));
    taps as f64 / answered.as_secs_f64()
}

/// The message id of the ballot the bot posted.
async fn wait_for_ballot(fake: &FakeTelegram, dir: &std::path::Path) -> i32 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let ballot = fake
            .calls_to("sendMessage")
            .into_iter()
            .find(|c| c.params.get("reply_markup").is_some());
        if let Some(id) = ballot.and_then(|c| c.sent_message_id()) {
            return id as i32;
        }
        assert!(
            Instant::now() < deadline,
            "the bot posted no ballot; see its log: {}",
            std::fs::read_to_string(dir.join("bot.log")).unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

pub(super) fn figure_12(table: &mut Table, scale: &Scale, runtime: &tokio::runtime::Runtime) {
    const RUNS: usize = 3;
    let taps = scale.taps;
    progress(format!(
        "12. {taps} taps on a ranked ballot through the bot binary ({RUNS} runs)"
    ));
    let rates: Vec<f64> = (0..RUNS)
        .map(|_| runtime.block_on(taps_through_bot(taps)))
        .collect();
    table.row(
        "12",
        &format!(
            "button ballot taps end to end: {} taps ({} voters ranking 3 of 10), each recorded before its acknowledgement and answered with a toast",
            thousands(taps as f64),
            thousands((taps / TAPS_PER_VOTER) as f64)
        ),
        spread_with(&rates, thousands, " taps/s"),
        "",
        None,
    );
}

// ---------------------------------------------------------------------------
// Figure 13: /results of a ranked poll

const RANKED_CHAT: i64 = -1_009_876_543_210;

fn create_ranked_poll(store: &Store) -> PollId {
    create_poll_edited(store, ChatId(RANKED_CHAT), |poll| {
        poll.question = PollQuestion::parse("Which areas matter most?").unwrap();
        poll.options = PollOptions::parse(&RANKED_OPTIONS).unwrap();
        poll.message_id = MessageId(20);
        poll.telegram_id = format!("ballot:{RANKED_CHAT}:20");
        poll.features.ballot = BallotKind::Ranked;
    })
}

/// xorshift64*: the ballots' random source, seeded for the same ballots
/// every run.
struct Random(u64);

impl Random {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n
    }
}

/// How the ballots of figure 13 are drawn.
#[derive(Clone, Copy)]
enum Electorate {
    /// Voters share a rough order of the options (each ballot is that
    /// order with a few neighbours swapped) and most rank two to four.
    Likeminded,
    /// Every voter ranks all ten options in an order of their own: about
    /// as many distinct rankings as ballots, the counts' worst case.
    Scattered,
}

fn ranking(random: &mut Random, electorate: Electorate) -> Vec<u8> {
    let mut order: Vec<u8> = (0..RANKED_OPTIONS.len() as u8).collect();
    match electorate {
        Electorate::Likeminded => {
            for _ in 0..random.below(9) {
                let at = random.below(order.len() - 1);
                order.swap(at, at + 1);
            }
            const LENGTHS: [usize; 20] = [
                1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 4, 4, 5, 6, 10, 10, 10,
            ];
            order.truncate(LENGTHS[random.below(LENGTHS.len())]);
        }
        Electorate::Scattered => {
            for i in (1..order.len()).rev() {
                order.swap(i, random.below(i + 1));
            }
        }
    }
    order
}

/// Writes `ballots` ballots as the presses that make them, 10,000 presses
/// a batch. Returns the presses written.
fn populate_ranked(store: &Store, id: PollId, ballots: usize, electorate: Electorate) -> usize {
    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut batch = Vec::with_capacity(10_000);
    let mut presses = 0;
    for voter in 0..ballots {
        for option in ranking(&mut random, electorate) {
            batch.push(Event::Press {
                chat: id.chat,
                message_id: MessageId(20),
                voter: Person {
                    id: UserId(FIRST_VOTER + voter as i64),
                    name: format!("Voter {voter}"),
                },
                press: Some(Press::Option(option)),
                at: at(voter as i64),
            });
        }
        if batch.len() >= 10_000 || voter + 1 == ballots {
            presses += batch.len();
            write_events(store, &batch);
            batch.clear();
        }
    }
    store.flush().unwrap();
    presses
}

/// One `/results`: reading the rankings (kept by the store after the
/// first read), counting them, and the whole answer (which reads and
/// counts them again, then writes the caption and draws the chart).
fn ranked_results_once(store: &Store, id: PollId) -> [f64; 3] {
    let poll = store.poll(id).unwrap().unwrap();
    let start = Instant::now();
    let rankings = store.rankings(&poll).unwrap();
    let read = start.elapsed();
    let start = Instant::now();
    std::hint::black_box(RankedResults::count(&rankings));
    let counted = start.elapsed();
    let start = Instant::now();
    let message = results_message(store, id, Scope::OwnChat, Language::English).unwrap();
    let whole = start.elapsed();
    assert!(message.png.is_some(), "the rounds chart is drawn");
    [ms(whole), ms(read), ms(counted)]
}

pub(super) fn figure_13(table: &mut Table, scale: &Scale) {
    const RUNS: usize = 15;
    for (electorate, what) in [
        (
            Electorate::Likeminded,
            "most rank 2–4 in a shared rough order",
        ),
        (
            Electorate::Scattered,
            "everyone ranks all 10 in an order of their own",
        ),
    ] {
        let ballots = scale.ranked_ballots;
        progress(format!(
            "13. /results of a ranked poll, 10 options, {ballots} ballots: {what}"
        ));
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db")).unwrap();
        let id = create_ranked_poll(&store);
        let started = Instant::now();
        let presses = populate_ranked(&store, id, ballots, electorate);
        progress(format!(
            "    {presses} presses written in {:.0} s",
            started.elapsed().as_secs_f64()
        ));
        let poll = store.poll(id).unwrap().unwrap();
        // The first read goes through every ranking in sled; later ones
        // use the rankings the store keeps up to date.
        let started = Instant::now();
        let rankings = store.rankings(&poll).unwrap();
        let first_read = ms(started.elapsed());
        assert_eq!(rankings.counts.values().sum::<u64>(), ballots as u64);
        let distinct = rankings.counts.len();
        let mut parts = [Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..RUNS {
            for (part, value) in parts.iter_mut().zip(ranked_results_once(&store, id)) {
                part.push(value);
            }
        }
        let [whole, read, counted] = parts;
        let total = median(&mut whole.clone());
        table.row(
            "13",
            &format!(
                "/results of a ranked poll, 10 options, {} ballots ({what}; {} distinct rankings)",
                thousands(ballots as f64),
                thousands(distinct as f64)
            ),
            spread_with(&whole, |v| format!("{v:.1}"), " ms"),
            "<= 200 ms",
            Some(total <= 200.0),
        );
        table.row(
            "13",
            "  the first read of the rankings after the bot starts (one run)",
            format!("{first_read:.0} ms"),
            "",
            None,
        );
        table.row(
            "13",
            "  of which reading the rankings; counting them (runoff, Borda, head to head)",
            format!(
                "{:.1} ms; {:.1} ms",
                median(&mut read.clone()),
                median(&mut counted.clone())
            ),
            "",
            None,
        );
    }
}
