//! The node's side of C2SP tlog-witness: each round, the latest checkpoint
//! goes to every witness of the Record in parallel with a consistency proof
//! from the size that witness last cosigned; a 409 names that size and the
//! request is made again from it; a witness that does not answer within the
//! deadline is skipped for the round. Cosignatures are checked against the
//! witness keys in the genesis (only the URLs come from the operator) and
//! stored beside the checkpoint.

use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, StatusCode};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use truce_record::{CosignatureVerifier, Rules, SignedCheckpoint};
use truce_store::Ledger;

use crate::tls::{self, Failure};
use crate::{ClientError, Trust};

/// How long a witness may take to answer one add-checkpoint.
pub const WITNESS_DEADLINE: Duration = Duration::from_secs(1);

/// One witness the node asks for cosignatures.
#[derive(Debug, Clone)]
pub struct Peer {
    pub name: String,
    pub url: String,
    verifier: CosignatureVerifier,
    /// The size the witness last cosigned, as far as the node knows.
    cosigned: Option<u64>,
}

/// What a witness did this round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Cosigned { size: u64 },
    AlreadyCosigned { size: u64 },
    Failed { reason: String },
}

type HttpClient = Client<HttpsConnector<HttpConnector>, Full<Bytes>>;

/// Pushes checkpoints of one ledger to its witnesses.
pub struct Publisher<R: Rules + Clone + 'static> {
    ledger: Arc<Ledger<R>>,
    peers: Vec<Peer>,
    http: HttpClient,
}

impl<R: Rules + Clone + 'static> Publisher<R> {
    /// `witnesses` are (name, base URL) pairs; each name must be a witness
    /// of the Record's genesis, whose key checks the cosignatures; `trust`
    /// checks the certificates of those served over `https://`.
    pub fn new(
        ledger: Arc<Ledger<R>>,
        witnesses: &[(String, String)],
        trust: &Trust,
    ) -> Result<Self, ClientError> {
        let genesis = ledger
            .registry()
            .genesis()
            .cloned()
            .ok_or_else(|| ClientError::Url("the Record has no genesis yet".into()))?;
        let mut peers = Vec::new();
        let mut tls = false;
        for (name, url) in witnesses {
            let verifier = genesis
                .witnesses
                .iter()
                .filter_map(|w| CosignatureVerifier::new(&w.verifier_key).ok())
                .find(|v| v.witness_name() == name)
                .ok_or_else(|| {
                    ClientError::Url(format!(
                        "{name} is not a witness named in the Record's genesis"
                    ))
                })?;
            tls |= crate::origin::is_https(url.trim_end_matches('/'))?;
            peers.push(Peer {
                name: name.clone(),
                url: url.trim_end_matches('/').to_string(),
                verifier,
                cosigned: None,
            });
        }
        let connector = tls::connector(trust, tls, WITNESS_DEADLINE)?;
        let http = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self {
            ledger,
            peers,
            http,
        })
    }

    pub fn peers(&self) -> &[Peer] {
        &self.peers
    }

    /// One round: the latest checkpoint to every witness that has not
    /// cosigned it, all at once.
    pub async fn round(&mut self) -> Vec<(String, Outcome)> {
        let Some(checkpoint) = self.ledger.checkpoint() else {
            return Vec::new();
        };
        let mut tasks = tokio::task::JoinSet::new();
        for (slot, peer) in self.peers.iter().enumerate() {
            if peer.cosigned == Some(checkpoint.size()) {
                continue;
            }
            let peer = peer.clone();
            let checkpoint = checkpoint.clone();
            let ledger = self.ledger.clone();
            let http = self.http.clone();
            tasks.spawn(async move {
                let (cosigned, outcome) = push(&http, &ledger, &peer, &checkpoint).await;
                (slot, cosigned, outcome)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            let Ok((slot, cosigned, outcome)) = joined else {
                continue;
            };
            let peer = &mut self.peers[slot];
            if cosigned.is_some() {
                peer.cosigned = cosigned;
            }
            outcomes.push((peer.name.clone(), outcome));
        }
        outcomes.sort_by(|a, b| a.0.cmp(&b.0));
        outcomes
    }
}

/// Sends `checkpoint` to one witness; on 409, once more from the size it
/// names. Returns what the node now knows it cosigned, and the outcome.
async fn push<R: Rules + Clone + 'static>(
    http: &HttpClient,
    ledger: &Ledger<R>,
    peer: &Peer,
    checkpoint: &SignedCheckpoint,
) -> (Option<u64>, Outcome) {
    let mut old = peer.cosigned.unwrap_or(0);
    for _attempt in 0..2 {
        if old > checkpoint.size() {
            return (
                Some(old),
                Outcome::Failed {
                    reason: format!(
                        "the witness cosigned size {old}, beyond this node's {}",
                        checkpoint.size()
                    ),
                },
            );
        }
        let proof = match ledger.prove_consistency(old, checkpoint.size()) {
            Ok(proof) => proof,
            Err(e) => {
                return (
                    None,
                    Outcome::Failed {
                        reason: e.to_string(),
                    },
                )
            }
        };
        let mut body = format!("old {old}\n");
        for hash in &proof {
            body.push_str(&format!("{hash}\n"));
        }
        body.push('\n');
        let mut body = body.into_bytes();
        body.extend_from_slice(checkpoint.note());
        match post(http, &format!("{}/add-checkpoint", peer.url), body).await {
            Err(reason) => return (None, Outcome::Failed { reason }),
            Ok((StatusCode::OK, text)) => {
                return match cosignature_line(peer, checkpoint, &text) {
                    Some(line) => match ledger
                        .store()
                        .add_cosignature(checkpoint.size(), &peer.name, &line)
                        .await
                    {
                        Ok(()) => (
                            Some(checkpoint.size()),
                            Outcome::Cosigned {
                                size: checkpoint.size(),
                            },
                        ),
                        Err(e) => (
                            None,
                            Outcome::Failed {
                                reason: e.to_string(),
                            },
                        ),
                    },
                    None => (
                        None,
                        Outcome::Failed {
                            reason: "the answer holds no valid cosignature by its key".into(),
                        },
                    ),
                };
            }
            Ok((StatusCode::CONFLICT, text)) => match text.trim_end_matches('\n').parse::<u64>() {
                Ok(size) if size == checkpoint.size() => {
                    return (Some(size), Outcome::AlreadyCosigned { size });
                }
                Ok(size) => old = size,
                Err(_) => {
                    return (
                        None,
                        Outcome::Failed {
                            reason: format!("409 without a size: {text:?}"),
                        },
                    )
                }
            },
            Ok((status, text)) => {
                return (
                    None,
                    Outcome::Failed {
                        reason: format!("{status}: {}", text.trim()),
                    },
                )
            }
        }
    }
    (
        Some(old),
        Outcome::Failed {
            reason: "the witness's size moved while the node caught it up".into(),
        },
    )
}

