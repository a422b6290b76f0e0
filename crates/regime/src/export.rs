//! Exports for other tools: CSV with ACLED's columns and HXL hashtags, and
//! GeoJSON of incidents for maps.
//!
//! The CSV has one row per incident by default (`ExportLevel::Event`), as
//! ACLED has one row per event: several guarantors' reports of the same
//! event are one row, and its fatalities are counted once. Every column of
//! ACLED's codebook comes first, in ACLED's order and with ACLED's meaning;
//! truce's own columns (`truce_…`) follow. The second row holds HXL
//! hashtags, from the HXL dictionary only. `ExportLevel::Report` gives one
//! row per report instead, with the incident each belongs to.
//!
//! How each ACLED column is filled:
//! - `event_id_cnty`: `SYR` and the incident's number (the position of its
//!   first report); at report level the report's own number.
//! - `event_date`, `year`: the incident's date (its first report's day).
//! - `time_precision`, `geo_precision`, `latitude`, `longitude`, `location`,
//!   `admin1`, `event_type`, `sub_event_type`: from the incident's first
//!   report, which names it (as on the map).
//! - `disorder_type`: "Political violence" for battles, explosions and
//!   violence against civilians; "Strategic developments" otherwise.
//! - `actor1`, `actor2`: the actors without direction, as ACLED has them: the
//!   first report's perpetrator and target. A formation is named as
//!   registered; an unidentified perpetrator is "Unidentified Armed Group
//!   (Syria)"; an unidentified target is "Civilians (Syria)" when any report
//!   of the incident counts civilian casualties and the event is not a
//!   battle (ACLED's battles are between armed actors), and empty otherwise
//!   (its description is in `truce_target`). Every perpetrator any report alleges
//!   is in `truce_alleged_perpetrators`.
//! - `assoc_actor_1`, `assoc_actor_2`: empty (the register names no
//!   associated actors).
//! - `inter1`, `inter2`: ACLED's actor type codes, from the formation's side
//!   ([`inter_code`]); 3 for an unidentified armed group, 7 for civilians.
//! - `interaction`: the two codes, the lower first (`17`); one actor alone
//!   gives its code and 0 (`30`).
//! - `civilian_targeting`: "Civilian targeting" when civilians are the
//!   target (`actor2` is civilians, or the type is violence against
//!   civilians), else empty.
//! - `iso` 760, `region` "Middle East", `country` "Syria".
//! - `admin2`, `admin3`: empty; the gazetteer holds governorates only.
//! - `location`: the place's name; empty in the public edition, as on the
//!   public map. `latitude`, `longitude`: rounded for the public to
//!   [`crate::PUBLIC_COORDINATE_DECIMALS`] places.
//! - `source`: every report's sources; `source_scale`: their scales, ACLED's
//!   words joined by `-` ([`source_scale`]). Both empty in the public edition.
//! - `notes`: every report's narrative, each after its id; empty in the
//!   public edition.
//! - `fatalities`: counted once per incident: the lowest best estimate of the
//!   killed among the reports that count them (ACLED's rule for sources that
//!   disagree: the most conservative figure), 0 when none does. Each
//!   counting report's figure is in `truce_fatalities_reported` (`R-12=3
//!   R-15=5`). At report level, the report's own best estimate.
//! - `tags`: empty.
//! - `timestamp`: Unix seconds of the latest statement that filed, amended
//!   or withdrew one of its reports.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::json;
use truce_model::{Actor, Outcome, PersonStatus, Side, SourceKind};

use crate::edition::Edition;
use crate::findings::Finding;
use crate::register::Register;
use crate::reports::Report;

/// One row per incident (ACLED's events) or one per report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportLevel {
    #[default]
    Event,
    Report,
}

impl std::str::FromStr for ExportLevel {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "event" => Ok(ExportLevel::Event),
            "report" => Ok(ExportLevel::Report),
            _ => Err("event or report".into()),
        }
    }
}

