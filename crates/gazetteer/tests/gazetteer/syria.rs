//! Checks of the embedded Syria data and of the lookups over it.

use std::collections::BTreeSet;

use truce_gazetteer::{Gazetteer, Governorate, Place, Target};

fn syria() -> &'static Gazetteer {
    Gazetteer::syria()
}

const CODES: [&str; 14] = [
    "SY-DI", "SY-RD", "SY-DR", "SY-SU", "SY-QU", "SY-HM", "SY-HI", "SY-ID", "SY-HL", "SY-LA",
    "SY-TA", "SY-RA", "SY-DY", "SY-HA",
];

/// Places whose GeoNames governorate differs from the one Natural Earth's polygons
/// give their point, and why. Nothing else may disagree.
const KNOWN_DISAGREEMENTS: &[(&str, &str)] = &[
    // Israeli-occupied Golan: GeoNames files it under Quneitra, Natural Earth
    // draws it with Israel, so the point is outside every governorate.
    ("Buq‘ātā", "occupied Golan"),
    ("Mas‘adah", "occupied Golan"),
    // On the Turkish border; the 1:10m line passes a few hundred metres south.
    (
        "‘Ayn al ‘Arab",
        "border town, 0.5 km outside the 1:10m line",
    ),
    ("Tall Abyaḑ", "border town, 0.4 km outside the 1:10m line"),
    ("Kassab", "border town, 0.7 km outside the 1:10m line"),
    // An island 3 km offshore; Natural Earth's admin-1 leaves it out.
    ("Arwād", "island missing from the admin-1 polygons"),
    // Desert east of Damascus: GeoNames says Rif Dimashq, Natural Earth's
    // Homs/Rif Dimashq line puts the point some 18 km inside Homs.
    (
        "As Sab‘ Biyār",
        "sources draw the Homs/Rif Dimashq line differently",
    ),
    (
        "Nāḩiyat as Sab‘ Biyār",
        "sources draw the Homs/Rif Dimashq line differently",
    ),
];

fn code_at(lon: f64, lat: f64) -> Option<&'static str> {
    syria().governorate_at(lon, lat).map(|g| g.code.as_str())
}

