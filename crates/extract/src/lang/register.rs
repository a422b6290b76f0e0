//! Bulletin reading for the languages other than English, driven by one
//! table of patterns per language ([`Rules`]).
//!
//! Russian, Arabic and Turkish bulletins are laid out alike: a side named
//! with a registering verb ("российской частью … зафиксировано", "رصد الجانب
//! الروسي", "Rusya tarafı … tespit etti"), a count with a violation noun,
//! and governorates with counts before or after them ("Латакия – 6", "7
//! منها في محافظة إدلب", "İdlib'de 5"). What differs is vocabulary, word
//! order and how a name is inflected; those are the rules, the reading is
//! shared. A segment runs from a side's mention to the next side mention,
//! confirmation statement or paragraph end. What no bulletin covers is then
//! read as news (`super::news`).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use jiff::ToSpan;
use regex::Regex;

use super::pattern::Pattern;

use crate::candidate::{
    BulletinCount, Candidate, CombinedCount, Confidence, Confirmation, ConfirmationStatus,
    Counters, DateRange, Evidence, GovernorateCount, Guarantor, Span,
};
use crate::document::Document;
use crate::locate::Locator;

/// How a governorate's name changes in running text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inflection {
    /// Case endings on the name itself (Латакия, Латакии, Латакию).
    Russian,
    /// Suffixes after an apostrophe (İdlib'de, Halep'te).
    Turkish,
    /// Prefixed conjunctions and prepositions, with or without the article
    /// (وإدلب, بحلب, اللاذقية / لاذقية).
    Arabic,
}

/// Everything language-specific about reading a bulletin.
pub(crate) struct Rules {
    /// ISO 639-1 code: which gazetteer names to use.
    pub code: &'static str,
    pub inflection: Inflection,
    /// A mention of each side as the owner or confirmer of a register.
    pub sides: Vec<(Guarantor, Pattern)>,
    /// A registering verb or noun; a side mention heads a register only in
    /// a sentence that has one.
    pub register_verbs: Regex,
    /// A statement that counts were not confirmed.
    pub not_confirmed: Pattern,
    /// A statement that counts were confirmed (checked after the negative).
    pub confirmed: Pattern,
    /// Matches at the start of the text after a number: the number counts
    /// violations ("нарушений", "انتهاكا", "ateşkes ihlali").
    pub count_noun: Regex,
    /// Words that are a count by themselves ("خرقين": two violations).
    pub counting_nouns: &'static [(&'static str, u32)],
    /// Ends right before a governorate: the count located there
    /// ("пять в провинции ", "7 منها في محافظة "), in group `num`.
    pub located_before: Pattern,
    /// Ends right before a list of governorates that each get the count
    /// ("2 في كل من "), in group `num`.
    pub each_before: Option<Pattern>,
    /// Whether a count follows the name ("Латакия – 6", "İdlib'de 5").
    pub count_after: bool,
    /// Whether a count in parentheses follows the name, in a language
    /// whose counts otherwise come first ("في محافظة إدلب (3)").
    pub count_in_parentheses: bool,
    /// Words joining a list of names.
    pub conjunctions: &'static [&'static str],
    /// Number words and their values.
    pub number_words: &'static [(&'static str, u32)],
    /// The first letters of the number words and counting nouns, as
    /// [`lead`]s: every word of a bulletin is asked whether it is one.
    pub number_leads: Vec<u16>,
    /// Spellings the press uses besides the gazetteer's, by governorate.
    pub variants: &'static [(&'static str, &'static str)],
    /// "over the past 24 hours": the register covers the day before
    /// publication.
    pub past_day: Regex,
    /// Words of the two counters' sentences: (settlements, reconciliation)
    /// and (formations, ceasefire), as word starts.
    pub counter_words: [(&'static [&'static str], &'static [&'static str]); 2],
}

/// The governorates named in `text`, in any of their forms.
pub(crate) fn governorates(rules: &Rules, text: &str) -> Vec<Gov> {
    matcher(rules).find(text, rules.inflection)
}

/// Candidates of `doc` by `rules`: its bulletin counts, then its news
/// events, read from the sentences no bulletin covers.
pub(crate) fn extract(
    rules: &Rules,
    news: &super::news::NewsRules,
    doc: &Document,
    locator: &dyn Locator,
) -> Vec<Candidate> {
    let (mut out, covered) = bulletins(rules, doc, locator);
    out.extend(super::news::extract(rules, news, doc, locator, &covered));
    out
}

