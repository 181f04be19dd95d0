//! The future a call returns stays small: the transport boxes the request's state machine
//! (retries, the connection's futures, ~7 KB), so what a program awaits, spawns or keeps
//! per request in flight is a pointer and a little more, instead of the whole state being
//! copied into every task that runs a request.

#![allow(clippy::unwrap_used)]

use es_client::http::Method;
use es_client::Client;
use es_client::Request;
use serde_json::{json, Value};

/// Generous: today 104 bytes for a search (the boxed request and the answer's reader);
/// 1.1 KB when each async layer held the `Call` beside the next; over 7 KB without the box.
const LIMIT: usize = 256;

#[test]
fn an_api_call_future_is_small() {
    let client = Client::new("http://127.0.0.1:9200").unwrap();
    let body = json!({"query": {"match_all": {}}});
    let search = client.search().index("books").body(&body).json::<Value>();
    assert!(
        std::mem::size_of_val(&search) <= LIMIT,
        "search().json() future is {} bytes",
        std::mem::size_of_val(&search)
    );
    let send = client.index("books").id("1").body(&body).send();
    assert!(
        std::mem::size_of_val(&send) <= LIMIT,
        "index().send() future is {} bytes",
        std::mem::size_of_val(&send)
    );
}

#[test]
fn a_transport_request_future_is_small() {
    let client = Client::new("http://127.0.0.1:9200").unwrap();
    let perform = client.transport().perform(Request::new(Method::GET, "/"));
    assert!(
        std::mem::size_of_val(&perform) <= LIMIT,
        "Transport::perform future is {} bytes",
        std::mem::size_of_val(&perform)
    );
}
