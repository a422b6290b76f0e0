//! Read tokens: bearer secrets that name a member and the role it reads
//! with. They live in `tokens.json` in the node's data directory, as
//! SHA-256 hashes only: a stolen file gives no usable token. The secret is
//! shown once, by [`create_token`]. [`TokenStore`] re-reads the file when
//! it changes, so a revocation takes effect on the next request without a
//! restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truce_model::{MemberName, Role};

use crate::NodeError;

/// Name of the token file inside the data directory.
pub const TOKEN_FILE: &str = "tokens.json";
/// Every secret starts with this, so a leaked token is easy to spot in logs
/// and scanners.
const SECRET_PREFIX: &str = "truce_";

/// One line of the token file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRecord {
    /// Hex SHA-256 of the secret; its first 12 digits name the token.
    pub hash: String,
    pub member: MemberName,
    pub role: Role,
    /// RFC 3339.
    pub created: String,
}

impl TokenRecord {
    /// A short handle for listings and revocation; not secret.
    pub fn id(&self) -> &str {
        self.hash.get(..12).unwrap_or(&self.hash)
    }
}

fn token_path(data_dir: &Path) -> PathBuf {
    data_dir.join(TOKEN_FILE)
}

fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// All tokens in the data directory (none if the file does not exist).
pub fn list_tokens(data_dir: &Path) -> Result<Vec<TokenRecord>, NodeError> {
    read_tokens(&token_path(data_dir))
}

fn read_tokens(path: &Path) -> Result<Vec<TokenRecord>, NodeError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| NodeError::Tokens(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(NodeError::Io(e)),
    }
}

/// Writes the whole file through a temporary file and a rename, so a
/// reader never sees half a file; readable by the owner only.
fn write_tokens(data_dir: &Path, tokens: &[TokenRecord]) -> Result<(), NodeError> {
    let text = serde_json::to_vec_pretty(tokens).map_err(|e| NodeError::Tokens(e.to_string()))?;
    crate::files::write_private(data_dir, TOKEN_FILE, &text)
}

/// Creates a bearer token for `member` reading with `role`'s access, and
/// returns the secret. The secret is not stored and cannot be shown again.
///
/// The caller (`truce token create`) should first check that the member is
/// admitted in the Record with that role: see [`role_in_record`].
pub fn create_token(data_dir: &Path, member: &MemberName, role: Role) -> Result<String, NodeError> {
    let mut random = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut random);
    let secret = format!("{SECRET_PREFIX}{}", hex::encode(random));
    let mut tokens = list_tokens(data_dir)?;
    tokens.push(TokenRecord {
        hash: hash_secret(&secret),
        member: member.clone(),
        role,
        created: jiff::Timestamp::now().to_string(),
    });
    write_tokens(data_dir, &tokens)?;
    Ok(secret)
}

/// Revokes the token whose id (or a longer prefix of its hash, at least 8
/// hex digits) is `id`. Returns the revoked record.
pub fn revoke_token(data_dir: &Path, id: &str) -> Result<TokenRecord, NodeError> {
    if id.len() < 8 {
        return Err(NodeError::Tokens(
            "give at least 8 hex digits of the token id".into(),
        ));
    }
    let mut tokens = list_tokens(data_dir)?;
    let matching: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].hash.starts_with(id))
        .collect();
    let index = match matching.as_slice() {
        [one] => *one,
        [] => return Err(NodeError::NotFound(format!("no token {id}"))),
        _ => return Err(NodeError::Tokens(format!("{id} names several tokens"))),
    };
    let revoked = tokens.remove(index);
    write_tokens(data_dir, &tokens)?;
    Ok(revoked)
}

/// Revokes every token of `member`; returns how many there were.
pub fn revoke_member_tokens(data_dir: &Path, member: &MemberName) -> Result<usize, NodeError> {
    let mut tokens = list_tokens(data_dir)?;
    let before = tokens.len();
    tokens.retain(|t| &t.member != member);
    let revoked = before - tokens.len();
    if revoked > 0 {
        write_tokens(data_dir, &tokens)?;
    }
    Ok(revoked)
}

/// The token file as last read, reloaded when its modification time or
/// length changes.
pub struct TokenStore {
    path: PathBuf,
    cache: RwLock<Cached>,
}

#[derive(Default)]
struct Cached {
    stamp: Option<(SystemTime, u64)>,
    by_hash: HashMap<String, TokenRecord>,
}

impl TokenStore {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: token_path(data_dir),
            cache: RwLock::new(Cached::default()),
        }
    }

    pub fn lookup(&self, secret: &str) -> Result<Option<TokenRecord>, NodeError> {
        let stamp = match std::fs::metadata(&self.path) {
            Ok(meta) => Some((meta.modified()?, meta.len())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        // Hashing first means the map lookup compares hashes, not secrets,
        // so its timing tells nothing about a secret.
        let hash = hash_secret(secret);
        {
            let cache = self.cache.read().expect("token cache");
            if cache.stamp == stamp {
                return Ok(cache.by_hash.get(&hash).cloned());
            }
        }
        let tokens = if stamp.is_some() {
            read_tokens(&self.path)?
        } else {
            Vec::new()
        };
        let mut cache = self.cache.write().expect("token cache");
        cache.stamp = stamp;
        cache.by_hash = tokens.into_iter().map(|t| (t.hash.clone(), t)).collect();
        Ok(cache.by_hash.get(&hash).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stored_hashed_and_revocable() {
        let dir = tempfile::tempdir().unwrap();
        let member = MemberName::new("ru-monitor").unwrap();
        let secret = create_token(dir.path(), &member, Role::GuarantorMember).unwrap();
        let text = std::fs::read_to_string(dir.path().join(TOKEN_FILE)).unwrap();
        assert!(!text.contains(&secret));
        let store = TokenStore::new(dir.path());
        assert_eq!(store.lookup(&secret).unwrap().unwrap().member, member);
        let id = list_tokens(dir.path()).unwrap()[0].id().to_string();
        revoke_token(dir.path(), &id).unwrap();
        assert!(store.lookup(&secret).unwrap().is_none());
    }
}
