//! Free-text name search: one Aho-Corasick automaton over every search form of
//! every name, built once per gazetteer.
//!
//! The automaton reports all (overlapping) hits; hits that are not whole words,
//! or that need a capital and lack one, are dropped *before* choosing the
//! leftmost-longest, so that "Hamas" cannot hide a later real name and a
//! rejected long form does not hide a shorter valid one.

use std::collections::HashSet;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

use crate::names;

/// What a search form stands for: an index into the governorates or the places.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TargetIndex {
    Governorate(usize),
    Place(usize),
}

/// One search form and what it resolves to.
pub(crate) struct Entry {
    pub surface: String,
    pub target: TargetIndex,
    /// The name is also an everyday English word: it only counts capitalised.
    pub common_word: bool,
}

struct Pattern {
    target: TargetIndex,
    /// Only counts where the text starts it with a capital letter.
    needs_capital: bool,
    /// Starts with an article that is also an English word ("at tall"): a
    /// longer name starting inside it wins ("At Tall Rifaat" is Tall Rifaat).
    weak_start: bool,
}

pub(crate) struct Matcher {
    /// Built on the first search: most users of the gazetteer (every read
    /// of the register) never search text, and building it took a read of
    /// a saved register about a tenth of its time.
    automaton: OnceLock<AhoCorasick>,
    surfaces: Vec<String>,
    patterns: Vec<Pattern>,
}

/// A hit in the text: byte span and target.
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub target: TargetIndex,
}

impl Matcher {
    /// Builds the automaton. Entries come in priority order: where two entries have
    /// the same form (ignoring ASCII case), the first one's target wins.
    pub(crate) fn build(entries: Vec<Entry>) -> Matcher {
        let mut seen: HashSet<String> = HashSet::with_capacity(entries.len());
        let mut surfaces = Vec::with_capacity(entries.len());
        let mut patterns = Vec::with_capacity(entries.len());
        for entry in entries {
            if entry.surface.is_empty() || !seen.insert(entry.surface.to_ascii_lowercase()) {
                continue;
            }
            let weak_start = names::starts_with_english_word_article(&entry.surface);
            surfaces.push(entry.surface);
            patterns.push(Pattern {
                target: entry.target,
                needs_capital: entry.common_word || weak_start,
                weak_start,
            });
        }
        Matcher {
            automaton: OnceLock::new(),
            surfaces,
            patterns,
        }
    }

    fn automaton(&self) -> &AhoCorasick {
        self.automaton.get_or_init(|| {
            let mut builder = AhoCorasick::builder();
            builder
                .ascii_case_insensitive(true)
                // Overlapping search needs standard semantics; leftmost-longest is
                // chosen afterwards among the whole-word hits.
                .match_kind(MatchKind::Standard);
            // A DFA searched news text about 1.5x faster than the default NFA in
            // benches/find_names.rs, for some 15 ms more build time, paid once.
            // Names too many for a DFA are searched with what the crate chooses,
            // which builds for any number a gazetteer holds.
            builder
                .clone()
                .kind(Some(AhoCorasickKind::DFA))
                .build(&self.surfaces)
                .or_else(|_| builder.build(&self.surfaces))
                .expect("an automaton of a gazetteer's names builds")
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Heap bytes held by the automaton.
    pub(crate) fn memory_usage(&self) -> usize {
        self.automaton().memory_usage()
    }

    /// Whole-word hits, leftmost-longest, non-overlapping, in text order.
    pub(crate) fn find(&self, text: &str) -> Vec<Hit> {
        let mut hits: Vec<(usize, usize, usize)> = self
            .automaton()
            .find_overlapping_iter(text)
            .filter(|m| self.acceptable(text, m.start(), m.end(), m.pattern().as_usize()))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect();
        // Leftmost first; at one start, longest first.
        hits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut out = Vec::new();
        let mut free_from = 0;
        for (k, &(start, end, pattern)) in hits.iter().enumerate() {
            if start < free_from || self.yields(&hits[k + 1..], start, end, pattern) {
                continue;
            }
            out.push(Hit {
                start,
                end,
                target: self.patterns[pattern].target,
            });
            free_from = end;
        }
        out
    }

    /// Whether a weak-start hit gives way to a later hit that starts inside it
    /// and runs past its end. `later` is sorted by start.
    fn yields(
        &self,
        later: &[(usize, usize, usize)],
        start: usize,
        end: usize,
        pattern: usize,
    ) -> bool {
        self.patterns[pattern].weak_start
            && later
                .iter()
                .take_while(|h| h.0 < end)
                .any(|h| h.0 > start && h.1 > end)
    }

    fn acceptable(&self, text: &str, start: usize, end: usize, pattern: usize) -> bool {
        let (Some(before), Some(after)) = (text.get(..start), text.get(end..)) else {
            return false;
        };
        let whole_word = !before.chars().next_back().is_some_and(is_word_char)
            && !after.chars().next().is_some_and(is_word_char);
        whole_word
            && (!self.patterns[pattern].needs_capital
                || text[start..].chars().next().is_some_and(char::is_uppercase))
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}
