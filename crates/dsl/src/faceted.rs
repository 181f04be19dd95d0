//! [`FacetedSearch`]: a text query with facets, as elasticsearch.dsl's `FacetedSearch`: each
//! facet's values counted with the other facets' selections applied, the selections applied
//! to the hits as a `post_filter`.

use std::collections::BTreeMap;

use es_client::{Error, Flavor, Job, Run};
use es_connections::{bind_job, Runner, UseConnection, Using};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use crate::{Aggregation, Query, Search, SearchResult};

/// One facet: what is counted, and how a selected value filters.
#[derive(Debug, Clone, PartialEq)]
pub enum Facet {
    /// Distinct values of a field (`size` of them at most, the server's default without).
    Terms {
        /// The field (a keyword).
        field: String,
        /// How many values.
        size: Option<u64>,
    },
    /// Named ranges of a numeric field: `(label, from, to)`, `to` excluded.
    Range {
        /// The field.
        field: String,
        /// The ranges.
        ranges: Vec<(String, Option<f64>, Option<f64>)>,
    },
    /// Fixed-width buckets of a numeric field (empty buckets included).
    Histogram {
        /// The field.
        field: String,
        /// Bucket width.
        interval: f64,
    },
    /// Calendar buckets of a date field (`year`, `month`, `week`, `day`...; empty ones
    /// included).
    DateHistogram {
        /// The field.
        field: String,
        /// The calendar interval.
        interval: String,
    },
}

impl Facet {
    /// Distinct values of `field`.
    pub fn terms(field: &str) -> Facet {
        Facet::Terms {
            field: field.into(),
            size: None,
        }
    }
    /// Named ranges of `field`.
    pub fn range(field: &str, ranges: &[(&str, Option<f64>, Option<f64>)]) -> Facet {
        Facet::Range {
            field: field.into(),
            ranges: ranges
                .iter()
                .map(|(l, f, t)| (l.to_string(), *f, *t))
                .collect(),
        }
    }
    /// Buckets of width `interval`.
    pub fn histogram(field: &str, interval: f64) -> Facet {
        Facet::Histogram {
            field: field.into(),
            interval,
        }
    }
    /// Calendar buckets.
    pub fn date_histogram(field: &str, interval: &str) -> Facet {
        Facet::DateHistogram {
            field: field.into(),
            interval: interval.into(),
        }
    }

    fn aggregation(&self) -> Aggregation {
        match self {
            Facet::Terms { field, size } => {
                let a = Aggregation::terms(field);
                match size {
                    Some(n) => a.size(*n),
                    None => a,
                }
            }
            Facet::Range { field, ranges } => {
                let ranges: Vec<Value> = ranges
                    .iter()
                    .map(|(key, from, to)| json!({ "key": key, "from": from, "to": to }))
                    .map(without_nulls)
                    .collect();
                Aggregation::of("range", json!({ "field": field, "ranges": ranges }))
            }
            Facet::Histogram { field, interval } => Aggregation::of(
                "histogram",
                json!({ "field": field, "interval": interval, "min_doc_count": 0 }),
            ),
            Facet::DateHistogram { field, interval } => Aggregation::of(
                "date_histogram",
                json!({ "field": field, "calendar_interval": interval, "min_doc_count": 0 }),
            ),
        }
    }

