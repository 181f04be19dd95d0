//! [`UpdateByQuery`]: change every document a query matches, as a value (elasticsearch.dsl's
//! `UpdateByQuery`), on the same query building as [`Search`].

use es_client::{Client, Error, Flavor, Job, Run};
use es_connections::{bind_job, Runner, UseConnection, Using};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{Query, Search};

/// An update by query: indices and query as a [`Search`] takes them, and a script.
///
/// ```
/// use es_dsl::{Query, UpdateByQuery};
/// let u = UpdateByQuery::new()
///     .index("books")
///     .filter(Query::term("status", "draft"))
///     .script("ctx._source.views += params.n", serde_json::json!({"n": 1}));
/// assert_eq!(u.to_json()["query"]["bool"]["filter"][0]["term"]["status"]["value"], "draft");
/// assert_eq!(u.to_json()["script"]["params"]["n"], 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct UpdateByQuery {
    search: Search<Value>,
    script: Option<Value>,
}

impl UseConnection for UpdateByQuery {
    fn using_mut(&mut self) -> &mut Using {
        self.search.using_mut()
    }
}

impl UpdateByQuery {
    /// Every document of every index, until `index` and `query` narrow it.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an index, alias or pattern.
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.search = self.search.index(index);
        self
    }
    /// ANDs a query, with elasticsearch.dsl's rules (as [`Search::query`]).
    pub fn query(mut self, q: Query) -> Self {
        self.search = self.search.query(q);
        self
    }
    /// ANDs a non-scoring filter (as [`Search::filter`]).
    pub fn filter(mut self, q: Query) -> Self {
        self.search = self.search.filter(q);
        self
    }
    /// Leaves out the documents matching `q` (as [`Search::exclude`]).
    pub fn exclude(mut self, q: Query) -> Self {
        self.search = self.search.exclude(q);
        self
    }
    /// The (painless) script run on each document, with its parameters.
    pub fn script(mut self, source: &str, params: Value) -> Self {
        self.script = Some(json!({ "source": source, "params": params }));
        self
    }
    /// A query parameter (`conflicts=proceed`, `refresh`, `slices`, `routing`...).
    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        self.search = self.search.param(name, value);
        self
    }
    /// The request body.
    pub fn to_json(&self) -> Value {
        let mut body = self.search.query_body();
        if let (Some(m), Some(s)) = (body.as_object_mut(), &self.script) {
            m.insert("script".into(), s.clone());
        }
        body
    }
    /// Runs it on `on` (a client, or a registry where `using` is looked up).
    pub fn execute<F: Flavor>(
        &self,
        on: impl Runner<F>,
    ) -> Run<F, Job<'static, UpdateByQueryResponse>> {
        let (index, body) = (self.search.index_list(), self.to_json());
        let params = self.search.params().to_vec();
        bind_job(on, self.search.connection(), move |c| async move {
            execute(&c, &index, &body, &params).await
        })
    }
}

async fn execute(
    c: &Client,
    index: &str,
    body: &Value,
    params: &[(String, String)],
) -> Result<UpdateByQueryResponse, Error> {
    let mut call = c.update_by_query(index).body(body);
    for (name, value) in params {
        call = call.param(name, value);
    }
    call.send_raw().await?.json()
}

/// What an update by query did.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UpdateByQueryResponse {
    /// Milliseconds taken.
    #[serde(default)]
    pub took: u64,
    /// Whether it timed out (then only part of the documents were changed).
    #[serde(default)]
    pub timed_out: bool,
    /// Documents matched.
    #[serde(default)]
    pub total: u64,
    /// Documents changed.
    #[serde(default)]
    pub updated: u64,
    /// Documents deleted (by a script setting `ctx.op = "delete"`).
    #[serde(default)]
    pub deleted: u64,
    /// Documents the script left unchanged (`ctx.op = "noop"`).
    #[serde(default)]
    pub noops: u64,
    /// Documents changed by someone else meanwhile.
    #[serde(default)]
    pub version_conflicts: u64,
    /// Scroll batches.
    #[serde(default)]
    pub batches: u64,
    /// Failures (search or write), as the server reported them.
    #[serde(default)]
    pub failures: Vec<Value>,
}

impl UpdateByQueryResponse {
    /// Whether every matched document was handled: no timeout, no failure, no conflict.
    pub fn success(&self) -> bool {
        !self.timed_out && self.failures.is_empty() && self.version_conflicts == 0
    }
}
