use truce_model::PersonCategory;

use super::*;

fn person(latin: &str, father: &str, year: Option<u16>, origin: &str) -> Person {
    Person {
        name_arabic: String::new(),
        name_latin: latin.into(),
        father_name: father.into(),
        mother_name: String::new(),
        birth_year: year,
        origin: origin.into(),
        category: PersonCategory::Detainee,
        event_date: None,
        event_place: String::new(),
        holding_party: String::new(),
        woman: false,
        child: false,
        elderly: false,
        sick: false,
        notes: String::new(),
    }
}

fn all_same(key: fn(&str) -> String, spellings: &[&str]) {
    let first = key(spellings[0]);
    for spelling in spellings {
        assert_eq!(key(spelling), first, "{spelling} vs {}", spellings[0]);
    }
}

#[test]
fn transliterations_normalise_together() {
    all_same(
        name_key,
        &[
            "Mohammed",
            "Muhammad",
            "Mohamad",
            "Mohamed",
            "Mhd",
            "Muhammed",
            "Mouhammad",
        ],
    );
    all_same(name_key, &["Ahmad", "Ahmed"]);
    all_same(name_key, &["Hussein", "Husayn", "Hussain", "Hosein"]);
    all_same(
        name_key,
        &[
            "Abdul Rahman",
            "Abd al-Rahman",
            "Abdelrahman",
            "Abdurrahman",
            "Abd ar-Rahman",
        ],
    );
    all_same(
        name_key,
        &["al-Hasan", "el-Hasan", "Al Hasan", "Hasan", "Alhasan"],
    );
    all_same(name_key, &["ash-Shami", "al-Shami", "Shami", "Chami"]);
    all_same(name_key, &["Othman", "Osman"]);
    all_same(name_key, &["Sa'id", "Said", "Saʿīd"]);
    all_same(name_key, &["Nour al-Din", "Nour Eddine", "Nour ad-Din"]);
    all_same(name_key, &["Zeinab", "Zaynab", "Zainab"]);
    all_same(name_key, &["Fatima", "Fatimah"]);
    // Arabic script: hamza seats, taa marbuta, alef maqsura, harakat, tatweel, article.
    all_same(name_key, &["أحمد", "احمد", "أَحْمَد", "إحمد"]);
    all_same(name_key, &["فاطمة", "فاطمه"]);
    all_same(name_key, &["الحسن", "حسن", "حـسـن"]);
    all_same(name_key, &["عبد الرحمن", "عبدالرحمن"]);
}

#[test]
fn scripts_meet_in_the_skeleton() {
    let pairs = [
        ("Mohammed", "محمد"),
        ("Abdul Rahman", "عبد الرحمن"),
        ("Hussein", "حسين"),
        ("Youssef", "يوسف"),
        ("Omar al-Hasan", "عمر الحسن"),
        ("Othman", "عثمان"),
    ];
    for (latin, arabic) in pairs {
        assert_eq!(
            name_skeleton(latin),
            name_skeleton(arabic),
            "{latin} / {arabic}"
        );
    }
}

#[test]
fn kunya_and_compounds_are_one_word() {
    let words = name_tokens("Abu Omar Mohammed Abd al-Karim al-Hasan");
    let shown: Vec<&str> = words.iter().map(|w| w.display.as_str()).collect();
    assert_eq!(shown, ["Abu Omar", "Mohammed", "Abd al-Karim", "al-Hasan"]);
    assert!(words[0].kunya);
    assert!(words[3].article);
}

#[test]
fn the_true_person_ranks_above_a_namesake() {
    let sought = [person(
        "Muhammad Ahmad al-Hassan",
        "Ahmed",
        Some(1988),
        "Douma",
    )];
    let held = [
        person("Mohammed Khalid al-Hasan", "Khaled", Some(1975), "Douma"),
        person("Mohamad Ahmed Hasan", "Ahmad", Some(1989), "Duma"),
    ];
    let found = match_persons(&sought, &held, &MatchOptions::default());
    assert_eq!(found[0].held, 1);
    assert!(found[0].likely);
    assert!(found.iter().all(|c| c.held != 0 || !c.likely));
    let reasons = found[0].reasons.join("; ");
    assert!(
        reasons.contains("birth year 1988 vs 1989 (±1)"),
        "{reasons}"
    );
    assert!(
        reasons.contains("given name Muhammad ~ Mohamad (same after normalisation)"),
        "{reasons}"
    );
}

#[test]
fn a_name_in_arabic_finds_the_same_name_in_latin_letters() {
    let mut sought = person("", "أحمد", Some(1990), "حلب");
    sought.name_arabic = "محمود أحمد الخطيب".into();
    let held = [
        person("Mohammed Ahmad al-Khatib", "Ahmad", Some(1990), "Aleppo"),
        person("Mahmoud Ahmad al-Khatib", "Ahmad", Some(1990), "Aleppo"),
    ];
    let found = match_persons(&[sought], &held, &MatchOptions::default());
    assert_eq!(found[0].held, 1, "{found:?}");
}

#[test]
fn a_body_is_not_a_living_detainee() {
    let sought = person("Omar Hasan al-Ali", "Hasan", Some(1980), "Homs");
    let mut body = sought.clone();
    body.category = PersonCategory::Body;
    let mut missing = sought.clone();
    missing.category = PersonCategory::Missing;
    let options = MatchOptions::default();
    let against_body = match_persons(std::slice::from_ref(&sought), &[body.clone()], &options);
    let missing_found = match_persons(&[missing], &[body], &options);
    assert!(against_body[0].score < missing_found[0].score);
}
