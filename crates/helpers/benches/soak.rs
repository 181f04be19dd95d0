//! Soak: mixed search and bulk for a long time against a flapping fake cluster; requests
//! served, errors by kind and RSS over time. A benchmark, not a test:
//!
//!     cargo bench -p es-helpers --bench soak -- --minutes 10
//!
//! The cluster runs in its own process (this executable with `--server`): 3 nodes, one of them
//! down for 500 ms every 2 s in turn, and on every node 3% of answers 503, 2% 429, 1%
//! connection resets and 0.3% answers 1.5 s late (the client's timeout is 1 s). The client process is what a user would build: the default
//! multi-thread runtime, one `Client`, one task looping `bulk` (5000 documents a call,
//! 2 requests in flight, item failures reported, not raised) and 4 tasks looping searches.
//! Every 30 s it prints a row: calls served, errors by kind, bulk items ok/failed, node
//! failures, and the process's RSS. Memory must not grow: the last row's RSS is compared with
//! the one after the first minute (the warm-up).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use es_client::transport::RetryBackoff;
use es_client::Client;
use es_helpers::{bulk, Action, BulkError, BulkOptions, Json};
use es_testkit::{FakeCluster, Reply};
use serde_json::json;

fn rss_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The server process: prints the node URLs, flaps and misbehaves until stdin closes.
fn server() {
    let cluster = Arc::new(
        FakeCluster::builder()
            .nodes(3)
            .record_requests(false)
            .worker_threads(1)
            .start()
            .unwrap(),
    );
    cluster.set_handler(|_req| {
        let roll = fastrand::u32(0..1000);
        match roll {
            0..=29 => Some(Reply::status(503)),
            30..=49 => Some(Reply::status(429)),
            50..=59 => Some(Reply::reset()),
            // Longer than the client's 1 s timeout (timeouts are not retried by default).
            60..=62 => Some(Reply::Default.delayed(Duration::from_millis(1500))),
            _ => None,
        }
    });
    println!("{}", cluster.urls().join(" "));
    std::io::stdout().flush().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let flapper = {
        let (cluster, stop) = (cluster.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(1500));
                let node = cluster.node(i % 3);
                node.down();
                std::thread::sleep(Duration::from_millis(500));
                node.up().unwrap();
                i += 1;
            }
        })
    };
    // The client closes our stdin when it is done (or dies).
    let mut line = String::new();
    while std::io::stdin()
        .read_line(&mut line)
        .map(|n| n > 0)
        .unwrap_or(false)
    {}
    stop.store(true, Ordering::SeqCst);
    flapper.join().unwrap();
}

#[derive(Default)]
struct Tally {
    calls_ok: AtomicU64,
    bulk_items_ok: AtomicU64,
    bulk_items_failed: AtomicU64,
    errors: Mutex<BTreeMap<&'static str, u64>>,
}

impl Tally {
    fn error(&self, kind: &'static str) {
        *self.errors.lock().unwrap().entry(kind).or_default() += 1;
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--server") {
        server();
        return;
    }
    let minutes: f64 = args
        .iter()
        .position(|a| a == "--minutes")
        .and_then(|i| args.get(i + 1))
        .map_or(10.0, |m| m.parse().unwrap());
    let mut srv = Command::new(std::env::current_exe().unwrap())
        .arg("--server")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut urls = String::new();
    BufReader::new(srv.stdout.take().unwrap())
        .read_line(&mut urls)
        .unwrap();
    let urls: Vec<String> = urls.split_whitespace().map(str::to_owned).collect();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let client = Client::builder()
        .hosts(urls)
        .retry_backoff(RetryBackoff {
            initial: Duration::from_millis(10),
            max: Duration::from_millis(200),
        })
        .dead_backoff(Duration::from_millis(200), Duration::from_secs(2))
        .request_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let tally = Arc::new(Tally::default());
    let stop = Arc::new(AtomicBool::new(false));
    let deadline = Instant::now() + Duration::from_secs_f64(minutes * 60.0);

