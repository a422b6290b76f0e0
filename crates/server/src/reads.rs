//! Reads of the register run off the async workers, a few at a time.
//!
//! A heavy read (a thousand reports as JSON) takes milliseconds of CPU. Run
//! on the async workers, 64 of them queue in front of every append: each
//! append waited hundreds of milliseconds behind reads although no lock
//! was shared. Here each GET of the API runs on a blocking thread, one
//! fewer at once than there are cores (one on a single core): a core is
//! left for the workers to take statements and the writer to commit them.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use tokio::sync::Semaphore;
use tracing::Instrument;

/// How many reads run at once.
#[derive(Clone)]
pub struct ReadPool(Arc<Semaphore>);

impl ReadPool {
    /// One read per core but one.
    pub fn sized_to_cores() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        Self(Arc::new(Semaphore::new(cores.saturating_sub(1).max(1))))
    }
}

/// Runs a GET (or HEAD) on a blocking thread once a read slot is free;
/// anything else goes straight through.
pub async fn off_the_workers(
    State(pool): State<ReadPool>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::GET && request.method() != Method::HEAD {
        return next.run(request).await;
    }
    let Ok(slot) = pool.0.clone().acquire_owned().await else {
        // The semaphore is never closed; should it be, read in place.
        return next.run(request).await;
    };
    let runtime = tokio::runtime::Handle::current();
    let span = tracing::Span::current();
    let read = tokio::task::spawn_blocking(move || {
        let _slot = slot;
        runtime.block_on(next.run(request).instrument(span))
    });
    match read.await {
        Ok(response) => response,
        // A panic in the handler travels on to the layer that answers it.
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => panic!("a read was cancelled: {error}"),
    }
}
