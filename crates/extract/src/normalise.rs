//! One spelling of the characters that news agencies write in several ways,
//! applied to every document before it is read.
//!
//! The same bulletin reaches us with an en dash or a hyphen between a
//! province and its count, curly or straight quotes, no-break or thin
//! spaces, Arabic-Indic or Latin digits, and letters composed or decomposed.
//! The readers match bytes; without this they would need every spelling of
//! every pattern, and slices computed on one spelling land inside a
//! character of another. Spans are byte ranges into the normalised text,
//! which is the text the draft keeps, so evidence still marks what a
//! reviewer sees.

use std::borrow::Cow;

use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// `text` in NFC with dashes, quotes, spaces and digits in one spelling and
/// invisible formatting characters removed. Plain ASCII is returned as is.
pub fn normalise(text: &str) -> Cow<'_, str> {
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    if text.len() > 2 * PART_BYTES {
        return in_parts(text);
    }
    normalise_part(text)
}

/// A text longer than twice this is normalised in parts of about this
/// size, on as many threads as the machine has: on one thread it held up
/// the reading of a long text.
const PART_BYTES: usize = 1 << 20;

/// `text` normalised part by part, each part ending after a line break:
/// no character is mapped, composed or reordered across one, so the parts
/// come out as the whole would.
fn in_parts(text: &str) -> Cow<'_, str> {
    let mut parts = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let end = text
            .get(start + PART_BYTES..)
            .and_then(|rest| rest.find('\n'))
            .map_or(text.len(), |p| start + PART_BYTES + p + 1);
        parts.push(&text[start..end]);
        start = end;
    }
    let normalised = crate::in_parallel(&parts, normalise_part);
    if normalised.iter().all(|p| matches!(p, Cow::Borrowed(_))) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for part in &normalised {
        out.push_str(part);
    }
    Cow::Owned(out)
}

fn normalise_part(text: &str) -> Cow<'_, str> {
    let mapped = map_all(text);
    // Characters below U+0300, and the Cyrillic and Arabic letters, are
    // starters that never compose with what precedes them: only the others
    // need the quick check. Leaving starters out can only make the check
    // unsure, never wrongly sure, and an unsure answer is settled by
    // composing.
    match is_nfc_quick(non_ascii(&mapped).filter(|&c| !is_plain_starter(c))) {
        IsNormalized::Yes => mapped,
        _ => {
            let nfc: String = mapped.nfc().collect();
            if nfc == *mapped {
                mapped
            } else {
                Cow::Owned(nfc)
            }
        }
    }
}

/// `text` with every character [`map_char`] changes changed. Texts are
/// mostly ASCII, which needs no change: runs of it are skipped a byte at a
/// time and copied whole, and nothing is copied until a character changes
/// (on a long text the work per character was most of the reading time).
fn map_all(text: &str) -> Cow<'_, str> {
    let mut out: Option<String> = None;
    // `text[..copied]` is in `out` already.
    let mut copied = 0;
    for (at, c) in non_ascii_indices(text) {
        let mapped = map_char(c);
        if matches!(mapped, Mapped::Keep) {
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..at]);
        if let Mapped::To(r) = mapped {
            out.push(r);
        }
        copied = at + c.len_utf8();
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
    }
}

/// The non-ASCII characters of `text` and where they start.
fn non_ascii_indices(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        at += text
            .as_bytes()
            .get(at..)?
            .iter()
            .position(|b| !b.is_ascii())?;
        let c = text[at..].chars().next()?;
        let found = (at, c);
        at += c.len_utf8();
        Some(found)
    })
}

/// Letters with no decomposition and no combining class, in the scripts
/// the readers see most (the Cyrillic and Arabic combining marks and the
/// Arabic harakat lie outside these ranges).
fn is_plain_starter(c: char) -> bool {
    matches!(c, '\0'..='\u{2FF}' | '\u{0400}'..='\u{0482}' | '\u{048A}'..='\u{04FF}' | '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
}

fn non_ascii(text: &str) -> impl Iterator<Item = char> + '_ {
    non_ascii_indices(text).map(|(_, c)| c)
}

