//! Deadlines watched by one thread instead of a runtime timer each: the transport's request
//! timeouts, and the bulk helpers' flush interval.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use std::time::Duration;
//! use es_transport::deadline::{within, Expired};
//! let answer = within(Duration::from_secs(5), async { 42 }).await;
//! assert_eq!(answer.ok(), Some(42));
//! let stuck = within(Duration::from_millis(10), std::future::pending::<()>()).await;
//! assert!(matches!(stuck, Err(Expired::Elapsed)));
//! # }
//! ```
//!
//! Why not `tokio::time::timeout`: while any tokio timer is pending, every time a runtime
//! worker parks on the I/O driver it parks with a timeout, and the kernel arms and cancels a
//! high-resolution timer for it — on a virtual machine each of those is a trip to the
//! hypervisor. With a timeout on every request some timer is nearly always pending, and on
//! the 2-core benchmark machine that was about 5% of the client's CPU per small search
//! (`perf record -e cpu-clock:k`: `hrtimer_setup_sleeper_on_stack`, `hrtimer_cancel`, and
//! more time where interrupts are re-enabled; none of it in a client without timeouts).
//!
//! Here a request registers its deadline and its task's waker in one table; one thread
//! (started on first use, shared by every transport of the process) sleeps until the earliest
//! deadline and wakes the requests that passed it. A request that ends first removes its
//! entry. With one timeout for all requests each new deadline is later than every pending
//! one, so registering never wakes the thread: it wakes about once per timeout period.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Condvar, Mutex, MutexGuard, OnceLock};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

/// The table of pending deadlines and the thread watching it.
struct Watch {
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    /// Keyed by deadline, then by a sequence number (two requests may share an instant).
    pending: BTreeMap<(Instant, u64), Waker>,
    next_id: u64,
    /// When the watching thread wakes next; `None` while it waits for a first deadline.
    sleeping_until: Option<Instant>,
    /// The latest deadline registered. With nothing pending the thread sleeps until it, so
    /// that the next request (whose deadline is later, for the same timeout) need not wake it.
    latest: Option<Instant>,
}

static WATCH: OnceLock<Result<&'static Watch, String>> = OnceLock::new();

fn watch() -> Result<&'static Watch, String> {
    WATCH
        .get_or_init(|| {
            let w: &'static Watch = Box::leak(Box::new(Watch {
                state: Mutex::new(State::default()),
                wake: Condvar::new(),
            }));
            std::thread::Builder::new()
                .name("es-transport-deadlines".into())
                .spawn(move || w.run())
                .map(|_| w)
                .map_err(|e| format!("could not start the request-deadline thread: {e}"))
        })
        .clone()
}

impl Watch {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The table stays consistent under a panic elsewhere: every change is one call.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn run(&self) {
        let mut st = self.lock();
        loop {
            let now = Instant::now();
            let mut due = Vec::new();
            while let Some(entry) = st.pending.first_entry() {
                if entry.key().0 > now {
                    break;
                }
                due.push(entry.remove());
            }
            if !due.is_empty() {
                // Woken outside the lock: a waker may run code that registers again.
                drop(st);
                due.into_iter().for_each(Waker::wake);
                st = self.lock();
                continue;
            }
            let until = match st.pending.first_key_value() {
                Some(((at, _), _)) => Some(*at),
                None => st.latest.take().filter(|at| *at > now),
            };
            st.sleeping_until = until;
            st = match until {
                Some(at) => {
                    self.wake
                        .wait_timeout(st, at.saturating_duration_since(now))
                        .unwrap_or_else(|p| p.into_inner())
                        .0
                }
                None => self.wake.wait(st).unwrap_or_else(|p| p.into_inner()),
            };
        }
    }

    fn register(&self, at: Instant, waker: Waker) -> u64 {
        let mut st = self.lock();
        let id = st.next_id;
        st.next_id += 1;
        st.pending.insert((at, id), waker);
        if st.latest.is_none_or(|l| l < at) {
            st.latest = Some(at);
        }
        let wake = st.sleeping_until.is_none_or(|s| at < s);
        drop(st);
        if wake {
            self.wake.notify_one();
        }
        id
    }

    fn rewake(&self, key: (Instant, u64), waker: &Waker) {
        if let Some(w) = self.lock().pending.get_mut(&key) {
            w.clone_from(waker);
        }
    }

    fn remove(&self, key: (Instant, u64)) {
        let w = self.lock().pending.remove(&key);
        // Dropped outside the lock.
        drop(w);
    }
}

