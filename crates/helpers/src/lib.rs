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
//! Connections are chosen with [`Using`](es_connections::Using): an alias or a client.
//! The blocking flavour ([`blocking`]) drives the same engines.

mod action;
#[cfg(feature = "blocking")]
pub mod blocking;
mod bulk;
mod reindex;
mod scan;

pub use action::{Action, BulkSource, Json, Meta, Op};
pub use bulk::{
    bulk, bulk_stream, bulk_stream_observed, BulkError, BulkOptions, BulkProgress, BulkSummary,
    ItemOutcome,
};
pub use reindex::{reindex, same_document, ReindexError};
pub use scan::{scan, ScanMode, ScanOptions};
