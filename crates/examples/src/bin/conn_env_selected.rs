//! Seed: the environment-selected connection (`ConfigurableDocument.save` picks `es_{ENVIRONMENT}`
//! and sets it up on first use from `ES_PROD_HOSTS` / `ES_STAGING_HOSTS`).

use es_connections::{connections, ConnectionConfig, Using};
use es_dsl::{Document, DocumentOps};
use es_examples::exit_on_error;
use serde::{Deserialize, Serialize};

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

/// A document type whose connection is chosen by `ENVIRONMENT` (`es_{ENVIRONMENT}`), as
/// the seed's `ConfigurableDocument.save` does.
#[derive(Serialize, Deserialize)]
struct ConfigurableDocument {
    title: String,
    content: String,
    environment: String,
}

fn environment() -> String {
    std::env::var("ENVIRONMENT").unwrap_or_else(|_| "development".into())
}

impl Document for ConfigurableDocument {
    const INDEX: &'static str = "configurable_docs";
    fn using() -> Using {
        format!("es_{}", environment()).into()
    }
}

#[tokio::main]
async fn main() {
    let env = environment();
    let alias = format!("es_{env}");
    // Set up on first use, as the seed's `save` does (a bad setup is a clear error here).
    if !connections().contains(&alias) {
        exit_on_error(connections().create_connection(Some(&alias), setup_connection(&env)));
    }
    let doc = ConfigurableDocument {
        title: "Test".into(),
        content: "Content".into(),
        environment: env,
    };
    // `save` on the registry: the type's own connection (`using()`).
    let w = exit_on_error(doc.save(connections()).send().await);
    let client = exit_on_error(es_connections::client(alias.as_str()));
    println!(
        "saved {} with {alias} -> {}",
        w.id,
        client.transport().nodes()[0].base_url()
    );
}
