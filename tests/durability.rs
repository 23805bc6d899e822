//! "Never lose or double-count a vote": the bot as a real process killed
//! with SIGKILL while it ingests, stopped with SIGTERM, cut off from
//! Telegram, and pointed at a database it cannot use.
//!
//! Every test has its own fake Bot API server and its own temporary
//! directory, so they run in parallel.

mod common;

use std::collections::BTreeMap;
use std::fs::File;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::fake_telegram::{self, FakeTelegram};
use common::process::{BIN, BotProcess};
use common::updates::{
    callback_query, message, my_chat_member, option_added, person, poll_answer, poll_answer_by_ids,
    reaction, reply,
};
use common::{Failure, PATIENCE, Rng, World};
use pollbot::poll::{ChatId, MessageId, UserId};
use pollbot::poll::{PollId, PollNumber};
use pollbot::store::scratch::{ScratchDatabase, TEST_POSTGRES};
use pollbot::store::{Location, Store};
use serde_json::Value;

// ---------------------------------------------------------------------------
// Helpers

/// Waits until every update through `id` is acknowledged; a clear message
/// (with the bot's log) when it is not.
async fn acknowledged(fake: &FakeTelegram, id: i64, timeout: Duration, log: impl Fn() -> String) {
    assert!(
        fake.wait_acknowledged(id, timeout).await,
        "updates through {id} acknowledged within {timeout:?} (acknowledged through {}); log:\n{}",
        fake.acknowledged_through(),
        log()
    );
}

