//! The parameters that change what the register derives (grouping, the
//! finding rule, decision rules, the measures ladder, the mechanism's
//! day). They are part of the Record — set in the genesis statement and
//! changed only by an adopted decision — so every copy derives the same
//! findings and bulletins from the same statements.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{CaseDeadlines, DecisionType, Validate, ValidationError};

/// When reports of different guarantors are taken to describe one event.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupingConfig {
    /// Greatest distance between the reported points.
    pub max_distance_km: f64,
    /// Greatest difference between the reported times.
    pub window_hours: i64,
}

impl Default for GroupingConfig {
    fn default() -> Self {
        Self {
            max_distance_km: 5.0,
            window_hours: 12,
        }
    }
}

/// How many guarantors must agree for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingRule {
    /// Every guarantor party.
    Unanimity,
    /// At least this many guarantor parties.
    AtLeast(u32),
}

impl FindingRule {
    pub fn holds(self, agreeing: usize, guarantors: usize) -> bool {
        match self {
            FindingRule::Unanimity => guarantors > 0 && agreeing >= guarantors,
            FindingRule::AtLeast(k) => agreeing >= k as usize && k > 0,
        }
    }

    pub fn describe(self, guarantors: usize) -> String {
        match self {
            FindingRule::Unanimity => format!("all {guarantors} guarantors"),
            FindingRule::AtLeast(k) => format!("{k} of {guarantors} guarantors"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegisterConfig {
    pub grouping: GroupingConfig,
    pub finding_rule: FindingRule,
    /// The rule per decision type; unanimity where none is given.
    #[serde(default)]
    pub decision_rules: BTreeMap<DecisionType, FindingRule>,
    /// The graduated measures, mildest first.
    #[serde(default = "default_ladder")]
    pub ladder: Vec<LadderStep>,
    /// The mechanism's time, in minutes east of UTC, that decides which day
    /// "today" is (a fixed offset, so every copy agrees: Syria keeps UTC+3).
    #[serde(default = "default_utc_offset")]
    pub utc_offset_minutes: i16,
    /// How far a statement's claimed time may be from the node's clock
    /// when it arrives.
    #[serde(default = "default_clock_skew")]
    pub max_clock_skew_seconds: u32,
    /// What the public editions tell. Left out of the encoding while it is
    /// the default, so Records founded before it encode as they did.
    #[serde(default, skip_serializing_if = "PublicViews::is_default")]
    pub public: PublicViews,
    /// How long each step of a verification case may take; left out of the
    /// encoding while it is the default, as `public` is.
    #[serde(default, skip_serializing_if = "CaseDeadlines::is_default")]
    pub cases: CaseDeadlines,
}

/// What the public may know, one setting applied alike by every public
/// view (the bulletin, `/reports`, the ACLED CSV, the GeoJSON and map):
/// whichever view a reader joins with another, none tells more than this.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicViews {
    /// Whether the public may know which guarantor party filed a report:
    /// each guarantor's counts in the public bulletin, a report's party in
    /// `/reports` and the CSV. Guarantors publish their own registers, so
    /// by default it may; when not, the public bulletin counts all
    /// guarantors' reports together.
    #[serde(default = "filing_party_public")]
    pub filing_party: bool,
    /// Decimal places of the coordinates the public sees (2: about 1 km;
    /// 0 to 6).
    #[serde(default = "default_coordinate_decimals")]
    pub coordinate_decimals: u8,
}

fn filing_party_public() -> bool {
    true
}

fn default_coordinate_decimals() -> u8 {
    2
}

impl Default for PublicViews {
    fn default() -> Self {
        Self {
            filing_party: filing_party_public(),
            coordinate_decimals: default_coordinate_decimals(),
        }
    }
}

impl PublicViews {
    pub fn is_default(&self) -> bool {
        *self == PublicViews::default()
    }

    /// A coordinate as the public sees it: rounded to the decimals the
    /// mechanism publishes (rounding keeps order, so a rounded point stays
    /// within rounded bounds).
    pub fn coordinate(&self, value: f64) -> f64 {
        let scale = 10f64.powi(i32::from(self.coordinate_decimals));
        (value * scale).round() / scale
    }
}

fn default_clock_skew() -> u32 {
    300
}

fn default_utc_offset() -> i16 {
    180
}

/// One step of the graduated measures: suggested once a formation has this
/// many confirmed violations in the window, or as many serious or minor
/// violations found by closed verification cases, or when the step before
/// it was not complied with by its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LadderStep {
    pub id: String,
    pub name: String,
    pub confirmed_violations: usize,
    pub days: i64,
    /// Days the formation is given to comply.
    pub comply_within_days: i64,
    /// Serious violations found by cases that reach this step; none when
    /// absent (and absent from the encoding, so earlier Records read alike).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious_violations: Option<usize>,
    /// Minor violations found by cases that reach this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minor_violations: Option<usize>,
    /// Confirmed violations of acts an agreement prohibits (reports citing
    /// the clause) that reach this step; none when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prohibited_acts: Option<usize>,
}

/// notice → joint démarche → public statement → suspension of benefits →
/// referral for exclusion.
pub fn default_ladder() -> Vec<LadderStep> {
    let step = |id: &str,
                name: &str,
                confirmed_violations,
                (serious, minor): (usize, usize),
                comply_within_days| LadderStep {
        id: id.into(),
        name: name.into(),
        confirmed_violations,
        days: 30,
        comply_within_days,
        serious_violations: Some(serious),
        minor_violations: Some(minor),
        prohibited_acts: None,
    };
    // One serious violation weighs as much as three minor ones.
    vec![
        step("notice", "Notice", 1, (1, 2), 14),
        step("joint-demarche", "Joint démarche", 3, (2, 5), 14),
        step("public-statement", "Public statement", 5, (3, 8), 14),
        step("suspension", "Suspension of benefits", 8, (5, 12), 30),
        step("referral", "Referral for exclusion", 12, (7, 18), 30),
    ]
}

impl Default for RegisterConfig {
    fn default() -> Self {
        Self {
            grouping: GroupingConfig::default(),
            finding_rule: FindingRule::Unanimity,
            decision_rules: BTreeMap::new(),
            ladder: default_ladder(),
            utc_offset_minutes: default_utc_offset(),
            max_clock_skew_seconds: default_clock_skew(),
            public: PublicViews::default(),
            cases: CaseDeadlines::default(),
        }
    }
}

impl RegisterConfig {
    /// The mechanism's day at `time`.
    pub fn day_of(&self, time: Timestamp) -> Date {
        let offset =
            Offset::from_seconds(i32::from(self.utc_offset_minutes) * 60).unwrap_or(Offset::UTC);
        time.to_zoned(TimeZone::fixed(offset)).date()
    }
}

impl Validate for RegisterConfig {
    fn validate(&self) -> Result<(), ValidationError> {
        let bad = |field: &str, reason: &str| ValidationError::new(field, reason);
        let distance = self.grouping.max_distance_km;
        if !(distance.is_finite() && distance > 0.0 && distance <= 100.0) {
            return Err(bad(
                "grouping.max_distance_km",
                "must be above 0 and at most 100",
            ));
        }
        if !(1..=24 * 14).contains(&self.grouping.window_hours) {
            return Err(bad("grouping.window_hours", "must be 1 to 336 hours"));
        }
        if self.finding_rule == FindingRule::AtLeast(0) {
            return Err(bad("finding_rule", "at_least needs 1 or more"));
        }
        if self
            .decision_rules
            .values()
            .any(|r| *r == FindingRule::AtLeast(0))
        {
            return Err(bad("decision_rules", "at_least needs 1 or more"));
        }
        if !(1..=86_400).contains(&self.max_clock_skew_seconds) {
            return Err(bad("max_clock_skew_seconds", "must be 1 to 86400"));
        }
        if self.public.coordinate_decimals > 6 {
            return Err(bad("public.coordinate_decimals", "must be 0 to 6"));
        }
        if !(-720..=840).contains(&self.utc_offset_minutes) {
            return Err(bad("utc_offset_minutes", "must be -720 to 840"));
        }
        self.cases.validate()?;
        let mut ids = std::collections::HashSet::new();
        for (i, step) in self.ladder.iter().enumerate() {
            if step.id.trim().is_empty() || !ids.insert(step.id.as_str()) {
                return Err(ValidationError::new(
                    format!("ladder[{i}].id"),
                    "must be non-empty and unique",
                ));
            }
            if step.days < 1 || step.comply_within_days < 1 {
                return Err(ValidationError::new(
                    format!("ladder[{i}]"),
                    "days and comply_within_days must be 1 or more",
                ));
            }
        }
        Ok(())
    }
}
