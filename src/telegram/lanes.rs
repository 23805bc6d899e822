//! Per-chat lanes: each chat's jobs (its commands, its polls' closes and
//! announcements) are done in order by a task of its own, so different
//! chats are answered concurrently and a chat waiting on Telegram's limits
//! holds up nobody else. A lane with nothing to do for [`LANE_IDLE`] goes,
//! with its flood counts; the chat's next job opens a new one.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use prometheus_client::metrics::gauge::Gauge;
use teloxide::Bot;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::identity::Identity;
use super::inbound::CommandMessage;
use super::moderators::AdminCache;
use super::pacing::Pacer;
use super::polling::Backoff;
use crate::app::FloodGuard;
use crate::app::flood::FLOOD_WINDOW;
use crate::clock::Clock;
use crate::config::Config;
use crate::poll::{ChatId, PollId};
use crate::store::Store;

/// Something a lane does.
#[derive(Debug, Clone)]
pub enum Job {
    /// Answer a command (it stays queued in the store until answered).
    Command {
        update_id: i64,
        message: CommandMessage,
    },
    /// Close a poll whose deadline has come, and post its final results.
    Close(PollId),
    /// Post a closed poll's final results.
    Announce(PollId),
    /// Edit a button ballot's turnout line.
    RefreshBallot(PollId),
    /// Post a poll's reminder: the poll, when it is due (Unix seconds),
    /// which of its reminders.
    Remind(PollId, i64, u8),
    /// Post a scheduled poll: its reserved id, when it is due (Unix
    /// seconds).
    PostScheduled(PollId, i64),
}

/// Where a new job goes in its lane's line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InLine {
    /// Behind the chat's other jobs: commands, in the order they came.
    Last,
    /// Before them: a deadline must not wait behind a chat's backlog.
    First,
}

/// What became of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Done,
    /// A passing failure: the job waits (first in its lane) and is tried again.
    Later,
    /// The bot is stopping: the job stays for the next start.
    Stopping,
    /// A command whose answer is rendered by a task of its own (a full
    /// report): the lane goes on, and the command comes back to it when
    /// its answer is ready.
    Rendering,
}

/// A full report rendered off its lane, waiting for its command to come
/// back and send it.
pub struct RenderedReport {
    /// Where the page is; removed when this is dropped.
    pub dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub name: String,
    pub outcome: crate::app::report::ReportOutcome,
}

/// Reports rendered off their lanes, by the update id of their command.
#[derive(Default)]
pub struct RenderedReports(Mutex<HashMap<i64, anyhow::Result<RenderedReport>>>);

impl RenderedReports {
    pub fn put(&self, update_id: i64, rendered: anyhow::Result<RenderedReport>) {
        let mut reports = self.0.lock().unwrap_or_else(|e| e.into_inner());
        reports.insert(update_id, rendered);
    }

    /// The report rendered for this command, once.
    pub fn take(&self, update_id: i64) -> Option<anyhow::Result<RenderedReport>> {
        let mut reports = self.0.lock().unwrap_or_else(|e| e.into_inner());
        reports.remove(&update_id)
    }
}

/// Whether the bot has work in hand; tests wait for it to be idle instead
/// of sleeping.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    jobs: Arc<AtomicI64>,
    dispatch_requested: Arc<AtomicBool>,
    lanes: Arc<AtomicI64>,
}

impl Activity {
    /// True when no update is being recorded, no queued command waits to be
    /// handed to a lane, and no lane has a job.
    pub fn is_idle(&self) -> bool {
        self.jobs.load(Ordering::SeqCst) == 0 && !self.dispatch_requested.load(Ordering::SeqCst)
    }

    pub(crate) fn begin(&self) {
        self.jobs.fetch_add(1, Ordering::SeqCst);
    }

    pub(crate) fn end(&self) {
        self.jobs.fetch_sub(1, Ordering::SeqCst);
    }

    pub(crate) fn request_dispatch(&self) {
        self.dispatch_requested.store(true, Ordering::SeqCst);
    }

    pub(crate) fn take_dispatch_request(&self) -> bool {
        self.dispatch_requested.swap(false, Ordering::SeqCst)
    }

    /// How many chats have a lane (a task and a queue) right now.
    pub fn open_lanes(&self) -> i64 {
        self.lanes.load(Ordering::SeqCst)
    }
}

