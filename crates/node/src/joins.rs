//! Requests to join: a key made in a member's browser, waiting for the
//! operator to admit it. They live in `join-requests.json` in the node's
//! data directory, one per member name (a new key replaces the member's
//! earlier request), written whole through a temporary file and a rename.
//! Nothing here is part of the Record: the admission itself is a
//! `member_admitted` statement the operator signs.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use truce_model::{MemberName, Party, PublicKeyBytes, Role};

use crate::NodeError;

/// Name of the file inside the data directory.
pub const JOIN_FILE: &str = "join-requests.json";
/// At most this many requests wait at once.
pub const MAX_REQUESTS: usize = 200;

/// One key waiting to be admitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The member the key is for: the one the requesting token names.
    pub member: MemberName,
    /// The role the token was made for.
    pub role: Role,
    pub party: Party,
    pub public_key: PublicKeyBytes,
    /// RFC 3339.
    pub requested: String,
}

/// The requests of one data directory; writes are serialised.
pub struct JoinQueue {
    dir: PathBuf,
    lock: Mutex<()>,
}

impl JoinQueue {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.to_path_buf(),
            lock: Mutex::new(()),
        }
    }

    fn path(&self) -> PathBuf {
        self.dir.join(JOIN_FILE)
    }

    /// Every waiting request, oldest first.
    pub fn list(&self) -> Result<Vec<JoinRequest>, NodeError> {
        let _guard = self.lock.lock().expect("join queue");
        self.read()
    }

    fn read(&self) -> Result<Vec<JoinRequest>, NodeError> {
        match std::fs::read(self.path()) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| NodeError::Internal(format!("{}: {e}", self.path().display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(NodeError::Io(e)),
        }
    }

    fn write(&self, requests: &[JoinRequest]) -> Result<(), NodeError> {
        let text =
            serde_json::to_vec_pretty(requests).map_err(|e| NodeError::Internal(e.to_string()))?;
        crate::files::write_private(&self.dir, JOIN_FILE, &text)
    }

    /// Adds `request`, replacing the member's earlier one and dropping those
    /// `settled` says are done with (their member admitted meanwhile).
    /// Durable before it returns.
    pub fn put(
        &self,
        request: JoinRequest,
        settled: impl Fn(&JoinRequest) -> bool,
    ) -> Result<(), NodeError> {
        let _guard = self.lock.lock().expect("join queue");
        let mut requests = self.read()?;
        requests.retain(|r| r.member != request.member && !settled(r));
        if requests.len() >= MAX_REQUESTS {
            return Err(NodeError::OverQuota(format!(
                "{MAX_REQUESTS} requests to join are waiting already; the operator must answer some first"
            )));
        }
        requests.push(request);
        self.write(&requests)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(member: &str, key: u8) -> JoinRequest {
        JoinRequest {
            member: MemberName::new(member).unwrap(),
            role: Role::GuarantorMember,
            party: Party::new("Russian Federation").unwrap(),
            public_key: PublicKeyBytes([key; 32]),
            requested: "2026-12-06T10:00:00Z".into(),
        }
    }

    #[test]
    fn a_new_key_replaces_the_members_request_and_settled_ones_go() {
        let dir = tempfile::tempdir().unwrap();
        let queue = JoinQueue::new(dir.path());
        assert!(queue.list().unwrap().is_empty());
        queue.put(request("ru-monitor-2", 1), |_| false).unwrap();
        queue.put(request("tr-monitor-2", 2), |_| false).unwrap();
        queue.put(request("ru-monitor-2", 3), |_| false).unwrap();
        let listed = queue.list().unwrap();
        assert_eq!(
            listed,
            vec![request("tr-monitor-2", 2), request("ru-monitor-2", 3)]
        );
        // Read again from the file, as after a restart.
        assert_eq!(JoinQueue::new(dir.path()).list().unwrap(), listed);
        queue
            .put(request("ir-monitor-2", 4), |r| {
                r.member.as_str() == "tr-monitor-2"
            })
            .unwrap();
        let members: Vec<_> = queue
            .list()
            .unwrap()
            .into_iter()
            .map(|r| r.member.to_string())
            .collect();
        assert_eq!(members, ["ru-monitor-2", "ir-monitor-2"]);
    }
}
