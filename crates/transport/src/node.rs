//! Node addresses (`NodeUrl`), host-string parsing, and the public [`Node`] handle.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};

use percent_encoding::percent_decode_str;

use crate::auth::Auth;
use crate::conn::ConnPool;
use crate::Error;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    /// `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Where a node listens: scheme, host, port and an optional path prefix (for proxies).
///
/// ```
/// use es_transport::{NodeUrl, Scheme};
/// let (url, auth) = NodeUrl::parse("https://user:p%40ss@es.example.com:9243/proxy/").unwrap();
/// assert_eq!(url.scheme, Scheme::Https);
/// assert_eq!(url.host, "es.example.com");
/// assert_eq!(url.port, 9243);
/// assert_eq!(url.path_prefix, "/proxy");
/// assert_eq!(url.to_string(), "https://es.example.com:9243/proxy");
/// assert!(auth.is_some()); // the password is never printed
///
/// let (url, _) = NodeUrl::parse("localhost").unwrap();
/// assert_eq!(url.to_string(), "http://localhost:9200");
/// let (url, _) = NodeUrl::parse("[::1]:9201").unwrap();
/// assert_eq!(url.to_string(), "http://[::1]:9201");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NodeUrl {
    /// Scheme.
    pub scheme: Scheme,
    /// Host name or IP (IPv6 without brackets).
    pub host: String,
    /// Port.
    pub port: u16,
    /// Path prefix without trailing slash: `""` or `"/prefix"`.
    pub path_prefix: String,
}

impl NodeUrl {
    /// A node URL from parts.
    pub fn new(scheme: Scheme, host: impl Into<String>, port: u16) -> Self {
        NodeUrl {
            scheme,
            host: host.into(),
            port,
            path_prefix: String::new(),
        }
    }

    /// Parses `host`, `host:port`, `[v6]:port` or a URL `scheme://[user:pass@]host[:port][/prefix]`.
    ///
    /// Without a scheme the node is `http` on port 9200; with a scheme and no port, the
    /// scheme's default port (80/443) is used, as the official clients do. Credentials in
    /// the URL are returned as [`Auth::Basic`] and removed from the URL.
    pub fn parse(input: &str) -> Result<(NodeUrl, Option<Auth>), Error> {
        let shown = crate::redact::redact_url(input);
        let bad = |why: &str| Error::config("hosts", format!("cannot parse host {shown:?}: {why}"));
        let s = input.trim();
        if s.is_empty() {
            return Err(bad("empty host"));
        }
        let (scheme, rest, explicit) = match s.split_once("://") {
            Some((sch, rest)) => {
                let scheme = match sch.to_ascii_lowercase().as_str() {
                    "http" => Scheme::Http,
                    "https" => Scheme::Https,
                    other => return Err(bad(&format!("unsupported scheme `{other}`"))),
                };
                (scheme, rest, true)
            }
            None => (Scheme::Http, s, false),
        };
        let (userinfo, after) = crate::redact::split_userinfo(rest);
        let (hostport, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        if hostport.contains(['?', '#']) || path.contains(['?', '#']) {
            // Requests would go to `<host>/<path>?<query>/index/_search`: the wrong endpoint.
            return Err(bad(
                "a host must not have a query (`?`) or fragment (`#`); give the URL prefix only",
            ));
        }
        let auth = match userinfo {
            Some(u) => {
                let (user, pass) = u.split_once(':').unwrap_or((u, ""));
                let dec = |x: &str| {
                    percent_decode_str(x)
                        .decode_utf8()
                        .map(|c| c.into_owned())
                        .map_err(|_| bad("credentials are not valid UTF-8"))
                };
                Some(Auth::basic(dec(user)?, dec(pass)?))
            }
            None => None,
        };
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (h, after) = v6
                .split_once(']')
                .ok_or_else(|| bad("unterminated IPv6 literal"))?;
            let port = match after.strip_prefix(':') {
                Some(p) => Some(p),
                None if after.is_empty() => None,
                None => return Err(bad("unexpected text after IPv6 literal")),
            };
            (h, port)
        } else {
            match hostport.rsplit_once(':') {
                Some((h, p)) if !h.contains(':') => (h, Some(p)),
                Some(_) => return Err(bad("IPv6 addresses must be written in brackets")),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(bad("empty host name"));
        }
        if host.contains(char::is_whitespace) {
            return Err(bad("host name contains whitespace"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| bad(&format!("`{p}` is not a valid port")))?,
            None if !explicit => 9200,
            None => match scheme {
                Scheme::Http => 80,
                Scheme::Https => 443,
            },
        };
        if port == 0 {
            return Err(bad("port 0"));
        }
        let path_prefix = path.trim_end_matches('/').to_string();
        Ok((
            NodeUrl {
                scheme,
                host: host.to_string(),
                port,
                path_prefix,
            },
            auth,
        ))
    }

    /// The host as written in URLs: IPv6 addresses in brackets.
    fn url_host(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// `scheme://host:port` (IPv6 hosts in brackets), without the path prefix.
    pub fn origin(&self) -> String {
        format!(
            "{}://{}:{}",
            self.scheme.as_str(),
            self.url_host(),
            self.port
        )
    }

    /// The `Host` header value: `host` for the scheme's default port, else `host:port`.
    pub fn host_header(&self) -> String {
        match (self.scheme, self.port) {
            (Scheme::Http, 80) | (Scheme::Https, 443) => self.url_host(),
            (_, port) => format!("{}:{port}", self.url_host()),
        }
    }
}

impl fmt::Display for NodeUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.origin(), self.path_prefix)
    }
}

