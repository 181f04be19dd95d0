//! Index management: analysis collected from the fields of document types and from the
//! index, `init`/`save` creating or updating an index (elasticsearch.dsl's rules), the index
//! operations, composable templates — against noida-db and osmem-server; data streams (which
//! neither implements) on the fake cluster.

#![allow(clippy::unwrap_used)]

use es_client::{Client, ErrorKind};
use es_dsl::analysis::{
    analyzer, normalizer, token_filter, tokenizer, NamedAnalyzer, NamedNormalizer,
};
use es_dsl::es_types::analysis::{NGramTokenizer, StopTokenFilter};
use es_dsl::{
    DataStream, Document, DocumentOps, IllegalOperation, Index, Mapping, Property, Query,
};
use es_testkit::{Emulator, EmulatorKind, FakeCluster, Reply};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

fn folded() -> NamedAnalyzer {
    analyzer("folded")
        .tokenizer("standard")
        .filter("lowercase")
        .filter("asciifolding")
        .filter(token_filter(
            "no_the",
            StopTokenFilter::new().stopwords(vec!["the".to_string()]),
        ))
}

fn trigram() -> NamedAnalyzer {
    analyzer("trigram").tokenizer(tokenizer(
        "tri",
        NGramTokenizer::new().min_gram(3).max_gram(3),
    ))
}

fn lower() -> NamedNormalizer {
    normalizer("lower").filter("lowercase")
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, es_dsl::InnerDoc)]
struct Comment {
    #[document(analyzer = folded())]
    text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, es_dsl::Document)]
#[document(index = "dsl-idx-posts")]
struct Post {
    #[document(id, keyword)]
    slug: String,
    #[document(analyzer = folded(), search_analyzer = "standard")]
    title: String,
    #[document(keyword, normalizer = lower())]
    tag: String,
    #[document(analyzer = trigram())]
    code: String,
    #[document(nested)]
    comments: Vec<Comment>,
}

#[test]
fn analysis_is_collected_from_the_fields_and_the_nested_types() {
    let m = Post::mapping().to_json();
    assert_eq!(m["properties"]["title"]["analyzer"], "folded");
    assert_eq!(m["properties"]["title"]["search_analyzer"], "standard");
    assert_eq!(m["properties"]["tag"]["normalizer"], "lower");
    assert_eq!(
        m["properties"]["comments"]["properties"]["text"]["analyzer"],
        "folded"
    );
    let body = Post::index().body();
    // A custom analyzer is written without `"type": "custom"` (the type Elasticsearch gives
    // an analyzer that names a tokenizer), as the generated types write every default tag.
    assert_eq!(
        body["settings"]["analysis"],
        json!({
            "analyzer": {
                "folded": {"tokenizer": "standard", "filter": ["lowercase", "asciifolding", "no_the"]},
                "trigram": {"tokenizer": "tri"}
            },
            "filter": {"no_the": {"type": "stop", "stopwords": ["the"]}},
            "normalizer": {"lower": {"filter": ["lowercase"]}},
            "tokenizer": {"tri": {"type": "ngram", "min_gram": 3, "max_gram": 3}}
        })
    );
    // One definition used by two fields (and a nested type) is defined once, not a conflict.
    assert!(Post::index().analysis().conflicts().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_definitions_under_one_name_are_refused_before_sending() {
    let other_folded = analyzer("folded").tokenizer("whitespace");
    let idx = Post::index().analyzer(&other_folded);
    let conflicts = idx.analysis().conflicts();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].section, "analyzer");
    let cluster = FakeCluster::start(1).unwrap();
    let c = Client::new(&cluster.url(0)).unwrap();
    for err in [
        idx.create(&c).send().await.unwrap_err(),
        idx.save(&c).send().await.unwrap_err(),
    ] {
        assert_eq!(err.kind(), ErrorKind::BadRequest);
        assert!(
            err.to_string()
                .contains("two different definitions of analyzer `folded`"),
            "{err}"
        );
    }
    assert!(cluster.requests().is_empty(), "nothing sent");
}

fn post(slug: &str, title: &str) -> Post {
    Post {
        slug: slug.into(),
        title: title.into(),
        tag: "News".into(),
        code: "abcdef".into(),
        comments: vec![Comment {
            text: "Café".into(),
        }],
    }
}

