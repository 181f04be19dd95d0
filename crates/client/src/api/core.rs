//! Root-namespace endpoints: info, ping, index, get, delete, search, bulk, and raw `send`.

use bytes::Bytes;
use es_transport::http::Method;
use es_transport::{Body, Error, Request, Response};
use serde::Serialize;
use serde_json::Value;

use super::{push_opt, query_setters, seg, Refresh};
use crate::call::parse_json;
use crate::types::{BulkResponse, GetResponse, InfoResponse, SearchResponse, WriteResponse};
use crate::{Call, Elasticsearch, Endpoint};

/// `GET /`: cluster and version information.
#[derive(Debug, Clone, Default)]
pub struct Info;

impl Endpoint for Info {
    type Output = InfoResponse;
    fn request(&self) -> Request {
        Request::new(Method::GET, "/")
    }
    fn parse(r: Response) -> Result<InfoResponse, Error> {
        parse_json(r)
    }
}

/// `HEAD /`: `true` when the cluster answers 200.
#[derive(Debug, Clone, Default)]
pub struct Ping;

impl Endpoint for Ping {
    type Output = bool;
    fn request(&self) -> Request {
        let mut r = Request::new(Method::HEAD, "/");
        r.options.ignore = vec![404];
        r
    }
    fn parse(r: Response) -> Result<bool, Error> {
        Ok(r.status().is_success())
    }
}

/// `POST /{index}/_doc` or `PUT /{index}/_doc/{id}`: stores a document.
#[derive(Debug, Clone, Default)]
pub struct Index {
    index: String,
    id: Option<String>,
    body: Option<Body>,
    refresh: Option<Refresh>,
    routing: Option<String>,
    op_type: Option<String>,
    pipeline: Option<String>,
    if_seq_no: Option<i64>,
    if_primary_term: Option<i64>,
}

impl Endpoint for Index {
    type Output = WriteResponse;
    fn request(&self) -> Request {
        let mut r = match &self.id {
            Some(id) => Request::new(
                Method::PUT,
                format!("/{}/_doc/{}", seg(&self.index), seg(id)),
            ),
            None => Request::new(Method::POST, format!("/{}/_doc", seg(&self.index))),
        };
        push_opt(&mut r, "refresh", &self.refresh);
        push_opt(&mut r, "routing", &self.routing);
        push_opt(&mut r, "op_type", &self.op_type);
        push_opt(&mut r, "pipeline", &self.pipeline);
        push_opt(&mut r, "if_seq_no", &self.if_seq_no);
        push_opt(&mut r, "if_primary_term", &self.if_primary_term);
        r.body = self.body.clone();
        r
    }
    fn parse(r: Response) -> Result<WriteResponse, Error> {
        parse_json(r)
    }
}

query_setters!(Index {
    /// Document id (without it, Elasticsearch generates one).
    id: String,
    /// Refresh policy.
    refresh: Refresh,
    /// Routing value.
    routing: String,
    /// `index` or `create`.
    op_type: String,
    /// Ingest pipeline.
    pipeline: String,
    /// Optimistic concurrency: expected sequence number.
    if_seq_no: i64,
    /// Optimistic concurrency: expected primary term.
    if_primary_term: i64,
});

impl<F> Call<'_, F, Index> {
    /// The document (any `Serialize`).
    pub fn document<T: Serialize + ?Sized>(mut self, doc: &T) -> Self {
        self.endpoint.body = self.json_body(doc);
        self
    }
}

/// `GET /{index}/_doc/{id}`: reads a document (404 is a `NotFound` error).
#[derive(Debug, Clone, Default)]
pub struct Get {
    index: String,
    id: String,
    routing: Option<String>,
    realtime: Option<bool>,
    preference: Option<String>,
}

impl Endpoint for Get {
    type Output = GetResponse<Value>;
    fn request(&self) -> Request {
        let mut r = Request::new(
            Method::GET,
            format!("/{}/_doc/{}", seg(&self.index), seg(&self.id)),
        );
        push_opt(&mut r, "routing", &self.routing);
        push_opt(&mut r, "realtime", &self.realtime);
        push_opt(&mut r, "preference", &self.preference);
        r
    }
    fn parse(r: Response) -> Result<GetResponse<Value>, Error> {
        parse_json(r)
    }
}

query_setters!(Get {
    /// Routing value.
    routing: String,
    /// Real-time get.
    realtime: bool,
    /// Shard preference.
    preference: String,
});

/// `DELETE /{index}/_doc/{id}`.
#[derive(Debug, Clone, Default)]
pub struct Delete {
    index: String,
    id: String,
    refresh: Option<Refresh>,
    routing: Option<String>,
}

impl Endpoint for Delete {
    type Output = WriteResponse;
    fn request(&self) -> Request {
        let mut r = Request::new(
            Method::DELETE,
            format!("/{}/_doc/{}", seg(&self.index), seg(&self.id)),
        );
        push_opt(&mut r, "refresh", &self.refresh);
        push_opt(&mut r, "routing", &self.routing);
        r
    }
    fn parse(r: Response) -> Result<WriteResponse, Error> {
        parse_json(r)
    }
}

query_setters!(Delete {
    /// Refresh policy.
    refresh: Refresh,
    /// Routing value.
    routing: String,
});

/// `POST /{index}/_search` (or `/_search`).
#[derive(Debug, Clone, Default)]
pub struct Search {
    index: Option<String>,
    body: Option<Body>,
    size: Option<u64>,
    from: Option<u64>,
    q: Option<String>,
    routing: Option<String>,
    scroll: Option<String>,
    track_total_hits: Option<bool>,
}

