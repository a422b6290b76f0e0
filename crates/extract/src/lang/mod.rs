//! Language detection and the per-language readers.
//!
//! Detection is deliberately cheap: a script count and an English
//! function-word ratio over a bounded sample decide almost every input, and
//! `whatlang` is consulted only for Latin or Cyrillic text that is neither
//! clearly English nor clearly Turkish. A language is supported when it has a
//! [`LanguagePack`]; recognised languages without one are refused with
//! [`crate::ExtractError::UnsupportedLanguage`] rather than read with English
//! patterns, which would produce confident nonsense.

mod arabic;
pub mod english;
mod news;
mod pattern;
mod register;
mod russian;
mod turkish;

pub use arabic::Arabic;
pub use russian::Russian;
pub use turkish::Turkish;

use serde::{Deserialize, Serialize};

use crate::candidate::Candidate;
use crate::document::Document;
use crate::locate::Locator;

/// A document's language, as an ISO 639-1 code where known.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Ar,
    Ru,
    Tr,
    Fa,
    /// Another language, by its ISO 639-1 code.
    Other(String),
    /// Too little text to tell (no letters, or a handful of words); its
    /// code is "und", ISO 639's "undetermined", which 639-1 lacks.
    Unknown,
}

impl Language {
    /// The code used in errors and flags ("en", "ru", ...).
    pub fn code(&self) -> &str {
        match self {
            Language::En => "en",
            Language::Ar => "ar",
            Language::Ru => "ru",
            Language::Tr => "tr",
            Language::Fa => "fa",
            Language::Other(code) => code,
            Language::Unknown => "und",
        }
    }
}

/// The patterns for one language: everything language-specific about reading
/// bulletins and news lives behind this trait.
pub trait LanguagePack: Sync {
    /// The language this pack reads.
    fn language(&self) -> Language;
    /// Candidates found in `doc`, locations resolved with `locator`.
    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate>;
}

/// The pack for `lang`, if we have one. Unknown is read as English: it only
/// arises for texts too short to carry a language signal, where English
/// patterns either match exactly or find nothing. Russian, Arabic and
/// Turkish read bulletins and news through the table-driven readers.
pub fn pack_for(lang: &Language) -> Option<&'static dyn LanguagePack> {
    match lang {
        Language::En | Language::Unknown => Some(&english::English),
        Language::Ru => Some(&russian::Russian),
        Language::Ar => Some(&arabic::Arabic),
        Language::Tr => Some(&turkish::Turkish),
        _ => None,
    }
}

/// Builds every language's tables and the gazetteer now, each on a thread
/// of its own, rather than on first use. A run over many texts would
/// otherwise build them one after the other on whichever thread first
/// needs each, while the threads that need them too wait.
pub fn build_tables() {
    std::thread::scope(|scope| {
        scope.spawn(crate::locate::default_locator);
        scope.spawn(english::build_tables);
        scope.spawn(russian::build_tables);
        scope.spawn(arabic::build_tables);
        scope.spawn(turkish::build_tables);
    });
}

/// How many bytes of a text detection looks at; enough for a stable answer,
/// small enough that detection never dominates throughput.
const SAMPLE_BYTES: usize = 4096;

/// Frequent English function words, and the bulletin vocabulary that makes
/// list-style bulletins ("Russian side: 5 violations (Latakia - 2)") English
/// even with few function words. A text where they make up a good share of
/// the words is English without asking a statistical model.
fn is_english_word(lower: &[u8]) -> bool {
    matches!(
        lower,
        b"the"
            | b"of"
            | b"and"
            | b"in"
            | b"to"
            | b"a"
            | b"was"
            | b"were"
            | b"on"
            | b"by"
            | b"that"
            | b"for"
            | b"with"
            | b"is"
            | b"has"
            | b"have"
            | b"said"
            | b"from"
            | b"at"
            | b"side"
            | b"over"
            | b"last"
            | b"its"
            | b"are"
            | b"violations"
            | b"violation"
            | b"cases"
            | b"case"
            | b"registered"
            | b"recorded"
            | b"province"
            | b"firing"
            | b"shelling"
            | b"ceasefire"
    )
}

