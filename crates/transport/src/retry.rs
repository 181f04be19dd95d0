//! [`RetryPolicy`]: the one place that decides what is retried and how long to wait.
//!
//! The transport's request loop, [`Error::is_retryable`] and the bulk helper all ask this
//! type; change retry behaviour here and nowhere else.

use std::time::Duration;

use crate::{Error, ErrorDetail};

/// Jittered exponential back-off between retries: retry `n` waits a random time in
/// `[d/2, d]` where `d = min(initial * 2^(n-1), max)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryBackoff {
    /// Base delay (default 100 ms). `Duration::ZERO` retries at once, as elastic-transport-python does.
    pub initial: Duration,
    /// Upper bound (default 10 s); also caps a server's `Retry-After`.
    pub max: Duration,
}

impl Default for RetryBackoff {
    fn default() -> Self {
        RetryBackoff {
            initial: Duration::from_millis(100),
            max: Duration::from_secs(10),
        }
    }
}

impl RetryBackoff {
    /// No waiting between retries.
    pub const NONE: RetryBackoff = RetryBackoff {
        initial: Duration::ZERO,
        max: Duration::ZERO,
    };

    /// The upper bound of the wait before retry `attempt` (1-based), before jitter.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let exp = attempt.saturating_sub(1).min(31);
        self.initial
            .checked_mul(1u32 << exp)
            .unwrap_or(self.max)
            .min(self.max)
    }

    /// The jittered wait before retry `attempt`.
    pub fn delay(&self, attempt: u32) -> Duration {
        jitter(self.ceiling(attempt))
    }
}

/// A uniformly random duration in `[d/2, d]` (never panics, even near `Duration::MAX`).
pub fn jitter(d: Duration) -> Duration {
    Duration::try_from_secs_f64(d.as_secs_f64() * (0.5 + fastrand::f64() * 0.5))
        .unwrap_or(d)
        .min(d)
}

/// What is retried, how often, and how long to wait in between.
///
/// Retryable: connection errors (the request may not have reached the server), statuses in
/// [`on_status`](Self::on_status), timeouts only when [`on_timeout`](Self::on_timeout) is set
/// (the server may still be working on the request), never TLS or configuration errors (they
/// fail the same way on every node). A `Retry-After` sent by the server replaces the computed
/// back-off, capped at `backoff.max`.
///
/// The defaults are the official clients': 3 retries of 429, 502, 503 and 504, no timeout
/// retries, 100 ms doubling up to 10 s.
///
/// ```
/// use std::time::Duration;
/// use es_transport::{Error, ErrorDetail, RetryPolicy};
/// let policy = RetryPolicy::default();
/// let timeout = Error::from(ErrorDetail::Timeout { node: "http://n:9200".into(), after: Duration::from_secs(1) });
/// assert!(!policy.is_retryable(&timeout));
/// assert!(policy.retry_on_timeout(true).is_retryable(&timeout));
/// assert!(RetryPolicy::default().retries_status(503));
/// assert_eq!(RetryPolicy::none().max_retries, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (default 3).
    pub max_retries: u32,
    /// Statuses that are retried (default 429, 502, 503, 504).
    pub on_status: Vec<u16>,
    /// Retry requests that timed out (default `false`).
    pub on_timeout: bool,
    /// Back-off between attempts.
    pub backoff: RetryBackoff,
    /// Wait as long as a `Retry-After` header says (capped at `backoff.max`; default `true`).
    pub honor_retry_after: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            on_status: vec![429, 502, 503, 504],
            on_timeout: false,
            backoff: RetryBackoff::default(),
            honor_retry_after: true,
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Sets [`max_retries`](Self::max_retries).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`on_status`](Self::on_status).
    pub fn retry_on_status(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.on_status = statuses.into_iter().collect();
        self
    }

    /// Sets [`on_timeout`](Self::on_timeout).
    pub fn retry_on_timeout(mut self, on: bool) -> Self {
        self.on_timeout = on;
        self
    }

    /// Sets the back-off.
    pub fn backoff(mut self, backoff: RetryBackoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Whether a status is retried.
    pub fn retries_status(&self, status: u16) -> bool {
        self.on_status.contains(&status)
    }

    /// Whether this error may succeed when the request is sent again.
    pub fn is_retryable(&self, err: &Error) -> bool {
        match err.detail() {
            ErrorDetail::Connection { .. } => true,
            ErrorDetail::Timeout { .. } => self.on_timeout,
            ErrorDetail::Status(s) => self.retries_status(s.status.as_u16()),
            _ => false,
        }
    }

    /// What to do after `attempt` attempts (1-based) ended in `err`: the wait before the next
    /// one, or `None` to give up.
    pub fn next_wait(&self, err: &Error, attempt: u32) -> Option<Duration> {
        if attempt > self.max_retries || !self.is_retryable(err) {
            return None;
        }
        let retry_after = err.as_status().and_then(|s| s.retry_after);
        Some(self.wait(attempt, retry_after))
    }

    /// The wait before retry `retry` (1-based): the server's `Retry-After` if it sent one
    /// (and it is honoured), else the jittered back-off.
    pub fn wait(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(d) if self.honor_retry_after => d.min(self.backoff.max.max(self.backoff.initial)),
            _ => self.backoff.delay(retry),
        }
    }
}

