//! Aggregation results, typed: each result is read as the generated result type of the kind
//! of aggregation that asked for it, at every depth (a result alone does not say its kind;
//! elasticsearch.dsl reads results by the request the same way). Names written with
//! `typed_keys` (`sterms#by_tag`) are read by their prefix instead.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use crate::aggregations::{
    Aggregate, AggregationContainer, AggregationContainerKind, Buckets, TopHitsAggregate,
};

/// A bucket of a bucket aggregation's result (and a single-bucket result such as `filter`).
pub trait Bucket {
    /// Documents in the bucket.
    fn doc_count(&self) -> i64;
    /// The bucket's `key` as JSON (`None` for keyed buckets, whose key is their name).
    fn key(&self) -> Option<Value>;
    /// `key_as_string` when the server gives one (dates, formatted numbers).
    fn key_as_string(&self) -> Option<&str>;
    /// Results of the sub-aggregations.
    fn aggs(&self) -> &Aggregations;
    /// Results of the sub-aggregations, to read them by kind.
    fn aggs_mut(&mut self) -> &mut Aggregations;
}

/// One bucket of any multi-bucket result, the same shape whatever the aggregation.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketRef<'a> {
    /// `key` (for keyed buckets — `filters`, keyed ranges — the bucket's name).
    pub key: Value,
    /// `key_as_string`, when given.
    pub key_as_string: Option<&'a str>,
    /// Documents in the bucket.
    pub doc_count: i64,
    /// Results of the sub-aggregations.
    pub aggs: &'a Aggregations,
}

impl BucketRef<'_> {
    /// The key as text: `key_as_string` when given, else the key (strings without quotes).
    #[inline]
    pub fn key_str(&self) -> String {
        match (self.key_as_string, &self.key) {
            (Some(s), _) => s.to_string(),
            (None, Value::String(s)) => s.clone(),
            (None, other) => other.to_string(),
        }
    }
}

/// A generated result type (`StringTermsAggregate`, `AvgAggregate`...) as a variant of
/// [`Aggregate`], for [`Aggregations::get_as`].
pub trait AggregateKind: Sized {
    /// Its name as `typed_keys` writes it.
    const VARIANT: &'static str;
    /// The result if `a` is of this type.
    fn of(a: &Aggregate) -> Option<&Self>;
}

/// Why a result could not be read as asked.
#[derive(Debug, Clone, PartialEq)]
pub enum AggError {
    /// The result is of another type than the one asked for.
    KindMismatch {
        /// The aggregation's name.
        name: String,
        /// The type asked for (`typed_keys` name).
        expected: &'static str,
        /// The type it has.
        found: &'static str,
    },
    /// The server's answer does not fit the result type of the aggregation's kind.
    Parse {
        /// The aggregation's name.
        name: String,
        /// The result type it was read as.
        variant: &'static str,
        /// Where in the result, and what was wrong.
        message: String,
    },
    /// The kind has no result type in the specification (a kind newer than it, or one such
    /// as `categorize_text`): read it with [`Aggregations::raw`].
    Untyped {
        /// The aggregation's name.
        name: String,
        /// Its kind.
        kind: String,
    },
}

impl fmt::Display for AggError {
    #[inline]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AggError::KindMismatch {
                name,
                expected,
                found,
            } => write!(
                f,
                "aggregation `{name}` is a `{found}` result, not `{expected}`"
            ),
            AggError::Parse {
                name,
                variant,
                message,
            } => write!(f, "aggregation `{name}` as `{variant}`: {message}"),
            AggError::Untyped { name, kind } => write!(
                f,
                "aggregation `{name}`: kind `{kind}` has no typed result (read it raw)"
            ),
        }
    }
}

impl std::error::Error for AggError {}

#[derive(Debug, Clone, PartialEq)]
enum Entry {
    /// Not (yet) read by kind: not requested, or not resolved.
    Raw(Value),
    Typed(Box<Aggregate>),
    /// The answer as sent, and why it could not be read.
    Failed(Value, AggError),
}

