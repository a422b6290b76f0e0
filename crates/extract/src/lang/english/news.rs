//! News reading: one event per sentence with a trigger, "who did what to
//! whom, where and when", plus meetings as candidate meeting entries.
//!
//! Sentences without a trigger still matter: their casualty counts attach to
//! the previous event of the same paragraph ("Warplanes struck Saraqeb on
//! Tuesday. At least 12 civilians were killed."), and an event without its
//! own place or date inherits the paragraph's last one.

use std::sync::LazyLock;

use jiff::civil::Date;
use regex::Regex;

use super::actors::{find_actors, ActorMention};
use super::dates::DateMention;
use super::lexicon::Trigger;
use super::numbers::quantity_at;
use super::relative::{find_anchored, AnchoredDate};
use crate::candidate::{
    Actor, Candidate, Casualty, CasualtyGroup, CasualtyKind, Confidence, DateRange, Event,
    Evidence, Location, Meeting, MeetingLevel, Span,
};
use crate::locate::{Located, LocatedKind};
use crate::taxonomy::{EventType, ViolationType};

const QUANT: &str = r"(?:(?:at\s+least|more\s+than|up\s+to|about|around|nearly|some|over|no\s+fewer\s+than|as\s+many\s+as)\s+)?(?:\d[\d,]*|dozens|scores|hundreds|a\s+dozen|several|a\s+few|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty)(?:-[a-z]+)?)";
const GROUP: &str = r"(?:civilians?|people|persons|children|women|fighters|soldiers|militants|rebels|troops|members|servicemen|combatants|residents|others|policemen|personnel|gunmen|insurgents)";

/// "12 civilians were killed", "3 dead", "five soldiers, including an
/// officer, were wounded". ASCII classes (`-u`), as in the bulletin's
/// count patterns.
static CASUALTY_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)\b(?P<q>{QUANT})\s+(?:(?:of\s+)?(?P<grp>{GROUP})\b(?u:[^.;]){{0,60}}?|(?:were\s+|have\s+been\s+|had\s+been\s+|was\s+)?)(?:\s*(?:were|have\s+been|had\s+been|was|are)\s+)?(?P<kind>killed|dead|died|wounded|injured|hurt)\b"
    ))
    .expect("constant pattern")
});

/// "killing 12 civilians", "wounding at least five".
static CASUALTY_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i-u)\b(?P<kind>killing|killed|wounding|wounded|injuring|injured)\s+(?P<q>{QUANT})(?:\s+(?P<grp>{GROUP}))?\b"
    ))
    .expect("constant pattern")
});

/// Clause words that put an event in the future.
static FUTURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:will|shall|to\s+be\s+held|scheduled|is\s+expected\s+to|are\s+expected\s+to|plans?\s+to|planned|next\s+(?:week|month|meeting|round|session)|upcoming|agreed\s+to\s+hold|due\s+to\s+(?:meet|hold|take\s+place)|set\s+to)(?-u:\b)")
        .expect("constant pattern")
});

/// Words of a political statement about an attack ("an act of aggression
/// which violated the UN Charter", "condemned the attack"): its generic
/// words ("attack") report no new violation.
static STATEMENT_CUES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:act\s+of\s+aggression|aggression|violat\w*\s+(?:the\s+)?(?:principles\s+of\s+)?(?:international\s+law|(?:the\s+)?UN\s+Charter|sovereignty)|UN\s+Charter|condemn\w*|denounc\w*|deplor\w*|call(?:ed|s)?\s+on)(?-u:\b)")
        .expect("constant pattern")
});

/// An event told as recent without a date: its date is unknown, not the
/// publication's.
static RECENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?-u:\b)(?:recent|recently|earlier\s+this\s+(?:month|year)|previous)(?-u:\b)")
        .expect("constant pattern")
});

/// States outside the ceasefire mechanism whose strikes hit Syria: the
/// country struck is the strike's target, not a party named near it.
const OUTSIDE_STRIKERS: &[&str] = &["usa", "israel"];

/// Meeting venues outside Syria (the gazetteer covers Syria only).
const VENUES: &[&str] = &[
    "Astana",
    "Nur-Sultan",
    "Tehran",
    "Ankara",
    "Moscow",
    "Sochi",
    "Geneva",
    "Istanbul",
    "New York",
    "Vienna",
    "Riyadh",
    "Amman",
    "Beirut",
    "Brussels",
];

