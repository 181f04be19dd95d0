//! Typed aggregation results: every kind read as its result type by the request that asked
//! for it, at depth; the shapes are Elasticsearch's (from its reference documentation).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use es_types::aggregations::{
    Aggregate, AggregationContainer as Agg, CompositeAggregate, ExtendedStatsAggregate,
    GeoBoundsAggregate, LongTermsAggregate, StatsAggregate, StringTermsAggregate,
    TDigestPercentilesAggregate, TopHitsAggregate,
};
use es_types::{AggError, Aggregations};
use serde_json::{json, Value};

fn requests(v: Value) -> BTreeMap<String, Agg> {
    es_types::from_value(v).unwrap()
}

fn resolved(req: Value, resp: Value) -> Aggregations {
    let mut a: Aggregations = serde_json::from_value(resp.clone()).unwrap();
    a.resolve(&requests(req));
    assert!(a.errors().is_empty(), "{:?}", a.errors());
    // Typed results write back the JSON they were read from (`5` may come back `5.0`).
    assert_eq!(
        numbers_as_f64(serde_json::to_value(&a).unwrap()),
        numbers_as_f64(resp)
    );
    a
}

fn numbers_as_f64(v: Value) -> Value {
    match v {
        Value::Number(n) => json!(n.as_f64()),
        Value::Array(a) => Value::Array(a.into_iter().map(numbers_as_f64).collect()),
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect())
        }
        other => other,
    }
}

