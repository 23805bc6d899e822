//! Changes of the database's layout, one per file, each carried out once
//! at open ([`Store::migrate`]) in one atomic batch.

mod comment_chat;

use super::{Result, Store, keys};

impl Store {
    /// Brings a database of an older layout to today's.
    pub(super) fn migrate(&self) -> Result<()> {
        let version = match self.db.get(&keys::layout())? {
            Some(bytes) => serde_json::from_slice::<u32>(&bytes)?,
            None => 1,
        };
        // A newer pollbot's records may mean what this one cannot tell.
        if version > keys::LAYOUT_VERSION {
            return Err(super::StoreError::Newer {
                found: version,
                known: keys::LAYOUT_VERSION,
            });
        }
        if version < 2 {
            self.move_comments_to_layout_2()?;
        }
        Ok(())
    }
}
