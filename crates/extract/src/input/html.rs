//! HTML to plain text with boilerplate removed.
//!
//! A small hand-written tokenizer rather than a full HTML5 parser: we need
//! only text, paragraph breaks, and which subtrees to drop, and a single
//! linear pass over the bytes is both faster and easier to keep panic-free
//! than building a DOM. Browsers forgive nearly everything; we forgive what
//! does not put the text in doubt (stray `<`, unclosed `<p>`, mismatched end
//! tags) and refuse what does: a tag, comment or `<script>` that never ends,
//! because everything after it would be read wrongly.

use crate::error::ExtractError;

/// Elements whose content is never article text.
const SKIP: &[&str] = &[
    "head", "nav", "footer", "header", "aside", "noscript", "form", "svg", "iframe", "menu",
    "button", "select", "template", "object", "canvas", "figure",
];

/// Elements whose content is raw text up to the matching end tag.
const RAW: &[&str] = &["script", "style", "textarea", "title"];

/// Elements that start a new paragraph.
const BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "dd",
    "dt",
    "dl",
    "pre",
    "main",
    "body",
    "td",
    "th",
    "hr",
];

/// Class or id fragments that mark boilerplate containers (share bars,
/// related-article lists, cookie banners) in otherwise ordinary `<div>`s.
const BOILERPLATE: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "share",
    "social",
    "cookie",
    "related",
    "comment",
    "sidebar",
    "advert",
    "promo",
    "newsletter",
    "breadcrumb",
];

/// Extract the readable text of an HTML document: paragraphs separated by a
/// blank line, whitespace collapsed, entities decoded.
pub fn html_to_text(src: &str) -> Result<String, ExtractError> {
    let mut out = TextSink::default();
    let bytes = src.as_bytes();
    // The subtree being dropped: its element name and nesting depth.
    let mut skipping: Option<(String, usize)> = None;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' {
            let next = memchr_lt(bytes, i);
            if skipping.is_none() {
                out.text(&src[i..next]);
            }
            i = next;
            continue;
        }
        let rest = &src[i..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").ok_or_else(|| unterminated("comment", i))?;
            i += end + 3;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            let end = rest
                .find('>')
                .ok_or_else(|| unterminated("declaration", i))?;
            i += end + 1;
            continue;
        }
        let Some(tag) = parse_tag(rest) else {
            // A `<` that does not start a tag is text ("a < b").
            if skipping.is_none() {
                out.text("<");
            }
            i += 1;
            continue;
        };
        let tag = tag.map_err(|_| unterminated("tag", i))?;
        i += tag.len;
        if !tag.closing && RAW.contains(&tag.name.as_str()) && !tag.self_closing {
            let end = find_end_tag(&src[i..], &tag.name).ok_or_else(|| {
                ExtractError::MalformedHtml(format!("<{}> at byte {} is never closed", tag.name, i))
            })?;
            i += end;
            continue;
        }
        if let Some((name, depth)) = skipping.as_mut() {
            if *name == tag.name && !tag.self_closing {
                if tag.closing {
                    *depth -= 1;
                } else {
                    *depth += 1;
                }
            }
            if *depth == 0 {
                skipping = None;
            }
            continue;
        }
        if !tag.closing && !tag.self_closing && is_boilerplate(&tag) {
            skipping = Some((tag.name, 1));
            continue;
        }
        if tag.name == "br" {
            out.line_break();
        } else if BLOCK.contains(&tag.name.as_str()) {
            out.paragraph_break();
        }
    }
    Ok(out.finish())
}

fn unterminated(what: &str, at: usize) -> ExtractError {
    ExtractError::MalformedHtml(format!("{what} at byte {at} is never closed"))
}

fn memchr_lt(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'<')
        .map_or(bytes.len(), |p| from + p)
}

fn is_boilerplate(tag: &Tag) -> bool {
    if SKIP.contains(&tag.name.as_str()) {
        return true;
    }
    if !matches!(tag.name.as_str(), "div" | "section" | "ul" | "ol" | "p") {
        return false;
    }
    tag.marks
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| BOILERPLATE.iter().any(|b| word.starts_with(b)))
}

struct Tag {
    name: String,
    closing: bool,
    self_closing: bool,
    /// Lower-cased `class` and `id` attribute values, for boilerplate checks.
    marks: String,
    /// Bytes from `<` through `>`.
    len: usize,
}

/// Parse a tag at the start of `s` (which starts with `<`). `None`: not a
/// tag at all; `Some(Err)`: a tag that never ends.
fn parse_tag(s: &str) -> Option<Result<Tag, ()>> {
    let bytes = s.as_bytes();
    let mut i = 1;
    let closing = bytes.get(i) == Some(&b'/');
    if closing {
        i += 1;
    }
    let name_start = i;
    while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'-') {
        i += 1;
    }
    if i == name_start || !bytes[name_start].is_ascii_alphabetic() {
        return None;
    }
    let name = s[name_start..i].to_ascii_lowercase();
    // Find the closing `>`, honouring quoted attribute values that may
    // contain one.
    let attrs_start = i;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        match (quote, bytes[i]) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(bytes[i]),
            (None, b'>') => break,
            _ => {}
        }
        i += 1;
    }
    if i >= bytes.len() {
        return Some(Err(()));
    }
    let attrs = &s[attrs_start..i];
    let self_closing = attrs.ends_with('/') || is_void(&name);
    Some(Ok(Tag {
        marks: class_and_id(attrs),
        name,
        closing,
        self_closing,
        len: i + 1,
    }))
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "br" | "img"
            | "hr"
            | "meta"
            | "link"
            | "input"
            | "area"
            | "base"
            | "col"
            | "embed"
            | "source"
            | "track"
            | "wbr"
    )
}

