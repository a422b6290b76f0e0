//! A small mechanism for the store tests and bench: the test kit's five
//! members, three witnesses, and a Record on each backend.

#![allow(dead_code, unused_macros)]

use std::str::FromStr;

use jiff::Timestamp;
use truce_model::{Genesis, Note};
use truce_record::{Body, CheckpointSigner, Cosigner, MemberKey, SignedStatement, Statement};
use truce_store::{Ledger, Store};
use truce_testkit::{witnesses, Founder, Founders};

/// The test kit's five members by role (the shape the store's bench reads
/// too), three witnesses and the node key.
pub struct Fixture {
    pub operator: Founder,
    pub guarantors: Vec<Founder>,
    pub observer: Founder,
    pub witnesses: Vec<Cosigner>,
    pub node_secret: String,
}

impl Fixture {
    pub fn new() -> Self {
        let Ok([operator, ru, tr, ir, observer]) =
            <[Founder; 5]>::try_from(Founders::five().members)
        else {
            panic!("five founders");
        };
        Self {
            operator,
            guarantors: vec![ru, tr, ir],
            observer,
            witnesses: witnesses::three(),
            node_secret: CheckpointSigner::generate("truce.test/astana")
                .unwrap()
                .secret()
                .to_string(),
        }
    }

    pub fn signer(&self) -> CheckpointSigner {
        CheckpointSigner::from_secret(&self.node_secret).unwrap()
    }

    /// The genesis under the node key, with the three witnesses and a
    /// quorum of two: the store checks cosignatures against them.
    pub fn genesis(&self) -> SignedStatement {
        let body = Genesis {
            mechanism: "Test ceasefire mechanism".into(),
            log_origin: "truce.test/astana".into(),
            node_key: self.signer().verifier_key().to_string(),
            operator: self.operator.founding(),
            members: self
                .guarantors
                .iter()
                .chain([&self.observer])
                .map(Founder::founding)
                .collect(),
            witnesses: witnesses::listed(&self.witnesses),
            witness_quorum: 2,
            register: None,
        };
        sign(&self.operator.key, 0, Body::Genesis(body))
    }
}

pub fn sign(key: &MemberKey, seq: u64, body: Body) -> SignedStatement {
    key.sign(&Statement::new(key.key_id(), seq, Timestamp::now(), body))
}

pub fn note(key: &MemberKey, seq: u64, text: &str) -> SignedStatement {
    sign(
        key,
        seq,
        Body::Note(Note {
            text: text.into(),
            refers_to: vec![],
        }),
    )
}

/// A fresh SQLite file, kept alive by the returned directory.
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("truce.sqlite"))
        .await
        .unwrap();
    (store, dir)
}

/// A fresh database on the test PostgreSQL server named by
/// TRUCE_TEST_PG_URL. Without it the PostgreSQL half of a test is skipped,
/// unless TRUCE_REQUIRE_PG is set (as the README test command does).
pub async fn postgres_store() -> Option<Store> {
    let Ok(admin_url) = std::env::var("TRUCE_TEST_PG_URL") else {
        assert!(
            std::env::var_os("TRUCE_REQUIRE_PG").is_none(),
            "TRUCE_REQUIRE_PG is set but TRUCE_TEST_PG_URL is not"
        );
        eprintln!("TRUCE_TEST_PG_URL not set: skipping the PostgreSQL run");
        return None;
    };
    let name = format!(
        "truce_test_{}",
        hex::encode(&MemberKey::generate().seed()[..8])
    );
    let admin = sqlx::PgPool::connect(&admin_url)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&admin)
        .await
        .unwrap();
    admin.close().await;
    let mut options = sqlx::postgres::PgConnectOptions::from_str(&admin_url).unwrap();
    options = options.database(&name);
    let url = format!(
        "postgres://{}@{}:{}/{}",
        options.get_username(),
        options.get_host(),
        options.get_port(),
        name
    );
    Some(Store::open_postgres(&url).await.unwrap())
}

/// Runs `test` once on SQLite and once on PostgreSQL.
macro_rules! on_both_backends {
    ($test:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite() {
            let (store, _dir) = common::sqlite_store().await;
            super::$test(store).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres() {
            if let Some(store) = common::postgres_store().await {
                super::$test(store).await;
            }
        }
    };
}

pub async fn founded(store: Store, fixture: &Fixture) -> Ledger {
    let ledger = Ledger::open(store, fixture.signer()).await.unwrap();
    ledger.append(fixture.genesis()).await.unwrap();
    ledger
}
