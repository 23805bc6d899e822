//! What a lane does with each job: answers a command, closes a poll, posts
//! final results. The words and the decisions come from [`crate::app`];
//! this file only turns them into Bot API calls, each sent at most once.

mod campaign;

use std::future::Future;
use std::time::Instant;

use chrono::Utc;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{ChatMemberKind, InputFile, Message, MessageId, ReplyParameters, ThreadId};
use tracing::{error, info, warn};

use super::errors::{self, Failure};
use super::inbound::CommandMessage;
use super::lanes::{Handled, Job, Lane, Waiting};
use super::payloads::SendPoll;
use crate::app::command::{self, Command, NewPoll, Parsed, PollRef};
use crate::app::dispatch::{self, Answering, Moderation};
use crate::app::visibility::{self, Asker, Audience};
use crate::app::{self, CoalesceKey, ExportOutcome, Reply, ResultsMessage};
use crate::i18n::Language;
use crate::poll::{Poll, PollId, PollNumber};
use crate::report::{self, ExportFormat, FullReportError, Scope};
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
    chat: i64,
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
    Stored(Poll),
    /// The command ends here (the moderator was told why, if need be).
    Ended(Handled),
}

/// Where a message goes: the chat, its topic, the message it answers.
#[derive(Debug, Clone, Copy)]
struct Target {
    chat: i64,
    thread: Option<i32>,
    reply_to: Option<i32>,
}

impl Lane {
    pub async fn handle(&mut self, job: &Job, waiting: &Waiting<'_>) -> Handled {
        let result = match job {
            Job::Command { update_id, message } => self.command(*update_id, message, waiting).await,
            Job::Close(id) => self.close_on_time(*id).await,
            Job::Announce(id) => self.announce(*id).await,
        };
        let handled = match result {
            Ok(handled) => handled,
            Err(error) => {
                // Our own failure (the store, a chart): the job is dropped
                // after an apology, or it would fail again forever.
                error!(error = %format!("{error:#}"), chat = self.chat, ?job, "cannot do a job");
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
                    .scheduled
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(id);
            }
        }
        handled
    }

