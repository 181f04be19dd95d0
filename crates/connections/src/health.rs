//! Health of a cluster (the seed's `check_connection_health`), as a high-level operation that
//! takes [`Using`] and can be overridden with `.using(...)`.

use es_client::types::HealthStatus;
use es_client::{Async, Client, Error};

use crate::{UseConnection, Using};

/// What [`check_health`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthReport {
    /// Cluster name.
    pub cluster_name: String,
    /// Version answered by `GET /`.
    pub version: String,
    /// Health colour.
    pub status: HealthStatus,
    /// Number of nodes.
    pub number_of_nodes: u32,
    /// Active shards.
    pub active_shards: u32,
    /// `(id, name, version)` of each node.
    pub nodes: Vec<(String, String, Option<String>)>,
}

/// Cluster health, node list and a one-hit search over every index, as in the seed documents.
pub async fn check_health(client: &Client) -> Result<HealthReport, Error> {
    let info = client.info().send().await?;
    let health = client.cluster().health().send().await?;
    let nodes = client.nodes().info().send().await?;
    client
        .search()
        .index("_all")
        .size(1)
        .body(&serde_json::json!({"query": {"match_all": {}}}))
        .send_raw()
        .await?;
    Ok(HealthReport {
        cluster_name: health.cluster_name,
        version: info.version.number,
        status: health.status,
        number_of_nodes: health.number_of_nodes,
        active_shards: health.active_shards,
        nodes: nodes
            .nodes
            .into_iter()
            .map(|(id, n)| (id, n.name, n.version))
            .collect(),
    })
}

/// A health check against the connection chosen by [`Using`] (default alias by default).
///
/// ```no_run
/// # async fn demo() -> Result<(), es_client::Error> {
/// use es_connections::{HealthCheck, UseConnection};
/// let report = HealthCheck::new().using("analytics").run().await?;
/// println!("{}: {}", report.cluster_name, report.status);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct HealthCheck<F = Async> {
    using: Using<F>,
}

impl<F> UseConnection<F> for HealthCheck<F> {
    fn using_mut(&mut self) -> &mut Using<F> {
        &mut self.using
    }
}

impl HealthCheck<Async> {
    /// An async health check of the default alias (`HealthCheck::<Blocking>::default()` for
    /// the blocking flavour).
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs the check (the alias is looked up in the global async registry).
    pub async fn run(&self) -> Result<HealthReport, Error> {
        let client = crate::client(self.using.clone())?;
        check_health(&client).await
    }
}

#[cfg(feature = "blocking")]
impl HealthCheck<es_client::Blocking> {
    /// Runs the check (the alias is looked up in the global blocking registry).
    pub fn run(&self) -> Result<HealthReport, Error> {
        let client = crate::blocking::async_client(self.using.clone())?;
        es_client::transport::blocking::block_on_result(async move { check_health(&client).await })
    }
}