/// The results of a search's aggregations (or of a bucket's sub-aggregations), by name.
///
/// Parsed from JSON, results are kept as sent; [`resolve`](Self::resolve) reads each one as
/// the result type of the aggregation that asked for it, at every depth. Typed access then
/// never digs in JSON: a name that was not requested is `None`, a kind mismatch a typed error.
///
/// ```
/// use es_types::aggregations::{AggregationContainer as Agg, StatsAggregate};
/// use es_types::Aggregations;
/// let requests = [(
///     "tags".to_string(),
///     Agg::terms("tags").sub("year", Agg::stats("year")),
/// )].into();
/// let mut aggs: Aggregations = serde_json::from_str(r#"{"tags": {
///     "doc_count_error_upper_bound": 0, "sum_other_doc_count": 0,
///     "buckets": [{"key": "rust", "doc_count": 2,
///         "year": {"count": 2, "min": 2015.0, "max": 2021.0, "avg": 2018.0, "sum": 4036.0}}]}}"#).unwrap();
/// aggs.resolve(&requests);
/// let tags = aggs.buckets("tags").unwrap().unwrap();
/// assert_eq!((tags[0].key_str(), tags[0].doc_count), ("rust".to_string(), 2));
/// let year: &StatsAggregate = tags[0].aggs.get_as("year").unwrap().unwrap();
/// assert_eq!(year.max, Some(2021.0));
/// assert!(aggs.get("nope").unwrap().is_none());
/// assert!(aggs.get_as::<StatsAggregate>("tags").is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Aggregations {
    entries: BTreeMap<String, Entry>,
}

impl Aggregations {
    /// Reads every result named in `requests` as the result type of its kind, and the
    /// results inside its buckets by its sub-aggregations, at every depth. Results already
    /// typed (from `typed_keys`) only have their sub-aggregations read.
    #[inline]
    pub fn resolve(&mut self, requests: &BTreeMap<String, AggregationContainer>) {
        for (name, request) in requests {
            let Some(entry) = self.entries.get_mut(name) else {
                continue;
            };
            if let Entry::Raw(v) = entry {
                *entry = read(name, &request.kind, std::mem::take(v));
            }
            if let (Entry::Typed(a), Some(subs)) = (entry, &request.aggregations) {
                for s in a.sub_aggregations_mut() {
                    s.resolve(subs);
                }
            }
        }
    }

    /// The typed result `name`: `Ok(None)` when there is none (not requested, or not read
    /// by kind), an error when the answer did not fit the kind's result type.
    #[inline]
    pub fn get(&self, name: &str) -> Result<Option<&Aggregate>, AggError> {
        match self.entries.get(name) {
            Some(Entry::Typed(a)) => Ok(Some(a)),
            Some(Entry::Failed(_, e)) => Err(e.clone()),
            Some(Entry::Raw(_)) | None => Ok(None),
        }
    }

    /// The result `name` as the generated type `T` (`StatsAggregate`, `TopHitsAggregate`...).
    #[inline]
    pub fn get_as<T: AggregateKind>(&self, name: &str) -> Result<Option<&T>, AggError> {
        self.read(name, T::VARIANT, T::of)
    }

    /// The buckets of the multi-bucket result `name` (terms, histograms, ranges, filters,
    /// composite...), in the server's order.
    #[inline]
    pub fn buckets(&self, name: &str) -> Result<Option<Vec<BucketRef<'_>>>, AggError> {
        self.read(name, "a multi-bucket result", Aggregate::buckets)
    }

    /// `value` of the single-value metric `name` (avg, sum, min, max, cardinality,
    /// value_count, simple pipeline values...); `Ok(None)` also when the metric had no data.
    #[inline]
    pub fn value(&self, name: &str) -> Result<Option<f64>, AggError> {
        let metric = |a: &Aggregate| match a.value() {
            Some(v) => Some(Some(v)),
            // A metric over nothing (`"value": null`), not a bucket result.
            None if a.buckets().is_none() && a.as_bucket().is_none() => Some(None),
            None => None,
        };
        Ok(self.read(name, "a single-value metric", metric)?.flatten())
    }

    /// `doc_count` of the single-bucket result `name` (filter, global, missing, nested...).
    #[inline]
    pub fn doc_count(&self, name: &str) -> Result<Option<i64>, AggError> {
        self.read(name, "a single-bucket result", |a| {
            a.as_bucket().map(|b| b.doc_count())
        })
    }

    /// The sub-aggregation results of the single-bucket result `name`.
    #[inline]
    pub fn sub(&self, name: &str) -> Result<Option<&Aggregations>, AggError> {
        self.read(name, "a single-bucket result", |a| {
            a.as_bucket().map(|b| b.aggs())
        })
    }

    /// The result `name` seen through `view`: `Ok(None)` when there is none, a kind mismatch
    /// (naming `expected`) when `view` does not apply to it.
    #[inline]
    fn read<'a, R>(
        &'a self,
        name: &str,
        expected: &'static str,
        view: impl FnOnce(&'a Aggregate) -> Option<R>,
    ) -> Result<Option<R>, AggError> {
        let Some(a) = self.get(name)? else {
            return Ok(None);
        };
        view(a).map(Some).ok_or_else(|| AggError::KindMismatch {
            name: name.to_string(),
            expected,
            found: a.variant(),
        })
    }

    /// The result `name` as JSON, typed or not (as the server sent it when untyped).
    #[inline]
    pub fn raw(&self, name: &str) -> Option<Value> {
        match self.entries.get(name)? {
            Entry::Raw(v) | Entry::Failed(v, _) => Some(v.clone()),
            Entry::Typed(a) => serde_json::to_value(a).ok(),
        }
    }

    /// The names of every result present.
    #[inline]
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// Whether there are no results.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every result that could not be read by kind, with why (for reporting).
    #[inline]
    pub fn errors(&self) -> Vec<&AggError> {
        let mut out = Vec::new();
        for e in self.entries.values() {
            match e {
                Entry::Failed(_, err) => out.push(err),
                Entry::Typed(a) => {
                    for s in a.sub_aggregations() {
                        out.extend(s.errors());
                    }
                }
                Entry::Raw(_) => {}
            }
        }
        out
    }
}

