//! Posting a poll: `/newpoll` sends the native poll once and stores it.

use crate::app::command::NewPoll;
use crate::app::{self, Reply};
use crate::i18n::Language;
use crate::poll::{ChatId, TurnoutStage};
use crate::telegram::errors::Failure;
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};
use crate::telegram::payloads::SendPoll;
use teloxide::prelude::*;
use teloxide::types::ChatMemberKind;
use tracing::{error, info, warn};

use super::*;

impl Lane {
    /// Sends `new_poll` as a native poll to the command's chat and topic, at
    /// most once (see [`Lane::step`]); `/newpoll` and `/post` then store it
    /// each their own way. When Telegram's answer names no poll, or it
    /// cannot be told whether the poll went out, or Telegram refuses, the
    /// moderator is told and the command ends.
    pub(super) async fn post_native_poll(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        new_poll: &NewPoll,
        language: Language,
    ) -> anyhow::Result<Posting> {
        let bot = &self.edge.telegram.bot;
        let deadline = new_poll.deadline.map(|d| d.at());
        let posted = self
            .step(answer, || {
                // Decided when it is sent: a retry later gets its own.
                let close_date = app::polls::close_date(deadline, self.edge.clock.now());
                let request = SendPoll::new(
                    message.chat,
                    message.thread,
                    message.kind.is_channel(),
                    new_poll,
                    close_date,
                );
                request.send(bot)
            })
            .await?;
        let posted = match posted {
            Step::Sent(sent) => Step::Sent(sent.poll.map(|telegram_poll| app::PostedPoll {
                message_id: sent.message_id,
                option_persistent_ids: telegram_poll.persistent_ids(),
                telegram_id: telegram_poll.id,
            })),
            Step::Skipped => Step::Skipped,
            Step::Unknown => Step::Unknown,
            Step::Stopping => Step::Stopping,
            Step::Failed(failure) => Step::Failed(failure),
        };
        self.settle_posting(answer, message, language, posted).await
    }

    /// What posting a poll came to: sent (`None`: Telegram's answer named
    /// no poll), sent and stored before, or not sent. When it is not
    /// known to be out and stored, the moderator is told and the command
    /// ends.
    pub(super) async fn settle_posting(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        language: Language,
        posted: Step<Option<app::PostedPoll>>,
    ) -> anyhow::Result<Posting> {
        let target = reply_target(message);
        let reply = match posted {
            Step::Sent(Some(posted)) => return Ok(Posting::Sent(posted)),
            Step::Sent(None) => {
                error!(chat = self.chat.0, "Telegram answered without the poll");
                Reply::PollUnconfirmed
            }
            Step::Skipped => {
                // Sent and stored before a restart: the journal names it.
                let stored = match answer.journal.poll {
                    Some(id) => self.edge.blocking(move |store| Ok(store.poll(id)?)).await?,
                    None => None,
                };
                match stored {
                    Some(poll) => return Ok(Posting::Stored(Box::new(poll))),
                    // Sent, but the bot stopped before it stored the poll:
                    // it lives in Telegram, unknown here.
                    None => {
                        warn!(chat = self.chat.0, "a poll went out but was not stored");
                        Reply::PollUnconfirmed
                    }
                }
            }
            Step::Unknown => {
                warn!(chat = self.chat.0, "cannot tell whether the poll went out");
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

    pub(super) async fn new_poll(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        new_poll: NewPoll,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        if let Some(reply) = app::polls::refuse_new_poll(&new_poll, message.kind) {
            let step = self.say(answer, target, &reply.text(language)).await?;
            return Ok(self.after(step).await?.unwrap_or(Handled::Done));
        }
        let posting = if new_poll.features.ballot.is_button_ballot() {
            self.post_button_ballot(answer, message, &new_poll, language)
                .await?
        } else {
            self.post_native_poll(answer, message, &new_poll, language)
                .await?
        };
        let poll = match posting {
            Posting::Sent(posted) => {
                let (place, command) = (message.place(), (answer.key_update_id(), answer.journal));
                let now = self.edge.clock.now();
                let poll = self
                    .edge
                    .blocking(move |store| {
                        Ok(app::create_poll(
                            store, place, new_poll, posted, now, command,
                        )?)
                    })
                    .await?;
                answer.journal.poll = Some(poll.id);
                info!(poll = %poll.id, "poll posted");
                poll
            }
            Posting::Stored(poll) => *poll,
            Posting::Ended(handled) => return Ok(handled),
        };
        self.edge.wake_closer();
        self.confirm_posted(answer, message, &poll, language).await
    }

    /// Tells the chat poll `poll` is out (replying to `message`, the
    /// command), and reads the chat's member count for its turnout.
    pub(super) async fn confirm_posted(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        poll: &crate::poll::Poll,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let bot_is_admin = message.kind.is_private() || self.bot_is_admin(message.chat).await;
        let reply = Reply::PollPosted {
            number: poll.id.number,
            bot_is_admin,
        };
        let step = self
            .say(answer, reply_target(message), &reply.text(language))
            .await?;
        if poll.is_open() {
            let audience = app::turnout::audience_at_posting(message.kind);
            self.count_members(poll.id, audience, TurnoutStage::Posted)
                .await?;
        }
        // The poll is out and stored: a failed confirmation is not worth a
        // second try that could come much later.
        match self.after(step).await? {
            Some(Handled::Stopping) => Ok(Handled::Stopping),
            _ => Ok(Handled::Done),
        }
    }

    /// Whether the bot is an administrator of the chat (and so hears about
    /// reactions); `true` when Telegram will not say.
    pub(super) async fn bot_is_admin(&self, chat: ChatId) -> bool {
        let me = self.edge.telegram.identity.id().into();
        match self.edge.telegram.bot.get_chat_member(chat, me).await {
            Ok(member) => matches!(
                member.kind,
                ChatMemberKind::Owner(_) | ChatMemberKind::Administrator(_)
            ),
            Err(error) => {
                warn!(%error, chat = chat.0, "cannot tell whether the bot is an administrator");
                true
            }
        }
    }
}
