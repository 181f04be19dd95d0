//! Namespaced endpoints: `cluster`, `nodes`, `indices`.

use es_transport::http::Method;
use es_transport::{Body, Error, Request, Response};
use serde::Serialize;
use serde_json::Value;

use super::{push_opt, query_setters, seg};
use crate::call::parse_json;
use crate::types::{AcknowledgedResponse, ClusterHealthResponse, NodesInfoResponse};
use crate::{Call, Elasticsearch, Endpoint};

/// The `cluster` namespace.
#[derive(Debug)]
pub struct Cluster<'a, F> {
    client: &'a Elasticsearch<F>,
}

/// The `nodes` namespace.
#[derive(Debug)]
pub struct Nodes<'a, F> {
    client: &'a Elasticsearch<F>,
}

/// The `indices` namespace.
#[derive(Debug)]
pub struct Indices<'a, F> {
    client: &'a Elasticsearch<F>,
}

impl<F> Elasticsearch<F> {
    /// Cluster APIs.
    pub fn cluster(&self) -> Cluster<'_, F> {
        Cluster { client: self }
    }
    /// Node APIs.
    pub fn nodes(&self) -> Nodes<'_, F> {
        Nodes { client: self }
    }
    /// Index management APIs.
    pub fn indices(&self) -> Indices<'_, F> {
        Indices { client: self }
    }
}

/// `GET /_cluster/health[/{index}]`.
#[derive(Debug, Clone, Default)]
pub struct ClusterHealth {
    index: Option<String>,
    wait_for_status: Option<String>,
    level: Option<String>,
}

impl Endpoint for ClusterHealth {
    type Output = ClusterHealthResponse;
    fn request(&self) -> Request {
        let path = match &self.index {
            Some(i) => format!("/_cluster/health/{}", seg(i)),
            None => "/_cluster/health".into(),
        };
        let mut r = Request::new(Method::GET, path);
        push_opt(&mut r, "wait_for_status", &self.wait_for_status);
        push_opt(&mut r, "level", &self.level);
        r
    }
    fn parse(r: Response) -> Result<ClusterHealthResponse, Error> {
        parse_json(r)
    }
}

query_setters!(ClusterHealth {
    /// Only these indices.
    index: String,
    /// Wait until the cluster has this status (`green`, `yellow`, `red`).
    wait_for_status: String,
    /// `cluster`, `indices` or `shards`.
    level: String,
});

impl<'a, F> Cluster<'a, F> {
    /// Cluster health.
    pub fn health(&self) -> Call<'a, F, ClusterHealth> {
        Call::new(self.client, ClusterHealth::default())
    }
}

/// `GET /_nodes[/{node_id}][/{metric}]`.
#[derive(Debug, Clone, Default)]
pub struct NodesInfo {
    node_id: Option<String>,
    metric: Option<String>,
}

impl Endpoint for NodesInfo {
    type Output = NodesInfoResponse;
    fn request(&self) -> Request {
        let mut path = "/_nodes".to_string();
        for part in [&self.node_id, &self.metric].into_iter().flatten() {
            path.push('/');
            path.push_str(&seg(part));
        }
        Request::new(Method::GET, path)
    }
    fn parse(r: Response) -> Result<NodesInfoResponse, Error> {
        parse_json(r)
    }
}

query_setters!(NodesInfo {
    /// Node ids or names (`_all`, `_local`...).
    node_id: String,
    /// Metrics (`http`, `os`...).
    metric: String,
});

impl<'a, F> Nodes<'a, F> {
    /// Node information.
    pub fn info(&self) -> Call<'a, F, NodesInfo> {
        Call::new(self.client, NodesInfo::default())
    }
}

/// `PUT /{index}`.
#[derive(Debug, Clone, Default)]
pub struct IndicesCreate {
    index: String,
    body: Option<Body>,
}

impl Endpoint for IndicesCreate {
    type Output = Value;
    fn request(&self) -> Request {
        let mut r = Request::new(Method::PUT, format!("/{}", seg(&self.index)));
        r.body = self.body.clone();
        r
    }
    fn parse(r: Response) -> Result<Value, Error> {
        parse_json(r)
    }
}

impl<F> Call<'_, F, IndicesCreate> {
    /// Settings, mappings and aliases.
    pub fn body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.endpoint.body = self.json_body(body);
        self
    }
}

/// `DELETE /{index}`.
#[derive(Debug, Clone, Default)]
pub struct IndicesDelete {
    index: String,
    ignore_unavailable: Option<bool>,
}

impl Endpoint for IndicesDelete {
    type Output = AcknowledgedResponse;
    fn request(&self) -> Request {
        let mut r = Request::new(Method::DELETE, format!("/{}", seg(&self.index)));
        push_opt(&mut r, "ignore_unavailable", &self.ignore_unavailable);
        r
    }
    fn parse(r: Response) -> Result<AcknowledgedResponse, Error> {
        parse_json(r)
    }
}

query_setters!(IndicesDelete {
    /// Do not fail on missing indices.
    ignore_unavailable: bool,
});

/// `HEAD /{index}`: `true` if it exists.
#[derive(Debug, Clone, Default)]
pub struct IndicesExists {
    index: String,
}

impl Endpoint for IndicesExists {
    type Output = bool;
    fn request(&self) -> Request {
        let mut r = Request::new(Method::HEAD, format!("/{}", seg(&self.index)));
        r.options.ignore = vec![404];
        r
    }
    fn parse(r: Response) -> Result<bool, Error> {
        Ok(r.status().is_success())
    }
}

/// `POST /{index}/_refresh`.
#[derive(Debug, Clone, Default)]
pub struct IndicesRefresh {
    index: Option<String>,
}

impl Endpoint for IndicesRefresh {
    type Output = Value;
    fn request(&self) -> Request {
        match &self.index {
            Some(i) => Request::new(Method::POST, format!("/{}/_refresh", seg(i))),
            None => Request::new(Method::POST, "/_refresh"),
        }
    }
    fn parse(r: Response) -> Result<Value, Error> {
        parse_json(r)
    }
}

impl<'a, F> Indices<'a, F> {
    /// Creates an index.
    pub fn create(&self, index: impl Into<String>) -> Call<'a, F, IndicesCreate> {
        Call::new(
            self.client,
            IndicesCreate {
                index: index.into(),
                body: None,
            },
        )
    }
    /// Deletes an index.
    pub fn delete(&self, index: impl Into<String>) -> Call<'a, F, IndicesDelete> {
        Call::new(
            self.client,
            IndicesDelete {
                index: index.into(),
                ignore_unavailable: None,
            },
        )
    }
    /// Whether an index exists (`HEAD`; 404 is `false`).
    pub fn exists(&self, index: impl Into<String>) -> Call<'a, F, IndicesExists> {
        Call::new(
            self.client,
            IndicesExists {
                index: index.into(),
            },
        )
    }
    /// Refreshes an index (all indices with `None`).
    pub fn refresh(&self, index: Option<&str>) -> Call<'a, F, IndicesRefresh> {
        Call::new(
            self.client,
            IndicesRefresh {
                index: index.map(str::to_owned),
            },
        )
    }
}
