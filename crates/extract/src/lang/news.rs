//! News reading for the languages other than English, driven by one table
//! of words per language ([`NewsRules`]), as their bulletins are by
//! [`super::register::Rules`].
//!
//! A news sentence says who did what to whom, where and when: an event word
//! ("обстрел", "غارة", "saldırı") gives the type, a casualty word with a
//! number beside it the dead and injured ("погибли восемь", "مقتل ثمانية",
//! "sekiz kişi hayatını kaybetti"), the names of the parties the actors, a
//! governorate or place the location, and a date word the day, resolved
//! against the publication date. Sentences a bulletin was read from, the
//! boilerplate of the agencies ("запрещенная в России"), political
//! statements ("акт агрессии", "عدوان", "kınadı") and humanitarian or
//! demining news are not events. Sentences of one paragraph about the same
//! event make one event, and repeats of an event later in the text are
//! merged into it.

use std::sync::OnceLock;

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;

use super::register::{self, lead, Rules};
use crate::candidate::{
    Actor, Candidate, Casualty, CasualtyGroup, CasualtyKind, Confidence, DateRange, Estimate,
    Event, Evidence, Location, Span,
};
use crate::document::Document;
use crate::locate::{LocatedKind, Locator};
use crate::taxonomy::{EventType, ViolationType};

/// How a word list entry meets a word of the text.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stems {
    /// The word starts with the entry (Russian and Turkish endings).
    Prefix,
    /// The word starts with the entry once the attached conjunctions,
    /// prepositions and article are taken off (Arabic).
    ArabicPrefix,
}

/// An actor's id and display name, and how the text names it (each alias
/// one or more word stems).
pub(crate) type ActorEntry = (&'static str, &'static str, &'static [&'static str]);

/// Everything language-specific about reading the news. Word entries are
/// lower-case stems; an entry of several words matches that many words in
/// a row. A part that ends in `$` is a whole word, not a stem: Turkish
/// "hava$ saldırı" (air strike) must not meet "havan saldırısı" (a mortar
/// attack).
pub(crate) struct NewsRules {
    pub stems: Stems,
    /// Event words and their type. At one place the longer entry wins.
    pub triggers: &'static [(&'static str, ViolationType)],
    pub killed: &'static [&'static str],
    pub injured: &'static [&'static str],
    /// Words before a number that make it a lower bound ("не менее").
    pub at_least: &'static [&'static str],
    /// Words that name a part of the count before them ("пять человек, в
    /// том числе двое детей"): the count before is the toll.
    pub including: &'static [&'static str],
    /// Whether a casualty count comes before its verb (Turkish "sekiz kişi
    /// hayatını kaybetti") rather than after it.
    pub count_first: bool,
    /// Collective numerals and other words that count people.
    pub people_numbers: &'static [(&'static str, u32)],
    pub civilians: &'static [&'static str],
    pub fighters: &'static [&'static str],
    pub actors: &'static [ActorEntry],
    /// Words that name Syria itself ("Сирии", "سوريا", "Suriye"): the
    /// country struck by a state outside the mechanism.
    pub syria: &'static [&'static str],
    /// Words right before an actor that make it the target ("по позициям",
    /// "على مواقع").
    pub target_before: &'static [&'static str],
    /// Words right after an actor that make it the target (Turkish case
    /// endings on the next word: "mevzilerine", "yönelik").
    pub target_after: &'static [&'static str],
    /// Words before a party that make it the source of the report, not an
    /// actor ("по данным", "بحسب").
    pub source_before: &'static [&'static str],
    /// Words after a party that make it the source ("… göre").
    pub source_after: &'static [&'static str],
    /// The agencies' boilerplate: nothing in it is an actor or an event
    /// ("запрещенная в России террористическая организация").
    pub boilerplate: &'static [&'static str],
    /// Words of a political statement: the sentence reports no violation.
    pub statement: &'static [&'static str],
    /// Words of humanitarian and demining news, and of the ceasefire's
    /// history: not violations.
    pub not_events: &'static [&'static str],
    /// Words that put a sentence in the future.
    pub future: &'static [&'static str],
    pub yesterday: &'static [&'static str],
    pub today: &'static [&'static str],
    pub weekdays: &'static [(&'static str, Weekday)],
    /// Month names (genitive forms too) and their numbers.
    pub months: &'static [(&'static str, i8)],
    /// The event words and the actors' names filed by first letter, on
    /// first use (`OnceLock::new()` in each table).
    pub filed: OnceLock<Filed>,
}

