//! The bulletin vocabulary, found in one pass: guarantor mentions ("the
//! Russian side registered", "Turkish side:", "according to the Iranian
//! delegation", "registered by the Turkish side", "confirmed by Turkey"),
//! "confirm", and the cue words that tell whether a text can be a bulletin
//! at all or name an excluded target.
//!
//! One automaton reports every such word; the fixed phrases around a side
//! word are then checked by hand on a few bytes either side. This replaces
//! a regex scan of the whole text per phrase shape and a substring search
//! per cue and per sentence, which together cost more than the rest of a
//! short bulletin's reading.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// Builds the side words' automaton now rather than on first use.
pub(super) fn build_tables() {
    LazyLock::force(&VOCABULARY);
}

#[cfg(test)]
use super::text::contains_ci;
use super::text::{ends_with_ci, is_ascii_word, starts_with_ci};
use crate::candidate::{Guarantor, Span};

/// The guarantor words, with the side each names and whether it is an
/// adjective (only "Russian side", never "Russia side", heads a register).
const SIDE_WORDS: &[(&str, Guarantor, bool)] = &[
    ("russian", Guarantor::Russia, true),
    ("turkish", Guarantor::Turkey, true),
    ("iranian", Guarantor::Iran, true),
    ("russia", Guarantor::Russia, false),
    ("turkey", Guarantor::Turkey, false),
    ("iran", Guarantor::Iran, false),
];

/// Words of which a bulletin always has one: a registering verb or "side".
const BULLETIN_CUES: &[&str] = &["regist", "record", "report", "side"];

/// Words of which every excluded-target phrase has one ("excluded from the
/// ceasefire", "not party to", "not covered by", "terrorist groups",
/// "outside the ceasefire regime").
const EXCLUSION_CUES: &[&str] = &["excluded", "part", "covered", "terrorist", "outside"];

/// What a pattern of [`VOCABULARY`] is.
#[derive(Clone, Copy)]
enum Word {
    Side(Guarantor, bool),
    Confirm,
    BulletinCue,
    ExclusionCue,
}

/// All the words, searched as substrings with overlaps, so that one word
/// cannot hide another ("outside" still shows "side"); side words are
/// kept only as whole words afterwards.
struct Vocabulary {
    automaton: AhoCorasick,
    words: Vec<Word>,
}

static VOCABULARY: LazyLock<Option<Vocabulary>> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = Vec::new();
    let mut words = Vec::new();
    for (word, side, adjective) in SIDE_WORDS {
        patterns.push(word);
        words.push(Word::Side(*side, *adjective));
    }
    patterns.push("confirm");
    words.push(Word::Confirm);
    for cue in BULLETIN_CUES {
        patterns.push(cue);
        words.push(Word::BulletinCue);
    }
    for cue in EXCLUSION_CUES {
        patterns.push(cue);
        words.push(Word::ExclusionCue);
    }
    let automaton = AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(&patterns)
        .ok()?;
    Some(Vocabulary { automaton, words })
});

/// The bulletin vocabulary of one text.
#[derive(Debug, Default)]
pub struct BulletinWords {
    /// Guarantor words, whole words, in order.
    pub sides: Vec<SideMention>,
    /// Where "confirm" starts (in any case), in order.
    pub confirms: Vec<usize>,
    /// A registering verb or "side" occurs: the text may be a bulletin.
    pub has_cue: bool,
    /// A word of an excluded-target phrase occurs.
    pub may_exclude: bool,
}

/// Nouns a side adjective heads in a label ("Russian side:").
const LABEL_NOUNS: &[&str] = &["side", "party", "part"];

/// Nouns a side adjective heads after "according to the" or "by the".
const BODY_NOUNS: &[&str] = &["side", "party", "part", "delegation", "monitors"];

/// Verbs whose passive names a register's owner ("registered by the ...").
const PASSIVE_VERBS: &[&str] = &[
    "registered",
    "recorded",
    "reported",
    "logged",
    "documented",
    "noted",
    "counted",
];

/// One guarantor word in a text, with the fixed phrases it heads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SideMention {
    pub side: Guarantor,
    /// The word itself ("Russian").
    pub span: Span,
    /// "Russian side:": a list label that starts a register here.
    pub label: bool,
    /// "according to the Russian side": where "according" starts.
    pub according_at: Option<usize>,
    /// "registered by the Russian side": where the verb starts.
    pub passive_at: Option<usize>,
}

/// The bulletin vocabulary of `text`, in one pass.
pub fn scan(text: &str) -> BulletinWords {
    let mut found = BulletinWords::default();
    let Some(vocabulary) = VOCABULARY.as_ref() else {
        return found;
    };
    let bytes = text.as_bytes();
    for m in vocabulary.automaton.find_overlapping_iter(text) {
        match vocabulary.words[m.pattern().as_usize()] {
            Word::Side(side, adjective) => {
                // "Iran" inside "Iranian" is reported too; only whole words count.
                if is_ascii_boundary(bytes, m.start())
                    && is_ascii_boundary(bytes, m.end())
                    && !in_commission_name(text, m.start(), m.end())
                {
                    found
                        .sides
                        .push(side_mention(text, side, adjective, m.start(), m.end()));
                }
            }
            Word::Confirm => found.confirms.push(m.start()),
            Word::BulletinCue => found.has_cue = true,
            Word::ExclusionCue => found.may_exclude = true,
        }
    }
    found
}

