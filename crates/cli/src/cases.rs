//! `truce case` and `truce cases`: verification cases from opening to an
//! endorsed finding, each step signed by a guarantor member.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jiff::Timestamp;
use truce_model::{
    CaseId, CaseOpened, CasePosition, CaseSubject, CaseTasked, CaseVisited, FormationId, Severity,
    VisitPlace,
};
use truce_record::Body;

use crate::node::Location;
use crate::terminal::printable;

#[derive(Subcommand)]
pub enum CaseCommand {
    /// Open a verification case on an incident or on a complaint (signed
    /// with your key). Its steps are then due by the Record's deadlines
    /// (by default: tasked within 2 days, visited within 7, found within 21).
    ///
    ///   truce case open --key ru.key --incident R-12 \
    ///       --question "Was the market shelled from the western positions?"
    Open {
        #[arg(long)]
        key: PathBuf,
        /// The incident: any of its reports, R-12 or 12.
        #[arg(
            long,
            conflicts_with = "complaint",
            required_unless_present = "complaint"
        )]
        incident: Option<String>,
        /// Or a complaint, by the SHA-256 `truce complaints list` shows:
        /// the case takes it up.
        #[arg(long)]
        complaint: Option<String>,
        /// What the case is to establish.
        #[arg(long)]
        question: String,
    },
    /// Task a team, patrol or post with the case.
    ///
    ///   truce case task V-40 --key tr.key --team "Joint team Hama-2" \
    ///       --instructions "Photograph the craters, interview residents"
    Task {
        /// The case: V-40 or 40.
        case: String,
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        team: String,
        #[arg(long)]
        instructions: String,
    },
    /// Record the team's visit to the site. Evidence files are stored with
    /// the Record (or uploaded to the node with --node) and named by hash.
    ///
    ///   truce case visit V-40 --key ir.key --at 2026-11-24T09:30:00Z \
    ///       --place "Kafr Zita, market street" --lat 35.28 --lon 36.62 \
    ///       --who "Team lead" --who "Interpreter" --interviews 4 \
    ///       --evidence crater.jpg --summary "Two craters; four residents heard"
    Visit {
        case: String,
        #[arg(long)]
        key: PathBuf,
        /// When the team was on the site (RFC 3339); now if left out.
        #[arg(long = "at", value_name = "TIME")]
        visited_at: Option<Timestamp>,
        #[arg(long)]
        place: String,
        #[arg(long, allow_hyphen_values = true)]
        lat: f64,
        #[arg(long, allow_hyphen_values = true)]
        lon: f64,
        /// Who went (repeat for each person).
        #[arg(long = "who", required = true)]
        who: Vec<String>,
        /// How many people were interviewed.
        #[arg(long, default_value_t = 0)]
        interviews: u32,
        #[arg(long)]
        evidence: Vec<PathBuf>,
        #[arg(long)]
        summary: String,
    },
    /// State your party's position on a visited case: a severity of the
    /// mechanism's scale (not_an_incident, relevant_incident,
    /// not_a_violation, minor_violation, serious_violation) and, for a
    /// violation, the formation responsible. The case closes once the
    /// finding rule holds for one severity and one formation.
    Position {
        case: String,
        #[arg(long)]
        key: PathBuf,
        #[arg(long)]
        severity: String,
        /// The formation responsible, by its id (violations only).
        #[arg(long)]
        responsible: Option<String>,
        #[arg(long)]
        reason: String,
    },
    /// One case with its steps, positions and finding.
    Show {
        case: String,
        /// As JSON, as the node's /api/v1/cases/{id} gives it.
        #[arg(long)]
        json: bool,
    },
}

fn case_id(text: &str) -> Result<CaseId> {
    text.parse().map_err(|e| anyhow::anyhow!("case: {e}"))
}

fn severity(text: &str) -> Result<Severity> {
    Severity::ALL
        .into_iter()
        .find(|s| s.as_str() == text)
        .with_context(|| {
            let names: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
            format!("--severity {text}: one of {}", names.join(", "))
        })
}

