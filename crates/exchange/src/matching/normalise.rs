//! Names and places reduced to forms that compare across transliterations
//! and across scripts.
//!
//! Every word ends up in two forms:
//! - the *phonetic* form, only for Latin input: lower-case ASCII with the
//!   usual transliteration choices folded (o/u, e/a, ee/i, ei/ay/ai, kh/gh/q/k,
//!   th/s, dh/z, ch/sh, doubled letters, final h), vowels kept;
//! - the *skeleton*: the consonants of the phonetic form. Arabic script
//!   writes no short vowels, so the skeleton is what a Latin and an Arabic
//!   spelling of one name have in common.

use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

/// One word of a name as the matcher sees it; compound names ("Abd
/// al-Rahman", "Nour al-Din", "Abu Omar") are one word.
#[derive(Debug, Clone, PartialEq)]
pub struct NameToken {
    /// The spelling found in the list, for reasons shown to a person.
    pub display: String,
    /// Empty for words written in Arabic script.
    pub phonetic: String,
    pub skeleton: String,
    /// Consonants with long vowels marked (A, I, U) and short ones in
    /// lower case, final vowels dropped: what Arabic script writes, and
    /// what a Latin spelling says of it. Compared with [`cross_similarity`].
    pub(crate) letters: String,
    /// How rare the name is among the persons held: ln(persons / persons
    /// with the name); agreeing on a rare name says more than on Mohammed.
    pub(crate) rarity: f32,
    /// Same number, same phonetic form and letters; 0 until numbered.
    pub(crate) id: u32,
    /// "Abu Omar" before the name or in brackets: a by-name, not a name
    /// every list records.
    pub kunya: bool,
    /// Written with the article (al-Hasan, الحسن): family names are, given
    /// names are not.
    pub article: bool,
}

/// The normalised form of a full name, words separated by spaces: the
/// phonetic form for Latin letters, the skeleton for Arabic script. Two
/// spellings with the same key are the same name to the matcher.
pub fn name_key(name: &str) -> String {
    let tokens = name_tokens(name);
    let form = |t: &NameToken| {
        if t.phonetic.is_empty() {
            t.skeleton.clone()
        } else {
            t.phonetic.clone()
        }
    };
    tokens.iter().map(form).collect::<Vec<_>>().join(" ")
}

/// The consonant skeleton of a full name, which is comparable between a
/// Latin spelling and an Arabic one.
pub fn name_skeleton(name: &str) -> String {
    let tokens = name_tokens(name);
    tokens
        .iter()
        .map(|t| t.skeleton.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Splits a name, in either script, into matcher words.
pub fn name_tokens(text: &str) -> Vec<NameToken> {
    let words = if text.chars().any(is_arabic) {
        arabic_words(text)
    } else {
        latin_words(text)
    };
    group_words(text, &words)
}

pub(crate) fn is_arabic(c: char) -> bool {
    matches!(c, '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' | '\u{08A0}'..='\u{08FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFF}')
}

/// A word of the input: where it lies (for display) and its folded text,
/// ASCII for Latin input, romanised letters for Arabic input.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    folded: String,
    in_brackets: bool,
    arabic: bool,
}

fn latin_words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        // Ain and hamza marks sit inside words ("Sa'id", "Ma'arrat") and
        // are written or dropped at will.
        if matches!(c, '\'' | '’' | '‘' | '`' | '´' | 'ʿ' | 'ʾ' | 'ʻ' | 'ʼ') {
            if let Some(word) = current.as_mut() {
                word.end = end;
            }
            continue;
        }
        let folded = fold_latin(c);
        if folded.is_empty() {
            if let Some(word) = current.take() {
                words.push(word);
            }
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            continue;
        }
        let word = current.get_or_insert_with(|| Word {
            start: at,
            end,
            folded: String::new(),
            in_brackets: depth > 0,
            arabic: false,
        });
        word.end = end;
        word.folded.push_str(&folded);
    }
    words.extend(current);
    words
}

