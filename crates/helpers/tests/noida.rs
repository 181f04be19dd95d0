//! Helpers against noida-db (Elasticsearch 8.15 API), started by the project's launcher.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use es_client::{Client, Refresh};
use es_helpers::{
    bulk, bulk_stream, reindex, scan, Action, BulkError, BulkOptions, Json, Op, ScanOptions,
};
use es_testkit::{Emulator, EmulatorKind};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Doc {
    n: u64,
    title: String,
}

fn doc(n: u64) -> Doc {
    Doc {
        n,
        title: format!("document number {n}"),
    }
}

async fn fill(client: &Client, index: &str, count: u64) {
    client
        .indices()
        .create(index)
        .body(&json!({"mappings": {"properties": {"n": {"type": "long"}, "title": {"type": "text"}}}}))
        .send()
        .await
        .unwrap();
    let actions = futures_util::stream::iter(
        (0..count).map(|n| Action::index(Json(doc(n))).id(n.to_string())),
    );
    let summary = bulk(
        client,
        actions,
        BulkOptions::default()
            .index(index)
            .chunk_size(400)
            .max_in_flight(2),
    )
    .send()
    .await
    .unwrap();
    assert_eq!((summary.total, summary.ok), (count, count));
    client
        .indices()
        .refresh()
        .index(index)
        .send()
        .await
        .unwrap();
}