/// Bulletin counts of `doc` by `rules`, and the spans they were read from.
fn bulletins(rules: &Rules, doc: &Document, locator: &dyn Locator) -> (Vec<Candidate>, Vec<Span>) {
    let text = doc.text.as_str();
    let govs = governorates(rules, text);
    if govs.is_empty() && !rules.count_noun.is_match(text) {
        return (Vec::new(), Vec::new());
    }
    let sentences = sentences(text);
    let confirm: Vec<(Span, ConfirmationStatus)> = sentences
        .iter()
        .filter_map(|s| {
            let body = &text[s.start..s.end];
            if rules.not_confirmed.is_match(body) {
                Some((*s, ConfirmationStatus::NotConfirmed))
            } else if rules.confirmed.is_match(body) {
                Some((*s, ConfirmationStatus::Confirmed))
            } else {
                None
            }
        })
        .collect();
    let mut mentions: Vec<(usize, usize, Guarantor)> = Vec::new();
    for (side, re) in &rules.sides {
        for m in re.find_iter(text) {
            mentions.push((m.start(), m.end(), *side));
        }
    }
    mentions.sort_unstable();
    mentions.dedup_by_key(|m| m.0);

    // The confirmer of each confirmation statement: the side named nearest
    // to its verb. Every other mention in the statement owns the register
    // it speaks of ("التي سجلها الجانب التركي").
    let mut confirmers: Vec<Confirming> = Vec::new();
    for &(sentence, status) in &confirm {
        let body = &text[sentence.start..sentence.end];
        let verb = rules
            .not_confirmed
            .find(body)
            .or_else(|| rules.confirmed.find(body))
            .map_or(sentence.start, |m| sentence.start + m.start());
        let nearest = mentions
            .iter()
            .filter(|m| sentence.start <= m.0 && m.1 <= sentence.end)
            .min_by_key(|m| m.0.abs_diff(verb))
            .map(|m| (m.0, m.2));
        confirmers.push((sentence, status, nearest));
    }
    let is_confirmer = |at: usize| confirmers.iter().any(|c| c.2.is_some_and(|n| n.0 == at));

    // Starts: mentions in a sentence with a registering word, and owners
    // named inside a confirmation statement.
    let starts: Vec<(usize, usize, Guarantor)> = mentions
        .iter()
        .copied()
        .filter(|m| !is_confirmer(m.0))
        .filter(|m| {
            let s = sentence_of(&sentences, m.0);
            rules.register_verbs.is_match(&text[s.start..s.end])
        })
        .collect();
    let mut counts: Vec<BulletinCount> = Vec::new();
    let mut covered: Vec<Span> = confirm.iter().map(|c| c.0).collect();
    for (i, &(start, side_end, side)) in starts.iter().enumerate() {
        let next_mention = mentions
            .iter()
            .find(|m| m.0 > start)
            .map_or(text.len(), |m| m.0);
        let next_start = starts.get(i + 1).map_or(text.len(), |s| s.0);
        let mut end = next_mention.min(next_start);
        if let Some(p) = super::paragraph_break(&text[start..end]) {
            end = start + p;
        }
        // A confirmation statement after the register ends it; one the
        // register is named in does not.
        if let Some(c) = confirm
            .iter()
            .find(|c| c.0.start > start && c.0.start < end)
        {
            end = c.0.start;
        }
        let seg = Span::new(start, end);
        let Some(mut count) = read_segment(rules, text, seg, side, &govs, locator) else {
            continue;
        };
        // The whole sentence the register starts in is the bulletin's.
        covered.push(Span::new(sentence_of(&sentences, start).start, end));
        count.evidence.insert(
            0,
            Evidence {
                field: "side".into(),
                span: Span::new(start, side_end),
            },
        );
        if let Some(published) = doc.published {
            let sentence = sentence_of(&sentences, start);
            let para_start = super::paragraph_start(text, sentence.start);
            if let Some(m) = rules.past_day.find(&text[para_start..end]) {
                let day_before = published.checked_sub(1.day()).unwrap_or(published);
                count.period = Some(DateRange {
                    start: day_before,
                    end: published,
                });
                count.evidence.push(Evidence {
                    field: "period".into(),
                    span: Span::new(para_start + m.start(), para_start + m.end()),
                });
            }
        }
        counts.push(count);
    }
    if counts.is_empty() {
        return (Vec::new(), covered);
    }

    for (sentence, status, confirmer) in confirmers {
        let by = confirmer.map(|c| c.1);
        // The register it is about: an owner named in it, else the last
        // register before it of another side than the confirmer.
        let owner = starts
            .iter()
            .find(|s| sentence.start <= s.0 && s.0 < sentence.end)
            .map(|s| s.2);
        let target = match owner {
            Some(side) => counts.iter_mut().find(|c| c.side == side),
            None => counts.iter_mut().rev().find(|c| {
                Some(c.side) != by
                    && c.evidence
                        .first()
                        .is_some_and(|e| e.span.start < sentence.start)
            }),
        };
        if let Some(target) = target {
            target.confirmations.push(Confirmation {
                status,
                by,
                count: None,
            });
            target.evidence.push(Evidence {
                field: "confirmation".into(),
                span: sentence,
            });
        }
    }

    if let Some((counters, spans)) = counters(rules, text, &sentences) {
        covered.extend(spans.iter().map(|s| sentence_of(&sentences, s.1.start)));
        counters.give_to(&mut counts, &spans);
    }
    (
        counts.into_iter().map(Candidate::BulletinCount).collect(),
        covered,
    )
}

