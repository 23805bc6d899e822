//! The thin edge between Telegram and the poll engine; the only module that
//! knows teloxide.
//!
//! [`polling`] fetches updates, records them durably and only then
//! acknowledges them; commands it queued in the store are handed to
//! per-chat [`lanes`], which answer them in order, concurrently across chats,
//! paced by Telegram's limits ([`pacing`]). A closer task hands each poll
//! whose deadline has come to its chat's lane.
//!
//! With `POLLBOT_WEBHOOK_URL` set, [`webhook`] takes polling's place:
//! Telegram posts each update, and it is recorded the same way before the
//! post is answered.

mod answer;
mod errors;
mod identity;
mod ids;
pub mod inbound;
mod lanes;
mod moderators;
pub mod pacing;
pub mod payloads;
pub mod polling;
pub mod presses;
pub mod webhook;
mod work;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use tokio::sync::{Notify, watch};
use tracing::{error, info, warn};

pub use lanes::{Activity, LANE_IDLE};

use self::identity::Identity;
use self::inbound::CommandMessage;
use self::lanes::{DEADLINE_CHECK, Edge, InLine, Job, Lanes, StopAt};
use crate::clock::Clock;
use crate::config::Config;
use crate::i18n::{self, Language};
use crate::metrics::Metrics;
use crate::poll::ChatId;
use crate::store::Store;

/// After a shutdown signal: how long lanes go on answering.
const ANSWER_FOR: Duration = Duration::from_secs(4);
/// After a shutdown signal: when a request still in flight is abandoned.
const ABANDON_AFTER: Duration = Duration::from_secs(7);
/// How long answered update ids are remembered (Telegram re-sends an
/// unacknowledged update for at most a day).
const REMEMBER_ANSWERED: chrono::TimeDelta = chrono::TimeDelta::days(2);
/// How long the ids of updates recorded by webhook are remembered
/// (Telegram stops posting an update again within a day).
const REMEMBER_RECORDED: chrono::TimeDelta = chrono::TimeDelta::days(2);

/// What receiving updates needs, by long polling or webhook: where they
/// are recorded, and who is told of what they asked for.
pub struct Recording<'a> {
    pub bot: &'a Bot,
    pub store: &'a Arc<Store>,
    pub lanes: &'a Arc<Lanes>,
    pub presses: &'a tokio::sync::mpsc::UnboundedSender<Vec<presses::PressAnswer>>,
    pub clock: &'a Clock,
    pub activity: &'a Activity,
    pub metrics: &'a Metrics,
    /// Wakes the dispatcher (commands were queued).
    pub commands: &'a Arc<Notify>,
}

/// Runs the bot until `shutdown` completes, then answers what it can within
/// a few seconds, flushes, and returns. This is what `main` runs.
pub async fn run(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    run_observed(config, shutdown, Activity::default(), Clock::system()).await
}

