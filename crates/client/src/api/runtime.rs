//! What the generated API stands on: the routing table's types ([`EndpointSpec`]), the
//! generic endpoint [`Api`], request routing ([`route`]) and the parameter traits setters take.

use std::fmt::Write as _;
use std::marker::PhantomData;
use std::time::Duration;

use bytes::Bytes;
use es_transport::http::Method;
use es_transport::{encode_path_part, Body, Error, Request, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Call, Endpoint};

/// Stability of an endpoint in the stack flavour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stability {
    /// Stable.
    Stable,
    /// Beta (behind the `beta-apis` feature in the typed API).
    Beta,
    /// Experimental (behind the `experimental-apis` feature in the typed API).
    Experimental,
}

/// Whether and how an endpoint takes a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyRule {
    /// No body.
    None,
    /// An optional JSON body.
    Optional,
    /// A required JSON body.
    Required,
    /// A required NDJSON body.
    NdJson,
}

/// One URL template of an endpoint.
#[derive(Debug, Clone, Copy)]
pub struct PathSpec {
    /// `/{index}/_doc/{id}`.
    pub template: &'static str,
    /// HTTP methods, preferred first.
    pub methods: &'static [&'static str],
    /// The `{parts}` in the template, in order.
    pub parts: &'static [&'static str],
}

/// Routing data of one endpoint, generated from the specification.
#[derive(Debug, Clone, Copy)]
pub struct EndpointSpec {
    /// `indices.create`.
    pub name: &'static str,
    /// URL templates.
    pub paths: &'static [PathSpec],
    /// Query parameters (without the four common ones).
    pub params: &'static [&'static str],
    /// Body rule.
    pub body: BodyRule,
    /// Stability.
    pub stability: Stability,
}

/// Query parameters every endpoint accepts.
pub const COMMON_PARAMS: &[&str] = &["error_trace", "filter_path", "human", "pretty"];

impl EndpointSpec {
    /// Whether `name` is a path part of some URL of this endpoint.
    pub fn is_part(&self, name: &str) -> bool {
        self.paths.iter().any(|p| p.parts.contains(&name))
    }
    /// Whether `name` is a query parameter of this endpoint (common ones included).
    pub fn is_param(&self, name: &str) -> bool {
        self.params.contains(&name) || COMMON_PARAMS.contains(&name)
    }
}

/// Builds the request for `spec`: the most specific URL whose parts are all given, the first
/// method (or the first one that carries a body when there is one).
///
/// ```
/// use es_client::api::{route, spec};
/// use es_client::Body;
/// let s = spec::find("index").unwrap();
/// let doc = || Some(Body::raw_json(&b"{}"[..]));
/// let req = route(s, &[("index", "books".into())], "refresh=true", doc()).unwrap();
/// assert_eq!((req.method.as_str(), req.path_and_query().as_str()), ("POST", "/books/_doc?refresh=true"));
/// let req = route(s, &[("index", "books".into()), ("id", "1".into())], "", doc()).unwrap();
/// assert_eq!((req.method.as_str(), req.path.as_str()), ("PUT", "/books/_doc/1"));
/// assert!(route(s, &[], "", doc()).is_err()); // `index` is required
/// assert!(route(s, &[("index", "books".into())], "", None).is_err()); // so is the document
/// ```
pub fn route(
    spec: &EndpointSpec,
    parts: &[(&str, String)],
    query: &str,
    body: Option<Body>,
) -> Result<Request, Error> {
    let given = |name: &str| parts.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
    let path = spec
        .paths
        .iter()
        .filter(|p| p.parts.iter().all(|part| given(part).is_some()))
        .max_by_key(|p| p.parts.len())
        .ok_or_else(|| {
            let needed: Vec<String> = spec.paths.iter().map(|p| p.parts.join("+")).collect();
            Error::config(
                "path",
                format!("`{}` needs path parts {}", spec.name, needed.join(" or ")),
            )
        })?;
    let mut url = String::with_capacity(path.template.len() + 16);
    let mut rest = path.template;
    while let Some(start) = rest.find('{') {
        url.push_str(&rest[..start]);
        let end = rest[start..].find('}').map_or(rest.len(), |e| start + e);
        let name = &rest[start + 1..end];
        if let Some(v) = given(name) {
            url.push_str(&encode_path_part(v));
        }
        rest = rest.get(end + 1..).unwrap_or("");
    }
    url.push_str(rest);
    let method = match (&body, path.methods) {
        (Some(_), ms) if ms.len() > 1 && ms[0] == "GET" => ms[1],
        (_, ms) => ms.first().copied().unwrap_or("GET"),
    };
    let method = Method::from_bytes(method.as_bytes())
        .map_err(|_| Error::config("method", format!("bad method {method}")))?;
    if body.is_none() && matches!(spec.body, BodyRule::Required | BodyRule::NdJson) {
        return Err(Error::config(
            "body",
            format!("`{}` needs a body", spec.name),
        ));
    }
    let head = method == Method::HEAD;
    let mut req = Request::new(method, url);
    if head {
        // `exists`-style APIs: 404 is the answer `false`, not an error.
        req.options.ignore.push(404);
    }
    req.query = query.to_string();
    req.body = body;
    req.endpoint = Some(spec.name);
    req.path_parts = path
        .parts
        .iter()
        .filter_map(|p| given(p).map(|v| (*p, v.clone())))
        .collect();
    Ok(req)
}

