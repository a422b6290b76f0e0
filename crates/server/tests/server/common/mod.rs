//! A mechanism on a real SQLite file behind the real router: an operator,
//! three guarantors of three parties, an observer, and a read token for
//! each of the observer and the first guarantor.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use http_body_util::BodyExt;
use jiff::civil::Date;
use jiff::Timestamp;
use serde_json::{json, Value};
use tower::ServiceExt;
use truce_gazetteer::Gazetteer;
use truce_model::{Actor, Genesis, MemberName, ReportFields, Role};
use truce_record::{
    Body as StatementBody, CheckpointSigner, MemberKey, SignedStatement, Statement,
};
use truce_regime::{Register, RegisterConfig};
use truce_server::AppState;
use truce_store::{Ledger, Store};
use truce_testkit::{reports, Founder, Founders};

pub struct Member {
    pub name: &'static str,
    pub key: MemberKey,
    pub role: Role,
    pub party: &'static str,
    pub seq: u64,
}

// Each test binary uses some of the places.
#[allow(unused_imports)]
pub use truce_testkit::{IR, OPERATOR, RU, TR, UN};

/// The test kit's five places under the names and parties the API's
/// answers (and their snapshots) show.
const MEMBERS: [(&str, Role, &str); 5] = [
    ("operator", Role::Operator, "Mechanism secretariat"),
    ("ru-monitor", Role::GuarantorMember, "Russian Federation"),
    ("tr-monitor", Role::GuarantorMember, "Republic of Türkiye"),
    (
        "ir-monitor",
        Role::GuarantorMember,
        "Islamic Republic of Iran",
    ),
    ("un-expert", Role::Observer, "United Nations"),
];

pub struct Node {
    pub members: Vec<Member>,
    pub ledger: Arc<Ledger<Register>>,
    pub router: Router,
    pub guarantor_token: String,
    pub observer_token: String,
    pub node_key: String,
    pub dir: tempfile::TempDir,
}

/// Who reads: nobody, the observer's token, or a guarantor's token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Public,
    Observer,
    Guarantor,
}

pub const EVERYONE: [Who; 3] = [Who::Public, Who::Observer, Who::Guarantor];

pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub cache_control: String,
    pub text: String,
    pub bytes: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.text))
    }
}

impl Node {
    pub async fn new() -> Self {
        Self::founded_with(None).await
    }

    /// A node whose genesis sets the register's parameters.
    pub async fn founded_with(register: Option<RegisterConfig>) -> Self {
        let founders = Founders {
            members: MEMBERS
                .iter()
                .map(|(name, role, party)| Founder::new(name, party, *role))
                .collect(),
        };
        let dir = tempfile::tempdir().unwrap();
        let signer = CheckpointSigner::generate("truce.test/astana").unwrap();
        let node_key = signer.verifier_key().to_string();
        let genesis = Genesis {
            mechanism: "Test ceasefire mechanism".into(),
            log_origin: "truce.test/astana".into(),
            ..founders.genesis(&node_key, register)
        };
        let mut members: Vec<Member> = founders
            .members
            .into_iter()
            .zip(MEMBERS)
            .map(|(founder, (name, role, party))| Member {
                name,
                key: founder.key,
                role,
                party,
                seq: 0,
            })
            .collect();
        let store = Store::open_sqlite(&dir.path().join("truce.sqlite"))
            .await
            .unwrap();
        let register = Register::new(RegisterConfig::default(), Gazetteer::syria());
        let ledger = Ledger::open_with(store, signer, register).await.unwrap();
        let genesis = sign(&mut members[OPERATOR], StatementBody::Genesis(genesis));
        ledger.append(genesis).await.unwrap();
        let ledger = Arc::new(ledger);
        let guarantor_token = truce_node::create_token(
            dir.path(),
            &MemberName::new("ru-monitor").unwrap(),
            Role::GuarantorMember,
        )
        .unwrap();
        let observer_token = truce_node::create_token(
            dir.path(),
            &MemberName::new("un-expert").unwrap(),
            Role::Observer,
        )
        .unwrap();
        let router = truce_server::router(AppState::new(ledger.clone(), dir.path()));
        Self {
            members,
            ledger,
            router,
            guarantor_token,
            observer_token,
            node_key,
            dir,
        }
    }

