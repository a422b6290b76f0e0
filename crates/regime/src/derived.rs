//! What readers derive from one state of the register and would otherwise
//! compute on every request: every finding, and the map's index. A state a
//! reader holds never changes, so each is computed at most once per state;
//! the writer's own state starts afresh with each statement it applies.

use std::sync::{Arc, OnceLock};

use crate::findings::Finding;
use crate::map::MapIndex;

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

impl Derived {
    /// Every finding of this state, computed by `compute` the first time.
    pub(crate) fn findings(&self, compute: impl FnOnce() -> Vec<Finding>) -> Arc<[Finding]> {
        self.findings.get_or_init(|| compute().into()).clone()
    }

    /// The map's index of this state, built by `build` the first time.
    pub(crate) fn map(&self, build: impl FnOnce() -> MapIndex) -> Arc<MapIndex> {
        self.map.get_or_init(|| Arc::new(build())).clone()
    }
}
