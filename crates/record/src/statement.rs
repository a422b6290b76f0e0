use ed25519_dalek::{Signature, VerifyingKey};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{
    AccessRestricted, Assessment, AssetRegistered, AssetStatusChanged, CaseOpened, CasePosition,
    CaseTasked, CaseVisited, ComplaintDeclined, DecisionProposal, DecisionProposed, DecisionVote,
    DocumentApproved, DocumentVersion, ExchangeInterview, ExchangeKeyPublished,
    ExchangeListSubmitted, ExchangeMatch, ExchangeRelease, FormationRegistered,
    FormationStatusChanged, Genesis, IncidentLink, KeyRevoked, KeyRotated, Kind, MeasureCompliance,
    MeetingRecorded, MemberAdmitted, Note, ReportAmended, ReportFiled, ReportWithdrawn,
    RequestAnswered, RequestMade, Validate,
};

use crate::{KeyId, RecordError, STATEMENT_CONTEXT};

/// The newest statement encoding this build reads and writes. Version 2
/// writes a decision's payload as one field (`DecisionProposal`); every
/// other kind is written as in version 1.
pub const FORMAT_VERSION: u32 = 2;

/// The most room a thread keeps for checking encodings ([`Statement::encodes_to`]).
const MAX_KEPT_ENCODING: usize = 1 << 20;

/// The oldest encoding this build reads, and the one [`Statement::new`]
/// writes, which every reader of a Record (the browser, older builds)
/// understands; [`Statement::in_version`] writes a newer one.
pub const FIRST_FORMAT_VERSION: u32 = 1;

/// What a member says, before signing.
///
/// The canonical encoding is compact JSON with fields in declaration order,
/// as `serde_json` writes it; see [`Statement::from_bytes`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    pub v: u32,
    pub author: KeyId,
    /// The author's per-member sequence number, starting at 0.
    pub seq: u64,
    /// When the author says it made the statement.
    pub time: Timestamp,
    pub body: Body,
}

/// The content of a statement; the variant is its kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Body {
    Genesis(Genesis),
    MemberAdmitted(MemberAdmitted),
    KeyRotated(KeyRotated),
    KeyRevoked(KeyRevoked),
    Note(Note),
    FormationRegistered(FormationRegistered),
    FormationStatusChanged(FormationStatusChanged),
    ReportFiled(ReportFiled),
    ReportAmended(ReportAmended),
    ReportWithdrawn(ReportWithdrawn),
    IncidentLinked(IncidentLink),
    Assessment(Assessment),
    DecisionProposed(DecisionProposed),
    DecisionVote(DecisionVote),
    MeasureCompliance(MeasureCompliance),
    ExchangeKeyPublished(ExchangeKeyPublished),
    ExchangeListSubmitted(ExchangeListSubmitted),
    ExchangeMatch(ExchangeMatch),
    ExchangeInterview(ExchangeInterview),
    ExchangeRelease(ExchangeRelease),
    MeetingRecorded(MeetingRecorded),
    DocumentVersion(DocumentVersion),
    DocumentApproved(DocumentApproved),
    ComplaintDeclined(ComplaintDeclined),
    RequestMade(RequestMade),
    RequestAnswered(RequestAnswered),
    CaseOpened(CaseOpened),
    CaseTasked(CaseTasked),
    CaseVisited(CaseVisited),
    CasePosition(CasePosition),
    AccessRestricted(AccessRestricted),
    AssetRegistered(AssetRegistered),
    AssetStatus(AssetStatusChanged),
}

