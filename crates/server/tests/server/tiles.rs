//! The Record in C2SP tlog-tiles form, read as a tlog client reads it:
//! the checkpoint note, hash tiles that hash up to its root, and entry
//! bundles whose entries hash to the level-0 tile, by role.

use crate::common::*;
use axum::http::StatusCode;
use truce_record::{leaf_hash, MerkleLog, SignedCheckpoint};

fn note(text: &str) -> truce_record::Body {
    serde_json::from_value(serde_json::json!({"note": {"text": text, "refers_to": []}})).unwrap()
}

#[tokio::test]
async fn checkpoint_tiles_and_bundles_follow_the_spec() {
    let mut node = Node::new().await;
    for i in 0..300 {
        node.say(RU + i % 3, note(&format!("note {i}"))).await;
    }
    let size = node.ledger.size();
    assert!(size > 256, "{size}");

    let checkpoint = node.get("/checkpoint", Who::Public).await;
    assert_eq!(checkpoint.status, StatusCode::OK);
    assert_eq!(checkpoint.content_type, "text/plain; charset=utf-8");
    assert_eq!(checkpoint.cache_control, "no-store");
    let signed = SignedCheckpoint::verify(&checkpoint.bytes, &node.node_key).unwrap();
    assert_eq!(signed.size(), size);

    // Entry bundles are for members; hash tiles for everyone.
    let bundle = node.get("/tile/entries/000", Who::Public).await;
    assert_eq!(bundle.status, StatusCode::UNAUTHORIZED, "{}", bundle.text);
    let bundle = node.get("/tile/entries/000", Who::Observer).await;
    assert_eq!(bundle.status, StatusCode::OK, "{}", bundle.text);
    assert_eq!(bundle.content_type, "application/octet-stream");
    assert!(bundle.cache_control.contains("immutable"));
    let tile = node.get("/tile/0/000", Who::Public).await;
    assert_eq!(tile.status, StatusCode::OK);
    assert_eq!(tile.bytes.len(), 8192);
    assert!(tile.cache_control.contains("immutable"));

    // Every entry of the full bundle hashes to its place in the tile.
    let mut rest = bundle.bytes.as_slice();
    let mut leaves = Vec::new();
    while !rest.is_empty() {
        let length = u16::from_be_bytes([rest[0], rest[1]]) as usize;
        leaves.push(leaf_hash(&rest[2..2 + length]));
        rest = &rest[2 + length..];
    }
    assert_eq!(leaves.len(), 256);
    let hashes: Vec<u8> = leaves.iter().flat_map(|h| h.0).collect();
    assert_eq!(hashes, tile.bytes);

    // The partial tile of the checkpoint's size; the bundles hash up to the
    // checkpoint's root and to exactly the tiles' hashes.
    let width = size % 256;
    let partial = node
        .get(&format!("/tile/0/001.p/{width}"), Who::Public)
        .await;
    assert_eq!(partial.status, StatusCode::OK, "{}", partial.text);
    assert_eq!(partial.bytes.len() as u64, width * 32);
    let partial_bundle = node
        .get(&format!("/tile/entries/001.p/{width}"), Who::Guarantor)
        .await;
    assert_eq!(partial_bundle.status, StatusCode::OK);
    let mut from_bundles = MerkleLog::new();
    for bytes in [&bundle.bytes, &partial_bundle.bytes] {
        let mut rest = bytes.as_slice();
        while !rest.is_empty() {
            let length = u16::from_be_bytes([rest[0], rest[1]]) as usize;
            from_bundles.append(leaf_hash(&rest[2..2 + length]));
            rest = &rest[2 + length..];
        }
    }
    assert_eq!(from_bundles.size(), size);
    assert_eq!(from_bundles.root(), signed.root());
    let level0: Vec<u8> = (0..size)
        .flat_map(|i| from_bundles.leaf_hash_at(i).unwrap().0)
        .collect();
    assert_eq!(level0, [tile.bytes.clone(), partial.bytes.clone()].concat());

    // What no checkpoint covers is not served; bad paths are 404s.
    for path in [
        format!("/tile/0/001.p/{}", width + 1),
        "/tile/0/002".to_string(),
        "/tile/1/000".to_string(),
        "/tile/0/0".to_string(),
        "/tile/8/000".to_string(),
        "/tile/0/x999999999999999999999/000".to_string(),
        "/tile/data/000".to_string(),
    ] {
        let answer = node.get(&path, Who::Public).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            answer.text
        );
    }
    let level1 = node.get("/tile/1/000.p/1", Who::Public).await;
    assert_eq!(level1.status, StatusCode::OK);
    let first_tile_root = {
        let mut sub = MerkleLog::new();
        for leaf in &leaves {
            sub.append(*leaf);
        }
        sub.root()
    };
    assert_eq!(level1.bytes, first_tile_root.0.to_vec());
}

#[tokio::test]
async fn an_entry_over_64_kib_is_refused_naming_the_limit() {
    let mut node = Node::new().await;
    let long = "a".repeat(19_000) + &"é".repeat(900);
    let signed = node.sign(RU, note(&long));
    let small = node.submit(&signed).await;
    assert_eq!(small.status, StatusCode::CREATED, "{}", small.text);
    let before = node.ledger.size();
    // Notes are capped in characters; four-byte characters push the bytes over.
    let huge = "𝄞".repeat(19_999);
    let signed = node.sign(TR, note(&huge));
    let answer = node.submit(&signed).await;
    assert_eq!(
        answer.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        answer.text
    );
    assert!(answer.text.contains("65535"), "{}", answer.text);
    assert_eq!(answer.json()["field"], "statement");
    assert_eq!(node.ledger.size(), before);
}
