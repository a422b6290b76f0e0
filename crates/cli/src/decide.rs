//! `truce propose`, `truce vote`, `truce decisions`: the decision mechanism.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use jiff::Timestamp;
use truce_model::{DecisionId, DecisionProposed, DecisionType, DecisionVote, Vote};
use truce_record::Body;

use crate::node::Location;
use crate::register::sign_and_append;

#[derive(Args)]
pub struct ProposeArgs {
    #[arg(long)]
    key: PathBuf,
    /// measure, designation, reinstatement, criteria, agreement, document, exchange, other.
    #[arg(long = "type")]
    decision_type: DecisionType,
    #[arg(long)]
    title: String,
    /// The text to adopt.
    #[arg(long)]
    text: String,
    /// When voting closes, e.g. 2026-12-01T12:00:00Z.
    #[arg(long)]
    deadline: Timestamp,
    /// Positions of entries the proposal rests on (repeat).
    #[arg(long = "reference")]
    references: Vec<u64>,
    /// For a measure: the formation it applies to.
    #[arg(long, requires_all = ["step", "comply_by"])]
    formation: Option<String>,
    /// For a measure: the step of the ladder (notice, joint-demarche, …).
    #[arg(long)]
    step: Option<String>,
    /// For a measure: the date the formation must comply by.
    #[arg(long)]
    comply_by: Option<jiff::civil::Date>,
    /// For an exchange: its number in the series (1, 2, …).
    #[arg(long, requires_all = ["place", "date", "persons"])]
    number: Option<u32>,
    /// For an exchange: where the release takes place.
    #[arg(long)]
    place: Option<String>,
    /// For an exchange: the agreed date.
    #[arg(long)]
    date: Option<jiff::civil::Date>,
    /// For an exchange: a held person to release, as L-12/3 (repeat).
    #[arg(long = "person")]
    persons: Vec<truce_model::PersonRef>,
    /// For an agreement: a JSON file {"id", "title", "clauses": [{"id", "text"}], "zones": []}.
    #[arg(long)]
    agreement: Option<PathBuf>,
    /// For an agreement: zones as a GeoJSON FeatureCollection of Polygons
    /// and LineStrings whose properties give id, name, kind
    /// (de_escalation, security, separation_line), valid_from and valid_to.
    #[arg(long, requires = "agreement")]
    zones: Option<PathBuf>,
    /// For criteria: the criteria file (TOML) that judges compliance once adopted.
    #[arg(long)]
    criteria: Option<PathBuf>,
    /// For parameters: a TOML file of the register's parameters, as the
    /// `[register]` table of a mechanism file holds them (grouping,
    /// finding_rule, decision_rules, ladder, utc_offset_minutes); every copy
    /// of the Record derives by them from adoption on.
    #[arg(long)]
    parameters: Option<PathBuf>,
    /// For a designation or reinstatement: the formation whose status changes on adoption.
    #[arg(long, requires_all = ["new_status", "valid_from"])]
    status_of: Option<String>,
    /// excluded (designation) or joined / suspended (reinstatement).
    #[arg(long)]
    new_status: Option<String>,
    /// From when the new status holds.
    #[arg(long)]
    valid_from: Option<jiff::civil::Date>,
}

