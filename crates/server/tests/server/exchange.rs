//! What each role can read of an exchange, through the real router: counts
//! and statuses for every member, sealed lists only for those they are
//! sealed to, identities for nobody on the node.

use crate::common::*;
use axum::http::StatusCode;
use truce_exchange::{ExchangeError, OpenedList};
use truce_model::{
    DecisionProposed, DecisionType, DecisionVote, ExchangeInterview, ExchangeListSubmitted,
    ExchangeRelease, ExchangeSpec, FoundingMember, ListDirection, ListId, MemberName, Party,
    PersonRef, Role, Vote,
};
use truce_record::{Body as StatementBody, MemberKey};
use truce_testkit::ExchangeKeys;

const ICRC: usize = 5;

const SOUGHT_BY_TR: &str = "name_arabic,name_latin,father_name,birth_year,category,child\n\
    محمد الحسن,Muhammad al-Hasan,Ahmad,1988,missing,no\n\
    سلمى يوسف,Salma Yousef,Omar,2014,abductee,yes\n";
const HELD_BY_RU: &str = "name_latin,father_name,birth_year,category\n\
    Mohammed Hassan,Ahmed,1988,detainee\n\
    Khaled Younes,Ibrahim,1969,detainee\n";
/// Anything that would identify the persons above (no short numbers: they
/// turn up by chance in signatures and hashes).
const IDENTIFYING: [&str; 6] = ["Hasan", "Hassan", "Salma", "Younes", "Ibrahim", "الحسن"];

struct Exchange {
    node: Node,
    secrets: ExchangeKeys,
    tokens: Vec<Option<String>>,
    sought: ListId,
    held: ListId,
}

fn token_for(node: &Node, who: usize) -> String {
    let member = &node.members[who];
    truce_node::create_token(
        node.dir.path(),
        &MemberName::new(member.name).unwrap(),
        member.role,
    )
    .unwrap()
}

async fn exchange() -> Exchange {
    let mut node = Node::new().await;
    let icrc = Member {
        name: "icrc-delegate",
        key: MemberKey::generate(),
        role: Role::Intermediary,
        party: "International Committee of the Red Cross",
        seq: 0,
    };
    let admitted = FoundingMember {
        member: MemberName::new(icrc.name).unwrap(),
        party: Party::new(icrc.party).unwrap(),
        role: icrc.role,
        public_key: icrc.key.public_key(),
    };
    node.members.push(icrc);
    node.say(OPERATOR, StatementBody::MemberAdmitted(admitted))
        .await;

    let secrets = ExchangeKeys::new(6);
    for who in [ICRC, TR, RU, IR] {
        node.say(who, secrets.published(who)).await;
    }
    let seal = |who: usize, csv: &str, direction| secrets.sealed(who, csv, direction, &[ICRC, who]);
    let sought_list = seal(TR, SOUGHT_BY_TR, ListDirection::Sought);
    let held_list = seal(RU, HELD_BY_RU, ListDirection::Held);
    let sought = node
        .say(TR, StatementBody::ExchangeListSubmitted(sought_list))
        .await;
    let held = node
        .say(RU, StatementBody::ExchangeListSubmitted(held_list))
        .await;
    let tokens = (0..6)
        .map(|who| (who != OPERATOR).then(|| token_for(&node, who)))
        .collect();
    Exchange {
        sought: ListId(sought["position"].as_u64().unwrap()),
        held: ListId(held["position"].as_u64().unwrap()),
        node,
        secrets,
        tokens,
    }
}

impl Exchange {
    async fn get(&self, uri: &str, who: Option<usize>) -> Answer {
        let token = who.and_then(|w| self.tokens[w].as_deref());
        self.node
            .request(
                axum::http::Method::GET,
                uri,
                token,
                axum::body::Body::empty(),
            )
            .await
    }
}

fn assert_no_identity(text: &str, what: &str) {
    for word in IDENTIFYING {
        assert!(!text.contains(word), "{what} reveals {word:?}: {text}");
    }
}

