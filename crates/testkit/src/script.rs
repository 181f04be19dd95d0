//! Scripted behaviour: what a fake node answers ([`Reply`]) and when ([`Rule`]).

use std::fmt;
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method, StatusCode};

/// What a fake node does with a request.
#[derive(Clone)]
pub enum Reply {
    /// Answer with a status, headers and body.
    Respond {
        /// HTTP status.
        status: StatusCode,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// Body bytes.
        body: Bytes,
    },
    /// Close the connection without answering (the client sees a connection error).
    Reset,
    /// Wait, then do the inner reply.
    Delay(Duration, Box<Reply>),
    /// Never answer (until the client gives up).
    Hang,
    /// Answer with whatever the built-in routes would answer.
    Default,
}

impl fmt::Debug for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reply::Respond { status, body, .. } => {
                write!(f, "Respond({status}, {} bytes)", body.len())
            }
            Reply::Reset => f.write_str("Reset"),
            Reply::Delay(d, r) => write!(f, "Delay({d:?}, {r:?})"),
            Reply::Hang => f.write_str("Hang"),
            Reply::Default => f.write_str("Default"),
        }
    }
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, value: serde_json::Value) -> Reply {
        Reply::Respond {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: vec![("content-type".into(), "application/json".into())],
            body: Bytes::from(value.to_string()),
        }
    }

    /// An Elasticsearch-style error answer with this status.
    pub fn status(status: u16) -> Reply {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let reason = code.canonical_reason().unwrap_or("error");
        Reply::json(
            status,
            serde_json::json!({
                "error": {"root_cause": [{"type": "fake_exception", "reason": reason}],
                          "type": "fake_exception", "reason": reason},
                "status": status
            }),
        )
    }

    /// Close the connection without answering.
    pub fn reset() -> Reply {
        Reply::Reset
    }

    /// This reply after a delay.
    pub fn delayed(self, delay: Duration) -> Reply {
        Reply::Delay(delay, Box::new(self))
    }

    /// Adds a header to a `Respond` reply.
    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// A request as a fake node received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// Index of the node that received it.
    pub node: usize,
    /// Method.
    pub method: Method,
    /// Path (without the query).
    pub path: String,
    /// Raw query string, if any.
    pub query: Option<String>,
    /// Headers.
    pub headers: HeaderMap,
    /// Body as received (possibly gzip-compressed).
    pub body: Bytes,
}

impl RecordedRequest {
    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body, gunzipped when `Content-Encoding: gzip`.
    pub fn decoded_body(&self) -> Bytes {
        if self.header("content-encoding") == Some("gzip") {
            let mut out = Vec::new();
            if flate2::read::GzDecoder::new(&self.body[..])
                .read_to_end(&mut out)
                .is_ok()
            {
                return out.into();
            }
        }
        self.body.clone()
    }

    /// A query parameter's raw value.
    pub fn query_param(&self, key: &str) -> Option<&str> {
        self.query
            .as_deref()?
            .split('&')
            .filter_map(|kv| kv.split_once('=').or(Some((kv, ""))))
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v)
    }
}

/// A dynamic handler: return `Some(reply)` to answer, `None` to fall through.
pub type Handler = Arc<dyn Fn(&RecordedRequest) -> Option<Reply> + Send + Sync>;

/// When a scripted [`Reply`] applies: method, path prefix, node, number of times.
///
/// ```
/// use es_testkit::{Reply, Rule};
/// // The next two searches on node 1 answer 503.
/// let rule = Rule::new(Reply::status(503)).path_prefix("/_search").node(1).times(2);
/// # let _ = rule;
/// ```
#[derive(Debug, Clone)]
pub struct Rule {
    pub(crate) method: Option<Method>,
    pub(crate) path_prefix: Option<String>,
    pub(crate) node: Option<usize>,
    pub(crate) remaining: Option<usize>,
    pub(crate) reply: Reply,
}

impl Rule {
    /// A rule matching every request, forever.
    pub fn new(reply: Reply) -> Rule {
        Rule {
            method: None,
            path_prefix: None,
            node: None,
            remaining: None,
            reply,
        }
    }
    /// Only this method.
    pub fn method(mut self, m: Method) -> Rule {
        self.method = Some(m);
        self
    }
    /// Only paths starting with this.
    pub fn path_prefix(mut self, p: &str) -> Rule {
        self.path_prefix = Some(p.into());
        self
    }
    /// Only this node.
    pub fn node(mut self, n: usize) -> Rule {
        self.node = Some(n);
        self
    }
    /// Only the next `n` matching requests.
    pub fn times(mut self, n: usize) -> Rule {
        self.remaining = Some(n);
        self
    }

    pub(crate) fn matches(&self, req: &RecordedRequest) -> bool {
        self.remaining != Some(0)
            && self.method.as_ref().is_none_or(|m| *m == req.method)
            && self.node.is_none_or(|n| n == req.node)
            && self
                .path_prefix
                .as_deref()
                .is_none_or(|p| req.path.starts_with(p))
    }
}
