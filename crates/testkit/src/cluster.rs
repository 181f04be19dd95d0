//! [`FakeCluster`]: a programmable fake Elasticsearch cluster on loopback.
//!
//! Each node listens on its own port. The cluster runs on its own runtime thread, so it serves
//! sync and async tests alike, and its control methods are plain (non-async) calls.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::{AbortHandle, JoinHandle};

use crate::certs::ServerTls;
use crate::script::{Handler, RecordedRequest, Reply, Rule};
use crate::store::DocStore;
use crate::TestkitError;

/// Which product the fake cluster pretends to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FakeProduct {
    /// Elasticsearch (sends `X-Elastic-Product: Elasticsearch`).
    Elasticsearch,
    /// OpenSearch (`version.distribution: opensearch`).
    OpenSearch,
    /// Something else (fails the product check).
    Other,
}

/// Configures a [`FakeCluster`].
#[derive(Debug)]
pub struct FakeClusterBuilder {
    nodes: usize,
    version: String,
    product: FakeProduct,
    ipv6: bool,
    tls: Option<ServerTls>,
    record: bool,
    worker_threads: usize,
    store: bool,
}

impl Default for FakeClusterBuilder {
    fn default() -> Self {
        FakeClusterBuilder {
            nodes: 1,
            version: "8.15.0".into(),
            product: FakeProduct::Elasticsearch,
            ipv6: false,
            tls: None,
            record: true,
            worker_threads: 1,
            store: false,
        }
    }
}

impl FakeClusterBuilder {
    /// Number of nodes (default 1).
    pub fn nodes(mut self, n: usize) -> Self {
        self.nodes = n.max(1);
        self
    }
    /// `version.number` answered by `GET /` (default `8.15.0`).
    pub fn version(mut self, v: &str) -> Self {
        self.version = v.into();
        self
    }
    /// The product to impersonate.
    pub fn product(mut self, p: FakeProduct) -> Self {
        self.product = p;
        self
    }
    /// Listen on `[::1]` instead of `127.0.0.1`.
    pub fn ipv6(mut self, on: bool) -> Self {
        self.ipv6 = on;
        self
    }
    /// Serve HTTPS with this certificate (and optionally require client certificates).
    pub fn tls(mut self, tls: ServerTls) -> Self {
        self.tls = Some(tls);
        self
    }
    /// Record requests (default on; benchmarks turn it off).
    pub fn record_requests(mut self, on: bool) -> Self {
        self.record = on;
        self
    }
    /// Keep documents ([`DocStore`]): `_bulk` applies its actions and answers per item as
    /// Elasticsearch does (409 for an existing `create`...), `GET _doc`, `_mget` and `_count`
    /// read them. Off by default: the built-in `_bulk` then acknowledges everything.
    pub fn store_documents(mut self, on: bool) -> Self {
        self.store = on;
        self
    }
    /// Server runtime threads (default 1).
    pub fn worker_threads(mut self, n: usize) -> Self {
        self.worker_threads = n.max(1);
        self
    }

