//! The review queue: texts read by `truce-extract`, kept as unsigned drafts
//! in the node's data directory (`drafts/NNNNNN.json`) with the source text
//! and the evidence spans of every candidate. Nothing here is ever filed:
//! a member turns a candidate into a report, checks it, and signs it.

use std::path::{Path, PathBuf};

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
}

const OWNERS_FILE: &str = "owners.tsv";
const LOCK_FILE: &str = ".lock";

impl DraftQueue {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("drafts"),
            quota: DraftQuota::NONE,
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
        let mut drafts: Vec<(Draft, String)> = Vec::new();
        for (doc, candidates) in read {
            let draft = Draft {
                id: 0,
                by: by.map(str::to_string),
                origin: origin.to_string(),
                source: doc.source.clone(),
                published: doc.published,
                language: doc.language.code().to_string(),
                text: doc.text.clone(),
                candidates,
            };
            let text = serde_json::to_string_pretty(&draft)
                .map_err(|e| NodeError::Internal(e.to_string()))?;
            drafts.push((draft, text));
        }
        let adding = Usage {
            drafts: drafts.len(),
            bytes: drafts.iter().map(|(_, t)| t.len() as u64 + 16).sum(),
        };
        let (total, mine) = self.usage(by)?;
        self.check_quota(by, total, mine, adding)?;
        let mut next = self.ids().last().map_or(1, |last| last + 1);
        let mut stored = Vec::with_capacity(drafts.len());
        for (mut draft, _) in drafts {
            let id = loop {
                draft.id = next;
                let text = serde_json::to_string_pretty(&draft)
                    .map_err(|e| NodeError::Internal(e.to_string()))?;
                let temporary = tempfile::Builder::new()
                    .prefix(".draft-")
                    .suffix(".tmp")
                    .tempfile_in(&self.dir)?;
                std::fs::write(temporary.path(), text + "\n")?;
                temporary.as_file().sync_all()?;
                match std::fs::hard_link(temporary.path(), self.path(next)) {
                    Ok(()) => break next,
                    Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => next += 1,
                    Err(e) => return Err(e.into()),
                }
            };
            next = id + 1;
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
    queue.add_all(by, origin, read)
}
