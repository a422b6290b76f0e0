//! Throughput on one core, in MB/s of input text, for bulletins and news:
//! `cargo bench -p truce-extract`. Goals: bulletins >= 20 MB/s, news >= 5
//! MB/s. The corpus is the project's test set, each text read and extracted
//! as its own document (the realistic unit: per-document costs such as
//! language detection are included), repeated until about 4 MB.

use std::time::Instant;

use serde::Deserialize;

#[derive(Deserialize)]
struct Set {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    published: String,
    text: String,
}

const BULLETINS: &str = include_str!("../testdata/bulletins.toml");
const NEWS: &str = include_str!("../testdata/news.toml");
const TARGET_BYTES: usize = 4 * 1024 * 1024;

fn corpus(toml_text: &str) -> Vec<(Vec<u8>, Option<jiff::civil::Date>)> {
    let set: Set = toml::from_str(toml_text).expect("test set parses");
    let mut out = Vec::new();
    let mut size = 0;
    while size < TARGET_BYTES {
        for c in &set.case {
            size += c.text.len();
            out.push((c.text.clone().into_bytes(), c.published.parse().ok()));
        }
    }
    out
}

/// Nanoseconds this thread has run on a CPU (Linux schedstat). The build
/// machine is shared, so wall time understates single-core speed whenever
/// others are compiling; CPU time does not.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Best of three runs, in MB/s of wall time and of CPU time, with the
/// candidate count as a checksum.
fn measure(docs: &[(Vec<u8>, Option<jiff::civil::Date>)]) -> (f64, Option<f64>, usize) {
    let bytes: usize = docs.iter().map(|d| d.0.len()).sum();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut found = 0;
    for _ in 0..3 {
        let cpu_start = thread_cpu_ns();
        let start = Instant::now();
        found = 0;
        for (text, published) in docs {
            let Ok(parsed) = truce_extract::read(text, truce_extract::Format::Text) else {
                continue;
            };
            for mut doc in parsed {
                doc.published = *published;
                found += truce_extract::extract(&doc).map_or(0, |c| c.len());
            }
        }
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, thread_cpu_ns()) {
            best_cpu = best_cpu.min(b.saturating_sub(a) as f64 / 1e9);
        }
    }
    let cpu = (best_cpu < f64::MAX).then(|| bytes as f64 / 1e6 / best_cpu);
    (bytes as f64 / 1e6 / best, cpu, found)
}

fn main() {
    // Warm the lazily built automata and patterns outside the timing.
    let _ = truce_extract::extract(&truce_extract::Document::new("warm up", None, None));
    // TRUCE_BENCH_ONLY=bulletins (or news) runs one set, for profiling.
    let only = std::env::var("TRUCE_BENCH_ONLY").ok();
    for (name, set, goal) in [("bulletins", BULLETINS, 20.0), ("news", NEWS, 5.0)] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let docs = corpus(set);
        let (mbps, cpu, found) = measure(&docs);
        let cpu = cpu.map_or("n/a".to_string(), |c| format!("{c:.1}"));
        println!(
            "{name:<10} {mbps:>6.1} MB/s wall, {cpu:>6} MB/s CPU time (goal {goal} MB/s; {} documents, {found} candidates)",
            docs.len()
        );
    }
}
