//! Sugar on the generated [`QueryContainer`]: short constructors for everyday queries and the
//! `&` / `|` / `!` operators with exactly elasticsearch.dsl's combination rules.
//!
//! The rules, as elasticsearch.dsl applies them (Python's operator dispatch included):
//! * `a & b` → `bool.must[a, b]`; `a | b` → `bool.should[a, b]`; `!a` → `bool.must_not[a]`;
//!   `!!a` → `a`.
//! * `match_all & q` → `q`, `match_all | q` → `match_all`, `match_none & q` → `match_none`,
//!   `match_none | q` → `q`, `!match_all` → `match_none` and back.
//! * `B & C` (two bools) joins must, filter and must_not; for each operand with
//!   `k` = its `minimum_should_match` (default 1 when it has should and no must/filter, else
//!   0): ≤ k should clauses move into must; otherwise they stay as the result's should with
//!   msm = k, or (a second such operand) go into must as a bool of their own.
//! * `B & x` appends `x` to must (and sets msm = 1 if `B` had should and no must/filter);
//!   `x & B` does the same (the bool's own clauses first).
//! * `B | x` extends a should-only bool's should list (no msm added); otherwise wraps.
//! * `!B` negates each must and filter clause, takes must_not clauses positively, negates
//!   required should clauses as one `bool.must_not`; one negation alone is returned bare,
//!   several become a should list; an empty bool becomes `match_none`.
//!
//! One deliberate divergence: elasticsearch.dsl raises when two bools with a percentage
//! `minimum_should_match` (`"75%"`) are combined; here such a should list is kept with its
//! percentage (as the result's should, or as a bool of its own in must).

use std::ops::{BitAnd, BitOr, Not};

use serde::Serialize;
use serde_json::Value;

use crate::common::{FieldValue, MinimumShouldMatch};
use crate::query_dsl::{
    BoolQuery, ExistsQuery, IdsQuery, MatchAllQuery, MatchNoneQuery, MatchPhraseQuery, MatchQuery,
    MatchQueryQuery, MultiMatchQuery, NestedQuery, PrefixQuery, QueryContainer, QueryStringQuery,
    RangeQuery, TermQuery, TermsQuery, TermsQueryField, UntypedRangeQuery, WildcardQuery,
};
use crate::{OneOrMany, SingleKey};

impl From<&str> for FieldValue {
    #[inline]
    fn from(s: &str) -> Self {
        FieldValue::String(s.to_string())
    }
}

impl From<i32> for FieldValue {
    #[inline]
    fn from(n: i32) -> Self {
        FieldValue::Integer(n.into())
    }
}

impl From<&str> for crate::common::ScriptSource {
    #[inline]
    fn from(s: &str) -> Self {
        crate::common::ScriptSource::String(s.to_string())
    }
}

impl From<&str> for MatchQueryQuery {
    #[inline]
    fn from(s: &str) -> Self {
        MatchQueryQuery::String(s.to_string())
    }
}

impl From<u32> for FieldValue {
    #[inline]
    fn from(n: u32) -> Self {
        FieldValue::Integer(n.into())
    }
}

#[inline]
fn list(q: Option<OneOrMany<QueryContainer>>) -> Vec<QueryContainer> {
    q.map(OneOrMany::into_vec).unwrap_or_default()
}

#[inline]
fn some(v: Vec<QueryContainer>) -> Option<OneOrMany<QueryContainer>> {
    (!v.is_empty()).then_some(OneOrMany::Many(v))
}

/// The clauses of a bool query as lists (the wire form also allows one clause bare).
#[derive(Default)]
struct Clauses {
    must: Vec<QueryContainer>,
    filter: Vec<QueryContainer>,
    should: Vec<QueryContainer>,
    must_not: Vec<QueryContainer>,
    msm: Option<MinimumShouldMatch>,
    rest: BoolQuery,
}

