//! [`TransportBuilder`]: every connection option ([`TransportOptions`]) plus what is not data
//! (a custom selector, structured nodes, in-memory PEM), with the official clients' defaults.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{Auth, Secret};
use crate::cloud::decode_cloud_id;
use crate::node::{NodeUrl, Scheme};
use crate::options::{ApiKey, TlsVersion, TransportOptions};
use crate::pool::DeadBackoff;
use crate::product::CompatMode;
use crate::redact::Redactor;
use crate::retry::{RetryBackoff, RetryPolicy};
use crate::selector::{RoundRobin, Selector};
use crate::tls::{Pem, TlsOptions};
use crate::{Error, Transport};

/// What a builder builds: the [`Transport`] itself, or a client over one (es-client's
/// `Elasticsearch<F>` implements it, so `Client::builder()` is this same builder).
pub trait FromTransport: Sized {
    /// Wraps a freshly built transport.
    fn from_transport(transport: Transport) -> Result<Self, Error>;
}

impl FromTransport for Transport {
    fn from_transport(transport: Transport) -> Result<Self, Error> {
        Ok(transport)
    }
}

/// Looks up an environment variable (for the `*_env` secret options).
pub type EnvLookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Builds a [`Transport`] (or, as `es_client::ClientBuilder`, a client): every option of the
/// seed documents' `create_connection`, each with a method, on top of [`TransportOptions`].
///
/// ```
/// use std::time::Duration;
/// use es_transport::TransportBuilder;
/// let transport = TransportBuilder::new()
///     .hosts(["https://es1.example.com:9200", "https://es2.example.com:9200"])
///     .basic_auth("elastic", "changeme")
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
pub struct TransportBuilder<T = Transport> {
    options: TransportOptions,
    node_urls: Vec<NodeUrl>,
    selector: Arc<dyn Selector>,
    env: Option<EnvLookup>,
    _target: PhantomData<fn() -> T>,
}

impl<T> Clone for TransportBuilder<T> {
    fn clone(&self) -> Self {
        TransportBuilder {
            options: self.options.clone(),
            node_urls: self.node_urls.clone(),
            selector: self.selector.clone(),
            env: self.env.clone(),
            _target: PhantomData,
        }
    }
}

impl Default for TransportBuilder {
    fn default() -> Self {
        Self::with_target()
    }
}

impl TransportBuilder {
    /// A builder with default settings and no hosts (`http://localhost:9200` is used if none is
    /// added).
    pub fn new() -> Self {
        Self::with_target()
    }

    /// A builder starting from `options` (a profile, a registry's configuration...).
    pub fn from_options(options: TransportOptions) -> Self {
        Self::with_target().options(options)
    }
}

impl<T> From<TransportBuilder<T>> for TransportOptions {
    /// The builder's data options (a custom selector or structured nodes are not data and
    /// are dropped).
    fn from(b: TransportBuilder<T>) -> Self {
        b.options
    }
}

impl From<TransportOptions> for TransportBuilder {
    fn from(options: TransportOptions) -> Self {
        TransportBuilder::from_options(options)
    }
}

macro_rules! setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: $ty) -> Self {
                self.options.$name = value;
                self
            }
        )*
    };
}

macro_rules! optional_setters {
    ($($(#[$doc:meta])* $name:ident: $ty:ty),* $(,)?) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: impl Into<$ty>) -> Self {
                self.options.$name = Some(value.into());
                self
            }
        )*
    };
}

impl<T> TransportBuilder<T> {
    /// A builder for any target (what `es_client`'s `Client::builder()` calls).
    pub fn with_target() -> Self {
        TransportBuilder {
            options: TransportOptions::default(),
            node_urls: Vec::new(),
            selector: Arc::new(RoundRobin::default()),
            env: None,
            _target: PhantomData,
        }
    }

    /// Replaces every data option at once (the selector and structured nodes are kept).
    pub fn options(mut self, options: TransportOptions) -> Self {
        self.options = options;
        self
    }

    /// The data options as they stand.
    pub fn as_options(&self) -> &TransportOptions {
        &self.options
    }

    /// The data options (to store, compare or print).
    pub fn into_options(self) -> TransportOptions {
        self.options
    }

