//! Where the records live: an ordered map of byte keys to byte values,
//! written in atomic batches. Two engines keep it: sled, embedded (a
//! folder), and PostgreSQL, shared by several instances (a `postgres://`
//! URL). Everything above this module (records, keys, tallies, the
//! journal) is the same for both.

mod location;
mod postgres;
mod sled;

use std::collections::BTreeMap;

pub use location::{Location, LocationError};
pub(super) use postgres::PostgresEngine;
pub(super) use postgres::execute_alone as postgres_execute_alone;
pub(super) use sled::SledEngine;

use super::Result;

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// Entries in key order, read lazily (a million of them use no more memory
/// than a few).
pub type Entries<'a> = Box<dyn Iterator<Item = Result<Entry>> + Send + 'a>;

/// An ordered key-value store with atomic batches.
///
/// Keys compare as bytes (sled's order, and PostgreSQL's for `bytea`), so
/// a prefix scan gives a poll's ballots in user id order on both.
pub trait Engine: Send + Sync {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>>;

    /// The values of `keys`, in their order: one round trip on
    /// PostgreSQL, where a read of each would be one apiece.
    fn get_many(&self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>> {
        keys.iter().map(|key| self.get(key)).collect()
    }

    fn contains_key(&self, key: &[u8]) -> Result<bool> {
        Ok(self.get(key)?.is_some())
    }

    /// Every entry whose key starts with `prefix`, in key order.
    fn scan_prefix(&self, prefix: &[u8]) -> Entries<'_>;

    /// Every entry whose key is `start` or after it, in key order.
    fn scan_from(&self, start: &[u8]) -> Entries<'_>;

    /// Applies every write of `batch`, all or none.
    fn apply(&self, batch: Batch) -> Result<()>;

    /// Waits until no other writer writes, in this process or (PostgreSQL)
    /// in any instance on the database, and holds that until the returned
    /// lock commits a batch or is dropped. What is read meanwhile is what
    /// the batch is built on: a tally read, moved and written back is
    /// never moved by another writer in between.
    fn lock_writers(&self) -> Result<Box<dyn WriterLock + '_>>;

    /// Whether other processes may write to it too (several instances on
    /// one PostgreSQL): what one process keeps in memory may be stale.
    fn is_shared(&self) -> bool {
        false
    }

    /// Takes or renews the lease `name` for `holder` for `seconds`, unless
    /// another holder's has not run out; returns whether `holder` holds it
    /// now. One process alone on its database always does.
    fn lease(&self, _name: &str, _holder: &str, _seconds: u32) -> Result<bool> {
        Ok(true)
    }

    /// Gives the lease up, if `holder` holds it.
    fn release(&self, _name: &str, _holder: &str) -> Result<()> {
        Ok(())
    }

    /// Makes every applied batch durable. PostgreSQL's are once committed.
    fn flush(&self) -> Result<()>;

    /// Whether the engine answers now (for `/healthz`).
    fn ping(&self) -> Result<()> {
        self.get(b"").map(|_| ())
    }
}

/// The right to write, held from before a batch is built until it commits.
pub trait WriterLock {
    /// Applies `batch`, all or none, and lets other writers go on.
    fn commit(self: Box<Self>, batch: Batch) -> Result<()>;
}

/// Writes to apply at once; of two writes to one key the later stands.
#[derive(Default)]
pub struct Batch {
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl Batch {
    pub fn insert(&mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.writes.insert(key.into(), Some(value.into()));
    }

    pub fn remove(&mut self, key: impl Into<Vec<u8>>) {
        self.writes.insert(key.into(), None);
    }

    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }

    pub fn len(&self) -> usize {
        self.writes.len()
    }

    /// The writes in key order: a value to set, or `None` to remove.
    pub fn into_writes(self) -> impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)> {
        self.writes.into_iter()
    }
}

/// The first key after every key that starts with `prefix`, if there is
/// one (a prefix of only 0xFF bytes has none).
pub fn end_of_prefix(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_a_prefix_is_the_next_key_of_its_length_or_shorter() {
        assert_eq!(end_of_prefix(b"ab"), Some(b"ac".to_vec()));
        assert_eq!(end_of_prefix(&[1, 0xFF]), Some(vec![2]));
        assert_eq!(end_of_prefix(&[0xFF, 0xFF]), None);
        assert_eq!(end_of_prefix(b""), None);
    }

    #[test]
    fn of_two_writes_to_one_key_the_later_stands() {
        let mut batch = Batch::default();
        batch.insert(b"k".to_vec(), b"1".to_vec());
        batch.remove(b"k".to_vec());
        batch.insert(b"a".to_vec(), b"2".to_vec());
        let writes: Vec<_> = batch.into_writes().collect();
        assert_eq!(
            writes,
            vec![(b"a".to_vec(), Some(b"2".to_vec())), (b"k".to_vec(), None)]
        );
    }
}
