//! The async [`Transport`]: picks a node, sends, retries, marks nodes dead, sniffs.

use std::fmt;
use std::future::Future;
use std::io::{Read, Write};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, HOST, USER_AGENT,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use tokio::sync::OnceCell;
use tracing::Instrument;

use crate::auth::Auth;
use crate::config::{Settings, TransportBuilder};
use crate::conn::Connector;
use crate::deadline::Expired;
use crate::error::StatusError;
use crate::node::{Counters, Node, NodeMeta, NodeUrl};
use crate::pool::NodePool;
use crate::product::{CompatMode, MediaTypes, Product, ServerInfo};
use crate::redact::Redactor;
use crate::request::{BodyKind, Request, Response};
use crate::retry::RetryPolicy;
use crate::sniff::parse_nodes;
use crate::Error;

const OPAQUE_ID: HeaderName = HeaderName::from_static("x-opaque-id");
const CLIENT_META: HeaderName = HeaderName::from_static("x-elastic-client-meta");
const PRODUCT: &str = "x-elastic-product";

/// The client's version, as sent in `User-Agent` and `x-elastic-client-meta`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
const DEFAULT_USER_AGENT: &str = concat!("es-rs/", env!("CARGO_PKG_VERSION"), " (rust; tokio)");
const CLIENT_META_VALUE: &str = concat!(
    "es=",
    env!("CARGO_PKG_VERSION"),
    "p,t=",
    env!("CARGO_PKG_VERSION"),
    "p,hy=1"
);

/// Sends requests to a cluster: node pool, retries, sniffing, auth, TLS, compression.
///
/// Cheap to clone (an `Arc`); clones share nodes and connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), es_transport::Error> {
/// use es_transport::{Request, TransportBuilder};
/// use http::Method;
/// let transport = TransportBuilder::new().host("http://localhost:9200").build()?;
/// let resp = transport.perform(Request::new(Method::GET, "/")).await?;
/// println!("{}", resp.text());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Sniffing {
    on_start: bool,
    on_failure: bool,
    interval: Option<Duration>,
    min_delay: Duration,
    timeout: Duration,
}

#[derive(Default)]
struct SniffState {
    last: Option<Instant>,
    running: bool,
}

struct Inner {
    pool: NodePool,
    connector: Connector,
    seed: NodeUrl,
    connections_per_node: usize,
    headers: HeaderMap,
    auth: RwLock<Option<HeaderValue>>,
    /// Every configured secret, scrubbed from the errors (and logs) the transport produces.
    redactor: RwLock<Redactor>,
    retry: RetryPolicy,
    request_timeout: Option<Duration>,
    http_compress: bool,
    max_response_bytes: usize,
    sniffing: Sniffing,
    sniff_state: Mutex<SniffState>,
    started: OnceCell<()>,
    compat: CompatMode,
    product_check: bool,
    server: OnceCell<Option<ServerInfo>>,
    media: OnceCell<MediaTypes>,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let nodes: Vec<String> = self
            .nodes()
            .iter()
            .map(|n| n.base_url().to_string())
            .collect();
        f.debug_struct("Transport")
            .field("nodes", &nodes)
            .field(
                "auth",
                &self.inner.auth.read().map(|a| a.is_some()).unwrap_or(false),
            )
            .field("max_retries", &self.inner.retry.max_retries)
            .finish()
    }
}

impl Transport {
    /// A builder; see [`TransportBuilder`].
    pub fn builder() -> TransportBuilder {
        TransportBuilder::new()
    }

    /// A transport for one host with default settings.
    pub fn single(host: &str) -> Result<Transport, Error> {
        TransportBuilder::new().host(host).build()
    }

