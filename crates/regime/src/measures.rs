//! The graduated measures engine: which step of the ladder each formation
//! has reached, and the next measure to propose when its confirmed
//! violations cross a threshold or it did not comply with the last one by
//! its date. The engine only suggests; a guarantor signs the proposal, and
//! the decision mechanism adopts or rejects it.

use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;
use truce_model::{CaseId, ComplianceOutcome, FormationId, ReportId, Severity};

use crate::decisions::{Decision, DecisionStatus};
use crate::register::Register;
use crate::LadderStep;

/// A measure the engine suggests proposing.
#[derive(Debug, Clone, Serialize)]
pub struct Suggestion {
    pub formation: FormationId,
    pub step: LadderStep,
    pub comply_by: Date,
    pub reason: String,
    /// The confirmed violations behind it (their reports).
    pub evidence: Vec<ReportId>,
    /// The verification cases behind it that found a minor or serious
    /// violation by the formation in the step's window.
    pub cases: Vec<CaseId>,
}

impl Register {
    /// Measures proposed for `formation`, in Record order.
    pub fn measures_of<'a>(
        &'a self,
        formation: &'a FormationId,
    ) -> impl Iterator<Item = &'a Decision> {
        self.decisions().filter(move |d| {
            d.measure
                .as_ref()
                .is_some_and(|m| &m.formation == formation)
        })
    }

    /// Cases closed from `from` to `to` (by the day of their finding)
    /// that hold `formation` responsible for a violation of `severity`.
    fn cases_finding(
        &self,
        formation: &FormationId,
        severity: Severity,
        from: Date,
        to: Date,
    ) -> Vec<CaseId> {
        self.cases
            .iter()
            .filter(|case| {
                case.closed.as_ref().is_some_and(|closed| {
                    closed.severity == severity
                        && closed.responsible.as_ref() == Some(formation)
                        && (from..=to).contains(&self.config.day_of(closed.time))
                })
            })
            .map(|case| case.id)
            .collect()
    }

    /// Whether any of the reports cites a clause that prohibits an act.
    fn names_an_act(&self, reports: &[ReportId]) -> bool {
        reports
            .iter()
            .filter_map(|id| self.report(*id))
            .any(|report| self.act_of(report).is_some())
    }

    fn step_index(&self, step: &str) -> Option<usize> {
        self.config.ladder.iter().position(|s| s.id == step)
    }

    /// The next measure for each formation as of `date`, where one is due
    /// and none is already being voted on.
    pub fn suggested_measures(&self, date: Date) -> Vec<Suggestion> {
        let widest = self
            .config
            .ladder
            .iter()
            .map(|s| s.days)
            .max()
            .unwrap_or(30);
        let from = date.checked_sub(widest.days()).unwrap_or(Date::MIN);
        let confirmed = self.confirmed_violations(from, date);
        let now = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map(|z| z.timestamp())
            .unwrap_or_default();
        let mut suggestions = Vec::new();
        for formation in self.formations() {
            // An excluded formation is outside the regime: measures are for those inside it.
            if formation
                .status_on(date)
                .is_some_and(|p| p.status == truce_model::FormationStatus::Excluded)
            {
                continue;
            }
            let history: Vec<&Decision> = self.measures_of(&formation.id).collect();
            if history
                .iter()
                .any(|d| d.status_at(now) == DecisionStatus::Open)
            {
                continue;
            }
            let adopted: Vec<&&Decision> = history
                .iter()
                .filter(|d| matches!(d.status_at(now), DecisionStatus::Adopted { .. }))
                .collect();
            let reached = adopted
                .iter()
                .filter_map(|d| self.step_index(&d.measure.as_ref()?.step))
                .max();
            let next = reached.map_or(0, |i| i + 1);
            let Some(step) = self.config.ladder.get(next) else {
                continue;
            };
            let window_from = date.checked_sub(step.days.days()).unwrap_or(Date::MIN);
            let evidence: Vec<ReportId> = confirmed
                .get(&formation.id)
                .into_iter()
                .flatten()
                .filter(|(day, _, _)| (window_from..=date).contains(day))
                .flat_map(|(_, _, reports)| reports.iter().copied())
                .collect();
            let count = confirmed.get(&formation.id).map_or(0, |v| {
                v.iter()
                    .filter(|(day, _, _)| (window_from..=date).contains(day))
                    .count()
            });
            let acts = confirmed.get(&formation.id).map_or(0, |v| {
                v.iter()
                    .filter(|(day, _, _)| (window_from..=date).contains(day))
                    .filter(|(_, _, reports)| self.names_an_act(reports))
                    .count()
            });
            let overdue = adopted.last().and_then(|last| {
                let measure = last.measure.as_ref()?;
                let complied = last
                    .compliance
                    .last()
                    .is_some_and(|c| c.outcome == ComplianceOutcome::Complied);
                (date > measure.comply_by && !complied)
                    .then(|| format!("{} was not complied with by {}", last.id, measure.comply_by))
            });
            let serious =
                self.cases_finding(&formation.id, Severity::SeriousViolation, window_from, date);
            let minor =
                self.cases_finding(&formation.id, Severity::MinorViolation, window_from, date);
            let reached = |found: usize, threshold: Option<usize>| {
                threshold.is_some_and(|t| t > 0 && found >= t)
            };
            let window = format!("in the {} days to {date}", step.days);
            // Every threshold reached is named, so the proposal says all it rests on.
            let mut reached_by = Vec::new();
            if count >= step.confirmed_violations && step.confirmed_violations > 0 {
                reached_by.push(format!(
                    "{count} confirmed violations attributed to it {window} (threshold {})",
                    step.confirmed_violations
                ));
            }
            if reached(acts, step.prohibited_acts) {
                reached_by.push(format!(
                    "{acts} confirmed violations of prohibited acts {window} (threshold {})",
                    step.prohibited_acts.unwrap_or_default()
                ));
            }
            if reached(serious.len(), step.serious_violations) {
                reached_by.push(format!(
                    "{} serious violations found by verification cases {window} (threshold {})",
                    serious.len(),
                    step.serious_violations.unwrap_or_default()
                ));
            }
            if reached(minor.len(), step.minor_violations) {
                reached_by.push(format!(
                    "{} minor violations found by verification cases {window} (threshold {})",
                    minor.len(),
                    step.minor_violations.unwrap_or_default()
                ));
            }
            let reason = match overdue {
                Some(reason) => reason,
                None if reached_by.is_empty() => continue,
                None => reached_by.join("; "),
            };
            suggestions.push(Suggestion {
                formation: formation.id.clone(),
                comply_by: date
                    .checked_add(step.comply_within_days.days())
                    .unwrap_or(date),
                step: step.clone(),
                reason,
                evidence,
                cases: serious.into_iter().chain(minor).collect(),
            });
        }
        suggestions
    }
}
