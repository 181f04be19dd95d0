//! [`ConnectionConfig`]: the configuration of one named connection — the transport's own
//! options type, so the builder, the registry and the profiles file share one definition.

/// Configuration of one named connection: [`es_client::TransportOptions`] (every option, under
/// the Python client's names, deserializable from a TOML profile, comparable so a repeated
/// `configure` keeps unchanged clients).
///
/// `ConnectionConfig::new(hosts)` starts a builder; the registry takes the builder or the
/// options.
///
/// ```
/// use std::time::Duration;
/// use es_connections::{ConnectionConfig, Connections};
/// let conns: Connections = Connections::new();
/// conns.configure([(
///     "dev",
///     ConnectionConfig::new(["https://esdev1.example.com:9200"])
///         .request_timeout(Duration::from_secs(20))
///         .sniff_on_start(true),
/// )]);
/// let from_toml: ConnectionConfig = toml::from_str("hosts = \"https://esdev1.example.com:9200\"\nrequest_timeout = \"20s\"\nsniff_on_start = true").unwrap();
/// conns.configure([("dev", from_toml)]);
/// assert_eq!(conns.aliases(), ["dev"]);
/// ```
pub type ConnectionConfig = es_client::TransportOptions;
