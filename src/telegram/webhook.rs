//! Webhook mode: Telegram posts each update to the bot's HTTP server.
//!
//! The bot registers its address with `setWebhook` (its allowed updates
//! and the secret Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`)
//! and answers a post only once the update is recorded and flushed, the
//! way long polling acknowledges a batch ([`polling::record_as`]): any
//! other answer, or none, and Telegram posts it again. Posts come
//! concurrently and in any order, so a redelivery is told by the update's
//! own id, remembered in the same atomic batch as its effects.
//!
//! The same server answers `GET /healthz` (200 when the store answers a
//! read) and `GET /metrics`. TLS is the reverse proxy's job.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use subtle::ConstantTimeEq;
use teloxide::prelude::*;
use tokio::sync::{mpsc, watch};
use tracing::{error, info, warn};

use super::Recording;
use super::lanes::{Activity, InLine, Job, Lanes};
use super::payloads::FetchedUpdate;
use super::polling::{self, Backoff, Seen};
use super::presses::PressAnswer;
use crate::clock::Clock;
use crate::config::{Webhook, WebhookSecret};
use crate::metrics::{self, Metrics};
use crate::store::{Store, UpdateSource};

/// The header Telegram sends the secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";
/// The largest update body taken (Telegram's are a few KiB).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// How long `/healthz` waits for the store.
const HEALTH_WAIT: Duration = Duration::from_secs(5);

/// What the webhook's requests share.
struct Hook {
    store: Arc<Store>,
    lanes: Arc<Lanes>,
    presses: mpsc::UnboundedSender<Vec<PressAnswer>>,
    secret: WebhookSecret,
    source: UpdateSource,
    clock: Clock,
    activity: Activity,
    metrics: Metrics,
    /// Wakes the dispatcher where it finds the commands itself.
    commands: Arc<tokio::sync::Notify>,
    /// Failed tries per update id: one that fails by itself this often is
    /// set aside, as long polling does.
    failures: Mutex<HashMap<i64, u32>>,
}

/// Serves the webhook until `shutdown` turns true (a post being recorded
/// is finished and answered first), after registering it with Telegram.
pub async fn run(
    parts: Recording<'_>,
    webhook: &Webhook,
    mut shutdown: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(webhook.listen)
        .await
        .with_context(|| format!("cannot listen on POLLBOT_LISTEN={}", webhook.listen))?;
    let hook = Arc::new(Hook {
        store: Arc::clone(parts.store),
        lanes: Arc::clone(parts.lanes),
        presses: parts.presses.clone(),
        secret: webhook.secret.clone(),
        source: UpdateSource::new(parts.bot.token(), parts.bot.api_url().as_str()),
        clock: parts.clock.clone(),
        activity: parts.activity.clone(),
        metrics: parts.metrics.clone(),
        commands: Arc::clone(parts.commands),
        failures: Mutex::default(),
    });
    let app = Router::new()
        .route("/healthz", get(health))
        .route("/metrics", get(metrics_text))
        // Any other path: a reverse proxy may pass the webhook's path on
        // or strip it; the secret says whether a post is Telegram's.
        .fallback(receive)
        .with_state(Arc::clone(&hook));
    let mut stopped = shutdown.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|stop| *stop).await;
    });
    let housekeeping = tokio::spawn(keep_house(Arc::clone(&hook)));
    info!(listen = %webhook.listen, url = %webhook.url, "pollbot is serving its webhook");
    let serving = async { server.await.context("the webhook server failed") };
    tokio::pin!(serving);
    let served = tokio::select! {
        registered = register(parts.bot, webhook, parts.metrics, &mut shutdown) => match registered {
            Ok(()) => serving.await,
            Err(error) => Err(error),
        },
        served = &mut serving => served,
    };
    housekeeping.abort();
    served
}

