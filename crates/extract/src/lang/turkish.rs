//! Turkish: the joint commission's bulletins as Turkish agencies carry them
//! ("Rusya tarafı İdlib'de 5, Lazkiye'de 3 olmak üzere 8 ateşkes ihlali
//! tespit etti"), and news as Anadolu and TRT Haber write it ("saldırıda
//! sekiz kişi hayatını kaybetti").

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

/// The Turkish language pack (bulletins and news).
pub struct Turkish;

impl LanguagePack for Turkish {
    fn language(&self) -> Language {
        Language::Tr
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        register::extract(&RULES, &NEWS, doc, locator)
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

/// Builds the tables now rather than on first use.
pub(crate) fn build_tables() {
    register::build_tables(&RULES, &NEWS);
}

pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let side = |names: &str| Pattern::word(&format!(r"(?:{names})\s+taraf(?:ı|ının|ınca|ına)"));
    Rules {
        code: "tr",
        inflection: Inflection::Turkish,
        sides: vec![
            (Guarantor::Russia, side("Rusya|Rus")),
            (
                Guarantor::Russia,
                Pattern::word(r"Rusya\s+Savunma\s+Bakanlığı"),
            ),
            (Guarantor::Turkey, side("Türk|Türkiye")),
            (Guarantor::Iran, side("İran")),
        ],
        register_verbs: Regex::new(r"(?i)tespit|saptad|kaydett|kaydedil|belirled")
            .expect("constant pattern"),
        not_confirmed: Pattern::anywhere(r"doğrulanmad|teyit\s+edilmed|doğrulamad|teyit\s+etmed"),
        confirmed: Pattern::anywhere(r"doğruland|teyit\s+etti|doğruladı"),
        count_noun: Regex::new(r"^(?:ateşkes\s+ihlal\w*|ihlal\w*|olay\w*|saldırı\w*)")
            .expect("constant pattern"),
        counting_nouns: &[],
        // Turkish puts the count after the place ("İdlib'de 5"); a count
        // before it is the total of a sentence, never a place's.
        located_before: Pattern::anywhere(r"\A\b\z"),
        each_before: None,
        count_in_parentheses: false,
        count_after: true,
        conjunctions: &["ve", ","],
        number_words: NUMBER_WORDS,
        number_leads: register::leads(&[NUMBER_WORDS, &[]]),
        variants: VARIANTS,
        past_day: Regex::new(r"(?i)son\s+24\s+saat|son\s+bir\s+gün|son\s+24\s+saatte")
            .expect("constant pattern"),
        counter_words: [
            (&["yerleşim"], &["uzlaşma"]),
            (&["silahlı grup", "silahlı oluşum"], &["ateşkes"]),
        ],
    }
});

