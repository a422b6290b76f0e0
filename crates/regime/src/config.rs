use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use truce_model::DecisionType;

use crate::RegimeError;

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
}

/// One step of the graduated measures: suggested once a formation has this
/// many confirmed violations in the window, or when the step before it was
/// not complied with by its date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LadderStep {
    pub id: String,
    pub name: String,
    pub confirmed_violations: usize,
    pub days: i64,
    /// Days the formation is given to comply.
    pub comply_within_days: i64,
}

/// notice → joint démarche → public statement → suspension of benefits →
/// referral for exclusion.
pub fn default_ladder() -> Vec<LadderStep> {
    let step = |id: &str, name: &str, confirmed_violations, comply_within_days| LadderStep {
        id: id.into(),
        name: name.into(),
        confirmed_violations,
        days: 30,
        comply_within_days,
    };
    vec![
        step("notice", "Notice", 1, 14),
        step("joint-demarche", "Joint démarche", 3, 14),
        step("public-statement", "Public statement", 5, 14),
        step("suspension", "Suspension of benefits", 8, 30),
        step("referral", "Referral for exclusion", 12, 30),
    ]
}

impl Default for RegisterConfig {
    fn default() -> Self {
        Self {
            grouping: GroupingConfig::default(),
            finding_rule: FindingRule::Unanimity,
            decision_rules: BTreeMap::new(),
            ladder: default_ladder(),
        }
    }
}

impl RegisterConfig {
    pub fn validate(&self) -> Result<(), RegimeError> {
        let bad = |field: &str, reason: &str| RegimeError::Config {
            field: field.into(),
            reason: reason.into(),
        };
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
        Ok(())
    }
}
