//! Reads of what the guarantors agreed and how: agreements in force with
//! their clauses and zones (public, as adopted decisions are), the zones as
//! GeoJSON for maps, and the meetings and draft documents (members only),
//! with the documents' bytes served by their hash.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use truce_model::ZoneGeometry;
use utoipa::IntoParams;

use crate::auth::{Caller, Resource};
use crate::{AppState, ErrorBody, ServerError};

fn to_json<T: Serialize>(value: &T) -> Result<Value, ServerError> {
    serde_json::to_value(value).map_err(|e| ServerError::Internal(e.to_string()))
}

/// Agreements in force: clauses and zones, with the decision that adopted each.
#[utoipa::path(
    get,
    path = "/api/v1/agreements",
    tag = "register",
    responses((status = 200, description = "Agreements in force", body = Vec<Object>)),
    security((), ("bearer" = []))
)]
pub async fn list_agreements(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Value>>, ServerError> {
    caller.require(Resource::AdoptedDecisions)?;
    let register = state.ledger.rules();
    register
        .agreements()
        .map(to_json)
        .collect::<Result<_, _>>()
        .map(Json)
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ZonesQuery {
    /// Only zones in force on this day (YYYY-MM-DD); all when absent.
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
}

/// The zones of the agreements in force, as a GeoJSON FeatureCollection.
#[utoipa::path(
    get,
    path = "/api/v1/zones.geojson",
    tag = "register",
    params(ZonesQuery),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection: polygons and lines with id, name, kind, agreement and validity", body = Object, content_type = "application/geo+json"),
        (status = 400, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn zones_geojson(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ZonesQuery>,
) -> Result<Response, ServerError> {
    caller.require(Resource::AdoptedDecisions)?;
    let date = crate::query::date("date", query.date.as_deref())?;
    let register = state.ledger.rules();
    let features: Vec<Value> = register
        .agreements()
        .flat_map(|a| a.spec.zones.iter().map(move |z| (a, z)))
        .filter(|(_, zone)| date.is_none_or(|d| zone.holds_on(d)))
        .map(|(agreement, zone)| {
            let geometry = match &zone.geometry {
                ZoneGeometry::Polygon(rings) => json!({"type": "Polygon", "coordinates": rings}),
                ZoneGeometry::Line(points) => json!({"type": "LineString", "coordinates": points}),
            };
            json!({
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "id": zone.id.as_str(),
                    "name": zone.name,
                    "kind": zone.kind.as_str(),
                    "agreement": agreement.spec.id.as_str(),
                    "decision": agreement.decision.to_string(),
                    "valid_from": zone.valid_from.to_string(),
                    "valid_to": zone.valid_to.map(|d| d.to_string()),
                },
            })
        })
        .collect();
    let collection = json!({"type": "FeatureCollection", "features": features});
    Ok((
        [(header::CONTENT_TYPE, "application/geo+json")],
        collection.to_string(),
    )
        .into_response())
}

/// Meetings, scheduled and held, with the decisions that cite each.
#[utoipa::path(
    get,
    path = "/api/v1/meetings",
    tag = "register",
    responses(
        (status = 200, body = Vec<Object>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_meetings(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Value>>, ServerError> {
    caller.require(Resource::Decisions)?;
    let register = state.ledger.rules();
    register
        .meetings()
        .map(|meeting| {
            let mut value = to_json(meeting)?;
            let decisions: Vec<String> = register
                .decisions_of_meeting(meeting.id)
                .iter()
                .map(|d| d.id.to_string())
                .collect();
            value["decisions"] = to_json(&decisions)?;
            Ok(value)
        })
        .collect::<Result<_, _>>()
        .map(Json)
}

/// Draft documents: versions by hash, each guarantor's approval.
#[utoipa::path(
    get,
    path = "/api/v1/documents",
    tag = "register",
    responses(
        (status = 200, body = Vec<Object>),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_documents(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Value>>, ServerError> {
    caller.require(Resource::Decisions)?;
    let register = state.ledger.rules();
    register
        .documents()
        .map(to_json)
        .collect::<Result<_, _>>()
        .map(Json)
}

/// The bytes of one document version, by its SHA-256.
#[utoipa::path(
    get,
    path = "/api/v1/documents/{sha256}",
    tag = "register",
    params(("sha256" = String, Path, pattern = "^[0-9a-f]{64}$", description = "64 hex digits")),
    responses(
        (status = 200, description = "The file, with its recorded media type"),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such version, or its file is not on this node", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn document_file(
    State(state): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
) -> Result<Response, ServerError> {
    caller.require(Resource::Decisions)?;
    let media_type = {
        let register = state.ledger.rules();
        let found = register
            .documents()
            .flat_map(|d| d.versions.iter())
            .find(|v| v.version.sha256 == sha256)
            .map(|v| v.version.media_type.clone());
        found.ok_or_else(|| ServerError::NotFound(format!("no document version {sha256}")))?
    };
    // The hash came from the Record, so it is 64 hex digits: a safe file name.
    let path = state.data_dir.join("documents").join(&sha256);
    let bytes = tokio::fs::read(&path)
        .await
        .map_err(|_| ServerError::NotFound(format!("the file of {sha256} is not on this node")))?;
    // Never rendered in the node's origin, where it could read a session's
    // token: always a download, never sniffed, and sandboxed should a
    // browser open it anyway. A media type no header can carry (a Record
    // admitted before types were checked) goes out as plain bytes.
    let content_type = header::HeaderValue::from_str(&media_type)
        .unwrap_or(header::HeaderValue::from_static("application/octet-stream"));
    let disposition = header::HeaderValue::from_str(&format!(
        "attachment; filename=\"{}.{}\"",
        &sha256[..12],
        extension_of(&media_type)
    ))
    .unwrap_or(header::HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                header::HeaderValue::from_static("nosniff"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                header::HeaderValue::from_static("default-src 'none'; sandbox"),
            ),
        ],
        Body::from(bytes),
    )
        .into_response())
}

fn extension_of(media_type: &str) -> &'static str {
    truce_model::DOCUMENT_MEDIA_TYPES
        .iter()
        .find(|(allowed, _)| *allowed == media_type)
        .and_then(|(_, extensions)| extensions.first().copied())
        .unwrap_or("bin")
}
