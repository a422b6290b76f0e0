//! Zones from a GeoJSON FeatureCollection, read and then checked as part of
//! an agreement, as `truce agreements propose --zones` does.
#![no_main]

use libfuzzer_sys::fuzz_target;
use truce_model::{AgreementSpec, Handle, Validate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(zones) = truce_regime::zones_from_geojson(text) else {
        return;
    };
    let spec = AgreementSpec {
        id: Handle::new("fuzz").unwrap(),
        title: "Fuzzed zones".into(),
        clauses: vec![],
        zones,
    };
    let _ = spec.validate();
});
