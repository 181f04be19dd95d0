//! [`Search`]: a search request as a value — query, filters, sort, paging, aggregations — run
//! against the connection chosen by `using`.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use es_client::types::{Hit, SearchResponse, ShardStatistics, TotalHits};
use es_client::{Client, Error, Flavor, Job, Run, RunStream};
use es_connections::{bind_job, Runner, UseConnection, Using};
use serde::de::DeserializeOwned;
use serde::Deserialize as _;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};

use crate::{Aggregation, Aggregations, Query};

/// A search, generic over the document type `T`. It holds no client flavour: run it with
/// [`Search::execute`] on an async or a blocking runner.
///
/// ```
/// use es_dsl::{Aggregation, Query, Search};
/// let s: Search = Search::new()
///     .index("logs")
///     .query(Query::match_("message", "timeout"))
///     .filter(Query::term("level", "ERROR"))
///     .sort("-@timestamp")
///     .size(20)
///     .aggs("per_host", Aggregation::terms("host").size(5));
/// assert_eq!(s.to_json()["query"]["bool"]["filter"][0], serde_json::json!({"term": {"level": {"value": "ERROR"}}}));
/// assert_eq!(s.to_json()["sort"], serde_json::json!([{"@timestamp": {"order": "desc"}}]));
/// ```
pub struct Search<T = Value> {
    p: Parts,
    _t: PhantomData<fn() -> T>,
}

/// What a search holds, apart from its document type: a new piece of a search is a field
/// here and nowhere else.
#[derive(Clone, Default)]
struct Parts {
    using: Using,
    indices: Vec<String>,
    query: Option<Query>,
    post_filter: Option<Query>,
    sort: Vec<Value>,
    source: Option<Value>,
    from: Option<u64>,
    size: Option<u64>,
    aggs: BTreeMap<String, Aggregation>,
    highlight: Option<Map<String, Value>>,
    extra: Map<String, Value>,
    keep_unreadable: bool,
    params: Vec<(String, String)>,
    /// elasticsearch.dsl's `EmptySearch`: answers without asking the server.
    empty: bool,
    last_total: LastTotal,
}

/// The exact hits total of the last `execute` of a search, keyed by what was sent, so that
/// `count` can answer from it as elasticsearch.dsl does. A clone starts without one (as
/// `_clone()` drops `_response`); a changed search does not match the key.
#[derive(Default)]
struct LastTotal(Arc<Mutex<Option<(String, u64)>>>);

impl Clone for LastTotal {
    fn clone(&self) -> Self {
        LastTotal::default()
    }
}

impl LastTotal {
    fn get(&self, key: &str) -> Option<u64> {
        let slot = self.0.lock().ok()?;
        slot.as_ref().filter(|(k, _)| k == key).map(|(_, n)| *n)
    }
}

impl<T> Clone for Search<T> {
    fn clone(&self) -> Self {
        Search {
            p: self.p.clone(),
            _t: PhantomData,
        }
    }
}

impl<T> std::fmt::Debug for Search<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Search")
            .field("indices", &self.p.indices)
            .field("body", &self.to_json())
            .finish()
    }
}

impl<T> Default for Search<T> {
    fn default() -> Self {
        Search {
            p: Parts::default(),
            _t: PhantomData,
        }
    }
}

impl<T> UseConnection for Search<T> {
    fn using_mut(&mut self) -> &mut Using {
        // Another connection: the last total may not hold there.
        self.p.last_total = LastTotal::default();
        &mut self.p.using
    }
}

