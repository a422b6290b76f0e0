//! `truce mirror`: a guarantor's own full copy of the Record, verified as it
//! follows the node. The data directory it fills is a Record like any
//! other: every read command and `truce serve` work on it, with no private
//! key, and refuse to append.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use truce_client::{Evidence, EvidenceKind, EvidenceSide, Follower, Origin, Progress, Stop};
use truce_record::{ForkSide, ProofFile};
use truce_regime::Register;
use truce_server::{AppState, MirrorStatus};
use truce_store::{Ledger, SavedUse};

use crate::node::{Location, MirrorFile};

/// Exit status when the node was caught serving something inconsistent.
pub const EVIDENCE_EXIT: u8 = 3;
/// Longest wait between attempts while the node cannot be reached.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Follow a node and keep a verified copy of its Record.
///
/// Every new entry is checked as `truce verify` checks it (signature,
/// admission and register rules, leaf and tree hashes against the node's
/// signed checkpoint) before it is stored. On a checkpoint that is not
/// signed by the pinned node key, or that contradicts what this mirror
/// verified before, it stops, keeps the evidence under DATA_DIR/evidence/
/// (check it with `truce proof check FILE --node-key KEY`) and exits with
/// status 3.
///
///   truce mirror --from http://node:8080 --node-key "$NODE_KEY" --token "$TOKEN" --once
///
///   truce mirror --from https://node.example:8443 --ca mechanism-ca.pem --node-key …
///
///   truce verify                 # the copy replays like any Record
#[derive(Args)]
#[command(verbatim_doc_comment)]
pub struct MirrorArgs {
    /// The node to follow: its base URL, as `truce serve` prints it.
    /// Remembered in DATA_DIR/mirror.json after the first run.
    #[arg(long, env = "TRUCE_MIRROR_FROM")]
    pub from: Option<String>,
    /// The node's checkpoint verifier key, as `truce verify` prints it.
    /// Needed on the first run, so that the mirror never learns whom to
    /// trust from the node it watches; pinned from then on.
    #[arg(long)]
    pub node_key: Option<String>,
    /// Catch up with the node's latest checkpoint, then exit.
    #[arg(long)]
    pub once: bool,
    /// Seconds between reads of the node's checkpoint.
    #[arg(long, default_value_t = 1.0)]
    pub interval: f64,
    /// Also serve this copy, read-only, on this address (submissions are
    /// answered 409 with the node's URL; /healthz says how far behind).
    /// Plain HTTP: for the guarantor's own network, or behind a proxy
    /// that speaks HTTPS.
    #[arg(long)]
    pub listen: Option<SocketAddr>,
    /// A witness to compare with, as NAME=URL (where `truce witness serve`
    /// answers): after each step the checkpoint it last cosigned must agree
    /// with the verified Record, or the node showed different parties
    /// different Records. Repeatable.
    #[arg(long = "compare-witness", value_name = "NAME=URL")]
    pub compare_witnesses: Vec<String>,
}

