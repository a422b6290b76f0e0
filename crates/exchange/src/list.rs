//! A whole list: read from CSV or JSON, checked, fingerprinted and sealed;
//! and opened again on the intermediary's or the submitter's side.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use truce_model::{
    ExchangeListSubmitted, ListDirection, ListEntry, PublicKeyBytes, SealedBox, ValidationError,
    VulnerableCounts, MAX_LIST_ENTRIES,
};

use crate::{open, seal, ExchangeError, ExchangeSecret, Person};

/// The plaintext of a list: what the sealed box holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListContents {
    pub persons: Vec<Person>,
}

impl ListContents {
    /// Reads a CSV file whose header names `Person` fields (name_arabic,
    /// name_latin, father_name, …, category, woman, child, elderly, sick, notes).
    pub fn from_csv(text: &str) -> Result<Self, ExchangeError> {
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let mut persons = Vec::new();
        for row in reader.deserialize::<CsvPerson>() {
            let row = row.map_err(|e| ExchangeError::Csv {
                line: e.position().map(|p| p.line()).unwrap_or(0),
                reason: e.to_string(),
            })?;
            persons.push(row.into());
        }
        Ok(Self { persons })
    }

    pub fn from_json(text: &str) -> Result<Self, ExchangeError> {
        serde_json::from_str(text).map_err(|e| ExchangeError::Json(e.to_string()))
    }

    /// Every person checked; the error names the person by index from 0.
    pub fn validate(&self, this_year: i16) -> Result<(), ValidationError> {
        if self.persons.is_empty() || self.persons.len() > MAX_LIST_ENTRIES {
            return Err(ValidationError::new(
                "persons",
                format!("a list holds 1 to {MAX_LIST_ENTRIES} persons"),
            ));
        }
        let mut seen = std::collections::HashMap::new();
        for (i, person) in self.persons.iter().enumerate() {
            person
                .validate(this_year)
                .map_err(|e| e.within(&format!("persons[{i}]")))?;
            if let Some(first) = seen.insert(person.identity_key(), i) {
                return Err(ValidationError::new(
                    format!("persons[{i}]"),
                    format!("is the same person as persons[{first}]"),
                ));
            }
        }
        Ok(())
    }

    pub fn vulnerable(&self) -> VulnerableCounts {
        let count = |f: fn(&Person) -> bool| self.persons.iter().filter(|p| f(p)).count() as u32;
        VulnerableCounts {
            women: count(|p| p.woman),
            children: count(|p| p.child),
            elderly: count(|p| p.elderly),
            sick: count(|p| p.sick),
        }
    }
}

/// The keyed fingerprint of a person for `secret`'s holder.
pub fn fingerprint(secret: &ExchangeSecret, person: &Person) -> String {
    keyed_digest(secret, "fingerprint", person.identity_key().as_bytes())
}

fn keyed_digest(secret: &ExchangeSecret, purpose: &str, data: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(&secret.derive(purpose))
        .expect("HMAC takes keys of any length");
    mac.update(data);
    hex::encode(mac.finalize().into_bytes())
}

/// The most bytes a list's statement body may take: a Record entry holds at
/// most 65,535 bytes (statement and signature), and the statement around
/// the body (author, sequence, time, field names) takes the rest.
pub const LIST_BODY_BUDGET: usize = 64_000;

/// One part of a list too long for one statement.
#[derive(Debug, Clone)]
pub struct ListPart {
    pub body: ExchangeListSubmitted,
    /// Index in the whole list of this part's first person.
    pub first: usize,
}

/// Seals `contents` as one statement body if it fits in
/// [`LIST_BODY_BUDGET`], otherwise as the fewest equal parts that each fit,
/// referenced "REFERENCE part i/n". Every part is a list of its own.
pub fn seal_list_in_parts(
    contents: &ListContents,
    reference: &str,
    direction: ListDirection,
    submitter: &ExchangeSecret,
    recipients: &[PublicKeyBytes],
    this_year: i16,
) -> Result<Vec<ListPart>, ExchangeError> {
    contents.validate(this_year)?;
    let persons = contents.persons.len();
    for parts in 1..=persons {
        let per_part = persons.div_ceil(parts);
        let mut sealed = Vec::with_capacity(parts);
        for (i, chunk) in contents.persons.chunks(per_part).enumerate() {
            let part_reference = if parts == 1 {
                reference.to_string()
            } else {
                format!("{reference} part {}/{}", i + 1, persons.div_ceil(per_part))
            };
            let part = ListContents {
                persons: chunk.to_vec(),
            };
            let body = seal_list(
                &part,
                &part_reference,
                direction,
                submitter,
                recipients,
                this_year,
            )?;
            let size = serde_json::to_vec(&body).map_or(usize::MAX, |b| b.len());
            if size > LIST_BODY_BUDGET {
                break;
            }
            sealed.push(ListPart {
                body,
                first: i * per_part,
            });
        }
        if sealed.len() == persons.div_ceil(per_part) {
            return Ok(sealed);
        }
    }
    Err(ValidationError::new("persons", "one person alone does not fit in a Record entry").into())
}