/// ACLED's columns in ACLED's order, then truce's, each with its HXL
/// hashtag: hashtags and attributes of the HXL dictionary only, each
/// attribute with a hashtag the dictionary lists it for; `#date` only on
/// dates and `#affected` only on numbers, as libhxl's default schema checks.
/// The dictionary has no tag for a precision: both precisions (ACLED's
/// codes 1–3) are row metadata (`#meta`), `geo_precision` as the kind of
/// place (`#loc+type`).
pub const COLUMNS: [(&str, &str); 38] = [
    ("event_id_cnty", "#event+code"),
    ("event_date", "#date+occurred"),
    ("year", "#date+occurred"),
    ("time_precision", "#meta"),
    ("disorder_type", "#crisis+type"),
    ("event_type", "#event+type"),
    ("sub_event_type", "#event+type"),
    ("actor1", "#group+name"),
    ("assoc_actor_1", "#group+name"),
    ("inter1", "#group+type+code"),
    ("actor2", "#group+name"),
    ("assoc_actor_2", "#group+name"),
    ("inter2", "#group+type+code"),
    ("interaction", "#indicator+code"),
    ("civilian_targeting", "#impact+type"),
    ("iso", "#country+code"),
    ("region", "#region+name"),
    ("country", "#country+name"),
    ("admin1", "#adm1+name"),
    ("admin2", "#adm2+name"),
    ("admin3", "#adm3+name"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#loc+type"),
    ("source", "#meta+source"),
    ("source_scale", "#meta"),
    ("notes", "#description"),
    ("fatalities", "#affected+killed"),
    ("tags", "#meta"),
    ("timestamp", "#meta"),
    ("truce_incident", "#event+name"),
    ("truce_reports", "#meta+id"),
    ("truce_finding", "#status+name"),
    ("truce_reported_by", "#org+name"),
    ("truce_fatalities_reported", "#meta"),
    ("truce_target", "#description"),
    ("truce_alleged_perpetrators", "#group+name"),
];

/// ACLED's actor type (inter1, inter2) for a formation's side:
/// government forces are state forces (1); opposition, Kurdish-led and
/// other armed formations are rebel groups (2), as ACLED codes the
/// opposition, the SDF and the jihadist groups in Syria; foreign forces are
/// external forces (8).
pub fn inter_code(side: Side) -> u8 {
    match side {
        Side::Government => 1,
        Side::Opposition | Side::KurdishLed | Side::Other => 2,
        Side::ForeignForces => 8,
    }
}

/// ACLED's code for an unidentified armed group (a political militia).
const UNIDENTIFIED_INTER: u8 = 3;
/// ACLED's code for civilians.
const CIVILIANS_INTER: u8 = 7;
const UNIDENTIFIED: &str = "Unidentified Armed Group (Syria)";
const CIVILIANS: &str = "Civilians (Syria)";

/// ACLED's source scale for a kind of source.
pub fn source_scale(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::LocalContact => "Subnational",
        SourceKind::Official | SourceKind::Media => "National",
        SourceKind::SocialMedia => "New media",
        SourceKind::OwnObservation | SourceKind::Monitor | SourceKind::OtherGuarantor => "Other",
    }
}

const SCALE_ORDER: [&str; 4] = ["Subnational", "National", "New media", "Other"];

fn killed(report: &Report) -> Option<u32> {
    let mut killed = report
        .fields
        .casualties
        .iter()
        .filter(|c| c.outcome == Outcome::Killed)
        .map(|c| c.best)
        .peekable();
    killed.peek()?;
    Some(killed.sum())
}

fn civilians_hit(report: &Report) -> bool {
    report
        .fields
        .casualties
        .iter()
        .any(|c| c.status == PersonStatus::Civilian)
}

/// An actor's ACLED name and type code.
fn perpetrator(register: &Register, actor: &Actor) -> (String, Option<u8>) {
    match actor {
        Actor::Formation(id) => match register.formation(id) {
            Some(f) => (f.name.clone(), Some(inter_code(f.side))),
            None => (id.to_string(), None),
        },
        Actor::Unknown(_) => (UNIDENTIFIED.into(), Some(UNIDENTIFIED_INTER)),
    }
}

fn target(register: &Register, actor: &Actor, civilians: bool) -> (String, Option<u8>) {
    match actor {
        Actor::Unknown(_) if civilians => (CIVILIANS.into(), Some(CIVILIANS_INTER)),
        Actor::Unknown(_) => (String::new(), None),
        formation => perpetrator(register, formation),
    }
}

