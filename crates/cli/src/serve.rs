//! `truce serve` and `truce token`: the node's HTTP API and the read
//! tokens that let members see more than the public.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use truce_model::{MemberName, Role};
use truce_server::AppState;

use crate::node::{DirLock, Location};
use truce_regime::Register;
use truce_store::{Ledger, SavedUse};

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free one (printed at start).
    #[arg(long, env = "TRUCE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// A witness service to push checkpoints to, as NAME=URL (NAME as the
    /// genesis names the witness's key, URL where `truce witness serve`
    /// listens). Repeatable. Keys come from the Record, never from here.
    #[arg(long = "witness", value_name = "NAME=URL")]
    pub witnesses: Vec<String>,
    /// Seconds between pushes of the latest checkpoint to the witnesses
    /// (only when the Record grew or a witness is behind).
    #[arg(long, default_value_t = 1.0)]
    pub witness_interval: f64,
    /// Largest evidence file a guarantor may upload, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = truce_node::blobs::DEFAULT_LIMIT)]
    pub evidence_limit: u64,
    /// Seconds an uploaded evidence file is kept while no report names it;
    /// then a sweep (every 10 minutes, and at start) removes it.
    #[arg(long, value_name = "SECONDS", default_value_t = truce_node::blobs::DEFAULT_GRACE.as_secs())]
    pub evidence_grace: u64,
    /// Speak HTTPS, with this PEM certificate chain: the node's certificate
    /// first (issued for the name or address members use in --node), then
    /// any intermediates. Needs --tls-key.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// The PEM private key of the --tls-cert certificate (PKCS#8, PKCS#1
    /// or SEC1). Needs --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Most connections held open at once. At the cap the oldest
    /// connection that has not sent a request is closed to make room;
    /// beyond it, new ones are closed at once. Default: the process's
    /// file-descriptor limit (raised to its hard limit at start) less a
    /// reserve for the database and files.
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
}

fn parse_witnesses(args: &[String]) -> Result<Vec<(String, String)>> {
    args.iter()
        .map(|arg| {
            let (name, url) = arg
                .split_once('=')
                .with_context(|| format!("--witness {arg}: expected NAME=URL"))?;
            Ok((name.trim().to_string(), url.trim().to_string()))
        })
        .collect()
}