/// When the bot is stopping: lanes finish what they can until `soft`;
/// a request still running at `hard` is abandoned.
#[derive(Debug, Clone, Copy)]
pub struct StopAt {
    pub soft: Instant,
    pub hard: Instant,
}

/// Telegram, as the lanes talk to it: the client, its pacing, who the
/// bot is, and who administers each chat.
pub struct TelegramApi {
    pub bot: Bot,
    pub pacer: Pacer,
    pub identity: Identity,
    pub admins: AdminCache,
}

/// What the bot does by itself: closes and announcements in some lane,
/// closes Telegram refused, and the watcher of deadlines.
#[derive(Default)]
pub struct Schedule {
    /// Polls with a close or announcement in some lane.
    pub pending: Mutex<HashSet<PollId>>,
    /// Reminders (poll, index) in some lane.
    pub pending_reminders: Mutex<HashSet<(PollId, u8)>>,
    /// Scheduled polls (by reserved id) in some lane.
    pub pending_scheduled: Mutex<HashSet<PollId>>,
    /// Polls whose close Telegram refused, and when to try again.
    pub refused_closes: RefusedCloses,
    /// Wakes the task that watches deadlines (a poll with one was posted).
    pub deadlines_changed: Notify,
}

/// Where the bot is in its work: what it has in hand, whether it is
/// stopping, and the newest command handed to a lane.
pub struct Progress {
    pub activity: Activity,
    pub stopping: watch::Receiver<Option<StopAt>>,
    /// The newest command (by update id) given to a lane so far: an answer
    /// notes it when its first message goes out, and answers for identical
    /// requests only those that had come by then.
    pub commands_received_through: AtomicI64,
    /// Whether this instance does the work (always, alone on its
    /// database; see [`crate::app::leadership`]). One that does not takes
    /// no job.
    pub holds_work: watch::Receiver<bool>,
}

/// What every lane shares: a few services, each with one job.
pub struct Edge {
    pub config: Arc<Config>,
    /// What time it is, for every deadline and date the bot decides.
    pub clock: Clock,
    pub store: Arc<Store>,
    pub telegram: TelegramApi,
    pub schedule: Schedule,
    pub progress: Progress,
    /// Full reports rendered off their lanes, waiting to be sent.
    pub rendered: RenderedReports,
    /// When button ballots' turnout lines were edited, and which wait for
    /// an edit.
    pub ballot_edits: super::presses::BallotEdits,
    /// What `/metrics` shows.
    pub metrics: crate::metrics::Metrics,
}

impl Edge {
    pub fn wake_closer(&self) {
        self.schedule.deadlines_changed.notify_one();
    }

    pub fn stop_at(&self) -> Option<StopAt> {
        *self.progress.stopping.borrow()
    }

    /// Runs blocking store work off the async threads.
    pub async fn blocking<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        F: FnOnce(&Store) -> anyhow::Result<T> + Send + 'static,
        T: Send + 'static,
    {
        let store = Arc::clone(&self.store);
        tokio::task::spawn_blocking(move || work(&store)).await?
    }
}

struct LaneQueue {
    jobs: Mutex<VecDeque<Job>>,
    wake: Notify,
    /// Jobs waiting in every lane (`/metrics`).
    depth: Gauge,
}

impl LaneQueue {
    fn pop(&self) -> Option<Job> {
        let job = self
            .jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front();
        if job.is_some() {
            self.depth.dec();
        }
        job
    }

    fn push_front(&self, job: Job) {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_front(job);
        self.depth.inc();
    }

    /// Removes and returns the waiting jobs `matches` picks.
    pub fn take_matching(&self, mut matches: impl FnMut(&Job) -> bool) -> Vec<Job> {
        let mut jobs = self.jobs.lock().unwrap_or_else(|e| e.into_inner());
        let mut taken = Vec::new();
        let mut kept = VecDeque::with_capacity(jobs.len());
        for job in jobs.drain(..) {
            if matches(&job) {
                taken.push(job);
            } else {
                kept.push_back(job);
            }
        }
        *jobs = kept;
        self.depth.dec_by(taken.len() as i64);
        taken
    }

    fn waiting(&self) -> Vec<Job> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .cloned()
            .collect()
    }
}

