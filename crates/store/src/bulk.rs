//! Reading a whole SQLite Record in order, page by page, for opening it and
//! for `truce verify`. sqlx hands each row from the connection's thread to
//! the caller through a channel, copying every value twice on the way; for
//! a large Record that was much of the time opening took. Here a
//! connection of its own reads a page on the calling (blocking) thread,
//! copying each value once. Nothing is written through it.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::store::{lookup_i64, to_u64};
use crate::{StoreError, StoredEntry};

/// Entries from position `from` on, at most `limit` of them, in order.
pub(crate) fn entries(path: &Path, from: u64, limit: u64) -> Result<Vec<StoredEntry>, StoreError> {
    let Some(from) = lookup_i64(from) else {
        return Ok(Vec::new());
    };
    let limit = lookup_i64(limit).unwrap_or(i64::MAX);
    let failed = |e: rusqlite::Error| StoreError::Bulk(e.to_string());
    // Opened as the pool opens it (read and write, never created), so a WAL
    // file and its index are used as they are; `query_only` refuses writes.
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(failed)?;
    connection
        .busy_timeout(Duration::from_secs(10))
        .map_err(failed)?;
    connection
        .pragma_update(None, "query_only", true)
        .map_err(failed)?;
    let mut statement = connection
        .prepare(
            "SELECT position, statement, signature FROM entries
             WHERE position >= ?1 ORDER BY position LIMIT ?2",
        )
        .map_err(failed)?;
    let mut rows = statement.query((from, limit)).map_err(failed)?;
    let mut page = Vec::with_capacity(usize::try_from(limit).unwrap_or(0).min(1 << 16));
    while let Some(row) = rows.next().map_err(failed)? {
        page.push(StoredEntry {
            position: to_u64(row.get(0).map_err(failed)?)?,
            statement: row.get(1).map_err(failed)?,
            signature: row.get(2).map_err(failed)?,
        });
    }
    Ok(page)
}
