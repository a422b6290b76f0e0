//! Turkish: the joint commission's bulletins as Turkish agencies carry them
//! ("Rusya tarafı İdlib'de 5, Lazkiye'de 3 olmak üzere 8 ateşkes ihlali
//! tespit etti").

use std::sync::LazyLock;

use regex::Regex;

use super::register::{self, Inflection, Rules};
use super::{Language, LanguagePack};
use crate::candidate::{Candidate, Guarantor};
use crate::document::Document;
use crate::locate::Locator;

/// The Turkish language pack (bulletins).
pub struct Turkish;

impl LanguagePack for Turkish {
    fn language(&self) -> Language {
        Language::Tr
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        register::extract(&RULES, doc, locator)
    }
}

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("bir", 1),
    ("iki", 2),
    ("üç", 3),
    ("dört", 4),
    ("beş", 5),
    ("altı", 6),
    ("yedi", 7),
    ("sekiz", 8),
    ("dokuz", 9),
    ("on", 10),
    ("yirmi", 20),
];

/// Spellings besides Natural Earth's (which writes İdlip, Şam, Dera).
const VARIANTS: &[(&str, &str)] = &[
    ("SY-ID", "İdlib"),
    ("SY-ID", "Idlib"),
    ("SY-RD", "Şam kırsalı"),
    ("SY-RD", "Şam Kırsalı"),
    ("SY-RD", "Doğu Guta"),
    ("SY-DR", "Dara"),
    ("SY-DR", "Deraa"),
    ("SY-HI", "Humus"),
    ("SY-HA", "Haseke"),
    ("SY-HA", "Hasake"),
    ("SY-QU", "Kuneytra"),
    ("SY-SU", "Süveyda"),
    ("SY-DY", "Deir ez-Zor"),
    ("SY-DY", "Deyr ez-Zor"),
    ("SY-LA", "Lazkiye"),
];

pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let side = |names: &str| {
        Regex::new(&format!(r"\b(?:{names})\s+taraf(?:ı|ının|ınca|ına)")).expect("constant pattern")
    };
    Rules {
        code: "tr",
        inflection: Inflection::Turkish,
        sides: vec![
            (Guarantor::Russia, side("Rusya|Rus")),
            (
                Guarantor::Russia,
                Regex::new(r"\bRusya\s+Savunma\s+Bakanlığı").expect("constant pattern"),
            ),
            (Guarantor::Turkey, side("Türk|Türkiye")),
            (Guarantor::Iran, side("İran")),
        ],
        register_verbs: Regex::new(r"(?i)tespit|saptad|kaydett|kaydedil|belirled")
            .expect("constant pattern"),
        not_confirmed: Regex::new(r"doğrulanmad|teyit\s+edilmed|doğrulamad|teyit\s+etmed")
            .expect("constant pattern"),
        confirmed: Regex::new(r"doğruland|teyit\s+etti|doğruladı").expect("constant pattern"),
        count_noun: Regex::new(r"^(?:ateşkes\s+ihlal\w*|ihlal\w*|olay\w*|saldırı\w*)")
            .expect("constant pattern"),
        counting_nouns: &[],
        // Turkish puts the count after the place ("İdlib'de 5"); a count
        // before it is the total of a sentence, never a place's.
        located_before: Regex::new(r"\A\b\z").expect("constant pattern"),
        each_before: None,
        count_after: true,
        conjunctions: &["ve", ","],
        number_words: NUMBER_WORDS,
        variants: VARIANTS,
        past_day: Regex::new(r"(?i)son\s+24\s+saat|son\s+bir\s+gün|son\s+24\s+saatte")
            .expect("constant pattern"),
        counter_words: [
            (&["yerleşim"], &["uzlaşma"]),
            (&["silahlı grup", "silahlı oluşum"], &["ateşkes"]),
        ],
    }
});
