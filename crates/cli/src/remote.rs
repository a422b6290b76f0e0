//! Filing through a node from the member's own machine: the statement is
//! signed here with the member's key file; the node is asked only for the
//! member's next sequence number and then takes the signed bytes.

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use jiff::Timestamp;
use truce_client::Origin;
use truce_model::Kind;
use truce_record::{
    Body, CosignatureVerifier, Hash, MemberKey, SignedCheckpoint, SignedStatement, Statement,
};
use truce_store::Receipt;

use crate::node::Location;

/// Signs `body` as the member's next statement and submits it to `url`.
pub async fn submit(
    location: &Location,
    url: &str,
    key: &MemberKey,
    body: Body,
) -> Result<(Receipt, Kind, SignedStatement)> {
    let token = location.token.as_deref().context(
        "--token (or TRUCE_TOKEN) is needed with --node: the node tells your next sequence number to members only",
    )?;
    let origin = Origin::new(url, Some(token.to_string()), &location.trust()?)?;
    let members = origin
        .get("/api/v1/members")
        .await
        .context("asking the node for your sequence number")?;
    let members: serde_json::Value = serde_json::from_slice(&members)?;
    let key_id = key.key_id().to_hex();
    let next_seq = members
        .as_array()
        .and_then(|list| list.iter().find(|m| m["key_id"] == key_id.as_str()))
        .and_then(|m| m["next_seq"].as_u64())
        .with_context(|| {
            format!("key {key_id} is not the current key of a member of the node's Record")
        })?;
    let statement = Statement::new(key.key_id(), next_seq, Timestamp::now(), body);
    let kind = statement.kind();
    let signed = key.sign(&statement);
    let submission = serde_json::json!({
        "statement": BASE64.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    });
    let (status, answer) = origin
        .post_json("/api/v1/statements", submission.to_string())
        .await?;
    let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap_or_default();
    if status != 201 {
        let field = answer["field"]
            .as_str()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        bail!(
            "the node refused it{field}: {}",
            answer["error"].as_str().unwrap_or("no reason given")
        );
    }
    let receipt = Receipt {
        position: answer["position"]
            .as_u64()
            .context("the receipt names no position")?,
        leaf_hash: answer["leaf_hash"]
            .as_str()
            .and_then(|h| Hash::parse_hash(h).ok())
            .context("the receipt has no leaf hash")?,
        checkpoint_size: answer["checkpoint_size"].as_u64().unwrap_or_default(),
    };
    if receipt.leaf_hash != signed.leaf_hash() {
        bail!(
            "the node's receipt names leaf hash {} but the statement signed here hashes to {}",
            receipt.leaf_hash,
            signed.leaf_hash()
        );
    }
    Ok((receipt, kind, signed))
}

/// Checks the receipt: waits (up to `--wait`) for a checkpoint that
/// covers `position` and that a quorum of the Record's witnesses cosigned,
/// then checks the entry's inclusion proof against it; without one in time,
/// checks against the node's latest signed checkpoint and says it is not
/// final. Saves the proof as a C2SP tlog-proof where asked.
pub async fn confirm(
    location: &Location,
    url: &str,
    signed: &SignedStatement,
    position: u64,
) -> Result<()> {
    let options = &location.receipt;
    let origin = Origin::new(url, location.token.clone(), &location.trust()?)?;
    let mechanism: serde_json::Value =
        serde_json::from_slice(&origin.get("/api/v1/mechanism").await?)?;
    let node_key = mechanism["node_key"]
        .as_str()
        .context("the node names no node key")?;
    let quorum = mechanism["witness_quorum"].as_u64().unwrap_or(0) as usize;
    let witnesses: Vec<CosignatureVerifier> = mechanism["witnesses"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|w| w["verifier_key"].as_str())
                .filter_map(|k| CosignatureVerifier::new(k).ok())
                .collect()
        })
        .unwrap_or_default();
    let deadline = std::time::Instant::now() + options.wait;
    let (checkpoint, cosigners) = loop {
        let note = origin.get("/checkpoint").await?;
        let checkpoint = SignedCheckpoint::verify(&note, node_key)?;
        let cosigners: Vec<String> = checkpoint
            .cosigned_by(&witnesses)
            .iter()
            .map(|w| w.witness_name().to_string())
            .collect();
        let covers = checkpoint.size() > position;
        if covers
            && (quorum > 0 && cosigners.len() >= quorum || std::time::Instant::now() >= deadline)
        {
            break (checkpoint, cosigners);
        }
        if !covers && std::time::Instant::now() >= deadline {
            bail!("no checkpoint of the node covers position {position} yet");
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    let proof: serde_json::Value = serde_json::from_slice(
        &origin
            .get(&format!(
                "/api/v1/proof/inclusion/{position}?size={}",
                checkpoint.size()
            ))
            .await?,
    )?;
    let hashes: Vec<Hash> = proof["proof"]
        .as_array()
        .context("the node's proof has no hashes")?
        .iter()
        .map(|h| {
            h.as_str()
                .and_then(|h| Hash::parse_hash(h).ok())
                .context("a proof hash is not base64")
        })
        .collect::<Result<_>>()?;
    truce_record::check_inclusion(
        &hashes,
        checkpoint.size(),
        checkpoint.root(),
        position,
        signed.leaf_hash(),
    )
    .context("the node's inclusion proof does not hold")?;
    let is_final = quorum > 0 && cosigners.len() >= quorum;
    if is_final {
        println!(
            "final: the checkpoint of size {} (root {}) covers it, cosigned by {} of quorum {quorum}; inclusion proof checked",
            checkpoint.size(),
            checkpoint.root(),
            cosigners.join(", ")
        );
    } else {
        println!(
            "not final yet: checked against the node's signed checkpoint of size {} ({} of quorum {quorum} witnesses cosigned it)",
            checkpoint.size(),
            cosigners.len()
        );
    }
    if let Some(path) = &options.save {
        let file = truce_record::ProofFile::Inclusion {
            position,
            statement: BASE64.encode(signed.bytes()),
            signature: hex::encode(signed.signature()),
            checkpoint: String::from_utf8_lossy(checkpoint.note()).into_owned(),
            proof: hashes.iter().map(Hash::to_string).collect(),
        };
        let text = crate::proof::tlog_proof(&file)?;
        std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
        println!("receipt saved to {} (C2SP tlog-proof)", path.display());
    }
    Ok(())
}

/// How a filed statement is named where the commands take it back: the
/// report R-1083, the decision D-1090, the list L-77, the meeting M-93.
pub fn filed_as(kind: Kind, position: u64) -> String {
    match kind {
        Kind::ReportFiled => format!("report R-{position}"),
        Kind::DecisionProposed => format!("decision D-{position}"),
        Kind::ExchangeListSubmitted => format!("list L-{position}"),
        Kind::MeetingRecorded => format!("meeting M-{position}"),
        Kind::RequestMade => format!("request Q-{position}"),
        Kind::CaseOpened => format!("case V-{position}"),
        other => format!("{other}"),
    }
}