/// The type-level identity of a generated endpoint.
pub trait ApiSpec {
    /// Routing data.
    const SPEC: &'static EndpointSpec;
    /// What `send` returns.
    type Output;
    /// The `Accept` header this endpoint sends instead of the client's JSON one (the cat
    /// APIs' text tables).
    const ACCEPT: Option<&'static str> = None;
    /// Reads the response.
    fn parse(response: Response) -> Result<Self::Output, Error>;
}

/// The cat APIs' default answer: the server's text table (`String`), asked for with the
/// `Accept` header elasticsearch-py sends (`text/plain,application/json`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Text;

/// A cat API asked for typed rows: `format=json`, read into the specification's record type
/// (see the generated `rows()` setters).
#[derive(Debug, Clone, Copy, Default)]
pub struct Rows;

/// The `Accept` header of the cat APIs' text answers.
pub const CAT_TEXT_ACCEPT: &str = "text/plain,application/json";

/// A generated endpoint's call data: path parts, query string and body.
pub struct Api<M> {
    parts: Vec<(&'static str, String)>,
    query: String,
    body: Option<Body>,
    _m: PhantomData<fn() -> M>,
}

impl<M> Default for Api<M> {
    fn default() -> Self {
        Api {
            parts: Vec::new(),
            query: String::new(),
            body: None,
            _m: PhantomData,
        }
    }
}

impl<M: ApiSpec> Endpoint for Api<M> {
    type Output = M::Output;
    fn request(&self) -> Result<Request, Error> {
        let mut req = route(M::SPEC, &self.parts, &self.query, self.body.clone())?;
        if let Some(accept) = M::ACCEPT {
            req.options.headers.insert(
                es_transport::http::header::ACCEPT,
                es_transport::http::HeaderValue::from_static(accept),
            );
        }
        Ok(req)
    }
    fn parse(response: Response) -> Result<M::Output, Error> {
        M::parse(response)
    }
}

impl<'a, F, M: ApiSpec> Call<'a, F, Api<M>> {
    /// A call on `client` for endpoint `M`.
    pub fn api(client: &'a crate::Elasticsearch<F>) -> Self {
        Call::new(client, Api::default())
    }
    /// The same call for another marker of the same endpoint (a cat API's `rows()`).
    #[doc(hidden)]
    pub fn retype<N: ApiSpec>(self) -> Call<'a, F, Api<N>> {
        self.map_endpoint(|e| Api {
            parts: e.parts,
            query: e.query,
            body: e.body,
            _m: PhantomData,
        })
    }
    /// Sets a path part.
    #[doc(hidden)]
    pub fn part(mut self, name: &'static str, value: String) -> Self {
        self.endpoint.parts.retain(|(k, _)| *k != name);
        self.endpoint.parts.push((name, value));
        self
    }
    /// Appends a query parameter.
    #[doc(hidden)]
    pub fn param(mut self, name: &str, value: impl QueryValue) -> Self {
        let mut v = String::new();
        value.write_to(&mut v);
        if !self.endpoint.query.is_empty() {
            self.endpoint.query.push('&');
        }
        let _ = write!(
            self.endpoint.query,
            "{}={}",
            encode_path_part(name),
            encode_path_part(&v)
        );
        self
    }
    /// A JSON body (any `Serialize`).
    pub fn body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.endpoint.body = self.serialize_body(body);
        self
    }
    /// A body already serialized (JSON or NDJSON).
    pub fn raw_body(mut self, body: Body) -> Self {
        self.endpoint.body = Some(body);
        self
    }
    /// An NDJSON body: lines ending with `\n` (bulk, msearch...).
    pub fn ndjson(mut self, bytes: impl Into<Bytes>) -> Self {
        self.endpoint.body = Some(Body::ndjson(bytes));
        self
    }
    /// An NDJSON body serialized from items, one line each.
    pub fn body_lines<T: Serialize>(mut self, lines: impl IntoIterator<Item = T>) -> Self {
        let mut buf = Vec::new();
        for line in lines {
            if let Err(e) = serde_json::to_writer(&mut buf, &line) {
                self.defer_error(Error::serialize(e));
                return self;
            }
            buf.push(b'\n');
        }
        self.endpoint.body = Some(Body::ndjson(buf));
        self
    }
    /// `filter_path`: only these response fields.
    pub fn filter_path(self, paths: impl StrList) -> Self {
        self.param("filter_path", ListValue(paths.into_list()))
    }
    /// `pretty`: pretty-printed JSON.
    pub fn pretty(self, on: bool) -> Self {
        self.param("pretty", on)
    }
    /// `human`: human-readable numbers.
    pub fn human(self, on: bool) -> Self {
        self.param("human", on)
    }
    /// `error_trace`: stack traces in errors.
    pub fn error_trace(self, on: bool) -> Self {
        self.param("error_trace", on)
    }
}

