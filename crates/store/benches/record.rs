//! Throughput of the Record on the SQLite default:
//! - appends: ~500-byte signed statements, verified, admitted and durable;
//! - inclusion proofs from the node's tree;
//! - a full replay (`truce verify`) of the Record built by the appends;
//!
//! each against a ceiling measured in the same run on the same machine:
//! Ed25519 strict verifications per second on all cores (every append and
//! every replayed entry needs one), and fsync'd SQLite commits per second
//! (each group commit needs one). Rates are printed as fractions of them.
//! The appends are made in three rounds, each against the verification of
//! its own statements just before and just after it; the median round is
//! the figure (a single measure of each drifted by a tenth between runs).
//!
//! `TRUCE_BENCH_ENTRIES` sets the Record's size (default 200,000; the goal
//! figures are for 1,000,000). Prints one line per measure.

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use truce_model::Note;
use truce_record::{check_inclusion, Body, MemberKey, SignedStatement};
use truce_store::{replay, Ledger};

// The node's append path on the allocator the `truce` binary runs on.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const STATEMENT_BYTES: usize = 500;

fn main() {
    let entries: u64 = std::env::var("TRUCE_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(run(entries));
}

async fn run(entries: u64) {
    let fixture = common::Fixture::new();
    let (store, _dir) = common::sqlite_store().await;
    let ledger = Arc::new(common::founded(store.clone(), &fixture).await);
    let members: Vec<MemberKey> = fixture
        .guarantors
        .iter()
        .map(|m| MemberKey::from_seed(m.key.seed()))
        .collect();

    let started = Instant::now();
    let streams = presign(&members, entries - 1);
    let mean_bytes = streams[0][0].bytes().len() + 64;
    eprintln!(
        "signed {} statements of {mean_bytes} bytes in {:.1} s (client side, not timed below)",
        entries - 1,
        started.elapsed().as_secs_f64()
    );

    let commit_ceiling = commits_per_second().await;
    println!("ceiling: {commit_ceiling:.0} fsync'd SQLite commits/s");

    // The machine is shared and its speed drifts by a tenth from one
    // second to the next: each round of appends is measured against the
    // verification of the same statements just before it and just after
    // it, and the median round is the figure.
    let threads = rayon::current_num_threads() as f64;
    // Once unmeasured first: the first measure of a run had read a fifth
    // below the others (the pool's threads and caches cold), which made
    // its round read high.
    verifications_per_second(&members, &streams);
    let mut ratios = Vec::new();
    let mut ceiling = 0.0;
    let mut appended = 0;
    let mut commits = 0;
    let mut appending = 0.0;
    for (round, streams) in rounds(streams).into_iter().enumerate() {
        let count: usize = streams.iter().map(Vec::len).sum();
        let before = verifications_per_second(&members, &streams);
        let started = Instant::now();
        let cpu_before = cpu_seconds();
        append_all(&ledger, streams.clone()).await;
        let seconds = started.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu_before;
        let after = verifications_per_second(&members, &streams);
        ceiling = (before + after) / 2.0;
        let rate = count as f64 / seconds;
        let verifying = count as f64 / ceiling * threads;
        let round_commits = store.checkpoints().await.unwrap().len() - commits;
        println!(
            "append, round {}: {count} statements verified, admitted and durable in {seconds:.2} s = {rate:.0}/s = {:.2} of the verification ceiling ({before:.0}/s before the round, {after:.0}/s after); CPU {cpu:.2} core-s ({:.0}% of the cores' time), verifying alone needs {verifying:.2}, the rest is {:.1} µs per statement; {round_commits} group commits",
            round + 1,
            rate / ceiling,
            100.0 * cpu / seconds / threads,
            (cpu - verifying) / count as f64 * 1e6,
        );
        ratios.push(rate / ceiling);
        appended += count;
        commits += round_commits;
        appending += seconds;
    }
    let mut sorted = ratios.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "append: {appended} statements in {appending:.2} s = {:.0}/s; median round {:.2} of the verification ceiling (rounds: {}); {commits} group commits, {:.0}/s of the {commit_ceiling:.0}/s possible",
        appended as f64 / appending,
        sorted[sorted.len() / 2],
        ratios
            .iter()
            .map(|r| format!("{r:.2}"))
            .collect::<Vec<_>>()
            .join(", "),
        commits as f64 / appending,
    );

    prove(&ledger);

    let started = Instant::now();
    let report = replay(&store, &|_, _| {}).await.unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let rate = report.entries as f64 / seconds;
    println!(
        "verify: {} entries replayed from scratch in {seconds:.2} s = {rate:.0}/s = {:.2} of the verification ceiling of the last round ({ceiling:.0}/s)",
        report.entries,
        rate / ceiling
    );
    Arc::into_inner(ledger).unwrap().close().await;
}

