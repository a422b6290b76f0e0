//! `truce access` and `truce coverage`: what the monitors could and could
//! not see. A guarantor's member records a denial or restriction of the
//! monitors' access, registers its monitoring assets and says when one is
//! working or down, each a statement signed with the member's key; anyone
//! with a copy of the Record lists them and reads each governorate's
//! observation state on a day.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use truce_model::{
    AccessActor, AccessPlace, AccessRestricted, AssetId, AssetKind, AssetRegistered, AssetStatus,
    AssetStatusChanged, Covers, FormationId, Party, Point,
};
use truce_query::{AccessFilter, Audience};
use truce_record::Body;

use crate::node::Location;
use crate::terminal::printable;

#[derive(Subcommand)]
pub enum AccessCommand {
    /// Record a denial or restriction of the monitors' access, a threat
    /// against them, or jamming of a drone or signal (signed with your key).
    /// A denial or jamming hides the governorate from the monitors while it
    /// lasts: a day it covers wholly reads "not observed" in the bulletin.
    #[command(after_help = "Examples:\n\n  \
truce access report --key ru.key --by-party \"Syrian Arab Army\" \\\n    \
--lat 35.44 --lon 36.65 --kind denial --from 2026-12-01T06:00:00Z --for 5h \\\n    \
--prevented \"The patrol to the southern outskirts of Khan Shaykhun\"\n\n  \
truce access report --key tr.key --by-formation hts --governorate SY-ID \\\n    \
--kind jamming --from 2026-12-01T00:00:00Z --until 2026-12-02T00:00:00Z \\\n    \
--prevented \"UAV flights over the M4\"")]
    Report {
        #[arg(long)]
        key: PathBuf,
        /// Who denied: the party as the monitors name it...
        #[arg(
            long,
            conflicts_with = "by_formation",
            required_unless_present = "by_formation"
        )]
        by_party: Option<String>,
        /// ...or the registered formation, by its id, when it is known.
        #[arg(long)]
        by_formation: Option<String>,
        /// Where: a point (with --lon), inside the country...
        #[arg(
            long,
            requires = "lon",
            conflicts_with = "governorate",
            allow_negative_numbers = true
        )]
        lat: Option<f64>,
        #[arg(long, requires = "lat", allow_negative_numbers = true)]
        lon: Option<f64>,
        /// ...or a whole governorate by its ISO code (SY-ID) when no point is known.
        #[arg(long, required_unless_present = "lat")]
        governorate: Option<String>,
        /// denial, restriction, threat or jamming.
        #[arg(long)]
        kind: String,
        /// When it began: an RFC 3339 time (2026-12-01T06:00:00Z).
        #[arg(long)]
        from: String,
        /// How long it lasted: 5h, 90m or 2d (at most 90 days)...
        #[arg(
            long = "for",
            value_name = "DURATION",
            conflicts_with = "until",
            required_unless_present = "until"
        )]
        lasting: Option<String>,
        /// ...or when it ended (or is expected to).
        #[arg(long)]
        until: Option<String>,
        /// What the monitors were kept from doing: one line, at most 1000 characters.
        #[arg(long)]
        prevented: String,
    },
    /// Restrictions of access recorded, the latest first.
    #[command(after_help = "Examples:\n\n  \