/// A value that can be written into a query string.
pub trait QueryValue {
    /// Appends the textual form.
    fn write_to(&self, out: &mut String);
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn write_to(&self, out: &mut String) {
                let _ = write!(out, "{self}");
            }
        }
    )*};
}
display_query_value!(bool, i8, i16, i32, i64, u8, u16, u32, u64, usize, f32, f64, str, String);

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn write_to(&self, out: &mut String) {
        (**self).write_to(out)
    }
}

/// A comma-joined list.
#[derive(Debug, Clone)]
pub struct ListValue(pub Vec<String>);

impl QueryValue for ListValue {
    fn write_to(&self, out: &mut String) {
        out.push_str(&self.0.join(","));
    }
}

/// A time value: `"30s"`, `"-1"`, or a [`Duration`] (sent in milliseconds).
pub trait TimeValue {
    /// The textual form.
    fn to_time(&self) -> String;
}

impl TimeValue for &str {
    fn to_time(&self) -> String {
        (*self).to_string()
    }
}

impl TimeValue for String {
    fn to_time(&self) -> String {
        self.clone()
    }
}

impl TimeValue for Duration {
    fn to_time(&self) -> String {
        format!("{}ms", self.as_millis())
    }
}

/// One or more strings: `"a"`, `"a,b"`, `["a", "b"]`, `vec![...]`.
pub trait StrList {
    /// The strings.
    fn into_list(self) -> Vec<String>;
}

impl StrList for &str {
    fn into_list(self) -> Vec<String> {
        vec![self.to_string()]
    }
}

impl StrList for String {
    fn into_list(self) -> Vec<String> {
        vec![self]
    }
}

impl StrList for &String {
    fn into_list(self) -> Vec<String> {
        vec![self.clone()]
    }
}

impl<S: AsRef<str>> StrList for &[S] {
    fn into_list(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_string()).collect()
    }
}

impl<S: AsRef<str>, const N: usize> StrList for [S; N] {
    fn into_list(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_string()).collect()
    }
}

impl<S: AsRef<str>> StrList for Vec<S> {
    fn into_list(self) -> Vec<String> {
        self.iter().map(|s| s.as_ref().to_string()).collect()
    }
}

/// Generated enums: their wire value.
pub trait WireValue: Copy {
    /// The value sent.
    fn wire(self) -> &'static str;
}

/// One or more enum values: `E::A`, `[E::A, E::B]`, `vec![...]`.
pub trait EnumList<E> {
    /// The values.
    fn into_enums(self) -> Vec<E>;
}

impl<E: WireValue> EnumList<E> for E {
    fn into_enums(self) -> Vec<E> {
        vec![self]
    }
}

