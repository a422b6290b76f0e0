//! Who may read what. Statements need no token: a statement's signature is
//! its authentication, and the node checks it. An evidence upload is not
//! signed, so it takes a guarantor's token (`Resource::EvidenceUpload`).
//! Reads are by access level:
//! anonymous callers are `Public`; a bearer token names a member and the
//! access its role gives.
//!
//! Tokens live in `tokens.json` in the node's data directory, as SHA-256
//! hashes only: a stolen file gives no usable token. The secret is shown
//! once, by [`create_token`]. The file is re-read when it changes, so a
//! revocation takes effect on the next request without a restart.
//!
//! The policy is the one table in [`Resource::least_access`]; handlers ask
//! the [`Caller`] extractor (or [`Allowed`], for routes the public may
//! not read at all) and never look at
//! roles themselves.

use std::collections::HashMap;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::RwLock;
use std::time::SystemTime;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truce_model::{MemberName, Role};

use crate::{AppState, ServerError};

/// Name of the token file inside the data directory.
pub const TOKEN_FILE: &str = "tokens.json";
/// Every secret starts with this, so a leaked token is easy to spot in logs
/// and scanners.
const SECRET_PREFIX: &str = "truce_";

/// How much a caller may read, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Public,
    Observer,
    Guarantor,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Observer => "observer",
            Access::Guarantor => "guarantor",
        }
    }

    /// The access a member's role gives. The operator and the intermediary
    /// read as observers: they take no position on the register. Detainee
    /// identities are never served: lists are sealed to the intermediary's
    /// and the submitter's keys, and opened on their own machines.
    pub fn of_role(role: Role) -> Access {
        match role {
            Role::GuarantorMember => Access::Guarantor,
            Role::Observer | Role::Intermediary | Role::Operator => Access::Observer,
        }
    }
}

/// Everything the API serves, by what it reveals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Mechanism name, node key, checkpoints, proofs without entry bytes.
    Verification,
    Formations,
    /// Findings without positions or dissent; counts.
    PublicFindings,
    /// Findings with each guarantor's position and the dissent.
    FullFindings,
    PublicBulletin,
    InternalBulletin,
    /// Reports without narrative, sources, evidence, observation or filer
    /// (what the public ACLED export already shows).
    RedactedReports,
    /// Reports as filed.
    FullReports,
    /// Incidents with their reports side by side and the assessments.
    Incidents,
    /// Raw signed entries (they hold narratives) and the members list.
    Entries,
    /// The review queue of ingested texts.
    Drafts,
    /// Adopted decisions only: id, type, title, status and the position
    /// that adopted them; no text, votes or dissent.
    AdoptedDecisions,
    /// Every decision (open, adopted, rejected, expired) with its text,
    /// rule, each party's vote and reason, and the dissent.
    Decisions,
    /// Exchange lists by their counts, matches and projects by persons'
    /// places on lists: never identities, which no node can read.
    ExchangeStatus,
    /// Evidence files, by their SHA-256 (what reports as filed name).
    Evidence,
    /// Storing an evidence file for a report about to be filed: only the
    /// members who file reports.
    EvidenceUpload,
}

impl Resource {
    /// The one access table of the API.
    pub fn least_access(self) -> Access {
        match self {
            Resource::Verification
            | Resource::Formations
            | Resource::PublicFindings
            | Resource::PublicBulletin
            | Resource::RedactedReports
            | Resource::AdoptedDecisions => Access::Public,
            // Observers read everything a guarantor reads, until the
            // mechanism decides otherwise: change it here and nowhere else.
            Resource::FullFindings
            | Resource::InternalBulletin
            | Resource::FullReports
            | Resource::Incidents
            | Resource::Entries
            | Resource::Drafts
            | Resource::Decisions
            | Resource::ExchangeStatus
            | Resource::Evidence => Access::Observer,
            Resource::EvidenceUpload => Access::Guarantor,
        }
    }
}

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
pub fn list_tokens(data_dir: &Path) -> Result<Vec<TokenRecord>, ServerError> {
    read_tokens(&token_path(data_dir))
}

fn read_tokens(path: &Path) -> Result<Vec<TokenRecord>, ServerError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| ServerError::Tokens(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(ServerError::Io(e)),
    }
}

/// Writes the whole file through a temporary file and a rename, so a
/// reader never sees half a file; readable by the owner only.
fn write_tokens(data_dir: &Path, tokens: &[TokenRecord]) -> Result<(), ServerError> {
    let path = token_path(data_dir);
    let temporary = data_dir.join(format!(".{TOKEN_FILE}.tmp"));
    let text = serde_json::to_vec_pretty(tokens).map_err(|e| ServerError::Tokens(e.to_string()))?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&temporary)?;
    std::io::Write::write_all(&mut file, &text)?;
    file.sync_all()?;
    std::fs::rename(&temporary, &path)?;
    Ok(())
}

