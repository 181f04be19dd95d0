//! Queries. Build them with constructors, combine them with `&` (must), `|` (should) and `!`
//! (must not); they serialize to the JSON Elasticsearch expects.

use std::ops::{BitAnd, BitOr, Not};

use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

/// A query.
///
/// ```
/// use es_dsl::Query;
/// let q = Query::match_("title", "rust client") & Query::range("year").gte(2020)
///     & !Query::term("status", "draft");
/// assert_eq!(q.to_json(), serde_json::json!({"bool": {
///     "must": [{"match": {"title": {"query": "rust client"}}}, {"range": {"year": {"gte": 2020}}}],
///     "must_not": [{"term": {"status": {"value": "draft"}}}]
/// }}));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Query {
    /// `match_all`.
    MatchAll,
    /// `match_none`.
    MatchNone,
    /// A leaf query on one field: `{kind: {field: params}}`.
    Field {
        /// `term`, `match`, `range`, `prefix`, `wildcard`, `match_phrase`...
        kind: &'static str,
        /// Field.
        field: String,
        /// Parameters (`{"value": ...}`, `{"query": ...}`, `{"gte": ...}`).
        params: Map<String, Value>,
    },
    /// A bool query.
    Bool(Box<BoolQuery>),
    /// Any other query, as JSON (`{"multi_match": ...}`, `{"nested": ...}`...).
    Raw(Value),
}

/// The clauses of a bool query.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoolQuery {
    /// Must match (scored).
    pub must: Vec<Query>,
    /// Must match (not scored, cacheable).
    pub filter: Vec<Query>,
    /// Should match.
    pub should: Vec<Query>,
    /// Must not match.
    pub must_not: Vec<Query>,
    /// `minimum_should_match`.
    pub minimum_should_match: Option<Value>,
}

fn leaf(kind: &'static str, f: &str, params: Value) -> Query {
    Query::Field {
        kind,
        field: f.to_string(),
        params: params.as_object().cloned().unwrap_or_default(),
    }
}

fn strings<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(|s| s.as_ref().to_string()).collect()
}

impl Query {
    /// Every document.
    pub fn match_all() -> Query {
        Query::MatchAll
    }
    /// No document.
    pub fn match_none() -> Query {
        Query::MatchNone
    }
    /// Exact value of a field.
    pub fn term(f: &str, value: impl Serialize) -> Query {
        leaf("term", f, json!({ "value": value }))
    }
    /// Any of these exact values.
    pub fn terms<V: Serialize>(f: &str, values: impl IntoIterator<Item = V>) -> Query {
        let values: Vec<Value> = values.into_iter().map(|v| json!(v)).collect();
        Query::Raw(json!({ "terms": { f: values } }))
    }
    /// Full-text match.
    pub fn match_(f: &str, query: impl Serialize) -> Query {
        leaf("match", f, json!({ "query": query }))
    }
    /// Phrase match.
    pub fn match_phrase(f: &str, query: impl Serialize) -> Query {
        leaf("match_phrase", f, json!({ "query": query }))
    }
    /// Full-text match on several fields (`title^2` boosts allowed).
    pub fn multi_match<S: AsRef<str>>(query: &str, fields: impl IntoIterator<Item = S>) -> Query {
        Query::Raw(json!({ "multi_match": { "query": query, "fields": strings(fields) } }))
    }
    /// A range; set bounds with [`Query::gt`], [`Query::gte`], [`Query::lt`], [`Query::lte`].
    pub fn range(f: &str) -> Query {
        leaf("range", f, json!({}))
    }
    /// Documents that have a value for `field`.
    pub fn exists(f: &str) -> Query {
        Query::Raw(json!({ "exists": { "field": f } }))
    }
    /// Prefix of a keyword.
    pub fn prefix(f: &str, value: &str) -> Query {
        leaf("prefix", f, json!({ "value": value }))
    }
    /// Wildcard pattern (`*`, `?`).
    pub fn wildcard(f: &str, pattern: &str) -> Query {
        leaf("wildcard", f, json!({ "value": pattern }))
    }
    /// Documents with these ids.
    pub fn ids<S: AsRef<str>>(ids: impl IntoIterator<Item = S>) -> Query {
        Query::Raw(json!({ "ids": { "values": strings(ids) } }))
    }
    /// Lucene query string.
    pub fn query_string(query: &str) -> Query {
        Query::Raw(json!({ "query_string": { "query": query } }))
    }
    /// A query on nested objects at `path`.
    pub fn nested(path: &str, query: Query) -> Query {
        Query::Raw(json!({ "nested": { "path": path, "query": query.to_json() } }))
    }
    /// An empty bool query, to fill with [`Query::must`], [`Query::filter`]...
    pub fn bool() -> Query {
        Query::Bool(Box::default())
    }

