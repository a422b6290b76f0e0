//! What the tests, the benchmarks and the demo build their mechanisms
//! from, written once: founding members and their genesis
//! ([`founders`]), report statements ([`reports`]), a register driven
//! statement by statement in memory ([`mechanism`]), a founded Record on a
//! SQLite file ([`ledger`]), one deterministic
//! generator ([`rng`]), persons for exchange lists ([`persons`]), the
//! members' exchange keys ([`exchange`]), witnesses ([`witnesses`]) and
//! the reading of raw HTTP answers ([`http`]).

pub mod exchange;
pub mod founders;
pub mod http;
pub mod ledger;
pub mod mechanism;
pub mod persons;
pub mod reports;
pub mod rng;
pub mod witnesses;

pub use exchange::ExchangeKeys;
pub use founders::{Founder, Founders, IR, OPERATOR, RU, TR, UN};
pub use mechanism::Mechanism;
pub use rng::Rng;