/// The cosignature line in `answer` made by `peer`'s key on `checkpoint`.
fn cosignature_line(peer: &Peer, checkpoint: &SignedCheckpoint, answer: &str) -> Option<String> {
    answer
        .lines()
        .filter(|l| l.starts_with('—'))
        .find(|line| {
            checkpoint
                .with_signature_line(line)
                .map(|c| {
                    !c.cosigned_by(std::slice::from_ref(&peer.verifier))
                        .is_empty()
                })
                .unwrap_or(false)
        })
        .map(str::to_string)
}

async fn post(http: &HttpClient, url: &str, body: Vec<u8>) -> Result<(StatusCode, String), String> {
    let request = Request::post(url)
        .header("content-type", "text/plain; charset=utf-8")
        .body(Full::new(Bytes::from(body)))
        .map_err(|e| e.to_string())?;
    let exchange = async {
        let response = http
            .request(request)
            .await
            .map_err(|e| match tls::explain(&e, url.starts_with("https:")) {
                Failure::Untrusted(reason) => {
                    format!(
                        "cannot reach {url}: its certificate is not trusted ({reason}); give the CA certificates that issued it with --ca FILE"
                    )
                }
                Failure::Other(reason) => format!("cannot reach {url}: {reason}"),
            })?;
        let status = response.status();
        let body = http_body_util::Limited::new(response.into_body(), 64 * 1024)
            .collect()
            .await
            .map_err(|e| format!("reading the answer of {url}: {e}"))?
            .to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    };
    tokio::time::timeout(WITNESS_DEADLINE, exchange)
        .await
        .map_err(|_| format!("{url} did not answer within {WITNESS_DEADLINE:?}"))?
}
