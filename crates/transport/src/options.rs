//! [`TransportOptions`]: every connection option as plain data — what the builder edits, what
//! a registry compares on re-configure, and what a TOML profile deserializes into.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::auth::Secret;
use crate::product::CompatMode;
use crate::retry::{RetryBackoff, RetryPolicy};
use crate::tls::Pem;

/// Every connection option of the official clients, under their Python names
/// (`sniff_on_connection_fail` and `sniffer_delay` are accepted as aliases), with their
/// defaults. Durations are [`Duration`]s; in a profile they are seconds (`20`, `0.5`) or
/// humane strings (`"30s"`, `"1m 30s"`, `"250ms"`; `"none"` for "no timeout"). Secrets can
/// be given inline or, better, through `*_env` keys naming environment variables read when
/// the client is built.
///
/// Build a client from it with [`TransportBuilder::from_options`](crate::TransportBuilder::from_options)
/// (every field also has a builder method).
///
/// ```
/// use std::time::Duration;
/// use es_transport::TransportOptions;
/// let from_toml: TransportOptions = toml::from_str(r#"
///     hosts = ["https://esdev1.example.com:9200"]
///     request_timeout = "30s"
///     sniff_on_start = true
///     sniffer_delay = 60
///     api_key_env = "DEV_API_KEY"
/// "#).unwrap();
/// assert_eq!(from_toml.request_timeout, Some(Duration::from_secs(30)));
/// assert_eq!(from_toml.sniff_interval, Some(Duration::from_secs(60)));
/// assert_eq!(from_toml.max_retries, 3); // the default
/// assert_eq!(from_toml, TransportOptions::new(["https://esdev1.example.com:9200"])
///     .request_timeout(Duration::from_secs(30)).sniff_on_start(true)
///     .sniff_interval(Duration::from_secs(60)).api_key_env("DEV_API_KEY").into_options());
/// ```
#[derive(Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
#[non_exhaustive]
pub struct TransportOptions {
    /// Hosts: `"http://a:9200"` or a list. Empty means `http://localhost:9200` (unless
    /// `cloud_id` is set).
    #[serde(deserialize_with = "one_or_many")]
    pub hosts: Vec<String>,
    /// Elastic Cloud id (instead of hosts).
    pub cloud_id: Option<String>,
    /// Hosts written without a scheme use https (`use_ssl`).
    pub use_ssl: bool,
    /// Basic auth user (the seeds' `http_auth=(user, password)` is `username` + `password`).
    pub username: Option<String>,
    /// Basic auth password (prefer `password_env`).
    pub password: Option<Secret>,
    /// Environment variable holding the password.
    pub password_env: Option<String>,
    /// API key: the encoded form, or `[id, key]` (`api_key=(id, key)`).
    pub api_key: Option<ApiKey>,
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
    /// Request timeout (default 10 s); `None` waits forever. `timeout`, the older name, is
    /// accepted in profiles.
    #[serde(alias = "timeout", deserialize_with = "optional_duration")]
    pub request_timeout: Option<Duration>,
    /// Connect timeout, TLS handshake included (default 10 s).
    #[serde(deserialize_with = "duration")]
    pub connect_timeout: Duration,
    /// Retries after the first attempt (default 3).
    pub max_retries: u32,
    /// Statuses retried on another node (default 429, 502, 503, 504).
    pub retry_on_status: Vec<u16>,
    /// Retry requests that timed out (default `false`).
    pub retry_on_timeout: bool,
    /// First back-off between retries (default 100 ms), doubled each retry, jittered.
    #[serde(deserialize_with = "duration")]
    pub retry_backoff: Duration,
    /// Longest back-off (default 10 s); also caps a server's `Retry-After`.
    #[serde(deserialize_with = "duration")]
    pub retry_backoff_max: Duration,
    /// Wait as long as a `Retry-After` header says (default `true`).
    pub honor_retry_after: bool,
    /// Sniff the cluster's nodes before the first request.
    pub sniff_on_start: bool,
    /// Sniff (in the background) when a node fails.
    #[serde(alias = "sniff_on_connection_fail")]
    pub sniff_on_node_failure: bool,
    /// Sniff periodically, before a request, when the last sniff is older than this.
    #[serde(alias = "sniffer_delay", deserialize_with = "optional_duration")]
    pub sniff_interval: Option<Duration>,
    /// Timeout of a sniff request (default 1 s).
    #[serde(deserialize_with = "duration")]
    pub sniff_timeout: Duration,
    /// Minimum time between two sniffs triggered by failures (default 10 s).
    #[serde(deserialize_with = "duration")]
    pub min_delay_between_sniffing: Duration,
    /// Shuffle the hosts once at start.
    pub randomize_hosts: bool,
    /// Maximum open connections to each node (default 10; at least 1).
    pub connections_per_node: usize,
    /// Gzip request bodies and accept gzip responses.
    pub http_compress: bool,
    /// Largest response body read, after decompression (default 256 MiB); a larger answer is
    /// an [`ErrorKind::ResponseTooLarge`](crate::ErrorKind::ResponseTooLarge) error, read no
    /// further, so memory stays bounded whatever the server sends.
    pub max_response_bytes: usize,
    /// A node's first dead-node back-off (default 1 s), doubled per failure.
    #[serde(deserialize_with = "duration")]
    pub dead_backoff_factor: Duration,
    /// Longest dead-node back-off (default 30 s).
    #[serde(deserialize_with = "duration")]
    pub max_dead_backoff: Duration,
    /// Trusted CA certificates (a PEM file in profiles). Replaces the default roots.
    pub ca_certs: Option<Pem>,
    /// Client certificate chain (PEM) for mutual TLS.
    pub client_cert: Option<Pem>,
    /// Client private key (PEM); never printed.
    pub client_key: Option<Pem>,
    /// Verify the server's certificate chain (default `true`).
    pub verify_certs: bool,
    /// Check that the certificate names the host (default `true`).
    pub ssl_assert_hostname: bool,
    /// SHA-256 fingerprint (hex, colons optional) a certificate of the chain must have.
    pub ssl_assert_fingerprint: Option<String>,
    /// Minimum TLS version (`"TLSv1.2"`, the default, or `"TLSv1.3"`).
    pub ssl_version: Option<TlsVersion>,
    /// Log a warning when certificate verification is turned off (default `true`).
    pub ssl_show_warn: bool,
    /// Default headers; values of secret-bearing headers are never printed.
    pub headers: BTreeMap<String, String>,
    /// `X-Opaque-Id` for every request.
    pub opaque_id: Option<String>,
    /// `User-Agent` instead of the default.
    pub user_agent: Option<String>,
    /// Media-type negotiation: `"auto"` (default), `"off"`, or a major version (`8`).
    #[serde(deserialize_with = "compat")]
    pub compat: CompatMode,
    /// Reject servers that are neither Elasticsearch nor OpenSearch (default `true`).
    pub product_check: bool,
}

