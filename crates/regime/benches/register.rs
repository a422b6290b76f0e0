//! The register at scale: `TRUCE_BENCH_REPORTS` reports (default 1,000,000)
//! over two years from three guarantors, taken in through the same rules the
//! node applies, then: grouping all reports from scratch, the daily
//! bulletin, and a filtered query (one governorate, one month).
//! Signatures are not part of this measure (see the store's bench).

use std::time::Instant;

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use truce_gazetteer::Gazetteer;
use truce_model::{
    Actor, Assessment, FormationId, FormationRegistered, FormationStatus, FormationStatusChanged,
    GeoPrecision, Location, Position, ReportFields, ReportFiled, ReportId, Side, Source,
    SourceKind, TimePrecision, ViolationType,
};
use truce_record::{Body, Candidate, MemberKey, Registry, Rules, SignedStatement, Statement};
use truce_regime::{Criteria, Edition, Register, RegisterConfig};
use truce_testkit::{Founders, Rng};

const CRITERIA: &str = include_str!("../../../data/criteria/example.toml");

fn admit(registry: &mut Registry, register: &mut Register, key: &MemberKey, seq: u64, body: Body) {
    let statement = Statement::new(key.key_id(), seq, Timestamp::now(), body);
    // Signatures are checked in the store's benchmark; here only the rules.
    let signed = SignedStatement::new(statement.to_bytes(), [0; 64]);
    let mut candidate = Candidate::decode(signed)
        .unwrap()
        .assume_signature_checked();
    registry.admit_with(&mut candidate, register).unwrap();
}

