//! Sugar on the generated mapping types: short constructors for everyday field types (the
//! generated structs carry every parameter of the specification as a setter; `field` and
//! `subfield` are generated where a type has properties or multi-fields).

use serde_json::{json, Value};

use crate::mapping::{
    BooleanProperty, DateProperty, DenseVectorProperty, DoubleNumberProperty, FloatNumberProperty,
    GeoPointProperty, IntegerNumberProperty, KeywordProperty, LongNumberProperty, NestedProperty,
    ObjectProperty, Property, TextProperty, TypeMapping,
};

impl Property {
    /// `text` (analyzed full text).
    ///
    /// ```
    /// use es_types::mapping::{Property, TypeMapping};
    /// let m = TypeMapping::new()
    ///     .field("title", Property::text().analyzer("english").subfield("raw", Property::keyword()))
    ///     .field("published", Property::date().format("yyyy-MM-dd"))
    ///     .field("comments", Property::nested().field("author", Property::keyword()));
    /// assert_eq!(m.to_json()["properties"]["title"]["fields"]["raw"]["type"], "keyword");
    /// assert_eq!(m.to_json()["properties"]["comments"]["type"], "nested");
    /// ```
    #[inline]
    pub fn text() -> TextProperty {
        TextProperty::new()
    }
    /// `keyword` (exact values: filters, sorting, aggregations).
    #[inline]
    pub fn keyword() -> KeywordProperty {
        KeywordProperty::new()
    }
    /// `integer`.
    #[inline]
    pub fn integer() -> IntegerNumberProperty {
        IntegerNumberProperty::new()
    }
    /// `long`.
    #[inline]
    pub fn long() -> LongNumberProperty {
        LongNumberProperty::new()
    }
    /// `float`.
    #[inline]
    pub fn float() -> FloatNumberProperty {
        FloatNumberProperty::new()
    }
    /// `double`.
    #[inline]
    pub fn double() -> DoubleNumberProperty {
        DoubleNumberProperty::new()
    }
    /// `boolean`.
    #[inline]
    pub fn boolean() -> BooleanProperty {
        BooleanProperty::new()
    }
    /// `date`.
    #[inline]
    pub fn date() -> DateProperty {
        DateProperty::new()
    }
    /// `geo_point`.
    #[inline]
    pub fn geo_point() -> GeoPointProperty {
        GeoPointProperty::new()
    }
    /// `dense_vector` of `dims` dimensions.
    #[inline]
    pub fn dense_vector(dims: i32) -> DenseVectorProperty {
        DenseVectorProperty::new().dims(dims)
    }
    /// An object with its own fields (`.field(...)`).
    #[inline]
    pub fn object() -> ObjectProperty {
        ObjectProperty::new()
    }
    /// Nested objects, each indexed on its own (queried with `Query::nested`).
    #[inline]
    pub fn nested() -> NestedProperty {
        NestedProperty::new()
    }
    /// A property of any type from its JSON parameters (`{"type": ty, ...params}`), typed;
    /// an unknown type or parameter is an error naming it.
    ///
    /// ```
    /// use es_types::mapping::Property;
    /// let p = Property::of("keyword", serde_json::json!({"ignore_above": 256})).unwrap();
    /// assert!(matches!(p, Property::Keyword(_)));
    /// assert!(Property::of("keyword", serde_json::json!({"ignore_abov": 1})).is_err());
    /// ```
    #[inline]
    pub fn of(ty: &str, params: Value) -> Result<Property, crate::ParseError> {
        let mut body = json!({ "type": ty });
        if let (Some(b), Value::Object(p)) = (body.as_object_mut(), params) {
            b.extend(p);
        }
        crate::from_value(body)
    }
    /// The property as JSON.
    #[inline]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

impl TypeMapping {
    /// The mapping as JSON (`{"properties": ...}`).
    #[inline]
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
    /// Parses a mapping (`{"properties": ..., "dynamic": ...}`) into the typed form.
    #[inline]
    pub fn from_json(text: &str) -> Result<TypeMapping, crate::ParseError> {
        crate::from_json(text)
    }
}
