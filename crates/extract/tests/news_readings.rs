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

// --- Russian, Arabic and Turkish news ---------------------------------------

fn killed(e: &Event) -> u32 {
    e.casualties
        .iter()
        .filter(|c| c.kind == CasualtyKind::Killed)
        .map(|c| c.count.best)
        .sum()
}

fn injured(e: &Event) -> u32 {
    e.casualties
        .iter()
        .filter(|c| c.kind == CasualtyKind::Injured)
        .map(|c| c.count.best)
        .sum()
}

#[test]
fn the_dead_are_killed_in_each_language_whichever_side_the_number_is_on() {
    for (text, language) in [
        (
            "В Идлибе во вторник в результате обстрела погибли восемь мирных жителей, ещё трое ранены.",
            "ru",
        ),
        (
            "أسفر قصف مدفعي على بلدة في ريف إدلب يوم الثلاثاء عن مقتل ثمانية مدنيين وإصابة ثلاثة آخرين.",
            "ar",
        ),
        (
            "İdlib'de salı günü düzenlenen topçu saldırısında sekiz kişi hayatını kaybetti, üç kişi yaralandı.",
            "tr",
        ),
    ] {
        let got = events(text, (2020, 4, 16));
        let found = only_events(&got);
        assert_eq!(found.len(), 1, "{language}: {found:?}");
        let e = found[0];
        assert_eq!(killed(e), 8, "{language}: {e:?}");
        assert_eq!(injured(e), 3, "{language}: {e:?}");
        assert_eq!(e.event_type.as_str(), "shelling", "{language}");
        assert_eq!(
            e.location.as_ref().and_then(|l| l.governorate.as_deref()),
            Some("SY-ID"),
            "{language}"
        );
        // Tuesday before Thursday 16 April 2020.
        assert_eq!(
            e.date.map(|d| d.start),
            Some(jiff::civil::date(2020, 4, 14)),
            "{language}"
        );
    }
}

#[test]
fn the_country_of_a_ban_is_no_party_in_any_language() {
    for text in [
        "Боевики «Хайят Тахрир аш-Шам» (запрещена в России) обстреляли позиции сирийской армии в провинции Хама.",
        "قصف مسلحو هيئة تحرير الشام المحظورة في روسيا مواقع الجيش السوري في ريف حماة.",
        "Rusya'da yasaklı Heyet Tahrir el-Şam militanları Hama'da rejim mevzilerine roket saldırısı düzenledi.",
    ] {
        let got = events(text, (2020, 4, 16));
        let found = only_events(&got);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let ids = |a: &Option<truce_extract::Actor>| a.as_ref().map(|a| a.id.clone());
        assert_eq!(ids(&found[0].actor1).as_deref(), Some("hts"), "{text}");
        assert_eq!(ids(&found[0].actor2).as_deref(), Some("syria"), "{text}");
    }
}

#[test]
fn political_statements_and_aid_are_not_violations_in_any_language() {
    for text in [
        "МИД России назвал удар по авиабазе актом агрессии, нарушающим Устав ООН.",
        "Российские военные доставили гуманитарную помощь в провинцию Алеппо.",
        "وأدانت الخارجية السورية العدوان واعتبرته انتهاكا لميثاق الأمم المتحدة.",
        "دخلت قافلة مساعدات إنسانية إلى ريف حلب.",
        "Dışişleri Bakanlığı saldırıyı kınadı ve uluslararası hukuka aykırı olduğunu belirtti.",
        "İdlib'e insani yardım taşıyan konvoy sınırı geçti.",
    ] {
        let got = events(text, (2020, 4, 16));
        assert!(only_events(&got).is_empty(), "{text}: {got:?}");
    }
}

#[test]
fn a_bulletin_register_is_not_also_a_news_event() {
    for text in [
        "Российская часть совместной комиссии зафиксировала 5 обстрелов в провинциях: Идлиб – 3, Латакия – 2.",
        "رصد الجانب الروسي 5 انتهاكات، 3 منها في محافظة إدلب و2 في محافظة اللاذقية.",
        "Rusya tarafı İdlib'de 3, Lazkiye'de 2 olmak üzere 5 ateşkes ihlali tespit etti.",
    ] {
        let got = events(text, (2020, 4, 16));
        assert!(only_events(&got).is_empty(), "{text}: {got:?}");
        assert_eq!(got.len(), 1, "{text}: {got:?}");
    }
}

