//! The API driven through the real router over a real SQLite Record.

use crate::common::*;
use axum::body::Body;
use axum::http::{Method, StatusCode};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use jiff::civil::Date;
use serde_json::{json, Value};
use truce_model::{
    Actor, Assessment, DecisionId, DecisionProposed, DecisionType, DecisionVote, FormationId,
    FormationRegistered, FormationStatus, FormationStatusChanged, Position, ReportFiled, ReportId,
    Side, Vote,
};
use truce_record::{
    check_consistency, check_inclusion, leaf_hash, Body as StatementBody, Hash, SignedCheckpoint,
    SignedStatement,
};

/// Two guarantors report the same shelling near Khan Shaykhun, the third
/// confirms it; a formation is registered and has joined.
struct Scenario {
    node: Node,
    day: Date,
    ru_report: u64,
    tr_report: u64,
}

async fn scenario() -> Scenario {
    let mut node = Node::new().await;
    let day = yesterday();
    let hts = FormationId::new("hts").unwrap();
    node.say(
        RU,
        StatementBody::FormationRegistered(FormationRegistered {
            formation: hts.clone(),
            name: "Hay'at Tahrir al-Sham".into(),
            aliases: vec!["HTS".into()],
            side: Side::Opposition,
        }),
    )
    .await;
    node.say(
        TR,
        StatementBody::FormationStatusChanged(FormationStatusChanged {
            formation: hts,
            status: FormationStatus::Joined,
            valid_from: "2026-01-01".parse().unwrap(),
            reference: "memorandum".into(),
        }),
    )
    .await;
    let civilians = || Actor::Unknown("civilians".into());
    let ru = node
        .say(
            RU,
            StatementBody::ReportFiled(ReportFiled {
                report: shelling(day, "14:30", 0.0, civilians()),
            }),
        )
        .await;
    let tr = node
        .say(
            TR,
            StatementBody::ReportFiled(ReportFiled {
                report: shelling(day, "15:10", 1.5, civilians()),
            }),
        )
        .await;
    let ru_report = ru["position"].as_u64().unwrap();
    let tr_report = tr["position"].as_u64().unwrap();
    node.say(
        IR,
        StatementBody::Assessment(Assessment {
            incident: ReportId(tr_report),
            position: Position::Confirmed,
            attributed_to: None,
            reason: "seen from our post".into(),
            references: vec![],
        }),
    )
    .await;
    Scenario {
        node,
        day,
        ru_report,
        tr_report,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_reports_and_an_assessment_make_one_confirmed_incident() {
    let Scenario {
        node,
        day,
        ru_report,
        tr_report,
    } = scenario().await;
    assert_eq!(node.ledger.size(), 6);

    let incidents = node.get("/api/v1/incidents", Who::Guarantor).await.json();
    assert_eq!(incidents["total"], 1, "{incidents}");
    let incident = &incidents["items"][0];
    assert_eq!(incident["incident"], ru_report);
    assert_eq!(incident["reports"], json!([ru_report, tr_report]));
    assert_eq!(incident["finding"]["finding"], "confirmed_violation");
    assert_eq!(incident["governorate"], "SY-ID");
    assert_eq!(incident["dissent"], json!([]));

    let detail = node
        .get(&format!("/api/v1/incidents/I-{ru_report}"), Who::Guarantor)
        .await
        .json();
    assert_eq!(detail["report_details"].as_array().unwrap().len(), 2);
    assert_eq!(
        detail["assessments"][0]["party"],
        "Islamic Republic of Iran"
    );
    assert_eq!(detail["positions"]["Islamic Republic of Iran"], "confirmed");

    let bulletin = node
        .get(
            &format!("/api/v1/bulletin?date={day}&edition=public"),
            Who::Public,
        )
        .await;
    assert_eq!(bulletin.status, StatusCode::OK);
    let bulletin = bulletin.json();
    assert_eq!(bulletin["findings"]["confirmed"], 1);
    assert_eq!(bulletin["parties"][0]["party"], "Russian Federation");
    assert_eq!(bulletin["parties"][0]["registered"], 1);
    assert_eq!(bulletin["parties"][1]["registered"], 1);
    assert_eq!(bulletin["formations"]["in_ceasefire"], 1);
    assert!(!bulletin.to_string().contains("Secret narrative"));

    let internal = node
        .get(
            &format!("/api/v1/bulletin?from={day}&to={day}&edition=internal&format=text"),
            Who::Observer,
        )
        .await;
    assert!(internal.content_type.starts_with("text/plain"));
    assert!(
        internal.text.contains("Secret narrative"),
        "{}",
        internal.text
    );
    assert!(internal
        .text
        .contains("Russian Federation registered 1 violation in the province of Idlib (1)."));

    let csv = node
        .get(
            &format!("/api/v1/bulletin?date={day}&format=csv"),
            Who::Public,
        )
        .await;
    assert!(csv.content_type.starts_with("text/csv"));
    assert!(csv.text.starts_with("event_id_cnty,event_date"));
    assert!(!csv.text.contains("Secret narrative"));

    let map = node.get("/api/v1/incidents.geojson", Who::Public).await;
    assert_eq!(map.content_type, "application/geo+json");
    let map = map.json();
    assert_eq!(map["features"].as_array().unwrap().len(), 1);
    assert!(map["features"][0]["properties"].get("positions").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_filter_and_page() {
    let Scenario { node, day, .. } = scenario().await;
    let count = |v: Value| v["total"].as_u64().unwrap();
    let get = |uri: String| {
        let node = &node;
        async move {
            let answer = node.get(&uri, Who::Guarantor).await;
            assert_eq!(answer.status, StatusCode::OK, "{uri}: {}", answer.text);
            answer.json()
        }
    };
    assert_eq!(count(get("/api/v1/reports".into()).await), 2);
    assert_eq!(
        count(get(format!("/api/v1/reports?from={day}&to={day}")).await),
        2
    );
    let tomorrow = day.tomorrow().unwrap();
    assert_eq!(
        count(get(format!("/api/v1/reports?from={tomorrow}")).await),
        0
    );
    assert_eq!(
        count(get("/api/v1/reports?governorate=SY-ID".into()).await),
        2
    );
    assert_eq!(
        count(get("/api/v1/reports?governorate=SY-DI".into()).await),
        0
    );
    assert_eq!(count(get("/api/v1/reports?type=shelling".into()).await), 2);
    assert_eq!(
        count(get("/api/v1/reports?type=air_strike".into()).await),
        0
    );
    assert_eq!(
        count(get("/api/v1/reports?party=Russian%20Federation".into()).await),
        1
    );
    assert_eq!(count(get("/api/v1/reports?formation=hts".into()).await), 0);
    let first = get("/api/v1/reports?limit=1".into()).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    assert_eq!(first["next_offset"], 1);
    let second = get("/api/v1/reports?limit=1&offset=1".into()).await;
    assert_eq!(second["next_offset"], Value::Null);
    assert_eq!(
        count(get("/api/v1/incidents?finding=confirmed_violation".into()).await),
        1
    );
    assert_eq!(
        count(get("/api/v1/incidents?finding=unconfirmed".into()).await),
        0
    );
    assert_eq!(
        count(get("/api/v1/findings?governorate=SY-ID".into()).await),
        1
    );

    let formations = get("/api/v1/formations?date=2025-12-31".into()).await;
    assert_eq!(formations["items"][0]["id"], "hts");
    assert_eq!(formations["items"][0]["status"], Value::Null);
    let formations = get("/api/v1/formations?date=2026-01-01".into()).await;
    assert_eq!(formations["items"][0]["status"]["status"], "joined");

    for (uri, field) in [
        ("/api/v1/reports?from=yesterday", "from"),
        ("/api/v1/reports?type=artillery", "type"),
        ("/api/v1/reports?limit=0", "limit"),
        ("/api/v1/reports?formation=Not%20A%20Slug", "formation"),
        ("/api/v1/incidents?finding=maybe", "finding"),
        ("/api/v1/bulletin?edition=secret", "edition"),
        ("/api/v1/bulletin?from=2026-01-01", "to"),
        ("/api/v1/proof/consistency", "old"),
    ] {
        let answer = node.get(uri, Who::Guarantor).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            answer.text
        );
        assert_eq!(answer.json()["field"], field, "{uri}");
    }
}

/// Every route, for every kind of caller: who may read, and who gets 401.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_for_every_role() {
    let Scenario {
        mut node,
        day,
        ru_report,
        ..
    } = scenario().await;
    // One decision adopted by all three guarantors, one still open.
    let adopted = propose(&mut node, RU, DecisionType::Measure, "Joint notice").await;
    vote(&mut node, TR, adopted, Vote::Endorse, "").await;
    vote(&mut node, IR, adopted, Vote::Endorse, "").await;
    let open = propose(&mut node, TR, DecisionType::Designation, "Designate").await;
    let case = node
        .say(
            TR,
            truce_record::Body::CaseOpened(truce_model::CaseOpened {
                about: truce_model::CaseSubject::Incident(truce_model::ReportId(ru_report)),
                question: "Was it shelling from the west?".into(),
            }),
        )
        .await["position"]
        .as_u64()
        .unwrap();
    const ALL: [StatusCode; 3] = [StatusCode::OK; 3];
    const TOKEN: [StatusCode; 3] = [StatusCode::UNAUTHORIZED, StatusCode::OK, StatusCode::OK];
    let table: Vec<(String, [StatusCode; 3])> = vec![
        ("/healthz".into(), ALL),
        ("/api/v1/openapi.json".into(), ALL),
        ("/api/v1/mechanism".into(), ALL),
        ("/api/v1/members".into(), TOKEN),
        ("/api/v1/checkpoint".into(), ALL),
        ("/api/v1/proof/inclusion/1".into(), ALL),
        ("/api/v1/proof/inclusion/1?size=3".into(), ALL),
        ("/api/v1/proof/consistency?old=2".into(), ALL),
        ("/api/v1/proof/consistency?old=2&new=4".into(), ALL),
        ("/api/v1/entries".into(), TOKEN),
        ("/api/v1/entries?from=2&limit=2".into(), TOKEN),
        ("/api/v1/reports".into(), ALL),
        ("/api/v1/reports?party=Russian%20Federation".into(), TOKEN),
        (format!("/api/v1/reports/{ru_report}"), ALL),
        (format!("/api/v1/reports/R-{ru_report}"), ALL),
        ("/api/v1/incidents".into(), TOKEN),
        (format!("/api/v1/incidents/{ru_report}"), TOKEN),
        ("/api/v1/findings".into(), ALL),
        ("/api/v1/formations".into(), ALL),
        ("/api/v1/formations?date=2026-02-01".into(), ALL),
        ("/api/v1/bulletin".into(), ALL),
        (
            format!("/api/v1/bulletin?date={day}&edition=public&format=text"),
            ALL,
        ),
        (
            format!("/api/v1/bulletin?date={day}&edition=public&format=csv"),
            ALL,
        ),
        (
            format!("/api/v1/bulletin?date={day}&edition=internal"),
            TOKEN,
        ),
        (
            format!("/api/v1/bulletin?date={day}&edition=internal&format=csv"),
            TOKEN,
        ),
        ("/api/v1/incidents.geojson".into(), ALL),
        ("/api/v1/incidents.geojson?edition=internal".into(), TOKEN),
        ("/api/v1/decisions".into(), ALL),
        ("/api/v1/decisions?status=adopted&type=measure".into(), ALL),
        ("/api/v1/decisions?status=open".into(), TOKEN),
        ("/api/v1/decisions?status=rejected".into(), TOKEN),
        ("/api/v1/decisions?status=expired".into(), TOKEN),
        (format!("/api/v1/decisions/D-{adopted}"), ALL),
        (format!("/api/v1/decisions/{adopted}"), ALL),
        (format!("/api/v1/decisions/D-{open}"), TOKEN),
        ("/api/v1/access".into(), TOKEN),
        (format!("/api/v1/access?day={day}&kind=denial"), TOKEN),
        ("/api/v1/cases".into(), TOKEN),
        ("/api/v1/cases?step=opened&overdue=false".into(), TOKEN),
        (format!("/api/v1/cases/V-{case}"), TOKEN),
        (format!("/api/v1/cases?incident=R-{ru_report}"), TOKEN),
        ("/api/v1/requests".into(), TOKEN),
        ("/api/v1/coverage".into(), ALL),
        (format!("/api/v1/coverage?day={day}"), ALL),
    ];
    for (uri, expected) in &table {
        for (who, status) in EVERYONE.iter().zip(expected) {
            let answer = node.get(uri, *who).await;
            assert_eq!(answer.status, *status, "{uri} as {who:?}: {}", answer.text);
            if !answer.status.is_success() {
                let error = answer.json();
                assert_eq!(error["code"], "unauthenticated", "{uri}");
            }
            // Whatever the route, the public never sees a narrative.
            if *who == Who::Public {
                assert!(
                    !answer.text.contains("Secret narrative"),
                    "{uri} leaks to the public"
                );
            }
        }
    }
    // And token holders do see them where they are served.
    for uri in ["/api/v1/reports", "/api/v1/incidents/3"] {
        for who in [Who::Observer, Who::Guarantor] {
            assert!(
                node.get(uri, who).await.text.contains("Secret narrative"),
                "{uri} as {who:?}"
            );
        }
    }
    let public_report = node.get("/api/v1/reports", Who::Public).await.json();
    let fields = &public_report["items"][0]["fields"];
    assert!(fields.get("sources").is_none() && fields.get("evidence").is_none());
    // The filing party is public by default, as in the public bulletin's
    // per-party counts; the member who filed never is.
    assert!(public_report["items"][0]["party"].is_string());
    assert!(public_report["items"][0].get("filed_by").is_none());
    let public_findings = node.get("/api/v1/findings", Who::Public).await.json();
    assert!(public_findings["items"][0].get("positions").is_none());
    let full_findings = node.get("/api/v1/findings", Who::Observer).await.json();
    assert!(full_findings["items"][0].get("positions").is_some());
    // The public reads adopted decisions only, without text or votes.
    let public_decisions = node.get("/api/v1/decisions", Who::Public).await.json();
    assert_eq!(public_decisions["total"], 1, "{public_decisions}");
    let summary = &public_decisions["items"][0];
    assert_eq!(summary["name"], format!("D-{adopted}"));
    assert_eq!(summary["status"], "adopted");
    assert_eq!(summary["type"], "measure");
    assert!(summary["settled_at"].is_u64());
    for field in ["text", "votes", "dissent", "party", "proposed_by"] {
        assert!(summary.get(field).is_none(), "{field} is public");
    }
    for who in [Who::Observer, Who::Guarantor] {
        let all = node.get("/api/v1/decisions", who).await.json();
        assert_eq!(all["total"], 2, "{who:?}");
        assert!(all["items"][0]["votes"].is_object(), "{who:?}");
        assert_eq!(all["items"][1]["status"], "open");
        assert!(all["items"][1]["text"].is_string());
    }
    // The public inclusion proof has the leaf hash, not the entry's bytes.
    let proof = node
        .get("/api/v1/proof/inclusion/3", Who::Public)
        .await
        .json();
    assert_eq!(proof["type"], "truce-leaf-inclusion-proof-v1");
    assert!(proof.get("statement").is_none());

    // Anyone may submit: the signature authenticates the statement. The
    // scenario's statements were all posted without a token.
    // A wrong token is refused, never read as anonymous.
    let wrong = node
        .request(
            Method::GET,
            "/api/v1/findings",
            Some("truce_not-a-token"),
            Body::empty(),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.json()["code"], "unauthenticated");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_stops_working_at_once() {
    let node = Node::new().await;
    assert_eq!(
        node.get("/api/v1/members", Who::Observer).await.status,
        StatusCode::OK
    );
    let tokens = truce_node::list_tokens(node.dir.path()).unwrap();
    let observer = tokens
        .iter()
        .find(|t| t.member.as_str() == "un-expert")
        .unwrap();
    truce_node::revoke_token(node.dir.path(), observer.id()).unwrap();
    assert_eq!(
        node.get("/api/v1/members", Who::Observer).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        node.get("/api/v1/members", Who::Guarantor).await.status,
        StatusCode::OK
    );
}

/// A token reads for its member only while the member may sign: once the
/// member's key is revoked in the Record, the token is refused on the next
/// request, though the token file still holds it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_ends_when_its_members_key_is_revoked() {
    let mut node = Node::new().await;
    assert_eq!(
        node.get("/api/v1/reports?party=Russian%20Federation", Who::Guarantor)
            .await
            .status,
        StatusCode::OK
    );
    let revocation = StatementBody::KeyRevoked(truce_model::KeyRevoked {
        member: truce_model::MemberName::new("ru-monitor").unwrap(),
        public_key: node.members[RU].key.public_key(),
        reason: "phone seized at a checkpoint".into(),
    });
    let answer = node.say(RU, revocation).await;
    assert!(answer["position"].is_u64(), "{answer}");
    for uri in ["/api/v1/whoami", "/api/v1/members", "/api/v1/reports"] {
        let refused = node.get(uri, Who::Guarantor).await;
        assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{uri}");
    }
    assert_eq!(truce_node::list_tokens(node.dir.path()).unwrap().len(), 2);
    assert_eq!(
        node.get("/api/v1/members", Who::Observer).await.status,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_submissions_name_the_field_and_store_nothing() {
    let mut node = Node::new().await;
    let day = yesterday();
    let report = |target| {
        StatementBody::ReportFiled(ReportFiled {
            report: shelling(day, "10:00", 0.0, target),
        })
    };
    let civilians = || Actor::Unknown("civilians".into());
    let before = node.ledger.size();

    // Forged: one statement's bytes with another's signature.
    let genuine = node.sign(RU, report(civilians()));
    node.members[RU].seq -= 1;
    let other = node.sign(RU, report(Actor::Unknown("others".into())));
    node.members[RU].seq -= 1;
    let forged = SignedStatement::new(genuine.bytes().to_vec(), *other.signature());

    let unknown = node.sign(
        RU,
        report(Actor::Formation(FormationId::new("nobody").unwrap())),
    );
    node.members[RU].seq -= 1;
    let mut empty = shelling(day, "10:00", 0.0, civilians());
    empty.narrative = " ".into();
    let invalid = node.sign(
        RU,
        StatementBody::ReportFiled(ReportFiled { report: empty }),
    );
    node.members[RU].seq -= 1;
    let replayed_seq = sign_at(&node.members[RU], 7, report(civilians()));
    let mut non_canonical = submission(&genuine);
    let text = String::from_utf8(genuine.bytes().to_vec()).unwrap();
    non_canonical["statement"] = json!(BASE64.encode(format!(" {text}")));

    let cases: Vec<(&str, Value, StatusCode, &str)> = vec![
        (
            "forged signature",
            submission(&forged),
            StatusCode::UNPROCESSABLE_ENTITY,
            "signature",
        ),
        (
            "unknown formation",
            submission(&unknown),
            StatusCode::UNPROCESSABLE_ENTITY,
            "report.target",
        ),
        (
            "empty narrative",
            submission(&invalid),
            StatusCode::UNPROCESSABLE_ENTITY,
            "body.report_filed.report.narrative",
        ),
        (
            "sequence gap",
            submission(&replayed_seq),
            StatusCode::UNPROCESSABLE_ENTITY,
            "seq",
        ),
        (
            "bad base64",
            json!({"statement": "not base64!", "signature": hex::encode([0u8; 64])}),
            StatusCode::BAD_REQUEST,
            "statement",
        ),
        (
            "short signature",
            json!({"statement": BASE64.encode(genuine.bytes()), "signature": "abcd"}),
            StatusCode::BAD_REQUEST,
            "signature",
        ),
        (
            "not canonical",
            non_canonical,
            StatusCode::BAD_REQUEST,
            "statement",
        ),
    ];
    for (what, body, status, field) in cases {
        let answer = node.post_json(&body).await;
        assert_eq!(answer.status, status, "{what}: {}", answer.text);
        let error = answer.json();
        assert_eq!(error["field"], field, "{what}: {error}");
        assert!(!error["error"].as_str().unwrap().is_empty());
    }
    for (what, body) in [
        ("not JSON", "{".to_string()),
        (
            "unknown field",
            json!({"statement": "", "signature": "", "extra": 1}).to_string(),
        ),
    ] {
        let answer = node
            .request(Method::POST, "/api/v1/statements", None, Body::from(body))
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            answer.text
        );
        assert_eq!(answer.json()["code"], "bad_request");
    }
    let huge = json!({"statement": "A".repeat(2 * 1024 * 1024), "signature": ""}).to_string();
    let answer = node
        .request(Method::POST, "/api/v1/statements", None, Body::from(huge))
        .await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.json()["code"], "payload_too_large");

    assert_eq!(node.ledger.size(), before, "nothing was stored");
    assert_eq!(node.ledger.store().size().await.unwrap(), before);
    // The genuine statement still goes in: the refusals moved no sequence.
    let answer = node.submit(&genuine).await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
    assert_eq!(answer.json()["position"], before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_are_json_everywhere() {
    let node = Node::new().await;
    let missing = node.get("/nowhere", Who::Public).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.json()["code"], "not_found");
    let wrong_method = node
        .request(Method::DELETE, "/api/v1/statements", None, Body::empty())
        .await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.json()["code"], "method_not_allowed");
    let no_report = node.get("/api/v1/reports/99", Who::Guarantor).await;
    assert_eq!(no_report.status, StatusCode::NOT_FOUND);
    assert!(no_report.content_type.starts_with("application/json"));
    let no_bulletin = node.get("/api/v1/bulletin", Who::Public).await;
    assert_eq!(no_bulletin.status, StatusCode::NOT_FOUND, "no reports yet");
    assert_eq!(no_bulletin.json()["code"], "not_found");
}

/// Proofs from the API check offline with only the node key the API gives.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_check_offline() {
    let Scenario { node, .. } = scenario().await;
    let mechanism = node.get("/api/v1/mechanism", Who::Public).await.json();
    let node_key = mechanism["node_key"].as_str().unwrap();
    assert_eq!(node_key, node.node_key);
    assert_eq!(mechanism["guarantors"].as_array().unwrap().len(), 3);

    let checkpoint = node.get("/api/v1/checkpoint", Who::Public).await.json();
    assert_eq!(checkpoint["size"], 6);
    let latest =
        SignedCheckpoint::verify(checkpoint["note"].as_str().unwrap().as_bytes(), node_key)
            .unwrap();

    let hashes = |proof: &Value| -> Vec<Hash> {
        proof["proof"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| Hash::parse_hash(h.as_str().unwrap()).unwrap())
            .collect()
    };
    let proof = node
        .get("/api/v1/proof/inclusion/3", Who::Guarantor)
        .await
        .json();
    assert_eq!(proof["type"], "truce-inclusion-proof-v1");
    let signed = SignedStatement::new(
        BASE64.decode(proof["statement"].as_str().unwrap()).unwrap(),
        hex::decode(proof["signature"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap(),
    );
    let checkpoint =
        SignedCheckpoint::verify(proof["checkpoint"].as_str().unwrap().as_bytes(), node_key)
            .unwrap();
    check_inclusion(
        &hashes(&proof),
        checkpoint.size(),
        checkpoint.root(),
        3,
        leaf_hash(&signed.leaf()),
    )
    .unwrap();

    let public = node
        .get("/api/v1/proof/inclusion/3?size=4", Who::Public)
        .await
        .json();
    let checkpoint =
        SignedCheckpoint::verify(public["checkpoint"].as_str().unwrap().as_bytes(), node_key)
            .unwrap();
    assert_eq!(checkpoint.size(), 4);
    let leaf = Hash::parse_hash(public["leaf_hash"].as_str().unwrap()).unwrap();
    assert_eq!(leaf, leaf_hash(&signed.leaf()));
    check_inclusion(&hashes(&public), 4, checkpoint.root(), 3, leaf).unwrap();

    let consistency = node
        .get("/api/v1/proof/consistency?old=2", Who::Public)
        .await
        .json();
    assert_eq!(consistency["type"], "truce-consistency-proof-v1");
    let old = SignedCheckpoint::verify(
        consistency["old_checkpoint"].as_str().unwrap().as_bytes(),
        node_key,
    )
    .unwrap();
    let new = SignedCheckpoint::verify(
        consistency["new_checkpoint"].as_str().unwrap().as_bytes(),
        node_key,
    )
    .unwrap();
    assert_eq!((old.size(), new.size()), (2, latest.size()));
    check_consistency(
        &hashes(&consistency),
        old.size(),
        old.root(),
        new.size(),
        new.root(),
    )
    .unwrap();

    let beyond = node.get("/api/v1/proof/inclusion/6", Who::Public).await;
    assert_eq!(beyond.status, StatusCode::NOT_FOUND);

    // Entries page through the Record and re-hash to the checkpoint's leaves.
    let page = node
        .get("/api/v1/entries?from=0&limit=4", Who::Observer)
        .await
        .json();
    assert_eq!(page["entries"].as_array().unwrap().len(), 4);
    assert_eq!(page["next"], 4);
    let rest = node
        .get("/api/v1/entries?from=4&limit=4", Who::Observer)
        .await
        .json();
    assert_eq!(rest["entries"].as_array().unwrap().len(), 2);
    assert_eq!(rest["next"], Value::Null);
    let entry = &page["entries"][3];
    assert_eq!(entry["statement"], proof["statement"]);
    assert_eq!(entry["signature"], proof["signature"]);

    let members = node.get("/api/v1/members", Who::Guarantor).await.json();
    let ru = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["member"] == "ru-monitor")
        .unwrap();
    assert_eq!(ru["next_seq"], 2);
}

/// A month from now: the deadline of the tests' proposals.
fn in_a_month() -> jiff::Timestamp {
    jiff::Timestamp::now()
        .checked_add(jiff::SignedDuration::from_hours(24 * 30))
        .unwrap()
}

/// Member `who` proposes a decision; returns its id (its position).
async fn propose(node: &mut Node, who: usize, decision_type: DecisionType, title: &str) -> u64 {
    let receipt = node
        .say(
            who,
            StatementBody::DecisionProposed(DecisionProposed {
                decision_type,
                title: title.into(),
                text: format!("The guarantors decide: {title}."),
                deadline: in_a_month(),
                references: vec![],
                exchange: None,
                agreement: None,
                status: None,
                criteria: None,
                parameters: None,
                // Measures apply a step of the ladder to a registered formation.
                measure: (decision_type == DecisionType::Measure).then(|| {
                    truce_model::MeasureSpec {
                        formation: FormationId::new("hts").unwrap(),
                        step: "notice".into(),
                        comply_by: yesterday(),
                    }
                }),
            }),
        )
        .await;
    receipt["position"].as_u64().unwrap()
}

fn vote_body(decision: u64, vote: Vote, reason: &str) -> StatementBody {
    StatementBody::DecisionVote(DecisionVote {
        decision: DecisionId(decision),
        vote,
        reason: reason.into(),
    })
}

async fn vote(node: &mut Node, who: usize, decision: u64, vote: Vote, reason: &str) -> Value {
    node.say(who, vote_body(decision, vote, reason)).await
}

/// One guarantor proposes, another endorses, the third objects with its
/// reason: under the default unanimity the decision is rejected, and the
/// objection stays on view. Observers comment; they never vote.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_objection_rejects_a_decision_under_unanimity_and_stays_as_dissent() {
    let mut node = Node::new().await;
    let id = propose(
        &mut node,
        RU,
        DecisionType::Designation,
        "Designate the Eastern Brigade",
    )
    .await;

    let open = node
        .get(&format!("/api/v1/decisions/D-{id}"), Who::Observer)
        .await
        .json();
    assert_eq!(open["status"], "open", "{open}");
    assert_eq!(open["settled_at"], Value::Null);
    assert_eq!(open["votes"]["Russian Federation"]["vote"], "endorse");
    assert_eq!(open["votes"]["Republic of Türkiye"], Value::Null);
    assert_eq!(open["rule"], "all 3 guarantors");

    // An observer may not vote: the submit endpoint refuses the role.
    let by_observer = node.sign(UN, vote_body(id, Vote::Object, "not proven"));
    let refused = node.submit(&by_observer).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text
    );
    let refusal = refused.json();
    assert_eq!(refusal["code"], "refused");
    assert_eq!(refusal["field"], "body");
    node.members[UN].seq -= 1;

    vote(
        &mut node,
        TR,
        id,
        Vote::Endorse,
        "the evidence is sufficient",
    )
    .await;
    let objection = vote(
        &mut node,
        IR,
        id,
        Vote::Object,
        "the brigade signed the memorandum; talks first",
    )
    .await;
    let settled = objection["position"].as_u64().unwrap();

    let decision = node
        .get(&format!("/api/v1/decisions/{id}"), Who::Guarantor)
        .await;
    assert_eq!(decision.status, StatusCode::OK, "{}", decision.text);
    let decision = decision.json();
    assert_eq!(decision["status"], "rejected", "{decision}");
    assert_eq!(decision["settled_at"], settled);
    assert_eq!(decision["type"], "designation");
    assert_eq!(decision["party"], "Russian Federation");
    assert_eq!(decision["proposed_by"], "ru-monitor");
    assert_eq!(
        decision["text"],
        "The guarantors decide: Designate the Eastern Brigade."
    );
    assert_eq!(decision["votes"]["Republic of Türkiye"]["vote"], "endorse");
    assert_eq!(
        decision["votes"]["Republic of Türkiye"]["reason"],
        "the evidence is sufficient"
    );
    assert_eq!(
        decision["votes"]["Islamic Republic of Iran"]["vote"],
        "object"
    );
    assert_eq!(
        decision["dissent"],
        json!([{
            "party": "Islamic Republic of Iran",
            "reason": "the brigade signed the memorandum; talks first",
        }])
    );
    // Nothing of it is public.
    let public = node
        .get(&format!("/api/v1/decisions/{id}"), Who::Public)
        .await;
    assert_eq!(public.status, StatusCode::UNAUTHORIZED);
    assert!(!public.text.contains("Eastern Brigade"));
    let public = node.get("/api/v1/decisions", Who::Public).await.json();
    assert_eq!(public["total"], 0);

    // Settled, it takes no more votes.
    let late = node.sign(TR, vote_body(id, Vote::Object, "changed our mind"));
    let refused = node.submit(&late).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["field"], "decision");
    node.members[TR].seq -= 1;

    let count = |v: Value| v["total"].as_u64().unwrap();
    for (query, total) in [
        ("", 1),
        ("?status=rejected", 1),
        ("?status=adopted", 0),
        ("?status=open", 0),
        ("?type=designation", 1),
        ("?type=measure", 0),
        ("?status=rejected&type=designation&limit=1", 1),
    ] {
        let answer = node
            .get(&format!("/api/v1/decisions{query}"), Who::Observer)
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{query}: {}", answer.text);
        assert_eq!(count(answer.json()), total, "{query}");
    }
    for (uri, field) in [
        ("/api/v1/decisions?status=pending", "status"),
        ("/api/v1/decisions?type=sanction", "type"),
        ("/api/v1/decisions?limit=0", "limit"),
        ("/api/v1/decisions/X-1", "id"),
    ] {
        let answer = node.get(uri, Who::Guarantor).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{uri}: {}",
            answer.text
        );
        assert_eq!(answer.json()["field"], field, "{uri}");
    }
    let missing = node.get("/api/v1/decisions/D-999", Who::Guarantor).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[test]
