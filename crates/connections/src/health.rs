//! Health of a cluster (the seed's `check_connection_health`), as a high-level operation that
//! takes [`Using`] and can be overridden with `.using(...)`.

use es_client::types::common::HealthStatus;
use es_client::{BoxFuture, Client, Error, Flavor, Operation, Run};

use crate::{Runner, UseConnection, Using};

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
    pub number_of_nodes: i32,
    /// Active shards.
    pub active_shards: i32,
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
            // OpenSearch and older servers may leave a node's version out.
            .map(|(id, n)| (id, n.name, Some(n.version).filter(|v| !v.is_empty())))
            .collect(),
    })
}

/// A health check against the connection chosen by [`Using`] (default alias by default).
///
/// ```no_run
/// # async fn demo() -> Result<(), es_client::Error> {
/// use es_connections::{connections, HealthCheck, UseConnection};
/// let report = HealthCheck::new().using("analytics").run(connections()).send().await?;
/// println!("{}: {}", report.cluster_name, report.status);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct HealthCheck {
    using: Using,
}

impl UseConnection for HealthCheck {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

struct HealthOp;

impl Operation for HealthOp {
    type Output = HealthReport;
    type Error = Error;
    fn run<'a>(self, client: Client) -> BoxFuture<'a, HealthReport> {
        Box::pin(async move { check_health(&client).await })
    }
}

impl HealthCheck {
    /// A health check of the default alias.
    pub fn new() -> Self {
        Self::default()
    }

    /// The check on `runner` (a client, or a registry resolving `using`): `.send().await`
    /// with an async runner, `.send()` with a blocking one.
    pub fn run<F: Flavor>(
        &self,
        runner: impl Runner<F>,
    ) -> Run<F, impl Operation<Output = HealthReport, Error = Error>> {
        crate::bind(runner, &self.using, HealthOp)
    }
}
