//! Parsing `GET /_nodes/_all/http` into node addresses.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::node::{NodeMeta, NodeUrl};

#[derive(Deserialize)]
struct NodesResponse {
    #[serde(default)]
    nodes: BTreeMap<String, NodeInfo>,
}

#[derive(Deserialize)]
struct NodeInfo {
    name: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    attributes: BTreeMap<String, serde_json::Value>,
    http: Option<HttpInfo>,
}

#[derive(Deserialize)]
struct HttpInfo {
    publish_address: Option<String>,
}

/// Parses a publish address: `ip:port`, `host/ip:port` (the host name is used) or `[v6]:port`.
pub(crate) fn parse_publish_address(address: &str) -> Option<(String, u16)> {
    let address = match address.split_once('/') {
        Some((host, ip_port)) => {
            let (_, port) = ip_port.rsplit_once(':')?;
            if host.is_empty() {
                ip_port.to_string()
            } else if host.contains(':') && !host.starts_with('[') {
                format!("[{host}]:{port}")
            } else {
                format!("{host}:{port}")
            }
        }
        None => address.to_string(),
    };
    let (host, port) = address.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.is_empty() {
        return None;
    }
    let port = port.parse().ok().filter(|p| *p != 0)?;
    Some((host.to_string(), port))
}

/// Turns a nodes response into node addresses that inherit `seed`'s scheme and path prefix.
/// Master-only nodes are skipped, as are nodes without an HTTP publish address.
pub(crate) fn parse_nodes(body: &[u8], seed: &NodeUrl) -> Result<Vec<(NodeUrl, NodeMeta)>, String> {
    let resp: NodesResponse =
        serde_json::from_slice(body).map_err(|e| format!("unreadable nodes response: {e}"))?;
    let mut out = Vec::new();
    for (id, info) in resp.nodes {
        let master_only = !info.roles.is_empty()
            && info
                .roles
                .iter()
                .all(|r| r == "master" || r == "cluster_manager");
        if master_only {
            continue;
        }
        let Some((host, port)) = info
            .http
            .and_then(|h| h.publish_address)
            .and_then(|a| parse_publish_address(&a))
        else {
            continue;
        };
        let url = NodeUrl {
            scheme: seed.scheme,
            host,
            port,
            path_prefix: seed.path_prefix.clone(),
        };
        let attributes = info
            .attributes
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect();
        let meta = NodeMeta {
            id: Some(id),
            name: info.name,
            roles: info.roles,
            attributes,
        };
        if !out.iter().any(|(u, _): &(NodeUrl, NodeMeta)| *u == url) {
            out.push((url, meta));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::node::Scheme;

    #[test]
    fn publish_address_forms() {
        assert_eq!(
            parse_publish_address("10.0.0.1:9200"),
            Some(("10.0.0.1".into(), 9200))
        );
        assert_eq!(
            parse_publish_address("es1.local/10.0.0.1:9201"),
            Some(("es1.local".into(), 9201))
        );
        assert_eq!(
            parse_publish_address("/10.0.0.1:9201"),
            Some(("10.0.0.1".into(), 9201))
        );
        assert_eq!(
            parse_publish_address("[::1]:9202"),
            Some(("::1".into(), 9202))
        );
        assert_eq!(
            parse_publish_address("localhost/[::1]:9203"),
            Some(("localhost".into(), 9203))
        );
        assert_eq!(parse_publish_address("nonsense"), None);
        assert_eq!(parse_publish_address("h:notaport"), None);
    }

    #[test]
    fn skips_master_only_and_inherits_seed_scheme() {
        let body = br#"{"nodes":{
            "a":{"name":"a","roles":["master","data"],"http":{"publish_address":"127.0.0.1:9201"}},
            "b":{"name":"b","roles":["master"],"http":{"publish_address":"127.0.0.1:9202"}},
            "c":{"name":"c","roles":["data"],"attributes":{"rack":"r1"},"http":{"publish_address":"[::1]:9203"}},
            "d":{"name":"d","roles":["ingest"]}
        }}"#;
        let mut seed = NodeUrl::new(Scheme::Https, "seed", 1);
        seed.path_prefix = "/es".into();
        let nodes = parse_nodes(body, &seed).unwrap();
        let urls: Vec<String> = nodes.iter().map(|(u, _)| u.to_string()).collect();
        assert_eq!(
            urls,
            vec!["https://127.0.0.1:9201/es", "https://[::1]:9203/es"]
        );
        assert_eq!(
            nodes[1].1.attributes.get("rack").map(String::as_str),
            Some("r1")
        );
        assert!(parse_nodes(b"nope", &seed).is_err());
    }
}
