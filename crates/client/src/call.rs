//! [`Endpoint`] (what a call sends and how its answer is read) and [`Call`] (a call being
//! built, with per-request options, ready to `send`).

use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

use es_transport::http::{HeaderName, HeaderValue};
use es_transport::{Body, Error, Request, RequestOptions, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::client::Elasticsearch;
use crate::flavor::Async;
#[cfg(feature = "blocking")]
use crate::flavor::Blocking;

/// One API endpoint: how to build its request and read its response.
pub trait Endpoint {
    /// What `send` returns.
    type Output;
    /// The HTTP request (an error for missing path parts or body).
    fn request(&self) -> Result<Request, Error>;
    /// Reads the response (statuses the request accepts only).
    fn parse(response: Response) -> Result<Self::Output, Error>;
}

/// Reads a JSON response into `T` (the usual `Endpoint::parse`).
pub fn parse_json<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    response.json()
}

/// A call being built: endpoint parameters plus per-request options. Finish it with `send`
/// (typed output), `send_raw` (the [`Response`]) or `json::<T>()` (your own type).
///
/// ```no_run
/// # async fn demo(client: es_client::Client) -> Result<(), es_client::Error> {
/// use std::time::Duration;
/// let health = client
///     .cluster()
///     .health()
///     .request_timeout(Duration::from_secs(2))
///     .opaque_id("health-check")
///     .send()
///     .await?;
/// println!("{}", health.status);
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is sent"]
pub struct Call<'a, F, E> {
    client: &'a Elasticsearch<F>,
    pub(crate) endpoint: E,
    options: RequestOptions,
    deferred: Option<Error>,
    _f: PhantomData<F>,
}

impl<'a, F, E: Endpoint> Call<'a, F, E> {
    pub(crate) fn new(client: &'a Elasticsearch<F>, endpoint: E) -> Self {
        Call {
            client,
            endpoint,
            options: RequestOptions::default(),
            deferred: None,
            _f: PhantomData,
        }
    }

    /// Timeout for this request (overrides the client's). (`timeout` itself is the
    /// Elasticsearch query parameter of many APIs.)
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = Some(timeout);
        self
    }
    /// `X-Opaque-Id` for this request.
    pub fn opaque_id(mut self, id: impl Into<String>) -> Self {
        self.options.opaque_id = Some(id.into());
        self
    }
    /// Treat this status as a normal answer instead of an error.
    pub fn ignore(mut self, status: u16) -> Self {
        self.options.ignore.push(status);
        self
    }
    /// Retries for this request.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.options.max_retries = Some(n);
        self
    }
    /// The retry policy for this request instead of the client's.
    pub fn retry_policy(mut self, policy: es_transport::RetryPolicy) -> Self {
        self.options.retry = Some(policy);
        self
    }
    /// An extra header for this request.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.options.headers.insert(n, v);
            }
            _ => self.defer_error(Error::config("headers", format!("invalid header `{name}`"))),
        }
        self
    }

    /// The same call with its endpoint value changed (options kept).
    pub(crate) fn map_endpoint<E2: Endpoint>(self, f: impl FnOnce(E) -> E2) -> Call<'a, F, E2> {
        Call {
            client: self.client,
            endpoint: f(self.endpoint),
            options: self.options,
            deferred: self.deferred,
            _f: PhantomData,
        }
    }

    pub(crate) fn defer_error(&mut self, err: Error) {
        if self.deferred.is_none() {
            self.deferred = Some(err);
        }
    }

    pub(crate) fn serialize_body<T: Serialize + ?Sized>(&mut self, value: &T) -> Option<Body> {
        match Body::json(value) {
            Ok(b) => Some(b),
            Err(e) => {
                self.defer_error(e);
                None
            }
        }
    }

    fn prepare(self) -> Result<(&'a Elasticsearch<F>, Request), Error> {
        if let Some(e) = self.deferred {
            return Err(e);
        }
        let mut req = self.endpoint.request()?;
        let mut options = self.options;
        options.ignore.extend(req.options.ignore.iter().copied());
        // The endpoint's headers (a cat API's `Accept`) unless the caller set the same one.
        for (name, value) in std::mem::take(&mut req.options.headers) {
            if let Some(name) = name {
                options.headers.entry(name).or_insert(value);
            }
        }
        req.options = options;
        Ok((self.client, req))
    }
}

// The request is built when these are called, not at the first poll: the future then holds
// only the transport's boxed request (tens of bytes) instead of the `Call` beside it at every
// layer (~1 KB, copied into each task that runs a request; tests/future_size.rs).
impl<'a, E: Endpoint> Call<'a, Async, E> {
    /// Sends the request and reads the typed answer.
    pub fn send(self) -> impl Future<Output = Result<E::Output, Error>> + Send + 'a {
        let sent = self.send_raw();
        async move { E::parse(sent.await?) }
    }
    /// Sends the request and returns the raw response.
    pub fn send_raw(self) -> impl Future<Output = Result<Response, Error>> + Send + 'a {
        let sent = self
            .prepare()
            .map(|(client, req)| client.transport().perform(req));
        async move { sent?.await }
    }
    /// Sends the request and deserializes the answer into your own type.
    pub fn json<T: DeserializeOwned>(self) -> impl Future<Output = Result<T, Error>> + Send + 'a {
        let sent = self.send_raw();
        async move { sent.await?.json() }
    }
}

#[cfg(feature = "blocking")]
impl<E: Endpoint> Call<'_, Blocking, E> {
    /// Sends the request and reads the typed answer.
    pub fn send(self) -> Result<E::Output, Error> {
        E::parse(self.send_raw()?)
    }
    /// Sends the request and returns the raw response.
    pub fn send_raw(self) -> Result<Response, Error> {
        let (client, req) = self.prepare()?;
        es_transport::blocking::block_on(client.transport().perform(req))?
    }
    /// Sends the request and deserializes the answer into your own type.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error> {
        self.send_raw()?.json()
    }
}

#[cfg(test)]
mod tests {
    /// The generator names query-parameter setters so they never collide with `Call`'s own
    /// methods; it learns those names from `codegen.json`, which must list every one.
    #[test]
    fn codegen_json_lists_every_method_of_call() {
        let facts: serde_json::Value =
            serde_json::from_str(include_str!("../codegen.json")).expect("codegen.json");
        let listed: Vec<&str> = facts["call_methods"]
            .as_array()
            .expect("call_methods")
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        let mut found = Vec::new();
        for src in [include_str!("call.rs"), include_str!("api/runtime.rs")] {
            let mut depth = 0i32;
            let mut inside: Option<i32> = None;
            for line in src.lines() {
                let t = line.trim_start();
                if inside.is_none() && t.starts_with("impl") && t.contains("Call<") {
                    inside = Some(depth);
                }
                if let Some(d) = inside {
                    if depth == d + 1 {
                        let rest = t
                            .trim_start_matches("pub(crate) ")
                            .trim_start_matches("pub ")
                            .trim_start_matches("async ");
                        if let Some(name) = rest.strip_prefix("fn ") {
                            let name: String = name
                                .chars()
                                .take_while(|c| c.is_alphanumeric() || *c == '_')
                                .collect();
                            found.push(name);
                        }
                    }
                }
                depth += line.matches('{').count() as i32 - line.matches('}').count() as i32;
                if inside.is_some_and(|d| depth <= d) {
                    inside = None;
                }
            }
        }
        assert!(found.len() > 15, "{found:?}");
        for f in &found {
            assert!(
                listed.contains(&f.as_str()),
                "Call::{f} is missing from codegen.json"
            );
        }
    }
}