/// The lists of a [`NewsRules`], tried at every word of a sentence, with
/// their entries filed by the [`lead`] of their first letter: a word is
/// met only by the entries filed under its own letters.
pub(crate) struct Filed {
    /// (lead, index into `triggers`).
    triggers: Vec<(u16, usize)>,
    /// (lead, (index into `actors`, index into its aliases)).
    aliases: Vec<(u16, (usize, usize))>,
    future: FiledList,
    statement: FiledList,
    not_events: FiledList,
    syria: FiledList,
    boilerplate: FiledList,
    killed: FiledList,
    injured: FiledList,
    at_least: FiledList,
    civilians: FiledList,
    fighters: FiledList,
    including: FiledList,
    source_before: FiledList,
    target_before: FiledList,
}

impl Filed {
    fn of(news: &NewsRules) -> Filed {
        let mut triggers: Vec<(u16, usize)> = news
            .triggers
            .iter()
            .enumerate()
            .map(|(k, (stem, _))| (lead(stem), k))
            .collect();
        triggers.sort_unstable();
        let mut aliases: Vec<(u16, (usize, usize))> = news
            .actors
            .iter()
            .enumerate()
            .flat_map(|(a, (_, _, names))| {
                names
                    .iter()
                    .enumerate()
                    .map(move |(k, name)| (lead(name), (a, k)))
            })
            .collect();
        aliases.sort_unstable();
        Filed {
            triggers,
            aliases,
            future: FiledList::of(news.future),
            statement: FiledList::of(news.statement),
            not_events: FiledList::of(news.not_events),
            syria: FiledList::of(news.syria),
            boilerplate: FiledList::of(news.boilerplate),
            killed: FiledList::of(news.killed),
            injured: FiledList::of(news.injured),
            at_least: FiledList::of(news.at_least),
            civilians: FiledList::of(news.civilians),
            fighters: FiledList::of(news.fighters),
            including: FiledList::of(news.including),
            source_before: FiledList::of(news.source_before),
            target_before: FiledList::of(news.target_before),
        }
    }
}

/// A word list with its entries filed by [`lead`].
struct FiledList {
    entries: &'static [&'static str],
    filed: Vec<(u16, usize)>,
}

impl FiledList {
    fn of(entries: &'static [&'static str]) -> FiledList {
        let mut filed: Vec<(u16, usize)> = entries
            .iter()
            .enumerate()
            .map(|(k, entry)| (lead(entry), k))
            .collect();
        filed.sort_unstable();
        FiledList { entries, filed }
    }
}

/// What `filed` holds under the leads of `word`, in the lists' order.
fn filed_under<T: Copy + Ord>(filed: &[(u16, T)], word: &Word, out: &mut Vec<T>) {
    out.clear();
    out.extend(filed_at(filed, word));
    out.sort_unstable();
    out.dedup();
}

/// What `filed` holds under each of the leads of `word`, lead by lead.
fn filed_at<'f, T: Copy>(filed: &'f [(u16, T)], word: &Word) -> impl Iterator<Item = T> + 'f {
    let starts = word.starts;
    // 0 fills the unused places of `starts`; no entry is empty.
    starts
        .into_iter()
        .filter(|&at| at != 0)
        .flat_map(move |at| {
            let from = filed.partition_point(|e| e.0 < at);
            filed[from..]
                .iter()
                .take_while(move |e| e.0 == at)
                .map(|e| e.1)
        })
}

/// One word of the text: where it is and its lower-case form.
struct Word {
    start: usize,
    end: usize,
    lower: String,
    /// The letters an entry that meets the word may begin with: its own
    /// first letter, and in Arabic the first letter after each prefix it
    /// has (0 where there are fewer), each as its [`lead`]. Every entry of
    /// every list is tried at every word of a sentence; this turns most
    /// away at once, without decoding the entry.
    starts: [u16; 5],
}

impl Word {
    fn new(start: usize, end: usize, lower: String, stems: Stems) -> Word {
        let mut starts = [0; 5];
        starts[0] = lead(&lower);
        if stems == Stems::ArabicPrefix {
            let after_prefixes = ARABIC_PREFIXES
                .iter()
                .filter_map(|p| lower.strip_prefix(p).filter(|rest| !rest.is_empty()));
            for (slot, rest) in starts[1..].iter_mut().zip(after_prefixes) {
                *slot = lead(rest);
            }
        }
        Word {
            start,
            end,
            lower,
            starts,
        }
    }
}

/// Arabic attached prefixes, longest first.
const ARABIC_PREFIXES: &[&str] = &["وبال", "وال", "بال", "فال", "لل", "ال", "و", "ب", "ل", "ف"];

fn lower(word: &str) -> String {
    // Turkish dotted and dotless capitals keep their letter.
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c {
            'İ' => out.push('i'),
            'I' => out.push('ı'),
            c => out.extend(c.to_lowercase()),
        }
    }
    out
}

