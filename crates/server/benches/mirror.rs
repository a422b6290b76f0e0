//! A guarantor's mirror catching up with a node, against `truce verify` in
//! the same run: a Record of N notes (~500-byte statements by three
//! members) on SQLite; a full replay (the verify rate); the node opening
//! its own Record (every leaf hash recomputed and the root checked); then
//! the node served on 127.0.0.1:0 and an empty mirror following it over
//! HTTP (checkpoint, entry bundles, every entry verified, stored on its own
//! SQLite file) until it holds the whole Record; then hash-tile requests
//! per second from 16 concurrent clients.
//!
//! `TRUCE_BENCH_ENTRIES` sets N (default 100,000). Prints one line a figure.

use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use truce_client::{Follower, Origin, Progress};
use truce_gazetteer::Gazetteer;
use truce_model::{Genesis, MemberName, Note, Role};
use truce_record::{Body, CheckpointSigner, Statement};
use truce_regime::{Register, RegisterConfig};
use truce_server::AppState;
use truce_store::{replay_with, Ledger, Store};
use truce_testkit::{Founders, OPERATOR};

const MEMBERS: usize = 3;
const IN_FLIGHT: usize = 4_096;

fn register() -> Register {
    Register::new(RegisterConfig::default(), Gazetteer::syria())
}

