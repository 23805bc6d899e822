//! The command worker: answers queued commands in order and closes polls
//! whose deadline has come. Commands stay in the store until answered, so a
//! crash or an outage delays a reply but never loses it.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, ChatMemberKind, InputFile, InputPollOption, MessageId, ReplyParameters,
};
use tokio::sync::{Notify, watch};
use tracing::{error, info, warn};

use super::ThrottledBot;
use super::command::{self, Command, NewPoll, Parsed, PollRef};
use super::inbound::CommandMessage;
use super::moderators::AdminCache;
use super::polling::Backoff;
use super::replies::{self, fit};
use crate::config::Config;
use crate::i18n::{self, Language};
use crate::poll::{Poll, PollId, PollNumber, PollState};
use crate::report::{self, ExportFile, ExportFormat, PollReport, Summary};
use crate::store::{MessageRole, Store};

/// Telegram's limit on a photo caption.
const CAPTION_LIMIT: usize = 1024;
/// Telegram's limit on a message.
const MESSAGE_LIMIT: usize = 4096;
/// Polls listed by `/polls`, the most recent ones.
const LISTED_POLLS: usize = 30;
/// How much of each question `/polls` shows.
const LISTED_QUESTION_CHARS: usize = 80;
/// How long a command is retried through outages before it is given up:
/// an answer hours late would only confuse the chat.
const STALE_AFTER: chrono::TimeDelta = chrono::TimeDelta::hours(1);
/// The longest wait between checks for deadlines.
const DEADLINE_CHECK: Duration = Duration::from_secs(60);

/// Answers commands and closes polls on time.
pub struct Worker {
    bot: ThrottledBot,
    store: Arc<Store>,
    config: Arc<Config>,
    me: Option<teloxide::types::Me>,
    admins: AdminCache,
}

impl Worker {
    pub fn new(bot: ThrottledBot, store: Arc<Store>, config: Arc<Config>) -> Self {
        Self {
            bot,
            store,
            config,
            me: None,
            admins: AdminCache::default(),
        }
    }

