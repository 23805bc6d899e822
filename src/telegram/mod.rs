//! The thin edge between Telegram and the poll engine; the only module that
//! knows teloxide.
//!
//! Two tasks share the store: [`polling`] fetches updates, records them
//! durably and only then acknowledges them; [`worker`] answers the commands
//! they queued and closes polls on time. Replies go through teloxide's
//! `Throttle`, which keeps to Telegram's rate limits and retries after a 429.

pub mod command;
pub mod inbound;
mod moderators;
pub mod polling;
mod replies;
mod worker;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use teloxide::adaptors::Throttle;
use teloxide::adaptors::throttle::Limits;
use teloxide::prelude::*;
use tokio::sync::{Notify, watch};
use tracing::info;

use crate::config::Config;
use crate::store::Store;

/// The bot as replies are sent: throttled to Telegram's limits.
pub type Sender = Throttle<Bot>;

/// Runs the bot until `shutdown` completes, then answers what it has
/// fetched, flushes, and returns. This is what `main` runs and what the
/// tests start.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let store = Arc::new(Store::open(&config.db_path)?);
    let bot = bot(&config)?;
    let sender = Throttle::new_spawn(bot.clone(), Limits::default());
    let config = Arc::new(config);

    let (stop, stopping) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop.send(true);
    });
    let wake = Arc::new(Notify::new());
    let (drain, draining) = watch::channel(false);
    let worker = worker::Worker::new(sender, Arc::clone(&store), config);
    let worker = tokio::spawn(worker.run(Arc::clone(&wake), draining));

    info!("pollbot is polling for updates");
    let polled = polling::run(&bot, &store, &wake, stopping).await;
    info!("stopping: answering the commands already fetched");
    let _ = drain.send(true);
    wake.notify_one();
    worker.await.context("the command worker failed")?;
    polled?;
    store.flush()?;
    info!("stopped");
    Ok(())
}

/// The Bot API client. A local API server (a test fake, or Telegram's own
/// server run locally) is reached directly, never through a proxy.
fn bot(config: &Config) -> anyhow::Result<Bot> {
    let url: url::Url = config
        .api_url
        .parse()
        .with_context(|| format!("TELOXIDE_API_URL={:?} is not a URL", config.api_url))?;
    let local = matches!(
        url.host_str(),
        Some("127.0.0.1" | "localhost" | "[::1]" | "::1")
    );
    let mut client = teloxide::net::default_reqwest_settings();
    if local {
        client = client.no_proxy();
    }
    let client = client.build().context("cannot build the HTTP client")?;
    Ok(Bot::with_client(&config.token, client).set_api_url(url))
}

/// `pollbot run`: configuration from the environment, logs, signals.
pub fn run_from_env() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(config, shutdown_signal()))
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => info!("Ctrl-C: shutting down"),
        _ = terminate => info!("SIGTERM: shutting down"),
    }
}
