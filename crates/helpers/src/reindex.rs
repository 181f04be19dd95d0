//! Reindex: scan one index (any cluster) and bulk its documents into another (any cluster).

use std::sync::{Arc, Mutex};

use es_client::types::Hit;
use es_connections::Using;
use futures_util::StreamExt;
use serde_json::Value;

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

/// Copies every hit of `query` in `source_index` (on `source`) into `target_index` (on
/// `target`), through `transform` (return `None` to drop a document). The default transform
/// ([`same_document`]) keeps `_id` and `_source`.
///
/// ```no_run
/// # async fn demo() -> Result<(), es_helpers::ReindexError> {
/// use es_helpers::{reindex, same_document, BulkOptions, ScanOptions};
/// let summary = reindex(
///     "old-cluster", "logs-2025", "new-cluster", "logs",
///     serde_json::json!({"query": {"match_all": {}}}),
///     same_document,
///     ScanOptions::default(),
///     BulkOptions::default().max_in_flight(2),
/// ).await?;
/// println!("copied {} documents", summary.ok);
/// # Ok(()) }
/// ```
#[allow(clippy::too_many_arguments)]
pub async fn reindex<F>(
    source: impl Into<Using>,
    source_index: &str,
    target: impl Into<Using>,
    target_index: &str,
    query: Value,
    mut transform: F,
    scan_opts: ScanOptions,
    bulk_opts: BulkOptions,
) -> Result<BulkSummary, ReindexError>
where
    F: FnMut(Hit<Value>) -> Option<Action<Value>> + Send,
{
    let failure: Arc<Mutex<Option<es_client::Error>>> = Arc::default();
    let slot = failure.clone();
    let target_index = target_index.to_string();
    let hits = crate::scan::<Value>(source, source_index, query, scan_opts);
    let actions = hits
        .take_while(move |h| {
            let ok = match h {
                Ok(_) => true,
                Err(e) => {
                    *slot.lock().unwrap_or_else(|p| p.into_inner()) =
                        Some(es_client::Error::config("scan", e.to_string()));
                    false
                }
            };
            std::future::ready(ok)
        })
        .filter_map(move |h| {
            let action = h.ok().and_then(&mut transform).map(|a| {
                if a.meta.index.is_none() {
                    a.index_name(target_index.clone())
                } else {
                    a
                }
            });
            std::future::ready(action)
        });
    let summary = bulk(target, actions, bulk_opts).await;
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
