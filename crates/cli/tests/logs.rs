//! What a node tells its operator: one log line per request, as JSON when
//! asked, naming the request id, route, status, latency and member, and
//! never a token, a body or a query string.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::*;

#[tokio::test]
async fn one_json_line_per_request_names_route_status_and_member_never_the_token() {
    let node = demo(false).await.unwrap();
    let token = node
        .ok(&["token", "create", "--member", "ru-monitor-1"])
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_string();
    let log_path = node.dir.path().join("serve.log");
    let mut child = Command::new(env!("CARGO_BIN_EXE_truce"))
        .arg("--data-dir")
        .arg(node.data_dir())
        .args(["--log-format", "json", "serve", "--listen", "127.0.0.1:0"])
        .env_remove("RUST_LOG")
        .env_remove("TRUCE_LOG_FORMAT")
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let address = first
        .split_whitespace()
        .find_map(|word| word.strip_prefix("http://"))
        .map(|rest| rest.trim_end_matches('/').to_string())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let drain = std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));

    let (status, _) = http(&address, "GET", "/api/v1/reports/3", Some(&token), None);
    assert!(status == 200 || status == 404, "{status}");
    let (status, _) = http(
        &address,
        "GET",
        "/api/v1/incidents?from=Khan%20Shaykhun",
        Some(&token),
        None,
    );
    assert_eq!(status, 400);
    let (status, _) = http(&address, "GET", "/api/v1/mechanism", None, None);
    assert_eq!(status, 200);
    let _ = child.kill();
    let _ = child.wait();
    let _ = drain.join();

    let text = std::fs::read_to_string(&log_path).unwrap();
    assert!(!text.contains(&token), "the token is in the log: {text}");
    assert!(
        !text.contains("Khan"),
        "a query string is in the log: {text}"
    );
    let answered: Vec<serde_json::Value> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["message"] == "answered")
        .collect();
    assert_eq!(answered.len(), 3, "{text}");
    let find = |route: &str| {
        answered
            .iter()
            .find(|line| line["span"]["route"] == route)
            .unwrap_or_else(|| panic!("no line for {route}: {text}"))
    };
    let report = find("/api/v1/reports/{id}");
    assert_eq!(report["span"]["member"], "ru-monitor-1");
    assert_eq!(report["span"]["method"], "GET");
    assert!(report["latency_ms"].is_number());
    assert!(!report["span"]["id"].as_str().unwrap_or_default().is_empty());
    let refused = find("/api/v1/incidents");
    assert_eq!(refused["status"], 400);
    let public = find("/api/v1/mechanism");
    assert!(public["span"].get("member").is_none(), "{public}");
}
