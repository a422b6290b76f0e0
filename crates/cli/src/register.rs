//! Commands of the register: formations, reports, assessments, incidents,
//! bulletins and exports. Statements are signed here, with the member's key
//! file; the node only verifies.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use jiff::civil::{Date, DateTime};
use jiff::Timestamp;
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use truce_model::{
    Actor, Assessment, Casualties, Evidence, FormationId, FormationRegistered, FormationStatus,
    FormationStatusChanged, GeoPrecision, Location as Place, Outcome, PersonStatus, Position,
    ReportFields, ReportFiled, ReportId, Side, Source, SourceKind, TimePrecision, ViolationType,
};
use truce_record::{Body, Statement};
use truce_regime::{acled_csv, incidents_geojson, Edition, ExportLevel, Register};
use truce_store::{Ledger, Receipt};

use crate::keyfile;
use crate::node::Location;

/// Signs `body` with the key in `key_path` as the member's next statement
/// and appends it.
pub async fn sign_and_append(location: &Location, key_path: &Path, body: Body) -> Result<Receipt> {
    let key = keyfile::read_member_key(key_path)?;
    if let Some(url) = &location.node {
        let (receipt, kind, signed) = crate::remote::submit(location, url, &key, body).await?;
        println!(
            "filed {} at position {} on {url} (leaf hash {}, checkpoint size {})",
            crate::remote::filed_as(kind, receipt.position),
            receipt.position,
            receipt.leaf_hash,
            receipt.checkpoint_size
        );
        crate::remote::confirm(location, url, &signed, receipt.position).await?;
        return Ok(receipt);
    }
    location.ensure_writable()?;
    let writing = location.lock_for_writing()?;
    let ledger = location.open_ledger_to_write(&writing).await?;
    let registry = ledger.registry();
    let member = registry
        .member_of(&key.key_id())
        .and_then(|name| registry.member(name))
        .with_context(|| format!("key {} is not admitted in this Record", key.key_id()))?;
    let statement = Statement::new(key.key_id(), member.next_seq, Timestamp::now(), body);
    let result = ledger.append(key.sign(&statement)).await;
    ledger.close().await;
    let receipt = result?;
    println!(
        "appended {} at position {} ({}; leaf hash {}, checkpoint size {})",
        statement.kind(),
        receipt.position,
        crate::remote::filed_as(statement.kind(), receipt.position),
        receipt.leaf_hash,
        receipt.checkpoint_size
    );
    Ok(receipt)
}

