//! Figure 14: PostgreSQL (`POLLBOT_DB=postgres://…`), on the server that
//! `POLLBOT_TEST_POSTGRES` names, a scratch database per run (skipped
//! without it).
//!
//! 14. Ingest through the release binary on PostgreSQL, one instance: poll
//!     answers per second end to end, as figure 2 on sled, and the bot's
//!     peak RSS at the end.
//! 14. `/results` at a million votes: figure 3's poll (1,000,000 votes,
//!     100,000 comments with approvals) built on sled and moved to
//!     PostgreSQL with `pollbot migrate`'s copy, then read there.
//! 14. The votes CSV of that poll read from PostgreSQL, in this process and
//!     as `pollbot export` (with its peak RSS).
//! 14. The bot's peak RSS once polling, started on that database and on an
//!     empty one: PostgreSQL keeps the records, not the bot.

use std::time::{Duration, Instant};

use pollbot::poll::{ChatId, PollId, PollNumber};
use pollbot::store::scratch::{ScratchDatabase, TEST_POSTGRES};
use pollbot::store::{Location, Store, copy_database};

use super::fake_telegram::FakeTelegram;
use super::{
    CHAT, MODERATOR, OPTIONS, QUESTION, Scale, Table, export_binary, export_in_process, feed,
    median, memory_kb, mib, poll_answer, populate, progress, results_figure, spawn_bot_on,
    spawn_bot_with, spread_with, stop_bot, thousands, updates,
};

pub fn figure_14(table: &mut Table, scale: &Scale, runtime: &tokio::runtime::Runtime) {
    if std::env::var(TEST_POSTGRES).is_err() {
        progress(format!("14. skipped: {TEST_POSTGRES} is not set"));
        table.row(
            "14",
            "PostgreSQL",
            format!("skipped: {TEST_POSTGRES} is not set"),
            "",
            None,
        );
        return;
    }
    // Ingest, one instance.
    let mut rates = Vec::new();
    let mut peaks = Vec::new();
    for run in 1..=3 {
        progress(format!(
            "14. ingest on PostgreSQL, run {run}/3: {} voters",
            thousands(scale.ingest_votes as f64)
        ));
        let (rate, peak_kb) = runtime.block_on(ingest_on_postgres(scale.ingest_votes));
        rates.push(rate);
        peaks.push(peak_kb);
    }
    table.row(
        "14",
        &format!(
            "PostgreSQL: end-to-end ingest, binary + fake, one instance, {} voters; the bot's peak RSS",
            thousands(scale.ingest_votes as f64)
        ),
        format!(
            "{}; {}",
            spread_with(&rates, thousands, " votes/s"),
            mib(peaks.iter().copied().max().unwrap_or(0))
        ),
        "—",
        None,
    );

    // Webhook mode, one instance and two behind a load balancer.
    let mut by_instances = Vec::new();
    for instances in [1, 2] {
        let mut rates = Vec::new();
        for run in 1..=3 {
            progress(format!(
                "14. ingest by webhook, {instances} instance(s), run {run}/3: {} voters",
                thousands(scale.webhook_votes as f64)
            ));
            rates.push(runtime.block_on(ingest_by_webhook(scale.webhook_votes, instances)));
        }
        by_instances.push(spread_with(&rates, thousands, " votes/s"));
    }
    table.row(
        "14",
        &format!(
            "PostgreSQL, webhook mode: end-to-end ingest, {} voters, the fake posting one update at a time (as Telegram with max_connections 1): one instance; two behind a load balancer",
            thousands(scale.webhook_votes as f64)
        ),
        by_instances.join("; "),
        "—",
        None,
    );

    // The large poll, built on sled, moved to PostgreSQL.
    let work = tempfile::tempdir().unwrap();
    let sled = work.path().join("big");
    progress(format!(
        "14. building a poll with {} votes and {} comments on sled",
        thousands(scale.big_votes as f64),
        thousands(scale.big_comments as f64)
    ));
    {
        let store = Store::open(&sled).unwrap();
        populate(&store, scale.big_votes, scale.big_comments);
    }
    let big = ScratchDatabase::from_env().unwrap();
    let copying = Instant::now();
    let copied = copy_database(&Location::folder(&sled), &big.location).unwrap();
    let copy_secs = copying.elapsed().as_secs_f64();
    progress(format!(
        "14. copied {} records to PostgreSQL in {copy_secs:.1} s",
        thousands(copied.records as f64)
    ));
    let id = PollId {
        chat: ChatId(CHAT),
        number: PollNumber(1),
    };
    let results = results_figure(big.location.clone(), id, 15);
    table.row(
        "14",
        &format!(
            "PostgreSQL: `/results` (tally, summary, chart PNG) for {} votes and {} comments",
            thousands(scale.big_votes as f64),
            thousands(scale.big_comments as f64)
        ),
        format!(
            "{} [first {:.1} ms]",
            spread_with(&results.totals, |v| format!("{v:.1}"), " ms"),
            results.cold
        ),
        "≤ 50 ms",
        Some(results.total <= 50.0),
    );

    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mut votes_secs = Vec::new();
    let mut bytes = 0;
    for run in 1..=3 {
        progress(format!("14. votes CSV from PostgreSQL, run {run}/3"));
        let (_, secs, _, written) = export_in_process(big.location.clone(), id, &out);
        votes_secs.push(secs);
        bytes = written;
    }
    let mut binary_secs = Vec::new();
    let mut binary_peaks = Vec::new();
    for run in 1..=3 {
        progress(format!("14. pollbot export from PostgreSQL, run {run}/3"));
        let (secs, peak) = runtime.block_on(export_binary(
            big.location.as_given(),
            id,
            &out.join("binary"),
        ));
        binary_secs.push(secs);
        binary_peaks.push(peak);
    }
    table.row(
        "14",
        &format!(
            "PostgreSQL: export of {} votes to CSV (`votes_csv`, streamed to a file, {} MB); `pollbot export --format csv` (votes and comments) and its peak RSS",
            thousands(scale.big_votes as f64),
            bytes / 1_000_000
        ),
        format!(
            "{}; {}, {}",
            spread_with(&votes_secs, |v| format!("{v:.2}"), " s"),
            spread_with(&binary_secs, |v| format!("{v:.2}"), " s"),
            mib(binary_peaks.iter().copied().max().unwrap_or(0))
        ),
        "≤ 2 s",
        Some(median(&mut votes_secs) <= 2.0),
    );

    // The bot's memory does not grow with the database.
    let empty = ScratchDatabase::from_env().unwrap();
    let on_big = runtime.block_on(peak_once_polling(&big.location));
    let on_empty = runtime.block_on(peak_once_polling(&empty.location));
    table.row(
        "14",
        &format!(
            "PostgreSQL: the bot's peak RSS once polling, on the database of {} votes vs an empty one ({} records copied in {copy_secs:.0} s)",
            thousands(scale.big_votes as f64),
            thousands(copied.records as f64)
        ),
        format!("{} vs {}", mib(on_big), mib(on_empty)),
        "flat",
        Some(on_big <= on_empty + 8 * 1024),
    );
}

