//! The node: admits statements in Record order and makes them durable in
//! group commits, one signed checkpoint per commit.

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot, watch, Mutex as AsyncMutex};
use tokio::task::JoinHandle;
use truce_record::{
    Candidate, CheckpointSigner, Hash, MerkleLog, NoRules, RecordError, Registry, Rejection, Rules,
    SignedCheckpoint, SignedStatement,
};

use crate::saved::{self, Saved};
use crate::{Batch, EntryRow, Store, StoreError, StoredEntry};

/// Largest number of statements in one commit. Bounds the latency of a
/// commit and the memory of a batch; the queue refills while it is written.
const MAX_BATCH: usize = 4_096;
/// A batch that finds this many statements queued is taken as a sign of a
/// busy node: see [`GATHER_WHILE_BUSY`]. A lone append never waits.
const BUSY_BATCH: usize = 16;
/// How long the writer of a busy node waits for more statements before it
/// commits. At 200k statements appended as fast as five members could, a
/// wait of 5 ms made commits of about 380 statements, one of 2 ms about
/// 190; each commit costs a sync and pages written again.
/// Appends were about 2% faster at 5 ms than at 2 ms; each waits that much
/// longer for its receipt.
const GATHER_WHILE_BUSY: Duration = Duration::from_millis(5);
/// Entries read per query when the node replays its own store at start.
const REPLAY_PAGE: u64 = 10_000;
/// After a failed commit, how long a caller is told to wait before sending
/// again, and how often the writer tries again by itself (a write probe,
/// or reloading its state) while nobody sends: each failed commit costs a
/// replay of the store, so a full disk costs one per interval, not one per
/// submission.
pub const RETRY_AFTER: Duration = Duration::from_secs(5);

/// Proof that a statement is in the Record and durable.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    pub position: u64,
    pub leaf_hash: Hash,
    /// Size of the first checkpoint that covers the statement.
    pub checkpoint_size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum AppendError {
    #[error("refused: {0}")]
    Undecodable(#[from] RecordError),
    #[error("refused at position {position}: {rejection}")]
    Refused { position: u64, rejection: Rejection },
    #[error("not stored: {0}")]
    Store(String),
    /// The commit failed and was rolled back; the node goes on. Sending the
    /// same statement again is safe: it is either admitted once or refused
    /// as already in the Record.
    #[error("not stored, the commit failed and was rolled back (send it again): {0}")]
    NotCommitted(String),
    /// The database has no room left: nothing is stored until space is
    /// freed, then the node takes statements again by itself.
    #[error("not stored, the node's disk is full (send it again once space is freed): {0}")]
    DiskFull(String),
    #[error("this copy of the Record is read-only (no node key): send statements to the node")]
    ReadOnly,
}

/// A queued statement; `durable` waits for its commit.
pub struct Pending(oneshot::Receiver<Result<Receipt, AppendError>>);

impl Pending {
    pub async fn durable(self) -> Result<Receipt, AppendError> {
        self.0
            .await
            .map_err(|_| AppendError::Store(StoreError::Stopped.to_string()))?
    }
}

/// Whether the node's writer can commit now (`/readyz`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    /// The last commit (or write probe) succeeded, or none was tried yet.
    Ready,
    /// The last commit failed for want of disk space.
    DiskFull(String),
    /// The last commit failed (the database locked, unreachable, or
    /// read-only); the writer tries again with the next submission and by
    /// itself every [`RETRY_AFTER`].
    Failing(String),
    /// No writer: a mirror, or a copy opened without the node key.
    ReadOnly,
}

/// What readers see: only committed entries, and the rules' state as of
/// the same entries, an immutable snapshot the writer replaces after each
/// commit (readers hold theirs as long as they like and never block it).
struct View<R> {
    registry: Registry,
    log: MerkleLog,
    checkpoint: Option<SignedCheckpoint>,
    rules: Arc<R>,
}

pub(crate) struct Request {
    pub(crate) candidate: Candidate,
    pub(crate) reply: oneshot::Sender<Result<Receipt, AppendError>>,
}

/// A node appending to one Record, under the membership rules and `R`.
pub struct Ledger<R: Rules + Clone + 'static = NoRules> {
    store: Store,
    view: Arc<RwLock<View<R>>>,
    /// One mirror step at a time.
    following: AsyncMutex<()>,
    /// The node's writer; `None` for a copy of a Record (a mirror, a
    /// verifier's database) opened without the node key.
    requests: Option<mpsc::Sender<Request>>,
    writer: Option<JoinHandle<()>>,
    readiness: Arc<Mutex<Readiness>>,
    /// Entries in the store, counting a mirror's verified entries that wait
    /// for the commit that carries their checkpoint.
    stored: AtomicU64,
    /// The committed size, announced after each commit (or mirror step)
    /// once readers can see it.
    committed: Arc<watch::Sender<u64>>,
}

impl Ledger<NoRules> {
    /// Opens the Record in `store` under the membership rules alone.
    pub async fn open(store: Store, signer: CheckpointSigner) -> Result<Self, StoreError> {
        Self::open_with(store, signer, NoRules).await
    }
}

/// How [`Ledger::open_saved`] came by its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SavedUse {
    /// From the saved state of `size` entries, and `replayed` entries after it.
    Loaded { size: u64, replayed: u64 },
    /// From every entry; why the saved state was not used.
    Derived { unused: String },
}

