//! Files from the Record never run in the node's origin: a document
//! version must be of a kind the mechanism keeps (no HTML, SVG or script),
//! its download is an attachment that is never sniffed, and every answer
//! carries the node's security headers.

use crate::common::*;
use sha2::{Digest, Sha256};
use truce_model::{DocumentVersion, Handle};
use truce_record::Body as StatementBody;
use truce_server::EvidenceSettings;

fn version(bytes: &[u8], media_type: &str) -> StatementBody {
    StatementBody::DocumentVersion(DocumentVersion {
        document: Handle::new("ceasefire-regime").unwrap(),
        title: "Draft 2".into(),
        sha256: hex::encode(Sha256::digest(bytes)),
        media_type: media_type.into(),
        size: bytes.len() as u64,
        meeting: None,
        note: String::new(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_downloads_of_allowed_kinds_only() {
    let mut node = Node::new().await;
    let page = b"<html><script>fetch('/x?'+localStorage.token)</script></html>";
    for media_type in [
        "text/html",
        "image/svg+xml",
        "application/javascript",
        "text/plain\r\nX-Injected: 1",
        "application/octet-stream",
    ] {
        let signed = node.sign(RU, version(page, media_type));
        let refused = node.submit(&signed).await;
        assert!(
            refused.status.is_client_error(),
            "{media_type:?}: {}",
            refused.text
        );
        assert_eq!(
            refused.json()["field"],
            "body.document_version.media_type",
            "{media_type:?}"
        );
        // The member's sequence number was not used up.
        node.members[RU].seq -= 1;
    }

    let text = b"Draft 2 of the ceasefire regime.\n";
    node.say(RU, version(text, "text/markdown")).await;
    let sha256 = hex::encode(Sha256::digest(text));
    std::fs::create_dir_all(node.dir.path().join("documents")).unwrap();
    std::fs::write(node.dir.path().join("documents").join(&sha256), text).unwrap();

    let served = node
        .serve(EvidenceSettings {
            limit: 1 << 20,
            grace: std::time::Duration::from_secs(3600),
        })
        .await;
    let bearer = format!("Bearer {}", node.guarantor_token);
    let file = http(
        &served.address,
        "GET",
        &format!("/api/v1/documents/{sha256}"),
        &[("Authorization", bearer.as_str())],
        b"",
        false,
    )
    .await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, text);
    assert_eq!(file.header("content-type"), Some("text/markdown"));
    assert!(file
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment")));
    assert_eq!(file.header("x-content-type-options"), Some("nosniff"));
    assert!(file
        .header("content-security-policy")
        .is_some_and(|p| p.contains("sandbox")));

    for path in [
        "/api/v1/mechanism",
        "/api/v1/no-such-route",
        "/checkpoint",
        "/",
    ] {
        let answer = http(&served.address, "GET", path, &[], b"", false).await;
        assert_eq!(
            answer.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(answer.header("x-frame-options"), Some("DENY"), "{path}");
        if path.starts_with("/api/") {
            assert!(
                answer
                    .header("content-security-policy")
                    .is_some_and(|p| p.contains("default-src 'none'")),
                "{path}"
            );
        }
    }
}