/// A confirmation statement, what it says, and its confirmer (where the
/// side is named, and which).
type Confirming = (Span, ConfirmationStatus, Option<(usize, Guarantor)>);

/// One governorate name found in the text.
#[derive(Clone, Copy)]
pub(crate) struct Gov {
    pub start: usize,
    pub end: usize,
    pub code: &'static str,
}

/// The governorate names of one language, every form in one automaton.
struct Matcher {
    automaton: Option<AhoCorasick>,
    codes: Vec<&'static str>,
}

static RU: LazyLock<Matcher> = LazyLock::new(|| Matcher::new(&super::russian::RULES));
static AR: LazyLock<Matcher> = LazyLock::new(|| Matcher::new(&super::arabic::RULES));
static TR: LazyLock<Matcher> = LazyLock::new(|| Matcher::new(&super::turkish::RULES));

/// Builds a language's tables now rather than on first use: its rules
/// first, then its place names, which wait for the gazetteer.
pub(crate) fn build_tables(rules: &LazyLock<Rules>, news: &super::news::NewsRules) {
    news.build_tables();
    matcher(rules);
}

fn matcher(rules: &Rules) -> &'static Matcher {
    match rules.inflection {
        Inflection::Russian => &RU,
        Inflection::Arabic => &AR,
        Inflection::Turkish => &TR,
    }
}

impl Matcher {
    fn new(rules: &Rules) -> Matcher {
        let gazetteer = truce_gazetteer::Gazetteer::syria();
        let mut bases: Vec<(String, &'static str)> = Vec::new();
        for g in gazetteer.governorates() {
            if let (Some(name), Some(code)) = (g.name_in(rules.code), static_code(&g.code)) {
                bases.push((name.to_string(), code));
            }
        }
        for (code, variant) in rules.variants {
            bases.push((variant.to_string(), code));
        }
        let mut patterns: Vec<String> = Vec::new();
        let mut codes = Vec::new();
        for (base, code) in bases {
            for form in forms(&base, rules.inflection) {
                if !patterns.contains(&form) {
                    patterns.push(form);
                    codes.push(code);
                }
            }
        }
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Matcher { automaton, codes }
    }

    fn find(&self, text: &str, inflection: Inflection) -> Vec<Gov> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        // A Turkish suffix taken into a mention ("İdlib'Halep", without a
        // space) may run over the next name: a mention starts after the end
        // of the one before it, or is not one.
        let mut last_end = 0;
        automaton
            .find_iter(text)
            .filter_map(|m| {
                let (start, end) = (m.start(), m.end());
                if start < last_end || !starts_word(text, start, inflection) {
                    return None;
                }
                let after = text[end..].chars().next();
                let end = match after {
                    None => end,
                    Some(c) if !c.is_alphabetic() => {
                        if inflection == Inflection::Turkish && c == '\'' {
                            // İdlib'de: the suffix is part of the mention.
                            let rest = &text[end + 1..];
                            end + 1
                                + rest
                                    .char_indices()
                                    .find(|(_, c)| !c.is_alphabetic())
                                    .map_or(rest.len(), |(i, _)| i)
                        } else {
                            end
                        }
                    }
                    Some(_) => return None,
                };
                last_end = end;
                Some(Gov {
                    start,
                    end,
                    code: self.codes[m.pattern().as_usize()],
                })
            })
            .collect()
    }
}