/// Turkish words that have no English homograph worth worrying about
/// (ASCII-only ones; "için" is caught by the Turkish letters instead).
fn is_turkish_word(lower: &[u8]) -> bool {
    matches!(
        lower,
        b"ve" | b"bir" | b"ile" | b"bu" | b"olarak" | b"da" | b"de"
    )
}

/// Whether `c` is a letter or a digit: the basic Cyrillic and Arabic
/// letters are answered without the Unicode tables, which every character
/// of a Russian or Arabic text asked.
pub(crate) fn is_word_letter(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
        || c.is_alphanumeric()
}

/// Where the paragraph holding `at` begins: after the last blank line
/// before it, or at the start. Asked for every sentence, so the line
/// breaks are found with `memchr` rather than a substring searcher built
/// each time.
pub(crate) fn paragraph_start(text: &str, at: usize) -> usize {
    let before = &text.as_bytes()[..at];
    memchr::memrchr_iter(b'\n', before)
        .find(|&i| i > 0 && before[i - 1] == b'\n')
        .map_or(0, |i| i + 1)
}

/// Where the first paragraph break ("\n\n") of `text` begins. Asked of
/// every register and paragraph of a bulletin: the line breaks are found
/// with `memchr` rather than a substring searcher built each time.
pub(crate) fn paragraph_break(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\n', bytes).find(|&i| bytes.get(i + 1) == Some(&b'\n'))
}

/// How many paragraph breaks `text` holds, counted as `str::matches`
/// counts "\n\n" (a run of three line breaks is one), and no further than
/// `most + 1`.
pub(crate) fn paragraph_breaks(text: &str, most: usize) -> usize {
    let (mut count, mut from) = (0, 0);
    while count <= most {
        let Some(at) = paragraph_break(&text[from..]) else {
            break;
        };
        count += 1;
        from += at + 2;
    }
    count
}

