//! The register's state saved as bytes and read back must be the state it
//! was: equal part by part, giving the same incidents, findings and
//! bulletin, and going on from there as the state that was never saved
//! does. Bytes of another format, or saved under another configuration,
//! are refused.

use bytes::Bytes;
use truce_model::{
    Actor, Assessment, FormationId, IncidentLink, Position, RegisterConfig, ReportAmended,
    ReportFiled, ReportId, ReportWithdrawn, ViolationType,
};
use truce_record::{Body, Rules};
use truce_regime::{Edition, Register};
use truce_testkit::{reports, Mechanism, Rng, IR, RU, TR};

fn findings(register: &Register) -> Vec<String> {
    register
        .all_findings()
        .iter()
        .map(|f| format!("{f:?}"))
        .collect()
}

fn bytes_of(register: &Register) -> Vec<Vec<u8>> {
    register
        .to_saved()
        .map(|blob| blob.into_bytes().unwrap())
        .collect()
}

fn incidents(register: &Register) -> Vec<Vec<ReportId>> {
    register
        .incidents()
        .into_iter()
        .map(|i| i.reports)
        .collect()
}

/// A statement of the reports part, at random: mostly reports near one
/// another, and links, amendments, withdrawals and assessments of them.
fn next_body(rng: &mut Rng, filed: &[u64]) -> Body {
    let report = |rng: &mut Rng| {
        let at = format!("2026-11-20T06:{:02}", rng.below(50))
            .parse()
            .unwrap();
        let mut fields = reports::near_khan_shaykhun(at, rng.unit() * 6.0);
        // What judging reads of a report varies too: its type and the
        // formations it names.
        fields.violation_type = *rng.pick(&[ViolationType::Shelling, ViolationType::AirStrike]);
        let formation = |rng: &mut Rng| {
            let name = *rng.pick(&["hts", "syrian-arab-army", "unknown"]);
            match name {
                "unknown" => Actor::Unknown("unidentified armed group".into()),
                name => Actor::Formation(FormationId::new(name).unwrap()),
            }
        };
        fields.target = formation(rng);
        fields.perpetrator = formation(rng);
        fields
    };
    if filed.len() < 2 || rng.chance(0.5) {
        return Body::ReportFiled(ReportFiled {
            report: report(rng),
        });
    }
    let some = ReportId(*rng.pick(filed));
    match rng.below(4) {
        0 => {
            let other = ReportId(*rng.pick(filed));
            Body::IncidentLinked(IncidentLink {
                report: some,
                with: (rng.chance(0.5) && other != some).then_some(other),
                reason: "seen from the same post".into(),
            })
        }
        1 => Body::ReportAmended(ReportAmended {
            amends: some,
            report: report(rng),
            reason: "the time was corrected".into(),
        }),
        2 => Body::ReportWithdrawn(ReportWithdrawn {
            withdraws: some,
            reason: "filed twice".into(),
        }),
        _ => Body::Assessment(Assessment {
            incident: some,
            position: if rng.chance(0.7) {
                Position::Confirmed
            } else {
                Position::Disputed
            },
            attributed_to: None,
            reason: "seen by our post".into(),
            references: vec![],
        }),
    }
}

#[test]
fn a_saved_register_reads_back_as_the_same_state_and_goes_on_alike() {
    for seed in 0..60u64 {
        let mut rng = Rng::new(seed);
        // `saved` is replaced, halfway, by its own state read back from bytes.
        let (mut saved, mut never) = (Mechanism::new(), Mechanism::new());
        let mut filed: Vec<u64> = Vec::new();
        for step in 0..24 {
            let body = next_body(&mut rng, &filed);
            let who = *rng.pick(&[RU, TR, IR]);
            let filing = matches!(body, Body::ReportFiled(_));
            // Both sign with the same time: a state keeps when each report
            // last changed.
            let time: jiff::Timestamp = "2026-11-20T04:00:00Z".parse().unwrap();
            let time = time + jiff::SignedDuration::from_mins(step);
            let admitted = saved.say_at(who, time, body.clone());
            assert_eq!(admitted.is_ok(), never.say_at(who, time, body).is_ok());
            match admitted {
                Ok(position) if filing => filed.push(position),
                _ => {}
            }
            saved.register.settle();
            never.register.settle();
            if step == 12 {
                let blobs = bytes_of(&saved.register);
                let read_back = saved
                    .register
                    .fresh()
                    .from_saved(&mut blobs.into_iter().map(Bytes::from))
                    .unwrap();
                // Saved again before anything of it is read: the parts kept
                // as read (the grouping's grid) are written as they were.
                let read_again = saved
                    .register
                    .fresh()
                    .from_saved(&mut bytes_of(&read_back).into_iter().map(Bytes::from))
                    .unwrap();
                // Judged from the runs' columns of facts, no report decoded.
                assert_eq!(findings(&read_again), findings(&saved.register));
                assert!(read_back == saved.register, "seed {seed}: read back");
                assert!(read_again == saved.register, "seed {seed}: read back twice");
                saved.register = read_back;
            }
        }
        assert!(saved.register == never.register, "seed {seed}: went on");
        assert_eq!(incidents(&saved.register), incidents(&never.register));
        assert_eq!(findings(&saved.register), findings(&never.register));
        let day = "2026-11-20".parse().unwrap();
        let bulletin = |register: &Register| {
            let bulletin = register.bulletin("Test", day, day, Edition::Internal);
            serde_json::to_string(&bulletin).unwrap()
        };
        assert_eq!(bulletin(&saved.register), bulletin(&never.register));
    }
}

#[test]
fn bytes_of_another_format_or_another_configuration_are_refused() {
    let mut mechanism = Mechanism::new();
    mechanism
        .say(
            RU,
            Body::ReportFiled(ReportFiled {
                report: reports::near_khan_shaykhun("2026-11-20T06:10".parse().unwrap(), 1.0),
            }),
        )
        .unwrap();
    let blobs = bytes_of(&mechanism.register);
    let read = |blobs: Vec<Vec<u8>>, register: &Register| {
        register
            .from_saved(&mut blobs.into_iter().map(Bytes::from))
            .map(|_| ())
            .unwrap_err()
            .to_string()
    };

    let mut other_format = blobs.clone();
    other_format[0][0] ^= 1;
    let refusal = read(other_format, &mechanism.register);
    assert!(refusal.contains("format"), "{refusal}");

    let cut = read(blobs[..2].to_vec(), &mechanism.register);
    assert!(cut.contains("fewer parts"), "{cut}");
    // The grouping's columns (the fifth blob) are three of equal length.
    let mut uneven = blobs.clone();
    uneven[4].extend_from_slice(&[0; 8]);
    let refusal = read(uneven, &mechanism.register);
    assert!(refusal.contains("grouping's columns"), "{refusal}");
    let mut damaged = blobs.clone();
    let last = damaged.last_mut().unwrap();
    last.truncate(last.len() / 2);
    let refusal = read(damaged, &mechanism.register);
    assert!(refusal.contains("reports"), "{refusal}");

    let mut config = RegisterConfig::default();
    config.grouping.max_distance_km += 1.0;
    let other = Mechanism::with_config(config).register;
    let refusal = read(blobs, &other);
    assert!(refusal.contains("configuration"), "{refusal}");

    // The rules' interface: nothing saved is no state.
    assert!(mechanism.register.restore(&mut std::iter::empty()).is_err());
}
