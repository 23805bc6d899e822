//! Commands: a command read, its sender's rights checked (the rules are `app::dispatch`'s), and handed to the job that answers it; identical requests waiting behind an answer are answered by it.

use crate::app::command::{self, Command, Parsed, PollRef};
use crate::app::dispatch::{self, Answering, Moderation};
use crate::app::{self, CoalesceKey, Reply};
use crate::i18n::Language;
use crate::poll::{Poll, PollId};
use crate::store::JournalKey;
use crate::telegram::errors::{self, Failure};
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Job, Lane, Waiting};
use std::time::Instant;
use teloxide::RequestError;
use tracing::{error, info, warn};

use super::*;

impl Lane {
    pub(super) async fn command(
        &mut self,
        update_id: i64,
        message: &CommandMessage,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        let mut answer = self.journal(JournalKey::Command(update_id)).await?;
        let handled = self.answer_command(&mut answer, message, waiting).await?;
        if handled == Handled::Later && self.edge.clock.now() - message.at > STALE_AFTER {
            warn!(
                chat = self.chat.0,
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

    pub(super) async fn apologize(
        &self,
        update_id: i64,
        message: &CommandMessage,
    ) -> anyhow::Result<()> {
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
    pub(super) async fn is_moderator(
        &self,
        message: &CommandMessage,
    ) -> Result<bool, RequestError> {
        match dispatch::moderation(message.sender(), &self.edge.config.moderators) {
            Moderation::Yes => Ok(true),
            Moderation::No => Ok(false),
            Moderation::IfAdmin(user) => {
                self.edge
                    .telegram
                    .admins
                    .is_admin(&self.edge.telegram.bot, message.chat, user)
                    .await
            }
        }
    }

    pub(super) async fn answer_command(
        &mut self,
        answer: &mut Answer,
        message: &CommandMessage,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        let language = self.language().await;
        let target = reply_target(message);
        let chat = self.chat;
        let zone = self
            .edge
            .blocking(move |store| Ok(app::polls::chat_zone(store, chat)?))
            .await?;
        let parsed = command::parse_in(
            &message.text,
            self.edge.telegram.identity.username(),
            self.edge.clock.now(),
            zone,
        );
        let Some(asked) = dispatch::asked(parsed, message.kind) else {
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
                        warn!(%error, chat = self.chat.0, "cannot tell who moderates this chat");
                        Handled::Done
                    }
                    Failure::Unreadable => {
                        error!(
                            %error,
                            method = "getChatAdministrators",
                            chat = self.chat.0,
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
            kind: message.kind,
            moderates_here: moderator,
            configured_moderator: message
                .from
                .is_some_and(|user| self.edge.config.moderators.contains(&user)),
        };
        if app::flood_limited(sender) {
            let sender = message.flood_sender();
            if !self.flood.allow(sender, Instant::now()) {
                info!(chat = self.chat.0, user = sender.0, text = %message.text, "flood: command ignored");
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

    pub(super) async fn run_command(
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
                return self.new_poll(answer, message, *new_poll, language).await;
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
            Command::SchedulePoll { new_poll, at } => {
                let done = answer.journal.poll;
                match app::polls::refuse_new_poll(&new_poll, message.kind) {
                    Some(reply) => reply,
                    // Scheduled before a crash: said again, not done again.
                    None if done.is_some() => {
                        let id = done.expect("checked");
                        let reply = self
                            .edge
                            .blocking(move |store| Ok(app::schedule::already_scheduled(store, id)?))
                            .await?;
                        match reply {
                            Some(reply) => reply,
                            None => return Ok(Handled::Done),
                        }
                    }
                    None => {
                        let scheduled = app::schedule::ScheduledPoll {
                            new_poll: *new_poll,
                            place: message.place(),
                            command: message.message_id,
                        };
                        let command = (answer.key_update_id(), answer.journal);
                        let reply = self
                            .edge
                            .blocking(move |store| {
                                Ok(app::schedule::schedule_poll(store, scheduled, at, command)?)
                            })
                            .await?;
                        answer.journal.poll = reply_poll(&reply, message.chat);
                        // The watcher learns of the new time.
                        self.edge.wake_closer();
                        reply
                    }
                }
            }
            Command::Trend(poll) => match self.find(message, poll).await? {
                Ok(poll) => return self.send_trend(answer, message, poll, language).await,
                Err(reply) => reply,
            },
            Command::Scheduled => {
                let chat = self.chat;
                self.edge
                    .blocking(move |store| Ok(app::schedule::list_scheduled(store, chat)?))
                    .await?
            }
            Command::Cancel(number) => {
                let chat = self.chat;
                self.edge
                    .blocking(move |store| {
                        Ok(app::schedule::cancel_scheduled(store, chat, number)?)
                    })
                    .await?
            }
            Command::Timezone(zone) => {
                let chat = self.chat;
                self.edge
                    .blocking(move |store| {
                        Ok(match zone {
                            Some(zone) => app::polls::set_timezone(store, chat, zone)?,
                            None => app::polls::timezone(store, chat)?,
                        })
                    })
                    .await?
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
            Command::Results(poll) => {
                let asked = (poll, Delivery::Results);
                return self
                    .about_poll(answer, message, asked, language, waiting)
                    .await;
            }
            Command::Export(poll, format) => {
                let asked = (poll, Delivery::Export(format));
                return self
                    .about_poll(answer, message, asked, language, waiting)
                    .await;
            }
            Command::Close(poll) => match self.find(message, poll).await? {
                Ok(poll) => return self.close_command(answer, poll, message, language).await,
                Err(reply) => reply,
            },
            Command::Share { poll, action } => {
                return self
                    .share_command(answer, message, poll, action, language)
                    .await;
            }
            Command::Post(code) => {
                return self.post_command(answer, message, code, language).await;
            }
            Command::Report(poll, by) => {
                let asked = (poll, Delivery::Report(by));
                return self
                    .about_poll(answer, message, asked, language, waiting)
                    .await;
            }
        };
        let chat = self.chat;
        let zone = self
            .edge
            .blocking(move |store| Ok(app::polls::chat_zone(store, chat)?))
            .await?;
        let step = self
            .say(answer, target, &reply.text_in(language, zone))
            .await?;
        Ok(self.after(step).await?.unwrap_or(Handled::Done))
    }

    /// `/results`, `/export`, `/report`: what the command asks about its
    /// poll, where [`Lane::deliver`] sends it. Identical requests waiting
    /// behind an answer that went to the chat are answered by it (a hidden
    /// poll's private answers are each moderator's own).
    async fn about_poll(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        (poll, delivery): (PollRef, Delivery),
        language: Language,
        waiting: &Waiting<'_>,
    ) -> anyhow::Result<Handled> {
        let poll = match self.find(message, poll).await? {
            Ok(poll) => poll,
            Err(reply) => {
                let text = reply.text(language);
                let step = self.say(answer, reply_target(message), &text).await?;
                return Ok(self.after(step).await?.unwrap_or(Handled::Done));
            }
        };
        let key = match delivery {
            Delivery::Results => Some(CoalesceKey::Results(poll.id)),
            Delivery::Export(format) => Some(CoalesceKey::Export(poll.id, format)),
            Delivery::Report(_) | Delivery::Text(_) => None,
        };
        let results = matches!(delivery, Delivery::Results);
        let (handled, private) = self
            .deliver(answer, &poll, message, language, delivery)
            .await?;
        // Final results asked for before the bot posted them: posted now.
        if results && handled == Handled::Done && !poll.is_open() && !poll.results_announced {
            let id = poll.id;
            self.edge
                .blocking(move |store| Ok(app::mark_announced(store, id)?))
                .await?;
        }
        match key {
            Some(key) if !private => self.coalesce(answer, handled, key, waiting).await,
            _ => Ok(handled),
        }
    }

    /// The poll a command means, or the reply saying there is none.
    pub(super) async fn find(
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
    pub(super) async fn coalesce(
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
        let username = self.edge.telegram.identity.username().map(str::to_owned);
        let now = self.edge.clock.now();
        let same: Vec<i64> = self
            .edge
            .blocking(move |store| {
                let mut same = Vec::new();
                for job in jobs {
                    let Job::Command { update_id, message } = job else {
                        continue;
                    };
                    let parsed = command::parse(&message.text, username.as_deref(), now);
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
            chat = self.chat.0,
            coalesced = ids.len(),
            ?key,
            "identical requests answered once"
        );
        self.finish_commands(&ids).await;
        for _ in &ids {
            self.edge.progress.activity.end();
        }
        Ok(Handled::Done)
    }

    /// The waiting commands whose sender is known to moderate this chat
    /// without asking Telegram.
    pub(super) fn known_moderators(&self, jobs: &[Job]) -> Vec<i64> {
        let admins = self
            .edge
            .telegram
            .admins
            .fresh(self.chat)
            .unwrap_or_default();
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
}

/// The poll a scheduling reply names, kept in the command's journal.
fn reply_poll(reply: &Reply, chat: crate::poll::ChatId) -> Option<crate::poll::PollId> {
    match reply {
        Reply::PollScheduled { number, .. } | Reply::SeriesScheduled { number, .. } => {
            Some(crate::poll::PollId {
                chat,
                number: *number,
            })
        }
        _ => None,
    }
}
