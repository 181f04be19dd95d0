//! Aggregations (requests) and their typed results.

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

/// Aggregation results, typed by the kind of each aggregation asked for (see
/// [`es_types::Aggregations`]).
pub use es_types::aggregations::Aggregate;
pub use es_types::{AggError, AggregateKind, Aggregations, Bucket, BucketRef};
