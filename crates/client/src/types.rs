//! The hand-written answers of the document endpoints (index, create, update, delete, get,
//! mget, search, scroll, msearch, bulk), generic over the document type `T`, which es-dsl and
//! es-helpers build on; every other endpoint answers its type generated into es-types.
//! Unknown fields are ignored and optional ones default, so the same types read Elasticsearch
//! and OpenSearch answers.

// Every other endpoint's answer (and every type the specification names), generated: for
// instance `types::cluster::ClusterHealthResponse`.
pub use es_types::*;

use std::collections::BTreeMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Shard counts in write and search answers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShardStatistics {
    /// Total.
    #[serde(default)]
    pub total: u64,
    /// Successful.
    #[serde(default)]
    pub successful: u64,
    /// Failed.
    #[serde(default)]
    pub failed: u64,
    /// Skipped.
    #[serde(default)]
    pub skipped: Option<u64>,
}

/// The `result` of a write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteResult {
    /// A new document.
    Created,
    /// An existing document was replaced.
    Updated,
    /// Deleted.
    Deleted,
    /// Not found (delete of a missing document).
    NotFound,
    /// Nothing changed.
    Noop,
}

/// Answer of index / create / update / delete.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WriteResponse {
    /// Index.
    #[serde(rename = "_index", default)]
    pub index: String,
    /// Document id.
    #[serde(rename = "_id", default)]
    pub id: String,
    /// Document version.
    #[serde(rename = "_version", default)]
    pub version: Option<i64>,
    /// What happened.
    pub result: WriteResult,
    /// Sequence number.
    #[serde(rename = "_seq_no", default)]
    pub seq_no: Option<i64>,
    /// Primary term.
    #[serde(rename = "_primary_term", default)]
    pub primary_term: Option<i64>,
    /// Shards.
    #[serde(rename = "_shards", default)]
    pub shards: ShardStatistics,
}

/// `GET /{index}/_doc/{id}`; `T` is the document type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GetResponse<T = Value> {
    /// Index.
    #[serde(rename = "_index", default)]
    pub index: String,
    /// Document id.
    #[serde(rename = "_id", default)]
    pub id: String,
    /// Whether the document exists.
    #[serde(default)]
    pub found: bool,
    /// The document.
    #[serde(rename = "_source", default = "none")]
    pub source: Option<T>,
    /// Version.
    #[serde(rename = "_version", default)]
    pub version: Option<i64>,
    /// Sequence number.
    #[serde(rename = "_seq_no", default)]
    pub seq_no: Option<i64>,
    /// Primary term.
    #[serde(rename = "_primary_term", default)]
    pub primary_term: Option<i64>,
    /// Routing.
    #[serde(rename = "_routing", default)]
    pub routing: Option<String>,
}

fn none<T>() -> Option<T> {
    None
}

/// `POST /{index}/_search`; `T` is the document type, `A` what the aggregation results are
/// read as (JSON, or es-types' typed `Aggregations`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>, A: Deserialize<'de>"))]
pub struct SearchResponse<T = Value, A = Value> {
    /// Milliseconds taken.
    #[serde(default)]
    pub took: u64,
    /// Whether the search timed out.
    #[serde(default)]
    pub timed_out: bool,
    /// Shards.
    #[serde(rename = "_shards", default)]
    pub shards: ShardStatistics,
    /// Hits.
    #[serde(default)]
    pub hits: HitsMetadata<T>,
    /// Aggregation results.
    #[serde(default = "none")]
    pub aggregations: Option<A>,
    /// Suggestions, by suggester name.
    #[serde(default)]
    pub suggest: Option<Value>,
    /// Scroll id, for scroll searches.
    #[serde(rename = "_scroll_id", default)]
    pub scroll_id: Option<String>,
    /// Point-in-time id.
    #[serde(default)]
    pub pit_id: Option<String>,
}

impl<T, A> SearchResponse<T, A> {
    /// The documents of the hits, in order.
    pub fn documents(&self) -> impl Iterator<Item = &T> {
        self.hits.hits.iter().filter_map(|h| h.source.as_ref())
    }
}

