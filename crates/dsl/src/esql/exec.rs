//! Running ES|QL queries (sync and async, on a client or a registry's `using`), async queries
//! kept on the server, and reading the answer: columns, rows, typed rows, documents.

use std::time::Duration;

use es_client::{Client, Error, Flavor, Job, Run};
use es_connections::{bind_job, Runner, Using};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::query::{Esql, EsqlQuery};
use crate::{Doc, Document, Meta, Query};

/// How a query is run: the request's options besides the query itself. The async ones
/// (`wait_for_completion_timeout`, `keep_alive`, `keep_on_completion`) apply to
/// [`Esql::submit`] and [`get_async`].
///
/// ```
/// use es_dsl::{esql::EsqlOptions, Query};
/// let o = EsqlOptions::new().columnar(true).drop_null_columns(true).filter(Query::term("env", "prod"));
/// # let _ = o;
/// ```
#[derive(Debug, Clone, Default)]
pub struct EsqlOptions {
    columnar: bool,
    drop_null_columns: bool,
    filter: Option<Value>,
    locale: Option<String>,
    time_zone: Option<String>,
    include_ccs_metadata: Option<bool>,
    profile: bool,
    allow_partial_results: Option<bool>,
    wait_for_completion_timeout: Option<Duration>,
    keep_alive: Option<Duration>,
    keep_on_completion: Option<bool>,
}

impl EsqlOptions {
    /// The defaults: row answers, null columns kept.
    pub fn new() -> Self {
        Self::default()
    }
    /// Ask for the answer column by column (read the same way through [`EsqlResult`]).
    pub fn columnar(mut self, on: bool) -> Self {
        self.columnar = on;
        self
    }
    /// Leave out columns that are `null` in every row (they are listed in `all_columns`).
    pub fn drop_null_columns(mut self, on: bool) -> Self {
        self.drop_null_columns = on;
        self
    }
    /// A Query DSL filter applied before the query runs.
    pub fn filter(mut self, q: Query) -> Self {
        self.filter = Some(q.to_json());
        self
    }
    /// Locale of date formats.
    pub fn locale(mut self, l: impl Into<String>) -> Self {
        self.locale = Some(l.into());
        self
    }
    /// Time zone of date functions.
    pub fn time_zone(mut self, tz: impl Into<String>) -> Self {
        self.time_zone = Some(tz.into());
        self
    }
    /// Cross-cluster metadata in the answer.
    pub fn include_ccs_metadata(mut self, on: bool) -> Self {
        self.include_ccs_metadata = Some(on);
        self
    }
    /// The server's profile of the query in the answer (`EsqlResult::profile`).
    pub fn profile(mut self, on: bool) -> Self {
        self.profile = on;
        self
    }
    /// Partial results when shards fail (`EsqlResult::is_partial`).
    pub fn allow_partial_results(mut self, on: bool) -> Self {
        self.allow_partial_results = Some(on);
        self
    }
    /// Async: how long the submit (or a get) waits for the answer before returning an id.
    pub fn wait_for_completion_timeout(mut self, d: Duration) -> Self {
        self.wait_for_completion_timeout = Some(d);
        self
    }
    /// Async: how long the server keeps the query and its answer.
    pub fn keep_alive(mut self, d: Duration) -> Self {
        self.keep_alive = Some(d);
        self
    }
    /// Async: keep the answer (and return an id) even when it came within the wait.
    pub fn keep_on_completion(mut self, on: bool) -> Self {
        self.keep_on_completion = Some(on);
        self
    }

    fn body(&self, q: &EsqlQuery, asynchronous: bool) -> Value {
        let mut b = Map::new();
        b.insert("query".into(), json!(q.query));
        if !q.params.is_empty() {
            b.insert("params".into(), Value::Array(q.params.clone()));
        }
        if self.columnar {
            b.insert("columnar".into(), json!(true));
        }
        if let Some(f) = &self.filter {
            b.insert("filter".into(), f.clone());
        }
        if let Some(l) = &self.locale {
            b.insert("locale".into(), json!(l));
        }
        if let Some(tz) = &self.time_zone {
            b.insert("time_zone".into(), json!(tz));
        }
        if let Some(v) = self.include_ccs_metadata {
            b.insert("include_ccs_metadata".into(), json!(v));
        }
        if self.profile {
            b.insert("profile".into(), json!(true));
        }
        if asynchronous {
            if let Some(d) = self.wait_for_completion_timeout {
                b.insert("wait_for_completion_timeout".into(), json!(millis(d)));
            }
            if let Some(d) = self.keep_alive {
                b.insert("keep_alive".into(), json!(millis(d)));
            }
            if let Some(v) = self.keep_on_completion {
                b.insert("keep_on_completion".into(), json!(v));
            }
        }
        Value::Object(b)
    }
}

