//! The shared engine: one table of PostgreSQL, `pollbot_records (key
//! bytea primary key, value bytea)`, reached through tokio-postgres and a
//! deadpool connection pool.
//!
//! The store above is synchronous (its callers run on blocking threads), so
//! this engine runs its own small runtime and each call waits for its
//! query there: callers never need to be async, and no runtime is started
//! inside another.
//!
//! A batch is one transaction: its writes, the tally it moves and the id of
//! the last update it records commit together or not at all, before the
//! bot acknowledges anything. Scans read pages of [`PAGE`] rows in key
//! order, each starting after the last key of the one before (keyset
//! paging), so an export of a million ballots holds a page in memory, and
//! no transaction stays open while its reader writes a file.

use std::collections::VecDeque;
use std::future::Future;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::error::SqlState;

use super::{Batch, Engine, Entries, Entry, WriterLock, end_of_prefix};
use crate::store::{Result, StoreError};

/// Rows read per page of a scan.
pub const PAGE: i64 = 1_000;
/// The longest a statement may run before PostgreSQL cancels it.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a call waits for a connection (the server down, the pool busy).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections per instance.
const POOL_SIZE: usize = 8;
/// Tells two instances opening one database at once apart: the second
/// waits while the first brings the schema up to date.
const SCHEMA_LOCK: i64 = 0x0070_6f6c_6c62_6f74; // "pollbot"
/// Held by the one writer at a time, across instances (see
/// [`Engine::lock_writers`]).
const WRITER_LOCK: i64 = 0x0070_6f6c_6c62_6f75;

/// The schema's versions, oldest first: version N is `MIGRATIONS[N - 1]`.
/// A database newer than the last is refused (a newer pollbot wrote it).
const MIGRATIONS: &[&str] = &[
    // 1: the records, keyed and ordered as bytes, as sled keeps them.
    "CREATE TABLE pollbot_records (key bytea PRIMARY KEY, value bytea NOT NULL)",
    // 2: leases, held by one instance at a time until they run out.
    "CREATE TABLE pollbot_leases (name text PRIMARY KEY, holder text NOT NULL, until timestamptz NOT NULL)",
];

pub struct PostgresEngine {
    pool: Pool,
    /// The runtime the queries run on; shut down (without waiting) when the
    /// engine is dropped, from whatever thread drops it.
    runtime: Option<tokio::runtime::Runtime>,
}

impl PostgresEngine {
    /// Connects to `url`, brings the schema up to date, and refuses a
    /// database whose schema is newer than this binary knows.
    pub fn open(url: &str) -> Result<Self> {
        let mut config: tokio_postgres::Config = url.parse().map_err(|error| {
            StoreError::postgres(format!("the PostgreSQL URL does not parse: {error}"), false)
        })?;
        let options = format!(
            "{} -c statement_timeout={}",
            config.get_options().unwrap_or(""),
            STATEMENT_TIMEOUT.as_millis()
        );
        config
            .options(options.trim_start())
            .connect_timeout(CONNECT_TIMEOUT)
            .application_name("pollbot");
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("pollbot-postgres")
            .enable_all()
            .build()
            .map_err(|error| StoreError::postgres(format!("no runtime: {error}"), false))?;
        let pool = {
            let _entered = runtime.enter();
            Pool::builder(manager)
                .max_size(POOL_SIZE)
                .wait_timeout(Some(CONNECT_TIMEOUT))
                .create_timeout(Some(CONNECT_TIMEOUT))
                .recycle_timeout(Some(CONNECT_TIMEOUT))
                .runtime(Runtime::Tokio1)
                .build()
                .map_err(|error| StoreError::postgres(error.to_string(), false))?
        };
        let engine = Self {
            pool,
            runtime: Some(runtime),
        };
        engine.migrate()?;
        Ok(engine)
    }

