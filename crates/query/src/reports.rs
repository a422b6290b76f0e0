//! Reports, incidents with their findings, and formations.

use std::collections::BTreeMap;
use std::sync::Arc;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use truce_model::{FormationId, ReportId, ViolationType};
use truce_regime::{Edition, Finding, Register, Report};

use crate::{Audience, Page, Paging, QueryError};

/// The fields of a report the public does not see (the public ACLED export
/// leaves out the same).
const PRIVATE_REPORT_FIELDS: [&str; 4] = ["narrative", "sources", "evidence", "observation"];

/// Days from `from` to `to`, both included; open where not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayRange {
    from: Date,
    to: Date,
}

impl Default for DayRange {
    fn default() -> Self {
        DayRange {
            from: Date::MIN,
            to: Date::MAX,
        }
    }
}

impl DayRange {
    /// Whether the range leaves any day out.
    pub fn is_bounded(&self) -> bool {
        self.from != Date::MIN || self.to != Date::MAX
    }

    pub fn new(from: Option<Date>, to: Option<Date>) -> Result<Self, QueryError> {
        let from = from.unwrap_or(Date::MIN);
        let to = to.unwrap_or(Date::MAX);
        if from > to {
            return Err(QueryError::invalid(
                "from",
                format!("{from} is after to={to}"),
            ));
        }
        Ok(DayRange { from, to })
    }

