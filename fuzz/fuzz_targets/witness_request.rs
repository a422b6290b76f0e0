//! The body of a tlog-witness `add-checkpoint` request.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = truce_witness::parse_add_checkpoint(data) {
        let _ = request.origin();
    }
});
