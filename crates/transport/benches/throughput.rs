//! Small-request throughput: es-transport vs a raw hyper client, same server, same run.
//!
//! ```text
//! cargo bench -p es-transport --bench throughput
//! ```
//!
//! The server is the test kit's fake cluster (1 node, 1 runtime thread, request recording off)
//! in the parent process. Each round of each contender runs in a process of its own with a
//! default multi-thread tokio runtime (warm-up round, then the measured one); rounds alternate
//! raw / ours so that machine noise hits both alike; medians and per-round ratios are reported.
//! Both sides do the same work per request: send, check the status, read the whole body.

#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use bytes::Bytes;
use es_testkit::FakeCluster;
use es_transport::http::{self, Method};
use es_transport::{Body, CompatMode, Request, Transport, TransportBuilder};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;

const ROUNDS: usize = 7;
const ROUND_TIME: Duration = Duration::from_millis(700);
const SEARCH_BODY: &str = r#"{"query":{"bool":{"must":[{"match":{"title":"rust client"}}],"filter":[{"term":{"status":"published"}}]}},"size":10}"#;

#[derive(Clone, Copy, Debug)]
enum Workload {
    Get,
    PostJson,
}

#[derive(Clone)]
enum Contender {
    Raw(HyperClient<HttpConnector, Full<Bytes>>, String),
    Ours(Transport),
}

impl Contender {
    async fn one(&self, w: Workload) {
        match self {
            Contender::Raw(client, base) => {
                let (method, body) = match w {
                    Workload::Get => (Method::GET, Bytes::new()),
                    Workload::PostJson => {
                        (Method::POST, Bytes::from_static(SEARCH_BODY.as_bytes()))
                    }
                };
                let mut req = http::Request::builder()
                    .method(method)
                    .uri(format!("{base}/bench/_search"))
                    .header("accept", "application/json");
                if !body.is_empty() {
                    req = req.header("content-type", "application/json");
                }
                let resp = client
                    .request(req.body(Full::new(body)).unwrap())
                    .await
                    .unwrap();
                assert!(resp.status().is_success());
                let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                assert!(!bytes.is_empty());
            }
            Contender::Ours(t) => {
                let req = match w {
                    Workload::Get => Request::new(Method::GET, "/bench/_search"),
                    Workload::PostJson => Request::new(Method::POST, "/bench/_search")
                        .body(Body::raw_json(Bytes::from_static(SEARCH_BODY.as_bytes()))),
                };
                let resp = t.perform(req).await.unwrap();
                assert!(!resp.body().is_empty());
            }
        }
    }
}

/// Requests per second for `concurrency` tasks during `ROUND_TIME`.
async fn round(c: &Contender, w: Workload, concurrency: usize) -> f64 {
    let deadline = Instant::now() + ROUND_TIME;
    let started = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    c.one(w).await;
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut total = 0;
    for t in tasks {
        total += t.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

/// A child process: one contender, its own multi-thread runtime (as a user builds one), a
/// warm-up round, then one measured round; prints req/s.
fn child(kind: &str, url: &str, w: Workload, concurrency: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let contender = match kind {
        "raw" => Contender::Raw(
            HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new()),
            url.to_string(),
        ),
        _ => Contender::Ours(
            TransportBuilder::new()
                .host(url)
                .compat(CompatMode::Off)
                .product_check(false)
                .build()
                .unwrap(),
        ),
    };
    let rate = rt.block_on(async {
        round(&contender, w, concurrency).await;
        round(&contender, w, concurrency).await
    });
    println!("{rate}");
}

fn spawn(kind: &str, url: &str, w: Workload, concurrency: usize) -> f64 {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .env("ES_BENCH_CHILD", kind)
        .env("ES_BENCH_URL", url)
        .env("ES_BENCH_WORKLOAD", format!("{w:?}"))
        .env("ES_BENCH_IN_FLIGHT", concurrency.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn main() {
    if let Ok(kind) = std::env::var("ES_BENCH_CHILD") {
        let w = match std::env::var("ES_BENCH_WORKLOAD").unwrap().as_str() {
            "Get" => Workload::Get,
            _ => Workload::PostJson,
        };
        let n = std::env::var("ES_BENCH_IN_FLIGHT")
            .unwrap()
            .parse()
            .unwrap();
        child(&kind, &std::env::var("ES_BENCH_URL").unwrap(), w, n);
        return;
    }
    // The server lives in this (parent) process; each contender round runs in its own.
    let cluster = FakeCluster::builder()
        .record_requests(false)
        .worker_threads(1)
        .start()
        .unwrap();
    let url = cluster.url(0);
    println!("| workload | in flight | raw hyper req/s | es-transport req/s | ratio of medians | per-round ratios (min–max) |");
    println!("|---|---|---|---|---|---|");
    for w in [Workload::Get, Workload::PostJson] {
        for concurrency in [1, 8] {
            let (mut r, mut o, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for _ in 0..ROUNDS {
                let raw = spawn("raw", &url, w, concurrency);
                let ours = spawn("ours", &url, w, concurrency);
                ratios.push(ours / raw);
                r.push(raw);
                o.push(ours);
            }
            let lo = ratios.iter().cloned().fold(f64::MAX, f64::min);
            let hi = ratios.iter().cloned().fold(0.0, f64::max);
            let (r, o) = (median(r), median(o));
            println!(
                "| {w:?} | {concurrency} | {r:.0} | {o:.0} | {:.3} | {lo:.3}–{hi:.3} |",
                o / r
            );
        }
    }
}