/// Detect the language of `text` from a bounded sample.
pub fn detect(text: &str) -> Language {
    let sample = prefix(text, SAMPLE_BYTES);
    // Fast path for the common case, plain ASCII text: only Latin letters
    // are possible, so the per-character script count can be skipped.
    if sample.is_ascii() {
        // Words are runs of letters, so their lengths add up to the letters.
        let tally = tally_words(sample.as_bytes(), u8::is_ascii_alphabetic);
        let (words, english) = (tally.words, tally.english);
        if tally.letters < 8 {
            return Language::Unknown;
        }
        if words >= 3 && english * 20 >= words {
            return Language::En;
        }
        if words < 4 {
            return Language::Unknown;
        }
        return whatlang_code(sample).unwrap_or(Language::Unknown);
    }
    let (mut latin, mut cyrillic, mut arabic, mut persian_marks, mut turkish_marks) =
        (0usize, 0usize, 0usize, 0usize, 0usize);
    // What tells Russian from the other Cyrillic languages (see below),
    // counted in the same pass: this runs on every document.
    let (mut foreign, mut russian, mut hard_sign, mut after_hard_sign) =
        (0usize, 0usize, 0usize, false);
    let mut at = 0;
    while let Some(&byte) = sample.as_bytes().get(at) {
        // ASCII, most of any text that gets here, a byte at a time.
        let c = if byte.is_ascii() {
            at += 1;
            char::from(byte)
        } else {
            let Some(c) = sample[at..].chars().next() else {
                break;
            };
            at += c.len_utf8();
            c
        };
        if after_hard_sign {
            hard_sign += usize::from(!matches!(c, 'е' | 'ё' | 'ю' | 'я' | 'Е' | 'Ё' | 'Ю' | 'Я'));
            after_hard_sign = false;
        }
        match c {
            'a'..='z' | 'A'..='Z' => latin += 1,
            c if c.is_ascii() => {}
            '\u{0400}'..='\u{04FF}' => {
                cyrillic += 1;
                match c {
                    'і' | 'ї' | 'є' | 'ґ' | 'ў' | 'ђ' | 'ј' | 'љ' | 'њ' | 'ћ' | 'џ' | 'ѓ' | 'ќ'
                    | 'ѕ' | 'І' | 'Ї' | 'Є' | 'Ґ' | 'Ў' | 'Ђ' | 'Ј' | 'Љ' | 'Њ' | 'Ћ' | 'Џ'
                    | 'Ѓ' | 'Ќ' | 'Ѕ' => foreign += 1,
                    'ы' | 'Ы' | 'э' | 'Э' | 'ё' | 'Ё' => russian += 1,
                    'ъ' | 'Ъ' => after_hard_sign = true,
                    _ => {}
                }
            }
            // Letters only Persian uses (pe, che, zhe, gaf, Persian kaf/yeh).
            '\u{067E}' | '\u{0686}' | '\u{0698}' | '\u{06AF}' | '\u{06A9}' | '\u{06CC}' => {
                arabic += 1;
                persian_marks += 1;
            }
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => arabic += 1,
            'ı' | 'İ' | 'ğ' | 'Ğ' | 'ş' | 'Ş' => {
                latin += 1;
                turkish_marks += 1;
            }
            c if c.is_alphabetic() => latin += usize::from(c.is_ascii() || c < '\u{0250}'),
            _ => {}
        }
    }
    hard_sign += usize::from(after_hard_sign);
    let letters = latin + cyrillic + arabic;
    if letters < 8 {
        return Language::Unknown;
    }
    if arabic * 2 > letters {
        // Persian letters are rare in Arabic text but frequent in Persian.
        return if persian_marks * 20 > arabic {
            Language::Fa
        } else {
            Language::Ar
        };
    }
    if cyrillic * 2 > letters {
        // Russian unless letters of another Cyrillic language say
        // otherwise: a short Russian news item comes back from the
        // statistical model as Bulgarian. Ukrainian, Belarusian, Serbian and
        // Macedonian have letters Russian lacks (`foreign`); Bulgarian
        // writes ъ as a vowel, several times a sentence, where Russian has
        // it rarely and only before е, ё, ю, я ("по объектам", "объявил"),
        // and Russian has ы and э, which Bulgarian lacks.
        if foreign == 0 && (russian > 0 || hard_sign * 100 < cyrillic) {
            return Language::Ru;
        }
        return whatlang_code(sample).unwrap_or(Language::Ru);
    }
    // Words split at ASCII non-letters: the words counted are ASCII ones,
    // and a non-ASCII letter only keeps its word from being one of them.
    let Tally {
        words,
        english,
        turkish,
        ..
    } = tally_words(sample.as_bytes(), |b| {
        !b.is_ascii() || b.is_ascii_alphabetic()
    });
    // One word in ten is a function word in any English prose; headline-like
    // ASCII text ("Heavy clashes broke out between SDF fighters ...") may
    // have half that. whatlang is the fallback only because it costs about
    // as much as the whole extraction of a short bulletin.
    if words >= 3 && (english * 10 >= words || (sample.is_ascii() && english * 20 >= words)) {
        return Language::En;
    }
    if turkish_marks * 50 > latin || (words >= 3 && turkish * 10 >= words) {
        return Language::Tr;
    }
    if words < 4 {
        return Language::Unknown;
    }
    whatlang_code(sample).unwrap_or(Language::Unknown)
}

/// What [`tally_words`] counts.
struct Tally {
    words: usize,
    /// The bytes of all words.
    letters: usize,
    english: usize,
    turkish: usize,
}

