//! [`ConnectionConfig`]: every transport option as plain data, comparable (so a repeated
//! `configure` can keep unchanged clients) and readable from TOML profiles.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use es_client::transport::{RetryBackoff, Secret, TlsOptions};
use es_client::{Auth, CompatMode, TransportBuilder};
use serde::Deserialize;

use crate::ConnectionError;

/// One or more hosts: `hosts = "http://a:9200"` or `hosts = ["http://a:9200", "http://b:9200"]`.
/// `Debug` hides passwords written in URLs.
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(untagged)]
pub enum Hosts {
    /// No host (defaults to `http://localhost:9200` unless `cloud_id` is set).
    #[default]
    #[serde(skip)]
    None,
    /// One host.
    One(String),
    /// Several hosts.
    Many(Vec<String>),
}

impl std::fmt::Debug for Hosts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown: Vec<String> = self
            .list()
            .iter()
            .map(|h| es_client::transport::redact_url(h))
            .collect();
        f.debug_list().entries(shown).finish()
    }
}

/// Default headers of a profile. `Debug` hides the values of secret-bearing headers
/// (`Authorization`, `*api-key*`, `*token*`, cookies).
#[derive(Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(transparent)]
pub struct Headers(pub BTreeMap<String, String>);

impl std::ops::Deref for Headers {
    type Target = BTreeMap<String, String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Headers {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl std::fmt::Debug for Headers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (k, v) in &self.0 {
            let shown = if es_client::transport::is_sensitive_header(k) {
                "<redacted>"
            } else {
                v.as_str()
            };
            m.entry(k, &shown);
        }
        m.finish()
    }
}

impl Hosts {
    /// The hosts as a list.
    pub fn list(&self) -> Vec<String> {
        match self {
            Hosts::None => Vec::new(),
            Hosts::One(h) => vec![h.clone()],
            Hosts::Many(v) => v.clone(),
        }
    }
}

/// Media-type negotiation in a profile: `"auto"`, `"off"`, or a major version (`8`, `9`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum CompatSetting {
    /// `"auto"` or `"off"`.
    Word(String),
    /// A major version.
    Version(u8),
}

