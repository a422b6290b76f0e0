//! What the end-to-end tests of the `truce` binary share: a data
//! directory on SQLite or a fresh PostgreSQL database, the binary run on
//! it, a served node, and plain HTTP/1.1 requests over real sockets.
#![allow(dead_code)]

pub mod tls;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use sqlx::Row;

pub struct Node {
    pub dir: tempfile::TempDir,
    pub database: Option<String>,
}

impl Node {
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    pub fn keys(&self) -> PathBuf {
        self.data_dir().join("demo-keys")
    }

    pub fn truce(&self, args: &[&str]) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_truce"));
        command.arg("--data-dir").arg(self.data_dir()).args(args);
        command.env_remove("TRUCE_DATABASE_URL");
        command.env_remove("TRUCE_CA");
        // Copies of remote Records (`--node`) stay inside the test's folder.
        command.env("TRUCE_CACHE_DIR", self.dir.path().join("cache"));
        if let Some(url) = &self.database {
            command.arg("--database").arg(url);
        }
        command.output().expect("run truce")
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let output = self.truce(args);
        assert!(
            output.status.success(),
            "truce {args:?} failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    /// Runs `truce verify` and returns whether it passed and what it printed.
    pub fn verify(&self) -> (bool, String) {
        let output = self.truce(&["verify"]);
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
        )
    }

    pub async fn sql(&self, statement: &str) {
        match &self.database {
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
            None => {
                let pool = sqlx::SqlitePool::connect(&format!(
                    "sqlite://{}",
                    self.data_dir().join("truce.sqlite").display()
                ))
                .await
                .unwrap();
                sqlx::query(statement).execute(&pool).await.unwrap();
                pool.close().await;
            }
        }
    }

    pub async fn statement_at(&self, position: i64) -> Vec<u8> {
        let query = "SELECT statement FROM entries WHERE position = $1";
        match &self.database {
            Some(url) => {
                let pool = sqlx::PgPool::connect(url).await.unwrap();
                let row = sqlx::query(query)
                    .bind(position)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                row.get(0)
            }
            None => {
                let path = self.data_dir().join("truce.sqlite");
                let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
                    .await
                    .unwrap();
                let row = sqlx::query(query)
                    .bind(position)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
                row.get(0)
            }
        }
    }
}

pub async fn postgres_url() -> Option<String> {
    let Ok(admin_url) = std::env::var("TRUCE_TEST_PG_URL") else {
        assert!(
            std::env::var_os("TRUCE_REQUIRE_PG").is_none(),
            "TRUCE_REQUIRE_PG is set but TRUCE_TEST_PG_URL is not"
        );
        eprintln!("TRUCE_TEST_PG_URL not set: skipping the PostgreSQL run");
        return None;
    };
    let name = format!("truce_cli_{}", std::process::id()) + &random_suffix();
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let base = admin_url.rsplit_once('/').unwrap().0;
    Some(format!("{base}/{name}"))
}

pub fn random_suffix() -> String {
    let dir = tempfile::tempdir().unwrap();
    dir.path()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase()
}

/// A demo Record (9 entries, cosigned) on the chosen backend.
pub async fn demo(postgres: bool) -> Option<Node> {
    let database = if postgres {
        Some(postgres_url().await?)
    } else {
        None
    };
    let node = Node {
        dir: tempfile::tempdir().unwrap(),
        database,
    };
    node.ok(&["demo", "--days", "2", "--no-serve"]);
    assert!(node.verify().0);
    Some(node)
}

pub fn blob_literal(bytes: &[u8], postgres: bool) -> String {
    if postgres {
        format!("'\\x{}'::bytea", hex::encode(bytes))
    } else {
        format!("X'{}'", hex::encode(bytes))
    }
}

/// A node served by `truce serve` on a free port, stopped on drop.
pub struct Served {
    pub child: std::process::Child,
    pub address: String,
    /// The base URL it printed: `http://…`, or `https://…` with TLS.
    pub url: String,
    /// Drains the server's output, so that its writes never hit a closed pipe.
    pub _output: std::thread::JoinHandle<()>,
    /// The server's log (its standard error), shown when a test fails.
    pub log: tempfile::NamedTempFile,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let status = self.child.wait();
        // A test that fails with the server in hand shows what the server
        // said, and how it ended: a node that stopped on its own says why.
        if std::thread::panicking() {
            let log = std::fs::read_to_string(self.log.path()).unwrap_or_default();
            eprintln!("--- truce serve ({status:?}) said:\n{log}--- end of its log");
        }
    }
}

