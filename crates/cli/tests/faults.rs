//! The node under fault, over real sockets: silent and slow connections
//! beyond its cap, a commit that fails (the database locked by another
//! process, the disk full), and its recovery without a restart.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use common::*;

/// `GET path` on a fresh connection, answered within `within` or `None`.
fn get_within(address: &str, path: &str, within: Duration) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(within)).ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string())?;
    Some((status, body))
}

/// Whether the node closed this connection (end of stream, or reset)
/// within `within`.
fn closed_within(stream: &mut TcpStream, within: Duration) -> bool {
    let deadline = Instant::now() + within;
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut byte = [0u8; 1];
    while Instant::now() < deadline {
        match stream.read(&mut byte) {
            Ok(0) => return true,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => return true,
        }
    }
    false
}

#[tokio::test]
async fn silent_and_slow_connections_do_not_keep_health_checks_out() {
    let node = demo(false).await.unwrap();
    let served = serve_with(&node, 0, &["--max-connections".into(), "50".into()]);
    let address = served.address.clone();
    let mut idle: Vec<TcpStream> = (0..200)
        .map(|_| TcpStream::connect(&address).unwrap())
        .collect();
    // Headers trickled in, never finished; newer than the silent ones.
    let mut slow: Vec<TcpStream> = (0..5)
        .map(|_| {
            let mut stream = TcpStream::connect(&address).unwrap();
            stream
                .write_all(b"GET /healthz HTTP/1.1\r\nX-Slow: a")
                .unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    for _ in 0..10 {
        let (status, body) = get_within(&address, "/healthz", Duration::from_secs(5))
            .expect("/healthz answers within 5 s beside 200 silent connections");
        assert_eq!(status, 200, "{body}");
    }
    // Beyond the cap the oldest silent connections were closed, not queued.
    let closed = idle
        .iter_mut()
        .filter_map(|s| closed_within(s, Duration::from_millis(100)).then_some(()))
        .count();
    assert!(
        closed >= 140,
        "only {closed} of 200 silent connections closed at a cap of 50"
    );
    // What is left of the slow ones is closed once their head takes too long.
    for stream in &mut slow {
        let _ = stream.write_all(b"a");
        assert!(
            closed_within(stream, Duration::from_secs(20)),
            "a slow request head is still held after 20 s"
        );
    }
    let (status, _) = get_within(&address, "/healthz", Duration::from_secs(5)).unwrap();
    assert_eq!(status, 200);
}

fn note_body(text: &str) -> truce_record::Body {
    serde_json::from_value(serde_json::json!({"note": {"text": text, "refers_to": []}})).unwrap()
}

/// Submits a note by `member`; returns status, headers and body.
fn submit_note(
    address: &str,
    node: &Node,
    member: &str,
    seq: u64,
    text: &str,
) -> (u16, Vec<(String, String)>, String) {
    use base64::Engine;
    let key = member_key(&node.keys().join(format!("{member}.key")));
    let statement =
        truce_record::Statement::new(key.key_id(), seq, jiff::Timestamp::now(), note_body(text));
    let signed = key.sign(&statement);
    let submission = serde_json::json!({
        "statement": base64::engine::general_purpose::STANDARD.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    });
    let (status, headers, body) = http_bytes(
        address,
        "POST",
        "/api/v1/statements",
        None,
        submission.to_string().as_bytes(),
    );
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn a_commit_that_fails_is_retried_without_a_restart() {
    let node = demo(false).await.unwrap();
    let token = observer_token(&node);
    let mut served = serve(&node);
    let address = served.address.clone();
    let (status, _) = http(&address, "GET", "/readyz", None, None);
    assert_eq!(status, 200);
    let seq = next_seq(&address, &token, "secretariat");

    // Another process takes the database's write lock and keeps it past
    // the node's busy timeout (10 s).
    let path = node.data_dir().join("truce.sqlite");
    let mut locker = {
        use sqlx::Connection;
        sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
            .await
            .unwrap()
    };
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut locker)
        .await
        .unwrap();
    let (status, headers, body) = submit_note(&address, &node, "secretariat", seq, "locked out");
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("\"code\":\"retry\""), "{body}");
    assert!(
        headers.iter().any(|(n, _)| n == "retry-after"),
        "{headers:?}"
    );
    let (status, body) = http(&address, "GET", "/readyz", None, None);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("not_ready"), "{body}");
    // Liveness is another matter.
    assert_eq!(http(&address, "GET", "/healthz", None, None).0, 200);

    sqlx::query("ROLLBACK").execute(&mut locker).await.unwrap();
    drop(locker);
    // The same statement again: it was not stored, so it goes in now.
    let (status, _, body) = submit_note(&address, &node, "secretariat", seq, "locked out");
    assert_eq!(status, 201, "{body}");
    let (status, body) = http(&address, "GET", "/readyz", None, None);
    assert_eq!(status, 200, "{body}");
    let (status, _, body) = submit_note(&address, &node, "secretariat", seq + 1, "and on");
    assert_eq!(status, 201, "{body}");

    assert!(served.terminate(Duration::from_secs(30)).success());
    let (ok, report) = node.verify();
    assert!(ok, "{report}");
    // The node saved the membership and register states it stopped with,
    // the two notes included, for the next start and the reads.
    for saved in [
        "membership state for reads:",
        "register state for the node and reads:",
    ] {
        let line = report.lines().find(|l| l.contains(saved)).unwrap();
        assert!(line.contains("entries, the same"), "{report}");
    }
    // A node that starts from that state and stops with nothing new
    // leaves it as it is: saving a large Record again takes seconds.
    let saved = node.data_dir().join("register.saved");
    let written = std::fs::metadata(&saved).unwrap().modified().unwrap();
    let mut served = serve(&node);
    let (status, _) = http(&served.address, "GET", "/readyz", None, None);
    assert_eq!(status, 200);
    assert!(served.terminate(Duration::from_secs(30)).success());
    assert_eq!(
        std::fs::metadata(&saved).unwrap().modified().unwrap(),
        written
    );
}

