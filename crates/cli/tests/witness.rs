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
