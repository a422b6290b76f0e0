//! A node that speaks HTTPS with a certificate from the mechanism's own CA:
//! members write, read and mirror through it with `--ca`, and a client that
//! does not trust that CA is refused before anything is sent.

mod common;

use common::tls::{serve_tls, TestCa};
use common::*;

fn token_for(node: &Node, member: &str) -> String {
    let out = node.ok(&["token", "create", "--member", member]);
    out.lines().last().unwrap().trim().to_string()
}

fn stderr(output: &std::process::Output) -> String {
    assert!(!output.status.success());
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[tokio::test]
async fn members_write_read_and_mirror_over_https_with_the_mechanisms_ca() {
    let node = demo(false).await.unwrap();
    let token = token_for(&node, "ru-monitor-1");
    let node_key = node_key(&node);
    let pki = tempfile::tempdir().unwrap();
    let ca = TestCa::new(pki.path(), "mechanism-ca");
    let certificate = ca.issue_for_loopback(pki.path());

    // The certificate and its key go together.
    let half = node.truce(&["serve", "--tls-cert", certificate.cert.to_str().unwrap()]);
    assert!(stderr(&half).contains("--tls-key"));
    let mismatched = stderr(&node.truce(&[
        "serve",
        "--tls-cert",
        ca.pem.to_str().unwrap(),
        "--tls-key",
        certificate.key.to_str().unwrap(),
    ]));
    assert!(mismatched.contains("do not go together"), "{mismatched}");

    let mut served = serve_tls(&node, &certificate);
    let url = served.url.clone();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    // A client that connects and never says hello holds only its own
    // connection: everything below is served meanwhile.
    let _silent = std::net::TcpStream::connect(&served.address).unwrap();
    let ca_pem = ca.pem.to_str().unwrap();
    let remote = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let key = node.keys().join("ru-monitor-1.key");
    let key = key.to_str().unwrap();

    let report = |extra: &[&str]| {
        let mut args = vec!["--node", &url, "--token", &token, "--wait", "0.5"];
        args.extend_from_slice(extra);
        args.extend(shelling_report(
            key,
            "2026-11-20T14:30",
            "Mortar rounds on the southern outskirts.",
        ));
        args.extend(["--target", "unknown:residential area"]);
        remote.truce(&args)
    };

    // Without --ca, this machine's roots do not know the mechanism's CA:
    // refused, saying so, before the statement is sent.
    let untrusted = stderr(&report(&[]));
    assert!(
        untrusted.contains("certificate is not trusted") && untrusted.contains("--ca"),
        "{untrusted}"
    );
    // Nor does another CA's certificate vouch for it.
    let other = TestCa::new(pki.path(), "other-ca");
    let wrong = stderr(&report(&["--ca", other.pem.to_str().unwrap()]));
    assert!(
        wrong.contains("certificate is not trusted") && wrong.contains("other-ca.pem"),
        "{wrong}"
    );
    // A CA file that holds no certificate is named, with why.
    let bad = stderr(&report(&["--ca", certificate.key.to_str().unwrap()]));
    assert!(
        bad.contains("node-key.pem") && bad.contains("no PEM certificate"),
        "{bad}"
    );

    // Plain HTTP to it gets a TLS alert back, and says what it may mean.
    let plain =
        stderr(&remote.truce(&["--node", &format!("http://{}", served.address), "bulletin"]));
    assert!(plain.contains("is it an https:// node?"), "{plain}");
    let filed = report(&["--ca", ca_pem]);
    let said = String::from_utf8_lossy(&filed.stdout);
    assert!(
        filed.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&filed.stderr)
    );
    assert!(said.contains("filed report R-"), "{said}");
    assert!(said.contains(&format!("on {url}")), "{said}");

    // A read over HTTPS: this machine's verified copy, brought up to date
    // through the node, gives the node's own bytes.
    let read = [
        "--node",
        &url,
        "--ca",
        ca_pem,
        "--token",
        &token,
        "bulletin",
        "--date",
        "2026-11-20",
        "--format",
        "json",
    ];
    let remote_bulletin = remote.ok(&read);
    assert!(
        remote_bulletin.contains("Khan Shaykhun"),
        "{remote_bulletin}"
    );

    // A guarantor's mirror follows the node over HTTPS.
    let mirror = Node {
        dir: tempfile::tempdir().unwrap(),
        database: None,
    };
    let mirrored = mirror.ok(&[
        "mirror",
        "--from",
        &url,
        "--ca",
        ca_pem,
        "--node-key",
        &node_key,
        "--token",
        &token,
        "--once",
    ]);
    assert!(mirrored.contains(&format!("mirroring {url}")), "{mirrored}");
    let refused = stderr(&mirror.truce(&[
        "mirror",
        "--from",
        &url,
        "--node-key",
        &node_key,
        "--token",
        &token,
        "--once",
    ]));
    assert!(refused.contains("certificate is not trusted"), "{refused}");

    // Beside the node, a local write is pointed at its https:// URL.
    let local = stderr(&node.truce(&[
        "formation",
        "register",
        "--id",
        "x",
        "--name",
        "X",
        "--side",
        "other",
        "--key",
        key,
    ]));
    assert!(local.contains(&format!("use --node {url}")), "{local}");

    // SIGTERM ends it cleanly and at once: a connection still in its
    // handshake is dropped, not waited for (that could take 10 s).
    let _late = std::net::TcpStream::connect(&served.address).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let status = served.terminate(std::time::Duration::from_secs(5));
    assert!(status.success(), "{status:?}");
    drop(served);
    let own = node.ok(&["bulletin", "--date", "2026-11-20", "--format", "json"]);
    assert_eq!(remote_bulletin, own);
    assert_eq!(root(&mirror), root(&node));
}
