//! Whom an `https://` node must prove itself to: the machine's own root
//! certificates, or exactly the certificates of a mechanism's own CA. The
//! choice is a value handed to each [`Origin`](crate::Origin), never a
//! process-wide setting, so that one process can read two nodes under two
//! trusts.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use hyper_rustls::{ConfigBuilderExt, HttpsConnector};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls::{ClientConfig, RootCertStore};

use crate::ClientError;

/// The certificate authorities an `https://` node's certificate must chain to.
#[derive(Debug, Clone, Default)]
pub enum Trust {
    /// The roots this machine trusts (its CA bundle).
    #[default]
    System,
    /// Only the certificates read from a PEM file: a mechanism's own CA.
    Ca {
        path: PathBuf,
        roots: Arc<RootCertStore>,
    },
}

impl Trust {
    /// Reads every `CERTIFICATE` block of the PEM file at `path`; a file
    /// that cannot be read, holds none, or holds one that is not a usable
    /// CA certificate is refused, naming the file.
    pub fn ca_file(path: &Path) -> Result<Self, ClientError> {
        let refuse = |reason: String| ClientError::CaFile {
            path: path.display().to_string(),
            reason,
        };
        let pem = std::fs::read(path).map_err(|e| refuse(e.to_string()))?;
        let mut roots = RootCertStore::empty();
        for (n, certificate) in CertificateDer::pem_slice_iter(&pem).enumerate() {
            let certificate =
                certificate.map_err(|e| refuse(format!("certificate {}: {e}", n + 1)))?;
            roots
                .add(certificate)
                .map_err(|e| refuse(format!("certificate {}: {e}", n + 1)))?;
        }
        if roots.is_empty() {
            return Err(refuse(
                "no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks)".into(),
            ));
        }
        Ok(Trust::Ca {
            path: path.to_path_buf(),
            roots: Arc::new(roots),
        })
    }

    /// Who vouches, as the refusal of an untrusted certificate says it.
    pub fn describe(&self) -> String {
        match self {
            Trust::System => "this machine's root certificates".into(),
            Trust::Ca { path, .. } => format!("the CA certificates in {}", path.display()),
        }
    }

    fn client_config(&self) -> Result<ClientConfig, ClientError> {
        let builder = ClientConfig::builder_with_provider(ring())
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Tls(e.to_string()))?;
        let builder = match self {
            Trust::System => builder.with_native_roots().map_err(|e| {
                ClientError::Tls(format!(
                    "reading this machine's root certificates: {e} (give the node's CA with --ca FILE)"
                ))
            })?,
            Trust::Ca { roots, .. } => builder.with_root_certificates(roots.clone()),
        };
        Ok(builder.with_no_client_auth())
    }
}

/// The crypto provider, named for each config rather than installed for
/// the process: no global state, and ring whatever else is linked in.
/// rustls deprecates ring's provider for lacking post-quantum key exchange;
/// its alternative, aws-lc-rs, needs cmake to build.
#[allow(deprecated)]
fn ring() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A connector for `http://` and `https://` alike. The roots are only read
/// where TLS will be spoken: an `http://` node needs no CA bundle.
pub(crate) fn connector(
    trust: &Trust,
    tls: bool,
    connect_timeout: Duration,
) -> Result<HttpsConnector<HttpConnector>, ClientError> {
    let config = if tls {
        trust.client_config()?
    } else {
        ClientConfig::builder_with_provider(ring())
            .with_safe_default_protocol_versions()
            .map_err(|e| ClientError::Tls(e.to_string()))?
            .with_root_certificates(RootCertStore::empty())
            .with_no_client_auth()
    };
    let mut http = HttpConnector::new();
    http.set_connect_timeout(Some(connect_timeout));
    // The TLS layer above takes https:// URIs through this connector.
    http.enforce_http(false);
    Ok(hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(config)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http))
}

/// What a failed connection says, for people: the causes hyper wraps, and
/// whether it was the TLS handshake that failed (an untrusted certificate).
pub(crate) enum Failure {
    Untrusted(String),
    Other(String),
}

pub(crate) fn explain(error: &(dyn std::error::Error + 'static), tls: bool) -> Failure {
    let mut reasons = Vec::new();
    let mut unparsable = false;
    let mut current = Some(error);
    while let Some(error) = current {
        unparsable |= error
            .downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse);
        if let Some(tls) = rustls_error(error) {
            return match tls {
                rustls::Error::InvalidCertificate(_) => Failure::Untrusted(tls.to_string()),
                // Plain HTTP bytes where a TLS record was expected.
                rustls::Error::InvalidMessage(_) => Failure::Other(format!(
                    "the TLS handshake failed ({tls}): is it an http:// node?"
                )),
                other => Failure::Other(format!("the TLS handshake failed: {other}")),
            };
        }
        // hyper-util's own layer says only which step failed: its causes
        // say why.
        let wrapper = error.is::<hyper_util::client::legacy::Error>() && error.source().is_some();
        let text = error.to_string();
        if !wrapper && !reasons.iter().any(|r: &String| r.contains(&text)) {
            reasons.push(text);
        }
        current = error.source();
    }
    let mut reason = reasons.join(": ");
    // A TLS alert read as an HTTP answer.
    if unparsable && !tls {
        reason.push_str(" (is it an https:// node?)");
    }
    Failure::Other(reason)
}

/// The rustls error behind `error`: tokio-rustls wraps it in an
/// `io::Error`, which hyper-rustls wraps in another, and an `io::Error`'s
/// `source` skips what it wraps.
fn rustls_error<'e>(error: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
    let mut error = error;
    loop {
        if let Some(tls) = error.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        error = error.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_ca_file_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let error = Trust::ca_file(&missing).unwrap_err().to_string();
        assert!(error.contains("missing.pem"), "{error}");

        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "not a certificate\n").unwrap();
        let error = Trust::ca_file(&empty).unwrap_err().to_string();
        assert!(
            error.contains("empty.pem") && error.contains("no PEM certificate"),
            "{error}"
        );

        let garbage = dir.path().join("garbage.pem");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let error = Trust::ca_file(&garbage).unwrap_err().to_string();
        assert!(
            error.contains("garbage.pem") && error.contains("certificate 1"),
            "{error}"
        );
    }
}