fn words(text: &str, span: Span, stems: Stems) -> Vec<Word> {
    let body = &text[span.start..span.end];
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in body
        .char_indices()
        .chain(std::iter::once((body.len(), ' ')))
    {
        let inside = super::is_word_letter(c);
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                let w = &body[s..i];
                // Turkish words are read without the suffix after an
                // apostrophe's stem: "Nisan'da" is the word "nisan".
                out.push(Word::new(span.start + s, span.start + i, lower(w), stems));
                start = None;
            }
            _ => {}
        }
    }
    out
}

impl NewsRules {
    /// Files the words now rather than on first use.
    pub(crate) fn build_tables(&self) {
        self.filed();
    }

    fn filed(&self) -> &Filed {
        self.filed.get_or_init(|| Filed::of(self))
    }

    /// Whether `word` (lower-case) meets the stem `stem`.
    fn meets(&self, word: &str, stem: &str) -> bool {
        match self.stems {
            Stems::Prefix => word.starts_with(stem),
            Stems::ArabicPrefix => {
                word.starts_with(stem)
                    || ARABIC_PREFIXES
                        .iter()
                        .any(|p| word.strip_prefix(p).is_some_and(|w| w.starts_with(stem)))
            }
        }
    }

    /// Whether the words from `i` on meet the entry `entry` (words of
    /// stems separated by spaces); how many words it takes.
    fn meets_at(&self, words: &[Word], i: usize, entry: &str) -> Option<usize> {
        // Every word of every list is tried at every word of a sentence:
        // the entry's first letter turns most of them away before the
        // entry is cut into its words.
        if entry.is_empty() || !words.get(i)?.starts.contains(&lead(entry)) {
            return None;
        }
        let mut n = 0;
        for part in entry.split(' ') {
            let w = words.get(i + n)?;
            let met = match part.strip_suffix('$') {
                Some(whole) => self.is(&w.lower, whole),
                None => self.meets(&w.lower, part),
            };
            if !met {
                return None;
            }
            n += 1;
        }
        Some(n)
    }

    /// The first entry of `list` met at `i`, longest first: words taken.
    fn any_at(&self, words: &[Word], i: usize, list: &FiledList) -> Option<usize> {
        filed_at(&list.filed, words.get(i)?)
            .filter_map(|k| self.meets_at(words, i, list.entries[k]))
            .max()
    }

    /// Whether `word` is `entry` itself (with Arabic prefixes taken off):
    /// for short words whose stems would meet others ("dün" in "dünya",
    /// "الأحد" in "الأحداث").
    fn is(&self, word: &str, entry: &str) -> bool {
        word == entry
            || (self.stems == Stems::ArabicPrefix
                && ARABIC_PREFIXES
                    .iter()
                    .any(|p| word.strip_prefix(p) == Some(entry)))
    }

    /// Whether the words from `i` on are the entry's words themselves.
    fn is_at(&self, words: &[Word], i: usize, entry: &str) -> bool {
        entry
            .split(' ')
            .enumerate()
            .all(|(k, part)| words.get(i + k).is_some_and(|w| self.is(&w.lower, part)))
    }

    /// Whether the word after a number names a month: its stem for
    /// Russian and Turkish case endings, the word itself for Arabic.
    fn month_at(&self, words: &[Word], i: usize) -> Option<(i8, usize)> {
        self.months.iter().find_map(|(m, n)| {
            let len = m.split(' ').count();
            let ok = if self.stems == Stems::ArabicPrefix {
                self.is_at(words, i, m)
            } else {
                self.meets_at(words, i, m).is_some()
            };
            ok.then_some((*n, len))
        })
    }

    fn any_in(&self, words: &[Word], list: &FiledList) -> Option<usize> {
        (0..words.len()).find(|&i| self.any_at(words, i, list).is_some())
    }
}

/// A number at word `i`: digits, a number word or a collective numeral.
fn number_word(rules: &Rules, news: &NewsRules, w: &Word, text: &str) -> Option<u32> {
    let raw = &text[w.start..w.end];
    if raw.bytes().all(|b| b.is_ascii_digit()) {
        return raw.parse().ok();
    }
    rules
        .number_words
        .iter()
        .chain(news.people_numbers)
        .find(|(word, _)| *word == w.lower)
        .map(|(_, n)| *n)
        .or_else(|| {
            // Arabic number words take prefixes too ("وثمانية").
            (news.stems == Stems::ArabicPrefix)
                .then(|| {
                    ARABIC_PREFIXES.iter().find_map(|p| {
                        let bare = w.lower.strip_prefix(p)?;
                        rules
                            .number_words
                            .iter()
                            .find(|(word, _)| *word == bare)
                            .map(|(_, n)| *n)
                    })
                })
                .flatten()
        })
}

