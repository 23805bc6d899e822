//! `cargo bench --bench figures`: "Benchmarks: ingest, /results and export
//! at a million votes".
//!
//! Prints the machine, progress on stderr, then one table on stdout. The
//! machine is small, shared and noisy, so every timed figure is the median
//! of several runs, printed with their range and count (`median (min–max,
//! N runs)`), never the best run; comparisons are ratios of figures taken in
//! the same run. Figure 5, the memory peak of one long ingest, is one run.
//!
//! The bot is the release binary (`CARGO_BIN_EXE_pollbot`, built by
//! `cargo bench` with the bench profile, which inherits `release`), run as a
//! child process against the fake Bot API server of the tests, which listens
//! on 127.0.0.1 only. Nothing else is contacted.
//!
//! `FIGURES_QUICK=1` runs everything at a small scale (a smoke test);
//! `FIGURES_ONLY=2,5` runs only those figures (3 and 4 go together; 7, the
//! full report, and 10, a command while it renders, build the same polls as
//! 3 and 4);
//! `FIGURES_DB_DIR=DIR` keeps the databases of figures 3 and 4 in DIR.
//!
//! Figures 12 and 13, button ballots, are in `figures/ballots.rs`; figure
//! 14, PostgreSQL, in `figures/postgres.rs` (it needs a server:
//! `POLLBOT_TEST_POSTGRES`, as the tests).

#[path = "figures/ballots.rs"]
mod ballots;
#[path = "../tests/common/fake_telegram.rs"]
mod fake_telegram;
#[path = "figures/postgres.rs"]
mod postgres;
#[path = "../tests/common/updates.rs"]
mod updates;

use std::collections::HashMap;
use std::fs::File;
use std::hint::black_box;
use std::io::BufWriter;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use pollbot::app::load;
use pollbot::i18n::Language;
use pollbot::ingest::{Event, apply};
use pollbot::poll::{Person, Poll, PollId, PollNumber, PollOptions, PollQuestion, PollState};
use pollbot::report::{self, Summary, chart};
use pollbot::store::{Location, Store};
use pollbot::telegram::polling;
use teloxide::prelude::*;

use fake_telegram::FakeTelegram;
use pollbot::poll::{ChatId, MessageId, UserId};

/// The bot binary; under `cargo bench` this is `target/release/pollbot`.
const BOT: &str = env!("CARGO_BIN_EXE_pollbot");

/// Chat of the polls built straight through the store.
const CHAT: i64 = -1_001_234_567_890;
/// Their Telegram poll id.
const TELEGRAM_ID: &str = "5000000000000000001";
/// The message that carries them.
const POLL_MESSAGE: i32 = 10;
/// The private chat (and user) that creates the poll through the bot.
const MODERATOR: i64 = 4242;
/// Voters' user ids start here.
const FIRST_VOTER: i64 = 1_000_000;
/// Updates the feeder keeps queued at the fake: enough for ten getUpdates
/// batches, few enough that the fake's per-call queue scan stays cheap.
const WINDOW: usize = 1_000;

const OPTIONS: [&str; 4] = ["Energy", "Trade", "Education", "Health"];
const QUESTION: &str = "In 2024, in which area should we deepen cooperation?";

/// How big each figure is.
struct Scale {
    /// Figure 1: votes per run.
    apply_votes: usize,
    /// Figure 2: votes through the bot.
    ingest_votes: usize,
    /// Figures 3 and 4: the large poll.
    big_votes: usize,
    big_comments: usize,
    /// Figures 3 and 4: the small poll.
    small_votes: usize,
    small_comments: usize,
    /// Figure 5: votes through the bot.
    memory_votes: usize,
    /// Figure 6: starts.
    starts: usize,
    /// Figure 8: rounds of /help in the quiet chats, per run.
    fairness_rounds: usize,
    /// Figure 12: taps on a ranked ballot through the bot, per run.
    taps: usize,
    /// Figure 13: ballots of the ranked poll.
    ranked_ballots: usize,
    /// Figure 14: votes posted by webhook, per run.
    webhook_votes: usize,
}

impl Scale {
    fn from_env() -> Self {
        if std::env::var("FIGURES_QUICK").is_ok_and(|v| !v.is_empty() && v != "0") {
            Self {
                apply_votes: 10_000,
                ingest_votes: 10_000,
                big_votes: 50_000,
                big_comments: 5_000,
                small_votes: 1_000,
                small_comments: 100,
                memory_votes: 20_000,
                starts: 3,
                fairness_rounds: 3,
                taps: 3_000,
                ranked_ballots: 50_000,
                webhook_votes: 1_000,
            }
        } else {
            Self {
                apply_votes: 50_000,
                ingest_votes: 100_000,
                big_votes: 1_000_000,
                big_comments: 100_000,
                small_votes: 1_000,
                small_comments: 100,
                memory_votes: 1_000_000,
                starts: 10,
                fairness_rounds: 10,
                taps: 30_000,
                ranked_ballots: 1_000_000,
                webhook_votes: 10_000,
            }
        }
    }
}

// ---------------------------------------------------------------------------
// The table

struct Row {
    figure: String,
    what: String,
    result: String,
    target: String,
    verdict: &'static str,
}

#[derive(Default)]
struct Table {
    rows: Vec<Row>,
}

