//! The one error type of the transport (and of every layer above it).
//!
//! [`Error`] is an enum users can `match` on; [`Error::kind`] flattens it into an [`ErrorKind`]
//! that also distinguishes the HTTP status classes Elasticsearch answers with (not found,
//! conflict, too many requests...). No variant ever carries a password, API key or token.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use es_types_core::common::ErrorCause;
use http::StatusCode;
use serde::Deserialize;

/// A `Result` whose error is the transport's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong between the caller and Elasticsearch — in this crate and in
/// every layer above it (the registry, the helpers, the DSL use it too).
///
/// One pointer wide (the details are boxed, as reqwest does), so results stay cheap to move.
/// Ask [`kind`](Error::kind) and the `is_*` predicates; [`detail`](Error::detail) gives the
/// variant with its fields to `match`; a cause from an upper layer (an unknown alias, a bad
/// profile key) is reachable, typed, through [`downcast_ref`](Error::downcast_ref) and
/// `source()`.
///
/// ```
/// use es_transport::{Error, ErrorDetail, ErrorKind};
/// let err = Error::config("hosts", "no host given");
/// assert_eq!(err.kind(), ErrorKind::Config);
/// assert!(!err.is_retryable());
/// assert!(matches!(err.detail(), ErrorDetail::Config { field: "hosts", .. }));
/// assert_eq!(err.to_string(), "invalid configuration for `hosts`: no host given");
/// assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
/// ```
pub struct Error(Box<ErrorDetail>);

