//! Opening the node behind every command: the data directory, its node key,
//! and the database (the SQLite file inside it, or PostgreSQL).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use truce_client::Trust;
use truce_gazetteer::Gazetteer;
use truce_record::{CheckpointSigner, NoRules, Registry, Rules};
use truce_regime::{Register, RegisterConfig};
use truce_store::{Ledger, SavedUse, Store};

/// How many entries a read replays past a saved state before it saves a
/// new one: at least this many, and at least a tenth of the state's own
/// entries, since saving costs about as much as replaying that many.
const SAVE_AFTER_ENTRIES: u64 = 10_000;

use crate::keyfile;

pub struct Location {
    pub data_dir: PathBuf,
    pub database: Option<String>,
    /// A remote node to submit to, instead of the local Record.
    pub node: Option<String>,
    /// The member's read token on that node.
    pub token: Option<String>,
    /// A PEM file of the CA certificates an `https://` node's certificate
    /// must chain to, instead of this machine's roots.
    pub ca: Option<PathBuf>,
    /// What a remote write waits for and keeps.
    pub receipt: ReceiptOptions,
}

/// After a remote write: how long to wait for a final checkpoint covering
/// it, and where to save its proof.
#[derive(Debug, Clone, Default)]
pub struct ReceiptOptions {
    pub wait: std::time::Duration,
    pub save: Option<PathBuf>,
}

impl Location {
    /// Whom `https://` nodes and witnesses must prove themselves to: the
    /// certificates in `--ca` where given, this machine's roots otherwise.
    pub fn trust(&self) -> Result<Trust> {
        Ok(match &self.ca {
            Some(path) => Trust::ca_file(path)?,
            None => Trust::System,
        })
    }

