//! Witnesses: a guarantor's own key that cosigns a checkpoint (C2SP
//! tlog-cosignature/v1) only after checking it extends, consistently, the
//! last checkpoint it cosigned. An inconsistent checkpoint is refused, and
//! the two signed checkpoints are kept as proof that the log forked.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use signed_note::{key_id, Verifier};
use tlog_tiles::Hash;

use crate::{check_consistency, RecordError, SignedCheckpoint};

/// The algorithm byte of cosignature/v1 keys in signed-note key encodings.
const ALG_COSIGNATURE_V1: u8 = 0x04;

fn cosigned_message(timestamp: u64, checkpoint_body: &[u8]) -> Vec<u8> {
    let mut message = format!("cosignature/v1\ntime {timestamp}\n").into_bytes();
    message.extend_from_slice(checkpoint_body);
    message
}

fn encoded_public(key: &VerifyingKey) -> Vec<u8> {
    [&[ALG_COSIGNATURE_V1], key.as_bytes().as_slice()].concat()
}

/// Builds the verifier key string `name+id+base64` for a witness public key.
pub fn cosignature_verifier_key(name: &str, key: &VerifyingKey) -> String {
    let public = encoded_public(key);
    format!(
        "{name}+{:08x}+{}",
        key_id(name, &public),
        BASE64.encode(&public)
    )
}

/// A witness's private key.
pub struct Cosigner {
    name: String,
    id: u32,
    signing: SigningKey,
}

impl Cosigner {
    pub fn generate(name: &str) -> Result<Self, RecordError> {
        if !valid_key_name(name) {
            return Err(RecordError::KeyFile(format!(
                "witness name {name:?} must be non-empty with no spaces or '+'"
            )));
        }
        let signing = SigningKey::generate(&mut rand_core::OsRng);
        Ok(Self::from_parts(name, signing))
    }

    fn from_parts(name: &str, signing: SigningKey) -> Self {
        let id = key_id(name, &encoded_public(&signing.verifying_key()));
        Self {
            name: name.to_string(),
            id,
            signing,
        }
    }

    /// `PRIVATE+KEY+name+id+base64(0x04 || seed)`, like a signed-note signer key.
    pub fn secret(&self) -> String {
        let private = [&[ALG_COSIGNATURE_V1], self.signing.to_bytes().as_slice()].concat();
        format!(
            "PRIVATE+KEY+{}+{:08x}+{}",
            self.name,
            self.id,
            BASE64.encode(private)
        )
    }

    pub fn from_secret(secret: &str) -> Result<Self, RecordError> {
        let bad = |why: &str| RecordError::KeyFile(format!("witness key: {why}"));
        let rest = secret
            .trim()
            .strip_prefix("PRIVATE+KEY+")
            .ok_or_else(|| bad("must start with PRIVATE+KEY+"))?;
        let (name, id16, key64) = split_key(rest).ok_or_else(|| bad("expected name+id+key"))?;
        let raw = BASE64.decode(key64).map_err(|_| bad("key is not base64"))?;
        if raw.len() != 33 || raw[0] != ALG_COSIGNATURE_V1 {
            return Err(bad("not a cosignature/v1 Ed25519 key"));
        }
        let seed: [u8; 32] = raw[1..].try_into().expect("32 bytes");
        let cosigner = Self::from_parts(name, SigningKey::from_bytes(&seed));
        if format!("{:08x}", cosigner.id) != id16 {
            return Err(bad("key id does not match the key"));
        }
        Ok(cosigner)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifier_key(&self) -> String {
        cosignature_verifier_key(&self.name, &self.signing.verifying_key())
    }

    /// The signature line to append to the checkpoint note.
    pub fn cosign(&self, checkpoint: &SignedCheckpoint, timestamp: u64) -> String {
        let signature = self
            .signing
            .sign(&cosigned_message(timestamp, &checkpoint.body()));
        let mut payload = self.id.to_be_bytes().to_vec();
        payload.extend_from_slice(&timestamp.to_be_bytes());
        payload.extend_from_slice(&signature.to_bytes());
        format!("— {} {}", self.name, BASE64.encode(payload))
    }
}

/// Splits `name+id+base64`; names hold no '+', base64 may.
fn split_key(s: &str) -> Option<(&str, &str, &str)> {
    let mut parts = s.splitn(3, '+');
    Some((parts.next()?, parts.next()?, parts.next()?))
}

fn valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// Verifies one witness's cosignatures.
#[derive(Debug, Clone)]
pub struct CosignatureVerifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl CosignatureVerifier {
    pub fn new(verifier_key: &str) -> Result<Self, RecordError> {
        let bad = |why: &str| {
            RecordError::KeyFile(format!("witness verifier key {verifier_key:?}: {why}"))
        };
        let (name, id16, key64) =
            split_key(verifier_key).ok_or_else(|| bad("expected name+id+key"))?;
        let raw = BASE64.decode(key64).map_err(|_| bad("key is not base64"))?;
        if raw.len() != 33 || raw[0] != ALG_COSIGNATURE_V1 {
            return Err(bad("not a cosignature/v1 Ed25519 key"));
        }
        let key = VerifyingKey::from_bytes(raw[1..].try_into().expect("32 bytes"))
            .map_err(|_| bad("not an Ed25519 point"))?;
        if key.is_weak() {
            return Err(bad("weak key"));
        }
        let id = key_id(name, &raw);
        if format!("{id:08x}") != id16 {
            return Err(bad("key id does not match the key"));
        }
        Ok(Self {
            name: name.to_string(),
            id,
            key,
        })
    }

