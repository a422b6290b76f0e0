//! Verification cases: opened on an incident or a complaint, tasked to a
//! team or post, visited, and closed once the guarantor parties' positions
//! agree on one severity (and one responsible formation) under the
//! Record's finding rule. Each step has a deadline counted from the
//! opening, fixed by the parameters in force when the case was opened, so
//! a later change of parameters does not make old cases late.

use std::collections::BTreeMap;

use imbl::OrdMap;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use truce_model::{
    CaseDeadlines, CaseId, CaseOpened, CasePosition, CaseSubject, CaseTasked, CaseVisited,
    Evidence, FindingRule, FormationId, MemberName, Party, Severity, VisitPlace,
};
use truce_record::Rejection;

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Tasking {
    pub position: u64,
    pub member: MemberName,
    pub party: Party,
    pub team: String,
    pub instructions: String,
    pub time: Timestamp,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Visit {
    pub position: u64,
    pub member: MemberName,
    pub party: Party,
    pub visited_at: Timestamp,
    pub place: VisitPlace,
    pub team_members: Vec<String>,
    pub interviews: u32,
    pub evidence: Vec<Evidence>,
    pub summary: String,
    pub time: Timestamp,
}

/// A guarantor party's standing position on a case: its latest.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct PartyPosition {
    pub position: u64,
    pub member: MemberName,
    pub severity: Severity,
    pub responsible: Option<FormationId>,
    pub reason: String,
    pub time: Timestamp,
}

/// The finding a case closed with, and who endorsed it.
#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Closure {
    /// The position that made the rule hold.
    pub position: u64,
    pub time: Timestamp,
    pub severity: Severity,
    pub responsible: Option<FormationId>,
    pub endorsed_by: Vec<Party>,
    /// Parties whose position differs from the finding.
    pub dissent: Vec<Party>,
    pub rule: String,
}

/// When each step is due.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Deserialize)]
pub struct CaseDue {
    pub task_by: Timestamp,
    pub visit_by: Timestamp,
    pub finding_by: Timestamp,
}

impl CaseDue {
    fn from(opened: Timestamp, deadlines: CaseDeadlines) -> Self {
        let after = |days: u16| {
            opened
                .checked_add(SignedDuration::from_hours(i64::from(days) * 24))
                .unwrap_or(Timestamp::MAX)
        };
        Self {
            task_by: after(deadlines.task_within_days),
            visit_by: after(deadlines.visit_within_days),
            finding_by: after(deadlines.finding_within_days),
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Case {
    pub id: CaseId,
    pub opened_by: MemberName,
    pub party: Party,
    pub about: CaseSubject,
    pub question: String,
    pub opened: Timestamp,
    pub due: CaseDue,
    pub tasks: Vec<Tasking>,
    pub visits: Vec<Visit>,
    /// Each guarantor party's latest position, by party.
    pub positions: BTreeMap<Party, PartyPosition>,
    pub closed: Option<Closure>,
}

/// The step a case has reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStep {
    /// Waiting for a team to be tasked.
    Opened,
    /// Waiting for the visit.
    Tasked,
    /// Visited; waiting for the positions to agree.
    Visited,
    Closed,
}

impl CaseStep {
    pub const ALL: [CaseStep; 4] = [
        CaseStep::Opened,
        CaseStep::Tasked,
        CaseStep::Visited,
        CaseStep::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStep::Opened => "opened",
            CaseStep::Tasked => "tasked",
            CaseStep::Visited => "visited",
            CaseStep::Closed => "closed",
        }
    }
}

impl Case {
    pub fn step(&self) -> CaseStep {
        if self.closed.is_some() {
            CaseStep::Closed
        } else if !self.visits.is_empty() {
            CaseStep::Visited
        } else if !self.tasks.is_empty() {
            CaseStep::Tasked
        } else {
            CaseStep::Opened
        }
    }

    /// The step waited for and when it is due; none once closed.
    pub fn next_due(&self) -> Option<(CaseStep, Timestamp)> {
        match self.step() {
            CaseStep::Opened => Some((CaseStep::Tasked, self.due.task_by)),
            CaseStep::Tasked => Some((CaseStep::Visited, self.due.visit_by)),
            CaseStep::Visited => Some((CaseStep::Closed, self.due.finding_by)),
            CaseStep::Closed => None,
        }
    }

    /// Whether the step waited for is past its date at `now`.
    pub fn overdue_at(&self, now: Timestamp) -> bool {
        self.next_due().is_some_and(|(_, due)| now > due)
    }

