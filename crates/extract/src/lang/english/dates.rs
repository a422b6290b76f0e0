//! English date and period expressions, resolved against the publication
//! date: "over the past 24 hours", "on Saturday", "on 14 March", "April 7",
//! "yesterday", "two days ago", "2017-04-15".

use std::sync::LazyLock;

use jiff::civil::{Date, Weekday};
use jiff::ToSpan;
use regex::{Captures, Regex};

use super::numbers::number_at;
use crate::candidate::{DateRange, Span};

/// One date expression in a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DateMention {
    pub span: Span,
    /// None where the expression needs an anchor we do not have (no
    /// publication date for "on Saturday").
    pub range: Option<DateRange>,
    /// A calendar date ("14 March") rather than one relative to publication.
    pub absolute: bool,
}

const MONTH: &str = r"(?:jan(?:uary|\.)?|feb(?:ruary|\.)?|mar(?:ch|\.)?|apr(?:il|\.)?|may|june?|july?|aug(?:ust|\.)?|sept?(?:ember|\.)?|oct(?:ober|\.)?|nov(?:ember|\.)?|dec(?:ember|\.)?)";
const WEEKDAY: &str = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)";

/// The letters (lower case) and digits each of [`forms`] can begin with,
/// in the same order: a found expression is matched again only by the
/// forms that can begin as it does.
const FORM_STARTS: [&[u8]; 8] = [
    b"odifw",
    b"odifw",
    b"tyle",
    b"aotfs0123456789",
    b"olntmwfs",
    b"0123456789",
    b"jfmasond",
    b"0123456789",
];

/// The forms of a date expression, each a named group that [`resolve`]
/// reads, in the order the pattern tries them.
fn forms() -> [String; 8] {
    [
        r"(?P<hours>(?:over|during|in|for|within)\s+the\s+(?:past|last|previous|preceding)\s+(?P<h>24|48|72|twenty-four|forty-eight|seventy-two)\s+hours)".to_string(),
        r"(?P<days>(?:over|during|in|for|within)\s+the\s+(?:past|last|previous|preceding)\s+(?P<dn>day|week|(?:two|three|2|3)\s+days))".to_string(),
        r"(?P<rel>the\s+day\s+before\s+yesterday|yesterday|today|tonight|last\s+night|this\s+morning|earlier\s+today)".to_string(),
        r"(?P<ago>(?P<an>a|one|two|three|four|five|six|seven|\d{1,2})\s+(?P<unit>days?|weeks?)\s+ago)".to_string(),
        format!(r"(?P<wd>(?:(?P<wdq>on|last|next|this)\s+)?(?P<wday>{WEEKDAY})\b)"),
        format!(r"(?P<dm>(?P<dmd>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+of)?\s+(?P<dmm>{MONTH})(?:,?\s+(?P<dmy>\d{{4}}))?\b)"),
        format!(r"(?P<md>(?P<mdm>{MONTH})\s+(?P<mdd>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<mdy>\d{{4}}))?)"),
        r"(?P<iso>(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))".to_string(),
    ]
}

/// ASCII classes and case folding (`-u`): the text is normalised, so its
/// spaces and digits are ASCII, and the words are English; the automaton is
/// then a fraction of the Unicode one and runs over every text.
static DATES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i-u)\b(?:{})", forms().join("|")))
        .expect("date pattern is a constant and valid")
});

/// Each form alone, to match a whole expression that [`DATES`] found:
/// finding where the groups of that one form lie costs less than finding
/// them with every form in the automaton. The forms cannot match the same
/// words, so the one that matches the whole expression is the one
/// [`DATES`] took (a test holds this for every form).
static FORMS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    forms()
        .iter()
        .map(|form| {
            Regex::new(&format!(r"(?i-u)^(?:{form})$")).expect("date form is a constant and valid")
        })
        .collect()
});

/// All date expressions in `text`. `future` says the surrounding clause
/// looks ahead ("will meet on Monday"), which flips how a bare weekday or a
/// yearless date is resolved; it is asked only for those, since it costs a
/// look at the whole sentence.
pub fn find_dates(
    text: &str,
    published: Option<Date>,
    future: impl Fn(usize) -> bool,
) -> Vec<DateMention> {
    DATES
        .find_iter(text)
        .filter_map(|m| {
            let first = m.as_str().as_bytes().first()?.to_ascii_lowercase();
            let c = FORMS
                .iter()
                .zip(FORM_STARTS)
                .filter(|(_, starts)| starts.contains(&first))
                .find_map(|(form, _)| form.captures(m.as_str()))
                .or_else(|| DATES.captures_at(text, m.start()))?;
            let span = Span::new(m.start(), m.end());
            let (range, absolute) = resolve(&c, published, || future(m.start()))?;
            Some(DateMention {
                span,
                range,
                absolute,
            })
        })
        .collect()
}

