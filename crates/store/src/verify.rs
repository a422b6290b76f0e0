//! Replays a stored Record from its bytes alone: every signature, sequence
//! number and admission rule, every leaf and tree hash, every checkpoint.
//! Nothing the store says about itself is trusted.

use std::fmt;

use rayon::prelude::*;
use truce_record::{
    split_stored_hash_index, Candidate, CosignatureVerifier, Hash, MerkleLog, NoRules, Registry,
    Rules, SignedCheckpoint, SignedStatement,
};

use crate::{Store, StoreError, StoredEntry};

const PAGE: u64 = 20_000;

/// What a replay established.
#[derive(Debug)]
pub struct ReplayReport {
    pub entries: u64,
    pub root: Hash,
    pub checkpoints: u64,
    pub latest_checkpoint: Option<SignedCheckpoint>,
    /// Witnesses whose cosignature on the latest checkpoint verifies.
    pub cosigned_by: Vec<String>,
    pub quorum: u32,
    pub registry: Registry,
}

impl ReplayReport {
    /// A checkpoint is final once a quorum of the genesis witnesses cosigned it.
    pub fn is_final(&self) -> bool {
        self.latest_checkpoint.is_some() && self.cosigned_by.len() as u32 >= self.quorum
    }
}

/// The first thing found wrong, with the entry or checkpoint it concerns.
#[derive(Debug)]
pub enum ReplayProblem {
    Entry { position: u64, reason: String },
    Checkpoint { size: u64, reason: String },
    Record(String),
    Store(StoreError),
}

impl fmt::Display for ReplayProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayProblem::Entry { position, reason } => write!(f, "entry {position}: {reason}"),
            ReplayProblem::Checkpoint { size, reason } => {
                write!(f, "checkpoint of size {size}: {reason}")
            }
            ReplayProblem::Record(reason) => f.write_str(reason),
            ReplayProblem::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReplayProblem {}

impl From<StoreError> for ReplayProblem {
    fn from(e: StoreError) -> Self {
        ReplayProblem::Store(e)
    }
}

fn entry_problem(position: u64, reason: impl ToString) -> ReplayProblem {
    ReplayProblem::Entry {
        position,
        reason: reason.to_string(),
    }
}

pub(crate) fn signed_statement(entry: &StoredEntry) -> Result<SignedStatement, StoreError> {
    let signature: [u8; 64] = entry.signature.as_slice().try_into().map_err(|_| {
        StoreError::Corrupt(format!(
            "entry {}: signature of {} bytes",
            entry.position,
            entry.signature.len()
        ))
    })?;
    Ok(SignedStatement::new(entry.statement.clone(), signature))
}