/// Metadata learnt about a node by sniffing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeMeta {
    /// Node id (the key in `_nodes`).
    pub id: Option<String>,
    /// Node name.
    pub name: Option<String>,
    /// Roles (`master`, `data`, `ingest`...).
    pub roles: Vec<String>,
    /// Custom node attributes.
    pub attributes: BTreeMap<String, String>,
}

/// One node of the cluster as the transport sees it. Selectors receive these.
pub struct Node {
    url: NodeUrl,
    base: String,
    /// The `Host` header for this node, computed once.
    host: Option<http::HeaderValue>,
    meta: NodeMeta,
    pub(crate) failures: AtomicU32,
    /// Set when a sniff dropped the node from the pool.
    pub(crate) removed: AtomicBool,
    pub(crate) conns: ConnPool,
    pub(crate) counters: Counters,
}

/// What the transport counts per node (monotonic, from the node's creation).
#[derive(Default)]
pub(crate) struct Counters {
    pub requests: AtomicU64,
    pub failures: AtomicU64,
    pub marked_dead: AtomicU64,
    pub revived: AtomicU64,
}

impl Counters {
    pub fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A snapshot of one node's counters: see [`Transport::node_stats`](crate::Transport::node_stats).
///
/// Counts are attempts, not calls: a call retried on two nodes counts one request on each.
///
/// ```
/// let t = es_transport::Transport::single("http://localhost:9200").unwrap();
/// let stats = t.node_stats();
/// assert_eq!(stats[0].url, "http://localhost:9200");
/// assert_eq!((stats[0].requests, stats[0].failures, stats[0].alive), (0, 0, true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NodeStats {
    /// `scheme://host:port/prefix`.
    pub url: String,
    /// The node's name, when sniffing learnt it.
    pub name: Option<String>,
    /// Attempts sent to the node.
    pub requests: u64,
    /// Attempts that failed: no answer (connection error, timeout) or 502/503/504.
    pub failures: u64,
    /// Times the node was marked dead.
    pub marked_dead: u64,
    /// Times a dead node was taken back (its back-off elapsed, or it answered again).
    pub revived: u64,
    /// Consecutive failures now (0 when healthy).
    pub consecutive_failures: u32,
    /// Whether the node is in the live set now.
    pub alive: bool,
    /// Open connections now (idle ones included).
    pub open_connections: usize,
}

