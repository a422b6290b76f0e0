//! Members on their own machines: the CLI signs locally and files through
//! a served node (`--node`), while the node keeps its data directory to
//! itself — a local write or a second node beside it is refused at once.

mod common;

use common::*;

fn token_for(node: &Node, member: &str) -> String {
    let out = node.ok(&["token", "create", "--member", member]);
    out.lines().last().unwrap().trim().to_string()
}

#[tokio::test]
async fn members_file_through_the_node_and_nothing_writes_beside_it() {
    let node = demo(false).await.unwrap();
    let ru_token = token_for(&node, "ru-monitor-1");
    let operator_token = token_for(&node, "secretariat");
    let served = serve(&node);
    let url = format!("http://{}", served.address);
    let elsewhere = tempfile::tempdir().unwrap();
    // A member elsewhere: no data directory of the Record on this machine.
    let remote = Node {
        dir: elsewhere,
        database: None,
    };
    let key = node.keys().join("ru-monitor-1.key");
    let mut args = vec!["--node", &url, "--token", &ru_token, "--wait", "0.5"];
    args.extend(shelling_report(
        key.to_str().unwrap(),
        "2026-11-20T14:30",
        "Mortar rounds on the southern outskirts.",
    ));
    args.extend(["--target", "unknown:residential area"]);
    let filed = remote.ok(&args);
    let position = filed
        .split("at position ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("{filed}"));
    assert!(
        filed.contains(&format!("filed report R-{position} ")),
        "{filed}"
    );
    assert!(!remote.data_dir().join("truce.sqlite").exists());
    let (status, report) = http(
        &served.address,
        "GET",
        &format!("/api/v1/reports/R-{position}"),
        Some(&ru_token),
        None,
    );
    assert_eq!(status, 200, "{report}");
    assert!(report.contains("Khan Shaykhun"), "{report}");

    // Refusals come back with the field and the node's reason.
    let refused = remote.truce(&[
        "--node",
        &url,
        "--token",
        &ru_token,
        "--wait",
        "0",
        "formation",
        "status",
        "--id",
        "no-such-formation",
        "--status",
        "excluded",
        "--from",
        "2026-11-01",
        "--reference",
        "test",
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("the node refused it"), "{said}");

    // Beside the serving node, a local write and a second node are refused
    // at once, naming --node.
    let local = node.truce(&[
        "formation",
        "register",
        "--id",
        "x",
        "--name",
        "X",
        "--side",
        "other",
        "--key",
        key.to_str().unwrap(),
    ]);
    assert!(!local.status.success());
    let said = String::from_utf8_lossy(&local.stderr);
    assert!(said.contains(&format!("use --node {url}")), "{said}");
    let second = node.truce(&["serve", "--listen", "127.0.0.1:0"]);
    assert!(!second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("a node is serving this Record"));

    // A member admitted through the node files at once, with no restart.
    let new_key = remote.dir.path().join("tr-monitor-2.key");
    remote.ok(&["keygen", "--out", new_key.to_str().unwrap()]);
    let public_key = {
        let file: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&new_key).unwrap()).unwrap();
        file["public_key"].as_str().unwrap().to_string()
    };
    let admit = remote.dir.path().join("admit.json");
    std::fs::write(
        &admit,
        format!(r#"{{"member_admitted": {{"member": "tr-monitor-2", "party": "Republic of Türkiye", "role": "guarantor_member", "public_key": "{public_key}"}}}}"#),
    )
    .unwrap();
    remote.ok(&[
        "--node",
        &url,
        "--token",
        &operator_token,
        "--wait",
        "0",
        "append",
        admit.to_str().unwrap(),
        "--key",
        node.keys().join("secretariat.key").to_str().unwrap(),
    ]);
    let note = remote.dir.path().join("note.json");
    std::fs::write(
        &note,
        r#"{"note": {"text": "First note of a new monitor", "refers_to": []}}"#,
    )
    .unwrap();
    let filed = remote.ok(&[
        "--node",
        &url,
        "--token",
        &ru_token,
        "--wait",
        "0",
        "append",
        note.to_str().unwrap(),
        "--key",
        new_key.to_str().unwrap(),
    ]);
    assert!(filed.contains("filed note at position"), "{filed}");
    // Three members file at once, each from its own processes.
    let before = size_of(&served.address);
    let writers: Vec<_> = ["ru-monitor-1", "tr-monitor-1", "ir-monitor-1"]
        .into_iter()
        .map(|member| {
            let token = token_for(&node, member);
            let key = node.keys().join(format!("{member}.key"));
            let note = remote.dir.path().join(format!("{member}.json"));
            std::fs::write(
                &note,
                format!(r#"{{"note": {{"text": "{member} reporting", "refers_to": []}}}}"#),
            )
            .unwrap();
            let url = url.clone();
            let cache = remote.dir.path().join("cache");
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let out = std::process::Command::new(env!("CARGO_BIN_EXE_truce"))
                        .env("TRUCE_CACHE_DIR", &cache)
                        .args(["--node", &url, "--token", &token, "--wait", "0", "append"])
                        .arg(&note)
                        .arg("--key")
                        .arg(&key)
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().unwrap();
    }
    assert_eq!(size_of(&served.address), before + 30);
    drop(served);
    let (passed, report) = node.verify();
    assert!(passed, "{report}");
    // Once the node stops, the directory is writable again.
    node.ok(&[
        "formation",
        "register",
        "--id",
        "x-after",
        "--name",
        "X after",
        "--side",
        "other",
        "--key",
        key.to_str().unwrap(),
    ]);
}

#[tokio::test]
async fn evidence_files_travel_with_a_remote_report() {
    let node = demo(false).await.unwrap();
    let ru_token = token_for(&node, "ru-monitor-1");
    let un_token = observer_token(&node);
    let served = serve_with(&node, 0, &["--evidence-limit".into(), "4096".into()]);
    let url = format!("http://{}", served.address);
    let remote = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let photo: Vec<u8> = (0..3000u32).map(|i| (i * 7 % 256) as u8).collect();
    let file = remote.dir.path().join("file.jpg");
    std::fs::write(&file, &photo).unwrap();
    let key = node.keys().join("ru-monitor-1.key");
    let report = |token: &str, key: &std::path::Path, evidence: &std::path::Path| {
        let mut args = vec!["--node", &url, "--token", token, "--wait", "0"];
        args.extend(shelling_report(
            key.to_str().unwrap(),
            "2026-11-20T14:30",
            "Mortar rounds; the crater photographed.",
        ));
        args.extend(["--evidence", evidence.to_str().unwrap()]);
        remote.truce(&args)
    };
    let filed = report(&ru_token, &key, &file);
    let said = String::from_utf8_lossy(&filed.stdout);
    assert!(
        filed.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&filed.stderr)
    );
    let position = said
        .split("filed report R-")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("{said}"));
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&photo))
    };
    let stored = node
        .data_dir()
        .join("blobs")
        .join(&sha256[..2])
        .join(&sha256);
    assert_eq!(std::fs::read(&stored).unwrap(), photo);
    // The report names it; members download it.
    let (status, body) = http(
        &served.address,
        "GET",
        &format!("/api/v1/reports/R-{position}"),
        Some(&ru_token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let view: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(view["fields"]["evidence"][0]["sha256"], sha256.as_str());
    assert_eq!(view["fields"]["evidence"][0]["media_type"], "image/jpeg");
    let (status, headers, bytes) = http_bytes(
        &served.address,
        "GET",
        &format!("/api/v1/evidence/{sha256}"),
        Some(&un_token),
        b"",
    );
    assert_eq!(status, 200);
    assert_eq!(bytes, photo);
    assert!(headers.contains(&("content-type".into(), "image/jpeg".into())));

    // Clear refusals: over the node's limit, and from an observer.
    let large = remote.dir.path().join("video.mp4");
    std::fs::write(&large, vec![1u8; 5000]).unwrap();
    let refused = report(&ru_token, &key, &large);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("too large") && said.contains("4096 bytes"),
        "{said}"
    );
    let observer_key = node.keys().join("un-expert-1.key");
    let refused = report(&un_token, &observer_key, &file);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("refused the evidence upload") && said.contains("guarantor"),
        "{said}"
    );

    // Filed on the node's own machine, the file goes to the same place.
    drop(served);
    let local = remote.dir.path().join("map.png");
    std::fs::write(&local, b"a sketch of the positions").unwrap();
    let mut args = shelling_report(
        key.to_str().unwrap(),
        "2026-11-20T15:00",
        "The positions sketched.",
    );
    args.extend(["--evidence", local.to_str().unwrap()]);
    node.ok(&args);
    let sha256 = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(b"a sketch of the positions"))
    };
    let stored = node
        .data_dir()
        .join("blobs")
        .join(&sha256[..2])
        .join(&sha256);
    assert_eq!(
        std::fs::read(&stored).unwrap(),
        b"a sketch of the positions"
    );
}