/// Builds the statement body for a list: checks it, fingerprints each
/// person, and seals the plaintext to `recipients` (which should be the
/// intermediary's keys and the submitter's own).
pub fn seal_list(
    contents: &ListContents,
    reference: &str,
    direction: ListDirection,
    submitter: &ExchangeSecret,
    recipients: &[PublicKeyBytes],
    this_year: i16,
) -> Result<ExchangeListSubmitted, ExchangeError> {
    contents.validate(this_year)?;
    let plaintext = serde_json::to_vec(contents).expect("a list always serializes");
    let mut digest_input = direction.as_str().as_bytes().to_vec();
    digest_input.push(b'\n');
    digest_input.extend_from_slice(&plaintext);
    let body = ExchangeListSubmitted {
        reference: reference.to_string(),
        direction,
        entries: contents
            .persons
            .iter()
            .map(|p| ListEntry {
                category: p.category,
                fingerprint: fingerprint(submitter, p),
            })
            .collect(),
        vulnerable: contents.vulnerable(),
        digest: keyed_digest(submitter, "list-digest", &digest_input),
        sealed: seal(&plaintext, recipients)?,
    };
    truce_model::Validate::validate(&body)?;
    Ok(body)
}

/// A list opened with a recipient's key, with any disagreement between the
/// plaintext and what the statement says in the clear.
pub struct OpenedList {
    pub contents: ListContents,
    /// Where the public counts do not match the sealed persons; a list with
    /// such problems was built by something other than truce, or tampered with.
    pub discrepancies: Vec<String>,
}

impl OpenedList {
    pub fn open(
        list: &ExchangeListSubmitted,
        secret: &ExchangeSecret,
    ) -> Result<Self, ExchangeError> {
        let plaintext = open(&list.sealed, secret)?;
        let contents = ListContents::from_json(
            std::str::from_utf8(&plaintext).map_err(|e| ExchangeError::Open(e.to_string()))?,
        )?;
        let discrepancies = discrepancies(list, &contents);
        Ok(Self {
            contents,
            discrepancies,
        })
    }
}

fn discrepancies(list: &ExchangeListSubmitted, contents: &ListContents) -> Vec<String> {
    let mut found = Vec::new();
    if contents.persons.len() != list.entries.len() {
        found.push(format!(
            "the statement counts {} persons, the sealed list holds {}",
            list.entries.len(),
            contents.persons.len()
        ));
    }
    for (i, (entry, person)) in list.entries.iter().zip(&contents.persons).enumerate() {
        if entry.category != person.category {
            found.push(format!(
                "entry {}: category {} in the clear, {} sealed",
                i + 1,
                entry.category.as_str(),
                person.category.as_str()
            ));
        }
    }
    if contents.vulnerable() != list.vulnerable {
        found.push("the vulnerable counts differ from the sealed persons".into());
    }
    found
}

/// Opens only the sealed notes of an interview.
pub fn open_notes(sealed: &SealedBox, secret: &ExchangeSecret) -> Result<String, ExchangeError> {
    String::from_utf8(open(sealed, secret)?).map_err(|e| ExchangeError::Open(e.to_string()))
}

/// CSV rows: empty cells mean "not known", flags read yes/no/true/false/1/0.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CsvPerson {
    #[serde(default)]
    name_arabic: String,
    #[serde(default)]
    name_latin: String,
    #[serde(default)]
    father_name: String,
    #[serde(default)]
    mother_name: String,
    #[serde(default, deserialize_with = "csv::invalid_option")]
    birth_year: Option<u16>,
    #[serde(default)]
    origin: String,
    category: truce_model::PersonCategory,
    #[serde(default, deserialize_with = "csv::invalid_option")]
    event_date: Option<jiff::civil::Date>,
    #[serde(default)]
    event_place: String,
    #[serde(default)]
    holding_party: String,
    #[serde(default)]
    woman: Flag,
    #[serde(default)]
    child: Flag,
    #[serde(default)]
    elderly: Flag,
    #[serde(default)]
    sick: Flag,
    #[serde(default)]
    notes: String,
}

