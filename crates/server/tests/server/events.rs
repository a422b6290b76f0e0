//! The live stream over a real socket: a guarantor hears of another
//! party's report as it is admitted and not of its own party's; an
//! observer hears of everything and resumes where it left off; the public
//! is refused; a node that stops ends the stream.

use std::time::Duration;

use crate::common::*;
use http_body_util::BodyExt;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use truce_model::{Actor, ReportFiled};
use truce_record::Body as StatementBody;

/// An open `text/event-stream` answer, read event by event.
struct Stream {
    status: u16,
    body: hyper::body::Incoming,
    pending: String,
}

impl Stream {
    async fn open(address: &str, path: &str, headers: &[(&str, &str)]) -> Stream {
        let tcp = tokio::net::TcpStream::connect(address).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp))
            .await
            .unwrap();
        tokio::spawn(connection);
        let mut request = hyper::Request::get(path).header("host", address);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = sender
            .send_request(
                request
                    .body(http_body_util::Empty::<axum::body::Bytes>::new())
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = response.status().as_u16();
        if status == 200 {
            assert_eq!(
                response.headers()["content-type"],
                "text/event-stream",
                "the live stream's media type"
            );
        }
        Stream {
            status,
            body: response.into_body(),
            pending: String::new(),
        }
    }

    /// The next event's (id, data as JSON), skipping keep-alive comments;
    /// `None` once the node closed the stream. Fails the test after 10 s.
    async fn next(&mut self) -> Option<(u64, Value)> {
        loop {
            if let Some(end) = self.pending.find("\n\n") {
                let block: String = self.pending.drain(..end + 2).collect();
                let mut id = None;
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = Some(v.trim().parse().unwrap());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if data.is_empty() {
                    continue;
                }
                return Some((
                    id.expect("every event has an id"),
                    serde_json::from_str(&data).unwrap(),
                ));
            }
            let frame = tokio::time::timeout(Duration::from_secs(10), self.body.frame())
                .await
                .expect("an event within 10 s");
            match frame {
                None => return None,
                Some(frame) => {
                    if let Ok(data) = frame.unwrap().into_data() {
                        self.pending.push_str(std::str::from_utf8(&data).unwrap());
                    }
                }
            }
        }
    }
}

fn report(day: jiff::civil::Date, km_east: f64) -> StatementBody {
    StatementBody::ReportFiled(ReportFiled {
        report: shelling(day, "06:10", km_east, Actor::Unknown("civilians".into())),
    })
}

#[tokio::test]
async fn members_hear_of_what_concerns_their_party_as_it_is_admitted() {
    let mut node = Node::new().await;
    let served = node.serve(Default::default()).await;
    let bearer = |token: &str| format!("Bearer {token}");
    let guarantor = bearer(&node.guarantor_token);
    let observer = bearer(&node.observer_token);

    let refused = Stream::open(&served.address, "/api/v1/events", &[]).await;
    assert_eq!(refused.status, 401, "the public may not follow the Record");

    // ru-monitor's stream: what the other parties do.
    let mut russian = Stream::open(
        &served.address,
        "/api/v1/events",
        &[("authorization", &guarantor)],
    )
    .await;
    assert_eq!(russian.status, 200);
    let day = yesterday();
    let turkish_report = node.say(TR, report(day, 1.0)).await["position"]
        .as_u64()
        .unwrap();
    let (id, event) = russian.next().await.expect("an event");
    assert_eq!(id, turkish_report);
    assert_eq!(event["kind"], "report_filed");
    assert_eq!(event["subject"], format!("R-{turkish_report}"));
    assert_eq!(event["member"], "tr-monitor");
    assert_eq!(event["party"], "Republic of Türkiye");
    let concerns = event["concerns"].as_array().unwrap();
    assert!(
        concerns.iter().any(|p| p == "Russian Federation"),
        "{event}"
    );
    assert!(
        !concerns.iter().any(|p| p == "Republic of Türkiye"),
        "{event}"
    );
    assert!(
        event["summary"].as_str().unwrap().contains("shelling"),
        "{event}"
    );
    assert!(
        !event.to_string().contains("Secret narrative"),
        "a notification carries no narrative: {event}"
    );

    // Its own party's report is not news to it; the next Turkish one is.
    let russian_report = node.say(RU, report(day, 2.0)).await["position"]
        .as_u64()
        .unwrap();
    let second_turkish = node.say(TR, report(day, 3.0)).await["position"]
        .as_u64()
        .unwrap();
    let (id, _) = russian.next().await.expect("an event");
    assert_eq!(
        id, second_turkish,
        "its own report ({russian_report}) skipped"
    );

    // An observer resuming after the first report hears of everything since.
    let mut un = Stream::open(
        &served.address,
        "/api/v1/events",
        &[
            ("authorization", &observer),
            ("last-event-id", &turkish_report.to_string()),
        ],
    )
    .await;
    assert_eq!(un.status, 200);
    assert_eq!(un.next().await.unwrap().0, russian_report);
    assert_eq!(un.next().await.unwrap().0, second_turkish);

    // With all=true a guarantor hears of its own party too.
    let everything = format!("/api/v1/events?all=true&after={turkish_report}");
    let mut all = Stream::open(
        &served.address,
        &everything,
        &[("authorization", &guarantor)],
    )
    .await;
    assert_eq!(all.next().await.unwrap().0, russian_report);

    let beyond = format!("/api/v1/events?after={}", node.ledger.size() + 5);
    let refused = Stream::open(&served.address, &beyond, &[("authorization", &observer)]).await;
    assert_eq!(refused.status, 400, "a position past the Record is refused");

    // The node stops: the streams end instead of holding it open.
    drop(served);
    assert!(
        russian.next().await.is_none(),
        "the stream ends when the node stops"
    );
}