/// `hits` of a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct HitsMetadata<T = Value> {
    /// Total hits.
    #[serde(default)]
    pub total: Option<TotalHits>,
    /// Best score.
    #[serde(default)]
    pub max_score: Option<f64>,
    /// The hits.
    #[serde(bound(deserialize = "T: Deserialize<'de>"))]
    pub hits: Vec<Hit<T>>,
}

/// Total hit count. Also read from the plain number of `rest_total_hits_as_int=true`
/// (relation `eq`), as the specification's `TotalHits | long` allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TotalHits {
    /// Count.
    pub value: u64,
    /// `eq` or `gte`.
    pub relation: String,
}

impl<'de> Deserialize<'de> for TotalHits {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = TotalHits;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a total hits object or a number")
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<TotalHits, E> {
                Ok(TotalHits {
                    value: n,
                    relation: "eq".to_string(),
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, m: A) -> Result<TotalHits, A::Error> {
                #[derive(Deserialize)]
                struct Object {
                    #[serde(default)]
                    value: u64,
                    #[serde(default)]
                    relation: String,
                }
                let o = Object::deserialize(serde::de::value::MapAccessDeserializer::new(m))?;
                Ok(TotalHits {
                    value: o.value,
                    relation: o.relation,
                })
            }
        }
        d.deserialize_any(V)
    }
}

impl<T> Default for HitsMetadata<T> {
    fn default() -> Self {
        HitsMetadata {
            total: None,
            max_score: None,
            hits: Vec::new(),
        }
    }
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit<T = Value> {
    /// Index.
    #[serde(rename = "_index", default)]
    pub index: String,
    /// Document id.
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// Score.
    #[serde(rename = "_score", default)]
    pub score: Option<f64>,
    /// The document.
    #[serde(rename = "_source", default = "none")]
    pub source: Option<T>,
    /// Sort values.
    #[serde(default)]
    pub sort: Option<Vec<Value>>,
    /// Highlights.
    #[serde(default)]
    pub highlight: Option<BTreeMap<String, Vec<String>>>,
    /// Names of the named queries that matched (a list, or name → score with
    /// `include_named_queries_score`).
    #[serde(default)]
    pub matched_queries: Option<Value>,
    /// Inner hits (nested, parent/child, collapse), by name.
    #[serde(default)]
    pub inner_hits: Option<BTreeMap<String, Value>>,
    /// `fields` asked for (doc values, runtime fields), by name.
    #[serde(default)]
    pub fields: Option<BTreeMap<String, Value>>,
    /// Routing.
    #[serde(rename = "_routing", default)]
    pub routing: Option<String>,
    /// Version, with `version: true`.
    #[serde(rename = "_version", default)]
    pub version: Option<i64>,
    /// Sequence number, with `seq_no_primary_term: true`.
    #[serde(rename = "_seq_no", default)]
    pub seq_no: Option<i64>,
    /// Primary term, with `seq_no_primary_term: true`.
    #[serde(rename = "_primary_term", default)]
    pub primary_term: Option<i64>,
}

impl<T> Hit<T> {
    /// The inner hits called `name` (of a nested query, a parent/child query or a collapse),
    /// read with their sources as `U`; `Ok(None)` when the hit has none by that name.
    ///
    /// ```
    /// let hit: es_client::types::Hit = serde_json::from_value(serde_json::json!({
    ///     "_index": "blog", "_id": "1",
    ///     "inner_hits": {"comments": {"hits": {"total": {"value": 1, "relation": "eq"},
    ///         "hits": [{"_index": "blog", "_id": "1", "_source": {"author": "ann"}}]}}}
    /// })).unwrap();
    /// let inner = hit.inner_hits_as::<serde_json::Value>("comments").unwrap().unwrap();
    /// assert_eq!(inner.hits[0].source.as_ref().unwrap()["author"], "ann");
    /// assert!(hit.inner_hits_as::<serde_json::Value>("other").unwrap().is_none());
    /// ```
    pub fn inner_hits_as<U: DeserializeOwned>(
        &self,
        name: &str,
    ) -> Result<Option<HitsMetadata<U>>, serde_json::Error> {
        let Some(v) = self.inner_hits.as_ref().and_then(|m| m.get(name)) else {
            return Ok(None);
        };
        HitsMetadata::<U>::deserialize(&v["hits"]).map(Some)
    }
    /// The same hit with its source converted by `f` (every other field kept).
    pub fn try_map_source<U, E>(self, f: impl FnOnce(T) -> Result<U, E>) -> Result<Hit<U>, E> {
        Ok(Hit {
            source: self.source.map(f).transpose()?,
            index: self.index,
            id: self.id,
            score: self.score,
            sort: self.sort,
            highlight: self.highlight,
            matched_queries: self.matched_queries,
            inner_hits: self.inner_hits,
            fields: self.fields,
            routing: self.routing,
            version: self.version,
            seq_no: self.seq_no,
            primary_term: self.primary_term,
        })
    }
}

/// `POST /_bulk`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkResponse {
    /// Milliseconds taken.
    #[serde(default)]
    pub took: u64,
    /// Whether any item failed.
    #[serde(default)]
    pub errors: bool,
    /// One entry per action: `{ "<op>": result }`.
    #[serde(default)]
    pub items: Vec<BTreeMap<String, BulkItem>>,
}