/// [`run`], with a handle that tells whether the bot has work in hand, on
/// the `clock` it is given (a test's manual one, or the system clock).
pub async fn run_observed(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
    activity: Activity,
    clock: Clock,
) -> anyhow::Result<()> {
    let store = open_store(&config, clock.now()).await?;
    let bot = bot(&config)?;
    let metrics = Metrics::new();
    // Bound before anything else starts: a taken address is a clear error.
    let metrics_listener = match config.metrics {
        Some(address) => Some(
            tokio::net::TcpListener::bind(address)
                .await
                .with_context(|| format!("cannot listen on POLLBOT_METRICS={address}"))?,
        ),
        None => None,
    };
    let identity = Identity::from_token(&config.token);
    tokio::spawn(identity.clone().learn(bot.clone()));
    tokio::spawn(register_commands(bot.clone()));

    let (stop, stopping) = watch::channel(None::<StopAt>);
    let (stop_polling, polling_stopped) = watch::channel(false);
    let stop_polling = Arc::new(stop_polling);
    // Several instances on one PostgreSQL: one at a time does the work.
    let shared = store.is_shared();
    let (holds_work, holding) = watch::channel(!shared);
    let edge = Arc::new(Edge {
        config: Arc::new(config),
        clock: clock.clone(),
        store: Arc::clone(&store),
        telegram: lanes::TelegramApi {
            bot: bot.clone(),
            pacer: pacing::Pacer::default(),
            identity,
            admins: moderators::AdminCache::default(),
        },
        schedule: lanes::Schedule::default(),
        progress: lanes::Progress {
            activity: activity.clone(),
            stopping,
            commands_received_through: std::sync::atomic::AtomicI64::new(i64::MIN),
            holds_work: holding.clone(),
        },
        rendered: lanes::RenderedReports::default(),
        ballot_edits: presses::BallotEdits::default(),
        metrics: metrics.clone(),
    });
    let lanes = Arc::new(Lanes::new(Arc::clone(&edge)));
    let commands_queued = Arc::new(Notify::new());

    {
        let stop_polling = Arc::clone(&stop_polling);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_polling.send(true);
        });
    }
    let lost_work = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let holder = crate::app::leadership::holder_name();
    let lease = if shared {
        let lease = work::keep_work(Arc::clone(&store), holder.clone(), holds_work);
        let (stop_polling, lost_work) = (Arc::clone(&stop_polling), Arc::clone(&lost_work));
        Some(tokio::spawn(async move {
            let work::Lost = lease.await;
            lost_work.store(true, std::sync::atomic::Ordering::SeqCst);
            let _ = stop_polling.send(true);
        }))
    } else {
        None
    };
    let (first_dispatch_done, first_dispatch) = tokio::sync::oneshot::channel();
    let dispatcher = if shared {
        let _ = first_dispatch_done.send(());
        tokio::spawn(dispatch_shared(
            Arc::clone(&lanes),
            Arc::clone(&commands_queued),
            holding.clone(),
        ))
    } else {
        tokio::spawn(dispatch_commands(
            Arc::clone(&lanes),
            Arc::clone(&commands_queued),
            first_dispatch_done,
        ))
    };
    let closer = {
        let (lanes, mut holding) = (Arc::clone(&lanes), holding.clone());
        tokio::spawn(async move {
            if holding.wait_for(|holds| *holds).await.is_ok() {
                close_on_time(lanes).await;
            }
        })
    };
    let (presses_recorded, presses_to_answer) = tokio::sync::mpsc::unbounded_channel();
    let press_answerer = tokio::spawn(presses::answer(Arc::clone(&lanes), presses_to_answer));
    if let Some(listener) = metrics_listener {
        info!(listen = ?listener.local_addr().ok(), "serving /metrics");
        tokio::spawn(webhook::serve_metrics_alone(
            listener,
            metrics.clone(),
            polling_stopped.clone(),
        ));
    }

    let recording = Recording {
        bot: &bot,
        store: &store,
        lanes: &lanes,
        presses: &presses_recorded,
        clock: &clock,
        activity: &activity,
        metrics: &metrics,
        commands: &commands_queued,
    };
    let received = match edge.config.webhook.clone() {
        Some(hook) => {
            // Commands stored before go to the lanes first: the webhook
            // hands each new one to its lane itself, and none twice.
            let _ = first_dispatch.await;
            webhook::run(recording, &hook, polling_stopped).await
        }
        None => {
            // Telegram gives updates to one poller at a time: the instance
            // that does the work.
            let mut holding = holding.clone();
            let mut stopped = polling_stopped.clone();
            let holds = tokio::select! {
                held = holding.wait_for(|holds| *holds) => held.is_ok(),
                _ = stopped.wait_for(|stop| *stop) => false,
            };
            if holds {
                info!("pollbot is polling for updates");
                polling::run(recording, &commands_queued, polling_stopped)
                    .await
                    .map_err(anyhow::Error::from)
            } else {
                Ok(())
            }
        }
    };
    let lost = lost_work.load(std::sync::atomic::Ordering::SeqCst);
    let now = Instant::now();
    if lost {
        // Another instance may be answering by now: nothing more from here.
        let _ = stop.send(Some(StopAt {
            soft: now,
            hard: now,
        }));
    } else {
        info!("stopping: answering what can be answered in a few seconds");
        let _ = stop.send(Some(StopAt {
            soft: now + ANSWER_FOR,
            hard: now + ABANDON_AFTER,
        }));
    }
    dispatcher.abort();
    closer.abort();
    press_answerer.abort();
    lanes.wake_all();
    lanes.join(now + ABANDON_AFTER).await;
    if let Some(lease) = lease {
        lease.abort();
        if !lost {
            work::give_up(Arc::clone(&store), holder).await;
        }
    }
    received?;
    if lost {
        anyhow::bail!("lost the work lease to another instance; stopped");
    }
    let store_for_flush = Arc::clone(&store);
    tokio::task::spawn_blocking(move || store_for_flush.flush())
        .await
        .context("the final flush panicked")??;
    info!("stopped");
    Ok(())
}

