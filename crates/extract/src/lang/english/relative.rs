//! Dates given relative to another event: "one day before the talks in
//! Astana", "the day after the meeting in Tehran", "two days ahead of the
//! Sochi summit", "a day after the ministerial meeting", "three days later".
//!
//! Such a date is only as good as its anchor. When the text dates the
//! anchor event elsewhere ("talks in Astana on 3 May", "the Astana talks,
//! scheduled for May 3", "the talks in Astana, which open on 3 May") the
//! date is resolved against it; when it does not, the mention is kept
//! unresolved, with its span as evidence, rather than guessed from the
//! publication date.

use std::sync::LazyLock;

use jiff::ToSpan;
use regex::{Captures, Regex};

use super::dates::DateMention;
use super::numbers::number_at;
use super::text::{find_ci, starts_with_ci};
use crate::candidate::{DateRange, Span};

/// "two days before", "a day after", "the day before", "three days later",
/// "the next day". What follows "before"/"after" is read by hand. ASCII
/// classes and case folding, as for the dates: the text is normalised.
static RELATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)\b(?:(?P<n>an?|one|two|three|four|five|six|seven|eight|nine|ten|\d{1,2}|the)\s+(?P<unit>days?|weeks?)\s+(?P<dir>before|after|ahead\s+of|prior\s+to|later|earlier)|(?:the\s+)?(?P<seq>next|following|previous|preceding)\s+day)(?-u:\b)",
    )
    .expect("constant pattern")
});

/// Nouns that name an event a date can be anchored to.
const EVENT_NOUNS: &[&str] = &[
    "talks",
    "meeting",
    "meetings",
    "summit",
    "round",
    "conference",
    "consultations",
    "negotiations",
    "session",
];

/// Words around a venue that make it a mention of the event held there
/// ("met in Tehran on 15 June").
const EVENT_WORDS: &[&str] = &[
    "talks",
    "meeting",
    "meetings",
    "summit",
    "round",
    "conference",
    "consultations",
    "negotiations",
    "session",
    "met",
    "meet",
];

/// Words before the head noun that say nothing about which event it is.
const DETERMINERS: &[&str] = &["the", "a", "an", "next", "upcoming", "this", "last", "new"];

/// How far apart an event mention and its date may be, in bytes.
const DATE_REACH: usize = 48;

/// A date stated relative to another event or to the previous date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AnchoredDate {
    /// The whole expression: "one day before the talks in Astana".
    pub span: Span,
    /// The words naming the anchor event ("the talks in Astana"), which are
    /// about another event than the sentence's own.
    pub anchor: Option<Span>,
    /// Where the anchor's own date was read, when the text gives it.
    pub anchor_date: Option<Span>,
    /// The date, when the anchor's is known.
    pub range: Option<DateRange>,
}

/// The anchor of a relative expression, as read after "before"/"after".
struct AnchorPhrase {
    span: Span,
    /// A capitalised name before or after the head noun ("Astana").
    venue: Option<Span>,
    /// Modifiers and head ("ministerial meeting"), for anchors without a
    /// venue.
    key: Span,
}

/// Relative dates in `text`, resolved against `dates` (the text's other
/// date mentions) where their anchor is dated.
pub fn find_anchored(text: &str, dates: &[DateMention]) -> Vec<AnchoredDate> {
    RELATIVE
        .captures_iter(text)
        .filter_map(|c| read_relative(text, &c, dates))
        .collect()
}

fn read_relative(text: &str, c: &Captures<'_>, dates: &[DateMention]) -> Option<AnchoredDate> {
    let m = c.get(0)?;
    let (days, sign) = offset(c)?;
    let anchored_to_event = c.name("dir").is_some_and(|d| {
        let d = d.as_str().to_ascii_lowercase();
        !matches!(d.as_str(), "later" | "earlier")
    });
    if !anchored_to_event {
        // "three days later": from the last date before it.
        let previous = dates
            .iter()
            .rev()
            .find(|d| d.span.end <= m.start() && d.range.is_some());
        return Some(AnchoredDate {
            span: Span::new(m.start(), m.end()),
            anchor: None,
            anchor_date: previous.map(|d| d.span),
            range: previous.and_then(|d| shift(d.range?, sign * days)),
        });
    }
    // "the day before yesterday" is a date of its own.
    if starts_with_ci(text[m.end()..].trim_start(), "yesterday") {
        return None;
    }
    let phrase = anchor_phrase(text, m.end())?;
    let anchor_date = date_of_anchor(text, &phrase, dates);
    Some(AnchoredDate {
        span: Span::new(m.start(), phrase.span.end),
        anchor: Some(phrase.span),
        anchor_date: anchor_date.map(|d| d.span),
        range: anchor_date.and_then(|d| shift(d.range?, sign * days)),
    })
}

