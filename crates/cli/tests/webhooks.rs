//! Outgoing webhooks between real processes: `truce serve` POSTs each
//! event that concerns the endpoint's party to a receiver on a socket,
//! signed as the Standard Webhooks specification has it, tries again when
//! the receiver fails, and after a restart goes on where it stopped.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use common::*;
use truce_client::WebhookSecret;

/// One delivery as the receiver saw it.
struct Delivery {
    id: String,
    timestamp: i64,
    signature: String,
    body: String,
}

/// Answers each request on `listener` with the next status of `answers`
/// (204 once they run out) and hands every request it read to the test.
fn receiver(listener: TcpListener, answers: Vec<u16>) -> mpsc::Receiver<Delivery> {
    let (sent, received) = mpsc::channel();
    std::thread::spawn(move || {
        let mut answers = answers.into_iter();
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                let line = line.trim_end().to_string();
                if line.is_empty() {
                    break;
                }
                headers.push(line);
            }
            let header = |name: &str| {
                headers
                    .iter()
                    .filter_map(|h| h.split_once(':'))
                    .find(|(n, _)| n.trim().eq_ignore_ascii_case(name))
                    .map(|(_, v)| v.trim().to_string())
                    .unwrap_or_default()
            };
            let length: usize = header("content-length").parse().unwrap_or(0);
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let status = answers.next().unwrap_or(204);
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = sent.send(Delivery {
                id: header("webhook-id"),
                timestamp: header("webhook-timestamp").parse().unwrap_or(0),
                signature: header("webhook-signature"),
                body: String::from_utf8(body).unwrap(),
            });
        }
    });
    received
}

fn file_report(node: &Node, member: &str, url: &str, token: &str, at: &str) -> u64 {
    let key = node.keys().join(format!("{member}.key"));
    let mut args = vec!["--node", url, "--token", token, "--wait", "0.5"];
    args.extend(shelling_report(
        key.to_str().unwrap(),
        at,
        "Mortar rounds on the southern outskirts.",
    ));
    args.extend(["--target", "unknown:residential area"]);
    let filed = node.ok(&args);
    filed
        .split("at position ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|n| n.parse::<u64>().ok())
        .unwrap_or_else(|| panic!("{filed}"))
}

fn next(deliveries: &mpsc::Receiver<Delivery>) -> Delivery {
    deliveries
        .recv_timeout(Duration::from_secs(30))
        .expect("a delivery within 30 s")
}

#[tokio::test]
async fn the_node_signs_retries_and_resumes_its_webhooks() {
    let node = demo(false).await.unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let hook = format!("http://{}/truce-events", listener.local_addr().unwrap());
    // The first delivery fails: it must come again, and nothing after it
    // may overtake it.
    let deliveries = receiver(listener, vec![503]);

    let refused = node.truce(&["webhook", "add", &hook, "--party", "Atlantis"]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("--party Atlantis") && said.contains("Russian Federation"),
        "{said}"
    );
    let refused = node.truce(&["webhook", "add", "ftp://example.org/"]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("url"));

    let added = node.ok(&["webhook", "add", &hook, "--party", "Russian Federation"]);
    let secret = added
        .lines()
        .find(|l| l.starts_with("whsec_"))
        .unwrap_or_else(|| panic!("no secret in {added}"));
    let secret = WebhookSecret::parse(secret).unwrap();

    let token = |member: &str| {
        let made = node.ok(&["token", "create", "--member", member]);
        made.lines().last().unwrap().trim().to_string()
    };
    let (tr_token, ru_token) = (token("tr-monitor-1"), token("ru-monitor-1"));
    let mut served = serve(&node);
    let url = format!("http://{}", served.address);
    let first = file_report(&node, "tr-monitor-1", &url, &tr_token, "2026-11-20T14:30");

    let failed = next(&deliveries);
    let again = next(&deliveries);
    assert_eq!(failed.id, again.id, "the failed delivery is tried again");
    assert_eq!(again.id, format!("truce_{first}_report_filed"));
    assert_eq!(
        secret.sign(&again.id, again.timestamp, again.body.as_bytes()),
        again.signature,
        "signed with the endpoint's secret over id, time and body"
    );
    let now = jiff::Timestamp::now().as_second();
    assert!(
        (now - again.timestamp).abs() < 60,
        "the time of the attempt"
    );
    let body: serde_json::Value = serde_json::from_str(&again.body).unwrap();
    assert_eq!(body["type"], "truce.report_filed");
    assert_eq!(body["data"]["position"], first);
    assert_eq!(body["data"]["party"], "Republic of Türkiye");
    assert!(body["data"]["concerns"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "Russian Federation"));

    // Stopped and started again, the node sends what came after, and only
    // that: not the Russian report, which does not concern the Russian
    // endpoint.
    assert!(served.terminate(Duration::from_secs(20)).success());
    let listed = node.ok(&["webhook", "list"]);
    assert!(
        listed.contains(&format!("delivered through {first}")),
        "{listed}"
    );
    let mut served = serve(&node);
    let url = format!("http://{}", served.address);
    file_report(&node, "ru-monitor-1", &url, &ru_token, "2026-11-21T08:00");
    let second = file_report(&node, "tr-monitor-1", &url, &tr_token, "2026-11-21T09:15");
    let resumed = next(&deliveries);
    assert_eq!(resumed.id, format!("truce_{second}_report_filed"));
    assert!(
        deliveries.recv_timeout(Duration::from_secs(2)).is_err(),
        "nothing else was sent"
    );
    assert!(served.terminate(Duration::from_secs(20)).success());
}
