//! Location resolution behind a small trait, so the readers do not depend on
//! how the gazetteer stores its names.
//!
//! The default is the project gazetteer (`truce-gazetteer`), whose
//! multi-pattern automaton finds every governorate and place spelling in one
//! pass. [`NameListLocator`] is the same technique over a caller's own list
//! (another country, a test double).

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Whether a name is a governorate or a place inside one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocatedKind {
    Governorate,
    Place,
}

/// One name found in a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Located<'a> {
    pub start: usize,
    pub end: usize,
    /// Canonical name ("Latakia" for "Lattakia").
    pub name: &'a str,
    pub kind: LocatedKind,
    /// ISO 3166-2 code of the governorate it is in (or is).
    pub governorate: &'a str,
    /// Coordinates of a place; None for a governorate.
    pub point: Option<(f64, f64)>,
}

/// Finds place and governorate names in text.
pub trait Locator: Sync {
    /// Names in `text`, whole words, leftmost-longest, in text order.
    fn locate<'a>(&'a self, text: &str) -> Vec<Located<'a>>;
    /// The display name of a governorate code ("SY-LA" -> "Latakia").
    fn governorate_name(&self, code: &str) -> Option<&str>;
}

/// The project gazetteer: its multi-pattern automaton finds the names, and
/// a place is reported with its coordinates and governorate.
impl Locator for truce_gazetteer::Gazetteer {
    fn locate<'a>(&'a self, text: &str) -> Vec<Located<'a>> {
        self.find_names(text)
            .into_iter()
            .map(|m| match m.target {
                truce_gazetteer::Target::Governorate(g) => Located {
                    start: m.start,
                    end: m.end,
                    name: &g.name,
                    kind: LocatedKind::Governorate,
                    governorate: &g.code,
                    point: None,
                },
                truce_gazetteer::Target::Place(p) => Located {
                    start: m.start,
                    end: m.end,
                    name: &p.name,
                    kind: LocatedKind::Place,
                    governorate: &p.governorate,
                    point: Some((p.lat, p.lon)),
                },
            })
            .collect()
    }

    fn governorate_name(&self, code: &str) -> Option<&str> {
        self.governorate(code).map(|g| g.name.as_str())
    }
}

/// One entry of a name list.
#[derive(Debug, Clone)]
pub struct NameEntry {
    pub name: String,
    pub kind: LocatedKind,
    pub governorate: String,
    pub point: Option<(f64, f64)>,
}

/// A locator over a list of entries, each with its spellings.
pub struct NameListLocator {
    entries: Vec<NameEntry>,
    /// Pattern index to entry index.
    pattern_entry: Vec<usize>,
    automaton: AhoCorasick,
}

impl NameListLocator {
    /// Build from entries and their spellings. Matching is ASCII
    /// case-insensitive; spellings that fail to build are impossible for a
    /// plain string list, so construction only fails on an empty list.
    pub fn new(list: Vec<(NameEntry, Vec<String>)>) -> Option<Self> {
        let mut entries = Vec::with_capacity(list.len());
        let mut patterns = Vec::new();
        let mut pattern_entry = Vec::new();
        for (entry, spellings) in list {
            let index = entries.len();
            patterns.push(entry.name.clone());
            pattern_entry.push(index);
            for s in spellings {
                patterns.push(s);
                pattern_entry.push(index);
            }
            entries.push(entry);
        }
        let automaton = AhoCorasickBuilder::new()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok()?;
        Some(NameListLocator {
            entries,
            pattern_entry,
            automaton,
        })
    }
}

impl Locator for NameListLocator {
    fn locate<'a>(&'a self, text: &str) -> Vec<Located<'a>> {
        let bytes = text.as_bytes();
        self.automaton
            .find_iter(text)
            .filter(|m| is_word_boundary(bytes, m.start(), m.end()))
            .map(|m| {
                let e = &self.entries[self.pattern_entry[m.pattern().as_usize()]];
                Located {
                    start: m.start(),
                    end: m.end(),
                    name: &e.name,
                    kind: e.kind,
                    governorate: &e.governorate,
                    point: e.point,
                }
            })
            .collect()
    }

    fn governorate_name(&self, code: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|e| e.kind == LocatedKind::Governorate && e.governorate == code)
            .map(|e| e.name.as_str())
    }
}

/// A match is a whole word when the bytes either side are not letters or
/// digits (non-ASCII bytes count as letters, so "Idlibi" does not match).
pub(crate) fn is_word_boundary(bytes: &[u8], start: usize, end: usize) -> bool {
    let word = |b: u8| b.is_ascii_alphanumeric() || b >= 0x80;
    let before = start == 0 || !word(bytes[start - 1]);
    let after = end >= bytes.len() || !word(bytes[end]);
    before && after
}

/// A locator that finds nothing: the fallback if no gazetteer is available.
pub struct NoLocator;

impl Locator for NoLocator {
    fn locate<'a>(&'a self, _text: &str) -> Vec<Located<'a>> {
        Vec::new()
    }

    fn governorate_name(&self, _code: &str) -> Option<&str> {
        None
    }
}

/// The locator [`crate::extract`] uses: the project gazetteer.
pub fn default_locator() -> &'static dyn Locator {
    truce_gazetteer::Gazetteer::syria()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gazetteer_finds_spellings_whole_words_longest() {
        let found = default_locator()
            .locate("Shelling in Lattakia (2), Deir ez-Zour province and Idlibi x; Khan Shaykhun.");
        let codes: Vec<_> = found.iter().map(|l| (l.governorate, l.kind)).collect();
        assert_eq!(
            codes,
            vec![
                ("SY-LA", LocatedKind::Governorate),
                ("SY-DY", LocatedKind::Governorate),
                ("SY-ID", LocatedKind::Place)
            ]
        );
        assert_eq!(default_locator().governorate_name("SY-LA"), Some("Latakia"));
    }

    #[test]
    fn name_list_locator_matches_case_insensitively() {
        let entry = |name: &str, code: &str| NameEntry {
            name: name.into(),
            kind: LocatedKind::Governorate,
            governorate: code.into(),
            point: None,
        };
        let loc = NameListLocator::new(vec![
            (entry("Idlib", "SY-ID"), vec!["Idleb".into()]),
            (entry("Hama", "SY-HM"), vec![]),
        ])
        .unwrap();
        let found: Vec<_> = loc
            .locate("IDLEB and hama, not Hamas")
            .iter()
            .map(|l| l.name)
            .collect();
        assert_eq!(found, vec!["Idlib", "Hama"]);
        assert_eq!(loc.governorate_name("SY-HM"), Some("Hama"));
    }
}