#[tokio::test]
async fn every_member_sees_counts_and_nobody_reads_names_on_the_node() {
    let x = exchange().await;
    let anonymous = x.get("/api/v1/exchange/lists", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    for who in [UN, RU, TR, IR, ICRC] {
        let answer = x.get("/api/v1/exchange/lists", Some(who)).await;
        assert_eq!(answer.status, StatusCode::OK, "{who}: {}", answer.text);
        let lists = answer.json();
        assert_eq!(lists[0]["persons"], 2);
        assert_eq!(lists[0]["categories"]["abductee"], 1);
        assert_eq!(lists[0]["vulnerable"]["children"], 1);
        assert_no_identity(&answer.text, "the lists");
    }
    // Every other read a member can make, for every role.
    let day = jiff::Zoned::now().date();
    let reads = [
        "/api/v1/entries?from=0&limit=100".to_string(),
        "/api/v1/exchange/matches".into(),
        "/api/v1/exchange/projects".into(),
        format!("/api/v1/bulletin?date={day}&edition=internal"),
        format!("/api/v1/bulletin?date={day}&edition=internal&format=text"),
        format!("/api/v1/bulletin?date={day}&format=csv"),
        "/api/v1/incidents.geojson".into(),
        "/api/v1/members".into(),
    ];
    for who in [None, Some(UN), Some(RU), Some(TR), Some(ICRC)] {
        for uri in &reads {
            let answer = x.get(uri, who).await;
            assert_no_identity(&answer.text, uri);
        }
    }
}

#[tokio::test]
async fn a_sealed_list_goes_only_to_its_recipients_and_opens_only_for_them() {
    let x = exchange().await;
    let uri = format!("/api/v1/exchange/lists/{}/sealed", x.sought);
    assert_eq!(x.get(&uri, None).await.status, StatusCode::UNAUTHORIZED);
    for who in [UN, RU, IR] {
        assert_eq!(
            x.get(&uri, Some(who)).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    for who in [TR, ICRC] {
        let answer = x.get(&uri, Some(who)).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
        assert_no_identity(&answer.text, "the sealed list");
        let list: ExchangeListSubmitted = serde_json::from_str(&answer.text).unwrap();
        let opened = OpenedList::open(&list, x.secrets.secret(who)).unwrap();
        assert_eq!(opened.contents.persons[1].name_latin, "Salma Yousef");
    }
    // The same bytes reach observers through the entries; they do not open.
    let entries = x.get("/api/v1/entries?from=0&limit=100", Some(UN)).await;
    assert_eq!(entries.status, StatusCode::OK);
    let body = x.get(&uri, Some(TR)).await;
    let list: ExchangeListSubmitted = serde_json::from_str(&body.text).unwrap();
    for who in [RU, IR] {
        assert!(matches!(
            OpenedList::open(&list, x.secrets.secret(who)),
            Err(ExchangeError::NotARecipient { .. })
        ));
    }
    let not_a_list = x.get("/api/v1/exchange/lists/1/sealed", Some(TR)).await;
    assert_eq!(not_a_list.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_project_shows_statuses_and_the_public_bulletin_counts_releases() {
    let mut x = exchange().await;
    let person = |entry| PersonRef {
        list: x.held,
        entry,
    };
    let persons = vec![person(1), person(2)];
    let proposal = x
        .node
        .say(
            RU,
            StatementBody::DecisionProposed(DecisionProposed {
                decision_type: DecisionType::Exchange,
                title: "Exchange 3".into(),
                text: "Simultaneous release.".into(),
                deadline: "2099-01-01T00:00:00Z".parse().unwrap(),
                references: vec![],
                measure: None,
                agreement: None,
                status: None,
                criteria: None,
                parameters: None,
                exchange: Some(ExchangeSpec {
                    number: 3,
                    place: "Astana".into(),
                    date: "2026-11-20".parse().unwrap(),
                    persons: persons.clone(),
                }),
            }),
        )
        .await;
    let project = truce_model::DecisionId(proposal["position"].as_u64().unwrap());
    for who in [TR, IR] {
        let vote = DecisionVote {
            decision: project,
            vote: Vote::Endorse,
            reason: String::new(),
        };
        x.node.say(who, StatementBody::DecisionVote(vote)).await;
    }
    for (entry, consents) in [(1, true), (2, false)] {
        let interview = ExchangeInterview {
            project,
            person: person(entry),
            identity_confirmed: true,
            consents,
            destination_agreed: true,
            fit_to_travel: true,
            sealed_notes: None,
        };
        x.node
            .say(ICRC, StatementBody::ExchangeInterview(interview))
            .await;
    }
    // A guarantor cannot record a release; the intermediary can.
    let release = ExchangeRelease {
        project,
        released_at: jiff::Timestamp::now(),
        persons: vec![person(1)],
    };
    let signed = x
        .node
        .sign(RU, StatementBody::ExchangeRelease(release.clone()));
    let refused = x.node.submit(&signed).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text.contains("exchange_release"),
        "{}",
        refused.text
    );
    x.node
        .say(ICRC, StatementBody::ExchangeRelease(release))
        .await;

    let projects = x.get("/api/v1/exchange/projects", Some(UN)).await.json();
    assert_eq!(projects[0]["released"], 1);
    assert_eq!(projects[0]["persons"][0]["status"], "released");
    assert_eq!(projects[0]["persons"][1]["status"], "not_cleared");
    assert_eq!(projects[0]["released_by_party"]["Russian Federation"], 1);

    let day = jiff::Zoned::now()
        .with_time_zone(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(3)))
        .date();
    let bulletin = x.get(&format!("/api/v1/bulletin?date={day}"), None).await;
    assert_eq!(bulletin.status, StatusCode::OK, "{}", bulletin.text);
    let bulletin = bulletin.json();
    assert_eq!(bulletin["exchanges"][0]["number"], 3);
    assert_eq!(bulletin["exchanges"][0]["released"], 1);
    assert_eq!(bulletin["exchanges"][0]["still_open"], 1);
}