impl Clauses {
    #[inline]
    fn of(b: BoolQuery) -> Clauses {
        let mut rest = b;
        Clauses {
            must: list(rest.must.take()),
            filter: list(rest.filter.take()),
            should: list(rest.should.take()),
            must_not: list(rest.must_not.take()),
            msm: rest.minimum_should_match.take(),
            rest,
        }
    }

    #[inline]
    fn into_query(self) -> QueryContainer {
        let mut b = self.rest;
        b.must = some(self.must);
        b.filter = some(self.filter);
        b.should = some(self.should);
        b.must_not = some(self.must_not);
        b.minimum_should_match = self.msm;
        QueryContainer::Bool(Box::new(b))
    }

    /// `minimum_should_match` as elasticsearch.dsl reads it: the value set, else 1 for a
    /// should-only bool, else 0. `None` for a value that is not a count (`"75%"`).
    #[inline]
    fn min_should_match(&self) -> Option<i64> {
        match &self.msm {
            Some(MinimumShouldMatch::Integer(n)) => Some((*n).into()),
            Some(MinimumShouldMatch::String(s)) => s.parse().ok(),
            None if !self.should.is_empty() && self.must.is_empty() && self.filter.is_empty() => {
                Some(1)
            }
            None => Some(0),
        }
    }

    /// Nothing but should clauses (and no `minimum_should_match`, or 0 — falsy to
    /// elasticsearch.dsl): `|` may extend it.
    #[inline]
    fn should_only(&self) -> bool {
        let no_msm = matches!(self.msm, None | Some(MinimumShouldMatch::Integer(0)));
        self.must.is_empty() && self.filter.is_empty() && self.must_not.is_empty() && no_msm
    }

    #[inline]
    fn is_empty(&self) -> bool {
        self.must.is_empty()
            && self.filter.is_empty()
            && self.should.is_empty()
            && self.must_not.is_empty()
    }
}

#[inline]
fn bool_of(
    must: Vec<QueryContainer>,
    should: Vec<QueryContainer>,
    must_not: Vec<QueryContainer>,
) -> QueryContainer {
    Clauses {
        must,
        should,
        must_not,
        ..Clauses::default()
    }
    .into_query()
}

/// `B & other` (elasticsearch.dsl's `Bool.__and__`).
#[inline]
fn bool_and(b: BoolQuery, other: QueryContainer) -> QueryContainer {
    let mut q = Clauses::of(b.clone());
    match other {
        QueryContainer::Bool(o) => {
            let left = Clauses::of(b);
            let right = Clauses::of(*o);
            q.must.extend(right.must.iter().cloned());
            q.must_not.extend(right.must_not.iter().cloned());
            q.filter.extend(right.filter.iter().cloned());
            q.should = Vec::new();
            q.msm = None;
            for side in [left, right] {
                let k = side.min_should_match();
                let count = side.should.len() as i64;
                if k.is_some_and(|k| count <= k) {
                    // Every should clause is required: they are musts.
                    q.must.extend(side.should);
                } else if q.should.is_empty() {
                    q.msm = side
                        .msm
                        .clone()
                        .or_else(|| k.map(|k| MinimumShouldMatch::Integer(k as i32)));
                    q.should = side.should;
                } else if q.min_should_match() == Some(0) && k == Some(0) {
                    q.should.extend(side.should);
                } else {
                    let msm = side
                        .msm
                        .clone()
                        .or_else(|| k.map(|k| MinimumShouldMatch::Integer(k as i32)));
                    let mut inner = Clauses {
                        should: side.should,
                        msm,
                        ..Clauses::default()
                    };
                    inner.rest = BoolQuery::default();
                    q.must.push(inner.into_query());
                }
            }
        }
        other => {
            if q.must.is_empty() && q.filter.is_empty() && !q.should.is_empty() && q.msm.is_none() {
                q.msm = Some(MinimumShouldMatch::Integer(1));
            }
            q.must.push(other);
        }
    }
    q.into_query()
}