    /// Runs until `drain` turns true, then answers what is queued and stops.
    pub async fn run(mut self, wake: Arc<Notify>, mut drain: watch::Receiver<bool>) {
        // In the background: a slow Telegram must not hold up the commands.
        tokio::spawn(register_commands(self.bot.clone()));
        let mut backoff = Backoff::new();
        loop {
            let draining = *drain.borrow();
            let done = self.answer_queued().await;
            if draining {
                break;
            }
            if done && self.close_due_polls().await {
                backoff.reset();
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(self.until_next_deadline()) => {}
                    _ = drain.changed() => {}
                }
            } else {
                // After a failure, new commands wait for the backoff too:
                // they would only fail the same way.
                tokio::select! {
                    _ = tokio::time::sleep(backoff.next_wait()) => {}
                    _ = drain.changed() => {}
                }
            }
        }
    }

    /// Answers every queued command in order. `false` when a passing failure
    /// (network, server error) stopped it: what is left is tried again later.
    async fn answer_queued(&mut self) -> bool {
        let queued = match self.store.queued_commands() {
            Ok(queued) => queued,
            Err(error) => {
                error!(%error, "cannot read the queued commands");
                return false;
            }
        };
        for (update_id, record) in queued {
            match serde_json::from_slice::<CommandMessage>(&record) {
                Ok(message) => match self.answer(&message).await {
                    Ok(()) => {}
                    Err(error) if is_transient(&error) && !is_stale(&message) => {
                        warn!(error = %format!("{error:#}"), update = update_id, "cannot answer a command yet; will try again");
                        return false;
                    }
                    Err(error) => {
                        error!(error = %format!("{error:#}"), update = update_id, "cannot answer a command");
                        self.after_failure(&message, &error).await;
                    }
                },
                Err(error) => {
                    error!(%error, update = update_id, "unreadable queued command; dropped")
                }
            }
            let finished = self
                .store
                .write(|changes| {
                    changes.finish_command(update_id);
                    Ok(())
                })
                .and_then(|()| self.store.flush());
            if let Err(error) = finished {
                error!(%error, update = update_id, "cannot mark a command answered");
                return false;
            }
        }
        true
    }

    /// After a failure that trying again will not mend (or did not, for too
    /// long): a chat that removed the bot is marked inactive; a refusal is
    /// explained; otherwise the user gets an apology.
    async fn after_failure(&self, message: &CommandMessage, error: &anyhow::Error) {
        match error.downcast_ref::<RequestError>() {
            Some(RequestError::Api(api)) if telegram_says(api).starts_with("Forbidden") => {
                info!(
                    chat = message.chat,
                    "the bot can no longer write to this chat"
                );
                let marked = self
                    .store
                    .write(|changes| changes.set_chat_active(message.chat, false));
                if let Err(error) = marked {
                    error!(%error, "cannot mark the chat inactive");
                }
            }
            // Telegram refused (a missing right, a deleted message, ...):
            // the moderator should know why nothing happened.
            Some(RequestError::Api(api)) if !is_transient(error) => {
                let language = self.language(message.chat);
                let text = i18n::text_with(
                    language,
                    "error-telegram-refused",
                    &[("reason", telegram_says(api).into())],
                );
                let _ = self.reply(message, text).await;
            }
            // Our own failure, or Telegram failing for too long.
            _ => {
                let language = self.language(message.chat);
                let _ = self
                    .reply(message, i18n::text(language, "error-internal"))
                    .await;
            }
        }
    }

    async fn username(&mut self) -> Result<String, RequestError> {
        if self.me.is_none() {
            self.me = Some(self.bot.get_me().await?);
        }
        Ok(self
            .me
            .as_ref()
            .map(|me| me.username().to_owned())
            .unwrap_or_default())
    }

    fn language(&self, chat: i64) -> Language {
        self.store
            .chat(chat)
            .ok()
            .and_then(|record| record.language)
            .and_then(|code| Language::from_code(&code))
            .unwrap_or(self.config.default_language)
    }

    async fn reply(&self, message: &CommandMessage, text: String) -> Result<(), RequestError> {
        let mut reply = ReplyParameters::new(MessageId(message.message_id));
        reply.allow_sending_without_reply = Some(true);
        self.bot
            .send_message(ChatId(message.chat), fit(&text, MESSAGE_LIMIT))
            .reply_parameters(reply)
            .await?;
        Ok(())
    }

    async fn is_moderator(&mut self, message: &CommandMessage) -> Result<bool, RequestError> {
        if message.private {
            return Ok(true);
        }
        // An anonymous administrator posts as the group itself.
        if message.sender_chat == Some(message.chat) {
            return Ok(true);
        }
        let Some(user) = message.from else {
            return Ok(false);
        };
        if self.config.moderators.contains(&user) {
            return Ok(true);
        }
        Ok(self
            .admins
            .admins(&self.bot, message.chat)
            .await?
            .contains(&user))
    }

    /// Answers one command message.
    async fn answer(&mut self, message: &CommandMessage) -> anyhow::Result<()> {
        let language = self.language(message.chat);
        let username = self.username().await?;
        let command_name = message
            .text
            .split(|c: char| c.is_whitespace() || c == '@')
            .next()
            .unwrap_or_default()
            .to_owned();
        let command = match command::parse(&message.text, &username, Utc::now()) {
            Parsed::NotForUs => return Ok(()),
            Parsed::Unknown { name, addressed } => {
                if message.private || addressed {
                    let text = i18n::text_with(
                        language,
                        "error-unknown-command",
                        &[("command", name.into())],
                    );
                    self.reply(message, text).await?;
                }
                return Ok(());
            }
            // Every command that can be malformed is a moderator's.
            Parsed::Malformed(error) => {
                let text = if self.is_moderator(message).await? {
                    replies::command_error(language, &error)
                } else {
                    not_moderator(language, &command_name)
                };
                self.reply(message, text).await?;
                return Ok(());
            }
            Parsed::Command(command) => command,
        };
        if command.needs_moderator() && !self.is_moderator(message).await? {
            self.reply(message, not_moderator(language, &command_name))
                .await?;
            return Ok(());
        }
        match command {
            Command::NewPoll(new_poll) => self.new_poll(message, new_poll, language).await,
            Command::Results(poll) => {
                let Some(poll) = self.find_poll(message, poll, language).await? else {
                    return Ok(());
                };
                self.post_results(message.chat, poll.id, language).await
            }
            Command::Export(poll, format) => {
                let Some(poll) = self.find_poll(message, poll, language).await? else {
                    return Ok(());
                };
                self.export(message, &poll, format).await
            }
            Command::Close(poll) => {
                let Some(poll) = self.find_poll(message, poll, language).await? else {
                    return Ok(());
                };
                if !poll.is_open() && !poll.results_announced {
                    return self.announce_final_results(poll.id).await;
                }
                if !poll.is_open() {
                    let text = i18n::text_with(
                        language,
                        "poll-closed-already",
                        &[("number", poll.id.number.to_string().into())],
                    );
                    self.reply(message, text).await?;
                    return self.post_results(message.chat, poll.id, language).await;
                }
                self.close(&poll).await
            }
            Command::Polls => self.list_polls(message, language).await,
            Command::Lang(new_language) => {
                self.store.write(|changes| {
                    changes.set_chat_language(message.chat, new_language.code())
                })?;
                self.store.flush()?;
                self.reply(message, i18n::text(new_language, "lang-set"))
                    .await?;
                Ok(())
            }
            Command::Help => Ok(self.reply(message, i18n::text(language, "help")).await?),
            Command::Start => {
                let text = format!(
                    "{}\n\n{}",
                    i18n::text(language, "start"),
                    i18n::text(language, "help")
                );
                Ok(self.reply(message, text).await?)
            }
        }
    }

    /// The poll a command means, or `None` after telling the user there is
    /// no such poll.
    async fn find_poll(
        &self,
        message: &CommandMessage,
        poll: PollRef,
        language: Language,
    ) -> anyhow::Result<Option<Poll>> {
        let found = match poll {
            PollRef::Number(number) => self.store.poll(PollId {
                chat: message.chat,
                number: PollNumber(number),
            })?,
            PollRef::Implicit => {
                let replied = match message.reply_to {
                    Some(reply_to) => self.store.message_role(message.chat, reply_to)?,
                    None => None,
                };
                match replied {
                    Some(MessageRole::Poll(id) | MessageRole::Comment(id)) => {
                        self.store.poll(id)?
                    }
                    None => self.store.latest_poll(message.chat)?,
                }
            }
        };
        // A command acts on its own chat's polls only (a reply to the copy
        // of a channel's poll in its discussion group does not reach it).
        let found = found.filter(|p| p.id.chat == message.chat);
        if found.is_some() {
            return Ok(found);
        }
        let text = match poll {
            PollRef::Number(number) => i18n::text_with(
                language,
                "error-poll-not-found",
                &[("number", PollNumber(number).to_string().into())],
            ),
            PollRef::Implicit => i18n::text(language, "error-no-polls"),
        };
        self.reply(message, text).await?;
        Ok(None)
    }

    async fn new_poll(
        &mut self,
        message: &CommandMessage,
        new_poll: NewPoll,
        language: Language,
    ) -> anyhow::Result<()> {
        let options = new_poll
            .options
            .iter()
            .map(|o| InputPollOption::new(o.as_str()));
        let sent = self
            .bot
            .send_poll(ChatId(message.chat), new_poll.question.as_str(), options)
            // Telegram takes only anonymous polls in channels.
            .is_anonymous(new_poll.anonymous || message.channel)
            .allows_multiple_answers(new_poll.multiple)
            .await?;
        let telegram_poll = sent
            .poll()
            .context("Telegram answered sendPoll without a poll")?;
        let poll = self.store.write(|changes| {
            changes.create_poll(message.chat, |id| Poll {
                id,
                question: new_poll.question,
                options: new_poll.options,
                multiple: new_poll.multiple,
                anonymous: new_poll.anonymous || message.channel,
                created_at: Utc::now(),
                deadline: new_poll.deadline.map(|d| d.at()),
                state: PollState::Open,
                closed_at: None,
                results_announced: false,
                message_id: sent.id.0,
                telegram_id: telegram_poll.id.0.clone(),
            })
        })?;
        self.store.flush()?;
        info!(poll = %poll.id, "poll posted");
        // The poll is out and stored: from here on nothing may fail the
        // command, or a retry would post it twice.
        let mut text = i18n::text_with(
            language,
            "poll-posted",
            &[
                ("number", poll.id.number.to_string().into()),
                ("n", poll.id.number.0.into()),
            ],
        );
        let admin = match message.private {
            true => Ok(true),
            false => self.bot_is_admin(message.chat).await,
        };
        match admin {
            Ok(true) => {}
            Ok(false) => text = format!("{text}\n{}", i18n::text(language, "warning-not-admin")),
            Err(error) => warn!(%error, "cannot tell whether the bot is an administrator"),
        }
        if let Err(error) = self.reply(message, text).await {
            warn!(%error, poll = %poll.id, "cannot confirm the new poll");
        }
        Ok(())
    }

    async fn bot_is_admin(&mut self, chat: i64) -> Result<bool, RequestError> {
        self.username().await?;
        let Some(me) = &self.me else { return Ok(false) };
        let member = self.bot.get_chat_member(ChatId(chat), me.user.id).await?;
        Ok(matches!(
            member.kind,
            ChatMemberKind::Owner(_) | ChatMemberKind::Administrator(_)
        ))
    }

    /// Stops a poll in Telegram and in the store, and posts its results.
    async fn close(&self, poll: &Poll) -> anyhow::Result<()> {
        let stopped = match self
            .bot
            .stop_poll(ChatId(poll.id.chat), MessageId(poll.message_id))
            .await
        {
            Ok(stopped) => Some(stopped),
            // Already stopped, or its message deleted: it is closed all the same.
            Err(RequestError::Api(error)) => {
                warn!(%error, poll = %poll.id, "Telegram would not stop the poll");
                None
            }
            Err(error) => return Err(error.into()),
        };
        let now = Utc::now();
        self.store.write(|changes| {
            // The stopped poll carries Telegram's final counts (all there is
            // for an anonymous poll).
            if let Some(stopped) = &stopped {
                let counts: Vec<u64> = stopped
                    .options
                    .iter()
                    .map(|o| u64::from(o.voter_count))
                    .collect();
                let voters = u64::from(stopped.total_voter_count);
                changes.record_poll_counts(&poll.telegram_id, &counts, voters, true, now)?;
            }
            changes.close_poll(poll.id, now)
        })?;
        self.store.flush()?;
        info!(poll = %poll.id, "poll closed");
        self.announce_final_results(poll.id).await
    }

    /// Posts a closed poll's final results, once: if posting fails for a
    /// while, the worker tries again until it has.
    async fn announce_final_results(&self, id: PollId) -> anyhow::Result<()> {
        // Removed from the chat: nobody there to tell.
        if self.store.chat(id.chat)?.active {
            let language = self.language(id.chat);
            match self.post_results(id.chat, id, language).await {
                Ok(()) => {}
                Err(error) if is_transient(&error) => return Err(error),
                // Trying again would fail the same way.
                Err(error) => {
                    error!(error = %format!("{error:#}"), poll = %id, "cannot post the final results")
                }
            }
        }
        self.store
            .write(|changes| changes.mark_results_announced(id))?;
        self.store.flush()?;
        Ok(())
    }

    /// The chart with the summary as its caption; when the summary is too
    /// long for a caption, the tally goes with the photo and the comments
    /// follow in a message of their own.
    async fn post_results(&self, chat: i64, id: PollId, language: Language) -> anyhow::Result<()> {
        let store = Arc::clone(&self.store);
        let rendered = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            let report = PollReport::load(&store, id)?.context("the poll disappeared")?;
            let summary = Summary::new(&report, language);
            let png = report::chart::render_png(&report.chart_input(language))?;
            Ok((summary, png))
        })
        .await??;
        let (summary, png) = rendered;
        let full = summary.full();
        let fits = |text: &str| text.encode_utf16().count() <= CAPTION_LIMIT;
        let (caption, follow_up) = if fits(&full) {
            (full.clone(), None)
        } else if fits(&summary.tally) {
            (summary.tally.clone(), summary.comments.clone())
        } else {
            // Even the tally is too long (long options): the photo gets the
            // question, and the whole summary follows as a message.
            let title = full.lines().next().unwrap_or_default();
            (fit(title, CAPTION_LIMIT), Some(full.clone()))
        };
        let photo = InputFile::memory(png).file_name(format!("poll-{}.png", id.number.0));
        match self
            .bot
            .send_photo(ChatId(chat), photo)
            .caption(caption)
            .await
        {
            Ok(_) => {}
            Err(RequestError::Api(error))
                if telegram_says(&error).contains("not enough rights") =>
            {
                warn!(%error, chat, "cannot send photos here; results sent as text");
                let text = format!(
                    "{}\n\n{}",
                    i18n::text(language, "warning-no-photo-right"),
                    full
                );
                self.bot
                    .send_message(ChatId(chat), fit(&text, MESSAGE_LIMIT))
                    .await?;
                return Ok(());
            }
            Err(error) => return Err(error.into()),
        }
        if let Some(comments) = follow_up {
            self.bot
                .send_message(ChatId(chat), fit(&comments, MESSAGE_LIMIT))
                .await?;
        }
        Ok(())
    }

    async fn export(
        &self,
        message: &CommandMessage,
        poll: &Poll,
        format: ExportFormat,
    ) -> anyhow::Result<()> {
        let store = Arc::clone(&self.store);
        let id = poll.id;
        let files =
            tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<(String, Vec<u8>)>> {
                let report = PollReport::load(&store, id)?.context("the poll disappeared")?;
                let mut files = Vec::new();
                for file in ExportFile::all(&report.poll, format) {
                    let mut bytes = Vec::new();
                    file.write(&store, &report, &mut bytes)?;
                    files.push((file.name, bytes));
                }
                Ok(files)
            })
            .await??;
        for (name, bytes) in files {
            let document = InputFile::memory(bytes).file_name(name);
            let mut reply = ReplyParameters::new(MessageId(message.message_id));
            reply.allow_sending_without_reply = Some(true);
            self.bot
                .send_document(ChatId(message.chat), document)
                .reply_parameters(reply)
                .await?;
        }
        Ok(())
    }

    async fn list_polls(&self, message: &CommandMessage, language: Language) -> anyhow::Result<()> {
        let polls = self.store.polls_of_chat(message.chat)?;
        if polls.is_empty() {
            self.reply(message, i18n::text(language, "error-no-polls"))
                .await?;
            return Ok(());
        }
        let mut lines = vec![i18n::text(language, "polls-header")];
        // Newest first, so that a long list loses the oldest.
        for poll in polls.iter().rev().take(LISTED_POLLS) {
            let voters = self.store.tally(poll.id)?.map_or(0, |t| t.voters);
            let state = if poll.is_open() {
                "state-open"
            } else {
                "state-closed"
            };
            lines.push(i18n::text_with(
                language,
                "polls-row",
                &[
                    ("number", poll.id.number.to_string().into()),
                    (
                        "question",
                        report::quote(poll.question.as_str(), LISTED_QUESTION_CHARS).into(),
                    ),
                    ("voters", report::voters_text(language, voters).into()),
                    ("state", i18n::text(language, state).into()),
                ],
            ));
        }
        self.reply(message, lines.join("\n")).await?;
        Ok(())
    }

    /// Closes every open poll whose deadline has passed (also those that
    /// passed while the bot was down), and posts final results that could
    /// not be posted before. `false` if a passing failure stopped it.
    async fn close_due_polls(&mut self) -> bool {
        let polls = match self.store.polls_to_close_or_announce() {
            Ok(polls) => polls,
            Err(error) => {
                error!(%error, "cannot read the polls with deadlines");
                return false;
            }
        };
        let now = Utc::now();
        for poll in &polls {
            let result = if poll.is_open() {
                if poll.deadline.is_none_or(|d| d > now) {
                    continue;
                }
                self.close(poll).await
            } else {
                self.announce_final_results(poll.id).await
            };
            if let Err(error) = result {
                if is_transient(&error) {
                    warn!(error = %format!("{error:#}"), poll = %poll.id, "cannot close the poll yet");
                    return false;
                }
                error!(error = %format!("{error:#}"), poll = %poll.id, "cannot close the poll");
            }
        }
        true
    }

    fn until_next_deadline(&self) -> Duration {
        let next = self
            .store
            .polls_to_close_or_announce()
            .ok()
            .and_then(|polls| {
                polls
                    .iter()
                    .filter(|p| p.is_open())
                    .filter_map(|p| p.deadline)
                    .min()
            });
        match next {
            Some(at) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(DEADLINE_CHECK),
            None => DEADLINE_CHECK,
        }
    }
}

