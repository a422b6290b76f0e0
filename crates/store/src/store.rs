use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::Connection;
use truce_record::{Hash, SignedCheckpoint};

use crate::backend::{postgres, sqlite};
use crate::direct::Appender;
use crate::StoreError;

/// One entry as stored: position and the exact bytes that were signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntry {
    pub position: u64,
    pub statement: Vec<u8>,
    pub signature: Vec<u8>,
}

/// An admitted entry as it is stored, with its leaf hash for the tree
/// (which is not stored: it is read from the bytes).
#[derive(Debug, Clone)]
pub struct EntryRow {
    pub position: u64,
    pub statement: Vec<u8>,
    pub signature: [u8; 64],
    pub leaf_hash: Hash,
}

/// Everything one group commit writes, in one transaction.
#[derive(Debug, Clone)]
pub struct Batch {
    pub entries: Vec<EntryRow>,
    /// Stored index of the first new tree hash.
    pub hashes_from: u64,
    pub hashes: Vec<Hash>,
    /// The checkpoint that covers the Record up to the batch's end. A
    /// mirror writes a long catch-up in several batches, all verified
    /// against one checkpoint that only the last of them carries.
    pub checkpoint: Option<SignedCheckpoint>,
}

impl Batch {
    pub fn first_position(&self) -> u64 {
        self.entries.first().map_or(0, |e| e.position)
    }

    /// The batch's numbers as the database's integers, converted before
    /// a transaction begins, so that no insert fails half way for want of
    /// a conversion.
    pub(crate) fn numbers(&self) -> Result<BatchNumbers<'_>, StoreError> {
        Ok(BatchNumbers {
            entries: self
                .entries
                .iter()
                .map(|e| Ok((to_i64(e.position)?, e)))
                .collect::<Result<_, StoreError>>()?,
            first_hash: to_i64(self.hashes_from)?,
            hashes: self.hashes.iter().flat_map(|hash| hash.0).collect(),
            checkpoint_size: self
                .checkpoint
                .as_ref()
                .map(|c| to_i64(c.size()))
                .transpose()?,
        })
    }
}

/// See [`Batch::numbers`].
pub(crate) struct BatchNumbers<'a> {
    pub entries: Vec<(i64, &'a EntryRow)>,
    pub first_hash: i64,
    /// The batch's new tree hashes, one after another: one row of
    /// `tree_hash_runs`, from `first_hash` on.
    pub hashes: Vec<u8>,
    pub checkpoint_size: Option<i64>,
}

/// The database behind a node.
#[derive(Debug, Clone)]
pub enum Store {
    /// The pool, and the connection group commits write through.
    Sqlite(sqlx::SqlitePool, Appender),
    Postgres(sqlx::PgPool),
}

/// Calls the same function of whichever backend the store is.
macro_rules! dispatch {
    ($self:ident, $f:ident ( $($arg:expr),* )) => {
        match $self {
            Store::Sqlite(pool, _) => sqlite::$f(pool $(, $arg)*).await,
            Store::Postgres(pool) => postgres::$f(pool $(, $arg)*).await,
        }
    };
}

/// Applies the migrations in `$dir` that the database at `$pool` lacks,
/// saying so first where it had some already (see [`say_if_migrating`]).
macro_rules! apply_migrations {
    ($pool:expr, $dir:literal) => {{
        let migrator = sqlx::migrate!($dir);
        let applied = sqlx::query_scalar(APPLIED_MIGRATIONS)
            .fetch_one($pool)
            .await
            .ok();
        say_if_migrating(applied, &migrator);
        migrator.run($pool).await?;
    }};
}

