//! Bytes to documents: size limit, encoding, format sniffing, and dispatch to
//! the HTML and feed readers.
//!
//! The order of checks is chosen so that every refusal is specific: size
//! first (cheapest, protects everything after), then byte-order marks and
//! declared encodings (so UTF-16 is not mistaken for binary because of its
//! NUL bytes), then NUL bytes and invalid UTF-8.

mod feed;
mod html;

use encoding_rs::Encoding;
use serde::{Deserialize, Serialize};

use crate::document::Document;
use crate::error::ExtractError;

pub use html::html_to_text;

/// The largest input [`crate::read`] accepts: 20 MiB. Real bulletins and
/// articles are kilobytes and feeds at most a few megabytes; anything larger
/// is a mistake or an attack, and refusing it keeps memory bounded.
pub const MAX_INPUT_BYTES: usize = 20 * 1024 * 1024;

/// What the caller believes the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Sniff: a feed root element, then HTML markers, else plain text.
    #[default]
    Auto,
    Text,
    Html,
    /// RSS 2.0 (or RSS 1.0/RDF) feed.
    Rss,
    /// Atom feed.
    Atom,
}

/// Read `bytes` as `hint` into documents: one for text and HTML, one per item
/// for feeds. Never panics; every refusal is an [`ExtractError`].
pub fn read(bytes: &[u8], hint: Format) -> Result<Vec<Document>, ExtractError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ExtractError::TooLarge {
            size: bytes.len(),
            limit: MAX_INPUT_BYTES,
        });
    }
    let text = decode(bytes)?;
    let format = match hint {
        Format::Auto => sniff(&text),
        other => other,
    };
    match format {
        Format::Rss | Format::Atom => feed::read_feed(&text),
        Format::Html => {
            let body = html_to_text(&text)?;
            one_document(body)
        }
        Format::Text | Format::Auto => one_document(normalise_text(text)),
    }
}

fn one_document(text: String) -> Result<Vec<Document>, ExtractError> {
    if text.trim().is_empty() {
        return Err(ExtractError::Empty);
    }
    Ok(vec![Document::new(text, None, None)])
}

/// Plain text: unify line endings so spans are stable, keep everything else.
fn normalise_text(text: String) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Decode bytes to text: BOM, then a declared charset, then strict UTF-8.
fn decode(bytes: &[u8]) -> Result<String, ExtractError> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..]);
    }
    if let Some(label) = declared_charset(bytes) {
        let encoding = Encoding::for_label(label.as_bytes())
            .ok_or_else(|| ExtractError::UnknownEncoding(label.clone()))?;
        // "replacement" is the WHATWG label for encodings that must never be
        // decoded (ISO-2022-KR and friends); treat it as unknown.
        if encoding == encoding_rs::REPLACEMENT {
            return Err(ExtractError::UnknownEncoding(label));
        }
        return decode_with(encoding, bytes);
    }
    if let Some(pos) = memchr_nul(bytes) {
        return Err(ExtractError::Binary(format!("NUL byte at offset {pos}")));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => check_controls(text).map(|()| text.to_string()),
        Err(e) => Err(ExtractError::Binary(format!(
            "invalid UTF-8 at offset {} and no encoding declared",
            e.valid_up_to()
        ))),
    }
}

