//! Arabic: the joint commission's bulletins as SANA, RT and Sputnik Arabic
//! carry them ("رصد الجانب الروسي 12 انتهاكا، 7 منها في محافظة إدلب و5 في
//! محافظة اللاذقية"), and news as SANA, Al Jazeera and RT Arabic write it
//! ("أسفر القصف عن مقتل ثمانية مدنيين"). Arabic-Indic digits are made Latin
//! by normalisation.

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

/// The Arabic language pack (bulletins and news).
pub struct Arabic;

impl LanguagePack for Arabic {
    fn language(&self) -> Language {
        Language::Ar
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        register::extract(&RULES, &NEWS, doc, locator)
    }
}

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("واحد", 1),
    ("واحدا", 1),
    ("واحدة", 1),
    ("اثنان", 2),
    ("اثنين", 2),
    ("اثنتان", 2),
    ("اثنتين", 2),
    ("ثلاث", 3),
    ("ثلاثة", 3),
    ("أربع", 4),
    ("أربعة", 4),
    ("خمس", 5),
    ("خمسة", 5),
    ("ست", 6),
    ("ستة", 6),
    ("سبع", 7),
    ("سبعة", 7),
    ("ثماني", 8),
    ("ثمانية", 8),
    ("تسع", 9),
    ("تسعة", 9),
    ("عشر", 10),
    ("عشرة", 10),
];

/// The dual: one word is the noun and the count two.
const DUALS: &[(&str, u32)] = &[
    ("خرقين", 2),
    ("خرقان", 2),
    ("انتهاكين", 2),
    ("انتهاكان", 2),
    ("اختراقين", 2),
    ("اختراقان", 2),
];

/// Spellings besides Natural Earth's.
const VARIANTS: &[(&str, &str)] = &[
    ("SY-HM", "حماه"),
    ("SY-DY", "دير الزور"),
    ("SY-DY", "ديرالزور"),
    ("SY-HA", "الحسكة"),
    ("SY-RD", "الغوطة الشرقية"),
];

/// Builds the tables now rather than on first use.
pub(crate) fn build_tables() {
    register::build_tables(&RULES, &NEWS);
}

pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let words: Vec<&str> = NUMBER_WORDS.iter().chain(DUALS).map(|(w, _)| *w).collect();
    // Longest first: "ثلاثة" before "ثلاث".
    let mut words = words;
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    // Digits are ASCII once the text is normalised, and the nouns' endings
    // Arabic letters: the small classes keep the automata small, and the
    // count before a governorate is found on every name of a bulletin.
    let num = format!(r"[0-9]+|{}", words.join("|"));
    let noun = r"(?:انتهاك\p{Arabic}*|خرق\p{Arabic}*|خروقات|اختراق\p{Arabic}*|حالات|حالة)";
    let side =
        |adjective: &str| Pattern::anywhere(&format!(r"(?:الجانب|الطرف|الوفد)\s+{adjective}"));
    Rules {
        code: "ar",
        inflection: Inflection::Arabic,
        sides: vec![
            (Guarantor::Russia, side("الروسي")),
            (
                Guarantor::Russia,
                Pattern::anywhere(r"وزارة\s+الدفاع\s+الروسية|مركز\s+المصالحة\s+الروسي"),
            ),
            (Guarantor::Turkey, side("التركي")),
            (Guarantor::Iran, side("الإيراني")),
        ],
        register_verbs: Regex::new(r"رصد|سجل|سجّل|تسجيل|رصدت|سجلت").expect("constant pattern"),
        not_confirmed: Pattern::anywhere(
            r"لم\s+(?:ي|ت)ؤكد|لم\s+يتم\s+تأكيد|لم\s+يتأكد|غير\s+مؤكدة",
        ),
        confirmed: Pattern::anywhere(r"(?:^|\s)(?:و)?أكد\s+(?:الجانب|الطرف)"),
        count_noun: Regex::new(&format!("^{noun}")).expect("constant pattern"),
        counting_nouns: DUALS,
        located_before: Pattern::anywhere(&format!(
            r"(?:{noun}\s+)?(?P<num>{num})\s+(?:{noun}\s+)?(?:منها\s+)?(?:في|ب)\s*(?:(?:محافظة|محافظتي|مدينة|منطقة)\s+)?$"
        )),
        each_before: Some(
            Pattern::anywhere(&format!(
                r"(?P<num>{num})\s+(?:{noun}\s+)?(?:منها\s+)?في\s+كل\s+من\s+(?:(?:محافظتي|محافظات)\s+)?$"
            )),
        ),
        count_in_parentheses: true,
        count_after: false,
        conjunctions: &["و", "،", ","],
        number_words: NUMBER_WORDS,
        number_leads: register::leads(&[NUMBER_WORDS, DUALS]),
        variants: VARIANTS,
        past_day: Regex::new(
            r"خلال\s+(?:الساعات\s+)?(?:الأربع\s+والعشرين|الـ?\s*24|24)\s+(?:ساعة\s+)?(?:الماضية|الأخيرة)|خلال\s+اليوم\s+الماضي",
        )
        .expect("constant pattern"),
        counter_words: [
            (&["البلدات", "المناطق المأهولة", "التجمعات السكنية"], &["المصالحة"]),
            (&["التشكيلات", "الفصائل"], &["وقف"]),
        ],
    }
});

