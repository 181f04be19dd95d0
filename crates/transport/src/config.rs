//! [`TransportBuilder`]: every connection option, with the official clients' defaults.

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::Auth;
use crate::cloud::decode_cloud_id;
use crate::node::NodeUrl;
use crate::pool::DeadBackoff;
use crate::product::CompatMode;
use crate::retry::{RetryBackoff, RetryPolicy};
use crate::selector::{RoundRobin, Selector};
use crate::tls::TlsOptions;
use crate::{Error, Transport};

/// Builds a [`Transport`]. Every option of the seed documents' `create_connection` exists here.
///
/// ```
/// use std::time::Duration;
/// use es_transport::{Auth, TransportBuilder};
/// let transport = TransportBuilder::new()
///     .hosts(["https://es1.example.com:9200", "https://es2.example.com:9200"])
///     .auth(Auth::basic("elastic", "changeme"))
///     .request_timeout(Duration::from_secs(20))
///     .max_retries(5)
///     .retry_on_timeout(true)
///     .sniff_on_start(true)
///     .connections_per_node(10)
///     .http_compress(true)
///     .build()
///     .unwrap();
/// assert_eq!(transport.nodes().len(), 2);
/// assert!(!format!("{transport:?}").contains("changeme"));
/// ```
#[derive(Clone)]
pub struct TransportBuilder {
    pub(crate) hosts: Vec<String>,
    pub(crate) node_urls: Vec<NodeUrl>,
    pub(crate) cloud_id: Option<String>,
    pub(crate) auth: Option<Auth>,
    pub(crate) connections_per_node: usize,
    pub(crate) selector: Arc<dyn Selector>,
    pub(crate) randomize_hosts: bool,
    pub(crate) dead_backoff: DeadBackoff,
    pub(crate) sniff_on_start: bool,
    pub(crate) sniff_on_node_failure: bool,
    pub(crate) sniff_interval: Option<Duration>,
    pub(crate) min_delay_between_sniffing: Duration,
    pub(crate) sniff_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) connect_timeout: Duration,
    pub(crate) http_compress: bool,
    pub(crate) tls: TlsOptions,
    pub(crate) headers: HeaderMap,
    pub(crate) opaque_id: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) compat: CompatMode,
    pub(crate) product_check: bool,
    pub(crate) invalid: Option<(&'static str, String)>,
}

impl Default for TransportBuilder {
    fn default() -> Self {
        TransportBuilder {
            hosts: Vec::new(),
            node_urls: Vec::new(),
            cloud_id: None,
            auth: None,
            connections_per_node: 10,
            selector: Arc::new(RoundRobin::default()),
            randomize_hosts: false,
            dead_backoff: DeadBackoff::default(),
            sniff_on_start: false,
            sniff_on_node_failure: false,
            sniff_interval: None,
            min_delay_between_sniffing: Duration::from_secs(10),
            sniff_timeout: Duration::from_secs(1),
            retry: RetryPolicy::default(),
            request_timeout: Some(Duration::from_secs(10)),
            connect_timeout: Duration::from_secs(10),
            http_compress: false,
            tls: TlsOptions::default(),
            headers: HeaderMap::new(),
            opaque_id: None,
            user_agent: None,
            compat: CompatMode::Auto,
            product_check: true,
            invalid: None,
        }
    }
}

macro_rules! setter {
    ($(#[$doc:meta])* $name:ident: $ty:ty) => {
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            self.$name = value;
            self
        }
    };
}

