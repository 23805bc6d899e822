//! What a lane does with each job: answers a command, closes a poll, posts
//! final results. The words and the decisions come from [`crate::app`];
//! this file only turns them into Bot API calls, each sent at most once.

mod ballots;
mod campaign;
mod closing;
mod commands;
mod files;
mod posting;
mod reminders;
mod results;
mod scheduled;
mod sending;
mod turnout;

use std::future::Future;

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InputFile, Message, ReplyParameters, ThreadId};
use tracing::{error, warn};

use super::errors::Failure;
use super::inbound::CommandMessage;
use super::lanes::{Handled, Job, Lane, Waiting};
use crate::app::{self, Reply};
use crate::i18n::Language;
use crate::poll::{ChatId, MessageId, Poll, PollNumber};
use crate::report::{ExportFormat, Scope};
use crate::store::{Journal, JournalKey};

/// How long a command is retried through outages before it is given up:
/// an answer hours late would only confuse the chat.
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(1);

/// The outcome of one step of an answer.
enum Step<T> {
    Sent(T),
    /// Sent before (a retry, or a restart, after it went out).
    Skipped,
    /// Nobody knows whether it went out.
    Unknown,
    Failed(Failure),
    Stopping,
}

/// An answer in progress: its journal, so that no step is sent twice.
struct Answer {
    key: JournalKey,
    journal: Journal,
    next_step: u32,
    chat: ChatId,
    /// Telegram would not let the bot write to a moderator privately.
    private_refused: bool,
    /// The newest command the lanes had when this answer's first message
    /// went out (see [`Edge::commands_received_through`]).
    commands_before_sending: Option<i64>,
}

impl Answer {
    /// The next step's number; the same sequence on every try.
    fn take_step(&mut self) -> u32 {
        let step = self.next_step;
        self.next_step += 1;
        step
    }
}

/// How a journal is saved: on disk before a message goes out (after a
/// crash it must say the message may have gone), or written only once it
/// went out (the next flush takes it; at worst the step is sent unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Saved {
    OnDisk,
    Written,
}

/// What a `/report` renders: the poll, crossed with poll `by`, covering
/// `scope`, in `language`.
struct ReportOrder {
    poll: Poll,
    by: Option<PollNumber>,
    scope: Scope,
    language: Language,
}

/// What a command delivers about a poll; a `--hidden` poll routes each
/// alike (see `Lane::deliver`).
#[derive(Debug, Clone)]
enum Delivery {
    Results,
    Export(ExportFormat),
    /// The full report, crossed with another poll with `--by`.
    Report(Option<u32>),
    /// A message about the poll that only its moderators may read (a hidden
    /// poll's share code).
    Text(Reply),
}

/// What became of posting a native poll (see `Lane::post_native_poll`).
enum Posting {
    /// Telegram has it now: to be stored.
    Sent(app::PostedPoll),
    /// Sent and stored by an earlier try.
    Stored(Box<Poll>),
    /// The command ends here (the moderator was told why, if need be).
    Ended(Handled),
}

/// Where a message goes: the chat, its topic, the message it answers.
#[derive(Debug, Clone, Copy)]
struct Target {
    chat: ChatId,
    thread: Option<MessageId>,
    reply_to: Option<MessageId>,
}

