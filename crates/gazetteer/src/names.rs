//! Spelling-insensitive names.
//!
//! Two jobs, two functions:
//! - [`key`] folds any spelling of a name to one lookup key (case, diacritics,
//!   apostrophes, articles, designators like "province of", and a few
//!   transliteration habits all disappear), for `governorate_named` and
//!   `places_named`;
//! - [`surfaces`] lists the spellings free-text search looks for. Search runs on the
//!   raw text (offsets must point into it), so instead of folding the text, each
//!   name is expanded into the forms a writer is likely to use.

/// Arabic articles as romanised, with their sun-letter assimilations
/// ("ash-Shughur", "ez-Zor", "Ar Raqqah").
const ARTICLES: &[&str] = &[
    "al", "el", "ad", "adh", "an", "ar", "as", "ash", "at", "ath", "az", "ed", "en", "er", "es",
    "et", "ez",
];

/// Articles that are also English words: "at Tall Rifaat" is English, not "At Tall".
const ENGLISH_WORD_ARTICLES: &[&str] = &["an", "as", "at"];

/// A leading article is dropped from a search form only if this many letters
/// remain; shorter remainders ("Bab", "Tall", "Dana") are ordinary words.
const MIN_BARE_LETTERS: usize = 5;

/// Ways writers render the apostrophe that stands for hamza or ayn.
const APOSTROPHES: &[&str] = &["'", "\u{2019}", "\u{2018}", "`", "\u{02BF}", ""];

/// Which designator words a key drops.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Governorate,
    Place,
}

/// Words that only say what kind of unit follows ("province of Idlib").
const LEADING_DESIGNATORS: &[&str] = &["province", "governorate"];
const MUHAFAZA: &[&str] = &["muhafazat", "muhafazah", "muhafaza"];
const TRAILING_GOVERNORATE: &[&str] = &["province", "provinces", "governorate", "governorates"];
const LEADING_PLACE: &[&str] = &["city", "town", "village"];
const TRAILING_PLACE: &[&str] = &["city", "town", "village"];
/// Arabic "governorate" and "city", as they read after [`fold_arabic`].
const ARABIC_GOVERNORATE: &str = "محافظه";
const ARABIC_CITY: &str = "مدينه";

/// One word of a name, lower-cased and folded, with the separator written before it.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    hyphen_before: bool,
}

enum Folded {
    Char(char),
    Apostrophe,
    Separator { hyphen: bool },
    Drop,
}

/// Folds one lower-case character to plain ASCII where it is a Latin letter with
/// diacritics; classifies apostrophes and separators.
fn fold_char(c: char) -> Folded {
    if let Some(base) = latin_base(c) {
        return Folded::Char(base);
    }
    match c {
        '\'' | '`' | '\u{00B4}' | '\u{2018}' | '\u{2019}' | '\u{02BB}' | '\u{02BC}'
        | '\u{02BD}' | '\u{02BE}' | '\u{02BF}' | '\u{2032}' => Folded::Apostrophe,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' => {
            Folded::Separator { hyphen: true }
        }
        '_' | '.' | ',' | '/' | '(' | ')' | ';' | ':' | '"' | '\u{201C}' | '\u{201D}' => {
            Folded::Separator { hyphen: false }
        }
        c if c.is_whitespace() => Folded::Separator { hyphen: false },
        // Combining diacritics, Arabic short vowels and tatweel, bidi marks.
        '\u{0300}'..='\u{036F}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0670}'
        | '\u{0640}'
        | '\u{200B}'..='\u{200F}' => Folded::Drop,
        c => Folded::Char(fold_arabic(c)),
    }
}

