//! RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one document per item.
//!
//! Feeds are XML, so a strict XML reader is right here (unlike HTML): a feed
//! that is not well-formed is refused with the reader's position. Item bodies
//! are usually escaped HTML and go through [`super::html_to_text`]; a body
//! whose HTML is broken falls back to its raw text rather than losing the
//! item, since one bad item should not sink the whole feed.

use jiff::civil::Date;
use quick_xml::events::Event;
use quick_xml::Reader;

use super::html::html_to_text;
use crate::document::Document;
use crate::error::ExtractError;

/// The fields of one item as they are collected.
#[derive(Default)]
struct Item {
    title: String,
    body: String,
    date: Option<String>,
    link: Option<String>,
}

/// Which item field the current text belongs to.
#[derive(Clone, Copy, PartialEq)]
enum Field {
    Title,
    Body,
    Date,
    Link,
    Other,
}

pub(super) fn read_feed(text: &str) -> Result<Vec<Document>, ExtractError> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = true;
    let mut docs = Vec::new();
    let mut item: Option<Item> = None;
    let mut field = Field::Other;
    let mut depth = 0usize;
    let mut saw_root = false;
    loop {
        let event = reader.read_event().map_err(|e| {
            ExtractError::MalformedFeed(format!("{e} at byte {}", reader.error_position()))
        })?;
        match event {
            Event::Start(e) => {
                depth += 1;
                let name = local(e.local_name().as_ref());
                saw_root |= matches!(name.as_str(), "rss" | "feed" | "rdf");
                if matches!(name.as_str(), "item" | "entry") {
                    item = Some(Item::default());
                } else if let Some(it) = item.as_mut() {
                    field = field_of(&name);
                    if name == "link" {
                        take_href(&e, it);
                    }
                }
            }
            Event::Empty(e) => {
                if let Some(it) = item.as_mut() {
                    if local(e.local_name().as_ref()) == "link" {
                        take_href(&e, it);
                    }
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                let name = local(e.local_name().as_ref());
                if matches!(name.as_str(), "item" | "entry") {
                    if let Some(done) = item.take() {
                        if let Some(doc) = finish(done) {
                            docs.push(doc);
                        }
                    }
                }
                field = Field::Other;
            }
            Event::Text(t) => {
                let s = t
                    .decode()
                    .map_err(|e| ExtractError::MalformedFeed(e.to_string()))?;
                push(item.as_mut(), field, &s);
            }
            Event::CData(t) => {
                let s = t
                    .decode()
                    .map_err(|e| ExtractError::MalformedFeed(e.to_string()))?;
                push(item.as_mut(), field, &s);
            }
            Event::GeneralRef(r) => {
                let resolved = resolve_ref(&r)?;
                push(item.as_mut(), field, &resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth > 0 {
        return Err(ExtractError::MalformedFeed(format!(
            "{depth} element(s) never closed"
        )));
    }
    if !saw_root {
        return Err(ExtractError::MalformedFeed(
            "no <rss>, <rdf:RDF> or <feed> root element".into(),
        ));
    }
    Ok(docs)
}

fn local(name: &[u8]) -> String {
    String::from_utf8_lossy(name).to_ascii_lowercase()
}

fn field_of(name: &str) -> Field {
    match name {
        "title" => Field::Title,
        // content:encoded, Atom content and summary, RSS description.
        "description" | "encoded" | "content" | "summary" => Field::Body,
        "pubdate" | "date" | "published" | "updated" | "issued" => Field::Date,
        "link" => Field::Link,
        _ => Field::Other,
    }
}

/// Atom links carry the URL in `href`; prefer the `alternate` one.
fn take_href(e: &quick_xml::events::BytesStart<'_>, item: &mut Item) {
    let mut href = None;
    let mut alternate = true;
    for attr in e.attributes().flatten() {
        match attr.key.local_name().as_ref() {
            b"href" => href = attr.unescape_value().ok().map(|v| v.into_owned()),
            b"rel" => alternate = attr.value.as_ref() == b"alternate",
            _ => {}
        }
    }
    if let (Some(href), true) = (href, alternate) {
        if item.link.is_none() {
            item.link = Some(href);
        }
    }
}

fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Result<String, ExtractError> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Ok(c.to_string());
    }
    let name = r
        .decode()
        .map_err(|e| ExtractError::MalformedFeed(e.to_string()))?;
    Ok(match quick_xml::escape::resolve_predefined_entity(&name) {
        Some(s) => s.to_string(),
        // HTML entities in feeds are common and undeclared; keep them for
        // the HTML pass over the body.
        None => format!("&{name};"),
    })
}

fn push(item: Option<&mut Item>, field: Field, s: &str) {
    let Some(item) = item else { return };
    match field {
        Field::Title => item.title.push_str(s),
        Field::Body => item.body.push_str(s),
        Field::Date => item.date.get_or_insert_with(String::new).push_str(s),
        Field::Link => item.link.get_or_insert_with(String::new).push_str(s.trim()),
        Field::Other => {}
    }
}

fn finish(item: Item) -> Option<Document> {
    let body = html_to_text(&item.body).unwrap_or_else(|_| item.body.trim().to_string());
    let title = html_to_text(&item.title).unwrap_or_else(|_| item.title.trim().to_string());
    let text = match (title.is_empty(), body.is_empty()) {
        (true, true) => return None,
        (false, true) => title,
        (true, false) => body,
        (false, false) => format!("{title}\n\n{body}"),
    };
    let published = item.date.as_deref().and_then(parse_date);
    let link = item.link.filter(|l| !l.is_empty());
    Some(Document::new(text, published, link))
}

/// RFC 2822 (RSS) or RFC 3339 (Atom, Dublin Core) to the publisher's civil
/// date: the date as the publisher saw it is what "yesterday" refers to.
pub(crate) fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim();
    if let Ok(zoned) = jiff::fmt::rfc2822::parse(s) {
        return Some(zoned.date());
    }
    s.get(..10)?.parse::<Date>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_rss_and_atom_items() {
        let rss = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>
<item><title>Bulletin</title><link>https://example.org/1</link>
<pubDate>Sat, 15 Apr 2017 09:00:00 +0300</pubDate>
<description>&lt;p&gt;The Russian side registered 3 cases of firing.&lt;/p&gt;</description></item>
<item><title>Second &amp; last</title><pubDate>Sun, 16 Apr 2017 09:00:00 GMT</pubDate></item>
</channel></rss>"#;
        let docs = read_feed(rss).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].text,
            "Bulletin\n\nThe Russian side registered 3 cases of firing."
        );
        assert_eq!(docs[0].published, Some(jiff::civil::date(2017, 4, 15)));
        assert_eq!(docs[0].source.as_deref(), Some("https://example.org/1"));
        assert_eq!(docs[1].text, "Second & last");

        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
<entry><title>Talks</title><link rel="alternate" href="https://example.org/a"/>
<published>2017-05-02T10:00:00+04:30</published>
<summary type="html">Experts met in &lt;b&gt;Tehran&lt;/b&gt;.</summary></entry></feed>"#;
        let docs = read_feed(atom).unwrap();
        assert_eq!(docs[0].text, "Talks\n\nExperts met in Tehran.");
        assert_eq!(docs[0].published, Some(jiff::civil::date(2017, 5, 2)));
        assert_eq!(docs[0].source.as_deref(), Some("https://example.org/a"));
    }

    #[test]
    fn refuses_broken_feeds() {
        assert!(matches!(
            read_feed("<rss><channel><item><title>x</item></channel></rss>"),
            Err(ExtractError::MalformedFeed(_))
        ));
        assert!(matches!(
            read_feed("<rss><channel><item><title>x</title>"),
            Err(ExtractError::MalformedFeed(_))
        ));
    }
}