async fn tokens(idx: &Index, c: &Client, analyzer: &str, text: &str) -> Vec<String> {
    let r = idx
        .analyze(json!({"analyzer": analyzer, "text": text}), c)
        .send()
        .await
        .unwrap();
    r["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["token"].as_str().unwrap().to_string())
        .collect()
}

async fn manage(kind: EmulatorKind) {
    let emu = Emulator::start(kind).unwrap();
    let c = Client::new(emu.url()).unwrap();
    let server = format!("{kind:?}");
    let idx = Post::index();

    // init creates the index with the collected analysis; the analyzers work.
    Post::init(&c).send().await.unwrap();
    assert!(idx.exists(&c).send().await.unwrap());
    assert_eq!(
        tokens(&idx, &c, "folded", "The Café Crème").await,
        ["cafe", "creme"],
        "{server}"
    );
    assert_eq!(
        tokens(&idx, &c, "trigram", "abcd").await,
        ["abc", "bcd"],
        "{server}"
    );
    post("a", "The Café").save(&c).send().await.unwrap();
    idx.refresh(&c).send().await.unwrap();
    let found = Post::search()
        .query(Query::match_("title", "cafe"))
        .execute(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{server}: folded at index time");
    let by_tag = Post::search()
        .query(Query::term("tag", "NEWS"))
        .execute(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_tag.len(),
        1,
        "{server}: the normalizer lowercases the term too"
    );

    // init again: the same definition, nothing to change — no error.
    Post::init(&c).send().await.unwrap();

    // save: settings that differ are updated, new fields added to the mapping.
    let more = idx
        .clone()
        .setting("number_of_replicas", 0)
        .mapping(Mapping::new().field("views", Property::integer()));
    more.save(&c).send().await.unwrap();
    let settings = idx.get_settings(&c).send().await.unwrap();
    assert_eq!(
        settings[Post::INDEX]["settings"]["index"]["number_of_replicas"],
        "0",
        "{server}"
    );
    let mapping = idx.get_mapping(&c).send().await.unwrap();
    assert_eq!(
        mapping[Post::INDEX]["mappings"]["properties"]["views"]["type"],
        "integer"
    );

    // A changed analysis on an open index: refused with elasticsearch.dsl's error, before
    // anything is written.
    let changed = idx.clone().analyzer(
        &analyzer("shouty")
            .tokenizer("whitespace")
            .filter("uppercase"),
    );
    let err = changed.save(&c).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    let illegal = std::error::Error::source(&err)
        .and_then(|e| e.downcast_ref::<IllegalOperation>())
        .unwrap_or_else(|| panic!("{server}: {err:?}"));
    assert_eq!(illegal.index, Post::INDEX);
    assert!(
        illegal.reason.contains("analyzer `shouty`"),
        "{}",
        illegal.reason
    );
    assert!(illegal.reason.contains("close the index first"));

    // Closed: the analysis is sent (osmem-server takes it; noida-db 0.2.3 refuses analysis
    // changes even on a closed index, and its refusal comes back as the server's error).
    idx.close(&c).send().await.unwrap();
    assert!(idx.is_closed(&c).send().await.unwrap(), "{server}");
    let closed_save = changed.save(&c).send().await;
    idx.open(&c).send().await.unwrap();
    assert!(!idx.is_closed(&c).send().await.unwrap());
    match kind {
        EmulatorKind::Osmem => {
            closed_save.unwrap();
            assert_eq!(tokens(&idx, &c, "shouty", "a b").await, ["A", "B"]);
        }
        EmulatorKind::NoidaDb => {
            let err = closed_save.unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(400), "{err}");
            assert!(err.to_string().contains("non dynamic settings"), "{err}");
        }
    }

    // The other operations.
    idx.flush(&c).send().await.unwrap();
    idx.forcemerge(Some(1), &c).send().await.unwrap();
    let stats = idx.stats(&c).send().await.unwrap();
    assert!(stats["_all"].is_object(), "{server}: {stats}");
    let got = idx.get(&c).send().await.unwrap();
    assert!(got[Post::INDEX]["mappings"]["properties"]["title"].is_object());
    idx.put_alias("posts-now", json!({}), &c)
        .send()
        .await
        .unwrap();
    assert!(idx.exists_alias("posts-now", &c).send().await.unwrap());
    let aliases = idx.get_alias(&c).send().await.unwrap();
    assert!(aliases[Post::INDEX]["aliases"]["posts-now"].is_object());
    idx.delete_alias("posts-now", &c).send().await.unwrap();
    assert!(!idx.exists_alias("posts-now", &c).send().await.unwrap());

    // A composable template made from the index applies to new matching indices.
    let template = Index::new("unused")
        .document::<Post>()
        .setting("number_of_shards", 1)
        .as_template("dsl-posts-tpl", ["dsl-posts-*"])
        .priority(300);
    template.save(&c).send().await.unwrap();
    assert!(template.exists(&c).send().await.unwrap());
    let monthly = Index::new("dsl-posts-2026.12");
    monthly.create(&c).send().await.unwrap();
    let m = monthly.get_mapping(&c).send().await.unwrap();
    assert_eq!(
        m["dsl-posts-2026.12"]["mappings"]["properties"]["title"]["analyzer"], "folded",
        "{server}: the template's mapping"
    );
    assert_eq!(
        tokens(&monthly, &c, "folded", "Crème").await,
        ["creme"],
        "{server}"
    );
    template.delete(&c).send().await.unwrap();
    assert!(!template.exists(&c).send().await.unwrap());

    idx.delete(&c).send().await.unwrap();
    assert!(!idx.exists(&c).send().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_management_on_noida() {
    manage(EmulatorKind::NoidaDb).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn index_management_on_osmem() {
    manage(EmulatorKind::Osmem).await;
}

/// Data streams: neither emulator has them (noida-db: no handler; osmem-server: "not
/// supported"), so the requests are checked on the fake cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_streams_send_the_data_stream_apis() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.set_handler(|req| {
        let ok = Reply::json(200, json!({"acknowledged": true}));
        match (req.method.as_str(), req.path.as_str()) {
            ("PUT", "/_index_template/logs") | ("PUT", "/_data_stream/logs-app") => Some(ok),
            ("DELETE", "/_data_stream/logs-app") => Some(ok),
            ("GET", "/_data_stream/logs-app") => Some(Reply::json(
                200,
                json!({"data_streams": [{"name": "logs-app", "generation": 1,
                    "indices": [{"index_name": ".ds-logs-app-000001"}]}]}),
            )),
            ("POST", "/logs-app/_rollover") => Some(Reply::json(
                200,
                json!({"acknowledged": true, "new_index": ".ds-logs-app-000002"}),
            )),
            _ => None,
        }
    });
    let c = Client::new(&cluster.url(0)).unwrap();
    let logs = Index::new("logs").mapping(Mapping::new().field("@timestamp", Property::date()));
    logs.as_template("logs", ["logs-*"])
        .data_stream(true)
        .priority(500)
        .save(&c)
        .send()
        .await
        .unwrap();
    let sent: Value =
        serde_json::from_slice(&cluster.requests_to("/_index_template/logs")[0].decoded_body())
            .unwrap();
    assert_eq!(
        sent,
        json!({"index_patterns": ["logs-*"], "priority": 500, "data_stream": {},
               "template": {"mappings": {"properties": {"@timestamp": {"type": "date"}}}}})
    );
    let ds = DataStream::new("logs-app");
    ds.create(&c).send().await.unwrap();
    let state = ds.get(&c).send().await.unwrap();
    assert_eq!(state["data_streams"][0]["generation"], 1);
    let rolled = ds.rollover(&c).send().await.unwrap();
    assert_eq!(rolled["new_index"], ".ds-logs-app-000002");
    ds.delete(&c).send().await.unwrap();
    let methods: Vec<String> = cluster
        .requests_to("/_data_stream/logs-app")
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["PUT", "GET", "DELETE"]);
}