fn millis(d: Duration) -> String {
    format!("{}ms", d.as_millis())
}

impl Esql {
    /// Runs the query on `on` (a client, or a registry: the query's `using`): `.send().await`
    /// with an async runner, `.send()` with a blocking one. A query that cannot be rendered
    /// is an error before anything is sent ([`EsqlError`](super::EsqlError) as its cause).
    pub fn execute<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, EsqlResult>> {
        self.execute_with(on, &EsqlOptions::default())
    }

    /// [`execute`](Self::execute) with options (columnar, filter, time zone...).
    pub fn execute_with<F: Flavor>(
        &self,
        on: impl Runner<F>,
        opts: &EsqlOptions,
    ) -> Run<F, Job<'static, EsqlResult>> {
        let rendered = self.render();
        let opts = opts.clone();
        bind_job(on, &self.using, move |c| async move {
            let q = rendered?;
            run(&c, &q, &opts).await
        })
    }

    /// Submits the query as an async query: the answer when it came within
    /// `wait_for_completion_timeout` (default 1 s on the server), else an id to
    /// [`get_async`] later.
    pub fn submit<F: Flavor>(
        &self,
        on: impl Runner<F>,
        opts: &EsqlOptions,
    ) -> Run<F, Job<'static, AsyncEsqlResult>> {
        let rendered = self.render();
        let opts = opts.clone();
        bind_job(on, &self.using, move |c| async move {
            let q = rendered?;
            let body = opts.body(&q, true);
            let mut call = c.esql().async_query().body(&body);
            if opts.drop_null_columns {
                call = call.drop_null_columns(true);
            }
            let raw: Value = call.json().await?;
            AsyncEsqlResult::read(raw, opts.columnar)
        })
    }

    /// `FROM <D's index> METADATA _id | KEEP _id, <D's fields>`: the documents of type `D`,
    /// on `D`'s `using`; more commands can follow, and [`EsqlResult::documents`] reads the
    /// rows back.
    pub fn documents<D: Document>() -> Esql {
        let mut fields = vec!["_id".to_string()];
        leaf_fields(&D::mapping().to_json(), "", &mut fields);
        let mut q = Esql::from([D::INDEX]).metadata(["_id"]).keep(fields);
        q.using = D::using();
        q
    }
}

/// The source fields of a mapping, as ES|QL names them (dotted paths of leaf fields; nested
/// fields are not columns in ES|QL).
fn leaf_fields(mapping: &Value, prefix: &str, out: &mut Vec<String>) {
    let Some(props) = mapping.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, p) in props {
        let path = format!("{prefix}{name}");
        match p.get("type").and_then(Value::as_str) {
            Some("nested") => {}
            Some("object") | None if p.get("properties").is_some() => {
                leaf_fields(p, &format!("{path}."), out)
            }
            _ => out.push(path),
        }
    }
}

async fn run(client: &Client, q: &EsqlQuery, opts: &EsqlOptions) -> Result<EsqlResult, Error> {
    let body = opts.body(q, false);
    let mut call = client.esql().query().body(&body);
    if opts.drop_null_columns {
        call = call.drop_null_columns(true);
    }
    let raw: Value = call.json().await?;
    EsqlResult::read(raw, opts.columnar)
}

/// The answer of an async query: its id while it runs (or when kept), and the result once
/// it is there.
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncEsqlResult {
    /// The query's id on the server (absent when it finished within the wait and was not
    /// kept).
    pub id: Option<String>,
    /// Still running: `result` is `None`.
    pub is_running: bool,
    /// The answer, once finished.
    pub result: Option<EsqlResult>,
}

impl AsyncEsqlResult {
    fn read(raw: Value, columnar: bool) -> Result<AsyncEsqlResult, Error> {
        let id = raw.get("id").and_then(Value::as_str).map(str::to_string);
        let is_running = raw
            .get("is_running")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let result = if is_running || raw.get("columns").is_none() {
            None
        } else {
            Some(EsqlResult::read(raw, columnar)?)
        };
        Ok(AsyncEsqlResult {
            id,
            is_running,
            result,
        })
    }
}

/// Polls an async query: its answer once finished (waiting up to
/// `wait_for_completion_timeout` of `opts`).
pub fn get_async<F: Flavor>(
    on: impl Runner<F>,
    id: &str,
    opts: &EsqlOptions,
) -> Run<F, Job<'static, AsyncEsqlResult>> {
    let (id, opts) = (id.to_string(), opts.clone());
    bind_job(on, &Using::default(), move |c| async move {
        let mut call = c.esql().async_query_get(id);
        if let Some(d) = opts.wait_for_completion_timeout {
            call = call.wait_for_completion_timeout(d);
        }
        if let Some(d) = opts.keep_alive {
            call = call.keep_alive(d);
        }
        if opts.drop_null_columns {
            call = call.drop_null_columns(true);
        }
        let raw: Value = call.json().await?;
        AsyncEsqlResult::read(raw, opts.columnar)
    })
}