impl Default for TransportOptions {
    fn default() -> Self {
        let retry = RetryPolicy::default();
        let dead = crate::DeadBackoff::default();
        TransportOptions {
            hosts: Vec::new(),
            cloud_id: None,
            use_ssl: false,
            username: None,
            password: None,
            password_env: None,
            api_key: None,
            api_key_env: None,
            api_key_id: None,
            api_key_secret: None,
            api_key_secret_env: None,
            bearer_auth: None,
            bearer_auth_env: None,
            request_timeout: Some(Duration::from_secs(10)),
            connect_timeout: Duration::from_secs(10),
            max_retries: retry.max_retries,
            retry_on_status: retry.on_status,
            retry_on_timeout: retry.on_timeout,
            retry_backoff: retry.backoff.initial,
            retry_backoff_max: retry.backoff.max,
            honor_retry_after: retry.honor_retry_after,
            sniff_on_start: false,
            sniff_on_node_failure: false,
            sniff_interval: None,
            sniff_timeout: Duration::from_secs(1),
            min_delay_between_sniffing: Duration::from_secs(10),
            randomize_hosts: false,
            connections_per_node: 10,
            http_compress: false,
            max_response_bytes: 256 * 1024 * 1024,
            dead_backoff_factor: dead.factor,
            max_dead_backoff: dead.max,
            ca_certs: None,
            client_cert: None,
            client_key: None,
            verify_certs: true,
            ssl_assert_hostname: true,
            ssl_assert_fingerprint: None,
            ssl_version: None,
            ssl_show_warn: true,
            headers: BTreeMap::new(),
            opaque_id: None,
            user_agent: None,
            compat: CompatMode::Auto,
            product_check: true,
        }
    }
}

