//! Who may run moderator commands in a chat.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use teloxide::prelude::*;

use super::ThrottledBot;

/// How long a chat's administrator list is trusted.
const FRESH_FOR: Duration = Duration::from_secs(5 * 60);

/// The administrators Telegram reported per chat, refreshed every few
/// minutes so that a new or removed admin counts soon.
#[derive(Default)]
pub struct AdminCache {
    chats: HashMap<i64, (Instant, Vec<i64>)>,
}

impl AdminCache {
    /// The chat's administrators and creator.
    pub async fn admins(
        &mut self,
        bot: &ThrottledBot,
        chat: i64,
    ) -> Result<&[i64], teloxide::RequestError> {
        let stale = self
            .chats
            .get(&chat)
            .is_none_or(|(at, _)| at.elapsed() > FRESH_FOR);
        if stale {
            let members = bot.get_chat_administrators(ChatId(chat)).await?;
            let ids = members.iter().map(|m| m.user.id.0 as i64).collect();
            self.chats.insert(chat, (Instant::now(), ids));
        }
        Ok(&self.chats[&chat].1)
    }
}
