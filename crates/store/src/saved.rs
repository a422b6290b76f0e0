//! The membership state and the tree of a Record, and the state of the
//! rules it is read under (the register's, for the node and the reads that
//! need it), saved beside it so that opening replays only the entries
//! after them (`Ledger::open_saved`).
//!
//! The file is derived data: it is used only when it is whole (its checksum
//! holds), of this format's version, and fits the Record (the entries
//! after it replay onto it, and the tree they make has the root of the
//! latest signed checkpoint). Anything else costs a full replay, never a
//! wrong answer. `replay` (`truce verify`) derives everything again and
//! says whether the saved state matches.
//!
//! Layout, integers little-endian: the magic line, the version (u32), the
//! size (u64) and root (32 bytes) it was taken at, the membership state's
//! length (u64) and bytes (JSON, `Registry::to_saved`), the number of
//! stored hashes (u64) and the hashes (32 bytes each, `MerkleLog` order),
//! the CRC-32 of all that; then the rules' state as blobs
//! (`Rules::to_saved`; none for the membership rules alone), each its
//! length (u64), its bytes and their CRC-32, and `u64::MAX` after the last.
//!
//! The rules' state is written a blob at a time, so that a large register
//! is never in memory twice, and read a blob at a time, each mapped into
//! memory and checked before the rules are given it where it lies: what
//! the rules keep undecoded (most of a large register, for a read of one
//! day) is then neither copied nor resident. The tree's hashes are read
//! where they lie too, for as long as the state opened from the file is
//! kept: a node holds the file it started from (its space on disk) until it
//! stops, whatever newer file it saves. The checksums find a damaged or cut file; they are no
//! defence against a file changed on purpose (no unkeyed digest is, beside
//! the database it summarises): `truce verify` compares the saved state
//! with the one it derives. A SHA-256 of a large register's state took
//! about as long as reading half of it back.

use std::fs::File;
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use memmap2::Mmap;
use rayon::prelude::*;
use truce_record::{Hash, MerkleLog, Registry, SavedBlob};

use crate::StoreError;

const MAGIC: &[u8] = b"truce saved membership and tree\n";
/// Raised whenever the layout or the membership state's form changes
/// (the rules' state names its own format).
const VERSION: u32 = 2;
/// Where a blob's length would be: no more blobs follow.
const END_OF_BLOBS: u64 = u64::MAX;

/// A saved membership state and tree, read back whole.
pub(crate) struct Saved {
    pub(crate) registry: Registry,
    pub(crate) log: MerkleLog,
}

/// The membership part of the file but the tree's hashes, which are copied
/// a few at a time as the file is written ([`Hashes`]): the tree of a large
/// Record is not copied whole to be saved.
pub(crate) struct Unsealed {
    head: Vec<u8>,
    hashes: usize,
}

/// The tree's stored hashes in a range, or `None` where the tree no longer
/// holds them.
pub(crate) type Hashes<'a> = dyn Fn(std::ops::Range<usize>) -> Option<Vec<Hash>> + 'a;

/// Hashes copied at once while the file is written.
const HASHES_AT_ONCE: usize = 32_768;

/// The file's first bytes for `registry` and `log` (of the same size):
/// encoding needs only a look at the state, so a caller holding it under a
/// lock encodes there, and writes after.
/// A tree that has run ahead of the membership state (a mirror's step
/// before its commit) is saved as of the state's size.
pub(crate) fn encode(registry: &Registry, log: &MerkleLog) -> Result<Unsealed, StoreError> {
    let size = registry.size();
    let root = log
        .root_at(size)
        .map_err(|e| StoreError::Saved(format!("the tree at size {size}: {e}")))?;
    let registry_bytes = registry.to_saved();
    let mut head = Vec::with_capacity(MAGIC.len() + 64 + registry_bytes.len());
    head.extend_from_slice(MAGIC);
    head.extend_from_slice(&VERSION.to_le_bytes());
    head.extend_from_slice(&size.to_le_bytes());
    head.extend_from_slice(&root.0);
    head.extend_from_slice(&(registry_bytes.len() as u64).to_le_bytes());
    head.extend_from_slice(&registry_bytes);
    let hashes = usize::try_from(truce_record::stored_hash_count(size))
        .map_err(|_| StoreError::Saved(format!("a tree of {size} entries")))?;
    head.extend_from_slice(&(hashes as u64).to_le_bytes());
    Ok(Unsealed { head, hashes })
}

