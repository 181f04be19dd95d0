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

/// `es profiles check`: the file was read (an unknown key or a bad value stops `setup` with
/// its name); each profile is then built into a client, which checks its URLs and the
/// environment variables its secrets come from. Exit 2 when one fails.
pub fn check(profiles: &BTreeMap<String, ConnectionConfig>, as_json: bool) -> Result<(), Failure> {
    let mut bad = 0;
    let rows: Vec<[String; 2]> = profiles
        .keys()
        .map(|alias| match es_connections::client(alias.as_str()) {
            Ok(_) => [alias.clone(), "ok".to_string()],
            Err(e) => {
                bad += 1;
                [alias.clone(), e.to_string()]
            }
        })
        .collect();
    if as_json {
        for [alias, status] in &rows {
            out!(
                "{}",
                serde_json::json!({"profile": alias, "ok": status == "ok", "status": status})
            );
        }
    } else {
        crate::health::print_table(&["PROFILE", "CHECK"], &rows);
    }
    if bad > 0 {
        return Err(Failure::usage(format!("{bad} profile(s) cannot be used")));
    }
    Ok(())
}

/// `es profiles`.
pub fn list(profiles: &BTreeMap<String, ConnectionConfig>, as_json: bool) -> Result<(), Failure> {
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
    if as_json {
        for [alias, hosts, auth] in &rows {
            out!(
                "{}",
                serde_json::json!({"profile": alias, "hosts": hosts, "auth": auth})
            );
        }
        return Ok(());
    }
    crate::health::print_table(&["PROFILE", "HOSTS", "AUTH"], &rows);
    Ok(())
}