/// The details of an [`Error`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// The client was configured with a bad value. `field` names the option.
    #[error("invalid configuration for `{field}`: {message}")]
    Config {
        /// The option that was wrong (`hosts`, `cloud_id`, `ca_certs`...).
        field: &'static str,
        /// What was wrong with it.
        message: String,
    },
    /// A TCP connection could not be made or broke while the request was in flight.
    #[error("connection error to {node}: {message}")]
    Connection {
        /// The node (`scheme://host:port`) that failed.
        node: String,
        /// What happened.
        message: String,
        /// The underlying I/O or protocol error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The TLS handshake failed (untrusted certificate, fingerprint mismatch, client cert refused...).
    #[error("TLS error with {node}: {message}")]
    Tls {
        /// The node that failed.
        node: String,
        /// What happened.
        message: String,
    },
    /// No answer came within the request (or connect) timeout.
    #[error("request to {node} timed out after {after:?}")]
    Timeout {
        /// The node that did not answer in time.
        node: String,
        /// The timeout that elapsed.
        after: Duration,
    },
    /// Elasticsearch answered with a status the request does not accept (non-2xx by default).
    #[error("{0}")]
    Status(StatusError),
    /// A body could not be serialized, or a response could not be deserialized.
    #[error("(de)serialization error: {message}")]
    Serialization {
        /// What failed, with the target type where known.
        message: String,
        /// The serde error.
        #[source]
        source: Option<serde_json::Error>,
    },
    /// The server is not a supported product (the product check failed).
    #[error("the server at {node} is not a supported Elasticsearch-compatible product: {message}")]
    UnsupportedProduct {
        /// The node that answered.
        node: String,
        /// Why it was rejected.
        message: String,
    },
    /// The response body is larger than `max_response_bytes` (after decompression).
    #[error("the response from {node} is larger than the {limit}-byte limit (max_response_bytes)")]
    ResponseTooLarge {
        /// The node that answered.
        node: String,
        /// The limit.
        limit: usize,
    },
    /// A blocking call was made from inside an async runtime, where it would deadlock.
    #[error("a blocking client was used from inside an async runtime; use the async client there")]
    BlockingInAsyncContext,
    /// An error of a layer above the transport (the connection registry: an unknown alias, a
    /// bad profile value), kept with its type: see [`Error::downcast_ref`].
    #[error("{source}")]
    Other {
        /// Its category.
        kind: ErrorKind,
        /// The original error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl From<ErrorDetail> for Error {
    fn from(d: ErrorDetail) -> Self {
        Error(Box::new(d))
    }
}

impl From<StatusError> for Error {
    fn from(s: StatusError) -> Self {
        ErrorDetail::Status(s).into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &*self.0 {
            // The wrapped error is the cause itself, so callers walking `source()` find it.
            ErrorDetail::Other { source, .. } => Some(source.as_ref()),
            d => d.source(),
        }
    }
}

impl Error {
    /// A configuration error for option `field`.
    pub fn config(field: &'static str, message: impl Into<String>) -> Self {
        ErrorDetail::Config {
            field,
            message: message.into(),
        }
        .into()
    }

    /// An error of an upper layer, kept with its type (see [`Error::downcast_ref`]).
    pub fn other(kind: ErrorKind, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        ErrorDetail::Other {
            kind,
            source: Box::new(source),
        }
        .into()
    }

    pub(crate) fn connection(
        node: &str,
        message: impl Into<String>,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        ErrorDetail::Connection {
            node: node.to_string(),
            message: message.into(),
            source,
        }
        .into()
    }

    pub(crate) fn timeout(node: &str, after: Duration) -> Self {
        ErrorDetail::Timeout {
            node: node.to_string(),
            after,
        }
        .into()
    }

    pub(crate) fn tls(node: &str, message: impl Into<String>) -> Self {
        ErrorDetail::Tls {
            node: node.to_string(),
            message: message.into(),
        }
        .into()
    }

    pub(crate) fn serialization(message: impl Into<String>) -> Self {
        ErrorDetail::Serialization {
            message: message.into(),
            source: None,
        }
        .into()
    }

    /// A deserialization error for a response into `target` (a type name).
    pub fn deserialize(target: &str, source: serde_json::Error) -> Self {
        ErrorDetail::Serialization {
            message: format!("cannot read response as {target}: {source}"),
            source: Some(source),
        }
        .into()
    }

    /// A serialization error for a request body.
    pub fn serialize(source: serde_json::Error) -> Self {
        ErrorDetail::Serialization {
            message: format!("cannot serialize request body: {source}"),
            source: Some(source),
        }
        .into()
    }

    /// The variant, with its fields.
    pub fn detail(&self) -> &ErrorDetail {
        &self.0
    }

    /// The variant, owned.
    pub fn into_detail(self) -> ErrorDetail {
        *self.0
    }

    /// The typed cause from an upper layer, if it is a `T` (for example
    /// `es_connections::ConnectionError` for an unknown alias).
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        match &*self.0 {
            ErrorDetail::Other { source, .. } => source.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// The flat category of this error.
    pub fn kind(&self) -> ErrorKind {
        match &*self.0 {
            ErrorDetail::Config { .. } => ErrorKind::Config,
            ErrorDetail::Connection { .. } => ErrorKind::Connection,
            ErrorDetail::Tls { .. } => ErrorKind::Tls,
            ErrorDetail::Timeout { .. } => ErrorKind::Timeout,
            ErrorDetail::Status(s) => ErrorKind::from_status(s.status),
            ErrorDetail::Serialization { .. } => ErrorKind::Serialization,
            ErrorDetail::UnsupportedProduct { .. } => ErrorKind::UnsupportedProduct,
            ErrorDetail::ResponseTooLarge { .. } => ErrorKind::ResponseTooLarge,
            ErrorDetail::BlockingInAsyncContext => ErrorKind::Config,
            ErrorDetail::Other { kind, .. } => *kind,
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.as_status().map(|s| s.status)
    }

    /// The parsed Elasticsearch error body, if the server answered with one.
    pub fn api_error(&self) -> Option<&ApiError> {
        self.as_status().and_then(|s| s.error.as_ref())
    }

    /// The status error, if the server answered.
    pub fn as_status(&self) -> Option<&StatusError> {
        match &*self.0 {
            ErrorDetail::Status(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the default [`RetryPolicy`](crate::RetryPolicy) retries this error: connection
    /// errors, 429 and 502/503/504 — not timeouts (the server may still be working), not TLS.
    /// A transport with its own policy answers with
    /// [`Transport::retry_policy`](crate::Transport::retry_policy)`().is_retryable(err)`.
    pub fn is_retryable(&self) -> bool {
        crate::RetryPolicy::default().is_retryable(self)
    }

    /// `true` for [`ErrorKind::Timeout`].
    pub fn is_timeout(&self) -> bool {
        self.kind() == ErrorKind::Timeout
    }

    /// `true` for [`ErrorKind::Connection`].
    pub fn is_connection(&self) -> bool {
        self.kind() == ErrorKind::Connection
    }

    /// `true` for [`ErrorKind::Tls`].
    pub fn is_tls(&self) -> bool {
        self.kind() == ErrorKind::Tls
    }

    /// `true` for [`ErrorKind::Config`] (bad options, unknown aliases, misuse).
    pub fn is_config(&self) -> bool {
        self.kind() == ErrorKind::Config
    }

    /// `true` when the server answered with a status the request did not accept.
    pub fn is_status(&self) -> bool {
        self.as_status().is_some()
    }

    /// `true` when the server answered 404.
    pub fn is_not_found(&self) -> bool {
        self.kind() == ErrorKind::NotFound
    }

    /// `true` for a blocking call made inside an async runtime.
    pub fn is_blocking_in_async(&self) -> bool {
        matches!(&*self.0, ErrorDetail::BlockingInAsyncContext)
    }
}

/// The category of an [`Error`], including the status classes of Elasticsearch answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Bad client configuration or misuse.
    Config,
    /// TCP connection failed or broke.
    Connection,
    /// TLS handshake or verification failed.
    Tls,
    /// Request or connect timeout.
    Timeout,
    /// 400.
    BadRequest,
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404.
    NotFound,
    /// 409.
    Conflict,
    /// 429.
    TooManyRequests,
    /// Any other 4xx.
    ClientError,
    /// 5xx.
    ServerError,
    /// Any other unexpected status (1xx/3xx).
    UnexpectedStatus,
    /// JSON (de)serialization failed.
    Serialization,
    /// The product check rejected the server.
    UnsupportedProduct,
    /// The answer exceeded `max_response_bytes`.
    ResponseTooLarge,
}

impl ErrorKind {
    /// The kind that a response with `status` maps to.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            409 => ErrorKind::Conflict,
            429 => ErrorKind::TooManyRequests,
            402..=499 => ErrorKind::ClientError,
            500..=599 => ErrorKind::ServerError,
            _ => ErrorKind::UnexpectedStatus,
        }
    }

    /// A stable snake_case name (tracing's `error.type`, the soak benchmark's tallies).
    ///
    /// ```
    /// assert_eq!(es_transport::ErrorKind::TooManyRequests.as_str(), "too_many_requests");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Config => "config",
            ErrorKind::Connection => "connection",
            ErrorKind::Tls => "tls",
            ErrorKind::Timeout => "timeout",
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::TooManyRequests => "too_many_requests",
            ErrorKind::ClientError => "client_error",
            ErrorKind::ServerError => "server_error",
            ErrorKind::UnexpectedStatus => "unexpected_status",
            ErrorKind::Serialization => "serialization",
            ErrorKind::UnsupportedProduct => "unsupported_product",
            ErrorKind::ResponseTooLarge => "response_too_large",
        }
    }
}

/// A response whose status the request did not accept.
pub struct StatusError {
    /// HTTP status.
    pub status: StatusCode,
    /// The node that answered.
    pub node: String,
    /// The parsed Elasticsearch error, when the body had one.
    pub error: Option<ApiError>,
    /// The raw body (truncated in `Display`).
    pub body: Bytes,
    /// The server's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
}

impl StatusError {
    pub(crate) fn new(status: StatusCode, node: String, body: Bytes) -> Self {
        let error = ApiError::parse(&body);
        StatusError {
            status,
            node,
            error,
            body,
            retry_after: None,
        }
    }

    pub(crate) fn from_response(node: String, resp: crate::Response) -> Self {
        let retry_after = resp
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(crate::retry::parse_retry_after);
        let mut s = StatusError::new(resp.status(), node, resp.into_body());
        s.retry_after = retry_after;
        s
    }
}

impl fmt::Debug for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StatusError")
            .field("status", &self.status)
            .field("node", &self.node)
            .field("error", &self.error)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} from {}", self.status, self.node)?;
        match &self.error {
            Some(e) => write!(f, ": {e}"),
            None if self.body.is_empty() => Ok(()),
            None => {
                let text = String::from_utf8_lossy(&self.body);
                let mut end = text.len().min(200);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                write!(f, ": {}", &text[..end])
            }
        }
    }
}

