//! Complaints sent to the node by anyone (a party, a civilian, an
//! organisation), unsigned and without an account. Each is kept whole as
//! `complaints/<reference>.json`, its exact bytes hashed: a guarantor who
//! takes one up files a report naming that hash among its evidence, and
//! one who declines it signs `complaint_declined` with the same hash, so
//! the Record says what became of it without holding its text. The
//! complainant keeps only the reference, which tells the status and
//! nothing else.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::NodeError;

/// Folder of the complaints inside the data directory.
pub const COMPLAINT_DIR: &str = "complaints";
/// At most this many complaints are kept; beyond, new ones are refused
/// until the operator archives some.
pub const MAX_KEPT: usize = 5_000;
/// Longest text of a complaint, in characters.
pub const MAX_TEXT_CHARS: usize = 8_000;
/// Longest short field (place, who sends it, how to reach them).
pub const MAX_FIELD_CHARS: usize = 200;

/// What a complainant sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ComplaintForm {
    /// What happened, in any language.
    pub text: String,
    /// Where, as the complainant names it.
    #[serde(default)]
    pub place: Option<String>,
    /// When (a day, YYYY-MM-DD).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub occurred: Option<jiff::civil::Date>,
    /// Who sends it: "a resident", "a party to the conflict", an organisation.
    #[serde(default)]
    pub from: Option<String>,
    /// How the mechanism may reach the complainant; seen by members only.
    #[serde(default)]
    pub contact: Option<String>,
}

/// A complaint as kept: the form, its reference and when it came.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Complaint {
    pub reference: String,
    /// RFC 3339, the node's clock.
    pub received: String,
    #[serde(flatten)]
    pub form: ComplaintForm,
}

/// A complaint with the exact bytes kept and their SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub complaint: Complaint,
    pub bytes: Vec<u8>,
    pub sha256: String,
}

fn refuse(field: &'static str, reason: impl Into<String>) -> NodeError {
    NodeError::Invalid {
        field,
        reason: reason.into(),
    }
}

fn check_text(field: &'static str, text: &str, max: usize) -> Result<(), NodeError> {
    if text.trim().is_empty() {
        return Err(refuse(field, "must not be empty"));
    }
    let chars = text.chars().count();
    if chars > max {
        return Err(refuse(field, format!("{chars} characters; at most {max}")));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(refuse(
            field,
            "must not hold control characters (newlines and tabs are fine)",
        ));
    }
    Ok(())
}

impl ComplaintForm {
    /// Refuses an empty or oversized text, a field with control
    /// characters, or a day after `today`, naming the field.
    pub fn check(&self, today: jiff::civil::Date) -> Result<(), NodeError> {
        check_text("text", &self.text, MAX_TEXT_CHARS)?;
        for (field, value) in [
            ("place", &self.place),
            ("from", &self.from),
            ("contact", &self.contact),
        ] {
            if let Some(value) = value {
                check_text(field, value, MAX_FIELD_CHARS)?;
            }
        }
        if let Some(day) = self.occurred {
            if day > today {
                return Err(refuse("occurred", format!("{day} is after today")));
            }
        }
        Ok(())
    }
}

/// A reference a complainant can copy and read out: `C-` and ten letters
/// and digits without look-alikes (50 random bits).
fn new_reference() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut random = [0u8; 10];
    rand_core::OsRng.fill_bytes(&mut random);
    let code: String = random
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect();
    format!("C-{}-{}", &code[..5], &code[5..])
}