impl Store {
    /// Opens (creating if needed) the SQLite file with WAL and
    /// `synchronous=FULL`, so a commit is on disk before it returns.
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // Set only when the file is made (a Record made with pages of
            // 4 KiB keeps them). A group commit of a hundred statements
            // then writes about 5 pages to the WAL, each with its own
            // write, rather than about 17.
            .page_size(16_384)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            // A commit that failed on a full disk is rolled back by SQLite
            // itself; the rollback sqlx sends then fails and leaves the
            // connection counted as inside a transaction, so the next
            // BEGIN would fail. Such a connection is closed, not reused.
            .before_acquire(|connection, _| {
                Box::pin(async move { Ok(!connection.is_in_transaction()) })
            })
            .connect_with(options)
            .await?;
        apply_migrations!(&pool, "migrations/sqlite");
        Ok(Store::Sqlite(pool, Appender::default()))
    }

    /// Connects to PostgreSQL at `url` and applies the migrations.
    pub async fn open_postgres(url: &str) -> Result<Self, StoreError> {
        let options = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(Duration::from_secs(10))
            .before_acquire(|connection, _| {
                Box::pin(async move { Ok(!connection.is_in_transaction()) })
            })
            .connect_with(options)
            .await?;
        apply_migrations!(&pool, "migrations/postgres");
        Ok(Store::Postgres(pool))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Store::Sqlite(..) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Number of entries stored (one more than the highest position).
    pub async fn size(&self) -> Result<u64, StoreError> {
        dispatch!(self, size())
    }

    /// Writes a batch in one transaction; refuses it if the Record no longer
    /// ends where the batch begins. A SQLite file's is written on a
    /// blocking thread through a connection of its own (see `direct.rs`).
    pub async fn append(&self, batch: Batch) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(pool, appender) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                let appender = appender.clone();
                blocking(move || appender.append(&path, &batch)).await?
            }
            Store::Postgres(pool) => crate::backend::append_postgres(pool, &batch).await,
        }
    }

    /// Entries from `from` on, at most `limit`, in position order.
    pub async fn entries(&self, from: u64, limit: u64) -> Result<Vec<StoredEntry>, StoreError> {
        dispatch!(self, entries(from, limit))
    }

    /// Entries as [`Store::entries`] returns them, for reading a whole
    /// Record in order: a SQLite file's are read on a blocking thread
    /// through a connection of their own (see `direct.rs`).
    pub async fn entries_in_bulk(
        &self,
        from: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        match self {
            Store::Sqlite(pool, _) => {
                let path = pool.connect_options().get_filename().to_path_buf();
                blocking(move || crate::direct::entries(&path, from, limit)).await?
            }
            Store::Postgres(_) => self.entries(from, limit).await,
        }
    }

    /// Every stored tree hash, in stored-index order, with its index.
    pub async fn tree_hashes(&self) -> Result<Vec<(u64, Hash)>, StoreError> {
        dispatch!(self, tree_hashes())
    }

    /// Checkpoint notes by size, smallest first.
    pub async fn checkpoints(&self) -> Result<Vec<(u64, Vec<u8>)>, StoreError> {
        dispatch!(self, checkpoints())
    }

    pub async fn latest_checkpoint(&self) -> Result<Option<(u64, Vec<u8>)>, StoreError> {
        dispatch!(self, latest_checkpoint())
    }

    pub async fn checkpoint(&self, size: u64) -> Result<Option<Vec<u8>>, StoreError> {
        dispatch!(self, checkpoint(size))
    }

    /// Whether a write would commit now: takes the write lock and commits
    /// a change of nothing (the latest checkpoint rewritten as it is).
    pub async fn probe_write(&self) -> Result<(), StoreError> {
        dispatch!(self, probe_write())
    }

    /// Stores a checkpoint of entries already stored (a mirror that caught
    /// up before its crash, or a node's new checkpoint of the same size).
    pub async fn add_checkpoint(&self, size: u64, note: &[u8]) -> Result<(), StoreError> {
        dispatch!(self, add_checkpoint(size, note))
    }

    /// Records a witness's cosignature line for the checkpoint of `size`.
    pub async fn add_cosignature(
        &self,
        size: u64,
        witness: &str,
        line: &str,
    ) -> Result<(), StoreError> {
        dispatch!(self, add_cosignature(size, witness, line))
    }

    /// Every stored cosignature line with the size of its checkpoint.
    pub async fn all_cosignatures(&self) -> Result<Vec<(u64, String)>, StoreError> {
        dispatch!(self, all_cosignatures())
    }

    pub async fn cosignatures(&self, size: u64) -> Result<Vec<String>, StoreError> {
        dispatch!(self, cosignatures(size))
    }

    pub async fn close(&self) {
        match self {
            Store::Sqlite(pool, appender) => {
                appender.close();
                pool.close().await
            }
            Store::Postgres(pool) => pool.close().await,
        }
    }
}

/// How many migrations the database has had; it fails where it has had
/// none (a new database, with nothing to wait for).
const APPLIED_MIGRATIONS: &str = "SELECT COUNT(*) FROM _sqlx_migrations WHERE success";

/// Tells the operator that the tables of a Record kept by an earlier
/// version are being changed: on a large Record that takes a while
/// (seconds per million statements), during which the node says nothing
/// else.
fn say_if_migrating(applied: Option<i64>, migrator: &sqlx::migrate::Migrator) {
    let known = migrator.iter().count();
    if let Some(applied) = applied.and_then(|n| usize::try_from(n).ok()) {
        if applied < known {
            tracing::info!(
                from = applied,
                to = known,
                "changing the Record's tables to this version's; a large Record takes a while"
            );
        }
    }
}

/// A position, size or count as the database's signed 64-bit integer; a
/// number beyond `i64::MAX` (which no Record reaches) is refused, never a panic.
pub(crate) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::TooLarge(value))
}

/// For lookups: a number no stored row can hold finds nothing.
/// Runs `work` on a blocking thread; a panic there goes on here.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StoreError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => Ok(done),
        Err(stopped) if stopped.is_panic() => std::panic::resume_unwind(stopped.into_panic()),
        Err(_) => Err(StoreError::Stopped),
    }
}

pub(crate) fn lookup_i64(value: u64) -> Option<i64> {
    i64::try_from(value).ok()
}

pub(crate) fn to_u64(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative number {value}")))
}

/// The tree hashes of one row of `tree_hash_runs`, with their stored
/// indexes from `first` on.
pub(crate) fn hashes_of_run(
    first: u64,
    hashes: &[u8],
) -> Result<impl Iterator<Item = (u64, Hash)> + '_, StoreError> {
    if hashes.is_empty() || !hashes.len().is_multiple_of(32) {
        return Err(StoreError::Corrupt(format!(
            "the tree hashes stored from index {first} are {} bytes, not a whole number of hashes",
            hashes.len()
        )));
    }
    Ok((first..).zip(hashes.chunks_exact(32)).map(|(index, hash)| {
        let hash: [u8; 32] = hash.try_into().expect("32 bytes");
        (index, Hash(hash))
    }))
}