/// Creates a bearer token for `member` reading with `role`'s access, and
/// returns the secret. The secret is not stored and cannot be shown again.
///
/// The caller (`truce token create`) should first check that the member is
/// admitted in the Record with that role: see [`role_in_record`].
pub fn create_token(
    data_dir: &Path,
    member: &MemberName,
    role: Role,
) -> Result<String, ServerError> {
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
pub fn revoke_token(data_dir: &Path, id: &str) -> Result<TokenRecord, ServerError> {
    if id.len() < 8 {
        return Err(ServerError::Tokens(
            "give at least 8 hex digits of the token id".into(),
        ));
    }
    let mut tokens = list_tokens(data_dir)?;
    let matching: Vec<usize> = (0..tokens.len())
        .filter(|&i| tokens[i].hash.starts_with(id))
        .collect();
    let index = match matching.as_slice() {
        [one] => *one,
        [] => return Err(ServerError::NotFound(format!("no token {id}"))),
        _ => return Err(ServerError::Tokens(format!("{id} names several tokens"))),
    };
    let revoked = tokens.remove(index);
    write_tokens(data_dir, &tokens)?;
    Ok(revoked)
}

/// Revokes every token of `member`; returns how many there were.
pub fn revoke_member_tokens(data_dir: &Path, member: &MemberName) -> Result<usize, ServerError> {
    let mut tokens = list_tokens(data_dir)?;
    let before = tokens.len();
    tokens.retain(|t| &t.member != member);
    let revoked = before - tokens.len();
    if revoked > 0 {
        write_tokens(data_dir, &tokens)?;
    }
    Ok(revoked)
}

/// The role `member` holds in the Record, if it is admitted.
pub fn role_in_record(registry: &truce_record::Registry, member: &MemberName) -> Option<Role> {
    registry.member(member).map(|m| m.role)
}

/// The token file as last read, reloaded when its modification time or
/// length changes.
pub(crate) struct TokenStore {
    path: PathBuf,
    cache: RwLock<Cached>,
}

#[derive(Default)]
struct Cached {
    stamp: Option<(SystemTime, u64)>,
    by_hash: HashMap<String, TokenRecord>,
}

impl TokenStore {
    pub(crate) fn new(data_dir: &Path) -> Self {
        Self {
            path: token_path(data_dir),
            cache: RwLock::new(Cached::default()),
        }
    }

    fn lookup(&self, secret: &str) -> Result<Option<TokenRecord>, ServerError> {
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

/// Who is asking: anonymous, or the member a valid token names.
#[derive(Debug, Clone)]
pub struct Caller {
    pub access: Access,
    pub member: Option<MemberName>,
}

impl Caller {
    pub fn may(&self, resource: Resource) -> bool {
        self.access >= resource.least_access()
    }

    /// Refuses with 401 when a token would help, 403 when the token held is
    /// not enough.
    pub fn require(&self, resource: Resource) -> Result<(), ServerError> {
        if self.may(resource) {
            Ok(())
        } else if self.member.is_none() {
            Err(ServerError::Unauthenticated)
        } else {
            Err(ServerError::Forbidden(format!(
                "{} access does not allow this",
                self.access.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller {
                access: Access::Public,
                member: None,
            });
        };
        // A wrong or revoked token is refused rather than read as anonymous,
        // so a client never mistakes a public answer for a full one.
        let secret = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ServerError::BadToken)?;
        let record = state.tokens.lookup(secret)?.ok_or(ServerError::BadToken)?;
        Ok(Caller {
            access: Access::of_role(record.role),
            member: Some(record.member),
        })
    }
}

/// What a route serves in full, for [`Allowed`].
pub trait Gate: Send + Sync + 'static {
    const RESOURCE: Resource;
}

macro_rules! gates {
    ($($(#[$doc:meta])* $name:ident => $resource:ident),* $(,)?) => {
        $($(#[$doc])* pub struct $name; impl Gate for $name { const RESOURCE: Resource = Resource::$resource; })*
    };
}

gates! {
    /// Incidents with their reports and assessments.
    IncidentsGate => Incidents,
    /// Raw entries and the members list.
    EntriesGate => Entries,
}

/// A caller allowed to read `G`'s resource; refuses everyone else before
/// the handler runs.
pub struct Allowed<G: Gate>(pub Caller, PhantomData<G>);

impl<G: Gate> Allowed<G> {
    /// For a handler that decides from the path which gate applies.
    pub fn from_caller(caller: Caller) -> Result<Self, ServerError> {
        caller.require(G::RESOURCE)?;
        Ok(Allowed(caller, PhantomData))
    }
}

impl<G: Gate> FromRequestParts<AppState> for Allowed<G> {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(G::RESOURCE)?;
        Ok(Allowed(caller, PhantomData))
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

    #[test]
    fn the_public_reads_no_narratives() {
        for resource in [
            Resource::InternalBulletin,
            Resource::FullReports,
            Resource::Entries,
            Resource::Incidents,
            Resource::Decisions,
        ] {
            assert!(resource.least_access() > Access::Public, "{resource:?}");
        }
    }
}
