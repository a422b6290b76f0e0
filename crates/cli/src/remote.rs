//! Filing through a node from the member's own machine: the statement is
//! signed here with the member's key file; the node is asked only for the
//! member's next sequence number and then takes the signed bytes.

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use jiff::Timestamp;
use truce_client::Origin;
use truce_model::Kind;
use truce_record::{Body, Hash, MemberKey, Statement};
use truce_store::Receipt;

/// Signs `body` as the member's next statement and submits it to `url`.
pub async fn submit(
    url: &str,
    token: Option<&str>,
    key: &MemberKey,
    body: Body,
) -> Result<(Receipt, Kind)> {
    let token = token.context(
        "--token (or TRUCE_TOKEN) is needed with --node: the node tells your next sequence number to members only",
    )?;
    let origin = Origin::new(url, Some(token.to_string()))?;
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
    Ok((receipt, kind))
}

/// How a filed statement is named where the commands take it back: the
/// report R-1083, the decision D-1090, the list L-77, the meeting M-93.
pub fn filed_as(kind: Kind, position: u64) -> String {
    match kind {
        Kind::ReportFiled => format!("report R-{position}"),
        Kind::DecisionProposed => format!("decision D-{position}"),
        Kind::ExchangeListSubmitted => format!("list L-{position}"),
        Kind::MeetingRecorded => format!("meeting M-{position}"),
        other => format!("{other}"),
    }
}
