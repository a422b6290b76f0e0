//! Russian: the Reconciliation Centre's own bulletins and the agencies that
//! carry them ("российской частью … зафиксировано 14 фактов открытия огня в
//! провинциях: Латакия – 6, Идлиб – 5"), and news as TASS, RIA Novosti and
//! Interfax write it ("в результате обстрела погибли восемь мирных
//! жителей").

use std::sync::{LazyLock, OnceLock};

use regex::Regex;

use super::news::{NewsRules, Stems};
use super::pattern::Pattern;
use super::register::{self, Inflection, Rules};
use super::{Language, LanguagePack};
use crate::candidate::{Candidate, Guarantor};
use crate::document::Document;
use crate::locate::Locator;
use crate::taxonomy::ViolationType;
use jiff::civil::Weekday;

/// The Russian language pack (bulletins and news).
pub struct Russian;

impl LanguagePack for Russian {
    fn language(&self) -> Language {
        Language::Ru
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        register::extract(&RULES, &NEWS, doc, locator)
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

/// Digits are ASCII once the text is normalised: the small class, like
/// `\p{Cyrillic}` for word endings in the patterns below, keeps the
/// automata small, and the count before a governorate is found on every
/// name of a bulletin.
fn number_pattern() -> String {
    let words: Vec<&str> = NUMBER_WORDS.iter().map(|(w, _)| *w).collect();
    format!(r"[0-9]+|{}", words.join("|"))
}

/// Builds the tables now rather than on first use.
pub(crate) fn build_tables() {
    register::build_tables(&RULES, &NEWS);
}

pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let num = number_pattern();
    let side = |adjective: &str| {
        Pattern::word(&format!(
            r"(?i){adjective}(?:ой|ая|ий|ую|ого|ие|их|ими)\s+(?:сторон|част|делегаци|представител)\w*"
        ))
    };
    Rules {
        code: "ru",
        inflection: Inflection::Russian,
        sides: vec![
            (Guarantor::Russia, side("российск")),
            (
                Guarantor::Russia,
                Pattern::word(r"(?i)минобороны\s+россии|центр\w*\s+по\s+примирению"),
            ),
            (Guarantor::Turkey, side("турецк")),
            (Guarantor::Iran, side("иранск")),
        ],
        // Every voice, gender and number of the reporting verbs: "было
        // зафиксировано", "часть зафиксировала", "представители
        // зарегистрировали", "сторона выявила", "отметила".
        register_verbs: Regex::new(
            r"(?i)зафиксир|зарегистрир|регистрир|выявил|выявлен|отмечен|отметил|фиксиру",
        )
            .expect("constant pattern"),
        not_confirmed: Pattern::word(r"(?i)не\s+подтвер"),
        confirmed: Pattern::word(r"(?i)подтвердил|подтвержден"),
        count_noun: Regex::new(
            r"(?i)^(?:(?:ранее\s+)?(?:факт\w*\s+открытия\s+огня|факт\w*\s+нарушени\w*|факт\w*|нарушени\w*|обстрел\w*|случа\w*))",
        )
        .expect("constant pattern"),
        counting_nouns: &[],
        located_before: Pattern::word(&format!(
            r"(?i)(?P<num>{num})\s+(?:(?:факт\p{{Cyrillic}}*|нарушени\p{{Cyrillic}}*|обстрел\p{{Cyrillic}}*|случа\p{{Cyrillic}}*)\s+)?(?:открытия\s+огня\s+)?(?:в|во)\s+(?:(?:провинци\p{{Cyrillic}}*|мухафаз\p{{Cyrillic}}*|район\p{{Cyrillic}}*)\s+)?$"
        )),
        each_before: Some(
            Pattern::word(&format!(
                r"(?i)по\s+(?P<num>{num})\s+(?:\p{{Cyrillic}}+\s+)?в\s+(?:(?:каждой\s+из\s+)?провинци\p{{Cyrillic}}*\s+)?$"
            )),
        ),
        count_in_parentheses: false,
        count_after: true,
        conjunctions: &["и", ","],
        number_words: NUMBER_WORDS,
        number_leads: register::leads(&[NUMBER_WORDS, &[]]),
        variants: VARIANTS,
        past_day: Regex::new(r"(?i)за\s+(?:прошедшие\s+|последние\s+|минувшие\s+)?сутки")
            .expect("constant pattern"),
        counter_words: [
            (&["населенных пунктов", "населённых пунктов"], &["примирени"]),
            (&["формировани"], &["прекращени", "перемири"]),
        ],
    }
});