    rt.block_on(async {
        let mut tasks = Vec::new();
        {
            let (client, tally, stop) = (client.clone(), tally.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let mut round = 0u64;
                while !stop.load(Ordering::SeqCst) {
                    let docs = futures_util::stream::iter((0..5000u64).map(move |i| {
                        Action::index(Json(json!({"round": round, "n": i, "msg": "soak"})))
                            .id(format!("{round}-{i}"))
                    }));
                    let opts = BulkOptions::default()
                        .index("soak")
                        .chunk_size(500)
                        .max_in_flight(2)
                        .raise_on_error(false)
                        .max_retries(5)
                        .initial_backoff(Duration::from_millis(50))
                        .max_backoff(Duration::from_millis(500));
                    match bulk(&client, docs, opts).send().await {
                        Ok(s) => {
                            tally.calls_ok.fetch_add(s.requests, Ordering::Relaxed);
                            tally.bulk_items_ok.fetch_add(s.ok, Ordering::Relaxed);
                            tally
                                .bulk_items_failed
                                .fetch_add(s.failed.len() as u64, Ordering::Relaxed);
                        }
                        Err(BulkError::Request {
                            source, summary, ..
                        }) => {
                            tally.error(source.kind().as_str());
                            tally.bulk_items_ok.fetch_add(summary.ok, Ordering::Relaxed);
                            tally
                                .bulk_items_failed
                                .fetch_add(summary.failed.len() as u64, Ordering::Relaxed);
                        }
                        Err(e) => panic!("unexpected: {e}"),
                    }
                    round += 1;
                }
            }));
        }
        for _ in 0..4 {
            let (client, tally, stop) = (client.clone(), tally.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    let r = client
                        .search()
                        .index("soak")
                        .body(&json!({"query": {"match": {"msg": "soak"}}, "size": 10}))
                        .send_raw()
                        .await;
                    match r {
                        Ok(_) => tally.calls_ok.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            tally.error(e.kind().as_str());
                            0
                        }
                    };
                }
            }));
        }

        println!("Soak: {minutes} min; rows every 30 s\n");
        println!("| t (s) | calls ok | errors by kind | bulk items ok | bulk items failed | node failures / marked dead / revived | RSS MB |");
        println!("|---|---|---|---|---|---|---|");
        let started = Instant::now();
        let mut samples: Vec<(f64, f64)> = Vec::new();
        let mut next = started + Duration::from_secs(30);
        loop {
            let now = Instant::now();
            let last = now >= deadline;
            if now >= next || last {
                let t = started.elapsed().as_secs_f64();
                let rss = rss_mb("VmRSS:");
                samples.push((t, rss));
                let errors = tally.errors.lock().unwrap().clone();
                let errors: Vec<String> = errors.iter().map(|(k, v)| format!("{k} {v}")).collect();
                let stats = client.transport().node_stats();
                let (f, d, r) = stats.iter().fold((0, 0, 0), |(f, d, r), s| {
                    (f + s.failures, d + s.marked_dead, r + s.revived)
                });
                println!(
                    "| {t:.0} | {} | {} | {} | {} | {f} / {d} / {r} | {rss:.1} |",
                    tally.calls_ok.load(Ordering::Relaxed),
                    if errors.is_empty() { "-".into() } else { errors.join(", ") },
                    tally.bulk_items_ok.load(Ordering::Relaxed),
                    tally.bulk_items_failed.load(Ordering::Relaxed),
                );
                next += Duration::from_secs(30);
            }
            if last {
                break;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        stop.store(true, Ordering::SeqCst);
        for t in tasks {
            t.await.unwrap();
        }
        let warm = samples
            .iter()
            .find(|(t, _)| *t >= 60.0)
            .or(samples.first())
            .map_or(0.0, |s| s.1);
        let end = samples.last().map_or(0.0, |s| s.1);
        let max = samples.iter().map(|s| s.1).fold(0.0, f64::max);
        println!(
            "\nRSS after warm-up (1 min) {warm:.1} MB, at the end {end:.1} MB ({:+.1} MB), highest {max:.1} MB, peak (VmHWM) {:.1} MB",
            end - warm,
            rss_mb("VmHWM:")
        );
    });
    drop(srv.stdin.take());
    let _ = srv.wait();
}