/// Lower-case ASCII letters of one character, diacritics removed; empty
/// for anything that separates words.
fn fold_latin(c: char) -> String {
    let mut out = String::new();
    for d in c.to_lowercase().nfd() {
        if is_combining_mark(d) {
            continue;
        }
        match d {
            'a'..='z' => out.push(d),
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'ø' => out.push('o'),
            'ı' => out.push('i'),
            'ð' => out.push_str("dh"),
            'þ' => out.push_str("th"),
            _ => {}
        }
    }
    out
}

fn arabic_words(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut current: Option<Word> = None;
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        let end = at + c.len_utf8();
        if is_arabic_mark(c) {
            if let Some(word) = current.as_mut() {
                word.end = end;
            }
            continue;
        }
        let Some(letter) = normalise_arabic_letter(c) else {
            if let Some(word) = current.take() {
                words.push(word);
            }
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            continue;
        };
        let word = current.get_or_insert_with(|| Word {
            start: at,
            end,
            folded: String::new(),
            in_brackets: depth > 0,
            arabic: true,
        });
        word.end = end;
        word.folded.push(letter);
    }
    words.extend(current);
    // Article and compounds are recognised on the Arabic letters; the
    // romanisation happens per grouped word.
    words
}

/// Harakat, shadda, superscript alef and tatweel: written or not at will.
fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}')
}

/// Folds the spelling choices of Arabic script (hamza seats, taa marbuta,
/// alef maqsura, Persian letters) to one letter; `None` for separators.
fn normalise_arabic_letter(c: char) -> Option<char> {
    let letter = match c {
        'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
        'ى' | 'ی' => 'ي',
        'ک' => 'ك',
        'ؤ' | 'ئ' => 'ء',
        _ if is_arabic(c) && c.is_alphabetic() => c,
        // Latin letters inside an Arabic name: keep them, romanised as is.
        _ if c.is_ascii_alphabetic() => c.to_ascii_lowercase(),
        _ => return None,
    };
    Some(letter)
}

/// The Latin letters an Arabic letter is usually written with, before the
/// phonetic folding; long vowels become vowels, which the skeleton drops.
fn romanise_arabic(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for (i, c) in word.chars().enumerate() {
        let latin = match c {
            'ا' if i > 0 => "A",
            'ب' => "b",
            'ت' => "t",
            'ث' => "th",
            'ج' | 'چ' => "j",
            'ح' => "h",
            'خ' => "kh",
            'د' => "d",
            'ذ' => "dh",
            'ر' => "r",
            'ز' => "z",
            'س' => "s",
            'ش' => "sh",
            'ص' => "s",
            'ض' => "d",
            'ط' => "t",
            'ظ' => "z",
            'غ' => "gh",
            'ف' | 'ڤ' => "f",
            'ق' => "q",
            'ك' | 'گ' => "k",
            'ل' => "l",
            'م' => "m",
            'ن' => "n",
            'ه' => "h",
            'ا' if i == 0 => "a",
            'و' if i == 0 => "w",
            'و' => "U",
            'ي' if i == 0 => "y",
            'ي' => "I",
            'پ' => "b",
            // Ain, hamza and taa marbuta have no agreed Latin letter.
            'ع' | 'ء' | 'ة' => "",
            c if c.is_ascii_lowercase() => {
                out.push(c);
                continue;
            }
            _ => "",
        };
        out.push_str(latin);
    }
    out
}

const LATIN_ARTICLES: &[&str] = &[
    "al", "el", "il", "ul", "ad", "ed", "ud", "adh", "ash", "esh", "as", "es", "us", "ar", "er",
    "ur", "at", "et", "ath", "az", "ez", "an", "en", "un",
];
const ARABIC_ARTICLE: &str = "ال";

