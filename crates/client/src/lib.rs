//! # es-client
//!
//! The Elasticsearch client: the REST API on top of [`es_transport`], async and blocking from
//! one definition.
//!
//! ```no_run
//! # async fn demo() -> Result<(), es_client::Error> {
//! use es_client::{Client, Refresh};
//! use serde_json::json;
//!
//! let client = Client::new("http://localhost:9200")?;
//! client.index("books").id("1").document(&json!({"title": "Dune"})).refresh(Refresh::True).send().await?;
//! let hits = client
//!     .search()
//!     .index("books")
//!     .body(&json!({"query": {"match": {"title": "dune"}}}))
//!     .send()
//!     .await?;
//! println!("{} hits", hits.hits.total.map_or(0, |t| t.value));
//! # Ok(()) }
//! ```
//!
//! The blocking client (feature `blocking`, off by default) has the same methods without
//! `.await`:
//!
//! ```no_run
//! # #[cfg(feature = "blocking")] {
//! let client = es_client::blocking::Client::new("http://localhost:9200")?;
//! assert!(client.ping().send()?);
//! # }
//! # Ok::<(), es_client::Error>(())
//! ```

pub mod api;
mod call;
mod client;
mod flavor;
// Written by es-codegen (prettyplease layout); `cargo fmt` leaves it alone.
#[rustfmt::skip]
pub mod generated;
mod run;
pub mod types;

pub use call::{parse_json, Call, Endpoint};
pub use client::{ClientBuilder, Elasticsearch};
pub use es_transport::{
    self as transport, http, ApiError, Auth, Body, CompatMode, Error, ErrorDetail, ErrorKind,
    Request, Response, TlsOptions, Transport, TransportBuilder, TransportOptions,
};
pub use flavor::{Async, BoxFuture, BoxStream, Flavor};
#[cfg(feature = "blocking")]
pub use flavor::{Blocking, BlockingIter};
pub use generated::enums::*;
pub use run::{Job, Operation, Run, RunStream, StreamOperation};

/// The async client.
pub type Client = Elasticsearch<Async>;

/// The blocking client (feature `blocking`).
#[cfg(feature = "blocking")]
pub mod blocking {
    /// The blocking client: the same API as [`crate::Client`], without `.await`.
    pub type Client = crate::Elasticsearch<crate::Blocking>;
}