#[test]
fn a_lead_and_its_detail_are_one_event_and_dates_take_the_publication_year() {
    let got = events(
        "Боевики атаковали позиции сирийской армии в провинции Хама 7 апреля.\n\n\
         В ходе атаки погибли шесть военнослужащих сирийской армии.",
        (2019, 4, 10),
    );
    let found = only_events(&got);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(killed(found[0]), 6);
    assert_eq!(
        found[0].date.map(|d| d.start),
        Some(jiff::civil::date(2019, 4, 7))
    );
    assert_eq!(
        found[0].actor1.as_ref().map(|a| a.id.as_str()),
        Some("opposition")
    );
    // The dead soldiers are the target's, not a second perpetrator.
    assert_eq!(
        found[0].actor2.as_ref().map(|a| a.id.as_str()),
        Some("syria")
    );
}

#[test]
fn a_strike_by_a_state_outside_the_mechanism_is_that_state_s_strike() {
    for text in [
        "Израильские самолеты нанесли ракетный удар по объектам в провинции Хомс 7 апреля.",
        "وكانت إسرائيل قد شنت في 7 نيسان غارات على مواقع في ريف حمص.",
        "İsrail savaş uçakları 7 Nisan'da Humus'taki hedeflere hava saldırısı düzenledi.",
    ] {
        let got = events(text, (2018, 4, 9));
        let found = only_events(&got);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].event_type.as_str(), "air_strike", "{text}");
        assert_eq!(
            found[0].actor1.as_ref().map(|a| a.id.as_str()),
            Some("israel"),
            "{text}"
        );
        assert_eq!(
            found[0].date.map(|d| d.start),
            Some(jiff::civil::date(2018, 4, 7)),
            "{text}"
        );
    }
}

/// A head count with a part of it named ("five people, two children among
/// them, died") is the dead: the part is not a second, smaller toll. The
/// sentence follows the layout of TASS's and RIA Novosti's casualty
/// reports from Syria (tass.ru, ria.ru), where the total opens the
/// sentence and the children are named in an inserted clause.
#[test]
fn a_total_with_a_part_named_inside_it_is_the_total() {
    for (text, language) in [
        (
            "Пять человек, в том числе двое детей, погибли в среду при обстреле боевиками жилых кварталов в провинции Хама.",
            "ru",
        ),
        (
            "Шесть мирных жителей, среди них трое детей, погибли в результате обстрела в провинции Алеппо.",
            "ru",
        ),
    ] {
        let got = events(text, (2020, 4, 16));
        let found = only_events(&got);
        assert_eq!(found.len(), 1, "{language}: {found:?}");
        let expected = if text.starts_with("Пять") { 5 } else { 6 };
        assert_eq!(killed(found[0]), expected, "{text}: {:?}", found[0]);
        assert_eq!(found[0].event_type.as_str(), "shelling", "{text}");
    }
}

/// A town taken or liberated is a change of control, not an attack by
/// itself: nothing in such a sentence is a ground assault. The sentences
/// follow the layout of the Russian Defence Ministry's and SANA's
/// announcements that a town "was liberated from the terrorists"
/// (mil.ru, sana.sy) and Anadolu's reports of towns "cleared" (aa.com.tr).
#[test]
fn a_town_liberated_is_not_an_attack() {
    for text in [
        "Сирийская армия освободила от боевиков город Хан-Шейхун в провинции Идлиб.",
        "Подразделения правительственных войск освободили в понедельник город Маарет-эн-Нууман.",
        "حرر الجيش العربي السوري مدينة خان شيخون في ريف إدلب الجنوبي من الإرهابيين.",
        "Suriye ordusu İdlib'in güneyindeki Han Şeyhun ilçesini muhaliflerden geri aldı.",
    ] {
        let got = events(text, (2019, 8, 23));
        let assaults: Vec<&Event> = only_events(&got)
            .into_iter()
            .filter(|e| e.event_type.as_str() == "ground_assault")
            .collect();
        assert!(assaults.is_empty(), "{text}: {assaults:?}");
    }
}