fn decode_with(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, ExtractError> {
    // UTF-16 legitimately has NUL bytes; every other encoding we accept is
    // ASCII-compatible, where a NUL means binary data.
    if encoding != encoding_rs::UTF_16LE && encoding != encoding_rs::UTF_16BE {
        if let Some(pos) = memchr_nul(bytes) {
            return Err(ExtractError::Binary(format!("NUL byte at offset {pos}")));
        }
    }
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .ok_or_else(|| {
            ExtractError::Binary(format!("bytes that are not valid {}", encoding.name()))
        })?;
    check_controls(&text)?;
    Ok(text.into_owned())
}

fn memchr_nul(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(0, bytes)
}

/// Text where more than 1 in 100 characters is a C0 control (other than
/// tab, newline, carriage return, form feed) is binary in disguise.
fn check_controls(text: &str) -> Result<(), ExtractError> {
    let controls = text
        .bytes()
        .filter(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    if controls > 0 && controls * 100 > text.len() {
        return Err(ExtractError::Binary(format!(
            "{controls} control characters in {} bytes",
            text.len()
        )));
    }
    Ok(())
}

/// The charset an XML declaration or HTML meta tag names in the first
/// kilobytes, read as ASCII (every encoding we accept without a BOM is
/// ASCII-compatible there).
fn declared_charset(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(4096)];
    // Both kinds of declaration sit in markup; plain text (most bulletins)
    // is done with one byte scan instead of a lower-cased copy.
    if !head.contains(&b'<') {
        return None;
    }
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let after = if lower.starts_with(b"<?xml") {
        let end = find(&lower, b"?>")?;
        let decl = &lower[..end];
        let at = find(decl, b"encoding")?;
        &lower[at + b"encoding".len()..end]
    } else {
        let at = find(&lower, b"charset")?;
        // Only inside a tag: "charset" in running text is not a declaration.
        let open = lower[..at].iter().rposition(|&b| b == b'<')?;
        let close = lower[..at].iter().rposition(|&b| b == b'>');
        if close.is_some_and(|c| c > open) {
            return None;
        }
        &lower[at + b"charset".len()..]
    };
    let value: Vec<u8> = after
        .iter()
        .copied()
        .skip_while(|b| matches!(b, b' ' | b'=' | b'"' | b'\''))
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .collect();
    if value.is_empty() {
        return None;
    }
    String::from_utf8(value).ok()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Guess the format from the first element.
fn sniff(text: &str) -> Format {
    let head = crate::lang::prefix(text.trim_start(), 2048);
    // Every marker below is a tag: text without a '<' (most bulletins) is
    // done with one byte scan instead of a lower-cased copy and ten searches.
    if !head.contains('<') {
        return Format::Text;
    }
    let head = head.to_ascii_lowercase();
    if head.contains("<rss") || head.contains("<rdf:rdf") {
        return Format::Rss;
    }
    if head.contains("<feed") {
        return Format::Atom;
    }
    let markers = [
        "<!doctype html",
        "<html",
        "<body",
        "<p>",
        "<p ",
        "<div",
        "<br",
    ];
    if markers.iter().any(|m| head.contains(m)) {
        return Format::Html;
    }
    Format::Text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_huge_binary_and_unknown_encodings() {
        let huge = vec![b'a'; MAX_INPUT_BYTES + 1];
        assert!(matches!(
            read(&huge, Format::Text),
            Err(ExtractError::TooLarge { .. })
        ));
        assert!(matches!(
            read(b"abc\0def", Format::Auto),
            Err(ExtractError::Binary(_))
        ));
        assert!(matches!(
            read(b"abc \xff\xfe\xfd def", Format::Auto),
            Err(ExtractError::Binary(_))
        ));
        let klingon = b"<?xml version=\"1.0\" encoding=\"x-klingon\"?><rss></rss>";
        assert_eq!(
            read(klingon, Format::Auto),
            Err(ExtractError::UnknownEncoding("x-klingon".into()))
        );
        assert_eq!(read(b"   ", Format::Text), Err(ExtractError::Empty));
    }

    #[test]
    fn decodes_declared_and_bom_encodings() {
        let (win1251, _, _) = encoding_rs::WINDOWS_1251.encode("Привет");
        let mut html = b"<html><head><meta charset=\"windows-1251\"></head><body><p>".to_vec();
        html.extend_from_slice(&win1251);
        html.extend_from_slice(b"</p></body></html>");
        let docs = read(&html, Format::Auto).unwrap();
        assert_eq!(docs[0].text, "Привет");

        let mut utf16 = vec![0xFF, 0xFE];
        for unit in "The Russian side registered 3 cases.".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        let docs = read(&utf16, Format::Text).unwrap();
        assert!(docs[0].text.starts_with("The Russian side"));
    }
}
