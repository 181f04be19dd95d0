//! [`BulkIngester`]: a long-lived bulk indexer many tasks and threads push actions into (as
//! Go's `esutil.BulkIndexer` and Java's `BulkIngester`), run by the same engine as [`bulk`].
//!
//! [`bulk`]: crate::bulk

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use es_client::Client;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::action::{Action, BulkSource};
use crate::bulk::{run_bulk_with, BulkError, BulkOptions, BulkSummary, ItemOutcome};

/// What the ingester calls with each finished action.
pub type OutcomeFn = Arc<dyn Fn(ItemOutcome) + Send + Sync>;

/// The bounded queue between the handles and the engine: a few shards (each handle pushes
/// into its own, so many producers do not meet on one lock), which the engine empties whole
/// (one lock per batch, not per action).
struct Queue<S> {
    shards: Vec<Mutex<VecDeque<Action<S>>>>,
    /// Per shard.
    capacity: usize,
    closed: AtomicBool,
    not_empty: Notify,
    not_full: Notify,
}

const SHARDS: usize = 8;

impl<S> Queue<S> {
    fn lock(&self, shard: usize) -> MutexGuard<'_, VecDeque<Action<S>>> {
        self.shards[shard % self.shards.len()]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
    fn len(&self) -> usize {
        (0..self.shards.len()).map(|i| self.lock(i).len()).sum()
    }
}

struct Shared<S> {
    queue: Queue<S>,
    rt: tokio::runtime::Handle,
    task: Mutex<Option<JoinHandle<Result<BulkSummary, BulkError>>>>,
    /// Hands out shards to new handles.
    next_shard: std::sync::atomic::AtomicUsize,
}

/// A cloneable handle to one running bulk engine: actions [`add`](Self::add)ed from any
/// task or thread are sent in requests of `chunk_size` actions / `max_chunk_bytes`, or
/// sooner once the oldest has waited `flush_interval` (default here: 1 s), `max_in_flight`
/// at a time, retried as [`bulk`](crate::bulk) retries. The queue is bounded
/// (`queue` actions): `add` waits when it is full (back-pressure); about two requests' worth
/// (`2 × chunk_size`) keeps the requests fed without the producers running far ahead of
/// them (measured: 10,000 for chunks of 5,000 is faster than 50,000). Each finished action is
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
    shared: Arc<Shared<S>>,
    shard: usize,
}

impl<S> Clone for BulkIngester<S> {
    fn clone(&self) -> Self {
        BulkIngester {
            shared: self.shared.clone(),
            shard: self.shared.next_shard.fetch_add(1, Ordering::Relaxed),
        }
    }
}

impl<S> std::fmt::Debug for BulkIngester<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let q = &self.shared.queue;
        f.debug_struct("BulkIngester")
            .field("closed", &q.closed.load(Ordering::Relaxed))
            .field("queued", &q.len())
            .field("capacity", &(q.capacity * q.shards.len()))
            .finish()
    }
}

/// The ingester was closed: the action was not taken.
#[derive(Debug, thiserror::Error)]
#[error("the bulk ingester is closed; the action was not taken")]
pub struct IngesterClosed;