    /// Whether the case was closed after its finding was due.
    pub fn closed_late(&self) -> bool {
        self.closed
            .as_ref()
            .is_some_and(|c| c.time > self.due.finding_by)
    }

    /// From opening to finding, once closed.
    pub fn time_to_finding(&self) -> Option<SignedDuration> {
        let closed = self.closed.as_ref()?;
        Some(closed.time.duration_since(self.opened))
    }

    /// The step reached as of `now`, for a case opened by then: the
    /// statements after `now` undone.
    pub fn step_at(&self, now: Timestamp) -> CaseStep {
        if self.closed.as_ref().is_some_and(|c| c.time <= now) {
            CaseStep::Closed
        } else if self.visits.iter().any(|v| v.time <= now) {
            CaseStep::Visited
        } else if self.tasks.iter().any(|t| t.time <= now) {
            CaseStep::Tasked
        } else {
            CaseStep::Opened
        }
    }
}

fn rule(field: &str, reason: impl Into<String>) -> Rejection {
    Rejection::Rule {
        field: field.into(),
        reason: reason.into(),
    }
}

/// Every case, by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CaseBook {
    cases: OrdMap<CaseId, Case>,
    /// The media type of every evidence file a visit names, by SHA-256.
    evidence: OrdMap<String, String>,
    /// The case still open on each subject: what a new opening is checked
    /// against without a pass over every case.
    open: OrdMap<CaseSubject, CaseId>,
}

