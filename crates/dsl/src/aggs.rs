//! Aggregations (requests) and reading their results.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::Query;

/// An aggregation with optional sub-aggregations.
///
/// ```
/// use es_dsl::Aggregation;
/// let a = Aggregation::terms("level").size(5).sub("avg_ms", Aggregation::avg("duration_ms"));
/// assert_eq!(a.to_json(), serde_json::json!({
///     "terms": {"field": "level", "size": 5},
///     "aggs": {"avg_ms": {"avg": {"field": "duration_ms"}}}
/// }));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregation {
    kind: String,
    params: Map<String, Value>,
    subs: BTreeMap<String, Aggregation>,
}

impl Aggregation {
    /// Any aggregation: `kind` with its parameters.
    pub fn new(kind: &str, params: Value) -> Aggregation {
        Aggregation {
            kind: kind.to_string(),
            params: params.as_object().cloned().unwrap_or_default(),
            subs: BTreeMap::new(),
        }
    }
    fn on(kind: &str, field: &str) -> Aggregation {
        Aggregation::new(kind, json!({ "field": field }))
    }
    /// Buckets per distinct value.
    pub fn terms(field: &str) -> Aggregation {
        Aggregation::on("terms", field)
    }
    /// Average.
    pub fn avg(field: &str) -> Aggregation {
        Aggregation::on("avg", field)
    }
    /// Sum.
    pub fn sum(field: &str) -> Aggregation {
        Aggregation::on("sum", field)
    }
    /// Minimum.
    pub fn min(field: &str) -> Aggregation {
        Aggregation::on("min", field)
    }
    /// Maximum.
    pub fn max(field: &str) -> Aggregation {
        Aggregation::on("max", field)
    }
    /// Count of values.
    pub fn value_count(field: &str) -> Aggregation {
        Aggregation::on("value_count", field)
    }
    /// Approximate distinct count.
    pub fn cardinality(field: &str) -> Aggregation {
        Aggregation::on("cardinality", field)
    }
    /// count, min, max, avg, sum.
    pub fn stats(field: &str) -> Aggregation {
        Aggregation::on("stats", field)
    }
    /// Fixed-interval histogram.
    pub fn histogram(field: &str, interval: f64) -> Aggregation {
        Aggregation::new("histogram", json!({ "field": field, "interval": interval }))
    }
    /// Date histogram with a calendar interval (`1d`, `1M`...).
    pub fn date_histogram(field: &str, calendar_interval: &str) -> Aggregation {
        Aggregation::new(
            "date_histogram",
            json!({ "field": field, "calendar_interval": calendar_interval }),
        )
    }
    /// Ranges `[(from, to)]` (either bound optional).
    pub fn range(field: &str, ranges: &[(Option<f64>, Option<f64>)]) -> Aggregation {
        let ranges: Vec<Value> = ranges
            .iter()
            .map(|(from, to)| {
                let mut m = Map::new();
                if let Some(f) = from {
                    m.insert("from".into(), json!(f));
                }
                if let Some(t) = to {
                    m.insert("to".into(), json!(t));
                }
                Value::Object(m)
            })
            .collect();
        Aggregation::new("range", json!({ "field": field, "ranges": ranges }))
    }
    /// One bucket of the documents matching `query`.
    pub fn filter(query: Query) -> Aggregation {
        Aggregation::new("filter", query.to_json())
    }
    /// The best hits of each bucket.
    pub fn top_hits(size: u64) -> Aggregation {
        Aggregation::new("top_hits", json!({ "size": size }))
    }
    /// `size` parameter.
    pub fn size(self, n: u64) -> Aggregation {
        self.with("size", n)
    }
    /// Any other parameter (`order`, `min_doc_count`, `missing`, `format`...).
    pub fn with(mut self, key: &str, value: impl Serialize) -> Aggregation {
        self.params.insert(key.to_string(), json!(value));
        self
    }
    /// A sub-aggregation.
    pub fn sub(mut self, name: &str, agg: Aggregation) -> Aggregation {
        self.subs.insert(name.to_string(), agg);
        self
    }
    /// Parses an aggregation (checked against the specification's `AggregationContainer`:
    /// an unknown kind or a bad parameter is an error with its JSON path).
    ///
    /// ```
    /// use es_dsl::Aggregation;
    /// let a = Aggregation::from_json(r#"{"terms": {"field": "tags"}, "aggs": {"y": {"avg": {"field": "year"}}}}"#).unwrap();
    /// assert_eq!(a, Aggregation::terms("tags").sub("y", Aggregation::avg("year")));
    /// let err = Aggregation::from_json(r#"{"terms": {"feild": "tags"}}"#).unwrap_err();
    /// assert!(err.to_string().starts_with("terms.feild: unknown field"), "{err}");
    /// ```
    pub fn from_json(text: &str) -> Result<Aggregation, es_types::ParseError> {
        let v: Value = es_types::from_json(text)?;
        Aggregation::from_value(v)
    }

    /// [`from_json`](Self::from_json) for a JSON value.
    pub fn from_value(v: Value) -> Result<Aggregation, es_types::ParseError> {
        es_types::from_value::<es_types::aggregations::AggregationContainer>(v.clone())?;
        Ok(Aggregation::from_checked(v))
    }

    /// Builds from JSON already checked against the specification.
    fn from_checked(v: Value) -> Aggregation {
        let mut a = Aggregation::new("", Value::Null);
        if let Value::Object(m) = v {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("aggs" | "aggregations", Value::Object(subs)) => {
                        for (name, sub) in subs {
                            a.subs.insert(name, Aggregation::from_checked(sub));
                        }
                    }
                    ("meta", _) => {}
                    (_, Value::Object(params)) => {
                        a.kind = k;
                        a.params = params;
                    }
                    (_, other) => {
                        a.kind = k;
                        a.params = Map::from_iter([("value".to_string(), other)]);
                    }
                }
            }
        }
        a
    }

    /// The aggregation as Elasticsearch JSON.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        m.insert(self.kind.clone(), Value::Object(self.params.clone()));
        if !self.subs.is_empty() {
            let subs: Map<String, Value> = self
                .subs
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect();
            m.insert("aggs".into(), Value::Object(subs));
        }
        Value::Object(m)
    }
}

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
