//! Checkpoints: C2SP tlog-checkpoint bodies in C2SP signed notes, signed by
//! the node's own key (never a member's key).

use signed_note::{Note, Signature, StandardSigner, StandardVerifier, VerifierList};
use tlog_tiles::{Checkpoint, Hash};

use crate::{CosignatureVerifier, RecordError};

/// The node's checkpoint key.
pub struct CheckpointSigner {
    secret: String,
    verifier_key: String,
    signer: StandardSigner,
    origin: String,
}

impl CheckpointSigner {
    /// A fresh key named after the log's origin.
    pub fn generate(origin: &str) -> Result<Self, RecordError> {
        let (secret, _) = signed_note::generate_key(&mut rand_core::OsRng, origin);
        Self::from_secret(&secret)
    }

    /// Reads a key in signed-note form: `PRIVATE+KEY+name+id+base64`.
    pub fn from_secret(secret: &str) -> Result<Self, RecordError> {
        let secret = secret.trim();
        let signer = StandardSigner::new(secret)
            .map_err(|e| RecordError::KeyFile(format!("node key: {e}")))?;
        let origin = signed_note::Signer::name(&signer).to_string();
        // Names hold no '+', base64 may: the key is everything after the fourth '+'.
        let seed_b64 = secret.splitn(5, '+').nth(4).unwrap_or_default();
        let verifier_key = verifier_key_from_secret(&origin, seed_b64)?;
        Ok(Self {
            secret: secret.to_string(),
            verifier_key,
            signer,
            origin,
        })
    }

    pub fn secret(&self) -> &str {
        &self.secret
    }

    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    pub fn sign(&self, size: u64, root: Hash) -> Result<SignedCheckpoint, RecordError> {
        let body = Checkpoint::new(&self.origin, size, root, "")
            .map_err(|e| RecordError::Checkpoint(e.to_string()))?;
        let mut note =
            Note::new(&body.to_bytes(), &[]).map_err(|e| RecordError::Checkpoint(e.to_string()))?;
        note.add_sigs(&[&self.signer])
            .map_err(|e| RecordError::Checkpoint(e.to_string()))?;
        Ok(SignedCheckpoint {
            note: note.to_bytes(),
            size,
            root,
            origin: self.origin.clone(),
        })
    }
}

fn verifier_key_from_secret(origin: &str, seed_b64: &str) -> Result<String, RecordError> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(seed_b64)
        .map_err(|e| RecordError::KeyFile(format!("node key: {e}")))?;
    let seed: [u8; 32] = raw
        .get(1..)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| RecordError::KeyFile("node key: wrong length".into()))?;
    let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
    Ok(signed_note::new_ed25519_verifier_key(
        origin,
        &signing.verifying_key(),
    ))
}

/// A checkpoint note whose node signature has been verified.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedCheckpoint {
    note: Vec<u8>,
    size: u64,
    root: Hash,
    origin: String,
}

impl SignedCheckpoint {
    /// Parses a note and verifies the node's signature on it with the
    /// verifier key from the genesis statement. Other signatures (witness
    /// cosignatures) are kept, unverified, in the note.
    pub fn verify(note: &[u8], node_verifier_key: &str) -> Result<Self, RecordError> {
        let parsed = Note::from_bytes(note)
            .map_err(|e| RecordError::Checkpoint(format!("not a signed note: {e}")))?;
        let verifier = StandardVerifier::new(node_verifier_key)
            .map_err(|e| RecordError::Checkpoint(format!("node key: {e}")))?;
        parsed
            .verify(&VerifierList::new(vec![Box::new(verifier)]))
            .map_err(|e| RecordError::Checkpoint(format!("node signature: {e}")))?;
        let body = Checkpoint::from_bytes(parsed.text())
            .map_err(|e| RecordError::Checkpoint(e.to_string()))?;
        Ok(Self {
            note: note.to_vec(),
            size: body.size(),
            root: *body.hash(),
            origin: body.origin().to_string(),
        })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn root(&self) -> Hash {
        self.root
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The whole note, signatures included.
    pub fn note(&self) -> &[u8] {
        &self.note
    }

    /// The signed text: origin, size and root hash lines.
    pub fn body(&self) -> Vec<u8> {
        Note::from_bytes(&self.note)
            .expect("verified at construction")
            .text()
            .to_vec()
    }

    /// Adds a signature line (`— name base64`) to the note, replacing an
    /// earlier line from the same key.
    pub fn with_signature_line(&self, line: &str) -> Result<Self, RecordError> {
        let signature = Signature::from_bytes(line.trim_end_matches('\n').as_bytes())
            .map_err(|e| RecordError::Checkpoint(format!("signature line: {e}")))?;
        let mut lines: Vec<Signature> = self
            .signature_lines()
            .iter()
            .filter_map(|l| Signature::from_bytes(l.as_bytes()).ok())
            .filter(|s| !(s.name() == signature.name() && s.id() == signature.id()))
            .collect();
        lines.push(signature);
        let note =
            Note::new(&self.body(), &lines).map_err(|e| RecordError::Checkpoint(e.to_string()))?;
        Ok(Self {
            note: note.to_bytes(),
            ..self.clone()
        })
    }

    /// The signature lines of the note, without their newlines.
    pub fn signature_lines(&self) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.note);
        let (_, sigs) = text.rsplit_once("\n\n").unwrap_or_default();
        sigs.lines().map(str::to_string).collect()
    }

    /// The witnesses among `witnesses` whose cosignature on this checkpoint verifies.
    pub fn cosigned_by<'a>(
        &self,
        witnesses: &'a [CosignatureVerifier],
    ) -> Vec<&'a CosignatureVerifier> {
        let Ok(note) = Note::from_bytes(&self.note) else {
            return Vec::new();
        };
        witnesses
            .iter()
            .filter(|w| {
                let single = VerifierList::new(vec![Box::new((*w).clone())]);
                note.verify(&single).is_ok()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_verifies_with_the_node_key_only() {
        let signer = CheckpointSigner::generate("truce.test/log").unwrap();
        let root = Hash([9; 32]);
        let checkpoint = signer.sign(12, root).unwrap();
        let verified = SignedCheckpoint::verify(checkpoint.note(), signer.verifier_key()).unwrap();
        assert_eq!(verified.size(), 12);
        assert_eq!(verified.root(), root);
        let text = String::from_utf8(checkpoint.note().to_vec()).unwrap();
        assert!(text.starts_with("truce.test/log\n12\n"), "{text}");

        let other = CheckpointSigner::generate("truce.test/log").unwrap();
        assert!(SignedCheckpoint::verify(checkpoint.note(), other.verifier_key()).is_err());
        let reloaded = CheckpointSigner::from_secret(signer.secret()).unwrap();
        assert_eq!(reloaded.verifier_key(), signer.verifier_key());
    }

    #[test]
    fn a_changed_root_breaks_the_signature() {
        let signer = CheckpointSigner::generate("truce.test/log").unwrap();
        let checkpoint = signer.sign(3, Hash([1; 32])).unwrap();
        let forged = signer.sign(3, Hash([2; 32])).unwrap();
        let mut spliced = forged.body();
        let sigs = &checkpoint.note()[checkpoint.body().len()..];
        spliced.extend_from_slice(sigs);
        assert!(SignedCheckpoint::verify(&spliced, signer.verifier_key()).is_err());
    }
}
