//! Decisions: proposals, each guarantor party's vote and reason, the rule,
//! where each decision stands at a time, and the dissent. The public sees
//! adopted decisions only, and of them only what was decided about.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{DecisionId, DecisionType};
use truce_regime::{Decision, DecisionStatus, Register};

use crate::{Audience, Page, Paging, QueryError};

/// One guarantor party's vote.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotView {
    /// `endorse` or `object`.
    pub vote: String,
    /// Why (the proposer's own party reads `proposed it`).
    pub reason: String,
    /// The member who cast it.
    pub member: String,
    /// Position of the statement that cast it.
    pub position: u64,
}

/// An objection and its reason: kept whatever the outcome.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DissentView {
    pub party: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    /// Position of the statement that proposed it.
    pub id: u64,
    /// `D-` and the id.
    pub name: String,
    /// `measure`, `designation`, `reinstatement`, `criteria`, `agreement`,
    /// `document`, `exchange`, `parameters` or `other`.
    #[serde(rename = "type")]
    pub decision_type: String,
    pub title: String,
    /// As of now: `open`, `adopted`, `rejected` or `expired`.
    pub status: String,
    /// Position of the vote that adopted or rejected it, once settled.
    pub settled_at: Option<u64>,
    /// The text to be adopted, as drafted (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// RFC 3339; votes after it are refused (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Positions of the entries it rests on (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<u64>>,
    /// Member who proposed it (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposed_by: Option<String>,
    /// Guarantor party that proposed it (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// The rule for its type, e.g. "all 3 guarantors" (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// Each guarantor party's latest vote, `null` for a party that has not
    /// voted (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<BTreeMap<String, BallotView>>))]
    pub votes: Option<BTreeMap<String, Option<BallotView>>>,
    /// Objections with their reasons (with a token only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dissent: Option<Vec<DissentView>>,
}

fn settled_at(status: DecisionStatus) -> Option<u64> {
    match status {
        DecisionStatus::Adopted { at } | DecisionStatus::Rejected { at } => Some(at),
        DecisionStatus::Open | DecisionStatus::Expired => None,
    }
}

fn decision_view(
    register: &Register,
    decision: &Decision,
    now: Timestamp,
    audience: Audience,
) -> DecisionView {
    let full = audience.is_member();
    let status = decision.status_at(now);
    let votes = || {
        let mut votes: BTreeMap<String, Option<BallotView>> = register
            .guarantors()
            .iter()
            .map(|party| (party.to_string(), None))
            .collect();
        for (party, ballot) in &decision.votes {
            votes.insert(
                party.clone(),
                Some(BallotView {
                    vote: serde_json::to_value(ballot.vote)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    reason: ballot.reason.clone(),
                    member: ballot.member.to_string(),
                    position: ballot.position,
                }),
            );
        }
        votes
    };
    DecisionView {
        id: decision.id.0,
        name: decision.id.to_string(),
        decision_type: decision.decision_type.as_str().to_string(),
        title: decision.title.clone(),
        status: status.label().to_string(),
        settled_at: settled_at(status),
        text: full.then(|| decision.text.clone()),
        deadline: full.then(|| decision.deadline.to_string()),
        references: full.then(|| decision.references.clone()),
        proposed_by: full.then(|| decision.proposed_by.to_string()),
        party: full.then(|| decision.party.to_string()),
        rule: full.then(|| decision.rule.clone()),
        votes: full.then(votes),
        dissent: full.then(|| {
            decision
                .dissent()
                .into_iter()
                .map(|(party, reason)| DissentView {
                    party: party.to_string(),
                    reason: reason.to_string(),
                })
                .collect()
        }),
    }
}

/// Where a decision stands at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionStatusName {
    Open,
    Adopted,
    Rejected,
    Expired,
}

impl DecisionStatusName {
    pub const ALL: [DecisionStatusName; 4] = [
        DecisionStatusName::Open,
        DecisionStatusName::Adopted,
        DecisionStatusName::Rejected,
        DecisionStatusName::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionStatusName::Open => "open",
            DecisionStatusName::Adopted => "adopted",
            DecisionStatusName::Rejected => "rejected",
            DecisionStatusName::Expired => "expired",
        }
    }

    fn of(status: DecisionStatus) -> Self {
        match status {
            DecisionStatus::Open => DecisionStatusName::Open,
            DecisionStatus::Adopted { .. } => DecisionStatusName::Adopted,
            DecisionStatus::Rejected { .. } => DecisionStatusName::Rejected,
            DecisionStatus::Expired => DecisionStatusName::Expired,
        }
    }
}

impl std::str::FromStr for DecisionStatusName {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::one_of(&DecisionStatusName::ALL, DecisionStatusName::as_str, text)
    }
}

/// Which decisions: all conditions given must hold.
#[derive(Debug, Clone, Default)]
pub struct DecisionFilter {
    pub status: Option<DecisionStatusName>,
    pub decision_type: Option<DecisionType>,
}

/// Decisions in Record order, as they stand at `now`. The public may ask
/// for adopted decisions only.
pub fn decisions(
    register: &Register,
    filter: &DecisionFilter,
    paging: Paging,
    now: Timestamp,
    audience: Audience,
) -> Result<Page<DecisionView>, QueryError> {
    let full = audience.is_member();
    if !full
        && filter
            .status
            .is_some_and(|s| s != DecisionStatusName::Adopted)
    {
        return Err(QueryError::invalid(
            "status",
            "open, rejected and expired decisions are for members only",
        ));
    }
    let matching: Vec<&Decision> = register
        .decisions()
        .filter(|d| {
            let status = DecisionStatusName::of(d.status_at(now));
            (full || status == DecisionStatusName::Adopted)
                && filter.status.is_none_or(|w| status == w)
                && filter.decision_type.is_none_or(|t| d.decision_type == t)
        })
        .collect();
    Ok(paging.page(matching, |d| decision_view(register, d, now, audience)))
}

/// One decision as it stands at `now`; `None` also for a decision the
/// audience may not read (the public is not told whether it exists).
pub fn decision(
    register: &Register,
    id: DecisionId,
    now: Timestamp,
    audience: Audience,
) -> Option<DecisionView> {
    register
        .decision(id)
        .filter(|d| {
            audience.is_member() || matches!(d.status_at(now), DecisionStatus::Adopted { .. })
        })
        .map(|d| decision_view(register, d, now, audience))
}