#[test]
fn every_everyday_kind_is_read_typed_at_depth() {
    let req = json!({
        "tags": {"terms": {"field": "tags"}, "aggs": {
            "per_year": {"date_histogram": {"field": "date", "calendar_interval": "year"}, "aggs": {
                "pages": {"stats": {"field": "pages"}},
                "p": {"percentiles": {"field": "pages"}}
            }},
            "max_pages_year": {"max_bucket": {"buckets_path": "per_year>pages.max"}},
            "avg_pages_year": {"avg_bucket": {"buckets_path": "per_year>pages.avg"}}
        }},
        "years": {"terms": {"field": "year"}},
        "ratio": {"terms": {"field": "ratio"}},
        "none": {"terms": {"field": "missing"}},
        "recent": {"filter": {"range": {"year": {"gte": 2020}}}, "aggs": {
            "top": {"top_hits": {"size": 1}},
            "ext": {"extended_stats": {"field": "pages"}}
        }},
        "kinds": {"filters": {"filters": {"a": {"match_all": {}}, "b": {"match_none": {}}}}},
        "sizes": {"range": {"field": "pages", "ranges": [{"to": 100.0}, {"from": 100.0}]}},
        "pairs": {"composite": {"sources": [{"t": {"terms": {"field": "tags"}}}]}},
        "box": {"geo_bounds": {"field": "loc"}},
        "median": {"percentiles": {"field": "pages", "keyed": false}},
        "authors": {"cardinality": {"field": "author"}},
        "empty_avg": {"avg": {"field": "nothing"}},
        "nested_docs": {"nested": {"path": "comments"}, "aggs": {
            "by": {"terms": {"field": "comments.by"}, "aggs": {"n": {"value_count": {"field": "comments.by"}}}}
        }}
    });
    let resp = json!({
        "tags": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": [
            {"key": "rust", "doc_count": 3,
             "per_year": {"buckets": [
                {"key_as_string": "2021-01-01", "key": 1609459200000i64, "doc_count": 2,
                 "pages": {"count": 2, "min": 100.0, "max": 300.0, "avg": 200.0, "sum": 400.0},
                 "p": {"values": {"50.0": 200.0, "99.0": 300.0}}},
                {"key_as_string": "2022-01-01", "key": 1640995200000i64, "doc_count": 1,
                 "pages": {"count": 1, "min": 50.0, "max": 50.0, "avg": 50.0, "sum": 50.0},
                 "p": {"values": {"50.0": 50.0, "99.0": 50.0}}}
             ]},
             "max_pages_year": {"value": 300.0, "keys": ["2021-01-01"]},
             "avg_pages_year": {"value": 125.0}}
        ]},
        "years": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                  "buckets": [{"key": 2021, "doc_count": 2}]},
        "ratio": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
                  "buckets": [{"key": 0.5, "doc_count": 1}]},
        "none": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
        "recent": {"doc_count": 1,
            "top": {"hits": {"total": {"value": 1, "relation": "eq"}, "max_score": 1.0, "hits": [
                {"_index": "books", "_id": "1", "_score": 1.0, "_source": {"title": "Dune", "pages": 412}}
            ]}},
            "ext": {"count": 1, "min": 412.0, "max": 412.0, "avg": 412.0, "sum": 412.0,
                    "sum_of_squares": 169744.0, "variance": 0.0, "variance_population": 0.0,
                    "variance_sampling": null, "std_deviation": 0.0, "std_deviation_population": 0.0,
                    "std_deviation_sampling": null,
                    "std_deviation_bounds": {"upper": 412.0, "lower": 412.0, "upper_population": 412.0,
                        "lower_population": 412.0, "upper_sampling": null, "lower_sampling": null}}},
        "kinds": {"buckets": {"a": {"doc_count": 4}, "b": {"doc_count": 0}}},
        "sizes": {"buckets": [
            {"key": "*-100.0", "to": 100.0, "doc_count": 1},
            {"key": "100.0-*", "from": 100.0, "doc_count": 3}
        ]},
        "pairs": {"after_key": {"t": "rust"}, "buckets": [{"key": {"t": "rust"}, "doc_count": 3}]},
        "box": {"bounds": {"top_left": {"lat": 48.86, "lon": 2.29}, "bottom_right": {"lat": 48.85, "lon": 2.35}}},
        "median": {"values": [{"key": 50.0, "value": 200.0}]},
        "authors": {"value": 3},
        "empty_avg": {"value": null},
        "nested_docs": {"doc_count": 5, "by": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
            "buckets": [{"key": "ann", "doc_count": 5, "n": {"value": 5}}]}}
    });
    let a = resolved(req, resp);

    // Buckets at depth 1, 2 and 3, with their metric and pipeline results.
    let tags: &StringTermsAggregate = a.get_as("tags").unwrap().unwrap();
    assert_eq!(tags.sum_other_doc_count, Some(0));
    let rust = &a.buckets("tags").unwrap().unwrap()[0];
    assert_eq!((rust.key.clone(), rust.doc_count), (json!("rust"), 3));
    let years = rust.aggs.buckets("per_year").unwrap().unwrap();
    assert_eq!(years[0].key_str(), "2021-01-01");
    assert_eq!(years[0].key, json!(1609459200000i64));
    let stats: &StatsAggregate = years[1].aggs.get_as("pages").unwrap().unwrap();
    assert_eq!((stats.count, stats.max), (1, Some(50.0)));
    let p: &TDigestPercentilesAggregate = years[0].aggs.get_as("p").unwrap().unwrap();
    assert!(matches!(&p.values, es_types::aggregations::Percentiles::Keyed(m) if m.len() == 2));
    match rust.aggs.get("max_pages_year").unwrap().unwrap() {
        Aggregate::BucketMetricValue(b) => assert_eq!(b.keys, vec!["2021-01-01".to_string()]),
        other => panic!("{other:?}"),
    }
    assert_eq!(rust.aggs.value("max_pages_year").unwrap(), Some(300.0));
    assert_eq!(rust.aggs.value("avg_pages_year").unwrap(), Some(125.0));

    // Terms by the field's type; an empty one reads as string terms.
    let years: &LongTermsAggregate = a.get_as("years").unwrap().unwrap();
    assert_eq!(
        years.buckets,
        es_types::aggregations::Buckets::Array(vec![serde_json::from_value(
            json!({"key": 2021, "doc_count": 2})
        )
        .unwrap()])
    );
    assert_eq!(a.get("ratio").unwrap().unwrap().variant(), "dterms");
    assert_eq!(a.buckets("none").unwrap().unwrap().len(), 0);

    // Single bucket with sub-aggregations; top hits into a document type.
    assert_eq!(a.doc_count("recent").unwrap(), Some(1));
    let recent = a.sub("recent").unwrap().unwrap();
    let top: &TopHitsAggregate = recent.get_as("top").unwrap().unwrap();
    #[derive(serde_full::Deserialize, Debug, PartialEq)]
    #[serde(crate = "serde_full")]
    struct Book {
        title: String,
        pages: u32,
    }
    let books: Vec<Book> = top.documents().unwrap();
    assert_eq!(
        books,
        vec![Book {
            title: "Dune".into(),
            pages: 412
        }]
    );
    let ext: &ExtendedStatsAggregate = recent.get_as("ext").unwrap().unwrap();
    assert_eq!(ext.variance_sampling, None);
    assert_eq!(ext.sum_of_squares, Some(169744.0));

    // Keyed buckets take their name as key; ranges; composite's after_key.
    let kinds = a.buckets("kinds").unwrap().unwrap();
    assert_eq!(
        kinds
            .iter()
            .map(|b| (b.key_str(), b.doc_count))
            .collect::<Vec<_>>(),
        vec![("a".to_string(), 4), ("b".to_string(), 0)]
    );
    assert_eq!(
        a.buckets("sizes").unwrap().unwrap()[1].key,
        json!("100.0-*")
    );
    let pairs: &CompositeAggregate = a.get_as("pairs").unwrap().unwrap();
    assert_eq!(
        serde_json::to_value(&pairs.after_key).unwrap(),
        json!({"t": "rust"})
    );
    assert_eq!(
        a.buckets("pairs").unwrap().unwrap()[0].key,
        json!({"t": "rust"})
    );

    // Metrics: geo bounds, percentiles as a list, cardinality, an avg over nothing.
    let b: &GeoBoundsAggregate = a.get_as("box").unwrap().unwrap();
    assert!(b.bounds.is_some());
    assert_eq!(a.value("authors").unwrap(), Some(3.0));
    assert_eq!(a.value("empty_avg").unwrap(), None);

    // Three levels down through a nested aggregation.
    let by = a
        .sub("nested_docs")
        .unwrap()
        .unwrap()
        .buckets("by")
        .unwrap()
        .unwrap();
    assert_eq!(by[0].aggs.value("n").unwrap(), Some(5.0));
}