impl BulkResponse {
    /// `(operation, result)` for each action, in order.
    pub fn results(&self) -> impl Iterator<Item = (&str, &BulkItem)> {
        self.items
            .iter()
            .filter_map(|m| m.iter().next().map(|(op, item)| (op.as_str(), item)))
    }
}

/// The result of one bulk action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BulkItem {
    /// Index.
    #[serde(rename = "_index", default)]
    pub index: Option<String>,
    /// Document id.
    #[serde(rename = "_id", default)]
    pub id: Option<String>,
    /// HTTP status of this item.
    #[serde(default)]
    pub status: u16,
    /// `created`, `updated`...
    #[serde(default)]
    pub result: Option<String>,
    /// The error, for failed items.
    #[serde(default)]
    pub error: Option<Value>,
}

/// `POST /_mget`: one entry per requested document (missing ones have `found: false`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MgetResponse<T = Value> {
    /// The documents.
    #[serde(bound(deserialize = "T: Deserialize<'de>"))]
    pub docs: Vec<MgetItem<T>>,
}

/// One document of [`MgetResponse`]: found, missing, or an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MgetItem<T = Value> {
    /// Index.
    #[serde(rename = "_index", default)]
    pub index: String,
    /// Document id.
    #[serde(rename = "_id", default)]
    pub id: String,
    /// Whether the document exists.
    #[serde(default)]
    pub found: bool,
    /// The document.
    #[serde(rename = "_source", default = "none")]
    pub source: Option<T>,
    /// Version.
    #[serde(rename = "_version", default)]
    pub version: Option<i64>,
    /// The error, when this document could not be read.
    #[serde(default)]
    pub error: Option<Value>,
}

/// `POST /_msearch`: one entry per search, each a result or an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MsearchResponse<T = Value> {
    /// Milliseconds taken.
    #[serde(default)]
    pub took: u64,
    /// The answers, in request order.
    #[serde(bound(deserialize = "T: Deserialize<'de>"))]
    pub responses: Vec<MsearchItem<T>>,
}

/// One answer of [`MsearchResponse`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MsearchItem<T = Value> {
    /// A successful search.
    #[serde(bound(deserialize = "T: Deserialize<'de>"))]
    Ok(Box<SearchResponse<T>>),
    /// A failed search.
    Err {
        /// The error object.
        error: Value,
        /// HTTP status of this search.
        #[serde(default)]
        status: u16,
    },
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn total_hits_read_as_object_or_number() {
        let t: TotalHits = serde_json::from_str(r#"{"value": 3, "relation": "gte"}"#).unwrap();
        assert_eq!((t.value, t.relation.as_str()), (3, "gte"));
        let t: TotalHits = serde_json::from_str("7").unwrap();
        assert_eq!((t.value, t.relation.as_str()), (7, "eq"));
        assert!(serde_json::from_str::<TotalHits>(r#""7""#).is_err());
    }
}
