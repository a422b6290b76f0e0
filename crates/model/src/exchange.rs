//! Bodies of the exchange of detainees, abductees, bodies and missing persons.
//!
//! Personal data never appears here in the clear: a list carries only what
//! every member may see (how many persons, of which category, how many
//! vulnerable) and a sealed box that only the intermediary and the
//! submitting member can open. Persons are named in the Record by their
//! place on a list (`L-12/3`), which says nothing about who they are.

use std::collections::HashSet;
use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::{DecisionId, PublicKeyBytes, Validate, ValidationError};

/// The most persons one list may hold; larger lists are split by the sender.
pub const MAX_LIST_ENTRIES: usize = 100_000;

/// A list is named by the position of the statement that submitted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ListId(pub u64);

impl fmt::Display for ListId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "L-{}", self.0)
    }
}

impl std::str::FromStr for ListId {
    type Err = ValidationError;

    /// `L-12`, `l12` or `12`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        crate::prefixed_position(text, &['L'])
            .map(ListId)
            .ok_or_else(|| {
                ValidationError::new("list", format!("{text:?} is not a list id such as L-12"))
            })
    }
}

/// A person by their place on a list: the entry'th person (from 1) of `list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PersonRef {
    pub list: ListId,
    pub entry: u32,
}

impl fmt::Display for PersonRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.list, self.entry)
    }
}

impl std::str::FromStr for PersonRef {
    type Err = ValidationError;

    /// Reads `L-12/3` (or `12/3`).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || ValidationError::new("person", format!("{s:?} is not a person like L-12/3"));
        let (list, entry) = s.split_once('/').ok_or_else(bad)?;
        let list = crate::prefixed_position(list, &['L']).ok_or_else(bad)?;
        let entry = entry.parse::<u32>().map_err(|_| bad())?;
        if entry == 0 {
            return Err(ValidationError::new("person", "entries count from 1"));
        }
        Ok(PersonRef {
            list: ListId(list),
            entry,
        })
    }
}

/// Whether a list names persons its side holds, or persons it seeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListDirection {
    Held,
    Sought,
}

impl ListDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            ListDirection::Held => "held",
            ListDirection::Sought => "sought",
        }
    }
}

impl std::str::FromStr for ListDirection {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "held" => Ok(ListDirection::Held),
            "sought" => Ok(ListDirection::Sought),
            _ => Err(ValidationError::new(
                "direction",
                format!("{s:?} is neither \"held\" nor \"sought\""),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonCategory {
    Detainee,
    Abductee,
    Body,
    Missing,
}

impl PersonCategory {
    pub const ALL: [PersonCategory; 4] = [
        PersonCategory::Detainee,
        PersonCategory::Abductee,
        PersonCategory::Body,
        PersonCategory::Missing,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PersonCategory::Detainee => "detainee",
            PersonCategory::Abductee => "abductee",
            PersonCategory::Body => "body",
            PersonCategory::Missing => "missing",
        }
    }
}

impl std::str::FromStr for PersonCategory {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PersonCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "category",
                    format!("{s:?} is not one of detainee, abductee, body, missing"),
                )
            })
    }
}

/// Data sealed to a set of X25519 keys: a fresh data key encrypts the
/// payload once, and is wrapped for each recipient with HPKE (RFC 9180).
/// The record crate cannot check that the boxes open; the intermediary's
/// node says so when one does not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedBox {
    pub recipients: Vec<SealedFor>,
    /// Base64 (standard, padded) of the encrypted payload.
    pub ciphertext: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SealedFor {
    /// The recipient's X25519 public key, as published in the Record.
    pub key: PublicKeyBytes,
    /// Hex of the HPKE encapsulated key (32 bytes).
    pub encapsulated: String,
    /// Hex of the data key sealed to this recipient (32 bytes + 16-byte tag).
    pub wrapped_key: String,
}

/// A member publishes the X25519 key that lists are sealed to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeKeyPublished {
    pub key: PublicKeyBytes,
}

/// What every member may know of one person on a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListEntry {
    pub category: PersonCategory,
    /// Hex of a keyed digest of the person's identity, keyed by the
    /// submitter's secret: equal for the same person from the same member,
    /// meaningless to anybody else. It lets the Record refuse duplicates.
    pub fingerprint: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnerableCounts {
    pub women: u32,
    pub children: u32,
    pub elderly: u32,
    pub sick: u32,
}

/// A side's list of persons it holds or seeks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeListSubmitted {
    /// The side's own reference for the list, such as `TR-2026-07`.
    pub reference: String,
    pub direction: ListDirection,
    pub entries: Vec<ListEntry>,
    pub vulnerable: VulnerableCounts,
    /// Hex of a keyed digest of the whole list, so that sending it twice is refused.
    pub digest: String,
    pub sealed: SealedBox,
}

/// The intermediary's verdict on a candidate match of a sought person with a held one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchVerdict {
    Confirmed,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeMatch {
    pub sought: PersonRef,
    pub held: PersonRef,
    pub verdict: MatchVerdict,
    /// The matcher's score in thousandths; the reasons stay on the
    /// intermediary's node because they quote names.
    pub score: u16,
}

