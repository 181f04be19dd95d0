//! [`Using`] (an alias or a client, as `using=` in the Python library) and [`Runner`] (what an
//! operation runs on: a client, or a registry in which its `using` is looked up).

use es_client::transport::Transport;
use es_client::{Elasticsearch, Flavor};

use crate::{ConnectionError, Connections, DEFAULT_ALIAS};

/// Which connection an operation uses: a registered alias or a client instance. It holds no
/// flavour: the same operation value runs async or blocking, decided by its [`Runner`].
///
/// Every high-level operation takes `impl Into<Using>`: `"qa"`, a `String`, a client of
/// either flavour, or a reference to one.
///
/// ```
/// use es_connections::{Connections, ConnectionConfig, Using};
/// let conns: Connections = Connections::new();
/// conns.create_connection(Some("qa"), ConnectionConfig::new(["http://esqa1:9200"])).unwrap();
/// let by_alias: Using = "qa".into();
/// let client = by_alias.resolve_in(&conns).unwrap();
/// let by_instance: Using = (&client).into();
/// assert_eq!(by_instance.alias(), None);
/// ```
#[derive(Clone, Debug)]
pub enum Using {
    /// A registered alias.
    Alias(String),
    /// A client instance (its transport: nodes, credentials and connections).
    Client(Transport),
}

impl Default for Using {
    fn default() -> Self {
        Using::Alias(DEFAULT_ALIAS.to_string())
    }
}

impl From<&str> for Using {
    fn from(a: &str) -> Self {
        Using::Alias(a.to_string())
    }
}

impl From<String> for Using {
    fn from(a: String) -> Self {
        Using::Alias(a)
    }
}

impl From<&String> for Using {
    fn from(a: &String) -> Self {
        Using::Alias(a.clone())
    }
}

impl<F: Flavor> From<Elasticsearch<F>> for Using {
    fn from(c: Elasticsearch<F>) -> Self {
        Using::Client(c.transport().clone())
    }
}

impl<F: Flavor> From<&Elasticsearch<F>> for Using {
    fn from(c: &Elasticsearch<F>) -> Self {
        Using::Client(c.transport().clone())
    }
}

impl From<Transport> for Using {
    fn from(t: Transport) -> Self {
        Using::Client(t)
    }
}

impl Using {
    /// The alias, if this names one.
    pub fn alias(&self) -> Option<&str> {
        match self {
            Using::Alias(a) => Some(a),
            Using::Client(_) => None,
        }
    }

    /// The client: the instance itself, or the alias looked up in `registry`.
    pub fn resolve_in<F: Flavor>(
        &self,
        registry: &Connections<F>,
    ) -> Result<Elasticsearch<F>, ConnectionError> {
        match self {
            Using::Client(t) => Ok(Elasticsearch::from_transport(t.clone())),
            Using::Alias(a) => registry.get_connection(Some(a)),
        }
    }
}

/// Something that runs against a connection chosen by [`Using`]; `.using(...)` overrides it.
///
/// ```
/// use es_connections::{UseConnection, Using};
/// struct MyOp { using: Using }
/// impl UseConnection for MyOp {
///     fn using_mut(&mut self) -> &mut Using { &mut self.using }
/// }
/// let op = MyOp { using: Using::default() }.using("analytics");
/// assert_eq!(op.using.alias(), Some("analytics"));
/// ```
pub trait UseConnection: Sized {
    /// The operation's connection choice.
    fn using_mut(&mut self) -> &mut Using;

    /// Runs against this alias or client instead.
    fn using(mut self, using: impl Into<Using>) -> Self {
        *self.using_mut() = using.into();
        self
    }
}

