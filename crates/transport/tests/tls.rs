//! TLS against the fake cluster with certificates generated at test time.

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use es_testkit::{FakeCluster, TestPki};
use es_transport::http::Method;
use es_transport::{
    fingerprint_sha256, CompatMode, ErrorKind, Request, TlsOptions, TransportBuilder,
};

fn client(url: &str, tls: TlsOptions) -> es_transport::Transport {
    TransportBuilder::new()
        .host(url)
        .tls(tls)
        .max_retries(0)
        .compat(CompatMode::Off)
        .product_check(false)
        .request_timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

async fn get(t: &es_transport::Transport) -> Result<u16, es_transport::Error> {
    t.perform(Request::new(Method::GET, "/"))
        .await
        .map(|r| r.status().as_u16())
}

#[tokio::test]
async fn a_trusted_ca_passes_and_a_wrong_ca_fails() {
    let pki = TestPki::generate().unwrap();
    let cluster = FakeCluster::builder()
        .tls(pki.server_tls())
        .start()
        .unwrap();
    let url = cluster.url(0);
    assert!(url.starts_with("https://127.0.0.1:"));
    // Also by host name (the certificate names localhost).
    let by_name = url.replace("127.0.0.1", "localhost");
    for u in [&url, &by_name] {
        let t = client(u, TlsOptions::default().ca_certs_pem(pki.ca_pem.clone()));
        assert_eq!(get(&t).await.unwrap(), 200);
    }

    let t = client(
        &url,
        TlsOptions::default().ca_certs_pem(pki.other_ca_pem.clone()),
    );
    let err = get(&t).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(!err.is_retryable());

    // Default roots (Mozilla) do not trust a private CA either.
    let t = client(&url, TlsOptions::default());
    assert_eq!(get(&t).await.unwrap_err().kind(), ErrorKind::Tls);
}

#[tokio::test]
async fn the_ca_can_come_from_a_file() {
    let pki = TestPki::generate().unwrap();
    let cluster = FakeCluster::builder()
        .tls(pki.server_tls())
        .start()
        .unwrap();
    let path = std::env::temp_dir().join(format!("es-tls-ca-{}.pem", std::process::id()));
    std::fs::write(&path, &pki.ca_pem).unwrap();
    let t = client(&cluster.url(0), TlsOptions::default().ca_certs_file(&path));
    assert_eq!(get(&t).await.unwrap(), 200);
    std::fs::remove_file(&path).unwrap();
}

#[tokio::test]
async fn fingerprint_pinning_matches_or_fails() {
    let pki = TestPki::generate().unwrap();
    let cluster = FakeCluster::builder()
        .tls(pki.server_tls())
        .start()
        .unwrap();
    let fp = fingerprint_sha256(&pki.server_cert_der);
    let t = client(
        &cluster.url(0),
        TlsOptions::default().assert_fingerprint(fp.clone()),
    );
    assert_eq!(get(&t).await.unwrap(), 200);
    // Lower case without colons works too.
    let plain = fp.replace(':', "").to_lowercase();
    let t = client(
        &cluster.url(0),
        TlsOptions::default().assert_fingerprint(plain),
    );
    assert_eq!(get(&t).await.unwrap(), 200);

    let wrong = "00".repeat(32);
    let t = client(
        &cluster.url(0),
        TlsOptions::default().assert_fingerprint(wrong),
    );
    let err = get(&t).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    assert!(err.to_string().contains("fingerprint"), "{err}");
}

#[tokio::test]
async fn a_server_requiring_client_certificates() {
    let pki = TestPki::generate().unwrap();
    let tls = pki.server_tls().require_client_cert(&pki.ca_pem);
    let cluster = FakeCluster::builder().tls(tls).start().unwrap();
    let base = TlsOptions::default().ca_certs_pem(pki.ca_pem.clone());

    let t = client(&cluster.url(0), base.clone());
    let err = get(&t).await.unwrap_err();
    assert!(
        matches!(err.kind(), ErrorKind::Tls | ErrorKind::Connection),
        "{err}"
    );

    let t = client(
        &cluster.url(0),
        base.client_cert_pem(pki.client_cert_pem.clone(), pki.client_key_pem.clone()),
    );
    assert_eq!(get(&t).await.unwrap(), 200);
}

#[tokio::test]
async fn verification_off_and_hostname_check_off() {
    let pki = TestPki::generate().unwrap();
    let cluster = FakeCluster::builder()
        .tls(pki.server_tls())
        .start()
        .unwrap();
    let t = client(&cluster.url(0), TlsOptions::default().verify_certs(false));
    assert_eq!(get(&t).await.unwrap(), 200);

    // A certificate for another host name: refused by default, accepted without the check,
    // while the chain is still verified (an unrelated CA still fails).
    let wrong = FakeCluster::builder()
        .tls(pki.wrong_host_server_tls())
        .start()
        .unwrap();
    let ca = TlsOptions::default().ca_certs_pem(pki.ca_pem.clone());
    let err = get(&client(&wrong.url(0), ca.clone())).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Tls, "{err}");
    let t = client(&wrong.url(0), ca.verify_hostname(false));
    assert_eq!(get(&t).await.unwrap(), 200);
    let other = TlsOptions::default()
        .ca_certs_pem(pki.other_ca_pem.clone())
        .verify_hostname(false);
    assert_eq!(
        get(&client(&wrong.url(0), other)).await.unwrap_err().kind(),
        ErrorKind::Tls
    );
}

#[test]
fn bad_tls_files_are_config_errors() {
    let err = TransportBuilder::new()
        .host("https://localhost:9200")
        .tls(TlsOptions::default().ca_certs_file("/no/such/ca.pem"))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Config);
    assert!(err.to_string().contains("/no/such/ca.pem"));
    let err = TransportBuilder::new()
        .host("https://localhost:9200")
        .tls(TlsOptions::default().assert_fingerprint("xyz"))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("assert_fingerprint"), "{err}");
}

#[tokio::test]
async fn the_connect_timeout_covers_a_handshake_that_never_completes() {
    // Accepts TCP connections but never answers the TLS ClientHello.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _hold = std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in listener.incoming().flatten() {
            held.push(s);
        }
    });
    let t = TransportBuilder::new()
        .host(format!("https://127.0.0.1:{port}"))
        .tls(TlsOptions::default().verify_certs(false))
        .connect_timeout(Duration::from_millis(200))
        .request_timeout(Duration::from_secs(30))
        .max_retries(0)
        .compat(CompatMode::Off)
        .product_check(false)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = get(&t).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout, "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(err.to_string().contains("200ms"), "{err}");
}
