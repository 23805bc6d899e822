//! A group upgraded to a supergroup gets a new chat id (Telegram says so
//! with a `migrate_to_chat_id` service message, or a `MigrateToChatId`
//! error on the next call). Its polls, settings and campaigns move to the
//! new id, so that commands there find them, deadlines close them and their
//! final results are posted there.
//!
//! The move is noted in the batch that records Telegram's word
//! ([`Changes::note_chat_move`]) and carried out right after, in one atomic
//! batch of its own ([`Store::complete_chat_moves`]); a move noted before a
//! crash is carried out at the next start.

use crate::store::engine::Batch;
use serde_json::Value;

use super::keys::{self, CHAT_MOVE};
use super::{Changes, ChatRecord, Result, Store};
use crate::poll::{Campaign, ChatId, Poll, PollId};

/// Kinds whose key starts with the chat (after the kind byte).
const CHAT_FIRST: [u8; 19] = [
    keys::CHAT,
    keys::POLL,
    keys::TALLY,
    keys::BALLOT,
    keys::MESSAGE,
    keys::COMMENT,
    keys::RANKING,
    keys::APPROVAL,
    keys::VOTER_HISTORY,
    keys::APPROVER,
    keys::TO_ANNOUNCE,
    keys::CAMPAIGN,
    keys::COPY_OF,
    keys::COMBINED,
    keys::EARLY_REPLY_POLL,
    keys::RANKINGS,
    keys::BALLOT_SECRET,
    keys::TURNOUT,
    keys::SCHEDULED_JOURNAL,
];

/// Where, in `o` and `r` keys, the comment's own chat stands: after the
/// kind, the poll's chat and number (`r` has the approvals before it).
const COMMENT_CHAT_AT: usize = 1 + 8 + 4;
const RANKING_CHAT_AT: usize = 1 + 8 + 4 + 4;
/// Where the chat stands in a deadline key: after the kind and the time.
const DEADLINE_CHAT_AT: usize = 1 + 8;

impl Changes<'_> {
    /// Notes that chat `from` is now chat `to`; its records move once this
    /// batch is applied (see [`Store::complete_chat_moves`]).
    pub fn note_chat_move(&mut self, from: ChatId, to: ChatId) -> Result<()> {
        if from == to {
            return Ok(());
        }
        self.put(keys::chat_move(from), &to)
    }
}

/// The old and the new id of a chat that moves.
#[derive(Debug, Clone, Copy)]
struct Move {
    from: ChatId,
    to: ChatId,
}

/// A chat's move, carried out or refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatMove {
    Moved {
        from: ChatId,
        to: ChatId,
    },
    /// The new chat has polls of its own already: numbers would clash, so
    /// the old chat's polls stay where they are.
    Refused {
        from: ChatId,
        to: ChatId,
    },
}

impl Store {
    /// Carries out every chat move noted so far, each in one atomic batch.
    pub fn complete_chat_moves(&self) -> Result<Vec<ChatMove>> {
        let mut noted = Vec::new();
        for entry in self.db.scan_prefix(&[CHAT_MOVE]) {
            let (key, value) = entry?;
            let from = keys::chat_of_chat_move(&key);
            let to: ChatId = serde_json::from_slice(&value)?;
            noted.push((from, to));
        }
        let mut done = Vec::with_capacity(noted.len());
        for (from, to) in noted {
            done.push(self.move_chat(from, to)?);
        }
        Ok(done)
    }

    fn move_chat(&self, from: ChatId, to: ChatId) -> Result<ChatMove> {
        let _writer = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let lock = self.db.lock_writers()?;
        let mut batch = Batch::default();
        batch.remove(keys::chat_move(from));
        let taken = self.db.scan_prefix(&keys::polls_of_chat(to)).next();
        if taken.is_some() {
            lock.commit(batch)?;
            return Ok(ChatMove::Refused { from, to });
        }
        let mv = Move { from, to };
        let (polls, origins) = self.move_chat_records(&mut batch, mv)?;
        self.move_deadlines(&mut batch, mv)?;
        self.move_campaigns(&mut batch, mv, &polls, &origins)?;
        lock.commit(batch)?;
        self.db.flush()?;
        Ok(ChatMove::Moved { from, to })
    }

