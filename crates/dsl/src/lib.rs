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
//! * [`esql`]: ES|QL as a builder (every command and function; values always sent as
//!   parameters), run sync or async, rows read as Rust types or documents.
//!
//! Operations are values: each runs on a [`Runner`] — a client, or a registry in which the
//! operation's `using` (an alias or a client) is looked up — and the runner's flavour decides
//! whether `send()` is awaited or blocks. Each operation is written once.
//!
//! The same search, async and blocking (feature `blocking`):
//!
//! ```no_run
//! # async fn demo() -> Result<(), es_client::Error> {
//! use es_dsl::{connections, Query, Search, UseConnection};
//! let s = Search::<serde_json::Value>::new().index("logs").query(Query::term("level", "ERROR"));
//! let hits = s.clone().using("production").execute(connections()).send().await?;
//! # #[cfg(feature = "blocking")] {
//! let blocking = es_client::blocking::Client::new("http://localhost:9200")?;
//! let hits = s.execute(&blocking).send()?; // outside an async runtime
//! # }
//! # Ok(()) }
//! ```
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
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use es_dsl::{connections, Aggregation, Query, Search, UseConnection};
//! let result = Search::<serde_json::Value>::new()
//!     .index("logs")
//!     .query(Query::match_("message", "timeout") & Query::range("@timestamp").gte("now-1h"))
//!     .aggs("per_host", Aggregation::terms("host"))
//!     .using("production")
//!     .execute(connections())
//!     .send()
//!     .await?;
//! for bucket in result.aggs.buckets("per_host")?.unwrap_or_default() {
//!     println!("{}: {}", bucket.key_str(), bucket.doc_count);
//! }
//! # Ok(()) }
//! ```

mod aggs;
pub mod analysis;
mod document;
pub mod esql;
mod faceted;
mod fields;
mod index;
mod multi_search;
mod search;
mod update_by_query;

pub use aggs::{AggError, Aggregate, AggregateKind, Aggregation, Aggregations, Bucket, BucketRef};
pub use document::{
    Doc, DocActions, Document, DocumentOps, InnerDoc, InvalidDocument, Meta, MgetError, Missing,
    ReadOptions, Update, WriteOptions,
};
/// `#[derive(Document)]`: the index mapping inferred from the type, and any parameter of a
/// field's mapping type set by an attribute, checked against the specification when it
/// compiles (see `es_dsl_derive`).
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book {
///     #[document(keyword, ignore_above = 64, copy_to = "all")]
///     isbn: String,
///     #[document(analyzer = "english", index_options = "offsets")]
///     title: String,
///     #[document(type = "scaled_float", scaling_factor = 100)]
///     price: f64,
/// }
/// let m = <Book as es_dsl::Document>::mapping().to_json();
/// assert_eq!(m["properties"]["price"]["scaling_factor"], 100.0);
/// assert_eq!(m["properties"]["title"]["index_options"], "offsets");
/// ```
///
/// A parameter the type does not have is a compile error (listing the ones it has):
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { #[document(keyword, ignore_abov = 64)] isbn: String }
/// ```
///
/// So is a value an enum parameter does not take, and a type the specification does not know:
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { #[document(index_options = "offset")] title: String }
/// ```
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { #[document(type = "txt")] title: String }
/// ```
///
/// The derive also gives typed field paths (`Book::fields().title`, `.title.keyword`), taken
/// wherever a field name is:
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { title: String, pages: u32 }
/// let f = Book::fields();
/// let q = es_dsl::Query::match_(&f.title, "dune") & es_dsl::Query::range(&f.pages).gte(100);
/// let s = es_dsl::Search::<Book>::new().query(q).sort(&f.title.keyword);
/// assert_eq!(s.to_json()["sort"][0]["title.keyword"]["order"], "asc");
/// ```
///
/// so a misspelled field is a compile error, not a query that silently matches nothing:
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { title: String }
/// let q = es_dsl::Query::match_(&Book::fields().titel, "dune");
/// ```
///
/// Nor does a misspelled path inside a nested field:
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::InnerDoc)]
/// struct Comment { author: String }
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { #[document(nested)] comments: Vec<Comment> }
/// let q = es_dsl::Query::term(&Book::fields().comments.autor, "ann");
/// ```
///
/// and a nested field's type must be an [`InnerDoc`] (or a JSON value, for a dynamic object):
///
/// ```compile_fail
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Comment { author: String }
/// #[derive(serde::Serialize, serde::Deserialize, es_dsl::Document)]
/// #[document(index = "books")]
/// struct Book { #[document(nested)] comments: Vec<Comment> }
/// ```
#[cfg(feature = "derive")]
pub use es_dsl_derive::Document;
/// `#[derive(InnerDoc)]`: an object or nested field's type, with its mapping and field paths
/// (see [`InnerDoc`]).
#[cfg(feature = "derive")]
pub use es_dsl_derive::InnerDoc;
pub use es_types;
/// Mappings: [`Mapping`] is the generated `TypeMapping`, [`Property`] every field type of the
/// specification with all its parameters (`Property::text().analyzer("english")`).
pub use es_types::mapping::{Property, TypeMapping as Mapping};
/// The query DSL: [`Query`] is the generated `QueryContainer` of the specification, with
/// short constructors and elasticsearch.dsl's `&` / `|` / `!` rules (see [`es_types`]).
pub use es_types::query_dsl::{BoolQuery, QueryContainer as Query};
pub use faceted::{Facet, FacetValue, FacetedResult, FacetedSearch};
pub use fields::{FieldPath, TextField};
pub use index::{DataStream, IllegalOperation, Index, IndexTemplate};
pub use multi_search::{ItemError, MultiSearch};
pub use search::{Search, SearchResult, SortKeys, UnreadableHit, UnreadableHits};
pub use update_by_query::{UpdateByQuery, UpdateByQueryResponse};

/// What `using` and running operations need, re-exported from `es-connections`.
pub use es_connections::{connections, Connections, Runner, UseConnection, Using};