const CONNECTORS: &[&str] = &["bin", "ibn", "bint", "ben", "bn", "بن", "ابن", "بنت"];
const ABD_PREFIXES: &[&str] = &[
    "abd", "abdul", "abdel", "abdal", "abdil", "abdol", "abdur", "abdar", "abder", "abdus",
    "abdas", "abdes", "abdun", "abdan", "abden", "abdu", "abdo", "abdi", "abdoul", "عبد",
];
const ABU_WORDS: &[&str] = &["abu", "abou", "abo", "aboo", "ابو"];
const DIN_WORDS: &[&str] = &[
    "din",
    "deen",
    "dine",
    "ddin",
    "ddine",
    "eddin",
    "eddine",
    "uddin",
    "uddine",
    "addin",
    "addine",
    "iddin",
    "دين",
    "الدين",
];
const ALLAH_WORDS: &[&str] = &["allah", "ullah", "alla", "ulla", "illah", "الله"];
/// Names that begin with "al" without an article in them.
const AL_NAMES: &[&str] = &[
    "alaa", "alae", "alay", "alya", "alia", "alan", "alawi", "alwan",
];

fn is_article(word: &Word) -> bool {
    if word.arabic {
        word.folded == ARABIC_ARTICLE
    } else {
        LATIN_ARTICLES.contains(&word.folded.as_str())
    }
}

fn is_one_of(word: &Word, list: &[&str]) -> bool {
    list.contains(&word.folded.as_str())
}

/// The word without an article glued to it: "الحسن", "Alhasan".
fn without_glued_article(word: &Word) -> &str {
    let text = word.folded.as_str();
    if word.arabic {
        return match text.strip_prefix(ARABIC_ARTICLE) {
            Some(rest) if rest.chars().count() >= 2 => rest,
            _ => text,
        };
    }
    let glued = (text.starts_with("al") || text.starts_with("el")) && text.len() >= 6;
    if glued && !AL_NAMES.iter().any(|name| text.starts_with(name)) {
        &text[2..]
    } else {
        text
    }
}

/// "Abdulrahman", "Abdurrahman", "عبدالرحمن": the part after "abd", without
/// the article that joins it.
fn glued_abd_rest(word: &Word) -> Option<String> {
    let text = word.folded.as_str();
    if word.arabic {
        let rest = text.strip_prefix("عبد")?;
        let rest = rest.strip_prefix(ARABIC_ARTICLE).unwrap_or(rest);
        return (rest.chars().count() >= 2).then(|| rest.to_string());
    }
    let rest = text.strip_prefix("abd")?;
    if rest.len() < 3 {
        return None;
    }
    let bytes = rest.as_bytes();
    let vowel = |b: u8| matches!(b, b'a' | b'e' | b'i' | b'o' | b'u');
    let rest = if vowel(bytes[0]) && bytes[1] == b'l' {
        &rest[2..]
    } else if vowel(bytes[0]) {
        &rest[1..]
    } else {
        rest
    };
    Some(rest.to_string())
}

/// Joins article, compound and kunya words into matcher words.
fn group_words(text: &str, words: &[Word]) -> Vec<NameToken> {
    let mut tokens = Vec::new();
    let mut article_at: Option<usize> = None;
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let has_next = i + 1 < words.len();
        if has_next && is_one_of(word, CONNECTORS) {
            i += 1;
            continue;
        }
        if has_next && is_article(word) {
            article_at.get_or_insert(word.start);
            i += 1;
            continue;
        }
        let start = article_at.take().unwrap_or(word.start);
        let mut article = start != word.start;
        let mut kunya = false;
        let mut folded;
        let mut last = i;
        if has_next && (is_one_of(word, ABD_PREFIXES) || is_one_of(word, ABU_WORDS)) {
            let (next, at) = next_name_word(words, i + 1);
            let prefix = if is_one_of(word, ABD_PREFIXES) {
                "abd"
            } else {
                kunya = i == 0 || word.in_brackets;
                "abu"
            };
            folded = format!("{prefix}{}", romanised(without_glued_article(next), next));
            last = at;
        } else if let Some(rest) = glued_abd_rest(word) {
            folded = format!("abd{}", romanised(&rest, word));
        } else {
            let bare = without_glued_article(word);
            article |= bare.len() != word.folded.len();
            folded = romanised(bare, word);
        }
        // "Nour al-Din", "Nasr Allah": the second word belongs to the first.
        if let Some((suffix, at)) = compound_suffix(words, last + 1) {
            folded.push_str(suffix);
            last = at;
        }
        let display = text[start..words[last].end].to_string();
        let shape = Shape {
            arabic: word.arabic,
            kunya,
            article,
        };
        tokens.push(make_token(display, &folded, shape));
        i = last + 1;
    }
    tokens
}

