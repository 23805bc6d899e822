//! `/share`, `/post`, and closing a shared poll's copies with it: what the
//! lane sends for a poll run in several chats. The decisions are
//! [`crate::app::share`]'s; this turns them into Bot API calls, each sent at
//! most once (see [`Lane::step`]).

use tracing::{info, warn};

use super::{Answer, Delivery, Posting, reply_target};
use crate::app::command::{PollRef, ShareAction};
use crate::app::share;
use crate::app::{self, Reply, ShareReply};
use crate::i18n::Language;
use crate::poll::{Poll, ShareCode, TurnoutStage};
use crate::telegram::errors::Failure;
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};

impl Lane {
    /// `/share [poll] [off]`: the code, or its revocation.
    pub(super) async fn share_command(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        poll: PollRef,
        action: ShareAction,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        let reply = match self.find(message, poll).await? {
            Ok(poll) => {
                let title = message.chat_title.clone();
                let (shared, now) = (poll.clone(), self.edge.clock.now());
                let reply = self
                    .edge
                    .blocking(move |store| {
                        // The title the copies' results will show.
                        if let Some(title) = title {
                            store.write(|c| c.set_chat_title(shared.id.chat, &title))?;
                        }
                        Ok(share::share(store, &shared, action, now)?)
                    })
                    .await?;
                if let ShareReply::Code { number, .. } = &reply {
                    info!(chat = self.chat.0, poll = %number, "share code given");
                    // Whoever posts the code sees the combined figures: a
                    // hidden poll's code is its moderators' alone.
                    let delivery = Delivery::Text(Reply::Share(reply.clone()));
                    let (handled, _) = self
                        .deliver(answer, &poll, message, language, delivery)
                        .await?;
                    return Ok(handled);
                }
                Reply::Share(reply)
            }
            Err(reply) => reply,
        };
        let step = self.say(answer, target, &reply.text(language)).await?;
        Ok(self.after(step).await?.unwrap_or(Handled::Done))
    }

    /// `/post CODE`: the shared poll, posted here as this chat's own
    /// numbered poll and joined to its campaign.
    pub(super) async fn post_command(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        code: ShareCode,
        language: Language,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        let (chat, posted_before) = (message.chat, answer.journal.poll);
        let (kind, now) = (message.kind, self.edge.clock.now());
        let resolved = self
            .edge
            .blocking(move |store| {
                let here = share::PostedIn {
                    chat,
                    kind,
                    by_this_command: posted_before,
                };
                Ok(share::resolve_post(store, here, &code, now)?)
            })
            .await?;
        let (origin, new_poll) = match resolved {
            Ok(found) => found,
            Err(reply) => {
                // Never the code: a log is no place for a secret.
                info!(chat = self.chat.0, refused = ?reply.kind(), "a /post was refused");
                let text = Reply::Share(reply).text(language);
                let step = self.say(answer, target, &text).await?;
                return Ok(self.after(step).await?.unwrap_or(Handled::Done));
            }
        };
        if let Some(reply) = app::polls::refuse_new_poll(&new_poll, message.kind) {
            let step = self.say(answer, target, &reply.text(language)).await?;
            return Ok(self.after(step).await?.unwrap_or(Handled::Done));
        }
        let copy = match self
            .post_native_poll(answer, message, &new_poll, language)
            .await?
        {
            Posting::Sent(posted) => {
                let place = message.place();
                let command = (answer.key_update_id(), answer.journal);
                let (origin_id, now) = (origin.id, self.edge.clock.now());
                let copy = self
                    .edge
                    .blocking(move |store| {
                        Ok(share::create_copy(
                            store, place, origin_id, new_poll, posted, now, command,
                        )?)
                    })
                    .await?;
                answer.journal.poll = Some(copy.id);
                info!(poll = %copy.id, origin = %origin.id, "shared poll posted");
                copy
            }
            Posting::Stored(copy) => *copy,
            Posting::Ended(handled) => return Ok(handled),
        };
        self.edge.wake_closer();
        self.confirm_copy(answer, message, (&copy, &origin), language)
            .await
    }

    /// Tells the chat its copy is out: its number here, and where it came
    /// from.
    async fn confirm_copy(
        &self,
        answer: &mut Answer,
        message: &CommandMessage,
        (copy, origin): (&Poll, &Poll),
        language: Language,
    ) -> anyhow::Result<Handled> {
        let origin_chat = origin.id.chat;
        let origin_title = self
            .edge
            .blocking(move |store| Ok(share::chat_title(store, origin_chat)?))
            .await?;
        let bot_is_admin = message.kind.is_private() || self.bot_is_admin(message.chat).await;
        let reply = Reply::Share(ShareReply::Posted {
            number: copy.id.number,
            origin_number: origin.id.number,
            origin_title,
            bot_is_admin,
        });
        let target = reply_target(message);
        let step = self.say(answer, target, &reply.text(language)).await?;
        if copy.is_open() {
            let audience = app::turnout::audience_at_posting(message.kind);
            self.count_members(copy.id, audience, TurnoutStage::Posted)
                .await?;
        }
        match self.after(step).await? {
            Some(Handled::Stopping) => Ok(Handled::Stopping),
            _ => Ok(Handled::Done),
        }
    }

    /// `/close` in a shared poll's origin chat closes its copies too: each
    /// is stopped in its chat, and its final results go to its chat's lane
    /// (the closer finds them). `Some(Later)` when Telegram asked to wait
    /// for one of them: the whole `/close` is tried again, and copies
    /// closed already are not stopped twice.
    pub(super) async fn close_copies(&self, origin: &Poll) -> anyhow::Result<Option<Handled>> {
        let id = origin.id;
        let copies = self
            .edge
            .blocking(move |store| Ok(share::open_copies(store, id)?))
            .await?;
        if copies.is_empty() {
            return Ok(None);
        }
        let mut later = false;
        for copy in &copies {
            match self.stop_poll(copy).await? {
                Ok(()) => info!(poll = %copy.id, origin = %id, "copy closed with its origin"),
                Err(Failure::Transient | Failure::Unknown) => later = true,
                Err(Failure::Moved(to)) => {
                    self.chat_moved(copy.id.chat, to).await?;
                    later = true;
                }
                Err(failure) => {
                    // It stays open until its deadline or its own /close.
                    warn!(poll = %copy.id, ?failure, "Telegram would not stop a copy");
                }
            }
        }
        self.edge.wake_closer();
        Ok(later.then_some(Handled::Later))
    }
}
