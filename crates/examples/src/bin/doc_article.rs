//! Seed: "Use connection in document operations" — an `Article` saved on the default
//! connection and on `secure`, then a search on `secure`'s `logs` for `message: error`,
//! printing each hit (the async snippet is `doc_async`).

use es_connections::{connections, ConnectionConfig, UseConnection};
use es_dsl::{Document, DocumentOps, Query, Search};
use es_examples::{cluster_a, cluster_b, exit_on_error};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Document)]
#[document(index = "articles")]
struct Article {
    title: String,
    content: String,
}

#[derive(Deserialize)]
struct Log {
    message: String,
}

#[tokio::main]
async fn main() {
    exit_on_error(connections().create_connection(None, ConnectionConfig::new([cluster_a()])));
    exit_on_error(
        connections().create_connection(Some("secure"), ConnectionConfig::new([cluster_b()])),
    );
    let article = Article {
        title: "Test".into(),
        content: "Content".into(),
    };
    // Document operations use the default connection...
    let w = exit_on_error(article.save(connections()).send().await);
    println!("saved {} on default", w.id);
    // ...or a specific one.
    let w = exit_on_error(article.save(connections().alias("secure")).send().await);
    println!("saved {} on secure", w.id);

    let search = Search::<Log>::new()
        .index("logs")
        .query(Query::match_("message", "error"))
        .using("secure");
    let response = exit_on_error(search.execute(connections()).send().await);
    for hit in &response.hits {
        if let Some(log) = &hit.source {
            println!("Log: {}", log.message);
        }
    }
}