fn gov(t: &Target<'static>) -> Option<&'static str> {
    match *t {
        Target::Governorate(g) => Some(g.code.as_str()),
        Target::Place(_) => None,
    }
}

fn place(t: &Target<'static>) -> Option<&'static str> {
    match *t {
        Target::Place(p) => Some(p.name.as_str()),
        Target::Governorate(_) => None,
    }
}

#[test]
fn fourteen_governorates_each_code_once() {
    let g = syria().governorates();
    assert_eq!(g.len(), 14);
    let codes: BTreeSet<&str> = g.iter().map(|g| g.code.as_str()).collect();
    assert_eq!(codes, CODES.into_iter().collect());
    for code in CODES {
        assert_eq!(g.iter().filter(|g| g.code == code).count(), 1, "{code}");
        assert_eq!(
            syria().governorate(code).map(|g| g.code.as_str()),
            Some(code)
        );
        let gov = syria().governorate(code).expect("present");
        assert!(gov.name_ar.is_some(), "{code} has an Arabic name");
        assert!(!gov.boundary.0.is_empty(), "{code} has a boundary");
    }
    assert!(syria().governorate("SY-XX").is_none());
}

#[test]
fn governorates_have_their_names_in_the_guarantors_languages() {
    let name = |code: &str, lang: &str| {
        syria()
            .governorate(code)
            .and_then(|g| g.name_in(lang))
            .map(str::to_string)
    };
    assert_eq!(name("SY-LA", "ru").as_deref(), Some("Латакия"));
    assert_eq!(name("SY-HL", "tr").as_deref(), Some("Halep"));
    assert_eq!(name("SY-LA", "fa").as_deref(), Some("لاذقیه"));
    assert_eq!(name("SY-ID", "en").as_deref(), Some("Idlib"));
    assert_eq!(name("SY-ID", "de"), None);
    // Natural Earth gives Rif Dimashq the Russian name of Damascus; a name
    // that would send counts to the wrong governorate is not kept for either.
    assert_eq!(name("SY-RD", "ru"), None);
    assert_eq!(name("SY-DI", "ru"), None);
    for lang in ["ar", "ru", "tr", "fa"] {
        let names: Vec<String> = CODES.iter().filter_map(|c| name(c, lang)).collect();
        let distinct: BTreeSet<&String> = names.iter().collect();
        assert_eq!(names.len(), distinct.len(), "{lang} names are distinct");
        assert!(names.len() >= 12, "{lang}: {} names", names.len());
    }
}

#[test]
fn each_place_lies_in_its_governorate_but_documented_exceptions() {
    let places = syria().places();
    assert!(places.len() > 280, "{} places", places.len());
    let mut disagree = Vec::new();
    for p in places {
        let at = code_at(p.lon, p.lat);
        if at != Some(p.governorate.as_str()) {
            disagree.push((p.name.as_str(), p.governorate.as_str(), at));
        }
    }
    eprintln!(
        "{} of {} places agree; disagreeing: {disagree:?}",
        places.len() - disagree.len(),
        places.len()
    );
    for (name, recorded, at) in &disagree {
        assert!(
            KNOWN_DISAGREEMENTS.iter().any(|(n, _)| n == name),
            "{name}: recorded {recorded}, polygon says {at:?}, and this is not a known exception"
        );
    }
    assert!(disagree.len() <= KNOWN_DISAGREEMENTS.len());
}

#[test]
fn known_points() {
    assert_eq!(code_at(36.29, 33.51), Some("SY-DI"), "Damascus");
    assert_eq!(code_at(37.16, 36.20), Some("SY-HL"), "Aleppo");
    assert_eq!(code_at(36.6339, 35.9306), Some("SY-ID"), "Idlib city");
    assert_eq!(code_at(36.72, 34.73), Some("SY-HI"), "Homs");
    assert_eq!(code_at(40.14, 35.336), Some("SY-DY"), "Deir ez-Zor");
    assert_eq!(
        code_at(35.8246, 33.126),
        Some("SY-QU"),
        "Quneitra, in the old UNDOF area"
    );
    assert_eq!(code_at(36.40, 33.55), Some("SY-RD"), "Douma");
    assert_eq!(code_at(44.36, 33.31), None, "Baghdad, Iraq");
    assert_eq!(code_at(35.30, 35.00), None, "Mediterranean");
    assert_eq!(code_at(35.50, 33.89), None, "Beirut, Lebanon");
    assert_eq!(code_at(f64::NAN, 33.0), None);
    assert!(syria().contains(38.0, 35.0));
    assert!(!syria().contains(30.0, 30.0));
}

#[test]
fn bounds_enclose_syria() {
    let (min_lon, min_lat, max_lon, max_lat) = syria().bounds();
    assert!((35.5..35.8).contains(&min_lon), "{min_lon}");
    assert!((32.2..32.4).contains(&min_lat), "{min_lat}");
    assert!((42.3..42.5).contains(&max_lon), "{max_lon}");
    assert!((37.2..37.4).contains(&max_lat), "{max_lat}");
}

#[test]
fn admin1_geojson_is_the_source_text() {
    let text = syria().admin1_geojson();
    assert!(text.starts_with("{\"type\":\"FeatureCollection\""));
    assert!(text.len() < 600_000);
    assert!(text.contains("\"code\":\"SY-HA\""));
}

fn named(name: &str) -> Option<&'static str> {
    syria().governorate_named(name).map(|g| g.code.as_str())
}

#[test]
fn governorate_spellings_resolve() {
    let cases: &[(&str, &[&str])] = &[
        (
            "SY-DR",
            &["Deraa", "Daraa", "Dar'a", "Dara'a", "Dar‘ā", "درعا"],
        ),
        (
            "SY-LA",
            &["Lattakia", "Latakia", "Al-Ladhiqiyah", "اللاذقية"],
        ),
        ("SY-ID", &["Idlib", "Idleb", "إدلب", "ادلب"]),
        ("SY-HL", &["Aleppo", "Halab", "حلب"]),
        ("SY-DI", &["Damascus", "Dimashq", "دمشق"]),
        (
            "SY-RD",
            &[
                "Rif Dimashq",
                "Damascus countryside",
                "Rural Damascus",
                "Reef Dimashq",
                "ريف دمشق",
            ],
        ),
        ("SY-QU", &["Quneitra", "Al-Qunaytirah", "القنيطرة"]),
        ("SY-SU", &["Suwayda", "Sweida", "As-Suwayda", "السويداء"]),
        (
            "SY-DY",
            &[
                "Deir ez-Zor",
                "Deir ez-Zour",
                "Deir Ezzor",
                "Dayr az-Zawr",
                "دير الزور",
            ],
        ),
        ("SY-HA", &["Hasakah", "Al-Hasakah", "Hasaka", "الحسكة"]),
        ("SY-RA", &["Raqqa", "Ar-Raqqah", "Rakka", "الرقة"]),
        ("SY-TA", &["Tartus", "Tartous", "طرطوس"]),
        ("SY-HI", &["Homs", "Hims", "حمص"]),
        ("SY-HM", &["Hama", "Hamah", "Ḩamāh", "حماة"]),
    ];
    for (code, spellings) in cases {
        for s in *spellings {
            assert_eq!(named(s), Some(*code), "{s}");
        }
    }
}

#[test]
fn governorate_names_ignore_case_articles_and_designators() {
    assert_eq!(named("province of Idlib"), Some("SY-ID"));
    assert_eq!(named("Idleb province"), Some("SY-ID"));
    assert_eq!(named("the Deir ez-Zor governorate"), Some("SY-DY"));
    assert_eq!(named("Governorate of Hama"), Some("SY-HM"));
    assert_eq!(named("DARAA"), Some("SY-DR"));
    assert_eq!(named("al raqqa"), Some("SY-RA"));
    assert_eq!(named("  Sweida  "), Some("SY-SU"));
    assert_eq!(named("muhafazat Halab"), Some("SY-HL"));
    assert_eq!(named("محافظة حلب"), Some("SY-HL"));
    assert_eq!(named("northern Hama countryside"), Some("SY-HM"));
    assert_eq!(named("Damascus countryside"), Some("SY-RD"));
    assert_eq!(named("SY-TA"), Some("SY-TA"));
    assert_eq!(named("Hamas"), None);
    assert_eq!(named("Baghdad"), None);
    assert_eq!(named(""), None);
}

#[test]
fn every_governorate_name_and_variant_resolves_to_it() {
    for g in syria().governorates() {
        for n in std::iter::once(&g.name)
            .chain(&g.name_ar)
            .chain(&g.variants)
        {
            assert_eq!(named(n), Some(g.code.as_str()), "{n}");
        }
    }
}

fn first_place(name: &str) -> Option<&'static Place> {
    syria().places_named(name).first().copied()
}