/// "هجوما صاروخيا" is a missile attack: a strike, not a ground assault.
/// The sentence follows the layout of SANA's reports of missile attacks
/// on positions near Damascus (sana.sy): the attacker, the time of day,
/// the attack and its object.
#[test]
fn an_arabic_missile_attack_is_a_strike() {
    let text = "شنت طائرات إسرائيلية فجر اليوم هجوما صاروخيا على مواقع في ريف دمشق.";
    let got = events(text, (2020, 4, 16));
    let found = only_events(&got);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].event_type.as_str(), "air_strike", "{found:?}");
    // The same in Russian: "ракетная атака" is no ground assault either.
    let got = events(
        "Израильские самолеты совершили ракетную атаку на объекты в провинции Хомс.",
        (2020, 4, 16),
    );
    let found = only_events(&got);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].event_type.as_str(), "air_strike", "{found:?}");
}

/// SANA calls an Israeli strike a "missile aggression" ("عدوان صاروخي
/// إسرائيلي"): that is the strike itself, with Syria struck, while a
/// ministry condemning "the aggression" is still a statement. The
/// sentences follow the layout of SANA's reports of strikes near Damascus
/// and of the Foreign Ministry's statements on them (sana.sy).
#[test]
fn a_missile_aggression_is_a_strike_and_its_condemnation_a_statement() {
    let got = events(
        "تصدت وسائط دفاعنا الجوي فجر اليوم لعدوان صاروخي إسرائيلي استهدف عددا من النقاط في ريف دمشق.",
        (2021, 2, 15),
    );
    let found = only_events(&got);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].event_type.as_str(), "air_strike", "{found:?}");
    assert_eq!(
        found[0].actor2.as_ref().map(|a| a.id.as_str()),
        Some("syria"),
        "{found:?}"
    );
    let got = events(
        "وأدانت وزارة الخارجية العدوان الصاروخي الإسرائيلي على ريف دمشق واعتبرته خرقا للقانون الدولي.",
        (2021, 2, 15),
    );
    assert!(only_events(&got).is_empty(), "{got:?}");
}

/// "havan" (mortar) begins with "hava" (air): a mortar attack is shelling,
/// never an air strike, while "hava saldırısı" stays one. The sentences
/// follow the layout of Anadolu Agency's reports of mortar fire on towns
/// near the border (aa.com.tr): the attacker, the place with its suffix,
/// "havan saldırısı" and the wounded.
#[test]
fn a_turkish_mortar_is_not_an_air_strike() {
    let got = events(
        "Terör örgütü YPG, Azez'deki sivil yerleşim yerlerine havan saldırısı düzenledi, iki sivil yaralandı.",
        (2020, 4, 16),
    );
    let found = only_events(&got);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].event_type.as_str(), "shelling", "{found:?}");
    assert_eq!(injured(found[0]), 2, "{found:?}");
    let got = events(
        "Rus savaş uçakları İdlib'de hava saldırısı düzenledi.",
        (2020, 4, 16),
    );
    let found = only_events(&got);
    assert_eq!(found[0].event_type.as_str(), "air_strike", "{found:?}");
}

/// A strike by a state outside the mechanism on a place the text names in
/// Syria has Syria as the country struck, as the English reader has it.
/// The sentences follow the layout of TASS's, SANA's and Anadolu's reports
/// of US and Israeli strikes (tass.ru, sana.sy, aa.com.tr): the state, the
/// strike, the place in Syria.
#[test]
fn a_strike_by_an_outside_state_names_the_country_struck_in_every_language() {
    for text in [
        "Американская авиация в пятницу нанесла удар по объектам на востоке Сирии, где действуют боевики.",
        "Израильские самолеты нанесли ракетный удар по объектам в провинции Хомс 7 апреля.",
        "شنت طائرات أمريكية غارات على مواقع في شرق سوريا.",
        "وكانت إسرائيل قد شنت في 7 نيسان غارات على مواقع في ريف حمص.",
        "ABD savaş uçakları Suriye'nin doğusunda hava saldırısı düzenledi.",
        "İsrail savaş uçakları 7 Nisan'da Humus'taki hedeflere hava saldırısı düzenledi.",
    ] {
        let got = events(text, (2018, 4, 9));
        let found = only_events(&got);
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        assert_eq!(found[0].event_type.as_str(), "air_strike", "{text}");
        assert_eq!(
            found[0].actor2.as_ref().map(|a| a.id.as_str()),
            Some("syria"),
            "{text}: {:?}",
            found[0]
        );
    }
}