/// A chat's open lane: its queue and the task that works through it.
struct OpenLane {
    queue: Arc<LaneQueue>,
    task: JoinHandle<()>,
}

/// The open lanes by chat; a lane's task removes its own entry when it goes.
type OpenLanes = Arc<Mutex<HashMap<ChatId, OpenLane>>>;

/// The lanes of all chats.
#[derive(Clone)]
pub struct Lanes {
    edge: Arc<Edge>,
    lanes: OpenLanes,
}

impl Lanes {
    pub fn new(edge: Arc<Edge>) -> Self {
        Self {
            edge,
            lanes: OpenLanes::default(),
        }
    }

    pub fn edge(&self) -> &Arc<Edge> {
        &self.edge
    }

    /// Gives `chat`'s lane a job, at `place` in its line.
    pub fn push(&self, chat: ChatId, job: Job, place: InLine) {
        if !*self.edge.progress.holds_work.borrow() {
            tracing::debug!(?job, "another instance does the work: not taken");
            return;
        }
        self.edge.progress.activity.begin();
        if let Job::Command { update_id, .. } = &job {
            self.edge
                .progress
                .commands_received_through
                .fetch_max(*update_id, Ordering::SeqCst);
        }
        // The job is queued under the map's lock: a lane that finds its
        // queue empty under that lock can go without losing a job.
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let lane = lanes.entry(chat).or_insert_with(|| {
            let queue = Arc::new(LaneQueue {
                jobs: Mutex::default(),
                wake: Notify::new(),
                depth: self.edge.metrics.lane_jobs().clone(),
            });
            let edge = Arc::clone(&self.edge);
            let (open, lane_queue) = (Arc::clone(&self.lanes), Arc::clone(&queue));
            edge.progress.activity.lanes.fetch_add(1, Ordering::SeqCst);
            let task = tokio::spawn(async move {
                run_lane(Arc::clone(&edge), chat, lane_queue, open).await;
                edge.progress.activity.lanes.fetch_sub(1, Ordering::SeqCst);
            });
            OpenLane { queue, task }
        });
        let queue = &lane.queue;
        {
            let mut jobs = queue.jobs.lock().unwrap_or_else(|e| e.into_inner());
            match place {
                InLine::First => jobs.push_front(job),
                InLine::Last => jobs.push_back(job),
            }
            queue.depth.inc();
        }
        queue.wake.notify_one();
    }

    /// Tells every lane to look at its queue (the bot is stopping).
    pub fn wake_all(&self) {
        for lane in self
            .lanes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            lane.queue.wake.notify_one();
        }
    }

    /// Waits for every lane to stop, at most until `until`; lanes still
    /// running then are abandoned (their jobs stay queued in the store).
    pub async fn join(&self, until: Instant) {
        let tasks: Vec<JoinHandle<()>> = self
            .lanes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .drain()
            .map(|(_, lane)| lane.task)
            .collect();
        for task in tasks {
            let abort = task.abort_handle();
            if tokio::time::timeout_at(until.into(), task).await.is_err() {
                abort.abort();
            }
        }
    }
}

/// The jobs waiting behind the current one in this lane.
pub struct Waiting<'a>(&'a LaneQueue);

impl Waiting<'_> {
    pub fn jobs(&self) -> Vec<Job> {
        self.0.waiting()
    }

    pub fn take_matching(&self, matches: impl FnMut(&Job) -> bool) -> Vec<Job> {
        self.0.take_matching(matches)
    }
}

/// One chat's lane.
pub struct Lane {
    pub edge: Arc<Edge>,
    /// Every chat's lanes: a job done off this lane comes back through it.
    pub lanes: Lanes,
    pub chat: ChatId,
    pub flood: FloodGuard,
}

/// Removes `chat`'s lane if nothing is queued in it: `true` if it went.
fn close_if_idle(lanes: &OpenLanes, chat: ChatId, queue: &Arc<LaneQueue>) -> bool {
    let mut lanes = lanes.lock().unwrap_or_else(|e| e.into_inner());
    let idle = queue
        .jobs
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_empty();
    if !idle {
        return false;
    }
    if lanes
        .get(&chat)
        .is_some_and(|lane| Arc::ptr_eq(&lane.queue, queue))
    {
        lanes.remove(&chat);
    }
    true
}

