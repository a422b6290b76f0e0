//! The node: admits statements in Record order and makes them durable in
//! group commits, one signed checkpoint per commit.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tokio::sync::{mpsc, oneshot, RwLock as AsyncRwLock, RwLockReadGuard};
use tokio::task::JoinHandle;
use truce_record::{
    Candidate, CheckpointSigner, Hash, KeyId, MerkleLog, NoRules, RecordError, Registry, Rejection,
    Rules, SignedCheckpoint, SignedStatement, VerifyingKey,
};

use crate::{Batch, EntryRow, Store, StoreError};

/// Largest number of statements in one commit. Bounds the latency of a
/// commit and the memory of a batch; the queue refills while it is written.
const MAX_BATCH: usize = 4_096;
/// Entries read per query when the node replays its own store at start.
const REPLAY_PAGE: u64 = 10_000;

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

/// What readers see: only committed entries.
struct View {
    registry: Registry,
    log: MerkleLog,
    checkpoint: Option<SignedCheckpoint>,
}

struct Request {
    candidate: Candidate,
    reply: oneshot::Sender<Result<Receipt, AppendError>>,
}

/// A node appending to one Record, under the membership rules and `R`.
pub struct Ledger<R: Rules + 'static = NoRules> {
    store: Store,
    view: Arc<RwLock<View>>,
    rules: Arc<AsyncRwLock<R>>,
    requests: Option<mpsc::Sender<Request>>,
    writer: Option<JoinHandle<()>>,
}

impl Ledger<NoRules> {
    /// Opens the Record in `store` under the membership rules alone.
    pub async fn open(store: Store, signer: CheckpointSigner) -> Result<Self, StoreError> {
        Self::open_with(store, signer, NoRules).await
    }
}

