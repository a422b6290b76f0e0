//! The report taxonomy: violation types and the wider event types, with
//! their ACLED equivalents so exports line up with ACLED-compatible CSV.

use serde::{Deserialize, Serialize};

/// The violation types are the register's own, so that a candidate read
/// from text and a signed report speak of the same thing.
pub use truce_model::ViolationType;

/// What a news event is: a violation, or one of the non-violent kinds the
/// mechanism also records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventType {
    Violation(ViolationType),
    Meeting,
    Agreement,
    Statement,
    DetaineeExchange,
}

impl EventType {
    /// ACLED (event type, sub-event type).
    pub fn acled(self) -> (&'static str, &'static str) {
        match self {
            EventType::Violation(v) => v.acled(),
            EventType::Agreement | EventType::DetaineeExchange => {
                ("Strategic developments", "Agreement")
            }
            EventType::Meeting | EventType::Statement => ("Strategic developments", "Other"),
        }
    }

    /// The snake_case name used in test data ("shelling", "meeting", ...).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Violation(v) => v.as_str(),
            EventType::Meeting => "meeting",
            EventType::Agreement => "agreement",
            EventType::Statement => "statement",
            EventType::DetaineeExchange => "detainee_exchange",
        }
    }
}
