//! The review queue: texts read by `truce-extract`, kept as unsigned drafts
//! in the node's data directory (`drafts/NNNNNN.json`) with the source text
//! and the evidence spans of every candidate, in compact JSON: a long text
//! has tens of thousands of candidates, and indenting them multiplied the
//! bytes written. Nothing here is ever filed: a member turns a candidate
//! into a report, checks it, and signs it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use truce_extract::{Candidate, Document, Format};

use crate::NodeError;

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

/// Drafts as files in one directory, numbered in order; `owners.tsv`
/// beside them says whose upload each came from. Adding and discarding
/// take the directory's lock, so quotas hold under concurrent ingests.
pub struct DraftQueue {
    dir: PathBuf,
    quota: DraftQuota,
    /// One more than the last id this queue stored, 0 before it stored
    /// any: where the next add starts looking for a free id, so a run
    /// that adds thousands of drafts does not list the directory for each.
    /// Taking an id stays atomic (a hard link that fails if it is taken);
    /// a stale hint only costs a few more tries.
    next_hint: AtomicU64,
}

const OWNERS_FILE: &str = "owners.tsv";
const LOCK_FILE: &str = ".lock";

impl DraftQueue {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("drafts"),
            quota: DraftQuota::NONE,
            next_hint: AtomicU64::new(0),
        }
    }

    pub fn with_quota(mut self, quota: DraftQuota) -> Self {
        self.quota = quota;
        self
    }

    fn path(&self, id: u64) -> PathBuf {
        self.dir.join(format!("{id:06}.json"))
    }

    /// Ids of the drafts waiting, in order.
    pub fn ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries
                    .filter_map(|e| {
                        e.ok()?
                            .file_name()
                            .to_str()?
                            .strip_suffix(".json")?
                            .parse()
                            .ok()
                    })
                    .collect()
            })
            .unwrap_or_default();
        ids.sort_unstable();
        ids
    }

    /// One page of the queue, oldest first: the number of drafts and the
    /// summaries of those from `offset`, at most `limit`.
    pub fn summaries(
        &self,
        offset: usize,
        limit: usize,
    ) -> Result<(usize, Vec<DraftSummary>), NodeError> {
        let ids = self.ids();
        let page = ids
            .iter()
            .skip(offset)
            .take(limit)
            .map(|&id| {
                let draft = self.get(id)?;
                let bytes = std::fs::metadata(self.path(id)).map_or(0, |m| m.len());
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
    /// none, within the quota. Ids are taken atomically: each draft is
    /// written whole and synced to a file of its own, then linked to the
    /// next free id, which fails if that id is taken.
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
        let drafts: Vec<Draft> = read
            .into_iter()
            .map(|(doc, candidates)| Draft {
                id: 0,
                by: by.map(str::to_string),
                origin: origin.to_string(),
                source: doc.source,
                published: doc.published,
                language: doc.language.code().to_string(),
                text: doc.text,
                candidates,
            })
            .collect();
        // Without a quota (the operator's own `truce ingest`) there is
        // nothing to weigh, and weighing lists and measures every draft in
        // the queue, for every file of a run.
        if self.quota != DraftQuota::NONE {
            let mut adding = Usage {
                drafts: drafts.len(),
                bytes: 0,
            };
            for draft in &drafts {
                let text =
                    serde_json::to_string(draft).map_err(|e| NodeError::Internal(e.to_string()))?;
                adding.bytes += text.len() as u64 + 16;
            }
            let (total, mine) = self.usage(by)?;
            self.check_quota(by, total, mine, adding)?;
        }
        let hint = self.next_hint.load(Ordering::Relaxed);
        let mut next = if hint > 0 {
            hint
        } else {
            self.ids().last().map_or(1, |last| last + 1)
        };
        let mut stored = Vec::with_capacity(drafts.len());
        for mut draft in drafts {
            let temporary = tempfile::Builder::new()
                .prefix(".draft-")
                .suffix(".tmp")
                .tempfile_in(&self.dir)?;
            let mut written = None;
            let id = loop {
                // The id is inside the file: written again only when the
                // one it was written for turned out to be taken.
                if written != Some(next) {
                    draft.id = next;
                    let text = serde_json::to_string(&draft)
                        .map_err(|e| NodeError::Internal(e.to_string()))?;
                    std::fs::write(temporary.path(), text + "\n")?;
                    temporary.as_file().sync_all()?;
                    written = Some(next);
                }
                match std::fs::hard_link(temporary.path(), self.path(next)) {
                    Ok(()) => break next,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => next += 1,
                    Err(e) => return Err(e.into()),
                }
            };
            next = id + 1;
            self.next_hint.store(next, Ordering::Relaxed);
            if let Some(member) = by {
                self.append_owner(id, member)?;
            }
            stored.push(draft);
        }
        Ok(stored)
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
    fn usage(&self, member: Option<&str>) -> Result<(Usage, Usage), NodeError> {
        let owners = self.owners()?;
        let mut total = Usage::default();
        let mut mine = Usage::default();
        for id in self.ids() {
            let bytes = std::fs::metadata(self.path(id)).map_or(0, |m| m.len());
            total.drafts += 1;
            total.bytes += bytes;
            if member.is_some() && owners.get(&id).map(String::as_str) == member {
                mine.drafts += 1;
                mine.bytes += bytes;
            }
        }
        Ok((total, mine))
    }

    fn owners(&self) -> Result<std::collections::HashMap<u64, String>, NodeError> {
        let text = match std::fs::read_to_string(self.dir.join(OWNERS_FILE)) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(e.into()),
        };
        Ok(text
            .lines()
            .filter_map(|line| {
                let (id, member) = line.split_once('\t')?;
                Some((id.parse().ok()?, member.to_string()))
            })
            .collect())
    }

    fn append_owner(&self, id: u64, member: &str) -> Result<(), NodeError> {
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(self.dir.join(OWNERS_FILE))?;
        file.write_all(format!("{id}\t{member}\n").as_bytes())?;
        file.sync_all()?;
        Ok(())
    }

    pub fn get(&self, id: u64) -> Result<Draft, NodeError> {
        let text = std::fs::read_to_string(self.path(id))
            .map_err(|_| NodeError::NotFound(format!("no draft {id}")))?;
        serde_json::from_str(&text).map_err(|e| NodeError::Internal(format!("draft {id}: {e}")))
    }

    pub fn discard(&self, id: u64) -> Result<(), NodeError> {
        std::fs::create_dir_all(&self.dir)?;
        let _lock = DirLock::take(&self.dir.join(LOCK_FILE))?;
        std::fs::remove_file(self.path(id))
            .map_err(|_| NodeError::NotFound(format!("no draft {id}")))?;
        let owners = self.owners()?;
        if owners.contains_key(&id) {
            let kept: String = self
                .ids()
                .into_iter()
                .filter_map(|i| owners.get(&i).map(|m| format!("{i}\t{m}\n")))
                .collect();
            let temporary = tempfile::NamedTempFile::new_in(&self.dir)?;
            std::fs::write(temporary.path(), kept)?;
            temporary.as_file().sync_all()?;
            temporary
                .persist(self.dir.join(OWNERS_FILE))
                .map_err(|e| NodeError::Io(e.error))?;
        }
        Ok(())
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

/// How a draft's JSON starts: its first field is the id, given only when
/// it is stored.
const ID_FIELD: &[u8] = b"{\"id\":";

/// A draft of a batch, serialised but for its id, with what the caller
/// reports of it. Making it (JSON of a long text's candidates, and freeing
/// them) is most of the cost of storing a draft, and may run on the thread
/// that read the text; the batch only writes the bytes.
pub struct Prepared {
    /// The JSON after `{"id":<id>`, in parts to be written one after the
    /// other: a long text's candidates are serialised in pieces, and
    /// joining them would copy them all once more.
    after_id: Vec<Vec<u8>>,
    pub candidates: usize,
    pub language: String,
}

/// Candidates serialised on one thread each, in pieces of this many.
const PREPARE_PIECE: usize = 4096;

/// Drafts shorter than this are written in one piece.
const ONE_WRITE: usize = 1 << 20;

/// The documents of one input (see [`read_text`]) as drafts of a batch
/// (`by` none), serialised except for their ids: byte for byte the JSON
/// [`Batch::add`] writes. The candidates of a long text are serialised in
/// pieces on several threads, and freed there.
pub fn prepare(
    origin: &str,
    read: Vec<(Document, Vec<Candidate>)>,
) -> Result<Vec<Prepared>, NodeError> {
    let internal = |e: serde_json::Error| NodeError::Internal(e.to_string());
    read.into_iter()
        .map(|(doc, candidates)| {
            let count = candidates.len();
            let language = doc.language.code().to_string();
            let shell = Draft {
                id: 0,
                by: None,
                origin: origin.to_string(),
                source: doc.source,
                published: doc.published,
                language: language.clone(),
                text: doc.text,
                candidates: Vec::new(),
            };
            let mut json = serde_json::to_vec(&shell).map_err(internal)?;
            drop(shell);
            // `{"id":0,...,"candidates":[]}`: the id is cut off the front
            // and the candidates go between the brackets at the end.
            let head = [ID_FIELD, b"0"].concat();
            if !json.starts_with(&head) || !json.ends_with(b"[]}") {
                return Err(NodeError::Internal(
                    "a draft's JSON does not have its usual shape".into(),
                ));
            }
            json.truncate(json.len() - 2);
            json.drain(..head.len());
            let pieces = serialise_all(candidates)?;
            let mut parts = Vec::with_capacity(pieces.len() + 2);
            if pieces.iter().map(Vec::len).sum::<usize>() < ONE_WRITE {
                // A short draft is one buffer and one write.
                for piece in pieces {
                    json.extend_from_slice(&piece);
                }
                json.extend_from_slice(b"]}\n");
                parts.push(json);
            } else {
                parts.push(json);
                parts.extend(pieces);
                parts.push(b"]}\n".to_vec());
            }
            Ok(Prepared {
                after_id: parts,
                candidates: count,
                language,
            })
        })
        .collect()
}

/// The candidates' JSON, comma-separated, in pieces in order (to be
/// written one after the other): on as many threads as the machine has
/// when there are many.
fn serialise_all(candidates: Vec<Candidate>) -> Result<Vec<Vec<u8>>, NodeError> {
    // Every piece but the first starts with the comma before its first
    // candidate.
    fn piece(first: bool, candidates: Vec<Candidate>) -> Result<Vec<u8>, NodeError> {
        let mut out = Vec::with_capacity(candidates.len() * 768);
        for (i, c) in candidates.iter().enumerate() {
            if i > 0 || !first {
                out.push(b',');
            }
            serde_json::to_writer(&mut out, c).map_err(|e| NodeError::Internal(e.to_string()))?;
        }
        Ok(out)
    }
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    if candidates.len() <= PREPARE_PIECE {
        return Ok(vec![piece(true, candidates)?]);
    }
    let mut pieces: Vec<Vec<Candidate>> = Vec::new();
    let mut rest = candidates;
    while rest.len() > PREPARE_PIECE {
        let tail = rest.split_off(PREPARE_PIECE);
        pieces.push(rest);
        rest = tail;
    }
    pieces.push(rest);
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(pieces.len());
    // Pieces dealt round-robin to the threads, put back in order after.
    let mut shares: Vec<Vec<(usize, Vec<Candidate>)>> = (0..threads).map(|_| Vec::new()).collect();
    for (i, p) in pieces.into_iter().enumerate() {
        shares[i % threads].push((i, p));
    }
    let mut done: Vec<(usize, Vec<u8>)> = std::thread::scope(|scope| {
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

/// A run of many texts into a queue without quota (the operator's own
/// `truce ingest`): the queue's lock is held for the whole run, ids follow
/// on without listing the directory, and the drafts reach the disk in one
/// sync at [`Batch::finish`] rather than one each. A sync costs
/// milliseconds on a common disk, which was most of a directory run's time.
/// Until `finish` returns, a crash may lose drafts of the run, never those
/// of earlier runs; a draft that is lost or cut short is refused when read,
/// never read wrong.
pub struct Batch<'q> {
    queue: &'q DraftQueue,
    _lock: DirLock,
    next: u64,
}

impl DraftQueue {
    /// Starts a batch; refused for a queue with a quota, whose every add
    /// must be weighed and durable on its own.
    pub fn batch(&self) -> Result<Batch<'_>, NodeError> {
        if self.quota != DraftQuota::NONE {
            return Err(NodeError::Internal(
                "a batch is only for a queue without quota".into(),
            ));
        }
        std::fs::create_dir_all(&self.dir)?;
        let lock = DirLock::take(&self.dir.join(LOCK_FILE))?;
        let next = self.ids().last().map_or(1, |last| last + 1);
        Ok(Batch {
            queue: self,
            _lock: lock,
            next,
        })
    }
}

impl Batch<'_> {
    /// Stores the candidates read from each document of one input as drafts.
    pub fn add(
        &mut self,
        origin: &str,
        read: Vec<(Document, Vec<Candidate>)>,
    ) -> Result<Vec<Draft>, NodeError> {
        let mut stored = Vec::with_capacity(read.len());
        for (doc, candidates) in read {
            let draft = Draft {
                id: self.next,
                by: None,
                origin: origin.to_string(),
                source: doc.source,
                published: doc.published,
                language: doc.language.code().to_string(),
                text: doc.text,
                candidates,
            };
            let mut text =
                serde_json::to_vec(&draft).map_err(|e| NodeError::Internal(e.to_string()))?;
            text.push(b'\n');
            self.write_at(self.next, &[&text])?;
            self.next += 1;
            stored.push(draft);
        }
        Ok(stored)
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
    /// whatever the order the files are written in.
    pub fn take_ids(&mut self, n: usize) -> std::ops::Range<u64> {
        let start = self.next;
        self.next += n as u64;
        start..self.next
    }

    /// Writes a prepared draft under an id taken with [`Batch::take_ids`].
    /// Several threads may write a batch's drafts at once: creating a file
    /// costs the file system more than reading a short text.
    pub fn write(&self, id: u64, draft: &Prepared) -> Result<(), NodeError> {
        let mut head = ID_FIELD.to_vec();
        head.extend_from_slice(id.to_string().as_bytes());
        match draft.after_id.as_slice() {
            // A short draft: its head joined to it, one write.
            [one] => {
                head.extend_from_slice(one);
                self.write_at(id, &[&head])
            }
            parts => {
                let mut all: Vec<&[u8]> = vec![&head];
                all.extend(parts.iter().map(Vec::as_slice));
                self.write_at(id, &all)
            }
        }
    }

    /// Writes draft `id`, whose bytes are `parts` one after the other.
    fn write_at(&self, id: u64, parts: &[&[u8]]) -> Result<(), NodeError> {
        use std::io::Write;
        // Written in place, created only if the id is free (a writer that
        // ignored the lock), so no draft is ever replaced; a temporary file
        // and a link for each draft cost the file system more than the
        // reading. A draft cut short by a crash before `finish` is refused
        // when read.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(self.queue.path(id))?;
        for part in parts {
            file.write_all(part)?;
        }
        Ok(())
    }

    /// Puts the run's drafts on the disk: one sync of the file system that
    /// holds the queue.
    pub fn finish(self) -> Result<(), NodeError> {
        use std::os::fd::AsRawFd;
        let dir = std::fs::File::open(&self.queue.dir)?;
        // SAFETY: syncfs on a descriptor this function owns.
        if unsafe { libc::syncfs(dir.as_raw_fd()) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(())
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
    fn a_prepared_draft_is_written_as_the_draft_itself() {
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
            let file = |id: u64| std::fs::read(queue.path(id)).unwrap();
            let (first, second) = (file(1), file(2));
            // The same bytes but for the id.
            let id_one = br#"{"id":1,"#;
            let id_two = br#"{"id":2,"#;
            assert!(first.starts_with(id_one) && second.starts_with(id_two));
            assert_eq!(first[id_one.len()..], second[id_two.len()..]);
            let read_back = queue.get(2).unwrap();
            assert_eq!(read_back.id, 2);
            assert_eq!(read_back.candidates, whole[0].candidates);
            assert!(whole[0].candidates.len() > PREPARE_PIECE || text.len() < 1000);
        }
    }
}