truce access list\n  \
truce access list --by \"Syrian Arab Army\" --day 2026-12-01\n  \
truce access list --kind jamming --json")]
    List {
        /// By this formation (its id) or party (its name, as recorded).
        #[arg(long)]
        by: Option<String>,
        /// denial, restriction, threat or jamming.
        #[arg(long)]
        kind: Option<String>,
        /// Lasting through some of this mechanism day (YYYY-MM-DD).
        #[arg(long)]
        day: Option<Date>,
        /// In this governorate (ISO code, SY-ID).
        #[arg(long)]
        governorate: Option<String>,
        /// One JSON object per line, as the node's /api/v1/access gives them.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum CoverageCommand {
    /// Your party's monitoring assets (signed with your key).
    #[command(subcommand)]
    Asset(AssetCommand),
    /// Say that one of your party's assets is working or down from a time
    /// on (signed with your key); an outage may be recorded after the fact.
    #[command(after_help = "Examples:\n\n  \
truce coverage set --key ru.key op-7 down --from 2026-12-01T00:00:00Z\n  \
truce coverage set --key ru.key op-7 working --from 2026-12-02T00:00:00Z")]
    Set {
        #[arg(long)]
        key: PathBuf,
        /// The asset's id.
        asset: String,
        /// working or down.
        status: String,
        /// From when: an RFC 3339 time, or "now".
        #[arg(long, default_value = "now")]
        from: String,
    },
    /// Each governorate observed or not on a day, and the assets with their
    /// status. "Observed": an asset covering it was working for some of the
    /// day at a time no denial or jamming hid it.
    #[command(after_help = "Examples:\n\n  \
truce coverage show\n  \
truce coverage show --day 2026-12-01 --json")]
    Show {
        /// The mechanism's day (YYYY-MM-DD); today when left out.
        #[arg(long)]
        day: Option<Date>,
        /// The node's /api/v1/coverage answer, as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum AssetCommand {
    /// Register a post, camera, patrol area or drone, with the governorates
    /// it covers (or the point it stands at), working from a time on.
    #[command(after_help = "Examples:\n\n  \
truce coverage asset add --key ru.key op-7 --kind post \\\n    \
--name \"Observation post 7, Sarmin\" --lat 35.905 --lon 36.725\n\n  \
truce coverage asset add --key tr.key uav-north --kind uav \\\n    \
--name \"UAV north\" --governorate SY-ID --governorate SY-HL \\\n    \
--working-from 2026-12-01T00:00:00Z")]
    Add {
        #[arg(long)]
        key: PathBuf,
        /// Its id: lower-case letters, digits and '-' (op-7).
        asset: String,
        /// post, camera, patrol_area or uav.
        #[arg(long)]
        kind: String,
        /// What it is called, one line.
        #[arg(long)]
        name: String,
        /// A governorate it covers (ISO code); repeat for each...
        #[arg(long, conflicts_with = "lat", required_unless_present = "lat")]
        governorate: Vec<String>,
        /// ...or the point it stands at (with --lon), which covers the
        /// governorate that holds it.
        #[arg(long, requires = "lon", allow_negative_numbers = true)]
        lat: Option<f64>,
        #[arg(long, requires = "lat", allow_negative_numbers = true)]
        lon: Option<f64>,
        /// Working from: an RFC 3339 time, or "now".
        #[arg(long, default_value = "now")]
        working_from: String,
    },
}

fn time(flag: &str, text: &str) -> Result<Timestamp> {
    if text == "now" {
        return Ok(Timestamp::now());
    }
    text.parse()
        .with_context(|| format!("--{flag} {text}: an RFC 3339 time (2026-12-01T06:00:00Z) or now"))
}

/// `5h`, `90m`, `2d`.
fn duration(text: &str) -> Result<SignedDuration> {
    let explain =
        || format!("--for {text}: a number of minutes, hours or days, such as 90m, 5h or 2d");
    let (number, unit) = text.split_at(text.len().saturating_sub(1));
    let n: i64 = number.parse().with_context(explain)?;
    let minutes = match unit {
        "m" => n,
        "h" => n * 60,
        "d" => n * 24 * 60,
        _ => bail!(explain()),
    };
    if minutes <= 0 {
        bail!(explain());
    }
    Ok(SignedDuration::from_mins(minutes))
}

fn named<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| anyhow::anyhow!("--{flag}: {e}"))
}

