//! Witnesses as services on the guarantors' own machines: three `truce
//! witness serve` processes with their own state, one node pushing its
//! checkpoints to them; a witness down, then back; a node restarted that
//! resynchronises every witness by 409.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

mod common;

use common::*;

/// A witness service, stopped on drop.
struct WitnessService {
    child: Child,
    url: String,
}

impl Drop for WitnessService {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn witness(key: &Path, state: &Path, log: &str, port: u16) -> WitnessService {
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(["witness", "serve", "--key"])
        .arg(key)
        .arg("--state")
        .arg(state)
        .args(["--listen", &format!("127.0.0.1:{port}"), "--log", log])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split(" on ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {first:?}"))
        .trim_end_matches('/')
        .to_string();
    std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    WitnessService { child, url }
}

fn cosigned(health: &serde_json::Value, name: &str) -> Option<u64> {
    health["witnesses"]
        .as_array()?
        .iter()
        .find(|w| w["name"] == name)?["cosigned_size"]
        .as_u64()
}

#[tokio::test]
async fn three_witness_services_finalise_and_one_down_is_caught_up() {
    let node = demo(false).await.unwrap();
    let key = node_key(&node);
    let token = observer_token(&node);
    let states = tempfile::tempdir().unwrap();
    let names = ["ru-witness", "tr-witness", "ir-witness"];
    let ports: Vec<u16> = names.iter().map(|_| free_port()).collect();
    let start = |i: usize| {
        witness(
            &node.keys().join(format!("{}.key", names[i])),
            &states.path().join(names[i]),
            &key,
            ports[i],
        )
    };
    let mut services: Vec<Option<WitnessService>> = (0..3).map(|i| Some(start(i))).collect();
    let witness_args = |services: &[Option<WitnessService>]| -> Vec<String> {
        let mut args = vec!["--witness-interval".to_string(), "0.2".to_string()];
        for (i, name) in names.iter().enumerate() {
            let url = services[i]
                .as_ref()
                .map_or(format!("http://127.0.0.1:{}", ports[i]), |s| s.url.clone());
            args.push("--witness".into());
            args.push(format!("{name}={url}"));
        }
        args
    };
    let port = free_port();
    let served = serve_with(&node, port, &witness_args(&services));
    let size = size_of(&served.address);
    let health = wait_for_health(&served.address, "three cosignatures", |_, h| {
        names.iter().all(|n| cosigned(h, n) == Some(size))
    });
    assert_eq!(health["final_size"], size, "{health}");
    let (status, note_text) = http(&served.address, "GET", "/checkpoint", None, None);
    assert_eq!(status, 200);
    for name in names {
        assert!(note_text.contains(&format!("— {name} ")), "{note_text}");
    }

    // One witness down: the node keeps appending, two of three finalise.
    services[2] = None;
    note(
        &served.address,
        &node,
        "ru-monitor-1",
        "while ir-witness is down",
        &token,
    );
    let size = size_of(&served.address);
    let health = wait_for_health(&served.address, "a quorum without ir-witness", |_, h| {
        h["final_size"].as_u64() == Some(size)
            && h["witnesses"]
                .as_array()
                .unwrap()
                .iter()
                .any(|w| w["name"] == "ir-witness" && w["last_error"].is_string())
    });
    assert_eq!(cosigned(&health, "ru-witness"), Some(size), "{health}");
    assert_ne!(cosigned(&health, "ir-witness"), Some(size), "{health}");
    let behind = health["witnesses"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["name"] == "ir-witness")
        .unwrap()["behind_entries"]
        .as_u64()
        .unwrap();
    assert!(behind >= 1, "{health}");

    // It comes back with its own state and is caught up by a proof.
    services[2] = Some(start(2));
    wait_for_health(&served.address, "ir-witness back", |_, h| {
        cosigned(h, "ir-witness") == Some(size)
    });

    // A restarted node knows no witness's size: each 409 tells it.
    drop(served);
    let served = serve_with(&node, port, &witness_args(&services));
    note(
        &served.address,
        &node,
        "tr-monitor-1",
        "after the node's restart",
        &token,
    );
    let size = size_of(&served.address);
    wait_for_health(&served.address, "all three after the restart", |_, h| {
        names.iter().all(|n| cosigned(h, n) == Some(size))
    });

    // A member elsewhere files through the node and waits for finality,
    // keeping the receipt as a C2SP tlog-proof.
    let member_token = {
        let out = node.ok(&["token", "create", "--member", "ru-monitor-1"]);
        out.lines().last().unwrap().trim().to_string()
    };
    let receipt = states.path().join("receipt.tlog-proof");
    let note_file = states.path().join("note.json");
    std::fs::write(
        &note_file,
        r#"{"note": {"text": "filed from afar", "refers_to": []}}"#,
    )
    .unwrap();
    let elsewhere = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let filed = elsewhere.ok(&[
        "--node",
        &format!("http://{}", served.address),
        "--token",
        &member_token,
        "--receipt",
        receipt.to_str().unwrap(),
        "append",
        note_file.to_str().unwrap(),
        "--key",
        node.keys().join("ru-monitor-1.key").to_str().unwrap(),
    ]);
    assert!(filed.contains("final: the checkpoint of size"), "{filed}");
    let policy = states.path().join("policy.txt");
    std::fs::write(&policy, node.ok(&["policy"])).unwrap();
    let checked = elsewhere.ok(&[
        "proof",
        "check",
        receipt.to_str().unwrap(),
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert!(checked.contains("quorum"), "{checked}");
    let size = size_of(&served.address);
    wait_for_health(&served.address, "all three on the member's note", |_, h| {
        names.iter().all(|n| cosigned(h, n) == Some(size))
    });
    drop(served);

    // The Record itself holds the cosignatures: verify calls it final.
    let report = node.ok(&["verify", "--json"]);
    let report: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    assert_eq!(report["final"], true, "{report}");
    assert_eq!(
        report["cosigned_by"].as_array().unwrap().len(),
        3,
        "{report}"
    );

    // Each witness publishes what it cosigned, for anyone to compare.
    use sha2::Digest;
    let origin = key.split('+').next().unwrap();
    let path = format!(
        "/{}/checkpoint",
        hex::encode(sha2::Sha256::digest(origin.as_bytes()))
    );
    for service in services.iter().flatten() {
        let address = service.url.trim_start_matches("http://");
        let (status, seen) = http(address, "GET", &path, None, None);
        assert_eq!(status, 200, "{seen}");
        assert!(seen.starts_with(&format!("{origin}\n{size}\n")), "{seen}");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The node shows one Record to the Russian witness and another, of the
/// same size, to the Turkish one. Each cosigns what it saw; a mirror that
/// compares both witnesses' monitoring checkpoints with what it verified
/// stops and keeps evidence that anyone can check.
#[tokio::test]
async fn a_split_view_is_caught_by_a_mirror_comparing_witnesses() {
    let node = demo(false).await.unwrap();
    let key = node_key(&node);
    let token = observer_token(&node);
    let states = tempfile::tempdir().unwrap();
    let start = |name: &str| {
        witness(
            &node.keys().join(format!("{name}.key")),
            &states.path().join(name),
            &key,
            0,
        )
    };
    let (ru, tr) = (start("ru-witness"), start("tr-witness"));
    let other = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    copy_dir(&node.data_dir(), &other.data_dir());
    let member = node.keys().join("ru-monitor-1.key");
    for (copy, text) in [
        (&node, "version shown to Russia"),
        (&other, "version shown to Türkiye"),
    ] {
        let body = node.dir.path().join("note.json");
        std::fs::write(
            &body,
            format!("{{\"note\": {{\"text\": \"{text}\", \"refers_to\": []}}}}"),
        )
        .unwrap();
        copy.ok(&[
            "append",
            body.to_str().unwrap(),
            "--key",
            member.to_str().unwrap(),
        ]);
    }
    let shown_ru = serve_with(
        &node,
        free_port(),
        &[
            "--witness".into(),
            format!("ru-witness={}", ru.url),
            "--witness-interval".into(),
            "0.2".into(),
        ],
    );
    let shown_tr = serve_with(
        &other,
        free_port(),
        &[
            "--witness".into(),
            format!("tr-witness={}", tr.url),
            "--witness-interval".into(),
            "0.2".into(),
        ],
    );
    let size = size_of(&shown_ru.address);
    assert_eq!(size, size_of(&shown_tr.address));
    wait_for_health(&shown_ru.address, "ru-witness's cosignature", |_, h| {
        cosigned(h, "ru-witness") == Some(size)
    });
    wait_for_health(&shown_tr.address, "tr-witness's cosignature", |_, h| {
        cosigned(h, "tr-witness") == Some(size)
    });

    let mirror = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let out = mirror.truce(&[
        "mirror",
        "--from",
        &format!("http://{}", shown_ru.address),
        "--node-key",
        &key,
        "--token",
        &token,
        "--once",
        "--compare-witness",
        &format!("ru-witness={}", ru.url),
        "--compare-witness",
        &format!("tr-witness={}", tr.url),
    ]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{said}");
    assert!(
        said.contains("SPLIT VIEW") && said.contains("tr-witness"),
        "{said}"
    );
    let evidence = std::fs::read_dir(mirror.data_dir().join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("split-view-tr-witness"))
        .expect("split-view evidence");
    let check = mirror.truce(&[
        "proof",
        "check",
        evidence.to_str().unwrap(),
        "--node-key",
        &key,
    ]);
    let checked = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{checked}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(checked.contains("SPLIT VIEW PROVEN"), "{checked}");
    drop((shown_ru, shown_tr));
}

/// `truce policy` writes the Record's trust policy in C2SP tlog-policy
/// form; an inclusion proof in C2SP tlog-proof form checks against it
/// offline, and fails when the proof or the quorum does not hold.
#[tokio::test]
async fn tlog_proofs_check_against_the_record_s_policy() {
    let node = demo(false).await.unwrap();
    let dir = node.dir.path();
    let policy = node.ok(&["policy", "--log-url", "https://node.example/"]);
    assert!(policy.contains("\nquorum guarantors\n"), "{policy}");
    assert!(
        policy.contains("group guarantors 2 ru-witness tr-witness ir-witness"),
        "{policy}"
    );
    std::fs::write(dir.join("policy.txt"), &policy).unwrap();
    let proof_path = dir.join("entry-3.tlog-proof");
    node.ok(&[
        "proof",
        "inclusion",
        "3",
        "--format",
        "tlog-proof",
        "--out",
        proof_path.to_str().unwrap(),
    ]);
    let proof = std::fs::read_to_string(&proof_path).unwrap();
    assert!(
        proof.starts_with("c2sp.org/tlog-proof@v1\nextra "),
        "{proof}"
    );
    assert!(proof.contains("\nindex 3\n"), "{proof}");
    let check = |path: &Path, policy: &Path| {
        node.truce(&[
            "proof",
            "check",
            path.to_str().unwrap(),
            "--policy",
            policy.to_str().unwrap(),
        ])
    };
    let ok = check(&proof_path, &dir.join("policy.txt"));
    let said = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(
        said.contains("entry 3") && said.contains("quorum"),
        "{said}"
    );

    // A changed proof line, or a quorum nobody met, fails.
    let mut lines: Vec<&str> = proof.lines().collect();
    let hash_line = lines
        .iter()
        .position(|l| l.ends_with('=') && !l.starts_with("extra"))
        .unwrap();
    let flipped = if lines[hash_line].starts_with('A') {
        "B"
    } else {
        "A"
    }
    .to_string()
        + &lines[hash_line][1..];
    lines[hash_line] = &flipped;
    let bad = dir.join("bad.tlog-proof");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    assert!(!check(&bad, &dir.join("policy.txt")).status.success());
    let stricter = policy.replace(
        "quorum guarantors",
        &format!(
            "witness outsider {}\ngroup everyone all guarantors outsider\nquorum everyone",
            truce_record::Cosigner::generate("outsider")
                .unwrap()
                .verifier_key()
        ),
    );
    std::fs::write(dir.join("stricter.txt"), stricter).unwrap();
    let refused = check(&proof_path, &dir.join("stricter.txt"));
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("quorum"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}