impl<R: Rules + Clone + 'static> Ledger<R> {
    /// Opens the Record in `store`, rebuilding the membership state, `rules`
    /// and the tree from it, and checking them against the latest checkpoint.
    pub async fn open_with(
        store: Store,
        signer: CheckpointSigner,
        rules: R,
    ) -> Result<Self, StoreError> {
        let ledger = Self::open_reader(store, rules).await?;
        ledger.start_writing(signer)
    }

    /// Opens the Record in `store` to append to it, as
    /// [`Ledger::open_with`] does, but starting from the state saved at
    /// `path` where one fits (see [`Ledger::open_saved`]).
    pub async fn open_saved_to_write(
        store: Store,
        signer: CheckpointSigner,
        rules: R,
        path: &Path,
    ) -> Result<(Self, SavedUse), StoreError> {
        let (ledger, used) = Self::open_saved(store, rules, path).await?;
        Ok((ledger.start_writing(signer)?, used))
    }

    /// Opens the Record in `store` for reading, starting from the
    /// membership state, the tree and the rules' state saved at `path`
    /// (see [`Ledger::save_state`]) where they fit: only the entries after
    /// them are read and admitted, and the tree they complete must still
    /// end at the root of the latest signed checkpoint, which is what ties
    /// the saved state to this Record. The saved state's own entries are
    /// not read again; `replay` reads them all. A saved state that cannot
    /// be used (none, damaged, of another format or another Record, or
    /// rules' state the rules cannot read) costs a full replay, as
    /// [`Ledger::open_reader`] does.
    pub async fn open_saved(
        store: Store,
        rules: R,
        path: &Path,
    ) -> Result<(Self, SavedUse), StoreError> {
        let unused = match saved::open(path) {
            Ok(Some(mut opened)) => {
                let restored = rules.restore(&mut opened.blobs());
                match (opened.finish(), restored) {
                    (Err(unusable), _) => unusable,
                    (Ok(_), Err(why)) => format!("its rules' state cannot be used: {why}"),
                    (Ok(start), Ok(restored)) => {
                        let size = start.registry.size();
                        match load_from(&store, restored, start).await {
                            Ok((view, _)) => {
                                let replayed = view.registry.size() - size;
                                let ledger = Self::reading(store, view).await?;
                                return Ok((ledger, SavedUse::Loaded { size, replayed }));
                            }
                            Err(e) => format!("it does not fit this Record: {e}"),
                        }
                    }
                }
            }
            Ok(None) => "none is saved".to_string(),
            Err(unusable) => unusable,
        };
        let ledger = Self::open_reader(store, rules).await?;
        Ok((ledger, SavedUse::Derived { unused }))
    }

    /// Starts the writer of a ledger just opened, with the node key.
    fn start_writing(mut self, signer: CheckpointSigner) -> Result<Self, StoreError> {
        let ledger = &mut self;
        if ledger.stored.load(Ordering::SeqCst) != ledger.size() {
            return Err(StoreError::Corrupt(format!(
                "the store holds {} entries but its latest checkpoint covers {}",
                ledger.stored.load(Ordering::SeqCst),
                ledger.size()
            )));
        }
        if let Some(genesis) = ledger.registry().genesis() {
            if genesis.node_key != signer.verifier_key() {
                return Err(StoreError::Corrupt(
                    "the node key in the data directory is not the one the genesis statement names"
                        .into(),
                ));
            }
        }
        let (requests, to_check) = mpsc::channel(MAX_BATCH * 4);
        let (checked, queue) = mpsc::channel(MAX_BATCH * 4);
        let view = ledger.view.clone();
        let keys = move |batch: &[Request]| {
            let view = view.read().expect("view lock");
            let keys = batch
                .iter()
                .map(|r| view.registry.public_key(&r.candidate.statement.author))
                .collect();
            (keys, view.registry.size())
        };
        crate::signatures::start(to_check, checked, Box::new(keys))?;
        let writer = Writer {
            store: ledger.store.clone(),
            view: ledger.view.clone(),
            working: (*ledger.rules()).clone(),
            signer,
            readiness: ledger.readiness.clone(),
            committed: ledger.committed.clone(),
            stale: false,
            failed_at: None,
        };
        *ledger.readiness.lock().expect("readiness lock") = Readiness::Ready;
        ledger.writer = Some(tokio::spawn(writer.run(queue)));
        ledger.requests = Some(requests);
        Ok(self)
    }

    /// Opens the Record in `store` for reading, with no node key: a mirror,
    /// or a copy a verifier holds. Nothing stored is trusted: every entry is
    /// decoded and admitted again, every leaf hash recomputed from its
    /// bytes, and the rebuilt tree must have the root of the latest
    /// checkpoint, whose signature is checked against the genesis node key.
    /// Signatures of entries are left to `replay` (they were checked before
    /// the entries were stored).
    pub async fn open_reader(store: Store, rules: R) -> Result<Self, StoreError> {
        let (view, _) = load(&store, rules).await?;
        Self::reading(store, view).await
    }

    async fn reading(store: Store, view: View<R>) -> Result<Self, StoreError> {
        let stored = store.size().await?;
        let (committed, _) = watch::channel(view.registry.size());
        Ok(Self {
            committed: Arc::new(committed),
            store,
            view: Arc::new(RwLock::new(view)),
            following: AsyncMutex::new(()),
            requests: None,
            writer: None,
            readiness: Arc::new(Mutex::new(Readiness::ReadOnly)),
            stored: AtomicU64::new(stored),
        })
    }

    /// Saves the committed membership state and tree alone to `path`, for
    /// [`Ledger::open_saved`] under the membership rules alone.
    pub fn save_membership(&self, path: &Path) -> Result<(), StoreError> {
        let unsealed = self.read(|v| saved::encode(&v.registry, &v.log))?;
        saved::write(
            path,
            &unsealed,
            &self.stored_hashes(),
            &mut std::iter::empty(),
        )
    }

    /// Saves the committed membership state, tree and rules' state to
    /// `path`, for [`Ledger::open_saved`] to start from. The rules' state is
    /// written from the snapshot readers hold, so the writer goes on
    /// meanwhile.
    pub fn save_state(&self, path: &Path) -> Result<(), StoreError> {
        let (unsealed, rules) =
            self.read(|v| (saved::encode(&v.registry, &v.log), v.rules.clone()));
        let unsealed = unsealed?;
        let mut blobs = rules.to_saved();
        saved::write(path, &unsealed, &self.stored_hashes(), &mut blobs)
    }

    /// The tree's stored hashes in a range, copied under the view's lock a
    /// few at a time for a save: stored hashes never change once stored.
    fn stored_hashes(&self) -> impl Fn(std::ops::Range<usize>) -> Option<Vec<Hash>> + '_ {
        |range| self.read(|v| v.log.stored_hashes_in(range))
    }

    /// Whether the writer can commit now; see [`Readiness`].
    pub fn readiness(&self) -> Readiness {
        self.readiness.lock().expect("readiness lock").clone()
    }

    /// Whether this ledger appends (a node) or only reads and follows.
    pub fn is_writer(&self) -> bool {
        self.requests.is_some()
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The state kept by the rules as of the last commit: a snapshot that
    /// never changes, however long it is held; appends go on meanwhile.
    pub fn rules(&self) -> Arc<R> {
        self.read(|v| v.rules.clone())
    }

    /// Appends one signed statement; returns once it is durable.
    pub async fn append(&self, signed: SignedStatement) -> Result<Receipt, AppendError> {
        self.submit(signed).await?.durable().await
    }

    /// Queues a statement and returns as soon as it is queued, keeping the
    /// caller's order: a member can pipeline many statements and collect
    /// the receipts afterwards.
    ///
    /// The statement is decoded here; its signature is checked in front
    /// of the writer (`signatures.rs`), with whatever else is queued, when
    /// its key is already known, so the single writer only applies the
    /// position-dependent rules. A bad signature is told by [`Pending`].
    pub async fn submit(&self, signed: SignedStatement) -> Result<Pending, AppendError> {
        let candidate = Candidate::decode(signed)?;
        let (reply, answer) = oneshot::channel();
        let requests = self.requests.as_ref().ok_or(AppendError::ReadOnly)?;
        requests
            .send(Request { candidate, reply })
            .await
            .map_err(|_| AppendError::Store(StoreError::Stopped.to_string()))?;
        Ok(Pending(answer))
    }

    fn read<T>(&self, f: impl FnOnce(&View<R>) -> T) -> T {
        f(&self.view.read().expect("view lock"))
    }

    /// Follows the committed size: it changes once new entries are durable
    /// and readers see them (a live feed waits on it instead of polling).
    pub fn watch_size(&self) -> watch::Receiver<u64> {
        self.committed.subscribe()
    }

    /// Committed entries.
    pub fn size(&self) -> u64 {
        self.read(|v| v.registry.size())
    }

    /// The genesis statement's body, once the Record has one (cheaper than
    /// a copy of the whole registry).
    pub fn genesis(&self) -> Option<truce_model::Genesis> {
        self.read(|v| v.registry.genesis().cloned())
    }

    /// A copy of the membership state at the end of the Record.
    pub fn registry(&self) -> Registry {
        self.read(|v| v.registry.clone())
    }

    /// Reads the committed membership state without copying it.
    pub fn with_registry<T>(&self, f: impl FnOnce(&Registry) -> T) -> T {
        self.read(|v| f(&v.registry))
    }

    pub fn checkpoint(&self) -> Option<SignedCheckpoint> {
        self.read(|v| v.checkpoint.clone())
    }

    pub fn leaf_hash(&self, position: u64) -> Option<Hash> {
        self.read(|v| {
            (position < v.registry.size())
                .then(|| v.log.leaf_hash_at(position))
                .flatten()
        })
    }

    /// Committed entries from `from`, at most `limit`, each checked against
    /// the committed tree: its leaf hash, computed from its bytes, must be
    /// the one the tree holds at its position, and the tree's root is the
    /// signed checkpoint's. A read shows no entry that the signed Record
    /// does not hold, whatever it opened from.
    pub async fn committed_entries(
        &self,
        from: u64,
        limit: u64,
    ) -> Result<Vec<StoredEntry>, StoreError> {
        let limit = limit.min(self.size().saturating_sub(from));
        let entries = self.store.entries(from, limit).await?;
        for entry in &entries {
            let signed = crate::verify::signed_statement(entry)?;
            if self.leaf_hash(entry.position) != Some(signed.leaf_hash()) {
                return Err(StoreError::Corrupt(format!(
                    "entry {} is not the entry the signed Record holds at its position",
                    entry.position
                )));
            }
        }
        Ok(entries)
    }

    /// Checks that the stored entries below `until` (those a saved state
    /// stood in for when the Record was opened, see
    /// [`Ledger::open_saved`]) still hash to the leaves of the signed tree,
    /// a page at a time, hashing on all cores: what opening from every
    /// entry checks first, done after a node opened from a saved state.
    /// Names the first entry whose bytes changed, or that is missing.
    pub async fn check_stored_entries(&self, until: u64) -> Result<(), StoreError> {
        let until = until.min(self.size());
        let mut from = 0;
        while from < until {
            let page = self
                .store
                .entries_in_bulk(from, REPLAY_PAGE.min(until - from))
                .await?;
            if page.is_empty() {
                return Err(StoreError::Corrupt(format!("entry {from} is missing")));
            }
            let hashed = crate::store::blocking(move || {
                use rayon::prelude::*;
                page.into_par_iter()
                    .map(|entry| {
                        let position = entry.position;
                        let signed = crate::verify::signed_statement_from(
                            position,
                            entry.statement,
                            &entry.signature,
                        );
                        (position, signed.map(|signed| signed.leaf_hash()))
                    })
                    .collect::<Vec<_>>()
            })
            .await?;
            for (position, leaf) in hashed {
                if position != from {
                    return Err(StoreError::Corrupt(format!("entry {from} is missing")));
                }
                if self.leaf_hash(position) != Some(leaf?) {
                    return Err(StoreError::Corrupt(format!(
                        "entry {position}: its bytes do not hash to the leaf the Record holds"
                    )));
                }
                from += 1;
            }
        }
        Ok(())
    }

    pub fn root_at(&self, size: u64) -> Result<Hash, RecordError> {
        self.read(|v| v.log.root_at(size.min(v.registry.size())))
            .and_then(|root| self.check_committed(size).map(|_| root))
    }

    /// A C2SP hash tile of the committed tree (see [`MerkleLog::tile`]).
    pub fn tile(&self, level: u8, index: u64, width: u16) -> Option<Vec<u8>> {
        self.read(|v| {
            let end = truce_record::tile_end(level, index, width)?;
            (end <= v.registry.size())
                .then(|| v.log.tile(level, index, width))
                .flatten()
        })
    }

    pub fn prove_inclusion(&self, position: u64, size: u64) -> Result<Vec<Hash>, RecordError> {
        self.check_committed(size)?;
        self.read(|v| v.log.prove_inclusion(position, size))
    }

    pub fn prove_consistency(&self, old: u64, new: u64) -> Result<Vec<Hash>, RecordError> {
        self.check_committed(new)?;
        self.read(|v| v.log.prove_consistency(old, new))
    }

    fn check_committed(&self, size: u64) -> Result<(), RecordError> {
        let committed = self.size();
        if size > committed {
            return Err(RecordError::Proof(format!(
                "size {size} is beyond the {committed} committed entries"
            )));
        }
        Ok(())
    }

    /// Stops accepting statements, lets the writer finish what it holds, and
    /// closes the database.
    pub async fn close(self) {
        // Freeing a state of a large Record takes a while (a tenth of a
        // CLI read at 100,000 statements): a thread of its own does it,
        // which a command that ends just after does not wait for.
        let view = self.close_store().await;
        let freeing = std::thread::Builder::new().name("truce-free".into());
        // Where no thread is to be had, the closure, and the state with it,
        // is dropped here.
        if let Err(not_started) = freeing.spawn(move || drop(view)) {
            tracing::debug!("the state is freed on this thread: {not_started}");
        }
    }

    /// As [`Ledger::close`], for a process that ends once it has written
    /// what it read: the state is not freed but left to the process's
    /// end, which takes its memory back at once. Freed part by part, a
    /// state of a million statements (a thousand mapped parts of its saved
    /// form among them) cost a CLI read a fifth of its time, on a thread
    /// that took a core from the writing of its answer.
    pub async fn close_before_exit(self) {
        std::mem::forget(self.close_store().await);
    }

    /// Stops the writer and closes the store; the state, for the caller
    /// to free or leave.
    async fn close_store(mut self) -> Arc<RwLock<View<R>>> {
        self.requests.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.await;
        }
        self.store.close().await;
        let view = Arc::clone(&self.view);
        drop(self);
        view
    }
}