/// Writes `unsealed` and the rules' state of the same size, `blobs` (none
/// where the rules keep no state), to `path`, replacing what was there only
/// once the new file is durable: a reader sees the old file or the new
/// one, never a part.
pub(crate) fn write(
    path: &Path,
    unsealed: &Unsealed,
    hashes: &Hashes<'_>,
    blobs: &mut dyn Iterator<Item = SavedBlob<'_>>,
) -> Result<(), StoreError> {
    let failed = |e: std::io::Error| StoreError::Saved(format!("{}: {e}", path.display()));
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    // Two saves of one process (a node's, as it grows and as it stops)
    // never share a temporary file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let write = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let temporary = path.with_extension(format!("tmp-{}-{write}", std::process::id()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut out = BufWriter::with_capacity(1 << 20, options.open(&temporary)?);
        out.write_all(&unsealed.head)?;
        let mut sum = crc32fast::Hasher::new();
        sum.update(&unsealed.head);
        for from in (0..unsealed.hashes).step_by(HASHES_AT_ONCE) {
            let to = unsealed.hashes.min(from + HASHES_AT_ONCE);
            let chunk = hashes(from..to).ok_or_else(|| {
                std::io::Error::other("the tree changed while it was being saved")
            })?;
            for hash in chunk {
                sum.update(&hash.0);
                out.write_all(&hash.0)?;
            }
        }
        out.write_all(&sum.finalize().to_le_bytes())?;
        for blob in blobs {
            match blob {
                SavedBlob::Bytes(blob) => {
                    out.write_all(&(blob.len() as u64).to_le_bytes())?;
                    out.write_all(&blob)?;
                    out.write_all(&crc32fast::hash(&blob).to_le_bytes())?;
                }
                SavedBlob::Written { len, write } => {
                    out.write_all(&len.to_le_bytes())?;
                    let mut summed = Summed {
                        inner: &mut out,
                        sum: crc32fast::Hasher::new(),
                        written: 0,
                    };
                    write(&mut summed)?;
                    if summed.written != len {
                        return Err(std::io::Error::other(format!(
                            "a part of the rules' state wrote {} bytes, not the {len} it said",
                            summed.written
                        )));
                    }
                    let checksum = summed.sum.finalize();
                    out.write_all(&checksum.to_le_bytes())?;
                }
            }
        }
        out.write_all(&END_OF_BLOBS.to_le_bytes())?;
        let file = out.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(failed)
}

/// A writer that keeps the checksum and the count of what it wrote.
struct Summed<W> {
    inner: W,
    sum: crc32fast::Hasher,
    written: u64,
}

