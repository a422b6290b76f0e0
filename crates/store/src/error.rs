use truce_record::{RecordError, Rejection};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// The SQLite file, read or written without sqlx (see `direct.rs`).
    #[error("database: {0}")]
    Direct(#[from] rusqlite::Error),
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("the Record changed underneath this node (expected {expected} entries, found {found}); another process is appending — retry")]
    Conflict { expected: u64, found: u64 },
    #[error("stored data is inconsistent: {0} (run `truce verify`)")]
    Corrupt(String),
    #[error("entry {position} of the stored Record was refused on replay: {rejection} (run `truce verify`)")]
    Replay { position: u64, rejection: Rejection },
    #[error(transparent)]
    Record(#[from] RecordError),
    #[error("the node has stopped")]
    Stopped,
    #[error("a thread of the node could not be started: {0}")]
    Thread(std::io::Error),
    /// The saved membership state and tree could not be written.
    #[error("saving the membership state: {0}")]
    Saved(String),
    /// A position, size or count beyond what the database's 64-bit signed
    /// integers hold (no Record reaches it).
    #[error("{0} is beyond the largest position a Record can hold")]
    TooLarge(u64),
}

/// SQLite's primary result code for a write that found no space.
const SQLITE_FULL: i64 = 13;
/// PostgreSQL's SQLSTATE `disk_full`.
const POSTGRES_DISK_FULL: &str = "53100";
/// ENOSPC on Linux and the BSDs.
const ENOSPC: i32 = 28;

impl StoreError {
    /// Whether the database refused a write for want of disk space
    /// (SQLite's SQLITE_FULL, PostgreSQL's `disk_full`, or ENOSPC from the
    /// system): it passes once space is freed, with nothing to repair.
    pub fn is_disk_full(&self) -> bool {
        let error = match self {
            StoreError::Database(error) => error,
            StoreError::Direct(rusqlite::Error::SqliteFailure(failure, _)) => {
                return failure.code == rusqlite::ErrorCode::DiskFull;
            }
            _ => return false,
        };
        match error {
            sqlx::Error::Database(db) => {
                let Some(code) = db.code() else {
                    return false;
                };
                // SQLite reports extended codes; the primary code is the low byte.
                code == POSTGRES_DISK_FULL
                    || code
                        .parse::<i64>()
                        .is_ok_and(|code| code & 0xff == SQLITE_FULL)
            }
            sqlx::Error::Io(io) => io.raw_os_error() == Some(ENOSPC),
            _ => false,
        }
    }
}