/// The gazetteer's codes as static strings (the gazetteer itself is static).
fn static_code(code: &str) -> Option<&'static str> {
    truce_gazetteer::Gazetteer::syria()
        .governorate(code)
        .map(|g| g.code.as_str())
}

/// Whether a name at `start` begins a word, allowing Arabic's attached
/// conjunctions, prepositions and article.
fn starts_word(text: &str, start: usize, inflection: Inflection) -> bool {
    let before = &text[..start];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic())
        .last()
        .map_or(start, |(i, _)| i);
    let prefix = &text[word_start..start];
    prefix.is_empty()
        || (inflection == Inflection::Arabic
            && [
                "و", "ب", "ل", "ف", "ال", "وال", "بال", "لل", "فال", "وب", "ول", "وبال",
            ]
            .contains(&prefix))
}

/// The forms a name takes in running text.
fn forms(base: &str, inflection: Inflection) -> Vec<String> {
    let mut out = vec![base.to_string()];
    match inflection {
        Inflection::Turkish => {}
        Inflection::Arabic => {
            if let Some(bare) = base.strip_prefix("ال") {
                out.push(bare.to_string());
            }
            // Hamza forms of the first alef are often written plain.
            for (hamza, plain) in [("إ", "ا"), ("أ", "ا")] {
                if let Some(rest) = base.strip_prefix(hamza) {
                    out.push([plain, rest].concat());
                }
            }
            // Ta marbuta written as ha at the end (حماه for حماة).
            if let Some(stem) = base.strip_suffix('ة') {
                out.push([stem, "ه"].concat());
            }
        }
        Inflection::Russian => {
            let endings: &[&str] = if let Some(stem) = base.strip_suffix("ия") {
                out.extend(["ии", "ию", "ией"].iter().map(|e| [stem, e].concat()));
                &[]
            } else if base.ends_with("аа") || base.ends_with("ъа") || base.ends_with('о') {
                // Деръа, Дераа, Алеппо: not declined.
                &[]
            } else if let Some(stem) = base.strip_suffix('а') {
                out.extend(
                    ["ы", "и", "е", "у", "ой"]
                        .iter()
                        .map(|e| [stem, e].concat()),
                );
                &[]
            } else if base.ends_with(|c: char| "бвгдзклмнпрстфхцчшщ".contains(c))
            {
                &["а", "е", "у", "ом"]
            } else {
                &[]
            };
            out.extend(endings.iter().map(|e| [base, e].concat()));
        }
    }
    out
}

/// Sentence spans: ends at ". ", "! ", "? ", a newline, or the text's end.
pub(crate) fn sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let ends = match b {
            b'.' | b'!' | b'?' => bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace()),
            b'\n' => true,
            _ => false,
        };
        if ends {
            if i + 1 > start {
                out.push(Span::new(start, i + 1));
            }
            start = i + 1;
        }
    }
    if start < text.len() {
        out.push(Span::new(start, text.len()));
    }
    out
}

fn sentence_of(sentences: &[Span], at: usize) -> Span {
    let i = sentences.partition_point(|s| s.end <= at);
    sentences.get(i).copied().unwrap_or(Span::new(at, at))
}

