//! Keeping secrets out of text: host strings with their password masked, headers judged
//! sensitive by name, and [`Redactor`], which scrubs every configured secret *by value* from
//! whatever text the transport produces (error messages, echoed server bodies, logs).

use std::borrow::Cow;

use base64::Engine;
use bytes::Bytes;
use http::HeaderMap;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};

use es_types_core::common::ErrorCause;

use crate::auth::Auth;
use crate::error::{ApiError, ErrorDetail, StatusError};
use crate::Error;

/// What a scrubbed secret becomes.
const MASK: &str = "<redacted>";

/// Every configured secret, longest first (so a secret containing another is masked whole).
///
/// Secrets of any length are masked: a one-letter password mangles messages, but is never
/// shown. The forms covered: passwords (plain and percent-encoded), `user:password` and its
/// base64 (the `Authorization: Basic` value), API keys (encoded, and the key of `id:key`),
/// bearer tokens, and the value of every header whose name looks sensitive.
#[derive(Debug, Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

impl Redactor {
    pub fn new(auth: Option<&Auth>, headers: &HeaderMap) -> Redactor {
        let mut r = Redactor::default();
        if let Some(a) = auth {
            r.add_auth(a);
        }
        for (name, value) in headers {
            if crate::is_sensitive_header(name.as_str()) {
                if let Ok(v) = value.to_str() {
                    r.add(v);
                    // `Bearer xyz`, `ApiKey xyz`: the credential alone too.
                    if let Some((_, cred)) = v.split_once(' ') {
                        r.add(cred);
                    }
                }
            }
        }
        r
    }

    /// Adds the secrets of `auth` (kept with the earlier ones: a message may still quote
    /// credentials replaced by `set_auth`).
    pub fn add_auth(&mut self, auth: &Auth) {
        let b64 = base64::engine::general_purpose::STANDARD;
        match auth {
            Auth::Basic { username, password } => {
                let pw = password.expose();
                self.add(pw);
                self.add(&utf8_percent_encode(pw, NON_ALPHANUMERIC).to_string());
                let pair = format!("{username}:{pw}");
                self.add(&b64.encode(&pair));
                self.add(&pair);
            }
            Auth::ApiKey(k) => {
                self.add(k.expose());
                if let Ok(decoded) = b64.decode(k.expose()) {
                    if let Ok(text) = String::from_utf8(decoded) {
                        if let Some((_, key)) = text.split_once(':') {
                            self.add(key);
                        }
                        self.add(&text);
                    }
                }
            }
            Auth::Bearer(t) => self.add(t.expose()),
        }
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    }

    fn add(&mut self, secret: &str) {
        let secret = secret.trim();
        if !secret.is_empty() && !self.secrets.iter().any(|s| s == secret) {
            self.secrets.push(secret.to_string());
            self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        }
    }

