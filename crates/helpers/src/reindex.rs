//! Reindex: scan one index (any cluster) and bulk its documents into another (any cluster).

use std::sync::{Arc, Mutex};

use es_client::types::Hit;
use es_client::{BoxFuture, Client, Flavor, Operation, Run};
use es_connections::{Runner, Using};
use futures_util::StreamExt;
use serde_json::Value;

use crate::scan::Scan;
use crate::{bulk, Action, BulkError, BulkOptions, BulkSummary, ScanOptions};

/// Errors of [`reindex`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReindexError {
    /// Reading the source failed.
    #[error("reading the source failed: {0}")]
    Scan(#[source] es_client::Error),
    /// Writing the target failed.
    #[error("writing the target failed: {0}")]
    Bulk(#[source] BulkError),
}

impl From<es_client::Error> for ReindexError {
    /// An error before anything was read (no client for the source, a blocking call inside an
    /// async runtime).
    fn from(e: es_client::Error) -> Self {
        ReindexError::Scan(e)
    }
}

/// Copies every hit of `query` in `source_index` (on `source`) into `target_index` (on
/// `target`), through `transform` (return `None` to drop a document). The default transform
/// ([`same_document`]) keeps `_id` and `_source`. `source` and `target` are clients or
/// registries of one flavour (see [`Runner`]).
///
/// ```no_run
/// # async fn demo(old: es_client::Client, new: es_client::Client) -> Result<(), es_helpers::ReindexError> {
/// use es_helpers::{reindex, same_document, BulkOptions, ScanOptions};
/// let summary = reindex(
///     &old, "logs-2025", &new, "logs",
///     serde_json::json!({"query": {"match_all": {}}}),
///     same_document,
///     ScanOptions::default(),
///     BulkOptions::default().max_in_flight(2),
/// )
/// .send()
/// .await?;
/// println!("copied {} documents", summary.ok);
/// # Ok(()) }
/// ```
#[allow(clippy::too_many_arguments)]
pub fn reindex<F, Tr>(
    source: impl Runner<F>,
    source_index: &str,
    target: impl Runner<F>,
    target_index: &str,
    query: Value,
    transform: Tr,
    scan_opts: ScanOptions,
    bulk_opts: BulkOptions,
) -> Run<F, Reindex<Tr>>
where
    F: Flavor,
    Tr: FnMut(Hit<Value>) -> Option<Action<Value>> + Send,
{
    let default = Using::default();
    let op = Reindex {
        target: target
            .client_for(&default)
            .map(|c| c.as_async())
            .map_err(es_client::Error::from),
        source_index: source_index.to_string(),
        target_index: target_index.to_string(),
        query,
        transform,
        scan_opts,
        bulk_opts,
    };
    es_connections::bind(source, &default, op)
}

/// The reindex operation (see [`reindex`]).
pub struct Reindex<Tr> {
    target: Result<Client, es_client::Error>,
    source_index: String,
    target_index: String,
    query: Value,
    transform: Tr,
    scan_opts: ScanOptions,
    bulk_opts: BulkOptions,
}

impl<Tr> Operation for Reindex<Tr>
where
    Tr: FnMut(Hit<Value>) -> Option<Action<Value>> + Send,
{
    type Output = BulkSummary;
    type Error = ReindexError;
    fn run<'a>(self, source: Client) -> BoxFuture<'a, BulkSummary, ReindexError>
    where
        Self: 'a,
    {
        Box::pin(run_reindex(source, self))
    }
}

async fn run_reindex<Tr>(source: Client, op: Reindex<Tr>) -> Result<BulkSummary, ReindexError>
where
    Tr: FnMut(Hit<Value>) -> Option<Action<Value>> + Send,
{
    let target = op
        .target
        .map_err(|e| ReindexError::Bulk(BulkError::from(e)))?;
    let mut transform = op.transform;
    let failure: Arc<Mutex<Option<es_client::Error>>> = Arc::default();
    let slot = failure.clone();
    let target_index = op.target_index;
    let hits = Scan::<Value>::new(op.source_index, op.query, op.scan_opts).hits(source);
    // The first read error stops the copy and is reported as it is (a timeout stays a
    // timeout), after the bulk has accounted for what was already sent.
    let actions = hits
        .map(move |h| match h {
            Ok(hit) => Some(hit),
            Err(e) => {
                *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                None
            }
        })
        .take_while(|h| std::future::ready(h.is_some()))
        .filter_map(move |h| {
            let action = h.and_then(&mut transform).map(|a| {
                if a.meta().index.is_none() {
                    a.index_name(target_index.clone())
                } else {
                    a
                }
            });
            std::future::ready(action)
        });
    let summary = bulk(&target, actions, op.bulk_opts).send().await;
    if let Some(e) = failure.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(ReindexError::Scan(e));
    }
    summary.map_err(ReindexError::Bulk)
}

/// The default transform: same `_id`, same `_source`.
pub fn same_document(hit: Hit<Value>) -> Option<Action<Value>> {
    let source = hit.source?;
    let action = Action::index(source);
    Some(match hit.id {
        Some(id) => action.id(id),
        None => action,
    })
}
