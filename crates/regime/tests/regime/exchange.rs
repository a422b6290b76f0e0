//! An exchange from lists to release, driven statement by statement: what
//! the Record accepts, what it refuses, and that nothing in it names a person.

use std::ops::{Deref, DerefMut};

use jiff::Timestamp;
use truce_gazetteer::Gazetteer;
use truce_model::{
    DecisionId, DecisionProposed, DecisionType, DecisionVote, ExchangeInterview, ExchangeMatch,
    ExchangeRelease, ExchangeSpec, ListDirection, ListId, MatchVerdict, PersonRef, Role, Vote,
};
use truce_record::{Body, Candidate, Registry, Rejection, Statement};
use truce_regime::{DecisionStatus, Edition, Register, RegisterConfig};
use truce_testkit::{ExchangeKeys, Founders, Mechanism, IR, RU, TR, UN};

/// The five members and an intermediary, each with an exchange key.
struct Exchanging {
    mechanism: Mechanism,
    keys: ExchangeKeys,
}

impl Exchanging {
    fn new() -> Self {
        let (founders, icrc) = Founders::five().with("icrc-1", "ICRC", Role::Intermediary);
        assert_eq!(icrc, ICRC);
        Self {
            keys: ExchangeKeys::new(founders.members.len()),
            mechanism: Mechanism::founded(founders, RegisterConfig::default()),
        }
    }

    fn publish_key(&mut self, who: usize) -> Result<u64, Rejection> {
        let body = self.keys.published(who);
        self.say(who, body)
    }

    fn submit(
        &mut self,
        who: usize,
        csv: &str,
        direction: ListDirection,
    ) -> Result<ListId, Rejection> {
        let list = self.keys.sealed(who, csv, direction, &[ICRC, who]);
        self.say(who, Body::ExchangeListSubmitted(list)).map(ListId)
    }
}

// The tests drive it as the kit's mechanism, with the keys beside it.
impl Deref for Exchanging {
    type Target = Mechanism;

    fn deref(&self) -> &Mechanism {
        &self.mechanism
    }
}

impl DerefMut for Exchanging {
    fn deref_mut(&mut self) -> &mut Mechanism {
        &mut self.mechanism
    }
}

const ICRC: usize = 5;

const SOUGHT_BY_TR: &str = "name_arabic,name_latin,father_name,birth_year,category\n\
    محمد الحسن,Muhammad al-Hasan,Ahmad,1988,missing\n\
    عمر خليل,Omar Khalil,Yusuf,1975,detainee\n";
const HELD_BY_RU: &str = "name_latin,father_name,birth_year,category,woman\n\
    Mohammed Hassan,Ahmed,1988,detainee,no\n\
    Rania Saleh,Mahmoud,1992,detainee,yes\n\
    Khaled Younes,Ibrahim,1969,detainee,no\n";

fn refused_field(result: Result<u64, Rejection>) -> String {
    match result {
        Err(Rejection::Rule { field, .. }) => field,
        other => panic!("expected a rule refusal, got {other:?}"),
    }
}

fn person(list: ListId, entry: u32) -> PersonRef {
    PersonRef { list, entry }
}

