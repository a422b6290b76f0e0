//! Sealing to several X25519 keys: one fresh data key encrypts the payload
//! once with ChaCha20-Poly1305; HPKE (RFC 9180, base mode, X25519,
//! HKDF-SHA256, ChaCha20-Poly1305) wraps that key for each recipient, bound
//! to the payload's hash so that a wrapped key cannot be moved to another box.

use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use hpke::kem::X25519HkdfSha256;
use hpke::{Deserializable, Kem as _, OpModeR, OpModeS, Serializable};
use rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};
use truce_model::{PublicKeyBytes, SealedBox, SealedFor};
use zeroize::Zeroizing;

use crate::ExchangeError;

type Kem = X25519HkdfSha256;
type Wrap = hpke::aead::ChaCha20Poly1305;
type Kdf = hpke::kdf::HkdfSha256;

const WRAP_INFO: &[u8] = b"truce/exchange/wrap/v1";
const PAYLOAD_AAD: &[u8] = b"truce/exchange/payload/v1";

/// A member's exchange secret: 32 random bytes from which the X25519 key
/// pair is derived (HPKE DeriveKeyPair), so the file holds one value.
pub struct ExchangeSecret {
    seed: Zeroizing<[u8; 32]>,
}

impl ExchangeSecret {
    pub fn generate() -> Self {
        let mut seed = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(seed.as_mut());
        Self { seed }
    }

    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self {
            seed: Zeroizing::new(bytes),
        }
    }

    pub fn to_bytes(&self) -> [u8; 32] {
        *self.seed
    }

    pub fn public(&self) -> PublicKeyBytes {
        let (_, public) = Kem::derive_keypair(self.seed.as_ref());
        let mut bytes = [0u8; 32];
        bytes.copy_from_slice(&public.to_bytes());
        PublicKeyBytes(bytes)
    }

    fn private(&self) -> <Kem as hpke::Kem>::PrivateKey {
        Kem::derive_keypair(self.seed.as_ref()).0
    }

    /// A key derived for `purpose` (such as keyed fingerprints), so the
    /// seed itself is never used for two things.
    pub(crate) fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"truce/exchange/derive/v1\n");
        hash.update(purpose.as_bytes());
        hash.update(b"\n");
        hash.update(self.seed.as_ref());
        hash.finalize().into()
    }
}

/// Seals `plaintext` so that each of `recipients` (and nobody else) can open it.
pub fn seal(plaintext: &[u8], recipients: &[PublicKeyBytes]) -> Result<SealedBox, ExchangeError> {
    let mut data_key = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(data_key.as_mut());
    // A data key is used for exactly one payload, so a fixed nonce is safe.
    let ciphertext = ChaCha20Poly1305::new(Key::from_slice(data_key.as_ref()))
        .encrypt(
            Nonce::from_slice(&[0; 12]),
            Payload {
                msg: plaintext,
                aad: PAYLOAD_AAD,
            },
        )
        .map_err(|e| ExchangeError::Seal(e.to_string()))?;
    let binding = Sha256::digest(&ciphertext);
    let mut sealed_for = Vec::with_capacity(recipients.len());
    for recipient in recipients {
        let public = <Kem as hpke::Kem>::PublicKey::from_bytes(&recipient.0)
            .map_err(|e| ExchangeError::Seal(format!("key {recipient}: {e}")))?;
        let (encapsulated, wrapped) = hpke::single_shot_seal::<Wrap, Kdf, Kem, _>(
            &OpModeS::Base,
            &public,
            WRAP_INFO,
            data_key.as_ref(),
            &binding,
            &mut rand_core_09::UnwrapErr(rand_core_09::OsRng),
        )
        .map_err(|e| ExchangeError::Seal(e.to_string()))?;
        sealed_for.push(SealedFor {
            key: *recipient,
            encapsulated: hex::encode(encapsulated.to_bytes()),
            wrapped_key: hex::encode(wrapped),
        });
    }
    Ok(SealedBox {
        recipients: sealed_for,
        ciphertext: base64::engine::general_purpose::STANDARD.encode(ciphertext),
    })
}

/// Opens a box sealed to `secret`'s public key.
pub fn open(sealed: &SealedBox, secret: &ExchangeSecret) -> Result<Vec<u8>, ExchangeError> {
    let me = secret.public();
    let recipient =
        sealed
            .recipients
            .iter()
            .find(|r| r.key == me)
            .ok_or(ExchangeError::NotARecipient {
                recipients: sealed.recipients.len(),
            })?;
    let ciphertext = base64::engine::general_purpose::STANDARD
        .decode(&sealed.ciphertext)
        .map_err(|e| ExchangeError::Open(format!("ciphertext: {e}")))?;
    let encapsulated = hex::decode(&recipient.encapsulated)
        .ok()
        .and_then(|b| <Kem as hpke::Kem>::EncappedKey::from_bytes(&b).ok())
        .ok_or_else(|| ExchangeError::Open("encapsulated key is malformed".into()))?;
    let wrapped = hex::decode(&recipient.wrapped_key)
        .map_err(|_| ExchangeError::Open("wrapped key is not hex".into()))?;
    let data_key = Zeroizing::new(
        hpke::single_shot_open::<Wrap, Kdf, Kem>(
            &OpModeR::Base,
            &secret.private(),
            &encapsulated,
            WRAP_INFO,
            &wrapped,
            &Sha256::digest(&ciphertext),
        )
        .map_err(|_| ExchangeError::Open("the data key does not unwrap with this key".into()))?,
    );
    if data_key.len() != 32 {
        return Err(ExchangeError::Open(
            "the data key has the wrong length".into(),
        ));
    }
    ChaCha20Poly1305::new(Key::from_slice(&data_key))
        .decrypt(
            Nonce::from_slice(&[0; 12]),
            Payload {
                msg: &ciphertext,
                aad: PAYLOAD_AAD,
            },
        )
        .map_err(|_| ExchangeError::Open("the payload was altered".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_recipient_opens_and_nobody_else() {
        let intermediary = ExchangeSecret::generate();
        let side = ExchangeSecret::generate();
        let outsider = ExchangeSecret::generate();
        let sealed = seal(
            b"Mohammed al-Hasan",
            &[intermediary.public(), side.public()],
        )
        .unwrap();
        assert!(!sealed.ciphertext.contains("Mohammed"));
        assert_eq!(open(&sealed, &intermediary).unwrap(), b"Mohammed al-Hasan");
        assert_eq!(open(&sealed, &side).unwrap(), b"Mohammed al-Hasan");
        assert!(matches!(
            open(&sealed, &outsider),
            Err(ExchangeError::NotARecipient { recipients: 2 })
        ));
    }

    #[test]
    fn an_altered_box_does_not_open() {
        let intermediary = ExchangeSecret::generate();
        let mut sealed = seal(b"list", &[intermediary.public()]).unwrap();
        let other = seal(b"else", &[intermediary.public()]).unwrap();
        sealed.ciphertext = other.ciphertext;
        assert!(matches!(
            open(&sealed, &intermediary),
            Err(ExchangeError::Open(_))
        ));
    }

    #[test]
    fn a_secret_gives_the_same_public_key_after_a_round_trip() {
        let secret = ExchangeSecret::generate();
        let again = ExchangeSecret::from_bytes(secret.to_bytes());
        assert_eq!(secret.public(), again.public());
    }
}