/// An exchange project, adopted through the decision mechanism.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeSpec {
    /// The exchange's number in the mechanism's series (1, 2, …).
    pub number: u32,
    pub place: String,
    pub date: jiff::civil::Date,
    /// Held persons to be released, from every side.
    pub persons: Vec<PersonRef>,
}

/// The intermediary's private interview of a person before release. The
/// outcome is visible to all; what was said stays sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeInterview {
    pub project: DecisionId,
    pub person: PersonRef,
    pub identity_confirmed: bool,
    pub consents: bool,
    pub destination_agreed: bool,
    pub fit_to_travel: bool,
    /// The destination and notes, sealed to the intermediary and the submitter.
    pub sealed_notes: Option<SealedBox>,
}

impl ExchangeInterview {
    /// Whether the person may be released on this interview.
    pub fn clears_release(&self) -> bool {
        self.identity_confirmed && self.consents && self.destination_agreed && self.fit_to_travel
    }
}

/// The simultaneous release of persons of one project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExchangeRelease {
    pub project: DecisionId,
    pub released_at: Timestamp,
    pub persons: Vec<PersonRef>,
}

fn check_hex(field: &str, value: &str, bytes: usize) -> Result<(), ValidationError> {
    let ok = value.len() == bytes * 2
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(
            field,
            format!("must be {} lower-case hex digits", bytes * 2),
        ))
    }
}

fn check_base64(field: &str, value: &str) -> Result<(), ValidationError> {
    let ok = !value.is_empty()
        && value.len().is_multiple_of(4)
        && value
            .trim_end_matches('=')
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/');
    if ok {
        Ok(())
    } else {
        Err(ValidationError::new(field, "must be padded base64"))
    }
}

fn check_unique_persons(field: &str, persons: &[PersonRef]) -> Result<(), ValidationError> {
    if persons.is_empty() {
        return Err(ValidationError::new(field, "must name at least one person"));
    }
    let mut seen = HashSet::new();
    for (i, person) in persons.iter().enumerate() {
        if person.entry == 0 {
            return Err(ValidationError::new(
                format!("{field}[{i}]"),
                "entries count from 1",
            ));
        }
        if !seen.insert(person) {
            return Err(ValidationError::new(
                format!("{field}[{i}]"),
                format!("{person} is named twice"),
            ));
        }
    }
    Ok(())
}

impl Validate for SealedBox {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.recipients.is_empty() {
            return Err(ValidationError::new(
                "recipients",
                "must name at least one key",
            ));
        }
        let mut keys = HashSet::new();
        for (i, recipient) in self.recipients.iter().enumerate() {
            let within = format!("recipients[{i}]");
            if !keys.insert(recipient.key) {
                return Err(ValidationError::new(
                    format!("{within}.key"),
                    "is named twice",
                ));
            }
            check_hex("encapsulated", &recipient.encapsulated, 32)
                .map_err(|e| e.within(&within))?;
            check_hex("wrapped_key", &recipient.wrapped_key, 48).map_err(|e| e.within(&within))?;
        }
        check_base64("ciphertext", &self.ciphertext)
    }
}

impl Validate for ExchangeKeyPublished {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.key.0 == [0; 32] {
            return Err(ValidationError::new("key", "must not be all zeros"));
        }
        Ok(())
    }
}

impl Validate for ExchangeListSubmitted {
    fn validate(&self) -> Result<(), ValidationError> {
        let reference = self.reference.trim();
        if reference.is_empty() || reference != self.reference || reference.chars().count() > 100 {
            return Err(ValidationError::new(
                "reference",
                "must be 1 to 100 characters without surrounding spaces",
            ));
        }
        if self.entries.is_empty() || self.entries.len() > MAX_LIST_ENTRIES {
            return Err(ValidationError::new(
                "entries",
                format!("must hold 1 to {MAX_LIST_ENTRIES} persons"),
            ));
        }
        let mut fingerprints = HashSet::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let field = format!("entries[{i}].fingerprint");
            check_hex(&field, &entry.fingerprint, 32)?;
            if !fingerprints.insert(entry.fingerprint.as_str()) {
                return Err(ValidationError::new(
                    field,
                    "the same person is on this list twice",
                ));
            }
        }
        self.check_vulnerable()?;
        check_hex("digest", &self.digest, 32)?;
        self.sealed.validate().map_err(|e| e.within("sealed"))
    }
}

impl ExchangeListSubmitted {
    fn check_vulnerable(&self) -> Result<(), ValidationError> {
        let total = self.entries.len() as u64;
        let v = self.vulnerable;
        for (name, count) in [
            ("women", v.women),
            ("children", v.children),
            ("elderly", v.elderly),
            ("sick", v.sick),
        ] {
            if u64::from(count) > total {
                return Err(ValidationError::new(
                    format!("vulnerable.{name}"),
                    format!("{count} is more than the {total} persons on the list"),
                ));
            }
        }
        Ok(())
    }

