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
    check_consistency, check_inclusion, Hash, Policy, SignedCheckpoint, SignedStatement, Statement,
};
use truce_record::{ForkSide, NoRules, ProofFile};
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
        /// `truce` (JSON, the default) or `tlog-proof` (C2SP tlog-proof,
        /// the entry's bytes in its `extra` line, the checkpoint with its
        /// cosignatures; check it with `--policy` from `truce policy`).
        #[arg(long, default_value = "truce", value_parser = ["truce", "tlog-proof"])]
        format: String,
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
    /// Check a proof file offline, with the node key from the genesis
    /// statement, or with a C2SP tlog-policy file (`truce policy`), which
    /// also requires its quorum of witness cosignatures.
    Check {
        file: PathBuf,
        /// The node's verifier key (`truce verify` and `truce init` print it).
        #[arg(long, required_unless_present = "policy")]
        node_key: Option<String>,
        /// A C2SP tlog-policy file: trusted log keys, witnesses, quorum.
        #[arg(long)]
        policy: Option<PathBuf>,
    },
}

pub async fn run(location: &Location, command: ProofCommand) -> Result<ExitCode> {
    match command {
        ProofCommand::Inclusion {
            position,
            size,
            out,
            format,
        } => {
            let ledger = location.open_record().await?;
            let file = inclusion(&ledger, position, size).await;
            ledger.close().await;
            let file = file?;
            if format == "tlog-proof" {
                return write_text(out, &tlog_proof(&file)?);
            }
            write(out, &file)
        }
        ProofCommand::Consistency { old, new, out } => {
            let ledger = location.open_record().await?;
            let file = consistency(&ledger, old, new).await;
            ledger.close().await;
            write(out, &file?)
        }
        ProofCommand::Check {
            file,
            node_key,
            policy,
        } => {
            let policy = policy
                .map(|path| {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Policy::parse(&text).with_context(|| path.display().to_string())
                })
                .transpose()?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            if text.starts_with(TLOG_PROOF_HEADER) {
                return check_tlog_proof(&text, node_key.as_deref(), policy.as_ref());
            }
            let node_key = match (node_key, &policy) {
                (Some(key), _) => key,
                (None, Some(policy)) => policy
                    .log_keys()
                    .next()
                    .context("the policy names no log")?
                    .to_string(),
                (None, None) => bail!("give --node-key or --policy"),
            };
            check(&file, &node_key)
        }
    }
}

async fn checkpoint_note(ledger: &Ledger<NoRules>, size: Option<u64>) -> Result<SignedCheckpoint> {
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
    ledger: &Ledger<NoRules>,
    position: u64,
    size: Option<u64>,
) -> Result<ProofFile> {
    let checkpoint = checkpoint_note(ledger, size).await?;
    let proof = ledger.prove_inclusion(position, checkpoint.size())?;
    let entry = ledger
        .committed_entries(position, 1)
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

async fn consistency(ledger: &Ledger<NoRules>, old: u64, new: Option<u64>) -> Result<ProofFile> {
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
    write_text(out, &(serde_json::to_string_pretty(file)? + "\n"))
}

const TLOG_PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1\n";

/// An inclusion proof file in C2SP tlog-proof form. The `extra` line holds
/// the entry (statement bytes ‖ signature), so the proof carries its leaf.
pub(crate) fn tlog_proof(file: &ProofFile) -> Result<String> {
    let ProofFile::Inclusion {
        position,
        statement,
        signature,
        checkpoint,
        proof,
    } = file
    else {
        bail!("not an inclusion proof");
    };
    let mut leaf = BASE64.decode(statement)?;
    leaf.extend(hex::decode(signature)?);
    let mut text = format!(
        "{TLOG_PROOF_HEADER}extra {}\nindex {position}\n",
        BASE64.encode(&leaf)
    );
    for hash in proof {
        text.push_str(hash);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(checkpoint);
    Ok(text)
}

fn check_tlog_proof(
    text: &str,
    node_key: Option<&str>,
    policy: Option<&Policy>,
) -> Result<ExitCode> {
    let rest = &text[TLOG_PROOF_HEADER.len()..];
    let (head, checkpoint) = rest
        .split_once("\n\n")
        .context("no empty line before the checkpoint")?;
    let mut lines = head.lines();
    let mut line = lines.next().context("no index line")?;
    let leaf = match line.strip_prefix("extra ") {
        Some(extra) => {
            let leaf = BASE64.decode(extra).context("extra is not base64")?;
            line = lines.next().context("no index line")?;
            leaf
        }
        None => {
            bail!("this proof carries no entry in an `extra` line: truce cannot compute its leaf")
        }
    };
    let position: u64 = line
        .strip_prefix("index ")
        .and_then(|n| {
            (n == "0" || !n.starts_with('0'))
                .then(|| n.parse().ok())
                .flatten()
        })
        .context("the index line must be `index N` in decimal")?;
    let proof: Vec<String> = lines.map(str::to_string).collect();
    let (checkpoint, cosigners) = match (policy, node_key) {
        (Some(policy), _) => policy.check(checkpoint.as_bytes())?,
        (None, Some(key)) => (
            SignedCheckpoint::verify(checkpoint.as_bytes(), key)?,
            Vec::new(),
        ),
        (None, None) => bail!("give --node-key or --policy"),
    };
    let signed = SignedStatement::from_leaf(&leaf)?;
    check_inclusion(
        &hashes(&proof)?,
        checkpoint.size(),
        checkpoint.root(),
        position,
        signed.leaf_hash(),
    )?;
    let decoded = Statement::from_bytes(signed.bytes()).context("statement")?;
    println!(
        "OK: entry {position} ({} by key {}, seq {}) is in the Record of {} entries with root {}{}",
        decoded.kind(),
        decoded.author,
        decoded.seq,
        checkpoint.size(),
        checkpoint.root(),
        if policy.is_some() {
            format!(
                ", cosigned by {} as the policy's quorum requires",
                cosigners.join(", ")
            )
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

fn write_text(out: Option<PathBuf>, text: &str) -> Result<ExitCode> {
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
        ProofFile::SplitView(split) => {
            let smaller = SignedCheckpoint::verify(split.smaller_checkpoint.as_bytes(), node_key)
                .context("smaller checkpoint")?;
            let larger = SignedCheckpoint::verify(split.larger_checkpoint.as_bytes(), node_key)
                .context("larger checkpoint")?;
            if smaller.size() > larger.size() {
                bail!("the smaller checkpoint is larger than the larger one");
            }
            let prefix =
                Hash::parse_hash(&split.prefix_root).context("prefix_root is not a base64 hash")?;
            check_consistency(
                &hashes(&split.proof)?,
                smaller.size(),
                prefix,
                larger.size(),
                larger.root(),
            )
            .context("the proof does not tie prefix_root to the larger checkpoint")?;
            if prefix == smaller.root() {
                bail!("the two checkpoints are consistent: this file proves no split view");
            }
            println!(
                "SPLIT VIEW PROVEN: the node key signed a checkpoint of {} entries with root {} (cosigned by {}), but its checkpoint of {} entries holds root {prefix} at that size",
                smaller.size(),
                smaller.root(),
                split.witness,
                larger.size()
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