impl Body {
    pub fn kind(&self) -> Kind {
        match self {
            Body::Genesis(_) => Kind::Genesis,
            Body::MemberAdmitted(_) => Kind::MemberAdmitted,
            Body::KeyRotated(_) => Kind::KeyRotated,
            Body::KeyRevoked(_) => Kind::KeyRevoked,
            Body::Note(_) => Kind::Note,
            Body::FormationRegistered(_) => Kind::FormationRegistered,
            Body::FormationStatusChanged(_) => Kind::FormationStatusChanged,
            Body::ReportFiled(_) => Kind::ReportFiled,
            Body::ReportAmended(_) => Kind::ReportAmended,
            Body::ReportWithdrawn(_) => Kind::ReportWithdrawn,
            Body::IncidentLinked(_) => Kind::IncidentLinked,
            Body::Assessment(_) => Kind::Assessment,
            Body::DecisionProposed(_) => Kind::DecisionProposed,
            Body::DecisionVote(_) => Kind::DecisionVote,
            Body::MeasureCompliance(_) => Kind::MeasureCompliance,
            Body::ExchangeKeyPublished(_) => Kind::ExchangeKeyPublished,
            Body::ExchangeListSubmitted(_) => Kind::ExchangeListSubmitted,
            Body::ExchangeMatch(_) => Kind::ExchangeMatch,
            Body::ExchangeInterview(_) => Kind::ExchangeInterview,
            Body::ExchangeRelease(_) => Kind::ExchangeRelease,
            Body::MeetingRecorded(_) => Kind::MeetingRecorded,
            Body::DocumentVersion(_) => Kind::DocumentVersion,
            Body::DocumentApproved(_) => Kind::DocumentApproved,
            Body::ComplaintDeclined(_) => Kind::ComplaintDeclined,
            Body::RequestMade(_) => Kind::RequestMade,
            Body::RequestAnswered(_) => Kind::RequestAnswered,
            Body::CaseOpened(_) => Kind::CaseOpened,
            Body::CaseTasked(_) => Kind::CaseTasked,
            Body::CaseVisited(_) => Kind::CaseVisited,
            Body::CasePosition(_) => Kind::CasePosition,
            Body::AccessRestricted(_) => Kind::AccessRestricted,
            Body::AssetRegistered(_) => Kind::AssetRegistered,
            Body::AssetStatus(_) => Kind::AssetStatus,
        }
    }

    fn validate(&self) -> Result<(), truce_model::ValidationError> {
        let result = match self {
            Body::Genesis(b) => b.validate(),
            Body::MemberAdmitted(b) => b.validate(),
            Body::KeyRotated(b) => b.validate(),
            Body::KeyRevoked(b) => b.validate(),
            Body::Note(b) => b.validate(),
            Body::FormationRegistered(b) => b.validate(),
            Body::FormationStatusChanged(b) => b.validate(),
            Body::ReportFiled(b) => b.validate(),
            Body::ReportAmended(b) => b.validate(),
            Body::ReportWithdrawn(b) => b.validate(),
            Body::IncidentLinked(b) => b.validate(),
            Body::Assessment(b) => b.validate(),
            Body::DecisionProposed(b) => b.validate(),
            Body::DecisionVote(b) => b.validate(),
            Body::MeasureCompliance(b) => b.validate(),
            Body::ExchangeKeyPublished(b) => b.validate(),
            Body::ExchangeListSubmitted(b) => b.validate(),
            Body::ExchangeMatch(b) => b.validate(),
            Body::ExchangeInterview(b) => b.validate(),
            Body::ExchangeRelease(b) => b.validate(),
            Body::MeetingRecorded(b) => b.validate(),
            Body::DocumentVersion(b) => b.validate(),
            Body::DocumentApproved(b) => b.validate(),
            Body::ComplaintDeclined(b) => b.validate(),
            Body::RequestMade(b) => b.validate(),
            Body::RequestAnswered(b) => b.validate(),
            Body::CaseOpened(b) => b.validate(),
            Body::CaseTasked(b) => b.validate(),
            Body::CaseVisited(b) => b.validate(),
            Body::CasePosition(b) => b.validate(),
            Body::AccessRestricted(b) => b.validate(),
            Body::AssetRegistered(b) => b.validate(),
            Body::AssetStatus(b) => b.validate(),
        };
        result.map_err(|e| e.within(&format!("body.{}", self.kind())))
    }
}

/// A proposal in format version 2, as written: the statement's fields in
/// their order, the body its one kind.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProposalStatement {
    v: u32,
    author: KeyId,
    seq: u64,
    time: Timestamp,
    body: ProposalBody,
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum ProposalBody {
    DecisionProposed(DecisionProposal),
}

