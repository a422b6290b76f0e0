//! What the CLI writes to a terminal: text from outside (a Record made by
//! other parties, an ingested bulletin or news article) may hold escape
//! sequences that clear the screen or forge a line; they are shown as
//! visible escapes instead of being obeyed.

use std::borrow::Cow;

/// `text` with every control character but newline and tab shown as
/// `\u{1b}` rather than written raw.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    let mut shown = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unprintable(c) {
            shown.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            shown.push(c);
        }
    }
    Cow::Owned(shown)
}

fn is_unprintable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_obeyed() {
        assert_eq!(
            printable("a\u{1b}[2Jb\rc\u{7}d\u{9b}e"),
            "a\\u{1b}[2Jb\\u{d}c\\u{7}d\\u{9b}e"
        );
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        let text = "Khan Shaykhun\tخان شيخون \u{200f}\nnext line";
        assert!(matches!(printable(text), Cow::Borrowed(_)));
    }
}
