//! A node's Record on a SQLite file, founded: what the benchmarks that
//! append through the real ledger start from.

use std::path::Path;

use jiff::Timestamp;
use truce_gazetteer::Gazetteer;
use truce_model::RegisterConfig;
use truce_record::{Body, CheckpointSigner, Statement};
use truce_regime::Register;
use truce_store::{Ledger, Store};

use crate::founders::{Founders, OPERATOR};

/// Opens a Record in the SQLite file at `path` under the register's default
/// rules, with `signer` as the node key, and appends the genesis of
/// `founders`, signed by their operator.
pub async fn founded_on_sqlite(
    path: &Path,
    signer: CheckpointSigner,
    founders: &Founders,
) -> Ledger<Register> {
    let genesis = founders.genesis(signer.verifier_key(), None);
    let store = Store::open_sqlite(path).await.expect("a SQLite file");
    let register = Register::new(RegisterConfig::default(), Gazetteer::syria());
    let ledger = Ledger::open_with(store, signer, register)
        .await
        .expect("the ledger opens");
    let operator = founders.key(OPERATOR);
    ledger
        .append(operator.sign(&Statement::new(
            operator.key_id(),
            0,
            Timestamp::now(),
            Body::Genesis(genesis),
        )))
        .await
        .expect("the genesis is admitted");
    ledger
}