#[test]
fn town_spellings_resolve() {
    let cases: &[(&str, &str)] = &[
        ("Khan Shaykhun", "Khān Shaykhūn"),
        ("Khan Sheikhoun", "Khān Shaykhūn"),
        ("Maarat al-Numan", "Ma‘arrat an Nu‘mān"),
        ("Ma'arrat an-Nu'man", "Ma‘arrat an Nu‘mān"),
        ("Jisr al-Shughur", "Jisr ash Shughūr"),
        ("Jisr ash-Shughur", "Jisr ash Shughūr"),
        ("Saraqib", "Saraqib"),
        ("Douma", "Dūmā"),
        ("Harasta", "Ḩarastā"),
        ("Al-Bab", "Al Bāb"),
        ("Manbij", "Manbij"),
        ("Afrin", "‘Afrīn"),
        ("Kobani", "‘Ayn al ‘Arab"),
        ("Ayn al-Arab", "‘Ayn al ‘Arab"),
        ("Tell Rifaat", "Tall Rif‘at"),
        ("Palmyra", "Tadmur"),
        ("Tadmur", "Tadmur"),
        ("Abu Kamal", "Ālbū Kamāl"),
        ("Al-Bukamal", "Ālbū Kamāl"),
        ("Qamishli", "Al Qāmishlī"),
        ("Ras al-Ayn", "Ra’s al ‘Ayn"),
        ("Ras al-Ain", "Ra’s al ‘Ayn"),
        ("Tal Abyad", "Tall Abyaḑ"),
        ("Azaz", "I‘zāz"),
        ("Tabqa", "Al-Tabqa"),
        ("Darayya", "Dārayyā"),
        ("Daraya", "Dārayyā"),
        ("Yarmouk camp", "al-Yarmūk"),
        ("Bosra", "Buşrá ash Shām"),
        ("Shaddadi", "Ash Shaddādah"),
        ("al-Hol", "Al Ḩawl"),
        ("Ain Issa", "‘Ayn ‘Īsá"),
        ("Mayadin", "Al Mayādīn"),
        ("the city of Homs", "Homs"),
        ("منبج", "Manbij"),
    ];
    for (spelling, want) in cases {
        let got = first_place(spelling).map(|p| p.name.as_str());
        assert_eq!(got, Some(*want), "{spelling}");
    }
}

