use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ValidationError;

/// What a member of the mechanism may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A monitor or commissioner of a guarantor state: files, assesses, votes.
    GuarantorMember,
    /// Reads and comments, never votes.
    Observer,
    /// The neutral party that sees detainee identities.
    Intermediary,
    /// Runs the node and admits members; takes no position on substance.
    Operator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::GuarantorMember,
        Role::Observer,
        Role::Intermediary,
        Role::Operator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::GuarantorMember => "guarantor_member",
            Role::Observer => "observer",
            Role::Intermediary => "intermediary",
            Role::Operator => "operator",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "role",
                    format!("unknown role {s:?}; expected one of guarantor_member, observer, intermediary, operator"),
                )
            })
    }
}

/// A handle of lower-case letters, digits and '-', 1 to 64 characters: a
/// formation's or a monitoring asset's.
pub(crate) fn slug(s: &str) -> Result<(), String> {
    let valid = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if valid {
        Ok(())
    } else {
        Err(format!(
            "{s:?} must be 1 to 64 lower-case letters, digits or '-'"
        ))
    }
}

/// Declares a validated string newtype that checks itself when deserialized,
/// so an invalid value can never sit inside a decoded statement.
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $field:literal, $check:expr) => {
        $(#[$doc])*
        ///
        /// Shared, not copied, when cloned: a register holds the same few
        /// names (the filing member, its party) once per report.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            pub fn new(value: impl Into<String>) -> Result<Self, ValidationError> {
                let value = value.into();
                let check: fn(&str) -> Result<(), String> = $check;
                check(&value).map_err(|reason| ValidationError::new($field, reason))?;
                Ok(Self(value.into()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $name::new(raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

checked_string!(
    /// A member's handle in the Record, such as `ru-monitor-1`: lower-case
    /// letters, digits, `.`, `_` and `-`, 1 to 64 characters.
    MemberName,
    "member",
    |s| {
        if s.is_empty() || s.len() > 64 {
            return Err("must be 1 to 64 characters".into());
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
        {
            return Err(format!(
                "{s:?} may hold only lower-case letters, digits, '.', '_' and '-'"
            ));
        }
        Ok(())
    }
);

checked_string!(
    /// The state or organisation a member speaks for, such as `Russian Federation`.
    Party,
    "party",
    |s| {
        let trimmed = s.trim();
        if trimmed.is_empty() {
            return Err("must not be empty".into());
        }
        if trimmed != s {
            return Err("must not start or end with spaces".into());
        }
        if s.chars().count() > 120 {
            return Err("must be at most 120 characters".into());
        }
        if s.chars().any(char::is_control) {
            return Err("must not contain control characters".into());
        }
        Ok(())
    }
);

/// The 32 bytes of an Ed25519 public key, written as 64 lower-case hex digits.
///
/// The model only carries the bytes; whether they form a strong key is
/// decided by the record crate at admission.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKeyBytes(pub [u8; 32]);

impl PublicKeyBytes {
    pub fn to_hex(&self) -> String {
        self.0.iter().map(|b| format!("{b:02x}")).collect()
    }

    pub fn from_hex(s: &str) -> Result<Self, ValidationError> {
        let invalid = || {
            ValidationError::new(
                "public_key",
                "must be 64 lower-case hex digits (an Ed25519 public key)",
            )
        };
        if s.len() != 64
            || !s
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        {
            return Err(invalid());
        }
        let mut out = [0u8; 32];
        for (i, chunk) in s.as_bytes().chunks(2).enumerate() {
            let pair = std::str::from_utf8(chunk).map_err(|_| invalid())?;
            out[i] = u8::from_str_radix(pair, 16).map_err(|_| invalid())?;
        }
        Ok(Self(out))
    }
}

impl fmt::Debug for PublicKeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKeyBytes({})", self.to_hex())
    }
}

impl fmt::Display for PublicKeyBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for PublicKeyBytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for PublicKeyBytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        PublicKeyBytes::from_hex(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_names_refuse_capitals_and_spaces() {
        assert!(MemberName::new("ru-monitor-1").is_ok());
        let err = MemberName::new("RU monitor").unwrap_err();
        assert_eq!(err.field, "member");
        assert!(MemberName::new("").is_err());
    }

    #[test]
    fn party_refuses_padding_and_control_characters() {
        assert!(Party::new("Russian Federation").is_ok());
        assert!(Party::new(" Turkey").is_err());
        assert!(Party::new("Iran\n").is_err());
    }

    #[test]
    fn public_key_hex_round_trips_and_refuses_upper_case() {
        let hex = "ab".repeat(32);
        let key = PublicKeyBytes::from_hex(&hex).unwrap();
        assert_eq!(key.to_hex(), hex);
        assert!(PublicKeyBytes::from_hex(&"AB".repeat(32)).is_err());
        assert!(PublicKeyBytes::from_hex("abcd").is_err());
    }

    #[test]
    fn role_parses_from_its_name_only() {
        assert_eq!("observer".parse::<Role>().unwrap(), Role::Observer);
        assert!("guarantor".parse::<Role>().is_err());
    }
}