pub async fn run(location: &Location, args: MirrorArgs) -> Result<ExitCode> {
    let pinned = pin(location, &args)?;
    let mut lock = location.lock_for_writing()?;
    // The node serves entry bundles, which hold narratives, to members only:
    // the global --token is a member's read token there.
    let trust = location.trust()?;
    let origin = Origin::new(&pinned.origin, location.token.clone(), &trust)?;
    let (ledger, opened) = open(location, &pinned).await?;
    let ledger = Arc::new(ledger);
    let mut saving = Saving::new(location, &opened);
    let status = Arc::new(MirrorStatus::new(pinned.origin.clone()));
    let server = match args.listen {
        Some(address) => {
            let serving = Serving::start(location, address, ledger.clone(), status.clone()).await?;
            lock.say(&format!("serving http://{}", serving.address))?;
            Some(serving)
        }
        None => None,
    };
    println!(
        "mirroring {} into {} (node key {})",
        pinned.origin,
        location.describe(),
        pinned.node_key
    );
    let mut monitors = Vec::new();
    for arg in &args.compare_witnesses {
        let (name, url) = arg
            .split_once('=')
            .with_context(|| format!("--compare-witness {arg}: expected NAME=URL"))?;
        monitors.push((name.to_string(), Origin::new(url, None, &trust)?));
    }
    let mut follower =
        Follower::new(ledger.clone(), origin, pinned.node_key.clone()).compare_with(monitors);
    let outcome = follow(&mut follower, &pinned, &status, &args, &mut saving).await;
    drop(follower);
    let code = match outcome {
        Ok(()) => {
            saving.at_end(&ledger);
            ExitCode::SUCCESS
        }
        Err(FollowEnd::Evidence(evidence)) => {
            let path = keep_evidence(location, &evidence)?;
            eprintln!("STOPPED: {}", evidence.summary);
            eprintln!("evidence kept in {}", path.display());
            if matches!(
                evidence.kind,
                EvidenceKind::Fork { .. } | EvidenceKind::Rollback { .. }
            ) {
                eprintln!(
                    "anyone can check it: truce proof check {} --node-key '{}'",
                    path.display(),
                    pinned.node_key
                );
            }
            status.stop(format!(
                "{} (evidence: {})",
                evidence.summary,
                path.display()
            ));
            ExitCode::from(EVIDENCE_EXIT)
        }
        Err(FollowEnd::Error(error)) => {
            if let Some(server) = server {
                server.stop().await;
            }
            return Err(error);
        }
    };
    if let Some(server) = server {
        if code != ExitCode::SUCCESS {
            // The rules took in statements the store refused: serve a
            // freshly opened copy, saying the follow stopped.
            let address = server.address;
            server.stop().await;
            let reopened = Arc::new(open(location, &pinned).await?.0);
            let again = Serving::start(location, address, reopened, status).await?;
            println!("still serving the verified copy, read-only; stop with ctrl-c");
            again.wait().await;
        } else {
            server.wait().await;
        }
    }
    Ok(code)
}

enum FollowEnd {
    Evidence(Box<Evidence>),
    Error(anyhow::Error),
}

async fn follow(
    follower: &mut Follower<Register>,
    pinned: &MirrorFile,
    status: &MirrorStatus,
    args: &MirrorArgs,
    saving: &mut Saving,
) -> Result<(), FollowEnd> {
    let interval = Duration::from_secs_f64(args.interval.clamp(0.05, 3600.0));
    let mut backoff = interval;
    loop {
        let bar = ProgressBar::hidden();
        let fetched = |done: u64, total: u64| {
            if total >= 10_000 && bar.is_hidden() {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template(
                        "fetching {bar:40} {pos}/{len} entries, {per_sec}",
                    )
                    .expect("valid template"),
                );
            }
            bar.set_length(total);
            bar.set_position(done);
        };
        // A long catch-up is stored in several commits: say when each is durable.
        let stored = |done: u64, total: u64| {
            if total > done || done >= 10_000 {
                println!("stored {done} of {total} new entries");
            }
        };
        let mut outcome = follower.step(&fetched, &stored).await;
        bar.finish_and_clear();
        if outcome.is_ok() {
            if let Err(stop) = follower.compare_witnesses().await {
                outcome = Err(stop);
            }
        }
        match outcome {
            Ok(progress) => {
                backoff = interval;
                let size = follower.ledger().size();
                if let Some(genesis) = follower.ledger().registry().genesis() {
                    if genesis.node_key != pinned.node_key {
                        return Err(FollowEnd::Error(anyhow::anyhow!(
                            "the Record's genesis names node key {}, not the pinned {}",
                            genesis.node_key,
                            pinned.node_key
                        )));
                    }
                }
                match progress {
                    Progress::Advanced(step) => {
                        saving.after_step(follower.ledger());
                        status.observed(step.size, size);
                        println!(
                            "verified {} new entries{}; the copy holds {} entries (root {})",
                            step.verified,
                            if step.resumed > 0 {
                                format!(" (and took up {} stored before a stop)", step.resumed)
                            } else {
                                String::new()
                            },
                            size,
                            follower
                                .ledger()
                                .checkpoint()
                                .map(|c| c.root().to_string())
                                .unwrap_or_default()
                        );
                    }
                    Progress::UpToDate { size } => {
                        status.observed(size, size);
                        if args.once {
                            println!("up to date: {size} entries");
                            return Ok(());
                        }
                    }
                }
                if args.once {
                    continue;
                }
            }
            Err(Stop::Evidence(evidence)) => return Err(FollowEnd::Evidence(evidence)),
            Err(Stop::Store(error)) => return Err(FollowEnd::Error(error.into())),
            Err(Stop::Unreachable(error)) => {
                status.failed(error.to_string());
                if args.once {
                    return Err(FollowEnd::Error(error.into()));
                }
                eprintln!("{error}; trying again in {:.0?}", backoff);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        }
        tokio::select! {
            () = tokio::time::sleep(interval) => {}
            () = crate::serve::interrupted() => return Ok(()),
        }
    }
}