    /// Runs `query` on the engine's runtime and waits for it.
    fn run<T: Send + 'static>(
        &self,
        query: impl Future<Output = Result<T>> + Send + 'static,
    ) -> Result<T> {
        let (done, result) = std::sync::mpsc::sync_channel(1);
        let runtime = self.runtime.as_ref().expect("kept until drop");
        runtime.spawn(async move {
            let _ = done.send(query.await);
        });
        result
            .recv()
            .map_err(|_| StoreError::postgres("the database runtime stopped".into(), true))?
    }

    /// Applies the schema's missing versions, one transaction each, under
    /// a lock that a second instance starting at once waits for.
    fn migrate(&self) -> Result<()> {
        let pool = self.pool.clone();
        self.run(async move {
            let mut client = pool.get().await?;
            let transaction = client.transaction().await?;
            transaction
                .execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
                .await?;
            transaction
                .batch_execute(
                    "CREATE TABLE IF NOT EXISTS pollbot_schema (version integer NOT NULL)",
                )
                .await?;
            let found: i32 = transaction
                .query_one("SELECT coalesce(max(version), 0) FROM pollbot_schema", &[])
                .await?
                .get(0);
            let known = MIGRATIONS.len() as i32;
            if found > known {
                return Err(StoreError::Newer {
                    found: found as u32,
                    known: known as u32,
                });
            }
            for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
                transaction.batch_execute(sql).await?;
                let version = index as i32 + 1;
                transaction
                    .execute(
                        "INSERT INTO pollbot_schema (version) VALUES ($1)",
                        &[&version],
                    )
                    .await?;
                tracing::info!(version, "PostgreSQL schema brought up to date");
            }
            transaction.commit().await?;
            Ok(())
        })
    }

    /// One page of entries: from `start` (inclusive or not) to `end`
    /// (exclusive), at most [`PAGE`].
    fn page(&self, start: Vec<u8>, inclusive: bool, end: Option<Vec<u8>>) -> Result<Vec<Entry>> {
        let pool = self.pool.clone();
        self.run(async move {
            let client = pool.get().await?;
            let from = if inclusive { ">=" } else { ">" };
            let rows = match &end {
                Some(end) => {
                    let sql = format!(
                        "SELECT key, value FROM pollbot_records \
                         WHERE key {from} $1 AND key < $2 ORDER BY key LIMIT $3"
                    );
                    let statement = client.prepare_cached(&sql).await?;
                    client.query(&statement, &[&start, end, &PAGE]).await?
                }
                None => {
                    let sql = format!(
                        "SELECT key, value FROM pollbot_records \
                         WHERE key {from} $1 ORDER BY key LIMIT $2"
                    );
                    let statement = client.prepare_cached(&sql).await?;
                    client.query(&statement, &[&start, &PAGE]).await?
                }
            };
            Ok(rows
                .into_iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect())
        })
    }
}

impl Drop for PostgresEngine {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

impl Engine for PostgresEngine {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let pool = self.pool.clone();
        let key = key.to_vec();
        self.run(async move {
            let client = pool.get().await?;
            let statement = client
                .prepare_cached("SELECT value FROM pollbot_records WHERE key = $1")
                .await?;
            let row = client.query_opt(&statement, &[&key]).await?;
            Ok(row.map(|row| row.get(0)))
        })
    }

    fn get_many(&self, keys: &[Vec<u8>]) -> Result<Vec<Option<Vec<u8>>>> {
        let pool = self.pool.clone();
        let wanted = keys.to_vec();
        let found: std::collections::HashMap<Vec<u8>, Vec<u8>> = self.run(async move {
            let client = pool.get().await?;
            let statement = client
                .prepare_cached("SELECT key, value FROM pollbot_records WHERE key = ANY($1)")
                .await?;
            let rows = client.query(&statement, &[&wanted]).await?;
            Ok(rows
                .into_iter()
                .map(|row| (row.get(0), row.get(1)))
                .collect())
        })?;
        Ok(keys.iter().map(|key| found.get(key).cloned()).collect())
    }

