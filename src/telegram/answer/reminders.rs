//! `--remind`: a reminder posted in the poll's topic, as a reply to it,
//! once.

use crate::app;
use crate::poll::PollId;
use crate::store::JournalKey;
use crate::telegram::lanes::{Handled, Lane};

use super::Target;

impl Lane {
    /// Posts reminder `index` of poll `id` (due at `at`, Unix seconds),
    /// then notes it sent: never twice, and not at all once the poll is
    /// closed.
    pub(super) async fn remind(&self, id: PollId, at: i64, index: u8) -> anyhow::Result<Handled> {
        let mut answer = self.journal(JournalKey::Remind(id, at, index)).await?;
        let (language, now) = (self.language().await, self.edge.clock.now());
        let found = self
            .edge
            .blocking(move |store| {
                let text = app::reminders::reminder_text(store, id, now, language)?;
                Ok(text.zip(store.poll(id)?))
            })
            .await?;
        if let Some((text, poll)) = found {
            let target = Target {
                chat: id.chat,
                thread: poll.thread,
                reply_to: Some(poll.message_id),
            };
            let step = self.say(&mut answer, target, &text).await?;
            // Telegram asked to wait, or the bot is stopping: again later
            // (the journal knows whether it went out).
            if let Some(handled @ (Handled::Later | Handled::Stopping)) = self.after(step).await? {
                return Ok(handled);
            }
        }
        self.edge
            .blocking(move |store| Ok(app::reminders::mark_sent(store, id, index)?))
            .await?;
        Ok(Handled::Done)
    }
}
