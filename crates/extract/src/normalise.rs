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
    // Most texts need little or nothing: the copy starts at the first
    // character that changes, and the text is not copied at all when none
    // does.
    let first_change = text
        .char_indices()
        .find(|&(_, c)| !c.is_ascii() && !matches!(map_char(c), Mapped::Keep))
        .map(|(i, _)| i);
    let mapped: Cow<'_, str> = match first_change {
        None => Cow::Borrowed(text),
        Some(at) => {
            let mut mapped = String::with_capacity(text.len());
            mapped.push_str(&text[..at]);
            for c in text[at..].chars() {
                match map_char(c) {
                    Mapped::Keep => mapped.push(c),
                    Mapped::To(r) => mapped.push(r),
                    Mapped::Drop => {}
                }
            }
            Cow::Owned(mapped)
        }
    };
    // Characters below U+0300 are starters that never compose with what
    // precedes them: only the others need the quick check. Leaving starters
    // out can only make the check unsure, never wrongly sure, and an unsure
    // answer is settled by composing.
    match is_nfc_quick(mapped.chars().filter(|&c| c >= '\u{300}')) {
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
}