#[test]
fn every_place_is_found_by_its_own_name() {
    for p in syria().places() {
        assert!(
            syria()
                .places_named(&p.name)
                .iter()
                .any(|q| std::ptr::eq(*q, p)),
            "{}",
            p.name
        );
    }
}

#[test]
fn same_name_places_come_most_populous_first() {
    let suran = syria().places_named("Suran");
    assert_eq!(suran.len(), 2);
    assert_eq!(suran[0].governorate, "SY-HM", "the larger Suran is in Hama");
    assert!(suran[0].population >= suran[1].population);
}

#[test]
fn places_carry_geonames_fields() {
    let aleppo = first_place("Aleppo").expect("Aleppo");
    assert_eq!(aleppo.geonameid, Some(170063));
    assert!(aleppo.population.unwrap_or(0) > 1_000_000);
    assert_eq!(aleppo.governorate, "SY-HL");
    assert!(syria().places().iter().any(|p| p.district.is_some()));
}

// ------------------------------------------------------------------ find_names

fn spans(text: &str) -> Vec<(&str, Option<&'static str>, Option<&'static str>)> {
    syria()
        .find_names(text)
        .iter()
        .map(|m| (&text[m.start..m.end], gov(&m.target), place(&m.target)))
        .collect()
}

#[test]
fn finds_two_governorates_with_spans() {
    let text = "shelling in Deir ez-Zor and Idleb provinces";
    let found = syria().find_names(text);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].start, found[0].end), (12, 23));
    assert_eq!(&text[found[0].start..found[0].end], "Deir ez-Zor");
    assert_eq!(gov(&found[0].target), Some("SY-DY"));
    assert_eq!((found[1].start, found[1].end), (28, 33));
    assert_eq!(gov(&found[1].target), Some("SY-ID"));
}

#[test]
fn no_match_inside_words() {
    assert!(spans("Hamas said").is_empty(), "{:?}", spans("Hamas said"));
    assert!(spans("Homsville, Idlibian, subhama").is_empty());
    assert_eq!(
        spans("Hamas fighters left Hama"),
        vec![("Hama", Some("SY-HM"), None)]
    );
    assert_eq!(
        spans("Aleppo's countryside"),
        vec![("Aleppo", Some("SY-HL"), None)]
    );
    assert_eq!(spans("(Hama-based)"), vec![("Hama", Some("SY-HM"), None)]);
}

#[test]
fn longest_name_wins() {
    assert_eq!(
        spans("in Damascus countryside and Damascus"),
        vec![
            ("Damascus countryside", Some("SY-RD"), None),
            ("Damascus", Some("SY-DI"), None)
        ]
    );
    assert_eq!(
        spans("Rif Dimashq"),
        vec![("Rif Dimashq", Some("SY-RD"), None)]
    );
    assert_eq!(
        spans("Idlib city"),
        vec![("Idlib city", None, Some("Idlib"))]
    );
    assert_eq!(
        spans("the city of Aleppo"),
        vec![("city of Aleppo", None, Some("Aleppo"))]
    );
}

#[test]
fn finds_towns_in_any_common_spelling() {
    let text = "Shelling hit Khan Sheikhoun, Ma'arrat al-Nu'man and JISR AL-SHUGHUR; \
                Kobani and Tell Rifaat were quiet, as was al-Bab.";
    let got: Vec<_> = spans(text).into_iter().map(|(s, _, p)| (s, p)).collect();
    assert_eq!(
        got,
        vec![
            ("Khan Sheikhoun", Some("Khān Shaykhūn")),
            ("Ma'arrat al-Nu'man", Some("Ma‘arrat an Nu‘mān")),
            ("JISR AL-SHUGHUR", Some("Jisr ash Shughūr")),
            ("Kobani", Some("‘Ayn al ‘Arab")),
            ("Tell Rifaat", Some("Tall Rif‘at")),
            ("al-Bab", Some("Al Bāb")),
        ]
    );
}

