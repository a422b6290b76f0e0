use truce_record::{RecordError, Rejection};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
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
    /// A position, size or count beyond what the database's 64-bit signed
    /// integers hold (no Record reaches it).
    #[error("{0} is beyond the largest position a Record can hold")]
    TooLarge(u64),
}