/// Configuration of one named connection. Field names follow the Python client's keyword
/// arguments; durations are seconds (fractions allowed). Secrets can be given inline or, better,
/// through `*_env` keys naming environment variables read when the client is built.
///
/// ```
/// use es_connections::ConnectionConfig;
/// let cfg = ConnectionConfig::new(["https://localhost:9200"]).request_timeout(20.0);
/// assert_eq!(cfg.request_timeout, Some(20.0));
/// let from_toml: ConnectionConfig = toml::from_str(r#"
///     hosts = ["https://esdev1.example.com:9200"]
///     sniff_on_start = true
///     api_key_env = "DEV_API_KEY"
/// "#).unwrap();
/// assert_eq!(from_toml.sniff_on_start, Some(true));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct ConnectionConfig {
    /// Hosts.
    pub hosts: Hosts,
    /// Elastic Cloud id (instead of hosts).
    pub cloud_id: Option<String>,
    /// Basic auth user.
    pub username: Option<String>,
    /// Basic auth password (prefer `password_env`).
    pub password: Option<Secret>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// Encoded API key (prefer `api_key_env`).
    pub api_key: Option<Secret>,
    /// Environment variable holding the encoded API key.
    pub api_key_env: Option<String>,
    /// API key id, with `api_key_secret` / `api_key_secret_env`.
    pub api_key_id: Option<String>,
    /// API key secret.
    pub api_key_secret: Option<Secret>,
    /// Environment variable holding the API key secret.
    pub api_key_secret_env: Option<String>,
    /// Bearer token (prefer `bearer_auth_env`).
    pub bearer_auth: Option<Secret>,
    /// Environment variable holding the bearer token.
    pub bearer_auth_env: Option<String>,
    /// Request timeout, seconds.
    pub request_timeout: Option<f64>,
    /// Connect timeout, seconds.
    pub connect_timeout: Option<f64>,
    /// Retries.
    pub max_retries: Option<u32>,
    /// Statuses to retry.
    pub retry_on_status: Option<Vec<u16>>,
    /// Retry timeouts.
    pub retry_on_timeout: Option<bool>,
    /// First retry back-off, seconds.
    pub retry_backoff: Option<f64>,
    /// Longest retry back-off, seconds.
    pub retry_backoff_max: Option<f64>,
    /// Sniff before the first request.
    pub sniff_on_start: Option<bool>,
    /// Sniff when a node fails (`sniff_on_connection_fail` is accepted too).
    #[serde(alias = "sniff_on_connection_fail")]
    pub sniff_on_node_failure: Option<bool>,
    /// Sniff periodically, every this many seconds (`sniffer_delay` in older clients).
    #[serde(alias = "sniffer_delay")]
    pub sniff_interval: Option<f64>,
    /// Sniff request timeout, seconds.
    pub sniff_timeout: Option<f64>,
    /// Minimum seconds between failure-triggered sniffs.
    pub min_delay_between_sniffing: Option<f64>,
    /// Shuffle hosts at start.
    pub randomize_hosts: Option<bool>,
    /// Connections per node.
    pub connections_per_node: Option<usize>,
    /// Gzip bodies.
    pub http_compress: Option<bool>,
    /// Dead-node back-off factor, seconds.
    pub dead_backoff_factor: Option<f64>,
    /// Longest dead-node back-off, seconds.
    pub max_dead_backoff: Option<f64>,
    /// CA bundle (PEM file).
    pub ca_certs: Option<PathBuf>,
    /// Client certificate (PEM file).
    pub client_cert: Option<PathBuf>,
    /// Client key (PEM file).
    pub client_key: Option<PathBuf>,
    /// Verify certificates.
    pub verify_certs: Option<bool>,
    /// Check the host name in certificates.
    pub ssl_assert_hostname: Option<bool>,
    /// SHA-256 fingerprint to pin.
    pub ssl_assert_fingerprint: Option<String>,
    /// Default headers.
    pub headers: Headers,
    /// `X-Opaque-Id` for every request.
    pub opaque_id: Option<String>,
    /// `User-Agent`.
    pub user_agent: Option<String>,
    /// `"auto"` (default), `"off"`, `8` or `9`.
    pub compat: Option<CompatSetting>,
    /// Product check.
    pub product_check: Option<bool>,
}

impl ConnectionConfig {
    /// A configuration for these hosts.
    pub fn new<I, S>(hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ConnectionConfig {
            hosts: Hosts::Many(hosts.into_iter().map(Into::into).collect()),
            ..Default::default()
        }
    }

