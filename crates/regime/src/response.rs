//! The bulletin's account of the response: measures adopted and pending,
//! compliance recorded, and persons released by each exchange.

use std::collections::BTreeMap;
use std::fmt::Write;

use jiff::civil::Date;
use jiff::Timestamp;
use serde::Serialize;
use truce_model::ComplianceOutcome;

use crate::decisions::{Decision, DecisionStatus};
use crate::register::Register;
use crate::reports::local_zone;
use crate::wording::Words;

#[derive(Debug, Clone, Serialize)]
pub struct MeasureLine {
    pub decision: String,
    pub formation: String,
    pub step: String,
    pub comply_by: Date,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComplianceLine {
    pub decision: String,
    pub formation: String,
    pub step: String,
    pub party: String,
    pub outcome: ComplianceOutcome,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ResponseTally {
    /// Measures adopted during the period.
    pub adopted: Vec<MeasureLine>,
    /// Measures proposed and still undecided at the period's end (internal edition only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<Vec<MeasureLine>>,
    /// Compliance recorded during the period.
    pub compliance: Vec<ComplianceLine>,
}

/// Persons released by one exchange during the period.
#[derive(Debug, Clone, Serialize)]
pub struct ExchangeTally {
    pub number: u32,
    pub place: String,
    pub released: usize,
    /// Released persons per party whose list held them.
    pub by_party: BTreeMap<String, usize>,
    /// Persons of the project not (yet) released.
    pub still_open: usize,
}

/// The instants that bound the days `from` to `to` in local time.
pub(crate) fn period(from: Date, to: Date) -> (Timestamp, Timestamp) {
    let start = |d: Date| {
        d.to_zoned(local_zone())
            .map(|z| z.timestamp())
            .unwrap_or(Timestamp::MAX)
    };
    let end = to.tomorrow().map(start).unwrap_or(Timestamp::MAX);
    (start(from), end)
}

fn measure_line(decision: &Decision) -> Option<MeasureLine> {
    let measure = decision.measure.as_ref()?;
    Some(MeasureLine {
        decision: decision.id.to_string(),
        formation: measure.formation.to_string(),
        step: measure.step.clone(),
        comply_by: measure.comply_by,
    })
}

impl Register {
    pub(crate) fn response_tally(&self, from: Date, to: Date, internal: bool) -> ResponseTally {
        let (start, end) = period(from, to);
        let within = |t: Timestamp| start <= t && t < end;
        let measures = || self.decisions().filter(|d| d.measure.is_some());
        let adopted = measures()
            .filter(|d| matches!(d.status_at(end), DecisionStatus::Adopted { .. }))
            .filter(|d| d.settled_time.is_some_and(within))
            .filter_map(measure_line)
            .collect();
        let pending = internal.then(|| {
            measures()
                .filter(|d| d.proposed_time < end && d.deadline >= end)
                .filter(|d| d.settled_time.is_none_or(|t| t >= end))
                .filter_map(measure_line)
                .collect()
        });
        let compliance = measures()
            .flat_map(|d| d.compliance.iter().map(move |c| (d, c)))
            .filter(|(_, c)| within(c.time))
            .filter_map(|(d, c)| {
                let line = measure_line(d)?;
                Some(ComplianceLine {
                    decision: line.decision,
                    formation: line.formation,
                    step: line.step,
                    party: c.party.clone(),
                    outcome: c.outcome,
                })
            })
            .collect();
        ResponseTally {
            adopted,
            pending,
            compliance,
        }
    }

    pub(crate) fn exchange_tallies(&self, from: Date, to: Date) -> Vec<ExchangeTally> {
        let (start, end) = period(from, to);
        self.exchange_projects(end)
            .into_iter()
            .filter_map(|project| {
                let mut by_party: BTreeMap<String, usize> = BTreeMap::new();
                for person in &project.persons {
                    if person.released_at.is_some_and(|t| start <= t && t < end) {
                        *by_party.entry(person.held_by.to_string()).or_default() += 1;
                    }
                }
                let released: usize = by_party.values().sum();
                (released > 0).then(|| ExchangeTally {
                    number: project.number,
                    place: project.place.clone(),
                    released,
                    by_party,
                    still_open: project.persons.len() - project.released(),
                })
            })
            .collect()
    }
}

pub(crate) fn write_response(text: &mut String, words: &Words, response: &ResponseTally) {
    for line in &response.adopted {
        let _ = writeln!(
            text,
            "{}",
            words.measure_adopted(
                &line.step,
                &line.formation,
                &line.decision,
                &line.comply_by.to_string()
            )
        );
    }
    for line in response.pending.iter().flatten() {
        let _ = writeln!(
            text,
            "{}",
            words.measure_pending(&line.step, &line.formation, &line.decision)
        );
    }
    for line in &response.compliance {
        let outcome = match line.outcome {
            ComplianceOutcome::Complied => 0,
            ComplianceOutcome::Partly => 1,
            ComplianceOutcome::NotComplied => 2,
        };
        let _ = writeln!(
            text,
            "{}",
            words.compliance(
                &line.party,
                &line.formation,
                outcome,
                &line.step,
                &line.decision
            )
        );
    }
}

pub(crate) fn write_exchanges(text: &mut String, words: &Words, exchanges: &[ExchangeTally]) {
    for tally in exchanges {
        let sides: Vec<String> = tally
            .by_party
            .iter()
            .map(|(party, n)| words.held_by(*n, party))
            .collect();
        let _ = writeln!(
            text,
            "{}",
            words.exchange(
                &tally.number.to_string(),
                &tally.place,
                tally.released,
                &sides,
                tally.still_open
            )
        );
    }
}
