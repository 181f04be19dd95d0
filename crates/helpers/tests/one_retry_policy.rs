//! One retry policy: a request answered 429 three times and then 200 reaches the server
//! exactly as often as the policy allows — for a bulk sent by the helper (which retries
//! statuses itself, the transport does not add its own) and for a plain search (the
//! transport's policy), both with the default settings of every layer.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use es_client::transport::{RetryBackoff, RetryPolicy};
use es_client::{Client, CompatMode, ErrorKind, TransportBuilder};
use es_helpers::{bulk, Action, BulkOptions, Json};
use es_testkit::{FakeCluster, Reply, Rule};
use serde_json::json;

fn client(cluster: &FakeCluster) -> Client {
    // Default retry settings (3 retries of 429/502/503/504), only a short back-off.
    Client::from_builder(
        TransportBuilder::new()
            .hosts(cluster.urls())
            .compat(CompatMode::Off)
            .product_check(false)
            .retry_backoff(RetryBackoff {
                initial: Duration::from_millis(1),
                max: Duration::from_millis(5),
            }),
    )
    .unwrap()
}

fn docs(n: u64) -> impl futures_util::Stream<Item = Action<Json<serde_json::Value>>> {
    futures_util::stream::iter((0..n).map(|i| {
        Action::index(Json(json!({"n": i})))
            .index_name("t")
            .id(i.to_string())
    }))
}

#[tokio::test]
async fn bulk_429_three_times_then_200_is_sent_exactly_four_times() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::status(429)).path_prefix("/_bulk").times(3));
    let opts = BulkOptions::default().initial_backoff(Duration::from_millis(1));
    let summary = bulk(client(&cluster), docs(10), opts).send().await.unwrap();
    assert_eq!(summary.ok, 10);
    assert_eq!(
        cluster.requests_to("/_bulk").len(),
        4,
        "1 + max_retries attempts, not (1 + 3) x (1 + 3)"
    );
    assert_eq!(summary.requests, 4);

    // Four 429s: the helper gives up after its 3 retries, and the server saw 4 requests.
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::status(429)).path_prefix("/_bulk").times(4));
    let opts = BulkOptions::default().initial_backoff(Duration::from_millis(1));
    let err = bulk(client(&cluster), docs(10), opts)
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("429"), "{err}");
    assert_eq!(cluster.requests_to("/_bulk").len(), 4);
}

#[tokio::test]
async fn search_429_three_times_then_200_is_sent_exactly_four_times() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(
        Rule::new(Reply::status(429))
            .path_prefix("/t/_search")
            .times(3),
    );
    cluster.push(
        Rule::new(Reply::json(
            200,
            json!({"took": 1, "timed_out": false, "hits": {"hits": []}}),
        ))
        .path_prefix("/t/_search"),
    );
    let c = client(&cluster);
    let res = c.search().index("t").send().await.unwrap();
    assert_eq!(res.took, 1);
    assert_eq!(cluster.requests_to("/t/_search").len(), 4);

    // Five 429s: 4 attempts, then a typed error; the fifth rule is never consumed.
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(
        Rule::new(Reply::status(429))
            .path_prefix("/t/_search")
            .times(5),
    );
    let err = client(&cluster)
        .search()
        .index("t")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::TooManyRequests);
    assert_eq!(cluster.requests_to("/t/_search").len(), 4);
}

#[tokio::test]
async fn retry_after_is_honoured_by_the_transport_and_the_helper() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(
        Rule::new(Reply::status(503).with_header("Retry-After", "1"))
            .path_prefix("/t/_search")
            .times(1),
    );
    let started = Instant::now();
    let c = Client::from_builder(
        TransportBuilder::new()
            .hosts(cluster.urls())
            .compat(CompatMode::Off)
            .product_check(false)
            .retry_backoff(RetryBackoff {
                initial: Duration::from_millis(1),
                max: Duration::from_secs(2), // caps Retry-After
            }),
    )
    .unwrap();
    c.search().index("t").send_raw().await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(cluster.requests_to("/t/_search").len(), 2);

    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(
        Rule::new(Reply::status(429).with_header("Retry-After", "1"))
            .path_prefix("/_bulk")
            .times(1),
    );
    let started = Instant::now();
    let opts = BulkOptions::default().initial_backoff(Duration::from_millis(1));
    let summary = bulk(client(&cluster), docs(3), opts).send().await.unwrap();
    assert_eq!(summary.ok, 3);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_per_request_policy_replaces_the_clients() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(
        Rule::new(Reply::status(500))
            .path_prefix("/t/_search")
            .times(2),
    );
    let c = client(&cluster);
    let policy = RetryPolicy::default()
        .retry_on_status([500])
        .backoff(RetryBackoff::NONE);
    c.search()
        .index("t")
        .retry_policy(policy)
        .send_raw()
        .await
        .unwrap();
    assert_eq!(cluster.requests_to("/t/_search").len(), 3);
}