/// Deletes an async query and its answer (`true` when the server acknowledged it).
pub fn delete_async<F: Flavor>(on: impl Runner<F>, id: &str) -> Run<F, Job<'static, bool>> {
    let id = id.to_string();
    bind_job(on, &Using::default(), move |c| async move {
        let raw: Value = c.esql().async_query_delete(id).json().await?;
        Ok(raw
            .get("acknowledged")
            .and_then(Value::as_bool)
            .unwrap_or(false))
    })
}

/// A column of an ES|QL answer.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct EsqlColumn {
    /// Name (dotted for object fields: `user.name`).
    pub name: String,
    /// ES|QL type (`keyword`, `long`, `double`, `date`, `boolean`, `ip`, `geo_point`...).
    #[serde(rename = "type")]
    pub column_type: String,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(default)]
    columns: Vec<EsqlColumn>,
    #[serde(default)]
    values: Vec<Vec<Value>>,
    #[serde(default)]
    all_columns: Option<Vec<EsqlColumn>>,
    #[serde(default)]
    took: Option<u64>,
    #[serde(default)]
    is_partial: bool,
    #[serde(default)]
    profile: Option<Value>,
}

/// An ES|QL answer: columns and their values, read the same way whether the server sent it
/// row by row or column by column (`columnar`).
#[derive(Debug, Clone, PartialEq)]
pub struct EsqlResult {
    /// The columns.
    pub columns: Vec<EsqlColumn>,
    /// With `drop_null_columns`: every column, the dropped ones included.
    pub all_columns: Option<Vec<EsqlColumn>>,
    /// Milliseconds the server took.
    pub took: Option<u64>,
    /// Some shards failed and `allow_partial_results` let the query answer anyway.
    pub is_partial: bool,
    /// The server's profile, when asked for.
    pub profile: Option<Value>,
    /// Row-major values (a columnar answer is turned into rows).
    rows: Vec<Vec<Value>>,
}

impl EsqlResult {
    /// Reads an answer (`columnar`: the values are one array per column).
    pub fn read(raw: Value, columnar: bool) -> Result<EsqlResult, Error> {
        let r: RawResult =
            serde_json::from_value(raw).map_err(|e| Error::deserialize("EsqlResult", e))?;
        let n = r.columns.len();
        let rows = if columnar {
            let len = r.values.iter().map(Vec::len).max().unwrap_or(0);
            (0..len)
                .map(|i| {
                    (0..n)
                        .map(|c| {
                            r.values
                                .get(c)
                                .and_then(|col| col.get(i))
                                .cloned()
                                .unwrap_or(Value::Null)
                        })
                        .collect()
                })
                .collect()
        } else {
            r.values
        };
        if let Some(bad) = rows.iter().position(|row| row.len() != n) {
            return Err(Error::deserialize(
                "EsqlResult",
                serde::de::Error::custom(format!(
                    "row {bad} has {} values for {n} columns",
                    rows[bad].len()
                )),
            ));
        }
        Ok(EsqlResult {
            columns: r.columns,
            all_columns: r.all_columns,
            took: r.took,
            is_partial: r.is_partial,
            profile: r.profile,
            rows,
        })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The values, row by row, one per column.
    pub fn values(&self) -> &[Vec<Value>] {
        &self.rows
    }

    /// One column's values, or `None` when there is no such column.
    pub fn column(&self, name: &str) -> Option<Vec<&Value>> {
        let i = self.columns.iter().position(|c| c.name == name)?;
        Some(self.rows.iter().map(|r| &r[i]).collect())
    }

    /// Rows as `{column: value}` maps, with dotted column names as they are.
    pub fn rows(&self) -> Vec<Map<String, Value>> {
        self.rows
            .iter()
            .map(|row| {
                self.columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.name.clone(), v.clone()))
                    .collect()
            })
            .collect()
    }

    /// Rows deserialized into `T`, dotted column names re-nested (`user.name` fills
    /// `user: { name }`). A row that does not fit is an error naming the row and the JSON
    /// path.
    ///
    /// ```
    /// use es_dsl::esql::EsqlResult;
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct User { name: String }
    /// #[derive(serde::Deserialize, Debug, PartialEq)]
    /// struct Row { user: User, n: i64 }
    /// let r = EsqlResult::read(serde_json::json!({
    ///     "columns": [{"name": "user.name", "type": "keyword"}, {"name": "n", "type": "long"}],
    ///     "values": [["ann", 1]]
    /// }), false).unwrap();
    /// assert_eq!(r.rows_as::<Row>().unwrap(), vec![Row { user: User { name: "ann".into() }, n: 1 }]);
    /// ```
    pub fn rows_as<T: DeserializeOwned>(&self) -> Result<Vec<T>, Error> {
        self.rows
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let v = self.nested(row);
                serde_path_to_error::deserialize(v).map_err(|e| {
                    Error::deserialize(
                        &format!(
                            "{} (ES|QL row {i}, at `{}`)",
                            std::any::type_name::<T>(),
                            e.path()
                        ),
                        e.into_inner(),
                    )
                })
            })
            .collect()
    }

    /// Rows of a [`Esql::documents`] query as documents of `D`, with their `_id` (and
    /// `_index`, when the query kept it) as metadata.
    pub fn documents<D: Document>(&self) -> Result<Vec<Doc<D>>, Error> {
        let id = self.columns.iter().position(|c| c.name == "_id");
        let index = self.columns.iter().position(|c| c.name == "_index");
        let docs: Vec<D> = self.rows_as()?;
        Ok(docs
            .into_iter()
            .zip(&self.rows)
            .map(|(source, row)| {
                let text = |i: Option<usize>| i.and_then(|i| row[i].as_str().map(str::to_string));
                Doc {
                    meta: Meta {
                        index: text(index).unwrap_or_else(|| D::INDEX.to_string()),
                        id: text(id),
                        ..Meta::default()
                    },
                    source,
                }
            })
            .collect())
    }

    /// One row as a JSON object, dotted names re-nested; a metadata column (`_id`) and any
    /// name that would clash with another column's object stay as they are.
    fn nested(&self, row: &[Value]) -> Value {
        let mut out = Map::new();
        for (c, v) in self.columns.iter().zip(row) {
            if v.is_null() {
                continue;
            }
            if c.name.starts_with('_') || !c.name.contains('.') {
                out.entry(c.name.clone()).or_insert_with(|| v.clone());
                continue;
            }
            if !insert_path(&mut out, &c.name, v.clone()) {
                out.insert(c.name.clone(), v.clone());
            }
        }
        Value::Object(out)
    }
}

