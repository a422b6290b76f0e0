//! Reads of the register: reports, incidents, findings, formations,
//! bulletins and the map. Each handler holds the register's read guard only
//! while it builds owned views (appends wait while it is held), and
//! serializes after dropping it.
//!
//! What each caller sees is decided by `Caller::may`; the redaction of a
//! report for the public is `report_view` alone.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use truce_model::{FormationId, Party, ReportId, ViolationType};
use truce_regime::{
    acled_csv, BoundingBox, Edition, Finding, MapFilter, MapIndex, MapView, Register, Report,
    MAX_ZOOM,
};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Allowed, Caller, IncidentsGate, Resource};
use crate::query::{self, date_range, page, Page, Paging, Query};
use crate::{AppState, ErrorBody, ServerError};

/// The fields of a report the public does not see (the public ACLED export
/// leaves out the same).
const PRIVATE_REPORT_FIELDS: [&str; 4] = ["narrative", "sources", "evidence", "observation"];

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportView {
    /// Position of the statement that filed it.
    pub id: u64,
    /// `R-` and the id.
    pub name: String,
    /// Member who filed it (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filed_by: Option<String>,
    /// Guarantor party that filed it (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// ISO 3166-2 code of the governorate, e.g. `SY-ID`.
    pub governorate: String,
    pub governorate_name: String,
    /// The incident (named by its first report) that holds it, if active.
    pub incident: Option<u64>,
    /// The incident's finding: `confirmed violation`, `not a violation`, `unconfirmed`.
    pub finding: Option<String>,
    /// Positions of amendments.
    pub amendments: Vec<u64>,
    /// Why it was withdrawn, if it was (the public sees only that it was).
    pub withdrawn: Option<String>,
    /// The report fields as filed (`ReportFields`); for the public without
    /// narrative, sources, evidence and observation.
    #[schema(value_type = Object)]
    pub fields: Value,
    /// Zones in force on the report's day that hold its place, or lines it
    /// lies near: "inside <zone>", "<n> m from <line>".
    pub zones: Vec<String>,
}

fn report_view(
    register: &Register,
    report: &Report,
    finding: Option<&Finding>,
    full: bool,
) -> ReportView {
    let mut fields = serde_json::to_value(&report.fields).unwrap_or(Value::Null);
    if !full {
        if let Value::Object(map) = &mut fields {
            for name in PRIVATE_REPORT_FIELDS {
                map.remove(name);
            }
        }
    }
    ReportView {
        id: report.id.0,
        name: report.id.to_string(),
        filed_by: full.then(|| report.filed_by.to_string()),
        party: full.then(|| report.party.to_string()),
        governorate: report.governorate.clone(),
        governorate_name: register.governorate_name(&report.governorate),
        incident: finding.map(|f| f.incident.0),
        finding: finding.map(|f| f.kind.label().to_string()),
        amendments: report.amendments.clone(),
        zones: register.zone_names(report),
        withdrawn: report.withdrawn.as_ref().map(|reason| {
            if full {
                reason.clone()
            } else {
                "withdrawn".into()
            }
        }),
        fields,
    }
}

/// Every finding, by each of its reports.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportFilter {
    /// First day of the event (YYYY-MM-DD), included.
    pub from: Option<String>,
    /// Last day of the event, included.
    pub to: Option<String>,
    /// Governorate ISO 3166-2 code, e.g. `SY-ID`.
    pub governorate: Option<String>,
    /// Violation type, e.g. `shelling`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub violation_type: Option<String>,
    /// A formation id, as perpetrator or target.
    pub formation: Option<String>,
    /// The filing guarantor party, e.g. `Russian Federation` (with a token only).
    pub party: Option<String>,
    /// `true` to list withdrawn reports too.
    pub include_withdrawn: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

struct ReportMatcher {
    from: Date,
    to: Date,
    governorate: Option<String>,
    violation_type: Option<ViolationType>,
    formation: Option<FormationId>,
    party: Option<String>,
    include_withdrawn: bool,
}

