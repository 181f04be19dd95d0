//! Index mappings as values.

use serde::Serialize;
use serde_json::{json, Map, Value};

/// A field's mapping.
///
/// ```
/// use es_dsl::{Field, Mapping};
/// let m = Mapping::new()
///     .field("title", Field::text().analyzer("english").subfield("raw", Field::keyword()))
///     .field("published", Field::date())
///     .field("comments", Field::nested(Mapping::new().field("author", Field::keyword())));
/// assert_eq!(m.to_json()["properties"]["title"]["fields"]["raw"]["type"], "keyword");
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Field(Map<String, Value>);

impl Field {
    /// A field of type `ty` (any Elasticsearch type).
    pub fn of(ty: &str) -> Field {
        let mut m = Map::new();
        m.insert("type".into(), json!(ty));
        Field(m)
    }
    /// `text` (analyzed).
    pub fn text() -> Field {
        Field::of("text")
    }
    /// `keyword` (exact).
    pub fn keyword() -> Field {
        Field::of("keyword")
    }
    /// `integer`.
    pub fn integer() -> Field {
        Field::of("integer")
    }
    /// `long`.
    pub fn long() -> Field {
        Field::of("long")
    }
    /// `float`.
    pub fn float() -> Field {
        Field::of("float")
    }
    /// `double`.
    pub fn double() -> Field {
        Field::of("double")
    }
    /// `boolean`.
    pub fn boolean() -> Field {
        Field::of("boolean")
    }
    /// `date`.
    pub fn date() -> Field {
        Field::of("date")
    }
    /// `geo_point`.
    pub fn geo_point() -> Field {
        Field::of("geo_point")
    }
    /// `dense_vector` of `dims` dimensions.
    pub fn dense_vector(dims: u32) -> Field {
        Field::of("dense_vector").with("dims", dims)
    }
    /// An object with its own properties.
    pub fn object(inner: Mapping) -> Field {
        let mut f = Field::of("object");
        f.0.insert("properties".into(), inner.properties());
        f
    }
    /// Nested objects (queried with `Query::nested`).
    pub fn nested(inner: Mapping) -> Field {
        let mut f = Field::of("nested");
        f.0.insert("properties".into(), inner.properties());
        f
    }
    /// `analyzer`.
    pub fn analyzer(self, name: &str) -> Field {
        self.with("analyzer", name)
    }
    /// `format` (dates).
    pub fn format(self, f: &str) -> Field {
        self.with("format", f)
    }
    /// A multi-field: the same value indexed another way (`title.raw`).
    pub fn subfield(mut self, name: &str, field: Field) -> Field {
        let fields = self.0.entry("fields").or_insert_with(|| json!({}));
        if let Some(m) = fields.as_object_mut() {
            m.insert(name.to_string(), Value::Object(field.0));
        }
        self
    }
    /// Any other parameter.
    pub fn with(mut self, key: &str, value: impl Serialize) -> Field {
        self.0.insert(key.to_string(), json!(value));
        self
    }
    /// The field as JSON.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }
}

/// An index mapping: fields and the `dynamic` policy.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    fields: Map<String, Value>,
    dynamic: Option<Value>,
}

impl Mapping {
    /// An empty mapping (dynamic).
    pub fn new() -> Mapping {
        Mapping::default()
    }
    /// Adds a field.
    pub fn field(mut self, name: &str, field: Field) -> Mapping {
        self.fields.insert(name.to_string(), field.to_json());
        self
    }
    /// `dynamic`: `true`, `false`, `"strict"` or `"runtime"`.
    pub fn dynamic(mut self, d: impl Serialize) -> Mapping {
        self.dynamic = Some(json!(d));
        self
    }
    fn properties(&self) -> Value {
        Value::Object(self.fields.clone())
    }
    /// `{"properties": ..., "dynamic": ...}`.
    pub fn to_json(&self) -> Value {
        let mut m = Map::new();
        if let Some(d) = &self.dynamic {
            m.insert("dynamic".into(), d.clone());
        }
        m.insert("properties".into(), self.properties());
        Value::Object(m)
    }
}
