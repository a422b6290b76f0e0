//! A SQLite Record's two heavy paths, through rusqlite on the SQLite
//! library sqlx links, on a blocking thread:
//! - reading the whole Record in order, page by page, for opening it and
//!   for `truce verify`;
//! - the group commit's inserts.
//!
//! sqlx hands every value to and from the connection's own thread through a
//! channel, copies it on the way, and prepares a multi-row INSERT anew for
//! each size of batch; for the reads that was much of the time opening
//! took, for appends about half of what an append costs beside its
//! signature check. Here one prepared statement per table binds each value
//! straight from the batch.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use crate::store::{lookup_i64, to_u64, BatchNumbers};
use crate::{Batch, StoreError, StoredEntry};

/// Opens the Record's file as the pool opens it (read and write, never
/// created), so a WAL file and its index are used as they are.
fn open(path: &Path) -> Result<Connection, StoreError> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    connection.busy_timeout(Duration::from_secs(10))?;
    Ok(connection)
}

/// Entries from position `from` on, at most `limit` of them, in order.
pub(crate) fn entries(path: &Path, from: u64, limit: u64) -> Result<Vec<StoredEntry>, StoreError> {
    let Some(from) = lookup_i64(from) else {
        return Ok(Vec::new());
    };
    let limit = lookup_i64(limit).unwrap_or(i64::MAX);
    let connection = open(path)?;
    // Nothing is written through a reading connection.
    connection.pragma_update(None, "query_only", true)?;
    let mut statement = connection.prepare(
        "SELECT position, statement, signature FROM entries
         WHERE position >= ?1 ORDER BY position LIMIT ?2",
    )?;
    let mut rows = statement.query((from, limit))?;
    let mut page = Vec::with_capacity(usize::try_from(limit).unwrap_or(0).min(1 << 16));
    while let Some(row) = rows.next()? {
        page.push(StoredEntry {
            position: to_u64(row.get(0)?)?,
            statement: row.get(1)?,
            signature: row.get(2)?,
        });
    }
    Ok(page)
}

/// The connection group commits write through, opened on first use and
/// kept: its prepared statements are what makes it cheap. A connection
/// whose commit failed is closed, so a transaction SQLite left half rolled
/// back (a full disk) never meets the next batch.
#[derive(Debug, Clone, Default)]
pub struct Appender {
    connection: Arc<Mutex<Option<Connection>>>,
}

impl Appender {
    /// Writes `batch` in one transaction, durable when this returns
    /// (`synchronous=FULL` on a WAL file); refuses it if the Record no
    /// longer ends where the batch begins.
    pub(crate) fn append(&self, path: &Path, batch: &Batch) -> Result<(), StoreError> {
        // A panic elsewhere while holding the lock leaves at worst a closed
        // connection; the next append opens another.
        let mut slot = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut connection = match slot.take() {
            Some(connection) => connection,
            None => {
                let connection = open(path)?;
                connection.pragma_update(None, "synchronous", "FULL")?;
                connection
            }
        };
        let written = write(&mut connection, batch);
        if written.is_ok() {
            *slot = Some(connection);
        }
        written
    }

    /// Closes the connection, if open: the pool's last connection then
    /// checkpoints the WAL into the database file as it closes.
    pub(crate) fn close(&self) {
        let connection = self
            .connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        drop(connection);
    }
}

fn write(connection: &mut Connection, batch: &Batch) -> Result<(), StoreError> {
    let BatchNumbers {
        entries,
        first_hash,
        hashes,
        checkpoint_size,
    } = batch.numbers()?;
    // The write lock is taken at BEGIN, so two writers never both read the
    // same end of the Record.
    let tx = connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: i64 = tx.query_row(
        "SELECT COALESCE(MAX(position) + 1, 0) FROM entries",
        [],
        |row| row.get(0),
    )?;
    let found = to_u64(found)?;
    if found != batch.first_position() {
        return Err(StoreError::Conflict {
            expected: batch.first_position(),
            found,
        });
    }
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO entries (position, statement, signature) VALUES (?1, ?2, ?3)",
        )?;
        for (position, e) in &entries {
            insert.execute((position, e.statement.as_slice(), e.signature.as_slice()))?;
        }
        if !hashes.is_empty() {
            tx.prepare_cached("INSERT INTO tree_hash_runs (first_index, hashes) VALUES (?1, ?2)")?
                .execute((first_hash, hashes.as_slice()))?;
        }
        if let (Some(checkpoint), Some(size)) = (&batch.checkpoint, checkpoint_size) {
            tx.prepare_cached("INSERT INTO checkpoints (size, note) VALUES (?1, ?2)")?
                .execute((size, checkpoint.note()))?;
        }
    }
    tx.commit()?;
    Ok(())
}