impl TransportOptions {
    /// Default options for these hosts, as a builder (finish with
    /// [`into_options`](crate::TransportBuilder::into_options) or `build`).
    // A builder, not `Self`: every option is then one method away
    // (`ConnectionConfig::new(hosts).sniff_on_start(true)`), and the registry takes either.
    #[allow(clippy::new_ret_no_self)]
    pub fn new<I, S>(hosts: I) -> crate::TransportBuilder
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        crate::TransportBuilder::new().hosts(hosts)
    }

    /// The retry policy these options describe.
    pub fn retry_policy(&self) -> RetryPolicy {
        RetryPolicy {
            max_retries: self.max_retries,
            on_status: self.retry_on_status.clone(),
            on_timeout: self.retry_on_timeout,
            backoff: RetryBackoff {
                initial: self.retry_backoff,
                max: self.retry_backoff_max.max(self.retry_backoff),
            },
            honor_retry_after: self.honor_retry_after,
        }
    }

    /// Sets the retry fields from a policy.
    pub fn set_retry_policy(&mut self, p: RetryPolicy) {
        self.max_retries = p.max_retries;
        self.retry_on_status = p.on_status;
        self.retry_on_timeout = p.on_timeout;
        self.retry_backoff = p.backoff.initial;
        self.retry_backoff_max = p.backoff.max;
        self.honor_retry_after = p.honor_retry_after;
    }

    /// The configuration `ELASTICSEARCH_URL` (comma-separated hosts) and `ELASTIC_API_KEY`
    /// describe, as in the official clients' examples; `None` without `ELASTICSEARCH_URL`.
    pub fn from_env_with(env: &dyn Fn(&str) -> Option<String>) -> Option<TransportOptions> {
        let url = env("ELASTICSEARCH_URL").filter(|u| !u.trim().is_empty())?;
        Some(TransportOptions {
            hosts: url
                .split(',')
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .collect(),
            api_key_env: env("ELASTIC_API_KEY").map(|_| "ELASTIC_API_KEY".to_string()),
            ..Default::default()
        })
    }

    /// [`from_env_with`](Self::from_env_with) on the process environment.
    pub fn from_env() -> Option<TransportOptions> {
        Self::from_env_with(&|k| std::env::var(k).ok())
    }
}