fn the_openapi_document_lists_every_route() {
    let document = serde_json::to_value(truce_server::openapi()).unwrap();
    let paths: Vec<&str> = document["paths"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    for path in [
        "/api/v1/statements",
        "/api/v1/reports",
        "/api/v1/reports/{id}",
        "/api/v1/incidents",
        "/api/v1/incidents/{id}",
        "/api/v1/incidents.geojson",
        "/api/v1/findings",
        "/api/v1/formations",
        "/api/v1/bulletin",
        "/api/v1/checkpoint",
        "/api/v1/proof/inclusion/{position}",
        "/api/v1/proof/consistency",
        "/api/v1/entries",
        "/api/v1/mechanism",
        "/api/v1/members",
        "/api/v1/openapi.json",
        "/api/v1/statements/canonical",
        "/api/v1/gazetteer/admin1.geojson",
        "/api/v1/whoami",
        "/api/v1/vocabulary",
        "/api/v1/bulletin/series",
        "/api/v1/ingest",
        "/api/v1/drafts",
        "/api/v1/drafts/{id}",
        "/api/v1/decisions",
        "/api/v1/decisions/{id}",
        "/api/v1/compliance",
        "/api/v1/measures",
        "/api/v1/agreements",
        "/api/v1/zones.geojson",
        "/api/v1/meetings",
        "/api/v1/documents",
        "/api/v1/documents/{sha256}",
        "/api/v1/evidence/{sha256}",
        "/api/v1/exchange/lists",
        "/api/v1/exchange/lists/{id}/sealed",
        "/api/v1/exchange/matches",
        "/api/v1/exchange/projects",
        "/api/v1/join-requests",
        "/api/v1/events",
        "/api/v1/complaints",
        "/api/v1/complaints/{reference}",
        "/api/v1/complaints/{reference}/evidence",
        "/api/v1/requests",
        "/api/v1/requests/{id}",
        "/api/v1/cases",
        "/api/v1/cases/{id}",
        "/api/v1/access",
        "/api/v1/access/{id}",
        "/api/v1/coverage",
        "/healthz",
        "/readyz",
    ] {
        assert!(paths.contains(&path), "{path} missing from {paths:?}");
    }
    assert_eq!(paths.len(), 52, "{paths:?}");
    assert!(document["components"]["securitySchemes"]["bearer"].is_object());
    assert!(document["components"]["schemas"]["ErrorBody"].is_object());
}

/// Any change to the API's contract shows up in review as a snapshot diff
/// (`cargo insta review`, or `INSTA_UPDATE=always cargo test` to accept).
#[test]
fn the_openapi_document_is_unchanged() {
    insta::assert_json_snapshot!("openapi", truce_server::openapi());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_document_is_the_library_one() {
    let node = Node::new().await;
    let served = node.get("/api/v1/openapi.json", Who::Public).await.json();
    assert_eq!(
        served,
        serde_json::to_value(truce_server::openapi()).unwrap()
    );
    let answer = node.get("/healthz", Who::Public).await.json();
    assert_eq!(answer["status"], "ok");
    assert_eq!(answer["size"], 1);
}

#[tokio::test]
async fn criteria_and_agreements_in_force_are_read_by_role() {
    use truce_model::{AgreementSpec, Clause, Handle, Zone, ZoneGeometry, ZoneKind};
    let mut node = Node::new().await;
    let before = node.get("/api/v1/compliance", Who::Observer).await;
    assert_eq!(before.status, StatusCode::NOT_FOUND, "{}", before.text);
    let handle = |s: &str| Handle::new(s).unwrap();
    let agreement = AgreementSpec {
        id: handle("memorandum"),
        title: "Memorandum".into(),
        clauses: vec![Clause {
            id: handle("art-1"),
            text: "Hostilities cease.".into(),
            prohibits: None,
        }],
        zones: vec![Zone {
            id: handle("north"),
            name: "Northern area".into(),
            kind: ZoneKind::DeEscalation,
            geometry: ZoneGeometry::Polygon(vec![vec![
                [36.0, 35.0],
                [37.0, 35.0],
                [37.0, 36.5],
                [36.0, 35.0],
            ]]),
            valid_from: "2017-05-06".parse().unwrap(),
            valid_to: None,
        }],
    };
    for (decision_type, agreement, criteria) in [
        (DecisionType::Agreement, Some(agreement), None),
        (
            DecisionType::Criteria,
            None,
            Some("[[criterion]]\nid = \"adherence\"\nkind = \"declared_adherence\"\n".to_string()),
        ),
    ] {
        let proposed = node
            .say(
                RU,
                StatementBody::DecisionProposed(DecisionProposed {
                    decision_type,
                    title: "In force".into(),
                    text: "Adopted by all.".into(),
                    deadline: in_a_month(),
                    references: vec![],
                    exchange: None,
                    agreement,
                    status: None,
                    criteria,
                    parameters: None,
                    measure: None,
                }),
            )
            .await;
        let id = proposed["position"].as_u64().unwrap();
        for who in [TR, IR] {
            vote(&mut node, who, id, Vote::Endorse, "agreed").await;
        }
    }
    // A report inside the zone says so, to the public too.
    let filed = node
        .say(
            RU,
            StatementBody::ReportFiled(ReportFiled {
                report: shelling(
                    yesterday(),
                    "10:00:00",
                    0.0,
                    Actor::Unknown("houses".into()),
                ),
            }),
        )
        .await;
    let report = node
        .get(
            &format!("/api/v1/reports/{}", filed["position"]),
            Who::Public,
        )
        .await
        .json();
    assert_eq!(report["zones"][0], "inside Northern area", "{report}");
    let zones = node
        .get("/api/v1/zones.geojson?date=2026-01-01", Who::Public)
        .await;
    assert_eq!(zones.status, StatusCode::OK);
    assert_eq!(zones.content_type, "application/geo+json");
    assert_eq!(zones.json()["features"][0]["properties"]["id"], "north");
    let agreements = node.get("/api/v1/agreements", Who::Public).await.json();
    assert_eq!(agreements[0]["spec"]["clauses"][0]["id"], "art-1");
    assert_eq!(
        node.get("/api/v1/compliance", Who::Public).await.status,
        StatusCode::UNAUTHORIZED
    );
    let compliance = node
        .get("/api/v1/compliance?date=2026-01-01", Who::Observer)
        .await;
    assert_eq!(compliance.status, StatusCode::OK, "{}", compliance.text);
    assert!(compliance.json()["criteria_decision"]
        .as_str()
        .unwrap()
        .starts_with("D-"));
    let measures = node.get("/api/v1/measures", Who::Guarantor).await;
    assert_eq!(measures.status, StatusCode::OK);
    assert!(measures.json()["due"].is_array());
    assert_eq!(
        node.get("/api/v1/meetings", Who::Public).await.status,
        StatusCode::UNAUTHORIZED
    );
    let bad_day = node
        .get("/api/v1/measures?date=someday", Who::Observer)
        .await;
    assert_eq!(bad_day.status, StatusCode::BAD_REQUEST);
}
