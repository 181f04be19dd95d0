//! Secrets never appear in `Debug`, `Display` or logs. Its own test binary, because it installs
//! a global tracing subscriber to capture every log line.

#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use es_testkit::{FakeCluster, Reply, Rule};
use es_transport::http::Method;
use es_transport::{Auth, CompatMode, ErrorKind, Request, RetryBackoff, TransportBuilder};

fn builder(urls: &[String]) -> TransportBuilder {
    TransportBuilder::new()
        .hosts(urls.iter().cloned())
        .retry_backoff(RetryBackoff::NONE)
        .compat(CompatMode::Off)
        .product_check(false)
        .request_timeout(Duration::from_secs(5))
}

fn get(path: &str) -> Request {
    Request::new(Method::GET, path)
}

#[tokio::test]
async fn secrets_never_appear_in_debug_display_or_logs() {
    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);
    impl std::io::Write for Capture {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).unwrap();

    let cluster = FakeCluster::start(1).unwrap();
    // A server (or proxy) that echoes the credentials it got: the secrets are scrubbed by
    // value from the error's reason, its body and the logs.
    cluster.push(Rule::new(Reply::json(
        401,
        serde_json::json!({
            "error": {"type": "security_exception",
                      "reason": "bad credentials url-pass-1 / header-tok-2 / api-key-4"},
            "status": 401,
            "echo": "Bearer header-tok-2 ApiKey api-key-4 admin:url-pass-1"
        }),
    )));
    let pki = es_testkit::TestPki::generate().unwrap();
    let key_line = pki.client_key_pem.lines().nth(1).unwrap().to_string();
    let url = cluster
        .url(0)
        .replace("http://", "http://admin:url-pass-1@");
    let b = builder(std::slice::from_ref(&url))
        .header("Authorization", "Bearer header-tok-2")
        .tls(
            es_transport::TlsOptions::default()
                .client_cert_pem(pki.client_cert_pem.clone(), pki.client_key_pem.clone())
                .verify_certs(false),
        );
    let dbg_builder = format!("{b:?}");
    // TLS options on a plain-http host are refused (never silent plaintext); that error must
    // not carry a secret either.
    let tls_refused = b.clone().build().unwrap_err().to_string();
    let t = builder(&[url])
        .header("Authorization", "Bearer header-tok-2")
        .auth(Auth::api_key("api-key-4"))
        .build()
        .unwrap();
    let err = t.perform(get("/secret")).await;
    let err = err.unwrap_err();
    let texts = [
        dbg_builder,
        tls_refused,
        format!("{t:?}"),
        format!("{err:?}"),
        err.to_string(),
        format!("{:?}", Auth::basic("u", "basic-pass-5")),
        format!("{:?}", Auth::bearer("bearer-6")),
        String::from_utf8(capture.0.lock().unwrap().clone()).unwrap(),
    ];
    for text in &texts {
        for secret in [
            "url-pass-1",
            "header-tok-2",
            key_line.as_str(),
            "api-key-4",
            "basic-pass-5",
            "bearer-6",
        ] {
            assert!(!text.contains(secret), "{secret} leaked in: {text}");
        }
    }
    assert_eq!(err.kind(), ErrorKind::Unauthorized);
    let body = String::from_utf8_lossy(&err.as_status().unwrap().body).into_owned();
    assert!(
        !body.contains("url-pass-1")
            && !body.contains("header-tok-2")
            && !body.contains("api-key-4"),
        "{body}"
    );
    assert!(body.contains("<redacted>"), "{body}");
    assert!(
        err.to_string().contains("bad credentials <redacted>"),
        "{err}"
    );
    assert!(
        texts[7].contains("elasticsearch{"),
        "tracing spans were emitted: {:?}",
        texts[7]
    );
}