/// The `error` object of an Elasticsearch error response, as the specification types it
/// ([`ErrorCause`]): its type and reason, the root causes, what caused it, the stack trace
/// (with `error_trace=true`) and the details particular to the type (`index`, `shard`...).
///
/// ```
/// let body = br#"{"error": {"type": "index_not_found_exception", "reason": "no such index [x]",
///     "index": "x", "root_cause": [{"type": "index_not_found_exception"}]}, "status": 404}"#;
/// let e = es_transport::ApiError::parse(body).unwrap();
/// assert_eq!(e.error_type(), "index_not_found_exception");
/// assert_eq!(e.cause.extra["index"], "x");
/// assert_eq!(e.root_causes().collect::<Vec<_>>(), ["index_not_found_exception"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The `error` object. `{"error": "text"}` (older servers, some proxies) reads as the
    /// type `error` with the text as its reason.
    pub cause: ErrorCause,
}

impl ApiError {
    /// Parses `{"error": {...}}` or `{"error": "text"}`; `None` for other bodies.
    pub fn parse(body: &[u8]) -> Option<ApiError> {
        #[derive(Deserialize)]
        struct Envelope {
            error: ErrorField,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum ErrorField {
            Object(ErrorCause),
            Text(String),
        }
        let cause = match serde_json::from_slice::<Envelope>(body).ok()?.error {
            // An object without a type is not an error object.
            ErrorField::Object(c) if c.r#type.is_empty() => return None,
            ErrorField::Object(c) => c,
            ErrorField::Text(text) => ErrorCause {
                r#type: "error".into(),
                reason: Some(text),
                ..ErrorCause::default()
            },
        };
        Some(ApiError { cause })
    }

    /// `error.type`, e.g. `index_not_found_exception`.
    pub fn error_type(&self) -> &str {
        &self.cause.r#type
    }

    /// `error.reason`.
    pub fn reason(&self) -> Option<&str> {
        self.cause.reason.as_deref()
    }

    /// `error.root_cause[*].type`.
    pub fn root_causes(&self) -> impl Iterator<Item = &str> {
        self.cause
            .root_cause
            .iter()
            .flatten()
            .map(|c| c.r#type.as_str())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason() {
            Some(r) => write!(f, "{}: {}", self.error_type(), r),
            None => f.write_str(self.error_type()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_es_error_bodies() {
        let body = br#"{"error":{"root_cause":[{"type":"index_not_found_exception","reason":"no such index [x]"}],"type":"index_not_found_exception","reason":"no such index [x]"},"status":404}"#;
        let e = ApiError::parse(body).expect("parsed");
        assert_eq!(e.error_type(), "index_not_found_exception");
        assert_eq!(e.reason(), Some("no such index [x]"));
        assert_eq!(
            e.root_causes().collect::<Vec<_>>(),
            vec!["index_not_found_exception"]
        );
        let e =
            ApiError::parse(br#"{"error":"Content-Type header is not supported","status":406}"#)
                .expect("parsed");
        assert_eq!(e.reason(), Some("Content-Type header is not supported"));
        assert_eq!(e.error_type(), "error");
        assert!(ApiError::parse(br#"{"found":false}"#).is_none());
        assert!(ApiError::parse(br#"{"error":{"reason":"no type"}}"#).is_none());
        assert!(ApiError::parse(b"not json").is_none());
    }

    #[test]
    fn kinds_and_retryability_follow_status() {
        let mk = |code: u16| {
            Error::from(StatusError::new(
                StatusCode::from_u16(code).expect("valid"),
                "http://n:9200".into(),
                Bytes::new(),
            ))
        };
        assert_eq!(mk(404).kind(), ErrorKind::NotFound);
        assert_eq!(mk(409).kind(), ErrorKind::Conflict);
        assert_eq!(mk(401).kind(), ErrorKind::Unauthorized);
        assert_eq!(mk(403).kind(), ErrorKind::Forbidden);
        assert_eq!(mk(400).kind(), ErrorKind::BadRequest);
        assert_eq!(mk(429).kind(), ErrorKind::TooManyRequests);
        assert_eq!(mk(418).kind(), ErrorKind::ClientError);
        assert_eq!(mk(503).kind(), ErrorKind::ServerError);
        assert!(mk(429).is_retryable() && mk(503).is_retryable());
        assert!(!mk(500).is_retryable() && !mk(404).is_retryable());
        assert!(mk(404).is_not_found());
        assert_eq!(mk(404).to_string(), "404 Not Found from http://n:9200");
    }
}
