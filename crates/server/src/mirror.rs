//! What a mirror tells about itself: the node it follows, how far behind it
//! is, and whether it stopped on evidence against that node. The follower
//! (`truce mirror`) updates it; `/healthz` and the web page show it.

use std::sync::RwLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Shared between the follower and the server of one mirror.
#[derive(Debug)]
pub struct MirrorStatus {
    /// The node this mirror follows (its URL).
    pub origin: String,
    state: RwLock<FollowState>,
}

#[derive(Debug, Clone, Default)]
struct FollowState {
    origin_size: u64,
    /// Seconds since the epoch when the mirror last held all the origin
    /// had checkpointed.
    caught_up_at: Option<u64>,
    last_error: Option<String>,
    stopped: Option<String>,
}

/// The mirror part of `/healthz`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MirrorHealth {
    pub origin: String,
    /// Size of the origin's latest checkpoint this mirror has read.
    pub origin_size: u64,
    /// Entries the origin has checkpointed that this mirror has not verified yet.
    pub behind_entries: u64,
    /// Seconds since this mirror last held everything the origin had
    /// checkpointed (0 when it does now).
    pub behind_seconds: u64,
    /// Why the last attempt to reach the origin failed, while it keeps trying.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    /// Set once the mirror stopped following because the origin served
    /// something inconsistent: what it found and where the evidence is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl MirrorStatus {
    pub fn new(origin: impl Into<String>) -> Self {
        Self {
            origin: origin.into(),
            state: RwLock::new(FollowState::default()),
        }
    }

    fn update(&self, f: impl FnOnce(&mut FollowState)) {
        if let Ok(mut state) = self.state.write() {
            f(&mut state);
        }
    }

    /// The origin's checkpoint has `origin_size` entries; the mirror holds `size`.
    pub fn observed(&self, origin_size: u64, size: u64) {
        self.update(|s| {
            s.origin_size = origin_size;
            s.last_error = None;
            if size >= origin_size {
                s.caught_up_at = Some(now());
            }
        });
    }

    pub fn failed(&self, error: impl Into<String>) {
        let error = error.into();
        self.update(|s| s.last_error = Some(error));
    }

    pub fn stop(&self, reason: impl Into<String>) {
        let reason = reason.into();
        self.update(|s| s.stopped = Some(reason));
    }

    pub fn is_stopped(&self) -> bool {
        self.state.read().is_ok_and(|s| s.stopped.is_some())
    }

    pub fn health(&self, size: u64) -> MirrorHealth {
        let state = self.state.read().map(|s| s.clone()).unwrap_or_default();
        let behind_entries = state.origin_size.saturating_sub(size);
        let behind_seconds = match (behind_entries, state.caught_up_at) {
            (0, Some(_)) => 0,
            (_, Some(at)) => now().saturating_sub(at),
            (_, None) => 0,
        };
        MirrorHealth {
            origin: self.origin.clone(),
            origin_size: state.origin_size,
            behind_entries,
            behind_seconds,
            last_error: state.last_error,
            stopped: state.stopped,
        }
    }
}