async fn run_lane(edge: Arc<Edge>, chat: ChatId, queue: Arc<LaneQueue>, lanes: OpenLanes) {
    let mut lane = Lane {
        edge: Arc::clone(&edge),
        lanes: Lanes {
            edge: Arc::clone(&edge),
            lanes: Arc::clone(&lanes),
        },
        chat,
        flood: FloodGuard::default(),
    };
    let mut stopping = edge.progress.stopping.clone();
    let mut backoff = Backoff::new();
    loop {
        let stop_at = edge.stop_at();
        if stop_at.is_some_and(|stop| Instant::now() >= stop.soft) {
            return;
        }
        let Some(job) = queue.pop() else {
            if stop_at.is_some() {
                return;
            }
            tokio::select! {
                _ = queue.wake.notified() => {}
                _ = stopping.changed() => {}
                _ = tokio::time::sleep(edge.config.lane_idle) => {
                    if close_if_idle(&lanes, chat, &queue) {
                        return;
                    }
                }
            }
            continue;
        };
        match lane.handle(&job, &Waiting(&queue)).await {
            Handled::Done => {
                backoff.reset();
                if let Job::Command { .. } = job {
                    edge.metrics.command_answered();
                }
                edge.progress.activity.end();
            }
            Handled::Later => {
                queue.push_front(job);
                let wait = backoff.next_wait();
                tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stopping.changed() => {}
                }
            }
            Handled::Stopping => {
                queue.push_front(job);
                return;
            }
            // Back in the lane when rendered; the task holds it busy.
            Handled::Rendering => {
                backoff.reset();
                edge.progress.activity.end();
            }
        }
    }
}

/// The longest wait between looks at the deadline index.
pub const DEADLINE_CHECK: Duration = Duration::from_secs(60);
/// How long a poll whose close Telegram refused waits before another try.
pub const REFUSED_CLOSE_RETRY: Duration = Duration::from_secs(10 * 60);

/// How long a lane stays with nothing queued before it goes. Its flood
/// counts go with it: by then each is older than the flood window, so
/// nothing they would still refuse is forgotten.
pub const LANE_IDLE: Duration = Duration::from_secs(10 * 60);
const _: () = assert!(LANE_IDLE.as_secs() >= FLOOD_WINDOW.as_secs());

/// Polls whose close Telegram refused, and when each may be tried again.
/// A poll is forgotten once its time has come, so this holds at most the
/// refusals of the last [`REFUSED_CLOSE_RETRY`].
#[derive(Debug, Default)]
pub struct RefusedCloses(Mutex<HashMap<PollId, Instant>>);

impl RefusedCloses {
    /// Telegram refused to close `poll` at `now`.
    pub fn refuse(&self, poll: PollId, now: Instant) {
        let mut refused = self.0.lock().unwrap_or_else(|e| e.into_inner());
        refused.retain(|_, until| *until > now);
        refused.insert(poll, now + REFUSED_CLOSE_RETRY);
    }

    /// Whether `poll`'s close must still wait at `now`.
    pub fn waiting(&self, poll: PollId, now: Instant) -> bool {
        let mut refused = self.0.lock().unwrap_or_else(|e| e.into_inner());
        refused.retain(|_, until| *until > now);
        refused.contains_key(&poll)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::poll::PollNumber;

    fn poll(chat: i64) -> PollId {
        PollId {
            chat: ChatId(chat),
            number: PollNumber(1),
        }
    }

    #[test]
    fn refused_closes_are_forgotten_once_their_time_has_come() {
        let refused = RefusedCloses::default();
        let t0 = Instant::now();
        for chat in 0..1000 {
            refused.refuse(poll(-chat), t0);
        }
        assert_eq!(refused.len(), 1000);
        assert!(refused.waiting(poll(-1), t0 + REFUSED_CLOSE_RETRY - Duration::from_secs(1)));
        assert_eq!(refused.len(), 1000);
        // Ten minutes on, none waits any more and none is kept.
        assert!(!refused.waiting(poll(-1), t0 + REFUSED_CLOSE_RETRY));
        assert_eq!(refused.len(), 0);
        // A refusal then forgets the older ones too.
        for chat in 0..1000 {
            refused.refuse(poll(-chat), t0);
        }
        refused.refuse(poll(-5000), t0 + REFUSED_CLOSE_RETRY);
        assert_eq!(refused.len(), 1);
    }
}
