//! [`Using`]: an alias or a client, as `using=` in the Python library.

use es_client::{Async, Elasticsearch, Flavor};

use crate::{ConnectionError, Connections, DEFAULT_ALIAS};

/// Which connection an operation uses: a registered alias or a client instance.
///
/// Every high-level operation takes `impl Into<Using<F>>`: `"qa"`, a `String`, a client, or a
/// reference to one.
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
pub enum Using<F = Async> {
    /// A registered alias.
    Alias(String),
    /// A client instance.
    Client(Elasticsearch<F>),
}

impl<F> Default for Using<F> {
    fn default() -> Self {
        Using::Alias(DEFAULT_ALIAS.to_string())
    }
}

impl<F> From<&str> for Using<F> {
    fn from(a: &str) -> Self {
        Using::Alias(a.to_string())
    }
}

impl<F> From<String> for Using<F> {
    fn from(a: String) -> Self {
        Using::Alias(a)
    }
}

impl<F> From<&String> for Using<F> {
    fn from(a: &String) -> Self {
        Using::Alias(a.clone())
    }
}

impl<F> From<Elasticsearch<F>> for Using<F> {
    fn from(c: Elasticsearch<F>) -> Self {
        Using::Client(c)
    }
}

impl<F: Clone> From<&Elasticsearch<F>> for Using<F> {
    fn from(c: &Elasticsearch<F>) -> Self {
        Using::Client(c.clone())
    }
}

impl<F: Flavor> Using<F> {
    /// The alias, if this names one.
    pub fn alias(&self) -> Option<&str> {
        match self {
            Using::Alias(a) => Some(a),
            Using::Client(_) => None,
        }
    }

    /// The client: the instance itself, or the alias looked up in `registry`.
    pub fn resolve_in(
        &self,
        registry: &Connections<F>,
    ) -> Result<Elasticsearch<F>, ConnectionError> {
        match self {
            Using::Client(c) => Ok(c.clone()),
            Using::Alias(a) => registry.get_connection(Some(a)),
        }
    }
}

/// Something that runs against a connection chosen by [`Using`]; `.using(...)` overrides it.
///
/// ```
/// use es_connections::{UseConnection, Using};
/// struct MyOp { using: Using }
/// impl UseConnection<es_client::Async> for MyOp {
///     fn using_mut(&mut self) -> &mut Using { &mut self.using }
/// }
/// let op = MyOp { using: Using::default() }.using("analytics");
/// assert_eq!(op.using.alias(), Some("analytics"));
/// ```
pub trait UseConnection<F>: Sized {
    /// The operation's connection choice.
    fn using_mut(&mut self) -> &mut Using<F>;

    /// Runs against this alias or client instead.
    fn using(mut self, using: impl Into<Using<F>>) -> Self {
        *self.using_mut() = using.into();
        self
    }
}
