//! Several instances on one PostgreSQL (webhook mode behind a load
//! balancer): every instance records what it is posted; one at a time, the
//! holder of the work lease, answers commands; when it dies another takes
//! the work over.
//!
//! | what is posted            | to A or B, alternately | A killed with -9 mid-stream | after the kill |
//! |---------------------------|------------------------|-----------------------------|----------------|
//! | votes                     | counted once, whichever instance recorded it | a post A never answered goes to B: counted once | counted once |
//! | commands (`/help`, each user its own) | answered once, by the work's holder, whichever recorded it | one in A's hands as it died may go unanswered (answers are sent at most once), never twice | answered by B within 10 s of the kill |
//! | `/newpoll`                | one poll posted         | —                           | —              |
//!
//! And `/healthz`: 200 while the database answers, 503 once it is gone.
//!
//! It needs a PostgreSQL server: without `POLLBOT_TEST_POSTGRES` it says it
//! is skipped and passes.

mod common;

use std::time::{Duration, Instant};

use common::fake_telegram::{FakeTelegram, http_request};
use common::process::BotProcess;
use common::updates::{message, person, poll_answer};
use pollbot::poll::{ChatId, PollId, PollNumber};
use pollbot::store::Store;
use pollbot::store::scratch::{ScratchDatabase, TEST_POSTGRES};

const MODERATOR: i64 = 1001;
const SECRET: &str = "two-instances-secret";
const VOTERS: i64 = 1_200;
/// Users who each send `/help` once, in their private chats.
const ASKERS: i64 = 60;
const FIRST_VOTER: i64 = 50_000;
const FIRST_ASKER: i64 = 90_000;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn instance_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        (
            "POLLBOT_WEBHOOK_URL",
            format!("http://127.0.0.1:{port}/telegram"),
        ),
        ("POLLBOT_WEBHOOK_SECRET", SECRET.to_owned()),
        ("POLLBOT_LISTEN", format!("127.0.0.1:{port}")),
    ]
}

