//! The HTTP API of a truce node.
//!
//! The server stands between members and the node's [`Ledger`]: it takes
//! statements members signed elsewhere (it never holds a member's key and
//! never signs for one), appends them through [`Ledger::append`], and
//! answers only once they are durable. It serves the register's projections
//! by access level (public, observer, guarantor member; see [`auth`]), and
//! the Record's checkpoints, proofs and raw entries so that anyone can check
//! the node's work offline.
//!
//! HTTP stays in this crate: the domain crates know nothing of it.
//!
//! Wiring it into a binary:
//!
//! ```no_run
//! # async fn run(ledger: truce_store::Ledger<truce_regime::Register>) -> Result<(), truce_server::ServerError> {
//! use std::sync::Arc;
//! let state = truce_server::AppState::new(Arc::new(ledger), "/var/lib/truce");
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! truce_server::serve(listener, state).await // until ctrl-c or SIGTERM
//! # }
//! ```

mod access;
mod agreements;
pub mod auth;
mod cases;
mod complaints;
mod conn;
mod decisions;
pub mod drafts;
mod error;
mod events;
mod evidence;
mod exchange;
mod headers;
pub mod joins;
mod layers;
mod log;
mod mirror;
mod params;
mod query;
mod reads;
mod register;
mod requests;
mod response;
mod submit;
mod tiles;
mod tls;
mod web;
mod webhooks;
mod witnesses;

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::routing::get;
use axum::{Json, Router};
use truce_regime::Register;
use truce_store::Ledger;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use auth::Access;
pub use conn::{
    descriptor_limit, raise_descriptor_limit, Limits, DESCRIPTOR_RESERVE, HANDSHAKE_TIMEOUT,
    HEADER_READ_TIMEOUT,
};
pub use error::{ErrorBody, ServerError};
pub use evidence::EvidenceReceipt;
pub use log::{CheckpointView, EntriesPage, EntryView, Health, MemberView, Readiness};
pub use mirror::{MirrorHealth, MirrorStatus};
pub use submit::{Submission, SubmitReceipt};
pub use tiles::{parse_tile_path, TilePath};
pub use tls::{serve_tls_until, tls_config, TlsError};
pub use web::{CanonicalStatement, WhoAmI};
pub use witnesses::{WitnessBoard, WitnessHealth};

/// Where the OpenAPI document is served; stable across versions of the API.
pub const OPENAPI_PATH: &str = "/api/v1/openapi.json";

/// What every handler shares. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub ledger: Arc<Ledger<Register>>,
    pub data_dir: Arc<PathBuf>,
    pub(crate) tokens: Arc<truce_node::TokenStore>,
    /// Keys made in browsers, waiting for the operator to admit them.
    pub(crate) joins: Arc<truce_node::joins::JoinQueue>,
    node_key: Arc<OnceLock<String>>,
    /// Set when this node is a mirror: it serves reads and refuses writes.
    pub mirror: Option<Arc<MirrorStatus>>,
    /// Set when this node pushes its checkpoints to witness services.
    pub witnesses: Option<Arc<WitnessBoard>>,
    /// How evidence uploads are held: size limit, grace before a sweep.
    pub evidence: EvidenceSettings,
    /// How much the review queue may hold, per member and in all.
    pub draft_quota: truce_node::drafts::DraftQuota,
    /// Where reads of the register run, and how many at once.
    pub(crate) reads: reads::ReadPool,
    /// Set when the node stops, so that live streams end and the
    /// connections that carry them can close.
    pub(crate) closing: Arc<tokio::sync::watch::Sender<bool>>,
    /// Complaints from anyone, and how many more the node takes now.
    pub(crate) complaints: Arc<truce_node::complaints::ComplaintBox>,
    pub(crate) complaint_allowance: Arc<std::sync::Mutex<complaints::Allowance>>,
}

/// The node's settings for evidence files (`truce serve --evidence-limit`,
/// `--evidence-grace`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EvidenceSettings {
    /// Largest upload, in bytes.
    pub limit: u64,
    /// How long an upload no statement names is kept.
    pub grace: std::time::Duration,
}

impl Default for EvidenceSettings {
    fn default() -> Self {
        Self {
            limit: truce_node::blobs::DEFAULT_LIMIT,
            grace: truce_node::blobs::DEFAULT_GRACE,
        }
    }
}

impl AppState {
    /// State for a node whose data directory (holding `tokens.json`) is
    /// `data_dir`. The mechanism's name is read from the genesis statement.
    pub fn new(ledger: Arc<Ledger<Register>>, data_dir: impl Into<PathBuf>) -> Self {
        let data_dir = data_dir.into();
        Self {
            tokens: Arc::new(truce_node::TokenStore::new(&data_dir)),
            joins: Arc::new(truce_node::joins::JoinQueue::new(&data_dir)),
            complaints: Arc::new(truce_node::complaints::ComplaintBox::new(&data_dir)),
            ledger,
            data_dir: Arc::new(data_dir),
            node_key: Arc::new(OnceLock::new()),
            mirror: None,
            witnesses: None,
            evidence: EvidenceSettings::default(),
            draft_quota: truce_node::drafts::DraftQuota::NODE,
            reads: reads::ReadPool::sized_to_cores(),
            closing: Arc::new(tokio::sync::watch::channel(false).0),
            complaint_allowance: Arc::new(complaints::Allowance::new()),
        }
    }

