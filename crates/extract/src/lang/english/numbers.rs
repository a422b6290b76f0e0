//! English numbers: digits, number words, and vague quantities.

use crate::candidate::Estimate;

const UNITS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: &[&str] = &[
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// Value of a single number word ("seven", "twenty").
fn word_value(word: &str) -> Option<u32> {
    let lower = word.to_ascii_lowercase();
    if let Some(i) = UNITS.iter().position(|u| *u == lower) {
        return Some(i as u32);
    }
    if let Some(i) = TENS.iter().position(|t| !t.is_empty() && *t == lower) {
        return Some(i as u32 * 10);
    }
    match lower.as_str() {
        "a" | "an" | "single" => Some(1),
        "hundred" => Some(100),
        _ => None,
    }
}

/// A number at the start of `s`: digits ("1,200"), words ("twenty-one",
/// "thirteen", "a single"). Returns the value and bytes consumed.
pub fn number_at(s: &str) -> Option<(u32, usize)> {
    let bytes = s.as_bytes();
    if bytes.first().is_some_and(u8::is_ascii_digit) {
        let mut end = 0;
        let mut value: u64 = 0;
        while end < bytes.len() {
            let b = bytes[end];
            if b.is_ascii_digit() {
                value = value * 10 + u64::from(b - b'0');
                if value > u64::from(u32::MAX) {
                    return None;
                }
                end += 1;
            } else if b == b','
                && bytes
                    .get(end + 1..end + 4)
                    .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            {
                end += 1;
            } else {
                break;
            }
        }
        // "3.5" or "7th" are not counts.
        if bytes.get(end).is_some_and(|b| {
            b.is_ascii_alphabetic()
                || *b == b'.' && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
        }) {
            return None;
        }
        return Some((value as u32, end));
    }
    let (first, len) = word_at(s)?;
    let value = word_value(first)?;
    // "a"/"an" count only before a count noun, handled by callers; here we
    // refuse them unless followed by "single" or "dozen".
    if matches!(first.to_ascii_lowercase().as_str(), "a" | "an") {
        let rest = s[len..].trim_start();
        let skipped = s.len() - len - rest.len();
        let (next, next_len) = word_at(rest)?;
        return match next.to_ascii_lowercase().as_str() {
            "single" => Some((1, len + skipped + next_len)),
            "dozen" => Some((12, len + skipped + next_len)),
            _ => None,
        };
    }
    if (20..100).contains(&value) && value % 10 == 0 {
        // "twenty-one", "twenty one"
        let rest = &s[len..];
        let sep = rest
            .bytes()
            .take_while(|b| *b == b'-' || *b == b' ')
            .count();
        if sep > 0 && sep <= 1 {
            if let Some((w, l)) = word_at(&rest[sep..]) {
                if let Some(u) = word_value(w).filter(|u| (1..10).contains(u)) {
                    return Some((value + u, len + sep + l));
                }
            }
        }
    }
    Some((value, len))
}

/// The alphabetic word at the start of `s`.
fn word_at(s: &str) -> Option<(&str, usize)> {
    let len = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    (len > 0).then(|| (&s[..len], len))
}

/// A quantity at the start of `s`, with hedges: "at least 12", "more than
/// 20", "up to 30", "about 15", "dozens", "several", "a dozen", "12 to 15".
/// Returns the estimate and bytes consumed.
pub fn quantity_at(s: &str) -> Option<(Estimate, usize)> {
    let lower_head: String = s.chars().take(24).collect::<String>().to_ascii_lowercase();
    for (hedge, kind) in HEDGES {
        if lower_head.starts_with(hedge) {
            let rest = &s[hedge.len()..];
            let (n, len) = number_at(rest)?;
            let est = match kind {
                Hedge::AtLeast => Estimate {
                    low: n,
                    best: n,
                    high: None,
                },
                Hedge::MoreThan => Estimate {
                    low: n.saturating_add(1),
                    best: n.saturating_add(1),
                    high: None,
                },
                Hedge::UpTo => Estimate {
                    low: 0,
                    best: n,
                    high: Some(n),
                },
                Hedge::About => Estimate {
                    low: n - n / 5,
                    best: n,
                    high: Some(n.saturating_add(n / 5)),
                },
            };
            return Some((est, hedge.len() + len));
        }
    }
    for (word, est) in VAGUE {
        if lower_head.starts_with(word)
            && !s
                .as_bytes()
                .get(word.len())
                .is_some_and(u8::is_ascii_alphabetic)
        {
            return Some((*est, word.len()));
        }
    }
    let (n, len) = number_at(s)?;
    // "12 to 15", "12-15": a range.
    let rest = &s[len..];
    for sep in [" to ", "-", "\u{2013}"] {
        if let Some(after) = rest.strip_prefix(sep) {
            if let Some((m, l2)) = number_at(after).filter(|(m, _)| *m > n) {
                let est = Estimate {
                    low: n,
                    best: n,
                    high: Some(m),
                };
                return Some((est, len + sep.len() + l2));
            }
        }
    }
    Some((Estimate::exact(n), len))
}

enum Hedge {
    AtLeast,
    MoreThan,
    UpTo,
    About,
}

const HEDGES: &[(&str, Hedge)] = &[
    ("at least ", Hedge::AtLeast),
    ("no fewer than ", Hedge::AtLeast),
    ("more than ", Hedge::MoreThan),
    ("over ", Hedge::MoreThan),
    ("up to ", Hedge::UpTo),
    ("as many as ", Hedge::UpTo),
    ("about ", Hedge::About),
    ("around ", Hedge::About),
    ("nearly ", Hedge::About),
    ("some ", Hedge::About),
    ("roughly ", Hedge::About),
    ("approximately ", Hedge::About),
];

/// Vague quantities, UCDP style: a defensible low, a best guess, and a high
/// where the word implies one.
const VAGUE: &[(&str, Estimate)] = &[
    (
        "dozens",
        Estimate {
            low: 24,
            best: 36,
            high: Some(99),
        },
    ),
    (
        "scores",
        Estimate {
            low: 40,
            best: 60,
            high: Some(99),
        },
    ),
    (
        "hundreds",
        Estimate {
            low: 200,
            best: 300,
            high: Some(999),
        },
    ),
    (
        "several",
        Estimate {
            low: 3,
            best: 4,
            high: Some(9),
        },
    ),
    (
        "a few",
        Estimate {
            low: 2,
            best: 3,
            high: Some(5),
        },
    ),
    (
        "a dozen",
        Estimate {
            low: 12,
            best: 12,
            high: Some(12),
        },
    ),
    (
        "a number of",
        Estimate {
            low: 2,
            best: 3,
            high: None,
        },
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_words() {
        assert_eq!(number_at("13 cases"), Some((13, 2)));
        assert_eq!(number_at("1,200 people"), Some((1200, 5)));
        assert_eq!(number_at("thirteen cases"), Some((13, 8)));
        assert_eq!(number_at("Twenty-one"), Some((21, 10)));
        assert_eq!(number_at("a single case"), Some((1, 8)));
        assert_eq!(number_at("a case"), None);
        assert_eq!(number_at("7th"), None);
        assert_eq!(number_at("99999999999"), None);
    }

    #[test]
    fn hedged_and_vague() {
        assert_eq!(
            quantity_at("at least 12 civilians").map(|(e, _)| e),
            Some(Estimate {
                low: 12,
                best: 12,
                high: None
            })
        );
        assert_eq!(quantity_at("dozens of").map(|(e, _)| e.low), Some(24));
        assert_eq!(
            quantity_at("12 to 15").map(|(e, _)| e),
            Some(Estimate {
                low: 12,
                best: 12,
                high: Some(15)
            })
        );
    }
}
