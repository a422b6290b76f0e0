//! Who made a statement, where and when: what a part of the register needs
//! of the admission context, without the membership registry itself, so
//! that each part can be driven on its own.

use jiff::Timestamp;
use truce_model::{MemberName, Party, Role};
use truce_record::Context;

#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    /// The statement's position in the Record.
    pub position: u64,
    pub member: &'a MemberName,
    pub party: &'a Party,
    pub role: Role,
    /// The time the statement claims.
    pub time: Timestamp,
}

impl<'a> Origin<'a> {
    pub(crate) fn of(context: &'a Context<'a>) -> Self {
        Self {
            position: context.position,
            member: context.member,
            party: &context.state.party,
            role: context.state.role,
            time: context.time,
        }
    }
}

/// A member who makes statements in a part's own tests.
#[cfg(test)]
pub(crate) struct Author {
    pub member: MemberName,
    pub party: Party,
    pub role: Role,
}

#[cfg(test)]
impl Author {
    pub(crate) fn guarantor(member: &str, party: &str) -> Self {
        Self::new(member, party, Role::GuarantorMember)
    }

    pub(crate) fn new(member: &str, party: &str, role: Role) -> Self {
        Self {
            member: MemberName::new(member).expect("a member name"),
            party: Party::new(party).expect("a party"),
            role,
        }
    }

    /// A statement of this member's at `position`, claiming `time`.
    pub(crate) fn at(&self, position: u64, time: &str) -> Origin<'_> {
        Origin {
            position,
            member: &self.member,
            party: &self.party,
            role: self.role,
            time: time.parse().expect("a timestamp"),
        }
    }
}
