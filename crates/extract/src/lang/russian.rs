//! Russian: the Reconciliation Centre's own bulletins and the agencies that
//! carry them ("российской частью … зафиксировано 14 фактов открытия огня в
//! провинциях: Латакия – 6, Идлиб – 5").

use std::sync::LazyLock;

use regex::Regex;

use super::register::{self, Inflection, Rules};
use super::{Language, LanguagePack};
use crate::candidate::{Candidate, Guarantor};
use crate::document::Document;
use crate::locate::Locator;

/// The Russian language pack (bulletins).
pub struct Russian;

impl LanguagePack for Russian {
    fn language(&self) -> Language {
        Language::Ru
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        register::extract(&RULES, doc, locator)
    }
}

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("один", 1),
    ("одна", 1),
    ("одно", 1),
    ("одного", 1),
    ("одном", 1),
    ("два", 2),
    ("две", 2),
    ("двух", 2),
    ("три", 3),
    ("трех", 3),
    ("трёх", 3),
    ("четыре", 4),
    ("четырех", 4),
    ("четырёх", 4),
    ("пять", 5),
    ("пяти", 5),
    ("шесть", 6),
    ("шести", 6),
    ("семь", 7),
    ("семи", 7),
    ("восемь", 8),
    ("восьми", 8),
    ("девять", 9),
    ("девяти", 9),
    ("десять", 10),
    ("десяти", 10),
    ("одиннадцать", 11),
    ("двенадцать", 12),
    ("тринадцать", 13),
    ("четырнадцать", 14),
    ("пятнадцать", 15),
    ("шестнадцать", 16),
    ("семнадцать", 17),
    ("восемнадцать", 18),
    ("девятнадцать", 19),
    ("двадцать", 20),
];

/// Spellings besides Natural Earth's: the agencies' usual transliterations,
/// and Damascus and Rif Dimashq, to which Natural Earth gives one name.
const VARIANTS: &[(&str, &str)] = &[
    ("SY-HL", "Алеппо"),
    ("SY-DI", "Дамаск"),
    ("SY-RD", "Риф-Дамаск"),
    ("SY-RD", "Риф Дамаск"),
    ("SY-RD", "Восточная Гута"),
    ("SY-DR", "Деръа"),
    ("SY-DR", "Дераа"),
    ("SY-DR", "Дараа"),
    ("SY-HA", "Хасеке"),
    ("SY-HA", "Эль-Хасеке"),
    ("SY-HA", "Хасака"),
    ("SY-SU", "Сувейда"),
    ("SY-QU", "Кунейтра"),
    ("SY-RA", "Эр-Ракка"),
    ("SY-DY", "Дейр-эз-Зор"),
    ("SY-DY", "Дейр-Эз-Зор"),
];

fn number_pattern() -> String {
    let words: Vec<&str> = NUMBER_WORDS.iter().map(|(w, _)| *w).collect();
    format!(r"\d+|{}", words.join("|"))
}

pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let num = number_pattern();
    let side = |adjective: &str| {
        Regex::new(&format!(
            r"(?i)\b{adjective}(?:ой|ая|ий|ую|ого|ие|их|ими)\s+(?:сторон|част|делегаци|представител)\w*"
        ))
        .expect("constant pattern")
    };
    Rules {
        code: "ru",
        inflection: Inflection::Russian,
        sides: vec![
            (Guarantor::Russia, side("российск")),
            (
                Guarantor::Russia,
                Regex::new(r"(?i)\bминобороны\s+россии|\bцентр\w*\s+по\s+примирению")
                    .expect("constant pattern"),
            ),
            (Guarantor::Turkey, side("турецк")),
            (Guarantor::Iran, side("иранск")),
        ],
        register_verbs: Regex::new(r"(?i)зафиксирован|зарегистрирован|выявлен|отмечен|фиксирует")
            .expect("constant pattern"),
        not_confirmed: Regex::new(r"(?i)\bне\s+подтвер").expect("constant pattern"),
        confirmed: Regex::new(r"(?i)\bподтвердил|\bподтвержден").expect("constant pattern"),
        count_noun: Regex::new(
            r"(?i)^(?:(?:ранее\s+)?(?:факт\w*\s+открытия\s+огня|факт\w*\s+нарушени\w*|факт\w*|нарушени\w*|обстрел\w*|случа\w*))",
        )
        .expect("constant pattern"),
        counting_nouns: &[],
        located_before: Regex::new(&format!(
            r"(?i)\b(?P<num>{num})\s+(?:(?:факт\w*|нарушени\w*|обстрел\w*|случа\w*)\s+)?(?:открытия\s+огня\s+)?(?:в|во)\s+(?:(?:провинци\w*|мухафаз\w*|район\w*)\s+)?$"
        ))
        .expect("constant pattern"),
        each_before: Some(
            Regex::new(&format!(
                r"(?i)\bпо\s+(?P<num>{num})\s+(?:\w+\s+)?в\s+(?:(?:каждой\s+из\s+)?провинци\w*\s+)?$"
            ))
            .expect("constant pattern"),
        ),
        count_after: true,
        conjunctions: &["и", ","],
        number_words: NUMBER_WORDS,
        variants: VARIANTS,
        past_day: Regex::new(r"(?i)за\s+(?:прошедшие\s+|последние\s+|минувшие\s+)?сутки")
            .expect("constant pattern"),
        counter_words: [
            (&["населенных пунктов", "населённых пунктов"], &["примирени"]),
            (&["формировани"], &["прекращени", "перемири"]),
        ],
    }
});
