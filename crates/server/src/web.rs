//! The web interface: a few static files embedded in the binary (no CDN,
//! nothing fetched at run time), and the two endpoints only a browser
//! needs — the governorate boundaries for the map, and the canonical bytes
//! of a statement so that the browser can sign them.
//!
//! The server formats; it never signs. The browser signs the bytes that
//! `POST /api/v1/statements/canonical` returns, with `truce/statement/v1\n`
//! in front, using a key that never leaves it, and submits them to
//! `POST /api/v1/statements` like any other client.

use std::sync::LazyLock;

use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG,
    IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use truce_record::{Statement, FIRST_FORMAT_VERSION, STATEMENT_CONTEXT};
use utoipa::ToSchema;

use crate::auth::{Caller, Resource};
use crate::{AppState, ErrorBody, ServerError};

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";

macro_rules! asset {
    ($path:literal, $type:expr) => {
        (
            $path,
            $type,
            include_bytes!(concat!("../web/", $path)) as &[u8],
        )
    };
}

/// The embedded files, by the path they are served at (under `/ui/`).
/// A fixed list: nothing else on disk is ever served.
const ASSETS: &[(&str, &str, &[u8])] = &[
    asset!("app.js", JS),
    asset!("api.js", JS),
    asset!("dom.js", JS),
    asset!("i18n.js", JS),
    asset!("keystore.js", JS),
    asset!("live.js", JS),
    asset!("shared.js", JS),
    asset!("verify.js", JS),
    asset!("lang/en.js", JS),
    asset!("lang/ru.js", JS),
    asset!("lang/tr.js", JS),
    asset!("lang/fa.js", JS),
    asset!("lang/ar.js", JS),
    asset!("views/access.js", JS),
    asset!("views/awaiting.js", JS),
    asset!("views/bulletin.js", JS),
    asset!("views/cases.js", JS),
    asset!("views/complaints.js", JS),
    asset!("views/decisions.js", JS),
    asset!("views/exchanges.js", JS),
    asset!("views/file.js", JS),
    asset!("views/incident.js", JS),
    asset!("views/join.js", JS),
    asset!("views/login.js", JS),
    asset!("views/map.js", JS),
    asset!("views/record.js", JS),
    asset!("views/regime.js", JS),
    asset!("views/register.js", JS),
    asset!("views/requests.js", JS),
    asset!("views/review.js", JS),
    asset!("app.css", CSS),
    asset!("vendor/leaflet/leaflet.js", JS),
    asset!("vendor/leaflet/leaflet.css", CSS),
    asset!("vendor/leaflet/LICENSE", TEXT),
    asset!("vendor/uplot/uPlot.iife.min.js", JS),
    asset!("vendor/uplot/uPlot.min.css", CSS),
    asset!("vendor/uplot/LICENSE", TEXT),
];

const INDEX: &str = include_str!("../web/index.html");

/// One file as served: its bytes, gzipped once at start, and its ETag.
struct Served {
    content_type: &'static str,
    bytes: &'static [u8],
    gzip: Option<Vec<u8>>,
    etag: HeaderValue,
}

impl Served {
    fn new(content_type: &'static str, bytes: &'static [u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let etag = format!("\"{}\"", hex::encode(&digest[..12]));
        let gzip = gzip(bytes).filter(|g| g.len() < bytes.len());
        Served {
            content_type,
            bytes,
            gzip,
            etag: HeaderValue::from_str(&etag).expect("hex is a header value"),
        }
    }
}

fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).ok()?;
    encoder.finish().ok()
}

/// Every file, the page that loads them, and the version that names this
/// set of files: the page asks for `/ui/v-VERSION/…`, which may be cached
/// for a year, since other bytes come under another version.
struct Site {
    version: String,
    files: Vec<(&'static str, Served)>,
    index: Served,
}

static SITE: LazyLock<Site> = LazyLock::new(|| {
    let mut all = Sha256::new();
    for (name, _, bytes) in ASSETS {
        all.update(name.as_bytes());
        all.update((bytes.len() as u64).to_be_bytes());
        all.update(bytes);
    }
    let version = hex::encode(&all.finalize()[..8]);
    let index: &'static str = Box::leak(
        INDEX
            .replace("\"/ui/", &format!("\"/ui/v-{version}/"))
            .into_boxed_str(),
    );
    Site {
        files: ASSETS
            .iter()
            .map(|(name, content_type, bytes)| (*name, Served::new(content_type, bytes)))
            .collect(),
        index: Served::new("text/html; charset=utf-8", index.as_bytes()),
        version,
    }
});

/// Everything the pages load comes from this node; inline scripts are not
/// allowed (Leaflet and uPlot set element styles, which `style-src` with
/// `'unsafe-inline'` permits).
const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

/// How long a file may be kept without asking again.
#[derive(Clone, Copy)]
enum Caching {
    /// Under this build's version: these bytes never change.
    Immutable,
    /// Asked again each time; unchanged files cost a 304.
    Revalidate,
}

fn serve(file: &Served, caching: Caching, request: &HeaderMap) -> Response {
    let cache = match caching {
        Caching::Immutable => "public, max-age=31536000, immutable",
        Caching::Revalidate => "no-cache",
    };
    let mut headers = HeaderMap::new();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(file.content_type));
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY));
    headers.insert(
        HeaderName::from_static("x-content-type-options"),
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(ETAG, file.etag.clone());
    headers.insert(VARY, HeaderValue::from_static("Accept-Encoding"));
    let fresh = request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| tag.trim() == file.etag || tag.trim() == "*");
    if fresh {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    let gzip_accepted = request
        .get_all(ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim();
            let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        });
    match &file.gzip {
        Some(gzip) if gzip_accepted => {
            headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            (headers, gzip.clone()).into_response()
        }
        _ => (headers, file.bytes).into_response(),
    }
}

