//! The report taxonomy: violation types and the wider event types, with
//! their ACLED equivalents so exports line up with ACLED-compatible CSV.

use serde::{Deserialize, Serialize};

/// A kind of ceasefire violation, as the mechanism's reports classify them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ViolationType {
    /// Artillery, mortar, rocket, missile or tank fire.
    Shelling,
    /// Aircraft, helicopter or drone strike.
    AirStrike,
    /// Ground attack, offensive, infiltration, armed clash.
    GroundAssault,
    /// Firing with small arms, machine guns, sniper fire.
    SmallArms,
    /// Improvised explosive device, mine, car bomb.
    Ied,
    /// Movement of forces or weapons into a restricted zone.
    MovementOfForces,
    /// Obstruction of humanitarian aid or of monitors.
    ObstructionOfAid,
    /// Detention or abduction.
    DetentionAbduction,
}

impl ViolationType {
    /// ACLED (event type, sub-event type) for this violation type.
    pub fn acled(self) -> (&'static str, &'static str) {
        match self {
            ViolationType::Shelling => (
                "Explosions/Remote violence",
                "Shelling/artillery/missile attack",
            ),
            ViolationType::AirStrike => ("Explosions/Remote violence", "Air/drone strike"),
            ViolationType::GroundAssault | ViolationType::SmallArms => ("Battles", "Armed clash"),
            ViolationType::Ied => (
                "Explosions/Remote violence",
                "Remote explosive/landmine/IED",
            ),
            ViolationType::MovementOfForces => {
                ("Strategic developments", "Change to group/activity")
            }
            ViolationType::ObstructionOfAid => ("Strategic developments", "Other"),
            ViolationType::DetentionAbduction => (
                "Violence against civilians",
                "Abduction/forced disappearance",
            ),
        }
    }

    /// The snake_case name used in JSON and test data.
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationType::Shelling => "shelling",
            ViolationType::AirStrike => "air_strike",
            ViolationType::GroundAssault => "ground_assault",
            ViolationType::SmallArms => "small_arms",
            ViolationType::Ied => "ied",
            ViolationType::MovementOfForces => "movement_of_forces",
            ViolationType::ObstructionOfAid => "obstruction_of_aid",
            ViolationType::DetentionAbduction => "detention_abduction",
        }
    }
}

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