#[test]
fn lists_are_sealed_to_the_intermediary_and_the_submitter_only() {
    let mut m = Exchanging::new();
    // Nobody to seal to yet.
    m.publish_key(TR).unwrap();
    assert!(matches!(
        m.submit(TR, SOUGHT_BY_TR, ListDirection::Sought),
        Err(Rejection::Rule { .. })
    ));
    m.publish_key(ICRC).unwrap();
    m.publish_key(IR).unwrap();
    // Observers publish no key: they never receive lists.
    assert!(matches!(
        m.publish_key(UN),
        Err(Rejection::RoleMayNot { .. })
    ));

    let to_iran = m
        .keys
        .sealed(TR, SOUGHT_BY_TR, ListDirection::Sought, &[ICRC, TR, IR]);
    assert_eq!(
        refused_field(m.say(TR, Body::ExchangeListSubmitted(to_iran))),
        "sealed.recipients[2].key"
    );
    let without_icrc = m
        .keys
        .sealed(TR, SOUGHT_BY_TR, ListDirection::Sought, &[TR]);
    assert_eq!(
        refused_field(m.say(TR, Body::ExchangeListSubmitted(without_icrc))),
        "sealed.recipients"
    );

    let list = m.submit(TR, SOUGHT_BY_TR, ListDirection::Sought).unwrap();
    let summary = m.register.exchange_list(list).unwrap();
    assert_eq!(summary.entries.len(), 2);

    // The same list again, or a list repeating a person, is refused.
    assert_eq!(
        refused_field(
            m.submit(TR, SOUGHT_BY_TR, ListDirection::Sought)
                .map(|l| l.0)
        ),
        "digest"
    );
    let repeating = "name_arabic,name_latin,father_name,birth_year,category\n\
        علي حسن,Ali Hasan,Said,1990,detainee\n\
        عمر خليل,Omar Khalil,Yusuf,1975,detainee\n";
    assert_eq!(
        refused_field(m.submit(TR, repeating, ListDirection::Sought).map(|l| l.0)),
        "entries[1]"
    );
    assert_eq!(
        m.register.exchange_lists().count(),
        1,
        "refusals stored nothing"
    );

    // Guarantors cannot match; nothing in the Record names a person.
    let match_attempt = Body::ExchangeMatch(ExchangeMatch {
        sought: person(list, 1),
        held: person(ListId(999), 1),
        verdict: MatchVerdict::Confirmed,
        score: 900,
    });
    assert!(matches!(
        m.say(RU, match_attempt),
        Err(Rejection::RoleMayNot { .. })
    ));
    for (_, signed) in &m.admitted {
        let text = String::from_utf8_lossy(signed.bytes());
        for name in ["Hasan", "Khalil", "Yusuf", "الحسن"] {
            assert!(!text.contains(name), "{name} is readable in the Record");
        }
    }
    let last_list = m
        .admitted
        .iter()
        .rev()
        .find_map(
            |(_, signed)| match Statement::from_bytes(signed.bytes()).unwrap().body {
                Body::ExchangeListSubmitted(list) => Some(list),
                _ => None,
            },
        )
        .unwrap();
    let opened = truce_exchange::OpenedList::open(&last_list, m.keys.secret(ICRC)).unwrap();
    assert_eq!(opened.contents.persons[1].name_latin, "Omar Khalil");
    assert!(opened.discrepancies.is_empty());
}

fn propose_exchange(m: &mut Mechanism, persons: Vec<PersonRef>) -> Result<DecisionId, Rejection> {
    m.say(
        RU,
        Body::DecisionProposed(DecisionProposed {
            decision_type: DecisionType::Exchange,
            title: "Exchange 1".into(),
            text: "Simultaneous release at the agreed crossing.".into(),
            deadline: "2099-01-01T00:00:00Z".parse().unwrap(),
            references: vec![],
            measure: None,
            agreement: None,
            status: None,
            criteria: None,
            parameters: None,
            exchange: Some(ExchangeSpec {
                number: 1,
                place: "Abu al-Zuhur crossing".into(),
                date: "2026-11-20".parse().unwrap(),
                persons,
            }),
        }),
    )
    .map(DecisionId)
}

fn interview(project: DecisionId, who: PersonRef, consents: bool) -> Body {
    Body::ExchangeInterview(ExchangeInterview {
        project,
        person: who,
        identity_confirmed: true,
        consents,
        destination_agreed: true,
        fit_to_travel: true,
        sealed_notes: None,
    })
}

fn release(project: DecisionId, persons: Vec<PersonRef>) -> Body {
    Body::ExchangeRelease(ExchangeRelease {
        project,
        released_at: Timestamp::now(),
        persons,
    })
}

