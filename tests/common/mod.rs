//! Test support: the fake Bot API server, update builders, and the real bot
//! started against them with its own temporary database.
#![allow(dead_code, unused_imports)]

pub mod chat;
pub mod fake_telegram;
pub mod process;
pub mod records;
pub mod stores;
pub mod updates;

use std::path::{Path, PathBuf};
use std::time::Duration;

use pollbot::clock::Clock;
use pollbot::config::{Config, Webhook, WebhookSecret};
use pollbot::i18n::Language;
use pollbot::poll::UserId;
use pollbot::store::scratch::ScratchDatabase;
use pollbot::store::{Location, Store};
use pollbot::telegram::Activity;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fake_telegram::{Call, Failure, FakeTelegram};

/// The webhook secret of [`World::with_webhook`].
pub const WEBHOOK_SECRET: &str = "test-Secret_42";

/// An address on 127.0.0.1 with a port free a moment ago (bound, then let
/// go), for a server that must listen at the same address across restarts.
pub fn free_local_address() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free local port")
}

/// How long a test waits for something the bot should do promptly.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The configuration `main` would build, pointed at the fake server.
pub fn config(fake: &FakeTelegram, db: impl Into<Location>, moderators: &[i64]) -> Config {
    Config {
        token: fake_telegram::TOKEN.to_owned(),
        api_url: fake.api_url(),
        db: db.into(),
        moderators: moderators.iter().map(|&id| UserId(id)).collect(),
        default_language: Language::English,
        upload_limit: pollbot::app::TELEGRAM_UPLOAD_LIMIT,
        lane_idle: pollbot::telegram::LANE_IDLE,
        webhook: None,
        metrics: None,
    }
}

/// The real bot (`pollbot::telegram::run`, as `main` runs it) in this
/// process, talking HTTP to the fake server.
pub struct RunningBot {
    stop: Option<oneshot::Sender<()>>,
    task: JoinHandle<anyhow::Result<()>>,
    pub activity: Activity,
}

impl RunningBot {
    pub fn start(config: Config, clock: Clock) -> Self {
        let (stop, stopped) = oneshot::channel::<()>();
        let activity = Activity::default();
        let task = tokio::spawn(pollbot::telegram::run_observed(
            config,
            async move {
                let _ = stopped.await;
            },
            activity.clone(),
            clock,
        ));
        Self {
            stop: Some(stop),
            task,
            activity,
        }
    }

    /// Asks the bot to stop as on SIGTERM and waits until it has.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        tokio::time::timeout(Duration::from_secs(60), &mut self.task)
            .await
            .expect("the bot stops within a minute")
            .expect("the bot task does not panic")
    }
}

/// A fake server, a temporary database, and the bot running on both.
pub struct World {
    pub fake: FakeTelegram,
    pub dir: tempfile::TempDir,
    pub moderators: Vec<i64>,
    pub bot: Option<RunningBot>,
    /// The bot's clock: the system clock, or a manual one (see
    /// [`World::on_manual_clock`]) that every start of the bot shares.
    pub clock: Clock,
    /// The bot's database is this scratch PostgreSQL database rather than
    /// sled in `dir` (see [`BOT_STORE`]).
    pub postgres: Option<ScratchDatabase>,
    /// The webhook's address, when the bot runs in webhook mode (every
    /// start of the bot listens there).
    pub webhook: Option<std::net::SocketAddr>,
}

/// `POLLBOT_TEST_BOT_STORE=postgres` runs the bot of every [`World`] on a
/// scratch PostgreSQL database of its own (on the server of
/// `POLLBOT_TEST_POSTGRES`): `.ci/run` runs the end-to-end suites once so.
pub const BOT_STORE: &str = "POLLBOT_TEST_BOT_STORE";

impl World {
    pub async fn start() -> Self {
        Self::with_moderators(&[]).await
    }

    pub async fn with_moderators(moderators: &[i64]) -> Self {
        let mut world = Self::stopped(moderators).await;
        world.start_bot();
        world
    }