    /// The filter of one selected value (a bucket key), `None` for a value the facet does
    /// not have (an unknown range label).
    fn value_filter(&self, v: &Value) -> Option<Query> {
        Some(match self {
            Facet::Terms { field, .. } => Query::of("term", json!({ field: v })),
            Facet::Range { field, ranges } => {
                let (_, from, to) = ranges
                    .iter()
                    .find(|(l, _, _)| Some(l.as_str()) == v.as_str())?;
                let mut r = Query::range(field);
                if let Some(f) = from {
                    r = r.gte(f);
                }
                if let Some(t) = to {
                    r = r.lt(t);
                }
                r
            }
            Facet::Histogram { field, interval } => {
                let start = v.as_f64()?;
                Query::range(field).gte(start).lt(start + interval)
            }
            Facet::DateHistogram { field, interval } => {
                // The bucket key (epoch milliseconds) to the next one, in date math.
                let unit = match interval.as_str() {
                    "year" | "1y" => "1y",
                    "quarter" | "1q" => "3M",
                    "month" | "1M" => "1M",
                    "week" | "1w" => "1w",
                    "day" | "1d" => "1d",
                    "hour" | "1h" => "1h",
                    "minute" | "1m" => "1m",
                    other => other,
                };
                let start = v.as_i64()?;
                Query::range(field)
                    .gte(start)
                    .lt(format!("{start}||+{unit}"))
            }
        })
    }

    /// The filter of a selection: any of the values (OR).
    fn filter(&self, values: &[Value]) -> Option<Query> {
        values
            .iter()
            .filter_map(|v| self.value_filter(v))
            .reduce(|a, b| a | b)
    }
}

fn without_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, x)| !x.is_null()).collect()),
        other => other,
    }
}

/// A faceted search over documents of type `T`.
///
/// ```
/// use es_dsl::{Facet, FacetedSearch};
/// let fs = FacetedSearch::<serde_json::Value>::new()
///     .index("books")
///     .fields(["title", "body"])
///     .text("dune")
///     .facet("tags", Facet::terms("tags"))
///     .facet("pages", Facet::range("pages", &[("short", None, Some(200.0)), ("long", Some(200.0), None)]))
///     .select("tags", "scifi");
/// let body = fs.search().to_json();
/// assert_eq!(body["post_filter"], serde_json::json!({"term": {"tags": {"value": "scifi"}}}));
/// // `pages` is counted among the selected tags; `tags` among all.
/// assert_eq!(body["aggs"]["_filter_pages"]["filter"], body["post_filter"]);
/// assert_eq!(body["aggs"]["_filter_tags"]["filter"], serde_json::json!({"match_all": {}}));
/// ```
#[derive(Debug)]
pub struct FacetedSearch<T = Value> {
    using: Using,
    indices: Vec<String>,
    fields: Vec<String>,
    text: Option<String>,
    facets: BTreeMap<String, Facet>,
    selected: BTreeMap<String, Vec<Value>>,
    size: Option<u64>,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> Clone for FacetedSearch<T> {
    fn clone(&self) -> Self {
        FacetedSearch {
            using: self.using.clone(),
            indices: self.indices.clone(),
            fields: self.fields.clone(),
            text: self.text.clone(),
            facets: self.facets.clone(),
            selected: self.selected.clone(),
            size: self.size,
            _t: std::marker::PhantomData,
        }
    }
}

impl<T> Default for FacetedSearch<T> {
    fn default() -> Self {
        FacetedSearch {
            using: Using::default(),
            indices: Vec::new(),
            fields: vec!["*".into()],
            text: None,
            facets: BTreeMap::new(),
            selected: BTreeMap::new(),
            size: None,
            _t: std::marker::PhantomData,
        }
    }
}

impl<T> UseConnection for FacetedSearch<T> {
    fn using_mut(&mut self) -> &mut Using {
        &mut self.using
    }
}

impl<T> FacetedSearch<T> {
    /// No text, no facets, every index.
    pub fn new() -> Self {
        Self::default()
    }
    /// Adds an index.
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.indices.push(index.into());
        self
    }
    /// The fields the text is matched in (`title^2` boosts); every field (`*`) by default.
    pub fn fields<S: AsRef<str>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.fields = fields.into_iter().map(|f| f.as_ref().to_string()).collect();
        self
    }
    /// The text searched for (`multi_match` over the fields); none matches everything.
    pub fn text(mut self, text: impl Into<String>) -> Self {
        self.text = Some(text.into());
        self
    }
    /// Adds a facet.
    pub fn facet(mut self, name: &str, facet: Facet) -> Self {
        self.facets.insert(name.to_string(), facet);
        self
    }
    /// Selects a value of a facet (a bucket key: a term, a range label, a histogram or date
    /// key); several values of one facet are ORed, facets are ANDed.
    pub fn select(mut self, facet: &str, value: impl Serialize) -> Self {
        let v = serde_json::to_value(value).unwrap_or(Value::Null);
        self.selected.entry(facet.to_string()).or_default().push(v);
        self
    }
    /// Number of hits.
    pub fn size(mut self, n: u64) -> Self {
        self.size = Some(n);
        self
    }

    fn filters(&self) -> BTreeMap<&str, Query> {
        self.selected
            .iter()
            .filter_map(|(name, values)| {
                let f = self.facets.get(name)?.filter(values)?;
                Some((name.as_str(), f))
            })
            .collect()
    }

    /// The search it runs.
    pub fn search(&self) -> Search<T> {
        let mut s = Search::<T>::new();
        for i in &self.indices {
            s = s.index(i.clone());
        }
        if let Some(t) = &self.text {
            s = s.query(Query::multi_match(t, &self.fields));
        }
        if let Some(n) = self.size {
            s = s.size(n);
        }
        let filters = self.filters();
        if let Some(all) = filters.values().cloned().reduce(|a, b| a & b) {
            s = s.post_filter(all);
        }
        for (name, facet) in &self.facets {
            let others = filters
                .iter()
                .filter(|(n, _)| *n != name)
                .map(|(_, f)| f.clone())
                .reduce(|a, b| a & b)
                .unwrap_or_else(Query::match_all);
            let agg = Aggregation::filter(others).sub(name, facet.aggregation());
            s = s.aggs(&format!("_filter_{name}"), agg);
        }
        s
    }
}

