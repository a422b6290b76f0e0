//! Domain types of a ceasefire mechanism and their validation.
//!
//! This crate knows nothing of signatures, storage or HTTP: it says what a
//! well-formed statement body is, and which role may make which kind of
//! statement. Everything here is pure and deterministic, because every node
//! must reach the same verdict when it replays the Record.

mod error;
mod kind;
mod membership;
mod names;

pub use error::ValidationError;
pub use kind::Kind;
pub use membership::{
    FoundingMember, Genesis, KeyRevoked, KeyRotated, MemberAdmitted, Note, Witness, MAX_NOTE_CHARS,
};
pub use names::{MemberName, Party, PublicKeyBytes, Role};

/// Implemented by every statement body: checks what serde cannot.
pub trait Validate {
    fn validate(&self) -> Result<(), ValidationError>;
}