    pub(crate) fn from_settings(b: Settings) -> Result<Transport, Error> {
        let mut urls = b.urls;
        if b.randomize_hosts {
            fastrand::shuffle(&mut urls);
        }
        let auth = b.auth;
        let tls = match &b.tls {
            Some(t) => Some(tokio_rustls::TlsConnector::from(t.build()?)),
            None => None,
        };
        let mut headers = HeaderMap::new();
        // The defaults are static: a static header value is copied into each request's
        // headers without touching a reference count that every worker thread shares.
        let ua = match &b.user_agent {
            None => HeaderValue::from_static(DEFAULT_USER_AGENT),
            Some(ua) => HeaderValue::from_str(ua)
                .map_err(|_| Error::config("user_agent", "not a valid header value"))?,
        };
        headers.insert(USER_AGENT, ua);
        headers.insert(CLIENT_META, HeaderValue::from_static(CLIENT_META_VALUE));
        if let Some(id) = &b.opaque_id {
            headers.insert(
                OPAQUE_ID,
                HeaderValue::from_str(id)
                    .map_err(|_| Error::config("opaque_id", "not a valid header value"))?,
            );
        }
        if b.http_compress {
            headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        }
        for (k, v) in &b.headers {
            headers.insert(k.clone(), v.clone());
        }
        let redactor = b.redactor;
        let auth = auth.map(|a| a.header_value()).transpose()?;
        let seed = urls[0].clone();
        let nodes = urls
            .into_iter()
            .map(|u| Arc::new(Node::new(u, NodeMeta::default(), b.connections_per_node)))
            .collect();
        let inner = Inner {
            pool: NodePool::new(nodes, b.selector.clone(), b.dead_backoff),
            connector: Connector {
                tls,
                connect_timeout: b.connect_timeout,
            },
            seed,
            connections_per_node: b.connections_per_node,
            headers,
            auth: RwLock::new(auth),
            redactor: RwLock::new(redactor),
            retry: b.retry,
            request_timeout: b.request_timeout,
            http_compress: b.http_compress,
            max_response_bytes: b.max_response_bytes,
            sniffing: Sniffing {
                on_start: b.sniff_on_start,
                on_failure: b.sniff_on_node_failure,
                interval: b.sniff_interval,
                min_delay: b.min_delay_between_sniffing,
                timeout: b.sniff_timeout,
            },
            sniff_state: Mutex::new(SniffState {
                last: Some(Instant::now()),
                running: false,
            }),
            started: OnceCell::new(),
            compat: b.compat,
            product_check: b.product_check,
            server: OnceCell::new(),
            media: OnceCell::new(),
        };
        Ok(Transport {
            inner: Arc::new(inner),
        })
    }

    /// All known nodes, live ones first.
    pub fn nodes(&self) -> Vec<Arc<Node>> {
        self.inner.pool.nodes()
    }

    /// Live nodes.
    pub fn live_nodes(&self) -> Vec<Arc<Node>> {
        self.inner.pool.alive()
    }

    /// Whether two handles share the same transport (clones of one another).
    pub fn same_as(&self, other: &Transport) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Closes the idle keep-alive connections of every node. Requests in flight finish;
    /// a later request opens new connections. Registries call this when they drop a client.
    pub fn close(&self) {
        for node in self.inner.pool.nodes() {
            node.conns.clear_idle();
        }
    }

    /// Replaces the credentials of a live client; the next request uses them.
    pub fn set_auth(&self, auth: Option<Auth>) -> Result<(), Error> {
        if let Some(a) = &auth {
            self.inner
                .redactor
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .add_auth(a);
        }
        let value = auth.map(|a| a.header_value()).transpose()?;
        *self.inner.auth.write().unwrap_or_else(|p| p.into_inner()) = value;
        Ok(())
    }

    /// The retry policy requests use unless they bring their own.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// The product and version learnt from `GET /` (after the first request), if any.
    pub fn server_info(&self) -> Option<ServerInfo> {
        self.inner.server.get().cloned().flatten()
    }

