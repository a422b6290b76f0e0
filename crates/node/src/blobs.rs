//! Evidence files beside the Record. A report names each file by its
//! SHA-256 (`Evidence` in the model); the bytes live in the data directory
//! under `blobs/<first 2 hex digits>/<sha256>`, never in the Record.
//!
//! A file is written to a unique temporary file in `blobs/`, hashed as it
//! is written, synced, and renamed into place (then the directory is
//! synced), so a stored blob is always whole and durable; a blob already
//! stored is never rewritten. The same code stores the file of a local
//! `truce report --evidence` and of an upload to the node.
//!
//! The sweep removes what no statement names: a blob older than the grace
//! period that no admitted report or amendment names, and temporary files
//! of uploads that never finished. It never removes a blob the Record
//! names.
//!
//! No HTTP here: the node's handler feeds [`Upload`] the request body.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rand_core::RngCore;
use sha2::{Digest, Sha256};

use crate::NodeError;

/// The folder of blobs inside the data directory.
pub const BLOB_DIR: &str = "blobs";
/// Largest upload a node takes unless told otherwise (`--evidence-limit`).
pub const DEFAULT_LIMIT: u64 = 64 * 1024 * 1024;
/// How long an upload no statement names is kept (`--evidence-grace`).
pub const DEFAULT_GRACE: Duration = Duration::from_secs(24 * 3600);
/// How often a node sweeps.
pub const SWEEP_EVERY: Duration = Duration::from_secs(600);

const TEMP_PREFIX: &str = ".upload-";
const TEMP_SUFFIX: &str = ".tmp";

/// A blob now in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    pub sha256: String,
    pub bytes: u64,
    /// False when the blob was already there (nothing was written).
    pub created: bool,
}

/// What a sweep removed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Swept {
    /// Blobs no statement named, by SHA-256.
    pub blobs: Vec<String>,
    /// Temporary files of unfinished uploads.
    pub temporary: usize,
}

/// Whether `text` is 64 lower-case hex digits (so also a safe file name).
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The blob store of one data directory.
#[derive(Debug, Clone)]
pub struct Blobs {
    root: PathBuf,
}

impl Blobs {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join(BLOB_DIR),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where the blob with this SHA-256 lives (whether or not it does).
    pub fn path_of(&self, sha256: &str) -> Result<PathBuf, NodeError> {
        if !is_sha256(sha256) {
            return Err(NodeError::BadHash(sha256.to_string()));
        }
        Ok(self.root.join(&sha256[..2]).join(sha256))
    }

    pub fn contains(&self, sha256: &str) -> bool {
        self.path_of(sha256).is_ok_and(|p| p.is_file())
    }

    /// Starts storing a file of at most `limit` bytes. With `expected`, the
    /// bytes must hash to it, and when that blob is already stored they are
    /// only hashed, not written.
    pub fn begin(&self, expected: Option<&str>, limit: u64) -> Result<Upload, NodeError> {
        if let Some(expected) = expected {
            let target = self.path_of(expected)?;
            if target.is_file() {
                return Ok(Upload::new(self.clone(), expected, limit, None));
            }
        }
        std::fs::create_dir_all(&self.root)?;
        let mut random = [0u8; 12];
        rand_core::OsRng.fill_bytes(&mut random);
        let temporary = self
            .root
            .join(format!("{TEMP_PREFIX}{}{TEMP_SUFFIX}", hex::encode(random)));
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        Ok(Upload::new(
            self.clone(),
            expected.unwrap_or_default(),
            limit,
            Some((file, temporary)),
        ))
    }

    /// Stores the file at `path` (read in pieces, never whole in memory).
    pub fn store_file(&self, path: &Path, limit: u64) -> Result<Stored, NodeError> {
        let mut source = File::open(path)?;
        let mut upload = self.begin(None, limit)?;
        let mut buffer = vec![0u8; 256 * 1024];
        loop {
            let n = source.read(&mut buffer)?;
            if n == 0 {
                break;
            }
            upload.write(&buffer[..n])?;
        }
        upload.finish()
    }

    /// The SHA-256 of every stored blob.
    pub fn stored(&self) -> Result<Vec<String>, NodeError> {
        let mut found = Vec::new();
        self.each_blob(|sha256, _| {
            found.push(sha256.to_string());
            Ok(())
        })?;
        Ok(found)
    }

