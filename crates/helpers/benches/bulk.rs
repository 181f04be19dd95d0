//! Side by side: es-helpers / es-client against a raw hyper client doing the same work, on
//! 1M log-like documents (~470 bytes) and small searches.
//!
//! ```text
//! cargo bench -p es-helpers --bench bulk                 # everything, 3 rounds
//! cargo bench -p es-helpers --bench bulk -- --docs 200000 --rounds 1 --only typed
//! cargo bench -p es-helpers --bench bulk -- --only search --control
//! ```
//!
//! Processes: the server (the test kit's fake cluster, 1 runtime thread, request recording
//! off: it answers every `_bulk` with one item per action and `_search` with a canned answer
//! of 10 hits) runs in its own process; each contender run is another process with a
//! 2-worker multi-thread tokio runtime, as a user would build one. Rounds alternate raw /
//! ours, the order turning each round (raw first, then ours first); the table gives medians,
//! each round's ratio and their median. The `search` and `ingester` rows are interleaved
//! instead (`interleaved_row`): both contenders run as processes side by side and take turns
//! batch by batch, so the machine's drifts fall on both alike. `--control` adds a second raw
//! contender and reports raw / raw, the spread of two identical contenders on this machine.
//!
//! The same work on both sides:
//! * `lines`: pre-serialized source lines. raw: reads the bulk-ready file (action + source
//!   lines) into 5000-document bodies; ours: `Action::index(line)` over the source lines.
//! * `typed`: JSON text parsed into a `LogDoc` struct and serialized. raw: the producer cuts
//!   5000 lines per body, each request task parses and serializes its lines (so both cores
//!   work); ours: `Action::index(FromJson::<LogDoc>::new(line))`.
//! * `value`: the same with `serde_json::Value` documents.
//! * `search`: a small search (10 hits) answered by the server, the body serialized from a
//!   `Value` per request and the answer parsed to `serde_json::Value` on both sides;
//!   sequential, then 8 in flight. ours: es-client's `search().index().body().json::<Value>()`.
//!
//! * `ingester`: not raw — one `es_helpers::bulk()` (left column) against a `BulkIngester`
//!   that 16 tasks push the same pre-serialized documents into (right column); a batch is
//!   one pass over 200,000 source lines held in memory.
//! * `cli`: not raw — es-helpers' `bulk()` of the source lines (left) against the `es bulk`
//!   command on the same file (right; its peak RSS polled from /proc). Needs `ES_BIN`:
//!   `cargo build --release -p es-cli && ES_BIN=$CARGO_TARGET_DIR/release/es cargo bench
//!   -p es-helpers --bench bulk -- --only cli`.
//!
//! Every bulk answer is checked the same way on both sides (`all_acknowledged`: one 2xx item
//! per action).

#![allow(clippy::unwrap_used, missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use es_client::{Client, CompatMode, TransportBuilder};
use es_helpers::{Action, BulkOptions, FromJson};
use es_testkit::{FakeCluster, Reply};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

const DOCS_PER_BODY: usize = 5000;