/// The node and key this mirror follows: from the first run's flags,
/// remembered in mirror.json, and never silently changed.
fn pin(location: &Location, args: &MirrorArgs) -> Result<MirrorFile> {
    if location.node_key_path().exists() {
        bail!(
            "{} holds a node key: it is a node's own Record, not a mirror; choose another --data-dir",
            location.data_dir.display()
        );
    }
    let path = location.mirror_file_path();
    let saved: Option<MirrorFile> = match std::fs::read_to_string(&path) {
        Ok(text) => Some(
            serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?,
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let from = args
        .from
        .as_ref()
        .map(|u| u.trim_end_matches('/').to_string());
    let pinned = match saved {
        Some(saved) => {
            if let Some(key) = &args.node_key {
                if key.trim() != saved.node_key {
                    bail!(
                        "--node-key differs from the key pinned in {} ({}); a mirror never changes whom it trusts",
                        path.display(),
                        saved.node_key
                    );
                }
            }
            MirrorFile {
                origin: from.unwrap_or(saved.origin),
                node_key: saved.node_key,
            }
        }
        None => {
            let origin = from.context("--from URL is needed on the first run")?;
            let node_key = args
                .node_key
                .as_ref()
                .map(|k| k.trim().to_string())
                .context(
                    "--node-key is needed on the first run: the node's verifier key, as `truce verify` prints it on a copy you trust, or as the node's operator publishes it",
                )?;
            signed_note_key_check(&node_key)?;
            MirrorFile { origin, node_key }
        }
    };
    std::fs::create_dir_all(&location.data_dir)
        .with_context(|| format!("creating {}", location.data_dir.display()))?;
    crate::keyfile::write_atomically(
        &path,
        (serde_json::to_string_pretty(&pinned)? + "\n").as_bytes(),
    )?;
    Ok(pinned)
}

fn signed_note_key_check(node_key: &str) -> Result<()> {
    // NAME+KEYID+BASE64; base64 may itself hold '+'.
    let parts: Vec<&str> = node_key.splitn(3, '+').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        bail!("--node-key must look like NAME+KEYID+BASE64, as `truce verify` prints it");
    }
    Ok(())
}

/// Opens the copy from the state saved beside it, when one fits, and says
/// how it came by its state.
async fn open(location: &Location, pinned: &MirrorFile) -> Result<(Ledger<Register>, SavedUse)> {
    let store = location.open_store().await?;
    let (ledger, opened) = Ledger::open_saved(
        store,
        crate::node::new_register(),
        &location.saved_register_path(),
    )
    .await
    .with_context(|| format!("opening the copy in {}", location.describe()))?;
    if let Some(genesis) = ledger.registry().genesis() {
        if genesis.node_key != pinned.node_key {
            bail!(
                "the copy in {} is of a Record with node key {}, not the pinned {}",
                location.describe(),
                genesis.node_key,
                pinned.node_key
            );
        }
    }
    Ok((ledger, opened))
}

/// Saves the copy's state beside it (`register.saved`, and the membership
/// alone in `membership.saved`) as a node saves its own: once the copy has
/// grown past the state saved last by as much as a read saves for, and
/// when a run that followed without evidence ends. The next run, and the
/// reads of the copy, then replay only what came after.
struct Saving {
    register: PathBuf,
    membership: PathBuf,
    /// The size of the state the files hold, if any fits the copy.
    saved_at: Option<u64>,
}

impl Saving {
    fn new(location: &Location, opened: &SavedUse) -> Self {
        Saving {
            register: location.saved_register_path(),
            membership: location.saved_membership_path(),
            saved_at: match opened {
                SavedUse::Loaded { size, replayed: 0 } => Some(*size),
                SavedUse::Loaded { .. } | SavedUse::Derived { .. } => None,
            },
        }
    }

    /// After a step was verified and stored.
    fn after_step(&mut self, ledger: &Ledger<Register>) {
        let due = self
            .saved_at
            .is_none_or(|at| ledger.size() >= at + crate::node::save_after(at));
        if due {
            self.save(ledger);
        }
    }

    /// When the run ends with the copy verified.
    fn at_end(&mut self, ledger: &Ledger<Register>) {
        if self.saved_at != Some(ledger.size()) {
            self.save(ledger);
        }
    }

    fn save(&mut self, ledger: &Ledger<Register>) {
        let size = ledger.size();
        let saved = ledger
            .save_state(&self.register)
            .and_then(|()| ledger.save_membership(&self.membership));
        match saved {
            Ok(()) => self.saved_at = Some(size),
            Err(e) => {
                self.saved_at = None;
                tracing::warn!("the next run will replay the whole copy again: {e}");
            }
        }
    }
}

/// Writes the evidence where the operator and third parties find it.
fn keep_evidence(location: &Location, evidence: &Evidence) -> Result<PathBuf> {
    let dir = location.data_dir.join("evidence");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let stamp = jiff::Timestamp::now().as_second();
    let side = |side: &EvidenceSide| ForkSide {
        statement: BASE64.encode(&side.statement),
        signature: hex::encode(side.signature),
        checkpoint: String::from_utf8_lossy(&side.checkpoint).into_owned(),
        proof: side.proof.iter().map(|h| h.to_string()).collect(),
    };
    let (name, text) = match &evidence.kind {
        EvidenceKind::Fork {
            position,
            mirrored,
            served,
        } => (
            format!("fork-{position}-{stamp}.json"),
            serde_json::to_string_pretty(&ProofFile::Fork {
                position: *position,
                mirrored: side(mirrored),
                served: side(served),
            })?,
        ),
        EvidenceKind::Rollback {
            smaller,
            larger,
            proof,
        } => (
            format!("rollback-{stamp}.json"),
            serde_json::to_string_pretty(&ProofFile::Consistency {
                old_checkpoint: String::from_utf8_lossy(smaller).into_owned(),
                new_checkpoint: String::from_utf8_lossy(larger).into_owned(),
                proof: proof.iter().map(|h| h.to_string()).collect(),
            })?,
        ),
        EvidenceKind::RefusedEntry {
            position, served, ..
        } => {
            let served = side(served);
            (
                format!("refused-entry-{position}-{stamp}.json"),
                serde_json::to_string_pretty(&ProofFile::Inclusion {
                    position: *position,
                    statement: served.statement,
                    signature: served.signature,
                    checkpoint: served.checkpoint,
                    proof: served.proof,
                })?,
            )
        }
        EvidenceKind::SplitView {
            witness,
            smaller,
            larger,
            prefix_root,
            proof,
        } => (
            format!("split-view-{witness}-{stamp}.json"),
            serde_json::to_string_pretty(&ProofFile::SplitView(truce_record::SplitView {
                witness: witness.clone(),
                smaller_checkpoint: String::from_utf8_lossy(smaller).into_owned(),
                larger_checkpoint: String::from_utf8_lossy(larger).into_owned(),
                prefix_root: prefix_root.to_string(),
                proof: proof.iter().map(|h| h.to_string()).collect(),
            }))?,
        ),
        EvidenceKind::Unproven { note, reason } => (
            format!("unproven-{stamp}.txt"),
            format!(
                "{reason}\n\nWhat the node served:\n{}",
                String::from_utf8_lossy(note)
            ),
        ),
    };
    let path = dir.join(name);
    crate::keyfile::write_atomically(&path, (text + "\n").as_bytes())?;
    std::fs::write(
        dir.join("LATEST"),
        format!("{}\n{}\n", path.display(), evidence.summary),
    )
    .with_context(|| format!("writing {}", dir.display()))?;
    Ok(path)
}

/// What `truce serve` and `truce mirror --listen` show of a mirror.
pub fn status_of(location: &Location) -> Option<Arc<MirrorStatus>> {
    let text = std::fs::read_to_string(location.mirror_file_path()).ok()?;
    let pinned: MirrorFile = serde_json::from_str(&text).ok()?;
    let status = MirrorStatus::new(pinned.origin);
    if let Ok(latest) = std::fs::read_to_string(location.data_dir.join("evidence").join("LATEST")) {
        status.stop(
            latest
                .lines()
                .rev()
                .collect::<Vec<_>>()
                .join(" — evidence: "),
        );
    }
    Some(Arc::new(status))
}

/// A server of the mirror's copy, running beside the follow.
struct Serving {
    address: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Serving {
    async fn start(
        location: &Location,
        address: SocketAddr,
        ledger: Arc<Ledger<Register>>,
        status: Arc<MirrorStatus>,
    ) -> Result<Self> {
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("listening on {address}"))?;
        let address = listener.local_addr()?;
        println!("serving the copy read-only on http://{address}/");
        let state = AppState::new(ledger, location.data_dir.clone()).with_mirror(status);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let shutdown = async {
                tokio::select! {
                    _ = stopped => {}
                    () = crate::serve::interrupted() => {}
                }
            };
            if let Err(e) = truce_server::serve_until(listener, state, shutdown).await {
                eprintln!("the mirror's server stopped: {e}");
            }
        });
        Ok(Self {
            address,
            stop,
            task,
        })
    }

    async fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.task.await;
    }

    async fn wait(self) {
        let _ = self.task.await;
    }
}

