//! A guarantor's witness as a service, on the guarantor's own machine: the
//! C2SP tlog-witness protocol (`POST /add-checkpoint`) over the pure rules
//! of [`truce_record::WitnessState`], with its state in its own SQLite file.
//!
//! The witness is configured with the logs it watches and their node keys;
//! it never reads anything from a node but what the node sends it. It
//! compares and stores atomically and durably before it answers, keeps any
//! contradicting signed checkpoint as fork evidence, and publishes the
//! latest checkpoint it cosigned at `GET /<hex sha256(origin)>/checkpoint`
//! so that anyone can compare what each witness saw.

mod http;
mod request;
mod state;

use std::collections::BTreeMap;

use tokio::sync::Mutex;
use truce_record::{Cosigner, Hash, SignedCheckpoint, WitnessError, WitnessState};

pub use http::router;
pub use request::{parse_add_checkpoint, AddCheckpoint};
pub use state::{Fork, StateStore};

/// Why a witness does not cosign, as the protocol answers it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("unknown log origin {0:?}")]
    UnknownOrigin(String),
    #[error("no valid signature by the log's key: {0}")]
    BadSignature(String),
    #[error("old size {old} is larger than the checkpoint's size {size}")]
    OldTooLarge { old: u64, size: u64 },
    #[error("old size {old} is not the size {cosigned} this witness last cosigned")]
    Conflict { old: u64, cosigned: u64 },
    #[error("{0}")]
    Inconsistent(String),
    #[error("the witness's state: {0}")]
    State(String),
}

/// The SHA-256 of the empty string: the root of the empty tree (RFC 6962).
fn empty_tree_root() -> Hash {
    use sha2::{Digest, Sha256};
    Hash(Sha256::digest([]).into())
}

/// One witness: its key, the logs it watches, and its state.
pub struct Witness {
    cosigner: Cosigner,
    /// Origin → the log's checkpoint verifier key.
    logs: BTreeMap<String, String>,
    state: StateStore,
    /// Held from the comparison to the durable write, so two requests never
    /// both advance from the same size (the protocol's rollback race).
    writing: Mutex<()>,
}

impl Witness {
    /// `logs` are node verifier keys (`origin+id+base64`), each naming the
    /// origin of the log it signs.
    pub fn new(cosigner: Cosigner, logs: &[String], state: StateStore) -> Result<Self, Refusal> {
        let mut known = BTreeMap::new();
        for key in logs {
            let origin = key
                .split('+')
                .next()
                .filter(|o| !o.is_empty())
                .ok_or_else(|| Refusal::Malformed(format!("log key {key:?} names no origin")))?;
            known.insert(origin.to_string(), key.trim().to_string());
        }
        Ok(Self {
            cosigner,
            logs: known,
            state,
            writing: Mutex::new(()),
        })
    }

    pub fn name(&self) -> &str {
        self.cosigner.name()
    }

    pub fn verifier_key(&self) -> String {
        self.cosigner.verifier_key()
    }

    pub fn origins(&self) -> impl Iterator<Item = &str> {
        self.logs.keys().map(String::as_str)
    }

    pub fn state(&self) -> &StateStore {
        &self.state
    }

    /// The protocol's add-checkpoint: checks `body` and, if every check
    /// passes, stores the checkpoint as the latest cosigned and returns the
    /// cosignature line (with its newline), timestamped `now` (seconds).
    pub async fn add_checkpoint(&self, body: &[u8], now: u64) -> Result<String, Refusal> {
        let request = parse_add_checkpoint(body)?;
        let origin = request.origin()?;
        let key = self
            .logs
            .get(&origin)
            .ok_or_else(|| Refusal::UnknownOrigin(origin.clone()))?;
        let checkpoint = SignedCheckpoint::verify(&request.checkpoint, key)
            .map_err(|e| Refusal::BadSignature(e.to_string()))?;
        if request.old > checkpoint.size() {
            return Err(Refusal::OldTooLarge {
                old: request.old,
                size: checkpoint.size(),
            });
        }
        let _writing = self.writing.lock().await;
        let previous = self.state.latest(&origin).await?;
        let cosigned = previous.as_ref().map_or(0, |s| s.size);
        if request.old != cosigned {
            return Err(Refusal::Conflict {
                old: request.old,
                cosigned,
            });
        }
        if checkpoint.size() == 0 && checkpoint.root() != empty_tree_root() {
            return Err(Refusal::Inconsistent(
                "a checkpoint of size 0 must have the empty tree's root".into(),
            ));
        }
        if request.old == 0 && !request.proof.is_empty() {
            return Err(Refusal::Inconsistent(
                "a proof from size 0 must be empty".into(),
            ));
        }
        let next = match WitnessState::advance(previous.as_ref(), &checkpoint, &request.proof) {
            Ok(next) => next,
            Err(WitnessError::Fork(evidence)) => {
                self.state.keep_fork(&origin, &evidence, now).await?;
                return Err(Refusal::Inconsistent(evidence.reason));
            }
            Err(other) => return Err(Refusal::Inconsistent(other.to_string())),
        };
        self.state.store(&next, now).await?;
        Ok(self.cosigner.cosign(&checkpoint, now) + "\n")
    }

    /// The latest checkpoint this witness cosigned for the log whose
    /// origin hashes to `origin_hash` (hex SHA-256), with its cosignature.
    pub async fn monitored(&self, origin_hash: &str) -> Result<Option<Vec<u8>>, Refusal> {
        use sha2::{Digest, Sha256};
        let Some(origin) = self
            .logs
            .keys()
            .find(|o| hex::encode(Sha256::digest(o.as_bytes())) == origin_hash)
        else {
            return Ok(None);
        };
        let Some((state, cosigned_at)) = self.state.latest_with_time(origin).await? else {
            return Ok(None);
        };
        let checkpoint = SignedCheckpoint::verify(state.checkpoint.as_bytes(), &self.logs[origin])
            .map_err(|e| Refusal::State(e.to_string()))?;
        let with = checkpoint
            .with_signature_line(&self.cosigner.cosign(&checkpoint, cosigned_at))
            .map_err(|e| Refusal::State(e.to_string()))?;
        Ok(Some(with.note().to_vec()))
    }
}
