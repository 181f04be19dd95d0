//! Bulk actions: an operation, its metadata, and a source written straight into the request body.

use std::fmt::Write as _;

use bytes::Bytes;
use serde::Serialize;

/// The bulk operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    /// Create or replace.
    Index,
    /// Create; fails (409) if the id exists.
    Create,
    /// Partial update (`{"doc": ...}` or a script).
    Update,
    /// Delete; no source.
    Delete,
}

impl Op {
    /// The name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Index => "index",
            Op::Create => "create",
            Op::Update => "update",
            Op::Delete => "delete",
        }
    }
}

/// A document source that can write itself as one line of JSON (without the newline).
pub trait BulkSource {
    /// Appends the JSON.
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error>;

    /// The document's `_id` when the source itself says it (see [`IdFromField`]); used when
    /// the action's metadata has none. Called where the action is serialized, so a source
    /// that must parse to know it does so in the request tasks, in parallel.
    fn id(&self) -> Result<Option<String>, serde_json::Error> {
        Ok(None)
    }
}

/// Pre-serialized JSON is checked where it matters for the NDJSON body, cheaply (a `memchr`
/// and two bytes, so loading pre-serialized lines stays at the raw-client speed):
/// * a raw newline could smuggle extra actions into the body, so a source containing one is
///   parsed as exactly one JSON value and re-encoded on one line (or refused);
/// * otherwise it must look like one JSON object (`{` … `}`); anything else is refused here.
///   Full validity of a one-line object is left to Elasticsearch, which rejects a malformed
///   source as that item's failure — it cannot affect other actions.
fn write_raw(raw: &[u8], out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    if memchr::memchr(b'\n', raw).is_some() {
        let v: serde_json::Value = serde_json::from_slice(raw)?;
        return serde_json::to_writer(out, &v);
    }
    let text = raw.trim_ascii();
    if !(text.starts_with(b"{") && text.ends_with(b"}")) {
        return Err(serde::de::Error::custom(
            "a pre-serialized bulk source must be one JSON object",
        ));
    }
    out.extend_from_slice(raw);
    Ok(())
}

impl BulkSource for Bytes {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write_raw(self, out)
    }
}

impl BulkSource for Vec<u8> {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write_raw(self, out)
    }
}

impl BulkSource for String {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write_raw(self.as_bytes(), out)
    }
}

impl BulkSource for &str {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write_raw(self.as_bytes(), out)
    }
}

impl BulkSource for serde_json::Value {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        serde_json::to_writer(out, self)
    }
}

/// Any `Serialize` value, serialized with serde straight into the body.
#[derive(Debug, Clone)]
pub struct Json<T>(pub T);

impl<T: Serialize> BulkSource for Json<T> {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        serde_json::to_writer(out, &self.0)
    }
}

/// JSON text read as `T` and written from it (validated, and normalized by `T`'s serde):
/// the common "documents come as JSON text" case. The parse happens where the action is
/// serialized — in the bulk helper's request tasks, in parallel on every core — not where
/// the text is read. `FromJson<serde_json::Value>` checks any JSON; a typed `T` also checks
/// its shape (a document that does not fit fails the run with the action's number).
///
/// ```
/// use es_helpers::{Action, FromJson};
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Log { level: String }
/// let a = Action::index(FromJson::<Log>::new(r#"{ "level" : "info", "extra": 1 }"#)).id("1");
/// let mut buf = Vec::new();
/// a.write_to(&mut buf).unwrap();
/// assert_eq!(buf, b"{\"index\":{\"_id\":\"1\"}}\n{\"level\":\"info\"}\n");
/// let bad = Action::index(FromJson::<Log>::new("{\"lvl\": 1}"));
/// assert!(bad.write_to(&mut Vec::new()).is_err());
/// ```
pub struct FromJson<T> {
    text: bytes::Bytes,
    _t: std::marker::PhantomData<fn() -> T>,
}

impl<T> FromJson<T> {
    /// The JSON text of one document.
    pub fn new(text: impl Into<bytes::Bytes>) -> Self {
        FromJson {
            text: text.into(),
            _t: std::marker::PhantomData,
        }
    }
}

impl<T> Clone for FromJson<T> {
    fn clone(&self) -> Self {
        FromJson::new(self.text.clone())
    }
}

impl<T> std::fmt::Debug for FromJson<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("FromJson").field(&self.text).finish()
    }
}

