//! The fault suite: what a hostile network and a failing cluster do to a client, on the fake
//! cluster with a document store, so every outcome is checked against what the server applied.
//!
//! | Scenario | Expected end |
//! |---|---|
//! | node killed mid-bulk (and back) | every document indexed; the node's failures counted |
//! | answers lost after the server applied them | resent, all ok, resends reported; server writes = docs + resent docs |
//! | `create` resent after a lost answer | its own 409 reported as created; a real conflict stays a 409 |
//! | flapping nodes under bulk + searches | every document indexed, every search answered |
//! | 429 storm | ridden out with back-off; rejected requests applied nothing |
//! | 503 storm longer than the retry budget | typed 503 error within the budget; every action failed, none applied |
//! | slow node (timeouts retried) | requests move to the healthy node; all indexed in time |
//! | hanging node | typed timeout after each configured attempt, within the configured time |
//! | reset mid-body | connection error; bulk resent and indexed; single call typed |
//! | truncated / HTML / empty bulk answers | failures (unknown outcome), never successes |
//! | gzip announced, plain body | typed error, resent; recovered |
//! | huge bodies | `ResponseTooLarge`, nothing buffered past the limit |
//! | shard failures | scan raises `ShardFailures` (partial results only when asked) |
//!
//! The accounting rule checked after every bulk ([`check`]): every action is in the summary
//! exactly once; every action reported ok is stored on the server with its source; actions
//! reported "not sent" are not stored; the server stores nothing that was not sent.

#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use es_client::transport::{ErrorKind, RetryBackoff, RetryPolicy};
use es_client::{Client, CompatMode, TransportBuilder};
use es_helpers::{bulk, scan, Action, BulkError, BulkOptions, BulkSummary, Json, ScanOptions};
use es_testkit::{DocStore, FakeCluster, Reply, Rule};
use futures_util::StreamExt;
use serde_json::{json, Value};

const INDEX: &str = "faults";

fn stored(nodes: usize) -> FakeCluster {
    FakeCluster::builder()
        .nodes(nodes)
        .store_documents(true)
        .worker_threads(2)
        .start()
        .unwrap()
}

fn transport(cluster: &FakeCluster) -> TransportBuilder {
    TransportBuilder::new()
        .hosts(cluster.urls())
        .compat(CompatMode::Off)
        .product_check(false)
        .retry_backoff(RetryBackoff {
            initial: Duration::from_millis(5),
            max: Duration::from_millis(50),
        })
        .dead_backoff(Duration::from_millis(20), Duration::from_millis(200))
        .request_timeout(Duration::from_secs(5))
}

fn client(b: TransportBuilder) -> Client {
    Client::from_builder(b).unwrap()
}

/// Bulk options with quick back-off (the default's 1 s → 60 s is for real clusters).
fn opts(chunk: usize) -> BulkOptions {
    BulkOptions::default().index(INDEX).chunk_size(chunk).retry(
        RetryPolicy::default().max_retries(6).backoff(RetryBackoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(100),
        }),
    )
}

fn id(i: u64) -> String {
    format!("d{i}")
}

fn docs(n: u64) -> impl futures_util::Stream<Item = Action<Json<Value>>> + Send {
    futures_util::stream::iter((0..n).map(|i| Action::index(Json(json!({"n": i}))).id(id(i))))
}

fn creates(n: u64) -> impl futures_util::Stream<Item = Action<Json<Value>>> + Send {
    futures_util::stream::iter((0..n).map(|i| Action::create(Json(json!({"n": i}))).id(id(i))))
}

/// What a bulk reported, by document id.
#[derive(Debug)]
struct Ledger {
    ok: BTreeSet<String>,
    failed: BTreeMap<String, es_helpers::ItemOutcome>,
    unsent: BTreeSet<String>,
    summary: BulkSummary,
    error: Option<String>,
}