/// A number at the start of `s`: digits, a number word or a counting noun.
/// Returns the value and its length in bytes.
fn number_at(rules: &Rules, s: &str) -> Option<(u32, usize)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 {
        return Some((s[..digits].parse().ok()?, digits));
    }
    // Asked at the start of every word of a bulletin: most words begin
    // with a letter no number word begins with, and are turned away before
    // they are measured and lower-cased.
    let first = s.chars().next()?.to_lowercase().next()?;
    if !rules
        .number_leads
        .contains(&lead(first.encode_utf8(&mut [0; 4])))
    {
        return None;
    }
    let word_len = s
        .char_indices()
        .find(|&(_, c)| !is_letter(c))
        .map_or(s.len(), |(i, _)| i);
    let word = &s[..word_len];
    if word.is_empty() {
        return None;
    }
    let lower = word.to_lowercase();
    rules
        .number_words
        .iter()
        .chain(rules.counting_nouns)
        .find(|(w, _)| *w == lower)
        .map(|(_, n)| (*n, word_len))
}

/// `char::is_alphabetic`, with the basic Cyrillic and Arabic letters
/// answered without the Unicode tables.
fn is_letter(c: char) -> bool {
    matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' | '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}')
        || c.is_alphabetic()
}

/// The first one or two bytes of the first letter of `s`, as a filter:
/// letters whose leads differ are different letters (letters of three or
/// four bytes may share one, and are told apart by the full comparison).
pub(crate) fn lead(s: &str) -> u16 {
    match s.as_bytes() {
        [] => 0,
        [first, ..] if first.is_ascii() => u16::from(*first),
        [first, second, ..] => u16::from_le_bytes([*first, *second]),
        [first] => u16::from(*first),
    }
}

