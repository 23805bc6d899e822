//! Button ballots at the edge: posting one (a message of the bot's own with
//! an inline keyboard), keeping its turnout line current, and taking the
//! buttons away at close.

use teloxide::RequestError;
use teloxide::prelude::*;
use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};
use tracing::{info, warn};

use crate::app::ballots::{self, Button};
use crate::app::command::NewPoll;
use crate::i18n::Language;
use crate::poll::{Poll, PollId};
use crate::telegram::errors;
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};

use super::*;

/// The inline keyboard of a ballot's buttons.
fn keyboard(rows: Vec<Vec<Button>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.into_iter().map(|row| {
        row.into_iter()
            .map(|button| InlineKeyboardButton::callback(button.label, button.data))
    }))
}

impl Lane {
    /// Sends `new_poll` as a button ballot to the command's chat and topic,
    /// at most once (see [`Lane::step`]).
    pub(super) async fn post_button_ballot(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        new_poll: &NewPoll,
        language: Language,
    ) -> anyhow::Result<Posting> {
        let description = new_poll.features.description.as_ref().map(|d| d.as_str());
        let text = ballots::ballot_text(
            language,
            &new_poll.question,
            description,
            &new_poll.options,
            new_poll.features.ballot,
            0,
        );
        let markup = keyboard(ballots::buttons(language, &new_poll.options));
        let bot = &self.edge.telegram.bot;
        let (chat, thread) = (message.chat, message.thread);
        let posted = self
            .step(answer, || {
                let mut request = bot
                    .send_message(chat, text.clone())
                    .reply_markup(markup.clone());
                if let Some(thread) = thread {
                    request = request.message_thread_id(thread.into());
                }
                let sent = request.send();
                async move { sent.await.map(|m| crate::poll::MessageId::from(m.id)) }
            })
            .await?;
        let posted = match posted {
            Step::Sent(message_id) => Step::Sent(Some(app::PostedPoll {
                message_id,
                option_persistent_ids: Vec::new(),
                // Not a Telegram poll id (those are digits): our own, so
                // that no poll update or vote can ever name it.
                telegram_id: format!("ballot:{}:{}", chat.0, message_id.0),
            })),
            Step::Skipped => Step::Skipped,
            Step::Unknown => Step::Unknown,
            Step::Stopping => Step::Stopping,
            Step::Failed(failure) => Step::Failed(failure),
        };
        self.settle_posting(answer, message, language, posted).await
    }

    /// Edits an open ballot's turnout line ("N ballots"), paced as any
    /// message of its chat; at most once every
    /// [`TURNOUT_EDIT_EVERY`](ballots::TURNOUT_EDIT_EVERY) (see
    /// `telegram::presses`).
    pub(super) async fn refresh_ballot(&self, id: PollId) -> anyhow::Result<Handled> {
        self.edge.ballot_edits.editing(id);
        let found = self
            .edge
            .blocking(move |store| Ok(store.poll(id)?.zip(store.tally(id)?)))
            .await?;
        let Some((poll, tally)) = found else {
            return Ok(Handled::Done);
        };
        if !poll.is_open() || !poll.features.ballot.is_button_ballot() {
            return Ok(Handled::Done);
        }
        let language = self.language().await;
        let text = ballots::open_ballot_text(language, &poll, tally.voters);
        let markup = keyboard(ballots::buttons(language, &poll.options));
        self.edit_ballot(&poll, text, Some(markup)).await
    }

    /// At close: the ballot's message shows the final result and loses its
    /// buttons (best effort: the poll is closed in the store either way).
    pub(super) async fn show_closed_ballot(&self, poll: &Poll) -> anyhow::Result<Handled> {
        let id = poll.id;
        let found = self
            .edge
            .blocking(move |store| {
                let tally = store.tally(id)?.unwrap_or_default();
                let poll = store.poll(id)?;
                let rankings = match &poll {
                    Some(poll) if poll.features.ballot == crate::poll::BallotKind::Ranked => {
                        Some(store.rankings(poll)?)
                    }
                    _ => None,
                };
                Ok(poll.map(|poll| (poll, tally, rankings)))
            })
            .await?;
        let Some((poll, tally, rankings)) = found else {
            return Ok(Handled::Done);
        };
        let language = self.language().await;
        let text = ballots::closed_ballot_text(language, &poll, &tally, rankings.as_deref());
        self.edit_ballot(&poll, text, None).await
    }

    /// Edits the ballot's message to `text`, with `markup` (none: the
    /// buttons go), in its turn within the chat's pace.
    async fn edit_ballot(
        &self,
        poll: &Poll,
        text: String,
        markup: Option<InlineKeyboardMarkup>,
    ) -> anyhow::Result<Handled> {
        if !self.pace(poll.id.chat).await {
            return Ok(Handled::Stopping);
        }
        let mut edit =
            self.edge
                .telegram
                .bot
                .edit_message_text(poll.id.chat, poll.message_id.into(), text);
        if let Some(markup) = markup {
            edit = edit.reply_markup(markup);
        }
        Ok(self.after_edit(poll, edit.await.map(|_| ())))
    }

    /// What a failed edit of a ballot means: nothing to do again (the
    /// message was deleted, or already says this), or wait when Telegram
    /// asks to.
    fn after_edit(&self, poll: &Poll, edited: Result<(), RequestError>) -> Handled {
        match edited {
            Ok(()) => Handled::Done,
            Err(RequestError::RetryAfter(after)) => {
                self.edge.metrics.rate_limited();
                let until = std::time::Instant::now() + after.duration();
                self.edge.telegram.pacer.freeze(poll.id.chat, until);
                Handled::Later
            }
            Err(error) if errors::is_not_modified(&error) => Handled::Done,
            Err(error) => {
                warn!(%error, poll = %poll.id, "cannot edit the ballot's message");
                Handled::Done
            }
        }
    }

    /// Closes a button ballot: no Telegram poll to stop, the store says
    /// it is closed; then its message shows the result.
    pub(super) async fn close_button_ballot(&self, poll: &Poll) -> anyhow::Result<()> {
        let closing = poll.clone();
        let now = self.edge.clock.now();
        self.edge
            .blocking(move |store| Ok(app::close_poll(store, &closing, None, now)?))
            .await?;
        info!(poll = %poll.id, "button ballot closed");
        let _ = self.show_closed_ballot(poll).await?;
        Ok(())
    }
}