    pub fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Public => None,
            Who::Observer => Some(&self.observer_token),
            Who::Guarantor => Some(&self.guarantor_token),
        }
    }

    /// Signs `body` as member `who`'s next statement.
    pub fn sign(&mut self, who: usize, body: StatementBody) -> SignedStatement {
        sign(&mut self.members[who], body)
    }

    pub async fn request(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Body,
    ) -> Answer {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(body).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let header_text = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &header::HeaderValue| v.to_str().unwrap().to_string())
                .unwrap_or_default()
        };
        let content_type = header_text(header::CONTENT_TYPE);
        let cache_control = header_text(header::CACHE_CONTROL);
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Answer {
            status,
            content_type,
            cache_control,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&self, uri: &str, who: Who) -> Answer {
        self.request(Method::GET, uri, self.token(who), Body::empty())
            .await
    }

    pub async fn post_json(&self, value: &Value) -> Answer {
        self.request(
            Method::POST,
            "/api/v1/statements",
            None,
            Body::from(value.to_string()),
        )
        .await
    }

    pub async fn submit(&self, signed: &SignedStatement) -> Answer {
        self.post_json(&submission(signed)).await
    }

    /// Signs and submits; panics unless it is appended.
    pub async fn say(&mut self, who: usize, body: StatementBody) -> Value {
        let signed = self.sign(who, body);
        let answer = self.submit(&signed).await;
        assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.text);
        answer.json()
    }
}

pub fn submission(signed: &SignedStatement) -> Value {
    json!({
        "statement": BASE64.encode(signed.bytes()),
        "signature": hex::encode(signed.signature()),
    })
}

pub fn sign(member: &mut Member, body: StatementBody) -> SignedStatement {
    let signed = sign_at(member, member.seq, body);
    member.seq += 1;
    signed
}

/// Signs with the given sequence number, whatever the member's next one is.
pub fn sign_at(member: &Member, seq: u64, body: StatementBody) -> SignedStatement {
    let statement = Statement::new(member.key.key_id(), seq, Timestamp::now(), body);
    member.key.sign(&statement)
}

/// Yesterday in Syria: reports may not be dated after their statement.
pub fn yesterday() -> Date {
    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::constant(3)))
        .date();
    today.yesterday().unwrap()
}

/// Shelling of Khan Shaykhun (Idlib) on `day` at `time`, `km_east` of the town,
/// with a narrative that no public answer may show.
pub fn shelling(day: Date, time: &str, km_east: f64, target: Actor) -> ReportFields {
    let mut report = reports::near_khan_shaykhun(format!("{day}T{time}").parse().unwrap(), km_east);
    report.target = target;
    report.location.place = "Khan Shaykhun, southern outskirts".into();
    report.sources[0].description = "observation post 7".into();
    report.narrative = "Secret narrative: six mortar rounds landed south of the town.".into();
    report
}

/// The node's router served on a loopback socket, stopped on drop.
pub struct Served {
    pub address: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

impl Node {
    /// Serves this node's Record on a free loopback port with `evidence`
    /// settings.
    pub async fn serve(&self, evidence: truce_server::EvidenceSettings) -> Served {
        let state = AppState::new(self.ledger.clone(), self.dir.path()).with_evidence(evidence);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(truce_server::serve_until(listener, state, async {
            let _ = stopped.await;
        }));
        Served {
            address,
            stop: Some(stop),
        }
    }
}

/// An answer read off a socket: status, headers (names lower-case), body.
pub struct RawAnswer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawAnswer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {} {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// One HTTP/1.1 request over a fresh connection. With `chunked`, the body
/// is sent in chunks without a Content-Length.
pub async fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    chunked: bool,
) -> RawAnswer {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    }
    let mut request = head.into_bytes();
    if chunked {
        for chunk in body.chunks(64 * 1024) {
            request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            request.extend_from_slice(chunk);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
    } else {
        request.extend_from_slice(body);
    }
    // A node that refuses early may close before it read everything: what
    // it answered is still there to read.
    let _ = stream.write_all(&request).await;
    let mut bytes = Vec::new();
    if let Err(error) = stream.read_to_end(&mut bytes).await {
        assert!(!bytes.is_empty(), "{method} {path}: {error}");
    }
    let end = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a response head");
    let head = String::from_utf8_lossy(&bytes[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = bytes[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.contains("chunked"))
    {
        body = truce_testkit::http::dechunk(&body);
    }
    RawAnswer {
        status,
        headers,
        body,
    }
}
