//! PostgreSQL restarted under a running bot (its own test binary: the
//! restart cuts every connection to the server, which no other test of the
//! run should see).
//!
//! | while PostgreSQL restarts | expected |
//! |---------------------------|----------|
//! | votes keep coming         | each counted once once it is back; nothing acknowledged before it is committed |
//! | commands keep coming      | each answered once |
//! | the bot                   | keeps running (it waits, holding the work), stops with 0 on SIGTERM |
//!
//! Needs `POLLBOT_TEST_POSTGRES` and `POLLBOT_TEST_POSTGRES_RESTART`, a
//! command that restarts that server (`.ci/run` sets both); without them
//! it says it is skipped and passes.

mod common;

use std::time::Duration;

use common::fake_telegram::FakeTelegram;
use common::process::BotProcess;
use common::updates::{message, person, poll_answer};
use pollbot::poll::{ChatId, PollId, PollNumber};
use pollbot::store::Store;
use pollbot::store::scratch::{ScratchDatabase, TEST_POSTGRES};

/// A shell command that restarts the test server.
const RESTART: &str = "POLLBOT_TEST_POSTGRES_RESTART";
const MODERATOR: i64 = 1001;
const VOTERS: i64 = 3_000;
const ASKERS: i64 = 30;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_of_postgresql_mid_stream_loses_nothing_and_counts_nothing_twice() {
    let (Some(postgres), Ok(restart)) = (ScratchDatabase::from_env(), std::env::var(RESTART))
    else {
        eprintln!("skipped: {TEST_POSTGRES} and {RESTART} are not both set");
        return;
    };
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let log = || std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();
    let mut bot = BotProcess::start(&fake, dir.path(), postgres.location.clone(), &[MODERATOR]);
    let moderator = person(MODERATOR, "Mod");
    fake.push_update(message(
        MODERATOR,
        1,
        &moderator,
        "/newpoll Where should we cooperate? | Energy | Trade | Health",
    ));
    let polls = fake
        .wait_for_calls("sendPoll", 1, Duration::from_secs(30))
        .await;
    assert_eq!(polls.len(), 1, "{}", log());
    let poll_id = fake.polls()[0].poll_id.clone();
    fake.wait_for_calls("sendMessage", 1, Duration::from_secs(30))
        .await;

    let mut stream = Vec::new();
    for i in 0..VOTERS {
        let voter = person(10_000 + i, &format!("Voter {i}"));
        stream.push(poll_answer(&poll_id, &voter, &[(i % 3) as u32]));
        if i % (VOTERS / ASKERS) == 0 {
            let asker = 90_000 + i / (VOTERS / ASKERS);
            stream.push(message(asker, 1, &person(asker, "Asker"), "/help"));
        }
    }
    // In chunks, the restart running while the middle ones come in.
    let chunks: Vec<Vec<serde_json::Value>> = stream.chunks(100).map(<[_]>::to_vec).collect();
    let (mut first, mut last) = (None, 0);
    let mut restart_run = None;
    let mut acknowledged_at_restart = 0;
    for (k, chunk) in chunks.into_iter().enumerate() {
        let (from, to) = fake.push_updates(chunk);
        first.get_or_insert(from);
        last = to;
        if k == 10 {
            acknowledged_at_restart = fake.acknowledged_through() - first.unwrap() + 1;
            let restart = restart.clone();
            restart_run = Some(std::thread::spawn(move || {
                std::process::Command::new("sh")
                    .args(["-c", &restart])
                    .status()
                    .expect("the restart command runs")
            }));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let restarted = restart_run.unwrap().join().unwrap();
    assert!(restarted.success(), "{restart}: {restarted}");
    let first = first.unwrap();
    assert!(
        fake.wait_acknowledged(last, Duration::from_secs(120)).await,
        "every update recorded after the restart: {}",
        log()
    );
    let askers: Vec<i64> = (0..ASKERS).map(|k| 90_000 + k).collect();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while askers
        .iter()
        .any(|&asker| fake.sent_to("sendMessage", asker).is_empty())
    {
        assert!(tokio::time::Instant::now() < deadline, "{}", log());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.signal("TERM");
    let status = bot.wait_exit(Duration::from_secs(30)).await;
    assert!(status.success(), "exit 0 after SIGTERM: {}", log());
    for asker in askers {
        assert_eq!(fake.sent_to("sendMessage", asker).len(), 1, "asker {asker}");
    }
    let store = Store::open_at(&postgres.location).unwrap();
    let id = PollId {
        chat: ChatId(MODERATOR),
        number: PollNumber(1),
    };
    let tally = store.tally(id).unwrap().expect("the poll's tally");
    assert_eq!(tally.voters, VOTERS as u64);
    assert_eq!(tally.counts, [1_000, 1_000, 1_000]);
    assert_eq!(store.last_update_id().unwrap(), Some(last));
    assert!(
        log().contains("trying again"),
        "the bot met the restart: {}",
        log()
    );
    println!(
        "PostgreSQL restarted after {} of {} updates were acknowledged; all counted once",
        acknowledged_at_restart - first + 1,
        last - first + 1
    );
}
