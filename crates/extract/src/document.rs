//! A document: one text with what we know of where and when it came from.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::lang::{self, Language};

/// One text to extract from: a plain file, an HTML page, or one feed item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Plain text, markup removed and normalised; evidence spans are byte
    /// ranges into it.
    pub text: String,
    /// Publication date, the anchor for "on Saturday" or "over the past 24
    /// hours". Feeds give one per item; for plain text the caller may set it.
    pub published: Option<Date>,
    /// Where the text came from (a feed item's link), if known.
    pub source: Option<String>,
    /// Detected language.
    pub language: Language,
}

impl Document {
    /// A document from text, normalised (see [`crate::normalise`]), detecting
    /// its language.
    pub fn new(text: impl Into<String>, published: Option<Date>, source: Option<String>) -> Self {
        let mut text = text.into();
        if let std::borrow::Cow::Owned(normalised) = crate::normalise::normalise(&text) {
            text = normalised;
        }
        let language = lang::detect(&text);
        Document {
            text,
            published,
            source,
            language,
        }
    }
}
