//! Seed: the environment-selected connection (`ConfigurableDocument.save` picks `es_{ENVIRONMENT}`
//! and sets it up on first use from `ES_PROD_HOSTS` / `ES_STAGING_HOSTS`).

use es_connections::{connections, ConnectionConfig};
use es_examples::exit_on_error;
use serde_json::json;

fn setup_connection(env: &str) -> ConnectionConfig {
    let hosts = |var: &str| -> Vec<String> {
        std::env::var(var)
            .unwrap_or_else(|_| "localhost:9200".into())
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    match env {
        "production" => {
            let c = ConnectionConfig::new(hosts("ES_PROD_HOSTS"))
                .request_timeout(std::time::Duration::from_secs(30));
            match std::env::var("ES_PROD_USER") {
                Ok(user) => c.password_env(user, "ES_PROD_PASSWORD").into(),
                Err(_) => c.into(),
            }
        }
        "staging" => ConnectionConfig::new(hosts("ES_STAGING_HOSTS"))
            .request_timeout(std::time::Duration::from_secs(20))
            .into(),
        _ => ConnectionConfig::new(["localhost:9200"])
            .request_timeout(std::time::Duration::from_secs(10))
            .into(),
    }
}

#[tokio::main]
async fn main() {
    let env = std::env::var("ENVIRONMENT").unwrap_or_else(|_| "development".into());
    let alias = format!("es_{env}");
    if !connections().contains(&alias) {
        exit_on_error(connections().create_connection(Some(&alias), setup_connection(&env)));
    }
    let client = exit_on_error(es_connections::client(alias.as_str()));
    let w = exit_on_error(
        client
            .index("configurable_docs")
            .document(&json!({"title": "Test", "content": "Content", "environment": env}))
            .refresh(es_client::Refresh::True)
            .send()
            .await,
    );
    println!(
        "saved {} with {alias} -> {}",
        w.id,
        client.transport().nodes()[0].base_url()
    );
}
