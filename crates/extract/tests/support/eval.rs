//! Evaluation of truce-extract on the project's test set (testdata/*.toml):
//! precision and recall per field. Shared by the quality-gate test and the
//! `evaluate` example.

use std::collections::BTreeMap;

use serde::Deserialize;
use truce_extract::{Candidate, ConfirmationStatus, Document, MeetingLevel};

#[derive(Deserialize)]
struct BulletinSet {
    case: Vec<BulletinCase>,
}

#[derive(Deserialize)]
struct BulletinCase {
    id: String,
    /// ISO 639-1; the layouts set gives it, the older sets are English.
    #[serde(default = "english")]
    lang: String,
    published: String,
    text: String,
    #[serde(default)]
    no_events: bool,
    side: Vec<SideExpect>,
}

fn english() -> String {
    "en".to_string()
}

#[derive(Deserialize, PartialEq, Debug)]
struct CombinedExpect {
    governorates: Vec<String>,
    count: u32,
}

#[derive(Deserialize)]
struct SideExpect {
    side: String,
    total: Option<u32>,
    #[serde(default)]
    governorates: BTreeMap<String, u32>,
    types: Option<Vec<String>>,
    period: Option<[String; 2]>,
    not_confirmed_by: Option<String>,
    confirmed_by: Option<String>,
    #[serde(default)]
    excluded: bool,
    #[serde(default)]
    combined: Vec<CombinedExpect>,
    headline_total: Option<u32>,
    settlements: Option<u32>,
    formations: Option<u32>,
}

#[derive(Deserialize)]
struct NewsSet {
    case: Vec<NewsCase>,
}

#[derive(Deserialize)]
struct NewsCase {
    id: String,
    /// ISO 639-1; the news layouts set gives it, the older sets are English.
    #[serde(default = "english")]
    lang: String,
    published: String,
    text: String,
    #[serde(default)]
    event: Vec<EventExpect>,
}

#[derive(Deserialize)]
struct EventExpect {
    #[serde(rename = "type")]
    event_type: String,
    date: Option<String>,
    governorate: Option<String>,
    actor1: Option<String>,
    actor2: Option<String>,
    killed: Option<u32>,
    injured: Option<u32>,
    place: Option<String>,
    level: Option<String>,
    scheduled: Option<bool>,
}

/// The expected date of an event dated only relative to an undated one.
const UNRESOLVED: &str = "unresolved";

/// Counts for one field: extracted values, expected values, correct ones.
#[derive(Default, Clone, Copy)]
pub struct Score {
    pub extracted: usize,
    pub expected: usize,
    pub correct: usize,
}

impl Score {
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.extracted)
    }
    pub fn recall(&self) -> f64 {
        ratio(self.correct, self.expected)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// All scores, by set and field, plus the failures worth printing.
pub struct Report {
    pub fields: Vec<(String, Score)>,
    pub bulletins: usize,
    pub bulletins_exact: usize,
    pub news_events: usize,
    pub failures: Vec<String>,
}

impl Report {
    #[allow(dead_code)] // used by the quality test, not the example
    pub fn field(&self, name: &str) -> Score {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, s)| *s)
            .unwrap_or_default()
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "{:<28} {:>9} {:>9} {:>7} {:>7}\n",
            "field", "precision", "recall", "correct", "expected"
        );
        for (name, s) in &self.fields {
            out.push_str(&format!(
                "{:<28} {:>9.3} {:>9.3} {:>7} {:>7}\n",
                name,
                s.precision(),
                s.recall(),
                s.correct,
                s.expected
            ));
        }
        out.push_str(&format!(
            "bulletins with exact per-governorate counts: {}/{} = {:.3}\n",
            self.bulletins_exact,
            self.bulletins,
            ratio(self.bulletins_exact, self.bulletins)
        ));
        out
    }
}

fn doc(text: &str, published: &str) -> Document {
    Document::new(text, published.parse().ok(), None)
}

