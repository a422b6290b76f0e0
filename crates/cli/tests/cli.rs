//! End-to-end tests of the `truce` binary on a real SQLite file and a real
//! PostgreSQL database: tampering is caught and named, acknowledged
//! statements survive kill -9, a forked log is refused by the witness.

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod common;

use common::*;

macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test]
                async fn sqlite() {
                    super::$test(super::demo(false).await.unwrap()).await;
                }

                #[tokio::test]
                async fn postgres() {
                    if let Some(node) = super::demo(true).await {
                        super::$test(node).await;
                    }
                }
            }
        )*
    };
}

on_both_backends!(
    one_changed_byte_is_named,
    a_deleted_row_is_named,
    swapped_rows_are_named,
    a_replaced_checkpoint_is_named,
    acknowledged_statements_survive_kill_9,
    reads_start_from_the_saved_membership_state_and_show_only_signed_entries,
    register_reads_start_from_the_saved_register_state_and_answer_as_a_replay,
);

/// "Tehran" in entry 3's statement becomes "tehran", in the database.
async fn change_one_byte_of_entry_3(node: &Node) {
    let mut statement = node.statement_at(3).await;
    let at = statement.windows(6).position(|w| w == b"Tehran").unwrap();
    statement[at] = b't';
    node.sql(&format!(
        "UPDATE entries SET statement = {} WHERE position = 3",
        blob_literal(&statement, node.database.is_some())
    ))
    .await;
}

async fn one_changed_byte_is_named(node: Node) {
    change_one_byte_of_entry_3(&node).await;
    let (passed, report) = node.verify();
    assert!(!passed);
    assert!(report.contains("entry 3:"), "{report}");
    assert!(report.contains("signature"), "{report}");
}

async fn a_deleted_row_is_named(node: Node) {
    node.sql("DELETE FROM entries WHERE position = 4").await;
    let (passed, report) = node.verify();
    assert!(!passed);
    assert!(report.contains("entry 4: is missing"), "{report}");
}

async fn swapped_rows_are_named(node: Node) {
    // Move entry 2 aside, put entry 3 in its place and entry 2 in 3's.
    node.sql("UPDATE entries SET position = 1000000000 WHERE position = 2")
        .await;
    node.sql("UPDATE entries SET position = 2 WHERE position = 3")
        .await;
    node.sql("UPDATE entries SET position = 3 WHERE position = 1000000000")
        .await;
    let (passed, report) = node.verify();
    assert!(!passed);
    assert!(report.contains("entry 2:"), "{report}");
}

async fn a_replaced_checkpoint_is_named(node: Node) {
    // The checkpoint of size 1 replaced by the (validly signed) one of size 2.
    node.sql("UPDATE checkpoints SET note = (SELECT note FROM checkpoints WHERE size = 2) WHERE size = 1")
        .await;
    let (passed, report) = node.verify();
    assert!(!passed);
    assert!(report.contains("checkpoint of size 1"), "{report}");
}

async fn reads_start_from_the_saved_membership_state_and_show_only_signed_entries(node: Node) {
    // `truce verify` (run by the demo's setup) saved the state it derived.
    let saved = node.data_dir().join("membership.saved");
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(
        report.contains("membership state for reads: saved at"),
        "{report}"
    );
    assert!(report.contains("entries, the same"), "{report}");
    let listed = node.ok(&["log", "--json", "--limit", "1000000"]);

    let mut bytes = std::fs::read(&saved).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&saved, &bytes).unwrap();
    assert_eq!(node.ok(&["log", "--json", "--limit", "1000000"]), listed);
    // The read replaced the damaged file with the state it derived.
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(report.contains("entries, the same"), "{report}");
    std::fs::write(&saved, &bytes).unwrap();
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(report.contains("not usable (its checksum"), "{report}");

    // An entry changed under the saved state: the read that starts from
    // the state does not read it again, but it shows no entry it has not
    // checked against the signed tree.
    change_one_byte_of_entry_3(&node).await;
    assert!(
        node.ok(&["log", "--from", "0", "--limit", "3"])
            .lines()
            .count()
            >= 3
    );
    let shown = node.truce(&["log", "--from", "3", "--limit", "1"]);
    assert!(!shown.status.success());
    let message = String::from_utf8_lossy(&shown.stderr);
    assert!(
        message.contains("entry 3 is not the entry the signed Record holds"),
        "{message}"
    );
    let proved = node.truce(&["proof", "inclusion", "3"]);
    assert!(!proved.status.success());
    let message = String::from_utf8_lossy(&proved.stderr);
    assert!(message.contains("entry 3 is not the entry"), "{message}");
    let (passed, report) = node.verify();
    assert!(!passed);
    assert!(report.contains("entry 3:"), "{report}");
}

/// The line of `truce verify`'s report on the saved register state.
fn saved_register_line(report: &str) -> &str {
    report
        .lines()
        .find(|l| l.contains("register state for the node and reads:"))
        .unwrap_or_else(|| panic!("{report}"))
}

