//! Helpers against the fake cluster: per-item 429 retries (nothing lost), request failures,
//! back-off timing, bounded memory on millions of documents, progress, scroll cleanup.

#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use es_client::{Client, CompatMode, TransportBuilder};
use es_helpers::{
    bulk, bulk_stream_observed, scan, Action, BulkError, BulkOptions, Json, ScanOptions,
};
use es_testkit::{FakeCluster, RecordedRequest, Reply, Rule};
use futures_util::StreamExt;
use serde_json::{json, Value};

fn client(cluster: &FakeCluster) -> Client {
    Client::from_builder(
        TransportBuilder::new()
            .hosts(cluster.urls())
            .compat(CompatMode::Off)
            .product_check(false)
            .retry_backoff(es_client::transport::RetryBackoff::NONE),
    )
    .unwrap()
}

/// A bulk handler: `decide(id, attempt)` gives each item's status; accepted ids are recorded.
fn bulk_handler(
    cluster: &FakeCluster,
    decide: impl Fn(&str, u32) -> u16 + Send + Sync + 'static,
) -> Arc<Mutex<HashMap<String, u32>>> {
    let seen: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let accepted: Arc<Mutex<HashMap<String, u32>>> = Arc::default();
    let (seen2, accepted2) = (seen.clone(), accepted.clone());
    cluster.set_handler(move |req: &RecordedRequest| {
        if !req.path.ends_with("/_bulk") {
            return None;
        }
        let body = req.decoded_body();
        let text = std::str::from_utf8(&body).unwrap();
        let mut items = Vec::new();
        let mut errors = false;
        for line in text.lines().step_by(2) {
            let action: Value = serde_json::from_str(line).unwrap();
            let id = action["index"]["_id"].as_str().unwrap().to_string();
            let attempt = {
                let mut s = seen2.lock().unwrap();
                let a = s.entry(id.clone()).or_default();
                *a += 1;
                *a
            };
            let status = decide(&id, attempt);
            if status == 201 {
                *accepted2.lock().unwrap().entry(id.clone()).or_default() += 1;
                items.push(json!({"index": {"_id": id, "status": 201, "result": "created"}}));
            } else {
                errors = true;
                items.push(json!({"index": {"_id": id, "status": status, "error": {"type": "es_rejected_execution_exception", "reason": "queue full"}}}));
            }
        }
        Some(Reply::json(200, json!({"took": 1, "errors": errors, "items": items})))
    });
    accepted
}

fn docs(n: u64) -> impl futures_util::Stream<Item = Action<Json<Value>>> + Send {
    futures_util::stream::iter(
        (0..n).map(|i| Action::index(Json(json!({"n": i}))).id(i.to_string())),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_rejected_with_429_are_retried_and_nothing_is_lost() {
    let cluster = FakeCluster::start(2).unwrap();
    // Every third document is rejected twice before being accepted.
    let accepted = bulk_handler(&cluster, |id, attempt| {
        let n: u64 = id.parse().unwrap();
        if n.is_multiple_of(3) && attempt <= 2 {
            429
        } else {
            201
        }
    });
    let opts = BulkOptions::default()
        .index("logs")
        .chunk_size(500)
        .max_in_flight(3)
        .initial_backoff(Duration::from_millis(5))
        .raise_on_error(false);
    let summary = bulk(client(&cluster), docs(3000), opts)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (summary.total, summary.ok, summary.failed.len()),
        (3000, 3000, 0)
    );
    assert_eq!(summary.retried, 2000, "1000 items retried twice");
    let accepted = accepted.lock().unwrap();
    assert_eq!(accepted.len(), 3000);
    assert!(
        accepted.values().all(|c| *c == 1),
        "each document accepted exactly once"
    );
}

#[tokio::test]
async fn items_still_rejected_after_max_retries_are_reported_with_their_action() {
    let cluster = FakeCluster::start(1).unwrap();
    bulk_handler(&cluster, |id, _| if id == "7" { 429 } else { 201 });
    let opts = BulkOptions::default()
        .index("logs")
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1));
    let err = bulk(client(&cluster), docs(20), opts.clone())
        .send()
        .await
        .unwrap_err();
    let BulkError::Items { summary } = err else {
        panic!("{err}")
    };
    assert_eq!(summary.failed.len(), 1);
    let f = &summary.failed[0];
    assert_eq!((f.seq, f.status, f.retries), (7, 429, 2));
    let action = String::from_utf8(f.action.clone().unwrap().to_vec()).unwrap();
    assert_eq!(action, "{\"index\":{\"_id\":\"7\"}}\n{\"n\":7}\n");
    // Without raise_on_error, the same run is an Ok summary that lists the failure.
    let summary = bulk(client(&cluster), docs(20), opts.raise_on_error(false))
        .send()
        .await
        .unwrap();
    assert_eq!((summary.ok, summary.failed.len()), (19, 1));
}

