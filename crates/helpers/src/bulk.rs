//! The bulk engine: chunking by count and bytes, N requests in flight, per-item retries with
//! jittered exponential back-off, outcomes as a stream.
//!
//! The engine only pulls actions and groups them by count (`chunk_size`); each group is
//! serialized inside its own request task, where the byte limit splits it, so documents are
//! serialized on every core in parallel with the requests in flight (a source that parses,
//! like [`FromJson`](crate::FromJson), parses there too). Hence sources are `'static`: they
//! move into those tasks.
//!
//! Memory: at most `max_in_flight` groups are being serialized or sent and one more is
//! pulled, each of at most `chunk_size` actions and sent in requests of at most
//! `max_chunk_bytes` (plus one action), whatever the input size. Input is pulled only when a
//! group is being built.

use std::collections::VecDeque;
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use es_client::transport::{deadline, RetryBackoff, RetryPolicy};
use es_client::{
    Body, BoxFuture, BoxStream, Client, Flavor, Operation, Refresh, Run, RunStream, StreamOperation,
};
use es_connections::{Runner, Using};
use futures_util::{FutureExt, Stream, StreamExt};
use serde::Deserialize;
use serde_json::Value;
use tokio::task::JoinSet;

use crate::action::{Action, BulkSource, Op};

/// A progress callback.
pub type ProgressFn = Arc<dyn Fn(&BulkProgress) + Send + Sync>;

/// Options of the bulk helpers (defaults follow elasticsearch-py where it has them).
#[derive(Clone)]
pub struct BulkOptions {
    /// Actions per request (default 500).
    pub chunk_size: usize,
    /// Bytes per request (default 100 MiB); an action larger than this is sent alone.
    pub max_chunk_bytes: usize,
    /// Requests in flight (default 1).
    pub max_in_flight: usize,
    /// How items and whole requests rejected with a retryable status are retried (default:
    /// 3 retries of 429, 502, 503, 504; back-off 1 s doubling up to 60 s, jittered in
    /// `[d/2, d]`; `Retry-After` honoured). The helper alone retries statuses: its requests go
    /// out with the transport's status retries turned off, so one layer decides and the
    /// server sees at most `1 + max_retries` attempts. (elasticsearch-py retries only 429
    /// items; 502/503/504 are what the transport would have retried for the whole request.)
    pub retry: RetryPolicy,
    /// `bulk` returns `Err(BulkError::Items)` when items failed (default true). Retries
    /// happen either way.
    pub raise_on_error: bool,
    /// A failed request aborts with `Err(BulkError::Request)` (default true); otherwise its
    /// items are reported as failed and the run goes on.
    pub raise_on_exception: bool,
    /// Default index (`/{index}/_bulk`) for actions without `_index`.
    pub index: Option<String>,
    /// Refresh policy of each request.
    pub refresh: Option<Refresh>,
    /// Default ingest pipeline.
    pub pipeline: Option<String>,
    /// Default routing.
    pub routing: Option<String>,
    /// Per-request timeout (default: the client's).
    pub request_timeout: Option<Duration>,
    /// `bulk_stream` yields successful items too (default true; `bulk` only collects failures).
    pub yield_ok: bool,
    /// Called after every request with cumulative progress.
    pub on_progress: Option<ProgressFn>,
    /// Sends what has been read once the oldest unsent action has waited this long, even if
    /// the chunk is not full (elasticsearch-py's `flush_after_seconds`): for inputs that
    /// trickle. Default: wait for a full chunk or the end of the input.
    pub flush_interval: Option<Duration>,
    /// An action whose source does not serialize (text that is not one JSON object, a
    /// `FromJson<T>` that does not fit `T`) is that item's failure — status 0, error type
    /// `invalid_source`, never sent — and the others go on. Default false: it stops the run
    /// with [`BulkError::Serialize`], as elasticsearch-py raises its `SerializationError`.
    pub invalid_source_fails_item: bool,
}

impl Default for BulkOptions {
    fn default() -> Self {
        BulkOptions {
            chunk_size: 500,
            max_chunk_bytes: 100 * 1024 * 1024,
            max_in_flight: 1,
            retry: RetryPolicy::default().backoff(RetryBackoff {
                initial: Duration::from_secs(1),
                max: Duration::from_secs(60),
            }),
            raise_on_error: true,
            raise_on_exception: true,
            index: None,
            refresh: None,
            pipeline: None,
            routing: None,
            request_timeout: None,
            flush_interval: None,
            invalid_source_fails_item: false,
            yield_ok: true,
            on_progress: None,
        }
    }
}

impl std::fmt::Debug for BulkOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkOptions")
            .field("chunk_size", &self.chunk_size)
            .field("max_chunk_bytes", &self.max_chunk_bytes)
            .field("max_in_flight", &self.max_in_flight)
            .field("retry", &self.retry)
            .field("raise_on_error", &self.raise_on_error)
            .field("raise_on_exception", &self.raise_on_exception)
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

macro_rules! option_setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        impl BulkOptions {
            $($(#[$doc])* pub fn $name(mut self, v: $ty) -> Self { self.$name = v; self })*
        }
    };
}

