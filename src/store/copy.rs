//! `pollbot migrate`: a whole database copied, record by record, from one
//! engine to the other.

use std::hash::Hasher;

use siphasher::sip128::{Hasher128, SipHasher13};

use super::engine::{Batch, Engine, Location, PostgresEngine, SledEngine};
use super::{Result, StoreError};

/// Records written per batch to the new database.
const COPY_BATCH: usize = 5_000;

/// What a copy wrote, and the check that the new database holds exactly
/// the old one's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Copied {
    pub records: u64,
    /// A hash of every key and value in order, read back from the new
    /// database; equal to the old one's.
    pub digest: u128,
}

/// Why a copy did not start.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("there is no pollbot database at {0}")]
    NoSource(Location),
    #[error("{0} already holds records: migrate copies into an empty database only")]
    NotEmpty(Location),
    #[error("the copy in {to} does not read back as {from} ({read} records of {wrote} read back)")]
    Differs {
        from: Location,
        to: Location,
        wrote: u64,
        read: u64,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Copies every record of `from` into `to`, which must be empty (a sled
/// folder that does not exist yet, or a PostgreSQL database without
/// pollbot's records), then reads `to` back and checks it holds the same
/// records. Both bots must be stopped.
pub fn copy_database(from: &Location, to: &Location) -> std::result::Result<Copied, CopyError> {
    if let Location::Folder(path) = from
        && !path.join("db").is_file()
    {
        return Err(CopyError::NoSource(from.clone()));
    }
    if let Location::Folder(path) = to
        && path.join("db").is_file()
    {
        return Err(CopyError::NotEmpty(to.clone()));
    }
    let source = open(from)?;
    let target = open(to)?;
    if target.scan_from(b"").next().is_some() {
        return Err(CopyError::NotEmpty(to.clone()));
    }
    let wrote = copy(source.as_ref(), target.as_ref())?;
    target.flush()?;
    let read = digest(target.scan_from(b""))?;
    if read != wrote {
        return Err(CopyError::Differs {
            from: from.clone(),
            to: to.clone(),
            wrote: wrote.records,
            read: read.records,
        });
    }
    Ok(wrote)
}

fn open(location: &Location) -> Result<Box<dyn Engine>> {
    Ok(match location {
        Location::Folder(path) => Box::new(SledEngine::open(path, READ_CACHE)?),
        Location::Postgres(url) => Box::new(PostgresEngine::open(url)?),
    })
}

/// Each record is read once: a small page cache does.
const READ_CACHE: u64 = 4 * 1024 * 1024;

fn copy(source: &dyn Engine, target: &dyn Engine) -> Result<Copied> {
    let mut hasher = Digest::default();
    let mut batch = Batch::default();
    for entry in source.scan_from(b"") {
        let (key, value) = entry?;
        hasher.add(&key, &value);
        batch.insert(key, value);
        if batch.len() >= COPY_BATCH {
            target.apply(std::mem::take(&mut batch))?;
        }
    }
    target.apply(batch)?;
    Ok(hasher.finish())
}

fn digest(entries: super::engine::Entries<'_>) -> Result<Copied> {
    let mut hasher = Digest::default();
    for entry in entries {
        let (key, value) = entry?;
        hasher.add(&key, &value);
    }
    Ok(hasher.finish())
}

#[derive(Default)]
struct Digest {
    hasher: SipHasher13,
    records: u64,
}

impl Digest {
    fn add(&mut self, key: &[u8], value: &[u8]) {
        // Lengths first: ("ab", "c") and ("a", "bc") hash apart.
        self.hasher.write_u64(key.len() as u64);
        self.hasher.write(key);
        self.hasher.write_u64(value.len() as u64);
        self.hasher.write(value);
        self.records += 1;
    }

    fn finish(self) -> Copied {
        Copied {
            records: self.records,
            digest: self.hasher.finish128().as_u128(),
        }
    }
}