impl Node {
    pub(crate) fn new(url: NodeUrl, meta: NodeMeta, connections: usize) -> Self {
        let base = url.to_string();
        Node {
            host: http::HeaderValue::from_str(&url.host_header()).ok(),
            url,
            base,
            meta,
            failures: AtomicU32::new(0),
            removed: AtomicBool::new(false),
            conns: ConnPool::new(connections),
            counters: Counters::default(),
        }
    }

    /// The node's address.
    pub fn url(&self) -> &NodeUrl {
        &self.url
    }
    /// `scheme://host:port/prefix`.
    pub fn base_url(&self) -> &str {
        &self.base
    }
    pub(crate) fn host_header(&self) -> Option<&http::HeaderValue> {
        self.host.as_ref()
    }
    /// What sniffing learnt about the node (empty for seed nodes).
    pub fn meta(&self) -> &NodeMeta {
        &self.meta
    }
    /// Consecutive failures (0 when the node is healthy).
    pub fn failures(&self) -> u32 {
        self.failures.load(Ordering::Relaxed)
    }
    /// Open connections to the node (idle ones included).
    pub fn open_connections(&self) -> usize {
        self.conns.open()
    }
    pub(crate) fn stats(&self, alive: bool) -> NodeStats {
        let c = &self.counters;
        NodeStats {
            url: self.base.clone(),
            name: self.meta.name.clone(),
            requests: c.requests.load(Ordering::Relaxed),
            failures: c.failures.load(Ordering::Relaxed),
            marked_dead: c.marked_dead.load(Ordering::Relaxed),
            revived: c.revived.load(Ordering::Relaxed),
            consecutive_failures: self.failures(),
            alive,
            open_connections: self.open_connections(),
        }
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("url", &self.base)
            .field("failures", &self.failures())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_host_forms() {
        let cases = [
            ("localhost", "http://localhost:9200"),
            ("es1:9201", "http://es1:9201"),
            ("http://es1", "http://es1:80"),
            ("https://es1", "https://es1:443"),
            ("https://es1:9243/", "https://es1:9243"),
            ("HTTPS://es1:9243/a/b/", "https://es1:9243/a/b"),
            ("[::1]", "http://[::1]:9200"),
            ("http://[fe80::1]:9200/x", "http://[fe80::1]:9200/x"),
            ("  127.0.0.1:9200  ", "http://127.0.0.1:9200"),
        ];
        for (input, want) in cases {
            let (url, auth) = NodeUrl::parse(input).unwrap();
            assert_eq!(url.to_string(), want, "{input}");
            assert!(auth.is_none());
        }
    }

    #[test]
    fn host_headers_omit_default_ports_and_bracket_ipv6() {
        let h = |s: &str| NodeUrl::parse(s).unwrap().0.host_header();
        assert_eq!(h("http://es1"), "es1");
        assert_eq!(h("https://es1:443"), "es1");
        assert_eq!(h("es1"), "es1:9200");
        assert_eq!(h("[::1]:9200"), "[::1]:9200");
    }

    #[test]
    fn extracts_and_decodes_credentials() {
        let (url, auth) = NodeUrl::parse("https://el%40stic:s3cr%3At@h:1").unwrap();
        assert_eq!(url.to_string(), "https://h:1");
        assert_eq!(auth, Some(Auth::basic("el@stic", "s3cr:t")));
    }

    #[test]
    fn parse_errors_do_not_print_url_passwords() {
        let err = NodeUrl::parse("https://admin:pw-123@h:notaport").unwrap_err();
        assert!(!err.to_string().contains("pw-123"), "{err}");
        assert!(err.to_string().contains("admin:<redacted>@h"), "{err}");
    }

    #[test]
    fn rejects_bad_hosts_naming_them() {
        for bad in [
            "",
            "ftp://x",
            "h:port",
            "h:70000",
            "::1",
            "[::1",
            "[::1]x",
            "h:0",
            "http://:9200",
        ] {
            let err = NodeUrl::parse(bad).unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::Config, "{bad}");
            assert!(err.to_string().contains("hosts"), "{err}");
        }
    }
}
