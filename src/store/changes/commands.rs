//! Commands and their journals, chats' settings, the update offset, set-aside updates.

use chrono::{DateTime, Utc};

use super::Changes;
use crate::i18n::Language;
use crate::poll::ChatId;
use crate::store::{Journal, JournalKey, LastUpdate, Result, keys};

impl Changes<'_> {
    pub fn set_chat_language(&mut self, chat: ChatId, language: Language) -> Result<()> {
        let mut record = self.chat(chat)?;
        record.language = Some(language);
        self.put(keys::chat(chat), &record)
    }

    /// The chat's time zone (`/timezone`).
    pub fn set_chat_timezone(&mut self, chat: ChatId, zone: crate::poll::Zone) -> Result<()> {
        let mut record = self.chat(chat)?;
        record.timezone = Some(zone.name().to_owned());
        self.put(keys::chat(chat), &record)
    }

    /// Remembers the chat's title, as Telegram last reported it; the full
    /// report shows it.
    pub fn set_chat_title(&mut self, chat: ChatId, title: &str) -> Result<()> {
        let mut record = self.chat(chat)?;
        if record.title.as_deref() != Some(title) {
            record.title = Some(title.to_owned());
            self.put(keys::chat(chat), &record)?;
        }
        Ok(())
    }

    /// Notes whether the bot is still a member of the chat.
    pub fn set_chat_active(&mut self, chat: ChatId, active: bool) -> Result<()> {
        let mut record = self.chat(chat)?;
        if record.active != active {
            record.active = active;
            self.put(keys::chat(chat), &record)?;
        }
        Ok(())
    }

    /// The last Telegram update whose effects are stored.
    pub fn last_update(&self) -> Result<Option<LastUpdate>> {
        self.get(&keys::last_update())
    }

    /// Remembers the last Telegram update whose effects this batch holds.
    pub fn set_last_update(&mut self, last: LastUpdate) -> Result<()> {
        self.put(keys::last_update(), &last)
    }

    /// Keeps an update that cannot be recorded, as JSON, for the
    /// operator to look at.
    pub fn set_aside(&mut self, update_id: i64, raw: Vec<u8>) {
        self.put_raw(keys::set_aside(update_id), raw);
    }

    /// Keeps a command until it has been answered; a command answered
    /// already (its update recorded again after a failed flush) is not queued
    /// twice. `false` when it was not queued.
    pub fn queue_command(&mut self, update_id: i64, record: Vec<u8>) -> Result<bool> {
        if self.get_raw(&keys::answered(update_id))?.is_some() {
            return Ok(false);
        }
        self.put_raw(keys::queued_command(update_id), record);
        Ok(true)
    }

    /// Notes what an answer has sent so far. An announcement's journal lives
    /// in its poll's to-announce entry, so it goes when the entry does.
    pub fn set_journal(&mut self, key: JournalKey, journal: &Journal) -> Result<()> {
        match key {
            JournalKey::Command(update_id) => self.put(keys::journal(update_id), journal),
            JournalKey::Announce(poll) => self.set_entry_journal(keys::to_announce(poll), journal),
            JournalKey::Remind(poll, at, index) => {
                self.set_entry_journal(keys::reminder(at, poll, index), journal)
            }
            JournalKey::Scheduled(poll) => self.put(keys::scheduled_journal(poll), journal),
        }
    }

    /// A journal kept in an index entry goes when the entry does.
    fn set_entry_journal(&mut self, entry: Vec<u8>, journal: &Journal) -> Result<()> {
        if self.get_raw(&entry)?.is_some() {
            self.put(entry, journal)?;
        }
        Ok(())
    }

    /// A command is answered: it leaves the queue, and its update id is
    /// remembered (until [`Changes::forget_answered_before`]).
    pub fn finish_command(&mut self, update_id: i64, at: DateTime<Utc>) {
        self.remove(keys::queued_command(update_id));
        self.remove(keys::journal(update_id));
        self.put_raw(
            keys::answered(update_id),
            at.timestamp().to_be_bytes().to_vec(),
        );
    }

    /// Forgets answered commands older than `before`: Telegram does not send
    /// an update again after that long.
    pub fn forget_answered_before(&mut self, before: DateTime<Utc>) -> Result<usize> {
        self.forget_stamped_before(&keys::all_answered(), before)
    }

    /// Forgets the records under `prefix` whose value, a Unix time in
    /// seconds (big-endian), is before `before` (or does not read as one).
    pub(super) fn forget_stamped_before(
        &mut self,
        prefix: &[u8],
        before: DateTime<Utc>,
    ) -> Result<usize> {
        let mut old = Vec::new();
        for entry in self.tree.scan_prefix(prefix) {
            let (key, value) = entry?;
            let at = value
                .as_slice()
                .try_into()
                .map(i64::from_be_bytes)
                .unwrap_or(i64::MIN);
            if at < before.timestamp() {
                old.push(key);
            }
        }
        let forgotten = old.len();
        for key in old {
            self.remove(key);
        }
        Ok(forgotten)
    }
}
