//! # es-testkit
//!
//! Test tools for Elasticsearch clients, usable in your own tests too:
//!
//! * [`FakeCluster`]: a programmable fake cluster on loopback. Several nodes, each on its own
//!   port; scripted answers ([`Rule`], [`Reply`]), delays, statuses, connection resets, nodes
//!   going down and up, `_nodes/http` content for sniffing, TLS (optionally requiring client
//!   certificates), and a record of every request.
//! * [`TestPki`]: certificates generated at test time.
//! * [`Emulator`]: installs (into a project-local virtualenv) and starts real
//!   Elasticsearch-compatible servers: `noida-db` (Elasticsearch 8.15 API) and `osmem-server`
//!   (OpenSearch 3.8 API).
//!
//! ```
//! use es_testkit::{FakeCluster, Reply, Rule};
//! let cluster = FakeCluster::start(3).unwrap();
//! cluster.push(Rule::new(Reply::reset()).node(2).times(1)); // node 2 drops one connection
//! cluster.node(1).down();                                    // node 1 refuses connections
//! assert!(!cluster.node(1).is_up());
//! cluster.node(1).up().unwrap();
//! ```

mod certs;
mod cluster;
mod emulator;
mod script;
mod store;

pub use certs::{ServerTls, TestPki};
pub use cluster::{FakeCluster, FakeClusterBuilder, FakeNode, FakeProduct};
pub use emulator::{Emulator, EmulatorKind};
pub use script::{Handler, RecordedRequest, Reply, Rule};
pub use store::{DocStore, StoredDoc};

/// Errors of the test kit.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TestkitError {
    /// An I/O operation failed.
    #[error("{what}: {source}")]
    Io {
        /// What was being done.
        what: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// Certificates or TLS settings were unusable.
    #[error("TLS setup: {0}")]
    Tls(String),
    /// Installing the emulators failed.
    #[error("installing emulators failed: {0}")]
    Install(String),
    /// An emulator did not start.
    #[error("emulator {kind} did not start: {message}")]
    Start {
        /// Which emulator.
        kind: &'static str,
        /// What happened (with the end of its log).
        message: String,
    },
    /// The cluster was stopped.
    #[error("the fake cluster is stopped")]
    Stopped,
}

impl TestkitError {
    pub(crate) fn io(what: &'static str) -> impl FnOnce(std::io::Error) -> TestkitError {
        move |source| TestkitError::Io { what, source }
    }
}
