//! [`Index`]: an index with its settings, analysis, mapping and aliases — created, saved
//! (created or updated), inspected and maintained; [`IndexTemplate`] and [`DataStream`].

use es_client::{BoxFuture, Client, Error, ErrorKind, Flavor, Job, Run};
use es_connections::{bind_job, Runner, UseConnection, Using};
use serde::Serialize;
use serde_json::{json, Map, Value};

use crate::analysis::{Analysis, AnalysisRef};
use crate::{Document, Mapping};

/// An index definition; its operations run on a client or a registry (see [`Runner`]).
///
/// ```
/// use es_dsl::{analysis::analyzer, Index, Mapping, Property};
/// let folded = analyzer("folded").tokenizer("standard").filter("lowercase").filter("asciifolding");
/// let idx = Index::new("blog")
///     .setting("number_of_shards", 1)
///     .analyzer(&folded)
///     .mapping(Mapping::new().field("title", Property::text().analyzer(folded.name())))
///     .alias("blog-current");
/// let body = idx.body();
/// assert_eq!(body["aliases"]["blog-current"], serde_json::json!({}));
/// assert_eq!(body["settings"]["analysis"]["analyzer"]["folded"]["filter"], serde_json::json!(["lowercase", "asciifolding"]));
/// ```
#[derive(Debug, Clone)]
pub struct Index {
    name: String,
    settings: Map<String, Value>,
    analysis: Analysis,
    mapping: Option<Mapping>,
    aliases: Map<String, Value>,
    using: Using,
}

impl UseConnection for Index {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

/// An index operation refused before anything was sent: the analysis of an open index
/// would change (as elasticsearch.dsl's `IllegalOperation`), or the index's own analysis
/// defines a name twice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IllegalOperation {
    /// The index.
    pub index: String,
    /// What was refused, and what to do.
    pub reason: String,
}

impl std::fmt::Display for IllegalOperation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "index `{}`: {}", self.index, self.reason)
    }
}

impl std::error::Error for IllegalOperation {}

fn illegal(index: &str, reason: String) -> Error {
    let index = index.to_string();
    Error::other(ErrorKind::BadRequest, IllegalOperation { index, reason })
}

