//! Submissions over HTTP: the server on 127.0.0.1:0 over a SQLite file,
//! 64 clients on keep-alive HTTP/1.1 connections, each posting its own
//! member's pre-signed ~500-byte reports one after another (a member's
//! statements must arrive in sequence order). Every 201 means durable.
//!
//! `TRUCE_BENCH_REPORTS` sets the total (default 20,000). Prints one line.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Bytes;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper::Request;
use hyper_util::rt::TokioIo;
use truce_record::{CheckpointSigner, SignedStatement};
use truce_regime::Register;
use truce_server::AppState;
use truce_store::Ledger;
use truce_testkit::ledger::founded_on_sqlite;
use truce_testkit::reports::presigned;
use truce_testkit::Founders;

const CLIENTS: usize = 64;

fn main() {
    let total: usize = std::env::var("TRUCE_BENCH_REPORTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(total.div_ceil(CLIENTS)));
}

async fn run(per_client: usize) {
    // The operator, then one member per client at places 1 to CLIENTS.
    let founders = Founders::guarantors(CLIENTS);
    let signer = CheckpointSigner::generate("truce.bench/astana").expect("node key");
    let signed: Vec<Vec<SignedStatement>> = (0..CLIENTS)
        .map(|i| presigned(founders.key(i + 1), 0, i * per_client, per_client))
        .collect();
    let (ledger, dir) = founded(&founders, &signer).await;
    over_http(ledger, dir.path(), &signed).await;
    // The same statements straight into a fresh ledger, to show what HTTP costs.
    let (ledger, _dir) = founded(&founders, &signer).await;
    direct(ledger, signed).await;
}

async fn founded(
    founders: &Founders,
    signer: &CheckpointSigner,
) -> (Arc<Ledger<Register>>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let signer = CheckpointSigner::from_secret(signer.secret()).expect("node key");
    let ledger = founded_on_sqlite(&dir.path().join("truce.sqlite"), signer, founders).await;
    (Arc::new(ledger), dir)
}

async fn direct(ledger: Arc<Ledger<Register>>, signed: Vec<Vec<SignedStatement>>) {
    let count: usize = signed.iter().map(Vec::len).sum();
    let started = Instant::now();
    let tasks: Vec<_> = signed
        .into_iter()
        .map(|stream| {
            let ledger = ledger.clone();
            tokio::spawn(async move {
                for statement in stream {
                    ledger.append(statement).await.expect("appended");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("task");
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "direct: the same {count} reports by {CLIENTS} tasks calling Ledger::append, no HTTP, in {seconds:.2} s = {:.0} reports/s",
        count as f64 / seconds
    );
}

async fn over_http(
    ledger: Arc<Ledger<Register>>,
    data_dir: &std::path::Path,
    signed: &[Vec<SignedStatement>],
) {
    let streams: Vec<Vec<Bytes>> = signed
        .iter()
        .map(|stream| stream.iter().map(request_body).collect())
        .collect();
    eprintln!(
        "statements of {} bytes + 64-byte signature; request bodies of {} bytes",
        signed[0][0].bytes().len(),
        streams[0][0].len()
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::new(ledger.clone(), data_dir);
    let server = tokio::spawn(truce_server::serve_until(listener, state, async {
        let _ = stopped.await;
    }));

    let started = Instant::now();
    let clients: Vec<_> = streams
        .into_iter()
        .map(|bodies| tokio::spawn(client(address, bodies)))
        .collect();
    for client in clients {
        client.await.expect("client task");
    }
    let seconds = started.elapsed().as_secs_f64();
    let count: usize = signed.iter().map(Vec::len).sum();
    println!(
        "submit: {count} reports over HTTP by {CLIENTS} clients, each durable before its 201, in {seconds:.2} s = {:.0} reports/s ({} commits)",
        count as f64 / seconds,
        ledger.store().checkpoints().await.expect("checkpoints").len()
    );
    let _ = stop.send(());
    server.await.expect("server task").expect("server");
    assert_eq!(ledger.size() as usize, count + 1);
}

/// One keep-alive connection posting its member's statements in order.
async fn client(address: std::net::SocketAddr, bodies: Vec<Bytes>) {
    let stream = tokio::net::TcpStream::connect(address)
        .await
        .expect("connect");
    stream.set_nodelay(true).expect("nodelay");
    let (mut sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .expect("handshake");
    tokio::spawn(connection);
    for body in bodies {
        let request = Request::post("/api/v1/statements")
            .header("host", address.to_string())
            .header("content-type", "application/json")
            .body(Full::new(body))
            .expect("request");
        let response = sender.send_request(request).await.expect("send");
        let status = response.status();
        let answer = response
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes();
        assert_eq!(status, 201, "{}", String::from_utf8_lossy(&answer));
    }
}

fn request_body(signed: &SignedStatement) -> Bytes {
    let body = serde_json::json!({
        "statement": BASE64.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    });
    Bytes::from(body.to_string())
}