impl<W: Write> Write for Summed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(bytes)?;
        self.sum.update(&bytes[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Why a saved file cannot be used, in words for the operator.
pub(crate) type Unusable = String;

/// A saved file being read: its membership state and tree on a thread of
/// their own, while its rules' state is read a blob at a time
/// ([`Opened::blobs`]), each
/// mapped into memory, checked, and handed over where it lies in the
/// file; whether the whole file was sound is known at [`Opened::finish`].
pub(crate) struct Opened {
    membership: Membership,
    file: File,
    len: usize,
    /// Where the next blob's length is.
    at: usize,
    /// The blob handed over last, whose pages are let go of ([`let_go`])
    /// when the next is read: its reader may read it (its header, say)
    /// after it is handed over.
    last: Option<Arc<Mmap>>,
    /// The next blob's length, where it was mapped with the last blob.
    next_length: Option<u64>,
    /// Blobs mapped and checked, not yet handed over ([`BLOBS_AHEAD`]).
    ahead: std::collections::VecDeque<(Arc<Mmap>, usize)>,
    /// Set when a blob could not be read: no more are given.
    broken: Option<Unusable>,
    ended: bool,
}

/// A blob of the file, as the rules are given it: a mapping of its own,
/// so that its pages are read from the file when it is read, none of its
/// neighbours' are mapped with them, and all are let go when it is
/// dropped (a run of reports decoded, say).
struct MappedBlob(Arc<Mmap>);

impl AsRef<[u8]> for MappedBlob {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Maps `len` bytes of `file` from `offset`.
fn map(file: &File, offset: usize, len: usize) -> Result<Mmap, Unusable> {
    // SAFETY: the file is never written in place, only replaced by a new
    // one renamed over it ([`write`]), which leaves a mapping of the old
    // one as it was; a file cut short by another program would stop this
    // one with a bus error, as a damaged disk may.
    unsafe {
        memmap2::MmapOptions::new()
            .offset(offset as u64)
            .len(len)
            .map(file)
    }
    .map_err(|e| format!("it could not be read: {e}"))
}

/// Lets go of the pages of a mapping that are in memory: they are read
/// from the file again if they are read again. Without this a checked
/// part of a large file would stay resident until it is dropped.
fn let_go(map: &Mmap) {
    let_go_of(map, 0..map.len());
}

/// Lets go of the pages of `range` of a mapping, as [`let_go`] does.
fn let_go_of(map: &Mmap, range: std::ops::Range<usize>) {
    #[cfg(unix)]
    if !range.is_empty() {
        // SAFETY: the mapping is shared and read-only, of a file that is
        // never written in place: a page let go of is read again,
        // unchanged, from the file the next time it is touched.
        let _ = unsafe {
            map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, range.start, range.len())
        };
    }
    #[cfg(not(unix))]
    let _ = (map, range);
}

/// Blobs mapped and checked at once, on all cores, ahead of their reader:
/// checked one after another on the reader's core, a large register's
/// blobs kept that core busy after every other part was read.
const BLOBS_AHEAD: usize = 16;

/// Tree hashes checked at once before their pages are let go of: the tree
/// of a large Record is tens of megabytes, not to be resident while it is
/// checked (its pages are read again as proofs and tiles need them).
const HASH_BYTES_AT_ONCE: usize = 1 << 20;

/// Reads the file's parts in order, from a slice of it.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Unusable> {
        let bytes = self
            .at
            .checked_add(n)
            .and_then(|end| self.bytes.get(self.at..end))
            .ok_or("it ends early")?;
        self.at += n;
        Ok(bytes)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Unusable> {
        Ok(self.take(N)?.try_into().expect("N bytes"))
    }

    fn length(&mut self) -> Result<usize, Unusable> {
        let length = u64::from_le_bytes(self.array()?);
        usize::try_from(length)
            .ok()
            .filter(|&n| n <= self.bytes.len() - self.at)
            .ok_or_else(|| "it ends early".into())
    }
}

/// Opens the state saved at `path` and starts reading its membership
/// state and tree ([`Membership`]): `Ok(None)` when there is none.
pub(crate) fn open(path: &Path) -> Result<Option<Opened>, Unusable> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it could not be read: {e}")),
    };
    let len = file
        .metadata()
        .ok()
        .and_then(|m| usize::try_from(m.len()).ok())
        .ok_or("it could not be read: its length is unknown")?;
    // The whole file, mapped to read its first part; unmapped after.
    let whole = map(&file, 0, len)?;
    let layout = locate_membership(&whole)?;
    let at = layout.end;
    Ok(Some(Opened {
        membership: Membership::read(&file, len, whole, layout),
        file,
        len,
        at,
        last: None,
        next_length: None,
        ahead: std::collections::VecDeque::new(),
        broken: None,
        ended: false,
    }))
}

/// The membership state and tree being read: tens of megabytes of hashes
/// at a million entries, copied and checked on a thread of their own while
/// the rules' state is read, which needs neither. A read of the register at
/// 1M statements spent a fifth of its time on them before any other part
/// of the file was read.
enum Membership {
    Reading(std::thread::JoinHandle<Result<Saved, Unusable>>),
    Read(Box<Result<Saved, Unusable>>),
}