impl Index {
    /// An index called `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Index {
            name: name.into(),
            settings: Map::new(),
            analysis: Analysis::new(),
            mapping: None,
            aliases: Map::new(),
            using: Using::default(),
        }
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// An index setting (`number_of_shards`, `refresh_interval`...).
    pub fn setting(mut self, key: &str, value: impl Serialize) -> Self {
        self.settings.insert(key.to_string(), json!(value));
        self
    }
    /// Several settings (a JSON object), beside those given before.
    pub fn settings(mut self, settings: Value) -> Self {
        if let Value::Object(m) = settings {
            self.settings.extend(m);
        }
        self
    }
    /// An analyzer or normalizer with what it needs (elasticsearch.dsl's
    /// `Index.analyzer`), for fields that name it.
    pub fn analyzer(mut self, a: &(impl AnalysisRef + ?Sized)) -> Self {
        self.analysis.add(a);
        self
    }
    /// The mapping; fields of a mapping given before are kept unless given again.
    pub fn mapping(mut self, m: Mapping) -> Self {
        self.mapping = Some(match self.mapping.take() {
            None => m,
            Some(mut have) => {
                let props = have.properties.get_or_insert_with(Default::default);
                props.extend(m.properties.unwrap_or_default());
                have
            }
        });
        self
    }
    /// A document type stored here (elasticsearch.dsl's `Index.document`): its mapping,
    /// settings and the analysis its fields need are added to the index's.
    pub fn document<D: Document>(self) -> Self {
        let mut idx = self.mapping(D::mapping()).settings(D::settings());
        idx.analysis.merge(D::analysis());
        idx
    }
    /// An alias.
    pub fn alias(self, name: &str) -> Self {
        self.alias_with(name, json!({}))
    }
    /// An alias with options (`filter`, `routing`, `is_write_index`...).
    pub fn alias_with(mut self, name: &str, options: Value) -> Self {
        self.aliases.insert(name.to_string(), options);
        self
    }
    /// The analysis collected so far.
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }
    /// The settings, with the analysis under `analysis` (merged into one given as a setting).
    fn settings_json(&self) -> Map<String, Value> {
        let mut settings = self.settings.clone();
        if let Value::Object(collected) = self.analysis.to_json() {
            let entry = settings.entry("analysis").or_insert_with(|| json!({}));
            if let Value::Object(given) = entry {
                for (section, defs) in collected {
                    match (given.get_mut(&section), defs) {
                        (Some(Value::Object(have)), Value::Object(add)) => have.extend(add),
                        (_, defs) => {
                            given.insert(section, defs);
                        }
                    }
                }
            }
            if entry.as_object().is_some_and(Map::is_empty) {
                settings.remove("analysis");
            }
        }
        settings
    }
    /// The create-index body.
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        let settings = self.settings_json();
        if !settings.is_empty() {
            m.insert("settings".into(), Value::Object(settings));
        }
        if let Some(mapping) = &self.mapping {
            m.insert("mappings".into(), mapping.to_json());
        }
        if !self.aliases.is_empty() {
            m.insert("aliases".into(), Value::Object(self.aliases.clone()));
        }
        Value::Object(m)
    }
    /// A composable index template applying this index's settings, mapping and aliases to
    /// new indices matching `patterns` (elasticsearch.dsl's `as_composable_template`).
    pub fn as_template<S: AsRef<str>>(
        &self,
        name: &str,
        patterns: impl IntoIterator<Item = S>,
    ) -> IndexTemplate {
        IndexTemplate {
            name: name.to_string(),
            patterns: patterns
                .into_iter()
                .map(|p| p.as_ref().to_string())
                .collect(),
            template: self.body(),
            priority: None,
            composed_of: Vec::new(),
            data_stream: false,
            using: self.using.clone(),
        }
    }
    fn conflicts(&self) -> Result<(), Error> {
        match self.analysis.conflicts().first() {
            Some(c) => Err(illegal(&self.name, c.to_string())),
            None => Ok(()),
        }
    }
}

/// Settings as Elasticsearch answers them: scalars as strings (`"1"`, `"true"`), so a
/// definition compares equal to what the server stored.
fn as_stored(v: &Value) -> Value {
    match v {
        Value::Number(n) => Value::String(n.to_string()),
        Value::Bool(b) => Value::String(b.to_string()),
        Value::Array(a) => Value::Array(a.iter().map(as_stored).collect()),
        Value::Object(m) => {
            Value::Object(m.iter().map(|(k, v)| (k.clone(), as_stored(v))).collect())
        }
        other => other.clone(),
    }
}

/// An analysis definition as compared with the stored one: scalars as strings, and an
/// analyzer or normalizer without `"type": "custom"` (the type it has when none is given).
fn comparable(section: &str, v: &Value) -> Value {
    let mut v = as_stored(v);
    if matches!(section, "analyzer" | "normalizer") {
        if let Value::Object(m) = &mut v {
            if m.get("type").is_some_and(|t| t == "custom") {
                m.remove("type");
            }
        }
    }
    v
}

pub(crate) mod run {
    use super::*;

    pub async fn create(c: &Client, name: &str, body: &Value) -> Result<(), Error> {
        c.indices().create(name).body(body).send().await.map(|_| ())
    }
    pub async fn is_closed(c: &Client, name: &str) -> Result<bool, Error> {
        let rows: Value = c
            .cat()
            .indices()
            .index(name)
            .param("format", "json")
            .param("h", "index,status")
            .json()
            .await?;
        let row = rows
            .as_array()
            .and_then(|r| r.iter().find(|r| r["index"] == name));
        Ok(row.is_some_and(|r| r["status"] == "close"))
    }