/// One value of a facet with its count.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetValue {
    /// The bucket key (what [`FacetedSearch::select`] takes).
    pub key: Value,
    /// The key as text (`key_as_string` for dates).
    pub label: String,
    /// Matching documents, with the other facets' selections applied.
    pub count: i64,
    /// Whether this value is selected.
    pub selected: bool,
}

/// What a faceted search found: the hits (selections applied) and each facet's values.
#[derive(Debug, Clone, PartialEq)]
pub struct FacetedResult<T> {
    /// The search's result.
    pub result: SearchResult<T>,
    /// Each facet's values, in the server's order.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

impl<T: DeserializeOwned + Send + 'static> FacetedSearch<T> {
    /// Runs it on `on` (a client, or a registry where `using` is looked up).
    pub fn execute<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, FacetedResult<T>>> {
        let search = self.search().using(self.using.clone());
        let me = self.clone();
        bind_job(on, &self.using, move |c| async move {
            let result = search.execute(&c).send().await?;
            me.read(result)
        })
    }

    fn read(&self, result: SearchResult<T>) -> Result<FacetedResult<T>, Error> {
        let mut facets = BTreeMap::new();
        let failed = |e: es_types::AggError| Error::other(es_client::ErrorKind::Serialization, e);
        for name in self.facets.keys() {
            let selected = self.selected.get(name).map(Vec::as_slice).unwrap_or(&[]);
            let sub = result
                .aggs
                .sub(&format!("_filter_{name}"))
                .map_err(failed)?;
            let buckets = match sub {
                Some(a) => a.buckets(name).map_err(failed)?.unwrap_or_default(),
                None => Vec::new(),
            };
            let values = buckets
                .iter()
                .map(|b| FacetValue {
                    selected: selected.iter().any(|v| same_key(v, &b.key)),
                    label: b.key_str(),
                    key: b.key.clone(),
                    count: b.doc_count,
                })
                .collect();
            facets.insert(name.clone(), values);
        }
        Ok(FacetedResult { result, facets })
    }
}

/// Keys compared as the server writes them: numbers by value (`2021` = `2021.0`).
fn same_key(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}
