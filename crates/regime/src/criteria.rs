//! The criteria of the ceasefire regime: a small declarative file that
//! says what a formation must meet to stay in the regime, and the
//! compliance of each formation as of a date, with the findings and
//! reports behind every failed criterion.
//!
//! ```toml
//! [[criterion]]
//! id = "adherence"
//! kind = "declared_adherence"
//!
//! [[criterion]]
//! id = "no-shelling"
//! kind = "no_confirmed_violations"
//! types = ["shelling", "air_strike"]   # all types when left out
//! days = 30
//! max = 0
//! requires = ["adherence"]             # judged only where these pass
//!
//! [[criterion]]
//! id = "apart-from-excluded"
//! kind = "no_co_location_with_excluded"
//! km = 5.0
//! days = 30
//! ```

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::ToSpan;
use serde::{Deserialize, Serialize};
use truce_model::{FormationId, FormationStatus, ReportId, ViolationType};

use crate::findings::FindingKind;
use crate::incidents::distance_km;
use crate::register::{Register, Report};
use crate::RegimeError;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Test {
    /// The formation's status on the date is "joined".
    DeclaredAdherence,
    /// At most `max` confirmed violations attributed to it in the last `days`.
    NoConfirmedViolations {
        types: Vec<ViolationType>,
        days: i64,
        max: usize,
    },
    /// None of its reported positions within `km` of an excluded formation's
    /// in the last `days`.
    NoCoLocationWithExcluded { km: f64, days: i64 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion {
    pub id: String,
    pub requires: Vec<String>,
    pub test: Test,
}

/// A criterion as written; which fields apply depends on its kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenCriterion {
    id: String,
    kind: String,
    #[serde(default)]
    requires: Vec<String>,
    types: Option<Vec<ViolationType>>,
    days: Option<i64>,
    max: Option<usize>,
    km: Option<f64>,
}

impl WrittenCriterion {
    fn into_criterion(self) -> Result<Criterion, RegimeError> {
        let field = |name: &str| format!("criterion {}.{name}", self.id);
        let needs = |value: Option<i64>, name: &str| {
            value.ok_or_else(|| bad(field(name), "is required for this kind"))
        };
        let unused = |present: bool, name: &str| {
            if present {
                Err(bad(
                    field(name),
                    format!("does not apply to kind {:?}", self.kind),
                ))
            } else {
                Ok(())
            }
        };
        let test = match self.kind.as_str() {
            "declared_adherence" => {
                unused(self.types.is_some(), "types")?;
                unused(self.days.is_some(), "days")?;
                unused(self.max.is_some(), "max")?;
                unused(self.km.is_some(), "km")?;
                Test::DeclaredAdherence
            }
            "no_confirmed_violations" => {
                unused(self.km.is_some(), "km")?;
                Test::NoConfirmedViolations {
                    types: self.types.clone().unwrap_or_default(),
                    days: needs(self.days, "days")?,
                    max: self.max.unwrap_or(0),
                }
            }
            "no_co_location_with_excluded" => {
                unused(self.types.is_some(), "types")?;
                unused(self.max.is_some(), "max")?;
                Test::NoCoLocationWithExcluded {
                    km: self.km.ok_or_else(|| bad(field("km"), "is required for this kind"))?,
                    days: needs(self.days, "days")?,
                }
            }
            other => {
                return Err(bad(
                    field("kind"),
                    format!(
                        "unknown kind {other:?}; one of declared_adherence, no_confirmed_violations, no_co_location_with_excluded"
                    ),
                ))
            }
        };
        Ok(Criterion {
            id: self.id,
            requires: self.requires,
            test,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriteriaFile {
    criterion: Vec<WrittenCriterion>,
}

/// Checked criteria, in an order where every criterion follows those it requires.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criteria {
    pub criteria: Vec<Criterion>,
}

fn bad(field: String, reason: impl Into<String>) -> RegimeError {
    RegimeError::Config {
        field,
        reason: reason.into(),
    }
}

impl Criteria {
    /// Parses and checks a criteria file; errors name the line (from the
    /// TOML reader) or the criterion and field.
    pub fn from_toml(text: &str) -> Result<Self, RegimeError> {
        let file: CriteriaFile =
            toml::from_str(text).map_err(|e| bad("criteria file".into(), e.to_string()))?;
        let written: Vec<Criterion> = file
            .criterion
            .into_iter()
            .map(WrittenCriterion::into_criterion)
            .collect::<Result<_, _>>()?;
        let mut seen = BTreeSet::new();
        for criterion in &written {
            let valid_id = !criterion.id.is_empty()
                && criterion
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid_id {
                return Err(bad(
                    format!("criterion {:?}.id", criterion.id),
                    "use lower-case letters, digits and '-'",
                ));
            }
            if !seen.insert(criterion.id.as_str()) {
                return Err(bad(
                    format!("criterion {}.id", criterion.id),
                    "is used twice",
                ));
            }
            check_thresholds(criterion)?;
        }
        for criterion in &written {
            for required in &criterion.requires {
                if !seen.contains(required.as_str()) {
                    return Err(bad(
                        format!("criterion {}.requires", criterion.id),
                        format!("no criterion {required:?}"),
                    ));
                }
            }
        }
        Ok(Self {
            criteria: order_by_requirements(written)?,
        })
    }
}

fn check_thresholds(criterion: &Criterion) -> Result<(), RegimeError> {
    let field = |name: &str| format!("criterion {}.{name}", criterion.id);
    let days_ok = |days: i64| (1..=3650).contains(&days);
    match &criterion.test {
        Test::DeclaredAdherence => Ok(()),
        Test::NoConfirmedViolations { days, .. } if !days_ok(*days) => {
            Err(bad(field("days"), "must be 1 to 3650"))
        }
        Test::NoConfirmedViolations { .. } => Ok(()),
        Test::NoCoLocationWithExcluded { days, .. } if !days_ok(*days) => {
            Err(bad(field("days"), "must be 1 to 3650"))
        }
        Test::NoCoLocationWithExcluded { km, .. }
            if !(km.is_finite() && *km > 0.0 && *km <= 100.0) =>
        {
            Err(bad(field("km"), "must be above 0 and at most 100"))
        }
        Test::NoCoLocationWithExcluded { .. } => Ok(()),
    }
}

/// Orders criteria so that each follows what it requires; refuses cycles.
fn order_by_requirements(criteria: Vec<Criterion>) -> Result<Vec<Criterion>, RegimeError> {
    let mut remaining = criteria;
    let mut ordered: Vec<Criterion> = Vec::new();
    while !remaining.is_empty() {
        let placed: BTreeSet<String> = ordered.iter().map(|c| c.id.clone()).collect();
        let (ready, waiting): (Vec<_>, Vec<_>) = remaining
            .into_iter()
            .partition(|c| c.requires.iter().all(|r| placed.contains(r)));
        if ready.is_empty() {
            let ids: Vec<_> = waiting.iter().map(|c| c.id.as_str()).collect();
            return Err(bad(
                "criteria".into(),
                format!("requirements form a cycle among {}", ids.join(", ")),
            ));
        }
        ordered.extend(ready);
        remaining = waiting;
    }
    Ok(ordered)
}

/// A confirmed violation: the incident's date, its type, its reports.
pub(crate) type ConfirmedViolation = (Date, ViolationType, Vec<ReportId>);
pub(crate) type ConfirmedByFormation = BTreeMap<FormationId, Vec<ConfirmedViolation>>;
/// Reports naming each formation as perpetrator, per window length in days.
type PositionsByWindow<'a> = BTreeMap<i64, BTreeMap<&'a FormationId, Vec<&'a Report>>>;

/// One failed criterion and what it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    pub criterion: String,
    pub reason: String,
    /// The reports (and, for violations, the incidents they belong to) behind it.
    pub evidence: Vec<ReportId>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Compliance {
    pub formation: FormationId,
    pub date: Date,
    pub complies: bool,
    pub failures: Vec<Failure>,
    /// Criteria not judged because one they require failed.
    pub not_judged: Vec<String>,
}

impl Register {
    /// Every registered formation's compliance with `criteria` on `date`.
    pub fn compliance(&self, criteria: &Criteria, date: Date) -> Vec<Compliance> {
        let confirmed = self.confirmed_by_formation(criteria, date);
        let positions = self.positions_in_windows(criteria, date);
        self.formations()
            .map(|f| self.formation_compliance(criteria, &f.id, date, &confirmed, &positions))
            .collect()
    }

    /// For each co-location window, the reports naming a formation as
    /// perpetrator, by formation: gathered once for all formations.
    fn positions_in_windows(&self, criteria: &Criteria, date: Date) -> PositionsByWindow<'_> {
        let mut windows: PositionsByWindow<'_> = BTreeMap::new();
        for criterion in &criteria.criteria {
            let Test::NoCoLocationWithExcluded { days, .. } = criterion.test else {
                continue;
            };
            windows.entry(days).or_insert_with(|| {
                let from = date.checked_sub(days.days()).unwrap_or(Date::MIN);
                let mut by_formation: BTreeMap<&FormationId, Vec<&Report>> = BTreeMap::new();
                for report in self.reports_between(from, date) {
                    if let Some(formation) = report.fields.perpetrator.formation() {
                        by_formation.entry(formation).or_default().push(report);
                    }
                }
                by_formation
            });
        }
        windows
    }

    /// Confirmed violations in the longest window any criterion looks at,
    /// by the formation they are attributed to: (incident date, type, reports).
    fn confirmed_by_formation(&self, criteria: &Criteria, date: Date) -> ConfirmedByFormation {
        let longest = criteria
            .criteria
            .iter()
            .filter_map(|c| match c.test {
                Test::NoConfirmedViolations { days, .. } => Some(days),
                _ => None,
            })
            .max();
        match longest {
            Some(days) => {
                self.confirmed_violations(date.checked_sub(days.days()).unwrap_or(Date::MIN), date)
            }
            None => BTreeMap::new(),
        }
    }

    /// Confirmed violations with events from `from` to `to`, by the
    /// formation they are attributed to.
    pub(crate) fn confirmed_violations(&self, from: Date, to: Date) -> ConfirmedByFormation {
        let mut by_formation: ConfirmedByFormation = BTreeMap::new();
        // Only incidents someone attributed can count against a formation.
        let ids: Vec<ReportId> = self
            .reports_between(from, to)
            .filter(|r| {
                r.fields.perpetrator.formation().is_some()
                    || self.assessments_by_report.contains_key(&r.id)
            })
            .map(|r| r.id)
            .collect();
        for incident in self.incidents_of(ids) {
            let finding = self.finding(&incident);
            if let FindingKind::ConfirmedViolation {
                attributed_to: Some(formation),
            } = finding.kind
            {
                let violation = self.reports[&incident.id].fields.violation_type;
                by_formation.entry(formation).or_default().push((
                    finding.date,
                    violation,
                    incident.reports,
                ));
            }
        }
        by_formation
    }

    fn formation_compliance(
        &self,
        criteria: &Criteria,
        formation: &FormationId,
        date: Date,
        confirmed: &ConfirmedByFormation,
        positions: &PositionsByWindow<'_>,
    ) -> Compliance {
        let mut failed: BTreeSet<&str> = BTreeSet::new();
        let mut failures = Vec::new();
        let mut not_judged = Vec::new();
        for criterion in &criteria.criteria {
            if criterion
                .requires
                .iter()
                .any(|r| failed.contains(r.as_str()))
            {
                not_judged.push(criterion.id.clone());
                failed.insert(&criterion.id);
                continue;
            }
            let outcome = match &criterion.test {
                Test::DeclaredAdherence => self.adherence(formation, date),
                Test::NoConfirmedViolations { types, days, max } => {
                    violations(confirmed.get(formation), types, *days, *max, date)
                }
                Test::NoCoLocationWithExcluded { km, days } => {
                    self.co_location(formation, *km, *days, date, &positions[days])
                }
            };
            if let Some((reason, evidence)) = outcome {
                failed.insert(&criterion.id);
                failures.push(Failure {
                    criterion: criterion.id.clone(),
                    reason,
                    evidence,
                });
            }
        }
        Compliance {
            formation: formation.clone(),
            date,
            complies: failures.is_empty() && not_judged.is_empty(),
            failures,
            not_judged,
        }
    }

    fn adherence(&self, formation: &FormationId, date: Date) -> Option<(String, Vec<ReportId>)> {
        let status = self.formation(formation)?.status_on(date);
        match status {
            Some(period) if period.status == FormationStatus::Joined => None,
            Some(period) => Some((
                format!(
                    "{} since {} ({})",
                    period.status.as_str(),
                    period.valid_from,
                    period.reference
                ),
                Vec::new(),
            )),
            None => Some((
                "has not declared adherence to the ceasefire".into(),
                Vec::new(),
            )),
        }
    }

    /// Its reported positions (as perpetrator) near an excluded formation's
    /// reported positions in the same window.
    fn co_location(
        &self,
        formation: &FormationId,
        km: f64,
        days: i64,
        date: Date,
        positions: &BTreeMap<&FormationId, Vec<&Report>>,
    ) -> Option<(String, Vec<ReportId>)> {
        let own = positions.get(formation)?;
        let excluded = self.formations_with_status(date, FormationStatus::Excluded);
        let mut evidence = Vec::new();
        for theirs in excluded.iter().filter_map(|f| positions.get(f)) {
            for a in own {
                for b in theirs {
                    let apart = distance_km(
                        (a.fields.location.lat, a.fields.location.lon),
                        (b.fields.location.lat, b.fields.location.lon),
                    );
                    if apart <= km {
                        evidence.extend([a.id, b.id]);
                    }
                }
            }
        }
        evidence.sort();
        evidence.dedup();
        (!evidence.is_empty()).then(|| {
            (
                format!(
                    "reported within {km} km of an excluded formation in the {days} days to {date}"
                ),
                evidence,
            )
        })
    }
}

fn violations(
    confirmed: Option<&Vec<ConfirmedViolation>>,
    types: &[ViolationType],
    days: i64,
    max: usize,
    date: Date,
) -> Option<(String, Vec<ReportId>)> {
    let from = date.checked_sub(days.days()).unwrap_or(Date::MIN);
    let counted: Vec<&ConfirmedViolation> = confirmed
        .into_iter()
        .flatten()
        .filter(|(day, kind, _)| {
            (from..=date).contains(day) && (types.is_empty() || types.contains(kind))
        })
        .collect();
    (counted.len() > max).then(|| {
        let evidence = counted.iter().flat_map(|(_, _, reports)| reports.iter().copied()).collect();
        (
            format!(
                "{} confirmed violations attributed to it in the {days} days to {date} (at most {max} allowed)",
                counted.len()
            ),
            evidence,
        )
    })
}