/// `B | other` (elasticsearch.dsl's `Bool.__or__`, either side a bool).
#[inline]
fn bool_or(left: QueryContainer, right: QueryContainer) -> QueryContainer {
    let extendable = |q: &QueryContainer| match q {
        QueryContainer::Bool(b) => Clauses::of((**b).clone()).should_only(),
        _ => false,
    };
    for (this, other) in [(&left, &right), (&right, &left)] {
        if let (true, QueryContainer::Bool(b)) = (extendable(this), this) {
            let mut q = Clauses::of((**b).clone());
            match other {
                QueryContainer::Bool(o) if extendable(other) => {
                    q.should.extend(Clauses::of((**o).clone()).should);
                }
                o => q.should.push(o.clone()),
            }
            return q.into_query();
        }
    }
    bool_of(Vec::new(), vec![left, right], Vec::new())
}

impl QueryContainer {
    /// `match_all`.
    #[inline]
    pub fn match_all() -> Self {
        QueryContainer::MatchAll(MatchAllQuery::default())
    }
    /// `match_none`.
    #[inline]
    pub fn match_none() -> Self {
        QueryContainer::MatchNone(MatchNoneQuery::default())
    }
    /// `{"term": {field: {"value": v}}}`.
    #[inline]
    pub fn term(field: &str, value: impl Into<FieldValue>) -> Self {
        QueryContainer::Term(SingleKey::new(field, TermQuery::new().value(value)))
    }
    /// `{"terms": {field: [values]}}`.
    #[inline]
    pub fn terms<V: Into<FieldValue>>(field: &str, values: impl IntoIterator<Item = V>) -> Self {
        let mut t = TermsQuery::default();
        let values: Vec<FieldValue> = values.into_iter().map(Into::into).collect();
        t.extra
            .insert(field.to_string(), TermsQueryField::FieldValueList(values));
        QueryContainer::Terms(t)
    }
    /// `{"match": {field: {"query": q}}}` (`match` is a Rust keyword).
    #[inline]
    pub fn match_(field: &str, query: impl Into<MatchQueryQuery>) -> Self {
        QueryContainer::Match(SingleKey::new(field, MatchQuery::new().query(query)))
    }
    /// `{"match_phrase": {field: {"query": q}}}`.
    #[inline]
    pub fn match_phrase(field: &str, query: &str) -> Self {
        QueryContainer::MatchPhrase(SingleKey::new(field, MatchPhraseQuery::new().query(query)))
    }
    /// `{"multi_match": {"query": q, "fields": [...]}}`.
    #[inline]
    pub fn multi_match<S: AsRef<str>>(query: &str, fields: impl IntoIterator<Item = S>) -> Self {
        let fields: Vec<String> = fields.into_iter().map(|f| f.as_ref().to_string()).collect();
        QueryContainer::MultiMatch(MultiMatchQuery::new().query(query).fields(fields))
    }
    /// `{"range": {field: {}}}`; bounds with [`gt`](Self::gt), [`gte`](Self::gte)...
    #[inline]
    pub fn range(field: &str) -> Self {
        QueryContainer::Range(SingleKey::new(
            field,
            RangeQuery::UntypedRangeQuery(UntypedRangeQuery::default()),
        ))
    }
    #[inline]
    fn bound(mut self, set: impl FnOnce(&mut UntypedRangeQuery)) -> Self {
        if let QueryContainer::Range(SingleKey {
            value: RangeQuery::UntypedRangeQuery(r),
            ..
        }) = &mut self
        {
            set(r);
        }
        self
    }
    /// A range bound (on a query made by [`range`](Self::range); other queries are returned
    /// unchanged).
    #[inline]
    pub fn gt(self, v: impl Serialize) -> Self {
        let v = serde_json::to_value(v).unwrap_or(Value::Null);
        self.bound(|r| r.gt = Some(v))
    }
    /// A range bound (see [`gt`](Self::gt)).
    #[inline]
    pub fn gte(self, v: impl Serialize) -> Self {
        let v = serde_json::to_value(v).unwrap_or(Value::Null);
        self.bound(|r| r.gte = Some(v))
    }
    /// A range bound (see [`gt`](Self::gt)).
    #[inline]
    pub fn lt(self, v: impl Serialize) -> Self {
        let v = serde_json::to_value(v).unwrap_or(Value::Null);
        self.bound(|r| r.lt = Some(v))
    }
    /// A range bound (see [`gt`](Self::gt)).
    #[inline]
    pub fn lte(self, v: impl Serialize) -> Self {
        let v = serde_json::to_value(v).unwrap_or(Value::Null);
        self.bound(|r| r.lte = Some(v))
    }
    /// `{"exists": {"field": f}}`.
    #[inline]
    pub fn exists(field: &str) -> Self {
        QueryContainer::Exists(ExistsQuery::new().field(field))
    }
    /// `{"prefix": {field: {"value": v}}}`.
    #[inline]
    pub fn prefix(field: &str, value: &str) -> Self {
        QueryContainer::Prefix(SingleKey::new(field, PrefixQuery::new().value(value)))
    }
    /// `{"wildcard": {field: {"value": pattern}}}`.
    #[inline]
    pub fn wildcard(field: &str, pattern: &str) -> Self {
        QueryContainer::Wildcard(SingleKey::new(field, WildcardQuery::new().value(pattern)))
    }
    /// `{"ids": {"values": [...]}}`.
    #[inline]
    pub fn ids<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> Self {
        let ids: Vec<String> = ids.into_iter().map(|i| i.as_ref().to_string()).collect();
        QueryContainer::Ids(IdsQuery::new().values(ids))
    }
    /// `{"query_string": {"query": q}}`.
    #[inline]
    pub fn query_string(query: &str) -> Self {
        QueryContainer::QueryString(QueryStringQuery::new().query(query))
    }
    /// `{"nested": {"path": p, "query": q}}`.
    #[inline]
    pub fn nested(path: &str, query: QueryContainer) -> Self {
        QueryContainer::Nested(Box::new(NestedQuery::new().path(path).query(query)))
    }
    /// An empty bool query; add clauses with [`must`](Self::must), [`filter`](Self::filter)...
    #[inline]
    pub fn bool() -> Self {
        QueryContainer::Bool(Box::default())
    }
    /// Sets any parameter of the query (`boost`, `_name`, `fuzziness`, `slop`...), where the
    /// specification puts it: beside the kind's parameters, or under the field of a field
    /// query. Typed when the parameter fits; otherwise the query becomes raw JSON with it.
    ///
    /// ```
    /// use es_types::query_dsl::QueryContainer as Query;
    /// let q = Query::match_("title", "dune").with("fuzziness", "AUTO").boost(2.0);
    /// assert_eq!(q.to_json(), serde_json::json!(
    ///     {"match": {"title": {"query": "dune", "fuzziness": "AUTO", "boost": 2.0}}}));
    /// assert!(matches!(Query::term("f", 1).with("no_such_option", 1), Query::Raw(_)));
    /// ```
    #[inline]
    pub fn with(self, key: &str, value: impl Serialize) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        let json = self.to_json();
        let put = |deep: bool| -> Option<Value> {
            let mut j = json.clone();
            let params = j.as_object_mut()?.values_mut().next()?.as_object_mut()?;
            let target = if deep {
                let (_, inner) = params.iter_mut().next()?;
                inner.as_object_mut()?
            } else {
                params
            };
            target.insert(key.to_string(), value.clone());
            Some(j)
        };
        for deep in [false, true] {
            if let Some(q) = put(deep).and_then(|j| crate::from_value(j).ok()) {
                return q;
            }
        }
        match put(false) {
            Some(j) => QueryContainer::Raw(j),
            None => self,
        }
    }
    /// `boost` of the query (see [`with`](Self::with)).
    #[inline]
    pub fn boost(self, boost: f32) -> Self {
        self.with("boost", boost)
    }
    /// `_name` of the query, reported in `matched_queries` (see [`with`](Self::with)).
    #[inline]
    pub fn named(self, name: &str) -> Self {
        self.with("_name", name)
    }
    /// Any kind with its parameters: typed when the specification knows the kind and the
    /// parameters fit it, else kept as raw JSON (for kinds newer than the specification).
    ///
    /// ```
    /// use es_types::query_dsl::QueryContainer as Query;
    /// let q = Query::of("fuzzy", serde_json::json!({"user.id": {"value": "ki"}}));
    /// assert!(matches!(q, Query::Fuzzy(_)));
    /// assert!(matches!(Query::of("brand_new", serde_json::json!({})), Query::Raw(_)));
    /// ```
    #[inline]
    pub fn of(kind: &str, params: Value) -> Self {
        let json = serde_json::json!({ kind: params });
        crate::support::typed_or_raw(json, QueryContainer::Raw)
    }
    /// `dis_max` over queries (the best clause scores).
    #[inline]
    pub fn dis_max(queries: impl IntoIterator<Item = QueryContainer>) -> Self {
        let queries: Vec<Value> = queries.into_iter().map(|q| q.to_json()).collect();
        Self::of("dis_max", serde_json::json!({ "queries": queries }))
    }
    /// `function_score` around a query; add `functions`, `score_mode`, `boost_mode`... with
    /// [`with`](Self::with).
    ///
    /// ```
    /// use es_types::query_dsl::QueryContainer as Query;
    /// let q = Query::function_score(Query::match_("title", "dune"))
    ///     .with("functions", serde_json::json!([{"field_value_factor": {"field": "likes"}}]))
    ///     .with("boost_mode", "sum");
    /// assert!(matches!(q, Query::FunctionScore(_)));
    /// assert_eq!(q.to_json()["function_score"]["boost_mode"], "sum");
    /// ```
    #[inline]
    pub fn function_score(query: QueryContainer) -> Self {
        Self::of(
            "function_score",
            serde_json::json!({ "query": query.to_json() }),
        )
    }
    /// `constant_score` of a filter.
    #[inline]
    pub fn constant_score(filter: QueryContainer) -> Self {
        Self::of(
            "constant_score",
            serde_json::json!({ "filter": filter.to_json() }),
        )
    }
    /// Documents within `distance` (`"12km"`) of a point.
    ///
    /// ```
    /// use es_types::query_dsl::QueryContainer as Query;
    /// let q = Query::geo_distance("location", 40.7, -74.0, "12km");
    /// assert!(matches!(q, Query::GeoDistance(_)), "{q:?}");
    /// assert_eq!(q.to_json(), serde_json::json!(
    ///     {"geo_distance": {"distance": "12km", "location": {"lat": 40.7, "lon": -74.0}}}));
    /// ```
    #[inline]
    pub fn geo_distance(field: &str, lat: f64, lon: f64, distance: &str) -> Self {
        Self::of(
            "geo_distance",
            serde_json::json!({ "distance": distance, field: { "lat": lat, "lon": lon } }),
        )
    }
    /// `fuzzy` term query.
    #[inline]
    pub fn fuzzy(field: &str, value: &str) -> Self {
        Self::of("fuzzy", serde_json::json!({ field: { "value": value } }))
    }
    /// `regexp` query.
    #[inline]
    pub fn regexp(field: &str, pattern: &str) -> Self {
        Self::of("regexp", serde_json::json!({ field: { "value": pattern } }))
    }
    /// `match_phrase_prefix` query.
    #[inline]
    pub fn match_phrase_prefix(field: &str, query: &str) -> Self {
        Self::of(
            "match_phrase_prefix",
            serde_json::json!({ field: { "query": query } }),
        )
    }
    /// `simple_query_string` query.
    #[inline]
    pub fn simple_query_string(query: &str) -> Self {
        Self::of("simple_query_string", serde_json::json!({ "query": query }))
    }
    /// Raw JSON, for a kind newer than the specification (written as given).
    #[inline]
    pub fn raw(json: Value) -> Self {
        QueryContainer::Raw(json)
    }
    /// Parses a query (an unknown kind or a bad value is an error with its JSON path).
    #[inline]
    pub fn from_json(text: &str) -> Result<Self, crate::ParseError> {
        crate::from_json(text)
    }
    /// The JSON Elasticsearch receives.
    #[inline]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    #[inline]
    fn edit_bool(self, f: impl FnOnce(&mut Clauses)) -> Self {
        let b = match self {
            QueryContainer::Bool(b) => *b,
            // A clause added to another query makes a bool around it.
            other => BoolQuery::new().must(OneOrMany::Many(vec![other])),
        };
        let mut c = Clauses::of(b);
        f(&mut c);
        c.into_query()
    }
    /// Adds a must clause (to a bool; another query becomes the bool's first must).
    #[inline]
    pub fn must(self, q: QueryContainer) -> Self {
        self.edit_bool(|c| c.must.push(q))
    }
    /// Adds a filter clause.
    #[inline]
    pub fn filter(self, q: QueryContainer) -> Self {
        self.edit_bool(|c| c.filter.push(q))
    }
    /// Adds a should clause.
    #[inline]
    pub fn should(self, q: QueryContainer) -> Self {
        self.edit_bool(|c| c.should.push(q))
    }
    /// Adds a must_not clause.
    #[inline]
    pub fn must_not(self, q: QueryContainer) -> Self {
        self.edit_bool(|c| c.must_not.push(q))
    }
    /// Sets `minimum_should_match` of a bool.
    #[inline]
    pub fn minimum_should_match(self, v: impl Into<MinimumShouldMatch>) -> Self {
        let v = v.into();
        self.edit_bool(|c| c.msm = Some(v))
    }
}

