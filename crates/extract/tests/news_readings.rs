//! News readings that went wrong on real articles: casualties, boilerplate,
//! political statements, yearless dates, strikes by states outside the
//! mechanism, and one candidate per event.

use truce_extract::{extract, Candidate, CasualtyKind, Document, Event};

fn events(text: &str, published: (i16, i8, i8)) -> Vec<Candidate> {
    let (y, m, d) = published;
    extract(&Document::new(text, Some(jiff::civil::date(y, m, d)), None)).expect("English")
}

fn only_events(c: &[Candidate]) -> Vec<&Event> {
    c.iter()
        .filter_map(|c| match c {
            Candidate::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}

#[test]
fn killing_n_is_killed() {
    let got = events(
        "Artillery shelling hit Saraqib in Idlib province on Tuesday, killing eight civilians.",
        (2020, 4, 15),
    );
    let e = only_events(&got)[0];
    let killed: u32 = e
        .casualties
        .iter()
        .filter(|c| c.kind == CasualtyKind::Killed)
        .map(|c| c.count.best)
        .sum();
    assert_eq!(killed, 8);
    assert!(e.casualties.iter().all(|c| c.kind == CasualtyKind::Killed));
}

#[test]
fn killed_and_injured_in_one_clause_are_each_their_own() {
    let got = events(
        "Rebel shelling on Aleppo killed three civilians and injured five on Sunday.",
        (2020, 4, 15),
    );
    let e = only_events(&got)[0];
    let of = |kind: CasualtyKind| -> u32 {
        e.casualties
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.count.best)
            .sum()
    };
    assert_eq!(of(CasualtyKind::Killed), 3, "{e:?}");
    assert_eq!(of(CasualtyKind::Injured), 5, "{e:?}");
}

#[test]
fn the_country_of_a_ban_is_not_a_party() {
    let got = events(
        "Militants of Hayat Tahrir al-Sham (a terrorist organisation banned in Russia) shelled \
         the village of Kafr Nabudah in Hama province on Monday.",
        (2020, 4, 15),
    );
    let e = only_events(&got)[0];
    assert_eq!(e.actor1.as_ref().map(|a| a.id.as_str()), Some("hts"));
    assert!(e.actor2.as_ref().is_none_or(|a| a.id != "russia"));
}

#[test]
fn a_statement_about_an_attack_is_not_a_violation() {
    let got = events(
        "\"The attack was an act of aggression which violated international law and the UN \
         Charter,\" the Russian foreign minister said on Friday.",
        (2017, 4, 21),
    );
    assert!(only_events(&got)
        .iter()
        .all(|e| !matches!(e.event_type, truce_extract::EventType::Violation(_))));
}

#[test]
fn a_yearless_date_in_a_sentence_with_a_future_cue_keeps_its_year() {
    let got = events(
        "The Russian minister called on Washington to refrain from strikes like the one that \
         hit the airbase on April 7.",
        (2017, 4, 21),
    );
    for e in only_events(&got) {
        if let Some(d) = e.date {
            assert_eq!(d.start.year(), 2017, "{e:?}");
        }
    }
}

#[test]
fn a_strike_by_a_state_outside_the_mechanism_names_the_country_struck() {
    let got = events(
        "After the recent US missile strike against an airbase in the country, Iran and Russia \
         stepped up their cooperation on Syria.",
        (2017, 4, 21),
    );
    let strike = only_events(&got)
        .into_iter()
        .find(|e| e.actor1.as_ref().is_some_and(|a| a.id == "usa"))
        .expect("the strike");
    assert_eq!(
        strike.event_type,
        truce_extract::EventType::Violation(truce_extract::ViolationType::AirStrike)
    );
    assert_eq!(strike.actor2.as_ref().map(|a| a.id.as_str()), Some("syria"));
    // "recent" without a date: the date is unknown, not the publication's.
    assert_eq!(strike.date, None);
}

#[test]
fn one_meeting_told_twice_is_one_candidate() {
    let got = events(
        "Foreign ministers met in Astana on Friday. At the meeting in Astana on Friday, the \
         ministers discussed the ceasefire.",
        (2017, 4, 21),
    );
    let meetings = got
        .iter()
        .filter(|c| matches!(c, Candidate::Meeting(_)))
        .count();
    assert_eq!(meetings, 1, "{got:?}");
}

#[test]
fn the_meeting_held_keeps_its_venue_and_the_next_one_has_none_yet() {
    let got = events(
        "All participants in the Tehran meeting had agreed to hold the next expert-level \
         meeting on May 2.",
        (2017, 4, 21),
    );
    let meetings: Vec<&truce_extract::Meeting> = got
        .iter()
        .filter_map(|c| match c {
            Candidate::Meeting(m) => Some(m),
            _ => None,
        })
        .collect();
    assert_eq!(meetings.len(), 2, "{got:?}");
    let held = meetings
        .iter()
        .find(|m| !m.scheduled)
        .expect("the meeting held");
    assert_eq!(held.place.as_ref().map(|p| p.name.as_str()), Some("Tehran"));
    let next = meetings
        .iter()
        .find(|m| m.scheduled)
        .expect("the next meeting");
    assert_eq!(next.place, None);
    assert_eq!(
        next.date.map(|d| d.start),
        Some(jiff::civil::date(2017, 5, 2))
    );
}