impl CaseBook {
    pub fn get(&self, id: CaseId) -> Option<&Case> {
        self.cases.get(&id)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Case> {
        self.cases.values()
    }

    /// The media type a visit gave the evidence file with this SHA-256.
    pub fn evidence_media_type(&self, sha256: &str) -> Option<&str> {
        self.evidence.get(sha256).map(String::as_str)
    }

    /// The case still open on the same subject, if any.
    fn open_on(&self, about: &CaseSubject) -> Option<&Case> {
        self.open.get(about).and_then(|id| self.cases.get(id))
    }

    /// One open case per subject; whether the subject exists is the
    /// register's to say.
    pub fn check_opening(&self, opened: &CaseOpened) -> Result<(), Rejection> {
        if let Some(case) = self.open_on(&opened.about) {
            return Err(rule("about", format!("{} is open on it already", case.id)));
        }
        Ok(())
    }

    pub fn open(
        &mut self,
        position: u64,
        member: &MemberName,
        party: &Party,
        opened: &CaseOpened,
        time: Timestamp,
        deadlines: CaseDeadlines,
    ) {
        let id = CaseId(position);
        self.open.insert(opened.about.clone(), id);
        self.cases.insert(
            id,
            Case {
                id,
                opened_by: member.clone(),
                party: party.clone(),
                about: opened.about.clone(),
                question: opened.question.clone(),
                opened: time,
                due: CaseDue::from(time, deadlines),
                tasks: Vec::new(),
                visits: Vec::new(),
                positions: BTreeMap::new(),
                closed: None,
            },
        );
    }

    fn open_case(&self, id: CaseId) -> Result<&Case, Rejection> {
        let case = self
            .cases
            .get(&id)
            .ok_or_else(|| rule("case", format!("no case {id}")))?;
        if let Some(closed) = &case.closed {
            return Err(rule(
                "case",
                format!("{id} was closed at position {}", closed.position),
            ));
        }
        Ok(case)
    }

    pub fn check_tasking(&self, tasked: &CaseTasked) -> Result<(), Rejection> {
        self.open_case(tasked.case).map(|_| ())
    }

    pub fn task(
        &mut self,
        position: u64,
        member: &MemberName,
        party: &Party,
        tasked: &CaseTasked,
        time: Timestamp,
    ) {
        if let Some(case) = self.cases.get_mut(&tasked.case) {
            case.tasks.push(Tasking {
                position,
                member: member.clone(),
                party: party.clone(),
                team: tasked.team.clone(),
                instructions: tasked.instructions.clone(),
                time,
            });
        }
    }

    /// A visit follows a tasking and happened between the opening and the
    /// statement that reports it.
    pub fn check_visit(&self, visited: &CaseVisited, time: Timestamp) -> Result<(), Rejection> {
        let case = self.open_case(visited.case)?;
        if case.tasks.is_empty() {
            return Err(rule("case", format!("{} has no team tasked yet", case.id)));
        }
        if visited.visited_at > time {
            return Err(rule(
                "visited_at",
                format!("{} is after the statement ({time})", visited.visited_at),
            ));
        }
        if visited.visited_at < case.opened {
            return Err(rule(
                "visited_at",
                format!(
                    "{} is before {} was opened ({})",
                    visited.visited_at, case.id, case.opened
                ),
            ));
        }
        Ok(())
    }

    pub fn visit(
        &mut self,
        position: u64,
        member: &MemberName,
        party: &Party,
        visited: &CaseVisited,
        time: Timestamp,
    ) {
        for evidence in &visited.evidence {
            self.evidence
                .entry(evidence.sha256.clone())
                .or_insert_with(|| evidence.media_type.clone());
        }
        if let Some(case) = self.cases.get_mut(&visited.case) {
            case.visits.push(Visit {
                position,
                member: member.clone(),
                party: party.clone(),
                visited_at: visited.visited_at,
                place: visited.place.clone(),
                team_members: visited.team_members.clone(),
                interviews: visited.interviews,
                evidence: visited.evidence.clone(),
                summary: visited.summary.clone(),
                time,
            });
        }
    }

    /// Positions are taken on what the visit found: after one.
    pub fn check_position(&self, position: &CasePosition) -> Result<(), Rejection> {
        let case = self.open_case(position.case)?;
        if case.visits.is_empty() {
            return Err(rule(
                "case",
                format!("{} has no visit recorded yet", case.id),
            ));
        }
        Ok(())
    }

    /// Records the party's position and closes the case when `rule` holds
    /// for it among the `guarantors` parties.
    #[allow(clippy::too_many_arguments)]
    pub fn take_position(
        &mut self,
        position: u64,
        member: &MemberName,
        party: &Party,
        stated: &CasePosition,
        time: Timestamp,
        finding_rule: FindingRule,
        guarantors: usize,
    ) {
        let Some(case) = self.cases.get_mut(&stated.case) else {
            return;
        };
        case.positions.insert(
            party.clone(),
            PartyPosition {
                position,
                member: member.clone(),
                severity: stated.severity,
                responsible: stated.responsible.clone(),
                reason: stated.reason.clone(),
                time,
            },
        );
        let agrees = |p: &PartyPosition| {
            p.severity == stated.severity && p.responsible == stated.responsible
        };
        let (mut endorsed_by, mut dissent) = (Vec::new(), Vec::new());
        for (party, standing) in &case.positions {
            if agrees(standing) {
                endorsed_by.push(party.clone());
            } else {
                dissent.push(party.clone());
            }
        }
        if finding_rule.holds(endorsed_by.len(), guarantors) {
            self.open.remove(&case.about);
            case.closed = Some(Closure {
                position,
                time,
                severity: stated.severity,
                responsible: stated.responsible.clone(),
                endorsed_by,
                dissent,
                rule: finding_rule.describe(guarantors),
            });
        }
    }

    /// Cases opened, closed and standing in the period `[from, to)`.
    pub fn tally(&self, from: Timestamp, to: Timestamp) -> CaseTally {
        let mut tally = CaseTally::default();
        let mut durations = Vec::new();
        for case in self.cases.values().filter(|c| c.opened < to) {
            if case.opened >= from {
                tally.opened += 1;
            }
            match &case.closed {
                Some(closed) if closed.time < to => {
                    if closed.time >= from {
                        tally.closed += 1;
                        *tally
                            .by_severity
                            .entry(closed.severity.as_str().to_string())
                            .or_default() += 1;
                        durations.push(closed.time.duration_since(case.opened).as_secs_f64());
                    }
                }
                _ => {
                    tally.open += 1;
                    let last_instant = Timestamp::from_second(to.as_second() - 1).unwrap_or(to);
                    if case.overdue_at_step(case.step_at(last_instant), last_instant) {
                        tally.overdue += 1;
                    }
                }
            }
        }
        tally.median_days_to_finding = median(&mut durations).map(|s| s / 86_400.0);
        tally
    }
}

impl Case {
    fn overdue_at_step(&self, step: CaseStep, now: Timestamp) -> bool {
        let due = match step {
            CaseStep::Opened => self.due.task_by,
            CaseStep::Tasked => self.due.visit_by,
            CaseStep::Visited => self.due.finding_by,
            CaseStep::Closed => return false,
        };
        now > due
    }
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[middle - 1] + values[middle]) / 2.0
    } else {
        values[middle]
    })
}