/// Opens the database and makes it ready (see [`prepare_store`]).
async fn open_store(config: &Config, now: DateTime<Utc>) -> anyhow::Result<Arc<Store>> {
    let db = config.db.clone();
    let store = tokio::task::spawn_blocking(move || -> anyhow::Result<Store> {
        let store = Store::open_at(&db)?;
        prepare_store(&store, now)?;
        Ok(store)
    })
    .await
    .context("opening the database panicked")??;
    Ok(Arc::new(store))
}

/// Builds indexes an older database lacks and forgets ids answered long
/// before `now`.
fn prepare_store(store: &Store, now: DateTime<Utc>) -> anyhow::Result<()> {
    store.write(|changes| {
        if changes.build_indexes_once()? {
            info!("built the deadline index");
        }
        changes.forget_answered_before(now - REMEMBER_ANSWERED)?;
        changes.forget_recorded_before(now - REMEMBER_RECORDED)?;
        Ok(())
    })?;
    store.flush()?;
    Ok(())
}

/// Forgets the ids of updates recorded by webhook long before `now`.
fn forget_recorded_updates(store: &Store, now: DateTime<Utc>) -> crate::store::Result<()> {
    let forgotten =
        store.write(|changes| changes.forget_recorded_before(now - REMEMBER_RECORDED))?;
    if forgotten > 0 {
        store.flush()?;
    }
    Ok(())
}

/// Hands every queued command to its chat's lane, once: at start all that
/// the store holds (then `first_done` is told), then what each recorded
/// batch adds.
async fn dispatch_commands(
    lanes: Arc<Lanes>,
    queued: Arc<Notify>,
    first_done: tokio::sync::oneshot::Sender<()>,
) {
    let edge = Arc::clone(lanes.edge());
    let mut dispatched_through: Option<i64> = None;
    let mut first_done = Some(first_done);
    loop {
        edge.progress.activity.begin();
        edge.progress.activity.take_dispatch_request();
        let after = dispatched_through;
        let found = edge
            .blocking(move |store| Ok(store.queued_commands_after(after)?))
            .await;
        match found {
            Ok(commands) => {
                for (update_id, record) in commands {
                    dispatched_through = Some(update_id);
                    hand_out(&lanes, update_id, &record).await;
                }
            }
            Err(error) => error!(error = %format!("{error:#}"), "cannot read the queued commands"),
        }
        edge.progress.activity.end();
        if let Some(done) = first_done.take() {
            let _ = done.send(());
        }
        queued.notified().await;
    }
}

/// How often the instance that does the work looks for commands other
/// instances recorded.
const RESCAN_COMMANDS: Duration = Duration::from_millis(250);

/// [`dispatch_commands`] where other instances record commands too: they
/// come in any order of update id, and no instance is told of another's,
/// so while this instance holds the work it reads every queued command
/// again and again, handing each to its lane once. A command leaves the
/// store when answered; until a read no longer finds it, it is not handed
/// out again.
async fn dispatch_shared(
    lanes: Arc<Lanes>,
    queued_here: Arc<Notify>,
    mut holding: watch::Receiver<bool>,
) {
    let edge = Arc::clone(lanes.edge());
    let mut handed: std::collections::HashSet<i64> = std::collections::HashSet::new();
    loop {
        if holding.wait_for(|holds| *holds).await.is_err() {
            return;
        }
        edge.progress.activity.begin();
        edge.progress.activity.take_dispatch_request();
        match edge.blocking(|store| Ok(store.queued_commands()?)).await {
            Ok(commands) => {
                let queued: std::collections::HashSet<i64> =
                    commands.iter().map(|(id, _)| *id).collect();
                for (update_id, record) in commands {
                    if !handed.insert(update_id) {
                        continue;
                    }
                    hand_out(&lanes, update_id, &record).await;
                }
                handed.retain(|id| queued.contains(id));
            }
            Err(error) => error!(error = %format!("{error:#}"), "cannot read the queued commands"),
        }
        edge.progress.activity.end();
        tokio::select! {
            _ = tokio::time::sleep(RESCAN_COMMANDS) => {}
            _ = queued_here.notified() => {}
        }
    }
}

/// Gives a queued command to its chat's lane; one that does not read is
/// dropped (marked answered).
async fn hand_out(lanes: &Lanes, update_id: i64, record: &[u8]) {
    match serde_json::from_slice::<CommandMessage>(record) {
        Ok(message) => {
            let job = Job::Command { update_id, message };
            lanes.push(job_chat(&job), job, InLine::Last);
        }
        Err(error) => {
            error!(%error, update = update_id, "unreadable queued command; dropped");
            let edge = lanes.edge();
            let now = edge.clock.now();
            let _ = edge
                .blocking(move |store| {
                    store.write(|c| {
                        c.finish_command(update_id, now);
                        Ok(())
                    })?;
                    Ok(())
                })
                .await;
        }
    }
}

