//! The queue on disk: append-only segment files (`segment-NNNNNN.log`),
//! many drafts to a file. A segment is a run of records, each a fixed head
//! (magic, kind, lengths, the body's CRC-32, and a CRC-32 of the head and
//! the meta), a short JSON meta and a body:
//!
//! - a text (`T`): meta `{"sha256","bytes"}`, body the text. Each text is
//!   stored once in the queue; drafts refer to it by its SHA-256.
//! - a draft (`D`): meta the draft but for its text and candidates (id,
//!   member, origin, source, date, language, the text's SHA-256 and the
//!   number of candidates), body the candidates as a JSON array.
//! - a commit (`C`): no meta, no body. The records before it, back to the
//!   previous commit, become visible together: a writer writes its records,
//!   syncs the file, writes the commit and syncs again, and only then
//!   answers. A draft whose commit is not on the disk is never read.
//!
//! Reading a queue scans the heads and metas of every segment (the bodies
//! are skipped) and stops in each at the first record that is incomplete
//! or fails its CRC, or after the last commit. A writer never appends to a
//! segment with anything after its last commit (what a crash left): it
//! starts the next one, so nothing committed before is ever rewritten or
//! cut. Discarded drafts are listed in `discarded` (one id a line, synced);
//! a segment none of whose drafts or texts is still needed is removed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::NodeError;

const MAGIC: &[u8; 4] = b"TRQ1";
/// Magic, kind, meta length (u32), body length (u64), body CRC, head CRC.
pub(super) const HEAD: usize = 4 + 1 + 4 + 8 + 4 + 4;
/// A segment longer than this takes no more records: the next goes to a
/// new one.
pub(super) const SEGMENT_BYTES: u64 = 64 << 20;
/// No meta is longer than this (the origin is a path or an upload's name).
const MAX_META: u32 = 1 << 20;
pub(super) const DISCARDED_FILE: &str = "discarded";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Text,
    Draft,
    Commit,
}

impl Kind {
    fn byte(self) -> u8 {
        match self {
            Kind::Text => b'T',
            Kind::Draft => b'D',
            Kind::Commit => b'C',
        }
    }
    fn from_byte(b: u8) -> Option<Self> {
        match b {
            b'T' => Some(Kind::Text),
            b'D' => Some(Kind::Draft),
            b'C' => Some(Kind::Commit),
            _ => None,
        }
    }
}

/// A draft's meta: the draft but for its text and candidates.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct DraftMeta {
    pub id: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    pub origin: String,
    pub source: Option<String>,
    pub published: Option<Date>,
    pub language: String,
    /// The SHA-256 of its text, in hex.
    pub text: String,
    pub candidates: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct TextMeta {
    sha256: String,
    bytes: u64,
}

/// Where a record's body lies.
#[derive(Debug, Clone, Copy)]
pub(super) struct Body {
    pub segment: u32,
    pub offset: u64,
    pub len: u64,
    pub crc: u32,
}

#[derive(Debug, Clone)]
pub(super) struct DraftEntry {
    pub meta: DraftMeta,
    pub body: Body,
    /// Bytes of its record (head, meta, body).
    pub record_bytes: u64,
}

/// What the segments hold, as of a scan: every committed draft not
/// discarded, and every committed text.
#[derive(Debug, Default)]
pub(super) struct Index {
    pub drafts: BTreeMap<u64, DraftEntry>,
    pub texts: HashMap<String, Body>,
    pub discarded: HashSet<u64>,
    /// The highest id any segment or the discarded list names.
    pub max_id: u64,
    /// Segments in order, with the length up to their last commit and
    /// their length on disk.
    pub segments: Vec<(u32, u64, u64)>,
}

pub(super) fn segment_path(dir: &Path, n: u32) -> PathBuf {
    dir.join(format!("segment-{n:06}.log"))
}

