//! Opening the node behind every command: the data directory, its node key,
//! and the database (the SQLite file inside it, or PostgreSQL).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use truce_gazetteer::Gazetteer;
use truce_record::{CheckpointSigner, Registry};
use truce_regime::{Register, RegisterConfig};
use truce_store::{Ledger, Store};

use crate::keyfile;

pub struct Location {
    pub data_dir: PathBuf,
    pub database: Option<String>,
}

impl Location {
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
                Store::open_sqlite(&self.sqlite_path())
                    .await
                    .with_context(|| format!("opening {}", self.sqlite_path().display()))?
            }
        };
        Ok(store)
    }

    /// Opens an existing Record for appending, under the register's rules.
    pub async fn open_ledger(&self) -> Result<Ledger<Register>> {
        let signer = self.node_key()?;
        let store = self.open_store().await?;
        if store.size().await? == 0 {
            bail!(
                "no Record in {} yet: create one with `truce init`",
                self.describe()
            );
        }
        Ledger::open_with(store, signer, new_register())
            .await
            .with_context(|| format!("opening the Record in {}", self.describe()))
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

/// The register every command applies: default grouping and unanimity.
pub fn new_register() -> Register {
    Register::new(RegisterConfig::default(), Gazetteer::syria())
}

/// Hides a password in a database URL before it is printed.
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
