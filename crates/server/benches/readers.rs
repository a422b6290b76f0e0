//! Appends while the register is read: the server on 127.0.0.1:0 over a
//! SQLite file holding `TRUCE_BENCH_REPORTS` reports (default 20,000),
//! one member appending reports one at a time over a keep-alive HTTP/1.1
//! connection, first with the node otherwise idle, then while 64 clients
//! read `/api/v1/reports?limit=1000` as fast as they are answered. Prints
//! the appends' p50 and p99 in both runs and their ratio, the readers'
//! throughput, and how long map views take: the first since the start
//! (every finding derived), the first after an append (what the append
//! changed derived again) and the next one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http_body_util::{BodyExt, Empty, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use jiff::Timestamp;
use truce_model::ReportFiled;
use truce_record::{Body, CheckpointSigner, SignedStatement, Statement};
use truce_server::AppState;
use truce_testkit::ledger::founded_on_sqlite;
use truce_testkit::reports::{presigned, spread};
use truce_testkit::Founders;

/// Members that file the register before the measure, side by side.
const FILERS: usize = 16;
const READERS: usize = 64;
/// Appends in each run: enough that a commit which also moves the WAL into
/// the database file (SQLite does so every 1,000 pages, every hundred or so
/// commits here) falls in both runs alike, and the p99 is not the second
/// slowest append but the tenth.
const APPENDS: usize = 1_000;

