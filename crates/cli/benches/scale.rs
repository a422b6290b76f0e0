//! How the node and the CLI scale with the Record. For each size in
//! `TRUCE_BENCH_SIZES` (default `10000,100000`; the goals are stated for
//! 1,000,000), a data directory is filled with that many report statements
//! by 16 guarantor members, spread over the country's towns and over
//! months; then the real `truce` binary is timed as a user runs it:
//! `truce serve` until `/readyz` answers, twice: the first start replays
//! every entry (and saves the state it derived), the second begins from
//! that state; then `truce bulletin`, `truce incidents` (of a day, and of a
//! governorate) and `truce log` on the
//! directory, each with its peak resident memory; `truce bulletin` and
//! `truce log` twice more, the first time with no saved state (they replay
//! every entry and save one), the second from the state the first saved.
//! `TRUCE_BENCH_KEEP=DIR` fills DIR with the first size and keeps it, to
//! profile a command on it.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use truce_record::CheckpointSigner;
use truce_testkit::ledger::founded_on_sqlite;
use truce_testkit::reports::presigned;
use truce_testkit::Founders;

const FILERS: usize = 16;
const TRUCE: &str = env!("CARGO_BIN_EXE_truce");

fn main() {
    let sizes: Vec<usize> = std::env::var("TRUCE_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("sizes are numbers"))
        .collect();
    // To profile a command on a Record of one size: fill this directory
    // and keep it.
    if let Ok(keep) = std::env::var("TRUCE_BENCH_KEEP") {
        let dir = Path::new(&keep);
        std::fs::create_dir_all(dir).expect("the directory to keep");
        fill(dir, sizes[0]);
        measure(dir, sizes[0]);
        return;
    }
    for size in sizes {
        let dir = tempfile::tempdir().expect("temp dir");
        fill(dir.path(), size);
        measure(dir.path(), size);
    }
}

/// A data directory as `truce init` leaves it, then `size` reports.
fn fill(dir: &Path, size: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let signer = CheckpointSigner::generate("truce.bench/scale").expect("node key");
        write_private(&dir.join("node.key"), &format!("{}\n", signer.secret()));
        let founders = Founders::guarantors(FILERS);
        let ledger =
            Arc::new(founded_on_sqlite(&dir.join("truce.sqlite"), signer, &founders).await);
        let per_filer = size.div_ceil(FILERS);
        let streams: Vec<_> = (0..FILERS)
            .into_par_iter()
            .map(|i| presigned(founders.key(i + 1), 0, i * per_filer, per_filer))
            .collect();
        let started = Instant::now();
        let tasks: Vec<_> = streams
            .into_iter()
            .map(|stream| {
                let ledger = ledger.clone();
                tokio::spawn(async move {
                    let mut window = std::collections::VecDeque::new();
                    for signed in stream {
                        window.push_back(ledger.submit(signed).await.expect("queued"));
                        while window.len() > 1_024 {
                            window
                                .pop_front()
                                .unwrap()
                                .durable()
                                .await
                                .expect("durable");
                        }
                    }
                    for pending in window {
                        pending.durable().await.expect("durable");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("filer");
        }
        let filed = ledger.size();
        eprintln!(
            "{filed} statements appended in {:.1} s ({:.0}/s)",
            started.elapsed().as_secs_f64(),
            filed as f64 / started.elapsed().as_secs_f64()
        );
        Arc::into_inner(ledger).expect("one ledger").close().await;
    });
}

fn write_private(path: &Path, text: &str) {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .expect("key file");
    file.write_all(text.as_bytes()).expect("key written");
}

fn measure(dir: &Path, size: usize) {
    let statements = size as f64 + 1.0;
    // The first start replays every entry; the node saves its state when
    // it stops, and the next start begins from that.
    for how in ["replaying every entry", "from the saved state"] {
        let (ready, at_ready_kib, serve_kib) = serve_until_ready(dir);
        println!(
            "{size} reports: node ready ({how}) in {:.2} s, peak RSS {:.0} MiB once settled \
             ({:.0} MiB when ready) = {:.2} KB per statement",
            ready.as_secs_f64(),
            serve_kib as f64 / 1024.0,
            at_ready_kib as f64 / 1024.0,
            serve_kib as f64 * 1.024 / statements
        );
    }
    let saved_bytes = |name: &str| std::fs::metadata(dir.join(name)).map_or(0, |m| m.len());
    println!(
        "{size} reports: saved states: register {:.1} MB, membership {:.1} MB",
        saved_bytes("register.saved") as f64 / 1e6,
        saved_bytes("membership.saved") as f64 / 1e6
    );
    for args in [
        &["bulletin"][..],
        // One day in every governorate (the reports begin on 1 January
        // 2020, so the day is in the Record at every size), and one
        // governorate over every day: a read of a few hundred reports,
        // and one of a fifth of them.
        &["incidents", "--from", "2020-01-15", "--to", "2020-01-15"][..],
        &["incidents", "--governorate", "SY-ID"][..],
    ] {
        let (took, kib) = run(dir, args);
        println!(
            "{size} reports: `truce {}` (from the saved state) in {:.2} s, peak RSS {:.0} MiB",
            args.join(" "),
            took.as_secs_f64(),
            kib as f64 / 1024.0
        );
    }
    // Without a saved state a read replays every entry and saves one; the
    // next read starts from it.
    for (saved, args) in [
        ("register.saved", &["bulletin"][..]),
        (
            "membership.saved",
            &["log", "--from", "0", "--limit", "20"][..],
        ),
    ] {
        let _ = std::fs::remove_file(dir.join(saved));
        for how in ["replaying every entry, then saving", "from the saved state"] {
            let (took, kib) = run(dir, args);
            println!(
                "{size} reports: `truce {}` ({how}) in {:.3} s, peak RSS {:.0} MiB",
                args.join(" "),
                took.as_secs_f64(),
                kib as f64 / 1024.0
            );
        }
    }
}

/// Starts `truce serve` and polls `/readyz` until it answers 200; returns
/// how long that took and the server's peak resident memory, in KiB, at
/// that moment and once settled: the node derives the findings and the
/// map's index on a thread of its own after it is ready, and that memory
/// is the node's too.
fn serve_until_ready(dir: &Path) -> (Duration, u64, u64) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        probe.local_addr().expect("address").port()
    };
    let started = Instant::now();
    let mut server = Command::new(TRUCE)
        .arg("--data-dir")
        .arg(dir)
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("truce serve");
    loop {
        if ready(port) {
            break;
        }
        if let Some(status) = server.try_wait().expect("server state") {
            panic!("truce serve exited with {status} before it was ready");
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "not ready in 10 minutes"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let took = started.elapsed();
    let at_ready = peak_kib(server.id());
    // Settled: the peak has not grown for a second (or a minute has passed).
    let (mut peak, mut still_since) = (at_ready, Instant::now());
    while still_since.elapsed() < Duration::from_secs(1)
        && started.elapsed() < took + Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(50));
        let now = peak_kib(server.id());
        if now > peak {
            (peak, still_since) = (now, Instant::now());
        }
    }
    // SIGTERM: the node finishes what it holds and closes the database.
    unsafe {
        libc::kill(server.id() as i32, libc::SIGTERM);
    }
    server.wait().expect("server stopped");
    (took, at_ready, peak)
}

fn ready(port: u16) -> bool {
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let request =
        format!("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

/// The process's peak resident set (VmHWM), in KiB.
fn peak_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Runs `truce ARGS` on the directory; returns its wall time and peak
/// resident memory in KiB, read from `/proc` every 2 ms while it runs. The
/// kernel's own account of a child's peak (`wait4`) starts from the peak
/// of the process that started it, here this bench with a whole Record in
/// memory, and said 2.2 GB for every command at 1M statements.
fn run(dir: &Path, args: &[&str]) -> (Duration, u64) {
    let started = Instant::now();
    let mut child = Command::new(TRUCE)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("truce");
    let mut peak = 0;
    let status = loop {
        peak = peak.max(peak_kib(child.id()));
        if let Some(status) = child.try_wait().expect("truce runs") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = started.elapsed();
    if !status.success() {
        let mut why = String::new();
        if let Some(mut stderr) = child.stderr.take() {
            let _ = stderr.read_to_string(&mut why);
        }
        panic!("truce {} failed: {why}", args.join(" "));
    }
    (took, peak)
}