    /// Starts the nodes.
    pub fn start(self) -> Result<FakeCluster, TestkitError> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(self.worker_threads)
            .thread_name("fake-cluster")
            .enable_all()
            .build()
            .map_err(TestkitError::io("start fake cluster runtime"))?;
        let tls = match &self.tls {
            Some(t) => Some(tokio_rustls::TlsAcceptor::from(t.server_config()?)),
            None => None,
        };
        let ip: IpAddr = if self.ipv6 {
            Ipv6Addr::LOCALHOST.into()
        } else {
            Ipv4Addr::LOCALHOST.into()
        };
        let shared = Arc::new(Shared {
            version: Mutex::new(self.version.clone()),
            product: Mutex::new(self.product),
            rules: Mutex::new(Vec::new()),
            handler: Mutex::new(None),
            requests: Mutex::new(Vec::new()),
            record: AtomicBool::new(self.record),
            nodes_http: Mutex::new(None),
            nodes: Mutex::new(Vec::new()),
            scheme: if tls.is_some() { "https" } else { "http" },
            store: self.store.then(DocStore::default),
        });
        let mut nodes = Vec::new();
        for index in 0..self.nodes {
            let std_listener = std::net::TcpListener::bind(SocketAddr::new(ip, 0))
                .map_err(TestkitError::io("bind fake node"))?;
            let addr = std_listener
                .local_addr()
                .map_err(TestkitError::io("local addr"))?;
            let node = Arc::new(NodeState {
                index,
                addr,
                name: format!("node-{index}"),
                up: AtomicBool::new(true),
                delay: Mutex::new(Duration::ZERO),
                accept: Mutex::new(None),
                conns: Arc::new(Mutex::new(Vec::new())),
                accepted: AtomicUsize::new(0),
                open: Arc::new(AtomicUsize::new(0)),
                roles: Mutex::new(vec!["data".into(), "ingest".into(), "master".into()]),
                publish: Mutex::new(None),
                listed: AtomicBool::new(true),
                tls: tls.clone(),
            });
            spawn_accept(rt.handle(), &shared, &node, std_listener)?;
            nodes.push(node);
        }
        *lock(&shared.nodes) = nodes.clone();
        Ok(FakeCluster {
            rt: Some(rt),
            shared,
            nodes,
        })
    }
}

struct Shared {
    version: Mutex<String>,
    product: Mutex<FakeProduct>,
    rules: Mutex<Vec<Rule>>,
    handler: Mutex<Option<Handler>>,
    requests: Mutex<Vec<RecordedRequest>>,
    record: AtomicBool,
    nodes_http: Mutex<Option<serde_json::Value>>,
    nodes: Mutex<Vec<Arc<NodeState>>>,
    scheme: &'static str,
    store: Option<DocStore>,
}

struct NodeState {
    index: usize,
    addr: SocketAddr,
    name: String,
    up: AtomicBool,
    delay: Mutex<Duration>,
    accept: Mutex<Option<JoinHandle<()>>>,
    conns: Arc<Mutex<Vec<AbortHandle>>>,
    accepted: AtomicUsize,
    open: Arc<AtomicUsize>,
    roles: Mutex<Vec<String>>,
    publish: Mutex<Option<String>>,
    listed: AtomicBool,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// A running fake cluster. Dropping it stops every node.
///
/// ```
/// use es_testkit::{FakeCluster, Reply, Rule};
/// let cluster = FakeCluster::start(2).unwrap();
/// cluster.push(Rule::new(Reply::status(503)).node(0).times(1));
/// assert_eq!(cluster.urls().len(), 2);
/// assert_eq!(cluster.requests().len(), 0);
/// ```
pub struct FakeCluster {
    rt: Option<tokio::runtime::Runtime>,
    shared: Arc<Shared>,
    nodes: Vec<Arc<NodeState>>,
}

impl std::fmt::Debug for FakeCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeCluster")
            .field("urls", &self.urls())
            .finish()
    }
}

impl Drop for FakeCluster {
    fn drop(&mut self) {
        if let Some(rt) = self.rt.take() {
            rt.shutdown_background();
        }
    }
}

/// A handle on one node of a [`FakeCluster`].
pub struct FakeNode<'a> {
    cluster: &'a FakeCluster,
    node: &'a Arc<NodeState>,
}

impl FakeCluster {
    /// A builder.
    pub fn builder() -> FakeClusterBuilder {
        FakeClusterBuilder::default()
    }

    /// `n` plain-HTTP Elasticsearch 8.15 nodes.
    pub fn start(n: usize) -> Result<FakeCluster, TestkitError> {
        FakeCluster::builder().nodes(n).start()
    }

    /// The URL of node `i`.
    pub fn url(&self, i: usize) -> String {
        node_url(self.shared.scheme, self.nodes[i].addr)
    }

    /// Every node's URL.
    pub fn urls(&self) -> Vec<String> {
        (0..self.nodes.len()).map(|i| self.url(i)).collect()
    }