async fn wait_messages_to(fake: &FakeTelegram, chat: i64, n: usize, timeout: Duration) -> bool {
    let deadline = Instant::now() + timeout;
    while fake.sent_to("sendMessage", chat).len() < n {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    true
}

/// Waits until the bot has sent more than `seen` getUpdates requests (the
/// fake counts a request when it arrives; a long poll is recorded as a call
/// only when it ends).
async fn polling_beyond(fake: &FakeTelegram, seen: u64) -> bool {
    let deadline = Instant::now() + PATIENCE;
    while fake.get_updates_calls() <= seen {
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    true
}

/// Posts a poll from `moderator`'s private chat and waits until the bot has
/// stored it (a later `/polls` lists it: the worker answers in order, and
/// stores a poll before it takes the next command). Returns Telegram's poll id.
async fn post_poll(
    fake: &FakeTelegram,
    moderator: i64,
    text: &str,
    log: impl Fn() -> String,
) -> String {
    let who = person(moderator, "Moderator");
    let before = fake.polls().len();
    fake.push_update(message(moderator, 1, &who, text));
    let polls = fake.wait_for_calls("sendPoll", before + 1, PATIENCE).await;
    assert!(
        polls.len() > before,
        "sendPoll for {text:?}; log:\n{}",
        log()
    );
    let listed = fake.sent_to("sendMessage", moderator).len();
    fake.push_update(message(moderator, 2, &who, "/polls"));
    assert!(
        wait_messages_to(fake, moderator, listed + 1, PATIENCE).await,
        "/polls answered; log:\n{}",
        log()
    );
    let reply = fake.sent_to("sendMessage", moderator)[listed]
        .text()
        .unwrap_or_default();
    assert!(reply.contains("#1"), "/polls lists the new poll: {reply}");
    fake.polls()
        .last()
        .expect("the poll the bot sent")
        .poll_id
        .clone()
}

// ---------------------------------------------------------------------------
// 1. kill -9 while ingesting

const CRASH_VOTERS: i64 = 3_000;
const CRASH_ANSWERS: usize = 24_000;
const CRASH_OPTIONS: u64 = 4;
const FIRST_VOTER: i64 = 2_000_000;

fn voter_name(user: i64) -> String {
    // Mixed scripts, so names survive every restart byte for byte.
    match user % 3 {
        0 => format!("Voter {user}"),
        1 => format!("Избиратель {user}"),
        _ => format!("投票人 {user}"),
    }
}

/// Members add an option before these answers (the poll is `--open`):
/// persistent ids `a1`, `a2`, `a3`, at positions 4, 5, 6.
const CRASH_ADDED_AT: [usize; 3] = [4_000, 10_000, 16_000];
const CRASH_ADDED: [&str; 3] = ["Science", "Culture", "Sport"];

/// The persistent id of the option at `position` (none is deleted here, so
/// positions and stable indexes agree).
fn crash_persistent_id(position: u32) -> String {
    match position.checked_sub(CRASH_OPTIONS as u32) {
        Some(added) => format!("a{}", added + 1),
        None => position.to_string(),
    }
}

/// The answers Telegram delivers: (user, options). Vote changes and
/// withdrawals (no options) are mixed in; every option list is ascending
/// and distinct, as Telegram sends them. Options added along the way are
/// chosen too.
fn crash_answers(rng: &mut Rng) -> Vec<(i64, Vec<u32>)> {
    (0..CRASH_ANSWERS)
        .map(|i| {
            let options_now =
                CRASH_OPTIONS + CRASH_ADDED_AT.iter().filter(|&&at| at <= i).count() as u64;
            let user = FIRST_VOTER + rng.below(CRASH_VOTERS as u64) as i64;
            let options: Vec<u32> = if rng.below(100) < 12 {
                Vec::new()
            } else {
                // A non-empty subset of the four options (a --multiple poll),
                // mostly a single one.
                let mask = if rng.below(100) < 60 {
                    1 << rng.below(options_now)
                } else {
                    1 + rng.below((1 << options_now) - 1)
                };
                (0..options_now as u32)
                    .filter(|o| mask & (1 << o) != 0)
                    .collect()
            };
            (user, options)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_at_random_moments_loses_nothing_and_counts_nothing_twice() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    kill_9_at_random_moments(Location::folder(dir.path().join("db")), None).await;
}

/// The same on PostgreSQL, whose connections are also cut from the
/// server's side once between each two kills (as a restart of the server
/// would cut them), mid-batch or not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgresql_kill_9_and_cut_connections_lose_nothing_and_count_nothing_twice() {
    let Some(scratch) = ScratchDatabase::from_env() else {
        eprintln!("skipped: {TEST_POSTGRES} is not set");
        return;
    };
    kill_9_at_random_moments(scratch.location.clone(), Some(&scratch)).await;
}

async fn kill_9_at_random_moments(db: Location, postgres: Option<&ScratchDatabase>) {
    let started = Instant::now();
    let seed: u64 = std::env::var("POLLBOT_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5EED_2024);
    let mut rng = Rng(seed);
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let moderator = 1001;
    let mut bot = BotProcess::start(&fake, dir.path(), db.clone(), &[moderator]);
    let log = || std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();

    let poll_id = post_poll(
        &fake,
        moderator,
        "/newpoll --multiple --open Where should we cooperate? | Energy | Trade | Health | Education",
        log,
    )
    .await;
    let poll_message = fake.polls().last().unwrap().message_id as i32;
    let ballot_message = post_ranked_ballot(&fake, moderator, log).await;

    let answers = crash_answers(&mut rng);
    let presses = crash_presses(&mut rng);
    let mut updates: Vec<Value> = Vec::with_capacity(answers.len() + CRASH_ADDED.len());
    for (i, (user, options)) in answers.iter().enumerate() {
        if let Some(k) = CRASH_ADDED_AT.iter().position(|&at| at == i) {
            updates.push(option_added(
                moderator,
                10 + k as i32,
                &person(3_000_000 + k as i64, "Member"),
                (poll_message, &poll_id),
                &crash_persistent_id(CRASH_OPTIONS as u32 + k as u32),
                CRASH_ADDED[k],
            ));
        }
        let ids: Vec<String> = options.iter().map(|&o| crash_persistent_id(o)).collect();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        updates.push(poll_answer_by_ids(
            &poll_id,
            &person(*user, &voter_name(*user)),
            options,
            &ids,
        ));
        // Button ballot presses in the same stream, every eighth update.
        if i % PRESS_EVERY == 0
            && let Some((presser, data)) = presses.get(i / PRESS_EVERY)
        {
            let who = person(*presser, &voter_name(*presser));
            let query = format!("cq{i}");
            updates.push(callback_query(
                &query,
                &who,
                moderator,
                ballot_message,
                data,
            ));
        }
    }
    let first = fake.acknowledged_through() + 1;
    let last = first + updates.len() as i64 - 1;

    // Push in chunks, keeping a backlog so that every batch the bot fetches
    // is full and it is always busy.
    let pusher = {
        let fake = fake.clone();
        tokio::spawn(async move {
            let mut pushed = 0;
            for chunk in updates.chunks(500) {
                while fake.pending() > 1_500 {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                }
                let (_, through) = fake.push_updates(chunk.to_vec());
                pushed += chunk.len();
                assert_eq!(through, first + pushed as i64 - 1, "consecutive update ids");
            }
        })
    };

    // Kill points: one in each twelfth of the stream, at a random spot in
    // it, plus a random delay so the kill lands anywhere in the bot's cycle
    // (decoding, applying, flushing, long polling). Every third restart is
    // killed again at once, while it opens and recovers the database.
    const PARTS: i64 = 12;
    let mut kills = 0;
    let mut startup_kills = 0;
    let mut cuts = 0;
    let mut killed_at = Vec::new();
    let span = CRASH_ANSWERS as i64;
    for part in 1..PARTS {
        let threshold = first + span * part / PARTS + rng.below((span / PARTS / 2) as u64) as i64;
        acknowledged(&fake, threshold, Duration::from_secs(120), log).await;
        tokio::time::sleep(Duration::from_micros(rng.below(30_000))).await;
        if let Some(postgres) = postgres {
            postgres.cut_connections().expect("connections cut");
            cuts += 1;
            // Recovered: it records again.
            let now = fake.acknowledged_through();
            acknowledged(&fake, (now + 150).min(last), Duration::from_secs(120), log).await;
            tokio::time::sleep(Duration::from_micros(rng.below(30_000))).await;
        }
        killed_at.push(fake.acknowledged_through() - first + 1);
        bot.kill_9();
        kills += 1;
        bot.spawn();
        if part % 3 == 0 {
            tokio::time::sleep(Duration::from_micros(rng.below(60_000))).await;
            bot.kill_9();
            kills += 1;
            startup_kills += 1;
            bot.spawn();
        }
    }
    let mid_stream = killed_at.iter().filter(|&&n| n < span).count();
    assert!(
        mid_stream >= 5,
        "at least 5 kills while updates were still coming: {killed_at:?}"
    );
    pusher.await.expect("all updates pushed");
    acknowledged(&fake, last, Duration::from_secs(120), log).await;

    bot.signal("TERM");
    let status = bot.wait_exit(Duration::from_secs(30)).await;
    assert!(
        status.success(),
        "exit 0 after SIGTERM, got {status}; log:\n{}",
        log()
    );
    assert_eq!(
        fake.acknowledged_through(),
        last,
        "all updates acknowledged"
    );
    assert_eq!(fake.pending(), 0);

    // The expected final state: each voter's latest answer; a withdrawal
    // leaves no ballot.
    let mut expected: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    for (user, options) in &answers {
        if options.is_empty() {
            expected.remove(user);
        } else {
            expected.insert(*user, options.iter().map(|&o| o as u8).collect());
        }
    }
    let all_options = CRASH_OPTIONS as usize + CRASH_ADDED.len();
    let mut counts = vec![0u64; all_options];
    for options in expected.values() {
        for &o in options {
            counts[usize::from(o)] += 1;
        }
    }

    let store = Store::open_at(&db).expect("the database opens after the bot stopped");
    let id = PollId {
        chat: ChatId(moderator),
        number: PollNumber(1),
    };
    assert_eq!(
        store.polls_of_chat(ChatId(moderator)).unwrap().len(),
        2,
        "exactly the poll and the ballot, never posted twice"
    );
    assert_eq!(fake.polls().len(), 1, "sendPoll was called once");
    assert_eq!(store.last_update_id().unwrap(), Some(last));
    assert!(store.queued_commands().unwrap().is_empty());
    let added: Vec<Option<String>> = store
        .poll(id)
        .unwrap()
        .expect("the poll")
        .features
        .added_options
        .into_iter()
        .map(|o| o.text)
        .collect();
    assert_eq!(
        added,
        CRASH_ADDED.map(|t| Some(t.to_owned())),
        "the added options, each once, in order"
    );
    // The full report's facts, exact across the kills too: voters who
    // changed their answer at least once, and votes withdrawn.
    /// What the store must remember of one voter.
    #[derive(Default)]
    struct Voter<'a> {
        standing: bool,
        last: Option<&'a Vec<u32>>,
        changed: bool,
    }
    let (mut changers, mut withdrawals) = (0u64, 0u64);
    let mut voters: BTreeMap<i64, Voter> = BTreeMap::new();
    for (user, options) in &answers {
        let voter = voters.entry(*user).or_default();
        if options.is_empty() {
            withdrawals += u64::from(voter.standing);
            voter.standing = false;
            continue;
        }
        if voter.last.is_some_and(|last| last != options) && !voter.changed {
            voter.changed = true;
            changers += 1;
        }
        voter.last = Some(options);
        voter.standing = true;
    }
    let tally = store.tally(id).unwrap().expect("the poll's tally");
    assert_eq!(
        (tally.changers, tally.withdrawals),
        (changers, withdrawals),
        "changers and withdrawals"
    );
    assert_eq!(tally.counts, counts, "votes per option");
    assert_eq!(tally.voters, expected.len() as u64, "voters");

    let mut wrong = Vec::new();
    for user in FIRST_VOTER..FIRST_VOTER + CRASH_VOTERS {
        let stored = store.ballot(id, UserId(user)).unwrap();
        let stored = stored.map(|b| (b.voter.id.0, b.voter.name, b.options));
        let want = expected
            .get(&user)
            .map(|options| (user, voter_name(user), options.clone()));
        if stored != want {
            wrong.push(format!("user {user}: stored {stored:?}, expected {want:?}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {CRASH_VOTERS} ballots wrong, e.g. {:#?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
    assert_eq!(
        store.ballots(id).count(),
        expected.len(),
        "no ballots beyond the expected ones"
    );
    assert_ranked_ballots(&store, moderator, &presses);
    // The tally agrees with the ballots it summarizes.
    let mut from_ballots = vec![0u64; all_options];
    for ballot in store.ballots(id) {
        for o in ballot.unwrap().options {
            from_ballots[usize::from(o)] += 1;
        }
    }
    assert_eq!(from_ballots, tally.counts);

    println!(
        "crash test on {db}: seed {seed:#x}, {cuts} connection cuts, {kills} kill -9 points ({startup_kills} during start-up; \
         the others after {killed_at:?} answers were acknowledged), {} poll answers by {} voters ({} with a ballot at the end), {} getUpdates calls, {:.1} s",
        answers.len(),
        answers
            .iter()
            .map(|(u, _)| *u)
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        expected.len(),
        fake.get_updates_calls(),
        started.elapsed().as_secs_f64()
    );
}

/// A ranked ballot's presses in the crash test: one every `PRESS_EVERY`
/// poll answers.
const PRESS_EVERY: usize = 8;
const FIRST_PRESSER: i64 = 4_000_000;
const PRESSERS: u64 = 300;

/// Posts `/newpoll --ranked` (poll #2) in `moderator`'s private chat and
/// waits until it is stored; returns the message that carries its buttons.
async fn post_ranked_ballot(fake: &FakeTelegram, moderator: i64, log: impl Fn() -> String) -> i32 {
    let who = person(moderator, "Moderator");
    let text = "/newpoll --ranked Rank them | Energy | Trade | Health | Education";
    fake.push_update(message(moderator, 3, &who, text));
    let listed = fake.sent_to("sendMessage", moderator).len();
    fake.push_update(message(moderator, 4, &who, "/polls"));
    assert!(
        // The ballot, its confirmation, the list.
        wait_messages_to(fake, moderator, listed + 3, PATIENCE).await,
        "the ballot and /polls answered; log:\n{}",
        log()
    );
    let sent = fake.sent_to("sendMessage", moderator);
    assert!(
        sent.last()
            .unwrap()
            .text()
            .unwrap_or_default()
            .contains("#2"),
        "/polls lists the ballot"
    );
    let ballot = sent
        .iter()
        .find(|c| c.params.get("reply_markup").is_some())
        .expect("the ballot's message");
    ballot.sent_message_id().unwrap() as i32
}

/// Presses on the ranked ballot: (user, button data), a tenth of them
/// Clear.
fn crash_presses(rng: &mut Rng) -> Vec<(i64, String)> {
    (0..CRASH_ANSWERS / PRESS_EVERY + 1)
        .map(|_| {
            let user = FIRST_PRESSER + rng.below(PRESSERS) as i64;
            let data = match rng.below(10) {
                0 => "b1:c".to_owned(),
                _ => format!("b1:{}", rng.below(4)),
            };
            (user, data)
        })
        .collect()
}

/// Every presser's ballot is what their presses, applied once each in
/// order, make of it; the rankings agree with the ballots.
fn assert_ranked_ballots(store: &Store, chat: i64, presses: &[(i64, String)]) {
    let mut expected: BTreeMap<i64, Vec<u8>> = BTreeMap::new();
    for (user, data) in presses {
        let ballot = expected.entry(*user).or_default();
        match data.strip_prefix("b1:").unwrap() {
            "c" => ballot.clear(),
            option => {
                let option: u8 = option.parse().unwrap();
                if !ballot.contains(&option) {
                    ballot.push(option);
                }
            }
        }
    }
    expected.retain(|_, ballot| !ballot.is_empty());
    let id = PollId {
        chat: ChatId(chat),
        number: PollNumber(2),
    };
    let stored: BTreeMap<i64, Vec<u8>> = store
        .ballots(id)
        .map(|b| b.unwrap())
        .map(|b| (b.voter.id.0, b.options))
        .collect();
    assert_eq!(stored, expected, "each presser's ranking, exactly");
    let poll = store.poll(id).unwrap().expect("the ballot");
    let rankings = store.rankings(&poll).unwrap();
    let mut counted: BTreeMap<Vec<u8>, u64> = BTreeMap::new();
    for ballot in expected.values() {
        *counted.entry(ballot.clone()).or_default() += 1;
    }
    assert_eq!(rankings.counts, counted, "the rankings the runoff counts");
    let tally = store.tally(id).unwrap().expect("the ballot's tally");
    assert_eq!(tally.voters, expected.len() as u64);
}

// ---------------------------------------------------------------------------
// 2. SIGTERM and Ctrl-C

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_answers_the_commands_already_fetched_then_exits_0() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let mut bot = BotProcess::start(&fake, dir.path(), db.as_path(), &[]);
    let log = || std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();
    assert!(
        polling_beyond(&fake, 0).await,
        "the bot polls; log:\n{}",
        log()
    );

    // Telegram lets a bot send one message a second to a chat, and the bot
    // keeps to that: four replies to one chat take three seconds, so most
    // are still to be sent when SIGTERM arrives.
    let user = person(4242, "Terry");
    let commands = ["/help", "/polls", "/start", "/help"];
    let ids: Vec<i32> = (10..10 + commands.len() as i32).collect();
    let (_, last) = fake.push_updates(
        commands
            .iter()
            .zip(&ids)
            .map(|(text, id)| message(user.id, *id, &user, text))
            .collect(),
    );
    acknowledged(&fake, last, PATIENCE, log).await;
    bot.signal("TERM");
    let answered_at_sigterm = fake.sent_to("sendMessage", user.id).len();

    let status = bot.wait_exit(Duration::from_secs(60)).await;
    assert!(
        status.success(),
        "exit 0 after SIGTERM, got {status}; log:\n{}",
        log()
    );
    assert!(
        answered_at_sigterm < commands.len(),
        "the test needs commands still unanswered at SIGTERM"
    );
    // What was answered before exit was answered once, in order; the rest
    // stays queued for the next start (four seconds of answering leave
    // time for all four on a quiet machine).
    let replies = fake.sent_to("sendMessage", user.id);
    let replied: Vec<Option<i64>> = replies.iter().map(common::Call::replied_to).collect();
    let answered = replied.len();
    assert!(answered >= answered_at_sigterm);
    assert_eq!(
        replied,
        ids[..answered]
            .iter()
            .map(|&i| Some(i64::from(i)))
            .collect::<Vec<_>>(),
        "each command answered once, in order, before exit ({answered_at_sigterm} were at SIGTERM)"
    );
    let store = Store::open(&db).expect("the database opens after the bot stopped");
    let still_queued: Vec<i64> = store
        .queued_commands()
        .unwrap()
        .iter()
        .map(|(update, _)| *update)
        .collect();
    assert_eq!(still_queued.len(), commands.len() - answered);
    assert_eq!(store.last_update_id().unwrap(), Some(last));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_and_ctrl_c_stop_an_idle_bot_promptly_with_exit_0() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let mut bot = BotProcess::start(&fake, dir.path(), db.as_path(), &[]);
    let log = || std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();
    let mut seen = 0;
    for signal in ["INT", "TERM"] {
        // Wait until the bot holds a long poll open (nothing to do).
        assert!(
            fake.wait_long_poll_beyond(seen, PATIENCE).await,
            "the bot holds a long poll open; log:\n{}",
            log()
        );
        let asked = Instant::now();
        bot.signal(signal);
        let status = bot.wait_exit(Duration::from_secs(30)).await;
        assert!(
            status.success(),
            "exit 0 after SIG{signal}, got {status}; log:\n{}",
            log()
        );
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "an idle bot stops at once after SIG{signal}, took {:?}",
            asked.elapsed()
        );
        seen = fake.get_updates_calls();
        bot.spawn();
    }
    assert!(
        fake.wait_long_poll_beyond(seen, PATIENCE).await,
        "restarted; log:\n{}",
        log()
    );
    bot.signal("TERM");
    assert!(bot.wait_exit(Duration::from_secs(30)).await.success());
    assert!(!log().contains("panicked"), "{}", log());
}

// ---------------------------------------------------------------------------
// 3. Telegram failures (in process)

/// Posts a poll in a private chat and waits until it is stored.
async fn world_with_poll(moderator: i64, text: &str) -> (World, String) {
    let world = World::with_moderators(&[]).await;
    let poll_id = post_poll(&world.fake, moderator, text, String::new).await;
    (world, poll_id)
}

fn voters(range: std::ops::Range<i64>) -> Vec<common::updates::Person> {
    range.map(|id| person(id, &format!("User {id}"))).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_updates_outage_with_502_loses_nothing_pushed_meanwhile() {
    let (mut world, poll_id) = world_with_poll(1001, "/newpoll Outage? | Yes | No").await;
    let fake = world.fake.clone();

    // The bot holds a long poll open; an update ends it, and the next
    // getUpdates meets nginx's 502 page.
    fake.set_down(true);
    let early = person(3000, "Early");
    fake.push_update(poll_answer(&poll_id, &early, &[0]));
    let failed = fake
        .wait_for_call("getUpdates", PATIENCE, |c| c.failed)
        .await;
    assert!(failed.is_some(), "getUpdates failed while down");

    // Updates sent during the outage.
    let during = voters(3001..3041);
    let mut updates: Vec<Value> = during
        .iter()
        .enumerate()
        .map(|(i, p)| poll_answer(&poll_id, p, &[(i % 2) as u32]))
        .collect();
    updates.push(message(1001, 30, &person(1001, "Moderator"), "/polls"));
    // The bot is inside teloxide's 10 s wait after the 5xx above: nothing
    // it does tells a longer outage from this one.
    let (_, last) = fake.push_updates(updates);
    fake.set_down(false);

    // teloxide waits 10 s after a 5xx before it reports the error.
    assert!(
        fake.wait_acknowledged(last, Duration::from_secs(45)).await,
        "everything pushed during the outage acknowledged after it"
    );
    let listed = world.nth_message_to(1001, 2).await;
    assert!(listed.contains("#1"), "{listed}");
    let store = world.stop_and_open_store().await;
    let tally = store
        .tally(PollId {
            chat: ChatId(1001),
            number: PollNumber(1),
        })
        .unwrap()
        .unwrap();
    assert_eq!(
        tally.voters, 41,
        "the early vote and all 40 from the outage"
    );
    assert_eq!(tally.counts, vec![21, 20]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5xx_on_a_reply_delays_the_reply_but_does_not_drop_it() {
    // A 5xx is an outage, not Telegram refusing: the worker's contract is
    // that "a crash or an outage delays a reply but never loses it". So the
    // user gets the /help text itself once Telegram is back (and nothing
    // else: not an error message instead of it).
    let mut world = World::with_moderators(&[]).await;
    let fake = world.fake.clone();
    let reference = person(5004, "Reference");
    world
        .deliver(message(reference.id, 1, &reference, "/help"))
        .await;
    let help = world.nth_message_to(reference.id, 1).await;

    fake.fail_next("sendMessage", 1, Failure::ServerError(500));
    let user = person(5005, "Patient");
    world.deliver(message(user.id, 1, &user, "/help")).await;
    let failed = fake
        .wait_for_call("sendMessage", PATIENCE, |c| c.failed)
        .await;
    assert!(failed.is_some(), "the first reply met the 500");
    // 10 s (teloxide's wait after a 5xx) plus the worker's back-off.
    let deadline = Instant::now() + Duration::from_secs(20);
    while fake.sent_to("sendMessage", user.id).is_empty() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    world.wait_idle().await;
    let replies: Vec<String> = fake
        .sent_to("sendMessage", user.id)
        .iter()
        .filter_map(common::Call::text)
        .collect();
    world.stop_bot().await;
    assert_eq!(
        replies,
        vec![help],
        "the /help reply itself, once, after the outage"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_updates_429_retry_after_is_honoured_and_nothing_is_lost() {
    let (mut world, poll_id) = world_with_poll(1001, "/newpoll Rate limit? | Yes | No").await;
    let fake = world.fake.clone();
    fake.fail_next("getUpdates", 1, Failure::RetryAfter(1));
    let people = voters(4000..4030);
    let (_, last) = fake.push_updates(
        people
            .iter()
            .map(|p| poll_answer(&poll_id, p, &[1]))
            .collect(),
    );
    assert!(
        fake.wait_acknowledged(last, Duration::from_secs(20)).await,
        "all acknowledged after the 429"
    );
    // The getUpdates that acknowledged them may still be holding its long
    // poll open: it is recorded when it returns.
    let get_updates = || -> Vec<common::Call> {
        fake.all_calls()
            .into_iter()
            .filter(|c| c.method == "getUpdates")
            .collect()
    };
    let deadline = Instant::now() + PATIENCE;
    let calls = loop {
        let calls = get_updates();
        let after_failure = calls
            .iter()
            .position(|c| c.failed)
            .is_some_and(|at| calls.len() > at + 1);
        if after_failure || Instant::now() > deadline {
            break calls;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let limited = calls
        .iter()
        .position(|c| c.failed)
        .expect("a getUpdates call got the 429");
    assert_eq!(
        calls.iter().filter(|c| c.failed).count(),
        1,
        "one failure scripted, one seen"
    );
    let retry = calls.get(limited + 1).expect("getUpdates after the 429");
    let waited = retry.at.duration_since(calls[limited].at);
    assert!(
        waited >= Duration::from_millis(950),
        "the bot waited retry_after = 1 s before polling again, waited {waited:?}"
    );
    let store = world.stop_and_open_store().await;
    let tally = store
        .tally(PollId {
            chat: ChatId(1001),
            number: PollNumber(1),
        })
        .unwrap()
        .unwrap();
    assert_eq!((tally.voters, tally.counts), (30, vec![0, 30]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_reply_is_not_retried_and_a_kicked_bot_marks_the_chat_inactive() {
    let mut world = World::with_moderators(&[]).await;
    let fake = world.fake.clone();
    assert!(polling_beyond(&fake, 0).await, "the bot polls");
    let kicked_by_reply: i64 = -1_001_000_000_777;
    let kicked_by_update: i64 = -1_001_000_000_888;
    let member = person(7001, "Member");

    // Both groups were active: the bot answered there.
    world
        .deliver(message(kicked_by_update, 1, &member, "/polls"))
        .await;
    world.nth_message_to(kicked_by_update, 1).await;

    fake.fail_next(
        "sendMessage",
        1,
        Failure::Forbidden("bot was kicked from the supergroup chat".into()),
    );
    world
        .deliver(message(kicked_by_reply, 1, &member, "/polls"))
        .await;
    let failed = fake
        .wait_for_call("sendMessage", PATIENCE, |c| c.failed)
        .await
        .expect("the reply met the 403");
    assert_eq!(failed.chat_id(), Some(kicked_by_reply));

    world
        .deliver(my_chat_member(kicked_by_update, "kicked"))
        .await;
    // The worker went on: a later command elsewhere is answered.
    let other = person(7002, "Other");
    world.deliver(message(other.id, 1, &other, "/help")).await;
    world.nth_message_to(other.id, 1).await;
    world.wait_idle().await;

    let to_kicked = fake
        .calls_to("sendMessage")
        .iter()
        .filter(|c| c.chat_id() == Some(kicked_by_reply))
        .count();
    assert_eq!(to_kicked, 1, "exactly one attempt, no retry storm");
    let store = world.stop_and_open_store().await;
    assert!(
        !store.chat(ChatId(kicked_by_update)).unwrap().active,
        "my_chat_member `kicked` marks the chat inactive"
    );
    assert!(
        !store.chat(ChatId(kicked_by_reply)).unwrap().active,
        "a 403 `bot was kicked` marks the chat inactive"
    );
    assert!(store.chat(ChatId(other.id)).unwrap().active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn votes_arriving_as_the_bot_posts_a_poll_are_not_lost() {
    // The worker stores a poll only after sendPoll has answered, so a vote
    // can be fetched (and acknowledged) before its poll is stored; it must
    // be kept and counted (regression test: such votes used to be dropped
    // as votes for an unknown poll). Six polls, each with a vote pushed the
    // moment Telegram has created the poll.
    let mut world = World::start().await;
    let chats: Vec<i64> = (6001..=6006).collect();
    for (round, &chat) in chats.iter().enumerate() {
        let who = person(chat, "Quick");
        world
            .fake
            .push_update(message(chat, 1, &who, "/newpoll Quick? | Yes | No"));
        let sent = world
            .fake
            .wait_for_calls("sendPoll", round + 1, PATIENCE)
            .await;
        assert!(sent.len() > round, "sendPoll {round}");
        let poll_id = world.fake.polls()[round].poll_id.clone();
        world
            .deliver(poll_answer(&poll_id, &person(9_000 + chat, "Voter"), &[1]))
            .await;
    }
    // Every poll stored before the bot stops.
    let last = person(6999, "Last");
    world.deliver(message(last.id, 1, &last, "/polls")).await;
    world.nth_message_to(last.id, 1).await;
    let store = world.stop_and_open_store().await;
    let lost: Vec<i64> = chats
        .iter()
        .copied()
        .filter(|&chat| {
            let id = PollId {
                chat: ChatId(chat),
                number: PollNumber(1),
            };
            store.tally(id).unwrap().map(|t| t.voters) != Some(1)
        })
        .collect();
    assert!(
        lost.is_empty(),
        "the vote on the poll in chats {lost:?} was acknowledged but not counted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replies_arriving_as_the_bot_posts_a_poll_become_comments_with_their_approvals() {
    // Like the votes above: while the bot waits for sendPoll's answer, the
    // poll is live and members reply to it and approve the replies; those
    // are kept and attached when the poll is stored.
    const GROUP: i64 = -1_001_000_000_900;
    let moderator = person(1001, "Mod");
    let mut world = World::with_moderators(&[moderator.id]).await;
    world.fake.set_bot_admin(GROUP, true);
    let release = world.fake.hold_response_next("sendPoll");
    world
        .deliver(message(GROUP, 1, &moderator, "/newpoll Soon? | Yes | No"))
        .await;
    world.nth_call("sendPoll", 1).await;
    let sent = world.fake.polls()[0].clone();
    let poll_message = world.fake.message(GROUP, sent.message_id).unwrap();
    let ann = person(2001, "Ann");
    let ben = person(2002, "Ben");
    let cid = person(2003, "Cid");
    let mut first = reply(GROUP, 10, &ann, "Yes, and soon", sent.message_id as i32);
    first["message"]["reply_to_message"] = poll_message;
    world
        .deliver_all(vec![
            first,
            reaction(GROUP, 10, &ben, &[], &["👍"]),
            reply(GROUP, 11, &cid, "+1", 10),
            // The author's own approval never counts.
            reaction(GROUP, 10, &ann, &[], &["👍"]),
            reply(GROUP, 12, &cid, "Why soon?", 10),
        ])
        .await;
    release.notify_one();
    world.wait_idle().await;
    let store = world.stop_and_open_store().await;
    let id = PollId {
        chat: ChatId(GROUP),
        number: PollNumber(1),
    };
    let comments: Vec<(i32, String, u32)> = store
        .comments(id)
        .map(|c| c.unwrap())
        .map(|c| (c.message_id.0, c.text.clone(), c.approvals()))
        .collect();
    assert_eq!(
        comments,
        [
            (10, "Yes, and soon".to_owned(), 2),
            (12, "Why soon?".to_owned(), 0)
        ]
    );
    let tally = store.tally(id).unwrap().unwrap();
    assert_eq!((tally.comments, tally.approvers), (2, 2));
    assert_eq!(
        store.top_comments(id, 1).unwrap()[0].message_id,
        MessageId(10)
    );
}

// ---------------------------------------------------------------------------
// 4. Storage failures

/// Runs the binary to completion with `args`, `POLLBOT_DB` = `db`.
async fn run_to_exit(
    fake: &FakeTelegram,
    dir: &Path,
    db: &Path,
    args: &[&str],
) -> (ExitStatus, String) {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stderr_path = dir.join(format!("stderr-{run}-{}.txt", args[0]));
    let stderr = File::create(&stderr_path).expect("stderr file");
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("TELOXIDE_TOKEN", fake_telegram::TOKEN)
        .env("TELOXIDE_API_URL", fake.api_url())
        .env("POLLBOT_DB", db)
        .env("POLLBOT_MODERATORS", "1")
        .env("RUST_LOG", "warn")
        .env("NO_PROXY", "127.0.0.1,localhost")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr))
        .spawn()
        .expect("pollbot starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "pollbot {args:?} with POLLBOT_DB={} did not exit: {}",
                db.display(),
                std::fs::read_to_string(&stderr_path).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    (
        status,
        std::fs::read_to_string(&stderr_path).unwrap_or_default(),
    )
}

fn assert_clear_failure(what: &str, status: ExitStatus, stderr: &str, db: &Path) {
    assert!(
        !status.success(),
        "{what}: non-zero exit, got {status}; stderr:\n{stderr}"
    );
    assert!(
        status.code().is_some(),
        "{what}: an exit, not a signal ({status})"
    );
    assert!(
        stderr.contains(&db.display().to_string()),
        "{what}: stderr names {}:\n{stderr}",
        db.display()
    );
    assert!(!stderr.contains("panicked"), "{what}: no panic:\n{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_in_use_or_unwritable_is_a_clear_error_not_a_panic() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");

    // (a) held by another opener (this test process).
    let locked = dir.path().join("locked-db");
    let holder = Store::open(&locked).expect("the test opens the database first");
    let (status, stderr) = run_to_exit(&fake, dir.path(), &locked, &["run"]).await;
    assert_clear_failure("run on a locked database", status, &stderr, &locked);
    let locked_arg = locked.display().to_string();
    let out = dir.path().join("out").display().to_string();
    let export = [
        "export",
        "--db",
        &locked_arg,
        "--poll",
        "1:1",
        "--format",
        "csv",
        "--out",
        &out,
    ];
    let (status, stderr) = run_to_exit(&fake, dir.path(), &locked, &export).await;
    assert_clear_failure("export from a locked database", status, &stderr, &locked);
    let report = [
        "report",
        "--db",
        &locked_arg,
        "--poll",
        "1:1",
        "--out",
        &out,
    ];
    let (status, stderr) = run_to_exit(&fake, dir.path(), &locked, &report).await;
    assert_clear_failure("report from a locked database", status, &stderr, &locked);
    drop(holder);

    // (b) a path that cannot be a directory: its parent is a regular file
    // (permission bits do not stop root, this does).
    let file = dir.path().join("a-file");
    std::fs::write(&file, b"not a directory").unwrap();
    let unwritable = file.join("db");
    let (status, stderr) = run_to_exit(&fake, dir.path(), &unwritable, &["run"]).await;
    assert_clear_failure("run on an unwritable path", status, &stderr, &unwritable);
    let unwritable_arg = unwritable.display().to_string();
    let export = [
        "export",
        "--db",
        &unwritable_arg,
        "--poll",
        "1:1",
        "--out",
        &out,
    ];
    let (status, stderr) = run_to_exit(&fake, dir.path(), &unwritable, &export).await;
    assert_clear_failure(
        "export from an unwritable path",
        status,
        &stderr,
        &unwritable,
    );

    assert!(
        fake.calls().iter().all(|c| c.method != "sendMessage"),
        "nothing was sent"
    );
}

/// Scheduled polls and reminders across `kill -9` (issue 18): a poll
/// scheduled a minute ahead, with a reminder a minute after it is posted.
/// The bot is killed once it has confirmed the schedule, stays down past
/// the poll's time, posts it at start, is killed again right after, and
/// once more after the reminder: the poll goes out once, the reminder
/// once. The binary tells time by the system clock, so this test waits
/// for the real minutes (about two and a half).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_around_a_scheduled_poll_and_its_reminder_posts_each_once() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("a temporary directory");
    let db = dir.path().join("db");
    let moderator = 1001;
    let who = person(moderator, "Moderator");
    let mut bot = BotProcess::start(&fake, dir.path(), db.as_path(), &[moderator]);
    let log = || std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default();
    let scheduled_at = Instant::now();
    fake.push_update(message(
        moderator,
        1,
        &who,
        "/newpoll --at 1m --until 2m --remind 1m Tea? | Tea | Coffee",
    ));
    assert!(
        wait_messages_to(&fake, moderator, 1, PATIENCE).await,
        "the schedule confirmed; log:\n{}",
        log()
    );
    bot.kill_9();
    // Down past the poll's time.
    let due = scheduled_at + Duration::from_secs(62);
    tokio::time::sleep_until(due.into()).await;
    bot.spawn();
    let polls = fake.wait_for_calls("sendPoll", 1, PATIENCE).await;
    assert_eq!(polls.len(), 1, "posted at start; log:\n{}", log());
    assert!(
        wait_messages_to(&fake, moderator, 2, PATIENCE).await,
        "the posting told; log:\n{}",
        log()
    );
    bot.kill_9();
    bot.spawn();
    // The reminder: a minute before the close, two minutes after posting.
    let reminder = fake
        .wait_for_call("sendMessage", Duration::from_secs(100), |c| {
            c.text().is_some_and(|t| t.starts_with('⏰'))
        })
        .await;
    assert!(reminder.is_some(), "the reminder; log:\n{}", log());
    bot.kill_9();
    let seen = fake.get_updates_calls();
    bot.spawn();
    // Two long polls after the start: the start's schedule pass is done.
    assert!(polling_beyond(&fake, seen + 1).await, "polling again");
    let reminders = fake
        .sent_to("sendMessage", moderator)
        .iter()
        .filter(|c| c.text().is_some_and(|t| t.starts_with('⏰')))
        .count();
    assert_eq!(reminders, 1, "the reminder went once");
    assert_eq!(fake.calls_to("sendPoll").len(), 1, "the poll went once");
    bot.kill_9();
}
