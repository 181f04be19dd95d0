//! Where connections come from, and `es profiles`.

use std::collections::BTreeMap;
use std::path::Path;

use es_connections::{connections, default_profiles_path, load_profiles, ConnectionConfig};

use crate::Failure;

/// Configures the global registry: the profiles file (if any), then `--url` for `default`.
/// Without either, `default` is `http://localhost:9200`.
pub fn setup(
    file: Option<&Path>,
    url: Option<&str>,
) -> Result<BTreeMap<String, ConnectionConfig>, Failure> {
    let mut profiles = match file {
        Some(path) => load_profiles(path)?,
        None => match default_profiles_path().filter(|p| p.exists()) {
            Some(path) => load_profiles(&path)?,
            None => BTreeMap::new(),
        },
    };
    if let Some(url) = url.filter(|u| !u.trim().is_empty()) {
        let env = |k: &str| match k {
            "ELASTICSEARCH_URL" => Some(url.to_string()),
            other => std::env::var(other).ok(),
        };
        if let Some(cfg) = ConnectionConfig::from_env_with(&env) {
            profiles.insert("default".into(), cfg);
        }
    }
    profiles
        .entry("default".into())
        .or_insert_with(|| ConnectionConfig::new(["http://localhost:9200"]).into());
    connections().configure(profiles.clone());
    Ok(profiles)
}

/// The auth kind of a profile, for display (never the secret itself).
fn auth_kind(c: &ConnectionConfig) -> String {
    if let Some(user) = &c.username {
        format!("basic ({user})")
    } else if c.api_key.is_some() || c.api_key_env.is_some() || c.api_key_id.is_some() {
        "api key".into()
    } else if c.bearer_auth.is_some() || c.bearer_auth_env.is_some() {
        "bearer".into()
    } else {
        "none".into()
    }
}

/// `es profiles`.
pub fn list(profiles: &BTreeMap<String, ConnectionConfig>) -> Result<(), Failure> {
    let rows: Vec<[String; 3]> = profiles
        .iter()
        .map(|(alias, c)| {
            let target = match (&c.cloud_id, c.hosts.as_slice()) {
                (Some(_), _) => "cloud_id".to_string(),
                (None, []) => "http://localhost:9200".into(),
                (None, hosts) => hosts
                    .iter()
                    .map(|h| es_client::transport::redact_url(h))
                    .collect::<Vec<_>>()
                    .join(","),
            };
            [alias.clone(), target, auth_kind(c)]
        })
        .collect();
    crate::health::print_table(&["PROFILE", "HOSTS", "AUTH"], &rows);
    Ok(())
}
