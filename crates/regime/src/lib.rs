//! The register: what the guarantors have filed, grouped and assessed, and
//! what follows from it — incidents, findings, bulletins. Everything here is
//! a pure function of the Record's statements, so every node that replays
//! the Record derives the same incidents, the same findings and
//! byte-identical bulletins.
//!
//! `Register` is both the rules (it implements `truce_record::Rules`, so
//! the node refuses a report about an unknown formation before storing it)
//! and the projection (queries and bulletins read it). It is a thin front
//! over its parts — formations, reports and incidents, decisions, the
//! calendar of agreements, exchanges — each of which checks and applies its
//! own statements; what one part's statement does to another comes back as
//! effects that the front routes (`register.rs`).

mod access;
mod agreements;
mod bulletin;
mod cases;
mod chunked;
mod complaints;
mod compliance;
mod coverage;
mod criteria;
mod decisions;
mod derived;
mod edition;
mod effects;
mod error;
mod exchange;
mod export;
mod findings;
mod formations;
mod incidents;
mod map;
mod measures;
mod observation;
mod origin;
mod register;
mod report;
mod report_facts;
mod report_table;
mod reports;
mod requests;
mod response;
mod saved;
mod saved_ids;
mod wording;
mod zones;

pub use access::{AccessBook, AccessTally, Restriction};
pub use agreements::{Agreement, Document, Meeting, Version, ZoneHit};
pub use bulletin::{Bulletin, PartyTally, ALL_GUARANTORS};
pub use cases::{
    Case, CaseBook, CaseDue, CaseStep, CaseTally, Closure, PartyPosition, Tasking, Visit,
};
pub use complaints::{ComplaintBook, ComplaintOutcome, COMPLAINT_MEDIA_TYPE};
pub use compliance::{Compliance, Failure};
pub use coverage::{day_bounds, Asset, CoverageBook, Observation, StatusFrom};
pub use criteria::{Criteria, Criterion, Test};
pub use decisions::{Ballot, ComplianceRecord, Decision, DecisionStatus};
pub use edition::{published_coordinate, Edition};
pub use error::RegimeError;
pub use exchange::{
    ExchangeKey, ExchangeList, ExchangeProject, InterviewOutcome, MatchRecord, ProjectPerson,
};
pub use export::{acled_csv, incidents_geojson, inter_code, source_scale, ExportLevel};
pub use findings::{Finding, FindingKind};
pub use formations::{Formation, StatusPeriod};
pub use incidents::Incident;
pub use map::{
    BoundingBox, Cluster, MapDetails, MapFeature, MapFilter, MapFinding, MapIncident, MapIndex,
    MapSelection, MapView, MAX_ZOOM, SEPARATE_FROM_ZOOM,
};
pub use measures::Suggestion;
pub use observation::{CoverageTally, DayObservation, GovernorateObservation, Named};
pub use register::Register;
pub use reports::Report;
pub use requests::{Answer, Request, RequestBook, RequestState, RequestTally};
pub use response::{ComplianceLine, ExchangeTally, MeasureLine, ResponseTally};
pub use truce_model::{default_ladder, FindingRule, GroupingConfig, LadderStep, RegisterConfig};
pub use wording::Language;
pub use zones::zones_from_geojson;