/// One event read from a sentence, before merging.
struct Read {
    event: Event,
    paragraph: usize,
}

/// News events in `doc`, skipping the sentences in `covered` (bulletin
/// segments).
pub(crate) fn extract(
    rules: &Rules,
    news: &NewsRules,
    doc: &Document,
    locator: &dyn Locator,
    covered: &[Span],
) -> Vec<Candidate> {
    let text = doc.text.as_str();
    let sentences = register::sentences(text);
    let govs = register::governorates(rules, text);
    let places: Vec<_> = locator
        .locate(text)
        .into_iter()
        .filter(|l| l.kind == LocatedKind::Place)
        .collect();
    let mut read: Vec<Read> = Vec::new();
    let mut last_para = usize::MAX;
    let mut para_date: Option<(DateRange, Span)> = None;
    let mut para_loc: Option<(Location, Span)> = None;
    let mut last_event: Option<usize> = None;
    for &span in &sentences {
        let paragraph = crate::lang::paragraph_start(text, span.start);
        if paragraph != last_para {
            last_para = paragraph;
            para_date = None;
            para_loc = None;
            last_event = None;
        }
        if covered
            .iter()
            .any(|c| c.start < span.end && span.start < c.end)
        {
            continue;
        }
        let words = words(text, span, news.stems);
        if words.is_empty() {
            continue;
        }
        let masked = boilerplate(news, &words);
        let usable: Vec<bool> = (0..words.len()).map(|i| !masked[i]).collect();
        let future = news.any_in(&words, &news.filed().future).is_some();
        let date = sentence_date(rules, news, text, &words, doc.published, future);
        if let Some(d) = date {
            para_date = Some(d);
        }
        let (casualties, victims) = casualties(rules, news, text, &words, &usable);
        let trigger_at = trigger(news, &words, &usable);
        let parties = actors(
            news,
            &words,
            &usable,
            trigger_at.map_or(words.len(), |t| t.1),
            &victims,
        );
        let location = sentence_location(span, &parties.spans, &govs, &places, locator);
        if let Some(l) = &location {
            para_loc = Some(l.clone());
        }
        // A statement word that begins a longer event phrase ("عدوان
        // صاروخي", a missile strike) names the event, not a statement.
        let statement = (0..words.len()).any(|i| {
            news.any_at(&words, i, &news.filed().statement).is_some()
                && !news
                    .triggers
                    .iter()
                    .any(|(phrase, _)| news.meets_at(&words, i, phrase).is_some_and(|n| n > 1))
        });
        let not_event = news.any_in(&words, &news.filed().not_events).is_some();
        let trigger = if statement || not_event || future {
            None
        } else {
            trigger_at
        };
        let Some((kind, t_start, t_end)) = trigger else {
            // A sentence without an event word adds its dead and injured
            // to the paragraph's event ("Погибли восемь человек.").
            if let (Some(k), false) = (last_event, statement || casualties.is_empty()) {
                add_casualties(&mut read[k].event, casualties);
            }
            continue;
        };
        let _ = t_start;
        let (actor1, mut actor2) = (parties.by, parties.target);
        // A strike by a state outside the mechanism on a place in Syria, or
        // on Syria named: the country struck is its target.
        if actor2.is_none()
            && kind == ViolationType::AirStrike
            && actor1
                .as_ref()
                .is_some_and(|a| OUTSIDE_STRIKERS.contains(&a.0.id.as_str()))
        {
            let named = (0..words.len())
                .find(|&i| usable[i] && news.any_at(&words, i, &news.filed().syria).is_some())
                .map(|i| Span::new(words[i].start, words[i].end));
            let located = location
                .as_ref()
                .filter(|l| l.0.governorate.is_some())
                .map(|l| l.1);
            if let Some(span) = named.or(located) {
                actor2 = Some((
                    Actor {
                        id: "syria".into(),
                        name: "Syrian government".into(),
                    },
                    span,
                ));
            }
        }
        let mut evidence = vec![Evidence {
            field: "type".into(),
            span: Span::new(words[t_start].start, words[t_end - 1].end),
        }];
        for (field, actor) in [("actor1", &actor1), ("actor2", &actor2)] {
            if let Some((_, s)) = actor {
                evidence.push(Evidence {
                    field: field.into(),
                    span: *s,
                });
            }
        }
        let (location, loc_span) = location.or_else(|| para_loc.clone()).unzip();
        if let Some(s) = loc_span {
            evidence.push(Evidence {
                field: "location".into(),
                span: s,
            });
        }
        let (range, date_span) = date.or(para_date).unzip();
        if let Some(s) = date_span {
            evidence.push(Evidence {
                field: "date".into(),
                span: s,
            });
        }
        let mut event = Event {
            event_type: EventType::Violation(kind),
            actor1: actor1.map(|a| a.0),
            actor2: actor2.map(|a| a.0),
            location,
            date: range,
            casualties: Vec::new(),
            confidence: Confidence::new(0.0),
            evidence,
        };
        add_casualties(&mut event, casualties);
        // Another sentence of the paragraph on the same event.
        if let Some(k) = last_event.filter(|&k| same_event(&read[k].event, &event)) {
            absorb(&mut read[k].event, event);
            continue;
        }
        read.push(Read { event, paragraph });
        last_event = Some(read.len() - 1);
    }
    // Repeats later in the text (the lead, then the detail) merge into the
    // first telling.
    let mut out: Vec<Event> = Vec::new();
    for r in read {
        let _ = r.paragraph;
        // A later telling without its own place and day ("В ходе атаки
        // погибли шесть военнослужащих") is the last event of its type.
        let anaphoric = r.event.location.is_none() && r.event.date.is_none();
        let earlier = if anaphoric {
            out.iter_mut()
                .rev()
                .find(|e| e.event_type == r.event.event_type && compatible(e, &r.event))
        } else {
            out.iter_mut().find(|e| repeats(e, &r.event))
        };
        match earlier {
            Some(first) => absorb(first, r.event),
            None => out.push(r.event),
        }
    }
    out.into_iter()
        .map(|mut e| {
            e.confidence = Confidence::new(
                0.4 + 0.1
                    * [
                        e.actor1.is_some(),
                        e.location.is_some(),
                        e.date.is_some(),
                        !e.casualties.is_empty(),
                    ]
                    .iter()
                    .filter(|b| **b)
                    .count() as f32,
            );
            Candidate::Event(e)
        })
        .collect()
}

