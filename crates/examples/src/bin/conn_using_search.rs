//! Seed: "Using aliases" and "Manual" — `Search(using='qa')`, `Search(using=Elasticsearch(...))`,
//! `s.using(...)` overriding it. Searches go through `Using` (alias or instance).

use es_client::Client;
use es_connections::{connections, ConnectionConfig, Using};
use es_examples::{cluster_a, cluster_b, exit_on_error};
use serde_json::json;

async fn count(using: impl Into<Using>, label: &str) {
    let client = exit_on_error(es_connections::client(using));
    let res = exit_on_error(
        client
            .search()
            .index("conn-examples")
            .body(&json!({"query": {"match_all": {}}}))
            .send()
            .await,
    );
    let ids: Vec<String> = res.hits.hits.iter().filter_map(|h| h.id.clone()).collect();
    println!(
        "{label}: {} hit(s) {ids:?} from {}",
        ids.len(),
        client.transport().nodes()[0].base_url()
    );
}

#[tokio::main]
async fn main() {
    exit_on_error(
        connections().create_connection(Some("qa"), ConnectionConfig::new([cluster_a()])),
    );
    count("qa", "using=qa").await;
    let other = exit_on_error(Client::new(&cluster_b()));
    count(&other, "using=instance").await;
    // An unknown alias is a clear error, like the KeyError of the seed.
    match es_connections::client("nope") {
        Ok(_) => println!("unexpected"),
        Err(e) => println!("using=nope: {e}"),
    }
}
