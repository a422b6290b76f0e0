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
//! Languages are modules implementing [`LanguagePack`]. English reads
//! bulletins and news; Russian, Arabic and Turkish read bulletins and news
//! through two readers driven by tables of words and patterns per language
//! (`lang/register.rs` and `lang/news.rs`). Persian is
//! recognised and refused with [`ExtractError::UnsupportedLanguage`]. Every
//! text is normalised first ([`normalise`]), and a long one is read in
//! blocks of paragraphs, so reading time is linear in its length.
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
    Actor, BulletinCount, Candidate, Casualty, CasualtyGroup, CasualtyKind, CombinedCount,
    Confidence, Confirmation, ConfirmationStatus, Counters, DateRange, Estimate, Event, Evidence,
    GovernorateCount, Guarantor, Location, Meeting, MeetingLevel, Span,
};
pub use document::Document;
pub use error::ExtractError;
pub use input::{html_to_text, read, Format, MAX_INPUT_BYTES};
pub use lang::{build_tables, Language, LanguagePack};
pub use locate::{Located, Locator};
pub use normalise::normalise;
pub use render::render_evidence;
pub use taxonomy::{EventType, ViolationType};

/// Candidates in `doc`, locations resolved with the default locator.
pub fn extract(doc: &Document) -> Result<Vec<Candidate>, ExtractError> {
    extract_with(doc, locate::default_locator())
}

/// Candidates in `doc`, locations resolved with `locator`.
///
/// A long text is read in blocks of whole paragraphs of at most
/// [`BLOCK_BYTES`], each on its own (and on as many threads as the machine
/// has), so reading time grows with the length of the text and not with
/// its square: a report never runs across more than a few paragraphs,
/// while some steps of the readers look at every mention of a
/// paragraph-sized neighbourhood.
pub fn extract_with(doc: &Document, locator: &dyn Locator) -> Result<Vec<Candidate>, ExtractError> {
    if doc.text.len() > MAX_INPUT_BYTES {
        return Err(ExtractError::TooLarge {
            size: doc.text.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let pack = lang::pack_for(&doc.language)
        .ok_or_else(|| ExtractError::UnsupportedLanguage(doc.language.code().to_string()))?;
    if doc.text.len() <= BLOCK_BYTES {
        return Ok(pack.extract(doc, locator));
    }
    let parts = blocks(&doc.text, BLOCK_BYTES);
    let read = |(offset, block): (usize, &str)| {
        let part = Document {
            text: block.to_string(),
            published: doc.published,
            source: doc.source.clone(),
            language: doc.language.clone(),
        };
        let mut candidates = pack.extract(&part, locator);
        for c in &mut candidates {
            c.shift_evidence(offset);
        }
        candidates
    };
    // Moved into a vector of the right size at once: growing it as they
    // come copied a long text's candidates several times over.
    let read = in_parallel(&parts, read);
    let mut candidates = Vec::with_capacity(read.iter().map(Vec::len).sum());
    for part in read {
        candidates.extend(part);
    }
    Ok(candidates)
}

/// `f` of every item, in order, on as many threads as the machine offers:
/// the blocks of a long text are independent. Plain scoped threads taking
/// the next item from a shared counter, so the crate needs no thread pool.
pub(crate) fn in_parallel<T: Sync + Copy, R: Send>(
    items: &[T],
    f: impl Fn(T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(|&item| f(item)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&item) = items.get(i) else {
                            break done;
                        };
                        done.push((i, f(item)));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(done) => done,
                // A worker that panicked takes its panic to the caller, as
                // the same work on one thread would.
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    results.sort_unstable_by_key(|r| r.0);
    results.into_iter().map(|r| r.1).collect()
}

/// The size of the blocks a long text is read in.
pub const BLOCK_BYTES: usize = 32 * 1024;

/// `text` cut into blocks of at most `max` bytes (with their offsets),
/// preferably after a paragraph break, else after a line break, else after
/// a space, else on any character boundary.
fn blocks(text: &str, max: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let window = lang::prefix(&text[start..], max);
        let cut = window
            .rfind("\n\n")
            .map(|p| p + 2)
            .or_else(|| window.rfind('\n').map(|p| p + 1))
            .or_else(|| window.rfind(' ').map(|p| p + 1))
            .filter(|&p| p > 0)
            .unwrap_or(window.len().max(1));
        let cut = if window.is_empty() {
            // A single character longer than `max` cannot happen for
            // `max` >= 4; step over it anyway rather than loop.
            text[start..].chars().next().map_or(1, char::len_utf8)
        } else {
            cut
        };
        out.push((start, &text[start..start + cut]));
        start += cut;
    }
    if start < text.len() {
        out.push((start, &text[start..]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_cover_the_text_and_end_at_paragraphs() {
        let para = "The Russian side registered 7 cases of firing in Latakia (7).\n\n";
        let text = para.repeat(2000);
        let parts = blocks(&text, 1000);
        assert!(parts.len() > 1);
        let mut at = 0;
        for (offset, block) in &parts {
            assert_eq!(*offset, at);
            assert!(block.len() <= 1000);
            assert!(block.ends_with("\n\n"));
            at += block.len();
        }
        assert_eq!(at, text.len());
        // No break at all: cut on character boundaries, never inside one.
        let text = "дамаск".repeat(500);
        let parts = blocks(&text, 999);
        assert_eq!(parts.iter().map(|p| p.1.len()).sum::<usize>(), text.len());
    }

    #[test]
    fn a_long_text_gives_the_candidates_of_its_parts_at_their_places() {
        // Paragraphs that differ from their neighbours, so that none is read
        // as a repeat of the one before.
        let para = |n: usize| {
            format!(
                "Over the last 24 hours the Russian side registered {} cases of firing in the \
                 provinces of Latakia ({n}) and Aleppo (1); the Turkish side registered 4 cases \
                 of firing in Hama (2) and Idlib (2).\n\n",
                n + 1
            )
        };
        let published = Some(jiff::civil::date(2017, 4, 16));
        let mut text = String::new();
        let mut expected = Vec::new();
        for k in 0.. {
            let p = para(2 + k % 8);
            if text.len() + p.len() > BLOCK_BYTES * 3 {
                break;
            }
            for mut c in extract(&Document::new(p.as_str(), published, None)).expect("English") {
                c.shift_evidence(text.len());
                expected.push(c);
            }
            text.push_str(&p);
        }
        let all = extract(&Document::new(text, published, None)).expect("English");
        assert!(expected.len() > 1000);
        assert_eq!(all.len(), expected.len());
        for (k, (got, want)) in all.iter().zip(&expected).enumerate() {
            assert!(got == want, "candidate {k}: {got:?} != {want:?}");
        }
    }
}