    /// `text` with every secret masked (borrowed when there is none).
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for s in &self.secrets {
            if out.contains(s.as_str()) {
                out = Cow::Owned(out.replace(s.as_str(), MASK));
            }
        }
        out
    }

    fn scrub_string(&self, text: String) -> String {
        match self.scrub(&text) {
            Cow::Borrowed(_) => text,
            Cow::Owned(o) => o,
        }
    }

    /// Every string of a server's error object: its own, its causes', and their details.
    fn scrub_cause(&self, c: ErrorCause) -> ErrorCause {
        let all = |v: Option<Vec<ErrorCause>>| {
            v.map(|v| v.into_iter().map(|c| self.scrub_cause(c)).collect())
        };
        ErrorCause {
            r#type: self.scrub_string(c.r#type),
            reason: c.reason.map(|r| self.scrub_string(r)),
            stack_trace: c.stack_trace.map(|t| self.scrub_string(t)),
            caused_by: c.caused_by.map(|b| Box::new(self.scrub_cause(*b))),
            root_cause: all(c.root_cause),
            suppressed: all(c.suppressed),
            extra: c
                .extra
                .into_iter()
                .map(|(k, v)| (self.scrub_string(k), self.scrub_value(v)))
                .collect(),
        }
    }

    fn scrub_value(&self, v: serde_json::Value) -> serde_json::Value {
        use serde_json::Value;
        match v {
            Value::String(t) => Value::String(self.scrub_string(t)),
            Value::Array(a) => Value::Array(a.into_iter().map(|v| self.scrub_value(v)).collect()),
            Value::Object(m) => Value::Object(
                m.into_iter()
                    .map(|(k, v)| (self.scrub_string(k), self.scrub_value(v)))
                    .collect(),
            ),
            other => other,
        }
    }

    fn scrub_bytes(&self, body: Bytes) -> Bytes {
        let hit = self
            .secrets
            .iter()
            .any(|s| body.windows(s.len()).any(|w| w == s.as_bytes()));
        if !hit {
            return body;
        }
        let mut text = String::from_utf8_lossy(&body).into_owned();
        for s in &self.secrets {
            text = text.replace(s.as_str(), MASK);
        }
        Bytes::from(text)
    }

    /// The error with every secret masked in its messages, node names and echoed body.
    pub fn scrub_error(&self, err: Error) -> Error {
        if self.secrets.is_empty() {
            return err;
        }
        let s = |t: String| self.scrub_string(t);
        match err.into_detail() {
            ErrorDetail::Config { field, message } => ErrorDetail::Config {
                field,
                message: s(message),
            },
            ErrorDetail::Connection {
                node,
                message,
                source,
            } => ErrorDetail::Connection {
                node: s(node),
                message: s(message),
                source,
            },
            ErrorDetail::Tls { node, message } => ErrorDetail::Tls {
                node: s(node),
                message: s(message),
            },
            ErrorDetail::Timeout { node, after } => ErrorDetail::Timeout {
                node: s(node),
                after,
            },
            ErrorDetail::Status(st) => ErrorDetail::Status(StatusError {
                status: st.status,
                node: s(st.node),
                error: st.error.map(|e| ApiError {
                    cause: self.scrub_cause(e.cause),
                }),
                body: self.scrub_bytes(st.body),
                retry_after: st.retry_after,
            }),
            ErrorDetail::Serialization { message, source } => ErrorDetail::Serialization {
                message: s(message),
                source,
            },
            ErrorDetail::UnsupportedProduct { node, message } => ErrorDetail::UnsupportedProduct {
                node: s(node),
                message: s(message),
            },
            ErrorDetail::ResponseTooLarge { node, limit } => ErrorDetail::ResponseTooLarge {
                node: s(node),
                limit,
            },
            other => other,
        }
        .into()
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
    match split_userinfo(rest) {
        (Some(userinfo), after) => {
            let user = userinfo.split_once(':').map_or(userinfo, |(u, _)| u);
            format!("{scheme}{user}:<redacted>@{after}")
        }
        (None, _) => host.to_string(),
    }
}

/// Splits `user:pass@host:port/path` (the part after `scheme://`) into the userinfo and the
/// rest. A password with an unencoded `/` (`u:pa/ss@h`, `u:12/34@h`) still counts as
/// userinfo: when the text before the first `/` has a `:` and an `@` follows later, everything
/// up to that `@` is userinfo — so such a password is neither printed nor taken for a path.
/// (An `@` inside a URL prefix must therefore be written `%40`.)
pub(crate) fn split_userinfo(rest: &str) -> (Option<&str>, &str) {
    let first_slash = rest.find('/').unwrap_or(rest.len());
    if let Some(at) = rest[..first_slash].rfind('@') {
        return (Some(&rest[..at]), &rest[at + 1..]);
    }
    let head = &rest[..first_slash];
    if head.contains(':') && !head.starts_with('[') {
        if let Some(at) = rest[first_slash..].find('@') {
            let at = first_slash + at;
            return (Some(&rest[..at]), &rest[at + 1..]);
        }
    }
    (None, rest)
}

