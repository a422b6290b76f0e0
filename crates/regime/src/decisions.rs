//! The decision mechanism: proposals, votes, and the rule that adopts or
//! rejects them. A proposal's own party endorses it by proposing; the
//! latest vote of each guarantor party counts; the outcome is fixed at the
//! vote that settles it, so it is the same on every node.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;
use truce_model::{
    AgreementSpec, ComplianceOutcome, DecisionId, DecisionProposed, DecisionType, DecisionVote,
    ExchangeSpec, MeasureCompliance, MeasureSpec, MemberName, Party, StatusSpec, Vote,
};
use truce_record::{Context, Rejection};

use crate::register::Register;
use crate::FindingRule;

#[derive(Debug, Clone, Serialize)]
pub struct Ballot {
    pub vote: Vote,
    pub reason: String,
    pub member: MemberName,
    /// Position of the statement that cast it.
    pub position: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "status")]
pub enum DecisionStatus {
    Open,
    /// Settled by the vote at this position.
    Adopted {
        at: u64,
    },
    Rejected {
        at: u64,
    },
    /// The deadline passed before the rule was met or ruled out.
    Expired,
}

impl DecisionStatus {
    pub fn label(self) -> &'static str {
        match self {
            DecisionStatus::Open => "open",
            DecisionStatus::Adopted { .. } => "adopted",
            DecisionStatus::Rejected { .. } => "rejected",
            DecisionStatus::Expired => "expired",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub id: DecisionId,
    pub decision_type: DecisionType,
    pub title: String,
    pub text: String,
    pub deadline: Timestamp,
    pub references: Vec<u64>,
    pub proposed_by: MemberName,
    pub proposed_time: Timestamp,
    pub party: Party,
    /// Each guarantor party's latest vote.
    pub votes: BTreeMap<String, Ballot>,
    pub rule: String,
    /// For a measure: the formation, the ladder step and the date to comply by.
    pub measure: Option<MeasureSpec>,
    /// Compliance with an adopted measure, as each guarantor recorded it.
    pub compliance: Vec<ComplianceRecord>,
    /// For an exchange: its number, place, date and persons.
    pub exchange: Option<ExchangeSpec>,
    /// For an agreement: what comes into force on adoption.
    pub agreement: Option<AgreementSpec>,
    /// For a designation or reinstatement: the status recorded on adoption.
    pub status_change: Option<StatusSpec>,
    /// For criteria: the file that judges compliance once adopted.
    pub criteria: Option<String>,
    /// For parameters: what the register derives by once adopted.
    pub parameters: Option<truce_model::RegisterConfig>,
    /// The time of the statement that settled it.
    pub settled_time: Option<Timestamp>,
    settled: Option<DecisionStatus>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceRecord {
    pub position: u64,
    pub time: Timestamp,
    pub party: String,
    pub outcome: ComplianceOutcome,
    pub note: String,
}

impl Decision {
    /// Where the decision stands at `now`: settled, expired or open.
    pub fn status_at(&self, now: Timestamp) -> DecisionStatus {
        match self.settled {
            Some(settled) => settled,
            None if now > self.deadline => DecisionStatus::Expired,
            None => DecisionStatus::Open,
        }
    }

    /// The outcome fixed by a vote, whatever the time.
    pub(crate) fn settled(&self) -> Option<DecisionStatus> {
        self.settled
    }

    /// Objections with their reasons: kept and shown whatever the outcome.
    pub fn dissent(&self) -> Vec<(&str, &str)> {
        self.votes
            .iter()
            .filter(|(_, b)| b.vote == Vote::Object)
            .map(|(party, b)| (party.as_str(), b.reason.as_str()))
            .collect()
    }

    fn count(&self, vote: Vote) -> usize {
        self.votes.values().filter(|b| b.vote == vote).count()
    }
}

fn rule(field: &str, reason: impl Into<String>) -> Rejection {
    Rejection::Rule {
        field: field.to_string(),
        reason: reason.into(),
    }
}

impl Register {
    pub fn decisions(&self) -> impl Iterator<Item = &Decision> {
        self.decisions.values()
    }

    pub fn decision(&self, id: DecisionId) -> Option<&Decision> {
        self.decisions.get(&id)
    }

    fn decision_rule(&self, decision_type: DecisionType) -> FindingRule {
        self.config
            .decision_rules
            .get(&decision_type)
            .copied()
            .unwrap_or(FindingRule::Unanimity)
    }

    pub(crate) fn check_proposal(
        &self,
        proposal: &DecisionProposed,
        time: Timestamp,
    ) -> Result<(), Rejection> {
        if proposal.deadline <= time {
            return Err(rule(
                "deadline",
                format!("{} is not after the proposal ({time})", proposal.deadline),
            ));
        }
        if let Some(measure) = &proposal.measure {
            self.check_formation("measure.formation", &measure.formation)?;
            if !self.config.ladder.iter().any(|s| s.id == measure.step) {
                let steps: Vec<_> = self.config.ladder.iter().map(|s| s.id.as_str()).collect();
                return Err(rule(
                    "measure.step",
                    format!(
                        "{:?} is not a step of the ladder ({})",
                        measure.step,
                        steps.join(", ")
                    ),
                ));
            }
        }
        if let Some(exchange) = &proposal.exchange {
            self.check_exchange_spec(exchange, time)?;
        }
        if let Some(change) = &proposal.status {
            self.check_formation("status.formation", &change.formation)?;
        }
        if let Some(text) = &proposal.criteria {
            crate::Criteria::from_toml(text).map_err(|e| rule("criteria", e.to_string()))?;
        }
        Ok(())
    }

    pub(crate) fn check_compliance_record(
        &self,
        record: &MeasureCompliance,
    ) -> Result<(), Rejection> {
        let decision = self
            .decisions
            .get(&record.decision)
            .ok_or_else(|| rule("decision", format!("no decision {}", record.decision)))?;
        if decision.measure.is_none() {
            return Err(rule(
                "decision",
                format!("{} is not a measure", record.decision),
            ));
        }
        if !matches!(decision.settled, Some(DecisionStatus::Adopted { .. })) {
            return Err(rule(
                "decision",
                format!("{} was not adopted", record.decision),
            ));
        }
        Ok(())
    }

    pub(crate) fn apply_compliance_record(
        &mut self,
        context: &Context<'_>,
        record: &MeasureCompliance,
    ) {
        if let Some(decision) = self.decisions.get_mut(&record.decision) {
            decision.compliance.push(ComplianceRecord {
                position: context.position,
                time: context.time,
                party: context.state.party.to_string(),
                outcome: record.outcome,
                note: record.note.clone(),
            });
        }
    }

    pub(crate) fn check_vote(&self, vote: &DecisionVote, time: Timestamp) -> Result<(), Rejection> {
        let decision = self
            .decisions
            .get(&vote.decision)
            .ok_or_else(|| rule("decision", format!("no decision {}", vote.decision)))?;
        match decision.status_at(time) {
            DecisionStatus::Open => Ok(()),
            DecisionStatus::Expired => Err(rule(
                "decision",
                format!(
                    "{} expired at its deadline {}",
                    vote.decision, decision.deadline
                ),
            )),
            settled => Err(rule(
                "decision",
                format!("{} is already {}", vote.decision, settled.label()),
            )),
        }
    }

    pub(crate) fn apply_proposal(&mut self, context: &Context<'_>, proposal: &DecisionProposed) {
        let id = DecisionId(context.position);
        let decision_rule = self.decision_rule(proposal.decision_type);
        let mut decision = Decision {
            id,
            decision_type: proposal.decision_type,
            title: proposal.title.clone(),
            text: proposal.text.clone(),
            deadline: proposal.deadline,
            references: proposal.references.clone(),
            proposed_by: context.member.clone(),
            proposed_time: context.time,
            party: context.state.party.clone(),
            votes: BTreeMap::new(),
            rule: decision_rule.describe(self.guarantors.len()),
            measure: proposal.measure.clone(),
            compliance: Vec::new(),
            exchange: proposal.exchange.clone(),
            agreement: proposal.agreement.clone(),
            status_change: proposal.status.clone(),
            criteria: proposal.criteria.clone(),
            parameters: proposal.parameters.clone(),
            settled_time: None,
            settled: None,
        };
        let ballot = Ballot {
            vote: Vote::Endorse,
            reason: "proposed it".into(),
            member: context.member.clone(),
            position: context.position,
        };
        decision
            .votes
            .insert(context.state.party.to_string(), ballot);
        self.settle(&mut decision, decision_rule, context);
        self.enact_if_adopted(&decision, context.position);
        self.decisions.insert(id, decision);
    }

    pub(crate) fn apply_vote(&mut self, context: &Context<'_>, vote: &DecisionVote) {
        let Some(mut decision) = self.decisions.remove(&vote.decision) else {
            return;
        };
        decision.votes.insert(
            context.state.party.to_string(),
            Ballot {
                vote: vote.vote,
                reason: vote.reason.clone(),
                member: context.member.clone(),
                position: context.position,
            },
        );
        let decision_rule = self.decision_rule(decision.decision_type);
        self.settle(&mut decision, decision_rule, context);
        self.enact_if_adopted(&decision, context.position);
        self.decisions.insert(vote.decision, decision);
    }

    fn enact_if_adopted(&mut self, decision: &Decision, position: u64) {
        if decision.settled == Some(DecisionStatus::Adopted { at: position }) {
            self.enact(decision, position);
        }
    }

    /// Adopted once the rule holds; rejected once it can no longer hold.
    fn settle(&self, decision: &mut Decision, decision_rule: FindingRule, context: &Context<'_>) {
        let position = context.position;
        let guarantors = self.guarantors.len();
        let endorsing = decision.count(Vote::Endorse);
        let objecting = decision.count(Vote::Object);
        if decision_rule.holds(endorsing, guarantors) {
            decision.settled = Some(DecisionStatus::Adopted { at: position });
            decision.settled_time = Some(context.time);
        } else if !decision_rule.holds(guarantors.saturating_sub(objecting), guarantors) {
            decision.settled = Some(DecisionStatus::Rejected { at: position });
            decision.settled_time = Some(context.time);
        }
    }
}
