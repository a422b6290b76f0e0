//! Bulletins, pages and feeds as the text reader takes them: the first
//! byte picks the format hint, the rest is the input; every document read
//! goes through extraction with the default (Syrian gazetteer) locator.
#![no_main]

use libfuzzer_sys::fuzz_target;
use truce_extract::Format;

fuzz_target!(|data: &[u8]| {
    let Some((&hint, bytes)) = data.split_first() else {
        return;
    };
    let format = match hint % 5 {
        0 => Format::Auto,
        1 => Format::Text,
        2 => Format::Html,
        3 => Format::Rss,
        _ => Format::Atom,
    };
    let Ok(documents) = truce_extract::read(bytes, format) else {
        return;
    };
    for document in &documents {
        if let Ok(candidates) = truce_extract::extract(document) {
            let _ = truce_extract::render_evidence(&document.text, &candidates);
        }
    }
});
