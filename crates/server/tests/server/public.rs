//! The public edition's three views of the same incidents — the ACLED CSV,
//! the GeoJSON and `/api/v1/reports` — publish the same: what one of them
//! hides from the public, no other shows, and the coordinates are rounded
//! to the same point everywhere.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{shelling, yesterday, Node, Who, RU, TR};
use serde_json::Value;
use truce_model::{Actor, ReportFiled};
use truce_model::{PublicViews, RegisterConfig};
use truce_record::Body as StatementBody;

/// What a view tells, by name: the same fact under each view's own field.
type Facts = BTreeMap<&'static str, BTreeSet<String>>;
/// A view's name, what members see, what the public sees, the public points.
type View = (&'static str, Facts, Facts, Vec<(f64, f64)>);

fn add(facts: &mut Facts, fact: &'static str, value: &Value) {
    let text = match value {
        Value::Null => return,
        Value::String(s) if s.is_empty() => return,
        Value::Array(a) if a.is_empty() => return,
        Value::Object(o) if o.is_empty() => return,
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    facts.entry(fact).or_default().insert(text);
}

fn csv_facts(text: &str) -> (Facts, Vec<(f64, f64)>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let mut facts = Facts::new();
    let mut points = Vec::new();
    for record in reader.records().skip(1) {
        let record = record.unwrap();
        let cell = |name: &str| {
            let i = headers.iter().position(|h| h == name).unwrap();
            Value::String(record[i].to_string())
        };
        add(&mut facts, "place", &cell("location"));
        add(&mut facts, "narrative", &cell("notes"));
        add(&mut facts, "sources", &cell("source"));
        add(&mut facts, "sources", &cell("source_scale"));
        add(&mut facts, "party", &cell("truce_reported_by"));
        add(&mut facts, "finding", &cell("truce_finding"));
        add(&mut facts, "governorate", &cell("admin1"));
        let number = |name| cell(name).as_str().unwrap().parse::<f64>().unwrap();
        points.push((number("longitude"), number("latitude")));
    }
    (facts, points)
}

fn geojson_facts(value: &Value) -> (Facts, Vec<(f64, f64)>) {
    let mut facts = Facts::new();
    let mut points = Vec::new();
    for feature in value["features"].as_array().unwrap() {
        let p = &feature["properties"];
        add(&mut facts, "place", &p["place"]);
        add(&mut facts, "positions", &p["positions"]);
        add(&mut facts, "finding", &p["finding"]);
        add(&mut facts, "governorate", &p["governorate"]);
        let c = &feature["geometry"]["coordinates"];
        points.push((c[0].as_f64().unwrap(), c[1].as_f64().unwrap()));
    }
    (facts, points)
}

fn reports_facts(value: &Value) -> (Facts, Vec<(f64, f64)>) {
    let mut facts = Facts::new();
    let mut points = Vec::new();
    for report in value["items"].as_array().unwrap() {
        let f = &report["fields"];
        add(&mut facts, "place", &f["location"]["place"]);
        add(&mut facts, "narrative", &f["narrative"]);
        add(&mut facts, "sources", &f["sources"]);
        add(&mut facts, "evidence", &f["evidence"]);
        add(&mut facts, "observation", &f["observation"]);
        add(&mut facts, "party", &report["party"]);
        add(&mut facts, "party", &report["filed_by"]);
        add(&mut facts, "finding", &report["finding"]);
        add(&mut facts, "governorate", &report["governorate_name"]);
        // The incident's point is its first report's.
        if report["incident"] == report["id"] {
            let l = &f["location"];
            points.push((l["lon"].as_f64().unwrap(), l["lat"].as_f64().unwrap()));
        }
    }
    (facts, points)
}

fn decimals(value: f64) -> usize {
    let text = value.to_string();
    text.split_once('.').map_or(0, |(_, d)| d.len())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_views_publish_the_same_fields_and_the_same_rounded_points() {
    let mut node = Node::new().await;
    let day = yesterday();
    let civilians = || Actor::Unknown("civilians".into());
    for (who, time, km) in [(RU, "14:30", 0.0), (TR, "15:10", 1.5), (TR, "15:00", 40.0)] {
        let mut report = shelling(day, time, km, civilians());
        report.location.lat += 0.000_123_456_789;
        node.say(who, StatementBody::ReportFiled(ReportFiled { report }))
            .await;
    }
    let csv = |edition: &str| format!("/api/v1/bulletin?date={day}&format=csv&edition={edition}");
    let geojson =
        |edition: &str| format!("/api/v1/incidents.geojson?from={day}&to={day}&edition={edition}");
    let reports = format!("/api/v1/reports?from={day}&to={day}");
    let get = |uri: String, who: Who| {
        let node = &node;
        async move {
            let answer = node.get(&uri, who).await;
            assert!(answer.status.is_success(), "{uri}: {}", answer.text);
            answer
        }
    };
    let views: Vec<View> = vec![
        {
            let (internal, _) = csv_facts(&get(csv("internal"), Who::Guarantor).await.text);
            let (public, points) = csv_facts(&get(csv("public"), Who::Public).await.text);
            ("csv", internal, public, points)
        },
        {
            let (internal, _) =
                geojson_facts(&get(geojson("internal"), Who::Guarantor).await.json());
            let (public, points) = geojson_facts(&get(geojson("public"), Who::Public).await.json());
            ("geojson", internal, public, points)
        },
        {
            let (internal, _) = reports_facts(&get(reports.clone(), Who::Guarantor).await.json());
            let (public, points) = reports_facts(&get(reports.clone(), Who::Public).await.json());
            ("reports", internal, public, points)
        },
    ];
    for (name, internal, public, _) in &views {
        let hidden: Vec<&str> = internal
            .keys()
            .filter(|fact| !public.contains_key(*fact))
            .copied()
            .collect();
        assert!(!hidden.is_empty(), "{name} hides nothing");
        for (other, _, other_public, _) in &views {
            for fact in &hidden {
                assert!(
                    !other_public.contains_key(fact),
                    "{name} hides {fact} from the public, {other} shows it: {:?}",
                    other_public[fact]
                );
            }
        }
    }
    // Two incidents, at the same rounded points in every view.
    let mut points: Vec<Vec<(f64, f64)>> = views.iter().map(|v| v.3.clone()).collect();
    for p in &mut points {
        p.sort_by(|a, b| a.partial_cmp(b).unwrap());
        assert_eq!(p.len(), 2);
        for (lon, lat) in p.iter() {
            let most = usize::from(PublicViews::default().coordinate_decimals);
            assert!(
                decimals(*lon) <= most && decimals(*lat) <= most,
                "{lon}, {lat}"
            );
        }
    }
    assert_eq!(points[0], points[1], "csv and geojson");
    assert_eq!(points[0], points[2], "csv and reports");
    assert_eq!(points[0][0], (36.65, 35.44));
}

/// Which guarantors' bulletin counts hold a report's governorate and type:
/// a report with exactly one is attributable to that party.
fn attributable(bulletin: &Value, reports: &Value, guarantors: &[&str]) -> usize {
    let parties = bulletin["parties"].as_array().unwrap();
    reports["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|report| {
            if report["party"].is_string() {
                return true;
            }
            let governorate = report["governorate"].as_str().unwrap();
            let kind = report["fields"]["type"].as_str().unwrap();
            let holding: Vec<&str> = parties
                .iter()
                .filter(|tally| {
                    tally["by_governorate"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|g| g["code"] == governorate && g["count"].as_u64() > Some(0))
                        && tally["by_type"][kind].as_u64() > Some(0)
                })
                .filter_map(|tally| tally["party"].as_str())
                .filter(|party| guarantors.contains(party))
                .collect();
            holding.len() == 1
        })
        .count()
}

/// What the public may know of who filed what is one setting in the
/// Record: by default each guarantor's counts, its reports' party and the
/// CSV say it alike; when the mechanism keeps it private, no public view
/// tells it, and joining the public bulletin with the public reports
/// attributes none of them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_filed_what_is_public_or_private_alike_in_every_public_view() {
    let guarantors = ["Russian Federation", "Republic of Türkiye"];
    for filing_party in [true, false] {
        let config = RegisterConfig {
            public: PublicViews {
                filing_party,
                coordinate_decimals: 3,
            },
            ..RegisterConfig::default()
        };
        let mut node = Node::founded_with(Some(config)).await;
        let day = yesterday();
        // Each party alone in its own governorate and type: the join the
        // public could make.
        for (who, time, km) in [(RU, "09:00", 0.0), (TR, "10:00", 200.0)] {
            let report = shelling(day, time, km, Actor::Unknown("civilians".into()));
            node.say(who, StatementBody::ReportFiled(ReportFiled { report }))
                .await;
        }
        let bulletin = node
            .get(&format!("/api/v1/bulletin?date={day}"), Who::Public)
            .await
            .json();
        let reports = node
            .get(&format!("/api/v1/reports?from={day}&to={day}"), Who::Public)
            .await
            .json();
        let csv = node
            .get(
                &format!("/api/v1/bulletin?date={day}&format=csv&edition=public"),
                Who::Public,
            )
            .await
            .text;
        let (csv_facts, csv_points) = csv_facts(&csv);
        let named = attributable(&bulletin, &reports, &guarantors);
        if filing_party {
            assert_eq!(named, 2, "{bulletin}");
            assert!(csv_facts.contains_key("party"), "{csv}");
        } else {
            assert_eq!(named, 0, "{bulletin} {reports}");
            assert!(!csv_facts.contains_key("party"), "{csv}");
            let tallies = bulletin["parties"].as_array().unwrap();
            assert_eq!(tallies.len(), 1, "{bulletin}");
            assert_eq!(tallies[0]["party"], truce_regime::ALL_GUARANTORS);
            assert_eq!(tallies[0]["registered"], 2);
            // Members still see each party's register.
            let internal = node
                .get(
                    &format!("/api/v1/bulletin?date={day}&edition=internal"),
                    Who::Guarantor,
                )
                .await
                .json();
            assert!(
                internal["parties"].as_array().unwrap().len() >= 3,
                "{internal}"
            );
        }
        // The coordinates follow the same setting: three decimals here.
        for (lon, lat) in csv_points {
            assert!(decimals(lon) <= 3 && decimals(lat) <= 3, "{lon}, {lat}");
        }
    }
}