impl Statement {
    /// A statement in format version 1 ([`FIRST_FORMAT_VERSION`]).
    pub fn new(author: KeyId, seq: u64, time: Timestamp, body: Body) -> Self {
        Self {
            v: FIRST_FORMAT_VERSION,
            author,
            seq,
            time,
            body,
        }
    }

    /// The same statement in format `version`; refused for a version this
    /// build does not write, or a body that version cannot hold (a
    /// proposal with more than one payload, from version 2 on).
    pub fn in_version(mut self, version: u32) -> Result<Self, RecordError> {
        if !(FIRST_FORMAT_VERSION..=FORMAT_VERSION).contains(&version) {
            return Err(RecordError::UnsupportedVersion(version, FORMAT_VERSION));
        }
        if let (Body::DecisionProposed(proposal), 2..) = (&self.body, version) {
            proposal
                .to_proposal()
                .map_err(|e| e.within("body.decision_proposed"))?;
        }
        self.v = version;
        Ok(self)
    }

    pub fn kind(&self) -> Kind {
        self.body.kind()
    }

    /// The canonical bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.write_canonical(&mut bytes)
            .expect("statements always serialize");
        bytes
    }

    /// Whether the canonical bytes are `bytes`: the statement is encoded
    /// into a buffer the thread keeps, and compared once. Comparing each
    /// piece as the encoder wrote it (a few bytes at a time) cost twice as
    /// much as encoding.
    fn encodes_to(&self, bytes: &[u8]) -> bool {
        thread_local! {
            static ENCODED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        ENCODED.with(|encoded| {
            let Ok(mut encoded) = encoded.try_borrow_mut() else {
                return self.to_bytes() == bytes;
            };
            encoded.clear();
            encoded.reserve(bytes.len());
            let same = self.write_canonical(&mut *encoded).is_ok() && *encoded == bytes;
            // A thread does not keep the room a rare large statement took.
            if encoded.capacity() > MAX_KEPT_ENCODING {
                *encoded = Vec::new();
            }
            same
        })
    }

    fn write_canonical(&self, out: impl std::io::Write) -> serde_json::Result<()> {
        if let (Body::DecisionProposed(proposal), 2..) = (&self.body, self.v) {
            // A proposal with several payloads is refused by validation and
            // by `in_version`; were one built by hand, the first is written.
            let mut payloads = proposal.payloads();
            payloads.truncate(1);
            let written = ProposalStatement {
                v: self.v,
                author: self.author,
                seq: self.seq,
                time: self.time,
                body: ProposalBody::DecisionProposed(DecisionProposal {
                    decision_type: proposal.decision_type,
                    title: proposal.title.clone(),
                    text: proposal.text.clone(),
                    deadline: proposal.deadline,
                    references: proposal.references.clone(),
                    payload: payloads.pop(),
                }),
            };
            return serde_json::to_writer(out, &written);
        }
        serde_json::to_writer(out, self)
    }

    /// Decodes and insists the bytes are canonical: unknown or duplicate
    /// fields, other whitespace, other escapes or number forms, and other
    /// time formats are all refused, so one statement has exactly one encoding.
    ///
    /// Every version from [`FIRST_FORMAT_VERSION`] to [`FORMAT_VERSION`] is
    /// read; each has its one encoding, so a proposal written in version 1's
    /// shape under version 2 (or the reverse) is refused.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, RecordError> {
        let statement = Self::parse(bytes)?;
        if !statement.encodes_to(bytes) {
            return Err(RecordError::NonCanonical);
        }
        refuse_control_characters(bytes)?;
        statement.body.validate()?;
        Ok(statement)
    }

    /// Decodes bytes that were found canonical when they were appended, and
    /// that the caller checks against a signed root by hashing them: any
    /// changed byte makes that root differ, so encoding the statement again
    /// to compare (nearly half the cost of decoding one) proves
    /// nothing more.
    pub fn from_stored_bytes(bytes: &[u8]) -> Result<Self, RecordError> {
        let statement = Self::parse(bytes)?;
        statement.body.validate()?;
        Ok(statement)
    }

    /// The statement in `bytes`, of a version this build reads.
    fn parse(bytes: &[u8]) -> Result<Self, RecordError> {
        let statement: Statement = match serde_json::from_slice(bytes) {
            Ok(statement) => statement,
            Err(error) => match serde_json::from_slice::<ProposalStatement>(bytes) {
                Ok(written) if written.v >= 2 => {
                    let ProposalBody::DecisionProposed(proposal) = written.body;
                    Statement {
                        v: written.v,
                        author: written.author,
                        seq: written.seq,
                        time: written.time,
                        body: Body::DecisionProposed(proposal.into()),
                    }
                }
                _ => return Err(RecordError::Malformed(error.to_string())),
            },
        };
        if !(FIRST_FORMAT_VERSION..=FORMAT_VERSION).contains(&statement.v) {
            return Err(RecordError::UnsupportedVersion(statement.v, FORMAT_VERSION));
        }
        Ok(statement)
    }
}