/// Whether a header may carry a secret (its value is never printed). Generous on purpose:
/// any name mentioning auth, keys, tokens, secrets, passwords, credentials, sessions or
/// cookies, whatever the separators.
///
/// ```
/// assert!(es_transport::is_sensitive_header("Authorization"));
/// assert!(es_transport::is_sensitive_header("x-api-key"));
/// assert!(es_transport::is_sensitive_header("X-ApiKey"));
/// assert!(es_transport::is_sensitive_header("X-Auth-Key"));
/// assert!(es_transport::is_sensitive_header("x_client_secret"));
/// assert!(!es_transport::is_sensitive_header("x-opaque-id"));
/// assert!(!es_transport::is_sensitive_header("content-type"));
/// ```
pub fn is_sensitive_header(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "auth",
        "key",
        "token",
        "secret",
        "passw",
        "credential",
        "session",
        "cookie",
    ]
    .iter()
    .any(|w| n.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TransportBuilder;
    use http::HeaderValue;

    #[test]
    fn every_form_of_every_secret_is_masked() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-weird-token",
            HeaderValue::from_static("Custom hdr-val-9"),
        );
        headers.insert("x-opaque-id", HeaderValue::from_static("not-secret"));
        let mut r = Redactor::new(Some(&Auth::basic("elastic", "pa ss/1")), &headers);
        r.add_auth(&Auth::api_key(
            base64::engine::general_purpose::STANDARD.encode("kid:key-part-7"),
        ));
        let basic = base64::engine::general_purpose::STANDARD.encode("elastic:pa ss/1");
        let text = format!(
            "pw=pa ss/1 url=pa%20ss%2F1 basic={basic} key=key-part-7 hdr=hdr-val-9 id=not-secret"
        );
        let out = r.scrub(&text);
        for leaked in [
            "pa ss/1",
            "pa%20ss%2F1",
            basic.as_str(),
            "key-part-7",
            "hdr-val-9",
        ] {
            assert!(!out.contains(leaked), "{leaked} in {out}");
        }
        assert!(out.contains("id=not-secret"), "{out}");
        assert!(matches!(r.scrub("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn secrets_are_masked_throughout_a_server_error_object() {
        let r = Redactor::new(
            Some(&Auth::basic("elastic", "s3cr3t-pw")),
            &HeaderMap::new(),
        );
        let body = br#"{"error": {"type": "x_exception", "reason": "bad s3cr3t-pw",
            "stack_trace": "at s3cr3t-pw", "header": {"auth": ["s3cr3t-pw"]},
            "caused_by": {"type": "y", "reason": "deep s3cr3t-pw"},
            "root_cause": [{"type": "x_exception", "reason": "root s3cr3t-pw"}]}, "status": 400}"#;
        let err: Error = StatusError::new(
            http::StatusCode::BAD_REQUEST,
            "n".into(),
            Bytes::from_static(body),
        )
        .into();
        let err = r.scrub_error(err);
        let api = err.api_error().expect("an error object");
        let all = format!("{:?} {api}", api.cause);
        assert!(!all.contains("s3cr3t-pw"), "{all}");
        assert_eq!(api.reason(), Some("bad <redacted>"));
        assert_eq!(
            api.cause
                .caused_by
                .as_ref()
                .and_then(|c| c.reason.as_deref()),
            Some("deep <redacted>")
        );
        assert_eq!(api.cause.extra["header"]["auth"][0], "<redacted>");
    }

    #[test]
    fn url_passwords_are_not_printed() {
        assert_eq!(
            redact_userinfo("https://u:p@h:1/x"),
            "https://u:<redacted>@h:1/x"
        );
        assert_eq!(redact_userinfo("u:p@h"), "u:<redacted>@h");
        // Safety first: `x:y/..@` is read as credentials (an `@` in a prefix is written %40).
        assert_eq!(
            redact_userinfo("http://h:9200/a@b"),
            "http://h:<redacted>@b"
        );
        assert_eq!(
            redact_userinfo("http://h:9200/a%40b"),
            "http://h:9200/a%40b"
        );
        assert_eq!(
            redact_userinfo("https://u:12/34@h:9200"),
            "https://u:<redacted>@h:9200"
        );
        // A `/` in the password does not make it a path.
        assert_eq!(
            redact_userinfo("https://elastic:pa/ss@h:9200/p"),
            "https://elastic:<redacted>@h:9200/p"
        );
        assert_eq!(redact_userinfo("u:a/b/c@h"), "u:<redacted>@h");
        let dbg = format!(
            "{:?}",
            TransportBuilder::new().host("https://elastic:hunter2@h")
        );
        assert!(!dbg.contains("hunter2") && dbg.contains("elastic"), "{dbg}");
    }
}
