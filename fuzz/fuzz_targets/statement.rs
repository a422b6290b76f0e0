//! Statement bytes and Merkle leaves from outside: decoded (canonical form,
//! control characters, body validation), then admitted into a founded
//! mechanism under the membership rules and the register's rules. The
//! statement is signed here with a founder's key, so what the fuzzer
//! changes reaches the rules behind the signature check.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use truce_model::{
    Actor, FormationId, FormationRegistered, FoundingMember, Genesis, GeoPrecision, Location,
    MemberName, Note, Party, RegisterConfig, ReportFields, ReportFiled, Role, Side, Source,
    SourceKind, TimePrecision, ViolationType,
};
use truce_record::{Body, Candidate, MemberKey, Registry, SignedStatement, Statement};
use truce_regime::Register;

/// The founders' keys, from fixed seeds so the corpus can name them.
fn key(n: u8) -> MemberKey {
    MemberKey::from_seed([n; 32])
}

fn founder(name: &str, party: &str, role: Role, n: u8) -> FoundingMember {
    FoundingMember {
        member: MemberName::new(name).unwrap(),
        party: Party::new(party).unwrap(),
        role,
        public_key: key(n).public_key(),
    }
}

/// A mechanism just founded: the genesis admitted under the register's
/// rules. Built for each input that reaches admission (`Register` is not
/// `Clone`); the genesis is signed once.
fn founded() -> (Registry, Register) {
    static GENESIS: OnceLock<SignedStatement> = OnceLock::new();
    let signed = GENESIS.get_or_init(|| {
        let genesis = Genesis {
            mechanism: "Fuzz mechanism".into(),
            log_origin: "truce.test/fuzz".into(),
            node_key: "unused".into(),
            operator: founder("operator", "Secretariat", Role::Operator, 1),
            members: vec![
                founder("tr-1", "Republic of Türkiye", Role::GuarantorMember, 2),
                founder("ru-1", "Russian Federation", Role::GuarantorMember, 3),
                founder("obs-1", "Observers", Role::Observer, 4),
            ],
            witnesses: vec![],
            witness_quorum: 0,
            register: None,
        };
        let time = "2026-11-25T12:00:00Z".parse().unwrap();
        let operator = key(1);
        let statement = Statement::new(operator.key_id(), 0, time, Body::Genesis(genesis));
        operator.sign(&statement)
    });
    let mut candidate = Candidate::decode(signed.clone()).unwrap();
    let mut registry = Registry::new();
    let mut register = Register::new(
        RegisterConfig::default(),
        truce_gazetteer::Gazetteer::syria(),
    );
    registry.admit_with(&mut candidate, &mut register).unwrap();
    (registry, register)
}

/// Seed statements by tr-1 (key 2) at its first sequence number: a note,
/// a formation and a report, each in its canonical bytes.
fn seeds() -> Vec<(&'static str, Vec<u8>)> {
    let time = "2026-11-25T13:00:00Z".parse().unwrap();
    let tr = key(2);
    let statement = |body| Statement::new(tr.key_id(), 0, time, body).to_bytes();
    let report = ReportFields {
        occurred: "2026-11-20T14:30".parse().unwrap(),
        time_precision: TimePrecision::Hour,
        location: Location {
            lat: 35.4414,
            lon: 36.6497,
            precision: GeoPrecision::Exact,
            place: "Khan Shaykhun".into(),
        },
        violation_type: ViolationType::Shelling,
        clause: None,
        perpetrator: Actor::Unknown("artillery".into()),
        target: Actor::Unknown("civilians".into()),
        casualties: vec![],
        sources: vec![Source {
            kind: SourceKind::OwnObservation,
            description: "observation post".into(),
        }],
        evidence: vec![],
        narrative: "Artillery fire on the town – “Khan Shaykhun”.".into(),
        observation: None,
    };
    vec![
        (
            "note",
            statement(Body::Note(Note {
                text: "calm in Idlib".into(),
                refers_to: vec![0],
            })),
        ),
        (
            "formation",
            statement(Body::FormationRegistered(FormationRegistered {
                formation: FormationId::new("jaysh-al-izza").unwrap(),
                name: "Jaysh al-Izza".into(),
                aliases: vec!["جيش العزة".into()],
                side: Side::Opposition,
            })),
        ),
        (
            "report",
            statement(Body::ReportFiled(ReportFiled { report })),
        ),
    ]
}

fuzz_target!(|data: &[u8]| {
    // `TRUCE_FUZZ_WRITE_SEEDS=DIR` writes the seed statements into DIR.
    static WRITE_SEEDS: OnceLock<()> = OnceLock::new();
    WRITE_SEEDS.get_or_init(|| {
        if let Some(dir) = std::env::var_os("TRUCE_FUZZ_WRITE_SEEDS") {
            for (name, bytes) in seeds() {
                let path = std::path::Path::new(&dir).join(format!("seed-{name}.json"));
                std::fs::write(path, bytes).unwrap();
            }
        }
    });
    // As a leaf (bytes ‖ signature), the way mirrors and replays read entries.
    if let Ok(signed) = SignedStatement::from_leaf(data) {
        if let Ok(mut candidate) = Candidate::decode(signed) {
            let (mut registry, mut register) = founded();
            let _ = registry.admit_with(&mut candidate, &mut register);
        }
    }
    // As statement bytes, signed by whichever founder it names.
    let Ok(statement) = Statement::from_bytes(data) else {
        return;
    };
    let Some(signer) = (1..=4).map(key).find(|k| k.key_id() == statement.author) else {
        return;
    };
    let signed = SignedStatement::new(data.to_vec(), signer.sign_bytes(data));
    let mut candidate = Candidate::decode(signed).expect("decoded once already");
    let (mut registry, mut register) = founded();
    let now = statement.time;
    let _ = truce_record::Rules::check_arrival(&register, &statement, now);
    if registry.admit_with(&mut candidate, &mut register).is_ok() {
        // What the register derived from it must be readable.
        let _ = register.latest_report_date();
        let _ = register.reports().count() + register.formations().count();
    }
});
