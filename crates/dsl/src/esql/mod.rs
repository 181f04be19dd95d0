//! ES|QL as a builder: every source and processing command, expressions with ES|QL's
//! operators and precedence, a typed constructor for every function ([`f`]), and values that
//! are always sent as parameters — a string can never change the query's structure (unlike
//! elasticsearch-py's builder, which writes values into the text).
//!
//! ```
//! use es_dsl::esql::{col, f, Esql};
//! let user_input = "x\" | DROP everything";
//! let q = Esql::from(["logs-*"])
//!     .where_(col("message").like(user_input) & col("@timestamp").gt(f::now() - es_dsl::esql::span(1, es_dsl::esql::TimeUnit::Hours)))
//!     .stats([("n", f::count_all())])
//!     .by(["host.name"])
//!     .render()
//!     .unwrap();
//! assert_eq!(
//!     q.query,
//!     "FROM logs-* | WHERE message LIKE ?1 AND @timestamp > NOW() - 1 hours | STATS n = COUNT(*) BY host.name"
//! );
//! assert_eq!(q.params, vec![serde_json::json!(user_input)]);
//! ```
//!
//! Where ES|QL wants a literal — `LIMIT n`, `SAMPLE p`, time spans, `DISSECT`/`GROK`
//! patterns, `SET` values, function option maps — the builder takes a typed value (an
//! integer, a float, a [`TimeUnit`]) or writes an escaped string literal. Identifiers are
//! quoted with backticks when they need it; index names are quoted as strings.
//!
//! Run with [`Esql::execute`] (sync or async, on a client or a registry's `using`), or as an
//! async query ([`Esql::submit`], [`get_async`], [`delete_async`]); read [`EsqlResult`] as
//! rows, typed rows ([`EsqlResult::rows_as`]) or documents ([`Esql::documents`]).

mod exec;
mod expr;
pub mod functions;
mod query;

pub use exec::{
    delete_async, get_async, one_or_many, AsyncEsqlResult, EsqlColumn, EsqlOptions, EsqlResult,
    GeoPoint,
};
pub use expr::{
    col, lit, param, raw, span, star, Assign, EsqlType, Expr, IntoExpr, Options, SortKey, TimeUnit,
};
/// The function constructors, short: `f::count_all()`, `f::round(...)`.
pub use functions as f;
pub use query::{EnrichField, EnrichMode, Esql, EsqlError, EsqlQuery, FuseMethod, Group};
