//! # es-connections
//!
//! Named connections for many clusters: a thread-safe registry of clients keyed by alias,
//! configured lazily (from code, `ELASTICSEARCH_URL` / `ELASTIC_API_KEY`, or a TOML profiles
//! file), with a process-wide default registry for each flavour and [`Using`] (an alias or a
//! client) for every high-level operation.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use es_connections::{connections, ConnectionConfig};
//!
//! connections().configure([
//!     ("default", ConnectionConfig::new(["https://localhost:9200"])),
//!     ("dev", ConnectionConfig::new(["https://esdev1.example.com:9200"]).sniff_on_start(true)),
//! ]);
//! let health = es_connections::client("dev")?.cluster().health().send().await?;
//! println!("dev is {}", health.status);
//! # Ok(()) }
//! ```

mod config;
mod error;
mod health;
mod profiles;
mod registry;
mod using;

use std::sync::OnceLock;

pub use config::ConnectionConfig;
pub use error::{ConnectionError, KnownAliases};
pub use health::{check_health, HealthCheck, HealthReport};
pub use profiles::{default_profiles_path, load_profiles, parse_profiles};
pub use registry::{AllConnections, ConfigureReport, Connections, DEFAULT_ALIAS};
pub use using::{bind, bind_job, bind_stream, Alias, Runner, UseConnection, Using};

/// The async registry type (`AsyncConnections` in the Python library).
///
/// ```
/// let registry = es_connections::AsyncConnections::new();
/// assert!(registry.aliases().is_empty());
/// ```
pub type AsyncConnections = Connections<es_client::Async>;

/// The blocking registry type (`Connections` in the Python library's synchronous API).
#[cfg(feature = "blocking")]
pub type BlockingConnections = Connections<es_client::Blocking>;

/// The process-wide async registry (`connections` in the Python library).
pub fn connections() -> &'static Connections<es_client::Async> {
    static GLOBAL: OnceLock<Connections<es_client::Async>> = OnceLock::new();
    GLOBAL.get_or_init(Connections::new)
}

/// The async client for `using` (an alias in the global registry, or a client).
pub fn client(using: impl Into<Using>) -> Result<es_client::Client, ConnectionError> {
    using.into().resolve_in(connections())
}

/// The blocking flavour: the same registry API with blocking clients.
#[cfg(feature = "blocking")]
pub mod blocking {
    use std::sync::OnceLock;

    use crate::{ConnectionError, Connections, Using};

    /// The process-wide blocking registry.
    pub fn connections() -> &'static Connections<es_client::Blocking> {
        static GLOBAL: OnceLock<Connections<es_client::Blocking>> = OnceLock::new();
        GLOBAL.get_or_init(Connections::new)
    }

    /// The blocking client for `using`.
    pub fn client(using: impl Into<Using>) -> Result<es_client::blocking::Client, ConnectionError> {
        using.into().resolve_in(connections())
    }
}
