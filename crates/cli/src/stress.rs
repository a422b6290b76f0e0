//! A load generator for the node: each key appends notes of a given size,
//! pipelined, and every acknowledgement is printed as it arrives, so a
//! crash test can kill the process and then check each acknowledged entry.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use jiff::Timestamp;
use truce_model::Note;
use truce_record::{Body, Statement};

use crate::keyfile;
use crate::node::Location;

#[derive(Args)]
pub struct StressArgs {
    /// Member key files; each appends its own stream of notes.
    #[arg(long, required = true)]
    key: Vec<PathBuf>,
    /// Notes per key.
    #[arg(long, default_value_t = 1_000)]
    count: u64,
    /// Approximate size of each signed statement in bytes.
    #[arg(long, default_value_t = 500)]
    size: usize,
    /// Print `ack POSITION LEAF_HASH` for each durable statement.
    #[arg(long)]
    print_acks: bool,
}

pub async fn run(location: &Location, args: StressArgs) -> Result<ExitCode> {
    let writing = location.lock_for_writing()?;
    let ledger = Arc::new(location.open_ledger_to_write(&writing).await?);
    let registry = ledger.registry();
    let started = Instant::now();
    let mut streams = Vec::new();
    for path in &args.key {
        let key = keyfile::read_member_key(path)?;
        let member = registry
            .member_of(&key.key_id())
            .and_then(|m| registry.member(m))
            .with_context(|| format!("{} is not an admitted key", path.display()))?;
        let first_seq = member.next_seq;
        let ledger = ledger.clone();
        let (count, size, print) = (args.count, args.size, args.print_acks);
        streams.push(tokio::spawn(async move {
            let mut pending = std::collections::VecDeque::new();
            for seq in first_seq..first_seq + count {
                let text = filler(seq, size);
                let body = Body::Note(Note {
                    text,
                    refers_to: vec![],
                });
                let signed = key.sign(&Statement::new(key.key_id(), seq, Timestamp::now(), body));
                pending.push_back(ledger.submit(signed).await?);
                // Keep a bounded window in flight; print acks as they come.
                while pending.len() > 512 {
                    acknowledge(pending.pop_front().expect("non-empty"), print).await?;
                }
            }
            for queued in pending {
                acknowledge(queued, print).await?;
            }
            anyhow::Ok(count)
        }));
    }
    let mut total = 0;
    for stream in streams {
        total += stream.await??;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "{total} statements appended and durable in {seconds:.2} s: {:.0} per second",
        total as f64 / seconds
    );
    if let Ok(ledger) = Arc::try_unwrap(ledger) {
        ledger.close().await;
    }
    Ok(ExitCode::SUCCESS)
}

async fn acknowledge(queued: truce_store::Pending, print: bool) -> Result<()> {
    let receipt = queued.durable().await?;
    if print {
        println!("ack {} {}", receipt.position, receipt.leaf_hash);
    }
    Ok(())
}

/// A note text that makes the signed statement about `size` bytes long.
fn filler(seq: u64, size: usize) -> String {
    let mut text = format!("Load test note {seq}: ");
    // The envelope (key id, sequence, time, field names) is about 140 bytes.
    while text.len() + 140 < size {
        text.push_str("observation post reports calm. ");
    }
    text.truncate(size.saturating_sub(140).max(24));
    text.trim_end().to_string()
}
