//! What readers derive from one state of the register and would otherwise
//! compute on every request: every finding, and the map's index. A state a
//! reader holds never changes, so each is computed at most once per state.
//!
//! Most of it is the same from one state to the next: a statement touches
//! one incident, or none. The states published to readers one after the
//! other share a memo of each incident's finding and map point, keyed by
//! what the finding is judged from; a new state judges again only the
//! incidents whose reports, amendments or assessments changed, and all of
//! them when the formations, the guarantors or the rule did.
//!
//! The memo's keys are Record positions, which name one statement only
//! along one history. It is therefore shared only between a state and the
//! snapshots it publishes (`Rules::snapshot`); any other copy starts
//! with a memo of its own, and a state rebuilt after a failed commit is a
//! fresh one.

use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use truce_model::{FindingRule, ReportId};

use crate::findings::Finding;
use crate::incidents::Incident;
use crate::map::{MapIncident, MapIndex};

#[derive(Default)]
pub(crate) struct Derived {
    findings: OnceLock<Arc<[Arc<Finding>]>>,
    map: OnceLock<Arc<MapIndex>>,
    memo: Arc<Mutex<Memo>>,
}

/// What every finding rests on besides its own incident: when any of it
/// changes, every finding is judged again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct JudgedUnder {
    /// `Formations::revision`: exclusions decide findings.
    pub formations: u64,
    pub guarantors: usize,
    pub rule: FindingRule,
}

/// Each incident's finding as last derived, and its map point once built,
/// in the order of the incidents' ids (their first reports), which is the
/// order incidents are listed in: a new list is matched against it in one
/// walk, without hashing.
#[derive(Default)]
struct Memo {
    under: Option<JudgedUnder>,
    incidents: Vec<Memoised>,
}

impl Memo {
    /// The entry for `incident`, looked for from `*from` on and moving
    /// `*from` past it: asked in increasing order, the whole walk is linear.
    fn take_in_order(&mut self, incident: ReportId, from: &mut usize) -> Option<&mut Memoised> {
        while *from < self.incidents.len() && self.incidents[*from].finding.incident < incident {
            *from += 1;
        }
        let found = self.incidents.get_mut(*from)?;
        (found.finding.incident == incident).then_some(found)
    }
}

struct Memoised {
    /// `Reports::revision_of` the incident's reports when it was judged.
    revision: u64,
    finding: Arc<Finding>,
    point: Option<MapIncident>,
}

/// A plain copy of a register may take other statements than the
/// original; it starts with nothing derived and a memo of its own.
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
    /// For the next state along the same history (a statement applied, or
    /// a snapshot published): nothing derived yet, the same memo.
    pub(crate) fn next_state(&self) -> Self {
        Self {
            findings: OnceLock::new(),
            map: OnceLock::new(),
            memo: self.memo.clone(),
        }
    }

    fn memo(&self) -> MutexGuard<'_, Memo> {
        // A reader that panicked mid-way leaves entries that are each
        // still whole; the worst left is a finding judged again.
        self.memo
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Every finding of this state, in the order of `incidents`: taken
    /// from the memo where the incident's `revision` and reports are as
    /// they were judged, judged by `judge` otherwise.
    pub(crate) fn findings(
        &self,
        under: JudgedUnder,
        incidents: impl FnOnce() -> Vec<Incident>,
        revision: impl Fn(&Incident) -> u64,
        judge: impl Fn(&Incident) -> Finding,
    ) -> Arc<[Arc<Finding>]> {
        self.findings
            .get_or_init(|| {
                let mut memo = self.memo();
                if memo.under != Some(under) {
                    memo.incidents.clear();
                    memo.under = Some(under);
                }
                let incidents = incidents();
                let mut old = std::mem::take(&mut memo.incidents).into_iter().peekable();
                let mut kept = Vec::with_capacity(incidents.len());
                let findings = incidents
                    .iter()
                    .map(|incident| {
                        let revision = revision(incident);
                        // Both lists are in order of incident ids.
                        while old.next_if(|m| m.finding.incident < incident.id).is_some() {}
                        let memoised = match old.next_if(|m| m.finding.incident == incident.id) {
                            Some(m)
                                if m.revision == revision
                                    && m.finding.reports == incident.reports =>
                            {
                                m
                            }
                            _ => Memoised {
                                revision,
                                finding: Arc::new(judge(incident)),
                                point: None,
                            },
                        };
                        let finding = memoised.finding.clone();
                        kept.push(memoised);
                        finding
                    })
                    .collect();
                // Incidents merged away or withdrawn leave the memo here.
                memo.incidents = kept;
                findings
            })
            .clone()
    }

    /// Every finding of this state, if a reader has derived them already.
    pub(crate) fn findings_if_derived(&self) -> Option<Arc<[Arc<Finding>]>> {
        self.findings.get().cloned()
    }

    /// The map's index of this state, from its `findings`: each point is
    /// taken from the memo while its finding is the one memoised, built by
    /// `point` otherwise; `index` orders them.
    pub(crate) fn map(
        &self,
        findings: &[Arc<Finding>],
        point: impl Fn(&Finding) -> Option<MapIncident>,
        index: impl FnOnce(Vec<MapIncident>) -> MapIndex,
    ) -> Arc<MapIndex> {
        self.map
            .get_or_init(|| {
                let mut memo = self.memo();
                let mut from = 0;
                let points = findings
                    .iter()
                    .filter_map(
                        |finding| match memo.take_in_order(finding.incident, &mut from) {
                            Some(m) if Arc::ptr_eq(&m.finding, finding) => {
                                if m.point.is_none() {
                                    m.point = point(finding);
                                }
                                m.point.clone()
                            }
                            _ => point(finding),
                        },
                    )
                    .collect();
                Arc::new(index(points))
            })
            .clone()
    }
}
