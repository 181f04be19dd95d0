//! # es-dsl
//!
//! The high-level layer, after `elasticsearch.dsl`:
//!
//! * [`Query`] and [`Aggregation`] builders (`&`, `|`, `!` combine queries);
//! * [`Search`]: a search as a value, run against the connection chosen by `using`
//!   (`.using("qa")` or a client), with typed hits, aggregation results, count, scan and
//!   delete-by-query;
//! * [`Document`]: Rust types mapped to an index, with `init`, `save`, `get`, `delete`,
//!   `search` ([`DocumentOps`]);
//! * [`Index`] and [`Mapping`] for index management;
//! * [`esql`]: an ES|QL query builder with escaping and typed rows.
//!
//! Every operation exists async and blocking, from one definition.
//!
//! ```no_run
//! # async fn demo() -> Result<(), es_client::Error> {
//! use es_connections::UseConnection;
//! use es_dsl::{Aggregation, Query, Search};
//! let result = Search::<serde_json::Value>::new()
//!     .index("logs")
//!     .query(Query::match_("message", "timeout") & Query::range("@timestamp").gte("now-1h"))
//!     .aggs("per_host", Aggregation::terms("host"))
//!     .using("production")
//!     .execute()
//!     .await?;
//! for bucket in result.aggs.buckets("per_host").unwrap_or_default() {
//!     println!("{}: {}", bucket.key, bucket.doc_count);
//! }
//! # Ok(()) }
//! ```

mod aggs;
#[cfg(feature = "blocking")]
pub mod blocking;
mod document;
pub mod esql;
mod index;
mod mapping;
mod query;
mod search;

pub use aggs::{AggResults, Aggregation, Bucket};
pub use document::{Document, DocumentOps};
pub use index::Index;
pub use mapping::{Field, Mapping};
pub use query::{BoolQuery, Query};
pub use search::{Search, SearchResult};
