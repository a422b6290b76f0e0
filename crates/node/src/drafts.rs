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

/// Drafts as files in one directory, numbered in order.
pub struct DraftQueue {
    dir: PathBuf,
}

impl DraftQueue {
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("drafts"),
        }
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

    /// Stores the candidates read from `doc` as the next draft. Ids are
    /// taken atomically: the draft is written whole to a file of its own,
    /// then linked to the next free id, which fails if another writer took
    /// that id first, so concurrent ingests never share an id or a file.
    pub fn add(
        &self,
        origin: &str,
        doc: &Document,
        candidates: Vec<Candidate>,
    ) -> Result<Draft, NodeError> {
        std::fs::create_dir_all(&self.dir)?;
        let mut draft = Draft {
            id: 0,
            origin: origin.to_string(),
            source: doc.source.clone(),
            published: doc.published,
            language: doc.language.code().to_string(),
            text: doc.text.clone(),
            candidates,
        };
        let mut id = self.ids().last().map_or(1, |last| last + 1);
        loop {
            draft.id = id;
            let text = serde_json::to_string_pretty(&draft)
                .map_err(|e| NodeError::Internal(e.to_string()))?;
            let temporary = tempfile::Builder::new()
                .prefix(".draft-")
                .suffix(".tmp")
                .tempfile_in(&self.dir)?;
            std::fs::write(temporary.path(), text + "\n")?;
            temporary.as_file().sync_all()?;
            match std::fs::hard_link(temporary.path(), self.path(id)) {
                Ok(()) => return Ok(draft),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => id += 1,
                Err(e) => return Err(e.into()),
            }
        }
    }

    pub fn get(&self, id: u64) -> Result<Draft, NodeError> {
        let text = std::fs::read_to_string(self.path(id))
            .map_err(|_| NodeError::NotFound(format!("no draft {id}")))?;
        serde_json::from_str(&text).map_err(|e| NodeError::Internal(format!("draft {id}: {e}")))
    }

    pub fn discard(&self, id: u64) -> Result<(), NodeError> {
        std::fs::remove_file(self.path(id))
            .map_err(|_| NodeError::NotFound(format!("no draft {id}")))
    }
}

/// Reads `bytes` and queues a draft for every document with candidates.
pub fn ingest(
    queue: &DraftQueue,
    origin: &str,
    bytes: &[u8],
    format: Format,
    published: Option<Date>,
) -> Result<Vec<Draft>, NodeError> {
    let unreadable = NodeError::Unreadable;
    let mut drafts = Vec::new();
    for mut doc in truce_extract::read(bytes, format).map_err(unreadable)? {
        if doc.published.is_none() {
            doc.published = published;
        }
        let candidates = truce_extract::extract(&doc).map_err(unreadable)?;
        if !candidates.is_empty() {
            drafts.push(queue.add(origin, &doc, candidates)?);
        }
    }
    Ok(drafts)
}