/// Text in a statement holds no control characters but newline and tab:
/// an escape sequence in a place name would reach every terminal and page
/// that shows it. Bidirectional marks (U+200E, U+2067…), which Arabic and
/// Persian text needs, are not control characters and stay allowed.
///
/// The bytes are canonical, so this reads them directly: serde_json writes
/// a control character below U+0020 as `\r`, `\b`, `\f` or `\u00XX` (newline
/// and tab as `\n`, `\t`), DEL and C1 characters raw. Only when one is found
/// is the statement parsed again, to name the field that holds it.
fn refuse_control_characters(bytes: &[u8]) -> Result<(), truce_model::ValidationError> {
    // Only the three bytes that can begin one are looked at, found many
    // bytes at a time; a statement rarely holds a backslash.
    let mut i = 0;
    let mut found = false;
    while let Some(at) = memchr::memchr3(b'\\', 0x7f, 0xc2, &bytes[i..]) {
        let at = i + at;
        match bytes[at] {
            b'\\' => {
                if matches!(bytes.get(at + 1), Some(b'r' | b'b' | b'f' | b'u')) {
                    found = true;
                    break;
                }
                i = at + 2;
            }
            0x7f => {
                found = true;
                break;
            }
            _ if matches!(bytes.get(at + 1), Some(0x80..=0x9f)) => {
                found = true;
                break;
            }
            _ => i = at + 1,
        }
        if i >= bytes.len() {
            break;
        }
    }
    if !found {
        return Ok(());
    }
    let value: serde_json::Value = serde_json::from_slice(bytes).unwrap_or_default();
    let (field, character) = first_control_character(&value, String::new())
        .unwrap_or_else(|| ("statement".into(), '\u{0}'));
    Err(truce_model::ValidationError::new(
        field,
        format!(
            "holds the control character U+{:04X}: text may hold newlines and tabs, no other control characters",
            character as u32
        ),
    ))
}

fn is_refused_control(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// The path (`body.note.text`, `body.x.items[2]`) of the first string with a
/// refused control character, and that character.
fn first_control_character(value: &serde_json::Value, path: String) -> Option<(String, char)> {
    match value {
        serde_json::Value::String(text) => text
            .chars()
            .find(|c| is_refused_control(*c))
            .map(|c| (path, c)),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| first_control_character(item, format!("{path}[{i}]"))),
        serde_json::Value::Object(fields) => fields.iter().find_map(|(name, item)| {
            let path = if path.is_empty() {
                name.clone()
            } else {
                format!("{path}.{name}")
            };
            first_control_character(item, path)
        }),
        _ => None,
    }
}

/// A statement's exact signed bytes and its Ed25519 signature: what the
/// Record stores and hashes. It is never re-serialized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedStatement {
    bytes: Vec<u8>,
    signature: [u8; 64],
}

