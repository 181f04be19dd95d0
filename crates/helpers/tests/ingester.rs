//! The bulk ingester on the fake cluster's document store: many tasks (and a thread) push,
//! every action is acknowledged exactly once; a trickle is sent within the flush interval;
//! a closed ingester refuses actions.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use es_client::{Client, CompatMode, TransportBuilder};
use es_helpers::{Action, BulkIngester, BulkOptions, IngesterClosed, Json, OutcomeFn};
use es_testkit::FakeCluster;
use serde_json::json;

fn client(cluster: &FakeCluster) -> Client {
    Client::from_builder(
        TransportBuilder::new()
            .host(cluster.url(0))
            .compat(CompatMode::Off)
            .product_check(false),
    )
    .unwrap()
}

fn store() -> FakeCluster {
    FakeCluster::builder()
        .record_requests(false)
        .store_documents(true)
        .start()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_tasks_push_100k_documents_each_acknowledged_once() {
    let cluster = store();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = seen.clone();
    let on_outcome: OutcomeFn = Arc::new(move |o| {
        assert!(o.is_ok(), "{o:?}");
        sink.lock().unwrap().push(o.id.unwrap());
    });
    let opts = BulkOptions::default()
        .index("ing")
        .chunk_size(2000)
        .max_in_flight(2);
    let ingester = BulkIngester::start(client(&cluster), opts, 4096, Some(on_outcome));
    let mut tasks = Vec::new();
    for t in 0..16u32 {
        let ing = ingester.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..6250u32 {
                let doc = json!({"task": t, "i": i});
                ing.add(Action::index(Json(doc)).id(format!("{t}-{i}")))
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let summary = ingester.close().await.unwrap();
    assert_eq!((summary.total, summary.ok), (100_000, 100_000));
    assert!(summary.failed.is_empty());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 100_000);
    assert_eq!(
        seen.iter().collect::<HashSet<_>>().len(),
        100_000,
        "each once"
    );
    let docs = cluster.store().unwrap();
    assert_eq!(docs.ids("ing").len(), 100_000);
    assert_eq!(docs.writes(), 100_000, "written exactly once each");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trickle_is_sent_within_the_flush_interval_and_threads_can_push() {
    let cluster = store();
    let opts = BulkOptions::default()
        .index("slow")
        .chunk_size(1000)
        .flush_interval(Some(Duration::from_millis(200)));
    let ingester = BulkIngester::start(client(&cluster), opts, 100, None);
    let docs = cluster.store().unwrap();
    for i in 0..3 {
        let started = Instant::now();
        ingester
            .add(Action::index(Json(json!({"i": i}))).id(i.to_string()))
            .await
            .unwrap();
        // One document a while: stored without waiting for a full chunk (bound generous for
        // a busy machine; the interval is 200 ms).
        while docs.ids("slow").len() < i + 1 {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "document {i} not sent"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    // From a plain thread too.
    let ing = ingester.clone();
    std::thread::spawn(move || {
        ing.add_blocking(Action::index(Json(json!({"i": "thread"}))).id("t"))
            .unwrap();
    })
    .join()
    .unwrap();
    let closer = ingester.clone();
    let summary = closer.close().await.unwrap();
    assert_eq!(summary.ok, 4);
    assert_eq!(docs.ids("slow").len(), 4);
    // Closed: refused, not queued.
    let err = ingester.add(Action::index(Json(json!({})))).await;
    assert!(matches!(err, Err(IngesterClosed)));
}

/// The blocking flavour: threads push, `close_blocking` waits; no runtime of our own.
#[test]
fn threads_push_into_a_blocking_ingester() {
    let cluster = store();
    let client = es_client::blocking::Client::from_builder(
        TransportBuilder::new()
            .host(cluster.url(0))
            .compat(CompatMode::Off)
            .product_check(false),
    )
    .unwrap();
    let opts = BulkOptions::default().index("blk").chunk_size(500);
    let ingester = BulkIngester::start_blocking(&client, opts, 1000, None).unwrap();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let ing = ingester.clone();
            std::thread::spawn(move || {
                for i in 0..2500 {
                    ing.add_blocking(Action::index(Json(json!({"t": t}))).id(format!("{t}-{i}")))
                        .unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let summary = ingester.close_blocking().unwrap();
    assert_eq!((summary.total, summary.ok), (10_000, 10_000));
    assert_eq!(cluster.store().unwrap().ids("blk").len(), 10_000);
}