/// A venue naming a meeting: "the Tehran meeting", "the Astana talks".
static EARLIER_MEETING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?-u:\b)the\s+(?P<venue>{})\s+(?:meeting|talks|round|summit|session)s?(?-u:\b)",
        VENUES.join("|")
    ))
    .expect("constant pattern")
});

/// A sentence's place in its document, with what was found in it.
struct Sentence {
    span: Span,
    future: bool,
}

/// What was found once over the whole text, shared by both readers.
pub struct Found<'a, 'l> {
    pub sentences: &'a [Span],
    pub dates: &'a [DateMention],
    pub locs: &'a [Located<'l>],
    pub triggers: &'a [Trigger],
}

/// The date an event or meeting is given.
#[derive(Debug, Clone, Copy, PartialEq)]
enum EventDate {
    /// Read from the text and resolved.
    Known(DateRange, Span),
    /// Stated relative to an event the text does not date ("a day after
    /// the ministerial meeting"): kept as evidence, never guessed.
    Unresolved(Span),
}

impl EventDate {
    fn range(self) -> Option<DateRange> {
        match self {
            EventDate::Known(r, _) => Some(r),
            EventDate::Unresolved(_) => None,
        }
    }

    fn span(self) -> Span {
        match self {
            EventDate::Known(_, s) | EventDate::Unresolved(s) => s,
        }
    }
}

/// A sentence's own date: a calendar date, else one resolved against
/// another event, else one relative to publication, else a relative date
/// whose anchor is undated. A date that only dates the anchor event ("3
/// May" in "one day before the talks in Astana, which open on 3 May") is
/// not the sentence's own.
fn sentence_date(dates: &[&DateMention], anchored: &[&AnchoredDate]) -> Option<EventDate> {
    let own: Vec<&DateMention> = dates
        .iter()
        .copied()
        .filter(|d| d.range.is_some() && !anchored.iter().any(|a| a.anchor_date == Some(d.span)))
        .collect();
    let known = |d: &DateMention| d.range.map(|r| EventDate::Known(r, d.span));
    own.iter()
        .find(|d| d.absolute)
        .and_then(|d| known(d))
        .or_else(|| {
            anchored
                .iter()
                .find_map(|a| a.range.map(|r| EventDate::Known(r, a.span)))
        })
        .or_else(|| own.first().and_then(|d| known(d)))
        .or_else(|| anchored.first().map(|a| EventDate::Unresolved(a.span)))
}

