//! Lists of detainees, abductees, bodies and missing persons.
//!
//! The Record holds only sealed lists (see `truce_model::ExchangeListSubmitted`);
//! this crate is where their plaintext lives: the person schema and its
//! validation, sealing to the intermediary's and the submitter's keys,
//! the keyed fingerprints that let the Record refuse duplicates without
//! learning names, and the matching of persons sought against persons held.
//! It knows nothing of storage or HTTP.

mod error;
mod list;
pub mod matching;
mod person;
mod seal;

pub use error::ExchangeError;
pub use list::{
    fingerprint, open_notes, seal_list, seal_list_in_parts, ListContents, ListPart, OpenedList,
    LIST_BODY_BUDGET,
};
pub use matching::{match_persons, name_key, Candidate, MatchOptions};
pub use person::{is_arabic_letter, Person};
pub use seal::{open, seal, ExchangeSecret};
