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
//! `#[derive(Document)]` needs the index name:
//!
//! ```compile_fail
//! #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
//! struct NoIndex { title: String }
//! ```
//!
//! ```
//! #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
//! #[document(index = "notes")]
//! struct Note { #[document(id, keyword)] key: String, body: String }
//! use es_dsl::Document as _;
//! assert_eq!(<Note as es_dsl::Document>::INDEX, "notes");
//! ```
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
/// `#[derive(Document)]`: the index mapping inferred from the type (see `es_dsl_derive`).
#[cfg(feature = "derive")]
pub use es_dsl_derive::Document;
pub use index::Index;
pub use mapping::{Field, Mapping};
pub use query::{BoolQuery, Query};
pub use search::{Search, SearchResult};
