//! Seed: "Default connection" — `connections.create_connection(hosts=[...], request_timeout=20)`.

use es_connections::{connections, ConnectionConfig};
use es_examples::{cluster_a, exit_on_error};

#[tokio::main]
async fn main() {
    let config =
        ConnectionConfig::new([cluster_a()]).request_timeout(std::time::Duration::from_secs(20));
    exit_on_error(connections().create_connection(None, config));
    // Any later code uses the default connection without naming it.
    let client = exit_on_error(connections().get_connection(None));
    let info = exit_on_error(client.info().send().await);
    println!(
        "default -> {}: {} {}",
        client.transport().nodes()[0].base_url(),
        info.cluster_name,
        info.version.number
    );
}