    /// A world whose bot and fake Telegram tell time by a manual clock
    /// (`world.clock`): a deadline passes when the test moves the clock.
    pub async fn on_manual_clock() -> Self {
        let mut world = Self::stopped(&[]).await;
        world.use_manual_clock();
        world.start_bot();
        world
    }

    /// A world whose bot runs on the usual configuration changed by
    /// `adjust` (an upload limit, a lane's idle time).
    pub async fn with_config(adjust: impl FnOnce(&mut Config)) -> Self {
        let mut world = Self::stopped(&[]).await;
        let mut config = config(&world.fake, world.db_location(), &world.moderators);
        adjust(&mut config);
        world.start_bot_with(config);
        world
    }

    /// A fake server and a temporary database, the bot not started yet.
    async fn stopped(moderators: &[i64]) -> Self {
        init_logs();
        Self {
            fake: FakeTelegram::start().await,
            dir: tempfile::tempdir().expect("a temporary directory"),
            moderators: moderators.to_vec(),
            bot: None,
            clock: Clock::system(),
            postgres: match std::env::var(BOT_STORE).as_deref() {
                Ok("postgres") => Some(
                    ScratchDatabase::from_env()
                        .expect("POLLBOT_TEST_BOT_STORE=postgres needs POLLBOT_TEST_POSTGRES"),
                ),
                _ => None,
            },
            webhook: None,
        }
    }

    /// A world whose bot runs in webhook mode on a free local port, with
    /// [`WEBHOOK_SECRET`]; returns once the bot has set its webhook.
    pub async fn with_webhook(moderators: &[i64]) -> Self {
        let mut world = Self::stopped(moderators).await;
        world.webhook = Some(free_local_address());
        world.start_bot();
        world.wait_webhook_set(1).await;
        world
    }

    /// Waits until the bot has set its webhook the `times`-th time (again
    /// after each restart).
    pub async fn wait_webhook_set(&self, times: usize) {
        let set = self
            .fake
            .wait_for_calls("setWebhook", times, PATIENCE)
            .await;
        assert_eq!(set.len(), times, "the bot set its webhook");
        assert!(self.fake.webhook().is_some(), "the webhook is set");
    }

    /// `http://127.0.0.1:PORT` of the bot's webhook server.
    pub fn webhook_base(&self) -> String {
        format!("http://{}", self.webhook.expect("webhook mode"))
    }

    /// The configuration for webhook mode at `listen`.
    pub fn webhook_config(&self, listen: std::net::SocketAddr) -> Config {
        let mut config = config(&self.fake, self.db_location(), &self.moderators);
        config.webhook = Some(Webhook {
            url: format!("http://{listen}/telegram").parse().unwrap(),
            listen,
            secret: WebhookSecret::parse(WEBHOOK_SECRET).unwrap(),
        });
        config
    }

    /// The bot (each time it starts) and the fake's Telegram tell time by
    /// a manual clock, which shows the present until the test moves it
    /// (`world.clock.advance(..)`); returns it.
    fn use_manual_clock(&mut self) -> Clock {
        assert!(self.bot.is_none(), "the clock is set before the bot starts");
        self.clock = Clock::manual(chrono::Utc::now());
        self.fake.follow_clock(self.clock.clone());
        self.clock.clone()
    }

    /// The sled folder of a world on sled.
    pub fn db_path(&self) -> PathBuf {
        assert!(
            self.postgres.is_none(),
            "this test reads sled's folder: not for {BOT_STORE}=postgres"
        );
        self.dir.path().join("db")
    }

    /// Where the bot's database is.
    pub fn db_location(&self) -> Location {
        match &self.postgres {
            Some(scratch) => scratch.location.clone(),
            None => Location::folder(self.dir.path().join("db")),
        }
    }

    pub fn start_bot(&mut self) {
        let config = match self.webhook {
            Some(listen) => self.webhook_config(listen),
            None => config(&self.fake, self.db_location(), &self.moderators),
        };
        self.start_bot_with(config);
    }

