//! An exchange from lists to release, driven statement by statement: what
//! the Record accepts, what it refuses, and that nothing in it names a person.

use jiff::Timestamp;
use truce_exchange::{seal_list, ExchangeSecret, ListContents};
use truce_gazetteer::Gazetteer;
use truce_model::{
    DecisionId, DecisionProposed, DecisionType, DecisionVote, ExchangeInterview,
    ExchangeKeyPublished, ExchangeListSubmitted, ExchangeMatch, ExchangeRelease, ExchangeSpec,
    FoundingMember, Genesis, ListDirection, ListId, MatchVerdict, MemberName, Party, PersonRef,
    Role, Vote,
};
use truce_record::{Body, Candidate, MemberKey, Registry, Rejection, Statement};
use truce_regime::{DecisionStatus, Edition, Register, RegisterConfig};

const OPERATOR: usize = 0;
const RU: usize = 1;
const TR: usize = 2;
const IR: usize = 3;
const ICRC: usize = 4;
const UN: usize = 5;

struct Mechanism {
    registry: Registry,
    register: Register,
    keys: Vec<MemberKey>,
    seqs: Vec<u64>,
    exchange_keys: Vec<ExchangeSecret>,
    /// Every admitted statement's bytes, to search for names.
    bytes: Vec<Vec<u8>>,
    statements: Vec<(usize, Statement)>,
}

impl Mechanism {
    fn new() -> Self {
        let keys: Vec<MemberKey> = (0..6).map(|_| MemberKey::generate()).collect();
        let member = |i: usize, name: &str, party: &str, role| FoundingMember {
            member: MemberName::new(name).unwrap(),
            party: Party::new(party).unwrap(),
            role,
            public_key: keys[i].public_key(),
        };
        let genesis = Genesis {
            mechanism: "Test".into(),
            log_origin: "truce.test/log".into(),
            node_key: "unused".into(),
            operator: member(OPERATOR, "operator", "Secretariat", Role::Operator),
            members: vec![
                member(RU, "ru-1", "Russian Federation", Role::GuarantorMember),
                member(TR, "tr-1", "Republic of Türkiye", Role::GuarantorMember),
                member(
                    IR,
                    "ir-1",
                    "Islamic Republic of Iran",
                    Role::GuarantorMember,
                ),
                member(ICRC, "icrc-1", "ICRC", Role::Intermediary),
                member(UN, "un-1", "United Nations", Role::Observer),
            ],
            witnesses: vec![],
            witness_quorum: 0,
            register: None,
        };
        let mut mechanism = Self {
            registry: Registry::new(),
            register: Register::new(RegisterConfig::default(), Gazetteer::syria()),
            keys,
            seqs: vec![0; 6],
            exchange_keys: (0..6).map(|_| ExchangeSecret::generate()).collect(),
            bytes: Vec::new(),
            statements: Vec::new(),
        };
        mechanism.say(OPERATOR, Body::Genesis(genesis)).unwrap();
        mechanism
    }

    fn say(&mut self, who: usize, body: Body) -> Result<u64, Rejection> {
        let key = &self.keys[who];
        let statement = Statement::new(key.key_id(), self.seqs[who], Timestamp::now(), body);
        let signed = key.sign(&statement);
        let bytes = signed.bytes().to_vec();
        let mut candidate = Candidate::decode(signed).unwrap();
        let admitted = self
            .registry
            .admit_with(&mut candidate, &mut self.register)?;
        self.seqs[who] += 1;
        self.bytes.push(bytes);
        self.statements.push((who, statement));
        Ok(admitted.position)
    }

    fn publish_key(&mut self, who: usize) -> Result<u64, Rejection> {
        let key = self.exchange_keys[who].public();
        self.say(
            who,
            Body::ExchangeKeyPublished(ExchangeKeyPublished { key }),
        )
    }

    fn sealed(
        &self,
        who: usize,
        csv: &str,
        direction: ListDirection,
        to: &[usize],
    ) -> ExchangeListSubmitted {
        let contents = ListContents::from_csv(csv).unwrap();
        let recipients: Vec<_> = to.iter().map(|i| self.exchange_keys[*i].public()).collect();
        seal_list(
            &contents,
            "REF-1",
            direction,
            &self.exchange_keys[who],
            &recipients,
            2026,
        )
        .unwrap()
    }

    fn submit(
        &mut self,
        who: usize,
        csv: &str,
        direction: ListDirection,
    ) -> Result<ListId, Rejection> {
        let list = self.sealed(who, csv, direction, &[ICRC, who]);
        self.say(who, Body::ExchangeListSubmitted(list)).map(ListId)
    }
}

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
    let mut m = Mechanism::new();
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

    let to_iran = m.sealed(TR, SOUGHT_BY_TR, ListDirection::Sought, &[ICRC, TR, IR]);
    assert_eq!(
        refused_field(m.say(TR, Body::ExchangeListSubmitted(to_iran))),
        "sealed.recipients[2].key"
    );
    let without_icrc = m.sealed(TR, SOUGHT_BY_TR, ListDirection::Sought, &[TR]);
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
    for bytes in &m.bytes {
        let text = String::from_utf8_lossy(bytes);
        for name in ["Hasan", "Khalil", "Yusuf", "الحسن"] {
            assert!(!text.contains(name), "{name} is readable in the Record");
        }
    }
    let opened = truce_exchange::OpenedList::open(
        match &m
            .statements
            .iter()
            .rev()
            .find(|(_, s)| matches!(s.body, Body::ExchangeListSubmitted(_)))
            .unwrap()
            .1
            .body
        {
            Body::ExchangeListSubmitted(l) => l,
            _ => unreachable!(),
        },
        &m.exchange_keys[ICRC],
    )
    .unwrap();
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
    let mut m = Mechanism::new();
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
    for (who, statement) in &m.statements {
        let mut candidate = Candidate::decode(m.keys[*who].sign(statement)).unwrap();
        replayed.admit_with(&mut candidate, &mut register).unwrap();
    }
    assert_eq!(
        serde_json::to_string(&register.exchange_projects(now)).unwrap(),
        serde_json::to_string(&m.register.exchange_projects(now)).unwrap()
    );
}