#[derive(Debug, Clone, Copy)]
struct Shape {
    arabic: bool,
    kunya: bool,
    article: bool,
}

/// The next word that is not an article, and its index.
fn next_name_word(words: &[Word], from: usize) -> (&Word, usize) {
    let at = if is_article(&words[from]) && from + 1 < words.len() {
        from + 1
    } else {
        from
    };
    (&words[at], at)
}

fn compound_suffix(words: &[Word], from: usize) -> Option<(&'static str, usize)> {
    let word = words.get(from)?;
    let (word, at) = if is_article(word) && from + 1 < words.len() {
        (&words[from + 1], from + 1)
    } else {
        (word, from)
    };
    if is_one_of(word, DIN_WORDS) {
        Some(("din", at))
    } else if is_one_of(word, ALLAH_WORDS) {
        Some(("allah", at))
    } else {
        None
    }
}

fn romanised(text: &str, word: &Word) -> String {
    if word.arabic {
        romanise_arabic(text)
    } else {
        text.to_string()
    }
}

/// Rarity of a name not counted (yet): as rare as a middling name.
pub(crate) const DEFAULT_RARITY: f32 = 3.0;

fn make_token(display: String, folded: &str, shape: Shape) -> NameToken {
    let marked = marked_phonetic(&expand_abbreviation(folded));
    let phonetic = unmarked(&marked);
    NameToken {
        display,
        skeleton: skeleton(&phonetic),
        letters: without_final_vowels(&marked),
        rarity: DEFAULT_RARITY,
        id: 0,
        phonetic: if shape.arabic {
            String::new()
        } else {
            phonetic
        },
        kunya: shape.kunya,
        article: shape.article,
    }
}

/// "Mhd" and "Mohd" are how lists abbreviate Muhammad.
fn expand_abbreviation(folded: &str) -> String {
    match folded {
        "mhd" | "mohd" | "muhd" | "mhmd" => "muhammad".to_string(),
        _ => folded.to_string(),
    }
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Folds transliteration choices (see the module comment), marking the
/// vowels a Latin spelling shows as long: ou/oo, ee, aa, a diphthong's
/// second half, w and y inside a word.
fn marked_phonetic(folded: &str) -> String {
    let bytes = folded.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let here = bytes[i];
        let next = bytes.get(i + 1).copied().unwrap_or(0);
        let after = bytes.get(i + 2).copied().unwrap_or(0);
        let (emit, used): (&[u8], usize) = match (here, next) {
            (b'k', b'h') | (b'g', b'h') => (b"k", 2),
            (b's', b'h') | (b'c', b'h') => (b"sh", 2),
            (b't', b'h') => (b"s", 2),
            (b'd', b'h') => (b"z", 2),
            (b'p', b'h') => (b"f", 2),
            (b'd', b'j') => (b"j", 2),
            (b'o', b'u') | (b'o', b'o') | (b'u', b'u') => (b"U", 2),
            (b'e', b'e') | (b'i', b'i') => (b"I", 2),
            (b'a', b'a') => (b"A", 2),
            // ei/ey/ai/ay: a diphthong before a consonant, "a" + consonantal
            // y before a vowel (Zeyad, Zayad).
            (b'e' | b'a', b'i' | b'y') if is_vowel(after) => (b"ay", 2),
            (b'e' | b'a', b'i' | b'y') => (b"aI", 2),
            (b'w', _) if i > 0 => (b"U", 1),
            (b'y', _) if i > 0 && !is_vowel(next) => (b"I", 1),
            (b'g', _) => (b"j", 1),
            (b'q' | b'c', _) => (b"k", 1),
            (b'o', _) => (b"u", 1),
            (b'e', _) => (b"a", 1),
            (b'v', _) => (b"f", 1),
            (b'p', _) => (b"b", 1),
            (b'x', _) => (b"ks", 1),
            _ => (std::slice::from_ref(&bytes[i]), 1),
        };
        out.extend_from_slice(emit);
        i += used;
    }
    out.dedup();
    // A final i is a long i in Arabic (Fadi, Ali); a final h after a vowel
    // is a taa marbuta or a silent ending (Fatimah, Hamzeh).
    if out.len() > 2 && matches!(out.last(), Some(b'i')) {
        out.pop();
        out.push(b'I');
    }
    if out.len() > 2
        && out.last() == Some(&b'h')
        && is_vowel(out[out.len() - 2].to_ascii_lowercase())
    {
        out.pop();
    }
    out.dedup();
    String::from_utf8(out).unwrap_or_default()
}