enum Mapped {
    Keep,
    To(char),
    Drop,
}

fn map_char(c: char) -> Mapped {
    match c {
        // Hyphens, figure dash, en and em dashes, horizontal bar, minus.
        '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}' => {
            Mapped::To('-')
        }
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{FF07}' => {
            Mapped::To('\'')
        }
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{FF02}' => {
            Mapped::To('"')
        }
        // No-break, figure, thin, hair and the other fixed-width spaces.
        '\u{00A0}'
        | '\u{1680}'
        | '\u{2000}'..='\u{200A}'
        | '\u{202F}'
        | '\u{205F}'
        | '\u{3000}' => Mapped::To(' '),
        '\u{2028}' | '\u{2029}' | '\u{0085}' => Mapped::To('\n'),
        // Soft hyphen, zero-width space, joiners, word joiner, BOM, bidi
        // marks and the Arabic tatweel (a stretching stroke inside words).
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{0640}'
        | '\u{061C}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => Mapped::Drop,
        // Arabic-Indic and Persian digits.
        '\u{0660}'..='\u{0669}' => Mapped::To(digit(c as u32 - 0x0660)),
        '\u{06F0}'..='\u{06F9}' => Mapped::To(digit(c as u32 - 0x06F0)),
        // Full-width digits.
        '\u{FF10}'..='\u{FF19}' => Mapped::To(digit(c as u32 - 0xFF10)),
        _ => Mapped::Keep,
    }
}

fn digit(value: u32) -> char {
    char::from_digit(value, 10).unwrap_or('0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_is_not_copied() {
        assert!(matches!(normalise("Idlib - 3"), Cow::Borrowed(_)));
    }

    #[test]
    fn dashes_quotes_spaces_and_digits_take_one_spelling() {
        assert_eq!(
            normalise("Idlib \u{2013} 3, \u{201C}Hama\u{201D}\u{a0}\u{2014}\u{202F}2"),
            "Idlib - 3, \"Hama\" - 2"
        );
        assert_eq!(normalise("Latakia\u{2019}s"), "Latakia's");
        assert_eq!(normalise("١٢ انتهاكا و۳"), "12 انتهاكا و3");
        assert_eq!(normalise("ان\u{640}تهاك\u{200f}"), "انتهاك");
    }

    #[test]
    fn letters_are_composed() {
        // "İ" written as I + combining dot, "é" as e + combining acute.
        assert_eq!(normalise("I\u{307}dlib e\u{301}"), "İdlib é");
        let composed = "Халеб İdlib";
        assert!(matches!(normalise(composed), Cow::Borrowed(_)));
    }

    #[test]
    fn a_long_text_comes_out_in_parts_as_it_would_whole() {
        let line = "Idlib \u{2013} 3, e\u{301}t\u{e9} \u{201C}Хама\u{201D}\u{a0}ан\u{640}تهاك\n";
        let text = line.repeat(3 * PART_BYTES / line.len());
        let whole = normalise_part(&text);
        assert!(text.len() > 2 * PART_BYTES);
        assert_eq!(normalise(&text), whole);
        let composed = whole.into_owned();
        assert!(matches!(normalise(&composed), Cow::Borrowed(_)));
        // One line longer than a part is one part.
        let one_line = "e\u{301}".repeat(3 * PART_BYTES / 3);
        assert_eq!(normalise(&one_line), "é".repeat(PART_BYTES));
    }

    #[test]
    fn text_around_a_change_is_kept_byte_for_byte() {
        assert_eq!(normalise("a\u{2013}b"), "a-b");
        assert_eq!(normalise("\u{2013}"), "-");
        assert_eq!(
            normalise("Хомс \u{2013} 2, Хама\u{a0}\u{2013} 3."),
            "Хомс - 2, Хама - 3."
        );
        assert_eq!(normalise("\u{feff}Idlib"), "Idlib");
        assert_eq!(normalise("end\u{200b}"), "end");
    }
}