/// Read news events and meetings from `text`, skipping sentences that
/// overlap `skip` (bulletin segments already read).
pub fn read_news(
    text: &str,
    published: Option<Date>,
    found: &Found<'_, '_>,
    skip: &[Span],
) -> Vec<Candidate> {
    // The spans to skip in order of their starts, with the furthest end
    // reached so far: whether a sentence overlaps one is then a bisection,
    // not a look at every span for every sentence.
    let mut skip = skip.to_vec();
    skip.sort_unstable_by_key(|s| s.start);
    let reach: Vec<usize> = skip
        .iter()
        .scan(0, |end, s| {
            *end = s.end.max(*end);
            Some(*end)
        })
        .collect();
    let overlaps = |span: &Span| {
        let before_end = skip.partition_point(|s| s.start < span.end);
        before_end > 0 && reach[before_end - 1] > span.start
    };
    // A pure bulletin has nothing left for the news reader.
    if found.sentences.iter().all(overlaps) {
        return Vec::new();
    }
    let (dates, all_locs, all_triggers) = (found.dates, found.locs, found.triggers);
    let all_actors = find_actors(text);
    // Dates relative to another event ("a day after the talks in Astana");
    // read here, past the bulletin check, since a bulletin's period is
    // always relative to publication.
    let all_anchored = find_anchored(text, dates);
    let mut out: Vec<Candidate> = Vec::new();
    let mut last_para = usize::MAX;
    let mut para_loc: Option<(Location, Span)> = None;
    let mut para_date: Option<EventDate> = None;
    // Index into `out` of the paragraph's last violent event.
    let mut last_event: Option<usize> = None;
    for &span in found.sentences {
        if overlaps(&span) {
            continue;
        }
        let para = crate::lang::paragraph_start(text, span.start);
        if para != last_para {
            last_para = para;
            para_loc = None;
            para_date = None;
            last_event = None;
        }
        let body = &text[span.start..span.end];
        let sentence = Sentence {
            span,
            future: FUTURE.is_match(body),
        };
        let within = |s: usize, e: usize| span.start <= s && e <= span.end;
        // Every list found over the text is in text order: the sentence's
        // own mentions are one stretch of it, found by bisection rather
        // than by a look at every mention of the text for every sentence.
        let all_anchored = in_span(&all_anchored, |a| a.span.start, span);
        let all_locs = in_span(all_locs, |l| l.start, span);
        let all_actors = in_span(&all_actors, |a| a.start, span);
        let all_triggers = in_span(all_triggers, |t| t.start, span);
        let dates = in_span(dates, |d| d.span.start, span);
        let anchored: Vec<&AnchoredDate> = all_anchored
            .iter()
            .filter(|a| within(a.span.start, a.span.end))
            .collect();
        // "a day after the meeting in Tehran" names another event: its
        // words are neither this sentence's trigger nor its actors.
        let anchors: Vec<Span> = anchored.iter().filter_map(|a| a.anchor).collect();
        let own_words = |s: usize, e: usize| {
            within(s, e) && !anchors.iter().any(|a| a.start <= s && e <= a.end)
        };
        let locs: Vec<&Located<'_>> = all_locs.iter().filter(|l| within(l.start, l.end)).collect();
        let actors: Vec<&ActorMention> = all_actors
            .iter()
            .filter(|a| own_words(a.start, a.end))
            .collect();
        let statement = STATEMENT_CUES.is_match(body);
        let triggers: Vec<&Trigger> = all_triggers
            .iter()
            .filter(|t| own_words(t.start, t.end))
            .filter(|t| !(statement && t.weak && matches!(t.event_type, EventType::Violation(_))))
            .collect();
        let sentence_dates: Vec<&DateMention> = dates
            .iter()
            .filter(|d| within(d.span.start, d.span.end))
            .collect();
        let casualties = casualties_in(text, span);

        let own_loc = pick_location(&locs, &triggers);
        let own_date = sentence_date(&sentence_dates, &anchored);

        match choose_trigger(body, span.start, &triggers, &actors) {
            Some(trigger) if trigger.event_type == EventType::Meeting => {
                let found = MeetingFound { trigger, actors: &actors, locs: &locs, anchors: &anchors };
                let mut meeting = read_meeting(text, &sentence, &found, own_date.or(para_date), published);
                // "participants in the Tehran meeting agreed to hold the next
                // meeting on May 2": the venue names the meeting held, not
                // the one announced.
                if let Some(held) = meeting.scheduled.then(|| earlier_meeting(text, span)).flatten() {
                    if meeting.place.as_ref().is_some_and(|p| p.name == held.0.name) {
                        meeting.place = None;
                        meeting.evidence.retain(|e| e.field != "place");
                    }
                    out.push(Candidate::Meeting(Meeting {
                        place: Some(held.0),
                        date: None,
                        level: None,
                        participants: Vec::new(),
                        observers: Vec::new(),
                        scheduled: false,
                        confidence: Confidence::new(0.5),
                        evidence: vec![
                            Evidence { field: "type".into(), span: held.1 },
                            Evidence { field: "place".into(), span: held.1 },
                        ],
                    }));
                }
                out.push(Candidate::Meeting(meeting));
            }
            Some(trigger)
                if own_loc.is_none()
                    && own_date.is_none()
                    && last_event.is_some_and(|i| matches!(&out[i], Candidate::Event(e) if e.event_type == trigger.event_type || trigger.weak)) =>
            {
                // "Dozens were killed in the clashes": the same event told
                // again, not a new one.
                if let Some(Candidate::Event(e)) = last_event.and_then(|i| out.get_mut(i)) {
                    for (c, s) in &casualties {
                        e.casualties.push(*c);
                        e.evidence.push(Evidence { field: "casualties".into(), span: *s });
                    }
                }
            }
            Some(trigger) => {
                let location = own_loc.clone().or_else(|| para_loc.clone());
                let date = own_date.or(para_date);
                let event = build_event(trigger, &actors, location, date, published, &casualties, text);
                if matches!(trigger.event_type, EventType::Violation(_)) {
                    last_event = Some(out.len());
                }
                out.push(Candidate::Event(event));
            }
            None => {
                // Casualties reported in a follow-up sentence.
                if let Some(Candidate::Event(e)) = last_event.and_then(|i| out.get_mut(i)) {
                    for (c, s) in &casualties {
                        e.casualties.push(*c);
                        e.evidence.push(Evidence { field: "casualties".into(), span: *s });
                    }
                }
            }
        }
        if own_loc.is_some() {
            para_loc = own_loc;
        }
        if let Some(date @ EventDate::Known(..)) = own_date {
            para_date = Some(date);
        }
    }
    out
}