    /// Creates the index, or brings an existing one to this definition, as
    /// elasticsearch.dsl's `Index.save`: new analysis only on a closed index (an open one
    /// whose analysis would change is refused, nothing sent), settings that differ from the
    /// stored ones, then the mapping (a conflicting field is the server's error).
    pub async fn save(c: &Client, idx: &Index) -> Result<(), Error> {
        idx.conflicts()?;
        let name = idx.name.as_str();
        if !c.indices().exists(name).send().await? {
            return create(c, name, &idx.body()).await;
        }
        let current: Value = c.indices().get_settings().index(name).json().await?;
        let stored = current
            .as_object()
            .and_then(|m| m.values().next())
            .map(|v| v["settings"]["index"].clone())
            .unwrap_or(Value::Null);
        let mut settings = idx.settings_json();
        let analysis = settings.remove("analysis");
        if let Some(Value::Object(analysis)) = analysis {
            if is_closed(c, name).await? {
                settings.insert("analysis".into(), Value::Object(analysis));
            } else {
                for (section, defs) in &analysis {
                    for (def_name, def) in defs.as_object().into_iter().flatten() {
                        let have = &stored["analysis"][section][def_name];
                        if comparable(section, have) != comparable(section, def) {
                            let reason = format!(
                                "its analysis would change ({section} `{def_name}`), which an open \
                                 index cannot take: close the index first, save, then open it"
                            );
                            return Err(illegal(name, reason));
                        }
                    }
                }
            }
        }
        settings.retain(|k, v| {
            let key = k.strip_prefix("index.").unwrap_or(k);
            stored.get(key) != Some(&as_stored(v))
        });
        if !settings.is_empty() {
            c.indices()
                .put_settings()
                .index(name)
                .body(&Value::Object(settings))
                .send()
                .await?;
        }
        if let Some(mapping) = &idx.mapping {
            c.indices()
                .put_mapping(name)
                .body(&mapping.to_json())
                .send()
                .await?;
        }
        Ok(())
    }
}

/// An operation on the index, template or data stream called `name`.
fn named_job<F: Flavor, T: Send + 'static>(
    on: impl Runner<F>,
    using: &Using,
    name: &str,
    f: impl FnOnce(Client, String) -> BoxFuture<'static, T> + Send + 'static,
) -> Run<F, Job<'static, T>> {
    let name = name.to_string();
    bind_job(on, using, move |c| f(c, name))
}

/// The answer of an index API that has no typed response here yet, as JSON.
type Json = Value;