impl<T: serde::de::DeserializeOwned + Serialize> BulkSource for FromJson<T> {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        let doc: T = serde_json::from_slice(&self.text)?;
        serde_json::to_writer(out, &doc)
    }
}

/// Pre-serialized JSON whose `_id` is one of its top-level fields (`es bulk --id-field`):
/// the field is read where the action is serialized (in the request tasks, in parallel),
/// the text is sent as it is. A string is the id as it is, a number its JSON text; a missing
/// or `null` field lets the server pick an id; any other value, or text that is not one JSON
/// object, is an error naming the field.
///
/// ```
/// use es_helpers::{Action, IdFromField};
/// let field: std::sync::Arc<str> = "sku".into();
/// let a = Action::index(IdFromField::new(r#"{"sku":"A-1","n":2}"#, field.clone()));
/// let mut buf = Vec::new();
/// a.write_to(&mut buf).unwrap();
/// assert_eq!(buf, b"{\"index\":{\"_id\":\"A-1\"}}\n{\"sku\":\"A-1\",\"n\":2}\n");
/// let bad = Action::index(IdFromField::new(r#"{"sku":{"a":1}}"#, field));
/// assert!(bad.write_to(&mut Vec::new()).unwrap_err().to_string().contains("sku"));
/// ```
#[derive(Debug, Clone)]
pub struct IdFromField {
    text: Bytes,
    field: std::sync::Arc<str>,
}

impl IdFromField {
    /// The JSON text of one document and the field holding its id.
    pub fn new(text: impl Into<Bytes>, field: std::sync::Arc<str>) -> Self {
        IdFromField {
            text: text.into(),
            field,
        }
    }
}

impl BulkSource for IdFromField {
    fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        write_raw(&self.text, out)
    }

    fn id(&self) -> Result<Option<String>, serde_json::Error> {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_slice(&self.text);
        let id = FieldSeed(&self.field).deserialize(&mut de)?;
        de.end()?;
        Ok(id)
    }
}

/// Reads one top-level field of an object as an id, skipping the others unparsed.
struct FieldSeed<'f>(&'f str);

impl<'de> serde::de::DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Option<String>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> serde::de::Visitor<'de> for FieldSeed<'_> {
    type Value = Option<String>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "a JSON object (with the id field `{}`)", self.0)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut id = None;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key != self.0 {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            id = match map.next_value::<serde_json::Value>()? {
                serde_json::Value::Null => None,
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Number(n) => Some(n.to_string()),
                other => {
                    return Err(serde::de::Error::custom(format!(
                        "the id field `{}` must be a string or a number, not {other}",
                        self.0
                    )))
                }
            };
        }
        Ok(id)
    }
}

/// Metadata of an action (`_index`, `_id`, routing, versioning, pipeline...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Meta {
    /// Target index (else the helper's default index).
    pub index: Option<String>,
    /// Document id.
    pub id: Option<String>,
    /// Routing.
    pub routing: Option<String>,
    /// External version.
    pub version: Option<i64>,
    /// `external`, `external_gte`...
    pub version_type: Option<String>,
    /// Ingest pipeline.
    pub pipeline: Option<String>,
    /// Optimistic concurrency: sequence number.
    pub if_seq_no: Option<i64>,
    /// Optimistic concurrency: primary term.
    pub if_primary_term: Option<i64>,
    /// Update retries on version conflicts.
    pub retry_on_conflict: Option<u32>,
    /// The target must be an alias.
    pub require_alias: Option<bool>,
}

/// One bulk action.
///
/// ```
/// use es_helpers::{Action, Json};
/// #[derive(serde::Serialize)]
/// struct Log { level: &'static str }
/// let a = Action::index(Json(Log { level: "info" })).index_name("logs").id("1");
/// let raw = Action::create(bytes::Bytes::from_static(br#"{"level":"warn"}"#)).routing("r1");
/// let d: Action<Json<Log>> = Action::delete("2").index_name("logs");
/// let mut buf = Vec::new();
/// a.write_to(&mut buf).unwrap();
/// assert_eq!(buf, b"{\"index\":{\"_index\":\"logs\",\"_id\":\"1\"}}\n{\"level\":\"info\"}\n");
/// # let _ = (raw, d);
/// ```
#[derive(Debug, Clone)]
pub struct Action<S> {
    /// Operation.
    pub op: Op,
    /// Metadata, boxed and only when set: most actions have none, and a small action is
    /// cheap to move through queues and batches (see [`meta`](Self::meta)).
    meta: Option<Box<Meta>>,
    /// Source (`None` for delete).
    pub source: Option<S>,
}

