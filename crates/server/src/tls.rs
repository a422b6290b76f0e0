//! The node terminating TLS itself, for members who reach it across the
//! internet with no proxy in front: rustls over each accepted connection,
//! then the same router as the plain path, over HTTP/1.1.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

use crate::{router, AppState, ServerError};

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("{path}: {reason}")]
    File { path: String, reason: String },
    #[error("the certificate in {cert} and the key in {key} do not go together: {reason}")]
    Mismatch {
        cert: String,
        key: String,
        reason: String,
    },
}

/// The node's TLS settings from a PEM certificate chain (the node's own
/// certificate first, then any intermediates) and its PEM private key.
pub fn tls_config(cert: &Path, key: &Path) -> Result<Arc<ServerConfig>, TlsError> {
    let refuse = |path: &Path, reason: String| TlsError::File {
        path: path.display().to_string(),
        reason,
    };
    let pem = std::fs::read(cert).map_err(|e| refuse(cert, e.to_string()))?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| refuse(cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(refuse(
            cert,
            "no PEM certificate in it (expected -----BEGIN CERTIFICATE----- blocks)".into(),
        ));
    }
    let pem = std::fs::read(key).map_err(|e| refuse(key, e.to_string()))?;
    let private = PrivateKeyDer::from_pem_slice(&pem).map_err(|e| {
        refuse(
            key,
            format!("no PEM private key in it ({e}; expected PKCS#8, PKCS#1 or SEC1)"),
        )
    })?;
    let mismatch = |reason: String| TlsError::Mismatch {
        cert: cert.display().to_string(),
        key: key.display().to_string(),
        reason,
    };
    let mut config = ServerConfig::builder_with_provider(ring())
        .with_safe_default_protocol_versions()
        .map_err(|e| mismatch(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, private)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => {
                mismatch("the key is not the one the (first) certificate was issued for".into())
            }
            other => mismatch(other.to_string()),
        })?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Named for this config rather than installed for the process. rustls
/// deprecates ring's provider for lacking post-quantum key exchange; its
/// alternative, aws-lc-rs, needs cmake to build.
#[allow(deprecated)]
fn ring() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// As [`crate::serve_until`], over TLS: each connection is accepted, given
/// [`crate::HANDSHAKE_TIMEOUT`] to finish its handshake on its own task,
/// then served, under the same limits as the plain path. When `shutdown`
/// completes no connection is taken any more, handshakes under way are
/// dropped, and the requests in flight are finished before this returns.
pub async fn serve_tls_until(
    listener: tokio::net::TcpListener,
    tls: Arc<ServerConfig>,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let shutdown = crate::ending_streams(&state, shutdown);
    crate::conn::serve_connections(
        listener,
        Some(TlsAcceptor::from(tls)),
        router(state),
        crate::Limits::default(),
        shutdown,
    )
    .await
}