/// Rounds of appends the bench measures apart.
const ROUNDS: usize = 3;

/// Each member's stream cut into [`ROUNDS`] parts, in order: round `r`
/// holds every member's `r`th part.
fn rounds(streams: Vec<Vec<SignedStatement>>) -> Vec<Vec<Vec<SignedStatement>>> {
    let mut rounds: Vec<Vec<Vec<SignedStatement>>> = vec![Vec::new(); ROUNDS];
    for stream in streams {
        let per_round = stream.len().div_ceil(ROUNDS).max(1);
        let mut parts = stream.chunks(per_round).map(<[_]>::to_vec);
        for round in &mut rounds {
            round.push(parts.next().unwrap_or_default());
        }
    }
    rounds
}

/// Strict Ed25519 verifications per second on all cores: the statements
/// themselves, each against its member's key, nothing else.
fn verifications_per_second(members: &[MemberKey], streams: &[Vec<SignedStatement>]) -> f64 {
    let keys: Vec<_> = members
        .iter()
        .map(|m| truce_record::strong_verifying_key(&m.public_key()).unwrap())
        .collect();
    let work: Vec<(usize, &SignedStatement)> = streams
        .iter()
        .enumerate()
        .flat_map(|(i, stream)| stream.iter().take(50_000).map(move |s| (i, s)))
        .collect();
    let started = Instant::now();
    let good = work
        .par_iter()
        .filter(|(i, signed)| signed.verify(&keys[*i]))
        .count();
    assert_eq!(good, work.len());
    work.len() as f64 / started.elapsed().as_secs_f64()
}

/// The process's CPU time so far, user and system, from /proc (Linux
/// counts it in ticks of 1/100 s).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are the 14th and 15th fields of the whole line.
    (ticks(11) + ticks(12)) / 100.0
}

/// Commits of one small row each, one after another, on a SQLite file of
/// its own opened as the Record's is (WAL, `synchronous=FULL`).
async fn commits_per_second() -> f64 {
    let (store, _dir) = common::sqlite_store().await;
    let count = 300u64;
    let started = Instant::now();
    for size in 1..=count {
        store.add_checkpoint(size, b"ceiling").await.unwrap();
    }
    let rate = count as f64 / started.elapsed().as_secs_f64();
    store.close().await;
    rate
}

/// One stream of statements per member, signed in parallel.
fn presign(members: &[MemberKey], total: u64) -> Vec<Vec<SignedStatement>> {
    let per_member = total / members.len() as u64;
    let extra = total % members.len() as u64;
    members
        .par_iter()
        .enumerate()
        .map(|(i, key)| {
            let count = per_member + u64::from((i as u64) < extra);
            (0..count)
                .map(|seq| {
                    let mut text = format!("member {i} statement {seq}: ");
                    while text.len() < STATEMENT_BYTES - 240 {
                        text.push_str("calm along the line of contact. ");
                    }
                    let body = Body::Note(Note {
                        text,
                        refers_to: vec![],
                    });
                    common::sign(key, seq, body)
                })
                .collect()
        })
        .collect()
}

async fn append_all(ledger: &Arc<Ledger>, streams: Vec<Vec<SignedStatement>>) {
    let tasks: Vec<_> = streams
        .into_iter()
        .map(|stream| {
            let ledger = ledger.clone();
            tokio::spawn(async move {
                let mut window = std::collections::VecDeque::new();
                for signed in stream {
                    window.push_back(ledger.submit(signed).await.unwrap());
                    while window.len() > 2_048 {
                        window.pop_front().unwrap().durable().await.unwrap();
                    }
                }
                for pending in window {
                    pending.durable().await.unwrap();
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
}

fn prove(ledger: &Ledger) {
    let checkpoint = ledger.checkpoint().unwrap();
    let size = checkpoint.size();
    let count = 200_000u64;
    let started = Instant::now();
    let mut total_hashes = 0;
    for i in 0..count {
        let position = (i * 7_919) % size;
        total_hashes += ledger.prove_inclusion(position, size).unwrap().len();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "inclusion proofs: {count} in {seconds:.2} s = {:.0}/s on one core (mean {} hashes)",
        count as f64 / seconds,
        total_hashes as u64 / count
    );
    let proof = ledger.prove_inclusion(size / 2, size).unwrap();
    let leaf = ledger.leaf_hash(size / 2).unwrap();
    check_inclusion(&proof, size, checkpoint.root(), size / 2, leaf).unwrap();
}
