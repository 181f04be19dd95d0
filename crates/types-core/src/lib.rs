//! # es-types-core
#![recursion_limit = "512"]
//!
//! The shared part of [es-types](https://docs.rs/es-types): the machinery every generated type
//! is written with (`api_struct!`, the `record` functions, the union readers), the hand-written
//! sugar, and the generated types more than one group of namespaces uses — the query DSL,
//! aggregations, mappings, the search request and its answer, `ErrorCause`. The namespaces'
//! own types are in es-types-indices, -ml, -inference and -security, which build side by side
//! once this crate is built; es-types re-exports all of them as one module tree. Use es-types.
//!
//! ```
//! use es_types::query_dsl::QueryContainer;
//! let q: QueryContainer = es_types::from_json(r#"{"term": {"user.id": "kimchy"}}"#).unwrap();
//! assert!(matches!(q, QueryContainer::Term(_)));
//! ```

// The hand-written sugar (aggs, query, properties, results) is `#[inline]` throughout: a
// non-generic function here that reads or writes a type through `serde_json::Value` makes
// this crate compile serde for that type's whole tree, whether or not a program calls it
// (three quarters of its code once); inline, it is compiled where it is called.
mod aggs;
#[doc(hidden)]
pub mod api;
mod properties;
mod query;
#[doc(hidden)]
pub mod record;
mod results;
mod support;
#[doc(hidden)]
pub mod unions;

#[rustfmt::skip]
#[allow(missing_docs, clippy::all, rustdoc::all)]
mod generated;

pub use generated::*;
pub use results::{AggError, AggregateKind, Aggregations, Bucket, BucketRef};
pub use support::{OneOrMany, SingleKey};

/// A parse error with the JSON path where it happened (`query.bool.must[1]`).
#[derive(Debug)]
pub struct ParseError {
    path: String,
    source: serde_json::Error,
}

impl ParseError {
    /// Where in the document (`.`-separated, `[i]` for list positions; empty at the top).
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.path.is_empty() || self.path == "." {
            write!(f, "{}", self.source)
        } else {
            write!(f, "{}: {}", self.path, self.source)
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Parses JSON text into a generated type, with the path of any error.
pub fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    let mut d = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut d).map_err(|e| ParseError {
        path: e.path().to_string(),
        source: e.into_inner(),
    })
}

/// Parses a JSON value into a generated type, with the path of any error.
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, ParseError> {
    serde_path_to_error::deserialize(value).map_err(|e| ParseError {
        path: e.path().to_string(),
        source: e.into_inner(),
    })
}