impl Membership {
    fn read(file: &File, len: usize, whole: Mmap, layout: MembershipLayout) -> Self {
        // The hashes are mapped apart, to be kept where they lie.
        let hashes = match map_hashes(file, &layout) {
            Ok(hashes) => hashes,
            Err(why) => return Membership::Read(Box::new(Err(why))),
        };
        let reading = std::thread::Builder::new().name("truce-tree".into());
        let again = layout.clone();
        match reading.spawn(move || read_membership(&whole, hashes, &layout)) {
            Ok(thread) => Membership::Reading(thread),
            // No thread to be had: read here, from mappings of its own.
            Err(_) => {
                Membership::Read(Box::new(map(file, 0, len).and_then(|whole| {
                    read_membership(&whole, map_hashes(file, &again)?, &again)
                })))
            }
        }
    }

    fn wait(self) -> Result<Saved, Unusable> {
        match self {
            Membership::Reading(thread) => thread.join().unwrap_or_else(|_| {
                Err("reading its membership state and tree stopped with a fault".into())
            }),
            Membership::Read(read) => *read,
        }
    }
}

/// Where the parts of the membership state and tree lie in the file, read
/// from the lengths before them.
#[derive(Clone)]
struct MembershipLayout {
    size: u64,
    root: Hash,
    registry: std::ops::Range<usize>,
    hashes: std::ops::Range<usize>,
    /// Where their checksum is.
    checksum: usize,
    /// Where the rules' state begins.
    end: usize,
}

fn locate_membership(file: &[u8]) -> Result<MembershipLayout, Unusable> {
    let mut reader = Cursor { bytes: file, at: 0 };
    let magic = reader
        .take(MAGIC.len())
        .map_err(|_| "it is too short to be a saved state")?;
    if magic != MAGIC {
        return Err("it is not a saved membership state".into());
    }
    let version = u32::from_le_bytes(reader.array()?);
    if version != VERSION {
        return Err(format!(
            "it is of format version {version}; this build reads version {VERSION}"
        ));
    }
    let size = u64::from_le_bytes(reader.array()?);
    let root = Hash(reader.array()?);
    let registry_len = reader.length()?;
    let registry = reader.at..reader.at + registry_len;
    reader.take(registry_len)?;
    let count = reader.length()?;
    let hashes_len = count.checked_mul(32).ok_or("it ends early")?;
    let hashes = reader.at..reader.at + hashes_len;
    reader.take(hashes_len)?;
    let checksum = reader.at;
    reader.take(4)?;
    Ok(MembershipLayout {
        size,
        root,
        registry,
        hashes,
        checksum,
        end: reader.at,
    })
}

/// The tree's hashes where `layout` says they lie, mapped on their own.
fn map_hashes(file: &File, layout: &MembershipLayout) -> Result<Option<Mmap>, Unusable> {
    if layout.hashes.is_empty() {
        return Ok(None);
    }
    map(file, layout.hashes.start, layout.hashes.len()).map(Some)
}

/// The membership state and tree where `layout` says they lie, the tree's
/// hashes read where they lie in `hashes` (a mapping of them alone): the
/// tree of a large Record is tens of megabytes, which a read of the
/// Record would otherwise copy into memory first.
fn read_membership(
    file: &Mmap,
    hashes: Option<Mmap>,
    layout: &MembershipLayout,
) -> Result<Saved, Unusable> {
    let MembershipLayout { size, root, .. } = *layout;
    let mut sum = crc32fast::Hasher::new();
    sum.update(&file[..layout.hashes.start]);
    let hashes = hashes.map(Arc::new);
    if let Some(hashes) = &hashes {
        for (n, chunk) in hashes.chunks(HASH_BYTES_AT_ONCE).enumerate() {
            sum.update(chunk);
            let from = n * HASH_BYTES_AT_ONCE;
            let_go_of(hashes, from..from + chunk.len());
        }
    }
    let stored_sum = &file[layout.checksum..layout.checksum + 4];
    if u32::from_le_bytes(stored_sum.try_into().expect("4 bytes")) != sum.finalize() {
        return Err("its checksum does not match its contents (a damaged file)".into());
    }
    let registry =
        Registry::from_saved(&file[layout.registry.clone()]).map_err(|e| e.to_string())?;
    let hashes = hashes.map_or_else(Bytes::new, |hashes| Bytes::from_owner(MappedBlob(hashes)));
    let log = MerkleLog::from_stored_bytes(hashes, size).map_err(|e| e.to_string())?;
    if registry.size() != size {
        return Err(format!(
            "its membership state is of {} entries and its tree of {size}",
            registry.size()
        ));
    }
    if log.root() != root {
        return Err("its tree does not have the root it was saved with".into());
    }
    Ok(Saved { registry, log })
}

