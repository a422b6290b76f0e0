//! Sentence and paragraph boundaries, tuned for news English: "U.S." and
//! "Gen." do not end sentences, "3.5" does not either.

use crate::candidate::Span;

/// Abbreviations that end in a period without ending the sentence.
const ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Dr", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "St", "Jan", "Feb", "Mar",
    "Apr", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec", "No", "vs", "etc", "approx",
];

/// Sentence spans of `text`, trimmed, in order. Paragraph breaks always end a
/// sentence, so a heading without a period stays on its own.
pub fn sentences(text: &str) -> Vec<Span> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    // Only these bytes can end a sentence: the text between them is
    // skipped with `memchr` (every text is split into sentences).
    let mut next_bang = memchr::memchr(b'!', bytes);
    loop {
        if next_bang.is_some_and(|at| at < i) {
            next_bang = memchr::memchr(b'!', &bytes[i..]).map(|p| i + p);
        }
        let next = memchr::memchr3(b'.', b'?', b'\n', &bytes[i..]).map(|p| i + p);
        match next.into_iter().chain(next_bang).min() {
            Some(at) => i = at,
            None => break,
        }
        let b = bytes[i];
        let ends = match b {
            b'.' | b'!' | b'?' => {
                let next = bytes.get(i + 1).copied();
                next.is_none_or(|n| n.is_ascii_whitespace() || n == b'"' || n == b'\'')
                    && !is_abbreviation(&text[start..i])
            }
            b'\n' => bytes.get(i + 1) == Some(&b'\n') || line_is_short(text, start, i),
            _ => false,
        };
        if ends {
            // Keep a closing quote with its sentence.
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'') {
                end += 1;
            }
            push_trimmed(text, start, end, &mut out);
            start = end;
            i = end;
            continue;
        }
        i += 1;
    }
    push_trimmed(text, start, bytes.len(), &mut out);
    out
}

/// A single newline ends a sentence only after a short line (a heading or a
/// list item), not inside a hard-wrapped paragraph.
fn line_is_short(text: &str, start: usize, newline: usize) -> bool {
    let line_start = text[..newline]
        .rfind('\n')
        .map_or(start, |p| (p + 1).max(start));
    newline - line_start < 60
}

fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| !c.is_ascii_alphabetic() && c != '.')
        .next()
        .unwrap_or("");
    // "U.S", "U.N": single letters separated by periods.
    if word.len() >= 2 && word.split('.').all(|p| p.len() == 1) {
        return true;
    }
    // A lone capital ("John F. Kennedy").
    if word.len() == 1 && word.chars().all(|c| c.is_ascii_uppercase()) {
        return true;
    }
    ABBREVIATIONS.contains(&word)
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let slice = &text[start..end];
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if !trimmed.is_empty() {
        out.push(Span::new(start + lead, start + lead + trimmed.len()));
    }
}

/// Whether `s` starts with `prefix`, ignoring ASCII case. The helpers below
/// compare in place: lower-cased copies cost an allocation per call, and
/// they run per sentence and per name.
pub fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.len() >= prefix.len() && s.as_bytes()[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// Whether `s` ends with `suffix`, ignoring ASCII case.
pub fn ends_with_ci(s: &str, suffix: &str) -> bool {
    s.len() >= suffix.len()
        && s.as_bytes()[s.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

/// The first position of `needle` (ASCII) in `haystack`, ignoring ASCII
/// case. Always a char boundary, since the match starts with an ASCII byte.
pub fn find_ci(haystack: &str, needle: &str) -> Option<usize> {
    let (hay, pat) = (haystack.as_bytes(), needle.as_bytes());
    let first = *pat.first()?;
    let last_start = hay.len().checked_sub(pat.len())?;
    // Candidates are found by their first byte in either case with memchr,
    // which looks at many bytes at once; this runs over whole sentences and
    // paragraphs, many times a text.
    let candidates = &hay[..last_start + 1];
    memchr::memchr2_iter(
        first.to_ascii_lowercase(),
        first.to_ascii_uppercase(),
        candidates,
    )
    .find(|&i| hay[i..i + pat.len()].eq_ignore_ascii_case(pat))
}

/// Whether `needle` occurs in `haystack`, ignoring ASCII case.
pub fn contains_ci(haystack: &str, needle: &str) -> bool {
    find_ci(haystack, needle).is_some()
}

/// An ASCII word byte, as the regex `(?-u:\b)` sees it.
pub fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences() {
        let text = "The U.S. said no. Gen. Smith agreed; 3.5 tons arrived!\n\nNext para";
        let got: Vec<_> = sentences(text)
            .iter()
            .map(|s| &text[s.start..s.end])
            .collect();
        assert_eq!(
            got,
            vec![
                "The U.S. said no.",
                "Gen. Smith agreed; 3.5 tons arrived!",
                "Next para"
            ]
        );
    }

    #[test]
    fn compares_ignoring_ascii_case() {
        assert_eq!(find_ci("Could not CONFIRM it", "confirm"), Some(10));
        assert_eq!(find_ci("conf", "confirm"), None);
        assert_eq!(find_ci("", ""), None);
        assert!(starts_with_ci("Side: 3", "side"));
        assert!(ends_with_ci("according TO", "to"));
        assert!(!ends_with_ci("é", "to"));
    }
}