    /// A handle on node `i` (panics if out of range: a test bug).
    pub fn node(&self, i: usize) -> FakeNode<'_> {
        FakeNode {
            cluster: self,
            node: &self.nodes[i],
        }
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always `false`: a cluster has at least one node.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Adds a scripted rule (rules are tried in order; the first match answers).
    pub fn push(&self, rule: Rule) {
        lock(&self.shared.rules).push(rule);
    }

    /// Removes every rule.
    pub fn clear_rules(&self) {
        lock(&self.shared.rules).clear();
    }

    /// Sets a dynamic handler consulted after the rules and before the built-in routes.
    pub fn set_handler<F>(&self, f: F)
    where
        F: Fn(&RecordedRequest) -> Option<Reply> + Send + Sync + 'static,
    {
        *lock(&self.shared.handler) = Some(Arc::new(f));
    }

    /// Every recorded request, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// Recorded requests whose path starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<RecordedRequest> {
        lock(&self.shared.requests)
            .iter()
            .filter(|r| r.path.starts_with(prefix))
            .cloned()
            .collect()
    }

    /// Forgets recorded requests.
    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Replaces the `GET /_nodes/...` answer (`None`: generated from the cluster's nodes).
    pub fn set_nodes_http(&self, body: Option<serde_json::Value>) {
        *lock(&self.shared.nodes_http) = body;
    }

    /// Changes the version (and product) answered by `GET /`.
    pub fn set_version(&self, version: &str, product: FakeProduct) {
        *lock(&self.shared.version) = version.into();
        *lock(&self.shared.product) = product;
    }

    /// The documents, when built with [`store_documents`](FakeClusterBuilder::store_documents).
    pub fn store(&self) -> Option<&DocStore> {
        self.shared.store.as_ref()
    }

    /// The `_nodes/http` body the cluster currently answers.
    pub fn nodes_http(&self) -> serde_json::Value {
        nodes_body(&self.shared)
    }
}

impl FakeNode<'_> {
    /// The node's URL.
    pub fn url(&self) -> String {
        node_url(self.cluster.shared.scheme, self.node.addr)
    }
    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.node.addr
    }
    /// Delays every answer of this node.
    pub fn set_delay(&self, d: Duration) {
        *lock(&self.node.delay) = d;
    }
    /// TCP connections accepted so far.
    pub fn connections_accepted(&self) -> usize {
        self.node.accepted.load(Ordering::SeqCst)
    }
    /// TCP connections open now.
    pub fn open_connections(&self) -> usize {
        self.node.open.load(Ordering::SeqCst)
    }
    /// Roles announced in `_nodes/http`.
    pub fn set_roles(&self, roles: &[&str]) {
        *lock(&self.node.roles) = roles.iter().map(|r| r.to_string()).collect();
    }
    /// The publish address announced in `_nodes/http` (`None`: `ip:port`).
    pub fn set_publish_address(&self, address: Option<&str>) {
        *lock(&self.node.publish) = address.map(str::to_owned);
    }
    /// Whether `_nodes/http` lists this node.
    pub fn set_listed(&self, on: bool) {
        self.node.listed.store(on, Ordering::SeqCst);
    }
    /// Whether the node is accepting connections.
    pub fn is_up(&self) -> bool {
        self.node.up.load(Ordering::SeqCst)
    }

    /// Stops the node: closes its listener (connection refused) and drops open connections.
    pub fn down(&self) {
        self.node.up.store(false, Ordering::SeqCst);
        let handle = lock(&self.node.accept).take();
        if let Some(h) = handle {
            h.abort();
            let deadline = Instant::now() + Duration::from_secs(2);
            while !h.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(2));
            }
        }
        for c in lock(&self.node.conns).drain(..) {
            c.abort();
        }
    }

    /// Restarts a stopped node on the same port.
    pub fn up(&self) -> Result<(), TestkitError> {
        if self.is_up() {
            return Ok(());
        }
        let mut last = None;
        for _ in 0..100 {
            match std::net::TcpListener::bind(self.node.addr) {
                Ok(l) => {
                    let rt = self.cluster.rt.as_ref().ok_or(TestkitError::Stopped)?;
                    spawn_accept(rt.handle(), &self.cluster.shared, self.node, l)?;
                    self.node.up.store(true, Ordering::SeqCst);
                    return Ok(());
                }
                Err(e) => {
                    last = Some(e);
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
        }
        Err(TestkitError::Io {
            what: "rebind fake node",
            source: last.unwrap_or_else(|| std::io::Error::other("bind failed")),
        })
    }
}

/// Counts a connection as open until dropped.
struct OpenGuard(Arc<AtomicUsize>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn node_url(scheme: &str, addr: SocketAddr) -> String {
    match addr {
        SocketAddr::V4(a) => format!("{scheme}://{}:{}", a.ip(), a.port()),
        SocketAddr::V6(a) => format!("{scheme}://[{}]:{}", a.ip(), a.port()),
    }
}

fn spawn_accept(
    rt: &tokio::runtime::Handle,
    shared: &Arc<Shared>,
    node: &Arc<NodeState>,
    listener: std::net::TcpListener,
) -> Result<(), TestkitError> {
    listener
        .set_nonblocking(true)
        .map_err(TestkitError::io("set_nonblocking"))?;
    let (shared, node2) = (shared.clone(), node.clone());
    let handle = rt.spawn(async move {
        let listener = match TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(_) => return,
        };
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                continue;
            };
            let _ = tcp.set_nodelay(true);
            node2.accepted.fetch_add(1, Ordering::SeqCst);
            node2.open.fetch_add(1, Ordering::SeqCst);
            let (shared, node3) = (shared.clone(), node2.clone());
            let open = OpenGuard(node2.open.clone());
            let task = tokio::spawn(async move {
                // Decrements when the task ends or is aborted (node down).
                let _open = open;
                serve_connection(shared, node3, tcp).await;
            });
            let mut conns = lock(&node2.conns);
            conns.retain(|c| !c.is_finished());
            conns.push(task.abort_handle());
        }
    });
    *lock(&node.accept) = Some(handle);
    Ok(())
}

