//! Aggregations (requests) and reading their results.

use serde_json::{Map, Value};

/// An aggregation with optional sub-aggregations: the generated `AggregationContainer` of the
/// specification, with short constructors (see [`es_types`]).
///
/// ```
/// use es_dsl::Aggregation;
/// let a = Aggregation::terms("level").size(5).sub("avg_ms", Aggregation::avg("duration_ms"));
/// assert_eq!(a.to_json(), serde_json::json!({
///     "terms": {"field": "level", "size": 5},
///     "aggs": {"avg_ms": {"avg": {"field": "duration_ms"}}}
/// }));
/// let parsed = Aggregation::from_json(r#"{"terms": {"field": "tags"}, "aggs": {"y": {"avg": {"field": "year"}}}}"#).unwrap();
/// assert_eq!(parsed, Aggregation::terms("tags").sub("y", Aggregation::avg("year")));
/// let err = Aggregation::from_json(r#"{"terms": {"feild": "tags"}}"#).unwrap_err();
/// assert!(err.to_string().starts_with("terms.feild: unknown field"), "{err}");
/// ```
pub use es_types::aggregations::AggregationContainer as Aggregation;

/// Aggregation results of a search, read by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AggResults(pub Map<String, Value>);

/// One bucket of a bucket aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    /// The bucket key (`key_as_string` when the server gives one).
    pub key: Value,
    /// Documents in the bucket.
    pub doc_count: u64,
    /// Sub-aggregation results.
    pub aggs: AggResults,
}

impl AggResults {
    /// The raw result of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.0.get(name)
    }
    /// `value` of a metric aggregation (avg, sum, min, max, cardinality, value_count).
    pub fn value(&self, name: &str) -> Option<f64> {
        self.get(name)?.get("value")?.as_f64()
    }
    /// Buckets of a bucket aggregation (terms, histograms, ranges); `None` if absent.
    pub fn buckets(&self, name: &str) -> Option<Vec<Bucket>> {
        let raw = self.get(name)?.get("buckets")?;
        let list: Vec<&Value> = match raw {
            Value::Array(a) => a.iter().collect(),
            Value::Object(o) => o.values().collect(),
            _ => return None,
        };
        Some(
            list.into_iter()
                .map(|b| {
                    let key = b
                        .get("key_as_string")
                        .or_else(|| b.get("key"))
                        .cloned()
                        .unwrap_or(Value::Null);
                    let subs = b
                        .as_object()
                        .map(|o| {
                            o.iter()
                                .filter(|(k, v)| {
                                    v.is_object()
                                        && !matches!(
                                            k.as_str(),
                                            "key" | "key_as_string" | "doc_count"
                                        )
                                })
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect()
                        })
                        .unwrap_or_default();
                    Bucket {
                        key,
                        doc_count: b.get("doc_count").and_then(Value::as_u64).unwrap_or(0),
                        aggs: AggResults(subs),
                    }
                })
                .collect(),
        )
    }
    /// `doc_count` of a single-bucket aggregation (filter, global, missing).
    pub fn doc_count(&self, name: &str) -> Option<u64> {
        self.get(name)?.get("doc_count")?.as_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn results_are_read_by_name() {
        let r = AggResults(
            json!({
                "levels": {"buckets": [
                    {"key": "INFO", "doc_count": 7, "avg_ms": {"value": 12.5}},
                    {"key": "ERROR", "doc_count": 2, "avg_ms": {"value": null}}
                ]},
                "per_day": {"buckets": [{"key": 1700000000000u64, "key_as_string": "2023-11-14", "doc_count": 3}]},
                "total": {"value": 42.0},
                "errors": {"doc_count": 2}
            })
            .as_object()
            .unwrap()
            .clone(),
        );
        let levels = r.buckets("levels").unwrap();
        assert_eq!(
            (levels[0].key.clone(), levels[0].doc_count),
            (json!("INFO"), 7)
        );
        assert_eq!(levels[0].aggs.value("avg_ms"), Some(12.5));
        assert_eq!(levels[1].aggs.value("avg_ms"), None);
        assert_eq!(r.buckets("per_day").unwrap()[0].key, json!("2023-11-14"));
        assert_eq!(r.value("total"), Some(42.0));
        assert_eq!(r.doc_count("errors"), Some(2));
        assert!(r.buckets("nope").is_none());
    }
}
