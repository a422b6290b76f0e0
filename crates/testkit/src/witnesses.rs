//! Witnesses for a test mechanism whose checkpoints must be cosigned: one
//! per guarantor party, as the genesis of a real mechanism names them.

use truce_model::{Party, Witness};
use truce_record::Cosigner;

/// Fresh witness keys for `ru-witness`, `tr-witness` and `ir-witness`.
pub fn three() -> Vec<Cosigner> {
    ["ru-witness", "tr-witness", "ir-witness"]
        .iter()
        .map(|name| Cosigner::generate(name).expect("a valid witness name"))
        .collect()
}

/// The witnesses as the genesis lists them.
pub fn listed(cosigners: &[Cosigner]) -> Vec<Witness> {
    cosigners
        .iter()
        .map(|c| Witness {
            party: Party::new(c.name()).expect("a valid party"),
            verifier_key: c.verifier_key(),
        })
        .collect()
}
