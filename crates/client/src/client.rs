//! [`Elasticsearch`]: the client, generic over its flavour ([`Async`] or [`Blocking`]).

use std::fmt;

use es_transport::{Error, FromTransport, Transport, TransportBuilder};

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

/// Builds a client: the transport's builder (every option of [`TransportOptions`], each
/// with a method, reqwest-style), finished by `build()` into a client of flavour `F`.
///
/// ```
/// use std::time::Duration;
/// let client = es_client::Client::builder()
///     .host("https://es1.example.com:9200")
///     .api_key(("id", "key"))
///     .sniff_on_connection_fail(true)
///     .request_timeout(Duration::from_secs(20))
///     .build()
///     .unwrap();
/// assert_eq!(client.transport().nodes().len(), 1);
/// ```
///
/// [`TransportOptions`]: es_transport::TransportOptions
pub type ClientBuilder<F = Async> = TransportBuilder<Elasticsearch<F>>;

impl<F: Flavor> FromTransport for Elasticsearch<F> {
    fn from_transport(transport: Transport) -> Result<Self, Error> {
        #[cfg(feature = "blocking")]
        if std::any::TypeId::of::<F>() == std::any::TypeId::of::<Blocking>() {
            es_transport::blocking::runtime()?;
        }
        Ok(Elasticsearch::from_transport(transport))
    }
}

impl<F: Flavor> Elasticsearch<F> {
    /// A builder (see [`ClientBuilder`]).
    pub fn builder() -> ClientBuilder<F> {
        TransportBuilder::with_target()
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
    /// A client from a transport builder.
    pub fn from_builder(builder: TransportBuilder) -> Result<Self, Error> {
        builder
            .build()
            .and_then(<Self as FromTransport>::from_transport)
    }
    /// A client from options (a profile, a registry's configuration).
    pub fn from_options(options: es_transport::TransportOptions) -> Result<Self, Error> {
        Self::builder().options(options).build()
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
