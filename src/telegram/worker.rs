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

use super::Sender;
use super::command::{self, Command, NewPoll, Parsed, PollRef};
use super::inbound::CommandMessage;
use super::moderators::AdminCache;
use super::polling::Backoff;
use super::replies::{self, fit};
use crate::cli::{ExportFormat, export_file_names};
use crate::config::Config;
use crate::i18n::{self, Language};
use crate::poll::{Poll, PollId, PollNumber, PollState};
use crate::report::{self, PollReport, Summary};
use crate::store::{MessageRole, Store};

/// Telegram's limit on a photo caption.
const CAPTION_LIMIT: usize = 1024;
/// Telegram's limit on a message.
const MESSAGE_LIMIT: usize = 4096;
/// Polls listed by `/polls`, the most recent ones.
const LISTED_POLLS: usize = 30;
/// Tries of one command through passing failures (with the backoff, a few
/// minutes) before it is given up, so one reply cannot hold up the queue
/// for ever.
const MAX_TRIES: u32 = 30;
/// The longest wait between checks for deadlines.
const DEADLINE_CHECK: Duration = Duration::from_secs(60);

/// Answers commands and closes polls on time.
pub struct Worker {
    bot: Sender,
    store: Arc<Store>,
    config: Arc<Config>,
    me: Option<teloxide::types::Me>,
    admins: AdminCache,
    /// Failed tries of the command at the head of the queue.
    tries: u32,
}

impl Worker {
    pub fn new(bot: Sender, store: Arc<Store>, config: Arc<Config>) -> Self {
        Self {
            bot,
            store,
            config,
            me: None,
            admins: AdminCache::default(),
            tries: 0,
        }
    }

    /// Runs until `drain` turns true, then answers what is queued and stops.
    pub async fn run(mut self, wake: Arc<Notify>, mut drain: watch::Receiver<bool>) {
        self.register_commands().await;
        let mut backoff = Backoff::new();
        loop {
            let draining = *drain.borrow();
            let done = self.answer_queued().await;
            if draining {
                break;
            }
            let wait = if done && self.close_due_polls().await {
                backoff.reset();
                self.until_next_deadline()
            } else {
                backoff.next_wait()
            };
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(wait) => {}
                _ = drain.changed() => {}
            }
        }
    }

    /// The command list Telegram shows, in each language.
    async fn register_commands(&self) {
        let names = [
            "newpoll", "results", "export", "close", "polls", "lang", "help",
        ];
        for language in Language::ALL {
            let commands: Vec<BotCommand> = names
                .iter()
                .map(|name| {
                    BotCommand::new(*name, i18n::text(language, &format!("command-{name}")))
                })
                .collect();
            let mut request = self.bot.set_my_commands(commands);
            if language != Language::English {
                request = request.language_code(language.code());
            }
            if let Err(error) = request.await {
                warn!(%error, language = language.code(), "cannot register the command list");
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
                    Err(error) if is_passing(&error) && self.tries < MAX_TRIES => {
                        self.tries += 1;
                        warn!(error = %format!("{error:#}"), update = update_id, tries = self.tries, "cannot answer a command yet; will try again");
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
            self.tries = 0;
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
            Some(RequestError::Api(api)) if !is_passing(error) => {
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
                message_id: sent.id.0,
                telegram_id: telegram_poll.id.0.clone(),
            })
        })?;
        self.store.flush()?;
        info!(poll = %poll.id, "poll posted");
        if !message.private && !self.bot_is_admin(message.chat).await? {
            self.reply(message, i18n::text(language, "warning-not-admin"))
                .await?;
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
        match self
            .bot
            .stop_poll(ChatId(poll.id.chat), MessageId(poll.message_id))
            .await
        {
            Ok(_) => {}
            // Already stopped, or its message deleted: it is closed all the same.
            Err(RequestError::Api(error)) => {
                warn!(%error, poll = %poll.id, "Telegram would not stop the poll")
            }
            Err(error) => return Err(error.into()),
        }
        self.store
            .write(|changes| changes.close_poll(poll.id, Utc::now()))?;
        self.store.flush()?;
        info!(poll = %poll.id, "poll closed");
        if !self.store.chat(poll.id.chat)?.active {
            // Removed from the chat: nobody there to tell.
            return Ok(());
        }
        let language = self.language(poll.id.chat);
        self.post_results(poll.id.chat, poll.id, language).await
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
        let (caption, follow_up) = if full.encode_utf16().count() <= CAPTION_LIMIT {
            (full.clone(), None)
        } else {
            (fit(&summary.tally, CAPTION_LIMIT), summary.comments.clone())
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
        let poll_for_files = poll.clone();
        let files =
            tokio::task::spawn_blocking(move || -> anyhow::Result<Vec<(String, Vec<u8>)>> {
                let poll = poll_for_files;
                let mut files = Vec::new();
                for name in export_file_names(&poll, format) {
                    let mut bytes = Vec::new();
                    if format == ExportFormat::Json {
                        let report =
                            PollReport::load(&store, poll.id)?.context("the poll disappeared")?;
                        report::json(&store, &report, &mut bytes)?;
                    } else if name.ends_with("comments.csv") {
                        report::comments_csv(&store, &poll, &mut bytes)?;
                    } else {
                        report::votes_csv(&store, &poll, &mut bytes)?;
                    }
                    files.push((name, bytes));
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
        for poll in polls.iter().rev().take(LISTED_POLLS).rev() {
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
                    ("question", poll.question.as_str().into()),
                    ("voters", report_voters(language, voters).into()),
                    ("state", i18n::text(language, state).into()),
                ],
            ));
        }
        self.reply(message, lines.join("\n")).await?;
        Ok(())
    }

    /// Closes every open poll whose deadline has passed (also those that
    /// passed while the bot was down). `false` if a passing failure stopped it.
    async fn close_due_polls(&mut self) -> bool {
        let polls = match self.store.open_polls_with_deadline() {
            Ok(polls) => polls,
            Err(error) => {
                error!(%error, "cannot read the polls with deadlines");
                return false;
            }
        };
        let now = Utc::now();
        for poll in polls
            .iter()
            .filter(|p| p.deadline.is_some_and(|d| d <= now))
        {
            if let Err(error) = self.close(poll).await {
                if is_passing(&error) {
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
            .open_polls_with_deadline()
            .ok()
            .and_then(|polls| polls.iter().filter_map(|p| p.deadline).min());
        match next {
            Some(at) => (at - Utc::now())
                .to_std()
                .unwrap_or(Duration::ZERO)
                .min(DEADLINE_CHECK),
            None => DEADLINE_CHECK,
        }
    }
}

fn report_voters(language: Language, voters: u64) -> String {
    i18n::text_with(
        language,
        "voters",
        &[
            ("count", voters.into()),
            ("count_text", i18n::format_count(voters).into()),
        ],
    )
}

fn not_moderator(language: Language, command: &str) -> String {
    i18n::text_with(
        language,
        "error-not-moderator",
        &[("command", command.into())],
    )
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
fn is_passing(error: &anyhow::Error) -> bool {
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
            const FINAL: [&str; 6] = [
                "Bad Request",
                "Forbidden",
                "Unauthorized",
                "Not Found",
                "Conflict",
                "Too Many Requests",
            ];
            let says = telegram_says(api);
            !FINAL.iter().any(|prefix| says.starts_with(prefix))
        }
        _ => false,
    }
}
