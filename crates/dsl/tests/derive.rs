//! `#[derive(Document)]`: the mapping inferred from field types and attributes.

#![allow(clippy::unwrap_used)]

use es_dsl::{Document, DocumentOps};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Meta {
    source: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, es_dsl::InnerDoc)]
struct Comment {
    author: String,
    stars: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Document)]
#[document(index = "derived-articles")]
struct Article {
    #[document(id, keyword)]
    slug: String,
    #[document(analyzer = "english")]
    title: String,
    year: u32,
    rating: f64,
    votes: i16,
    published_flag: bool,
    #[document(date, format = "yyyy-MM-dd")]
    published: String,
    tags: Vec<String>,
    #[serde(rename = "authorName")]
    author: Option<String>,
    #[document(skip)]
    #[serde(skip)]
    cached: Option<String>,
    meta: Meta,
    #[document(nested)]
    comments: Vec<Comment>,
    // Any parameter of the type, checked against the specification at compile time.
    #[document(keyword, ignore_above = 64, doc_values = false, copy_to = "everything")]
    isbn: String,
    #[document(index_options = "offsets", term_vector = "with_positions_offsets", fields = std::collections::BTreeMap::new())]
    summary: String,
    #[document(type = "scaled_float", scaling_factor = 100)]
    price: f64,
    #[document(text, index_prefixes = es_dsl::es_types::mapping::TextIndexPrefixes::new().min_chars(1).max_chars(5))]
    blurb: String,
    #[document(dense_vector, dims = 3, similarity = "cosine")]
    embedding: Vec<f32>,
}

fn sample() -> Article {
    Article {
        slug: "dune".into(),
        title: "Dune".into(),
        year: 1965,
        rating: 4.5,
        votes: 12,
        published_flag: true,
        published: "1965-08-01".into(),
        tags: vec!["scifi".into()],
        author: Some("Frank Herbert".into()),
        cached: None,
        meta: Meta {
            source: "library".into(),
        },
        comments: vec![Comment {
            author: "ann".into(),
            stars: 5,
        }],
        isbn: "978-0441172719".into(),
        summary: "A desert planet".into(),
        price: 9.99,
        blurb: "Spice".into(),
        embedding: vec![0.1, 0.2, 0.3],
    }
}

#[test]
fn the_mapping_is_inferred_from_types_and_attributes() {
    assert_eq!(Article::INDEX, "derived-articles");
    assert_eq!(sample().id(), Some("dune".to_string()));
    let keyword_sub = json!({"keyword": {"type": "keyword", "ignore_above": 256}});
    assert_eq!(
        Article::mapping().to_json(),
        json!({"properties": {
            "slug": {"type": "keyword"},
            "title": {"type": "text", "analyzer": "english", "fields": keyword_sub},
            "year": {"type": "long"},
            "rating": {"type": "double"},
            "votes": {"type": "integer"},
            "published_flag": {"type": "boolean"},
            "published": {"type": "date", "format": "yyyy-MM-dd"},
            "tags": {"type": "text", "fields": keyword_sub},
            "authorName": {"type": "text", "fields": keyword_sub},
            // `object` is the default type: written without it, as Elasticsearch reads it.
            "meta": {},
            "comments": {"type": "nested", "properties": {
                "author": {"type": "text", "fields": keyword_sub},
                "stars": {"type": "integer"}
            }},
            "isbn": {"type": "keyword", "ignore_above": 64, "doc_values": false, "copy_to": "everything"},
            "summary": {"type": "text", "index_options": "offsets", "term_vector": "with_positions_offsets", "fields": {}},
            "price": {"type": "scaled_float", "scaling_factor": 100.0},
            "blurb": {"type": "text", "index_prefixes": {"min_chars": 1, "max_chars": 5}},
            "embedding": {"type": "dense_vector", "dims": 3, "similarity": "cosine"}
        }})
    );
}

#[test]
fn a_derived_document_round_trips_through_noida() {
    let emu = es_testkit::Emulator::start(es_testkit::EmulatorKind::NoidaDb).unwrap();
    let client = es_client::blocking::Client::new(emu.url()).unwrap();
    Article::init(&client).send().unwrap();
    sample().save(&client).send().unwrap();
    assert_eq!(
        Article::get("dune", &client)
            .send()
            .unwrap()
            .map(es_dsl::Doc::into_inner),
        Some(sample())
    );
    let mapping = client
        .indices()
        .get_mapping()
        .index(Article::INDEX)
        .send()
        .unwrap();
    // Read as JSON again: the test names the mapping as the server wrote it.
    let mappings = serde_json::to_value(&mapping[Article::INDEX].mappings).unwrap();
    let props = &mappings["properties"];
    assert_eq!(props["comments"]["properties"]["stars"]["type"], "integer");
    // A nested query written with the typed paths finds it.
    Article::index().refresh(&client).send().unwrap();
    let f = Article::fields();
    let nested = |author: &str| {
        let q = es_dsl::Query::term(&f.comments.author.keyword, author)
            & es_dsl::Query::range(&f.comments.stars).gte(4);
        Article::search().query(es_dsl::Query::nested(&f.comments, q))
    };
    let found = nested("ann").execute(&client).send().unwrap();
    assert_eq!(
        found
            .documents()
            .map(|a| a.slug.as_str())
            .collect::<Vec<_>>(),
        ["dune"]
    );
    assert!(nested("bob").execute(&client).send().unwrap().is_empty());
    assert_eq!(props["published"]["format"], "yyyy-MM-dd");
    assert_eq!(props["slug"]["type"], "keyword");
    assert_eq!(props["isbn"]["ignore_above"], 64);
    assert_eq!(props["price"]["type"], "scaled_float");
    let _ = Article::search();
}

#[test]
fn the_derive_gives_typed_field_paths() {
    use es_dsl::{Aggregation, Query, Search};
    let f = Article::fields();
    assert_eq!(&*f.slug, "slug");
    assert_eq!(&*f.title, "title");
    assert_eq!(f.title.keyword.as_str(), "title.keyword");
    assert_eq!(&*f.author, "authorName", "serde's rename is the path");
    assert_eq!(&*f.published, "published");
    // An inner document's fields under the field holding it.
    assert_eq!(&*f.comments, "comments");
    assert_eq!(&*f.comments.stars, "comments.stars");
    assert_eq!(
        f.comments.author.keyword.as_str(),
        "comments.author.keyword"
    );
    // Wherever a field name goes.
    let s = Search::<Article>::new()
        .query(Query::match_(&f.title, "dune") & Query::term(&f.slug, "x"))
        .sort(&f.year)
        .aggs("tags", Aggregation::terms(&f.tags.keyword));
    let body = s.to_json();
    assert_eq!(
        body["query"]["bool"]["must"][0]["match"]["title"]["query"],
        "dune"
    );
    assert_eq!(body["sort"][0]["year"]["order"], "asc");
    assert_eq!(body["aggs"]["tags"]["terms"]["field"], "tags.keyword");
}
