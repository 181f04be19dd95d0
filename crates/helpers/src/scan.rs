//! Scan: every hit of a query, page by page, with scroll or point in time + `search_after`.
//! The scroll / point in time is released at the end, on error, and when the scan is dropped.

use std::time::Duration;

use es_client::types::{Hit, SearchResponse};
use std::marker::PhantomData;

use es_client::{BoxStream, Client, Error, Flavor, RunStream, StreamOperation};
use es_connections::{Runner, Using};
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::{json, Map, Value};

/// How pages are fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScanMode {
    /// `scroll` + `_search/scroll` (every Elasticsearch and OpenSearch version).
    #[default]
    Scroll,
    /// A point in time + `search_after` (Elasticsearch ≥ 7.10; the recommended way).
    PointInTime,
}

/// Options of [`scan`].
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Scroll or point in time.
    pub mode: ScanMode,
    /// How long the scroll / point in time stays alive between pages (default `5m`).
    pub keep_alive: String,
    /// Hits per page (default 1000).
    pub size: u64,
    /// Keep the query's `sort` (slower); otherwise hits come in index order.
    pub preserve_order: bool,
    /// Parallel slices (default 1: no slicing).
    pub slices: u32,
    /// Per-request timeout.
    pub request_timeout: Option<Duration>,
    /// A page answered by only some shards ends the scan with a [`ShardFailures`] error
    /// (default `true`, as elasticsearch-py's `raise_on_error`); `false` accepts partial
    /// results with a logged warning.
    pub raise_on_error: bool,
}

/// Some shards did not answer a scan page: the results would be partial.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "scan: {successful} of {total} shards answered ({failed} failed); results would be partial"
)]
pub struct ShardFailures {
    /// Shards that answered.
    pub successful: u64,
    /// Shards that failed.
    pub failed: u64,
    /// Shards asked.
    pub total: u64,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            mode: ScanMode::Scroll,
            keep_alive: "5m".into(),
            size: 1000,
            preserve_order: false,
            slices: 1,
            request_timeout: None,
            raise_on_error: true,
        }
    }
}

impl ScanOptions {
    /// Point in time mode.
    pub fn point_in_time(mut self) -> Self {
        self.mode = ScanMode::PointInTime;
        self
    }
    /// Hits per page.
    pub fn size(mut self, n: u64) -> Self {
        self.size = n;
        self
    }
    /// Keep-alive (`1m`, `30s`...).
    pub fn keep_alive(mut self, k: impl Into<String>) -> Self {
        self.keep_alive = k.into();
        self
    }
    /// Parallel slices.
    pub fn slices(mut self, n: u32) -> Self {
        self.slices = n.max(1);
        self
    }
    /// Whether shard failures end the scan with an error (default `true`).
    pub fn raise_on_error(mut self, on: bool) -> Self {
        self.raise_on_error = on;
        self
    }
    /// Keep the query's sort.
    pub fn preserve_order(mut self, on: bool) -> Self {
        self.preserve_order = on;
        self
    }
}

enum State {
    Start,
    Scroll(String),
    Pit { id: String, after: Option<Value> },
    Done,
}

/// Fetches one slice page by page; releases its scroll / point in time when finished or dropped.
struct Pager {
    client: Client,
    index: String,
    body: Map<String, Value>,
    opts: ScanOptions,
    slice: Option<(u32, u32)>,
    state: State,
}

impl Pager {
    fn new(
        client: Client,
        index: String,
        body: &Value,
        opts: ScanOptions,
        slice: Option<(u32, u32)>,
    ) -> Self {
        let mut body = body.as_object().cloned().unwrap_or_default();
        if let Some((id, max)) = slice {
            body.insert("slice".into(), json!({"id": id, "max": max}));
        }
        body.insert("size".into(), json!(opts.size));
        let sort = match (opts.preserve_order, opts.mode) {
            (true, ScanMode::PointInTime) => {
                let mut s = match body.remove("sort") {
                    Some(Value::Array(a)) => a,
                    Some(other) => vec![other],
                    None => Vec::new(),
                };
                s.push(json!({"_shard_doc": "asc"}));
                Value::Array(s)
            }
            (true, ScanMode::Scroll) => body.remove("sort").unwrap_or_else(|| json!(["_doc"])),
            (false, ScanMode::PointInTime) => json!([{"_shard_doc": "asc"}]),
            (false, ScanMode::Scroll) => json!(["_doc"]),
        };
        body.insert("sort".into(), sort);
        Pager {
            client,
            index,
            body,
            opts,
            slice,
            state: State::Start,
        }
    }

