//! Proofs and evidence as files that travel: written by the node's API,
//! by mirrors that caught a contradiction and by members keeping receipts;
//! read by `truce proof check` on any machine.

use serde::{Deserialize, Serialize};

/// A proof as a file: an entry's inclusion in a signed checkpoint (with
/// the entry's bytes, or only its leaf hash for the public), consistency
/// between two checkpoints, or the evidence that the node showed two
/// Records. Anyone checks one offline with the node key (`truce proof
/// check`); the node serves the same shapes.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", deny_unknown_fields)]
pub enum ProofFile {
    #[serde(rename = "truce-inclusion-proof-v1")]
    Inclusion {
        position: u64,
        /// Base64 of the exact signed statement bytes.
        statement: String,
        /// Hex of the 64-byte signature.
        signature: String,
        checkpoint: String,
        proof: Vec<String>,
    },
    #[serde(rename = "truce-leaf-inclusion-proof-v1")]
    LeafInclusion {
        position: u64,
        /// Base64 RFC 6962 leaf hash of statement bytes ‖ signature.
        leaf_hash: String,
        checkpoint: String,
        proof: Vec<String>,
    },
    #[serde(rename = "truce-consistency-proof-v1")]
    Consistency {
        old_checkpoint: String,
        new_checkpoint: String,
        proof: Vec<String>,
    },
    /// Two checkpoints signed by the node key that hold different entries
    /// at one position: the node showed two versions of the Record.
    #[serde(rename = "truce-fork-evidence-v1")]
    Fork {
        position: u64,
        /// The entry as a mirror verified and kept it.
        mirrored: ForkSide,
        /// The entry as the node later served it.
        served: ForkSide,
    },
    /// A witness cosigned a checkpoint that contradicts another one the
    /// node key signed: different parties were shown different Records.
    #[serde(rename = "truce-split-view-evidence-v1")]
    SplitView(SplitView),
}

/// How a split view is proven without either version's entries: the
/// larger checkpoint's tree has `prefix_root` at the smaller one's size
/// (by `proof`), and the smaller one signs another root.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SplitView {
    /// The witness that cosigned the smaller checkpoint.
    pub witness: String,
    pub smaller_checkpoint: String,
    pub larger_checkpoint: String,
    /// Base64 root of the larger checkpoint's tree at the smaller's size.
    pub prefix_root: String,
    pub proof: Vec<String>,
}

/// One version of an entry, with its inclusion proof in a signed checkpoint.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForkSide {
    /// Base64 of the exact signed statement bytes.
    pub statement: String,
    /// Hex of the 64-byte signature.
    pub signature: String,
    pub checkpoint: String,
    pub proof: Vec<String>,
}