impl BitAnd for QueryContainer {
    type Output = QueryContainer;
    #[inline]
    fn bitand(self, other: QueryContainer) -> QueryContainer {
        match (self, other) {
            (QueryContainer::MatchAll(_), o) => o,
            (n @ QueryContainer::MatchNone(_), _) => n,
            (QueryContainer::Bool(b), o) => bool_and(*b, o),
            // The right side's own rules first (Python's `__rand__`).
            (l, QueryContainer::MatchAll(_)) => l,
            (_, n @ QueryContainer::MatchNone(_)) => n,
            (l, QueryContainer::Bool(b)) => bool_and(*b, l),
            (l, r) => bool_of(vec![l, r], Vec::new(), Vec::new()),
        }
    }
}

impl BitOr for QueryContainer {
    type Output = QueryContainer;
    #[inline]
    fn bitor(self, other: QueryContainer) -> QueryContainer {
        match (self, other) {
            (a @ QueryContainer::MatchAll(_), _) => a,
            (QueryContainer::MatchNone(_), o) => o,
            (l @ QueryContainer::Bool(_), r) => bool_or(l, r),
            (_, a @ QueryContainer::MatchAll(_)) => a,
            (l, QueryContainer::MatchNone(_)) => l,
            (l, r @ QueryContainer::Bool(_)) => bool_or(r, l),
            (l, r) => bool_of(Vec::new(), vec![l, r], Vec::new()),
        }
    }
}

impl Not for QueryContainer {
    type Output = QueryContainer;
    #[inline]
    fn not(self) -> QueryContainer {
        match self {
            QueryContainer::MatchAll(_) => QueryContainer::match_none(),
            QueryContainer::MatchNone(_) => QueryContainer::match_all(),
            QueryContainer::Bool(b) => {
                let c = Clauses::of(*b);
                if c.is_empty() {
                    // An empty bool matches everything: its negation matches nothing.
                    return QueryContainer::match_none();
                }
                let required = c.min_should_match().is_none_or(|k| k > 0);
                let mut negations: Vec<QueryContainer> =
                    c.must.into_iter().chain(c.filter).map(|q| !q).collect();
                negations.extend(c.must_not);
                if !c.should.is_empty() && required {
                    negations.push(bool_of(Vec::new(), Vec::new(), c.should));
                }
                if negations.len() == 1 {
                    negations.remove(0)
                } else {
                    bool_of(Vec::new(), negations, Vec::new())
                }
            }
            q => bool_of(Vec::new(), Vec::new(), vec![q]),
        }
    }
}
