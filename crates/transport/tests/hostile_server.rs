//! Whatever a server sends, the client answers with a typed error, never a panic.

#![allow(clippy::unwrap_used)]

use std::io::{Read, Write};
use std::time::Duration;

use es_transport::http::Method;
use es_transport::{CompatMode, ErrorKind, Request, TransportBuilder};

/// A one-shot raw TCP server: reads the request head, writes `answer`, closes.
fn raw_server(answer: Vec<u8>) -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = s.set_read_timeout(Some(Duration::from_millis(200)));
            let _ = s.read(&mut buf);
            let _ = s.write_all(&answer);
        }
    });
    url
}

async fn outcome(answer: &[u8]) -> Result<es_transport::Response, es_transport::Error> {
    let t = TransportBuilder::new()
        .host(raw_server(answer.to_vec()))
        .max_retries(0)
        .compat(CompatMode::Off)
        .product_check(false)
        .request_timeout(Duration::from_secs(3))
        .build()
        .unwrap();
    t.perform(Request::new(Method::GET, "/")).await
}

#[tokio::test]
async fn malformed_answers_are_typed_errors() {
    let cases: Vec<(&str, Vec<u8>, ErrorKind)> = vec![
        (
            "garbage status line",
            b"NOT HTTP AT ALL\r\n\r\n".to_vec(),
            ErrorKind::Connection,
        ),
        ("empty answer", Vec::new(), ErrorKind::Connection),
        (
            "truncated body",
            b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"a\":".to_vec(),
            ErrorKind::Connection,
        ),
        (
            "bad gzip",
            b"HTTP/1.1 200 OK\r\ncontent-encoding: gzip\r\ncontent-length: 5\r\n\r\nhello".to_vec(),
            ErrorKind::Connection,
        ),
        (
            "bad status code",
            b"HTTP/1.1 999 WHAT\r\ncontent-length: 0\r\n\r\n".to_vec(),
            ErrorKind::UnexpectedStatus,
        ),
        (
            "huge header",
            [
                b"HTTP/1.1 200 OK\r\nx-big: ".to_vec(),
                vec![b'a'; 1 << 20],
                b"\r\n\r\n".to_vec(),
            ]
            .concat(),
            ErrorKind::Connection,
        ),
        (
            "error status with html",
            b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 12\r\n\r\n<html></html".to_vec(),
            ErrorKind::ServerError,
        ),
    ];
    for (what, answer, kind) in cases {
        let err = outcome(&answer).await.unwrap_err();
        assert_eq!(err.kind(), kind, "{what}: {err}");
        let _ = format!("{err} {err:?}");
    }
}

#[tokio::test]
async fn bodies_that_are_not_the_expected_json_are_serialization_errors() {
    let resp = outcome(b"HTTP/1.1 200 OK\r\ncontent-length: 9\r\n\r\nnot json!")
        .await
        .unwrap();
    let err = resp.json::<serde_json::Value>().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Serialization);
    assert!(
        err.to_string().contains("serde_json::value::Value"),
        "{err}"
    );
    // Product detection on a server that answers nonsense to GET /.
    let t = TransportBuilder::new()
        .host(raw_server(
            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]".to_vec(),
        ))
        .max_retries(0)
        .build()
        .unwrap();
    let err = t
        .perform(Request::new(Method::GET, "/x"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnsupportedProduct, "{err}");
}
