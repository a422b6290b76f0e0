//! The admission rules: which statement may stand at the next position.

use std::collections::HashMap;

use bytes::Bytes;
use ed25519_dalek::VerifyingKey;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use truce_model::{FoundingMember, Genesis, Kind, MemberName, Party, PublicKeyBytes, Role};

use crate::{strong_verifying_key, Body, Candidate, KeyId, RecordError, Rejection, Statement};

/// Where a key stands at the current position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    Active,
    /// Replaced by the member's rotation at this entry.
    Rotated {
        at: u64,
    },
    /// Revoked at this entry.
    Revoked {
        at: u64,
    },
}

#[derive(Debug, Clone)]
struct KeyRecord {
    member: MemberName,
    public: VerifyingKey,
    status: KeyStatus,
}

/// A member as the Record has it at the current position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberState {
    pub party: Party,
    pub role: Role,
    pub current_key: KeyId,
    pub next_seq: u64,
    pub last_time: Option<Timestamp>,
    pub admitted_at: u64,
}

/// What an admitted statement did, for callers that keep indexes.
#[derive(Debug, Clone)]
pub struct Admitted {
    pub position: u64,
    pub member: MemberName,
    pub kind: Kind,
}

/// Who makes a statement, and where, for rules beyond membership.
pub struct Context<'a> {
    pub position: u64,
    pub member: &'a MemberName,
    pub state: &'a MemberState,
    /// Membership as it stands before this statement.
    pub registry: &'a Registry,
    pub time: Timestamp,
}

/// Rules of the register and the regime, applied to every statement after
/// the membership rules. Both functions must be pure functions of the
/// statements seen so far, so that every node reaches the same verdicts.
pub trait Rules: Send + Sync {
    /// Refuses a statement, naming the field and the reason; changes nothing.
    fn check(&self, context: &Context<'_>, statement: &Statement) -> Result<(), Rejection>;
    /// Takes an admitted statement into the state.
    fn apply(&mut self, context: &Context<'_>, statement: &Statement);
    /// The node's own check of a new statement against its clock (`now`),
    /// before admission: claimed times far from it, deadlines already past.
    /// A replay does not run it (it has no clock of the time of arrival).
    fn check_arrival(
        &self,
        _statement: &Statement,
        _now: jiff::Timestamp,
    ) -> Result<(), Rejection> {
        Ok(())
    }
    /// The same rules with no statement taken in yet. A node whose commit
    /// failed has taken the batch into its state; it starts again from
    /// this and replays what the store durably holds.
    fn fresh(&self) -> Self
    where
        Self: Sized;
    /// Brings derived state up to date before readers are given a copy of
    /// it: a copy is never changed again, so whatever a reader would
    /// otherwise compute and keep (an index marked stale) is done here, once.
    fn settle(&mut self) {}
    /// The copy readers are given, once `settle` has run. A plain copy,
    /// unless the state shares with its snapshots what readers derive.
    fn snapshot(&self) -> Self
    where
        Self: Sized + Clone,
    {
        self.clone()
    }
    /// This state as blobs of bytes to keep beside the Record, for
    /// [`Rules::restore`] to read back instead of replaying the entries it
    /// was derived from; made as they are asked for, so that a large state
    /// is never in memory twice. None for rules whose state is not worth
    /// saving.
    fn to_saved(&self) -> Box<dyn Iterator<Item = SavedBlob<'_>> + '_> {
        Box::new(std::iter::empty())
    }
    /// The state `to_saved` wrote, its blobs given in order as they are
    /// read, for rules made as these were; or why they cannot be used.
    /// A blob is shared bytes (of a mapped file, where it is kept in one):
    /// the rules may keep one, or a part of one, to read it later.
    fn restore(&self, saved: &mut (dyn Iterator<Item = Bytes> + Send)) -> Result<Self, String>
    where
        Self: Sized,
    {
        match saved.next() {
            None => Ok(self.fresh()),
            Some(_) => Err("these rules keep no saved state".into()),
        }
    }
    /// Whether `other` holds the same state: how a saved state read back is
    /// checked against one derived from every entry. Rules that save no
    /// state have none to differ in; rules that save one must say.
    fn same_state(&self, _other: &Self) -> bool
    where
        Self: Sized,
    {
        true
    }
}

/// A blob of a rules' saved state ([`Rules::to_saved`]).
pub enum SavedBlob<'a> {
    Bytes(Vec<u8>),
    /// `len` bytes, written by `write` straight where the blob is kept: a
    /// large part of a state is then never held whole while it is saved.
    Written {
        len: u64,
        write: WriteBlob<'a>,
    },
}

/// Writes a blob of a saved state where it is kept.
pub type WriteBlob<'a> = Box<dyn FnOnce(&mut dyn std::io::Write) -> std::io::Result<()> + 'a>;

impl SavedBlob<'_> {
    /// The blob's bytes, written out where it is a writer.
    pub fn into_bytes(self) -> std::io::Result<Vec<u8>> {
        match self {
            SavedBlob::Bytes(bytes) => Ok(bytes),
            SavedBlob::Written { len, write } => {
                let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
                write(&mut bytes)?;
                Ok(bytes)
            }
        }
    }
}

