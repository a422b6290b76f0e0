//! A register driven statement by statement in memory, as the node and
//! every replaying verifier drive it, without a store.

use jiff::Timestamp;
use truce_gazetteer::Gazetteer;
use truce_model::RegisterConfig;
use truce_record::{Body, Candidate, Registry, Rejection, SignedStatement, Statement};
use truce_regime::Register;

use crate::founders::{Founders, OPERATOR};

pub struct Mechanism {
    pub founders: Founders,
    pub registry: Registry,
    pub register: Register,
    /// Each member's next sequence number, by place.
    seqs: Vec<u64>,
    /// Every admitted statement, in Record order, with its author's place.
    pub admitted: Vec<(usize, SignedStatement)>,
}

impl Mechanism {
    /// The five-member mechanism under the register's default parameters.
    pub fn new() -> Self {
        Self::founded(Founders::five(), RegisterConfig::default())
    }

    pub fn with_config(config: RegisterConfig) -> Self {
        Self::founded(Founders::five(), config)
    }

    /// A mechanism of `founders`, its genesis already admitted.
    pub fn founded(founders: Founders, config: RegisterConfig) -> Self {
        let genesis = founders.genesis("unused", None);
        let mut mechanism = Self {
            seqs: vec![0; founders.members.len()],
            founders,
            registry: Registry::new(),
            register: Register::new(config, Gazetteer::syria()),
            admitted: Vec::new(),
        };
        mechanism
            .say(OPERATOR, Body::Genesis(genesis))
            .expect("the genesis is admitted");
        mechanism
    }

    /// Signs and admits a statement by the member at `who`, dated now;
    /// returns its position.
    pub fn say(&mut self, who: usize, body: Body) -> Result<u64, Rejection> {
        self.say_at(who, Timestamp::now(), body)
    }

    /// Signs and admits a statement claiming `time`.
    pub fn say_at(&mut self, who: usize, time: Timestamp, body: Body) -> Result<u64, Rejection> {
        let key = self.founders.key(who);
        let statement = Statement::new(key.key_id(), self.seqs[who], time, body);
        self.admit(who, statement)
    }

    /// Signs and admits a statement dated now, written in format `version`.
    pub fn say_in(&mut self, who: usize, version: u32, body: Body) -> Result<u64, Rejection> {
        let key = self.founders.key(who);
        let statement = Statement::new(key.key_id(), self.seqs[who], Timestamp::now(), body)
            .in_version(version)
            .expect("a version this build writes");
        self.admit(who, statement)
    }

    fn admit(&mut self, who: usize, statement: Statement) -> Result<u64, Rejection> {
        let key = self.founders.key(who);
        let signed = key.sign(&statement);
        let mut candidate = Candidate::decode(signed.clone()).expect("a canonical statement");
        let admitted = self
            .registry
            .admit_with(&mut candidate, &mut self.register)?;
        self.seqs[who] += 1;
        self.admitted.push((who, signed));
        Ok(admitted.position)
    }
}

impl Default for Mechanism {
    fn default() -> Self {
        Self::new()
    }
}