/// Which words are the agencies' boilerplate: each entry and the words up
/// to the parenthesis or comma around it.
fn boilerplate(news: &NewsRules, words: &[Word]) -> Vec<bool> {
    let mut masked = vec![false; words.len()];
    for i in 0..words.len() {
        if let Some(n) = news.any_at(words, i, &news.filed().boilerplate) {
            // The organisation named with it is kept; the country that
            // banned it is masked ("banned in Russia" names no target).
            for m in masked.iter_mut().skip(i).take(n) {
                *m = true;
            }
        }
    }
    masked
}

/// The sentence's event word: the first, the longest entry at a place.
fn trigger(
    news: &NewsRules,
    words: &[Word],
    usable: &[bool],
) -> Option<(ViolationType, usize, usize)> {
    let mut filed = Vec::new();
    for (i, _) in usable.iter().enumerate().filter(|u| *u.1) {
        filed_under(&news.filed().triggers, &words[i], &mut filed);
        let best = filed
            .iter()
            .filter_map(|&k| {
                let (stem, kind) = news.triggers[k];
                news.meets_at(words, i, stem).map(|n| (n, kind))
            })
            .max_by_key(|(n, _)| *n);
        if let Some((n, kind)) = best {
            return Some((kind, i, i + n));
        }
    }
    None
}

/// The dead and injured a sentence gives, with the spans they were read
/// from: a casualty word with a number within three words of it.
fn casualties(
    rules: &Rules,
    news: &NewsRules,
    text: &str,
    words: &[Word],
    usable: &[bool],
) -> (Vec<(Casualty, Span)>, Vec<usize>) {
    let mut out: Vec<(Casualty, Span)> = Vec::new();
    let mut numbers = Vec::new();
    let mut used = vec![false; words.len()];
    for (i, _) in usable.iter().enumerate().filter(|u| *u.1) {
        let (kind, n) = match (
            news.any_at(words, i, &news.filed().killed),
            news.any_at(words, i, &news.filed().injured),
        ) {
            (Some(n), _) => (CasualtyKind::Killed, n),
            (None, Some(n)) => (CasualtyKind::Injured, n),
            (None, None) => continue,
        };
        let after = (i + n..(i + n + 3).min(words.len())).collect::<Vec<_>>();
        let before = (i.saturating_sub(3)..i).rev().collect::<Vec<_>>();
        let order = if news.count_first {
            [before, after]
        } else {
            [after, before]
        };
        let found = order.iter().flatten().copied().find(|&k| {
            !used[k]
                && number_word(rules, news, &words[k], text).is_some()
                // "7 апреля" is a date, not a count.
                && news.month_at(words, k + 1).is_none()
        });
        let Some(mut k) = found else {
            continue;
        };
        // A count right after "в том числе", "بينهم", "aralarında" is a
        // part of the count before it, which is the toll.
        if let Some(head) = head_count(rules, news, text, words, k, &used) {
            k = head;
        }
        used[k] = true;
        numbers.push(k);
        let Some(count) = number_word(rules, news, &words[k], text) else {
            continue;
        };
        let lower_bound = (k.saturating_sub(3)..k)
            .any(|j| news.any_at(words, j, &news.filed().at_least).is_some());
        let around = i.min(k).saturating_sub(2)..(i.max(k) + 3).min(words.len());
        let group = if around
            .clone()
            .any(|j| news.any_at(words, j, &news.filed().civilians).is_some())
        {
            CasualtyGroup::Civilians
        } else if around
            .clone()
            .any(|j| news.any_at(words, j, &news.filed().fighters).is_some())
        {
            CasualtyGroup::Fighters
        } else {
            CasualtyGroup::Unspecified
        };
        let (a, b) = (i.min(k), (i + n - 1).max(k));
        out.push((
            Casualty {
                kind,
                group,
                count: Estimate {
                    low: count,
                    best: count,
                    high: (!lower_bound).then_some(count),
                },
            },
            Span::new(words[a].start, words[b].end),
        ));
    }
    (out, numbers)
}

