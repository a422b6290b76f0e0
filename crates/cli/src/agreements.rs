//! `truce agreements`, `truce meeting …`, `truce document …`: what the
//! guarantors agreed and where, their meetings, and the documents they
//! draft and approve. Document files are kept by hash beside the Record.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use serde_json::Value;
use sha2::{Digest, Sha256};
use truce_model::{
    AgreementSpec, DocumentApproved, DocumentVersion, Handle, MeetingLevel, MeetingRecorded,
    MeetingStatus, Zone,
};
use truce_record::Body;

use crate::node::Location;
use crate::register::sign_and_append;

/// Reads an agreement file, with zones from a GeoJSON file if given.
pub fn read_agreement(path: &Path, zones: Option<&Path>) -> Result<AgreementSpec> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut value: Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    if value.get("zones").is_none() {
        value["zones"] = Value::Array(vec![]);
    }
    let mut spec: AgreementSpec =
        serde_json::from_value(value).with_context(|| path.display().to_string())?;
    if let Some(zones) = zones {
        spec.zones.extend(read_zones(zones)?);
    }
    truce_model::Validate::validate(&spec).with_context(|| path.display().to_string())?;
    Ok(spec)
}

fn read_zones(path: &Path) -> Result<Vec<Zone>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    truce_regime::zones_from_geojson(&text).with_context(|| path.display().to_string())
}

#[derive(Args)]
pub struct AgreementsArgs {
    /// Also list the zones in force on this day that hold this point: LAT,LON.
    #[arg(long)]
    at: Option<String>,
    #[arg(long)]
    date: Option<jiff::civil::Date>,
    #[arg(long)]
    json: bool,
}

/// Agreements in force, their clauses and zones.
pub async fn agreements(location: &Location, args: AgreementsArgs) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    for agreement in register.agreements() {
        if args.json {
            println!("{}", serde_json::to_string(agreement)?);
            continue;
        }
        let spec = &agreement.spec;
        println!(
            "{} — {} (adopted by {})",
            spec.id, spec.title, agreement.decision
        );
        for clause in &spec.clauses {
            println!("    {}: {}", clause.id, clause.text);
        }
        for zone in &spec.zones {
            let until = zone
                .valid_to
                .map(|d| format!(" to {d}"))
                .unwrap_or_default();
            println!(
                "    zone {} ({}): {}, from {}{until}",
                zone.id,
                zone.kind.as_str(),
                zone.name,
                zone.valid_from
            );
        }
    }
    if let Some(at) = &args.at {
        let (lat, lon) = at
            .split_once(',')
            .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?)))
            .with_context(|| format!("--at {at:?}: give LAT,LON"))?;
        let date = truce_query::day_or_today(&register, args.date, jiff::Timestamp::now());
        let hits = register.zones_at(lon, lat, date);
        if hits.is_empty() {
            println!("{lat},{lon} is in no zone on {date}");
        }
        for hit in hits {
            match hit.distance_m {
                Some(m) => println!("{lat},{lon} is {m} m from {} ({})", hit.name, hit.zone),
                None => println!("{lat},{lon} is inside {} ({})", hit.name, hit.zone),
            }
        }
    }
    drop(register);
    ledger.close().await;
    Ok(ExitCode::SUCCESS)
}

#[derive(Subcommand)]
pub enum MeetingCommand {
    /// Record a meeting, scheduled or held (again with --updates to amend it).
    Record(MeetingArgs),
    /// Meetings with their documents and the decisions that cite them.
    List(JsonArg),
}

