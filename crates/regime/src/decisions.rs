//! The decision mechanism: proposals, votes, and the rule that adopts or
//! rejects them. A proposal's own party endorses it by proposing; the
//! latest vote of each guarantor party counts; the outcome is fixed at the
//! vote that settles it, so it is the same on every node.
//!
//! What an adopted decision puts in force elsewhere (a formation's status,
//! an agreement, criteria, the register's parameters) is returned as
//! effects, which the register routes to the part concerned.

use std::collections::BTreeMap;

use imbl::OrdMap;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{
    AgreementSpec, ComplianceOutcome, DecisionId, DecisionProposed, DecisionType, DecisionVote,
    ExchangeSpec, FindingRule, MeasureCompliance, MeasureSpec, MemberName, Party, RegisterConfig,
    StatusSpec, Vote,
};
use truce_record::Rejection;

use crate::agreements::Agreement;
use crate::criteria::Criteria;
use crate::effects::Effect;
use crate::error::rule;
use crate::formations::{Formations, StatusPeriod};
use crate::origin::Origin;

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Ballot {
    pub vote: Vote,
    pub reason: String,
    pub member: MemberName,
    /// Position of the statement that cast it.
    pub position: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
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

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
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

/// Every decision proposed, by id (the position of its proposal).
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Decisions {
    pub(crate) decisions: OrdMap<DecisionId, Decision>,
}

/// The rule a decision of this type is adopted by, under `config`.
fn decision_rule(config: &RegisterConfig, decision_type: DecisionType) -> FindingRule {
    config
        .decision_rules
        .get(&decision_type)
        .copied()
        .unwrap_or(FindingRule::Unanimity)
}

impl Decisions {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Decision> {
        self.decisions.values()
    }

    pub(crate) fn get(&self, id: DecisionId) -> Option<&Decision> {
        self.decisions.get(&id)
    }

    /// Checks a proposal; the persons of an exchange are checked by
    /// `exchange_persons` (the exchanges part) before its number is here.
    pub(crate) fn check_proposal(
        &self,
        proposal: &DecisionProposed,
        time: Timestamp,
        config: &RegisterConfig,
        formations: &Formations,
        exchange_persons: impl FnOnce(&ExchangeSpec) -> Result<(), Rejection>,
    ) -> Result<(), Rejection> {
        if proposal.deadline <= time {
            return Err(rule(
                "deadline",
                format!("{} is not after the proposal ({time})", proposal.deadline),
            ));
        }
        if let Some(measure) = &proposal.measure {
            formations.check_known("measure.formation", &measure.formation)?;
            if !config.ladder.iter().any(|s| s.id == measure.step) {
                let steps: Vec<_> = config.ladder.iter().map(|s| s.id.as_str()).collect();
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
            exchange_persons(exchange)?;
            self.check_exchange_number(exchange, time)?;
        }
        if let Some(change) = &proposal.status {
            formations.check_known("status.formation", &change.formation)?;
        }
        if let Some(text) = &proposal.criteria {
            Criteria::from_toml(text).map_err(|e| rule("criteria", e.to_string()))?;
        }
        Ok(())
    }

    /// An exchange's number is taken while a decision that carries it is
    /// open or adopted.
    fn check_exchange_number(&self, spec: &ExchangeSpec, time: Timestamp) -> Result<(), Rejection> {
        let taken = self.iter().find(|d| {
            d.exchange.as_ref().is_some_and(|e| e.number == spec.number)
                && !matches!(
                    d.status_at(time),
                    DecisionStatus::Rejected { .. } | DecisionStatus::Expired
                )
        });
        if let Some(other) = taken {
            return Err(rule(
                "exchange.number",
                format!("exchange {} is already {}", spec.number, other.id),
            ));
        }
        Ok(())
    }

    /// The exchange an adopted decision of type exchange carries.
    pub(crate) fn adopted_exchange(&self, project: DecisionId) -> Result<&ExchangeSpec, Rejection> {
        let decision = self
            .get(project)
            .ok_or_else(|| rule("project", format!("no decision {project}")))?;
        let spec = decision
            .exchange
            .as_ref()
            .filter(|_| decision.decision_type == DecisionType::Exchange)
            .ok_or_else(|| rule("project", format!("{project} is not an exchange")))?;
        if !matches!(decision.settled(), Some(DecisionStatus::Adopted { .. })) {
            return Err(rule("project", format!("{project} has not been adopted")));
        }
        Ok(spec)
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
        origin: Origin<'_>,
        record: &MeasureCompliance,
    ) {
        if let Some(decision) = self.decisions.get_mut(&record.decision) {
            decision.compliance.push(ComplianceRecord {
                position: origin.position,
                time: origin.time,
                party: origin.party.to_string(),
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

    /// Takes a proposal in, endorsed by its own party; returns what it puts
    /// in force if that endorsement already adopts it.
    pub(crate) fn propose(
        &mut self,
        origin: Origin<'_>,
        proposal: &DecisionProposed,
        config: &RegisterConfig,
        guarantors: usize,
    ) -> Vec<Effect> {
        let id = DecisionId(origin.position);
        let decision_rule = decision_rule(config, proposal.decision_type);
        let mut decision = Decision {
            id,
            decision_type: proposal.decision_type,
            title: proposal.title.clone(),
            text: proposal.text.clone(),
            deadline: proposal.deadline,
            references: proposal.references.clone(),
            proposed_by: origin.member.clone(),
            proposed_time: origin.time,
            party: origin.party.clone(),
            votes: BTreeMap::new(),
            rule: decision_rule.describe(guarantors),
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
            member: origin.member.clone(),
            position: origin.position,
        };
        decision.votes.insert(origin.party.to_string(), ballot);
        settle(&mut decision, decision_rule, guarantors, origin);
        let effects = effects_if_adopted(&decision, origin.position);
        self.decisions.insert(id, decision);
        effects
    }

    /// Counts a vote; returns what the decision puts in force if this vote
    /// adopts it.
    pub(crate) fn vote(
        &mut self,
        origin: Origin<'_>,
        vote: &DecisionVote,
        config: &RegisterConfig,
        guarantors: usize,
    ) -> Vec<Effect> {
        let Some(mut decision) = self.decisions.remove(&vote.decision) else {
            return Vec::new();
        };
        decision.votes.insert(
            origin.party.to_string(),
            Ballot {
                vote: vote.vote,
                reason: vote.reason.clone(),
                member: origin.member.clone(),
                position: origin.position,
            },
        );
        let decision_rule = decision_rule(config, decision.decision_type);
        settle(&mut decision, decision_rule, guarantors, origin);
        let effects = effects_if_adopted(&decision, origin.position);
        self.decisions.insert(vote.decision, decision);
        effects
    }
}

/// Adopted once the rule holds; rejected once it can no longer hold.
fn settle(
    decision: &mut Decision,
    decision_rule: FindingRule,
    guarantors: usize,
    origin: Origin<'_>,
) {
    let position = origin.position;
    let endorsing = decision.count(Vote::Endorse);
    let objecting = decision.count(Vote::Object);
    if decision_rule.holds(endorsing, guarantors) {
        decision.settled = Some(DecisionStatus::Adopted { at: position });
        decision.settled_time = Some(origin.time);
    } else if !decision_rule.holds(guarantors.saturating_sub(objecting), guarantors) {
        decision.settled = Some(DecisionStatus::Rejected { at: position });
        decision.settled_time = Some(origin.time);
    }
}

/// What a decision adopted at `position` puts in force, in the order it
/// takes effect: parameters, criteria, an agreement, a formation's status.
fn effects_if_adopted(decision: &Decision, position: u64) -> Vec<Effect> {
    let mut effects = Vec::new();
    if decision.settled != Some(DecisionStatus::Adopted { at: position }) {
        return effects;
    }
    if let Some(parameters) = &decision.parameters {
        // Checked when proposed; from here on everything derives by them.
        effects.push(Effect::SetParameters(parameters.clone()));
    }
    if let Some(text) = &decision.criteria {
        // Checked when proposed, so this parses; a later file replaces it.
        if let Ok(criteria) = Criteria::from_toml(text) {
            effects.push(Effect::SetCriteria(decision.id, criteria));
        }
    }
    if let Some(spec) = &decision.agreement {
        effects.push(Effect::PutInForce(Agreement {
            spec: spec.clone(),
            decision: decision.id,
        }));
    }
    if let Some(change) = &decision.status_change {
        effects.push(Effect::SetStatus {
            formation: change.formation.clone(),
            period: StatusPeriod {
                status: change.status,
                valid_from: change.valid_from,
                reference: format!("decision {}: {}", decision.id, decision.title),
                recorded_at: position,
            },
        });
    }
    effects
}

#[cfg(test)]
mod tests {
    use truce_model::{FormationId, FormationRegistered, FormationStatus, ListId, PersonRef, Side};

    use super::*;
    use crate::origin::Author;

    const PROPOSED: &str = "2026-03-01T12:00:00Z";
    const DEADLINE: &str = "2026-03-08T12:00:00Z";

    fn proposal(decision_type: DecisionType) -> DecisionProposed {
        DecisionProposed {
            decision_type,
            title: "A decision".into(),
            text: "What it says.".into(),
            deadline: DEADLINE.parse().unwrap(),
            references: vec![],
            measure: None,
            exchange: None,
            agreement: None,
            status: None,
            criteria: None,
            parameters: None,
        }
    }

    fn vote(decision: DecisionId, vote: Vote) -> DecisionVote {
        DecisionVote {
            decision,
            vote,
            reason: "as we see it".into(),
        }
    }

    fn brigade() -> FormationId {
        FormationId::new("brigade-1").unwrap()
    }

    fn designation() -> DecisionProposed {
        DecisionProposed {
            status: Some(StatusSpec {
                formation: brigade(),
                status: FormationStatus::Excluded,
                valid_from: "2026-03-01".parse().unwrap(),
            }),
            ..proposal(DecisionType::Designation)
        }
    }

    /// Three guarantors: east, west and north.
    fn authors() -> [Author; 3] {
        ["east", "west", "north"].map(|p| Author::guarantor(&format!("{p}-monitor"), p))
    }

    #[test]
    fn a_decision_is_adopted_by_the_vote_that_meets_the_rule_and_returns_what_it_puts_in_force() {
        let [east, west, north] = authors();
        let config = RegisterConfig::default();
        let mut book = Decisions::default();
        let effects = book.propose(east.at(5, PROPOSED), &designation(), &config, 3);
        assert!(effects.is_empty());
        let id = DecisionId(5);
        let at = |t: &str| t.parse::<Timestamp>().unwrap();
        assert_eq!(
            book.get(id).unwrap().status_at(at(PROPOSED)),
            DecisionStatus::Open
        );
        let effects = book.vote(
            west.at(6, "2026-03-02T12:00:00Z"),
            &vote(id, Vote::Endorse),
            &config,
            3,
        );
        assert!(effects.is_empty(), "two of three is not unanimity");
        let effects = book.vote(
            north.at(7, "2026-03-03T12:00:00Z"),
            &vote(id, Vote::Endorse),
            &config,
            3,
        );
        let decision = book.get(id).unwrap();
        assert_eq!(decision.settled(), Some(DecisionStatus::Adopted { at: 7 }));
        assert_eq!(decision.votes.len(), 3);
        match effects.as_slice() {
            [Effect::SetStatus { formation, period }] => {
                assert_eq!(formation, &brigade());
                assert_eq!(period.status, FormationStatus::Excluded);
                assert_eq!(period.recorded_at, 7);
                assert_eq!(period.reference, "decision D-5: A decision");
            }
            other => panic!("{other:?}"),
        }
        // Settled: no more votes, whatever the time.
        let late = book.check_vote(&vote(id, Vote::Object), at("2026-03-04T12:00:00Z"));
        assert!(
            matches!(late, Err(Rejection::Rule { reason, .. }) if reason.contains("already adopted"))
        );
    }

    #[test]
    fn one_objection_rejects_under_unanimity_and_a_deadline_passed_expires() {
        let [east, west, _] = authors();
        let config = RegisterConfig::default();
        let mut book = Decisions::default();
        book.propose(east.at(5, PROPOSED), &designation(), &config, 3);
        let effects = book.vote(
            west.at(6, "2026-03-02T12:00:00Z"),
            &vote(DecisionId(5), Vote::Object),
            &config,
            3,
        );
        assert!(effects.is_empty());
        let rejected = book.get(DecisionId(5)).unwrap();
        assert_eq!(rejected.settled(), Some(DecisionStatus::Rejected { at: 6 }));
        assert_eq!(rejected.dissent().len(), 1);
        book.propose(east.at(8, PROPOSED), &designation(), &config, 3);
        let after: Timestamp = "2026-03-09T12:00:00Z".parse().unwrap();
        assert_eq!(
            book.get(DecisionId(8)).unwrap().status_at(after),
            DecisionStatus::Expired
        );
        let late = book.check_vote(&vote(DecisionId(8), Vote::Endorse), after);
        assert!(matches!(late, Err(Rejection::Rule { reason, .. }) if reason.contains("expired")));
        let unknown = book.check_vote(&vote(DecisionId(99), Vote::Endorse), after);
        assert!(
            matches!(unknown, Err(Rejection::Rule { reason, .. }) if reason == "no decision D-99")
        );
    }

    #[test]
    fn an_adopted_decision_returns_parameters_criteria_and_agreement_in_that_order() {
        let [east, ..] = authors();
        let mut config = RegisterConfig::default();
        config
            .decision_rules
            .insert(DecisionType::Agreement, FindingRule::AtLeast(1));
        let criteria = "[[criterion]]\nid = \"adherence\"\nkind = \"declared_adherence\"\n";
        let carrying = DecisionProposed {
            parameters: Some(RegisterConfig::default()),
            criteria: Some(criteria.into()),
            agreement: Some(AgreementSpec {
                id: truce_model::Handle::new("astana").unwrap(),
                title: "Astana memorandum".into(),
                clauses: vec![],
                zones: vec![],
            }),
            ..proposal(DecisionType::Agreement)
        };
        let mut book = Decisions::default();
        let effects = book.propose(east.at(5, PROPOSED), &carrying, &config, 3);
        let kinds: Vec<&str> = effects
            .iter()
            .map(|e| match e {
                Effect::SetParameters(_) => "parameters",
                Effect::SetCriteria(id, _) if *id == DecisionId(5) => "criteria",
                Effect::PutInForce(a) if a.decision == DecisionId(5) => "agreement",
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(kinds, ["parameters", "criteria", "agreement"]);
        assert_eq!(book.get(DecisionId(5)).unwrap().rule, "1 of 3 guarantors");
    }

    #[test]
    fn proposals_are_checked_against_the_formations_the_ladder_and_the_exchanges() {
        let [east, ..] = authors();
        let config = RegisterConfig::default();
        let mut formations = Formations::default();
        let time: Timestamp = PROPOSED.parse().unwrap();
        let book = Decisions::default();
        let field = |book: &Decisions, p: &DecisionProposed, formations: &Formations| match book
            .check_proposal(p, time, &config, formations, |_| Ok(()))
        {
            Err(Rejection::Rule { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        let past = DecisionProposed {
            deadline: time,
            ..designation()
        };
        assert_eq!(field(&book, &past, &formations), "deadline");
        assert_eq!(
            field(&book, &designation(), &formations),
            "status.formation"
        );
        formations.register(
            1,
            &FormationRegistered {
                formation: brigade(),
                name: "Brigade".into(),
                aliases: vec![],
                side: Side::Opposition,
            },
        );
        book.check_proposal(&designation(), time, &config, &formations, |_| Ok(()))
            .unwrap();
        let measure = DecisionProposed {
            measure: Some(MeasureSpec {
                formation: brigade(),
                step: "banishment".into(),
                comply_by: "2026-04-01".parse().unwrap(),
            }),
            ..proposal(DecisionType::Measure)
        };
        assert_eq!(field(&book, &measure, &formations), "measure.step");
        let criteria = DecisionProposed {
            criteria: Some("[[criterion]]\nid = \"x\"\nkind = \"nonsense\"\n".into()),
            ..proposal(DecisionType::Criteria)
        };
        assert_eq!(field(&book, &criteria, &formations), "criteria");

        // An exchange: its persons are the exchanges part's to check, its
        // number this part's.
        let spec = ExchangeSpec {
            number: 1,
            place: "Astana".into(),
            date: "2026-03-20".parse().unwrap(),
            persons: vec![PersonRef {
                list: ListId(3),
                entry: 1,
            }],
        };
        let exchange = DecisionProposed {
            exchange: Some(spec.clone()),
            ..proposal(DecisionType::Exchange)
        };
        let refused = book.check_proposal(&exchange, time, &config, &formations, |s| {
            assert_eq!(s, &spec);
            Err(rule("exchange.persons[0]", "no such list"))
        });
        assert!(
            matches!(refused, Err(Rejection::Rule { field, .. }) if field == "exchange.persons[0]")
        );
        let mut book = book;
        book.propose(east.at(5, PROPOSED), &exchange, &config, 3);
        assert_eq!(field(&book, &exchange, &formations), "exchange.number");
        // Not adopted: nothing may happen under it yet.
        let project = book.adopted_exchange(DecisionId(5));
        assert!(
            matches!(project, Err(Rejection::Rule { reason, .. }) if reason.contains("not been adopted"))
        );
    }

    #[test]
    fn compliance_is_recorded_only_for_an_adopted_measure() {
        let [east, west, north] = authors();
        let config = RegisterConfig::default();
        let mut book = Decisions::default();
        let record = |decision| MeasureCompliance {
            decision,
            outcome: ComplianceOutcome::Complied,
            note: "withdrew its guns".into(),
        };
        book.propose(east.at(5, PROPOSED), &designation(), &config, 3);
        let not_a_measure = book.check_compliance_record(&record(DecisionId(5)));
        assert!(
            matches!(not_a_measure, Err(Rejection::Rule { reason, .. }) if reason.contains("not a measure"))
        );
        let measure = DecisionProposed {
            measure: Some(MeasureSpec {
                formation: brigade(),
                step: "notice".into(),
                comply_by: "2026-04-01".parse().unwrap(),
            }),
            ..proposal(DecisionType::Measure)
        };
        book.propose(east.at(6, PROPOSED), &measure, &config, 3);
        assert!(book
            .check_compliance_record(&record(DecisionId(6)))
            .is_err());
        for (position, author) in [(7, &west), (8, &north)] {
            let origin = author.at(position, "2026-03-02T12:00:00Z");
            book.vote(origin, &vote(DecisionId(6), Vote::Endorse), &config, 3);
        }
        book.check_compliance_record(&record(DecisionId(6)))
            .unwrap();
        book.apply_compliance_record(west.at(9, "2026-03-05T12:00:00Z"), &record(DecisionId(6)));
        let kept = &book.get(DecisionId(6)).unwrap().compliance;
        assert_eq!((kept.len(), kept[0].party.as_str()), (1, "west"));
    }
}
