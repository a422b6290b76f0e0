//! Witnessing, measured: the latency from a new checkpoint to three
//! witnesses' cosignatures (a node's publisher round, the three witness
//! services on loopback with their own SQLite state), p50 and p99, with no
//! added delay and with 50 ms added before each witness answers; then how
//! many add-checkpoint requests one witness takes per second from 16
//! clients, each feeding its own log.
//!
//! `TRUCE_BENCH_ROUNDS` sets the checkpoints per latency run (default 200).

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use truce_client::{Outcome, Publisher};
use truce_model::{Genesis, Note};
use truce_record::{leaf_hash, Body, CheckpointSigner, Cosigner, MemberKey, MerkleLog, Statement};
use truce_store::{Ledger, Store};
use truce_testkit::{witnesses, Founders, OPERATOR};
use truce_witness::{router, StateStore, Witness};

fn main() {
    let rounds: usize = std::env::var("TRUCE_BENCH_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        latency(rounds, Duration::ZERO).await;
        latency(rounds, Duration::from_millis(50)).await;
        throughput().await;
    });
}

/// A witness service on 127.0.0.1:0 that waits `delay` before each answer.
async fn start(
    cosigner: Cosigner,
    log_key: &str,
    dir: &std::path::Path,
    delay: Duration,
) -> String {
    let state = StateStore::open(dir).await.expect("state");
    let witness = Witness::new(cosigner, &[log_key.to_string()], state).expect("witness");
    let app = router(Arc::new(witness)).layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            tokio::time::sleep(delay).await;
            next.run(request).await
        },
    ));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

async fn latency(rounds: usize, delay: Duration) {
    let dir = tempfile::tempdir().expect("temp dir");
    let signer = CheckpointSigner::generate("truce.bench/witness").expect("node key");
    let node_key = signer.verifier_key().to_string();
    let founders = Founders::guarantors(1);
    let cosigners = witnesses::three();
    let genesis = Genesis {
        log_origin: "truce.bench/witness".into(),
        witnesses: witnesses::listed(&cosigners),
        witness_quorum: 2,
        ..founders.genesis(&node_key, None)
    };
    let mut urls = Vec::new();
    for cosigner in cosigners {
        let name = cosigner.name().to_string();
        let url = start(cosigner, &node_key, &dir.path().join(&name), delay).await;
        urls.push((name, url));
    }
    let store = Store::open_sqlite(&dir.path().join("truce.sqlite"))
        .await
        .expect("sqlite");
    let ledger = Arc::new(Ledger::open(store, signer).await.expect("ledger"));
    let sign = |key: &MemberKey, seq, body| {
        key.sign(&Statement::new(key.key_id(), seq, Timestamp::now(), body))
    };
    ledger
        .append(sign(founders.key(OPERATOR), 0, Body::Genesis(genesis)))
        .await
        .expect("genesis");
    let mut publisher =
        Publisher::new(ledger.clone(), &urls, &Default::default()).expect("publisher");
    publisher.round().await;
    let mut took = Vec::with_capacity(rounds);
    for seq in 0..rounds as u64 {
        let note = Body::Note(Note {
            text: format!("note {seq}"),
            refers_to: vec![],
        });
        ledger
            .append(sign(founders.key(1), seq, note))
            .await
            .expect("appended");
        let started = Instant::now();
        let outcomes = publisher.round().await;
        took.push(started.elapsed());
        let cosigned = outcomes
            .iter()
            .filter(|(_, o)| matches!(o, Outcome::Cosigned { .. }))
            .count();
        assert_eq!(cosigned, 3, "{outcomes:?}");
    }
    took.sort();
    let at = |q: f64| took[((took.len() as f64 * q) as usize).min(took.len() - 1)];
    println!(
        "cosigning latency, three witnesses, {} ms added: p50 {:.1} ms, p99 {:.1} ms over {rounds} checkpoints",
        delay.as_millis(),
        at(0.50).as_secs_f64() * 1e3,
        at(0.99).as_secs_f64() * 1e3
    );
}

async fn throughput() {
    const CLIENTS: usize = 16;
    let dir = tempfile::tempdir().expect("temp dir");
    let logs: Vec<CheckpointSigner> = (0..CLIENTS)
        .map(|i| CheckpointSigner::generate(&format!("truce.bench/log-{i}")).expect("key"))
        .collect();
    let keys: Vec<String> = logs.iter().map(|l| l.verifier_key().to_string()).collect();
    let state = StateStore::open(dir.path()).await.expect("state");
    let witness =
        Witness::new(Cosigner::generate("w").expect("key"), &keys, state).expect("witness");
    let app = router(Arc::new(witness));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    let deadline = Instant::now() + Duration::from_secs(5);
    let clients: Vec<_> = logs
        .into_iter()
        .map(|log| {
            tokio::spawn(async move {
                use http_body_util::{BodyExt, Full};
                let client = hyper_util::client::legacy::Client::builder(
                    hyper_util::rt::TokioExecutor::new(),
                )
                .build_http::<Full<hyper::body::Bytes>>();
                let mut tree = MerkleLog::new();
                let mut sent = 0u64;
                while Instant::now() < deadline {
                    let old = tree.size();
                    tree.append(leaf_hash(format!("{old}").as_bytes()));
                    let checkpoint = log.sign(tree.size(), tree.root()).expect("signed");
                    let mut body = format!("old {old}\n");
                    for hash in tree.prove_consistency(old, tree.size()).expect("proof") {
                        body.push_str(&format!("{hash}\n"));
                    }
                    body.push('\n');
                    let mut body = body.into_bytes();
                    body.extend_from_slice(checkpoint.note());
                    let request = hyper::Request::post(format!("http://{address}/add-checkpoint"))
                        .body(Full::new(hyper::body::Bytes::from(body)))
                        .expect("request");
                    let response = client.request(request).await.expect("answer");
                    assert_eq!(response.status(), 200);
                    let _ = response.into_body().collect().await;
                    sent += 1;
                }
                sent
            })
        })
        .collect();
    let mut total = 0;
    for client in clients {
        total += client.await.expect("client");
    }
    println!(
        "add-checkpoint: {:.0} cosignatures/s from one witness ({CLIENTS} clients, each its own log, 5 s, state durable before each answer)",
        total as f64 / 5.0
    );
}
