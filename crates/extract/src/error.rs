//! The crate's one error type. Every refusal names its reason so that the
//! review queue can show it to a person without a stack trace.

use thiserror::Error;

/// Why a text could not be read or extracted.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The input is larger than [`crate::MAX_INPUT_BYTES`].
    #[error("input too large: {size} bytes (limit {limit})")]
    TooLarge { size: usize, limit: usize },
    /// The input contains NUL bytes or is not text in any known encoding.
    #[error("binary input: {0}")]
    Binary(String),
    /// The input declares an encoding we do not know.
    #[error("unknown encoding: {0}")]
    UnknownEncoding(String),
    /// HTML that cannot be read reliably (e.g. a tag or comment left open).
    #[error("malformed HTML: {0}")]
    MalformedHtml(String),
    /// An RSS or Atom feed that is not well-formed XML or has no items.
    #[error("malformed feed: {0}")]
    MalformedFeed(String),
    /// A language we recognise but have no patterns for; never guessed at.
    #[error("unsupported language: {0}")]
    UnsupportedLanguage(String),
    /// The input has no text at all once markup is removed.
    #[error("empty input")]
    Empty,
}