#[tokio::test]
async fn a_failed_request_aborts_or_is_reported_per_item() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::status(500)).path_prefix("/_bulk"));
    let err = bulk(
        client(&cluster),
        docs(1200),
        BulkOptions::default().chunk_size(500),
    )
    .send()
    .await
    .unwrap_err();
    match &err {
        BulkError::Request { source, items, .. } => {
            assert_eq!(source.status().map(|s| s.as_u16()), Some(500));
            assert_eq!(*items, 500);
        }
        other => panic!("expected a request error, got {other}"),
    }
    assert_eq!(
        cluster.requests_to("/_bulk").len(),
        1,
        "raise_on_exception stops at the first failure"
    );

    cluster.clear_requests();
    let opts = BulkOptions::default()
        .chunk_size(500)
        .raise_on_exception(false)
        .raise_on_error(false);
    let summary = bulk(client(&cluster), docs(1200), opts)
        .send()
        .await
        .unwrap();
    assert_eq!((summary.total, summary.failed.len()), (1200, 1200));
    assert!(summary
        .failed
        .iter()
        .all(|f| f.status == 500 && f.action.is_some()));
    assert_eq!(cluster.requests_to("/_bulk").len(), 3);

    // A whole request rejected with 429 is retried like its items.
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::status(429)).path_prefix("/_bulk").times(2));
    let opts = BulkOptions::default().initial_backoff(Duration::from_millis(1));
    let summary = bulk(client(&cluster), docs(10), opts).send().await.unwrap();
    assert_eq!(summary.ok, 10);
    assert_eq!(cluster.requests_to("/_bulk").len(), 3);
}

