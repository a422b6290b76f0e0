//! Bodies of the decision mechanism: a guarantor proposes, each guarantor
//! endorses or objects with a reason; the configured rule says when it is
//! adopted or can no longer be. Observers comment with notes, never vote.

use std::fmt;

use jiff::civil::Date;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{
    AgreementSpec, ExchangeSpec, FormationId, FormationStatus, StatusSpec, Validate,
    ValidationError,
};

/// A decision is named by the position of the statement that proposed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DecisionId(pub u64);

impl fmt::Display for DecisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "D-{}", self.0)
    }
}

impl std::str::FromStr for DecisionId {
    type Err = ValidationError;

    /// `D-12`, `d12` or `12`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::prefixed_position(text, &['D'])
            .map(DecisionId)
            .ok_or_else(|| {
                ValidationError::new(
                    "decision",
                    format!("{text:?} is not a decision id such as D-12"),
                )
            })
    }
}

/// What a decision is about; each type may have its own rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionType {
    /// A graduated measure against a violator.
    Measure,
    /// Designating a formation as excluded from the ceasefire.
    Designation,
    /// Taking a formation back into the regime.
    Reinstatement,
    /// The criteria a formation must meet.
    Criteria,
    /// An agreement, its clauses or zones.
    Agreement,
    /// A document of a meeting.
    Document,
    /// An exchange of detainees, abductees or bodies.
    Exchange,
    /// The register's parameters: grouping, rules, ladder, the day.
    Parameters,
    Other,
}

impl DecisionType {
    pub const ALL: [DecisionType; 9] = [
        DecisionType::Measure,
        DecisionType::Designation,
        DecisionType::Reinstatement,
        DecisionType::Criteria,
        DecisionType::Agreement,
        DecisionType::Document,
        DecisionType::Exchange,
        DecisionType::Parameters,
        DecisionType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionType::Measure => "measure",
            DecisionType::Designation => "designation",
            DecisionType::Reinstatement => "reinstatement",
            DecisionType::Criteria => "criteria",
            DecisionType::Agreement => "agreement",
            DecisionType::Document => "document",
            DecisionType::Exchange => "exchange",
            DecisionType::Parameters => "parameters",
            DecisionType::Other => "other",
        }
    }
}

impl std::str::FromStr for DecisionType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DecisionType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| {
                let known: Vec<_> = DecisionType::ALL.iter().map(|t| t.as_str()).collect();
                ValidationError::new(
                    "decision_type",
                    format!("unknown type {s:?}; one of {}", known.join(", ")),
                )
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionProposed {
    pub decision_type: DecisionType,
    pub title: String,
    /// The text to be adopted, as drafted.
    pub text: String,
    /// Votes after this time are refused; undecided by then, it expires.
    pub deadline: Timestamp,
    /// Positions of entries the proposal rests on (findings, reports, documents).
    pub references: Vec<u64>,
    /// For a measure: the step of the ladder and the formation it applies to.
    pub measure: Option<MeasureSpec>,
    /// For an exchange: its number, place, date and the persons to release.
    pub exchange: Option<ExchangeSpec>,
    /// For an agreement: its clauses and zones, in force once adopted.
    pub agreement: Option<AgreementSpec>,
    /// For a designation or a reinstatement: the formation's new status,
    /// recorded once adopted.
    pub status: Option<StatusSpec>,
    /// For criteria: the criteria file (TOML) that judges compliance once
    /// adopted; the regime checks it line by line before it is stored.
    pub criteria: Option<String>,
    /// For parameters: what the register derives by from adoption on.
    /// Absent from the bytes of every other proposal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<crate::RegisterConfig>,
}

/// What a decision carries besides its text, by its type: a measure, an
/// exchange, an agreement, a status (designation or reinstatement), a
/// criteria file or the register's parameters. One at most; format
/// version 2 writes it as one field (`DecisionProposal`), version 1 wrote
/// a field for each (`DecisionProposed`), all but one null.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DecisionPayload {
    Measure(MeasureSpec),
    Exchange(ExchangeSpec),
    Agreement(AgreementSpec),
    Status(StatusSpec),
    Criteria(String),
    Parameters(crate::RegisterConfig),
}

/// A proposal as statement format version 2 writes it: the payload that
/// goes with its type as one field, so that two payloads cannot be written.
/// It reads as a `DecisionProposed`, which the rules know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionProposal {
    pub decision_type: DecisionType,
    pub title: String,
    pub text: String,
    pub deadline: Timestamp,
    pub references: Vec<u64>,
    pub payload: Option<DecisionPayload>,
}

impl From<DecisionProposal> for DecisionProposed {
    fn from(proposal: DecisionProposal) -> Self {
        let mut flat = DecisionProposed {
            decision_type: proposal.decision_type,
            title: proposal.title,
            text: proposal.text,
            deadline: proposal.deadline,
            references: proposal.references,
            measure: None,
            exchange: None,
            agreement: None,
            status: None,
            criteria: None,
            parameters: None,
        };
        match proposal.payload {
            None => {}
            Some(DecisionPayload::Measure(m)) => flat.measure = Some(m),
            Some(DecisionPayload::Exchange(e)) => flat.exchange = Some(e),
            Some(DecisionPayload::Agreement(a)) => flat.agreement = Some(a),
            Some(DecisionPayload::Status(s)) => flat.status = Some(s),
            Some(DecisionPayload::Criteria(c)) => flat.criteria = Some(c),
            Some(DecisionPayload::Parameters(p)) => flat.parameters = Some(p),
        }
        flat
    }
}