fn add(
    fields: &mut Vec<(String, Score)>,
    name: &str,
    extracted: bool,
    expected: bool,
    correct: bool,
) {
    let entry = match fields.iter_mut().find(|(n, _)| n == name) {
        Some(e) => e,
        None => {
            fields.push((name.to_string(), Score::default()));
            let last = fields.len() - 1;
            &mut fields[last]
        }
    };
    entry.1.extracted += usize::from(extracted);
    entry.1.expected += usize::from(expected);
    entry.1.correct += usize::from(correct && extracted && expected);
}

/// Run the evaluation over the two test sets.
pub fn evaluate(bulletins_toml: &str, news_toml: &str) -> Report {
    let mut fields = Vec::new();
    let mut failures = Vec::new();
    let bulletins: BulletinSet = toml::from_str(bulletins_toml).expect("bulletins.toml parses");
    let news: NewsSet = toml::from_str(news_toml).expect("news.toml parses");
    let exact = score_bulletins(&bulletins.case, false, &mut fields, &mut failures);

    let news_events = score_news(&news.case, false, &mut fields, &mut failures);
    Report {
        fields,
        bulletins: bulletins.case.len(),
        bulletins_exact: exact,
        news_events,
        failures,
    }
}

/// Scores the news cases into `fields`; with `by_language`, each field name
/// starts with the case's language ("ru.news.killed"). Returns the number of
/// events expected.
fn score_news(
    cases: &[NewsCase],
    by_language: bool,
    fields: &mut Vec<(String, Score)>,
    failures: &mut Vec<String>,
) -> usize {
    let mut news_events = 0;
    for case in cases {
        let name = |field: &str| {
            if by_language {
                format!("{}.{field}", case.lang)
            } else {
                field.to_string()
            }
        };
        let cands = truce_extract::extract(&doc(&case.text, &case.published)).unwrap_or_default();
        let got: Vec<Flat> = cands.iter().filter_map(flatten).collect();
        for g in &got {
            add(fields, &name("news.type"), true, false, false);
            add(fields, &name("news.date"), g.date.is_some(), false, false);
            add(
                fields,
                &name("news.governorate"),
                g.governorate.is_some(),
                false,
                false,
            );
        }
        if case.event.is_empty() && !got.is_empty() {
            failures.push(format!(
                "{}: expected no events, got {:?}",
                case.id,
                got.iter().map(|g| g.event_type).collect::<Vec<_>>()
            ));
        }
        let mut used = vec![false; got.len()];
        for exp in &case.event {
            news_events += 1;
            let pick = (0..got.len())
                .find(|&i| !used[i] && got[i].event_type == exp.event_type)
                .or_else(|| (0..got.len()).find(|&i| !used[i]));
            add(fields, &name("news.type"), false, true, false);
            // "unresolved": the text dates the event only relative to an
            // undated one; the right answer is no date at all.
            let unresolved = exp.date.as_deref() == Some(UNRESOLVED);
            add(
                fields,
                &name("news.date"),
                false,
                exp.date.is_some() && !unresolved,
                false,
            );
            add(
                fields,
                &name("news.governorate"),
                false,
                exp.governorate.is_some(),
                false,
            );
            let Some(i) = pick else {
                failures.push(format!("{}: {} not found", case.id, exp.event_type));
                continue;
            };
            used[i] = true;
            let g = &got[i];
            if g.event_type == exp.event_type {
                bump_correct(fields, &name("news.type"));
            } else {
                failures.push(format!(
                    "{}: type {} != {}",
                    case.id, g.event_type, exp.event_type
                ));
            }
            if unresolved {
                let ok = g.date.is_none();
                add(fields, &name("news.date_unresolved"), ok, true, ok);
                if !ok {
                    failures.push(format!("{}: date {:?} != unresolved", case.id, g.date));
                }
            } else if let Some(d) = &exp.date {
                if g.date.as_deref() == Some(d.as_str()) {
                    bump_correct(fields, &name("news.date"));
                } else {
                    failures.push(format!("{}: date {:?} != {}", case.id, g.date, d));
                }
            }
            if let Some(code) = &exp.governorate {
                if g.governorate.as_deref() == Some(code.as_str()) {
                    bump_correct(fields, &name("news.governorate"));
                } else {
                    failures.push(format!(
                        "{}: governorate {:?} != {}",
                        case.id, g.governorate, code
                    ));
                }
            }
            let checks: [(&str, Option<String>, Option<String>); 7] = [
                ("news.actor1", exp.actor1.clone(), g.actor1.clone()),
                ("news.actor2", exp.actor2.clone(), g.actor2.clone()),
                (
                    "news.killed",
                    exp.killed.map(|k| k.to_string()),
                    g.killed.map(|k| k.to_string()),
                ),
                (
                    "news.injured",
                    exp.injured.map(|k| k.to_string()),
                    g.injured.map(|k| k.to_string()),
                ),
                ("meeting.place", exp.place.clone(), g.place.clone()),
                ("meeting.level", exp.level.clone(), g.level.clone()),
                (
                    "meeting.scheduled",
                    exp.scheduled.map(|s| s.to_string()),
                    g.scheduled.map(|s| s.to_string()),
                ),
            ];
            for (field, want, mut have) in checks {
                // "scheduled" is a flag: only its positive value is a claim.
                if field == "meeting.scheduled" && have.as_deref() == Some("false") {
                    have = None;
                }
                // The older sets do not give targets and injured: they are
                // scored only where a set does.
                if matches!(field, "news.actor2" | "news.injured") && !by_language {
                    continue;
                }
                // Nor do the news layouts give meetings.
                if field.starts_with("meeting.") && by_language && want.is_none() && have.is_none()
                {
                    continue;
                }
                let ok = want.is_some() && want == have;
                add(fields, &name(field), have.is_some(), want.is_some(), ok);
                if (want.is_some() || have.is_some()) && !ok {
                    failures.push(format!("{}: {} {:?} != {:?}", case.id, field, have, want));
                }
            }
        }
    }
    news_events
}

