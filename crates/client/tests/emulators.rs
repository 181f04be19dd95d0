//! The minimal client against real Elasticsearch-compatible servers started by the project's
//! own launcher: noida-db (Elasticsearch 8.15 API) and osmem-server (OpenSearch 3.8 API).
//! Each test starts its own server, checks the blocking client, then the async client.

#![allow(clippy::unwrap_used)]

use es_client::http::Method;
use es_client::types::common::HealthStatus;
use es_client::types::WriteResult;
use es_client::{blocking, Client, CompatMode, ErrorKind, Refresh, TransportBuilder};
use es_testkit::{Emulator, EmulatorKind};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Book {
    title: String,
    year: u32,
}

fn books() -> Vec<Book> {
    vec![
        Book {
            title: "Dune".into(),
            year: 1965,
        },
        Book {
            title: "Dune Messiah".into(),
            year: 1969,
        },
        Book {
            title: "Neuromancer".into(),
            year: 1984,
        },
    ]
}

fn blocking_scenario(url: &str, expect_version: &str) {
    let client = blocking::Client::builder()
        .host(url)
        .basic_auth("elastic", "changeme")
        .build()
        .unwrap();
    assert!(client.ping().send().unwrap());
    let info = client.info().send().unwrap();
    assert_eq!(info.version.number, expect_version);

    let index = "blocking-books";
    let _ = client.indices().delete(index).ignore(404).send_raw();
    for (i, b) in books().iter().enumerate() {
        let w = client
            .index(index)
            .id(i.to_string())
            .document(b)
            .send()
            .unwrap();
        assert_eq!(w.result, WriteResult::Created);
    }
    client.indices().refresh().index(index).send().unwrap();
    let got = client
        .get(index, "2")
        .json::<es_client::types::GetResponse<Book>>()
        .unwrap();
    assert_eq!(got.source, Some(books()[2].clone()));
    let hits = client
        .search()
        .index(index)
        .body(&json!({"query": {"match": {"title": "dune"}}}))
        .json::<es_client::types::SearchResponse<Book>>()
        .unwrap();
    assert_eq!(hits.hits.total.as_ref().unwrap().value, 2);
    assert!(hits.documents().all(|b| b.title.starts_with("Dune")));
    client.indices().delete(index).send().unwrap();
}

