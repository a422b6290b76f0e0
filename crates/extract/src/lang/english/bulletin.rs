//! Bulletin reading: "the Russian side registered 7 cases of firing in the
//! provinces of Latakia (6) and Aleppo (1); the Turkish side registered 4 …".
//!
//! A bulletin is cut into one segment per reporting side, starting where a
//! side is named as the subject (or passive agent) of a registering verb and
//! running to the next such start or the end of the paragraph. Inside a
//! segment, counts come in three shapes, and the total is whichever reading
//! agrees with the per-governorate counts:
//! - attached: "Latakia (6)", "Latakia - 6", "Latakia: 6";
//! - located: "6 cases in Latakia", "one in the province of Aleppo";
//! - free: "7 cases of firing", "13 violations" (no single governorate).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;

use super::dates::DateMention;
use super::lexicon::Trigger;
use super::numbers::number_at;
use crate::candidate::{
    BulletinCount, Confidence, Confirmation, ConfirmationStatus, DateRange, Evidence,
    GovernorateCount, Guarantor, Span,
};
use crate::locate::{Located, LocatedKind, Locator};
use crate::taxonomy::EventType;

/// "Russian side:" and "according to the Turkish side": side starts that
/// the verb check in [`find_segments`] does not cover.
static SIDE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?P<side2>russian|turkish|iranian)\s+(?:side|party|part)\s*:|(?-u:\b)according\s+to\s+the\s+(?P<side3>russian|turkish|iranian)\s+(?:side|party|part|delegation|monitors)",
    )
    .expect("constant pattern")
});

/// Verbs of registering; a side followed by one of these within its clause
/// is a register's owner ("the Russian side (of the Commission) registered").
const REGISTER_VERBS: &[&str] = &[
    "registered",
    "recorded",
    "reported",
    "logged",
    "noted",
    "documented",
    "counted",
    "observed",
    "fixed",
    "identified",
    "registers",
    "records",
    "reports",
];

/// "registered by the Turkish side": the register's owner in a passive.
static SIDE_PASSIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:registered|recorded|reported|logged|documented|noted|counted)\s+by\s+the\s+(?P<side>russian|turkish|iranian)\s+(?:side|party|part|delegation|monitors)",
    )
    .expect("constant pattern")
});

/// Any side adjective, for confirmation statements.
static SIDE_ANY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?P<side>russian|turkish|iranian|russia|turkey|iran)(?-u:\b)")
        .expect("constant pattern")
});

/// Count nouns: "7 cases", "thirteen violations", "4 air strikes". Found
/// with an automaton and the number read backwards by hand, because a
/// capturing regex that may start at any word cost more than the rest of a
/// bulletin's reading.
static COUNT_NOUNS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .kind(Some(AhoCorasickKind::DFA))
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build([
            "case",
            "cases",
            "violation",
            "violations",
            "incident",
            "incidents",
            "instance",
            "instances",
            "times",
            "attack",
            "attacks",
            "shelling",
            "shellings",
            "breaches",
            "air strike",
            "air strikes",
            "airstrike",
            "airstrikes",
            "strike",
            "strikes",
        ])
        .ok()
});

/// One count phrase: the number, where its digits or words start, and the
/// end of the noun.
struct CountPhrase {
    value: u32,
    num_start: usize,
    end: usize,
}

fn count_phrases(body: &str) -> Vec<CountPhrase> {
    let Some(ac) = COUNT_NOUNS.as_ref() else {
        return Vec::new();
    };
    let bytes = body.as_bytes();
    let mut out = Vec::new();
    for m in ac.find_iter(body) {
        if !crate::locate::is_word_boundary(bytes, m.start(), m.end()) {
            continue;
        }
        let mut before = body[..m.start()].trim_end();
        // "7 ceasefire violations", "7 (seven) violations".
        for modifier in ["ceasefire", "truce"] {
            if before.len() >= modifier.len()
                && before[before.len() - modifier.len()..].eq_ignore_ascii_case(modifier)
            {
                before = before[..before.len() - modifier.len()].trim_end();
            }
        }
        if before.ends_with(')') {
            if let Some(open) = before.rfind('(') {
                before = before[..open].trim_end();
            }
        }
        let token_start = before
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == ','))
            .map_or(0, |p| p + 1);
        let token = before[token_start..].trim_end_matches(',');
        if token.is_empty() {
            continue;
        }
        let lower = token.to_ascii_lowercase();
        let singular = !body[m.start()..m.end()].ends_with('s');
        let value = number_at(token)
            .filter(|(_, l)| *l == token.len())
            .map(|(n, _)| n)
            .or_else(|| (singular && matches!(lower.as_str(), "a" | "an")).then_some(1));
        if let Some(value) = value {
            out.push(CountPhrase {
                value,
                num_start: token_start,
                end: m.end(),
            });
        }
    }
    out
}

