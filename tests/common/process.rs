//! The real `pollbot` binary as a child process against the fake server.

use std::fs::OpenOptions;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use super::fake_telegram::{self, FakeTelegram};
use pollbot::store::Location;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_pollbot");

/// `pollbot run` as a child process against the fake server. Killed (and
/// reaped) when dropped, so a failing test leaves no bot behind.
pub struct BotProcess {
    child: Option<Child>,
    fake_url: String,
    dir: PathBuf,
    db: Location,
    moderators: String,
    log: PathBuf,
    /// More variables (webhook mode), set after the defaults.
    env: Vec<(String, String)>,
}

impl BotProcess {
    pub fn start(
        fake: &FakeTelegram,
        dir: &Path,
        db: impl Into<Location>,
        moderators: &[i64],
    ) -> Self {
        Self::start_with(fake, dir, db, moderators, "bot.log", &[])
    }

    /// [`BotProcess::start`] with more variables, logging to `log` (so
    /// that several bots can share a folder).
    pub fn start_with(
        fake: &FakeTelegram,
        dir: &Path,
        db: impl Into<Location>,
        moderators: &[i64],
        log: &str,
        env: &[(&str, String)],
    ) -> Self {
        let mut bot = Self {
            child: None,
            fake_url: fake.api_url(),
            dir: dir.to_path_buf(),
            db: db.into(),
            moderators: moderators
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(","),
            log: dir.join(log),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
        };
        bot.spawn();
        bot
    }

    pub fn spawn(&mut self) {
        assert!(self.child.is_none(), "the bot is already running");
        let log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("the bot's log file");
        let child = Command::new(BIN)
            .arg("run")
            // No `.env` from the developer's checkout.
            .current_dir(&self.dir)
            .env("TELOXIDE_TOKEN", fake_telegram::TOKEN)
            .env("TELOXIDE_API_URL", &self.fake_url)
            .env("POLLBOT_DB", self.db.as_given())
            .env("POLLBOT_MODERATORS", &self.moderators)
            .env("RUST_LOG", "warn")
            .env("NO_PROXY", "127.0.0.1,localhost")
            .env_remove("POLLBOT_LOCALE")
            // Long polling, whatever the developer's shell says.
            .env_remove("POLLBOT_WEBHOOK_URL")
            .env_remove("POLLBOT_WEBHOOK_SECRET")
            .env_remove("POLLBOT_LISTEN")
            .env_remove("POLLBOT_METRICS")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::from(log))
            .spawn()
            .expect("pollbot starts");
        self.child = Some(child);
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("the bot is running").id()
    }

    /// SIGKILL (what `Child::kill` sends on unix), then reap it.
    pub fn kill_9(&mut self) {
        let mut child = self.child.take().expect("the bot is running");
        child.kill().expect("SIGKILL");
        child.wait().expect("the killed bot is reaped");
    }

    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.pid().to_string())
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Waits for the process to exit by itself.
    pub async fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        let deadline = Instant::now() + timeout;
        loop {
            let child = self.child.as_mut().expect("the bot is running");
            if let Some(status) = child.try_wait().expect("try_wait") {
                self.child = None;
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the bot did not exit within {timeout:?}; its log:\n{}",
                self.log_text()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
