//! A mirror's follow: read the node's checkpoint, check it against the
//! pinned node key, fetch the new entry bundles, have the ledger verify
//! them as `truce verify` would (signatures, admission and register rules,
//! leaf and tree hashes against the checkpoint's root) and only then store
//! them. Anything inconsistent ends the follow with [`Evidence`] that a
//! third party can check with the node key alone.

use std::sync::Arc;

use truce_record::{
    CosignatureVerifier, Hash, MerkleLog, Rules, SignedCheckpoint, SignedStatement, TILE_WIDTH,
};
use truce_store::{FollowError, Inconsistency, Ledger, Step, StoreError};

use crate::{ClientError, Origin};

/// Bundles fetched at once.
const BUNDLES_IN_FLIGHT: usize = 8;

/// What one call to [`Follower::step`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The mirror already held everything the node's checkpoint covers.
    UpToDate {
        size: u64,
    },
    Advanced(Step),
}

/// Why the follow cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum Stop {
    /// The node served something inconsistent; the mirror's store is
    /// unchanged and the evidence says what.
    #[error("{}", .0.summary)]
    Evidence(Box<Evidence>),
    /// The node could not be read (down, slow, refused): try again later.
    #[error(transparent)]
    Unreachable(#[from] ClientError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An entry as one checkpoint holds it, with the inclusion proof.
#[derive(Debug, Clone)]
pub struct EvidenceSide {
    pub statement: Vec<u8>,
    pub signature: [u8; 64],
    /// The signed checkpoint note.
    pub checkpoint: Vec<u8>,
    pub proof: Vec<Hash>,
}

#[derive(Debug, Clone)]
pub enum EvidenceKind {
    /// Two checkpoints signed by the node key hold different entries at
    /// `position`: the node showed two versions of the Record.
    Fork {
        position: u64,
        mirrored: EvidenceSide,
        served: EvidenceSide,
    },
    /// The node now serves a smaller checkpoint than one it signed before
    /// (both signed; `proof` shows the smaller is a prefix of the larger):
    /// it dropped entries.
    Rollback {
        smaller: Vec<u8>,
        larger: Vec<u8>,
        proof: Vec<Hash>,
    },
    /// The node key signed a checkpoint over an entry the Record's rules
    /// refuse.
    RefusedEntry {
        position: u64,
        reason: String,
        served: EvidenceSide,
    },
    /// A witness cosigned a checkpoint the node key signed that this
    /// mirror's verified tree contradicts: `proof` shows the tree of
    /// `larger` has root `prefix_root` at the size of `smaller`, whose
    /// signed root differs. The node showed different parties different
    /// Records.
    SplitView {
        witness: String,
        smaller: Vec<u8>,
        larger: Vec<u8>,
        prefix_root: Hash,
        proof: Vec<Hash>,
    },
    /// Something that is not signed, or does not hash to what is signed:
    /// kept as found, though it proves nothing by itself.
    Unproven { note: Vec<u8>, reason: String },
}

#[derive(Debug, Clone)]
pub struct Evidence {
    pub summary: String,
    pub kind: EvidenceKind,
}

fn stop(summary: String, kind: EvidenceKind) -> Stop {
    Stop::Evidence(Box::new(Evidence { summary, kind }))
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The genesis witnesses' keys, once the genesis is in the ledger.
fn witnesses_of<R: Rules + Clone + 'static>(ledger: &Ledger<R>) -> Vec<CosignatureVerifier> {
    ledger
        .registry()
        .genesis()
        .map(|g| {
            g.witnesses
                .iter()
                .filter_map(|w| CosignatureVerifier::new(&w.verifier_key).ok())
                .collect()
        })
        .unwrap_or_default()
}

/// Follows one node into one ledger opened without a node key.
pub struct Follower<R: Rules + Clone + 'static> {
    ledger: Arc<Ledger<R>>,
    origin: Origin,
    node_key: String,
    witnesses: Vec<CosignatureVerifier>,
    /// Witnesses' monitoring endpoints (name, base URL) to compare with.
    monitors: Vec<(String, Origin)>,
}

