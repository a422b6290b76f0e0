//! The formations part of the register: each formation as registered, and
//! its status over valid time, whether stated directly or put in force by
//! an adopted designation or reinstatement (which the decisions part
//! returns as an effect and the register routes here).

use std::collections::BTreeSet;

use imbl::OrdMap;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use truce_model::{
    Actor, FormationId, FormationRegistered, FormationStatus, FormationStatusChanged, Side,
};
use truce_record::Rejection;

use crate::error::rule;

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct StatusPeriod {
    pub status: FormationStatus,
    pub valid_from: Date,
    pub reference: String,
    /// Position of the statement that recorded it.
    pub recorded_at: u64,
}

#[derive(Debug, Clone, Serialize, PartialEq, Deserialize)]
pub struct Formation {
    pub id: FormationId,
    pub name: String,
    pub aliases: Vec<String>,
    pub side: Side,
    pub registered_at: u64,
    /// In valid-time order; a later statement for the same date wins.
    pub statuses: Vec<StatusPeriod>,
}

impl Formation {
    /// The status that held on `date`, if any had begun.
    pub fn status_on(&self, date: Date) -> Option<&StatusPeriod> {
        self.statuses.iter().rev().find(|s| s.valid_from <= date)
    }
}

/// Every registered formation, by id.
#[derive(Debug, Default, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Formations {
    pub(crate) formations: OrdMap<FormationId, Formation>,
    /// Counts the changes taken in: what is derived from the formations
    /// (every finding) is good only while it stays the same.
    revision: u64,
}

impl Formations {
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Formation> {
        self.formations.values()
    }

    pub(crate) fn get(&self, id: &FormationId) -> Option<&Formation> {
        self.formations.get(id)
    }

    /// A formation the Record registered, or a refusal naming `field`.
    pub(crate) fn check_known(&self, field: &str, id: &FormationId) -> Result<(), Rejection> {
        if self.formations.contains_key(id) {
            Ok(())
        } else {
            Err(rule(
                field,
                format!("unknown formation {id}; register it first"),
            ))
        }
    }

    /// An actor that names a formation names a registered one.
    pub(crate) fn check_actor(&self, field: &str, actor: &Actor) -> Result<(), Rejection> {
        match actor.formation() {
            Some(id) => self.check_known(field, id),
            None => Ok(()),
        }
    }

    pub(crate) fn check_registration(&self, f: &FormationRegistered) -> Result<(), Rejection> {
        if self.formations.contains_key(&f.formation) {
            return Err(rule(
                "formation",
                format!("{} is already registered", f.formation),
            ));
        }
        Ok(())
    }

    pub(crate) fn check_status_change(&self, s: &FormationStatusChanged) -> Result<(), Rejection> {
        self.check_known("formation", &s.formation)
    }

    /// The number of changes taken in so far.
    pub(crate) fn revision(&self) -> u64 {
        self.revision
    }

    pub(crate) fn register(&mut self, position: u64, f: &FormationRegistered) {
        self.revision += 1;
        self.formations.insert(
            f.formation.clone(),
            Formation {
                id: f.formation.clone(),
                name: f.name.clone(),
                aliases: f.aliases.clone(),
                side: f.side,
                registered_at: position,
                statuses: Vec::new(),
            },
        );
    }

    pub(crate) fn change_status(&mut self, position: u64, s: &FormationStatusChanged) {
        self.add_status_period(
            &s.formation,
            StatusPeriod {
                status: s.status,
                valid_from: s.valid_from,
                reference: s.reference.clone(),
                recorded_at: position,
            },
        );
    }

    /// Records a status from its date on, whether stated directly or by an
    /// adopted designation or reinstatement.
    pub(crate) fn add_status_period(&mut self, formation: &FormationId, period: StatusPeriod) {
        self.revision += 1;
        if let Some(formation) = self.formations.get_mut(formation) {
            formation.statuses.push(period);
            // Stable: statements for the same date keep Record order.
            formation.statuses.sort_by_key(|p| p.valid_from);
        }
    }

    /// Formations by their status on `date`.
    pub(crate) fn with_status(
        &self,
        date: Date,
        status: FormationStatus,
    ) -> BTreeSet<&FormationId> {
        self.formations
            .values()
            .filter(|f| f.status_on(date).is_some_and(|p| p.status == status))
            .map(|f| &f.id)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(name: &str) -> FormationId {
        FormationId::new(name).unwrap()
    }

    fn registered(name: &str) -> FormationRegistered {
        FormationRegistered {
            formation: id(name),
            name: name.to_uppercase(),
            aliases: Vec::new(),
            side: Side::Government,
        }
    }

    fn change(name: &str, status: FormationStatus, from: &str) -> FormationStatusChanged {
        FormationStatusChanged {
            formation: id(name),
            status,
            valid_from: from.parse().unwrap(),
            reference: format!("{} from {from}", status.as_str()),
        }
    }

    #[test]
    fn a_formation_is_registered_once_and_known_from_then_on() {
        let mut book = Formations::default();
        assert!(book.check_known("formation", &id("brigade-1")).is_err());
        book.check_registration(&registered("brigade-1")).unwrap();
        book.register(3, &registered("brigade-1"));
        book.check_known("formation", &id("brigade-1")).unwrap();
        let again = book.check_registration(&registered("brigade-1"));
        assert!(matches!(again, Err(Rejection::Rule { field, .. }) if field == "formation"));
        assert_eq!(book.get(&id("brigade-1")).unwrap().registered_at, 3);
        assert!(book
            .check_actor("target", &Actor::Formation(id("nobody")))
            .is_err());
    }

    #[test]
    fn statuses_hold_in_valid_time_whatever_order_they_were_recorded_in() {
        let mut book = Formations::default();
        book.register(1, &registered("brigade-1"));
        book.change_status(
            2,
            &change("brigade-1", FormationStatus::Excluded, "2026-03-01"),
        );
        book.change_status(
            3,
            &change("brigade-1", FormationStatus::Joined, "2026-01-01"),
        );
        let formation = book.get(&id("brigade-1")).unwrap();
        let on = |day: &str| formation.status_on(day.parse().unwrap()).map(|p| p.status);
        assert_eq!(on("2025-12-31"), None);
        assert_eq!(on("2026-02-01"), Some(FormationStatus::Joined));
        assert_eq!(on("2026-03-01"), Some(FormationStatus::Excluded));
        let excluded = book.with_status("2026-04-01".parse().unwrap(), FormationStatus::Excluded);
        assert_eq!(excluded.len(), 1);
        // A status for a formation nobody registered changes nothing.
        book.change_status(4, &change("nobody", FormationStatus::Joined, "2026-01-01"));
        assert_eq!(book.iter().count(), 1);
    }
}