/// Where the number at `k` follows a word that names a part ("в том
/// числе двое"), the number before that word ("пять человек"), if any.
fn head_count(
    rules: &Rules,
    news: &NewsRules,
    text: &str,
    words: &[Word],
    k: usize,
    used: &[bool],
) -> Option<usize> {
    let (start, _) = (k.saturating_sub(4)..k)
        .filter_map(|j| {
            news.any_at(words, j, &news.filed().including)
                .map(|n| (j, n))
        })
        .find(|&(j, n)| j + n == k || j + n + 1 == k)?;
    (start.saturating_sub(4)..start).rev().find(|&j| {
        !used[j]
            && number_word(rules, news, &words[j], text).is_some()
            && news.month_at(words, j + 1).is_none()
    })
}

fn add_casualties(event: &mut Event, casualties: Vec<(Casualty, Span)>) {
    for (c, span) in casualties {
        // The same dead told twice are counted once: the larger count of a
        // kind stands.
        match event.casualties.iter_mut().find(|e| e.kind == c.kind) {
            Some(e) if e.count.best >= c.count.best => continue,
            Some(e) => *e = c,
            None => event.casualties.push(c),
        }
        event.evidence.push(Evidence {
            field: match c.kind {
                CasualtyKind::Killed => "killed".into(),
                CasualtyKind::Injured => "injured".into(),
            },
            span,
        });
    }
}

/// The actors of a sentence: the perpetrator is the party named nearest
/// before the event word (else the first after it) outside a target
/// phrase, the boilerplate and a source's attribution; the target the first
/// named in a target phrase or among the casualties ("погибли шесть
/// военнослужащих сирийской армии").
fn actors(
    news: &NewsRules,
    words: &[Word],
    usable: &[bool],
    trigger_at: usize,
    victims: &[usize],
) -> Parties {
    let mut named: Vec<(usize, usize, Actor, Span, bool)> = Vec::new();
    let mut filed = Vec::new();
    let mut i = 0;
    while i < words.len() {
        if !usable[i] {
            i += 1;
            continue;
        }
        // The longest name at a place: "الجيش التركي" is Turkey's army,
        // not the Syrian "الجيش". Each actor that has a name filed under
        // the word's letters, in the list's order, with its longest match.
        filed_under(&news.filed().aliases, &words[i], &mut filed);
        let found = filed
            .chunk_by(|a, b| a.0 == b.0)
            .filter_map(|names| {
                let (id, name, aliases) = news.actors[names[0].0];
                names
                    .iter()
                    .filter_map(|&(_, k)| news.meets_at(words, i, aliases[k]))
                    .max()
                    .map(|n| (n, id, name))
            })
            .max_by_key(|f| f.0);
        let Some((n, id, name)) = found else {
            i += 1;
            continue;
        };
        let near_before = |list: &FiledList, reach: usize| {
            (i.saturating_sub(reach)..i).any(|j| news.any_at(words, j, list).is_some())
        };
        // "по данным Минобороны России", "بحسب مصادر", "… göre": who says
        // so, not who did it.
        let source = near_before(&news.filed().source_before, 3)
            || words
                .get(i + n..(i + n + 3).min(words.len()))
                .is_some_and(|after| {
                    after
                        .iter()
                        .any(|w| news.source_after.iter().any(|t| news.is(&w.lower, t)))
                });
        if source {
            i += n;
            continue;
        }
        let is_target = near_before(&news.filed().target_before, 2)
            || victims.iter().any(|&k| k < i && i <= k + 3)
            || words.get(i + n).is_some_and(|w| {
                // A case ending after an apostrophe is a word of its own
                // here ("PKK'ya" is "pkk", "ya"), compared whole.
                news.target_after.iter().any(|t| {
                    if t.chars().count() <= 2 {
                        w.lower == *t
                    } else {
                        news.meets(&w.lower, t)
                    }
                })
            });
        let actor = Actor {
            id: id.to_string(),
            name: name.to_string(),
        };
        let span = Span::new(words[i].start, words[i + n - 1].end);
        named.push((i, i + n, actor, span, is_target));
        i += n;
    }
    // A generic word for the armed groups followed by a group's name is
    // that group ("إرهابيو جبهة النصرة", "боевики ХТШ").
    // So is a group's name followed by the generic word ("HTŞ militanları").
    let mut k = 0;
    while k + 1 < named.len() {
        let (a, b) = (&named[k], &named[k + 1]);
        let adjacent = b.0 <= a.1 + 1;
        if adjacent && a.2.id == GENERIC && b.2.id != GENERIC {
            named.remove(k);
        } else if adjacent && b.2.id == GENERIC && a.2.id != GENERIC {
            named.remove(k + 1);
        } else {
            k += 1;
        }
    }
    let spans: Vec<Span> = named.iter().map(|a| a.3).collect();
    let by = named
        .iter()
        .rfind(|a| !a.4 && a.0 < trigger_at)
        .or_else(|| named.iter().find(|a| !a.4 && a.0 >= trigger_at))
        .map(|a| (a.2.clone(), a.3));
    let target = named
        .iter()
        .find(|a| a.4 && by.as_ref().is_none_or(|b| b.0.id != a.2.id))
        .map(|a| (a.2.clone(), a.3));
    Parties { by, target, spans }
}