fn segment_numbers(dir: &Path) -> Vec<u32> {
    numbered_files(dir, "segment-", ".log")
}

/// The numbers of the files in `dir` named `prefix`, a number, `suffix`,
/// in order; none where the directory cannot be read.
pub(super) fn numbered_files<N: std::str::FromStr + Ord>(
    dir: &Path,
    prefix: &str,
    suffix: &str,
) -> Vec<N> {
    let mut numbers: Vec<N> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| {
                    e.ok()?
                        .file_name()
                        .to_str()?
                        .strip_prefix(prefix)?
                        .strip_suffix(suffix)?
                        .parse()
                        .ok()
                })
                .collect()
        })
        .unwrap_or_default();
    numbers.sort_unstable();
    numbers
}

pub(super) fn read_discarded(dir: &Path) -> Result<HashSet<u64>, NodeError> {
    let text = match std::fs::read_to_string(dir.join(DISCARDED_FILE)) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e.into()),
    };
    // A line cut short by a crash has no newline: it was never synced.
    Ok(text
        .split_inclusive('\n')
        .filter_map(|line| line.strip_suffix('\n')?.parse().ok())
        .collect())
}

fn head_crc(head: &[u8], meta: &[u8]) -> u32 {
    let mut hasher = crc32fast::Hasher::new();
    hasher.update(&head[..HEAD - 4]);
    hasher.update(meta);
    hasher.finalize()
}

/// A record's head and meta, ready to write before its body.
pub(super) fn record_head(kind: Kind, meta: &[u8], body_len: u64, body_crc: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEAD + meta.len());
    out.extend_from_slice(MAGIC);
    out.push(kind.byte());
    out.extend_from_slice(&(meta.len() as u32).to_le_bytes());
    out.extend_from_slice(&body_len.to_le_bytes());
    out.extend_from_slice(&body_crc.to_le_bytes());
    let crc = head_crc(&out, meta);
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(meta);
    out
}

/// One record as the scan found it.
struct Scanned {
    kind: Kind,
    meta: Vec<u8>,
    body: Body,
    end: u64,
}

/// The next whole record at `pos`, or none where the segment ends or a
/// record is cut short or damaged.
fn next_record(
    reader: &mut BufReader<File>,
    segment: u32,
    pos: u64,
    file_len: u64,
) -> Option<Scanned> {
    let mut head = [0u8; HEAD];
    if pos + HEAD as u64 > file_len || reader.read_exact(&mut head).is_err() {
        return None;
    }
    if &head[..4] != MAGIC {
        return None;
    }
    let kind = Kind::from_byte(head[4])?;
    let meta_len = u32::from_le_bytes(head[5..9].try_into().ok()?);
    let body_len = u64::from_le_bytes(head[9..17].try_into().ok()?);
    let body_crc = u32::from_le_bytes(head[17..21].try_into().ok()?);
    let crc = u32::from_le_bytes(head[21..25].try_into().ok()?);
    if meta_len > MAX_META {
        return None;
    }
    let body_offset = pos + HEAD as u64 + meta_len as u64;
    let end = body_offset.checked_add(body_len)?;
    if end > file_len {
        return None;
    }
    let mut meta = vec![0u8; meta_len as usize];
    reader.read_exact(&mut meta).ok()?;
    if head_crc(&head, &meta) != crc {
        return None;
    }
    reader.seek_relative(i64::try_from(body_len).ok()?).ok()?;
    Some(Scanned {
        kind,
        meta,
        body: Body {
            segment,
            offset: body_offset,
            len: body_len,
            crc: body_crc,
        },
        end,
    })
}