fn actor_text(register: &Register, actor: &Actor) -> String {
    match actor {
        Actor::Formation(id) => register
            .formation(id)
            .map_or_else(|| id.to_string(), |f| f.name.clone()),
        Actor::Unknown(text) => text.clone(),
    }
}

fn interaction(inter1: Option<u8>, inter2: Option<u8>) -> String {
    match (inter1, inter2) {
        (Some(a), Some(b)) => format!("{}{}", a.min(b), a.max(b)),
        (Some(a), None) | (None, Some(a)) => format!("{a}0"),
        (None, None) => String::new(),
    }
}

fn code(inter: Option<u8>) -> String {
    inter.map(|c| c.to_string()).unwrap_or_default()
}

fn joined_distinct(items: impl IntoIterator<Item = String>, separator: &str) -> String {
    let mut seen: Vec<String> = Vec::new();
    for item in items {
        if !item.is_empty() && !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen.join(separator)
}

/// What one row says: an incident's reports (one report at report level).
struct Row<'a> {
    id: u64,
    date: Date,
    first: &'a Report,
    reports: Vec<&'a Report>,
    finding: Option<&'a Finding>,
    fatalities: u32,
}

fn write_row(
    writer: &mut csv::Writer<Vec<u8>>,
    register: &Register,
    row: &Row<'_>,
    edition: Edition,
) {
    let internal = edition == Edition::Internal;
    let first = row.first;
    let (event_type, sub_event_type) = first.fields.violation_type.acled();
    let disorder_type = match event_type {
        "Strategic developments" => "Strategic developments",
        _ => "Political violence",
    };
    // ACLED's battles are between armed actors: civilians are never one.
    let civilians = event_type != "Battles" && row.reports.iter().any(|r| civilians_hit(r));
    let (actor1, inter1) = perpetrator(register, &first.fields.perpetrator);
    let (actor2, inter2) = target(register, &first.fields.target, civilians);
    let civilian_targeting =
        if inter2 == Some(CIVILIANS_INTER) || event_type == "Violence against civilians" {
            "Civilian targeting"
        } else {
            ""
        };
    let sources = row.reports.iter().flat_map(|r| &r.fields.sources);
    let source = joined_distinct(sources.clone().map(|s| s.description.clone()), "; ");
    let scales: Vec<&str> = sources.map(|s| source_scale(s.kind)).collect();
    let source_scale = SCALE_ORDER
        .iter()
        .filter(|s| scales.contains(s))
        .copied()
        .collect::<Vec<_>>()
        .join("-");
    let notes = row
        .reports
        .iter()
        .map(|r| format!("{}: {}", r.id, r.fields.narrative))
        .collect::<Vec<_>>()
        .join(" ");
    let timestamp = row
        .reports
        .iter()
        .map(|r| r.updated.as_second())
        .max()
        .unwrap_or_default();
    let private = |text: String| if internal { text } else { String::new() };
    let location = &first.fields.location;
    let values: [String; COLUMNS.len()] = [
        format!("SYR{}", row.id),
        row.date.to_string(),
        row.date.year().to_string(),
        first.fields.time_precision.acled_code().to_string(),
        disorder_type.into(),
        event_type.into(),
        sub_event_type.into(),
        actor1,
        String::new(),
        code(inter1),
        actor2,
        String::new(),
        code(inter2),
        interaction(inter1, inter2),
        civilian_targeting.into(),
        "760".into(),
        "Middle East".into(),
        "Syria".into(),
        register.governorate_name(first.governorate),
        String::new(),
        String::new(),
        private(location.place.clone()),
        register
            .published_coordinate(location.lat, edition)
            .to_string(),
        register
            .published_coordinate(location.lon, edition)
            .to_string(),
        location.precision.acled_code().to_string(),
        private(source),
        private(source_scale),
        private(notes),
        row.fatalities.to_string(),
        String::new(),
        timestamp.to_string(),
        row.finding
            .map(|f| f.incident.to_string())
            .unwrap_or_default(),
        row.reports
            .iter()
            .map(|r| r.id.to_string())
            .collect::<Vec<_>>()
            .join(" "),
        row.finding
            .map(|f| f.kind.label().to_string())
            .unwrap_or_default(),
        if register.tells_filing_party(edition) {
            joined_distinct(row.reports.iter().map(|r| r.party.to_string()), "; ")
        } else {
            String::new()
        },
        row.reports
            .iter()
            .filter_map(|r| killed(r).map(|k| format!("{}={k}", r.id)))
            .collect::<Vec<_>>()
            .join(" "),
        match &first.fields.target {
            Actor::Unknown(text) => text.clone(),
            Actor::Formation(_) => String::new(),
        },
        joined_distinct(
            row.reports
                .iter()
                .map(|r| actor_text(register, &r.fields.perpetrator)),
            "; ",
        ),
    ];
    let _ = writer.write_record(&values);
}

