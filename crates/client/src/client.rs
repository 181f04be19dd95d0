//! [`Elasticsearch`]: the client, generic over its flavour ([`Async`] or [`Blocking`]).

use std::fmt;

use es_transport::{Error, Transport, TransportBuilder};

#[cfg(feature = "blocking")]
use crate::flavor::Blocking;
use crate::flavor::{Async, Flavor};

/// The Elasticsearch client. Use the aliases [`crate::Client`] (async) and
/// [`crate::blocking::Client`]. Cloning is cheap and shares connections.
///
/// ```no_run
/// # async fn demo() -> Result<(), es_client::Error> {
/// use es_client::Client;
/// let client = Client::builder().host("http://localhost:9200").build()?;
/// let info = client.info().send().await?;
/// println!("connected to {} {}", info.cluster_name, info.version.number);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Elasticsearch<F = Async> {
    transport: Transport,
    _flavor: F,
}

impl<F> fmt::Debug for Elasticsearch<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Elasticsearch")
            .field(
                "flavor",
                &std::any::type_name::<F>()
                    .rsplit("::")
                    .next()
                    .unwrap_or("?"),
            )
            .field("transport", &self.transport)
            .finish()
    }
}

/// Builds a client: all transport options ([`TransportBuilder`]), then `build`.
#[derive(Debug, Clone, Default)]
pub struct ClientBuilder<F = Async> {
    transport: TransportBuilder,
    _flavor: F,
}

impl<F: Flavor> ClientBuilder<F> {
    /// Changes the transport options.
    pub fn transport(mut self, f: impl FnOnce(TransportBuilder) -> TransportBuilder) -> Self {
        self.transport = f(self.transport);
        self
    }
    /// Adds a host.
    pub fn host(self, host: impl Into<String>) -> Self {
        self.transport(|t| t.host(host))
    }
    /// Builds the client; no connection is made until the first request.
    pub fn build(self) -> Result<Elasticsearch<F>, Error> {
        #[cfg(feature = "blocking")]
        if std::any::TypeId::of::<F>() == std::any::TypeId::of::<Blocking>() {
            es_transport::blocking::runtime()?;
        }
        Ok(Elasticsearch {
            transport: self.transport.build()?,
            _flavor: F::default(),
        })
    }
}

impl<F: Flavor> Elasticsearch<F> {
    /// A builder.
    pub fn builder() -> ClientBuilder<F> {
        ClientBuilder::default()
    }
    /// A client over an existing transport.
    pub fn from_transport(transport: Transport) -> Self {
        Elasticsearch {
            transport,
            _flavor: F::default(),
        }
    }
    /// A client for one URL with default settings.
    pub fn new(url: &str) -> Result<Self, Error> {
        Self::builder().host(url).build()
    }
    /// A client from a [`TransportBuilder`].
    pub fn from_builder(builder: TransportBuilder) -> Result<Self, Error> {
        Ok(Self::from_transport(builder.build()?))
    }
    /// The transport underneath (nodes, credentials, sniffing).
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
    /// The async client over the same connections (what operations are written against).
    pub fn as_async(&self) -> Elasticsearch<Async> {
        Elasticsearch::from_transport(self.transport.clone())
    }
}

#[cfg(feature = "blocking")]
impl Elasticsearch<Async> {
    /// The blocking twin of this client, sharing its connections.
    pub fn to_blocking(&self) -> Elasticsearch<Blocking> {
        Elasticsearch::from_transport(self.transport.clone())
    }
}

#[cfg(feature = "blocking")]
impl Elasticsearch<Blocking> {
    /// The async twin of this client, sharing its connections.
    pub fn to_async(&self) -> Elasticsearch<Async> {
        self.as_async()
    }
}
