//! Documents with their metadata and concurrency control, against noida-db and osmem-server:
//! saved, fetched with metadata, updated partially, a concurrent change detected as a
//! conflict (never overwritten), `exists`, `mget` in each missing mode, deleted.

#![allow(clippy::unwrap_used)]

use es_client::{Client, ErrorKind, Refresh};
use es_dsl::{Document, DocumentOps, Mapping, Missing, Property, Update};
use es_testkit::{Emulator, EmulatorKind};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Book {
    isbn: String,
    title: String,
    #[serde(default)]
    views: u32,
}

impl Document for Book {
    const INDEX: &'static str = "dsl-books";
    fn mapping() -> Mapping {
        Mapping::new()
            .field("isbn", Property::keyword())
            .field("title", Property::text())
            .field("views", Property::integer())
    }
    fn id(&self) -> Option<String> {
        Some(self.isbn.clone())
    }
}

fn book(isbn: &str, title: &str) -> Book {
    Book {
        isbn: isbn.into(),
        title: title.into(),
        views: 0,
    }
}

async fn scenario(c: &Client, server: &str, scripts: bool) {
    Book::init(c).send().await.unwrap();
    let w = book("1", "Dune").save(c).send().await.unwrap();
    assert_eq!(w.id, "1", "{server}");
    book("2", "Emma").save(c).send().await.unwrap();

    // Fetched with its metadata.
    let mut dune = Book::get("1", c).send().await.unwrap().unwrap();
    assert_eq!(dune.title, "Dune", "{server}: the document through Deref");
    assert_eq!(dune.meta.index, Book::INDEX);
    assert_eq!(dune.meta.id.as_deref(), Some("1"));
    assert_eq!(dune.meta.seq_no, w.seq_no, "{server}");
    assert_eq!(dune.meta.primary_term, w.primary_term, "{server}");
    assert!(dune.meta.seq_no.is_some() && dune.meta.primary_term.is_some());
    assert!(Book::exists("1", c).send().await.unwrap());
    assert!(!Book::exists("404", c).send().await.unwrap());
    assert!(Book::get("404", c).send().await.unwrap().is_none());

    // Updated partially (fields, then a script); the stored document shows both.
    Book::update("1", Update::doc(&json!({"title": "Dune (1965)"})), c)
        .send()
        .await
        .unwrap();
    let script = Update::script("ctx._source.views += params.n", json!({"n": 2}));
    let scripted = Book::update("1", script.refresh(Refresh::True), c)
        .send()
        .await;
    if scripts {
        scripted.unwrap();
    } else {
        // osmem-server 0.1.6 answers `unsupported_operation_exception: update with script
        // is not supported by osmem`: a typed error, and the same change made with fields.
        assert_eq!(
            scripted.unwrap_err().kind(),
            ErrorKind::BadRequest,
            "{server}"
        );
        Book::update("1", Update::doc(&json!({"views": 2})), c)
            .send()
            .await
            .unwrap();
    }
    let now = Book::get("1", c).send().await.unwrap().unwrap();
    assert_eq!(
        (now.title.as_str(), now.views),
        ("Dune (1965)", 2),
        "{server}"
    );
    // An upsert creates the document that is not there.
    Book::update(
        "3",
        Update::doc(&book("3", "Ulysses")).doc_as_upsert(true),
        c,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(
        Book::get("3", c).send().await.unwrap().unwrap().title,
        "Ulysses"
    );

    // `dune` was read before those changes: writing it back is a conflict, nothing changes.
    dune.title = "stale".into();
    let err = dune.save(c).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{server}: {err}");
    let err = dune
        .update(Update::doc(&json!({"title": "stale"})), c)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{server}: {err}");
    let err = dune.delete(c).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{server}: {err}");
    assert_eq!(
        Book::get("1", c).send().await.unwrap().unwrap().title,
        "Dune (1965)",
        "{server}: not overwritten"
    );
    // Read again, the same change goes through, and the metadata moves on.
    let mut fresh = Book::get("1", c).send().await.unwrap().unwrap();
    fresh.title = "Dune".into();
    let before = fresh.meta.seq_no.unwrap();
    fresh.meta = fresh.save(c).send().await.unwrap();
    assert!(fresh.meta.seq_no.unwrap() > before, "{server}");

    // mget keeps the order; a missing id in each mode.
    let ids = ["2", "missing", "1"];
    let kept = Book::mget(ids, Missing::None, c).send().await.unwrap();
    let titles: Vec<Option<String>> = kept
        .iter()
        .map(|d| d.as_ref().map(|d| d.title.clone()))
        .collect();
    assert_eq!(
        titles,
        vec![Some("Emma".into()), None, Some("Dune".into())],
        "{server}"
    );
    assert_eq!(kept[2].as_ref().unwrap().meta.seq_no, fresh.meta.seq_no);
    let skipped = Book::mget(ids, Missing::Skip, c).send().await.unwrap();
    assert_eq!(skipped.len(), 2, "{server}");
    let err = Book::mget(ids, Missing::Error, c).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{server}");
    assert!(err.to_string().contains("missing"), "{err}");
    assert!(Book::mget(Vec::<String>::new(), Missing::Error, c)
        .send()
        .await
        .unwrap()
        .is_empty());

    // Deleted with concurrency control, then gone.
    assert!(fresh.delete(c).send().await.unwrap(), "{server}");
    assert!(!Book::exists("1", c).send().await.unwrap());
    assert!(!Book::delete("1", c).send().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_with_metadata_and_concurrency_control_on_noida() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    scenario(&Client::new(emu.url()).unwrap(), "noida-db", true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_with_metadata_and_concurrency_control_on_osmem() {
    let emu = Emulator::start(EmulatorKind::Osmem).unwrap();
    scenario(&Client::new(emu.url()).unwrap(), "osmem-server", false).await;
}

/// The blocking flavour runs the same operations (one definition for both).
#[test]
fn documents_blocking() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = es_client::blocking::Client::new(emu.url()).unwrap();
    Book::init(&c).send().unwrap();
    book("9", "Nine").save(&c).send().unwrap();
    let d = Book::get("9", &c).send().unwrap().unwrap();
    assert!(d.meta.seq_no.is_some());
    let m = d
        .update(Update::doc(&json!({"views": 5})), &c)
        .send()
        .unwrap();
    assert!(m.seq_no > d.meta.seq_no);
    assert_eq!(Book::get("9", &c).send().unwrap().unwrap().views, 5);
    assert!(Book::exists("9", &c).send().unwrap());
    // A `Doc` built by hand: the type's index and the document's own id, no version check.
    let fresh = es_dsl::Doc {
        meta: es_dsl::Meta::default(),
        source: book("10", "Ten"),
    };
    let meta = fresh.save(&c).send().unwrap();
    assert_eq!(
        (meta.index.as_str(), meta.id.as_deref()),
        (Book::INDEX, Some("10"))
    );
}

/// A hit that does not fit the document type is an error naming the hit and the field, or,
/// opt-in, kept as JSON beside the typed hits; the response's metadata is read.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hits_that_do_not_fit_are_named_or_kept() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    for (id, doc) in [
        ("ok1", json!({"isbn": "ok1", "title": "Fine", "views": 1})),
        ("bad", json!({"isbn": 5, "title": "Numbered", "views": 2})),
        (
            "ok2",
            json!({"isbn": "ok2", "title": "Also fine", "views": 3}),
        ),
    ] {
        c.index("dsl-mixed")
            .id(id)
            .document(&doc)
            .send()
            .await
            .unwrap();
    }
    c.indices()
        .refresh()
        .index("dsl-mixed")
        .send()
        .await
        .unwrap();
    let s = es_dsl::Search::<Book>::new()
        .index("dsl-mixed")
        .sort("views")
        .extra("seq_no_primary_term", true)
        .extra("version", true);

    let err = s.execute(&c).send().await.unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("hit `bad` in `dsl-mixed`: isbn: invalid type: integer `5`"),
        "{msg}"
    );
    let typed = err.downcast_ref::<es_dsl::UnreadableHits>().unwrap();
    assert_eq!(typed.hits.len(), 1);

    let r = s
        .clone()
        .keep_unreadable_hits(true)
        .execute(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(
        r.documents().map(|b| b.isbn.as_str()).collect::<Vec<_>>(),
        ["ok1", "ok2"]
    );
    assert_eq!(r.unreadable.len(), 1);
    assert_eq!(r.unreadable[0].id.as_deref(), Some("bad"));
    assert_eq!(r.unreadable[0].source["isbn"], json!(5));
    // The metadata of the answer and of each hit.
    assert!(r.success());
    assert_eq!(
        r.total.as_ref().map(|t| (t.value, t.relation.as_str())),
        Some((3, "eq"))
    );
    let h = &r.hits[0];
    assert_eq!(
        (h.index.as_str(), h.id.as_deref()),
        ("dsl-mixed", Some("ok1"))
    );
    assert!(h.seq_no.is_some() && h.primary_term.is_some(), "{h:?}");
    assert_eq!(h.version, Some(1));

    // Query parameters travel as such (`q`: a query-string search in the URL), and paging.
    let one = s
        .clone()
        .keep_unreadable_hits(true)
        .param("q", "isbn:ok2")
        .execute(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(
        one.documents().map(|b| b.isbn.as_str()).collect::<Vec<_>>(),
        ["ok2"]
    );
    // Page by page with search_after from the previous answer.
    let good = s.clone().exclude(es_dsl::Query::term("isbn", "5")).size(1);
    let p1 = good.execute(&c).send().await.unwrap();
    let p2 = good
        .clone()
        .after(&p1)
        .unwrap()
        .execute(&c)
        .send()
        .await
        .unwrap();
    let p3 = good
        .clone()
        .after(&p2)
        .unwrap()
        .execute(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(p1.hits[0].id.as_deref(), Some("ok1"));
    assert_eq!(p2.hits[0].id.as_deref(), Some("ok2"));
    assert!(p3.is_empty());
    assert!(
        good.clone().after(&p3).is_none(),
        "nothing after the last page"
    );
    let unsorted = es_dsl::Search::<Book>::new()
        .index("dsl-mixed")
        .exclude(es_dsl::Query::term("isbn", "5"));
    let r = unsorted.execute(&c).send().await.unwrap();
    assert!(
        unsorted.after(&r).is_none(),
        "no sort values: no page to ask for"
    );
    let page = s
        .keep_unreadable_hits(true)
        .slice(2..)
        .execute(&c)
        .send()
        .await
        .unwrap();
    assert_eq!(
        page.documents()
            .map(|b| b.isbn.as_str())
            .collect::<Vec<_>>(),
        ["ok2"]
    );
}

/// `iterate`: 5,000 documents through a point in time, in the search's order, pages of the
/// search's size; the point in time is closed (checked on the fake cluster, which records it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn iterate_reads_everything_through_a_point_in_time_and_closes_it() {
    use futures_util::StreamExt;
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    Book::init(&c).send().await.unwrap();
    let books: Vec<Book> = (0..5000)
        .map(|i| Book {
            isbn: format!("{i:05}"),
            title: format!("book {i}"),
            views: i,
        })
        .collect();
    let actions = books
        .iter()
        .map(|b| es_helpers::Action::index(es_helpers::Json(b.clone())).id(b.isbn.clone()));
    let opts = es_helpers::BulkOptions::default().index(Book::INDEX);
    let summary = es_helpers::bulk(&c, es_helpers::iter(actions), opts)
        .send()
        .await
        .unwrap();
    assert_eq!(summary.ok, 5000);
    Book::index().refresh(&c).send().await.unwrap();
    let views: Vec<u32> = Book::search()
        .sort("-views")
        .size(700)
        .iterate(&c)
        .send()
        .map(|h| h.unwrap().source.unwrap().views)
        .collect()
        .await;
    assert_eq!(views.len(), 5000);
    assert_eq!(
        views,
        (0..5000).rev().collect::<Vec<u32>>(),
        "in the search's order"
    );

    // The requests: one point in time opened, pages of the search's size with its sort, closed.
    let cluster = es_testkit::FakeCluster::start(1).unwrap();
    let pages = std::sync::Arc::new(std::sync::Mutex::new(Vec::<serde_json::Value>::new()));
    let seen = pages.clone();
    cluster.set_handler(move |req| match (req.method.as_str(), req.path.as_str()) {
        ("POST", "/dsl-books/_pit") => Some(es_testkit::Reply::json(200, json!({"id": "p1"}))),
        ("POST", "/_search") => {
            let body: serde_json::Value = serde_json::from_slice(&req.decoded_body()).unwrap();
            seen.lock().unwrap().push(body.clone());
            let hits = if body.get("search_after").is_none() {
                json!([{"_index": "dsl-books", "_id": "1", "_source": {"isbn": "1", "title": "t", "views": 9}, "sort": [9, 0]}])
            } else {
                json!([])
            };
            Some(es_testkit::Reply::json(200, json!({"took": 1, "hits": {"hits": hits}})))
        }
        ("DELETE", "/_pit") => Some(es_testkit::Reply::json(200, json!({"succeeded": true}))),
        _ => None,
    });
    let fake = Client::new(&cluster.url(0)).unwrap();
    let n = Book::search()
        .sort("-views")
        .size(50)
        .iterate(&fake)
        .send()
        .count()
        .await;
    assert_eq!(n, 1);
    let pages = pages.lock().unwrap().clone();
    assert_eq!(pages[0]["size"], 50);
    assert_eq!(
        pages[0]["sort"],
        json!([{"views": {"order": "desc"}}, {"_shard_doc": "asc"}])
    );
    assert_eq!(pages[1]["search_after"], json!([9, 0]));
    assert_eq!(cluster.requests_to("/_pit").len(), 1, "closed");
}

/// An update by query: the query built as for a search, a script with params, query
/// parameters; the typed answer, and the documents changed (only the matching ones).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn update_by_query_changes_the_matching_documents() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    Book::init(&c).send().await.unwrap();
    for i in 0..10 {
        let b = Book {
            isbn: format!("u{i}"),
            title: if i % 2 == 0 { "even" } else { "odd" }.into(),
            views: i,
        };
        b.save(&c).send().await.unwrap();
    }
    Book::index().refresh(&c).send().await.unwrap();
    let u = es_dsl::UpdateByQuery::new()
        .index(Book::INDEX)
        .filter(es_dsl::Query::match_("title", "even"))
        .exclude(es_dsl::Query::term("isbn", "u0"))
        .script("ctx._source.views += params.n", json!({"n": 100}))
        .param("refresh", true)
        .param("conflicts", "proceed");
    let r = u.execute(&c).send().await.unwrap();
    assert!(r.success(), "{r:?}");
    assert_eq!((r.total, r.updated), (4, 4), "{r:?}");
    for i in 0..10u32 {
        let d = Book::get(&format!("u{i}"), &c)
            .send()
            .await
            .unwrap()
            .unwrap();
        let changed = i % 2 == 0 && i != 0;
        assert_eq!(d.views, if changed { i + 100 } else { i }, "u{i}");
    }
}

/// A multi-search: one request, a typed result per search in order, a refused one as an
/// `Err` in its place; on both servers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_search_answers_each_search_in_its_place() {
    use es_dsl::{Aggregation, MultiSearch, Query, Search};
    for kind in [EmulatorKind::NoidaDb, EmulatorKind::Osmem] {
        let emu = Emulator::start(kind).unwrap();
        let c = Client::new(emu.url()).unwrap();
        Book::init(&c).send().await.unwrap();
        for (i, t) in ["Dune", "Emma", "Dune Messiah"].iter().enumerate() {
            let b = Book {
                isbn: i.to_string(),
                title: t.to_string(),
                views: i as u32,
            };
            b.save(&c).send().await.unwrap();
        }
        Book::index().refresh(&c).send().await.unwrap();
        let ms = MultiSearch::<Book>::new()
            .index(Book::INDEX)
            .add(
                Search::new()
                    .query(Query::match_("title", "dune"))
                    .sort("views"),
            )
            .add(Search::new().index("no-such-index"))
            .add(
                Search::new()
                    .size(0)
                    .aggs("most", Aggregation::max("views")),
            );
        let r = ms.execute(&c).send().await.unwrap();
        assert_eq!(r.len(), 3, "{kind:?}");
        let dune = r[0].as_ref().unwrap();
        assert_eq!(
            dune.documents()
                .map(|b| b.title.as_str())
                .collect::<Vec<_>>(),
            ["Dune", "Dune Messiah"],
            "{kind:?}"
        );
        let err = r[1].as_ref().unwrap_err();
        assert_eq!(err.kind(), ErrorKind::NotFound, "{kind:?}: {err}");
        let most = r[2].as_ref().unwrap();
        assert_eq!(most.aggs.value("most").unwrap(), Some(2.0), "{kind:?}");
        assert!(MultiSearch::<Book>::new()
            .execute(&c)
            .send()
            .await
            .unwrap()
            .is_empty());
    }
}