#[derive(Args)]
pub struct JsonArg {
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LevelArg {
    Expert,
    Ministerial,
    HighLevel,
    Technical,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MeetingStatusArg {
    Scheduled,
    Held,
    Cancelled,
}

#[derive(Args)]
pub struct MeetingArgs {
    #[arg(long)]
    key: PathBuf,
    /// The position of the meeting's first record, to amend it.
    #[arg(long)]
    updates: Option<u64>,
    #[arg(long, value_enum)]
    level: LevelArg,
    #[arg(long, value_enum)]
    status: MeetingStatusArg,
    #[arg(long)]
    place: String,
    #[arg(long)]
    date: jiff::civil::Date,
    /// A delegation taking part (repeat).
    #[arg(long = "participant", required = true)]
    participants: Vec<String>,
    /// A delegation attending as observers (repeat).
    #[arg(long = "observer")]
    observers: Vec<String>,
    /// An item of the agenda (repeat).
    #[arg(long = "agenda")]
    agenda: Vec<String>,
    /// What was agreed.
    #[arg(long, default_value = "")]
    summary: String,
}

pub async fn meeting(location: &Location, command: MeetingCommand) -> Result<ExitCode> {
    match command {
        MeetingCommand::Record(args) => {
            let body = Body::MeetingRecorded(MeetingRecorded {
                updates: args.updates,
                level: match args.level {
                    LevelArg::Expert => MeetingLevel::Expert,
                    LevelArg::Ministerial => MeetingLevel::Ministerial,
                    LevelArg::HighLevel => MeetingLevel::HighLevel,
                    LevelArg::Technical => MeetingLevel::Technical,
                },
                status: match args.status {
                    MeetingStatusArg::Scheduled => MeetingStatus::Scheduled,
                    MeetingStatusArg::Held => MeetingStatus::Held,
                    MeetingStatusArg::Cancelled => MeetingStatus::Cancelled,
                },
                place: args.place,
                date: args.date,
                participants: args.participants,
                observers: args.observers,
                agenda: args.agenda,
                summary: args.summary,
            });
            sign_and_append(location, &args.key, body).await?;
        }
        MeetingCommand::List(args) => list_meetings(location, args.json).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn list_meetings(location: &Location, json: bool) -> Result<()> {
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    for meeting in register.meetings() {
        let decisions: Vec<String> = register
            .decisions_of_meeting(meeting.id)
            .iter()
            .map(|d| d.id.to_string())
            .collect();
        let documents: Vec<String> = register
            .documents()
            .flat_map(|d| d.versions.iter().map(move |v| (d, v)))
            .filter(|(_, v)| v.version.meeting == Some(meeting.id))
            .map(|(d, v)| format!("{}@{}", d.id, &v.version.sha256[..12]))
            .collect();
        if json {
            let mut value = serde_json::to_value(meeting)?;
            value["decisions"] = serde_json::to_value(&decisions)?;
            value["documents"] = serde_json::to_value(&documents)?;
            println!("{value}");
            continue;
        }
        let m = &meeting.record;
        println!(
            "M-{} {} meeting, {} on {} ({:?}); participants: {}; observers: {}",
            meeting.id,
            m.level.as_str(),
            m.place,
            m.date,
            m.status,
            m.participants.join(", "),
            if m.observers.is_empty() {
                "none".into()
            } else {
                m.observers.join(", ")
            }
        );
        for item in &m.agenda {
            println!("    agenda: {item}");
        }
        if !m.summary.is_empty() {
            println!("    agreed: {}", m.summary);
        }
        if !documents.is_empty() {
            println!("    documents: {}", documents.join(", "));
        }
        if !decisions.is_empty() {
            println!("    decisions: {}", decisions.join(", "));
        }
    }
    drop(register);
    ledger.close().await;
    Ok(())
}

#[derive(Subcommand)]
pub enum DocumentCommand {
    /// Record a version of a draft document; the file is kept by its hash.
    Add(DocumentAddArgs),
    /// Approve a version on behalf of your guarantor.
    Approve(DocumentApproveArgs),
    /// Documents, their versions and each guarantor's approvals.
    List(JsonArg),
}

#[derive(Args)]
pub struct DocumentAddArgs {
    #[arg(long)]
    key: PathBuf,
    /// The document's handle, such as ceasefire-regime.
    #[arg(long)]
    document: Handle,
    #[arg(long)]
    title: String,
    /// The meeting that discussed it: M-1093 as `meeting list` prints it, or 1093.
    #[arg(long, value_parser = parse_meeting_id)]
    meeting: Option<u64>,
    #[arg(long, default_value = "")]
    note: String,
    /// Media type (default from the file name: text/plain, text/markdown,
    /// application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document).
    #[arg(long)]
    media_type: Option<String>,
    file: PathBuf,
}

#[derive(Args)]
pub struct DocumentApproveArgs {
    #[arg(long)]
    key: PathBuf,
    #[arg(long)]
    document: Handle,
    /// The version's SHA-256 (hex), as `truce document list` shows it, or
    /// a prefix of it that names one version.
    #[arg(long)]
    sha256: String,
}

/// The one version of `document` whose SHA-256 starts with `prefix`.
async fn version_by_prefix(location: &Location, document: &Handle, prefix: &str) -> Result<String> {
    let prefix = prefix.trim().to_ascii_lowercase();
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    let matching: Vec<String> = register
        .document(document)
        .map(|d| {
            d.versions
                .iter()
                .map(|v| v.version.sha256.clone())
                .filter(|sha| sha.starts_with(&prefix))
                .collect()
        })
        .unwrap_or_default();
    drop(register);
    ledger.close().await;
    match matching.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("no version of {document} has a SHA-256 starting with {prefix:?} (see `truce document list`)"),
        several => bail!(
            "{prefix:?} starts {} versions of {document}: give more digits",
            several.len()
        ),
    }
}

pub async fn document(location: &Location, command: DocumentCommand) -> Result<ExitCode> {
    match command {
        DocumentCommand::Add(args) => add_document(location, args).await?,
        DocumentCommand::Approve(args) => {
            let sha256 = version_by_prefix(location, &args.document, &args.sha256).await?;
            let body = Body::DocumentApproved(DocumentApproved {
                document: args.document,
                sha256,
            });
            sign_and_append(location, &args.key, body).await?;
        }
        DocumentCommand::List(args) => list_documents(location, args.json).await?,
    }
    Ok(ExitCode::SUCCESS)
}

fn media_type_of(path: &Path) -> Result<&'static str> {
    path.extension()
        .and_then(|e| e.to_str())
        .and_then(truce_model::document_media_type_of_extension)
        .with_context(|| {
            format!(
                "{}: not a kind of document the mechanism keeps (PDF, text, Markdown, CSV, images, office documents); give --media-type for one of them",
                path.display()
            )
        })
}

/// Where a document's bytes are kept: `documents/<sha256>` in the data directory.
pub fn document_path(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("documents").join(sha256)
}

/// Keeps the bytes durably before the statement names them.
pub fn keep_file(data_dir: &Path, sha256: &str, bytes: &[u8]) -> Result<()> {
    let path = document_path(data_dir, sha256);
    if path.exists() {
        return Ok(());
    }
    let dir = path.parent().expect("a documents directory");
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let partial = dir.join(format!(".{sha256}.partial"));
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, &path)?;
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

async fn add_document(location: &Location, args: DocumentAddArgs) -> Result<()> {
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    keep_file(&location.data_dir, &sha256, &bytes)?;
    let body = Body::DocumentVersion(DocumentVersion {
        document: args.document,
        title: args.title,
        sha256: sha256.clone(),
        media_type: match args.media_type {
            Some(media_type) => media_type,
            None => media_type_of(&args.file)?.to_string(),
        },
        size: bytes.len() as u64,
        meeting: args.meeting,
        note: args.note,
    });
    sign_and_append(location, &args.key, body).await?;
    println!("version {sha256}");
    Ok(())
}

async fn list_documents(location: &Location, json: bool) -> Result<()> {
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    let guarantors: Vec<String> = register
        .guarantors()
        .iter()
        .map(|p| p.to_string())
        .collect();
    for document in register.documents() {
        if json {
            println!("{}", serde_json::to_string(document)?);
            continue;
        }
        println!("{}", document.id);
        for version in &document.versions {
            let waiting: Vec<&str> = guarantors
                .iter()
                .filter(|g| !version.approvals.contains_key(*g))
                .map(String::as_str)
                .collect();
            let state = if waiting.is_empty() {
                "approved by all guarantors".to_string()
            } else {
                format!("awaiting {}", waiting.join(", "))
            };
            println!(
                "    {} {} ({} bytes, {}) — {state}",
                version.version.sha256,
                version.version.title,
                version.version.size,
                version.version.media_type
            );
        }
    }
    drop(register);
    ledger.close().await;
    Ok(())
}

/// `M-12`, `m12` or `12`: a meeting is named by the position of its first record.
fn parse_meeting_id(text: &str) -> Result<u64, String> {
    truce_model::prefixed_position(text, &['M'])
        .ok_or_else(|| format!("{text:?} is not a meeting id such as M-12"))
}
