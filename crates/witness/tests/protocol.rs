//! Every answer of the C2SP tlog-witness add-checkpoint call, from
//! hand-built requests against the witness's router and its real SQLite
//! state, and the monitoring endpoint.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;
use truce_record::{
    leaf_hash, CheckpointSigner, CosignatureVerifier, Cosigner, Hash, MerkleLog, SignedCheckpoint,
};
use truce_witness::{router, StateStore, Witness};

struct Setup {
    app: axum::Router,
    log: CheckpointSigner,
    tree: MerkleLog,
    witness_key: String,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let log = CheckpointSigner::generate("truce.test/astana").unwrap();
    let cosigner = Cosigner::generate("ru-witness").unwrap();
    let witness_key = cosigner.verifier_key();
    let state = StateStore::open(dir.path()).await.unwrap();
    let witness = Witness::new(cosigner, &[log.verifier_key().to_string()], state).unwrap();
    Setup {
        app: router(Arc::new(witness)),
        log,
        tree: MerkleLog::new(),
        witness_key,
        _dir: dir,
    }
}

impl Setup {
    fn grow(&mut self, n: usize) -> SignedCheckpoint {
        for i in 0..n {
            let size = self.tree.size();
            self.tree
                .append(leaf_hash(format!("entry {size} {i}").as_bytes()));
        }
        self.log.sign(self.tree.size(), self.tree.root()).unwrap()
    }

    fn body(&self, old: u64, checkpoint: &SignedCheckpoint) -> String {
        let proof = self.tree.prove_consistency(old, checkpoint.size()).unwrap();
        body(old, &proof, checkpoint.note())
    }