/// Whether `text` has the shape of a reference (checked before it names a file).
pub fn is_reference(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 13
        && text.starts_with("C-")
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i < 2 || i == 7 || b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// The complaints of one data directory; writes are serialised.
pub struct ComplaintBox {
    dir: PathBuf,
    lock: Mutex<()>,
}

impl ComplaintBox {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join(COMPLAINT_DIR),
            lock: Mutex::new(()),
        }
    }

    /// Keeps `form` as received now; durable when it returns.
    pub fn submit(&self, form: ComplaintForm, now: jiff::Timestamp) -> Result<Kept, NodeError> {
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        // A complainant a day ahead of UTC is not refused for it.
        form.check(today.tomorrow().unwrap_or(today))?;
        let _guard = self.lock.lock().expect("complaints lock");
        std::fs::create_dir_all(&self.dir)?;
        if self.names()?.len() >= MAX_KEPT {
            return Err(NodeError::OverQuota(format!(
                "{MAX_KEPT} complaints are kept already; try again later"
            )));
        }
        let complaint = Complaint {
            reference: new_reference(),
            received: now.to_string(),
            form,
        };
        let bytes = serde_json::to_vec_pretty(&complaint)
            .map_err(|e| NodeError::Internal(e.to_string()))?;
        crate::files::write_private(&self.dir, &format!("{}.json", complaint.reference), &bytes)?;
        Ok(Kept {
            sha256: hex::encode(Sha256::digest(&bytes)),
            complaint,
            bytes,
        })
    }

    fn names(&self) -> Result<Vec<String>, NodeError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(NodeError::Io(e)),
        };
        let mut names = Vec::new();
        for entry in entries {
            let name = entry?.file_name().to_string_lossy().into_owned();
            if let Some(reference) = name.strip_suffix(".json") {
                if is_reference(reference) {
                    names.push(reference.to_string());
                }
            }
        }
        Ok(names)
    }

    /// The complaint with this reference, if one is kept.
    pub fn get(&self, reference: &str) -> Result<Option<Kept>, NodeError> {
        if !is_reference(reference) {
            return Ok(None);
        }
        let path = self.dir.join(format!("{reference}.json"));
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(NodeError::Io(e)),
        };
        let complaint = serde_json::from_slice(&bytes)
            .map_err(|e| NodeError::Internal(format!("{}: {e}", path.display())))?;
        Ok(Some(Kept {
            sha256: hex::encode(Sha256::digest(&bytes)),
            complaint,
            bytes,
        }))
    }

    /// Every complaint kept, the latest first.
    pub fn list(&self) -> Result<Vec<Kept>, NodeError> {
        let mut kept = Vec::new();
        for reference in self.names()? {
            if let Some(complaint) = self.get(&reference)? {
                kept.push(complaint);
            }
        }
        kept.sort_by(|a, b| b.complaint.received.cmp(&a.complaint.received));
        Ok(kept)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(text: &str) -> ComplaintForm {
        ComplaintForm {
            text: text.into(),
            place: Some("Maarrat al-Numan, eastern quarter".into()),
            occurred: Some("2026-11-19".parse().unwrap()),
            from: Some("a resident".into()),
            contact: None,
        }
    }

    #[test]
    fn a_complaint_is_kept_whole_under_an_unguessable_reference() {
        let dir = tempfile::tempdir().unwrap();
        let complaints = ComplaintBox::new(dir.path());
        let now: jiff::Timestamp = "2026-11-20T08:00:00Z".parse().unwrap();
        let one = complaints
            .submit(form("Shells fell on the market at dawn; two wounded."), now)
            .unwrap();
        let two = complaints
            .submit(
                form("قذائف على السوق فجراً"),
                now + jiff::SignedDuration::from_secs(60),
            )
            .unwrap();
        assert!(
            is_reference(&one.complaint.reference),
            "{}",
            one.complaint.reference
        );
        assert_ne!(one.complaint.reference, two.complaint.reference);
        let read = ComplaintBox::new(dir.path())
            .get(&one.complaint.reference)
            .unwrap()
            .unwrap();
        assert_eq!(read, one, "the same bytes, hence the same hash");
        let listed = complaints.list().unwrap();
        assert_eq!(listed, vec![two, one], "latest first");
        assert_eq!(complaints.get("C-AAAAA-AAAAA").unwrap(), None);
        assert_eq!(complaints.get("../tokens").unwrap(), None);
    }

    #[test]
    fn bad_fields_are_refused_by_name() {
        let today: jiff::civil::Date = "2026-11-20".parse().unwrap();
        let mut bad = form("  ");
        assert!(bad
            .check(today)
            .unwrap_err()
            .to_string()
            .starts_with("text:"));
        bad = form(&"x".repeat(MAX_TEXT_CHARS + 1));
        assert!(bad
            .check(today)
            .unwrap_err()
            .to_string()
            .contains("at most"));
        bad = form("fine");
        bad.place = Some("bell\u{7}".into());
        assert!(bad
            .check(today)
            .unwrap_err()
            .to_string()
            .starts_with("place:"));
        bad = form("fine");
        bad.occurred = Some("2026-11-21".parse().unwrap());
        assert!(bad
            .check(today)
            .unwrap_err()
            .to_string()
            .starts_with("occurred:"));
        form("Line one\nline two\twith a tab").check(today).unwrap();
    }
}
