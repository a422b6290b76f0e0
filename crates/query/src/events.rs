//! What a member's client is told as the Record grows: one event per
//! admitted statement (two when a vote settles a decision), with the
//! parties asked to act on it. The live stream and outgoing webhooks are
//! both made of these; who receives which is decided here, once.

use serde::{Deserialize, Serialize};
use truce_model::{DecisionId, Kind, MemberName, Party, ReportId, Vote};
use truce_record::{Body, Statement};
use truce_regime::{DecisionStatus, Register};

/// One thing that happened in the Record, as a notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveEvent {
    /// Position of the statement in the Record. A client that lost the
    /// stream resumes after the last position it saw.
    pub position: u64,
    /// The statement's kind (`report_filed`, `assessment`, `decision_vote`
    /// …), or `decision_adopted` / `decision_rejected` when a vote settled
    /// a decision.
    pub kind: String,
    /// When the author says it made the statement (RFC 3339).
    pub time: String,
    pub member: String,
    pub party: String,
    /// The report, incident, decision or formation it is about: `R-12`,
    /// `D-40`, a formation's id; absent for statements about none.
    pub subject: Option<String>,
    /// One line for a notification, in English; clients in other languages
    /// build their own from `kind` and `subject`.
    pub summary: String,
    /// The parties asked to act on it: assess a report, vote on a decision.
    pub concerns: Vec<String>,
}

impl LiveEvent {
    /// Whether a member of `party` is asked to act on it.
    pub fn concerns(&self, party: &Party) -> bool {
        self.concerns.iter().any(|p| p == party.as_str())
    }
}

/// Which events a reader receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventScope {
    /// Everything admitted (observers, the operator, `all=true`).
    Everything,
    /// What concerns this party.
    ConcerningParty(Party),
}

impl EventScope {
    pub fn admits(&self, event: &LiveEvent) -> bool {
        match self {
            EventScope::Everything => true,
            EventScope::ConcerningParty(party) => event.concerns(party),
        }
    }
}