async fn scan_ids(client: &Client, index: &str, opts: ScanOptions) -> Vec<u64> {
    let hits: Vec<_> = scan::<_, Doc>(client, index, json!({"query": {"match_all": {}}}), opts)
        .send()
        .collect()
        .await;
    let mut ns: Vec<u64> = hits
        .into_iter()
        .map(|h| h.unwrap().source.unwrap().n)
        .collect();
    ns.sort_unstable();
    ns
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_scan_and_reindex_against_noida() {
    let a = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let b = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let ca = Client::new(a.url()).unwrap();
    let cb = Client::new(b.url()).unwrap();

    // --- Bulk of mixed actions with per-item errors.
    ca.indices()
        .create("mixed")
        .body(&json!({"mappings": {"properties": {"n": {"type": "long"}}}}))
        .send()
        .await
        .unwrap();
    let mut actions: Vec<Action<Value>> = (0..1200)
        .map(|n| Action::index(json!({"n": n})).id(n.to_string()))
        .collect();
    actions.push(Action::create(json!({"n": 1})).id("1")); // 1200: 409, exists
    actions.push(Action::update("missing", json!({"doc": {"n": 5}}))); // 1201: 404
    actions.push(Action::index(json!({"n": "not a number"})).id("bad")); // 1202: 400 mapping
    actions.push(Action::delete("2")); // 1203: ok
    actions.push(Action::update("3", json!({"doc": {"n": 33}}))); // 1204: ok
    let opts = || {
        BulkOptions::default()
            .index("mixed")
            .chunk_size(500)
            .refresh(Refresh::True)
    };
    let err = bulk(&ca, futures_util::stream::iter(actions.clone()), opts())
        .send()
        .await
        .unwrap_err();
    let BulkError::Items { summary } = err else {
        panic!("expected item errors, got {err}")
    };
    assert_eq!(summary.total, 1205);
    assert_eq!(summary.ok, 1202);
    assert_eq!(summary.requests, 3);
    let failed: Vec<(u64, Op, u16)> = summary
        .failed
        .iter()
        .map(|f| (f.seq, f.op, f.status))
        .collect();
    assert_eq!(
        failed,
        vec![
            (1200, Op::Create, 409),
            (1201, Op::Update, 404),
            (1202, Op::Index, 400)
        ]
    );
    for f in &summary.failed {
        let line = String::from_utf8(f.action.clone().unwrap().to_vec()).unwrap();
        assert!(
            line.starts_with(&format!("{{\"{}\"", f.op.as_str())),
            "{line}"
        );
        assert!(
            f.error.as_ref().unwrap()["type"].is_string(),
            "{:?}",
            f.error
        );
    }
    let got = ca.get("mixed", "3").send().await.unwrap();
    assert_eq!(got.source.unwrap()["n"], 33);
    assert!(ca
        .get("mixed", "2")
        .send()
        .await
        .unwrap_err()
        .is_not_found());

    // The streaming mode yields every outcome exactly once (raise_on_error does not apply).
    let outcomes: Vec<_> = bulk_stream(
        &ca,
        futures_util::stream::iter(actions),
        opts().max_in_flight(3),
    )
    .send()
    .collect()
    .await;
    let seqs: BTreeSet<u64> = outcomes.iter().map(|o| o.as_ref().unwrap().seq).collect();
    assert_eq!(seqs.len(), 1205);
    assert_eq!(outcomes.len(), 1205);
    let created = outcomes
        .iter()
        .filter(|o| o.as_ref().unwrap().result.as_deref() == Some("updated"))
        .count();
    assert!(
        created >= 1199,
        "re-indexing existing ids updates them: {created}"
    );

    // --- Scan more documents than one page: scroll, point in time, sliced.
    fill(&ca, "docs", 2500).await;
    let want: Vec<u64> = (0..2500).collect();
    assert_eq!(
        scan_ids(&ca, "docs", ScanOptions::default().size(700)).await,
        want
    );
    assert_eq!(
        scan_ids(
            &ca,
            "docs",
            ScanOptions::default().size(700).point_in_time()
        )
        .await,
        want
    );
    assert_eq!(
        scan_ids(&ca, "docs", ScanOptions::default().size(300).slices(3)).await,
        want
    );
    let ordered: Vec<u64> = scan::<_, Doc>(
        &ca,
        "docs",
        json!({"query": {"range": {"n": {"lt": 1500}}}, "sort": [{"n": "desc"}]}),
        ScanOptions::default().size(400).preserve_order(true),
    )
    .send()
    .map(|h| h.unwrap().source.unwrap().n)
    .collect()
    .await;
    assert_eq!(ordered, (0..1500).rev().collect::<Vec<u64>>());

    // --- Reindex between two clusters, with a transform.
    let summary = reindex(
        &ca,
        "docs",
        &cb,
        "copied",
        json!({"query": {"range": {"n": {"gte": 1000}}}}),
        |hit| {
            let mut source = hit.source?;
            source["copied"] = json!(true);
            Some(Action::index(source).id(hit.id?))
        },
        ScanOptions::default().size(500),
        BulkOptions::default()
            .chunk_size(300)
            .max_in_flight(2)
            .refresh(Refresh::True),
    )
    .send()
    .await
    .unwrap();
    assert_eq!((summary.total, summary.ok), (1500, 1500));
    let count = cb.count().index("copied").send().await.unwrap().count;
    assert_eq!(count, 1500);
    let one = cb
        .get("copied", "1234")
        .send()
        .await
        .unwrap()
        .source
        .unwrap();
    assert_eq!(
        one,
        json!({"n": 1234, "title": "document number 1234", "copied": true})
    );
    assert!(
        !cb.indices().exists("docs").send().await.unwrap(),
        "nothing else was written to B"
    );
}

#[test]
fn the_blocking_helpers_drive_the_same_engines() {
    let a = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let client = es_client::blocking::Client::new(a.url()).unwrap();
    let actions = (0..1500u64).map(|n| Action::index(Json(doc(n))).id(n.to_string()));
    // The same operations as the async test, finished with a blocking `send()`.
    let summary = es_helpers::bulk(
        &client,
        es_helpers::iter(actions),
        BulkOptions::default().index("sync").refresh(Refresh::True),
    )
    .send()
    .unwrap();
    assert_eq!(summary.ok, 1500);
    let mut ns: Vec<u64> =
        es_helpers::scan::<_, Doc>(&client, "sync", json!({}), ScanOptions::default().size(400))
            .send()
            .map(|h| h.unwrap().source.unwrap().n)
            .collect();
    ns.sort_unstable();
    assert_eq!(ns, (0..1500).collect::<Vec<u64>>());
    let outcomes: Vec<_> = es_helpers::bulk_stream(
        &client,
        es_helpers::iter((0..10u64).map(|n| Action::<Json<Doc>>::delete(n.to_string()))),
        BulkOptions::default().index("sync"),
    )
    .send()
    .collect();
    assert_eq!(outcomes.len(), 10);
    assert!(outcomes
        .iter()
        .all(|o| o.as_ref().unwrap().result.as_deref() == Some("deleted")));
}