    pub fn witness_name(&self) -> &str {
        &self.name
    }

    /// The time (seconds) at which this witness cosigned `checkpoint`, if
    /// `line` is its valid cosignature line on it.
    pub fn timestamp_of(&self, checkpoint: &SignedCheckpoint, line: &str) -> Option<u64> {
        let rest = line.trim_end_matches('\n').strip_prefix("— ")?;
        let (name, payload) = rest.split_once(' ')?;
        if name != self.name {
            return None;
        }
        let payload = BASE64.decode(payload).ok()?;
        if payload.len() != 4 + 72 || payload[..4] != self.id.to_be_bytes() {
            return None;
        }
        self.verify(&checkpoint.body(), &payload[4..])
            .then(|| u64::from_be_bytes(payload[4..12].try_into().expect("8 bytes")))
    }
}

impl Verifier for CosignatureVerifier {
    fn name(&self) -> &str {
        &self.name
    }

    fn key_id(&self) -> u32 {
        self.id
    }

    fn verify(&self, msg: &[u8], sig: &[u8]) -> bool {
        if sig.len() != 72 {
            return false;
        }
        let timestamp = u64::from_be_bytes(sig[..8].try_into().expect("8 bytes"));
        let signature = Signature::from_bytes(sig[8..].try_into().expect("64 bytes"));
        self.key
            .verify_strict(&cosigned_message(timestamp, msg), &signature)
            .is_ok()
    }
}

/// What a witness remembers: the last checkpoint it cosigned. Persisted by
/// the caller atomically before the cosignature is handed out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessState {
    pub origin: String,
    pub size: u64,
    /// Base64 root hash.
    pub root: String,
    /// The node-signed checkpoint note it cosigned last.
    pub checkpoint: String,
}

/// Two checkpoints signed by the same node key that cannot both be true.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForkEvidence {
    pub reason: String,
    pub earlier: String,
    pub later: String,
}

#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("{0}")]
    Invalid(#[from] RecordError),
    #[error("checkpoint is for log {got:?}; this witness follows {expected:?}")]
    WrongLog { expected: String, got: String },
    #[error("checkpoint of size {got} is older than the size {cosigned} already cosigned")]
    Rollback { cosigned: u64, got: u64 },
    #[error("FORK: {}", .0.reason)]
    Fork(ForkEvidence),
}

