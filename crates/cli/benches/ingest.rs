//! Throughput of `truce ingest` as a user runs it, drafts written, in MB/s
//! of input: on one large file and on a directory of many small ones, with
//! the reader alone (read + extract, in this process, on the same inputs)
//! as the ceiling. `cargo bench -p truce-cli --bench ingest`.
//! TRUCE_BENCH_LARGE_MB, TRUCE_BENCH_SMALL_FILES and TRUCE_BENCH_SMALL_BYTES
//! (the least size of a small file) change the sizes: by default 19 MiB in
//! one file, and 14,500 files of about 1.4 kB each, 20 MB in all;
//! TRUCE_BENCH_BASELINE names another `truce` binary (an earlier build) to
//! run on the same inputs in the same run, for a before and after.
//! Each figure is the median of TRUCE_BENCH_RUNS runs (default 3), the
//! builds taking turns, with the fastest and slowest wall times beside it:
//! on a shared machine one run can be a tenth off either way.
//! Each figure is given per second of wall time and per second of CPU time
//! (user and system, all threads): on a shared machine wall time measures
//! the neighbours too, CPU time does not.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use serde::Deserialize;

// The reader alone runs in this process: on the allocator the `truce`
// binary runs on, or the ceiling would measure another program.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Deserialize)]
struct Set {
    case: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    text: String,
}

const BULLETINS: &str = include_str!("../../extract/testdata/bulletins.toml");
const NEWS: &str = include_str!("../../extract/testdata/news.toml");
const LAYOUTS: &str = include_str!("../../extract/testdata/layouts.toml");

fn texts() -> Vec<String> {
    [BULLETINS, NEWS, LAYOUTS]
        .iter()
        .flat_map(|t| {
            toml::from_str::<Set>(t)
                .expect("test set parses")
                .case
                .into_iter()
                .map(|c| c.text)
        })
        .collect()
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One text of about `bytes` bytes: the test texts in turn, paragraphs apart.
fn large_text(texts: &[String], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 4096);
    for t in texts.iter().cycle() {
        if out.len() + t.len() + 2 > bytes {
            break;
        }
        out.push_str(t);
        out.push_str("\n\n");
    }
    out
}

/// `files` texts of test texts in turn, each of at least `bytes` bytes
/// (the size of a typical article), ending in a line of its own so that no
/// two are the same text (the queue stores a text once).
fn small_texts(texts: &[String], files: usize, bytes: usize) -> Vec<String> {
    let mut cycle = texts.iter().cycle();
    (0..files)
        .map(|i| {
            let mut text = String::with_capacity(bytes + 2048);
            while text.len() < bytes {
                let Some(next) = cycle.next() else { break };
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(next);
            }
            text.push_str(&format!("\n\nItem {i}."));
            text
        })
        .collect()
}

/// CPU seconds (user and system) used so far by this process, or by its
/// children that have ended.
fn cpu_seconds(children: bool) -> f64 {
    let who = if children {
        libc::RUSAGE_CHILDREN
    } else {
        libc::RUSAGE_SELF
    };
    // SAFETY: getrusage writes into the zeroed struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut usage);
        usage
    };
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Wall and CPU seconds of `f`.
#[derive(Clone, Copy)]
struct Took {
    wall: f64,
    cpu: f64,
}

/// Several runs of one measure: the median by wall time (its own CPU
/// time with it), and the fastest and slowest wall times.
struct Runs {
    median: Took,
    fastest: f64,
    slowest: f64,
}

fn runs(mut took: Vec<Took>) -> Runs {
    took.sort_by(|a, b| a.wall.total_cmp(&b.wall));
    Runs {
        median: took[took.len() / 2],
        fastest: took[0].wall,
        slowest: took[took.len() - 1].wall,
    }
}

fn ingest(data_dir: &Path, input: &Path) -> Took {
    ingest_with(Path::new(env!("CARGO_BIN_EXE_truce")), data_dir, input)
}

fn ingest_with(truce: &Path, data_dir: &Path, input: &Path) -> Took {
    // Each run starts from an empty queue; the last run's stays (for
    // TRUCE_BENCH_KEEP).
    if data_dir.exists() {
        std::fs::remove_dir_all(data_dir).expect("remove the last run's data directory");
    }
    // The inputs just written, and the drafts of the run before, go to the
    // disk first: otherwise whichever command runs first pays for them.
    // SAFETY: sync takes no arguments and cannot fail.
    unsafe { libc::sync() };
    let cpu_start = cpu_seconds(true);
    let start = Instant::now();
    let output = Command::new(truce)
        .args(["--data-dir"])
        .arg(data_dir)
        .arg("ingest")
        .arg(input)
        .args(["--published", "2020-04-14"])
        .output()
        .expect("truce runs");
    let wall = start.elapsed().as_secs_f64();
    assert!(
        output.status.success(),
        "truce ingest failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Took {
        wall,
        cpu: cpu_seconds(true) - cpu_start,
    }
}

