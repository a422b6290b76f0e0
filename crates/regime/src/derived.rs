//! What readers derive from one state of the register and would otherwise
//! compute on every request: every finding, and the map's index. A state a
//! reader holds never changes, so each is computed at most once per state;
//! the writer's own state starts afresh with each statement it applies.

use std::sync::{Arc, OnceLock};

use crate::findings::Finding;
use crate::map::MapIndex;
use crate::register::Register;

#[derive(Default)]
pub(crate) struct Derived {
    findings: OnceLock<Arc<[Finding]>>,
    map: OnceLock<Arc<MapIndex>>,
}

/// A copy of a register is a new state to derive from; it starts with
/// nothing computed rather than share caches that one of the two copies
/// might outgrow.
impl Clone for Derived {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for Derived {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Derived")
            .field("findings", &self.findings.get().map(|f| f.len()))
            .field("map", &self.map.get().map(|m| m.len()))
            .finish()
    }
}

impl Register {
    /// Every incident's finding, in order of the incidents' first reports;
    /// computed once for this state.
    pub fn all_findings(&self) -> Arc<[Finding]> {
        self.derived
            .findings
            .get_or_init(|| self.findings().into())
            .clone()
    }

    /// The map's index of every incident with its finding; built once for
    /// this state, from the findings above.
    pub fn map_index(&self) -> Arc<MapIndex> {
        self.derived
            .map
            .get_or_init(|| Arc::new(MapIndex::new(self)))
            .clone()
    }
}
