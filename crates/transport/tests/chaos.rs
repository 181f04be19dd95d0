//! Chaos: three nodes answering with random resets, 503s, 429s and delays, one node going down
//! and up, 16 concurrent tasks. Every request ends in a success or a typed error; connections
//! stay within the cap; once the chaos stops, every node is healthy again.

#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use es_testkit::{FakeCluster, Reply};
use es_transport::http::Method;
use es_transport::{CompatMode, ErrorKind, Request, RetryBackoff, TransportBuilder};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_survive_chaos_and_the_pool_recovers() {
    let cluster = Arc::new(FakeCluster::start(3).unwrap());
    let chaos = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let c = chaos.clone();
    cluster.set_handler(move |req| {
        if !c.load(Ordering::Relaxed) || !req.path.starts_with("/chaos") {
            return None;
        }
        match fastrand::u32(..100) {
            0..=7 => Some(Reply::reset()),
            8..=15 => Some(Reply::status(503)),
            16..=21 => Some(Reply::status(429)),
            22..=29 => Some(Reply::Default.delayed(Duration::from_millis(fastrand::u64(1..30)))),
            _ => None,
        }
    });
    let t = TransportBuilder::new()
        .hosts(cluster.urls())
        .compat(CompatMode::Off)
        .product_check(false)
        .connections_per_node(4)
        .max_retries(3)
        .retry_backoff(RetryBackoff {
            initial: Duration::from_millis(2),
            max: Duration::from_millis(20),
        })
        .dead_backoff(Duration::from_millis(20), Duration::from_millis(200))
        .request_timeout(Duration::from_secs(2))
        .build()
        .unwrap();

    let (ok, failed) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let flapper = {
        let cluster = cluster.clone();
        std::thread::spawn(move || {
            for _ in 0..5 {
                cluster.node(2).down();
                std::thread::sleep(Duration::from_millis(60));
                cluster.node(2).up().unwrap();
                std::thread::sleep(Duration::from_millis(60));
            }
        })
    };
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let (t, ok, failed) = (t.clone(), ok.clone(), failed.clone());
            tokio::spawn(async move {
                for _ in 0..60 {
                    match t.perform(Request::new(Method::GET, "/chaos")).await {
                        Ok(r) => {
                            assert_eq!(r.status(), 200);
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => {
                            assert!(
                                matches!(
                                    e.kind(),
                                    ErrorKind::Connection
                                        | ErrorKind::ServerError
                                        | ErrorKind::TooManyRequests
                                        | ErrorKind::Timeout
                                ),
                                "unexpected error kind: {e}"
                            );
                            let _ = format!("{e} {e:?}");
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    flapper.join().unwrap();
    let (ok, failed) = (ok.load(Ordering::Relaxed), failed.load(Ordering::Relaxed));
    assert_eq!(ok + failed, 960);
    // With 3 retries over 3 nodes most requests get through despite ~22% bad answers.
    assert!(ok > 900, "only {ok} of 960 succeeded");
    for i in 0..3 {
        assert!(
            cluster.node(i).open_connections() <= 4,
            "node {i}: {} connections",
            cluster.node(i).open_connections()
        );
    }

    // Chaos over: after the dead-node back-off every node serves again.
    chaos.store(false, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(250)).await;
    cluster.clear_requests();
    for _ in 0..30 {
        t.perform(Request::new(Method::GET, "/calm")).await.unwrap();
    }
    let served: std::collections::HashSet<usize> = cluster
        .requests_to("/calm")
        .iter()
        .map(|r| r.node)
        .collect();
    assert_eq!(served.len(), 3, "every node is back in rotation");
    assert_eq!(t.live_nodes().len(), 3);
}