async fn wait_until(what: &str, timeout: Duration, done: impl Fn() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(Instant::now() < deadline, "{what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_record_everything_once_and_the_survivor_takes_the_work_over() {
    let Some(postgres) = ScratchDatabase::from_env() else {
        eprintln!("skipped: {TEST_POSTGRES} is not set");
        return;
    };
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let log = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap_or_default();
    let (port_a, port_b) = (free_port(), free_port());
    let mut a = BotProcess::start_with(
        &fake,
        dir.path(),
        postgres.location.clone(),
        &[MODERATOR],
        "a.log",
        &instance_env(port_a),
    );
    wait_until("A sets its webhook", Duration::from_secs(30), || {
        fake.calls_to("setWebhook").len() == 1
    })
    .await;
    // A holds the work before B starts.
    wait_until("A holds the work", Duration::from_secs(30), || {
        postgres
            .execute("SELECT 1 FROM pollbot_leases WHERE name = 'work'")
            .unwrap()
            == 1
    })
    .await;
    let mut b = BotProcess::start_with(
        &fake,
        dir.path(),
        postgres.location.clone(),
        &[MODERATOR],
        "b.log",
        &instance_env(port_b),
    );
    wait_until("B sets its webhook", Duration::from_secs(30), || {
        fake.calls_to("setWebhook").len() == 2
    })
    .await;
    let (url_a, url_b) = (
        format!("http://127.0.0.1:{port_a}/telegram"),
        format!("http://127.0.0.1:{port_b}/telegram"),
    );
    fake.balance_webhook(vec![url_a.clone(), url_b.clone()]);

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
    assert_eq!(polls.len(), 1, "A: {}\nB: {}", log("a.log"), log("b.log"));
    let poll_id = fake.polls()[0].poll_id.clone();
    // The poll is stored once sendPoll has answered; its number follows.
    fake.wait_for_calls("sendMessage", 1, Duration::from_secs(30))
        .await;

    // Votes and commands, alternately to A and B.
    let mut stream = Vec::new();
    for i in 0..VOTERS {
        let voter = person(FIRST_VOTER + i, &format!("Voter {i}"));
        stream.push(poll_answer(&poll_id, &voter, &[(i % 3) as u32]));
        if i % (VOTERS / ASKERS) == 0 {
            let asker = FIRST_ASKER + i / (VOTERS / ASKERS);
            stream.push(message(asker, 1, &person(asker, "Asker"), "/help"));
        }
    }
    let half = stream.split_off(stream.len() / 2);
    let (first, _) = fake.push_updates(stream);
    let middle = first + (VOTERS + ASKERS) / 2;
    assert!(
        fake.wait_acknowledged(middle - 50, Duration::from_secs(60))
            .await,
        "the first half is recorded"
    );
    // Mid-stream: the holder of the work dies, with updates still coming
    // (posts to it fail and go on to B).
    a.kill_9();
    let killed = Instant::now();
    // A command only the survivor can answer, first in line.
    let late = FIRST_ASKER + 1_000;
    fake.push_update(message(late, 1, &person(late, "Late"), "/help"));
    let (_, last) = fake.push_updates(half);
    wait_until(
        "the late command is answered by B",
        Duration::from_secs(30),
        || fake.sent_to("sendMessage", late).len() == 1,
    )
    .await;
    let took_over = killed.elapsed();
    assert!(
        took_over < Duration::from_secs(10),
        "B answered {took_over:?} after the kill"
    );
    assert!(
        fake.wait_acknowledged(last, Duration::from_secs(120)).await,
        "every update recorded; B: {}",
        log("b.log")
    );
    // Every asker's command: answered once (one in A's hands as it died may
    // have gone unanswered; never twice).
    let askers: Vec<i64> = (0..ASKERS).map(|k| FIRST_ASKER + k).collect();
    wait_until("the commands are answered", Duration::from_secs(30), || {
        askers
            .iter()
            .filter(|&&asker| fake.sent_to("sendMessage", asker).len() == 1)
            .count()
            >= askers.len() - 1
    })
    .await;
    b.signal("TERM");
    let status = b.wait_exit(Duration::from_secs(30)).await;
    assert!(
        status.success(),
        "B exits 0 after SIGTERM: {}",
        log("b.log")
    );
    let answers: Vec<usize> = askers
        .iter()
        .map(|&asker| fake.sent_to("sendMessage", asker).len())
        .collect();
    assert!(answers.iter().all(|&n| n <= 1), "never twice: {answers:?}");
    let unanswered = answers.iter().filter(|&&n| n == 0).count();
    assert!(unanswered <= 1, "{unanswered} unanswered");
    assert_eq!(fake.polls().len(), 1, "one poll posted");
    // POLLBOT_DB's password is in no log line.
    let url = url::Url::parse(postgres.url()).unwrap();
    let password = url
        .password()
        .expect("the test server's URL has a password");
    for name in ["a.log", "b.log"] {
        assert!(!log(name).contains(password), "{name} shows the password");
    }

    // Both instances were posted to, and A's refused posts went to B.
    let (to_a, to_b) = (fake.posts_to(&url_a), fake.posts_to(&url_b));
    assert!(
        to_a.iter().filter(|&&s| s == 200).count() > 100,
        "A took posts"
    );
    assert!(
        to_b.iter().filter(|&&s| s == 200).count() > 100,
        "B took posts"
    );
    assert!(
        to_a.contains(&0),
        "posts to the dead A failed and went on to B"
    );

    // Every vote counted once.
    let store = Store::open_at(&postgres.location).unwrap();
    let id = PollId {
        chat: ChatId(MODERATOR),
        number: PollNumber(1),
    };
    let tally = store.tally(id).unwrap().expect("the poll's tally");
    assert_eq!(tally.voters, VOTERS as u64);
    assert_eq!(tally.counts, [400, 400, 400]);
    assert_eq!(store.ballots(id).count(), VOTERS as usize);
    assert!(store.queued_commands().unwrap().len() <= 1);
    println!(
        "two instances: {} posts to A ({} refused after the kill), {} to B; B answered {took_over:?} after A's kill; {unanswered} command unanswered",
        to_a.len(),
        to_a.iter().filter(|&&s| s == 0).count(),
        to_b.len()
    );
}

/// What a load balancer asks: `/healthz` is 200 while the database
/// answers a read, 503 once it does not (here: dropped under the bot).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_says_503_once_the_database_is_gone() {
    let Some(postgres) = ScratchDatabase::from_env() else {
        eprintln!("skipped: {TEST_POSTGRES} is not set");
        return;
    };
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut bot = BotProcess::start_with(
        &fake,
        dir.path(),
        postgres.location.clone(),
        &[MODERATOR],
        "bot.log",
        &instance_env(port),
    );
    wait_until("the webhook is set", Duration::from_secs(30), || {
        fake.calls_to("setWebhook").len() == 1
    })
    .await;
    let healthz = format!("http://127.0.0.1:{port}/healthz");
    let (status, _) = http_request(&healthz, "GET", &[], b"").await.unwrap();
    assert_eq!(status, 200);
    postgres.drop_now().unwrap();
    let (status, _) = http_request(&healthz, "GET", &[], b"").await.unwrap();
    assert_eq!(status, 503);
    bot.kill_9();
}
