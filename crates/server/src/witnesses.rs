//! What the node knows of its witnesses: the size each last cosigned and
//! why the last push failed. The node's publisher (`truce serve --witness`)
//! reports here; `/healthz` shows it, so an operator sees which witness is
//! behind and how far the Record is final.

use std::collections::BTreeMap;
use std::sync::RwLock;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Default)]
pub struct WitnessBoard {
    quorum: usize,
    peers: RwLock<BTreeMap<String, Peer>>,
}

#[derive(Debug, Clone, Default)]
struct Peer {
    url: String,
    cosigned: Option<u64>,
    last_error: Option<String>,
}

/// One witness in `/healthz`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WitnessHealth {
    pub name: String,
    pub url: String,
    /// The size it last cosigned, if it has cosigned anything for this node.
    pub cosigned_size: Option<u64>,
    /// Committed entries it has not cosigned yet.
    pub behind_entries: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

impl WitnessBoard {
    /// Witnesses by name and URL; `quorum` cosignatures make a checkpoint final.
    pub fn new(witnesses: &[(String, String)], quorum: u32) -> Self {
        let peers = witnesses
            .iter()
            .map(|(name, url)| {
                (
                    name.clone(),
                    Peer {
                        url: url.clone(),
                        ..Peer::default()
                    },
                )
            })
            .collect();
        Self {
            quorum: quorum as usize,
            peers: RwLock::new(peers),
        }
    }

    pub fn cosigned(&self, name: &str, size: u64) {
        if let Ok(mut peers) = self.peers.write() {
            if let Some(peer) = peers.get_mut(name) {
                peer.cosigned = Some(size);
                peer.last_error = None;
            }
        }
    }

    pub fn failed(&self, name: &str, reason: String) {
        if let Ok(mut peers) = self.peers.write() {
            if let Some(peer) = peers.get_mut(name) {
                peer.last_error = Some(reason);
            }
        }
    }

    pub fn health(&self, size: u64) -> Vec<WitnessHealth> {
        let peers = self.peers.read().map(|p| p.clone()).unwrap_or_default();
        peers
            .into_iter()
            .map(|(name, peer)| WitnessHealth {
                name,
                url: peer.url,
                cosigned_size: peer.cosigned,
                behind_entries: size.saturating_sub(peer.cosigned.unwrap_or(0)),
                last_error: peer.last_error,
            })
            .collect()
    }

    /// The largest size that at least a quorum of these witnesses cosigned.
    pub fn final_size(&self) -> Option<u64> {
        let peers = self.peers.read().ok()?;
        let mut sizes: Vec<u64> = peers.values().filter_map(|p| p.cosigned).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        if self.quorum == 0 {
            return None;
        }
        sizes.get(self.quorum - 1).copied()
    }
}