/// What a mirror found wrong in what its origin served. The mirror's own
/// store is unchanged when this is returned.
#[derive(Debug, Clone, thiserror::Error)]
pub enum Inconsistency {
    #[error("entry {position}: {reason}")]
    Entry { position: u64, reason: String },
    #[error(
        "the entries hash to root {computed} but the checkpoint of size {size} signs root {signed}"
    )]
    Root {
        size: u64,
        computed: Hash,
        signed: Hash,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum FollowError {
    #[error(transparent)]
    Inconsistent(#[from] Inconsistency),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What one verified step of a mirror did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// New entries fetched, verified (signatures included) and stored.
    pub verified: u64,
    /// Entries stored by an earlier, interrupted step and taken up again
    /// without checking their signatures a second time.
    pub resumed: u64,
    /// The size of the checkpoint now covering the mirror's Record.
    pub size: u64,
}

/// Entries per transaction when a mirror stores a verified step.
const MIRROR_CHUNK: usize = 10_000;

impl<R: Rules + Clone + 'static> Ledger<R> {
    /// Entries in the store, including those a mirror stored for a step
    /// whose checkpoint it has not stored yet.
    pub fn stored_size(&self) -> u64 {
        self.stored.load(Ordering::SeqCst)
    }

    /// A mirror's step: `entries` continue the store (from
    /// [`Self::stored_size`]) up to `checkpoint`, which the caller verified
    /// was signed by the genesis node key. Every new entry is decoded,
    /// its signature checked and admitted under the rules, the tree extended
    /// and its root compared with the checkpoint's, all before anything is
    /// written; then the entries are stored in chunks, the last with the
    /// checkpoint, and readers see them.
    ///
    /// `stored` is told, after each chunk's commit, how many of the step's
    /// new entries are durable, out of how many.
    pub async fn extend_verified(
        &self,
        entries: Vec<SignedStatement>,
        checkpoint: SignedCheckpoint,
        stored: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<Step, FollowError> {
        if self.is_writer() {
            return Err(StoreError::Corrupt("a node does not follow another node".into()).into());
        }
        let _one_step = self.following.lock().await;
        let (mut registry, start, mut rules) = {
            let view = self.view.read().expect("view lock");
            (
                view.registry.clone(),
                view.log.size(),
                (*view.rules).clone(),
            )
        };
        let progress = stored;
        let stored = self.stored_size();
        let end = stored + entries.len() as u64;
        if checkpoint.size() != end || end < start {
            return Err(StoreError::Corrupt(format!(
                "a step to size {} given entries up to {end}",
                checkpoint.size()
            ))
            .into());
        }
        let outcome = self
            .verify_step(
                &mut registry,
                &mut rules,
                start,
                stored,
                entries,
                &checkpoint,
            )
            .await;
        let rows = match outcome {
            Ok(rows) => rows,
            Err(error) => {
                self.view.write().expect("view lock").log.truncate(start);
                return Err(error);
            }
        };
        let verified = rows.len() as u64;
        self.store_step(rows, &checkpoint, progress).await?;
        rules.settle();
        let mut view = self.view.write().expect("view lock");
        view.registry = registry;
        view.checkpoint = Some(checkpoint.clone());
        view.rules = Arc::new(rules);
        drop(view);
        self.committed.send_replace(end);
        Ok(Step {
            verified,
            resumed: stored - start,
            size: end,
        })
    }

    async fn verify_step(
        &self,
        registry: &mut Registry,
        rules: &mut R,
        start: u64,
        stored: u64,
        entries: Vec<SignedStatement>,
        checkpoint: &SignedCheckpoint,
    ) -> Result<Vec<EntryRow>, FollowError> {
        // Entries an interrupted step stored: verified before they were.
        let mut position = start;
        while position < stored {
            let page = self
                .store
                .entries(position, REPLAY_PAGE.min(stored - position))
                .await?;
            if page.is_empty() {
                return Err(StoreError::Corrupt(format!("entry {position} is missing")).into());
            }
            for entry in page {
                let leaf = readmit(registry, rules, &entry)?;
                self.view.write().expect("view lock").log.append(leaf);
                position += 1;
            }
        }
        let mut rows = Vec::with_capacity(entries.len());
        let mut entries = entries.into_iter();
        loop {
            let page: Vec<StoredEntry> = entries
                .by_ref()
                .take(REPLAY_PAGE as usize)
                .map(|signed| {
                    let entry = StoredEntry {
                        position,
                        statement: signed.bytes().to_vec(),
                        signature: signed.signature().to_vec(),
                    };
                    position += 1;
                    entry
                })
                .collect();
            if page.is_empty() {
                break;
            }
            let decoded = crate::verify::decode_checked(registry, &page);
            let mut leaves = Vec::with_capacity(page.len());
            for candidate in decoded {
                let mut candidate = candidate
                    .map_err(|(position, reason)| Inconsistency::Entry { position, reason })?;
                let at = registry.size();
                let admitted = registry
                    .admit_with(&mut candidate, rules)
                    .map_err(|rejection| Inconsistency::Entry {
                        position: at,
                        reason: rejection.to_string(),
                    })?;
                let row = entry_row(admitted.position, candidate);
                leaves.push(row.leaf_hash);
                rows.push(row);
            }
            let mut view = self.view.write().expect("view lock");
            for leaf in leaves {
                view.log.append(leaf);
            }
        }
        let computed = self.view.read().expect("view lock").log.root();
        if computed != checkpoint.root() {
            return Err(Inconsistency::Root {
                size: checkpoint.size(),
                computed,
                signed: checkpoint.root(),
            }
            .into());
        }
        Ok(rows)
    }

    /// Writes a verified step's new entries, then its checkpoint.
    async fn store_step(
        &self,
        rows: Vec<EntryRow>,
        checkpoint: &SignedCheckpoint,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<(), StoreError> {
        let total = rows.len() as u64;
        let mut done = 0;
        let chunks: Vec<Vec<EntryRow>> = {
            let mut rows = rows.into_iter().peekable();
            let mut chunks = Vec::new();
            while rows.peek().is_some() {
                chunks.push(rows.by_ref().take(MIRROR_CHUNK).collect());
            }
            chunks
        };
        let last = chunks.len();
        for (i, entries) in chunks.into_iter().enumerate() {
            let first = entries[0].position;
            let end = first + entries.len() as u64;
            let hashes_from = truce_record::stored_hash_count(first);
            let hashes = {
                let view = self.view.read().expect("view lock");
                let count = (truce_record::stored_hash_count(end) - hashes_from) as usize;
                let from = hashes_from as usize;
                view.log
                    .stored_hashes_in(from..from + count)
                    .expect("the tree holds the hashes of the entries it was given")
            };
            let batch = Batch {
                entries,
                hashes_from,
                hashes,
                checkpoint: (i + 1 == last).then(|| checkpoint.clone()),
            };
            self.store.append(batch).await?;
            self.stored.store(end, Ordering::SeqCst);
            done += end - first;
            progress(done, total);
        }
        if last == 0 {
            self.store
                .add_checkpoint(checkpoint.size(), checkpoint.note())
                .await?;
        }
        Ok(())
    }
}

struct Writer<R> {
    store: Store,
    view: Arc<RwLock<View<R>>>,
    /// The rules' state the writer admits into; readers see only the
    /// snapshots it publishes after a commit.
    working: R,
    signer: CheckpointSigner,
    readiness: Arc<Mutex<Readiness>>,
    committed: Arc<watch::Sender<u64>>,
    /// Set while `working` is ahead of the store: a commit failed and
    /// reloading from the store failed too. Readers keep the last
    /// published snapshot, which holds only durable statements.
    stale: bool,
    /// When the last commit, probe or reload failed.
    failed_at: Option<Instant>,
}

impl<R: Rules + Clone + 'static> Writer<R> {
    async fn run(mut self, mut queue: mpsc::Receiver<Request>) {
        loop {
            let first = if self.is_ready() {
                queue.recv().await
            } else {
                // Not ready: try again by itself now and then, so that the
                // node becomes ready without waiting for a submission.
                match tokio::time::timeout(RETRY_AFTER, queue.recv()).await {
                    Ok(request) => request,
                    Err(_) => {
                        self.try_again().await;
                        continue;
                    }
                }
            };
            let Some(first) = first else { break };
            let mut batch = vec![first];
            take_queued(&mut queue, &mut batch, MAX_BATCH);
            if batch.len() >= BUSY_BATCH {
                // Busy: more are on their way. Each commit costs a sync
                // and rewrites the pages it shares with the last one, so
                // a moment's wait for them makes fewer, larger commits.
                tokio::time::sleep(GATHER_WHILE_BUSY).await;
                take_queued(&mut queue, &mut batch, MAX_BATCH);
            }
            self.commit(batch).await;
        }
    }

    fn is_ready(&self) -> bool {
        *self.readiness.lock().expect("readiness lock") == Readiness::Ready
    }

    fn set(&self, readiness: Readiness) {
        *self.readiness.lock().expect("readiness lock") = readiness;
    }

    /// While idle and not ready: reload a stale state, or probe the store
    /// with a write that changes nothing.
    async fn try_again(&mut self) {
        if self.stale {
            self.reload_stale().await;
            return;
        }
        match self.store.probe_write().await {
            Ok(()) => {
                tracing::info!("the store takes writes again");
                self.failed_at = None;
                self.set(Readiness::Ready);
            }
            Err(error) => {
                self.failed_at = Some(Instant::now());
                self.set(fault_of(&error));
            }
        }
    }

    async fn reload_stale(&mut self) {
        match self.reload().await {
            Ok(()) => {
                self.stale = false;
                // The state is the store's again; whether it takes writes
                // is for the next commit (or probe) to find.
                let reason = "the last commit failed; the node's state was reloaded from the store";
                self.set(Readiness::Failing(reason.into()));
            }
            Err(error) => {
                self.failed_at = Some(Instant::now());
                self.set(Readiness::Failing(format!(
                    "a commit failed and the node's state cannot be reloaded from the store: {error}"
                )));
            }
        }
    }

    /// Rebuilds the view and the rules' state from what the store durably
    /// holds, as opening the Record does: it may hold more than this node
    /// wrote (a commit reported failed that reached the disk).
    async fn reload(&mut self) -> Result<(), StoreError> {
        let (view, working) = load(&self.store, self.working.fresh()).await?;
        self.working = working;
        let size = view.registry.size();
        *self.view.write().expect("view lock") = view;
        self.committed.send_replace(size);
        Ok(())
    }

    /// Why a batch is refused before it is tried: the state is stale and
    /// cannot be reloaded yet, or the disk was full moments ago.
    async fn refusal(&mut self) -> Option<Refusal> {
        let recent = self.failed_at.is_some_and(|t| t.elapsed() < RETRY_AFTER);
        if self.stale && !recent {
            self.reload_stale().await;
        }
        let readiness = self.readiness.lock().expect("readiness lock").clone();
        match readiness {
            _ if self.stale => Some(Refusal::NotCommitted(match readiness {
                Readiness::Failing(reason) => reason,
                _ => "the node's state is being reloaded from the store".into(),
            })),
            Readiness::DiskFull(reason) if recent => Some(Refusal::DiskFull(reason)),
            _ => None,
        }
    }

    /// Admits what it can, writes it in one transaction, then answers
    /// everyone: accepted statements only after the commit returned. A
    /// failed commit is rolled back and the state reloaded from the store;
    /// its callers are told whether their statements are durable.
    async fn commit(&mut self, batch: Vec<Request>) {
        if let Some(refusal) = self.refusal().await {
            for request in batch {
                let _ = request.reply.send(Err(refusal.to_error()));
            }
            return;
        }
        // The batch goes into the writer's own state; readers are given a
        // snapshot of it only once the commit returned, so they never see
        // statements that are not durable.
        let (mut registry, start) = {
            let view = self.view.read().expect("view lock");
            (view.registry.clone(), view.log.size())
        };
        let mut accepted = Vec::with_capacity(batch.len());
        let mut rows = Vec::with_capacity(batch.len());
        let now = jiff::Timestamp::now();
        for Request {
            mut candidate,
            reply,
        } in batch
        {
            let working = &mut self.working;
            let admitted = working
                .check_arrival(&candidate.statement, now)
                .and_then(|()| registry.admit_with(&mut candidate, working));
            match admitted {
                Ok(admitted) => {
                    let row = entry_row(admitted.position, candidate);
                    accepted.push((reply, row.position, row.leaf_hash));
                    rows.push(row);
                }
                Err(rejection) => {
                    tracing::debug!(position = registry.size(), %rejection, "statement refused");
                    let _ = reply.send(Err(AppendError::Refused {
                        position: registry.size(),
                        rejection,
                    }));
                }
            }
        }
        if rows.is_empty() {
            return;
        }
        let (hashes_from, hashes, size, root) = self.extend_tree(&rows);
        let outcome = match self.signer.sign(size, root) {
            Ok(checkpoint) => {
                let batch = Batch {
                    entries: rows,
                    hashes_from,
                    hashes,
                    checkpoint: Some(checkpoint.clone()),
                };
                self.store.append(batch).await.map(|()| checkpoint)
            }
            Err(e) => Err(StoreError::Record(e)),
        };
        let error = match outcome {
            Ok(checkpoint) => {
                self.working.settle();
                let snapshot = Arc::new(self.working.snapshot());
                let mut view = self.view.write().expect("view lock");
                view.registry = registry;
                view.checkpoint = Some(checkpoint);
                view.rules = snapshot;
                drop(view);
                self.committed.send_replace(size);
                self.failed_at = None;
                self.set(Readiness::Ready);
                tracing::debug!(entries = accepted.len(), size, "committed");
                for (reply, position, leaf_hash) in accepted {
                    let _ = reply.send(Ok(Receipt {
                        position,
                        leaf_hash,
                        checkpoint_size: size,
                    }));
                }
                return;
            }
            Err(error) => error,
        };
        tracing::error!("commit of entries {start}..{size} failed: {error}");
        self.view.write().expect("view lock").log.truncate(start);
        self.failed_at = Some(Instant::now());
        self.set(fault_of(&error));
        let not_stored = |error: &StoreError| {
            if error.is_disk_full() {
                AppendError::DiskFull(error.to_string())
            } else {
                AppendError::NotCommitted(error.to_string())
            }
        };
        if let Err(reload) = self.reload().await {
            tracing::error!("reloading the node's state from the store failed: {reload}");
            self.set(Readiness::Failing(format!(
                "a commit failed ({error}) and the node's state cannot be reloaded from the store: {reload}"
            )));
            self.stale = true;
            for (reply, ..) in accepted {
                let _ = reply.send(Err(not_stored(&error)));
            }
            return;
        }
        // A commit reported failed may still have reached the disk (a
        // connection lost after COMMIT): what the reloaded Record holds at
        // a statement's position, with its leaf hash, is durable.
        let (held, checkpoint_size) = {
            let view = self.view.read().expect("view lock");
            (view.log.size(), view.registry.size())
        };
        for (reply, position, leaf_hash) in accepted {
            let durable = position < held && self.view_leaf(position) == Some(leaf_hash);
            let answer = if durable {
                Ok(Receipt {
                    position,
                    leaf_hash,
                    checkpoint_size,
                })
            } else {
                Err(not_stored(&error))
            };
            let _ = reply.send(answer);
        }
    }

    fn view_leaf(&self, position: u64) -> Option<Hash> {
        self.view
            .read()
            .expect("view lock")
            .log
            .leaf_hash_at(position)
    }

    fn extend_tree(&self, rows: &[EntryRow]) -> (u64, Vec<Hash>, u64, Hash) {
        let mut view = self.view.write().expect("view lock");
        let mut hashes_from = None;
        let mut hashes = Vec::with_capacity(rows.len() * 2 + 8);
        for row in rows {
            let (first, new) = view.log.append(row.leaf_hash);
            hashes_from.get_or_insert(first);
            hashes.extend(new);
        }
        let size = view.log.size();
        let root = view.log.root();
        (hashes_from.unwrap_or_default(), hashes, size, root)
    }
}

/// Moves what is queued into `batch` until it holds `most`, without
/// waiting.
pub(crate) fn take_queued(
    queue: &mut mpsc::Receiver<Request>,
    batch: &mut Vec<Request>,
    most: usize,
) {
    // Room for all of it at once: a request is large, and growing the
    // batch a step at a time would copy every one again.
    batch.reserve(queue.len().min(most.saturating_sub(batch.len())));
    while batch.len() < most {
        match queue.try_recv() {
            Ok(request) => batch.push(request),
            Err(_) => break,
        }
    }
}

/// Why the writer refuses a batch without trying it.
enum Refusal {
    NotCommitted(String),
    DiskFull(String),
}

impl Refusal {
    fn to_error(&self) -> AppendError {
        match self {
            Refusal::NotCommitted(reason) => AppendError::NotCommitted(reason.clone()),
            Refusal::DiskFull(reason) => AppendError::DiskFull(reason.clone()),
        }
    }
}

fn fault_of(error: &StoreError) -> Readiness {
    if error.is_disk_full() {
        Readiness::DiskFull(error.to_string())
    } else {
        Readiness::Failing(error.to_string())
    }
}

/// The row of an admitted statement, which it becomes: its bytes move
/// into the row, not copied.
fn entry_row(position: u64, candidate: Candidate) -> EntryRow {
    let leaf_hash = candidate.signed.leaf_hash();
    let (statement, signature) = candidate.signed.into_parts();
    EntryRow {
        position,
        statement,
        signature,
        leaf_hash,
    }
}

/// The committed view of the Record in `store`, with `rules` (fresh) taken
/// through every entry the latest checkpoint covers; see
/// [`Ledger::open_reader`] for what is checked.
/// The Record as the store holds it up to its latest checkpoint: the view
/// readers are given, and the rules' state for a writer to go on from.
async fn load<R: Rules + Clone>(store: &Store, rules: R) -> Result<(View<R>, R), StoreError> {
    load_from(
        store,
        rules,
        Saved {
            registry: Registry::new(),
            log: MerkleLog::new(),
        },
    )
    .await
}

/// Loads the Record onto `start`, the membership state and tree of its
/// first entries (none, or a saved state), and `rules` in the state of the
/// same entries, replaying the entries after them.
/// The tree must end with the root of the latest signed checkpoint, which
/// holds a saved state to the Record it claims to be of.
async fn load_from<R: Rules + Clone>(
    store: &Store,
    mut rules: R,
    start: Saved,
) -> Result<(View<R>, R), StoreError> {
    let latest = store.latest_checkpoint().await?;
    let covered = latest.as_ref().map_or(0, |(size, _)| *size);
    let (registry, log) = rebuild(store, covered, &mut rules, start).await?;
    let checkpoint = match (&latest, registry.genesis()) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(StoreError::Corrupt(
                "the Record has entries but no checkpoint".into(),
            ))
        }
        (Some((size, _)), None) => {
            return Err(StoreError::Corrupt(format!(
                "a checkpoint of size {size} but no entries"
            )))
        }
        (Some((_, note)), Some(genesis)) => {
            let checkpoint = SignedCheckpoint::verify(note, &genesis.node_key)?;
            if checkpoint.size() != covered {
                return Err(StoreError::Corrupt(format!(
                    "the checkpoint stored as size {covered} says size {}",
                    checkpoint.size()
                )));
            }
            if checkpoint.root() != log.root() {
                return Err(first_difference(store, &log, &checkpoint).await);
            }
            Some(checkpoint)
        }
    };
    rules.settle();
    let view = View {
        registry,
        log,
        checkpoint,
        rules: Arc::new(rules.snapshot()),
    };
    Ok((view, rules))
}