/// Days and direction: "two days before" is (2, -1), "a week after" (7, 1).
fn offset(c: &Captures<'_>) -> Option<(i64, i64)> {
    if let Some(seq) = c.name("seq") {
        let back = matches!(
            seq.as_str().to_ascii_lowercase().as_str(),
            "previous" | "preceding"
        );
        return Some((1, if back { -1 } else { 1 }));
    }
    let n = c.name("n")?.as_str();
    let count = if ["a", "an", "the"].iter().any(|w| n.eq_ignore_ascii_case(w)) {
        1
    } else {
        i64::from(number_at(n).filter(|(_, len)| *len == n.len())?.0)
    };
    let unit = c.name("unit")?.as_str().to_ascii_lowercase();
    // "the days before" is no count.
    if n.eq_ignore_ascii_case("the") && unit.ends_with('s') {
        return None;
    }
    let days = count * if unit.starts_with("week") { 7 } else { 1 };
    let dir = c.name("dir")?.as_str().to_ascii_lowercase();
    let back = dir.starts_with("before")
        || dir.starts_with("ahead")
        || dir.starts_with("prior")
        || dir == "earlier";
    Some((days, if back { -1 } else { 1 }))
}

fn shift(range: DateRange, days: i64) -> Option<DateRange> {
    Some(DateRange::day(range.start.checked_add(days.days()).ok()?))
}

/// One word (letters, with inner hyphens and apostrophes) at `at` after
/// spaces, as (start, end); None at punctuation or the end.
fn next_word(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at..];
    let start = at + (rest.len() - rest.trim_start_matches([' ', '\t']).len());
    let bytes = text.as_bytes();
    if !bytes.get(start).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let mut end = start;
    while end < bytes.len()
        && (bytes[end].is_ascii_alphabetic() || matches!(bytes[end], b'-' | b'\''))
    {
        end += 1;
    }
    Some((start, end))
}

fn is_capitalised(word: &str) -> bool {
    word.as_bytes().first().is_some_and(u8::is_ascii_uppercase)
}

/// "the talks in Astana", "the Astana talks", "the ministerial meeting",
/// "the next round of talks": up to five words ending in an event noun,
/// optionally followed by "in" and a capitalised name.
fn anchor_phrase(text: &str, from: usize) -> Option<AnchorPhrase> {
    let mut at = from;
    let mut first: Option<usize> = None;
    let mut key_start: Option<usize> = None;
    let mut venue: Option<Span> = None;
    for _ in 0..5 {
        let (s, e) = next_word(text, at)?;
        let word = &text[s..e];
        first.get_or_insert(s);
        at = e;
        if EVENT_NOUNS.iter().any(|n| word.eq_ignore_ascii_case(n)) {
            let mut end = e;
            let mut head_end = e;
            // "round of talks": the head is the later noun.
            if let Some((os, oe)) = next_word(text, end) {
                if text[os..oe].eq_ignore_ascii_case("of") {
                    if let Some((ns, ne)) = next_word(text, oe) {
                        if EVENT_NOUNS
                            .iter()
                            .any(|n| text[ns..ne].eq_ignore_ascii_case(n))
                        {
                            end = ne;
                            head_end = ne;
                        }
                    }
                }
            }
            // "in Astana".
            if let Some((is, ie)) = next_word(text, end) {
                if text[is..ie].eq_ignore_ascii_case("in") {
                    if let Some((vs, ve)) =
                        next_word(text, ie).filter(|(vs, ve)| is_capitalised(&text[*vs..*ve]))
                    {
                        venue = Some(Span::new(vs, ve));
                        end = ve;
                    }
                }
            }
            let start = first?;
            return Some(AnchorPhrase {
                span: Span::new(start, end),
                venue,
                key: Span::new(key_start.unwrap_or(s), head_end),
            });
        }
        if DETERMINERS.iter().any(|d| word.eq_ignore_ascii_case(d)) {
            continue;
        }
        if is_capitalised(word) && venue.is_none() {
            venue = Some(Span::new(s, e));
        } else {
            key_start.get_or_insert(s);
        }
    }
    None
}

/// The anchor's own date: right after the anchor words ("the talks in
/// Astana, which open on 3 May"), else after another mention of the same
/// event ("talks in Astana on 3 May", "the Astana talks, scheduled for May
/// 3", "met in Tehran on 15 June").
fn date_of_anchor<'d>(
    text: &str,
    phrase: &AnchorPhrase,
    dates: &'d [DateMention],
) -> Option<&'d DateMention> {
    if let Some(d) = date_after(text, phrase.span.end, dates) {
        return Some(d);
    }
    // Other mentions are looked for near the expression, in the article it
    // belongs to: searching a whole long text for each expression would
    // make reading time grow with the square of its length.
    let (from, to) = window(text, phrase.span, ANCHOR_REACH);
    let near = &text[from..to];
    let skip = Span::new(phrase.span.start - from, phrase.span.end - from);
    let mentions: Vec<usize> = match phrase.venue {
        Some(v) => venue_mentions(near, &text[v.start..v.end], skip),
        None => key_mentions(near, &text[phrase.key.start..phrase.key.end], skip),
    };
    let mentions = mentions.into_iter().map(|end| end + from);
    mentions
        .into_iter()
        .find_map(|end| date_after(text, end, dates))
}

