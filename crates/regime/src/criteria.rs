//! The criteria of the ceasefire regime: a small declarative file that
//! says what a formation must meet to stay in the regime, and the
//! compliance of each formation as of a date, with the findings and
//! reports behind every failed criterion.
//!
//! ```toml
//! [[criterion]]
//! id = "adherence"
//! kind = "declared_adherence"
//!
//! [[criterion]]
//! id = "no-shelling"
//! kind = "no_confirmed_violations"
//! types = ["shelling", "air_strike"]   # all types when left out
//! days = 30
//! max = 0
//! requires = ["adherence"]             # judged only where these pass
//!
//! [[criterion]]
//! id = "let-monitors-through"
//! kind = "no_access_denials"
//! kinds = ["denial", "jamming"]        # all kinds when left out
//! days = 30
//! max = 0
//!
//! [[criterion]]
//! id = "apart-from-excluded"
//! kind = "no_co_location_with_excluded"
//! km = 5.0
//! days = 30
//! ```
//!
//! Compliance with the criteria, as of a date, is read from the whole
//! register (`compliance.rs`).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use truce_model::{AccessKind, ViolationType};

use crate::error::RegimeError;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Test {
    /// The formation's status on the date is "joined".
    DeclaredAdherence,
    /// At most `max` confirmed violations attributed to it in the last
    /// `days`: of these types (all when empty), and, when `acts` names
    /// clauses that prohibit acts (`agreement/clause` or the bare clause
    /// id), only those whose reports cite one of them.
    NoConfirmedViolations {
        types: Vec<ViolationType>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        acts: Vec<String>,
        days: i64,
        max: usize,
    },
    /// None of its reported positions within `km` of an excluded formation's
    /// in the last `days`.
    NoCoLocationWithExcluded { km: f64, days: i64 },
    /// At most `max` restrictions of the monitors' access of these kinds
    /// (all when empty) recorded against it as beginning in the last `days`.
    NoAccessDenials {
        kinds: Vec<AccessKind>,
        days: i64,
        max: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    pub id: String,
    pub requires: Vec<String>,
    pub test: Test,
}

/// A criterion as written; which fields apply depends on its kind.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WrittenCriterion {
    id: String,
    kind: String,
    #[serde(default)]
    requires: Vec<String>,
    types: Option<Vec<ViolationType>>,
    acts: Option<Vec<String>>,
    days: Option<i64>,
    max: Option<usize>,
    km: Option<f64>,
    kinds: Option<Vec<AccessKind>>,
}

