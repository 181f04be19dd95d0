//! Errors of the registry.

use std::fmt;

use es_client::transport::ErrorDetail;

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
    /// A transport error met while building `alias`'s client: a bad option becomes
    /// [`ConnectionError::InvalidConfig`] naming the alias and key.
    pub fn building(alias: &str, e: es_client::Error) -> Self {
        match e.into_detail() {
            ErrorDetail::Config { field, message } => {
                ConnectionError::invalid(alias, field, message)
            }
            other => ConnectionError::Build {
                alias: alias.to_string(),
                source: other.into(),
            },
        }
    }

    pub(crate) fn invalid(alias: &str, key: &str, message: impl Into<String>) -> Self {
        ConnectionError::InvalidConfig {
            alias: alias.into(),
            key: key.into(),
            message: message.into(),
        }
    }
}

/// Kept typed: `err.downcast_ref::<ConnectionError>()` gives it back, `kind()` is
/// [`ErrorKind::Config`](es_client::ErrorKind::Config) (or the build error's own kind).
///
/// ```
/// use es_connections::{ConnectionError, Connections};
/// let conns: Connections = Connections::new();
/// let err: es_client::Error = conns.get_connection(Some("qa")).unwrap_err().into();
/// assert_eq!(err.kind(), es_client::ErrorKind::Config);
/// assert!(matches!(
///     err.downcast_ref::<ConnectionError>(),
///     Some(ConnectionError::UnknownAlias { alias, .. }) if alias == "qa"
/// ));
/// ```
impl From<ConnectionError> for es_client::Error {
    fn from(e: ConnectionError) -> Self {
        let kind = match &e {
            ConnectionError::Build { source, .. } => source.kind(),
            _ => es_client::ErrorKind::Config,
        };
        es_client::Error::other(kind, e)
    }
}