/// Replays the whole Record in `store`. `progress` is called with the
/// number of entries checked so far, out of `total`.
pub async fn replay(
    store: &Store,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ReplayReport, ReplayProblem> {
    replay_with(store, &mut NoRules, progress).await
}

/// Replays under the membership rules and `rules`, which ends holding the
/// state the rules derive from the whole Record.
pub async fn replay_with(
    store: &Store,
    rules: &mut dyn Rules,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<ReplayReport, ReplayProblem> {
    let total = store.size().await?;
    let mut registry = Registry::new();
    let mut log = MerkleLog::new();
    while registry.size() < total {
        let page = store.entries(registry.size(), PAGE).await?;
        if page.is_empty() {
            return Err(entry_problem(registry.size(), "is missing"));
        }
        replay_page(&mut registry, &mut log, rules, page)?;
        progress(registry.size(), total);
    }
    compare_tree_hashes(store, &log).await?;
    let genesis = registry
        .genesis()
        .cloned()
        .ok_or_else(|| ReplayProblem::Record("the Record is empty".into()))?;
    let checkpoints = check_checkpoints(store, &log, &genesis.node_key).await?;
    let latest = store.latest_checkpoint().await?;
    let latest = latest
        .map(|(_, note)| SignedCheckpoint::verify(&note, &genesis.node_key))
        .transpose()
        .map_err(|e| ReplayProblem::Record(e.to_string()))?;
    match &latest {
        Some(c) if c.size() == log.size() => {}
        Some(c) => {
            return Err(ReplayProblem::Record(format!(
                "the Record holds {} entries but its latest checkpoint covers {}",
                log.size(),
                c.size()
            )))
        }
        None => {
            return Err(ReplayProblem::Record(
                "no checkpoint covers the Record".into(),
            ))
        }
    }
    let latest = latest.expect("checked above");
    let cosigned_by = cosigners(store, &latest, &genesis.witnesses).await?;
    Ok(ReplayReport {
        entries: log.size(),
        root: log.root(),
        checkpoints,
        latest_checkpoint: Some(latest),
        cosigned_by,
        quorum: genesis.witness_quorum,
        registry,
    })
}

/// Decodes a page and checks the signatures of keys `known` already holds,
/// in parallel; other keys are checked at admission, in order. A failure
/// names its position and why.
pub(crate) fn decode_checked(
    known: &Registry,
    page: &[StoredEntry],
) -> Vec<Result<Candidate, (u64, String)>> {
    page.par_iter()
        .map(|entry| {
            let signed = signed_statement(entry).map_err(|e| (entry.position, e.to_string()))?;
            let mut candidate =
                Candidate::decode(signed).map_err(|e| (entry.position, e.to_string()))?;
            if let Some(key) = known.public_key(&candidate.statement.author) {
                if !candidate.check_signature(&key) {
                    return Err((
                        entry.position,
                        format!(
                            "signature does not verify against author key {}",
                            candidate.statement.author
                        ),
                    ));
                }
            }
            Ok(candidate)
        })
        .collect()
}

/// Decodes and checks signatures of a page in parallel, then applies the
/// position-dependent rules in order.
fn replay_page(
    registry: &mut Registry,
    log: &mut MerkleLog,
    rules: &mut dyn Rules,
    page: Vec<StoredEntry>,
) -> Result<(), ReplayProblem> {
    let decoded = decode_checked(registry, &page);
    for (entry, candidate) in page.iter().zip(decoded) {
        let position = registry.size();
        if entry.position != position {
            return Err(entry_problem(position, "is missing"));
        }
        let mut candidate =
            candidate.map_err(|(position, reason)| entry_problem(position, reason))?;
        registry
            .admit_with(&mut candidate, rules)
            .map_err(|rejection| entry_problem(position, rejection))?;
        log.append(candidate.signed.leaf_hash());
    }
    Ok(())
}

async fn compare_tree_hashes(store: &Store, log: &MerkleLog) -> Result<(), ReplayProblem> {
    let stored = store.tree_hashes().await?;
    let expected = log.stored_since(0);
    for (i, expected_hash) in expected.iter().enumerate() {
        match stored.get(i) {
            Some((index, hash)) if *index == i as u64 && hash == expected_hash => {}
            _ => {
                let (level, n) = split_stored_hash_index(i as u64);
                let position = n << level;
                return Err(ReplayProblem::Entry {
                    position,
                    reason: format!(
                        "stored tree hash {i} (level {level}) does not match the entries' bytes"
                    ),
                });
            }
        }
    }
    if stored.len() > expected.len() {
        return Err(ReplayProblem::Record(format!(
            "{} stored tree hashes for {} entries: hashes of entries that are not in the Record",
            stored.len(),
            log.size()
        )));
    }
    Ok(())
}

async fn check_checkpoints(
    store: &Store,
    log: &MerkleLog,
    node_key: &str,
) -> Result<u64, ReplayProblem> {
    let checkpoints = store.checkpoints().await?;
    let first_bad = checkpoints.par_iter().find_map_first(|(size, note)| {
        let problem = |reason: String| ReplayProblem::Checkpoint {
            size: *size,
            reason,
        };
        let checkpoint = match SignedCheckpoint::verify(note, node_key) {
            Ok(c) => c,
            Err(e) => return Some(problem(e.to_string())),
        };
        if checkpoint.size() != *size {
            return Some(problem(format!("note says size {}", checkpoint.size())));
        }
        match log.root_at(*size) {
            Ok(root) if root == checkpoint.root() => None,
            Ok(_) => Some(problem(
                "its root is not the root of the Record's first entries".into(),
            )),
            Err(e) => Some(problem(e.to_string())),
        }
    });
    match first_bad {
        Some(problem) => Err(problem),
        None => Ok(checkpoints.len() as u64),
    }
}

async fn cosigners(
    store: &Store,
    checkpoint: &SignedCheckpoint,
    witnesses: &[truce_model::Witness],
) -> Result<Vec<String>, ReplayProblem> {
    let verifiers: Vec<CosignatureVerifier> = witnesses
        .iter()
        .filter_map(|w| CosignatureVerifier::new(&w.verifier_key).ok())
        .collect();
    let mut cosigned = checkpoint.clone();
    for line in store.cosignatures(checkpoint.size()).await? {
        if let Ok(with) = cosigned.with_signature_line(&line) {
            cosigned = with;
        }
    }
    Ok(cosigned
        .cosigned_by(&verifiers)
        .into_iter()
        .map(|v| v.witness_name().to_string())
        .collect())
}