/// Brings the cache copy of `url`'s Record in `local` up to date, verifying
/// everything as a mirror does. The node key is pinned on first use (from
/// the node's own /api/v1/mechanism, and said so); from then on a node
/// that contradicts the copy is caught, with evidence kept in the cache.
pub async fn sync_cache(local: &Location, url: &str) -> Result<()> {
    let _lock = crate::node::DirLock::wait(&local.data_dir)?;
    let origin = Origin::new(url, local.token.clone(), &local.trust()?)?;
    let path = local.mirror_file_path();
    let pinned: MirrorFile = match std::fs::read_to_string(&path) {
        Ok(text) => {
            serde_json::from_str(&text).with_context(|| format!("reading {}", path.display()))?
        }
        Err(_) => {
            let mechanism: serde_json::Value = serde_json::from_slice(
                &origin
                    .get("/api/v1/mechanism")
                    .await
                    .with_context(|| format!("reading the mechanism of {url}"))?,
            )?;
            let node_key = mechanism["node_key"]
                .as_str()
                .context("the node names no node key")?
                .to_string();
            eprintln!(
                "first use of {url}: its node key {node_key} is pinned in {}; compare it with the key your mechanism published",
                local.data_dir.display()
            );
            let pinned = MirrorFile {
                origin: url.to_string(),
                node_key,
            };
            crate::keyfile::write_atomically(
                &path,
                (serde_json::to_string_pretty(&pinned)? + "\n").as_bytes(),
            )?;
            pinned
        }
    };
    let (ledger, opened) = open(local, &pinned).await?;
    let mut saving = Saving::new(local, &opened);
    let ledger = Arc::new(ledger);
    let mut follower = Follower::new(ledger.clone(), origin, pinned.node_key.clone());
    loop {
        match follower.step(&|_, _| {}, &|_, _| {}).await {
            Ok(Progress::UpToDate { .. }) => break,
            Ok(Progress::Advanced(_)) => saving.after_step(&ledger),
            Err(Stop::Evidence(evidence)) => {
                let kept = keep_evidence(local, &evidence)?;
                bail!("{} (evidence kept in {})", evidence.summary, kept.display());
            }
            Err(Stop::Store(e)) => return Err(e.into()),
            Err(Stop::Unreachable(e)) => return Err(e.into()),
        }
    }
    drop(follower);
    saving.at_end(&ledger);
    if let Ok(ledger) = Arc::try_unwrap(ledger) {
        ledger.close().await;
    }
    Ok(())
}
