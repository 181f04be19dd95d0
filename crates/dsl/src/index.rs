//! [`Index`]: create, inspect and delete an index with its settings, mapping and aliases.

use es_client::{BoxFuture, Client, Error, Flavor, Job, Run};
use es_connections::{bind_job, Runner, UseConnection, Using};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::Mapping;

/// An index definition; its operations run on a client or a registry (see [`Runner`]).
///
/// ```
/// use es_dsl::{Index, Mapping, Property};
/// let idx = Index::new("blog")
///     .setting("number_of_shards", 1)
///     .mapping(Mapping::new().field("title", Property::text()))
///     .alias("blog-current");
/// assert_eq!(idx.body()["aliases"]["blog-current"], serde_json::json!({}));
/// ```
#[derive(Debug, Clone)]
pub struct Index {
    name: String,
    settings: Map<String, Value>,
    mapping: Option<Mapping>,
    aliases: Map<String, Value>,
    using: Using,
}

impl UseConnection for Index {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

impl Index {
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

impl Index {
    fn job<F: Flavor, T: Send + 'static>(
        &self,
        on: impl Runner<F>,
        f: impl FnOnce(Client, String) -> BoxFuture<'static, T> + Send + 'static,
    ) -> Run<F, Job<'static, T>> {
        let name = self.name.clone();
        bind_job(on, &self.using, move |c| f(c, name))
    }
    /// Creates the index with its settings, mapping and aliases. Like every operation here it
    /// runs on `on` (a client, or a registry resolving [`using`](UseConnection::using)):
    /// `.send().await` with an async runner, `.send()` with a blocking one.
    pub fn create<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        let body = self.body();
        self.job(on, move |c, name| {
            Box::pin(async move { run::create(&c, &name, &body).await })
        })
    }
    /// Whether it exists.
    pub fn exists<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        self.job(on, |c, name| {
            Box::pin(async move { run::exists(&c, &name).await })
        })
    }
    /// Deletes it.
    pub fn delete<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { run::delete(&c, &name).await })
        })
    }
    /// Refreshes it.
    pub fn refresh<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { run::refresh(&c, &name).await })
        })
    }
    /// Adds fields to the mapping of the existing index.
    pub fn put_mapping<F: Flavor>(
        &self,
        on: impl Runner<F>,
        mapping: &Mapping,
    ) -> Run<F, Job<'static, ()>> {
        let mapping = mapping.to_json();
        self.job(on, move |c, name| {
            Box::pin(async move { run::put_mapping(&c, &name, &mapping).await })
        })
    }
}
