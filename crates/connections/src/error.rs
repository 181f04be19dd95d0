//! Errors of the registry.

use std::fmt;

/// The aliases a registry knows, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownAliases(pub Vec<String>);

impl fmt::Display for KnownAliases {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("none (configure one first)");
        }
        for (i, a) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{a}`")?;
        }
        Ok(())
    }
}

/// What can go wrong with named connections.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// No connection is registered or configured under this alias.
    #[error("no connection named `{alias}`; known aliases: {known}")]
    UnknownAlias {
        /// The alias asked for.
        alias: String,
        /// The aliases that exist.
        known: KnownAliases,
    },
    /// A configuration value is wrong; `key` names the option.
    #[error("connection `{alias}`: invalid `{key}`: {message}")]
    InvalidConfig {
        /// The alias whose configuration is wrong.
        alias: String,
        /// The option (`max_retries`, `password_env`...).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// Building the client from a valid-looking configuration failed.
    #[error("connection `{alias}`: {source}")]
    Build {
        /// The alias.
        alias: String,
        /// The transport's error.
        #[source]
        source: es_client::Error,
    },
    /// A profiles file could not be read or parsed.
    #[error("profiles file {path}: {message}")]
    File {
        /// The file.
        path: String,
        /// What went wrong (with the alias and key for bad values).
        message: String,
    },
}

impl ConnectionError {
    pub(crate) fn invalid(alias: &str, key: &str, message: impl Into<String>) -> Self {
        ConnectionError::InvalidConfig {
            alias: alias.into(),
            key: key.into(),
            message: message.into(),
        }
    }
}

impl From<ConnectionError> for es_client::Error {
    fn from(e: ConnectionError) -> Self {
        match e {
            ConnectionError::Build { source, .. } => source,
            other => es_client::Error::config("connections", other.to_string()),
        }
    }
}
