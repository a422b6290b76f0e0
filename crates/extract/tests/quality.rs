//! Quality gate on the project's test set: per-governorate counts exact on
//! at least 95% of bulletins; event type, date and governorate right on at
//! least 85% of news events. Run `cargo run -p truce-extract --example
//! evaluate` for the full table.

#[path = "support/eval.rs"]
mod eval;

const BULLETINS: &str = include_str!("../testdata/bulletins.toml");
const NEWS: &str = include_str!("../testdata/news.toml");

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