/// A per-document index (time-based names) and a validation hook run before every save.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct LogLine {
    month: String,
    message: String,
}

impl Document for LogLine {
    const INDEX: &'static str = "dsl-logs-*";
    fn index_name(&self) -> std::borrow::Cow<'static, str> {
        format!("dsl-logs-{}", self.month).into()
    }
    fn validate(&self) -> Result<(), String> {
        if self.message.is_empty() {
            return Err("message is empty".into());
        }
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_choose_their_index_and_are_validated_before_saving() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    for (m, msg) in [("2026.11", "a"), ("2026.12", "b"), ("2026.12", "c")] {
        let w = LogLine {
            month: m.into(),
            message: msg.into(),
        }
        .save(&c)
        .send()
        .await
        .unwrap();
        assert_eq!(w.index, format!("dsl-logs-{m}"));
    }
    c.indices()
        .refresh()
        .index("dsl-logs-*")
        .send()
        .await
        .unwrap();
    // Searches go through the pattern.
    assert_eq!(LogLine::search().count(&c).send().await.unwrap(), 3);
    let bad = LogLine {
        month: "2026.12".into(),
        message: String::new(),
    };
    let err = bad.save(&c).send().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::BadRequest);
    assert_eq!(
        err.to_string(),
        "invalid document for `dsl-logs-2026.12`: message is empty"
    );
    let typed = err.downcast_ref::<es_dsl::InvalidDocument>().unwrap();
    assert_eq!(typed.reason, "message is empty");
    // A document read back updates and deletes in its own index, not the pattern.
    let hits = LogLine::search().execute(&c).send().await.unwrap();
    let id = hits
        .hits
        .iter()
        .find(|h| h.index == "dsl-logs-2026.11")
        .unwrap()
        .id
        .clone()
        .unwrap();
    let got = c.get("dsl-logs-2026.11", &id).send().await.unwrap();
    assert!(got.found);
    let meta = es_dsl::Meta {
        index: "dsl-logs-2026.11".into(),
        id: Some(id.clone()),
        ..Default::default()
    };
    let doc = es_dsl::Doc {
        meta,
        source: LogLine {
            month: "2026.11".into(),
            message: "a".into(),
        },
    };
    doc.update(Update::doc(&json!({"message": "a2"})), &c)
        .send()
        .await
        .unwrap();
    let got = c.get("dsl-logs-2026.11", &id).send().await.unwrap();
    assert_eq!(got.source.unwrap()["message"], "a2");
    // Nothing was sent.
    c.indices()
        .refresh()
        .index("dsl-logs-*")
        .send()
        .await
        .unwrap();
    assert_eq!(LogLine::search().count(&c).send().await.unwrap(), 3);
}

