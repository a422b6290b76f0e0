//! One person on a list, in the clear: what only the intermediary and the
//! submitting side ever read.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use truce_model::{PersonCategory, ValidationError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// The full name in Arabic script, as the family writes it.
    #[serde(default)]
    pub name_arabic: String,
    /// The full name in Latin letters, in whatever transliteration the side uses.
    #[serde(default)]
    pub name_latin: String,
    #[serde(default)]
    pub father_name: String,
    #[serde(default)]
    pub mother_name: String,
    #[serde(default)]
    pub birth_year: Option<u16>,
    /// Town or village of origin.
    #[serde(default)]
    pub origin: String,
    pub category: PersonCategory,
    /// When the person was detained, abducted or went missing.
    #[serde(default)]
    pub event_date: Option<Date>,
    #[serde(default)]
    pub event_place: String,
    /// Who holds (or is believed to hold) the person.
    #[serde(default)]
    pub holding_party: String,
    // Health and vulnerability, which decide who goes first.
    #[serde(default)]
    pub woman: bool,
    #[serde(default)]
    pub child: bool,
    #[serde(default)]
    pub elderly: bool,
    #[serde(default)]
    pub sick: bool,
    #[serde(default)]
    pub notes: String,
}

const MAX_TEXT: usize = 300;
const MAX_NOTES: usize = 2_000;

impl Person {
    /// Checks one person; `field` names come out as `name_latin`, `birth_year`…
    pub fn validate(&self, this_year: i16) -> Result<(), ValidationError> {
        if self.name_arabic.trim().is_empty() && self.name_latin.trim().is_empty() {
            return Err(ValidationError::new(
                "name_latin",
                "a person needs a name in Arabic script or in Latin letters",
            ));
        }
        if !self.name_arabic.trim().is_empty() && !self.name_arabic.chars().any(is_arabic_letter) {
            return Err(ValidationError::new(
                "name_arabic",
                "holds no Arabic letter; put a transliteration in name_latin",
            ));
        }
        if self.name_latin.chars().any(is_arabic_letter) {
            return Err(ValidationError::new(
                "name_latin",
                "holds Arabic script; put it in name_arabic",
            ));
        }
        for (field, text, limit) in self.texts() {
            if text.chars().count() > limit {
                return Err(ValidationError::new(
                    field,
                    format!("is longer than {limit} characters"),
                ));
            }
            if text.chars().any(|c| c.is_control() && c != '\n') {
                return Err(ValidationError::new(field, "holds control characters"));
            }
        }
        self.check_dates(this_year)
    }

    fn texts(&self) -> [(&'static str, &str, usize); 8] {
        [
            ("name_arabic", &self.name_arabic, MAX_TEXT),
            ("name_latin", &self.name_latin, MAX_TEXT),
            ("father_name", &self.father_name, MAX_TEXT),
            ("mother_name", &self.mother_name, MAX_TEXT),
            ("origin", &self.origin, MAX_TEXT),
            ("event_place", &self.event_place, MAX_TEXT),
            ("holding_party", &self.holding_party, MAX_TEXT),
            ("notes", &self.notes, MAX_NOTES),
        ]
    }

    fn check_dates(&self, this_year: i16) -> Result<(), ValidationError> {
        if let Some(year) = self.birth_year {
            if !(1900..=this_year as u16).contains(&year) {
                return Err(ValidationError::new(
                    "birth_year",
                    format!("{year} is not between 1900 and {this_year}"),
                ));
            }
        }
        if let Some(date) = self.event_date {
            if date.year() > this_year {
                return Err(ValidationError::new("event_date", "is in the future"));
            }
            if let Some(year) = self.birth_year {
                if (date.year() as u16) < year {
                    return Err(ValidationError::new(
                        "event_date",
                        "is before the year of birth",
                    ));
                }
            }
        }
        Ok(())
    }

    /// What identifies the person for duplicate detection: the names and
    /// the year of birth, with case and spacing folded.
    pub(crate) fn identity_key(&self) -> String {
        let fold = |s: &str| {
            s.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        };
        format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            fold(&self.name_arabic),
            fold(&self.name_latin),
            fold(&self.father_name),
            fold(&self.mother_name),
            self.birth_year.map(|y| y.to_string()).unwrap_or_default()
        )
    }
}

/// A letter of the Arabic script (any of its Unicode blocks).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
        && c.is_alphabetic()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn person() -> Person {
        Person {
            name_arabic: "محمد أحمد الحسن".into(),
            name_latin: "Mohammed Ahmad al-Hasan".into(),
            father_name: "Ahmad".into(),
            mother_name: "Fatima".into(),
            birth_year: Some(1988),
            origin: "Maarat al-Numan".into(),
            category: PersonCategory::Detainee,
            event_date: Some("2019-03-14".parse().unwrap()),
            event_place: "Khan Shaykhun".into(),
            holding_party: "Hayat Tahrir al-Sham".into(),
            woman: false,
            child: false,
            elderly: false,
            sick: false,
            notes: String::new(),
        }
    }

    #[test]
    fn a_person_needs_a_name_in_one_script() {
        assert!(person().validate(2026).is_ok());
        let nameless = Person {
            name_arabic: " ".into(),
            name_latin: String::new(),
            ..person()
        };
        assert_eq!(nameless.validate(2026).unwrap_err().field, "name_latin");
        let swapped = Person {
            name_arabic: "Mohammed".into(),
            ..person()
        };
        assert_eq!(swapped.validate(2026).unwrap_err().field, "name_arabic");
    }

    #[test]
    fn dates_must_be_possible() {
        let unborn = Person {
            birth_year: Some(2030),
            ..person()
        };
        assert_eq!(unborn.validate(2026).unwrap_err().field, "birth_year");
        let before_birth = Person {
            birth_year: Some(2000),
            event_date: Some("1999-01-01".parse().unwrap()),
            ..person()
        };
        assert_eq!(before_birth.validate(2026).unwrap_err().field, "event_date");
    }

    #[test]
    fn identity_ignores_case_and_spacing() {
        let spaced = Person {
            name_latin: "  mohammed   AHMAD al-hasan ".into(),
            notes: "moved twice".into(),
            ..person()
        };
        assert_eq!(spaced.identity_key(), person().identity_key());
    }
}