/// What an operation runs on; its flavour decides whether `send` is awaited or blocks.
///
/// * a client (`&client`, either flavour): the operation runs there, whatever its `using`;
/// * a registry (`connections()`, `blocking::connections()` or your own): the operation's
///   `using` (an alias, by default `"default"`, or a client) is resolved in it;
/// * one alias of a registry (`connections().alias("qa")`), for operations that have no
///   `using` of their own (the helpers).
///
/// ```
/// use es_connections::{Connections, ConnectionConfig, Runner, Using};
/// let conns: Connections = Connections::new();
/// conns.create_connection(Some("qa"), ConnectionConfig::new(["http://esqa1:9200"])).unwrap();
/// let client = (&conns).client_for(&Using::from("qa")).unwrap();
/// assert!((&conns).client_for(&Using::from("prod")).is_err());
/// // A client runner ignores the alias.
/// assert!((&client).client_for(&Using::from("prod")).is_ok());
/// ```
pub trait Runner<F: Flavor> {
    /// The client an operation with this `using` runs on.
    fn client_for(self, using: &Using) -> Result<Elasticsearch<F>, ConnectionError>;
}

impl<F: Flavor> Runner<F> for &Elasticsearch<F> {
    fn client_for(self, _: &Using) -> Result<Elasticsearch<F>, ConnectionError> {
        Ok(self.clone())
    }
}

impl<F: Flavor> Runner<F> for Elasticsearch<F> {
    fn client_for(self, _: &Using) -> Result<Elasticsearch<F>, ConnectionError> {
        Ok(self)
    }
}

impl<F: Flavor> Runner<F> for &Connections<F> {
    fn client_for(self, using: &Using) -> Result<Elasticsearch<F>, ConnectionError> {
        using.resolve_in(self)
    }
}

/// A registry narrowed to one alias, as a [`Runner`] (`connections().alias("qa")`): for
/// operations without a `using` of their own, such as the helpers.
pub struct Alias<'r, F> {
    registry: &'r Connections<F>,
    alias: &'r str,
}

impl<F> Clone for Alias<'_, F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Alias<'_, F> {}

impl<F> std::fmt::Debug for Alias<'_, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Alias").field(&self.alias).finish()
    }
}

impl<F: Flavor> Connections<F> {
    /// This registry's `alias`, as a [`Runner`].
    ///
    /// ```
    /// use es_connections::{Connections, ConnectionConfig, Runner, Using};
    /// let conns: Connections = Connections::new();
    /// conns.create_connection(Some("qa"), ConnectionConfig::new(["http://esqa1:9200"])).unwrap();
    /// assert!(conns.alias("qa").client_for(&Using::default()).is_ok());
    /// assert!(conns.alias("prod").client_for(&Using::default()).is_err());
    /// ```
    pub fn alias<'r>(&'r self, alias: &'r str) -> Alias<'r, F> {
        Alias {
            registry: self,
            alias,
        }
    }
}

impl<F: Flavor> Runner<F> for Alias<'_, F> {
    fn client_for(self, _: &Using) -> Result<Elasticsearch<F>, ConnectionError> {
        self.registry.get_connection(Some(self.alias))
    }
}

/// Binds an operation to the client `runner` picks for `using`: the one step every
/// high-level operation's `execute`/`run` method takes.
pub fn bind<F: Flavor, O: es_client::Operation>(
    runner: impl Runner<F>,
    using: &Using,
    op: O,
) -> es_client::Run<F, O> {
    es_client::Run::new(runner.client_for(using).map_err(Into::into), op)
}

/// [`bind`] for an operation written as a closure over the async client ([`es_client::Job`]):
/// how most high-level operations are defined.
pub fn bind_job<'a, F, T, Fut>(
    runner: impl Runner<F>,
    using: &Using,
    f: impl FnOnce(es_client::Client) -> Fut + Send + 'a,
) -> es_client::Run<F, es_client::Job<'a, T>>
where
    F: Flavor,
    T: Send,
    Fut: std::future::Future<Output = Result<T, es_client::Error>> + Send + 'a,
{
    bind(runner, using, es_client::Job::new(f))
}

/// [`bind`] for streaming operations.
pub fn bind_stream<F: Flavor, O: es_client::StreamOperation>(
    runner: impl Runner<F>,
    using: &Using,
    op: O,
) -> es_client::RunStream<F, O> {
    es_client::RunStream::new(runner.client_for(using).map_err(Into::into), op)
}