impl Lane {
    pub async fn handle(&mut self, job: &Job, waiting: &Waiting<'_>) -> Handled {
        let result = match job {
            Job::Command { update_id, message } => self.command(*update_id, message, waiting).await,
            Job::Close(id) => self.close_on_time(*id).await,
            Job::Announce(id) => self.announce(*id).await,
            Job::RefreshBallot(id) => self.refresh_ballot(*id).await,
            Job::Remind(id, at, index) => self.remind(*id, *at, *index).await,
            Job::PostScheduled(id, at) => self.post_scheduled(*id, *at).await,
        };
        let handled = match result {
            Ok(handled) => handled,
            // The database is away (PostgreSQL restarting, a full disk):
            // no fault of the job's, which waits and is tried again.
            Err(error)
                if error
                    .chain()
                    .filter_map(|cause| cause.downcast_ref::<crate::store::StoreError>())
                    .any(crate::store::StoreError::is_unavailable) =>
            {
                warn!(error = %format!("{error:#}"), chat = self.chat.0, "the database is away; the job waits");
                Handled::Later
            }
            Err(error) => {
                // Our own failure (the store, a chart): the job is dropped
                // after an apology, or it would fail again forever.
                error!(error = %format!("{error:#}"), chat = self.chat.0, ?job, "cannot do a job");
                if let Job::Command { update_id, message } = job {
                    let _ = self.apologize(*update_id, message).await;
                }
                Handled::Done
            }
        };
        if handled == Handled::Done {
            if let Job::Command { update_id, .. } = job {
                self.finish_commands(&[*update_id]).await;
            }
            if let Job::Close(id) | Job::Announce(id) = job {
                self.edge
                    .schedule
                    .pending
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(id);
            }
            if let Job::PostScheduled(id, _) = job {
                self.edge
                    .schedule
                    .pending_scheduled
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(id);
            }
            if let Job::Remind(id, _, index) = job {
                self.edge
                    .schedule
                    .pending_reminders
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(&(*id, *index));
            }
        }
        handled
    }

    async fn finish_commands(&self, update_ids: &[i64]) {
        let ids = update_ids.to_vec();
        let now = self.edge.clock.now();
        let finished = self
            .edge
            .blocking(move |store| {
                store.write(|changes| {
                    for id in &ids {
                        changes.finish_command(*id, now);
                    }
                    Ok(())
                })?;
                Ok(store.flush()?)
            })
            .await;
        if let Err(error) = finished {
            error!(error = %format!("{error:#}"), "cannot mark commands answered");
        }
    }

    /// The chat's language, or the configured default.
    async fn language(&self) -> Language {
        let chat = self.chat;
        let chosen = self
            .edge
            .blocking(move |store| Ok(store.chat(chat)?.language))
            .await
            .ok()
            .flatten();
        chosen.unwrap_or(self.edge.config.default_language)
    }
}

impl Answer {
    /// The update id of the command this answer belongs to.
    fn key_update_id(&self) -> i64 {
        match self.key {
            JournalKey::Command(update_id) => update_id,
            JournalKey::Announce(_) | JournalKey::Remind(..) | JournalKey::Scheduled(_) => 0,
        }
    }
}

impl Target {
    fn topic(&self) -> Option<ThreadId> {
        self.thread.map(ThreadId::from)
    }

    /// A reply to the command, sent even if the command was deleted.
    fn reply(&self) -> Option<ReplyParameters> {
        self.reply_to.map(|message| {
            let mut reply = ReplyParameters::new(message.into());
            reply.allow_sending_without_reply = Some(true);
            reply
        })
    }
}

/// A photo with its caption, into the target's topic.
fn send_photo(
    bot: &Bot,
    target: Target,
    photo: InputFile,
    caption: String,
) -> impl Future<Output = Result<Message, RequestError>> + use<> {
    let mut request = bot.send_photo(target.chat, photo).caption(caption);
    if let Some(topic) = target.topic() {
        request = request.message_thread_id(topic);
    }
    request.send()
}

/// A file from disk, as a reply in the target's topic.
fn send_document(
    bot: &Bot,
    target: Target,
    path: std::path::PathBuf,
    name: String,
) -> impl Future<Output = Result<(), RequestError>> + use<> {
    let mut request = bot.send_document(target.chat, InputFile::file(path).file_name(name));
    if let Some(topic) = target.topic() {
        request = request.message_thread_id(topic);
    }
    if let Some(reply) = target.reply() {
        request = request.reply_parameters(reply);
    }
    let sent = request.send();
    async move { sent.await.map(|_| ()) }
}

fn reply_target(message: &CommandMessage) -> Target {
    Target {
        chat: message.chat,
        thread: message.thread,
        reply_to: Some(message.message_id),
    }
}

/// `/results@Bot 3` -> `/results`.
fn command_name(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '@')
        .next()
        .unwrap_or_default()
        .to_owned()
}