/// The words before a governorate that make a count "located" there.
static LOCATED_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?P<num>\d[\d,]*|[a-z]+(?:-[a-z]+)?)\s+(?:(?:ceasefire\s+)?(?:cases?|violations?|incidents?|instances?|times|air\s*strikes?|strikes?)\s+)?(?:of\s+[a-z][a-z -]{0,30}?\s+)?(?:(?:were|was)\s+(?:registered|recorded)\s+)?(?:in|near|around)\s+(?:the\s+)?(?:(?:provinces?|governorates?|regions?|areas?|city|town|village)\s+of\s+)?$",
    )
    .expect("constant pattern")
});

/// A target said to be outside the ceasefire.
static EXCLUDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)excluded\s+from\s+the\s+(?:ceasefire|truce|cessation)|not\s+(?:a\s+)?part(?:y|ies)\s+to\s+the\s+(?:ceasefire|truce|cessation|agreement)|not\s+covered\s+by\s+the\s+(?:ceasefire|truce)|terrorist\s+(?:groups?|organi[sz]ations?|formations?)|outside\s+the\s+(?:ceasefire|truce)\s+regime",
    )
    .expect("constant pattern")
});

/// "3 of them", "two of which": how many a confirmation statement concerns.
static OF_THEM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?P<num>\d+|[a-z]+)\s+of\s+(?:them|which|these|those|the\s+(?:violations|cases|incidents))(?-u:\b)")
        .expect("constant pattern")
});

/// Words that make a confirmation statement negative.
static NEGATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?-u:\b)(?:not|n't|unable|none|no|unconfirmed|cannot|neither|nor|without)(?-u:\b)",
    )
    .expect("constant pattern")
});

fn guarantor(word: &str) -> Option<Guarantor> {
    match word.to_ascii_lowercase().as_str() {
        "russian" | "russia" => Some(Guarantor::Russia),
        "turkish" | "turkey" => Some(Guarantor::Turkey),
        "iranian" | "iran" => Some(Guarantor::Iran),
        _ => None,
    }
}

/// Where each side's register is stated.
struct Segment {
    side: Guarantor,
    side_span: Span,
    span: Span,
}

