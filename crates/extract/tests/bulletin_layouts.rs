//! The bulletin layouts of published bulletins, one behaviour each: who
//! reports, how a list is read, what is merged and what is background.

use truce_extract::{extract, BulletinCount, Candidate, Document, Guarantor};

fn counts(text: &str) -> Vec<BulletinCount> {
    let doc = Document::new(text, Some(jiff::civil::date(2020, 4, 14)), None);
    extract(&doc)
        .expect("readable")
        .into_iter()
        .filter_map(|c| match c {
            Candidate::BulletinCount(b) => Some(b),
            _ => None,
        })
        .collect()
}

fn governorates(b: &BulletinCount) -> Vec<(&str, Option<u32>)> {
    b.by_governorate
        .iter()
        .map(|g| (g.code.as_str(), g.count))
        .collect()
}

#[test]
fn the_commission_name_names_no_side_and_its_parts_do() {
    let got = counts(
        "The Turkish part of the Russia-Turkey joint commission registered 2 violations in \
         Latakia province. The Russian-Turkish joint commission met in Idlib.",
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].side, Guarantor::Turkey);
    assert_eq!(governorates(&got[0]), vec![("SY-LA", Some(2))]);
}

#[test]
fn one_count_over_two_provinces_is_kept_whole() {
    let got = counts(
        "The Russian part of the joint commission registered 4 cases of firing in the \
         provinces of Idlib and Hama.",
    );
    assert_eq!(got[0].total, Some(4));
    assert_eq!(got[0].combined.len(), 1);
    assert_eq!(got[0].combined[0].codes, vec!["SY-ID", "SY-HM"]);
    assert_eq!(got[0].combined[0].count, 4);
    assert!(got[0].by_governorate.iter().all(|g| g.count.is_none()));
}

#[test]
fn one_each_gives_every_province_the_count() {
    let got = counts(
        "The Russian side registered two ceasefire violations, one each in Aleppo and Latakia.",
    );
    assert_eq!(
        governorates(&got[0]),
        vec![("SY-HL", Some(1)), ("SY-LA", Some(1))]
    );
    assert_eq!(got[0].total, Some(2));
}

#[test]
fn a_summary_and_its_detail_are_one_count() {
    let got = counts(
        "The Russian side registered 8 violations and the Turkish side registered 3 cases, \
         the ministry said.\n\n\"The Russian part of the commission registered 8 cases of \
         firing: Idlib - 5, Hama - 3,\" the ministry said.",
    );
    let russia: Vec<_> = got.iter().filter(|b| b.side == Guarantor::Russia).collect();
    assert_eq!(russia.len(), 1);
    assert_eq!(russia[0].total, Some(8));
    assert_eq!(
        governorates(russia[0]),
        vec![("SY-ID", Some(5)), ("SY-HM", Some(3))]
    );
}

#[test]
fn two_breakdowns_of_one_side_stay_two_reports() {
    let day = "The Turkish side registered 4 cases of firing in Hama (2) and Idlib (2).\n\n";
    let got = counts(&day.repeat(2));
    assert_eq!(got.len(), 2);
}

#[test]
fn the_body_total_wins_over_the_headline_which_stays_visible() {
    let got = counts(
        "Russian military registers 10 ceasefire violations in Syria\n\nOver the past day the \
         Russian side registered 11 violations in Aleppo (6) and Latakia (5).",
    );
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].total, Some(11));
    assert_eq!(got[0].headline_total, Some(10));
}

#[test]
fn counters_are_read_and_background_is_not_an_event() {
    let text = "The Russian side registered 3 cases of firing in Latakia province, carried out \
                by Jabhat al-Nusra (a terrorist organisation banned in Russia).\n\nThe number \
                of settlements that joined the reconciliation process has reached 2,381. The \
                number of armed formations that declared their commitment to the ceasefire has \
                not changed - 64.\n\nPhoto: a Russian military convoy near Aleppo, 12 December 2016.";
    let doc = Document::new(text, Some(jiff::civil::date(2018, 1, 15)), None);
    let all = extract(&doc).expect("English");
    assert_eq!(all.len(), 1, "{all:?}");
    let Candidate::BulletinCount(b) = &all[0] else {
        panic!("a bulletin count");
    };
    assert_eq!(b.counters.settlements_reconciled, Some(2381));
    assert_eq!(b.counters.formations_joined, Some(64));
    assert!(!b.excluded_target);
}

#[test]
fn a_list_in_the_next_paragraph_belongs_to_the_total_before_it() {
    let got = counts(
        "The Russian side registered 9 ceasefire violations in the provinces of:\n\nIdlib - 6;\n\
         Latakia - 3.\n\nThe Turkish side registered 2 violations in Aleppo province.",
    );
    assert_eq!(got.len(), 2);
    assert_eq!(
        governorates(&got[0]),
        vec![("SY-ID", Some(6)), ("SY-LA", Some(3))]
    );
    // A list that does not add up to the total is not taken.
    let got =
        counts("The Russian side registered 9 ceasefire violations.\n\nIdlib - 2;\nLatakia - 3.");
    assert!(got[0].by_governorate.iter().all(|g| g.count.is_none()));
}

#[test]
fn the_russian_reporting_verb_is_read_in_every_gender_and_number() {
    for verb in [
        "зафиксировала",
        "зафиксировали",
        "зарегистрировала",
        "зарегистрировали",
        "выявила",
        "выявили",
        "отметила",
    ] {
        let text = format!(
            "Российская часть совместной комиссии {verb} 5 обстрелов в провинциях: Идлиб – 3, \
             Латакия – 2."
        );
        let got = counts(&text);
        assert_eq!(got.len(), 1, "{verb}: {got:?}");
        assert_eq!(got[0].side, Guarantor::Russia, "{verb}");
        assert_eq!(got[0].total, Some(5), "{verb}");
        assert_eq!(
            governorates(&got[0]),
            vec![("SY-ID", Some(3)), ("SY-LA", Some(2))],
            "{verb}"
        );
    }
}

#[test]
fn an_arabic_count_in_parentheses_after_a_governorate_is_its_count() {
    let got = counts(
        "رصد الجانب الروسي 3 انتهاكات في محافظة إدلب (3)، فيما سجل الجانب التركي 5 انتهاكات في \
         محافظات حلب (2) واللاذقية (3).",
    );
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].side, Guarantor::Russia);
    assert_eq!(governorates(&got[0]), vec![("SY-ID", Some(3))]);
    assert_eq!(got[1].side, Guarantor::Turkey);
    assert_eq!(got[1].total, Some(5));
    assert_eq!(
        governorates(&got[1]),
        vec![("SY-HL", Some(2)), ("SY-LA", Some(3))]
    );
}
