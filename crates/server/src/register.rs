//! Reads of the register: reports, incidents, findings, formations,
//! bulletins and the map. A handler parses the query string into the query
//! layer's typed filter, asks `truce_query` under the register's read
//! guard (appends wait while it is held), and serializes after dropping it.
//!
//! What each caller may ask is decided by `Caller::may`; what each audience
//! sees of a view is decided in `truce_query` alone.

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use truce_model::{FormationId, Party, ReportId};
use truce_query::{
    Audience, BulletinDays, BulletinSeries, DayRange, FindingFilter, FindingName, FindingView,
    FormationView, IncidentView, Page, ReportFilter, ReportView, SortOrder,
};
use truce_regime::{
    acled_csv, BoundingBox, Edition, ExportLevel, Language, MapFilter, MapView, MAX_ZOOM,
};
use utoipa::IntoParams;

use crate::auth::{Allowed, Caller, IncidentsGate, Resource};
use crate::params::{
    BoolParam, BulletinFormatParam, EditionParam, FindingParam, LanguageParam, LevelParam,
    SortParam, ViolationTypeName,
};
use crate::query::{self, date_range, Paging, Query};
use crate::{AppState, ErrorBody, ServerError};

fn audience(caller: &Caller, full: Resource) -> Audience {
    if caller.may(full) {
        Audience::Members
    } else {
        Audience::Public
    }
}

fn formation_param(value: Option<&str>) -> Result<Option<FormationId>, ServerError> {
    value
        .filter(|f| !f.is_empty())
        .map(FormationId::new)
        .transpose()
        .map_err(|e| ServerError::bad("formation", e.reason))
}

/// Every finding, by each of its reports.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day of the event (YYYY-MM-DD), included.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Last day of the event, included.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// Governorate ISO 3166-2 code, e.g. `SY-ID`.
    pub governorate: Option<String>,
    /// Violation type, e.g. `shelling`.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<ViolationTypeName>, inline)]
    pub violation_type: Option<String>,
    /// A formation id, as perpetrator or target.
    #[param(pattern = "^[a-z0-9-]{1,64}$")]
    pub formation: Option<String>,
    /// The filing guarantor party, e.g. `Russian Federation` (with a token only).
    pub party: Option<String>,
    /// `true` to list withdrawn reports too.
    #[param(value_type = Option<BoolParam>, inline)]
    pub include_withdrawn: Option<String>,
    /// `record` (the Record's order, the default), `date` (oldest event
    /// first) or `-date` (newest first), over everything that matches.
    #[param(value_type = Option<SortParam>, inline)]
    pub sort: Option<String>,
    /// At most this many items (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Skip this many items first.
    #[param(value_type = Option<u64>, minimum = 0)]
    pub offset: Option<String>,
}

impl ReportQuery {
    fn filter(&self) -> Result<ReportFilter, ServerError> {
        let (from, to) = date_range(self.from.as_deref(), self.to.as_deref())?;
        Ok(ReportFilter {
            days: DayRange::new(Some(from), Some(to))?,
            governorate: self.governorate.clone().filter(|g| !g.is_empty()),
            violation_type: query::parse("type", self.violation_type.as_deref())?,
            formation: formation_param(self.formation.as_deref())?,
            party: self.party.clone().filter(|p| !p.is_empty()),
            include_withdrawn: query::parse::<bool>(
                "include_withdrawn",
                self.include_withdrawn.as_deref(),
            )?
            .unwrap_or(false),
            order: query::parse::<SortOrder>("sort", self.sort.as_deref())?.unwrap_or_default(),
        })
    }
}

