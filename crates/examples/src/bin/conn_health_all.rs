//! Seed: the health check of every registered alias (`for alias in connections.all(): ...`),
//! including one that cannot connect.

use es_connections::{check_health, connections, ConnectionConfig};
use es_examples::{cluster_a, cluster_b};

#[tokio::main]
async fn main() {
    connections().configure([
        ("production", ConnectionConfig::new([cluster_a()])),
        (
            "analytics",
            ConnectionConfig::new([cluster_b()])
                .request_timeout(std::time::Duration::from_secs(60)),
        ),
        (
            "offline",
            ConnectionConfig::new(["http://127.0.0.1:1"]).max_retries(0),
        ),
    ]);
    let all = connections().all();
    for (alias, err) in &all.failed {
        println!("Connection '{alias}' cannot be built: {err}");
    }
    for (alias, client) in &all.clients {
        println!("Checking connection '{alias}':");
        match check_health(client).await {
            Ok(r) => {
                println!("  Cluster status: {}", r.status);
                println!("  Number of nodes: {}", r.number_of_nodes);
                println!("  Active shards: {}", r.active_shards);
                for (id, name, version) in &r.nodes {
                    println!(
                        "  Node {id}: {name} ({})",
                        version.as_deref().unwrap_or("?")
                    );
                }
                println!("  Connection test successful!");
            }
            Err(e) if e.is_connection() => println!("  Connection error: {e}"),
            Err(e) => println!("  Transport error: {e}"),
        }
        println!("{}", "-".repeat(40));
    }
}