impl Opened {
    /// The rules' state, a blob at a time, read as they are asked for. A
    /// blob that cannot be read ends them; [`Opened::finish`] says why.
    pub(crate) fn blobs(&mut self) -> impl Iterator<Item = Bytes> + Send + '_ {
        std::iter::from_fn(move || self.next_blob())
    }

    fn next_blob(&mut self) -> Option<Bytes> {
        if let Some(last) = self.last.take() {
            let_go(&last);
        }
        if self.ahead.is_empty() && !self.ended && self.broken.is_none() {
            self.read_ahead();
        }
        let (blob, length) = self.ahead.pop_front()?;
        self.last = Some(blob.clone());
        Some(Bytes::from_owner(MappedBlob(blob)).slice(..length))
    }

    /// Maps the next [`BLOBS_AHEAD`] blobs and checks them on all cores
    /// (a reader that is itself on a core of the pool leaves the checks to
    /// the others while it is busy). Those before the first that cannot
    /// be read, or whose checksum fails, are kept to be handed over.
    fn read_ahead(&mut self) {
        let mut mapped = Vec::with_capacity(BLOBS_AHEAD);
        while mapped.len() < BLOBS_AHEAD {
            match self.map_blob() {
                Ok(Some(blob)) => mapped.push(blob),
                Ok(None) => {
                    self.ended = true;
                    break;
                }
                Err(why) => {
                    self.broken = Some(why);
                    break;
                }
            }
        }
        let whole: Vec<bool> = mapped
            .par_iter()
            .map(|(blob, length)| {
                let checksum = &blob[*length..*length + 4];
                let whole = u32::from_le_bytes(checksum.try_into().expect("4 bytes"))
                    == crc32fast::hash(&blob[..*length]);
                // Not resident while it waits to be handed over: the
                // blobs checked at once hold a large register's grid and
                // indexes, tens of megabytes.
                let_go(blob);
                whole
            })
            .collect();
        for ((blob, length), whole) in mapped.into_iter().zip(whole) {
            if !whole {
                // An earlier fault than any that stopped the mapping.
                self.broken =
                    Some("its checksum does not match its contents (a damaged file)".into());
                break;
            }
            self.ahead.push_back((Arc::new(blob), length));
        }
    }

    /// The next blob, not yet checked, in a mapping that holds its
    /// checksum after it and may hold the next blob's length, and its
    /// length; `None` after the last.
    fn map_blob(&mut self) -> Result<Option<(Mmap, usize)>, Unusable> {
        let length = match self.next_length.take() {
            Some(length) => length,
            None => u64::from_le_bytes(self.read_at(self.at)?),
        };
        if length == END_OF_BLOBS {
            self.at += 8;
            return Ok(None);
        }
        let from = self.at + 8;
        let length = usize::try_from(length)
            .ok()
            .filter(|&n| n.checked_add(4).is_some_and(|n| n <= self.len - from))
            .ok_or("it ends early")?;
        // The blob, its checksum and, where the file holds it, the next
        // blob's length, in one mapping: two calls to read each for the
        // others cost a read of a thousand blobs about 4,000 calls.
        let after = if self.len - from - length >= 12 {
            12
        } else {
            4
        };
        let blob = map(&self.file, from, length + after)?;
        if after == 12 {
            let next = blob[length + 4..length + 12].try_into().expect("8 bytes");
            self.next_length = Some(u64::from_le_bytes(next));
        }
        self.at = from + length + 4;
        Ok(Some((blob, length)))
    }

    /// `N` bytes at `offset`.
    fn read_at<const N: usize>(&mut self, offset: usize) -> Result<[u8; N], Unusable> {
        if offset.checked_add(N).is_none_or(|end| end > self.len) {
            return Err("it ends early".into());
        }
        let mut bytes = [0; N];
        self.file
            .seek(SeekFrom::Start(offset as u64))
            .and_then(|_| self.file.read_exact(&mut bytes))
            .map_err(|e| format!("it could not be read: {e}"))?;
        Ok(bytes)
    }

    /// The membership state and tree, once the rest of the file, read to
    /// its end, is whole.
    pub(crate) fn finish(mut self) -> Result<Saved, Unusable> {
        while self.next_blob().is_some() {}
        // The membership part comes first in the file: its fault first.
        let saved = self.membership.wait()?;
        if let Some(why) = self.broken.take() {
            return Err(why);
        }
        if self.at != self.len {
            return Err("it has bytes after its last blob".into());
        }
        Ok(saved)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blobs() -> Vec<Bytes> {
        vec![
            Bytes::from_static(b"the rules'"),
            Bytes::from_static(b" state"),
        ]
    }

    fn saved_bytes(dir: &Path) -> Vec<u8> {
        let path = dir.join("membership");
        let log = MerkleLog::new();
        let unsealed = encode(&Registry::new(), &log).unwrap();
        let hashes = |range| log.stored_hashes_in(range);
        let mut written = [
            SavedBlob::Bytes(b"the rules'".to_vec()),
            SavedBlob::Written {
                len: 6,
                write: Box::new(|out: &mut dyn Write| out.write_all(b" state")),
            },
        ]
        .into_iter();
        write(&path, &unsealed, &hashes, &mut written).unwrap();
        std::fs::read(path).unwrap()
    }

    /// The file `bytes` make, read as a reader of the rules' state would.
    fn read_back(dir: &Path, bytes: &[u8]) -> Result<(Saved, Vec<Bytes>), Unusable> {
        // A new file each time: a file is never written in place while a
        // mapping of it is read.
        static READS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let read = READS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.join(format!("read back {read}"));
        std::fs::write(&path, bytes).unwrap();
        let mut opened = open(&path)?.expect("a file");
        let blobs: Vec<Bytes> = opened.blobs().collect();
        Ok((opened.finish()?, blobs))
    }

    /// A saved file of `count` blobs of different lengths in `dir`, and
    /// the blobs.
    fn many_blobs(dir: &Path, count: usize) -> (std::path::PathBuf, Vec<Vec<u8>>) {
        let path = dir.join("many blobs");
        let log = MerkleLog::new();
        let unsealed = encode(&Registry::new(), &log).unwrap();
        let hashes = |range| log.stored_hashes_in(range);
        let contents: Vec<Vec<u8>> = (0..count)
            .map(|i| (0..i * 997 + 7).map(|j| (i * 31 + j) as u8).collect())
            .collect();
        let mut written = contents.iter().map(|b| SavedBlob::Bytes(b.clone()));
        write(&path, &unsealed, &hashes, &mut written).unwrap();
        (path, contents)
    }

    /// Each blob reads back as written, whichever others are dropped.
    #[test]
    fn blobs_dropped_leave_the_others_whole() {
        let dir = tempfile::tempdir().unwrap();
        let (path, contents) = many_blobs(dir.path(), 40);
        let mut opened = open(&path).unwrap().expect("a file");
        let mut read: Vec<Option<Bytes>> = opened.blobs().map(Some).collect();
        opened.finish().unwrap();
        for dropped in read.iter_mut().step_by(2) {
            *dropped = None;
        }
        let kept: Vec<_> = read
            .iter()
            .enumerate()
            .filter_map(|(i, b)| Some((i, b.as_ref()?)))
            .collect();
        assert_eq!(kept.len(), 20);
        for (i, blob) in kept {
            assert_eq!(&blob[..], &contents[i][..], "blob {i}");
        }
    }

    /// Blobs are checked many at a time ([`BLOBS_AHEAD`]): those before a
    /// damaged one are handed over in order, none from it on, and the file
    /// is refused.
    #[test]
    fn blobs_before_a_damaged_one_come_in_order_and_the_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let count = 2 * BLOBS_AHEAD + 7;
        let (path, contents) = many_blobs(dir.path(), count);
        let whole = std::fs::read(&path).unwrap();
        let mut opened = open(&path).unwrap().expect("a file");
        let read: Vec<Bytes> = opened.blobs().collect();
        opened.finish().unwrap();
        assert_eq!(read, contents);

        let first_blob = whole.len() - 8 - contents.iter().map(|b| 8 + b.len() + 4).sum::<usize>();
        for damaged_blob in [0, BLOBS_AHEAD - 1, BLOBS_AHEAD + 3, count - 1] {
            let at = first_blob
                + contents[..damaged_blob]
                    .iter()
                    .map(|b| 8 + b.len() + 4)
                    .sum::<usize>()
                + 8
                + contents[damaged_blob].len() / 2;
            let mut damaged = whole.clone();
            damaged[at] ^= 0x10;
            let path = dir.path().join(format!("damaged at {damaged_blob}"));
            std::fs::write(&path, &damaged).unwrap();
            let mut opened = open(&path).unwrap().expect("a file");
            let read: Vec<Bytes> = opened.blobs().collect();
            assert_eq!(read, contents[..damaged_blob], "damaged at {damaged_blob}");
            let refusal = opened.finish().err().unwrap();
            assert!(refusal.contains("checksum does not match"), "{refusal}");
        }
    }

    #[test]
    fn only_a_whole_file_of_this_version_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = saved_bytes(dir.path());
        let (whole, read) = read_back(dir.path(), &bytes).unwrap();
        assert_eq!(whole.registry.size(), 0);
        assert_eq!(whole.log.size(), 0);
        assert_eq!(read, blobs());

        let mut other_version = bytes.clone();
        other_version[MAGIC.len()] = 1;
        let refusal = read_back(dir.path(), &other_version).err().unwrap();
        assert!(refusal.contains("format version 1"), "{refusal}");

        let mut longer = bytes.clone();
        longer.push(0);
        let refusal = read_back(dir.path(), &longer).err().unwrap();
        assert!(refusal.contains("after its last blob"), "{refusal}");

        // A changed byte in the root, and in the last blob: each part is
        // checked before it is used.
        let last_blob_byte = bytes.len() - 8 - 4 - 1;
        for at in [MAGIC.len() + 4 + 8, last_blob_byte] {
            let mut damaged = bytes.clone();
            damaged[at] ^= 1;
            let refusal = read_back(dir.path(), &damaged).err().unwrap();
            assert!(refusal.contains("checksum does not match"), "{refusal}");
        }

        for cut in [0, 10, bytes.len() - 12, bytes.len() - 1] {
            assert!(
                read_back(dir.path(), &bytes[..cut]).is_err(),
                "cut at {cut}"
            );
        }
        let other_file =
            "a file of something else, long enough to hold a checksum and more".repeat(2);
        let refusal = read_back(dir.path(), other_file.as_bytes()).err().unwrap();
        assert!(refusal.contains("not a saved"), "{refusal}");
        assert!(matches!(open(&dir.path().join("none")), Ok(None)));
    }

    /// The blobs a reader keeps read as they were when the state is saved
    /// again over them (a node's next save), and as often as they are read.
    #[test]
    fn blobs_kept_from_a_file_outlive_its_replacement() {
        let dir = tempfile::tempdir().unwrap();
        saved_bytes(dir.path());
        let path = dir.path().join("membership");
        let mut opened = open(&path).unwrap().expect("a file");
        let kept: Vec<Bytes> = opened.blobs().collect();
        opened.finish().unwrap();
        assert_eq!(kept, blobs());

        let log = MerkleLog::new();
        let unsealed = encode(&Registry::new(), &log).unwrap();
        let hashes = |range| log.stored_hashes_in(range);
        let mut other = [SavedBlob::Bytes(b"another state".to_vec())].into_iter();
        write(&path, &unsealed, &hashes, &mut other).unwrap();

        assert_eq!(kept, blobs());
        let mut reopened = open(&path).unwrap().expect("a file");
        let now: Vec<Bytes> = reopened.blobs().collect();
        assert_eq!(now, vec![Bytes::from_static(b"another state")]);
        drop(reopened);
        assert_eq!(kept, blobs(), "read again after the new file was read");
    }

    #[cfg(unix)]
    #[test]
    fn the_file_is_the_owners_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        saved_bytes(dir.path());
        let mode = std::fs::metadata(dir.path().join("membership"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
