//! English: bulletins and news. Bulletin segments are read first;
//! the news reader then reads the sentences they do not cover, so a
//! bulletin's "registered 7 cases of firing" is not also a news event.

mod actors;
mod bulletin;
mod dates;
mod lexicon;
mod news;
mod numbers;
mod relative;
mod sides;
mod text;

use super::{Language, LanguagePack};
use crate::candidate::Candidate;
use crate::document::Document;
use crate::locate::Locator;

pub(crate) use dates::{nearest_weekday, yearless};
pub use numbers::{number_at, quantity_at};

/// The English language pack.
pub struct English;

/// Builds the English patterns and indexes now rather than on first use.
pub(crate) fn build_tables() {
    actors::build_tables();
    bulletin::build_tables();
    dates::build_tables();
    lexicon::build_tables();
    news::build_tables();
    relative::build_tables();
    sides::build_tables();
}

impl LanguagePack for English {
    fn language(&self) -> Language {
        Language::En
    }

    fn extract(&self, doc: &Document, locator: &dyn Locator) -> Vec<Candidate> {
        let text = doc.text.as_str();
        let sentence_spans = text::sentences(text);
        // One pass of the date pattern over the whole text; a mention asks
        // whether its own sentence looks ahead (only sentences with a date
        // are ever checked).
        // The sentences are in order and apart: the one holding `at` is
        // found by bisection.
        let is_future = |at: usize| {
            let after = sentence_spans.partition_point(|s| s.start <= at);
            after
                .checked_sub(1)
                .map(|i| sentence_spans[i])
                .filter(|s| at < s.end)
                .is_some_and(|s| news::is_future(&text[s.start..s.end]))
        };
        let dates = dates::find_dates(text, doc.published, is_future);
        // Each automaton runs once over the whole text.
        let locs = locator.locate(text);
        let triggers = lexicon::find_triggers(text);
        let (bulletins, mut covered) =
            bulletin::read_bulletins(text, &sentence_spans, &dates, &locs, &triggers, locator);
        // A photo caption describes an old picture ("a convoy near Aleppo,
        // 12 December 2016"), not an event of the day.
        covered.extend(
            sentence_spans
                .iter()
                .filter(|s| is_caption(&text[s.start..s.end])),
        );
        let mut out: Vec<Candidate> = bulletins
            .into_iter()
            .map(Candidate::BulletinCount)
            .collect();
        let found = news::Found {
            sentences: &sentence_spans,
            dates: &dates,
            locs: &locs,
            triggers: &triggers,
        };
        out.extend(news::merge_duplicates(news::read_news(
            text,
            doc.published,
            &found,
            &covered,
        )));
        out
    }
}

/// Whether a sentence is a picture's caption or credit.
fn is_caption(sentence: &str) -> bool {
    [
        "photo",
        "file photo",
        "image",
        "picture",
        "caption",
        "pictured",
    ]
    .iter()
    .any(|w| {
        text::starts_with_ci(sentence, w)
            && sentence[w.len()..]
                .trim_start()
                .starts_with([':', '-', '|'])
    })
}