    async fn finish_commands(&self, update_ids: &[i64]) {
        let ids = update_ids.to_vec();
        let finished = self
            .edge
            .blocking(move |store| {
                let now = Utc::now();
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
        chosen
            .and_then(|code| Language::from_code(&code))
            .unwrap_or(self.edge.config.default_language)
    }

    // ----- sending, at most once -----

    async fn journal(&self, key: JournalKey) -> anyhow::Result<Answer> {
        let journal = self
            .edge
            .blocking(move |store| Ok(store.journal(key)?))
            .await?;
        Ok(Answer {
            key,
            journal,
            next_step: 0,
            chat: self.chat,
            private_refused: false,
            commands_before_sending: None,
        })
    }

    async fn save_journal(&self, answer: &Answer, flush: bool) -> anyhow::Result<()> {
        let (key, journal) = (answer.key, answer.journal);
        self.edge
            .blocking(move |store| {
                store.write(|changes| changes.set_journal(key, &journal))?;
                if flush {
                    store.flush()?;
                }
                Ok(())
            })
            .await
    }

    /// Waits for the chat's turn under Telegram's limits; `false` if the bot
    /// is stopping before then.
    async fn pace(&self, chat: i64) -> bool {
        let mut stopping = self.edge.stopping.clone();
        loop {
            let now = Instant::now();
            let stop = self.edge.stop_at();
            if stop.is_some_and(|s| now >= s.soft) {
                return false;
            }
            let Err(wait) = self.edge.pacer.try_reserve(chat, now) else {
                return true;
            };
            match stop {
                Some(s) if now + wait > s.soft => return false,
                // A stop that comes while waiting is looked at at once.
                _ => tokio::select! {
                    _ = tokio::time::sleep(wait) => {}
                    _ = stopping.changed() => {}
                },
            }
        }
    }

    /// Sends one step of an answer: unless it went out before; marked in
    /// flight (durably) while it is sent, so that after a crash it is not
    /// sent again; waiting out 429s.
    async fn step<T, F, Fut>(&self, answer: &mut Answer, send: F) -> anyhow::Result<Step<T>>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        let step = answer.take_step();
        if step < answer.journal.done {
            return Ok(Step::Skipped);
        }
        if answer.journal.in_flight == Some(step) {
            return Ok(Step::Unknown);
        }
        loop {
            answer.journal.in_flight = Some(step);
            self.save_journal(answer, true).await?;
            // The slot is taken right before sending, so that the time spent
            // on the journal does not bunch two messages together.
            if !self.pace(answer.chat).await {
                answer.journal.in_flight = None;
                self.save_journal(answer, true).await?;
                return Ok(Step::Stopping);
            }
            answer.commands_before_sending.get_or_insert_with(|| {
                self.edge
                    .commands_received_through
                    .load(std::sync::atomic::Ordering::SeqCst)
            });
            let hard = self.edge.stop_at().map(|s| s.hard);
            let result = match hard {
                Some(hard) => match tokio::time::timeout_at(hard.into(), send()).await {
                    Ok(result) => result,
                    Err(_) => return Ok(Step::Unknown),
                },
                None => send().await,
            };
            match result {
                Ok(value) => {
                    answer.journal.in_flight = None;
                    answer.journal.done = step + 1;
                    self.save_journal(answer, false).await?;
                    return Ok(Step::Sent(value));
                }
                Err(RequestError::RetryAfter(after)) => {
                    answer.journal.in_flight = None;
                    self.save_journal(answer, false).await?;
                    warn!(chat = answer.chat, ?after, "Telegram asked to wait");
                    self.edge
                        .pacer
                        .freeze(answer.chat, Instant::now() + after.duration());
                }
                Err(error) => {
                    let failure = errors::classify(&error);
                    warn!(%error, chat = answer.chat, ?failure, "a Bot API call failed");
                    if matches!(failure, Failure::Unknown | Failure::Unreadable) {
                        return Ok(Step::Unknown);
                    }
                    answer.journal.in_flight = None;
                    self.save_journal(answer, false).await?;
                    return Ok(Step::Failed(failure));
                }
            }
        }
    }

    /// Sends `text` as a step of `answer`.
    async fn say(
        &self,
        answer: &mut Answer,
        target: Target,
        text: &str,
    ) -> anyhow::Result<Step<()>> {
        let text = app::fit(text, app::MESSAGE_LIMIT);
        let bot = &self.edge.bot;
        self.step(answer, || {
            let mut request = bot.send_message(ChatId(target.chat), text.clone());
            if let Some(topic) = target.topic() {
                request = request.message_thread_id(topic);
            }
            if let Some(reply) = target.reply() {
                request = request.reply_parameters(reply);
            }
            let sent = request.send();
            async move { sent.await.map(|_| ()) }
        })
        .await
    }

    /// What a failed step means for the job.
    async fn after(&self, step: Step<()>) -> anyhow::Result<Option<Handled>> {
        Ok(match step {
            Step::Sent(()) | Step::Skipped | Step::Unknown => None,
            Step::Stopping => Some(Handled::Stopping),
            Step::Failed(Failure::Transient) => Some(Handled::Later),
            Step::Failed(Failure::Gone) => {
                self.chat_gone().await?;
                Some(Handled::Done)
            }
            Step::Failed(Failure::Moved(to)) => Some(self.chat_moved(self.chat, to).await?),
            Step::Failed(_) => Some(Handled::Done),
        })
    }

    /// [`Self::after`] for a step sent to `target`: a moderator's private
    /// chat that Telegram will not open is noted on the answer, and the
    /// command's own chat is not taken for gone.
    async fn after_to(
        &self,
        answer: &mut Answer,
        step: Step<()>,
        target: Target,
    ) -> anyhow::Result<Option<Handled>> {
        if target.chat != self.chat && matches!(step, Step::Failed(Failure::Gone)) {
            info!(
                chat = self.chat,
                user = target.chat,
                "Telegram will not let the bot write to the moderator privately"
            );
            answer.private_refused = true;
            return Ok(Some(Handled::Done));
        }
        self.after(step).await
    }

    /// Telegram says the chat `from` is now `to` (a group upgraded to a
    /// supergroup): its polls move there, and the closer finds their
    /// deadlines and final results under the new id. This job, about the
    /// old chat, ends.
    async fn chat_moved(&self, from: i64, to: i64) -> anyhow::Result<Handled> {
        info!(from, to, "Telegram says the chat has a new id");
        self.edge
            .blocking(move |store| {
                store.write(|changes| changes.note_chat_move(from, to))?;
                super::polling::complete_chat_moves(store);
                Ok(())
            })
            .await?;
        self.edge.wake_closer();
        Ok(Handled::Done)
    }

    async fn chat_gone(&self) -> anyhow::Result<()> {
        info!(chat = self.chat, "the bot can no longer write to this chat");
        let chat = self.chat;
        self.edge
            .blocking(move |store| {
                store.write(|changes| changes.set_chat_active(chat, false))?;
                Ok(store.flush()?)
            })
            .await
    }

    // ----- commands -----

    async fn command(
        &mut self,
        update_id: i64,
        message: &CommandMessage,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        let mut answer = self.journal(JournalKey::Command(update_id)).await?;
        let handled = self.answer_command(&mut answer, message, waiting).await?;
        if handled == Handled::Later && Utc::now() - message.at > STALE_AFTER {
            warn!(
                chat = self.chat,
                update = update_id,
                "giving up on a command after an hour"
            );
            let target = reply_target(message);
            let text = Reply::Internal.text(self.language().await);
            let _ = self.say(&mut answer, target, &text).await?;
            return Ok(Handled::Done);
        }
        Ok(handled)
    }

    async fn apologize(&self, update_id: i64, message: &CommandMessage) -> anyhow::Result<()> {
        let mut answer = self.journal(JournalKey::Command(update_id)).await?;
        // After whatever steps the answer had: a step of its own.
        answer.next_step = answer
            .journal
            .done
            .max(answer.journal.in_flight.map_or(0, |s| s + 1));
        let text = Reply::Internal.text(self.language().await);
        self.say(&mut answer, reply_target(message), &text).await?;
        Ok(())
    }

    /// Whether the sender may use moderator commands here
    /// ([`dispatch::moderation`]), asking Telegram for the chat's
    /// administrators only when that rule needs them.
    async fn is_moderator(&self, message: &CommandMessage) -> Result<bool, RequestError> {
        match dispatch::moderation(message.sender(), &self.edge.config.moderators) {
            Moderation::Yes => Ok(true),
            Moderation::No => Ok(false),
            Moderation::IfAdmin(user) => {
                self.edge
                    .admins
                    .is_admin(&self.edge.bot, message.chat, user)
                    .await
            }
        }
    }

    async fn answer_command(
        &mut self,
        answer: &mut Answer,
        message: &CommandMessage,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        let language = self.language().await;
        let target = reply_target(message);
        let parsed = command::parse(&message.text, self.edge.identity.username(), Utc::now());
        let Some(asked) = dispatch::asked(parsed, message.private) else {
            return Ok(Handled::Done);
        };
        let moderator = match self.is_moderator(message).await {
            Ok(moderator) => moderator,
            Err(error) => {
                return Ok(match errors::classify(&error) {
                    Failure::Transient | Failure::Unknown => Handled::Later,
                    Failure::Gone => {
                        self.chat_gone().await?;
                        Handled::Done
                    }
                    Failure::Moved(to) => self.chat_moved(self.chat, to).await?,
                    Failure::Refused(_) => {
                        warn!(%error, chat = self.chat, "cannot tell who moderates this chat");
                        Handled::Done
                    }
                    Failure::Unreadable => {
                        error!(
                            %error,
                            method = "getChatAdministrators",
                            chat = self.chat,
                            "Telegram's answer cannot be read: the command fails"
                        );
                        let step = self
                            .say(answer, target, &Reply::Internal.text(language))
                            .await?;
                        self.after(step).await?.unwrap_or(Handled::Done)
                    }
                });
            }
        };
        let sender = app::Sender {
            private: message.private,
            moderates_here: moderator,
            configured_moderator: message
                .from
                .is_some_and(|user| self.edge.config.moderators.contains(&user)),
        };
        if app::flood_limited(sender) {
            let sender = message.from.or(message.sender_chat).unwrap_or_default();
            if !self.flood.allow(sender, Instant::now()) {
                info!(chat = self.chat, user = sender, text = %message.text, "flood: command ignored");
                return Ok(Handled::Done);
            }
        }
        let reply = match dispatch::answering(asked, moderator, command_name(&message.text)) {
            Answering::Run(command) => {
                return self
                    .run_command(answer, message, command, language, waiting)
                    .await;
            }
            Answering::Say(reply) => reply,
        };
        let step = self.say(answer, target, &reply.text(language)).await?;
        Ok(self.after(step).await?.unwrap_or(Handled::Done))
    }

    async fn run_command(
        &mut self,
        answer: &mut Answer,
        message: &CommandMessage,
        command: Command,
        language: Language,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        let reply = match command {
            Command::NewPoll(new_poll) => {
                return self.new_poll(answer, message, new_poll, language).await;
            }
            Command::Help => Reply::Help,
            Command::Start => Reply::Start,
            Command::Lang(new_language) => {
                let chat = self.chat;
                let reply = self
                    .edge
                    .blocking(move |store| Ok(app::set_language(store, chat, new_language)?))
                    .await?;
                let step = self.say(answer, target, &reply.text(new_language)).await?;
                return Ok(self.after(step).await?.unwrap_or(Handled::Done));
            }
            Command::Polls => {
                let chat = self.chat;
                let reply = self
                    .edge
                    .blocking(move |store| Ok(app::list_polls(store, chat)?))
                    .await?;
                let step = self.say(answer, target, &reply.text(language)).await?;
                let handled = self.after(step).await?.unwrap_or(Handled::Done);
                return self
                    .coalesce(answer, handled, CoalesceKey::Polls, waiting)
                    .await;
            }
            Command::Results(poll) => match self.find(message, poll).await? {
                Ok(poll) => {
                    let key = CoalesceKey::Results(poll.id);
                    let (handled, private) = self
                        .deliver(answer, &poll, message, language, Delivery::Results)
                        .await?;
                    if handled == Handled::Done && !poll.is_open() && !poll.results_announced {
                        let id = poll.id;
                        self.edge
                            .blocking(move |store| Ok(app::mark_announced(store, id)?))
                            .await?;
                    }
                    // Each moderator gets a hidden poll's results themselves.
                    if private {
                        return Ok(handled);
                    }
                    return self.coalesce(answer, handled, key, waiting).await;
                }
                Err(reply) => reply,
            },
            Command::Export(poll, format) => match self.find(message, poll).await? {
                Ok(poll) => {
                    let key = CoalesceKey::Export(poll.id, format);
                    let (handled, private) = self
                        .deliver(answer, &poll, message, language, Delivery::Export(format))
                        .await?;
                    if private {
                        return Ok(handled);
                    }
                    return self.coalesce(answer, handled, key, waiting).await;
                }
                Err(reply) => reply,
            },
            Command::Close(poll) => match self.find(message, poll).await? {
                Ok(poll) => return self.close_command(answer, poll, message, language).await,
                Err(reply) => reply,
            },
            Command::Share { poll, off } => {
                return self
                    .share_command(answer, message, poll, off, language)
                    .await;
            }
            Command::Post(code) => {
                return self.post_command(answer, message, code, language).await;
            }
            Command::Report(poll, by) => match self.find(message, poll).await? {
                Ok(poll) => {
                    let (handled, _) = self
                        .deliver(answer, &poll, message, language, Delivery::Report(by))
                        .await?;
                    return Ok(handled);
                }
                Err(reply) => reply,
            },
        };
        let step = self.say(answer, target, &reply.text(language)).await?;
        Ok(self.after(step).await?.unwrap_or(Handled::Done))
    }

    /// The poll a command means, or the reply saying there is none.
    async fn find(
        &self,
        message: &CommandMessage,
        poll: PollRef,
    ) -> anyhow::Result<Result<Poll, Reply>> {
        let (chat, reply_to) = (message.chat, message.reply_to);
        self.edge
            .blocking(move |store| Ok(app::find_poll(store, chat, poll, reply_to)?))
            .await
    }

    /// After an answer for `key` went out, the identical requests waiting
    /// behind it in this lane are answered by it: they are dropped. Only
    /// those that had come when it went out: one that came later may want
    /// newer figures.
    async fn coalesce(
        &self,
        answer: &Answer,
        handled: Handled,
        key: CoalesceKey,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        if handled != Handled::Done {
            return Ok(handled);
        }
        let came_before = answer.commands_before_sending.unwrap_or(i64::MAX);
        let jobs: Vec<Job> = waiting
            .jobs()
            .into_iter()
            .filter(
                |job| matches!(job, Job::Command { update_id, .. } if *update_id <= came_before),
            )
            .collect();
        let moderators = self.known_moderators(&jobs);
        let username = self.edge.identity.username().map(str::to_owned);
        let same: Vec<i64> = self
            .edge
            .blocking(move |store| {
                let mut same = Vec::new();
                for job in jobs {
                    let Job::Command { update_id, message } = job else {
                        continue;
                    };
                    let parsed = command::parse(&message.text, username.as_deref(), Utc::now());
                    let Parsed::Command(command) = parsed else {
                        continue;
                    };
                    let resolve = |poll| -> anyhow::Result<Option<PollId>> {
                        Ok(app::find_poll(store, message.chat, poll, message.reply_to)?
                            .ok()
                            .map(|p| p.id))
                    };
                    let moderator = moderators.contains(&update_id);
                    let job_key = dispatch::coalesce_key(&command, moderator, resolve)?;
                    if job_key == Some(key) {
                        same.push(update_id);
                    }
                }
                Ok(same)
            })
            .await?;
        if same.is_empty() {
            return Ok(Handled::Done);
        }
        let taken = waiting.take_matching(
            |job| matches!(job, Job::Command { update_id, .. } if same.contains(update_id)),
        );
        let ids: Vec<i64> = taken
            .iter()
            .filter_map(|job| match job {
                Job::Command { update_id, .. } => Some(*update_id),
                _ => None,
            })
            .collect();
        info!(
            chat = self.chat,
            coalesced = ids.len(),
            ?key,
            "identical requests answered once"
        );
        self.finish_commands(&ids).await;
        for _ in &ids {
            self.edge.activity.end();
        }
        Ok(Handled::Done)
    }

    /// The waiting commands whose sender is known to moderate this chat
    /// without asking Telegram.
    fn known_moderators(&self, jobs: &[Job]) -> Vec<i64> {
        let admins = self.edge.admins.fresh(self.chat).unwrap_or_default();
        let configured = &self.edge.config.moderators;
        jobs.iter()
            .filter_map(|job| match job {
                Job::Command { update_id, message } => {
                    dispatch::moderation(message.sender(), configured)
                        .with_admins(&admins)
                        .then_some(*update_id)
                }
                _ => None,
            })
            .collect()
    }

    // ----- /newpoll -----

    /// Sends `new_poll` as a native poll to the command's chat and topic, at
    /// most once (see [`Lane::step`]); `/newpoll` and `/post` then store it
    /// each their own way. When Telegram's answer names no poll, or it
    /// cannot be told whether the poll went out, or Telegram refuses, the
    /// moderator is told and the command ends.
    async fn post_native_poll(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        new_poll: &NewPoll,
        language: Language,
    ) -> anyhow::Result<Posting> {
        let target = reply_target(message);
        let bot = &self.edge.bot;
        let deadline = new_poll.deadline.map(|d| d.at());
        let posted = self
            .step(answer, || {
                // Decided when it is sent: a retry later gets its own.
                let close_date = app::polls::close_date(deadline, Utc::now());
                let request = SendPoll::new(
                    message.chat,
                    message.thread,
                    message.channel,
                    new_poll,
                    close_date,
                );
                request.send(bot)
            })
            .await?;
        let reply = match posted {
            Step::Sent(sent) => match sent.poll {
                Some(telegram_poll) => {
                    return Ok(Posting::Sent(app::PostedPoll {
                        message_id: sent.message_id,
                        option_persistent_ids: telegram_poll.persistent_ids(),
                        telegram_id: telegram_poll.id,
                    }));
                }
                None => {
                    error!(
                        chat = self.chat,
                        "Telegram answered sendPoll without a poll"
                    );
                    Reply::PollUnconfirmed
                }
            },
            Step::Skipped => {
                // Sent and stored before a restart: the journal names it.
                let stored = match answer.journal.poll {
                    Some(id) => self.edge.blocking(move |store| Ok(store.poll(id)?)).await?,
                    None => None,
                };
                match stored {
                    Some(poll) => return Ok(Posting::Stored(poll)),
                    // Sent, but the bot stopped before it stored the poll:
                    // it lives in Telegram, unknown here.
                    None => {
                        warn!(chat = self.chat, "a poll went out but was not stored");
                        Reply::PollUnconfirmed
                    }
                }
            }
            Step::Unknown => {
                warn!(chat = self.chat, "cannot tell whether the poll went out");
                Reply::PollUnconfirmed
            }
            Step::Stopping => return Ok(Posting::Ended(Handled::Stopping)),
            Step::Failed(Failure::Refused(why)) => Reply::Refused(why),
            Step::Failed(failure) => {
                let handled = self.after(Step::Failed(failure)).await?;
                return Ok(Posting::Ended(handled.unwrap_or(Handled::Done)));
            }
        };
        let step = self.say(answer, target, &reply.text(language)).await?;
        Ok(Posting::Ended(
            self.after(step).await?.unwrap_or(Handled::Done),
        ))
    }

    async fn new_poll(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        new_poll: NewPoll,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        if let Some(reply) = app::polls::refuse_new_poll(&new_poll, message.channel) {
            let step = self.say(answer, target, &reply.text(language)).await?;
            return Ok(self.after(step).await?.unwrap_or(Handled::Done));
        }
        let poll = match self
            .post_native_poll(answer, message, &new_poll, language)
            .await?
        {
            Posting::Sent(posted) => {
                let (chat, thread, channel) = (message.chat, message.thread, message.channel);
                let title = message.chat_title.clone();
                let command = (answer.key_update_id(), answer.journal);
                let poll = self
                    .edge
                    .blocking(move |store| {
                        Ok(app::create_poll(
                            store,
                            chat,
                            thread,
                            channel,
                            title,
                            new_poll,
                            posted,
                            Utc::now(),
                            command,
                        )?)
                    })
                    .await?;
                answer.journal.poll = Some(poll.id);
                info!(poll = %poll.id, "poll posted");
                poll
            }
            Posting::Stored(poll) => poll,
            Posting::Ended(handled) => return Ok(handled),
        };
        self.edge.wake_closer();
        let bot_is_admin = message.private || self.bot_is_admin(message.chat).await;
        let reply = Reply::PollPosted {
            number: poll.id.number,
            bot_is_admin,
        };
        let step = self.say(answer, target, &reply.text(language)).await?;
        // The poll is out and stored: a failed confirmation is not worth a
        // second try that could come much later.
        match self.after(step).await? {
            Some(Handled::Stopping) => Ok(Handled::Stopping),
            _ => Ok(Handled::Done),
        }
    }

    /// Whether the bot is an administrator of the chat (and so hears about
    /// reactions); `true` when Telegram will not say.
    async fn bot_is_admin(&self, chat: i64) -> bool {
        let me = UserId(self.edge.identity.id() as u64);
        match self.edge.bot.get_chat_member(ChatId(chat), me).await {
            Ok(member) => matches!(
                member.kind,
                ChatMemberKind::Owner(_) | ChatMemberKind::Administrator(_)
            ),
            Err(error) => {
                warn!(%error, chat, "cannot tell whether the bot is an administrator");
                true
            }
        }
    }

    // ----- where results go -----

    /// Sends what a command asked about `poll` where [`app::audience`] says:
    /// into the command's chat; for a `--hidden` poll before it closes, to
    /// the moderator who asked, privately, and nothing into the chat unless
    /// Telegram will not let the bot write to them (then the chat is told
    /// that they should start a private chat with the bot first). Returns
    /// how the job went and whether it was answered privately (such answers
    /// are not coalesced: each moderator gets their own). `/report` can
    /// route the same way with a variant of [`Delivery`].
    async fn deliver(
        &self,
        answer: &mut Answer,
        poll: &Poll,
        message: &CommandMessage,
        language: Language,
        delivery: Delivery,
    ) -> anyhow::Result<(Handled, bool)> {
        let here = reply_target(message);
        let asker = Asker {
            private: message.private,
            from: message.from,
            sender_chat: message.sender_chat,
        };
        let by = match delivery {
            Delivery::Report(by) => by.map(PollNumber),
            _ => None,
        };
        let showing = self.showing(poll, by, Some(asker)).await?;
        let target = match showing.audience {
            Audience::Chat => here,
            Audience::Moderator(user) => Target {
                chat: user,
                thread: None,
                reply_to: None,
            },
            Audience::Nobody => {
                let reply = Reply::HiddenNoPrivateChat(poll.id.number);
                let step = self.say(answer, here, &reply.text(language)).await?;
                return Ok((self.after(step).await?.unwrap_or(Handled::Done), true));
            }
        };
        let scope = showing.scope;
        let handled = match delivery {
            Delivery::Results => {
                self.post_results(answer, poll, target, scope, language)
                    .await?
            }
            Delivery::Export(format) => {
                self.export(answer, poll, format, target, scope, language)
                    .await?
            }
            Delivery::Report(by) => {
                let asked = (message, target);
                self.report(answer, asked, poll, by, scope, language)
                    .await?
            }
            Delivery::Text(reply) => {
                let step = self.say(answer, target, &reply.text(language)).await?;
                self.after_to(answer, step, target)
                    .await?
                    .unwrap_or(Handled::Done)
            }
        };
        let private = target.chat != here.chat;
        if private && answer.private_refused {
            let reply = Reply::PrivateChatNeeded(poll.id.number);
            let step = self.say(answer, here, &reply.text(language)).await?;
            return Ok((self.after(step).await?.unwrap_or(Handled::Done), true));
        }
        Ok((handled, private))
    }

    /// Where an answer about `poll` goes and what it covers, as
    /// [`visibility::showing`] decides.
    async fn showing(
        &self,
        poll: &Poll,
        by: Option<PollNumber>,
        asker: Option<Asker>,
    ) -> anyhow::Result<app::Showing> {
        let poll = poll.clone();
        self.edge
            .blocking(move |store| {
                let facts = visibility::poll_facts(store, &poll, by)?;
                Ok(visibility::showing(facts, asker))
            })
            .await
    }

    // ----- results -----

    async fn render_results(
        &self,
        id: PollId,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<ResultsMessage> {
        self.edge
            .blocking(move |store| Ok(app::results_message(store, id, scope, language)?))
            .await
    }

    /// The chart with its caption, and the comments when they did not fit;
    /// as text where the bot may not send photos.
    async fn post_results(
        &self,
        answer: &mut Answer,
        poll: &Poll,
        target: Target,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let results = self.render_results(poll.id, scope, language).await?;
        // Numbered the same whether it is sent or not.
        let text_target = Target {
            reply_to: None,
            ..target
        };
        let Some(png) = results.png.clone() else {
            // No chart could be drawn: the summary as text, where the photo
            // would have been.
            answer.take_step();
            let step = self.say(answer, text_target, &results.full).await?;
            return Ok(self
                .after_to(answer, step, text_target)
                .await?
                .unwrap_or(Handled::Done));
        };
        let bot = &self.edge.bot;
        let mut no_photo_right = false;
        let photo = self
            .step(answer, || {
                let photo = InputFile::memory(png.clone()).file_name(results.file_name.clone());
                let sent = send_photo(bot, target, photo, results.caption.clone());
                async move {
                    match sent.await {
                        Ok(_) => Ok(true),
                        Err(error) if errors::is_no_photo_right(&error) => Ok(false),
                        Err(error) => Err(error),
                    }
                }
            })
            .await?;
        let photo = match photo {
            Step::Sent(sent) => {
                no_photo_right = !sent;
                Step::Sent(())
            }
            Step::Skipped => Step::Skipped,
            Step::Unknown => Step::Unknown,
            Step::Failed(failure) => Step::Failed(failure),
            Step::Stopping => Step::Stopping,
        };
        if let Some(handled) = self.after_to(answer, photo, target).await? {
            return Ok(handled);
        }
        let follow_up = if no_photo_right {
            warn!(
                chat = target.chat,
                "cannot send photos here; results sent as text"
            );
            Some(format!(
                "{}\n\n{}",
                crate::i18n::text(language, "warning-no-photo-right"),
                results.full
            ))
        } else {
            results.follow_up.clone()
        };
        match follow_up {
            Some(text) => {
                let step = self.say(answer, text_target, &text).await?;
                Ok(self
                    .after_to(answer, step, text_target)
                    .await?
                    .unwrap_or(Handled::Done))
            }
            None => {
                answer.take_step();
                Ok(Handled::Done)
            }
        }
    }

    /// Posts a closed poll's final results once, into its topic.
    async fn announce(&self, id: PollId) -> anyhow::Result<Handled> {
        let Some(poll) = self.edge.blocking(move |store| Ok(store.poll(id)?)).await? else {
            return Ok(Handled::Done);
        };
        if poll.results_announced {
            return Ok(Handled::Done);
        }
        let chat = poll.id.chat;
        let active = self
            .edge
            .blocking(move |store| Ok(store.chat(chat)?.active))
            .await?;
        // Removed from the chat: nobody there to tell.
        if active {
            let mut answer = self.journal(JournalKey::Announce(id)).await?;
            let language = self.language().await;
            let target = Target {
                chat,
                thread: poll.thread,
                reply_to: None,
            };
            let scope = self.showing(&poll, None, None).await?.scope;
            let posted = self
                .post_results(&mut answer, &poll, target, scope, language)
                .await;
            match posted {
                Ok(Handled::Done) => {}
                Ok(other) => return Ok(other),
                Err(error) => {
                    answer.journal.failures += 1;
                    if app::polls::try_announcing_again(answer.journal.failures) {
                        self.save_journal(&answer, true).await?;
                        return Err(error);
                    }
                    error!(
                        error = %format!("{error:#}"),
                        poll = %id,
                        tries = answer.journal.failures,
                        "the final results cannot be posted: given up"
                    );
                }
            }
        }
        self.edge
            .blocking(move |store| Ok(app::mark_announced(store, id)?))
            .await?;
        Ok(Handled::Done)
    }

    // ----- /close and deadlines -----

    /// Asks Telegram to stop the poll; the poll is closed only when Telegram
    /// says it is (stopped now, or closed already).
    async fn stop_poll(&self, poll: &Poll) -> anyhow::Result<Result<(), Failure>> {
        let stopped = self
            .edge
            .bot
            .stop_poll(ChatId(poll.id.chat), MessageId(poll.message_id))
            .await;
        let final_counts = match stopped {
            Ok(stopped) => Some((
                stopped
                    .options
                    .iter()
                    .map(|o| u64::from(o.voter_count))
                    .collect::<Vec<u64>>(),
                u64::from(stopped.total_voter_count),
            )),
            Err(error) if errors::is_poll_closed_already(&error) => None,
            Err(RequestError::RetryAfter(after)) => {
                self.edge
                    .pacer
                    .freeze(poll.id.chat, Instant::now() + after.duration());
                return Ok(Err(Failure::Transient));
            }
            Err(error) => {
                warn!(%error, poll = %poll.id, "Telegram would not stop the poll");
                return Ok(Err(match errors::classify(&error) {
                    // Stopping again is harmless: try again.
                    Failure::Unknown => Failure::Transient,
                    Failure::Unreadable => {
                        error!(
                            %error,
                            method = "stopPoll",
                            poll = %poll.id,
                            "Telegram's answer cannot be read: the poll stays open"
                        );
                        Failure::Unreadable
                    }
                    failure => failure,
                }));
            }
        };
        let closing = poll.clone();
        self.edge
            .blocking(move |store| Ok(app::close_poll(store, &closing, final_counts, Utc::now())?))
            .await?;
        info!(poll = %poll.id, "poll closed");
        Ok(Ok(()))
    }

    async fn close_command(
        &self,
        answer: &mut Answer,
        poll: Poll,
        message: &CommandMessage,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        if !poll.is_open() {
            if let Some(handled) = self.close_copies(&poll).await? {
                return Ok(handled);
            }
            if !poll.results_announced {
                return self.announce(poll.id).await;
            }
            let text = Reply::PollClosedAlready(poll.id.number).text(language);
            let step = self.say(answer, target, &text).await?;
            if let Some(handled) = self.after(step).await? {
                return Ok(handled);
            }
            let delivery = Delivery::Results;
            let (handled, _) = self
                .deliver(answer, &poll, message, language, delivery)
                .await?;
            return Ok(handled);
        }
        match self.stop_poll(&poll).await? {
            Ok(()) => match self.close_copies(&poll).await? {
                Some(handled) => Ok(handled),
                None => self.announce(poll.id).await,
            },
            Err(Failure::Transient) => Ok(Handled::Later),
            Err(Failure::Gone) => {
                self.chat_gone().await?;
                Ok(Handled::Done)
            }
            Err(Failure::Moved(to)) => self.chat_moved(poll.id.chat, to).await,
            Err(Failure::Refused(why)) => {
                let reply = Reply::CloseRefused {
                    number: poll.id.number,
                    why,
                };
                let step = self.say(answer, target, &reply.text(language)).await?;
                Ok(self.after(step).await?.unwrap_or(Handled::Done))
            }
            Err(Failure::Unknown) => Ok(Handled::Later),
            Err(Failure::Unreadable) => {
                let step = self
                    .say(answer, target, &Reply::Internal.text(language))
                    .await?;
                Ok(self.after(step).await?.unwrap_or(Handled::Done))
            }
        }
    }

    /// A deadline has come: stop the poll and post its final results.
    async fn close_on_time(&self, id: PollId) -> anyhow::Result<Handled> {
        let Some(poll) = self.edge.blocking(move |store| Ok(store.poll(id)?)).await? else {
            return Ok(Handled::Done);
        };
        if !poll.is_open() {
            return self.announce(id).await;
        }
        match self.stop_poll(&poll).await? {
            Ok(()) => self.announce(id).await,
            Err(Failure::Transient) | Err(Failure::Unknown) => Ok(Handled::Later),
            Err(Failure::Gone) => {
                self.chat_gone().await?;
                Ok(Handled::Done)
            }
            Err(Failure::Moved(to)) => self.chat_moved(poll.id.chat, to).await,
            Err(failure @ (Failure::Refused(_) | Failure::Unreadable)) => {
                // It stays open; tried again in a while, not every minute.
                warn!(poll = %id, ?failure, "the poll's deadline passed but Telegram would not stop it");
                self.edge.close_refused.refuse(id, Instant::now());
                Ok(Handled::Done)
            }
        }
    }

    // ----- /report -----

    /// The full report: a photo of the timeline with the headline as its
    /// caption, then `poll-N-report.html`.
    async fn report(
        &self,
        answer: &mut Answer,
        (message, target): (&CommandMessage, Target),
        poll: &Poll,
        by: Option<u32>,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let dir = tempfile::tempdir()?;
        let name = format!("poll-{}-report.html", poll.id.number.0);
        let path = dir.path().join(&name);
        let (id, html_path, chat, title) = (
            poll.id,
            path.clone(),
            message.chat,
            message.chat_title.clone(),
        );
        let made = self
            .edge
            .blocking(move |store| {
                if let Some(title) = title {
                    store.write(|changes| changes.set_chat_title(chat, &title))?;
                }
                let html = std::io::BufWriter::new(std::fs::File::create(&html_path)?);
                Ok(
                    app::load::full_report_data(store, id, by.map(PollNumber), scope)
                        .and_then(|data| report::write_full_report(&data, language, html)),
                )
            })
            .await?;
        let full = match made {
            Ok(full) => full,
            Err(error) => {
                let Some(key) = error.locale_key() else {
                    return Err(error.into());
                };
                let number = match &error {
                    FullReportError::ProfileNotFound(n) | FullReportError::ProfileAnonymous(n) => {
                        *n
                    }
                    _ => poll.id.number,
                };
                let reply = Reply::ProfileRefused { key, number };
                let step = self.say(answer, target, &reply.text(language)).await?;
                return Ok(self
                    .after_to(answer, step, target)
                    .await?
                    .unwrap_or(Handled::Done));
            }
        };
        let bot = &self.edge.bot;
        let caption = app::fit(&full.headline, app::CAPTION_LIMIT);
        let photo = self
            .step(answer, || {
                let photo = InputFile::memory(full.timeline_png.clone())
                    .file_name(format!("poll-{}-timeline.png", id.number.0));
                let sent = send_photo(bot, target, photo, caption.clone());
                async move { sent.await.map(|_| ()) }
            })
            .await?;
        // Sent privately, a refusal is the moderator's, not the group's.
        if let Some(handled) = self.after_to(answer, photo, target).await? {
            return Ok(handled);
        }
        let document = self
            .step(answer, || {
                send_document(bot, target, path.clone(), name.clone())
            })
            .await?;
        Ok(self
            .after_to(answer, document, target)
            .await?
            .unwrap_or(Handled::Done))
    }

    // ----- /export -----

    async fn export(
        &self,
        answer: &mut Answer,
        poll: &Poll,
        format: ExportFormat,
        target: Target,
        scope: Scope,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let dir = tempfile::tempdir()?;
        let (closing, path, db_path, bytes) = (
            poll.clone(),
            dir.path().to_path_buf(),
            self.edge.config.db_path.clone(),
            self.edge.config.upload_limit,
        );
        let chat = target.chat;
        let outcome = self
            .edge
            .blocking(move |store| {
                let limit = app::Limit::for_chat(bytes, &db_path, chat);
                Ok(app::export_files(
                    store, &closing, scope, format, &path, limit,
                )?)
            })
            .await?;
        let files = match outcome {
            ExportOutcome::Files(files) => files,
            ExportOutcome::TooLarge { command } => {
                let reply = Reply::ExportTooLarge {
                    number: poll.id.number,
                    command,
                };
                let step = self.say(answer, target, &reply.text(language)).await?;
                return Ok(self
                    .after_to(answer, step, target)
                    .await?
                    .unwrap_or(Handled::Done));
            }
        };
        let bot = &self.edge.bot;
        for file in files {
            let step = self
                .step(answer, || {
                    send_document(bot, target, file.path.clone(), file.name.clone())
                })
                .await?;
            if let Some(handled) = self.after_to(answer, step, target).await? {
                return Ok(handled);
            }
        }
        Ok(Handled::Done)
    }
}

impl Answer {
    /// The update id of the command this answer belongs to.
    fn key_update_id(&self) -> i64 {
        match self.key {
            JournalKey::Command(update_id) => update_id,
            JournalKey::Announce(_) => 0,
        }
    }
}

impl Target {
    fn topic(&self) -> Option<ThreadId> {
        self.thread.map(|thread| ThreadId(MessageId(thread)))
    }

    /// A reply to the command, sent even if the command was deleted.
    fn reply(&self) -> Option<ReplyParameters> {
        self.reply_to.map(|message| {
            let mut reply = ReplyParameters::new(MessageId(message));
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
    let mut request = bot.send_photo(ChatId(target.chat), photo).caption(caption);
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
    let mut request = bot.send_document(ChatId(target.chat), InputFile::file(path).file_name(name));
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