/// The stretch of `items` (in order of their starts) that starts inside
/// `span`.
fn in_span<T>(items: &[T], start: impl Fn(&T) -> usize, span: Span) -> &[T] {
    let from = items.partition_point(|i| start(i) < span.start);
    let to = from + items[from..].partition_point(|i| start(i) < span.end);
    &items[from..to]
}

/// The sentence's main trigger: a specific violent word, else a generic
/// one, else the first non-violent one (the main verb comes first: "met in
/// Astana and approved" is a meeting). A statement needs a known actor.
fn choose_trigger<'t>(
    body: &str,
    offset: usize,
    triggers: &[&'t Trigger],
    actors: &[&ActorMention],
) -> Option<&'t Trigger> {
    let best = triggers
        .iter()
        .filter(|t| t.event_type != EventType::Statement || !actors.is_empty())
        .min_by_key(|t| {
            let violent = matches!(t.event_type, EventType::Violation(_));
            (!violent, t.weak, if violent { 0 } else { t.start }, t.start)
        })
        .copied()?;
    // "agreed to hold the next meeting": an agreement about a meeting is a meeting.
    if best.event_type == EventType::Agreement {
        let after = &body[best.end - offset..];
        let lower = after.trim_start().to_ascii_lowercase();
        if lower.starts_with("to hold")
            || lower.starts_with("to meet")
            || lower.starts_with("to convene")
        {
            if let Some(m) = triggers.iter().find(|t| t.event_type == EventType::Meeting) {
                return Some(m);
            }
        }
    }
    Some(best)
}

