//! `truce request` and `truce requests`: questions between the parties
//! with a date to answer by, signed by the asker and by the party asked.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use jiff::Timestamp;
use truce_model::{FormationId, Party, RequestAnswered, RequestId, RequestMade, RequestSubject};
use truce_record::Body;

use crate::node::Location;
use crate::terminal::printable;

#[derive(Subcommand)]
pub enum RequestCommand {
    /// Ask another party a question about an incident or a formation, with
    /// a date to answer by (signed with your key). The party asked hears of
    /// it at once (live stream, webhooks); the bulletin counts the requests
    /// that wait and those answered late.
    Ask {
        #[arg(long)]
        key: PathBuf,
        /// The party asked, as the Record names it ("Republic of Türkiye").
        #[arg(long)]
        to: String,
        /// The incident: any of its reports, R-12 or 12.
        #[arg(
            long,
            conflicts_with = "formation",
            required_unless_present = "formation"
        )]
        incident: Option<String>,
        /// Or the formation, by its id.
        #[arg(long)]
        formation: Option<String>,
        #[arg(long)]
        question: String,
        /// When the answer is due: an RFC 3339 time (2026-12-08T12:00:00Z),
        /// or a number of hours from now (48h). At most 90 days.
        #[arg(long, value_name = "TIME|Nh")]
        reply_by: String,
    },
    /// Answer a request asked of your party (signed with your key).
    Answer {
        #[arg(long)]
        key: PathBuf,
        /// The request: Q-12 or 12.
        request: String,
        #[arg(long)]
        answer: String,
    },
}

fn reply_by(text: &str) -> Result<Timestamp> {
    if let Some(hours) = text.strip_suffix('h') {
        let hours: i64 = hours
            .parse()
            .with_context(|| format!("--reply-by {text}: a number of hours, such as 48h"))?;
        return Ok(Timestamp::now() + jiff::SignedDuration::from_hours(hours));
    }
    text.parse()
        .with_context(|| format!("--reply-by {text}: an RFC 3339 time or a number of hours (48h)"))
}

pub async fn run(location: &Location, command: RequestCommand) -> Result<ExitCode> {
    let (key, body) = match command {
        RequestCommand::Ask {
            key,
            to,
            incident,
            formation,
            question,
            reply_by: due,
        } => {
            let about = match (incident, formation) {
                (Some(incident), _) => RequestSubject::Incident(
                    incident
                        .parse()
                        .map_err(|e| anyhow::anyhow!("--incident: {e}"))?,
                ),
                (None, Some(formation)) => RequestSubject::Formation(FormationId::new(formation)?),
                (None, None) => anyhow::bail!("give --incident or --formation"),
            };
            let body = Body::RequestMade(RequestMade {
                to: Party::new(to)?,
                about,
                question,
                reply_by: reply_by(&due)?,
            });
            (key, body)
        }
        RequestCommand::Answer {
            key,
            request,
            answer,
        } => {
            let request: RequestId = request.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            (
                key,
                Body::RequestAnswered(RequestAnswered { request, answer }),
            )
        }
    };
    crate::register::sign_and_append(location, &key, body).await?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct RequestsArgs {
    /// Only those that stand so now: open, overdue, answered or answered_late.
    #[arg(long)]
    state: Option<String>,
    /// Only those asked of this party.
    #[arg(long)]
    to: Option<String>,
    /// One JSON object per line, as the node's /api/v1/requests gives them.
    #[arg(long)]
    json: bool,
}

pub async fn list(location: &Location, args: RequestsArgs) -> Result<ExitCode> {
    let filter = truce_query::RequestFilter {
        state: args
            .state
            .as_deref()
            .map(truce_query::RequestFilter::state_named)
            .transpose()?,
        to: args.to,
        from: None,
    };
    let ledger = location.open_ledger().await?;
    let requests = truce_query::requests(&ledger.rules(), &filter, Timestamp::now());
    ledger.close().await;
    for request in requests {
        if args.json {
            println!("{}", serde_json::to_string(&request)?);
            continue;
        }
        println!(
            "{} {:<13} {} → {} about {}, reply by {}",
            request.id, request.state, request.from, request.to, request.about, request.reply_by
        );
        println!("    Q: {}", printable(&request.question));
        if let Some(answer) = &request.answer {
            println!(
                "    A ({}, {}): {}",
                answer.member,
                answer.time,
                printable(&answer.answer)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