impl<T> Search<T> {
    /// A search on the default connection, over every index until [`Search::index`] is set.
    pub fn new() -> Self {
        Self::default()
    }
    /// A search that matches nothing and sends nothing (elasticsearch.dsl's `EmptySearch`):
    /// `execute` answers with no hits, `count` and `delete` with 0, without a request. Its
    /// builder methods still work, so code that narrows a search need not branch.
    ///
    /// ```
    /// # async fn demo(client: es_client::Client) -> Result<(), es_client::Error> {
    /// use es_dsl::Search;
    /// let ids: Vec<String> = Vec::new();
    /// let s: Search = if ids.is_empty() { Search::empty() } else { Search::new() };
    /// let result = s.index("logs").execute(&client).send().await?; // nothing sent
    /// assert!(result.is_empty());
    /// # Ok(()) }
    /// ```
    pub fn empty() -> Self {
        let mut s = Self::new();
        s.p.empty = true;
        s
    }
    /// Whether this is an [`empty`](Self::empty) search.
    pub fn is_empty_search(&self) -> bool {
        self.p.empty
    }
    /// Adds an index, alias or pattern.
    pub fn index(mut self, index: impl Into<String>) -> Self {
        self.p.indices.push(index.into());
        self
    }
    /// Adds a query; several calls combine with AND (as `Search.query` does in Python).
    pub fn query(mut self, q: Query) -> Self {
        self.p.query = Some(match self.p.query.take() {
            Some(existing) => existing & q,
            None => q,
        });
        self
    }
    /// Adds a non-scoring filter clause: ANDs `bool.filter[q]` (as elasticsearch.dsl does).
    pub fn filter(self, q: Query) -> Self {
        self.query(Query::bool().filter(q))
    }
    /// Excludes matches of `q`: ANDs `bool.filter[bool.must_not[q]]` (as elasticsearch.dsl does).
    pub fn exclude(self, q: Query) -> Self {
        self.query(Query::bool().filter(!q))
    }
    /// Stores a typed piece of the body under `key` (the specification's type decides its
    /// JSON).
    fn typed(mut self, key: &str, value: impl Serialize) -> Self {
        if let Ok(v) = serde_json::to_value(value) {
            self.p.extra.insert(key.to_string(), v);
        }
        self
    }
    /// Sorts by a sort object (`{"price": {"order": "asc", "mode": "avg"}}`, `_geo_distance`,
    /// `_script`...), after the sorts already given.
    ///
    /// ```
    /// use es_dsl::es_types::{common, search};
    /// use es_dsl::{Query, Search};
    /// let sort: common::SortCombinations =
    ///     es_dsl::es_types::from_json(r#"{"price": {"order": "asc", "mode": "avg"}}"#).unwrap();
    /// let s = Search::<serde_json::Value>::new()
    ///     .query(Query::match_("title", "dune"))
    ///     .sort_by(sort)
    ///     .source_filter(search::SourceConfig::Bool(false))
    ///     .collapse(search::FieldCollapse::new().field("author"))
    ///     .script_field("double_price", common::ScriptField::new().script(
    ///         common::Script::new().source("doc['price'].value * 2"),
    ///     ));
    /// let body = s.to_json();
    /// assert_eq!(body["sort"][0], serde_json::json!({"price": {"order": "asc", "mode": "avg"}}));
    /// assert_eq!(body["_source"], false);
    /// assert_eq!(body["collapse"], serde_json::json!({"field": "author"}));
    /// assert_eq!(body["script_fields"]["double_price"]["script"]["source"], "doc['price'].value * 2");
    /// ```
    pub fn sort_by(mut self, sort: es_types::common::SortCombinations) -> Self {
        if let Ok(v) = serde_json::to_value(sort) {
            self.p.sort.push(v);
        }
        self
    }
    /// `_source`: `false`, or includes / excludes.
    pub fn source_filter(mut self, source: es_types::search::SourceConfig) -> Self {
        self.p.source = serde_json::to_value(source).ok();
        self
    }
    /// Highlighting with every option of the specification (per-field options included).
    pub fn highlight_with(mut self, highlight: es_types::search::Highlight) -> Self {
        if let Ok(Value::Object(h)) = serde_json::to_value(highlight) {
            self.p.highlight = Some(h);
        }
        self
    }
    /// Field collapsing: one hit per value of a field (with inner hits).
    pub fn collapse(self, collapse: es_types::search::FieldCollapse) -> Self {
        self.typed("collapse", collapse)
    }
    /// Adds an approximate kNN search; several calls give several, as elasticsearch.dsl's
    /// `knn()` does.
    ///
    /// ```
    /// use es_dsl::Search;
    /// use es_dsl::es_types::common::KnnSearch;
    /// let s = Search::<serde_json::Value>::new()
    ///     .knn(KnnSearch::new().field("title_vector").k(5).num_candidates(50).query_vector(vec![0.1, 0.2]))
    ///     .knn(KnnSearch::new().field("body_vector").k(5).query_vector(vec![0.3]));
    /// assert_eq!(s.to_json()["knn"][1]["field"], "body_vector");
    /// ```
    pub fn knn(mut self, knn: es_types::common::KnnSearch) -> Self {
        let Ok(v) = serde_json::to_value(knn) else {
            return self;
        };
        match self.p.extra.get_mut("knn") {
            Some(Value::Array(list)) => list.push(v),
            Some(one) => *one = json!([one.take(), v]),
            None => {
                self.p.extra.insert("knn".into(), json!([v]));
            }
        }
        self
    }
    /// How the results of several retrievers (queries, kNN) are combined: `rank` with
    /// reciprocal rank fusion.
    pub fn rank(self, rank: es_types::common::RankContainer) -> Self {
        self.typed("rank", rank)
    }
    /// A script field, beside those already given.
    pub fn script_field(self, name: &str, field: es_types::common::ScriptField) -> Self {
        self.named("script_fields", name, field)
    }
    /// A runtime field, beside those already given (`runtime_mappings`).
    pub fn runtime_field(self, name: &str, field: es_types::mapping::RuntimeField) -> Self {
        self.named("runtime_mappings", name, field)
    }
    /// Sets `name` in the object under the body's `key` (`script_fields`, `suggest`,
    /// `runtime_mappings`), keeping the other names.
    fn named(mut self, key: &str, name: &str, value: impl Serialize) -> Self {
        if let Ok(v) = serde_json::to_value(value) {
            let entry = self.p.extra.entry(key).or_insert_with(|| json!({}));
            if !entry.is_object() {
                *entry = json!({});
            }
            if let Some(m) = entry.as_object_mut() {
                m.insert(name.to_string(), v);
            }
        }
        self
    }
    /// Adds a suggester called `name` for `text` (elasticsearch.dsl's
    /// `suggest(name, text, term={...})`): a term, phrase or completion suggester (for a
    /// completion suggester the text is its prefix). Read the answer with
    /// [`SearchResult::suggestions`].
    ///
    /// ```
    /// use es_dsl::Search;
    /// use es_dsl::es_types::search::{CompletionSuggester, TermSuggester};
    /// let s = Search::<serde_json::Value>::new()
    ///     .suggest("fix", "pyhton", TermSuggester::new().field("title"))
    ///     .suggest("complete", "ela", CompletionSuggester::new().field("suggest"));
    /// assert_eq!(s.to_json()["suggest"], serde_json::json!({
    ///     "fix": {"text": "pyhton", "term": {"field": "title"}},
    ///     "complete": {"prefix": "ela", "completion": {"field": "suggest"}}
    /// }));
    /// ```
    pub fn suggest(
        self,
        name: &str,
        text: &str,
        kind: impl Into<es_types::search::FieldSuggesterKind>,
    ) -> Self {
        use es_types::search::{FieldSuggester, FieldSuggesterKind};
        let kind = kind.into();
        let s = FieldSuggester::new(kind.clone());
        let s = match kind {
            FieldSuggesterKind::Completion(_) => s.prefix(text.to_string()),
            _ => s.text(text.to_string()),
        };
        self.suggester(name, s)
    }
    /// Adds a suggester with every option of the specification (`regex`, global text...).
    pub fn suggester(self, name: &str, suggester: es_types::search::FieldSuggester) -> Self {
        self.named("suggest", name, suggester)
    }
    /// Rescoring of the top hits (one or several).
    pub fn rescore(
        self,
        rescore: impl Into<es_types::OneOrMany<es_types::search::Rescore>>,
    ) -> Self {
        self.typed("rescore", rescore.into())
    }
    /// A point in time to search in.
    pub fn pit(self, pit: es_types::search::PointInTimeReference) -> Self {
        self.typed("pit", pit)
    }
    /// Continues after the sort values of the last hit of the previous page.
    pub fn search_after(self, values: es_types::common::SortResults) -> Self {
        self.typed("search_after", values)
    }
    /// The next page after `previous` (elasticsearch.dsl's `search_after()`): `search_after`
    /// set to the sort values of its last hit. `None` when there is no next page to ask for:
    /// `previous` had no hits, or its hits carry no sort values (the search was not sorted).
    pub fn after<U>(self, previous: &SearchResult<U>) -> Option<Self> {
        let values = previous.hits.last()?.sort.clone()?;
        Some(self.extra("search_after", values))
    }
    /// A filter applied after aggregations.
    pub fn post_filter(mut self, q: Query) -> Self {
        self.p.post_filter = Some(q);
        self
    }
    /// Sorts by these keys, replacing any sort given before (as elasticsearch.dsl's
    /// `sort(*keys)`): a field name, `-field` for descending, `_score` / `_doc`; one key or a
    /// list. [`sort_by`](Self::sort_by) adds typed sort objects after them.
    ///
    /// ```
    /// use es_dsl::Search;
    /// let s = Search::<serde_json::Value>::new().sort("a").sort(["-year", "_score"]);
    /// assert_eq!(s.to_json()["sort"], serde_json::json!([{"year": {"order": "desc"}}, "_score"]));
    /// ```
    pub fn sort(mut self, keys: impl SortKeys) -> Self {
        self.p.sort = keys
            .keys()
            .into_iter()
            .map(|field| match field.strip_prefix('-') {
                Some(f) => json!({ f: { "order": "desc" } }),
                None if field.starts_with('_') => json!(field),
                None => json!({ field: { "order": "asc" } }),
            })
            .collect();
        self
    }
    /// Which source fields to return.
    pub fn source<S: AsRef<str>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        let fields: Vec<String> = fields.into_iter().map(|s| s.as_ref().to_string()).collect();
        self.p.source = Some(json!(fields));
        self
    }
    /// The hits in `range` of the current window, as elasticsearch.dsl's `s[10:20]`: the
    /// range counts from the window's start (`from`) and never widens its end (`from + size`).
    ///
    /// ```
    /// use es_dsl::Search;
    /// let s = Search::<serde_json::Value>::new().slice(10..20);
    /// assert_eq!((s.to_json()["from"].clone(), s.to_json()["size"].clone()), (10.into(), 10.into()));
    /// let s = s.slice(2..5); // within the window: hits 12..15
    /// assert_eq!((s.to_json()["from"].clone(), s.to_json()["size"].clone()), (12.into(), 3.into()));
    /// let s = Search::<serde_json::Value>::new().slice(10..20).slice(5..50); // end kept at 20
    /// assert_eq!((s.to_json()["from"].clone(), s.to_json()["size"].clone()), (15.into(), 5.into()));
    /// let one = Search::<serde_json::Value>::new().slice(5..=5);
    /// assert_eq!((one.to_json()["from"].clone(), one.to_json()["size"].clone()), (5.into(), 1.into()));
    /// ```
    pub fn slice(mut self, range: impl std::ops::RangeBounds<u64>) -> Self {
        use std::ops::Bound;
        let start = match range.start_bound() {
            Bound::Included(&n) => Some(n),
            Bound::Excluded(&n) => Some(n + 1),
            Bound::Unbounded => None,
        };
        let stop = match range.end_bound() {
            Bound::Included(&n) => Some(n + 1),
            Bound::Excluded(&n) => Some(n),
            Bound::Unbounded => None,
        };
        let old_from = self.p.from;
        let old_to = self.p.size.map(|n| old_from.unwrap_or(0) + n);
        let new_from = start.map(|n| old_from.unwrap_or(0) + n).or(old_from);
        let new_to = match stop {
            Some(n) => {
                let to = old_from.unwrap_or(0) + n;
                Some(old_to.map_or(to, |o| o.min(to)))
            }
            None => old_to,
        };
        self.p.from = new_from;
        if let Some(to) = new_to {
            self.p.size = Some(to.saturating_sub(new_from.unwrap_or(0)));
        }
        self
    }
    /// A query parameter of the search request (`routing`, `preference`, `search_type`,
    /// `request_cache`...), as elasticsearch.dsl's `params()`. A later call for the same name
    /// replaces it.
    pub fn param(mut self, name: &str, value: impl ToString) -> Self {
        self.p.params.retain(|(n, _)| n != name);
        self.p.params.push((name.to_string(), value.to_string()));
        self
    }
    /// The aggregations asked for, by name.
    pub(crate) fn aggregations(&self) -> &BTreeMap<String, Aggregation> {
        &self.p.aggs
    }
    /// Whether unreadable hits are kept.
    pub(crate) fn keeps_unreadable(&self) -> bool {
        self.p.keep_unreadable
    }
    /// The indices, comma-joined (`None` when none was given).
    pub(crate) fn indices(&self) -> Option<String> {
        (!self.p.indices.is_empty()).then(|| self.p.indices.join(","))
    }
    /// The query parameters given with [`Search::param`].
    pub(crate) fn params(&self) -> &[(String, String)] {
        &self.p.params
    }
    /// The connection it runs on.
    pub(crate) fn connection(&self) -> &Using {
        &self.p.using
    }
    /// Offset of the first hit.
    pub fn from(mut self, n: u64) -> Self {
        self.p.from = Some(n);
        self
    }
    /// Number of hits.
    pub fn size(mut self, n: u64) -> Self {
        self.p.size = Some(n);
        self
    }
    /// Adds an aggregation.
    pub fn aggs(mut self, name: &str, agg: Aggregation) -> Self {
        self.p.aggs.insert(name.to_string(), agg);
        self
    }
    /// Highlights these fields (with the highlighter's defaults), beside those already
    /// asked for: as elasticsearch.dsl's `highlight(*fields)`.
    pub fn highlight<S: AsRef<str>>(self, fields: impl IntoIterator<Item = S>) -> Self {
        fields.into_iter().fold(self, |s, f| {
            s.highlight_field(f.as_ref(), es_types::search::HighlightField::new())
        })
    }
    /// Highlights one field with its own options (elasticsearch.dsl's
    /// `highlight("title", fragment_size=50)`); a field given again is replaced.
    ///
    /// ```
    /// use es_dsl::Search;
    /// use es_dsl::es_types::search::{Highlight, HighlightField, HighlighterOrder};
    /// let s = Search::<serde_json::Value>::new()
    ///     .highlight(["body"])
    ///     .highlight_field("title", HighlightField::new().fragment_size(50))
    ///     .highlight_options(Highlight::new().pre_tags(vec!["<b>".into()]).order(HighlighterOrder::Score));
    /// assert_eq!(s.to_json()["highlight"], serde_json::json!({
    ///     "fields": {"body": {}, "title": {"fragment_size": 50}},
    ///     "pre_tags": ["<b>"], "order": "score"
    /// }));
    /// ```
    pub fn highlight_field(
        mut self,
        field: &str,
        options: es_types::search::HighlightField,
    ) -> Self {
        let h = self.highlight_object();
        let fields = h.entry("fields").or_insert_with(|| json!({}));
        if !fields.is_object() {
            *fields = json!({});
        }
        if let (Some(m), Ok(v)) = (fields.as_object_mut(), serde_json::to_value(options)) {
            m.insert(field.to_string(), v);
        }
        self
    }
    /// Options for every highlighted field (elasticsearch.dsl's `highlight_options`): set
    /// ones replace earlier values; the fields are kept (fields given here are added).
    pub fn highlight_options(mut self, options: es_types::search::Highlight) -> Self {
        let Ok(Value::Object(given)) = serde_json::to_value(options) else {
            return self;
        };
        let h = self.highlight_object();
        for (k, v) in given {
            match (k.as_str(), v, h.get_mut("fields")) {
                ("fields", Value::Object(add), Some(Value::Object(have))) => have.extend(add),
                (_, v, _) => {
                    h.insert(k, v);
                }
            }
        }
        self
    }
    fn highlight_object(&mut self) -> &mut Map<String, Value> {
        self.p.highlight.get_or_insert_with(Map::new)
    }
    /// Any other top-level body key (`track_total_hits`, `collapse`, `knn`, `runtime_mappings`...).
    pub fn extra(mut self, key: &str, value: impl Serialize) -> Self {
        self.p.extra.insert(key.to_string(), json!(value));
        self
    }
    /// Keeps hits whose source does not fit the document type in
    /// [`SearchResult::unreadable`] (as JSON, with why) instead of failing the search.
    pub fn keep_unreadable_hits(mut self, keep: bool) -> Self {
        self.p.keep_unreadable = keep;
        self
    }
    /// The same search, reading documents as `U`.
    pub fn doc_type<U>(self) -> Search<U> {
        Search {
            p: self.p,
            _t: PhantomData,
        }
    }
    /// Parses a search body (checked against the specification's `SearchRequestBody`: an
    /// unknown key or a bad value is an error with its JSON path). The query, filters and
    /// aggregations become typed and combine like built ones; the rest is kept as given.
    ///
    /// ```
    /// use es_dsl::{Query, Search};
    /// let s = Search::<serde_json::Value>::from_json(
    ///     r#"{"query": {"match": {"title": "dune"}}, "size": 5, "sort": ["-year"], "track_total_hits": true}"#,
    /// ).unwrap()
    /// .filter(Query::term("lang", "en"));
    /// let body = s.to_json();
    /// assert_eq!(body["size"], 5);
    /// assert_eq!(body["track_total_hits"], true);
    /// assert_eq!(body["query"]["bool"]["filter"][0]["term"]["lang"]["value"], "en");
    /// let err = Search::<serde_json::Value>::from_json(r#"{"query": {"match": {"title": {"qeury": "x"}}}}"#)
    ///     .unwrap_err();
    /// assert!(err.to_string().starts_with("query.match.title.qeury: unknown field"), "{err}");
    /// ```
    pub fn from_json(text: &str) -> Result<Self, es_types::ParseError> {
        Self::new().update_from_json(text)
    }
    /// This search updated from a JSON body (elasticsearch.dsl's `update_from_dict`): the
    /// parts the body has replace these (`query`, `post_filter`, `sort`, `_source`, paging,
    /// `highlight`, other keys), its aggregations are added by name; the rest is kept.
    ///
    /// ```
    /// use es_dsl::{Query, Search};
    /// let s = Search::<serde_json::Value>::new().query(Query::term("a", 1)).size(5)
    ///     .update_from_json(r#"{"query": {"match": {"title": "dune"}}, "from": 10}"#).unwrap();
    /// assert_eq!(s.to_json(), serde_json::json!({
    ///     "query": {"match": {"title": {"query": "dune"}}}, "from": 10, "size": 5
    /// }));
    /// ```
    pub fn update_from_json(mut self, text: &str) -> Result<Self, es_types::ParseError> {
        let v: Value = es_types::from_json(text)?;
        // One typed read: the query, filters and aggregations are taken from it as they are.
        let body: es_types::search::SearchRequestBody = es_types::from_value(v.clone())?;
        let Value::Object(m) = v else {
            return Ok(self);
        };
        if m.contains_key("query") {
            self.p.query = body.query;
        }
        if m.contains_key("post_filter") {
            self.p.post_filter = body.post_filter;
        }
        self.p.aggs.extend(body.aggregations.unwrap_or_default());
        for (k, v) in m {
            match k.as_str() {
                "query" | "post_filter" | "aggs" | "aggregations" => {}
                "sort" => {
                    self.p.sort = match v {
                        Value::Array(a) => a,
                        one => vec![one],
                    }
                }
                "_source" => self.p.source = Some(v),
                "from" => self.p.from = v.as_u64(),
                "size" => self.p.size = v.as_u64(),
                "highlight" => {
                    if let Value::Object(h) = v {
                        self.p.highlight = Some(h);
                    }
                }
                _ => {
                    self.p.extra.insert(k, v);
                }
            }
        }
        Ok(self)
    }

    /// The request body.
    pub fn to_json(&self) -> Value {
        let mut m = self.p.extra.clone();
        if let Some(q) = &self.p.query {
            m.insert("query".into(), q.to_json());
        }
        if let Some(q) = &self.p.post_filter {
            m.insert("post_filter".into(), q.to_json());
        }
        if !self.p.sort.is_empty() {
            m.insert("sort".into(), Value::Array(self.p.sort.clone()));
        }
        if let Some(s) = &self.p.source {
            m.insert("_source".into(), s.clone());
        }
        if let Some(n) = self.p.from {
            m.insert("from".into(), json!(n));
        }
        if let Some(n) = self.p.size {
            m.insert("size".into(), json!(n));
        }
        if !self.p.aggs.is_empty() {
            let aggs: Map<String, Value> = self
                .p
                .aggs
                .iter()
                .map(|(k, a)| (k.clone(), a.to_json()))
                .collect();
            m.insert("aggs".into(), Value::Object(aggs));
        }
        if let Some(h) = &self.p.highlight {
            m.insert("highlight".into(), Value::Object(h.clone()));
        }
        Value::Object(m)
    }
    pub(crate) fn index_list(&self) -> String {
        if self.p.indices.is_empty() {
            "_all".into()
        } else {
            self.p.indices.join(",")
        }
    }
    pub(crate) fn query_body(&self) -> Value {
        match &self.p.query {
            Some(q) => json!({ "query": q.to_json() }),
            None => json!({}),
        }
    }
}