pub async fn access(location: &Location, command: AccessCommand) -> Result<ExitCode> {
    match command {
        AccessCommand::Report {
            key,
            by_party,
            by_formation,
            lat,
            lon,
            governorate,
            kind,
            from,
            lasting,
            until,
            prevented,
        } => {
            let by = match (by_party, by_formation) {
                (_, Some(formation)) => AccessActor::Formation(FormationId::new(formation)?),
                (Some(party), None) => AccessActor::Party(Party::new(party)?),
                (None, None) => bail!("give --by-party or --by-formation"),
            };
            let at = match (lat, lon, governorate) {
                (Some(lat), Some(lon), _) => AccessPlace::Point(Point { lat, lon }),
                (_, _, Some(code)) => AccessPlace::Governorate(code),
                _ => bail!("give --lat and --lon, or --governorate"),
            };
            let from = time("from", &from)?;
            let until = match (lasting, until) {
                (Some(lasting), _) => from + duration(&lasting)?,
                (None, Some(until)) => time("until", &until)?,
                (None, None) => bail!("give --for or --until"),
            };
            let body = Body::AccessRestricted(AccessRestricted {
                by,
                at,
                kind: named("kind", &kind)?,
                from,
                until,
                prevented,
            });
            crate::register::sign_and_append(location, &key, body).await?;
            Ok(ExitCode::SUCCESS)
        }
        AccessCommand::List {
            by,
            kind,
            day,
            governorate,
            json,
        } => {
            let filter = AccessFilter {
                by,
                kind: kind.as_deref().map(AccessFilter::kind_named).transpose()?,
                day,
                governorate,
            };
            let ledger = location.open_ledger().await?;
            let listed = truce_query::access(&ledger.rules(), &filter);
            ledger.close().await;
            for r in listed {
                if json {
                    println!("{}", serde_json::to_string(&r)?);
                    continue;
                }
                let place = match (r.lat, r.lon) {
                    (Some(lat), Some(lon)) => format!("{lat}, {lon} ({})", r.governorate_name),
                    _ => r.governorate_name.clone(),
                };
                println!(
                    "{} {:<11} by {} at {}, {} to {} (recorded by {}, {})",
                    r.id,
                    r.kind,
                    printable(&r.by),
                    place,
                    r.from,
                    r.until,
                    r.recorded_by,
                    r.recorded_by_party
                );
                println!("    prevented: {}", printable(&r.prevented));
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

pub async fn coverage(location: &Location, command: CoverageCommand) -> Result<ExitCode> {
    let (key, body) = match command {
        CoverageCommand::Asset(AssetCommand::Add {
            key,
            asset,
            kind,
            name,
            governorate,
            lat,
            lon,
            working_from,
        }) => {
            let covers = match (lat, lon) {
                (Some(lat), Some(lon)) => Covers::Point(Point { lat, lon }),
                _ if !governorate.is_empty() => Covers::Governorates(governorate),
                _ => bail!("give --governorate (once or more), or --lat and --lon"),
            };
            let body = Body::AssetRegistered(AssetRegistered {
                asset: AssetId::new(asset)?,
                kind: named::<AssetKind>("kind", &kind)?,
                name,
                covers,
                working_from: time("working-from", &working_from)?,
            });
            (key, body)
        }
        CoverageCommand::Set {
            key,
            asset,
            status,
            from,
        } => {
            let body = Body::AssetStatus(AssetStatusChanged {
                asset: AssetId::new(asset)?,
                status: named::<AssetStatus>("status", &status)?,
                from: time("from", &from)?,
            });
            (key, body)
        }
        CoverageCommand::Show { day, json } => return show(location, day, json).await,
    };
    crate::register::sign_and_append(location, &key, body).await?;
    Ok(ExitCode::SUCCESS)
}

async fn show(location: &Location, day: Option<Date>, json: bool) -> Result<ExitCode> {
    let ledger = location.open_ledger().await?;
    let register = ledger.rules();
    let now = Timestamp::now();
    let day = truce_query::day_or_today(&register, day, now);
    let view = truce_query::coverage(&register, day, Audience::Members, now);
    drop(register);
    ledger.close().await;
    if json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}", view.day);
    for g in &view.governorates {
        let state = if g.no_violation_observed {
            "observed, no violation observed".to_string()
        } else if g.state == "observed" {
            format!("observed, {} reports", g.reports)
        } else {
            format!("NOT OBSERVED ({} reports)", g.reports)
        };
        println!("  {:<6} {:<14} {state}", g.code, g.name);
    }
    if !view.assets.is_empty() {
        println!("assets:");
    }
    for asset in &view.assets {
        println!(
            "  {:<12} {:<11} {:<8} {} ({}): {}",
            asset.id,
            asset.kind,
            asset.status.as_deref().unwrap_or("-"),
            printable(&asset.name),
            asset.party,
            asset.governorates.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_times_read_as_the_help_says() {
        assert_eq!(duration("5h").unwrap(), SignedDuration::from_hours(5));
        assert_eq!(duration("90m").unwrap(), SignedDuration::from_mins(90));
        assert_eq!(duration("2d").unwrap(), SignedDuration::from_hours(48));
        for bad in ["5", "h", "0h", "-3h", "5w", ""] {
            let refused = duration(bad).unwrap_err().to_string();
            assert!(refused.contains("--for"), "{bad}: {refused}");
        }
        assert!(time("from", "2026-12-01T06:00:00Z").is_ok());
        let refused = time("from", "yesterday").unwrap_err().to_string();
        assert!(refused.contains("--from yesterday"), "{refused}");
    }
}
