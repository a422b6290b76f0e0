//! Exports for other tools: CSV with ACLED's columns and HXL hashtags, and
//! GeoJSON of incidents for maps.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde_json::json;
use truce_model::{Actor, Outcome, ReportId};

use crate::findings::Finding;
use crate::register::{Register, Report};
use crate::Edition;

const COLUMNS: [(&str, &str); 18] = [
    ("event_id", "#event+id"),
    ("event_date", "#date+occurred"),
    ("event_type", "#event+type"),
    ("sub_event_type", "#event+type+sub"),
    ("actor1", "#group+name+first"),
    ("actor2", "#group+name+second"),
    ("admin1", "#adm1+name"),
    ("admin2", "#adm2+name"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("geo_precision", "#geo+precision"),
    ("time_precision", "#date+precision"),
    ("source", "#meta+source"),
    ("notes", "#description"),
    ("fatalities", "#affected+killed"),
    ("reported_by", "#org+name+reporter"),
    ("finding", "#status+finding"),
];

fn actor_name(register: &Register, actor: &Actor) -> String {
    match actor {
        Actor::Formation(id) => register
            .formation(id)
            .map_or_else(|| id.to_string(), |f| f.name.clone()),
        Actor::Unknown(text) => format!("Unidentified ({text})"),
    }
}

fn fatalities(report: &Report) -> u32 {
    report
        .fields
        .casualties
        .iter()
        .filter(|c| c.outcome == Outcome::Killed)
        .map(|c| c.best)
        .sum()
}

fn findings_by_report(register: &Register, reports: &[&Report]) -> BTreeMap<ReportId, Finding> {
    register
        .incidents_of(reports.iter().map(|r| r.id))
        .iter()
        .map(|incident| register.finding(incident))
        .flat_map(|f| f.reports.clone().into_iter().map(move |id| (id, f.clone())))
        .collect()
}

/// Reports with events from `from` to `to`, one row each, after a row of
/// HXL hashtags. The public edition leaves out notes, sources and reporters.
pub fn acled_csv(register: &Register, from: Date, to: Date, edition: Edition) -> String {
    let reports: Vec<&Report> = register.reports_between(from, to).collect();
    let findings = findings_by_report(register, &reports);
    let mut writer = csv::Writer::from_writer(Vec::new());
    let _ = writer.write_record(COLUMNS.iter().map(|c| c.0));
    let _ = writer.write_record(COLUMNS.iter().map(|c| c.1));
    let internal = edition == Edition::Internal;
    for report in reports {
        let (event_type, sub_event_type) = report.fields.violation_type.acled();
        let source = report
            .fields
            .sources
            .iter()
            .map(|s| s.description.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        let row = [
            report.id.to_string(),
            report.date().to_string(),
            event_type.to_string(),
            sub_event_type.to_string(),
            actor_name(register, &report.fields.perpetrator),
            actor_name(register, &report.fields.target),
            register.governorate_name(&report.governorate),
            String::new(),
            report.fields.location.place.clone(),
            report.fields.location.lat.to_string(),
            report.fields.location.lon.to_string(),
            report.fields.location.precision.acled_code().to_string(),
            report.fields.time_precision.acled_code().to_string(),
            if internal { source } else { String::new() },
            if internal {
                report.fields.narrative.clone()
            } else {
                String::new()
            },
            fatalities(report).to_string(),
            if internal {
                report.party.to_string()
            } else {
                String::new()
            },
            findings
                .get(&report.id)
                .map(|f| f.kind.label().to_string())
                .unwrap_or_default(),
        ];
        let _ = writer.write_record(&row);
    }
    let bytes = writer.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// Incidents with events from `from` to `to` as a GeoJSON FeatureCollection,
/// each at its first report's point.
pub fn incidents_geojson(
    register: &Register,
    from: Date,
    to: Date,
    edition: Edition,
) -> serde_json::Value {
    let reports = register.reports_between(from, to).map(|r| r.id);
    let features: Vec<serde_json::Value> = register
        .incidents_of(reports)
        .iter()
        .map(|incident| register.finding(incident))
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
                    "coordinates": [first.fields.location.lon, first.fields.location.lat],
                },
                "properties": properties,
            })
        })
        .collect();
    json!({ "type": "FeatureCollection", "features": features })
}