/// Every item of a paged API listing, page by page.
fn api_items(address: &str, path: &str, token: &str) -> Vec<serde_json::Value> {
    let mut items = Vec::new();
    let mut offset = 0;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let (status, body) = http(
            address,
            "GET",
            &format!("{path}{separator}limit=1000&offset={offset}"),
            Some(token),
            None,
        );
        assert_eq!(status, 200, "{path}: {body}");
        let page: serde_json::Value = serde_json::from_str(&body).unwrap();
        items.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_offset"].as_u64() {
            Some(next) => offset = next,
            None => return items,
        }
    }
}

fn json_lines(text: &str) -> Vec<serde_json::Value> {
    text.lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

/// One query layer: the CLI, on the node's own directory beside the
/// serving node or on a member's verified copy through `--node`, answers
/// with the objects the node's API serves for the same filters.
#[tokio::test]
async fn the_cli_and_the_api_answer_the_same_queries_alike() {
    let node = demo(false).await.unwrap();
    let token = token_for(&node, "ru-monitor-1");
    let served = serve(&node);
    let url = format!("http://{}", served.address);
    let elsewhere = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let remote = |args: &[&str]| {
        let mut all = vec!["--node", &url, "--token", &token];
        all.extend_from_slice(args);
        elsewhere.ok(&all)
    };
    // A token made beside the serving node, while it runs: reads of the
    // directory no longer race the node's commits.
    token_for(&node, "tr-monitor-1");

    let cases: [(&[&str], &str); 5] = [
        (&["incidents", "--json"], "/api/v1/incidents"),
        (
            &["incidents", "--json", "--finding", "confirmed_violation"],
            "/api/v1/incidents?finding=confirmed_violation",
        ),
        (
            &[
                "incidents",
                "--json",
                "--type",
                "shelling",
                "--from",
                "2000-01-01",
            ],
            "/api/v1/incidents?type=shelling&from=2000-01-01",
        ),
        (&["decisions", "--json"], "/api/v1/decisions"),
        (
            &[
                "decisions",
                "--json",
                "--status",
                "adopted",
                "--type",
                "criteria",
            ],
            "/api/v1/decisions?status=adopted&type=criteria",
        ),
    ];
    for (args, path) in cases {
        let expected = api_items(&served.address, path, &token);
        assert!(
            !expected.is_empty() || path.contains("type=criteria"),
            "{path} lists nothing in the demo"
        );
        let local = json_lines(&node.ok(args));
        let through_node = json_lines(&remote(args));
        assert_eq!(local, expected, "local {args:?} against {path}");
        assert_eq!(through_node, expected, "--node {args:?} against {path}");
    }
    let confirmed = api_items(
        &served.address,
        "/api/v1/incidents?finding=confirmed_violation",
        &token,
    );
    assert!(confirmed
        .iter()
        .all(|f| f["finding"]["finding"] == "confirmed_violation"));

    for (args, path) in [
        (
            &["exchange", "lists", "--json"][..],
            "/api/v1/exchange/lists",
        ),
        (
            &["exchange", "projects", "--json"][..],
            "/api/v1/exchange/projects",
        ),
    ] {
        let (status, body) = http(&served.address, "GET", path, Some(&token), None);
        assert_eq!(status, 200, "{body}");
        let expected: Vec<serde_json::Value> = serde_json::from_str(&body).unwrap();
        assert!(!expected.is_empty(), "{path}");
        assert_eq!(json_lines(&node.ok(args)), expected, "{args:?}");
        assert_eq!(json_lines(&remote(args)), expected, "--node {args:?}");
    }

    // A filter the CLI cannot parse is refused with the flag's name.
    let refused = elsewhere.truce(&[
        "--node",
        &url,
        "--token",
        &token,
        "incidents",
        "--finding",
        "maybe",
    ]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("--finding"), "{said}");
}

/// Complaints from outside, handled from the command line: one sent to the
/// node over HTTP is listed, taken up through a template that names its
/// text as evidence and signed as a report through the node, another is
/// declined from a member's own machine; the complainant sees each status.
#[tokio::test]
async fn complaints_are_taken_up_or_declined_from_the_command_line() {
    let node = demo(false).await.unwrap();
    let ru_token = token_for(&node, "ru-monitor-1");
    let tr_token = token_for(&node, "tr-monitor-1");
    let served = serve(&node);
    let url = format!("http://{}", served.address);
    let send = |text: &str| {
        let form = serde_json::json!({
            "text": text,
            "place": "Khan Shaykhun",
            "occurred": "2026-11-19",
            "from": "a farmer",
        });
        let (status, body) = http(
            &served.address,
            "POST",
            "/api/v1/complaints",
            None,
            Some(&form.to_string()),
        );
        assert_eq!(status, 201, "{body}");
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        answer["reference"].as_str().unwrap().to_string()
    };
    let status_of = |reference: &str| {
        let (_, body) = http(
            &served.address,
            "GET",
            &format!("/api/v1/complaints/{reference}"),
            None,
            None,
        );
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let shelled = send("Shells landed in our olive grove west of the town this morning.");
    let vague = send("Something happened somewhere.");

    // Read beside the serving node, from its data directory.
    let listed = node.ok(&["complaints", "list", "--waiting"]);
    assert!(
        listed.contains(&shelled) && listed.contains(&vague),
        "{listed}"
    );
    assert!(listed.contains("olive grove"), "{listed}");

    let template = node.ok(&[
        "--node",
        &url,
        "--token",
        &ru_token,
        "complaints",
        "template",
        &shelled,
    ]);
    let mut report: serde_json::Value = serde_json::from_str(&template).unwrap();
    assert_eq!(
        report["evidence"][0]["media_type"],
        "application/vnd.truce.complaint+json"
    );
    assert!(
        (report["location"]["lat"].as_f64().unwrap() - 35.47).abs() < 0.1,
        "the place found in the gazetteer: {report}"
    );
    report["type"] = "shelling".into();
    let file = node.dir.path().join("from-complaint.json");
    std::fs::write(&file, report.to_string()).unwrap();
    let key = node.keys().join("ru-monitor-1.key");
    node.ok(&[
        "--node",
        &url,
        "--token",
        &ru_token,
        "report",
        "--file",
        file.to_str().unwrap(),
        "--key",
        key.to_str().unwrap(),
    ]);
    assert_eq!(status_of(&shelled), "adopted");

    let tr_key = node.keys().join("tr-monitor-1.key");
    node.ok(&[
        "--node",
        &url,
        "--token",
        &tr_token,
        "complaints",
        "decline",
        &vague,
        "--reason",
        "No place or time to verify.",
        "--key",
        tr_key.to_str().unwrap(),
    ]);
    assert_eq!(status_of(&vague), "declined");
    let listed = node.ok(&["complaints", "list"]);
    assert!(
        listed.contains("declined: No place or time to verify."),
        "{listed}"
    );
    assert!(listed.contains("adopted as R-"), "{listed}");
    let again = node.truce(&[
        "--node",
        &url,
        "--token",
        &tr_token,
        "complaints",
        "template",
        &vague,
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("declined already"));
}

/// A request for clarification from the command line: asked through the
/// node by one guarantor, answered by the party asked, listed on the
/// node's own copy with its state.
#[tokio::test]
async fn a_request_is_asked_and_answered_from_the_command_line() {
    let node = demo(false).await.unwrap();
    let ru_token = token_for(&node, "ru-monitor-1");
    let tr_token = token_for(&node, "tr-monitor-1");
    let served = serve(&node);
    let url = format!("http://{}", served.address);
    let (status, body) = http(
        &served.address,
        "GET",
        "/api/v1/reports?limit=1",
        Some(&ru_token),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let reports: serde_json::Value = serde_json::from_str(&body).unwrap();
    let incident = reports["items"][0]["name"].as_str().unwrap().to_string();
    let ru_key = node.keys().join("ru-monitor-1.key");
    let asked = node.ok(&[
        "--node",
        &url,
        "--token",
        &ru_token,
        "request",
        "ask",
        "--key",
        ru_key.to_str().unwrap(),
        "--to",
        "Republic of Türkiye",
        "--incident",
        &incident,
        "--question",
        "Which unit held the post at the time?",
        "--reply-by",
        "48h",
    ]);
    let position = asked
        .split("at position ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{asked}"))
        .to_string();
    let refused = node.truce(&[
        "--node",
        &url,
        "--token",
        &ru_token,
        "request",
        "answer",
        "--key",
        ru_key.to_str().unwrap(),
        &format!("Q-{position}"),
        "--answer",
        "Ours.",
    ]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("asked of Republic of Türkiye"));
    let tr_key = node.keys().join("tr-monitor-1.key");
    node.ok(&[
        "--node",
        &url,
        "--token",
        &tr_token,
        "request",
        "answer",
        "--key",
        tr_key.to_str().unwrap(),
        &format!("Q-{position}"),
        "--answer",
        "A border guard post; no fire reported.",
    ]);
    let listed = node.ok(&["requests", "--state", "answered"]);
    assert!(
        listed.contains(&format!("Q-{position} answered")),
        "{listed}"
    );
    assert!(listed.contains("A border guard post"), "{listed}");
    let none = node.ok(&["requests", "--state", "overdue"]);
    assert!(none.trim().is_empty(), "{none}");
}

/// A verification case from the command line, each party with its own key
/// through the node: opened on an incident, tasked, visited with a
/// team's notes uploaded as evidence (which the node then serves, since the
/// Record names it), and closed by the three parties' positions.
#[tokio::test]
async fn a_case_goes_from_opening_to_finding_from_the_command_line() {
    let node = demo(false).await.unwrap();
    let served = serve(&node);
    let url = format!("http://{}", served.address);
    let token = |member: &str| token_for(&node, member);
    let key = |member: &str| {
        node.keys()
            .join(format!("{member}.key"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let (status, body) = http(
        &served.address,
        "GET",
        "/api/v1/reports?limit=1",
        Some(&token("ru-monitor-1")),
        None,
    );
    assert_eq!(status, 200, "{body}");
    let reports: serde_json::Value = serde_json::from_str(&body).unwrap();
    let incident = reports["items"][0]["name"].as_str().unwrap().to_string();
    let as_member = |member: &str, args: &[&str]| {
        let mut all = vec![
            "--node".to_string(),
            url.clone(),
            "--token".to_string(),
            token(member),
            "case".to_string(),
        ];
        all.extend(args.iter().map(|a| a.to_string()));
        all.push("--key".into());
        all.push(key(member));
        all
    };
    let run = |args: Vec<String>| {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        node.truce(&refs)
    };
    let opened = run(as_member(
        "ru-monitor-1",
        &[
            "open",
            "--incident",
            &incident,
            "--question",
            "Did the rounds come from the positions west of the town?",
        ],
    ));
    let said = String::from_utf8_lossy(&opened.stdout).to_string();
    assert!(
        opened.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&opened.stderr)
    );
    let case = said
        .split("case ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{said}"))
        .to_string();
    assert!(case.starts_with("V-"), "{said}");

    // No visit before a team is tasked: refused, with the reason.
    let photo = node.dir.path().join("visit-notes.txt");
    let notes = "Impact point 1: 35.9301 N 36.6312 E, crater 40 cm, facing west.";
    std::fs::write(&photo, notes).unwrap();
    let visit_args = [
        "visit",
        &case,
        "--place",
        "Market street",
        "--lat",
        "35.93",
        "--lon",
        "36.63",
        "--who",
        "team lead",
        "--who",
        "interpreter",
        "--interviews",
        "3",
        "--evidence",
        photo.to_str().unwrap(),
        "--summary",
        "Two impact points; three shop owners heard the rounds.",
    ];
    let early = run(as_member("ir-monitor-1", &visit_args));
    assert!(!early.status.success());
    assert!(
        String::from_utf8_lossy(&early.stderr).contains("no team tasked"),
        "{}",
        String::from_utf8_lossy(&early.stderr)
    );
    let tasked = run(as_member(
        "tr-monitor-1",
        &[
            "task",
            &case,
            "--team",
            "Joint team Idlib-1",
            "--instructions",
            "Photograph the impact points, interview the shop owners.",
        ],
    ));
    assert!(
        tasked.status.success(),
        "{}",
        String::from_utf8_lossy(&tasked.stderr)
    );
    let visited = run(as_member("ir-monitor-1", &visit_args));
    assert!(
        visited.status.success(),
        "{}",
        String::from_utf8_lossy(&visited.stderr)
    );

    let bad = run(as_member(
        "ru-monitor-1",
        &["position", &case, "--severity", "grave", "--reason", "?"],
    ));
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("serious_violation"),
        "the refusal lists the scale: {}",
        String::from_utf8_lossy(&bad.stderr)
    );
    for member in ["ru-monitor-1", "tr-monitor-1", "ir-monitor-1"] {
        let stated = run(as_member(
            member,
            &[
                "position",
                &case,
                "--severity",
                "relevant_incident",
                "--reason",
                "Rounds landed, but on an empty street and from no known position.",
            ],
        ));
        assert!(
            stated.status.success(),
            "{}",
            String::from_utf8_lossy(&stated.stderr)
        );
    }

    // The node's copy, read by the CLI: closed, with the visit and its evidence.
    let listed = node.ok(&["cases", "--step", "closed"]);
    assert!(listed.contains(&case), "{listed}");
    assert!(listed.contains("relevant_incident"), "{listed}");
    let shown = node.ok(&["case", "show", &case, "--json"]);
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["finding"]["severity"], "relevant_incident");
    assert_eq!(shown["visits"][0]["team_members"][1], "interpreter");
    let sha256 = shown["visits"][0]["evidence"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, photo_back) = http(
        &served.address,
        "GET",
        &format!("/api/v1/evidence/{sha256}"),
        Some(&token("ru-monitor-1")),
        None,
    );
    assert_eq!(
        status, 200,
        "the node serves the visit's evidence: {photo_back}"
    );
}