    /// Calls `visit` with each stored blob's SHA-256 and path.
    fn each_blob(
        &self,
        mut visit: impl FnMut(&str, &Path) -> Result<(), NodeError>,
    ) -> Result<(), NodeError> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let is_shard = name.len() == 2 && name.bytes().all(|b| b.is_ascii_hexdigit());
            if !is_shard || !entry.file_type()?.is_dir() {
                continue;
            }
            for blob in std::fs::read_dir(entry.path())? {
                let blob = blob?;
                let sha256 = blob.file_name().to_string_lossy().into_owned();
                if is_sha256(&sha256) && sha256.starts_with(&name) {
                    visit(&sha256, &blob.path())?;
                }
            }
        }
        Ok(())
    }

    /// Temporary files of uploads (finished ones leave none).
    fn temporary_files(&self) -> Result<Vec<PathBuf>, NodeError> {
        let entries = match std::fs::read_dir(&self.root) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e.into()),
        };
        let mut found = Vec::new();
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX) {
                found.push(entry.path());
            }
        }
        Ok(found)
    }

    /// Removes what no statement names: blobs last uploaded longer than
    /// `grace` before `now` for which `is_named` is false, and temporary
    /// files as old. A blob `is_named` accepts is never removed.
    pub fn sweep(
        &self,
        grace: Duration,
        now: SystemTime,
        is_named: impl Fn(&str) -> bool,
    ) -> Result<Swept, NodeError> {
        let mut swept = Swept::default();
        let older = |path: &Path| -> bool {
            std::fs::metadata(path)
                .and_then(|m| m.modified())
                .is_ok_and(|modified| now.duration_since(modified).is_ok_and(|age| age > grace))
        };
        for path in self.temporary_files()? {
            if older(&path) && remove(&path)? {
                swept.temporary += 1;
            }
        }
        self.each_blob(|sha256, path| {
            if older(path) && !is_named(sha256) && remove(path)? {
                swept.blobs.push(sha256.to_string());
            }
            Ok(())
        })?;
        swept.blobs.sort();
        Ok(swept)
    }
}

/// Removes a file; false if it was already gone.
fn remove(path: &Path) -> Result<bool, NodeError> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// A file being stored: written to its temporary file and hashed as it
/// comes. Dropped unfinished, the temporary file is removed.
#[derive(Debug)]
pub struct Upload {
    blobs: Blobs,
    expected: String,
    limit: u64,
    hasher: Sha256,
    bytes: u64,
    /// None when the blob is already stored: the bytes are only hashed.
    file: Option<(File, PathBuf)>,
}

impl Upload {
    fn new(blobs: Blobs, expected: &str, limit: u64, file: Option<(File, PathBuf)>) -> Self {
        Self {
            blobs,
            expected: expected.to_string(),
            limit,
            hasher: Sha256::new(),
            bytes: 0,
            file,
        }
    }

    /// Bytes taken so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Takes the next bytes; refuses (and the upload is void) past the limit.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), NodeError> {
        self.bytes += chunk.len() as u64;
        if self.bytes > self.limit {
            return Err(NodeError::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        if let Some((file, _)) = &mut self.file {
            file.write_all(chunk)?;
        }
        Ok(())
    }

    /// Checks the hash, then syncs the file and renames it into place; an
    /// existing blob is left as it is, its time refreshed so that the grace
    /// before a sweep starts again.
    pub fn finish(mut self) -> Result<Stored, NodeError> {
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        if !self.expected.is_empty() && sha256 != self.expected {
            return Err(NodeError::Mismatch {
                expected: std::mem::take(&mut self.expected),
                actual: sha256,
            });
        }
        let target = self.blobs.path_of(&sha256)?;
        let stored = |created| Stored {
            sha256: sha256.clone(),
            bytes: self.bytes,
            created,
        };
        let Some((file, temporary)) = self.file.take() else {
            touch(&target)?;
            return Ok(stored(false));
        };
        if target.is_file() {
            drop(file);
            remove(&temporary)?;
            touch(&target)?;
            return Ok(stored(false));
        }
        let result = (|| {
            file.sync_all()?;
            drop(file);
            let shard = target.parent().expect("a blob's folder");
            std::fs::create_dir_all(shard)?;
            std::fs::rename(&temporary, &target)?;
            sync_dir(shard)?;
            sync_dir(&self.blobs.root)
        })();
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temporary);
            return Err(e.into());
        }
        Ok(stored(true))
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if let Some((_, temporary)) = self.file.take() {
            let _ = std::fs::remove_file(temporary);
        }
    }
}