    /// Request timeout in seconds.
    pub fn request_timeout(mut self, secs: f64) -> Self {
        self.request_timeout = Some(secs);
        self
    }
    /// Basic auth.
    pub fn basic_auth(mut self, username: &str, password: &str) -> Self {
        self.username = Some(username.into());
        self.password = Some(Secret::new(password));
        self
    }
    /// Encoded API key.
    pub fn api_key(mut self, key: &str) -> Self {
        self.api_key = Some(Secret::new(key));
        self
    }
    /// Sniff on start.
    pub fn sniff_on_start(mut self, on: bool) -> Self {
        self.sniff_on_start = Some(on);
        self
    }
    /// Retries.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = Some(n);
        self
    }

    /// The configuration `ELASTICSEARCH_URL` (comma-separated hosts) and `ELASTIC_API_KEY`
    /// describe, as in the official client's examples; `None` without `ELASTICSEARCH_URL`.
    pub fn from_env() -> Option<ConnectionConfig> {
        Self::from_env_with(&|k| std::env::var(k).ok())
    }

    /// [`ConnectionConfig::from_env`] with a custom variable lookup.
    pub fn from_env_with(env: &dyn Fn(&str) -> Option<String>) -> Option<ConnectionConfig> {
        let url = env("ELASTICSEARCH_URL").filter(|u| !u.trim().is_empty())?;
        let hosts = url
            .split(',')
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .collect();
        Some(ConnectionConfig {
            hosts: Hosts::Many(hosts),
            api_key_env: env("ELASTIC_API_KEY").map(|_| "ELASTIC_API_KEY".to_string()),
            ..Default::default()
        })
    }

    /// Turns the configuration into a transport builder, reading `*_env` secrets from the
    /// process environment.
    pub fn to_builder(&self, alias: &str) -> Result<TransportBuilder, ConnectionError> {
        self.to_builder_with(alias, &|k| std::env::var(k).ok())
    }

    /// [`ConnectionConfig::to_builder`] with a custom variable lookup.
    pub fn to_builder_with(
        &self,
        alias: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<TransportBuilder, ConnectionError> {
        let bad = |key: &str, msg: &str| ConnectionError::invalid(alias, key, msg);
        let secret = |inline: &Option<Secret>,
                      var: &Option<String>,
                      key: &str|
         -> Result<Option<Secret>, ConnectionError> {
            match (inline, var) {
                (Some(_), Some(_)) => {
                    Err(bad(key, &format!("give `{key}` or `{key}_env`, not both")))
                }
                (Some(s), None) => Ok(Some(s.clone())),
                (None, Some(v)) => env(v).map(|s| Some(Secret::new(s))).ok_or_else(|| {
                    bad(
                        &format!("{key}_env"),
                        &format!("environment variable `{v}` is not set"),
                    )
                }),
                (None, None) => Ok(None),
            }
        };
        let secs = |v: Option<f64>, key: &str| -> Result<Option<Duration>, ConnectionError> {
            match v {
                None => Ok(None),
                Some(s) => Duration::try_from_secs_f64(s).map(Some).map_err(|_| {
                    bad(
                        key,
                        &format!("{s} is not a number of seconds between 0 and 2^64"),
                    )
                }),
            }
        };

        let mut b = TransportBuilder::new().hosts(self.hosts.list());
        if let Some(id) = &self.cloud_id {
            b = b.cloud_id(id.clone());
        }

        let password = secret(&self.password, &self.password_env, "password")?;
        let api_key = secret(&self.api_key, &self.api_key_env, "api_key")?;
        let key_secret = secret(
            &self.api_key_secret,
            &self.api_key_secret_env,
            "api_key_secret",
        )?;
        let bearer = secret(&self.bearer_auth, &self.bearer_auth_env, "bearer_auth")?;
        let mut auths = Vec::new();
        match (&self.username, password) {
            (Some(u), Some(p)) => auths.push(("username", Auth::basic(u.clone(), p))),
            (Some(_), None) => {
                return Err(bad(
                    "password",
                    "`username` needs `password` or `password_env`",
                ))
            }
            (None, Some(_)) => return Err(bad("username", "`password` needs `username`")),
            (None, None) => {}
        }
        if let Some(k) = api_key {
            auths.push(("api_key", Auth::api_key(k)));
        }
        match (&self.api_key_id, key_secret) {
            (Some(id), Some(s)) => auths.push(("api_key_id", Auth::api_key_id(id, s.expose()))),
            (Some(_), None) => {
                return Err(bad("api_key_secret", "`api_key_id` needs `api_key_secret`"))
            }
            (None, Some(_)) => {
                return Err(bad("api_key_id", "`api_key_secret` needs `api_key_id`"))
            }
            (None, None) => {}
        }
        if let Some(t) = bearer {
            auths.push(("bearer_auth", Auth::bearer(t)));
        }
        if auths.len() > 1 {
            let keys: Vec<&str> = auths.iter().map(|(k, _)| *k).collect();
            return Err(bad(
                keys[1],
                &format!(
                    "only one kind of authentication allowed, got {}",
                    keys.join(" and ")
                ),
            ));
        }
        if let Some((_, a)) = auths.pop() {
            b = b.auth(a);
        }

        if let Some(t) = secs(self.request_timeout, "request_timeout")? {
            b = b.request_timeout(t);
        }
        if let Some(t) = secs(self.connect_timeout, "connect_timeout")? {
            b = b.connect_timeout(t);
        }
        if let Some(n) = self.max_retries {
            b = b.max_retries(n);
        }
        if let Some(s) = &self.retry_on_status {
            if let Some(bad_status) = s.iter().find(|s| !(100..=599).contains(*s)) {
                return Err(bad(
                    "retry_on_status",
                    &format!("{bad_status} is not an HTTP status"),
                ));
            }
            b = b.retry_on_status(s.iter().copied());
        }
        if let Some(on) = self.retry_on_timeout {
            b = b.retry_on_timeout(on);
        }
        let defaults = RetryBackoff::default();
        let initial = secs(self.retry_backoff, "retry_backoff")?.unwrap_or(defaults.initial);
        let max =
            secs(self.retry_backoff_max, "retry_backoff_max")?.unwrap_or(defaults.max.max(initial));
        b = b.retry_backoff(RetryBackoff { initial, max });
        if let Some(on) = self.sniff_on_start {
            b = b.sniff_on_start(on);
        }
        if let Some(on) = self.sniff_on_node_failure {
            b = b.sniff_on_node_failure(on);
        }
        if let Some(t) = secs(self.sniff_interval, "sniff_interval")? {
            b = b.sniff_interval(t);
        }
        if let Some(t) = secs(self.sniff_timeout, "sniff_timeout")? {
            b = b.sniff_timeout(t);
        }
        if let Some(t) = secs(
            self.min_delay_between_sniffing,
            "min_delay_between_sniffing",
        )? {
            b = b.min_delay_between_sniffing(t);
        }
        if let Some(on) = self.randomize_hosts {
            b = b.randomize_hosts(on);
        }
        if let Some(n) = self.connections_per_node {
            if n == 0 {
                return Err(bad("connections_per_node", "must be at least 1"));
            }
            b = b.connections_per_node(n);
        }
        if let Some(on) = self.http_compress {
            b = b.http_compress(on);
        }
        let dead = es_client::transport::DeadBackoff::default();
        let factor = secs(self.dead_backoff_factor, "dead_backoff_factor")?.unwrap_or(dead.factor);
        let max_dead = secs(self.max_dead_backoff, "max_dead_backoff")?.unwrap_or(dead.max);
        b = b.dead_backoff(factor, max_dead);

        let mut tls = TlsOptions::default();
        if let Some(p) = &self.ca_certs {
            tls = tls.ca_certs_file(p);
        }
        match (&self.client_cert, &self.client_key) {
            (Some(c), Some(k)) => tls = tls.client_cert_files(c, k),
            (Some(_), None) => return Err(bad("client_key", "`client_cert` needs `client_key`")),
            (None, Some(_)) => return Err(bad("client_cert", "`client_key` needs `client_cert`")),
            (None, None) => {}
        }
        if let Some(on) = self.verify_certs {
            tls = tls.verify_certs(on);
        }
        if let Some(on) = self.ssl_assert_hostname {
            tls = tls.verify_hostname(on);
        }
        if let Some(fp) = &self.ssl_assert_fingerprint {
            tls = tls.assert_fingerprint(fp.clone());
        }
        b = b.tls(tls);

        for (k, v) in self.headers.iter() {
            b = b.header(k, v);
        }
        if let Some(id) = &self.opaque_id {
            b = b.opaque_id(id.clone());
        }
        if let Some(ua) = &self.user_agent {
            b = b.user_agent(ua.clone());
        }
        if let Some(c) = &self.compat {
            let mode = match c {
                CompatSetting::Word(w) if w == "auto" => CompatMode::Auto,
                CompatSetting::Word(w) if w == "off" => CompatMode::Off,
                CompatSetting::Version(v @ 7..=9) => CompatMode::Version(*v),
                other => {
                    return Err(bad(
                        "compat",
                        &format!("{other:?}: expected \"auto\", \"off\", 7, 8 or 9"),
                    ))
                }
            };
            b = b.compat(mode);
        }
        if let Some(on) = self.product_check {
            b = b.product_check(on);
        }
        // Surface host / cloud_id / TLS file errors now, attributed to the alias and key.
        b.resolve_nodes()
            .map_err(|e| ConnectionError::from_build(alias, e))?;
        Ok(b)
    }
}
