//! Who may read what. Statements need no token: a statement's signature is
//! its authentication, and the node checks it. An evidence upload is not
//! signed, so it takes a guarantor's token (`Resource::EvidenceUpload`).
//! Reads are by access level:
//! anonymous callers are `Public`; a bearer token names a member and the
//! access its role gives.
//!
//! Tokens are the node's own files (`truce_node::tokens`); the file is
//! re-read when it changes, so a revocation takes effect on the next
//! request without a restart.
//!
//! The policy is the one table in [`Resource::least_access`]; handlers ask
//! the [`Caller`] extractor (or [`Allowed`], for routes the public may
//! not read at all) and never look at
//! roles themselves.

use std::marker::PhantomData;

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::Serialize;
use truce_model::{MemberName, Role};

use crate::{AppState, ServerError};

/// How much a caller may read, in increasing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    Public,
    Observer,
    Guarantor,
}

impl Access {
    pub fn as_str(self) -> &'static str {
        match self {
            Access::Public => "public",
            Access::Observer => "observer",
            Access::Guarantor => "guarantor",
        }
    }

    /// The access a member's role gives. The operator and the intermediary
    /// read as observers: they take no position on the register. Detainee
    /// identities are never served: lists are sealed to the intermediary's
    /// and the submitter's keys, and opened on their own machines.
    pub fn of_role(role: Role) -> Access {
        match role {
            Role::GuarantorMember => Access::Guarantor,
            Role::Observer | Role::Intermediary | Role::Operator => Access::Observer,
        }
    }
}

/// Everything the API serves, by what it reveals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    /// Mechanism name, node key, checkpoints, proofs without entry bytes.
    Verification,
    Formations,
    /// Findings without positions or dissent; counts.
    PublicFindings,
    /// Findings with each guarantor's position and the dissent.
    FullFindings,
    PublicBulletin,
    InternalBulletin,
    /// Reports without narrative, sources, evidence, observation or filer
    /// (what the public ACLED export already shows).
    RedactedReports,
    /// Reports as filed.
    FullReports,
    /// Incidents with their reports side by side and the assessments.
    Incidents,
    /// Raw signed entries (they hold narratives) and the members list.
    Entries,
    /// The review queue of ingested texts.
    Drafts,
    /// Adding to the review queue: those who may file reports, within
    /// their quota.
    Ingest,
    /// Adopted decisions only: id, type, title, status and the position
    /// that adopted them; no text, votes or dissent.
    AdoptedDecisions,
    /// Every decision (open, adopted, rejected, expired) with its text,
    /// rule, each party's vote and reason, and the dissent.
    Decisions,
    /// Exchange lists by their counts, matches and projects by persons'
    /// places on lists: never identities, which no node can read.
    ExchangeStatus,
    /// Evidence files, by their SHA-256 (what reports as filed name).
    Evidence,
    /// Storing an evidence file for a report about to be filed: only the
    /// members who file reports.
    EvidenceUpload,
    /// The live stream of what is admitted: who filed, assessed, proposed
    /// or voted, with one-line summaries (no narratives).
    LiveEvents,
    /// Complaints sent from outside the mechanism, with their texts and
    /// the complainants' contacts.
    Complaints,
    /// Requests for clarification between the parties, and their answers.
    Requests,
    /// Verification cases: tasks, visits, positions, findings.
    Cases,
    /// Each governorate's observation state on a day: what the public map
    /// shows beside the incidents.
    Coverage,
    /// The monitoring assets, where they stand and when each was down.
    Assets,
    /// Restrictions of the monitors' access, with the member who recorded
    /// each and the exact point.
    Access,
}