    pub fn contains(&self, day: Date) -> bool {
        (self.from..=self.to).contains(&day)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportView {
    /// Position of the statement that filed it.
    pub id: u64,
    /// `R-` and the id.
    pub name: String,
    /// Member who filed it (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filed_by: Option<String>,
    /// Guarantor party that filed it (for the public too where the
    /// mechanism's public views tell the filing party, as by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
    /// narrative, sources, evidence, observation and the place's name, its
    /// coordinates rounded to `PUBLIC_COORDINATE_DECIMALS` places.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: Value,
    /// Zones in force on the report's day that hold its place, or lines it
    /// lies near: "inside <zone>", "<n> m from <line>" ("near <line>" for
    /// the public).
    pub zones: Vec<String>,
}

fn report_view(
    register: &Register,
    report: &Report,
    finding: Option<&Finding>,
    audience: Audience,
) -> ReportView {
    let full = audience.is_member();
    let mut fields = serde_json::to_value(&report.fields).unwrap_or(Value::Null);
    if !full {
        if let Value::Object(map) = &mut fields {
            for name in PRIVATE_REPORT_FIELDS {
                map.remove(name);
            }
            // What the public CSV and map publish of the place: rounded
            // coordinates, no name.
            if let Some(Value::Object(location)) = map.get_mut("location") {
                location.remove("place");
                let at = &report.fields.location;
                location.insert(
                    "lat".into(),
                    json!(register.published_coordinate(at.lat, Edition::Public)),
                );
                location.insert(
                    "lon".into(),
                    json!(register.published_coordinate(at.lon, Edition::Public)),
                );
            }
        }
    }
    let edition = if full {
        Edition::Internal
    } else {
        Edition::Public
    };
    ReportView {
        id: report.id.0,
        name: report.id.to_string(),
        filed_by: full.then(|| report.filed_by.to_string()),
        // Who filed it is public where the Record's public views say so,
        // as in the public bulletin's counts and the CSV.
        party: register
            .tells_filing_party(edition)
            .then(|| report.party.to_string()),
        governorate: report.governorate.to_string(),
        governorate_name: register.governorate_name(report.governorate),
        incident: finding.map(|f| f.incident.0),
        finding: finding.map(|f| f.kind.label().to_string()),
        amendments: report.amendments.clone(),
        zones: register.zone_names_for(report, edition),
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

/// Which reports: all conditions given must hold.
#[derive(Debug, Clone, Default)]
pub struct ReportFilter {
    /// The day of the event.
    pub days: DayRange,
    /// Governorate ISO 3166-2 code, e.g. `SY-ID`.
    pub governorate: Option<String>,
    pub violation_type: Option<ViolationType>,
    /// As perpetrator or target.
    pub formation: Option<FormationId>,
    /// The filing guarantor party: members only.
    pub party: Option<String>,
    pub include_withdrawn: bool,
    /// Not a condition: the order the matching reports are listed in.
    pub order: SortOrder,
}

impl ReportFilter {
    fn matches(&self, report: &Report) -> bool {
        let fields = &report.fields;
        (self.include_withdrawn || report.is_active())
            && self.days.contains(report.date())
            && self
                .governorate
                .as_ref()
                .is_none_or(|g| report.governorate == g)
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

/// Reports in Record order. Who filed what is not public, nor is filtering
/// by it: the public asking by party is refused.
pub fn reports(
    register: &Register,
    filter: &ReportFilter,
    paging: Paging,
    audience: Audience,
) -> Result<Page<ReportView>, QueryError> {
    if filter.party.is_some()
        && !audience.is_member()
        && !register.tells_filing_party(Edition::Public)
    {
        return Err(QueryError::invalid(
            "party",
            "who filed a report is for members only",
        ));
    }
    let mut matching: Vec<&Report> = register.reports().filter(|r| filter.matches(r)).collect();
    // Record order is the stored order; by date, reports of one moment
    // keep their Record order (reversed with the rest for newest first).
    match filter.order {
        SortOrder::Record => {}
        SortOrder::Date => matching.sort_by_key(|r| (r.fields.occurred, r.id)),
        SortOrder::DateDescending => {
            matching.sort_by_key(|r| std::cmp::Reverse((r.fields.occurred, r.id)))
        }
    }
    // Findings only for the page shown: all of them is seconds on a large register.
    Ok(paging.page(matching, |r| {
        let finding = register.incident_of(r.id).map(|i| register.finding(&i));
        report_view(register, r, finding.as_ref(), audience)
    }))
}

/// One report, with its incident's finding.
pub fn report(
    register: &Register,
    id: ReportId,
    audience: Audience,
) -> Result<ReportView, QueryError> {
    let report = register
        .report(id)
        .ok_or_else(|| QueryError::NotFound(format!("no report {id}")))?;
    let finding = register.incident_of(id).map(|i| register.finding(&i));
    Ok(report_view(register, report, finding.as_ref(), audience))
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub finding: Value,
    /// Ids of the incident's reports.
    pub reports: Vec<u64>,
    /// The finding rule, e.g. "all 3 guarantors".
    pub rule: String,
    /// Each guarantor party's position (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positions: Option<BTreeMap<String, String>>,
    /// Parties whose position differs from the finding (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissent: Option<Vec<String>>,
}

impl FindingView {
    /// The finding's name: `confirmed_violation`, `not_a_violation`, `unconfirmed`.
    pub fn finding_name(&self) -> &str {
        self.finding["finding"].as_str().unwrap_or_default()
    }
}

fn finding_view(register: &Register, finding: &Finding, audience: Audience) -> FindingView {
    let full = audience.is_member();
    FindingView {
        incident: finding.incident.0,
        date: finding.date.to_string(),
        governorate: finding.governorate.clone(),
        governorate_name: register.governorate_name(&finding.governorate),
        violation_type: finding.violation_type.as_str().to_string(),
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

/// The order a list of reports or incidents is given in: the Record's
/// (the default), or by the day of the event, oldest or newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortOrder {
    #[default]
    Record,
    Date,
    DateDescending,
}

impl SortOrder {
    pub const ALL: [SortOrder; 3] = [
        SortOrder::Record,
        SortOrder::Date,
        SortOrder::DateDescending,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Record => "record",
            SortOrder::Date => "date",
            SortOrder::DateDescending => "-date",
        }
    }
}

impl std::str::FromStr for SortOrder {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::one_of(&SortOrder::ALL, SortOrder::as_str, text)
    }
}

/// The three findings an incident can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingName {
    ConfirmedViolation,
    NotAViolation,
    Unconfirmed,
}

impl FindingName {
    pub const ALL: [FindingName; 3] = [
        FindingName::ConfirmedViolation,
        FindingName::NotAViolation,
        FindingName::Unconfirmed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FindingName::ConfirmedViolation => "confirmed_violation",
            FindingName::NotAViolation => "not_a_violation",
            FindingName::Unconfirmed => "unconfirmed",
        }
    }

    fn of(finding: &Finding) -> Self {
        match finding.kind {
            truce_regime::FindingKind::ConfirmedViolation { .. } => FindingName::ConfirmedViolation,
            truce_regime::FindingKind::NotAViolation { .. } => FindingName::NotAViolation,
            truce_regime::FindingKind::Unconfirmed => FindingName::Unconfirmed,
        }
    }
}

impl std::str::FromStr for FindingName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::one_of(&FindingName::ALL, FindingName::as_str, text)
    }
}

/// Which incidents: all conditions given must hold.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// The incident's day.
    pub days: DayRange,
    pub governorate: Option<String>,
    /// The type of any of its reports.
    pub violation_type: Option<ViolationType>,
    pub finding: Option<FindingName>,
    /// Not a condition: the order the matching incidents are listed in.
    pub order: SortOrder,
}