    async fn post(&self, body: impl Into<Vec<u8>>) -> (StatusCode, String, String) {
        let request = Request::post("/add-checkpoint")
            .body(Body::from(body.into()))
            .unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            content_type,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    async fn get(&self, path: &str) -> (StatusCode, String) {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn body(old: u64, proof: &[Hash], note: &[u8]) -> String {
    let mut text = format!("old {old}\n");
    for hash in proof {
        text.push_str(&format!("{hash}\n"));
    }
    text.push('\n');
    text + std::str::from_utf8(note).unwrap()
}

#[tokio::test]
async fn a_consistent_checkpoint_is_cosigned_with_a_timestamp() {
    let mut s = setup().await;
    let first = s.grow(5);
    let (status, _, lines) = s.post(s.body(0, &first)).await;
    assert_eq!(status, StatusCode::OK, "{lines}");
    assert!(
        lines.starts_with("— ru-witness ") && lines.ends_with('\n'),
        "{lines}"
    );
    let verifier = CosignatureVerifier::new(&s.witness_key).unwrap();
    let cosigned = first.with_signature_line(lines.trim_end()).unwrap();
    assert_eq!(
        cosigned.cosigned_by(std::slice::from_ref(&verifier)).len(),
        1
    );
    // The timestamp is in the signature (cosignature/v1 never omits it).
    let payload = {
        use base64::Engine;
        let b64 = lines.trim_end().rsplit(' ').next().unwrap();
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap()
    };
    let timestamp = u64::from_be_bytes(payload[4..12].try_into().unwrap());
    assert!(timestamp > 1_700_000_000, "{timestamp}");

    let second = s.grow(7);
    let (status, _, lines) = s.post(s.body(5, &second)).await;
    assert_eq!(status, StatusCode::OK, "{lines}");

    // Monitoring: the latest cosigned checkpoint, both signatures on it.
    use sha2::Digest;
    let hash = hex::encode(sha2::Sha256::digest(b"truce.test/astana"));
    let (status, note) = s.get(&format!("/{hash}/checkpoint")).await;
    assert_eq!(status, StatusCode::OK);
    let seen = SignedCheckpoint::verify(note.as_bytes(), s.log.verifier_key()).unwrap();
    assert_eq!(seen.size(), 12);
    assert_eq!(seen.cosigned_by(&[verifier]).len(), 1);
    let (status, _) = s.get(&format!("/{}/checkpoint", "0".repeat(64))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn every_refusal_has_its_status_code() {
    let mut s = setup().await;
    let first = s.grow(4);
    assert_eq!(s.post(s.body(0, &first)).await.0, StatusCode::OK);
    let next = s.grow(4);

    // Unknown origin: 404.
    let stranger = CheckpointSigner::generate("truce.test/elsewhere").unwrap();
    let foreign = stranger.sign(next.size(), next.root()).unwrap();
    assert_eq!(
        s.post(body(4, &[], foreign.note())).await.0,
        StatusCode::NOT_FOUND
    );

    // The right origin signed by another key: 403.
    let impostor = CheckpointSigner::generate("truce.test/astana").unwrap();
    let forged = impostor.sign(next.size(), next.root()).unwrap();
    assert_eq!(s.post(s.body(4, &forged)).await.0, StatusCode::FORBIDDEN);
    // A signature line with the log's key name and id that does not verify: 403.
    let mut broken = next.note().to_vec();
    let at = broken.len() - 6;
    broken[at] = if broken[at] == b'A' { b'B' } else { b'A' };
    assert_eq!(s.post(body(4, &[], &broken)).await.0, StatusCode::FORBIDDEN);

    // Old size beyond the checkpoint: 400.
    assert_eq!(
        s.post(body(9, &[], next.note())).await.0,
        StatusCode::BAD_REQUEST
    );
    // Malformed bodies: 400.
    assert_eq!(s.post("old 4\n").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(s.post("old 04\n\nx\n").await.0, StatusCode::BAD_REQUEST);

    // Old size other than the last cosigned: 409 with the size.
    let (status, content_type, text) = s.post(s.body(2, &next)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(content_type, "text/x.tlog.size");
    assert_eq!(text, "4\n");
    let (status, _, text) = s.post(s.body(0, &next)).await;
    assert_eq!((status, text.as_str()), (StatusCode::CONFLICT, "4\n"));

    // A proof that does not verify: 422; nothing changes.
    let wrong = vec![Hash([7; 32]); 3];
    assert_eq!(
        s.post(body(4, &wrong, next.note())).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Same size, another root: 422, kept as a fork on the status page.
    let other = s.log.sign(4, Hash([9; 32])).unwrap();
    assert_eq!(
        s.post(body(4, &[], other.note())).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let (_, page) = s.get("/").await;
    assert!(page.contains("FORKS REFUSED: 2"), "{page}");
    assert!(page.contains("cosigned size 4"), "{page}");

    // The witness still advances along the genuine proof.
    let (status, _, lines) = s.post(s.body(4, &next)).await;
    assert_eq!(status, StatusCode::OK, "{lines}");
}

#[tokio::test]
async fn empty_trees_and_proofs_from_zero_follow_the_rules() {
    let mut s = setup().await;
    let empty_root = {
        use sha2::Digest;
        Hash(sha2::Sha256::digest([]).into())
    };
    let bad_empty = s.log.sign(0, Hash([1; 32])).unwrap();
    assert_eq!(
        s.post(body(0, &[], bad_empty.note())).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let empty = s.log.sign(0, empty_root).unwrap();
    assert_eq!(s.post(body(0, &[], empty.note())).await.0, StatusCode::OK);
    let first = s.grow(3);
    // From size 0 the proof must be empty.
    assert_eq!(
        s.post(body(0, &[Hash([2; 32])], first.note())).await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(s.post(body(0, &[], first.note())).await.0, StatusCode::OK);
}

#[tokio::test]
async fn concurrent_submissions_never_roll_the_witness_back() {
    let mut s = setup().await;
    let first = s.grow(10);
    assert_eq!(s.post(s.body(0, &first)).await.0, StatusCode::OK);
    let checkpoints: Vec<(SignedCheckpoint, String)> = (0..8)
        .map(|_| {
            let c = s.grow(3);
            let b = s.body(10, &c);
            (c, b)
        })
        .collect();
    let answers = futures_join(&s, checkpoints.iter().map(|(_, b)| b.clone()).collect()).await;
    // All were made from size 10: exactly one can be cosigned.
    let accepted = answers.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(accepted, 1, "{answers:?}");
    assert!(answers
        .iter()
        .all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT));
}

async fn futures_join(s: &Setup, bodies: Vec<String>) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for body in bodies {
        let app = s.app.clone();
        tasks.push(tokio::spawn(async move {
            let request = Request::post("/add-checkpoint")
                .body(Body::from(body))
                .unwrap();
            app.oneshot(request).await.unwrap().status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    statuses
}