impl TopHitsAggregate {
    /// The hits' `_source`s read as documents of type `T`, in hit order (hits without a
    /// source are skipped).
    #[inline]
    pub fn documents<T: serde::de::DeserializeOwned>(&self) -> Result<Vec<T>, crate::ParseError> {
        self.hits
            .hits
            .iter()
            .filter_map(|h| h.source.clone())
            .map(crate::from_value)
            .collect()
    }
}

/// The result of `request` named `name`, read as its kind's result type.
#[inline]
fn read(name: &str, kind: &AggregationContainerKind, v: Value) -> Entry {
    let variant = match variant_for(kind, &v) {
        Some(variant) => variant,
        None => {
            let kind = kind.kind_name().unwrap_or("?").to_string();
            let err = AggError::Untyped {
                name: name.to_string(),
                kind,
            };
            return Entry::Failed(v, err);
        }
    };
    match Aggregate::read(variant, v.clone()) {
        Some(Ok(a)) => Entry::Typed(Box::new(a)),
        Some(Err(e)) => {
            let err = AggError::Parse {
                name: name.to_string(),
                variant,
                message: e.to_string(),
            };
            Entry::Failed(v, err)
        }
        None => Entry::Raw(v),
    }
}

/// The result type (`typed_keys` name) of an aggregation kind. Several kinds share one
/// (pipelines giving one number are `simple_value`); terms-like kinds depend on the field's
/// type, seen in the first bucket's key (an empty result reads as the string form).
#[inline]
fn variant_for(kind: &AggregationContainerKind, v: &Value) -> Option<&'static str> {
    let by_key = |s: &'static str, l: &'static str, d: &'static str| match v["buckets"]
        .get(0)
        .map(|b| &b["key"])
    {
        Some(Value::Number(n)) if n.is_f64() => d,
        Some(Value::Number(_)) => l,
        _ => s,
    };
    Some(match kind {
        AggregationContainerKind::Percentiles(p) if p.hdr.is_some() => "hdr_percentiles",
        AggregationContainerKind::PercentileRanks(p) if p.hdr.is_some() => "hdr_percentile_ranks",
        _ => match kind.kind_name()? {
            "terms" => by_key("sterms", "lterms", "dterms"),
            "rare_terms" => by_key("srareterms", "lrareterms", "srareterms"),
            "significant_terms" | "significant_text" => {
                by_key("sigsterms", "siglterms", "sigsterms")
            }
            "percentiles" | "moving_percentiles" => "tdigest_percentiles",
            "percentile_ranks" => "tdigest_percentile_ranks",
            "avg_bucket" | "sum_bucket" | "cumulative_sum" | "moving_fn" | "moving_avg"
            | "serial_diff" | "bucket_script" | "normalize" | "bucket_correlation" => {
                "simple_value"
            }
            "max_bucket" | "min_bucket" => "bucket_metric_value",
            "cumulative_cardinality" => "simple_long_value",
            "diversified_sampler" | "random_sampler" => "sampler",
            "line" => "geo_line",
            other => Aggregate::VARIANTS.iter().copied().find(|n| *n == other)?,
        },
    })
}

