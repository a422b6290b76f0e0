//! Arabic: the joint commission's bulletins as SANA, RT and Sputnik Arabic
//! carry them ("رصد الجانب الروسي 12 انتهاكا، 7 منها في محافظة إدلب و5 في
//! محافظة اللاذقية"). Arabic-Indic digits are made Latin by normalisation.

use std::sync::LazyLock;

use regex::Regex;

use super::register::{self, Inflection, Rules};
use super::{Language, LanguagePack};
use crate::candidate::{Candidate, Guarantor};
use crate::document::Document;
use crate::locate::Locator;

/// The Arabic language pack (bulletins).
pub struct Arabic;

impl LanguagePack for Arabic {
    fn language(&self) -> Language {
        Language::Ar
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        register::extract(&RULES, doc, locator)
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

pub(crate) static RULES: LazyLock<Rules> = LazyLock::new(|| {
    let words: Vec<&str> = NUMBER_WORDS.iter().chain(DUALS).map(|(w, _)| *w).collect();
    // Longest first: "ثلاثة" before "ثلاث".
    let mut words = words;
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let num = format!(r"\d+|{}", words.join("|"));
    let noun = r"(?:انتهاك\w*|خرق\w*|خروقات|اختراق\w*|حالات|حالة)";
    let side = |adjective: &str| {
        Regex::new(&format!(r"(?:الجانب|الطرف|الوفد)\s+{adjective}")).expect("constant pattern")
    };
    Rules {
        code: "ar",
        inflection: Inflection::Arabic,
        sides: vec![
            (Guarantor::Russia, side("الروسي")),
            (
                Guarantor::Russia,
                Regex::new(r"وزارة\s+الدفاع\s+الروسية|مركز\s+المصالحة\s+الروسي")
                    .expect("constant pattern"),
            ),
            (Guarantor::Turkey, side("التركي")),
            (Guarantor::Iran, side("الإيراني")),
        ],
        register_verbs: Regex::new(r"رصد|سجل|سجّل|تسجيل|رصدت|سجلت").expect("constant pattern"),
        not_confirmed: Regex::new(r"لم\s+(?:ي|ت)ؤكد|لم\s+يتم\s+تأكيد|لم\s+يتأكد|غير\s+مؤكدة")
            .expect("constant pattern"),
        confirmed: Regex::new(r"(?:^|\s)(?:و)?أكد\s+(?:الجانب|الطرف)").expect("constant pattern"),
        count_noun: Regex::new(&format!("^{noun}")).expect("constant pattern"),
        counting_nouns: DUALS,
        located_before: Regex::new(&format!(
            r"(?:{noun}\s+)?(?P<num>{num})\s+(?:{noun}\s+)?(?:منها\s+)?(?:في|ب)\s*(?:(?:محافظة|محافظتي|مدينة|منطقة)\s+)?$"
        ))
        .expect("constant pattern"),
        each_before: Some(
            Regex::new(&format!(
                r"(?P<num>{num})\s+(?:{noun}\s+)?(?:منها\s+)?في\s+كل\s+من\s+(?:(?:محافظتي|محافظات)\s+)?$"
            ))
            .expect("constant pattern"),
        ),
        count_after: false,
        conjunctions: &["و", "،", ","],
        number_words: NUMBER_WORDS,
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