/// Findings, one per incident, in the order of their first reports; the
/// public sees no positions.
pub fn findings(
    register: &Register,
    filter: &FindingFilter,
    paging: Paging,
    audience: Audience,
) -> Page<FindingView> {
    let (from, to) = (filter.days.from, filter.days.to);
    let all: Arc<[Arc<Finding>]> = match (&filter.governorate, register.derived_findings()) {
        (_, Some(all)) => all,
        // Nobody derived every finding of this state (a command run once):
        // judge only the incidents with a report in the governorate or on
        // those days, which hold every incident the filter keeps below (an
        // incident's day is its first report's).
        (Some(governorate), None) => {
            findings_of(register, register.report_ids_in(governorate, from, to))
        }
        (None, None) if filter.days.is_bounded() => {
            findings_of(register, register.report_ids_between(from, to))
        }
        (None, None) => register.all_findings(),
    };
    let matching: Vec<&Finding> = all
        .iter()
        .map(|f| &**f)
        .filter(|f| filter.days.contains(f.date))
        .filter(|f| {
            filter
                .governorate
                .as_ref()
                .is_none_or(|g| &f.governorate == g)
        })
        .filter(|f| {
            filter.violation_type.is_none_or(|t| {
                f.reports
                    .iter()
                    .any(|id| register.violation_type_of(*id) == Some(t))
            })
        })
        .filter(|f| filter.finding.is_none_or(|name| FindingName::of(f) == name))
        .collect();
    let mut matching = matching;
    match filter.order {
        SortOrder::Record => {}
        SortOrder::Date => matching.sort_by_key(|f| (f.date, f.incident)),
        SortOrder::DateDescending => {
            matching.sort_by_key(|f| std::cmp::Reverse((f.date, f.incident)))
        }
    }
    paging.page_on_all_cores(matching, |f| finding_view(register, f, audience))
}

/// The findings of the incidents that hold any of `reports`.
fn findings_of(
    register: &Register,
    reports: impl Iterator<Item = ReportId>,
) -> Arc<[Arc<Finding>]> {
    register
        .findings_of(reports)
        .into_iter()
        .map(Arc::new)
        .collect()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AssessmentView {
    /// Position of the assessment statement.
    pub position: u64,
    pub member: String,
    pub party: String,
    /// The assessment as signed (`Assessment`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub assessment: Value,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IncidentView {
    #[serde(flatten)]
    pub summary: FindingView,
    /// The reports side by side, as filed.
    pub report_details: Vec<ReportView>,
    /// Every assessment of any of its reports, in Record order.
    pub assessments: Vec<AssessmentView>,
}

/// One incident, named by any of its reports: its reports side by side,
/// positions, dissent, assessments. For members.
pub fn incident(register: &Register, id: ReportId) -> Result<IncidentView, QueryError> {
    let incident = register
        .incident_of(id)
        .ok_or_else(|| QueryError::NotFound(format!("no active report {id}")))?;
    let finding = register.finding(&incident);
    let report_details = incident
        .reports
        .iter()
        .filter_map(|r| register.report(*r))
        .map(|r| report_view(register, r, Some(&finding), Audience::Members))
        .collect();
    let assessments = register
        .assessments_of(&incident.reports)
        .into_iter()
        .map(|a| AssessmentView {
            position: a.position,
            member: a.member.to_string(),
            party: a.party.to_string(),
            assessment: serde_json::to_value(&a.assessment).unwrap_or(Value::Null),
        })
        .collect();
    Ok(IncidentView {
        summary: finding_view(register, &finding, Audience::Members),
        report_details,
        assessments,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FormationView {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub side: Value,
    pub registered_at: u64,
    /// The day `status` is for.
    pub date: String,
    /// The status period that held on `date`, if any had begun.
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub status: Value,
    /// Every status period, in valid-time order.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Object>))]
    pub statuses: Value,
}

/// Formations and their status on `date` (by default the mechanism's
/// today, as its parameters in the Record say, at `now`).
pub fn formations(
    register: &Register,
    date: Option<Date>,
    now: jiff::Timestamp,
    paging: Paging,
) -> Page<FormationView> {
    let date = date.unwrap_or_else(|| register.config().day_of(now));
    let formations: Vec<_> = register.formations().collect();
    paging.page(formations, |f| FormationView {
        id: f.id.to_string(),
        name: f.name.clone(),
        aliases: f.aliases.clone(),
        side: serde_json::to_value(f.side).unwrap_or(Value::Null),
        registered_at: f.registered_at,
        date: date.to_string(),
        status: serde_json::to_value(f.status_on(date)).unwrap_or(Value::Null),
        statuses: serde_json::to_value(&f.statuses).unwrap_or(Value::Null),
    })
}