    fn scan_prefix(&self, prefix: &[u8]) -> Entries<'_> {
        Box::new(Pages::new(self, prefix.to_vec(), end_of_prefix(prefix)))
    }

    fn scan_from(&self, start: &[u8]) -> Entries<'_> {
        Box::new(Pages::new(self, start.to_vec(), None))
    }

    fn apply(&self, batch: Batch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let writes = Writes::from(batch);
        let pool = self.pool.clone();
        self.run(async move {
            let mut client = pool.get().await?;
            let transaction = client.transaction().await?;
            writes.apply_on(&transaction).await?;
            transaction.commit().await?;
            Ok(())
        })
    }

    fn lock_writers(&self) -> Result<Box<dyn WriterLock + '_>> {
        let pool = self.pool.clone();
        let client = self.run(async move {
            let client = pool.get().await?;
            let locked = async {
                client.batch_execute("BEGIN").await?;
                client
                    .execute("SELECT pg_advisory_xact_lock($1)", &[&WRITER_LOCK])
                    .await?;
                Ok::<_, StoreError>(())
            }
            .await;
            match locked {
                Ok(()) => Ok(client),
                Err(error) => {
                    discard(client);
                    Err(error)
                }
            }
        })?;
        Ok(Box::new(PostgresWriter {
            engine: self,
            client: Some(client),
        }))
    }

    fn is_shared(&self) -> bool {
        true
    }

    fn lease(&self, name: &str, holder: &str, seconds: u32) -> Result<bool> {
        let pool = self.pool.clone();
        let (name, holder) = (name.to_owned(), holder.to_owned());
        let seconds = f64::from(seconds);
        self.run(async move {
            let client = pool.get().await?;
            // The server's clock decides, whatever each instance's says.
            let statement = client
                .prepare_cached(
                    "INSERT INTO pollbot_leases (name, holder, until) \
                     VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3)) \
                     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, until = EXCLUDED.until \
                     WHERE pollbot_leases.holder = EXCLUDED.holder \
                        OR pollbot_leases.until < clock_timestamp() \
                     RETURNING holder",
                )
                .await?;
            let row = client
                .query_opt(&statement, &[&name, &holder, &seconds])
                .await?;
            Ok(row.is_some())
        })
    }

    fn release(&self, name: &str, holder: &str) -> Result<()> {
        let pool = self.pool.clone();
        let (name, holder) = (name.to_owned(), holder.to_owned());
        self.run(async move {
            let client = pool.get().await?;
            client
                .execute(
                    "DELETE FROM pollbot_leases WHERE name = $1 AND holder = $2",
                    &[&name, &holder],
                )
                .await?;
            Ok(())
        })
    }

    fn flush(&self) -> Result<()> {
        // A committed transaction is durable (synchronous_commit).
        Ok(())
    }
}

/// A batch as the statements that write it.
struct Writes {
    put_keys: Vec<Vec<u8>>,
    put_values: Vec<Vec<u8>>,
    removed: Vec<Vec<u8>>,
}

impl From<Batch> for Writes {
    fn from(batch: Batch) -> Self {
        let mut writes = Writes {
            put_keys: Vec::new(),
            put_values: Vec::new(),
            removed: Vec::new(),
        };
        for (key, value) in batch.into_writes() {
            match value {
                Some(value) => {
                    writes.put_keys.push(key);
                    writes.put_values.push(value);
                }
                None => writes.removed.push(key),
            }
        }
        writes
    }
}

impl Writes {
    /// Two statements at most, whatever the batch's size: the values set,
    /// then the keys removed.
    async fn apply_on(&self, client: &impl deadpool_postgres::GenericClient) -> Result<()> {
        if !self.put_keys.is_empty() {
            let statement = client
                .prepare_cached(
                    "INSERT INTO pollbot_records (key, value) \
                     SELECT * FROM unnest($1::bytea[], $2::bytea[]) \
                     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                )
                .await?;
            client
                .execute(&statement, &[&self.put_keys, &self.put_values])
                .await?;
        }
        if !self.removed.is_empty() {
            let statement = client
                .prepare_cached("DELETE FROM pollbot_records WHERE key = ANY($1)")
                .await?;
            client.execute(&statement, &[&self.removed]).await?;
        }
        Ok(())
    }
}

/// The writer lock: a connection in a transaction that holds
/// [`WRITER_LOCK`] until it commits. Dropped without a commit, the
/// connection is closed, which rolls the transaction back and lets the
/// lock go; so does the server when the connection is lost.
struct PostgresWriter<'a> {
    engine: &'a PostgresEngine,
    client: Option<deadpool_postgres::Object>,
}

