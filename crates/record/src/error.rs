use truce_model::ValidationError;

/// Why a statement, checkpoint or proof could not be used.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("statement is not valid JSON of a known kind: {0}")]
    Malformed(String),
    #[error(
        "statement is not in canonical form: re-encoding its decoded value gives different bytes"
    )]
    NonCanonical,
    #[error("statement format version {0} is not supported (this build reads versions 1 to {1})")]
    UnsupportedVersion(u32, u32),
    #[error("invalid field {0}")]
    Invalid(#[from] ValidationError),
    #[error("entry is {0} bytes; a signed entry holds the statement and a 64-byte signature")]
    TruncatedEntry(usize),
    #[error("public key is weak or not a valid Ed25519 point")]
    WeakKey,
    #[error("key file: {0}")]
    KeyFile(String),
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    #[error("proof: {0}")]
    Proof(String),
    #[error("saved state: {0}")]
    Saved(String),
}

/// Why the admission rules refused a statement at a position in the Record.
/// Each reason says what a member would need to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    #[error("{0}")]
    Undecodable(String),
    #[error("claimed time {claimed} is {off_seconds} s from the node's clock ({node_time}); the Record allows {skew_seconds} s")]
    ClockSkew {
        claimed: String,
        node_time: String,
        off_seconds: i64,
        skew_seconds: u32,
    },
    #[error("the statement and its signature take {size} bytes; an entry holds at most {max} (entry bundles prefix each entry with a 16-bit length)")]
    TooLarge { size: usize, max: usize },
    #[error("the first entry of a Record must be a genesis statement")]
    GenesisFirst,
    #[error("genesis is only valid as the first entry")]
    GenesisAgain,
    #[error("genesis must be signed by the operator key it names")]
    GenesisAuthor,
    #[error("author key {0} is not admitted in this Record")]
    UnknownKey(String),
    #[error("author key {key} was revoked at entry {at}")]
    RevokedKey { key: String, at: u64 },
    #[error("author key {key} was replaced by a rotation at entry {at}")]
    RotatedKey { key: String, at: u64 },
    #[error("signature does not verify (strict Ed25519) against author key {0}")]
    BadSignature(String),
    #[error("sequence number {got} for member {member}: expected {expected} ({why})")]
    Sequence {
        member: String,
        expected: u64,
        got: u64,
        why: &'static str,
    },
    #[error("claimed time {got} is earlier than {member}'s previous statement at {previous}")]
    TimeWentBack {
        member: String,
        got: String,
        previous: String,
    },
    #[error("role {role} may not make a {kind} statement")]
    RoleMayNot { role: String, kind: String },
    #[error("member {0} already exists")]
    MemberExists(String),
    #[error("public key {0} is already admitted")]
    KeyInUse(String),
    #[error("public key is weak or not a valid Ed25519 point")]
    WeakKey,
    #[error("member {0} is not admitted")]
    UnknownMember(String),
    #[error("key {key} does not belong to member {member}")]
    KeyNotOfMember { key: String, member: String },
    #[error("key {0} is already revoked")]
    AlreadyRevoked(String),
    #[error("invalid field {0}")]
    Invalid(String),
    /// A rule of the register or the regime, checked against the Record so far.
    #[error("{field}: {reason}")]
    Rule { field: String, reason: String },
}