#[derive(Default)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        match text.to_ascii_lowercase().as_str() {
            "" | "no" | "false" | "0" | "n" => Ok(Flag(false)),
            "yes" | "true" | "1" | "y" | "x" => Ok(Flag(true)),
            other => Err(serde::de::Error::custom(format!(
                "{other:?} is not yes or no"
            ))),
        }
    }
}

impl From<CsvPerson> for Person {
    fn from(row: CsvPerson) -> Self {
        Person {
            name_arabic: row.name_arabic,
            name_latin: row.name_latin,
            father_name: row.father_name,
            mother_name: row.mother_name,
            birth_year: row.birth_year,
            origin: row.origin,
            category: row.category,
            event_date: row.event_date,
            event_place: row.event_place,
            holding_party: row.holding_party,
            woman: row.woman.0,
            child: row.child.0,
            elderly: row.elderly.0,
            sick: row.sick.0,
            notes: row.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CSV: &str = "name_arabic,name_latin,father_name,birth_year,category,woman,child\n\
        محمد الحسن,Mohammed al-Hasan,Ahmad,1988,detainee,no,no\n\
        فاطمة العلي,Fatima al-Ali,Khalid,2012,abductee,yes,yes\n";

    #[test]
    fn a_csv_list_seals_and_opens_with_its_counts() {
        let contents = ListContents::from_csv(CSV).unwrap();
        assert_eq!(contents.persons.len(), 2);
        let side = ExchangeSecret::generate();
        let intermediary = ExchangeSecret::generate();
        let body = seal_list(
            &contents,
            "TR-1",
            ListDirection::Sought,
            &side,
            &[intermediary.public(), side.public()],
            2026,
        )
        .unwrap();
        assert_eq!(body.vulnerable.women, 1);
        assert_eq!(body.vulnerable.children, 1);
        let json = serde_json::to_string(&body).unwrap();
        assert!(!json.contains("Fatima") && !json.contains("Khalid"));
        let opened = OpenedList::open(&body, &intermediary).unwrap();
        assert_eq!(opened.contents, contents);
        assert!(opened.discrepancies.is_empty());
    }

    #[test]
    fn the_same_list_gets_the_same_digest_and_fingerprints_only_from_the_same_side() {
        let contents = ListContents::from_csv(CSV).unwrap();
        let side = ExchangeSecret::generate();
        let other = ExchangeSecret::generate();
        let keys = [side.public()];
        let first = seal_list(&contents, "A", ListDirection::Held, &side, &keys, 2026).unwrap();
        let again = seal_list(&contents, "B", ListDirection::Held, &side, &keys, 2026).unwrap();
        let elsewhere =
            seal_list(&contents, "A", ListDirection::Held, &other, &keys, 2026).unwrap();
        assert_eq!(first.digest, again.digest);
        assert_eq!(first.entries, again.entries);
        assert_ne!(first.sealed.ciphertext, again.sealed.ciphertext);
        assert_ne!(first.digest, elsewhere.digest);
        assert_ne!(
            first.entries[0].fingerprint,
            elsewhere.entries[0].fingerprint
        );
    }

    #[test]
    fn bad_rows_name_their_line_or_person() {
        let bad_year = "name_latin,birth_year,category\nAli Hasan,nineteen,detainee\n";
        // An unreadable year is "not known"; an impossible one is refused.
        assert_eq!(
            ListContents::from_csv(bad_year).unwrap().persons[0].birth_year,
            None
        );
        let bad_category = "name_latin,category\nAli Hasan,prisoner\n";
        match ListContents::from_csv(bad_category) {
            Err(ExchangeError::Csv { line, reason }) => {
                assert_eq!(line, 2);
                assert!(reason.contains("prisoner"), "{reason}");
            }
            other => panic!("expected a CSV error, got {other:?}"),
        }
        let unknown_column = "name_latin,category,religion\nAli Hasan,detainee,x\n";
        assert!(ListContents::from_csv(unknown_column).is_err());
        let twice = ListContents::from_csv(
            "name_latin,birth_year,category\nAli Hasan,1990,detainee\nali  hasan,1990,detainee\n",
        )
        .unwrap();
        assert_eq!(twice.validate(2026).unwrap_err().field, "persons[1]");
        let old =
            ListContents::from_csv("name_latin,birth_year,category\nAli,1850,detainee\n").unwrap();
        assert_eq!(
            old.validate(2026).unwrap_err().field,
            "persons[0].birth_year"
        );
    }
}