/// A place (with coordinates) after the trigger, else any place, else a
/// governorate.
fn pick_location(locs: &[&Located<'_>], triggers: &[&Trigger]) -> Option<(Location, Span)> {
    let after = triggers.first().map_or(0, |t| t.start);
    let chosen = locs
        .iter()
        .find(|l| l.kind == LocatedKind::Place && l.start >= after)
        .or_else(|| locs.iter().find(|l| l.kind == LocatedKind::Place))
        .or_else(|| locs.iter().find(|l| l.start >= after))
        .or(locs.first())?;
    Some((to_location(chosen), Span::new(chosen.start, chosen.end)))
}

fn to_location(l: &Located<'_>) -> Location {
    Location {
        name: l.name.to_string(),
        governorate: Some(l.governorate.to_string()),
        lat: l.point.map(|p| p.0),
        lon: l.point.map(|p| p.1),
    }
}

/// Casualty counts in a sentence, with their spans.
fn casualties_in(text: &str, span: Span) -> Vec<(Casualty, Span)> {
    let body = &text[span.start..span.end];
    let mut out: Vec<(Casualty, Span)> = Vec::new();
    let mut taken: Vec<Span> = Vec::new();
    // A verb right before its count ("killed three civilians and injured
    // five") is read first: the count-first pattern would otherwise take
    // "three civilians and injured" as three injured.
    for re in [&*CASUALTY_BEFORE, &*CASUALTY_AFTER] {
        for c in re.captures_iter(body) {
            let (Some(m), Some(q), Some(kind)) = (c.get(0), c.name("q"), c.name("kind")) else {
                continue;
            };
            let s = Span::new(span.start + m.start(), span.start + m.end());
            if taken.iter().any(|t| t.start < s.end && s.start < t.end) {
                continue;
            }
            let Some((count, _)) = quantity_at(q.as_str()) else {
                continue;
            };
            let kind = if kind.as_str().to_ascii_lowercase().starts_with("kill")
                || matches!(kind.as_str().to_ascii_lowercase().as_str(), "dead" | "died")
            {
                CasualtyKind::Killed
            } else {
                CasualtyKind::Injured
            };
            let group = c
                .name("grp")
                .map_or(CasualtyGroup::Unspecified, |g| group_of(g.as_str()));
            taken.push(s);
            out.push((Casualty { kind, group, count }, s));
        }
    }
    out.sort_by_key(|(_, s)| s.start);
    out
}

fn group_of(word: &str) -> CasualtyGroup {
    let w = word.to_ascii_lowercase();
    if ["civilian", "children", "women", "residents"]
        .iter()
        .any(|g| w.starts_with(g))
    {
        CasualtyGroup::Civilians
    } else if ["people", "persons", "others"].contains(&w.as_str()) {
        CasualtyGroup::Unspecified
    } else {
        CasualtyGroup::Fighters
    }
}

/// Who did it: the agent of a passive ("by Russian warplanes"), else the
/// nearest actor before the trigger. Who it was done to: the first other
/// actor after the trigger.
fn roles<'a>(
    trigger: &Trigger,
    actors: &[&'a ActorMention],
    text: &str,
) -> (Option<&'a ActorMention>, Option<&'a ActorMention>) {
    let passive = actors.iter().find(|a| {
        a.start > trigger.start && {
            let before = text[..a.start].trim_end().to_ascii_lowercase();
            before.ends_with(" by") || before.ends_with(" by the")
        }
    });
    let nearest = actors.iter().rposition(|a| a.end <= trigger.start);
    // "Turkey and Russia agreed": the subject is the first of a coordination.
    let subject = nearest.map(|mut i| {
        while i > 0 {
            let gap = text[actors[i - 1].end..actors[i].start].trim();
            // Adjacent names ("Islamic State militants"): the first is the
            // more specific one.
            if matches!(gap, "" | "and" | "," | "and the" | ", the") {
                i -= 1;
            } else {
                break;
            }
        }
        actors[i]
    });
    let actor1 = passive
        .copied()
        .or(subject)
        .or_else(|| actors.first().copied());
    let actor2 = actors
        .iter()
        .find(|a| {
            a.start >= trigger.end
                && actor1.is_none_or(|a1| a1.id() != a.id())
                && Some(a.start) != passive.map(|p| p.start)
        })
        .copied();
    (actor1, actor2)
}

fn build_event(
    trigger: &Trigger,
    actors: &[&ActorMention],
    location: Option<(Location, Span)>,
    date: Option<EventDate>,
    published: Option<Date>,
    casualties: &[(Casualty, Span)],
    text: &str,
) -> Event {
    let mut evidence = vec![Evidence {
        field: "type".into(),
        span: Span::new(trigger.start, trigger.end),
    }];
    let (a1, mut a2) = roles(trigger, actors, text);
    let mut struck = None;
    if let Some(a1) = a1.filter(|a| {
        OUTSIDE_STRIKERS.contains(&a.id())
            && matches!(
                trigger.event_type,
                EventType::Violation(ViolationType::AirStrike)
            )
    }) {
        // Only a party named right after the strike ("strikes on Iranian
        // positions") is its target; otherwise the country struck is.
        a2 = a2.filter(|b| {
            b.start >= trigger.end
                && b.start - trigger.end <= 60
                && !text[trigger.end..b.start].contains([',', ';'])
        });
        let sentence = sentence_around(text, trigger.start);
        if a2.is_none()
            && (location.as_ref().is_some_and(|l| l.0.governorate.is_some())
                || sentence.contains("Syria")
                || super::text::contains_ci(sentence, "in the country"))
            && a1.id() != "syria"
        {
            struck = super::actors::actor_by_id("syria");
        }
    }
    for (label, a) in [("actor1", a1), ("actor2", a2)] {
        if let Some(a) = a {
            evidence.push(Evidence {
                field: label.into(),
                span: Span::new(a.start, a.end),
            });
        }
    }
    if let Some((_, s)) = &location {
        evidence.push(Evidence {
            field: "location".into(),
            span: *s,
        });
    }
    if let Some(d) = date {
        evidence.push(Evidence {
            field: "date".into(),
            span: d.span(),
        });
    }
    for (_, s) in casualties {
        evidence.push(Evidence {
            field: "casualties".into(),
            span: *s,
        });
    }
    let confidence = 0.35
        + if a1.is_some() { 0.15 } else { 0.0 }
        + if location.is_some() { 0.2 } else { 0.0 }
        + date_weight(date)
        + if casualties.is_empty() { 0.0 } else { 0.1 };
    Event {
        event_type: trigger.event_type,
        actor1: a1.map(ActorMention::actor),
        actor2: a2.map(ActorMention::actor).or(struck),
        location: location.map(|(l, _)| l),
        // Without any date expression the event is dated to publication,
        // the convention of ACLED-style coding; confidence says it is weak.
        // A date relative to an undated event stays open instead.
        date: match date {
            Some(d) => d.range(),
            None if RECENT.is_match(sentence_around(text, trigger.start)) => None,
            None => published.map(DateRange::day),
        },
        casualties: casualties.iter().map(|(c, _)| *c).collect(),
        confidence: Confidence::new(confidence),
        evidence,
    }
}

/// "the Tehran meeting", "the Astana talks" in a sentence announcing the
/// next meeting: a meeting already held at that venue, and where it is
/// named.
fn earlier_meeting(text: &str, span: Span) -> Option<(Location, Span)> {
    let body = &text[span.start..span.end];
    if !super::text::contains_ci(body, "next") {
        return None;
    }
    let c = EARLIER_MEETING.captures(body)?;
    let venue = c.name("venue")?;
    let whole = c.get(0)?;
    Some((
        Location {
            name: venue.as_str().to_string(),
            governorate: None,
            lat: None,
            lon: None,
        },
        Span::new(span.start + whole.start(), span.start + whole.end()),
    ))
}

/// The sentence around `at`: from the last sentence end before it to the
/// next one after it.
fn sentence_around(text: &str, at: usize) -> &str {
    let start = text[..at].rfind(['.', '\n']).map_or(0, |p| p + 1);
    let end = text[at..].find(['.', '\n']).map_or(text.len(), |p| at + p);
    &text[start..end]
}

/// What a meeting sentence offers its reader.
struct MeetingFound<'a, 'l> {
    trigger: &'a Trigger,
    actors: &'a [&'a ActorMention],
    locs: &'a [&'a Located<'l>],
    /// Words naming another event ("one day before the talks in Astana"):
    /// their venue and level are not this meeting's.
    anchors: &'a [Span],
}

