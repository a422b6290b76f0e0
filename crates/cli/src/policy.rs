//! `truce policy`: the Record's trust policy as a C2SP tlog-policy file, for
//! verifiers outside truce: the node key, the genesis witnesses, and the
//! genesis quorum as a group threshold.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use truce_record::Policy;

use crate::node::Location;

#[derive(Args)]
pub struct PolicyArgs {
    /// The node's URL, written on the log line.
    #[arg(long)]
    pub log_url: Option<String>,
    /// A witness's submission URL, as NAME=URL. Repeatable.
    #[arg(long = "witness-url", value_name = "NAME=URL")]
    pub witness_urls: Vec<String>,
}

pub async fn run(location: &Location, args: PolicyArgs) -> Result<ExitCode> {
    let ledger = location.open_record().await?;
    let genesis = ledger
        .registry()
        .genesis()
        .cloned()
        .context("the Record has no genesis")?;
    ledger.close().await;
    let mut urls = BTreeMap::new();
    for arg in &args.witness_urls {
        let (name, url) = arg
            .split_once('=')
            .with_context(|| format!("--witness-url {arg}: expected NAME=URL"))?;
        urls.insert(name.to_string(), url.to_string());
    }
    let witnesses: Vec<(String, String)> = genesis
        .witnesses
        .iter()
        .map(|w| {
            let name = w
                .verifier_key
                .split('+')
                .next()
                .unwrap_or_default()
                .to_string();
            (name, w.verifier_key.clone())
        })
        .collect();
    let policy = Policy::of_record(
        &genesis.node_key,
        args.log_url.as_deref(),
        &witnesses,
        genesis.witness_quorum,
        &urls,
    )?;
    print!(
        "# {} — checkpoints valid when signed by the node and cosigned by {} of its {} witnesses\n{}",
        genesis.mechanism,
        genesis.witness_quorum,
        witnesses.len(),
        policy.render()
    );
    Ok(ExitCode::SUCCESS)
}
