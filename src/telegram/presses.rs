//! Button presses, once recorded: each is answered at once with a toast
//! (`answerCallbackQuery` is not held to a chat's message limits, so no
//! toast waits behind its chat's lane), and a ballot whose ballots changed
//! gets its turnout line edited by its chat's lane, at most once every
//! [`TURNOUT_EDIT_EVERY`].

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use teloxide::prelude::*;
use teloxide::types::CallbackQueryId;
use tokio::sync::mpsc;
use tracing::warn;

use super::inbound::PressQuery;
use super::lanes::{InLine, Job, Lanes};
use crate::app::ballots::{self, TURNOUT_EDIT_EVERY};
use crate::i18n::Language;
use crate::poll::PollId;
use crate::store::PressOutcome;

/// A recorded button press, to answer with a toast.
#[derive(Debug, Clone)]
pub struct PressAnswer {
    pub query: PressQuery,
    pub outcome: PressOutcome,
}

/// When each ballot's turnout line was last edited, and which ballots
/// wait for an edit.
#[derive(Default)]
pub struct BallotEdits {
    state: Mutex<EditsState>,
}

#[derive(Default)]
struct EditsState {
    last: HashMap<PollId, Instant>,
    waiting: HashSet<PollId>,
}

impl BallotEdits {
    /// Ballots of `id` changed at `now`: how long to wait before its edit
    /// goes to its lane, or `None` when one is waiting already.
    fn schedule(&self, id: PollId, now: Instant) -> Option<Duration> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        // Edits older than the interval no longer hold anything back.
        state
            .last
            .retain(|_, at| now.duration_since(*at) < TURNOUT_EDIT_EVERY);
        if !state.waiting.insert(id) {
            return None;
        }
        let next = state.last.get(&id).map(|at| *at + TURNOUT_EDIT_EVERY);
        Some(next.map_or(Duration::ZERO, |next| next.saturating_duration_since(now)))
    }

    /// The edit of `id` starts: presses from now on need another one.
    pub fn editing(&self, id: PollId) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.waiting.remove(&id);
        state.last.insert(id, Instant::now());
    }
}

/// Answers the presses of each recorded batch (the batch's activity was
/// begun by the poller; it ends when every press of it is answered).
pub async fn answer(lanes: Arc<Lanes>, mut recorded: mpsc::UnboundedReceiver<Vec<PressAnswer>>) {
    while let Some(batch) = recorded.recv().await {
        let lanes = Arc::clone(&lanes);
        tokio::spawn(async move {
            let mut answers = tokio::task::JoinSet::new();
            for press in batch {
                answers.spawn(answer_one(Arc::clone(&lanes), press));
            }
            while answers.join_next().await.is_some() {}
            lanes.edge().progress.activity.end();
        });
    }
}

/// The toast for one press, in the presser's language (their app's, else
/// the chat's); then, if it changed a ballot, that ballot's edit.
async fn answer_one(lanes: Arc<Lanes>, press: PressAnswer) {
    let edge = lanes.edge();
    let PressAnswer { query, outcome } = press;
    let id = match &outcome {
        PressOutcome::Recorded { poll, .. }
        | PressOutcome::Refused { poll, .. }
        | PressOutcome::Closed(poll) => Some(*poll),
        PressOutcome::NotABallot => None,
    };
    let found = match id {
        Some(id) => edge
            .blocking(move |store| {
                let chat_language = store.chat(id.chat)?.language;
                Ok((store.poll(id)?, chat_language))
            })
            .await
            .unwrap_or_default(),
        None => (None, None),
    };
    let (poll, chat_language) = found;
    let language = query
        .language
        .as_deref()
        .and_then(Language::from_code)
        .or(chat_language)
        .unwrap_or(edge.config.default_language);
    let text = ballots::toast(language, poll.as_ref(), &outcome);
    let answered = edge
        .telegram
        .bot
        .answer_callback_query(CallbackQueryId(query.id.clone()))
        .text(text)
        .await;
    if let Err(error) = answered {
        warn!(%error, "cannot answer a button press");
    }
    if let (PressOutcome::Recorded { .. }, Some(id)) = (&outcome, id)
        && let Some(wait) = edge.ballot_edits.schedule(id, Instant::now())
    {
        if wait.is_zero() {
            lanes.push(id.chat, Job::RefreshBallot(id), InLine::Last);
        } else {
            let lanes = Arc::clone(&lanes);
            tokio::spawn(async move {
                tokio::time::sleep(wait).await;
                lanes.push(id.chat, Job::RefreshBallot(id), InLine::Last);
            });
        }
    }
}