impl TransportBuilder {
    /// A builder with default settings and no hosts (`http://localhost:9200` is used if none is
    /// added).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one host (`host`, `host:port`, or a URL; see [`NodeUrl::parse`]).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.hosts.push(host.into());
        self
    }

    /// Adds several hosts.
    pub fn hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.hosts.extend(hosts.into_iter().map(Into::into));
        self
    }

    /// Adds a structured node address.
    pub fn node(mut self, url: NodeUrl) -> Self {
        self.node_urls.push(url);
        self
    }

    /// Elastic Cloud id; decoded into an https host when the transport is built.
    pub fn cloud_id(mut self, cloud_id: impl Into<String>) -> Self {
        self.cloud_id = Some(cloud_id.into());
        self
    }

    /// Credentials.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Basic auth (`http_auth`).
    pub fn basic_auth(
        self,
        username: impl Into<String>,
        password: impl Into<crate::Secret>,
    ) -> Self {
        self.auth(Auth::basic(username, password))
    }

    /// Encoded API key.
    pub fn api_key(self, encoded: impl Into<crate::Secret>) -> Self {
        self.auth(Auth::api_key(encoded))
    }

    /// Bearer token.
    pub fn bearer_auth(self, token: impl Into<crate::Secret>) -> Self {
        self.auth(Auth::bearer(token))
    }

    /// Maximum open connections to each node (default 10).
    pub fn connections_per_node(mut self, n: usize) -> Self {
        if n == 0 {
            self.invalid = Some(("connections_per_node", "must be at least 1".into()));
        }
        self.connections_per_node = n.max(1);
        self
    }

    /// Node selection strategy (default [`RoundRobin`]).
    pub fn selector(mut self, selector: impl Selector + 'static) -> Self {
        self.selector = Arc::new(selector);
        self
    }

    setter!(
        /// Shuffle the hosts once at start (default `false`).
        randomize_hosts: bool
    );
    setter!(
        /// Sniff the cluster's nodes before the first request.
        sniff_on_start: bool
    );
    setter!(
        /// Sniff (in the background) when a node fails.
        sniff_on_node_failure: bool
    );
    setter!(
        /// Minimum time between two sniffs triggered by failures (default 10 s).
        min_delay_between_sniffing: Duration
    );
    setter!(
        /// Timeout of a sniff request (default 1 s).
        sniff_timeout: Duration
    );
    /// The whole retry policy (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }
    /// Retries after the first attempt (default 3).
    pub fn max_retries(mut self, n: u32) -> Self {
        self.retry.max_retries = n;
        self
    }
    /// Retry requests that timed out (default `false`).
    pub fn retry_on_timeout(mut self, on: bool) -> Self {
        self.retry.on_timeout = on;
        self
    }
    /// Back-off between retries (default 100 ms doubling up to 10 s, jittered).
    pub fn retry_backoff(mut self, backoff: RetryBackoff) -> Self {
        self.retry.backoff = backoff;
        self
    }
    setter!(
        /// Connect timeout, TLS handshake included (default 10 s).
        connect_timeout: Duration
    );
    setter!(
        /// Gzip request bodies and accept gzip responses.
        http_compress: bool
    );
    setter!(
        /// TLS options.
        tls: TlsOptions
    );
    setter!(
        /// Media-type negotiation (default [`CompatMode::Auto`]).
        compat: CompatMode
    );
    setter!(
        /// Reject servers that are neither Elasticsearch nor OpenSearch (default `true`).
        product_check: bool
    );

    /// Sniff periodically: before a request, if the last sniff is older than `interval`
    /// (`sniffer_delay`). The sniff runs in the background.
    pub fn sniff_interval(mut self, interval: Duration) -> Self {
        self.sniff_interval = Some(interval);
        self
    }

    /// Dead-node back-off: `min(factor * 2^(failures-1), max)` (defaults 1 s, 30 s).
    pub fn dead_backoff(mut self, factor: Duration, max: Duration) -> Self {
        self.dead_backoff = DeadBackoff { factor, max };
        self
    }

    /// Statuses that are retried on another node (default 429, 502, 503, 504).
    pub fn retry_on_status(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.retry.on_status = statuses.into_iter().collect();
        self
    }

    /// Default request timeout (default 10 s); `None` waits forever.
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.request_timeout = timeout.into();
        self
    }

    /// A default header sent with every request. Values of `authorization`-like headers are
    /// marked sensitive and never printed.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(mut value)) => {
                if is_sensitive(&name) {
                    value.set_sensitive(true);
                }
                self.headers.insert(name, value);
            }
            _ => {
                self.invalid = Some(("headers", format!("invalid header `{name}`")));
            }
        }
        self
    }

    /// `X-Opaque-Id` sent with every request (a request can override it).
    pub fn opaque_id(mut self, id: impl Into<String>) -> Self {
        self.opaque_id = Some(id.into());
        self
    }

    /// Replaces the default `User-Agent`.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// The node URLs this configuration resolves to (hosts, structured nodes and cloud id),
    /// with credentials found in URLs.
    pub fn resolve_nodes(&self) -> Result<(Vec<NodeUrl>, Option<Auth>), Error> {
        let mut urls = self.node_urls.clone();
        let mut url_auth = None;
        for h in &self.hosts {
            let (url, auth) = NodeUrl::parse(h)?;
            if auth.is_some() {
                url_auth = auth;
            }
            urls.push(url);
        }
        if let Some(id) = &self.cloud_id {
            if !urls.is_empty() {
                return Err(Error::config(
                    "cloud_id",
                    "give either cloud_id or hosts, not both",
                ));
            }
            let (url, _) = NodeUrl::parse(&decode_cloud_id(id)?)?;
            urls.push(url);
        }
        if urls.is_empty() {
            urls.push(NodeUrl::parse("localhost:9200")?.0);
        }
        Ok((urls, url_auth))
    }

    /// Builds the async transport. No connection is opened until the first request.
    pub fn build(self) -> Result<Transport, Error> {
        if let Some((field, message)) = self.invalid {
            return Err(Error::config(field, message));
        }
        Transport::from_builder(self)
    }
}

