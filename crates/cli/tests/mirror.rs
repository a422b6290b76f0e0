//! Guarantors' mirrors, end to end: real `truce serve` and `truce mirror`
//! processes on loopback, SQLite and PostgreSQL copies, a node that dies
//! and a mirror killed -9 mid-catch-up, an operator who rewrites history,
//! and a node whose stored bytes were changed.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod common;

use common::*;

/// An empty data directory for a mirror, on SQLite or PostgreSQL.
async fn empty(postgres: bool) -> Option<Node> {
    let database = if postgres {
        Some(postgres_url().await?)
    } else {
        None
    };
    Some(Node {
        dir: tempfile::tempdir().unwrap(),
        database,
    })
}

fn mirror_once(mirror: &Node, from: &str, key: &str, token: &str) -> std::process::Output {
    mirror.truce(&[
        "mirror",
        "--from",
        from,
        "--node-key",
        key,
        "--token",
        token,
        "--once",
    ])
}

/// Appends `per_key` notes for each of three members, with no node serving.
fn stress(node: &Node, per_key: u64) {
    let keys = node.keys();
    let count = per_key.to_string();
    let args: Vec<String> = [
        "stress",
        "--count",
        &count,
        "--key",
        keys.join("ru-monitor-1.key").to_str().unwrap(),
        "--key",
        keys.join("tr-monitor-1.key").to_str().unwrap(),
        "--key",
        keys.join("ir-monitor-1.key").to_str().unwrap(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    node.ok(&args);
}

/// A `truce mirror` that keeps following and serves its copy.
struct Following {
    child: Child,
    address: String,
    _lines: std::sync::mpsc::Receiver<String>,
}

impl Drop for Following {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn follow(mirror: &Node, from: &str, key: &str, token: &str) -> Following {
    let mut command = Command::new(env!("CARGO_BIN_EXE_truce"));
    command
        .arg("--data-dir")
        .arg(mirror.data_dir())
        .args([
            "mirror",
            "--from",
            from,
            "--node-key",
            key,
            "--token",
            token,
        ])
        .args(["--interval", "0.2", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = &mirror.database {
        command.arg("--database").arg(url);
    }
    let mut child = command.spawn().unwrap();
    let (send, lines) = std::sync::mpsc::channel();
    for stream in [
        Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
        Box::new(child.stderr.take().unwrap()),
    ] {
        let send = send.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stream).lines().map_while(Result::ok) {
                let _ = send.send(line);
            }
        });
    }
    let mut address = None;
    while address.is_none() {
        let line = lines
            .recv_timeout(Duration::from_secs(60))
            .expect("the mirror printed where it serves");
        address = line
            .split("serving the copy read-only on http://")
            .nth(1)
            .map(|rest| rest.trim_end_matches('/').to_string());
    }
    Following {
        child,
        address: address.unwrap(),
        _lines: lines,
    }
}

#[tokio::test]
async fn a_node_and_two_mirrors_follow_ten_thousand_statements() {
    let node = demo(false).await.unwrap();
    stress(&node, 3_334);
    let key = node_key(&node);
    let token = observer_token(&node);
    let port = free_port();
    let served = serve_on(&node, port);
    let from = format!("http://{}", served.address);

    let sqlite = empty(false).await.unwrap();
    let out = mirror_once(&sqlite, &from, &key, &token);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("up to date"), "{said}");
    // The copy's state is saved beside it, for its next run and its reads.
    for saved in ["register.saved", "membership.saved"] {
        assert!(sqlite.data_dir().join(saved).exists(), "{saved}");
    }
    assert_eq!(root(&sqlite), root(&node));
    assert!(!sqlite.data_dir().join("node.key").exists());

    // The second copy follows continuously, into PostgreSQL when one runs.
    let second = match empty(true).await {
        Some(pg) => pg,
        None => empty(false).await.unwrap(),
    };
    let following = follow(&second, &from, &key, &token);
    let behind = size_of(&served.address);
    wait_for_health(&following.address, "the catch-up", |_, h| {
        h["size"].as_u64() == Some(behind)
    });
    for i in 0..5 {
        note(
            &served.address,
            &node,
            "ru-monitor-1",
            &format!("after {i}"),
            &token,
        );
    }
    let size = size_of(&served.address);
    let health = wait_for_health(&following.address, "new entries", |_, h| {
        h["size"].as_u64() == Some(size)
    });
    assert_eq!(health["mirror"]["behind_entries"], 0, "{health}");
    // A mirror takes no statements: it names the node to send them to.
    let key_file = member_key(&node.keys().join("tr-monitor-1.key"));
    let body: truce_record::Body =
        serde_json::from_value(serde_json::json!({"note": {"text": "x", "refers_to": []}}))
            .unwrap();
    let (status, answer) = submit(&following.address, &key_file, 0, body);
    assert_eq!(status, 409, "{answer}");
    assert!(answer.contains(&from), "{answer}");

    // Same checkpoint, same derived bytes on every copy. A mirror's readers
    // hold tokens of the mirror's own.
    let mirror_token = observer_token(&second);
    for path in [
        "/api/v1/bulletin?format=json&edition=internal",
        "/api/v1/bulletin?format=csv",
        "/api/v1/incidents.geojson?edition=internal",
        "/checkpoint",
    ] {
        let (a, on_node) = http(&served.address, "GET", path, Some(&token), None);
        let (b, on_mirror) = http(&following.address, "GET", path, Some(&mirror_token), None);
        assert_eq!((a, b), (200, 200), "{path}: {on_node} / {on_mirror}");
        assert_eq!(on_node, on_mirror, "{path}");
    }
    drop(following);
    let out = mirror_once(&sqlite, &from, &key, &token);
    assert!(out.status.success());
    assert_eq!(root(&sqlite), root(&node));
    assert_eq!(root(&second), root(&node));
    let on_node = node.ok(&["bulletin", "--format", "json"]);
    assert_eq!(sqlite.ok(&["bulletin", "--format", "json"]), on_node);
    assert_eq!(second.ok(&["bulletin", "--format", "json"]), on_node);
    assert_eq!(
        sqlite.ok(&["export", "--format", "geojson", "--edition", "public"]),
        node.ok(&["export", "--format", "geojson", "--edition", "public"])
    );
    // Appending on a copy is refused with the node's address.
    let refused = sqlite.truce(&[
        "formation",
        "register",
        "--id",
        "x",
        "--name",
        "X",
        "--side",
        "other",
        "--key",
        node.keys().join("ru-monitor-1.key").to_str().unwrap(),
    ]);
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("is a mirror of"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
}

#[tokio::test]
async fn a_mirror_rides_out_a_dead_node_and_its_own_kill_9() {
    let node = demo(false).await.unwrap();
    stress(&node, 8_400);
    let total = {
        let log = node.ok(&["verify", "--json"]);
        serde_json::from_str::<serde_json::Value>(log.trim()).unwrap()["entries"]
            .as_u64()
            .unwrap()
    };
    let key = node_key(&node);
    let token = observer_token(&node);
    let port = free_port();
    let served = serve_on(&node, port);
    let from = format!("http://{}", served.address);

    // Killed -9 right after its first chunk was durable, mid-catch-up.
    let mirror = empty(false).await.unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .arg("--data-dir")
        .arg(mirror.data_dir())
        .args([
            "mirror",
            "--from",
            &from,
            "--node-key",
            &key,
            "--token",
            &token,
            "--once",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    loop {
        let line = lines
            .next()
            .expect("the mirror said it stored a chunk")
            .unwrap();
        if line.starts_with("stored 10000 of") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    drop(lines);

    let out = mirror_once(&mirror, &from, &key, &token);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{said}");
    // It took up what it had stored without checking it again, and checked
    // only the rest.
    let verified_line = said.lines().find(|l| l.starts_with("verified")).unwrap();
    let numbers: Vec<u64> = verified_line
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|n| n.parse().ok())
        .collect();
    let (verified, resumed) = (numbers[0], numbers[1]);
    assert!(resumed >= 10_000, "{said}");
    assert_eq!(verified + resumed, total, "{said}");
    assert_eq!(root(&mirror), root(&node));

    // The node dies while the mirror follows; it comes back on its port.
    let following = follow(&mirror, &from, &key, &token);
    drop(served);
    let health = wait_for_health(&following.address, "the node to be missed", |_, h| {
        h["mirror"]["last_error"].is_string()
    });
    assert!(
        health["mirror"]["last_error"]
            .as_str()
            .unwrap()
            .contains("cannot reach"),
        "{health}"
    );
    let served = serve_on(&node, port);
    for i in 0..3 {
        note(
            &served.address,
            &node,
            "ir-monitor-1",
            &format!("back {i}"),
            &token,
        );
    }
    let size = size_of(&served.address);
    wait_for_health(
        &following.address,
        "the entries after the restart",
        |_, h| h["size"].as_u64() == Some(size) && h["mirror"]["last_error"].is_null(),
    );
    drop(following);
    assert_eq!(root(&mirror), root(&node));
}

/// The operator's rewrite: entry `position` changed, the tree recomputed
/// and every checkpoint re-signed with the node key, in the node's store.
async fn rewrite_history(node: &Node, position: u64) {
    use truce_record::{CheckpointSigner, MerkleLog, SignedStatement};
    let secret = std::fs::read_to_string(node.data_dir().join("node.key")).unwrap();
    let signer = CheckpointSigner::from_secret(&secret).unwrap();
    let path = node.data_dir().join("truce.sqlite");
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let rows: Vec<(i64, Vec<u8>, Vec<u8>)> =
        sqlx::query_as("SELECT position, statement, signature FROM entries ORDER BY position")
            .fetch_all(&pool)
            .await
            .unwrap();
    let mut log = MerkleLog::new();
    for (at, statement, signature) in rows {
        let mut statement = statement;
        if at as u64 == position {
            let text = String::from_utf8(statement).unwrap();
            statement = text.replacen("Tehran", "Ankara", 1).into_bytes();
            sqlx::query("UPDATE entries SET statement = $1 WHERE position = $2")
                .bind(&statement)
                .bind(at)
                .execute(&pool)
                .await
                .unwrap();
        }
        let signed = SignedStatement::new(statement, signature.try_into().unwrap());
        log.append(signed.leaf_hash());
    }
    sqlx::query("DELETE FROM tree_hash_runs")
        .execute(&pool)
        .await
        .unwrap();
    let hashes: Vec<u8> = log
        .stored_hashes_in(0..log.stored_count())
        .unwrap()
        .iter()
        .flat_map(|h| h.0)
        .collect();
    sqlx::query("INSERT INTO tree_hash_runs (first_index, hashes) VALUES (0, $1)")
        .bind(hashes)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM cosignatures")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM checkpoints")
        .execute(&pool)
        .await
        .unwrap();
    let checkpoint = signer.sign(log.size(), log.root()).unwrap();
    sqlx::query("INSERT INTO checkpoints (size, note) VALUES ($1, $2)")
        .bind(log.size() as i64)
        .bind(checkpoint.note())
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

fn evidence_file(mirror: &Node) -> std::path::PathBuf {
    std::fs::read_dir(mirror.data_dir().join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("fork-")
        })
        .expect("a fork evidence file")
}

#[tokio::test]
async fn a_rewritten_history_is_refused_by_both_mirrors_with_evidence() {
    let node = demo(false).await.unwrap();
    let key = node_key(&node);
    let token = observer_token(&node);
    let port = free_port();
    let from = format!("http://127.0.0.1:{port}");
    let sqlite = empty(false).await.unwrap();
    let second = match empty(true).await {
        Some(pg) => pg,
        None => empty(false).await.unwrap(),
    };
    {
        let _served = serve_on(&node, port);
        for mirror in [&sqlite, &second] {
            let out = mirror_once(mirror, &from, &key, &token);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // Entry 3 is a note naming Tehran: the operator makes it say Ankara.
    rewrite_history(&node, 3).await;
    let served = serve_on(&node, port);
    note(
        &served.address,
        &node,
        "tr-monitor-1",
        "after the rewrite",
        &token,
    );
    let before = root(&sqlite);
    for mirror in [&sqlite, &second] {
        let out = mirror_once(mirror, &from, &key, &token);
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(3), "{said}");
        assert!(said.contains("rewrote history"), "{said}");
        let file = evidence_file(mirror);
        let check = sqlite.truce(&["proof", "check", file.to_str().unwrap(), "--node-key", &key]);
        let checked = String::from_utf8_lossy(&check.stdout);
        assert!(check.status.success(), "{checked}");
        assert!(checked.contains("FORK PROVEN"), "{checked}");
        assert!(checked.contains("position 3"), "{checked}");
        // What the mirror verified is untouched.
        let (passed, report) = mirror.verify();
        assert!(passed, "{report}");
    }
    assert_eq!(root(&sqlite), before);
    // A third party's check fails on a doctored evidence file.
    let file = evidence_file(&sqlite);
    let mut doctored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    doctored["served"]["statement"] = doctored["mirrored"]["statement"].clone();
    let doctored_path = sqlite.dir.path().join("doctored.json");
    std::fs::write(&doctored_path, doctored.to_string()).unwrap();
    let check = sqlite.truce(&[
        "proof",
        "check",
        doctored_path.to_str().unwrap(),
        "--node-key",
        &key,
    ]);
    assert!(!check.status.success());
    drop(served);
}

#[tokio::test]
async fn a_changed_byte_stops_the_node_and_not_its_mirror() {
    let node = demo(false).await.unwrap();
    let key = node_key(&node);
    let token = observer_token(&node);
    let port = free_port();
    let mirror = empty(false).await.unwrap();
    {
        let served = serve_on(&node, port);
        let out = mirror_once(&mirror, &format!("http://{}", served.address), &key, &token);
        assert!(out.status.success());
    }
    let mut statement = node.statement_at(3).await;
    let at = statement.windows(6).position(|w| w == b"Tehran").unwrap();
    statement[at] = b't';
    node.sql(&format!(
        "UPDATE entries SET statement = {} WHERE position = 3",
        blob_literal(&statement, false)
    ))
    .await;
    let refused = node.truce(&["serve", "--listen", "127.0.0.1:0"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("entry 3"), "{said}");
    let refused = node.truce(&["bulletin"]);
    assert!(!refused.status.success());
    // The mirror's own copy still opens, verifies and serves.
    let (passed, report) = mirror.verify();
    assert!(passed, "{report}");
    assert!(mirror.ok(&["bulletin"]).contains("registered"));
    let served = serve_on(&mirror, free_port());
    let (status, body) = http(&served.address, "GET", "/checkpoint", None, None);
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with("truce.demo/astana\n"), "{body}");
}
