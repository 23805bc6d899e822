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
pub type ThrottledBot = Throttle<Bot>;

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