/// List reports.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "register",
    params(ReportQuery),
    responses(
        (status = 200, description = "Reports in Record order; redacted without a token", body = Page<ReportView>),
        (status = 400, body = ErrorBody),
        (status = 401, description = "Filtering by party needs a token", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn list_reports(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ReportQuery>,
) -> Result<Json<Page<ReportView>>, ServerError> {
    caller.require(Resource::RedactedReports)?;
    let filter = q.filter()?;
    if filter.party.is_some() {
        // Who filed what is not public; neither is filtering by it.
        caller.require(Resource::FullReports)?;
    }
    let paging = paging_of(&q.limit, &q.offset)?;
    let register = state.ledger.rules();
    let page = truce_query::reports(
        &register,
        &filter,
        paging,
        audience(&caller, Resource::FullReports),
    )?;
    Ok(Json(page))
}

/// One report, with its incident and finding.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "register",
    params(("id" = String, Path, pattern = "^([RrIi]-?)?[0-9]{1,19}$", description = "Report id: 12 or R-12")),
    responses(
        (status = 200, body = ReportView),
        (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Json<ReportView>, ServerError> {
    caller.require(Resource::RedactedReports)?;
    let id = parse_report_id("id", &id)?;
    let register = state.ledger.rules();
    let view = truce_query::report(&register, id, audience(&caller, Resource::FullReports))?;
    Ok(Json(view))
}

fn parse_report_id(field: &str, text: &str) -> Result<ReportId, ServerError> {
    text.parse()
        .map_err(|_| ServerError::bad(field, format!("{text:?} is not an id such as R-12 or 12")))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    /// First day (YYYY-MM-DD), included.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Last day, included.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// Governorate ISO 3166-2 code, e.g. `SY-ID`.
    pub governorate: Option<String>,
    /// Violation type of any of its reports.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<ViolationTypeName>, inline)]
    pub violation_type: Option<String>,
    /// `confirmed_violation`, `not_a_violation` or `unconfirmed`.
    #[param(value_type = Option<FindingParam>, inline)]
    pub finding: Option<String>,
    /// `record` (the Record's order, the default), `date` (oldest event
    /// first) or `-date` (newest first), over everything that matches.
    #[param(value_type = Option<SortParam>, inline)]
    pub sort: Option<String>,
    /// At most this many items (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Skip this many items first.
    #[param(value_type = Option<u64>, minimum = 0)]
    pub offset: Option<String>,
}

impl IncidentQuery {
    fn filter(&self) -> Result<FindingFilter, ServerError> {
        let (from, to) = date_range(self.from.as_deref(), self.to.as_deref())?;
        Ok(FindingFilter {
            days: DayRange::new(Some(from), Some(to))?,
            governorate: self.governorate.clone().filter(|g| !g.is_empty()),
            violation_type: query::parse("type", self.violation_type.as_deref())?,
            finding: query::parse::<FindingName>("finding", self.finding.as_deref())?,
            order: query::parse::<SortOrder>("sort", self.sort.as_deref())?.unwrap_or_default(),
        })
    }
}

/// List findings (one per incident). The public sees no positions.
#[utoipa::path(
    get,
    path = "/api/v1/findings",
    tag = "register",
    params(IncidentQuery),
    responses((status = 200, body = Page<FindingView>), (status = 400, body = ErrorBody)),
    security((), ("bearer" = []))
)]
pub async fn list_findings(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<IncidentQuery>,
) -> Result<Json<Page<FindingView>>, ServerError> {
    caller.require(Resource::PublicFindings)?;
    let filter = q.filter()?;
    let paging = paging_of(&q.limit, &q.offset)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::findings(
        &register,
        &filter,
        paging,
        audience(&caller, Resource::FullFindings),
    )))
}

fn paging_of(
    limit: &Option<String>,
    offset: &Option<String>,
) -> Result<truce_query::Paging, ServerError> {
    Paging {
        limit: limit.clone(),
        offset: offset.clone(),
    }
    .resolve()
}

/// List incidents with their findings and positions.
#[utoipa::path(
    get,
    path = "/api/v1/incidents",
    tag = "register",
    params(IncidentQuery),
    responses(
        (status = 200, body = Page<FindingView>),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn list_incidents(
    State(state): State<AppState>,
    _: Allowed<IncidentsGate>,
    Query(q): Query<IncidentQuery>,
) -> Result<Json<Page<FindingView>>, ServerError> {
    let filter = q.filter()?;
    let paging = paging_of(&q.limit, &q.offset)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::findings(
        &register,
        &filter,
        paging,
        Audience::Members,
    )))
}

