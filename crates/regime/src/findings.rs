//! Findings: what the guarantors jointly hold about an incident, under the
//! configured rule. A strike on a formation excluded from the ceasefire on
//! that date is not a violation, whatever the positions.
//!
//! A finding is judged from the reports part (what judging reads of each
//! report, assessments) and the formations part (who was excluded when),
//! under the Record's rule.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Serialize;
use truce_model::{
    FindingRule, FormationId, FormationStatus, Party, Position, ReportId, ViolationType,
};

use crate::formations::Formations;
use crate::incidents::Incident;
use crate::report_facts::Facts;
use crate::reports::Reports;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "finding")]
pub enum FindingKind {
    ConfirmedViolation {
        attributed_to: Option<FormationId>,
    },
    NotAViolation {
        /// The excluded formation that was hit, when that is the reason.
        excluded_target: Option<FormationId>,
        reason: String,
    },
    Unconfirmed,
}

impl FindingKind {
    pub fn label(&self) -> &'static str {
        match self {
            FindingKind::ConfirmedViolation { .. } => "confirmed violation",
            FindingKind::NotAViolation { .. } => "not a violation",
            FindingKind::Unconfirmed => "unconfirmed",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub incident: ReportId,
    pub reports: Vec<ReportId>,
    pub date: Date,
    pub governorate: String,
    /// The type of violation its first report names.
    #[serde(skip)]
    pub violation_type: ViolationType,
    pub kind: FindingKind,
    /// Each guarantor's position; a filing guarantor that said nothing more
    /// stands by its own report.
    pub positions: BTreeMap<String, Position>,
    /// Guarantors whose position differs from the finding.
    pub dissent: Vec<String>,
    pub rule: String,
}

/// What judges an incident: the parts a finding rests on and the rule.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Judge<'a> {
    pub reports: &'a Reports,
    pub formations: &'a Formations,
    pub rule: FindingRule,
    /// How many guarantor parties there are.
    pub guarantors: usize,
}

impl Judge<'_> {
    pub(crate) fn finding(&self, incident: &Incident) -> Finding {
        // Looked up once: with a million reports each lookup is a cache miss.
        let reports: Vec<Facts> = incident
            .reports
            .iter()
            .map(|id| {
                self.reports
                    .reports
                    .facts(*id)
                    .expect("a report the register names")
            })
            .collect();
        let first = &reports[0];
        let positions = self.positions(incident, &reports);
        let kind = self.decide(incident, &reports, &positions);
        let agreeing = |p: &Position| match &kind {
            FindingKind::ConfirmedViolation { .. } => *p == Position::Confirmed,
            FindingKind::NotAViolation { .. } => *p == Position::NotAViolation,
            FindingKind::Unconfirmed => *p != Position::Confirmed,
        };
        let dissent = positions
            .iter()
            .filter(|(_, p)| !agreeing(p))
            .map(|(party, _)| party.clone())
            .collect();
        Finding {
            incident: incident.id,
            reports: incident.reports.clone(),
            date: first.date,
            governorate: first.governorate.to_string(),
            violation_type: first.violation_type,
            kind,
            positions,
            dissent,
            rule: self.rule.describe(self.guarantors),
        }
    }

    fn positions(&self, incident: &Incident, reports: &[Facts]) -> BTreeMap<String, Position> {
        let mut positions = BTreeMap::new();
        for report in reports {
            // Most of an incident's reports are from parties already met.
            if !positions.contains_key(report.party.as_str()) {
                positions.insert(report.party.to_string(), Position::Confirmed);
            }
        }
        for entry in self.reports.assessments_of(&incident.reports) {
            positions.insert(entry.party.to_string(), entry.assessment.position);
        }
        positions
    }

    fn decide(
        &self,
        incident: &Incident,
        reports: &[Facts],
        positions: &BTreeMap<String, Position>,
    ) -> FindingKind {
        if let Some((target, reason)) = self.excluded_target(reports) {
            return FindingKind::NotAViolation {
                excluded_target: Some(target),
                reason,
            };
        }
        let rule = self.rule;
        let guarantors = self.guarantors;
        let count = |wanted: Position| positions.values().filter(|p| **p == wanted).count();
        if rule.holds(count(Position::NotAViolation), guarantors) {
            return FindingKind::NotAViolation {
                excluded_target: None,
                reason: "the guarantors found the target was not protected by the ceasefire".into(),
            };
        }
        if rule.holds(count(Position::Confirmed), guarantors) {
            return FindingKind::ConfirmedViolation {
                attributed_to: self.attribution(incident, reports),
            };
        }
        FindingKind::Unconfirmed
    }

    /// The formation hit, if any report's target was excluded on the event's date.
    fn excluded_target(&self, reports: &[Facts]) -> Option<(FormationId, String)> {
        reports.iter().find_map(|report| {
            let target = report.target?;
            let period = self.formations.get(target)?.status_on(report.date)?;
            (period.status == FormationStatus::Excluded).then(|| {
                let reason = format!(
                    "the target, {target}, was excluded from the ceasefire from {} ({})",
                    period.valid_from, period.reference
                );
                (target.clone(), reason)
            })
        })
    }

    /// The formation most confirming guarantors name; failing that, the
    /// perpetrator every report names.
    fn attribution(&self, incident: &Incident, reports: &[Facts]) -> Option<FormationId> {
        let mut latest: BTreeMap<&Party, &FormationId> = BTreeMap::new();
        for entry in self.reports.assessments_of(&incident.reports) {
            let a = &entry.assessment;
            if a.position == Position::Confirmed {
                if let Some(f) = &a.attributed_to {
                    latest.insert(&entry.party, f);
                }
            }
        }
        let mut votes: BTreeMap<&FormationId, usize> = BTreeMap::new();
        for f in latest.values() {
            *votes.entry(f).or_default() += 1;
        }
        if let Some((f, _)) = votes
            .iter()
            .max_by_key(|(f, n)| (**n, std::cmp::Reverse(**f)))
        {
            return Some((*f).clone());
        }
        let named: Vec<_> = reports.iter().map(|r| r.perpetrator).collect();
        match named.first() {
            Some(Some(first)) if named.iter().all(|n| *n == Some(*first)) => Some((*first).clone()),
            _ => None,
        }
    }
}
