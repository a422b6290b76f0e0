use std::fmt;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use truce_model::PublicKeyBytes;

use crate::{RecordError, SignedStatement, Statement};

/// Prefixed to a statement's bytes before signing, so that a member's
/// signature over a statement can never be replayed as a checkpoint or a
/// cosignature, which use other keys and other contexts.
pub const STATEMENT_CONTEXT: &[u8] = b"truce/statement/v1\n";

/// Names a member key: the first 16 bytes of SHA-256 over a domain string
/// and the public key, written as 32 hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId([u8; 16]);

impl KeyId {
    pub fn of(public_key: &PublicKeyBytes) -> Self {
        let digest = Sha256::new()
            .chain_update(b"truce/key-id/v1\n")
            .chain_update(public_key.0)
            .finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        Self(id)
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Result<Self, String> {
        if s.len() != 32 || s.bytes().any(|b| b.is_ascii_uppercase()) {
            return Err(format!("key id {s:?} must be 32 lower-case hex digits"));
        }
        let mut id = [0u8; 16];
        hex::decode_to_slice(s, &mut id).map_err(|e| format!("key id {s:?}: {e}"))?;
        Ok(Self(id))
    }

    /// The 32 hex digits, written where they are used: every statement's
    /// canonical form is checked by writing it again.
    fn write_hex<T>(&self, with: impl FnOnce(&str) -> T) -> T {
        let mut digits = [0u8; 32];
        hex::encode_to_slice(self.0, &mut digits).expect("32 digits for 16 bytes");
        with(std::str::from_utf8(&digits).expect("hex digits are ASCII"))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_hex(|digits| f.write_str(digits))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({})", self.to_hex())
    }
}

impl Serialize for KeyId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.write_hex(|digits| s.serialize_str(digits))
    }
}

impl<'de> Deserialize<'de> for KeyId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Digits;
        impl serde::de::Visitor<'_> for Digits {
            type Value = KeyId;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key id of 32 lower-case hex digits")
            }
            fn visit_str<E: serde::de::Error>(self, digits: &str) -> Result<KeyId, E> {
                KeyId::from_hex(digits).map_err(E::custom)
            }
        }
        // Read where it lies when it can be: no string is made of it.
        d.deserialize_str(Digits)
    }
}

/// Turns public key bytes into a key usable for strict verification,
/// refusing small-order ("weak") points that would let one signature verify
/// for many messages.
pub fn strong_verifying_key(public_key: &PublicKeyBytes) -> Result<VerifyingKey, RecordError> {
    let key = VerifyingKey::from_bytes(&public_key.0).map_err(|_| RecordError::WeakKey)?;
    if key.is_weak() {
        return Err(RecordError::WeakKey);
    }
    Ok(key)
}

/// A member's private signing key. It never leaves the member's machine.
pub struct MemberKey {
    signing: SigningKey,
}

impl MemberKey {
    pub fn generate() -> Self {
        Self {
            signing: SigningKey::generate(&mut rand_core::OsRng),
        }
    }

    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self {
            signing: SigningKey::from_bytes(&seed),
        }
    }

    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    pub fn public_key(&self) -> PublicKeyBytes {
        PublicKeyBytes(self.signing.verifying_key().to_bytes())
    }

    pub fn key_id(&self) -> KeyId {
        KeyId::of(&self.public_key())
    }

    /// Encodes the statement canonically and signs context + bytes.
    pub fn sign(&self, statement: &Statement) -> SignedStatement {
        let bytes = statement.to_bytes();
        let signature = self.sign_bytes(&bytes);
        SignedStatement::new(bytes, signature)
    }

    /// Signs bytes that are already a statement's canonical encoding.
    pub fn sign_bytes(&self, statement_bytes: &[u8]) -> [u8; 64] {
        let mut message = Vec::with_capacity(STATEMENT_CONTEXT.len() + statement_bytes.len());
        message.extend_from_slice(STATEMENT_CONTEXT);
        message.extend_from_slice(statement_bytes);
        self.signing.sign(&message).to_bytes()
    }
}

impl fmt::Debug for MemberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MemberKey({})", self.key_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_id_round_trips_through_hex() {
        let key = MemberKey::generate();
        let id = key.key_id();
        assert_eq!(KeyId::from_hex(&id.to_hex()).unwrap(), id);
        assert!(KeyId::from_hex(&id.to_hex().to_uppercase()).is_err());
    }

    #[test]
    fn weak_keys_are_refused() {
        // The identity point: every signature with R = identity, s = 0 would verify.
        let mut identity = [0u8; 32];
        identity[0] = 1;
        assert!(strong_verifying_key(&PublicKeyBytes(identity)).is_err());
        let good = MemberKey::generate().public_key();
        assert!(strong_verifying_key(&good).is_ok());
    }
}