impl WrittenCriterion {
    fn into_criterion(self) -> Result<Criterion, RegimeError> {
        let field = |name: &str| format!("criterion {}.{name}", self.id);
        let needs = |value: Option<i64>, name: &str| {
            value.ok_or_else(|| bad(field(name), "is required for this kind"))
        };
        let unused = |present: bool, name: &str| {
            if present {
                Err(bad(
                    field(name),
                    format!("does not apply to kind {:?}", self.kind),
                ))
            } else {
                Ok(())
            }
        };
        let test = match self.kind.as_str() {
            "declared_adherence" => {
                unused(self.types.is_some(), "types")?;
                unused(self.days.is_some(), "days")?;
                unused(self.max.is_some(), "max")?;
                unused(self.km.is_some(), "km")?;
                unused(self.kinds.is_some(), "kinds")?;
                unused(self.acts.is_some(), "acts")?;
                Test::DeclaredAdherence
            }
            "no_confirmed_violations" => {
                unused(self.km.is_some(), "km")?;
                unused(self.kinds.is_some(), "kinds")?;
                Test::NoConfirmedViolations {
                    types: self.types.clone().unwrap_or_default(),
                    acts: self.acts.clone().unwrap_or_default(),
                    days: needs(self.days, "days")?,
                    max: self.max.unwrap_or(0),
                }
            }
            "no_co_location_with_excluded" => {
                unused(self.acts.is_some(), "acts")?;
                unused(self.types.is_some(), "types")?;
                unused(self.max.is_some(), "max")?;
                unused(self.kinds.is_some(), "kinds")?;
                Test::NoCoLocationWithExcluded {
                    km: self.km.ok_or_else(|| bad(field("km"), "is required for this kind"))?,
                    days: needs(self.days, "days")?,
                }
            }
            "no_access_denials" => {
                unused(self.acts.is_some(), "acts")?;
                unused(self.types.is_some(), "types")?;
                unused(self.km.is_some(), "km")?;
                Test::NoAccessDenials {
                    kinds: self.kinds.clone().unwrap_or_default(),
                    days: needs(self.days, "days")?,
                    max: self.max.unwrap_or(0),
                }
            }
            other => {
                return Err(bad(
                    field("kind"),
                    format!(
                        "unknown kind {other:?}; one of declared_adherence, no_confirmed_violations, no_co_location_with_excluded, no_access_denials"
                    ),
                ))
            }
        };
        Ok(Criterion {
            id: self.id,
            requires: self.requires,
            test,
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriteriaFile {
    criterion: Vec<WrittenCriterion>,
}

/// Checked criteria, in an order where every criterion follows those it requires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criteria {
    pub criteria: Vec<Criterion>,
}

fn bad(field: String, reason: impl Into<String>) -> RegimeError {
    RegimeError::Config {
        field,
        reason: reason.into(),
    }
}

impl Criteria {
    /// Parses and checks a criteria file; errors name the line (from the
    /// TOML reader) or the criterion and field.
    pub fn from_toml(text: &str) -> Result<Self, RegimeError> {
        let file: CriteriaFile =
            toml::from_str(text).map_err(|e| bad("criteria file".into(), e.to_string()))?;
        let written: Vec<Criterion> = file
            .criterion
            .into_iter()
            .map(WrittenCriterion::into_criterion)
            .collect::<Result<_, _>>()?;
        let mut seen = BTreeSet::new();
        for criterion in &written {
            let valid_id = !criterion.id.is_empty()
                && criterion
                    .id
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
            if !valid_id {
                return Err(bad(
                    format!("criterion {:?}.id", criterion.id),
                    "use lower-case letters, digits and '-'",
                ));
            }
            if !seen.insert(criterion.id.as_str()) {
                return Err(bad(
                    format!("criterion {}.id", criterion.id),
                    "is used twice",
                ));
            }
            check_thresholds(criterion)?;
        }
        for criterion in &written {
            for required in &criterion.requires {
                if !seen.contains(required.as_str()) {
                    return Err(bad(
                        format!("criterion {}.requires", criterion.id),
                        format!("no criterion {required:?}"),
                    ));
                }
            }
        }
        Ok(Self {
            criteria: order_by_requirements(written)?,
        })
    }
}

fn check_thresholds(criterion: &Criterion) -> Result<(), RegimeError> {
    let field = |name: &str| format!("criterion {}.{name}", criterion.id);
    let days_ok = |days: i64| (1..=3650).contains(&days);
    match &criterion.test {
        Test::DeclaredAdherence => Ok(()),
        Test::NoConfirmedViolations { days, .. } if !days_ok(*days) => {
            Err(bad(field("days"), "must be 1 to 3650"))
        }
        Test::NoConfirmedViolations { .. } => Ok(()),
        Test::NoCoLocationWithExcluded { days, .. } if !days_ok(*days) => {
            Err(bad(field("days"), "must be 1 to 3650"))
        }
        Test::NoCoLocationWithExcluded { km, .. }
            if !(km.is_finite() && *km > 0.0 && *km <= 100.0) =>
        {
            Err(bad(field("km"), "must be above 0 and at most 100"))
        }
        Test::NoCoLocationWithExcluded { .. } => Ok(()),
        Test::NoAccessDenials { days, .. } if !days_ok(*days) => {
            Err(bad(field("days"), "must be 1 to 3650"))
        }
        Test::NoAccessDenials { .. } => Ok(()),
    }
}

/// Orders criteria so that each follows what it requires; refuses cycles.
fn order_by_requirements(criteria: Vec<Criterion>) -> Result<Vec<Criterion>, RegimeError> {
    let mut remaining = criteria;
    let mut ordered: Vec<Criterion> = Vec::new();
    while !remaining.is_empty() {
        let placed: BTreeSet<String> = ordered.iter().map(|c| c.id.clone()).collect();
        let (ready, waiting): (Vec<_>, Vec<_>) = remaining
            .into_iter()
            .partition(|c| c.requires.iter().all(|r| placed.contains(r)));
        if ready.is_empty() {
            let ids: Vec<_> = waiting.iter().map(|c| c.id.as_str()).collect();
            return Err(bad(
                "criteria".into(),
                format!("requirements form a cycle among {}", ids.join(", ")),
            ));
        }
        ordered.extend(ready);
        remaining = waiting;
    }
    Ok(ordered)
}