option_setters!(
    /// Actions per request.
    chunk_size: usize,
    /// Bytes per request.
    max_chunk_bytes: usize,
    /// Requests in flight.
    max_in_flight: usize,
    /// The retry policy.
    retry: RetryPolicy,
    /// Raise on item errors.
    raise_on_error: bool,
    /// Raise on request errors.
    raise_on_exception: bool,
    /// Yield successful items in streams.
    yield_ok: bool,
    /// Send a partial chunk once its oldest action has waited this long.
    flush_interval: Option<Duration>,
    /// A source that does not serialize fails its item only.
    invalid_source_fails_item: bool,
);

impl BulkOptions {
    /// Default index.
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.index = Some(index.into());
        self
    }
    /// Refresh policy.
    pub fn refresh(mut self, r: Refresh) -> Self {
        self.refresh = Some(r);
        self
    }
    /// Progress callback.
    pub fn on_progress(mut self, f: impl Fn(&BulkProgress) + Send + Sync + 'static) -> Self {
        self.on_progress = Some(Arc::new(f));
        self
    }
    /// Retries of items and requests (sets `retry.max_retries`).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }
    /// Retried statuses (sets `retry.on_status`).
    pub fn retry_on_status(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.retry.on_status = statuses.into_iter().collect();
        self
    }
    /// First back-off (sets `retry.backoff.initial`).
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.retry.backoff.initial = d;
        self
    }
    /// Longest back-off (sets `retry.backoff.max`).
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.retry.backoff.max = d;
        self
    }
}

/// Cumulative progress, passed to [`BulkOptions::on_progress`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BulkProgress {
    /// Actions finished (succeeded or failed for good).
    pub done: u64,
    /// Actions failed for good.
    pub failed: u64,
    /// Item retries sent.
    pub retried: u64,
    /// Bulk requests sent.
    pub requests: u64,
    /// Body bytes sent.
    pub bytes: u64,
    /// Time since the start.
    pub elapsed: Duration,
}

/// The outcome of one action.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemOutcome {
    /// Position of the action in the input (0-based).
    pub seq: u64,
    /// Operation.
    pub op: Op,
    /// HTTP status of the item (0 when the request itself failed).
    pub status: u16,
    /// Index.
    pub index: Option<String>,
    /// Document id.
    pub id: Option<String>,
    /// `created`, `updated`, `deleted`...
    pub result: Option<String>,
    /// The error, for failed items.
    pub error: Option<Value>,
    /// How many times the item was retried.
    pub retries: u32,
    /// The action and source lines, for failed items.
    pub action: Option<Bytes>,
    /// A `create` that met its own document: the request was resent (its first answer was
    /// lost or refused), the server answered 409, and a follow-up `_mget` found the document
    /// with exactly this action's source. Reported as created (201), not as a conflict.
    pub earlier_attempt: bool,
}