fn job_chat(job: &Job) -> ChatId {
    match job {
        Job::Command { message, .. } => message.chat,
        Job::Close(id)
        | Job::Announce(id)
        | Job::RefreshBallot(id)
        | Job::Remind(id, ..)
        | Job::PostScheduled(id, _) => id.chat,
    }
}

/// Hands each poll whose deadline has come to its chat's lane, ahead of
/// the chat's other work; at start, also the closed polls whose final
/// results were never posted. Reads the deadline index, not the polls.
async fn close_on_time(lanes: Arc<Lanes>) {
    let edge = Arc::clone(lanes.edge());
    loop {
        // Closed polls whose results are still to be posted: at start, and
        // copies of a shared poll that another chat's `/close` closed.
        announce_pending(&lanes).await;
        let now = edge.clock.now();
        let next = match edge.blocking(move |store| Ok(store.due_polls(now)?)).await {
            Ok((due, next)) => {
                for id in due {
                    if edge.schedule.refused_closes.waiting(id, Instant::now()) {
                        continue;
                    }
                    if edge
                        .schedule
                        .pending
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(id)
                    {
                        lanes.push(id.chat, Job::Close(id), InLine::First);
                    }
                }
                next
            }
            Err(error) => {
                error!(error = %format!("{error:#}"), "cannot read the deadlines");
                None
            }
        };
        let next_reminder = remind_due(&lanes, now).await;
        let next_scheduled = post_due(&lanes, now).await;
        let look_again = now + DEADLINE_CHECK;
        let wake_at = [next, next_reminder, next_scheduled]
            .into_iter()
            .flatten()
            .fold(look_again, DateTime::min);
        tokio::select! {
            _ = edge.clock.sleep_until(wake_at) => {}
            _ = edge.schedule.deadlines_changed.notified() => {}
        }
    }
}

/// Hands each scheduled poll that is due (or overdue, after a stop) to its
/// chat's lane, unless it is there already; returns when the next is due.
async fn post_due(lanes: &Lanes, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let edge = lanes.edge();
    match edge
        .blocking(move |store| Ok(store.due_scheduled(now)?))
        .await
    {
        Ok((due, next)) => {
            for (id, at) in due {
                if edge
                    .schedule
                    .pending_scheduled
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(id)
                {
                    lanes.push(id.chat, Job::PostScheduled(id, at), InLine::First);
                }
            }
            next
        }
        Err(error) => {
            error!(error = %format!("{error:#}"), "cannot read the scheduled polls");
            None
        }
    }
}

/// Hands each reminder that is due to its poll's chat's lane, unless it is
/// there already; returns when the next one is due.
async fn remind_due(lanes: &Lanes, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let edge = lanes.edge();
    match edge
        .blocking(move |store| Ok(store.due_reminders(now)?))
        .await
    {
        Ok((due, next)) => {
            for (id, at, index) in due {
                if edge
                    .schedule
                    .pending_reminders
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert((id, index))
                {
                    lanes.push(id.chat, Job::Remind(id, at, index), InLine::First);
                }
            }
            next
        }
        Err(error) => {
            error!(error = %format!("{error:#}"), "cannot read the reminders");
            None
        }
    }
}

/// Hands each closed poll whose final results are not posted yet to its
/// chat's lane, unless a job for it is there already.
async fn announce_pending(lanes: &Lanes) {
    let edge = lanes.edge();
    match edge.blocking(|store| Ok(store.polls_to_announce()?)).await {
        Ok(polls) => {
            for id in polls {
                if edge
                    .schedule
                    .pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(id)
                {
                    lanes.push(id.chat, Job::Announce(id), InLine::First);
                }
            }
        }
        Err(error) => error!(error = %format!("{error:#}"), "cannot read the polls to announce"),
    }
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

/// The command list Telegram shows, in each language.
async fn register_commands(bot: Bot) {
    // Every command but /start, which Telegram's button sends.
    let names = crate::app::command::NAMES
        .iter()
        .filter(|name| **name != "start");
    for language in Language::ALL {
        let commands: Vec<BotCommand> = names
            .clone()
            .map(|name| BotCommand::new(*name, i18n::text(language, &format!("command-{name}"))))
            .collect();
        let mut request = bot.set_my_commands(commands);
        if language != Language::English {
            request = request.language_code(language.code());
        }
        if let Err(error) = request.await {
            warn!(%error, language = language.code(), "cannot register the command list");
        }
    }
}
