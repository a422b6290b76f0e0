//! The layers around every route: request ids, tracing, a panic guard, a
//! timeout and a body limit, and a last pass that turns any error answer
//! that is not JSON yet (from a layer, or axum's own rejections) into one.
//! Uploads (evidence files) stream their bodies to disk under the node's
//! own limit: they get a longer timeout and not the 1 MiB body limit.

use std::any::Any;
use std::time::Duration;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::{ErrorBody, ServerError};

/// Largest request body: a statement is far smaller (a report with a long
/// narrative is some tens of KiB).
pub const BODY_LIMIT: usize = 1024 * 1024;
/// Longest a request may take, durable append included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest an upload may take (64 MiB at 1 Mbit/s takes under 9 minutes).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// How much of a non-JSON error body is kept as the error message.
const MESSAGE_LIMIT: usize = 4 * 1024;

/// Wraps every route of `routes` and `uploads` (which hold their bodies to
/// their own limit); the first layer listed is the outermost.
pub fn apply(routes: Router, uploads: Router) -> Router {
    let routes = routes.layer(
        ServiceBuilder::new()
            .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
            // Inside the body limit: a timeout answers with its inner
            // service's body type, which must have an empty value.
            .layer(TimeoutLayer::with_status_code(
                StatusCode::REQUEST_TIMEOUT,
                REQUEST_TIMEOUT,
            ))
            .layer(DefaultBodyLimit::max(BODY_LIMIT)),
    );
    let uploads = uploads.layer(TimeoutLayer::with_status_code(
        StatusCode::REQUEST_TIMEOUT,
        UPLOAD_TIMEOUT,
    ));
    routes.merge(uploads).layer(
        ServiceBuilder::new()
            .layer(CompressionLayer::new().compress_when(SizeAbove::new(1024).and(compressible)))
            .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(request_span)
                    .on_request(())
                    .on_response(log_answer)
                    // A 5xx is logged with its cause where it is made
                    // (`ServerError::into_response`).
                    .on_failure(()),
            )
            .layer(PropagateRequestIdLayer::x_request_id())
            .layer(axum::middleware::map_response(make_json))
            .layer(CatchPanicLayer::custom(panic_response)),
    )
}

/// Answers worth gzipping for a client that asks: JSON, GeoJSON, CSV and
/// text (a register page or a bulletin). Not evidence or documents, which
/// go out as they were stored, nor the C2SP tiles and bundles, which
/// mirrors and witnesses read byte for byte.
fn compressible(
    _status: StatusCode,
    _version: axum::http::Version,
    headers: &axum::http::HeaderMap,
    _extensions: &axum::http::Extensions,
) -> bool {
    let Some(content_type) = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    [
        "application/json",
        "application/geo+json",
        "text/csv",
        "text/plain",
    ]
    .iter()
    .any(|t| content_type.starts_with(t))
        && headers
            .get(axum::http::header::CONTENT_DISPOSITION)
            .is_none()
}

/// One span per request: its id (as answered in `x-request-id`), method and
/// route (the pattern, never the path's values), and the member a token
/// names once the caller is known. Never a token, a body or a query string:
/// those can hold narratives and persons.
fn request_span(request: &axum::http::Request<Body>) -> tracing::Span {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("(no route)", |path| path.as_str())
        .to_owned();
    let id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        route = %route,
        member = tracing::field::Empty,
    )
}

/// One line per answered request.
fn log_answer(response: &Response, latency: Duration, _span: &tracing::Span) {
    tracing::info!(
        status = response.status().as_u16(),
        latency_ms = (latency.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
        "answered"
    );
}

fn panic_response(_: Box<dyn Any + Send + 'static>) -> Response {
    ServerError::Internal(
        "the handler panicked; the Record is unchanged unless a receipt was given".into(),
    )
    .into_response()
}

/// Generic over the body, because each layer below answers with its own
/// body type.
async fn make_json<B>(response: axum::http::Response<B>) -> Response
where
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    let response = response.map(Body::new);
    let status = response.status();
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, MESSAGE_LIMIT)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let error = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_string()
    } else {
        text
    };
    let body = ErrorBody {
        error,
        code: code_of(status).to_string(),
        field: None,
        position: None,
    };
    parts.headers.remove(CONTENT_LENGTH);
    parts
        .headers
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    let json = serde_json::to_vec(&body).unwrap_or_default();
    Response::from_parts(parts, Body::from(json))
}

fn code_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::REQUEST_TIMEOUT => "timeout",
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::UNPROCESSABLE_ENTITY => "refused",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

pub async fn not_found() -> ServerError {
    ServerError::NotFound("no such route; the API is described at /api/v1/openapi.json".into())
}

pub async fn method_not_allowed() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(ErrorBody {
            error: "method not allowed on this route".into(),
            code: "method_not_allowed".into(),
            field: None,
            position: None,
        }),
    )
        .into_response()
}