/// Why a future given a deadline did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expired {
    /// The deadline passed before the future finished.
    Elapsed,
    /// The watching thread could not be started; the message says why.
    Unavailable(String),
}

impl std::fmt::Display for Expired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expired::Elapsed => f.write_str("deadline passed"),
            Expired::Unavailable(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for Expired {}

/// Runs `fut` until it finishes or `timeout` passes, whichever is first; the future is
/// polled first, as a biased `tokio::select!` would.
pub fn within<F: Future>(timeout: Duration, fut: F) -> Within<F> {
    // A deadline too far to represent is no deadline.
    until(Instant::now().checked_add(timeout), fut)
}

/// Runs `fut` until it finishes or the instant `at` passes (`None`: no deadline).
pub fn until<F: Future>(at: Option<Instant>, fut: F) -> Within<F> {
    Within {
        fut,
        at,
        entry: None,
    }
}

pin_project_lite::pin_project! {
    /// The future [`within`] and [`until`] return.
    pub struct Within<F> {
        #[pin]
        fut: F,
        at: Option<Instant>,
        // The registration's sequence number (its key is `(at, id)`) and the waker it holds.
        entry: Option<(u64, Waker)>,
    }

    impl<F> PinnedDrop for Within<F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if let (Some((id, _)), Some(at)) = (this.entry.take(), *this.at) {
                if let Ok(w) = watch() {
                    w.remove((at, id));
                }
            }
        }
    }
}

impl<F: Future> Future for Within<F> {
    type Output = Result<F::Output, Expired>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(out) = this.fut.poll(cx) {
            return Poll::Ready(Ok(out));
        }
        let Some(at) = *this.at else {
            return Poll::Pending;
        };
        if Instant::now() >= at {
            return Poll::Ready(Err(Expired::Elapsed));
        }
        let w = match watch() {
            Ok(w) => w,
            Err(e) => return Poll::Ready(Err(Expired::Unavailable(e))),
        };
        match this.entry {
            Some((id, known)) => {
                if !known.will_wake(cx.waker()) {
                    known.clone_from(cx.waker());
                    w.rewake((at, *id), cx.waker());
                }
            }
            None => {
                let id = w.register(at, cx.waker().clone());
                *this.entry = Some((id, cx.waker().clone()));
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_future_expires_near_its_deadline_and_a_fast_one_does_not() {
        let started = Instant::now();
        let slow = within(Duration::from_millis(150), std::future::pending::<()>()).await;
        let waited = started.elapsed();
        assert!(matches!(slow, Err(Expired::Elapsed)), "{slow:?}");
        assert!(waited >= Duration::from_millis(150), "{waited:?}");
        assert!(waited < Duration::from_secs(2), "{waited:?}");

        let fast = within(Duration::from_secs(5), async { 7 }).await;
        assert_eq!(fast.ok(), Some(7));
    }

    #[tokio::test]
    async fn a_shorter_deadline_registered_later_still_fires_first() {
        // The long one makes the thread sleep far ahead; the short one must wake it.
        let long = tokio::spawn(within(
            Duration::from_secs(30),
            std::future::pending::<()>(),
        ));
        tokio::time::sleep(Duration::from_millis(20)).await;
        let started = Instant::now();
        let short = within(Duration::from_millis(100), std::future::pending::<()>()).await;
        assert!(matches!(short, Err(Expired::Elapsed)));
        assert!(started.elapsed() < Duration::from_secs(2));
        long.abort();
    }

    #[tokio::test]
    async fn finished_and_dropped_futures_leave_nothing_pending() {
        let key_count = || {
            let ahead = Instant::now() + Duration::from_secs(45);
            let w = watch().unwrap();
            let st = w.lock();
            st.pending.keys().filter(|(at, _)| *at > ahead).count()
        };
        for _ in 0..100 {
            // Registered (polled pending once), then finished.
            let (tx, rx) = tokio::sync::oneshot::channel::<()>();
            let f = tokio::spawn(within(Duration::from_secs(60), rx));
            tokio::task::yield_now().await;
            let _ = tx.send(());
            f.await.unwrap().unwrap().unwrap();
            // Registered, then dropped before the end.
            let g = tokio::spawn(within(
                Duration::from_secs(60),
                std::future::pending::<()>(),
            ));
            tokio::task::yield_now().await;
            g.abort();
            let _ = g.await;
        }
        // Only this test registers deadlines a minute ahead: none of them may be left.
        assert_eq!(key_count(), 0);
    }
}
