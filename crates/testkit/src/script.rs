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
    /// Do what the built-in routes do (a stored cluster applies the writes), then answer with
    /// what the function makes of that answer: `Reply::Reset` loses an applied answer,
    /// [`Reply::cut_at`] truncates it mid-body.
    AfterDefault(Arc<dyn Fn(Reply) -> Reply + Send + Sync>),
    /// Send the status, headers and a `Content-Length` for the whole body, then only the
    /// first `at` bytes, then drop the connection (a reset mid-body).
    Cut {
        /// HTTP status.
        status: StatusCode,
        /// Extra headers.
        headers: Vec<(String, String)>,
        /// The whole body (only `at` bytes are sent).
        body: Bytes,
        /// Bytes sent before the connection drops.
        at: usize,
    },
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
            Reply::AfterDefault(_) => f.write_str("AfterDefault(..)"),
            Reply::Cut {
                status, body, at, ..
            } => {
                write!(f, "Cut({status}, {at} of {} bytes)", body.len())
            }
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

    /// What the built-in routes do, then `f` of their answer (see [`Reply::AfterDefault`]).
    ///
    /// ```
    /// use es_testkit::Reply;
    /// // The server applies the bulk request, then the answer is lost.
    /// let lost = Reply::after_default(|_| Reply::reset());
    /// // ... or cut after 10 bytes of body.
    /// let cut = Reply::after_default(|answer| answer.cut_at(10));
    /// # let _ = (lost, cut);
    /// ```
    pub fn after_default(f: impl Fn(Reply) -> Reply + Send + Sync + 'static) -> Reply {
        Reply::AfterDefault(Arc::new(f))
    }

    /// A `Respond` reply whose body stops after `at` bytes (the connection is dropped);
    /// other replies are returned unchanged.
    pub fn cut_at(self, at: usize) -> Reply {
        match self {
            Reply::Respond {
                status,
                headers,
                body,
            } => Reply::Cut {
                status,
                headers,
                body,
                at,
            },
            other => other,
        }
    }

    /// A `Respond` reply with its body replaced by its first `len` bytes (a complete HTTP
    /// answer whose JSON is truncated); other replies are returned unchanged.
    pub fn truncated(self, len: usize) -> Reply {
        match self {
            Reply::Respond {
                status,
                headers,
                body,
            } => Reply::Respond {
                status,
                headers,
                body: body.slice(..len.min(body.len())),
            },
            other => other,
        }
    }

    /// A raw answer: status, content type and body.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Bytes>) -> Reply {
        Reply::Respond {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: vec![("content-type".into(), content_type.into())],
            body: body.into(),
        }
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