fn main() {
    let total: usize = std::env::var("TRUCE_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let gazetteer = Gazetteer::syria();
    // The operator and one guarantor of each party, at places 0 to 3.
    let founders = Founders::guarantors(3);
    let mut registry = Registry::new();
    let mut register = Register::new(RegisterConfig::default(), gazetteer);
    let genesis = founders.genesis("unused", None);
    admit(
        &mut registry,
        &mut register,
        founders.key(0),
        0,
        Body::Genesis(genesis),
    );
    let mut seqs = [0u64; 4];
    seqs[0] = 1;
    let formations: Vec<FormationId> = (0..20)
        .map(|i| FormationId::new(format!("formation-{i}")).unwrap())
        .collect();
    for formation in &formations {
        let registered = Body::FormationRegistered(FormationRegistered {
            formation: formation.clone(),
            name: formation.to_string(),
            aliases: vec![],
            side: Side::Opposition,
        });
        admit(
            &mut registry,
            &mut register,
            founders.key(1),
            seqs[1],
            registered,
        );
        seqs[1] += 1;
        let joined = Body::FormationStatusChanged(FormationStatusChanged {
            formation: formation.clone(),
            status: FormationStatus::Joined,
            valid_from: "2016-12-30".parse().unwrap(),
            reference: "ceasefire agreement".into(),
        });
        admit(
            &mut registry,
            &mut register,
            founders.key(1),
            seqs[1],
            joined,
        );
        seqs[1] += 1;
    }
    let confirmed_every: usize = (total / 10_000).max(1);
    let mut confirmations = 0usize;

    let places: Vec<_> = gazetteer
        .places()
        .iter()
        .filter(|p| gazetteer.contains(p.lon, p.lat))
        .collect();
    let first_day: Date = "2024-11-01".parse().unwrap();
    let days = 730;
    let mut rng = Rng::new(42);
    let started = Instant::now();
    for i in 0..total {
        let who = 1 + i % 3;
        let place = places[rng.below(places.len())];
        let day = first_day
            .checked_add((rng.below(days) as i64).days())
            .unwrap();
        let (mut lat, mut lon) = (
            place.lat + (rng.unit() - 0.5) * 0.01,
            place.lon + (rng.unit() - 0.5) * 0.01,
        );
        if !gazetteer.contains(lon, lat) {
            (lat, lon) = (place.lat, place.lon);
        }
        let report = ReportFields {
            occurred: day.at(rng.below(24) as i8, rng.below(60) as i8, 0, 0),
            time_precision: TimePrecision::Hour,
            location: Location {
                lat,
                lon,
                precision: GeoPrecision::Near,
                place: place.name.clone(),
            },
            violation_type: [
                ViolationType::Shelling,
                ViolationType::SmallArms,
                ViolationType::AirStrike,
            ][rng.below(3)],
            clause: None,
            perpetrator: if i % confirmed_every == 0 {
                Actor::Formation(formations[i % formations.len()].clone())
            } else {
                Actor::Unknown("unidentified".into())
            },
            target: Actor::Unknown("civilian area".into()),
            casualties: vec![],
            sources: vec![Source {
                kind: SourceKind::Monitor,
                description: "team".into(),
            }],
            evidence: vec![],
            narrative: "Fire reported.".into(),
            observation: None,
        };
        let position = registry.size();
        admit(
            &mut registry,
            &mut register,
            founders.key(who),
            seqs[who],
            Body::ReportFiled(ReportFiled { report }),
        );
        seqs[who] += 1;
        if i % confirmed_every == 0 {
            // The two other guarantors confirm: a confirmed violation under unanimity.
            for other in (1..4).filter(|o| *o != who) {
                let assessment = Body::Assessment(Assessment {
                    incident: ReportId(position),
                    position: Position::Confirmed,
                    attributed_to: Some(formations[i % formations.len()].clone()),
                    reason: "seen".into(),
                    references: vec![],
                });
                admit(
                    &mut registry,
                    &mut register,
                    founders.key(other),
                    seqs[other],
                    assessment,
                );
                seqs[other] += 1;
            }
            confirmations += 1;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "take in {total} reports (decode, rules, incremental grouping): {seconds:.1} s = {:.0}/s",
        total as f64 / seconds
    );

    println!("{confirmations} reports confirmed by all three guarantors");
    let criteria = Criteria::from_toml(CRITERIA).unwrap();
    let started = Instant::now();
    let mut failing = 0;
    for s in 0..20i64 {
        let date = first_day.checked_add((40 + s * 30).days()).unwrap();
        failing += register
            .compliance(&criteria, date)
            .iter()
            .filter(|c| !c.complies)
            .count();
    }
    println!(
        "compliance of all {} formations on a date: {:.2} ms each (mean of 20; {} failing on average)",
        formations.len(),
        started.elapsed().as_secs_f64() * 1e3 / 20.0,
        failing / 20
    );

    let started = Instant::now();
    let incidents = register.incidents_from_scratch();
    println!(
        "group all {total} reports from scratch: {:.2} s ({} incidents)",
        started.elapsed().as_secs_f64(),
        incidents.len()
    );

    let started = Instant::now();
    let kept = register.incidents().len();
    println!(
        "list incidents from the kept grouping: {:.1} ms ({kept})",
        started.elapsed().as_secs_f64() * 1e3
    );

    // What the first map view after an append pays: every finding of the
    // state and the map's index of them, first for the state as filed,
    // then again after one more report.
    let derive = |register: &Register| {
        let t = Instant::now();
        let findings = register.all_findings().len();
        let findings_ms = t.elapsed().as_secs_f64() * 1e3;
        let t = Instant::now();
        let mapped = register.map_index().len();
        let map_ms = t.elapsed().as_secs_f64() * 1e3;
        (findings, findings_ms, mapped, map_ms)
    };
    let (findings, findings_ms, mapped, map_ms) = derive(&register);
    println!(
        "every finding ({findings}) and the map's index ({mapped}) of a state: {findings_ms:.1} ms + {map_ms:.1} ms"
    );
    let mut one_more = register.snapshot();
    let mut one_more_registry = registry.clone();
    let last = register
        .report_ids_in(
            "SY-ID",
            first_day,
            first_day.checked_add((days as i64).days()).unwrap(),
        )
        .last();
    if let Some(report) = last.and_then(|id| register.report(id)) {
        let again = Body::ReportFiled(ReportFiled {
            report: report.fields.clone(),
        });
        admit(
            &mut one_more_registry,
            &mut one_more,
            founders.key(2),
            seqs[2],
            again,
        );
    }
    let (findings, findings_ms, mapped, map_ms) = derive(&one_more);
    println!(
        "the same after one more report ({findings} findings, {mapped} on the map): {findings_ms:.1} ms + {map_ms:.1} ms"
    );

    let samples: usize = std::env::var("TRUCE_BENCH_SAMPLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let started = Instant::now();
    let mut registered = 0;
    for s in 0..samples {
        let day = first_day
            .checked_add(((100 + (s % 20) * 30) as i64).days())
            .unwrap();
        let bulletin = register.bulletin("Bench", day, day, Edition::Internal);
        registered += bulletin.parties.iter().map(|p| p.registered).sum::<usize>();
    }
    println!(
        "daily bulletin: {:.2} ms each (mean of {samples}, {} reports a day)",
        started.elapsed().as_secs_f64() * 1e3 / samples as f64,
        registered / samples as usize
    );

    let (mut ids_time, mut group_time, mut finding_time) = (0.0, 0.0, 0.0);
    let mut found = 0;
    for s in 0..samples {
        let from = first_day
            .checked_add((((s % 20) * 30) as i64).days())
            .unwrap();
        let to = from.checked_add(29.days()).unwrap();
        let t = Instant::now();
        let ids: Vec<_> = register.report_ids_in("SY-ID", from, to).collect();
        ids_time += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let incidents = register.incidents_of(ids);
        group_time += t.elapsed().as_secs_f64();
        let t = Instant::now();
        found += incidents
            .iter()
            .map(|i| register.finding(i))
            .filter(|f| !f.positions.is_empty())
            .count();
        finding_time += t.elapsed().as_secs_f64();
    }
    let per = |t: f64| t * 1e3 / samples as f64;
    println!(
        "filtered incidents (Idlib, one month) with findings: {:.2} ms each (ids {:.2}, incidents {:.2}, findings {:.2}; mean of {samples}, {} incidents)",
        per(ids_time + group_time + finding_time),
        per(ids_time),
        per(group_time),
        per(finding_time),
        found / samples
    );
}