    fn param(mut self, key: &str, value: Value) -> Query {
        match &mut self {
            Query::Field { params, .. } => {
                params.insert(key.to_string(), value);
            }
            Query::Raw(Value::Object(m)) => {
                if let Some(Value::Object(inner)) = m.values_mut().next() {
                    inner.insert(key.to_string(), value);
                }
            }
            Query::Bool(b) if key == "minimum_should_match" => b.minimum_should_match = Some(value),
            _ => {}
        }
        self
    }

    /// `> value` (range).
    pub fn gt(self, value: impl Serialize) -> Query {
        self.param("gt", json!(value))
    }
    /// `>= value` (range).
    pub fn gte(self, value: impl Serialize) -> Query {
        self.param("gte", json!(value))
    }
    /// `< value` (range).
    pub fn lt(self, value: impl Serialize) -> Query {
        self.param("lt", json!(value))
    }
    /// `<= value` (range).
    pub fn lte(self, value: impl Serialize) -> Query {
        self.param("lte", json!(value))
    }
    /// `boost`.
    pub fn boost(self, boost: f64) -> Query {
        self.param("boost", json!(boost))
    }
    /// Any other parameter (`operator`, `fuzziness`, `format`, `analyzer`...).
    pub fn with(self, key: &str, value: impl Serialize) -> Query {
        self.param(key, json!(value))
    }

    fn into_bool(self) -> BoolQuery {
        match self {
            Query::Bool(b) => *b,
            other => BoolQuery {
                must: vec![other],
                ..BoolQuery::default()
            },
        }
    }
    fn edit(self, f: impl FnOnce(&mut BoolQuery)) -> Query {
        let mut b = match self {
            Query::Bool(b) => *b,
            Query::MatchAll => BoolQuery::default(),
            other => BoolQuery {
                must: vec![other],
                ..BoolQuery::default()
            },
        };
        f(&mut b);
        Query::Bool(Box::new(b))
    }
    /// Adds a `must` clause.
    pub fn must(self, q: Query) -> Query {
        self.edit(|b| b.must.push(q))
    }
    /// Adds a `filter` clause.
    pub fn filter(self, q: Query) -> Query {
        self.edit(|b| b.filter.push(q))
    }
    /// Adds a `should` clause.
    pub fn should(self, q: Query) -> Query {
        self.edit(|b| b.should.push(q))
    }
    /// Adds a `must_not` clause.
    pub fn must_not(self, q: Query) -> Query {
        self.edit(|b| b.must_not.push(q))
    }
    /// `minimum_should_match` of a bool query.
    pub fn minimum_should_match(self, v: impl Serialize) -> Query {
        let v = json!(v);
        self.edit(|b| b.minimum_should_match = Some(v))
    }

    /// The query as Elasticsearch JSON.
    pub fn to_json(&self) -> Value {
        match self {
            Query::MatchAll => json!({"match_all": {}}),
            Query::MatchNone => json!({"match_none": {}}),
            Query::Field {
                kind,
                field,
                params,
            } => json!({ *kind: { field.as_str(): params } }),
            Query::Raw(v) => v.clone(),
            Query::Bool(b) => {
                let mut m = Map::new();
                for (name, clauses) in [
                    ("must", &b.must),
                    ("filter", &b.filter),
                    ("should", &b.should),
                    ("must_not", &b.must_not),
                ] {
                    if !clauses.is_empty() {
                        m.insert(
                            name.into(),
                            Value::Array(clauses.iter().map(Query::to_json).collect()),
                        );
                    }
                }
                if let Some(v) = &b.minimum_should_match {
                    m.insert("minimum_should_match".into(), v.clone());
                }
                json!({ "bool": m })
            }
        }
    }
}