/// Rebuilds membership, the rules' state and the tree from the stored
/// entries up to `covered`, recomputing every leaf hash from the bytes.
async fn rebuild(
    store: &Store,
    covered: u64,
    rules: &mut dyn Rules,
    start: Saved,
) -> Result<(Registry, MerkleLog), StoreError> {
    let Saved {
        mut registry,
        mut log,
    } = start;
    if registry.size() > covered {
        return Err(StoreError::Corrupt(format!(
            "a state of {} entries was to be continued, but the latest checkpoint covers {covered}",
            registry.size()
        )));
    }
    // The next page is read, decoded and hashed while this one is
    // admitted: only admission must go in order, so the database's time
    // and the decoding (on all cores) leave the path it waits on. A page
    // cut short leaves its first missing entry to be named by
    // `admit_ready`, which finds the next page starting past it.
    let fetch = |from: u64| {
        let store = store.clone();
        let want = REPLAY_PAGE.min(covered - from);
        tokio::spawn(async move {
            let page = store.entries_in_bulk(from, want).await?;
            crate::store::blocking(move || ready_page(page)).await
        })
    };
    let mut requested = registry.size();
    let mut next = (covered > requested).then(|| fetch(requested));
    while let Some(reading) = next.take() {
        let page = match reading.await {
            Ok(page) => page?,
            Err(stopped) if stopped.is_panic() => std::panic::resume_unwind(stopped.into_panic()),
            Err(_) => return Err(StoreError::Stopped),
        };
        if page.is_empty() {
            return Err(StoreError::Corrupt(format!(
                "entry {} is missing",
                registry.size()
            )));
        }
        requested += REPLAY_PAGE.min(covered - requested);
        if requested < covered {
            next = Some(fetch(requested));
        }
        for (position, ready) in page {
            log.append(admit_ready(&mut registry, rules, position, ready)?);
        }
    }
    if registry.size() < covered {
        return Err(StoreError::Corrupt(format!(
            "entry {} is missing",
            registry.size()
        )));
    }
    Ok((registry, log))
}