/// How much a date adds to confidence: an unresolved one says when only
/// relative to something unknown.
fn date_weight(date: Option<EventDate>) -> f32 {
    match date {
        Some(EventDate::Known(..)) => 0.2,
        Some(EventDate::Unresolved(_)) => 0.05,
        None => 0.0,
    }
}

fn read_meeting(
    text: &str,
    sentence: &Sentence,
    found: &MeetingFound<'_, '_>,
    date: Option<EventDate>,
    published: Option<Date>,
) -> Meeting {
    let MeetingFound {
        trigger,
        actors,
        locs,
        anchors,
    } = *found;
    let span = sentence.span;
    let body = &text[span.start..span.end];
    let mut evidence = vec![Evidence {
        field: "type".into(),
        span: Span::new(trigger.start, trigger.end),
    }];
    let in_anchor = |s: usize, e: usize| {
        anchors
            .iter()
            .any(|a| a.start <= span.start + s && span.start + e <= a.end)
    };
    let venue = find_venue(body, in_anchor).map(|(name, s, e)| {
        (
            Location {
                name: name.to_string(),
                governorate: None,
                lat: None,
                lon: None,
            },
            Span::new(span.start + s, span.start + e),
        )
    });
    let place = venue.or_else(|| {
        locs.first()
            .map(|l| (to_location(l), Span::new(l.start, l.end)))
    });
    if let Some((_, s)) = &place {
        evidence.push(Evidence {
            field: "place".into(),
            span: *s,
        });
    }
    let level = level_outside(text, span, anchors);
    if level.is_some() {
        evidence.push(Evidence {
            field: "level".into(),
            span,
        });
    }
    let mut participants: Vec<Actor> = Vec::new();
    let mut observers: Vec<Actor> = Vec::new();
    for a in actors {
        // A capital named as the venue is a place here, not a participant.
        if place
            .as_ref()
            .is_some_and(|(_, s)| s.start <= a.start && a.end <= s.end)
        {
            continue;
        }
        let observing = clause_of(text, a.start, span)
            .to_ascii_lowercase()
            .contains("observer");
        let actor = a.actor();
        let list = if observing {
            &mut observers
        } else {
            &mut participants
        };
        if !list.contains(&actor) && (observing || a.is_state() || a.id() == "un") {
            evidence.push(Evidence {
                field: if observing {
                    "observer".into()
                } else {
                    "participant".into()
                },
                span: Span::new(a.start, a.end),
            });
            list.push(actor);
        }
    }
    let lower = body.to_ascii_lowercase();
    if participants.is_empty() && (lower.contains("trilateral") || lower.contains("guarantor")) {
        for (id, name) in [("russia", "Russia"), ("turkey", "Turkey"), ("iran", "Iran")] {
            participants.push(Actor {
                id: id.into(),
                name: name.into(),
            });
        }
    }
    if let Some(d) = date {
        evidence.push(Evidence {
            field: "date".into(),
            span: d.span(),
        });
    }
    let confidence = 0.4
        + if place.is_some() { 0.2 } else { 0.0 }
        + date_weight(date)
        + if level.is_some() { 0.1 } else { 0.0 }
        + if participants.is_empty() { 0.0 } else { 0.1 };
    Meeting {
        place: place.map(|(l, _)| l),
        date: match date {
            Some(d) => d.range(),
            None if sentence.future => None,
            None => published.map(DateRange::day),
        },
        level,
        participants,
        observers,
        scheduled: sentence.future,
        confidence: Confidence::new(confidence),
        evidence,
    }
}