async fn register_reads_start_from_the_saved_register_state_and_answer_as_a_replay(node: Node) {
    let saved = node.data_dir().join("register.saved");
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(
        saved_register_line(&report).contains("entries, the same"),
        "{report}"
    );
    let reads: [&[&str]; 6] = [
        &["bulletin", "--format", "json"],
        &["incidents"],
        &["cases", "--json"],
        &["decisions"],
        &["measures"],
        &["exchange", "projects"],
    ];
    let from_saved: Vec<String> = reads.iter().map(|args| node.ok(args)).collect();

    // With nothing saved, each read replays every entry: the same answers.
    for (args, answer) in reads.iter().zip(&from_saved) {
        std::fs::remove_file(&saved).unwrap();
        assert_eq!(&node.ok(args), answer, "{args:?}");
        assert!(saved.exists(), "the read saved the state it derived");
    }

    // A damaged file costs a replay, not a wrong answer, and is replaced.
    let mut bytes = std::fs::read(&saved).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x20;
    std::fs::write(&saved, &bytes).unwrap();
    assert_eq!(node.ok(reads[0]), from_saved[0]);
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(
        saved_register_line(&report).contains("entries, the same"),
        "{report}"
    );
    std::fs::write(&saved, &bytes).unwrap();
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(
        saved_register_line(&report).contains("not usable (its checksum"),
        "{report}"
    );

    // The membership state's file holds no register state: refused as one.
    std::fs::copy(node.data_dir().join("membership.saved"), &saved).unwrap();
    assert_eq!(node.ok(reads[1]), from_saved[1]);
    std::fs::copy(node.data_dir().join("membership.saved"), &saved).unwrap();
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    assert!(
        saved_register_line(&report).contains("no register state is saved with it"),
        "{report}"
    );
}