    async fn search(
        &self,
        body: &Map<String, Value>,
        with_index: bool,
        scroll: bool,
    ) -> Result<SearchResponse<Value>, Error> {
        let mut call = self.client.search().body(body);
        if with_index {
            call = call.index(self.index.as_str());
        }
        if scroll {
            call = call.scroll(self.opts.keep_alive.as_str());
        }
        if let Some(t) = self.opts.request_timeout {
            call = call.request_timeout(t);
        }
        call.send().await
    }

    /// The next page of raw hits; `None` when the scan is complete (and released).
    async fn next_page(&mut self) -> Result<Option<Vec<Hit<Value>>>, Error> {
        let result = self.fetch().await;
        match &result {
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => self.release().await,
        }
        result
    }

    async fn fetch(&mut self) -> Result<Option<Vec<Hit<Value>>>, Error> {
        let resp = match std::mem::replace(&mut self.state, State::Done) {
            State::Done => return Ok(None),
            State::Start => match self.opts.mode {
                ScanMode::Scroll => {
                    let r = self.search(&self.body, true, true).await?;
                    if let Some(id) = &r.scroll_id {
                        self.state = State::Scroll(id.clone());
                    }
                    r
                }
                ScanMode::PointInTime => {
                    let pit = self
                        .client
                        .open_point_in_time(self.index.as_str())
                        .keep_alive(self.opts.keep_alive.as_str())
                        .send()
                        .await?;
                    self.state = State::Pit {
                        id: pit.id,
                        after: None,
                    };
                    return Box::pin(self.fetch()).await;
                }
            },
            State::Scroll(id) => {
                self.state = State::Scroll(id.clone());
                let r: SearchResponse<Value> = self
                    .client
                    .scroll()
                    .body(&json!({"scroll": self.opts.keep_alive, "scroll_id": id}))
                    .send()
                    .await?;
                if let Some(new) = &r.scroll_id {
                    self.state = State::Scroll(new.clone());
                }
                r
            }
            State::Pit { id, after } => {
                self.state = State::Pit {
                    id: id.clone(),
                    after: after.clone(),
                };
                let mut body = self.body.clone();
                body.insert(
                    "pit".into(),
                    json!({"id": id, "keep_alive": self.opts.keep_alive}),
                );
                if let Some(a) = after {
                    body.insert("search_after".into(), a);
                }
                let r = self.search(&body, false, false).await?;
                let last_sort = r
                    .hits
                    .hits
                    .last()
                    .and_then(|h| h.sort.clone())
                    .map(Value::Array);
                let new_id = r.pit_id.clone().unwrap_or(id);
                self.state = State::Pit {
                    id: new_id,
                    after: last_sort,
                };
                r
            }
        };
        let sh = &resp.shards;
        let answered = sh.successful + sh.skipped.unwrap_or(0);
        if sh.failed > 0 || answered < sh.total {
            let failures = ShardFailures {
                successful: sh.successful,
                failed: sh.failed,
                total: sh.total,
            };
            if self.opts.raise_on_error {
                return Err(Error::other(es_client::ErrorKind::ServerError, failures));
            }
            tracing::warn!(%failures, "accepting partial scan results (raise_on_error = false)");
        }
        if resp.hits.hits.is_empty() {
            return Ok(None);
        }
        let _ = self.slice;
        Ok(Some(resp.hits.hits))
    }

    /// Clears the scroll / closes the point in time (errors are logged: the context expires anyway).
    async fn release(&mut self) {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Scroll(id) => {
                if let Err(e) = self
                    .client
                    .clear_scroll()
                    .body(&json!({"scroll_id": [id]}))
                    .send()
                    .await
                {
                    tracing::warn!(error = %e, "clear scroll failed");
                }
            }
            State::Pit { id, .. } => {
                if let Err(e) = self
                    .client
                    .close_point_in_time()
                    .body(&json!({"id": id}))
                    .send()
                    .await
                {
                    tracing::warn!(error = %e, "close point in time failed");
                }
            }
            State::Start | State::Done => {}
        }
    }
}