/// One incident: its reports side by side, positions, dissent, assessments.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}",
    tag = "register",
    params(("id" = String, Path, pattern = "^([RrIi]-?)?[0-9]{1,19}$", description = "Any report of the incident: 12, R-12 or I-12")),
    responses(
        (status = 200, body = IncidentView),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get_incident(
    State(state): State<AppState>,
    _: Allowed<IncidentsGate>,
    Path(id): Path<String>,
) -> Result<Json<IncidentView>, ServerError> {
    let id = parse_report_id("id", &id)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::incident(&register, id)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormationQuery {
    /// The day whose status to show (default: the mechanism's today).
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// At most this many items (default 100).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 1000)]
    pub limit: Option<String>,
    /// Skip this many items first.
    #[param(value_type = Option<u64>, minimum = 0)]
    pub offset: Option<String>,
}

/// List formations and their status on a date.
#[utoipa::path(
    get,
    path = "/api/v1/formations",
    tag = "register",
    params(FormationQuery),
    responses((status = 200, body = Page<FormationView>), (status = 400, body = ErrorBody)),
    security((), ("bearer" = []))
)]
pub async fn list_formations(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<FormationQuery>,
) -> Result<Json<Page<FormationView>>, ServerError> {
    caller.require(Resource::Formations)?;
    let date = query::date("date", q.date.as_deref())?;
    let paging = paging_of(&q.limit, &q.offset)?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::formations(
        &register,
        date,
        jiff::Timestamp::now(),
        paging,
    )))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulletinQuery {
    /// The day (default: the latest day with reports). Not with from/to.
    #[param(value_type = Option<String>, format = Date)]
    pub date: Option<String>,
    /// First day of a range (with `to`).
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Last day of a range (with `from`).
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// `public` (default) or `internal` (needs a token).
    #[param(value_type = Option<EditionParam>, inline)]
    pub edition: Option<String>,
    /// `json` (default), `text` or `csv` (ACLED columns with HXL hashtags).
    #[param(value_type = Option<BulletinFormatParam>, inline)]
    pub format: Option<String>,
    /// For `csv`: `event` (default; one row per incident, fatalities counted
    /// once) or `report` (one row per report).
    #[param(value_type = Option<LevelParam>, inline)]
    pub level: Option<String>,
    /// For `text`: the language it is written in, `en` (default), `ru`,
    /// `tr`, `fa` or `ar`; the figures, names and narratives are the same.
    #[param(value_type = Option<LanguageParam>, inline)]
    pub lang: Option<String>,
}

fn edition(value: Option<&str>) -> Result<Edition, ServerError> {
    match value.unwrap_or("public") {
        "public" | "" => Ok(Edition::Public),
        "internal" => Ok(Edition::Internal),
        other => Err(ServerError::bad(
            "edition",
            format!("{other:?}: public or internal"),
        )),
    }
}

fn require_edition(
    caller: &Caller,
    edition: Edition,
    internal: Resource,
) -> Result<(), ServerError> {
    match edition {
        Edition::Public => Ok(()),
        Edition::Internal => caller.require(internal),
    }
}

fn bulletin_days(q: &BulletinQuery) -> Result<BulletinDays, ServerError> {
    Ok(BulletinDays::new(
        query::date("date", q.date.as_deref())?,
        query::date("from", q.from.as_deref())?,
        query::date("to", q.to.as_deref())?,
    )?)
}

