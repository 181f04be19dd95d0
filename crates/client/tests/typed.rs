//! Typed answers of the generated endpoints: what `send()` returns, how a cat API asks for
//! its text table or its rows, and the error of an answer that does not fit. On the fake
//! cluster (exact headers and answers) and on both emulators (real answers).

#![allow(clippy::unwrap_used)]

use es_client::api::ResponseShapeError;
use es_client::{blocking, Client, ErrorKind, Refresh};
use es_testkit::{Emulator, EmulatorKind, FakeCluster, Reply, Rule};
use serde_json::json;

#[tokio::test]
async fn cat_sends_the_text_accept_header_and_rows_ask_for_json() {
    let cluster = FakeCluster::builder()
        .nodes(1)
        .record_requests(true)
        .start()
        .unwrap();
    let client = Client::new(&cluster.url(0)).unwrap();
    let table = "green open books abc 1 0 3 0 5kb 5kb\n";
    cluster.push(
        Rule::new(Reply::raw(200, "text/plain; charset=UTF-8", table))
            .path_prefix("/_cat/indices")
            .times(1),
    );
    let text: String = client.cat().indices().v(true).send().await.unwrap();
    assert_eq!(text, table);
    let req = cluster.requests_to("/_cat/indices").pop().unwrap();
    assert_eq!(req.header("accept"), Some("text/plain,application/json"));
    assert_eq!(req.query_param("v"), Some("true"));

    cluster.clear_requests();
    let rows = json!([{"health": "green", "index": "books", "docs.count": "3", "new.column": 1}]);
    cluster.push(Rule::new(Reply::json(200, rows)).path_prefix("/_cat/indices"));
    // Setters work before and after `rows()`.
    let rows = client
        .cat()
        .indices()
        .index("books")
        .rows()
        .bytes(es_client::Bytes::KiloBytes)
        .send()
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].index.as_deref(), Some("books"));
    assert_eq!(rows[0].docs_count.as_deref(), Some("3"));
    let req = cluster.requests_to("/_cat/indices").pop().unwrap();
    assert_eq!(req.path, "/_cat/indices/books");
    assert_eq!(req.query_param("format"), Some("json"));
    assert_eq!(req.query_param("bytes"), Some("kb"));
    assert!(
        req.header("accept").unwrap().contains("json")
            && !req.header("accept").unwrap().contains("text/plain"),
        "{:?}",
        req.header("accept")
    );

    // A caller's own Accept header wins over the endpoint's.
    cluster.clear_requests();
    cluster.push(Rule::new(Reply::raw(200, "text/csv", "a,b\n")).path_prefix("/_cat/count"));
    let csv = client
        .cat()
        .count()
        .header("accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv, "a,b\n");
    let req = cluster.requests_to("/_cat/count").pop().unwrap();
    assert_eq!(req.header("accept"), Some("text/csv"));
}

#[tokio::test]
async fn an_answer_that_does_not_fit_names_the_endpoint_and_the_path() {
    let cluster = FakeCluster::start(1).unwrap();
    let client = Client::new(&cluster.url(0)).unwrap();
    let stats = |total: serde_json::Value| {
        json!({
            "_shards": {"total": total, "successful": 1, "failed": 0},
            "_all": {"primaries": {"docs": {"count": 3, "deleted": 0}}},
            "added_by_a_newer_server": {"x": 1}
        })
    };
    let on_stats = |reply| Rule::new(reply).path_prefix("/_stats").times(1);
    cluster.push(on_stats(Reply::json(200, stats(json!(1)))));
    let ok = client.indices().stats().send().await.unwrap();
    assert_eq!(ok.shards.total, 1);
    assert_eq!(ok.all.primaries.unwrap().docs.unwrap().count, 3);

    cluster.push(on_stats(Reply::json(200, stats(json!("one")))));
    let err = client.indices().stats().send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Serialization);
    let shape = err.downcast_ref::<ResponseShapeError>().unwrap();
    assert_eq!(shape.endpoint, "indices.stats");
    assert_eq!(shape.path, "_shards.total");
    assert!(shape.expected.contains("IndicesStatsResponse"), "{shape:?}");
    let text = err.to_string();
    assert!(
        text.contains("`indices.stats`") && text.contains("`_shards.total`"),
        "{text}"
    );

    // A required field that has no empty value (an enum) and is missing is named too; one
    // with an empty value reads as empty (OpenSearch's stats lack some of Elasticsearch's).
    cluster.push(on_stats(Reply::json(200, json!({"_all": {}}))));
    let lenient = client.indices().stats().send().await.unwrap();
    assert_eq!(lenient.shards.total, 0);
    cluster.push(
        Rule::new(Reply::json(200, json!({"acknowledged": true})))
            .path_prefix("/_license")
            .times(1),
    );
    let err = client.license().post().send().await.unwrap_err();
    let shape = err.downcast_ref::<ResponseShapeError>().unwrap();
    assert_eq!(shape.endpoint, "license.post");
    assert!(
        shape
            .source
            .to_string()
            .contains("missing field `license_status`"),
        "{shape}"
    );
}

/// Typed answers of several namespaces from a real server.
fn typed_calls(url: &str) {
    let client = blocking::Client::new(url).unwrap();
    let index = "typed-books";
    let _ = client.indices().delete(index).ignore(404).send_raw();
    let created = client.indices().create(index).send().unwrap();
    assert!(created.acknowledged);
    for (i, title) in ["Dune", "Emma", "Ulysses"].iter().enumerate() {
        client
            .index(index)
            .id(i.to_string())
            .document(&json!({"title": title}))
            .refresh(Refresh::True)
            .send()
            .unwrap();
    }

    let text = client.cat().indices().index(index).v(true).send().unwrap();
    assert!(text.contains(index) && text.contains("health"), "{text}");
    let rows = client.cat().indices().index(index).rows().send().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].index.as_deref(), Some(index));
    assert_eq!(rows[0].docs_count.as_deref(), Some("3"));

    let stats = client.indices().stats().index(index).send().unwrap();
    let docs = stats.indices.unwrap()[index]
        .primaries
        .clone()
        .unwrap()
        .docs
        .unwrap();
    assert_eq!(docs.count, 3);
    let got = client.indices().get(index).send().unwrap();
    assert!(got.contains_key(index), "{got:?}");
    assert!(!client
        .indices()
        .exists_alias("no-such-alias")
        .send()
        .unwrap());
    client.indices().delete(index).send().unwrap();
}

#[test]
fn typed_answers_from_noida_db() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    typed_calls(emu.url());
}

#[test]
fn typed_answers_from_osmem_server() {
    let emu = Emulator::start(EmulatorKind::Osmem).unwrap();
    typed_calls(emu.url());
}