/// News: the agencies' words for events, casualties and parties. Stems
/// meet words with their attached conjunctions, prepositions and article.
pub(crate) static NEWS: NewsRules = NewsRules {
    stems: Stems::ArabicPrefix,
    triggers: &[
        ("غارة", ViolationType::AirStrike),
        ("غارات", ViolationType::AirStrike),
        ("قصف جوي", ViolationType::AirStrike),
        ("ضربة", ViolationType::AirStrike),
        ("ضربات", ViolationType::AirStrike),
        ("طيران حربي", ViolationType::AirStrike),
        ("الطيران الحربي", ViolationType::AirStrike),
        ("طائرة مسيرة", ViolationType::AirStrike),
        ("طائرات مسيرة", ViolationType::AirStrike),
        ("مسيرة", ViolationType::AirStrike),
        ("قصف", ViolationType::Shelling),
        ("قصفت", ViolationType::Shelling),
        ("قذائف", ViolationType::Shelling),
        ("قذيفة", ViolationType::Shelling),
        ("مدفعي", ViolationType::Shelling),
        ("صواريخ", ViolationType::Shelling),
        // A missile attack is a strike ("هجوما صاروخيا"), whoever makes it.
        ("هجوم صاروخي", ViolationType::AirStrike),
        ("هجمات صاروخي", ViolationType::AirStrike),
        ("هجوم بالصواريخ", ViolationType::AirStrike),
        ("هجوم جوي", ViolationType::AirStrike),
        ("هجوم بطائرات", ViolationType::AirStrike),
        // SANA names a strike an aggression by its weapon ("عدوان صاروخي
        // إسرائيلي"): the aggression so named is the strike, not a word of
        // a statement.
        ("عدوان صاروخي", ViolationType::AirStrike),
        ("عدوان جوي", ViolationType::AirStrike),
        ("هجوم", ViolationType::GroundAssault),
        ("هاجم", ViolationType::GroundAssault),
        ("اشتباك", ViolationType::GroundAssault),
        ("اقتحام", ViolationType::GroundAssault),
        ("اقتحم", ViolationType::GroundAssault),
        ("قنص", ViolationType::SmallArms),
        ("قناص", ViolationType::SmallArms),
        ("رصاص", ViolationType::SmallArms),
        ("انفجار", ViolationType::Ied),
        ("عبوة", ViolationType::Ied),
        ("مفخخ", ViolationType::Ied),
        ("تفجير", ViolationType::Ied),
        ("انتحاري", ViolationType::Ied),
        ("اختطاف", ViolationType::DetentionAbduction),
        ("خطف", ViolationType::DetentionAbduction),
        ("اختطف", ViolationType::DetentionAbduction),
    ],
    killed: &[
        "مقتل",
        "قتل",
        "قتيل",
        "قتلى",
        "استشهاد",
        "استشهد",
        "شهيد",
        "شهداء",
        "مصرع",
        "حتف",
    ],
    injured: &[
        "إصابة",
        "إصابات",
        "اصابة",
        "اصابات",
        "أصيب",
        "اصيب",
        "جرح",
        "جريح",
        "مصاب",
    ],
    at_least: &["لا يقل", "ما لا"],
    including: &["بينهم", "منهم", "من بينهم", "بينهن"],
    count_first: false,
    people_numbers: &[],
    civilians: &[
        "مدني",
        "أطفال",
        "اطفال",
        "طفل",
        "نساء",
        "سكان",
        "أهالي",
        "اهالي",
    ],
    fighters: &[
        "مسلح",
        "عناصر",
        "جنود",
        "جندي",
        "مقاتل",
        "عسكري",
        "إرهابي",
        "ارهابي",
    ],
    actors: &[
        (
            "russia",
            "Russia",
            &[
                "روسيا",
                "الروسي",
                "روسي",
                "الطيران الروسي",
                "الطائرات الروسية",
            ],
        ),
        (
            "turkey",
            "Turkey",
            &[
                "تركيا",
                "التركي",
                "تركية",
                "الجيش التركي",
                "القوات التركية",
                "أنقرة",
            ],
        ),
        ("iran", "Iran", &["إيران", "ايران", "الإيراني", "الايراني"]),
        (
            "syria",
            "Syrian government",
            &[
                "الجيش السوري",
                "الجيش العربي السوري",
                "قوات النظام",
                "قوات الحكومة",
                "القوات الحكومية",
                "النظام السوري",
                "جيش النظام",
                "الجيش",
            ],
        ),
        (
            "usa",
            "United States",
            &[
                "الولايات المتحدة",
                "الأمريكي",
                "الأميركي",
                "أمريكي",
                "أميركي",
                "واشنطن",
                "التحالف الدولي",
            ],
        ),
        (
            "israel",
            "Israel",
            &["إسرائيل", "اسرائيل", "الإسرائيلي", "الاسرائيلي"],
        ),
        (
            "hts",
            "Hayat Tahrir al-Sham",
            &["هيئة تحرير الشام", "جبهة النصرة", "النصرة"],
        ),
        ("isis", "Islamic State", &["داعش", "تنظيم الدولة"]),
        (
            "sdf",
            "Syrian Democratic Forces",
            &["قسد", "قوات سوريا الديمقراطية"],
        ),
        (
            "opposition",
            "Armed opposition",
            &[
                "المعارضة",
                "الفصائل",
                "فصائل",
                "المسلحين",
                "مسلحين",
                "المسلحة",
                "الإرهابي",
                "إرهابي",
                "الارهابي",
                "ارهابي",
            ],
        ),
    ],
    syria: &["سوريا", "سورية"],
    target_before: &["على", "ضد", "مواقع", "استهدف", "نقاط", "مقرات"],
    source_before: &[
        "وفق",
        "بحسب",
        "حسب",
        "أفاد",
        "افاد",
        "ذكر",
        "قال",
        "أعلن",
        "اعلن",
        "مصادر",
    ],
    source_after: &[],
    target_after: &[],
    boilerplate: &[
        "المحظور في روسيا",
        "محظور في روسيا",
        "المحظورة في روسيا",
        "المحظور في الاتحاد",
    ],
    statement: &[
        "عدوان",
        "العدوان",
        "أدان",
        "ادان",
        "إدانة",
        "ندد",
        "ميثاق الأمم",
        "القانون الدولي",
        "السيادة",
    ],
    not_events: &["مساعدات", "الإنسانية", "الألغام", "حيز التنفيذ", "يسري"],
    future: &["سوف", "المقرر", "سيعقد", "ستعقد"],
    yesterday: &["أمس", "امس", "البارحة"],
    today: &["اليوم"],
    weekdays: &[
        ("الاثنين", Weekday::Monday),
        ("الإثنين", Weekday::Monday),
        ("الثلاثاء", Weekday::Tuesday),
        ("الأربعاء", Weekday::Wednesday),
        ("الاربعاء", Weekday::Wednesday),
        ("الخميس", Weekday::Thursday),
        ("الجمعة", Weekday::Friday),
        ("السبت", Weekday::Saturday),
        ("الأحد", Weekday::Sunday),
        ("الاحد", Weekday::Sunday),
    ],
    months: &[
        ("كانون الثاني", 1),
        ("يناير", 1),
        ("شباط", 2),
        ("فبراير", 2),
        ("آذار", 3),
        ("مارس", 3),
        ("نيسان", 4),
        ("أبريل", 4),
        ("ابريل", 4),
        ("أيار", 5),
        ("مايو", 5),
        ("حزيران", 6),
        ("يونيو", 6),
        ("تموز", 7),
        ("يوليو", 7),
        ("آب", 8),
        ("أغسطس", 8),
        ("أيلول", 9),
        ("سبتمبر", 9),
        ("تشرين الأول", 10),
        ("أكتوبر", 10),
        ("تشرين الثاني", 11),
        ("نوفمبر", 11),
        ("كانون الأول", 12),
        ("ديسمبر", 12),
    ],
    filed: OnceLock::new(),
};
