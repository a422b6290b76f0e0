//! The review queue: texts read by `truce-extract`, kept as unsigned drafts
//! in the node's data directory with the source text and the evidence spans
//! of every candidate. Nothing here is ever filed: a member turns a
//! candidate into a report, checks it, and signs it.
//!
//! On disk (`log.rs`): append-only segment files, many drafts to a file,
//! each text stored once and named by its SHA-256, and a commit record
//! after each group of drafts, so that one sync makes a whole run's chunk
//! durable rather than one sync (or one file) per draft. A queue written
//! by earlier versions, one `NNNNNN.json` file per draft with
//! `owners.tsv` naming uploaders, is still read, listed and discarded from;
//! new drafts go to the segments, with ids after the old ones.

mod log;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truce_extract::{Candidate, Document, Format};

use crate::NodeError;
use log::{DraftEntry, DraftMeta, Index, Writer};

/// One ingested document and what was read from it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    pub id: u64,
    /// The member whose upload it came from (none for the node's own
    /// `truce ingest`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// The file or upload it came from.
    pub origin: String,
    /// A feed item's link, when the text came from a feed.
    pub source: Option<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub published: Option<Date>,
    pub language: String,
    pub text: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub candidates: Vec<Candidate>,
}

impl Draft {
    /// The text with the evidence of every field marked `[[text|field]]`.
    pub fn rendered(&self) -> String {
        truce_extract::render_evidence(&self.text, &self.candidates)
    }
}

/// A draft in a listing: what it is, not its text.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DraftSummary {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub origin: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub published: Option<Date>,
    pub language: String,
    /// How many candidates were read from it.
    pub candidates: usize,
    /// Bytes it takes on the node.
    pub bytes: u64,
}

/// How much of the node's disk ingested texts may take, per member and
/// in all: reading is open to every member who may file, so one of them
/// must not fill the disk or bury the others' drafts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DraftQuota {
    pub member_bytes: u64,
    pub member_drafts: usize,
    pub total_bytes: u64,
    pub total_drafts: usize,
}

impl DraftQuota {
    /// A node's default: 64 MiB and 500 drafts a member, 512 MiB and
    /// 5,000 drafts in all.
    pub const NODE: DraftQuota = DraftQuota {
        member_bytes: 64 << 20,
        member_drafts: 500,
        total_bytes: 512 << 20,
        total_drafts: 5_000,
    };
    /// No limit: the operator's own `truce ingest` on the node's machine.
    pub const NONE: DraftQuota = DraftQuota {
        member_bytes: u64::MAX,
        member_drafts: usize::MAX,
        total_bytes: u64::MAX,
        total_drafts: usize::MAX,
    };
}

/// What the queue holds, in all and of one member.
#[derive(Debug, Default, Clone, Copy)]
struct Usage {
    drafts: usize,
    bytes: u64,
}

/// The drafts of one directory. Adding and discarding take the
/// directory's lock, so ids are never shared and quotas hold under
/// concurrent ingests; reading takes no lock and sees only committed
/// drafts.
pub struct DraftQueue {
    dir: PathBuf,
    quota: DraftQuota,
    /// The segments as last scanned by this value (a queue is opened per
    /// request on the node, and a listing reads many drafts).
    index: Mutex<Option<Arc<Index>>>,
}

const OWNERS_FILE: &str = "owners.tsv";
const LOCK_FILE: &str = ".lock";