/// The parties of a sentence: perpetrator, target, and where every party
/// is named (a place inside a party's name, "el-Şam", is no location).
struct Parties {
    by: Option<(Actor, Span)>,
    target: Option<(Actor, Span)>,
    spans: Vec<Span>,
}

/// States outside the ceasefire mechanism whose strikes hit Syria (as in
/// the English reader).
const OUTSIDE_STRIKERS: &[&str] = &["usa", "israel"];

/// The actor id of the armed groups named by a generic word.
const GENERIC: &str = "opposition";

/// The sentence's governorate or place.
fn sentence_location(
    span: Span,
    parties: &[Span],
    govs: &[register::Gov],
    places: &[crate::locate::Located<'_>],
    locator: &dyn Locator,
) -> Option<(Location, Span)> {
    let free = |start: usize, end: usize| {
        span.start <= start
            && end <= span.end
            && !parties.iter().any(|p| p.start < end && start < p.end)
    };
    // A place is more precise than its governorate.
    if let Some(p) = places.iter().find(|p| free(p.start, p.end)) {
        return Some((
            Location {
                name: p.name.to_string(),
                governorate: Some(p.governorate.to_string()),
                lat: p.point.map(|x| x.0),
                lon: p.point.map(|x| x.1),
            },
            Span::new(p.start, p.end),
        ));
    }
    let g = govs.iter().find(|g| free(g.start, g.end))?;
    Some((
        Location {
            name: locator
                .governorate_name(g.code)
                .unwrap_or(g.code)
                .to_string(),
            governorate: Some(g.code.to_string()),
            lat: None,
            lon: None,
        },
        Span::new(g.start, g.end),
    ))
}

/// The sentence's own date: a day and month, a weekday, or yesterday and
/// today, against the publication date.
fn sentence_date(
    rules: &Rules,
    news: &NewsRules,
    text: &str,
    words: &[Word],
    published: Option<Date>,
    future: bool,
) -> Option<(DateRange, Span)> {
    let _ = rules;
    let published = published?;
    for (i, w) in words.iter().enumerate() {
        // "7 апреля", "7 Nisan", "7 نيسان", with a year or without.
        if let Ok(day) = text[w.start..w.end].parse::<i8>() {
            let Some((month, len)) = news.month_at(words, i + 1) else {
                continue;
            };
            let after = i + 1 + len;
            let year = words
                .get(after)
                .and_then(|y| text[y.start..y.end].parse::<i16>().ok())
                .filter(|y| (1900..2200).contains(y));
            let date = match year {
                Some(y) => Date::new(y, month, day).ok(),
                None => super::english::yearless(published, month, day, future),
            };
            let end = if year.is_some() { after } else { after - 1 };
            if let Some(d) = date {
                return Some((DateRange::day(d), Span::new(w.start, words[end].end)));
            }
            continue;
        }
        let day = if news.yesterday.iter().any(|y| news.is(&w.lower, y)) {
            published.checked_sub(1.day()).ok()
        } else if news.today.iter().any(|t| news.is(&w.lower, t)) {
            Some(published)
        } else if let Some((_, wd)) = news.weekdays.iter().find(|(d, _)| news.is_at(words, i, d)) {
            super::english::nearest_weekday(published, *wd, future)
        } else {
            None
        };
        if let Some(d) = day {
            return Some((DateRange::day(d), Span::new(w.start, w.end)));
        }
    }
    None
}

/// Whether `later`, read in the same paragraph, tells of the same event as
/// `earlier`: the same type, and no place or day that differs.
fn same_event(earlier: &Event, later: &Event) -> bool {
    earlier.event_type == later.event_type && compatible(earlier, later)
}

fn compatible(a: &Event, b: &Event) -> bool {
    let gov = |e: &Event| e.location.as_ref().and_then(|l| l.governorate.clone());
    // Two known values that differ.
    fn differ<T: PartialEq>(x: &Option<T>, y: &Option<T>) -> bool {
        x.is_some() && y.is_some() && x != y
    }
    !differ(&gov(a), &gov(b)) && !differ(&a.date, &b.date) && !differ(&a.actor1, &b.actor1)
}

/// Whether `later` repeats `first` elsewhere in the text: the same type,
/// governorate and day, all known.
fn repeats(first: &Event, later: &Event) -> bool {
    let gov = |e: &Event| e.location.as_ref().and_then(|l| l.governorate.clone());
    first.event_type == later.event_type
        && gov(first).is_some()
        && gov(first) == gov(later)
        && first.date.is_some()
        && first.date == later.date
        && compatible(first, later)
}

/// Fills what `into` lacks from `other`, and keeps the larger counts.
fn absorb(into: &mut Event, other: Event) {
    if into.actor1.is_none() {
        into.actor1 = other.actor1;
    }
    if into.actor2.is_none() {
        into.actor2 = other.actor2;
    }
    if into.location.is_none()
        || (other.location.as_ref().is_some_and(|l| l.lat.is_some())
            && into.location.as_ref().is_some_and(|l| l.lat.is_none()))
    {
        into.location = other.location.or(into.location.take());
    }
    if into.date.is_none() {
        into.date = other.date;
    }
    let spans: Vec<Evidence> = other.evidence;
    for c in other.casualties {
        match into.casualties.iter_mut().find(|e| e.kind == c.kind) {
            Some(e) if e.count.best >= c.count.best => {}
            Some(e) => *e = c,
            None => into.casualties.push(c),
        }
    }
    into.evidence.extend(spans);
}

#[cfg(test)]
mod tests {
    use super::{words, NewsRules, Span};

    /// Every list entry as a text of its own, in each language: the filed
    /// lists meet it as going through the whole list does.
    #[test]
    fn filed_lists_meet_words_as_the_whole_lists_do() {
        let tables: [&NewsRules; 3] = [
            &crate::lang::russian::NEWS,
            &crate::lang::arabic::NEWS,
            &crate::lang::turkish::NEWS,
        ];
        for news in tables {
            let filed = news.filed();
            let lists = [
                (&filed.killed, news.killed),
                (&filed.injured, news.injured),
                (&filed.boilerplate, news.boilerplate),
                (&filed.statement, news.statement),
                (&filed.fighters, news.fighters),
                (&filed.syria, news.syria),
                (&filed.future, news.future),
            ];
            let aliases: Vec<&str> = news
                .actors
                .iter()
                .flat_map(|a| a.2.iter().copied())
                .collect();
            let triggers: Vec<&str> = news.triggers.iter().map(|t| t.0).collect();
            let texts = lists
                .iter()
                .flat_map(|(_, whole)| whole.iter())
                .chain(&aliases)
                .chain(&triggers);
            let mut checked = 0;
            for entry in texts {
                // An Arabic entry is also tried with a prefix on its word.
                for text in [
                    entry.replace('$', ""),
                    format!("و{}", entry.replace('$', "")),
                ] {
                    let found = words(&text, Span::new(0, text.len()), news.stems);
                    if found.is_empty() {
                        continue;
                    }
                    for (filed_list, whole) in &lists {
                        let plain = whole
                            .iter()
                            .filter_map(|e| news.meets_at(&found, 0, e))
                            .max();
                        assert_eq!(news.any_at(&found, 0, filed_list), plain, "{text}");
                    }
                    let mut under = Vec::new();
                    super::filed_under(&filed.triggers, &found[0], &mut under);
                    let plain: Vec<usize> = (0..news.triggers.len())
                        .filter(|&k| news.meets_at(&found, 0, news.triggers[k].0).is_some())
                        .collect();
                    assert!(plain.iter().all(|k| under.contains(k)), "{text}");
                    checked += 1;
                }
            }
            assert!(checked > 50, "only {checked} entries tried");
        }
    }
}