/// Count the words of `bytes` (runs of bytes `in_word` takes), English
/// function words and Turkish function words among them. ASCII text is
/// split on bytes, which costs a fraction of decoding chars, in one loop
/// rather than a split iterator (this runs on every document). Words are
/// lower-cased into a stack buffer: allocation would dominate for short
/// bulletins.
fn tally_words(bytes: &[u8], in_word: impl Fn(&u8) -> bool) -> Tally {
    let mut tally = Tally {
        words: 0,
        letters: 0,
        english: 0,
        turkish: 0,
    };
    let mut buf = [0u8; 12];
    let mut at = 0;
    while at < bytes.len() {
        if !in_word(&bytes[at]) {
            at += 1;
            continue;
        }
        let start = at;
        while at < bytes.len() && in_word(&bytes[at]) {
            at += 1;
        }
        let word = &bytes[start..at];
        tally.words += 1;
        tally.letters += word.len();
        if word.len() > buf.len() {
            continue;
        }
        for (b, w) in buf.iter_mut().zip(word) {
            *b = w.to_ascii_lowercase();
        }
        let lower = &buf[..word.len()];
        tally.english += usize::from(is_english_word(lower));
        tally.turkish += usize::from(is_turkish_word(lower));
    }
    tally
}

fn whatlang_code(sample: &str) -> Option<Language> {
    let info = whatlang::detect(sample)?;
    Some(match info.lang() {
        whatlang::Lang::Eng => Language::En,
        whatlang::Lang::Rus => Language::Ru,
        whatlang::Lang::Tur => Language::Tr,
        whatlang::Lang::Ara => Language::Ar,
        whatlang::Lang::Pes => Language::Fa,
        other => Language::Other(iso_639_1(other.code()).to_string()),
    })
}

/// The ISO 639-1 code of a language `whatlang` names by its ISO 639-3
/// code, so that every language code the crate gives is of one kind; a
/// language without one keeps its three letters.
fn iso_639_1(code: &str) -> &str {
    const CODES: &[(&str, &str)] = &[
        ("afr", "af"),
        ("aka", "ak"),
        ("amh", "am"),
        ("ara", "ar"),
        ("aze", "az"),
        ("bel", "be"),
        ("ben", "bn"),
        ("bul", "bg"),
        ("cat", "ca"),
        ("ces", "cs"),
        ("cmn", "zh"),
        ("dan", "da"),
        ("deu", "de"),
        ("ell", "el"),
        ("eng", "en"),
        ("epo", "eo"),
        ("est", "et"),
        ("fin", "fi"),
        ("fra", "fr"),
        ("guj", "gu"),
        ("heb", "he"),
        ("hin", "hi"),
        ("hrv", "hr"),
        ("hun", "hu"),
        ("hye", "hy"),
        ("ind", "id"),
        ("ita", "it"),
        ("jav", "jv"),
        ("jpn", "ja"),
        ("kan", "kn"),
        ("kat", "ka"),
        ("khm", "km"),
        ("kor", "ko"),
        ("lat", "la"),
        ("lav", "lv"),
        ("lit", "lt"),
        ("mal", "ml"),
        ("mar", "mr"),
        ("mkd", "mk"),
        ("mya", "my"),
        ("nep", "ne"),
        ("nld", "nl"),
        ("nob", "nb"),
        ("ori", "or"),
        ("pan", "pa"),
        ("pes", "fa"),
        ("pol", "pl"),
        ("por", "pt"),
        ("ron", "ro"),
        ("rus", "ru"),
        ("sin", "si"),
        ("slk", "sk"),
        ("slv", "sl"),
        ("sna", "sn"),
        ("spa", "es"),
        ("srp", "sr"),
        ("swe", "sv"),
        ("tam", "ta"),
        ("tel", "te"),
        ("tgl", "tl"),
        ("tha", "th"),
        ("tuk", "tk"),
        ("tur", "tr"),
        ("ukr", "uk"),
        ("urd", "ur"),
        ("uzb", "uz"),
        ("vie", "vi"),
        ("yid", "yi"),
        ("zul", "zu"),
    ];
    CODES
        .iter()
        .find(|(three, _)| *three == code)
        .map_or(code, |(_, two)| two)
}