    pub fn start_bot_with(&mut self, config: Config) {
        assert!(self.bot.is_none(), "the bot is already running");
        self.bot = Some(RunningBot::start(config, self.clock.clone()));
    }

    /// Waits until the bot is idle: every pushed update acknowledged, no
    /// job in any lane, no request being answered by the fake. What the bot
    /// has not done by then, it will not do.
    pub async fn wait_idle(&self) {
        let bot = self.bot.as_ref().expect("the bot is running");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        let mut quiet_checks = 0;
        while quiet_checks < 3 {
            let idle = self.fake.all_acknowledged()
                && self.fake.in_flight() == 0
                && bot.activity.is_idle();
            quiet_checks = if idle { quiet_checks + 1 } else { 0 };
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot did not become idle: {:#?}",
                self.fake.calls()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits until no chat has a lane: each went after its idle time.
    pub async fn wait_lanes_closed(&self) {
        let bot = self.bot.as_ref().expect("the bot is running");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while bot.activity.open_lanes() > 0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{} lanes still open",
                bot.activity.open_lanes()
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub async fn stop_bot(&mut self) {
        let bot = self.bot.take().expect("the bot is running");
        bot.stop().await.expect("the bot stops cleanly");
    }

    /// Stops the bot and opens its database (sled allows one opener).
    pub async fn stop_and_open_store(&mut self) -> Store {
        self.stop_bot().await;
        // sled's background flusher lets go of the file lock a moment after
        // the database is dropped.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            match Store::open_at(&self.db_location()) {
                Ok(store) => return store,
                Err(pollbot::store::StoreError::Locked { .. })
                    if tokio::time::Instant::now() < deadline =>
                {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                Err(error) => panic!("the database opens after the bot stopped: {error}"),
            }
        }
    }

    /// Pushes an update and waits until the bot has acknowledged it, that
    /// is, recorded it durably.
    pub async fn deliver(&self, update: serde_json::Value) -> i64 {
        let id = self.fake.push_update(update);
        assert!(
            self.fake.wait_acknowledged(id, PATIENCE).await,
            "update {id} acknowledged"
        );
        id
    }

    /// Pushes updates and waits until all are acknowledged.
    pub async fn deliver_all(&self, updates: Vec<serde_json::Value>) {
        let (_, last) = self.fake.push_updates(updates);
        assert!(
            self.fake.wait_acknowledged(last, PATIENCE).await,
            "updates through {last} acknowledged"
        );
    }

    /// Waits for the `n`-th call (1-based) of `method` and returns it.
    pub async fn nth_call(&self, method: &str, n: usize) -> Call {
        let calls = self.fake.wait_for_calls(method, n, PATIENCE).await;
        assert!(
            calls.len() >= n,
            "expected {n} {method} calls, got {}: {:#?}",
            calls.len(),
            self.fake.calls()
        );
        calls[n - 1].clone()
    }

    /// The text of the `n`-th message the bot sent to `chat`.
    pub async fn nth_message_to(&self, chat: i64, n: usize) -> String {
        let sent = chat::wait_sent_to(self, "sendMessage", chat, n).await;
        sent[n - 1].text().unwrap_or_default()
    }

    /// Every call the bot made conforms to the Bot API description.
    pub fn assert_api_calls_valid(&self) {
        let violations = self.fake.api_violations();
        assert!(violations.is_empty(), "Bot API violations: {violations:#?}");
    }

    /// Every call the bot made conforms to the Bot API description, and no
    /// message was refused for exceeding Telegram's limits.
    pub fn assert_api_conformance(&self) {
        self.assert_api_calls_valid();
        let limited = self.fake.rate_limited();
        assert!(
            limited.is_empty(),
            "the bot exceeded Telegram's limits: {limited:?}"
        );
    }
}

/// The bot's logs in the test output, when `RUST_LOG` asks for them.
pub fn init_logs() {
    if std::env::var_os("RUST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
    }
}

/// The rows of a CSV export, after the BOM it starts with.
pub fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "CSV starts with a BOM"
    );
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..]);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

/// A small deterministic generator (splitmix64); no `rand` needed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}
