//! Print precision and recall per field on the project's test set:
//! `cargo run -p truce-extract --example evaluate [-- --failures]`. The
//! layouts sets (bulletins, and news in Russian, Arabic and Turkish) are
//! scored per language: each field name starts with its ISO 639-1 code.

#[path = "../tests/support/eval.rs"]
mod eval;

const BULLETINS: &str = include_str!("../testdata/bulletins.toml");
const NEWS: &str = include_str!("../testdata/news.toml");
const HELDOUT_BULLETINS: &str = include_str!("../testdata/heldout_bulletins.toml");
const HELDOUT_NEWS: &str = include_str!("../testdata/heldout_news.toml");
const LAYOUTS: &str = include_str!("../testdata/layouts.toml");
const HELDOUT_LAYOUTS: &str = include_str!("../testdata/layouts_heldout.toml");
const NEWS_LAYOUTS: &str = include_str!("../testdata/news_layouts.toml");
const HELDOUT_NEWS_LAYOUTS: &str = include_str!("../testdata/news_layouts_heldout.toml");

fn main() {
    let failures = std::env::args().any(|a| a == "--failures");
    for (name, bulletins, news) in [
        ("test set (gated)", BULLETINS, NEWS),
        (
            "held-out set (not tuned on)",
            HELDOUT_BULLETINS,
            HELDOUT_NEWS,
        ),
    ] {
        let report = eval::evaluate(bulletins, news);
        println!(
            "== {name}: {} bulletins, {} news events",
            report.bulletins, report.news_events
        );
        print!("{}", report.table());
        if failures {
            for f in &report.failures {
                println!("  {f}");
            }
        }
        println!();
    }
    for (name, set) in [
        ("layouts of published bulletins", LAYOUTS),
        ("held-out layouts (not tuned on)", HELDOUT_LAYOUTS),
    ] {
        let report = eval::evaluate_layouts(set);
        println!(
            "== {name}, by language (en, ru, ar, tr): {} bulletins",
            report.bulletins
        );
        print!("{}", report.table());
        if failures {
            for f in &report.failures {
                println!("  {f}");
            }
        }
        println!();
    }
    for (name, set) in [
        ("news layouts", NEWS_LAYOUTS),
        ("held-out news layouts (not tuned on)", HELDOUT_NEWS_LAYOUTS),
    ] {
        let report = eval::evaluate_news_layouts(set);
        println!(
            "== {name}, by language (ru, ar, tr): {} news events",
            report.news_events
        );
        print!("{}", report.table());
        if failures {
            for f in &report.failures {
                println!("  {f}");
            }
        }
        println!();
    }
}