    /// `truce` with the options that reach this Record, to print commands
    /// that work as printed, from any directory. A database URL with a
    /// password is not printed: `$TRUCE_DATABASE_URL` stands in for it.
    pub fn command_line(&self) -> String {
        let mut line = format!(
            "truce --data-dir {}",
            shell_word(&self.data_dir.to_string_lossy())
        );
        if let Some(url) = &self.database {
            if redact(url) == *url {
                line += &format!(" --database {}", shell_word(url));
            } else {
                line += " --database \"$TRUCE_DATABASE_URL\"";
            }
        }
        line
    }

    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("truce.sqlite")
    }

    pub fn node_key_path(&self) -> PathBuf {
        self.data_dir.join("node.key")
    }

    pub fn describe(&self) -> String {
        match &self.database {
            Some(url) => format!("PostgreSQL {}", redact(url)),
            None => self.sqlite_path().display().to_string(),
        }
    }

    pub async fn open_store(&self) -> Result<Store> {
        let store = match &self.database {
            Some(url) => Store::open_postgres(url)
                .await
                .with_context(|| format!("opening PostgreSQL at {}", redact(url)))?,
            None => {
                std::fs::create_dir_all(&self.data_dir)
                    .with_context(|| format!("creating {}", self.data_dir.display()))?;
                warn_if_open_to_others(&self.data_dir);
                Store::open_sqlite(&self.sqlite_path())
                    .await
                    .with_context(|| format!("opening {}", self.sqlite_path().display()))?
            }
        };
        Ok(store)
    }

    /// For a command that reads the Record while `--node` is given: this
    /// machine's own verified copy of the node's Record (a mirror in the
    /// cache directory), brought up to date first. Statements still go to
    /// the node; reads never trust it.
    pub async fn synced(self) -> Result<Location> {
        let Some(url) = self.node.clone() else {
            return Ok(self);
        };
        let local = Location {
            data_dir: cache_dir_for(&url)?,
            database: None,
            node: Some(url.clone()),
            token: self.token.clone(),
            ca: self.ca.clone(),
            receipt: self.receipt.clone(),
        };
        crate::mirror::sync_cache(&local, &url).await?;
        Ok(local)
    }

    /// Takes the data directory's writer lock for this process, at once or
    /// not at all: a node serving the directory, or another command writing
    /// to it, makes this fail with what to do instead.
    pub fn lock_for_writing(&self) -> Result<DirLock> {
        DirLock::take(&self.data_dir, &format!("pid {}", std::process::id()))
    }

    pub fn mirror_file_path(&self) -> PathBuf {
        self.data_dir.join(MIRROR_FILE)
    }

    /// Opens an existing Record under the register's rules: for appending
    /// where the data directory holds the node key, read-only otherwise (a
    /// mirror, or a copy a verifier holds: no private key is needed to read).
    /// Either way every entry's leaf hash is recomputed and the tree's root
    /// checked against the latest signed checkpoint before anything is read.
    /// Opens the Record to read it, as of its latest checkpoint. Never a
    /// writer, so a read beside a node that serves (and commits to) the
    /// same directory sees a consistent Record, whatever the node commits
    /// meanwhile.
    pub async fn open_ledger(&self) -> Result<Ledger<Register>> {
        let store = self.open_nonempty_store().await?;
        let path = self.saved_register_path();
        let (ledger, used) = Ledger::open_saved(store, new_register(), &path)
            .await
            .with_context(|| format!("opening the Record in {}", self.describe()))?;
        keep_saved(&ledger, &path, &used);
        Ok(ledger)
    }

    /// Opens the Record as [`Location::open_ledger`] does, checking every
    /// leaf hash against the latest signed checkpoint and the membership
    /// rules, but without projecting the register: for commands that read
    /// entries, members and the tree only (the log, proofs, the policy, a
    /// witness), which then open a large Record several times sooner.
    /// `truce verify` checks the register's rules as well.
    pub async fn open_record(&self) -> Result<Ledger<NoRules>> {
        let store = self.open_nonempty_store().await?;
        let path = self.saved_membership_path();
        let (ledger, used) = Ledger::open_saved(store, NoRules, &path)
            .await
            .with_context(|| format!("opening the Record in {}", self.describe()))?;
        keep_saved(&ledger, &path, &used);
        Ok(ledger)
    }

    /// The membership state and tree saved beside the Record, from which
    /// the commands that need no more than membership open
    /// ([`Location::open_record`]).
    pub fn saved_membership_path(&self) -> PathBuf {
        self.data_dir.join("membership.saved")
    }

    /// The register's state saved beside the Record with the membership
    /// state and tree of the same entries, from which the node and the
    /// commands that read the register open ([`Location::open_ledger`]).
    pub fn saved_register_path(&self) -> PathBuf {
        self.data_dir.join("register.saved")
    }

    /// Opens the Record to append to it, for the holder of the writer lock:
    /// with the node key where the directory has one (a node), else to
    /// read and follow (a mirror, a copy).
    pub async fn open_ledger_to_write(&self, writing: &DirLock) -> Result<Ledger<Register>> {
        Ok(self.open_node(writing).await?.0)
    }

    /// Opens the Record as [`Location::open_ledger_to_write`] does; says
    /// how it came by its state.
    pub async fn open_node(&self, _writing: &DirLock) -> Result<(Ledger<Register>, SavedUse)> {
        let signer = self
            .node_key_path()
            .exists()
            .then(|| self.node_key())
            .transpose()?;
        let store = self.open_nonempty_store().await?;
        let path = self.saved_register_path();
        let opened = match signer {
            Some(signer) => Ledger::open_saved_to_write(store, signer, new_register(), &path).await,
            None => Ledger::open_saved(store, new_register(), &path).await,
        };
        let (ledger, used) =
            opened.with_context(|| format!("opening the Record in {}", self.describe()))?;
        match &used {
            SavedUse::Loaded { size, replayed } => tracing::info!(
                saved_at = size,
                replayed,
                "opened from the register's saved state"
            ),
            SavedUse::Derived { unused } => tracing::info!(
                file = %path.display(),
                "opened by replaying every entry; the saved state was not used: {unused}"
            ),
        }
        Ok((ledger, used))
    }

    async fn open_nonempty_store(&self) -> Result<Store> {
        let store = self.open_store().await?;
        if store.size().await? == 0 {
            bail!(
                "no Record in {} yet: create one with `truce init`, or copy one with `truce mirror`",
                self.describe()
            );
        }
        Ok(store)
    }

    /// Fails with a plain message where this data directory cannot append:
    /// a mirror (whose node is named) or a copy without the node key.
    pub fn ensure_writable(&self) -> Result<()> {
        if self.node_key_path().exists() {
            return Ok(());
        }
        if let Ok(text) = std::fs::read_to_string(self.mirror_file_path()) {
            if let Ok(mirror) = serde_json::from_str::<MirrorFile>(&text) {
                bail!(
                    "{} is a mirror of {}: send statements to that node",
                    self.data_dir.display(),
                    mirror.origin
                );
            }
        }
        bail!(
            "{} holds no node key: it is a copy of the Record, which only reads; send statements to the node",
            self.data_dir.display()
        )
    }

    pub fn node_key(&self) -> Result<CheckpointSigner> {
        let path = self.node_key_path();
        if !path.exists() {
            bail!(
                "no node key at {}: is {} a truce data directory? (`truce init` creates one)",
                path.display(),
                self.data_dir.display()
            );
        }
        keyfile::read_node_key(&path)
    }
}

/// Where the verified copies of remote nodes' Records are kept:
/// `TRUCE_CACHE_DIR`, else the user's cache directory, one folder per node.
fn cache_dir_for(url: &str) -> Result<PathBuf> {
    let base = match std::env::var_os("TRUCE_CACHE_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("XDG_CACHE_HOME") {
            Some(dir) => PathBuf::from(dir).join("truce"),
            None => PathBuf::from(std::env::var_os("HOME").context(
                "no HOME, XDG_CACHE_HOME or TRUCE_CACHE_DIR for the copies of remote Records",
            )?)
            .join(".cache")
            .join("truce"),
        },
    };
    let name: String = url
        .trim_end_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(base.join("nodes").join(name))
}

