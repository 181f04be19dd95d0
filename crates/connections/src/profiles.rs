//! TOML profiles files: many aliases, each a [`ConnectionConfig`].
//!
//! ```toml
//! [default]
//! hosts = ["https://localhost:9200"]
//! request_timeout = 20
//!
//! [production]
//! hosts = ["https://prod-es-1.example.com:9200", "https://prod-es-2.example.com:9200"]
//! username = "prod_user"
//! password_env = "ES_PROD_PASSWORD"   # secrets come from the environment
//! ca_certs = "/etc/es/ca.pem"
//! sniff_on_start = true
//! max_retries = 5
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{ConnectionConfig, ConnectionError};

/// Parses profiles from TOML text. Errors name the alias and key (`production.max_retries`).
///
/// ```
/// let profiles = es_connections::parse_profiles("[qa]\nhosts = \"http://esqa1:9200\"\n", "inline").unwrap();
/// assert!(profiles.contains_key("qa"));
/// let err = es_connections::parse_profiles("[qa]\nhostz = \"x\"\n", "inline").unwrap_err();
/// assert!(err.to_string().contains("qa.hostz"), "{err}");
/// ```
pub fn parse_profiles(
    text: &str,
    origin: &str,
) -> Result<BTreeMap<String, ConnectionConfig>, ConnectionError> {
    let de = toml::Deserializer::new(text);
    let parsed: BTreeMap<String, ConnectionConfig> =
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let message = inner.message().to_string();
            ConnectionError::File {
                path: origin.to_string(),
                message: if path.is_empty() || path == "." {
                    message
                } else {
                    format!("`{path}`: {message}")
                },
            }
        })?;
    Ok(parsed)
}

/// Reads a profiles file.
pub fn load_profiles(path: &Path) -> Result<BTreeMap<String, ConnectionConfig>, ConnectionError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConnectionError::File {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_profiles(&text, &path.display().to_string())
}

/// `$ES_PROFILES`, else `$XDG_CONFIG_HOME/es-rs/profiles.toml`, else
/// `~/.config/es-rs/profiles.toml`.
pub fn default_profiles_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ES_PROFILES") {
        return Some(PathBuf::from(p));
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    Some(base.join("es-rs").join("profiles.toml"))
}