    /// The records keyed by the chat: moved, their values naming the new
    /// id. Returns the chat's polls (moved) and the origins of its copies.
    fn move_chat_records(
        &self,
        batch: &mut Batch,
        Move { from, to }: Move,
    ) -> Result<(Vec<Poll>, Vec<PollId>)> {
        let mut polls = Vec::new();
        let mut origins = Vec::new();
        for kind in CHAT_FIRST {
            let mut prefix = vec![kind];
            prefix.extend_from_slice(&keys::chat(from)[1..]);
            for entry in self.db.scan_prefix(&prefix) {
                let (key, value) = entry?;
                let mut new_key = key.to_vec();
                set_chat(&mut new_key, 1, from, to);
                match kind {
                    keys::COMMENT => set_chat(&mut new_key, COMMENT_CHAT_AT, from, to),
                    keys::RANKING => set_chat(&mut new_key, RANKING_CHAT_AT, from, to),
                    _ => {}
                }
                let value = match kind {
                    keys::CHAT => self.merged_chat_record(&value, to)?,
                    // A copy's origin is another chat's poll.
                    keys::COPY_OF => {
                        origins.push(keys::poll_id_from_value(&value));
                        value.to_vec()
                    }
                    _ => moved_json(&value, from, to),
                };
                if kind == keys::POLL {
                    polls.push(serde_json::from_slice::<Poll>(&value)?);
                }
                batch.remove(key);
                batch.insert(new_key, value);
            }
        }
        // The index from Telegram's poll id to the poll.
        for poll in &polls {
            let id = PollId {
                chat: to,
                ..poll.id
            };
            batch.insert(
                keys::telegram_poll(&poll.telegram_id),
                keys::poll_id_value(id),
            );
        }
        Ok((polls, origins))
    }

    /// The deadlines and reminders of its open polls: their keys hold the
    /// poll after the time.
    fn move_deadlines(&self, batch: &mut Batch, Move { from, to }: Move) -> Result<()> {
        for prefix in [
            keys::all_deadlines(),
            keys::all_reminders(),
            keys::all_scheduled(),
        ] {
            for entry in self.db.scan_prefix(&prefix) {
                let (key, value) = entry?;
                if key.len() > DEADLINE_CHAT_AT && keys::deadline_entry(&key).1.chat == from {
                    let mut new_key = key.to_vec();
                    set_chat(&mut new_key, DEADLINE_CHAT_AT, from, to);
                    batch.remove(key);
                    batch.insert(new_key, value.to_vec());
                }
            }
        }
        Ok(())
    }

    /// The campaigns it takes part in: its own (their copies point back at
    /// it, their code names it) and those of other chats it has copies of.
    fn move_campaigns(
        &self,
        batch: &mut Batch,
        Move { from, to }: Move,
        polls: &[Poll],
        origins: &[PollId],
    ) -> Result<()> {
        for poll in polls {
            let old = PollId {
                chat: from,
                ..poll.id
            };
            let Some(bytes) = self.db.get(&keys::campaign(old))? else {
                continue;
            };
            let campaign: Campaign = serde_json::from_slice(&bytes)?;
            let origin = PollId {
                chat: to,
                ..poll.id
            };
            for copy in &campaign.copies {
                batch.insert(keys::copy_of(*copy), keys::poll_id_value(origin));
            }
            if let Some(code) = &campaign.code
                && let Some(record) = self.db.get(&keys::share_code(code.as_str()))?
            {
                let moved = moved_json(&record, from, to);
                batch.insert(keys::share_code(code.as_str()), moved);
            }
        }
        for &origin in origins {
            for key in [keys::campaign(origin), keys::combined(origin)] {
                if let Some(value) = self.db.get(&key)? {
                    batch.insert(key, moved_json(&value, from, to));
                }
            }
        }
        Ok(())
    }

    /// The moved chat's record, keeping a title the new chat has already.
    fn merged_chat_record(&self, moved: &[u8], to: ChatId) -> Result<Vec<u8>> {
        let mut record: ChatRecord = serde_json::from_slice(moved)?;
        if let Some(bytes) = self.db.get(&keys::chat(to))? {
            let there: ChatRecord = serde_json::from_slice(&bytes)?;
            record.title = there.title.or(record.title);
        }
        record.active = true;
        Ok(serde_json::to_vec(&record)?)
    }
}

/// Writes chat `to` over `from` at `at` in a key, if `from` stands there.
fn set_chat(key: &mut [u8], at: usize, from: ChatId, to: ChatId) {
    let (old, new) = (keys::chat(from), keys::chat(to));
    if key.len() >= at + 8 && key[at..at + 8] == old[1..] {
        key[at..at + 8].copy_from_slice(&new[1..]);
    }
}

/// A JSON value with every `"chat": from` in it (a poll's id, a comment's
/// chat) made `to`; other bytes as they are.
fn moved_json(bytes: &[u8], from: ChatId, to: ChatId) -> Vec<u8> {
    let Ok(mut value) = serde_json::from_slice::<Value>(bytes) else {
        return bytes.to_vec();
    };
    if !replace_chat(&mut value, from, to) {
        return bytes.to_vec();
    }
    serde_json::to_vec(&value).unwrap_or_else(|_| bytes.to_vec())
}

fn replace_chat(value: &mut Value, from: ChatId, to: ChatId) -> bool {
    match value {
        Value::Object(map) => {
            let mut changed = false;
            for (name, field) in map.iter_mut() {
                if name == "chat" && field.as_i64() == Some(from.0) {
                    *field = Value::from(to.0);
                    changed = true;
                } else {
                    changed |= replace_chat(field, from, to);
                }
            }
            changed
        }
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| {
            replace_chat(item, from, to) | changed
        }),
        _ => false,
    }
}
