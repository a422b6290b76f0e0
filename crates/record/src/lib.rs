//! The Record: signed statements, their canonical bytes, the rules that
//! admit them, the Merkle log over them, checkpoints, proofs and witnesses.
//!
//! Nothing here touches a disk or a network. Every function is a pure
//! function of its inputs, so a replay on any node reaches the same verdicts.

mod checkpoint;
mod error;
mod keys;
mod log;
mod policy;
mod proof_file;
mod registry;
mod statement;
mod witness;

pub use checkpoint::{CheckpointSigner, SignedCheckpoint};
pub use ed25519_dalek::VerifyingKey;
pub use error::{RecordError, Rejection};
pub use keys::{strong_verifying_key, KeyId, MemberKey, STATEMENT_CONTEXT};
pub use log::{check_consistency, check_inclusion, leaf_hash, tile_end, MerkleLog, TILE_WIDTH};
pub use policy::Policy;
pub use proof_file::{ForkSide, ProofFile, SplitView};
pub use registry::{
    Admitted, Context, KeyStatus, MemberState, NoRules, Registry, Rules, SavedBlob, MAX_LEAF_BYTES,
};
pub use statement::{
    Body, Candidate, SignedStatement, Statement, FIRST_FORMAT_VERSION, FORMAT_VERSION,
};
pub use tlog_tiles::{split_stored_hash_index, stored_hash_count, stored_hash_index, Hash};
pub use witness::{
    cosignature_verifier_key, CosignatureVerifier, Cosigner, ForkEvidence, WitnessError,
    WitnessState,
};
