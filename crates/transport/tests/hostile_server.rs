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
        .http_compress(true) // gzip answers are decoded (and checked) only when asked for
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

/// A server streaming `len` bytes of body (optionally gzip, announced), checking how much the
/// client read before giving up.
fn big_server(body: Vec<u8>, gzip: bool) -> String {
    let mut head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    if gzip {
        head.push_str("content-encoding: gzip\r\n");
    }
    head.push_str("\r\n");
    let mut answer = head.into_bytes();
    answer.extend_from_slice(&body);
    raw_server(answer)
}

async fn get_with(
    url: String,
    limit: usize,
    compress: bool,
) -> Result<es_transport::Response, es_transport::Error> {
    TransportBuilder::new()
        .host(url)
        .max_retries(0)
        .compat(CompatMode::Off)
        .product_check(false)
        .http_compress(compress)
        .max_response_bytes(limit)
        .build()
        .unwrap()
        .perform(Request::new(Method::GET, "/"))
        .await
}

#[tokio::test]
async fn response_bodies_are_bounded_plain_and_gzip() {
    // Plain: 3 MB against a 1 MB limit is refused; under the limit it is read whole.
    let body = vec![b' '; 3 << 20];
    let err = get_with(big_server(body.clone(), false), 1 << 20, false)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
    let ok = get_with(big_server(body, false), 4 << 20, false)
        .await
        .unwrap();
    assert_eq!(ok.body().len(), 3 << 20);

    // A gzip bomb: 64 MB of zeros in ~64 KB, against a 1 MB limit, decoded only as far as
    // the limit.
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(&vec![0u8; 64 << 20]).unwrap();
    let bomb = enc.finish().unwrap();
    assert!(bomb.len() < 1 << 20);
    let err = get_with(big_server(bomb.clone(), true), 1 << 20, true)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");

    // gzip that was never asked for is not decoded at all.
    let resp = get_with(big_server(bomb.clone(), true), 1 << 20, false)
        .await
        .unwrap();
    assert_eq!(resp.body().len(), bomb.len());
}
