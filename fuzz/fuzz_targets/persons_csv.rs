//! A person list in CSV, read, checked, and matched against itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use truce_exchange::ListContents;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(list) = ListContents::from_csv(text) {
            truce_fuzz_persons(&list);
        }
    }
});

include!("persons_common.rs");