/// Admits an entry of this store again (its signature and encoding were
/// checked before it was stored, so they are not checked again) and returns
/// its leaf hash, computed from its bytes; every caller checks the tree
/// these leaves make against the signed checkpoint.
fn readmit(
    registry: &mut Registry,
    rules: &mut dyn Rules,
    entry: &StoredEntry,
) -> Result<Hash, StoreError> {
    let ready = crate::verify::signed_statement(entry)
        .and_then(|signed| ready_to_admit(entry.position, signed));
    admit_ready(registry, rules, entry.position, ready)
}

/// A stored entry's leaf hash, computed from its bytes, and its statement
/// decoded: what admitting it again needs, made ready on any thread.
type Ready = Result<(Hash, Candidate), StoreError>;

/// A page of stored entries made ready to admit, on all cores, in order.
fn ready_page(page: Vec<StoredEntry>) -> Vec<(u64, Ready)> {
    use rayon::prelude::*;
    page.into_par_iter()
        .map(|entry| {
            let position = entry.position;
            let ready =
                crate::verify::signed_statement_from(position, entry.statement, &entry.signature)
                    .and_then(|signed| ready_to_admit(position, signed));
            (position, ready)
        })
        .collect()
}

fn ready_to_admit(position: u64, signed: SignedStatement) -> Ready {
    let leaf = signed.leaf_hash();
    let candidate = Candidate::decode_stored(signed)
        .map_err(|e| StoreError::Corrupt(format!("entry {position}: {e}")))?;
    Ok((leaf, candidate))
}

