//! Patterns over Cyrillic, Arabic and Turkish text whose matches may have
//! to begin a word.
//!
//! The regex crate's Unicode word boundary (`\b`) makes its fast automaton
//! give up at the first non-ASCII byte and fall back to a backtracking
//! search, which also clears a table the size of the text on every call:
//! over a Russian bulletin that was most of the reader's time. A pattern
//! here is compiled without the boundary, and a match is kept only where
//! the character before it is not part of a word.

use regex::{Captures, Match, Regex};

pub(crate) struct Pattern {
    regex: Regex,
    /// Matches must begin a word (the pattern's first character is always
    /// a letter or a digit, so this is `\b` at its start).
    word_start: bool,
}

impl Pattern {
    /// A pattern whose matches begin a word. `pattern` is written without
    /// the leading `\b`.
    pub fn word(pattern: &str) -> Pattern {
        Pattern {
            regex: Regex::new(pattern).expect("constant pattern"),
            word_start: true,
        }
    }

    /// A pattern that may match anywhere, inside words too: Arabic joins
    /// conjunctions and prepositions to the word after them.
    pub fn anywhere(pattern: &str) -> Pattern {
        Pattern {
            regex: Regex::new(pattern).expect("constant pattern"),
            word_start: false,
        }
    }

    fn begins_word(&self, text: &str, at: usize) -> bool {
        !self.word_start
            || !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_')
    }

    /// Where to look again after a match at `start` that does not begin a
    /// word: the next character.
    fn after(text: &str, start: usize) -> usize {
        start + text[start..].chars().next().map_or(1, char::len_utf8)
    }

    /// The first match at or after `at`.
    pub fn find_at<'t>(&self, text: &'t str, mut at: usize) -> Option<Match<'t>> {
        while at <= text.len() {
            let m = self.regex.find_at(text, at)?;
            if self.begins_word(text, m.start()) {
                return Some(m);
            }
            at = Self::after(text, m.start());
        }
        None
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<Match<'t>> {
        self.find_at(text, 0)
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.find(text).is_some()
    }

    /// Every match, in order, none overlapping.
    pub fn find_iter<'p, 't: 'p>(&'p self, text: &'t str) -> impl Iterator<Item = Match<'t>> + 'p {
        let mut at = 0;
        std::iter::from_fn(move || {
            let m = self.find_at(text, at)?;
            at = if m.end() > m.start() {
                m.end()
            } else {
                Self::after(text, m.end())
            };
            Some(m)
        })
    }

    /// The groups of every match, in order, none overlapping.
    pub fn captures_iter<'p, 't: 'p>(
        &'p self,
        text: &'t str,
    ) -> impl Iterator<Item = Captures<'t>> + 'p {
        let mut at = 0;
        std::iter::from_fn(move || {
            while at <= text.len() {
                let c = self.regex.captures_at(text, at)?;
                let m = c.get(0)?;
                if !self.begins_word(text, m.start()) {
                    at = Self::after(text, m.start());
                    continue;
                }
                at = if m.end() > m.start() {
                    m.end()
                } else {
                    Self::after(text, m.end())
                };
                return Some(c);
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_pattern_matches_as_the_unicode_boundary_would() {
        let text = "Мне подтвердили, что не подтверждены: не подтвер.";
        let word = Pattern::word(r"(?i)не\s+подтвер");
        let bounded = Regex::new(r"(?i)\bне\s+подтвер").unwrap();
        let ours: Vec<(usize, usize)> =
            word.find_iter(text).map(|m| (m.start(), m.end())).collect();
        let theirs: Vec<(usize, usize)> = bounded
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .collect();
        assert_eq!(ours, theirs);
        assert_eq!(ours.len(), 2, "«Мне подтвердили» is not «не подтвер»");
        assert!(!Pattern::word("одна").is_match("водная"));
        assert!(Pattern::anywhere("одна").is_match("водная"));
    }

    #[test]
    fn a_match_inside_a_word_does_not_hide_a_later_one() {
        let pattern = Pattern::word(r"(?P<num>\d+|пять)\s+в\s+$");
        let caps: Vec<String> = pattern
            .captures_iter("опять в ")
            .map(|c| c["num"].to_string())
            .collect();
        assert!(caps.is_empty());
        let caps: Vec<String> = pattern
            .captures_iter("x пять в ")
            .map(|c| c["num"].to_string())
            .collect();
        assert_eq!(caps, ["пять"]);
    }
}
