//! Closing: `/close` and deadlines; a poll is closed only when Telegram confirms it.

use crate::app::{self, Reply};
use crate::i18n::Language;
use crate::poll::{Poll, PollId};
use crate::telegram::errors::{self, Failure};
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};
use std::time::Instant;
use teloxide::RequestError;
use teloxide::prelude::*;
use tracing::{error, info, warn};

use super::*;

impl Lane {
    /// Asks Telegram to stop the poll; the poll is closed only when Telegram
    /// says it is (stopped now, or closed already).
    pub(super) async fn stop_poll(&self, poll: &Poll) -> anyhow::Result<Result<(), Failure>> {
        if poll.features.ballot.is_button_ballot() {
            self.close_button_ballot(poll).await?;
            return Ok(Ok(()));
        }
        let stopped = self
            .edge
            .telegram
            .bot
            .stop_poll(poll.id.chat, poll.message_id.into())
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
                self.edge.metrics.rate_limited();
                self.edge
                    .telegram
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
        let (closing, now) = (poll.clone(), self.edge.clock.now());
        self.edge
            .blocking(move |store| Ok(app::close_poll(store, &closing, final_counts, now)?))
            .await?;
        info!(poll = %poll.id, "poll closed");
        Ok(Ok(()))
    }

    pub(super) async fn close_command(
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
    pub(super) async fn close_on_time(&self, id: PollId) -> anyhow::Result<Handled> {
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
                self.edge.schedule.refused_closes.refuse(id, Instant::now());
                Ok(Handled::Done)
            }
        }
    }
}