impl ReportMatcher {
    fn new(filter: &ReportFilter) -> Result<Self, ServerError> {
        let (from, to) = date_range(filter.from.as_deref(), filter.to.as_deref())?;
        Ok(Self {
            from,
            to,
            governorate: filter.governorate.clone().filter(|g| !g.is_empty()),
            violation_type: query::parse("type", filter.violation_type.as_deref())?,
            formation: filter
                .formation
                .as_deref()
                .filter(|f| !f.is_empty())
                .map(FormationId::new)
                .transpose()
                .map_err(|e| ServerError::bad("formation", e.reason))?,
            party: filter.party.clone().filter(|p| !p.is_empty()),
            include_withdrawn: query::parse::<bool>(
                "include_withdrawn",
                filter.include_withdrawn.as_deref(),
            )?
            .unwrap_or(false),
        })
    }

    fn matches(&self, report: &Report) -> bool {
        let fields = &report.fields;
        (self.include_withdrawn || report.is_active())
            && (self.from..=self.to).contains(&report.date())
            && self
                .governorate
                .as_ref()
                .is_none_or(|g| &report.governorate == g)
            && self
                .violation_type
                .is_none_or(|t| fields.violation_type == t)
            && self.formation.as_ref().is_none_or(|f| {
                fields.perpetrator.formation() == Some(f) || fields.target.formation() == Some(f)
            })
            && self
                .party
                .as_ref()
                .is_none_or(|p| report.party.as_str() == p)
    }
}

/// List reports.
#[utoipa::path(
    get,
    path = "/api/v1/reports",
    tag = "register",
    params(ReportFilter),
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
    Query(filter): Query<ReportFilter>,
) -> Result<Json<Page<ReportView>>, ServerError> {
    caller.require(Resource::RedactedReports)?;
    if filter.party.is_some() {
        // Who filed what is not public; neither is filtering by it.
        caller.require(Resource::FullReports)?;
    }
    let full = caller.may(Resource::FullReports);
    let matcher = ReportMatcher::new(&filter)?;
    let paging = Paging {
        limit: filter.limit.clone(),
        offset: filter.offset.clone(),
    }
    .resolve()?;
    let register = state.ledger.rules().await;
    let matching: Vec<&Report> = register.reports().filter(|r| matcher.matches(r)).collect();
    // Findings only for the page shown: all of them is seconds on a large register.
    let result = page(matching, paging, |r| {
        let finding = register.incident_of(r.id).map(|i| register.finding(&i));
        report_view(&register, r, finding.as_ref(), full)
    });
    Ok(Json(result))
}

/// One report, with its incident and finding.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{id}",
    tag = "register",
    params(("id" = String, Path, description = "Report id: 12 or R-12")),
    responses(
        (status = 200, body = ReportView),
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
    let register = state.ledger.rules().await;
    let report = register
        .report(id)
        .ok_or_else(|| ServerError::NotFound(format!("no report {id}")))?;
    let finding = register.incident_of(id).map(|i| register.finding(&i));
    Ok(Json(report_view(
        &register,
        report,
        finding.as_ref(),
        caller.may(Resource::FullReports),
    )))
}

