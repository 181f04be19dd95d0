//! Blocking versions of the helpers: the same engines, driven from the calling thread.

use std::pin::Pin;

use es_client::types::Hit;
use es_client::Blocking;
use es_connections::Using;
use futures_util::{Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::{
    Action, BulkError, BulkOptions, BulkSource, BulkSummary, ItemOutcome, ReindexError, ScanOptions,
};

fn async_using(using: Using<Blocking>) -> Result<Using, es_connections::ConnectionError> {
    es_connections::blocking::async_client(using).map(Using::Client)
}

/// An iterator over a stream, each `next` blocking on the shared runtime.
pub struct BlockingIter<'a, T> {
    stream: Pin<Box<dyn Stream<Item = T> + Send + 'a>>,
}

impl<T> Iterator for BlockingIter<'_, T> {
    type Item = T;
    fn next(&mut self) -> Option<T> {
        es_client::transport::blocking::block_on(self.stream.next())
            .ok()
            .flatten()
    }
}

/// Blocking [`crate::bulk`].
pub fn bulk<S, I>(
    using: impl Into<Using<Blocking>>,
    actions: I,
    opts: BulkOptions,
) -> Result<BulkSummary, BulkError>
where
    S: BulkSource + Send,
    I: IntoIterator<Item = Action<S>>,
    I::IntoIter: Send,
{
    let using = async_using(using.into())?;
    let fut = crate::bulk(using, futures_util::stream::iter(actions), opts);
    es_client::transport::blocking::block_on(fut).map_err(|e| BulkError::Request {
        source: e,
        items: 0,
    })?
}

/// Blocking [`crate::bulk_stream`]: an iterator of outcomes.
pub fn bulk_stream<'a, S, I>(
    using: impl Into<Using<Blocking>>,
    actions: I,
    opts: BulkOptions,
) -> BlockingIter<'a, Result<ItemOutcome, BulkError>>
where
    S: BulkSource + Send + 'a,
    I: IntoIterator<Item = Action<S>>,
    I::IntoIter: Send + 'a,
{
    let stream = match async_using(using.into()) {
        Ok(u) => crate::bulk_stream(u, futures_util::stream::iter(actions), opts).boxed(),
        Err(e) => futures_util::stream::once(async move { Err(BulkError::Connection(e)) }).boxed(),
    };
    BlockingIter { stream }
}

/// Blocking [`crate::scan`]: an iterator of hits.
pub fn scan<'a, T>(
    using: impl Into<Using<Blocking>>,
    index: impl Into<String>,
    body: Value,
    opts: ScanOptions,
) -> BlockingIter<'a, Result<Hit<T>, es_client::Error>>
where
    T: DeserializeOwned + Send + 'static,
{
    let index: String = index.into();
    let stream = match async_using(using.into()) {
        Ok(u) => crate::scan::<T>(u, index, body, opts).boxed(),
        Err(e) => futures_util::stream::once(async move { Err(es_client::Error::from(e)) }).boxed(),
    };
    BlockingIter { stream }
}

/// Blocking [`crate::reindex`].
#[allow(clippy::too_many_arguments)]
pub fn reindex<F>(
    source: impl Into<Using<Blocking>>,
    source_index: &str,
    target: impl Into<Using<Blocking>>,
    target_index: &str,
    query: Value,
    transform: F,
    scan_opts: ScanOptions,
    bulk_opts: BulkOptions,
) -> Result<BulkSummary, ReindexError>
where
    F: FnMut(Hit<Value>) -> Option<Action<Value>> + Send,
{
    let source = async_using(source.into()).map_err(|e| ReindexError::Scan(e.into()))?;
    let target = async_using(target.into()).map_err(|e| ReindexError::Bulk(e.into()))?;
    let fut = crate::reindex(
        source,
        source_index,
        target,
        target_index,
        query,
        transform,
        scan_opts,
        bulk_opts,
    );
    es_client::transport::blocking::block_on(fut).map_err(ReindexError::Scan)?
}
