//! The membership state and the tree of a Record, saved beside it so that
//! a read opens without replaying every entry (`Ledger::open_saved`).
//!
//! The file is derived data: it is used only when it is whole (its digest
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
//! then the SHA-256 of everything before it.

use std::io::Write;
use std::path::Path;

use sha2::{Digest, Sha256};
use truce_record::{Hash, MerkleLog, Registry};

use crate::StoreError;

const MAGIC: &[u8] = b"truce saved membership and tree\n";
/// Raised whenever the layout or the membership state's form changes.
const VERSION: u32 = 1;
const DIGEST: usize = 32;

/// A saved membership state and tree, read back whole.
pub(crate) struct Saved {
    pub(crate) registry: Registry,
    pub(crate) log: MerkleLog,
}

/// The file's bytes for `registry` and `log` (of the same size), to be
/// written with [`write`]: encoding needs only a look at the state, so a
/// caller holding it under a lock encodes there and writes after.
pub(crate) fn encode(registry: &Registry, log: &MerkleLog) -> Vec<u8> {
    let registry_bytes = registry.to_saved();
    let hashes = log.stored_hashes();
    let mut bytes =
        Vec::with_capacity(MAGIC.len() + 64 + registry_bytes.len() + hashes.len() * 32 + DIGEST);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&VERSION.to_le_bytes());
    bytes.extend_from_slice(&log.size().to_le_bytes());
    bytes.extend_from_slice(&log.root().0);
    bytes.extend_from_slice(&(registry_bytes.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&registry_bytes);
    bytes.extend_from_slice(&(hashes.len() as u64).to_le_bytes());
    for hash in hashes {
        bytes.extend_from_slice(&hash.0);
    }
    let digest = Sha256::digest(&bytes);
    bytes.extend_from_slice(&digest);
    bytes
}

/// Writes a file [`encode`] made to `path`, replacing what was there only
/// once the new file is durable: a reader sees the old file or the new
/// one, never a part.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let failed = |e: std::io::Error| StoreError::Saved(format!("{}: {e}", path.display()));
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(failed)?;
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    let written = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temporary, path)?;
        std::fs::File::open(dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written.map_err(failed)
}

/// Why a saved file cannot be used, in words for the operator.
pub(crate) type Unusable = String;

/// The state saved at `path`: `Ok(None)` when there is none.
pub(crate) fn read(path: &Path) -> Result<Option<Saved>, Unusable> {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("it could not be read: {e}")),
    };
    parse(&bytes).map(Some)
}

fn parse(bytes: &[u8]) -> Result<Saved, Unusable> {
    let body_len = bytes
        .len()
        .checked_sub(DIGEST)
        .filter(|&n| n >= MAGIC.len())
        .ok_or("it is too short to be a saved state")?;
    let (body, digest) = bytes.split_at(body_len);
    if !body.starts_with(MAGIC) {
        return Err("it is not a saved membership state".into());
    }
    if Sha256::digest(body).as_slice() != digest {
        return Err("its digest does not match its contents (a damaged file)".into());
    }
    let mut rest = Reader(&body[MAGIC.len()..]);
    let version = u32::from_le_bytes(rest.array()?);
    if version != VERSION {
        return Err(format!(
            "it is of format version {version}; this build reads version {VERSION}"
        ));
    }
    let size = u64::from_le_bytes(rest.array()?);
    let root = Hash(rest.array()?);
    let registry_len = rest.length()?;
    let registry = Registry::from_saved(rest.take(registry_len)?).map_err(|e| e.to_string())?;
    let count = rest.length()?;
    let mut hashes = Vec::with_capacity(count.min(rest.0.len() / 32));
    for _ in 0..count {
        hashes.push(Hash(rest.array()?));
    }
    if !rest.0.is_empty() {
        return Err("it has bytes after its hashes".into());
    }
    let log = MerkleLog::from_stored(hashes, size).map_err(|e| e.to_string())?;
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

struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Unusable> {
        if n > self.0.len() {
            return Err("it ends early".into());
        }
        let (taken, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(taken)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], Unusable> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn length(&mut self) -> Result<usize, Unusable> {
        usize::try_from(u64::from_le_bytes(self.array()?))
            .map_err(|_| "a length is too large".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved_bytes(dir: &Path) -> Vec<u8> {
        let path = dir.join("membership");
        write(&path, &encode(&Registry::new(), &MerkleLog::new())).unwrap();
        std::fs::read(path).unwrap()
    }

    /// Rewrites the digest after a change, as a writer of another format
    /// version would have.
    fn resealed(mut bytes: Vec<u8>) -> Vec<u8> {
        let body = bytes.len() - DIGEST;
        let digest = Sha256::digest(&bytes[..body]);
        bytes[body..].copy_from_slice(&digest);
        bytes
    }

    #[test]
    fn only_a_whole_file_of_this_version_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = saved_bytes(dir.path());
        let whole = parse(&bytes).unwrap();
        assert_eq!(whole.registry.size(), 0);
        assert_eq!(whole.log.size(), 0);

        let mut other_version = bytes.clone();
        other_version[MAGIC.len()] = 2;
        let refusal = parse(&resealed(other_version)).err().unwrap();
        assert!(refusal.contains("format version 2"), "{refusal}");

        let mut longer = bytes[..bytes.len() - DIGEST].to_vec();
        longer.push(0);
        longer.extend_from_slice(&[0; DIGEST]);
        let refusal = parse(&resealed(longer)).err().unwrap();
        assert!(refusal.contains("after its hashes"), "{refusal}");

        for cut in [0, 10, bytes.len() - 1] {
            assert!(parse(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let other_file =
            "a file of something else, long enough to hold a digest and more".repeat(2);
        let refusal = parse(other_file.as_bytes()).err().unwrap();
        assert!(refusal.contains("not a saved"), "{refusal}");
        assert!(matches!(read(&dir.path().join("none")), Ok(None)));
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
