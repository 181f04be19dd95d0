//! Seed: `connections.create_connection('qa', hosts=[...], sniff_on_start=True)` and
//! `connections.add_connection('another_qa', my_client)`.

use es_client::Client;
use es_connections::{connections, ConnectionConfig};
use es_examples::{cluster_a, cluster_b, exit_on_error};

#[tokio::main]
async fn main() {
    exit_on_error(connections().create_connection(
        Some("qa"),
        ConnectionConfig::new([cluster_a()]).sniff_on_start(true),
    ));
    let my_client = exit_on_error(Client::new(&cluster_b()));
    connections().add_connection("another_qa", my_client.clone());
    for alias in connections().aliases() {
        let c = exit_on_error(connections().get_connection(Some(&alias)));
        let info = exit_on_error(c.info().send().await);
        println!(
            "{alias} -> {} ({})",
            c.transport().nodes()[0].base_url(),
            info.version.number
        );
    }
    // Removing it closes the registry's handle; the caller's own clone keeps working.
    exit_on_error(connections().remove_connection("another_qa"));
    println!(
        "after remove: {:?}; my_client still pings: {}",
        connections().aliases(),
        exit_on_error(my_client.ping().send().await)
    );
}