#[derive(Subcommand)]
pub enum FormationCommand {
    /// Register an armed formation or force.
    Register {
        /// Short handle: lower-case letters, digits, '-' (e.g. jaysh-al-islam).
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// Other names in use (repeat).
        #[arg(long = "alias")]
        aliases: Vec<String>,
        #[arg(long, value_enum)]
        side: SideArg,
        #[arg(long)]
        key: PathBuf,
    },
    /// Record that a formation joined, was excluded or suspended from a date on.
    Status {
        #[arg(long)]
        id: String,
        #[arg(long, value_enum)]
        status: StatusArg,
        /// First day the status holds (YYYY-MM-DD); may be in the past.
        #[arg(long)]
        from: Date,
        /// The agreement or designation it rests on.
        #[arg(long)]
        reference: String,
        #[arg(long)]
        key: PathBuf,
    },
    /// List formations and their status on a date (default: today).
    List {
        #[arg(long)]
        date: Option<Date>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SideArg {
    Government,
    Opposition,
    KurdishLed,
    ForeignForces,
    Other,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StatusArg {
    Joined,
    Excluded,
    Suspended,
}

pub async fn formation(location: &Location, command: FormationCommand) -> Result<ExitCode> {
    match command {
        FormationCommand::Register {
            id,
            name,
            aliases,
            side,
            key,
        } => {
            let side = match side {
                SideArg::Government => Side::Government,
                SideArg::Opposition => Side::Opposition,
                SideArg::KurdishLed => Side::KurdishLed,
                SideArg::ForeignForces => Side::ForeignForces,
                SideArg::Other => Side::Other,
            };
            let body = Body::FormationRegistered(FormationRegistered {
                formation: FormationId::new(id)?,
                name,
                aliases,
                side,
            });
            sign_and_append(location, &key, body).await?;
        }
        FormationCommand::Status {
            id,
            status,
            from,
            reference,
            key,
        } => {
            let status = match status {
                StatusArg::Joined => FormationStatus::Joined,
                StatusArg::Excluded => FormationStatus::Excluded,
                StatusArg::Suspended => FormationStatus::Suspended,
            };
            let body = Body::FormationStatusChanged(FormationStatusChanged {
                formation: FormationId::new(id)?,
                status,
                valid_from: from,
                reference,
            });
            sign_and_append(location, &key, body).await?;
        }
        FormationCommand::List { date } => {
            with_register(location, |register| {
                let date = truce_query::day_or_today(register, date, jiff::Timestamp::now());
                for f in register.formations() {
                    let status =
                        f.status_on(date)
                            .map_or("not yet in the regime".to_string(), |p| {
                                format!(
                                    "{} since {} ({})",
                                    p.status.as_str(),
                                    p.valid_from,
                                    p.reference
                                )
                            });
                    println!("{:<24} {:<40} {status}", f.id.as_str(), f.name);
                }
            })
            .await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn with_register(location: &Location, f: impl FnOnce(&Register)) -> Result<()> {
    let ledger: Ledger<Register> = location.open_ledger().await?;
    f(&ledger.rules());
    ledger.close().await;
    Ok(())
}

#[derive(Args)]
#[command(
    after_help = "Example:\n\n  truce report --key ru.key --at 2026-11-20T14:30 --lat 35.93 --lon 36.63 \\\n    \
    --place 'Idlib, eastern outskirts' --type shelling --perpetrator unknown:'unidentified artillery' \\\n    \
    --target unknown:'residential area' --injured civilian:2/3/5 --source own_observation:'post 7' \\\n    \
    --narrative 'Six mortar rounds landed east of the city.'\n\n\
    Or give every field as JSON with --file (the report fields of a report_filed statement)."
)]
pub struct ReportArgs {
    #[arg(long)]
    key: PathBuf,
    /// All fields as JSON (ReportFields); the flags below are then not used.
    #[arg(long, conflicts_with_all = ["at", "lat", "lon", "place", "violation_type", "narrative"])]
    file: Option<PathBuf>,
    /// Local time of the event in Syria, e.g. 2026-11-20T14:30.
    #[arg(long, required_unless_present = "file")]
    at: Option<DateTime>,
    #[arg(long, value_enum, default_value = "hour")]
    time_precision: TimePrecisionArg,
    #[arg(long, required_unless_present = "file", allow_hyphen_values = true)]
    lat: Option<f64>,
    #[arg(long, required_unless_present = "file", allow_hyphen_values = true)]
    lon: Option<f64>,
    #[arg(long, value_enum, default_value = "exact")]
    geo_precision: GeoPrecisionArg,
    /// The place as you would name it.
    #[arg(long, required_unless_present = "file")]
    place: Option<String>,
    /// shelling, air_strike, ground_assault, small_arms, ied, forces_movement,
    /// obstruction, detention_abduction, other.
    #[arg(long = "type", required_unless_present = "file")]
    violation_type: Option<ViolationType>,
    /// A formation id, or unknown:DESCRIPTION.
    #[arg(long, default_value = "unknown:unidentified")]
    perpetrator: String,
    /// A formation id, or unknown:DESCRIPTION.
    #[arg(long, default_value = "unknown:unidentified")]
    target: String,
    /// Killed: STATUS:LOW/BEST/HIGH or STATUS:N, status civilian|combatant|unknown (repeat).
    #[arg(long)]
    killed: Vec<String>,
    /// Injured, as for --killed (repeat).
    #[arg(long)]
    injured: Vec<String>,
    /// KIND:DESCRIPTION, kind own_observation|monitor|local_contact|official|media|social_media|other_guarantor (repeat).
    #[arg(long = "source")]
    sources: Vec<String>,
    /// A file to keep as evidence (stored by hash beside the database; repeat).
    #[arg(long)]
    evidence: Vec<PathBuf>,
    #[arg(long)]
    clause: Option<String>,
    #[arg(long, required_unless_present = "file")]
    narrative: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TimePrecisionArg {
    Minute,
    Hour,
    Day,
    Week,
    Month,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum GeoPrecisionArg {
    Exact,
    Near,
    Region,
}

pub async fn report(location: &Location, args: ReportArgs) -> Result<ExitCode> {
    let fields = match &args.file {
        Some(path) => read_report_file(path)?,
        None => {
            let evidence = evidence_files(location, &args.evidence).await?;
            report_from_flags(&args, evidence)?
        }
    };
    sign_and_append(
        location,
        &args.key,
        Body::ReportFiled(ReportFiled { report: fields }),
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

fn read_report_file(path: &Path) -> Result<ReportFields> {
    let text = if path.as_os_str() == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        text
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    serde_json::from_str(&text).with_context(|| format!("{} is not a report", path.display()))
}

fn report_from_flags(args: &ReportArgs, evidence: Vec<Evidence>) -> Result<ReportFields> {
    let mut casualties = Vec::new();
    for text in &args.killed {
        casualties.push(parse_casualties(Outcome::Killed, text).context("--killed")?);
    }
    for text in &args.injured {
        casualties.push(parse_casualties(Outcome::Injured, text).context("--injured")?);
    }
    let sources = args
        .sources
        .iter()
        .map(|s| parse_source(s))
        .collect::<Result<Vec<_>>>()
        .context("--source")?;
    Ok(ReportFields {
        occurred: args.at.context("--at is required")?,
        time_precision: match args.time_precision {
            TimePrecisionArg::Minute => TimePrecision::Minute,
            TimePrecisionArg::Hour => TimePrecision::Hour,
            TimePrecisionArg::Day => TimePrecision::Day,
            TimePrecisionArg::Week => TimePrecision::Week,
            TimePrecisionArg::Month => TimePrecision::Month,
        },
        location: Place {
            lat: args.lat.context("--lat is required")?,
            lon: args.lon.context("--lon is required")?,
            precision: match args.geo_precision {
                GeoPrecisionArg::Exact => GeoPrecision::Exact,
                GeoPrecisionArg::Near => GeoPrecision::Near,
                GeoPrecisionArg::Region => GeoPrecision::Region,
            },
            place: args.place.clone().context("--place is required")?,
        },
        violation_type: args.violation_type.context("--type is required")?,
        clause: args.clause.clone(),
        perpetrator: parse_actor(&args.perpetrator).context("--perpetrator")?,
        target: parse_actor(&args.target).context("--target")?,
        casualties,
        sources,
        evidence,
        narrative: args.narrative.clone().context("--narrative is required")?,
        observation: None,
    })
}

fn parse_actor(text: &str) -> Result<Actor> {
    match text.strip_prefix("unknown:") {
        Some(description) => Ok(Actor::Unknown(description.to_string())),
        None => Ok(Actor::Formation(FormationId::new(text)?)),
    }
}

fn parse_casualties(outcome: Outcome, text: &str) -> Result<Casualties> {
    let (status, figures) = text
        .split_once(':')
        .with_context(|| format!("{text:?}: expected STATUS:LOW/BEST/HIGH"))?;
    let status = match status {
        "civilian" => PersonStatus::Civilian,
        "combatant" => PersonStatus::Combatant,
        "unknown" => PersonStatus::Unknown,
        other => bail!("{other:?}: status must be civilian, combatant or unknown"),
    };
    let numbers: Vec<u32> = figures
        .split('/')
        .map(|n| {
            n.trim()
                .parse::<u32>()
                .with_context(|| format!("{n:?} is not a count"))
        })
        .collect::<Result<_>>()?;
    let (low, best, high) = match numbers.as_slice() {
        [n] => (*n, *n, *n),
        [low, best, high] => (*low, *best, *high),
        _ => bail!("{figures:?}: give N or LOW/BEST/HIGH"),
    };
    Ok(Casualties {
        outcome,
        status,
        low,
        best,
        high,
    })
}

fn parse_source(text: &str) -> Result<Source> {
    let (kind, description) = text
        .split_once(':')
        .with_context(|| format!("{text:?}: expected KIND:DESCRIPTION"))?;
    let kind: SourceKind = serde_json::from_value(serde_json::Value::String(kind.to_string()))
        .with_context(|| format!("{kind:?} is not a source kind"))?;
    Ok(Source {
        kind,
        description: description.to_string(),
    })
}

/// Stores each evidence file where the report is filed (the data
/// directory's blob store, or the node's through `--node`) and describes it.
pub(crate) async fn evidence_files(
    location: &Location,
    paths: &[PathBuf],
) -> Result<Vec<Evidence>> {
    let mut evidence = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = std::fs::metadata(path)
            .with_context(|| format!("evidence {}", path.display()))?
            .len();
        if bytes > truce_model::MAX_EVIDENCE_BYTES {
            bail!(
                "evidence {} is {bytes} bytes; the limit is {}",
                path.display(),
                truce_model::MAX_EVIDENCE_BYTES
            );
        }
        let sha256 = match &location.node {
            Some(url) => {
                upload_evidence(url, location.token.as_deref(), &location.trust()?, path).await?
            }
            None => {
                truce_node::blobs::Blobs::new(&location.data_dir)
                    .store_file(path, truce_model::MAX_EVIDENCE_BYTES)
                    .with_context(|| format!("storing evidence {}", path.display()))?
                    .sha256
            }
        };
        evidence.push(Evidence {
            sha256,
            media_type: media_type(path).to_string(),
            bytes,
            description: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        });
    }
    Ok(evidence)
}

/// Uploads one evidence file to the node at `url`; returns its SHA-256.
async fn upload_evidence(
    url: &str,
    token: Option<&str>,
    trust: &truce_client::Trust,
    path: &Path,
) -> Result<String> {
    let token = token.context(
        "--token (or TRUCE_TOKEN) is needed with --node to upload evidence: a guarantor's token",
    )?;
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    let sha256 = hex::encode(Sha256::digest(&bytes));
    let origin = truce_client::Origin::new(url, Some(token.to_string()), trust)?;
    let (status, answer) = origin
        .put(
            &format!("/api/v1/evidence/{sha256}"),
            media_type(path),
            bytes.into(),
        )
        .await
        .with_context(|| format!("uploading evidence {}", path.display()))?;
    if status == 200 || status == 201 {
        return Ok(sha256);
    }
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
    let reason = answer["error"].as_str().unwrap_or("no reason given");
    match status {
        401 => bail!(
            "{url} refused the evidence upload of {}: {reason} (check --token)",
            path.display()
        ),
        403 => bail!(
            "{url} refused the evidence upload of {}: {reason}",
            path.display()
        ),
        413 => bail!(
            "evidence {} is too large for {url}: {reason}",
            path.display()
        ),
        _ => bail!(
            "{url} refused the evidence upload of {} ({status}): {reason}",
            path.display()
        ),
    }
}

fn media_type(path: &Path) -> &'static str {
    match path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("mp4") => "video/mp4",
        Some("pdf") => "application/pdf",
        Some("txt") => "text/plain",
        _ => "application/octet-stream",
    }
}

#[derive(Args)]
pub struct AssessArgs {
    #[arg(long)]
    key: PathBuf,
    /// Any report of the incident: R-12 or 12.
    #[arg(long)]
    incident: String,
    #[arg(long, value_enum)]
    position: PositionArg,
    #[arg(long)]
    reason: String,
    /// The formation the violation is attributed to, when confirming.
    #[arg(long)]
    attributed_to: Option<String>,
    /// Positions of entries relied on (repeat).
    #[arg(long = "reference")]
    references: Vec<u64>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PositionArg {
    Confirmed,
    CannotConfirm,
    Disputed,
    NotAViolation,
}

pub fn parse_report_id(text: &str) -> Result<ReportId> {
    Ok(text.parse()?)
}

pub async fn assess(location: &Location, args: AssessArgs) -> Result<ExitCode> {
    let body = Body::Assessment(Assessment {
        incident: parse_report_id(&args.incident)?,
        position: match args.position {
            PositionArg::Confirmed => Position::Confirmed,
            PositionArg::CannotConfirm => Position::CannotConfirm,
            PositionArg::Disputed => Position::Disputed,
            PositionArg::NotAViolation => Position::NotAViolation,
        },
        attributed_to: args.attributed_to.map(FormationId::new).transpose()?,
        reason: args.reason,
        references: args.references,
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum EditionArg {
    Internal,
    Public,
}

impl From<EditionArg> for Edition {
    fn from(e: EditionArg) -> Self {
        match e {
            EditionArg::Internal => Edition::Internal,
            EditionArg::Public => Edition::Public,
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum BulletinFormat {
    Text,
    Json,
    Csv,
}

#[derive(Args)]
pub struct BulletinArgs {
    /// The day (default: the latest day with reports).
    #[arg(long, conflicts_with_all = ["from", "to"])]
    date: Option<Date>,
    /// First day of a range.
    #[arg(long, requires = "to")]
    from: Option<Date>,
    /// Last day of a range.
    #[arg(long, requires = "from")]
    to: Option<Date>,
    #[arg(long, value_enum, default_value = "internal")]
    edition: EditionArg,
    #[arg(long, value_enum, default_value = "text")]
    format: BulletinFormat,
    /// The language of the text: en, ru, tr, fa or ar (the figures, names
    /// and narratives are the same in each).
    #[arg(long, default_value = "en")]
    lang: truce_regime::Language,
}

fn mechanism_name(ledger: &Ledger<Register>) -> String {
    ledger
        .registry()
        .genesis()
        .map(|g| g.mechanism.clone())
        .unwrap_or_default()
}

pub async fn bulletin(location: &Location, args: BulletinArgs) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let mechanism = mechanism_name(&ledger);
    let register = ledger.rules();
    let (from, to) =
        truce_query::BulletinDays::new(args.date, args.from, args.to)?.resolve(&register)?;
    let edition = Edition::from(args.edition);
    let output = match args.format {
        BulletinFormat::Text => register
            .bulletin(&mechanism, from, to, edition)
            .to_text_in(args.lang),
        BulletinFormat::Json => {
            serde_json::to_string_pretty(&register.bulletin(&mechanism, from, to, edition))? + "\n"
        }
        BulletinFormat::Csv => acled_csv(&register, from, to, edition, ExportLevel::Event),
    };
    print!("{output}");
    drop(register);
    ledger.close_before_exit().await;
    Ok(ExitCode::SUCCESS)
}

/// The public bulletin of the latest day with reports, for the demo.
pub async fn print_latest_bulletin(location: &Location) -> Result<()> {
    let ledger = location.open_ledger().await?;
    let mechanism = mechanism_name(&ledger);
    let register = ledger.rules();
    if let Some(day) = register.latest_report_date() {
        print!(
            "{}",
            register
                .bulletin(&mechanism, day, day, Edition::Public)
                .to_text()
        );
    }
    drop(register);
    ledger.close().await;
    Ok(())
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Geojson,
    Csv,
}

/// Rows of the CSV: one per incident (ACLED's events) or one per report.
#[derive(Clone, Copy, ValueEnum)]
pub enum LevelArg {
    Event,
    Report,
}

impl From<LevelArg> for ExportLevel {
    fn from(level: LevelArg) -> Self {
        match level {
            LevelArg::Event => ExportLevel::Event,
            LevelArg::Report => ExportLevel::Report,
        }
    }
}

#[derive(Args)]
pub struct ExportArgs {
    #[arg(long, value_enum)]
    format: ExportFormat,
    /// First day (default: the first report).
    #[arg(long)]
    from: Option<Date>,
    /// Last day (default: the latest report).
    #[arg(long)]
    to: Option<Date>,
    #[arg(long, value_enum, default_value = "internal")]
    edition: EditionArg,
    /// For csv: one row per incident with its fatalities counted once
    /// (event, as ACLED), or one per report.
    #[arg(long, value_enum, default_value = "event")]
    level: LevelArg,
    /// Write here instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

pub async fn export(location: &Location, args: ExportArgs) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    let first = register.reports().map(|r| r.date()).min();
    let from = args.from.or(first).unwrap_or(Date::MIN);
    let to = args
        .to
        .or(register.latest_report_date())
        .unwrap_or(Date::MAX);
    let edition = Edition::from(args.edition);
    let output = match args.format {
        ExportFormat::Geojson => {
            serde_json::to_string_pretty(&incidents_geojson(&register, from, to, edition))? + "\n"
        }
        ExportFormat::Csv => acled_csv(&register, from, to, edition, args.level.into()),
    };
    drop(register);
    ledger.close().await;
    match args.out {
        Some(path) => {
            std::fs::write(&path, output).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{output}"),
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct IncidentsArgs {
    /// Only incidents from this day on.
    #[arg(long)]
    from: Option<Date>,
    /// Only incidents up to this day.
    #[arg(long)]
    to: Option<Date>,
    /// Only incidents in this governorate (ISO 3166-2 code, e.g. SY-ID).
    #[arg(long)]
    governorate: Option<String>,
    /// Only incidents with a report of this type, e.g. shelling.
    #[arg(long = "type")]
    violation_type: Option<truce_model::ViolationType>,
    /// Only incidents with this finding: confirmed_violation,
    /// not_a_violation or unconfirmed.
    #[arg(long)]
    finding: Option<truce_query::FindingName>,
    /// One JSON object per line, as the node's /api/v1/incidents gives them.
    #[arg(long)]
    json: bool,
}

pub async fn incidents(location: &Location, args: IncidentsArgs) -> Result<ExitCode> {
    let filter = truce_query::FindingFilter {
        days: truce_query::DayRange::new(args.from, args.to)?,
        governorate: args.governorate,
        violation_type: args.violation_type,
        finding: args.finding,
        order: truce_query::SortOrder::Record,
    };
    let ledger = location.open_ledger().await?;
    let page = truce_query::findings(
        &ledger.rules(),
        &filter,
        truce_query::Paging::all_from(0),
        truce_query::Audience::Members,
    );
    ledger.close_before_exit().await;
    // Thousands of lines naming hundreds of thousands of reports: written
    // a chunk at a time on all cores, then in order through one buffer.
    let chunks: Vec<Vec<u8>> = page
        .items
        .par_chunks(LINES_AT_ONCE)
        .map(|findings| {
            let mut chunk = Vec::new();
            for finding in findings {
                write_finding_line(&mut chunk, finding, args.json)?;
            }
            Ok(chunk)
        })
        .collect::<Result<_>>()?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for chunk in chunks {
        out.write_all(&chunk)?;
    }
    out.flush()?;
    // Left to the process's end, as the state is (`close_before_exit`):
    // freed one by one, the findings of a governorate at a million
    // reports cost a twentieth of the command's time.
    std::mem::forget(page);
    Ok(ExitCode::SUCCESS)
}

/// Findings formatted together by one thread for `truce incidents`.
const LINES_AT_ONCE: usize = 512;

/// One line of `truce incidents`: the incident, its day, governorate,
/// finding, reports and the parties' positions (or the finding as JSON).
fn write_finding_line(
    out: &mut Vec<u8>,
    finding: &truce_query::FindingView,
    json: bool,
) -> Result<()> {
    if json {
        serde_json::to_writer(&mut *out, finding)?;
        out.push(b'\n');
        return Ok(());
    }
    write!(
        out,
        "I-{} {} {:<12} {:<20} [",
        finding.incident,
        finding.date,
        finding.governorate_name,
        finding.finding_name().replace('_', " "),
    )?;
    let mut digits = itoa::Buffer::new();
    for (at, report) in finding.reports.iter().enumerate() {
        out.extend_from_slice(if at == 0 { b"R-" } else { b" R-" });
        out.extend_from_slice(digits.format(*report).as_bytes());
    }
    out.extend_from_slice(b"] ");
    for (at, (party, position)) in finding.positions.iter().flatten().enumerate() {
        let separator = if at == 0 { "" } else { "; " };
        write!(out, "{separator}{party}: {position}")?;
    }
    out.push(b'\n');
    Ok(())
}