fn parse_report_id(field: &str, text: &str) -> Result<ReportId, ServerError> {
    text.parse()
        .map_err(|_| ServerError::bad(field, format!("{text:?} is not an id such as R-12 or 12")))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FindingView {
    /// The incident, named by its first report's id.
    pub incident: u64,
    pub date: String,
    pub governorate: String,
    pub governorate_name: String,
    /// Violation type of the first report.
    #[serde(rename = "type")]
    pub violation_type: String,
    /// `{"finding": "confirmed_violation", "attributed_to": ...}`,
    /// `{"finding": "not_a_violation", "reason": ...}` or `{"finding": "unconfirmed"}`.
    #[schema(value_type = Object)]
    pub finding: Value,
    /// Ids of the incident's reports.
    pub reports: Vec<u64>,
    /// The finding rule, e.g. "all 3 guarantors".
    pub rule: String,
    /// Each guarantor party's position (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub positions: Option<BTreeMap<String, String>>,
    /// Parties whose position differs from the finding (with a token only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dissent: Option<Vec<String>>,
}

fn finding_view(register: &Register, finding: &Finding, full: bool) -> FindingView {
    let first = register.report(finding.incident);
    FindingView {
        incident: finding.incident.0,
        date: finding.date.to_string(),
        governorate: finding.governorate.clone(),
        governorate_name: register.governorate_name(&finding.governorate),
        violation_type: first
            .map(|r| r.fields.violation_type.as_str().to_string())
            .unwrap_or_default(),
        finding: serde_json::to_value(&finding.kind).unwrap_or(Value::Null),
        reports: finding.reports.iter().map(|r| r.0).collect(),
        rule: finding.rule.clone(),
        positions: full.then(|| {
            finding
                .positions
                .iter()
                .map(|(party, p)| (party.clone(), p.as_str().to_string()))
                .collect()
        }),
        dissent: full.then(|| finding.dissent.clone()),
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentFilter {
    /// First day (YYYY-MM-DD), included.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// Governorate ISO 3166-2 code, e.g. `SY-ID`.
    pub governorate: Option<String>,
    /// Violation type of any of its reports.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub violation_type: Option<String>,
    /// `confirmed_violation`, `not_a_violation` or `unconfirmed`.
    pub finding: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

const FINDING_NAMES: [&str; 3] = ["confirmed_violation", "not_a_violation", "unconfirmed"];

fn matching_findings(
    register: &Register,
    filter: &IncidentFilter,
) -> Result<Vec<Finding>, ServerError> {
    let (from, to) = date_range(filter.from.as_deref(), filter.to.as_deref())?;
    let violation_type: Option<ViolationType> =
        query::parse("type", filter.violation_type.as_deref())?;
    let wanted = filter.finding.as_deref().filter(|f| !f.is_empty());
    if let Some(name) = wanted {
        if !FINDING_NAMES.contains(&name) {
            return Err(ServerError::bad(
                "finding",
                format!("{name:?}: one of {}", FINDING_NAMES.join(", ")),
            ));
        }
    }
    let governorate = filter.governorate.as_deref().filter(|g| !g.is_empty());
    Ok(register
        .findings()
        .into_iter()
        .filter(|f| (from..=to).contains(&f.date))
        .filter(|f| governorate.is_none_or(|g| f.governorate == g))
        .filter(|f| {
            violation_type.is_none_or(|t| {
                f.reports.iter().any(|id| {
                    register
                        .report(*id)
                        .is_some_and(|r| r.fields.violation_type == t)
                })
            })
        })
        .filter(|f| {
            wanted.is_none_or(|name| {
                serde_json::to_value(&f.kind)
                    .ok()
                    .is_some_and(|v| v["finding"] == name)
            })
        })
        .collect())
}

/// List findings (one per incident). The public sees no positions.
#[utoipa::path(
    get,
    path = "/api/v1/findings",
    tag = "register",
    params(IncidentFilter),
    responses((status = 200, body = Page<FindingView>), (status = 400, body = ErrorBody)),
    security((), ("bearer" = []))
)]
pub async fn list_findings(
    State(state): State<AppState>,
    caller: Caller,
    Query(filter): Query<IncidentFilter>,
) -> Result<Json<Page<FindingView>>, ServerError> {
    caller.require(Resource::PublicFindings)?;
    let full = caller.may(Resource::FullFindings);
    let paging = paging_of(&filter.limit, &filter.offset)?;
    let register = state.ledger.rules().await;
    let matching = matching_findings(&register, &filter)?;
    Ok(Json(page(matching, paging, |f| {
        finding_view(&register, &f, full)
    })))
}

fn paging_of(
    limit: &Option<String>,
    offset: &Option<String>,
) -> Result<(usize, usize), ServerError> {
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
    params(IncidentFilter),
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
    Query(filter): Query<IncidentFilter>,
) -> Result<Json<Page<FindingView>>, ServerError> {
    let paging = paging_of(&filter.limit, &filter.offset)?;
    let register = state.ledger.rules().await;
    let matching = matching_findings(&register, &filter)?;
    Ok(Json(page(matching, paging, |f| {
        finding_view(&register, &f, true)
    })))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    /// Position of the assessment statement.
    pub position: u64,
    pub member: String,
    pub party: String,
    /// The assessment as signed (`Assessment`).
    #[schema(value_type = Object)]
    pub assessment: Value,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentView {
    #[serde(flatten)]
    pub summary: FindingView,
    /// The reports side by side, as filed.
    pub report_details: Vec<ReportView>,
    /// Every assessment of any of its reports, in Record order.
    pub assessments: Vec<AssessmentView>,
}

/// One incident: its reports side by side, positions, dissent, assessments.
#[utoipa::path(
    get,
    path = "/api/v1/incidents/{id}",
    tag = "register",
    params(("id" = String, Path, description = "Any report of the incident: 12, R-12 or I-12")),
    responses(
        (status = 200, body = IncidentView),
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
    let register = state.ledger.rules().await;
    let incident = register
        .incident_of(id)
        .ok_or_else(|| ServerError::NotFound(format!("no active report {id}")))?;
    let finding = register.finding(&incident);
    let report_details = incident
        .reports
        .iter()
        .filter_map(|r| register.report(*r))
        .map(|r| report_view(&register, r, Some(&finding), true))
        .collect();
    let assessments = register
        .assessments()
        .iter()
        .filter(|a| incident.reports.contains(&a.assessment.incident))
        .map(|a| AssessmentView {
            position: a.position,
            member: a.member.to_string(),
            party: a.party.to_string(),
            assessment: serde_json::to_value(&a.assessment).unwrap_or(Value::Null),
        })
        .collect();
    Ok(Json(IncidentView {
        summary: finding_view(&register, &finding, true),
        report_details,
        assessments,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormationQuery {
    /// The day whose status to show (default: today in Syria).
    pub date: Option<String>,
    pub limit: Option<String>,
    pub offset: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FormationView {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    #[schema(value_type = String)]
    pub side: Value,
    pub registered_at: u64,
    /// The day `status` is for.
    pub date: String,
    /// The status period that held on `date`, if any had begun.
    #[schema(value_type = Object)]
    pub status: Value,
    /// Every status period, in valid-time order.
    #[schema(value_type = Vec<Object>)]
    pub statuses: Value,
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
    let register = state.ledger.rules().await;
    // "Today" is the mechanism's day, as its parameters in the Record say.
    let date = date.unwrap_or_else(|| register.config().day_of(jiff::Timestamp::now()));
    let formations: Vec<_> = register.formations().collect();
    Ok(Json(page(formations, paging, |f| FormationView {
        id: f.id.to_string(),
        name: f.name.clone(),
        aliases: f.aliases.clone(),
        side: serde_json::to_value(f.side).unwrap_or(Value::Null),
        registered_at: f.registered_at,
        date: date.to_string(),
        status: serde_json::to_value(f.status_on(date)).unwrap_or(Value::Null),
        statuses: serde_json::to_value(&f.statuses).unwrap_or(Value::Null),
    })))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulletinQuery {
    /// The day (default: the latest day with reports). Not with from/to.
    pub date: Option<String>,
    /// First day of a range (with `to`).
    pub from: Option<String>,
    /// Last day of a range (with `from`).
    pub to: Option<String>,
    /// `public` (default) or `internal` (needs a token).
    pub edition: Option<String>,
    /// `json` (default), `text` or `csv` (ACLED columns with HXL hashtags).
    pub format: Option<String>,
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

fn bulletin_days(q: &BulletinQuery, register: &Register) -> Result<(Date, Date), ServerError> {
    let day = query::date("date", q.date.as_deref())?;
    let from = query::date("from", q.from.as_deref())?;
    let to = query::date("to", q.to.as_deref())?;
    match (day, from, to) {
        (Some(_), Some(_), _) | (Some(_), _, Some(_)) => {
            Err(ServerError::bad("date", "give either date or from and to"))
        }
        (Some(day), None, None) => Ok((day, day)),
        (None, Some(from), Some(to)) if from <= to => Ok((from, to)),
        (None, Some(from), Some(to)) => {
            Err(ServerError::bad("from", format!("{from} is after to={to}")))
        }
        (None, Some(_), None) => Err(ServerError::bad("to", "from needs to")),
        (None, None, Some(_)) => Err(ServerError::bad("from", "to needs from")),
        (None, None, None) => register
            .latest_report_date()
            .map(|d| (d, d))
            .ok_or_else(|| ServerError::NotFound("the register has no reports yet".into())),
    }
}

/// The bulletin for a day or a range of days.
#[utoipa::path(
    get,
    path = "/api/v1/bulletin",
    tag = "register",
    params(BulletinQuery),
    responses(
        (status = 200, description = "JSON (`Bulletin`), text/plain, or text/csv", body = Object),
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
    let register = state.ledger.rules().await;
    let (from, to) = bulletin_days(&q, &register)?;
    let response = match format {
        "text" => text(
            "text/plain; charset=utf-8",
            register
                .bulletin(&state.mechanism(), from, to, edition)
                .to_text(),
        ),
        "csv" => text(
            "text/csv; charset=utf-8",
            acled_csv(&register, from, to, edition),
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
pub struct MapQuery {
    /// First day, included.
    pub from: Option<String>,
    /// Last day, included.
    pub to: Option<String>,
    /// `public` (default) or `internal` (needs a token; adds places and positions).
    pub edition: Option<String>,
    /// `true` to group nearby incidents into grid cells (for maps with many
    /// incidents): a cell with several incidents becomes one point with
    /// `cluster: true`, `count`, `findings` (count per finding), `from`,
    /// `to` and `bounds`; a cell with one incident shows the incident.
    pub cluster: Option<String>,
    /// The map's zoom level (0 to 20) the cells are sized for: a cell spans
    /// about 64 pixels of a 256-pixel Web Mercator tile. Default 7. From
    /// zoom 16 on, every incident stands alone.
    pub zoom: Option<String>,
    /// Only incidents in this box: `west,south,east,north` in degrees. The
    /// box is widened to whole cells, so counts do not change as a map pans.
    pub bbox: Option<String>,
    /// Violation type of any of the incident's reports, e.g. `shelling`.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub violation_type: Option<String>,
    /// A formation id, as perpetrator or target of any of its reports.
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
        (status = 200, description = "application/geo+json FeatureCollection", body = Object),
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
    let index = map_index(&state).await;
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

/// The map index of one state of the Record, named by its size and root
/// hash: the register is a pure function of the Record, so the pair names
/// the register exactly.
struct CachedMapIndex {
    size: u64,
    root: Option<truce_record::Hash>,
    index: Arc<MapIndex>,
}

/// The last few map indexes built. Building one computes every finding
/// (seconds with 100,000 incidents); each view then takes milliseconds.
/// Kept here rather than in `AppState` so that the map needs nothing from
/// the rest of the node; several entries, so that nodes in one process (as
/// in tests) do not evict each other's.
static MAP_INDEXES: Mutex<Vec<CachedMapIndex>> = Mutex::new(Vec::new());
const MAP_INDEXES_KEPT: usize = 4;

/// The map index of the register as it is now, built if the Record grew.
async fn map_index(state: &AppState) -> Arc<MapIndex> {
    let register = state.ledger.rules().await;
    // Read while the rules are held: appends wait for them, so the size
    // and the root are those of this very register.
    let size = state.ledger.size();
    let root = state.ledger.checkpoint().map(|c| c.root());
    let cached = |entries: &Vec<CachedMapIndex>| {
        entries
            .iter()
            .find(|e| e.size == size && e.root == root)
            .map(|e| e.index.clone())
    };
    if let Some(index) = cached(&MAP_INDEXES.lock().expect("map index lock")) {
        return index;
    }
    let index = Arc::new(MapIndex::new(&register));
    drop(register);
    let mut entries = MAP_INDEXES.lock().expect("map index lock");
    if entries.len() >= MAP_INDEXES_KEPT {
        entries.remove(0);
    }
    entries.push(CachedMapIndex {
        size,
        root,
        index: index.clone(),
    });
    index
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