impl<S: BulkSource + Send + 'static> BulkIngester<S> {
    /// Starts the engine on the current tokio runtime, with a queue of `queue` actions and an
    /// optional outcome callback. `flush_interval` defaults to 1 s here (a pushed action is
    /// never left waiting for a chunk to fill).
    /// Must be called within a tokio runtime (as `tokio::spawn`); blocking programs use
    /// [`start_blocking`](Self::start_blocking).
    pub fn start(
        client: Client,
        opts: BulkOptions,
        queue: usize,
        on_outcome: Option<OutcomeFn>,
    ) -> Self {
        Self::start_on(
            &tokio::runtime::Handle::current(),
            client,
            opts,
            queue,
            on_outcome,
        )
    }

    /// [`start`](Self::start) for blocking programs: the engine runs on the runtime shared by
    /// blocking clients; push with [`add_blocking`](Self::add_blocking), finish with
    /// [`close_blocking`](Self::close_blocking).
    #[cfg(feature = "blocking")]
    pub fn start_blocking(
        client: &es_client::blocking::Client,
        opts: BulkOptions,
        queue: usize,
        on_outcome: Option<OutcomeFn>,
    ) -> Result<Self, es_client::Error> {
        let rt = es_client::transport::blocking::runtime()?;
        Ok(Self::start_on(
            rt.handle(),
            client.as_async(),
            opts,
            queue,
            on_outcome,
        ))
    }

    /// [`close`](Self::close) from blocking code.
    #[cfg(feature = "blocking")]
    pub fn close_blocking(self) -> Result<BulkSummary, BulkError> {
        es_client::transport::blocking::block_on_result(self.close())
    }

    fn start_on(
        rt: &tokio::runtime::Handle,
        client: Client,
        opts: BulkOptions,
        queue: usize,
        on_outcome: Option<OutcomeFn>,
    ) -> Self {
        let opts = BulkOptions {
            flush_interval: opts
                .flush_interval
                .or(Some(std::time::Duration::from_secs(1))),
            ..opts
        };
        let shared = Arc::new(Shared {
            queue: Queue {
                shards: (0..SHARDS).map(|_| Mutex::new(VecDeque::new())).collect(),
                capacity: queue.max(1).div_ceil(SHARDS),
                closed: AtomicBool::new(false),
                not_empty: Notify::new(),
                not_full: Notify::new(),
            },
            rt: rt.clone(),
            task: Mutex::new(None),
            next_shard: std::sync::atomic::AtomicUsize::new(1),
        });
        let task = rt.spawn(run(client, opts, shared.clone(), on_outcome));
        *shared.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        BulkIngester { shared, shard: 0 }
    }

    /// Queues an action; waits while the queue is full. `Err` once the ingester is closed.
    pub async fn add(&self, action: Action<S>) -> Result<(), IngesterClosed> {
        let q = &self.shared.queue;
        let mut action = Some(action);
        // The common case: room in the queue, no waiting registered.
        if self.try_push(&mut action)? {
            // A producer that never waits would keep its worker until the queue is full,
            // while the engine and the request tasks (which free the queue) wait behind it:
            // it yields as tokio's cooperative budget says (every 128 adds).
            tokio::task::consume_budget().await;
            return Ok(());
        }
        loop {
            // Registered before the check, so a drain between the check and the wait wakes us.
            let space = q.not_full.notified();
            tokio::pin!(space);
            space.as_mut().enable();
            if self.try_push(&mut action)? {
                return Ok(());
            }
            space.await;
        }
    }

    /// Pushes `action` if there is room (taking it out of the option).
    fn try_push(&self, action: &mut Option<Action<S>>) -> Result<bool, IngesterClosed> {
        let q = &self.shared.queue;
        let mut items = q.lock(self.shard);
        if q.closed.load(Ordering::Acquire) {
            return Err(IngesterClosed);
        }
        if items.len() >= q.capacity {
            return Ok(false);
        }
        let Some(a) = action.take() else {
            return Ok(true);
        };
        items.push_back(a);
        let first = items.len() == 1;
        drop(items);
        if first {
            q.not_empty.notify_one();
        }
        Ok(true)
    }

    /// [`add`](Self::add) from a thread outside the async runtime (blocks while the queue is
    /// full; must not be called from async code).
    pub fn add_blocking(&self, action: Action<S>) -> Result<(), IngesterClosed> {
        self.shared.rt.block_on(self.add(action))
    }

    /// Stops taking actions, sends what is queued, waits for every answer and returns the
    /// summary (an `Err` as [`bulk`](crate::bulk) gives one). Every action an `add` took is
    /// sent (the close and the adds are ordered by the queue's lock); later `add`s, from any
    /// handle, are refused with [`IngesterClosed`]. A second `close` (from a clone) returns
    /// an empty summary.
    pub async fn close(self) -> Result<BulkSummary, BulkError> {
        let q = &self.shared.queue;
        {
            // Under every shard's lock: an `add` either pushed before (and is sent) or sees
            // the close.
            let _all: Vec<_> = (0..q.shards.len()).map(|i| q.lock(i)).collect();
            q.closed.store(true, Ordering::Release);
        }
        q.not_empty.notify_one();
        q.not_full.notify_waiters();
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
    shared: Arc<Shared<S>>,
    on_outcome: Option<OutcomeFn>,
) -> Result<BulkSummary, BulkError> {
    let input = Drain {
        shared,
        local: VecDeque::new(),
        wait: None,
    };
    run_bulk_with(client, input, opts, on_outcome).await
}

/// The engine's input: everything queued is taken at once, then handed out one by one. Once
/// closed (see [`BulkIngester::close`]), the shards are emptied to the end and the stream
/// ends: nothing queued is left behind.
struct Drain<S> {
    shared: Arc<Shared<S>>,
    local: VecDeque<Action<S>>,
    /// Waiting for a push; only the engine waits on `not_empty`, and a push into an empty
    /// shard stores a permit when it is not waiting yet, so no wake-up is missed.
    wait: Option<futures_util::future::BoxFuture<'static, ()>>,
}

// No field is pinned: the actions are only moved in and out of the deque.
impl<S> Unpin for Drain<S> {}

impl<S: Send + 'static> futures_util::Stream for Drain<S> {
    type Item = Action<S>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Action<S>>> {
        use std::task::Poll;
        let this = &mut *self;
        loop {
            if let Some(a) = this.local.pop_front() {
                return Poll::Ready(Some(a));
            }
            if let Some(w) = this.wait.as_mut() {
                if w.as_mut().poll(cx).is_pending() {
                    return Poll::Pending;
                }
                this.wait = None;
            }
            let q = &this.shared.queue;
            let closed = q.closed.load(Ordering::Acquire);
            let mut took = false;
            for i in 0..q.shards.len() {
                let mut items = q.lock(i);
                if !items.is_empty() {
                    this.local.append(&mut items);
                    took = true;
                }
            }
            if took {
                q.not_full.notify_waiters();
                continue;
            }
            if closed {
                return Poll::Ready(None);
            }
            let shared = this.shared.clone();
            this.wait = Some(Box::pin(async move {
                shared.queue.not_empty.notified().await;
            }));
        }
    }
}
