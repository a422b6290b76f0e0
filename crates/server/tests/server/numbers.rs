//! No number in a request can make the server panic: every GET route of the
//! OpenAPI document, with each of its path and query parameters set to
//! numbers beyond what the Record or the database holds, answers a clean
//! 4xx (or 200 where the number is simply past the end), never 500.

use crate::common::{Node, Who, EVERYONE};
use axum::http::StatusCode;

/// `u64::MAX`, 2^63 (one past `i64::MAX`), and their neighbours.
const LARGE: [&str; 5] = [
    "18446744073709551615",
    "18446744073709551616",
    "9223372036854775808",
    "9223372036854775807",
    "-1",
];

fn path_and_query_parameters(
    document: &serde_json::Value,
) -> Vec<(String, Vec<String>, Vec<String>)> {
    let mut routes = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let Some(get) = item.get("get") else {
            continue;
        };
        let mut in_path = Vec::new();
        let mut in_query = Vec::new();
        for parameter in get["parameters"].as_array().into_iter().flatten() {
            let name = parameter["name"].as_str().unwrap().to_string();
            match parameter["in"].as_str() {
                Some("path") => in_path.push(name),
                Some("query") => in_query.push(name),
                _ => {}
            }
        }
        routes.push((path.clone(), in_path, in_query));
    }
    routes
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_numbers_are_refused_cleanly_on_every_route() {
    let node = Node::new().await;
    let document = node.get("/api/v1/openapi.json", Who::Public).await.json();
    let routes = path_and_query_parameters(&document);
    assert!(
        routes
            .iter()
            .any(|(p, _, _)| p == "/api/v1/proof/inclusion/{position}"),
        "the walk finds the proof routes"
    );
    let mut asked = 0;
    for (path, in_path, in_query) in &routes {
        for value in LARGE {
            let mut uris = Vec::new();
            // Each path parameter large, with a plain number in the others.
            for large in in_path {
                let mut uri = path.clone();
                for name in in_path {
                    let v = if name == large { value } else { "1" };
                    uri = uri.replace(&format!("{{{name}}}"), v);
                }
                uris.push(uri);
            }
            let base = in_path.iter().fold(path.clone(), |uri, name| {
                uri.replace(&format!("{{{name}}}"), "1")
            });
            // Each query parameter large on its own, and all of them at once.
            for name in in_query {
                uris.push(format!("{base}?{name}={value}"));
            }
            if !in_query.is_empty() {
                let all: Vec<String> = in_query.iter().map(|n| format!("{n}={value}")).collect();
                uris.push(format!("{base}?{}", all.join("&")));
            }
            for uri in uris {
                for who in EVERYONE {
                    let answer = node.get(&uri, who).await;
                    asked += 1;
                    assert!(
                        !answer.status.is_server_error(),
                        "{uri} as {who:?}: {} {}",
                        answer.status,
                        answer.text
                    );
                }
            }
        }
    }
    assert!(asked > 100, "only {asked} requests");
}

/// The two answers the issue measured, exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proofs_against_sizes_beyond_the_record_are_not_found() {
    let node = Node::new().await;
    for large in ["9223372036854775808", "18446744073709551615"] {
        for uri in [
            format!("/api/v1/proof/inclusion/1?size={large}"),
            format!("/api/v1/proof/consistency?old=1&new={large}"),
        ] {
            let answer = node.get(&uri, Who::Public).await;
            assert_eq!(
                answer.status,
                StatusCode::NOT_FOUND,
                "{uri}: {}",
                answer.text
            );
        }
        for uri in [
            format!("/api/v1/proof/inclusion/{large}"),
            format!("/api/v1/proof/consistency?old={large}"),
        ] {
            let answer = node.get(&uri, Who::Public).await;
            assert!(
                [StatusCode::NOT_FOUND, StatusCode::BAD_REQUEST].contains(&answer.status),
                "{uri}: {} {}",
                answer.status,
                answer.text
            );
        }
    }
    let beyond = node
        .get(
            "/api/v1/proof/inclusion/1?size=18446744073709551616",
            Who::Public,
        )
        .await;
    assert_eq!(beyond.status, StatusCode::BAD_REQUEST, "{}", beyond.text);
    assert_eq!(beyond.json()["field"], "size");
}