#[test]
fn english_words_are_not_places() {
    // "at Tall Rifaat" is not the town At Tall followed by "Rifaat".
    assert_eq!(
        spans("fired at Tall Rifaat"),
        vec![("Tall Rifaat", None, Some("Tall Rif‘at"))]
    );
    // Capitalised at the start of a sentence, "At" still yields to the longer name.
    assert_eq!(
        spans("At Tall Rifaat, shelling"),
        vec![("Tall Rifaat", None, Some("Tall Rif‘at"))]
    );
    // The town At Tall itself is still found.
    assert_eq!(
        spans("in At Tall and al-Tal"),
        vec![
            ("At Tall", None, Some("At Tall")),
            ("al-Tal", None, Some("At Tall"))
        ]
    );
    assert!(spans("a kick to the shin").is_empty());
    assert_eq!(spans("Shin village"), vec![("Shin", None, Some("Shīn"))]);
    // Sinjar is searched as the Iraqi district it usually names: not at all.
    assert!(spans("Sinjar").is_empty());
    assert_eq!(
        first_place("Sinjar").map(|p| p.governorate.as_str()),
        Some("SY-ID")
    );
}

#[test]
fn offsets_are_bytes_in_unicode_text() {
    let text = "قصف على حلب و«Idlib» — Ḩamāh";
    let found = spans(text);
    assert_eq!(
        found,
        vec![
            ("حلب", Some("SY-HL"), None),
            ("Idlib", Some("SY-ID"), None),
            ("Ḩamāh", Some("SY-HM"), None)
        ]
    );
}

#[test]
fn every_searchable_place_is_found_by_its_name() {
    for (i, p) in syria().places().iter().enumerate() {
        if p.name == "Sinjār" {
            continue;
        }
        let found = syria().find_names(&p.name);
        assert_eq!(found.len(), 1, "{} -> {found:?}", p.name);
        let m = &found[0];
        assert_eq!((m.start, m.end), (0, p.name.len()), "{}", p.name);
        let ok = match m.target {
            Target::Place(q) => std::ptr::eq(q, p) || q.name == p.name,
            Target::Governorate(Governorate { code, .. }) => *code == p.governorate,
        };
        assert!(ok, "place {i} {} -> {:?}", p.name, m.target);
    }
}

/// The point test files each boundary's edges by latitude; it must answer
/// as the plain test over every edge (`geo`'s) does, on the real
/// boundaries: on a grid over the country and a margin around it, and on
/// every vertex and the middle of every edge, where a point is on a
/// boundary or between two governorates.
#[test]
fn the_banded_point_test_agrees_with_the_plain_one_everywhere() {
    use geo::coordinate_position::CoordPos;
    use geo::{Coord, CoordinatePosition};
    let plain = |lon: f64, lat: f64| {
        let point = Coord { x: lon, y: lat };
        syria()
            .governorates()
            .iter()
            .find(|g| g.boundary.coordinate_position(&point) != CoordPos::Outside)
            .map(|g| g.code.as_str())
    };
    let (west, south, east, north) = syria().bounds();
    let mut points: Vec<(f64, f64)> = Vec::new();
    let steps = 300;
    for i in 0..=steps {
        for j in 0..=steps {
            let lon = west - 0.2 + (east - west + 0.4) * f64::from(i) / f64::from(steps);
            let lat = south - 0.2 + (north - south + 0.4) * f64::from(j) / f64::from(steps);
            points.push((lon, lat));
        }
    }
    for g in syria().governorates() {
        for polygon in &g.boundary.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for line in ring.lines() {
                    points.push((line.start.x, line.start.y));
                    points.push((
                        (line.start.x + line.end.x) / 2.0,
                        (line.start.y + line.end.y) / 2.0,
                    ));
                }
            }
        }
    }
    let mut inside = 0;
    for &(lon, lat) in &points {
        let banded = code_at(lon, lat);
        assert_eq!(banded, plain(lon, lat), "at {lon}, {lat}");
        inside += usize::from(banded.is_some());
    }
    // The grid is not all outside (a test that finds nothing proves nothing).
    assert!(inside > points.len() / 3, "{inside} of {}", points.len());
}
