//! One suite, two stores: a test that is about records runs on sled and,
//! when `POLLBOT_TEST_POSTGRES` names a server (`.ci/run` sets it), on a
//! scratch PostgreSQL database of its own.

use pollbot::store::scratch::{ScratchDatabase, TEST_POSTGRES};
use pollbot::store::{Location, Store};

/// A database a test opens (and may open again).
pub enum TestDatabase {
    Sled(tempfile::TempDir),
    Postgres(ScratchDatabase),
}

impl TestDatabase {
    pub fn location(&self) -> Location {
        match self {
            TestDatabase::Sled(dir) => Location::folder(dir.path().join("db")),
            TestDatabase::Postgres(scratch) => scratch.location.clone(),
        }
    }

    pub fn open(&self) -> Store {
        Store::open_at(&self.location()).expect("the test database opens")
    }
}

/// Runs `test` on sled, then on PostgreSQL when there is one.
pub fn on_each_store(test: impl Fn(&TestDatabase)) {
    test(&TestDatabase::Sled(
        tempfile::tempdir().expect("a temporary directory"),
    ));
    match ScratchDatabase::from_env() {
        Some(scratch) => test(&TestDatabase::Postgres(scratch)),
        None => eprintln!("PostgreSQL skipped: {TEST_POSTGRES} is not set"),
    }
}
