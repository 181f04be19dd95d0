//! Sugar on the generated [`AggregationContainer`]: short constructors for everyday
//! aggregations, sub-aggregations, and a parameter escape that stays typed when it can.

use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::aggregations::{AggregationContainer, AggregationContainerKind};
use crate::query_dsl::QueryContainer;

impl AggregationContainer {
    /// Any kind with its parameters: typed when the specification knows the kind and the
    /// parameters fit it, else kept as raw JSON (for kinds newer than the specification).
    ///
    /// ```
    /// use es_types::aggregations::{AggregationContainer as Agg, AggregationContainerKind};
    /// assert!(matches!(Agg::of("avg", serde_json::json!({"field": "n"})).kind, AggregationContainerKind::Avg(_)));
    /// assert!(matches!(Agg::of("brand_new", serde_json::json!({})).kind, AggregationContainerKind::Raw(_)));
    /// ```
    #[inline]
    pub fn of(kind: &str, params: Value) -> Self {
        let json = json!({ kind: params });
        crate::support::typed_or_raw(json, |j| {
            AggregationContainer::new(AggregationContainerKind::Raw(j))
        })
    }
    #[inline]
    fn on(kind: &str, field: &str) -> Self {
        Self::of(kind, json!({ "field": field }))
    }
    /// Buckets per distinct value.
    #[inline]
    pub fn terms(field: &str) -> Self {
        Self::on("terms", field)
    }
    /// Average.
    #[inline]
    pub fn avg(field: &str) -> Self {
        Self::on("avg", field)
    }
    /// Sum.
    #[inline]
    pub fn sum(field: &str) -> Self {
        Self::on("sum", field)
    }
    /// Minimum.
    #[inline]
    pub fn min(field: &str) -> Self {
        Self::on("min", field)
    }
    /// Maximum.
    #[inline]
    pub fn max(field: &str) -> Self {
        Self::on("max", field)
    }
    /// Count of values.
    #[inline]
    pub fn value_count(field: &str) -> Self {
        Self::on("value_count", field)
    }
    /// Approximate distinct count.
    #[inline]
    pub fn cardinality(field: &str) -> Self {
        Self::on("cardinality", field)
    }
    /// count, min, max, avg, sum.
    #[inline]
    pub fn stats(field: &str) -> Self {
        Self::on("stats", field)
    }
    /// Fixed-interval histogram.
    #[inline]
    pub fn histogram(field: &str, interval: f64) -> Self {
        Self::of("histogram", json!({ "field": field, "interval": interval }))
    }
    /// Date histogram with a calendar interval (`1d`, `1M`, `week`...).
    #[inline]
    pub fn date_histogram(field: &str, calendar_interval: &str) -> Self {
        Self::of(
            "date_histogram",
            json!({ "field": field, "calendar_interval": calendar_interval }),
        )
    }
    /// Ranges `[(from, to)]` (either bound optional).
    #[inline]
    pub fn range(field: &str, ranges: &[(Option<f64>, Option<f64>)]) -> Self {
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
        Self::of("range", json!({ "field": field, "ranges": ranges }))
    }
    /// One bucket of the documents matching `query`.
    #[inline]
    pub fn filter(query: QueryContainer) -> Self {
        AggregationContainer::new(AggregationContainerKind::Filter(query))
    }
    /// The best hits of each bucket.
    #[inline]
    pub fn top_hits(size: u64) -> Self {
        Self::of("top_hits", json!({ "size": size }))
    }
    /// `size` parameter.
    #[inline]
    pub fn size(self, n: u64) -> Self {
        self.with("size", n)
    }
    /// Any other parameter of the kind (`order`, `min_doc_count`, `missing`, `format`...):
    /// typed when it fits the kind, else the whole kind is kept as raw JSON.
    #[inline]
    pub fn with(self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        let AggregationContainer {
            kind,
            aggregations,
            meta,
        } = self;
        let mut kind_json = serde_json::to_value(&kind).unwrap_or(Value::Null);
        if let Some(Value::Object(params)) = kind_json
            .as_object_mut()
            .and_then(|m| m.values_mut().next())
        {
            params.insert(key.to_string(), value);
        }
        let kind = crate::support::typed_or_raw(kind_json, AggregationContainerKind::Raw);
        AggregationContainer {
            kind,
            aggregations,
            meta,
        }
    }
    /// A sub-aggregation.
    #[inline]
    pub fn sub(mut self, name: &str, agg: AggregationContainer) -> Self {
        self.aggregations
            .get_or_insert_with(Default::default)
            .insert(name.to_string(), agg);
        self
    }
    /// Parses an aggregation (an unknown kind or a bad parameter is an error with its JSON
    /// path).
    #[inline]
    pub fn from_json(text: &str) -> Result<Self, crate::ParseError> {
        crate::from_json(text)
    }
    /// The JSON Elasticsearch receives.
    #[inline]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}