impl Table {
    fn row(&mut self, figure: &str, what: &str, result: String, target: &str, met: Option<bool>) {
        self.rows.push(Row {
            figure: figure.into(),
            what: what.into(),
            result,
            target: target.into(),
            verdict: match met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "",
            },
        });
    }

    fn print(&self) {
        let headers = ["#", "figure", "result", "target", "verdict"];
        let cells: Vec<[&str; 5]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.figure.as_str(),
                    r.what.as_str(),
                    r.result.as_str(),
                    r.target.as_str(),
                    r.verdict,
                ]
            })
            .collect();
        let mut widths = headers.map(|h| h.chars().count());
        for row in &cells {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let line = |row: [&str; 5]| {
            let mut out = String::from("|");
            for (cell, w) in row.iter().zip(widths) {
                out.push(' ');
                out.push_str(cell);
                out.push_str(&" ".repeat(w - cell.chars().count()));
                out.push_str(" |");
            }
            println!("{out}");
        };
        line(headers);
        let dashes = widths.map(|w| "-".repeat(w));
        line(std::array::from_fn(|i| dashes[i].as_str()));
        for row in cells {
            line(row);
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let n = values.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// The median of `values`, then their range and how many there were:
/// `2.31 s (2.10–2.90, 3 runs)`. `show` formats one value, `unit` follows
/// the median.
fn spread_with(values: &[f64], show: impl Fn(f64) -> String, unit: &str) -> String {
    let mut sorted = values.to_vec();
    let med = median(&mut sorted);
    format!(
        "{}{unit} ({}–{}, {} runs)",
        show(med),
        show(sorted.first().copied().unwrap_or(f64::NAN)),
        show(sorted.last().copied().unwrap_or(f64::NAN)),
        sorted.len()
    )
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `1234567.8` as `1,234,568`.
fn thousands(value: f64) -> String {
    let digits = format!("{:.0}", value.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn mib(kb: u64) -> String {
    format!("{:.1} MiB", kb as f64 / 1024.0)
}

fn progress(message: impl AsRef<str>) {
    eprintln!("[figures] {}", message.as_ref());
}

// ---------------------------------------------------------------------------
// The machine

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).trim().to_owned())
        .unwrap_or_else(|| "unknown".into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "rustc: unknown".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!(
        "machine: nproc {cpus} · CPU {model} · {rustc} · Linux {}\nbot binary: {BOT}",
        kernel.trim()
    )
}

// ---------------------------------------------------------------------------
// Polls and events built straight through the store

fn at(second: i64) -> DateTime<Utc> {
    "2024-03-14T09:00:00Z".parse::<DateTime<Utc>>().unwrap() + chrono::Duration::seconds(second)
}

fn create_poll(store: &Store) -> PollId {
    create_poll_edited(store, ChatId(CHAT), |_| {})
}

/// The benchmarks' poll: four options, one answer, public, open.
fn bench_poll(id: PollId) -> Poll {
    Poll {
        id,
        question: PollQuestion::parse(QUESTION).unwrap(),
        options: PollOptions::parse(&OPTIONS).unwrap(),
        multiple: false,
        anonymous: false,
        created_at: at(0),
        deadline: None,
        state: PollState::Open,
        closed_at: None,
        results_announced: false,
        message_id: MessageId(POLL_MESSAGE),
        telegram_id: TELEGRAM_ID.into(),
        thread: None,
        features: Default::default(),
    }
}

/// The poll of [`create_poll`] in `chat`, changed by `edit` before it is
/// stored.
fn create_poll_edited(store: &Store, chat: ChatId, edit: impl FnOnce(&mut Poll)) -> PollId {
    let poll = store
        .write(|changes| {
            changes.create_poll(chat, |id| {
                let mut poll = bench_poll(id);
                edit(&mut poll);
                poll
            })
        })
        .unwrap();
    store.flush().unwrap();
    poll.id
}

/// A skewed choice, so that one option leads.
fn option_of(i: usize) -> u32 {
    [0, 0, 0, 1, 1, 2, 3][i % 7]
}

fn vote(voter: i64, option: u32, second: i64) -> Event {
    Event::Vote {
        telegram_poll_id: TELEGRAM_ID.into(),
        voter: Person {
            id: UserId(voter),
            name: format!("Voter {voter}"),
        },
        option_ids: vec![option],
        option_persistent_ids: Vec::new(),
        at: at(second),
    }
}

/// `n` votes: distinct voters, except that every tenth vote changes the
/// answer of a voter from five votes earlier. Returns them and the number
/// of distinct voters.
fn vote_events(n: usize) -> (Vec<Event>, u64) {
    let mut voters = 0;
    let events = (0..n)
        .map(|i| {
            if i % 10 == 9 {
                let earlier = i - 5;
                vote(
                    FIRST_VOTER + earlier as i64,
                    (option_of(earlier) + 1) % 4,
                    i as i64,
                )
            } else {
                voters += 1;
                vote(FIRST_VOTER + i as i64, option_of(i), i as i64)
            }
        })
        .collect();
    (events, voters)
}

fn write_events(store: &Store, events: &[Event]) {
    store
        .write(|changes| {
            for event in events {
                apply(changes, event)?;
            }
            Ok(())
        })
        .unwrap();
}

// ---------------------------------------------------------------------------
// Figure 1: applying votes straight to the store

struct ApplyRun {
    rate: f64,
    write: Duration,
    flush: Duration,
}

fn store_apply_run(n: usize) -> ApplyRun {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db")).unwrap();
    let id = create_poll(&store);
    let (events, voters) = vote_events(n);
    let (mut write, mut flush) = (Duration::ZERO, Duration::ZERO);
    let start = Instant::now();
    for batch in events.chunks(100) {
        let t = Instant::now();
        store
            .write(|changes| {
                for event in batch {
                    apply(changes, event)?;
                }
                Ok(())
            })
            .unwrap();
        let written = Instant::now();
        store.flush().unwrap();
        write += written - t;
        flush += written.elapsed();
    }
    let elapsed = start.elapsed();
    assert_eq!(store.tally(id).unwrap().unwrap().voters, voters);
    ApplyRun {
        rate: n as f64 / elapsed.as_secs_f64(),
        write,
        flush,
    }
}

/// The bot's own `polling::record` on parsed teloxide updates: figure 1
/// plus reading the updates (`inbound::read`) and the last-update marker.
fn record_run(n: usize) -> f64 {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db")).unwrap();
    let id = create_poll(&store);
    let updates: Vec<teloxide::types::Update> = (0..n)
        .map(|i| {
            let voter = updates::person(FIRST_VOTER + i as i64, &format!("Voter {i}"));
            let mut update = updates::poll_answer(TELEGRAM_ID, &voter, &[option_of(i)]);
            update["update_id"] = serde_json::json!(i + 1);
            // As the bot gets them: from text (teloxide's `Update` does not
            // deserialize from a `serde_json::Value`).
            serde_json::from_str(&update.to_string()).unwrap()
        })
        .collect();
    let mut last = None;
    let start = Instant::now();
    for batch in updates.chunks(100) {
        last = polling::record(&store, batch, last, Default::default(), Utc::now())
            .unwrap()
            .last
            .map(|l| l.id);
    }
    let rate = n as f64 / start.elapsed().as_secs_f64();
    assert_eq!(store.tally(id).unwrap().unwrap().voters, n as u64);
    rate
}

// ---------------------------------------------------------------------------
// The bot as a child process

fn spawn_bot(fake: &FakeTelegram, dir: &Path) -> Child {
    spawn_bot_on(fake, dir, dir.join("db"))
}

/// [`spawn_bot`] on the database at `db` (a folder or a PostgreSQL URL).
fn spawn_bot_on(fake: &FakeTelegram, dir: &Path, db: impl AsRef<std::ffi::OsStr>) -> Child {
    spawn_bot_with(fake, dir, db, "bot.log", &[])
}

/// [`spawn_bot_on`] with more variables (webhook mode), logging to `log`.
fn spawn_bot_with(
    fake: &FakeTelegram,
    dir: &Path,
    db: impl AsRef<std::ffi::OsStr>,
    log: &str,
    env: &[(&str, String)],
) -> Child {
    let log = File::create(dir.join(log)).unwrap();
    Command::new(BOT)
        .arg("run")
        .current_dir(dir)
        .env("TELOXIDE_TOKEN", fake_telegram::TOKEN)
        .env("TELOXIDE_API_URL", fake.api_url())
        .env("POLLBOT_DB", db)
        .env("NO_PROXY", "127.0.0.1,localhost")
        .env("no_proxy", "127.0.0.1,localhost")
        .env_remove("RUST_LOG")
        .env_remove("POLLBOT_MODERATORS")
        .env_remove("POLLBOT_LOCALE")
        .env_remove("POLLBOT_WEBHOOK_URL")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {BOT}: {e}"))
}

async fn wait_exit(child: &mut Child, timeout: Duration) -> Option<ExitStatus> {
    let deadline = Instant::now() + timeout;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        if Instant::now() >= deadline {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// SIGTERM, as a service manager stops the bot; SIGKILL after a minute.
async fn stop_bot(child: &mut Child) -> ExitStatus {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    match wait_exit(child, Duration::from_secs(60)).await {
        Some(status) => status,
        None => {
            let _ = child.kill();
            child.wait().unwrap()
        }
    }
}

/// `VmHWM` and `VmRSS` of a live process, in kB.
fn memory_kb(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    Some((field("VmHWM:")?, field("VmRSS:")?))
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn poll_answer(poll_id: &str, i: usize) -> serde_json::Value {
    let voter = updates::person(FIRST_VOTER + i as i64, &format!("Voter {i}"));
    updates::poll_answer(poll_id, &voter, &[option_of(i)])
}

/// Queues `n` updates at the fake, at most [`WINDOW`] at a time, as fast as
/// they are acknowledged, until the last one is. Returns the time from the
/// first push to the last acknowledgement, and the time at which each
/// `segment` updates had been acknowledged.
async fn feed(
    fake: &FakeTelegram,
    n: usize,
    mut next: impl FnMut(usize) -> serde_json::Value,
    segment: usize,
) -> (Duration, Vec<Duration>) {
    let start = Instant::now();
    let mut first = None;
    let mut last = 0;
    let mut pushed = 0;
    let mut marks = Vec::new();
    let mark = |fake: &FakeTelegram, first: Option<i64>, marks: &mut Vec<Duration>| {
        let done = (fake.acknowledged_through() - first.unwrap_or(1) + 1).max(0) as usize;
        while (marks.len() + 1) * segment <= done.min(n) {
            marks.push(start.elapsed());
        }
    };
    while pushed < n {
        let room = WINDOW.saturating_sub(fake.pending()).min(n - pushed);
        for _ in 0..room {
            last = fake.push_update(next(pushed));
            first.get_or_insert(last);
            pushed += 1;
        }
        // The fake records every call with its response: forget them, or a
        // million votes would keep a million JSON values alive.
        fake.clear_calls();
        let target = if pushed < n {
            last - (WINDOW / 2) as i64
        } else {
            last
        };
        assert!(
            fake.wait_acknowledged(target, Duration::from_secs(60))
                .await,
            "the bot stalled at update {}",
            fake.acknowledged_through()
        );
        mark(fake, first, &mut marks);
    }
    (start.elapsed(), marks)
}

struct Ingest {
    votes: usize,
    elapsed: Duration,
    /// Votes/s over each segment of the run.
    segments: Vec<f64>,
    segment: usize,
    hwm_kb: u64,
    rss_kb: u64,
    db_bytes: u64,
    /// Peak RSS of the bot restarted on the same database, once it polls.
    restart_hwm_kb: Option<u64>,
}

impl Ingest {
    fn rate(&self) -> f64 {
        self.votes as f64 / self.elapsed.as_secs_f64()
    }
}

/// Starts the bot binary on a fresh database, and sends it `text` from the
/// moderator's private chat.
async fn bot_sent_command(text: &str) -> (FakeTelegram, tempfile::TempDir, Child) {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let child = spawn_bot(&fake, dir.path());
    let moderator = updates::person(MODERATOR, "Moderator");
    fake.push_update(updates::message(MODERATOR, 1, &moderator, text));
    (fake, dir, child)
}

/// Starts the bot binary, has it post a poll, then feeds it `n` distinct
/// voters' poll answers through the fake.
async fn ingest_through_bot(n: usize, prebuild: bool, segment: usize, restart: bool) -> Ingest {
    let (fake, dir, mut child) =
        bot_sent_command(&format!("/newpoll {QUESTION} | {}", OPTIONS.join(" | "))).await;
    let sent = fake
        .wait_for_calls("sendPoll", 1, Duration::from_secs(30))
        .await;
    assert!(
        !sent.is_empty(),
        "the bot posted no poll; see its log: {}",
        std::fs::read_to_string(dir.path().join("bot.log")).unwrap_or_default()
    );
    let poll_id = fake.polls()[0].poll_id.clone();
    // The worker stores the poll once sendPoll has answered; let it, so
    // that the votes are counted as votes and not kept as early ones.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (elapsed, marks) = if prebuild {
        // Built beforehand: only feeding them counts.
        let mut built: Vec<_> = (0..n).map(|i| poll_answer(&poll_id, i)).collect();
        built.reverse();
        feed(&fake, n, |_| built.pop().unwrap(), segment).await
    } else {
        feed(&fake, n, |i| poll_answer(&poll_id, i), segment).await
    };
    let (hwm_kb, rss_kb) = memory_kb(child.id()).unwrap_or((0, 0));
    let status = stop_bot(&mut child).await;
    assert!(status.success(), "the bot exited with {status}");
    fake.shutdown();
    let db = dir.path().join("db");
    let db_bytes = dir_size(&db);
    let store = Store::open(&db).unwrap();
    let id = PollId {
        chat: ChatId(MODERATOR),
        number: PollNumber(1),
    };
    let voters = store.tally(id).unwrap().map_or(0, |t| t.voters);
    assert_eq!(voters, n as u64, "every vote is counted");
    drop(store);
    let restart_hwm_kb = if restart {
        let fake = FakeTelegram::start().await;
        let mut child = spawn_bot(&fake, dir.path());
        // getUpdates is counted when it arrives (it is recorded only when
        // its long poll ends).
        let deadline = Instant::now() + Duration::from_secs(60);
        while fake.get_updates_calls() == 0 {
            assert!(Instant::now() < deadline, "the restarted bot never polled");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let hwm = memory_kb(child.id()).map(|(hwm, _)| hwm);
        let status = stop_bot(&mut child).await;
        assert!(status.success(), "the restarted bot exited with {status}");
        fake.shutdown();
        hwm
    } else {
        None
    };
    let mut segments = Vec::new();
    let mut previous = Duration::ZERO;
    for mark in &marks {
        segments.push(segment as f64 / (*mark - previous).as_secs_f64());
        previous = *mark;
    }
    Ingest {
        votes: n,
        elapsed,
        segments,
        segment,
        hwm_kb,
        rss_kb,
        db_bytes,
        restart_hwm_kb,
    }
}

/// The fake alone: a teloxide client in this process long-polls it as the
/// bot would, with nothing recorded. The ceiling the fake (plus HTTP and
/// teloxide's parsing) puts on figure 2.
async fn fake_serve_rate(n: usize) -> f64 {
    let fake = FakeTelegram::start().await;
    let client = teloxide::net::default_reqwest_settings()
        .no_proxy()
        .build()
        .unwrap();
    let bot =
        Bot::with_client(fake_telegram::TOKEN, client).set_api_url(fake.api_url().parse().unwrap());
    let consumer = tokio::spawn(async move {
        let mut offset = 0;
        let mut received = 0;
        loop {
            let mut request = bot
                .get_updates()
                .timeout(polling::LONG_POLL_SECONDS)
                .limit(polling::BATCH)
                .allowed_updates(polling::allowed_updates());
            if offset > 0 {
                request = request.offset(offset);
            }
            let updates = request.send().await.unwrap();
            if let Some(update) = updates.last() {
                offset = update.id.0 as i32 + 1;
            }
            received += updates.len();
            if received >= n {
                // Acknowledge the last batch too.
                let _ = bot.get_updates().offset(offset).timeout(0).send().await;
                return;
            }
        }
    });
    let mut built: Vec<_> = (0..n).map(|i| poll_answer(TELEGRAM_ID, i)).collect();
    built.reverse();
    let (elapsed, _) = feed(&fake, n, |_| built.pop().unwrap(), n).await;
    consumer.await.unwrap();
    fake.shutdown();
    n as f64 / elapsed.as_secs_f64()
}

// ---------------------------------------------------------------------------
// Figures 3 and 4: a poll with many votes, comments and approvals

/// Approvals of comment `k`: mostly a few, some many.
fn approvals_of(k: usize) -> usize {
    if k.is_multiple_of(997) {
        30 + k % 37
    } else {
        (k.wrapping_mul(2_654_435_761) >> 9) % 7
    }
}

/// Builds the poll in big batches through `Changes` (the bot's own code
/// paths), and flushes. Returns the number of approvals.
fn populate(store: &Store, votes: usize, comments: usize) -> usize {
    const BATCH: usize = 10_000;
    let id = create_poll(store);
    let mut events = Vec::with_capacity(BATCH);
    let flush = |events: &mut Vec<Event>, force: bool| {
        if events.len() >= BATCH || (force && !events.is_empty()) {
            write_events(store, events);
            events.clear();
        }
    };
    for i in 0..votes {
        events.push(vote(FIRST_VOTER + i as i64, option_of(i), i as i64));
        flush(&mut events, false);
    }
    flush(&mut events, true);
    let message = |k: usize| 100 + k as i32;
    let voter = |x: usize| FIRST_VOTER + (x % votes) as i64;
    for k in 0..comments {
        let author = voter(k.wrapping_mul(7919));
        events.push(Event::Reply {
            chat: ChatId(CHAT),
            message_id: MessageId(message(k)),
            reply_to: if k % 5 == 4 {
                MessageId(message(k - 3))
            } else {
                MessageId(POLL_MESSAGE)
            },
            author: Some(Person {
                id: UserId(author),
                name: format!("Voter {author}"),
            }),
            sender: None,
            text: Some(format!(
                "Comment {k}: cooperation on {} matters most, because it lasts for decades and touches everyone.",
                OPTIONS[k % 4]
            )),
            at: at((votes + k) as i64),
            replied_option: None,
            replied_poll: None,
        });
        flush(&mut events, false);
    }
    flush(&mut events, true);
    let mut approvals = 0;
    for k in 0..comments {
        for j in 0..approvals_of(k) {
            events.push(Event::Reaction {
                chat: ChatId(CHAT),
                message_id: MessageId(message(k)),
                user: UserId(voter(k * 31 + j * 1009)),
                old: Vec::new(),
                new: vec!["👍".into()],
            });
            approvals += 1;
            flush(&mut events, false);
        }
    }
    flush(&mut events, true);
    store.flush().unwrap();
    let tally = store.tally(id).unwrap().unwrap();
    assert_eq!(tally.voters, votes as u64);
    assert_eq!(tally.comments, comments as u64);
    approvals
}

struct Results {
    total: f64,
    /// Every run's total, for the spread.
    totals: Vec<f64>,
    load: f64,
    summary: f64,
    chart: f64,
    cold: f64,
}

/// What `/results` computes: the report, the summary text and the chart.
fn results_once(store: &Store, id: PollId) -> [Duration; 3] {
    let start = Instant::now();
    let report = load::poll_report(store, id).unwrap().unwrap();
    let loaded = Instant::now();
    let text = Summary::new(&report, Language::English).full();
    let summarized = Instant::now();
    let png = chart::render_png(&report.chart_input(Language::English)).unwrap();
    let charted = Instant::now();
    black_box((text, png));
    [loaded - start, summarized - loaded, charted - summarized]
}

fn results_figure(db: impl Into<Location>, id: PollId, runs: usize) -> Results {
    let store = Store::open_at(&db.into()).unwrap();
    let cold = results_once(&store, id).iter().sum::<Duration>();
    let mut parts = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..runs {
        let times = results_once(&store, id);
        for (part, t) in parts.iter_mut().zip(times) {
            part.push(ms(t));
        }
        parts[3].push(ms(times.iter().sum()));
    }
    let totals = parts[3].clone();
    let [load, summary, chart, total] = parts.map(|mut p| median(&mut p));
    Results {
        total,
        totals,
        load,
        summary,
        chart,
        cold: ms(cold),
    }
}

/// `report::votes_csv` and `report::comments_csv` in this process, to
/// files, on a freshly opened store: seconds to open, seconds for each
/// file, bytes of the votes CSV.
fn export_in_process(db: impl Into<Location>, id: PollId, out: &Path) -> (f64, f64, f64, u64) {
    let start = Instant::now();
    let store = Store::open_at(&db.into()).unwrap();
    let poll = store.poll(id).unwrap().unwrap();
    let opened = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let votes = out.join("votes.csv");
    report::votes_csv(
        &poll,
        store.ballots(poll.id),
        BufWriter::new(File::create(&votes).unwrap()),
    )
    .unwrap();
    let votes_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let comments = File::create(out.join("comments.csv")).unwrap();
    report::comments_csv(&store, &poll, BufWriter::new(comments)).unwrap();
    let comments_secs = start.elapsed().as_secs_f64();
    (
        opened,
        votes_secs,
        comments_secs,
        std::fs::metadata(&votes).unwrap().len(),
    )
}

/// `pollbot export --format csv` as a child process: seconds and peak RSS
/// (kB), sampled from /proc every 2 ms until it exits.
async fn export_binary(db: impl AsRef<std::ffi::OsStr>, id: PollId, out: &Path) -> (f64, u64) {
    let (elapsed, peak, status) = export_child(db, id, out).await;
    assert!(status.success(), "pollbot export failed: {status}");
    (elapsed, peak)
}

/// Peak RSS (kB) of `pollbot export` asked for a poll that does not exist:
/// what opening the database costs, before any export.
async fn open_only_binary(db: impl AsRef<std::ffi::OsStr>, id: PollId, out: &Path) -> u64 {
    let missing = PollId {
        chat: id.chat,
        number: PollNumber(id.number.0 + 1000),
    };
    let (_, peak, status) = export_child(db, missing, out).await;
    assert!(!status.success(), "there is no such poll");
    peak
}

async fn export_child(
    db: impl AsRef<std::ffi::OsStr>,
    id: PollId,
    out: &Path,
) -> (f64, u64, ExitStatus) {
    let start = Instant::now();
    let mut child = Command::new(BOT)
        .args(["export", "--db"])
        .arg(db)
        .args(["--poll", &id.to_string(), "--format", "csv", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    let status = loop {
        if let Some((hwm, _)) = memory_kb(child.id()) {
            peak = peak.max(hwm);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    };
    (start.elapsed().as_secs_f64(), peak, status)
}

// ---------------------------------------------------------------------------
// Figure 6: cold start

/// From spawning the binary to its first getUpdates arriving at the fake.
/// An update is queued beforehand, so that the first getUpdates is answered
/// (and recorded) at once instead of being held for the long poll.
async fn cold_start_once() -> Duration {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake.push_update(poll_answer("not-yet-a-poll", 0));
    let spawned = Instant::now();
    let mut child = spawn_bot(&fake, dir.path());
    let calls = fake
        .wait_for_calls("getUpdates", 1, Duration::from_secs(30))
        .await;
    assert!(!calls.is_empty(), "the bot never called getUpdates");
    let first = calls[0].at.saturating_duration_since(spawned);
    let status = stop_bot(&mut child).await;
    assert!(status.success(), "the bot exited with {status}");
    fake.shutdown();
    first
}

// ---------------------------------------------------------------------------

fn main() {
    let scale = Scale::from_env();
    let started = Instant::now();
    let header = machine();
    eprintln!("{header}");
    assert!(
        BOT.contains("/release/"),
        "the bot binary is not a release build: {BOT}"
    );
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut table = Table::default();
    let only = std::env::var("FIGURES_ONLY").unwrap_or_default();
    let want = |figure: &str| only.is_empty() || only.split(',').any(|f| f.trim() == figure);
    let mut apply_rate = None;
    if want("1") {
        apply_rate = Some(figure_1(&mut table, &scale));
    }
    if want("2") {
        figure_2(&mut table, &scale, &runtime, apply_rate);
    }
    if want("3") || want("4") || want("7") || want("10") {
        let polls = BuiltPolls::build(&scale);
        if want("3") || want("4") {
            figures_3_4(&mut table, &scale, &runtime, &polls);
        }
        if want("7") {
            figure_7(&mut table, &scale, &polls);
        }
        // Last of these: the bot writes to the large poll's database.
        if want("10") {
            figure_10(&mut table, &scale, &runtime, &polls);
        }
    }
    if want("5") {
        figure_5(&mut table, &scale, &runtime);
    }
    if want("6") {
        figure_6(&mut table, &scale, &runtime);
    }
    if want("8") {
        figure_8(&mut table, &scale, &runtime);
    }
    if want("9") || want("11") {
        figure_9(&mut table, &scale);
    }
    if want("12") {
        ballots::figure_12(&mut table, &scale, &runtime);
    }
    if want("13") {
        ballots::figure_13(&mut table, &scale);
    }
    if want("14") {
        postgres::figure_14(&mut table, &scale, &runtime);
    }
    println!("{header}");
    println!(
        "Benchmarks: ingest, /results, export and the full report at a million votes (medians; total {:.0} s)",
        started.elapsed().as_secs_f64()
    );
    table.print();
}

fn figure_1(table: &mut Table, scale: &Scale) -> f64 {
    progress(format!(
        "1. applying {} votes to the store, batches of 100, one flush each (3 runs)",
        thousands(scale.apply_votes as f64)
    ));
    let runs: Vec<ApplyRun> = (0..3).map(|_| store_apply_run(scale.apply_votes)).collect();
    let mut rates: Vec<f64> = runs.iter().map(|r| r.rate).collect();
    let apply_text = spread_with(&rates, thousands, " votes/s");
    let apply_rate = median(&mut rates);
    let write_ms: f64 = runs.iter().map(|r| ms(r.write)).sum::<f64>() / runs.len() as f64;
    let flush_ms: f64 = runs.iter().map(|r| ms(r.flush)).sum::<f64>() / runs.len() as f64;
    let batches = (scale.apply_votes / 100) as f64;
    table.row(
        "1",
        "store apply rate (Event::Vote, 100/batch + flush)",
        apply_text,
        "(ceiling for 2)",
        None,
    );
    table.row(
        "1",
        "  per batch of 100: write / flush",
        format!(
            "{:.2} ms / {:.2} ms",
            write_ms / batches,
            flush_ms / batches
        ),
        "",
        None,
    );
    progress("1b. polling::record on parsed teloxide updates (3 runs)");
    let rates: Vec<f64> = (0..3).map(|_| record_run(scale.apply_votes)).collect();
    table.row(
        "1b",
        "polling::record(Update batch of 100) in-process",
        spread_with(&rates, thousands, " votes/s"),
        "",
        None,
    );

    apply_rate
}

fn figure_2(
    table: &mut Table,
    scale: &Scale,
    runtime: &tokio::runtime::Runtime,
    apply_rate: Option<f64>,
) {
    progress("2. the fake alone: a teloxide getUpdates loop, no store");
    let serve_rate = runtime.block_on(fake_serve_rate(scale.ingest_votes));
    const INGEST_RUNS: usize = 3;
    progress(format!(
        "2. {} votes through the bot binary ({INGEST_RUNS} runs)",
        thousands(scale.ingest_votes as f64)
    ));
    let runs: Vec<Ingest> = (0..INGEST_RUNS)
        .map(|_| {
            runtime.block_on(ingest_through_bot(
                scale.ingest_votes,
                true,
                scale.ingest_votes / 10,
                false,
            ))
        })
        .collect();
    let rates: Vec<f64> = runs.iter().map(Ingest::rate).collect();
    let ingest_rate = median(&mut rates.clone());
    // The run whose rate is the median, for the figures that go with it.
    let ingest = runs
        .iter()
        .min_by(|a, b| {
            (a.rate() - ingest_rate)
                .abs()
                .total_cmp(&(b.rate() - ingest_rate).abs())
        })
        .expect("runs");
    table.row(
        "2",
        &format!(
            "end-to-end ingest, binary + fake, {} voters",
            thousands(ingest.votes as f64)
        ),
        spread_with(&rates, thousands, " votes/s"),
        ">= 20,000 votes/s",
        Some(ingest_rate >= 20_000.0),
    );
    if let Some(apply_rate) = apply_rate {
        let ratio = ingest_rate / apply_rate;
        let ratios: Vec<f64> = rates.iter().map(|r| r / apply_rate * 100.0).collect();
        table.row(
            "2",
            "  end-to-end / store apply (fig. 1 median)",
            spread_with(&ratios, |v| format!("{v:.0}"), "%"),
            ">= 50%",
            Some(ratio >= 0.5),
        );
    }
    table.row(
        "2",
        "  the fake alone (teloxide loop, no bot/store)",
        format!(
            "{} votes/s ({:.1}x fig. 2)",
            thousands(serve_rate),
            serve_rate / ingest_rate
        ),
        "(ceiling of the rig)",
        None,
    );

    table.row(
        "2",
        "  bot VmHWM / database size after this run",
        format!(
            "{} / {:.0} MB",
            mib(ingest.hwm_kb),
            ingest.db_bytes as f64 / 1e6
        ),
        "",
        None,
    );
}

/// The polls of figures 3, 4 and 7: a large one, a tenth of it and a small
/// one, each in its own database.
struct BuiltPolls {
    /// Kept until the figures are done (unless FIGURES_DB_DIR is set).
    _temporary: tempfile::TempDir,
    work: std::path::PathBuf,
    big_db: std::path::PathBuf,
    medium_db: std::path::PathBuf,
    small_db: std::path::PathBuf,
    id: PollId,
    big_approvals: usize,
    build_time: Duration,
}

impl BuiltPolls {
    fn build(scale: &Scale) -> Self {
        // FIGURES_DB_DIR keeps the databases (for profiling); it must be empty.
        let kept = std::env::var_os("FIGURES_DB_DIR").map(std::path::PathBuf::from);
        let temporary = tempfile::tempdir().unwrap();
        let work = kept.unwrap_or_else(|| temporary.path().to_path_buf());
        let big_db = work.join("big");
        let small_db = work.join("small");
        progress(format!(
            "3. building a poll with {} votes and {} comments with approvals",
            thousands(scale.big_votes as f64),
            thousands(scale.big_comments as f64)
        ));
        let build = Instant::now();
        let (id, big_approvals) = {
            let store = Store::open(&big_db).unwrap();
            let approvals = populate(&store, scale.big_votes, scale.big_comments);
            (
                PollId {
                    chat: ChatId(CHAT),
                    number: PollNumber(1),
                },
                approvals,
            )
        };
        let build_time = build.elapsed();
        {
            let store = Store::open(&small_db).unwrap();
            populate(&store, scale.small_votes, scale.small_comments);
        }
        // A tenth of the large poll, to tell memory that grows with the poll
        // from memory that is bounded (sled's page cache).
        let medium_db = work.join("medium");
        {
            let store = Store::open(&medium_db).unwrap();
            populate(&store, scale.big_votes / 10, scale.big_comments / 10);
        }
        Self {
            _temporary: temporary,
            work,
            big_db,
            medium_db,
            small_db,
            id,
            big_approvals,
            build_time,
        }
    }
}

fn figures_3_4(
    table: &mut Table,
    scale: &Scale,
    runtime: &tokio::runtime::Runtime,
    polls: &BuiltPolls,
) {
    let BuiltPolls {
        work,
        big_db,
        medium_db,
        small_db,
        id,
        big_approvals,
        build_time,
        ..
    } = polls;
    let (id, big_approvals, build_time) = (*id, *big_approvals, *build_time);
    progress(format!(
        "3. built in {:.1} s ({} approvals); timing /results",
        build_time.as_secs_f64(),
        thousands(big_approvals as f64)
    ));
    let big = results_figure(big_db, id, 15);
    let small = results_figure(small_db, id, 15);
    table.row(
        "3",
        &format!(
            "/results, {} votes + {} comments (load+summary+chart)",
            thousands(scale.big_votes as f64),
            thousands(scale.big_comments as f64)
        ),
        spread_with(&big.totals, |v| format!("{v:.1}"), " ms"),
        "<= 50 ms",
        Some(big.total <= 50.0),
    );
    table.row(
        "3",
        &format!(
            "/results, {} votes + {} comments",
            thousands(scale.small_votes as f64),
            thousands(scale.small_comments as f64)
        ),
        spread_with(&small.totals, |v| format!("{v:.1}"), " ms"),
        "",
        None,
    );
    table.row(
        "3",
        "  large / small",
        format!("{:.2}x", big.total / small.total),
        "<= 2x",
        Some(big.total / small.total <= 2.0),
    );
    table.row(
        "3",
        "  large: load / summary / chart; first call after open",
        format!(
            "{:.2} / {:.2} / {:.1} ms; {:.1} ms",
            big.load, big.summary, big.chart, big.cold
        ),
        "",
        None,
    );
    table.row(
        "3",
        "  populating the large poll (10,000 events/batch)",
        format!("{:.1} s", build_time.as_secs_f64()),
        "(setup)",
        None,
    );

    // 4. Export.
    progress("4. export: votes_csv in-process, then `pollbot export` (3 runs each)");
    let out = work.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let in_process: Vec<(f64, f64, f64, u64)> = (0..3)
        .map(|_| export_in_process(big_db, id, &out))
        .collect();
    let column =
        |f: fn(&(f64, f64, f64, u64)) -> f64| -> Vec<f64> { in_process.iter().map(f).collect() };
    let csv_runs = column(|r| r.1);
    let csv_secs = median(&mut csv_runs.clone());
    let open_secs = median(&mut column(|r| r.0));
    let comments_secs = median(&mut column(|r| r.2));
    let csv_bytes = in_process[0].3;
    let mut big_runs = Vec::new();
    let mut medium_runs = Vec::new();
    let mut small_runs = Vec::new();
    let mut opened = Vec::new();
    runtime.block_on(async {
        for db in [big_db, medium_db] {
            opened.push(open_only_binary(db, id, &out.join("open")).await);
        }
        for _ in 0..3 {
            big_runs.push(export_binary(big_db, id, &out.join("big")).await);
            medium_runs.push(export_binary(medium_db, id, &out.join("medium")).await);
            small_runs.push(export_binary(small_db, id, &out.join("small")).await);
        }
    });
    let seconds = |runs: &[(f64, u64)]| -> Vec<f64> { runs.iter().map(|r| r.0).collect() };
    let medium_peak = medium_runs.iter().map(|r| r.1).max().unwrap_or(0);
    let big_peak = big_runs.iter().map(|r| r.1).max().unwrap_or(0);
    let small_peak = small_runs.iter().map(|r| r.1).max().unwrap_or(0);
    table.row(
        "4",
        &format!(
            "report::votes_csv, {} votes, in-process",
            thousands(scale.big_votes as f64)
        ),
        format!(
            "{} ({:.0} MB CSV)",
            spread(&csv_runs),
            csv_bytes as f64 / 1e6
        ),
        "<= 2 s",
        Some(csv_secs <= 2.0),
    );
    table.row(
        "4",
        &format!(
            "  in-process: Store::open; report::comments_csv, {} comments",
            thousands(scale.big_comments as f64)
        ),
        format!("{open_secs:.2} s; {comments_secs:.2} s"),
        "",
        None,
    );
    table.row(
        "4",
        "`pollbot export --format csv` (votes + comments files), large",
        format!(
            "{}, peak RSS {}",
            spread(&seconds(&big_runs)),
            mib(big_peak)
        ),
        "",
        None,
    );
    table.row(
        "4",
        &format!(
            "`pollbot export --format csv`, {} votes + {} comments",
            thousands((scale.big_votes / 10) as f64),
            thousands((scale.big_comments / 10) as f64)
        ),
        format!(
            "{}, peak RSS {}",
            spread(&seconds(&medium_runs)),
            mib(medium_peak)
        ),
        "",
        None,
    );
    table.row(
        "4",
        &format!(
            "`pollbot export --format csv`, {} votes + {} comments",
            thousands(scale.small_votes as f64),
            thousands(scale.small_comments as f64)
        ),
        format!(
            "{}, peak RSS {}",
            spread(&seconds(&small_runs)),
            mib(small_peak)
        ),
        "",
        None,
    );
    table.row(
        "4",
        "  export peak RSS large / small; large / tenth",
        format!(
            "{:.2}x; {:.2}x",
            big_peak as f64 / small_peak.max(1) as f64,
            big_peak as f64 / medium_peak.max(1) as f64
        ),
        "",
        None,
    );
    // sled's open grows with the database (it rebuilds its page table); what
    // the export itself adds on top of that must not grow with the votes.
    let big_own = big_peak.saturating_sub(opened[0]);
    let medium_own = medium_peak.saturating_sub(opened[1]);
    let own_ratio = big_own as f64 / medium_own.max(1) as f64;
    table.row(
        "4",
        "  opening the database alone: large; tenth",
        format!("{}; {}", mib(opened[0]), mib(opened[1])),
        "",
        None,
    );
    table.row(
        "4",
        "  the export's own memory (peak - open): large; tenth",
        format!("{}; {} ({own_ratio:.2}x)", mib(big_own), mib(medium_own)),
        "flat (<= 1.5x)",
        Some(own_ratio <= 1.5),
    );
}

// ---------------------------------------------------------------------------
// Figure 7: the full report

/// Resets this process's peak RSS (`VmHWM`) to its current RSS (Linux 4.0+),
/// so that the next peak read is the peak of what follows.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// One full report (report.html and timeline.png) of poll `id`, on a freshly
/// opened store, as the bot's `/report` makes it: seconds, and the peak RSS
/// it added to the process in kB (`None` where the peak cannot be reset).
fn full_report_once(db: &Path, id: PollId, out: &Path) -> (f64, Option<u64>) {
    let store = Store::open(db).unwrap();
    let reset = reset_peak_rss();
    let (_, before) = memory_kb(std::process::id()).unwrap();
    let start = Instant::now();
    let html = BufWriter::new(File::create(out.join("report.html")).unwrap());
    let data = load::full_report_data(&store, id, None, report::Scope::Campaign).unwrap();
    let full = report::write_full_report(&data, Language::English, html).unwrap();
    std::fs::write(out.join("timeline.png"), &full.timeline_png).unwrap();
    let secs = start.elapsed().as_secs_f64();
    let (peak, _) = memory_kb(std::process::id()).unwrap();
    black_box(full);
    (secs, reset.then(|| peak.saturating_sub(before)))
}

/// `median (min–max)` of seconds.
fn spread(values: &[f64]) -> String {
    spread_with(values, |v| format!("{v:.2}"), " s")
}

fn figure_7(table: &mut Table, scale: &Scale, polls: &BuiltPolls) {
    const RUNS: usize = 5;
    progress(format!(
        "7. full report (report.html + timeline.png), {} votes + {} comments and a tenth ({RUNS} runs each)",
        thousands(scale.big_votes as f64),
        thousands(scale.big_comments as f64)
    ));
    let out = polls.work.join("full-report");
    std::fs::create_dir_all(&out).unwrap();
    let measure = |db: &Path| {
        let runs: Vec<(f64, Option<u64>)> = (0..RUNS)
            .map(|_| full_report_once(db, polls.id, &out))
            .collect();
        let secs: Vec<f64> = runs.iter().map(|r| r.0).collect();
        let peaks: Vec<u64> = runs.iter().filter_map(|r| r.1).collect();
        (secs, peaks.into_iter().max())
    };
    let (big_secs, big_peak) = measure(&polls.big_db);
    let (medium_secs, medium_peak) = measure(&polls.medium_db);
    let big_median = median(&mut big_secs.clone());
    let peak_text = |peak: Option<u64>| peak.map_or("peak unknown".to_owned(), mib);
    table.row(
        "7",
        &format!(
            "full report, {} votes + {} comments (median, min–max)",
            thousands(scale.big_votes as f64),
            thousands(scale.big_comments as f64)
        ),
        format!("{}, +{} peak RSS", spread(&big_secs), peak_text(big_peak)),
        "",
        None,
    );
    table.row(
        "7",
        &format!(
            "full report, {} votes + {} comments",
            thousands((scale.big_votes / 10) as f64),
            thousands((scale.big_comments / 10) as f64)
        ),
        format!(
            "{}, +{} peak RSS",
            spread(&medium_secs),
            peak_text(medium_peak)
        ),
        "",
        None,
    );
    // What the report adds is sled's page cache (8 MiB, filled as it reads)
    // and the page and its charts (a few MiB), whatever the poll's size;
    // holding a million ballots would take about 100 MiB more.
    if let (Some(big), Some(medium)) = (big_peak, medium_peak) {
        let growth = big.saturating_sub(medium);
        table.row(
            "7",
            "  its memory, large minus tenth (it streams)",
            mib(growth),
            "flat (<= 16 MiB)",
            Some(growth <= 16 * 1024),
        );
    }
    table.row(
        "7",
        "  time, large / tenth",
        format!(
            "{:.1}x",
            big_median / median(&mut medium_secs.clone()).max(1e-9)
        ),
        "",
        None,
    );
}

fn figure_5(table: &mut Table, scale: &Scale, runtime: &tokio::runtime::Runtime) {
    progress(format!(
        "5. {} votes through the bot binary (memory)",
        thousands(scale.memory_votes as f64)
    ));
    let segment = (scale.memory_votes / 10).max(1);
    let memory = runtime.block_on(ingest_through_bot(scale.memory_votes, false, segment, true));
    table.row(
        "5",
        &format!(
            "bot peak RSS (VmHWM) after {} votes",
            thousands(memory.votes as f64)
        ),
        format!("{} (RSS now {})", mib(memory.hwm_kb), mib(memory.rss_kb)),
        "<= 64 MiB",
        Some(memory.hwm_kb <= 64 * 1024),
    );
    if let Some(restart) = memory.restart_hwm_kb {
        table.row(
            "5",
            "  bot peak RSS restarted on that database (polling)",
            mib(restart),
            "<= 64 MiB",
            Some(restart <= 64 * 1024),
        );
    }
    let seg = &memory.segments;
    table.row(
        "5",
        &format!(
            "  ingest rate: overall; first / last {}",
            thousands(memory.segment as f64)
        ),
        format!(
            "{} votes/s; {} / {}",
            thousands(memory.rate()),
            thousands(seg.first().copied().unwrap_or(f64::NAN)),
            thousands(seg.last().copied().unwrap_or(f64::NAN))
        ),
        "",
        None,
    );
    table.row(
        "5",
        "  database on disk afterwards",
        format!("{:.0} MB", memory.db_bytes as f64 / 1e6),
        "",
        None,
    );
}

fn figure_6(table: &mut Table, scale: &Scale, runtime: &tokio::runtime::Runtime) {
    progress(format!("6. cold start ({} starts)", scale.starts));
    let mut starts: Vec<f64> = runtime.block_on(async {
        let mut starts = Vec::new();
        for _ in 0..scale.starts {
            starts.push(ms(cold_start_once().await));
        }
        starts
    });
    let cold = median(&mut starts);
    table.row(
        "6",
        "cold start: spawn -> first getUpdates at the fake",
        format!(
            "{cold:.1} ms (min {:.1}, max {:.1})",
            starts[0],
            starts[starts.len() - 1]
        ),
        "<= 100 ms",
        Some(cold <= 100.0),
    );
}

// ---------------------------------------------------------------------------
// Figure 8: fairness, one chat flooding while others ask

/// Chats in figure 8: one floods, these ask once a second.
const QUIET_CHATS: i64 = 20;
/// Commands the flooding chat queues.
const FLOOD_COMMANDS: i32 = 200;

/// One run: the p50 and p99 reply latency (ms) in the quiet chats while
/// the busy chat has `FLOOD_COMMANDS` queued.
async fn fairness_run(rounds: usize) -> (f64, f64) {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    let busy = -1_003_000_000_000;
    let quiet: Vec<i64> = (1..=QUIET_CHATS).map(|i| busy - i).collect();
    let moderator = updates::person(MODERATOR, "Moderator");
    for &chat in quiet.iter().chain([busy].iter()) {
        fake.set_admins(chat, MODERATOR, &[]);
    }
    let mut bot = spawn_bot(&fake, dir.path());
    let flood = (0..FLOOD_COMMANDS)
        .map(|i| updates::message(busy, 10 + i, &moderator, "/help"))
        .collect();
    let (_, last) = fake.push_updates(flood);
    assert!(fake.wait_acknowledged(last, Duration::from_secs(30)).await);
    let mut asked: HashMap<(i64, i64), Instant> = HashMap::new();
    for round in 0..rounds {
        let start = Instant::now();
        for &chat in &quiet {
            let message_id = 1 + round as i32;
            fake.push_update(updates::message(chat, message_id, &moderator, "/help"));
            asked.insert((chat, i64::from(message_id)), Instant::now());
        }
        tokio::time::sleep(Duration::from_secs(1).saturating_sub(start.elapsed())).await;
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    let latencies = loop {
        let answers: Vec<f64> = fake
            .calls_to("sendMessage")
            .iter()
            .filter(|c| !c.failed)
            .filter_map(|c| {
                let chat = c.chat_id()?;
                let reply: serde_json::Value = match c.params.get("reply_parameters")? {
                    serde_json::Value::String(s) => serde_json::from_str(s).ok()?,
                    other => other.clone(),
                };
                let asked_at = asked.get(&(chat, reply.get("message_id")?.as_i64()?))?;
                Some(ms(c.at.saturating_duration_since(*asked_at)))
            })
            .collect();
        if answers.len() >= asked.len() || Instant::now() > deadline {
            break answers;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(latencies.len(), asked.len(), "every quiet chat answered");
    let _ = stop_bot(&mut bot).await;
    let mut sorted = latencies;
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((sorted.len() as f64 - 1.0) * q).round() as usize];
    (at(0.5), at(0.99))
}

fn figure_8(table: &mut Table, scale: &Scale, runtime: &tokio::runtime::Runtime) {
    progress(format!(
        "8. fairness: {QUIET_CHATS} chats ask /help once a second for {} s while one chat has {FLOOD_COMMANDS} commands queued (3 runs)",
        scale.fairness_rounds
    ));
    let runs: Vec<(f64, f64)> = (0..3)
        .map(|_| runtime.block_on(fairness_run(scale.fairness_rounds)))
        .collect();
    let mut p50s: Vec<f64> = runs.iter().map(|r| r.0).collect();
    let mut p99s: Vec<f64> = runs.iter().map(|r| r.1).collect();
    let p50 = median(&mut p50s);
    let p99 = median(&mut p99s);
    table.row(
        "8",
        "reply latency in quiet chats while one chat floods: p50",
        format!(
            "{p50:.0} ms (runs {:.0}–{:.0})",
            p50s[0],
            p50s[p50s.len() - 1]
        ),
        "",
        None,
    );
    table.row(
        "8",
        "  p99",
        format!(
            "{p99:.0} ms (runs {:.0}–{:.0})",
            p99s[0],
            p99s[p99s.len() - 1]
        ),
        "<= 2,000 ms",
        Some(p99 <= 2000.0),
    );
}

// ---------------------------------------------------------------------------
// Figure 10: a quiet command while the chat's full report renders

/// Rounds of `/report` then `/help` in the chat of the large poll.
const REPORT_ROUNDS: usize = 5;

/// In the chat of the large poll: `/report`, then at once `/help`; the
/// latency of `/help`'s reply, and of the report's page, per round.
async fn report_then_help(db: &Path) -> Vec<(f64, f64)> {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake.set_admins(CHAT, MODERATOR, &[]);
    fake.set_bot_admin(CHAT, true);
    let mut bot = spawn_bot_on(&fake, dir.path(), db);
    let moderator = updates::person(MODERATOR, "Moderator");
    let mut rounds = Vec::new();
    for round in 0..REPORT_ROUNDS {
        let (report, help) = (100 + 2 * round as i32, 101 + 2 * round as i32);
        let asked = Instant::now();
        fake.push_update(updates::message(CHAT, report, &moderator, "/report 1"));
        fake.push_update(updates::message(CHAT, help, &moderator, "/help"));
        let replied_to = |method: &str, message: i32| {
            fake.calls_to(method).iter().find_map(|c| {
                let reply: serde_json::Value = match c.params.get("reply_parameters")? {
                    serde_json::Value::String(s) => serde_json::from_str(s).ok()?,
                    other => other.clone(),
                };
                (!c.failed && reply.get("message_id")?.as_i64()? == i64::from(message))
                    .then_some(c.at)
            })
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        let (help_at, page_at) = loop {
            if let (Some(h), Some(p)) = (
                replied_to("sendMessage", help),
                replied_to("sendDocument", report),
            ) {
                break (h, p);
            }
            assert!(
                Instant::now() < deadline,
                "round {round}: /help and the report answered"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        rounds.push((
            ms(help_at.saturating_duration_since(asked)),
            ms(page_at.saturating_duration_since(asked)),
        ));
        // The chat's 20 messages a minute: three per round.
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    let _ = stop_bot(&mut bot).await;
    rounds
}

fn figure_10(
    table: &mut Table,
    scale: &Scale,
    runtime: &tokio::runtime::Runtime,
    polls: &BuiltPolls,
) {
    progress(format!(
        "10. /help while a full report of {} votes renders in the same chat ({REPORT_ROUNDS} rounds)",
        thousands(scale.big_votes as f64)
    ));
    let rounds = runtime.block_on(report_then_help(&polls.big_db));
    let mut helps: Vec<f64> = rounds.iter().map(|r| r.0).collect();
    let mut pages: Vec<f64> = rounds.iter().map(|r| r.1).collect();
    let help = median(&mut helps);
    let page = median(&mut pages);
    table.row(
        "10",
        &format!(
            "/help reply while /report of {} votes renders (same chat)",
            thousands(scale.big_votes as f64)
        ),
        format!(
            "{help:.0} ms ({:.0}–{:.0}, {} runs); the page: {page:.0} ms",
            helps[0],
            helps[helps.len() - 1],
            helps.len()
        ),
        "<= 2,000 ms",
        Some(help <= 2000.0),
    );
}

// ---------------------------------------------------------------------------
// Figure 9: /results of a poll run in ten chats

/// Chats in figure 9's campaign.
const CAMPAIGN_CHATS: usize = 10;

/// Builds a campaign of `CAMPAIGN_CHATS` public polls, `votes` voters in
/// all, through the bot's own paths (one in twenty votes in the next chat
/// too, later: 5% more votes than voters); returns the origin.
fn populate_campaign(store: &Store, votes: usize) -> PollId {
    let per_chat = votes / CAMPAIGN_CHATS;
    let telegram_id = |c: usize| format!("campaign-{c}");
    let ids: Vec<PollId> = store
        .write(|changes| {
            let mut ids = Vec::new();
            for c in 0..CAMPAIGN_CHATS {
                changes
                    .set_chat_title(ChatId(CHAT - c as i64), &format!("Chat number {}", c + 1))?;
                let poll = changes.create_poll(ChatId(CHAT - c as i64), |id| Poll {
                    telegram_id: telegram_id(c),
                    ..bench_poll(id)
                })?;
                ids.push(poll.id);
            }
            for &copy in &ids[1..] {
                changes.add_copy(ids[0], copy)?;
            }
            Ok(ids)
        })
        .unwrap();
    let vote = |chat: usize, voter: i64, option: u32, second: i64| Event::Vote {
        telegram_poll_id: telegram_id(chat),
        voter: Person {
            id: UserId(voter),
            name: format!("Voter {voter}"),
        },
        option_ids: vec![option],
        option_persistent_ids: Vec::new(),
        at: at(second),
    };
    let mut events = Vec::with_capacity(10_000);
    for c in 0..CAMPAIGN_CHATS {
        for i in 0..per_chat {
            let voter = FIRST_VOTER + (c * per_chat + i) as i64;
            events.push(vote(c, voter, option_of(i + c), i as i64));
            // One in twenty also votes in the next chat, later: counted there.
            if i % 20 == 0 {
                let next = (c + 1) % CAMPAIGN_CHATS;
                events.push(vote(next, voter, option_of(i + 1), (votes + i) as i64));
            }
            if events.len() >= 10_000 {
                write_following(store, &events);
                events.clear();
            }
        }
    }
    write_following(store, &events);
    store.flush().unwrap();
    ids[0]
}

fn write_following(store: &Store, events: &[Event]) {
    store
        .write(|changes| {
            for event in events {
                pollbot::ingest::apply_following_campaigns(changes, event)?;
            }
            Ok(())
        })
        .unwrap();
}

/// What `/results` computes for a campaign: the chats and the combined
/// tally, the summary and the stacked chart.
fn campaign_results_once(store: &Store, id: PollId) -> Duration {
    let start = Instant::now();
    let campaign = load::campaign_report(store, id).unwrap().unwrap();
    let text = campaign.summary(Language::English).full();
    let png = report::campaign_chart::render_stacked_png(&campaign.chart_input(Language::English))
        .unwrap();
    black_box((text, png));
    start.elapsed()
}

fn figure_9(table: &mut Table, scale: &Scale) {
    let votes = scale.big_votes;
    progress(format!(
        "9. /results of a campaign over {CAMPAIGN_CHATS} chats, {votes} votes"
    ));
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let origin = {
        let store = Store::open(&db).unwrap();
        populate_campaign(&store, votes)
    };
    let store = Store::open(&db).unwrap();
    // The first results build the combined tally from every ballot...
    let built = campaign_results_once(&store, origin);
    // ... then votes keep it up to date, and results read it.
    let mut runs = Vec::new();
    for round in 0..15i64 {
        let events: Vec<Event> = (0..100i64)
            .map(|k| Event::Vote {
                telegram_poll_id: format!("campaign-{}", k % CAMPAIGN_CHATS as i64),
                voter: Person {
                    id: UserId(FIRST_VOTER + round * 1000 + k),
                    name: "Late voter".into(),
                },
                option_ids: vec![(k % 4) as u32],
                option_persistent_ids: Vec::new(),
                at: at(10 * votes as i64 + round * 100 + k),
            })
            .collect();
        write_following(&store, &events);
        runs.push(ms(campaign_results_once(&store, origin)));
    }
    let total = median(&mut runs.clone());
    table.row(
        "9",
        &format!(
            "/results of a campaign over {CAMPAIGN_CHATS} chats, {} voters ({} votes: one in twenty voted in two chats), votes coming in",
            thousands(votes as f64),
            thousands((votes + votes / 20) as f64)
        ),
        spread_with(&runs, |v| format!("{v:.1}"), " ms"),
        "<= 50 ms",
        Some(total <= 50.0),
    );
    table.row(
        "9",
        "  the first /results, which builds the combined tally from every ballot",
        format!("{:.2} s", built.as_secs_f64()),
        "",
        None,
    );
    figure_11(table, &store, origin, votes);
}

/// Figure 11: votes keep being recorded while a campaign's combined tally is
/// rebuilt from every ballot (it is rebuilt without the store's write
/// lock). The longest gap between two recorded batches of 100 votes during
/// the rebuild, per run.
fn figure_11(table: &mut Table, store: &Store, origin: PollId, votes: usize) {
    progress("11. ingest while the campaign's combined tally is rebuilt (3 runs)");
    let mut gaps = Vec::new();
    let mut rebuilds = Vec::new();
    for run in 0..3i64 {
        // A vote that skips the kept tally makes it out of date: the next
        // results rebuild it from every ballot.
        let stale = Event::Vote {
            telegram_poll_id: "campaign-0".into(),
            voter: Person {
                id: UserId(FIRST_VOTER + 900_000_000 + run),
                name: "Stale".into(),
            },
            option_ids: vec![0],
            option_persistent_ids: Vec::new(),
            at: at(20 * votes as i64 + run),
        };
        store
            .write(|changes| apply(changes, &stale).map(|_| ()))
            .unwrap();
        let rebuilding = std::sync::atomic::AtomicBool::new(true);
        let (gap, rebuild) = std::thread::scope(|scope| {
            let rebuilt = scope.spawn(|| {
                let start = Instant::now();
                black_box(load::campaign_report(store, origin).unwrap());
                rebuilding.store(false, std::sync::atomic::Ordering::SeqCst);
                start.elapsed()
            });
            let mut last = Instant::now();
            let mut longest = Duration::ZERO;
            let mut batch = 0i64;
            while rebuilding.load(std::sync::atomic::Ordering::SeqCst) {
                let events: Vec<Event> = (0..100i64)
                    .map(|k| Event::Vote {
                        telegram_poll_id: format!("campaign-{}", k % CAMPAIGN_CHATS as i64),
                        voter: Person {
                            id: UserId(FIRST_VOTER + 100_000_000 * (run + 2) + batch * 100 + k),
                            name: "Voter during a rebuild".into(),
                        },
                        option_ids: vec![(k % 4) as u32],
                        option_persistent_ids: Vec::new(),
                        at: at(30 * votes as i64 + batch),
                    })
                    .collect();
                write_following(store, &events);
                let now = Instant::now();
                longest = longest.max(now - last);
                last = now;
                batch += 1;
            }
            (longest, rebuilt.join().unwrap())
        });
        gaps.push(ms(gap));
        rebuilds.push(rebuild.as_secs_f64());
    }
    let longest = median(&mut gaps.clone());
    table.row(
        "11",
        "ingest while a campaign's combined tally is rebuilt: longest pause between batches of 100 votes",
        spread_with(&gaps, |v| format!("{v:.0}"), " ms"),
        "<= 100 ms",
        Some(longest <= 100.0),
    );
    table.row(
        "11",
        "  the rebuild meanwhile",
        spread_with(&rebuilds, |v| format!("{v:.2}"), " s"),
        "",
        None,
    );
}