/// Cases in a bulletin's period.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CaseTally {
    pub opened: usize,
    pub closed: usize,
    /// Open at the period's end (opened by then, not closed by then).
    pub open: usize,
    /// Of those open, how many were past the date of the step awaited.
    pub overdue: usize,
    /// Findings of the cases closed in the period, by severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Median days from opening to finding of the cases closed in the period.
    pub median_days_to_finding: Option<f64>,
}

impl CaseTally {
    pub fn is_empty(&self) -> bool {
        *self == CaseTally::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn party(name: &str) -> Party {
        Party::new(name).unwrap()
    }

    fn visited_case(book: &mut CaseBook, position: u64, opened: Timestamp) -> CaseId {
        let member = MemberName::new("ru-1").unwrap();
        let russia = party("Russian Federation");
        let opening = CaseOpened {
            about: CaseSubject::Incident(truce_model::ReportId(position - 1)),
            question: "Who fired?".into(),
        };
        book.open(
            position,
            &member,
            &russia,
            &opening,
            opened,
            CaseDeadlines::default(),
        );
        let id = CaseId(position);
        let tasking = CaseTasked {
            case: id,
            team: "Post 7".into(),
            instructions: "Go and look.".into(),
        };
        book.task(position + 1, &member, &russia, &tasking, opened);
        let visit = CaseVisited {
            case: id,
            visited_at: opened,
            place: VisitPlace {
                name: "Suran".into(),
                lat: 35.29,
                lon: 36.74,
            },
            team_members: vec!["lead".into()],
            interviews: 1,
            evidence: vec![],
            summary: "Seen.".into(),
        };
        book.visit(position + 2, &member, &russia, &visit, opened);
        id
    }

    #[test]
    fn two_of_three_close_a_case_and_the_third_is_dissent() {
        let mut book = CaseBook::default();
        let id = visited_case(&mut book, 10, at("2026-11-01T00:00:00Z"));
        let member = MemberName::new("x-1").unwrap();
        let stated = |severity| CasePosition {
            case: id,
            severity,
            responsible: None,
            reason: "as seen".into(),
        };
        let rule = FindingRule::AtLeast(2);
        let time = at("2026-11-03T00:00:00Z");
        book.take_position(
            20,
            &member,
            &party("A"),
            &stated(Severity::RelevantIncident),
            time,
            rule,
            3,
        );
        book.take_position(
            21,
            &member,
            &party("B"),
            &stated(Severity::NotAViolation),
            time,
            rule,
            3,
        );
        assert!(book.get(id).unwrap().closed.is_none());
        book.take_position(
            22,
            &member,
            &party("C"),
            &stated(Severity::NotAViolation),
            time,
            rule,
            3,
        );
        let closure = book.get(id).unwrap().closed.clone().unwrap();
        assert_eq!(closure.severity, Severity::NotAViolation);
        assert_eq!(closure.position, 22);
        assert_eq!(closure.dissent, vec![party("A")]);
        assert_eq!(closure.rule, "2 of 3 guarantors");
        assert!(book
            .check_position(&stated(Severity::NotAViolation))
            .is_err());
    }

    #[test]
    fn the_median_time_to_finding_counts_cases_closed_in_the_period() {
        let mut book = CaseBook::default();
        let member = MemberName::new("x-1").unwrap();
        let rule = FindingRule::AtLeast(1);
        for (i, days) in [2i64, 4, 9].into_iter().enumerate() {
            let opened = at("2026-11-01T00:00:00Z");
            let id = visited_case(&mut book, 100 * (i as u64 + 1), opened);
            let closing = opened
                .checked_add(SignedDuration::from_hours(days * 24))
                .unwrap();
            let stated = CasePosition {
                case: id,
                severity: Severity::MinorViolation,
                responsible: None,
                reason: "as seen".into(),
            };
            book.take_position(
                1000 + i as u64,
                &member,
                &party("A"),
                &stated,
                closing,
                rule,
                3,
            );
        }
        let all = book.tally(at("2026-11-01T00:00:00Z"), at("2026-11-30T00:00:00Z"));
        assert_eq!((all.opened, all.closed, all.open), (3, 3, 0));
        assert_eq!(all.median_days_to_finding, Some(4.0));
        // Up to the 5th, two were closed (median of 2 and 4) and one still open.
        let early = book.tally(at("2026-11-01T00:00:00Z"), at("2026-11-05T01:00:00Z"));
        assert_eq!((early.closed, early.open), (2, 1));
        assert_eq!(early.median_days_to_finding, Some(3.0));
        assert_eq!(early.by_severity.get("minor_violation"), Some(&2));
    }
}