/// The comma- or semicolon-delimited clause around `at`.
fn clause_of(text: &str, at: usize, span: Span) -> &str {
    let start = text[span.start..at]
        .rfind([',', ';'])
        .map_or(span.start, |p| span.start + p + 1);
    let end = text[at..span.end]
        .find([',', ';'])
        .map_or(span.end, |p| at + p);
    &text[start..end]
}

/// A venue, preferring one after "in": (name, start, end) within `body`,
/// skipping names for which `skip(start, end)` holds.
fn find_venue(
    body: &str,
    skip: impl Fn(usize, usize) -> bool,
) -> Option<(&'static str, usize, usize)> {
    let mut found: Option<(&'static str, usize, usize)> = None;
    for v in VENUES {
        let mut from = 0;
        while let Some(p) = body[from..].find(v) {
            let s = from + p;
            let e = s + v.len();
            from = e;
            if !crate::locate::is_word_boundary(body.as_bytes(), s, e) || skip(s, e) {
                continue;
            }
            let after_in =
                body[..s].trim_end().ends_with(" in") || body[..s].trim_end().ends_with(',');
            let better = match found {
                None => true,
                Some((_, fs, _)) => {
                    after_in && !body[..fs].trim_end().ends_with(" in")
                        || (s < fs && !body[..fs].trim_end().ends_with(" in"))
                }
            };
            if better {
                found = Some((v, s, e));
            }
        }
    }
    found
}

/// The meeting level said in `span`, outside the words that name another
/// event ("two days ahead of the Sochi summit" says nothing of this
/// meeting's level).
fn level_outside(text: &str, span: Span, anchors: &[Span]) -> Option<MeetingLevel> {
    if anchors.is_empty() {
        return meeting_level(&text[span.start..span.end]);
    }
    let mut own = String::with_capacity(span.end - span.start);
    let mut at = span.start;
    for a in anchors
        .iter()
        .filter(|a| span.start <= a.start && a.end <= span.end)
    {
        if a.start >= at {
            own.push_str(&text[at..a.start]);
            own.push(' ');
            at = a.end;
        }
    }
    own.push_str(&text[at..span.end]);
    meeting_level(&own)
}

fn meeting_level(body: &str) -> Option<MeetingLevel> {
    let lower = body.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| lower.contains(w));
    if has(&["summit", "presidents", "heads of state", "leaders of"]) {
        Some(MeetingLevel::HeadsOfState)
    } else if has(&[
        "deputy foreign minister",
        "deputy minister",
        "deputy ministers",
        "vice minister",
        "senior officials",
    ]) {
        Some(MeetingLevel::DeputyMinister)
    } else if has(&[
        "foreign ministers",
        "ministerial",
        "defence ministers",
        "defense ministers",
        "foreign minister",
    ]) {
        Some(MeetingLevel::Ministerial)
    } else if has(&[
        "expert-level",
        "expert level",
        "expert meeting",
        "experts",
        "technical-level",
        "working group",
    ]) {
        Some(MeetingLevel::Expert)
    } else {
        None
    }
}