/// The `es` process's peak RSS (MB) in a `cli` run.
static CLI_PEAK_MB: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
/// Searches per run (`BENCH_SEARCHES` overrides, e.g. for a run under callgrind).
fn searches() -> usize {
    std::env::var("BENCH_SEARCHES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000)
}

#[derive(Serialize, Deserialize)]
struct Http {
    method: String,
    path: String,
    status: u16,
    duration_ms: f64,
    bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct User {
    id: String,
    country: String,
}

#[derive(Serialize, Deserialize)]
struct LogDoc {
    #[serde(rename = "@timestamp")]
    timestamp: String,
    level: String,
    service: String,
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
        level: LEVELS[(i % 4) as usize].into(),
        service: SERVICES[(i % 4) as usize].into(),
        host: format!("web-{:03}.eu-west-1.internal", i % 256),
        trace_id: format!("{:032x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15) as u128 * 7919),
        span_id: format!("{:016x}", i.wrapping_mul(0x2545_F491_4F6C_DD1D)),
        http: Http {
            method: if i.is_multiple_of(3) { "GET" } else { "POST" }.into(),
            path: format!("/api/v1/orders/{}/items", 100_000 + i % 900_000),
            status: [200, 201, 404, 500][(i % 4) as usize],
            duration_ms: (i % 5000) as f64 / 7.0,
            bytes: 512 + i % 65536,
        },
        user: User { id: format!("user-{}", i % 100_000), country: COUNTRIES[(i % 5) as usize].into() },
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
        // Written under temporary names, renamed when complete: an interrupted run leaves
        // no half file behind.
        let (lines_tmp, bulk_tmp) = (lines.with_extension("part"), bulk.with_extension("part"));
        let mut a = std::io::BufWriter::new(std::fs::File::create(&lines_tmp).unwrap());
        let mut b = std::io::BufWriter::new(std::fs::File::create(&bulk_tmp).unwrap());
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
        std::fs::rename(lines_tmp, &lines).unwrap();
        std::fs::rename(bulk_tmp, &bulk).unwrap();
    }
    (lines, bulk)
}

/// Source lines of a file as zero-copy `Bytes` slices of ~1 MiB blocks (both sides read
/// their files this way).
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
    peak_rss_mb_of("self")
}

/// `VmHWM` of a process (`self` or a pid), in MB.
fn peak_rss_mb_of(pid: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

type Raw = HyperClient<HttpConnector, Full<Bytes>>;

async fn raw_bulk(client: Raw, url: String, body: Vec<u8>) {
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

/// Runs `work` (which builds a body and sends it) on tasks, `in_flight` at a time, for each
/// item `next` produces.
async fn raw_run<T: Send + 'static, Fut>(
    in_flight: usize,
    mut next: impl FnMut() -> Option<T>,
    work: impl Fn(T) -> Fut,
) where
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let sem = Arc::new(tokio::sync::Semaphore::new(in_flight));
    let mut tasks = tokio::task::JoinSet::new();
    while let Some(item) = next() {
        let permit = sem.clone().acquire_owned().await.unwrap();
        let fut = work(item);
        tasks.spawn(async move {
            fut.await;
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

/// A body of bulk actions from source lines, each parsed as `T` and serialized.
fn parsed_body<T: serde::de::DeserializeOwned + Serialize>(lines: &[Bytes]) -> Vec<u8> {
    let mut body = Vec::with_capacity(lines.len() * 500);
    for l in lines {
        body.extend_from_slice(b"{\"index\":{}}\n");
        let doc: T = serde_json::from_slice(l).unwrap();
        serde_json::to_writer(&mut body, &doc).unwrap();
        body.push(b'\n');
    }
    body
}

/// One `es_helpers::bulk()` over `actions`; every one must be acknowledged.
async fn ours_bulk<S: es_helpers::BulkSource + Send + 'static>(
    client: Client,
    actions: impl Iterator<Item = Action<S>> + Send,
    opts: BulkOptions,
    expect: u64,
) -> u64 {
    let s = es_helpers::bulk(client, es_helpers::iter(actions), opts)
        .send()
        .await
        .unwrap();
    assert_eq!(s.ok, expect);
    expect
}

fn search_body() -> Value {
    json!({"query": {"bool": {"filter": [{"term": {"level": "ERROR"}}, {"range": {"@timestamp": {"gte": "now-1h"}}}]}}, "size": 10})
}

/// The server's canned search answer: 10 hits of log documents.
fn search_answer() -> Value {
    let hits: Vec<Value> = (0..10)
        .map(|i| json!({"_index": "bench", "_id": i.to_string(), "_score": 1.0, "_source": log_doc(i)}))
        .collect();
    json!({"took": 1, "timed_out": false, "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
           "hits": {"total": {"value": 10, "relation": "eq"}, "max_score": 1.0, "hits": hits}})
}

fn serve() {
    let cluster = FakeCluster::builder()
        .record_requests(false)
        .worker_threads(1)
        .start()
        .unwrap();
    // Serialized once: the server's work per search is as small as it can be, so the
    // clients' differences show.
    let answer = Bytes::from(serde_json::to_vec(&search_answer()).unwrap());
    cluster.set_handler(move |req| {
        req.path
            .ends_with("/_search")
            .then(|| Reply::raw(200, "application/json", answer.clone()))
    });
    println!("{}", cluster.url(0));
    std::io::stdout().flush().unwrap();
    // Until the harness closes our stdin.
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
}

/// es-client with its defaults, but for the version check (the null server has no `GET /`).
fn ours_client(url: &str) -> Client {
    let b = TransportBuilder::new()
        .host(url.to_string())
        .compat(CompatMode::Off)
        .product_check(false);
    Client::from_builder(b).unwrap()
}

/// `passes` times over `lines`: one `bulk()` (`ingester` false) or a `BulkIngester` that 16
/// tasks push into, a contiguous slice each. Every action must be acknowledged.
async fn ingester_run(
    ingester: bool,
    lines: &Arc<Vec<Bytes>>,
    passes: usize,
    client: Client,
    opts: BulkOptions,
) -> u64 {
    let total = (lines.len() * passes) as u64;
    if !ingester {
        let all = (0..passes)
            .flat_map(|_| lines.iter().cloned())
            .map(Action::index);
        let s = es_helpers::bulk(client, es_helpers::iter(all), opts)
            .send()
            .await
            .unwrap();
        assert_eq!(s.ok, total);
        return total;
    }
    // A queue of two requests' worth, as the ingester's docs advise.
    let ing = es_helpers::BulkIngester::start(client, opts, 2 * DOCS_PER_BODY, None);
    let mut tasks = Vec::new();
    for t in 0..16 {
        let (ing, lines) = (ing.clone(), lines.clone());
        tasks.push(tokio::spawn(async move {
            // Its own contiguous slice, as a task producing its own documents would have
            // them (a strided slice makes every line a cache miss).
            let per = lines.len().div_ceil(16);
            let mine = &lines[(t * per).min(lines.len())..((t + 1) * per).min(lines.len())];
            for _ in 0..passes {
                for l in mine {
                    ing.add(Action::index(l.clone())).await.unwrap();
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let s = ing.close().await.unwrap();
    assert_eq!(s.ok, total);
    total
}

/// One search contender: raw hyper or es-client, with what its requests need.
enum Side {
    Raw { raw: Raw, url: String },
    Ours(Client),
}

impl Side {
    fn new(name: &str, raw: &Raw, url: &str) -> Side {
        match name {
            "raw-search" => Side::Raw {
                raw: raw.clone(),
                url: url.to_string(),
            },
            "ours-search" => Side::Ours(ours_client(url)),
            other => panic!("unknown search contender {other}"),
        }
    }
}

/// `n` small searches, `in_flight` at a time; the body serialized from a `Value` per request
/// and the answer parsed to `Value` on both sides.
async fn search_run(side: &Side, n: usize, in_flight: usize) {
    let body = search_body();
    let mut sent = 0;
    let next = || {
        sent += 1;
        (sent <= n).then_some(())
    };
    match side {
        Side::Raw { raw, url } => {
            raw_run(in_flight, next, |()| {
                let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
                async move {
                    // The body serialized per request, as es-client does.
                    let body = Bytes::from(serde_json::to_vec(&body).unwrap());
                    let req = http::Request::post(format!("{url}/bench/_search"))
                        .header("content-type", "application/json")
                        .body(Full::new(body))
                        .unwrap();
                    let resp = raw.request(req).await.unwrap();
                    assert!(resp.status().is_success());
                    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
                    let v: Value = serde_json::from_slice(&bytes).unwrap();
                    assert_eq!(v["hits"]["hits"].as_array().map(Vec::len), Some(10));
                }
            })
            .await
        }
        Side::Ours(client) => {
            raw_run(in_flight, next, |()| {
                let (client, body) = (client.clone(), body.clone());
                async move {
                    let v: Value = client
                        .search()
                        .index("bench")
                        .body(&body)
                        .json()
                        .await
                        .unwrap();
                    assert_eq!(v["hits"]["hits"].as_array().map(Vec::len), Some(10));
                }
            })
            .await
        }
    }
}

/// A contender that runs batches on request: each line on stdin is a batch size (searches,
/// or passes over the ingester rows' lines); it answers with the batch's seconds. Used by
/// the interleaved rows, where the harness hands the turn from one contender process to the
/// other every batch.
fn batches(name: &str, in_flight: usize, docs: u64, url: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let raw: Raw = HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new());
    let ingester = name.ends_with("-ingester");
    let (side, lines) = if ingester {
        let lines: Arc<Vec<Bytes>> =
            Arc::new(Lines::new(&data_files(docs).0).take(200_000).collect());
        (None, lines)
    } else {
        let side = rt.block_on(async { Side::new(name, &raw, url) });
        (Some(side), Arc::default())
    };
    let client = ours_client(url);
    let mut out = std::io::stdout().lock();
    for line in std::io::stdin().lock().lines() {
        let n: usize = line.unwrap().trim().parse().unwrap();
        let started = Instant::now();
        match &side {
            Some(side) => rt.block_on(search_run(side, n, in_flight)),
            None => {
                let opts = BulkOptions::default()
                    .index("bench")
                    .chunk_size(DOCS_PER_BODY)
                    .max_in_flight(in_flight);
                let ours = name == "ours-ingester";
                rt.block_on(ingester_run(ours, &lines, n, client.clone(), opts));
            }
        }
        writeln!(out, "{}", started.elapsed().as_secs_f64()).unwrap();
        out.flush().unwrap();
    }
}

fn child(name: &str, in_flight: usize, docs: u64, url: &str) {
    let (lines_file, bulk_file) = data_files(docs);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ours = || ours_client(url);
    let raw: Raw = HyperClient::builder(TokioExecutor::new()).build(HttpConnector::new());
    let opts = || {
        BulkOptions::default()
            .index("bench")
            .chunk_size(DOCS_PER_BODY)
            .max_in_flight(in_flight)
    };
    let url = url.to_string();
    let started = Instant::now();
    let units = rt.block_on(async {
        match name {
            "raw-lines" => {
                let mut reader =
                    BufReader::with_capacity(8 << 20, std::fs::File::open(&bulk_file).unwrap());
                let next = || {
                    let mut body = Vec::with_capacity(2_500_000);
                    for _ in 0..2 * DOCS_PER_BODY {
                        if reader.read_until(b'\n', &mut body).unwrap() == 0 {
                            break;
                        }
                    }
                    (!body.is_empty()).then_some(body)
                };
                raw_run(in_flight, next, |body| {
                    raw_bulk(raw.clone(), url.clone(), body)
                })
                .await;
                docs
            }
            "raw-typed" | "raw-value" => {
                let mut lines = Lines::new(&lines_file);
                let next = || {
                    let group: Vec<Bytes> = lines.by_ref().take(DOCS_PER_BODY).collect();
                    (!group.is_empty()).then_some(group)
                };
                let typed = name == "raw-typed";
                raw_run(in_flight, next, |group| {
                    let (raw, url) = (raw.clone(), url.clone());
                    async move {
                        let body = if typed {
                            parsed_body::<LogDoc>(&group)
                        } else {
                            parsed_body::<Value>(&group)
                        };
                        raw_bulk(raw, url, body).await
                    }
                })
                .await;
                docs
            }
            "ours-lines" => {
                let actions = Lines::new(&lines_file).map(Action::index);
                ours_bulk(ours(), actions, opts(), docs).await
            }
            "ours-typed" => {
                let actions =
                    Lines::new(&lines_file).map(|l| Action::index(FromJson::<LogDoc>::new(l)));
                ours_bulk(ours(), actions, opts(), docs).await
            }
            "ours-value" => {
                let actions =
                    Lines::new(&lines_file).map(|l| Action::index(FromJson::<Value>::new(l)));
                ours_bulk(ours(), actions, opts(), docs).await
            }
            // `es bulk` of the source-lines file against the library's best mode for the same
            // input (pre-serialized lines, 2 in flight, 5000 per request).
            "raw-cli" => {
                let actions = Lines::new(&lines_file).map(Action::index);
                ours_bulk(ours(), actions, opts(), docs).await
            }
            "ours-cli" => {
                let es = std::env::var("ES_BIN").unwrap();
                let mut child = Command::new(es)
                    .args(["--url", &url, "bulk", "bench"])
                    .arg(&lines_file)
                    .args(["--chunk-size", &DOCS_PER_BODY.to_string()])
                    .args([
                        "--in-flight",
                        &in_flight.to_string(),
                        "--no-progress",
                        "--no-refresh",
                    ])
                    .stdout(Stdio::null())
                    .spawn()
                    .unwrap();
                // Its peak RSS, read from /proc while it runs (every 20 ms).
                let status = format!("/proc/{}/status", child.id());
                let mut peak = 0f64;
                loop {
                    if let Some(kb) = std::fs::read_to_string(&status).ok().and_then(|t| {
                        t.lines()
                            .find(|l| l.starts_with("VmHWM:"))
                            .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
                    }) {
                        peak = peak.max(kb / 1024.0);
                    }
                    if child.try_wait().unwrap().is_some() {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                }
                CLI_PEAK_MB.store(peak as u64, std::sync::atomic::Ordering::Relaxed);
                docs
            }
            // The ingester against one `bulk()` over the same documents (both es-helpers):
            // 200,000 source lines held in memory, sent 5 times.
            "raw-ingester" | "ours-ingester" => {
                let lines: Arc<Vec<Bytes>> =
                    Arc::new(Lines::new(&lines_file).take(200_000).collect());
                ingester_run(name == "ours-ingester", &lines, 5, ours(), opts()).await
            }
            "raw-search" | "ours-search" => {
                let side = Side::new(name, &raw, &url);
                search_run(&side, searches(), in_flight).await;
                searches() as u64
            }
            other => panic!("unknown contender {other}"),
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let rss = match CLI_PEAK_MB.load(std::sync::atomic::Ordering::Relaxed) {
        0 => peak_rss_mb(),
        es => es as f64,
    };
    println!("{} {rss:.1}", units as f64 / secs);
}

/// A contender process that runs batches when told (`--batches`).
struct Batcher {
    child: Child,
    stdin: Option<std::process::ChildStdin>,
    stdout: BufReader<std::process::ChildStdout>,
}

impl Batcher {
    fn start(exe: &Path, name: &str, in_flight: usize, docs: u64, url: &str) -> Batcher {
        let mut child = Command::new(exe)
            .args(["--child", name, "--in-flight", &in_flight.to_string()])
            .args(["--docs", &docs.to_string(), "--url", url, "--batches"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Batcher {
            child,
            stdin,
            stdout,
        }
    }

    /// Runs a batch of `n` (searches, or passes over the ingester's lines) in the contender;
    /// its seconds, as the contender timed them.
    fn batch(&mut self, n: usize) -> f64 {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{n}").unwrap();
        stdin.flush().unwrap();
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim()
            .parse()
            .unwrap_or_else(|_| panic!("contender answered {line:?}"))
    }

    fn peak_mb(&self) -> f64 {
        peak_rss_mb_of(&self.child.id().to_string())
    }
}

impl Drop for Batcher {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// CPU time of all a process's threads so far, in ns (`/proc/<pid>/task/*/schedstat`).
fn cpu_ns(pid: u32) -> u64 {
    let Ok(tasks) = std::fs::read_dir(format!("/proc/{pid}/task")) else {
        return 0;
    };
    tasks
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("schedstat")).ok())
        .filter_map(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .sum()
}

fn quantile(mut v: Vec<f64>, q: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// A search or ingester row, interleaved: both contenders (and the control) run as
/// processes side by side, taking turns batch by batch (the order turning each pair), so the
/// machine's slow drifts — other tenants, frequency — fall on both alike. Rates are each contender's
/// median batch rate; the per-pair ratios are summarized by their quantiles.
#[allow(clippy::too_many_arguments)]
fn interleaved_row(
    exe: &Path,
    url: &str,
    server_pid: u32,
    work: &str,
    label: &str,
    in_flight: usize,
    control: bool,
    docs: u64,
) {
    let env = |k: &str| std::env::var(k).ok().and_then(|n| n.parse::<usize>().ok());
    // Search: about 40 ms a batch either way, long beside the scheduler's time slices, short
    // beside the machine's drifts. Ingester: one pass over its 200,000 lines (~0.1 s).
    let (batch, unit) = match work {
        "search" => (
            env("BENCH_SEARCH_BATCH").unwrap_or(250 * in_flight.min(4)),
            1,
        ),
        _ => (1, 200_000),
    };
    let pairs = env("BENCH_PAIRS").unwrap_or(if work == "search" { 80 } else { 25 });
    let start = |name: String| Batcher::start(exe, &name, in_flight, docs, url);
    let mut procs = vec![start(format!("raw-{work}")), start(format!("ours-{work}"))];
    if control {
        procs.push(start(format!("raw-{work}")));
    }
    // Warm-up (connections opened, allocator and caches warm): not counted.
    for p in procs.iter_mut() {
        p.batch(batch);
    }
    let ticks = |pid: u32| -> (f64, f64) {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
        let rest = stat.rsplit_once(')').map_or("", |r| r.1);
        let f: Vec<&str> = rest.split_whitespace().collect();
        let num = |i: usize| f.get(i).and_then(|x| x.parse().ok()).unwrap_or(0.0);
        (num(11), num(12))
    };
    let t0: Vec<(f64, f64)> = procs.iter().map(|p| ticks(p.child.id())).collect();
    let mut rates: Vec<Vec<f64>> = vec![Vec::new(); procs.len()];
    // CPU time (ns) of each contender's process, and of the server while it served each.
    let (mut client_ns, mut server_ns) = (vec![0u64; procs.len()], vec![0u64; procs.len()]);
    for pair in 0..pairs {
        let mut order: Vec<usize> = (0..procs.len()).collect();
        let turn = pair % order.len();
        order.rotate_left(turn);
        for who in order {
            let (c0, s0) = (cpu_ns(procs[who].child.id()), cpu_ns(server_pid));
            let secs = procs[who].batch(batch);
            client_ns[who] += cpu_ns(procs[who].child.id()) - c0;
            server_ns[who] += cpu_ns(server_pid) - s0;
            rates[who].push((batch * unit) as f64 / secs);
        }
    }
    let per = |ns: u64| ns as f64 / 1000.0 / (pairs * batch * unit) as f64;
    let t1: Vec<(f64, f64)> = procs.iter().map(|p| ticks(p.child.id())).collect();
    // Clock ticks are 10 ms here (USER_HZ 100).
    let us = |t: f64| t * 10_000.0 / (pairs * batch * unit) as f64;
    eprintln!(
        "user / system µs per unit: raw {:.2} / {:.2}, ours {:.2} / {:.2}",
        us(t1[0].0 - t0[0].0),
        us(t1[0].1 - t0[0].1),
        us(t1[1].0 - t0[1].0),
        us(t1[1].1 - t0[1].1)
    );
    eprintln!(
        "{label}, {in_flight} in flight: CPU µs per unit, client / server while serving it: raw {:.2} / {:.2}, ours {:.2} / {:.2}",
        per(client_ns[0]),
        per(server_ns[0]),
        per(client_ns[1]),
        per(server_ns[1])
    );
    let ratios: Vec<f64> = (0..pairs).map(|i| rates[1][i] / rates[0][i]).collect();
    let (rm, om) = (median(rates[0].clone()), median(rates[1].clone()));
    let spread = |v: &[f64]| {
        format!(
            "p10 {:.2}, p25 {:.2}, p75 {:.2}, p90 {:.2}",
            quantile(v.to_vec(), 0.1),
            quantile(v.to_vec(), 0.25),
            quantile(v.to_vec(), 0.75),
            quantile(v.to_vec(), 0.9)
        )
    };
    let control_cell = if control {
        let c: Vec<f64> = (0..pairs).map(|i| rates[2][i] / rates[0][i]).collect();
        format!("{:.2} ({})", median(c.clone()), spread(&c))
    } else {
        "—".to_string()
    };
    println!(
        "| {label}, interleaved | {in_flight} | {rm:.0} | {om:.0} | {:.2} | {:.2} | {pairs} pairs of {}: {} | {control_cell} | {:.0} | {:.0} |",
        om / rm,
        median(ratios.clone()),
        batch * unit,
        spread(&ratios),
        procs[0].peak_mb(),
        procs[1].peak_mb(),
    );
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.0.stdin.take());
        let _ = self.0.wait();
    }
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
    if args.iter().any(|a| a == "--serve") {
        serve();
        return;
    }
    if let Some(name) = arg("--child") {
        let in_flight: usize = arg("--in-flight").map_or(1, |n| n.parse().unwrap());
        if args.iter().any(|a| a == "--batches") {
            batches(&name, in_flight, docs, &arg("--url").unwrap());
            return;
        }
        child(&name, in_flight, docs, &arg("--url").unwrap());
        return;
    }
    let rounds: usize = arg("--rounds").map_or(3, |n| n.parse().unwrap());
    let only = arg("--only");
    // A second raw run per round, reported as raw / raw: the spread two identical contenders
    // show on this machine, next to the ratio it qualifies.
    let control = args.iter().any(|a| a == "--control");
    let (lines, _) = data_files(docs);
    let avg = std::fs::metadata(&lines).unwrap().len() as f64 / docs as f64;
    let exe = std::env::current_exe().unwrap();
    let mut server = Command::new(&exe)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut url = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut url)
        .unwrap();
    let url = url.trim().to_string();
    let server_pid = server.id();
    let _server = Server(server);
    println!("{docs} documents, {avg:.0} bytes each on average; {rounds} round(s), alternating; medians; each contender its own process (2-worker tokio runtime), the server another; search rows interleaved (see `interleaved_search_row`)\n");
    println!("| work | in flight | raw hyper /s | ours /s | ratio of medians | median of round ratios | per-round ratios | A/A control: raw / raw (min–max) | raw peak RSS MB | ours peak RSS MB |");
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let run = |name: &str, in_flight: usize| -> (f64, f64) {
        let out = Command::new(&exe)
            .args([
                "--child",
                name,
                "--in-flight",
                &in_flight.to_string(),
                "--docs",
                &docs.to_string(),
                "--url",
                &url,
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
    for (work, label, flights) in [
        ("lines", "pre-serialized lines (docs)", &[1usize, 2][..]),
        ("typed", "typed LogDoc, parse + serialize (docs)", &[1, 2]),
        (
            "value",
            "serde_json::Value, parse + serialize (docs)",
            &[1, 2],
        ),
        ("search", "small search parsed to Value (requests)", &[1, 8]),
        (
            "ingester",
            "ingester, 16 tasks (raw column: one bulk() of es-helpers) (docs)",
            &[2],
        ),
        (
            "cli",
            "`es bulk` of the lines file (raw column: es-helpers bulk() of the same lines) (docs)",
            &[2],
        ),
    ] {
        if only.as_deref().is_some_and(|o| o != work) {
            continue;
        }
        if work == "cli" && std::env::var_os("ES_BIN").is_none() {
            println!("| {label} | — | skipped: set ES_BIN to a release `es` binary | | | | | |");
            continue;
        }
        if work == "search" || work == "ingester" {
            for &in_flight in flights {
                interleaved_row(
                    &exe, &url, server_pid, work, label, in_flight, control, docs,
                );
            }
            continue;
        }
        for &in_flight in flights {
            let (mut r, mut o, mut ratios, mut r_rss, mut o_rss) =
                (Vec::new(), Vec::new(), Vec::new(), 0f64, 0f64);
            let mut controls = Vec::new();
            for round in 0..rounds {
                // The order turns every round (raw first, then ours first; with the control a
                // rotation of three), so neither contender always runs just after the other.
                let mut order = vec![0, 1];
                if control {
                    order.push(2);
                }
                let turn = round % order.len();
                order.rotate_left(turn);
                let (mut a, mut b, mut c) = (0.0, 0.0, 0.0);
                for who in order {
                    match who {
                        0 => {
                            let (rate, m) = run(&format!("raw-{work}"), in_flight);
                            r_rss = r_rss.max(m);
                            a = rate;
                        }
                        1 => {
                            let (rate, m) = run(&format!("ours-{work}"), in_flight);
                            o_rss = o_rss.max(m);
                            b = rate;
                        }
                        _ => c = run(&format!("raw-{work}"), in_flight).0,
                    }
                }
                r.push(a);
                o.push(b);
                ratios.push(b / a);
                if control {
                    controls.push(c / a);
                }
            }
            let per_round = ratios
                .iter()
                .map(|x| format!("{x:.2}"))
                .collect::<Vec<_>>()
                .join(", ");
            let control_cell = if control {
                format!(
                    "{:.2} ({:.2}–{:.2})",
                    median(controls.clone()),
                    controls.iter().cloned().fold(f64::INFINITY, f64::min),
                    controls.iter().cloned().fold(0.0, f64::max)
                )
            } else {
                "—".to_string()
            };
            let (rm, om) = (median(r), median(o));
            println!(
                "| {label} | {in_flight} | {rm:.0} | {om:.0} | {:.2} | {:.2} | {per_round} | {control_cell} | {r_rss:.0} | {o_rss:.0} |",
                om / rm,
                median(ratios),
            );
        }
    }
}