    /// Adds one host (`host`, `host:port`, or a URL; see [`NodeUrl::parse`]).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.options.hosts.push(host.into());
        self
    }

    /// Adds several hosts.
    pub fn hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.options.hosts.extend(hosts.into_iter().map(Into::into));
        self
    }

    /// Adds a structured node address.
    pub fn node(mut self, url: NodeUrl) -> Self {
        self.node_urls.push(url);
        self
    }

    /// Credentials (replacing any set before).
    pub fn auth(self, auth: Auth) -> Self {
        match auth {
            Auth::Basic { username, password } => self.basic_auth(username, password),
            Auth::ApiKey(encoded) => self.api_key(encoded),
            Auth::Bearer(token) => self.bearer_auth(token),
        }
    }

    fn clear_auth(&mut self) {
        let o = &mut self.options;
        o.username = None;
        o.password = None;
        o.password_env = None;
        o.api_key = None;
        o.api_key_env = None;
        o.api_key_id = None;
        o.api_key_secret = None;
        o.api_key_secret_env = None;
        o.bearer_auth = None;
        o.bearer_auth_env = None;
    }

    /// Basic auth (`basic_auth=(user, password)`), replacing other credentials.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.clear_auth();
        self.options.username = Some(username.into());
        self.options.password = Some(password.into());
        self
    }

    /// API key: encoded (`"base64"`) or `(id, key)`, replacing other credentials.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.clear_auth();
        self.options.api_key = Some(key.into());
        self
    }

    /// Bearer token, replacing other credentials.
    pub fn bearer_auth(mut self, token: impl Into<Secret>) -> Self {
        self.clear_auth();
        self.options.bearer_auth = Some(token.into());
        self
    }

    /// Basic auth whose password is read from the environment variable `var` at build.
    pub fn password_env(mut self, username: impl Into<String>, var: impl Into<String>) -> Self {
        self.clear_auth();
        self.options.username = Some(username.into());
        self.options.password_env = Some(var.into());
        self
    }

    /// Encoded API key read from the environment variable `var` at build.
    pub fn api_key_env(mut self, var: impl Into<String>) -> Self {
        self.clear_auth();
        self.options.api_key_env = Some(var.into());
        self
    }

    /// Bearer token read from the environment variable `var` at build.
    pub fn bearer_auth_env(mut self, var: impl Into<String>) -> Self {
        self.clear_auth();
        self.options.bearer_auth_env = Some(var.into());
        self
    }

    /// Where `*_env` options are looked up (default: the process environment).
    pub fn env_lookup(
        mut self,
        f: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.env = Some(Arc::new(f));
        self
    }

    /// Maximum open connections to each node (default 10).
    pub fn connections_per_node(mut self, n: usize) -> Self {
        self.options.connections_per_node = n;
        self
    }

    /// Node selection strategy (default [`RoundRobin`]).
    pub fn selector(mut self, selector: impl Selector + 'static) -> Self {
        self.selector = Arc::new(selector);
        self
    }

    setters!(
        /// Hosts without a scheme use https.
        use_ssl: bool,
        /// Shuffle the hosts once at start (default `false`).
        randomize_hosts: bool,
        /// Sniff the cluster's nodes before the first request.
        sniff_on_start: bool,
        /// Sniff (in the background) when a node fails.
        sniff_on_node_failure: bool,
        /// Minimum time between two sniffs triggered by failures (default 10 s).
        min_delay_between_sniffing: Duration,
        /// Timeout of a sniff request (default 1 s).
        sniff_timeout: Duration,
        /// Retries after the first attempt (default 3).
        max_retries: u32,
        /// Retry requests that timed out (default `false`).
        retry_on_timeout: bool,
        /// Connect timeout, TLS handshake included (default 10 s).
        connect_timeout: Duration,
        /// Gzip request bodies and accept gzip responses.
        http_compress: bool,
        /// Largest response body read (default 256 MiB).
        max_response_bytes: usize,
        /// Media-type negotiation (default [`CompatMode::Auto`]).
        compat: CompatMode,
        /// Reject servers that are neither Elasticsearch nor OpenSearch (default `true`).
        product_check: bool,
        /// Verify the server's certificate chain (default `true`).
        verify_certs: bool,
        /// Check that the certificate names the host (default `true`).
        ssl_assert_hostname: bool,
        /// Warn when certificate verification is off (default `true`).
        ssl_show_warn: bool,
        /// Honour `Retry-After` (default `true`).
        honor_retry_after: bool,
    );

    optional_setters!(
        /// Elastic Cloud id; decoded into an https host when the transport is built.
        cloud_id: String,
        /// `X-Opaque-Id` sent with every request (a request can override it).
        opaque_id: String,
        /// Replaces the default `User-Agent`.
        user_agent: String,
        /// Pin a SHA-256 certificate fingerprint (hex, colons optional).
        ssl_assert_fingerprint: String,
        /// Minimum TLS version.
        ssl_version: TlsVersion,
    );

    /// Sniff periodically: before a request, if the last sniff is older than `interval`
    /// (`sniffer_delay`). The sniff runs in the background.
    pub fn sniff_interval(mut self, interval: Duration) -> Self {
        self.options.sniff_interval = Some(interval);
        self
    }

    /// `sniff_on_connection_fail`, the older name of [`sniff_on_node_failure`](Self::sniff_on_node_failure).
    pub fn sniff_on_connection_fail(self, on: bool) -> Self {
        self.sniff_on_node_failure(on)
    }

    /// `sniffer_delay`, the older name of [`sniff_interval`](Self::sniff_interval).
    pub fn sniffer_delay(self, interval: Duration) -> Self {
        self.sniff_interval(interval)
    }

    /// Dead-node back-off: `min(factor * 2^(failures-1), max)` (defaults 1 s, 30 s).
    pub fn dead_backoff(mut self, factor: Duration, max: Duration) -> Self {
        self.options.dead_backoff_factor = factor;
        self.options.max_dead_backoff = max;
        self
    }

    /// The whole retry policy (see [`RetryPolicy`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.options.set_retry_policy(policy);
        self
    }

    /// Back-off between retries (default 100 ms doubling up to 10 s, jittered).
    pub fn retry_backoff(mut self, backoff: RetryBackoff) -> Self {
        self.options.retry_backoff = backoff.initial;
        self.options.retry_backoff_max = backoff.max;
        self
    }

    /// Statuses that are retried on another node (default 429, 502, 503, 504).
    pub fn retry_on_status(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.options.retry_on_status = statuses.into_iter().collect();
        self
    }

    /// Default request timeout (default 10 s); `None` waits forever.
    pub fn request_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.options.request_timeout = timeout.into();
        self
    }

    /// Trusted CA certificates: a PEM file.
    pub fn ca_certs(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.options.ca_certs = Some(Pem::File(path.into()));
        self
    }

    /// Client certificate and key (PEM files) for mutual TLS.
    pub fn client_cert(
        mut self,
        cert: impl Into<std::path::PathBuf>,
        key: impl Into<std::path::PathBuf>,
    ) -> Self {
        self.options.client_cert = Some(Pem::File(cert.into()));
        self.options.client_key = Some(Pem::File(key.into()));
        self
    }

    /// All TLS settings at once (in-memory PEM included).
    pub fn tls(mut self, tls: TlsOptions) -> Self {
        let o = &mut self.options;
        o.ca_certs = tls.ca_certs;
        o.client_cert = tls.client_cert;
        o.client_key = tls.client_key;
        o.verify_certs = tls.verify_certs;
        o.ssl_assert_hostname = tls.verify_hostname;
        o.ssl_assert_fingerprint = tls.assert_fingerprint;
        o.ssl_version = tls.min_version;
        self
    }

    /// A default header sent with every request. Values of `authorization`-like headers are
    /// never printed.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.options
            .headers
            .insert(name.to_string(), value.to_string());
        self
    }

    /// The node URLs this configuration resolves to (hosts, structured nodes and cloud id),
    /// with credentials found in URLs.
    pub fn resolve_nodes(&self) -> Result<(Vec<NodeUrl>, Option<Auth>), Error> {
        let mut urls = self.node_urls.clone();
        let mut url_auth = None;
        for h in &self.options.hosts {
            let (mut url, auth) = NodeUrl::parse(h)?;
            if self.options.use_ssl && !h.contains("://") {
                url.scheme = Scheme::Https;
            }
            if auth.is_some() {
                url_auth = auth;
            }
            urls.push(url);
        }
        if let Some(id) = &self.options.cloud_id {
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
            let (mut url, _) = NodeUrl::parse("localhost:9200")?;
            if self.options.use_ssl {
                url.scheme = Scheme::Https;
            }
            urls.push(url);
        }
        Ok((urls, url_auth))
    }

    /// Checks every option and resolves secrets; what the transport is made of.
    pub(crate) fn settings(&self) -> Result<Settings, Error> {
        let o = &self.options;
        let (urls, url_auth) = self.resolve_nodes()?;
        let auth = self.auth_from_options()?.or(url_auth);
        if o.connections_per_node == 0 {
            return Err(Error::config("connections_per_node", "must be at least 1"));
        }
        if let Some(bad) = o.retry_on_status.iter().find(|s| !(100..=599).contains(*s)) {
            return Err(Error::config(
                "retry_on_status",
                format!("{bad} is not an HTTP status"),
            ));
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &o.headers {
            match (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(value),
            ) {
                (Ok(n), Ok(mut v)) => {
                    if crate::is_sensitive_header(n.as_str()) {
                        v.set_sensitive(true);
                    }
                    headers.insert(n, v);
                }
                _ => return Err(Error::config("headers", format!("invalid header `{name}`"))),
            }
        }
        let tls = TlsOptions {
            ca_certs: o.ca_certs.clone(),
            client_cert: o.client_cert.clone(),
            client_key: o.client_key.clone(),
            verify_certs: o.verify_certs,
            verify_hostname: o.ssl_assert_hostname,
            assert_fingerprint: o.ssl_assert_fingerprint.clone(),
            min_version: o.ssl_version,
        };
        if tls != TlsOptions::default() {
            if let Some(plain) = urls.iter().find(|u| u.scheme == Scheme::Http) {
                // Never send credentials in plaintext to a node the user meant to reach over TLS.
                return Err(Error::config(
                    "hosts",
                    format!(
                        "TLS options are set but {} is plain http; write https:// or set use_ssl",
                        plain.origin()
                    ),
                ));
            }
        }
        let uses_tls = urls.iter().any(|u| u.scheme == Scheme::Https);
        if uses_tls && !o.verify_certs && o.ssl_show_warn {
            tracing::warn!("TLS certificate verification is off (verify_certs = false); the connection can be intercepted");
        }
        // Every secret configured, the credentials in unused host URLs included.
        let mut redactor = Redactor::new(auth.as_ref(), &headers);
        for h in &o.hosts {
            if let Ok((_, Some(a))) = NodeUrl::parse(h) {
                redactor.add_auth(&a);
            }
        }
        Ok(Settings {
            urls,
            redactor,
            auth,
            tls: uses_tls.then_some(tls),
            headers,
            opaque_id: o.opaque_id.clone(),
            user_agent: o.user_agent.clone(),
            http_compress: o.http_compress,
            max_response_bytes: o.max_response_bytes,
            connections_per_node: o.connections_per_node,
            selector: self.selector.clone(),
            randomize_hosts: o.randomize_hosts,
            dead_backoff: DeadBackoff {
                factor: o.dead_backoff_factor,
                max: o.max_dead_backoff,
            },
            connect_timeout: o.connect_timeout,
            retry: o.retry_policy(),
            request_timeout: o.request_timeout,
            sniff_on_start: o.sniff_on_start,
            sniff_on_node_failure: o.sniff_on_node_failure,
            sniff_interval: o.sniff_interval,
            min_delay_between_sniffing: o.min_delay_between_sniffing,
            sniff_timeout: o.sniff_timeout,
            compat: o.compat,
            product_check: o.product_check,
        })
    }

    /// The credentials the options describe (secrets from `*_env` variables read now);
    /// contradictions are errors naming the option.
    fn auth_from_options(&self) -> Result<Option<Auth>, Error> {
        let o = &self.options;
        let env = |var: &str| match &self.env {
            Some(f) => f(var),
            None => std::env::var(var).ok(),
        };
        let secret = |inline: &Option<Secret>,
                      var: &Option<String>,
                      key: &'static str,
                      env_key: &'static str|
         -> Result<Option<Secret>, Error> {
            match (inline, var) {
                (Some(_), Some(_)) => Err(Error::config(
                    key,
                    format!("give `{key}` or `{env_key}`, not both"),
                )),
                (Some(s), None) => Ok(Some(s.clone())),
                (None, Some(v)) => env(v).map(|s| Some(Secret::new(s))).ok_or_else(|| {
                    Error::config(env_key, format!("environment variable `{v}` is not set"))
                }),
                (None, None) => Ok(None),
            }
        };
        let password = secret(&o.password, &o.password_env, "password", "password_env")?;
        let encoded = secret(
            &o.api_key.as_ref().and_then(|k| match k {
                ApiKey::Encoded(s) => Some(s.clone()),
                ApiKey::IdKey(..) => None,
            }),
            &o.api_key_env,
            "api_key",
            "api_key_env",
        )?;
        let key_secret = secret(
            &o.api_key_secret,
            &o.api_key_secret_env,
            "api_key_secret",
            "api_key_secret_env",
        )?;
        let bearer = secret(
            &o.bearer_auth,
            &o.bearer_auth_env,
            "bearer_auth",
            "bearer_auth_env",
        )?;
        let mut auths: Vec<(&'static str, Auth)> = Vec::new();
        match (&o.username, password) {
            (Some(u), Some(p)) => auths.push(("username", Auth::basic(u.clone(), p))),
            (Some(_), None) => {
                return Err(Error::config(
                    "password",
                    "`username` needs `password` or `password_env`",
                ))
            }
            (None, Some(_)) => {
                return Err(Error::config("username", "`password` needs `username`"))
            }
            (None, None) => {}
        }
        if let Some(k) = encoded {
            auths.push(("api_key", Auth::api_key(k)));
        }
        if let Some(ApiKey::IdKey(id, key)) = &o.api_key {
            auths.push(("api_key", Auth::api_key_id(id, key.expose())));
        }
        match (&o.api_key_id, key_secret) {
            (Some(id), Some(s)) => auths.push(("api_key_id", Auth::api_key_id(id, s.expose()))),
            (Some(_), None) => {
                return Err(Error::config(
                    "api_key_secret",
                    "`api_key_id` needs `api_key_secret`",
                ))
            }
            (None, Some(_)) => {
                return Err(Error::config(
                    "api_key_id",
                    "`api_key_secret` needs `api_key_id`",
                ))
            }
            (None, None) => {}
        }
        if let Some(t) = bearer {
            auths.push(("bearer_auth", Auth::bearer(t)));
        }
        if auths.len() > 1 {
            let keys: Vec<&str> = auths.iter().map(|(k, _)| *k).collect();
            return Err(Error::config(
                auths[1].0,
                format!(
                    "only one kind of authentication allowed, got {}",
                    keys.join(" and ")
                ),
            ));
        }
        Ok(auths.pop().map(|(_, a)| a))
    }
}

impl<T: FromTransport> TransportBuilder<T> {
    /// Builds the transport (or client). No connection is opened until the first request.
    pub fn build(self) -> Result<T, Error> {
        T::from_transport(Transport::from_settings(self.settings()?)?)
    }
}

/// Everything a transport is made of, checked.
pub(crate) struct Settings {
    pub(crate) urls: Vec<NodeUrl>,
    pub(crate) auth: Option<Auth>,
    pub(crate) redactor: Redactor,
    pub(crate) tls: Option<TlsOptions>,
    pub(crate) headers: HeaderMap,
    pub(crate) opaque_id: Option<String>,
    pub(crate) user_agent: Option<String>,
    pub(crate) http_compress: bool,
    pub(crate) max_response_bytes: usize,
    pub(crate) connections_per_node: usize,
    pub(crate) selector: Arc<dyn Selector>,
    pub(crate) randomize_hosts: bool,
    pub(crate) dead_backoff: DeadBackoff,
    pub(crate) connect_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) sniff_on_start: bool,
    pub(crate) sniff_on_node_failure: bool,
    pub(crate) sniff_interval: Option<Duration>,
    pub(crate) min_delay_between_sniffing: Duration,
    pub(crate) sniff_timeout: Duration,
    pub(crate) compat: CompatMode,
    pub(crate) product_check: bool,
}