#[tokio::test]
async fn retries_wait_with_jittered_exponential_backoff() {
    let cluster = FakeCluster::start(1).unwrap();
    bulk_handler(&cluster, |_, attempt| if attempt <= 2 { 429 } else { 201 });
    let opts = BulkOptions::default()
        .initial_backoff(Duration::from_millis(100))
        .max_retries(3);
    let started = Instant::now();
    let summary = bulk(client(&cluster), docs(5), opts).send().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(summary.ok, 5);
    // Two waits, in [50, 100] ms and [100, 200] ms.
    assert!(elapsed >= Duration::from_millis(150), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(900), "{elapsed:?}");
    let times: Vec<usize> = cluster
        .requests_to("/_bulk")
        .iter()
        .map(|r| r.body.len())
        .collect();
    assert_eq!(times.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_on_millions_of_documents() {
    let cluster = FakeCluster::builder()
        .record_requests(false)
        .start()
        .unwrap();
    let pulled = Arc::new(AtomicU64::new(0));
    let p = pulled.clone();
    let input = futures_util::stream::iter((0..2_000_000u64).map(move |i| {
        p.fetch_add(1, Ordering::Relaxed);
        Action::index(Json(i))
    }));
    let (chunk, in_flight) = (5_000usize, 2usize);
    let served = Arc::new(AtomicU64::new(0));
    let s = served.clone();
    cluster.set_handler(move |req| {
        // Count the documents the server really received (one source line per action).
        let lines = req.body.iter().filter(|b| **b == b'\n').count() as u64;
        s.fetch_add(lines / 2, Ordering::Relaxed);
        None // the built-in bulk answer
    });
    let opts = BulkOptions::default()
        .index("big")
        .chunk_size(chunk)
        .max_in_flight(in_flight);
    let (stream, probe) = bulk_stream_observed(client(&cluster), input, opts);
    let mut stream = std::pin::pin!(stream);
    let mut outcomes = 0u64;
    while let Some(o) = stream.next().await {
        assert!(o.unwrap().is_ok());
        outcomes += 1;
    }
    let (buffered, peak) = probe();
    assert_eq!(buffered, 0);
    assert_eq!(pulled.load(Ordering::Relaxed), 2_000_000);
    assert_eq!(outcomes, 2_000_000, "every document has an outcome");
    assert_eq!(
        served.load(Ordering::Relaxed),
        2_000_000,
        "every document reached the server"
    );
    let bound = ((in_flight + 1) * chunk + 1) as u64;
    assert!(
        peak <= bound,
        "peak {peak} actions buffered > bound {bound}"
    );
    assert!(
        peak >= chunk as u64,
        "the probe saw chunks being built ({peak})"
    );
}

#[tokio::test]
async fn progress_is_reported_after_each_request() {
    let cluster = FakeCluster::start(1).unwrap();
    let seen: Arc<Mutex<Vec<u64>>> = Arc::default();
    let s = seen.clone();
    let opts = BulkOptions::default()
        .index("p")
        .chunk_size(100)
        .on_progress(move |p| s.lock().unwrap().push(p.done));
    bulk(client(&cluster), docs(1000), opts)
        .send()
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        (1..=10).map(|i| i * 100).collect::<Vec<u64>>()
    );
}

#[tokio::test]
async fn chunks_respect_the_byte_limit() {
    let cluster = FakeCluster::start(1).unwrap();
    let big = "x".repeat(1000);
    let actions = futures_util::stream::iter(
        (0..50).map(move |i| Action::index(Json(json!({"i": i, "pad": big.clone()})))),
    );
    let opts = BulkOptions::default()
        .index("b")
        .chunk_size(1000)
        .max_chunk_bytes(10_000);
    let summary = bulk(client(&cluster), actions, opts).send().await.unwrap();
    assert_eq!(summary.ok, 50);
    let sizes: Vec<usize> = cluster
        .requests_to("/b/_bulk")
        .iter()
        .map(|r| r.body.len())
        .collect();
    assert!(sizes.iter().all(|s| *s <= 10_000 + 1100), "{sizes:?}");
    assert!(sizes.len() >= 5, "{sizes:?}");
    let total: usize = sizes.iter().sum();
    assert!(total > 50_000);
}

/// A fake scroll: 3 pages of 2 hits, then empty; records clears.
fn scroll_server(cluster: &FakeCluster, fail_second_page: bool) -> Arc<Mutex<Vec<Value>>> {
    let clears: Arc<Mutex<Vec<Value>>> = Arc::default();
    let c = clears.clone();
    let page = Arc::new(AtomicU64::new(0));
    cluster.set_handler(move |req| {
        let hits = |p: u64| {
            let hits: Vec<Value> = if p < 3 {
                (0..2).map(|i| json!({"_index": "x", "_id": format!("{}", p * 2 + i), "_source": {"n": p * 2 + i}})).collect()
            } else {
                vec![]
            };
            Reply::json(200, json!({"took": 1, "_scroll_id": format!("scroll-{p}"), "hits": {"hits": hits}}))
        };
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/x/_search") => {
                page.store(1, Ordering::SeqCst);
                Some(hits(0))
            }
            ("POST", "/_search/scroll") => {
                let p = page.fetch_add(1, Ordering::SeqCst);
                if fail_second_page && p == 1 {
                    return Some(Reply::status(500));
                }
                Some(hits(p))
            }
            ("DELETE", "/_search/scroll") => {
                c.lock().unwrap().push(serde_json::from_slice(&req.decoded_body()).unwrap());
                Some(Reply::json(200, json!({"succeeded": true, "num_freed": 1})))
            }
            _ => None,
        }
    });
    clears
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scroll_is_cleared_at_the_end_on_error_and_on_drop() {
    let cluster = FakeCluster::start(1).unwrap();
    let clears = scroll_server(&cluster, false);
    let ids: Vec<String> = scan::<_, Value>(
        client(&cluster),
        "x",
        json!({}),
        ScanOptions::default().size(2),
    )
    .send()
    .map(|h| h.unwrap().id.unwrap())
    .collect()
    .await;
    assert_eq!(ids, vec!["0", "1", "2", "3", "4", "5"]);
    assert_eq!(
        *clears.lock().unwrap(),
        vec![json!({"scroll_id": ["scroll-3"]})]
    );
    let first = &cluster.requests_to("/x/_search")[0];
    assert_eq!(first.query_param("scroll"), Some("5m"));
    let body: Value = serde_json::from_slice(&first.decoded_body()).unwrap();
    assert_eq!(body["sort"], json!(["_doc"]));

    // Dropped after the first page: cleared in the background.
    let cluster = FakeCluster::start(1).unwrap();
    let clears = scroll_server(&cluster, false);
    {
        let mut hits = std::pin::pin!(scan::<_, Value>(
            client(&cluster),
            "x",
            json!({}),
            ScanOptions::default()
        )
        .send());
        hits.next().await.unwrap().unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while clears.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "scroll not cleared after drop");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        *clears.lock().unwrap(),
        vec![json!({"scroll_id": ["scroll-0"]})]
    );

    // An error mid-scan is yielded, ends the scan, and clears the scroll.
    let cluster = FakeCluster::start(1).unwrap();
    let clears = scroll_server(&cluster, true);
    let results: Vec<_> =
        scan::<_, Value>(client(&cluster), "x", json!({}), ScanOptions::default())
            .send()
            .collect()
            .await;
    assert_eq!(results.len(), 3);
    assert!(results[2].as_ref().unwrap_err().kind() == es_client::ErrorKind::ServerError);
    assert_eq!(clears.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn using_an_alias_from_the_registry() {
    let cluster = FakeCluster::start(1).unwrap();
    let cfg = es_connections::ConnectionConfig::new([cluster.url(0)])
        .compat(es_client::CompatMode::Off)
        .product_check(false);
    es_connections::connections().configure([("helpers-fake", cfg)]);
    let registry = es_connections::connections();
    let summary = bulk(
        registry.alias("helpers-fake"),
        docs(3),
        BulkOptions::default().index("u"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(summary.ok, 3);
    let err = bulk(
        registry.alias("no-such-alias"),
        docs(3),
        BulkOptions::default(),
    )
    .send()
    .await
    .unwrap_err();
    assert!(matches!(err, BulkError::Request { items: 0, .. }), "{err}");
    assert!(err.to_string().contains("`no-such-alias`"), "{err}");
    let seen: HashSet<String> = cluster.requests().iter().map(|r| r.path.clone()).collect();
    assert!(seen.contains("/u/_bulk"));
}

/// A fake point in time: 2 pages of 2 hits (search_after on `n`), then empty; records closes.
/// Bodies a fake endpoint received.
type Seen = Arc<Mutex<Vec<Value>>>;

fn pit_server(cluster: &FakeCluster) -> (Seen, Seen) {
    let closes: Seen = Arc::default();
    let searches: Seen = Arc::default();
    let (c, s) = (closes.clone(), searches.clone());
    cluster.set_handler(move |req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/x/_pit") => Some(Reply::json(200, json!({"id": "pit-1"}))),
        ("POST", "/_search") => {
            let body: Value = serde_json::from_slice(&req.decoded_body()).unwrap();
            s.lock().unwrap().push(body.clone());
            let after = body["search_after"][0].as_u64().map_or(0, |n| n + 1);
            let hits: Vec<Value> = (after..4)
                .take(2)
                .map(|n| json!({"_index": "x", "_id": n.to_string(), "_source": {"n": n}, "sort": [n]}))
                .collect();
            Some(Reply::json(200, json!({"took": 1, "pit_id": "pit-2", "hits": {"hits": hits}})))
        }
        ("DELETE", "/_pit") => {
            c.lock().unwrap().push(serde_json::from_slice(&req.decoded_body()).unwrap());
            Some(Reply::json(200, json!({"succeeded": true, "num_freed": 1})))
        }
        _ => None,
    });
    (closes, searches)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn point_in_time_uses_search_after_and_is_closed_at_the_end_and_on_drop() {
    let cluster = FakeCluster::start(1).unwrap();
    let (closes, searches) = pit_server(&cluster);
    let opts = ScanOptions::default()
        .point_in_time()
        .size(2)
        .keep_alive("1m");
    let ids: Vec<String> = scan::<_, Value>(
        client(&cluster),
        "x",
        json!({"query": {"match_all": {}}}),
        opts.clone(),
    )
    .send()
    .map(|h| h.unwrap().id.unwrap())
    .collect()
    .await;
    assert_eq!(ids, vec!["0", "1", "2", "3"]);
    let searches = searches.lock().unwrap().clone();
    assert_eq!(searches.len(), 3);
    assert_eq!(
        searches[0]["pit"],
        json!({"id": "pit-1", "keep_alive": "1m"})
    );
    assert_eq!(searches[0]["sort"], json!([{"_shard_doc": "asc"}]));
    assert!(searches[0].get("search_after").is_none());
    assert_eq!(searches[1]["search_after"], json!([1]));
    assert_eq!(
        searches[1]["pit"]["id"], "pit-2",
        "the newest pit id is used"
    );
    assert_eq!(*closes.lock().unwrap(), vec![json!({"id": "pit-2"})]);
    assert!(cluster.requests_to("/x/_pit")[0].query_param("keep_alive") == Some("1m"));

    let cluster = FakeCluster::start(1).unwrap();
    let (closes, _) = pit_server(&cluster);
    {
        let mut hits =
            std::pin::pin!(scan::<_, Value>(client(&cluster), "x", json!({}), opts).send());
        hits.next().await.unwrap().unwrap();
    }
    // A program about to exit waits for the background release.
    tokio::time::timeout(Duration::from_secs(3), es_helpers::scans_released())
        .await
        .expect("point in time not closed after drop");
    assert_eq!(*closes.lock().unwrap(), vec![json!({"id": "pit-2"})]);
}

#[tokio::test]
async fn blocking_streams_inside_a_runtime_report_an_error_not_an_empty_result() {
    let cluster = FakeCluster::start(1).unwrap();
    let blocking = client(&cluster).to_blocking();
    let items: Vec<_> = scan::<_, Value>(&blocking, "x", json!({}), ScanOptions::default())
        .send()
        .collect();
    assert_eq!(items.len(), 1);
    assert!(items[0].as_ref().unwrap_err().is_blocking_in_async());
    let outcomes: Vec<_> = es_helpers::bulk_stream(&blocking, docs(3), BulkOptions::default())
        .send()
        .collect();
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].is_err());
    let err = bulk(&blocking, docs(3), BulkOptions::default())
        .send()
        .unwrap_err();
    let BulkError::Request { source, .. } = err else {
        panic!("{err}")
    };
    assert!(source.is_blocking_in_async());
    assert!(cluster.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn answers_that_do_not_acknowledge_every_action_are_failures_not_successes() {
    let bodies = [
        r#"{"took":1,"errors":false,"items":[]}"#.to_string(),
        r#"{"took":1,"errors":false}"#.to_string(),
        // Truncated mid-body.
        r#"{"took":1,"errors":false,"items":[{"index":{"_id":"0","status":201}},{"ind"#
            .to_string(),
        // Fewer items than actions.
        r#"{"took":1,"errors":false,"items":[{"index":{"_id":"0","status":201}}]}"#.to_string(),
        // More items than actions.
        format!(
            r#"{{"took":1,"errors":false,"items":[{}]}}"#,
            [r#"{"index":{"status":201}}"#; 4].join(",")
        ),
        // Says no errors, but an item is not 2xx.
        r#"{"took":1,"errors":false,"items":[{"index":{"status":201}},{"index":{"status":201}},{"index":{"status":400,"error":{"type":"x"}}}]}"#.to_string(),
    ];
    for body in bodies {
        let cluster = FakeCluster::start(1).unwrap();
        let b = body.clone();
        cluster.set_handler(move |req| {
            req.path.ends_with("/_bulk").then(|| Reply::Respond {
                status: http::StatusCode::OK,
                headers: vec![("content-type".into(), "application/json".into())],
                body: b.clone().into(),
            })
        });
        let opts = BulkOptions::default().raise_on_error(false);
        let summary = bulk(client(&cluster), docs(3), opts).send().await.unwrap();
        assert_eq!(summary.total, 3, "{body}");
        if body.contains("\"status\":400") {
            // The two acknowledged items are ok; the third is reported with its error.
            assert_eq!((summary.ok, summary.failed.len()), (2, 1), "{body}");
            assert_eq!(summary.failed[0].status, 400);
        } else {
            assert_eq!((summary.ok, summary.failed.len()), (0, 3), "{body}");
            assert!(summary.failed.iter().all(|f| f.action.is_some()));
        }
        // With raise_on_error (the default) the run is an error.
        let err = bulk(client(&cluster), docs(3), BulkOptions::default())
            .send()
            .await
            .unwrap_err();
        assert!(matches!(err, BulkError::Items { .. }), "{body}: {err}");
    }
}

#[tokio::test]
async fn a_raw_source_with_a_newline_cannot_inject_an_action() {
    let cluster = FakeCluster::start(1).unwrap();
    let actions = vec![
        Action::index(r#"{"ok":1}"#).id("a"),
        Action::index("{\"x\":1}\n{\"delete\":{\"_index\":\"t\",\"_id\":\"victim\"}}").id("b"),
    ];
    let err = bulk(
        client(&cluster),
        es_helpers::iter(actions),
        BulkOptions::default().index("t"),
    )
    .send()
    .await
    .unwrap_err();
    assert!(matches!(err, BulkError::Serialize { seq: 1, .. }), "{err}");
    for r in cluster.requests_to("/t/_bulk") {
        assert!(!String::from_utf8_lossy(&r.decoded_body()).contains("victim"));
    }
}

/// Index actions the cluster received on `path` (two lines each).
fn actions_sent(cluster: &FakeCluster, path: &str) -> usize {
    cluster
        .requests_to(path)
        .iter()
        .map(|r| {
            r.decoded_body()
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .count()
                / 2
        })
        .sum()
}

/// With `invalid_source_fails_item`, a source that does not serialize is that item's failure
/// (never sent, `invalid_source`) and every other action goes out.
#[tokio::test]
async fn an_invalid_source_can_fail_its_item_only() {
    let cluster = FakeCluster::start(1).unwrap();
    let actions: Vec<Action<bytes::Bytes>> =
        ["{\"n\":0}", "not json", "{\"n\":2}", "[1]", "{\"n\":4}"]
            .into_iter()
            .map(|t| Action::index(bytes::Bytes::from(t)))
            .collect();
    let opts = BulkOptions::default()
        .index("t")
        .chunk_size(2)
        .raise_on_error(false)
        .invalid_source_fails_item(true);
    let summary = es_helpers::bulk(client(&cluster), es_helpers::iter(actions), opts)
        .send()
        .await
        .unwrap();
    assert_eq!((summary.ok, summary.total), (3, 5));
    let mut failed: Vec<(u64, u16, String)> = summary
        .failed
        .iter()
        .map(|f| {
            (
                f.seq,
                f.status,
                f.error.as_ref().unwrap()["type"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    failed.sort();
    assert_eq!(
        failed,
        vec![
            (1, 0, "invalid_source".to_string()),
            (3, 0, "invalid_source".to_string())
        ]
    );
    let sent = actions_sent(&cluster, "/t/_bulk");
    assert_eq!(sent, 3, "the valid ones only");
}

/// An action that does not serialize stops the run; every action read is still reported
/// once: those of its request as not sent (nothing of that request goes out), earlier
/// requests as the server answered them.
#[tokio::test]
async fn an_action_that_does_not_serialize_leaves_its_request_unsent_and_reported() {
    let cluster = FakeCluster::start(1).unwrap();
    let mut actions: Vec<Action<es_helpers::FromJson<Value>>> = (0..5)
        .map(|i| Action::index(es_helpers::FromJson::new(format!("{{\"n\":{i}}}"))))
        .collect();
    actions[3] = Action::index(es_helpers::FromJson::new("{not json"));
    let opts = BulkOptions::default().index("t").chunk_size(2);
    let (stream, _) = bulk_stream_observed(client(&cluster), es_helpers::iter(actions), opts);
    let items: Vec<_> = stream.collect().await;
    let mut seen: Vec<(u64, u16)> = items
        .iter()
        .filter_map(|r| r.as_ref().ok().map(|o| (o.seq, o.status)))
        .collect();
    seen.sort();
    // 0,1 sent (one request); 2,3 not sent (3 does not serialize); 4 never read or not sent.
    assert_eq!(
        &seen[..4],
        &[(0, 201), (1, 201), (2, 0), (3, 0)],
        "{seen:?}"
    );
    assert!(seen.len() == 4 || seen[4] == (4, 0), "{seen:?}");
    let last = items.last().unwrap();
    assert!(
        matches!(last, Err(BulkError::Serialize { seq: 3, .. })),
        "{last:?}"
    );
    let sent = actions_sent(&cluster, "/t/_bulk");
    assert_eq!(sent, 2, "only the first request went out");
}

#[tokio::test]
async fn reindex_reports_a_read_timeout_as_a_timeout() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.push(Rule::new(Reply::Hang).path_prefix("/src/_search"));
    let c = Client::from_builder(
        TransportBuilder::new()
            .hosts(cluster.urls())
            .compat(CompatMode::Off)
            .product_check(false)
            .request_timeout(Duration::from_millis(200)),
    )
    .unwrap();
    let err = es_helpers::reindex(
        &c,
        "src",
        &c,
        "dst",
        json!({}),
        es_helpers::same_document,
        ScanOptions::default(),
        BulkOptions::default(),
    )
    .send()
    .await
    .unwrap_err();
    match err {
        es_helpers::ReindexError::Scan(e) => assert!(e.is_timeout(), "{e}"),
        other => panic!("{other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fatal_request_error_finishes_the_requests_in_flight_and_accounts_for_every_action() {
    let cluster = FakeCluster::start(1).unwrap();
    let n = Arc::new(AtomicU64::new(0));
    let n2 = n.clone();
    cluster.set_handler(move |req| {
        if !req.path.ends_with("/_bulk") {
            return None;
        }
        // The first request is slow and succeeds (the server applies it); the second fails.
        match n2.fetch_add(1, Ordering::SeqCst) {
            0 => Some(Reply::Default.delayed(Duration::from_millis(300))),
            1 => Some(Reply::status(500)),
            _ => Some(Reply::Default),
        }
    });
    let opts = BulkOptions::default()
        .index("t")
        .chunk_size(100)
        .max_in_flight(2);
    let err = bulk(client(&cluster), docs(1000), opts)
        .send()
        .await
        .unwrap_err();
    let BulkError::Request {
        source,
        items,
        summary,
    } = err
    else {
        panic!("expected a request error")
    };
    assert_eq!(source.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(items, 100);
    // Every action read is accounted for: 100 acknowledged by the slow request (it was not
    // abandoned), 100 failed with the 500, the rest read but never sent.
    assert_eq!(summary.ok, 100, "the in-flight request was finished");
    let failed_500 = summary.failed.iter().filter(|f| f.status == 500).count();
    let unsent = summary.failed.iter().filter(|f| f.status == 0).count() as u64;
    assert_eq!(failed_500, 100);
    assert_eq!(summary.total, summary.ok + summary.failed.len() as u64);
    assert!(unsent <= 100, "at most the chunk being built: {unsent}");
    assert_eq!(
        cluster.requests_to("/t/_bulk").len(),
        2,
        "nothing sent after the failure"
    );
}

#[tokio::test]
async fn a_short_burst_of_503s_does_not_abort_a_default_bulk() {
    let cluster = FakeCluster::start(1).unwrap();
    let started = Instant::now();
    cluster.set_handler(move |req| {
        (req.path.ends_with("/_bulk") && started.elapsed() < Duration::from_millis(1500))
            .then(|| Reply::status(503))
    });
    // Default options: 3 retries of 429/502/503/504, back-off from 1 s.
    let summary = bulk(
        client(&cluster),
        docs(50),
        BulkOptions::default().index("t"),
    )
    .send()
    .await
    .unwrap();
    assert_eq!(summary.ok, 50);
}