impl<R: Rules + Clone + 'static> Follower<R> {
    /// `node_key` is the node's checkpoint verifier key, pinned by the
    /// mirror's operator (never learnt from the node being followed).
    /// `witnesses` are the genesis witnesses' keys, when known.
    pub fn new(ledger: Arc<Ledger<R>>, origin: Origin, node_key: String) -> Self {
        let witnesses = witnesses_of(&ledger);
        Self {
            ledger,
            origin,
            node_key,
            witnesses,
            monitors: Vec::new(),
        }
    }

    /// Also compares, after each step, what these witnesses (name, base
    /// URL of their monitoring endpoint) cosigned with what this mirror
    /// verified, to catch a node that shows different Records to different
    /// parties.
    pub fn compare_with(mut self, monitors: Vec<(String, Origin)>) -> Self {
        self.monitors = monitors;
        self
    }

    /// Reads each witness's latest cosigned checkpoint and checks it against
    /// the verified tree. A witness ahead of the mirror is checked later; an
    /// unreachable one is skipped (it is only a second opinion).
    pub async fn compare_witnesses(&self) -> Result<Vec<(String, Option<u64>)>, Stop> {
        let origin_line = self.node_key.split('+').next().unwrap_or_default();
        let path = format!("/{}/checkpoint", sha256_hex(origin_line.as_bytes()));
        let mut seen = Vec::new();
        for (name, monitor) in &self.monitors {
            let Ok(note) = monitor.get(&path).await else {
                seen.push((name.clone(), None));
                continue;
            };
            let Ok(theirs) = SignedCheckpoint::verify(&note, &self.node_key) else {
                seen.push((name.clone(), None));
                continue;
            };
            seen.push((name.clone(), Some(theirs.size())));
            let size = self.ledger.size();
            let Some(ours) = self.ledger.checkpoint() else {
                continue;
            };
            if theirs.size() > size {
                continue;
            }
            let Ok(prefix_root) = self.ledger.root_at(theirs.size()) else {
                continue;
            };
            if prefix_root == theirs.root() {
                continue;
            }
            let proof = self
                .ledger
                .prove_consistency(theirs.size(), size)
                .unwrap_or_default();
            return Err(stop(
                format!(
                    "SPLIT VIEW: witness {name} cosigned a checkpoint of size {} with root {}, but the Record this mirror verified has root {prefix_root} at that size",
                    theirs.size(),
                    theirs.root()
                ),
                EvidenceKind::SplitView {
                    witness: name.clone(),
                    smaller: theirs.note().to_vec(),
                    larger: ours.note().to_vec(),
                    prefix_root,
                    proof,
                },
            ));
        }
        Ok(seen)
    }

    pub fn ledger(&self) -> &Arc<Ledger<R>> {
        &self.ledger
    }

    /// One round: checkpoint, bundles, verification, storage. `fetched`
    /// is told how many of the step's entries have arrived, `durable` how
    /// many are durable, each out of how many.
    pub async fn step(
        &mut self,
        fetched: &(dyn Fn(u64, u64) + Sync),
        durable: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Progress, Stop> {
        let note = self.origin.checkpoint().await?;
        let checkpoint = self.verified_checkpoint(&note)?;
        let size = self.ledger.size();
        let stored = self.ledger.stored_size();
        let wanted = checkpoint.size();
        if wanted < size
            || (wanted == size && self.ledger.root_at(size).ok() != Some(checkpoint.root()))
        {
            return Err(self.disagreement(checkpoint).await);
        }
        if wanted == size {
            self.keep_cosignatures(&checkpoint).await?;
            return Ok(Progress::UpToDate { size });
        }
        if wanted < stored {
            return Err(self.disagreement(checkpoint).await);
        }
        let entries = self.fetch(stored, wanted, fetched).await?;
        match self
            .ledger
            .extend_verified(entries, checkpoint.clone(), durable)
            .await
        {
            Ok(step) => {
                if self.witnesses.is_empty() {
                    self.witnesses = witnesses_of(&self.ledger);
                }
                self.keep_cosignatures(&checkpoint).await?;
                Ok(Progress::Advanced(step))
            }
            Err(FollowError::Store(e)) => Err(Stop::Store(e)),
            Err(FollowError::Inconsistent(Inconsistency::Root { .. })) => {
                Err(self.disagreement(checkpoint).await)
            }
            Err(FollowError::Inconsistent(Inconsistency::Entry { position, reason })) => {
                Err(self.refused_entry(checkpoint, position, reason).await)
            }
        }
    }

    fn verified_checkpoint(&self, note: &[u8]) -> Result<SignedCheckpoint, Stop> {
        let unproven = |reason: String| {
            stop(
                format!("the node served a checkpoint the pinned node key does not sign: {reason}"),
                EvidenceKind::Unproven {
                    note: note.to_vec(),
                    reason,
                },
            )
        };
        let checkpoint =
            SignedCheckpoint::verify(note, &self.node_key).map_err(|e| unproven(e.to_string()))?;
        let key_name = self.node_key.split('+').next().unwrap_or_default();
        if checkpoint.origin() != key_name {
            return Err(unproven(format!(
                "its origin is {:?}, the node key's name is {key_name:?}",
                checkpoint.origin()
            )));
        }
        Ok(checkpoint)
    }

    /// Cosignature lines of the genesis witnesses that verify on `checkpoint`.
    async fn keep_cosignatures(&self, checkpoint: &SignedCheckpoint) -> Result<(), StoreError> {
        let lines = checkpoint.signature_lines();
        for witness in checkpoint.cosigned_by(&self.witnesses) {
            let prefix = format!("— {} ", witness.witness_name());
            if let Some(line) = lines.iter().find(|l| l.starts_with(&prefix)) {
                self.ledger
                    .store()
                    .add_cosignature(checkpoint.size(), witness.witness_name(), line)
                    .await?;
            }
        }
        Ok(())
    }

    /// Entries `from..to`, fetched bundle by bundle, several at a time.
    async fn fetch(
        &self,
        from: u64,
        to: u64,
        fetched: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Vec<SignedStatement>, ClientError> {
        let width = u64::from(TILE_WIDTH);
        let bundles: Vec<(u64, u16)> = (from / width..to.div_ceil(width))
            .map(|index| {
                let end = ((index + 1) * width).min(to);
                (index, (end - index * width) as u16)
            })
            .collect();
        let mut entries = Vec::with_capacity((to - from) as usize);
        for window in bundles.chunks(BUNDLES_IN_FLIGHT) {
            let mut tasks = tokio::task::JoinSet::new();
            for (slot, &(index, width)) in window.iter().enumerate() {
                let origin = self.origin.clone();
                tasks.spawn(async move { (slot, origin.bundle(index, width).await) });
            }
            let mut arrived: Vec<Option<Vec<SignedStatement>>> = vec![None; window.len()];
            while let Some(joined) = tasks.join_next().await {
                let (slot, bundle) = joined.map_err(|e| ClientError::Unreachable {
                    url: self.origin.url().into(),
                    reason: e.to_string(),
                })?;
                arrived[slot] = Some(bundle?);
            }
            for (bundle, &(index, _)) in arrived.into_iter().zip(window) {
                let first = index * width;
                let skip = from.saturating_sub(first) as usize;
                entries.extend(bundle.unwrap_or_default().into_iter().skip(skip));
            }
            fetched(entries.len() as u64, to - from);
        }
        Ok(entries)
    }

    /// The node's checkpoint disagrees with what the mirror verified: find
    /// the first entry where the two differ and prove both versions.
    async fn disagreement(&self, checkpoint: SignedCheckpoint) -> Stop {
        let size = self.ledger.size();
        let Some(mirrored) = self.ledger.checkpoint() else {
            return Stop::Store(StoreError::Corrupt(
                "a mirror with entries and no checkpoint".into(),
            ));
        };
        let served_size = checkpoint.size();
        let (served, log) = match self.served_tree(&checkpoint).await {
            Ok(tree) => tree,
            Err(stop) => return stop,
        };
        let common = size.min(served_size);
        let differing = (0..common).find(|&p| self.ledger.leaf_hash(p) != log.leaf_hash_at(p));
        let Some(position) = differing else {
            // Same entries as far as both go: the node dropped some.
            let proof = self
                .ledger
                .prove_consistency(served_size, size)
                .unwrap_or_default();
            return stop(
                format!(
                    "the node now serves a checkpoint of {served_size} entries, below the {size} it signed before: it dropped entries"
                ),
                EvidenceKind::Rollback {
                    smaller: checkpoint.note().to_vec(),
                    larger: mirrored.note().to_vec(),
                    proof,
                },
            );
        };
        let ours = match self.ledger.store().entries(position, 1).await {
            Ok(mut rows) => rows.pop(),
            Err(e) => return Stop::Store(e),
        };
        let Some(ours) = ours else {
            return Stop::Store(StoreError::Corrupt(format!("entry {position} is missing")));
        };
        let signed = served[position as usize].clone();
        stop(
            format!(
                "the node rewrote history: its checkpoint of size {served_size} holds another entry {position} than its checkpoint of size {size} that this mirror verified"
            ),
            EvidenceKind::Fork {
                position,
                mirrored: EvidenceSide {
                    statement: ours.statement,
                    signature: ours.signature.try_into().unwrap_or([0; 64]),
                    checkpoint: mirrored.note().to_vec(),
                    proof: self.ledger.prove_inclusion(position, size).unwrap_or_default(),
                },
                served: EvidenceSide {
                    statement: signed.bytes().to_vec(),
                    signature: *signed.signature(),
                    checkpoint: checkpoint.note().to_vec(),
                    proof: log.prove_inclusion(position, served_size).unwrap_or_default(),
                },
            },
        )
    }

    /// Every entry the node's checkpoint covers, and their tree, which must
    /// have the checkpoint's root.
    async fn served_tree(
        &self,
        checkpoint: &SignedCheckpoint,
    ) -> Result<(Vec<SignedStatement>, MerkleLog), Stop> {
        let served = self.fetch(0, checkpoint.size(), &|_, _| {}).await?;
        let mut log = MerkleLog::new();
        for entry in &served {
            log.append(entry.leaf_hash());
        }
        if log.root() != checkpoint.root() {
            let reason = format!(
                "the node's entry bundles hash to root {}, not to the root {} its checkpoint of size {} signs",
                log.root(),
                checkpoint.root(),
                checkpoint.size()
            );
            return Err(stop(
                reason.clone(),
                EvidenceKind::Unproven {
                    note: checkpoint.note().to_vec(),
                    reason,
                },
            ));
        }
        Ok((served, log))
    }

    async fn refused_entry(
        &self,
        checkpoint: SignedCheckpoint,
        position: u64,
        reason: String,
    ) -> Stop {
        let (served, log) = match self.served_tree(&checkpoint).await {
            Ok(tree) => tree,
            Err(stop) => return stop,
        };
        let signed = served[position as usize].clone();
        stop(
            format!(
                "the node signed a checkpoint of size {} over entry {position}, which the Record's rules refuse: {reason}",
                checkpoint.size()
            ),
            EvidenceKind::RefusedEntry {
                position,
                reason,
                served: EvidenceSide {
                    statement: signed.bytes().to_vec(),
                    signature: *signed.signature(),
                    checkpoint: checkpoint.note().to_vec(),
                    proof: log.prove_inclusion(position, checkpoint.size()).unwrap_or_default(),
                },
            },
        )
    }
}