/// Reads a bulk's result and checks the accounting rule against the server's store.
fn check(n: u64, result: Result<BulkSummary, BulkError>, store: &DocStore) -> Ledger {
    let (summary, error) = match result {
        Ok(s) => (s, None),
        Err(BulkError::Request {
            summary, source, ..
        }) => (*summary, Some(source.to_string())),
        Err(BulkError::Items { summary }) => (*summary, Some("item failures".into())),
        Err(other) => panic!("unexpected bulk error: {other}"),
    };
    // Every action read from the input is reported; the input is read no further than the
    // chunk being built when a request fails for good (the caller knows the rest by position).
    if error.is_none() || summary.total == n {
        assert_eq!(summary.total, n, "every action is accounted for");
    } else {
        assert!(summary.total < n);
    }
    let read = summary.total;
    assert_eq!(summary.ok + summary.failed.len() as u64, read);
    let mut failed = BTreeMap::new();
    let mut unsent = BTreeSet::new();
    for f in &summary.failed {
        assert!(
            f.error.is_some() && f.action.is_some(),
            "a failure says why: #{}",
            f.seq
        );
        let reason = f.error.as_ref().map(|e| e.to_string()).unwrap_or_default();
        if f.status == 0 && reason.contains("not sent") {
            unsent.insert(id(f.seq));
        }
        assert!(
            failed.insert(id(f.seq), f.clone()).is_none(),
            "reported twice: #{}",
            f.seq
        );
    }
    let ok: BTreeSet<String> = (0..read)
        .map(id)
        .filter(|i| !failed.contains_key(i))
        .collect();
    for i in (read..n).map(id) {
        assert!(store.get(INDEX, &i).is_none(), "{i} never read but stored");
    }
    for i in &ok {
        let doc = store
            .get(INDEX, i)
            .unwrap_or_else(|| panic!("{i} reported ok but the server does not have it"));
        let n: u64 = i[1..].parse().unwrap();
        assert_eq!(doc.source["n"], json!(n), "{i} stored with another source");
    }
    for i in &unsent {
        assert!(
            store.get(INDEX, i).is_none(),
            "{i} reported not sent but stored"
        );
    }
    let sent: BTreeSet<String> = (0..n).map(id).collect();
    for i in store.ids(INDEX) {
        assert!(
            sent.contains(&i) || i.starts_with("pre-"),
            "{i} stored but never sent"
        );
    }
    Ledger {
        ok,
        failed,
        unsent,
        summary,
        error,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_mid_bulk_loses_nothing() {
    let cluster = Arc::new(stored(3));
    let store = cluster.store().unwrap().clone();
    let client = client(transport(&cluster));
    let killer = {
        let (cluster, store) = (cluster.clone(), store.clone());
        std::thread::spawn(move || {
            while store.len() < 4000 {
                std::thread::sleep(Duration::from_millis(1));
            }
            cluster.node(1).down();
            std::thread::sleep(Duration::from_millis(300));
            cluster.node(1).up().unwrap();
        })
    };
    let started = Instant::now();
    let result = bulk(&client, docs(20_000), opts(200).max_in_flight(2))
        .send()
        .await;
    killer.join().unwrap();
    let ledger = check(20_000, result, &store);
    assert!(ledger.error.is_none(), "{:?}", ledger.error);
    assert_eq!(ledger.ok.len(), 20_000);
    assert_eq!(store.len(), 20_000);
    assert!(started.elapsed() < Duration::from_secs(30));
    let stats = client.transport().node_stats();
    let down = stats.iter().find(|s| s.url == cluster.url(1)).unwrap();
    assert!(down.failures >= 1 && down.marked_dead >= 1, "{down:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_lost_after_the_server_applied_them_are_resent_and_reported() {
    let cluster = stored(2);
    let store = cluster.store().unwrap().clone();
    // The server applies the request, then drops the connection instead of answering.
    cluster.push(
        Rule::new(Reply::after_default(|_| Reply::reset()))
            .path_prefix("/faults/_bulk")
            .times(3),
    );
    let result = bulk(client(transport(&cluster)), docs(2000), opts(100))
        .send()
        .await;
    let ledger = check(2000, result, &store);
    assert_eq!(ledger.ok.len(), 2000);
    assert_eq!(
        ledger.summary.resent, 3,
        "the transport's resends are reported"
    );
    // Server side: three requests of 100 were applied twice.
    assert_eq!(store.writes(), 2000 + 300);
    assert_eq!(cluster.requests_to("/faults/_bulk").len(), 20 + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_resent_after_a_lost_answer_is_created_and_a_real_conflict_is_a_conflict() {
    let cluster = stored(2);
    let store = cluster.store().unwrap().clone();
    // d5 exists already with another source: a real conflict.
    store.insert(INDEX, "d5", json!({"other": true}));
    cluster.push(
        Rule::new(Reply::after_default(|_| Reply::reset()))
            .path_prefix("/faults/_bulk")
            .times(1),
    );
    let result = bulk(client(transport(&cluster)), creates(300), opts(100))
        .send()
        .await;
    // d5 is reported failed, so check() must not look for its source.
    let err = result.unwrap_err();
    let BulkError::Items { summary } = &err else {
        panic!("{err}")
    };
    assert_eq!(
        summary.failed.len(),
        1,
        "{:?}",
        summary
            .failed
            .iter()
            .map(|f| (f.seq, f.status))
            .collect::<Vec<_>>()
    );
    let conflict = &summary.failed[0];
    assert_eq!((conflict.seq, conflict.status), (5, 409));
    assert!(!conflict.earlier_attempt);
    assert_eq!(summary.ok, 299);
    assert_eq!(summary.resent, 1);
    // The first request was applied, its answer lost, then resent: its 99 other creates met
    // their own documents (same source), so they are created, not conflicts.
    assert_eq!(summary.created_by_earlier_attempt, 99);
    assert_eq!(
        store.get(INDEX, "d5").unwrap().source,
        json!({"other": true})
    );
    for i in (0..300).filter(|i| *i != 5) {
        assert_eq!(store.get(INDEX, &id(i)).unwrap().source, json!({"n": i}));
    }
    // The follow-up read was one _mget.
    assert_eq!(cluster.requests_to("/_mget").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flapping_nodes_under_bulk_and_searches_lose_nothing() {
    let cluster = Arc::new(stored(3));
    let store = cluster.store().unwrap().clone();
    let client = client(transport(&cluster).max_retries(6));
    let stop = Arc::new(AtomicBool::new(false));
    let flapper = {
        let (cluster, stop) = (cluster.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut flaps = 0;
            while !stop.load(Ordering::SeqCst) {
                // One node at a time goes away and comes back.
                let n = cluster.node(flaps % 3);
                n.down();
                std::thread::sleep(Duration::from_millis(40));
                n.up().unwrap();
                std::thread::sleep(Duration::from_millis(40));
                flaps += 1;
            }
            flaps
        })
    };
    let searches = {
        let (client, stop) = (client.clone(), stop.clone());
        tokio::spawn(async move {
            let (mut ok, mut failed) = (0u64, Vec::new());
            while !stop.load(Ordering::SeqCst) {
                match client.count().index(INDEX).send_raw().await {
                    Ok(_) => ok += 1,
                    Err(e) => failed.push(e.to_string()),
                }
            }
            (ok, failed)
        })
    };
    let result = bulk(&client, docs(30_000), opts(300).max_in_flight(2))
        .send()
        .await;
    stop.store(true, Ordering::SeqCst);
    let flaps = flapper.join().unwrap();
    let (searched, search_failures) = searches.await.unwrap();
    let ledger = check(30_000, result, &store);
    assert!(flaps >= 2, "the nodes flapped ({flaps})");
    assert_eq!(ledger.ok.len(), 30_000, "{:?}", ledger.error);
    assert!(searched > 0);
    assert!(search_failures.is_empty(), "{search_failures:?}");
    let failures: u64 = client
        .transport()
        .node_stats()
        .iter()
        .map(|s| s.failures)
        .sum();
    assert!(failures > 0, "the flapping was seen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_storm_is_ridden_out_with_back_off() {
    let cluster = stored(1);
    let store = cluster.store().unwrap().clone();
    cluster.push(
        Rule::new(Reply::status(429))
            .path_prefix("/faults/_bulk")
            .times(5),
    );
    let result = bulk(client(transport(&cluster)), docs(1000), opts(100))
        .send()
        .await;
    let ledger = check(1000, result, &store);
    assert_eq!(ledger.ok.len(), 1000);
    assert!(ledger.summary.retried >= 100, "{}", ledger.summary.retried);
    // Rejected requests applied nothing.
    assert_eq!(store.writes(), 1000);
    assert_eq!(cluster.requests_to("/faults/_bulk").len(), 10 + 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_storm_longer_than_the_budget_is_a_typed_error_within_it() {
    let cluster = stored(1);
    let store = cluster.store().unwrap().clone();
    cluster.push(Rule::new(Reply::status(503)).path_prefix("/faults/_bulk"));
    let policy = RetryPolicy::default().max_retries(3).backoff(RetryBackoff {
        initial: Duration::from_millis(50),
        max: Duration::from_millis(200),
    });
    let started = Instant::now();
    let result = bulk(
        client(transport(&cluster)),
        docs(500),
        opts(100).retry(policy),
    )
    .send()
    .await;
    // At most 50 + 100 + 200 ms of back-off, plus the requests.
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let ledger = check(500, result, &store);
    assert!(
        ledger.error.as_deref().unwrap().contains("503"),
        "{:?}",
        ledger.error
    );
    assert!(ledger.ok.is_empty());
    assert_eq!(ledger.failed.len() as u64, ledger.summary.total);
    assert!(
        ledger.unsent.len() <= 100,
        "at most one chunk was being built"
    );
    assert_eq!(store.writes(), 0);
    assert_eq!(
        cluster.requests_to("/faults/_bulk").len(),
        4,
        "1 + 3 retries"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_node_is_left_for_a_healthy_one_when_timeouts_are_retried() {
    let cluster = stored(2);
    let store = cluster.store().unwrap().clone();
    cluster.node(0).set_delay(Duration::from_secs(2));
    let client = client(
        transport(&cluster)
            .request_timeout(Duration::from_millis(200))
            .retry_on_timeout(true)
            .dead_backoff(Duration::from_secs(30), Duration::from_secs(30)),
    );
    let started = Instant::now();
    let result = bulk(&client, docs(500), opts(100)).send().await;
    let ledger = check(500, result, &store);
    assert_eq!(ledger.ok.len(), 500);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let slow = client.transport().node_stats();
    let slow = slow.iter().find(|s| s.url == cluster.url(0)).unwrap();
    assert_eq!((slow.failures, slow.alive), (1, false), "{slow:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_node_is_a_timeout_within_the_configured_time() {
    let cluster = stored(1);
    cluster.push(Rule::new(Reply::Hang).path_prefix("/faults/_count"));
    let timeout = Duration::from_millis(300);
    let once = client(transport(&cluster).request_timeout(timeout));
    let started = Instant::now();
    let err = once.count().index(INDEX).send_raw().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    assert!(started.elapsed() < timeout * 2, "{:?}", started.elapsed());
    assert_eq!(
        cluster.requests_to("/faults/_count").len(),
        1,
        "timeouts are not retried by default"
    );

    let retried = client(
        transport(&cluster)
            .request_timeout(timeout)
            .retry_on_timeout(true)
            .max_retries(2),
    );
    let started = Instant::now();
    let err = retried.count().index(INDEX).send_raw().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Timeout);
    let took = started.elapsed();
    assert!(
        took >= timeout * 3 && took < timeout * 3 + Duration::from_secs(1),
        "{took:?}"
    );
    assert_eq!(cluster.requests_to("/faults/_count").len(), 1 + 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reset_mid_body_is_a_connection_error_and_a_bulk_is_resent() {
    let cluster = stored(2);
    let store = cluster.store().unwrap().clone();
    cluster.push(
        Rule::new(Reply::after_default(|answer| answer.cut_at(20)))
            .path_prefix("/faults/_bulk")
            .times(2),
    );
    let result = bulk(client(transport(&cluster)), docs(300), opts(100))
        .send()
        .await;
    let ledger = check(300, result, &store);
    assert_eq!(ledger.ok.len(), 300);
    assert_eq!(ledger.summary.resent, 2);
    assert_eq!(
        store.writes(),
        300 + 200,
        "the cut answers had been applied"
    );

    cluster.push(
        Rule::new(Reply::json(200, json!({"count": 1})).cut_at(5)).path_prefix("/faults/_count"),
    );
    let err = client(transport(&cluster).max_retries(0))
        .count()
        .index(INDEX)
        .send_raw()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Connection, "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn truncated_html_and_empty_bulk_answers_are_failures_never_successes() {
    let bad: Vec<(&str, Reply)> = vec![
        (
            "truncated",
            Reply::after_default(|answer| answer.truncated(40)),
        ),
        (
            "html",
            Reply::raw(
                200,
                "text/html",
                "<html><body>502 Bad Gateway</body></html>",
            ),
        ),
        ("empty", Reply::raw(200, "application/json", "")),
    ];
    for (what, reply) in bad {
        let cluster = stored(1);
        let store = cluster.store().unwrap().clone();
        cluster.push(Rule::new(reply).path_prefix("/faults/_bulk").times(1));
        let result = bulk(
            client(transport(&cluster)),
            docs(200),
            opts(100).raise_on_error(false),
        )
        .send()
        .await;
        let ledger = check(200, result, &store);
        // The first request's answer cannot be read: its 100 actions are failures with an
        // unknown outcome (the truncated one had been applied), never successes.
        let first: BTreeSet<String> = (0..100).map(id).collect();
        let failed: BTreeSet<String> = ledger.failed.keys().cloned().collect();
        assert_eq!(failed, first, "{what}");
        for f in ledger.failed.values() {
            assert_eq!(f.status, 0, "{what}");
            let why = f.error.as_ref().unwrap().to_string();
            assert!(why.contains("bulk answer"), "{what}: {why}");
        }
        assert_eq!(
            ledger.ok.len(),
            100,
            "{what}: the second request went through"
        );
        let applied = if what == "truncated" { 200 } else { 100 };
        assert_eq!(store.writes(), applied, "{what}");
    }

    // The same answers to a single call are typed errors.
    let cluster = stored(1);
    let c = client(transport(&cluster).max_retries(0));
    for reply in [
        Reply::raw(200, "text/html", "<html>oops</html>"),
        Reply::raw(200, "application/json", ""),
        Reply::raw(200, "application/json", "{\"count\":"),
    ] {
        cluster.clear_rules();
        cluster.push(Rule::new(reply).path_prefix("/faults/_count"));
        let err = c.count().index(INDEX).send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Serialization, "{err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_announced_over_a_plain_body_is_an_error_and_the_bulk_recovers() {
    let cluster = stored(1);
    let store = cluster.store().unwrap().clone();
    cluster.push(
        Rule::new(Reply::after_default(|a| {
            a.with_header("content-encoding", "gzip")
        }))
        .path_prefix("/faults/_bulk")
        .times(1),
    );
    let c = client(transport(&cluster).http_compress(true));
    let result = bulk(&c, docs(200), opts(100)).send().await;
    let ledger = check(200, result, &store);
    assert_eq!(ledger.ok.len(), 200);
    assert_eq!(ledger.summary.resent, 1);

    cluster.push(
        Rule::new(Reply::json(200, json!({"count": 0})).with_header("content-encoding", "gzip"))
            .path_prefix("/faults/_count"),
    );
    let err = client(transport(&cluster).http_compress(true).max_retries(0))
        .count()
        .index(INDEX)
        .send_raw()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("gzip"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_bodies_are_refused_at_the_limit() {
    let cluster = stored(1);
    let huge = format!("{{\"count\":1,\"pad\":\"{}\"}}", "x".repeat(4 << 20));
    cluster
        .push(Rule::new(Reply::raw(200, "application/json", huge)).path_prefix("/faults/_count"));
    let c = client(transport(&cluster).max_response_bytes(1 << 20));
    let err = c.count().index(INDEX).send_raw().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
    // The client is still usable afterwards.
    cluster.clear_rules();
    assert_eq!(c.count().index(INDEX).send().await.unwrap().count, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_over_failed_shards_is_an_error_unless_partial_results_are_accepted() {
    let cluster = FakeCluster::start(1).unwrap();
    let page = Arc::new(AtomicU64::new(0));
    let p2 = page.clone();
    cluster.set_handler(move |req| {
        let shards = json!({"total": 5, "successful": 3, "failed": 2, "skipped": 0});
        let hits = |p: u64| -> Vec<Value> {
            if p < 2 {
                (0..2).map(|i| json!({"_index": "x", "_id": format!("{p}-{i}"), "_source": {}})).collect()
            } else {
                vec![]
            }
        };
        match (req.method.as_str(), req.path.as_str()) {
            ("POST", "/x/_search") => {
                p2.store(1, Ordering::SeqCst);
                Some(Reply::json(200, json!({"took": 1, "_scroll_id": "s", "_shards": shards, "hits": {"hits": hits(0)}})))
            }
            ("POST", "/_search/scroll") => {
                let p = p2.fetch_add(1, Ordering::SeqCst);
                Some(Reply::json(200, json!({"took": 1, "_scroll_id": "s", "_shards": shards, "hits": {"hits": hits(p)}})))
            }
            ("DELETE", "/_search/scroll") => Some(Reply::json(200, json!({"succeeded": true}))),
            _ => None,
        }
    });
    let c = client(transport(&cluster));
    let results: Vec<_> = scan::<_, Value>(&c, "x", json!({}), ScanOptions::default())
        .send()
        .collect()
        .await;
    assert_eq!(
        results.len(),
        1,
        "the first page already fails: nothing partial is yielded"
    );
    let err = results[0].as_ref().unwrap_err();
    let failures = err.downcast_ref::<es_helpers::ShardFailures>().unwrap();
    assert_eq!(
        (failures.successful, failures.failed, failures.total),
        (3, 2, 5)
    );
    let released = cluster.requests_to("/_search/scroll");
    assert_eq!(
        released.iter().filter(|r| r.method == "DELETE").count(),
        1,
        "scroll released"
    );

    page.store(0, Ordering::SeqCst);
    let results: Vec<_> = scan::<_, Value>(
        &c,
        "x",
        json!({}),
        ScanOptions::default().raise_on_error(false),
    )
    .send()
    .collect()
    .await;
    assert_eq!(results.len(), 4);
    assert!(results.iter().all(|r| r.is_ok()));
}