pub async fn propose(location: &Location, args: ProposeArgs) -> Result<ExitCode> {
    if args.decision_type == DecisionType::Measure {
        let missing: Vec<&str> = [
            ("--formation", args.formation.is_none()),
            ("--step", args.step.is_none()),
            ("--comply-by", args.comply_by.is_none()),
        ]
        .into_iter()
        .filter_map(|(flag, absent)| absent.then_some(flag))
        .collect();
        if !missing.is_empty() {
            bail!(
                "a measure names its formation, ladder step and date: missing {}",
                missing.join(", ")
            );
        }
    }
    let agreement = match &args.agreement {
        Some(path) => Some(crate::agreements::read_agreement(
            path,
            args.zones.as_deref(),
        )?),
        None => None,
    };
    let status = match (&args.status_of, &args.new_status, args.valid_from) {
        (Some(formation), Some(status), Some(valid_from)) => Some(truce_model::StatusSpec {
            formation: truce_model::FormationId::new(formation.clone())?,
            status: serde_json::from_value(serde_json::Value::String(status.clone()))
                .with_context(|| {
                    format!("--new-status: {status:?} is not joined, excluded or suspended")
                })?,
            valid_from,
        }),
        _ => None,
    };
    let body = Body::DecisionProposed(DecisionProposed {
        decision_type: args.decision_type,
        title: args.title,
        text: args.text,
        deadline: args.deadline,
        references: args.references,
        measure: match (args.formation, args.step, args.comply_by) {
            (Some(formation), Some(step), Some(comply_by)) => Some(truce_model::MeasureSpec {
                formation: truce_model::FormationId::new(formation)?,
                step,
                comply_by,
            }),
            _ => None,
        },
        exchange: match (args.number, args.place, args.date) {
            (Some(number), Some(place), Some(date)) => Some(truce_model::ExchangeSpec {
                number,
                place,
                date,
                persons: args.persons,
            }),
            _ => None,
        },
        agreement,
        status,
        criteria: match &args.criteria {
            Some(path) => Some(
                std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?,
            ),
            None => None,
        },
        parameters: match &args.parameters {
            Some(path) => Some(read_parameters(path)?),
            None => None,
        },
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(ExitCode::SUCCESS)
}

/// A parameters file: the `[register]` table of a mechanism file, alone.
fn read_parameters(path: &std::path::Path) -> Result<truce_model::RegisterConfig> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let parameters: truce_model::RegisterConfig =
        toml::from_str(&text).with_context(|| format!("parameters file {}", path.display()))?;
    truce_model::Validate::validate(&parameters)
        .with_context(|| format!("parameters file {}", path.display()))?;
    Ok(parameters)
}

/// `D-12`, `d-12` or `12`.
pub(crate) fn parse_decision_id(text: &str) -> Result<DecisionId> {
    Ok(text.parse()?)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum VoteArg {
    Endorse,
    Object,
}

#[derive(Args)]
pub struct VoteArgs {
    #[arg(long)]
    key: PathBuf,
    /// The decision: D-12 or 12.
    #[arg(long)]
    decision: String,
    #[arg(value_enum)]
    vote: VoteArg,
    /// Why (required to object).
    #[arg(long, default_value = "")]
    reason: String,
}

pub async fn vote(location: &Location, args: VoteArgs) -> Result<ExitCode> {
    let decision = parse_decision_id(&args.decision)?;
    let body = Body::DecisionVote(DecisionVote {
        decision,
        vote: match args.vote {
            VoteArg::Endorse => Vote::Endorse,
            VoteArg::Object => Vote::Object,
        },
        reason: args.reason,
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct DecisionsArgs {
    /// Only decisions that stand so now: open, adopted, rejected or expired.
    #[arg(long)]
    status: Option<truce_query::DecisionStatusName>,
    /// Only decisions of this type: measure, designation, reinstatement,
    /// criteria, agreement, document, exchange, parameters or other.
    #[arg(long = "type")]
    decision_type: Option<truce_model::DecisionType>,
    /// One JSON object per line, as the node's /api/v1/decisions gives them.
    #[arg(long)]
    json: bool,
}

pub async fn decisions(location: &Location, args: DecisionsArgs) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let filter = truce_query::DecisionFilter {
        status: args.status,
        decision_type: args.decision_type,
    };
    let page = truce_query::decisions(
        &ledger.rules(),
        &filter,
        truce_query::Paging::all_from(0),
        Timestamp::now(),
        truce_query::Audience::Members,
    )?;
    ledger.close().await;
    for decision in page.items {
        if args.json {
            println!("{}", serde_json::to_string(&decision)?);
            continue;
        }
        println!(
            "{} {:<13} {:<9} {} (rule: {}, deadline {})",
            decision.name,
            decision.decision_type,
            decision.status,
            decision.title,
            decision.rule.as_deref().unwrap_or_default(),
            decision.deadline.as_deref().unwrap_or_default()
        );
        for (party, ballot) in decision.votes.iter().flatten() {
            let Some(ballot) = ballot else { continue };
            let vote = match ballot.vote.as_str() {
                "object" => "OBJECTS",
                _ => "endorses",
            };
            println!("    {party}: {vote} — {}", ballot.reason);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct ComplianceArgs {
    /// A criteria file (TOML) to judge by instead of the criteria adopted in
    /// the Record; see data/criteria/example.toml for its form.
    #[arg(long)]
    criteria: Option<PathBuf>,
    /// The date to judge on (default: the mechanism's today, in its UTC
    /// offset from the Record, whatever this machine's time zone).
    #[arg(long)]
    date: Option<jiff::civil::Date>,
    /// Only this formation.
    #[arg(long)]
    formation: Option<String>,
    #[arg(long)]
    json: bool,
}

/// Each formation's compliance with the criteria, and why it fails.
pub async fn compliance(location: &Location, args: ComplianceArgs) -> Result<ExitCode> {
    let from_file = match &args.criteria {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            Some(
                truce_regime::Criteria::from_toml(&text)
                    .with_context(|| path.display().to_string())?,
            )
        }
        None => None,
    };
    let formation = args
        .formation
        .as_deref()
        .map(truce_model::FormationId::new)
        .transpose()?;
    let source = match &from_file {
        Some(criteria) => truce_query::CriteriaSource::Given(criteria),
        None => truce_query::CriteriaSource::Adopted,
    };
    let ledger = location.open_ledger().await?;
    let view = truce_query::compliance(
        &ledger.rules(),
        source,
        formation.as_ref(),
        args.date,
        Timestamp::now(),
    );
    ledger.close().await;
    let view = view.map_err(|e| anyhow::anyhow!("{e}; give a file with --criteria"))?;
    if let Some(decision) = &view.criteria_decision {
        eprintln!("criteria adopted by {decision}");
    }
    let date = &view.date;
    for result in &view.formations {
        if args.json {
            println!("{}", serde_json::to_string(&result)?);
            continue;
        }
        let verdict = if result.complies { "complies" } else { "FAILS" };
        println!("{:<24} {verdict} on {date}", result.formation.as_str());
        for failure in &result.failures {
            let evidence: Vec<String> = failure.evidence.iter().map(|r| r.to_string()).collect();
            println!(
                "    {}: {} [{}]",
                failure.criterion,
                failure.reason,
                evidence.join(" ")
            );
        }
        for id in &result.not_judged {
            println!("    {id}: not judged (a criterion it requires failed)");
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct MeasuresArgs {
    /// The date to judge on (default: the mechanism's today, in its UTC
    /// offset from the Record, whatever this machine's time zone).
    #[arg(long)]
    date: Option<jiff::civil::Date>,
}

/// Measures taken so far, and the next ones the ladder calls for.
pub async fn measures(location: &Location, args: MeasuresArgs) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let view = truce_query::measures(&ledger.rules(), args.date, Timestamp::now());
    ledger.close().await;
    println!("Measures taken:");
    for taken in &view.measures {
        let compliance = taken
            .compliance
            .last()
            .map_or("no compliance recorded".to_string(), |c| {
                format!("{:?} ({})", c.outcome, c.note)
            });
        println!(
            "  {} {} → {}: {}, comply by {}; {compliance}",
            taken.decision,
            taken.measure.step,
            taken.measure.formation,
            taken.status,
            taken.measure.comply_by
        );
    }
    println!(
        "\nSuggested on {} (propose with `truce propose --type measure --formation F --step S --comply-by D`):",
        view.date
    );
    for suggestion in &view.due {
        let evidence: Vec<String> = suggestion
            .evidence
            .iter()
            .map(|r| r.to_string())
            .chain(suggestion.cases.iter().map(|c| c.to_string()))
            .collect();
        println!(
            "  {} for {}, comply by {}: {} [{}]",
            suggestion.step.name,
            suggestion.formation,
            suggestion.comply_by,
            suggestion.reason,
            evidence.join(" ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutcomeArg {
    Complied,
    Partly,
    NotComplied,
}

#[derive(Args)]
pub struct ComplyArgs {
    #[arg(long)]
    key: PathBuf,
    /// The adopted measure: D-12 or 12.
    #[arg(long)]
    decision: String,
    #[arg(value_enum)]
    outcome: OutcomeArg,
    /// What was observed.
    #[arg(long)]
    note: String,
}

/// Records whether a formation complied with an adopted measure.
pub async fn comply(location: &Location, args: ComplyArgs) -> Result<ExitCode> {
    let decision = parse_decision_id(&args.decision)?;
    let body = Body::MeasureCompliance(truce_model::MeasureCompliance {
        decision,
        outcome: match args.outcome {
            OutcomeArg::Complied => truce_model::ComplianceOutcome::Complied,
            OutcomeArg::Partly => truce_model::ComplianceOutcome::Partly,
            OutcomeArg::NotComplied => truce_model::ComplianceOutcome::NotComplied,
        },
        note: args.note,
    });
    sign_and_append(location, &args.key, body).await?;
    Ok(ExitCode::SUCCESS)
}