async fn serve_connection(shared: Arc<Shared>, node: Arc<NodeState>, tcp: tokio::net::TcpStream) {
    let svc = {
        let (shared, node) = (shared.clone(), node.clone());
        service_fn(move |req: Request<Incoming>| {
            let (shared, node) = (shared.clone(), node.clone());
            async move { handle(shared, node, req).await }
        })
    };
    let builder = hyper::server::conn::http1::Builder::new();
    match &node.tls {
        Some(acceptor) => {
            if let Ok(stream) = acceptor.accept(tcp).await {
                let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
            }
        }
        None => {
            let _ = builder.serve_connection(TokioIo::new(tcp), svc).await;
        }
    }
}

/// The error a service returns to make hyper drop the connection without answering.
#[derive(Debug)]
struct ResetConnection;

impl std::fmt::Display for ResetConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("scripted connection reset")
    }
}

impl std::error::Error for ResetConnection {}

async fn handle(
    shared: Arc<Shared>,
    node: Arc<NodeState>,
    req: Request<Incoming>,
) -> Result<Response<ReplyBody>, ResetConnection> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let recorded = RecordedRequest {
        node: node.index,
        method: parts.method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let mut reply = {
        let mut rules = lock(&shared.rules);
        rules.iter_mut().find(|r| r.matches(&recorded)).map(|r| {
            if let Some(n) = r.remaining.as_mut() {
                *n -= 1;
            }
            r.reply.clone()
        })
    };
    if reply.is_none() {
        let handler = lock(&shared.handler).clone();
        reply = handler.and_then(|h| h(&recorded));
    }
    let delay = *lock(&node.delay);
    let reply = reply.unwrap_or(Reply::Default);
    if shared.record.load(Ordering::Relaxed) {
        lock(&shared.requests).push(recorded.clone());
    }
    answer(&shared, &node, &recorded, reply, delay).await
}

