//! Reading a chat's member count for a poll's turnout.

use teloxide::prelude::*;
use tracing::warn;

use crate::app;
use crate::poll::{Audience, MemberCount, PollId, TurnoutStage};
use crate::telegram::lanes::Lane;

impl Lane {
    /// Reads the member count of poll `id`'s chat and keeps it as the
    /// count at `stage`; nothing when there is nobody to count. A count
    /// Telegram will not give is logged and left out: results then show
    /// voters alone.
    pub(super) async fn count_members(
        &self,
        id: PollId,
        audience: Option<Audience>,
        stage: TurnoutStage,
    ) -> anyhow::Result<()> {
        let Some(audience) = audience else {
            return Ok(());
        };
        match self.edge.telegram.bot.get_chat_member_count(id.chat).await {
            Ok(count) => {
                let count = MemberCount {
                    count: u64::from(count),
                    audience,
                    read_at: self.edge.clock.now(),
                };
                self.edge
                    .blocking(move |store| {
                        Ok(app::turnout::record_member_count(store, id, stage, count)?)
                    })
                    .await
            }
            Err(error) => {
                warn!(%error, poll = %id, "Telegram would not give the chat's member count");
                Ok(())
            }
        }
    }

    /// The count at close, once: before the final results are written.
    pub(super) async fn count_members_at_close(&self, id: PollId) -> anyhow::Result<()> {
        let turnout = self
            .edge
            .blocking(move |store| Ok(store.turnout(id)?))
            .await?;
        let audience = app::turnout::audience_at_close(id.chat, &turnout);
        self.count_members(id, audience, TurnoutStage::Closed).await
    }
}