/// The bulletin for a day or a range of days.
#[utoipa::path(
    get,
    path = "/api/v1/bulletin",
    tag = "register",
    params(BulletinQuery),
    responses(
        (status = 200, description = "JSON (`Bulletin`), text/plain, or text/csv (ACLED's columns, then a row of HXL hashtags)", content(
            (Object = "application/json"),
            (String = "text/plain"),
            (String = "text/csv"),
        )),
        (status = 400, body = ErrorBody),
        (status = 401, description = "The internal edition needs a token", body = ErrorBody),
        (status = 404, description = "No reports yet and no day given", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn bulletin(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BulletinQuery>,
) -> Result<Response, ServerError> {
    let edition = edition(q.edition.as_deref())?;
    caller.require(Resource::PublicBulletin)?;
    require_edition(&caller, edition, Resource::InternalBulletin)?;
    let format = q.format.as_deref().unwrap_or("json");
    if !["json", "text", "csv", ""].contains(&format) {
        return Err(ServerError::bad(
            "format",
            format!("{format:?}: json, text or csv"),
        ));
    }
    let level = query::parse::<ExportLevel>("level", q.level.as_deref())?.unwrap_or_default();
    let language = query::parse::<Language>("lang", q.lang.as_deref())?.unwrap_or_default();
    let days = bulletin_days(&q)?;
    let register = state.ledger.rules();
    let (from, to) = days.resolve(&register)?;
    let response = match format {
        "text" => text(
            "text/plain; charset=utf-8",
            register
                .bulletin(&state.mechanism(), from, to, edition)
                .to_text_in(language),
        ),
        "csv" => text(
            "text/csv; charset=utf-8",
            acled_csv(&register, from, to, edition, level),
        ),
        _ => {
            let bulletin = register.bulletin(&state.mechanism(), from, to, edition);
            drop(register);
            Json(bulletin).into_response()
        }
    };
    Ok(response)
}

fn text(content_type: &'static str, body: String) -> Response {
    ([(CONTENT_TYPE, content_type)], body).into_response()
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// First day (YYYY-MM-DD), included.
    #[param(value_type = String, format = Date)]
    pub from: Option<String>,
    /// Last day, included; at most 366 days after `from`.
    #[param(value_type = String, format = Date)]
    pub to: Option<String>,
}

/// Reports per day and governorate over a range of days, as each day's
/// public bulletin counts them: a chart's series in one answer.
#[utoipa::path(
    get,
    path = "/api/v1/bulletin/series",
    tag = "register",
    params(SeriesQuery),
    responses(
        (status = 200, body = BulletinSeries),
        (status = 400, description = "A day missing or malformed, a reversed range, or more than 366 days; `field` names it", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn bulletin_series(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SeriesQuery>,
) -> Result<Json<BulletinSeries>, ServerError> {
    caller.require(Resource::PublicBulletin)?;
    let day = |field: &'static str, value: Option<&str>| {
        query::date(field, value)?
            .ok_or_else(|| ServerError::bad(field, "a day (YYYY-MM-DD) is required"))
    };
    let from = day("from", q.from.as_deref())?;
    let to = day("to", q.to.as_deref())?;
    let register = state.ledger.rules();
    Ok(Json(truce_query::bulletin_series(&register, from, to)?))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapQuery {
    /// First day, included.
    #[param(value_type = Option<String>, format = Date)]
    pub from: Option<String>,
    /// Last day, included.
    #[param(value_type = Option<String>, format = Date)]
    pub to: Option<String>,
    /// `public` (default) or `internal` (needs a token; adds places and positions).
    #[param(value_type = Option<EditionParam>, inline)]
    pub edition: Option<String>,
    /// `true` to group nearby incidents into grid cells (for maps with many
    /// incidents): a cell with several incidents becomes one point with
    /// `cluster: true`, `count`, `findings` (count per finding), `from`,
    /// `to` and `bounds`; a cell with one incident shows the incident.
    #[param(value_type = Option<BoolParam>, inline)]
    pub cluster: Option<String>,
    /// The map's zoom level (0 to 20) the cells are sized for: a cell spans
    /// about 64 pixels of a 256-pixel Web Mercator tile. Default 7. From
    /// zoom 16 on, every incident stands alone.
    #[param(value_type = Option<u8>, minimum = 0, maximum = 20)]
    pub zoom: Option<String>,
    /// Only incidents in this box: `west,south,east,north` in degrees. The
    /// box is widened to whole cells, so counts do not change as a map pans.
    #[param(pattern = "^-?[0-9]{1,3}(\\.[0-9]+)?(,-?[0-9]{1,3}(\\.[0-9]+)?){3}$")]
    pub bbox: Option<String>,
    /// Violation type of any of the incident's reports, e.g. `shelling`.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<ViolationTypeName>, inline)]
    pub violation_type: Option<String>,
    /// A formation id, as perpetrator or target of any of its reports.
    #[param(pattern = "^[a-z0-9-]{1,64}$")]
    pub formation: Option<String>,
    /// A guarantor party that filed one of its reports (with a token only).
    pub party: Option<String>,
}

/// Incidents as a GeoJSON FeatureCollection, with `incidents`: how many
/// incidents its points stand for.
#[utoipa::path(
    get,
    path = "/api/v1/incidents.geojson",
    tag = "register",
    params(MapQuery),
    responses(
        (status = 200, description = "A GeoJSON FeatureCollection", body = Object, content_type = "application/geo+json"),
        (status = 400, body = ErrorBody),
        (status = 401, description = "The internal edition and the party filter need a token", body = ErrorBody),
    ),
    security((), ("bearer" = []))
)]
pub async fn geojson(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<MapQuery>,
) -> Result<Response, ServerError> {
    let edition = edition(q.edition.as_deref())?;
    caller.require(Resource::PublicFindings)?;
    require_edition(&caller, edition, Resource::FullFindings)?;
    if q.party.as_deref().is_some_and(|p| !p.is_empty()) {
        // Who filed what is not public; neither is filtering by it.
        caller.require(Resource::FullFindings)?;
    }
    let filter = map_filter(&q)?;
    let view = map_view(&q)?;
    let index = state.ledger.rules().map_index();
    let collection = index.select(&filter, &view).to_geojson(edition);
    let body =
        serde_json::to_string(&collection).map_err(|e| ServerError::Internal(e.to_string()))?;
    Ok(text("application/geo+json", body))
}

fn map_filter(q: &MapQuery) -> Result<MapFilter, ServerError> {
    let (from, to) = date_range(q.from.as_deref(), q.to.as_deref())?;
    Ok(MapFilter {
        from,
        to,
        violation_type: query::parse("type", q.violation_type.as_deref())?,
        formation: q
            .formation
            .as_deref()
            .filter(|f| !f.is_empty())
            .map(FormationId::new)
            .transpose()
            .map_err(|e| ServerError::bad("formation", e.reason))?,
        party: q
            .party
            .as_deref()
            .filter(|p| !p.is_empty())
            .map(Party::new)
            .transpose()
            .map_err(|e| ServerError::bad("party", e.to_string()))?,
    })
}

fn map_view(q: &MapQuery) -> Result<MapView, ServerError> {
    let cluster = query::parse::<bool>("cluster", q.cluster.as_deref())?.unwrap_or(false);
    let zoom = query::parse::<u8>("zoom", q.zoom.as_deref())?.unwrap_or(7);
    if zoom > MAX_ZOOM {
        return Err(ServerError::bad("zoom", format!("must be 0 to {MAX_ZOOM}")));
    }
    let bbox = match q.bbox.as_deref().filter(|b| !b.is_empty()) {
        Some(text) => parse_bbox(text)?,
        None => BoundingBox::WORLD,
    };
    Ok(MapView {
        bbox,
        zoom: cluster.then_some(zoom),
    })
}

/// `west,south,east,north`, clamped to the world (a map panned past the
/// antimeridian asks for more).
fn parse_bbox(text: &str) -> Result<BoundingBox, ServerError> {
    let bad = || {
        ServerError::bad(
            "bbox",
            format!("{text:?}: west,south,east,north in degrees"),
        )
    };
    let numbers: Vec<f64> = text
        .split(',')
        .map(|n| n.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let [west, south, east, north] = numbers[..] else {
        return Err(bad());
    };
    if !numbers.iter().all(|n| n.is_finite()) || west > east || south > north {
        return Err(bad());
    }
    let world = BoundingBox::WORLD;
    Ok(BoundingBox {
        west: west.clamp(world.west, world.east),
        south: south.clamp(world.south, world.north),
        east: east.clamp(world.west, world.east),
        north: north.clamp(world.south, world.north),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bounding_box_is_four_ordered_numbers_clamped_to_the_world() {
        let bbox = parse_bbox("35.5, 32,42.5,37.5").unwrap();
        assert_eq!(
            (bbox.west, bbox.south, bbox.east, bbox.north),
            (35.5, 32.0, 42.5, 37.5)
        );
        let wide = parse_bbox("-200,-95,200,95").unwrap();
        assert_eq!(wide, BoundingBox::WORLD);
        for bad in [
            "",
            "1,2,3",
            "1,2,3,4,5",
            "a,2,3,4",
            "3,2,1,4",
            "1,4,3,2",
            "NaN,1,2,3",
        ] {
            assert!(parse_bbox(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_view_clusters_only_when_asked() {
        let query = |cluster: &str, zoom: &str| MapQuery {
            cluster: Some(cluster.into()),
            zoom: Some(zoom.into()),
            ..MapQuery::default()
        };
        assert_eq!(map_view(&query("true", "9")).unwrap().zoom, Some(9));
        assert_eq!(map_view(&query("false", "9")).unwrap().zoom, None);
        assert!(map_view(&query("true", "21")).is_err());
    }
}