/// Reads a `Retry-After` header: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &http::HeaderValue) -> Option<Duration> {
    let text = value.to_str().ok()?.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(text).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StatusError;

    fn status(code: u16, retry_after: Option<Duration>) -> Error {
        let mut s = StatusError::new(
            http::StatusCode::from_u16(code).expect("valid"),
            "http://n:9200".into(),
            bytes::Bytes::new(),
        );
        s.retry_after = retry_after;
        Error::from(s)
    }

    #[test]
    fn retry_backoff_is_jittered_within_bounds() {
        let b = RetryBackoff {
            initial: Duration::from_millis(100),
            max: Duration::from_millis(500),
        };
        assert_eq!(b.ceiling(1), Duration::from_millis(100));
        assert_eq!(b.ceiling(3), Duration::from_millis(400));
        assert_eq!(b.ceiling(4), Duration::from_millis(500));
        for attempt in 1..6 {
            for _ in 0..50 {
                let d = b.delay(attempt);
                assert!(
                    d >= b.ceiling(attempt) / 2 && d <= b.ceiling(attempt),
                    "{d:?}"
                );
            }
        }
        assert_eq!(RetryBackoff::NONE.delay(3), Duration::ZERO);
        let huge = RetryBackoff {
            initial: Duration::MAX,
            max: Duration::MAX,
        };
        for _ in 0..1000 {
            assert!(huge.delay(5) >= Duration::MAX / 2 - Duration::from_secs(1));
        }
    }

    #[test]
    fn classification() {
        let p = RetryPolicy::default();
        for code in [429, 502, 503, 504] {
            assert!(p.is_retryable(&status(code, None)), "{code}");
        }
        for code in [400, 404, 409, 500] {
            assert!(!p.is_retryable(&status(code, None)), "{code}");
        }
        let conn = Error::connection("http://n", "reset", None);
        assert!(p.is_retryable(&conn));
        let tls = Error::tls("n", "bad cert");
        assert!(!p.is_retryable(&tls));
        assert!(!p.clone().retry_on_timeout(true).is_retryable(&tls));
        assert!(!p.is_retryable(&Error::config("hosts", "x")));
    }

    #[test]
    fn next_wait_counts_attempts_and_honours_retry_after() {
        let p = RetryPolicy::default().backoff(RetryBackoff {
            initial: Duration::from_millis(10),
            max: Duration::from_secs(2),
        });
        let e = status(429, None);
        assert!(p.next_wait(&e, 1).is_some());
        assert!(p.next_wait(&e, 3).is_some());
        assert_eq!(p.next_wait(&e, 4), None, "3 retries = 4 attempts");
        let e = status(429, Some(Duration::from_secs(1)));
        assert_eq!(p.next_wait(&e, 1), Some(Duration::from_secs(1)));
        let e = status(429, Some(Duration::from_secs(3600)));
        assert_eq!(p.next_wait(&e, 1), Some(Duration::from_secs(2)), "capped");
        let mut ignore = p.clone();
        ignore.honor_retry_after = false;
        assert!(ignore.next_wait(&e, 1).expect("retried") <= Duration::from_millis(10));
    }

    #[test]
    fn parses_retry_after_forms() {
        let v = |s: &str| http::HeaderValue::from_str(s).expect("valid");
        assert_eq!(parse_retry_after(&v("7")), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after(&v("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after(&v("soon")), None);
        assert_eq!(parse_retry_after(&v("-1")), None);
    }
}