/// The base letter of a lower-case Latin letter with diacritics, as used in
/// romanisations of Arabic (GeoNames writes "Ḩamāh", "Ţarţūs", "Dar‘ā").
fn latin_base(c: char) -> Option<char> {
    let base = match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' | 'ạ' | 'ả' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' | 'ḍ' | 'ḏ' | 'ḑ' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' | 'ẹ' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' | 'ǧ' => 'g',
        'ĥ' | 'ħ' | 'ḥ' | 'ḧ' | 'ḩ' | 'ḫ' | 'ẖ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' | 'ị' => 'i',
        'ĵ' => 'j',
        'ķ' | 'ḳ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' | 'ḷ' => 'l',
        'ṃ' => 'm',
        'ñ' | 'ń' | 'ņ' | 'ň' | 'ṇ' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' | 'ọ' => 'o',
        'ŕ' | 'ŗ' | 'ř' | 'ṛ' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' | 'ș' | 'ṣ' => 's',
        'ţ' | 'ť' | 'ŧ' | 'ț' | 'ṭ' | 'ṯ' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' | 'ụ' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' | 'ỳ' | 'ỹ' => 'y',
        'ź' | 'ż' | 'ž' | 'ẓ' | 'ẕ' => 'z',
        _ => return None,
    };
    Some(base)
}

/// Arabic letters that are written several ways for one name: hamza seats on
/// alif, ta marbuta, alif maqsura.
fn fold_arabic(c: char) -> char {
    match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ة' => 'ه',
        'ى' => 'ي',
        c => c,
    }
}

fn is_arabic(c: char) -> bool {
    ('\u{0600}'..='\u{06FF}').contains(&c)
}

/// Splits a name into folded lower-case tokens; apostrophes stay inside tokens as `'`.
fn tokens(name: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut current = String::new();
    // Whether a hyphen was among the separators since the last token.
    let mut hyphen_seen = false;
    let mut current_hyphen = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        match fold_char(c) {
            Folded::Char(c) => push_char(&mut current, &mut current_hyphen, hyphen_seen, c),
            Folded::Apostrophe => push_char(&mut current, &mut current_hyphen, hyphen_seen, '\''),
            Folded::Drop => {}
            Folded::Separator { hyphen } => {
                if !current.is_empty() {
                    out.push(Token {
                        text: std::mem::take(&mut current),
                        hyphen_before: current_hyphen,
                    });
                    hyphen_seen = false;
                }
                hyphen_seen |= hyphen;
            }
        }
    }
    if !current.is_empty() {
        out.push(Token {
            text: current,
            hyphen_before: current_hyphen,
        });
    }
    out
}

/// Adds a character to the token being read, noting on its first character
/// whether a hyphen preceded it.
fn push_char(current: &mut String, current_hyphen: &mut bool, hyphen_seen: bool, c: char) {
    if current.is_empty() {
        *current_hyphen = hyphen_seen;
    }
    current.push(c);
}

fn is_article(word: &str) -> bool {
    ARTICLES.contains(&word)
}

// ------------------------------------------------------------------ lookup keys