/// Whether the side word at `start..end` is half of a compound such as
/// "Russian-Turkish" or "Russia-Turkey": the joint commission's own name,
/// which names no side.
pub fn in_commission_name(text: &str, start: usize, end: usize) -> bool {
    let bytes = text.as_bytes();
    let is_side = |word: &str| {
        SIDE_WORDS
            .iter()
            .any(|(w, _, _)| w.eq_ignore_ascii_case(word))
    };
    if bytes.get(end) == Some(&b'-') {
        let rest = &text[end + 1..];
        let len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        if is_side(&rest[..len]) {
            return true;
        }
    }
    if start > 0 && bytes[start - 1] == b'-' {
        let before = &text[..start - 1];
        let len = before
            .bytes()
            .rev()
            .take_while(u8::is_ascii_alphabetic)
            .count();
        if is_side(&before[before.len() - len..]) {
            return true;
        }
    }
    false
}

/// `clause` with the commission's compound names ("Russian-Turkish")
/// blanked out, so that they do not read as a second side.
pub fn without_commission_names(clause: &str) -> std::borrow::Cow<'_, str> {
    if !clause.contains('-') {
        return std::borrow::Cow::Borrowed(clause);
    }
    let mut out = clause.to_string();
    for (word, _, _) in SIDE_WORDS {
        let mut from = 0;
        while let Some(at) = super::text::find_ci(&clause[from..], word) {
            let (s, e) = (from + at, from + at + word.len());
            if in_commission_name(clause, s, e) {
                out.replace_range(s..e, &" ".repeat(word.len()));
            }
            from = e;
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A side word at `start..end`, with the fixed phrases it heads.
fn side_mention(
    text: &str,
    side: Guarantor,
    adjective: bool,
    start: usize,
    end: usize,
) -> SideMention {
    let heads_noun = adjective && noun_follows(&text[end..], BODY_NOUNS);
    SideMention {
        side,
        span: Span::new(start, end),
        label: adjective && label_follows(&text[end..]),
        according_at: heads_noun
            .then(|| phrase_before(text, start, &[&["according"], &["to"], &["the"]]))
            .flatten(),
        passive_at: heads_noun
            .then(|| phrase_before(text, start, &[PASSIVE_VERBS, &["by"], &["the"]]))
            .flatten(),
    }
}

/// `(?-u:\b)` at `at`: a word byte on exactly one side. Every side word
/// starts and ends with a letter, so this is "no word byte outside it".
fn is_ascii_boundary(bytes: &[u8], at: usize) -> bool {
    let before = at > 0 && is_ascii_word(bytes[at - 1]);
    let after = bytes.get(at).is_some_and(|b| is_ascii_word(*b));
    before != after
}

/// "side:", "party :" right after a side adjective.
fn label_follows(rest: &str) -> bool {
    let rest = rest.trim_start();
    LABEL_NOUNS
        .iter()
        .any(|n| starts_with_ci(rest, n) && rest[n.len()..].trim_start().starts_with(':'))
}

/// Whitespace, then one of `nouns` (as a prefix, like the phrase it
/// replaces: "Russian delegation's" still counts).
fn noun_follows(rest: &str, nouns: &[&str]) -> bool {
    let trimmed = rest.trim_start();
    trimmed.len() < rest.len() && nouns.iter().any(|n| starts_with_ci(trimmed, n))
}

/// Where a phrase ends right before `at` and starts as a whole word: each
/// entry of `words` is the set of words allowed at that place, separated
/// by whitespace, with whitespace also between the phrase and `at`.
fn phrase_before(text: &str, at: usize, words: &[&[&str]]) -> Option<usize> {
    let mut end = at;
    for choices in words.iter().rev() {
        let before = &text[..end];
        let trimmed = before.trim_end();
        if trimmed.len() == before.len() {
            return None;
        }
        let word = choices.iter().find(|w| ends_with_ci(trimmed, w))?;
        end = trimmed.len() - word.len();
    }
    let bytes = text.as_bytes();
    (end == 0 || !is_ascii_word(bytes[end - 1])).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sides_and_their_phrases() {
        let text = "Russian side: 3. According to the Turkish delegation, 2 were \
                    registered by  the Iranian monitors; Iranians and Russia agreed.";
        let found = scan(text).sides;
        let words: Vec<_> = found
            .iter()
            .map(|m| &text[m.span.start..m.span.end])
            .collect();
        assert_eq!(words, vec!["Russian", "Turkish", "Iranian", "Russia"]);
        assert!(found[0].label);
        assert_eq!(found[1].according_at, Some(17));
        assert_eq!(found[2].passive_at, text.find("registered"));
        assert!(!found[3].label && found[3].passive_at.is_none());
    }

    #[test]
    fn the_commission_name_names_no_side() {
        let text = "The Russian part of the Russian-Turkish joint commission and the \
                    Russia-Turkey commission; Turkish-Russian talks; a pro-Russian group.";
        let words: Vec<&str> = scan(text)
            .sides
            .iter()
            .map(|m| &text[m.span.start..m.span.end])
            .collect();
        assert_eq!(words, vec!["Russian", "Russian"]);
        let clause = "part of the Russian-Turkish commission";
        let blanked = without_commission_names(clause);
        assert_eq!(blanked.len(), clause.len());
        assert!(!contains_ci(&blanked, "russia") && !contains_ci(&blanked, "turk"));
        assert!(blanked.ends_with("commission"));
    }

    #[test]
    fn phrases_need_whole_words() {
        let found = scan("unregistered by the Russian side; xaccording to the Turkish side").sides;
        assert_eq!(found[0].passive_at, None);
        assert_eq!(found[1].according_at, None);
    }

    #[test]
    fn reports_cues_and_confirmations() {
        let found = scan("Not CONFIRMED, it was outside the area; confirm.");
        assert_eq!(found.confirms, vec![4, 40]);
        assert!(found.has_cue && found.may_exclude);
        let found = scan("Rain fell on Tuesday.");
        assert!(!found.has_cue && !found.may_exclude && found.sides.is_empty());
    }
}