fn main() {
    let total: u64 = std::env::var("TRUCE_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(total));
}

async fn run(total: u64) {
    let node_dir = tempfile::tempdir().expect("temp dir");
    let signer = CheckpointSigner::generate("truce.bench/mirror").expect("node key");
    let secret = signer.secret().to_string();
    let node_key = signer.verifier_key().to_string();
    let path = node_dir.path().join("truce.sqlite");
    let started = Instant::now();
    build(&path, signer, total).await;
    println!(
        "built a Record of {total} entries in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let store = Store::open_sqlite(&path).await.expect("sqlite");
    let started = Instant::now();
    let mut rules = register();
    let report = replay_with(&store, &mut rules, &|_, _| {})
        .await
        .expect("the Record verifies");
    let verify_seconds = started.elapsed().as_secs_f64();
    let verify_rate = report.entries as f64 / verify_seconds;
    println!(
        "verify (full replay): {} entries in {verify_seconds:.2} s = {verify_rate:.0} entries/s",
        report.entries
    );
    drop(rules);

    let started = Instant::now();
    let signer = CheckpointSigner::from_secret(&secret).expect("node key");
    let ledger = Ledger::open_with(store.clone(), signer, register())
        .await
        .expect("the node opens");
    let open_seconds = started.elapsed().as_secs_f64();
    let entries = store.entries(0, total + 1).await.expect("entries");
    let started = Instant::now();
    let mut log = truce_record::MerkleLog::new();
    for entry in &entries {
        let signed = truce_record::SignedStatement::new(
            entry.statement.clone(),
            entry.signature[..].try_into().unwrap(),
        );
        log.append(signed.leaf_hash());
    }
    let hash_seconds = started.elapsed().as_secs_f64();
    let bytes: usize = entries.iter().map(|e| e.statement.len() + 64).sum();
    drop(entries);
    println!(
        "node open: {open_seconds:.2} s for {} entries, of which rebuilding the tree from the entries' bytes ({:.0} MB) takes {hash_seconds:.2} s",
        ledger.size(),
        bytes as f64 / 1e6
    );

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    let ledger = Arc::new(ledger);
    let state = AppState::new(ledger.clone(), node_dir.path());
    let token = truce_node::create_token(
        node_dir.path(),
        &MemberName::new("observer-0").expect("name"),
        Role::Observer,
    )
    .expect("token");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(truce_server::serve_until(listener, state, async {
        let _ = stopped.await;
    }));

    let mirror_dir = tempfile::tempdir().expect("temp dir");
    let mirror_store = Store::open_sqlite(&mirror_dir.path().join("truce.sqlite"))
        .await
        .expect("sqlite");
    let mirror = Arc::new(
        Ledger::open_reader(mirror_store, register())
            .await
            .expect("empty mirror"),
    );
    let origin = Origin::new(
        &format!("http://{address}"),
        Some(token),
        &Default::default(),
    )
    .expect("origin");
    let mut follower = Follower::new(mirror.clone(), origin.clone(), node_key);
    let started = Instant::now();
    loop {
        match follower
            .step(&|_, _| {}, &|_, _| {})
            .await
            .expect("follows")
        {
            Progress::UpToDate { .. } => break,
            Progress::Advanced(_) => {}
        }
    }
    let mirror_seconds = started.elapsed().as_secs_f64();
    let mirror_rate = mirror.size() as f64 / mirror_seconds;
    println!(
        "mirror catch-up over HTTP: {} entries in {mirror_seconds:.2} s = {mirror_rate:.0} entries/s, {:.2} of the verify rate",
        mirror.size(),
        mirror_rate / verify_rate
    );
    assert_eq!(
        mirror.checkpoint().map(|c| c.root()),
        ledger.checkpoint().map(|c| c.root())
    );

    let tiles = (mirror.size() / 256).max(1);
    let deadline = Instant::now() + Duration::from_secs(5);
    let clients: Vec<_> = (0..16u64)
        .map(|client| {
            let origin = origin.clone();
            tokio::spawn(async move {
                let mut served = 0u64;
                let mut n = client;
                while Instant::now() < deadline {
                    let path = format!("/tile/0/{}", truce_client::tile_index_path(n % tiles));
                    origin.get(&path).await.expect("tile");
                    served += 1;
                    n = n
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407)
                        >> 1;
                }
                served
            })
        })
        .collect();
    let mut served = 0;
    for client in clients {
        served += client.await.expect("client");
    }
    println!(
        "hash tiles: {:.0} requests/s from 16 clients over 5 s (8,192-byte full level-0 tiles)",
        served as f64 / 5.0
    );
    let _ = stop.send(());
    let _ = server.await;
}

async fn build(path: &std::path::Path, signer: CheckpointSigner, total: u64) {
    // The operator, the members who write the notes at places 1 to
    // MEMBERS, and an observer.
    let (founders, _) =
        Founders::guarantors(MEMBERS).with("observer-0", "Observers", Role::Observer);
    let genesis = Genesis {
        // As in a real mechanism: the origin its checkpoints carry.
        log_origin: signer.origin().to_string(),
        ..founders.genesis(signer.verifier_key(), None)
    };
    let store = Store::open_sqlite(path).await.expect("sqlite");
    let ledger = Ledger::open_with(store, signer, register())
        .await
        .expect("ledger");
    let now = Timestamp::now();
    let operator = founders.key(OPERATOR);
    ledger
        .append(operator.sign(&Statement::new(
            operator.key_id(),
            0,
            now,
            Body::Genesis(genesis),
        )))
        .await
        .expect("genesis");
    let text = "Over the past 24 hours the side registered ceasefire violations in the provinces of Aleppo, Latakia and Idlib; the other side confirmed some of them. ".repeat(3);
    let mut pending = std::collections::VecDeque::new();
    for n in 0..total.saturating_sub(1) {
        let key = founders.key(1 + (n % MEMBERS as u64) as usize);
        let seq = n / MEMBERS as u64;
        let body = Body::Note(Note {
            text: text.clone(),
            refers_to: Vec::new(),
        });
        let signed = key.sign(&Statement::new(key.key_id(), seq, now, body));
        pending.push_back(ledger.submit(signed).await.expect("queued"));
        if pending.len() >= IN_FLIGHT {
            pending
                .pop_front()
                .unwrap()
                .durable()
                .await
                .expect("durable");
        }
    }
    for p in pending {
        p.durable().await.expect("durable");
    }
    ledger.close().await;
}