/// The longest prefix of `text` no longer than `max` bytes, cut on a char
/// boundary.
pub(crate) fn prefix(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_paragraph_begins_after_the_last_blank_line() {
        let text = "Head.\n\nFirst. Second.\nStill first.\n\n\nNext.";
        for (at, start) in [(0, 0), (3, 0), (7, 7), (14, 7), (30, 7), (36, 36), (40, 37)] {
            assert_eq!(paragraph_start(text, at), start, "at {at}");
            let by_search = text[..at].rfind("\n\n").map_or(0, |p| p + 2);
            assert_eq!(paragraph_start(text, at), by_search, "at {at}");
        }
    }

    #[test]
    fn paragraph_breaks_are_found_and_counted_as_the_substring_search_does() {
        let text = "Head\n\nOne.\nStill one.\n\n\nTwo.\n\n\n\nThree.\n\n";
        // Every stretch of the text, so that breaks are cut at either end.
        for start in 0..=text.len() {
            for end in start..=text.len() {
                let part = &text[start..end];
                assert_eq!(paragraph_break(part), part.find("\n\n"), "{start}..{end}");
                for most in 0..4 {
                    assert_eq!(
                        paragraph_breaks(part, most),
                        part.matches("\n\n").take(most + 1).count(),
                        "{start}..{end}, at most {most}"
                    );
                }
            }
        }
    }

    #[test]
    fn detects_the_five_languages() {
        assert_eq!(
            detect("Over the last 24 hours the Russian side registered 7 cases of firing."),
            Language::En
        );
        assert_eq!(
            detect("За прошедшие сутки российской стороной зарегистрировано 7 обстрелов."),
            Language::Ru
        );
        // Short Russian news that the statistical model takes for Bulgarian.
        assert_eq!(
            detect("Боевики «Хайят Тахрир аш-Шам» (запрещена в России) обстреляли позиции сирийской армии в провинции Хама."),
            Language::Ru
        );
        // "по объектам": a Russian ъ before a vowel letter, not Bulgarian's.
        assert_eq!(
            detect("Американская авиация в пятницу нанесла удар по объектам на востоке Сирии."),
            Language::Ru
        );
        assert_eq!(
            detect("Бойовики обстріляли позиції армії в провінції Хама, повідомили військові."),
            Language::Other("uk".into())
        );
        assert_eq!(
            detect("Бойци на групировката са обстреляли позициите на армията в провинция Хама, съобщиха военните."),
            Language::Other("bg".into())
        );
        assert_eq!(
            detect("Son 24 saatte Türk tarafı İdlib ve Hama'da ateşkes ihlali kaydetti."),
            Language::Tr
        );
        assert_eq!(
            detect("سجل الجانب الروسي خلال الساعات الأربع والعشرين الماضية سبع حالات إطلاق نار"),
            Language::Ar
        );
        assert_eq!(
            detect("طرف روسیه در ۲۴ ساعت گذشته هفت مورد تیراندازی را در استان لاذقیه ثبت کرد"),
            Language::Fa
        );
        assert_eq!(detect("12 (3)"), Language::Unknown);
    }

    #[test]
    fn other_languages_have_two_letter_codes() {
        let german = detect(
            "Die russische Seite hat in den vergangenen Tagen mehrere Verstöße gegen die \
             Waffenruhe in der Provinz Idlib registriert, teilte das Ministerium mit.",
        );
        assert_eq!(german.code(), "de");
        assert_eq!(iso_639_1("pes"), "fa");
        assert_eq!(iso_639_1("xyz"), "xyz");
    }
}