/// The events of the statement admitted at `position`, described with the
/// register as it stands now (at or after that position). `member` and
/// `party` are the author's, as the membership state names them.
pub fn events_of(
    register: &Register,
    position: u64,
    statement: &Statement,
    member: &MemberName,
    party: &Party,
) -> Vec<LiveEvent> {
    let others: Vec<String> = register
        .guarantors()
        .iter()
        .filter(|g| *g != party)
        .map(|g| g.as_str().to_owned())
        .collect();
    let every_guarantor: Vec<String> = register
        .guarantors()
        .iter()
        .map(|g| g.as_str().to_owned())
        .collect();
    let event =
        |kind: &str, subject: Option<String>, summary: String, concerns: Vec<String>| LiveEvent {
            position,
            kind: kind.to_owned(),
            time: statement.time.to_string(),
            member: member.as_str().to_owned(),
            party: party.as_str().to_owned(),
            subject,
            summary,
            concerns,
        };
    let kind = statement.body.kind().as_str();
    let by = format!("{member} ({party})");
    match &statement.body {
        Body::ReportFiled(filed) => {
            let id = ReportId(position);
            let place = register.report(id).map_or("", |r| r.governorate);
            vec![event(
                kind,
                Some(id.to_string()),
                format!(
                    "{id}: {} in {place} on {}, filed by {by}",
                    filed.report.violation_type.as_str(),
                    filed.report.occurred.date()
                ),
                others,
            )]
        }
        Body::ReportAmended(amended) => vec![event(
            kind,
            Some(amended.amends.to_string()),
            format!("{} amended by {by}: {}", amended.amends, amended.reason),
            others,
        )],
        Body::ReportWithdrawn(withdrawn) => vec![event(
            kind,
            Some(withdrawn.withdraws.to_string()),
            format!(
                "{} withdrawn by {by}: {}",
                withdrawn.withdraws, withdrawn.reason
            ),
            others,
        )],
        Body::Assessment(assessment) => vec![event(
            kind,
            Some(assessment.incident.to_string()),
            format!(
                "{}: {by} assessed it {}",
                assessment.incident,
                assessment.position.as_str()
            ),
            others,
        )],
        Body::IncidentLinked(_) => {
            vec![event(kind, None, format!("reports linked by {by}"), others)]
        }
        Body::DecisionProposed(proposed) => {
            let id = DecisionId(position);
            vec![event(
                kind,
                Some(id.to_string()),
                format!(
                    "{id} proposed by {by} ({}): {}",
                    proposed.decision_type.as_str(),
                    proposed.title
                ),
                others,
            )]
        }
        Body::DecisionVote(vote) => {
            let id = vote.decision;
            let how = match vote.vote {
                Vote::Endorse => "endorsed",
                Vote::Object => "objected to",
            };
            let mut events = vec![event(
                kind,
                Some(id.to_string()),
                format!("{id}: {by} {how} it"),
                others,
            )];
            let settled = register
                .decision(id)
                .and_then(|d| match d.status_at(statement.time) {
                    DecisionStatus::Adopted { at } if at == position => {
                        Some(("decision_adopted", "adopted"))
                    }
                    DecisionStatus::Rejected { at } if at == position => {
                        Some(("decision_rejected", "rejected"))
                    }
                    _ => None,
                });
            if let (Some((settled_kind, word)), Some(decision)) = (settled, register.decision(id)) {
                events.push(event(
                    settled_kind,
                    Some(id.to_string()),
                    format!("{id} {word}: {}", decision.title),
                    every_guarantor,
                ));
            }
            events
        }
        Body::MeasureCompliance(compliance) => vec![event(
            kind,
            Some(compliance.decision.to_string()),
            format!("{}: compliance recorded by {by}", compliance.decision),
            others,
        )],
        Body::FormationRegistered(formation) => vec![event(
            kind,
            Some(formation.formation.to_string()),
            format!("formation {} registered by {by}", formation.name),
            Vec::new(),
        )],
        Body::FormationStatusChanged(change) => vec![event(
            kind,
            Some(change.formation.to_string()),
            format!(
                "formation {} {} from {}",
                change.formation,
                change.status.as_str(),
                change.valid_from
            ),
            Vec::new(),
        )],
        Body::RequestMade(made) => {
            let id = truce_model::RequestId(position);
            vec![event(
                kind,
                Some(id.to_string()),
                format!(
                    "{id}: {by} asks {}, to answer by {}: {}",
                    made.to, made.reply_by, made.question
                ),
                vec![made.to.as_str().to_owned()],
            )]
        }
        Body::RequestAnswered(answered) => {
            let asker = register
                .requests()
                .get(answered.request)
                .map(|r| vec![r.from.as_str().to_owned()])
                .unwrap_or_default();
            vec![event(
                kind,
                Some(answered.request.to_string()),
                format!("{}: answered by {by}", answered.request),
                asker,
            )]
        }
        Body::CaseOpened(opened) => {
            let id = truce_model::CaseId(position);
            let about = match &opened.about {
                truce_model::CaseSubject::Incident(report) => format!("incident {report}"),
                truce_model::CaseSubject::Complaint(sha256) => {
                    format!("a complaint ({}…)", &sha256[..12])
                }
            };
            vec![event(
                kind,
                Some(id.to_string()),
                format!("{id}: {by} opens a case on {about}: {}", opened.question),
                every_guarantor,
            )]
        }
        Body::CaseTasked(tasked) => vec![event(
            kind,
            Some(tasked.case.to_string()),
            format!("{}: {} tasked by {by}", tasked.case, tasked.team),
            every_guarantor,
        )],
        Body::CaseVisited(visited) => vec![event(
            kind,
            Some(visited.case.to_string()),
            format!(
                "{}: visit to {} on {}, {} interviews",
                visited.case, visited.place.name, visited.visited_at, visited.interviews
            ),
            every_guarantor,
        )],
        Body::CasePosition(stated) => {
            let id = stated.case;
            let mut events = vec![event(
                kind,
                Some(id.to_string()),
                format!(
                    "{id}: {by} holds it a {}",
                    stated.severity.as_str().replace('_', " ")
                ),
                others,
            )];
            let closure = register
                .cases()
                .get(id)
                .and_then(|case| case.closed.as_ref())
                .filter(|closed| closed.position == position);
            if let Some(closed) = closure {
                events.push(event(
                    "case_closed",
                    Some(id.to_string()),
                    format!(
                        "{id} closed: {}{}",
                        closed.severity.as_str().replace('_', " "),
                        closed
                            .responsible
                            .as_ref()
                            .map(|f| format!(" by {f}"))
                            .unwrap_or_default()
                    ),
                    every_guarantor,
                ));
            }
            events
        }
        Body::AccessRestricted(restricted) => {
            let id = truce_model::AccessId(position);
            vec![event(
                kind,
                Some(id.to_string()),
                format!(
                    "{id}: {} by {} recorded by {by}, {} to {}: {}",
                    restricted.kind.as_str(),
                    restricted.by,
                    restricted.from,
                    restricted.until,
                    restricted.prevented
                ),
                others,
            )]
        }
        Body::AssetStatus(changed) => vec![event(
            kind,
            Some(changed.asset.to_string()),
            format!(
                "monitoring asset {} {} from {}",
                changed.asset,
                changed.status.as_str(),
                changed.from
            ),
            others,
        )],
        Body::ComplaintDeclined(declined) => vec![event(
            kind,
            None,
            format!(
                "a complaint ({}…) declined by {by}: {}",
                &declined.complaint[..12],
                declined.reason
            ),
            others,
        )],
        _ => vec![event(
            kind,
            None,
            format!("{} by {by}", kind.replace('_', " ")),
            Vec::new(),
        )],
    }
}

/// The statement kinds that carry an event of their own kind name, for
/// documentation and for clients that list what they may receive.
pub fn event_kinds() -> Vec<&'static str> {
    let mut kinds: Vec<&'static str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    kinds.extend(["decision_adopted", "decision_rejected"]);
    kinds
}