/// Serves the Record until ctrl-c or SIGTERM, then closes it cleanly.
pub async fn serve(location: &Location, args: ServeArgs) -> Result<ExitCode> {
    // One writer per data directory: a local write or a second node beside
    // this one would change the Record underneath it.
    let mut lock = location.lock_for_writing()?;
    // A bad certificate or key is refused before the Record is opened.
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(truce_server::tls_config(cert, key)?),
        (None, None) => None,
        _ => bail!("--tls-cert and --tls-key go together"),
    };
    // Each connection holds a descriptor: take all the system allows
    // before sizing the cap on connections to it.
    let descriptors = truce_server::raise_descriptor_limit();
    let limits = match args.max_connections {
        Some(0) => bail!("--max-connections must be at least 1"),
        Some(max_connections) => truce_server::Limits { max_connections },
        None => truce_server::Limits::from_descriptor_limit(),
    };
    if let Some(descriptors) = descriptors {
        if limits.max_connections as u64 + truce_server::DESCRIPTOR_RESERVE > descriptors {
            eprintln!(
                "warning: --max-connections {} with {descriptors} file descriptors leaves fewer than {} for the database and files",
                limits.max_connections,
                truce_server::DESCRIPTOR_RESERVE
            );
        }
    }
    let (ledger, opened) = location.open_node(&lock).await?;
    // Its entries were all read and checked by the replay, if it replayed.
    let entries_checked = matches!(opened, SavedUse::Derived { .. });
    let (ledger, opened) = open_again_from_saved(location, &lock, ledger, opened).await?;
    let ledger = Arc::new(ledger);
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let address = listener.local_addr()?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    lock.say(&format!("serving {scheme}://{address}"))?;
    println!(
        "truce node listening on {scheme}://{address}/ (API under /api/v1, OpenAPI at {})",
        truce_server::OPENAPI_PATH
    );
    println!("Record: {} — stop with ctrl-c", location.describe());
    println!("at most {} connections at once", limits.max_connections);
    if args.evidence_limit > truce_model::MAX_EVIDENCE_BYTES {
        bail!(
            "--evidence-limit {} is over what a report may cite ({} bytes)",
            args.evidence_limit,
            truce_model::MAX_EVIDENCE_BYTES
        );
    }
    let mut state = AppState::new(ledger.clone(), location.data_dir.clone()).with_evidence(
        truce_server::EvidenceSettings {
            limit: args.evidence_limit,
            grace: std::time::Duration::from_secs(args.evidence_grace),
        },
    );
    if let Some(mirror) = crate::mirror::status_of(location) {
        println!(
            "a read-only mirror of {} (run `truce mirror` to bring it up to date)",
            mirror.origin
        );
        state = state.with_mirror(mirror);
    } else if !ledger.is_writer() {
        println!("read-only: this data directory holds no node key");
    }
    let witnesses = parse_witnesses(&args.witnesses)?;
    let publishing = if witnesses.is_empty() {
        None
    } else {
        let quorum = ledger.registry().genesis().map_or(0, |g| g.witness_quorum);
        let board = Arc::new(truce_server::WitnessBoard::new(&witnesses, quorum));
        state = state.with_witnesses(board.clone());
        let publisher =
            truce_client::Publisher::new(ledger.clone(), &witnesses, &location.trust()?)?;
        let every = std::time::Duration::from_secs_f64(args.witness_interval.clamp(0.05, 3600.0));
        println!(
            "pushing checkpoints every {every:?} to {}",
            witnesses
                .iter()
                .map(|(n, u)| format!("{n} at {u}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Some(tokio::spawn(publish(publisher, board, every)))
    };
    let webhooks = state.deliver_webhooks(&location.trust()?)?;
    for (url, _) in &webhooks {
        println!("sending the Record's events to the webhook {url}");
    }
    // A mirror takes no uploads: its copy of the Record is not its own.
    let sweeping =
        (state.mirror.is_none() && ledger.is_writer()).then(|| tokio::spawn(sweep(state.clone())));
    let saver = Arc::new(StateSaver {
        ledger: ledger.clone(),
        register: location.saved_register_path(),
        membership: location.saved_membership_path(),
        one_at_a_time: std::sync::Mutex::new(()),
        on_disk: std::sync::atomic::AtomicU64::new(match opened {
            SavedUse::Loaded { size, replayed: 0 } => size,
            _ => NOTHING_SAVED,
        }),
    });
    // A node opened from a saved state has not read the entries that state
    // stands for: it checks them now, while it serves, and stops if one no
    // longer hashes to its leaf in the signed tree.
    let (found, stop) = tokio::sync::oneshot::channel::<anyhow::Error>();
    let checking = match opened {
        SavedUse::Loaded { size, .. } if !entries_checked => {
            let ledger = ledger.clone();
            Some(tokio::spawn(async move {
                match ledger.check_stored_entries(size).await {
                    Ok(()) => tracing::info!(
                        entries = size,
                        "the entries behind the saved state still hash to the signed tree"
                    ),
                    Err(e) => {
                        let _ = found.send(anyhow::Error::new(e).context(
                            "the stored entries are not those the saved state was derived from",
                        ));
                    }
                }
            }))
        }
        _ => None,
    };
    let (stopped, mut stop_reason) = tokio::sync::oneshot::channel::<anyhow::Error>();
    let stop = async move {
        if let Ok(reason) = stop.await {
            let _ = stopped.send(reason);
        } else {
            std::future::pending::<()>().await;
        }
    };
    let saving = tokio::spawn(saver.clone().keep_saved(opened));
    truce_server::serve_limited(listener, tls, limits, state, stop).await?;
    saving.abort();
    let _ = saving.await;
    if let Some(task) = checking {
        task.abort();
        let _ = task.await;
    }
    if let Some(task) = sweeping {
        task.abort();
        let _ = task.await;
    }
    if let Some(task) = publishing {
        task.abort();
        let _ = task.await;
    }
    // They end by themselves once the node stops; one waiting on an
    // endpoint's answer is not waited for.
    for (_, task) in webhooks {
        task.abort();
        let _ = task.await;
    }
    // Sent before the server was told to stop, so there by now if at all.
    if let Ok(reason) = stop_reason.try_recv() {
        // Nothing is to start from a state whose entries changed: the next
        // start, and every read, replay the entries and name the change.
        saver.discard();
        drop(saver);
        if let Ok(ledger) = Arc::try_unwrap(ledger) {
            ledger.close().await;
        }
        drop(lock);
        return Err(reason);
    }
    // The next start, and the reads, begin from this state (saved again
    // only if the Record grew since it was last).
    if saver.ledger.size() != saver.on_disk.load(std::sync::atomic::Ordering::SeqCst) {
        saver.save().await;
    }
    drop(saver);
    if let Ok(ledger) = Arc::try_unwrap(ledger) {
        ledger.close().await;
    }
    drop(lock);
    println!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// A node that replayed every entry saves the state it derived and opens
/// again from it: a register read back keeps its reports as saved until
/// they are read, so the node then holds what a start from the saved
/// state holds, not every report the replay decoded beside what readers
/// go on to derive (at a million reports, a first start had peaked above
/// 1 GB). A state that cannot be saved leaves the node as it opened.
async fn open_again_from_saved(
    location: &Location,
    lock: &DirLock,
    ledger: Ledger<Register>,
    opened: SavedUse,
) -> Result<(Ledger<Register>, SavedUse)> {
    if !matches!(opened, SavedUse::Derived { .. }) {
        return Ok((ledger, opened));
    }
    let saved = ledger
        .save_state(&location.saved_register_path())
        .and_then(|()| ledger.save_membership(&location.saved_membership_path()));
    if let Err(e) = saved {
        tracing::warn!("the next start will replay the whole Record again: {e}");
        return Ok((ledger, opened));
    }
    tracing::info!(
        size = ledger.size(),
        "saved the state the replay derived; opening again from it"
    );
    ledger.close().await;
    location.open_node(lock).await
}

/// Saves the node's state beside the Record (`register.saved`, and the
/// membership alone in `membership.saved`) as the Record grows, and when
/// the node stops: a start after a crash then replays only what came
/// after the last save.
struct StateSaver {
    ledger: Arc<Ledger<Register>>,
    register: std::path::PathBuf,
    membership: std::path::PathBuf,
    /// A save at stop waits for one under way, which goes on even when the
    /// task that started it is stopped.
    one_at_a_time: std::sync::Mutex<()>,
    /// The size of the state the files hold, or [`NOTHING_SAVED`].
    on_disk: std::sync::atomic::AtomicU64,
}

/// No state of this Record is saved yet, or its size is not known.
const NOTHING_SAVED: u64 = u64::MAX;

impl StateSaver {
    /// Saves now, from the snapshot readers hold: appends go on meanwhile.
    async fn save(self: &Arc<Self>) -> Option<u64> {
        let saver = self.clone();
        let saved = tokio::task::spawn_blocking(move || {
            let _one = saver
                .one_at_a_time
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let size = saver.ledger.size();
            let saved = saver
                .ledger
                .save_state(&saver.register)
                .and_then(|()| saver.ledger.save_membership(&saver.membership));
            // The state saved is of this size or larger; after a failure
            // the two files may hold states of different sizes.
            let on_disk = if saved.is_ok() { size } else { NOTHING_SAVED };
            saver
                .on_disk
                .store(on_disk, std::sync::atomic::Ordering::SeqCst);
            saved.map(|()| size)
        })
        .await;
        match saved {
            Ok(Ok(size)) => {
                tracing::info!(size, "saved the node's state for the next start");
                Some(size)
            }
            Ok(Err(e)) => {
                tracing::warn!("the next start will replay the whole Record again: {e}");
                None
            }
            Err(_) => None,
        }
    }

    /// Removes the saved states (waiting for a save under way).
    fn discard(&self) {
        let _one = self
            .one_at_a_time
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for path in [&self.register, &self.membership] {
            if let Err(e) = std::fs::remove_file(path) {
                if e.kind() != std::io::ErrorKind::NotFound {
                    tracing::warn!("{}: {e}", path.display());
                }
            }
        }
    }

    /// Saves whenever the Record has grown by a tenth, and by at least
    /// 10,000 entries, past the state saved last (at once when the node
    /// opened without one, or replayed that many past it).
    async fn keep_saved(self: Arc<Self>, opened: SavedUse) {
        let mut saved_at = match opened {
            SavedUse::Loaded { size, .. } => size,
            SavedUse::Derived { .. } => 0,
        };
        let mut sizes = self.ledger.watch_size();
        loop {
            let size = *sizes.borrow_and_update();
            if size >= saved_at + crate::node::save_after(saved_at) {
                saved_at = self.save().await.unwrap_or(size);
            }
            if sizes.changed().await.is_err() {
                return;
            }
        }
    }
}

/// Removes evidence files no statement names, at start and every 10 minutes.
async fn sweep(state: AppState) {
    loop {
        match state.sweep_evidence().await {
            Ok(swept) if !swept.blobs.is_empty() || swept.temporary > 0 => println!(
                "removed {} evidence files no report names after {} s, and {} unfinished uploads",
                swept.blobs.len(),
                state.evidence.grace.as_secs(),
                swept.temporary
            ),
            Ok(_) => {}
            Err(e) => eprintln!("sweeping evidence files: {e}"),
        }
        tokio::time::sleep(truce_node::blobs::SWEEP_EVERY).await;
    }
}

/// Pushes the latest checkpoint to the witnesses each interval, and says
/// when a witness falls behind or comes back.
async fn publish(
    mut publisher: truce_client::Publisher<truce_regime::Register>,
    board: Arc<truce_server::WitnessBoard>,
    every: std::time::Duration,
) {
    use truce_client::Outcome;
    let mut failing = std::collections::BTreeSet::new();
    loop {
        for (name, outcome) in publisher.round().await {
            match outcome {
                Outcome::Cosigned { size } | Outcome::AlreadyCosigned { size } => {
                    if failing.remove(&name) {
                        println!("witness {name} cosigned again (size {size})");
                    }
                    board.cosigned(&name, size);
                }
                Outcome::Failed { reason } => {
                    if failing.insert(name.clone()) {
                        eprintln!("witness {name} is behind: {reason}");
                    }
                    board.failed(&name, reason);
                }
            }
        }
        tokio::time::sleep(every).await;
    }
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a read token for a member of the Record (printed once, stored hashed).
    ///
    /// With --joining, for a member not yet in the Record: the token reads
    /// nothing until the member is admitted, but it can ask (from the web
    /// interface) for a key made in a browser to be admitted as that member.
    Create {
        #[arg(long)]
        member: String,
        /// The role the new member will be admitted with (guarantor_member,
        /// observer, intermediary, operator).
        #[arg(long, value_name = "ROLE")]
        joining: Option<String>,
    },
    /// List tokens: id, member, role, created.
    List,
    /// Revoke a token by its id (at least 8 hex digits), or all of a member's.
    Revoke {
        id: Option<String>,
        #[arg(long, conflicts_with = "id")]
        member: Option<String>,
    },
}

pub async fn token(location: &Location, command: TokenCommand) -> Result<ExitCode> {
    let dir: PathBuf = location.data_dir.clone();
    match command {
        TokenCommand::Create { member, joining } => {
            let member = MemberName::new(member)?;
            let ledger = location.open_ledger().await?;
            let standing = ledger.with_registry(|r| {
                (
                    r.member(&member).is_some(),
                    r.member_in_good_standing(&member).map(|m| m.role),
                )
            });
            ledger.close().await;
            let role = match (standing, joining) {
                ((false, None), Some(role)) => role.parse::<Role>()?,
                (_, Some(_)) => bail!(
                    "{member} is a member of this Record already: --joining is for a member not yet admitted"
                ),
                ((_, Some(role)), None) => role,
                ((true, None), None) => bail!(
                    "{member}'s key is revoked in this Record: a token would read for a member who can no longer sign"
                ),
                ((false, None), None) => bail!(
                    "{member} is not a member of this Record (--joining ROLE makes a token to ask for admission)"
                ),
            };
            let secret = truce_node::create_token(&dir, &member, role)?;
            println!("token for {member} ({role}); it is shown only now:");
            println!("{secret}");
        }
        TokenCommand::List => {
            for record in truce_node::list_tokens(&dir)? {
                println!(
                    "{}  {:<20} {:<17} {}",
                    record.id(),
                    record.member,
                    record.role,
                    record.created
                );
            }
        }
        TokenCommand::Revoke { id, member } => match (id, member) {
            (Some(id), None) => {
                let record = truce_node::revoke_token(&dir, &id)?;
                println!("revoked {} of {}", record.id(), record.member);
            }
            (None, Some(member)) => {
                let n = truce_node::revoke_member_tokens(&dir, &MemberName::new(member.clone())?)?;
                println!("revoked {n} tokens of {member}");
            }
            _ => bail!("give a token id or --member"),
        },
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Send the Record's events to URL as they are admitted, signed as the
    /// Standard Webhooks specification has it. Prints the endpoint's
    /// signing secret, once: give it to the receiver. Takes effect when
    /// the node (`truce serve`) starts again.
    ///
    /// Each delivery is a POST of JSON `{"type": "truce.report_filed",
    /// "timestamp", "data": {position, kind, member, party, subject,
    /// summary, concerns}}` with the headers webhook-id, webhook-timestamp
    /// and webhook-signature. A delivery that fails is tried again (after
    /// 1 s, 5 s, 30 s, 2 min, then every 10 min) and holds back the later
    /// ones, so the receiver sees them all, in order.
    Add {
        url: String,
        /// Only what concerns this party (the other parties' reports,
        /// assessments, proposals and votes; decisions settled); without
        /// it, everything admitted.
        #[arg(long)]
        party: Option<String>,
    },
    /// List the webhooks: URL, party, since when, delivered through which position.
    List,
    /// Stop sending to URL (when the node starts again).
    Remove { url: String },
}

pub async fn webhook(location: &Location, command: WebhookCommand) -> Result<ExitCode> {
    let hooks = truce_node::webhooks::Webhooks::new(&location.data_dir);
    match command {
        WebhookCommand::Add { url, party } => {
            let party = party.map(truce_model::Party::new).transpose()?;
            if let Some(party) = &party {
                let ledger = location.open_ledger().await?;
                let guarantors = ledger.rules().guarantors().to_vec();
                ledger.close().await;
                if !guarantors.contains(party) {
                    bail!(
                        "--party {party}: not a guarantor party of this Record (they are: {})",
                        guarantors
                            .iter()
                            .map(|g| g.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
            }
            let hook = hooks.add(&url, party)?;
            println!(
                "webhook {} added; its signing secret, shown only now:",
                hook.url
            );
            println!("{}", hook.secret);
            println!("it takes effect when `truce serve` starts again");
        }
        WebhookCommand::List => {
            let cursors = truce_node::webhooks::Cursors::load(&location.data_dir)?;
            for hook in hooks.list()? {
                let delivered = cursors
                    .delivered_through(&hook.url)
                    .map_or("nothing yet".to_string(), |p| format!("through {p}"));
                println!(
                    "{}  {}  since {}  delivered {delivered}",
                    hook.url,
                    hook.party.as_ref().map_or("every party", |p| p.as_str()),
                    hook.added
                );
            }
        }
        WebhookCommand::Remove { url } => {
            hooks.remove(&url)?;
            println!("webhook {url} removed; it stops when `truce serve` starts again");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Completes on ctrl-c or SIGTERM.
pub async fn interrupted() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
