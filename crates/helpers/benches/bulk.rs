//! Bulk throughput: es-helpers vs a raw hyper client, 1M log-like documents (~470 bytes),
//! against the test kit's fast bulk-accepting server.
//!
//! ```text
//! cargo bench -p es-helpers --bench bulk            # full run (3 rounds, 1 and 2 in flight)
//! cargo bench -p es-helpers --bench bulk -- --docs 200000 --rounds 1
//! ```
//!
//! Contenders (each runs in its own process, so its peak RSS is its own, fake server included):
//! * `raw-lines`: reads a bulk-ready NDJSON file and sends 5000-document bodies, no
//!   per-document work (the limit a helper can approach);
//! * `helper-lines`: es-helpers with pre-serialized JSON source lines read from a file;
//! * `raw-serde`: serializes the same structs with serde into 5000-document bodies;
//! * `helper-typed`: es-helpers with the same structs (`Json<LogDoc>`).

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use es_client::{Client, CompatMode, TransportBuilder};
use es_helpers::{Action, BulkOptions, Json};
use es_testkit::FakeCluster;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;

const DOCS_PER_BODY: usize = 5000;

#[derive(Serialize)]
struct Http {
    method: &'static str,
    path: String,
    status: u16,
    duration_ms: f64,
    bytes: u64,
}

#[derive(Serialize)]
struct User {
    id: String,
    country: &'static str,
}

#[derive(Serialize)]
struct LogDoc {
    #[serde(rename = "@timestamp")]
    timestamp: String,
    level: &'static str,
    service: &'static str,
    host: String,
    trace_id: String,
    span_id: String,
    http: Http,
    user: User,
    message: String,
}

const LEVELS: [&str; 4] = ["INFO", "WARN", "ERROR", "DEBUG"];
const SERVICES: [&str; 4] = ["checkout-api", "payments", "inventory", "search-gateway"];
const COUNTRIES: [&str; 5] = ["DE", "FR", "US", "JP", "BR"];