impl Index {
    /// Scans every segment of `dir`.
    pub fn scan(dir: &Path) -> Result<Index, NodeError> {
        let mut index = Index {
            discarded: read_discarded(dir)?,
            ..Index::default()
        };
        index.max_id = index.discarded.iter().copied().max().unwrap_or(0);
        for segment in segment_numbers(dir) {
            let file = match File::open(segment_path(dir, segment)) {
                Ok(file) => file,
                // Removed by a discard since the directory was listed.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(e.into()),
            };
            let file_len = file.metadata()?.len();
            let mut reader = BufReader::with_capacity(64 << 10, file);
            let (mut pos, mut committed) = (0u64, 0u64);
            let mut pending_texts = Vec::new();
            let mut pending_drafts = Vec::new();
            while let Some(record) = next_record(&mut reader, segment, pos, file_len) {
                let record_bytes = record.end - pos;
                pos = record.end;
                match record.kind {
                    Kind::Text => {
                        let Ok(meta) = serde_json::from_slice::<TextMeta>(&record.meta) else {
                            break;
                        };
                        pending_texts.push((meta.sha256, record.body));
                    }
                    Kind::Draft => {
                        let Ok(meta) = serde_json::from_slice::<DraftMeta>(&record.meta) else {
                            break;
                        };
                        pending_drafts.push(DraftEntry {
                            meta,
                            body: record.body,
                            record_bytes,
                        });
                    }
                    Kind::Commit => {
                        committed = pos;
                        for (hash, body) in pending_texts.drain(..) {
                            index.texts.entry(hash).or_insert(body);
                        }
                        for entry in pending_drafts.drain(..) {
                            let id = entry.meta.id;
                            index.max_id = index.max_id.max(id);
                            if !index.discarded.contains(&id) {
                                index.drafts.insert(id, entry);
                            }
                        }
                    }
                }
            }
            index.segments.push((segment, committed, file_len));
        }
        Ok(index)
    }
}

/// Reads a record's body and checks its CRC.
pub(super) fn read_body(dir: &Path, body: &Body) -> Result<Vec<u8>, NodeError> {
    let mut file = File::open(segment_path(dir, body.segment))?;
    file.seek(SeekFrom::Start(body.offset))?;
    let len = usize::try_from(body.len).map_err(|_| NodeError::Internal("body too long".into()))?;
    let mut bytes = vec![0u8; len];
    file.read_exact(&mut bytes)?;
    if crc32fast::hash(&bytes) != body.crc {
        return Err(NodeError::Internal(format!(
            "the queue's segment {} is damaged at byte {}",
            body.segment, body.offset
        )));
    }
    Ok(bytes)
}

/// Creates a file readable by the owner only.
fn create_private(path: &Path, append: bool) -> Result<File, NodeError> {
    let mut options = std::fs::OpenOptions::new();
    options.create(true);
    if append {
        options.append(true);
    } else {
        options.write(true).truncate(false);
    }
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    Ok(options.open(path)?)
}

fn sync_dir(dir: &Path) -> Result<(), NodeError> {
    File::open(dir)?.sync_all()?;
    Ok(())
}

/// The one writer of a queue, under its lock: appends records to the last
/// segment, or to a new one where the last is full or has anything after
/// its last commit.
pub(super) struct Writer {
    dir: PathBuf,
    pub index: Index,
    segment: u32,
    file: Option<File>,
    /// Bytes in the segment: where the next record goes.
    len: u64,
    /// Records written since the last commit.
    dirty: bool,
    /// Texts written since the last commit (not yet in the index).
    pending_texts: HashMap<String, Body>,
    /// Short records not yet written to the file.
    buffer: Vec<u8>,
}

impl Writer {
    pub fn open(dir: &Path) -> Result<Writer, NodeError> {
        let index = Index::scan(dir)?;
        let (segment, len, file) = match index.segments.last() {
            Some(&(n, committed, on_disk)) if committed == on_disk && on_disk < SEGMENT_BYTES => (
                n,
                on_disk,
                Some(create_private(&segment_path(dir, n), true)?),
            ),
            Some(&(n, _, _)) => (n + 1, 0, None),
            None => (1, 0, None),
        };
        Ok(Writer {
            dir: dir.to_path_buf(),
            index,
            segment,
            file,
            len,
            dirty: false,
            pending_texts: HashMap::new(),
            buffer: Vec::new(),
        })
    }