/// Name of the lock file inside a data directory.
const LOCK_FILE: &str = "writer.lock";

/// The one writer of a data directory (an advisory `flock`, released when
/// the process ends, however it ends). The file says who holds it.
pub struct DirLock {
    file: std::fs::File,
}

impl DirLock {
    /// Waits for the lock (a cache that another command is updating).
    pub fn wait(data_dir: &Path) -> Result<Self> {
        Self::lock(data_dir, &format!("pid {}", std::process::id()), true)
    }

    fn take(data_dir: &Path, holder: &str) -> Result<Self> {
        Self::lock(data_dir, holder, false)
    }

    fn lock(data_dir: &Path, holder: &str, wait: bool) -> Result<Self> {
        use std::os::fd::AsRawFd;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let path = data_dir.join(LOCK_FILE);
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("opening {}", path.display()))?;
        // SAFETY: flock on a file descriptor this function owns.
        let mode = if wait {
            libc::LOCK_EX
        } else {
            libc::LOCK_EX | libc::LOCK_NB
        };
        let taken = unsafe { libc::flock(file.as_raw_fd(), mode) } == 0;
        if !taken {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let text = text.trim();
            if let Some(url) = text.strip_prefix("serving ") {
                bail!("a node is serving this Record at {url}; use --node {url}");
            }
            bail!(
                "another truce process ({text}) is writing to {}; wait until it is done",
                data_dir.display()
            );
        }
        let mut lock = Self { file };
        lock.say(holder)?;
        Ok(lock)
    }

    /// Says who holds the lock, for the refusal others will read.
    pub fn say(&mut self, holder: &str) -> Result<()> {
        use std::io::{Seek, Write};
        self.file.set_len(0)?;
        self.file.seek(std::io::SeekFrom::Start(0))?;
        self.file.write_all(format!("{holder}\n").as_bytes())?;
        Ok(())
    }
}

/// What a mirror's data directory remembers: the node it follows and the
/// node key its operator pinned on the first run.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MirrorFile {
    pub origin: String,
    pub node_key: String,
}

/// Name of the mirror's file inside its data directory.
pub const MIRROR_FILE: &str = "mirror.json";

/// Saves the state a read opened with, when it replayed every entry or
/// many past the saved state, so that the next read replays few. A
/// read-only copy of a Record cannot keep one; it still reads.
fn keep_saved<R: Rules + Clone + 'static>(ledger: &Ledger<R>, path: &Path, used: &SavedUse) {
    let stale = match used {
        SavedUse::Loaded { size, replayed } => *replayed >= save_after(*size),
        SavedUse::Derived { unused } => {
            tracing::debug!(file = %path.display(), "not opened from the saved state: {unused}");
            true
        }
    };
    if stale {
        if let Err(e) = ledger.save_state(path) {
            tracing::warn!("the next read will replay the whole Record again: {e}");
        }
    }
}

/// How many entries past a state saved at `size` make it worth saving
/// again.
pub fn save_after(size: u64) -> u64 {
    SAVE_AFTER_ENTRIES.max(size / 10)
}

/// The register every command applies: default grouping and unanimity.
pub fn new_register() -> Register {
    Register::new(RegisterConfig::default(), Gazetteer::syria())
}

/// Hides a password in a database URL before it is printed.
/// Says so on standard error when the data directory, or a file in it,
/// can be read by others than its owner (made before truce kept its files
/// private, or loosened by hand): it holds restricted reports and tokens.
fn warn_if_open_to_others(data_dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let loose = |path: &Path| {
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
            .filter(|mode| mode & 0o077 != 0)
    };
    let mut paths = vec![data_dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(data_dir) {
        paths.extend(entries.flatten().map(|e| e.path()));
    }
    let open: Vec<String> = paths
        .iter()
        .filter_map(|p| loose(p).map(|mode| format!("{} ({mode:o})", p.display())))
        .collect();
    if !open.is_empty() {
        eprintln!(
            "warning: others than the owner can open {}; run `chmod -R go-rwx {}`",
            open.join(", "),
            data_dir.display()
        );
    }
}

/// `text` as one word for a POSIX shell.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-:@%+=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let credentials = &url[scheme + 3..at];
            match credentials.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// The member name that holds a key, for listings.
pub fn member_of(registry: &Registry, author: &truce_record::KeyId) -> String {
    registry
        .member_of(author)
        .map(|m| m.to_string())
        .unwrap_or_else(|| format!("key {author}"))
}

pub fn ensure_new_record_dir(data_dir: &Path) -> Result<()> {
    if data_dir.join("node.key").exists() {
        bail!(
            "{} already holds a Record (node.key exists); choose another --data-dir",
            data_dir.display()
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_not_printed() {
        assert_eq!(
            redact("postgres://truce:secret@db:5432/truce"),
            "postgres://truce:***@db:5432/truce"
        );
        assert_eq!(
            redact("postgres://truce@db/truce"),
            "postgres://truce@db/truce"
        );
    }
}