/// News: the agencies' words for events, casualties and parties. Words are
/// read apart from their suffixes after an apostrophe ("İdlib'de" is
/// "idlib", "de").
pub(crate) static NEWS: NewsRules = NewsRules {
    stems: Stems::Prefix,
    triggers: &[
        // "hava" (air) is a whole word here: "havan" (mortar) starts with it.
        ("hava$ saldırı", ViolationType::AirStrike),
        ("havadan$ saldırı", ViolationType::AirStrike),
        ("hava$ harekat", ViolationType::AirStrike),
        ("hava$ harekât", ViolationType::AirStrike),
        ("hava$ bombardıman", ViolationType::AirStrike),
        ("hava$ operasyon", ViolationType::AirStrike),
        ("hava$ indirme", ViolationType::GroundAssault),
        ("bombaladı", ViolationType::AirStrike),
        ("bombalad", ViolationType::AirStrike),
        ("savaş uçak", ViolationType::AirStrike),
        ("iha$", ViolationType::AirStrike),
        ("siha$", ViolationType::AirStrike),
        ("füze saldırı", ViolationType::AirStrike),
        ("topçu", ViolationType::Shelling),
        ("top atış", ViolationType::Shelling),
        ("havan", ViolationType::Shelling),
        ("roket", ViolationType::Shelling),
        ("bombardıman", ViolationType::Shelling),
        ("obüs", ViolationType::Shelling),
        ("saldırı", ViolationType::GroundAssault),
        ("saldırd", ViolationType::GroundAssault),
        ("taarruz", ViolationType::GroundAssault),
        ("çatışma", ViolationType::GroundAssault),
        ("çatıştı", ViolationType::GroundAssault),
        ("sızma", ViolationType::GroundAssault),
        ("keskin nişancı", ViolationType::SmallArms),
        ("ateş açt", ViolationType::SmallArms),
        ("ateş açıl", ViolationType::SmallArms),
        ("patlama", ViolationType::Ied),
        ("patlay", ViolationType::Ied),
        ("bombalı", ViolationType::Ied),
        ("el yapımı", ViolationType::Ied),
        ("intihar", ViolationType::Ied),
        ("kaçırıl", ViolationType::DetentionAbduction),
        ("kaçırd", ViolationType::DetentionAbduction),
        ("alıkon", ViolationType::DetentionAbduction),
    ],
    killed: &[
        "öldü",
        "öldürül",
        "hayatını kaybet",
        "yaşamını yitir",
        "can verdi",
        "şehit",
    ],
    injured: &["yaralan", "yaralı"],
    at_least: &["en az"],
    including: &["aralarında", "dahil"],
    count_first: true,
    people_numbers: &[],
    civilians: &["sivil", "çocuk", "kadın"],
    fighters: &["asker", "militan", "terörist", "savaşçı", "muhalif"],
    actors: &[
        ("russia", "Russia", &["rus", "moskova"]),
        ("turkey", "Turkey", &["türk", "tsk", "ankara", "mehmetçik"]),
        ("iran", "Iran", &["iran"]),
        (
            "syria",
            "Syrian government",
            &[
                "suriye ordu",
                "suriye hükümet",
                "suriye güç",
                "rejim",
                "esad rejim",
                "esed rejim",
                "hükümet güç",
                "şam yönetimi",
            ],
        ),
        ("usa", "United States", &["abd", "amerika", "koalisyon"]),
        ("israel", "Israel", &["israil"]),
        (
            "hts",
            "Hayat Tahrir al-Sham",
            &[
                "heyet tahrir el şam",
                "heyet tahrir uş şam",
                "heyet i tahrir el şam",
                "heyet tahrir",
                "heyet i tahrir",
                "htş",
                "nusra",
            ],
        ),
        ("isis", "Islamic State", &["deaş", "daeş", "ışid", "işid"]),
        ("sdf", "Syrian Democratic Forces", &["sdg", "ypg", "pkk"]),
        (
            "opposition",
            "Armed opposition",
            &["muhalif", "silahlı grup", "militan", "terörist"],
        ),
    ],
    syria: &["suriye"],
    target_before: &[],
    source_before: &[],
    source_after: &["göre", "açıklama", "açıklamasına"],
    target_after: &[
        "mevzi", "hedef", "yönelik", "karşı", "e", "a", "ye", "ya", "ne", "na", "i", "ı", "yi",
        "yı",
    ],
    boilerplate: &["rusya da yasak", "rusya da faaliyet"],
    statement: &[
        "kına",
        "saldırganlık",
        "bm şart",
        "uluslararası hukuk",
        "egemenli",
        "tepki göster",
        "çağrı",
    ],
    not_events: &[
        "insani yardım",
        "yardım",
        "mayın",
        "yürürlüğe",
        "yürürlükte",
    ],
    future: &[
        "yapılacak",
        "gerçekleştirilecek",
        "düzenlenecek",
        "bekleniyor",
        "planlan",
    ],
    yesterday: &["dün"],
    today: &["bugün"],
    weekdays: &[
        ("pazartesi", Weekday::Monday),
        ("salı", Weekday::Tuesday),
        ("çarşamba", Weekday::Wednesday),
        ("perşembe", Weekday::Thursday),
        ("cuma", Weekday::Friday),
        ("cumartesi", Weekday::Saturday),
        ("pazar günü", Weekday::Sunday),
    ],
    months: &[
        ("ocak", 1),
        ("şubat", 2),
        ("mart", 3),
        ("nisan", 4),
        ("mayıs", 5),
        ("haziran", 6),
        ("temmuz", 7),
        ("ağustos", 8),
        ("eylül", 9),
        ("ekim", 10),
        ("kasım", 11),
        ("aralık", 12),
    ],
    filed: OnceLock::new(),
};
