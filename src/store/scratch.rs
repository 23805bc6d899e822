//! Throwaway PostgreSQL databases for tests and benchmarks: each gets a
//! database of its own on the server `POLLBOT_TEST_POSTGRES` names, dropped
//! when done. Without that variable the PostgreSQL tests are skipped
//! (`.ci/run` sets it).

use std::sync::atomic::{AtomicU32, Ordering};

use super::engine::postgres_execute_alone;
use super::{Location, Result};

/// The variable naming a server (and a role that may create databases).
pub const TEST_POSTGRES: &str = "POLLBOT_TEST_POSTGRES";

/// A database created for one test, dropped with it.
pub struct ScratchDatabase {
    admin: String,
    name: String,
    pub location: Location,
}

impl ScratchDatabase {
    /// A new empty database on the server of `POLLBOT_TEST_POSTGRES`, or
    /// `None` when it is not set.
    pub fn from_env() -> Option<Self> {
        let admin = std::env::var(TEST_POSTGRES)
            .ok()
            .filter(|url| !url.is_empty())?;
        Some(Self::create(&admin).expect("cannot create a scratch PostgreSQL database"))
    }

    /// A new empty database on the server `admin` (a URL of a role that may
    /// create databases).
    pub fn create(admin: &str) -> Result<Self> {
        static CREATED: AtomicU32 = AtomicU32::new(0);
        let mut random = [0u8; 4];
        getrandom::getrandom(&mut random)
            .map_err(|e| super::StoreError::Random(std::io::Error::other(e.to_string())))?;
        let name = format!(
            "pollbot_scratch_{}_{}_{:08x}",
            std::process::id(),
            CREATED.fetch_add(1, Ordering::Relaxed),
            u32::from_le_bytes(random)
        );
        postgres_execute_alone(admin, &format!("CREATE DATABASE {name}"))?;
        let mut url = url::Url::parse(admin).expect("POLLBOT_TEST_POSTGRES is a URL");
        url.set_path(&format!("/{name}"));
        Ok(Self {
            admin: admin.to_owned(),
            name,
            location: Location::Postgres(url.to_string()),
        })
    }

    /// Ends every connection to the database (as a restart of the server
    /// would), from the server's side.
    pub fn cut_connections(&self) -> Result<()> {
        let sql = format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{}' AND pid <> pg_backend_pid()",
            self.name
        );
        postgres_execute_alone(&self.admin, &sql).map(|_| ())
    }

    /// Drops the database now, its connections with it (a database gone
    /// from under a running bot).
    pub fn drop_now(&self) -> Result<()> {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        postgres_execute_alone(&self.admin, &sql).map(|_| ())
    }

    /// Runs `sql` in the scratch database (to damage a record, say);
    /// returns the rows it changed.
    pub fn execute(&self, sql: &str) -> Result<u64> {
        postgres_execute_alone(self.url(), sql)
    }

    pub fn url(&self) -> &str {
        match &self.location {
            Location::Postgres(url) => url,
            Location::Folder(_) => unreachable!("a scratch database is PostgreSQL's"),
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = postgres_execute_alone(&self.admin, &sql) {
            eprintln!("cannot drop the scratch database {}: {error}", self.name);
        }
    }
}