/// Sort keys for [`Search::sort`]: one (`"-year"`, a [`crate::FieldPath`]) or a list.
pub trait SortKeys {
    /// The keys, in order.
    fn keys(self) -> Vec<String>;
}

impl SortKeys for &str {
    fn keys(self) -> Vec<String> {
        vec![self.to_string()]
    }
}

impl SortKeys for String {
    fn keys(self) -> Vec<String> {
        vec![self]
    }
}

impl SortKeys for &String {
    fn keys(self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl SortKeys for &crate::FieldPath {
    fn keys(self) -> Vec<String> {
        vec![self.to_string()]
    }
}

impl SortKeys for &crate::TextField {
    fn keys(self) -> Vec<String> {
        vec![self.to_string()]
    }
}

impl<S: AsRef<str>, const N: usize> SortKeys for [S; N] {
    fn keys(self) -> Vec<String> {
        self.iter().map(|k| k.as_ref().to_string()).collect()
    }
}

impl<S: AsRef<str>> SortKeys for Vec<S> {
    fn keys(self) -> Vec<String> {
        self.iter().map(|k| k.as_ref().to_string()).collect()
    }
}

impl<S: AsRef<str>> SortKeys for &[S] {
    fn keys(self) -> Vec<String> {
        self.iter().map(|k| k.as_ref().to_string()).collect()
    }
}

/// What a search found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResult<T> {
    /// Milliseconds taken.
    pub took: u64,
    /// Whether the search timed out (the hits are then partial).
    pub timed_out: bool,
    /// Shards asked, answered, failed.
    pub shards: ShardStatistics,
    /// Total hits, with whether the count is exact (`eq`) or a lower bound (`gte`).
    pub total: Option<TotalHits>,
    /// Best score.
    pub max_score: Option<f64>,
    /// The hits, with their metadata.
    pub hits: Vec<Hit<T>>,
    /// Aggregation results, each read as the result type of the aggregation's kind.
    pub aggs: Aggregations,
    /// Suggestions, by suggester name.
    pub suggest: Option<Value>,
    /// Hits whose source did not fit `T` (only with [`Search::keep_unreadable_hits`]).
    pub unreadable: Vec<UnreadableHit>,
}

impl<T> SearchResult<T> {
    /// The answer of an [empty search](Search::empty): no hits, an exact total of 0.
    pub fn empty() -> Self {
        SearchResult {
            took: 0,
            timed_out: false,
            shards: ShardStatistics::default(),
            total: Some(TotalHits {
                value: 0,
                relation: "eq".into(),
            }),
            max_score: None,
            hits: Vec::new(),
            aggs: Aggregations::default(),
            suggest: None,
            unreadable: Vec::new(),
        }
    }
    /// The entries of the suggester `name`, read as `S`: `TermSuggest`, `PhraseSuggest` or
    /// `CompletionSuggest<D>` (completion options carry the suggested documents). `Ok(None)`
    /// when the answer has no such suggester; a `typed_keys` name (`term#fix`) is found too.
    ///
    /// ```
    /// use es_dsl::es_types::search::TermSuggest;
    /// let r: es_dsl::SearchResult<serde_json::Value> = es_dsl::SearchResult {
    ///     suggest: Some(serde_json::json!({"fix": [{"text": "pyhton", "offset": 0, "length": 6,
    ///         "options": [{"text": "python", "score": 0.83, "freq": 12}]}]})),
    ///     ..es_dsl::SearchResult::empty()
    /// };
    /// let fix = r.suggestions::<TermSuggest>("fix").unwrap().unwrap();
    /// assert_eq!(fix[0].options.iter().next().unwrap().text, "python");
    /// ```
    pub fn suggestions<S: DeserializeOwned>(&self, name: &str) -> Result<Option<Vec<S>>, Error> {
        let Some(Value::Object(all)) = &self.suggest else {
            return Ok(None);
        };
        let found = all.get(name).or_else(|| {
            all.iter()
                .find(|(k, _)| k.split_once('#').is_some_and(|(_, n)| n == name))
                .map(|(_, v)| v)
        });
        let Some(v) = found else { return Ok(None) };
        Vec::<S>::deserialize(v)
            .map(Some)
            .map_err(|e| Error::deserialize(&format!("suggestion `{name}`"), e))
    }
    /// The documents, in hit order.
    pub fn documents(&self) -> impl Iterator<Item = &T> {
        self.hits.iter().filter_map(|h| h.source.as_ref())
    }
    /// Whether every shard answered and the search did not time out (elasticsearch.dsl's
    /// `success()`).
    pub fn success(&self) -> bool {
        !self.timed_out && self.shards.failed == 0 && self.shards.successful == self.shards.total
    }
    /// Number of hits returned (not the total).
    pub fn len(&self) -> usize {
        self.hits.len()
    }
    /// Whether no hit was returned.
    pub fn is_empty(&self) -> bool {
        self.hits.is_empty()
    }
}

/// A hit whose source does not fit the document type.
#[derive(Debug, Clone, PartialEq)]
pub struct UnreadableHit {
    /// The hit's index.
    pub index: String,
    /// The hit's id.
    pub id: Option<String>,
    /// Where in the source (`author.name`), and what was wrong.
    pub error: String,
    /// The source as sent.
    pub source: Value,
}

impl std::fmt::Display for UnreadableHit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let id = self.id.as_deref().unwrap_or("?");
        write!(f, "hit `{id}` in `{}`: {}", self.index, self.error)
    }
}