/// Resolve one match. The outer None drops a match that is not a date after
/// all ("May 45").
fn resolve(
    c: &Captures<'_>,
    published: Option<Date>,
    future: impl Fn() -> bool,
) -> Option<(Option<DateRange>, bool)> {
    if c.name("hours").is_some() {
        let hours = c
            .name("h")
            .map_or("24", |m| m.as_str())
            .to_ascii_lowercase();
        let days: i64 = match hours.as_str() {
            "48" | "forty-eight" => 2,
            "72" | "seventy-two" => 3,
            _ => 1,
        };
        return Some((published.and_then(|p| back(p, days)), false));
    }
    if c.name("days").is_some() {
        let unit = c
            .name("dn")
            .map_or("day", |m| m.as_str())
            .to_ascii_lowercase();
        let days: i64 = if unit == "week" {
            7
        } else if unit.starts_with("two") || unit.starts_with('2') {
            2
        } else if unit.starts_with("three") || unit.starts_with('3') {
            3
        } else {
            1
        };
        return Some((published.and_then(|p| back(p, days)), false));
    }
    if let Some(rel) = c.name("rel") {
        let lower = rel.as_str().to_ascii_lowercase();
        let offset: i64 = if lower.contains("before yesterday") {
            2
        } else if lower == "yesterday" || lower.contains("last") {
            1
        } else {
            0
        };
        return Some((
            published
                .and_then(|p| shift(p, -offset))
                .map(DateRange::day),
            false,
        ));
    }
    if c.name("ago").is_some() {
        let n = c.name("an").and_then(|m| {
            let s = m.as_str();
            if s.eq_ignore_ascii_case("a") {
                Some((1, 1))
            } else {
                number_at(s)
            }
        })?;
        let unit = c.name("unit")?.as_str().to_ascii_lowercase();
        let days = i64::from(n.0) * if unit.starts_with("week") { 7 } else { 1 };
        return Some((
            published.and_then(|p| shift(p, -days)).map(DateRange::day),
            false,
        ));
    }
    if c.name("wd").is_some() {
        let wday = weekday(c.name("wday")?.as_str())?;
        let qualifier = c.name("wdq").map(|m| m.as_str().to_ascii_lowercase());
        let ahead = match qualifier.as_deref() {
            Some("next") => true,
            Some("last") => false,
            _ => future(),
        };
        return Some((
            published
                .and_then(|p| nearest_weekday(p, wday, ahead))
                .map(DateRange::day),
            false,
        ));
    }
    let (day, month, year) = if c.name("dm").is_some() {
        (c.name("dmd")?, c.name("dmm")?, c.name("dmy"))
    } else if c.name("md").is_some() {
        (c.name("mdd")?, c.name("mdm")?, c.name("mdy"))
    } else {
        let y: i16 = c.name("iy")?.as_str().parse().ok()?;
        let m: i8 = c.name("im")?.as_str().parse().ok()?;
        let d: i8 = c.name("id")?.as_str().parse().ok()?;
        return Some((Date::new(y, m, d).ok().map(DateRange::day), true));
    };
    let day: i8 = day.as_str().parse().ok()?;
    let month = month_number(month.as_str())?;
    let date = match year {
        Some(y) => Date::new(y.as_str().parse().ok()?, month, day).ok(),
        None => published.and_then(|p| yearless(p, month, day, future())),
    };
    // A day that cannot exist in that month is not a date ("May 45").
    if date.is_none() && !(1..=31).contains(&day) {
        return None;
    }
    Some((date.map(DateRange::day), true))
}

fn back(p: Date, days: i64) -> Option<DateRange> {
    Some(DateRange {
        start: shift(p, -days)?,
        end: p,
    })
}

fn shift(p: Date, days: i64) -> Option<Date> {
    p.checked_add(days.days()).ok()
}

/// The weekday on or before `p` (or, looking ahead, after `p`).
pub(crate) fn nearest_weekday(p: Date, wday: Weekday, ahead: bool) -> Option<Date> {
    let today = p.weekday().to_monday_zero_offset();
    let target = wday.to_monday_zero_offset();
    let delta = if ahead {
        let d = (target - today).rem_euclid(7);
        i64::from(if d == 0 { 7 } else { d })
    } else {
        -i64::from((today - target).rem_euclid(7))
    };
    shift(p, delta)
}

/// A date without a year: the one nearest to publication among last year,
/// this year and next, a date on the wrong side of publication for the
/// sentence's tense counting a month further away. The tense is a cue of
/// the whole sentence ("refrain from what happened on April 7" has a future
/// cue and a past date), so it only breaks near ties: it never moves a date
/// a few weeks from publication by a year.
pub(crate) fn yearless(p: Date, month: i8, day: i8, future: bool) -> Option<Date> {
    const WRONG_SIDE_PENALTY_DAYS: i64 = 30;
    (-1..=1)
        .filter_map(|dy| Date::new(p.year() + dy, month, day).ok())
        .min_by_key(|d| {
            let days = p
                .until(*d)
                .map_or(i64::MAX / 2, |s| i64::from(s.get_days()));
            let wrong_side = if future { days < 0 } else { days > 0 };
            days.abs()
                + if wrong_side {
                    WRONG_SIDE_PENALTY_DAYS
                } else {
                    0
                }
        })
}

