//! The node's one accept loop, for plain HTTP and for TLS, so that both
//! hold connections to the same limits: a client has [`HEADER_READ_TIMEOUT`]
//! to send each request head (which also closes a keep-alive connection
//! left idle that long), at most [`Limits::max_connections`] are open at
//! once, and the accept loop never waits on a client.
//!
//! At the cap, room is made by closing the oldest connection that has not
//! sent a request yet (an idle or slow client, or a TLS handshake under
//! way); only when every open connection is serving a request is the new
//! one closed at once. So a flood of silent connections cannot keep a
//! health probe, or a member, out for longer than it takes to connect.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::ServerError;

/// How long a client may take to send a request's head, from the moment
/// the node waits for it: after connecting, and between the requests of a
/// keep-alive connection.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a client may take over its TLS handshake. Each handshake runs
/// on its own task, so a slow one holds only its own connection; this
/// bounds how long it holds it.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// File descriptors kept back from connections for the database, the
/// data directory's files and evidence uploads.
pub const DESCRIPTOR_RESERVE: u64 = 256;

/// How many connections the node holds open at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_connections: usize,
}

impl Limits {
    /// Sized to the process's file-descriptor limit less
    /// [`DESCRIPTOR_RESERVE`] (see [`raise_descriptor_limit`]).
    pub fn from_descriptor_limit() -> Self {
        let limit = descriptor_limit().unwrap_or(1024);
        Self {
            max_connections: limit.saturating_sub(DESCRIPTOR_RESERVE).max(16) as usize,
        }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self::from_descriptor_limit()
    }
}

/// The soft limit on open file descriptors (RLIMIT_NOFILE).
// rlim_t is u64 on Linux, not everywhere.
#[allow(clippy::unnecessary_cast)]
pub fn descriptor_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct it is given.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return None;
    }
    Some(limit.rlim_cur as u64)
}

/// Raises the soft limit on open file descriptors to the hard limit (many
/// systems start processes at 1,024, too few for a node with many
/// members), and returns the soft limit now in force.
#[allow(clippy::unnecessary_cast)]
pub fn raise_descriptor_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    Some(limit.rlim_cur as u64)
}

/// The connections that have not sent a request yet, oldest first, each
/// with the means to close it.
#[derive(Default)]
struct Waiting {
    next: u64,
    connections: BTreeMap<u64, oneshot::Sender<()>>,
}

struct Tracker {
    limits: Limits,
    open: AtomicUsize,
    waiting: Mutex<Waiting>,
}

impl Tracker {
    /// Takes a place for a new connection, closing the oldest one that is
    /// still waiting for its first request when the node is at its cap.
    /// `None`: every open connection is serving a request; refuse this one.
    fn admit(self: &Arc<Self>) -> Option<Slot> {
        if self.open.load(Ordering::SeqCst) >= self.limits.max_connections {
            let oldest = self
                .waiting
                .lock()
                .expect("connections lock")
                .connections
                .pop_first();
            // The closed connection's task gives its place back once it
            // has dropped the socket; until then the node is over its cap
            // by at most one per accepted connection, within the reserve.
            let (_, close) = oldest?;
            let _ = close.send(());
        }
        self.open.fetch_add(1, Ordering::SeqCst);
        let (close, closed) = oneshot::channel();
        let mut waiting = self.waiting.lock().expect("connections lock");
        let id = waiting.next;
        waiting.next += 1;
        waiting.connections.insert(id, close);
        Some(Slot {
            tracker: self.clone(),
            id,
            closed: Some(closed),
        })
    }
}

/// A connection's place among the open ones, given back when dropped.
struct Slot {
    tracker: Arc<Tracker>,
    id: u64,
    closed: Option<oneshot::Receiver<()>>,
}

impl Slot {
    /// The connection sent a request: it is no longer closed to make room.
    fn started(&self) {
        self.tracker
            .waiting
            .lock()
            .expect("connections lock")
            .connections
            .remove(&self.id);
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.started();
        self.tracker.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Serves `app` on `listener` (over TLS when `tls` is given) until
/// `shutdown` completes; then takes no more connections, drops those that
/// have not sent a request, and finishes the requests in flight.
/// The address a request's connection came from, put into each request's
/// extensions: what the complaints' per-address allowance counts by.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddress(pub std::net::IpAddr);

pub async fn serve_connections(
    listener: tokio::net::TcpListener,
    tls: Option<TlsAcceptor>,
    app: Router,
    limits: Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let tracker = Arc::new(Tracker {
        limits,
        open: AtomicUsize::new(0),
        waiting: Mutex::default(),
    });
    let graceful = GracefulShutdown::new();
    // Connections still waiting for a request (or a handshake) when
    // shutdown comes are dropped: nothing has been read on them.
    let (stopping, stop) = tokio::sync::watch::channel(());
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => (tcp, peer.ip()),
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = tracker.admit() else {
            // Dropped at once: the client sees the connection closed,
            // and the accept loop goes on.
            tracing::debug!("at {} connections: refused one", limits.max_connections);
            drop(tcp);
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let app = app.clone();
        let tls = tls.clone();
        // Taken before any handshake, so that shutdown waits for it too.
        let watcher = graceful.watcher();
        let mut stop = stop.clone();
        tokio::spawn(async move {
            let mut slot = slot;
            let mut closed = slot.closed.take().expect("a new slot");
            let slot = Arc::new(slot);
            // Whether to close the connection now: it was chosen to make
            // room (the sender fired), or the node stops before it sent a
            // request. A sender dropped means the connection started.
            let waiting = async {
                tokio::select! {
                    chosen = &mut closed => chosen.is_ok(),
                    _ = stop.changed() => !slot.has_started(),
                }
            };
            tokio::pin!(waiting);
            let served = async {
                match tls {
                    None => serve_one(tcp, peer, app, slot.clone(), watcher).await,
                    Some(acceptor) => {
                        let handshake =
                            tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp));
                        match handshake.await {
                            Ok(Ok(stream)) => {
                                serve_one(stream, peer, app, slot.clone(), watcher).await
                            }
                            Ok(Err(e)) => tracing::debug!("TLS handshake refused: {e}"),
                            Err(_) => tracing::debug!(
                                "TLS handshake not done within {HANDSHAKE_TIMEOUT:?}"
                            ),
                        }
                    }
                }
            };
            tokio::pin!(served);
            tokio::select! {
                () = &mut served => {},
                // Closed to make room, or the node stops: only a connection
                // that has not sent a request is closed here.
                close = &mut waiting => {
                    if !close {
                        served.await;
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stopping.send(());
    graceful.shutdown().await;
    Ok(())
}

impl Slot {
    fn has_started(&self) -> bool {
        !self
            .tracker
            .waiting
            .lock()
            .expect("connections lock")
            .connections
            .contains_key(&self.id)
    }
}

async fn serve_one<S>(
    stream: S,
    peer: std::net::IpAddr,
    app: Router,
    slot: Arc<Slot>,
    watcher: hyper_util::server::graceful::Watcher,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = TowerToHyperService::new(app);
    let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
        slot.started();
        request.extensions_mut().insert(PeerAddress(peer));
        hyper::service::Service::call(&service, request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .serve_connection(TokioIo::new(stream), service);
    if let Err(e) = watcher.watch(connection).await {
        tracing::debug!("connection ended: {e}");
    }
}

/// A connection that failed before it was taken concerns only its client;
/// anything else (out of file descriptors) is waited out briefly, as axum
/// does, without closing what is open.
async fn accept_failed(error: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        error.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!("accepting a connection: {error}");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