/// Incidents whose date falls from `from` to `to`, with their reports.
fn incident_findings(register: &Register, from: Date, to: Date) -> Vec<Finding> {
    let reports = register.reports_between(from, to).map(|r| r.id);
    let mut findings: Vec<Finding> = register
        .findings_of(reports)
        .into_iter()
        .filter(|f| (from..=to).contains(&f.date))
        .collect();
    findings.sort_by_key(|f| (f.date, f.incident));
    findings
}

/// The ACLED CSV of events from `from` to `to`, after a row of HXL
/// hashtags: one row per incident, or per report at `ExportLevel::Report`.
/// The public edition leaves out notes, sources, reporters and the place's
/// name, and rounds the coordinates (the public `/reports` and GeoJSON
/// publish the same).
pub fn acled_csv(
    register: &Register,
    from: Date,
    to: Date,
    edition: Edition,
    level: ExportLevel,
) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS.iter().map(|c| c.0));
    let _ = writer.write_record(COLUMNS.iter().map(|c| c.1));
    let findings = incident_findings(register, from, to);
    match level {
        ExportLevel::Event => {
            for finding in &findings {
                let reports: Vec<&Report> = finding
                    .reports
                    .iter()
                    .filter_map(|id| register.report(*id))
                    .collect();
                let Some(first) = register.report(finding.incident) else {
                    continue;
                };
                let counted: Vec<u32> = reports.iter().filter_map(|r| killed(r)).collect();
                let row = Row {
                    id: finding.incident.0,
                    date: finding.date,
                    first,
                    fatalities: counted.iter().copied().min().unwrap_or(0),
                    reports,
                    finding: Some(finding),
                };
                write_row(&mut writer, register, &row, edition);
            }
        }
        ExportLevel::Report => {
            let by_report: BTreeMap<_, &Finding> = findings
                .iter()
                .flat_map(|f| f.reports.iter().map(move |id| (*id, f)))
                .collect();
            for report in register.reports_between(from, to) {
                let row = Row {
                    id: report.id.0,
                    date: report.date(),
                    first: report,
                    reports: vec![report],
                    finding: by_report.get(&report.id).copied(),
                    fatalities: killed(report).unwrap_or(0),
                };
                write_row(&mut writer, register, &row, edition);
            }
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Incidents with events from `from` to `to` as a GeoJSON FeatureCollection,
/// each at its first report's point (rounded for the public).
pub fn incidents_geojson(
    register: &Register,
    from: Date,
    to: Date,
    edition: Edition,
) -> serde_json::Value {
    let reports = register.reports_between(from, to).map(|r| r.id);
    let features: Vec<serde_json::Value> = register
        .findings_of(reports)
        .into_iter()
        .filter(|f| (from..=to).contains(&f.date))
        .map(|finding| {
            let first = register
                .report(finding.incident)
                .expect("incident reports exist");
            let mut properties = json!({
                "incident": finding.incident.to_string(),
                "date": finding.date.to_string(),
                "type": first.fields.violation_type.as_str(),
                "governorate": register.governorate_name(&finding.governorate),
                "finding": finding.kind.label(),
                "reports": finding.reports.len(),
            });
            if edition == Edition::Internal {
                properties["place"] = json!(first.fields.location.place);
                properties["positions"] = json!(finding.positions);
            }
            json!({
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        register.published_coordinate(first.fields.location.lon, edition),
                        register.published_coordinate(first.fields.location.lat, edition),
                    ],
                },
                "properties": properties,
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}