/// The reader alone on the same inputs, on as many threads as the command
/// uses (files in parallel, and a long text's blocks in parallel).
fn reader_only(inputs: &[&str]) -> Took {
    use rayon::prelude::*;
    let published = Some(jiff::civil::date(2020, 4, 14));
    let cpu_start = cpu_seconds(false);
    let start = Instant::now();
    let found: usize = inputs
        .par_iter()
        .map(|text| {
            truce_extract::read(text.as_bytes(), truce_extract::Format::Auto)
                .expect("the test texts read")
                .into_iter()
                .map(|mut doc| {
                    doc.published = published;
                    truce_extract::extract(&doc).map_or(0, |c| c.len())
                })
                .sum::<usize>()
        })
        .sum();
    let wall = start.elapsed().as_secs_f64();
    assert!(found > 0);
    Took {
        wall,
        cpu: cpu_seconds(false) - cpu_start,
    }
}

fn report(name: &str, bytes: usize, command: Runs, reader: Option<Runs>) {
    let mb = bytes as f64 / 1e6;
    let rate = |runs: &Runs| {
        format!(
            "{:>5.1} MB/s wall ({:.2} s; {:.2}-{:.2}), {:>5.1} MB/s CPU ({:.2} s)",
            mb / runs.median.wall,
            runs.median.wall,
            runs.fastest,
            runs.slowest,
            mb / runs.median.cpu,
            runs.median.cpu,
        )
    };
    let reader = reader.map_or(String::new(), |r| format!("; reader alone {}", rate(&r)));
    println!(
        "{name:<18} {mb:>5.1} MB: truce ingest {}{reader}",
        rate(&command)
    );
}

/// `input` through the command (and the baseline's) and `texts` through the
/// reader alone, `count` times each, taking turns.
fn measure(
    name: &str,
    data_dir: &Path,
    input: &Path,
    texts: &[&str],
    baseline: Option<&Path>,
    count: usize,
) {
    std::fs::create_dir_all(data_dir).expect("a directory for the data directories");
    let (mut command, mut reader, mut before) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..count {
        command.push(ingest(&data_dir.join("data"), input));
        reader.push(reader_only(texts));
        if let Some(truce) = baseline {
            before.push(ingest_with(truce, &data_dir.join("base"), input));
        }
    }
    let bytes = texts.iter().map(|t| t.len()).sum();
    report(name, bytes, runs(command), Some(runs(reader)));
    if baseline.is_some() {
        report("  baseline", bytes, runs(before), None);
    }
}

fn main() {
    let texts = texts();
    let temporary = tempfile::tempdir().expect("temporary directory");
    // TRUCE_BENCH_KEEP keeps the inputs and data directories, to profile
    // the command on them afterwards.
    let (_temporary, dir) = if std::env::var_os("TRUCE_BENCH_KEEP").is_some() {
        let kept = temporary.keep();
        println!("inputs kept in {}", kept.display());
        (None, kept)
    } else {
        let path = temporary.path().to_path_buf();
        (Some(temporary), path)
    };

    let large = large_text(&texts, env_number("TRUCE_BENCH_LARGE_MB", 19) << 20);
    let large_path = dir.join("large.txt");
    std::fs::write(&large_path, &large).expect("write");
    // The reader's tables are built once per process: built here, before
    // the first figure, so that the first reader-alone figure does not pay
    // for them and the others not.
    reader_only(&[&small_texts(&texts, 8, 4096).join("\n\n")]);
    let baseline = std::env::var_os("TRUCE_BENCH_BASELINE").map(std::path::PathBuf::from);
    let count = env_number("TRUCE_BENCH_RUNS", 3).max(1);
    let load = || std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}", load().trim());
    println!("median of {count} runs each; fastest-slowest wall time in brackets");
    measure(
        "one large file",
        &dir.join("large"),
        &large_path,
        &[&large],
        baseline.as_deref(),
        count,
    );

    let small = small_texts(
        &texts,
        env_number("TRUCE_BENCH_SMALL_FILES", 14_500),
        env_number("TRUCE_BENCH_SMALL_BYTES", 1_380),
    );
    let small_dir = dir.join("small");
    std::fs::create_dir(&small_dir).expect("mkdir");
    for (i, t) in small.iter().enumerate() {
        std::fs::write(small_dir.join(format!("{i:06}.txt")), t).expect("write");
    }
    let inputs: Vec<&str> = small.iter().map(String::as_str).collect();
    measure(
        &format!("{} small files", small.len()),
        &dir.join("many"),
        &small_dir,
        &inputs,
        baseline.as_deref(),
        count,
    );
    println!("load average after: {}", load().trim());
}