fn main() {
    let total: usize = std::env::var("TRUCE_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(total));
}

async fn run(total: usize) {
    let founders = Founders::guarantors(FILERS + 1);
    let dir = tempfile::tempdir().expect("temp dir");
    let signer = CheckpointSigner::generate("truce.bench/readers").expect("node key");
    let ledger =
        Arc::new(founded_on_sqlite(&dir.path().join("truce.sqlite"), signer, &founders).await);

    let started = Instant::now();
    let per_filer = total.div_ceil(FILERS);
    let filing: Vec<_> = (0..FILERS)
        .map(|i| {
            let ledger = ledger.clone();
            let stream = presigned(founders.key(i + 2), 0, i * per_filer, per_filer);
            tokio::spawn(async move {
                for statement in stream {
                    ledger.append(statement).await.expect("appended");
                }
            })
        })
        .collect();
    for task in filing {
        task.await.expect("filer");
    }
    eprintln!(
        "{} reports filed in {:.1} s",
        FILERS * per_filer,
        started.elapsed().as_secs_f64()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(ledger.clone(), dir.path());
    let server = tokio::spawn(truce_server::serve_until(listener, state, async {
        let _ = stopped.await;
    }));

    // The appending member files after everyone else's reports, each
    // signed just before it is sent: a slow append must not make the next
    // one's claimed time stale.
    let offset = FILERS * per_filer;
    let writer_key = founders.key(1);
    let mut appends = (0..).map(|seq: usize| {
        let statement = Statement::new(
            writer_key.key_id(),
            seq as u64,
            Timestamp::now(),
            Body::ReportFiled(ReportFiled {
                report: spread(offset + seq),
            }),
        );
        request_body(&writer_key.sign(&statement))
    });
    let mut writer = Connection::open(address).await;

    let idle = writer.append_each(appends.by_ref().take(APPENDS)).await;

    let reading = Arc::new(AtomicBool::new(true));
    let reads = Arc::new(AtomicU64::new(0));
    let readers: Vec<_> = (0..READERS)
        .map(|_| {
            let (reading, reads) = (reading.clone(), reads.clone());
            tokio::spawn(async move {
                let mut connection = Connection::open(address).await;
                while reading.load(Ordering::Relaxed) {
                    connection.get("/api/v1/reports?limit=1000").await;
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    // Let every reader be under way before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let reads_before = reads.load(Ordering::Relaxed);
    let loaded_started = Instant::now();
    let loaded = writer.append_each(appends.by_ref().take(APPENDS)).await;
    let read_rate = (reads.load(Ordering::Relaxed) - reads_before) as f64
        / loaded_started.elapsed().as_secs_f64();
    reading.store(false, Ordering::Relaxed);
    for reader in readers {
        reader.await.expect("reader");
    }

    let slowest = |latencies: &[Duration]| {
        let mut sorted = latencies.to_vec();
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        let shown: Vec<String> = sorted[..5]
            .iter()
            .map(|d| format!("{:.2}", ms(*d)))
            .collect();
        shown.join(", ")
    };
    println!(
        "slowest appends (ms): idle {}; with readers {}",
        slowest(&idle),
        slowest(&loaded)
    );
    let (idle_p50, idle_p99) = percentiles(idle);
    let (loaded_p50, loaded_p99) = percentiles(loaded);
    println!(
        "appends over HTTP at {} reports: idle p50 {:.2} ms p99 {:.2} ms; with {READERS} readers of /reports?limit=1000 ({read_rate:.0} reads/s) p50 {:.2} ms p99 {:.2} ms; p99 ratio {:.2}",
        ledger.size(),
        ms(idle_p50),
        ms(idle_p99),
        ms(loaded_p50),
        ms(loaded_p99),
        loaded_p99.as_secs_f64() / idle_p99.as_secs_f64()
    );

    // The map: the first view since the node started derives every
    // finding; after an append, the first view derives again only what the
    // append changed; the next view of the same state reuses all of it.
    let view = "/api/v1/incidents.geojson?cluster=true&zoom=7&bbox=35.5,32,42.5,37.5";
    let timed_view = async |writer: &mut Connection| {
        let started = Instant::now();
        writer.get(view).await;
        started.elapsed()
    };
    let cold = timed_view(&mut writer).await;
    writer.append_each(appends.by_ref().take(1)).await;
    let first = timed_view(&mut writer).await;
    let next = timed_view(&mut writer).await;
    let incidents = ledger.rules().incidents().len();
    println!(
        "map at {incidents} incidents: first view since the start {:.1} ms; first view after an append {:.1} ms, the next {:.1} ms",
        ms(cold),
        ms(first),
        ms(next)
    );

    drop(writer);
    let _ = stop.send(());
    server.await.expect("server task").expect("server");
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentiles(mut latencies: Vec<Duration>) -> (Duration, Duration) {
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    (at(0.50), at(0.99))
}

fn request_body(signed: &SignedStatement) -> Bytes {
    let body = serde_json::json!({
        "statement": BASE64.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    });
    Bytes::from(body.to_string())
}

/// One keep-alive HTTP/1.1 connection.
struct Connection {
    address: std::net::SocketAddr,
    sender:
        http1::SendRequest<http_body_util::combinators::BoxBody<Bytes, std::convert::Infallible>>,
}

impl Connection {
    async fn open(address: std::net::SocketAddr) -> Self {
        let stream = tokio::net::TcpStream::connect(address)
            .await
            .expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        let (sender, connection) = http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        Self { address, sender }
    }

    /// Posts each statement once the previous one is durable; returns how
    /// long each took.
    async fn append_each(&mut self, bodies: impl Iterator<Item = Bytes>) -> Vec<Duration> {
        let mut latencies = Vec::new();
        for body in bodies {
            let request = Request::post("/api/v1/statements")
                .header("host", self.address.to_string())
                .header("content-type", "application/json")
                .body(Full::new(body).boxed())
                .expect("request");
            let started = Instant::now();
            let (status, answer) = self.send(request).await;
            latencies.push(started.elapsed());
            assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
        }
        latencies
    }

    async fn get(&mut self, path: &str) -> Bytes {
        let request = Request::get(path)
            .header("host", self.address.to_string())
            .body(Empty::new().boxed())
            .expect("request");
        let (status, answer) = self.send(request).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&answer));
        answer
    }

    async fn send(
        &mut self,
        request: Request<http_body_util::combinators::BoxBody<Bytes, std::convert::Infallible>>,
    ) -> (hyper::StatusCode, Bytes) {
        self.sender.ready().await.expect("connection ready");
        let response = self.sender.send_request(request).await.expect("send");
        let status = response.status();
        let answer = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        (status, answer)
    }
}