impl Index {
    fn job<F: Flavor, T: Send + 'static>(
        &self,
        on: impl Runner<F>,
        f: impl FnOnce(Client, String) -> BoxFuture<'static, T> + Send + 'static,
    ) -> Run<F, Job<'static, T>> {
        named_job(on, &self.using, &self.name, f)
    }
    /// Creates the index with its settings, analysis, mapping and aliases. Like every
    /// operation here it runs on `on` (a client, or a registry resolving
    /// [`using`](UseConnection::using)): `.send().await` with an async runner, `.send()`
    /// with a blocking one.
    pub fn create<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        let (body, checked) = (self.body(), self.conflicts());
        self.job(on, move |c, name| {
            Box::pin(async move {
                checked?;
                run::create(&c, &name, &body).await
            })
        })
    }
    /// Creates the index if it does not exist, otherwise updates it to this definition
    /// (elasticsearch.dsl's `save`): analysis only when the index is closed (an open
    /// index whose analysis would change is an [`IllegalOperation`] error and nothing is
    /// sent), the settings that differ from the stored ones, and the mapping (new fields;
    /// a field whose type would change is the server's error).
    pub fn save<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        let idx = self.clone();
        self.job(on, move |c, _| {
            Box::pin(async move { run::save(&c, &idx).await })
        })
    }
    /// Whether it exists.
    pub fn exists<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().exists(name).send().await })
        })
    }
    /// Whether it is closed.
    pub fn is_closed<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        self.job(on, |c, name| {
            Box::pin(async move { run::is_closed(&c, &name).await })
        })
    }
    /// Deletes it.
    pub fn delete<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().delete(name).send().await.map(|_| ()) })
        })
    }
    /// Refreshes it: what was written becomes searchable.
    pub fn refresh<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().refresh().index(name).send().await.map(|_| ()) })
        })
    }
    /// Flushes it to disk.
    pub fn flush<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().flush().index(name).send().await.map(|_| ()) })
        })
    }
    /// Opens it (after [`close`](Self::close)).
    pub fn open<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().open(name).send().await.map(|_| ()) })
        })
    }
    /// Closes it: no reads or writes until opened; its analysis can then change.
    pub fn close<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().close(name).send().await.map(|_| ()) })
        })
    }
    /// Merges its segments (`max_num_segments` when given).
    pub fn forcemerge<F: Flavor>(
        &self,
        max_num_segments: Option<u64>,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, Json>> {
        self.job(on, move |c, name| {
            Box::pin(async move {
                let mut call = c.indices().forcemerge().index(name);
                if let Some(n) = max_num_segments {
                    call = call.max_num_segments(n as i64);
                }
                call.json().await
            })
        })
    }
    /// Its definition as the server has it (settings, mappings, aliases), as JSON.
    pub fn get<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().get(name).json().await })
        })
    }
    /// Its mapping as the server has it.
    pub fn get_mapping<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().get_mapping().index(name).json().await })
        })
    }
    /// Its settings as the server has them (scalars as strings, as Elasticsearch answers).
    pub fn get_settings<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().get_settings().index(name).json().await })
        })
    }
    /// Changes settings of the existing index (`{"number_of_replicas": 0}`).
    pub fn put_settings<F: Flavor>(
        &self,
        settings: Value,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, ()>> {
        self.job(on, move |c, name| {
            Box::pin(async move {
                let call = c.indices().put_settings().index(name).body(&settings);
                call.send().await.map(|_| ())
            })
        })
    }
    /// Adds fields to the mapping of the existing index.
    pub fn put_mapping<F: Flavor>(
        &self,
        mapping: &Mapping,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, ()>> {
        let mapping = mapping.to_json();
        self.job(on, move |c, name| {
            Box::pin(async move {
                let call = c.indices().put_mapping(name).body(&mapping);
                call.send().await.map(|_| ())
            })
        })
    }
    /// Its aliases as the server has them.
    pub fn get_alias<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().get_alias().index(name).json().await })
        })
    }
    /// Adds the alias `alias` (with options: `{}` for none) to the existing index.
    pub fn put_alias<F: Flavor>(
        &self,
        alias: &str,
        options: Value,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, ()>> {
        let alias = alias.to_string();
        self.job(on, move |c, name| {
            Box::pin(async move {
                let call = c.indices().put_alias(name, alias).body(&options);
                call.send().await.map(|_| ())
            })
        })
    }
    /// Whether the index has the alias `alias`.
    pub fn exists_alias<F: Flavor>(
        &self,
        alias: &str,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, bool>> {
        let alias = alias.to_string();
        self.job(on, move |c, name| {
            Box::pin(async move { c.indices().exists_alias(alias).index(name).send().await })
        })
    }
    /// Removes the alias `alias` from the index.
    pub fn delete_alias<F: Flavor>(
        &self,
        alias: &str,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, ()>> {
        let alias = alias.to_string();
        self.job(on, move |c, name| {
            Box::pin(async move {
                c.indices()
                    .delete_alias(name, alias)
                    .send()
                    .await
                    .map(|_| ())
            })
        })
    }
    /// Runs text through an analyzer of the index (`{"analyzer": "folded", "text": "..."}`)
    /// and answers with its tokens.
    pub fn analyze<F: Flavor>(
        &self,
        body: Value,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, Json>> {
        self.job(on, move |c, name| {
            Box::pin(async move { c.indices().analyze().index(name).body(&body).json().await })
        })
    }
    /// Its statistics (documents, store, indexing, search...).
    pub fn stats<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().stats().index(name).json().await })
        })
    }
}

/// A composable index template (`_index_template`): settings, mappings and aliases for new
/// indices whose names match its patterns, or the backing indices of data streams.
///
/// ```
/// use es_dsl::{Index, Mapping, Property};
/// let logs = Index::new("logs").mapping(Mapping::new().field("@timestamp", Property::date()));
/// let t = logs.as_template("logs", ["logs-*"]).priority(200).data_stream(true);
/// assert_eq!(t.body(), serde_json::json!({
///     "index_patterns": ["logs-*"], "priority": 200, "data_stream": {},
///     "template": {"mappings": {"properties": {"@timestamp": {"type": "date"}}}}
/// }));
/// ```
#[derive(Debug, Clone)]
pub struct IndexTemplate {
    name: String,
    patterns: Vec<String>,
    template: Value,
    priority: Option<u64>,
    composed_of: Vec<String>,
    data_stream: bool,
    using: Using,
}