impl SignedStatement {
    pub fn new(bytes: Vec<u8>, signature: [u8; 64]) -> Self {
        Self { bytes, signature }
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn signature(&self) -> &[u8; 64] {
        &self.signature
    }

    /// The statement's bytes and its signature, given up.
    pub fn into_parts(self) -> (Vec<u8>, [u8; 64]) {
        (self.bytes, self.signature)
    }

    /// The Merkle leaf: statement bytes followed by the 64 signature bytes.
    pub fn leaf(&self) -> Vec<u8> {
        let mut leaf = Vec::with_capacity(self.bytes.len() + 64);
        leaf.extend_from_slice(&self.bytes);
        leaf.extend_from_slice(&self.signature);
        leaf
    }

    /// Length of [`Self::leaf`], without building it.
    pub fn leaf_len(&self) -> usize {
        self.bytes.len() + self.signature.len()
    }

    /// The RFC 6962 leaf hash of [`Self::leaf`], without copying the bytes.
    pub fn leaf_hash(&self) -> crate::Hash {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update([0u8]);
        hasher.update(&self.bytes);
        hasher.update(self.signature);
        crate::Hash(hasher.finalize().into())
    }

    pub fn from_leaf(leaf: &[u8]) -> Result<Self, RecordError> {
        if leaf.len() <= 64 {
            return Err(RecordError::TruncatedEntry(leaf.len()));
        }
        let (bytes, signature) = leaf.split_at(leaf.len() - 64);
        Ok(Self::new(
            bytes.to_vec(),
            signature.try_into().expect("64 bytes"),
        ))
    }

    /// Strict Ed25519 verification over context + bytes.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        let mut message = Vec::with_capacity(STATEMENT_CONTEXT.len() + self.bytes.len());
        message.extend_from_slice(STATEMENT_CONTEXT);
        message.extend_from_slice(&self.bytes);
        key.verify_strict(&message, &Signature::from_bytes(&self.signature))
            .is_ok()
    }
}

/// A signed statement that decoded canonically, waiting for admission.
///
/// The signature may be checked ahead of admission, on another thread,
/// because a key id always names the same public key; only whether that
/// key is admitted and unrevoked depends on the position in the Record.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub statement: Statement,
    pub signed: SignedStatement,
    signature_checked: bool,
}

impl Candidate {
    pub fn decode(signed: SignedStatement) -> Result<Self, RecordError> {
        let statement = Statement::from_bytes(signed.bytes())?;
        Ok(Self {
            statement,
            signed,
            signature_checked: false,
        })
    }

    /// Checks the signature now; returns false if it does not verify.
    pub fn check_signature(&mut self, key: &VerifyingKey) -> bool {
        self.signature_checked = self.signed.verify(key);
        self.signature_checked
    }

    pub fn signature_checked(&self) -> bool {
        self.signature_checked
    }

    /// An entry read back from this node's own store, whose signature and
    /// encoding were checked when it was appended. The caller must hash its
    /// bytes into a tree whose root it checks against a signed checkpoint
    /// before the state derived from it is used. `truce verify` never takes
    /// this shortcut.
    pub fn decode_stored(signed: SignedStatement) -> Result<Self, RecordError> {
        let statement = Statement::from_stored_bytes(signed.bytes())?;
        Ok(Self {
            statement,
            signed,
            signature_checked: true,
        })
    }

