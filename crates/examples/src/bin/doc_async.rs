//! Seed: the async snippet — two async connections (`async_default`, and `async_secure` with
//! credentials), an `AsyncArticle` saved with `using='async_default'`, then a search on
//! `async_secure`'s `logs` for `message: error`, printing each hit. In Rust there is no
//! separate async document type: the same `Document` runs on the async registry
//! (`es_connections::connections()`) with `.send().await`, and on the blocking one with
//! `.send()`.

use std::time::Duration;

use es_connections::{connections, ConnectionConfig, UseConnection};
use es_dsl::{Document, DocumentOps, Query, Search};
use es_examples::{cluster_a, cluster_b, exit_on_error};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Document)]
#[document(index = "async_articles")]
struct AsyncArticle {
    title: String,
    content: String,
}

#[derive(Deserialize)]
struct Log {
    message: String,
}

async fn setup_async_connections() {
    exit_on_error(
        connections().create_connection(
            Some("async_default"),
            ConnectionConfig::new([cluster_a()])
                .request_timeout(Duration::from_secs(30))
                .max_retries(3),
        ),
    );
    // The seed's `https://es.example.com:9200` with `verify_certs=True`; the example
    // clusters speak plain HTTP, so only the credentials and the timeout are kept.
    exit_on_error(
        connections().create_connection(
            Some("async_secure"),
            ConnectionConfig::new([cluster_b()])
                .basic_auth("username", "password")
                .request_timeout(Duration::from_secs(60)),
        ),
    );
}

async fn async_operations() {
    // Create and save the document.
    let article = AsyncArticle {
        title: "Async Test".into(),
        content: "Async content".into(),
    };
    let w = exit_on_error(
        article
            .save(connections().alias("async_default"))
            .send()
            .await,
    );
    println!("saved {} in {} on async_default", w.id, w.index);

    // Async search.
    let search = Search::<Log>::new()
        .index("logs")
        .query(Query::match_("message", "error"))
        .using("async_secure");
    let response = exit_on_error(search.execute(connections()).send().await);
    for hit in &response.hits {
        if let Some(log) = &hit.source {
            println!("Log: {}", log.message);
        }
    }
}

#[tokio::main]
async fn main() {
    setup_async_connections().await;
    async_operations().await;
}
