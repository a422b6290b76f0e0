//! What follows `tile/` in a tlog-tiles request path.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(path) = std::str::from_utf8(data) {
        if let Some(tile) = truce_server::parse_tile_path(path) {
            assert!((1..=256).contains(&tile.width));
            assert!(tile.level.is_none_or(|l| l <= 63));
        }
    }
});
