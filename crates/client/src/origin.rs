//! The node being read: HTTP/1.1 requests, over TLS for an `https://`
//! node, with a deadline each.

use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Request, StatusCode, Uri};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use truce_record::{SignedStatement, TILE_WIDTH};

use crate::tls::{self, Failure, Trust};

/// How long one request may take, body included.
const REQUEST_DEADLINE: Duration = Duration::from_secs(60);
/// How long an upload may take (the node allows 15 minutes).
const UPLOAD_DEADLINE: Duration = Duration::from_secs(15 * 60);
/// Largest body read: a full entry bundle of maximal entries.
const BODY_LIMIT: usize = (TILE_WIDTH as usize) * (2 + u16::MAX as usize);

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{0} is not an http:// or https:// URL of a node")]
    Url(String),
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "cannot reach {url}: its certificate is not trusted by {trusted} ({reason}); \
         give the CA certificates of the mechanism with --ca FILE"
    )]
    Untrusted {
        url: String,
        trusted: String,
        reason: String,
    },
    #[error("CA file {path}: {reason}")]
    CaFile { path: String, reason: String },
    #[error("TLS: {0}")]
    Tls(String),
    #[error("{url} answered {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("{url}: {reason}")]
    Malformed { url: String, reason: String },
}

/// A node read over HTTP.
#[derive(Clone)]
pub struct Origin {
    base: String,
    token: Option<String>,
    trust: Trust,
    http: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl std::fmt::Debug for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Origin").field("base", &self.base).finish()
    }
}

/// Whether `url` names a node over TLS; refuses what names no node.
pub(crate) fn is_https(url: &str) -> Result<bool, ClientError> {
    let uri: Uri = url.parse().map_err(|_| ClientError::Url(url.into()))?;
    if uri.host().is_none() {
        return Err(ClientError::Url(url.into()));
    }
    match uri.scheme_str() {
        Some("http") => Ok(false),
        Some("https") => Ok(true),
        _ => Err(ClientError::Url(url.into())),
    }
}

/// The path of a tile index: 3-digit elements, all but the last `x`-prefixed.
pub fn tile_index_path(index: u64) -> String {
    let mut groups = vec![format!("{:03}", index % 1000)];
    let mut rest = index / 1000;
    while rest > 0 {
        groups.push(format!("x{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.reverse();
    groups.join("/")
}

impl Origin {
    /// `url` is the node's base URL (`http://host:port` or
    /// `https://host:port`, as `truce serve` prints it); `token` a member's
    /// read token, needed for entry bundles; `trust` whom an `https://`
    /// node's certificate must chain to.
    pub fn new(url: &str, token: Option<String>, trust: &Trust) -> Result<Self, ClientError> {
        let base = url.trim_end_matches('/').to_string();
        let tls = is_https(&base)?;
        let connector = tls::connector(trust, tls, Duration::from_secs(10))?;
        let http = Client::builder(TokioExecutor::new()).build(connector);
        Ok(Self {
            base,
            token,
            trust: trust.clone(),
            http,
        })
    }

    pub fn url(&self) -> &str {
        &self.base
    }

    /// GETs `path` (starting with `/`) and returns the body of a 200.
    pub async fn get(&self, path: &str) -> Result<Bytes, ClientError> {
        let url = format!("{}{path}", self.base);
        let (status, body) = self.exchange(Request::get(&url), Bytes::new()).await?;
        if status != StatusCode::OK {
            return Err(ClientError::Status {
                url,
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).chars().take(300).collect(),
            });
        }
        Ok(body)
    }

    /// POSTs a JSON body to `path`; returns the status and the body,
    /// whatever the status (the caller reads the node's error).
    pub async fn post_json(&self, path: &str, json: String) -> Result<(u16, Bytes), ClientError> {
        self.post_json_with(path, json, &[]).await
    }

    /// As [`Origin::post_json`], with more request headers.
    pub async fn post_json_with(
        &self,
        path: &str,
        json: String,
        headers: &[(&str, String)],
    ) -> Result<(u16, Bytes), ClientError> {
        let url = format!("{}{path}", self.base);
        let mut request = Request::post(&url).header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value.as_str());
        }
        let (status, body) = self.exchange(request, Bytes::from(json)).await?;
        Ok((status.as_u16(), body))
    }

    /// PUTs `body` to `path` with `content_type`; returns the status and
    /// the body, whatever the status (the caller reads the node's error).
    pub async fn put(
        &self,
        path: &str,
        content_type: &str,
        body: Bytes,
    ) -> Result<(u16, Bytes), ClientError> {
        let url = format!("{}{path}", self.base);
        let request = Request::put(&url).header("content-type", content_type);
        let (status, body) = self.exchange_within(request, body, UPLOAD_DEADLINE).await?;
        Ok((status.as_u16(), body))
    }

    async fn exchange(
        &self,
        request: hyper::http::request::Builder,
        body: Bytes,
    ) -> Result<(StatusCode, Bytes), ClientError> {
        self.exchange_within(request, body, REQUEST_DEADLINE).await
    }

    async fn exchange_within(
        &self,
        request: hyper::http::request::Builder,
        body: Bytes,
        deadline: Duration,
    ) -> Result<(StatusCode, Bytes), ClientError> {
        let url = request
            .uri_ref()
            .map(|u| u.to_string())
            .unwrap_or_else(|| self.base.clone());
        let unreachable = |reason: String| ClientError::Unreachable {
            url: url.clone(),
            reason,
        };
        let failed = |error: hyper_util::client::legacy::Error| match tls::explain(
            &error,
            self.base.starts_with("https:"),
        ) {
            Failure::Untrusted(reason) => ClientError::Untrusted {
                url: url.clone(),
                trusted: self.trust.describe(),
                reason,
            },
            Failure::Other(reason) => unreachable(reason),
        };
        let mut request = request.header("accept-encoding", "identity");
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request
            .body(Full::new(body))
            .map_err(|e| unreachable(e.to_string()))?;
        let exchange = async {
            let response = self.http.request(request).await.map_err(failed)?;
            let status = response.status();
            let body = http_body_util::Limited::new(response.into_body(), BODY_LIMIT)
                .collect()
                .await
                .map_err(|e| unreachable(format!("reading the answer: {e}")))?
                .to_bytes();
            Ok::<_, ClientError>((status, body))
        };
        tokio::time::timeout(deadline, exchange)
            .await
            .map_err(|_| unreachable(format!("no answer within {deadline:?}")))?
    }

    /// The latest checkpoint note, unverified.
    pub async fn checkpoint(&self) -> Result<Vec<u8>, ClientError> {
        Ok(self.get("/checkpoint").await?.to_vec())
    }

    /// The entries of bundle `index`, `width` wide (256 when full).
    pub async fn bundle(
        &self,
        index: u64,
        width: u16,
    ) -> Result<Vec<SignedStatement>, ClientError> {
        let mut path = format!("/tile/entries/{}", tile_index_path(index));
        if width < TILE_WIDTH {
            path.push_str(&format!(".p/{width}"));
        }
        let body = self.get(&path).await?;
        let malformed = |reason: String| ClientError::Malformed {
            url: format!("{}{path}", self.base),
            reason,
        };
        let entries = parse_bundle(&body).map_err(malformed)?;
        if entries.len() != usize::from(width) {
            return Err(malformed(format!(
                "{} entries in a bundle of width {width}",
                entries.len()
            )));
        }
        Ok(entries)
    }
}