impl fmt::Debug for TransportOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hosts: Vec<String> = self.hosts.iter().map(|h| crate::redact_url(h)).collect();
        let headers: BTreeMap<&str, &str> = self
            .headers
            .iter()
            .map(|(k, v)| {
                let shown = if crate::is_sensitive_header(k) {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (k.as_str(), shown)
            })
            .collect();
        f.debug_struct("TransportOptions")
            .field("hosts", &hosts)
            .field("cloud_id", &self.cloud_id)
            .field("use_ssl", &self.use_ssl)
            .field("username", &self.username)
            .field("password", &self.password)
            .field("password_env", &self.password_env)
            .field("api_key", &self.api_key)
            .field("api_key_env", &self.api_key_env)
            .field("api_key_id", &self.api_key_id)
            .field("api_key_secret", &self.api_key_secret)
            .field("api_key_secret_env", &self.api_key_secret_env)
            .field("bearer_auth", &self.bearer_auth)
            .field("bearer_auth_env", &self.bearer_auth_env)
            .field("request_timeout", &self.request_timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("retry", &self.retry_policy())
            .field("sniff_on_start", &self.sniff_on_start)
            .field("sniff_on_node_failure", &self.sniff_on_node_failure)
            .field("sniff_interval", &self.sniff_interval)
            .field("sniff_timeout", &self.sniff_timeout)
            .field(
                "min_delay_between_sniffing",
                &self.min_delay_between_sniffing,
            )
            .field("randomize_hosts", &self.randomize_hosts)
            .field("connections_per_node", &self.connections_per_node)
            .field("http_compress", &self.http_compress)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("dead_backoff_factor", &self.dead_backoff_factor)
            .field("max_dead_backoff", &self.max_dead_backoff)
            .field("ca_certs", &self.ca_certs)
            .field("client_cert", &self.client_cert)
            .field(
                "client_key",
                &self.client_key.as_ref().map(|_| "<redacted>"),
            )
            .field("verify_certs", &self.verify_certs)
            .field("ssl_assert_hostname", &self.ssl_assert_hostname)
            .field("ssl_assert_fingerprint", &self.ssl_assert_fingerprint)
            .field("ssl_version", &self.ssl_version)
            .field("ssl_show_warn", &self.ssl_show_warn)
            .field("headers", &headers)
            .field("opaque_id", &self.opaque_id)
            .field("user_agent", &self.user_agent)
            .field("compat", &self.compat)
            .field("product_check", &self.product_check)
            .finish()
    }
}

/// An API key: the encoded form, or an id and a key (`["id", "key"]` in profiles).
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum ApiKey {
    /// `base64(id:key)`, as Kibana shows it.
    Encoded(Secret),
    /// The id and the key.
    IdKey(String, Secret),
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiKey::Encoded(_) => f.write_str("Encoded(<redacted>)"),
            ApiKey::IdKey(id, _) => write!(f, "IdKey({id:?}, <redacted>)"),
        }
    }
}

impl From<&str> for ApiKey {
    fn from(encoded: &str) -> Self {
        ApiKey::Encoded(Secret::new(encoded))
    }
}

impl From<String> for ApiKey {
    fn from(encoded: String) -> Self {
        ApiKey::Encoded(Secret::new(encoded))
    }
}

impl From<Secret> for ApiKey {
    fn from(encoded: Secret) -> Self {
        ApiKey::Encoded(encoded)
    }
}

impl<I: Into<String>, K: Into<Secret>> From<(I, K)> for ApiKey {
    fn from((id, key): (I, K)) -> Self {
        ApiKey::IdKey(id.into(), key.into())
    }
}

/// The minimum TLS version (`ssl_version`). rustls speaks only TLS 1.2 and 1.3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsVersion {
    /// TLS 1.2 or newer (the default).
    Tls12,
    /// TLS 1.3 only.
    Tls13,
}

impl<'de> Deserialize<'de> for TlsVersion {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        match s
            .to_ascii_lowercase()
            .trim_start_matches("tlsv")
            .trim_start_matches("tls")
        {
            "1.2" | "12" => Ok(TlsVersion::Tls12),
            "1.3" | "13" => Ok(TlsVersion::Tls13),
            _ => Err(de::Error::custom(format!(
                "{s:?}: expected \"TLSv1.2\" or \"TLSv1.3\" (older versions are not supported)"
            ))),
        }
    }
}