fn not_moderator(language: Language, command: &str) -> String {
    i18n::text_with(
        language,
        "error-not-moderator",
        &[("command", command.into())],
    )
}

/// The command list Telegram shows, in each language.
async fn register_commands(bot: ThrottledBot) {
    let names = [
        "newpoll", "results", "export", "close", "polls", "lang", "help",
    ];
    for language in Language::ALL {
        let commands: Vec<BotCommand> = names
            .iter()
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

/// A command too old to be worth answering any more.
fn is_stale(message: &CommandMessage) -> bool {
    Utc::now() - message.at > STALE_AFTER
}

/// Telegram's own description of an error, as it sent it.
fn telegram_says(error: &teloxide::ApiError) -> String {
    match error {
        teloxide::ApiError::Unknown(description) => description.clone(),
        known => known.to_string(),
    }
}

/// Failures that trying again later may mend: the network, a server error,
/// a rate limit that outlasted the retries.
fn is_transient(error: &anyhow::Error) -> bool {
    match error.downcast_ref::<RequestError>() {
        Some(
            RequestError::Network(_)
            | RequestError::Io(_)
            | RequestError::InvalidJson { .. }
            | RequestError::RetryAfter(_),
        ) => true,
        // A server error ("Internal Server Error", "Bad Gateway", ...) comes
        // as an API error too; only client errors are final.
        Some(RequestError::Api(api)) => {
            const FINAL: [&str; 5] = [
                "Bad Request",
                "Forbidden",
                "Unauthorized",
                "Not Found",
                "Conflict",
            ];
            let says = telegram_says(api);
            !FINAL.iter().any(|prefix| says.starts_with(prefix))
        }
        _ => false,
    }
}