    /// Sends a request: the node is chosen by the selector, failures are retried on other
    /// nodes with back-off, and statuses not accepted by the request become [`ErrorDetail::Status`](crate::ErrorDetail::Status).
    ///
    /// Each call is one `elasticsearch` span (level INFO) with OpenTelemetry's attributes for
    /// Elasticsearch clients: `db.system`, `db.operation.name` (the API: `search`), `otel.name`
    /// (the same, or the method for raw requests), `http.request.method`, `url.full` (never with
    /// credentials), `server.address`, `server.port`, `db.elasticsearch.path_parts.index` /
    /// `.id` and `db.elasticsearch.path_parts` (all of them, `index=books id=1`),
    /// `db.elasticsearch.node.name` (when sniffed), `http.response.status_code`,
    /// `http.request.resend_count` (retries), `error.type` and `otel.status_code` on failure.
    pub fn perform(
        &self,
        req: Request,
    ) -> impl Future<Output = Result<Response, Error>> + Send + '_ {
        // Boxed: the request's state machine (retries, the connection's futures: ~7 KB) is
        // allocated once instead of being copied into every future that awaits it and into
        // the task that runs it (tests/future_size.rs in es-client). Returned as it is: an
        // `async fn` around it would also hold the request beside the box.
        Box::pin(self.perform_traced(req))
    }

    async fn perform_traced(&self, req: Request) -> Result<Response, Error> {
        let span = tracing::info_span!(
            "elasticsearch",
            otel.name = req.endpoint.unwrap_or(req.method.as_str()),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            db.system = "elasticsearch",
            db.operation.name = req.endpoint,
            http.request.method = req.method.as_str(),
            url.full = tracing::field::Empty,
            server.address = tracing::field::Empty,
            server.port = tracing::field::Empty,
            db.elasticsearch.path_parts.index = tracing::field::Empty,
            db.elasticsearch.path_parts.id = tracing::field::Empty,
            db.elasticsearch.path_parts = tracing::field::Empty,
            db.elasticsearch.node.name = tracing::field::Empty,
            http.response.status_code = tracing::field::Empty,
            http.request.resend_count = tracing::field::Empty,
            "error.type" = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // Nothing is formatted for a span nobody listens to (the hot path without tracing).
        if !span.is_disabled() && !req.path_parts.is_empty() {
            for (k, v) in &req.path_parts {
                match *k {
                    "index" => span.record("db.elasticsearch.path_parts.index", v.as_str()),
                    "id" => span.record("db.elasticsearch.path_parts.id", v.as_str()),
                    _ => &span,
                };
            }
            let all: Vec<String> = req
                .path_parts
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            span.record("db.elasticsearch.path_parts", all.join(" "));
        }
        async move {
            self.ensure_started().await?;
            self.maybe_periodic_sniff();
            let media = self.media().await.map_err(|e| self.inner.redact(e))?;
            let result = Inner::perform(&self.inner, req, &media)
                .await
                .map_err(|e| self.inner.redact(e));
            if let Err(e) = &result {
                let span = tracing::Span::current();
                span.record("otel.status_code", "ERROR");
                span.record("error.type", e.kind().as_str());
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Every node's counters (requests, failures, times marked dead and revived), live nodes
    /// first. Nodes dropped by a sniff are no longer listed.
    pub fn node_stats(&self) -> Vec<crate::NodeStats> {
        self.inner.pool.stats()
    }

    /// Sniffs now: asks a node for `/_nodes/_all/http` and replaces the node set.
    /// Returns the number of nodes found.
    pub async fn sniff(&self) -> Result<usize, Error> {
        Inner::sniff(&self.inner)
            .await
            .map_err(|e| self.inner.redact(e))
    }

    async fn ensure_started(&self) -> Result<(), Error> {
        if !self.inner.sniffing.on_start || self.inner.started.initialized() {
            return Ok(());
        }
        self.inner
            .started
            // Boxed: the sniff is a whole request, which would otherwise make every request's
            // future larger for a path taken once.
            .get_or_init(|| async {
                if let Err(e) = Box::pin(Inner::sniff(&self.inner)).await {
                    let e = self.inner.redact(e);
                    tracing::warn!(error = %e, "sniff on start failed; using the configured hosts");
                }
            })
            .await;
        Ok(())
    }

    fn maybe_periodic_sniff(&self) {
        if let Some(interval) = self.inner.sniffing.interval {
            Inner::spawn_sniff(&self.inner, interval, "periodic");
        }
    }

    async fn media(&self) -> Result<MediaTypes, Error> {
        if let Some(m) = self.inner.media.get() {
            return Ok(m.clone());
        }
        match self.inner.compat {
            CompatMode::Off if !self.inner.product_check => return Ok(MediaTypes::plain()),
            CompatMode::Version(v) if !self.inner.product_check => {
                return Ok(MediaTypes::compat(v))
            }
            _ => {}
        }
        // Boxed, as the sniff on start: a request made once per client.
        let info = self
            .inner
            .server
            .get_or_try_init(|| Box::pin(Inner::detect(&self.inner)))
            .await?
            .clone();
        if let (true, Some(info)) = (self.inner.product_check, &info) {
            if info.product == Product::Unknown {
                return Err(crate::ErrorDetail::UnsupportedProduct {
                    node: self.inner.seed.to_string(),
                    message: format!("GET / answered version {} without identifying as Elasticsearch or OpenSearch", info.version),
                }.into());
            }
        }
        let media = match (self.inner.compat, &info) {
            (CompatMode::Off, _) => MediaTypes::plain(),
            (CompatMode::Version(v), _) => MediaTypes::compat(v),
            (CompatMode::Auto, Some(info)) => MediaTypes::for_server(info),
            (CompatMode::Auto, None) => MediaTypes::plain(),
        };
        let _ = self.inner.media.set(media.clone());
        Ok(media)
    }
}

/// Classifies a hyper error into a connection or TLS error.
pub(crate) fn classify_hyper_error(node: &str, err: hyper::Error) -> Error {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if inner.downcast_ref::<rustls::Error>().is_some() {
                    return Error::tls(node, inner.to_string());
                }
            }
        }
        source = s.source();
    }
    let message = match std::error::Error::source(&err) {
        Some(s) => format!("{err}: {s}"),
        None => err.to_string(),
    };
    Error::connection(node, message, Some(Box::new(err)))
}

