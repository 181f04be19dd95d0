//! The escape hatch: any request, for endpoints the specification does not describe.

use es_transport::http::Method;
use es_transport::{Body, Error, Request, Response};
use serde::Serialize;
use serde_json::Value;

use crate::call::parse_json;
use crate::{Call, Elasticsearch, Endpoint};

/// Any request: the escape hatch for endpoints this client does not model.
#[derive(Debug, Clone)]
pub struct RawRequest {
    request: Request,
}

impl Endpoint for RawRequest {
    type Output = Value;
    fn request(&self) -> Result<Request, Error> {
        Ok(self.request.clone())
    }
    fn parse(r: Response) -> Result<Value, Error> {
        if r.body().is_empty() {
            return Ok(Value::Null);
        }
        parse_json(r)
    }
}

impl<F> Call<'_, F, RawRequest> {
    /// Appends a query parameter.
    pub fn query(mut self, key: &str, value: impl std::fmt::Display) -> Self {
        self.endpoint.request.push_query(key, &value.to_string());
        self
    }
    /// A JSON body.
    pub fn body<T: Serialize + ?Sized>(mut self, body: &T) -> Self {
        self.endpoint.request.body = self.serialize_body(body);
        self
    }
    /// A prepared body (JSON or NDJSON).
    pub fn raw_body(mut self, body: Body) -> Self {
        self.endpoint.request.body = Some(body);
        self
    }
}

impl<F> Elasticsearch<F> {
    /// Any request: `path` is sent as given (encode parts with
    /// [`es_transport::encode_path_part`]).
    pub fn send(&self, method: Method, path: impl Into<String>) -> Call<'_, F, RawRequest> {
        Call::new(
            self,
            RawRequest {
                request: Request::new(method, path),
            },
        )
    }
}