/// Sets a file's modification time to now, keeping its bytes.
fn touch(path: &Path) -> std::io::Result<()> {
    File::options()
        .append(true)
        .open(path)?
        .set_modified(SystemTime::now())
}

/// Makes a rename in `dir` durable.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sha(bytes: &[u8]) -> String {
        hex::encode(Sha256::digest(bytes))
    }

    fn age(path: &Path, seconds: u64) {
        File::options()
            .append(true)
            .open(path)
            .unwrap()
            .set_modified(SystemTime::now() - Duration::from_secs(seconds))
            .unwrap();
    }

    #[test]
    fn a_file_is_stored_once_under_its_hash() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::new(dir.path());
        let source = dir.path().join("photo.jpg");
        std::fs::write(&source, b"not really a jpeg").unwrap();
        let stored = blobs.store_file(&source, 1024).unwrap();
        let hash = sha(b"not really a jpeg");
        assert_eq!(stored.sha256, hash);
        assert!(stored.created);
        let path = dir.path().join("blobs").join(&hash[..2]).join(&hash);
        assert_eq!(std::fs::read(&path).unwrap(), b"not really a jpeg");
        // Again: nothing written, no temporary file left.
        let again = blobs.store_file(&source, 1024).unwrap();
        assert!(!again.created);
        let leftovers: Vec<_> = std::fs::read_dir(blobs.root())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().starts_with(TEMP_PREFIX))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn wrong_hashes_and_large_files_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::new(dir.path());
        let mut upload = blobs.begin(Some(&sha(b"other")), 100).unwrap();
        upload.write(b"these bytes").unwrap();
        assert!(matches!(upload.finish(), Err(NodeError::Mismatch { .. })));
        let mut upload = blobs.begin(None, 4).unwrap();
        assert!(matches!(
            upload.write(b"12345"),
            Err(NodeError::TooLarge { limit: 4 })
        ));
        drop(upload);
        assert_eq!(std::fs::read_dir(blobs.root()).unwrap().count(), 0);
        assert!(matches!(
            blobs.begin(Some("../../etc/passwd"), 100),
            Err(NodeError::BadHash(_))
        ));
    }

    #[test]
    fn the_sweep_removes_only_old_blobs_no_statement_names() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = Blobs::new(dir.path());
        let mut stored = Vec::new();
        for text in ["named", "unnamed and old", "unnamed and new"] {
            let mut upload = blobs.begin(None, 100).unwrap();
            upload.write(text.as_bytes()).unwrap();
            stored.push(upload.finish().unwrap().sha256);
        }
        let [named, old, new] = [&stored[0], &stored[1], &stored[2]];
        age(&blobs.path_of(named).unwrap(), 10);
        age(&blobs.path_of(old).unwrap(), 10);
        // An upload that never finished, as after a crash.
        let abandoned = blobs
            .root()
            .join(format!("{TEMP_PREFIX}abandoned{TEMP_SUFFIX}"));
        std::fs::write(&abandoned, b"half").unwrap();
        age(&abandoned, 10);
        let grace = Duration::from_secs(5);
        let swept = blobs
            .sweep(grace, SystemTime::now(), |h| h == named.as_str())
            .unwrap();
        assert_eq!(swept.blobs, vec![old.clone()]);
        assert_eq!(swept.temporary, 1);
        assert!(blobs.contains(named) && blobs.contains(new) && !blobs.contains(old));
        assert!(!abandoned.exists());
        // Uploading an old blob again starts its grace again.
        age(&blobs.path_of(new).unwrap(), 10);
        let mut upload = blobs.begin(Some(new), 100).unwrap();
        upload.write(b"unnamed and new").unwrap();
        assert!(!upload.finish().unwrap().created);
        let swept = blobs
            .sweep(grace, SystemTime::now(), |h| h == named.as_str())
            .unwrap();
        assert_eq!(swept, Swept::default());
        // Once past the grace, however long ago, a named blob stays.
        let later = SystemTime::now() + Duration::from_secs(3600);
        let swept = blobs.sweep(grace, later, |h| h == named.as_str()).unwrap();
        assert_eq!(swept.blobs, vec![new.clone()]);
        assert!(blobs.contains(named));
    }
}