/// A small tmpfs mounted over a folder, unmounted when dropped.
struct Mounted(std::path::PathBuf);

impl Mounted {
    /// `None`, with the reason printed, where mounting is not permitted.
    fn tmpfs(at: &std::path::Path, size: &str) -> Option<Self> {
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .output();
        match output {
            Ok(output) if output.status.success() => Some(Mounted(at.to_path_buf())),
            Ok(output) => {
                eprintln!(
                    "skipped: cannot mount a tmpfs here ({})",
                    String::from_utf8_lossy(&output.stderr).trim()
                );
                None
            }
            Err(e) => {
                eprintln!("skipped: no mount command ({e})");
                None
            }
        }
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[tokio::test]
async fn a_full_disk_refuses_writes_until_space_returns() {
    let dir = tempfile::tempdir().unwrap();
    let Some(mounted) = Mounted::tmpfs(dir.path(), "24m") else {
        return;
    };
    let node = Node {
        dir,
        database: None,
    };
    node.ok(&["demo", "--days", "1", "--no-serve"]);
    let token = observer_token(&node);
    let mut served = serve(&node);
    let address = served.address.clone();
    let seq = next_seq(&address, &token, "secretariat");

    // Fill what is left of the filesystem.
    let filler = node.dir.path().join("filler");
    {
        let mut file = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while file.write_all(&chunk).is_ok() {}
        while file.write_all(&chunk[..512]).is_ok() {}
    }
    let text = "x".repeat(4000);
    let mut next = seq;
    let mut refused = None;
    for _ in 0..300 {
        let (status, headers, body) = submit_note(&address, &node, "secretariat", next, &text);
        match status {
            201 => next += 1,
            507 => {
                refused = Some((headers, body));
                break;
            }
            other => panic!("{other}: {body}"),
        }
    }
    let (headers, body) = refused.expect("a full disk refuses a write with 507");
    assert!(body.contains("disk_full"), "{body}");
    assert!(body.contains("full"), "{body}");
    assert!(
        headers.iter().any(|(n, _)| n == "retry-after"),
        "{headers:?}"
    );
    let (status, body) = http(&address, "GET", "/readyz", None, None);
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("disk_full"), "{body}");

    std::fs::remove_file(&filler).unwrap();
    // Space is back: the node takes the same statement again by itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, _, body) = submit_note(&address, &node, "secretariat", next, &text);
        if status == 201 {
            break;
        }
        assert_eq!(status, 507, "{body}");
        assert!(Instant::now() < deadline, "still refused: {body}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let (status, body) = http(&address, "GET", "/readyz", None, None);
    assert_eq!(status, 200, "{body}");
    assert!(served.terminate(Duration::from_secs(30)).success());
    let (ok, report) = node.verify();
    assert!(ok, "{report}");
    drop(node);
    drop(mounted);
}
