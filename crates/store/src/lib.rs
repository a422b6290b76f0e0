//! Persistence of the Record and the node that appends to it.
//!
//! `Store` is the one interface over two backends: an embedded SQLite file
//! (the default) and PostgreSQL (for deployments that outgrow one machine).
//! Each backend keeps its own SQL and migrations; both pass the same tests.
//! `Ledger` is the node: it admits statements, groups concurrent appends
//! into one durable commit, and signs a checkpoint for each commit.
//! `replay` re-checks a whole Record from its bytes, trusting nothing stored.
//! The membership state, the tree and the rules' state may be saved beside
//! a Record (`saved.rs`) for a node and reads to start from
//! (`Ledger::open_saved`).

#[macro_use]
mod backend;
mod direct;
mod error;
mod ledger;
mod saved;
mod signatures;
mod store;
mod verify;

pub use error::StoreError;
pub use ledger::{
    AppendError, FollowError, Inconsistency, Ledger, Pending, Readiness, Receipt, SavedUse, Step,
    RETRY_AFTER,
};
pub use store::{Batch, EntryRow, Store, StoredEntry};
pub use verify::{replay, replay_with, ReplayProblem, ReplayReport, SavedCheck};
