//! # es-transport
//!
//! The HTTP layer of the Elasticsearch client: many nodes with keep-alive connections
//! (`connections_per_node` enforced), pluggable node selection, dead-node back-off and
//! resurrection, sniffing, retries with jittered back-off, timeouts, gzip, basic / API-key /
//! bearer auth, Elastic Cloud ids, rustls TLS (CA, client certs, fingerprint pinning), the
//! compatibility media type matched to the server, and one typed [`Error`].
//!
//! Async on tokio. With the `blocking` feature, [`blocking`] holds the shared runtime that
//! blocking clients (`es_client::blocking::Client`) drive the same futures on.
//!
//! ```no_run
//! # async fn demo() -> Result<(), es_transport::Error> {
//! use es_transport::{Request, TransportBuilder};
//! let transport = TransportBuilder::new()
//!     .hosts(["http://es1:9200", "http://es2:9200"])
//!     .api_key("base64-encoded-key")
//!     .sniff_on_start(true)
//!     .build()?;
//! let health = transport.perform(Request::new(http::Method::GET, "/_cluster/health")).await?;
//! println!("{}", health.text());
//! # Ok(()) }
//! ```

mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod cloud;
mod config;
mod conn;
pub mod deadline;
mod error;
mod node;
mod options;
mod pool;
mod product;
mod redact;
mod request;
mod retry;
mod selector;
mod sniff;
mod tls;
mod transport;

pub use auth::{Auth, Secret};
pub use cloud::decode_cloud_id;
pub use config::{EnvLookup, FromTransport, TransportBuilder};
pub use error::{ApiError, Error, ErrorDetail, ErrorKind, Result, StatusError};
/// The specification's error object, which [`ApiError`] holds.
pub use es_types_core::common::ErrorCause;
pub use node::{Node, NodeMeta, NodeStats, NodeUrl, Scheme};
pub use options::{ApiKey, TlsVersion, TransportOptions};
pub use pool::DeadBackoff;
pub use product::{CompatMode, Product, ServerInfo};
pub use redact::{is_sensitive_header, redact_url};
pub use request::{encode_path_part, Body, BodyKind, Request, RequestOptions, Response};
pub use retry::{jitter, RetryBackoff, RetryPolicy};
pub use selector::{Random, RoundRobin, Selector};
pub use tls::{fingerprint_sha256, Pem, TlsOptions};
pub use transport::{Transport, VERSION};

pub use http;

/// Entry points for the fuzz targets (`fuzz/`); not part of the API.
#[doc(hidden)]
pub mod fuzzing {
    /// Parses a `_nodes/http` answer as sniffing does.
    pub fn parse_nodes(body: &[u8]) -> Result<usize, String> {
        let (seed, _) = crate::NodeUrl::parse("http://seed:9200").map_err(|e| e.to_string())?;
        crate::sniff::parse_nodes(body, &seed).map(|n| n.len())
    }
}
