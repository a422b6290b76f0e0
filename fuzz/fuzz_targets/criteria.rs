//! A criteria file (TOML), parsed and checked as `truce criteria` and an
//! adopted `criteria` decision read it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = truce_regime::Criteria::from_toml(text);
    }
});