async fn acknowledged_statements_survive_kill_9(node: Node) {
    let keys = node.keys();
    let mut command = Command::new(env!("CARGO_BIN_EXE_truce"));
    command
        .arg("--data-dir")
        .arg(node.data_dir())
        .args(["stress", "--count", "50000", "--print-acks", "--key"])
        .arg(keys.join("ru-monitor-1.key"))
        .arg("--key")
        .arg(keys.join("ir-monitor-1.key"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(url) = &node.database {
        command.arg("--database").arg(url);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut acked = Vec::new();
    while acked.len() < 3_000 {
        let line = lines.next().expect("stress ended early").unwrap();
        acked.push(line);
    }
    // SIGKILL: no destructor, no flush, no orderly shutdown.
    child.kill().unwrap();
    acked.extend(lines.map_while(Result::ok));
    child.wait().unwrap();

    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    let log = node.ok(&["log", "--json", "--limit", "1000000"]);
    let stored: std::collections::HashMap<u64, String> = log
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            (
                value["position"].as_u64().unwrap(),
                value["leaf_hash"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    for ack in &acked {
        let mut parts = ack.split_whitespace().skip(1);
        let position: u64 = parts.next().unwrap().parse().unwrap();
        let leaf = parts.next().unwrap();
        assert_eq!(
            stored.get(&position).map(String::as_str),
            Some(leaf),
            "{ack}"
        );
    }
    assert!(stored.len() >= acked.len() + 9);
}

#[tokio::test]
async fn a_forked_log_is_refused_by_the_witness_with_evidence() {
    let node = demo(false).await.unwrap();
    // A second Record signed with the same node key: the operator's fork.
    let fork = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let keys = node.keys();
    fork.ok(&[
        "init",
        "--mechanism",
        keys.join("mechanism.toml").to_str().unwrap(),
        "--key",
        keys.join("secretariat.key").to_str().unwrap(),
        "--node-key",
        node.data_dir().join("node.key").to_str().unwrap(),
    ]);
    let state = tempfile::tempdir().unwrap();
    let cosign = |record: &Node| {
        record.truce(&[
            "witness",
            "cosign",
            "--key",
            keys.join("ru-witness.key").to_str().unwrap(),
            "--state-dir",
            state.path().to_str().unwrap(),
        ])
    };
    assert!(cosign(&fork).status.success());
    let refused = cosign(&node);
    assert_eq!(refused.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not consistent"));
    let evidence: Vec<_> = std::fs::read_dir(state.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("fork-evidence"))
        .collect();
    assert_eq!(evidence.len(), 1);
    let text = std::fs::read_to_string(evidence[0].path()).unwrap();
    assert!(text.contains("earlier") && text.contains("later"));
}

#[test]
fn keys_are_private_and_bodies_are_checked_field_by_field() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("me.key");
    let output = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["keygen", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(output.status.success());
    let mode = std::fs::metadata(&key).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // A second keygen to the same path refuses to overwrite.
    let again = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["keygen", "--out"])
        .arg(&key)
        .output()
        .unwrap();
    assert!(!again.status.success());
    // A key readable by others is refused.
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    node.ok(&["demo", "--days", "2", "--no-serve"]);
    let body = write(
        dir.path(),
        "note.json",
        r#"{"note": {"text": "x", "refers_to": []}}"#,
    );
    let output = node.truce(&[
        "append",
        body.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("permissions 644"));

    let ru = node.keys().join("ru-monitor-1.key");
    let empty = write(
        dir.path(),
        "empty.json",
        r#"{"note": {"text": " ", "refers_to": []}}"#,
    );
    let output = node.truce(&[
        "append",
        empty.to_str().unwrap(),
        "--key",
        ru.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("body.note.text"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let good = write(
        dir.path(),
        "good.json",
        r#"{"note": {"text": "Calm in Hama", "refers_to": [1]}}"#,
    );
    let appended = node.ok(&[
        "append",
        good.to_str().unwrap(),
        "--key",
        ru.to_str().unwrap(),
    ]);
    assert!(appended.contains("appended note at position"), "{appended}");

    // An observer may not admit members.
    let un = node.keys().join("un-expert-1.key");
    let admit = write(
        dir.path(),
        "admit.json",
        &format!(
            r#"{{"member_admitted": {{"member": "x-1", "party": "X", "role": "observer", "public_key": "{}"}}}}"#,
            "ab".repeat(32)
        ),
    );
    let output = node.truce(&[
        "append",
        admit.to_str().unwrap(),
        "--key",
        un.to_str().unwrap(),
    ]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("may not make a member_admitted"));
    assert!(node.verify().0);
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn appended_position(output: &str) -> u64 {
    output
        .split("at position ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no position in {output:?}"))
}

fn file_shelling(node: &Node, key: &str, at: &str, lon: &str) -> u64 {
    let key = node.keys().join(key);
    let output = node.ok(&[
        "report",
        "--key",
        key.to_str().unwrap(),
        "--at",
        at,
        "--lat",
        "35.4414",
        "--lon",
        lon,
        "--place",
        "Khan Shaykhun",
        "--type",
        "shelling",
        "--target",
        "unknown:residential area",
        "--injured",
        "civilian:2/3/4",
        "--source",
        "own_observation:observation post 7",
        "--narrative",
        "Mortar rounds on the southern outskirts.",
    ]);
    appended_position(&output)
}

async fn two_guarantors_report_one_shelling_and_the_bulletin_says_so(node: Node) {
    let ru = file_shelling(&node, "ru-monitor-1.key", "2026-01-15T14:30", "36.6497");
    file_shelling(&node, "tr-monitor-1.key", "2026-01-15T15:00", "36.6600");
    let ir = node.keys().join("ir-monitor-1.key");
    node.ok(&[
        "assess",
        "--key",
        ir.to_str().unwrap(),
        "--incident",
        &format!("R-{ru}"),
        "--position",
        "confirmed",
        "--reason",
        "Seen from our post at Morek.",
    ]);
    let bulletin = node.ok(&["bulletin", "--date", "2026-01-15", "--format", "json"]);
    let bulletin: serde_json::Value = serde_json::from_str(&bulletin).unwrap();
    let russia = &bulletin["parties"][0];
    assert_eq!(russia["party"], "Russian Federation");
    assert_eq!(russia["registered"], 1);
    assert_eq!(russia["by_governorate"][0]["code"], "SY-ID");
    assert_eq!(russia["confirmed_by"]["Islamic Republic of Iran"], 1);
    assert_eq!(russia["confirmed_by"]["Republic of Türkiye"], 1);
    assert_eq!(bulletin["findings"]["confirmed"], 1);
    let text = node.ok(&["bulletin", "--date", "2026-01-15", "--edition", "public"]);
    assert!(
        text.contains("Russian Federation registered 1 violation in the province of Idlib (1)."),
        "{text}"
    );
    assert!(
        !text.contains("Mortar rounds"),
        "the public edition leaks narratives: {text}"
    );
    let csv = node.ok(&["bulletin", "--date", "2026-01-15", "--format", "csv"]);
    let mut lines = csv.lines();
    assert!(lines
        .next()
        .unwrap()
        .starts_with("event_id_cnty,event_date,year,time_precision"));
    assert!(lines
        .next()
        .unwrap()
        .starts_with("#event+code,#date+occurred"));
    // One row per incident: the two reports of the shelling are one event.
    assert_eq!(lines.count(), 1);
    assert!(node.verify().0);
}

async fn bad_reports_are_refused_and_nothing_is_stored(node: Node) {
    let before = node
        .ok(&["log", "--json", "--limit", "1000000"])
        .lines()
        .count();
    let key = node.keys().join("ru-monitor-1.key");
    let key = key.to_str().unwrap();
    let base = [
        "report",
        "--key",
        key,
        "--place",
        "X",
        "--type",
        "shelling",
        "--source",
        "monitor:team",
        "--narrative",
        "n",
    ];
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "--at",
                "2026-01-15T10:00",
                "--lat",
                "33.31",
                "--lon",
                "44.36",
            ],
            "report.location",
        ),
        (
            &[
                "--at",
                "2099-01-01T10:00",
                "--lat",
                "35.44",
                "--lon",
                "36.65",
            ],
            "report.occurred",
        ),
        (
            &[
                "--at",
                "2026-01-15T10:00",
                "--lat",
                "35.44",
                "--lon",
                "36.65",
                "--perpetrator",
                "no-such-group",
            ],
            "report.perpetrator",
        ),
    ];
    for (extra, field) in cases {
        let args: Vec<&str> = base.iter().chain(extra.iter()).copied().collect();
        let output = node.truce(&args);
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(field), "expected {field} in {stderr}");
    }
    let after = node
        .ok(&["log", "--json", "--limit", "1000000"])
        .lines()
        .count();
    assert_eq!(before, after);
}

on_both_backends!(
    two_guarantors_report_one_shelling_and_the_bulletin_says_so,
    bad_reports_are_refused_and_nothing_is_stored,
);

#[test]
fn ingest_skips_the_files_it_cannot_read_with_the_reason_and_goes_on() {
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let texts = tempfile::tempdir().unwrap();
    std::fs::write(texts.path().join("a-binary.txt"), [0u8, 159, 146, 150, 0]).unwrap();
    write(
        texts.path(),
        "b-persian.txt",
        "طرف روسیه در ۲۴ ساعت گذشته هفت مورد تیراندازی را در استان لاذقیه ثبت کرد",
    );
    write(
        texts.path(),
        "c-bulletin.txt",
        "The Russian side registered 7 cases of firing in Latakia \u{2013} 6 and \u{201c}Aleppo\u{201d} \u{2013} 1.",
    );
    write(
        texts.path(),
        "d-russian.txt",
        "Российской стороной зафиксировано 3 обстрела в провинции Деръа.",
    );
    let output = node.truce(&[
        "ingest",
        texts.path().to_str().unwrap(),
        "--published",
        "2020-04-14",
    ]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert!(output.status.success(), "{stdout}{stderr}");
    assert!(
        stderr.contains("a-binary.txt") && stderr.contains("binary input"),
        "{stderr}"
    );
    assert!(
        stderr.contains("b-persian.txt") && stderr.contains("unsupported language: fa"),
        "{stderr}"
    );
    assert!(stdout.contains("2 drafts with candidates"), "{stdout}");
    let russian = node.ok(&["drafts", "show", "2"]);
    assert!(russian.contains("governorate:SY-DR"), "{russian}");
}

#[test]
fn ingested_texts_become_drafts_that_a_member_signs() {
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    node.ok(&["demo", "--days", "1", "--no-serve"]);
    let texts = tempfile::tempdir().unwrap();
    let bulletin = write(
        texts.path(),
        "bulletin.txt",
        "Over the last 24 hours the Russian side registered 7 cases of firing in the provinces of \
         Latakia (6) and Aleppo (1); the Turkish side registered 4 cases of firing in Hama (2) and Idlib (2).",
    );
    let news = write(
        texts.path(),
        "news.txt",
        "Artillery shelling hit the town of Khan Shaykhun in Idlib province on Friday, killing three \
         civilians, local sources said.",
    );
    write(
        texts.path(),
        "empty.txt",
        "The weather was mild on Tuesday and the markets were busy.",
    );
    let output = node.ok(&[
        "ingest",
        texts.path().to_str().unwrap(),
        "--published",
        "2026-01-17",
    ]);
    assert!(output.contains("2 drafts with candidates"), "{output}");
    let shown = node.ok(&["drafts", "show", "1"]);
    assert!(
        shown.contains("[[Latakia (6)|governorate:SY-LA]]"),
        "{shown}"
    );
    assert!(shown.contains("[[Idlib (2)|governorate:SY-ID]]"), "{shown}");
    // Nothing was filed on its own.
    assert!(!node
        .ok(&["log", "--kind", "report_filed", "--from", "0"])
        .contains("Khan"));

    let listed = node.ok(&["drafts", "list"]);
    assert!(listed.contains("event: shelling"), "{listed}");
    let template = node.ok(&["drafts", "template", "2"]);
    let report: serde_json::Value = serde_json::from_str(&template).unwrap();
    assert_eq!(report["type"], "shelling");
    assert_eq!(report["occurred"], "2026-01-16T00:00:00");
    let file = write(texts.path(), "report.json", &template);
    let key = node.keys().join("ru-monitor-1.key");
    let filed = node.ok(&[
        "report",
        "--file",
        file.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(filed.contains("appended report_filed"), "{filed}");
    drop(bulletin);
    drop(news);
}

fn shelling_body(at: &str, lon: f64) -> truce_record::Body {
    let report: truce_model::ReportFields = serde_json::from_value(serde_json::json!({
        "occurred": at,
        "time_precision": "hour",
        "location": {"lat": 35.4414, "lon": lon, "precision": "exact", "place": "Khan Shaykhun"},
        "type": "shelling",
        "clause": null,
        "perpetrator": {"unknown": "artillery"},
        "target": {"unknown": "residential area"},
        "casualties": [],
        "sources": [{"kind": "own_observation", "description": "post 7"}],
        "evidence": [],
        "narrative": "Mortar rounds on the southern outskirts.",
        "observation": null
    }))
    .unwrap();
    truce_record::Body::ReportFiled(truce_model::ReportFiled { report })
}

async fn reports_over_http_reach_the_bulletin(node: Node) {
    let token_output = node.ok(&["token", "create", "--member", "ru-monitor-1"]);
    let token = token_output.lines().last().unwrap().trim().to_string();
    let served = serve(&node);
    let address = served.address.clone();
    let (status, body) = http(&address, "GET", "/healthz", None, None);
    assert_eq!(status, 200, "{body}");

    let keys = node.keys();
    let ru = member_key(&keys.join("ru-monitor-1.key"));
    let tr = member_key(&keys.join("tr-monitor-1.key"));
    let ir = member_key(&keys.join("ir-monitor-1.key"));
    let (status, body) = submit(
        &address,
        &ru,
        next_seq(&address, &token, "ru-monitor-1"),
        shelling_body("2026-01-15T14:30", 36.6497),
    );
    assert_eq!(status, 201, "{body}");
    let filed: serde_json::Value = serde_json::from_str(&body).unwrap();
    let report = filed["position"].as_u64().unwrap();
    let (status, body) = submit(
        &address,
        &tr,
        next_seq(&address, &token, "tr-monitor-1"),
        shelling_body("2026-01-15T15:00", 36.66),
    );
    assert_eq!(status, 201, "{body}");
    let assessment = truce_record::Body::Assessment(truce_model::Assessment {
        incident: truce_model::ReportId(report),
        position: truce_model::Position::Confirmed,
        attributed_to: None,
        reason: "Seen from our post".into(),
        references: vec![],
    });
    let (status, body) = submit(
        &address,
        &ir,
        next_seq(&address, &token, "ir-monitor-1"),
        assessment,
    );
    assert_eq!(status, 201, "{body}");
    // A replayed statement is refused and names the field.
    let (status, body) = submit(&address, &ir, 0, shelling_body("2026-01-15T15:00", 36.66));
    assert_eq!(status, 422, "{body}");

    let path = "/api/v1/bulletin?date=2026-01-15&edition=internal&format=json";
    let (status, _) = http(&address, "GET", path, None, None);
    assert_eq!(status, 401, "the internal edition needs a token");
    let (status, body) = http(&address, "GET", path, Some(&token), None);
    assert_eq!(status, 200, "{body}");
    let bulletin: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(bulletin["parties"][0]["registered"], 1);
    assert_eq!(
        bulletin["parties"][0]["confirmed_by"]["Islamic Republic of Iran"],
        1
    );
    assert_eq!(bulletin["findings"]["confirmed"], 1);
    let (status, body) = http(
        &address,
        "GET",
        "/api/v1/bulletin?date=2026-01-15&format=text",
        None,
        None,
    );
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Russian Federation registered 1 violation in the province of Idlib (1)."),
        "{body}"
    );
    assert!(!body.contains("Mortar rounds"), "{body}");

    // A public proof, checked offline with the node key the API publishes.
    let (_, mechanism) = http(&address, "GET", "/api/v1/mechanism", None, None);
    let node_key = serde_json::from_str::<serde_json::Value>(&mechanism).unwrap()["node_key"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, proof) = http(
        &address,
        "GET",
        &format!("/api/v1/proof/inclusion/{report}"),
        None,
        None,
    );
    assert_eq!(status, 200, "{proof}");
    let file = node.dir.path().join("public-proof.json");
    std::fs::write(&file, proof).unwrap();
    let checked = node.ok(&[
        "proof",
        "check",
        file.to_str().unwrap(),
        "--node-key",
        &node_key,
    ]);
    assert!(checked.starts_with("OK:"), "{checked}");
    drop(served);
    assert!(node.verify().0);
}

on_both_backends!(reports_over_http_reach_the_bulletin);

#[test]
fn a_decision_with_one_objection_is_rejected_and_the_dissent_kept() {
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    node.ok(&["demo", "--days", "1", "--no-serve"]);
    let key = |name: &str| {
        node.keys()
            .join(format!("{name}.key"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let proposed = node.ok(&[
        "propose",
        "--key",
        &key("ru-monitor-1"),
        "--type",
        "measure",
        "--title",
        "Joint notice",
        "--text",
        "Cease fire near Khan Shaykhun within 7 days.",
        "--deadline",
        "2099-01-01T00:00:00Z",
        "--formation",
        "jaysh-al-izza",
        "--step",
        "joint-demarche",
        "--comply-by",
        "2099-01-10",
    ]);
    let decision = format!("D-{}", appended_position(&proposed));
    node.ok(&[
        "vote",
        "--key",
        &key("tr-monitor-1"),
        "--decision",
        &decision,
        "endorse",
    ]);
    let no_reason = node.truce(&[
        "vote",
        "--key",
        &key("ir-monitor-1"),
        "--decision",
        &decision,
        "object",
    ]);
    assert!(!no_reason.status.success());
    assert!(String::from_utf8_lossy(&no_reason.stderr).contains("reason"));
    node.ok(&[
        "vote",
        "--key",
        &key("ir-monitor-1"),
        "--decision",
        &decision,
        "object",
        "--reason",
        "The findings behind it are disputed.",
    ]);
    let listed = node.ok(&["decisions"]);
    assert!(listed.contains("rejected"), "{listed}");
    assert!(
        listed.contains("OBJECTS — The findings behind it are disputed."),
        "{listed}"
    );
    assert!(node.verify().0);
}

#[test]
fn measures_are_suggested_from_confirmed_violations_and_compliance_recorded() {
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    node.ok(&["demo", "--days", "1", "--no-serve"]);
    let key = |name: &str| {
        node.keys()
            .join(format!("{name}.key"))
            .to_str()
            .unwrap()
            .to_string()
    };
    // The demo adopts a notice to Jaysh al-Izza; record that it complied.
    let decisions = node.ok(&["decisions"]);
    let notice = decisions
        .lines()
        .find(|l| l.contains("Joint notice to Jaysh al-Izza"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("{decisions}"))
        .to_string();
    assert!(decisions.contains("adopted"), "{decisions}");
    node.ok(&[
        "comply",
        "--key",
        &key("ir-monitor-1"),
        "--decision",
        &notice,
        "complied",
        "--note",
        "Positions pulled back, verified by our post.",
    ]);
    let measures = node.ok(&["measures"]);
    assert!(measures.contains("Complied"), "{measures}");
    // A rejected or unknown decision takes no compliance record.
    let refused = node.truce(&[
        "comply",
        "--key",
        &key("ir-monitor-1"),
        "--decision",
        "D-1",
        "partly",
        "--note",
        "x",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("decision"));
    assert!(node.verify().0);
}

#[test]
fn exchange_lists_are_sealed_on_the_sender_s_machine_and_sent_once() {
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    node.ok(&["demo", "--days", "1", "--no-serve"]);
    let file = |name: &str| node.keys().join(name).to_str().unwrap().to_string();
    let csv = write(
        node.dir.path(),
        "sought.csv",
        "name_arabic,name_latin,father_name,birth_year,category,woman\n\
         نور الهدى قاسم,Nour al-Huda Qassem,Walid,1995,missing,yes\n\
         ,Bashar Ezzedine,Hamza,1979,detainee,no\n",
    );
    let submit = |path: &Path| {
        node.truce(&[
            "exchange",
            "submit",
            "--key",
            &file("tr-monitor-1.key"),
            "--exchange-key",
            &file("tr-monitor-1.xkey"),
            "--direction",
            "sought",
            "--reference",
            "TR-TEST-1",
            path.to_str().unwrap(),
        ])
    };
    let first = submit(&csv);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    let list = stdout
        .lines()
        .find_map(|l| l.strip_prefix("list "))
        .and_then(|l| l.split(':').next())
        .unwrap()
        .to_string();
    assert!(
        stdout.contains("2 persons sought (1 detainee, 1 missing)"),
        "{stdout}"
    );

    let again = submit(&csv);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("all 2 persons were submitted before"));

    let bad = write(
        node.dir.path(),
        "bad.csv",
        "name_latin,category\nSami Haddad,detainee\nRami Haddad,prisoner\n",
    );
    let refused = submit(&bad);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("line 3") && message.contains("prisoner"),
        "{message}"
    );

    let listed = node.ok(&["exchange", "lists"]);
    assert!(listed.contains(&format!("{list} sought")), "{listed}");
    let log = node.ok(&["log"]);
    for name in ["Qassem", "Ezzedine", "قاسم"] {
        assert!(
            !listed.contains(name) && !log.contains(name),
            "{name} is readable"
        );
    }

    let open = |xkey: &str| node.truce(&["exchange", "open", &list, "--exchange-key", &file(xkey)]);
    for reader in ["tr-monitor-1.xkey", "icrc-delegate-1.xkey"] {
        let opened = open(reader);
        assert!(opened.status.success(), "{reader}");
        assert!(String::from_utf8_lossy(&opened.stdout).contains("Nour al-Huda Qassem"));
    }
    let other_side = open("ru-monitor-1.xkey");
    assert!(!other_side.status.success());
    assert!(String::from_utf8_lossy(&other_side.stderr).contains("cannot open"));

    let matched = node.ok(&[
        "exchange",
        "match",
        "--exchange-key",
        &file("icrc-delegate-1.xkey"),
    ]);
    assert!(matched.contains("candidate matches"), "{matched}");
    let projects = node.ok(&["exchange", "projects"]);
    assert!(
        projects.contains("Exchange 1") && projects.contains("released"),
        "{projects}"
    );
    assert!(node.verify().0);
}

#[test]
fn agreements_zones_meetings_and_documents_from_the_command_line() {
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    node.ok(&["demo", "--days", "1", "--no-serve"]);
    let key = |name: &str| {
        node.keys()
            .join(format!("{name}.key"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let dir = node.dir.path();
    let agreement = write(
        dir,
        "sochi.json",
        r#"{"id": "sochi-2018", "title": "Memorandum on stabilisation", "clauses": [{"id": "art-1", "text": "A demilitarised zone 15 to 20 km deep is set up."}]}"#,
    );
    let zones = write(
        dir,
        "zones.geojson",
        r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"id": "dmz", "name": "Demilitarised zone", "kind": "security", "valid_from": "2018-10-15"},
             "geometry": {"type": "Polygon", "coordinates": [[[36.3, 35.4], [36.9, 35.4], [36.9, 35.6], [36.3, 35.6], [36.3, 35.4]]]}},
            {"type": "Feature", "properties": {"id": "line", "name": "Contact line", "kind": "separation_line", "valid_from": "2018-10-15"},
             "geometry": {"type": "LineString", "coordinates": [[37.0, 35.0], [37.0, 36.0]]}}]}"#,
    );
    let point = write(
        dir,
        "point.geojson",
        r#"{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"id": "p", "name": "P", "kind": "security", "valid_from": "2018-10-15"}, "geometry": {"type": "Point", "coordinates": [36.5, 35.5]}}]}"#,
    );
    let propose = |zones: &Path| {
        node.truce(&[
            "propose",
            "--key",
            &key("ru-monitor-1"),
            "--type",
            "agreement",
            "--title",
            "Sochi memorandum",
            "--text",
            "Adopt the memorandum and its zones.",
            "--deadline",
            "2099-01-01T00:00:00Z",
            "--agreement",
            agreement.to_str().unwrap(),
            "--zones",
            zones.to_str().unwrap(),
        ])
    };
    let refused = propose(&point);
    assert!(!refused.status.success());
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(
        message.contains("features[0]") && message.contains("Polygon or LineString"),
        "{message}"
    );

    let proposed = propose(&zones);
    assert!(
        proposed.status.success(),
        "{}",
        String::from_utf8_lossy(&proposed.stderr)
    );
    let decision = format!(
        "D-{}",
        appended_position(&String::from_utf8_lossy(&proposed.stdout))
    );
    let in_force = |at: &str| node.ok(&["agreements", "--at", at, "--date", "2026-01-01"]);
    assert!(
        !in_force("35.5,36.5").contains("Demilitarised"),
        "not in force before adoption"
    );
    for voter in ["tr-monitor-1", "ir-monitor-1"] {
        node.ok(&[
            "vote",
            "--key",
            &key(voter),
            "--decision",
            &decision,
            "endorse",
        ]);
    }
    assert!(in_force("35.5,36.5").contains("is inside Demilitarised zone (dmz)"));
    assert!(in_force("35.5,37.01").contains("m from Contact line"));

    // The demo adopted the example criteria: compliance needs no file.
    let compliance = node.ok(&["compliance", "--date", "2026-11-20"]);
    assert!(
        compliance.contains("complies") || compliance.contains("FAILS"),
        "{compliance}"
    );
    let held = node.ok(&[
        "meeting",
        "record",
        "--key",
        &key("secretariat"),
        "--level",
        "expert",
        "--status",
        "held",
        "--place",
        "Astana",
        "--date",
        "2026-11-20",
        "--participant",
        "Russian Federation",
        "--participant",
        "Republic of Türkiye",
        "--participant",
        "Islamic Republic of Iran",
        "--observer",
        "United Nations",
        "--agenda",
        "Exchange of detainees",
        "--summary",
        "Working group to meet monthly.",
    ]);
    let meeting = appended_position(&held).to_string();
    let draft = write(
        dir,
        "draft.md",
        "# Exchange regulations\n\n1. Lists go to the intermediary.\n",
    );
    let added = node.ok(&[
        "document",
        "add",
        "--key",
        &key("secretariat"),
        "--document",
        "exchange-regulations",
        "--title",
        "Exchange regulations, draft 1",
        "--meeting",
        &meeting,
        draft.to_str().unwrap(),
    ]);
    let sha = added
        .lines()
        .find_map(|l| l.strip_prefix("version "))
        .unwrap()
        .to_string();
    assert!(
        node.data_dir().join("documents").join(&sha).exists(),
        "the file is kept by its hash"
    );
    node.ok(&[
        "document",
        "approve",
        "--key",
        &key("tr-monitor-1"),
        "--document",
        "exchange-regulations",
        "--sha256",
        &sha,
    ]);
    let observer = node.truce(&[
        "document",
        "approve",
        "--key",
        &key("un-expert-1"),
        "--document",
        "exchange-regulations",
        "--sha256",
        &sha,
    ]);
    assert!(!observer.status.success(), "observers do not approve");
    let listed = node.ok(&["document", "list"]);
    assert!(
        listed.contains("awaiting Russian Federation, Islamic Republic of Iran"),
        "{listed}"
    );
    // A version may be named by a prefix of its hash that names only it.
    let unknown = node.truce(&[
        "document",
        "approve",
        "--key",
        &key("ir-monitor-1"),
        "--document",
        "exchange-regulations",
        "--sha256",
        "not-a-hash",
    ]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no version of exchange-regulations"));
    node.ok(&[
        "document",
        "approve",
        "--key",
        &key("ir-monitor-1"),
        "--document",
        "exchange-regulations",
        "--sha256",
        &sha[..12],
    ]);
    let listed = node.ok(&["document", "list"]);
    let line = listed
        .lines()
        .find(|l| l.contains("Exchange regulations, draft 1"))
        .unwrap();
    assert!(line.ends_with("awaiting Russian Federation"), "{listed}");
    let meetings = node.ok(&["meeting", "list"]);
    assert!(
        meetings.contains("observers: United Nations")
            && meetings.contains("exchange-regulations@"),
        "{meetings}"
    );
    assert!(node.verify().0);
}

/// An exchange key is published once unless rotated on purpose; a witness
/// key that the genesis does not name is refused.
#[tokio::test]
async fn keys_are_not_replaced_or_used_by_mistake() {
    let node = demo(false).await.unwrap();
    let keys = node.keys();
    let key = |name: &str| keys.join(name).to_str().unwrap().to_string();
    let again = node.ok(&[
        "exchange",
        "key",
        "--key",
        &key("ru-monitor-1.key"),
        "--exchange-key",
        &key("ru-monitor-1.xkey"),
    ]);
    assert!(again.contains("already published"), "{again}");
    let fresh = node.dir.path().join("fresh.xkey");
    let refused = node.truce(&[
        "exchange",
        "key",
        "--key",
        &key("ru-monitor-1.key"),
        "--exchange-key",
        fresh.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--rotate"));
    let rotated = node.ok(&[
        "exchange",
        "key",
        "--key",
        &key("ru-monitor-1.key"),
        "--exchange-key",
        fresh.to_str().unwrap(),
        "--rotate",
    ]);
    assert!(rotated.contains("exchange_key_published"), "{rotated}");

    let stranger = node.dir.path().join("stranger.key");
    node.ok(&[
        "keygen",
        "--witness",
        "stranger",
        "--out",
        stranger.to_str().unwrap(),
    ]);
    let refused = node.truce(&[
        "witness",
        "cosign",
        "--key",
        stranger.to_str().unwrap(),
        "--state-dir",
        node.dir.path().join("stranger-state").to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not a witness of this Record"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

/// Every mode under `dir` that others than the owner may use.
fn open_to_others(dir: &Path, found: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let mode = entry.metadata().unwrap().permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            found.push(format!("{} {mode:o}", path.display()));
        }
        if entry.file_type().unwrap().is_dir() {
            open_to_others(&path, found);
        }
    }
}

/// The data directory holds restricted reports, tokens, drafts and
/// evidence: truce keeps all of it to the owner, and says so when a copy
/// made otherwise is looser.
#[tokio::test]
async fn the_data_directory_is_the_owners_alone() {
    let node = demo(false).await.unwrap();
    node.ok(&["token", "create", "--member", "un-expert-1"]);
    let text = write(
        node.dir.path(),
        "bulletin.txt",
        "Russian side registered 3 violations in Idlib.",
    );
    node.ok(&[
        "ingest",
        text.to_str().unwrap(),
        "--published",
        "2026-11-20",
    ]);
    let data = node.data_dir();
    assert_eq!(
        std::fs::metadata(&data).unwrap().permissions().mode() & 0o777,
        0o700
    );
    for name in ["truce.sqlite", "tokens.json", "node.key"] {
        assert!(data.join(name).exists(), "{name}");
    }
    let mut loose = Vec::new();
    open_to_others(&data, &mut loose);
    assert!(loose.is_empty(), "open to others: {loose:?}");

    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let listed = node.truce(&["log", "--limit", "1"]);
    assert!(listed.status.success());
    let said = String::from_utf8_lossy(&listed.stderr);
    assert!(said.contains("warning: others than the owner"), "{said}");
    assert!(said.contains("755"), "{said}");
}

/// An escape sequence in text from outside never reaches the operator's
/// terminal: the Record refuses it in a statement, naming the field, and
/// the CLI shows it escaped where the text came from elsewhere (an
/// ingested article).
#[tokio::test]
async fn escape_sequences_neither_enter_the_record_nor_reach_the_terminal() {
    let node = demo(false).await.unwrap();
    let key = node.keys().join("ru-monitor-1.key");
    let body = write(
        node.dir.path(),
        "note.json",
        r#"{"note": {"text": "Shelling\u001b[2J\rall checks OK", "refers_to": []}}"#,
    );
    let before = node
        .ok(&["log", "--json", "--limit", "1000000"])
        .lines()
        .count();
    let refused = node.truce(&[
        "append",
        body.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("body.note.text"), "{said}");
    assert!(said.contains("control character"), "{said}");
    let after = node
        .ok(&["log", "--json", "--limit", "1000000"])
        .lines()
        .count();
    assert_eq!(before, after);

    // Plain text with raw escapes is refused as binary by the reader; a
    // web page carries them as character references.
    let article = write(
        node.dir.path(),
        "article.html",
        "<html><body><p>Artillery shelling hit the town of Khan Shaykhun in Idlib province \
         on Friday, killing three civilians.&#27;[2J&#27;[H all checks OK</p></body></html>",
    );
    node.ok(&[
        "ingest",
        article.to_str().unwrap(),
        "--published",
        "2026-01-17",
    ]);
    for args in [&["drafts", "list"][..], &["drafts", "show", "1"][..]] {
        let shown = node.ok(args);
        assert!(!shown.contains('\u{1b}'), "{args:?} wrote ESC raw: {shown}");
    }
    assert!(node.ok(&["drafts", "show", "1"]).contains("\\u{1b}[2J"));
}
