//! The mechanism file that `truce init` reads: who founds the Record.

use std::path::Path;

use anyhow::{Context, Result};
use serde::Deserialize;
use truce_model::{FoundingMember, Genesis, RegisterConfig, Validate, Witness};

/// A mechanism file, in TOML. See `truce init --help` for an example.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MechanismFile {
    pub name: String,
    /// Checkpoint origin; defaults to `truce/` and the name in lower case.
    pub origin: Option<String>,
    #[serde(default)]
    pub witness_quorum: u32,
    pub operator: FoundingMember,
    #[serde(default)]
    pub members: Vec<FoundingMember>,
    #[serde(default)]
    pub witnesses: Vec<Witness>,
    /// What the register derives by; the defaults when the table is absent.
    /// Written into the genesis statement either way, so every copy of the
    /// Record derives the same findings and bulletins.
    pub register: Option<RegisterConfig>,
}

pub const EXAMPLE: &str = r#"name = "Astana ceasefire mechanism (Syria)"
origin = "truce.example/astana"
witness_quorum = 2

[operator]
member = "secretariat"
party = "Joint secretariat"
role = "operator"
public_key = "<64 hex digits from `truce keygen`>"

[[members]]
member = "ru-monitor-1"
party = "Russian Federation"
role = "guarantor_member"
public_key = "<64 hex digits>"

[[witnesses]]
party = "Russian Federation"
verifier_key = "<from `truce keygen --witness ru-witness`>"

# Optional: what the register derives by (these are the defaults; the
# ladder of graduated measures can be given as [[register.ladder]] tables).
[register]
finding_rule = "unanimity"          # or { at_least = 2 }
utc_offset_minutes = 180            # the mechanism's day: UTC+3
[register.grouping]
max_distance_km = 5.0
window_hours = 12
"#;

impl MechanismFile {
    pub fn read(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading mechanism file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("mechanism file {}", path.display()))
    }

    pub fn origin(&self) -> String {
        self.origin.clone().unwrap_or_else(|| {
            let slug: String = self
                .name
                .to_lowercase()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            format!("truce/{}", slug.trim_matches('-'))
        })
    }

    pub fn genesis(&self, node_key: &str) -> Result<Genesis> {
        for witness in &self.witnesses {
            truce_record::CosignatureVerifier::new(&witness.verifier_key)
                .with_context(|| format!("witness of {}", witness.party))?;
        }
        let genesis = Genesis {
            mechanism: self.name.clone(),
            log_origin: self.origin(),
            node_key: node_key.to_string(),
            operator: self.operator.clone(),
            members: self.members.clone(),
            witnesses: self.witnesses.clone(),
            witness_quorum: self.witness_quorum,
            register: Some(self.register.clone().unwrap_or_default()),
        };
        genesis.validate().context("mechanism file")?;
        Ok(genesis)
    }
}