/// The buckets of a result with their names (keyed buckets) or positions.
#[inline]
pub(crate) fn buckets_of<B>(b: &Buckets<B>) -> Vec<(Option<&str>, &B)> {
    match b {
        Buckets::Keyed(m) => m.iter().map(|(k, v)| (Some(k.as_str()), v)).collect(),
        Buckets::Array(a) => a.iter().map(|v| (None, v)).collect(),
    }
}

#[inline]
pub(crate) fn buckets_mut<B>(b: &mut Buckets<B>) -> Vec<&mut B> {
    match b {
        Buckets::Keyed(m) => m.values_mut().collect(),
        Buckets::Array(a) => a.iter_mut().collect(),
    }
}

#[inline]
pub(crate) fn bucket_refs<B: Bucket>(b: &Buckets<B>) -> Vec<BucketRef<'_>> {
    buckets_of(b)
        .into_iter()
        .map(|(name, b)| BucketRef {
            key: b
                .key()
                .or_else(|| name.map(|n| Value::String(n.to_string())))
                .unwrap_or(Value::Null),
            key_as_string: b.key_as_string(),
            doc_count: b.doc_count(),
            aggs: b.aggs(),
        })
        .collect()
}

/// A result read as its type, with the JSON path of an error.
#[inline]
pub(crate) fn read_as<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, crate::ParseError> {
    crate::from_value(v)
}

/// Metric values as `f64` (the spec types them as doubles, longs, or nullable doubles).
pub(crate) trait AsF64 {
    fn as_f64(&self) -> Option<f64>;
}

impl AsF64 for f64 {
    #[inline]
    fn as_f64(&self) -> Option<f64> {
        Some(*self)
    }
}

impl AsF64 for i64 {
    #[inline]
    fn as_f64(&self) -> Option<f64> {
        Some(*self as f64)
    }
}

impl<T: AsF64> AsF64 for Option<T> {
    #[inline]
    fn as_f64(&self) -> Option<f64> {
        self.as_ref()?.as_f64()
    }
}

impl Aggregations {
    /// Adds the result under `k` as the server sent it: typed when `typed_keys` named its
    /// type (`sterms#by_tag`), else kept as JSON for `resolve`.
    #[inline]
    fn insert(&mut self, k: String, v: Value) {
        let typed = k.split_once('#').and_then(|(prefix, name)| {
            let variant = Aggregate::VARIANTS.iter().copied().find(|n| *n == prefix)?;
            Some((variant, name))
        });
        let Some((variant, name)) = typed else {
            self.entries.insert(k, Entry::Raw(v));
            return;
        };
        let entry = match Aggregate::read(variant, v.clone()) {
            Some(Ok(a)) => Entry::Typed(Box::new(a)),
            other => {
                let message = match other {
                    Some(Err(e)) => e.to_string(),
                    _ => "unknown result type".into(),
                };
                let name = name.to_string();
                Entry::Failed(
                    v,
                    AggError::Parse {
                        name,
                        variant,
                        message,
                    },
                )
            }
        };
        self.entries.insert(name.to_string(), entry);
    }
}

/// The sub-aggregation results of a bucket: the keys its struct does not name.
impl<'de> crate::record::Collect<'de> for Aggregations {
    #[inline]
    fn add<A: MapAccess<'de>>(&mut self, key: String, m: &mut A) -> Result<(), A::Error> {
        let v = m.next_value::<Value>()?;
        self.insert(key, v);
        Ok(())
    }
}

impl crate::record::CollectSer for Aggregations {
    #[inline]
    fn write<M: serde::ser::SerializeMap>(&self, m: &mut M) -> Result<(), M::Error> {
        for (k, e) in &self.entries {
            match e {
                Entry::Raw(v) | Entry::Failed(v, _) => m.serialize_entry(k, v)?,
                Entry::Typed(a) => m.serialize_entry(k, a)?,
            }
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for Aggregations {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Aggregations;
            #[inline]
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("aggregation results by name")
            }
            #[inline]
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Aggregations, A::Error> {
                let mut aggs = Aggregations::default();
                while let Some((k, v)) = m.next_entry::<String, Value>()? {
                    aggs.insert(k, v);
                }
                Ok(aggs)
            }
        }
        d.deserialize_map(V)
    }
}

impl Serialize for Aggregations {
    #[inline]
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.entries.len()))?;
        crate::record::CollectSer::write(self, &mut m)?;
        m.end()
    }
}
