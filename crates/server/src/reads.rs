//! Reads of the register run off the async workers, a few at a time, on
//! threads of their own that yield to statements.
//!
//! A heavy read (a thousand reports as JSON) takes milliseconds of CPU. Run
//! on the async workers, 64 of them queue in front of every append: each
//! append waited hundreds of milliseconds behind reads although no lock
//! was shared. Here each GET of the API runs on a read thread, one fewer
//! than there are cores (one on a single core), so a core is left for the
//! workers to take statements and the writer to commit them.
//!
//! The read threads also run at a lower scheduling priority (nice 10 on
//! Linux). On a busy machine the writer still shares its core with other
//! processes and with the read threads' wake-ups; without the lower
//! priority an append that lands while a read holds the CPU waits out the
//! read's time slice, which showed as a p99 three times the idle one
//! under 64 readers. Reads lose nothing when the node is not writing.

use std::panic::AssertUnwindSafe;
use std::sync::{mpsc, Arc, Mutex};

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

type Job = Box<dyn FnOnce() + Send>;

/// The read threads and the queue that feeds them. The threads end when
/// the last copy of the pool is dropped.
#[derive(Clone)]
pub struct ReadPool {
    jobs: mpsc::Sender<Job>,
}

/// How much lower than the rest of the process a read thread runs.
const READ_NICENESS: i32 = 10;

impl ReadPool {
    /// One read thread per core but one.
    pub fn sized_to_cores() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self::with_threads(cores.saturating_sub(1).max(1))
    }

    fn with_threads(threads: usize) -> Self {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("truce-read-{n}"))
                .spawn(move || {
                    lower_own_priority();
                    loop {
                        // The lock is held only while waiting for the next
                        // job, never while running one.
                        let next = queue.lock().map(|queue| queue.recv());
                        match next {
                            Ok(Ok(job)) => job(),
                            _ => break,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::warn!(%error, "could not start a read thread");
            }
        }
        Self { jobs }
    }
}

/// Runs `job` ahead of the reads that will need what it derives, on a
/// thread of its own at the read threads' priority: reads do not wait
/// behind it, and statements still come first. Left undone if no thread
/// can be started.
pub(crate) fn ahead(job: impl FnOnce() + Send + 'static) {
    let spawned = std::thread::Builder::new()
        .name("truce-ahead".into())
        .spawn(move || {
            lower_own_priority();
            job();
        });
    if let Err(error) = spawned {
        tracing::debug!(%error, "reads are not prepared ahead");
    }
}

#[cfg(target_os = "linux")]
fn lower_own_priority() {
    // SAFETY: both calls only read or set this thread's own scheduling
    // attribute; a failure leaves the priority as it was.
    let result = unsafe {
        let thread = libc::syscall(libc::SYS_gettid) as libc::id_t;
        libc::setpriority(libc::PRIO_PROCESS, thread, READ_NICENESS)
    };
    if result != 0 {
        tracing::debug!(
            error = %std::io::Error::last_os_error(),
            "read thread keeps the process's priority"
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_own_priority() {
    let _ = READ_NICENESS;
}

/// Runs a GET (or HEAD) on a read thread; anything else goes straight
/// through.
pub async fn off_the_workers(
    State(pool): State<ReadPool>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let runtime = tokio::runtime::Handle::current();
    let span = tracing::Span::current();
    let (answer, answered) = tokio::sync::oneshot::channel();
    let read: Job = Box::new(move || {
        let response = std::panic::catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(next.run(request).instrument(span))
        }));
        let _ = answer.send(response);
    });
    if let Err(mpsc::SendError(read)) = pool.jobs.send(read) {
        // No read thread could be started: tokio's blocking threads read.
        tokio::task::spawn_blocking(read);
    }
    match answered.await {
        Ok(Ok(response)) => response,
        // A panic in the handler travels on to the layer that answers it.
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(_) => panic!("a read thread ended before answering"),
    }
}
