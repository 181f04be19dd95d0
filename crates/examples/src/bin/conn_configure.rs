//! Seed: "Multiple clusters" — `connections.configure(default={...}, dev={..., sniff_on_start})`,
//! built lazily on first use (blocking flavour, as the seed's standard Python tab).

use es_connections::blocking::connections;
use es_connections::ConnectionConfig;
use es_examples::{cluster_a, cluster_b, exit_on_error};
use serde_json::json;

fn main() {
    connections().configure([
        ("default", ConnectionConfig::new([cluster_a()])),
        (
            "dev",
            ConnectionConfig::new([cluster_b()]).sniff_on_start(true),
        ),
    ]);
    println!(
        "built before use: default={} dev={}",
        connections().is_built("default"),
        connections().is_built("dev")
    );
    for alias in ["default", "dev"] {
        let client = exit_on_error(connections().get_connection(Some(alias)));
        exit_on_error(
            client
                .index("conn-examples")
                .id(format!("from-{alias}"))
                .document(&json!({"alias": alias}))
                .refresh(es_client::Refresh::True)
                .send(),
        );
        println!(
            "{alias} -> {} (nodes after sniff: {})",
            client.transport().nodes()[0].base_url(),
            client.transport().nodes().len()
        );
    }
    println!(
        "built after use: default={} dev={}",
        connections().is_built("default"),
        connections().is_built("dev")
    );
}
