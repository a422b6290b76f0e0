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
    /// Run this guarantor's witness as a service (C2SP tlog-witness).
    ///
    /// Nodes POST /add-checkpoint with a consistency proof from the size
    /// this witness last cosigned; it checks the node's signature and the
    /// proof, stores the new state durably in STATE/witness.sqlite, and only
    /// then answers with its timestamped cosignature. It reads nothing from
    /// any node. Anyone can compare what it saw: GET /<sha256(origin)>/checkpoint;
    /// GET / shows what it cosigned and every fork it refused.
    ///
    ///   truce witness serve --key ru-witness.key --state ru-witness/ \
    ///     --listen 0.0.0.0:7380 --log "$NODE_KEY"
    #[command(verbatim_doc_comment)]
    Serve {
        /// The witness key (`truce keygen --witness NAME`).
        #[arg(long)]
        key: PathBuf,
        /// This witness's own directory (its SQLite state).
        #[arg(long)]
        state: PathBuf,
        /// Address to listen on; port 0 picks a free one (printed at start).
        #[arg(long, default_value = "127.0.0.1:7380")]
        listen: std::net::SocketAddr,
        /// A log to witness: its node's verifier key, as `truce verify`
        /// prints it (the key names the log's origin). Repeatable.
        #[arg(long = "log", required = true)]
        logs: Vec<String>,
    },
    /// Cosign the latest checkpoint of a local copy of the Record (a test
    /// helper: a guarantor's witness runs as `truce witness serve`).
    ///
    /// The witness verifies the node's signature, then checks a consistency
    /// proof from the last checkpoint it cosigned. Only then does it save the
    /// new checkpoint as its state (atomically) and hand out its cosignature.
    /// A checkpoint that contradicts the saved one is refused, and both are
    /// written to a fork-evidence file in the state directory.
    #[command(hide = true)]
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
        WitnessCommand::Serve {
            key,
            state,
            listen,
            logs,
        } => serve(&key, &state, listen, &logs).await,
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

async fn serve(
    key: &Path,
    state: &Path,
    listen: std::net::SocketAddr,
    logs: &[String],
) -> Result<ExitCode> {
    let cosigner = keyfile::read_witness_key(key)?;
    for log in logs {
        signed_note::StandardVerifier::new(log.trim())
            .map_err(|e| anyhow::anyhow!("--log {log}: not a node verifier key ({e:?})"))?;
    }
    let store = truce_witness::StateStore::open(state)
        .await
        .with_context(|| format!("opening the witness state in {}", state.display()))?;
    let witness = truce_witness::Witness::new(cosigner, logs, store)?;
    let name = witness.name().to_string();
    let origins: Vec<String> = witness.origins().map(str::to_string).collect();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    println!(
        "witness {name} listening on http://{}/ for {}",
        listener.local_addr()?,
        origins.join(", ")
    );
    let app = truce_witness::router(std::sync::Arc::new(witness));
    axum::serve(listener, app)
        .with_graceful_shutdown(crate::serve::interrupted())
        .await?;
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn cosign(
    location: &Location,
    key: &Path,
    state_dir: &Path,
    node_key: Option<String>,
) -> Result<ExitCode> {
    let cosigner = keyfile::read_witness_key(key)?;
    let saved = read_state(state_dir)?;
    let ledger = location.open_record().await?;
    let genesis = ledger.registry().genesis().cloned().expect("founded");
    if !genesis
        .witnesses
        .iter()
        .any(|w| w.verifier_key == cosigner.verifier_key())
    {
        ledger.close().await;
        anyhow::bail!(
            "{} is not a witness of this Record: its genesis names {}",
            cosigner.name(),
            genesis
                .witnesses
                .iter()
                .map(|w| w.verifier_key.split('+').next().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
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
    ledger: &truce_store::Ledger<truce_record::NoRules>,
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