/// Scores the bulletin cases into `fields`; with `by_language`, each field
/// name starts with the case's language ("ru.bulletin.total"). Returns the
/// number of cases read exactly.
fn score_bulletins(
    cases: &[BulletinCase],
    by_language: bool,
    fields: &mut Vec<(String, Score)>,
    failures: &mut Vec<String>,
) -> usize {
    let mut exact = 0;
    for case in cases {
        let name = |field: &str| {
            if by_language {
                format!("{}.{field}", case.lang)
            } else {
                field.to_string()
            }
        };
        let cands = truce_extract::extract(&doc(&case.text, &case.published)).unwrap_or_default();
        let got: Vec<&truce_extract::BulletinCount> = cands
            .iter()
            .filter_map(|c| match c {
                Candidate::BulletinCount(b) => Some(b),
                _ => None,
            })
            .collect();
        let mut case_exact = got.len() == case.side.len();
        for b in &got {
            add(fields, &name("bulletin.side"), true, false, false);
            add(
                fields,
                &name("bulletin.total"),
                b.total.is_some(),
                false,
                false,
            );
            for g in &b.by_governorate {
                add(
                    fields,
                    &name("bulletin.governorate_count"),
                    g.count.is_some(),
                    false,
                    false,
                );
            }
        }
        for exp in &case.side {
            let found = got.iter().find(|b| b.side.as_str() == exp.side);
            // Re-count the extracted side as correct (its extracted count was added above).
            add(fields, &name("bulletin.side"), false, true, false);
            let Some(b) = found else {
                case_exact = false;
                failures.push(format!("{}: side {} missing", case.id, exp.side));
                continue;
            };
            bump_correct(fields, &name("bulletin.side"));
            add(
                fields,
                &name("bulletin.total"),
                false,
                exp.total.is_some(),
                false,
            );
            if exp.total.is_some() && b.total == exp.total {
                bump_correct(fields, &name("bulletin.total"));
            } else if exp.total.is_some() {
                failures.push(format!(
                    "{}: {} total {:?} != {:?}",
                    case.id, exp.side, b.total, exp.total
                ));
            }
            let got_map: BTreeMap<String, u32> = b
                .by_governorate
                .iter()
                .filter_map(|g| g.count.map(|c| (g.code.clone(), c)))
                .collect();
            for (code, n) in &exp.governorates {
                add(
                    fields,
                    &name("bulletin.governorate_count"),
                    false,
                    true,
                    false,
                );
                if got_map.get(code) == Some(n) {
                    bump_correct(fields, &name("bulletin.governorate_count"));
                }
            }
            if got_map != exp.governorates {
                case_exact = false;
                failures.push(format!(
                    "{}: {} governorates {:?} != {:?}",
                    case.id, exp.side, got_map, exp.governorates
                ));
            }
            if let Some(types) = &exp.types {
                let got_types: Vec<&str> = b.violation_types.iter().map(|t| t.as_str()).collect();
                let mut a = got_types.clone();
                let mut e: Vec<&str> = types.iter().map(String::as_str).collect();
                a.sort();
                e.sort();
                add(fields, &name("bulletin.types"), !a.is_empty(), true, false);
                if a == e {
                    bump_correct(fields, &name("bulletin.types"));
                } else {
                    failures.push(format!(
                        "{}: {} types {:?} != {:?}",
                        case.id, exp.side, a, e
                    ));
                }
            }
            if let Some([s, e]) = &exp.period {
                let want = (s.parse().ok(), e.parse().ok());
                let got_p = b.period.map(|p| (Some(p.start), Some(p.end)));
                let ok = got_p == Some(want);
                add(
                    fields,
                    &name("bulletin.period"),
                    b.period.is_some(),
                    true,
                    ok,
                );
                if !ok {
                    failures.push(format!(
                        "{}: {} period {:?} != {:?}",
                        case.id, exp.side, b.period, exp.period
                    ));
                }
            }
            let expected_conf = exp
                .not_confirmed_by
                .as_ref()
                .map(|by| (ConfirmationStatus::NotConfirmed, by.clone()))
                .or(exp
                    .confirmed_by
                    .as_ref()
                    .map(|by| (ConfirmationStatus::Confirmed, by.clone())));
            let got_conf = b.confirmations.first().map(|c| {
                (
                    c.status,
                    c.by.map_or("none".to_string(), |g| g.as_str().to_string()),
                )
            });
            let ok = expected_conf.is_some() && got_conf == expected_conf;
            add(
                fields,
                &name("bulletin.confirmation"),
                got_conf.is_some(),
                expected_conf.is_some(),
                ok,
            );
            if got_conf != expected_conf {
                failures.push(format!(
                    "{}: {} confirmation {:?} != {:?}",
                    case.id, exp.side, got_conf, expected_conf
                ));
            }
            add(
                fields,
                &name("bulletin.excluded"),
                b.excluded_target,
                exp.excluded,
                b.excluded_target == exp.excluded,
            );
            if b.excluded_target != exp.excluded {
                failures.push(format!(
                    "{}: {} excluded {} != {}",
                    case.id, exp.side, b.excluded_target, exp.excluded
                ));
            }
            let got_combined: Vec<CombinedExpect> = b
                .combined
                .iter()
                .map(|c| CombinedExpect {
                    governorates: c.codes.clone(),
                    count: c.count,
                })
                .collect();
            if !exp.combined.is_empty() || !got_combined.is_empty() {
                let ok = got_combined == exp.combined;
                add(
                    fields,
                    &name("bulletin.combined"),
                    !got_combined.is_empty(),
                    !exp.combined.is_empty(),
                    ok,
                );
                if !ok {
                    case_exact = false;
                    failures.push(format!(
                        "{}: {} combined {:?} != {:?}",
                        case.id, exp.side, got_combined, exp.combined
                    ));
                }
            }
            let optional: [(&str, Option<u32>, Option<u32>); 3] = [
                (
                    "bulletin.headline_total",
                    exp.headline_total,
                    b.headline_total,
                ),
                (
                    "bulletin.settlements",
                    exp.settlements,
                    b.counters.settlements_reconciled,
                ),
                (
                    "bulletin.formations",
                    exp.formations,
                    b.counters.formations_joined,
                ),
            ];
            for (field, want, have) in optional {
                if want.is_none() && have.is_none() {
                    continue;
                }
                add(
                    fields,
                    &name(field),
                    have.is_some(),
                    want.is_some(),
                    want == have,
                );
                if want != have {
                    failures.push(format!(
                        "{}: {} {field} {have:?} != {want:?}",
                        case.id, exp.side
                    ));
                }
            }
        }
        exact += usize::from(case_exact);
        if case.no_events {
            let events = cands
                .iter()
                .filter(|c| !matches!(c, Candidate::BulletinCount(_)))
                .count();
            add(
                fields,
                &name("bulletin.no_events"),
                events == 0,
                true,
                events == 0,
            );
            if events > 0 {
                failures.push(format!("{}: {events} events read from background", case.id));
            }
        }
    }
    exact
}