fn log_doc(i: u64) -> LogDoc {
    LogDoc {
        timestamp: format!("2026-11-21T{:02}:{:02}:{:02}.{:03}Z", (i / 3_600_000) % 24, (i / 60_000) % 60, (i / 1000) % 60, i % 1000),
        level: LEVELS[(i % 4) as usize],
        service: SERVICES[(i % 4) as usize],
        host: format!("web-{:03}.eu-west-1.internal", i % 256),
        trace_id: format!("{:032x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15) as u128 * 7919),
        span_id: format!("{:016x}", i.wrapping_mul(0x2545_F491_4F6C_DD1D)),
        http: Http {
            method: if i.is_multiple_of(3) { "GET" } else { "POST" },
            path: format!("/api/v1/orders/{}/items", 100_000 + i % 900_000),
            status: [200, 201, 404, 500][(i % 4) as usize],
            duration_ms: (i % 5000) as f64 / 7.0,
            bytes: 512 + i % 65536,
        },
        user: User { id: format!("user-{}", i % 100_000), country: COUNTRIES[(i % 5) as usize] },
        message: format!("request {i} handled by the order service; cart contained {} items and payment was authorised", i % 17),
    }
}

/// Writes the source-lines file and the bulk-ready file (action + source lines) once.
fn data_files(docs: u64) -> (PathBuf, PathBuf) {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bulk-bench");
    std::fs::create_dir_all(&dir).unwrap();
    let lines = dir.join(format!("logs-{docs}.ndjson"));
    let bulk = dir.join(format!("logs-{docs}-bulk.ndjson"));
    if !lines.exists() || !bulk.exists() {
        let mut a = std::io::BufWriter::new(std::fs::File::create(&lines).unwrap());
        let mut b = std::io::BufWriter::new(std::fs::File::create(&bulk).unwrap());
        for i in 0..docs {
            let line = serde_json::to_vec(&log_doc(i)).unwrap();
            a.write_all(&line).unwrap();
            a.write_all(b"\n").unwrap();
            b.write_all(b"{\"index\":{}}\n").unwrap();
            b.write_all(&line).unwrap();
            b.write_all(b"\n").unwrap();
        }
        a.flush().unwrap();
        b.flush().unwrap();
    }
    (lines, bulk)
}

/// Source lines of a file as zero-copy `Bytes` slices of ~1 MiB blocks, read with
/// `BufRead::read_until` exactly as the raw client reads its file.
struct Lines {
    reader: BufReader<std::fs::File>,
    block: Bytes,
    ends: std::vec::IntoIter<usize>,
    start: usize,
}

impl Lines {
    fn new(path: &Path) -> Self {
        Lines {
            reader: BufReader::with_capacity(1 << 20, std::fs::File::open(path).unwrap()),
            block: Bytes::new(),
            ends: Vec::new().into_iter(),
            start: 0,
        }
    }
}

impl Iterator for Lines {
    type Item = Bytes;
    fn next(&mut self) -> Option<Bytes> {
        if let Some(end) = self.ends.next() {
            let line = self.block.slice(self.start..end - 1);
            self.start = end;
            return Some(line);
        }
        let mut buf = Vec::with_capacity(1 << 20);
        let mut ends = Vec::with_capacity(10_000);
        while buf.len() < 1 << 20 {
            if self.reader.read_until(b'\n', &mut buf).unwrap() == 0 {
                break;
            }
            ends.push(buf.len());
        }
        if ends.is_empty() {
            return None;
        }
        self.block = Bytes::from(buf);
        self.ends = ends.into_iter();
        self.start = 0;
        self.next()
    }
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn raw_send(client: HyperClient<HttpConnector, Full<Bytes>>, url: String, body: Vec<u8>) {
    // Same answer check as es-helpers: trusted only when every action is acknowledged.
    let actions = body.iter().filter(|b| **b == b'\n').count() / 2;
    let req = http::Request::post(format!("{url}/bench/_bulk"))
        .header("content-type", "application/x-ndjson")
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    assert!(resp.status().is_success());
    let answer = resp.into_body().collect().await.unwrap().to_bytes();
    assert!(es_helpers::fuzzing::all_acknowledged(&answer, actions));
}

/// Sends bodies from `next_body` with `in_flight` requests at a time.
async fn raw_run(url: &str, in_flight: usize, mut next_body: impl FnMut() -> Option<Vec<u8>>) {
    let client = HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new());
    let sem = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    while let Some(body) = next_body() {
        let permit = sem.clone().acquire_owned().await.unwrap();
        let (c, u) = (client.clone(), url.to_string());
        tasks.spawn(async move {
            raw_send(c, u, body).await;
            drop(permit);
        });
        while let Some(r) = tasks.try_join_next() {
            r.unwrap();
        }
    }
    while let Some(r) = tasks.join_next().await {
        r.unwrap();
    }
}

fn child(name: &str, in_flight: usize, docs: u64) {
    let (lines_file, bulk_file) = data_files(docs);
    let cluster = FakeCluster::builder()
        .record_requests(false)
        .worker_threads(1)
        .start()
        .unwrap();
    let url = cluster.url(0);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let helper_client = || {
        Client::from_builder(
            TransportBuilder::new()
                .host(url.clone())
                .compat(CompatMode::Off)
                .product_check(false),
        )
        .unwrap()
    };
    let opts = || {
        BulkOptions::default()
            .index("bench")
            .chunk_size(DOCS_PER_BODY)
            .max_in_flight(in_flight)
    };
    let started = Instant::now();
    rt.block_on(async {
        match name {
            "raw-lines" => {
                let mut reader =
                    BufReader::with_capacity(8 << 20, std::fs::File::open(&bulk_file).unwrap());
                raw_run(&url, in_flight, || {
                    let mut body = Vec::with_capacity(2_500_000);
                    for _ in 0..2 * DOCS_PER_BODY {
                        if reader.read_until(b'\n', &mut body).unwrap() == 0 {
                            break;
                        }
                    }
                    (!body.is_empty()).then_some(body)
                })
                .await
            }
            "raw-serde" => {
                let mut i = 0u64;
                raw_run(&url, in_flight, || {
                    let mut body = Vec::with_capacity(2_500_000);
                    for _ in 0..DOCS_PER_BODY {
                        if i == docs {
                            break;
                        }
                        body.extend_from_slice(b"{\"index\":{}}\n");
                        serde_json::to_writer(&mut body, &log_doc(i)).unwrap();
                        body.push(b'\n');
                        i += 1;
                    }
                    (!body.is_empty()).then_some(body)
                })
                .await
            }
            "helper-lines" => {
                let lines = Lines::new(&lines_file);
                let actions = futures_util::stream::iter(lines.map(Action::index));
                let s = es_helpers::bulk(helper_client(), actions, opts())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(s.ok, docs);
            }
            "helper-typed" => {
                let actions =
                    futures_util::stream::iter((0..docs).map(|i| Action::index(Json(log_doc(i)))));
                let s = es_helpers::bulk(helper_client(), actions, opts())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(s.ok, docs);
            }
            other => panic!("unknown contender {other}"),
        }
    });
    let secs = started.elapsed().as_secs_f64();
    println!("{} {:.1}", docs as f64 / secs, peak_rss_mb());
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let docs: u64 = arg("--docs").map_or(1_000_000, |d| d.parse().unwrap());
    if let Some(name) = arg("--child") {
        let in_flight: usize = arg("--in-flight").map_or(1, |n| n.parse().unwrap());
        child(&name, in_flight, docs);
        return;
    }
    let rounds: usize = arg("--rounds").map_or(3, |n| n.parse().unwrap());
    let (lines, _) = data_files(docs);
    let avg = std::fs::metadata(&lines).unwrap().len() as f64 / docs as f64;
    println!("{docs} documents, {avg:.0} bytes each on average; {rounds} round(s), median docs/s; peak RSS of the contender's process (fake server included)\n");
    println!("| input | in flight | raw hyper docs/s | es-helpers docs/s | ratio | raw peak RSS MB | es-helpers peak RSS MB |");
    println!("|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe().unwrap();
    let run = |name: &str, in_flight: usize| -> (f64, f64) {
        let out = Command::new(&exe)
            .args([
                "--child",
                name,
                "--in-flight",
                &in_flight.to_string(),
                "--docs",
                &docs.to_string(),
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut it = text.split_whitespace().map(|x| x.parse::<f64>().unwrap());
        (it.next().unwrap(), it.next().unwrap())
    };
    for (label, raw, ours) in [
        ("JSON lines", "raw-lines", "helper-lines"),
        ("typed structs", "raw-serde", "helper-typed"),
    ] {
        for in_flight in [1, 2] {
            let (mut r, mut o, mut r_rss, mut o_rss) = (Vec::new(), Vec::new(), 0f64, 0f64);
            for _ in 0..rounds {
                let (d, m) = run(raw, in_flight);
                r.push(d);
                r_rss = r_rss.max(m);
                let (d, m) = run(ours, in_flight);
                o.push(d);
                o_rss = o_rss.max(m);
            }
            let (r, o) = (median(r), median(o));
            println!(
                "| {label} | {in_flight} | {r:.0} | {o:.0} | {:.2} | {r_rss:.0} | {o_rss:.0} |",
                o / r
            );
        }
    }
}