/// The error of a search with hits whose source does not fit the document type: names each.
#[derive(Debug, Clone, PartialEq)]
pub struct UnreadableHits {
    /// The document type.
    pub target: &'static str,
    /// Every hit that did not fit.
    pub hits: Vec<UnreadableHit>,
}

impl std::fmt::Display for UnreadableHits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} hit(s) do not fit {}", self.hits.len(), self.target)?;
        if let Some(h) = self.hits.first() {
            write!(f, "; first: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnreadableHits {}

impl<T> IntoIterator for SearchResult<T> {
    type Item = Hit<T>;
    type IntoIter = std::vec::IntoIter<Hit<T>>;
    fn into_iter(self) -> Self::IntoIter {
        self.hits.into_iter()
    }
}

/// The async core every flavour runs.
pub(crate) mod run {
    use super::*;

    pub async fn execute<T: DeserializeOwned>(
        client: &Client,
        index: &str,
        body: &Value,
        requests: &BTreeMap<String, Aggregation>,
        keep_unreadable: bool,
        params: &[(String, String)],
    ) -> Result<SearchResult<T>, Error> {
        let mut call = client.search().index(index).body(body);
        for (name, value) in params {
            call = call.param(name, value);
        }
        let resp = call.send_raw().await?;
        parse(resp.body(), requests, keep_unreadable)
    }

    /// A search answer read as a [`SearchResult`].
    pub fn parse<T: DeserializeOwned>(
        bytes: &[u8],
        requests: &BTreeMap<String, Aggregation>,
        keep_unreadable: bool,
    ) -> Result<SearchResult<T>, Error> {
        // One read straight into `T`; only when it fails is the answer read again, hit by hit,
        // to name the hits that do not fit.
        let (resp, unreadable) =
            match serde_json::from_slice::<SearchResponse<T, Aggregations>>(bytes) {
                Ok(r) => (r, Vec::new()),
                Err(first) => hit_by_hit(bytes, first, keep_unreadable)?,
            };
        let mut aggs = resp.aggregations.unwrap_or_default();
        aggs.resolve(requests);
        Ok(SearchResult {
            took: resp.took,
            timed_out: resp.timed_out,
            shards: resp.shards,
            total: resp.hits.total,
            max_score: resp.hits.max_score,
            hits: resp.hits.hits,
            aggs,
            suggest: resp.suggest,
            unreadable,
        })
    }

    type Parsed<T> = (SearchResponse<T, Aggregations>, Vec<UnreadableHit>);

    fn hit_by_hit<T: DeserializeOwned>(
        bytes: &[u8],
        first: serde_json::Error,
        keep_unreadable: bool,
    ) -> Result<Parsed<T>, Error> {
        let target = std::any::type_name::<T>();
        let raw: SearchResponse<Box<RawValue>, Aggregations> = match serde_json::from_slice(bytes) {
            Ok(raw) => raw,
            Err(_) => return Err(Error::deserialize("search response", first)),
        };
        let mut hits = Vec::with_capacity(raw.hits.hits.len());
        let mut bad = Vec::new();
        for h in raw.hits.hits {
            let (index, id) = (h.index.clone(), h.id.clone());
            let mut why = None;
            let read = h.try_map_source(|src| {
                let mut d = serde_json::Deserializer::from_str(src.get());
                serde_path_to_error::deserialize::<_, T>(&mut d).map_err(|e| {
                    why = Some(serde_json::from_str(src.get()).unwrap_or(Value::Null));
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    if path.is_empty() || path == "." {
                        inner.to_string()
                    } else {
                        format!("{path}: {inner}")
                    }
                })
            });
            match read {
                Ok(h) => hits.push(h),
                Err(error) => bad.push(UnreadableHit {
                    index,
                    id,
                    error,
                    source: why.unwrap_or(Value::Null),
                }),
            }
        }
        if bad.is_empty() {
            return Err(Error::deserialize(target, first));
        }
        if !keep_unreadable {
            let err = UnreadableHits { target, hits: bad };
            return Err(Error::other(es_client::ErrorKind::Serialization, err));
        }
        let resp = SearchResponse {
            took: raw.took,
            timed_out: raw.timed_out,
            shards: raw.shards,
            hits: es_client::types::HitsMetadata {
                total: raw.hits.total,
                max_score: raw.hits.max_score,
                hits,
            },
            aggregations: raw.aggregations,
            suggest: raw.suggest,
            scroll_id: raw.scroll_id,
            pit_id: raw.pit_id,
        };
        Ok((resp, bad))
    }

    pub async fn count(client: &Client, index: &str, body: &Value) -> Result<u64, Error> {
        let n = client.count().index(index).body(body).send().await?.count;
        // The specification's `long`; a server never counts below zero.
        Ok(u64::try_from(n).unwrap_or(0))
    }

    pub async fn delete(client: &Client, index: &str, body: &Value) -> Result<u64, Error> {
        let v = client
            .delete_by_query(index)
            .body(body)
            .refresh(true)
            .send()
            .await?;
        Ok(v.deleted.map_or(0, |n| n.max(0) as u64))
    }
}

impl<T: DeserializeOwned + Send + 'static> Search<T> {
    /// Runs the search on `on` — a client, or a registry in which [`using`](UseConnection::using)
    /// is looked up. `.send().await` with an async runner, `.send()` with a blocking one.
    ///
    /// ```no_run
    /// # async fn demo(client: es_client::Client) -> Result<(), es_client::Error> {
    /// use es_connections::{connections, UseConnection};
    /// use es_dsl::{Query, Search};
    /// let s = Search::<serde_json::Value>::new().index("logs").query(Query::match_("message", "timeout"));
    /// let on_client = s.execute(&client).send().await?;
    /// let on_alias = s.clone().using("production").execute(connections()).send().await?;
    /// # Ok(()) }
    /// ```
    pub fn execute<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, SearchResult<T>>> {
        let (index, body, requests) = (self.index_list(), self.to_json(), self.p.aggs.clone());
        let (keep, params, empty) = (self.p.keep_unreadable, self.p.params.clone(), self.p.empty);
        let (key, last) = (self.count_key(), self.p.last_total.0.clone());
        bind_job(on, &self.p.using, move |c| async move {
            if empty {
                return Ok(SearchResult::empty());
            }
            let result = run::execute(&c, &index, &body, &requests, keep, &params).await?;
            if let (Some(key), Some(total)) = (key, &result.total) {
                if let Ok(mut slot) = last.lock() {
                    *slot = (total.relation == "eq").then_some((key, total.value));
                }
            }
            Ok(result)
        })
    }
    /// Counts the matching documents. Like elasticsearch.dsl, a search that was executed
    /// answers from that response when its total was exact, without a request; unlike it,
    /// only when nothing but the query decides the total (no `post_filter`, `min_score`,
    /// `terminate_after`, kNN, rank or query parameters), so the count is the count API's.
    /// A clone counts anew.
    pub fn count<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, u64>> {
        let (index, body) = (self.index_list(), self.query_body());
        let known = if self.p.empty {
            Some(0)
        } else {
            self.count_key().and_then(|k| self.p.last_total.get(&k))
        };
        bind_job(on, &self.p.using, move |c| async move {
            match known {
                Some(n) => Ok(n),
                None => run::count(&c, &index, &body).await,
            }
        })
    }
    /// What identifies the request whose total `count` may reuse; `None` when the total of
    /// the search is not the count of its query.
    fn count_key(&self) -> Option<String> {
        const NARROWING: &[&str] = &[
            "post_filter",
            "min_score",
            "terminate_after",
            "knn",
            "rank",
            "retriever",
        ];
        let body = self.to_json();
        let narrows = NARROWING.iter().any(|k| body.get(k).is_some());
        (!narrows && self.p.params.is_empty()).then(|| {
            let query = body.get("query").cloned().unwrap_or(Value::Null);
            format!("{}\n{query}", self.index_list())
        })
    }
    /// Deletes the matching documents (delete by query); returns how many.
    pub fn delete<F: Flavor>(&self, on: impl Runner<F>) -> Run<F, Job<'static, u64>> {
        let (index, body, empty) = (self.index_list(), self.query_body(), self.p.empty);
        bind_job(on, &self.p.using, move |c| async move {
            if empty {
                return Ok(0);
            }
            run::delete(&c, &index, &body).await
        })
    }
    /// Every matching hit in the search's order, page by page with a point in time and
    /// `search_after` (elasticsearch.dsl's `iterate`): pages of the search's size (the
    /// helper's default without one), its sort kept with `_shard_doc` as tie-breaker, the
    /// point in time closed at the end, on error and when the stream is dropped.
    pub fn iterate<F: Flavor>(&self, on: impl Runner<F>) -> RunStream<F, es_helpers::Scan<T>> {
        let mut opts = es_helpers::ScanOptions::default()
            .point_in_time()
            .preserve_order(true);
        if let Some(n) = self.p.size {
            opts = opts.size(n);
        }
        self.scan(on, opts)
    }
    /// Every matching document, with the scan helper (scroll or point in time): a `Stream`
    /// with an async runner, an `Iterator` with a blocking one.
    pub fn scan<F: Flavor>(
        &self,
        on: impl Runner<F>,
        opts: es_helpers::ScanOptions,
    ) -> RunStream<F, es_helpers::Scan<T>> {
        let mut body = self.to_json();
        if let Some(m) = body.as_object_mut() {
            m.remove("aggs");
            m.remove("from");
            m.remove("size");
        }
        let op = if self.p.empty {
            es_helpers::Scan::nothing()
        } else {
            es_helpers::Scan::new(self.index_list(), body, opts)
        };
        es_connections::bind_stream(on, &self.p.using, op)
    }
}
