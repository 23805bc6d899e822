//! `/newpoll --at`: a scheduled poll posted when its time comes (or when
//! the bot starts, if it came while the bot was down), once.

use crate::app::{self, Reply};
use crate::poll::PollId;
use crate::store::JournalKey;
use crate::telegram::inbound::CommandMessage;
use crate::telegram::lanes::{Handled, Lane};

use super::{Posting, reply_target};

impl Lane {
    /// Posts scheduled poll `id` (due at `at`, Unix seconds) under its
    /// reserved number and tells the chat, replying to the command that
    /// scheduled it. A poll cancelled meanwhile is not posted; one whose
    /// posting failed for good is dropped after the moderator was told.
    pub(super) async fn post_scheduled(&self, id: PollId, at: i64) -> anyhow::Result<Handled> {
        let found = self
            .edge
            .blocking(move |store| Ok(app::schedule::scheduled(store, id, at)?))
            .await?;
        let Some(scheduled) = found else {
            return Ok(Handled::Done);
        };
        let mut answer = self.journal(JournalKey::Scheduled(id)).await?;
        let (language, now) = (self.language().await, self.edge.clock.now());
        let place = &scheduled.place;
        let message = CommandMessage {
            chat: place.chat,
            kind: place.kind,
            message_id: scheduled.command,
            from: None,
            sender_chat: None,
            text: String::new(),
            reply_to: None,
            thread: place.thread,
            chat_title: place.title.clone(),
            at: now,
        };
        let new_poll = &scheduled.new_poll;
        let posting = if new_poll.features.ballot.is_button_ballot() {
            self.post_button_ballot(&mut answer, &message, new_poll, language)
                .await?
        } else {
            self.post_native_poll(&mut answer, &message, new_poll, language)
                .await?
        };
        let poll = match posting {
            Posting::Sent(posted) => {
                self.edge
                    .blocking(move |store| {
                        let poll = app::schedule::create_scheduled_poll(
                            store, id, at, scheduled, posted, now,
                        )?;
                        Ok(poll)
                    })
                    .await?
            }
            Posting::Stored(poll) => *poll,
            Posting::Ended(handled) => {
                if handled == Handled::Done {
                    // Told why; never tried again.
                    self.edge
                        .blocking(move |store| Ok(app::schedule::drop_scheduled(store, id, at)?))
                        .await?;
                }
                return Ok(handled);
            }
        };
        self.edge.wake_closer();
        self.confirm_posted(&mut answer, &message, &poll, language)
            .await
    }
}

impl Lane {
    /// `/report N --trend`: the chart of a series' runs with their shares
    /// as caption, or why there is none.
    pub(super) async fn send_trend(
        &self,
        answer: &mut super::Answer,
        message: &CommandMessage,
        poll: crate::poll::Poll,
        language: crate::i18n::Language,
    ) -> anyhow::Result<Handled> {
        let target = reply_target(message);
        let number = poll.id.number;
        let trend = self
            .edge
            .blocking(move |store| {
                let zone = app::polls::chat_zone(store, poll.id.chat)?;
                Ok(app::series::trend(store, &poll, language, zone)?)
            })
            .await?;
        let step = match trend {
            Some(app::series::Trend {
                png: Some(png),
                caption,
                file_name,
            }) => {
                let bot = &self.edge.telegram.bot;
                self.step(answer, || {
                    let photo = teloxide::types::InputFile::memory(png.clone())
                        .file_name(file_name.clone());
                    let sent = super::send_photo(bot, target, photo, caption.clone());
                    async move { sent.await.map(|_| ()) }
                })
                .await?
            }
            Some(trend) => self.say(answer, target, &trend.caption).await?,
            None => {
                let text = Reply::NotASeries(number).text(language);
                self.say(answer, target, &text).await?
            }
        };
        Ok(self.after(step).await?.unwrap_or(Handled::Done))
    }
}
