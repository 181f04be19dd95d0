//! Search beyond the body: `count` answered from the last response, the empty search that
//! sends nothing (both on the fake cluster, which records every request), and highlighting
//! and suggestions read from noida-db and osmem-server.

#![allow(clippy::unwrap_used)]

use es_client::Client;
use es_dsl::es_types::search::{HighlightField, PhraseSuggest, TermSuggest, TermSuggester};
use es_dsl::{Query, Search};
use es_testkit::{Emulator, EmulatorKind, FakeCluster, Reply};
use futures_util::StreamExt;
use serde_json::{json, Value};

/// A fake cluster answering `_search` with `total` and `_count` with 7.
fn counting_cluster(total: Value) -> FakeCluster {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.set_handler(move |req| {
        if req.path.ends_with("/_search") {
            let hits = json!({"total": total, "hits": []});
            Some(Reply::json(200, json!({"took": 1, "hits": hits})))
        } else if req.path.ends_with("/_count") {
            Some(Reply::json(200, json!({"count": 7})))
        } else {
            None
        }
    });
    cluster
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_is_answered_from_the_last_exact_response() {
    let cluster = counting_cluster(json!({"value": 42, "relation": "eq"}));
    let c = Client::new(&cluster.url(0)).unwrap();
    let s: Search = Search::new()
        .index("logs")
        .query(Query::term("level", "ERROR"));

    // Before any execute: the count API.
    assert_eq!(s.count(&c).send().await.unwrap(), 7);
    assert_eq!(cluster.requests_to("/logs/_count").len(), 1);

    // After one: the response's exact total, no request.
    let r = s.execute(&c).send().await.unwrap();
    assert_eq!(r.total.unwrap().value, 42);
    assert_eq!(s.count(&c).send().await.unwrap(), 42);
    assert_eq!(cluster.requests_to("/logs/_count").len(), 1, "nothing sent");

    // Sort and size do not change the total: still answered from it (builders move the
    // search, and its last total with it).
    let s = s.sort("-@timestamp").size(3);
    assert_eq!(s.count(&c).send().await.unwrap(), 42);
    assert_eq!(cluster.requests_to("/logs/_count").len(), 1);
    assert_eq!(
        s.clone().count(&c).send().await.unwrap(),
        7,
        "a clone counts anew"
    );

    // A changed query, a post_filter: asked anew.
    let narrowed = s.filter(Query::term("host", "a"));
    assert_eq!(narrowed.count(&c).send().await.unwrap(), 7);
    let post = narrowed.post_filter(Query::term("host", "b"));
    post.execute(&c).send().await.unwrap();
    assert_eq!(post.count(&c).send().await.unwrap(), 7);
    assert_eq!(cluster.requests_to("/logs/_count").len(), 4);

    // A lower bound (`gte`) is not a count.
    let cluster = counting_cluster(json!({"value": 10000, "relation": "gte"}));
    let c = Client::new(&cluster.url(0)).unwrap();
    let s: Search = Search::new().index("logs");
    s.execute(&c).send().await.unwrap();
    assert_eq!(s.count(&c).send().await.unwrap(), 7);
    assert_eq!(cluster.requests_to("/logs/_count").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_search_sends_nothing() {
    let cluster = FakeCluster::start(1).unwrap();
    let c = Client::new(&cluster.url(0)).unwrap();
    let s: Search = Search::empty()
        .index("logs")
        .query(Query::match_("message", "x"))
        .size(5);
    assert!(s.is_empty_search());
    let r = s.execute(&c).send().await.unwrap();
    assert!(r.is_empty() && r.success());
    assert_eq!(r.total.unwrap().value, 0);
    assert_eq!(s.count(&c).send().await.unwrap(), 0);
    assert_eq!(s.delete(&c).send().await.unwrap(), 0);
    assert_eq!(s.iterate(&c).send().count().await, 0);
    assert!(cluster.requests().is_empty(), "{:?}", cluster.requests());
    // The body is still what it would send.
    assert_eq!(s.to_json()["size"], 5);
}

async fn highlight_and_suggest(kind: EmulatorKind) {
    let emu = Emulator::start(kind).unwrap();
    let c = Client::new(emu.url()).unwrap();
    let index = "dsl-suggest";
    c.indices()
        .create(index)
        .body(&json!({"mappings": {"properties": {"title": {"type": "text"}, "body": {"type": "text"}}}}))
        .send()
        .await
        .unwrap();
    for (id, title, body) in [
        ("1", "python rocks", "python is a language"),
        ("2", "rust rocks", "rust is a language too"),
    ] {
        c.index(index)
            .id(id)
            .body(&json!({"title": title, "body": body}))
            .refresh(es_client::Refresh::True)
            .send()
            .await
            .unwrap();
    }
    let r = Search::<Value>::new()
        .index(index)
        .query(Query::match_("title", "python") | Query::match_("body", "python"))
        .highlight(["body"])
        .highlight_field("title", HighlightField::new().number_of_fragments(1))
        .highlight_options(
            es_dsl::es_types::search::Highlight::new()
                .pre_tags(vec!["[".into()])
                .post_tags(vec!["]".into()]),
        )
        .suggest("fix", "pyhton", TermSuggester::new().field("title"))
        .execute(&c)
        .send()
        .await
        .unwrap();
    let kind = format!("{kind:?}");
    assert_eq!(r.len(), 1, "{kind}");
    let hl = r.hits[0].highlight.clone().unwrap();
    assert_eq!(hl["title"], vec!["[python] rocks".to_string()], "{kind}");
    assert_eq!(
        hl["body"],
        vec!["[python] is a language".to_string()],
        "{kind}"
    );
    let fix = r.suggestions::<TermSuggest>("fix").unwrap().unwrap();
    assert_eq!(fix[0].text, "pyhton", "{kind}");
    let options: Vec<&str> = fix[0].options.iter().map(|o| o.text.as_str()).collect();
    assert_eq!(options, ["python"], "{kind}");
    assert!(r.suggestions::<TermSuggest>("other").unwrap().is_none());
    // Read as the wrong kind: a typed error naming the suggester.
    let err = r.suggestions::<Vec<u8>>("fix").unwrap_err();
    assert!(err.to_string().contains("suggestion `fix`"), "{err}");
    let _ = r.suggestions::<PhraseSuggest>("fix"); // a term answer also fits a phrase shape
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn highlights_and_suggestions_on_noida() {
    highlight_and_suggest(EmulatorKind::NoidaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn highlights_and_suggestions_on_osmem() {
    highlight_and_suggest(EmulatorKind::Osmem).await;
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
struct Tagged {
    tag: String,
    n: u32,
}

/// Collapse with inner hits: one hit per tag, each with its top documents read typed.
async fn collapse_with_inner_hits(kind: EmulatorKind) {
    use es_dsl::es_types::search::{FieldCollapse, InnerHits};
    let emu = Emulator::start(kind).unwrap();
    let c = Client::new(emu.url()).unwrap();
    let index = "dsl-collapse";
    c.indices()
        .create(index)
        .body(&json!({"mappings": {"properties": {"tag": {"type": "keyword"}, "n": {"type": "integer"}}}}))
        .send()
        .await
        .unwrap();
    for n in 1..=5u32 {
        let doc = Tagged {
            tag: if n % 2 == 0 { "even" } else { "odd" }.into(),
            n,
        };
        c.index(index)
            .id(n.to_string())
            .document(&doc)
            .refresh(es_client::Refresh::True)
            .send()
            .await
            .unwrap();
    }
    let top = InnerHits::new().name("top").size(2).sort(
        es_dsl::es_types::from_json::<es_dsl::es_types::common::Sort>(r#"[{"n": "desc"}]"#)
            .unwrap(),
    );
    let r = Search::<Tagged>::new()
        .index(index)
        .collapse(FieldCollapse::new().field("tag").inner_hits(top))
        .sort("tag")
        .execute(&c)
        .send()
        .await
        .unwrap();
    let kind = format!("{kind:?}");
    let groups: Vec<(String, Vec<u32>)> = r
        .hits
        .iter()
        .map(|h| {
            let inner = h.inner_hits_as::<Tagged>("top").unwrap().unwrap();
            let ns = inner
                .hits
                .iter()
                .map(|i| i.source.as_ref().unwrap().n)
                .collect();
            (h.source.as_ref().unwrap().tag.clone(), ns)
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("even".to_string(), vec![4, 2]),
            ("odd".to_string(), vec![5, 3])
        ],
        "{kind}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collapse_with_inner_hits_on_noida() {
    collapse_with_inner_hits(EmulatorKind::NoidaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collapse_with_inner_hits_on_osmem() {
    collapse_with_inner_hits(EmulatorKind::Osmem).await;
}