/// Scores the layouts set: bulletins in four languages, fields by language.
pub fn evaluate_layouts(layouts_toml: &str) -> Report {
    let set: BulletinSet = toml::from_str(layouts_toml).expect("layouts.toml parses");
    let mut fields = Vec::new();
    let mut failures = Vec::new();
    let exact = score_bulletins(&set.case, true, &mut fields, &mut failures);
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Report {
        fields,
        bulletins: set.case.len(),
        bulletins_exact: exact,
        news_events: 0,
        failures,
    }
}

/// Scores the news layouts set: news in several languages, fields by
/// language.
pub fn evaluate_news_layouts(news_toml: &str) -> Report {
    let set: NewsSet = toml::from_str(news_toml).expect("news layouts parse");
    let mut fields = Vec::new();
    let mut failures = Vec::new();
    let news_events = score_news(&set.case, true, &mut fields, &mut failures);
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    Report {
        fields,
        bulletins: 0,
        bulletins_exact: 0,
        news_events,
        failures,
    }
}

fn bump_correct(fields: &mut [(String, Score)], name: &str) {
    if let Some((_, s)) = fields.iter_mut().find(|(n, _)| n == name) {
        s.correct += 1;
    }
}

/// An event or meeting reduced to the fields the test set checks.
struct Flat {
    event_type: &'static str,
    date: Option<String>,
    governorate: Option<String>,
    actor1: Option<String>,
    actor2: Option<String>,
    killed: Option<u32>,
    injured: Option<u32>,
    place: Option<String>,
    level: Option<String>,
    scheduled: Option<bool>,
}