/// News: the agencies' words for events, casualties and parties.
pub(crate) static NEWS: NewsRules = NewsRules {
    stems: Stems::Prefix,
    triggers: &[
        ("авиаудар", ViolationType::AirStrike),
        ("авианалет", ViolationType::AirStrike),
        ("авианалёт", ViolationType::AirStrike),
        ("авиационн удар", ViolationType::AirStrike),
        ("ракетн удар", ViolationType::AirStrike),
        // A missile attack is a strike, not a ground assault.
        ("ракетн атак", ViolationType::AirStrike),
        ("атак беспилотник", ViolationType::AirStrike),
        ("атак дрон", ViolationType::AirStrike),
        ("удар", ViolationType::AirStrike),
        ("бомбардир", ViolationType::AirStrike),
        ("бомбил", ViolationType::AirStrike),
        ("беспилотник", ViolationType::AirStrike),
        ("дрон", ViolationType::AirStrike),
        ("обстрел", ViolationType::Shelling),
        ("артиллер", ViolationType::Shelling),
        ("минометн", ViolationType::Shelling),
        ("миномётн", ViolationType::Shelling),
        ("снаряд", ViolationType::Shelling),
        ("рсзо", ViolationType::Shelling),
        ("наступлени", ViolationType::GroundAssault),
        ("наступал", ViolationType::GroundAssault),
        ("атак", ViolationType::GroundAssault),
        ("штурм", ViolationType::GroundAssault),
        ("напал", ViolationType::GroundAssault),
        ("нападени", ViolationType::GroundAssault),
        ("столкновени", ViolationType::GroundAssault),
        ("стрелков оружи", ViolationType::SmallArms),
        ("снайпер", ViolationType::SmallArms),
        ("перестрелк", ViolationType::SmallArms),
        ("взрыв", ViolationType::Ied),
        ("взорвал", ViolationType::Ied),
        ("подрыв", ViolationType::Ied),
        ("смертник", ViolationType::Ied),
        ("самодельн взрывн", ViolationType::Ied),
        ("сву", ViolationType::Ied),
        ("похитил", ViolationType::DetentionAbduction),
        ("похищ", ViolationType::DetentionAbduction),
    ],
    killed: &["погиб", "убит", "убиты", "жертв", "скончал"],
    injured: &["ранен", "ранени", "пострада", "травм"],
    at_least: &["не менее", "по меньшей", "как минимум", "не меньше"],
    including: &[
        "в том числе",
        "включая",
        "среди них",
        "из них",
        "из которых",
    ],
    count_first: false,
    people_numbers: &[
        ("двое", 2),
        ("трое", 3),
        ("четверо", 4),
        ("пятеро", 5),
        ("шестеро", 6),
        ("семеро", 7),
        ("восьмеро", 8),
        ("девятеро", 9),
        ("десятеро", 10),
    ],
    civilians: &[
        "мирн",
        "жител",
        "гражданск",
        "дет",
        "женщин",
        "ребен",
        "ребён",
    ],
    fighters: &["боевик", "военнослужащ", "солдат", "военн", "террорист"],
    actors: &[
        (
            "russia",
            "Russia",
            &["российск", "росси", "вкс", "минобороны рф", "москв"],
        ),
        ("turkey", "Turkey", &["турецк", "турци", "анкар"]),
        ("iran", "Iran", &["иранск", "иран"]),
        (
            "syria",
            "Syrian government",
            &[
                "сирийск арми",
                "сирийск военн",
                "сирийск правительств",
                "правительственн войск",
                "правительственн сил",
                "саа",
                "арми",
            ],
        ),
        (
            "usa",
            "United States",
            &["сша", "американск", "пентагон", "коалици"],
        ),
        ("israel", "Israel", &["израил"]),
        (
            "hts",
            "Hayat Tahrir al-Sham",
            &[
                "хайят тахрир аш шам",
                "хайат тахрир аш шам",
                "хайят тахрир",
                "хайат тахрир",
                "хтш",
                "джебхат ан нусра",
                "нуср",
            ],
        ),
        (
            "isis",
            "Islamic State",
            &["игил", "исламск государств", "даиш"],
        ),
        (
            "sdf",
            "Syrian Democratic Forces",
            &["сдс", "сирийск демократическ", "курдск формировани"],
        ),
        ("fsa", "Free Syrian Army", &["свободн сирийск арми"]),
        (
            "opposition",
            "Armed opposition",
            &[
                "боевик",
                "вооруженн оппозици",
                "оппозици",
                "террорист",
                "незаконн вооруженн",
            ],
        ),
    ],
    syria: &["сири"],
    target_before: &["по", "против", "позици", "на", "объект"],
    source_before: &[
        "по данным",
        "по словам",
        "сообщ",
        "заяв",
        "передает",
        "передаёт",
        "информаци",
        "по информации",
    ],
    source_after: &[],
    target_after: &[],
    boilerplate: &[
        "запрещен в росси",
        "запрещён в росси",
        "запрещенн в росси",
        "запрещённ в росси",
        "запрещен в рф",
        "запрещён в рф",
        "запрещенн в рф",
        "запрещённ в рф",
        "террористическ организаци",
    ],
    statement: &[
        "осуд",
        "агресси",
        "устав оон",
        "международн прав",
        "призвал",
        "призыва",
        "суверенитет",
        "протест",
    ],
    not_events: &[
        "гуманитарн",
        "разминир",
        "обезвред",
        "вступил в силу",
        "действует с",
    ],
    future: &[
        "будет",
        "будут",
        "планиру",
        "намерен",
        "состоится",
        "пройдет",
        "пройдёт",
    ],
    yesterday: &["вчера", "накануне"],
    today: &["сегодня"],
    weekdays: &[
        ("понедельник", Weekday::Monday),
        ("вторник", Weekday::Tuesday),
        ("среду", Weekday::Wednesday),
        ("среда", Weekday::Wednesday),
        ("четверг", Weekday::Thursday),
        ("пятницу", Weekday::Friday),
        ("пятница", Weekday::Friday),
        ("субботу", Weekday::Saturday),
        ("суббота", Weekday::Saturday),
        ("воскресенье", Weekday::Sunday),
    ],
    months: &[
        ("январ", 1),
        ("феврал", 2),
        ("март", 3),
        ("апрел", 4),
        ("мая", 5),
        ("май", 5),
        ("июн", 6),
        ("июл", 7),
        ("август", 8),
        ("сентябр", 9),
        ("октябр", 10),
        ("ноябр", 11),
        ("декабр", 12),
    ],
    filed: OnceLock::new(),
};