/// Whether a sentence speaks of the future ("will meet", "scheduled").
pub fn is_future(sentence: &str) -> bool {
    FUTURE.is_match(sentence)
}

/// One candidate per event: an article tells an event more than once (the
/// lead, a quote, the background), and each telling read as its own
/// candidate made a reviewer merge them by hand. Two events are one when
/// type, date and first actor agree and neither their second actors nor
/// their places differ; two meetings when date and announcement agree and
/// their places do not differ. Evidence and participants are joined; of
/// casualties the larger report of each kind is kept, never a sum.
pub fn merge_duplicates(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::with_capacity(candidates.len());
    for c in candidates {
        let twin = out.iter_mut().find(|k| same_event(k, &c));
        match (twin, c) {
            (Some(Candidate::Event(k)), Candidate::Event(e)) => {
                k.actor2 = k.actor2.take().or(e.actor2);
                k.location = k.location.take().or(e.location);
                for c in e.casualties {
                    match k
                        .casualties
                        .iter_mut()
                        .find(|x| x.kind == c.kind && x.group == c.group)
                    {
                        Some(x) if x.count.best < c.count.best => *x = c,
                        Some(_) => {}
                        None => k.casualties.push(c),
                    }
                }
                k.evidence.extend(e.evidence);
                if e.confidence.value() > k.confidence.value() {
                    k.confidence = e.confidence;
                }
            }
            (Some(Candidate::Meeting(k)), Candidate::Meeting(m)) => {
                k.place = k.place.take().or(m.place);
                k.level = k.level.or(m.level);
                for p in m.participants {
                    if !k.participants.contains(&p) {
                        k.participants.push(p);
                    }
                }
                for o in m.observers {
                    if !k.observers.contains(&o) {
                        k.observers.push(o);
                    }
                }
                k.evidence.extend(m.evidence);
                if m.confidence.value() > k.confidence.value() {
                    k.confidence = m.confidence;
                }
            }
            (_, c) => out.push(c),
        }
    }
    out
}

fn same_event(a: &Candidate, b: &Candidate) -> bool {
    fn compatible<T: PartialEq>(x: &Option<T>, y: &Option<T>) -> bool {
        x.is_none() || y.is_none() || x == y
    }
    let same_place = |x: &Option<Location>, y: &Option<Location>| match (x, y) {
        (Some(x), Some(y)) => x.name == y.name,
        _ => true,
    };
    match (a, b) {
        (Candidate::Event(x), Candidate::Event(y)) => {
            x.event_type == y.event_type
                && x.date == y.date
                && x.date.is_some()
                && x.actor1 == y.actor1
                && compatible(&x.actor2, &y.actor2)
                && same_place(&x.location, &y.location)
        }
        (Candidate::Meeting(x), Candidate::Meeting(y)) => {
            x.date == y.date
                && x.date.is_some()
                && x.scheduled == y.scheduled
                && same_place(&x.place, &y.place)
        }
        _ => false,
    }
}

/// Builds this module's patterns now rather than on first use.
pub(super) fn build_tables() {
    for pattern in [
        &CASUALTY_AFTER,
        &CASUALTY_BEFORE,
        &FUTURE,
        &STATEMENT_CUES,
        &RECENT,
        &EARLIER_MEETING,
    ] {
        LazyLock::force(pattern);
    }
}
