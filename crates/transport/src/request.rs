//! What the transport sends ([`Request`]) and what it returns ([`Response`]).

use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::Error;

/// Characters left as they are in path parts and query values (`,` and `*` keep their
/// Elasticsearch meaning in index lists and wildcards).
const ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b',')
    .remove(b'*');

/// Percent-encodes one path segment (an index name, a document id...).
///
/// ```
/// assert_eq!(es_transport::encode_path_part("my index/1"), "my%20index%2F1");
/// assert_eq!(es_transport::encode_path_part("logs-*,metrics"), "logs-*,metrics");
/// ```
pub fn encode_path_part(part: &str) -> String {
    utf8_percent_encode(part, ENCODE).to_string()
}

/// What kind of body a request carries (it decides the `Content-Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyKind {
    /// A JSON document.
    Json,
    /// Newline-delimited JSON (`_bulk`, `_msearch`).
    NdJson,
}

/// A request body, already serialized.
#[derive(Debug, Clone)]
pub struct Body {
    /// The bytes sent (before optional gzip).
    pub bytes: Bytes,
    /// JSON or NDJSON.
    pub kind: BodyKind,
}

impl Body {
    /// Serializes `value` as JSON.
    pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<Body, Error> {
        let bytes = serde_json::to_vec(value).map_err(Error::serialize)?;
        Ok(Body {
            bytes: bytes.into(),
            kind: BodyKind::Json,
        })
    }
    /// Raw JSON bytes.
    pub fn raw_json(bytes: impl Into<Bytes>) -> Body {
        Body {
            bytes: bytes.into(),
            kind: BodyKind::Json,
        }
    }
    /// NDJSON bytes (every line must end with `\n`; one is added if the last is missing).
    pub fn ndjson(bytes: impl Into<Bytes>) -> Body {
        let mut bytes: Bytes = bytes.into();
        if !bytes.is_empty() && !bytes.ends_with(b"\n") {
            let mut v = bytes.to_vec();
            v.push(b'\n');
            bytes = v.into();
        }
        Body {
            bytes,
            kind: BodyKind::NdJson,
        }
    }
}

/// Per-request options that override the transport's defaults.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    /// Request timeout for this call.
    pub timeout: Option<Duration>,
    /// `X-Opaque-Id` for this call.
    pub opaque_id: Option<String>,
    /// Extra headers for this call.
    pub headers: HeaderMap,
    /// Statuses to return as a [`Response`] instead of an error (`ignore=404`).
    pub ignore: Vec<u16>,
    /// Retries for this call (overrides the policy's `max_retries`).
    pub max_retries: Option<u32>,
    /// The retry policy for this call instead of the transport's (a helper that retries
    /// statuses itself sends with `on_status` empty, so only one layer retries them).
    pub retry: Option<crate::RetryPolicy>,
}

impl RequestOptions {
    /// Whether `status` is accepted: 2xx or in `ignore`.
    pub fn accepts(&self, status: StatusCode) -> bool {
        status.is_success() || self.ignore.contains(&status.as_u16())
    }
}

/// An HTTP request to Elasticsearch, relative to a node.
///
/// ```
/// use es_transport::{Body, Request};
/// use http::Method;
/// let req = Request::new(Method::POST, "/my-index/_search")
///     .query("size", 10)
///     .query("q", "title:rust & tokio")
///     .body(Body::json(&serde_json::json!({"query": {"match_all": {}}})).unwrap());
/// assert_eq!(req.path_and_query(), "/my-index/_search?size=10&q=title%3Arust%20%26%20tokio");
/// ```
#[derive(Debug, Clone)]
pub struct Request {
    /// HTTP method.
    pub method: Method,
    /// Path starting with `/`, already percent-encoded.
    pub path: String,
    /// Encoded query string without `?` (may be empty).
    pub query: String,
    /// Optional body.
    pub body: Option<Body>,
    /// Per-request overrides.
    pub options: RequestOptions,
    /// The API's name (`search`, `indices.create`), for tracing (`db.operation.name`).
    pub endpoint: Option<&'static str>,
    /// The path parts by name (`index`, `id`...), unencoded, for tracing.
    pub path_parts: Vec<(&'static str, String)>,
}

impl Request {
    /// A request for `path` (already encoded; see [`encode_path_part`]).
    pub fn new(method: Method, path: impl Into<String>) -> Self {
        let mut path = path.into();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        Request {
            method,
            path,
            query: String::new(),
            body: None,
            options: RequestOptions::default(),
            endpoint: None,
            path_parts: Vec::new(),
        }
    }

    /// Names the API this request calls (tracing's `db.operation.name`).
    pub fn endpoint(mut self, name: &'static str) -> Self {
        self.endpoint = Some(name);
        self
    }

    /// Appends a query parameter (the value is percent-encoded).
    pub fn query(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.push_query(key, &value.to_string());
        self
    }

    /// Appends a query parameter in place.
    pub fn push_query(&mut self, key: &str, value: &str) {
        if !self.query.is_empty() {
            self.query.push('&');
        }
        let _ = write!(
            self.query,
            "{}={}",
            utf8_percent_encode(key, ENCODE),
            utf8_percent_encode(value, ENCODE)
        );
    }

    /// Sets the body.
    pub fn body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// Sets the per-request options.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// Adds a header for this request.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.options.headers.insert(name, value);
        self
    }

    /// `path?query`.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            self.path.clone()
        } else {
            format!("{}?{}", self.path, self.query)
        }
    }
}

/// A response from Elasticsearch (already decompressed).
#[derive(Debug, Clone)]
pub struct Response {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    node: String,
    retries: u32,
}

impl Response {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Bytes, node: String) -> Self {
        Response {
            status,
            headers,
            body,
            node,
            retries: 0,
        }
    }

    /// How many times the transport resent the request before this answer (another node
    /// after a connection error, a retried status...). An earlier attempt may have been
    /// applied by the server even though its answer was lost: a `create` resent this way can
    /// meet its own document.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    pub(crate) fn set_retries(&mut self, n: u32) {
        self.retries = n;
    }
    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
    /// Response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
    /// The body bytes.
    pub fn body(&self) -> &Bytes {
        &self.body
    }
    /// Consumes the response into its body.
    pub fn into_body(self) -> Bytes {
        self.body
    }
    /// The node that answered (`scheme://host:port/prefix`).
    pub fn node(&self) -> &str {
        &self.node
    }
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// Deserializes the JSON body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::deserialize(std::any::type_name::<T>(), e))
    }
    /// Values of `Warning` headers (deprecation warnings).
    pub fn warnings(&self) -> Vec<String> {
        self.headers
            .get_all(http::header::WARNING)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_owned))
            .collect()
    }
}
