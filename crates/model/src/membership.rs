//! Bodies of the statements that found the mechanism and manage its members.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::{MemberName, Party, PublicKeyBytes, RegisterConfig, Role, Validate, ValidationError};

/// A member named in the genesis statement or admitted later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FoundingMember {
    pub member: MemberName,
    pub party: Party,
    pub role: Role,
    pub public_key: PublicKeyBytes,
}

/// A guarantor's witness: checks each checkpoint for consistency and cosigns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Witness {
    pub party: Party,
    /// The witness's verifier key in signed-note form (`name+id+base64`),
    /// with the cosignature/v1 algorithm byte.
    pub verifier_key: String,
}

/// The first statement of every Record: what the mechanism is and who is in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    /// Human name, such as "Astana ceasefire mechanism (Syria)".
    pub mechanism: String,
    /// Origin line of every checkpoint, and the name of the node's key.
    pub log_origin: String,
    /// The node's checkpoint verifier key in signed-note form.
    pub node_key: String,
    /// The operator, who signs this statement.
    pub operator: FoundingMember,
    pub members: Vec<FoundingMember>,
    pub witnesses: Vec<Witness>,
    /// How many witness cosignatures make a checkpoint final.
    pub witness_quorum: u32,
    /// What the register derives by (grouping, rules, ladder, the day);
    /// changed later only by an adopted `parameters` decision. Records
    /// founded without it derive by the defaults of their register.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub register: Option<RegisterConfig>,
}

impl Validate for Genesis {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.mechanism.trim().is_empty() {
            return Err(ValidationError::new("mechanism", "must not be empty"));
        }
        if !is_valid_origin(&self.log_origin) {
            return Err(ValidationError::new(
                "log_origin",
                "must be non-empty with no spaces or '+' (it names the node key)",
            ));
        }
        if self.operator.role != Role::Operator {
            return Err(ValidationError::new("operator.role", "must be operator"));
        }
        self.check_members_are_distinct()?;
        if self.witness_quorum as usize > self.witnesses.len() {
            return Err(ValidationError::new(
                "witness_quorum",
                format!(
                    "is {} but only {} witnesses are named",
                    self.witness_quorum,
                    self.witnesses.len()
                ),
            ));
        }
        if let Some(register) = &self.register {
            register.validate().map_err(|e| e.within("register"))?;
        }
        let mut seen_keys = HashSet::new();
        for (i, witness) in self.witnesses.iter().enumerate() {
            if !seen_keys.insert(&witness.verifier_key) {
                return Err(ValidationError::new(
                    format!("witnesses[{i}].verifier_key"),
                    "is named twice",
                ));
            }
        }
        Ok(())
    }
}

impl Genesis {
    fn check_members_are_distinct(&self) -> Result<(), ValidationError> {
        let mut names = HashSet::new();
        let mut keys = HashSet::new();
        let everyone = std::iter::once(("operator".to_string(), &self.operator)).chain(
            self.members
                .iter()
                .enumerate()
                .map(|(i, m)| (format!("members[{i}]"), m)),
        );
        for (path, member) in everyone {
            if !names.insert(&member.member) {
                return Err(ValidationError::new(
                    format!("{path}.member"),
                    format!("{} is named twice", member.member),
                ));
            }
            if !keys.insert(member.public_key) {
                return Err(ValidationError::new(
                    format!("{path}.public_key"),
                    "is used by another member",
                ));
            }
        }
        Ok(())
    }
}

/// Names of checkpoint origins and signed-note keys may not hold spaces or '+'.
fn is_valid_origin(s: &str) -> bool {
    !s.is_empty() && !s.contains('+') && !s.chars().any(char::is_whitespace)
}

/// The operator admits a new member with its first key.
pub type MemberAdmitted = FoundingMember;

impl Validate for FoundingMember {
    fn validate(&self) -> Result<(), ValidationError> {
        // Names, parties and keys validate themselves on decoding.
        Ok(())
    }
}

/// A member replaces its key; the statement is signed with the old key, and
/// later statements of the member are signed with the new one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRotated {
    pub new_public_key: PublicKeyBytes,
}

impl Validate for KeyRotated {
    fn validate(&self) -> Result<(), ValidationError> {
        Ok(())
    }
}

/// A key stops being valid from the next entry on, for example because it was lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRevoked {
    pub member: MemberName,
    pub public_key: PublicKeyBytes,
    pub reason: String,
}

impl Validate for KeyRevoked {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.reason.trim().is_empty() {
            return Err(ValidationError::new(
                "reason",
                "must say why the key is revoked",
            ));
        }
        Ok(())
    }
}

/// A signed remark by any member, optionally about earlier entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    pub text: String,
    /// Positions of the entries the note is about.
    pub refers_to: Vec<u64>,
}

pub const MAX_NOTE_CHARS: usize = 20_000;

impl Validate for Note {
    fn validate(&self) -> Result<(), ValidationError> {
        if self.text.trim().is_empty() {
            return Err(ValidationError::new("text", "must not be empty"));
        }
        if self.text.chars().count() > MAX_NOTE_CHARS {
            return Err(ValidationError::new(
                "text",
                format!("must be at most {MAX_NOTE_CHARS} characters"),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(name: &str, role: Role, key_byte: u8) -> FoundingMember {
        FoundingMember {
            member: MemberName::new(name).unwrap(),
            party: Party::new("Russian Federation").unwrap(),
            role,
            public_key: PublicKeyBytes([key_byte; 32]),
        }
    }

    fn genesis() -> Genesis {
        Genesis {
            mechanism: "Test mechanism".into(),
            log_origin: "truce.test/log".into(),
            node_key: "truce.test/log+01234567+AQ==".into(),
            operator: member("op", Role::Operator, 1),
            members: vec![member("ru-1", Role::GuarantorMember, 2)],
            witnesses: vec![],
            witness_quorum: 0,
            register: None,
        }
    }

    #[test]
    fn a_member_named_twice_is_refused_with_its_path() {
        let mut g = genesis();
        g.members.push(member("ru-1", Role::Observer, 3));
        let err = g.validate().unwrap_err();
        assert_eq!(err.field, "members[1].member");
    }

    #[test]
    fn a_shared_key_is_refused() {
        let mut g = genesis();
        g.members.push(member("tr-1", Role::GuarantorMember, 2));
        assert_eq!(g.validate().unwrap_err().field, "members[1].public_key");
    }

    #[test]
    fn quorum_larger_than_witnesses_is_refused() {
        let mut g = genesis();
        g.witness_quorum = 1;
        assert_eq!(g.validate().unwrap_err().field, "witness_quorum");
    }

    #[test]
    fn the_operator_must_hold_the_operator_role() {
        let mut g = genesis();
        g.operator.role = Role::GuarantorMember;
        assert_eq!(g.validate().unwrap_err().field, "operator.role");
        assert!(genesis().validate().is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let json = r#"{"text":"x","refers_to":[],"extra":1}"#;
        assert!(serde_json::from_str::<Note>(json).is_err());
    }
}
