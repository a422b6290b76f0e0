//! `Gazetteer::load` on small hand-made inputs: a country of two square
//! governorates, and malformed variants of its files.

use truce_gazetteer::{Gazetteer, GazetteerError, Target};

fn square(code: &str, name: &str, x0: f64) -> String {
    let x1 = x0 + 1.0;
    format!(
        r#"{{"type":"Feature","properties":{{"code":"{code}","name":"{name}"}},"geometry":{{"type":"Polygon","coordinates":[[[{x0},0],[{x1},0],[{x1},1],[{x0},1],[{x0},0]]]}}}}"#
    )
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn admin1() -> String {
    collection(&[
        square("XX-W", "Westland", 0.0),
        square("XX-E", "Eastland", 1.0),
    ])
}

const PLACES: &str = "# two towns\n\
name\tlatitude\tlongitude\tgovernorate\tpopulation\n\
Alpha Town\t0.5\t0.5\tXX-W\t10\n\
Beta\t0.5\t1.5\tXX-E\t20\n";

const VARIANTS: &str = "kind\tgovernorate\ttarget\tvariant\n\
governorate\tXX-W\t\tWest Land\n\
place\tXX-E\tBeta\tBetaville\n";

fn load(admin1: &str, places: &str, variants: &str) -> Result<Gazetteer, GazetteerError> {
    Gazetteer::load(admin1, places, variants)
}

fn error(admin1: &str, places: &str, variants: &str) -> String {
    match load(admin1, places, variants) {
        Ok(_) => panic!("accepted malformed input"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn loads_another_country() {
    let g = load(&admin1(), PLACES, VARIANTS).expect("valid input");
    assert_eq!(g.governorates().len(), 2);
    assert_eq!(
        g.governorate_at(0.5, 0.5).map(|g| g.code.as_str()),
        Some("XX-W")
    );
    assert_eq!(
        g.governorate_at(1.5, 0.5).map(|g| g.code.as_str()),
        Some("XX-E")
    );
    assert_eq!(g.governorate_at(2.5, 0.5), None);
    assert_eq!(g.bounds(), (0.0, 0.0, 2.0, 1.0));
    assert_eq!(
        g.governorate_named("west land province")
            .map(|g| g.code.as_str()),
        Some("XX-W")
    );
    assert_eq!(
        g.places_named("betaville").first().map(|p| p.name.as_str()),
        Some("Beta")
    );
    let found = g.find_names("From Betaville to Westland");
    assert_eq!(found.len(), 2);
    assert!(matches!(found[0].target, Target::Place(p) if p.name == "Beta"));
    assert!(matches!(found[1].target, Target::Governorate(g) if g.code == "XX-W"));
    assert_eq!(g.admin1_geojson(), admin1());
}

#[test]
fn refuses_text_that_is_not_geojson() {
    let e = error("not json", PLACES, VARIANTS);
    assert!(e.starts_with("admin1.geojson:"), "{e}");
    let e = error(r#"{"type":"Point","coordinates":[0,0]}"#, PLACES, VARIANTS);
    assert!(e.contains("FeatureCollection"), "{e}");
}

#[test]
fn names_the_feature_without_a_code() {
    let bad = square("XX-E", "Eastland", 1.0).replace(r#""code":"XX-E","#, "");
    let e = error(
        &collection(&[square("XX-W", "Westland", 0.0), bad]),
        PLACES,
        VARIANTS,
    );
    assert!(e.starts_with("admin1.geojson, feature 1:"), "{e}");
    assert!(e.contains("`code`"), "{e}");
}

#[test]
fn names_the_feature_with_a_bad_geometry() {
    let line = r#"{"type":"Feature","properties":{"code":"XX-E","name":"Eastland"},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}"#;
    let e = error(
        &collection(&[square("XX-W", "Westland", 0.0), line.into()]),
        PLACES,
        VARIANTS,
    );
    assert!(e.starts_with("admin1.geojson, feature 1 (XX-E):"), "{e}");
    assert!(e.contains("LineString"), "{e}");

    let open = square("XX-E", "Eastland", 1.0).replace("[1,0]]]", "[1.5,0]]]");
    let e = error(
        &collection(&[square("XX-W", "Westland", 0.0), open]),
        PLACES,
        VARIANTS,
    );
    assert!(
        e.contains("feature 1 (XX-E)") && e.contains("not closed"),
        "{e}"
    );

    let far = square("XX-E", "Eastland", 500.0);
    let e = error(
        &collection(&[square("XX-W", "Westland", 0.0), far]),
        PLACES,
        VARIANTS,
    );
    assert!(
        e.contains("feature 1 (XX-E)") && e.contains("longitude/latitude"),
        "{e}"
    );
}

#[test]
fn refuses_a_duplicate_code() {
    let e = error(
        &collection(&[
            square("XX-W", "Westland", 0.0),
            square("XX-W", "Eastland", 1.0),
        ]),
        PLACES,
        VARIANTS,
    );
    assert!(
        e.contains("feature 1 (XX-W)") && e.contains("already used"),
        "{e}"
    );
}

#[test]
fn names_the_places_line() {
    let bad_lat = PLACES.replace("Beta\t0.5", "Beta\tnorth");
    let e = error(&admin1(), &bad_lat, VARIANTS);
    assert!(e.starts_with("places.tsv line 4: latitude `north`"), "{e}");

    let bad_gov = PLACES.replace("XX-E\t20", "XX-Q\t20");
    let e = error(&admin1(), &bad_gov, VARIANTS);
    assert!(
        e.starts_with("places.tsv line 4:") && e.contains("XX-Q"),
        "{e}"
    );

    let short = PLACES.replace("\tXX-E\t20", "");
    let e = error(&admin1(), &short, VARIANTS);
    assert!(e.starts_with("places.tsv line 4: 3 fields"), "{e}");

    let no_lat = PLACES.replace("latitude", "lat");
    let e = error(&admin1(), &no_lat, VARIANTS);
    assert!(e.contains("no `latitude` column"), "{e}");

    let e = error(&admin1(), "# only a comment\n", VARIANTS);
    assert!(e.starts_with("places.tsv line 1: no header"), "{e}");

    let bad_pop = PLACES.replace("\t20", "\tmany");
    let e = error(&admin1(), &bad_pop, VARIANTS);
    assert!(e.starts_with("places.tsv line 4: population `many`"), "{e}");
}

#[test]
fn names_the_variants_line() {
    let unknown = format!("{VARIANTS}place\tXX-W\tGamma\tGammaville\n");
    let e = error(&admin1(), PLACES, &unknown);
    assert!(
        e.starts_with("variants.tsv line 4: no place named `Gamma`"),
        "{e}"
    );

    let wrong_gov = format!("{VARIANTS}place\tXX-E\tAlpha Town\tAlphaville\n");
    let e = error(&admin1(), PLACES, &wrong_gov);
    assert!(e.starts_with("variants.tsv line 4:"), "{e}");

    let kind = format!("{VARIANTS}street\tXX-W\t\tHigh Street\n");
    let e = error(&admin1(), PLACES, &kind);
    assert!(
        e.starts_with("variants.tsv line 4: unknown kind `street`"),
        "{e}"
    );

    let clash = format!("{VARIANTS}governorate\tXX-E\t\tWestland\n");
    let e = error(&admin1(), PLACES, &clash);
    assert!(
        e.starts_with("variants.tsv line 4:") && e.contains("XX-W"),
        "{e}"
    );

    let no_code = format!("{VARIANTS}governorate\tXX-Z\t\tZedland\n");
    let e = error(&admin1(), PLACES, &no_code);
    assert!(
        e.starts_with("variants.tsv line 4: governorate `XX-Z`"),
        "{e}"
    );
}

#[test]
fn the_embedded_files_are_what_syria_serves() {
    let syria = truce_gazetteer::Gazetteer::syria();
    assert_eq!(syria.governorates().len(), 14);
    assert!(format!("{syria:?}").contains("governorates: 14"));
}