/// What [`Action::meta`] reads when nothing was set.
static NO_META: Meta = Meta {
    index: None,
    id: None,
    routing: None,
    version: None,
    version_type: None,
    pipeline: None,
    if_seq_no: None,
    if_primary_term: None,
    retry_on_conflict: None,
    require_alias: None,
};

impl<S> Action<S> {
    /// The action's metadata (`_index`, `_id`, routing...).
    pub fn meta(&self) -> &Meta {
        self.meta.as_deref().unwrap_or(&NO_META)
    }
    /// The metadata, to change.
    pub fn meta_mut(&mut self) -> &mut Meta {
        self.meta.get_or_insert_with(Box::default)
    }
    /// Replaces the metadata.
    pub fn with_meta(mut self, meta: Meta) -> Self {
        self.meta = (meta != NO_META).then(|| Box::new(meta));
        self
    }
}

impl<S: BulkSource> Action<S> {
    /// Index (create or replace) `source`.
    pub fn index(source: S) -> Self {
        Action {
            op: Op::Index,
            meta: None,
            source: Some(source),
        }
    }
    /// Create `source` (409 if the id exists).
    pub fn create(source: S) -> Self {
        Action {
            op: Op::Create,
            meta: None,
            source: Some(source),
        }
    }
    /// Update with `body` (`{"doc": {...}}`, `{"script": ...}`, `doc_as_upsert`...).
    pub fn update(id: impl Into<String>, body: S) -> Self {
        Action {
            op: Op::Update,
            meta: Some(Box::new(Meta {
                id: Some(id.into()),
                ..Meta::default()
            })),
            source: Some(body),
        }
    }
    /// Delete document `id`.
    pub fn delete(id: impl Into<String>) -> Self {
        Action {
            op: Op::Delete,
            meta: Some(Box::new(Meta {
                id: Some(id.into()),
                ..Meta::default()
            })),
            source: None,
        }
    }
    /// Target index.
    pub fn index_name(mut self, index: impl Into<String>) -> Self {
        self.meta_mut().index = Some(index.into());
        self
    }
    /// Document id.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.meta_mut().id = Some(id.into());
        self
    }
    /// Routing.
    pub fn routing(mut self, routing: impl Into<String>) -> Self {
        self.meta_mut().routing = Some(routing.into());
        self
    }
    /// External version.
    pub fn version(mut self, v: i64) -> Self {
        self.meta_mut().version = Some(v);
        self
    }
    /// Version type.
    pub fn version_type(mut self, t: impl Into<String>) -> Self {
        self.meta_mut().version_type = Some(t.into());
        self
    }
    /// Ingest pipeline.
    pub fn pipeline(mut self, p: impl Into<String>) -> Self {
        self.meta_mut().pipeline = Some(p.into());
        self
    }
    /// Optimistic concurrency control.
    pub fn if_seq_no_primary_term(mut self, seq_no: i64, primary_term: i64) -> Self {
        self.meta_mut().if_seq_no = Some(seq_no);
        self.meta_mut().if_primary_term = Some(primary_term);
        self
    }
    /// Retries of an update on version conflicts.
    pub fn retry_on_conflict(mut self, n: u32) -> Self {
        self.meta_mut().retry_on_conflict = Some(n);
        self
    }
    /// Require the target to be an alias.
    pub fn require_alias(mut self, on: bool) -> Self {
        self.meta_mut().require_alias = Some(on);
        self
    }

    /// Appends the action line and (except for delete) the source line.
    pub fn write_to(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b"{\"");
        out.extend_from_slice(self.op.as_str().as_bytes());
        out.extend_from_slice(b"\":{");
        let m = self.meta();
        let source_id = match (&m.id, &self.source) {
            (None, Some(s)) => s.id()?,
            _ => None,
        };
        let mut first = true;
        let mut field = |out: &mut Vec<u8>, name: &str| {
            if !first {
                out.push(b',');
            }
            first = false;
            out.push(b'"');
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"\":");
        };
        let strs = [
            ("_index", &m.index),
            (
                "_id",
                if source_id.is_some() {
                    &source_id
                } else {
                    &m.id
                },
            ),
            ("routing", &m.routing),
            ("version_type", &m.version_type),
            ("pipeline", &m.pipeline),
        ];
        for (name, v) in strs {
            if let Some(v) = v {
                field(out, name);
                write_str(out, v);
            }
        }
        let nums = [
            ("version", m.version),
            ("if_seq_no", m.if_seq_no),
            ("if_primary_term", m.if_primary_term),
        ];
        for (name, v) in nums {
            if let Some(v) = v {
                field(out, name);
                let mut s = String::new();
                let _ = write!(s, "{v}");
                out.extend_from_slice(s.as_bytes());
            }
        }
        if let Some(n) = m.retry_on_conflict {
            field(out, "retry_on_conflict");
            out.extend_from_slice(n.to_string().as_bytes());
        }
        if let Some(b) = m.require_alias {
            field(out, "require_alias");
            out.extend_from_slice(if b { b"true" } else { b"false" });
        }
        out.extend_from_slice(b"}}\n");
        if let Some(source) = &self.source {
            source.write_json(out)?;
            out.push(b'\n');
        }
        Ok(())
    }
}