impl Endpoint for Search {
    type Output = SearchResponse<Value>;
    fn request(&self) -> Request {
        let path = match &self.index {
            Some(i) => format!("/{}/_search", seg(i)),
            None => "/_search".to_string(),
        };
        let mut r = Request::new(Method::POST, path);
        push_opt(&mut r, "size", &self.size);
        push_opt(&mut r, "from", &self.from);
        push_opt(&mut r, "q", &self.q);
        push_opt(&mut r, "routing", &self.routing);
        push_opt(&mut r, "scroll", &self.scroll);
        push_opt(&mut r, "track_total_hits", &self.track_total_hits);
        r.body = self.body.clone();
        r
    }
    fn parse(r: Response) -> Result<SearchResponse<Value>, Error> {
        parse_json(r)
    }
}

query_setters!(Search {
    /// Index, data stream or alias (comma-separated list and wildcards allowed).
    index: String,
    /// Number of hits.
    size: u64,
    /// Offset of the first hit.
    from: u64,
    /// Lucene query string.
    q: String,
    /// Routing value.
    routing: String,
    /// Keep a scroll context alive this long (`1m`).
    scroll: String,
    /// Count hits exactly.
    track_total_hits: bool,
});

impl<F> Call<'_, F, Search> {
    /// The search body (`query`, `aggs`, `sort`...), any `Serialize`.
    pub fn body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.endpoint.body = self.json_body(body);
        self
    }
}

/// `POST /_bulk` (or `/{index}/_bulk`) with an NDJSON body.
#[derive(Debug, Clone, Default)]
pub struct Bulk {
    index: Option<String>,
    body: Option<Body>,
    refresh: Option<Refresh>,
    pipeline: Option<String>,
    routing: Option<String>,
}

impl Endpoint for Bulk {
    type Output = BulkResponse;
    fn request(&self) -> Request {
        let path = match &self.index {
            Some(i) => format!("/{}/_bulk", seg(i)),
            None => "/_bulk".to_string(),
        };
        let mut r = Request::new(Method::POST, path);
        push_opt(&mut r, "refresh", &self.refresh);
        push_opt(&mut r, "pipeline", &self.pipeline);
        push_opt(&mut r, "routing", &self.routing);
        r.body = self.body.clone();
        r
    }
    fn parse(r: Response) -> Result<BulkResponse, Error> {
        parse_json(r)
    }
}

query_setters!(Bulk {
    /// Default index for actions without `_index`.
    index: String,
    /// Refresh policy.
    refresh: Refresh,
    /// Default ingest pipeline.
    pipeline: String,
    /// Default routing.
    routing: String,
});

impl<F> Call<'_, F, Bulk> {
    /// The NDJSON body: action and source lines, each ending with `\n`.
    pub fn ndjson(mut self, body: impl Into<Bytes>) -> Self {
        self.endpoint.body = Some(Body::ndjson(body));
        self
    }
}

/// Any request: the escape hatch for endpoints this client does not model.
#[derive(Debug, Clone)]
pub struct Send {
    request: Request,
}

impl Endpoint for Send {
    type Output = Value;
    fn request(&self) -> Request {
        self.request.clone()
    }
    fn parse(r: Response) -> Result<Value, Error> {
        if r.body().is_empty() {
            return Ok(Value::Null);
        }
        parse_json(r)
    }
}

impl<F> Call<'_, F, Send> {
    /// Appends a query parameter.
    pub fn query(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.endpoint.request.push_query(key, &value.to_string());
        self
    }
    /// A JSON body.
    pub fn body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.endpoint.request.body = self.json_body(body);
        self
    }
    /// A prepared body (JSON or NDJSON).
    pub fn raw_body(mut self, body: Body) -> Self {
        self.endpoint.request.body = Some(body);
        self
    }
}

impl<F> Elasticsearch<F> {
    /// `GET /`: cluster name and version.
    pub fn info(&self) -> Call<'_, F, Info> {
        Call::new(self, Info)
    }
    /// `HEAD /`: whether the cluster answers.
    pub fn ping(&self) -> Call<'_, F, Ping> {
        Call::new(self, Ping)
    }
    /// Stores a document in `index` (set the document with `.document(&doc)`).
    pub fn index(&self, index: impl Into<String>) -> Call<'_, F, Index> {
        Call::new(
            self,
            Index {
                index: index.into(),
                ..Default::default()
            },
        )
    }
    /// Reads document `id` of `index`.
    pub fn get(&self, index: impl Into<String>, id: impl Into<String>) -> Call<'_, F, Get> {
        Call::new(
            self,
            Get {
                index: index.into(),
                id: id.into(),
                ..Default::default()
            },
        )
    }
    /// Deletes document `id` of `index`.
    pub fn delete(&self, index: impl Into<String>, id: impl Into<String>) -> Call<'_, F, Delete> {
        Call::new(
            self,
            Delete {
                index: index.into(),
                id: id.into(),
                ..Default::default()
            },
        )
    }
    /// Searches (set `.index(...)` and `.body(...)`).
    pub fn search(&self) -> Call<'_, F, Search> {
        Call::new(self, Search::default())
    }
    /// Sends NDJSON bulk actions (set `.ndjson(...)`).
    pub fn bulk(&self) -> Call<'_, F, Bulk> {
        Call::new(self, Bulk::default())
    }
    /// Any request: `path` is sent as given (encode parts with
    /// [`es_transport::encode_path_part`]).
    pub fn send(&self, method: Method, path: impl Into<String>) -> Call<'_, F, Send> {
        Call::new(
            self,
            Send {
                request: Request::new(method, path),
            },
        )
    }
}