impl std::fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts: Vec<String> = self.hosts.iter().map(|h| redact_userinfo(h)).collect();
        f.debug_struct("TransportBuilder")
            .field("hosts", &hosts)
            .field("nodes", &self.node_urls)
            .field("cloud_id", &self.cloud_id)
            .field("auth", &self.auth)
            .field("connections_per_node", &self.connections_per_node)
            .field("selector", &self.selector)
            .field("randomize_hosts", &self.randomize_hosts)
            .field("dead_backoff", &self.dead_backoff)
            .field("sniff_on_start", &self.sniff_on_start)
            .field("sniff_on_node_failure", &self.sniff_on_node_failure)
            .field("sniff_interval", &self.sniff_interval)
            .field("retry", &self.retry)
            .field("request_timeout", &self.request_timeout)
            .field("http_compress", &self.http_compress)
            .field("tls", &self.tls)
            .field("headers", &self.headers)
            .field("opaque_id", &self.opaque_id)
            .field("compat", &self.compat)
            .field("product_check", &self.product_check)
            .finish_non_exhaustive()
    }
}

/// A host string fit for printing: `scheme://user:pass@host` → `scheme://user:<redacted>@host`.
///
/// ```
/// assert_eq!(es_transport::redact_url("https://elastic:pw@es:9200/x"), "https://elastic:<redacted>@es:9200/x");
/// assert_eq!(es_transport::redact_url("es:9200"), "es:9200");
/// ```
pub fn redact_url(host: &str) -> String {
    redact_userinfo(host)
}

fn redact_userinfo(host: &str) -> String {
    let (scheme, rest) = match host.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), host),
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rsplit_once('@') {
        Some((userinfo, hostport)) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!(
                "{scheme}{user}:<redacted>@{hostport}{}",
                &rest[authority_end..]
            )
        }
        None => host.to_string(),
    }
}

/// Whether a header carries a secret (its value is never printed).
///
/// ```
/// assert!(es_transport::is_sensitive_header("Authorization"));
/// assert!(es_transport::is_sensitive_header("x-api-key"));
/// assert!(!es_transport::is_sensitive_header("x-opaque-id"));
/// ```
pub fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "proxy-authorization"
        || n.contains("api-key")
        || n.contains("token")
        || n == "cookie"
}

fn is_sensitive(name: &HeaderName) -> bool {
    is_sensitive_header(name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_options_are_config_errors_naming_the_option() {
        let err = TransportBuilder::new()
            .connections_per_node(0)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("connections_per_node"));
        let err = TransportBuilder::new()
            .header("bad header", "v")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("headers"));
        let err = TransportBuilder::new().host("a:b:c").build().unwrap_err();
        assert!(err.to_string().contains("hosts"));
        let err = TransportBuilder::new()
            .host("x")
            .cloud_id("a:b")
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("cloud_id"));
    }

    #[test]
    fn url_passwords_are_not_printed() {
        assert_eq!(
            redact_userinfo("https://u:p@h:1/x"),
            "https://u:<redacted>@h:1/x"
        );
        assert_eq!(redact_userinfo("u:p@h"), "u:<redacted>@h");
        assert_eq!(redact_userinfo("http://h:9200/a@b"), "http://h:9200/a@b");
        let dbg = format!(
            "{:?}",
            TransportBuilder::new().host("https://elastic:hunter2@h")
        );
        assert!(!dbg.contains("hunter2") && dbg.contains("elastic"), "{dbg}");
    }

    #[test]
    fn absurd_connection_counts_do_not_panic() {
        let t = TransportBuilder::new()
            .connections_per_node(usize::MAX)
            .build()
            .unwrap();
        assert_eq!(t.nodes().len(), 1);
    }

    #[test]
    fn sensitive_default_headers_are_not_printed() {
        let b = TransportBuilder::new()
            .header("Authorization", "Bearer abc")
            .header("X-Api-Key", "k3y");
        let dbg = format!("{b:?}");
        assert!(!dbg.contains("abc") && !dbg.contains("k3y"), "{dbg}");
    }
}