    fn file(&mut self) -> Result<&mut File, NodeError> {
        if self.file.is_none() {
            let path = segment_path(&self.dir, self.segment);
            let file = create_private(&path, true)?;
            // A segment left cut short and reopened would be appended after
            // its damage: a new one starts empty.
            self.len = file.metadata()?.len();
            if self.len != 0 {
                return Err(NodeError::Internal(format!(
                    "{} exists already",
                    path.display()
                )));
            }
            sync_dir(&self.dir)?;
            self.file = Some(file);
        }
        Ok(self.file.as_mut().expect("opened above"))
    }

    /// Writes out the records gathered in the buffer.
    fn flush(&mut self) -> Result<(), NodeError> {
        if !self.buffer.is_empty() {
            let Writer { file, buffer, .. } = self;
            if let Some(file) = file.as_mut() {
                file.write_all(buffer)?;
            }
            buffer.clear();
        }
        Ok(())
    }

    /// Whether a text with this hash is stored or on its way.
    pub fn has_text(&self, sha256: &str) -> bool {
        self.index.texts.contains_key(sha256) || self.pending_texts.contains_key(sha256)
    }

    /// Appends one record whose body is `parts` one after the other, with
    /// the CRC `body_crc` over them; returns where its body lies.
    fn append(
        &mut self,
        kind: Kind,
        meta: &[u8],
        parts: &[&[u8]],
        body_crc: u32,
    ) -> Result<Body, NodeError> {
        let body_len: u64 = parts.iter().map(|p| p.len() as u64).sum();
        let head = record_head(kind, meta, body_len, body_crc);
        let start = self.len;
        let offset = start + head.len() as u64;
        let segment = self.segment;
        self.file()?;
        let Writer { file, buffer, .. } = self;
        let file = file.as_mut().expect("opened above");
        if body_len < (1 << 20) {
            // Short records are gathered and written a megabyte at a time.
            buffer.extend_from_slice(&head);
            for part in parts {
                buffer.extend_from_slice(part);
            }
            if buffer.len() >= 1 << 20 {
                file.write_all(buffer)?;
                buffer.clear();
            }
        } else {
            if !buffer.is_empty() {
                file.write_all(buffer)?;
                buffer.clear();
            }
            file.write_all(&head)?;
            for part in parts {
                file.write_all(part)?;
            }
            // A long body starts for the disk now, so that the sync of the
            // commit finds most of it written.
            #[cfg(target_os = "linux")]
            {
                use std::os::fd::AsRawFd;
                // SAFETY: a hint on a descriptor this writer owns; its
                // result does not matter (the commit's sync is what counts).
                unsafe {
                    libc::sync_file_range(
                        file.as_raw_fd(),
                        start as libc::off64_t,
                        (offset + body_len - start) as libc::off64_t,
                        libc::SYNC_FILE_RANGE_WRITE,
                    );
                }
            }
        }
        self.len = offset + body_len;
        self.dirty = true;
        Ok(Body {
            segment,
            offset,
            len: body_len,
            crc: body_crc,
        })
    }

    pub fn append_text(&mut self, sha256: &str, text: &str) -> Result<(), NodeError> {
        let meta = serde_json::to_vec(&TextMeta {
            sha256: sha256.to_string(),
            bytes: text.len() as u64,
        })
        .map_err(|e| NodeError::Internal(e.to_string()))?;
        let crc = crc32fast::hash(text.as_bytes());
        let body = self.append(Kind::Text, &meta, &[text.as_bytes()], crc)?;
        self.pending_texts.insert(sha256.to_string(), body);
        Ok(())
    }