/// The bot on a scratch database: posts a poll, takes `n` voters' answers.
/// Answers per second from the first push to the last acknowledgement, and
/// the bot's peak RSS (kB).
async fn ingest_on_postgres(n: usize) -> (f64, u64) {
    let scratch = ScratchDatabase::from_env().unwrap();
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_bot_on(&fake, dir.path(), scratch.location.as_given());
    let poll_id = post_poll(&fake, dir.path()).await;
    let (elapsed, _) = feed(&fake, n, |i| poll_answer(&poll_id, i), n).await;
    let (peak, _) = memory_kb(child.id()).unwrap_or((0, 0));
    let status = stop_bot(&mut child).await;
    assert!(status.success(), "the bot exited with {status}");
    fake.shutdown();
    let store = Store::open_at(&scratch.location).unwrap();
    let id = PollId {
        chat: ChatId(MODERATOR),
        number: PollNumber(1),
    };
    let voters = store.tally(id).unwrap().map_or(0, |t| t.voters);
    assert_eq!(voters, n as u64, "every vote is counted");
    (n as f64 / elapsed.as_secs_f64(), peak)
}

/// `instances` bots in webhook mode on one scratch database, the fake
/// posting to each in turn: a poll, then `n` voters' answers. Answers per
/// second from the first push to the last acknowledgement.
async fn ingest_by_webhook(n: usize, instances: usize) -> f64 {
    let scratch = ScratchDatabase::from_env().unwrap();
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut urls = Vec::new();
    let mut children = Vec::new();
    for k in 0..instances {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = format!("http://127.0.0.1:{port}/telegram");
        let env = [
            ("POLLBOT_WEBHOOK_URL", url.clone()),
            ("POLLBOT_WEBHOOK_SECRET", "bench-secret".to_owned()),
            ("POLLBOT_LISTEN", format!("127.0.0.1:{port}")),
        ];
        children.push(spawn_bot_with(
            &fake,
            dir.path(),
            scratch.location.as_given(),
            &format!("bot-{k}.log"),
            &env,
        ));
        urls.push(url);
        let set = fake
            .wait_for_calls("setWebhook", k + 1, Duration::from_secs(30))
            .await;
        assert_eq!(set.len(), k + 1, "instance {k} set its webhook");
    }
    fake.balance_webhook(urls);
    let poll_id = post_poll(&fake, dir.path()).await;
    let (elapsed, _) = feed(&fake, n, |i| poll_answer(&poll_id, i), n).await;
    for child in &mut children {
        let status = stop_bot(child).await;
        assert!(status.success(), "a bot exited with {status}");
    }
    fake.shutdown();
    let store = Store::open_at(&scratch.location).unwrap();
    let id = PollId {
        chat: ChatId(MODERATOR),
        number: PollNumber(1),
    };
    assert_eq!(
        store.tally(id).unwrap().map_or(0, |t| t.voters),
        n as u64,
        "every vote is counted"
    );
    n as f64 / elapsed.as_secs_f64()
}

/// The moderator posts the benchmark's poll through the bot(s); its
/// Telegram id, once stored.
async fn post_poll(fake: &FakeTelegram, dir: &std::path::Path) -> String {
    let moderator = updates::person(MODERATOR, "Moderator");
    fake.push_update(updates::message(
        MODERATOR,
        1,
        &moderator,
        &format!("/newpoll {QUESTION} | {}", OPTIONS.join(" | ")),
    ));
    let sent = fake
        .wait_for_calls("sendPoll", 1, Duration::from_secs(30))
        .await;
    assert!(
        !sent.is_empty(),
        "the bot posted no poll; see the logs in {}",
        dir.display()
    );
    // As figure 2: the poll is stored once sendPoll has answered.
    tokio::time::sleep(Duration::from_millis(300)).await;
    fake.polls()[0].poll_id.clone()
}

/// The bot started on `db`: its peak RSS (kB) half a second after its
/// first getUpdates.
async fn peak_once_polling(db: &Location) -> u64 {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut child = spawn_bot_on(&fake, dir.path(), db.as_given());
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.get_updates_calls() == 0 {
        assert!(Instant::now() < deadline, "the bot never polled");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (peak, _) = memory_kb(child.id()).unwrap_or((0, 0));
    let status = stop_bot(&mut child).await;
    assert!(status.success(), "the bot exited with {status}");
    fake.shutdown();
    peak
}
