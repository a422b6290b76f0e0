//! A mechanism's own certificate authority, made for a test: its PEM
//! certificate (what members give to `--ca`) and node certificates it
//! issues for loopback.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, Certificate, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
};

use super::{serve_with, Node, Served};

pub struct TestCa {
    certificate: Certificate,
    key: KeyPair,
    /// The CA certificate, PEM: what `--ca` is given.
    pub pem: PathBuf,
}

/// The files `truce serve --tls-cert --tls-key` takes.
pub struct NodeCertificate {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    /// A CA named `name`, its certificate written to `dir/name.pem`.
    pub fn new(dir: &Path, name: &str) -> Self {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let certificate = params.self_signed(&key).unwrap();
        let pem = dir.join(format!("{name}.pem"));
        std::fs::write(&pem, certificate.pem()).unwrap();
        Self {
            certificate,
            key,
            pem,
        }
    }

    /// A node certificate for `127.0.0.1` and `localhost`, issued by this
    /// CA, written beside it as PEM chain and key.
    pub fn issue_for_loopback(&self, dir: &Path) -> NodeCertificate {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
        params.distinguished_name.push(DnType::CommonName, "node");
        let certificate = params
            .signed_by(&key, &self.certificate, &self.key)
            .unwrap();
        let files = NodeCertificate {
            cert: dir.join("node-chain.pem"),
            key: dir.join("node-key.pem"),
        };
        std::fs::write(&files.cert, certificate.pem()).unwrap();
        std::fs::write(&files.key, key.serialize_pem()).unwrap();
        files
    }
}

/// `truce serve` over TLS with `certificate`, on a free port.
pub fn serve_tls(node: &Node, certificate: &NodeCertificate) -> Served {
    serve_with(
        node,
        0,
        &[
            "--tls-cert".to_string(),
            certificate.cert.display().to_string(),
            "--tls-key".to_string(),
            certificate.key.display().to_string(),
        ],
    )
}