    /// How many persons of each category the list holds.
    pub fn category_counts(&self) -> [(PersonCategory, usize); 4] {
        PersonCategory::ALL.map(|c| (c, self.entries.iter().filter(|e| e.category == c).count()))
    }
}

impl Validate for ExchangeMatch {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.score > 1000 {
            return Err(ValidationError::new(
                "score",
                "is in thousandths: 0 to 1000",
            ));
        }
        if self.sought.list == self.held.list {
            return Err(ValidationError::new(
                "held",
                "a person cannot be matched against their own list",
            ));
        }
        for (field, person) in [("sought", self.sought), ("held", self.held)] {
            if person.entry == 0 {
                return Err(ValidationError::new(field, "entries count from 1"));
            }
        }
        Ok(())
    }
}

impl Validate for ExchangeSpec {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.number == 0 {
            return Err(ValidationError::new(
                "number",
                "exchanges are numbered from 1",
            ));
        }
        if self.place.trim().is_empty() || self.place.chars().count() > 200 {
            return Err(ValidationError::new("place", "must be 1 to 200 characters"));
        }
        check_unique_persons("persons", &self.persons)
    }
}

impl Validate for ExchangeInterview {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.person.entry == 0 {
            return Err(ValidationError::new("person", "entries count from 1"));
        }
        match &self.sealed_notes {
            Some(sealed) => sealed.validate().map_err(|e| e.within("sealed_notes")),
            None => Ok(()),
        }
    }
}

impl Validate for ExchangeRelease {
    fn validate(&self) -> Result<(), ValidationError> {
        check_unique_persons("persons", &self.persons)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed() -> SealedBox {
        SealedBox {
            recipients: vec![SealedFor {
                key: PublicKeyBytes([7; 32]),
                encapsulated: "ab".repeat(32),
                wrapped_key: "cd".repeat(48),
            }],
            ciphertext: "AAAA".into(),
        }
    }

    fn list(entries: usize) -> ExchangeListSubmitted {
        ExchangeListSubmitted {
            reference: "TR-2026-07".into(),
            direction: ListDirection::Held,
            entries: (0..entries)
                .map(|i| ListEntry {
                    category: PersonCategory::Detainee,
                    fingerprint: format!("{i:064x}"),
                })
                .collect(),
            vulnerable: VulnerableCounts::default(),
            digest: "00".repeat(32),
            sealed: sealed(),
        }
    }

    #[test]
    fn person_refs_read_back_what_they_write() {
        let person: PersonRef = "L-12/3".parse().unwrap();
        assert_eq!(person.to_string(), "L-12/3");
        assert_eq!("12/3".parse::<PersonRef>().unwrap(), person);
        assert!("L-12/0".parse::<PersonRef>().is_err());
        assert!("L-12".parse::<PersonRef>().is_err());
    }

    #[test]
    fn a_list_names_the_field_that_is_wrong() {
        assert!(list(3).validate().is_ok());
        assert_eq!(list(0).validate().unwrap_err().field, "entries");

        let mut twice = list(2);
        twice.entries[1].fingerprint = twice.entries[0].fingerprint.clone();
        assert_eq!(
            twice.validate().unwrap_err().field,
            "entries[1].fingerprint"
        );

        let mut too_many_women = list(2);
        too_many_women.vulnerable.women = 3;
        assert_eq!(
            too_many_women.validate().unwrap_err().field,
            "vulnerable.women"
        );

        let mut bad_box = list(1);
        bad_box.sealed.recipients[0].wrapped_key = "zz".into();
        assert_eq!(
            bad_box.validate().unwrap_err().field,
            "sealed.recipients[0].wrapped_key"
        );
        let mut no_recipient = list(1);
        no_recipient.sealed.recipients.clear();
        assert_eq!(
            no_recipient.validate().unwrap_err().field,
            "sealed.recipients"
        );
    }

    #[test]
    fn a_release_names_each_person_once() {
        let person: PersonRef = "L-4/1".parse().unwrap();
        let release = ExchangeRelease {
            project: DecisionId(9),
            released_at: "2026-05-03T10:00:00Z".parse().unwrap(),
            persons: vec![person, person],
        };
        assert_eq!(release.validate().unwrap_err().field, "persons[1]");
    }

    #[test]
    fn a_match_needs_two_lists_and_a_score_in_range() {
        let sought: PersonRef = "L-4/1".parse().unwrap();
        let held: PersonRef = "L-5/2".parse().unwrap();
        let good = ExchangeMatch {
            sought,
            held,
            verdict: MatchVerdict::Confirmed,
            score: 950,
        };
        assert!(good.validate().is_ok());
        let same_list = ExchangeMatch {
            held: "L-4/2".parse().unwrap(),
            ..good.clone()
        };
        assert_eq!(same_list.validate().unwrap_err().field, "held");
        let too_high = ExchangeMatch {
            score: 1001,
            ..good
        };
        assert_eq!(too_high.validate().unwrap_err().field, "score");
    }
}
