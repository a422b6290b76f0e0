//! Outgoing webhooks the node's operator configures: where to send the
//! events of the Record as they are admitted, with which signing secret,
//! and for which party. They live in `webhooks.json` in the data
//! directory (owner-only: the secrets are in it); how far each endpoint
//! has been served lives beside it in `webhook-cursors.json`, written only
//! by the serving node, so that a restart resumes where delivery stopped.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use base64::Engine;
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use truce_model::Party;

use crate::NodeError;

/// Name of the configuration file inside the data directory.
pub const WEBHOOK_FILE: &str = "webhooks.json";
/// Name of the delivery cursors' file inside the data directory.
pub const CURSOR_FILE: &str = "webhook-cursors.json";
/// How a signing secret is written (the Standard Webhooks serialisation).
pub const SECRET_PREFIX: &str = "whsec_";

/// One endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Where events are POSTed (`http://` or `https://`).
    pub url: String,
    /// `whsec_` and the base64 of 32 random bytes; the receiver checks
    /// each delivery's `webhook-signature` with it.
    pub secret: String,
    /// Only the events that concern this party; every event when absent.
    pub party: Option<Party>,
    /// RFC 3339.
    pub added: String,
}

/// Checks an endpoint's URL: absolute, http or https, no credentials.
pub fn check_url(url: &str) -> Result<(), NodeError> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| NodeError::Invalid {
            field: "url",
            reason: format!("{url:?} must start with http:// or https://"),
        })?;
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err(NodeError::Invalid {
            field: "url",
            reason: format!("{url:?} names no host"),
        });
    }
    if host.contains('@') {
        return Err(NodeError::Invalid {
            field: "url",
            reason: "must not carry a user name or password: the signature authenticates".into(),
        });
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(NodeError::Invalid {
            field: "url",
            reason: "must not contain spaces or control characters".into(),
        });
    }
    Ok(())
}

fn new_secret() -> String {
    let mut random = [0u8; 32];
    rand_core::OsRng.fill_bytes(&mut random);
    format!(
        "{SECRET_PREFIX}{}",
        base64::engine::general_purpose::STANDARD.encode(random)
    )
}

/// The webhooks of one data directory; writes are serialised.
pub struct Webhooks {
    dir: PathBuf,
    lock: Mutex<()>,
}

impl Webhooks {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.to_path_buf(),
            lock: Mutex::new(()),
        }
    }

    /// Every configured endpoint, in the order they were added.
    pub fn list(&self) -> Result<Vec<Webhook>, NodeError> {
        let _guard = self.lock.lock().expect("webhooks lock");
        self.read()
    }

    fn read(&self) -> Result<Vec<Webhook>, NodeError> {
        read_json(&self.dir.join(WEBHOOK_FILE)).map(Option::unwrap_or_default)
    }

    /// Adds an endpoint with a new secret and returns it (the secret is
    /// shown to the operator once, to give to the receiver). A URL already
    /// configured is refused: remove it first to change it.
    pub fn add(&self, url: &str, party: Option<Party>) -> Result<Webhook, NodeError> {
        check_url(url)?;
        let _guard = self.lock.lock().expect("webhooks lock");
        let mut hooks = self.read()?;
        if hooks.iter().any(|h| h.url == url) {
            return Err(NodeError::Invalid {
                field: "url",
                reason: format!("{url} is configured already (remove it first to change it)"),
            });
        }
        let hook = Webhook {
            url: url.to_string(),
            secret: new_secret(),
            party,
            added: jiff::Timestamp::now().to_string(),
        };
        hooks.push(hook.clone());
        self.write(&hooks)?;
        Ok(hook)
    }

    /// Removes the endpoint at `url`.
    pub fn remove(&self, url: &str) -> Result<(), NodeError> {
        let _guard = self.lock.lock().expect("webhooks lock");
        let mut hooks = self.read()?;
        let before = hooks.len();
        hooks.retain(|h| h.url != url);
        if hooks.len() == before {
            return Err(NodeError::NotFound(format!("no webhook sends to {url}")));
        }
        self.write(&hooks)
    }

    fn write(&self, hooks: &[Webhook]) -> Result<(), NodeError> {
        let text =
            serde_json::to_vec_pretty(hooks).map_err(|e| NodeError::Internal(e.to_string()))?;
        crate::files::write_private(&self.dir, WEBHOOK_FILE, &text)
    }
}

