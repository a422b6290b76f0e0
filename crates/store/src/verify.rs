//! Replays a stored Record from its bytes alone: every signature, sequence
//! number and admission rule, every leaf and tree hash, every checkpoint.
//! Nothing the store says about itself is trusted.

use std::fmt;
use std::path::Path;

use rayon::prelude::*;
use truce_record::{
    split_stored_hash_index, Candidate, CosignatureVerifier, Hash, MerkleLog, NoRules, Registry,
    Rules, SignedCheckpoint, SignedStatement,
};

use crate::{saved, Store, StoreError, StoredEntry};

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
    /// The tree derived from every entry.
    pub log: MerkleLog,
}

impl ReplayReport {
    /// A checkpoint is final once a quorum of the genesis witnesses cosigned it.
    pub fn is_final(&self) -> bool {
        self.latest_checkpoint.is_some() && self.cosigned_by.len() as u32 >= self.quorum
    }

    /// How the membership state, tree and rules' state saved at `path`
    /// (see `Ledger::open_saved`) compare with what this replay derived,
    /// `rules` being the rules' state it ended with.
    pub fn check_saved<R: Rules>(&self, path: &Path, rules: &R) -> SavedCheck {
        let mut opened = match saved::open(path) {
            Ok(Some(opened)) => opened,
            Ok(None) => return SavedCheck::None,
            Err(unusable) => return SavedCheck::Unusable(unusable),
        };
        let restored = rules.restore(&mut opened.blobs());
        let saved = match opened.finish() {
            Ok(saved) => saved,
            Err(unusable) => return SavedCheck::Unusable(unusable),
        };
        let size = saved.log.size();
        if size > self.entries {
            return SavedCheck::Differs {
                size,
                what: format!("it is of {size} entries; the Record holds {}", self.entries),
            };
        }
        if self.log.root_at(size).ok() != Some(saved.log.root()) {
            return SavedCheck::Differs {
                size,
                what: "its tree is not the tree of the Record's first entries".into(),
            };
        }
        let restored = match restored {
            Ok(restored) => restored,
            Err(why) => return SavedCheck::Unusable(format!("its rules' state: {why}")),
        };
        if size < self.entries {
            return SavedCheck::Earlier { size };
        }
        if saved.registry.to_saved() != self.registry.to_saved() {
            return SavedCheck::Differs {
                size,
                what: "its membership state is not the one the entries make".into(),
            };
        }
        if !restored.same_state(rules) {
            return SavedCheck::Differs {
                size,
                what: "its rules' state is not the one the entries make".into(),
            };
        }
        SavedCheck::Matches { size }
    }

    /// Saves the membership state and tree this replay derived, and
    /// `rules`, the rules' state it ended with, to `path`.
    pub fn save_state<R: Rules>(&self, path: &Path, rules: &R) -> Result<(), StoreError> {
        let unsealed = saved::encode(&self.registry, &self.log)?;
        let mut blobs = rules.to_saved();
        let hashes = |range| self.log.stored_hashes_in(range);
        saved::write(path, &unsealed, &hashes, &mut blobs)
    }
}

/// What [`ReplayReport::check_saved`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedCheck {
    /// Nothing is saved.
    None,
    /// Saved at the Record's size, and the same as derived.
    Matches { size: u64 },
    /// Saved at an earlier size: its tree is the tree of the Record's first
    /// `size` entries; its membership state, of that size, is not compared.
    Earlier { size: u64 },
    /// Not what the entries make.
    Differs { size: u64, what: String },
    /// Not readable as a saved state of this version.
    Unusable(String),
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
    signed_statement_from(entry.position, entry.statement.clone(), &entry.signature)
}

/// The signed statement of the entry at `position`, taking its bytes.
pub(crate) fn signed_statement_from(
    position: u64,
    statement: Vec<u8>,
    signature: &[u8],
) -> Result<SignedStatement, StoreError> {
    let signature: [u8; 64] = signature.try_into().map_err(|_| {
        StoreError::Corrupt(format!(
            "entry {position}: signature of {} bytes",
            signature.len()
        ))
    })?;
    Ok(SignedStatement::new(statement, signature))
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
    let mut times = ClaimedTimes::default();
    while registry.size() < total {
        let page = store.entries_in_bulk(registry.size(), PAGE).await?;
        if page.is_empty() {
            return Err(entry_problem(registry.size(), "is missing"));
        }
        replay_page(&mut registry, &mut log, rules, &mut times, page)?;
        progress(registry.size(), total);
    }
    compare_tree_hashes(store, &log).await?;
    let genesis = registry
        .genesis()
        .cloned()
        .ok_or_else(|| ReplayProblem::Record("the Record is empty".into()))?;
    let checkpoints = check_checkpoints(store, &log, &genesis.node_key).await?;
    check_witnessed_times(store, &genesis, &times).await?;
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
        log,
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
    times: &mut ClaimedTimes,
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
        times.note(position, &candidate.statement);
        log.append(candidate.signed.leaf_hash());
    }
    Ok(())
}

