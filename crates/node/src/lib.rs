//! The node's own files in its data directory, beside the Record: read
//! tokens, the review queue of ingested texts, keys waiting to join,
//! evidence files, and the outgoing webhooks with their delivery cursors. Both serve the node's
//! readers and are shared by the server and the CLI on the node's machine;
//! neither is part of the Record, and no copy of the Record needs them.
//!
//! *Must not know:* HTTP, SQL, the register.

pub mod blobs;
pub mod complaints;
pub mod drafts;
mod files;
pub mod joins;
pub mod tokens;
pub mod webhooks;

pub use tokens::{
    create_token, list_tokens, revoke_member_tokens, revoke_token, TokenRecord, TokenStore,
    TOKEN_FILE,
};

#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("token file: {0}")]
    Tokens(String),
    #[error("{0}")]
    NotFound(String),
    /// The text given to the reader cannot be read.
    #[error("{0}")]
    Unreadable(#[from] truce_extract::ExtractError),
    #[error("{0:?} is not a SHA-256: give 64 lower-case hex digits")]
    BadHash(String),
    #[error("the file is over the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("the bytes hash to {actual}, not to {expected}")]
    Mismatch { expected: String, actual: String },
    /// A member's or the node's quota of stored drafts would be exceeded.
    #[error("{0}")]
    OverQuota(String),
    /// A setting the operator gave is refused: which, and why.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
    #[error("internal: {0}")]
    Internal(String),
}
