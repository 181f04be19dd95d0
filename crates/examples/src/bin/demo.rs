//! The README demo: index a few documents, search them, print the hits.
//!
//! Uses the connection registry: the default alias comes from `ELASTICSEARCH_URL` (with
//! `ELASTIC_API_KEY` if set) or, when it is not set, from a local noida-db emulator that the
//! demo installs, starts and stops itself.

use es_client::Refresh;
use es_connections::{connections, ConnectionConfig};
use es_testkit::{Emulator, EmulatorKind};
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Debug, Serialize, Deserialize)]
struct Article {
    title: String,
    body: String,
    year: u32,
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("demo failed: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // The default alias comes from ELASTICSEARCH_URL / ELASTIC_API_KEY when they are set...
    let _emulator = if connections().configure_default_from_env() {
        None
    } else {
        // ...otherwise from a local emulator this demo starts (and stops when it ends).
        println!("ELASTICSEARCH_URL is not set: starting a local noida-db emulator...");
        let emu = Emulator::start(EmulatorKind::NoidaDb)?;
        connections().create_connection(None, ConnectionConfig::new([emu.url()]))?;
        Some(emu)
    };
    // Every operation below names its connection through `Using` (here: the default alias).
    let client = es_connections::client("default")?;
    let url = client.transport().nodes()[0].base_url().to_string();

    let info = client.info().send().await?;
    println!(
        "connected to {url}: {} {} ({})",
        info.cluster_name, info.version.number, info.name
    );

    let index = "es-rs-demo-articles";
    client
        .indices()
        .delete(index)
        .ignore(404)
        .send_raw()
        .await?;
    let articles = [
        (
            "Rust and Elasticsearch",
            "A typed client with async and blocking flavours.",
            2026,
        ),
        (
            "Sniffing explained",
            "How a client discovers the nodes of a cluster.",
            2025,
        ),
        (
            "Bulk at the speed limit",
            "Streaming bulk indexing with bounded memory.",
            2026,
        ),
    ];
    for (i, (title, body, year)) in articles.iter().enumerate() {
        let doc = Article {
            title: title.to_string(),
            body: body.to_string(),
            year: *year,
        };
        let w = client
            .index(index)
            .id(format!("{}", i + 1))
            .document(&doc)
            .send()
            .await?;
        println!("indexed {}/{} ({:?})", w.index, w.id, w.result);
    }
    client.indices().refresh().index(index).send().await?;

    let query = json!({"query": {"match": {"body": "client"}}});
    let res = client
        .search()
        .index(index)
        .body(&query)
        .json::<es_client::types::SearchResponse<Article>>()
        .await?;
    println!(
        "search {query} -> {} hit(s) in {} ms",
        res.hits.total.map_or(0, |t| t.value),
        res.took
    );
    for hit in &res.hits.hits {
        if let Some(a) = &hit.source {
            println!(
                "  [{:.3}] {} ({}) - {}",
                hit.score.unwrap_or(0.0),
                a.title,
                a.year,
                a.body
            );
        }
    }
    let recent = client
        .search()
        .index(index)
        .body(&json!({"query": {"term": {"year": 2026}}}))
        .send()
        .await?;
    println!(
        "articles from 2026: {}",
        recent.hits.total.map_or(0, |t| t.value)
    );

    client
        .delete(index, "2")
        .refresh(Refresh::True)
        .send()
        .await?;
    client.indices().delete(index).send().await?;
    println!("cleaned up index {index}");
    Ok(())
}
