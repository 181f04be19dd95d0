//! [`Connections`]: the thread-safe registry of named clients, one definition for both flavours.

use std::collections::BTreeMap;
use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use es_client::{Elasticsearch, Flavor};

use crate::error::KnownAliases;
use crate::{ConnectionConfig, ConnectionError};

/// The alias used when none is given.
pub const DEFAULT_ALIAS: &str = "default";

enum Entry<F> {
    /// From `create_connection` / `configure`: rebuilt lazily from its configuration.
    Configured {
        config: Box<ConnectionConfig>,
        client: Option<Elasticsearch<F>>,
    },
    /// From `add_connection`: a client built by the caller.
    Added(Elasticsearch<F>),
}

impl<F> Entry<F> {
    fn client(&self) -> Option<&Elasticsearch<F>> {
        match self {
            Entry::Configured { client, .. } => client.as_ref(),
            Entry::Added(c) => Some(c),
        }
    }
}

/// What a [`Connections::configure`] call did, alias by alias.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigureReport {
    /// Aliases whose configuration is new.
    pub added: Vec<String>,
    /// Aliases whose configuration changed: their client is rebuilt on next use.
    pub changed: Vec<String>,
    /// Aliases with an identical configuration: their built client is kept.
    pub unchanged: Vec<String>,
    /// Previously configured aliases absent from this call: removed.
    pub removed: Vec<String>,
    /// Clients added by hand that this call replaced with a configuration.
    pub replaced_added: Vec<String>,
    /// Clients added by hand that this call left alone.
    pub kept_added: Vec<String>,
}

/// What [`Connections::all`] found: the clients it could build, and the aliases it could not.
#[derive(Debug)]
pub struct AllConnections<F> {
    /// Built clients by alias.
    pub clients: BTreeMap<String, Elasticsearch<F>>,
    /// Aliases whose configuration could not be turned into a client, with why.
    pub failed: BTreeMap<String, ConnectionError>,
}

/// A thread-safe registry of clients by alias.
///
/// `F` is the flavour: [`es_client::Async`] (the default) or [`es_client::Blocking`]; every
/// method is the same for both. A process-wide instance of each exists
/// ([`crate::connections`], [`crate::blocking::connections`]) and independent registries can
/// be created with [`Connections::new`].
///
/// Semantics of [`configure`](Connections::configure) (the Python library silently drops
/// everything not re-configured; this one is explicit):
/// * an alias with an **identical** configuration keeps its built client;
/// * an alias with a **changed** configuration is rebuilt on next use (the old client's idle
///   connections are closed);
/// * a previously **configured** alias missing from the call is removed;
/// * a client **added by hand** (`add_connection`) is kept, unless the call configures the
///   same alias, which replaces it (reported in [`ConfigureReport::replaced_added`]).
///
/// ```
/// use es_connections::{ConnectionConfig, Connections};
/// let conns: Connections = Connections::new();
/// conns.configure([
///     ("default", ConnectionConfig::new(["http://localhost:9200"])),
///     ("dev", ConnectionConfig::new(["http://esdev1.example.com:9200"]).sniff_on_start(true)),
/// ]);
/// assert_eq!(conns.aliases(), vec!["default", "dev"]);
/// assert!(conns.get_connection(Some("dev")).is_ok()); // built now, no request sent
/// let err = conns.get_connection(Some("qa")).unwrap_err();
/// assert_eq!(err.to_string(), "no connection named `qa`; known aliases: `default`, `dev`");
/// ```
pub struct Connections<F = es_client::Async> {
    entries: RwLock<BTreeMap<String, Entry<F>>>,
}

impl<F> Default for Connections<F> {
    fn default() -> Self {
        Connections {
            entries: RwLock::new(BTreeMap::new()),
        }
    }
}

impl<F: Flavor> std::fmt::Debug for Connections<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let entries = self.read();
        let mut m = f.debug_map();
        for (alias, e) in entries.iter() {
            let state = match e {
                Entry::Configured { client: None, .. } => "configured (not built)",
                Entry::Configured {
                    client: Some(_), ..
                } => "configured (built)",
                Entry::Added(_) => "added",
            };
            m.entry(alias, &state);
        }
        m.finish()
    }
}

fn close<F: Flavor>(client: Option<&Elasticsearch<F>>) {
    if let Some(c) = client {
        c.transport().close();
    }
}

impl<F: Flavor> Connections<F> {
    /// An empty, independent registry.
    pub fn new() -> Self {
        Self::default()
    }

    fn read(&self) -> RwLockReadGuard<'_, BTreeMap<String, Entry<F>>> {
        self.entries.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, BTreeMap<String, Entry<F>>> {
        self.entries.write().unwrap_or_else(|p| p.into_inner())
    }

    fn unknown(&self, alias: &str) -> ConnectionError {
        ConnectionError::UnknownAlias {
            alias: alias.to_string(),
            known: KnownAliases(self.aliases()),
        }
    }

    /// Builds a client from `config`, registers it under `alias` (default `"default"`) and
    /// returns it. An existing entry under that alias is replaced (and its client closed).
    /// No request is sent.
    pub fn create_connection(
        &self,
        alias: Option<&str>,
        config: impl Into<ConnectionConfig>,
    ) -> Result<Elasticsearch<F>, ConnectionError> {
        let alias = alias.unwrap_or(DEFAULT_ALIAS);
        let config: ConnectionConfig = config.into();
        let client = build(alias, &config)?;
        let old = self.write().insert(
            alias.to_string(),
            Entry::Configured {
                config: Box::new(config),
                client: Some(client.clone()),
            },
        );
        close(old.as_ref().and_then(Entry::client));
        Ok(client)
    }