impl Resource {
    /// The one access table of the API.
    pub fn least_access(self) -> Access {
        match self {
            Resource::Verification
            | Resource::Formations
            | Resource::PublicFindings
            | Resource::PublicBulletin
            | Resource::RedactedReports
            | Resource::AdoptedDecisions
            | Resource::Coverage => Access::Public,
            Resource::Ingest => Access::Guarantor,
            // Observers read everything a guarantor reads, until the
            // mechanism decides otherwise: change it here and nowhere else.
            Resource::FullFindings
            | Resource::InternalBulletin
            | Resource::FullReports
            | Resource::Incidents
            | Resource::Entries
            | Resource::Drafts
            | Resource::Decisions
            | Resource::ExchangeStatus
            | Resource::Evidence
            | Resource::LiveEvents
            | Resource::Complaints
            | Resource::Requests
            | Resource::Cases
            | Resource::Assets
            | Resource::Access => Access::Observer,
            Resource::EvidenceUpload => Access::Guarantor,
        }
    }
}

/// Who is asking: anonymous, or the member a valid token names.
#[derive(Debug, Clone)]
pub struct Caller {
    pub access: Access,
    pub member: Option<MemberName>,
}

impl Caller {
    pub fn may(&self, resource: Resource) -> bool {
        self.access >= resource.least_access()
    }

    /// Refuses with 401 when a token would help, 403 when the token held is
    /// not enough.
    pub fn require(&self, resource: Resource) -> Result<(), ServerError> {
        if self.may(resource) {
            Ok(())
        } else if self.member.is_none() {
            Err(ServerError::Unauthenticated)
        } else {
            Err(ServerError::Forbidden(format!(
                "{} access does not allow this",
                self.access.as_str()
            )))
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(header) = parts.headers.get(AUTHORIZATION) else {
            return Ok(Caller {
                access: Access::Public,
                member: None,
            });
        };
        // A wrong or revoked token is refused rather than read as anonymous,
        // so a client never mistakes a public answer for a full one.
        let secret = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(ServerError::BadToken)?;
        let record = state.tokens.lookup(secret)?.ok_or(ServerError::BadToken)?;
        // A token reads for its member only while the Record says the
        // member may still sign: a revocation ends it on the next request,
        // with no change to the token file.
        let role = state
            .ledger
            .with_registry(|r| r.member_in_good_standing(&record.member).map(|m| m.role))
            .ok_or(ServerError::BadToken)?;
        tracing::Span::current().record("member", record.member.as_str());
        Ok(Caller {
            access: Access::of_role(role),
            member: Some(record.member),
        })
    }
}

/// What a route serves in full, for [`Allowed`].
pub trait Gate: Send + Sync + 'static {
    const RESOURCE: Resource;
}

macro_rules! gates {
    ($($(#[$doc:meta])* $name:ident => $resource:ident),* $(,)?) => {
        $($(#[$doc])* pub struct $name; impl Gate for $name { const RESOURCE: Resource = Resource::$resource; })*
    };
}

gates! {
    /// Incidents with their reports and assessments.
    IncidentsGate => Incidents,
    /// Raw entries and the members list.
    EntriesGate => Entries,
    /// The live stream of admitted statements.
    LiveEventsGate => LiveEvents,
}

/// A caller allowed to read `G`'s resource; refuses everyone else before
/// the handler runs.
pub struct Allowed<G: Gate>(pub Caller, PhantomData<G>);

impl<G: Gate> Allowed<G> {
    /// For a handler that decides from the path which gate applies.
    pub fn from_caller(caller: Caller) -> Result<Self, ServerError> {
        caller.require(G::RESOURCE)?;
        Ok(Allowed(caller, PhantomData))
    }
}

impl<G: Gate> FromRequestParts<AppState> for Allowed<G> {
    type Rejection = ServerError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = Caller::from_request_parts(parts, state).await?;
        caller.require(G::RESOURCE)?;
        Ok(Allowed(caller, PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_reads_no_narratives() {
        for resource in [
            Resource::InternalBulletin,
            Resource::FullReports,
            Resource::Entries,
            Resource::Incidents,
            Resource::Decisions,
        ] {
            assert!(resource.least_access() > Access::Public, "{resource:?}");
        }
    }
}