impl DraftQueue {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("drafts"),
            quota: DraftQuota::NONE,
            index: Mutex::new(None),
        }
    }

    pub fn with_quota(mut self, quota: DraftQuota) -> Self {
        self.quota = quota;
        self
    }

    /// A draft of the earlier format: one file each.
    fn legacy_path(&self, id: u64) -> PathBuf {
        self.dir.join(format!("{id:06}.json"))
    }

    fn legacy_ids(&self) -> Vec<u64> {
        log::numbered_files(&self.dir, "", ".json")
    }

    fn index(&self) -> Result<Arc<Index>, NodeError> {
        let mut cached = self.index.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(index) = cached.as_ref() {
            return Ok(index.clone());
        }
        let index = Arc::new(Index::scan(&self.dir)?);
        *cached = Some(index.clone());
        Ok(index)
    }

    fn forget_index(&self) {
        *self.index.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }

    /// Ids of the drafts waiting, in order.
    pub fn ids(&self) -> Vec<u64> {
        let mut ids = self.legacy_ids();
        if let Ok(index) = self.index() {
            ids.extend(index.drafts.keys().copied());
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// One page of the queue, oldest first: the number of drafts and the
    /// summaries of those from `offset`, at most `limit`.
    pub fn summaries(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<DraftSummary>), NodeError> {
        let index = self.index()?;
        let ids = self.ids();
        let page = ids
            .iter()
            .skip(offset)
            .take(limit)
            .map(|&id| {
                if let Some(entry) = index.drafts.get(&id) {
                    return Ok(summary(&index, entry));
                }
                let draft = self.get(id)?;
                let bytes = std::fs::metadata(self.legacy_path(id)).map_or(0, |m| m.len());
                Ok(DraftSummary {
                    id,
                    by: draft.by,
                    origin: draft.origin,
                    published: draft.published,
                    language: draft.language,
                    candidates: draft.candidates.len(),
                    bytes,
                })
            })
            .collect::<Result<_, NodeError>>()?;
        Ok((ids.len(), page))
    }

    /// Stores the candidates read from each document as drafts, all or
    /// none, within the quota, durable when it returns.
    pub fn add_all(
        &self,
        by: Option<&str>,
        origin: &str,
        read: Vec<(Document, Vec<Candidate>)>,
    ) -> Result<Vec<Draft>, NodeError> {
        if read.is_empty() {
            return Ok(Vec::new());
        }
        std::fs::create_dir_all(&self.dir)?;
        let _lock = DirLock::take(&self.dir.join(LOCK_FILE))?;
        self.forget_index();
        let mut writer = Writer::open(&self.dir)?;
        let prepared = prepare(origin, read.clone())?;
        if self.quota != DraftQuota::NONE {
            let adding = Usage {
                drafts: prepared.len(),
                bytes: prepared.iter().map(Prepared::bytes).sum(),
            };
            let (total, mine) = self.usage(&writer.index, by)?;
            self.check_quota(by, total, mine, adding)?;
        }
        let first = self.next_id(&writer.index);
        let mut stored = Vec::with_capacity(read.len());
        for ((id, (doc, candidates)), draft) in (first..).zip(read).zip(&prepared) {
            write_prepared(&mut writer, id, by, draft)?;
            stored.push(Draft {
                id,
                by: by.map(str::to_string),
                origin: origin.to_string(),
                source: doc.source,
                published: doc.published,
                language: doc.language.code().to_string(),
                text: doc.text,
                candidates,
            });
        }
        writer.commit()?;
        self.forget_index();
        Ok(stored)
    }

    /// The id after every draft this queue has held, of either format.
    fn next_id(&self, index: &Index) -> u64 {
        let legacy = self.legacy_ids().into_iter().max().unwrap_or(0);
        legacy.max(index.max_id) + 1
    }

    fn check_quota(
        &self,
        by: Option<&str>,
        total: Usage,
        mine: Usage,
        adding: Usage,
    ) -> Result<(), NodeError> {
        let over = |usage: Usage, drafts: usize, bytes: u64| {
            usage.drafts.saturating_add(adding.drafts) > drafts
                || usage.bytes.saturating_add(adding.bytes) > bytes
        };
        if let Some(member) = by {
            if over(mine, self.quota.member_drafts, self.quota.member_bytes) {
                return Err(NodeError::OverQuota(format!(
                    "{member}'s drafts would take {} drafts and {} bytes; each member may keep {} drafts and {} bytes waiting: discard reviewed drafts first",
                    mine.drafts + adding.drafts,
                    mine.bytes + adding.bytes,
                    self.quota.member_drafts,
                    self.quota.member_bytes
                )));
            }
        }
        if over(total, self.quota.total_drafts, self.quota.total_bytes) {
            return Err(NodeError::OverQuota(format!(
                "the review queue would hold {} drafts and {} bytes; this node keeps at most {} drafts and {} bytes: discard reviewed drafts first",
                total.drafts + adding.drafts,
                total.bytes + adding.bytes,
                self.quota.total_drafts,
                self.quota.total_bytes
            )));
        }
        Ok(())
    }

    /// Drafts and bytes in the queue, in all and of `member`.
    fn usage(&self, index: &Index, member: Option<&str>) -> Result<(Usage, Usage), NodeError> {
        let mut total = Usage::default();
        let mut mine = Usage::default();
        let mut count = |by: Option<&str>, bytes: u64| {
            total.drafts += 1;
            total.bytes += bytes;
            if member.is_some() && by == member {
                mine.drafts += 1;
                mine.bytes += bytes;
            }
        };
        for entry in index.drafts.values() {
            count(entry.meta.by.as_deref(), entry_bytes(index, entry));
        }
        let legacy = self.legacy_ids();
        if !legacy.is_empty() {
            let owners = log::read_owners(&self.dir)?;
            for id in legacy {
                let bytes = std::fs::metadata(self.legacy_path(id)).map_or(0, |m| m.len());
                count(owners.get(&id).map(String::as_str), bytes);
            }
        }
        Ok((total, mine))
    }

    pub fn get(&self, id: u64) -> Result<Draft, NodeError> {
        let index = self.index()?;
        let Some(entry) = index.drafts.get(&id) else {
            let text = std::fs::read_to_string(self.legacy_path(id))
                .map_err(|_| NodeError::NotFound(format!("no draft {id}")))?;
            return serde_json::from_str(&text)
                .map_err(|e| NodeError::Internal(format!("draft {id}: {e}")));
        };
        let text_at = index.texts.get(&entry.meta.text).ok_or_else(|| {
            NodeError::Internal(format!("draft {id}: its text is not in the queue"))
        })?;
        let candidates = log::read_body(&self.dir, &entry.body)?;
        let candidates: Vec<Candidate> = serde_json::from_slice(&candidates)
            .map_err(|e| NodeError::Internal(format!("draft {id}: {e}")))?;
        let text = String::from_utf8(log::read_body(&self.dir, text_at)?)
            .map_err(|e| NodeError::Internal(format!("draft {id}: {e}")))?;
        let meta = &entry.meta;
        Ok(Draft {
            id,
            by: meta.by.clone(),
            origin: meta.origin.clone(),
            source: meta.source.clone(),
            published: meta.published,
            language: meta.language.clone(),
            text,
            candidates,
        })
    }

    pub fn discard(&self, id: u64) -> Result<(), NodeError> {
        std::fs::create_dir_all(&self.dir)?;
        let _lock = DirLock::take(&self.dir.join(LOCK_FILE))?;
        self.forget_index();
        let mut writer = Writer::open(&self.dir)?;
        if writer.index.drafts.contains_key(&id) {
            writer.discard(id)?;
            self.forget_index();
            return Ok(());
        }
        std::fs::remove_file(self.legacy_path(id))
            .map_err(|_| NodeError::NotFound(format!("no draft {id}")))?;
        // Listed as discarded too, so that its id is never given again.
        writer.discard(id)?;
        let owners = log::read_owners(&self.dir)?;
        if owners.contains_key(&id) {
            let mut ids = self.legacy_ids();
            ids.sort_unstable();
            let kept: String = ids
                .into_iter()
                .filter_map(|i| owners.get(&i).map(|m| format!("{i}\t{m}\n")))
                .collect();
            crate::files::write_private(&self.dir, OWNERS_FILE, kept.as_bytes())?;
        }
        Ok(())
    }
}

/// Bytes a draft of the segments takes: its record and its text.
fn entry_bytes(index: &Index, entry: &DraftEntry) -> u64 {
    let text = index
        .texts
        .get(&entry.meta.text)
        .map_or(0, |t| t.len + log::HEAD as u64 + 100);
    entry.record_bytes + text
}

fn summary(index: &Index, entry: &DraftEntry) -> DraftSummary {
    let meta = &entry.meta;
    DraftSummary {
        id: meta.id,
        by: meta.by.clone(),
        origin: meta.origin.clone(),
        published: meta.published,
        language: meta.language.clone(),
        candidates: meta.candidates,
        bytes: entry_bytes(index, entry),
    }
}

/// An exclusive advisory lock on one file, released when dropped (or when
/// the process ends, however it ends).
struct DirLock {
    _file: std::fs::File,
}

impl DirLock {
    fn take(path: &Path) -> Result<Self, NodeError> {
        use std::os::fd::AsRawFd;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(DirLock { _file: file })
    }
}

/// Reads `bytes` and queues a draft for every document with candidates,
/// all or none.
pub fn ingest(
    queue: &DraftQueue,
    by: Option<&str>,
    origin: &str,
    bytes: &[u8],
    format: Format,
    published: Option<Date>,
) -> Result<Vec<Draft>, NodeError> {
    queue.add_all(by, origin, read_text(bytes, format, published)?)
}

/// The documents in `bytes` that have candidates, with them; `published`
/// dates the documents that carry no date of their own. Pure: this is the
/// part of an ingest that may run on many files at once.
pub fn read_text(
    bytes: &[u8],
    format: Format,
    published: Option<Date>,
) -> Result<Vec<(Document, Vec<Candidate>)>, NodeError> {
    let unreadable = NodeError::Unreadable;
    let mut read = Vec::new();
    for mut doc in truce_extract::read(bytes, format).map_err(unreadable)? {
        if doc.published.is_none() {
            doc.published = published;
        }
        let candidates = truce_extract::extract(&doc).map_err(unreadable)?;
        if !candidates.is_empty() {
            read.push((doc, candidates));
        }
    }
    Ok(read)
}

/// A draft made ready to store (on the thread that read its text): its
/// text's SHA-256 and its candidates serialised, in pieces, with their
/// CRC. Serialising a long text's candidates, and freeing them, is most
/// of the cost of storing a draft; the queue only writes the bytes.
pub struct Prepared {
    origin: String,
    source: Option<String>,
    published: Option<Date>,
    text: String,
    sha256: String,
    /// The candidates as one JSON array, in pieces to be written one after
    /// the other: joining a long text's would copy them all once more.
    body: Vec<Vec<u8>>,
    body_crc: u32,
    pub candidates: usize,
    pub language: String,
}

impl Prepared {
    /// About the bytes it will take in the queue.
    fn bytes(&self) -> u64 {
        let body: usize = self.body.iter().map(Vec::len).sum();
        (body + self.text.len() + self.origin.len() + 2 * log::HEAD + 400) as u64
    }
}

/// Candidates serialised on one thread each, in pieces of this many.
const PREPARE_PIECE: usize = 4096;

/// A text longer than this is hashed on a thread of its own.
const HASH_APART_BYTES: usize = 256 << 10;

/// The documents of one input (see [`read_text`]) made ready to store.
/// The candidates of a long text are serialised in pieces on several
/// threads, and freed there.
pub fn prepare(
    origin: &str,
    read: Vec<(Document, Vec<Candidate>)>,
) -> Result<Vec<Prepared>, NodeError> {
    read.into_iter()
        .map(|(doc, candidates)| {
            let count = candidates.len();
            let digest = || hex::encode(Sha256::digest(doc.text.as_bytes()));
            // A long text is hashed while its candidates are serialised.
            let (sha256, serialised) = if doc.text.len() > HASH_APART_BYTES {
                std::thread::scope(|scope| {
                    let hashing = scope.spawn(digest);
                    let serialised = serialise_all(candidates);
                    let sha256 = hashing
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    (sha256, serialised)
                })
            } else {
                (digest(), serialise_all(candidates))
            };
            let mut body = vec![b"[".to_vec()];
            let mut crc = crc32fast::Hasher::new();
            crc.update(b"[");
            for (piece, piece_crc) in serialised? {
                body.push(piece);
                crc.combine(&piece_crc);
            }
            body.push(b"]".to_vec());
            crc.update(b"]");
            Ok(Prepared {
                origin: origin.to_string(),
                source: doc.source,
                published: doc.published,
                text: doc.text,
                sha256,
                body,
                body_crc: crc.finalize(),
                candidates: count,
                language: doc.language.code().to_string(),
            })
        })
        .collect()
}

/// Writes a prepared draft as draft `id` (its text first, unless the queue
/// holds it already); visible at the writer's next commit.
fn write_prepared(
    writer: &mut Writer,
    id: u64,
    by: Option<&str>,
    draft: &Prepared,
) -> Result<(), NodeError> {
    if !writer.has_text(&draft.sha256) {
        writer.append_text(&draft.sha256, &draft.text)?;
    }
    let meta = DraftMeta {
        id,
        by: by.map(str::to_string),
        origin: draft.origin.clone(),
        source: draft.source.clone(),
        published: draft.published,
        language: draft.language.clone(),
        text: draft.sha256.clone(),
        candidates: draft.candidates,
    };
    let parts: Vec<&[u8]> = draft.body.iter().map(Vec::as_slice).collect();
    writer.append_draft(&meta, &parts, draft.body_crc)?;
    Ok(())
}

/// The candidates' JSON, comma-separated, in pieces in order (to be
/// written one after the other), each with its CRC: on as many threads as
/// the machine has when there are many.
fn serialise_all(candidates: Vec<Candidate>) -> Result<Vec<Piece>, NodeError> {
    // Every piece but the first starts with the comma before its first
    // candidate.
    fn piece(first: bool, candidates: Vec<Candidate>) -> Result<Piece, NodeError> {
        let mut out = Vec::with_capacity(candidates.len() * 768);
        for (i, c) in candidates.iter().enumerate() {
            if i > 0 || !first {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, c).map_err(|e| NodeError::Internal(e.to_string()))?;
        }
        let mut crc = crc32fast::Hasher::new();
        crc.update(&out);
        Ok((out, crc))
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    if candidates.len() <= PREPARE_PIECE {
        return Ok(vec![piece(true, candidates)?]);
    }
    // Taken from the front, each candidate moved once: splitting the tail
    // off again and again copied the rest of a long text's candidates for
    // every piece.
    let mut pieces: Vec<Vec<Candidate>> = Vec::new();
    let mut rest = candidates.into_iter();
    while rest.len() > 0 {
        pieces.push(rest.by_ref().take(PREPARE_PIECE).collect());
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(pieces.len());
    // Pieces dealt round-robin to the threads, put back in order after.
    let mut shares: Vec<Vec<(usize, Vec<Candidate>)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, p) in pieces.into_iter().enumerate() {
        shares[i % threads].push((i, p));
    }
    let mut done: Vec<(usize, Piece)> = std::thread::scope(|scope| {
        let workers: Vec<_> = shares
            .into_iter()
            .map(|share| {
                scope.spawn(move || {
                    share
                        .into_iter()
                        .map(|(i, p)| piece(i == 0, p).map(|json| (i, json)))
                        .collect::<Result<Vec<_>, NodeError>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| match w.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect::<Result<Vec<_>, NodeError>>()
            .map(|v| v.into_iter().flatten().collect())
    })?;
    done.sort_unstable_by_key(|d| d.0);
    Ok(done.into_iter().map(|d| d.1).collect())
}

/// Some candidates' JSON and its CRC.
type Piece = (Vec<u8>, crc32fast::Hasher);

/// A run of many texts into a queue without quota (the operator's own
/// `truce ingest`): the queue's lock is held for the whole run, ids follow
/// on, and drafts are appended to the segments and made durable together
/// at each [`Batch::commit`] (two syncs) rather than one file and one sync
/// each. Drafts written since the last commit are lost by a crash, never
/// read half-written; those of earlier commits are never touched.
pub struct Batch<'q> {
    queue: &'q DraftQueue,
    _lock: DirLock,
    writer: Mutex<Writer>,
    next: u64,
}

impl DraftQueue {
    /// Starts a batch; refused for a queue with a quota, whose every add
    /// must be weighed.
    pub fn batch(&self) -> Result<Batch<'_>, NodeError> {
        if self.quota != DraftQuota::NONE {
            return Err(NodeError::Internal(
                "a batch is only for a queue without quota".into(),
            ));
        }
        std::fs::create_dir_all(&self.dir)?;
        let lock = DirLock::take(&self.dir.join(LOCK_FILE))?;
        self.forget_index();
        let writer = Writer::open(&self.dir)?;
        let next = self.next_id(&writer.index);
        Ok(Batch {
            queue: self,
            _lock: lock,
            writer: Mutex::new(writer),
            next,
        })
    }
}

impl Batch<'_> {
    fn writer(&self) -> std::sync::MutexGuard<'_, Writer> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores the candidates read from each document of one input as
    /// drafts, visible at the next commit.
    pub fn add(
        &mut self,
        origin: &str,
        read: Vec<(Document, Vec<Candidate>)>,
    ) -> Result<Vec<Draft>, NodeError> {
        let prepared = prepare(origin, read.clone())?;
        let ids = self.add_prepared(&prepared)?;
        Ok(read
            .into_iter()
            .zip(ids)
            .map(|((doc, candidates), id)| Draft {
                id,
                by: None,
                origin: origin.to_string(),
                source: doc.source,
                published: doc.published,
                language: doc.language.code().to_string(),
                text: doc.text,
                candidates,
            })
            .collect())
    }

    /// Stores drafts made ready by [`prepare`] (on the threads that read
    /// them), in order; returns their ids.
    pub fn add_prepared(&mut self, drafts: &[Prepared]) -> Result<Vec<u64>, NodeError> {
        let ids = self.take_ids(drafts.len());
        for (id, draft) in ids.clone().zip(drafts) {
            self.write(id, draft)?;
        }
        Ok(ids.collect())
    }

    /// Takes the ids of the next `n` drafts, to be written with
    /// [`Batch::write`]: ids follow the order in which they are taken,
    /// whatever the order the drafts are written in.
    pub fn take_ids(&mut self, n: usize) -> std::ops::Range<u64> {
        let start = self.next;
        self.next += n as u64;
        start..self.next
    }

    /// Writes a prepared draft under an id taken with [`Batch::take_ids`];
    /// from any thread.
    pub fn write(&self, id: u64, draft: &Prepared) -> Result<(), NodeError> {
        write_prepared(&mut self.writer(), id, None, draft)
    }

    /// Makes the drafts written so far durable and visible: call it before
    /// telling anyone of them.
    pub fn commit(&self) -> Result<(), NodeError> {
        self.writer().commit()?;
        self.queue.forget_index();
        Ok(())
    }

    /// Commits what is left.
    pub fn finish(self) -> Result<(), NodeError> {
        self.commit()
    }
}

#[cfg(test)]
mod batch_tests {
    use super::*;

    #[test]
    fn a_batch_numbers_on_and_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        let bulletin = b"The Russian side registered 7 cases of firing in Latakia (7).";
        ingest(&queue, None, "first", bulletin, Format::Text, None).unwrap();
        let mut batch = queue.batch().unwrap();
        for origin in ["a", "b"] {
            let read = read_text(bulletin, Format::Text, None).unwrap();
            batch.add(origin, read).unwrap();
        }
        batch.finish().unwrap();
        assert_eq!(queue.ids(), vec![1, 2, 3]);
        assert_eq!(queue.get(3).unwrap().origin, "b");
        let names: Vec<String> = std::fs::read_dir(dir.path().join("drafts"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
        let limited = DraftQueue::in_data_dir(dir.path()).with_quota(DraftQuota::NODE);
        assert!(limited.batch().is_err());
    }

    #[test]
    fn ids_follow_the_order_they_were_taken_in_whatever_order_drafts_are_written() {
        let dir = tempfile::tempdir().unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        let bulletin = b"The Russian side registered 7 cases of firing in Latakia (7).";
        let mut batch = queue.batch().unwrap();
        let origins = ["a", "b", "c", "d"];
        let planned: Vec<(std::ops::Range<u64>, Vec<Prepared>)> = origins
            .iter()
            .map(|origin| {
                let read = read_text(bulletin, Format::Text, None).unwrap();
                let drafts = prepare(origin, read).unwrap();
                (batch.take_ids(drafts.len()), drafts)
            })
            .collect();
        // Written last first, from two threads at once.
        std::thread::scope(|scope| {
            for half in planned.rchunks(2) {
                let batch = &batch;
                scope.spawn(move || {
                    for (ids, drafts) in half.iter().rev() {
                        for (id, draft) in ids.clone().zip(drafts) {
                            batch.write(id, draft).unwrap();
                        }
                    }
                });
            }
        });
        batch.finish().unwrap();
        assert_eq!(queue.ids(), vec![1, 2, 3, 4]);
        for (id, origin) in (1..).zip(origins) {
            let draft = queue.get(id).unwrap();
            assert_eq!((draft.id, draft.origin.as_str()), (id, origin));
        }
    }

    #[test]
    fn a_prepared_draft_reads_back_as_the_draft_itself() {
        // Short and long: a long text's candidates are serialised in pieces.
        // Paragraphs that differ from the one before, so none is read as a
        // repeat of it.
        let bulletin = |n: usize| {
            format!("The Russian side registered {n} cases of firing in Latakia ({n}).\n\n")
        };
        let long: String = (0..9000).map(|k| bulletin(k % 50 + 1)).collect();
        for text in [bulletin(7), long] {
            let dir = tempfile::tempdir().unwrap();
            let queue = DraftQueue::in_data_dir(dir.path());
            let read = read_text(text.as_bytes(), Format::Text, None).unwrap();
            let mut batch = queue.batch().unwrap();
            let whole = batch.add("a\"b", read.clone()).unwrap();
            let prepared = prepare("a\"b", read).unwrap();
            assert_eq!(prepared[0].candidates, whole[0].candidates.len());
            let ids = batch.add_prepared(&prepared).unwrap();
            batch.finish().unwrap();
            assert_eq!(ids, vec![2]);
            for id in [1, 2] {
                let read_back = queue.get(id).unwrap();
                assert_eq!(read_back.id, id);
                assert_eq!(read_back.origin, "a\"b");
                assert_eq!(read_back.text, whole[0].text);
                assert_eq!(read_back.candidates, whole[0].candidates);
            }
            assert!(
                (whole[0].candidates.len() > PREPARE_PIECE && text.len() > HASH_APART_BYTES)
                    || text.len() < 1000
            );
        }
    }
}

#[cfg(test)]
mod log_tests {
    use super::*;

    const BULLETIN: &[u8] = b"The Russian side registered 7 cases of firing in Latakia (7).";

    fn bulletin(n: u32) -> Vec<u8> {
        format!("The Russian side registered {n} cases of firing in Latakia ({n}).").into_bytes()
    }

    fn segments(dir: &Path) -> Vec<PathBuf> {
        let mut found: Vec<PathBuf> = std::fs::read_dir(dir.join("drafts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "log"))
            .collect();
        found.sort();
        found
    }

    #[test]
    fn many_drafts_share_a_segment_and_a_text_is_stored_once() {
        let dir = tempfile::tempdir().unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        let mut batch = queue.batch().unwrap();
        for origin in ["a", "b", "c"] {
            batch
                .add(origin, read_text(BULLETIN, Format::Text, None).unwrap())
                .unwrap();
        }
        batch.finish().unwrap();
        assert_eq!(segments(dir.path()).len(), 1);
        let bytes = std::fs::read(&segments(dir.path())[0]).unwrap();
        let times = bytes
            .windows(BULLETIN.len())
            .filter(|w| *w == BULLETIN)
            .count();
        assert_eq!(times, 1, "the text is stored once");
        assert_eq!(queue.ids(), vec![1, 2, 3]);
        for id in 1..=3 {
            assert_eq!(queue.get(id).unwrap().text.as_bytes(), BULLETIN);
        }
        let (total, page) = queue.summaries(1, 5).unwrap();
        assert_eq!(
            (total, page.len(), page[0].id, page[0].candidates),
            (3, 2, 2, 1)
        );
        assert_eq!(page[0].origin, "b");
    }

    #[test]
    fn drafts_written_but_not_committed_are_never_read() {
        let dir = tempfile::tempdir().unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        ingest(&queue, None, "first", &bulletin(1), Format::Text, None).unwrap();
        {
            let mut batch = queue.batch().unwrap();
            let read = read_text(&bulletin(2), Format::Text, None).unwrap();
            batch
                .add_prepared(&prepare("second", read).unwrap())
                .unwrap();
            // Dropped without a commit: as if the process had died here.
        }
        let reopened = DraftQueue::in_data_dir(dir.path());
        assert_eq!(reopened.ids(), vec![1]);
        // The next run reuses the id nobody was told of.
        ingest(&reopened, None, "third", &bulletin(3), Format::Text, None).unwrap();
        assert_eq!(reopened.ids(), vec![1, 2]);
        assert_eq!(reopened.get(2).unwrap().origin, "third");
    }

    /// A crash mid-write leaves a segment cut anywhere: every cut of the
    /// last group's records loses that group only, never an earlier draft,
    /// and the queue takes new drafts after it.
    #[test]
    fn a_segment_cut_short_anywhere_keeps_every_earlier_draft() {
        let dir = tempfile::tempdir().unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        ingest(&queue, None, "first", &bulletin(1), Format::Text, None).unwrap();
        ingest(&queue, None, "second", &bulletin(2), Format::Text, None).unwrap();
        let segment = segments(dir.path()).remove(0);
        let whole = std::fs::read(&segment).unwrap();
        let first_len = {
            let copy = tempfile::tempdir().unwrap();
            let q = DraftQueue::in_data_dir(copy.path());
            ingest(&q, None, "first", &bulletin(1), Format::Text, None).unwrap();
            std::fs::read(&segments(copy.path())[0]).unwrap().len()
        };
        for cut in (first_len..whole.len()).step_by(7) {
            let copy = tempfile::tempdir().unwrap();
            std::fs::create_dir(copy.path().join("drafts")).unwrap();
            let name = segment.file_name().unwrap();
            std::fs::write(copy.path().join("drafts").join(name), &whole[..cut]).unwrap();
            let q = DraftQueue::in_data_dir(copy.path());
            assert_eq!(q.ids(), vec![1], "cut at {cut}");
            assert_eq!(q.get(1).unwrap().origin, "first");
            ingest(&q, None, "after", &bulletin(3), Format::Text, None).unwrap();
            let q = DraftQueue::in_data_dir(copy.path());
            assert_eq!(q.ids(), vec![1, 2], "cut at {cut}");
            assert_eq!(q.get(2).unwrap().origin, "after");
            assert_eq!(q.get(1).unwrap().origin, "first");
        }
        // A damaged byte inside a committed draft's candidates is refused
        // when that draft is read, never read wrong.
        let mut damaged = whole.clone();
        let at = first_len + (whole.len() - first_len) / 2;
        damaged[at] ^= 0x20;
        std::fs::write(&segment, &damaged).unwrap();
        let q = DraftQueue::in_data_dir(dir.path());
        assert!(q.get(1).is_ok());
        assert!(q.ids() == vec![1] || q.get(2).is_err());
    }

    /// A queue written by the earlier version, one file per draft and
    /// `owners.tsv`, is read as it is; new drafts follow its ids; its
    /// drafts count towards quotas and can be discarded.
    #[test]
    fn a_queue_of_one_file_per_draft_is_still_read() {
        let dir = tempfile::tempdir().unwrap();
        let drafts = dir.path().join("drafts");
        std::fs::create_dir(&drafts).unwrap();
        let read = read_text(&bulletin(4), Format::Text, None).unwrap();
        let (doc, candidates) = read[0].clone();
        for id in [3u64, 7] {
            let old = Draft {
                id,
                by: Some("ru-monitor".into()),
                origin: format!("upload {id}"),
                source: None,
                published: None,
                language: doc.language.code().to_string(),
                text: doc.text.clone(),
                candidates: candidates.clone(),
            };
            let json = serde_json::to_string(&old).unwrap();
            std::fs::write(drafts.join(format!("{id:06}.json")), json + "\n").unwrap();
        }
        std::fs::write(drafts.join(OWNERS_FILE), "3\tru-monitor\n7\tru-monitor\n").unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        assert_eq!(queue.ids(), vec![3, 7]);
        assert_eq!(queue.get(7).unwrap().origin, "upload 7");
        let (total, page) = queue.summaries(0, 10).unwrap();
        assert_eq!((total, page[1].candidates), (2, candidates.len()));

        let limited = DraftQueue::in_data_dir(dir.path()).with_quota(DraftQuota {
            member_drafts: 3,
            ..DraftQuota::NODE
        });
        let added = ingest(
            &limited,
            Some("ru-monitor"),
            "new",
            &bulletin(5),
            Format::Text,
            None,
        )
        .unwrap();
        assert_eq!(added[0].id, 8);
        assert!(matches!(
            ingest(
                &limited,
                Some("ru-monitor"),
                "new",
                &bulletin(6),
                Format::Text,
                None
            ),
            Err(NodeError::OverQuota(_))
        ));
        limited.discard(3).unwrap();
        assert_eq!(limited.ids(), vec![7, 8]);
        let owners = std::fs::read_to_string(drafts.join(OWNERS_FILE)).unwrap();
        assert_eq!(owners, "7\tru-monitor\n");
        assert_eq!(limited.get(8).unwrap().by.as_deref(), Some("ru-monitor"));
        ingest(
            &limited,
            Some("ru-monitor"),
            "new",
            &bulletin(6),
            Format::Text,
            None,
        )
        .unwrap();
        assert_eq!(limited.ids(), vec![7, 8, 9]);
    }

    #[test]
    fn discarding_every_draft_of_a_segment_removes_it_and_ids_are_not_reused() {
        let dir = tempfile::tempdir().unwrap();
        let queue = DraftQueue::in_data_dir(dir.path());
        ingest(&queue, None, "a", &bulletin(1), Format::Text, None).unwrap();
        ingest(&queue, None, "b", &bulletin(2), Format::Text, None).unwrap();
        // A second segment, as after a crash left the first with a tail.
        let first = segments(dir.path()).remove(0);
        let mut tail = std::fs::OpenOptions::new()
            .append(true)
            .open(first)
            .unwrap();
        std::io::Write::write_all(&mut tail, b"TRQ1").unwrap();
        ingest(&queue, None, "c", &bulletin(1), Format::Text, None).unwrap();
        assert_eq!(segments(dir.path()).len(), 2);
        queue.discard(1).unwrap();
        assert!(matches!(queue.discard(1), Err(NodeError::NotFound(_))));
        assert_eq!(segments(dir.path()).len(), 2, "draft 2 still needs it");
        queue.discard(2).unwrap();
        // Draft 3 shares draft 1's text, which lies in the first segment.
        assert_eq!(segments(dir.path()).len(), 2);
        assert_eq!(queue.get(3).unwrap().text.as_bytes(), bulletin(1));
        queue.discard(3).unwrap();
        assert_eq!(segments(dir.path()).len(), 1);
        assert!(queue.ids().is_empty());
        let again = ingest(&queue, None, "d", &bulletin(2), Format::Text, None).unwrap();
        assert_eq!(again[0].id, 4);
        assert_eq!(DraftQueue::in_data_dir(dir.path()).ids(), vec![4]);
    }
}