/// The [`lead`]s of the words of `lists`, for [`Rules::number_leads`].
pub(crate) fn leads(lists: &[&[(&str, u32)]]) -> Vec<u16> {
    let mut out: Vec<u16> = lists
        .iter()
        .flat_map(|list| list.iter().map(|(word, _)| lead(word)))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Count phrases in `body`: a number followed by a violation noun, or a
/// counting noun alone. (value, start, end)
fn count_phrases(rules: &Rules, body: &str) -> Vec<(u32, usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    // Whether the character before `at` is part of a word.
    let mut in_word = false;
    while at < body.len() {
        let Some(here) = body[at..].chars().next() else {
            break;
        };
        let c = here.len_utf8();
        let at_word_start = !in_word;
        in_word = super::is_word_letter(here);
        if at_word_start {
            if let Some((n, len)) = number_at(rules, &body[at..]) {
                let word = &body[at..at + len];
                let mut read = len;
                if rules.counting_nouns.iter().any(|(w, _)| *w == word) {
                    out.push((n, at, at + len));
                } else {
                    let rest = &body[at + len..];
                    let gap = rest.len() - rest.trim_start().len();
                    let noun = (gap > 0).then(|| rules.count_noun.find(rest.trim_start()));
                    if let Some(m) = noun.flatten() {
                        out.push((n, at, at + len + gap + m.end()));
                        read = len + gap + m.end();
                    }
                }
                at += read;
                in_word = body[..at]
                    .chars()
                    .next_back()
                    .is_some_and(super::is_word_letter);
                continue;
            }
        }
        at += c;
    }
    out
}

/// The count located before a governorate by `re` (anchored at the end of
/// a window before the name): value and start of the number.
fn count_before(
    rules: &Rules,
    re: &Pattern,
    body: &str,
    name_start: usize,
) -> Option<(u32, usize)> {
    let mut window_start = name_start.saturating_sub(160);
    while !body.is_char_boundary(window_start) {
        window_start += 1;
    }
    let window = &body[window_start..name_start];
    // The last match that ends at the window's end.
    let num = re
        .captures_iter(window)
        .filter(|c| c.get(0).is_some_and(|m| m.end() == window.len()))
        .filter_map(|c| c.name("num"))
        .last()?;
    let (n, len) = number_at(rules, num.as_str())?;
    (len == num.as_str().len()).then_some((n, window_start + num.start()))
}

/// The count right after a name: " – 6", ": 6", " (семь)", " 5".
fn count_after(rules: &Rules, after: &str) -> Option<(u32, usize)> {
    let trimmed = after.trim_start();
    let mut used = after.len() - trimmed.len();
    let mut rest = trimmed;
    let mut closing = false;
    for opener in ["-", ":", "("] {
        if let Some(r) = rest.strip_prefix(opener) {
            closing = opener == "(";
            used += opener.len();
            let t = r.trim_start();
            used += r.len() - t.len();
            rest = t;
            break;
        }
    }
    let (n, len) = number_at(rules, rest)?;
    used += len;
    if closing {
        let close = rest[len..].find(')')?;
        if close > 24 {
            return None;
        }
        used += close + 1;
    }
    Some((n, used))
}

fn read_segment(
    rules: &Rules,
    text: &str,
    seg: Span,
    side: Guarantor,
    all_govs: &[Gov],
    locator: &dyn Locator,
) -> Option<BulletinCount> {
    let body = &text[seg.start..seg.end];
    let off = seg.start;
    let govs: Vec<Gov> = all_govs
        .iter()
        .filter(|g| seg.start <= g.start && g.end <= seg.end)
        .map(|g| Gov {
            start: g.start - off,
            end: g.end - off,
            code: g.code,
        })
        .collect();
    let mut evidence = Vec::new();
    let mut used_numbers: Vec<usize> = Vec::new();
    let mut by_code: Vec<(&'static str, Option<u32>)> = Vec::new();
    let mut combined: Vec<(Vec<&'static str>, u32, Span)> = Vec::new();
    let mut add = |code: &'static str, n: Option<u32>, span: Span, ev: &mut Vec<Evidence>| {
        match by_code.iter_mut().find(|b| b.0 == code) {
            Some(b) => {
                if let Some(n) = n {
                    b.1 = Some(b.1.unwrap_or(0).saturating_add(n));
                }
            }
            None => by_code.push((code, n)),
        }
        ev.push(Evidence {
            field: Evidence::governorate_label(code),
            span,
        });
    };
    let joined = |i: usize| -> bool {
        govs.get(i + 1).is_some_and(|next| {
            body.get(govs[i].end..next.start)
                .is_some_and(|gap| rules.conjunctions.contains(&gap.trim()))
        })
    };
    let mut i = 0;
    while i < govs.len() {
        let g = govs[i];
        let own_after = if rules.count_after {
            count_after(rules, &body[g.end..])
        } else if rules.count_in_parentheses {
            count_after(rules, &body[g.end..])
                .filter(|_| body[g.end..].trim_start().starts_with('('))
        } else {
            None
        };
        if own_after.is_none() && joined(i) {
            let mut last = i;
            while joined(last) {
                last += 1;
            }
            let members = &govs[i..=last];
            let each = rules
                .each_before
                .as_ref()
                .and_then(|re| count_before(rules, re, body, g.start));
            let shared = each
                .map(|(n, at)| (n, at, members[members.len() - 1].end))
                .or_else(|| {
                    count_before(rules, &rules.located_before, body, g.start)
                        .map(|(n, at)| (n, at, members[members.len() - 1].end))
                })
                .or_else(|| {
                    let tail = members[members.len() - 1];
                    rules
                        .count_after
                        .then(|| count_after(rules, &body[tail.end..]))
                        .flatten()
                        .map(|(n, len)| (n, tail.end + len - 1, tail.end + len))
                });
            if let Some((n, num_at, end)) = shared {
                used_numbers.push(num_at);
                let mut codes: Vec<&'static str> = Vec::new();
                for m in members {
                    if !codes.contains(&m.code) {
                        codes.push(m.code);
                    }
                }
                if each.is_some() || codes.len() == 1 {
                    for code in &codes {
                        add(
                            code,
                            Some(n),
                            Span::new(off + g.start, off + end),
                            &mut evidence,
                        );
                    }
                } else {
                    let start = num_at.min(g.start);
                    combined.push((codes, n, Span::new(off + start, off + end)));
                }
                i = last + 1;
                continue;
            }
        }
        let before = || count_before(rules, &rules.located_before, body, g.start);
        match own_after {
            Some((n, len)) => {
                used_numbers.push(g.end + len - 1);
                add(
                    g.code,
                    Some(n),
                    Span::new(off + g.start, off + g.end + len),
                    &mut evidence,
                );
            }
            None => match before() {
                Some((n, at)) => {
                    used_numbers.push(at);
                    add(
                        g.code,
                        Some(n),
                        Span::new(off + at, off + g.end),
                        &mut evidence,
                    );
                }
                None => add(
                    g.code,
                    None,
                    Span::new(off + g.start, off + g.end),
                    &mut evidence,
                ),
            },
        }
        i += 1;
    }

    // Free counts: count phrases whose number no governorate took. A count
    // after a name ends at the number's last byte, so compare by range.
    let free: Vec<(u32, usize, usize)> = count_phrases(rules, body)
        .into_iter()
        .filter(|(_, s, e)| !used_numbers.iter().any(|&u| *s <= u && u < *e))
        .collect();
    let gov_sum = by_code
        .iter()
        .filter_map(|b| b.1)
        .chain(combined.iter().map(|c| c.1))
        .fold(0u32, u32::saturating_add);
    let any_counted = by_code.iter().any(|b| b.1.is_some()) || !combined.is_empty();
    let total = match free.first() {
        Some(&(n, s, e)) => {
            evidence.push(Evidence {
                field: "total".into(),
                span: Span::new(off + s, off + e),
            });
            Some(n)
        }
        None if any_counted => Some(gov_sum),
        None => None,
    };
    if total.is_none() && !any_counted {
        return None;
    }
    // A lone governorate named without a count carries the whole total.
    let lone = by_code.len() == 1 && !any_counted;
    let by_governorate = by_code
        .into_iter()
        .filter(|b| !any_counted || b.1.is_some())
        .map(|(code, count)| GovernorateCount {
            code: code.to_string(),
            name: locator.governorate_name(code).unwrap_or(code).to_string(),
            count: if lone { total } else { count },
        })
        .collect::<Vec<_>>();
    let combined = combined
        .into_iter()
        .map(|(codes, count, span)| {
            evidence.push(Evidence {
                field: ["combined:", &codes.join("+")].concat().into(),
                span,
            });
            CombinedCount {
                codes: codes.into_iter().map(str::to_string).collect(),
                count,
            }
        })
        .collect::<Vec<_>>();
    let consistent = any_counted && total == Some(gov_sum);
    let confidence =
        0.5 + if consistent { 0.3 } else { 0.0 } + if total.is_some() { 0.1 } else { -0.2 }
            - if by_governorate.is_empty() && combined.is_empty() {
                0.2
            } else {
                0.0
            };
    Some(BulletinCount {
        side,
        period: None,
        total,
        headline_total: None,
        by_governorate,
        combined,
        counters: Counters::default(),
        violation_types: Vec::new(),
        confirmations: Vec::new(),
        excluded_target: false,
        confidence: Confidence::new(confidence),
        evidence,
    })
}

/// The running totals: the last number of a sentence with a word of each
/// group of [`Rules::counter_words`].
fn counters(
    rules: &Rules,
    text: &str,
    sentences: &[Span],
) -> Option<(Counters, Vec<(&'static str, Span)>)> {
    let mut counters = Counters::default();
    let mut spans = Vec::new();
    // Clauses: an Arabic sentence gives both counters, a comma apart.
    let clauses = sentences.iter().flat_map(|s| {
        let mut start = s.start;
        text[s.start..s.end]
            .match_indices('،')
            .map(|(i, c)| s.start + i + c.len())
            .chain(std::iter::once(s.end))
            .map(move |end| {
                let clause = Span::new(start, end);
                start = end;
                clause
            })
    });
    for s in clauses {
        let sentence = &text[s.start..s.end];
        // A counter is the last number of its clause: a clause without a
        // digit has none, and is not lower-cased to be searched.
        if !sentence.bytes().any(|b| b.is_ascii_digit()) {
            continue;
        }
        let lower = sentence.to_lowercase();
        let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
        for (k, (subject, topic)) in rules.counter_words.iter().enumerate() {
            if !(has(subject) && has(topic)) {
                continue;
            }
            let Some((n, at, len)) = last_number(sentence) else {
                continue;
            };
            let span = Span::new(s.start + at, s.start + at + len);
            let (slot, field) = if k == 0 {
                (
                    &mut counters.settlements_reconciled,
                    "settlements_reconciled",
                )
            } else {
                (&mut counters.formations_joined, "formations_joined")
            };
            if slot.is_none() {
                *slot = Some(n);
                spans.push((field, span));
            }
            break;
        }
    }
    (!counters.is_empty()).then_some((counters, spans))
}

/// The last number in `s`, thousands grouped by a dot, comma or space or
/// not ("2.381", "2,381", "2381"): value, start and length.
fn last_number(s: &str) -> Option<(u32, usize, usize)> {
    let bytes = s.as_bytes();
    let end = bytes.iter().rposition(u8::is_ascii_digit)? + 1;
    let mut start = end;
    loop {
        while start > 0 && bytes[start - 1].is_ascii_digit() {
            start -= 1;
        }
        // A separator counts when a group of exactly three digits follows
        // it and digits precede it.
        let group = (start..end)
            .take_while(|&i| bytes[i].is_ascii_digit())
            .count();
        if start >= 2
            && matches!(bytes[start - 1], b'.' | b',' | b' ')
            && bytes[start - 2].is_ascii_digit()
            && group == 3
        {
            start -= 1;
            continue;
        }
        break;
    }
    let digits: String = s[start..end].chars().filter(char::is_ascii_digit).collect();
    Some((digits.parse().ok()?, start, end - start))
}

#[cfg(test)]
mod tests {
    use super::{forms, last_number, lead, Inflection};

    #[test]
    fn a_lead_tells_first_letters_apart() {
        // Words that begin alike share a lead, whatever follows.
        assert_eq!(lead("пять"), lead("п"));
        assert_eq!(lead("خمسة"), lead("خ"));
        assert_eq!(lead("one"), lead("o"));
        // Words that begin with other letters do not, in every script,
        // including letters whose encodings share a first byte.
        for (a, b) in [
            ("пять", "два"),
            ("с", "т"),
            ("خمسة", "ثلاثة"),
            ("one", "two"),
            ("ş", "ü"),
        ] {
            assert_ne!(lead(a), lead(b), "{a} and {b}");
        }
        assert_eq!(lead(""), 0);
    }

    #[test]
    fn names_take_their_inflected_forms() {
        let ru = |base: &str| forms(base, Inflection::Russian);
        assert!(ru("Латакия").contains(&"Латакии".to_string()));
        assert!(ru("Идлиб").contains(&"Идлиба".to_string()));
        assert!(ru("Дамаск").contains(&"Дамаске".to_string()));
        assert!(ru("Хама").contains(&"Хамы".to_string()));
        assert_eq!(ru("Деръа"), vec!["Деръа".to_string()]);
        assert_eq!(ru("Алеппо"), vec!["Алеппо".to_string()]);
        let ar = forms("اللاذقية", Inflection::Arabic);
        assert!(ar.contains(&"لاذقية".to_string()));
        assert!(forms("إدلب", Inflection::Arabic).contains(&"ادلب".to_string()));
        assert!(forms("حماة", Inflection::Arabic).contains(&"حماه".to_string()));
    }

    #[test]
    fn inflected_and_prefixed_names_are_found_and_words_containing_them_are_not() {
        let found = |text: &str, rules: &super::Rules| -> Vec<&'static str> {
            super::matcher(rules)
                .find(text, rules.inflection)
                .iter()
                .map(|g| g.code)
                .collect()
        };
        let ru = &*super::super::russian::RULES;
        assert_eq!(
            found("в Латакии, Идлибе, Риф-Дамаске и Дамаске; Хамас", ru),
            vec!["SY-LA", "SY-ID", "SY-RD", "SY-DI"]
        );
        let tr = &*super::super::turkish::RULES;
        assert_eq!(
            found("İdlib'de, Halep'te, Hama'da ve Şamil", tr),
            vec!["SY-ID", "SY-HL", "SY-HM"]
        );
        let ar = &*super::super::arabic::RULES;
        assert_eq!(
            found("في إدلب وحماة وباللاذقية ومحافظة ريف دمشق", ar),
            vec!["SY-ID", "SY-HM", "SY-LA", "SY-RD"]
        );
    }

    #[test]
    fn counters_read_grouped_thousands() {
        assert_eq!(last_number("sayısı 2.381 oldu").map(|n| n.0), Some(2381));
        assert_eq!(last_number("has reached 2,381.").map(|n| n.0), Some(2381));
        assert_eq!(
            last_number("не изменилось - 1 521").map(|n| n.0),
            Some(1521)
        );
        assert_eq!(last_number("وهو 234.").map(|n| n.0), Some(234));
        // A date before a count is not one number with it.
        assert_eq!(last_number("on 12.05, 64").map(|n| n.0), Some(64));
        assert_eq!(last_number("none"), None);
    }
}