/// Registers the webhook with Telegram, trying again after a passing
/// failure; Telegram refusing the address or the secret is an error.
async fn register(
    bot: &Bot,
    webhook: &Webhook,
    metrics: &Metrics,
    shutdown: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut backoff = Backoff::new();
    loop {
        let request = bot
            .set_webhook(webhook.url.clone())
            .allowed_updates(polling::allowed_updates())
            .secret_token(webhook.secret.as_str())
            .drop_pending_updates(false);
        let wait = match request.await {
            Ok(_) => {
                info!(url = %webhook.url, "webhook set");
                return Ok(());
            }
            Err(teloxide::RequestError::Api(error)) if refuses_the_webhook(&error) => {
                return Err(anyhow::anyhow!(
                    "Telegram refused the webhook POLLBOT_WEBHOOK_URL={}: {error}",
                    webhook.url
                ));
            }
            Err(teloxide::RequestError::RetryAfter(after)) => {
                metrics.rate_limited();
                after.duration()
            }
            Err(error) => {
                let wait = backoff.next_wait();
                warn!(%error, ?wait, "cannot set the webhook; trying again");
                wait
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = shutdown.wait_for(|stop| *stop) => return Ok(()),
        }
    }
}

/// Whether Telegram refused the webhook's address or secret (asking again
/// would get the same answer), rather than failing for a moment.
fn refuses_the_webhook(error: &teloxide::ApiError) -> bool {
    use teloxide::ApiError;
    match error {
        ApiError::WebhookRequireHttps
        | ApiError::BadWebhookPort
        | ApiError::UnknownHost
        | ApiError::CantParseUrl => true,
        ApiError::Unknown(text) => {
            let text = text.to_ascii_lowercase();
            text.contains("bad webhook") || text.contains("secret")
        }
        _ => false,
    }
}

/// Forgets, now and then, early records that never found their poll and
/// the ids of updates recorded long ago.
async fn keep_house(hook: Arc<Hook>) {
    loop {
        let store = Arc::clone(&hook.store);
        let now = hook.clock.now();
        let _ = tokio::task::spawn_blocking(move || {
            polling::purge_stale_early(&store, now);
            if let Err(error) = super::forget_recorded_updates(&store, now) {
                warn!(%error, "cannot forget the ids of updates recorded long ago");
            }
        })
        .await;
        tokio::time::sleep(polling::PURGE_EVERY).await;
    }
}

async fn health(State(hook): State<Arc<Hook>>) -> Response {
    let store = Arc::clone(&hook.store);
    let read = tokio::time::timeout(
        HEALTH_WAIT,
        tokio::task::spawn_blocking(move || store.last_update()),
    )
    .await;
    match read {
        Ok(Ok(Ok(_))) => (StatusCode::OK, "ok\n").into_response(),
        Ok(Ok(Err(error))) => {
            warn!(%error, "health check: the store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the store does not answer\n",
            )
                .into_response()
        }
        _ => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the store does not answer\n",
        )
            .into_response(),
    }
}

async fn metrics_text(State(hook): State<Arc<Hook>>) -> Response {
    serve_metrics(&hook.metrics)
}

/// `/metrics`, as Prometheus reads it.
pub fn serve_metrics(metrics: &Metrics) -> Response {
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        metrics.render(),
    )
        .into_response()
}

/// Whether the secret Telegram sent back is ours, compared in constant
/// time (a wrong guess takes as long whatever it shares with the secret;
/// only a wrong length is told at once, and the length is no secret).
fn secret_matches(headers: &HeaderMap, secret: &WebhookSecret) -> bool {
    let Some(sent) = headers.get(SECRET_HEADER) else {
        return false;
    };
    sent.as_bytes().ct_eq(secret.as_str().as_bytes()).into()
}

