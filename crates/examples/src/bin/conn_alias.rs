//! Seed: "Single connection with an alias" (async flavour, as the seed's second tab).

use es_connections::{connections, ConnectionConfig};
use es_examples::{cluster_a, exit_on_error};

#[tokio::main]
async fn main() {
    let config =
        ConnectionConfig::new([cluster_a()]).request_timeout(std::time::Duration::from_secs(60));
    exit_on_error(connections().create_connection(Some("my_new_connection"), config));
    let client = exit_on_error(es_connections::client("my_new_connection"));
    println!(
        "my_new_connection ping: {}",
        exit_on_error(client.ping().send().await)
    );
    // The default alias was never created: a clear error names what exists.
    match connections().get_connection(None) {
        Ok(_) => println!("unexpected default connection"),
        Err(e) => println!("default: {e}"),
    }
}