enum Attempt {
    Done(Response),
    Fail(Error),
}

impl Inner {
    fn redact(&self, err: Error) -> Error {
        self.redactor
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .scrub_error(err)
    }

    async fn perform(
        this: &Arc<Inner>,
        req: Request,
        media: &MediaTypes,
    ) -> Result<Response, Error> {
        let started = Instant::now();
        let mut policy =
            std::borrow::Cow::Borrowed(req.options.retry.as_ref().unwrap_or(&this.retry));
        if let Some(n) = req.options.max_retries {
            policy.to_mut().max_retries = n;
        }
        let timeout = req.options.timeout.or(this.request_timeout);
        let body = match &req.body {
            Some(b) if this.http_compress => Some((gzip(&b.bytes)?, b.kind)),
            Some(b) => Some((b.bytes.clone(), b.kind)),
            None => None,
        };
        let kind = body.as_ref().map(|b| b.1);
        // Built for each attempt where the request is made: hyper takes the map by value.
        let headers = || this.request_headers(&req, media, kind);
        let path = req.path_and_query();
        let mut attempt = 0u32;
        loop {
            let Some(node) = this.pool.get() else {
                return Err(Error::config("hosts", "the node pool is empty"));
            };
            Counters::bump(&node.counters.requests);
            let outcome = this
                .attempt(
                    &node,
                    &req.method,
                    &path,
                    &headers,
                    body.as_ref().map(|b| &b.0),
                    timeout,
                )
                .await;
            let result = match outcome {
                Ok(resp) => Inner::judge(this, &node, &req, resp),
                Err(e) => Inner::judge_error(this, &node, e),
            };
            match result {
                Attempt::Done(mut resp) => {
                    resp.set_retries(attempt);
                    record(&node, Some(resp.status()), attempt, started, &path);
                    return Ok(resp);
                }
                Attempt::Fail(err) => {
                    // Scrubbed before it is logged below, not only when returned.
                    let err = this.redact(err);
                    attempt += 1;
                    let wait = match policy.next_wait(&err, attempt) {
                        Some(wait) => wait,
                        _ => {
                            record(&node, err.status(), attempt - 1, started, &path);
                            return Err(err);
                        }
                    };
                    tracing::debug!(node = node.base_url(), error = %err, attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    if !wait.is_zero() {
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
    }

    /// Decides what a response means for the node and the request.
    fn judge(this: &Arc<Inner>, node: &Arc<Node>, req: &Request, resp: Response) -> Attempt {
        let status = resp.status();
        let code = status.as_u16();
        if matches!(code, 502..=504) {
            Counters::bump(&node.counters.failures);
            Inner::node_failed(this, node);
        } else {
            this.pool.mark_live(node);
        }
        if req.options.accepts(status) {
            return Attempt::Done(resp);
        }
        let err = Error::from(StatusError::from_response(
            node.base_url().to_string(),
            resp,
        ));
        Attempt::Fail(err)
    }

    fn judge_error(this: &Arc<Inner>, node: &Arc<Node>, err: Error) -> Attempt {
        // A node that did not answer is parked; whether to retry is the policy's call.
        if err.is_connection() || err.is_timeout() {
            Counters::bump(&node.counters.failures);
            Inner::node_failed(this, node);
        }
        Attempt::Fail(err)
    }

    fn node_failed(this: &Arc<Inner>, node: &Arc<Node>) {
        this.pool.mark_dead(node);
        if this.sniffing.on_failure {
            Inner::spawn_sniff(this, this.sniffing.min_delay, "node failure");
        }
    }

    fn request_headers(
        &self,
        req: &Request,
        media: &MediaTypes,
        body: Option<BodyKind>,
    ) -> HeaderMap {
        let mut h = self.headers.clone();
        h.insert(ACCEPT, media.json.clone());
        if let Some(kind) = body {
            let ct = match kind {
                BodyKind::Json => media.json.clone(),
                BodyKind::NdJson => media.ndjson.clone(),
            };
            h.insert(CONTENT_TYPE, ct);
            if self.http_compress {
                h.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            }
        }
        if let Some(auth) = self.auth.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            h.insert(AUTHORIZATION, auth.clone());
        }
        if let Some(id) = &req.options.opaque_id {
            if let Ok(v) = HeaderValue::from_str(id) {
                h.insert(OPAQUE_ID, v);
            }
        }
        for (k, v) in &req.options.headers {
            h.insert(k.clone(), v.clone());
        }
        h
    }

    /// One attempt on one node, bounded by the request timeout.
    async fn attempt(
        &self,
        node: &Arc<Node>,
        method: &Method,
        path: &str,
        headers: &(impl Fn() -> HeaderMap + Sync),
        body: Option<&Bytes>,
        timeout: Option<Duration>,
    ) -> Result<Response, Error> {
        let fut = self.send_on(node, method, path, headers, body);
        let Some(t) = timeout else {
            return fut.await;
        };
        // Not `tokio::time::timeout`: see the `deadline` module for why.
        match crate::deadline::within(t, fut).await {
            Ok(result) => result,
            Err(Expired::Elapsed) => Err(Error::timeout(node.base_url(), t)),
            Err(Expired::Unavailable(why)) => Err(Error::config("request_timeout", why)),
        }
    }

    async fn send_on(
        &self,
        node: &Arc<Node>,
        method: &Method,
        path: &str,
        headers: &(impl Fn() -> HeaderMap + Sync),
        body: Option<&Bytes>,
    ) -> Result<Response, Error> {
        let url = node.url();
        let mut lease = node.conns.checkout(&self.connector, url).await?;
        let uri = if url.path_prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}{}", url.path_prefix, path)
        };
        let build = || -> Result<http::Request<Full<Bytes>>, Error> {
            let mut r = http::Request::builder()
                .method(method.clone())
                .uri(uri.as_str())
                .body(Full::new(body.cloned().unwrap_or_default()))
                .map_err(|e| {
                    Error::config("path", format!("invalid request target {uri:?}: {e}"))
                })?;
            *r.headers_mut() = headers();
            if let Some(h) = node.host_header() {
                r.headers_mut().insert(HOST, h.clone());
            }
            Ok(r)
        };
        let resp = match lease.sender.send_request(build()?).await {
            Ok(r) => r,
            // The pooled connection was closed before the request was written: retry it once
            // on a fresh connection to the same node; the node is healthy.
            Err(e) if e.is_canceled() && lease.reused => {
                node.conns
                    .reconnect(&mut lease, &self.connector, url)
                    .await?;
                lease
                    .sender
                    .send_request(build()?)
                    .await
                    .map_err(|e| classify_hyper_error(node.base_url(), e))?
            }
            Err(e) => return Err(classify_hyper_error(node.base_url(), e)),
        };
        let (parts, incoming) = resp.into_parts();
        let limit = self.max_response_bytes;
        let too_large = || {
            Error::from(crate::ErrorDetail::ResponseTooLarge {
                node: node.base_url().to_string(),
                limit,
            })
        };
        // Read no more than the limit: a huge (or endless) answer is refused, not buffered.
        // The connection is not reused then (its remaining body is unread).
        let bytes = match http_body_util::Limited::new(incoming, limit)
            .collect()
            .await
        {
            Ok(c) => c.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => return Err(too_large()),
            Err(e) => {
                return Err(match e.downcast::<hyper::Error>() {
                    Ok(h) => classify_hyper_error(node.base_url(), *h),
                    Err(other) => {
                        Error::connection(node.base_url(), other.to_string(), Some(other))
                    }
                })
            }
        };
        node.conns.checkin(lease);
        // Decoded only when we asked for gzip and the server says it used it; bounded too.
        let bytes = if self.http_compress
            && parts
                .headers
                .get(CONTENT_ENCODING)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"))
        {
            match gunzip(&bytes, node.base_url(), limit)? {
                Some(b) => b,
                None => return Err(too_large()),
            }
        } else {
            bytes
        };
        Ok(Response::new(
            parts.status,
            parts.headers,
            bytes,
            node.base_url().to_string(),
        ))
    }

    /// `GET /` to learn the product and version (once).
    async fn detect(this: &Arc<Inner>) -> Result<Option<ServerInfo>, Error> {
        let mut req = Request::new(Method::GET, "/");
        req.options.ignore = vec![401, 403, 404];
        let resp = Inner::perform(this, req, &MediaTypes::plain()).await?;
        if resp.status() != StatusCode::OK {
            tracing::warn!(status = %resp.status(), "GET / did not answer; using plain application/json");
            return Ok(None);
        }
        // A 200 that does not describe a cluster is an unknown product (the product check
        // refuses it); only a refused GET / (401/403/404) leaves the product unverified.
        let info =
            ServerInfo::from_root(resp.body(), resp.headers().get(PRODUCT)).unwrap_or(ServerInfo {
                product: Product::Unknown,
                version: "unknown".into(),
                major: 0,
            });
        tracing::debug!(?info, "server identified");
        Ok(Some(info))
    }

    /// Starts a background sniff unless one runs or the last one is younger than `min_age`.
    fn spawn_sniff(this: &Arc<Inner>, min_age: Duration, reason: &'static str) {
        {
            let mut st = this.sniff_state.lock().unwrap_or_else(|p| p.into_inner());
            if st.running || st.last.is_some_and(|t| t.elapsed() < min_age) {
                return;
            }
            st.running = true;
        }
        let Ok(handle) = tokio::runtime::Handle::try_current() else {
            this.sniff_state
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .running = false;
            return;
        };
        let inner = this.clone();
        handle.spawn(async move {
            tracing::debug!(reason, "sniffing in the background");
            if let Err(e) = Inner::sniff(&inner).await {
                let e = inner.redact(e);
                tracing::warn!(error = %e, reason, "sniff failed; keeping the current nodes");
            }
        });
    }

    async fn sniff(this: &Arc<Inner>) -> Result<usize, Error> {
        let result = Inner::sniff_once(this).await;
        let mut st = this.sniff_state.lock().unwrap_or_else(|p| p.into_inner());
        st.running = false;
        st.last = Some(Instant::now());
        result
    }

    async fn sniff_once(this: &Arc<Inner>) -> Result<usize, Error> {
        let mut candidates = this.pool.alive();
        for n in this.pool.nodes() {
            if !candidates.iter().any(|c| Arc::ptr_eq(c, &n)) {
                candidates.push(n);
            }
        }
        let media = MediaTypes::plain();
        let req = Request::new(Method::GET, "/_nodes/_all/http");
        let headers = || this.request_headers(&req, &media, None);
        let mut last_err = None;
        for node in candidates {
            let resp = this
                .attempt(
                    &node,
                    &Method::GET,
                    &req.path,
                    &headers,
                    None,
                    Some(this.sniffing.timeout),
                )
                .await;
            let resp = match resp {
                Ok(r) if r.status().is_success() => r,
                Ok(r) => {
                    last_err = Some(Error::from(StatusError::new(
                        r.status(),
                        node.base_url().to_string(),
                        r.into_body(),
                    )));
                    continue;
                }
                Err(e) => {
                    last_err = Some(e);
                    continue;
                }
            };
            let found = parse_nodes(resp.body(), &this.seed).map_err(Error::serialization)?;
            if found.is_empty() {
                return Err(Error::serialization(
                    "sniff found no usable HTTP node; keeping the current nodes",
                ));
            }
            let existing = this.pool.nodes();
            let nodes: Vec<Arc<Node>> = found
                .into_iter()
                .map(|(url, meta)| {
                    match existing
                        .iter()
                        .find(|n| *n.url() == url && n.meta() == &meta)
                    {
                        Some(n) => n.clone(),
                        None => Arc::new(Node::new(url, meta, this.connections_per_node)),
                    }
                })
                .collect();
            let n = nodes.len();
            this.pool.replace(nodes);
            tracing::info!(nodes = n, "sniffed nodes");
            return Ok(n);
        }
        Err(last_err.unwrap_or_else(|| Error::config("hosts", "no node to sniff from")))
    }
}

fn record(node: &Node, status: Option<StatusCode>, retries: u32, started: Instant, path: &str) {
    let span = tracing::Span::current();
    let duration_ms = started.elapsed().as_millis() as u64;
    if !span.is_disabled() {
        let url = node.url();
        span.record("url.full", format!("{}{path}", node.base_url()));
        span.record("server.address", url.host.as_str());
        span.record("server.port", url.port);
        if let Some(name) = &node.meta().name {
            span.record("db.elasticsearch.node.name", name.as_str());
        }
        if let Some(s) = status {
            span.record("http.response.status_code", s.as_u16());
        }
        span.record("http.request.resend_count", retries);
        span.record("duration_ms", duration_ms);
    }
    tracing::debug!(
        node = node.base_url(),
        status = status.map(|s| s.as_u16()),
        retries,
        duration_ms,
        "request finished"
    );
}

fn gzip(data: &[u8]) -> Result<Bytes, Error> {
    let mut enc = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 4 + 64),
        flate2::Compression::fast(),
    );
    enc.write_all(data)
        .and_then(|_| enc.finish())
        .map(Bytes::from)
        .map_err(|e| Error::serialization(format!("gzip failed: {e}")))
}

/// Decodes a gzip body; `None` when it would exceed `limit` bytes (a gzip bomb).
fn gunzip(data: &[u8], node: &str, limit: usize) -> Result<Option<Bytes>, Error> {
    let mut out = Vec::with_capacity(data.len().saturating_mul(4).min(limit));
    let cap = (limit as u64).saturating_add(1);
    flate2::read::GzDecoder::new(data)
        .take(cap)
        .read_to_end(&mut out)
        .map_err(|e| {
            Error::connection(
                node,
                format!("bad gzip response body: {e}"),
                Some(Box::new(e)),
            )
        })?;
    Ok((out.len() <= limit).then(|| Bytes::from(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_round_trips() {
        let data = b"{\"a\":1}\n".repeat(100);
        let z = gzip(&data).unwrap();
        assert!(z.len() < data.len());
        assert_eq!(
            gunzip(&z, "n", 1 << 20).unwrap(),
            Some(Bytes::from(data.clone()))
        );
        assert_eq!(
            gunzip(&z, "n", data.len()).unwrap(),
            Some(Bytes::from(data.clone()))
        );
        assert_eq!(gunzip(&z, "n", data.len() - 1).unwrap(), None);
        assert!(gunzip(b"not gzip", "n", 100).is_err());
    }
}
