//! The members a test mechanism is founded with, and its genesis.

use truce_model::{FoundingMember, Genesis, MemberName, Party, RegisterConfig, Role};
use truce_record::MemberKey;

/// Places of the five-member mechanism in [`Founders::five`].
pub const OPERATOR: usize = 0;
pub const RU: usize = 1;
pub const TR: usize = 2;
pub const IR: usize = 3;
pub const UN: usize = 4;

/// The three guarantor parties.
pub const GUARANTOR_PARTIES: [&str; 3] = [
    "Russian Federation",
    "Republic of Türkiye",
    "Islamic Republic of Iran",
];

pub struct Founder {
    pub name: MemberName,
    pub party: Party,
    pub role: Role,
    pub key: MemberKey,
}

impl Founder {
    pub fn new(name: &str, party: &str, role: Role) -> Self {
        Self {
            name: MemberName::new(name).expect("a valid member name"),
            party: Party::new(party).expect("a valid party"),
            role,
            key: MemberKey::generate(),
        }
    }

    /// The member as a genesis or an admission lists it.
    pub fn founding(&self) -> FoundingMember {
        FoundingMember {
            member: self.name.clone(),
            party: self.party.clone(),
            role: self.role,
            public_key: self.key.public_key(),
        }
    }
}

/// The founding members; the first is the operator.
pub struct Founders {
    pub members: Vec<Founder>,
}

impl Founders {
    /// The secretariat's operator, one member of each guarantor party
    /// (`ru-1`, `tr-1`, `ir-1`) and a UN observer, at [`OPERATOR`], [`RU`],
    /// [`TR`], [`IR`] and [`UN`].
    pub fn five() -> Self {
        Self {
            members: vec![
                Founder::new("operator", "Secretariat", Role::Operator),
                Founder::new("ru-1", GUARANTOR_PARTIES[0], Role::GuarantorMember),
                Founder::new("tr-1", GUARANTOR_PARTIES[1], Role::GuarantorMember),
                Founder::new("ir-1", GUARANTOR_PARTIES[2], Role::GuarantorMember),
                Founder::new("un-1", "United Nations", Role::Observer),
            ],
        }
    }

    /// The operator and `n` guarantor members (`monitor-00`…), spread over
    /// the three guarantor parties in turn: member `i` is at place `i + 1`.
    pub fn guarantors(n: usize) -> Self {
        let mut members = vec![Founder::new("operator", "Secretariat", Role::Operator)];
        members.extend((0..n).map(|i| {
            Founder::new(
                &format!("monitor-{i:02}"),
                GUARANTOR_PARTIES[i % 3],
                Role::GuarantorMember,
            )
        }));
        Self { members }
    }

    /// Adds a member; returns its place.
    pub fn with(mut self, name: &str, party: &str, role: Role) -> (Self, usize) {
        self.members.push(Founder::new(name, party, role));
        let place = self.members.len() - 1;
        (self, place)
    }

    pub fn key(&self, place: usize) -> &MemberKey {
        &self.members[place].key
    }

    /// The genesis statement's body: the node key as its verifier key
    /// text, and the register's parameters if any differ from the defaults.
    pub fn genesis(&self, node_key: &str, register: Option<RegisterConfig>) -> Genesis {
        let (operator, members) = self.members.split_first().expect("an operator");
        Genesis {
            mechanism: "Test mechanism".into(),
            log_origin: "truce.test/log".into(),
            node_key: node_key.to_string(),
            operator: operator.founding(),
            members: members.iter().map(Founder::founding).collect(),
            witnesses: vec![],
            witness_quorum: 0,
            register,
        }
    }
}
