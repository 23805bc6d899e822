//! Who the bot is. Its id is the token's first part; its username comes
//! from `getMe`, asked in the background until Telegram answers, so that a
//! slow or odd Bot API server never holds up a command.

use std::sync::{Arc, OnceLock};

use teloxide::prelude::*;
use tracing::{info, warn};

use super::polling::Backoff;
use crate::poll::UserId;

/// The bot's own identity, filled in when `getMe` succeeds.
#[derive(Debug, Clone)]
pub struct Identity {
    id: UserId,
    username: Arc<OnceLock<String>>,
}

impl Identity {
    /// Reads the bot's id from its token (`123456:ABC…`).
    pub fn from_token(token: &str) -> Self {
        let id = token
            .split(':')
            .next()
            .and_then(|id| id.parse().ok())
            .unwrap_or_default();
        Self {
            id,
            username: Arc::default(),
        }
    }

    /// The bot's user id.
    pub fn id(&self) -> UserId {
        self.id
    }

    /// The bot's username, once Telegram has told it.
    pub fn username(&self) -> Option<&str> {
        self.username.get().map(String::as_str)
    }

    /// Asks `getMe` until it answers; logs a failure once per kind.
    pub async fn learn(self, bot: Bot) {
        let mut backoff = Backoff::new();
        let mut logged = None;
        loop {
            match bot.get_me().await {
                Ok(me) => {
                    info!(username = me.username(), "the bot knows its name");
                    let _ = self.username.set(me.username().to_owned());
                    return;
                }
                Err(error) => {
                    let kind = std::mem::discriminant(&error);
                    if logged != Some(kind) {
                        warn!(%error, method = "getMe", "cannot learn the bot's name yet; commands are answered meanwhile");
                        logged = Some(kind);
                    }
                    tokio::time::sleep(backoff.next_wait()).await;
                }
            }
        }
    }
}
