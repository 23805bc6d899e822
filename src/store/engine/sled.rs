//! The embedded engine: a sled database in a folder.

use std::path::{Path, PathBuf};

use super::{Batch, Engine, Entries, WriterLock};
use crate::store::{Result, StoreError};

/// Tries to open a locked database (50 ms apart) before saying it is in use.
const LOCK_TRIES: u32 = 20;

pub struct SledEngine {
    db: sled::Db,
}

impl SledEngine {
    /// Opens (or creates) the database in `path` with a page cache of
    /// `cache_bytes`.
    pub fn open(path: &Path, cache_bytes: u64) -> Result<Self> {
        create_private_dir(path).map_err(|source| StoreError::Open {
            path: path.to_path_buf(),
            reason: source.to_string(),
        })?;
        let config = sled::Config::new()
            .path(path)
            .cache_capacity(cache_bytes)
            .mode(sled::Mode::HighThroughput);
        // A database dropped a moment ago in this process (a restart in
        // the tests) keeps its file lock until sled's flusher thread ends.
        let mut tries = 0;
        loop {
            match config.open().map_err(|source| open_error(path, source)) {
                Ok(db) => return Ok(Self { db }),
                Err(StoreError::Locked { .. }) if tries < LOCK_TRIES => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// A database that disappears when dropped (the demo).
    pub fn temporary(cache_bytes: u64) -> Result<Self> {
        let db = sled::Config::new()
            .temporary(true)
            .cache_capacity(cache_bytes)
            .open()?;
        Ok(Self { db })
    }
}

impl Engine for SledEngine {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.db.get(key)?.map(|value| value.to_vec()))
    }

    fn contains_key(&self, key: &[u8]) -> Result<bool> {
        Ok(self.db.contains_key(key)?)
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Entries<'_> {
        Box::new(self.db.scan_prefix(prefix).map(entry))
    }

    fn scan_from(&self, start: &[u8]) -> Entries<'_> {
        Box::new(self.db.range(start.to_vec()..).map(entry))
    }

    fn apply(&self, batch: Batch) -> Result<()> {
        let mut sled_batch = sled::Batch::default();
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => sled_batch.insert(key, value),
                None => sled_batch.remove(key),
            }
        }
        self.db.apply_batch(sled_batch)?;
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    fn lock_writers(&self) -> Result<Box<dyn WriterLock + '_>> {
        // One process opens a sled database: the store's own mutex is
        // the only writer lock there needs to be.
        Ok(Box::new(SledWriter { engine: self }))
    }
}

struct SledWriter<'a> {
    engine: &'a SledEngine,
}

impl WriterLock for SledWriter<'_> {
    fn commit(self: Box<Self>, batch: Batch) -> Result<()> {
        self.engine.apply(batch)
    }
}

fn entry(entry: sled::Result<(sled::IVec, sled::IVec)>) -> Result<(Vec<u8>, Vec<u8>)> {
    let (key, value) = entry?;
    Ok((key.to_vec(), value.to_vec()))
}

/// Creates the database directory, if missing, readable by its owner only:
/// it holds voters' names and ids. An existing directory is left as the
/// operator set it up.
fn create_private_dir(path: &Path) -> std::io::Result<()> {
    if path.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

fn open_error(path: &Path, source: sled::Error) -> StoreError {
    // sled reports a held lock as a plain I/O error with words only: the
    // lock itself says whether another opener holds it.
    let locked = matches!(source, sled::Error::Io(_)) && held_by_another(path);
    if locked {
        StoreError::Locked {
            path: path.to_path_buf(),
        }
    } else {
        StoreError::Open {
            path: PathBuf::from(path),
            reason: source.to_string(),
        }
    }
}

/// Whether another opener holds the lock sled takes on the database's
/// file (an advisory lock on `db`, as sled takes it).
fn held_by_another(path: &Path) -> bool {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path.join("db"));
    match file {
        Ok(file) => matches!(file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}
