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
