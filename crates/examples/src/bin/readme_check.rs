#![allow(unused, clippy::all, missing_docs)]
#[rustfmt::skip]
mod snippet0 {
use es_client::{Client, Refresh};
use serde_json::json;

async fn demo() -> Result<(), es_client::Error> {
let client = Client::builder()
    .hosts(["https://es1.example.com:9200", "https://es2.example.com:9200"])
    .api_key("base64key")                 // or .api_key(("id", "key")), .basic_auth(u, p), ...
    .sniff_on_start(true)
    .build()?;
client.index("books").id("1").document(&json!({"title": "Dune"})).refresh(Refresh::True).send().await?;
let res = client.search().index("books").body(&json!({"query": {"match": {"title": "dune"}}})).send().await?;
println!("{} hits", res.hits.total.map_or(0, |t| t.value));
Ok(()) }

}
#[rustfmt::skip]
mod snippet1 {
async fn demo(client: es_client::Client) -> Result<(), es_client::Error> {
use es_client::{ExpandWildcard, Refresh};
client.indices().create("books").body(&serde_json::json!({"settings": {"number_of_shards": 1}})).send().await?;
client.index("books").id("1").document(&serde_json::json!({"title": "Dune"})).refresh(Refresh::WaitFor).send().await?;
let n = client.count().index("books").expand_wildcards([ExpandWildcard::Open]).send().await?.count;
Ok(()) }

}
#[rustfmt::skip]
mod snippet2 {
use es_connections::UseConnection;
use es_dsl::{Aggregation, Document, DocumentOps, Query};
#[derive(serde::Serialize, serde::Deserialize, Document)]
#[document(index = "articles")]
struct Article {
    #[document(id, keyword)]
    slug: String,
    #[document(analyzer = "english")]
    title: String, // text + keyword subfield
    year: u32,     // long
}
async fn demo(client: es_client::Client) -> Result<(), Box<dyn std::error::Error>> {
Article::init(&client).send().await?;
Article { slug: "dune".into(), title: "Dune".into(), year: 1965 }.save(&client).send().await?;
let search = Article::search()
    .query(Query::match_("title", "dune") & Query::range("year").lt(2000))
    .aggs("per_year", Aggregation::terms("year").sub("pages", Aggregation::stats("pages")));
let found = search.execute(&client).send().await?;
for year in found.aggs.buckets("per_year")?.unwrap_or_default() {
    let pages: Option<&es_dsl::es_types::aggregations::StatsAggregate> = year.aggs.get_as("pages")?;
    println!("{}: {} articles, {:?} pages at most", year.key_str(), year.doc_count, pages.and_then(|p| p.max));
}
Ok(()) }

}
#[rustfmt::skip]
mod snippet3 {
use es_dsl::{Query, Search, UseConnection};
fn demo() -> Result<(), es_client::Error> {
let search = Search::<serde_json::Value>::new().index("articles").query(Query::match_("title", "dune"));
let found = search.using("default").execute(es_connections::blocking::connections()).send()?;
Ok(()) }

}
#[rustfmt::skip]
mod snippet4 {
use es_dsl::esql::{col, f, Esql};
async fn demo(client: es_client::Client, name: &str) -> Result<(), es_client::Error> {
#[derive(serde::Deserialize)] struct Row { host: String, errors: u64 }
let q = Esql::from(["logs-*"])
    .where_(col("user.name").eq(name) & col("level").eq("ERROR"))
    .stats([("errors", f::count_all())])
    .by(["host"])
    .sort([col("errors").desc()])
    .limit(10);
// FROM logs-* | WHERE user.name == ?1 AND level == ?2 | STATS errors = COUNT(*) BY host | ...
let rows: Vec<Row> = q.execute(&client).send().await?.rows_as()?;
Ok(()) }

}
#[rustfmt::skip]
mod snippet5 {
use es_helpers::{bulk, scan, Action, BulkOptions, Json, ScanOptions};
use futures_util::StreamExt;
#[derive(serde::Serialize, serde::Deserialize)] struct Log { msg: String }
async fn demo(client: es_client::Client, logs: Vec<Log>) -> Result<(), Box<dyn std::error::Error>> {
let actions = es_helpers::iter(logs.into_iter().map(|l| Action::index(Json(l))));
let summary = bulk(&client, actions, BulkOptions::default().index("logs").max_in_flight(2)).send().await?;
let mut hits = scan::<_, serde_json::Value>(&client, "logs", serde_json::json!({}), ScanOptions::default().point_in_time()).send();
while let Some(hit) = hits.next().await { let _ = hit?; }  // a Stream; an Iterator with a blocking client
Ok(()) }

}
#[rustfmt::skip]
mod snippet6 {
use es_connections::{connections, ConnectionConfig, HealthCheck, UseConnection};
async fn demo() -> Result<(), Box<dyn std::error::Error>> {
connections().configure([
    ("default", ConnectionConfig::new(["https://localhost:9200"])),
    ("dev", ConnectionConfig::new(["https://esdev1.example.com:9200"]).sniff_on_start(true)),
]);                                                    // nothing is built or sent yet
let dev = es_connections::client("dev")?;             // built on first use
let report = HealthCheck::new().using("dev").run(connections()).send().await?;   // `using` = alias or client
Ok(()) }

}
fn main() {}
