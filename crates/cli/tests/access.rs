//! What the monitors could see, from the command line against a served
//! node: an asset registered and then down for yesterday makes its
//! governorate "not observed" that day; a denial of access is refused by
//! the field at fault when wrong, then recorded and listed.

mod common;

use common::*;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

#[tokio::test]
async fn an_asset_goes_down_and_a_denial_is_recorded_from_the_command_line() {
    let node = demo(false).await.unwrap();
    let out = node.ok(&["token", "create", "--member", "ru-monitor-1"]);
    let token = out.lines().last().unwrap().trim().to_string();
    let served = serve(&node);
    let url = format!("http://{}", served.address);
    let key = node.keys().join("ru-monitor-1.key");
    let key = key.to_str().unwrap();
    let zone = TimeZone::fixed(Offset::constant(3));
    let day = Timestamp::now()
        .to_zoned(zone.clone())
        .date()
        .yesterday()
        .unwrap();
    let start = day.to_zoned(zone).unwrap().timestamp();
    let remote = |args: &[&str]| {
        let mut all = vec!["--node", url.as_str(), "--token", token.as_str()];
        all.extend_from_slice(args);
        node.truce(&all)
    };
    let ok = |args: &[&str]| {
        let out = remote(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };

    let registered_from = (start - SignedDuration::from_hours(48)).to_string();
    ok(&[
        "coverage",
        "asset",
        "add",
        "--key",
        key,
        "op-9",
        "--kind",
        "post",
        "--name",
        "Observation post 9, Hama",
        "--governorate",
        "SY-HM",
        "--working-from",
        &registered_from,
    ]);
    let shown = node.ok(&["coverage", "show", "--day", &day.to_string()]);
    let hama = shown.lines().find(|l| l.contains("SY-HM")).unwrap();
    assert!(hama.contains(" observed"), "{shown}");
    assert!(!hama.contains("NOT OBSERVED"), "{shown}");

    ok(&[
        "coverage",
        "set",
        "--key",
        key,
        "op-9",
        "down",
        "--from",
        &start.to_string(),
    ]);
    let back = (start + SignedDuration::from_hours(24)).to_string();
    ok(&[
        "coverage", "set", "--key", key, "op-9", "working", "--from", &back,
    ]);
    let shown = node.ok(&["coverage", "show", "--day", &day.to_string()]);
    let hama = shown.lines().find(|l| l.contains("SY-HM")).unwrap();
    assert!(hama.contains("NOT OBSERVED"), "{shown}");
    assert!(shown.contains("op-9"), "{shown}");
    let bulletin = node.ok(&[
        "bulletin",
        "--from",
        &day.to_string(),
        "--to",
        &day.to_string(),
    ]);
    let line = bulletin
        .lines()
        .find(|l| l.starts_with(&format!("{day}, not observed:")))
        .unwrap_or_else(|| panic!("{bulletin}"));
    assert!(line.contains("Hama"), "{line}");

    let from = (start + SignedDuration::from_hours(6)).to_string();
    let denial = |place: &[&'static str]| {
        let mut args = vec![
            "access",
            "report",
            "--key",
            key,
            "--by-party",
            "Syrian Arab Army",
            "--kind",
            "denial",
            "--from",
            &from,
            "--for",
            "5h",
            "--prevented",
            "The patrol to the Kafr Zita road",
        ];
        args.extend_from_slice(place);
        remote(&args)
    };
    let refused = denial(&["--governorate", "SY-XX"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("at.governorate"), "{stderr}");
    let recorded = denial(&["--lat", "35.37", "--lon", "36.6"]);
    assert!(
        recorded.status.success(),
        "{}",
        String::from_utf8_lossy(&recorded.stderr)
    );
    let listed = node.ok(&["access", "list", "--by", "Syrian Arab Army"]);
    assert!(listed.contains("denial"), "{listed}");
    assert!(listed.contains("Kafr Zita road"), "{listed}");
    assert!(listed.contains("Hama"), "{listed}");
    let none = node.ok(&["access", "list", "--kind", "jamming"]);
    assert!(none.trim().is_empty(), "{none}");
    let help = node.ok(&["access", "report", "--help"]);
    assert!(help.contains("Examples:"), "{help}");
}