/// Membership rules only.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRules;

/// The largest entry (statement bytes and signature): C2SP entry bundles
/// prefix each entry with a big-endian 16-bit length.
pub const MAX_LEAF_BYTES: usize = u16::MAX as usize;

impl Rules for NoRules {
    fn check(&self, _: &Context<'_>, _: &Statement) -> Result<(), Rejection> {
        Ok(())
    }

    fn apply(&mut self, _: &Context<'_>, _: &Statement) {}

    fn fresh(&self) -> Self {
        NoRules
    }
}

/// The membership projection, advanced one entry at a time.
///
/// `admit` either accepts a statement and changes the state, or refuses it
/// and leaves the state exactly as it was.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    genesis: Option<Genesis>,
    keys: HashMap<KeyId, KeyRecord>,
    members: HashMap<MemberName, MemberState>,
    size: u64,
}

/// The membership state in the form it is saved in beside a Record:
/// plain data in a fixed order, so that two equal states save alike.
#[derive(Serialize, Deserialize)]
struct SavedRegistry {
    genesis: Option<Genesis>,
    keys: Vec<SavedKey>,
    members: Vec<(MemberName, MemberState)>,
    size: u64,
}

#[derive(Serialize, Deserialize)]
struct SavedKey {
    member: MemberName,
    public: PublicKeyBytes,
    status: KeyStatus,
}

impl Registry {
    pub fn new() -> Self {
        Self::default()
    }

    /// The state as bytes to save, read back by [`Registry::from_saved`].
    /// Equal states give equal bytes.
    pub fn to_saved(&self) -> Vec<u8> {
        let mut keys: Vec<SavedKey> = self
            .keys
            .values()
            .map(|k| SavedKey {
                member: k.member.clone(),
                public: PublicKeyBytes(k.public.to_bytes()),
                status: k.status,
            })
            .collect();
        keys.sort_by_key(|k| k.public);
        let mut members: Vec<(MemberName, MemberState)> = self
            .members
            .iter()
            .map(|(name, state)| (name.clone(), state.clone()))
            .collect();
        members.sort_by(|a, b| a.0.cmp(&b.0));
        let saved = SavedRegistry {
            genesis: self.genesis.clone(),
            keys,
            members,
            size: self.size,
        };
        serde_json::to_vec(&saved).expect("the membership state serialises")
    }

    /// The state saved by [`Registry::to_saved`]. Every key must still be
    /// a strong Ed25519 key, as it was when it was admitted.
    pub fn from_saved(bytes: &[u8]) -> Result<Registry, RecordError> {
        let saved: SavedRegistry = serde_json::from_slice(bytes)
            .map_err(|e| RecordError::Saved(format!("membership state: {e}")))?;
        let mut keys = HashMap::with_capacity(saved.keys.len());
        for key in saved.keys {
            let record = KeyRecord {
                member: key.member,
                public: strong_verifying_key(&key.public)?,
                status: key.status,
            };
            keys.insert(KeyId::of(&key.public), record);
        }
        Ok(Registry {
            genesis: saved.genesis,
            keys,
            members: saved.members.into_iter().collect(),
            size: saved.size,
        })
    }