impl<E: WireValue, const N: usize> EnumList<E> for [E; N] {
    fn into_enums(self) -> Vec<E> {
        self.to_vec()
    }
}

impl<E: WireValue> EnumList<E> for &[E] {
    fn into_enums(self) -> Vec<E> {
        self.to_vec()
    }
}

impl<E: WireValue> EnumList<E> for Vec<E> {
    fn into_enums(self) -> Vec<E> {
        self
    }
}

/// Joins enum values for the query string.
pub fn enum_list<E: WireValue>(values: impl EnumList<E>) -> ListValue {
    ListValue(
        values
            .into_enums()
            .into_iter()
            .map(|e| e.wire().to_string())
            .collect(),
    )
}

/// Joins strings for the query string.
pub fn str_list(values: impl StrList) -> ListValue {
    ListValue(values.into_list())
}

/// Joins strings for a path part.
pub fn part_list(values: impl StrList) -> String {
    values.into_list().join(",")
}

/// Reads a HEAD answer: `true` for 2xx, `false` for 404.
pub fn parse_exists(r: Response) -> Result<bool, Error> {
    Ok(r.status().is_success())
}

/// Reads a text answer (cat APIs without `format=json`, Prometheus text...).
pub fn parse_text(r: Response) -> Result<String, Error> {
    Ok(r.text())
}

/// Reads a JSON answer into an endpoint's generated response type. An answer that does not
/// fit is an [`ErrorKind::Serialization`](es_transport::ErrorKind) error whose cause, a
/// [`ResponseShapeError`], names the endpoint, the JSON path and what was expected.
///
/// ```
/// use es_client::api::{read_typed, ResponseShapeError};
/// let answer = br#"{"count": "many", "_shards": {}}"#;
/// let err = read_typed::<es_client::types::count::CountResponse>("count", answer).unwrap_err();
/// let shape = err.downcast_ref::<ResponseShapeError>().unwrap();
/// assert_eq!((shape.endpoint, shape.path.as_str()), ("count", "count"));
/// assert!(err.to_string().contains("`count` response"), "{err}");
/// ```
#[inline]
pub fn parse_typed<T: DeserializeOwned>(endpoint: &'static str, r: Response) -> Result<T, Error> {
    read_typed(endpoint, r.body())
}

/// [`parse_typed`] on a body.
#[inline]
pub fn read_typed<T: DeserializeOwned>(endpoint: &'static str, body: &[u8]) -> Result<T, Error> {
    // Fast path without path tracking; on failure, read again to find where.
    match serde_json::from_slice(body) {
        Ok(v) => Ok(v),
        Err(first) => {
            let mut d = serde_json::Deserializer::from_slice(body);
            let (path, source) = match serde_path_to_error::deserialize::<_, T>(&mut d) {
                Err(e) => (e.path().to_string(), e.into_inner()),
                // Only trailing text after a complete value gets here (`from_slice` checks
                // the end; this reader stops at the value).
                Ok(_) => (String::new(), first),
            };
            Err(Error::other(
                es_transport::ErrorKind::Serialization,
                ResponseShapeError {
                    endpoint,
                    path: if path == "." { String::new() } else { path },
                    expected: std::any::type_name::<T>(),
                    source,
                },
            ))
        }
    }
}

/// A response that does not fit its endpoint's type (see [`parse_typed`]).
#[derive(Debug)]
pub struct ResponseShapeError {
    /// `cat.indices`.
    pub endpoint: &'static str,
    /// Where in the answer: `hits.hits[3]._id` (empty: the whole answer).
    pub path: String,
    /// The Rust type the answer was read as.
    pub expected: &'static str,
    /// What serde said.
    pub source: serde_json::Error,
}

impl std::fmt::Display for ResponseShapeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.path.is_empty() {
            String::new()
        } else {
            format!(" at `{}`", self.path)
        };
        write!(
            f,
            "the `{}` response does not fit {}{at}: {}",
            self.endpoint, self.expected, self.source
        )
    }
}

impl std::error::Error for ResponseShapeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Reads a JSON answer; an empty body is `null`.
pub fn parse_value(r: Response) -> Result<serde_json::Value, Error> {
    if r.body().is_empty() {
        return Ok(serde_json::Value::Null);
    }
    r.json()
}