/// A post from Telegram: one update, answered 200 once it is recorded.
async fn receive(State(hook): State<Arc<Hook>>, request: Request) -> Response {
    if request.method() != Method::POST {
        return StatusCode::NOT_FOUND.into_response();
    }
    if !secret_matches(request.headers(), &hook.secret) {
        // The value sent is not logged: it may be a near miss of ours.
        warn!(
            has_secret = request.headers().contains_key(SECRET_HEADER),
            "a webhook post without the right secret token: refused"
        );
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|length| length > BODY_LIMIT) {
        warn!(length = declared, "a webhook post too large: refused");
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    // Past the limit (or a body cut off, whose answer nobody reads).
    let Ok(body) = axum::body::to_bytes(request.into_body(), BODY_LIMIT).await else {
        warn!("a webhook post too large: refused");
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(&body) else {
        warn!(
            bytes = body.len(),
            "a webhook post that is not JSON: refused"
        );
        return StatusCode::BAD_REQUEST.into_response();
    };
    hook.metrics.updates_received(1);
    // One teloxide cannot read at all is logged and passed over, as long
    // polling does.
    let Some(update) = FetchedUpdate::read(value) else {
        return StatusCode::OK.into_response();
    };
    hook.activity.begin();
    let answer = record(&hook, update).await;
    hook.activity.end();
    answer
}

/// Records one posted update and hands on what it asks for: 200 once it
/// is durable (or was before), 500 to have Telegram post it again.
async fn record(hook: &Arc<Hook>, update: FetchedUpdate) -> Response {
    let id = i64::from(update.update.id.0);
    let at = hook.clock.now();
    let (store, source) = (Arc::clone(&hook.store), hook.source);
    let recorded = tokio::task::spawn_blocking(move || {
        let recorded = polling::record_as(
            &store,
            std::slice::from_ref(&update),
            Seen::Remembered,
            source,
            at,
        );
        if recorded.is_ok() {
            polling::complete_chat_moves(&store);
        }
        (recorded, update)
    })
    .await;
    let Ok((recorded, update)) = recorded else {
        error!(update = id, "recording a webhook update panicked");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let error = match recorded {
        Ok(recorded) => {
            hook.failures
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            hook.metrics.updates_recorded(recorded.updates);
            // Where other instances record too, the one that does the
            // work finds every queued command itself.
            let queued = if hook.store.is_shared() {
                let holds_work = *hook.lanes.edge().progress.holds_work.borrow();
                if holds_work && !recorded.queued.is_empty() {
                    hook.activity.request_dispatch();
                    hook.commands.notify_one();
                }
                Vec::new()
            } else {
                recorded.queued
            };
            for (update_id, message) in queued {
                let chat = message.chat;
                hook.lanes
                    .push(chat, Job::Command { update_id, message }, InLine::Last);
            }
            if !recorded.presses.is_empty() {
                // The answerer ends this activity once they are answered.
                hook.activity.begin();
                if hook.presses.send(recorded.presses).is_err() {
                    hook.activity.end();
                }
            }
            return StatusCode::OK.into_response();
        }
        Err(error) => error,
    };
    let tries = {
        let mut failures = hook.failures.lock().unwrap_or_else(|e| e.into_inner());
        let tries = failures.entry(id).or_default();
        *tries += 1;
        *tries
    };
    if error.is_unavailable() || tries < polling::BATCH_TRIES {
        error!(update = id, %error, tries, "cannot record a webhook update; Telegram will post it again");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    error!(
        update = id,
        %error,
        tries,
        "cannot record this webhook update: set aside (kept in the store)"
    );
    let store = Arc::clone(&hook.store);
    let set_aside =
        tokio::task::spawn_blocking(move || polling::set_aside_delivered(&store, &update, at))
            .await;
    match set_aside {
        Ok(Ok(())) => {
            hook.failures
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .remove(&id);
            StatusCode::OK.into_response()
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Serves `/metrics` alone (long-polling mode, `POLLBOT_METRICS`) until
/// `shutdown` turns true.
pub async fn serve_metrics_alone(
    listener: tokio::net::TcpListener,
    metrics: Metrics,
    mut shutdown: watch::Receiver<bool>,
) {
    let app = Router::new().route(
        "/metrics",
        get(move || {
            let metrics = metrics.clone();
            async move { serve_metrics(&metrics) }
        }),
    );
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            let _ = shutdown.wait_for(|stop| *stop).await;
        })
        .await;
    if let Err(error) = served {
        error!(%error, "the /metrics server failed");
    }
}
