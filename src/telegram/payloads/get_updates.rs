//! `getUpdates`, read twice: by teloxide, and by [`UpdateExtras`] for the
//! fields teloxide drops.

use serde::{Deserialize, Serialize};
use teloxide::Bot;
use teloxide::RequestError;
use teloxide::requests::{JsonRequest, Payload};
use teloxide::types::{AllowedUpdate, Update};

use super::UpdateExtras;

/// `getUpdates`, answered as raw JSON values: each is read both by
/// teloxide (as its `Update`) and by [`UpdateExtras`] for the fields
/// teloxide drops.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GetUpdatesRaw {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<i32>,
    pub limit: u8,
    pub timeout: u32,
    pub allowed_updates: Vec<AllowedUpdate>,
}

impl Payload for GetUpdatesRaw {
    type Output = Vec<serde_json::Value>;
    const NAME: &'static str = "getUpdates";

    fn timeout_hint(&self) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(self.timeout.into()))
    }
}

impl GetUpdatesRaw {
    /// Fetches updates; each value becomes teloxide's [`Update`] plus its
    /// [`UpdateExtras`]. A value teloxide cannot read at all (it reads
    /// unknown kinds as `UpdateKind::Error`, so only one without an id) is
    /// logged and left out.
    pub async fn send(self, bot: &Bot) -> Result<Vec<FetchedUpdate>, RequestError> {
        let values = JsonRequest::new(bot.clone(), self).await?;
        Ok(values.into_iter().filter_map(FetchedUpdate::read).collect())
    }
}

/// An update as fetched: teloxide's reading of it, and ours of the fields
/// it does not know.
#[derive(Debug, Clone)]
pub struct FetchedUpdate {
    pub update: Update,
    pub extras: UpdateExtras,
}

impl FetchedUpdate {
    pub fn read(value: serde_json::Value) -> Option<Self> {
        let extras = UpdateExtras::deserialize(&value).unwrap_or_default();
        // teloxide reads its `Update` from text only (from a `Value` every
        // message becomes `UpdateKind::Error`), so it gets the text back.
        let text = value.to_string();
        match serde_json::from_str::<Update>(&text) {
            Ok(update) => Some(FetchedUpdate { update, extras }),
            Err(error) => {
                tracing::error!(%error, "an update teloxide cannot read at all: skipped");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reply_to_an_option_is_read_beside_teloxides_update() {
        let value = serde_json::json!({"update_id": 9, "message": {
            "message_id": 5, "date": 1_700_000_000,
            "chat": {"id": -100, "type": "supergroup", "title": "G"},
            "from": {"id": 7, "is_bot": false, "first_name": "Bo"},
            "text": "Soup, obviously",
            "reply_to_message": {"message_id": 4, "date": 1_700_000_000,
                "chat": {"id": -100, "type": "supergroup", "title": "G"},
                "poll": {"id": "p", "question": "Q?", "options": [], "total_voter_count": 0,
                    "is_closed": false, "is_anonymous": true, "type": "regular",
                    "allows_multiple_answers": false, "allows_revoting": true,
                    "members_only": false}},
            "reply_to_poll_option_id": "0",
            "a_field_from_the_future": {"nested": true}}});
        let fetched = FetchedUpdate::read(value).unwrap();
        assert_eq!(fetched.update.id.0, 9);
        let teloxide::types::UpdateKind::Message(message) = &fetched.update.kind else {
            panic!("{:?}", fetched.update.kind);
        };
        assert_eq!(message.text(), Some("Soup, obviously"));
        assert_eq!(message.reply_to_message().map(|m| m.id.0), Some(4));
        assert_eq!(fetched.extras.reply_to_poll_option_id(), Some("0"));
        let plain = FetchedUpdate::read(serde_json::json!({"update_id": 10,
            "channel_post": {"message_id": 1, "date": 1, "chat": {"id": -5, "type": "channel"},
                "text": "hi"}}))
        .unwrap();
        assert_eq!(plain.extras.reply_to_poll_option_id(), None);
        // Fields of unexpected types in the extras are no reason to lose
        // the update.
        let odd = FetchedUpdate::read(serde_json::json!({"update_id": 11,
            "message": {"message_id": 1, "date": 1, "chat": {"id": 5, "type": "private",
                "first_name": "A"}, "text": "x", "reply_to_poll_option_id": 42}}))
        .unwrap();
        assert_eq!(odd.update.id.0, 11);
        assert_eq!(odd.extras.reply_to_poll_option_id(), None);
        assert!(FetchedUpdate::read(serde_json::json!({"no_id": 1})).is_none());
    }
}
