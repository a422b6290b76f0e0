//! `truce complaints`: the complaints sent to the node from outside the
//! mechanism (`POST /api/v1/complaints`, or the web page's form), listed
//! with what the Record says of each, taken up as a report (a template
//! that names the complaint's text among its evidence, to edit and sign)
//! or declined with a reason, signed.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use truce_gazetteer::{Gazetteer, Target};
use truce_model::{
    Actor, ComplaintDeclined, Evidence, GeoPrecision, Location as Place, ReportFields, Source,
    SourceKind, TimePrecision, ViolationType,
};
use truce_node::complaints::ComplaintBox;
use truce_query::ComplaintView;
use truce_record::Body;

use crate::node::Location;
use crate::terminal::printable;

#[derive(Subcommand)]
pub enum ComplaintsCommand {
    /// List the complaints: waiting ones first, each with its status
    /// (waiting, adopted as a report, declined) and its text.
    List {
        /// Only those no guarantor has taken up or declined.
        #[arg(long)]
        waiting: bool,
        #[arg(long)]
        json: bool,
    },
    /// Print a report file that takes the complaint up: its text as the
    /// narrative and as evidence (by hash), its place looked up in the
    /// gazetteer. Edit it (time, type, actors, the point), then sign it with
    /// `truce report --file FILE --key KEY`.
    Template { reference: String },
    /// Decline a complaint, with the reason on the Record (signed with your
    /// key; the complainant sees only that it was declined).
    Decline {
        reference: String,
        #[arg(long)]
        reason: String,
        /// Your member key file.
        #[arg(long)]
        key: PathBuf,
    },
}

pub async fn run(location: &Location, command: ComplaintsCommand) -> Result<ExitCode> {
    match command {
        ComplaintsCommand::List { waiting, json } => {
            let views = list(location, waiting).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&views)?);
                return Ok(ExitCode::SUCCESS);
            }
            if views.is_empty() {
                println!("no complaints");
            }
            for view in views {
                let answer = match (view.status.as_str(), &view.report, &view.reason) {
                    ("adopted", Some(report), _) => format!("adopted as {report}"),
                    ("adopted", None, _) if view.case.is_some() => {
                        format!(
                            "adopted by case {}",
                            view.case.as_deref().unwrap_or_default()
                        )
                    }
                    ("declined", _, Some(reason)) => format!("declined: {}", printable(reason)),
                    (status, ..) => status.to_string(),
                };
                println!(
                    "{}  received {}  {}  [{answer}]",
                    view.reference,
                    view.received,
                    view.party.as_deref().unwrap_or("")
                );
                for (label, value) in [
                    ("place", &view.place),
                    ("on", &view.occurred),
                    ("from", &view.from),
                    ("contact", &view.contact),
                ] {
                    if let Some(value) = value {
                        println!("    {label}: {}", printable(value));
                    }
                }
                println!("    {}", printable(&view.text).replace('\n', "\n    "));
            }
        }
        ComplaintsCommand::Template { reference } => {
            let view = find(location, &reference).await?;
            if view.status != "waiting" {
                bail!("complaint {reference} was {} already", view.status);
            }
            let evidence = keep_as_evidence(location, &reference).await?;
            let report = template(&view, evidence, Gazetteer::syria());
            println!("{}", serde_json::to_string_pretty(&report)?);
            eprintln!(
                "edit the time, the type, the actors and the point, then: truce report --file FILE --key KEY"
            );
        }
        ComplaintsCommand::Decline {
            reference,
            reason,
            key,
        } => {
            let view = find(location, &reference).await?;
            let body = Body::ComplaintDeclined(ComplaintDeclined {
                complaint: view.sha256,
                reason,
            });
            crate::register::sign_and_append(location, &key, body).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The complaints, from the node's data directory, or over its API with `--node`.
async fn list(location: &Location, waiting: bool) -> Result<Vec<ComplaintView>> {
    if let Some(url) = &location.node {
        let origin = truce_client::Origin::new(url, location.token.clone(), &location.trust()?)?;
        let path = format!("/api/v1/complaints?waiting={waiting}");
        let body = origin.get(&path).await?;
        return serde_json::from_slice(&body).context("the node's list of complaints");
    }
    let kept = ComplaintBox::new(&location.data_dir).list()?;
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    ledger.close().await;
    Ok(truce_query::complaints(&register, kept, waiting))
}

async fn find(location: &Location, reference: &str) -> Result<ComplaintView> {
    list(location, false)
        .await?
        .into_iter()
        .find(|v| v.reference == reference)
        .with_context(|| format!("no complaint {reference} (see `truce complaints list`)"))
}

/// Makes the complaint's exact text an evidence file the node holds.
async fn keep_as_evidence(location: &Location, reference: &str) -> Result<Evidence> {
    if let Some(url) = &location.node {
        let origin = truce_client::Origin::new(url, location.token.clone(), &location.trust()?)?;
        let (status, body) = origin
            .post_json_with(
                &format!("/api/v1/complaints/{reference}/evidence"),
                String::new(),
                &[],
            )
            .await?;
        if status != 201 {
            bail!(
                "the node refused to keep complaint {reference} as evidence ({status}): {}",
                String::from_utf8_lossy(&body)
            );
        }
        return serde_json::from_slice(&body).context("the node's evidence for the complaint");
    }
    let kept = ComplaintBox::new(&location.data_dir)
        .get(reference)?
        .with_context(|| format!("no complaint {reference}"))?;
    let blobs = truce_node::blobs::Blobs::new(&location.data_dir);
    let mut upload = blobs.begin(Some(&kept.sha256), truce_node::blobs::DEFAULT_LIMIT)?;
    upload.write(&kept.bytes)?;
    upload.finish()?;
    Ok(Evidence {
        sha256: kept.sha256,
        media_type: truce_regime::COMPLAINT_MEDIA_TYPE.into(),
        bytes: kept.bytes.len() as u64,
        description: format!("complaint {reference} as received"),
    })
}

/// A report to edit: the complaint's words, its place if the gazetteer
/// knows it, the day it names (noon, to the day), and nothing invented.
fn template(view: &ComplaintView, evidence: Evidence, gazetteer: &Gazetteer) -> ReportFields {
    let named = [view.place.as_deref(), Some(view.text.as_str())]
        .into_iter()
        .flatten()
        .flat_map(|text| gazetteer.find_names(text))
        .find_map(|hit| match hit.target {
            Target::Place(place) => Some((place.lat, place.lon, place.name.clone())),
            Target::Governorate(_) => None,
        });
    let (lat, lon, found) = named.unwrap_or((0.0, 0.0, "(no known place: set the point)".into()));
    let day = view
        .occurred
        .as_deref()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .unwrap_or_else(|| jiff::Zoned::now().date());
    let narrative: String = view.text.chars().take(4_000).collect();
    ReportFields {
        occurred: day.at(12, 0, 0, 0),
        time_precision: TimePrecision::Day,
        location: Place {
            lat,
            lon,
            precision: GeoPrecision::Near,
            place: view.place.clone().unwrap_or(found),
        },
        violation_type: ViolationType::Other,
        clause: None,
        perpetrator: Actor::Unknown("not named in the complaint".into()),
        target: Actor::Unknown("not named in the complaint".into()),
        casualties: Vec::new(),
        sources: vec![Source {
            kind: SourceKind::LocalContact,
            description: format!(
                "complaint {} from {}",
                view.reference,
                view.from.as_deref().unwrap_or("an unnamed sender")
            ),
        }],
        evidence: vec![evidence],
        narrative,
        observation: None,
    }
}
