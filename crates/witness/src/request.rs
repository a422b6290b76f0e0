//! The add-checkpoint request body: `old <size>`, up to 63 base64 proof
//! lines, an empty line, then the checkpoint note.

use truce_record::Hash;

use crate::Refusal;

/// The most consistency proof lines a client may send.
const MAX_PROOF_LINES: usize = 63;

#[derive(Debug, Clone, PartialEq)]
pub struct AddCheckpoint {
    pub old: u64,
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, as sent.
    pub checkpoint: Vec<u8>,
}

impl AddCheckpoint {
    /// The checkpoint's origin line, read before any signature is checked
    /// to find the key that must have signed it.
    pub fn origin(&self) -> Result<String, Refusal> {
        let text = std::str::from_utf8(&self.checkpoint)
            .map_err(|_| Refusal::Malformed("the checkpoint is not UTF-8".into()))?;
        match text.split_once('\n') {
            Some((origin, _)) if !origin.is_empty() => Ok(origin.to_string()),
            _ => Err(Refusal::Malformed(
                "the checkpoint has no origin line".into(),
            )),
        }
    }
}

/// A decimal with no leading zeroes ("0" for zero).
fn decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

pub fn parse_add_checkpoint(body: &[u8]) -> Result<AddCheckpoint, Refusal> {
    let bad = |why: &str| Refusal::Malformed(why.to_string());
    let mut rest = body;
    let mut next_line = || -> Result<&[u8], Refusal> {
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .ok_or_else(|| bad("a line does not end in a newline"))?;
        let (line, after) = rest.split_at(end);
        rest = &after[1..];
        Ok(line)
    };
    let first =
        std::str::from_utf8(next_line()?).map_err(|_| bad("the old size line is not text"))?;
    let old = first
        .strip_prefix("old ")
        .and_then(decimal)
        .ok_or_else(|| {
            bad("the first line must be `old <size>` in decimal with no leading zeroes")
        })?;
    let mut proof = Vec::new();
    loop {
        let line = next_line()?;
        if line.is_empty() {
            break;
        }
        if proof.len() == MAX_PROOF_LINES {
            return Err(bad("more than 63 consistency proof lines"));
        }
        let text = std::str::from_utf8(line).map_err(|_| bad("a proof line is not base64"))?;
        let hash =
            Hash::parse_hash(text).map_err(|_| bad("a proof line is not a base64 SHA-256 hash"))?;
        proof.push(hash);
    }
    if rest.is_empty() {
        return Err(bad("no checkpoint after the empty line"));
    }
    Ok(AddCheckpoint {
        old,
        proof,
        checkpoint: rest.to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=";

    #[test]
    fn the_spec_example_shape_parses() {
        let body = format!("old 20852014\n{HASH}\n{HASH}\n\nexample.com/behind-the-sofa\n20852163\n{HASH}\n\n— example.com/behind-the-sofa AAAA\n");
        let parsed = parse_add_checkpoint(body.as_bytes()).unwrap();
        assert_eq!(parsed.old, 20_852_014);
        assert_eq!(parsed.proof.len(), 2);
        assert_eq!(parsed.origin().unwrap(), "example.com/behind-the-sofa");
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let proof64 = format!("{HASH}\n").repeat(64);
        for body in [
            String::new(),
            "old 1".to_string(),
            "old 01\n\ncheckpoint\n".to_string(),
            "old -1\n\ncheckpoint\n".to_string(),
            "new 1\n\ncheckpoint\n".to_string(),
            "old 1\nnot base64!\n\ncheckpoint\n".to_string(),
            "old 1\n\n".to_string(),
            format!("old 1\n{proof64}\ncheckpoint\n"),
            "old 18446744073709551616\n\ncheckpoint\n".to_string(),
        ] {
            assert!(
                matches!(
                    parse_add_checkpoint(body.as_bytes()),
                    Err(Refusal::Malformed(_))
                ),
                "{body:?}"
            );
        }
        let sixty_three = format!("old 1\n{}\norigin\n", format!("{HASH}\n").repeat(63));
        assert_eq!(
            parse_add_checkpoint(sixty_three.as_bytes())
                .unwrap()
                .proof
                .len(),
            63
        );
    }
}
