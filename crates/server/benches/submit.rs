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
use jiff::Timestamp;
use truce_gazetteer::Gazetteer;
use truce_model::{
    Actor, FoundingMember, Genesis, GeoPrecision, Location, MemberName, Party, ReportFields,
    ReportFiled, Role, Source, SourceKind, TimePrecision, ViolationType,
};
use truce_record::{Body, CheckpointSigner, MemberKey, SignedStatement, Statement};
use truce_regime::{Register, RegisterConfig};
use truce_server::AppState;
use truce_store::{Ledger, Store};

const CLIENTS: usize = 64;
const PARTIES: [&str; 3] = [
    "Russian Federation",
    "Republic of Türkiye",
    "Islamic Republic of Iran",
];

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
    let operator = MemberKey::generate();
    let keys: Vec<MemberKey> = (0..CLIENTS).map(|_| MemberKey::generate()).collect();
    let signer = CheckpointSigner::generate("truce.bench/astana").expect("node key");
    let signed: Vec<Vec<SignedStatement>> = keys
        .iter()
        .enumerate()
        .map(|(i, key)| presign(key, i, per_client))
        .collect();
    let (ledger, dir) = founded(&operator, &keys, &signer).await;
    over_http(ledger, dir.path(), &signed).await;
    // The same statements straight into a fresh ledger, to show what HTTP costs.
    let (ledger, _dir) = founded(&operator, &keys, &signer).await;
    direct(ledger, signed).await;
}

async fn founded(
    operator: &MemberKey,
    keys: &[MemberKey],
    signer: &CheckpointSigner,
) -> (Arc<Ledger<Register>>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let signer = CheckpointSigner::from_secret(signer.secret()).expect("node key");
    let genesis = genesis(operator, keys, signer.verifier_key());
    let store = Store::open_sqlite(&dir.path().join("truce.sqlite"))
        .await
        .expect("sqlite");
    let register = Register::new(RegisterConfig::default(), Gazetteer::syria());
    let ledger = Ledger::open_with(store, signer, register)
        .await
        .expect("ledger");
    ledger
        .append(operator.sign(&Statement::new(
            operator.key_id(),
            0,
            Timestamp::now(),
            Body::Genesis(genesis),
        )))
        .await
        .expect("genesis");
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

fn genesis(operator: &MemberKey, keys: &[MemberKey], node_key: &str) -> Genesis {
    let founder = |name: String, party: &str, role, key: &MemberKey| FoundingMember {
        member: MemberName::new(name).expect("name"),
        party: Party::new(party).expect("party"),
        role,
        public_key: key.public_key(),
    };
    Genesis {
        mechanism: "Bench mechanism".into(),
        log_origin: "truce.bench/astana".into(),
        node_key: node_key.to_string(),
        operator: founder("operator".into(), "Secretariat", Role::Operator, operator),
        members: keys
            .iter()
            .enumerate()
            .map(|(i, key)| {
                founder(
                    format!("monitor-{i:02}"),
                    PARTIES[i % 3],
                    Role::GuarantorMember,
                    key,
                )
            })
            .collect(),
        witnesses: vec![],
        witness_quorum: 0,
        register: None,
    }
}

fn request_body(signed: &SignedStatement) -> Bytes {
    let body = serde_json::json!({
        "statement": BASE64.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    });
    Bytes::from(body.to_string())
}

/// Towns across the country: the reports spread over them and over
/// months, as a real register's do, so that grouping them into incidents
/// compares each report with a few neighbours, not with all of them.
const TOWNS: [(f64, f64); 18] = [
    (33.5138, 36.2765),
    (36.2021, 37.1343),
    (34.7324, 36.7137),
    (35.1318, 36.7578),
    (35.9306, 36.6339),
    (35.5317, 35.7915),
    (35.3359, 40.1408),
    (35.9528, 39.0079),
    (32.6189, 36.1021),
    (35.4414, 36.6497),
    (35.6478, 36.6736),
    (35.8641, 36.8006),
    (35.8125, 36.3181),
    (33.5711, 36.4039),
    (34.8890, 35.8866),
    (36.5024, 40.7477),
    (34.5503, 38.2691),
    (32.7090, 36.5695),
];

/// `count` report statements, seq 0.., by `key`.
fn presign(key: &MemberKey, client: usize, count: usize) -> Vec<SignedStatement> {
    let time = Timestamp::now();
    let start: jiff::civil::DateTime = "2025-01-01T00:00".parse().expect("date");
    (0..count)
        .map(|seq| {
            let n = client * count + seq;
            let (lat, lon) = TOWNS[n % TOWNS.len()];
            let jitter = (n % 7) as f64 * 0.001;
            let report = ReportFields {
                occurred: start
                    .checked_add(jiff::Span::new().minutes(17 * n as i64))
                    .expect("date"),
                time_precision: TimePrecision::Hour,
                location: Location {
                    lat: lat + jitter,
                    lon: lon - jitter,
                    precision: GeoPrecision::Exact,
                    place: "outskirts".into(),
                },
                violation_type: ViolationType::Shelling,
                clause: None,
                perpetrator: Actor::Unknown("artillery".into()),
                target: Actor::Unknown("residential area".into()),
                casualties: vec![],
                sources: vec![Source {
                    kind: SourceKind::OwnObservation,
                    description: "post 7".into(),
                }],
                evidence: vec![],
                narrative: "Mortar fire on the market.".into(),
                observation: None,
            };
            let statement = Statement::new(
                key.key_id(),
                seq as u64,
                time,
                Body::ReportFiled(ReportFiled { report }),
            );
            key.sign(&statement)
        })
        .collect()
}
