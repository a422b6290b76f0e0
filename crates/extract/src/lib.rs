//! Text in, candidate reports out.
//!
//! `truce-extract` turns ceasefire bulletins ("the Russian side registered 7
//! cases of firing in the provinces of Latakia (6) and Aleppo (1)"), news
//! paragraphs and RSS/Atom feeds into [`Candidate`]s for a person to review:
//! bulletin counts per guarantor and governorate, events ("who did what to
//! whom, where and when"), and meetings. Every candidate carries a
//! confidence and the byte spans it was read from; [`render_evidence`] marks
//! them in the text.
//!
//! The library is pure: no files, network or database. [`read`] decodes and
//! cleans bytes into [`Document`]s; [`extract`] reads one document. Both
//! refuse bad input with an [`ExtractError`] and never panic.
//!
//! Languages are modules implementing [`LanguagePack`]; English is the only
//! one so far. Arabic, Russian, Turkish and Persian are recognised and
//! refused with [`ExtractError::UnsupportedLanguage`].
//!
//! Locations are found through the [`Locator`] trait. The default is the
//! project gazetteer (`truce-gazetteer`, one aho-corasick automaton over all
//! spellings); another implementation plugs in through [`extract_with`].

pub mod candidate;
mod document;
mod error;
mod input;
pub mod lang;
pub mod locate;
pub mod normalise;
mod render;
pub mod taxonomy;

pub use candidate::{
    Actor, BulletinCount, Candidate, Casualty, CasualtyGroup, CasualtyKind, Confidence,
    Confirmation, ConfirmationStatus, DateRange, Estimate, Event, Evidence, GovernorateCount,
    Guarantor, Location, Meeting, MeetingLevel, Span,
};
pub use document::Document;
pub use error::ExtractError;
pub use input::{html_to_text, read, Format, MAX_INPUT_BYTES};
pub use lang::{Language, LanguagePack};
pub use locate::{Located, Locator};
pub use normalise::normalise;
pub use render::render_evidence;
pub use taxonomy::{EventType, ViolationType};

/// Candidates in `doc`, locations resolved with the default locator.
pub fn extract(doc: &Document) -> Result<Vec<Candidate>, ExtractError> {
    extract_with(doc, locate::default_locator())
}

/// Candidates in `doc`, locations resolved with `locator`.
pub fn extract_with(doc: &Document, locator: &dyn Locator) -> Result<Vec<Candidate>, ExtractError> {
    if doc.text.len() > MAX_INPUT_BYTES {
        return Err(ExtractError::TooLarge {
            size: doc.text.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let pack = lang::pack_for(&doc.language)
        .ok_or_else(|| ExtractError::UnsupportedLanguage(doc.language.code().to_string()))?;
    Ok(pack.extract(doc, locator))
}
