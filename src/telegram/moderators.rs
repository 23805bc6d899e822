//! Who may run moderator commands in a chat.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use teloxide::prelude::*;

use crate::poll::{ChatId, UserId};

/// How long a chat's administrator list is trusted.
const FRESH_FOR: Duration = Duration::from_secs(5 * 60);
/// Chats whose administrators are remembered at once.
const CACHED_CHATS: usize = 1024;

/// The administrators Telegram reported per chat, refreshed every few
/// minutes so that a new or removed admin counts soon; bounded, the stalest
/// chats forgotten first.
#[derive(Default)]
pub struct AdminCache {
    chats: Mutex<HashMap<ChatId, (Instant, Vec<UserId>)>>,
}

impl AdminCache {
    /// Whether `user` is one of the chat's administrators or its creator.
    pub async fn is_admin(
        &self,
        bot: &Bot,
        chat: ChatId,
        user: UserId,
    ) -> Result<bool, teloxide::RequestError> {
        if let Some(admins) = self.fresh(chat) {
            return Ok(admins.contains(&user));
        }
        let members = bot.get_chat_administrators(chat).await?;
        let admins: Vec<UserId> = members.iter().map(|m| m.user.id.into()).collect();
        let is_admin = admins.contains(&user);
        self.remember(chat, admins, Instant::now());
        Ok(is_admin)
    }

    /// The cached administrators, if they are fresh; no request is made.
    pub fn fresh(&self, chat: ChatId) -> Option<Vec<UserId>> {
        let chats = self.chats.lock().unwrap_or_else(|e| e.into_inner());
        chats
            .get(&chat)
            .filter(|(at, _)| at.elapsed() <= FRESH_FOR)
            .map(|(_, admins)| admins.clone())
    }

    fn remember(&self, chat: ChatId, admins: Vec<UserId>, now: Instant) {
        let mut chats = self.chats.lock().unwrap_or_else(|e| e.into_inner());
        if chats.len() >= CACHED_CHATS && !chats.contains_key(&chat) {
            chats.retain(|_, (at, _)| now.duration_since(*at) <= FRESH_FOR);
            if chats.len() >= CACHED_CHATS
                && let Some(stalest) = chats.iter().min_by_key(|(_, (at, _))| *at).map(|(c, _)| *c)
            {
                chats.remove(&stalest);
            }
        }
        chats.insert(chat, (now, admins));
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.chats.lock().unwrap().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_stays_bounded() {
        let cache = AdminCache::default();
        let now = Instant::now();
        for chat in 0..5000 {
            cache.remember(ChatId(chat), vec![UserId(1)], now);
        }
        assert_eq!(cache.len(), CACHED_CHATS);
        assert_eq!(cache.fresh(ChatId(4999)), Some(vec![UserId(1)]));
    }
}