async fn async_scenario(url: &str, expect_product: es_client::transport::Product) {
    let client = Client::builder().host(url).build().unwrap();
    let index = "async-books";
    let _ = client.indices().delete(index).ignore(404).send_raw().await;
    assert!(!client.indices().exists(index).send().await.unwrap());
    client
        .indices()
        .create(index)
        .body(&json!({"mappings": {"properties": {"title": {"type": "text"}, "year": {"type": "integer"}}}}))
        .send()
        .await
        .unwrap();
    assert!(client.indices().exists(index).send().await.unwrap());
    let info = client.transport().server_info().unwrap();
    assert_eq!(info.product, expect_product);

    // Index with and without ids.
    let w = client
        .index(index)
        .document(&books()[0])
        .refresh(Refresh::True)
        .send()
        .await
        .unwrap();
    assert_eq!(w.result, WriteResult::Created);
    assert!(!w.id.is_empty());
    let w = client
        .index(index)
        .id("x")
        .document(&books()[1])
        .send()
        .await
        .unwrap();
    assert_eq!(w.id, "x");
    let w = client
        .index(index)
        .id("x")
        .document(&books()[1])
        .send()
        .await
        .unwrap();
    assert_eq!(w.result, WriteResult::Updated);

    // Bulk NDJSON with one failing item (create of an existing id -> 409).
    let mut nd = String::new();
    for (i, b) in books().iter().enumerate() {
        nd.push_str(&format!(
            "{{\"index\":{{\"_index\":\"{index}\",\"_id\":\"b{i}\"}}}}\n"
        ));
        nd.push_str(&serde_json::to_string(b).unwrap());
        nd.push('\n');
    }
    nd.push_str(&format!("{{\"create\":{{\"_index\":\"{index}\",\"_id\":\"x\"}}}}\n{{\"title\":\"dup\",\"year\":1}}\n"));
    nd.push_str(&format!(
        "{{\"delete\":{{\"_index\":\"{index}\",\"_id\":\"b2\"}}}}\n"
    ));
    let bulk = client
        .bulk()
        .ndjson(nd)
        .refresh(Refresh::True)
        .send()
        .await
        .unwrap();
    assert!(bulk.errors);
    let statuses: Vec<(String, u16)> = bulk
        .results()
        .map(|(op, r)| (op.to_string(), r.status))
        .collect();
    assert_eq!(
        statuses,
        vec![
            ("index".into(), 201),
            ("index".into(), 201),
            ("index".into(), 201),
            ("create".into(), 409),
            ("delete".into(), 200)
        ]
    );
    assert!(bulk.results().nth(3).unwrap().1.error.is_some());

    // Get, typed and raw; a missing document is a typed NotFound.
    let got = client.get(index, "b1").send().await.unwrap();
    assert!(got.found);
    assert_eq!(got.source.unwrap()["title"], "Dune Messiah");
    let err = client.get(index, "b2").send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    let missing = client.get(index, "b2").ignore(404).send().await.unwrap();
    assert!(!missing.found);

    // Search.
    let res = client
        .search()
        .index(index)
        .body(&json!({"query": {"range": {"year": {"gte": 1960, "lte": 1970}}}}))
        .size(10)
        .send()
        .await
        .unwrap();
    let mut titles: Vec<String> = res
        .documents()
        .map(|d| d["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles, vec!["Dune", "Dune Messiah"]);

    // Delete, then delete again (NotFound).
    let d = client
        .delete(index, "b0")
        .refresh(Refresh::True)
        .send()
        .await
        .unwrap();
    assert_eq!(d.result, WriteResult::Deleted);
    assert!(client
        .delete(index, "b0")
        .send()
        .await
        .unwrap_err()
        .is_not_found());

    // Cluster and nodes.
    let health = client.cluster().health().send().await.unwrap();
    assert!(matches!(
        health.status,
        HealthStatus::Green | HealthStatus::Yellow
    ));
    assert!(health.number_of_nodes >= 1);
    let nodes = client.nodes().info().send().await.unwrap();
    assert!(!nodes.nodes.is_empty());

    // The raw escape hatch.
    let count = client
        .send(Method::POST, format!("/{index}/_count"))
        .body(&json!({"query": {"match_all": {}}}))
        .send()
        .await
        .unwrap();
    assert!(count["count"].as_u64().unwrap() >= 3);
    let bad = client
        .send(Method::POST, format!("/{index}/_search"))
        .body(&json!({"query": {"nope": {}}}))
        .send()
        .await;
    assert_eq!(bad.unwrap_err().kind(), ErrorKind::BadRequest);

    client.indices().delete(index).send().await.unwrap();
    assert!(client
        .indices()
        .delete(index)
        .send()
        .await
        .unwrap_err()
        .is_not_found());
}

#[test]
fn noida_db_elasticsearch_8() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    blocking_scenario(emu.url(), "8.15.3");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        async_scenario(emu.url(), es_client::transport::Product::Elasticsearch).await;
        // ES 8 accepts both compatibility media types, as the real server does.
        for v in [8, 9] {
            let c = Client::from_builder(
                TransportBuilder::new()
                    .host(emu.url())
                    .compat(CompatMode::Version(v)),
            )
            .unwrap();
            c.search().send().await.unwrap();
        }
    });
}

#[test]
fn osmem_server_opensearch_3() {
    let emu = Emulator::start(EmulatorKind::Osmem).unwrap();
    blocking_scenario(emu.url(), "3.8.0");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        async_scenario(emu.url(), es_client::transport::Product::OpenSearch).await;
        // Negotiation can fail here: forcing the ES 9 media type gets a typed 406.
        let c = Client::from_builder(
            TransportBuilder::new()
                .host(emu.url())
                .compat(CompatMode::Version(9)),
        )
        .unwrap();
        let err = c.search().body(&json!({})).send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(406), "{err}");
        assert_eq!(err.kind(), ErrorKind::ClientError);
        // Auto mode learnt it is OpenSearch and sends plain JSON: the same search works.
        let c = Client::new(emu.url()).unwrap();
        c.search().body(&json!({})).send().await.unwrap();
    });
}