impl DecisionProposed {
    /// The payloads it carries, in the order of its fields: at most one in
    /// a valid proposal, since each goes with a type of its own.
    pub fn payloads(&self) -> Vec<DecisionPayload> {
        let mut payloads = Vec::new();
        payloads.extend(self.measure.clone().map(DecisionPayload::Measure));
        payloads.extend(self.exchange.clone().map(DecisionPayload::Exchange));
        payloads.extend(self.agreement.clone().map(DecisionPayload::Agreement));
        payloads.extend(self.status.clone().map(DecisionPayload::Status));
        payloads.extend(self.criteria.clone().map(DecisionPayload::Criteria));
        payloads.extend(self.parameters.clone().map(DecisionPayload::Parameters));
        payloads
    }

    /// The proposal as format version 2 writes it; refused when it carries
    /// more than one payload, which version 2 cannot write.
    pub fn to_proposal(&self) -> Result<DecisionProposal, ValidationError> {
        let mut payloads = self.payloads();
        if payloads.len() > 1 {
            return Err(ValidationError::new(
                "payload",
                "a proposal carries one payload, for its type",
            ));
        }
        Ok(DecisionProposal {
            decision_type: self.decision_type,
            title: self.title.clone(),
            text: self.text.clone(),
            deadline: self.deadline,
            references: self.references.clone(),
            payload: payloads.pop(),
        })
    }
}

/// A step of the graduated ladder applied to a formation, to be complied with by a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureSpec {
    pub formation: FormationId,
    /// The ladder step's id, such as "notice" or "joint-demarche".
    pub step: String,
    pub comply_by: Date,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceOutcome {
    Complied,
    Partly,
    NotComplied,
}

/// A guarantor records whether the formation complied with an adopted measure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MeasureCompliance {
    pub decision: DecisionId,
    pub outcome: ComplianceOutcome,
    pub note: String,
}

impl Validate for MeasureCompliance {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.note.trim().is_empty() {
            return Err(ValidationError::new("note", "must say what was observed"));
        }
        Ok(())
    }
}

impl Validate for DecisionProposed {
    fn validate(&self) -> Result<(), ValidationError> {
        if (self.decision_type == DecisionType::Measure) != self.measure.is_some() {
            return Err(ValidationError::new(
                "measure",
                "a measure proposal names its formation, step and date, and only a measure does",
            ));
        }
        if (self.decision_type == DecisionType::Exchange) != self.exchange.is_some() {
            return Err(ValidationError::new(
                "exchange",
                "an exchange proposal names its number, place, date and persons, and only an exchange does",
            ));
        }
        if self.agreement.is_some() && self.decision_type != DecisionType::Agreement {
            return Err(ValidationError::new(
                "agreement",
                "only an agreement decision carries one",
            ));
        }
        if let Some(agreement) = &self.agreement {
            agreement.validate().map_err(|e| e.within("agreement"))?;
        }
        self.check_status()?;
        if self.criteria.is_some() && self.decision_type != DecisionType::Criteria {
            return Err(ValidationError::new(
                "criteria",
                "only a criteria decision carries a criteria file",
            ));
        }
        if let Some(exchange) = &self.exchange {
            exchange.validate().map_err(|e| e.within("exchange"))?;
        }
        if (self.decision_type == DecisionType::Parameters) != self.parameters.is_some() {
            return Err(ValidationError::new(
                "parameters",
                "a parameters proposal carries the register's parameters, and only it does",
            ));
        }
        if let Some(parameters) = &self.parameters {
            parameters.validate().map_err(|e| e.within("parameters"))?;
        }
        if self.title.trim().is_empty() || self.title.chars().count() > 300 {
            return Err(ValidationError::new("title", "must be 1 to 300 characters"));
        }
        if self.text.trim().is_empty() {
            return Err(ValidationError::new(
                "text",
                "must say what is to be decided",
            ));
        }
        Ok(())
    }
}

impl DecisionProposed {
    fn check_status(&self) -> Result<(), ValidationError> {
        let Some(spec) = &self.status else {
            return Ok(());
        };
        let fits = match self.decision_type {
            DecisionType::Designation => spec.status == FormationStatus::Excluded,
            DecisionType::Reinstatement => spec.status != FormationStatus::Excluded,
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(ValidationError::new(
                "status",
                "a designation excludes a formation, a reinstatement takes it back; no other decision changes a status",
            ))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Vote {
    Endorse,
    Object,
}

/// A guarantor's vote; its latest vote counts while the decision is open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionVote {
    pub decision: DecisionId,
    pub vote: Vote,
    /// Why; required for an objection, so that dissent is on the Record.
    pub reason: String,
}

impl Validate for DecisionVote {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.vote == Vote::Object && self.reason.trim().is_empty() {
            return Err(ValidationError::new(
                "reason",
                "an objection must give its reason",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_objection_needs_a_reason() {
        let vote = DecisionVote {
            decision: DecisionId(4),
            vote: Vote::Object,
            reason: " ".into(),
        };
        assert_eq!(vote.validate().unwrap_err().field, "reason");
        let endorse = DecisionVote {
            vote: Vote::Endorse,
            ..vote
        };
        assert!(endorse.validate().is_ok());
    }

    #[test]
    fn decision_types_parse_from_their_names() {
        assert_eq!(
            "measure".parse::<DecisionType>().unwrap(),
            DecisionType::Measure
        );
        assert!("sanction".parse::<DecisionType>().is_err());
    }
}