#[test]
fn an_exchange_runs_from_match_to_a_simultaneous_release() {
    let mut m = Exchanging::new();
    for who in [ICRC, TR, RU] {
        m.publish_key(who).unwrap();
    }
    let sought = m.submit(TR, SOUGHT_BY_TR, ListDirection::Sought).unwrap();
    let held = m.submit(RU, HELD_BY_RU, ListDirection::Held).unwrap();

    let decided = ExchangeMatch {
        sought: person(sought, 1),
        held: person(held, 1),
        verdict: MatchVerdict::Confirmed,
        score: 930,
    };
    m.say(ICRC, Body::ExchangeMatch(decided.clone())).unwrap();
    let held_by_tr = m
        .submit(
            TR,
            "name_latin,category\nSami Darwish,detainee\n",
            ListDirection::Held,
        )
        .unwrap();
    let own_side = ExchangeMatch {
        held: person(held_by_tr, 1),
        ..decided.clone()
    };
    assert_eq!(
        refused_field(m.say(ICRC, Body::ExchangeMatch(own_side))),
        "held"
    );
    let past_the_end = ExchangeMatch {
        held: person(held, 9),
        ..decided
    };
    assert_eq!(
        refused_field(m.say(ICRC, Body::ExchangeMatch(past_the_end))),
        "held"
    );

    // Only held persons can be released.
    assert_eq!(
        refused_field(propose_exchange(&mut m, vec![person(sought, 1)]).map(|d| d.0)),
        "exchange.persons[0]"
    );
    let project = propose_exchange(&mut m, vec![person(held, 1), person(held, 2)]).unwrap();
    // Not adopted yet: no interviews.
    assert_eq!(
        refused_field(m.say(ICRC, interview(project, person(held, 1), true))),
        "project"
    );
    for who in [TR, IR] {
        m.say(
            who,
            Body::DecisionVote(DecisionVote {
                decision: project,
                vote: Vote::Endorse,
                reason: String::new(),
            }),
        )
        .unwrap();
    }
    let now = Timestamp::now();
    assert!(matches!(
        m.register.decision(project).unwrap().status_at(now),
        DecisionStatus::Adopted { .. }
    ));

    assert_eq!(
        refused_field(m.say(ICRC, release(project, vec![person(held, 1)]))),
        "persons[0]"
    );
    m.say(ICRC, interview(project, person(held, 1), true))
        .unwrap();
    m.say(ICRC, interview(project, person(held, 2), false))
        .unwrap();
    assert_eq!(
        refused_field(m.say(
            ICRC,
            release(project, vec![person(held, 1), person(held, 2)])
        )),
        "persons[1]",
        "a person who does not consent is not released"
    );
    m.say(ICRC, release(project, vec![person(held, 1)]))
        .unwrap();
    assert_eq!(
        refused_field(m.say(ICRC, release(project, vec![person(held, 1)]))),
        "persons[0]"
    );

    let state = m.register.exchange_project(project, now).unwrap();
    assert_eq!(state.released(), 1);
    assert!(
        state.persons[1].released_at.is_none(),
        "the other person stays open"
    );
    assert_eq!(
        state.released_by_party().get("Russian Federation"),
        Some(&1)
    );

    let today = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(3)))
        .date();
    let bulletin = m.register.bulletin("Test", today, today, Edition::Public);
    assert_eq!(bulletin.exchanges.len(), 1);
    assert_eq!(bulletin.exchanges[0].released, 1);
    assert_eq!(bulletin.exchanges[0].still_open, 1);
    assert!(bulletin
        .to_text()
        .contains("Exchange 1 at Abu al-Zuhur crossing: 1 person released"));

    // A second node replaying the same statements derives the same state.
    let mut replayed = Registry::new();
    let mut register = Register::new(RegisterConfig::default(), Gazetteer::syria());
    for (_, signed) in &m.admitted {
        let mut candidate = Candidate::decode(signed.clone()).unwrap();
        replayed.admit_with(&mut candidate, &mut register).unwrap();
    }
    assert_eq!(
        serde_json::to_string(&register.exchange_projects(now)).unwrap(),
        serde_json::to_string(&m.register.exchange_projects(now)).unwrap()
    );
}
