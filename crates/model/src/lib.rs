//! Domain types of a ceasefire mechanism and their validation.
//!
//! This crate knows nothing of signatures, storage or HTTP: it says what a
//! well-formed statement body is, and which role may make which kind of
//! statement. Everything here is pure and deterministic, because every node
//! must reach the same verdict when it replays the Record.

// First, so that its `checked_string!` serves the modules below.
#[macro_use]
mod names;
mod access;
mod agreement;
mod case;
mod decision;
mod error;
mod exchange;
mod kind;
mod membership;
mod parameters;
mod register;
mod request;

pub use access::{
    AccessActor, AccessId, AccessKind, AccessPlace, AccessRestricted, AssetId, AssetKind,
    AssetRegistered, AssetStatus, AssetStatusChanged, Covers, Point, MAX_ASSET_NAME_CHARS,
    MAX_PREVENTED_CHARS,
};
pub use agreement::{
    document_media_type_of_extension, AgreementSpec, Clause, DocumentApproved, DocumentVersion,
    Handle, MeetingLevel, MeetingRecorded, MeetingStatus, ProhibitedAct, StatusSpec, Zone,
    ZoneGeometry, ZoneKind, DOCUMENT_MEDIA_TYPES,
};
pub use case::{
    CaseDeadlines, CaseId, CaseOpened, CasePosition, CaseSubject, CaseTasked, CaseVisited,
    Severity, VisitPlace, MAX_CASE_NAME_CHARS, MAX_CASE_TEXT_CHARS,
};
pub use decision::{
    ComplianceOutcome, DecisionId, DecisionPayload, DecisionProposal, DecisionProposed,
    DecisionType, DecisionVote, MeasureCompliance, MeasureSpec, Vote,
};
pub use error::ValidationError;
pub use exchange::{
    ExchangeInterview, ExchangeKeyPublished, ExchangeListSubmitted, ExchangeMatch, ExchangeRelease,
    ExchangeSpec, ListDirection, ListEntry, ListId, MatchVerdict, PersonCategory, PersonRef,
    SealedBox, SealedFor, VulnerableCounts, MAX_LIST_ENTRIES,
};
pub use kind::Kind;
pub use membership::{
    FoundingMember, Genesis, KeyRevoked, KeyRotated, MemberAdmitted, Note, Witness, MAX_NOTE_CHARS,
};
pub use names::{MemberName, Party, PublicKeyBytes, Role};
pub use parameters::{
    default_ladder, FindingRule, GroupingConfig, LadderStep, PublicViews, RegisterConfig,
};
pub use register::prefixed_position;
pub use register::{
    Actor, Assessment, Casualties, ComplaintDeclined, Evidence, FormationId, FormationRegistered,
    FormationStatus, FormationStatusChanged, GeoPrecision, IncidentLink, Location, Observation,
    Outcome, PersonStatus, Position, ReportAmended, ReportFields, ReportFiled, ReportId,
    ReportWithdrawn, Side, Source, SourceKind, TimePrecision, ViolationType, MAX_EVIDENCE_BYTES,
};
pub use request::{RequestAnswered, RequestId, RequestMade, RequestSubject, MAX_REQUEST_CHARS};

/// Implemented by every statement body: checks what serde cannot.
pub trait Validate {
    fn validate(&self) -> Result<(), ValidationError>;
}
