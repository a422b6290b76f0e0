//! What applying a statement in one part of the register does to another:
//! a part returns effects, and the register (the front) routes each to the
//! part it concerns. An adopted decision is the one source of them today.

use truce_model::{DecisionId, FormationId, RegisterConfig};

use crate::agreements::Agreement;
use crate::criteria::Criteria;
use crate::formations::StatusPeriod;

#[derive(Debug, Clone)]
pub(crate) enum Effect {
    /// An adopted `parameters` decision: the register derives by these from
    /// now on (the incidents are grouped again under them).
    SetParameters(RegisterConfig),
    /// Adopted criteria replace those in force (the calendar part).
    SetCriteria(DecisionId, Criteria),
    /// An adopted agreement comes into force (the calendar part).
    PutInForce(Agreement),
    /// An adopted designation or reinstatement (the formations part).
    SetStatus {
        formation: FormationId,
        period: StatusPeriod,
    },
}
