//! [`Index`]: create, inspect and delete an index with its settings, mapping and aliases.

use es_client::{Async, Client, Error};
use es_connections::{UseConnection, Using};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::Mapping;

/// An index definition, run against the connection chosen by `using`.
///
/// ```
/// use es_dsl::{Field, Index, Mapping};
/// let idx: Index = Index::new("blog")
///     .setting("number_of_shards", 1)
///     .mapping(Mapping::new().field("title", Field::text()))
///     .alias("blog-current");
/// assert_eq!(idx.body()["aliases"]["blog-current"], serde_json::json!({}));
/// ```
#[derive(Debug, Clone)]
pub struct Index<F = Async> {
    name: String,
    settings: Map<String, Value>,
    mapping: Option<Mapping>,
    aliases: Map<String, Value>,
    using: Using<F>,
}

impl<F> UseConnection<F> for Index<F> {
    fn using_mut(&mut self) -> &mut Using<F> {
        &mut self.using
    }
}

impl<F> Index<F> {
    /// An index called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Index {
            name: name.into(),
            settings: Map::new(),
            mapping: None,
            aliases: Map::new(),
            using: Using::default(),
        }
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// An index setting (`number_of_shards`, `refresh_interval`, `analysis`...).
    pub fn setting(mut self, key: &str, value: impl Serialize) -> Self {
        self.settings.insert(key.to_string(), json!(value));
        self
    }
    /// The mapping.
    pub fn mapping(mut self, m: Mapping) -> Self {
        self.mapping = Some(m);
        self
    }
    /// An alias.
    pub fn alias(mut self, name: &str) -> Self {
        self.aliases.insert(name.to_string(), json!({}));
        self
    }
    /// The create-index body.
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        if !self.settings.is_empty() {
            m.insert("settings".into(), Value::Object(self.settings.clone()));
        }
        if let Some(mapping) = &self.mapping {
            m.insert("mappings".into(), mapping.to_json());
        }
        if !self.aliases.is_empty() {
            m.insert("aliases".into(), Value::Object(self.aliases.clone()));
        }
        Value::Object(m)
    }
}

pub(crate) mod run {
    use super::*;

    pub async fn create(c: &Client, name: &str, body: &Value) -> Result<(), Error> {
        c.indices().create(name).body(body).send().await.map(|_| ())
    }
    pub async fn exists(c: &Client, name: &str) -> Result<bool, Error> {
        c.indices().exists(name).send().await
    }
    pub async fn delete(c: &Client, name: &str) -> Result<(), Error> {
        c.indices().delete(name).send().await.map(|_| ())
    }
    pub async fn refresh(c: &Client, name: &str) -> Result<(), Error> {
        c.indices().refresh().index(name).send().await.map(|_| ())
    }
    pub async fn put_mapping(c: &Client, name: &str, mapping: &Value) -> Result<(), Error> {
        c.indices()
            .put_mapping(name)
            .body(mapping)
            .send()
            .await
            .map(|_| ())
    }
}

impl Index<Async> {
    fn client(&self) -> Result<Client, Error> {
        Ok(es_connections::client(self.using.clone())?)
    }
    /// Creates the index with its settings, mapping and aliases.
    pub async fn create(&self) -> Result<(), Error> {
        run::create(&self.client()?, &self.name, &self.body()).await
    }
    /// Whether it exists.
    pub async fn exists(&self) -> Result<bool, Error> {
        run::exists(&self.client()?, &self.name).await
    }
    /// Deletes it.
    pub async fn delete(&self) -> Result<(), Error> {
        run::delete(&self.client()?, &self.name).await
    }
    /// Refreshes it.
    pub async fn refresh(&self) -> Result<(), Error> {
        run::refresh(&self.client()?, &self.name).await
    }
    /// Adds fields to the mapping of the existing index.
    pub async fn put_mapping(&self, mapping: &Mapping) -> Result<(), Error> {
        run::put_mapping(&self.client()?, &self.name, &mapping.to_json()).await
    }
}

#[cfg(feature = "blocking")]
impl Index<es_client::Blocking> {
    fn client(&self) -> Result<Client, Error> {
        Ok(es_connections::blocking::async_client(self.using.clone())?)
    }
    /// Creates the index with its settings, mapping and aliases.
    pub fn create(&self) -> Result<(), Error> {
        let c = self.client()?;
        es_client::transport::blocking::block_on_result(run::create(&c, &self.name, &self.body()))
    }
    /// Whether it exists.
    pub fn exists(&self) -> Result<bool, Error> {
        let c = self.client()?;
        es_client::transport::blocking::block_on_result(run::exists(&c, &self.name))
    }
    /// Deletes it.
    pub fn delete(&self) -> Result<(), Error> {
        let c = self.client()?;
        es_client::transport::blocking::block_on_result(run::delete(&c, &self.name))
    }
    /// Refreshes it.
    pub fn refresh(&self) -> Result<(), Error> {
        let c = self.client()?;
        es_client::transport::blocking::block_on_result(run::refresh(&c, &self.name))
    }
    /// Adds fields to the mapping of the existing index.
    pub fn put_mapping(&self, mapping: &Mapping) -> Result<(), Error> {
        let c = self.client()?;
        es_client::transport::blocking::block_on_result(run::put_mapping(
            &c,
            &self.name,
            &mapping.to_json(),
        ))
    }
}