async fn answer(
    shared: &Shared,
    node: &NodeState,
    req: &RecordedRequest,
    mut reply: Reply,
    delay: Duration,
) -> Result<Response<ReplyBody>, ResetConnection> {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    loop {
        match reply {
            Reply::Delay(d, inner) => {
                tokio::time::sleep(d).await;
                reply = *inner;
            }
            Reply::Hang => {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                return Err(ResetConnection);
            }
            Reply::Reset => return Err(ResetConnection),
            Reply::Default => {
                reply = builtin(shared, node, req);
            }
            Reply::AfterDefault(f) => {
                reply = f(builtin(shared, node, req));
            }
            Reply::Cut {
                status,
                headers,
                body,
                at,
            } => {
                let len = body.len();
                let sent = CutBody(Some(body.slice(..at.min(len))));
                let mut resp = respond(shared, status, headers, sent.boxed());
                resp.headers_mut()
                    .insert(http::header::CONTENT_LENGTH, HeaderValue::from(len));
                return Ok(resp);
            }
            Reply::Respond {
                status,
                headers,
                body,
            } => {
                let full = Full::new(body).map_err(|never| match never {}).boxed();
                return Ok(respond(shared, status, headers, full));
            }
        }
    }
}

/// What a fake node answers with: a whole body or one cut short.
type ReplyBody = BoxBody<Bytes, ResetConnection>;

/// The first bytes of a body, then an error: hyper drops the connection mid-body.
struct CutBody(Option<Bytes>);

impl hyper::body::Body for CutBody {
    type Data = Bytes;
    type Error = ResetConnection;
    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, ResetConnection>>> {
        std::task::Poll::Ready(Some(match self.0.take() {
            Some(b) => Ok(hyper::body::Frame::data(b)),
            None => Err(ResetConnection),
        }))
    }
}

fn respond(
    shared: &Shared,
    status: StatusCode,
    headers: Vec<(String, String)>,
    body: ReplyBody,
) -> Response<ReplyBody> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    if *lock(&shared.product) == FakeProduct::Elasticsearch {
        resp.headers_mut().insert(
            "x-elastic-product",
            HeaderValue::from_static("Elasticsearch"),
        );
    }
    for (k, v) in headers {
        if let (Ok(k), Ok(v)) = (
            http::HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            resp.headers_mut().insert(k, v);
        }
    }
    resp
}

fn builtin(shared: &Shared, node: &NodeState, req: &RecordedRequest) -> Reply {
    let path = req.path.as_str();
    if let Some(reply) = shared.store.as_ref().and_then(|s| stored(s, req)) {
        return reply;
    }
    match (&req.method, path) {
        (&Method::GET | &Method::HEAD, "/") => Reply::json(200, info_body(shared, node)),
        (&Method::GET, p) if p.starts_with("/_nodes") => Reply::json(200, nodes_body(shared)),
        (&Method::POST | &Method::PUT, p) if p.ends_with("/_bulk") => {
            bulk_reply(&req.decoded_body())
        }
        (&Method::GET, p) if p.starts_with("/_cluster/health") => {
            let n = lock(&shared.nodes).len();
            Reply::json(
                200,
                serde_json::json!({
                    "cluster_name": "fake-cluster", "status": "green", "timed_out": false,
                    "number_of_nodes": n, "number_of_data_nodes": n, "active_primary_shards": 0,
                    "active_shards": 0, "relocating_shards": 0, "initializing_shards": 0,
                    "unassigned_shards": 0
                }),
            )
        }
        (&Method::GET | &Method::POST, p) if p.ends_with("/_search") => Reply::json(
            200,
            serde_json::json!({
                "took": 1, "timed_out": false,
                "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": null, "hits": []}
            }),
        ),
        _ => Reply::json(
            200,
            serde_json::json!({"node": node.name, "method": req.method.as_str(), "path": path}),
        ),
    }
}