/// A JSON string, escaped only when needed.
fn write_str(out: &mut Vec<u8>, s: &str) {
    if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    } else {
        // serde_json's escaping; writing a &str cannot fail.
        let _ = serde_json::to_writer(&mut *out, s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_lines_carry_every_metadata_field_and_escape_strings() {
        let a: Action<serde_json::Value> =
            Action::update("7", serde_json::json!({"doc": {"a": 1}}))
                .index_name("my \"index\"")
                .routing("r")
                .version(3)
                .version_type("external")
                .pipeline("p")
                .if_seq_no_primary_term(5, 1)
                .retry_on_conflict(2)
                .require_alias(true);
        let mut buf = Vec::new();
        a.write_to(&mut buf).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let mut lines = text.lines();
        let meta: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
        assert_eq!(
            meta,
            serde_json::json!({"update": {"_index": "my \"index\"", "_id": "7", "routing": "r", "version_type": "external",
                "pipeline": "p", "version": 3, "if_seq_no": 5, "if_primary_term": 1, "retry_on_conflict": 2, "require_alias": true}})
        );
        assert_eq!(lines.next(), Some(r#"{"doc":{"a":1}}"#));
        let d: Action<Bytes> = Action::delete("9");
        let mut buf = Vec::new();
        d.write_to(&mut buf).unwrap();
        assert_eq!(buf, b"{\"delete\":{\"_id\":\"9\"}}\n");
    }

    #[test]
    fn actions_stay_small_and_metadata_reads_back() {
        // Queues and batches move actions by value: the metadata must not be inline.
        assert!(std::mem::size_of::<Action<Bytes>>() <= 48);
        let a = Action::index(Bytes::from_static(b"{}"));
        assert_eq!(a.meta(), &Meta::default());
        let a = a.with_meta(Meta::default());
        assert!(a.meta.is_none());
        let a = a.routing("r").id("1");
        assert_eq!(
            (a.meta().routing.as_deref(), a.meta().id.as_deref()),
            (Some("r"), Some("1"))
        );
    }

    #[test]
    fn raw_sources_cannot_inject_actions() {
        let injected = "{\"a\":1}\n{\"delete\":{\"_index\":\"x\",\"_id\":\"victim\"}}";
        let mut buf = Vec::new();
        assert!(Action::index(injected).write_to(&mut buf).is_err());
        assert!(Action::index(injected.to_string())
            .write_to(&mut buf)
            .is_err());
        assert!(Action::index(Bytes::from(injected))
            .write_to(&mut buf)
            .is_err());
        assert!(Action::index(b"not json".to_vec())
            .write_to(&mut buf)
            .is_err());
        assert!(Action::index("").write_to(&mut buf).is_err());
        // Pretty-printed JSON is one value: re-encoded on one line.
        let mut buf = Vec::new();
        Action::index("{\n  \"a\": \"x\\ny\"\n}\n")
            .write_to(&mut buf)
            .unwrap();
        assert_eq!(buf, b"{\"index\":{}}\n{\"a\":\"x\\ny\"}\n");
        assert_eq!(buf.iter().filter(|b| **b == b'\n').count(), 2);
    }
}