/// Splits an entry bundle (big-endian uint16 length-prefixed leaves) into
/// signed statements.
pub fn parse_bundle(mut body: &[u8]) -> Result<Vec<SignedStatement>, String> {
    let mut entries = Vec::new();
    while !body.is_empty() {
        let Some((length, rest)) = body.split_first_chunk::<2>() else {
            return Err("a length prefix is cut short".into());
        };
        let length = usize::from(u16::from_be_bytes(*length));
        if rest.len() < length {
            return Err(format!(
                "entry {} claims {length} bytes, {} remain",
                entries.len(),
                rest.len()
            ));
        }
        let (leaf, rest) = rest.split_at(length);
        entries.push(
            SignedStatement::from_leaf(leaf)
                .map_err(|e| format!("entry {}: {e}", entries.len()))?,
        );
        body = rest;
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_are_named_by_http_or_https_urls() {
        assert!(!is_https("http://127.0.0.1:8080").unwrap());
        assert!(is_https("https://node.example:8443").unwrap());
        for bad in ["ftp://node", "node:8080", "https://", "127.0.0.1:8080", ""] {
            let error = is_https(bad).unwrap_err().to_string();
            assert!(
                error.contains("not an http:// or https:// URL"),
                "{bad}: {error}"
            );
        }
        assert!(Origin::new("localhost:1", None, &Trust::System).is_err());
    }

    #[test]
    fn tile_indexes_are_spelled_as_the_spec_says() {
        assert_eq!(tile_index_path(0), "000");
        assert_eq!(tile_index_path(67), "067");
        assert_eq!(tile_index_path(1_234_067), "x001/x234/067");
        assert_eq!(tile_index_path(1000), "x001/000");
    }

    #[test]
    fn bundles_split_into_their_entries() {
        let mut body = Vec::new();
        for n in [70usize, 65] {
            body.extend_from_slice(&(n as u16).to_be_bytes());
            body.extend(std::iter::repeat_n(n as u8, n));
        }
        let entries = parse_bundle(&body).unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].bytes().len(), 6);
        assert!(parse_bundle(&body[..body.len() - 1]).is_err());
        assert!(parse_bundle(&[0]).is_err());
        // A leaf of 64 bytes or less holds no statement.
        assert!(parse_bundle(&[0, 3, 1, 2, 3]).is_err());
    }
}
