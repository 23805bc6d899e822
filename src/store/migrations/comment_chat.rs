//! Layout 1 to 2: comment (`o`) and ranking (`r`) keys gain the comment's
//! own chat (a comment in another chat with the same message id overwrote
//! one before).

use crate::store::engine::Batch;
use std::collections::HashMap;

use super::super::{MessageRole, Result, Store, keys};
use crate::poll::{ChatId, Comment, MessageId, PollId};
use tracing::{info, warn};

impl Store {
    /// Moves layout 1's comment and ranking keys, in one atomic batch. A
    /// comment's chat is found from its message entry (`m`); where none
    /// says, it is the poll's own chat.
    pub(in crate::store) fn move_comments_to_layout_2(&self) -> Result<()> {
        let version = match self.db.get(&keys::layout())? {
            Some(bytes) => serde_json::from_slice::<u32>(&bytes)?,
            None => 1,
        };
        if version >= keys::LAYOUT_VERSION {
            return Ok(());
        }
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let lock = self.db.lock_writers()?;
        let mut batch = Batch::default();
        let mut chats: HashMap<(PollId, MessageId), ChatId> = HashMap::new();
        let mut moved = 0usize;
        if self.db.scan_prefix(&[keys::COMMENT]).next().is_some() {
            for entry in self.db.scan_prefix(&[keys::MESSAGE]) {
                let (key, value) = entry?;
                if let Ok(MessageRole::Comment(poll)) = serde_json::from_slice(&value) {
                    let (chat, message_id) = keys::chat_and_message_of_message(&key);
                    chats.entry((poll, message_id)).or_insert(chat);
                }
            }
        }
        let chat_of = |poll: PollId, message_id: MessageId| {
            chats.get(&(poll, message_id)).copied().unwrap_or(poll.chat)
        };
        for entry in self.db.scan_prefix(&[keys::COMMENT]) {
            let (key, value) = entry?;
            if key.len() != keys::v1::COMMENT_LEN {
                continue;
            }
            let Ok(mut comment) = serde_json::from_slice::<Comment>(&value) else {
                warn!(key = ?key, "a stored comment does not decode: left where it is");
                continue;
            };
            comment.chat = chat_of(comment.poll, comment.message_id);
            batch.remove(key);
            batch.insert(
                keys::comment(comment.poll, comment.chat, comment.message_id),
                serde_json::to_vec(&comment)?,
            );
            moved += 1;
        }
        for entry in self.db.scan_prefix(&[keys::RANKING]) {
            let (key, _) = entry?;
            if key.len() != keys::v1::RANKING_LEN {
                continue;
            }
            let (poll, approvals, message_id) = keys::v1::parts_of_ranking(&key);
            batch.remove(key);
            batch.insert(
                keys::ranking(poll, approvals, chat_of(poll, message_id), message_id),
                Vec::new(),
            );
        }
        batch.insert(keys::layout(), serde_json::to_vec(&keys::LAYOUT_VERSION)?);
        lock.commit(batch)?;
        self.db.flush()?;
        if moved > 0 {
            info!(
                comments = moved,
                "comment keys moved to the layout with their chat"
            );
        }
        Ok(())
    }
}