    /// Number of entries admitted so far: the position of the next one.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn genesis(&self) -> Option<&Genesis> {
        self.genesis.as_ref()
    }

    pub fn member(&self, name: &MemberName) -> Option<&MemberState> {
        self.members.get(name)
    }

    /// The member, if its current key may still sign: admitted, and that
    /// key neither revoked nor rotated away. What reads on the member's
    /// behalf (a node's read token) ends with it.
    pub fn member_in_good_standing(&self, name: &MemberName) -> Option<&MemberState> {
        self.members.get(name).filter(|m| {
            self.keys
                .get(&m.current_key)
                .is_some_and(|k| k.status == KeyStatus::Active)
        })
    }

    pub fn members(&self) -> impl Iterator<Item = (&MemberName, &MemberState)> {
        self.members.iter()
    }

    /// The public key behind a key id, whatever its status, for checking
    /// signatures ahead of admission.
    pub fn public_key(&self, key: &KeyId) -> Option<VerifyingKey> {
        self.keys.get(key).map(|k| k.public)
    }

    pub fn key_status(&self, key: &KeyId) -> Option<(MemberName, KeyStatus)> {
        self.keys.get(key).map(|k| (k.member.clone(), k.status))
    }

    /// The member that holds a key id, if any.
    pub fn member_of(&self, key: &KeyId) -> Option<&MemberName> {
        self.keys.get(key).map(|k| &k.member)
    }

    pub fn admit(&mut self, candidate: &mut Candidate) -> Result<Admitted, Rejection> {
        self.admit_with(candidate, &mut NoRules)
    }

    /// Admits under the membership rules and then `rules`: `rules.check`
    /// sees the statement after every membership check passed and before
    /// anything changed; `rules.apply` runs only once it is admitted.
    pub fn admit_with(
        &mut self,
        candidate: &mut Candidate,
        rules: &mut dyn Rules,
    ) -> Result<Admitted, Rejection> {
        let admitted = self.admit_membership(candidate, rules)?;
        let context = self.context(&admitted, &candidate.statement);
        rules.apply(&context, &candidate.statement);
        Ok(admitted)
    }

    fn context<'a>(&'a self, admitted: &'a Admitted, statement: &Statement) -> Context<'a> {
        Context {
            position: admitted.position,
            member: &admitted.member,
            state: &self.members[&admitted.member],
            registry: self,
            time: statement.time,
        }
    }

    fn admit_membership(
        &mut self,
        candidate: &mut Candidate,
        rules: &mut dyn Rules,
    ) -> Result<Admitted, Rejection> {
        let size = candidate.signed.leaf_len();
        if size > MAX_LEAF_BYTES {
            return Err(Rejection::TooLarge {
                size,
                max: MAX_LEAF_BYTES,
            });
        }
        let position = self.size;
        if position == 0 {
            return self.admit_genesis(candidate);
        }
        let author = candidate.statement.author;
        let key = self
            .keys
            .get(&author)
            .ok_or_else(|| Rejection::UnknownKey(author.to_hex()))?;
        if !candidate.signature_checked() && !candidate.check_signature(&key.public) {
            return Err(Rejection::BadSignature(author.to_hex()));
        }
        match key.status {
            KeyStatus::Active => {}
            KeyStatus::Revoked { at } => {
                return Err(Rejection::RevokedKey {
                    key: author.to_hex(),
                    at,
                })
            }
            KeyStatus::Rotated { at } => {
                return Err(Rejection::RotatedKey {
                    key: author.to_hex(),
                    at,
                })
            }
        }
        let member_name = key.member.clone();
        let member = &self.members[&member_name];
        check_sequence(&member_name, member, candidate.statement.seq)?;
        check_time(&member_name, member, candidate.statement.time)?;
        let kind = candidate.statement.kind();
        if kind == Kind::Genesis {
            return Err(Rejection::GenesisAgain);
        }
        let self_revocation = matches!(&candidate.statement.body,
            Body::KeyRevoked(r) if r.member == member_name);
        if !kind.may_be_made_by(member.role) && !self_revocation {
            return Err(Rejection::RoleMayNot {
                role: member.role.to_string(),
                kind: kind.to_string(),
            });
        }
        let context = Context {
            position,
            member: &member_name,
            state: member,
            registry: self,
            time: candidate.statement.time,
        };
        rules.check(&context, &candidate.statement)?;
        self.apply_body(position, &member_name, &candidate.statement.body)?;
        let member = self.members.get_mut(&member_name).expect("author exists");
        member.next_seq += 1;
        member.last_time = Some(candidate.statement.time);
        self.size += 1;
        Ok(Admitted {
            position,
            member: member_name,
            kind,
        })
    }

    fn admit_genesis(&mut self, candidate: &mut Candidate) -> Result<Admitted, Rejection> {
        // Genesis founds membership; `rules.apply` still sees it.
        let Body::Genesis(genesis) = candidate.statement.body.clone() else {
            return Err(Rejection::GenesisFirst);
        };
        let operator_key = weak_checked(&genesis.operator.public_key)?;
        if candidate.statement.author != KeyId::of(&genesis.operator.public_key) {
            return Err(Rejection::GenesisAuthor);
        }
        if !candidate.signature_checked() && !candidate.check_signature(&operator_key) {
            return Err(Rejection::BadSignature(candidate.statement.author.to_hex()));
        }
        if candidate.statement.seq != 0 {
            return Err(Rejection::Sequence {
                member: genesis.operator.member.to_string(),
                expected: 0,
                got: candidate.statement.seq,
                why: "the genesis statement is the operator's first",
            });
        }
        let mut next = Registry::default();
        for founder in std::iter::once(&genesis.operator).chain(&genesis.members) {
            next.add_member(founder, 0)?;
        }
        let operator = next
            .members
            .get_mut(&genesis.operator.member)
            .expect("operator just added");
        operator.next_seq = 1;
        operator.last_time = Some(candidate.statement.time);
        let member = genesis.operator.member.clone();
        next.genesis = Some(genesis);
        next.size = 1;
        *self = next;
        Ok(Admitted {
            position: 0,
            member,
            kind: Kind::Genesis,
        })
    }

    /// Applies a body's effect on membership. Checks everything before
    /// changing anything, so a refusal leaves the registry untouched.
    fn apply_body(
        &mut self,
        position: u64,
        author: &MemberName,
        body: &Body,
    ) -> Result<(), Rejection> {
        match body {
            Body::Genesis(_) => Err(Rejection::GenesisAgain),
            Body::MemberAdmitted(admitted) => self.add_member(admitted, position),
            Body::KeyRotated(rotation) => {
                let new_public = weak_checked(&rotation.new_public_key)?;
                let new_id = KeyId::of(&rotation.new_public_key);
                if self.keys.contains_key(&new_id) {
                    return Err(Rejection::KeyInUse(rotation.new_public_key.to_hex()));
                }
                let member = self.members.get_mut(author).expect("author exists");
                let old_id = std::mem::replace(&mut member.current_key, new_id);
                self.keys
                    .get_mut(&old_id)
                    .expect("current key exists")
                    .status = KeyStatus::Rotated { at: position };
                self.keys.insert(
                    new_id,
                    KeyRecord {
                        member: author.clone(),
                        public: new_public,
                        status: KeyStatus::Active,
                    },
                );
                Ok(())
            }
            Body::KeyRevoked(revocation) => {
                let id = KeyId::of(&revocation.public_key);
                let key = self
                    .keys
                    .get_mut(&id)
                    .ok_or_else(|| Rejection::UnknownKey(id.to_hex()))?;
                if key.member != revocation.member {
                    return Err(Rejection::KeyNotOfMember {
                        key: id.to_hex(),
                        member: revocation.member.to_string(),
                    });
                }
                if matches!(key.status, KeyStatus::Revoked { .. }) {
                    return Err(Rejection::AlreadyRevoked(id.to_hex()));
                }
                key.status = KeyStatus::Revoked { at: position };
                Ok(())
            }
            // The register's rules are the regime crate's, applied after these.
            Body::Note(_)
            | Body::FormationRegistered(_)
            | Body::FormationStatusChanged(_)
            | Body::ReportFiled(_)
            | Body::ReportAmended(_)
            | Body::ReportWithdrawn(_)
            | Body::IncidentLinked(_)
            | Body::Assessment(_)
            | Body::DecisionProposed(_)
            | Body::DecisionVote(_)
            | Body::MeasureCompliance(_)
            | Body::ExchangeKeyPublished(_)
            | Body::ExchangeListSubmitted(_)
            | Body::ExchangeMatch(_)
            | Body::ExchangeInterview(_)
            | Body::ExchangeRelease(_)
            | Body::MeetingRecorded(_)
            | Body::DocumentVersion(_)
            | Body::DocumentApproved(_)
            | Body::ComplaintDeclined(_)
            | Body::RequestMade(_)
            | Body::RequestAnswered(_)
            | Body::CaseOpened(_)
            | Body::CaseTasked(_)
            | Body::CaseVisited(_)
            | Body::CasePosition(_)
            | Body::AccessRestricted(_)
            | Body::AssetRegistered(_)
            | Body::AssetStatus(_) => Ok(()),
        }
    }

    fn add_member(&mut self, founder: &FoundingMember, position: u64) -> Result<(), Rejection> {
        let public = weak_checked(&founder.public_key)?;
        let id = KeyId::of(&founder.public_key);
        if self.members.contains_key(&founder.member) {
            return Err(Rejection::MemberExists(founder.member.to_string()));
        }
        if self.keys.contains_key(&id) {
            return Err(Rejection::KeyInUse(founder.public_key.to_hex()));
        }
        self.keys.insert(
            id,
            KeyRecord {
                member: founder.member.clone(),
                public,
                status: KeyStatus::Active,
            },
        );
        self.members.insert(
            founder.member.clone(),
            MemberState {
                party: founder.party.clone(),
                role: founder.role,
                current_key: id,
                next_seq: 0,
                last_time: None,
                admitted_at: position,
            },
        );
        Ok(())
    }
}

