//! The DSL against noida-db (two instances) and, for ES|QL, the fake cluster.

#![allow(clippy::unwrap_used)]

use es_client::Client;
use es_connections::{connections, UseConnection};
use es_dsl::{Aggregation, Document, DocumentOps, Index, Mapping, Property, Query, Search};
use es_testkit::{Emulator, EmulatorKind};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Article {
    slug: String,
    title: String,
    year: u32,
    tags: Vec<String>,
}

impl Document for Article {
    const INDEX: &'static str = "dsl-articles";
    fn mapping() -> Mapping {
        Mapping::new()
            .field("slug", Property::keyword())
            .field(
                "title",
                Property::text().subfield("raw", Property::keyword()),
            )
            .field("year", Property::integer())
            .field("tags", Property::keyword())
    }
    fn id(&self) -> Option<String> {
        Some(self.slug.clone())
    }
}

fn article(i: u32) -> Article {
    let topic = if i.is_multiple_of(3) {
        "rust"
    } else {
        "python"
    };
    Article {
        slug: format!("a{i}"),
        title: format!("{topic} article {i}"),
        year: 2015 + i % 10,
        tags: vec![
            topic.to_string(),
            if i.is_multiple_of(2) { "even" } else { "odd" }.to_string(),
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_search_aggregations_and_using() {
    let a = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let b = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let ca = Client::new(a.url()).unwrap();
    let cb = Client::new(b.url()).unwrap();

    // Documents: init, save, get, delete.
    Article::init(&ca).send().await.unwrap();
    assert!(Article::index().exists(&ca).send().await.unwrap());
    let mapping = ca
        .indices()
        .get_mapping()
        .index(Article::INDEX)
        .send()
        .await
        .unwrap();
    // The answer is typed: the title's `raw` sub-field reads back as a keyword property.
    use es_client::types::mapping::Property;
    let props = mapping[Article::INDEX]
        .mappings
        .properties
        .as_ref()
        .unwrap();
    let Some(Property::Text(title)) = props.get("title") else {
        panic!("title is not a text property: {:?}", props.get("title"))
    };
    let raw = title.fields.as_ref().and_then(|f| f.get("raw"));
    assert!(matches!(raw, Some(Property::Keyword(_))), "{raw:?}");
    for i in 0..30 {
        let w = article(i).save(&ca).send().await.unwrap();
        assert_eq!(w.id, format!("a{i}"));
    }
    assert_eq!(
        Article::get("a7", &ca)
            .send()
            .await
            .unwrap()
            .map(es_dsl::Doc::into_inner),
        Some(article(7))
    );
    assert!(Article::get("missing", &ca).send().await.unwrap().is_none());
    assert!(Article::delete("a29", &ca).send().await.unwrap());
    assert!(!Article::delete("a29", &ca).send().await.unwrap());
    Article::index().refresh(&ca).send().await.unwrap();

    // Search: query + filter + sort + size, typed hits.
    let s = Article::search()
        .query(Query::match_("title", "rust"))
        .filter(Query::range("year").gte(2018))
        .sort("-year")
        .size(5)
        .using(&ca);
    // `using` holds the client; the registry runner resolves it.
    let r = s.execute(connections()).send().await.unwrap();
    let docs: Vec<&Article> = r.documents().collect();
    assert!(!docs.is_empty() && docs.len() <= 5);
    assert!(
        docs.iter()
            .all(|d| d.title.starts_with("rust") && d.year >= 2018),
        "{docs:?}"
    );
    assert!(
        docs.windows(2).all(|w| w[0].year >= w[1].year),
        "sorted by year desc"
    );
    let expected = (0..29)
        .map(article)
        .filter(|d| d.title.starts_with("rust") && d.year >= 2018)
        .count() as u64;
    assert_eq!(r.total.as_ref().map(|t| t.value), Some(expected));
    assert_eq!(s.count(&ca).send().await.unwrap(), expected);

    // Operators and exclusion.
    let either = Article::search()
        .query(Query::term("tags", "rust") | Query::term("year", 2015))
        .exclude(Query::term("tags", "even"))
        .size(100)
        .execute(&ca)
        .send()
        .await
        .unwrap();
    let want = (0..29)
        .map(article)
        .filter(|d| (d.tags[0] == "rust" || d.year == 2015) && d.tags[1] != "even")
        .count();
    assert_eq!(either.hits.len(), want);

    // A query parsed from JSON (typed, not raw), combined with `&`, executed.
    let parsed = Query::from_json(
        r#"{"bool": {"should": [{"term": {"tags": "rust"}}, {"term": {"year": 2015}}]}}"#,
    )
    .unwrap();
    assert!(matches!(parsed, Query::Bool(_)));
    let combined = parsed & !Query::term("tags", "even");
    let from_json = Article::search()
        .query(combined)
        .size(100)
        .execute(&ca)
        .send()
        .await
        .unwrap();
    assert_eq!(from_json.hits.len(), want);

    // Typed body pieces of the specification, executed: a sort object and `_source: false`.
    let sort: es_dsl::es_types::common::SortCombinations =
        es_dsl::es_types::from_json(r#"{"year": {"order": "asc"}}"#).unwrap();
    let sorted = Search::<serde_json::Value>::new()
        .index(Article::INDEX)
        .query(Query::term("tags", "rust"))
        .sort_by(sort)
        .source_filter(es_dsl::es_types::search::SourceConfig::Bool(false))
        .size(100)
        .execute(&ca)
        .send()
        .await
        .unwrap();
    let rust_count = (0..29).map(article).filter(|d| d.tags[0] == "rust").count();
    assert_eq!(sorted.hits.len(), rust_count);
    assert!(
        sorted.hits.iter().all(|h| h.source.is_none()),
        "_source: false is honoured"
    );

    // Aggregations with sub-aggregations.
    let r = Article::search()
        .size(0)
        .aggs(
            "topics",
            Aggregation::terms("tags")
                .size(10)
                .sub("avg_year", Aggregation::avg("year")),
        )
        .aggs("max_year", Aggregation::max("year"))
        .aggs(
            "recent",
            Aggregation::filter(Query::range("year").gte(2022)),
        )
        .aggs("years", Aggregation::histogram("year", 5.0))
        .execute(&ca)
        .send()
        .await
        .unwrap();
    assert!(r.aggs.errors().is_empty(), "{:?}", r.aggs.errors());
    let topics = r.aggs.buckets("topics").unwrap().unwrap();
    let rust = topics.iter().find(|b| b.key == "rust").unwrap();
    let rust_docs: Vec<Article> = (0..29)
        .map(article)
        .filter(|d| d.tags[0] == "rust")
        .collect();
    assert_eq!(rust.doc_count, rust_docs.len() as i64);
    let avg = rust_docs.iter().map(|d| d.year as f64).sum::<f64>() / rust_docs.len() as f64;
    assert!((rust.aggs.value("avg_year").unwrap().unwrap() - avg).abs() < 1e-6);
    assert_eq!(r.aggs.value("max_year").unwrap(), Some(2024.0));
    assert_eq!(
        r.aggs.doc_count("recent").unwrap(),
        Some((0..29).filter(|i| 2015 + i % 10 >= 2022).count() as i64)
    );
    let years: i64 = r
        .aggs
        .buckets("years")
        .unwrap()
        .unwrap()
        .iter()
        .map(|b| b.doc_count)
        .sum();
    assert_eq!(years, 29);

    // Scan every matching document; delete by query.
    let all: Vec<_> = Article::search()
        .scan(&ca, es_helpers::ScanOptions::default().size(7))
        .send()
        .collect()
        .await;
    assert_eq!(all.len(), 29);
    let deleted = Article::search()
        .query(Query::term("tags", "python"))
        .delete(&ca)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted, (0..29).filter(|i| i % 3 != 0).count() as u64);
    assert_eq!(
        Article::search().count(&ca).send().await.unwrap(),
        29 - deleted
    );

    // `.using()` switches clusters: B has its own documents.
    Index::new(Article::INDEX)
        .mapping(Article::mapping())
        .create(&cb)
        .send()
        .await
        .unwrap();
    article(100).save(&cb).send().await.unwrap();
    Article::index().refresh(&cb).send().await.unwrap();
    let on_b = Article::search()
        .using(&ca)
        .using(&cb)
        .execute(connections())
        .send()
        .await
        .unwrap();
    assert_eq!(
        on_b.documents().cloned().collect::<Vec<_>>(),
        vec![article(100)]
    );
}

#[test]
fn the_blocking_flavour_runs_the_same_operations() {
    let a = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let client = es_client::blocking::Client::new(a.url()).unwrap();
    // The same operation values as the async test, finished with a blocking `send()`.
    Article::init(&client).send().unwrap();
    for i in 0..6 {
        article(i).save(&client).send().unwrap();
    }
    assert_eq!(
        Article::get("a2", &client)
            .send()
            .unwrap()
            .map(es_dsl::Doc::into_inner),
        Some(article(2))
    );
    Index::new(Article::INDEX).refresh(&client).send().unwrap();
    let s = Search::<Article>::new()
        .index(Article::INDEX)
        .query(Query::term("tags", "rust"));
    let r = s.execute(&client).send().unwrap();
    assert_eq!(r.hits.len(), 2);
    assert_eq!(s.count(&client).send().unwrap(), 2);
    let scanned: Vec<_> = s
        .scan(&client, es_helpers::ScanOptions::default().size(1))
        .send()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(scanned.len(), 2);
    // Through the blocking registry, with `using` naming the alias.
    es_connections::blocking::connections().configure([(
        "dsl-blocking",
        es_connections::ConnectionConfig::new([a.url()]),
    )]);
    let r = s
        .clone()
        .using("dsl-blocking")
        .execute(es_connections::blocking::connections())
        .send()
        .unwrap();
    assert_eq!(r.hits.len(), 2);
    assert!(Article::delete("a0", &client).send().unwrap());
}

/// Nested bucket, metric and pipeline aggregations read through the typed results. noida-db
/// 0.2.3 has no pipeline aggregations (it answers `parsing_exception: Unknown aggregation
/// type [derivative]`), so the same search with pipelines runs on osmem-server as well.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nested_bucket_metric_and_pipeline_aggregations_read_typed() {
    use es_dsl::es_types::aggregations::{
        BucketMetricValueAggregate, DateHistogramAggregate, StatsAggregate, StringTermsAggregate,
        TopHitsAggregate,
    };
    let noida = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let osmem = Emulator::start(EmulatorKind::Osmem).unwrap();
    let docs: Vec<Article> = (0..29).map(article).collect();
    let expected_sum = |topic: &str, year: u32| -> f64 {
        docs.iter()
            .filter(|d| d.tags[0] == topic && d.year == year)
            .map(|d| d.year as f64)
            .sum()
    };
    for (emu, pipelines) in [(&noida, false), (&osmem, true)] {
        let c = Client::new(emu.url()).unwrap();
        Article::init(&c).send().await.unwrap();
        for d in &docs {
            d.save(&c).send().await.unwrap();
        }
        Article::index().refresh(&c).send().await.unwrap();

        let mut per_year = Aggregation::histogram("year", 1.0)
            .sub("sum_year", Aggregation::sum("year"))
            .sub("stats", Aggregation::stats("year"));
        let mut per_topic = Aggregation::terms("tags").size(10);
        if pipelines {
            per_year = per_year
                .sub(
                    "running",
                    Aggregation::of("cumulative_sum", json!({"buckets_path": "sum_year"})),
                )
                .sub(
                    "change",
                    Aggregation::of("derivative", json!({"buckets_path": "sum_year"})),
                );
            per_topic = per_topic
                .sub(
                    "best_year",
                    Aggregation::of("max_bucket", json!({"buckets_path": "per_year>sum_year"})),
                )
                .sub(
                    "mean_year",
                    Aggregation::of("avg_bucket", json!({"buckets_path": "per_year>sum_year"})),
                );
        }
        let r = Article::search()
            .size(0)
            .aggs(
                "topics",
                per_topic.sub("per_year", per_year).sub(
                    "newest",
                    Aggregation::top_hits(1).with("sort", json!([{"year": "desc"}])),
                ),
            )
            .aggs(
                "recent",
                Aggregation::filter(Query::range("year").gte(2022))
                    .sub("years", Aggregation::stats("year")),
            )
            .execute(&c)
            .send()
            .await
            .unwrap();
        let server = emu.url().to_string();
        assert!(
            r.aggs.errors().is_empty(),
            "{server}: {:?}",
            r.aggs.errors()
        );

        // Level 1: terms buckets (typed: string terms on a keyword field).
        let _: &StringTermsAggregate = r.aggs.get_as("topics").unwrap().unwrap();
        let topics = r.aggs.buckets("topics").unwrap().unwrap();
        let rust = topics.iter().find(|b| b.key == "rust").unwrap();
        let rust_docs: Vec<&Article> = docs.iter().filter(|d| d.tags[0] == "rust").collect();
        assert_eq!(rust.doc_count, rust_docs.len() as i64, "{server}");

        // Level 2: histogram buckets; level 3: their sum and stats.
        let _: &es_dsl::es_types::aggregations::HistogramAggregate =
            rust.aggs.get_as("per_year").unwrap().unwrap();
        let years = rust.aggs.buckets("per_year").unwrap().unwrap();
        assert!(years.len() >= 2, "{server}");
        let mut running = 0.0;
        let mut best = (f64::MIN, String::new());
        for y in &years {
            let year = y.key.as_f64().unwrap() as u32;
            let sum = y.aggs.value("sum_year").unwrap().unwrap();
            assert_eq!(sum, expected_sum("rust", year), "{server} {year}");
            let stats: &StatsAggregate = y.aggs.get_as("stats").unwrap().unwrap();
            assert_eq!(stats.count, y.doc_count, "{server}");
            if y.doc_count > 0 {
                assert_eq!(stats.min, Some(year as f64), "{server}");
            }
            running += sum;
            if sum > best.0 {
                best = (sum, y.key_str());
            }
            if pipelines {
                // Parent pipelines, read as `simple_value` / `derivative` results.
                assert_eq!(y.aggs.value("running").unwrap(), Some(running), "{server}");
                let change = y.aggs.get("change").unwrap();
                assert!(change.is_none() || change.unwrap().variant() == "derivative");
            }
        }
        if pipelines {
            // Sibling pipelines: the best bucket with its key, and a mean.
            let b: &BucketMetricValueAggregate = rust.aggs.get_as("best_year").unwrap().unwrap();
            assert_eq!(b.value, Some(best.0), "{server}");
            let keys: Vec<String> = b.keys.clone();
            assert!(
                keys.iter()
                    .any(|k| best.1.starts_with(k.as_str()) || k.starts_with(&best.1)),
                "{keys:?} vs {}",
                best.1
            );
            let mean = running / years.len() as f64;
            let got = rust.aggs.value("mean_year").unwrap().unwrap();
            assert!((got - mean).abs() < 1e-9, "{server}: {got} vs {mean}");
        } else {
            assert!(rust.aggs.get("best_year").unwrap().is_none());
        }

        // Top hits, read into the document type.
        let top: &TopHitsAggregate = rust.aggs.get_as("newest").unwrap().unwrap();
        let newest: Vec<Article> = top.documents().unwrap();
        let max_year = rust_docs.iter().map(|d| d.year).max().unwrap();
        assert_eq!(newest.len(), 1, "{server}");
        assert_eq!(newest[0].year, max_year, "{server}");

        // A single bucket with a sub-aggregation; a kind mismatch is a typed error.
        let recent_n = docs.iter().filter(|d| d.year >= 2022).count() as i64;
        assert_eq!(
            r.aggs.doc_count("recent").unwrap(),
            Some(recent_n),
            "{server}"
        );
        let ys: &StatsAggregate = r
            .aggs
            .sub("recent")
            .unwrap()
            .unwrap()
            .get_as("years")
            .unwrap()
            .unwrap();
        assert_eq!((ys.count, ys.min), (recent_n, Some(2022.0)), "{server}");
        assert!(r.aggs.get_as::<DateHistogramAggregate>("topics").is_err());
        assert!(r.aggs.get("not_requested").unwrap().is_none());
    }
}
