//! Per-chat lanes: each chat's jobs (its commands, its polls' closes and
//! announcements) are done in order by a task of its own, so different
//! chats are answered concurrently and a chat waiting on Telegram's limits
//! holds up nobody else.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use teloxide::Bot;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::identity::Identity;
use super::inbound::CommandMessage;
use super::moderators::AdminCache;
use super::pacing::Pacer;
use super::polling::Backoff;
use crate::app::FloodGuard;
use crate::config::Config;
use crate::poll::PollId;
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
}

/// What became of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    Done,
    /// A passing failure: the job waits (first in its lane) and is tried again.
    Later,
    /// The bot is stopping: the job stays for the next start.
    Stopping,
}

/// Whether the bot has work in hand; tests wait for it to be idle instead
/// of sleeping.
#[derive(Debug, Clone, Default)]
pub struct Activity {
    jobs: Arc<AtomicI64>,
    dispatch_requested: Arc<AtomicBool>,
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
}

/// When the bot is stopping: lanes finish what they can until `soft`;
/// a request still running at `hard` is abandoned.
#[derive(Debug, Clone, Copy)]
pub struct StopAt {
    pub soft: Instant,
    pub hard: Instant,
}

/// What every lane shares.
pub struct Edge {
    pub bot: Bot,
    pub store: Arc<Store>,
    pub config: Arc<Config>,
    pub pacer: Pacer,
    pub identity: Identity,
    pub admins: AdminCache,
    pub activity: Activity,
    pub stopping: watch::Receiver<Option<StopAt>>,
    /// Polls with a close or announcement in some lane.
    pub scheduled: Mutex<HashSet<PollId>>,
    /// Polls whose close Telegram refused, and when to try again.
    pub close_refused: RefusedCloses,
    /// Wakes the task that watches deadlines (a poll with one was posted).
    pub deadlines_changed: Notify,
    /// The newest command (by update id) given to a lane so far: an answer
    /// notes it when its first message goes out, and answers for identical
    /// requests only those that had come by then.
    pub commands_received_through: AtomicI64,
}

impl Edge {
    pub fn wake_closer(&self) {
        self.deadlines_changed.notify_one();
    }

    pub fn stop_at(&self) -> Option<StopAt> {
        *self.stopping.borrow()
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
}

impl LaneQueue {
    fn pop(&self) -> Option<Job> {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .pop_front()
    }

    fn push_front(&self, job: Job) {
        self.jobs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push_front(job);
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

/// The lanes of all chats.
pub struct Lanes {
    edge: Arc<Edge>,
    lanes: Mutex<HashMap<i64, Arc<LaneQueue>>>,
    tasks: Mutex<Vec<JoinHandle<()>>>,
}

impl Lanes {
    pub fn new(edge: Arc<Edge>) -> Self {
        Self {
            edge,
            lanes: Mutex::default(),
            tasks: Mutex::default(),
        }
    }

    pub fn edge(&self) -> &Arc<Edge> {
        &self.edge
    }

    /// Gives `chat`'s lane a job: last in line, or first when `urgent`
    /// (a deadline must not wait behind a chat's backlog).
    pub fn push(&self, chat: i64, job: Job, urgent: bool) {
        self.edge.activity.begin();
        if let Job::Command { update_id, .. } = &job {
            self.edge
                .commands_received_through
                .fetch_max(*update_id, Ordering::SeqCst);
        }
        let mut lanes = self.lanes.lock().unwrap_or_else(|e| e.into_inner());
        let queue = lanes.entry(chat).or_insert_with(|| {
            let queue = Arc::new(LaneQueue {
                jobs: Mutex::default(),
                wake: Notify::new(),
            });
            let task = tokio::spawn(run_lane(Arc::clone(&self.edge), chat, Arc::clone(&queue)));
            self.tasks
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(task);
            queue
        });
        {
            let mut jobs = queue.jobs.lock().unwrap_or_else(|e| e.into_inner());
            if urgent {
                jobs.push_front(job);
            } else {
                jobs.push_back(job);
            }
        }
        queue.wake.notify_one();
    }

    /// Tells every lane to look at its queue (the bot is stopping).
    pub fn wake_all(&self) {
        for queue in self
            .lanes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .values()
        {
            queue.wake.notify_one();
        }
    }

    /// Waits for every lane to stop, at most until `until`; lanes still
    /// running then are abandoned (their jobs stay queued in the store).
    pub async fn join(&self, until: Instant) {
        let tasks: Vec<JoinHandle<()>> =
            std::mem::take(&mut *self.tasks.lock().unwrap_or_else(|e| e.into_inner()));
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
    pub chat: i64,
    pub flood: FloodGuard,
}

async fn run_lane(edge: Arc<Edge>, chat: i64, queue: Arc<LaneQueue>) {
    let mut lane = Lane {
        edge: Arc::clone(&edge),
        chat,
        flood: FloodGuard::default(),
    };
    let mut stopping = edge.stopping.clone();
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
            }
            continue;
        };
        match lane.handle(&job, &Waiting(&queue)).await {
            Handled::Done => {
                backoff.reset();
                edge.activity.end();
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
        }
    }
}

/// The longest wait between looks at the deadline index.
pub const DEADLINE_CHECK: Duration = Duration::from_secs(60);
/// How long a poll whose close Telegram refused waits before another try.
pub const REFUSED_CLOSE_RETRY: Duration = Duration::from_secs(10 * 60);

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
            chat,
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
