//! Proof files: everything a verifier needs to check, offline and with only
//! the node's public key, that an entry is in the Record or that one
//! checkpoint extends another.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use clap::Subcommand;
use truce_record::{
    check_consistency, check_inclusion, Hash, SignedCheckpoint, SignedStatement, Statement,
};
use truce_server::{ForkSide, ProofFile};
use truce_store::Ledger;

use crate::node::Location;

#[derive(Subcommand)]
pub enum ProofCommand {
    /// Prove that the entry at POSITION is in the Record.
    Inclusion {
        position: u64,
        /// Size of the checkpoint to prove against (default: the latest).
        #[arg(long)]
        size: Option<u64>,
        /// Write the proof here instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Prove that the checkpoint of size OLD is a prefix of a later one.
    Consistency {
        #[arg(long)]
        old: u64,
        /// Size of the later checkpoint (default: the latest).
        #[arg(long)]
        new: Option<u64>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a proof file offline, with the node key from the genesis statement.
    Check {
        file: PathBuf,
        /// The node's verifier key (`truce verify` and `truce init` print it).
        #[arg(long)]
        node_key: String,
    },
}

pub async fn run(location: &Location, command: ProofCommand) -> Result<ExitCode> {
    match command {
        ProofCommand::Inclusion {
            position,
            size,
            out,
        } => {
            let ledger = location.open_ledger().await?;
            let file = inclusion(&ledger, position, size).await;
            ledger.close().await;
            write(out, &file?)
        }
        ProofCommand::Consistency { old, new, out } => {
            let ledger = location.open_ledger().await?;
            let file = consistency(&ledger, old, new).await;
            ledger.close().await;
            write(out, &file?)
        }
        ProofCommand::Check { file, node_key } => check(&file, &node_key),
    }
}

async fn checkpoint_note(
    ledger: &Ledger<truce_regime::Register>,
    size: Option<u64>,
) -> Result<SignedCheckpoint> {
    let latest = ledger
        .checkpoint()
        .context("the Record has no checkpoint")?;
    let size = size.unwrap_or(latest.size());
    let store = ledger.store();
    let note = store.checkpoint(size).await?.with_context(|| {
        format!(
            "no checkpoint of size {size} (the latest has size {})",
            latest.size()
        )
    })?;
    let node_key = &ledger
        .registry()
        .genesis()
        .expect("founded")
        .node_key
        .clone();
    let mut checkpoint = SignedCheckpoint::verify(&note, node_key)?;
    for line in store.cosignatures(size).await? {
        checkpoint = checkpoint.with_signature_line(&line)?;
    }
    Ok(checkpoint)
}

async fn inclusion(
    ledger: &Ledger<truce_regime::Register>,
    position: u64,
    size: Option<u64>,
) -> Result<ProofFile> {
    let checkpoint = checkpoint_note(ledger, size).await?;
    let proof = ledger.prove_inclusion(position, checkpoint.size())?;
    let entry = ledger
        .store()
        .entries(position, 1)
        .await?
        .pop()
        .filter(|e| e.position == position)
        .with_context(|| format!("no entry at position {position}"))?;
    Ok(ProofFile::Inclusion {
        position,
        statement: BASE64.encode(&entry.statement),
        signature: hex::encode(&entry.signature),
        checkpoint: String::from_utf8(checkpoint.note().to_vec())?,
        proof: proof.iter().map(Hash::to_string).collect(),
    })
}

async fn consistency(
    ledger: &Ledger<truce_regime::Register>,
    old: u64,
    new: Option<u64>,
) -> Result<ProofFile> {
    let new_checkpoint = checkpoint_note(ledger, new).await?;
    let old_checkpoint = checkpoint_note(ledger, Some(old)).await?;
    let proof = ledger.prove_consistency(old, new_checkpoint.size())?;
    Ok(ProofFile::Consistency {
        old_checkpoint: String::from_utf8(old_checkpoint.note().to_vec())?,
        new_checkpoint: String::from_utf8(new_checkpoint.note().to_vec())?,
        proof: proof.iter().map(Hash::to_string).collect(),
    })
}

fn write(out: Option<PathBuf>, file: &ProofFile) -> Result<ExitCode> {
    let text = serde_json::to_string_pretty(file)? + "\n";
    match out {
        Some(path) => {
            std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
            eprintln!("proof written to {}", path.display());
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn hashes(proof: &[String]) -> Result<Vec<Hash>> {
    proof
        .iter()
        .enumerate()
        .map(|(i, h)| {
            Hash::parse_hash(h).with_context(|| format!("proof[{i}] is not a base64 hash"))
        })
        .collect()
}

/// Checks that the entry (`statement`, `signature`) is at `position` in
/// the signed `checkpoint`, by `proof`.
fn check_entry(
    position: u64,
    statement: &str,
    signature: &str,
    checkpoint: &str,
    proof: &[String],
    node_key: &str,
) -> Result<(SignedCheckpoint, SignedStatement)> {
    let checkpoint =
        SignedCheckpoint::verify(checkpoint.as_bytes(), node_key).context("checkpoint")?;
    let bytes = BASE64
        .decode(statement)
        .context("statement is not base64")?;
    let signature: [u8; 64] = hex::decode(signature)
        .ok()
        .and_then(|s| s.try_into().ok())
        .context("signature must be 128 hex digits")?;
    let signed = SignedStatement::new(bytes, signature);
    check_inclusion(
        &hashes(proof)?,
        checkpoint.size(),
        checkpoint.root(),
        position,
        signed.leaf_hash(),
    )?;
    Ok((checkpoint, signed))
}

fn check(path: &PathBuf, node_key: &str) -> Result<ExitCode> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let file: ProofFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a truce proof", path.display()))?;
    match file {
        ProofFile::Inclusion {
            position,
            statement,
            signature,
            checkpoint,
            proof,
        } => {
            let (checkpoint, signed) = check_entry(
                position,
                &statement,
                &signature,
                &checkpoint,
                &proof,
                node_key,
            )?;
            let decoded = Statement::from_bytes(signed.bytes()).context("statement")?;
            println!(
                "OK: entry {position} ({} by key {}, seq {}) is in the Record of {} entries with root {}",
                decoded.kind(),
                decoded.author,
                decoded.seq,
                checkpoint.size(),
                checkpoint.root()
            );
        }
        ProofFile::Fork {
            position,
            mirrored,
            served,
        } => {
            let side = |side: &ForkSide, which: &str| {
                check_entry(
                    position,
                    &side.statement,
                    &side.signature,
                    &side.checkpoint,
                    &side.proof,
                    node_key,
                )
                .with_context(|| format!("the {which} version"))
            };
            let (first, first_entry) = side(&mirrored, "mirrored")?;
            let (second, second_entry) = side(&served, "served")?;
            if first_entry == second_entry {
                bail!("both versions hold the same entry {position}: this file proves no fork");
            }
            println!(
                "FORK PROVEN: the node key signed a checkpoint of {} entries (root {}) and one of {} entries (root {}) that hold different entries at position {position}",
                first.size(),
                first.root(),
                second.size(),
                second.root()
            );
        }
        ProofFile::LeafInclusion {
            position,
            leaf_hash,
            checkpoint,
            proof,
        } => {
            let checkpoint =
                SignedCheckpoint::verify(checkpoint.as_bytes(), node_key).context("checkpoint")?;
            let leaf = Hash::parse_hash(&leaf_hash).context("leaf_hash is not a base64 hash")?;
            check_inclusion(
                &hashes(&proof)?,
                checkpoint.size(),
                checkpoint.root(),
                position,
                leaf,
            )?;
            println!(
                "OK: the entry with leaf hash {leaf} is at position {position} of the Record of {} entries with root {}",
                checkpoint.size(),
                checkpoint.root()
            );
        }
        ProofFile::Consistency {
            old_checkpoint,
            new_checkpoint,
            proof,
        } => {
            let old = SignedCheckpoint::verify(old_checkpoint.as_bytes(), node_key)
                .context("old checkpoint")?;
            let new = SignedCheckpoint::verify(new_checkpoint.as_bytes(), node_key)
                .context("new checkpoint")?;
            if old.size() > new.size() {
                bail!(
                    "old checkpoint ({}) is larger than new ({})",
                    old.size(),
                    new.size()
                );
            }
            check_consistency(
                &hashes(&proof)?,
                old.size(),
                old.root(),
                new.size(),
                new.root(),
            )?;
            println!(
                "OK: the Record of {} entries (root {}) is a prefix of the Record of {} entries (root {})",
                old.size(),
                old.root(),
                new.size(),
                new.root()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
