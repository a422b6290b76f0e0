//! Key files on disk: created with permissions 0600, refused when others
//! can read them.

use std::fs::OpenOptions;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use truce_record::{CheckpointSigner, Cosigner, MemberKey};

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MemberKeyFile {
    #[serde(rename = "type")]
    kind: String,
    secret: String,
    public_key: String,
    key_id: String,
}

const MEMBER_KEY_TYPE: &str = "truce-member-key-v1";

/// Writes `contents` to a new file readable only by its owner.
pub fn write_secret(path: &Path, contents: &str, overwrite: bool) -> Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let mut options = OpenOptions::new();
    options.write(true).mode(0o600);
    if overwrite {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = options.open(path).with_context(|| {
        format!(
            "creating {} (it must not exist yet; pass --force to replace it)",
            path.display()
        )
    })?;
    // An existing file keeps its mode on truncation: set it explicitly.
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()?;
    Ok(())
}

fn read_secret(path: &Path) -> Result<String> {
    let metadata =
        std::fs::metadata(path).with_context(|| format!("reading key file {}", path.display()))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!(
            "key file {} has permissions {mode:o}; others must not read it (chmod 600 {})",
            path.display(),
            path.display()
        );
    }
    std::fs::read_to_string(path).with_context(|| format!("reading key file {}", path.display()))
}

pub fn write_member_key(path: &Path, key: &MemberKey, overwrite: bool) -> Result<()> {
    let file = MemberKeyFile {
        kind: MEMBER_KEY_TYPE.into(),
        secret: hex::encode(key.seed()),
        public_key: key.public_key().to_hex(),
        key_id: key.key_id().to_hex(),
    };
    let text = serde_json::to_string_pretty(&file)? + "\n";
    write_secret(path, &text, overwrite)
}

pub fn read_member_key(path: &Path) -> Result<MemberKey> {
    let text = read_secret(path)?;
    let file: MemberKeyFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a truce member key file", path.display()))?;
    if file.kind != MEMBER_KEY_TYPE {
        bail!(
            "{}: type is {:?}, expected {MEMBER_KEY_TYPE:?}",
            path.display(),
            file.kind
        );
    }
    let seed: [u8; 32] = hex::decode(&file.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{}: secret must be 64 hex digits", path.display()))?;
    let key = MemberKey::from_seed(seed);
    if key.public_key().to_hex() != file.public_key {
        bail!("{}: public_key does not match the secret", path.display());
    }
    Ok(key)
}

pub fn write_witness_key(path: &Path, key: &Cosigner, overwrite: bool) -> Result<()> {
    write_secret(path, &(key.secret() + "\n"), overwrite)
}

pub fn read_witness_key(path: &Path) -> Result<Cosigner> {
    Cosigner::from_secret(&read_secret(path)?)
        .with_context(|| format!("{} is not a witness key file", path.display()))
}

pub fn read_node_key(path: &Path) -> Result<CheckpointSigner> {
    CheckpointSigner::from_secret(&read_secret(path)?)
        .with_context(|| format!("{} is not a node key file", path.display()))
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExchangeKeyFile {
    #[serde(rename = "type")]
    kind: String,
    secret: String,
    public_key: String,
}

const EXCHANGE_KEY_TYPE: &str = "truce-exchange-key-v1";

/// The X25519 key that exchange lists are sealed to; kept apart from the
/// signing key so that either can be replaced alone.
pub fn write_exchange_key(
    path: &Path,
    key: &truce_exchange::ExchangeSecret,
    overwrite: bool,
) -> Result<()> {
    let file = ExchangeKeyFile {
        kind: EXCHANGE_KEY_TYPE.into(),
        secret: hex::encode(key.to_bytes()),
        public_key: key.public().to_hex(),
    };
    write_secret(
        path,
        &(serde_json::to_string_pretty(&file)? + "\n"),
        overwrite,
    )
}

pub fn read_exchange_key(path: &Path) -> Result<truce_exchange::ExchangeSecret> {
    let text = read_secret(path)?;
    let file: ExchangeKeyFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a truce exchange key file", path.display()))?;
    if file.kind != EXCHANGE_KEY_TYPE {
        bail!(
            "{}: type is {:?}, expected {EXCHANGE_KEY_TYPE:?}",
            path.display(),
            file.kind
        );
    }
    let secret: [u8; 32] = hex::decode(&file.secret)
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{}: secret must be 64 hex digits", path.display()))?;
    let key = truce_exchange::ExchangeSecret::from_bytes(secret);
    if key.public().to_hex() != file.public_key {
        bail!("{}: public_key does not match the secret", path.display());
    }
    Ok(key)
}

/// Writes to a temporary file, flushes it to disk, renames it over `path`
/// and flushes the directory: after a crash the file is either the old one
/// or the new one, never half of each.
pub fn write_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let temporary = dir.join(format!(".{name}.tmp"));
    let mut file = std::fs::File::create(&temporary)
        .with_context(|| format!("writing {}", temporary.display()))?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&temporary, path).with_context(|| format!("writing {}", path.display()))?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}