/// Inserts `v` at the dotted `path`; `false` when a non-object is in the way.
fn insert_path(out: &mut Map<String, Value>, path: &str, v: Value) -> bool {
    let mut parts = path.split('.').peekable();
    let mut at = out;
    while let Some(p) = parts.next() {
        if parts.peek().is_none() {
            if at.contains_key(p) {
                return false;
            }
            at.insert(p.to_string(), v);
            return true;
        }
        let next = at
            .entry(p.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        match next {
            Value::Object(m) => at = m,
            _ => return false,
        }
    }
    false
}

/// For `#[serde(deserialize_with = "es_dsl::esql::one_or_many")]` on a `Vec<T>` field:
/// ES|QL sends a single value as a scalar and several as an array (and `null` for none).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Row { #[serde(deserialize_with = "es_dsl::esql::one_or_many", default)] tags: Vec<String> }
/// let one: Row = serde_json::from_str(r#"{"tags": "a"}"#).unwrap();
/// let two: Row = serde_json::from_str(r#"{"tags": ["a", "b"]}"#).unwrap();
/// assert_eq!((one.tags.len(), two.tags.len()), (1, 2));
/// ```
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
        None(()),
    }
    Ok(match OneOrMany::<T>::deserialize(d)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(v) => vec![v],
        OneOrMany::None(()) => Vec::new(),
    })
}

/// A `geo_point` (or `cartesian_point`) column: ES|QL answers it as WKT, `POINT (lon lat)`.
///
/// ```
/// let p: es_dsl::esql::GeoPoint = serde_json::from_str(r#""POINT (-71.34 41.12)""#).unwrap();
/// assert_eq!((p.lon, p.lat), (-71.34, 41.12));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    /// Longitude (x).
    pub lon: f64,
    /// Latitude (y).
    pub lat: f64,
}

impl<'de> Deserialize<'de> for GeoPoint {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<GeoPoint, D::Error> {
        let text = String::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("not a WKT point: {text:?}"));
        let inner = text
            .trim()
            .strip_prefix("POINT")
            .map(str::trim)
            .and_then(|s| s.strip_prefix('('))
            .and_then(|s| s.strip_suffix(')'))
            .ok_or_else(bad)?;
        let mut xy = inner.split_whitespace().map(str::parse::<f64>);
        match (xy.next(), xy.next(), xy.next()) {
            (Some(Ok(lon)), Some(Ok(lat)), None) => Ok(GeoPoint { lon, lat }),
            _ => Err(bad()),
        }
    }
}