/// The routes a document store answers, when the cluster has one.
fn stored(store: &DocStore, req: &RecordedRequest) -> Option<Reply> {
    let segments: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    let body = || req.decoded_body();
    Some(match (&req.method, segments.as_slice()) {
        (&Method::POST | &Method::PUT, ["_bulk"]) => store.bulk(None, &body()),
        (&Method::POST | &Method::PUT, [index, "_bulk"]) => store.bulk(Some(index), &body()),
        (&Method::GET | &Method::POST, ["_mget"]) => store.mget(None, &body()),
        (&Method::GET | &Method::POST, [index, "_mget"]) => store.mget(Some(index), &body()),
        (&Method::GET, [index, "_doc", id]) => store.get_doc(index, id),
        (&Method::GET | &Method::POST, [index, "_count"]) => store.count(index),
        _ => return None,
    })
}

fn info_body(shared: &Shared, node: &NodeState) -> serde_json::Value {
    let version = lock(&shared.version).clone();
    let product = *lock(&shared.product);
    let mut v = serde_json::json!({
        "name": node.name,
        "cluster_name": "fake-cluster",
        "cluster_uuid": "fake-cluster-uuid",
        // What the specification requires of `version` (Elasticsearch and OpenSearch send it).
        "version": {"number": version, "build_flavor": "default", "build_date": "2024-08-05T10:05:34.233336849Z", "lucene_version": "9.11.1"},
        "tagline": "You Know, for Search"
    });
    match product {
        FakeProduct::Elasticsearch => {}
        FakeProduct::OpenSearch => {
            v["version"]["distribution"] = "opensearch".into();
            v["tagline"] = "The OpenSearch Project: https://opensearch.org/".into();
        }
        FakeProduct::Other => {
            v["tagline"] = "Something else entirely".into();
        }
    }
    v
}

fn nodes_body(shared: &Shared) -> serde_json::Value {
    if let Some(body) = lock(&shared.nodes_http).clone() {
        return body;
    }
    let mut nodes = serde_json::Map::new();
    for n in lock(&shared.nodes).iter() {
        if !n.listed.load(Ordering::SeqCst) {
            continue;
        }
        let publish = lock(&n.publish).clone().unwrap_or_else(|| match n.addr {
            SocketAddr::V4(a) => format!("{}:{}", a.ip(), a.port()),
            SocketAddr::V6(a) => format!("[{}]:{}", a.ip(), a.port()),
        });
        nodes.insert(
            format!("fake-node-id-{}", n.index),
            serde_json::json!({
                "name": n.name,
                "roles": lock(&n.roles).clone(),
                "attributes": {"index": n.index.to_string()},
                "http": {"publish_address": publish, "bound_address": [n.addr.to_string()]}
            }),
        );
    }
    let total = nodes.len();
    serde_json::json!({
        "_nodes": {"total": total, "successful": total, "failed": 0},
        "cluster_name": "fake-cluster",
        "nodes": nodes
    })
}

/// Accepts any bulk body: one `201 created` item per action (`delete` actions have no source).
fn bulk_reply(body: &[u8]) -> Reply {
    let mut items = String::with_capacity(body.len() / 8);
    items.push('[');
    let mut lines = body.split(|b| *b == b'\n').filter(|l| !l.is_empty());
    let mut first = true;
    while let Some(action) = lines.next() {
        let op = action_name(action);
        if op != "delete" {
            lines.next();
        }
        if !first {
            items.push(',');
        }
        first = false;
        let (status, result) = if op == "delete" {
            (200, "deleted")
        } else {
            (201, "created")
        };
        items.push_str(&format!(
            "{{\"{op}\":{{\"status\":{status},\"result\":\"{result}\"}}}}"
        ));
    }
    items.push(']');
    let body = format!("{{\"took\":1,\"errors\":false,\"items\":{items}}}");
    Reply::Respond {
        status: StatusCode::OK,
        headers: vec![("content-type".into(), "application/json".into())],
        body: Bytes::from(body),
    }
}

fn action_name(line: &[u8]) -> &str {
    let s = std::str::from_utf8(line).unwrap_or("");
    s.split('"').nth(1).unwrap_or("index")
}
