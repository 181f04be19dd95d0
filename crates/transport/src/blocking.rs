//! The shared runtime behind blocking clients.
//!
//! Blocking calls run their future on the calling thread (`block_on`); connections and
//! background sniffs are driven by one small multi-thread runtime shared by every blocking
//! client of the process. The blocking client itself is `es_client::blocking::Client`.

use std::sync::OnceLock;

use crate::Error;

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
        return Err(crate::ErrorDetail::BlockingInAsyncContext.into());
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