impl<'de> Deserialize<'de> for Pem {
    /// A path to a PEM file.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        PathBuf::deserialize(d).map(Pem::File)
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    match OneOrMany::deserialize(d)
        .map_err(|_| de::Error::custom("expected a host string or a list of host strings"))?
    {
        OneOrMany::One(h) => Ok(vec![h]),
        OneOrMany::Many(v) => Ok(v),
    }
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DurationValue {
    Seconds(f64),
    Text(String),
}

fn parse_duration<E: de::Error>(v: DurationValue) -> Result<Option<Duration>, E> {
    match v {
        DurationValue::Seconds(s) => Duration::try_from_secs_f64(s)
            .map(Some)
            .map_err(|_| E::custom(format!("{s} is not a number of seconds between 0 and 2^64"))),
        DurationValue::Text(t) if t.eq_ignore_ascii_case("none") => Ok(None),
        DurationValue::Text(t) => humantime::parse_duration(&t).map(Some).map_err(|e| {
            E::custom(format!(
                "{t:?} is not a duration ({e}); write seconds or e.g. \"30s\", \"1m 30s\""
            ))
        }),
    }
}

fn duration<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    parse_duration(DurationValue::deserialize(d)?)?
        .ok_or_else(|| de::Error::custom("a duration is required here (\"none\" is not allowed)"))
}

fn optional_duration<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
    parse_duration(DurationValue::deserialize(d)?)
}

fn compat<'de, D: Deserializer<'de>>(d: D) -> Result<CompatMode, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Setting {
        Version(i64),
        Word(String),
    }
    match Setting::deserialize(d)
        .map_err(|_| de::Error::custom("expected \"auto\", \"off\" or a major version"))?
    {
        Setting::Word(w) if w == "auto" => Ok(CompatMode::Auto),
        Setting::Word(w) if w == "off" => Ok(CompatMode::Off),
        Setting::Version(v @ 7..=9) => Ok(CompatMode::Version(v as u8)),
        Setting::Word(w) => Err(de::Error::custom(format!(
            "{w:?}: expected \"auto\", \"off\", 7, 8 or 9"
        ))),
        Setting::Version(v) => Err(de::Error::custom(format!(
            "{v}: expected \"auto\", \"off\", 7, 8 or 9"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<TransportOptions, String> {
        toml::from_str(text).map_err(|e| e.to_string())
    }

    #[test]
    fn durations_are_seconds_or_humane_strings() {
        let o = parse("request_timeout = 2.5\nconnect_timeout = \"1m 30s\"\nsniff_timeout = \"250ms\"\nsniff_interval = \"none\"").unwrap();
        assert_eq!(o.request_timeout, Some(Duration::from_millis(2500)));
        assert_eq!(o.connect_timeout, Duration::from_secs(90));
        assert_eq!(o.sniff_timeout, Duration::from_millis(250));
        assert_eq!(o.sniff_interval, None);
        assert_eq!(
            parse("request_timeout = \"none\"").unwrap().request_timeout,
            None
        );
        for bad in [
            "request_timeout = -2",
            "connect_timeout = 1e30",
            "connect_timeout = \"soon\"",
            "connect_timeout = \"none\"",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_mistyped_secret_is_not_echoed() {
        for text in [
            "password = 73951284",
            "api_key = 73951284.5",
            "bearer_auth = 73951284",
        ] {
            // The message only: toml's `Display` quotes the source line (profiles report the
            // message with the alias and key instead).
            let err = toml::from_str::<TransportOptions>(text)
                .unwrap_err()
                .message()
                .to_string();
            assert!(!err.contains("73951284"), "{err}");
        }
    }

    #[test]
    fn api_keys_compat_and_tls_versions() {
        let o =
            parse("api_key = [\"id\", \"k3y\"]\ncompat = 8\nssl_version = \"TLSv1.3\"").unwrap();
        assert_eq!(
            o.api_key,
            Some(ApiKey::IdKey("id".into(), Secret::new("k3y")))
        );
        assert_eq!(o.compat, CompatMode::Version(8));
        assert_eq!(o.ssl_version, Some(TlsVersion::Tls13));
        assert!(!format!("{o:?}").contains("k3y"));
        assert_eq!(parse("compat = \"off\"").unwrap().compat, CompatMode::Off);
        for bad in [
            "compat = \"sometimes\"",
            "compat = 3",
            "ssl_version = \"TLSv1\"",
            "hostz = 1",
            "hosts = 5",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
