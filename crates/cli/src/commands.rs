use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::Timestamp;
use serde_json::json;
use truce_record::{Body, CheckpointSigner, Cosigner, MemberKey, NoRules, Rules, Statement};
use truce_store::{replay_with, Ledger, ReplayReport, SavedCheck};

use crate::keyfile;
use crate::mechanism::{MechanismFile, EXAMPLE};
use crate::node::{ensure_new_record_dir, member_of, new_register, Location};

#[derive(Args)]
pub struct KeygenArgs {
    /// Where to write the key (created with permissions 0600).
    #[arg(long)]
    out: PathBuf,
    /// Make a witness key with this name (for `truce witness cosign`)
    /// instead of a member key.
    #[arg(long, value_name = "NAME")]
    witness: Option<String>,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

pub fn keygen(args: KeygenArgs) -> Result<ExitCode> {
    match args.witness {
        Some(name) => {
            let key = Cosigner::generate(&name)?;
            keyfile::write_witness_key(&args.out, &key, args.force)?;
            println!("witness key written to {}", args.out.display());
            println!("verifier_key = \"{}\"", key.verifier_key());
        }
        None => {
            let key = MemberKey::generate();
            keyfile::write_member_key(&args.out, &key, args.force)?;
            println!("member key written to {}", args.out.display());
            println!("public_key = \"{}\"", key.public_key());
            println!("key_id     = \"{}\"", key.key_id());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
#[command(after_help = format!("Example mechanism file:\n\n{EXAMPLE}"))]
pub struct InitArgs {
    /// The mechanism file (TOML): name, operator, members, witnesses, quorum.
    #[arg(long)]
    mechanism: PathBuf,
    /// The operator's member key; it signs the genesis statement.
    #[arg(long)]
    key: PathBuf,
    /// Use this node key instead of creating one (to move a node).
    #[arg(long)]
    node_key: Option<PathBuf>,
}

pub async fn init(location: &Location, args: InitArgs) -> Result<ExitCode> {
    let _writing = location.lock_for_writing()?;
    let mechanism = MechanismFile::read(&args.mechanism)?;
    let operator = keyfile::read_member_key(&args.key)?;
    if operator.public_key() != mechanism.operator.public_key {
        bail!(
            "{} is not the operator's key: the mechanism file names public key {}",
            args.key.display(),
            mechanism.operator.public_key
        );
    }
    ensure_new_record_dir(&location.data_dir)?;
    let signer = match &args.node_key {
        Some(path) => keyfile::read_node_key(path)?,
        None => CheckpointSigner::generate(&mechanism.origin())?,
    };
    let genesis = mechanism.genesis(signer.verifier_key())?;
    let store = location.open_store().await?;
    if store.size().await? > 0 {
        bail!("{} already holds a Record", location.describe());
    }
    keyfile::write_secret(
        &location.node_key_path(),
        &format!("{}\n", signer.secret()),
        false,
    )?;
    let ledger = Ledger::open_with(store, signer, new_register()).await?;
    let statement = Statement::new(
        operator.key_id(),
        0,
        Timestamp::now(),
        Body::Genesis(genesis),
    );
    let receipt = ledger.append(operator.sign(&statement)).await?;
    let checkpoint = ledger.checkpoint().expect("genesis is checkpointed");
    println!("Record created in {}", location.describe());
    println!(
        "genesis at position {}, leaf hash {}",
        receipt.position, receipt.leaf_hash
    );
    println!(
        "node key (give it to every verifier): {}",
        checkpoint_key(&ledger)
    );
    print!("{}", String::from_utf8_lossy(checkpoint.note()));
    ledger.close().await;
    Ok(ExitCode::SUCCESS)
}

fn checkpoint_key(ledger: &Ledger<truce_regime::Register>) -> String {
    ledger
        .registry()
        .genesis()
        .map(|g| g.node_key.clone())
        .unwrap_or_default()
}

#[derive(Args)]
#[command(
    after_help = "The statement file holds the body only, as JSON, for example:\n\n  \
    {\"note\": {\"text\": \"Shelling reported near Khan Shaykhun\", \"refers_to\": []}}\n\n\
    truce fills in your key id, your next sequence number and the time, signs the\n\
    canonical bytes with your key, and appends them. Kinds: member_admitted,\n\
    key_rotated, key_revoked, note."
)]
pub struct AppendArgs {
    /// JSON file with the statement body, or - for standard input.
    file: PathBuf,
    /// Your member key file.
    #[arg(long)]
    key: PathBuf,
}

pub async fn append(location: &Location, args: AppendArgs) -> Result<ExitCode> {
    let text = if args.file.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(&args.file)
            .with_context(|| format!("reading {}", args.file.display()))?
    };
    let body: Body = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a statement body", args.file.display()))?;
    crate::register::sign_and_append(location, &args.key, body).await?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct LogArgs {
    /// First position to list.
    #[arg(long, default_value_t = 0)]
    pub from: u64,
    /// Most entries to list.
    #[arg(long, default_value_t = 100)]
    pub limit: u64,
    /// Only statements of this kind (genesis, member_admitted, note,
    /// report_filed, assessment, decision_proposed, …: an unknown kind is
    /// refused with the list).
    #[arg(long)]
    pub kind: Option<String>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub async fn log(location: &Location, args: LogArgs) -> Result<ExitCode> {
    if let Some(kind) = &args.kind {
        if !truce_model::Kind::ALL.iter().any(|k| k.as_str() == kind) {
            let known: Vec<&str> = truce_model::Kind::ALL.iter().map(|k| k.as_str()).collect();
            bail!(
                "--kind {kind:?} is not a kind of statement; one of {}",
                known.join(", ")
            );
        }
    }
    let ledger = location.open_record().await?;
    let registry = ledger.registry();
    let entries = ledger.committed_entries(args.from, args.limit).await?;
    let end = entries.last().map_or(args.from, |e| e.position + 1);
    let remaining = ledger.size().saturating_sub(end);
    for entry in entries {
        let statement = Statement::from_bytes(&entry.statement).with_context(|| {
            format!(
                "entry {} does not decode (run truce verify)",
                entry.position
            )
        })?;
        if args
            .kind
            .as_deref()
            .is_some_and(|k| k != statement.kind().as_str())
        {
            continue;
        }
        let member = member_of(&registry, &statement.author);
        if args.json {
            let leaf = ledger.leaf_hash(entry.position).map(|h| h.to_string());
            println!(
                "{}",
                json!({
                    "position": entry.position,
                    "member": member,
                    "author": statement.author,
                    "seq": statement.seq,
                    "time": statement.time,
                    "kind": statement.kind().as_str(),
                    "body": statement.body,
                    "leaf_hash": leaf,
                })
            );
        } else {
            println!(
                "{:>7}  {}  {:<16} {:>4}  {:<24} {}",
                entry.position,
                statement.time.strftime("%Y-%m-%d %H:%M:%S"),
                member,
                statement.seq,
                statement.kind().as_str(),
                crate::terminal::printable(&summary(&statement.body))
            );
        }
    }
    if remaining > 0 {
        eprintln!("{remaining} more entries: --from {end}");
    }
    ledger.close().await;
    Ok(ExitCode::SUCCESS)
}

fn summary(body: &Body) -> String {
    let text = match body {
        Body::Genesis(g) => format!(
            "{} ({} founding members, {} witnesses, quorum {})",
            g.mechanism,
            g.members.len() + 1,
            g.witnesses.len(),
            g.witness_quorum
        ),
        Body::MemberAdmitted(m) => format!("{} ({}, {})", m.member, m.party, m.role),
        Body::KeyRotated(r) => format!("new key {}", truce_record::KeyId::of(&r.new_public_key)),
        Body::KeyRevoked(r) => format!(
            "{}'s key {}: {}",
            r.member,
            truce_record::KeyId::of(&r.public_key),
            r.reason
        ),
        Body::Note(n) => n.text.clone(),
        Body::FormationRegistered(f) => {
            format!("{} ({}): {}", f.formation, f.name, f.aliases.join(", "))
        }
        Body::FormationStatusChanged(s) => format!(
            "{} {} from {} ({})",
            s.formation,
            s.status.as_str(),
            s.valid_from,
            s.reference
        ),
        Body::ReportFiled(r) => report_summary(&r.report),
        Body::ReportAmended(r) => format!("amends {}: {}", r.amends, report_summary(&r.report)),
        Body::ReportWithdrawn(r) => format!("withdraws {}: {}", r.withdraws, r.reason),
        Body::IncidentLinked(l) => match l.with {
            Some(with) => format!("links {} with {}: {}", l.report, with, l.reason),
            None => format!("detaches {}: {}", l.report, l.reason),
        },
        Body::DecisionProposed(p) => format!(
            "proposes a {} decision: {} (deadline {})",
            p.decision_type.as_str(),
            p.title,
            p.deadline
        ),
        Body::DecisionVote(v) => format!(
            "{} {}: {}",
            match v.vote {
                truce_model::Vote::Endorse => "endorses",
                truce_model::Vote::Object => "objects to",
            },
            v.decision,
            v.reason
        ),
        Body::MeasureCompliance(c) => {
            format!("records {:?} with {}: {}", c.outcome, c.decision, c.note)
        }
        Body::ExchangeKeyPublished(k) => format!("exchange key {k}", k = k.key),
        Body::ExchangeListSubmitted(l) => format!(
            "{} list {}: {} persons (sealed to {} keys)",
            l.direction.as_str(),
            l.reference,
            l.entries.len(),
            l.sealed.recipients.len()
        ),
        Body::ExchangeMatch(m) => format!(
            "{:?} match {} ~ {} (score {})",
            m.verdict, m.sought, m.held, m.score
        ),
        Body::ExchangeInterview(i) => format!(
            "interview of {} for {}: {}",
            i.person,
            i.project,
            if i.clears_release() {
                "cleared"
            } else {
                "not cleared"
            }
        ),
        Body::ExchangeRelease(r) => format!(
            "release of {} persons in {} at {}",
            r.persons.len(),
            r.project,
            r.released_at
        ),
        Body::MeetingRecorded(m) => format!(
            "{} meeting, {} on {} ({:?})",
            m.level.as_str(),
            m.place,
            m.date,
            m.status
        ),
        Body::DocumentVersion(v) => {
            format!("{} version {}: {}", v.document, &v.sha256[..12], v.title)
        }
        Body::DocumentApproved(a) => format!("approves {} version {}", a.document, &a.sha256[..12]),
        Body::RequestMade(r) => format!(
            "asks {} about {}, by {}: {}",
            r.to,
            match &r.about {
                truce_model::RequestSubject::Incident(id) => id.to_string(),
                truce_model::RequestSubject::Formation(id) => id.to_string(),
            },
            r.reply_by,
            r.question
        ),
        Body::RequestAnswered(a) => format!("answers {}: {}", a.request, a.answer),
        Body::CaseOpened(c) => format!(
            "opens a case on {}: {}",
            match &c.about {
                truce_model::CaseSubject::Incident(id) => id.to_string(),
                truce_model::CaseSubject::Complaint(sha256) =>
                    format!("complaint {}", &sha256[..12]),
            },
            c.question
        ),
        Body::CaseTasked(t) => format!("tasks {} with {}", t.team, t.case),
        Body::CaseVisited(v) => format!(
            "visit for {} at {} on {}: {}",
            v.case, v.place.name, v.visited_at, v.summary
        ),
        Body::CasePosition(p) => format!(
            "holds {} a {}{}: {}",
            p.case,
            p.severity,
            p.responsible
                .as_ref()
                .map(|f| format!(" by {f}"))
                .unwrap_or_default(),
            p.reason
        ),
        Body::AccessRestricted(r) => format!(
            "{} of access by {}, {} to {}: {}",
            r.kind.as_str(),
            r.by,
            r.from,
            r.until,
            r.prevented
        ),
        Body::AssetRegistered(a) => format!(
            "registers {} {} ({}), working from {}",
            a.kind.as_str(),
            a.asset,
            a.name,
            a.working_from
        ),
        Body::AssetStatus(s) => format!("{} {} from {}", s.asset, s.status.as_str(), s.from),
        Body::ComplaintDeclined(d) => {
            format!("declines complaint {}: {}", &d.complaint[..12], d.reason)
        }
        Body::Assessment(a) => format!(
            "{} on the incident of {}: {}",
            a.position.as_str(),
            a.incident,
            a.reason
        ),
    };
    let mut line: String = text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(80)
        .collect();
    if line.len() < text.len() {
        line.push('…');
    }
    line
}

fn report_summary(report: &truce_model::ReportFields) -> String {
    format!(
        "{} at {} on {}",
        report.violation_type.as_str(),
        report.location.place,
        report.occurred.date()
    )
}

#[derive(Args)]
pub struct VerifyArgs {
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub async fn verify(location: &Location, args: VerifyArgs) -> Result<ExitCode> {
    let store = location.open_store().await?;
    let total = store.size().await?;
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "verifying {bar:40} {pos}/{len} entries, {per_sec}, {eta} left",
        )
        .expect("valid template"),
    );
    let mut register = new_register();
    let outcome = replay_with(&store, &mut register, &|done, _| bar.set_position(done)).await;
    // The saved state is of a settled register: compared settled.
    register.settle();
    bar.finish_and_clear();
    store.close().await;
    match outcome {
        Ok(report) => {
            let saved = SavedStates {
                membership: check_saved(&location.saved_membership_path(), &report, &NoRules),
                register: check_saved(&location.saved_register_path(), &report, &register),
            };
            print_report(location, &report, &saved, args.json);
            Ok(ExitCode::SUCCESS)
        }
        Err(problem) => {
            if args.json {
                println!("{}", json!({"ok": false, "problem": problem.to_string()}));
            } else {
                println!("FAILED: {problem}");
            }
            Ok(ExitCode::FAILURE)
        }
    }
}

/// What `truce verify` found of the states saved for opening.
struct SavedStates {
    membership: String,
    register: String,
}

/// Compares the state saved at `path` (membership, tree and `rules`' state)
/// with the one the replay derived, and saves the derived one unless they
/// are the same; says what it found. A saved state that differs is no
/// fault of the Record, but the reads that started from it may have
/// answered wrongly.
fn check_saved<R: Rules>(path: &Path, report: &ReplayReport, rules: &R) -> String {
    let (mut said, replace) = match report.check_saved(path, rules) {
        SavedCheck::None => ("none was saved; saved now".to_string(), true),
        SavedCheck::Matches { size } => (format!("saved at {size} entries, the same"), false),
        SavedCheck::Earlier { size } => (
            format!("saved at {size} entries, its tree the same; replaced by this one"),
            true,
        ),
        SavedCheck::Differs { size, what } => (
            format!("saved at {size} entries, NOT THE SAME ({what}); replaced by this one"),
            true,
        ),
        SavedCheck::Unusable(why) => (format!("not usable ({why}); replaced by this one"), true),
    };
    if replace {
        if let Err(e) = report.save_state(path, rules) {
            said = format!("{said}, but {e}");
        }
    }
    said
}

fn print_report(location: &Location, report: &ReplayReport, saved: &SavedStates, as_json: bool) {
    let node_key = report
        .registry
        .genesis()
        .map(|g| g.node_key.clone())
        .unwrap_or_default();
    if as_json {
        println!(
            "{}",
            json!({
                "ok": true,
                "entries": report.entries,
                "root": report.root.to_string(),
                "checkpoints": report.checkpoints,
                "cosigned_by": report.cosigned_by,
                "quorum": report.quorum,
                "final": report.is_final(),
                "node_key": node_key,
                "saved_membership": saved.membership,
                "saved_register": saved.register,
            })
        );
        return;
    }
    println!("OK: {} verified", location.describe());
    println!(
        "  {} entries: every signature, sequence number and admission rule holds",
        report.entries
    );
    println!("  root {} matches the latest checkpoint", report.root);
    println!(
        "  {} checkpoints, each signed by node key {node_key}",
        report.checkpoints
    );
    let status = if report.is_final() {
        "final"
    } else {
        "not final yet"
    };
    println!(
        "  latest checkpoint cosigned by {} of quorum {} ({}): {status}",
        report.cosigned_by.len(),
        report.quorum,
        if report.cosigned_by.is_empty() {
            "no witness".to_string()
        } else {
            report.cosigned_by.join(", ")
        }
    );
    println!("  membership state for reads: {}", saved.membership);
    println!(
        "  register state for the node and reads: {}",
        saved.register
    );
}
