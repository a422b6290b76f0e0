//! Compliance with the criteria as of a date: each formation judged by
//! every criterion, with the findings and reports behind every failure.
//! Read from the whole register (reports, incidents, findings, formations).

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;
use truce_model::{AccessId, AccessKind, FormationId, FormationStatus, ReportId, ViolationType};

use crate::criteria::{Criteria, Test};
use crate::findings::FindingKind;
use crate::incidents::distance_km;
use crate::register::Register;
use crate::reports::Report;

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
    /// The restrictions of access behind it, for a criterion that counts them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access: Vec<AccessId>,
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

    /// Whether any of the reports cites one of the clauses in `acts`
    /// (`agreement/clause`, or the bare clause id) that prohibits an act.
    fn cites_any_act(&self, reports: &[ReportId], acts: &[String]) -> bool {
        reports
            .iter()
            .filter_map(|id| self.report(*id))
            .filter_map(|report| self.act_of(report))
            .any(|(clause, _)| {
                acts.iter().any(|act| {
                    clause == *act || clause.rsplit_once('/').is_some_and(|(_, bare)| bare == act)
                })
            })
    }

    /// Confirmed violations with events from `from` to `to`, by the
    /// formation they are attributed to.
    pub(crate) fn confirmed_violations(&self, from: Date, to: Date) -> ConfirmedByFormation {
        let mut by_formation: ConfirmedByFormation = BTreeMap::new();
        // Only incidents someone attributed can count against a formation.
        let ids: Vec<ReportId> = self
            .reports_between(from, to)
            .filter(|r| {
                r.fields.perpetrator.formation().is_some() || self.reports.is_assessed(r.id)
            })
            .map(|r| r.id)
            .collect();
        for incident in self.incidents_of(ids) {
            let finding = self.finding(&incident);
            if let FindingKind::ConfirmedViolation {
                attributed_to: Some(formation),
            } = finding.kind
            {
                let violation = self.reports.reports[&incident.id].fields.violation_type;
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
            let no_access = Vec::new;
            let outcome = match &criterion.test {
                Test::DeclaredAdherence => self
                    .adherence(formation, date)
                    .map(|(reason, evidence)| (reason, evidence, no_access())),
                Test::NoConfirmedViolations {
                    types,
                    acts,
                    days,
                    max,
                } => {
                    let citing: Vec<ConfirmedViolation>;
                    let counted = if acts.is_empty() {
                        confirmed.get(formation)
                    } else {
                        citing = confirmed
                            .get(formation)
                            .into_iter()
                            .flatten()
                            .filter(|(_, _, reports)| self.cites_any_act(reports, acts))
                            .cloned()
                            .collect();
                        Some(&citing)
                    };
                    violations(counted, types, *days, *max, date)
                        .map(|(reason, evidence)| (reason, evidence, no_access()))
                }
                Test::NoCoLocationWithExcluded { km, days } => self
                    .co_location(formation, *km, *days, date, &positions[days])
                    .map(|(reason, evidence)| (reason, evidence, no_access())),
                Test::NoAccessDenials { kinds, days, max } => self
                    .access_denials(formation, kinds, *days, *max, date)
                    .map(|(reason, access)| (reason, Vec::new(), access)),
            };
            if let Some((reason, evidence, access)) = outcome {
                failed.insert(&criterion.id);
                failures.push(Failure {
                    criterion: criterion.id.clone(),
                    reason,
                    evidence,
                    access,
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

    /// More than `max` restrictions of access of `kinds` by the formation
    /// that began in the `days` days to `date` (the mechanism's days).
    fn access_denials(
        &self,
        formation: &FormationId,
        kinds: &[AccessKind],
        days: i64,
        max: usize,
        date: Date,
    ) -> Option<(String, Vec<AccessId>)> {
        let from = date.checked_sub(days.days()).unwrap_or(Date::MIN);
        let (start, _) = crate::coverage::day_bounds(&self.config, from);
        let (_, end) = crate::coverage::day_bounds(&self.config, date);
        let counted: Vec<AccessId> = self
            .access
            .by_formation(formation, kinds, start, end)
            .map(|r| r.id)
            .collect();
        (counted.len() > max).then(|| {
            (
                format!(
                    "{} restrictions of the monitors' access by it in the {days} days to {date} (at most {max} allowed)",
                    counted.len()
                ),
                counted,
            )
        })
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