impl UseConnection for IndexTemplate {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

impl IndexTemplate {
    /// Which template wins when several match (higher wins).
    pub fn priority(mut self, n: u64) -> Self {
        self.priority = Some(n);
        self
    }
    /// Component templates it is composed of, in order.
    pub fn composed_of<S: AsRef<str>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.composed_of = names.into_iter().map(|n| n.as_ref().to_string()).collect();
        self
    }
    /// Whether matching names create data streams rather than indices.
    pub fn data_stream(mut self, yes: bool) -> Self {
        self.data_stream = yes;
        self
    }
    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// The `_index_template` body.
    pub fn body(&self) -> Value {
        let mut m = Map::new();
        m.insert("index_patterns".into(), json!(self.patterns));
        if let Some(p) = self.priority {
            m.insert("priority".into(), json!(p));
        }
        if !self.composed_of.is_empty() {
            m.insert("composed_of".into(), json!(self.composed_of));
        }
        if self.data_stream {
            m.insert("data_stream".into(), json!({}));
        }
        if self.template.as_object().is_some_and(|t| !t.is_empty()) {
            m.insert("template".into(), self.template.clone());
        }
        Value::Object(m)
    }
    fn job<F: Flavor, T: Send + 'static>(
        &self,
        on: impl Runner<F>,
        f: impl FnOnce(Client, String) -> BoxFuture<'static, T> + Send + 'static,
    ) -> Run<F, Job<'static, T>> {
        named_job(on, &self.using, &self.name, f)
    }
    /// Creates or replaces the template.
    pub fn save<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        let body = self.body();
        self.job(on, move |c, name| {
            Box::pin(async move {
                let call = c.indices().put_index_template(name).body(&body);
                call.send().await.map(|_| ())
            })
        })
    }
    /// Whether it exists.
    pub fn exists<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, bool>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().exists_index_template(name).send().await })
        })
    }
    /// Deletes it.
    pub fn delete<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move {
                c.indices()
                    .delete_index_template(name)
                    .send()
                    .await
                    .map(|_| ())
            })
        })
    }
}

/// A data stream: append-only time series in backing indices made from the index template
/// matching its name (one with [`IndexTemplate::data_stream`]).
#[derive(Debug, Clone)]
pub struct DataStream {
    name: String,
    using: Using,
}

impl UseConnection for DataStream {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

impl DataStream {
    /// The data stream `name`.
    pub fn new(name: impl Into<String>) -> Self {
        DataStream {
            name: name.into(),
            using: Using::default(),
        }
    }
    /// Its name: also what documents are written to and searches read.
    pub fn name(&self) -> &str {
        &self.name
    }
    fn job<F: Flavor, T: Send + 'static>(
        &self,
        on: impl Runner<F>,
        f: impl FnOnce(Client, String) -> BoxFuture<'static, T> + Send + 'static,
    ) -> Run<F, Job<'static, T>> {
        named_job(on, &self.using, &self.name, f)
    }
    /// Creates it (a matching data-stream template must exist).
    pub fn create<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move {
                c.indices()
                    .create_data_stream(name)
                    .send()
                    .await
                    .map(|_| ())
            })
        })
    }
    /// Its state (backing indices, generation, template...), as JSON.
    pub fn get<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().get_data_stream().name(name).json().await })
        })
    }
    /// Rolls it over to a new backing index.
    pub fn rollover<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Json>> {
        self.job(on, |c, name| {
            Box::pin(async move { c.indices().rollover(name).json().await })
        })
    }
    /// Deletes it with its backing indices.
    pub fn delete<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, ()>> {
        self.job(on, |c, name| {
            Box::pin(async move {
                c.indices()
                    .delete_data_stream(name)
                    .send()
                    .await
                    .map(|_| ())
            })
        })
    }
}