/// A faceted search: the text query, facet counts with the other facets' selections applied,
/// selections as a post_filter on the hits, `selected` flags; terms, range, histogram and
/// date-histogram facets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_faceted_search_counts_each_facet_under_the_other_selections() {
    use es_dsl::{Facet, FacetedSearch};
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    let mapping = json!({"mappings": {"properties": {
        "title": {"type": "text"}, "tag": {"type": "keyword"},
        "pages": {"type": "integer"}, "published": {"type": "date"}
    }}});
    c.indices()
        .create("dsl-facets")
        .body(&mapping)
        .send()
        .await
        .unwrap();
    let docs = [
        ("a", "rust", 120, "2021-03-01"),
        ("b", "rust", 450, "2022-05-01"),
        ("c", "python", 90, "2021-07-01"),
        ("d", "python", 300, "2022-01-10"),
        ("e", "go", 500, "2022-09-09"),
    ];
    for (id, tag, pages, date) in docs {
        let doc = json!({"title": format!("a book about {tag}"), "tag": tag, "pages": pages, "published": date});
        c.index("dsl-facets")
            .id(id)
            .document(&doc)
            .send()
            .await
            .unwrap();
    }
    c.indices()
        .refresh()
        .index("dsl-facets")
        .send()
        .await
        .unwrap();
    let fs = FacetedSearch::<serde_json::Value>::new()
        .index("dsl-facets")
        .fields(["title"])
        .text("book")
        .facet("tag", Facet::terms("tag"))
        .facet(
            "length",
            Facet::range(
                "pages",
                &[("short", None, Some(200.0)), ("long", Some(200.0), None)],
            ),
        )
        .facet("hundreds", Facet::histogram("pages", 100.0))
        .facet("year", Facet::date_histogram("published", "year"));

    // Nothing selected: every document, every count.
    let all = fs.execute(&c).send().await.unwrap();
    assert_eq!(all.result.len(), 5);
    let counts =
        |r: &es_dsl::FacetedResult<serde_json::Value>, f: &str| -> Vec<(String, i64, bool)> {
            r.facets[f]
                .iter()
                .map(|v| (v.label.clone(), v.count, v.selected))
                .collect()
        };
    let mut tags = counts(&all, "tag");
    tags.sort();
    assert_eq!(
        tags,
        [
            ("go".into(), 1, false),
            ("python".into(), 2, false),
            ("rust".into(), 2, false)
        ]
    );
    assert_eq!(
        counts(&all, "length"),
        [("short".into(), 2, false), ("long".into(), 3, false)]
    );

    // Select rust and long: the hits have both; each facet counts under the other selection.
    let picked = fs
        .clone()
        .select("tag", "rust")
        .select("length", "long")
        .execute(&c)
        .send()
        .await
        .unwrap();
    let ids: Vec<&str> = picked
        .result
        .hits
        .iter()
        .filter_map(|h| h.id.as_deref())
        .collect();
    assert_eq!(ids, ["b"]);
    let mut tags = counts(&picked, "tag");
    tags.sort();
    // Tags among the long books: rust 1 (b), python 1 (d), go 1 (e); rust selected.
    assert_eq!(
        tags,
        [
            ("go".into(), 1, false),
            ("python".into(), 1, false),
            ("rust".into(), 1, true)
        ]
    );
    // Lengths among the rust books: short 1 (a), long 1 (b); long selected.
    assert_eq!(
        counts(&picked, "length"),
        [("short".into(), 1, false), ("long".into(), 1, true)]
    );

    // Histogram and date-histogram values select by their keys.
    let y2021 = all.facets["year"]
        .iter()
        .find(|v| v.label.starts_with("2021"))
        .unwrap();
    assert_eq!(y2021.count, 2);
    let by_year = fs
        .clone()
        .select("year", y2021.key.clone())
        .execute(&c)
        .send()
        .await
        .unwrap();
    let mut ids: Vec<&str> = by_year
        .result
        .hits
        .iter()
        .filter_map(|h| h.id.as_deref())
        .collect();
    ids.sort();
    assert_eq!(ids, ["a", "c"]);
    assert!(by_year.facets["year"]
        .iter()
        .any(|v| v.selected && v.count == 2));
    let by_hundreds = fs.select("hundreds", 400).execute(&c).send().await.unwrap();
    let ids: Vec<&str> = by_hundreds
        .result
        .hits
        .iter()
        .filter_map(|h| h.id.as_deref())
        .collect();
    assert_eq!(ids, ["b"]);
}