/// Bulletin counts in `text` and the spans they cover (so the news reader
/// does not read the same sentences again).
pub fn read_bulletins(
    text: &str,
    sentence_spans: &[Span],
    dates: &[DateMention],
    all_locs: &[Located<'_>],
    all_triggers: &[Trigger],
    locator: &dyn Locator,
) -> (Vec<BulletinCount>, Vec<Span>) {
    // Cheap pre-check: bulletins always name a registering verb.
    if !contains_ci(text, "regist")
        && !contains_ci(text, "record")
        && !contains_ci(text, "report")
        && !contains_ci(text, "side")
    {
        return (Vec::new(), Vec::new());
    }
    let confirm_sentences: Vec<Span> = sentence_spans
        .iter()
        .copied()
        .filter_map(|s| confirmation_clause(text, s))
        .collect();
    let segments = find_segments(text, sentence_spans, &confirm_sentences);
    let mut counts: Vec<BulletinCount> = Vec::new();
    let mut covered = Vec::new();
    for seg in &segments {
        if let Some(count) = read_segment(
            text,
            seg,
            dates,
            all_locs,
            all_triggers,
            &confirm_sentences,
            locator,
        ) {
            covered.push(seg.span);
            counts.push(count);
        }
    }
    if counts.is_empty() {
        return (counts, covered);
    }
    attach_confirmations(
        text,
        &segments,
        &confirm_sentences,
        &mut counts,
        &mut covered,
    );
    (counts, covered)
}

fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

fn inside(spans: &[Span], at: usize) -> bool {
    spans.iter().any(|s| s.start <= at && at < s.end)
}

/// The part of a sentence that speaks of confirmation: the whole sentence,
/// or only what follows a semicolon when the clause before it does not
/// ("the Turkish side registered 4 … in Hama (2); they could not be
/// confirmed by the Russian side" keeps its counts).
fn confirmation_clause(text: &str, sentence: Span) -> Option<Span> {
    let body = &text[sentence.start..sentence.end];
    let lower = body.to_ascii_lowercase();
    let at = lower.find("confirm")?;
    match lower[..at].rfind(';') {
        Some(semicolon) if !lower[..semicolon].contains("confirm") => Some(Span {
            start: sentence.start + semicolon + 1,
            end: sentence.end,
        }),
        _ => Some(sentence),
    }
}

fn find_segments(text: &str, sentence_spans: &[Span], confirm: &[Span]) -> Vec<Segment> {
    let mut starts: Vec<(usize, Guarantor, Span)> = Vec::new();
    // "The Russian side ... registered": a side, then a registering verb in
    // the same clause (at most 90 bytes on), checked by hand rather than
    // with a lazy regex gap, which is slow on every side mention.
    for m in SIDE_ANY.find_iter(text) {
        if inside(confirm, m.start()) {
            continue;
        }
        let Some(side) = guarantor(m.as_str()) else {
            continue;
        };
        let rest = &text[m.end()..];
        let clause_end = rest
            .find(['.', ';', ':', '\n'])
            .unwrap_or(rest.len())
            .min(crate::lang::prefix(rest, 90).len());
        let clause = rest[..clause_end].to_ascii_lowercase();
        let verb_at = clause
            .split(|c: char| !c.is_ascii_alphabetic())
            .scan(0usize, |pos, w| {
                let at = *pos;
                *pos += w.len() + 1;
                Some((at, w))
            })
            .find(|(_, w)| REGISTER_VERBS.contains(w))
            .map(|(at, _)| at);
        let Some(verb_at) = verb_at else { continue };
        let gap = &clause[..verb_at];
        // A gap with a number, another side or "by" is not "X side ... registered".
        if gap.bytes().any(|b| b.is_ascii_digit())
            || [
                "violation",
                "by the",
                "russia",
                "turk",
                "iran",
                "side and",
                "confirm",
            ]
            .iter()
            .any(|w| gap.contains(w))
        {
            continue;
        }
        let after_the = m.start() >= 4
            && text.as_bytes()[m.start() - 4..m.start()].eq_ignore_ascii_case(b"the ");
        let start = if after_the { m.start() - 4 } else { m.start() };
        starts.push((start, side, Span::new(m.start(), m.end())));
    }
    // Cheap literal checks before the capturing searches, which cost more
    // than the rest of a short bulletin.
    let labelled = text.contains(':') || contains_ci(text, "according");
    for c in labelled
        .then(|| SIDE_LABEL.captures_iter(text))
        .into_iter()
        .flatten()
    {
        let Some(m) = c.get(0) else { continue };
        if inside(confirm, m.start()) {
            continue;
        }
        let Some(side_m) = c.name("side2").or(c.name("side3")) else {
            continue;
        };
        let Some(side) = guarantor(side_m.as_str()) else {
            continue;
        };
        starts.push((m.start(), side, Span::new(side_m.start(), side_m.end())));
    }
    let passive = contains_ci(text, " by the ");
    for c in passive
        .then(|| SIDE_PASSIVE.captures_iter(text))
        .into_iter()
        .flatten()
    {
        let (Some(m), Some(side_m)) = (c.get(0), c.name("side")) else {
            continue;
        };
        if inside(confirm, m.start()) {
            continue;
        }
        let Some(side) = guarantor(side_m.as_str()) else {
            continue;
        };
        // The passive clause starts at its sentence (or after a semicolon).
        let sentence_start = sentence_spans
            .iter()
            .find(|s| s.start <= m.start() && m.start() < s.end)
            .map_or(m.start(), |s| s.start);
        let clause_start = text[sentence_start..m.start()]
            .rfind(';')
            .map_or(sentence_start, |p| sentence_start + p + 1);
        starts.push((clause_start, side, Span::new(side_m.start(), side_m.end())));
    }
    starts.sort_by_key(|s| s.0);
    starts.dedup_by_key(|s| s.0);
    // "The Russian side also registered ..." continues the same register:
    // consecutive starts of one side make one segment.
    starts.dedup_by_key(|s| s.1);
    let mut segments = Vec::new();
    for (i, (start, side, side_span)) in starts.iter().enumerate() {
        let next = starts.get(i + 1).map_or(text.len(), |s| s.0);
        let para_end = text[*start..]
            .find("\n\n")
            .map_or(text.len(), |p| start + p);
        segments.push(Segment {
            side: *side,
            side_span: *side_span,
            span: Span::new(*start, next.min(para_end)),
        });
    }
    segments
}

/// Per governorate code: order of first mention, summed count, evidence.
type Tally = (usize, Option<u32>, Vec<Span>);

/// A count attached to a governorate name, and where it was read.
struct GovCount {
    code: String,
    count: Option<u32>,
    span: Span,
    place: bool,
}

fn read_segment(
    text: &str,
    seg: &Segment,
    dates: &[DateMention],
    all_locs: &[Located<'_>],
    all_triggers: &[Trigger],
    confirm: &[Span],
    locator: &dyn Locator,
) -> Option<BulletinCount> {
    let body = &text[seg.span.start..seg.span.end];
    let off = seg.span.start;
    // Names and triggers were found once for the whole text; take this
    // segment's, with offsets relative to the segment.
    let in_segment = |s: usize, e: usize| seg.span.start <= s && e <= seg.span.end;
    let locs: Vec<Located<'_>> = all_locs
        .iter()
        .filter(|l| in_segment(l.start, l.end) && !inside(confirm, l.start))
        .map(|l| Located {
            start: l.start - off,
            end: l.end - off,
            ..*l
        })
        .collect();
    let mut evidence = vec![Evidence {
        field: "side".into(),
        span: seg.side_span,
    }];

    // Attached and located counts per governorate mention.
    let mut used_numbers: Vec<usize> = Vec::new();
    let mut mentions: Vec<GovCount> = Vec::new();
    for (i, loc) in locs.iter().enumerate() {
        let attached = attached_count(&body[loc.end..]);
        let mut count = attached.map(|(n, _)| n);
        let mut span = Span::new(
            off + loc.start,
            off + loc.end + attached.map_or(0, |(_, l)| l),
        );
        if count.is_none() && !continues_list(body, &locs, i) {
            if let Some((n, num_start)) = located_count(body, loc.start) {
                count = Some(n);
                used_numbers.push(num_start);
                span.start = off + num_start;
            }
        }
        mentions.push(GovCount {
            code: loc.governorate.to_string(),
            count,
            span,
            place: loc.kind == LocatedKind::Place,
        });
    }
    // A place's count ("2 cases near Khan Sheikhoun in Idlib (2)") repeats
    // its governorate's count when that has one of its own.
    let governorate_counted: Vec<String> = mentions
        .iter()
        .filter(|m| !m.place && m.count.is_some())
        .map(|m| m.code.clone())
        .collect();
    mentions.retain(|m| !(m.place && governorate_counted.contains(&m.code)));

    // Free counts: count phrases not used as a located count, not inside
    // parentheses and not in a confirmation statement.
    let mut free: Vec<(u32, Span)> = Vec::new();
    for phrase in count_phrases(body) {
        if used_numbers.contains(&phrase.num_start) || inside(confirm, off + phrase.num_start) {
            continue;
        }
        if body[..phrase.num_start].trim_end().ends_with('(') {
            continue;
        }
        free.push((
            phrase.value,
            Span::new(off + phrase.num_start, off + phrase.end),
        ));
    }

    // Sum counts per governorate, keeping order of first mention.
    let mut by_code: BTreeMap<String, Tally> = BTreeMap::new();
    for (order, m) in mentions.iter().enumerate() {
        let entry = by_code
            .entry(m.code.clone())
            .or_insert((order, None, Vec::new()));
        if let Some(n) = m.count {
            entry.1 = Some(entry.1.unwrap_or(0).saturating_add(n));
            entry.2.push(m.span);
        } else if entry.2.is_empty() {
            entry.2.push(m.span);
        }
    }
    // Saturating: a text may carry absurd numbers; they must not panic.
    let gov_sum: u32 = by_code
        .values()
        .filter_map(|v| v.1)
        .fold(0, u32::saturating_add);
    let any_gov_count = by_code.values().any(|v| v.1.is_some());

    let first_free = free.first().map(|f| f.0);
    let free_sum: u32 = free.iter().map(|f| f.0).fold(0, u32::saturating_add);
    let (total, total_spans): (Option<u32>, Vec<Span>) = match first_free {
        Some(f) if any_gov_count && f == gov_sum => (Some(f), vec![free[0].1]),
        Some(_) if any_gov_count && free_sum == gov_sum => {
            (Some(free_sum), free.iter().map(|f| f.1).collect())
        }
        Some(f) => (Some(f), vec![free[0].1]),
        None if any_gov_count => (Some(gov_sum), Vec::new()),
        None => (None, Vec::new()),
    };
    if total.is_none() && by_code.is_empty() {
        return None;
    }
    evidence.extend(total_spans.into_iter().map(|span| Evidence {
        field: "total".into(),
        span,
    }));

    // A lone governorate without a count carries the whole total.
    let lone = by_code.len() == 1 && !any_gov_count;
    let mut ordered: Vec<(String, Tally)> = by_code.into_iter().collect();
    ordered.sort_by_key(|(_, v)| v.0);
    let mut by_governorate = Vec::new();
    for (code, (_, count, spans)) in ordered {
        // Governorates named only in passing (a place with no count next to
        // governorates with counts) are context, not register entries.
        if any_gov_count && count.is_none() {
            continue;
        }
        let count = if lone { total } else { count };
        for span in spans {
            evidence.push(Evidence {
                field: format!("governorate:{code}"),
                span,
            });
        }
        let name = locator.governorate_name(&code).unwrap_or(&code).to_string();
        by_governorate.push(GovernorateCount { code, name, count });
    }

    let mut violation_types = Vec::new();
    for t in all_triggers.iter().filter(|t| in_segment(t.start, t.end)) {
        let t = Trigger {
            start: t.start - off,
            end: t.end - off,
            ..*t
        };
        if let EventType::Violation(v) = t.event_type {
            // "the attacks targeted ..." refers back; it names no new kind.
            let word = &body[t.start..t.end];
            if inside(confirm, off + t.start) || word.to_ascii_lowercase().starts_with("attack") {
                continue;
            }
            evidence.push(Evidence {
                field: format!("type:{}", v.as_str()),
                span: Span::new(off + t.start, off + t.end),
            });
            if !violation_types.contains(&v) {
                violation_types.push(v);
            }
        }
    }

    let period = period_for(text, seg, dates);
    if let Some((_, span)) = period {
        evidence.push(Evidence {
            field: "period".into(),
            span,
        });
    }
    let excluded = EXCLUDED.find(body);
    if let Some(m) = excluded {
        evidence.push(Evidence {
            field: "excluded".into(),
            span: Span::new(off + m.start(), off + m.end()),
        });
    }

    let consistent = any_gov_count && total == Some(gov_sum);
    let confidence = 0.5
        + if consistent { 0.3 } else { 0.0 }
        + if period.is_some() { 0.1 } else { 0.0 }
        + if total.is_some() { 0.1 } else { -0.2 }
        - if by_governorate.is_empty() { 0.2 } else { 0.0 };
    Some(BulletinCount {
        side: seg.side,
        period: period.and_then(|(r, _)| r),
        total,
        by_governorate,
        violation_types,
        confirmations: Vec::new(),
        excluded_target: excluded.is_some(),
        confidence: Confidence::new(confidence),
        evidence,
    })
}

/// "(6)", " - 6", ": 6", " province (6 cases)" right after a name.
fn attached_count(after: &str) -> Option<(u32, usize)> {
    let mut rest = after;
    for suffix in [
        " province",
        " governorate",
        " provinces",
        " region",
        " countryside",
        " city",
        " area",
    ] {
        if rest.len() >= suffix.len() && rest[..suffix.len()].eq_ignore_ascii_case(suffix) {
            rest = &rest[suffix.len()..];
            break;
        }
    }
    let trimmed = rest.trim_start();
    let mut consumed = after.len() - trimmed.len();
    if let Some(inner) = trimmed.strip_prefix('(') {
        let inner_trim = inner.trim_start();
        let (n, len) = number_at(inner_trim)?;
        let tail = &inner_trim[len..];
        let close = tail.find(')')?;
        // Only a count noun may sit between the number and ")".
        let between = tail[..close].trim().to_ascii_lowercase();
        if !between.is_empty()
            && ![
                "case",
                "cases",
                "violation",
                "violations",
                "incident",
                "incidents",
                "times",
            ]
            .contains(&between.as_str())
        {
            return None;
        }
        consumed += 1 + (inner.len() - inner_trim.len()) + len + close + 1;
        return Some((n, consumed));
    }
    for dash in ["-", "\u{2013}", "\u{2014}", ":"] {
        if let Some(after_dash) = trimmed.strip_prefix(dash) {
            let num = after_dash.trim_start();
            let (n, len) = number_at(num)?;
            consumed += dash.len() + (after_dash.len() - num.len()) + len;
            return Some((n, consumed));
        }
    }
    None
}

/// The mention at `i` is followed by another one joined only by a comma or
/// "and": it is part of a list that shares the count before it.
fn continues_list(body: &str, locs: &[Located<'_>], i: usize) -> bool {
    let Some(next) = locs.get(i + 1) else {
        return false;
    };
    let gap = body[locs[i].end..next.start].trim().to_ascii_lowercase();
    let gap = gap.trim_start_matches(" province").trim();
    matches!(gap, "," | "and" | ", and" | "as well as" | "&")
        || gap
            .strip_prefix("province")
            .is_some_and(|r| matches!(r.trim(), "," | "and" | ", and"))
        || gap.strip_prefix("provinces").is_some()
}

/// "6 cases in Latakia": the number and where it starts, if the words right
/// before the name make it a count located there.
fn located_count(body: &str, name_start: usize) -> Option<(u32, usize)> {
    let mut window_start = name_start.saturating_sub(100);
    while !body.is_char_boundary(window_start) {
        window_start += 1;
    }
    let window = &body[window_start..name_start];
    let c = LOCATED_BEFORE.captures(window)?;
    let num = c.name("num")?;
    let (n, len) = number_at(num.as_str())?;
    (len == num.as_str().len()).then_some((n, window_start + num.start()))
}

/// The reporting period: a date expression in the segment's sentence or
/// after, else the nearest one before the segment.
fn period_for(
    text: &str,
    seg: &Segment,
    dates: &[DateMention],
) -> Option<(Option<DateRange>, Span)> {
    let sentence_start = text[..seg.span.start]
        .rfind(['.', '\n', ';'])
        .map_or(0, |p| p + 1);
    let within = dates
        .iter()
        .find(|d| d.span.start >= sentence_start && d.span.start < seg.span.end);
    let before = || dates.iter().rev().find(|d| d.span.end <= seg.span.start);
    within.or_else(before).map(|d| (d.range, d.span))
}

/// Read confirmation statements and attach each to the register it is
/// about: the side named after "registered by", else the segment it is in,
/// else the last segment before it.
fn attach_confirmations(
    text: &str,
    segments: &[Segment],
    confirm: &[Span],
    counts: &mut [BulletinCount],
    covered: &mut Vec<Span>,
) {
    let first = segments.first().map_or(0, |s| s.span.start);
    for sentence in confirm.iter().filter(|s| s.start >= first) {
        let body = &text[sentence.start..sentence.end];
        let owner_passive = SIDE_PASSIVE
            .captures(body)
            .and_then(|c| c.name("side"))
            .and_then(|m| guarantor(m.as_str()).map(|g| (g, m.start())));
        let segment_side = segments
            .iter()
            .rev()
            .find(|s| s.span.start <= sentence.start)
            .map(|s| s.side);
        let Some(owner) = owner_passive.map(|o| o.0).or(segment_side) else {
            continue;
        };
        // The confirming side: a side named in the sentence other than the
        // register's owner ("confirmed by the Turkish side").
        let by = SIDE_ANY
            .captures_iter(body)
            .filter_map(|c| c.name("side"))
            .filter(|m| owner_passive.is_none_or(|(_, at)| m.start() != at))
            .filter_map(|m| guarantor(m.as_str()))
            .find(|g| *g != owner);
        let status = if NEGATION.is_match(body) {
            ConfirmationStatus::NotConfirmed
        } else {
            ConfirmationStatus::Confirmed
        };
        let count = OF_THEM
            .captures(body)
            .and_then(|c| c.name("num"))
            .and_then(|m| number_at(m.as_str()))
            .map(|(n, _)| n);
        let Some(target) = counts.iter_mut().find(|c| c.side == owner) else {
            continue;
        };
        if !covered
            .iter()
            .any(|c| c.start <= sentence.start && sentence.end <= c.end)
        {
            covered.push(*sentence);
        }
        target.evidence.push(Evidence {
            field: "confirmation".into(),
            span: *sentence,
        });
        target
            .confirmations
            .push(Confirmation { status, by, count });
    }
}
