//! The blocking transport: the same shape as the async one, driven by a shared runtime.
//!
//! Requests run on the calling thread (`block_on`); connections and background sniffs are
//! driven by one small multi-thread runtime shared by every blocking client of the process.

use std::sync::{Arc, OnceLock};

use crate::node::Node;
use crate::request::{Request, Response};
use crate::{Auth, Error, ServerInfo};

static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();

/// The runtime that drives blocking clients.
pub fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("es-blocking")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| Error::config("runtime", format!("cannot start the blocking runtime: {e}")))
}

/// Runs `fut` to completion on the blocking runtime; refuses inside an async context.
pub fn block_on<F: std::future::Future>(fut: F) -> Result<F::Output, Error> {
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(Error::BlockingInAsyncContext);
    }
    Ok(runtime()?.block_on(fut))
}

/// Runs a fallible future to completion on the blocking runtime, folding the runtime's own
/// error (blocking inside an async context) into the future's error type.
pub fn block_on_result<T, E, F>(fut: F) -> Result<T, E>
where
    F: std::future::Future<Output = Result<T, E>>,
    E: From<Error>,
{
    block_on(fut)?
}

/// Blocking twin of [`crate::Transport`].
///
/// ```no_run
/// use es_transport::{Request, TransportBuilder};
/// let transport = TransportBuilder::new().host("localhost:9200").build_blocking()?;
/// let resp = transport.perform(Request::new(http::Method::GET, "/"))?;
/// println!("{}", resp.status());
/// # Ok::<(), es_transport::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct Transport {
    inner: crate::Transport,
}

impl Transport {
    /// Wraps an async transport.
    pub fn new(inner: crate::Transport) -> Result<Self, Error> {
        runtime()?;
        Ok(Transport { inner })
    }
    /// See [`crate::Transport::perform`].
    pub fn perform(&self, req: Request) -> Result<Response, Error> {
        block_on(self.inner.perform(req))?
    }
    /// See [`crate::Transport::sniff`].
    pub fn sniff(&self) -> Result<usize, Error> {
        block_on(self.inner.sniff())?
    }
    /// See [`crate::Transport::nodes`].
    pub fn nodes(&self) -> Vec<Arc<Node>> {
        self.inner.nodes()
    }
    /// See [`crate::Transport::set_auth`].
    pub fn set_auth(&self, auth: Option<Auth>) -> Result<(), Error> {
        self.inner.set_auth(auth)
    }
    /// See [`crate::Transport::server_info`].
    pub fn server_info(&self) -> Option<ServerInfo> {
        self.inner.server_info()
    }
    /// The async transport underneath (shares nodes and connections).
    pub fn as_async(&self) -> &crate::Transport {
        &self.inner
    }
}
