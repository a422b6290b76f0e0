//! Where the reader spends its time, and whether a change altered what it
//! reads. `cargo run --release -p truce-extract --example costs -- MODE`:
//!
//! - `texts` (the default): each test text read alone, many times; the
//!   most expensive per byte first.
//! - `sizes`: the test texts joined into documents of 1 to 200 texts, read
//!   once each, in MB/s on one thread: the cost of a document as such.
//! - `profile`: documents of nine texts, read once, inside the function
//!   `costs::measured` (for `valgrind --tool=callgrind
//!   --collect-atstart=no --toggle-collect=costs::measured`), after a
//!   first pass that builds the reader's tables.
//! - `files DIR [THREADS]`: every file of a directory read once, on one
//!   thread or THREADS, in MB/s (the reader's share of `truce ingest DIR`).
//! - `dump`: the candidates of every text of every test set as JSON, a line
//!   each: two builds that read alike print the same.

use std::time::Instant;

// The reader as `truce ingest` runs it: on the binary's allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(serde::Deserialize)]
struct Set {
    case: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    text: String,
}

const MEASURED_SETS: [&str; 3] = ["bulletins", "news", "layouts"];
const ALL_SETS: [&str; 8] = [
    "bulletins",
    "news",
    "layouts",
    "heldout_bulletins",
    "heldout_news",
    "layouts_heldout",
    "news_layouts",
    "news_layouts_heldout",
];

fn texts(sets: &[&str]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for set in sets {
        let path = format!("{}/testdata/{set}.toml", env!("CARGO_MANIFEST_DIR"));
        let source = std::fs::read_to_string(&path).expect("test set");
        let parsed: Set = toml::from_str(&source).expect("test set parses");
        for (i, case) in parsed.case.into_iter().enumerate() {
            out.push((format!("{set}#{i}"), case.text));
        }
    }
    out
}

fn candidates(text: &str) -> Vec<Result<Vec<truce_extract::Candidate>, String>> {
    let published = Some(jiff::civil::date(2020, 4, 14));
    match truce_extract::read(text.as_bytes(), truce_extract::Format::Auto) {
        Err(e) => vec![Err(e.to_string())],
        Ok(docs) => docs
            .into_iter()
            .map(|mut doc| {
                doc.published = published;
                truce_extract::extract(&doc).map_err(|e| e.to_string())
            })
            .collect(),
    }
}

fn read(text: &str) {
    std::hint::black_box(candidates(text));
}

#[inline(never)]
fn measured(docs: &[String]) {
    for doc in docs {
        read(doc);
    }
}

/// `per` test texts to a document, each text in four documents.
fn documents(texts: &[(String, String)], per: usize) -> Vec<String> {
    (0..texts.len() * 4)
        .map(|i| {
            (0..per)
                .map(|k| texts[(i * per + k) % texts.len()].1.as_str())
                .collect::<Vec<_>>()
                .join("\n\n")
        })
        .collect()
}

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_else(|| "texts".into());
    let texts = texts(&MEASURED_SETS);
    match mode.as_str() {
        "dump" => {
            for (name, text) in self::texts(&ALL_SETS) {
                let json = serde_json::to_string(&candidates(&text)).expect("serialises");
                println!("{name} {json}");
            }
        }
        "files" => {
            // The files of a directory (a kept input of the ingest bench),
            // read once each on this thread: the reader's share of what
            // `truce ingest` spends on them.
            let dir = std::env::args().nth(2).expect("costs files DIR");
            let mut paths: Vec<_> = std::fs::read_dir(&dir)
                .expect("a directory")
                .map(|e| e.expect("an entry").path())
                .collect();
            paths.sort();
            let docs: Vec<String> = paths
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("a text file"))
                .collect();
            read("the tables are built here");
            let bytes: usize = docs.iter().map(String::len).sum();
            let threads: usize = std::env::args()
                .nth(3)
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let start = Instant::now();
            let share = docs.len().div_ceil(threads);
            std::thread::scope(|scope| {
                for part in docs.chunks(share) {
                    scope.spawn(|| measured(part));
                }
            });
            let seconds = start.elapsed().as_secs_f64();
            println!(
                "{} files, {bytes} B: {seconds:.2} s, {:.1} MB/s on {threads} threads",
                docs.len(),
                bytes as f64 / seconds / 1e6
            );
        }
        "profile" => {
            let docs = documents(&texts, 9);
            for (_, text) in &texts {
                read(text);
            }
            measured(&docs);
        }
        "sizes" => {
            for round in 0..2 {
                for per in [1, 4, 9, 30, 200] {
                    let docs = documents(&texts, per);
                    let bytes: usize = docs.iter().map(String::len).sum();
                    let start = Instant::now();
                    measured(&docs);
                    let seconds = start.elapsed().as_secs_f64();
                    let note = if round == 0 {
                        " (tables being built)"
                    } else {
                        ""
                    };
                    println!(
                        "{per:4} texts a document, {:6} B each: {:5.1} MB/s{note}",
                        bytes / docs.len(),
                        bytes as f64 / seconds / 1e6
                    );
                }
            }
        }
        _ => {
            read("the tables are built here");
            let mut rows = Vec::new();
            let (mut bytes, mut micros) = (0, 0.0);
            for (name, text) in &texts {
                let times = 300;
                let start = Instant::now();
                for _ in 0..times {
                    read(text);
                }
                let each = start.elapsed().as_secs_f64() * 1e6 / f64::from(times);
                bytes += text.len();
                micros += each;
                let head: String = text.chars().take(50).collect();
                rows.push((
                    each * 1000.0 / text.len() as f64,
                    each,
                    text.len(),
                    name,
                    head,
                ));
            }
            rows.sort_by(|a, b| b.0.total_cmp(&a.0));
            println!(
                "all {bytes} bytes in {micros:.0} µs: {:.1} MB/s",
                bytes as f64 / micros
            );
            for (per_kb, each, len, name, head) in rows.iter().take(40) {
                println!(
                    "{per_kb:7.1} µs/kB {each:7.1} µs {len:6} B {name:24} {}",
                    head.replace('\n', " ")
                );
            }
        }
    }
}