async fn compare_tree_hashes(store: &Store, log: &MerkleLog) -> Result<(), ReplayProblem> {
    let stored = store.tree_hashes().await?;
    let expected = log
        .stored_hashes_in(0..log.stored_count())
        .expect("every stored hash");
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

/// What the witnessed-time check needs of each entry: its claimed time, and
/// the deadlines that votes are judged by.
#[derive(Default)]
struct ClaimedTimes {
    claimed: Vec<i64>,
    deadlines: std::collections::HashMap<u64, i64>,
    votes: Vec<(u64, u64)>,
}

impl ClaimedTimes {
    fn note(&mut self, position: u64, statement: &truce_record::Statement) {
        self.claimed.push(statement.time.as_second());
        match &statement.body {
            truce_record::Body::DecisionProposed(p) => {
                self.deadlines.insert(position, p.deadline.as_second());
            }
            truce_record::Body::DecisionVote(v) => self.votes.push((position, v.decision.0)),
            _ => {}
        }
    }
}

/// How long after a checkpoint is read a witness may cosign it: the node's
/// push interval (1 s) and a witness's deadline (1 s).
const PUSH_SLACK_SECONDS: i64 = 2;

fn seconds_text(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map_or_else(|_| seconds.to_string(), |t| t.to_string())
}

/// The witnesses' cosignature timestamps bound when each entry entered the
/// Record: after the last cosignature of a checkpoint that did not hold it,
/// and by the time a quorum had cosigned one that did. A claimed time more
/// than the Record's skew outside that window, or a vote that entered after
/// its decision's deadline, is named.
async fn check_witnessed_times(
    store: &Store,
    genesis: &truce_model::Genesis,
    times: &ClaimedTimes,
) -> Result<(), ReplayProblem> {
    let skew = genesis
        .register
        .as_ref()
        .map_or(300, |r| i64::from(r.max_clock_skew_seconds));
    let quorum = genesis.witness_quorum.max(1) as usize;
    let verifiers: Vec<CosignatureVerifier> = genesis
        .witnesses
        .iter()
        .filter_map(|w| CosignatureVerifier::new(&w.verifier_key).ok())
        .collect();
    let mut by_size: std::collections::BTreeMap<u64, Vec<String>> = Default::default();
    for (size, line) in store.all_cosignatures().await? {
        by_size.entry(size).or_default().push(line);
    }
    // Per cosigned size: (latest cosignature, time a quorum had cosigned).
    let mut windows: Vec<(u64, i64, Option<i64>)> = Vec::new();
    for (size, lines) in by_size {
        let Some(note) = store.checkpoint(size).await? else {
            continue;
        };
        let Ok(checkpoint) = SignedCheckpoint::verify(&note, &genesis.node_key) else {
            continue;
        };
        let mut stamps: Vec<i64> = verifiers
            .iter()
            .filter_map(|v| lines.iter().find_map(|l| v.timestamp_of(&checkpoint, l)))
            // A timestamp beyond i64 (no witness's clock) sorts last.
            .map(|t| i64::try_from(t).unwrap_or(i64::MAX))
            .collect();
        if stamps.is_empty() {
            continue;
        }
        stamps.sort_unstable();
        let quorum_time = stamps.get(quorum - 1).copied();
        windows.push((size, *stamps.last().expect("not empty"), quorum_time));
    }
    if windows.is_empty() {
        return Ok(());
    }
    // Upper bounds: the earliest quorum time of any checkpoint larger than
    // the entry's position, from the right.
    let mut earliest_quorum_after = vec![None; windows.len() + 1];
    for i in (0..windows.len()).rev() {
        earliest_quorum_after[i] = match (windows[i].2, earliest_quorum_after[i + 1]) {
            (Some(a), Some(b)) => Some(std::cmp::min(a, b)),
            (a, b) => a.or(b),
        };
    }
    let mut lower_bounds = vec![None; times.claimed.len()];
    let mut next = 0; // first window whose size exceeds the position
    let mut latest_before: Option<i64> = None;
    for (position, claimed) in times.claimed.iter().enumerate() {
        let position = position as u64;
        while next < windows.len() && windows[next].0 <= position {
            latest_before = latest_before.max(Some(windows[next].1));
            next += 1;
        }
        lower_bounds[position as usize] = latest_before;
        if let Some(after) = latest_before {
            if *claimed < after - skew {
                return Err(entry_problem(
                    position,
                    format!(
                        "claimed time {} is more than {skew} s before the witnesses saw the Record without it ({})",
                        seconds_text(*claimed),
                        seconds_text(after)
                    ),
                ));
            }
        }
        if let Some(by) = earliest_quorum_after[next] {
            if *claimed > by + skew {
                return Err(entry_problem(
                    position,
                    format!(
                        "claimed time {} is more than {skew} s after a quorum of witnesses had cosigned a checkpoint holding it ({})",
                        seconds_text(*claimed),
                        seconds_text(by)
                    ),
                ));
            }
        }
    }
    for (position, decision) in &times.votes {
        let (Some(deadline), Some(Some(after))) = (
            times.deadlines.get(decision),
            lower_bounds.get(*position as usize),
        ) else {
            continue;
        };
        // A checkpoint read just before the vote's commit may reach the
        // witnesses up to a push interval and a witness deadline later.
        if *after > deadline + PUSH_SLACK_SECONDS {
            return Err(entry_problem(
                *position,
                format!(
                    "the vote on D-{decision} entered the Record after its deadline {}: the witnesses cosigned a checkpoint without it at {}",
                    seconds_text(*deadline),
                    seconds_text(*after)
                ),
            ));
        }
    }
    Ok(())
}
