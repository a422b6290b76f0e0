//! A guarantor's witness: remembers the last checkpoint it cosigned, and
//! cosigns a new one only if a consistency proof shows it extends that one.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use serde::{Deserialize, Serialize};
use truce_record::{CosignatureVerifier, SignedCheckpoint, WitnessError, WitnessState};

use crate::keyfile;
use crate::node::Location;

#[derive(Subcommand)]
pub enum WitnessCommand {
    /// Check the node's latest checkpoint and cosign it.
    ///
    /// The witness verifies the node's signature, then checks a consistency
    /// proof from the last checkpoint it cosigned. Only then does it save the
    /// new checkpoint as its state (atomically) and hand out its cosignature.
    /// A checkpoint that contradicts the saved one is refused, and both are
    /// written to a fork-evidence file in the state directory.
    Cosign {
        /// The witness key (`truce keygen --witness NAME`).
        #[arg(long)]
        key: PathBuf,
        /// Where this witness keeps its state, apart from the node's data.
        #[arg(long)]
        state_dir: PathBuf,
        /// The node's verifier key; on first use it is taken from the genesis
        /// statement, and remembered.
        #[arg(long)]
        node_key: Option<String>,
    },
    /// Show the checkpoint this witness cosigned last.
    Status {
        #[arg(long)]
        state_dir: PathBuf,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateFile {
    node_key: String,
    last: WitnessState,
}

const STATE_FILE: &str = "witness-state.json";

pub async fn run(location: &Location, command: WitnessCommand) -> Result<ExitCode> {
    match command {
        WitnessCommand::Cosign {
            key,
            state_dir,
            node_key,
        } => cosign(location, &key, &state_dir, node_key).await,
        WitnessCommand::Status { state_dir } => {
            match read_state(&state_dir)? {
                Some(state) => print!("{}", state.last.checkpoint),
                None => println!("this witness has not cosigned anything yet"),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn cosign(
    location: &Location,
    key: &Path,
    state_dir: &Path,
    node_key: Option<String>,
) -> Result<ExitCode> {
    let cosigner = keyfile::read_witness_key(key)?;
    let saved = read_state(state_dir)?;
    let ledger = location.open_ledger().await?;
    let genesis = ledger.registry().genesis().cloned().expect("founded");
    let node_key = node_key
        .or_else(|| saved.as_ref().map(|s| s.node_key.clone()))
        .unwrap_or_else(|| genesis.node_key.clone());
    let latest = ledger
        .checkpoint()
        .context("the Record has no checkpoint")?;
    let checkpoint = SignedCheckpoint::verify(latest.note(), &node_key)
        .context("the node's checkpoint does not verify with the witness's node key")?;
    let previous = saved.as_ref().map(|s| &s.last);
    let proof = match previous {
        Some(last) if last.size < checkpoint.size() => {
            ledger.prove_consistency(last.size, checkpoint.size())?
        }
        _ => Vec::new(),
    };
    let next = match WitnessState::advance(previous, &checkpoint, &proof) {
        Ok(next) => next,
        Err(WitnessError::Fork(evidence)) => {
            let path = state_dir.join(format!(
                "fork-evidence-{}.json",
                jiff::Timestamp::now().as_second()
            ));
            std::fs::write(&path, serde_json::to_string_pretty(&evidence)? + "\n")?;
            ledger.close().await;
            eprintln!("REFUSED: {}", evidence.reason);
            eprintln!("both signed checkpoints are kept in {}", path.display());
            return Ok(ExitCode::from(3));
        }
        Err(other) => {
            ledger.close().await;
            return Err(other.into());
        }
    };
    save_state(
        state_dir,
        &StateFile {
            node_key,
            last: next,
        },
    )?;
    let line = cosigner.cosign(
        &checkpoint,
        jiff::Timestamp::now().as_second().max(0) as u64,
    );
    ledger
        .store()
        .add_cosignature(checkpoint.size(), cosigner.name(), &line)
        .await?;
    let cosigned = count_cosigners(&ledger, &genesis.witnesses, &checkpoint).await?;
    println!(
        "{} cosigned the checkpoint of size {} (root {}); {} of quorum {}",
        cosigner.name(),
        checkpoint.size(),
        checkpoint.root(),
        cosigned,
        genesis.witness_quorum
    );
    ledger.close().await;
    Ok(ExitCode::SUCCESS)
}

async fn count_cosigners(
    ledger: &truce_store::Ledger<truce_regime::Register>,
    witnesses: &[truce_model::Witness],
    checkpoint: &SignedCheckpoint,
) -> Result<usize> {
    let verifiers: Vec<_> = witnesses
        .iter()
        .filter_map(|w| CosignatureVerifier::new(&w.verifier_key).ok())
        .collect();
    let mut note = checkpoint.clone();
    for line in ledger.store().cosignatures(checkpoint.size()).await? {
        note = note.with_signature_line(&line)?;
    }
    Ok(note.cosigned_by(&verifiers).len())
}

fn read_state(dir: &Path) -> Result<Option<StateFile>> {
    let path = dir.join(STATE_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(Some(serde_json::from_str(&text).with_context(|| {
        format!("{} is damaged", path.display())
    })?))
}

fn save_state(dir: &Path, state: &StateFile) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    keyfile::write_atomically(
        &dir.join(STATE_FILE),
        (serde_json::to_string_pretty(state)? + "\n").as_bytes(),
    )
}