    pub fn append_draft(
        &mut self,
        meta: &DraftMeta,
        candidates: &[&[u8]],
        crc: u32,
    ) -> Result<DraftEntry, NodeError> {
        let json = serde_json::to_vec(meta).map_err(|e| NodeError::Internal(e.to_string()))?;
        let start = self.len;
        let body = self.append(Kind::Draft, &json, candidates, crc)?;
        self.index.max_id = self.index.max_id.max(meta.id);
        Ok(DraftEntry {
            meta: meta.clone(),
            body,
            record_bytes: self.len - start,
        })
    }

    /// Makes every record written since the last commit durable and
    /// visible: a sync, the commit record, a sync. The first sync puts the
    /// records on the disk before the commit that makes them visible.
    pub fn commit(&mut self) -> Result<(), NodeError> {
        if !self.dirty {
            return Ok(());
        }
        self.flush()?;
        self.file()?.sync_data()?;
        self.append(Kind::Commit, &[], &[], crc32fast::hash(&[]))?;
        self.flush()?;
        self.file()?.sync_data()?;
        self.dirty = false;
        for (hash, body) in self.pending_texts.drain() {
            self.index.texts.entry(hash).or_insert(body);
        }
        if self.len >= SEGMENT_BYTES {
            self.segment += 1;
            self.file = None;
            self.len = 0;
        }
        Ok(())
    }

    /// Lists `id` as discarded, durably, and removes the segments that
    /// nothing still needs.
    pub fn discard(&mut self, id: u64) -> Result<(), NodeError> {
        let path = self.dir.join(DISCARDED_FILE);
        let existed = path.exists();
        let mut file = create_private(&path, true)?;
        // A line cut short by an earlier crash ends here, not in this id.
        let len = file.metadata()?.len();
        let mut line = String::new();
        if len > 0 {
            let mut last = [0u8; 1];
            let mut reader = File::open(&path)?;
            reader.seek(SeekFrom::Start(len - 1))?;
            reader.read_exact(&mut last)?;
            if last[0] != b'\n' {
                line.push('\n');
            }
        }
        line.push_str(&format!("{id}\n"));
        file.write_all(line.as_bytes())?;
        file.sync_data()?;
        if !existed {
            sync_dir(&self.dir)?;
        }
        self.index.drafts.remove(&id);
        self.index.discarded.insert(id);
        self.remove_unneeded_segments()
    }

    /// Removes every segment but the one written to whose drafts are all
    /// discarded and whose texts no remaining draft refers to.
    fn remove_unneeded_segments(&mut self) -> Result<(), NodeError> {
        let mut needed: HashSet<u32> = HashSet::new();
        for entry in self.index.drafts.values() {
            needed.insert(entry.body.segment);
            if let Some(text) = self.index.texts.get(&entry.meta.text) {
                needed.insert(text.segment);
            }
        }
        let current = self.segment;
        let mut removed = false;
        for &(n, _, _) in &self.index.segments {
            if n != current && !needed.contains(&n) {
                match std::fs::remove_file(segment_path(&self.dir, n)) {
                    Ok(()) => removed = true,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e.into()),
                }
            }
        }
        if removed {
            self.index
                .segments
                .retain(|s| s.0 == current || needed.contains(&s.0));
            self.index
                .texts
                .retain(|_, body| body.segment == current || needed.contains(&body.segment));
            sync_dir(&self.dir)?;
        }
        Ok(())
    }
}

/// Reads the old queue's `owners.tsv` (drafts stored one file each).
pub(super) fn read_owners(dir: &Path) -> Result<HashMap<u64, String>, NodeError> {
    let file = match File::open(dir.join(super::OWNERS_FILE)) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(e.into()),
    };
    let mut owners = HashMap::new();
    for line in BufReader::new(file).lines() {
        let line = line?;
        if let Some((id, member)) = line.split_once('\t') {
            if let Ok(id) = id.parse() {
                owners.insert(id, member.to_string());
            }
        }
    }
    Ok(owners)
}