/// `save` on an open index whose stored analysis is the same definition as Elasticsearch
/// answers it (scalars as strings, `"type": "custom"` written out): no refusal, no settings
/// update, only the mapping sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_compares_analysis_as_the_server_stores_it() {
    let cluster = FakeCluster::start(1).unwrap();
    cluster.set_handler(|req| match (req.method.as_str(), req.path.as_str()) {
        ("HEAD", "/dsl-idx-posts") => Some(Reply::json(200, json!({}))),
        ("GET", "/dsl-idx-posts/_settings") => Some(Reply::json(200, json!({"dsl-idx-posts": {"settings": {"index": {
            "number_of_shards": "1",
            "analysis": {
                "analyzer": {
                    "folded": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "asciifolding", "no_the"]},
                    "trigram": {"type": "custom", "tokenizer": "tri"}
                },
                "filter": {"no_the": {"type": "stop", "stopwords": ["the"]}},
                "normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}},
                "tokenizer": {"tri": {"type": "ngram", "min_gram": "3", "max_gram": "3"}}
            }
        }}}}))),
        ("GET", "/_cat/indices/dsl-idx-posts") => Some(Reply::json(200, json!([{"index": "dsl-idx-posts", "status": "open"}]))),
        ("PUT", "/dsl-idx-posts/_mapping") => Some(Reply::json(200, json!({"acknowledged": true}))),
        _ => None,
    });
    let c = Client::new(&cluster.url(0)).unwrap();
    Post::index()
        .setting("number_of_shards", 1)
        .save(&c)
        .send()
        .await
        .unwrap();
    assert!(cluster
        .requests_to("/dsl-idx-posts/_settings")
        .iter()
        .all(|r| r.method == "GET"));
    assert_eq!(cluster.requests_to("/dsl-idx-posts/_mapping").len(), 1);
}