impl WitnessState {
    /// Checks `checkpoint` (already verified against the node key) against
    /// this state with the consistency `proof` from the state's size, and
    /// returns the state to persist if it may be cosigned.
    pub fn advance(
        state: Option<&WitnessState>,
        checkpoint: &SignedCheckpoint,
        proof: &[Hash],
    ) -> Result<WitnessState, WitnessError> {
        let next = WitnessState {
            origin: checkpoint.origin().to_string(),
            size: checkpoint.size(),
            root: checkpoint.root().to_string(),
            checkpoint: String::from_utf8_lossy(checkpoint.note()).into_owned(),
        };
        let Some(state) = state else {
            return Ok(next);
        };
        if state.origin != checkpoint.origin() {
            return Err(WitnessError::WrongLog {
                expected: state.origin.clone(),
                got: checkpoint.origin().to_string(),
            });
        }
        if checkpoint.size() < state.size {
            return Err(WitnessError::Rollback {
                cosigned: state.size,
                got: checkpoint.size(),
            });
        }
        let old_root = Hash::parse_hash(&state.root)
            .map_err(|e| RecordError::Checkpoint(format!("witness state root: {e}")))?;
        let fork = |reason: String| {
            WitnessError::Fork(ForkEvidence {
                reason,
                earlier: state.checkpoint.clone(),
                later: next.checkpoint.clone(),
            })
        };
        if checkpoint.size() == state.size {
            return if old_root == checkpoint.root() {
                Ok(next)
            } else {
                Err(fork(format!(
                    "two checkpoints of size {} with different roots",
                    state.size
                )))
            };
        }
        check_consistency(
            proof,
            state.size,
            old_root,
            checkpoint.size(),
            checkpoint.root(),
        )
        .map_err(|e| {
            fork(format!(
                "checkpoint of size {} is not consistent with the cosigned one of size {}: {e}",
                checkpoint.size(),
                state.size
            ))
        })?;
        Ok(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cosignature_tells_when_it_was_made() {
        let node = crate::CheckpointSigner::generate("truce.test/log").unwrap();
        let checkpoint = node.sign(3, Hash([4; 32])).unwrap();
        let witness = Cosigner::generate("w1").unwrap();
        let line = witness.cosign(&checkpoint, 1_800_000_000);
        let verifier = CosignatureVerifier::new(&witness.verifier_key()).unwrap();
        assert_eq!(
            verifier.timestamp_of(&checkpoint, &line),
            Some(1_800_000_000)
        );
        let other = node.sign(4, Hash([4; 32])).unwrap();
        assert_eq!(verifier.timestamp_of(&other, &line), None);
        let stranger =
            CosignatureVerifier::new(&Cosigner::generate("w1").unwrap().verifier_key()).unwrap();
        assert_eq!(stranger.timestamp_of(&checkpoint, &line), None);
    }
    use crate::{leaf_hash, CheckpointSigner, MerkleLog};

    fn log_of(n: u64, salt: &str) -> MerkleLog {
        let mut log = MerkleLog::new();
        for i in 0..n {
            log.append(leaf_hash(format!("{salt}{i}").as_bytes()));
        }
        log
    }

    #[test]
    fn cosignature_verifies_and_counts_toward_quorum() {
        let node = CheckpointSigner::generate("truce.test/log").unwrap();
        let witness = Cosigner::generate("ru-witness").unwrap();
        let reloaded = Cosigner::from_secret(&witness.secret()).unwrap();
        assert_eq!(reloaded.verifier_key(), witness.verifier_key());
        let log = log_of(5, "");
        let checkpoint = node.sign(5, log.root()).unwrap();
        let line = witness.cosign(&checkpoint, 1_764_000_000);
        let cosigned = checkpoint.with_signature_line(&line).unwrap();
        let verifier = CosignatureVerifier::new(&witness.verifier_key()).unwrap();
        let other =
            CosignatureVerifier::new(&Cosigner::generate("tr-witness").unwrap().verifier_key())
                .unwrap();
        let verifiers = [verifier, other];
        let signed_by = cosigned.cosigned_by(&verifiers);
        assert_eq!(signed_by.len(), 1);
        assert_eq!(signed_by[0].witness_name(), "ru-witness");
        // Still a valid node checkpoint with the cosignature added.
        SignedCheckpoint::verify(cosigned.note(), node.verifier_key()).unwrap();
    }

    #[test]
    fn the_witness_refuses_a_fork_and_keeps_both_checkpoints() {
        let node = CheckpointSigner::generate("truce.test/log").unwrap();
        let honest = log_of(8, "a");
        let first = node.sign(8, honest.root()).unwrap();
        let state = WitnessState::advance(None, &first, &[]).unwrap();

        let forked = log_of(8, "b");
        let same_size = node.sign(8, forked.root()).unwrap();
        match WitnessState::advance(Some(&state), &same_size, &[]) {
            Err(WitnessError::Fork(evidence)) => {
                assert_eq!(evidence.earlier.as_bytes(), first.note());
                assert_eq!(evidence.later.as_bytes(), same_size.note());
            }
            other => panic!("expected a fork, got {other:?}"),
        }

        let forked_longer = log_of(12, "b");
        let longer = node.sign(12, forked_longer.root()).unwrap();
        let proof = forked_longer.prove_consistency(8, 12).unwrap();
        assert!(matches!(
            WitnessState::advance(Some(&state), &longer, &proof),
            Err(WitnessError::Fork(_))
        ));

        let honest_longer = log_of(12, "a");
        let good = node.sign(12, honest_longer.root()).unwrap();
        let proof = honest_longer.prove_consistency(8, 12).unwrap();
        let next = WitnessState::advance(Some(&state), &good, &proof).unwrap();
        assert_eq!(next.size, 12);
        assert!(matches!(
            WitnessState::advance(Some(&next), &first, &[]),
            Err(WitnessError::Rollback { .. })
        ));
    }
}
