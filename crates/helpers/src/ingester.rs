//! [`BulkIngester`]: a long-lived bulk indexer many tasks and threads push actions into (as
//! Go's `esutil.BulkIndexer` and Java's `BulkIngester`), run by the same engine as [`bulk`].
//!
//! [`bulk`]: crate::bulk

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;

use es_client::Client;
use futures_util::StreamExt;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::action::{Action, BulkSource};
use crate::bulk::{
    not_sent_outcome, run_bulk_with, BulkError, BulkOptions, BulkSummary, ItemOutcome,
};

/// What the ingester calls with each finished action.
pub type OutcomeFn = Arc<dyn Fn(ItemOutcome) + Send + Sync>;

enum Msg<S> {
    Action(Action<S>),
    Close,
}

struct Shared {
    closed: AtomicBool,
    task: Mutex<Option<JoinHandle<Result<BulkSummary, BulkError>>>>,
}

/// A cloneable handle to one running bulk engine: actions [`add`](Self::add)ed from any
/// task or thread are sent in requests of `chunk_size` actions / `max_chunk_bytes`, or
/// sooner once the oldest has waited `flush_interval` (default here: 1 s), `max_in_flight`
/// at a time, retried as [`bulk`](crate::bulk) retries. The queue is bounded
/// (`queue` actions): `add` waits when it is full (back-pressure). Each finished action is
/// given to the outcome callback (successes and failures, as the server answered it);
/// [`close`](Self::close) sends what is left, waits for every answer and returns the
/// summary.
///
/// ```no_run
/// # async fn demo(client: es_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use es_helpers::{Action, BulkIngester, BulkOptions, Json};
/// let ingester = BulkIngester::start(client, BulkOptions::default().index("logs"), 10_000, None);
/// let mut tasks = Vec::new();
/// for t in 0..16 {
///     let ing = ingester.clone();
///     tasks.push(tokio::spawn(async move {
///         for i in 0..1000 {
///             ing.add(Action::index(Json(serde_json::json!({"task": t, "i": i})))).await?;
///         }
///         Ok::<_, es_helpers::IngesterClosed>(())
///     }));
/// }
/// for t in tasks { t.await??; }
/// let summary = ingester.close().await?;
/// assert_eq!(summary.ok, 16_000);
/// # Ok(()) }
/// ```
pub struct BulkIngester<S> {
    tx: mpsc::Sender<Msg<S>>,
    shared: Arc<Shared>,
}

impl<S> Clone for BulkIngester<S> {
    fn clone(&self) -> Self {
        BulkIngester {
            tx: self.tx.clone(),
            shared: self.shared.clone(),
        }
    }
}

impl<S> std::fmt::Debug for BulkIngester<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BulkIngester")
            .field("closed", &self.shared.closed.load(Ordering::Relaxed))
            .field("queued", &(self.tx.max_capacity() - self.tx.capacity()))
            .finish()
    }
}

/// The ingester was closed: the action was not taken (and is given back).
#[derive(Debug, thiserror::Error)]
#[error("the bulk ingester is closed; the action was not taken")]
pub struct IngesterClosed;

impl<S: BulkSource + Send + 'static> BulkIngester<S> {
    /// Starts the engine on the current tokio runtime, with a queue of `queue` actions and an
    /// optional outcome callback. `flush_interval` defaults to 1 s here (a pushed action is
    /// never left waiting for a chunk to fill).
    pub fn start(
        client: Client,
        opts: BulkOptions,
        queue: usize,
        on_outcome: Option<OutcomeFn>,
    ) -> Self {
        let (tx, rx) = mpsc::channel::<Msg<S>>(queue.max(1));
        let opts = BulkOptions {
            flush_interval: opts
                .flush_interval
                .or(Some(std::time::Duration::from_secs(1))),
            ..opts
        };
        let shared = Arc::new(Shared {
            closed: AtomicBool::new(false),
            task: Mutex::new(None),
        });
        let task = tokio::spawn(run(client, opts, rx, on_outcome));
        *shared.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        BulkIngester { tx, shared }
    }

    /// Queues an action; waits while the queue is full. `Err` once the ingester is closed.
    pub async fn add(&self, action: Action<S>) -> Result<(), IngesterClosed> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(IngesterClosed);
        }
        self.tx
            .send(Msg::Action(action))
            .await
            .map_err(|_| IngesterClosed)
    }

    /// [`add`](Self::add) from a thread outside the async runtime (blocks while the queue is
    /// full; must not be called from async code).
    pub fn add_blocking(&self, action: Action<S>) -> Result<(), IngesterClosed> {
        if self.shared.closed.load(Ordering::Acquire) {
            return Err(IngesterClosed);
        }
        self.tx
            .blocking_send(Msg::Action(action))
            .map_err(|_| IngesterClosed)
    }

    /// Stops taking actions, sends what is queued, waits for every answer and returns the
    /// summary (an `Err` as [`bulk`](crate::bulk) gives one). Other handles' later `add`s are
    /// refused; an action that raced with the close is reported as failed ("not sent"),
    /// never dropped silently. A second `close` (from a clone) returns an empty summary.
    pub async fn close(self) -> Result<BulkSummary, BulkError> {
        self.shared.closed.store(true, Ordering::Release);
        let _ = self.tx.send(Msg::Close).await;
        let task = self
            .shared
            .task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        match task {
            Some(t) => match t.await {
                Ok(r) => r,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => Ok(BulkSummary::default()),
            },
            None => Ok(BulkSummary::default()),
        }
    }
}

async fn run<S: BulkSource + Send + 'static>(
    client: Client,
    opts: BulkOptions,
    rx: mpsc::Receiver<Msg<S>>,
    on_outcome: Option<OutcomeFn>,
) -> Result<BulkSummary, BulkError> {
    let rx = Arc::new(Mutex::new(rx));
    let reader = rx.clone();
    let input = futures_util::stream::poll_fn(move |cx| {
        let mut rx = reader.lock().unwrap_or_else(|p| p.into_inner());
        match rx.poll_recv(cx) {
            Poll::Ready(Some(Msg::Action(a))) => Poll::Ready(Some(a)),
            Poll::Ready(Some(Msg::Close)) | Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    });
    // Actions that raced with the close (queued behind it): reported as not sent, not lost.
    let late = move || {
        let mut rx = rx.lock().unwrap_or_else(|p| p.into_inner());
        rx.close();
        let mut out = Vec::new();
        while let Ok(msg) = rx.try_recv() {
            if let Msg::Action(a) = msg {
                out.push(not_sent_outcome(
                    &a,
                    u64::MAX,
                    "not sent: added while the ingester was closing",
                ));
            }
        }
        if !out.is_empty() {
            tracing::warn!(
                actions = out.len(),
                "bulk ingester: actions added while closing were not sent"
            );
        }
        out
    };
    run_bulk_with(client, input.boxed(), opts, on_outcome, late).await
}
