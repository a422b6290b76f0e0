//! What the monitors could see, read from the whole register: each
//! governorate on a day, observed or not (coverage and access), with the
//! reports placed there that day, so that "no violation observed" is told
//! from "not observed"; and the bulletin's summary of both over its days,
//! with the restrictions of access per denying party.

use jiff::civil::Date;
use serde::Serialize;

use crate::access::AccessTally;
use crate::coverage::{day_bounds, Observation};
use crate::register::Register;

/// One governorate on one day.
#[derive(Debug, Clone, Serialize)]
pub struct GovernorateObservation {
    /// ISO 3166-2 code.
    pub code: String,
    pub name: String,
    pub observation: Observation,
    /// Active reports placed there that day.
    pub reports: usize,
}

impl GovernorateObservation {
    /// Observed, and nothing reported.
    pub fn no_violation_observed(&self) -> bool {
        self.observation == Observation::Observed && self.reports == 0
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Named {
    pub code: String,
    pub name: String,
}

/// The governorates of one day the bulletin speaks of.
#[derive(Debug, Clone, Serialize)]
pub struct DayObservation {
    pub day: Date,
    pub not_observed: Vec<Named>,
    /// Observed, with no report: "no violation observed".
    pub no_violation_observed: Vec<Named>,
}

/// What the bulletin says of coverage and access over its period.
#[derive(Debug, Clone, Serialize)]
pub struct CoverageTally {
    pub days: Vec<DayObservation>,
    /// Restrictions that began in the period, per denying party or formation.
    pub access: Vec<AccessTally>,
}

impl Register {
    /// Every governorate the gazetteer knows, in its order, on the
    /// mechanism's day `day`.
    pub fn observation_on(&self, day: Date) -> Vec<GovernorateObservation> {
        let (start, end) = day_bounds(&self.config, day);
        self.gazetteer
            .governorates()
            .iter()
            .map(|g| GovernorateObservation {
                code: g.code.clone(),
                name: g.name.clone(),
                observation: self.coverage.observation(&self.access, &g.code, start, end),
                reports: self.report_ids_in(&g.code, day, day).count(),
            })
            .collect()
    }

    /// The bulletin's account of what could be seen from `from` to `to`;
    /// `None` where the Record has said nothing of coverage or access by
    /// then, so that such a Record's bulletin reads as it always did.
    pub fn coverage_tally(&self, from: Date, to: Date) -> Option<CoverageTally> {
        let (start, _) = day_bounds(&self.config, from);
        let (_, end) = day_bounds(&self.config, to);
        let access = self.access.tally(start, end);
        if access.is_empty() && !self.coverage.any_registered_before(end) {
            return None;
        }
        let named = |g: &GovernorateObservation| Named {
            code: g.code.clone(),
            name: g.name.clone(),
        };
        let days = from
            .series(jiff::ToSpan::days(1))
            .take_while(|d| *d <= to)
            .map(|day| {
                let governorates = self.observation_on(day);
                DayObservation {
                    day,
                    not_observed: governorates
                        .iter()
                        .filter(|g| g.observation == Observation::NotObserved)
                        .map(named)
                        .collect(),
                    no_violation_observed: governorates
                        .iter()
                        .filter(|g| g.no_violation_observed())
                        .map(named)
                        .collect(),
                }
            })
            .collect();
        Some(CoverageTally { days, access })
    }
}