/// The phonetic form compared between Latin spellings: vowel length
/// forgotten, since Latin spellings mark it at random.
fn unmarked(marked: &str) -> String {
    let mut out: Vec<u8> = marked.bytes().map(|b| b.to_ascii_lowercase()).collect();
    out.dedup();
    String::from_utf8(out).unwrap_or_default()
}

/// Final vowels and a final h go: Arabic writes them in too many ways
/// (ة, ه, ى, ا, ي) and Latin spellings follow none.
fn without_final_vowels(marked: &str) -> String {
    let mut out = marked.as_bytes().to_vec();
    let vowel_or_h = |b: Option<&u8>| {
        matches!(
            b,
            Some(b'a' | b'i' | b'u' | b'A' | b'I' | b'U' | b'w' | b'y' | b'h')
        )
    };
    while out.len() > 1 && vowel_or_h(out.last()) {
        out.pop();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The consonants of a phonetic form: vowels and the semivowels w and y
/// dropped except at the start, doubled letters and a final h removed.
fn skeleton(phonetic: &str) -> String {
    let mut out: Vec<u8> = Vec::with_capacity(phonetic.len());
    for (i, &b) in phonetic.as_bytes().iter().enumerate() {
        let semivowel = matches!(b, b'w' | b'y');
        if is_vowel(b) || (semivowel && i > 0) {
            continue;
        }
        out.push(b);
    }
    out.dedup();
    while out.len() > 1 && out.last() == Some(&b'h') {
        out.pop();
    }
    String::from_utf8(out).unwrap_or_default()
}

/// A place name compared as one string: its words' phonetic forms (Latin)
/// and skeletons, articles removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PlaceKey {
    pub display: String,
    pub phonetic: String,
    pub letters: String,
    pub id: u32,
}

/// Syrian places that English calls by another word altogether.
const EXONYMS: &[(&str, &str)] = &[
    ("Aleppo", "Halab"),
    ("Damascus", "Dimashq"),
    ("Latakia", "al-Ladhiqiyah"),
    ("Lattakia", "al-Ladhiqiyah"),
    ("Palmyra", "Tadmur"),
    ("Kobani", "Ayn al-Arab"),
    ("Kobane", "Ayn al-Arab"),
];

pub(crate) fn place_key(text: &str) -> Option<PlaceKey> {
    let plain = name_tokens(text);
    let key = |tokens: &[NameToken]| {
        tokens
            .iter()
            .map(|t| t.phonetic.clone())
            .collect::<Vec<_>>()
    };
    let exonym = EXONYMS
        .iter()
        .find(|(english, _)| key(&name_tokens(english)) == key(&plain));
    let tokens = match exonym {
        Some((_, local)) => name_tokens(local),
        None => plain,
    };
    if tokens.is_empty() {
        return None;
    }
    let join = |f: fn(&NameToken) -> &str| tokens.iter().map(f).collect::<Vec<_>>().join(" ");
    Some(PlaceKey {
        display: text.trim().to_string(),
        phonetic: join(|t| t.phonetic.as_str()),
        letters: join(|t| t.letters.as_str()),
        id: 0,
    })
}
