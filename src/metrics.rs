//! What Prometheus reads at `/metrics`: updates received and recorded,
//! commands answered, jobs waiting in the chats' lanes, 429s from
//! Telegram, and how long store commits take.
//!
//! Each running bot has its own [`Metrics`] (tests run several in one
//! process). The store commit histogram is the exception: the store is
//! opened without knowing which bot runs it, so its commits are observed
//! process-wide through [`observe_store_commit`] (in production one
//! process runs one bot), and every bot's `/metrics` shows it.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The content type of Prometheus' text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Store commits, from 100 µs to about 6.5 s.
static STORE_COMMIT: LazyLock<Histogram> =
    LazyLock::new(|| Histogram::new(exponential_buckets(0.0001, 2.0, 17)));

/// Notes how long a store commit (a batch applied and flushed) took.
pub fn observe_store_commit(took: Duration) {
    STORE_COMMIT.observe(took.as_secs_f64());
}

/// One bot's counters, cheap to clone (clones count together).
#[derive(Clone)]
pub struct Metrics {
    updates_received: Counter,
    updates_recorded: Counter,
    commands_answered: Counter,
    lane_jobs: Gauge,
    rate_limited: Counter,
    registry: Arc<Registry>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let updates_received = Counter::default();
        let updates_recorded = Counter::default();
        let commands_answered = Counter::default();
        let lane_jobs = Gauge::default();
        let rate_limited = Counter::default();
        let mut registry = Registry::with_prefix("pollbot");
        registry.register(
            "updates_received",
            "Updates received from Telegram (by getUpdates or webhook), redeliveries included",
            updates_received.clone(),
        );
        registry.register(
            "updates_recorded",
            "Updates whose effects were stored (each once)",
            updates_recorded.clone(),
        );
        registry.register(
            "commands_answered",
            "Commands answered",
            commands_answered.clone(),
        );
        registry.register(
            "lane_jobs_queued",
            "Jobs waiting in the chats' lanes",
            lane_jobs.clone(),
        );
        registry.register(
            "telegram_rate_limited",
            "429 Too Many Requests answers from Telegram",
            rate_limited.clone(),
        );
        registry.register(
            "store_commit_seconds",
            "How long a store commit takes (this process)",
            STORE_COMMIT.clone(),
        );
        Self {
            updates_received,
            updates_recorded,
            commands_answered,
            lane_jobs,
            rate_limited,
            registry: Arc::new(registry),
        }
    }

    pub fn updates_received(&self, count: usize) {
        self.updates_received.inc_by(count as u64);
    }

    pub fn updates_recorded(&self, count: usize) {
        self.updates_recorded.inc_by(count as u64);
    }

    pub fn command_answered(&self) {
        self.commands_answered.inc();
    }

    /// Telegram answered 429 Too Many Requests.
    pub fn rate_limited(&self) {
        self.rate_limited.inc();
    }

    /// The gauge of jobs waiting in the lanes, for the lanes to move.
    pub fn lane_jobs(&self) -> &Gauge {
        &self.lane_jobs
    }

    /// Everything, in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing to a String does not fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bot_counts_its_own() {
        let one = Metrics::new();
        let other = Metrics::new();
        one.updates_received(3);
        one.clone().updates_recorded(2);
        one.command_answered();
        one.rate_limited();
        one.lane_jobs().inc();
        observe_store_commit(Duration::from_millis(3));
        let text = one.render();
        for line in [
            "pollbot_updates_received_total 3",
            "pollbot_updates_recorded_total 2",
            "pollbot_commands_answered_total 1",
            "pollbot_telegram_rate_limited_total 1",
            "pollbot_lane_jobs_queued 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(
            text.contains("pollbot_store_commit_seconds_bucket{le="),
            "{text}"
        );
        let text = other.render();
        assert!(
            text.lines()
                .any(|l| l == "pollbot_updates_received_total 0"),
            "{text}"
        );
        assert!(
            text.contains("pollbot_store_commit_seconds_count"),
            "{text}"
        );
    }
}