/// Scans dropped mid-way whose scroll / point in time is still being released.
static PENDING_RELEASES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
static RELEASED: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// Waits until every scan dropped before its end has released its scroll or point in time
/// on the server (a drop releases it in the background): for a program about to exit, e.g.
/// after Ctrl-C stopped a dump.
pub async fn scans_released() {
    loop {
        let released = RELEASED.notified();
        tokio::pin!(released);
        released.as_mut().enable();
        if PENDING_RELEASES.load(std::sync::atomic::Ordering::Acquire) == 0 {
            return;
        }
        released.await;
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        let state = std::mem::replace(&mut self.state, State::Done);
        if matches!(state, State::Start | State::Done) {
            return;
        }
        // Dropped mid-scan: release in the background.
        let mut orphan = Pager {
            client: self.client.clone(),
            index: String::new(),
            body: Map::new(),
            opts: self.opts.clone(),
            slice: None,
            state,
        };
        PENDING_RELEASES.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        let fut = async move {
            orphan.release().await;
            PENDING_RELEASES.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
            RELEASED.notify_waiters();
        };
        if let Ok(h) = tokio::runtime::Handle::try_current() {
            h.spawn(fut);
            return;
        }
        #[cfg(feature = "blocking")]
        if let Ok(rt) = es_client::transport::blocking::runtime() {
            rt.spawn(fut);
            return;
        }
        // Nowhere to run it: the server drops the scroll / point in time at its keep-alive.
        PENDING_RELEASES.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
    }
}

fn pages(pager: Pager) -> impl Stream<Item = Result<Vec<Hit<Value>>, Error>> + Send {
    futures_util::stream::unfold(Some(pager), |state| async move {
        let mut p = state?;
        match p.next_page().await {
            Ok(Some(hits)) => Some((Ok(hits), Some(p))),
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    })
}

/// Every hit of `body` (a search body: `query`, `_source`, `sort`...) in `index`. With
/// `slices > 1` the slices are fetched concurrently and merged.
///
/// `on` is a client or a registry (see [`Runner`]); `send()` gives a `Stream` with an async
/// one and an `Iterator` with a blocking one.
///
/// ```no_run
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// use futures_util::StreamExt;
/// use es_connections::connections;
/// use es_helpers::{scan, ScanOptions};
/// let mut hits = scan::<_, serde_json::Value>(
///     connections(), // the default alias; or a client
///     "logs",
///     serde_json::json!({"query": {"match_all": {}}}),
///     ScanOptions::default().point_in_time(),
/// )
/// .send();
/// while let Some(hit) = hits.next().await {
///     println!("{:?}", hit?.id);
/// }
/// # Ok(()) }
/// ```
pub fn scan<F, T>(
    on: impl Runner<F>,
    index: impl Into<String>,
    body: Value,
    opts: ScanOptions,
) -> RunStream<F, Scan<T>>
where
    F: Flavor,
    T: DeserializeOwned + Send + 'static,
{
    let op = Scan::new(index.into(), body, opts);
    es_connections::bind_stream(on, &Using::default(), op)
}

/// The scan operation (see [`scan`]).
pub struct Scan<T> {
    index: String,
    body: Value,
    opts: ScanOptions,
    /// Yields nothing and sends nothing (the scan of an empty search).
    nothing: bool,
    _t: PhantomData<fn() -> T>,
}

impl<T> Scan<T> {
    /// A scan that yields no hit without a request: what an empty search (es-dsl's
    /// `Search::empty`) scans.
    pub fn nothing() -> Self {
        Scan {
            nothing: true,
            ..Scan::new("", Value::Null, ScanOptions::default())
        }
    }
    /// A scan of `index` with this search body (see [`scan`]).
    pub fn new(index: impl Into<String>, body: Value, opts: ScanOptions) -> Self {
        let index = index.into();
        Scan {
            index,
            body,
            opts,
            nothing: false,
            _t: PhantomData,
        }
    }

    /// The hits as a stream on the async `client`.
    pub(crate) fn hits(self, client: Client) -> impl Stream<Item = Result<Hit<T>, Error>> + Send
    where
        T: DeserializeOwned + Send + 'static,
    {
        let n = self.opts.slices.max(1);
        let streams: Vec<_> = (0..n)
            .map(|i| {
                let slice = (n > 1).then_some((i, n));
                pages(Pager::new(
                    client.clone(),
                    self.index.clone(),
                    &self.body,
                    self.opts.clone(),
                    slice,
                ))
                .boxed()
            })
            .collect();
        futures_util::stream::select_all(streams).flat_map(|page| {
            let items: Vec<Result<Hit<T>, Error>> = match page {
                Ok(hits) => hits.into_iter().map(convert).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> StreamOperation for Scan<T> {
    type Item = Result<Hit<T>, Error>;
    fn stream<'a>(self, client: Client) -> BoxStream<'a, Self::Item>
    where
        Self: 'a,
    {
        if self.nothing {
            return Box::pin(futures_util::stream::empty());
        }
        Box::pin(self.hits(client))
    }
    fn error_item(err: Error) -> Self::Item {
        Err(err)
    }
}

fn convert<T: DeserializeOwned>(h: Hit<Value>) -> Result<Hit<T>, Error> {
    h.try_map_source(|v| {
        serde_json::from_value(v).map_err(|e| Error::deserialize(std::any::type_name::<T>(), e))
    })
}
