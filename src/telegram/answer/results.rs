//! Results: where an answer about a poll goes (`app::visibility` decides), the chart and summary, and final results.

use crate::app::visibility::{self, Asker, Audience};
use crate::app::{self, Reply, ResultsMessage};
use crate::i18n::Language;
use crate::poll::{Poll, PollId, PollNumber};
use crate::report::Scope;
use crate::store::JournalKey;
use crate::telegram::errors::{self};
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};
use teloxide::types::InputFile;
use tracing::{error, warn};

use super::*;

impl Lane {
    /// Sends what a command asked about `poll` where [`app::audience`] says:
    /// into the command's chat; for a `--hidden` poll before it closes, to
    /// the moderator who asked, privately, and nothing into the chat unless
    /// Telegram will not let the bot write to them (then the chat is told
    /// that they should start a private chat with the bot first). Returns
    /// how the job went and whether it was answered privately (such answers
    /// are not coalesced: each moderator gets their own). `/report` can
    /// route the same way with a variant of [`Delivery`].
    pub(super) async fn deliver(
        &self,
        answer: &mut Answer,
        poll: &Poll,
        message: &CommandMessage,
        language: Language,
        delivery: Delivery,
    ) -> anyhow::Result<(Handled, bool)> {
        let here = reply_target(message);
        let asker = Asker {
            kind: message.kind,
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
                chat: user.private_chat(),
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
    pub(super) async fn showing(
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

    pub(super) async fn render_results(
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
    pub(super) async fn post_results(
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
        let bot = &self.edge.telegram.bot;
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
                chat = target.chat.0,
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
    pub(super) async fn announce(&self, id: PollId) -> anyhow::Result<Handled> {
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
            self.count_members_at_close(id).await?;
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
                        self.save_journal(&answer, Saved::OnDisk).await?;
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
}