    /// Registers a client built elsewhere under `alias`, replacing (and closing) any entry.
    pub fn add_connection(&self, alias: &str, client: Elasticsearch<F>) {
        let old = self.write().insert(alias.to_string(), Entry::Added(client));
        close(old.as_ref().and_then(Entry::client));
    }

    /// Removes `alias`; its client's idle connections are closed (clones held elsewhere keep
    /// working and reconnect on demand).
    pub fn remove_connection(&self, alias: &str) -> Result<(), ConnectionError> {
        let removed = self.write().remove(alias);
        match removed {
            Some(e) => {
                close(e.client());
                Ok(())
            }
            None => Err(self.unknown(alias)),
        }
    }

    /// The client for `alias` (default `"default"`), built on first use from its configuration.
    pub fn get_connection(&self, alias: Option<&str>) -> Result<Elasticsearch<F>, ConnectionError> {
        let alias = alias.unwrap_or(DEFAULT_ALIAS);
        if let Some(entry) = self.read().get(alias) {
            if let Some(c) = entry.client() {
                return Ok(c.clone());
            }
        }
        let mut entries = self.write();
        match entries.get_mut(alias) {
            Some(Entry::Added(c)) => Ok(c.clone()),
            Some(Entry::Configured {
                client: Some(c), ..
            }) => Ok(c.clone()),
            Some(Entry::Configured { config, client }) => {
                let built = build(alias, config)?;
                tracing::debug!(alias, "built connection on first use");
                *client = Some(built.clone());
                Ok(built)
            }
            None => {
                drop(entries);
                Err(self.unknown(alias))
            }
        }
    }

    /// Stores configurations for many aliases; clients are built lazily on first use.
    /// See the type's documentation for what happens to existing aliases.
    pub fn configure<I, S, C>(&self, configs: I) -> ConfigureReport
    where
        I: IntoIterator<Item = (S, C)>,
        S: Into<String>,
        C: Into<ConnectionConfig>,
    {
        let configs: BTreeMap<String, ConnectionConfig> = configs
            .into_iter()
            .map(|(a, c)| (a.into(), c.into()))
            .collect();
        let mut report = ConfigureReport::default();
        let mut to_close = Vec::new();
        let mut entries = self.write();
        let existing: Vec<String> = entries.keys().cloned().collect();
        for alias in existing {
            if configs.contains_key(&alias) {
                continue;
            }
            match entries.get(&alias) {
                Some(Entry::Added(_)) => report.kept_added.push(alias),
                _ => {
                    if let Some(e) = entries.remove(&alias) {
                        to_close.extend(e.client().cloned());
                    }
                    report.removed.push(alias);
                }
            }
        }
        for (alias, config) in configs {
            match entries.get_mut(&alias) {
                Some(Entry::Configured { config: old, .. }) if **old == config => {
                    report.unchanged.push(alias);
                }
                Some(entry) => {
                    if matches!(entry, Entry::Added(_)) {
                        tracing::warn!(alias, "configure replaces a client added by hand");
                        report.replaced_added.push(alias.clone());
                    } else {
                        report.changed.push(alias.clone());
                    }
                    to_close.extend(entry.client().cloned());
                    *entry = Entry::Configured {
                        config: Box::new(config),
                        client: None,
                    };
                }
                None => {
                    report.added.push(alias.clone());
                    entries.insert(
                        alias,
                        Entry::Configured {
                            config: Box::new(config),
                            client: None,
                        },
                    );
                }
            }
        }
        drop(entries);
        for c in &to_close {
            close(Some(c));
        }
        report
    }

    /// Every alias, configured or added, sorted.
    pub fn aliases(&self) -> Vec<String> {
        self.read().keys().cloned().collect()
    }

    /// Whether `alias` is registered.
    pub fn contains(&self, alias: &str) -> bool {
        self.read().contains_key(alias)
    }

    /// Every connection by alias, building configured ones that were not built yet. Aliases
    /// whose client cannot be built do not hide the others: they are in
    /// [`AllConnections::failed`] with their error.
    pub fn all(&self) -> AllConnections<F> {
        let mut all = AllConnections {
            clients: BTreeMap::new(),
            failed: BTreeMap::new(),
        };
        for a in self.aliases() {
            match self.get_connection(Some(&a)) {
                Ok(c) => {
                    all.clients.insert(a, c);
                }
                // Removed by another thread between the two calls.
                Err(ConnectionError::UnknownAlias { .. }) => {}
                Err(e) => {
                    all.failed.insert(a, e);
                }
            }
        }
        all
    }

    /// Whether the client of `alias` has been built (lazy configuration).
    pub fn is_built(&self, alias: &str) -> bool {
        self.read().get(alias).is_some_and(|e| e.client().is_some())
    }

    /// Configures the default alias from `ELASTICSEARCH_URL` / `ELASTIC_API_KEY`; returns
    /// whether the variables were set. Other aliases are untouched.
    pub fn configure_default_from_env(&self) -> bool {
        let Some(config) = ConnectionConfig::from_env() else {
            return false;
        };
        let mut entries = self.write();
        let same = matches!(entries.get(DEFAULT_ALIAS), Some(Entry::Configured { config: old, .. }) if **old == config);
        if !same {
            let old = entries.insert(
                DEFAULT_ALIAS.to_string(),
                Entry::Configured {
                    config: Box::new(config),
                    client: None,
                },
            );
            drop(entries);
            close(old.as_ref().and_then(Entry::client));
        }
        true
    }
}

fn build<F: Flavor>(
    alias: &str,
    config: &ConnectionConfig,
) -> Result<Elasticsearch<F>, ConnectionError> {
    Elasticsearch::from_options(config.clone()).map_err(|e| ConnectionError::building(alias, e))
}
