//! What the monitors could and could not see, end to end: an asset
//! registered and then down for a day turns the bulletin's "no violation
//! observed" into "not observed" for its governorate; a denial of access
//! is refused by the field at fault when it is wrong, listed for members,
//! counted per party in the bulletin; the public reads each governorate's
//! state for the map, members the assets too.

use axum::http::StatusCode;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};
use truce_model::{
    AccessActor, AccessKind, AccessPlace, AccessRestricted, Actor, AssetId, AssetKind,
    AssetRegistered, AssetStatus, AssetStatusChanged, Covers, FormationId, Party, Point,
    ReportFiled,
};
use truce_record::Body as StatementBody;

use crate::common::*;

fn restricted(by: AccessActor, at: AccessPlace, from: Timestamp) -> StatementBody {
    StatementBody::AccessRestricted(AccessRestricted {
        by,
        at,
        kind: AccessKind::Denial,
        from,
        until: from + SignedDuration::from_hours(5),
        prevented: "The patrol to the southern outskirts of Khan Shaykhun".into(),
    })
}

fn status(status: AssetStatus, from: Timestamp) -> StatementBody {
    StatementBody::AssetStatus(AssetStatusChanged {
        asset: AssetId::new("op-7").unwrap(),
        status,
        from,
    })
}

#[tokio::test]
async fn an_asset_down_for_a_day_makes_its_governorate_not_observed_and_denials_are_counted() {
    let mut node = Node::new().await;
    let day = yesterday();
    let start = day
        .to_zoned(TimeZone::fixed(Offset::constant(3)))
        .unwrap()
        .timestamp();
    node.say(
        RU,
        StatementBody::ReportFiled(ReportFiled {
            report: shelling(day, "06:10", 1.0, Actor::Unknown("civilians".into())),
        }),
    )
    .await;
    let before = bulletin_text(&node, day).await;
    assert!(!before.contains("observed"), "{before}");

    node.say(
        RU,
        StatementBody::AssetRegistered(AssetRegistered {
            asset: AssetId::new("op-7").unwrap(),
            kind: AssetKind::Post,
            name: "Observation post 7".into(),
            covers: Covers::Governorates(vec!["SY-ID".into(), "SY-HM".into()]),
            working_from: start - SignedDuration::from_hours(24),
        }),
    )
    .await;
    let text = bulletin_text(&node, day).await;
    // Idlib was observed and has the report; Hama was observed with none.
    assert!(
        text.contains(&format!("{day}, no violation observed: Hama.")),
        "{text}"
    );
    let public = node
        .get(&format!("/api/v1/coverage?day={day}"), Who::Public)
        .await
        .json();
    let state_of = |view: &serde_json::Value, code: &str| {
        view["governorates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(state_of(&public, "SY-HM")["state"], "observed");
    assert_eq!(state_of(&public, "SY-HM")["no_violation_observed"], true);
    assert_eq!(state_of(&public, "SY-ID")["reports"], 1);
    assert_eq!(state_of(&public, "SY-HL")["state"], "not_observed");
    assert_eq!(public["assets"].as_array().unwrap().len(), 0);
    assert_eq!(public["tracked"], true);

    // Down for all of the day; only its own party says so.
    let signed = node.sign(TR, status(AssetStatus::Down, start));
    let refused = node.submit(&signed).await;
    node.members[TR].seq -= 1;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["field"], "asset", "{}", refused.text);
    node.say(RU, status(AssetStatus::Down, start)).await;
    node.say(
        RU,
        status(AssetStatus::Working, start + SignedDuration::from_hours(24)),
    )
    .await;
    let text = bulletin_text(&node, day).await;
    assert!(!text.contains("no violation observed"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{day}, not observed:")))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(line.contains("Hama") && line.contains("Idlib"), "{line}");
    let members = node
        .get(&format!("/api/v1/coverage?day={day}"), Who::Observer)
        .await
        .json();
    assert_eq!(state_of(&members, "SY-HM")["state"], "not_observed");
    assert_eq!(members["assets"][0]["id"], "op-7");
    assert_eq!(members["assets"][0]["status"], "down");
    assert_eq!(members["assets"][0]["history"].as_array().unwrap().len(), 3);
    let bad_day = node
        .get("/api/v1/coverage?day=yesterday", Who::Public)
        .await;
    assert_eq!(bad_day.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad_day.json()["field"], "day");

    // Denials: refused by field when wrong.
    let khan_shaykhun = AccessPlace::Point(Point {
        lat: 35.44,
        lon: 36.65,
    });
    let army = AccessActor::Party(Party::new("Syrian Arab Army").unwrap());
    let from = start + SignedDuration::from_hours(6);
    for (body, field) in [
        (
            restricted(
                AccessActor::Formation(FormationId::new("nobody").unwrap()),
                khan_shaykhun.clone(),
                from,
            ),
            "body.access_restricted.by.formation",
        ),
        (
            restricted(army.clone(), AccessPlace::Governorate("SY-XX".into()), from),
            "body.access_restricted.at.governorate",
        ),
        (
            restricted(
                army.clone(),
                AccessPlace::Point(Point {
                    lat: 41.0,
                    lon: 29.0,
                }),
                from,
            ),
            "body.access_restricted.at.point",
        ),
    ] {
        let signed = node.sign(TR, body);
        let refused = node.submit(&signed).await;
        node.members[TR].seq -= 1;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            refused.text
        );
        let named = refused.json()["field"].as_str().unwrap().to_string();
        assert!(
            field.ends_with(&named),
            "{named} for {field}: {}",
            refused.text
        );
    }
    let recorded = node
        .say(TR, restricted(army.clone(), khan_shaykhun, from))
        .await["position"]
        .as_u64()
        .unwrap();
    assert_eq!(
        node.get("/api/v1/access", Who::Public).await.status,
        StatusCode::UNAUTHORIZED
    );
    let listed = node
        .get(
            &format!("/api/v1/access?by=Syrian%20Arab%20Army&day={day}"),
            Who::Observer,
        )
        .await
        .json();
    assert_eq!(listed[0]["id"], format!("A-{recorded}"));
    assert_eq!(listed[0]["governorate"], "SY-ID");
    assert_eq!(listed[0]["kind"], "denial");
    let none = node
        .get("/api/v1/access?kind=jamming", Who::Guarantor)
        .await
        .json();
    assert_eq!(none.as_array().unwrap().len(), 0);
    let bad = node.get("/api/v1/access?kind=blocked", Who::Observer).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.json()["field"], "kind");
    let one = node
        .get(&format!("/api/v1/access/A-{recorded}"), Who::Observer)
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.text);
    assert_eq!(
        node.get("/api/v1/access/A-99999", Who::Observer)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let json = node
        .get(
            &format!("/api/v1/bulletin?from={day}&to={day}"),
            Who::Public,
        )
        .await
        .json();
    assert_eq!(json["coverage"]["access"][0]["by"], "Syrian Arab Army");
    assert_eq!(json["coverage"]["access"][0]["denial"], 1);
    let text = bulletin_text(&node, day).await;
    assert!(
        text.contains(
            "Access of the monitors, Syrian Arab Army: 1 denied, 0 restricted, 0 threatened, 0 jammed."
        ),
        "{text}"
    );
}

async fn bulletin_text(node: &Node, day: jiff::civil::Date) -> String {
    node.get(
        &format!("/api/v1/bulletin?from={day}&to={day}&format=text"),
        Who::Public,
    )
    .await
    .text
}