/// Options on writes: refresh (searchable at once), create-only (a conflict when the id
/// exists), routing and timeout sent as parameters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_take_options() {
    use es_dsl::WriteOptions;
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    Book::init(&c).send().await.unwrap();
    let now = WriteOptions::new().refresh(Refresh::True).timeout("30s");
    book("o1", "One")
        .save_with(now.clone(), &c)
        .send()
        .await
        .unwrap();
    assert_eq!(
        Book::search().count(&c).send().await.unwrap(),
        1,
        "refreshed"
    );
    let create = WriteOptions::new().create(true);
    let err = book("o1", "Again")
        .save_with(create.clone(), &c)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Conflict, "{err}");
    assert_eq!(
        Book::get("o1", &c).send().await.unwrap().unwrap().title,
        "One"
    );
    book("o2", "Two")
        .save_with(create.routing("r1"), &c)
        .send()
        .await
        .unwrap();
    let two = Book::get("o2", &c).send().await.unwrap().unwrap();
    assert_eq!(
        two.meta.routing.as_deref(),
        Some("r1"),
        "stored with its routing"
    );
    // Reads take options too: routing, realtime, another index.
    let read = es_dsl::ReadOptions::new().routing("r1");
    let again = Book::get_with("o2", read.clone(), &c).send().await.unwrap();
    assert_eq!(again.unwrap().meta.routing.as_deref(), Some("r1"));
    assert!(Book::exists_with("o2", read.clone(), &c)
        .send()
        .await
        .unwrap());
    // Not refreshed since it was written: a non-realtime read does not see it yet.
    let searched = read.realtime(false);
    let unseen = Book::get_with("o2", searched.clone(), &c)
        .send()
        .await
        .unwrap();
    assert!(unseen.is_none(), "realtime=false before a refresh");
    let seen = Book::get_with("o2", searched.refresh(true), &c)
        .send()
        .await
        .unwrap();
    assert!(seen.is_some(), "refresh=true makes it visible");
    let elsewhere = es_dsl::ReadOptions::new().index("dsl-books-elsewhere");
    let err = Book::get_with("o2", elsewhere, &c).send().await;
    assert!(
        matches!(err, Ok(None))
            || err
                .as_ref()
                .is_err_and(|e| e.status().map(|s| s.as_u16()) == Some(404)),
        "read from the other index: {err:?}"
    );
    assert!(two.delete_with(now, &c).send().await.unwrap());
    assert_eq!(
        Book::search().count(&c).send().await.unwrap(),
        1,
        "refreshed"
    );

    // What a read sends, as recorded by the fake cluster.
    let cluster = es_testkit::FakeCluster::start(1).unwrap();
    cluster.set_handler(|req| {
        req.path.starts_with("/logs-2026.11/_doc/").then(|| {
            es_testkit::Reply::json(
                200,
                json!({"_index": "logs-2026.11", "_id": "7", "found": true,
                "_routing": "u1", "_seq_no": 3, "_primary_term": 1,
                "_source": {"isbn": "7", "title": "Seven"}}),
            )
        })
    });
    let fake = Client::new(&cluster.url(0)).unwrap();
    let read = es_dsl::ReadOptions::new()
        .index("logs-2026.11")
        .routing("u1")
        .preference("_local")
        .refresh(true);
    let seven = Book::get_with("7", read, &fake)
        .send()
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (seven.meta.index.as_str(), seven.meta.seq_no),
        ("logs-2026.11", Some(3))
    );
    let sent = cluster.requests_to("/logs-2026.11/_doc/7");
    assert_eq!(
        sent[0].query.as_deref(),
        Some("routing=u1&preference=_local&refresh=true")
    );
}