/// The values of `class` and `id`, lower-cased and space-joined. Only these
/// two attributes are looked at because only they name page regions.
fn class_and_id(attrs: &str) -> String {
    let lower = attrs.to_ascii_lowercase();
    let mut marks = String::new();
    for key in ["class", "id"] {
        let mut from = 0;
        while let Some(pos) = lower[from..].find(key) {
            let at = from + pos + key.len();
            from = at;
            let value = lower[at..].trim_start();
            let Some(value) = value.strip_prefix('=') else {
                continue;
            };
            let value = value.trim_start();
            let (quote, body) = match value.as_bytes().first() {
                Some(b'"') => ('"', &value[1..]),
                Some(b'\'') => ('\'', &value[1..]),
                _ => (' ', value),
            };
            let end = body.find(quote).unwrap_or(body.len());
            marks.push_str(&body[..end]);
            marks.push(' ');
        }
    }
    marks
}

/// Offset just past `</name ...>` in `s`, case-insensitively.
fn find_end_tag(s: &str, name: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(p) = bytes[from..].windows(2).position(|w| w == b"</") {
        let at = from + p + 2;
        let candidate = bytes.get(at..at + name.len())?;
        if candidate.eq_ignore_ascii_case(name.as_bytes()) {
            let close = bytes[at..].iter().position(|&b| b == b'>')?;
            return Some(at + close + 1);
        }
        from = at;
    }
    None
}

/// Accumulates text with collapsed whitespace and paragraph structure.
#[derive(Default)]
struct TextSink {
    out: String,
    /// A space is owed before the next word.
    pending_space: bool,
    /// Newlines owed before the next word (1 = line, 2 = paragraph).
    pending_breaks: usize,
}

impl TextSink {
    fn text(&mut self, raw: &str) {
        let decoded = decode_entities(raw);
        if decoded.starts_with(char::is_whitespace) {
            self.pending_space = true;
        }
        for (n, word) in decoded.split_whitespace().enumerate() {
            if n > 0 {
                self.pending_space = true;
            }
            self.word(word);
        }
        if decoded.ends_with(char::is_whitespace) {
            self.pending_space = true;
        }
    }

    fn word(&mut self, word: &str) {
        if !self.out.is_empty() {
            if self.pending_breaks > 0 {
                for _ in 0..self.pending_breaks {
                    self.out.push('\n');
                }
            } else if self.pending_space {
                self.out.push(' ');
            }
        }
        self.pending_breaks = 0;
        self.pending_space = false;
        self.out.push_str(word);
    }

    fn line_break(&mut self) {
        self.pending_breaks = self.pending_breaks.max(1);
    }

    fn paragraph_break(&mut self) {
        self.pending_breaks = 2;
    }

    fn finish(self) -> String {
        self.out
    }
}

/// Decode character references: numeric ones and the named ones that occur
/// in news text. Unknown names stay as written.
pub(crate) fn decode_entities(raw: &str) -> std::borrow::Cow<'_, str> {
    if !raw.contains('&') {
        return raw.into();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '#'))
            .map(|e| e + 1)
            .unwrap_or(rest.len());
        let name = &rest[1..end];
        match entity(name) {
            Some(c) => {
                out.push(c);
                rest = &rest[end..];
                rest = rest.strip_prefix(';').unwrap_or(rest);
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out.into()
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        // NUL and surrogates are not characters; treat as unknown.
        return char::from_u32(code).filter(|&c| c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" => '\u{2019}',
        "lsquo" => '\u{2018}',
        "rdquo" => '\u{201D}',
        "ldquo" => '\u{201C}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "hellip" => '\u{2026}',
        "laquo" => '\u{00AB}',
        "raquo" => '\u{00BB}',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_paragraphs_drops_boilerplate() {
        let html = r#"<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head>
<body><nav><a href="/">Home</a> | <a href="/w">World</a></nav>
<div class="share-bar">Share on X</div>
<article><h1>Ceasefire holds</h1><p>The Russian side registered
 <b>7</b> cases&nbsp;of firing.</p><p>Turkey &amp; Iran agreed.<br>Next line</p>
<script>var x = "</p>";</script></article>
<footer>Copyright</footer></body></html>"#;
        let text = html_to_text(html).unwrap();
        assert_eq!(
            text,
            "Ceasefire holds\n\nThe Russian side registered 7 cases of firing.\n\nTurkey & Iran agreed.\nNext line"
        );
    }

    #[test]
    fn refuses_what_cannot_be_read() {
        assert!(matches!(
            html_to_text("<p>a</p><!-- never closed"),
            Err(ExtractError::MalformedHtml(_))
        ));
        assert!(matches!(
            html_to_text("<p>a</p><script>var x"),
            Err(ExtractError::MalformedHtml(_))
        ));
        assert!(matches!(
            html_to_text("<p>a</p><a href=\"x"),
            Err(ExtractError::MalformedHtml(_))
        ));
        // Forgiven: unclosed paragraphs, stray `<`, mismatched end tags.
        assert_eq!(html_to_text("<p>1 < 2<p>b</i>").unwrap(), "1 < 2\n\nb");
    }
}