impl Served {
    /// Stops the node as an operator would (SIGTERM) and returns how it
    /// exited, failing if it takes longer than `within`.
    pub fn terminate(&mut self, within: Duration) -> std::process::ExitStatus {
        // SAFETY: a signal to the child this test started and has not reaped.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "still serving after {within:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

pub fn serve(node: &Node) -> Served {
    serve_with(node, 0, &[])
}

/// One HTTP/1.1 request over a fresh connection; returns status and body.
pub fn http(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> (u16, String) {
    let (status, _, body) = http_bytes(address, method, path, token, body.unwrap_or("").as_bytes());
    (status, String::from_utf8(body).unwrap())
}

/// As [`http`], for any bytes: returns status, headers (names in lower
/// case) and body.
pub fn http_bytes(
    address: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, Vec<(String, String)>, Vec<u8>) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    if let Some(token) = token {
        request.push_str(&format!("Authorization: Bearer {token}\r\n"));
    }
    request.push_str(&format!(
        "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    ));
    let mut request = request.into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).unwrap();
    let mut bytes = Vec::new();
    // A server that answers and closes may reset the connection after the
    // answer arrived; what was read before that is the whole response.
    if let Err(error) = stream.read_to_end(&mut bytes) {
        assert!(!bytes.is_empty(), "{method} {path}: {error}");
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let status = head[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = head
        .split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let rest = &bytes[end + 4..];
    let body = if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        truce_testkit::http::dechunk(rest)
    } else {
        rest.to_vec()
    };
    (status, headers, body)
}

pub fn member_key(path: &Path) -> truce_record::MemberKey {
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let seed: [u8; 32] = hex::decode(file["secret"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    truce_record::MemberKey::from_seed(seed)
}

pub fn submit(
    address: &str,
    key: &truce_record::MemberKey,
    seq: u64,
    body: truce_record::Body,
) -> (u16, String) {
    use base64::Engine;
    let statement = truce_record::Statement::new(key.key_id(), seq, jiff::Timestamp::now(), body);
    let signed = key.sign(&statement);
    let submission = serde_json::json!({
        "statement": base64::engine::general_purpose::STANDARD.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    });
    http(
        address,
        "POST",
        "/api/v1/statements",
        None,
        Some(&submission.to_string()),
    )
}

pub fn next_seq(address: &str, token: &str, member: &str) -> u64 {
    let (status, body) = http(address, "GET", "/api/v1/members", Some(token), None);
    assert_eq!(status, 200, "{body}");
    let members: serde_json::Value = serde_json::from_str(&body).unwrap();
    let list = members
        .as_array()
        .or_else(|| members["members"].as_array())
        .unwrap()
        .clone();
    list.iter()
        .find(|m| m["member"] == member)
        .and_then(|m| m["next_seq"].as_u64())
        .unwrap_or_else(|| panic!("{member} not in {body}"))
}

/// The node key of a Record, as `truce verify --json` prints it.
pub fn node_key(node: &Node) -> String {
    let report = node.ok(&["verify", "--json"]);
    let value: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    value["node_key"].as_str().unwrap().to_string()
}

pub fn root(node: &Node) -> String {
    let report = node.ok(&["verify", "--json"]);
    let value: serde_json::Value = serde_json::from_str(report.trim()).unwrap();
    assert_eq!(value["ok"], true, "{report}");
    value["root"].as_str().unwrap().to_string()
}

pub fn observer_token(node: &Node) -> String {
    let out = node.ok(&["token", "create", "--member", "un-expert-1"]);
    out.lines().last().unwrap().trim().to_string()
}

/// A free port on loopback, so that a restarted node answers where it did.
/// The arguments of `truce report` for a shelling at Khan Shaykhun seen
/// from an observation post, signed with `key` (add `--node`, `--target`,
/// `--evidence` and the like around them).
pub fn shelling_report<'a>(key: &'a str, at: &'a str, narrative: &'a str) -> Vec<&'a str> {
    vec![
        "report",
        "--key",
        key,
        "--at",
        at,
        "--lat",
        "35.4414",
        "--lon",
        "36.6497",
        "--place",
        "Khan Shaykhun",
        "--type",
        "shelling",
        "--source",
        "own_observation:post 7",
        "--narrative",
        narrative,
    ]
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn serve_on(node: &Node, port: u16) -> Served {
    serve_with(node, port, &[])
}

/// `truce serve` on `port` (0: any free one) with more arguments
/// (witnesses, intervals).
pub fn serve_with(node: &Node, port: u16, extra: &[String]) -> Served {
    let mut command = Command::new(env!("CARGO_BIN_EXE_truce"));
    command
        .arg("--data-dir")
        .arg(node.data_dir())
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .stdout(Stdio::piped());
    let log = tempfile::NamedTempFile::new().unwrap();
    command.stderr(log.reopen().unwrap());
    if let Some(url) = &node.database {
        command.arg("--database").arg(url);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .split_whitespace()
        .find(|word| word.starts_with("http://") || word.starts_with("https://"))
        .map(|url| url.trim_end_matches('/').to_string())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let address = url.split_once("://").unwrap().1.to_string();
    let output = std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
    Served {
        child,
        address,
        url,
        _output: output,
        log,
    }
}

/// The mirror's `/healthz`, polled until `done` says it is what we wait for.
pub fn wait_for_health(
    address: &str,
    what: &str,
    done: impl Fn(u16, &serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let (status, body) = http(address, "GET", "/healthz", None, None);
        let health: serde_json::Value = serde_json::from_str(&body).unwrap();
        if done(status, &health) {
            return health;
        }
        assert!(
            Instant::now() < deadline,
            "waited for {what}: {status} {body}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub fn size_of(address: &str) -> u64 {
    let (status, body) = http(address, "GET", "/healthz", None, None);
    assert_eq!(status, 200, "{body}");
    serde_json::from_str::<serde_json::Value>(&body).unwrap()["size"]
        .as_u64()
        .unwrap()
}

pub fn note(address: &str, node: &Node, member: &str, text: &str, token: &str) {
    let key = member_key(&node.keys().join(format!("{member}.key")));
    let seq = next_seq(address, token, member);
    let body: truce_record::Body =
        serde_json::from_value(serde_json::json!({"note": {"text": text, "refers_to": []}}))
            .unwrap();
    let (status, answer) = submit(address, &key, seq, body);
    assert_eq!(status, 201, "{answer}");
}
