//! The demo's register: real formations of the Syrian conflict with their
//! standing in the ceasefire regime, and four weeks of generated reports,
//! incidents and assessments. Generated from a fixed seed, so every run
//! tells the same story (only keys and signatures differ).

use jiff::civil::{Date, DateTime};
use jiff::ToSpan;
use truce_gazetteer::Gazetteer;
use truce_model::{
    Actor, Assessment, Casualties, DecisionProposed, DecisionType, FormationId,
    FormationRegistered, FormationStatus, FormationStatusChanged, GeoPrecision, Location, Outcome,
    PersonStatus, Position, ReportFields, ReportFiled, ReportId, Side, Source, SourceKind,
    TimePrecision, ViolationType, Vote,
};
use truce_record::Body;
use truce_testkit::Rng;

/// (id, name, aliases, side, status, since)
type FormationRow = (
    &'static str,
    &'static str,
    &'static [&'static str],
    Side,
    FormationStatus,
    &'static str,
);

const CEASEFIRE: &str = "Nationwide ceasefire agreement of 30 December 2016";
const DESIGNATION: &str = "UN Security Council designation, excluded from the ceasefire";

pub const FORMATIONS: [FormationRow; 20] = [
    (
        "saa",
        "Syrian Arab Army",
        &["SAA", "government forces"],
        Side::Government,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "ndf",
        "National Defence Forces",
        &["NDF"],
        Side::Government,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "fsa",
        "Free Syrian Army",
        &["FSA"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "jaysh-al-islam",
        "Jaysh al-Islam",
        &["Army of Islam"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "ahrar-al-sham",
        "Ahrar al-Sham",
        &["Harakat Ahrar al-Sham al-Islamiyya"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "faylaq-al-sham",
        "Faylaq al-Sham",
        &["Sham Legion"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "faylaq-al-rahman",
        "Faylaq al-Rahman",
        &["Al-Rahman Legion"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "jaysh-al-izza",
        "Jaysh al-Izza",
        &["Army of Glory"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "jaysh-al-nasr",
        "Jaysh al-Nasr",
        &["Army of Victory"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "zenki",
        "Nour al-Din al-Zenki Movement",
        &["Zenki"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "levant-front",
        "Levant Front",
        &["al-Jabha al-Shamiya"],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "sultan-murad",
        "Sultan Murad Division",
        &[],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "hamza-division",
        "Hamza Division",
        &[],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "southern-front",
        "Southern Front",
        &[],
        Side::Opposition,
        FormationStatus::Joined,
        "2016-12-30",
    ),
    (
        "sdf",
        "Syrian Democratic Forces",
        &["SDF", "QSD"],
        Side::KurdishLed,
        FormationStatus::Suspended,
        "2026-11-01",
    ),
    (
        "ypg",
        "People's Protection Units",
        &["YPG"],
        Side::KurdishLed,
        FormationStatus::Suspended,
        "2026-11-01",
    ),
    (
        "hts",
        "Hayat Tahrir al-Sham",
        &["HTS", "Jabhat al-Nusra", "Jabhat Fatah al-Sham"],
        Side::Other,
        FormationStatus::Excluded,
        "2016-12-30",
    ),
    (
        "isil",
        "Islamic State",
        &["ISIL", "ISIS", "Daesh"],
        Side::Other,
        FormationStatus::Excluded,
        "2016-12-30",
    ),
    (
        "hurras-al-din",
        "Hurras al-Din",
        &["Guardians of Religion"],
        Side::Other,
        FormationStatus::Excluded,
        "DEMO-DESIGNATION",
    ),
    (
        "tip",
        "Turkistan Islamic Party",
        &["TIP"],
        Side::Other,
        FormationStatus::Excluded,
        "2016-12-30",
    ),
];

/// Statements that register the formations; `designation_day` is when
/// Hurras al-Din is designated, inside the demo's weeks, so the bulletin
/// shows strikes on it before and after.
pub fn formation_statements(designation_day: Date) -> Vec<Body> {
    let mut bodies = Vec::new();
    for (id, name, aliases, side, status, since) in FORMATIONS {
        let formation = FormationId::new(id).expect("valid ids");
        bodies.push(Body::FormationRegistered(FormationRegistered {
            formation: formation.clone(),
            name: name.to_string(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            side,
        }));
        let (valid_from, reference) = match since {
            "DEMO-DESIGNATION" => (designation_day, DESIGNATION),
            date => (
                date.parse().expect("valid dates"),
                if status == FormationStatus::Excluded {
                    DESIGNATION
                } else {
                    CEASEFIRE
                },
            ),
        };
        let reference = if status == FormationStatus::Suspended {
            "Demo: suspended pending the withdrawal of heavy weapons from the separation line"
        } else {
            reference
        };
        bodies.push(Body::FormationStatusChanged(FormationStatusChanged {
            formation,
            status,
            valid_from,
            reference: reference.to_string(),
        }));
    }
    bodies
}

/// Where reports come from: governorates along the front lines, weighted.
const HOTSPOTS: [(&str, u64); 7] = [
    ("SY-ID", 9),
    ("SY-HM", 5),
    ("SY-HL", 5),
    ("SY-LA", 3),
    ("SY-DR", 2),
    ("SY-RD", 2),
    ("SY-DY", 1),
];

const TYPES: [(ViolationType, u64); 6] = [
    (ViolationType::Shelling, 8),
    (ViolationType::SmallArms, 5),
    (ViolationType::AirStrike, 2),
    (ViolationType::GroundAssault, 1),
    (ViolationType::Ied, 1),
    (ViolationType::ForcesMovement, 1),
];

/// A draw in `0..n` as the demo has always drawn it (the remainder of the
/// generator's next number), so that its Record stays the one every test
/// and screenshot of it was written against.
fn roll(rng: &mut Rng, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}

fn pick<'a, T>(rng: &mut Rng, items: &'a [T]) -> &'a T {
    &items[roll(rng, items.len())]
}

fn weighted<T: Copy>(rng: &mut Rng, items: &[(T, u64)]) -> T {
    let total: u64 = items.iter().map(|(_, w)| w).sum();
    let mut roll = roll(rng, total as usize) as u64;
    for (item, weight) in items {
        if roll < *weight {
            return *item;
        }
        roll -= weight;
    }
    items[0].0
}

/// One generated event: what a guarantor files about it.
pub struct GeneratedReport {
    pub guarantor: usize,
    pub fields: ReportFields,
    /// Another guarantor that saw the same event, filing a few minutes later.
    pub also_seen_by: Option<usize>,
}

pub fn reports_for_day(rng: &mut Rng, day: Date, guarantors: usize) -> Vec<GeneratedReport> {
    let gazetteer = Gazetteer::syria();
    let mut reports = Vec::new();
    for guarantor in 0..guarantors {
        for _ in 0..2 + roll(rng, 5) {
            let governorate = weighted(rng, &HOTSPOTS);
            // Only places whose point lies inside the (simplified) boundary.
            let places: Vec<_> = gazetteer
                .places()
                .iter()
                .filter(|p| p.governorate == governorate && gazetteer.contains(p.lon, p.lat))
                .collect();
            if places.is_empty() {
                continue;
            }
            let place = *pick(rng, &places);
            let violation_type = weighted(rng, &TYPES);
            let occurred = day.at(5 + roll(rng, 17) as i8, (roll(rng, 4) * 15) as i8, 0, 0);
            let fields = report_fields(rng, occurred, place, violation_type);
            let also_seen_by = (roll(rng, 4) == 0)
                .then(|| (guarantor + 1 + roll(rng, guarantors - 1)) % guarantors);
            reports.push(GeneratedReport {
                guarantor,
                fields,
                also_seen_by,
            });
        }
    }
    reports
}

fn report_fields(
    rng: &mut Rng,
    occurred: DateTime,
    place: &truce_gazetteer::Place,
    violation_type: ViolationType,
) -> ReportFields {
    // Within about a kilometre of the place's centre, unless that would
    // leave the country (the coast, a border town).
    let mut lat = place.lat + (rng.unit() - 0.5) * 0.015;
    let mut lon = place.lon + (rng.unit() - 0.5) * 0.015;
    if !Gazetteer::syria().contains(lon, lat) {
        (lat, lon) = (place.lat, place.lon);
    }
    let perpetrator = match roll(rng, 5) {
        0 => Actor::Formation(FormationId::new(*pick(rng, &["saa", "ndf"])).expect("valid")),
        1 => Actor::Formation(
            FormationId::new(*pick(
                rng,
                &["hts", "ahrar-al-sham", "jaysh-al-izza", "faylaq-al-sham"],
            ))
            .expect("valid"),
        ),
        _ => Actor::Unknown("unidentified armed group".into()),
    };
    let target = match roll(rng, 6) {
        0 => Actor::Formation(
            FormationId::new(*pick(rng, &["hts", "hurras-al-din", "tip"])).expect("valid"),
        ),
        1 => Actor::Formation(
            FormationId::new(*pick(rng, &["saa", "fsa", "levant-front"])).expect("valid"),
        ),
        _ => Actor::Unknown("civilian area".into()),
    };
    let mut casualties = Vec::new();
    if roll(rng, 3) == 0 {
        let best = 1 + roll(rng, 4) as u32;
        casualties.push(Casualties {
            outcome: if roll(rng, 3) == 0 {
                Outcome::Killed
            } else {
                Outcome::Injured
            },
            status: if roll(rng, 2) == 0 {
                PersonStatus::Civilian
            } else {
                PersonStatus::Combatant
            },
            low: best.saturating_sub(1).max(1),
            best,
            high: best + roll(rng, 3) as u32,
        });
    }
    let source = *pick(
        rng,
        &[
            (SourceKind::OwnObservation, "observation post"),
            (SourceKind::Monitor, "mobile monitoring team"),
            (SourceKind::LocalContact, "local council contact"),
            (SourceKind::Media, "local media report"),
        ],
    );
    ReportFields {
        occurred,
        time_precision: TimePrecision::Hour,
        location: Location {
            lat,
            lon,
            precision: GeoPrecision::Near,
            place: place.name.clone(),
        },
        violation_type,
        clause: None,
        perpetrator,
        target,
        casualties,
        sources: vec![Source {
            kind: source.0,
            description: source.1.into(),
        }],
        evidence: vec![],
        narrative: format!(
            "{} reported near {} at {}.",
            violation_type.describe(),
            place.name,
            occurred.strftime("%H:%M")
        ),
        observation: None,
    }
}

/// The same event as seen from another post: a little later, a little off.
pub fn seen_again(rng: &mut Rng, fields: &ReportFields) -> ReportFields {
    let mut again = fields.clone();
    again.occurred = fields
        .occurred
        .checked_add((10 + roll(rng, 40) as i64).minutes())
        .unwrap_or(fields.occurred);
    let (lat, lon) = (
        fields.location.lat + (rng.unit() - 0.5) * 0.01,
        fields.location.lon + (rng.unit() - 0.5) * 0.01,
    );
    if Gazetteer::syria().contains(lon, lat) {
        (again.location.lat, again.location.lon) = (lat, lon);
    }
    again.sources = vec![Source {
        kind: SourceKind::Monitor,
        description: "second monitoring team".into(),
    }];
    again.narrative = format!("Second report: {}", fields.narrative);
    again
}

/// A guarantor's assessment of another's report: mostly confirmed, some
/// not, and strikes on excluded formations judged not a violation.
pub fn assessment_of(rng: &mut Rng, report: ReportId, fields: &ReportFields) -> Option<Body> {
    let excluded_target = matches!(&fields.target, Actor::Formation(f) if ["hts", "hurras-al-din", "tip"].contains(&f.as_str()));
    let (position, reason) = match roll(rng, 10) {
        0..=4 => (
            Position::Confirmed,
            "Confirmed by our observation post in the area.",
        ),
        5..=6 => (
            Position::CannotConfirm,
            "No observation post of ours covers the area.",
        ),
        7 if excluded_target => (
            Position::NotAViolation,
            "The fire targeted a group excluded from the ceasefire.",
        ),
        7 => (
            Position::Disputed,
            "Our post reports the fire came from the other side.",
        ),
        _ => return None,
    };
    let attributed_to = (position == Position::Confirmed)
        .then(|| fields.perpetrator.formation().cloned())
        .flatten();
    Some(Body::Assessment(Assessment {
        incident: report,
        position,
        attributed_to,
        reason: reason.into(),
        references: vec![],
    }))
}

pub fn filed(fields: ReportFields) -> Body {
    Body::ReportFiled(ReportFiled { report: fields })
}

/// A demo decision: the proposing guarantor (0, 1, 2 for Russia, Türkiye,
/// Iran), the proposal, then the other guarantors' votes in order.
pub type DemoDecision = (usize, Body, Vec<(usize, Vote, &'static str)>);

/// The demo's decisions, voting closing at `deadline`: a graduated measure
/// all three guarantors endorse, and a designation Türkiye objects to.
pub fn decisions(deadline: jiff::Timestamp) -> Vec<DemoDecision> {
    let proposal = |decision_type, title: &str, text: &str| {
        // The measure is the first step of the ladder, for Jaysh al-Izza.
        let measure = (decision_type == DecisionType::Measure).then(|| truce_model::MeasureSpec {
            formation: FormationId::new("jaysh-al-izza").expect("valid id"),
            step: "notice".into(),
            comply_by: deadline.to_zoned(jiff::tz::TimeZone::UTC).date(),
        });
        Body::DecisionProposed(DecisionProposed {
            decision_type,
            title: title.into(),
            text: text.into(),
            deadline,
            references: vec![],
            measure,
            exchange: None,
            agreement: None,
            status: None,
            criteria: None,
            parameters: None,
        })
    };
    vec![
        (
            0,
            proposal(
                DecisionType::Measure,
                "Joint notice to Jaysh al-Izza",
                "The guarantors note the repeated shelling from positions of Jaysh al-Izza \
                 in northern Hama and call on it to observe the ceasefire regime it joined; \
                 further confirmed violations will be considered for graduated measures.",
            ),
            vec![
                (
                    1,
                    Vote::Endorse,
                    "the violations are confirmed by our posts",
                ),
                (2, Vote::Endorse, "agreed at the expert meeting"),
            ],
        ),
        (
            0,
            proposal(
                DecisionType::Designation,
                "Designation of Faylaq al-Sham as excluded from the ceasefire",
                "Faylaq al-Sham is excluded from the ceasefire regime from the day of this \
                 decision; strikes on its positions are no longer violations.",
            ),
            vec![
                (
                    2,
                    Vote::Endorse,
                    "the group fights alongside designated formations",
                ),
                (
                    1,
                    Vote::Object,
                    "Faylaq al-Sham signed the ceasefire of 30 December 2016; its violations \
                     call for graduated measures, not exclusion",
                ),
            ],
        ),
    ]
}

/// The memorandum as the demo adopts it: clauses in the project's own words
/// and a rough outline of the northern de-escalation area (not a survey).
pub fn memorandum() -> truce_model::AgreementSpec {
    use truce_model::{AgreementSpec, Clause, Handle, Zone, ZoneGeometry, ZoneKind};
    let handle = |s: &str| Handle::new(s).expect("a valid handle");
    let clause = |id: &str, text: &str| Clause {
        id: handle(id),
        text: text.into(),
        prohibits: None,
    };
    AgreementSpec {
        id: handle("memorandum-2017"),
        title: "Memorandum on the creation of de-escalation areas".into(),
        clauses: vec![
            clause("art-1", "Armed parties inside the areas stop using weapons of any kind against each other, aircraft included."),
            clause("art-2", "Humanitarian access to the areas is unhindered; the wounded and sick may leave for treatment."),
            clause("art-3", "Security zones along the edges of the areas keep the parties apart; checkpoints and observation posts are set up there."),
            clause("art-4", "The guarantors keep fighting the groups excluded from the ceasefire, inside and outside the areas."),
            Clause {
                prohibits: Some(truce_model::ProhibitedAct {
                    name: "Blocking humanitarian aid".into(),
                    base_type: ViolationType::Obstruction,
                }),
                ..clause("art-5", "No party turns back, delays or seizes humanitarian convoys bound for the areas.")
            },
        ],
        zones: vec![Zone {
            id: handle("idlib-area"),
            name: "Northern de-escalation area (Idlib and neighbouring districts)".into(),
            kind: ZoneKind::DeEscalation,
            geometry: ZoneGeometry::Polygon(vec![vec![
                [35.95, 35.55],
                [36.30, 35.25],
                [36.90, 35.20],
                [37.10, 35.60],
                [37.05, 36.10],
                [36.70, 36.30],
                [36.35, 36.25],
                [36.10, 35.95],
                [35.95, 35.55],
            ]]),
            valid_from: Date::constant(2017, 5, 6),
            valid_to: None,
        }],
    }
}

pub fn meeting(
    status: truce_model::MeetingStatus,
    date: Date,
    place: &str,
    updates: Option<u64>,
) -> Body {
    use truce_model::{MeetingLevel, MeetingRecorded, MeetingStatus};
    let held = status == MeetingStatus::Held;
    Body::MeetingRecorded(MeetingRecorded {
        updates,
        level: MeetingLevel::Expert,
        status,
        place: place.into(),
        date,
        participants: vec![
            "Russian Federation".into(),
            "Republic of Türkiye".into(),
            "Islamic Republic of Iran".into(),
        ],
        observers: vec!["United Nations".into()],
        agenda: vec![
            "Draft regulations of the ceasefire regime and its implementation".into(),
            "Draft on the exchange of detainees and abductees".into(),
        ],
        summary: if held {
            "The drafts were discussed; the next expert meeting is to be held one day before the talks in Astana.".into()
        } else {
            String::new()
        },
    })
}

/// Two drafts of a document the demo's guarantors discuss.
pub const REGULATION_DRAFTS: [&str; 2] = [
    "# Regulations of the ceasefire regime (draft 1)\n\n1. Each guarantor reports violations it registers within 24 hours.\n2. Reports are assessed jointly within 72 hours.\n",
    "# Regulations of the ceasefire regime (draft 2)\n\n1. Each guarantor reports violations it registers within 24 hours.\n2. Reports are assessed jointly within 72 hours.\n3. Confirmed violations are answered by the graduated measures of the annex.\n",
];

/// The criteria the demo's guarantors adopt: the project's example file.
pub const CRITERIA: &str = include_str!("../../../data/criteria/example.toml");

/// The report the demo's verification case follows: rockets on the
/// eastern quarter of Maarrat al-Nu'man at 21:40 local time on `day`, seen
/// from a Russian post.
pub fn case_report(day: Date) -> anyhow::Result<ReportFields> {
    Ok(ReportFields {
        occurred: day.at(21, 40, 0, 0),
        time_precision: TimePrecision::Hour,
        location: Location {
            lat: 35.6473,
            lon: 36.6740,
            precision: GeoPrecision::Near,
            place: "Maarrat al-Nu'man".into(),
        },
        violation_type: ViolationType::Shelling,
        clause: None,
        perpetrator: Actor::Unknown("rocket artillery to the south".into()),
        target: Actor::Unknown("residential quarter and a clinic".into()),
        casualties: vec![Casualties {
            outcome: Outcome::Injured,
            status: PersonStatus::Civilian,
            low: 2,
            best: 3,
            high: 3,
        }],
        sources: vec![Source {
            kind: SourceKind::OwnObservation,
            description: "Russian observation post south of the town".into(),
        }],
        evidence: vec![],
        narrative: "Three rockets fell on the eastern quarter; a clinic's wall was damaged and three civilians were injured.".into(),
        observation: None,
    })
}