fn weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().as_str() {
        "monday" => Weekday::Monday,
        "tuesday" => Weekday::Tuesday,
        "wednesday" => Weekday::Wednesday,
        "thursday" => Weekday::Thursday,
        "friday" => Weekday::Friday,
        "saturday" => Weekday::Saturday,
        "sunday" => Weekday::Sunday,
        _ => return None,
    })
}

fn month_number(s: &str) -> Option<i8> {
    let lower = s.to_ascii_lowercase();
    let key = lower.get(..3)?;
    let months = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    months.iter().position(|m| *m == key).map(|i| i as i8 + 1)
}

/// Builds the date patterns now rather than on first use.
pub(super) fn build_tables() {
    LazyLock::force(&DATES);
    LazyLock::force(&FORMS);
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn one(text: &str, p: Date, future: bool) -> Option<DateRange> {
        find_dates(text, Some(p), |_| future)
            .first()
            .and_then(|m| m.range)
    }

    #[test]
    fn each_expression_is_matched_again_by_one_form_only() {
        let expressions = [
            "over the past 24 hours",
            "in the last three days",
            "the day before yesterday",
            "last night",
            "two weeks ago",
            "12 days ago",
            "on Saturday",
            "last Monday",
            "14th of March, 2017",
            "3 Dec",
            "April 7th, 2018",
            "Sept. 30",
            "2017-04-15",
        ];
        for expression in expressions {
            let found = DATES.find(expression).expect("a date expression");
            assert_eq!(found.as_str(), expression);
            let matching: Vec<usize> = (0..FORMS.len())
                .filter(|&i| FORMS[i].is_match(expression))
                .collect();
            assert_eq!(matching.len(), 1, "{expression}: forms {matching:?}");
            let first = expression.as_bytes()[0].to_ascii_lowercase();
            assert!(
                FORM_STARTS[matching[0]].contains(&first),
                "{expression}: form {} does not list its first letter",
                matching[0]
            );
            // The form's groups are the whole pattern's.
            let whole = DATES.captures(expression).expect("captures");
            let alone = FORMS[matching[0]].captures(expression).expect("captures");
            for name in DATES.capture_names().flatten() {
                assert_eq!(
                    whole.name(name).map(|m| m.as_str()),
                    alone.name(name).map(|m| m.as_str()),
                    "{expression}: group {name}"
                );
            }
        }
    }

    #[test]
    fn resolves_against_publication() {
        let p = date(2017, 4, 16); // a Sunday
        assert_eq!(
            one("Over the past 24 hours the Russian side", p, false),
            Some(DateRange {
                start: date(2017, 4, 15),
                end: p
            })
        );
        assert_eq!(
            one("on Saturday", p, false),
            Some(DateRange::day(date(2017, 4, 15)))
        );
        assert_eq!(one("on Sunday", p, false), Some(DateRange::day(p)));
        assert_eq!(
            one("will meet on Monday", p, true),
            Some(DateRange::day(date(2017, 4, 17)))
        );
        assert_eq!(
            one("on 14 March", p, false),
            Some(DateRange::day(date(2017, 3, 14)))
        );
        assert_eq!(
            one("on December 30", p, false),
            Some(DateRange::day(date(2016, 12, 30)))
        );
        assert_eq!(
            one("on May 2", p, true),
            Some(DateRange::day(date(2017, 5, 2)))
        );
        assert_eq!(
            one("yesterday", p, false),
            Some(DateRange::day(date(2017, 4, 15)))
        );
        assert_eq!(
            one("two days ago", p, false),
            Some(DateRange::day(date(2017, 4, 14)))
        );
        assert_eq!(
            one("April 7th, 2018", p, false),
            Some(DateRange::day(date(2018, 4, 7)))
        );
        assert!(find_dates("May 45", Some(p), |_| false).is_empty());
    }

    #[test]
    fn a_yearless_date_is_the_one_nearest_publication() {
        let p = date(2017, 4, 21);
        // A past date in a sentence with a future cue ("refrain from what
        // happened on April 7") stays in its year.
        assert_eq!(
            one("refrain from what happened on April 7", p, true),
            Some(DateRange::day(date(2017, 4, 7)))
        );
        // A date with no cue a few days after publication is this year's.
        assert_eq!(
            one("the meeting on May 2", p, false),
            Some(DateRange::day(date(2017, 5, 2)))
        );
        let december = date(2017, 12, 20);
        assert_eq!(
            one("talks will resume on January 10", december, true),
            Some(DateRange::day(date(2018, 1, 10)))
        );
        let january = date(2018, 1, 3);
        assert_eq!(
            one("clashes on December 28", january, false),
            Some(DateRange::day(date(2017, 12, 28)))
        );
    }
}