/// How far delivery to each endpoint has gone: by URL, the position of the
/// last statement whose events all reached it.
pub struct Cursors {
    dir: PathBuf,
    lock: Mutex<BTreeMap<String, u64>>,
}

impl Cursors {
    /// The cursors of `data_dir`, as last saved.
    pub fn load(data_dir: &Path) -> Result<Self, NodeError> {
        let saved = read_json(&data_dir.join(CURSOR_FILE))?.unwrap_or_default();
        Ok(Self {
            dir: data_dir.to_path_buf(),
            lock: Mutex::new(saved),
        })
    }

    /// Where delivery to `url` stopped, if it ever started.
    pub fn delivered_through(&self, url: &str) -> Option<u64> {
        self.lock.lock().expect("cursors lock").get(url).copied()
    }

    /// Records that every event up to `position` reached `url`; durable
    /// when it returns.
    pub fn advance(&self, url: &str, position: u64) -> Result<(), NodeError> {
        let mut cursors = self.lock.lock().expect("cursors lock");
        cursors.insert(url.to_string(), position);
        let text =
            serde_json::to_vec_pretty(&*cursors).map_err(|e| NodeError::Internal(e.to_string()))?;
        crate::files::write_private(&self.dir, CURSOR_FILE, &text)
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Option<T>, NodeError> {
    match std::fs::read(path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| NodeError::Internal(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(NodeError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_kept_with_their_own_secret_and_survive_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let hooks = Webhooks::new(dir.path());
        assert!(hooks.list().unwrap().is_empty());
        let russian = Party::new("Russian Federation").unwrap();
        let one = hooks
            .add("https://ops.example.ru/truce", Some(russian.clone()))
            .unwrap();
        let two = hooks.add("http://10.0.0.7:9000/hook", None).unwrap();
        assert_ne!(one.secret, two.secret);
        let raw = one.secret.strip_prefix(SECRET_PREFIX).unwrap();
        assert_eq!(
            base64::engine::general_purpose::STANDARD
                .decode(raw)
                .unwrap()
                .len(),
            32
        );
        assert_eq!(Webhooks::new(dir.path()).list().unwrap(), vec![one, two]);
        let again = hooks.add("http://10.0.0.7:9000/hook", None).unwrap_err();
        assert!(again.to_string().contains("configured already"), "{again}");
        hooks.remove("http://10.0.0.7:9000/hook").unwrap();
        assert_eq!(hooks.list().unwrap().len(), 1);
        assert!(hooks.remove("http://10.0.0.7:9000/hook").is_err());
    }

    #[test]
    fn a_url_must_be_http_with_a_host_and_no_credentials() {
        for (url, reason) in [
            ("ftp://example.org/x", "must start with http"),
            ("example.org/x", "must start with http"),
            ("https:///path", "names no host"),
            ("https://user:pw@example.org/", "user name or password"),
            ("https://example.org/a b", "spaces"),
        ] {
            let error = check_url(url).unwrap_err().to_string();
            assert!(
                error.contains("url") && error.contains(reason),
                "{url}: {error}"
            );
        }
        check_url("https://example.org:8443/hooks/truce").unwrap();
    }

    #[test]
    fn cursors_are_durable_per_endpoint() {
        let dir = tempfile::tempdir().unwrap();
        let cursors = Cursors::load(dir.path()).unwrap();
        assert_eq!(cursors.delivered_through("http://a/"), None);
        cursors.advance("http://a/", 41).unwrap();
        cursors.advance("http://b/", 7).unwrap();
        cursors.advance("http://a/", 42).unwrap();
        let reloaded = Cursors::load(dir.path()).unwrap();
        assert_eq!(reloaded.delivered_through("http://a/"), Some(42));
        assert_eq!(reloaded.delivered_through("http://b/"), Some(7));
    }
}