impl<T> std::fmt::Debug for TransportBuilder<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("options", &self.options)
            .field("nodes", &self.node_urls)
            .field("selector", &self.selector)
            .finish_non_exhaustive()
    }
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

    #[test]
    fn seed_options_have_builder_methods_and_match_their_toml() {
        let b = TransportBuilder::new()
            .host("es1.example.com")
            .use_ssl(true)
            .api_key(("id", "key"))
            .sniff_on_connection_fail(true)
            .sniffer_delay(Duration::from_secs(60))
            .ssl_version(TlsVersion::Tls13)
            .ssl_show_warn(false)
            .retry_policy(RetryPolicy::default().max_retries(5).retry_on_timeout(true));
        let toml_text = r#"
            hosts = "es1.example.com"
            use_ssl = true
            api_key = ["id", "key"]
            sniff_on_connection_fail = true
            sniffer_delay = "1m"
            ssl_version = "TLSv1.3"
            ssl_show_warn = false
            max_retries = 5
            retry_on_timeout = true
        "#;
        let from_toml: TransportOptions = toml::from_str(toml_text).unwrap();
        assert_eq!(b.as_options(), &from_toml);
        let settings = b.settings().unwrap();
        assert_eq!(settings.urls[0].scheme, Scheme::Https);
        assert_eq!(
            settings.urls[0].port, 9200,
            "use_ssl keeps the default port"
        );
        assert_eq!(
            settings.auth.unwrap().header_value().unwrap(),
            "ApiKey aWQ6a2V5"
        );
        assert_eq!(settings.tls.unwrap().min_version, Some(TlsVersion::Tls13));
        assert!(settings.sniff_on_node_failure);
        assert_eq!(settings.sniff_interval, Some(Duration::from_secs(60)));
        assert_eq!(settings.retry.max_retries, 5);
    }

    #[test]
    fn tls_options_never_fall_back_to_plain_http() {
        for host in ["es1:9200", "http://es1:9200"] {
            let err = TransportBuilder::new()
                .host(host)
                .ca_certs("/etc/ca.pem")
                .build()
                .unwrap_err();
            assert!(err.to_string().contains("plain http"), "{err}");
            let err = TransportBuilder::new()
                .host(host)
                .verify_certs(false)
                .build()
                .unwrap_err();
            assert!(err.to_string().contains("use_ssl"), "{err}");
        }
        let t = TransportBuilder::new()
            .host("es1:9200")
            .use_ssl(true)
            .verify_certs(false)
            .build()
            .unwrap();
        assert_eq!(t.nodes()[0].base_url(), "https://es1:9200");
    }

    #[test]
    fn hosts_with_a_query_or_fragment_are_rejected() {
        for host in [
            "http://h:9200/a?b=1",
            "http://h:9200?b=1",
            "h:9200#x",
            "https://u:p@h/x#y",
        ] {
            let err = TransportBuilder::new().host(host).build().unwrap_err();
            assert!(err.to_string().contains("query"), "{host}: {err}");
            assert!(!err.to_string().contains(":p@"), "{err}");
        }
        // A `#` or `?` in a password is not a query.
        assert!(TransportBuilder::new()
            .host("https://u:p#?x@h:9200")
            .build()
            .is_ok());
    }

    #[test]
    fn the_last_credentials_set_win_and_contradictions_are_errors() {
        let s = TransportBuilder::new()
            .basic_auth("u", "p")
            .bearer_auth("t")
            .settings()
            .unwrap();
        assert_eq!(s.auth.unwrap().header_value().unwrap(), "Bearer t");
        let o = TransportOptions {
            username: Some("u".into()),
            password: Some(Secret::new("p")),
            bearer_auth: Some(Secret::new("t")),
            ..Default::default()
        };
        let err = TransportBuilder::from_options(o).build().unwrap_err();
        assert!(
            err.to_string().contains("only one kind of authentication"),
            "{err}"
        );
        let err = TransportBuilder::new()
            .password_env("u", "NO_SUCH_VAR_FOR_SURE")
            .env_lookup(|_| None)
            .build()
            .unwrap_err();
        assert!(err.to_string().contains("`password_env`"), "{err}");
    }
}