pub async fn run(location: &Location, command: CaseCommand) -> Result<ExitCode> {
    let (key, body) = match command {
        CaseCommand::Show { case, json } => return show(location, case_id(&case)?, json).await,
        CaseCommand::Open {
            key,
            incident,
            complaint,
            question,
        } => {
            let about = match (incident, complaint) {
                (Some(incident), _) => CaseSubject::Incident(
                    incident
                        .parse()
                        .map_err(|e| anyhow::anyhow!("--incident: {e}"))?,
                ),
                (None, Some(sha256)) => CaseSubject::Complaint(sha256),
                (None, None) => anyhow::bail!("give --incident or --complaint"),
            };
            (key, Body::CaseOpened(CaseOpened { about, question }))
        }
        CaseCommand::Task {
            case,
            key,
            team,
            instructions,
        } => (
            key,
            Body::CaseTasked(CaseTasked {
                case: case_id(&case)?,
                team,
                instructions,
            }),
        ),
        CaseCommand::Visit {
            case,
            key,
            visited_at,
            place,
            lat,
            lon,
            who,
            interviews,
            evidence,
            summary,
        } => {
            let case = case_id(&case)?;
            let evidence = crate::register::evidence_files(location, &evidence).await?;
            (
                key,
                Body::CaseVisited(CaseVisited {
                    case,
                    visited_at: visited_at.unwrap_or_else(Timestamp::now),
                    place: VisitPlace {
                        name: place,
                        lat,
                        lon,
                    },
                    team_members: who,
                    interviews,
                    evidence,
                    summary,
                }),
            )
        }
        CaseCommand::Position {
            case,
            key,
            severity: named,
            responsible,
            reason,
        } => (
            key,
            Body::CasePosition(CasePosition {
                case: case_id(&case)?,
                severity: severity(&named)?,
                responsible: responsible.map(FormationId::new).transpose()?,
                reason,
            }),
        ),
    };
    crate::register::sign_and_append(location, &key, body).await?;
    Ok(ExitCode::SUCCESS)
}

async fn show(location: &Location, id: CaseId, json: bool) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let case = truce_query::case(&ledger.rules(), id, Timestamp::now());
    ledger.close().await;
    let case = case?;
    if json {
        println!("{}", serde_json::to_string_pretty(&case)?);
        return Ok(ExitCode::SUCCESS);
    }
    print_line(&case);
    println!("    question: {}", printable(&case.question));
    println!(
        "    due: tasked by {}, visited by {}, finding by {}",
        case.task_by, case.visit_by, case.finding_by
    );
    for task in &case.tasks {
        println!(
            "    tasked {} ({}, {}): {}",
            printable(&task.team),
            task.party,
            task.time,
            printable(&task.instructions)
        );
    }
    for visit in &case.visits {
        println!(
            "    visit {} at {} ({}, {}), {} interviews, {} evidence files: {}",
            visit.visited_at,
            printable(&visit.place),
            visit.lat,
            visit.lon,
            visit.interviews,
            visit.evidence.len(),
            printable(&visit.summary)
        );
    }
    for position in &case.positions {
        println!(
            "    {}: {}{} — {}",
            position.party,
            position.severity,
            position
                .responsible
                .as_ref()
                .map(|f| format!(" by {f}"))
                .unwrap_or_default(),
            printable(&position.reason)
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn print_line(case: &truce_query::CaseView) {
    let standing = match (&case.finding, &case.awaiting) {
        (Some(finding), _) => format!(
            "closed {}: {}{}{} ({} days)",
            finding.closed,
            finding.severity,
            finding
                .responsible
                .as_ref()
                .map(|f| format!(" by {f}"))
                .unwrap_or_default(),
            if finding.late { ", late" } else { "" },
            finding.days_to_finding
        ),
        (None, Some(awaiting)) => format!(
            "{}, {} due {}{}",
            case.step,
            awaiting,
            case.due.as_deref().unwrap_or("?"),
            if case.overdue { " — OVERDUE" } else { "" }
        ),
        (None, None) => case.step.clone(),
    };
    let about = if case.about_kind == "complaint" {
        format!("complaint {}…", &case.about[..12.min(case.about.len())])
    } else {
        format!("incident {}", case.about)
    };
    println!("{} {about} (opened by {}): {standing}", case.id, case.party);
}

#[derive(Args)]
pub struct CasesArgs {
    /// Only those at this step: opened, tasked, visited or closed.
    #[arg(long)]
    step: Option<String>,
    /// Only those whose awaited step is past its date now.
    #[arg(long)]
    overdue: bool,
    /// One JSON object per line, as the node's /api/v1/cases gives them.
    #[arg(long)]
    json: bool,
}

/// `truce cases`: every case, the latest first, with the step awaited.
pub async fn list(location: &Location, args: CasesArgs) -> Result<ExitCode> {
    let filter = truce_query::CaseFilter {
        step: args
            .step
            .as_deref()
            .map(truce_query::CaseFilter::step_named)
            .transpose()?,
        overdue: args.overdue.then_some(true),
        incident: None,
    };
    let ledger = location.open_ledger().await?;
    let cases = truce_query::cases(&ledger.rules(), &filter, Timestamp::now());
    ledger.close().await;
    for case in cases {
        if args.json {
            println!("{}", serde_json::to_string(&case)?);
        } else {
            print_line(&case);
        }
    }
    Ok(ExitCode::SUCCESS)
}