impl ItemOutcome {
    /// Whether the item succeeded.
    pub fn is_ok(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// What `bulk` reports.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BulkSummary {
    /// Actions read from the input.
    pub total: u64,
    /// Actions that succeeded.
    pub ok: u64,
    /// Actions that failed for good, with their action lines.
    pub failed: Vec<ItemOutcome>,
    /// Item retries sent.
    pub retried: u64,
    /// Bulk requests sent by the helper (its own retries included).
    pub requests: u64,
    /// Of those, how many times the transport resent one (to another node after a connection
    /// error or reset): an earlier attempt may have been applied.
    pub resent: u64,
    /// `create` actions whose 409 came from their own earlier attempt (see
    /// [`ItemOutcome::earlier_attempt`]); counted in `ok`.
    pub created_by_earlier_attempt: u64,
    /// Body bytes sent.
    pub bytes: u64,
    /// Wall time.
    pub elapsed: Duration,
}

/// Errors of the bulk helpers.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BulkError {
    /// A bulk request failed (after the retries of the policy) with `raise_on_exception`.
    /// Requests already in flight were finished first and every action is accounted for in
    /// `summary`: acknowledged ones as ok, the failed request's and the never-sent ones as
    /// failed (status 0 for "not sent").
    #[error("bulk request failed ({items} actions not indexed): {source}")]
    Request {
        /// The transport's error.
        #[source]
        source: es_client::Error,
        /// Actions in the failed request.
        items: u64,
        /// Everything that happened (empty when nothing was sent).
        summary: Box<BulkSummary>,
    },
    /// Some actions failed (`raise_on_error`).
    #[error("{} of {} bulk actions failed; first: {}", .summary.failed.len(), .summary.total, first_error(.summary))]
    Items {
        /// Everything that happened, failures included.
        summary: Box<BulkSummary>,
    },
    /// An action could not be serialized.
    #[error("cannot serialize action #{seq}: {source}")]
    Serialize {
        /// Position in the input.
        seq: u64,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
}

impl From<es_client::Error> for BulkError {
    /// An error before any action was sent (no client for the alias, a blocking call inside
    /// an async runtime).
    fn from(source: es_client::Error) -> Self {
        BulkError::Request {
            source,
            items: 0,
            summary: Box::default(),
        }
    }
}

fn first_error(s: &BulkSummary) -> String {
    s.failed
        .first()
        .map(|f| {
            format!(
                "status {} {}",
                f.status,
                f.error.as_ref().map(|e| e.to_string()).unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

#[derive(Debug, Clone, Copy)]
struct Span {
    seq: u64,
    op: Op,
    start: usize,
    end: usize,
}

struct Chunk {
    body: Bytes,
    spans: Vec<Span>,
}

#[derive(Default)]
struct Stats {
    done: AtomicU64,
    failed: AtomicU64,
    retried: AtomicU64,
    requests: AtomicU64,
    resent: AtomicU64,
    earlier_attempt: AtomicU64,
    bytes: AtomicU64,
    /// Actions pulled from the input but not finished (for the memory bound).
    buffered: AtomicU64,
    peak_buffered: AtomicU64,
    /// Size of the last request body built, to size the next one without regrowing.
    last_chunk_bytes: AtomicU64,
}

impl Stats {
    /// One action accounted for: done, no longer buffered, failed unless `ok`.
    fn finish(&self, ok: bool) {
        self.done.fetch_add(1, Ordering::Relaxed);
        self.buffered.fetch_sub(1, Ordering::Relaxed);
        if !ok {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// Actions pulled for one request task, not serialized yet.
struct Batch<S> {
    first_seq: u64,
    actions: Vec<Action<S>>,
}

struct TaskOut {
    outcomes: Vec<ItemOutcome>,
    fatal: Option<BulkError>,
}

/// Runs actions through the bulk API and yields outcomes (failures always; successes when
/// `yield_ok`). A request failure with `raise_on_exception` yields one `Err` and ends.
///
/// `on` is a client or a registry (see [`Runner`]); `send()` gives a `Stream` with an async
/// one and an `Iterator` with a blocking one.
pub fn bulk_stream<F, S, St>(
    on: impl Runner<F>,
    actions: St,
    opts: BulkOptions,
) -> RunStream<F, BulkStream<S, St>>
where
    F: Flavor,
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send,
{
    let op = BulkStream {
        actions,
        opts,
        _s: PhantomData,
    };
    es_connections::bind_stream(on, &Using::default(), op)
}

/// Runs every action and summarizes; with `raise_on_error`, failed items make it an
/// `Err(BulkError::Items)` (carrying the full summary).
///
/// `on` is a client or a registry (see [`Runner`]); finish with `.send().await` (async) or
/// `.send()` (blocking).
///
/// ```no_run
/// # async fn demo(client: es_client::Client) -> Result<(), es_helpers::BulkError> {
/// use es_helpers::{bulk, Action, BulkOptions, Json};
/// let docs = (0..1000).map(|i| Action::index(Json(serde_json::json!({"n": i}))).id(i.to_string()));
/// let summary = bulk(&client, es_helpers::iter(docs), BulkOptions::default().index("numbers"))
///     .send()
///     .await?;
/// assert_eq!(summary.ok, 1000);
/// # Ok(()) }
/// ```
pub fn bulk<F, S, St>(on: impl Runner<F>, actions: St, opts: BulkOptions) -> Run<F, Bulk<S, St>>
where
    F: Flavor,
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send,
{
    es_connections::bind(on, &Using::default(), Bulk::new(actions, opts))
}

/// The bulk operation (see [`bulk`]).
pub struct Bulk<S, St> {
    actions: St,
    opts: BulkOptions,
    _s: PhantomData<fn() -> S>,
}

impl<S, St> Bulk<S, St> {
    /// The operation [`bulk`] runs, to bind to a connection of your choice (es-dsl binds it
    /// to a document type's `using`).
    pub fn new(actions: St, opts: BulkOptions) -> Self {
        Bulk {
            actions,
            opts,
            _s: PhantomData,
        }
    }
}

impl<S, St> Operation for Bulk<S, St>
where
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send,
{
    type Output = BulkSummary;
    type Error = BulkError;
    fn run<'a>(self, client: Client) -> BoxFuture<'a, BulkSummary, BulkError>
    where
        Self: 'a,
    {
        Box::pin(run_bulk(client, self.actions, self.opts))
    }
}

/// The streaming bulk operation (see [`bulk_stream`]).
pub struct BulkStream<S, St> {
    actions: St,
    opts: BulkOptions,
    _s: PhantomData<fn() -> S>,
}

impl<S, St> StreamOperation for BulkStream<S, St>
where
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send,
{
    type Item = Result<ItemOutcome, BulkError>;
    fn stream<'a>(self, client: Client) -> BoxStream<'a, Self::Item>
    where
        Self: 'a,
    {
        let engine = Engine::new(client, self.actions, self.opts, Arc::default());
        Box::pin(futures_util::stream::unfold(engine, |mut e| async move {
            e.next().await.map(|o| (o, e))
        }))
    }
    fn error_item(err: es_client::Error) -> Self::Item {
        Err(err.into())
    }
}

async fn run_bulk<S, St>(
    client: Client,
    actions: St,
    opts: BulkOptions,
) -> Result<BulkSummary, BulkError>
where
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send,
{
    run_bulk_with(client, actions, opts, None).await
}

/// [`bulk`]'s run, giving every outcome to `on_outcome` when there is one (the ingester's
/// callback).
pub(crate) async fn run_bulk_with<S, St>(
    client: Client,
    actions: St,
    opts: BulkOptions,
    on_outcome: Option<crate::ingester::OutcomeFn>,
) -> Result<BulkSummary, BulkError>
where
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send,
{
    let raise = opts.raise_on_error;
    let opts = BulkOptions {
        yield_ok: on_outcome.is_some(),
        ..opts
    };
    let started = Instant::now();
    let stats: Arc<Stats> = Arc::default();
    let mut engine = Engine::new(client, actions, opts, stats.clone());
    let mut summary = BulkSummary::default();
    let mut fatal = None;
    let record = |outcome: ItemOutcome, summary: &mut BulkSummary| {
        let ok = outcome.is_ok();
        match (&on_outcome, ok) {
            (Some(cb), true) => cb(outcome),
            (Some(cb), false) => {
                cb(outcome.clone());
                summary.failed.push(outcome);
            }
            (None, true) => {}
            (None, false) => summary.failed.push(outcome),
        }
    };
    while let Some(item) = engine.next().await {
        match item {
            Ok(outcome) => record(outcome, &mut summary),
            // Yielded last, after every other action was accounted for.
            Err(e) => fatal = Some(e),
        }
    }
    summary.total = stats.done.load(Ordering::Relaxed);
    summary.retried = stats.retried.load(Ordering::Relaxed);
    summary.requests = stats.requests.load(Ordering::Relaxed);
    summary.resent = stats.resent.load(Ordering::Relaxed);
    summary.created_by_earlier_attempt = stats.earlier_attempt.load(Ordering::Relaxed);
    summary.bytes = stats.bytes.load(Ordering::Relaxed);
    summary.ok = summary.total - summary.failed.len() as u64;
    summary.elapsed = started.elapsed();
    match fatal {
        Some(BulkError::Request { source, items, .. }) => {
            return Err(BulkError::Request {
                source,
                items,
                summary: Box::new(summary),
            })
        }
        Some(other) => return Err(other),
        None => {}
    }
    if raise && !summary.failed.is_empty() {
        return Err(BulkError::Items {
            summary: Box::new(summary),
        });
    }
    Ok(summary)
}

/// The outcome of an action that was never sent: failed, status 0, with `why`.
fn not_sent_outcome<S: BulkSource>(a: &Action<S>, seq: u64, why: &str) -> ItemOutcome {
    let mut line = Vec::new();
    let body = match a.write_to(&mut line) {
        Ok(()) => Bytes::from(line),
        Err(_) => Bytes::new(),
    };
    let span = Span {
        seq,
        op: a.op,
        start: 0,
        end: body.len(),
    };
    failed_outcome(&span, 0, Value::String(why.to_string()), 0, &body)
}

struct Engine<'a, S> {
    client: Client,
    opts: Arc<BulkOptions>,
    input: Pin<Box<dyn Stream<Item = Action<S>> + Send + 'a>>,
    input_done: bool,
    seq: u64,
    pending: Option<Batch<S>>,
    tasks: JoinSet<TaskOut>,
    outbox: VecDeque<Result<ItemOutcome, BulkError>>,
    stats: Arc<Stats>,
    started: Instant,
    /// The first fatal error: no new request is sent, those in flight are finished, and
    /// it is yielded last.
    fatal: Option<BulkError>,
    done: bool,
}

impl<'a, S: BulkSource + Send + 'static> Engine<'a, S> {
    fn new<St>(client: Client, actions: St, opts: BulkOptions, stats: Arc<Stats>) -> Self
    where
        St: Stream<Item = Action<S>> + Send + 'a,
    {
        Engine {
            client,
            opts: Arc::new(opts),
            input: Box::pin(actions),
            input_done: false,
            seq: 0,
            pending: None,
            tasks: JoinSet::new(),
            outbox: VecDeque::new(),
            stats,
            started: Instant::now(),
            fatal: None,
            done: false,
        }
    }

    async fn next(&mut self) -> Option<Result<ItemOutcome, BulkError>> {
        loop {
            if let Some(o) = self.outbox.pop_front() {
                return Some(o);
            }
            if self.done {
                return None;
            }
            if self.fatal.is_some() {
                // Finish what is in flight (the server may have applied it), then report.
                match self.tasks.join_next().await {
                    Some(Ok(out)) => {
                        self.outbox.extend(out.outcomes.into_iter().map(Ok));
                        if let Some(e) = out.fatal {
                            tracing::warn!(error = %e, "another bulk request failed after the first");
                        }
                    }
                    Some(Err(join)) => {
                        if join.is_panic() {
                            std::panic::resume_unwind(join.into_panic());
                        }
                    }
                    None => {
                        self.done = true;
                        return self.fatal.take().map(Err);
                    }
                }
                continue;
            }
            if self.pending.is_none() && !self.input_done {
                self.pending = self.build_batch().await;
            }
            if self.pending.is_some() && self.tasks.len() < self.opts.max_in_flight.max(1) {
                if let Some(batch) = self.pending.take() {
                    let (client, opts, stats) =
                        (self.client.clone(), self.opts.clone(), self.stats.clone());
                    let started = self.started;
                    self.tasks.spawn(async move {
                        send_batch(client, opts, stats, started, batch).await
                    });
                }
                continue;
            }
            match self.tasks.join_next().await {
                Some(Ok(out)) => {
                    self.outbox.extend(out.outcomes.into_iter().map(Ok));
                    if let Some(e) = out.fatal {
                        self.stop(e);
                    }
                }
                Some(Err(join)) => {
                    if join.is_panic() {
                        std::panic::resume_unwind(join.into_panic());
                    }
                }
                None => {
                    if self.pending.is_none() && self.input_done {
                        return None;
                    }
                }
            }
        }
    }

    /// A fatal error: nothing more is read or sent; actions already read but not sent are
    /// reported as failed ("not sent"), the requests in flight are finished.
    fn stop(&mut self, e: BulkError) {
        self.input_done = true;
        let why = format!("not sent: an earlier bulk request failed ({e})");
        if let Some(batch) = self.pending.take() {
            let outcomes = unsent(&self.stats, &batch, 0, &why);
            self.outbox.extend(outcomes.into_iter().map(Ok));
        }
        self.fatal = Some(e);
    }

    /// Pulls up to `chunk_size` actions (cheap: no serialization here).
    async fn build_batch(&mut self) -> Option<Batch<S>> {
        let max_count = self.opts.chunk_size.max(1);
        let mut actions = Vec::with_capacity(max_count.min(100_000));
        let first_seq = self.seq;
        // One deadline per batch, set by its first action and waited on only when the input
        // has nothing ready. Watched by the transport's deadline thread, not a tokio timer: a
        // pending tokio timer makes every park of a runtime worker arm a kernel timer.
        let mut flush_at: Option<Instant> = None;
        while actions.len() < max_count {
            let next = match self.input.next().now_or_never() {
                Some(next) => next,
                None if flush_at.is_some() => {
                    match deadline::until(flush_at, self.input.next()).await {
                        Ok(next) => next,
                        // The oldest action has waited long enough (or no deadline can be
                        // watched): send what there is.
                        Err(_) => break,
                    }
                }
                None => self.input.next().await,
            };
            let Some(action) = next else {
                self.input_done = true;
                break;
            };
            if flush_at.is_none() {
                flush_at = self
                    .opts
                    .flush_interval
                    .and_then(|d| Instant::now().checked_add(d));
            }
            self.seq += 1;
            let n = self.stats.buffered.fetch_add(1, Ordering::Relaxed) + 1;
            self.stats.peak_buffered.fetch_max(n, Ordering::Relaxed);
            actions.push(action);
        }
        (!actions.is_empty()).then_some(Batch { first_seq, actions })
    }
}

/// The outcomes of the actions of `batch` from the `from`-th on, none of which was sent:
/// failed, status 0, with `why` and the action's lines (when they serialize).
fn unsent<S: BulkSource>(
    stats: &Stats,
    batch: &Batch<S>,
    from: usize,
    why: &str,
) -> Vec<ItemOutcome> {
    let mut out = Vec::with_capacity(batch.actions.len().saturating_sub(from));
    for (i, a) in batch.actions.iter().enumerate().skip(from) {
        stats.finish(false);
        out.push(not_sent_outcome(a, batch.first_seq + i as u64, why));
    }
    out
}

/// Request bodies, and the actions left out because they did not serialize.
type Serialized = (Vec<Chunk>, Vec<(usize, serde_json::Error)>);

/// Serializes `batch` into request bodies of at most `max_bytes` (an action larger than that
/// goes alone). An action that does not serialize stops it with its position, or with
/// `skip_invalid` is left out and listed.
fn serialize<S: BulkSource>(
    batch: &Batch<S>,
    max_bytes: usize,
    guess: usize,
    skip_invalid: bool,
) -> Result<Serialized, (usize, serde_json::Error)> {
    let mut chunks = Vec::new();
    let mut invalid = Vec::new();
    let mut buf = Vec::with_capacity(guess);
    let mut spans = Vec::with_capacity(batch.actions.len());
    for (i, action) in batch.actions.iter().enumerate() {
        let start = buf.len();
        if let Err(e) = action.write_to(&mut buf) {
            if !skip_invalid {
                return Err((i, e));
            }
            buf.truncate(start);
            invalid.push((i, e));
            continue;
        }
        let span = Span {
            seq: batch.first_seq + i as u64,
            op: action.op,
            start,
            end: buf.len(),
        };
        if buf.len() > max_bytes && !spans.is_empty() {
            // Does not fit: it starts the next body.
            let tail = buf.split_off(start);
            let len = tail.len();
            chunks.push(Chunk {
                body: Bytes::from(std::mem::replace(&mut buf, tail)),
                spans: std::mem::take(&mut spans),
            });
            spans.push(Span {
                start: 0,
                end: len,
                ..span
            });
        } else {
            spans.push(span);
        }
    }
    if !spans.is_empty() {
        chunks.push(Chunk {
            body: Bytes::from(buf),
            spans,
        });
    }
    Ok((chunks, invalid))
}

/// One request task: serializes its batch (in parallel with the other tasks), then sends it
/// in one or more requests of at most `max_chunk_bytes`. A failure that stops the run leaves
/// the rest of the batch reported as not sent.
async fn send_batch<S: BulkSource>(
    client: Client,
    opts: Arc<BulkOptions>,
    stats: Arc<Stats>,
    started: Instant,
    batch: Batch<S>,
) -> TaskOut {
    let max_bytes = opts.max_chunk_bytes.max(1);
    // Sized like the previous body (+12%), so it is filled without regrowing.
    let last = stats.last_chunk_bytes.load(Ordering::Relaxed) as usize;
    let guess = (last + last / 8)
        .max(64 * 1024)
        .min(max_bytes.saturating_add(1));
    let (chunks, invalid) =
        match serialize(&batch, max_bytes, guess, opts.invalid_source_fails_item) {
            Ok(done) => done,
            Err((i, source)) => {
                let seq = batch.first_seq + i as u64;
                let why =
                    format!("not sent: action {seq} of its request does not serialize ({source})");
                return TaskOut {
                    outcomes: unsent(&stats, &batch, 0, &why),
                    fatal: Some(BulkError::Serialize { seq, source }),
                };
            }
        };
    if let Some(c) = chunks.last() {
        stats
            .last_chunk_bytes
            .store(c.body.len() as u64, Ordering::Relaxed);
    }
    let mut out = TaskOut {
        outcomes: Vec::with_capacity(invalid.len()),
        fatal: None,
    };
    for (i, e) in invalid {
        stats.finish(false);
        out.outcomes.push(ItemOutcome {
            seq: batch.first_seq + i as u64,
            op: batch.actions[i].op,
            status: 0,
            index: None,
            id: None,
            result: None,
            error: Some(serde_json::json!({"type": "invalid_source", "reason": e.to_string()})),
            retries: 0,
            action: None,
            earlier_attempt: false,
        });
    }
    drop(batch);
    let mut chunks = chunks.into_iter();
    for chunk in chunks.by_ref() {
        let done = send_chunk(client.clone(), opts.clone(), stats.clone(), started, chunk).await;
        out.outcomes.extend(done.outcomes);
        if done.fatal.is_some() {
            out.fatal = done.fatal;
            break;
        }
    }
    if let Some(e) = &out.fatal {
        let why = Value::String(format!("not sent: an earlier bulk request failed ({e})"));
        for c in chunks {
            for s in &c.spans {
                stats.finish(false);
                out.outcomes
                    .push(failed_outcome(s, 0, why.clone(), 0, &c.body));
            }
        }
    }
    out
}

#[derive(Deserialize)]
struct BulkAnswer {
    #[serde(default)]
    items: Vec<std::collections::HashMap<String, ItemAnswer>>,
}

#[derive(Deserialize)]
struct ItemAnswer {
    #[serde(rename = "_index", default)]
    index: Option<String>,
    #[serde(rename = "_id", default)]
    id: Option<String>,
    #[serde(default)]
    status: u16,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    error: Option<Value>,
}

/// Whether the answer acknowledges every one of `n` actions with a 2xx status: a complete JSON
/// body with `"errors": false` and exactly `n` items. Reads only each item's status (no
/// allocation per item), so the common case stays cheap; anything else goes through the full
/// reading, which reports missing, extra or unreadable items as failures.
pub(crate) fn all_acknowledged(body: &[u8], n: usize) -> bool {
    #[derive(Deserialize)]
    struct Quick {
        errors: bool,
        items: Vec<ItemStatus>,
    }
    struct ItemStatus(u16);
    impl<'de> Deserialize<'de> for ItemStatus {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> serde::de::Visitor<'de> for V {
                type Value = ItemStatus;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("a bulk item {op: {status: ...}}")
                }
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut m: A,
                ) -> Result<ItemStatus, A::Error> {
                    #[derive(Deserialize)]
                    struct Status {
                        status: u16,
                    }
                    let mut status = None;
                    while m.next_key::<serde::de::IgnoredAny>()?.is_some() {
                        if status.is_some() {
                            return Err(serde::de::Error::custom("an item has several operations"));
                        }
                        status = Some(m.next_value::<Status>()?.status);
                    }
                    status
                        .map(ItemStatus)
                        .ok_or_else(|| serde::de::Error::custom("empty item"))
                }
            }
            d.deserialize_map(V)
        }
    }
    match serde_json::from_slice::<Quick>(body) {
        Ok(q) => {
            !q.errors && q.items.len() == n && q.items.iter().all(|s| (200..300).contains(&s.0))
        }
        Err(_) => false,
    }
}

async fn send_chunk(
    client: Client,
    opts: Arc<BulkOptions>,
    stats: Arc<Stats>,
    started: Instant,
    chunk: Chunk,
) -> TaskOut {
    let Chunk {
        mut body,
        mut spans,
    } = chunk;
    let mut outcomes = Vec::new();
    let mut attempt = 0u32;
    // Statuses are this helper's to retry; the transport still retries connection errors.
    let transport_retry = client
        .transport()
        .retry_policy()
        .clone()
        .retry_on_status([]);
    let mut wait_hint: Option<Duration> = None;
    let finish = |outcomes: &mut Vec<ItemOutcome>, o: ItemOutcome| {
        let ok = o.is_ok();
        stats.finish(ok);
        // Failures always; successes only when the stream yields them.
        if !ok || opts.yield_ok {
            outcomes.push(o);
        }
    };
    loop {
        let mut call = client
            .bulk()
            .raw_body(Body::ndjson(body.clone()))
            .retry_policy(transport_retry.clone());
        if let Some(i) = &opts.index {
            call = call.index(i.as_str());
        }
        if let Some(r) = opts.refresh {
            call = call.refresh(r);
        }
        if let Some(p) = &opts.pipeline {
            call = call.pipeline(p.as_str());
        }
        if let Some(r) = &opts.routing {
            call = call.routing(r.as_str());
        }
        if let Some(t) = opts.request_timeout {
            call = call.request_timeout(t);
        }
        stats.requests.fetch_add(1, Ordering::Relaxed);
        stats.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
        let result = call.send_raw().await;
        if let Ok(r) = &result {
            stats
                .resent
                .fetch_add(u64::from(r.retries()), Ordering::Relaxed);
        }
        let mut retry: Vec<Span> = Vec::new();
        match result {
            Err(e) => {
                let status = e.status().map(|s| s.as_u16()).unwrap_or(0);
                if let (Some(wait), true) =
                    (opts.retry.next_wait(&e, attempt + 1), e.status().is_some())
                {
                    wait_hint = Some(wait);
                    retry = spans.clone();
                } else if opts.raise_on_exception {
                    let items = spans.len() as u64;
                    let error = Value::String(e.to_string());
                    for s in &spans {
                        let o = failed_outcome(s, status, error.clone(), attempt, &body);
                        finish(&mut outcomes, o);
                    }
                    return TaskOut {
                        outcomes,
                        fatal: Some(BulkError::Request {
                            source: e,
                            items,
                            summary: Box::default(),
                        }),
                    };
                } else {
                    let error = Value::String(e.to_string());
                    for s in &spans {
                        let o = failed_outcome(s, status, error.clone(), attempt, &body);
                        finish(&mut outcomes, o);
                    }
                }
            }
            Ok(resp)
                if !opts.yield_ok
                    && resp.retries() == 0
                    && all_acknowledged(resp.body(), spans.len()) =>
            {
                for s in &spans {
                    finish(&mut outcomes, ok_outcome(s, attempt));
                }
            }
            Ok(resp) => match serde_json::from_slice::<BulkAnswer>(resp.body()) {
                Ok(answer) if answer.items.len() == spans.len() => {
                    let resent = resp.retries();
                    // A create resent after a lost answer may meet its own document.
                    let maybe_own = attempt > 0 || resent > 0;
                    let mut suspects: Vec<(Span, ItemOutcome)> = Vec::new();
                    for (s, item) in spans.iter().zip(answer.items) {
                        let Some((_, it)) = item.into_iter().next() else {
                            finish(
                                &mut outcomes,
                                failed_outcome(
                                    s,
                                    0,
                                    Value::String("empty item".into()),
                                    attempt,
                                    &body,
                                ),
                            );
                            continue;
                        };
                        if opts.retry.retries_status(it.status) && attempt < opts.retry.max_retries
                        {
                            retry.push(*s);
                            continue;
                        }
                        let ok = (200..300).contains(&it.status);
                        let o = ItemOutcome {
                            seq: s.seq,
                            op: s.op,
                            status: it.status,
                            index: it.index,
                            id: it.id,
                            result: it.result,
                            error: it.error,
                            retries: attempt,
                            action: if ok {
                                None
                            } else {
                                Some(body.slice(s.start..s.end))
                            },
                            earlier_attempt: false,
                        };
                        if maybe_own && s.op == Op::Create && o.status == 409 {
                            suspects.push((*s, o));
                        } else {
                            finish(&mut outcomes, o);
                        }
                    }
                    if !suspects.is_empty() {
                        let own = own_documents(&client, &suspects, &body).await;
                        for ((_, mut o), mine) in suspects.into_iter().zip(own) {
                            if mine {
                                o.status = 201;
                                o.result = Some("created".into());
                                o.error = None;
                                o.action = None;
                                o.earlier_attempt = true;
                                stats.earlier_attempt.fetch_add(1, Ordering::Relaxed);
                            }
                            finish(&mut outcomes, o);
                        }
                    }
                }
                other => {
                    let why = match other {
                        Ok(a) => format!(
                            "bulk answer has {} items for {} actions",
                            a.items.len(),
                            spans.len()
                        ),
                        Err(e) => format!("unreadable bulk answer: {e}"),
                    };
                    for s in &spans {
                        finish(
                            &mut outcomes,
                            failed_outcome(s, 0, Value::String(why.clone()), attempt, &body),
                        );
                    }
                }
            },
        }
        if let Some(cb) = &opts.on_progress {
            cb(&BulkProgress {
                done: stats.done.load(Ordering::Relaxed),
                failed: stats.failed.load(Ordering::Relaxed),
                retried: stats.retried.load(Ordering::Relaxed),
                requests: stats.requests.load(Ordering::Relaxed),
                bytes: stats.bytes.load(Ordering::Relaxed),
                elapsed: started.elapsed(),
            });
        }
        if retry.is_empty() {
            return TaskOut {
                outcomes,
                fatal: None,
            };
        }
        attempt += 1;
        stats
            .retried
            .fetch_add(retry.len() as u64, Ordering::Relaxed);
        let wait = wait_hint
            .take()
            .unwrap_or_else(|| opts.retry.wait(attempt, None));
        tracing::debug!(
            items = retry.len(),
            attempt,
            wait_ms = wait.as_millis() as u64,
            "retrying bulk items"
        );
        tokio::time::sleep(wait).await;
        let mut next = Vec::with_capacity(retry.iter().map(|s| s.end - s.start).sum());
        let mut next_spans = Vec::with_capacity(retry.len());
        for s in retry {
            let start = next.len();
            next.extend_from_slice(&body[s.start..s.end]);
            next_spans.push(Span {
                start,
                end: next.len(),
                ..s
            });
        }
        body = Bytes::from(next);
        spans = next_spans;
    }
}

fn ok_outcome(s: &Span, retries: u32) -> ItemOutcome {
    ItemOutcome {
        seq: s.seq,
        op: s.op,
        status: 200,
        index: None,
        id: None,
        result: None,
        error: None,
        retries,
        action: None,
        earlier_attempt: false,
    }
}

fn failed_outcome(s: &Span, status: u16, error: Value, retries: u32, body: &Bytes) -> ItemOutcome {
    ItemOutcome {
        seq: s.seq,
        op: s.op,
        status,
        index: None,
        id: None,
        result: None,
        error: Some(error),
        retries,
        action: Some(body.slice(s.start..s.end)),
        earlier_attempt: false,
    }
}

/// For each `create` answered 409 after a resend: whether the stored document is this
/// action's own (same index, id and source), read with one `_mget`. Any doubt (the read
/// fails, the source differs or cannot be compared) keeps the conflict.
async fn own_documents(
    client: &Client,
    suspects: &[(Span, ItemOutcome)],
    body: &Bytes,
) -> Vec<bool> {
    let mut docs = Vec::with_capacity(suspects.len());
    let mut sent = Vec::with_capacity(suspects.len());
    for (s, o) in suspects {
        let lines = &body[s.start..s.end];
        let source = lines
            .split(|b| *b == b'\n')
            .nth(1)
            .and_then(|l| serde_json::from_slice::<Value>(l).ok());
        sent.push(source);
        docs.push(serde_json::json!({"_index": o.index, "_id": o.id}));
    }
    let answer = client
        .mget()
        .body(&serde_json::json!({ "docs": docs }))
        .send_raw()
        .await;
    let found: Vec<Value> = match answer
        .ok()
        .and_then(|r| serde_json::from_slice::<Value>(r.body()).ok())
    {
        Some(Value::Object(mut m)) => match m.remove("docs") {
            Some(Value::Array(d)) => d,
            _ => Vec::new(),
        },
        _ => Vec::new(),
    };
    if found.len() != suspects.len() {
        tracing::warn!("could not read back resent creates; their 409s are reported as conflicts");
        return vec![false; suspects.len()];
    }
    found
        .iter()
        .zip(&sent)
        .zip(suspects)
        .map(|((doc, source), (_, o))| {
            doc.get("found") == Some(&Value::Bool(true))
                && doc.get("_id").and_then(Value::as_str) == o.id.as_deref()
                && source.is_some()
                && doc.get("_source") == source.as_ref()
        })
        .collect()
}

/// [`bulk_stream`] plus a probe returning `(buffered, peak buffered)`: actions pulled from the
/// input and not finished yet — what the memory bound is about.
#[doc(hidden)]
pub fn bulk_stream_observed<'a, S, St>(
    client: Client,
    actions: St,
    opts: BulkOptions,
) -> (
    impl Stream<Item = Result<ItemOutcome, BulkError>> + Send + 'a,
    Arc<impl Fn() -> (u64, u64)>,
)
where
    S: BulkSource + Send + 'static,
    St: Stream<Item = Action<S>> + Send + 'a,
{
    let stats = Arc::new(Stats::default());
    let engine = Engine::new(client, actions, opts, stats.clone());
    let probe = Arc::new(move || {
        (
            stats.buffered.load(Ordering::Relaxed),
            stats.peak_buffered.load(Ordering::Relaxed),
        )
    });
    (
        futures_util::stream::unfold(
            engine,
            |mut e| async move { e.next().await.map(|o| (o, e)) },
        ),
        probe,
    )
}