/// Admits the entry stored at `position`, made ready by [`ready_page`] or
/// [`readmit`]; a gap before it is named as the entry missing.
fn admit_ready(
    registry: &mut Registry,
    rules: &mut dyn Rules,
    position: u64,
    ready: Ready,
) -> Result<Hash, StoreError> {
    let next = registry.size();
    if position != next {
        return Err(StoreError::Corrupt(format!("entry {next} is missing")));
    }
    let (leaf, mut candidate) = ready?;
    registry
        .admit_with(&mut candidate, rules)
        .map_err(|rejection| StoreError::Replay {
            position,
            rejection,
        })?;
    Ok(leaf)
}

/// Names what differs between the stored entries and the signed root: the
/// first entry whose bytes no longer hash to the leaf hash stored when it
/// was appended, or else the root itself.
async fn first_difference(
    store: &Store,
    log: &MerkleLog,
    checkpoint: &SignedCheckpoint,
) -> StoreError {
    if let Ok(stored) = store.tree_hashes().await {
        let leaves = (0..log.size()).map(|i| (i, truce_record::stored_hash_index(0, i)));
        for (position, index) in leaves {
            let stored_leaf = stored.get(index as usize).map(|(_, h)| *h);
            if stored_leaf != log.leaf_hash_at(position) {
                return StoreError::Corrupt(format!(
                    "entry {position}: its bytes do not hash to the leaf the Record holds \
                     (the latest checkpoint, size {}, signs another root)",
                    checkpoint.size()
                ));
            }
        }
    }
    StoreError::Corrupt(format!(
        "the tree rebuilt from the stored entries has root {} but the latest checkpoint (size {}) signs {}",
        log.root(),
        checkpoint.size(),
        checkpoint.root()
    ))
}