/// How far from a relative expression other mentions of its anchor event
/// are looked for, in bytes either side.
const ANCHOR_REACH: usize = 4096;

/// The stretch of `text` within `reach` bytes of `span`, on char boundaries.
fn window(text: &str, span: Span, reach: usize) -> (usize, usize) {
    let mut from = span.start.saturating_sub(reach);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let mut to = span.end.saturating_add(reach).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    (from, to)
}

/// A dated mention right after `at`: within [`DATE_REACH`] bytes, in the
/// same clause, with no other relative word between.
fn date_after<'d>(text: &str, at: usize, dates: &'d [DateMention]) -> Option<&'d DateMention> {
    let d = dates.iter().find(|d| d.span.start >= at)?;
    if d.range.is_none() || d.span.start - at > DATE_REACH {
        return None;
    }
    let gap = text[at..d.span.start].to_ascii_lowercase();
    let crosses = gap.contains(['.', ';', '?', '!', '\n'])
        || ["before", "after", "later", "earlier", "ahead"]
            .iter()
            .any(|w| gap.contains(w));
    (!crosses).then_some(d)
}

/// Ends of the other mentions of an event held at `venue`: the name with
/// an event word within a few words either side.
fn venue_mentions(text: &str, venue: &str, skip: Span) -> Vec<usize> {
    let mut out = Vec::new();
    for (start, _) in text.match_indices(venue) {
        let end = start + venue.len();
        let bytes = text.as_bytes();
        let whole = (start == 0 || !bytes[start - 1].is_ascii_alphanumeric())
            && !bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
        if !whole || (skip.start <= start && end <= skip.end) {
            continue;
        }
        let mut from = start.saturating_sub(24);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        let before = &text[from..start];
        let after_end = following_words_end(text, end, 2);
        let near = |s: &str| {
            s.split(|c: char| !c.is_ascii_alphabetic())
                .any(|w| EVENT_WORDS.iter().any(|e| w.eq_ignore_ascii_case(e)))
        };
        if near(before) || near(&text[end..after_end]) {
            // "the Astana talks on 3 May": the date follows the noun.
            let noun_after = near(&text[end..after_end]);
            out.push(if noun_after { after_end } else { end });
        }
    }
    out
}

/// Where the `n` words after `at` end (fewer at punctuation).
fn following_words_end(text: &str, at: usize, n: usize) -> usize {
    let mut end = at;
    for _ in 0..n {
        match next_word(text, end) {
            Some((_, e)) => end = e,
            None => break,
        }
    }
    end
}

/// Ends of the other mentions of "ministerial meeting" and the like.
fn key_mentions(text: &str, key: &str, skip: Span) -> Vec<usize> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(p) = find_ci(&text[at..], key) {
        let (start, end) = (at + p, at + p + key.len());
        if !(skip.start <= start && end <= skip.end) {
            out.push(end);
        }
        // The key starts with an ASCII letter: one byte on is a boundary.
        at = start + 1;
    }
    out
}

/// Builds the pattern now rather than on first use.
pub(super) fn build_tables() {
    LazyLock::force(&RELATIVE);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::english::dates::find_dates;
    use jiff::civil::date;

    fn resolve(text: &str) -> Vec<(String, Option<DateRange>)> {
        let dates = find_dates(text, Some(date(2017, 4, 22)), |_| true);
        find_anchored(text, &dates)
            .into_iter()
            .map(|a| (text[a.span.start..a.span.end].to_string(), a.range))
            .collect()
    }

    #[test]
    fn resolves_against_the_anchor_date() {
        let day = |m, d| Some(DateRange::day(date(2017, m, d)));
        assert_eq!(
            resolve(
                "The meeting will be held one day before the talks in Astana, which open on 3 May."
            ),
            vec![("one day before the talks in Astana".to_string(), day(5, 2))]
        );
        assert_eq!(
            resolve("The Astana talks are scheduled for May 3. Experts meet two days before the Astana talks."),
            vec![("two days before the Astana talks".to_string(), day(5, 1))]
        );
        assert_eq!(
            resolve("Talks opened in Astana on 3 May. Three days later, jets struck."),
            vec![("Three days later".to_string(), day(5, 6))]
        );
    }

    #[test]
    fn leaves_undated_anchors_unresolved() {
        assert_eq!(
            resolve("Rebels fired rockets a day after the ministerial meeting."),
            vec![("a day after the ministerial meeting".to_string(), None)]
        );
        assert!(resolve("the day before yesterday").is_empty());
        assert!(resolve("two days after the ceasefire took effect").is_empty());
    }
}