impl Serialize for Query {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(s)
    }
}

/// `a & b`: both must match (bool queries without `should` are merged).
impl BitAnd for Query {
    type Output = Query;
    fn bitand(self, rhs: Query) -> Query {
        let mut a = self.into_bool();
        let b = rhs.into_bool();
        if a.should.is_empty() && b.should.is_empty() {
            a.must.extend(b.must);
            a.filter.extend(b.filter);
            a.must_not.extend(b.must_not);
            Query::Bool(Box::new(a))
        } else {
            Query::Bool(Box::new(BoolQuery {
                must: vec![Query::Bool(Box::new(a)), Query::Bool(Box::new(b))],
                ..BoolQuery::default()
            }))
        }
    }
}

/// `a | b`: at least one should match.
impl BitOr for Query {
    type Output = Query;
    fn bitor(self, rhs: Query) -> Query {
        let mut should = Vec::new();
        for q in [self, rhs] {
            match q {
                // A should-only bool needing at most one match is an OR: flatten it.
                Query::Bool(b)
                    if b.must.is_empty()
                        && b.filter.is_empty()
                        && b.must_not.is_empty()
                        && b.minimum_should_match
                            .as_ref()
                            .is_none_or(|m| *m == json!(1)) =>
                {
                    should.extend(b.should)
                }
                other => should.push(other),
            }
        }
        Query::Bool(Box::new(BoolQuery {
            should,
            minimum_should_match: Some(json!(1)),
            ..BoolQuery::default()
        }))
    }
}

/// `!a`: must not match.
impl Not for Query {
    type Output = Query;
    fn not(self) -> Query {
        Query::Bool(Box::new(BoolQuery {
            must_not: vec![self],
            ..BoolQuery::default()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaf_queries_serialize_like_elasticsearch() {
        assert_eq!(
            Query::term("user.id", "kimchy").boost(2.0).to_json(),
            json!({"term": {"user.id": {"value": "kimchy", "boost": 2.0}}})
        );
        assert_eq!(
            Query::terms("tag", ["a", "b"]).to_json(),
            json!({"terms": {"tag": ["a", "b"]}})
        );
        assert_eq!(
            Query::range("date")
                .gte("now-1d")
                .lt("now")
                .with("format", "date_math")
                .to_json(),
            json!({"range": {"date": {"gte": "now-1d", "lt": "now", "format": "date_math"}}})
        );
        assert_eq!(
            Query::multi_match("rust", ["title^2", "body"])
                .with("type", "best_fields")
                .to_json(),
            json!({"multi_match": {"query": "rust", "fields": ["title^2", "body"], "type": "best_fields"}})
        );
        assert_eq!(
            Query::exists("x").to_json(),
            json!({"exists": {"field": "x"}})
        );
        assert_eq!(
            Query::ids(["1", "2"]).to_json(),
            json!({"ids": {"values": ["1", "2"]}})
        );
        assert_eq!(
            Query::nested("comments", Query::match_("comments.text", "good")).to_json(),
            json!({"nested": {"path": "comments", "query": {"match": {"comments.text": {"query": "good"}}}}})
        );
    }

    #[test]
    fn operators_build_bool_queries() {
        let a = Query::term("a", 1);
        let b = Query::term("b", 2);
        let c = Query::term("c", 3);
        assert_eq!(
            (a.clone() | b.clone() | c.clone()).to_json(),
            json!({"bool": {"should": [{"term": {"a": {"value": 1}}}, {"term": {"b": {"value": 2}}}, {"term": {"c": {"value": 3}}}], "minimum_should_match": 1}})
        );
        let and_or = a.clone() & (b.clone() | c.clone());
        assert_eq!(
            and_or.to_json()["bool"]["must"].as_array().unwrap().len(),
            2
        );
        let filtered = Query::match_all().filter(a.clone()).must_not(b.clone());
        assert_eq!(
            filtered.to_json(),
            json!({"bool": {"filter": [{"term": {"a": {"value": 1}}}], "must_not": [{"term": {"b": {"value": 2}}}]}})
        );
        assert_eq!(
            (!a).to_json(),
            json!({"bool": {"must_not": [{"term": {"a": {"value": 1}}}]}})
        );
    }
}