    /// For entries read back from this node's own store, which were checked
    /// when appended. `truce verify` never takes this shortcut.
    pub fn assume_signature_checked(mut self) -> Self {
        self.signature_checked = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemberKey;

    fn note(text: &str) -> Statement {
        let key = MemberKey::from_seed([7; 32]);
        Statement::new(
            key.key_id(),
            3,
            "2026-11-25T10:00:00Z".parse().unwrap(),
            Body::Note(Note {
                text: text.into(),
                refers_to: vec![1, 2],
            }),
        )
    }

    #[test]
    fn control_characters_in_text_are_refused_naming_the_field() {
        // ESC clearing a screen, a bare CR overwriting a line, BEL, DEL,
        // and the C1 CSI that some terminals obey like ESC [.
        for text in [
            "Shelling\u{1b}[2J all checks OK",
            "fine\rforged",
            "ring\u{7}",
            "del\u{7f}",
            "csi\u{9b}2J",
        ] {
            let bytes = note(text).to_bytes();
            match Statement::from_bytes(&bytes) {
                Err(RecordError::Invalid(e)) => {
                    assert_eq!(e.field, "body.note.text", "{text:?}");
                    assert!(e.reason.contains("control character"), "{}", e.reason);
                }
                other => panic!("{text:?} was not refused: {other:?}"),
            }
        }
    }

    #[test]
    fn newlines_tabs_escaped_backslashes_and_bidirectional_marks_stay_allowed() {
        for text in [
            "line one\nline two\tcolumn",
            "a path C:\\u0041 is text, not an escape",
            // Characters whose UTF-8 begins as a C1 control's does, and a
            // backslash as the last character.
            "35\u{b0}N, \u{a3}5, \u{c2}, ends in \\",
            // Right-to-left mark and isolates around Arabic and Persian names.
            "قصف \u{200f}خان شيخون\u{2067}(إدلب)\u{2069}",
        ] {
            let bytes = note(text).to_bytes();
            assert!(Statement::from_bytes(&bytes).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn encoding_round_trips_to_the_same_bytes() {
        let bytes = note("hello").to_bytes();
        let decoded = Statement::from_bytes(&bytes).unwrap();
        assert_eq!(decoded.to_bytes(), bytes);
        assert_eq!(decoded.kind(), Kind::Note);
    }

    #[test]
    fn extra_whitespace_is_not_canonical() {
        let bytes = note("hello").to_bytes();
        let mut spaced = b" ".to_vec();
        spaced.extend_from_slice(&bytes);
        assert!(matches!(
            Statement::from_bytes(&spaced),
            Err(RecordError::NonCanonical) | Err(RecordError::Malformed(_))
        ));
        let text = String::from_utf8(bytes).unwrap();
        let escaped = text.replace("hello", "h\\u0065llo");
        assert!(matches!(
            Statement::from_bytes(escaped.as_bytes()),
            Err(RecordError::NonCanonical)
        ));
    }

    #[test]
    fn unknown_and_duplicate_fields_are_refused() {
        let text = String::from_utf8(note("x").to_bytes()).unwrap();
        let unknown = text.replacen("{\"v\":1,", "{\"v\":1,\"extra\":0,", 1);
        let err = Statement::from_bytes(unknown.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let duplicate = text.replacen("{\"v\":1,", "{\"v\":1,\"seq\":3,", 1);
        let err = Statement::from_bytes(duplicate.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("duplicate field"), "{err}");
    }

    #[test]
    fn other_time_spellings_are_not_canonical() {
        let text = String::from_utf8(note("x").to_bytes()).unwrap();
        let offset = text.replace("2026-11-25T10:00:00Z", "2026-11-25T10:00:00+00:00");
        assert!(Statement::from_bytes(offset.as_bytes()).is_err());
    }

    #[test]
    fn empty_note_names_the_field() {
        let err = Statement::from_bytes(&note(" ").to_bytes()).unwrap_err();
        assert!(err.to_string().contains("body.note.text"), "{err}");
    }

    #[test]
    fn leaf_round_trips_and_signature_is_strict() {
        let key = MemberKey::from_seed([7; 32]);
        let signed = key.sign(&note("hello"));
        let again = SignedStatement::from_leaf(&signed.leaf()).unwrap();
        assert_eq!(again, signed);
        let verifying = crate::strong_verifying_key(&key.public_key()).unwrap();
        assert!(signed.verify(&verifying));
        let mut forged = signed.leaf();
        forged[5] ^= 1;
        assert!(!SignedStatement::from_leaf(&forged)
            .unwrap()
            .verify(&verifying));
    }

    fn proposal(decision_type: truce_model::DecisionType) -> DecisionProposed {
        DecisionProposed {
            decision_type,
            title: "Designate brigade-1".into(),
            text: "It is outside the ceasefire.".into(),
            deadline: "2026-12-01T10:00:00Z".parse().unwrap(),
            references: vec![4],
            measure: None,
            exchange: None,
            agreement: None,
            status: None,
            criteria: None,
            parameters: None,
        }
    }

    fn designation() -> DecisionProposed {
        DecisionProposed {
            status: Some(truce_model::StatusSpec {
                formation: truce_model::FormationId::new("brigade-1").unwrap(),
                status: truce_model::FormationStatus::Excluded,
                valid_from: "2026-11-01".parse().unwrap(),
            }),
            ..proposal(truce_model::DecisionType::Designation)
        }
    }

    fn proposed(body: DecisionProposed) -> Statement {
        let key = MemberKey::from_seed([7; 32]);
        Statement::new(
            key.key_id(),
            4,
            "2026-11-25T10:00:00Z".parse().unwrap(),
            Body::DecisionProposed(body),
        )
    }

    #[test]
    fn version_2_writes_a_proposals_payload_as_one_field_and_reads_back_the_same() {
        let v1 = proposed(designation());
        let v2 = v1.clone().in_version(2).unwrap();
        let text = String::from_utf8(v2.to_bytes()).unwrap();
        assert!(text.starts_with("{\"v\":2,"), "{text}");
        assert!(
            text.contains(
                "\"references\":[4],\"payload\":{\"status\":{\"formation\":\"brigade-1\""
            ),
            "{text}"
        );
        assert!(!text.contains("\"measure\""), "{text}");
        let decoded = Statement::from_bytes(text.as_bytes()).unwrap();
        assert_eq!(decoded, v2);
        assert_eq!(decoded.body, v1.body);
        // Version 1 is read as before, with its field per payload.
        let old = String::from_utf8(v1.to_bytes()).unwrap();
        assert!(old.contains("\"measure\":null"), "{old}");
        assert_eq!(Statement::from_bytes(old.as_bytes()).unwrap(), v1);
        // A proposal without a payload, and other kinds, in version 2.
        let document = proposed(proposal(truce_model::DecisionType::Document));
        let document = document.in_version(2).unwrap().to_bytes();
        assert!(String::from_utf8_lossy(&document).contains("\"payload\":null"));
        assert!(Statement::from_bytes(&document).is_ok());
        let note = note("hello").in_version(2).unwrap().to_bytes();
        assert_eq!(Statement::from_bytes(&note).unwrap().v, 2);
    }

    #[test]
    fn each_version_has_its_one_encoding_of_a_proposal() {
        let v1 = String::from_utf8(proposed(designation()).to_bytes()).unwrap();
        let v2 =
            String::from_utf8(proposed(designation()).in_version(2).unwrap().to_bytes()).unwrap();
        // Version 1's shape under version 2, and version 2's under 1.
        let flat_as_2 = v1.replacen("{\"v\":1,", "{\"v\":2,", 1);
        assert!(matches!(
            Statement::from_bytes(flat_as_2.as_bytes()),
            Err(RecordError::NonCanonical)
        ));
        let payload_as_1 = v2.replacen("{\"v\":2,", "{\"v\":1,", 1);
        assert!(matches!(
            Statement::from_bytes(payload_as_1.as_bytes()),
            Err(RecordError::Malformed(_))
        ));
        let unknown = v2.replacen("{\"v\":2,", "{\"v\":3,", 1);
        let err = Statement::from_bytes(unknown.as_bytes()).unwrap_err();
        assert!(
            matches!(err, RecordError::UnsupportedVersion(3, 2)),
            "{err}"
        );
        assert!(proposed(designation()).in_version(3).is_err());
        assert!(proposed(designation()).in_version(0).is_err());
    }

    #[test]
    fn a_proposal_with_two_payloads_cannot_be_written_in_version_2() {
        let both = DecisionProposed {
            criteria: Some("[[criterion]]".into()),
            ..designation()
        };
        let err = proposed(both).in_version(2).unwrap_err();
        assert!(
            err.to_string().contains("body.decision_proposed.payload"),
            "{err}"
        );
        // A payload that does not go with the type is refused as in version 1.
        let wrong = DecisionProposed {
            decision_type: truce_model::DecisionType::Measure,
            ..designation()
        };
        let bytes = proposed(wrong).in_version(2).unwrap().to_bytes();
        assert!(matches!(
            Statement::from_bytes(&bytes),
            Err(RecordError::Invalid(_))
        ));
    }
}