/// A time-based document type on its own connection (a registry alias).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Event {
    id: u32,
    month: String,
    n: u32,
}

impl Document for Event {
    const INDEX: &'static str = "dsl-events-*";
    fn id(&self) -> Option<String> {
        Some(self.id.to_string())
    }
    fn index_name(&self) -> std::borrow::Cow<'static, str> {
        format!("dsl-events-{}", self.month).into()
    }
    fn using() -> es_dsl::Using {
        "events".into()
    }
}

/// Bulk through the type: each document to its own index under its id, on the type's
/// connection; fetched documents written back guarded, so one changed meanwhile is that
/// item's 409 and the others are written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_go_through_the_bulk_helper() {
    let emu = Emulator::start(EmulatorKind::NoidaDb).unwrap();
    let c = Client::new(emu.url()).unwrap();
    let registry = es_dsl::Connections::<es_client::Async>::new();
    registry.add_connection("events", c.clone());
    let events: Vec<Event> = (0..300)
        .map(|i| Event {
            id: i,
            month: if i % 3 == 0 { "2026.11" } else { "2026.12" }.into(),
            n: 0,
        })
        .collect();
    let opts = es_helpers::BulkOptions::default()
        .chunk_size(100)
        .refresh(Refresh::True);
    let summary = Event::bulk(events.clone(), opts.clone(), &registry)
        .send()
        .await
        .unwrap();
    assert_eq!((summary.total, summary.ok, summary.requests), (300, 300, 3));
    for (index, n) in [("dsl-events-2026.11", 100), ("dsl-events-2026.12", 200)] {
        let counted = c.count().index(index).send().await.unwrap().count;
        assert_eq!(counted, n, "{index}");
    }
    let first: es_dsl::Doc<Event> = Event::get_with(
        "3",
        es_dsl::ReadOptions::new().index("dsl-events-2026.11"),
        &c,
    )
    .send()
    .await
    .unwrap()
    .unwrap();
    assert_eq!(first.n, 0);

    // Read three, change one of them behind their back, write all three back guarded.
    let read = Event::search()
        .query(es_dsl::Query::terms("id", [3, 6, 9]))
        .sort("id")
        .extra("seq_no_primary_term", true)
        .execute(&c)
        .send()
        .await
        .unwrap();
    let mut docs: Vec<es_dsl::Doc<Event>> = Vec::new();
    for h in read.hits {
        let mut d = es_dsl::Doc::from_hit(h).unwrap();
        assert!(
            d.meta.seq_no.is_some(),
            "search asked for seq_no_primary_term"
        );
        d.n = 1;
        docs.push(d);
    }
    assert_eq!(docs.len(), 3);
    c.update("dsl-events-2026.11", "6")
        .body(&json!({"doc": {"n": 99}}))
        .send()
        .await
        .unwrap();
    let actions = docs.into_iter().map(es_dsl::Doc::to_action);
    let err = es_helpers::bulk(&c, es_helpers::iter(actions), opts)
        .send()
        .await
        .unwrap_err();
    let es_helpers::BulkError::Items { summary, .. } = err else {
        panic!("{err:?}")
    };
    assert_eq!(summary.ok, 2);
    assert_eq!(summary.failed.len(), 1);
    assert_eq!(summary.failed[0].id.as_deref(), Some("6"));
    assert_eq!(summary.failed[0].status, 409);
    let six = c.get("dsl-events-2026.11", "6").send().await.unwrap();
    assert_eq!(six.source.unwrap()["n"], 99, "not overwritten");
    let three = c.get("dsl-events-2026.11", "3").send().await.unwrap();
    assert_eq!(three.source.unwrap()["n"], 1);
}