impl WriterLock for PostgresWriter<'_> {
    fn commit(mut self: Box<Self>, batch: Batch) -> Result<()> {
        let client = self.client.take().expect("held until commit");
        let writes = Writes::from(batch);
        self.engine.run(async move {
            let written = async {
                writes.apply_on(&client).await?;
                client.batch_execute("COMMIT").await?;
                Ok::<_, StoreError>(())
            }
            .await;
            if written.is_err() {
                discard(client);
            }
            written
        })
    }
}

impl Drop for PostgresWriter<'_> {
    fn drop(&mut self) {
        if let Some(client) = self.client.take() {
            discard(client);
        }
    }
}

/// Closes a pooled connection instead of returning it to the pool (it is
/// in a transaction that must not go on).
fn discard(client: deadpool_postgres::Object) {
    drop(deadpool_postgres::Object::take(client));
}

/// A scan, read a page at a time.
struct Pages<'a> {
    engine: &'a PostgresEngine,
    /// Where the next page starts: the scan's start, then the last key read.
    next: Vec<u8>,
    first: bool,
    end: Option<Vec<u8>>,
    page: VecDeque<Entry>,
    finished: bool,
}

impl<'a> Pages<'a> {
    fn new(engine: &'a PostgresEngine, start: Vec<u8>, end: Option<Vec<u8>>) -> Self {
        Self {
            engine,
            next: start,
            first: true,
            end,
            page: VecDeque::new(),
            finished: false,
        }
    }
}

impl Iterator for Pages<'_> {
    type Item = Result<Entry>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.page.is_empty() && !self.finished {
            match self
                .engine
                .page(self.next.clone(), self.first, self.end.clone())
            {
                Ok(page) => {
                    self.first = false;
                    self.finished = (page.len() as i64) < PAGE;
                    if let Some((last, _)) = page.last() {
                        self.next = last.clone();
                    }
                    self.page = page.into();
                }
                Err(error) => {
                    self.finished = true;
                    return Some(Err(error));
                }
            }
        }
        self.page.pop_front().map(Ok)
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(error: tokio_postgres::Error) -> Self {
        // No server error at all: the connection failed or was lost.
        let unavailable = match error.code() {
            None => true,
            Some(code) => is_transient(code),
        };
        StoreError::postgres(error.to_string(), unavailable)
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        StoreError::postgres(format!("no connection to PostgreSQL: {error}"), true)
    }
}

/// Server errors that a later try may not meet: the server shutting down or
/// starting, a lost connection, too many connections, a conflict with a
/// concurrent transaction, a statement cancelled by the timeout.
fn is_transient(code: &SqlState) -> bool {
    let class = &code.code()[..2];
    matches!(class, "08" | "53" | "57" | "40") || *code == SqlState::QUERY_CANCELED
}

/// Runs one statement on its own connection (`CREATE DATABASE` cannot run
/// in a transaction or through the pool), on a thread of its own so that it
/// may be called from anywhere; returns the rows it changed.
pub fn execute_alone(url: &str, sql: &str) -> Result<u64> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| StoreError::postgres(format!("no runtime: {error}"), false))?;
        runtime.block_on(async move {
            let (client, connection) = tokio_postgres::connect(&url, NoTls).await?;
            let connection = tokio::spawn(connection);
            let changed = client
                .simple_query(&sql)
                .await?
                .iter()
                .map(|message| match message {
                    tokio_postgres::SimpleQueryMessage::CommandComplete(rows) => *rows,
                    _ => 0,
                })
                .sum();
            drop(client);
            let _ = connection.await;
            Ok(changed)
        })
    })
    .join()
    .map_err(|_| StoreError::postgres("the statement's thread panicked".into(), false))?
}
