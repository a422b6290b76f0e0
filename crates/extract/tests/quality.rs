//! Quality gate on the project's test set: per-governorate counts exact on
//! at least 95% of bulletins; event type, date and governorate right on at
//! least 85% of news events; the bulletin layouts in four languages read
//! exactly; news in Russian, Arabic and Turkish with every field at least
//! 80% right and 80% precise in each language. Run `cargo run -p
//! truce-extract --example evaluate` for the full table.

#[path = "support/eval.rs"]
mod eval;

const BULLETINS: &str = include_str!("../testdata/bulletins.toml");
const NEWS: &str = include_str!("../testdata/news.toml");
const LAYOUTS: &str = include_str!("../testdata/layouts.toml");
const NEWS_LAYOUTS: &str = include_str!("../testdata/news_layouts.toml");

#[test]
fn test_set_meets_the_goals() {
    let report = eval::evaluate(BULLETINS, NEWS);
    println!("{}", report.table());
    for f in &report.failures {
        println!("  {f}");
    }
    assert!(report.bulletins >= 60, "at least 60 bulletins in the set");
    assert!(
        report.news_events >= 30,
        "at least 30 news events in the set"
    );
    let exact = report.bulletins_exact as f64 / report.bulletins as f64;
    assert!(
        exact >= 0.95,
        "per-governorate counts exact on {exact:.3} of bulletins"
    );
    for field in ["news.type", "news.date", "news.governorate"] {
        let recall = report.field(field).recall();
        assert!(
            recall >= 0.85,
            "{field} right on {recall:.3} of news events"
        );
    }
}

#[test]
fn bulletin_layouts_in_four_languages_are_read_exactly() {
    let report = eval::evaluate_layouts(LAYOUTS);
    println!("{}", report.table());
    for f in &report.failures {
        println!("  {f}");
    }
    assert!(report.bulletins >= 25, "at least 25 layouts in the set");
    assert_eq!(
        report.bulletins_exact, report.bulletins,
        "every layout read exactly"
    );
}

#[test]
fn news_in_russian_arabic_and_turkish_meet_the_goals() {
    let report = eval::evaluate_news_layouts(NEWS_LAYOUTS);
    println!("{}", report.table());
    for f in &report.failures {
        println!("  {f}");
    }
    for lang in ["ru", "ar", "tr"] {
        let events = report.field(&format!("{lang}.news.type")).expected;
        assert!(
            events >= 4,
            "{lang}: at least 4 news events, {events} in the set"
        );
        for field in ["type", "date", "governorate", "actor1", "killed"] {
            let score = report.field(&format!("{lang}.news.{field}"));
            assert!(
                score.recall() >= 0.8 && score.precision() >= 0.8,
                "{lang}.news.{field}: precision {:.3}, recall {:.3}",
                score.precision(),
                score.recall()
            );
        }
    }
}