fn weak_checked(key: &PublicKeyBytes) -> Result<VerifyingKey, Rejection> {
    strong_verifying_key(key).map_err(|_| Rejection::WeakKey)
}

fn check_sequence(name: &MemberName, member: &MemberState, got: u64) -> Result<(), Rejection> {
    let expected = member.next_seq;
    if got == expected {
        return Ok(());
    }
    let why = if got < expected {
        "a replay of an earlier statement"
    } else {
        "statements are missing before this one"
    };
    Err(Rejection::Sequence {
        member: name.to_string(),
        expected,
        got,
        why,
    })
}

fn check_time(name: &MemberName, member: &MemberState, time: Timestamp) -> Result<(), Rejection> {
    match member.last_time {
        Some(previous) if time < previous => Err(Rejection::TimeWentBack {
            member: name.to_string(),
            got: time.to_string(),
            previous: previous.to_string(),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use truce_model::{KeyRevoked, Note, Validate};

    use super::*;
    use crate::{MemberKey, Statement};

    struct Keys {
        operator: MemberKey,
        monitor: MemberKey,
    }

    fn founder(name: &str, role: Role, key: &MemberKey) -> FoundingMember {
        FoundingMember {
            member: MemberName::new(name).unwrap(),
            party: Party::new("Republic of Türkiye").unwrap(),
            role,
            public_key: key.public_key(),
        }
    }

    fn candidate(key: &MemberKey, seq: u64, body: Body) -> Candidate {
        let time = "2026-11-25T12:00:00Z".parse().unwrap();
        Candidate::decode(key.sign(&Statement::new(key.key_id(), seq, time, body))).unwrap()
    }

    fn founded() -> (Registry, Keys) {
        let keys = Keys {
            operator: MemberKey::generate(),
            monitor: MemberKey::generate(),
        };
        let genesis = Genesis {
            mechanism: "Test".into(),
            log_origin: "truce.test/log".into(),
            node_key: "unused".into(),
            operator: founder("operator", Role::Operator, &keys.operator),
            members: vec![founder("tr-1", Role::GuarantorMember, &keys.monitor)],
            witnesses: vec![],
            witness_quorum: 0,
            register: None,
        };
        genesis.validate().unwrap();
        let mut registry = Registry::new();
        registry
            .admit(&mut candidate(&keys.operator, 0, Body::Genesis(genesis)))
            .unwrap();
        (registry, keys)
    }

    fn note() -> Body {
        Body::Note(Note {
            text: "calm".into(),
            refers_to: vec![],
        })
    }

    #[test]
    fn a_saved_state_reads_back_and_admits_as_the_original_does() {
        let (mut registry, keys) = founded();
        registry
            .admit(&mut candidate(&keys.monitor, 0, note()))
            .unwrap();
        let revoke_own = Body::KeyRevoked(KeyRevoked {
            member: MemberName::new("tr-1").unwrap(),
            public_key: keys.monitor.public_key(),
            reason: "lost".into(),
        });
        registry
            .admit(&mut candidate(&keys.monitor, 1, revoke_own))
            .unwrap();
        let saved = registry.to_saved();
        let mut read = Registry::from_saved(&saved).unwrap();
        assert_eq!(read.to_saved(), saved);
        assert_eq!(read.size(), registry.size());
        assert_eq!(
            read.genesis().map(|g| &g.mechanism),
            registry.genesis().map(|g| &g.mechanism)
        );
        // The sequence and the revocation carried over: the operator's next
        // statement is seq 1, and the revoked key may no longer sign.
        for state in [&mut registry, &mut read] {
            assert!(matches!(
                state.admit(&mut candidate(&keys.monitor, 2, note())),
                Err(Rejection::RevokedKey { at: 2, .. })
            ));
            state
                .admit(&mut candidate(&keys.operator, 1, note()))
                .unwrap();
        }
        assert_eq!(read.to_saved(), registry.to_saved());
        assert!(Registry::from_saved(&saved[..saved.len() - 1]).is_err());
    }

    #[test]
    fn the_first_entry_must_be_genesis() {
        let key = MemberKey::generate();
        let mut registry = Registry::new();
        assert_eq!(
            registry.admit(&mut candidate(&key, 0, note())).unwrap_err(),
            Rejection::GenesisFirst
        );
        assert_eq!(registry.size(), 0);
    }

    #[test]
    fn a_weak_key_is_refused_at_admission_and_nothing_changes() {
        let (mut registry, keys) = founded();
        let mut identity = [0u8; 32];
        identity[0] = 1;
        let weak = FoundingMember {
            public_key: PublicKeyBytes(identity),
            ..founder("weak-1", Role::Observer, &keys.monitor)
        };
        let before = registry.size();
        let refusal = registry
            .admit(&mut candidate(
                &keys.operator,
                1,
                Body::MemberAdmitted(weak),
            ))
            .unwrap_err();
        assert_eq!(refusal, Rejection::WeakKey);
        assert_eq!(registry.size(), before);
        // The operator's sequence did not advance: seq 1 is still next.
        assert_eq!(
            registry
                .member(&MemberName::new("operator").unwrap())
                .unwrap()
                .next_seq,
            1
        );
    }

    #[test]
    fn a_member_may_revoke_its_own_key_but_not_another_members() {
        let (mut registry, keys) = founded();
        let revoke_operator = Body::KeyRevoked(KeyRevoked {
            member: MemberName::new("operator").unwrap(),
            public_key: keys.operator.public_key(),
            reason: "not mine to revoke".into(),
        });
        assert!(matches!(
            registry.admit(&mut candidate(&keys.monitor, 0, revoke_operator)),
            Err(Rejection::RoleMayNot { .. })
        ));
        let revoke_own = Body::KeyRevoked(KeyRevoked {
            member: MemberName::new("tr-1").unwrap(),
            public_key: keys.monitor.public_key(),
            reason: "phone seized at a checkpoint".into(),
        });
        registry
            .admit(&mut candidate(&keys.monitor, 0, revoke_own))
            .unwrap();
        assert!(matches!(
            registry.admit(&mut candidate(&keys.monitor, 1, note())),
            Err(Rejection::RevokedKey { at: 1, .. })
        ));
    }

    #[test]
    fn time_may_not_go_back_for_a_member() {
        let (mut registry, keys) = founded();
        let later = "2026-11-25T13:00:00Z".parse().unwrap();
        let earlier = "2026-11-25T11:00:00Z".parse().unwrap();
        let sign = |seq, time| {
            let statement = Statement::new(keys.monitor.key_id(), seq, time, note());
            Candidate::decode(keys.monitor.sign(&statement)).unwrap()
        };
        registry.admit(&mut sign(0, later)).unwrap();
        assert!(matches!(
            registry.admit(&mut sign(1, earlier)),
            Err(Rejection::TimeWentBack { .. })
        ));
    }
}