/// `GET /`: the single page; its views are chosen by the URL's fragment.
pub async fn index(request: HeaderMap) -> Response {
    serve(&SITE.index, Caching::Revalidate, &request)
}

/// `GET /ui/{*path}`: one of the embedded files, under this build's
/// version (`v-…/`, cached for good) or without one (revalidated).
pub async fn asset(Path(path): Path<String>, request: HeaderMap) -> Result<Response, ServerError> {
    let (caching, name) = match path
        .strip_prefix("v-")
        .and_then(|rest| rest.split_once('/'))
    {
        Some((version, name)) if version == SITE.version => (Caching::Immutable, name),
        // A page of an older build asks for its files after an upgrade:
        // it gets today's, not to be kept.
        Some((_, name)) => (Caching::Revalidate, name),
        None => (Caching::Revalidate, path.as_str()),
    };
    SITE.files
        .iter()
        .find(|(file, _)| *file == name)
        .map(|(_, served)| serve(served, caching, &request))
        .ok_or_else(|| ServerError::NotFound(format!("no file /ui/{path}")))
}

/// The words the API uses for its codes, so that a client labels them
/// (in its own language) without copying the server's lists.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Vocabulary {
    /// Violation types of reports, e.g. `shelling`.
    pub violation_types: Vec<String>,
    /// An incident's finding, as `finding` filters take it.
    pub findings: Vec<String>,
    /// A guarantor's position on an incident.
    pub positions: Vec<String>,
    pub decision_types: Vec<String>,
    pub decision_statuses: Vec<String>,
    /// A guarantor's vote on a decision.
    pub votes: Vec<String>,
    pub person_categories: Vec<String>,
    /// Kinds of restriction of the monitors' access, e.g. `denial`.
    pub access_kinds: Vec<String>,
    /// Kinds of monitoring asset, e.g. `post`.
    pub asset_kinds: Vec<String>,
    /// Steps of the graduated measures ladder in force, in order.
    pub measure_steps: Vec<MeasureStep>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct MeasureStep {
    pub id: String,
    pub name: String,
    /// Days the formation is given to comply.
    pub comply_within_days: i64,
}

fn words<T: Serialize>(values: &[T]) -> Vec<String> {
    values
        .iter()
        .filter_map(|v| serde_json::to_value(v).ok()?.as_str().map(str::to_string))
        .collect()
}

/// The codes the API uses, and the measures ladder in force.
#[utoipa::path(
    get,
    path = "/api/v1/vocabulary",
    tag = "register",
    responses((status = 200, body = Vocabulary)),
    security((), ("bearer" = []))
)]
pub async fn vocabulary(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vocabulary>, ServerError> {
    use truce_model::{DecisionType, PersonCategory, Position, ViolationType, Vote};
    caller.require(Resource::Verification)?;
    let register = state.ledger.rules();
    Ok(Json(Vocabulary {
        violation_types: ViolationType::ALL
            .iter()
            .map(|t| t.as_str().into())
            .collect(),
        findings: truce_query::FindingName::ALL
            .iter()
            .map(|f| f.as_str().into())
            .collect(),
        positions: Position::ALL.iter().map(|p| p.as_str().into()).collect(),
        decision_types: DecisionType::ALL
            .iter()
            .map(|t| t.as_str().into())
            .collect(),
        decision_statuses: truce_query::DecisionStatusName::ALL
            .iter()
            .map(|s| s.as_str().into())
            .collect(),
        votes: words(&[Vote::Endorse, Vote::Object]),
        person_categories: words(&PersonCategory::ALL),
        access_kinds: words(&truce_model::AccessKind::ALL),
        asset_kinds: words(&truce_model::AssetKind::ALL),
        measure_steps: register
            .config()
            .ladder
            .iter()
            .map(|step| MeasureStep {
                id: step.id.clone(),
                name: step.name.clone(),
                comply_within_days: step.comply_within_days,
            })
            .collect(),
    }))
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
    // The browser writes format version 1, and this formats only that:
    // a later version's bytes are the writer's own (`Statement::in_version`).
    if statement.v != FIRST_FORMAT_VERSION {
        return Err(ServerError::BadRequest {
            field: Some("statement".into()),
            reason: format!(
                "statement format version {} is not formatted here; the browser writes version {FIRST_FORMAT_VERSION}",
                statement.v
            ),
        });
    }
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
        let page = std::str::from_utf8(SITE.index.bytes).unwrap();
        assert!(page.contains(&format!("/ui/v-{}/app.js", SITE.version)));
    }

    /// Every module the pages import is served: a file added to web/ but
    /// not to the list would load in no browser.
    #[test]
    fn every_module_under_web_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web");
        for dir in ["", "lang", "views"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let name = entry.unwrap().file_name().into_string().unwrap();
                if !name.ends_with(".js") {
                    continue;
                }
                let path = if dir.is_empty() {
                    name
                } else {
                    format!("{dir}/{name}")
                };
                assert!(
                    ASSETS.iter().any(|(n, _, _)| *n == path),
                    "{path} is not served"
                );
            }
        }
    }
}