impl<R: Rules + 'static> Ledger<R> {
    /// Opens the Record in `store`, rebuilding the membership state, `rules`
    /// and the tree from it, and checking them against the latest checkpoint.
    pub async fn open_with(
        store: Store,
        signer: CheckpointSigner,
        mut rules: R,
    ) -> Result<Self, StoreError> {
        let registry = replay_registry(&store, &mut rules).await?;
        let log = load_tree(&store, registry.size()).await?;
        let checkpoint = check_latest_checkpoint(&store, &registry, &log, &signer).await?;
        let view = Arc::new(RwLock::new(View {
            registry,
            log,
            checkpoint,
        }));
        let rules = Arc::new(AsyncRwLock::new(rules));
        let (requests, queue) = mpsc::channel(MAX_BATCH * 4);
        let writer = Writer {
            store: store.clone(),
            view: view.clone(),
            rules: rules.clone(),
            signer,
            failed: AtomicBool::new(false),
        };
        let writer = tokio::spawn(writer.run(queue));
        Ok(Self {
            store,
            view,
            rules,
            requests: Some(requests),
            writer: Some(writer),
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The state kept by the rules, as of the last commit. Appends wait
    /// while it is read.
    pub async fn rules(&self) -> RwLockReadGuard<'_, R> {
        self.rules.read().await
    }

    /// Appends one signed statement; returns once it is durable.
    pub async fn append(&self, signed: SignedStatement) -> Result<Receipt, AppendError> {
        self.submit(signed).await?.durable().await
    }

    /// Queues a statement and returns as soon as it is queued, keeping the
    /// caller's order: a member can pipeline many statements and collect
    /// the receipts afterwards.
    ///
    /// The signature is checked here, on the caller's task, when the key is
    /// already known, so that many callers verify in parallel and the single
    /// writer only applies the position-dependent rules.
    pub async fn submit(&self, signed: SignedStatement) -> Result<Pending, AppendError> {
        let mut candidate = Candidate::decode(signed)?;
        let author = candidate.statement.author;
        if let Some(key) = self.public_key(&author) {
            if !candidate.check_signature(&key) {
                return Err(AppendError::Refused {
                    position: self.size(),
                    rejection: Rejection::BadSignature(author.to_hex()),
                });
            }
        }
        let (reply, answer) = oneshot::channel();
        let requests = self.requests.as_ref().expect("open until closed");
        requests
            .send(Request { candidate, reply })
            .await
            .map_err(|_| AppendError::Store(StoreError::Stopped.to_string()))?;
        Ok(Pending(answer))
    }

    fn public_key(&self, key: &KeyId) -> Option<VerifyingKey> {
        self.read(|v| v.registry.public_key(key))
    }

    fn read<T>(&self, f: impl FnOnce(&View) -> T) -> T {
        f(&self.view.read().expect("view lock"))
    }

    /// Committed entries.
    pub fn size(&self) -> u64 {
        self.read(|v| v.registry.size())
    }

    /// A copy of the membership state at the end of the Record.
    pub fn registry(&self) -> Registry {
        self.read(|v| v.registry.clone())
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

    pub fn root_at(&self, size: u64) -> Result<Hash, RecordError> {
        self.read(|v| v.log.root_at(size.min(v.registry.size())))
            .and_then(|root| self.check_committed(size).map(|_| root))
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
    pub async fn close(mut self) {
        self.requests.take();
        if let Some(writer) = self.writer.take() {
            let _ = writer.await;
        }
        self.store.close().await;
    }
}

struct Writer<R> {
    store: Store,
    view: Arc<RwLock<View>>,
    rules: Arc<AsyncRwLock<R>>,
    signer: CheckpointSigner,
    /// Set when a commit failed after the rules took its statements in:
    /// their state is then ahead of the store, so the node refuses more
    /// until it is restarted (and replays the store).
    failed: AtomicBool,
}

impl<R: Rules> Writer<R> {
    async fn run(self, mut queue: mpsc::Receiver<Request>) {
        while let Some(first) = queue.recv().await {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(request) => batch.push(request),
                    Err(_) => break,
                }
            }
            self.commit(batch).await;
        }
    }

    /// Admits what it can, writes it in one transaction, then answers
    /// everyone: accepted statements only after the commit returned.
    async fn commit(&self, batch: Vec<Request>) {
        if self.failed.load(Ordering::SeqCst) {
            for request in batch {
                let _ = request.reply.send(Err(AppendError::Store(
                    "an earlier commit failed; restart the node".into(),
                )));
            }
            return;
        }
        // Held until the commit returns, so readers of the rules' state never
        // see statements that are not durable.
        let mut rules = self.rules.write().await;
        let (mut registry, start) = {
            let view = self.view.read().expect("view lock");
            (view.registry.clone(), view.log.size())
        };
        let mut accepted = Vec::with_capacity(batch.len());
        let mut rows = Vec::with_capacity(batch.len());
        for Request {
            mut candidate,
            reply,
        } in batch
        {
            match registry.admit_with(&mut candidate, &mut *rules) {
                Ok(admitted) => {
                    let row = entry_row(admitted.position, admitted.kind.as_str(), &candidate);
                    accepted.push((reply, row.position, row.leaf_hash));
                    rows.push(row);
                }
                Err(rejection) => {
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
                    checkpoint: checkpoint.clone(),
                };
                self.store.append(&batch).await.map(|()| checkpoint)
            }
            Err(e) => Err(StoreError::Record(e)),
        };
        let mut view = self.view.write().expect("view lock");
        match outcome {
            Ok(checkpoint) => {
                view.registry = registry;
                view.checkpoint = Some(checkpoint);
                drop(view);
                for (reply, position, leaf_hash) in accepted {
                    let _ = reply.send(Ok(Receipt {
                        position,
                        leaf_hash,
                        checkpoint_size: size,
                    }));
                }
            }
            Err(error) => {
                view.log.truncate(start);
                self.failed.store(true, Ordering::SeqCst);
                drop(view);
                for (reply, ..) in accepted {
                    let _ = reply.send(Err(AppendError::Store(error.to_string())));
                }
            }
        }
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

fn entry_row(position: u64, kind: &'static str, candidate: &Candidate) -> EntryRow {
    let statement = &candidate.statement;
    EntryRow {
        position,
        statement: candidate.signed.bytes().to_vec(),
        signature: *candidate.signed.signature(),
        author: statement.author.to_hex(),
        author_seq: statement.seq,
        kind,
        claimed_time: statement.time.to_string(),
        leaf_hash: truce_record::leaf_hash(&candidate.signed.leaf()),
    }
}

/// Rebuilds membership from the node's own store. Signatures were checked
/// when each entry was appended, so they are not checked again here; the
/// full check is `replay`.
async fn replay_registry(store: &Store, rules: &mut dyn Rules) -> Result<Registry, StoreError> {
    let mut registry = Registry::new();
    loop {
        let page = store.entries(registry.size(), REPLAY_PAGE).await?;
        if page.is_empty() {
            return Ok(registry);
        }
        for entry in page {
            let position = registry.size();
            if entry.position != position {
                return Err(StoreError::Corrupt(format!("entry {position} is missing")));
            }
            let signed = crate::verify::signed_statement(&entry)?;
            let mut candidate = Candidate::decode(signed)
                .map_err(|e| StoreError::Corrupt(format!("entry {position}: {e}")))?
                .assume_signature_checked();
            registry
                .admit_with(&mut candidate, rules)
                .map_err(|rejection| StoreError::Replay {
                    position,
                    rejection,
                })?;
        }
    }
}

async fn load_tree(store: &Store, size: u64) -> Result<MerkleLog, StoreError> {
    let stored = store.tree_hashes().await?;
    let mut hashes = Vec::with_capacity(stored.len());
    for (expected, (index, hash)) in stored.into_iter().enumerate() {
        if index != expected as u64 {
            return Err(StoreError::Corrupt(format!(
                "tree hash {expected} is missing"
            )));
        }
        hashes.push(hash);
    }
    Ok(MerkleLog::from_stored(hashes, size)?)
}

async fn check_latest_checkpoint(
    store: &Store,
    registry: &Registry,
    log: &MerkleLog,
    signer: &CheckpointSigner,
) -> Result<Option<SignedCheckpoint>, StoreError> {
    let Some(genesis) = registry.genesis() else {
        return Ok(None);
    };
    if genesis.node_key != signer.verifier_key() {
        return Err(StoreError::Corrupt(
            "the node key in the data directory is not the one the genesis statement names".into(),
        ));
    }
    let Some((size, note)) = store.latest_checkpoint().await? else {
        return Err(StoreError::Corrupt(
            "the Record has entries but no checkpoint".into(),
        ));
    };
    let checkpoint = SignedCheckpoint::verify(&note, &genesis.node_key)?;
    if size != log.size() || checkpoint.size() != size || checkpoint.root() != log.root() {
        return Err(StoreError::Corrupt(format!(
            "latest checkpoint (size {size}) does not match the stored tree (size {})",
            log.size()
        )));
    }
    Ok(Some(checkpoint))
}