fn flatten(c: &Candidate) -> Option<Flat> {
    match c {
        Candidate::Event(e) => Some(Flat {
            event_type: e.event_type.as_str(),
            date: e.date.map(|d| d.start.to_string()),
            governorate: e.location.as_ref().and_then(|l| l.governorate.clone()),
            actor1: e.actor1.as_ref().map(|a| a.id.clone()),
            actor2: e.actor2.as_ref().map(|a| a.id.clone()),
            killed: e
                .casualties
                .iter()
                .filter(|c| c.kind == truce_extract::CasualtyKind::Killed)
                .map(|c| c.count.best)
                .reduce(|a, b| a + b),
            injured: e
                .casualties
                .iter()
                .filter(|c| c.kind == truce_extract::CasualtyKind::Injured)
                .map(|c| c.count.best)
                .reduce(|a, b| a + b),
            place: None,
            level: None,
            scheduled: None,
        }),
        Candidate::Meeting(m) => Some(Flat {
            event_type: "meeting",
            date: m.date.map(|d| d.start.to_string()),
            governorate: m.place.as_ref().and_then(|l| l.governorate.clone()),
            actor1: None,
            actor2: None,
            killed: None,
            injured: None,
            place: m.place.as_ref().map(|p| p.name.clone()),
            level: m.level.map(|l| match l {
                MeetingLevel::Expert => "expert".to_string(),
                MeetingLevel::DeputyMinister => "deputy_minister".to_string(),
                MeetingLevel::Ministerial => "ministerial".to_string(),
                MeetingLevel::HeadsOfState => "heads_of_state".to_string(),
            }),
            scheduled: Some(m.scheduled),
        }),
        Candidate::BulletinCount(_) => None,
    }
}