    /// The review queue held to this quota.
    pub fn with_draft_quota(mut self, quota: truce_node::drafts::DraftQuota) -> Self {
        self.draft_quota = quota;
        self
    }

    /// Evidence uploads held to these settings.
    pub fn with_evidence(mut self, settings: EvidenceSettings) -> Self {
        self.evidence = settings;
        self
    }

    /// Removes the evidence files no admitted statement names, once older
    /// than the grace period (see [`truce_node::blobs::Blobs::sweep`]). The register is
    /// read-locked throughout, so no statement is admitted between reading
    /// what the Record names and removing what it does not.
    pub async fn sweep_evidence(&self) -> Result<truce_node::blobs::Swept, ServerError> {
        let blobs = truce_node::blobs::Blobs::new(&self.data_dir);
        let grace = self.evidence.grace;
        let register = self.ledger.rules();
        let listing = blobs.clone();
        let stored = tokio::task::spawn_blocking(move || listing.stored())
            .await
            .map_err(|e| ServerError::Internal(format!("listing evidence: {e}")))??;
        let named: std::collections::HashSet<String> = stored
            .into_iter()
            .filter(|h| register.names_evidence(h))
            .collect();
        let swept = tokio::task::spawn_blocking(move || {
            blobs.sweep(grace, std::time::SystemTime::now(), |h| named.contains(h))
        })
        .await
        .map_err(|e| ServerError::Internal(format!("sweeping evidence: {e}")))??;
        drop(register);
        Ok(swept)
    }

    /// The witnesses this node pushes its checkpoints to.
    pub fn with_witnesses(mut self, board: Arc<WitnessBoard>) -> Self {
        self.witnesses = Some(board);
        self
    }

    /// The state of a mirror that follows the node at `status.origin`.
    pub fn with_mirror(mut self, status: Arc<MirrorStatus>) -> Self {
        self.mirror = Some(status);
        self
    }

    /// A mirror's copy of the Record is not its own: what would write to
    /// it (statements, uploads, joins, complaints) is sent to the node.
    pub(crate) fn refuse_writes_on_a_mirror(&self) -> Result<(), ServerError> {
        match &self.mirror {
            Some(mirror) => Err(ServerError::ReadOnly {
                origin: mirror.origin.clone(),
            }),
            None => Ok(()),
        }
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The mechanism's name, as bulletins print it (from the genesis, which
    /// a mirror may not hold yet when it starts serving).
    pub(crate) fn mechanism(&self) -> String {
        self.ledger
            .genesis()
            .map(|g| g.mechanism)
            .unwrap_or_default()
    }

    /// The node's checkpoint verifier key from the genesis statement; it
    /// never changes, so it is read once.
    pub(crate) fn node_key(&self) -> Result<String, ServerError> {
        if let Some(key) = self.node_key.get() {
            return Ok(key.clone());
        }
        let key = self
            .ledger
            .genesis()
            .map(|g| g.node_key)
            .ok_or_else(|| ServerError::Unavailable("the Record has no genesis yet".into()))?;
        Ok(self.node_key.get_or_init(|| key).clone())
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A member's read token from `truce token create --member NAME`. \
                         Without one, only public views are served.",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "truce",
        description = "The signed, tamper-evident joint record of a ceasefire mechanism. \
            Writes are signed statements (the signature authenticates them); reads are by \
            access level: public, observer, guarantor member (bearer token)."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "record", description = "Statements, checkpoints, proofs, entries"),
        (name = "register", description = "Reports, incidents, findings, formations, bulletins, decisions"),
        (name = "exchange", description = "Exchanges of detainees: lists by their counts, matches, projects; never identities"),
        (name = "node", description = "Health"),
    )
)]
struct ApiDoc;

fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(submit::submit))
        .routes(routes!(register::list_reports))
        .routes(routes!(register::get_report))
        .routes(routes!(register::list_incidents))
        .routes(routes!(register::get_incident))
        .routes(routes!(register::geojson))
        .routes(routes!(register::list_findings))
        .routes(routes!(register::list_formations))
        .routes(routes!(register::bulletin))
        .routes(routes!(register::bulletin_series))
        .routes(routes!(decisions::list_decisions))
        .routes(routes!(decisions::get_decision))
        .routes(routes!(response::compliance))
        .routes(routes!(response::measures))
        .routes(routes!(agreements::list_agreements))
        .routes(routes!(agreements::zones_geojson))
        .routes(routes!(agreements::list_meetings))
        .routes(routes!(agreements::list_documents))
        .routes(routes!(agreements::document_file))
        .routes(routes!(exchange::list_lists))
        .routes(routes!(exchange::sealed_list))
        .routes(routes!(exchange::list_matches))
        .routes(routes!(exchange::list_projects))
        .routes(routes!(log::mechanism))
        .routes(routes!(log::members))
        .routes(routes!(log::checkpoint))
        .routes(routes!(log::inclusion))
        .routes(routes!(log::consistency))
        .routes(routes!(log::entries))
        .routes(routes!(log::healthz))
        .routes(routes!(log::readyz))
        .routes(routes!(web::admin1))
        .routes(routes!(web::canonical))
        .routes(routes!(web::whoami))
        .routes(routes!(web::vocabulary))
        .routes(routes!(joins::request_to_join, joins::list_join_requests))
        .routes(routes!(drafts::ingest_text))
        .routes(routes!(drafts::list_drafts))
        .routes(routes!(drafts::get_draft))
        .routes(routes!(events::events))
        .routes(routes!(
            complaints::submit_complaint,
            complaints::list_complaints
        ))
        .routes(routes!(complaints::complaint_status))
        .routes(routes!(complaints::complaint_evidence))
        .routes(routes!(requests::list_requests))
        .routes(routes!(requests::get_request))
        .routes(routes!(cases::list_cases))
        .routes(routes!(cases::get_case))
        .routes(routes!(access::list_access))
        .routes(routes!(access::get_access))
        .routes(routes!(access::coverage))
}

/// Routes outside the API's body limit: they stream their bodies and hold
/// them to their own limit.
fn uploads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(
        evidence::upload_evidence,
        evidence::download_evidence
    ))
}

/// The OpenAPI document of the API, as served at [`OPENAPI_PATH`].
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut openapi) = api().merge(uploads()).split_for_parts();
    openapi.paths.paths.insert(
        OPENAPI_PATH.to_string(),
        utoipa::openapi::path::PathItem::new(
            utoipa::openapi::HttpMethod::Get,
            utoipa::openapi::path::OperationBuilder::new()
                .summary(Some("This document"))
                .tag("node")
                .response(
                    "200",
                    utoipa::openapi::Response::new("OpenAPI 3.1 document"),
                ),
        ),
    );
    params::empty_means_absent(&mut openapi);
    openapi
}

/// The whole API with its layers, ready to serve.
pub fn router(state: AppState) -> Router {
    // Every finding and the map's index of the state at start, derived
    // before anyone asks, beside the reads: later states reuse what did
    // not change, so no map view pays for the whole register.
    let ledger = state.ledger.clone();
    reads::ahead(move || {
        ledger.rules().map_index();
    });
    let (routes, _) = api().split_for_parts();
    let routes = routes.route_layer(axum::middleware::from_fn_with_state(
        state.reads.clone(),
        reads::off_the_workers,
    ));
    let (uploads, _) = uploads().split_for_parts();
    let document = Arc::new(openapi());
    let routes = routes
        .route(
            OPENAPI_PATH,
            get(move || {
                let document = document.clone();
                async move { Json(document.as_ref().clone()) }
            }),
        )
        .route("/checkpoint", get(tiles::checkpoint))
        .route("/tile/{*path}", get(tiles::tile))
        .route("/", get(web::index))
        .route("/ui/{*path}", get(web::asset))
        .fallback(layers::not_found)
        .method_not_allowed_fallback(layers::method_not_allowed)
        .with_state(state.clone());
    let uploads = uploads
        .method_not_allowed_fallback(layers::method_not_allowed)
        .with_state(state);
    layers::apply(routes, uploads).layer(axum::middleware::from_fn(headers::secure))
}

/// Serves until ctrl-c (or SIGTERM), then finishes the requests in flight.
/// Every acknowledged statement is durable whenever this returns; the
/// caller then closes the ledger.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> Result<(), ServerError> {
    serve_until(listener, state, shutdown_signal()).await
}

/// As [`serve`], over TLS with `tls` (see [`tls_config`]).
pub async fn serve_tls(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    state: AppState,
) -> Result<(), ServerError> {
    serve_tls_until(listener, tls, state, shutdown_signal()).await
}

/// As [`serve`] (over TLS when `tls` is given), holding connections to
/// `limits`, and stopping as well when `stop` completes (the node found it
/// cannot go on): what `truce serve` runs.
pub async fn serve_limited(
    listener: tokio::net::TcpListener,
    tls: Option<Arc<rustls::ServerConfig>>,
    limits: Limits,
    state: AppState,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let tls = tls.map(tokio_rustls::TlsAcceptor::from);
    let stopping = async move {
        tokio::select! {
            () = shutdown_signal() => {},
            () = stop => {},
        }
    };
    let shutdown = ending_streams(&state, stopping);
    conn::serve_connections(listener, tls, router(state), limits, shutdown).await
}

/// As [`serve`], stopping when `shutdown` completes (for tests and benches).
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let shutdown = ending_streams(&state, shutdown);
    conn::serve_connections(listener, None, router(state), Limits::default(), shutdown).await
}

/// `shutdown`, then the live streams told to end: a connection that
/// carries one would otherwise hold the graceful shutdown open forever.
pub(crate) fn ending_streams(
    state: &AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = ()> + Send + 'static {
    let closing = state.closing.clone();
    async move {
        shutdown.await;
        closing.send_replace(true);
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No handler could be installed: never resolve, rather than
            // shutting down at once.
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
