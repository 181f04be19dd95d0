//! # es-helpers
//!
//! * **Bulk**: any stream or iterator of [`Action`]s (index / create / update / delete, with
//!   `_index`, `_id`, routing, version, pipeline... metadata; sources as `Serialize` values via
//!   [`Json`] or as pre-serialized JSON bytes), chunked by count and bytes, N requests in
//!   flight, per-item 429 retries with jittered exponential back-off (whatever
//!   `raise_on_error` says), outcomes per item, progress callback, bounded memory.
//! * **Scan**: every hit of a query with scroll or point in time + `search_after`, sliced
//!   scans in parallel; contexts are cleared at the end, on error and on drop.
//! * **Reindex**: scan one index (any cluster) into another (any cluster), with a transform.
//!
//! Each helper is an operation value run on a client or a registry
//! ([`Runner`](es_connections::Runner)); the runner's flavour decides whether `send()` is
//! awaited (async client: a future, or a `Stream` for `scan` / `bulk_stream`) or blocks
//! (blocking client, feature `blocking`: the result, or an `Iterator`). One engine serves both.

mod action;
mod bulk;
mod ingester;
mod reindex;
mod scan;

pub use action::{Action, BulkSource, FromJson, IdFromField, Json, Meta, Op};
pub use bulk::{
    bulk, bulk_stream, bulk_stream_observed, Bulk, BulkError, BulkOptions, BulkProgress,
    BulkStream, BulkSummary, ItemOutcome,
};
pub use ingester::{BulkIngester, IngesterClosed, OutcomeFn};
pub use reindex::{reindex, same_document, Reindex, ReindexError};
pub use scan::{scan, scans_released, Scan, ScanMode, ScanOptions, ShardFailures};

/// Entry points for the fuzz targets (`fuzz/`); not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// Whether a bulk answer acknowledges every one of `n` actions.
    pub fn all_acknowledged(body: &[u8], n: usize) -> bool {
        crate::bulk::all_acknowledged(body, n)
    }
}

/// Actions from an iterator, as the stream the bulk helpers take (`futures_util::stream::iter`).
pub use futures_util::stream::iter;
