//! Sending at most once: each step of an answer is journaled before it goes out, paced under Telegram's limits, and what a failure means for the job.

use crate::app::{self};
use crate::poll::ChatId;
use crate::store::JournalKey;
use crate::telegram::errors::{self, Failure};
use crate::telegram::lanes::{Handled, Lane};
use std::future::Future;
use std::time::Instant;
use teloxide::RequestError;
use teloxide::prelude::*;
use tracing::{info, warn};

use super::*;

impl Lane {
    pub(super) async fn journal(&self, key: JournalKey) -> anyhow::Result<Answer> {
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

    pub(super) async fn save_journal(&self, answer: &Answer, saved: Saved) -> anyhow::Result<()> {
        let (key, journal) = (answer.key, answer.journal);
        self.edge
            .blocking(move |store| {
                store.write(|changes| changes.set_journal(key, &journal))?;
                if saved == Saved::OnDisk {
                    store.flush()?;
                }
                Ok(())
            })
            .await
    }

    /// Waits for the chat's turn under Telegram's limits; `false` if the bot
    /// is stopping before then.
    pub(super) async fn pace(&self, chat: ChatId) -> bool {
        let mut stopping = self.edge.progress.stopping.clone();
        loop {
            let now = Instant::now();
            let stop = self.edge.stop_at();
            if stop.is_some_and(|s| now >= s.soft) {
                return false;
            }
            let Err(wait) = self.edge.telegram.pacer.try_reserve(chat, now) else {
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
    pub(super) async fn step<T, F, Fut>(
        &self,
        answer: &mut Answer,
        send: F,
    ) -> anyhow::Result<Step<T>>
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
            self.save_journal(answer, Saved::OnDisk).await?;
            // The slot is taken right before sending, so that the time spent
            // on the journal does not bunch two messages together.
            if !self.pace(answer.chat).await {
                answer.journal.in_flight = None;
                self.save_journal(answer, Saved::OnDisk).await?;
                return Ok(Step::Stopping);
            }
            answer.commands_before_sending.get_or_insert_with(|| {
                self.edge
                    .progress
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
                    self.save_journal(answer, Saved::Written).await?;
                    return Ok(Step::Sent(value));
                }
                Err(RequestError::RetryAfter(after)) => {
                    self.edge.metrics.rate_limited();
                    answer.journal.in_flight = None;
                    self.save_journal(answer, Saved::Written).await?;
                    warn!(chat = answer.chat.0, ?after, "Telegram asked to wait");
                    self.edge
                        .telegram
                        .pacer
                        .freeze(answer.chat, Instant::now() + after.duration());
                }
                Err(error) => {
                    let failure = errors::classify(&error);
                    warn!(%error, chat = answer.chat.0, ?failure, "a Bot API call failed");
                    if matches!(failure, Failure::Unknown | Failure::Unreadable) {
                        return Ok(Step::Unknown);
                    }
                    answer.journal.in_flight = None;
                    self.save_journal(answer, Saved::Written).await?;
                    return Ok(Step::Failed(failure));
                }
            }
        }
    }

    /// Sends `text` as a step of `answer`.
    pub(super) async fn say(
        &self,
        answer: &mut Answer,
        target: Target,
        text: &str,
    ) -> anyhow::Result<Step<()>> {
        let text = app::fit(text, app::MESSAGE_LIMIT);
        let bot = &self.edge.telegram.bot;
        self.step(answer, || {
            let mut request = bot.send_message(target.chat, text.clone());
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
    pub(super) async fn after(&self, step: Step<()>) -> anyhow::Result<Option<Handled>> {
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
    pub(super) async fn after_to(
        &self,
        answer: &mut Answer,
        step: Step<()>,
        target: Target,
    ) -> anyhow::Result<Option<Handled>> {
        if target.chat != self.chat && matches!(step, Step::Failed(Failure::Gone)) {
            info!(
                chat = self.chat.0,
                user = target.chat.0,
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
    pub(super) async fn chat_moved(&self, from: ChatId, to: ChatId) -> anyhow::Result<Handled> {
        info!(
            from = from.0,
            to = to.0,
            "Telegram says the chat has a new id"
        );
        self.edge
            .blocking(move |store| {
                store.write(|changes| changes.note_chat_move(from, to))?;
                crate::telegram::polling::complete_chat_moves(store);
                Ok(())
            })
            .await?;
        self.edge.wake_closer();
        Ok(Handled::Done)
    }

    pub(super) async fn chat_gone(&self) -> anyhow::Result<()> {
        info!(
            chat = self.chat.0,
            "the bot can no longer write to this chat"
        );
        let chat = self.chat;
        self.edge
            .blocking(move |store| {
                store.write(|changes| changes.set_chat_active(chat, false))?;
                Ok(store.flush()?)
            })
            .await
    }
}
