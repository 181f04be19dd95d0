//! Credentials: basic, API key and bearer token. Secrets never appear in `Debug` or `Display`.

use std::fmt;

use base64::Engine;
use http::HeaderValue;

/// A string that must never be printed: `Debug` and `Display` show `<redacted>`.
///
/// ```
/// use es_transport::Secret;
/// let s = Secret::new("hunter2");
/// assert_eq!(format!("{s:?} {s}"), "<redacted> <redacted>");
/// assert_eq!(s.expose(), "hunter2");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself; call only where it is sent, never where it is printed.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    /// A string. Anything else is refused without echoing the value (serde's own message
    /// would print a numeric password in full).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
                Ok(Secret::new(v))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Secret, E> {
                Ok(Secret(v))
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Secret, E> {
                Err(E::custom(NOT_A_STRING))
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Secret, E> {
                Err(E::custom(NOT_A_STRING))
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Secret, E> {
                Err(E::custom(NOT_A_STRING))
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Secret, E> {
                Err(E::custom(NOT_A_STRING))
            }
        }
        const NOT_A_STRING: &str =
            "a secret must be a quoted string (the value given is not shown)";
        d.deserialize_any(V)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Secret::new(s)
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Secret(s)
    }
}

/// How the client authenticates. Replaceable on a live client with `Transport::set_auth`.
///
/// ```
/// use es_transport::Auth;
/// let auth = Auth::basic("elastic", "changeme");
/// assert_eq!(auth.header_value().unwrap(), "Basic ZWxhc3RpYzpjaGFuZ2VtZQ==");
/// assert!(!format!("{auth:?}").contains("changeme"));
/// let key = Auth::api_key_id("id", "key");
/// assert_eq!(key.header_value().unwrap(), "ApiKey aWQ6a2V5");
/// ```
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Auth {
    /// HTTP basic authentication.
    Basic {
        /// User name (not secret).
        username: String,
        /// Password.
        password: Secret,
    },
    /// An API key already encoded as `base64(id:key)`, as Kibana shows it.
    ApiKey(Secret),
    /// A bearer token (service account token, OAuth...).
    Bearer(Secret),
}

impl Auth {
    /// Basic auth.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Auth::Basic {
            username: username.into(),
            password: password.into(),
        }
    }
    /// An encoded API key (`base64(id:key)`).
    pub fn api_key(encoded: impl Into<Secret>) -> Self {
        Auth::ApiKey(encoded.into())
    }
    /// An API key given as its id and secret key.
    pub fn api_key_id(id: &str, key: &str) -> Self {
        let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{key}"));
        Auth::ApiKey(Secret(encoded))
    }
    /// A bearer token.
    pub fn bearer(token: impl Into<Secret>) -> Self {
        Auth::Bearer(token.into())
    }

    /// The `Authorization` header value (marked sensitive so `http` never prints it).
    pub fn header_value(&self) -> Result<HeaderValue, crate::Error> {
        let raw = match self {
            Auth::Basic { username, password } => {
                let token = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", password.expose()));
                format!("Basic {token}")
            }
            Auth::ApiKey(k) => format!("ApiKey {}", k.expose()),
            Auth::Bearer(t) => format!("Bearer {}", t.expose()),
        };
        let mut value = HeaderValue::from_str(&raw).map_err(|_| {
            crate::Error::config(
                "auth",
                "credentials contain characters not allowed in a header",
            )
        })?;
        value.set_sensitive(true);
        Ok(value)
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"<redacted>")
                .finish(),
            Auth::ApiKey(_) => f.write_str("ApiKey(<redacted>)"),
            Auth::Bearer(_) => f.write_str("Bearer(<redacted>)"),
        }
    }
}