/// The lookup key of a name: equal keys mean "the same name, spelt differently".
pub(crate) fn key(name: &str, kind: Kind) -> String {
    let mut words: Vec<String> = tokens(name)
        .into_iter()
        .map(|t| t.text.replace('\'', ""))
        .filter(|w| !w.is_empty())
        .collect();
    trim_designators(&mut words, kind);
    drop_articles(&mut words);
    words
        .iter()
        .map(|w| phonetic(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Removes "province of", "the", "X governorate", "city of", Arabic "محافظة"…
fn trim_designators(words: &mut Vec<String>, kind: Kind) {
    let (leading, trailing, arabic): (&[&str], &[&str], &str) = match kind {
        Kind::Governorate => (
            LEADING_DESIGNATORS,
            TRAILING_GOVERNORATE,
            ARABIC_GOVERNORATE,
        ),
        Kind::Place => (LEADING_PLACE, TRAILING_PLACE, ARABIC_CITY),
    };
    loop {
        let before = words.len();
        if words.len() > 1 && (words[0] == "the" || words[0] == arabic) {
            words.remove(0);
        }
        if words.len() > 2 && leading.contains(&words[0].as_str()) && words[1] == "of" {
            words.drain(..2);
        }
        // "Muhafazat Idlib" needs no "of".
        if kind == Kind::Governorate && words.len() > 1 && MUHAFAZA.contains(&words[0].as_str()) {
            words.remove(0);
        }
        if words.len() > 1 && trailing.contains(&words[words.len() - 1].as_str()) {
            words.pop();
        }
        if words.len() == before {
            return;
        }
    }
}

/// Drops romanised articles wherever they stand, and the Arabic article glued to
/// a word, unless that would leave nothing.
fn drop_articles(words: &mut Vec<String>) {
    let kept: Vec<String> = words
        .iter()
        .filter(|w| !is_article(w))
        .map(|w| strip_arabic_article(w))
        .collect();
    if !kept.is_empty() {
        *words = kept;
    }
}

fn strip_arabic_article(word: &str) -> String {
    match word.strip_prefix("ال") {
        Some(rest) if rest.chars().count() >= 2 => rest.to_string(),
        _ => word.to_string(),
    }
}

/// Folds transliteration habits that vary between writers of English:
/// ou/oo→u, ee→i, ei→ay, q→k, doubled letters, a silent final h.
pub(crate) fn phonetic(word: &str) -> String {
    if !word.is_ascii() {
        return word.to_string();
    }
    let word = word
        .replace("ou", "u")
        .replace("oo", "u")
        .replace("ee", "i")
        .replace("ei", "ay")
        .replace('q', "k");
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    let bytes = out.as_bytes();
    if bytes.len() > 2
        && bytes[bytes.len() - 1] == b'h'
        && matches!(bytes[bytes.len() - 2], b'a' | b'e' | b'i' | b'o' | b'u')
    {
        out.pop();
    }
    out
}

// ------------------------------------------------------------------ search forms

/// The spellings of `name` that free-text search looks for, lower-case where ASCII.
///
/// Latin names expand to: the name as written (if it has diacritics); its ASCII
/// fold with articles as written, hyphenated, spaced, or as "al"; without a
/// leading article when enough remains; each with every apostrophe rendering.
/// Arabic-script names are searched as written, and without short vowels.
pub(crate) fn surfaces(name: &str) -> Vec<String> {
    let name = name.trim();
    let mut out: Vec<String> = Vec::new();
    if name.is_empty() {
        return out;
    }
    if !name.is_ascii() {
        out.push(name.to_string());
    }
    if name.chars().any(is_arabic) {
        let bare: String = name
            .chars()
            .filter(|c| !matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}'))
            .collect();
        out.push(bare);
        out.dedup();
        return out;
    }
    let toks = tokens(name);
    if toks.is_empty() {
        return out;
    }
    for form in article_forms(&toks) {
        for rendered in apostrophe_forms(&form) {
            if !out.contains(&rendered) {
                out.push(rendered);
            }
        }
    }
    out
}

#[derive(Clone, Copy)]
enum ArticleStyle {
    AsWritten,
    Hyphen,
    Space,
    AlHyphen,
    AlSpace,
}

const STYLES: [ArticleStyle; 5] = [
    ArticleStyle::AsWritten,
    ArticleStyle::Hyphen,
    ArticleStyle::Space,
    ArticleStyle::AlHyphen,
    ArticleStyle::AlSpace,
];

/// The article renderings of a tokenised name, apostrophes still as `'`.
fn article_forms(toks: &[Token]) -> Vec<String> {
    let last = toks.len() - 1;
    let has_article = toks[..last].iter().any(|t| is_article(&t.text));
    let styles: &[ArticleStyle] = if has_article { &STYLES } else { &STYLES[..1] };
    let mut out = Vec::new();
    for &style in styles {
        push_new(&mut out, render(toks, style));
        if toks.len() > 1 && is_article(&toks[0].text) && letters(&toks[1..]) >= MIN_BARE_LETTERS {
            push_new(&mut out, render(&toks[1..], style));
        }
    }
    out
}

fn push_new(out: &mut Vec<String>, s: String) {
    if !out.contains(&s) {
        out.push(s);
    }
}

fn letters(toks: &[Token]) -> usize {
    toks.iter()
        .map(|t| t.text.chars().filter(|c| c.is_alphanumeric()).count())
        .sum()
}

fn render(toks: &[Token], style: ArticleStyle) -> String {
    let last = toks.len() - 1;
    let mut s = String::new();
    for (i, tok) in toks.iter().enumerate() {
        let article = i < last && is_article(&tok.text);
        if i > 0 {
            let after_article = is_article(&toks[i - 1].text);
            let hyphen = match style {
                _ if !after_article => tok.hyphen_before,
                ArticleStyle::AsWritten => tok.hyphen_before,
                ArticleStyle::Hyphen | ArticleStyle::AlHyphen => true,
                ArticleStyle::Space | ArticleStyle::AlSpace => false,
            };
            s.push(if hyphen { '-' } else { ' ' });
        }
        let al = matches!(style, ArticleStyle::AlHyphen | ArticleStyle::AlSpace);
        s.push_str(if article && al { "al" } else { &tok.text });
    }
    s
}

fn apostrophe_forms(form: &str) -> Vec<String> {
    if !form.contains('\'') {
        return vec![form.to_string()];
    }
    APOSTROPHES.iter().map(|a| form.replace('\'', a)).collect()
}

/// Whether a search form starts with an article that is also an English word,
/// written apart ("at tall"): such a match only counts when capitalised.
pub(crate) fn starts_with_english_word_article(surface: &str) -> bool {
    surface.split_once(' ').is_some_and(|(first, _)| {
        ENGLISH_WORD_ARTICLES.contains(&first.to_ascii_lowercase().as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gkey(s: &str) -> String {
        key(s, Kind::Governorate)
    }

    #[test]
    fn keys_ignore_case_diacritics_apostrophes_and_articles() {
        assert_eq!(gkey("Ḩamāh"), gkey("hama"));
        assert_eq!(gkey("Dar‘ā"), gkey("Dar'a"));
        assert_eq!(gkey("Dara'a"), gkey("Daraa"));
        assert_eq!(gkey("Al-Hasakah"), gkey("hasaka"));
        assert_eq!(gkey("Deir ez-Zor"), gkey("deir al zor"));
        assert_eq!(gkey("Tartous"), gkey("Tartus"));
        assert_eq!(gkey("Reef Dimashq"), gkey("Rif Dimashq"));
        assert_ne!(gkey("Hamas"), gkey("Hama"));
    }

    #[test]
    fn keys_drop_designators() {
        assert_eq!(gkey("Idlib province"), gkey("Idlib"));
        assert_eq!(gkey("the province of Idlib"), gkey("Idlib"));
        assert_eq!(gkey("Governorate of Hama"), gkey("Hama"));
        assert_eq!(gkey("Muhafazat Halab"), gkey("Halab"));
        assert_eq!(gkey("محافظة إدلب"), gkey("ادلب"));
        assert_eq!(key("city of Homs", Kind::Place), key("Homs", Kind::Place));
        // A designator alone is a name, not nothing.
        assert_eq!(gkey("Province"), "province");
    }

    #[test]
    fn surfaces_cover_article_and_apostrophe_habits() {
        let s = surfaces("Jisr ash Shughūr");
        for want in [
            "Jisr ash Shughūr",
            "jisr ash shughur",
            "jisr ash-shughur",
            "jisr al-shughur",
            "jisr al shughur",
        ] {
            assert!(s.contains(&want.to_string()), "{want} missing from {s:?}");
        }
        let s = surfaces("Ma‘arrat an Nu‘mān");
        assert!(s.contains(&"ma'arrat al-nu'man".to_string()), "{s:?}");
        assert!(s.contains(&"maarrat an numan".to_string()), "{s:?}");
    }

    #[test]
    fn leading_article_dropped_only_before_a_long_word() {
        assert!(surfaces("Al Qāmishlī").contains(&"qamishli".to_string()));
        assert!(!surfaces("Al Bāb").contains(&"bab".to_string()));
        assert!(!surfaces("At Tall").contains(&"tall".to_string()));
    }

    #[test]
    fn arabic_names_searched_as_written() {
        assert_eq!(surfaces("حلب"), vec!["حلب".to_string()]);
    }

    #[test]
    fn english_word_articles_flagged() {
        assert!(starts_with_english_word_article("at tall"));
        assert!(!starts_with_english_word_article("at-tall"));
        assert!(!starts_with_english_word_article("al bab"));
        assert!(starts_with_english_word_article("As Sab‘ Biyār"));
    }
}
