//! The web interface: a few static files embedded in the binary (no CDN,
//! nothing fetched at run time), and the two endpoints only a browser
//! needs — the governorate boundaries for the map, and the canonical bytes
//! of a statement so that the browser can sign them.
//!
//! The server formats; it never signs. The browser signs the bytes that
//! `POST /api/v1/statements/canonical` returns, with `truce/statement/v1\n`
//! in front, using a key that never leaves it, and submits them to
//! `POST /api/v1/statements` like any other client.

use axum::extract::rejection::BytesRejection;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use truce_record::{Statement, STATEMENT_CONTEXT};
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::{ErrorBody, ServerError};

/// The embedded files, by the path they are served at (under `/ui/`).
/// A fixed list: nothing else on disk is ever served.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/app.js"),
    ),
    (
        "i18n.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/i18n.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../web/app.css"),
    ),
    (
        "vendor/leaflet/leaflet.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/vendor/leaflet/leaflet.js"),
    ),
    (
        "vendor/leaflet/leaflet.css",
        "text/css; charset=utf-8",
        include_bytes!("../web/vendor/leaflet/leaflet.css"),
    ),
    (
        "vendor/leaflet/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../web/vendor/leaflet/LICENSE"),
    ),
    (
        "vendor/uplot/uPlot.iife.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../web/vendor/uplot/uPlot.iife.min.js"),
    ),
    (
        "vendor/uplot/uPlot.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../web/vendor/uplot/uPlot.min.css"),
    ),
    (
        "vendor/uplot/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("../web/vendor/uplot/LICENSE"),
    ),
];

const INDEX: &str = include_str!("../web/index.html");

/// Everything the pages load comes from this node; inline scripts are not
/// allowed (Leaflet and uPlot set element styles, which `style-src` with
/// `'unsafe-inline'` permits).
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

fn headers(content_type: &'static str) -> [(HeaderName, HeaderValue); 4] {
    [
        (CONTENT_TYPE, HeaderValue::from_static(content_type)),
        (CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
        (
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ),
        (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

/// `GET /`: the single page; its views are chosen by the URL's fragment.
pub async fn index() -> Response {
    (headers("text/html; charset=utf-8"), INDEX).into_response()
}

/// `GET /ui/{*path}`: one of the embedded files.
pub async fn asset(Path(path): Path<String>) -> Result<Response, ServerError> {
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == path)
        .map(|(_, content_type, bytes)| (headers(content_type), *bytes).into_response())
        .ok_or_else(|| ServerError::NotFound(format!("no file /ui/{path}")))
}

/// The governorates (Natural Earth admin-1) as a GeoJSON FeatureCollection.
#[utoipa::path(
    get,
    path = "/api/v1/gazetteer/admin1.geojson",
    tag = "register",
    responses((status = 200, description = "A GeoJSON FeatureCollection of Syria's governorates", body = Object, content_type = "application/geo+json"))
)]
pub async fn admin1() -> Response {
    (
        [
            (CONTENT_TYPE, "application/geo+json"),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        truce_gazetteer::Gazetteer::syria().admin1_geojson(),
    )
        .into_response()
}

/// A statement's canonical bytes, to be signed by its author.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CanonicalStatement {
    /// Base64 (standard, padded) of the canonical statement bytes: submit
    /// exactly these as `statement` to `/api/v1/statements`.
    pub statement: String,
    /// What the signature covers before the bytes: `truce/statement/v1\n`.
    pub context: String,
    /// The statement's kind, e.g. `report_filed`.
    pub kind: String,
}

/// Format a statement (JSON, as `truce_record::Statement`) into the exact
/// canonical bytes the node will check. Nothing is signed or stored; the
/// statement's fields are checked as the node checks them (but not its
/// author, sequence number or time, which depend on the Record).
#[utoipa::path(
    post,
    path = "/api/v1/statements/canonical",
    tag = "record",
    request_body(content = Object, description = "The statement: {v, author, seq, time, body}"),
    responses(
        (status = 200, body = CanonicalStatement),
        (status = 400, description = "Not JSON, or not a statement; `field` names the part at fault", body = ErrorBody),
        (status = 422, description = "A field fails validation; `field` names it", body = ErrorBody),
    )
)]
pub async fn canonical(
    body: Result<axum::body::Bytes, BytesRejection>,
) -> Result<Json<CanonicalStatement>, ServerError> {
    let bytes = body.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ServerError::TooLarge(e.body_text()),
        _ => ServerError::BadRequest {
            field: None,
            reason: e.body_text(),
        },
    })?;
    let statement = decode_statement(&bytes)?;
    let canonical = statement.to_bytes();
    // The same check the node makes on submission: version, canonical form
    // and every field's validation.
    let statement = Statement::from_bytes(&canonical).map_err(crate::error::from_undecodable)?;
    Ok(Json(CanonicalStatement {
        statement: BASE64.encode(&canonical),
        context: String::from_utf8_lossy(STATEMENT_CONTEXT).into_owned(),
        kind: statement.kind().as_str().to_string(),
    }))
}

/// Decodes a statement from any JSON layout, naming the field at fault.
fn decode_statement(bytes: &[u8]) -> Result<Statement, ServerError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let statement: Statement =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." || path.is_empty() {
                None
            } else {
                Some(path)
            };
            ServerError::BadRequest {
                field,
                reason: e.into_inner().to_string(),
            }
        })?;
    deserializer.end().map_err(|e| ServerError::BadRequest {
        field: None,
        reason: e.to_string(),
    })?;
    Ok(statement)
}

/// Who the bearer token (if any) names, and what it may read.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct WhoAmI {
    /// `public`, `observer` or `guarantor`.
    pub access: String,
    /// The member the token names; absent without a token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
}

/// The caller's access level, for clients that show more with a token.
#[utoipa::path(
    get,
    path = "/api/v1/whoami",
    tag = "node",
    responses((status = 200, body = WhoAmI), (status = 401, description = "Unknown or revoked token", body = ErrorBody)),
    security((), ("bearer" = []))
)]
pub async fn whoami(caller: Caller) -> Json<WhoAmI> {
    Json(WhoAmI {
        access: caller.access.as_str().to_string(),
        member: caller.member.map(|m| m.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_embedded_and_typed() {
        for (name, content_type, bytes) in ASSETS {
            assert!(!bytes.is_empty(), "{name}");
            assert!(content_type.contains('/'), "{name}");
        }
        assert!(INDEX.contains("/ui/app.js"));
    }
}
