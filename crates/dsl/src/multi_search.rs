//! [`MultiSearch`]: several searches in one request (`_msearch`), each answer typed, an
//! errored one as an `Err` in its place (elasticsearch.dsl's `MultiSearch`).

use es_client::{Client, Error, ErrorKind, Flavor, Job, Run};
use es_connections::{bind_job, Runner, UseConnection, Using};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use crate::search::run::parse;
use crate::{Search, SearchResult};

/// Searches sent together; `execute` gives one result per search, in order.
///
/// ```
/// use es_dsl::{MultiSearch, Query, Search};
/// let ms = MultiSearch::<serde_json::Value>::new()
///     .index("books")
///     .add(Search::new().query(Query::match_("title", "dune")))
///     .add(Search::new().index("films").size(1));
/// let lines = ms.to_lines();
/// assert_eq!(lines[0], serde_json::json!({"index": "books"}));
/// assert_eq!(lines[2], serde_json::json!({"index": "films"}));
/// assert_eq!(lines[3], serde_json::json!({"size": 1}));
/// ```
#[derive(Debug)]
pub struct MultiSearch<T = Value> {
    using: Using,
    index: Option<String>,
    searches: Vec<Search<T>>,
}

impl<T> Clone for MultiSearch<T> {
    fn clone(&self) -> Self {
        MultiSearch {
            using: self.using.clone(),
            index: self.index.clone(),
            searches: self.searches.clone(),
        }
    }
}

impl<T> Default for MultiSearch<T> {
    fn default() -> Self {
        MultiSearch {
            using: Using::default(),
            index: None,
            searches: Vec::new(),
        }
    }
}

impl<T> UseConnection for MultiSearch<T> {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

impl<T> MultiSearch<T> {
    /// No searches yet.
    pub fn new() -> Self {
        Self::default()
    }
    /// The index of the searches that name none.
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.index = Some(index.into());
        self
    }
    /// Adds a search (named as elasticsearch.dsl's `MultiSearch.add`; it does not combine
    /// two values, so not `std::ops::Add`).
    #[allow(clippy::should_implement_trait)]
    pub fn add(mut self, search: Search<T>) -> Self {
        self.searches.push(search);
        self
    }
    /// The request body: a header line and a body line per search.
    pub fn to_lines(&self) -> Vec<Value> {
        let mut lines = Vec::with_capacity(self.searches.len() * 2);
        for s in &self.searches {
            let index = s.indices().or_else(|| self.index.clone());
            lines.push(match index {
                Some(i) => json!({ "index": i }),
                None => json!({}),
            });
            lines.push(s.to_json());
        }
        lines
    }
}

impl<T: DeserializeOwned + Send + 'static> MultiSearch<T> {
    /// Runs every search in one request: one result per search, in order; a search the
    /// server refused is an `Err` in its place (typed by its status), the others stay.
    pub fn execute<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, Results<T>>> {
        let lines = self.to_lines();
        let asked: Vec<_> = self
            .searches
            .iter()
            .map(|s| (s.aggregations().clone(), s.keeps_unreadable()))
            .collect();
        bind_job(on, &self.using, move |c| async move {
            execute(&c, &lines, &asked).await
        })
    }
}

/// One result per search of a [`MultiSearch`], in order.
pub type Results<T> = Vec<Result<SearchResult<T>, Error>>;

type Asked = (std::collections::BTreeMap<String, crate::Aggregation>, bool);

async fn execute<T: DeserializeOwned>(
    c: &Client,
    lines: &[Value],
    asked: &[Asked],
) -> Result<Results<T>, Error> {
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let resp = c.msearch().body_lines(lines).send_raw().await?;
    let answer: Answer = resp.json()?;
    if answer.responses.len() != asked.len() {
        let why = ItemError(format!(
            "{} answers for {} searches",
            answer.responses.len(),
            asked.len()
        ));
        return Err(Error::other(ErrorKind::Serialization, why));
    }
    Ok(answer
        .responses
        .iter()
        .zip(asked)
        .map(|(raw, (aggs, keep))| item(raw, aggs, *keep))
        .collect())
}

fn item<T: DeserializeOwned>(
    raw: &RawValue,
    aggs: &std::collections::BTreeMap<String, crate::Aggregation>,
    keep: bool,
) -> Result<SearchResult<T>, Error> {
    #[derive(Deserialize)]
    struct Status {
        #[serde(default)]
        status: Option<u16>,
        #[serde(default)]
        error: Option<Value>,
    }
    let head: Status =
        serde_json::from_str(raw.get()).map_err(|e| Error::deserialize("msearch answer", e))?;
    if let Some(error) = head.error {
        let status = head.status.unwrap_or(500);
        let kind = es_client::transport::http::StatusCode::from_u16(status)
            .map(ErrorKind::from_status)
            .unwrap_or(ErrorKind::ServerError);
        return Err(Error::other(
            kind,
            ItemError(format!("status {status}: {error}")),
        ));
    }
    parse(raw.get().as_bytes(), aggs, keep)
}

#[derive(Deserialize)]
struct Answer {
    responses: Vec<Box<RawValue>>,
}

/// A search of a multi-search that the server refused (its status and error), or an answer
/// without one entry per search.
#[derive(Debug)]
pub struct ItemError(String);

impl std::fmt::Display for ItemError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ItemError {}