#[test]
fn absent_names_are_none_and_mismatches_are_typed_errors() {
    let a = resolved(
        json!({"tags": {"terms": {"field": "tags"}}, "n": {"avg": {"field": "n"}}}),
        json!({"tags": {"buckets": []}, "n": {"value": 1.5}, "extra": {"value": 1}}),
    );
    assert!(a.get("missing").unwrap().is_none());
    // Sent but not requested: not read by kind (kept as JSON).
    assert!(a.get("extra").unwrap().is_none());
    assert_eq!(a.raw("extra"), Some(json!({"value": 1})));
    let err = a.get_as::<StatsAggregate>("n").unwrap_err();
    assert_eq!(
        err,
        AggError::KindMismatch {
            name: "n".into(),
            expected: "stats",
            found: "avg"
        }
    );
    assert_eq!(
        err.to_string(),
        "aggregation `n` is a `avg` result, not `stats`"
    );
    assert!(matches!(
        a.value("tags"),
        Err(AggError::KindMismatch { .. })
    ));
    assert!(matches!(a.buckets("n"), Err(AggError::KindMismatch { .. })));
    assert!(matches!(
        a.doc_count("n"),
        Err(AggError::KindMismatch { .. })
    ));
}

#[test]
fn an_answer_that_does_not_fit_is_an_error_naming_the_aggregation_and_path() {
    let mut a: Aggregations =
        serde_json::from_value(json!({"s": {"count": "many"}, "k": {"brand_new": {}}})).unwrap();
    a.resolve(&requests(json!({
        "s": {"stats": {"field": "n"}},
        "k": {"categorize_text": {"field": "message"}}
    })));
    let err = a.get("s").unwrap_err();
    assert!(
        matches!(&err, AggError::Parse { name, variant: "stats", message } if name == "s" && message.starts_with("count:")),
        "{err:?}"
    );
    // The JSON is kept as sent, and the kind without a result type says so.
    assert_eq!(a.raw("s"), Some(json!({"count": "many"})));
    assert!(matches!(a.get("k"), Err(AggError::Untyped { kind, .. }) if kind == "categorize_text"));
    assert_eq!(a.errors().len(), 2);
}

#[test]
fn typed_keys_names_are_read_without_the_request() {
    let a: Aggregations = serde_json::from_value(json!({
        "sterms#tags": {"buckets": [{"key": "a", "doc_count": 1, "avg#n": {"value": 2.0}}]},
        "plain#name": {"value": 1}
    }))
    .unwrap();
    let tags = a.buckets("tags").unwrap().unwrap();
    assert_eq!(tags[0].aggs.value("n").unwrap(), Some(2.0));
    // `plain` is not a result type: the name is kept whole, untyped.
    assert_eq!(a.raw("plain#name"), Some(json!({"value": 1})));
}
